//! Writing and verifying the audit trail. `record` must be called inside a
//! [`crate::db::write_transaction`], which holds the lock the chain needs.

use chrono::NaiveDateTime;

use super::Actor;
use super::audit_anchor::Anchor;
use crate::db::models::audit::{self, AuditRow, GENESIS_HASH};
use crate::db::{DbConnection, read_snapshot};

/// What happened. The string forms are stored and shown in the audit browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    LoginSucceeded,
    LoginFailed,
    LoginLocked,
    Logout,
    SetupCompleted,
    UserCreated,
    UserDisabled,
    UserEnabled,
    UserUnlocked,
    PasswordChanged,
    PasswordResetSent,
    PasswordResetCompleted,
    AuditViewed,
    OutboxViewed,
    AccessDenied,
    PatientRegistered,
    PatientViewed,
    PatientUpdated,
    PatientArchived,
    PatientRestored,
    PatientsSearched,
    IntakeSubmitted,
    IntakeViewed,
    ConsentRecorded,
    FlagsViewed,
    FlagRaised,
    FlagSourceAdded,
    FlagAcknowledged,
    FlagResolved,
    FlagReferred,
    FlagNarrowed,
    FlagConfirmed,
    FlagDismissed,
    ReferralLetterPrinted,
    InvitationSent,
    InvitationOpened,
    InvitationRevoked,
    IntakeDraftSaved,
    AppointmentBooked,
    AppointmentChanged,
    AppointmentsViewed,
    AlertQueued,
    AlertsViewed,
    AssessmentStarted,
    AssessmentViewed,
    AssessmentSaved,
    AssessmentSigned,
    AssessmentHistoryPinned,
    AssessmentPrinted,
    AddendumAdded,
    PlanOverride,
    /// A patient's record left as FHIR (API download or `clinic export fhir`).
    RecordExported,
    /// One signed assessment left as a FHIR document.
    AssessmentExported,
    /// A patient's record read in from a FHIR export (`clinic import --fhir`).
    RecordImported,
}

