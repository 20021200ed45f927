//! The pre-visit form as a FHIR `Questionnaire` (published at
//! `{base}/fhir/Questionnaire/pre-visit`), each submitted form as a
//! `QuestionnaireResponse` against it, and the way back (a response read into the
//! form's answers, for the importer). The item `linkId`s are the form's own answer keys
//! (`chief_complaint`, `conditions.osteoporosis`, `medications.dose`…), the same names
//! the JSON API and the history review use.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{FhirBase, OurCodeSystem, instant, reference};
use crate::domain::clinical::questions::{condition_question, red_flag_question};
use crate::domain::clinical::{ConditionCode, RedFlagCode};
use crate::domain::intake::{IntakeInput, MedicationInput, SurgeryInput};
use crate::services::fhir_export::{FormAuthor, SubmittedForm};

/// The `Questionnaire`'s id; its canonical URL is `{base}/fhir/Questionnaire/pre-visit`.
pub const QUESTIONNAIRE_ID: &str = "pre-visit";
/// Changes whenever an item is added, removed or re-coded.
pub const QUESTIONNAIRE_VERSION: &str = "2026-12";

/// How a question is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Line,
    Integer,
    Boolean,
    /// One code (or several with `repeats`) of our code system.
    Choice(OurCodeSystem),
}

/// The plain questions, in the form's order, with the form's own words.
const PLAIN: &[(&str, &str, Kind, bool)] = &[
    ("chief_complaint", "What brings you in?", Kind::Text, false),
    ("onset", "When did it start?", Kind::Line, false),
    ("mechanism", "How did it start?", Kind::Text, false),
    (
        "pain_now",
        "How much does it hurt right now? (0 = no pain, 10 = worst imaginable)",
        Kind::Integer,
        false,
    ),
    (
        "pain_worst",
        "How much does it hurt at its worst? (0-10)",
        Kind::Integer,
        false,
    ),
    (
        "pain_quality",
        "How does it feel?",
        Kind::Choice(OurCodeSystem::PainQuality),
        true,
    ),
    (
        "pain_pattern",
        "Is it there all the time?",
        Kind::Choice(OurCodeSystem::PainPattern),
        false,
    ),
    (
        "pain_regions",
        "Where does it hurt?",
        Kind::Choice(OurCodeSystem::PainArea),
        true,
    ),
    (
        "radiates",
        "Does the pain spread to other places?",
        Kind::Boolean,
        false,
    ),
    ("radiation", "Where does it spread to?", Kind::Text, false),
    ("aggravating", "What makes it worse?", Kind::Text, false),
    ("relieving", "What makes it better?", Kind::Text, false),
    (
        "earlier_episodes",
        "Have you had this problem before?",
        Kind::Boolean,
        false,
    ),
    (
        "earlier_treatment",
        "If yes, what treatment did you have, and did it help?",
        Kind::Text,
        false,
    ),
    (
        "goals",
        "What would you like to be able to do again?",
        Kind::Text,
        false,
    ),
    (
        "other_conditions",
        "Any other health problems we should know about?",
        Kind::Text,
        false,
    ),
];

const MEDICATION: &[(&str, &str, Kind)] = &[
    ("medications.name", "Medicine", Kind::Line),
    ("medications.dose", "Dose", Kind::Line),
    ("medications.reason", "What for", Kind::Line),
];

const SURGERY: &[(&str, &str, Kind)] = &[
    ("surgeries.procedure", "Operation", Kind::Line),
    ("surgeries.year", "Year", Kind::Integer),
];

const CONTACT: &[(&str, &str)] = &[
    ("contact_phone", "Phone"),
    ("contact_email", "Email"),
    ("contact_address_line1", "Street address"),
    ("contact_city", "City"),
    ("contact_postal_code", "Postal code"),
    ("contact_emergency_name", "Emergency contact's name"),
    ("contact_emergency_phone", "Emergency contact's phone"),
];

fn question(base: &FhirBase, link_id: &str, text: &str, kind: Kind, repeats: bool) -> Value {
    let ty = match kind {
        Kind::Text => "text",
        Kind::Line => "string",
        Kind::Integer => "integer",
        Kind::Boolean => "boolean",
        Kind::Choice(_) => "choice",
    };
    let mut q = json!({"linkId": link_id, "text": text, "type": ty});
    if repeats {
        q["repeats"] = json!(true);
    }
    if let Kind::Choice(cs) = kind {
        q["answerOption"] = cs
            .concepts()
            .into_iter()
            .map(|(code, _)| json!({"valueCoding": base.coding(cs, &code)}))
            .collect();
    }
    q
}

