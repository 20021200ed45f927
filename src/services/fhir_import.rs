//! Reading a patient's record back from our own FHIR export (`crate::fhir::import`)
//! into this database, the way it left: the same patient id and chart number, every
//! submitted form with its answers and time, every flag with its level, techniques,
//! regions and decisions. Flags are restored, not re-raised: they are the record of
//! what the clinic saw and decided. All or nothing, one audit row.

use chrono::NaiveDateTime;

use super::audit::{self, AuditAction, AuditEntry, Outcome};
use super::intakes::this_year;
use super::patients::fields;
use super::{Actor, ServiceError, ServiceResult};
use crate::db::models::flag::{self, Decisions, NewFlag};
use crate::db::models::intake::{self, NewIntake};
use crate::db::models::patient;
use crate::db::{DbConnection, write_transaction};
use crate::domain::FieldErrors;
use crate::domain::intake::IntakeAnswers;
use crate::domain::patient::PatientDetails;
use crate::fhir::import::ImportedRecord;

/// What an import wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub patient_id: String,
    pub chart_number: String,
    pub forms: usize,
    pub flags: usize,
}

/// The number in a chart number (`P-000042` → 42).
fn chart_digits(chart: &str) -> Option<i64> {
    chart.strip_prefix("P-")?.parse().ok()
}

/// Imports one record (the command line's operator only). Every answer and every
/// registration field goes through the same checks as when it was first entered;
/// a record already here (same id or chart number) is refused.
pub fn import_record(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    record: &ImportedRecord,
) -> ServiceResult<ImportReport> {
    if !actor.is_command_line() {
        return Err(ServiceError::Forbidden);
    }
    let p = &record.patient;
    let details = PatientDetails::parse(&p.input, now.date()).map_err(ServiceError::Invalid)?;
    let chart = chart_digits(&p.chart_number).ok_or_else(|| {
        ServiceError::Invalid(FieldErrors::single(
            "chart_number",
            "Use a chart number like P-000042.",
        ))
    })?;
    let mut forms = Vec::new();
    for f in &record.forms {
        let answers =
            IntakeAnswers::parse(&f.answers, this_year(now)).map_err(ServiceError::Invalid)?;
        forms.push((f, answers));
    }
    write_transaction(conn, |conn| {
        if patient::find(conn, &p.id)?.is_some()
            || patient::find_by_chart_number(conn, &p.chart_number)?.is_some()
        {
            return Err(ServiceError::Conflict(format!(
                "Patient {} ({}) is already in this database; nothing was imported.",
                p.id, p.chart_number
            )));
        }
        patient::insert(conn, &p.id, &p.chart_number, &fields(&details), now)?;
        patient::set_name_tokens(conn, &p.id, &details.name_tokens())?;
        patient::raise_chart_counter(conn, chart)?;
        if !p.active {
            patient::set_archived(conn, &p.id, Some(now), now)?;
        }
        for (f, answers) in &forms {
            intake::insert(
                conn,
                &NewIntake {
                    id: &f.id,
                    patient_id: &p.id,
                    invitation_id: None,
                    entered_by: None,
                    submitted: true,
                },
                answers,
                now,
            )?;
            intake::set_submitted_at(conn, &f.id, f.submitted_at)?;
        }
        for f in &record.flags {
            flag::insert(
                conn,
                &NewFlag {
                    id: &f.id,
                    patient_id: &p.id,
                    code: &f.code,
                    kind: &f.kind,
                    level: &f.level,
                    techniques: &f.techniques.join(","),
                    regions: &f.regions.join(","),
                    source: &f.origin,
                    source_id: f.source_record.as_deref(),
                    reason: &f.reason,
                    rule_source: &f.rule_source,
                    status: f.status(),
                    raised_at: f.raised_at,
                    raised_by: None,
                    basis: &f.basis,
                    evidence: &f.evidence,
                    region_unknown: f.region_unknown,
                },
            )?;
            flag::restore_decisions(
                conn,
                &f.id,
                &Decisions {
                    status: f.status(),
                    acknowledged_at: f.acknowledged_at,
                    confirmed_at: f.confirmed_at,
                    resolved_at: f.resolved_at,
                    resolution: f.resolution.as_deref(),
                    resolved_as: f.resolved_as.as_deref(),
                },
            )?;
        }
        audit::record(
            conn,
            now,
            actor,
            AuditEntry::new(AuditAction::RecordImported, Outcome::Success)
                .entity(&p.id)
                .patient(&p.id)
                .detail(format!(
                    "FHIR: {} forms, {} flags",
                    record.forms.len(),
                    record.flags.len()
                )),
        )?;
        Ok(ImportReport {
            patient_id: p.id.clone(),
            chart_number: p.chart_number.clone(),
            forms: record.forms.len(),
            flags: record.flags.len(),
        })
    })
}
