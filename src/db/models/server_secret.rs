//! `server_secrets`: keys shared by every server of a deployment, by name.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::schema::server_secrets;

pub fn find(conn: &mut DbConnection, name: &str) -> QueryResult<Option<String>> {
    server_secrets::table
        .find(name)
        .select(server_secrets::secret)
        .first(conn)
        .optional()
}

pub fn insert(
    conn: &mut DbConnection,
    name: &str,
    secret: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(server_secrets::table)
        .values((
            server_secrets::name.eq(name),
            server_secrets::secret.eq(secret),
            server_secrets::created_at.eq(now),
        ))
        .execute(conn)
}
