//! `flags`: contraindications and red flags raised for a patient.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::schema::{flag_sources, flags};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = flags)]
pub struct FlagRow {
    pub id: String,
    pub patient_id: String,
    pub code: String,
    pub kind: String,
    pub level: String,
    pub techniques: String,
    pub regions: String,
    pub source: String,
    pub source_id: Option<String>,
    pub reason: String,
    pub rule_source: String,
    pub status: String,
    pub raised_at: NaiveDateTime,
    pub raised_by: Option<String>,
    pub acknowledged_at: Option<NaiveDateTime>,
    pub acknowledged_by: Option<String>,
    pub resolved_at: Option<NaiveDateTime>,
    pub resolved_by: Option<String>,
    pub resolution: Option<String>,
    /// Why the rule fired: see [`crate::domain::clinical::FlagBasis`].
    pub basis: String,
    /// The words that matched (a medicine, an operation, an exam finding), for people.
    pub evidence: String,
    /// The rule did not know the region: the flag covers every spinal region until a
    /// practitioner narrows it.
    pub region_unknown: bool,
    pub confirmed_at: Option<NaiveDateTime>,
    pub confirmed_by: Option<String>,
    pub resolved_as: Option<String>,
}

impl FlagRow {
    pub fn is_resolved(&self) -> bool {
        self.status == "resolved"
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = flags)]
pub struct NewFlag<'a> {
    pub id: &'a str,
    pub patient_id: &'a str,
    pub code: &'a str,
    pub kind: &'a str,
    pub level: &'a str,
    pub techniques: &'a str,
    pub regions: &'a str,
    pub source: &'a str,
    pub source_id: Option<&'a str>,
    pub reason: &'a str,
    pub rule_source: &'a str,
    pub status: &'a str,
    pub raised_at: NaiveDateTime,
    pub raised_by: Option<&'a str>,
    pub basis: &'a str,
    pub evidence: &'a str,
    pub region_unknown: bool,
}

pub fn insert(conn: &mut DbConnection, new: &NewFlag<'_>) -> QueryResult<()> {
    diesel::insert_into(flags::table)
        .values(new)
        .execute(conn)
        .map(|_| ())
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<FlagRow>> {
    flags::table
        .find(id)
        .select(FlagRow::as_select())
        .first(conn)
        .optional()
}

pub fn for_patient(conn: &mut DbConnection, patient_id: &str) -> QueryResult<Vec<FlagRow>> {
    flags::table
        .filter(flags::patient_id.eq(patient_id))
        .select(FlagRow::as_select())
        .load(conn)
}

/// True when the patient already has this flag (code and level) raised from, or since
/// supported by, this source record.
pub fn exists_from_source(
    conn: &mut DbConnection,
    patient_id: &str,
    code: &str,
    level: &str,
    source_id: &str,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        flags::table
            .inner_join(flag_sources::table)
            .filter(flags::patient_id.eq(patient_id))
            .filter(flags::code.eq(code))
            .filter(flags::level.eq(level))
            .filter(flag_sources::source_id.eq(source_id)),
    ))
    .get_result(conn)
}

pub fn acknowledge(
    conn: &mut DbConnection,
    id: &str,
    by: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        flags::table
            .filter(flags::id.eq(id))
            .filter(flags::status.eq("open")),
    )
    .set((
        flags::status.eq("acknowledged"),
        flags::acknowledged_at.eq(now),
        flags::acknowledged_by.eq(by),
    ))
    .execute(conn)
}

/// Resolves a flag and says how (`resolved`, `dismissed` or `referral_result`).
pub fn resolve(
    conn: &mut DbConnection,
    id: &str,
    by: &str,
    reason: &str,
    resolved_as: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        flags::table
            .filter(flags::id.eq(id))
            .filter(flags::status.ne("resolved")),
    )
    .set((
        flags::status.eq("resolved"),
        flags::resolved_at.eq(now),
        flags::resolved_by.eq(by),
        flags::resolution.eq(reason),
        flags::resolved_as.eq(resolved_as),
    ))
    .execute(conn)
}

/// The practitioners' decisions on an imported flag, as the export carried them (who
/// decided is not: staff accounts do not travel).
pub struct Decisions<'a> {
    pub status: &'a str,
    pub acknowledged_at: Option<NaiveDateTime>,
    pub confirmed_at: Option<NaiveDateTime>,
    pub resolved_at: Option<NaiveDateTime>,
    pub resolution: Option<&'a str>,
    pub resolved_as: Option<&'a str>,
}

pub fn restore_decisions(conn: &mut DbConnection, id: &str, d: &Decisions<'_>) -> QueryResult<()> {
    diesel::update(flags::table.filter(flags::id.eq(id)))
        .set((
            flags::status.eq(d.status),
            flags::acknowledged_at.eq(d.acknowledged_at),
            flags::confirmed_at.eq(d.confirmed_at),
            flags::resolved_at.eq(d.resolved_at),
            flags::resolution.eq(d.resolution),
            flags::resolved_as.eq(d.resolved_as),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Sets the regions of an unresolved flag of unknown region; from then on the region
/// is known.
pub fn narrow(conn: &mut DbConnection, id: &str, regions: &str) -> QueryResult<usize> {
    diesel::update(
        flags::table
            .filter(flags::id.eq(id))
            .filter(flags::status.ne("resolved"))
            .filter(flags::region_unknown.eq(true)),
    )
    .set((flags::regions.eq(regions), flags::region_unknown.eq(false)))
    .execute(conn)
}

/// A practitioner confirms an inferred flag: it stays, now stamped as checked.
pub fn confirm(
    conn: &mut DbConnection,
    id: &str,
    by: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        flags::table
            .filter(flags::id.eq(id))
            .filter(flags::status.ne("resolved"))
            .filter(flags::confirmed_at.is_null()),
    )
    .set((flags::confirmed_at.eq(now), flags::confirmed_by.eq(by)))
    .execute(conn)
}

/// Open (not yet acknowledged) flags of the given levels that the rules raised from an
/// intake, for every patient: what still waits for a person after a form came in.
pub fn open_from_intakes(conn: &mut DbConnection, levels: &[&str]) -> QueryResult<Vec<FlagRow>> {
    flags::table
        .filter(flags::source.eq("intake"))
        .filter(flags::status.eq("open"))
        .filter(flags::level.eq_any(levels))
        .order(flags::raised_at.asc())
        .select(FlagRow::as_select())
        .load(conn)
}

/// The flags the rules raised from one source record (an intake or an assessment).
pub fn from_source(
    conn: &mut DbConnection,
    patient_id: &str,
    source_id: &str,
) -> QueryResult<Vec<FlagRow>> {
    flags::table
        .filter(flags::patient_id.eq(patient_id))
        .filter(flags::source_id.eq(source_id))
        .select(FlagRow::as_select())
        .load(conn)
}
