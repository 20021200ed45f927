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

mod history_pin;
mod record;

use chrono::NaiveDateTime;
use serde::Serialize;

use super::audit::{self, AuditAction, AuditEntry, Outcome};
use super::flag_raising::{self, FlagOrigin};
use super::flags;
use super::{Actor, ServiceError, ServiceResult};
use crate::db::models::assessment::{self, AddendumRow, AssessmentRow, NewAssessment};
use crate::db::models::flag::FlagRow;
use crate::db::models::patient;
use crate::db::{DbConnection, write_transaction};
use crate::domain::assessment::exam_facts::{apply_corrections, exam_facts};
use crate::domain::assessment::exam_tests::ScreeningSet;
use crate::domain::assessment::plan_check::{self, FlagOnFile, PlanConflict};
use crate::domain::assessment::stored::StoredContent;
use crate::domain::assessment::{AssessmentContent, Section, SectionUpdate};
use crate::domain::clinical::facts::Evidence;
use crate::domain::clinical::flags_engine::{self, RaisedFlag};
use crate::domain::clinical::{FlagBasis, RedFlagCode};
use crate::domain::{AssessmentId, FieldErrors, PatientId, Role, UserId, new_id};

pub use history_pin::pin_latest_history;
pub use record::{
    AssessmentRecord, HistoryNotice, HistoryReview, NewerIntake, PatientSummary, ReviewBasis,
    conflicts_now, flags_on_file, load_record,
};
use record::{content_hash, latest_pin, read_stored};

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

fn raised_on_file(raised: &[RaisedFlag]) -> Vec<FlagOnFile> {
    raised
        .iter()
        .map(|r| FlagOnFile {
            code: r.code.to_owned(),
            level: r.level,
            techniques: r.techniques.clone(),
            regions: r.regions.clone(),
        })
        .collect()
}

/// The flags the assessment raises: the one rule table read over the history's facts
/// (with the practitioner's corrections), the exam's findings and the diagnoses. Only
/// flags with evidence from the assessment itself are its own; the rest were raised
/// when the history was submitted.
fn assessment_flags(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    patient_id: &str,
    content: &AssessmentContent,
    flags_on_record: &[FlagRow],
) -> ServiceResult<Vec<RaisedFlag>> {
    let reviewed = content
        .history_source
        .as_ref()
        .map(|h| h.intake_id.as_str());
    let mut facts = super::intakes::facts_of(conn, now, patient_id, reviewed)?;
    if let Some(history) = &content.history {
        apply_corrections(&mut facts, history);
    }
    // A trauma flag added by hand (a walk-in with no form) counts like the answer.
    if flags_on_record
        .iter()
        .any(|f| f.code == RedFlagCode::RecentTrauma.as_str() && !f.is_resolved())
    {
        facts.red_flag(
            RedFlagCode::RecentTrauma,
            Evidence::new(FlagBasis::FormAnswer, "Recent trauma flag on file"),
        );
    }
    facts.merge(exam_facts(content));
    Ok(flags_engine::evaluate(&facts)
        .into_iter()
        .filter(|r| r.from_assessment())
        .collect())
}

