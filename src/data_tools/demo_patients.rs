//! The demo clinic's patients: who they are and what their paper intakes say. Each
//! intake is written to raise particular flags through the rules engine: an emergency
//! (saddle numbness), an urgent one (a fall at 70 with osteoporosis), blood thinners, a
//! pregnancy, a recent knock without fracture risk, and a clean history.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use super::synthetic::ascii_letters;
use crate::domain::clinical::{ConditionCode, RedFlagCode};
use crate::domain::intake::{IntakeInput, MedicationInput};
use crate::domain::patient::PatientInput;

/// A birth date giving `age` in years on `today` (born early in the year).
fn born_aged(today: NaiveDate, age: i32) -> String {
    let year = today.year() - age - i32::from(today.ordinal() <= 20);
    format!("{year}-01-10")
}

pub struct DemoPatientSpec {
    pub input: PatientInput,
    pub intake: Option<IntakeInput>,
    pub consent: bool,
}

fn person(
    given: &str,
    family: &str,
    born: &str,
    sex: &str,
    phone_line: u32,
    city: &str,
    occupation: &str,
) -> PatientInput {
    let email_local = ascii_letters(given);
    PatientInput {
        given_name: given.into(),
        family_name: family.into(),
        date_of_birth: born.into(),
        sex: sex.into(),
        // 555-01xx numbers are reserved for fiction in North America.
        phone: format!("(514) 555-{phone_line:04}"),
        email: format!("{email_local}.{}@example.org", ascii_letters(family)),
        city: city.into(),
        province: "QC".into(),
        occupation: occupation.into(),
        ..Default::default()
    }
}

/// A demo paper form as a careful front desk enters it: every question answered, "no"
/// unless the demo says otherwise (a question left out would count as not answered).
pub fn every_question_answered(intake: &IntakeInput) -> IntakeInput {
    let mut i = intake.clone();
    for c in ConditionCode::ALL {
        i.conditions
            .entry(c.as_str().to_owned())
            .or_insert_with(|| "no".to_owned());
    }
    for r in RedFlagCode::ASKED {
        i.red_flags.entry(r.as_str().to_owned()).or_insert(false);
    }
    i
}

fn yes(codes: &[&str]) -> BTreeMap<String, String> {
    codes
        .iter()
        .map(|c| ((*c).to_owned(), "yes".to_owned()))
        .collect()
}

fn red_flags(codes: &[&str]) -> BTreeMap<String, bool> {
    codes.iter().map(|c| ((*c).to_owned(), true)).collect()
}