fn group(link_id: &str, text: &str, repeats: bool, items: Vec<Value>) -> Value {
    let mut g = json!({"linkId": link_id, "text": text, "type": "group", "item": items});
    if repeats {
        g["repeats"] = json!(true);
    }
    g
}

/// The canonical reference of the questionnaire, with its version.
pub fn canonical(base: &FhirBase) -> String {
    format!(
        "{}|{QUESTIONNAIRE_VERSION}",
        base.url(&format!("Questionnaire/{QUESTIONNAIRE_ID}"))
    )
}

/// The `Questionnaire` of the pre-visit form. Questions no longer asked (a retired
/// red-flag question) stay in it, so forms answered before still read against it.
pub fn questionnaire(base: &FhirBase) -> Value {
    let answer = Kind::Choice(OurCodeSystem::Answer);
    let mut items: Vec<Value> = PLAIN
        .iter()
        .map(|(id, text, kind, repeats)| question(base, id, text, *kind, *repeats))
        .collect();
    let mut conditions = Vec::new();
    for c in ConditionCode::ALL {
        conditions.push(question(
            base,
            &format!("conditions.{c}"),
            condition_question(*c),
            answer,
            false,
        ));
        conditions.push(question(
            base,
            &format!("condition_details.{c}"),
            "Details",
            Kind::Line,
            false,
        ));
    }
    items.push(group("conditions", "Your health", false, conditions));
    let red_flags = RedFlagCode::ALL
        .iter()
        .map(|r| {
            question(
                base,
                &format!("red_flags.{r}"),
                red_flag_question(*r),
                answer,
                false,
            )
        })
        .collect();
    items.push(group("red_flags", "Warning signs", false, red_flags));
    let line = |(id, text, kind): &(&str, &str, Kind)| question(base, id, text, *kind, false);
    items.push(group(
        "medications",
        "Medicines you take",
        true,
        MEDICATION.iter().map(line).collect(),
    ));
    items.push(group(
        "surgeries",
        "Operations you have had",
        true,
        SURGERY.iter().map(line).collect(),
    ));
    items.push(group(
        "contact",
        "Contact details",
        false,
        CONTACT
            .iter()
            .map(|(id, text)| question(base, id, text, Kind::Line, false))
            .collect(),
    ));
    json!({
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE_ID,
        "url": base.url(&format!("Questionnaire/{QUESTIONNAIRE_ID}")),
        "version": QUESTIONNAIRE_VERSION,
        "name": "PreVisitHealthHistory",
        "title": "Pre-visit health history",
        "status": "active",
        "subjectType": ["Patient"],
        "publisher": "clinic",
        "item": items,
    })
}

fn answered(link_id: &str, answers: Vec<Value>) -> Option<Value> {
    (!answers.is_empty()).then(|| json!({"linkId": link_id, "answer": answers}))
}

fn text(link_id: &str, v: &str) -> Option<Value> {
    let v = v.trim();
    answered(
        link_id,
        if v.is_empty() {
            vec![]
        } else {
            vec![json!({"valueString": v})]
        },
    )
}

fn integer(link_id: &str, v: Option<i64>) -> Option<Value> {
    answered(
        link_id,
        v.map(|n| json!({"valueInteger": n})).into_iter().collect(),
    )
}

fn boolean(link_id: &str, v: Option<bool>) -> Option<Value> {
    answered(
        link_id,
        v.map(|b| json!({"valueBoolean": b})).into_iter().collect(),
    )
}

fn codes<'a>(
    base: &FhirBase,
    link_id: &str,
    cs: OurCodeSystem,
    v: impl IntoIterator<Item = &'a str>,
) -> Option<Value> {
    answered(
        link_id,
        v.into_iter()
            .filter(|c| !c.is_empty())
            .map(|c| json!({"valueCoding": base.coding(cs, c)}))
            .collect(),
    )
}

fn with_items(link_id: &str, items: Vec<Option<Value>>) -> Option<Value> {
    let items: Vec<Value> = items.into_iter().flatten().collect();
    (!items.is_empty()).then(|| json!({"linkId": link_id, "item": items}))
}