fn audit_row(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    action: AuditAction,
    row: &AssessmentRow,
    detail: Option<String>,
) -> ServiceResult<()> {
    let mut e = AuditEntry::new(action, Outcome::Success)
        .entity(&row.id)
        .patient(&row.patient_id);
    if let Some(d) = detail {
        e = e.detail(d);
    }
    audit::record(conn, now, actor, e)?;
    Ok(())
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
                visit_date: now.date(),
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
    write_transaction(conn, |conn| {
        let row = assessment::find(conn, id.as_str())?.ok_or(ServiceError::NotFound)?;
        audit_row(conn, now, actor, action, &row, None)?;
        let record = load_record(conn, row)?;
        if record.intake.is_some() {
            audit::record(
                conn,
                now,
                actor,
                AuditEntry::new(AuditAction::IntakeViewed, Outcome::Success)
                    .patient(&record.row.patient_id)
                    .detail("history review"),
            )?;
        }
        Ok(record)
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
    write_transaction(conn, |conn| {
        if patient::find(conn, patient_id.as_str())?.is_none() {
            return Err(ServiceError::NotFound);
        }
        let rows = assessment::for_patient(conn, patient_id.as_str())?;
        audit::record(
            conn,
            now,
            actor,
            AuditEntry::new(AuditAction::AssessmentViewed, Outcome::Success)
                .patient(patient_id.as_str())
                .detail("list"),
        )?;
        Ok(rows)
    })
}

/// Saves the sections in `update` over draft `version`. A stale version writes
/// nothing (409 with the current version); a signed record is never changed (409); a
/// plan a flag refuses writes nothing (422 with the conflicts).
pub fn save_sections(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    id: &AssessmentId,
    version: i32,
    update: SectionUpdate,
) -> ServiceResult<AssessmentRecord> {
    let sections = update.present.clone();
    save_change(conn, now, actor, id, version, &sections, None, |c| {
        update.apply(c);
        Ok(())
    })
}

/// The "all normal" shortcut for one section: fills only what is not yet recorded
/// (tests: the named screening set), keeps what is.
#[allow(clippy::too_many_arguments)]
pub fn save_all_normal(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    id: &AssessmentId,
    version: i32,
    section: Section,
    set: Option<ScreeningSet>,
) -> ServiceResult<AssessmentRecord> {
    let detail = match set {
        Some(set) => format!("{section},all_normal:{set}"),
        None => format!("{section},all_normal"),
    };
    save_change(
        conn,
        now,
        actor,
        id,
        version,
        &[section],
        Some(detail),
        |c| {
            c.fill_normal(section, set)
                .map_err(|m| FieldErrors::single("section", m).into())
        },
    )
}

/// The plan check of a save: every unresolved flag, and the flags this save raises for
/// the first time (one raised before, and perhaps resolved with a reason since, is
/// judged as stored). A refusal is a 422 with the conflicts; otherwise the paths of the
/// overrides this save wrote, for their audit rows.
fn check_plan(
    conn: &mut DbConnection,
    row: &AssessmentRow,
    plan: &crate::domain::assessment::plan::TreatmentPlan,
    existing: &[FlagRow],
    raised: &[RaisedFlag],
    by: &str,
    now: NaiveDateTime,
) -> ServiceResult<Vec<String>> {
    let mut on_file = flags_on_file(existing);
    let mut fresh = Vec::new();
    for r in raised {
        if !crate::db::models::flag::exists_from_source(
            conn,
            &row.patient_id,
            r.code,
            r.level.as_str(),
            &row.id,
        )? {
            fresh.push(r.clone());
        }
    }
    on_file.extend(raised_on_file(&fresh));
    let conflicts = plan_check::check(plan, &on_file);
    if !conflicts.is_empty() {
        let mut errors = FieldErrors::new();
        for c in &conflicts {
            errors.add(
                &format!("plan.interventions[{}]", c.index),
                c.message.clone(),
            );
        }
        return Err(ServiceError::PlanRefused(Box::new(PlanRefusal {
            errors,
            conflicts,
        })));
    }
    Ok(plan
        .interventions
        .iter()
        .enumerate()
        .filter(|(_, iv)| iv.override_at == Some(now) && iv.override_by.as_deref() == Some(by))
        .map(|(i, _)| format!("plan.interventions[{i}]"))
        .collect())
}

/// Loads a draft the acting practitioner may change at `version`.
fn editable_draft(
    conn: &mut DbConnection,
    by: &str,
    id: &AssessmentId,
    version: i32,
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
    if row.version != version {
        return Err(ServiceError::StaleVersion {
            current: row.version,
        });
    }
    Ok(row)
}

/// One save of a draft: `change` edits the typed content, then the flags the record
/// raises, the plan check (when the plan is among `sections`), the write of those
/// sections only, the audit rows. Nothing is written when any step refuses.
#[allow(clippy::too_many_arguments)]
fn save_change(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    id: &AssessmentId,
    version: i32,
    sections: &[Section],
    detail: Option<String>,
    change: impl FnOnce(&mut AssessmentContent) -> ServiceResult<()>,
) -> ServiceResult<AssessmentRecord> {
    let by = practitioner(actor)?.to_string();
    write_transaction(conn, |conn| {
        let row = editable_draft(conn, &by, id, version)?;
        let mut stored = read_stored(&row)?;
        let before = stored.content.clone();
        let mut content = before.clone();
        change(&mut content)?;
        // The review reads one form: pinned at the first save if the assessment
        // started before the patient submitted one.
        if content.history_source.is_none() {
            content.history_source = latest_pin(conn, &row.patient_id)?;
        }
        let plan_changed = sections.contains(&Section::Plan);
        let detail = detail.unwrap_or_else(|| {
            sections
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(",")
        });
        let existing = flags::unresolved(conn, &row.patient_id)?;
        let raised = assessment_flags(conn, now, &row.patient_id, &content, &existing)?;
        let new_overrides = match content.plan.as_mut().filter(|_| plan_changed) {
            Some(plan) => {
                plan.stamp_overrides(before.plan.as_ref(), &by, now);
                check_plan(conn, &row, plan, &existing, &raised, &by, now)?
            }
            None => Vec::new(),
        };
        stored.write_sections(&content, sections);
        if !assessment::update_draft(conn, &row.id, version, &stored.text(), now)? {
            return Err(ServiceError::StaleVersion {
                current: row.version,
            });
        }
        flag_raising::raise(
            conn,
            now,
            actor,
            &row.patient_id,
            FlagOrigin::Assessment,
            &row.id,
            &raised,
        )?;
        if before.history_source != content.history_source
            && let Some(src) = &content.history_source
        {
            audit_row(
                conn,
                now,
                actor,
                AuditAction::AssessmentHistoryPinned,
                &row,
                Some(format!("intake {}", src.intake_id)),
            )?;
        }
        audit_row(
            conn,
            now,
            actor,
            AuditAction::AssessmentSaved,
            &row,
            Some(detail),
        )?;
        for o in new_overrides {
            audit_row(conn, now, actor, AuditAction::PlanOverride, &row, Some(o))?;
        }
        let row = assessment::find(conn, &row.id)?.ok_or(ServiceError::NotFound)?;
        load_record(conn, row)
    })
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