impl AuditAction {
    pub const ALL: [AuditAction; 54] = [
        AuditAction::LoginSucceeded,
        AuditAction::LoginFailed,
        AuditAction::LoginLocked,
        AuditAction::Logout,
        AuditAction::SetupCompleted,
        AuditAction::UserCreated,
        AuditAction::UserDisabled,
        AuditAction::UserEnabled,
        AuditAction::UserUnlocked,
        AuditAction::PasswordChanged,
        AuditAction::PasswordResetSent,
        AuditAction::PasswordResetCompleted,
        AuditAction::AuditViewed,
        AuditAction::OutboxViewed,
        AuditAction::AccessDenied,
        AuditAction::PatientRegistered,
        AuditAction::PatientViewed,
        AuditAction::PatientUpdated,
        AuditAction::PatientArchived,
        AuditAction::PatientRestored,
        AuditAction::PatientsSearched,
        AuditAction::IntakeSubmitted,
        AuditAction::IntakeViewed,
        AuditAction::ConsentRecorded,
        AuditAction::FlagsViewed,
        AuditAction::FlagRaised,
        AuditAction::FlagSourceAdded,
        AuditAction::FlagAcknowledged,
        AuditAction::FlagResolved,
        AuditAction::FlagReferred,
        AuditAction::FlagNarrowed,
        AuditAction::FlagConfirmed,
        AuditAction::FlagDismissed,
        AuditAction::ReferralLetterPrinted,
        AuditAction::InvitationSent,
        AuditAction::InvitationOpened,
        AuditAction::InvitationRevoked,
        AuditAction::IntakeDraftSaved,
        AuditAction::AppointmentBooked,
        AuditAction::AppointmentChanged,
        AuditAction::AppointmentsViewed,
        AuditAction::AlertQueued,
        AuditAction::AlertsViewed,
        AuditAction::AssessmentStarted,
        AuditAction::AssessmentViewed,
        AuditAction::AssessmentSaved,
        AuditAction::AssessmentSigned,
        AuditAction::AssessmentHistoryPinned,
        AuditAction::AssessmentPrinted,
        AuditAction::AddendumAdded,
        AuditAction::PlanOverride,
        AuditAction::RecordExported,
        AuditAction::AssessmentExported,
        AuditAction::RecordImported,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::LoginSucceeded => "login.succeeded",
            AuditAction::LoginFailed => "login.failed",
            AuditAction::LoginLocked => "login.locked",
            AuditAction::Logout => "logout",
            AuditAction::SetupCompleted => "setup.completed",
            AuditAction::UserCreated => "user.created",
            AuditAction::UserDisabled => "user.disabled",
            AuditAction::UserEnabled => "user.enabled",
            AuditAction::UserUnlocked => "user.unlocked",
            AuditAction::PasswordChanged => "password.changed",
            AuditAction::PasswordResetSent => "password_reset.sent",
            AuditAction::PasswordResetCompleted => "password_reset.completed",
            AuditAction::AuditViewed => "audit.viewed",
            AuditAction::OutboxViewed => "outbox.viewed",
            AuditAction::AccessDenied => "access.denied",
            AuditAction::PatientRegistered => "patient.registered",
            AuditAction::PatientViewed => "patient.viewed",
            AuditAction::PatientUpdated => "patient.updated",
            AuditAction::PatientArchived => "patient.archived",
            AuditAction::PatientRestored => "patient.restored",
            AuditAction::PatientsSearched => "patient.searched",
            AuditAction::IntakeSubmitted => "intake.submitted",
            AuditAction::IntakeViewed => "intake.viewed",
            AuditAction::ConsentRecorded => "consent.recorded",
            AuditAction::FlagsViewed => "flags.viewed",
            AuditAction::FlagRaised => "flag.raised",
            AuditAction::FlagSourceAdded => "flag.source_added",
            AuditAction::FlagAcknowledged => "flag.acknowledged",
            AuditAction::FlagResolved => "flag.resolved",
            AuditAction::FlagReferred => "flag.referred",
            AuditAction::FlagNarrowed => "flag.narrowed",
            AuditAction::FlagConfirmed => "flag.confirmed",
            AuditAction::FlagDismissed => "flag.dismissed",
            AuditAction::ReferralLetterPrinted => "referral_letter.printed",
            AuditAction::InvitationSent => "invitation.sent",
            AuditAction::InvitationOpened => "invitation.opened",
            AuditAction::InvitationRevoked => "invitation.revoked",
            AuditAction::IntakeDraftSaved => "intake.draft_saved",
            AuditAction::AppointmentBooked => "appointment.booked",
            AuditAction::AppointmentChanged => "appointment.changed",
            AuditAction::AppointmentsViewed => "appointments.viewed",
            AuditAction::AlertQueued => "alert.queued",
            AuditAction::AlertsViewed => "alerts.viewed",
            AuditAction::AssessmentStarted => "assessment.started",
            AuditAction::AssessmentViewed => "assessment.viewed",
            AuditAction::AssessmentSaved => "assessment.saved",
            AuditAction::AssessmentSigned => "assessment.signed",
            AuditAction::AssessmentHistoryPinned => "assessment.history_pinned",
            AuditAction::AssessmentPrinted => "assessment.printed",
            AuditAction::AddendumAdded => "addendum.added",
            AuditAction::PlanOverride => "plan.override",
            AuditAction::RecordExported => "record.exported",
            AuditAction::AssessmentExported => "assessment.exported",
            AuditAction::RecordImported => "record.imported",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == raw)
    }

    fn entity(self) -> &'static str {
        match self {
            AuditAction::LoginSucceeded
            | AuditAction::LoginFailed
            | AuditAction::LoginLocked
            | AuditAction::Logout => "session",
            AuditAction::AuditViewed => "audit_trail",
            AuditAction::OutboxViewed => "outbox",
            // A refusal names the route that was refused (`GET /patients/{id}`), since
            // the thing behind it was never read.
            AuditAction::AccessDenied => "route",
            AuditAction::PatientRegistered
            | AuditAction::PatientViewed
            | AuditAction::PatientUpdated
            | AuditAction::PatientArchived
            | AuditAction::PatientRestored
            | AuditAction::PatientsSearched
            | AuditAction::RecordExported
            | AuditAction::RecordImported => "patient",
            AuditAction::IntakeSubmitted
            | AuditAction::IntakeViewed
            | AuditAction::IntakeDraftSaved => "intake",
            AuditAction::InvitationSent
            | AuditAction::InvitationOpened
            | AuditAction::InvitationRevoked => "invitation",
            AuditAction::AppointmentBooked
            | AuditAction::AppointmentChanged
            | AuditAction::AppointmentsViewed => "appointment",
            // The alert email is about the intake that raised it; the Today list names
            // the flag that put the patient on it.
            AuditAction::AlertQueued => "intake",
            AuditAction::AlertsViewed => "flag",
            AuditAction::ConsentRecorded => "consent",
            AuditAction::FlagsViewed
            | AuditAction::FlagRaised
            | AuditAction::FlagSourceAdded
            | AuditAction::FlagAcknowledged
            | AuditAction::FlagResolved
            | AuditAction::FlagReferred
            | AuditAction::FlagNarrowed
            | AuditAction::FlagConfirmed
            | AuditAction::FlagDismissed => "flag",
            AuditAction::ReferralLetterPrinted => "referral_letter",
            AuditAction::AssessmentStarted
            | AuditAction::AssessmentViewed
            | AuditAction::AssessmentSaved
            | AuditAction::AssessmentSigned
            | AuditAction::AssessmentPrinted
            | AuditAction::AssessmentExported
            | AuditAction::PlanOverride => "assessment",
            AuditAction::AddendumAdded => "addendum",
            _ => "user",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
    Denied,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Denied => "denied",
        }
    }
}

