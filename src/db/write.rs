//! Write transactions.
//!
//! Every write transaction starts by updating the single `audit_head` row. On SQLite this
//! takes the write lock at the start, so a transaction never reads a snapshot and then
//! fails to upgrade it (`SQLITE_BUSY` that the busy timeout cannot wait out). On PostgreSQL
//! the row lock serializes writers, which the audit hash chain needs anyway: each event's
//! hash depends on the one before it.

use diesel::{Connection, ExpressionMethods, QueryDsl, RunQueryDsl};

use super::DbConnection;
use crate::schema::audit_head;

pub fn write_transaction<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    conn.transaction(|conn| {
        diesel::update(audit_head::table.filter(audit_head::id.eq(1)))
            .set(audit_head::seq.eq(audit_head::seq))
            .execute(conn)?;
        f(conn)
    })
}
