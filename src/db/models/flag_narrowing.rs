//! `flag_narrowings`: a practitioner narrowing a flag of unknown region to the regions
//! it concerns, with the regions before and after and the written reason.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::schema::flag_narrowings;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = flag_narrowings)]
pub struct NarrowingRow {
    pub id: String,
    pub flag_id: String,
    pub regions_before: String,
    pub regions_after: String,
    pub reason: String,
    pub narrowed_by: String,
    pub narrowed_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &NarrowingRow) -> QueryResult<()> {
    diesel::insert_into(flag_narrowings::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// The narrowings of these flags, oldest first.
pub fn for_flags(conn: &mut DbConnection, flag_ids: &[String]) -> QueryResult<Vec<NarrowingRow>> {
    if flag_ids.is_empty() {
        return Ok(Vec::new());
    }
    flag_narrowings::table
        .filter(flag_narrowings::flag_id.eq_any(flag_ids))
        .order((
            flag_narrowings::narrowed_at.asc(),
            flag_narrowings::id.asc(),
        ))
        .select(NarrowingRow::as_select())
        .load(conn)
}
