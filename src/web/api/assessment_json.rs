//! An assessment as the API shows it: identity, status, every section as stored (with
//! the computed ROM normals), PART per segment, the flags, what the plan conflicts with,
//! what blocks signing, the history review and the addenda.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use serde_json::Value;

use super::flags::FlagJson;
use crate::domain::assessment::palpation::part_by_segment;
use crate::services::assessments::{AssessmentRecord, ReviewBasis};
use crate::services::sessions::Principal;

/// The whole record. Beside these fields the body holds each section as stored, by its
/// name (`posture`, `rom`, `palpation`, `tests`, `neuro`, `pain`, `diagnoses`, `plan`,
/// `notes`): what the signature covers, `null` for every finding nobody recorded.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AssessmentJson {
    pub id: String,
    pub patient_id: String,
    pub practitioner_id: String,
    pub practitioner_name: String,
    pub visit_date: NaiveDate,
    /// `draft` or `signed`.
    pub status: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub signed_at: Option<NaiveDateTime>,
    pub signed_by: Option<String>,
    pub signer_name: Option<String>,
    pub content_hash: Option<String>,
    /// Whether the stored sections still hash to `content_hash` (signed records).
    pub content_hash_verified: Option<bool>,
    pub part: Vec<PartJson>,
    pub flags: Vec<FlagJson>,
    /// What the plan conflicts with: flag, level, technique, region, message.
    #[schema(value_type = Vec<Object>)]
    pub conflicts: Value,
    pub sign_blockers: Vec<String>,
    pub sign_reminders: Vec<String>,
    /// Section name → the signed assessment it was carried from.
    #[schema(value_type = Object)]
    pub carried_forward: Value,
    pub carry_offer: Option<CarryOfferJson>,
    pub treatment_consent_on_file: bool,
    pub addenda: Vec<AddendumJson>,
    /// Staff id → name, for the ids in the record.
    pub names: std::collections::BTreeMap<String, String>,
    pub history_items: Vec<HistoryItemJson>,
    pub history_notices: Vec<String>,
    pub history_review: HistoryReviewJson,
    pub unreadable: Vec<UnreadableJson>,
    /// The version of the stored sections' layout.
    pub schema: u64,
    /// The sections, by name (see above).
    #[serde(flatten)]
    #[schema(ignore)]
    pub sections: serde_json::Map<String, Value>,
}

/// PART (pain, asymmetry, range, tone) per spinal segment.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PartJson {
    /// `C0`…`S1`, `SI-L`, `SI-R`.
    pub segment: String,
    /// The PART letters found.
    pub criteria: String,
    pub count: u8,
    /// Two or more criteria, one of them A or R.
    pub subluxation: bool,
}

/// The latest signed assessment a draft could start from.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CarryOfferJson {
    pub assessment_id: String,
    pub signed_at: NaiveDateTime,
    pub visit_date: NaiveDate,
    pub sections: Vec<String>,
}

/// An addendum to a signed record.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AddendumJson {
    pub id: String,
    pub author_id: String,
    pub author_name: String,
    pub body: String,
    pub created_at: NaiveDateTime,
}

/// One item of the history review.
#[derive(Serialize, utoipa::ToSchema)]
pub struct HistoryItemJson {
    /// `chief_complaint`, `conditions.osteoporosis`, `red_flags.night_pain`…
    pub item: String,
    pub label: String,
    /// What the patient answered, in words.
    pub reported: String,
    /// `verified` or `corrected`, once checked.
    pub status: Option<String>,
    pub correction: Option<String>,
}

