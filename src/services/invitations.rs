//! Invitations to the pre-visit form: a 256-bit token that only travels in the email
//! (its SHA-256 is stored), valid 7 days; opening the link does not spend it (mail
//! scanners open links), submitting does; staff can resend (a new token) or revoke.

use chrono::{NaiveDateTime, TimeDelta};

use super::audit::{self, AuditAction, AuditEntry, Outcome};
use super::{Actor, ServiceError, ServiceResult};
use crate::auth::token;
use crate::db::models::appointment;
use crate::db::models::intake;
use crate::db::models::invitation::{self, InvitationRow, NewInvitation};
use crate::db::models::patient::{self, PatientRow};
use crate::db::{DbConnection, write_transaction};
use crate::domain::{EmailAddress, FieldErrors, PatientId, SessionId, new_id};
use crate::mail::{self, MailContext};

pub const LINK_VALID: TimeDelta = TimeDelta::days(7);

/// Where the patient's form stands, as the front desk sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FormStatus {
    NotSent,
    Sent,
    Opened,
    InProgress,
    Submitted,
}

impl FormStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FormStatus::NotSent => "not_sent",
            FormStatus::Sent => "sent",
            FormStatus::Opened => "opened",
            FormStatus::InProgress => "in_progress",
            FormStatus::Submitted => "submitted",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FormStatus::NotSent => "Not sent",
            FormStatus::Sent => "Sent",
            FormStatus::Opened => "Opened",
            FormStatus::InProgress => "In progress",
            FormStatus::Submitted => "Submitted",
        }
    }
}

/// The newest link that was emailed and still works (paper entries are not offered for
/// resending: they were never emailed).
pub fn live_emailed(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    patient_id: &str,
) -> Result<Option<InvitationRow>, diesel::result::Error> {
    Ok(invitation::for_patient(conn, patient_id)?
        .into_iter()
        .find(|i| i.is_usable(now) && i.sent_to != PAPER_ENTRY))
}

/// The form status of a patient: submitted once any intake is; otherwise the state of
/// the newest link that still works.
pub fn form_status(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    patient_id: &str,
) -> ServiceResult<FormStatus> {
    if intake::has_submitted(conn, patient_id)? {
        return Ok(FormStatus::Submitted);
    }
    let live = live_emailed(conn, now, patient_id)?;
    Ok(match live {
        None => FormStatus::NotSent,
        Some(i) if i.started_at.is_some() => FormStatus::InProgress,
        Some(i) if i.opened_at.is_some() => FormStatus::Opened,
        Some(_) => FormStatus::Sent,
    })
}

fn visit_text(
    conn: &mut DbConnection,
    appointment_id: Option<&str>,
) -> ServiceResult<Option<String>> {
    let Some(id) = appointment_id else {
        return Ok(None);
    };
    Ok(appointment::find(conn, id)?
        .map(|a| a.starts_at.format("%A %-d %B %Y at %H:%M").to_string()))
}

fn compose(
    conn: &mut DbConnection,
    mail_ctx: &MailContext,
    p: &PatientRow,
    appointment_id: Option<&str>,
    token: &str,
) -> ServiceResult<mail::ComposedMessage> {
    let link = mail_ctx.link(&format!("/intake/{token}"));
    let visit = visit_text(conn, appointment_id)?;
    mail::templates::intake_invitation(mail_ctx, &p.given_name, &link, visit, LINK_VALID)
        .map_err(ServiceError::Unexpected)
}

/// Sends a new invitation to `email` (or the patient's address on file).
pub fn send(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    patient_id: &PatientId,
    email: Option<&str>,
    appointment_id: Option<&str>,
    mail_ctx: &MailContext,
) -> ServiceResult<InvitationRow> {
    let (tok, hash) = token::new_token();
    let id = new_id();
    write_transaction(conn, |conn| {
        let p = patient::find(conn, patient_id.as_str())?.ok_or(ServiceError::NotFound)?;
        if p.archived_at.is_some() {
            return Err(ServiceError::Conflict(
                "This patient is archived; restore the record first.".into(),
            ));
        }
        let to = match email.map(str::trim).filter(|e| !e.is_empty()) {
            Some(e) => EmailAddress::parse(e)
                .map_err(|m| FieldErrors::single("email", m))?
                .as_str()
                .to_owned(),
            None => p.email.clone().ok_or_else(|| {
                FieldErrors::single(
                    "email",
                    "The patient has no email address on file; enter one.",
                )
            })?,
        };
        // One live emailed link per patient: a new invitation replaces any earlier one.
        // A paper form being typed in at the desk is not replaced: it is someone's work
        // in progress, and submitting either one spends it (docs/security.md).
        for old in invitation::for_patient(conn, &p.id)?
            .into_iter()
            .filter(|i| i.is_usable(now) && i.sent_to != PAPER_ENTRY)
        {
            invitation::revoke(conn, &old.id, now)?;
        }
        if let Some(a) = appointment_id
            && appointment::find(conn, a)?.is_none_or(|a| a.patient_id != p.id)
        {
            return Err(FieldErrors::single(
                "appointment_id",
                "No such appointment for this patient.",
            )
            .into());
        }
        invitation::insert(
            conn,
            &NewInvitation {
                id: &id,
                patient_id: &p.id,
                appointment_id,
                token_hash: &hash,
                sent_to: &to,
                created_by: actor.user_id().map(|u| u.as_str()),
                created_at: now,
                last_sent_at: now,
                expires_at: now + LINK_VALID,
                entered_in_session: None,
            },
        )?;
        let message = compose(conn, mail_ctx, &p, appointment_id, &tok)?;
        mail::enqueue(conn, now, &to, &message)?;
        audit::record(
            conn,
            now,
            actor,
            AuditEntry::new(AuditAction::InvitationSent, Outcome::Success)
                .entity(&id)
                .patient(&p.id),
        )?;
        invitation::find(conn, &id)?.ok_or(ServiceError::NotFound)
    })
}

