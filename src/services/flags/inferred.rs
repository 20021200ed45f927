//! Confirming or dismissing a flag inferred from the medicine list, the operations list
//! or free text ("Eliquis" on the medicine list raises the anticoagulant flag). A rule
//! reading a list can be wrong, so the practitioner checks: confirmed, the flag stays
//! as it is and carries who checked it; dismissed, it is resolved with the reason and
//! recorded as dismissed, so the record shows the inference was wrong rather than that
//! the condition went away.

use chrono::NaiveDateTime;

use super::{FlagRecord, already_resolved, decide, updated};
use crate::db::DbConnection;
use crate::db::models::flag::{self, FlagRow};
use crate::domain::clinical::FlagBasis;
use crate::domain::{FieldErrors, FlagId, written_reason};
use crate::services::audit::AuditAction;
use crate::services::{Actor, ServiceError, ServiceResult};

/// Refuses anything but an unresolved inferred flag.
fn inferred(f: &FlagRow) -> ServiceResult<()> {
    if f.is_resolved() {
        return Err(already_resolved());
    }
    match FlagBasis::parse(&f.basis) {
        Some(b) if b.is_inferred() => Ok(()),
        b => Err(ServiceError::Conflict(format!(
            "Only a flag inferred from the medicine list, the operations list or free text is confirmed or dismissed; this one's basis is “{}”. Resolve it with a reason instead.",
            b.map(FlagBasis::label).unwrap_or("unknown")
        ))),
    }
}

/// The practitioner checked the inference and it holds: the flag stays, stamped.
pub fn confirm(
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
        AuditAction::FlagConfirmed,
        |c, f, by| {
            inferred(f)?;
            if f.confirmed_at.is_some() {
                return Err(ServiceError::Conflict(
                    "This flag is already confirmed.".into(),
                ));
            }
            updated(flag::confirm(c, &f.id, by, now)?)
        },
    )
}

/// The inference was wrong (the medicine is not a blood thinner for this patient, the
/// operation was not on the spine): the flag is resolved as dismissed, with the reason.
/// A confirmed flag is no longer an inference; it is resolved like any other.
pub fn dismiss(
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
        AuditAction::FlagDismissed,
        |c, f, by| {
            inferred(f)?;
            if f.confirmed_at.is_some() {
                return Err(ServiceError::Conflict(
                    "This flag was confirmed, so it is no longer an inference to dismiss; resolve it with a reason instead."
                        .into(),
                ));
            }
            updated(flag::resolve(c, &f.id, by, &reason, "dismissed", now)?)
        },
    )
}
