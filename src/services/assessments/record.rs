//! One assessment as every view reads it: the stored document and its typed reading,
//! the history it reviews, the flags beside it, what blocks signing, and whether the
//! signature still holds.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde_json::{Value, json};

use super::super::{ServiceError, ServiceResult, consents, flags};
use crate::db::DbConnection;
use crate::db::models::assessment::{self, AddendumRow, AssessmentRow};
use crate::db::models::flag::FlagRow;
use crate::db::models::{intake, patient, user};
use crate::domain::assessment::AssessmentContent;
use crate::domain::assessment::history_items::{self, HistoryItem};
use crate::domain::assessment::plan_check::{self, FlagOnFile, PlanConflict};
use crate::domain::assessment::stored::{HistorySource, StoredContent};
use crate::domain::canonical_json;
use crate::domain::clinical::{FlagKind, FlagLevel, Region, Technique};
use crate::domain::intake::IntakeInput;
use crate::services::intakes::answers_hash;

/// Which form the history review shows, and why that one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewBasis {
    /// The form pinned in the record (from schema 1 on).
    Pinned,
    /// A draft with nothing pinned yet: the newest form, pinned at the next save.
    NotYetPinned,
    /// A record signed before forms were pinned: the newest form submitted before the
    /// signature, the one the practitioner can have read.
    SignedBeforePinning,
}

/// A form submitted after the one the review reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewerIntake {
    pub intake_id: String,
    pub submitted_at: Option<NaiveDateTime>,
}

/// The history review's form and what is known about it.
#[derive(Debug, Clone)]
pub struct HistoryReview {
    pub basis: ReviewBasis,
    pub pinned: Option<HistorySource>,
    /// The form shown (none when the patient has submitted none).
    pub intake_id: Option<String>,
    pub intake: Option<IntakeInput>,
    pub submitted_at: Option<NaiveDateTime>,
    /// With a pinned form: whether its answers still hash to what was pinned.
    pub answers_match: Option<bool>,
    pub newer: Option<NewerIntake>,
}

/// A sentence about the reviewed form, and whether the view offers "Review this form".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryNotice {
    pub text: String,
    pub warn: bool,
    pub offer_pin: bool,
}

/// Who the record is about, as every view heads it.
#[derive(Debug, Clone)]
pub struct PatientSummary {
    pub id: String,
    pub chart_number: String,
    pub given_name: String,
    pub family_name: String,
    pub preferred_name: Option<String>,
    pub date_of_birth: NaiveDate,
    /// The stored sex code (`female`, `male`, …).
    pub sex: String,
}

impl PatientSummary {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }
}

