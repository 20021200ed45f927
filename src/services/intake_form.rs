//! The patient's pre-visit form behind an emailed link. The link is the only key: its
//! token is looked up by hash; an unknown token is 404, a spent, expired or revoked one
//! 410. Until the form is submitted nothing about the patient but the first name is
//! shown. The draft lives on the server (save and resume); submitting spends the link,
//! applies the confirmed contact details, records the consent, raises the flags and, when
//! they include an emergency or urgent one, queues the alert to the clinic, all in one
//! transaction.

use chrono::NaiveDateTime;

use super::audit::{self, AuditAction, AuditEntry, Outcome};
use super::consents::{self, ConsentKind, ConsentSignature};
use super::{Actor, ServiceError, ServiceResult, alerts, intakes};
use crate::auth::token;
use crate::db::models::intake::{self, FormProgressRow, NewIntake};
use crate::db::models::invitation::{self, InvitationRow};
use crate::db::models::patient;
use crate::db::{DbConnection, write_transaction};
use crate::domain::clinical::patient_advice::PatientAdvice;
use crate::domain::clinical::{ConditionCode, RedFlagCode};
use crate::domain::intake::{IntakeAnswers, IntakeInput};
use crate::domain::{FieldErrors, SessionId, new_id};
use crate::mail::MailContext;

/// What the form page may know.
#[derive(Debug, Clone)]
pub struct FormSession {
    pub invitation_id: String,
    pub first_name: String,
    /// The saved draft, as form fields, and its version (0 when nothing is saved yet).
    pub input: IntakeInput,
    pub version: i32,
    /// Where the patient is: steps finished, and the last step as typed so far.
    pub progress: FormProgress,
    /// A paper form being entered at the desk (not a link emailed to the patient).
    pub paper: bool,
    /// What the clinic has on file, as hints that identify without disclosing (the link
    /// may be read by someone else): "Phone ending in 0103", "Email n…@example.org",
    /// "Address: on file", "Emergency contact: on file".
    pub on_file: Vec<String>,
}

/// The contact step's hints of what is on file; never a whole number, address or name.
fn on_file(p: &patient::PatientRow) -> Vec<String> {
    fn given(v: &Option<String>) -> Option<&str> {
        v.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }
    let mut lines = Vec::new();
    if let Some(phone) = given(&p.phone) {
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 4 {
            lines.push(format!("Phone ending in {}", &digits[digits.len() - 4..]));
        }
    }
    if let Some(email) = given(&p.email) {
        lines.push(format!("Email {}", masked_email(email)));
    }
    if given(&p.address_line1).is_some() || given(&p.city).is_some() {
        lines.push("Address: on file".to_owned());
    }
    if given(&p.emergency_contact_name).is_some() || given(&p.emergency_contact_phone).is_some() {
        lines.push("Emergency contact: on file".to_owned());
    }
    lines
}

/// "nora@example.org" → "n…@example.org": enough for the patient to know which
/// address, too little to read someone else's.
fn masked_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}…@{domain}")
        }
        None => "on file".to_owned(),
    }
}

/// Where the patient is in the form, kept with the draft so that "Back" and "Save and
/// finish later" lose nothing (the signature included) and the link reopens at the
/// first step not finished.
#[derive(Debug, Clone, Default)]
pub struct FormProgress {
    /// The steps the patient finished ("Save and continue" with every required answer
    /// of the step given), by number.
    pub steps_done: Vec<u8>,
    /// The typed signature and the "I agree" tick, not yet submitted.
    pub signature: Signature,
}

impl FormProgress {
    fn from_row(r: FormProgressRow) -> Self {
        FormProgress {
            steps_done: r.steps_done,
            signature: Signature {
                name: r.signed_name,
                agreed: r.consent_agreed,
            },
        }
    }

    fn to_row(&self) -> FormProgressRow {
        let mut steps = self.steps_done.clone();
        steps.sort_unstable();
        steps.dedup();
        FormProgressRow {
            steps_done: steps,
            // A draft, not the signature: bounded so a pasted essay cannot grow the row;
            // the name is checked properly when the form is submitted.
            signed_name: self
                .signature
                .name
                .chars()
                .take(MAX_DRAFT_SIGNATURE)
                .collect(),
            consent_agreed: self.signature.agreed,
        }
    }