/// Which form the history review reads, whether it is still the one pinned, and any
/// newer one.
#[derive(Serialize, utoipa::ToSchema)]
pub struct HistoryReviewJson {
    /// `pinned`, `not_yet_pinned` or `signed_before_pinning`.
    pub basis: &'static str,
    pub intake_id: Option<String>,
    pub submitted_at: Option<NaiveDateTime>,
    pub answers_hash_verified: Option<bool>,
    pub newer_intake: Option<NewerIntakeJson>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct NewerIntakeJson {
    pub intake_id: String,
    pub submitted_at: Option<NaiveDateTime>,
}

/// A stored value that no longer reads as a finding (kept, shown, never dropped).
#[derive(Serialize, utoipa::ToSchema)]
pub struct UnreadableJson {
    pub path: String,
    #[schema(value_type = Object)]
    pub stored: Value,
    pub text: String,
}

pub fn record_json(r: AssessmentRecord, principal: &Principal) -> AssessmentJson {
    let palpation = r.content.palpation.as_deref().unwrap_or_default();
    let part = part_by_segment(palpation)
        .into_iter()
        .map(|(s, p)| PartJson {
            segment: s.as_str().to_owned(),
            criteria: p.letters(),
            count: p.count(),
            subluxation: p.subluxation(),
        })
        .collect();
    let sign_blockers = if r.is_signed() {
        Vec::new()
    } else {
        r.sign_blockers()
    };
    let h = &r.history;
    let history_review = HistoryReviewJson {
        basis: match h.basis {
            ReviewBasis::Pinned => "pinned",
            ReviewBasis::NotYetPinned => "not_yet_pinned",
            ReviewBasis::SignedBeforePinning => "signed_before_pinning",
        },
        intake_id: h.intake_id.clone(),
        submitted_at: h.submitted_at,
        answers_hash_verified: h.answers_match,
        newer_intake: h.newer.as_ref().map(|n| NewerIntakeJson {
            intake_id: n.intake_id.clone(),
            submitted_at: n.submitted_at,
        }),
    };
    let sections = r
        .stored
        .document
        .iter()
        .filter(|(k, _)| k.as_str() != "schema")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    AssessmentJson {
        content_hash_verified: r.hash_matches(),
        part,
        flags: r
            .flags
            .iter()
            .cloned()
            .map(|f| {
                let history = r.flag_history.get(&f.id).cloned().unwrap_or_default();
                FlagJson::new(f, history, principal.role)
            })
            .collect(),
        conflicts: serde_json::to_value(&r.conflicts).unwrap_or_default(),
        sign_blockers,
        sign_reminders: r.sign_reminders(),
        carried_forward: Value::Object(
            r.stored
                .carried_forward()
                .into_iter()
                .map(|(s, f)| {
                    (
                        s.as_str().to_owned(),
                        serde_json::to_value(f).unwrap_or_default(),
                    )
                })
                .collect(),
        ),
        carry_offer: r.carry_offer.as_ref().map(|o| CarryOfferJson {
            assessment_id: o.from.assessment_id.clone(),
            signed_at: o.from.signed_at,
            visit_date: o.visit_date,
            sections: o.sections.iter().map(|s| s.as_str().to_owned()).collect(),
        }),
        treatment_consent_on_file: r.has_consent,
        addenda: r
            .addenda
            .iter()
            .map(|a| AddendumJson {
                id: a.id.clone(),
                author_id: a.author_id.clone(),
                author_name: r.name_of(&a.author_id).to_owned(),
                body: a.body.clone(),
                created_at: a.created_at,
            })
            .collect(),
        history_items: r
            .history_items()
            .into_iter()
            .map(|h| HistoryItemJson {
                item: h.key,
                label: h.label,
                reported: h.reported,
                status: h.check.as_ref().map(|c| c.status.as_str().to_owned()),
                correction: h.check.as_ref().and_then(|c| c.correction.clone()),
            })
            .collect(),
        history_notices: r.history_notices().into_iter().map(|n| n.text).collect(),
        history_review,
        unreadable: r
            .stored
            .unreadable
            .iter()
            .map(|u| UnreadableJson {
                path: u.path.clone(),
                stored: u.raw.clone(),
                text: u.describe(),
            })
            .collect(),
        schema: r.stored.schema,
        sections,
        names: r.names.clone(),
        id: r.row.id,
        patient_id: r.row.patient_id,
        practitioner_id: r.row.practitioner_id,
        practitioner_name: r.practitioner_name,
        visit_date: r.row.visit_date,
        status: r.row.status,
        version: r.row.version,
        created_at: r.row.created_at,
        updated_at: r.row.updated_at,
        signed_at: r.row.signed_at,
        signed_by: r.row.signed_by,
        signer_name: r.signer_name,
        content_hash: r.row.content_hash,
    }
}
