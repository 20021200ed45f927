//! Flags: raised by the rules from an intake (or an exam), or by hand; acknowledged and
//! resolved by practitioners. Every read and change is audited.

use chrono::NaiveDateTime;
use serde::Deserialize;

use super::audit::{self, AuditAction, AuditEntry, Outcome};
use super::flag_raising::{FlagOrigin, join};
use super::{Actor, ServiceError, ServiceResult};
use crate::db::models::flag::{self, FlagRow, NewFlag};
use crate::db::models::patient;
use crate::db::{DbConnection, write_transaction};
use crate::domain::clinical::{FlagKind, FlagLevel, Region, Technique};
use crate::domain::{FieldErrors, PatientId, new_id};

/// Severity rank for sorting: unresolved before resolved, then most severe first.
pub fn sort_key(f: &FlagRow) -> (bool, FlagLevel, NaiveDateTime) {
    (
        f.status == "resolved",
        FlagLevel::parse(&f.level).unwrap_or(FlagLevel::Precaution),
        f.raised_at,
    )
}

/// A patient's flags, unresolved and most severe first. Audited as a read.
pub fn list(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    patient_id: &PatientId,
) -> ServiceResult<Vec<FlagRow>> {
    write_transaction(conn, |conn| {
        if patient::find(conn, patient_id.as_str())?.is_none() {
            return Err(ServiceError::NotFound);
        }
        let mut rows = flag::for_patient(conn, patient_id.as_str())?;
        rows.sort_by_key(sort_key);
        audit::record(
            conn,
            now,
            actor,
            AuditEntry::new(AuditAction::FlagsViewed, Outcome::Success)
                .patient(patient_id.as_str()),
        )?;
        Ok(rows)
    })
}

/// Unresolved flags only, for the banner (the caller audits the page read).
pub fn unresolved(conn: &mut DbConnection, patient_id: &str) -> ServiceResult<Vec<FlagRow>> {
    let mut rows: Vec<FlagRow> = flag::for_patient(conn, patient_id)?
        .into_iter()
        .filter(|f| f.status != "resolved")
        .collect();
    rows.sort_by_key(sort_key);
    Ok(rows)
}

fn change(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    flag_id: &str,
    action: AuditAction,
    apply: impl FnOnce(&mut DbConnection, &str) -> Result<usize, diesel::result::Error>,
) -> ServiceResult<FlagRow> {
    let by = actor.user_id().ok_or(ServiceError::Forbidden)?.to_string();
    write_transaction(conn, |conn| {
        let before = flag::find(conn, flag_id)?.ok_or(ServiceError::NotFound)?;
        if apply(conn, &by)? == 0 {
            return Err(ServiceError::Conflict(format!(
                "This flag is already {}.",
                before.status
            )));
        }
        audit::record(
            conn,
            now,
            actor,
            AuditEntry::new(action, Outcome::Success)
                .entity(flag_id)
                .patient(&before.patient_id)
                .detail(before.source.clone()),
        )?;
        flag::find(conn, flag_id)?.ok_or(ServiceError::NotFound)
    })
}

/// The practitioner has seen the flag. It stays on the banner and keeps blocking what
/// it blocks; only resolving lifts it.
pub fn acknowledge(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    flag_id: &str,
) -> ServiceResult<FlagRow> {
    change(
        conn,
        now,
        actor,
        flag_id,
        AuditAction::FlagAcknowledged,
        |c, by| flag::acknowledge(c, flag_id, by, now),
    )
}

/// Resolves a flag with a written reason (required).
pub fn resolve(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    flag_id: &str,
    reason: &str,
) -> ServiceResult<FlagRow> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(FieldErrors::single("reason", "Say why the flag no longer applies.").into());
    }
    if reason.chars().count() > 2000 {
        return Err(FieldErrors::single("reason", "Use at most 2000 characters.").into());
    }
    change(
        conn,
        now,
        actor,
        flag_id,
        AuditAction::FlagResolved,
        |c, by| flag::resolve(c, flag_id, by, reason, now),
    )
}

/// A flag a practitioner adds by hand.
#[derive(Debug, Clone, Default, Deserialize)]
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
) -> ServiceResult<FlagRow> {
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
    if reason.is_empty() || reason.chars().count() > 1000 {
        e.add(
            "reason",
            "Give a plain reason (at most 1000 characters); the front desk sees it.",
        );
    }
    e.into_result()?;
    let level = level.ok_or(ServiceError::NotFound)?;
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
        // A flag whose region is unknown applies to every spinal region (part A).
        _ if regions.is_empty() => (
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
                region_unknown: false,
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
        flag::find(conn, &id)?.ok_or(ServiceError::NotFound)
    })
}
