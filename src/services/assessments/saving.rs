//! Saving a draft: the sections sent (or "all normal" for one), the flags the record
//! raises from the pinned history, the exam and the diagnoses, the plan check against
//! every flag on file, then the write of those sections only and the audit rows, in one
//! transaction; nothing is written when any step refuses.

use chrono::NaiveDateTime;

use super::record::{flags_on_file, latest_pin, load_record, read_stored};
use super::{AssessmentRecord, PlanRefusal, audit_row, editable_draft, practitioner};
use crate::db::models::assessment::{self, AssessmentRow};
use crate::db::models::flag::FlagRow;
use crate::db::{DbConnection, write_transaction};
use crate::domain::assessment::carried::CarriedFrom;
use crate::domain::assessment::exam_facts::{apply_corrections, exam_facts};
use crate::domain::assessment::exam_tests::ScreeningSet;
use crate::domain::assessment::plan_check::{self, FlagOnFile};
use crate::domain::assessment::{AssessmentContent, Section, SectionUpdate};
use crate::domain::clinical::facts::Evidence;
use crate::domain::clinical::flags_engine::{self, RaisedFlag};
use crate::domain::clinical::{FlagBasis, RedFlagCode};
use crate::domain::{AssessmentId, FieldErrors};
use crate::services::audit::AuditAction;
use crate::services::flag_raising::{self, FlagOrigin};
use crate::services::{Actor, ServiceError, ServiceResult, flags};

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
    save_change(
        conn,
        now,
        actor,
        id,
        Some(version),
        &sections,
        None,
        |_, _, c| {
            update.apply(c);
            Ok(Vec::new())
        },
    )
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
        Some(version),
        &[section],
        Some(detail),
        |_, _, c| {
            c.fill_normal(section, set)
                .map_err(|m| FieldErrors::single("section", m))?;
            Ok(Vec::new())
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

fn raised_on_file(raised: &[RaisedFlag]) -> Vec<FlagOnFile> {
    raised
        .iter()
        .map(|r| FlagOnFile {
            code: r.code.to_owned(),
            name: r.reason.to_owned(),
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
    let mut facts = crate::services::intakes::facts_of(conn, now, patient_id, reviewed)?;
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

/// What a change asks to be marked as carried forward once its sections are written
/// (nothing for a save by hand, which clears the marks of what it writes).
pub(super) type CarriedMarks = Vec<(Section, CarriedFrom)>;

/// One save of a draft: `change` edits the typed content (it may read other records in
/// the same transaction, and audit them), then the flags the record raises, the plan
/// check (when the plan is among `sections`), the write of those sections only, the
/// carried-forward marks the change asks for, the audit rows. Nothing is written when
/// any step refuses. `version`, when given, must be current.
#[allow(clippy::too_many_arguments)]
pub(super) fn save_change(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    id: &AssessmentId,
    version: Option<i32>,
    sections: &[Section],
    detail: Option<String>,
    change: impl FnOnce(
        &mut DbConnection,
        &AssessmentRow,
        &mut AssessmentContent,
    ) -> ServiceResult<CarriedMarks>,
) -> ServiceResult<AssessmentRecord> {
    let by = practitioner(actor)?.to_string();
    write_transaction(conn, |conn| {
        let row = editable_draft(conn, &by, id, version)?;
        let version = row.version;
        let mut stored = read_stored(&row)?;
        let before = stored.content.clone();
        let mut content = before.clone();
        let marks = change(conn, &row, &mut content)?;
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
        for (s, from) in &marks {
            stored.mark_carried(*s, from);
        }
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