/// Sends the invitation again with a new token; the previous link stops working.
pub fn resend(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    invitation_id: &str,
    mail_ctx: &MailContext,
) -> ServiceResult<InvitationRow> {
    let (tok, hash) = token::new_token();
    write_transaction(conn, |conn| {
        let inv = invitation::find(conn, invitation_id)?.ok_or(ServiceError::NotFound)?;
        if inv.sent_to == PAPER_ENTRY {
            return Err(ServiceError::Conflict(
                "A paper entry is not emailed; send the form instead.".into(),
            ));
        }
        if inv.submitted_at.is_some() || inv.revoked_at.is_some() {
            return Err(ServiceError::Conflict(
                "This form was already submitted or the link was revoked; send a new one.".into(),
            ));
        }
        let p = patient::find(conn, &inv.patient_id)?.ok_or(ServiceError::NotFound)?;
        invitation::rotate_token(conn, &inv.id, &hash, now, now + LINK_VALID)?;
        let message = compose(conn, mail_ctx, &p, inv.appointment_id.as_deref(), &tok)?;
        mail::enqueue(conn, now, &inv.sent_to, &message)?;
        audit::record(
            conn,
            now,
            actor,
            AuditEntry::new(AuditAction::InvitationSent, Outcome::Success)
                .entity(&inv.id)
                .patient(&p.id)
                .detail("resent"),
        )?;
        invitation::find(conn, &inv.id)?.ok_or(ServiceError::NotFound)
    })
}

pub fn revoke(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    invitation_id: &str,
) -> ServiceResult<InvitationRow> {
    write_transaction(conn, |conn| {
        let inv = invitation::find(conn, invitation_id)?.ok_or(ServiceError::NotFound)?;
        if invitation::revoke(conn, &inv.id, now)? == 0 {
            return Err(ServiceError::Conflict(
                "This link was already submitted or revoked.".into(),
            ));
        }
        audit::record(
            conn,
            now,
            actor,
            AuditEntry::new(AuditAction::InvitationRevoked, Outcome::Success)
                .entity(&inv.id)
                .patient(&inv.patient_id),
        )?;
        invitation::find(conn, &inv.id)?.ok_or(ServiceError::NotFound)
    })
}

/// What `sent_to` says for a form entered from paper at the desk (nothing is emailed).
pub const PAPER_ENTRY: &str = "paper form, entered at the desk";

/// Starts entering a paper form for a walk-in: the staff member fills the same form the
/// patient would, on a link valid for one day that is never emailed and opens only in
/// `session`, the staff member's own. Returns the token.
pub fn start_paper_entry(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    session: &SessionId,
    patient_id: &PatientId,
) -> ServiceResult<String> {
    let (tok, hash) = token::new_token();
    let id = new_id();
    write_transaction(conn, |conn| {
        let p = patient::find(conn, patient_id.as_str())?.ok_or(ServiceError::NotFound)?;
        if p.archived_at.is_some() {
            return Err(ServiceError::Conflict(
                "This patient is archived; restore the record first.".into(),
            ));
        }
        invitation::insert(
            conn,
            &NewInvitation {
                id: &id,
                patient_id: &p.id,
                appointment_id: None,
                token_hash: &hash,
                sent_to: PAPER_ENTRY,
                created_by: actor.user_id().map(|u| u.as_str()),
                created_at: now,
                last_sent_at: now,
                expires_at: now + TimeDelta::days(1),
                entered_in_session: Some(session.as_str()),
            },
        )?;
        audit::record(
            conn,
            now,
            actor,
            AuditEntry::new(AuditAction::InvitationSent, Outcome::Success)
                .entity(&id)
                .patient(&p.id)
                .detail("paper entry"),
        )?;
        Ok(tok.clone())
    })
}
