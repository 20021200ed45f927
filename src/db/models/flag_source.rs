//! `flag_sources`: the records that support a flag (the form that raised it, the
//! assessment that said the same again), each once, with its basis and evidence.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::schema::flag_sources;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = flag_sources)]
pub struct FlagSourceRow {
    pub id: String,
    pub flag_id: String,
    /// What kind of record: `intake`, `assessment` or `manual`.
    pub origin: String,
    /// The intake's or assessment's id; none for a flag added by hand.
    pub source_id: Option<String>,
    /// Why the rule fired for this record: see [`crate::domain::clinical::FlagBasis`].
    pub basis: String,
    /// The words that matched in this record, for people.
    pub evidence: String,
    pub added_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &FlagSourceRow) -> QueryResult<()> {
    diesel::insert_into(flag_sources::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// The sources of these flags, oldest first.
pub fn for_flags(conn: &mut DbConnection, flag_ids: &[String]) -> QueryResult<Vec<FlagSourceRow>> {
    if flag_ids.is_empty() {
        return Ok(Vec::new());
    }
    flag_sources::table
        .filter(flag_sources::flag_id.eq_any(flag_ids))
        .order((flag_sources::added_at.asc(), flag_sources::id.asc()))
        .select(FlagSourceRow::as_select())
        .load(conn)
}
