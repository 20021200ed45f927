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

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::audit::{self, AuditAction, AuditEntry, Outcome};
use super::flag_raising::{self, FlagOrigin};
use super::flags;
use super::{Actor, ServiceError, ServiceResult, consents};
use crate::db::models::assessment::{self, AddendumRow, AssessmentRow, NewAssessment};
use crate::db::models::flag::FlagRow;
use crate::db::models::{intake, patient};
use crate::db::{DbConnection, write_transaction};
use crate::domain::assessment::exam_facts::{apply_corrections, exam_facts};
use crate::domain::assessment::plan_check::{self, FlagOnFile, PlanConflict};
use crate::domain::assessment::{AssessmentContent, Section, SectionUpdate};
use crate::domain::clinical::facts::Evidence;
use crate::domain::clinical::flags_engine::{self, RaisedFlag};
use crate::domain::clinical::{FlagBasis, RedFlagCode};
use crate::domain::clinical::{FlagKind, FlagLevel, Region, Technique};
use crate::domain::intake::IntakeInput;
use crate::domain::{AssessmentId, FieldErrors, PatientId, Role, UserId, new_id};

/// An assessment with what the workspace, the print view and the API show beside it.
#[derive(Debug, Clone)]
pub struct AssessmentRecord {
    pub row: AssessmentRow,
    pub content: AssessmentContent,
    pub addenda: Vec<AddendumRow>,
    /// The patient's unresolved flags, most severe first.
    pub flags: Vec<FlagRow>,
    /// Their referrals and narrowings, by flag id.
    pub flag_history: BTreeMap<String, flags::FlagHistory>,
    /// What the saved plan conflicts with now (flags raised after it was saved count).
    pub conflicts: Vec<PlanConflict>,
    /// The latest submitted history, for the review.
    pub intake: Option<IntakeInput>,
    pub intake_submitted_at: Option<NaiveDateTime>,
    pub practitioner_name: String,
    pub signer_name: Option<String>,
    pub has_consent: bool,
}

impl AssessmentRecord {
    pub fn is_signed(&self) -> bool {
        self.row.status == "signed"
    }

    /// The hash recomputed from what is stored; equal to `content_hash` unless the row
    /// was changed behind the application's back.
    pub fn hash_matches(&self) -> Option<bool> {
        let stored = self.row.content_hash.as_deref()?;
        let (at, by) = (self.row.signed_at?, self.row.signed_by.as_deref()?);
        Some(content_hash(&self.row, &self.content, at, by) == stored)
    }

    /// Why signing would be refused now; empty when it may be signed.
    pub fn sign_blockers(&self) -> Vec<String> {
        sign_blockers(
            &self.content,
            &self.flags,
            &self.flag_history,
            self.has_consent,
        )
    }
}

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

fn parse_content(row: &AssessmentRow) -> ServiceResult<AssessmentContent> {
    serde_json::from_str(&row.content).map_err(|e| {
        ServiceError::Unexpected(anyhow::anyhow!("assessment {} content: {e}", row.id))
    })
}

fn to_json(content: &AssessmentContent) -> ServiceResult<String> {
    serde_json::to_string(content).map_err(|e| ServiceError::Unexpected(e.into()))
}

fn split<T: Copy>(list: &str, parse: impl Fn(&str) -> Option<T>) -> Vec<T> {
    list.split(',').filter_map(parse).collect()
}

