//! Intakes: the pre-visit health history. Submitting one runs the flags engine and
//! records the flags it raises, in the same transaction.

use chrono::{Datelike, NaiveDateTime};

use super::audit::{self, AuditAction, AuditEntry, Outcome};
use super::flag_raising::{self, FlagOrigin};
use super::flags;
use super::{Actor, ServiceError, ServiceResult};
use crate::db::models::flag::FlagRow;
use crate::db::models::intake::{self, IntakeRow, NewIntake};
use crate::db::models::patient;
use crate::db::{DbConnection, write_transaction};
use crate::domain::canonical_json;
use crate::domain::clinical::facts::ClinicalFacts;
use crate::domain::clinical::flags_engine;
use crate::domain::intake::{IntakeAnswers, IntakeInput};
use crate::domain::patient::age_on;
use crate::domain::{PatientId, new_id};

/// A submitted intake and the flags it raised.
#[derive(Debug)]
pub struct SubmittedIntake {
    pub intake: IntakeRow,
    pub flags: Vec<FlagRow>,
}

/// Records a form the patient filled in on paper, entered by staff, and raises its flags.
pub fn record_paper_intake(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    patient_id: &PatientId,
    answers: &IntakeAnswers,
) -> ServiceResult<SubmittedIntake> {
    let staff = actor.user_id().map(|u| u.to_string());
    write_transaction(conn, |conn| {
        let p = patient::find(conn, patient_id.as_str())?.ok_or(ServiceError::NotFound)?;
        let id = new_id();
        intake::insert(
            conn,
            &NewIntake {
                id: &id,
                patient_id: &p.id,
                invitation_id: None,
                entered_by: staff.as_deref(),
                submitted: true,
            },
            answers,
            now,
        )?;
        audit::record(
            conn,
            now,
            actor,
            AuditEntry::new(AuditAction::IntakeSubmitted, Outcome::Success)
                .entity(&id)
                .patient(&p.id)
                .detail("paper"),
        )?;
        let flags = raise_flags(conn, now, actor, &p.id, p.date_of_birth, &id, answers)?;
        let intake = intake::find(conn, &id)?.ok_or(ServiceError::NotFound)?;
        Ok(SubmittedIntake { intake, flags })
    })
}

/// Runs the rules on a submitted intake and stores what they raise; returns the
/// patient's unresolved flags.
pub fn raise_flags(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    patient_id: &str,
    born: chrono::NaiveDate,
    intake_id: &str,
    answers: &IntakeAnswers,
) -> ServiceResult<Vec<FlagRow>> {
    let age = u32::try_from(age_on(born, now.date())).ok();
    let raised = flags_engine::evaluate(&answers.facts(age));
    flag_raising::raise(
        conn,
        now,
        actor,
        patient_id,
        FlagOrigin::Intake,
        intake_id,
        &raised,
    )?;
    flags::unresolved(conn, patient_id)
}

/// The facts of one submitted history (or, with `intake_id` `None`, of none: only the
/// patient's age), as the assessment's rules read them beside the exam. The
/// assessment passes the intake it reviews (pinned), not whichever came last.
pub fn facts_of(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    patient_id: &str,
    intake_id: Option<&str>,
) -> ServiceResult<ClinicalFacts> {
    let Some(p) = patient::find(conn, patient_id)? else {
        return Err(ServiceError::NotFound);
    };
    let age = u32::try_from(age_on(p.date_of_birth, now.date())).ok();
    let Some(row) = intake_id
        .map(|id| intake::find(conn, id))
        .transpose()?
        .flatten()
    else {
        return Ok(ClinicalFacts::with_age(age));
    };
    let input = intake::load_input(conn, &row)?;
    // What was stored passed these checks when it was submitted; a history that no
    // longer parses must not silently count as a clean one.
    let answers = IntakeAnswers::parse(&input, this_year(now)).map_err(|e| {
        ServiceError::Unexpected(anyhow::anyhow!(
            "stored intake {} no longer parses: {e:?}",
            row.id
        ))
    })?;
    Ok(answers.facts(age))
}

/// SHA-256 of a submitted intake's answers: the canonical JSON of the answers as the
/// form holds them, without empty values, so an optional question added by a later
/// release does not change the hash of an older form.
pub fn answers_hash(input: &IntakeInput) -> String {
    let mut value = serde_json::to_value(input).unwrap_or(serde_json::Value::Null);
    // Regions are a set: their order in storage is not part of the answer.
    if let Some(serde_json::Value::Array(regions)) = value.get_mut("pain_regions") {
        regions.sort_by_key(|r| r.to_string());
    }
    canonical_json::sha256(&canonical_json::without_empty(&value))
}

/// The year used to bound surgery years in a history.
pub fn this_year(now: NaiveDateTime) -> i32 {
    now.date().year()
}
