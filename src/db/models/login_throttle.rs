//! `login_throttles`: failed-login counters per account (keyed by a hash of the email,
//! whether or not the account exists) and per client address. They live in the database,
//! not the session, so a fresh cookie or a second server does not reset them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::schema::login_throttles;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = login_throttles)]
#[diesel(treat_none_as_null = true)]
pub struct ThrottleRow {
    pub throttle_key: String,
    pub failures: i32,
    pub last_failure_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
}

pub fn find(conn: &mut DbConnection, key: &str) -> QueryResult<Option<ThrottleRow>> {
    login_throttles::table
        .find(key)
        .select(ThrottleRow::as_select())
        .first(conn)
        .optional()
}

/// Insert or replace; row by row because upserts do not compile on the multi connection.
pub fn save(conn: &mut DbConnection, row: &ThrottleRow) -> QueryResult<()> {
    let updated = diesel::update(login_throttles::table.find(&row.throttle_key))
        .set(row)
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(login_throttles::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

pub fn clear(conn: &mut DbConnection, key: &str) -> QueryResult<usize> {
    diesel::delete(login_throttles::table.find(key)).execute(conn)
}