    pub fn is_done(&self, step: u8) -> bool {
        self.steps_done.contains(&step)
    }
}

const MAX_DRAFT_SIGNATURE: usize = 200;

fn link_kind(paper: bool) -> &'static str {
    if paper { "paper entry" } else { "patient link" }
}

/// Who is filling in a form behind a link, as the browser says.
#[derive(Debug, Clone)]
pub struct FormCaller {
    pub ip: Option<String>,
    /// The staff member signed in in this browser, and their session.
    pub staff: Option<(SessionId, Actor)>,
}

/// A paper-entry link opened anywhere but the session that started it.
pub const PAPER_ENTRY_ELSEWHERE: &str = "This paper form is being entered at the desk: it opens only in the browser, and for the staff member, that started it. Start the entry again from the patient's page.";

impl FormCaller {
    /// Who the form's writes are recorded as. An emailed link is the patient's, whoever
    /// else is signed in in the browser that opens it (a patient using the clinic's
    /// tablet must not make the desk the one who entered the form or witnessed the
    /// consent). A paper-entry link is the staff member's who started it, and only in
    /// that session.
    fn actor_for(&self, inv: &InvitationRow) -> ServiceResult<Actor> {
        if inv.sent_to != super::invitations::PAPER_ENTRY {
            return Ok(Actor::anonymous(self.ip.clone()));
        }
        match (&self.staff, &inv.entered_in_session) {
            (Some((session, actor)), Some(bound)) if session.as_str() == bound => Ok(actor.clone()),
            _ => Err(ServiceError::Conflict(PAPER_ENTRY_ELSEWHERE.into())),
        }
    }
}

/// The link's invitation, if it still works, and who its caller is recorded as.
fn usable(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    caller: &FormCaller,
    tok: &str,
) -> ServiceResult<(InvitationRow, Actor)> {
    let inv = invitation::find_by_token_hash(conn, &token::hash_token(tok))?
        .ok_or(ServiceError::NotFound)?;
    if !inv.is_usable(now) {
        return Err(ServiceError::Gone);
    }
    let actor = caller.actor_for(&inv)?;
    Ok((inv, actor))
}

/// Why a form link no longer opens, in what its holder is told: it is never more than
/// the link itself already said (a form was asked for, by this clinic).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosedLink {
    /// The form was sent with this link (on that day, UTC).
    Received { on: chrono::NaiveDate },
    /// The clinic sent a newer link, or entered the form on paper, or withdrew it.
    Replaced,
    /// Seven days passed.
    Expired,
}

/// What became of a link that [`open`] refused as gone; `NotFound` for a token that
/// never was one (nothing to tell its holder).
pub fn why_closed(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    tok: &str,
) -> ServiceResult<ClosedLink> {
    let inv = invitation::find_by_token_hash(conn, &token::hash_token(tok))?
        .ok_or(ServiceError::NotFound)?;
    Ok(match (inv.submitted_at, inv.revoked_at) {
        (Some(at), _) => ClosedLink::Received { on: at.date() },
        (None, Some(_)) => ClosedLink::Replaced,
        (None, None) if inv.expires_at <= now => ClosedLink::Expired,
        // Usable after all (it was refused a moment ago): the holder may try again.
        (None, None) => ClosedLink::Replaced,
    })
}

/// Opens the form to show it. Opening does not spend the link (mail scanners open links
/// too). The first open writes `invitation.opened`; showing saved answers again (a
/// reopened link, the next step, "save and finish later") is a read of the patient's
/// answers by whoever holds the link, so it writes `intake.viewed`.
pub fn open(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    caller: &FormCaller,
    tok: &str,
) -> ServiceResult<FormSession> {
    write_transaction(conn, |conn| {
        let opened = open_in(conn, now, caller, tok)?;
        if let Some(intake_id) = &opened.draft_id {
            audit::record(
                conn,
                now,
                &opened.actor,
                AuditEntry::new(AuditAction::IntakeViewed, Outcome::Success)
                    .entity(intake_id)
                    .patient(&opened.patient_id)
                    .detail(link_kind(opened.session.paper)),
            )?;
        }
        Ok(opened.session)
    })
}

