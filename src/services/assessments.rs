//! The first-visit assessment: start, read, save sections (optimistic `version`),
//! "all normal", sign, addenda. Practitioners chart; only the assessment's own
//! practitioner edits and signs it; an admin reads for audit; the front desk never
//! reads exam notes. Every read and write is audited in its transaction.
//!
//! A save that carries the plan runs the plan check against the unresolved flags,
//! including the flags this very save raises from the exam; a refused plan writes
//! nothing. Signing runs every check again, stores the signer, time and a SHA-256 of
//! the canonical content, and from then on the row never changes (the database trigger
//! refuses too); addenda are the only change.

mod carry_forward;
mod history_pin;
mod record;
mod saving;

use chrono::NaiveDateTime;
use serde::Serialize;

use super::audit::{self, AuditAction, AuditEntry, Outcome};
use super::audit_queue::audited_read;
use super::{Actor, ServiceError, ServiceResult};
use crate::db::models::assessment::{self, AddendumRow, AssessmentRow, NewAssessment};
use crate::db::models::patient;
use crate::db::{DbConnection, write_transaction};
use crate::domain::assessment::AssessmentContent;
use crate::domain::assessment::plan_check::PlanConflict;
use crate::domain::assessment::stored::StoredContent;
use crate::domain::free_text::{self, Lines};
use crate::domain::{AssessmentId, FieldErrors, PatientId, Role, UserId, new_id};

pub use carry_forward::{CarryOffer, CarryRequest, carry_forward, keep_carried};
pub use history_pin::pin_latest_history;
pub use record::{
    AssessmentRecord, HistoryNotice, HistoryReview, NewerIntake, PatientSummary, ReviewBasis,
    conflicts_now, flags_on_file, load_record,
};
use record::{content_hash, latest_pin};
pub use saving::{save_all_normal, save_sections};

/// Refusals that are not one field: a signed record, a refused plan, a refused signature.
#[derive(Debug, Clone, Serialize)]
pub struct PlanRefusal {
    pub errors: FieldErrors,
    pub conflicts: Vec<PlanConflict>,
}

fn practitioner(actor: &Actor) -> ServiceResult<&UserId> {
    match &actor.user {
        Some((id, Role::Practitioner)) => Ok(id),
        _ => Err(ServiceError::Forbidden),
    }
}

fn reader(actor: &Actor) -> ServiceResult<()> {
    match &actor.user {
        Some((_, Role::Practitioner | Role::Admin)) => Ok(()),
        _ => Err(ServiceError::Forbidden),
    }
}

fn audit_row(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    action: AuditAction,
    row: &AssessmentRow,
    detail: Option<String>,
) -> ServiceResult<()> {
    audit::record(conn, now, actor, entry_for(action, row, detail))?;
    Ok(())
}

fn entry_for(action: AuditAction, row: &AssessmentRow, detail: Option<String>) -> AuditEntry {
    let e = AuditEntry::new(action, Outcome::Success)
        .entity(&row.id)
        .patient(&row.patient_id);
    match detail {
        Some(d) => e.detail(d),
        None => e,
    }
}

/// What starting an assessment should do when the patient already has a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfDraftOpen {
    /// Refuse with [`ServiceError::DraftOpen`]: one draft per visit.
    Refuse,
    /// The practitioner says this is a new visit: start another.
    StartNewVisit,
}

/// Starts a draft for today's visit, charted by the acting practitioner, reviewing the
/// patient's newest submitted form (pinned now, if there is one). A patient with an
/// open draft is refused with that draft's id unless `if_open` says this is a new
/// visit.
pub fn start(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    // The clinic's date at `now` (its time zone, not UTC's): the visit's date.
    visit_date: chrono::NaiveDate,
    actor: &Actor,
    patient_id: &PatientId,
    if_open: IfDraftOpen,
) -> ServiceResult<AssessmentRow> {
    let by = practitioner(actor)?.to_string();
    write_transaction(conn, |conn| {
        let p = patient::find(conn, patient_id.as_str())?.ok_or(ServiceError::NotFound)?;
        if p.archived_at.is_some() {
            return Err(ServiceError::Conflict(
                "This patient is archived; restore the record first.".into(),
            ));
        }
        if if_open == IfDraftOpen::Refuse
            && let Some(d) = assessment::open_draft(conn, &p.id)?
        {
            return Err(ServiceError::DraftOpen {
                id: d.id,
                visit_date: d.visit_date,
            });
        }
        let mut stored = StoredContent::new_draft();
        let content = AssessmentContent {
            history_source: latest_pin(conn, &p.id)?,
            ..AssessmentContent::default()
        };
        stored.write_sections(&content, &[]);
        let id = new_id();
        assessment::insert(
            conn,
            &NewAssessment {
                id: &id,
                patient_id: &p.id,
                practitioner_id: &by,
                visit_date,
                status: "draft",
                version: 1,
                content: &stored.text(),
                created_at: now,
                updated_at: now,
            },
        )?;
        let row = assessment::find(conn, &id)?.ok_or(ServiceError::NotFound)?;
        audit_row(conn, now, actor, AuditAction::AssessmentStarted, &row, None)?;
        Ok(row)
    })
}

/// Reads an assessment (practitioners and admins), audited; `action` says why
/// (viewed in the workspace or the API, or printed).
pub fn get(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    id: &AssessmentId,
    action: AuditAction,
) -> ServiceResult<AssessmentRecord> {
    reader(actor)?;
    audited_read(conn, now, actor, |conn| {
        let row = assessment::find(conn, id.as_str())?.ok_or(ServiceError::NotFound)?;
        let mut read = vec![entry_for(action, &row, None)];
        let record = load_record(conn, row)?;
        if record.intake.is_some() {
            read.push(
                AuditEntry::new(AuditAction::IntakeViewed, Outcome::Success)
                    .patient(&record.row.patient_id)
                    .detail("history review"),
            );
        }
        Ok((record, read))
    })
}

