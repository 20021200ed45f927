//! `clinic seed`: many deterministic synthetic patients, fast, for benchmarks and for
//! trying search on a realistic number of charts.
//!
//! Each patient is made by [`synthetic::patient`], parsed by `PatientDetails::parse` and
//! stored with the same derived columns a registration stores (folded name key, phone
//! digits, name words, chart number from the shared counter). What differs from
//! `services::patients::register`, on purpose:
//! - rows are inserted in batches of [`BATCH`] inside one write transaction, with one
//!   multi-row `INSERT` per table and a block of chart numbers taken in one counter
//!   update;
//! - one `patient.registered` audit row per batch (detail `seed: N patients`, no patient
//!   id), not one per patient: the data is synthetic, and 100,000 audit rows would be
//!   most of the work;
//! - no duplicate check (a few synthetic namesakes born the same day are harmless);
//! - on PostgreSQL, `ANALYZE` at the end: after a bulk load the planner's statistics
//!   say the tables are empty until autovacuum catches up (up to a minute later), and
//!   plans made from them are not the ones a clinic's database gets. SQLite is left as
//!   the service leaves it, without statistics.

use std::ops::Range;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use indicatif::ProgressBar;

use super::synthetic;
use crate::db::models::patient::PatientFields;
use crate::db::{DbConnection, write_transaction};
use crate::domain::new_id;
use crate::domain::patient::{PatientDetails, format_chart_number};
use crate::schema::{counters, patient_name_tokens, patients};
use crate::services::audit::{self, AuditAction, AuditEntry, Outcome};
use crate::services::{Actor, ServiceError, ServiceResult};

/// Patients per write transaction (and per audit row).
pub const BATCH: u64 = 1_000;

/// Rows per `INSERT` statement: 500 patients use 11,500 bind parameters, under both
/// SQLite's (32,766) and PostgreSQL's (65,535) limits.
const ROWS_PER_INSERT: usize = 500;

/// What a seed run wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedReport {
    pub patients: u64,
    pub name_tokens: u64,
    pub first_chart: Option<String>,
    pub last_chart: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = patients)]
struct SeedPatient {
    id: String,
    chart_number: String,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    #[diesel(embed)]
    fields: PatientFields,
}

#[derive(Insertable)]
#[diesel(table_name = patient_name_tokens)]
struct SeedToken {
    token: String,
    patient_id: String,
}

/// Synthetic patient `index` of `seed`, parsed as a registration would parse it.
pub fn details(seed: u64, index: u64, now: NaiveDateTime) -> ServiceResult<PatientDetails> {
    let input = synthetic::patient(seed, index);
    PatientDetails::parse(&input, now.date()).map_err(|e| {
        ServiceError::Unexpected(anyhow::anyhow!(
            "synthetic patient {index} of seed {seed} does not parse: {e:?}"
        ))
    })
}

/// Writes synthetic patients `indexes` of `seed` (0-based; `0..n` for the first n),
/// advancing `progress` after each batch.
pub fn seed(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    seed: u64,
    indexes: Range<u64>,
    progress: &ProgressBar,
) -> ServiceResult<SeedReport> {
    let mut report = SeedReport {
        patients: 0,
        name_tokens: 0,
        first_chart: None,
        last_chart: None,
    };
    let mut start = indexes.start;
    while start < indexes.end {
        let end = indexes.end.min(start.saturating_add(BATCH));
        let batch = (start..end)
            .map(|i| details(seed, i, now))
            .collect::<ServiceResult<Vec<_>>>()?;
        let (first, last, tokens) = write_batch(conn, now, &batch)?;
        report.patients += batch.len() as u64;
        report.name_tokens += tokens;
        report.first_chart.get_or_insert(first);
        report.last_chart = Some(last);
        progress.inc(batch.len() as u64);
        start = end;
    }
    if matches!(conn, DbConnection::Pg(_)) {
        diesel::sql_query("ANALYZE patients, patient_name_tokens").execute(conn)?;
    }
    Ok(report)
}

/// One batch in one write transaction; returns the first and last chart numbers and
/// the number of name words written.
fn write_batch(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    batch: &[PatientDetails],
) -> ServiceResult<(String, String, u64)> {
    let count = i64::try_from(batch.len()).map_err(|e| ServiceError::Unexpected(e.into()))?;
    write_transaction(conn, |conn| {
        let first_number = take_chart_numbers(conn, count)?;
        let mut rows = Vec::with_capacity(batch.len());
        let mut tokens = Vec::with_capacity(batch.len() * 3);
        for (n, d) in (first_number..).zip(batch) {
            let id = new_id();
            tokens.extend(d.name_tokens().into_iter().map(|token| SeedToken {
                token,
                patient_id: id.clone(),
            }));
            rows.push(SeedPatient {
                id,
                chart_number: format_chart_number(n),
                version: 1,
                created_at: now,
                updated_at: now,
                fields: crate::services::patients::fields(d),
            });
        }
        insert_patients(conn, &rows)?;
        insert_tokens(conn, &tokens)?;
        audit::record(
            conn,
            now,
            &Actor::command_line(),
            AuditEntry::new(AuditAction::PatientRegistered, Outcome::Success)
                .detail(format!("seed: {} patients", rows.len())),
        )?;
        let first = rows.first().map(|r| r.chart_number.clone());
        let last = rows.last().map(|r| r.chart_number.clone());
        Ok((
            first.unwrap_or_default(),
            last.unwrap_or_default(),
            tokens.len() as u64,
        ))
    })
}

/// Takes `n` chart numbers in one counter update (inside the write transaction, which
/// serialises writers); returns the first.
fn take_chart_numbers(conn: &mut DbConnection, n: i64) -> QueryResult<i64> {
    let counter = counters::table.filter(counters::name.eq("chart_number"));
    diesel::update(counter)
        .set(counters::value.eq(counters::value + n))
        .execute(conn)?;
    let last: i64 = counter.select(counters::value).first(conn)?;
    Ok(last - n + 1)
}

// A multi-row INSERT does not compile on the multi-backend connection (diesel cannot
// prove it for both at once), so each backend's connection is used directly.
fn insert_patients(conn: &mut DbConnection, rows: &[SeedPatient]) -> QueryResult<()> {
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let insert = diesel::insert_into(patients::table).values(chunk);
        match conn {
            DbConnection::Sqlite(c) => insert.execute(c)?,
            DbConnection::Pg(c) => insert.execute(c)?,
        };
    }
    Ok(())
}

fn insert_tokens(conn: &mut DbConnection, rows: &[SeedToken]) -> QueryResult<()> {
    for chunk in rows.chunks(ROWS_PER_INSERT * 4) {
        let insert = diesel::insert_into(patient_name_tokens::table).values(chunk);
        match conn {
            DbConnection::Sqlite(c) => insert.execute(c)?,
            DbConnection::Pg(c) => insert.execute(c)?,
        };
    }
    Ok(())
}
