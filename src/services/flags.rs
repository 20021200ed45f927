//! Flags: raised by the rules from an intake (or an exam), or by hand; acknowledged,
//! referred, narrowed, confirmed or dismissed, and resolved by practitioners. Every read
//! and change is audited in its transaction.
//!
//! What a practitioner may decide on a flag depends on what kind of flag it is:
//! emergency and urgent flags are referred (and stay blocking until resolved with the
//! referral's result); a flag of unknown region is narrowed to the regions it concerns;
//! a flag inferred from the medicine list, the operations list or free text is confirmed
//! or dismissed. The decisions live in the submodules; this module holds the reads, the
//! shared transaction and the decisions every flag takes (acknowledge, resolve).

mod inferred;
mod manual;
mod narrowing;
mod referral;

use std::collections::BTreeMap;

use chrono::NaiveDateTime;

use super::audit::{self, AuditAction, AuditEntry, Outcome};
use super::audit_queue::audited_read;
use super::{Actor, ServiceError, ServiceResult};
use crate::db::models::flag::{self, FlagRow};
use crate::db::models::flag_narrowing::{self, NarrowingRow};
use crate::db::models::flag_referral::{self, ReferralRow};
use crate::db::models::flag_source::{self, FlagSourceRow};
use crate::db::models::{patient, user};
use crate::db::{DbConnection, write_transaction};
use crate::domain::clinical::FlagLevel;
use crate::domain::{FieldErrors, FlagId, PatientId, Role, UserId, written_reason};

pub use inferred::{confirm, dismiss};
pub use manual::{ManualFlagInput, add_manual};
pub use narrowing::narrow;
pub use referral::{ReferralInput, refer};

/// Severity rank for sorting: unresolved before resolved, then most severe first.
pub fn sort_key(f: &FlagRow) -> (bool, FlagLevel, NaiveDateTime) {
    (
        f.status == "resolved",
        FlagLevel::parse(&f.level).unwrap_or(FlagLevel::Precaution),
        f.raised_at,
    )
}

/// What practitioners did with a flag besides acknowledging and resolving it.
#[derive(Debug, Clone, Default)]
pub struct FlagHistory {
    /// The documented referral (one per flag).
    pub referral: Option<ReferralRow>,
    /// The referring practitioner's name, for people reading the flag.
    pub referred_by_name: Option<String>,
    /// Narrowings of an unknown region, oldest first.
    pub narrowings: Vec<NarrowingRow>,
    /// The records that raised or support the flag, oldest (the one that raised it)
    /// first.
    pub sources: Vec<FlagSourceRow>,
}

impl FlagHistory {
    pub fn is_referred(&self) -> bool {
        self.referral.is_some()
    }
}

/// A flag with its history.
#[derive(Debug, Clone)]
pub struct FlagRecord {
    pub row: FlagRow,
    pub history: FlagHistory,
}

/// The histories of these flags, by flag id (a flag with none has no entry).
pub fn histories(
    conn: &mut DbConnection,
    rows: &[FlagRow],
) -> ServiceResult<BTreeMap<String, FlagHistory>> {
    let mut out: BTreeMap<String, FlagHistory> = BTreeMap::new();
    // Most patients carry no flag: three queries for nothing on each of their pages.
    if rows.is_empty() {
        return Ok(out);
    }
    let ids: Vec<String> = rows.iter().map(|f| f.id.clone()).collect();
    for r in flag_referral::for_flags(conn, &ids)? {
        let name = user::find(conn, &r.referred_by)?.map(|u| u.name);
        let h = out.entry(r.flag_id.clone()).or_default();
        // Oldest first, so a second row (which the service never writes) would win.
        h.referred_by_name = name;
        h.referral = Some(r);
    }
    for n in flag_narrowing::for_flags(conn, &ids)? {
        out.entry(n.flag_id.clone()).or_default().narrowings.push(n);
    }
    for s in flag_source::for_flags(conn, &ids)? {
        out.entry(s.flag_id.clone()).or_default().sources.push(s);
    }
    Ok(out)
}

/// Pairs each flag with its history, keeping the order.
pub fn with_history(conn: &mut DbConnection, rows: Vec<FlagRow>) -> ServiceResult<Vec<FlagRecord>> {
    let mut all = histories(conn, &rows)?;
    Ok(rows
        .into_iter()
        .map(|row| FlagRecord {
            history: all.remove(&row.id).unwrap_or_default(),
            row,
        })
        .collect())
}