/// The patient an assessment belongs to (for addressing its page; not a read of the
/// record itself, so not audited).
pub fn patient_of(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &AssessmentId,
) -> ServiceResult<String> {
    reader(actor)?;
    Ok(assessment::find(conn, id.as_str())?
        .ok_or(ServiceError::NotFound)?
        .patient_id)
}

/// A patient's assessments, newest first (the caller audits the page it is part of).
pub fn for_patient(conn: &mut DbConnection, patient_id: &str) -> ServiceResult<Vec<AssessmentRow>> {
    Ok(assessment::for_patient(conn, patient_id)?)
}

/// A patient's assessments for the API, audited as a read of the patient's record.
pub fn list(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    patient_id: &PatientId,
) -> ServiceResult<Vec<AssessmentRow>> {
    reader(actor)?;
    audited_read(conn, now, actor, |conn| {
        if patient::find(conn, patient_id.as_str())?.is_none() {
            return Err(ServiceError::NotFound);
        }
        let rows = assessment::for_patient(conn, patient_id.as_str())?;
        let listed = AuditEntry::new(AuditAction::AssessmentViewed, Outcome::Success)
            .patient(patient_id.as_str())
            .detail("list");
        Ok((rows, vec![listed]))
    })
}

/// Loads a draft the acting practitioner may change at `version` (any version when
/// `None`: carrying forward from the API, where the version is checked when sent).
fn editable_draft(
    conn: &mut DbConnection,
    by: &str,
    id: &AssessmentId,
    version: Option<i32>,
) -> ServiceResult<AssessmentRow> {
    let row = assessment::find(conn, id.as_str())?.ok_or(ServiceError::NotFound)?;
    if row.practitioner_id != by {
        return Err(ServiceError::Forbidden);
    }
    if row.status == "signed" {
        return Err(ServiceError::Conflict(
            "This assessment is signed and never changes; add an addendum instead.".into(),
        ));
    }
    if version.is_some_and(|v| v != row.version) {
        return Err(ServiceError::StaleVersion {
            current: row.version,
        });
    }
    Ok(row)
}

/// Signs the assessment: only its practitioner, only when nothing blocks it (see
/// [`AssessmentRecord::sign_blockers`]). `version`, when given, must be current.
pub fn sign(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    id: &AssessmentId,
    version: Option<i32>,
) -> ServiceResult<AssessmentRecord> {
    let by = practitioner(actor)?.to_string();
    write_transaction(conn, |conn| {
        let row = assessment::find(conn, id.as_str())?.ok_or(ServiceError::NotFound)?;
        if row.practitioner_id != by {
            return Err(ServiceError::Forbidden);
        }
        if row.status == "signed" {
            return Err(ServiceError::Conflict(
                "This assessment is already signed.".into(),
            ));
        }
        if version.is_some_and(|v| v != row.version) {
            return Err(ServiceError::StaleVersion {
                current: row.version,
            });
        }
        let record = load_record(conn, row)?;
        let blockers = record.sign_blockers();
        if !blockers.is_empty() {
            return Err(ServiceError::SignRefused(blockers));
        }
        let hash = content_hash(&record.row, &record.stored.value(), now, &by);
        if !assessment::sign(conn, &record.row.id, record.row.version, &by, &hash, now)? {
            return Err(ServiceError::StaleVersion {
                current: record.row.version,
            });
        }
        audit_row(
            conn,
            now,
            actor,
            AuditAction::AssessmentSigned,
            &record.row,
            None,
        )?;
        let row = assessment::find(conn, &record.row.id)?.ok_or(ServiceError::NotFound)?;
        load_record(conn, row)
    })
}

/// Longest addendum body.
pub const ADDENDUM_MAX: usize = 5000;

/// Adds an addendum to a signed assessment (any practitioner: a colleague may correct
/// the record too; the author is recorded).
pub fn add_addendum(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    id: &AssessmentId,
    body: &str,
) -> ServiceResult<AddendumRow> {
    let by = practitioner(actor)?.to_string();
    let body = body.trim();
    if body.is_empty() {
        return Err(FieldErrors::single("body", "Write the addendum.").into());
    }
    if let Err(m) = free_text::check(body, Lines::Many) {
        return Err(FieldErrors::single("body", m).into());
    }
    if body.chars().count() > ADDENDUM_MAX {
        return Err(
            FieldErrors::single("body", format!("Use at most {ADDENDUM_MAX} characters.")).into(),
        );
    }
    write_transaction(conn, |conn| {
        let row = assessment::find(conn, id.as_str())?.ok_or(ServiceError::NotFound)?;
        if row.status != "signed" {
            return Err(ServiceError::Conflict(
                "This assessment is still a draft: change it directly; addenda are for signed records.".into(),
            ));
        }
        let a = AddendumRow {
            id: new_id(),
            assessment_id: row.id.clone(),
            author_id: by.clone(),
            body: body.to_owned(),
            created_at: now,
        };
        assessment::insert_addendum(conn, &a)?;
        audit::record(
            conn,
            now,
            actor,
            AuditEntry::new(AuditAction::AddendumAdded, Outcome::Success)
                .entity(&a.id)
                .patient(&row.patient_id),
        )?;
        Ok(a)
    })
}
