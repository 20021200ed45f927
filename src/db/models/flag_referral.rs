//! `flag_referrals`: the documented referral of an emergency or urgent flag (to whom,
//! how, when, by whom). A referral does not lift the flag; resolving it does.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::schema::flag_referrals;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = flag_referrals)]
pub struct ReferralRow {
    pub id: String,
    pub flag_id: String,
    pub referred_to: String,
    pub method: String,
    pub referred_on: NaiveDate,
    pub note: Option<String>,
    pub referred_by: String,
    pub recorded_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &ReferralRow) -> QueryResult<()> {
    diesel::insert_into(flag_referrals::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// The referrals of these flags, oldest first.
pub fn for_flags(conn: &mut DbConnection, flag_ids: &[String]) -> QueryResult<Vec<ReferralRow>> {
    if flag_ids.is_empty() {
        return Ok(Vec::new());
    }
    flag_referrals::table
        .filter(flag_referrals::flag_id.eq_any(flag_ids))
        .order((flag_referrals::recorded_at.asc(), flag_referrals::id.asc()))
        .select(ReferralRow::as_select())
        .load(conn)
}