/// A submitted form as a `QuestionnaireResponse`: every answer given, nothing for a
/// question left blank.
pub fn response(base: &FhirBase, form: &SubmittedForm) -> Value {
    let a = &form.answers;
    let mut items: Vec<Option<Value>> = vec![
        text("chief_complaint", &a.chief_complaint),
        text("onset", &a.onset),
        text("mechanism", &a.mechanism),
        integer("pain_now", a.pain_now),
        integer("pain_worst", a.pain_worst),
        codes(
            base,
            "pain_quality",
            OurCodeSystem::PainQuality,
            a.pain_quality.iter().map(String::as_str),
        ),
        codes(
            base,
            "pain_pattern",
            OurCodeSystem::PainPattern,
            [a.pain_pattern.as_str()],
        ),
        codes(
            base,
            "pain_regions",
            OurCodeSystem::PainArea,
            a.pain_regions.iter().map(String::as_str),
        ),
        boolean("radiates", a.radiates),
        text("radiation", &a.radiation),
        text("aggravating", &a.aggravating),
        text("relieving", &a.relieving),
        boolean("earlier_episodes", a.earlier_episodes),
        text("earlier_treatment", &a.earlier_treatment),
        text("goals", &a.goals),
        text("other_conditions", &a.other_conditions),
    ];
    let mut conditions = Vec::new();
    for (code, answer) in &a.conditions {
        conditions.push(codes(
            base,
            &format!("conditions.{code}"),
            OurCodeSystem::Answer,
            [answer.as_str()],
        ));
        if let Some(d) = a.condition_details.get(code) {
            conditions.push(text(&format!("condition_details.{code}"), d));
        }
    }
    items.push(with_items("conditions", conditions));
    let mut red = Vec::new();
    let mut codes_answered: Vec<&String> = a.red_flags.keys().collect();
    codes_answered.extend(a.red_flags_unsure.iter());
    codes_answered.sort();
    codes_answered.dedup();
    for code in codes_answered {
        let answer = if a.red_flags_unsure.contains(code) {
            "unsure"
        } else if a.red_flags.get(code) == Some(&true) {
            "yes"
        } else {
            "no"
        };
        red.push(codes(
            base,
            &format!("red_flags.{code}"),
            OurCodeSystem::Answer,
            [answer],
        ));
    }
    items.push(with_items("red_flags", red));
    for m in &a.medications {
        items.push(with_items(
            "medications",
            vec![
                text("medications.name", &m.name),
                text("medications.dose", &m.dose),
                text("medications.reason", &m.reason),
            ],
        ));
    }
    for s in &a.surgeries {
        items.push(with_items(
            "surgeries",
            vec![
                text("surgeries.procedure", &s.procedure),
                integer("surgeries.year", s.year),
            ],
        ));
    }
    items.push(with_items(
        "contact",
        vec![
            text("contact_phone", &a.contact_phone),
            text("contact_email", &a.contact_email),
            text("contact_address_line1", &a.contact_address_line1),
            text("contact_city", &a.contact_city),
            text("contact_postal_code", &a.contact_postal_code),
            text("contact_emergency_name", &a.contact_emergency_name),
            text("contact_emergency_phone", &a.contact_emergency_phone),
        ],
    ));
    let author = match &form.author {
        FormAuthor::Patient => reference("Patient", &form.patient_id),
        FormAuthor::Staff(id) => reference("Practitioner", id),
    };
    json!({
        "resourceType": "QuestionnaireResponse",
        "id": form.intake_id,
        "questionnaire": canonical(base),
        "status": "completed",
        "subject": reference("Patient", &form.patient_id),
        "authored": instant(form.submitted_at),
        "author": author,
        "source": reference("Patient", &form.patient_id),
        "item": items.into_iter().flatten().collect::<Vec<_>>(),
    })
}

/// What a response does not say the way the form could have.
#[derive(Debug, thiserror::Error)]
#[error("{link_id}: {problem}")]
pub struct ResponseError {
    pub link_id: String,
    pub problem: String,
}

fn bad(link_id: &str, problem: &str) -> ResponseError {
    ResponseError {
        link_id: link_id.to_owned(),
        problem: problem.to_owned(),
    }
}

fn first_answer<'a>(item: &'a Value, link_id: &str) -> Result<&'a Value, ResponseError> {
    item["answer"]
        .as_array()
        .and_then(|a| a.first())
        .ok_or_else(|| bad(link_id, "no answer"))
}

fn string_of(item: &Value, link_id: &str) -> Result<String, ResponseError> {
    first_answer(item, link_id)?["valueString"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| bad(link_id, "expected valueString"))
}

fn integer_of(item: &Value, link_id: &str) -> Result<i64, ResponseError> {
    first_answer(item, link_id)?["valueInteger"]
        .as_i64()
        .ok_or_else(|| bad(link_id, "expected valueInteger"))
}

fn boolean_of(item: &Value, link_id: &str) -> Result<bool, ResponseError> {
    first_answer(item, link_id)?["valueBoolean"]
        .as_bool()
        .ok_or_else(|| bad(link_id, "expected valueBoolean"))
}

fn codes_of(item: &Value, link_id: &str) -> Result<Vec<String>, ResponseError> {
    item["answer"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|a| {
            a["valueCoding"]["code"]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| bad(link_id, "expected valueCoding"))
        })
        .collect()
}

