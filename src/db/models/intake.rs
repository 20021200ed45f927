//! `intakes` and their answer rows.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::domain::clinical::Answer;
use crate::domain::intake::IntakeAnswers;
use crate::schema::{
    intake_conditions, intake_form_progress, intake_red_flags, intakes, medications, pain_regions,
    surgeries,
};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = intakes)]
pub struct IntakeRow {
    pub id: String,
    pub patient_id: String,
    pub invitation_id: Option<String>,
    pub entered_by: Option<String>,
    pub status: String,
    pub chief_complaint: Option<String>,
    pub onset: Option<String>,
    pub mechanism: Option<String>,
    pub pain_now: Option<i32>,
    pub pain_worst: Option<i32>,
    pub pain_quality: Option<String>,
    pub pain_pattern: Option<String>,
    pub radiates: Option<bool>,
    pub radiation: Option<String>,
    pub aggravating: Option<String>,
    pub relieving: Option<String>,
    pub earlier_episodes: Option<bool>,
    pub earlier_treatment: Option<String>,
    pub goals: Option<String>,
    pub other_conditions: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub contact_address_line1: Option<String>,
    pub contact_city: Option<String>,
    pub contact_postal_code: Option<String>,
    pub contact_emergency_name: Option<String>,
    pub contact_emergency_phone: Option<String>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
}

/// The answer columns of an intake.
#[derive(Debug, Clone, AsChangeset, Insertable)]
#[diesel(table_name = intakes)]
#[diesel(treat_none_as_null = true)]
struct AnswerColumns {
    chief_complaint: Option<String>,
    onset: Option<String>,
    mechanism: Option<String>,
    pain_now: Option<i32>,
    pain_worst: Option<i32>,
    pain_quality: Option<String>,
    pain_pattern: Option<String>,
    radiates: Option<bool>,
    radiation: Option<String>,
    aggravating: Option<String>,
    relieving: Option<String>,
    earlier_episodes: Option<bool>,
    earlier_treatment: Option<String>,
    goals: Option<String>,
    other_conditions: Option<String>,
    contact_phone: Option<String>,
    contact_email: Option<String>,
    contact_address_line1: Option<String>,
    contact_city: Option<String>,
    contact_postal_code: Option<String>,
    contact_emergency_name: Option<String>,
    contact_emergency_phone: Option<String>,
}

impl From<&IntakeAnswers> for AnswerColumns {
    fn from(a: &IntakeAnswers) -> Self {
        let quality: Vec<&str> = a.pain_quality.iter().map(|q| q.as_str()).collect();
        AnswerColumns {
            chief_complaint: a.chief_complaint.clone(),
            onset: a.onset.clone(),
            mechanism: a.mechanism.clone(),
            pain_now: a.pain_now,
            pain_worst: a.pain_worst,
            pain_quality: (!quality.is_empty()).then(|| quality.join(",")),
            pain_pattern: a.pain_pattern.map(|p| p.as_str().to_owned()),
            radiates: a.radiates,
            radiation: a.radiation.clone(),
            aggravating: a.aggravating.clone(),
            relieving: a.relieving.clone(),
            earlier_episodes: a.earlier_episodes,
            earlier_treatment: a.earlier_treatment.clone(),
            goals: a.goals.clone(),
            other_conditions: a.other_conditions.clone(),
            contact_phone: a.contact.phone.clone(),
            contact_email: a.contact.email.clone(),
            contact_address_line1: a.contact.address_line1.clone(),
            contact_city: a.contact.city.clone(),
            contact_postal_code: a.contact.postal_code.clone(),
            contact_emergency_name: a.contact.emergency_name.clone(),
            contact_emergency_phone: a.contact.emergency_phone.clone(),
        }
    }
}

pub struct NewIntake<'a> {
    pub id: &'a str,
    pub patient_id: &'a str,
    pub invitation_id: Option<&'a str>,
    pub entered_by: Option<&'a str>,
    pub submitted: bool,
}

