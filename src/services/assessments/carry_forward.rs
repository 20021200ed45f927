//! Carrying findings forward into a draft from the patient's previous signed
//! assessment (issue 10, item 6), and keeping a carried section as it is. A carry is a
//! save like any other (same checks, flags, version bump, `assessment.saved` row) whose
//! change reads the source record, audited as `assessment.viewed` in the same
//! transaction; each section it writes is marked with where it came from (see
//! `domain::assessment::carried`).

use chrono::{NaiveDate, NaiveDateTime};

use super::saving::{CarriedMarks, save_change};
use super::{AssessmentRecord, audit_row, record::read_stored};
use crate::db::DbConnection;
use crate::db::models::assessment::{self, AssessmentRow};
use crate::domain::assessment::Section;
use crate::domain::assessment::carried::{CARRYABLE, CarriedFrom, copy_section, has_findings};
use crate::domain::{AssessmentId, FieldErrors};
use crate::services::audit::AuditAction;
use crate::services::{Actor, ServiceError, ServiceResult};

/// What to carry: from which signed assessment (the patient's most recent when
/// `None`), which sections, and whether a section already charted in the draft is
/// replaced. `version`, when given, must be current.
#[derive(Debug, Clone)]
pub struct CarryRequest {
    pub from: Option<AssessmentId>,
    pub sections: Vec<Section>,
    pub overwrite: bool,
    pub version: Option<i32>,
}

/// The patient's most recent signed assessment other than `except`.
pub(super) fn latest_signed(
    conn: &mut DbConnection,
    patient_id: &str,
    except: &str,
) -> ServiceResult<Option<AssessmentRow>> {
    Ok(assessment::for_patient(conn, patient_id)?
        .into_iter()
        .filter(|a| a.status == "signed" && a.id != except)
        .max_by_key(|a| a.signed_at))
}

/// The source of a carry: the named assessment, or the most recent signed one; it must
/// be this patient's and signed, since only a signed record is a finding anyone stood
/// behind.
fn source_of(
    conn: &mut DbConnection,
    draft: &AssessmentRow,
    from: Option<&AssessmentId>,
) -> ServiceResult<AssessmentRow> {
    let Some(from) = from else {
        return latest_signed(conn, &draft.patient_id, &draft.id)?.ok_or_else(|| {
            ServiceError::Conflict(
                "This patient has no signed assessment to carry findings forward from.".into(),
            )
        });
    };
    let source = assessment::find(conn, from.as_str())?
        .ok_or_else(|| ServiceError::from(FieldErrors::single("from", "No such assessment.")))?;
    if source.patient_id != draft.patient_id {
        return Err(FieldErrors::single(
            "from",
            "That assessment is another patient's: findings are carried forward only from the same patient's records.",
        )
        .into());
    }
    if source.id == draft.id {
        return Err(
            FieldErrors::single("from", "Choose an earlier assessment, not this draft.").into(),
        );
    }
    if source.status != "signed" {
        return Err(ServiceError::Conflict(format!(
            "The assessment of {} is not signed: only a signed assessment is carried forward.",
            source.visit_date
        )));
    }
    Ok(source)
}

/// A draft's offer to start from the patient's most recent signed assessment: when it
/// was signed and which carryable sections have findings there.
#[derive(Debug, Clone)]
pub struct CarryOffer {
    pub from: CarriedFrom,
    pub visit_date: NaiveDate,
    pub sections: Vec<Section>,
}

/// What a draft could start from: the patient's most recent signed assessment, if it
/// has findings in a section that carries forward. Only the date and the section names
/// are shown until a carry reads the findings (audited then).
pub(super) fn carry_offer(
    conn: &mut DbConnection,
    row: &AssessmentRow,
) -> ServiceResult<Option<CarryOffer>> {
    let Some(source) = latest_signed(conn, &row.patient_id, &row.id)? else {
        return Ok(None);
    };
    let Some(signed_at) = source.signed_at else {
        return Ok(None);
    };
    let theirs = read_stored(&source)?.content;
    let sections: Vec<Section> = CARRYABLE
        .into_iter()
        .filter(|s| has_findings(&theirs, *s))
        .collect();
    Ok((!sections.is_empty()).then(|| CarryOffer {
        from: CarriedFrom {
            assessment_id: source.id.clone(),
            signed_at,
        },
        visit_date: source.visit_date,
        sections,
    }))
}

