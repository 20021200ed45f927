//! A flag as the API shows it, with its referral and narrowings. What practitioners
//! wrote as clinical reasoning (the resolution, the referral's note, a narrowing's
//! reason) is left out for the front desk, who still sees every flag, its plain reason
//! and where the patient was referred.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use crate::db::models::flag::FlagRow;
use crate::db::models::flag_narrowing::NarrowingRow;
use crate::db::models::flag_referral::ReferralRow;
use crate::db::models::flag_source::FlagSourceRow;
use crate::domain::Role;
use crate::services::flags::{FlagHistory, FlagRecord};

/// `source` is the rule's sources (part B keys), or "practitioner" for a flag added by
/// hand; `origin` says what raised it; `basis` why (see `FlagBasis`), with `evidence`
/// the words that matched. `sources` lists every record that raised or since supported
/// the flag (the first is the one that raised it), each with its own basis and words.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FlagJson {
    pub id: String,
    pub code: String,
    pub kind: String,
    pub level: String,
    pub techniques: Vec<String>,
    pub regions: Vec<String>,
    pub source: String,
    pub origin: String,
    pub basis: String,
    pub evidence: String,
    pub region_unknown: bool,
    pub status: String,
    pub reason: String,
    pub raised_at: NaiveDateTime,
    pub acknowledged_at: Option<NaiveDateTime>,
    pub confirmed_at: Option<NaiveDateTime>,
    pub confirmed_by: Option<String>,
    pub resolved_at: Option<NaiveDateTime>,
    pub resolved_as: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
    pub referral: Option<ReferralJson>,
    pub narrowings: Vec<NarrowingJson>,
    pub sources: Vec<FlagSourceJson>,
}

/// One record behind a flag: `origin` is `intake`, `assessment` or `manual`, and
/// `source_id` that intake's or assessment's id (none for a flag added by hand).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FlagSourceJson {
    pub origin: String,
    pub source_id: Option<String>,
    pub basis: String,
    pub evidence: String,
    pub added_at: NaiveDateTime,
}

impl From<FlagSourceRow> for FlagSourceJson {
    fn from(s: FlagSourceRow) -> Self {
        FlagSourceJson {
            origin: s.origin,
            source_id: s.source_id,
            basis: s.basis,
            evidence: s.evidence,
            added_at: s.added_at,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReferralJson {
    pub referred_to: String,
    pub method: String,
    pub referred_on: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub referred_by: String,
    pub recorded_at: NaiveDateTime,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NarrowingJson {
    pub regions_before: Vec<String>,
    pub regions_after: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub narrowed_by: String,
    pub narrowed_at: NaiveDateTime,
}

fn list(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The clinical text, or nothing for the front desk.
fn clinical(text: Option<String>, viewer: Role) -> Option<String> {
    if viewer == Role::FrontDesk {
        None
    } else {
        text
    }
}

impl ReferralJson {
    fn new(r: ReferralRow, viewer: Role) -> Self {
        ReferralJson {
            note: clinical(r.note, viewer),
            referred_to: r.referred_to,
            method: r.method,
            referred_on: r.referred_on,
            referred_by: r.referred_by,
            recorded_at: r.recorded_at,
        }
    }
}

impl NarrowingJson {
    fn new(n: NarrowingRow, viewer: Role) -> Self {
        NarrowingJson {
            regions_before: list(&n.regions_before),
            regions_after: list(&n.regions_after),
            reason: clinical(Some(n.reason), viewer),
            narrowed_by: n.narrowed_by,
            narrowed_at: n.narrowed_at,
        }
    }
}

impl FlagJson {
    pub fn new(f: FlagRow, history: FlagHistory, viewer: Role) -> Self {
        FlagJson {
            techniques: list(&f.techniques),
            regions: list(&f.regions),
            resolution: clinical(f.resolution, viewer),
            referral: history.referral.map(|r| ReferralJson::new(r, viewer)),
            narrowings: history
                .narrowings
                .into_iter()
                .map(|n| NarrowingJson::new(n, viewer))
                .collect(),
            sources: history
                .sources
                .into_iter()
                .map(FlagSourceJson::from)
                .collect(),
            id: f.id,
            code: f.code,
            kind: f.kind,
            level: f.level,
            source: f.rule_source,
            origin: f.source,
            basis: f.basis,
            evidence: f.evidence,
            region_unknown: f.region_unknown,
            status: f.status,
            reason: f.reason,
            raised_at: f.raised_at,
            acknowledged_at: f.acknowledged_at,
            confirmed_at: f.confirmed_at,
            confirmed_by: f.confirmed_by,
            resolved_at: f.resolved_at,
            resolved_as: f.resolved_as,
        }
    }

    pub fn from_record(r: FlagRecord, viewer: Role) -> Self {
        Self::new(r.row, r.history, viewer)
    }
}
