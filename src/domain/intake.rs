//! The pre-visit health history: typed answers parsed from the patient's form, a staff
//! member's paper entry or JSON, with an error per field for anything out of range or
//! unknown.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::FieldErrors;
use super::clinical::facts::ClinicalFacts;
use super::clinical::{Answer, ConditionCode, RedFlagCode};
use super::free_text::{self, Lines};
use super::vocabulary::code_list;

code_list!(
    /// Areas of the pain diagram (front and back views).
    PainArea {
        Head = "head": "Head",
        Jaw = "jaw": "Jaw",
        Neck = "neck": "Neck",
        LeftShoulder = "left_shoulder": "Left shoulder",
        RightShoulder = "right_shoulder": "Right shoulder",
        Chest = "chest": "Chest",
        UpperBack = "upper_back": "Upper back",
        MidBack = "mid_back": "Middle back",
        LowerBack = "lower_back": "Lower back",
        Abdomen = "abdomen": "Belly",
        LeftArm = "left_arm": "Left arm",
        RightArm = "right_arm": "Right arm",
        LeftHand = "left_hand": "Left hand or wrist",
        RightHand = "right_hand": "Right hand or wrist",
        LeftHip = "left_hip": "Left hip",
        RightHip = "right_hip": "Right hip",
        Buttocks = "buttocks": "Buttocks",
        LeftThigh = "left_thigh": "Left thigh",
        RightThigh = "right_thigh": "Right thigh",
        LeftKnee = "left_knee": "Left knee",
        RightKnee = "right_knee": "Right knee",
        LeftLowerLeg = "left_lower_leg": "Left lower leg",
        RightLowerLeg = "right_lower_leg": "Right lower leg",
        LeftFoot = "left_foot": "Left foot or ankle",
        RightFoot = "right_foot": "Right foot or ankle",
    }
);

code_list!(
    /// How the pain feels.
    PainQuality {
        Aching = "aching": "Aching",
        Sharp = "sharp": "Sharp",
        Burning = "burning": "Burning",
        Stabbing = "stabbing": "Stabbing",
        Throbbing = "throbbing": "Throbbing",
        Shooting = "shooting": "Shooting",
        Tingling = "tingling": "Pins and needles",
        Numbness = "numbness": "Numb",
        Stiffness = "stiffness": "Stiff",
    }
);

code_list!(
    PainPattern {
        Constant = "constant": "Constant",
        Intermittent = "intermittent": "Comes and goes",
    }
);

#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct MedicationInput {
    pub name: String,
    pub dose: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct SurgeryInput {
    pub procedure: String,
    pub year: Option<i64>,
}

/// The history as sent (JSON from staff, or assembled from the form's fields).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct IntakeInput {
    pub chief_complaint: String,
    pub onset: String,
    pub mechanism: String,
    pub pain_now: Option<i64>,
    pub pain_worst: Option<i64>,
    pub pain_quality: Vec<String>,
    pub pain_pattern: String,
    pub radiates: Option<bool>,
    pub radiation: String,
    pub aggravating: String,
    pub relieving: String,
    pub earlier_episodes: Option<bool>,
    pub earlier_treatment: String,
    pub goals: String,
    pub other_conditions: String,
    pub pain_regions: Vec<String>,
    pub conditions: BTreeMap<String, String>,
    pub condition_details: BTreeMap<String, String>,
    /// Red-flag questions answered yes (`true`) or no (`false`).
    pub red_flags: BTreeMap<String, bool>,
    /// Red-flag questions answered "not sure" (counted as yes, as for conditions). A code
    /// here wins over the same code in `red_flags`.
    pub red_flags_unsure: Vec<String>,
    pub medications: Vec<MedicationInput>,
    pub surgeries: Vec<SurgeryInput>,
    pub contact_phone: String,
    pub contact_email: String,
    pub contact_address_line1: String,
    pub contact_city: String,
    pub contact_postal_code: String,
    pub contact_emergency_name: String,
    pub contact_emergency_phone: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Medication {
    pub name: String,
    pub dose: Option<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Surgery {
    pub procedure: String,
    pub year: Option<i32>,
}

/// The history after parsing: every code known, every number in range.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IntakeAnswers {
    pub chief_complaint: Option<String>,
    pub onset: Option<String>,
    pub mechanism: Option<String>,
    pub pain_now: Option<i32>,
    pub pain_worst: Option<i32>,
    pub pain_quality: Vec<PainQuality>,
    pub pain_pattern: Option<PainPattern>,
    pub radiates: Option<bool>,
    pub radiation: Option<String>,
    pub aggravating: Option<String>,
    pub relieving: Option<String>,
    pub earlier_episodes: Option<bool>,
    pub earlier_treatment: Option<String>,
    pub goals: Option<String>,
    pub other_conditions: Option<String>,
    pub pain_regions: Vec<PainArea>,
    pub conditions: BTreeMap<ConditionCode, (Answer, Option<String>)>,
    pub red_flags: BTreeMap<RedFlagCode, Answer>,
    pub medications: Vec<Medication>,
    pub surgeries: Vec<Surgery>,
    pub contact: ContactUpdate,
}

