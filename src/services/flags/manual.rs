//! Flags a practitioner adds by hand (a finding no rule covers).

use chrono::NaiveDateTime;
use serde::Deserialize;

use crate::domain::free_text::{self, Lines};

use super::{FlagHistory, FlagRecord};
use crate::db::models::flag::{self, NewFlag};
use crate::db::models::patient;
use crate::db::{DbConnection, write_transaction};
use crate::domain::clinical::{FlagKind, FlagLevel, Region, Technique};
use crate::domain::{FieldErrors, PatientId, new_id};
use crate::services::audit::{self, AuditAction, AuditEntry, Outcome};
use crate::services::flag_raising::{FlagOrigin, first_source, join};
use crate::services::{Actor, ServiceError, ServiceResult};

/// A flag a practitioner adds by hand.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ManualFlagInput {
    pub code: String,
    pub level: String,
    pub techniques: Vec<String>,
    pub regions: Vec<String>,
    pub reason: String,
}

pub fn add_manual(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    patient_id: &PatientId,
    input: &ManualFlagInput,
) -> ServiceResult<FlagRecord> {
    let mut e = FieldErrors::new();
    let code = input.code.trim();
    if code.is_empty()
        || code.len() > 50
        || !code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        e.add(
            "code",
            "Use a short code of lower-case letters, digits and _ (for example osteoporosis).",
        );
    }
    let level = FlagLevel::parse(input.level.trim());
    if level.is_none() {
        e.add(
            "level",
            "Choose emergency, urgent, absolute, relative or precaution.",
        );
    }
    let techniques: Vec<Technique> = input
        .techniques
        .iter()
        .filter_map(|t| Technique::parse(t))
        .collect();
    if techniques.len() != input.techniques.len() {
        e.add("techniques", "Unknown technique code.");
    }
    let regions: Vec<Region> = input
        .regions
        .iter()
        .filter_map(|r| Region::parse(r))
        .collect();
    if regions.len() != input.regions.len() {
        e.add("regions", "Unknown region code.");
    }
    let reason = input.reason.trim();
    if let Err(m) = free_text::check(reason, Lines::Many) {
        e.add("reason", m);
    } else if reason.is_empty() || reason.chars().count() > 1000 {
        e.add(
            "reason",
            "Give a plain reason (at most 1000 characters); the front desk sees it.",
        );
    }
    e.into_result()?;
    let level = level.ok_or(ServiceError::NotFound)?;
    // Emergency and urgent flags apply everywhere by definition, so only a
    // contraindication or precaution can be of unknown region.
    let region_unknown =
        regions.is_empty() && !matches!(level, FlagLevel::Emergency | FlagLevel::Urgent);
    let (kind, techniques, regions) = match level {
        FlagLevel::Emergency => (
            FlagKind::RedFlag,
            Technique::ALL.to_vec(),
            Region::ALL.to_vec(),
        ),
        FlagLevel::Urgent => (
            FlagKind::RedFlag,
            Technique::FORCE_BASED.to_vec(),
            Region::ALL.to_vec(),
        ),
        // A flag whose region is unknown applies to every spinal region (part A) until
        // a practitioner narrows it.
        _ if region_unknown => (
            FlagKind::Contraindication,
            techniques,
            Region::SPINAL.to_vec(),
        ),
        _ => (FlagKind::Contraindication, techniques, regions),
    };
    if matches!(level, FlagLevel::Absolute | FlagLevel::Relative) && techniques.is_empty() {
        return Err(
            FieldErrors::single("techniques", "Name the techniques this flag restricts.").into(),
        );
    }
    let id = new_id();
    let by = actor.user_id().map(|u| u.to_string());
    write_transaction(conn, |conn| {
        if patient::find(conn, patient_id.as_str())?.is_none() {
            return Err(ServiceError::NotFound);
        }
        flag::insert(
            conn,
            &NewFlag {
                id: &id,
                patient_id: patient_id.as_str(),
                code,
                kind: kind.as_str(),
                level: level.as_str(),
                techniques: &join(&techniques, Technique::as_str),
                regions: &join(&regions, Region::as_str),
                source: FlagOrigin::Manual.as_str(),
                source_id: None,
                reason,
                rule_source: "practitioner",
                status: "open",
                raised_at: now,
                raised_by: by.as_deref(),
                basis: "practitioner",
                evidence: "",
                region_unknown,
            },
        )?;
        audit::record(
            conn,
            now,
            actor,
            AuditEntry::new(AuditAction::FlagRaised, Outcome::Success)
                .entity(&id)
                .patient(patient_id.as_str())
                .detail("manual"),
        )?;
        let row = flag::find(conn, &id)?.ok_or(ServiceError::NotFound)?;
        let source = first_source(conn, &row)?;
        // A flag just added has its one source and no referral or narrowing yet.
        Ok(FlagRecord {
            row,
            history: FlagHistory {
                sources: vec![source],
                ..FlagHistory::default()
            },
        })
    })
}
