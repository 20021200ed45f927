//! Write transactions.
//!
//! Every write transaction starts by updating the single `audit_head` row. On SQLite this
//! takes the write lock at the start, so a transaction never reads a snapshot and then
//! fails to upgrade it (`SQLITE_BUSY` that the busy timeout cannot wait out). On PostgreSQL
//! the row lock serializes writers, which the audit hash chain needs anyway: each event's
//! hash depends on the one before it.
//!
//! On SQLite, writers of this process first queue on a mutex of their database file.
//! SQLite itself makes a writer that finds the lock taken sleep and retry (its busy
//! handler sleeps 1, 2, 5, 10 … 100 ms), so under load the lock sat idle while writers
//! slept: 16 clients got p99s of 0.5 s and no more throughput than one. Queued on the
//! mutex, the next writer starts the moment the last one commits. Other processes (the
//! command line) still meet the busy timeout as before.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use diesel::connection::{Connection, TransactionManager};
use diesel::{ExpressionMethods, QueryDsl, QueryableByName, RunQueryDsl};

use super::DbConnection;
use crate::schema::audit_head;

pub fn write_transaction<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    let queue = sqlite_writers(conn)?;
    let _turn = queue.as_deref().map(take_turn);
    conn.transaction(|conn| {
        diesel::update(audit_head::table.filter(audit_head::id.eq(1)))
            .set(audit_head::seq.eq(audit_head::seq))
            .execute(conn)?;
        f(conn)
    })
}

/// True when `conn` has an open transaction (or one in an unknown state).
pub fn in_transaction(conn: &mut DbConnection) -> bool {
    let status =
        <DbConnection as Connection>::TransactionManager::transaction_manager_status_mut(conn);
    !matches!(status.transaction_depth(), Ok(None))
}

fn take_turn(queue: &Mutex<()>) -> MutexGuard<'_, ()> {
    // A writer that panicked released SQLite's lock when its transaction rolled back;
    // the queue itself guards nothing else.
    queue.lock().unwrap_or_else(PoisonError::into_inner)
}

#[derive(QueryableByName)]
struct DatabaseFile {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    file: String,
}

/// The writers' queue of this connection's SQLite file; `None` on PostgreSQL and for a
/// transaction nested in one already open (it holds the turn already).
fn sqlite_writers(
    conn: &mut DbConnection,
) -> Result<Option<Arc<Mutex<()>>>, diesel::result::Error> {
    if !matches!(conn, DbConnection::Sqlite(_)) || in_transaction(conn) {
        return Ok(None);
    }
    static QUEUES: OnceLock<Mutex<HashMap<String, Arc<Mutex<()>>>>> = OnceLock::new();
    let files: Vec<DatabaseFile> = diesel::sql_query("PRAGMA database_list").load(conn)?;
    let Some(main) = files.into_iter().find(|f| f.name == "main") else {
        return Ok(None);
    };
    // An in-memory database has no file and only this connection: nothing to queue for.
    if main.file.is_empty() {
        return Ok(None);
    }
    let mut queues = QUEUES
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    Ok(Some(queues.entry(main.file).or_default().clone()))
}