/// Opens the form to save a step over it: the saved draft is read back to merge the
/// posted step into, not shown, so no `intake.viewed`.
pub fn open_for_save(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    caller: &FormCaller,
    tok: &str,
) -> ServiceResult<FormSession> {
    write_transaction(conn, |conn| Ok(open_in(conn, now, caller, tok)?.session))
}

struct Opened {
    session: FormSession,
    actor: Actor,
    patient_id: String,
    /// The saved draft, if there is one.
    draft_id: Option<String>,
}

fn open_in(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    caller: &FormCaller,
    tok: &str,
) -> ServiceResult<Opened> {
    let (inv, actor) = usable(conn, now, caller, tok)?;
    let p = patient::find(conn, &inv.patient_id)?.ok_or(ServiceError::Gone)?;
    if invitation::mark_opened(conn, &inv.id, now)? == 1 {
        audit::record(
            conn,
            now,
            &actor,
            AuditEntry::new(AuditAction::InvitationOpened, Outcome::Success)
                .entity(&inv.id)
                .patient(&p.id),
        )?;
    }
    let (input, version, progress, draft_id) = match intake::draft_for_invitation(conn, &inv.id)? {
        Some(d) => (
            intake::load_input(conn, &d)?,
            d.version,
            FormProgress::from_row(intake::form_progress(conn, &d.id)?),
            Some(d.id),
        ),
        None => (IntakeInput::default(), 0, FormProgress::default(), None),
    };
    let on_file = on_file(&p);
    Ok(Opened {
        session: FormSession {
            invitation_id: inv.id,
            first_name: p.given_name,
            input,
            version,
            progress,
            paper: inv.sent_to == super::invitations::PAPER_ENTRY,
            on_file,
        },
        actor,
        patient_id: p.id,
        draft_id,
    })
}

fn save_draft(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    inv: &InvitationRow,
    version: i32,
    answers: &IntakeAnswers,
    submit: bool,
) -> ServiceResult<String> {
    match intake::draft_for_invitation(conn, &inv.id)? {
        None if version == 0 => {
            let id = new_id();
            intake::insert(
                conn,
                &NewIntake {
                    id: &id,
                    patient_id: &inv.patient_id,
                    invitation_id: Some(&inv.id),
                    entered_by: actor.user_id().map(|u| u.as_str()),
                    submitted: submit,
                },
                answers,
                now,
            )?;
            Ok(id)
        }
        Some(d) if intake::update_draft(conn, &d.id, version, answers, submit, now)? => Ok(d.id),
        Some(d) => Err(ServiceError::StaleVersion { current: d.version }),
        None => Err(ServiceError::StaleVersion { current: 0 }),
    }
}

/// Saves the draft and where the patient is in it (every field is validated; errors
/// come back per field). Returns the new version.
pub fn save(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    caller: &FormCaller,
    tok: &str,
    version: i32,
    input: &IntakeInput,
    progress: &FormProgress,
) -> ServiceResult<i32> {
    let answers = IntakeAnswers::parse(input, intakes::this_year(now))?;
    write_transaction(conn, |conn| {
        let (inv, actor) = usable(conn, now, caller, tok)?;
        let actor = &actor;
        let id = save_draft(conn, now, actor, &inv, version, &answers, false)?;
        intake::set_form_progress(conn, &id, &progress.to_row())?;
        invitation::mark_started(conn, &inv.id, now)?;
        audit::record(
            conn,
            now,
            actor,
            AuditEntry::new(AuditAction::IntakeDraftSaved, Outcome::Success)
                .entity(&id)
                .patient(&inv.patient_id),
        )?;
        Ok(intake::find(conn, &id)?
            .map(|r| r.version)
            .unwrap_or(version + 1))
    })
}

/// What must be answered before the form can be submitted.
pub fn missing_answers(input: &IntakeInput, signed_name: &str, agreed: bool) -> FieldErrors {
    let mut e = missing_history_answers(input);
    if signed_name.trim().chars().count() < 2 {
        e.add("signed_name", "Type your full name to sign.");
    }
    if !agreed {
        e.add(
            "consent_agree",
            "Tick the box to agree, or call the clinic if you have questions.",
        );
    }
    e
}