/// One audit row to write. `detail` must never hold patient data or secrets.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub action: AuditAction,
    pub outcome: Outcome,
    pub entity_id: Option<String>,
    pub patient_id: Option<String>,
    pub detail: Option<String>,
}

impl AuditEntry {
    pub fn new(action: AuditAction, outcome: Outcome) -> Self {
        Self {
            action,
            outcome,
            entity_id: None,
            patient_id: None,
            detail: None,
        }
    }

    pub fn entity(mut self, id: impl Into<String>) -> Self {
        self.entity_id = Some(id.into());
        self
    }

    /// The patient whose data this event read or wrote.
    pub fn patient(mut self, id: impl Into<String>) -> Self {
        self.patient_id = Some(id.into());
        self
    }

    pub fn detail(mut self, d: impl Into<String>) -> Self {
        self.detail = Some(d.into());
        self
    }
}

pub fn record(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    entry: AuditEntry,
) -> Result<(), diesel::result::Error> {
    append_chained(conn, vec![Unsealed::new(now, actor, entry)])
}

/// An audit row before it has its place in the chain: everything but its sequence
/// number and hashes, which only the holder of the head may give it.
#[derive(Debug, Clone)]
pub struct Unsealed {
    at: NaiveDateTime,
    actor_id: Option<String>,
    actor_role: Option<String>,
    action: AuditAction,
    outcome: Outcome,
    entity_id: Option<String>,
    patient_id: Option<String>,
    ip: Option<String>,
    detail: Option<String>,
}

impl Unsealed {
    pub fn new(now: NaiveDateTime, actor: &Actor, entry: AuditEntry) -> Self {
        Self {
            at: now,
            actor_id: actor.user.as_ref().map(|(id, _)| id.to_string()),
            actor_role: actor.user.as_ref().map(|(_, r)| r.as_str().to_owned()),
            action: entry.action,
            outcome: entry.outcome,
            entity_id: entry.entity_id,
            patient_id: entry.patient_id,
            ip: actor.ip.clone(),
            detail: entry.detail,
        }
    }
}

/// Chains `rows`, in order, onto the head and appends them with one head update.
/// Must run inside a [`crate::db::write_transaction`] (which holds the head).
pub fn append_chained(
    conn: &mut DbConnection,
    rows: Vec<Unsealed>,
) -> Result<(), diesel::result::Error> {
    let (mut seq, mut prev_hash) = audit::head(conn)?;
    let mut sealed = Vec::with_capacity(rows.len());
    for u in rows {
        seq += 1;
        let mut row = AuditRow {
            seq,
            at: u.at,
            actor_id: u.actor_id,
            actor_role: u.actor_role,
            action: u.action.as_str().to_owned(),
            entity: u.action.entity().to_owned(),
            entity_id: u.entity_id,
            patient_id: u.patient_id,
            outcome: u.outcome.as_str().to_owned(),
            ip: u.ip,
            detail: u.detail,
            prev_hash: std::mem::take(&mut prev_hash),
            hash: String::new(),
        };
        row.hash = row.compute_hash(&row.prev_hash);
        prev_hash.clone_from(&row.hash);
        sealed.push(row);
    }
    audit::append_all(conn, &sealed)
}