pub fn insert(
    conn: &mut DbConnection,
    new: &NewIntake<'_>,
    answers: &IntakeAnswers,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(intakes::table)
        .values((
            intakes::id.eq(new.id),
            intakes::patient_id.eq(new.patient_id),
            intakes::invitation_id.eq(new.invitation_id),
            intakes::entered_by.eq(new.entered_by),
            intakes::status.eq(if new.submitted { "submitted" } else { "draft" }),
            AnswerColumns::from(answers),
            intakes::version.eq(1),
            intakes::created_at.eq(now),
            intakes::updated_at.eq(now),
            intakes::submitted_at.eq(new.submitted.then_some(now)),
        ))
        .execute(conn)?;
    replace_children(conn, new.id, answers)
}

/// Replaces the answers of a draft (save and resume); returns false when `version` is stale.
pub fn update_draft(
    conn: &mut DbConnection,
    id: &str,
    version: i32,
    answers: &IntakeAnswers,
    submit: bool,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        intakes::table
            .filter(intakes::id.eq(id))
            .filter(intakes::version.eq(version))
            .filter(intakes::status.eq("draft")),
    )
    .set((
        AnswerColumns::from(answers),
        intakes::version.eq(version + 1),
        intakes::updated_at.eq(now),
        intakes::status.eq(if submit { "submitted" } else { "draft" }),
        intakes::submitted_at.eq(submit.then_some(now)),
    ))
    .execute(conn)?;
    if n == 1 {
        replace_children(conn, id, answers)?;
    }
    Ok(n == 1)
}