/// Unresolved flags as the plan check reads them.
pub fn flags_on_file(rows: &[FlagRow]) -> Vec<FlagOnFile> {
    rows.iter()
        .filter(|f| f.status != "resolved")
        .filter_map(|f| {
            Some(FlagOnFile {
                code: f.code.clone(),
                level: FlagLevel::parse(&f.level)?,
                techniques: split(&f.techniques, Technique::parse),
                regions: split(&f.regions, Region::parse),
            })
        })
        .collect()
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
    let mut facts = super::intakes::latest_facts(conn, now, patient_id)?;
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

fn conflicts_now(content: &AssessmentContent, flags: &[FlagRow]) -> Vec<PlanConflict> {
    match &content.plan {
        Some(plan) => plan_check::check(plan, &flags_on_file(flags)),
        None => Vec::new(),
    }
}

/// Part A: an emergency or urgent flag needs its referral documented before the visit
/// is signed; other red flags need the practitioner to have seen them. A referred flag
/// still blocks every intervention it forbids (the plan check below reads every
/// unresolved flag), so a referred emergency signs only with a plan of no interventions.
fn sign_blockers(
    content: &AssessmentContent,
    flags: &[FlagRow],
    history: &BTreeMap<String, flags::FlagHistory>,
    has_consent: bool,
) -> Vec<String> {
    let mut out = Vec::new();
    for f in flags.iter().filter(|f| f.status != "resolved") {
        let level = FlagLevel::parse(&f.level).unwrap_or(FlagLevel::Precaution);
        let referred = history.get(&f.id).is_some_and(|h| h.is_referred());
        if matches!(level, FlagLevel::Emergency | FlagLevel::Urgent) {
            if !referred {
                out.push(format!(
                    "Document the referral for “{}” ({}) before signing.",
                    f.reason,
                    level.label()
                ));
            }
        } else if f.kind == FlagKind::RedFlag.as_str() && f.status == "open" {
            out.push(format!(
                "The red flag “{}” ({}) has not been acknowledged.",
                f.reason,
                level.label()
            ));
        }
    }
    if !has_consent {
        out.push("No treatment consent is on file for this patient.".into());
    }
    if content.primary_diagnosis().is_none() {
        out.push("Choose a primary diagnosis.".into());
    }
    if content.plan.is_none() {
        out.push("Write the treatment plan.".into());
    }
    for c in conflicts_now(content, flags) {
        out.push(c.message);
    }
    out
}

fn load_record(conn: &mut DbConnection, row: AssessmentRow) -> ServiceResult<AssessmentRecord> {
    use crate::db::models::user;
    let content = parse_content(&row)?;
    let flags = flags::unresolved(conn, &row.patient_id)?;
    let flag_history = flags::histories(conn, &flags)?;
    let latest = intake::latest_submitted(conn, &row.patient_id)?;
    let (intake, intake_submitted_at) = match latest {
        Some(i) => (Some(intake::load_input(conn, &i)?), i.submitted_at),
        None => (None, None),
    };
    let practitioner_name = user::find(conn, &row.practitioner_id)?
        .map(|u| u.name)
        .unwrap_or_default();
    let signer_name = match &row.signed_by {
        Some(id) => user::find(conn, id)?.map(|u| u.name),
        None => None,
    };
    let has_consent = consents::has_treatment_consent(conn, &row.patient_id)?;
    let addenda = assessment::addenda_for(conn, &row.id)?;
    Ok(AssessmentRecord {
        conflicts: conflicts_now(&content, &flags),
        row,
        content,
        addenda,
        flags,
        flag_history,
        intake,
        intake_submitted_at,
        practitioner_name,
        signer_name,
        has_consent,
    })
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

/// Starts a draft for today's visit, charted by the acting practitioner.
pub fn start(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    patient_id: &PatientId,
) -> ServiceResult<AssessmentRow> {
    let by = practitioner(actor)?.to_string();
    let content = to_json(&AssessmentContent::default())?;
    write_transaction(conn, |conn| {
        let p = patient::find(conn, patient_id.as_str())?.ok_or(ServiceError::NotFound)?;
        if p.archived_at.is_some() {
            return Err(ServiceError::Conflict(
                "This patient is archived; restore the record first.".into(),
            ));
        }
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
                content: &content,
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
    let by = practitioner(actor)?.to_string();
    write_transaction(conn, |conn| {
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
        let before = parse_content(&row)?;
        let mut content = before.clone();
        let plan_changed = update.present.contains(&Section::Plan);
        let sections: Vec<&str> = update.present.iter().map(|s| s.as_str()).collect();
        let detail = sections.join(",");
        update.apply(&mut content);
        let existing = flags::unresolved(conn, &row.patient_id)?;
        let raised = assessment_flags(conn, now, &row.patient_id, &content, &existing)?;
        let mut new_overrides = Vec::new();
        if let Some(plan) = content.plan.as_mut().filter(|_| plan_changed) {
            plan.stamp_overrides(before.plan.as_ref(), &by, now);
            let mut on_file = flags_on_file(&existing);
            // Flags this save raises for the first time count at once; one raised
            // before (and perhaps resolved with a reason since) is judged as stored.
            let mut fresh = Vec::new();
            for r in &raised {
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
            for (i, iv) in plan.interventions.iter().enumerate() {
                if iv.override_at == Some(now) && iv.override_by.as_deref() == Some(by.as_str()) {
                    new_overrides.push(format!("plan.interventions[{i}]"));
                }
            }
        }
        if !assessment::update_draft(conn, &row.id, version, &to_json(&content)?, now)? {
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

/// The "all normal" shortcut: one section set to its normal findings.
pub fn save_all_normal(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    id: &AssessmentId,
    version: i32,
    section: Section,
) -> ServiceResult<AssessmentRecord> {
    let mut update = SectionUpdate::default();
    if !update.sections.set_all_normal(section) {
        return Err(
            FieldErrors::single("section", "This section has no “all normal” shortcut.").into(),
        );
    }
    update.present.push(section);
    save_sections(conn, now, actor, id, version, update)
}

/// SHA-256 over the canonical JSON of what is signed: the record's identity, the
/// content, the signer and the time.
fn content_hash(
    row: &AssessmentRow,
    content: &AssessmentContent,
    signed_at: NaiveDateTime,
    signed_by: &str,
) -> String {
    let canonical = serde_json::json!({
        "id": row.id,
        "patient_id": row.patient_id,
        "practitioner_id": row.practitioner_id,
        "visit_date": row.visit_date,
        "content": content,
        "signed_at": signed_at,
        "signed_by": signed_by,
    });
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
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
        let hash = content_hash(&record.row, &record.content, now, &by);
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