/// An assessment with what the workspace, the print view and the API show beside it.
#[derive(Debug, Clone)]
pub struct AssessmentRecord {
    pub row: AssessmentRow,
    pub patient: PatientSummary,
    /// The document as stored, with its tolerant reading.
    pub stored: StoredContent,
    /// The typed reading of the document (`stored.content`).
    pub content: AssessmentContent,
    pub addenda: Vec<AddendumRow>,
    /// The patient's unresolved flags, most severe first.
    pub flags: Vec<FlagRow>,
    /// Their referrals and narrowings, by flag id.
    pub flag_history: BTreeMap<String, flags::FlagHistory>,
    /// What the saved plan conflicts with now (flags raised after it was saved count).
    pub conflicts: Vec<PlanConflict>,
    pub history: HistoryReview,
    /// The reviewed form's answers (`history.intake`), kept here for the views.
    pub intake: Option<IntakeInput>,
    pub intake_submitted_at: Option<NaiveDateTime>,
    pub practitioner_name: String,
    pub signer_name: Option<String>,
    /// Names of everyone the record mentions (practitioner, signer, override and
    /// addendum authors), by user id.
    pub names: BTreeMap<String, String>,
    pub has_consent: bool,
    /// For a draft whose patient has an earlier signed assessment with findings to carry.
    pub carry_offer: Option<super::CarryOffer>,
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
        Some(content_hash(&self.row, &self.stored.value(), at, by) == stored)
    }

    /// Why signing would be refused now; empty when it may be signed.
    pub fn sign_blockers(&self) -> Vec<String> {
        let mut out = sign_blockers(
            &self.content,
            &self.flags,
            &self.flag_history,
            self.has_consent,
        );
        if self.history.basis == ReviewBasis::NotYetPinned && self.history.intake.is_some() {
            out.insert(
                0,
                format!(
                    "The pre-visit form submitted {} is not yet part of this assessment: \
                     review it (“Review this form”) before signing.",
                    on_date(self.history.submitted_at)
                ),
            );
        }
        out
    }

    /// The review's items, labelled, with the patient's answers in words.
    pub fn history_items(&self) -> Vec<HistoryItem> {
        history_items::items(
            self.intake.as_ref(),
            self.content.history.as_deref().unwrap_or_default(),
        )
    }

    /// What a reader must know about the form the review reads: a newer form, a
    /// record signed before forms were pinned, answers that no longer match the pin.
    /// The same words in every view.
    pub fn history_notices(&self) -> Vec<HistoryNotice> {
        let h = &self.history;
        let mut out = Vec::new();
        if h.answers_match == Some(false) {
            out.push(HistoryNotice {
                text: "The reviewed form's answers no longer match the hash pinned in this \
                       record: the form was changed after it was reviewed."
                    .into(),
                warn: true,
                offer_pin: false,
            });
        }
        match h.basis {
            ReviewBasis::SignedBeforePinning => out.push(HistoryNotice {
                text: format!(
                    "Signed before the reviewed form was pinned in the record: shown is the \
                     form submitted before the signature ({}).",
                    on_date(h.submitted_at)
                ),
                warn: false,
                offer_pin: false,
            }),
            ReviewBasis::NotYetPinned if h.intake.is_some() => out.push(HistoryNotice {
                text: format!(
                    "The pre-visit form submitted {} is not yet part of this assessment; it is \
                     pinned at your next save, or now with “Review this form”.",
                    on_date(h.submitted_at)
                ),
                warn: true,
                offer_pin: !self.is_signed(),
            }),
            _ => {}
        }
        if let Some(n) = &h.newer {
            let when = on_date(n.submitted_at);
            out.push(if self.is_signed() {
                HistoryNotice {
                    text: format!(
                        "A newer pre-visit form was submitted {when}. This signed record keeps \
                         the form it reviewed; review the new one in a new visit or an addendum."
                    ),
                    warn: true,
                    offer_pin: false,
                }
            } else {
                HistoryNotice {
                    text: format!(
                        "A newer pre-visit form was submitted {when}; review it. Checks of \
                         answers that did not change are kept."
                    ),
                    warn: true,
                    offer_pin: true,
                }
            });
        }
        out
    }

    /// The parts of the stored document this release cannot read, in words
    /// ("palpation[1]: segment T8 · tone spastic"), for every view.
    pub fn unreadable_lines(&self) -> Vec<String> {
        self.stored
            .unreadable
            .iter()
            .map(|u| format!("{}: {}", u.path, u.describe()))
            .collect()
    }

    /// A user's name as the record shows it.
    pub fn name_of(&self, user_id: &str) -> String {
        self.names
            .get(user_id)
            .cloned()
            .unwrap_or_else(|| "a former user".into())
    }
}

fn on_date(at: Option<NaiveDateTime>) -> String {
    at.map(|t| format!("on {}", t.date()))
        .unwrap_or_else(|| "earlier".into())
}

/// SHA-256 over the canonical JSON of what is signed: the record's identity, the
/// document exactly as stored, the signer and the time. Records signed before schema
/// 1 were hashed over their typed content, which serialized to the same document, so
/// they verify the same way.
pub fn content_hash(
    row: &AssessmentRow,
    document: &Value,
    signed_at: NaiveDateTime,
    signed_by: &str,
) -> String {
    canonical_json::sha256(&json!({
        "id": row.id,
        "patient_id": row.patient_id,
        "practitioner_id": row.practitioner_id,
        "visit_date": row.visit_date,
        "content": document,
        "signed_at": signed_at,
        "signed_by": signed_by,
    }))
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
                name: f.reason.clone(),
                level: FlagLevel::parse(&f.level)?,
                techniques: split(&f.techniques, Technique::parse),
                regions: split(&f.regions, Region::parse),
            })
        })
        .collect()
}