/// Contact details the patient confirmed or corrected; empty fields change nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactUpdate {
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address_line1: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub emergency_name: Option<String>,
    pub emergency_phone: Option<String>,
}

fn opt_text(e: &mut FieldErrors, field: &str, raw: &str, max: usize) -> Option<String> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    if t.chars().count() > max {
        e.add(field, format!("Use at most {max} characters."));
        return None;
    }
    if let Err(m) = free_text::check(t, Lines::Many) {
        e.add(field, m);
        return None;
    }
    Some(t.to_owned())
}

fn pain(e: &mut FieldErrors, field: &str, v: Option<i64>) -> Option<i32> {
    match v {
        Some(n @ 0..=10) => Some(n as i32),
        Some(_) => {
            e.add(
                field,
                "Choose a number from 0 (no pain) to 10 (worst imaginable).",
            );
            None
        }
        None => None,
    }
}

impl IntakeAnswers {
    /// Parses a history. `this_year` bounds surgery years.
    pub fn parse(input: &IntakeInput, this_year: i32) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let mut a = IntakeAnswers {
            chief_complaint: opt_text(&mut e, "chief_complaint", &input.chief_complaint, 2000),
            onset: opt_text(&mut e, "onset", &input.onset, 500),
            mechanism: opt_text(&mut e, "mechanism", &input.mechanism, 2000),
            pain_now: pain(&mut e, "pain_now", input.pain_now),
            pain_worst: pain(&mut e, "pain_worst", input.pain_worst),
            radiates: input.radiates,
            radiation: opt_text(&mut e, "radiation", &input.radiation, 1000),
            aggravating: opt_text(&mut e, "aggravating", &input.aggravating, 1000),
            relieving: opt_text(&mut e, "relieving", &input.relieving, 1000),
            earlier_episodes: input.earlier_episodes,
            earlier_treatment: opt_text(
                &mut e,
                "earlier_treatment",
                &input.earlier_treatment,
                2000,
            ),
            goals: opt_text(&mut e, "goals", &input.goals, 2000),
            other_conditions: opt_text(&mut e, "other_conditions", &input.other_conditions, 2000),
            ..Default::default()
        };
        if let (Some(now), Some(worst)) = (a.pain_now, a.pain_worst)
            && worst < now
        {
            e.add(
                "pain_worst",
                "The worst pain cannot be lower than the pain now.",
            );
        }
        for q in &input.pain_quality {
            match PainQuality::parse(q) {
                Some(v) if !a.pain_quality.contains(&v) => a.pain_quality.push(v),
                Some(_) => {}
                None => e.add("pain_quality", format!("Unknown pain quality {q:?}.")),
            }
        }
        a.pain_pattern = match input.pain_pattern.trim() {
            "" => None,
            raw => {
                let p = PainPattern::parse(raw);
                if p.is_none() {
                    e.add("pain_pattern", "Choose constant or intermittent.");
                }
                p
            }
        };
        for r in &input.pain_regions {
            match PainArea::parse(r) {
                Some(v) if !a.pain_regions.contains(&v) => a.pain_regions.push(v),
                Some(_) => {}
                None => e.add("pain_regions", format!("Unknown body area {r:?}.")),
            }
        }
        for (code, answer) in &input.conditions {
            let field = format!("conditions.{code}");
            match (ConditionCode::parse(code), Answer::parse(answer.trim())) {
                (Some(c), Some(ans)) => {
                    let details = input
                        .condition_details
                        .get(code)
                        .and_then(|d| opt_text(&mut e, &field, d, 500));
                    a.conditions.insert(c, (ans, details));
                }
                (None, _) => e.add(&field, "Unknown condition code."),
                (_, None) => e.add(&field, "Answer yes, no or unsure."),
            }
        }
        for code in input.condition_details.keys() {
            if ConditionCode::parse(code).is_none() {
                e.add(
                    &format!("condition_details.{code}"),
                    "Unknown condition code.",
                );
            }
        }
        for (code, present) in &input.red_flags {
            match RedFlagCode::parse(code) {
                Some(r) => {
                    a.red_flags
                        .insert(r, if *present { Answer::Yes } else { Answer::No });
                }
                None => e.add(&format!("red_flags.{code}"), "Unknown red-flag code."),
            }
        }
        for code in &input.red_flags_unsure {
            match RedFlagCode::parse(code) {
                Some(r) => {
                    a.red_flags.insert(r, Answer::Unsure);
                }
                None => e.add(&format!("red_flags.{code}"), "Unknown red-flag code."),
            }
        }
        if input.medications.len() > 50 {
            e.add("medications", "At most 50 medications.");
        }
        for (i, m) in input.medications.iter().enumerate() {
            let field = format!("medications.{i}.name");
            match opt_text(&mut e, &field, &m.name, 200) {
                Some(name) => a.medications.push(Medication {
                    name,
                    dose: opt_text(&mut e, &format!("medications.{i}.dose"), &m.dose, 200),
                    reason: opt_text(&mut e, &format!("medications.{i}.reason"), &m.reason, 200),
                }),
                None if !m.dose.trim().is_empty() || !m.reason.trim().is_empty() => {
                    e.add(&field, "Name the medication.");
                }
                None => {}
            }
        }
        if input.surgeries.len() > 50 {
            e.add("surgeries", "At most 50 operations.");
        }
        for (i, s) in input.surgeries.iter().enumerate() {
            let field = format!("surgeries.{i}.procedure");
            let year = match s.year {
                Some(y) if (1900..=i64::from(this_year)).contains(&y) => Some(y as i32),
                Some(_) => {
                    e.add(
                        &format!("surgeries.{i}.year"),
                        format!("Enter a year from 1900 to {this_year}."),
                    );
                    None
                }
                None => None,
            };
            match opt_text(&mut e, &field, &s.procedure, 200) {
                Some(procedure) => a.surgeries.push(Surgery { procedure, year }),
                None if s.year.is_some() => e.add(&field, "Name the operation."),
                None => {}
            }
        }
        a.contact = ContactUpdate {
            phone: e
                .check(
                    "contact_phone",
                    super::patient::parse_phone(&input.contact_phone),
                )
                .flatten(),
            email: if input.contact_email.trim().is_empty() {
                None
            } else {
                e.check(
                    "contact_email",
                    super::EmailAddress::parse(&input.contact_email),
                )
                .map(|m| m.as_str().to_owned())
            },
            address_line1: opt_text(
                &mut e,
                "contact_address_line1",
                &input.contact_address_line1,
                200,
            ),
            city: opt_text(&mut e, "contact_city", &input.contact_city, 100),
            postal_code: opt_text(
                &mut e,
                "contact_postal_code",
                &input.contact_postal_code,
                20,
            ),
            emergency_name: opt_text(
                &mut e,
                "contact_emergency_name",
                &input.contact_emergency_name,
                100,
            ),
            emergency_phone: e
                .check(
                    "contact_emergency_phone",
                    super::patient::parse_phone(&input.contact_emergency_phone),
                )
                .flatten(),
        };
        e.into_result().map(|()| a)
    }

    /// The facts the flags engine reads: see [`super::clinical::intake_facts`].
    pub fn facts(&self, age: Option<u32>) -> ClinicalFacts {
        super::clinical::intake_facts::from_intake(self, age)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_and_unknown_codes_are_field_errors() {
        let input = IntakeInput {
            pain_now: Some(11),
            pain_worst: Some(-1),
            pain_quality: vec!["sharp".into(), "fizzy".into()],
            pain_regions: vec!["lower_back".into(), "tail".into()],
            conditions: [
                ("osteoporosis".to_owned(), "maybe".to_owned()),
                ("gout".to_owned(), "yes".to_owned()),
            ]
            .into(),
            red_flags: [("saddle_numbness".to_owned(), true), ("x".to_owned(), true)].into(),
            surgeries: vec![SurgeryInput {
                procedure: "L4 fusion".into(),
                year: Some(2099),
            }],
            ..Default::default()
        };
        let e = IntakeAnswers::parse(&input, 2026).unwrap_err();
        for field in [
            "pain_now",
            "pain_worst",
            "pain_quality",
            "pain_regions",
            "conditions.osteoporosis",
            "conditions.gout",
            "red_flags.x",
            "surgeries.0.year",
        ] {
            assert!(e.get(field).is_some(), "{field}: {e:?}");
        }
    }

    #[test]
    fn a_good_history_parses() {
        let input = IntakeInput {
            chief_complaint: "Low back pain".into(),
            pain_now: Some(4),
            pain_worst: Some(8),
            earlier_episodes: Some(false),
            conditions: [("osteoporosis".to_owned(), "unsure".to_owned())].into(),
            red_flags: [("saddle_numbness".to_owned(), false)].into(),
            ..Default::default()
        };
        let a = IntakeAnswers::parse(&input, 2026).unwrap();
        let f = a.facts(Some(60));
        assert_eq!(f.first_episode, Some(true));
        use crate::domain::clinical::facts::Fact;
        let e = f
            .evidence(Fact::Condition(ConditionCode::Osteoporosis))
            .unwrap();
        assert_eq!(e[0].text, "Answered not sure on the form");
        // Not answered counts too, and says so.
        let e = f.evidence(Fact::Condition(ConditionCode::Cancer)).unwrap();
        assert_eq!(e[0].basis, crate::domain::clinical::FlagBasis::NotAnswered);
        assert!(!f.holds(Fact::RedFlag(RedFlagCode::SaddleNumbness)));
    }
}
