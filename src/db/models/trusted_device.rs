//! `trusted_devices`: the browsers and clients that have signed in as an account, by the
//! hash of the token their `clinic_device` cookie holds.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::schema::trusted_devices;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = trusted_devices)]
pub struct TrustedDeviceRow {
    pub token_hash: String,
    pub user_id: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: NaiveDateTime,
}

/// The first of `hashes` trusted for `user_id` and used since `used_since`.
pub fn find_for_user(
    conn: &mut DbConnection,
    user_id: &str,
    hashes: &[String],
    used_since: NaiveDateTime,
) -> QueryResult<Option<TrustedDeviceRow>> {
    if hashes.is_empty() {
        return Ok(None);
    }
    trusted_devices::table
        .filter(trusted_devices::user_id.eq(user_id))
        .filter(trusted_devices::token_hash.eq_any(hashes))
        .filter(trusted_devices::last_used_at.ge(used_since))
        .select(TrustedDeviceRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, row: &TrustedDeviceRow) -> QueryResult<usize> {
    diesel::insert_into(trusted_devices::table)
        .values(row)
        .execute(conn)
}

pub fn touch(conn: &mut DbConnection, token_hash: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(trusted_devices::table.find(token_hash))
        .set(trusted_devices::last_used_at.eq(now))
        .execute(conn)
}

pub fn hashes_for_user(conn: &mut DbConnection, user_id: &str) -> QueryResult<Vec<String>> {
    trusted_devices::table
        .filter(trusted_devices::user_id.eq(user_id))
        .select(trusted_devices::token_hash)
        .load(conn)
}

/// Devices unused since `before` are forgotten (housekeeping).
pub fn delete_unused_since(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(trusted_devices::table.filter(trusted_devices::last_used_at.lt(before)))
        .execute(conn)
}