pub fn conflicts_now(content: &AssessmentContent, flags: &[FlagRow]) -> Vec<PlanConflict> {
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

/// Reads the stored document of a row.
pub fn read_stored(row: &AssessmentRow) -> ServiceResult<StoredContent> {
    StoredContent::read(&row.content).map_err(|e| {
        ServiceError::Unexpected(anyhow::anyhow!("assessment {} content: {e}", row.id))
    })
}

/// The pin for the patient's newest submitted form, if there is one.
pub fn latest_pin(
    conn: &mut DbConnection,
    patient_id: &str,
) -> ServiceResult<Option<HistorySource>> {
    let Some(row) = intake::latest_submitted(conn, patient_id)? else {
        return Ok(None);
    };
    let input = intake::load_input(conn, &row)?;
    Ok(Some(HistorySource {
        answers_hash: answers_hash(&input),
        intake_id: row.id,
        submitted_at: row.submitted_at,
    }))
}

fn history_review(
    conn: &mut DbConnection,
    row: &AssessmentRow,
    pinned: Option<&HistorySource>,
) -> ServiceResult<HistoryReview> {
    let (shown, basis) = match (pinned, row.signed_at) {
        (Some(src), _) => (intake::find(conn, &src.intake_id)?, ReviewBasis::Pinned),
        (None, Some(at)) => (
            intake::latest_submitted_before(conn, &row.patient_id, at)?,
            ReviewBasis::SignedBeforePinning,
        ),
        (None, None) => (
            intake::latest_submitted(conn, &row.patient_id)?,
            ReviewBasis::NotYetPinned,
        ),
    };
    let input = match &shown {
        Some(i) => Some(intake::load_input(conn, i)?),
        None => None,
    };
    let answers_match = pinned.map(|src| {
        input
            .as_ref()
            .is_some_and(|i| answers_hash(i) == src.answers_hash)
    });
    // Not yet pinned, the review shows the newest form already: nothing can be newer.
    let newest = match basis {
        ReviewBasis::NotYetPinned => None,
        ReviewBasis::Pinned | ReviewBasis::SignedBeforePinning => {
            intake::latest_submitted(conn, &row.patient_id)?
        }
    };
    let newer = newest
        .filter(|n| {
            shown
                .as_ref()
                .is_none_or(|s| s.id != n.id && n.submitted_at > s.submitted_at)
        })
        .map(|n| NewerIntake {
            intake_id: n.id,
            submitted_at: n.submitted_at,
        });
    Ok(HistoryReview {
        basis,
        pinned: pinned.cloned(),
        intake_id: shown.as_ref().map(|s| s.id.clone()),
        submitted_at: shown.and_then(|s| s.submitted_at),
        intake: input,
        answers_match,
        newer,
    })
}

fn names(
    conn: &mut DbConnection,
    row: &AssessmentRow,
    content: &AssessmentContent,
    addenda: &[AddendumRow],
) -> ServiceResult<BTreeMap<String, String>> {
    let mut ids: Vec<&str> = vec![row.practitioner_id.as_str()];
    ids.extend(row.signed_by.as_deref());
    if let Some(plan) = &content.plan {
        ids.extend(
            plan.interventions
                .iter()
                .filter_map(|i| i.override_by.as_deref()),
        );
    }
    ids.extend(addenda.iter().map(|a| a.author_id.as_str()));
    let mut out = BTreeMap::new();
    for id in ids {
        if out.contains_key(id) {
            continue;
        }
        if let Some(u) = user::find(conn, id)? {
            out.insert(id.to_owned(), u.name);
        }
    }
    Ok(out)
}

/// Everything the views show about one assessment (reads only; the caller audits).
pub fn load_record(conn: &mut DbConnection, row: AssessmentRow) -> ServiceResult<AssessmentRecord> {
    let stored = read_stored(&row)?;
    let content = stored.content.clone();
    let p = patient::find(conn, &row.patient_id)?.ok_or(ServiceError::NotFound)?;
    let patient = PatientSummary {
        id: p.id,
        chart_number: p.chart_number,
        given_name: p.given_name,
        family_name: p.family_name,
        preferred_name: p.preferred_name,
        date_of_birth: p.date_of_birth,
        sex: p.sex,
    };
    let flags = flags::unresolved(conn, &row.patient_id)?;
    let flag_history = flags::histories(conn, &flags)?;
    let history = history_review(conn, &row, content.history_source.as_ref())?;
    let has_consent = consents::has_treatment_consent(conn, &row.patient_id)?;
    let addenda = assessment::addenda_for(conn, &row.id)?;
    let names = names(conn, &row, &content, &addenda)?;
    let practitioner_name = names.get(&row.practitioner_id).cloned().unwrap_or_default();
    let signer_name = row.signed_by.as_ref().and_then(|id| names.get(id).cloned());
    let carry_offer = if row.status == "signed" {
        None
    } else {
        super::carry_forward::carry_offer(conn, &row)?
    };
    Ok(AssessmentRecord {
        carry_offer,
        conflicts: conflicts_now(&content, &flags),
        intake: history.intake.clone(),
        intake_submitted_at: history.submitted_at,
        history,
        row,
        patient,
        stored,
        content,
        addenda,
        flags,
        flag_history,
        practitioner_name,
        signer_name,
        names,
        has_consent,
    })
}