fn replace_children(
    conn: &mut DbConnection,
    intake_id: &str,
    a: &IntakeAnswers,
) -> QueryResult<()> {
    diesel::delete(intake_conditions::table.filter(intake_conditions::intake_id.eq(intake_id)))
        .execute(conn)?;
    diesel::delete(intake_red_flags::table.filter(intake_red_flags::intake_id.eq(intake_id)))
        .execute(conn)?;
    diesel::delete(pain_regions::table.filter(pain_regions::intake_id.eq(intake_id)))
        .execute(conn)?;
    diesel::delete(medications::table.filter(medications::intake_id.eq(intake_id)))
        .execute(conn)?;
    diesel::delete(surgeries::table.filter(surgeries::intake_id.eq(intake_id))).execute(conn)?;
    for (code, (answer, details)) in &a.conditions {
        diesel::insert_into(intake_conditions::table)
            .values((
                intake_conditions::intake_id.eq(intake_id),
                intake_conditions::code.eq(code.as_str()),
                intake_conditions::answer.eq(answer.as_str()),
                intake_conditions::details.eq(details.as_deref()),
            ))
            .execute(conn)?;
    }
    for (code, answer) in &a.red_flags {
        diesel::insert_into(intake_red_flags::table)
            .values((
                intake_red_flags::intake_id.eq(intake_id),
                intake_red_flags::code.eq(code.as_str()),
                // Not sure counts as present (fail safe), as the rules count it.
                intake_red_flags::present.eq(*answer != Answer::No),
                intake_red_flags::answer.eq(answer.as_str()),
            ))
            .execute(conn)?;
    }
    for area in &a.pain_regions {
        diesel::insert_into(pain_regions::table)
            .values((
                pain_regions::intake_id.eq(intake_id),
                pain_regions::region.eq(area.as_str()),
            ))
            .execute(conn)?;
    }
    for m in &a.medications {
        diesel::insert_into(medications::table)
            .values((
                medications::id.eq(crate::domain::new_id()),
                medications::intake_id.eq(intake_id),
                medications::name.eq(&m.name),
                medications::dose.eq(m.dose.as_deref()),
                medications::reason.eq(m.reason.as_deref()),
            ))
            .execute(conn)?;
    }
    for s in &a.surgeries {
        diesel::insert_into(surgeries::table)
            .values((
                surgeries::id.eq(crate::domain::new_id()),
                surgeries::intake_id.eq(intake_id),
                surgeries::procedure_name.eq(&s.procedure),
                surgeries::year.eq(s.year),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<IntakeRow>> {
    intakes::table
        .find(id)
        .select(IntakeRow::as_select())
        .first(conn)
        .optional()
}

/// The newest submitted intake of a patient.
pub fn latest_submitted(
    conn: &mut DbConnection,
    patient_id: &str,
) -> QueryResult<Option<IntakeRow>> {
    intakes::table
        .filter(intakes::patient_id.eq(patient_id))
        .filter(intakes::status.eq("submitted"))
        .order(intakes::submitted_at.desc())
        .select(IntakeRow::as_select())
        .first(conn)
        .optional()
}

/// The newest intake a patient submitted at or before `at` (what a record signed at
/// `at` can have reviewed).
pub fn latest_submitted_before(
    conn: &mut DbConnection,
    patient_id: &str,
    at: NaiveDateTime,
) -> QueryResult<Option<IntakeRow>> {
    intakes::table
        .filter(intakes::patient_id.eq(patient_id))
        .filter(intakes::status.eq("submitted"))
        .filter(intakes::submitted_at.le(at))
        .order(intakes::submitted_at.desc())
        .select(IntakeRow::as_select())
        .first(conn)
        .optional()
}

/// Puts an imported form back at the time it was submitted (the FHIR round trip).
pub fn set_submitted_at(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(intakes::table.filter(intakes::id.eq(id)))
        .set((
            intakes::created_at.eq(at),
            intakes::updated_at.eq(at),
            intakes::submitted_at.eq(Some(at)),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Every submitted intake of a patient, oldest first (the FHIR export).
pub fn submitted_for_patient(
    conn: &mut DbConnection,
    patient_id: &str,
) -> QueryResult<Vec<IntakeRow>> {
    intakes::table
        .filter(intakes::patient_id.eq(patient_id))
        .filter(intakes::status.eq("submitted"))
        .order((intakes::submitted_at.asc(), intakes::id.asc()))
        .select(IntakeRow::as_select())
        .load(conn)
}

/// The draft an invitation's patient is filling in, if any.
pub fn draft_for_invitation(
    conn: &mut DbConnection,
    invitation_id: &str,
) -> QueryResult<Option<IntakeRow>> {
    intakes::table
        .filter(intakes::invitation_id.eq(invitation_id))
        .select(IntakeRow::as_select())
        .first(conn)
        .optional()
}

/// True when the patient has any submitted intake.
pub fn has_submitted(conn: &mut DbConnection, patient_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        intakes::table
            .filter(intakes::patient_id.eq(patient_id))
            .filter(intakes::status.eq("submitted")),
    ))
    .get_result(conn)
}

/// Reads an intake back into the shape of the form, for resuming a draft.
pub fn load_input(
    conn: &mut DbConnection,
    row: &IntakeRow,
) -> QueryResult<crate::domain::intake::IntakeInput> {
    use crate::domain::intake::{IntakeInput, MedicationInput, SurgeryInput};
    let conditions: Vec<(String, String, Option<String>)> = intake_conditions::table
        .filter(intake_conditions::intake_id.eq(&row.id))
        .select((
            intake_conditions::code,
            intake_conditions::answer,
            intake_conditions::details,
        ))
        .load(conn)?;
    let red: Vec<(String, String)> = intake_red_flags::table
        .filter(intake_red_flags::intake_id.eq(&row.id))
        .select((intake_red_flags::code, intake_red_flags::answer))
        .load(conn)?;
    let regions: Vec<String> = pain_regions::table
        .filter(pain_regions::intake_id.eq(&row.id))
        .select(pain_regions::region)
        .load(conn)?;
    let meds: Vec<(String, Option<String>, Option<String>)> = medications::table
        .filter(medications::intake_id.eq(&row.id))
        .order(medications::id.asc())
        .select((medications::name, medications::dose, medications::reason))
        .load(conn)?;
    let surg: Vec<(String, Option<i32>)> = surgeries::table
        .filter(surgeries::intake_id.eq(&row.id))
        .order(surgeries::id.asc())
        .select((surgeries::procedure_name, surgeries::year))
        .load(conn)?;
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    Ok(IntakeInput {
        chief_complaint: s(&row.chief_complaint),
        onset: s(&row.onset),
        mechanism: s(&row.mechanism),
        pain_now: row.pain_now.map(i64::from),
        pain_worst: row.pain_worst.map(i64::from),
        pain_quality: row
            .pain_quality
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .filter(|x| !x.is_empty())
            .map(str::to_owned)
            .collect(),
        pain_pattern: s(&row.pain_pattern),
        radiates: row.radiates,
        radiation: s(&row.radiation),
        aggravating: s(&row.aggravating),
        relieving: s(&row.relieving),
        earlier_episodes: row.earlier_episodes,
        earlier_treatment: s(&row.earlier_treatment),
        goals: s(&row.goals),
        other_conditions: s(&row.other_conditions),
        pain_regions: regions,
        conditions: conditions
            .iter()
            .map(|(c, a, _)| (c.clone(), a.clone()))
            .collect(),
        condition_details: conditions
            .into_iter()
            .filter_map(|(c, _, d)| d.map(|d| (c, d)))
            .collect(),
        red_flags: red
            .iter()
            .filter(|(_, a)| a != Answer::Unsure.as_str())
            .map(|(c, a)| (c.clone(), a == Answer::Yes.as_str()))
            .collect(),
        red_flags_unsure: red
            .iter()
            .filter(|(_, a)| a == Answer::Unsure.as_str())
            .map(|(c, _)| c.clone())
            .collect(),
        medications: meds
            .into_iter()
            .map(|(name, dose, reason)| MedicationInput {
                name,
                dose: dose.unwrap_or_default(),
                reason: reason.unwrap_or_default(),
            })
            .collect(),
        surgeries: surg
            .into_iter()
            .map(|(procedure, year)| SurgeryInput {
                procedure,
                year: year.map(i64::from),
            })
            .collect(),
        contact_phone: s(&row.contact_phone),
        contact_email: s(&row.contact_email),
        contact_address_line1: s(&row.contact_address_line1),
        contact_city: s(&row.contact_city),
        contact_postal_code: s(&row.contact_postal_code),
        contact_emergency_name: s(&row.contact_emergency_name),
        contact_emergency_phone: s(&row.contact_emergency_phone),
    })
}

/// Where the patient is in the form behind their link, kept with the draft
/// (`intake_form_progress`): the steps finished (their numbers) and the last step's
/// signature as typed so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormProgressRow {
    pub steps_done: Vec<u8>,
    pub signed_name: String,
    pub consent_agreed: bool,
}

/// The draft's progress; the default (nothing done) when none is kept yet.
pub fn form_progress(conn: &mut DbConnection, intake_id: &str) -> QueryResult<FormProgressRow> {
    let row: Option<(String, Option<String>, bool)> = intake_form_progress::table
        .filter(intake_form_progress::intake_id.eq(intake_id))
        .select((
            intake_form_progress::steps_done,
            intake_form_progress::signed_name,
            intake_form_progress::consent_agreed,
        ))
        .first(conn)
        .optional()?;
    Ok(row
        .map(|(steps, signed_name, consent_agreed)| FormProgressRow {
            steps_done: steps
                .split(',')
                .filter_map(|s| s.trim().parse().ok())
                .collect(),
            signed_name: signed_name.unwrap_or_default(),
            consent_agreed,
        })
        .unwrap_or_default())
}

/// Forgets the draft's progress: the form was submitted, its signature is a consent now.
pub fn delete_form_progress(conn: &mut DbConnection, intake_id: &str) -> QueryResult<()> {
    diesel::delete(
        intake_form_progress::table.filter(intake_form_progress::intake_id.eq(intake_id)),
    )
    .execute(conn)?;
    Ok(())
}

/// Keeps the draft's progress (update, else insert: no upsert on both backends).
pub fn set_form_progress(
    conn: &mut DbConnection,
    intake_id: &str,
    p: &FormProgressRow,
) -> QueryResult<()> {
    let steps = p
        .steps_done
        .iter()
        .map(u8::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let name = p.signed_name.trim();
    let name = (!name.is_empty()).then_some(name);
    let values = (
        intake_form_progress::steps_done.eq(&steps),
        intake_form_progress::signed_name.eq(name),
        intake_form_progress::consent_agreed.eq(p.consent_agreed),
    );
    let n = diesel::update(
        intake_form_progress::table.filter(intake_form_progress::intake_id.eq(intake_id)),
    )
    .set(values)
    .execute(conn)?;
    if n == 0 {
        diesel::insert_into(intake_form_progress::table)
            .values((intake_form_progress::intake_id.eq(intake_id), values))
            .execute(conn)?;
    }
    Ok(())
}