/// The result of checking the whole chain.
#[derive(Debug, PartialEq, Eq)]
pub enum ChainCheck {
    /// Every row links and hashes; `newest` is the last row (`None`: no rows yet).
    Intact {
        rows: i64,
        newest: Option<ChainEnd>,
    },
    Broken {
        seq: i64,
        reason: String,
    },
}

/// The newest row of an intact chain: what `clinic audit anchor` writes down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainEnd {
    pub seq: i64,
    pub hash: String,
    pub at: NaiveDateTime,
}

/// Walks every row in order and recomputes the chain. Detects changed, removed,
/// inserted and reordered rows, whether or not the database's triggers were in place.
///
/// With an `anchor` (a head written outside the database earlier), the chain must also
/// still hold the anchored row with the anchored hash: that catches the newest rows
/// removed together with a rewritten `audit_head`, and a chain re-hashed from some row
/// onwards, which the rows alone cannot show.
///
/// Runs in one read snapshot, so rows that a running service appends meanwhile are not
/// mistaken for a head that moved.
pub fn verify_chain(
    conn: &mut DbConnection,
    anchor: Option<&Anchor>,
) -> Result<ChainCheck, diesel::result::Error> {
    read_snapshot(conn, |conn| walk(conn, anchor))
}

fn walk(
    conn: &mut DbConnection,
    anchor: Option<&Anchor>,
) -> Result<ChainCheck, diesel::result::Error> {
    const BATCH: i64 = 2_000;
    let mut expected_seq = 1_i64;
    let mut prev_hash = GENESIS_HASH.to_owned();
    let mut newest_at = None;
    loop {
        let rows = audit::batch_after(conn, expected_seq - 1, BATCH)?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            if row.seq != expected_seq {
                return Ok(ChainCheck::Broken {
                    seq: expected_seq,
                    reason: format!("row {expected_seq} is missing (next row is {})", row.seq),
                });
            }
            if row.prev_hash != prev_hash {
                return Ok(ChainCheck::Broken {
                    seq: row.seq,
                    reason:
                        "its link to the previous row does not match (a row before it was removed, \
                             changed or reordered)"
                            .into(),
                });
            }
            let hash = row.compute_hash(&prev_hash);
            if hash != row.hash {
                return Ok(ChainCheck::Broken {
                    seq: row.seq,
                    reason: "its content does not match its hash (the row was changed)".into(),
                });
            }
            if let Some(a) = anchor.filter(|a| a.seq == row.seq && a.hash != hash) {
                return Ok(ChainCheck::Broken {
                    seq: row.seq,
                    reason: format!(
                        "its hash is not the one anchored at {} (the trail was rewritten at or before this row)",
                        a.anchored_at
                    ),
                });
            }
            prev_hash = hash;
            newest_at = Some(row.at);
            expected_seq += 1;
        }
    }
    let last = expected_seq - 1;
    let (head_seq, head_hash) = audit::head(conn)?;
    if head_seq != last || head_hash != prev_hash {
        return Ok(ChainCheck::Broken {
            seq: last + 1,
            reason: format!(
                "the chain ends at row {last} but the recorded head is row {head_seq} (newest rows removed)"
            ),
        });
    }
    if let Some(a) = anchor.filter(|a| a.seq > last) {
        return Ok(ChainCheck::Broken {
            seq: last + 1,
            reason: format!(
                "the chain ends at row {last} but the anchor written at {} names row {}: \
                 the newest rows were removed and the recorded head rewritten to hide it",
                a.anchored_at, a.seq
            ),
        });
    }
    Ok(ChainCheck::Intact {
        rows: last,
        newest: newest_at.map(|at| ChainEnd {
            seq: last,
            hash: prev_hash,
            at,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::AuditAction;

    /// The audit browser filters by these codes and stored rows are read back by them:
    /// each must be unique and parse back to its action.
    #[test]
    fn every_action_code_is_unique_and_reads_back() {
        let mut codes: Vec<&str> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::parse(a.as_str()), Some(a), "{}", a.as_str());
        }
        codes.sort_unstable();
        let n = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), n, "duplicate audit action codes");
        for code in [
            "flag.referred",
            "flag.narrowed",
            "flag.confirmed",
            "flag.dismissed",
            "referral_letter.printed",
        ] {
            assert!(AuditAction::parse(code).is_some(), "{code}");
        }
    }
}