/// A patient's flags with their histories, unresolved and most severe first. Audited
/// as a read.
pub fn list(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    patient_id: &PatientId,
) -> ServiceResult<Vec<FlagRecord>> {
    audited_read(conn, now, actor, |conn| {
        if patient::find(conn, patient_id.as_str())?.is_none() {
            return Err(ServiceError::NotFound);
        }
        let mut rows = flag::for_patient(conn, patient_id.as_str())?;
        rows.sort_by_key(sort_key);
        let viewed = AuditEntry::new(AuditAction::FlagsViewed, Outcome::Success)
            .patient(patient_id.as_str());
        Ok((with_history(conn, rows)?, vec![viewed]))
    })
}

/// One flag with its history, for a practitioner's form that came back with errors.
/// Audited as a read of the patient's flags.
pub fn get(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    flag_id: &FlagId,
) -> ServiceResult<FlagRecord> {
    practitioner(actor)?;
    audited_read(conn, now, actor, |conn| {
        let row = flag::find(conn, flag_id.as_str())?.ok_or(ServiceError::NotFound)?;
        let viewed = AuditEntry::new(AuditAction::FlagsViewed, Outcome::Success)
            .entity(flag_id.as_str())
            .patient(&row.patient_id)
            .detail("form returned");
        let mut records = with_history(conn, vec![row])?;
        Ok((records.pop().ok_or(ServiceError::NotFound)?, vec![viewed]))
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

/// Unresolved flags with their histories (sources, referral, narrowings), for a banner
/// (the caller audits the page read).
pub fn unresolved_with_history(
    conn: &mut DbConnection,
    patient_id: &str,
) -> ServiceResult<Vec<FlagRecord>> {
    let rows = unresolved(conn, patient_id)?;
    with_history(conn, rows)
}

/// Clinical decisions on flags are the practitioner's.
fn practitioner(actor: &Actor) -> ServiceResult<&UserId> {
    match &actor.user {
        Some((id, Role::Practitioner)) => Ok(id),
        _ => Err(ServiceError::Forbidden),
    }
}

fn already_resolved() -> ServiceError {
    ServiceError::Conflict("This flag is already resolved.".into())
}

/// An update that matched no row: the flag changed under us (another practitioner
/// resolved it a moment ago), so say so instead of pretending it worked.
fn updated(rows: usize) -> ServiceResult<()> {
    if rows == 0 {
        return Err(ServiceError::Conflict(
            "This flag changed while you were deciding; reload it and look again.".into(),
        ));
    }
    Ok(())
}

/// One practitioner's decision on one flag, in one write transaction: reads the flag,
/// lets `apply` check and write, records one audit row and reads the flag back. The
/// audit detail names what raised the flag, never its clinical content.
fn decide(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    flag_id: &FlagId,
    action: AuditAction,
    apply: impl FnOnce(&mut DbConnection, &FlagRow, &str) -> ServiceResult<()>,
) -> ServiceResult<FlagRecord> {
    let by = practitioner(actor)?.to_string();
    write_transaction(conn, |conn| {
        let before = flag::find(conn, flag_id.as_str())?.ok_or(ServiceError::NotFound)?;
        apply(conn, &before, &by)?;
        audit::record(
            conn,
            now,
            actor,
            AuditEntry::new(action, Outcome::Success)
                .entity(flag_id.as_str())
                .patient(&before.patient_id)
                .detail(before.source.clone()),
        )?;
        let row = flag::find(conn, flag_id.as_str())?.ok_or(ServiceError::NotFound)?;
        let mut records = with_history(conn, vec![row])?;
        records.pop().ok_or(ServiceError::NotFound)
    })
}

/// The practitioner has seen the flag. It stays on the banner and keeps blocking what
/// it blocks; only resolving lifts it.
pub fn acknowledge(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    flag_id: &FlagId,
) -> ServiceResult<FlagRecord> {
    decide(
        conn,
        now,
        actor,
        flag_id,
        AuditAction::FlagAcknowledged,
        |c, f, by| {
            if f.status != "open" {
                return Err(ServiceError::Conflict(format!(
                    "This flag is already {}.",
                    f.status
                )));
            }
            updated(flag::acknowledge(c, &f.id, by, now)?)
        },
    )
}

/// Resolves a flag with a written reason. When the flag was referred, the reason is the
/// referral's result and the flag is recorded as resolved by that result.
pub fn resolve(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    flag_id: &FlagId,
    reason: &str,
) -> ServiceResult<FlagRecord> {
    let reason = written_reason::parse(reason).map_err(|m| FieldErrors::single("reason", m))?;
    decide(
        conn,
        now,
        actor,
        flag_id,
        AuditAction::FlagResolved,
        |c, f, by| {
            if f.is_resolved() {
                return Err(already_resolved());
            }
            let referred = !flag_referral::for_flags(c, std::slice::from_ref(&f.id))?.is_empty();
            let how = if referred {
                "referral_result"
            } else {
                "resolved"
            };
            updated(flag::resolve(c, &f.id, by, &reason, how, now)?)
        },
    )
}