/// The answers a history needs, however it arrives (the patient's form, a paper form
/// typed in at the desk or sent to the API): a history without them would read as
/// "nothing to report" and raise no flag.
pub fn missing_history_answers(input: &IntakeInput) -> FieldErrors {
    let mut e = FieldErrors::new();
    if input.chief_complaint.trim().is_empty() {
        e.add("chief_complaint", "Tell us what brings you in.");
    }
    if input.pain_now.is_none() {
        e.add("pain_now", "Choose how much it hurts now (0 to 10).");
    }
    for c in ConditionCode::ALL {
        if !input.conditions.contains_key(c.as_str()) {
            e.add(
                &format!("conditions.{c}"),
                "Please answer yes, no or not sure.",
            );
        }
    }
    for r in RedFlagCode::ASKED {
        if !input.red_flags.contains_key(r.as_str())
            && !input.red_flags_unsure.iter().any(|u| u == r.as_str())
        {
            e.add(
                &format!("red_flags.{r}"),
                "Please answer yes, no or not sure.",
            );
        }
    }
    e
}

/// The consent part of the last step.
#[derive(Debug, Clone, Default)]
pub struct Signature {
    /// The full name, typed as a signature.
    pub name: String,
    /// The "I agree" box.
    pub agreed: bool,
}

/// The last step as posted: the answers, the signature, and the draft version they were
/// typed over.
#[derive(Debug, Clone, Copy)]
pub struct Submission<'a> {
    pub version: i32,
    pub input: &'a IntakeInput,
    pub signature: &'a Signature,
}

/// Submits the form: spends the link, records the consent (typed name, time, address),
/// applies the contact details the patient gave, raises the flags and alerts the clinic
/// when one of them is an emergency or urgent. Returns what the thank-you page tells the
/// patient.
///
/// A paper form entered at the desk goes through here too and alerts the same way: the
/// person typing it in may not be the one who can act on it.
pub fn submit(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    caller: &FormCaller,
    tok: &str,
    form: &Submission<'_>,
    mail_ctx: &MailContext,
) -> ServiceResult<PatientAdvice> {
    let Submission {
        version,
        input,
        signature,
    } = *form;
    let answers = IntakeAnswers::parse(input, intakes::this_year(now))?;
    missing_answers(input, &signature.name, signature.agreed).into_result()?;
    let signed = consents::parse_signature(&signature.name)?;
    write_transaction(conn, |conn| {
        let (inv, actor) = usable(conn, now, caller, tok)?;
        let actor = &actor;
        let id = save_draft(conn, now, actor, &inv, version, &answers, true)?;
        // The typed name as a draft is no longer needed: the consent row holds it.
        intake::delete_form_progress(conn, &id)?;
        if !invitation::mark_submitted(conn, &inv.id, now)? {
            return Err(ServiceError::Gone);
        }
        let p = patient::find(conn, &inv.patient_id)?.ok_or(ServiceError::Gone)?;
        patient::apply_contact_update(conn, &p.id, &answers.contact, now)?;
        consents::record(
            conn,
            now,
            actor,
            &p.id,
            &ConsentSignature {
                kind: ConsentKind::Treatment,
                signed_name: &signed,
                intake_id: Some(&id),
            },
        )?;
        audit::record(
            conn,
            now,
            actor,
            AuditEntry::new(AuditAction::IntakeSubmitted, Outcome::Success)
                .entity(&id)
                .patient(&p.id)
                .detail(link_kind(inv.sent_to == super::invitations::PAPER_ENTRY)),
        )?;
        intakes::raise_flags(conn, now, actor, &p.id, p.date_of_birth, &id, &answers)?;
        alerts::after_form_submitted(conn, now, actor, mail_ctx, &p.id, &id)
    })
}

#[cfg(test)]
mod tests {
    use super::masked_email;

    #[test]
    fn an_email_on_file_is_a_hint_not_the_address() {
        for (email, hint) in [
            ("nora@example.org", "n…@example.org"),
            ("élodie.dupré@exemple.fr", "é…@exemple.fr"),
            ("x@y.z", "x…@y.z"),
            ("not-an-address", "on file"),
        ] {
            assert_eq!(masked_email(email), hint, "{email}");
        }
    }
}