impl AssessmentRecord {
    /// Reminders under "Before signing" that do not block it: sections carried forward
    /// and not yet checked (signing records them as carried forward unchanged).
    pub fn sign_reminders(&self) -> Vec<String> {
        if self.is_signed() {
            return Vec::new();
        }
        self.stored
            .carried_forward()
            .iter()
            .map(|(s, from)| {
                format!(
                    "{} was carried forward from the assessment of {} and not yet checked:                      change it or keep it as is (if signed so, the record says it was carried                      forward unchanged).",
                    s.label(),
                    from.date_words()
                )
            })
            .collect()
    }
}

/// Carries `req.sections` into draft `id`. Refused (nothing written) when the draft is
/// signed or someone else's, the source is not signed or another patient's, a section
/// is not carried forward at all or has no findings in the source, or a section is
/// already charted in the draft and `overwrite` was not asked for.
pub fn carry_forward(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    id: &AssessmentId,
    req: CarryRequest,
) -> ServiceResult<AssessmentRecord> {
    check_sections(&req.sections)?;
    let sections = req.sections.clone();
    // The source is found inside the transaction, so its id is on the source's own
    // `assessment.viewed` row ("carried forward into …"), not in this detail.
    let detail = format!(
        "{},carried_forward",
        sections
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(",")
    );
    save_change(
        conn,
        now,
        actor,
        id,
        req.version,
        &sections,
        Some(detail),
        |conn, draft, content| {
            let source = source_of(conn, draft, req.from.as_ref())?;
            let signed_at = source.signed_at.ok_or_else(|| {
                ServiceError::Unexpected(anyhow::anyhow!(
                    "signed assessment {} has no signed_at",
                    source.id
                ))
            })?;
            let theirs = read_stored(&source)?.content;
            let mut e = FieldErrors::new();
            let mut already = Vec::new();
            for (i, s) in req.sections.iter().enumerate() {
                if !has_findings(&theirs, *s) {
                    e.add(
                        &format!("sections[{i}]"),
                        format!(
                            "The assessment of {} has no {} findings to carry forward.",
                            source.visit_date,
                            s.label().to_lowercase()
                        ),
                    );
                } else if content.is_charted(*s) && !req.overwrite {
                    already.push(s.label());
                }
            }
            e.into_result()?;
            if !already.is_empty() {
                return Err(ServiceError::Conflict(format!(
                    "Already charted in this draft: {}. Nothing was carried forward; \
                     carry forward only the other sections, or ask to replace what is charted.",
                    already.join(", ")
                )));
            }
            audit_row(
                conn,
                now,
                actor,
                AuditAction::AssessmentViewed,
                &source,
                Some(format!("carried forward into {}", draft.id)),
            )?;
            let from = CarriedFrom {
                assessment_id: source.id.clone(),
                signed_at,
            };
            let mut marks: CarriedMarks = Vec::new();
            for s in &req.sections {
                copy_section(&theirs, content, *s);
                marks.push((*s, from.clone()));
            }
            Ok(marks)
        },
    )
}

/// "Keep as is": the practitioner checked a carried section and it still holds. It is
/// saved unchanged, which makes it today's finding and clears its mark, like any save.
pub fn keep_carried(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    id: &AssessmentId,
    version: i32,
    section: Section,
) -> ServiceResult<AssessmentRecord> {
    save_change(
        conn,
        now,
        actor,
        id,
        Some(version),
        &[section],
        Some(format!("{section},kept_as_carried")),
        |_, draft, _| {
            let stored = read_stored(draft)?;
            if !stored.carried_forward().contains_key(&section) {
                return Err(ServiceError::Conflict(format!(
                    "{} is not marked as carried forward.",
                    section.label()
                )));
            }
            Ok(Vec::new())
        },
    )
}

/// Only posture, range of motion and palpation, each once, at least one.
fn check_sections(sections: &[Section]) -> ServiceResult<()> {
    let mut e = FieldErrors::new();
    if sections.is_empty() {
        e.add(
            "sections",
            "Choose the sections to carry forward (posture, rom, palpation).",
        );
    }
    for (i, s) in sections.iter().enumerate() {
        if !s.carries_forward() {
            e.add(
                &format!("sections[{i}]"),
                format!(
                    "{} is not carried forward: only posture, range of motion and palpation are.",
                    s.label()
                ),
            );
        } else if sections[..i].contains(s) {
            e.add(&format!("sections[{i}]"), "This section is listed twice.");
        }
    }
    Ok(e.into_result()?)
}