fn children(item: &Value) -> &[Value] {
    item["item"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// A `QuestionnaireResponse` of ours read back into the form's answers (the importer).
pub fn answers_of(response: &Value) -> Result<IntakeInput, ResponseError> {
    let mut a = IntakeInput::default();
    for item in response["item"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let id = item["linkId"].as_str().unwrap_or_default();
        match id {
            "chief_complaint" => a.chief_complaint = string_of(item, id)?,
            "onset" => a.onset = string_of(item, id)?,
            "mechanism" => a.mechanism = string_of(item, id)?,
            "pain_now" => a.pain_now = Some(integer_of(item, id)?),
            "pain_worst" => a.pain_worst = Some(integer_of(item, id)?),
            "pain_quality" => a.pain_quality = codes_of(item, id)?,
            "pain_pattern" => a.pain_pattern = codes_of(item, id)?.concat(),
            "pain_regions" => a.pain_regions = codes_of(item, id)?,
            "radiates" => a.radiates = Some(boolean_of(item, id)?),
            "radiation" => a.radiation = string_of(item, id)?,
            "aggravating" => a.aggravating = string_of(item, id)?,
            "relieving" => a.relieving = string_of(item, id)?,
            "earlier_episodes" => a.earlier_episodes = Some(boolean_of(item, id)?),
            "earlier_treatment" => a.earlier_treatment = string_of(item, id)?,
            "goals" => a.goals = string_of(item, id)?,
            "other_conditions" => a.other_conditions = string_of(item, id)?,
            "conditions" => read_conditions(children(item), &mut a)?,
            "red_flags" => read_red_flags(children(item), &mut a)?,
            "medications" => {
                let mut m = MedicationInput::default();
                for c in children(item) {
                    let cid = c["linkId"].as_str().unwrap_or_default();
                    match cid {
                        "medications.name" => m.name = string_of(c, cid)?,
                        "medications.dose" => m.dose = string_of(c, cid)?,
                        "medications.reason" => m.reason = string_of(c, cid)?,
                        other => return Err(bad(other, "not a question of the form")),
                    }
                }
                a.medications.push(m);
            }
            "surgeries" => {
                let mut s = SurgeryInput::default();
                for c in children(item) {
                    let cid = c["linkId"].as_str().unwrap_or_default();
                    match cid {
                        "surgeries.procedure" => s.procedure = string_of(c, cid)?,
                        "surgeries.year" => s.year = Some(integer_of(c, cid)?),
                        other => return Err(bad(other, "not a question of the form")),
                    }
                }
                a.surgeries.push(s);
            }
            "contact" => {
                for c in children(item) {
                    let cid = c["linkId"].as_str().unwrap_or_default();
                    let v = string_of(c, cid)?;
                    match cid {
                        "contact_phone" => a.contact_phone = v,
                        "contact_email" => a.contact_email = v,
                        "contact_address_line1" => a.contact_address_line1 = v,
                        "contact_city" => a.contact_city = v,
                        "contact_postal_code" => a.contact_postal_code = v,
                        "contact_emergency_name" => a.contact_emergency_name = v,
                        "contact_emergency_phone" => a.contact_emergency_phone = v,
                        other => return Err(bad(other, "not a question of the form")),
                    }
                }
            }
            other => return Err(bad(other, "not a question of the form")),
        }
    }
    Ok(a)
}

fn read_conditions(items: &[Value], a: &mut IntakeInput) -> Result<(), ResponseError> {
    let mut conditions = BTreeMap::new();
    for c in items {
        let cid = c["linkId"].as_str().unwrap_or_default();
        if let Some(code) = cid.strip_prefix("conditions.") {
            conditions.insert(code.to_owned(), codes_of(c, cid)?.concat());
        } else if let Some(code) = cid.strip_prefix("condition_details.") {
            a.condition_details
                .insert(code.to_owned(), string_of(c, cid)?);
        } else {
            return Err(bad(cid, "not a question of the form"));
        }
    }
    a.conditions = conditions;
    Ok(())
}

fn read_red_flags(items: &[Value], a: &mut IntakeInput) -> Result<(), ResponseError> {
    for c in items {
        let cid = c["linkId"].as_str().unwrap_or_default();
        let code = cid
            .strip_prefix("red_flags.")
            .ok_or_else(|| bad(cid, "not a question of the form"))?;
        match codes_of(c, cid)?.concat().as_str() {
            "yes" => {
                a.red_flags.insert(code.to_owned(), true);
            }
            "no" => {
                a.red_flags.insert(code.to_owned(), false);
            }
            "unsure" => a.red_flags_unsure.push(code.to_owned()),
            _ => return Err(bad(cid, "expected yes, no or unsure")),
        }
    }
    Ok(())
}