pub fn patients_to_load(today: NaiveDate) -> Vec<DemoPatientSpec> {
    let plain = |input: PatientInput| DemoPatientSpec {
        input,
        intake: None,
        consent: false,
    };
    vec![
        DemoPatientSpec {
            input: PatientInput {
                address_line1: "4820 rue Saint-Denis".into(),
                postal_code: "H2J 2L6".into(),
                emergency_contact_name: "Marc Dupré".into(),
                emergency_contact_phone: "(514) 555-0199".into(),
                emergency_contact_relationship: "Brother".into(),
                ..person(
                    "Élodie",
                    "Dupré",
                    "1984-06-12",
                    "female",
                    101,
                    "Montréal",
                    "Violinist",
                )
            },
            intake: Some(IntakeInput {
                chief_complaint: "Neck and shoulder stiffness after long rehearsals".into(),
                onset: "Three weeks ago, gradually".into(),
                pain_now: Some(3),
                pain_worst: Some(5),
                pain_quality: vec!["aching".into(), "stiffness".into()],
                pain_pattern: "intermittent".into(),
                pain_regions: vec!["neck".into(), "right_shoulder".into()],
                aggravating: "Playing for more than an hour".into(),
                relieving: "Heat, stretching".into(),
                earlier_episodes: Some(true),
                goals: "Play the spring concert season without pain".into(),
                ..Default::default()
            }),
            consent: true,
        },
        plain(person(
            "Søren",
            "Kierkegaard-Holm",
            "1979-03-02",
            "male",
            102,
            "Montréal",
            "Architect",
        )),
        DemoPatientSpec {
            input: PatientInput {
                preferred_name: "Peggy".into(),
                emergency_contact_name: "Siobhán O'Brien".into(),
                emergency_contact_phone: "(514) 555-0198".into(),
                emergency_contact_relationship: "Daughter".into(),
                ..person(
                    "Margaret",
                    "O'Brien",
                    &born_aged(today, 70),
                    "female",
                    103,
                    "Laval",
                    "Retired",
                )
            },
            intake: Some(IntakeInput {
                chief_complaint: "Mid-back pain since a fall on the ice".into(),
                onset: "Two weeks ago".into(),
                mechanism: "Slipped on the front steps and landed on her back".into(),
                pain_now: Some(6),
                pain_worst: Some(8),
                pain_quality: vec!["sharp".into()],
                pain_pattern: "constant".into(),
                pain_regions: vec!["mid_back".into()],
                earlier_episodes: Some(false),
                conditions: yes(&["osteoporosis"]),
                red_flags: red_flags(&["recent_trauma"]),
                medications: vec![MedicationInput {
                    name: "Alendronate".into(),
                    dose: "70 mg weekly".into(),
                    reason: "Osteoporosis".into(),
                }],
                ..Default::default()
            }),
            consent: true,
        },
        DemoPatientSpec {
            input: person(
                "Jean-François",
                "Lévesque-Tremblay",
                "1968-11-23",
                "male",
                104,
                "Longueuil",
                "Truck driver",
            ),
            intake: Some(IntakeInput {
                chief_complaint: "Low back pain going down both legs".into(),
                onset: "Five days ago, after lifting a pallet".into(),
                pain_now: Some(7),
                pain_worst: Some(9),
                pain_quality: vec!["shooting".into(), "numbness".into()],
                pain_pattern: "constant".into(),
                radiates: Some(true),
                radiation: "Both buttocks and the back of both thighs".into(),
                pain_regions: vec!["lower_back".into()],
                earlier_episodes: Some(true),
                red_flags: red_flags(&["saddle_numbness"]),
                ..Default::default()
            }),
            consent: false,
        },
        DemoPatientSpec {
            input: person(
                "Ana María",
                "de la Cruz",
                "1957-04-30",
                "female",
                105,
                "Montréal",
                "Retired",
            ),
            intake: Some(IntakeInput {
                chief_complaint: "Right hip and low back ache".into(),
                pain_now: Some(4),
                pain_worst: Some(6),
                pain_regions: vec!["lower_back".into(), "right_hip".into()],
                earlier_episodes: Some(true),
                conditions: yes(&["anticoagulants"]),
                condition_details: [("anticoagulants".to_owned(), "Apixaban".to_owned())].into(),
                medications: vec![MedicationInput {
                    name: "Apixaban".into(),
                    dose: "5 mg twice a day".into(),
                    reason: "Atrial fibrillation".into(),
                }],
                ..Default::default()
            }),
            consent: true,
        },
        DemoPatientSpec {
            input: person(
                "Chiamaka",
                "Okafor",
                "1993-08-14",
                "female",
                106,
                "Montréal",
                "Nurse",
            ),
            intake: Some(IntakeInput {
                chief_complaint: "Pelvic girdle and low back pain, 24 weeks pregnant".into(),
                pain_now: Some(5),
                pain_worst: Some(7),
                pain_regions: vec!["lower_back".into(), "left_hip".into()],
                earlier_episodes: Some(false),
                conditions: yes(&["pregnancy"]),
                ..Default::default()
            }),
            consent: true,
        },
        DemoPatientSpec {
            input: person(
                "Björn",
                "Åberg",
                "1988-02-17",
                "male",
                107,
                "Québec",
                "Hockey coach",
            ),
            intake: Some(IntakeInput {
                chief_complaint: "Sore neck after a check into the boards".into(),
                onset: "Ten days ago".into(),
                mechanism: "Hit from behind during a practice".into(),
                pain_now: Some(4),
                pain_worst: Some(6),
                pain_regions: vec!["neck".into()],
                earlier_episodes: Some(true),
                red_flags: red_flags(&["recent_trauma"]),
                ..Default::default()
            }),
            consent: false,
        },
        plain(person(
            "Łukasz",
            "Wiśniewski",
            "1990-09-05",
            "male",
            108,
            "Gatineau",
            "Software developer",
        )),
        plain(person(
            "Thảo",
            "Nguyễn",
            "2001-12-01",
            "female",
            109,
            "Montréal",
            "Student",
        )),
        plain(PatientInput {
            email: String::new(),
            emergency_contact_name: "Katrin Müller-Schmidt".into(),
            emergency_contact_phone: "(514) 555-0110".into(),
            emergency_contact_relationship: "Mother".into(),
            ..person(
                "Zoë",
                "Müller-Schmidt",
                "2015-05-21",
                "female",
                110,
                "Montréal",
                "",
            )
        }),
        plain(person(
            "Seán",
            "Ó Súilleabháin",
            "1945-07-04",
            "male",
            111,
            "Sherbrooke",
            "Retired",
        )),
        plain(person(
            "Aisha",
            "Al-Hassan",
            "1999-01-28",
            "female",
            112,
            "Laval",
            "Pharmacist",
        )),
    ]
}
