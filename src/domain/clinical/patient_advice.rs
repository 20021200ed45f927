//! What the patient reads right after submitting the pre-visit form, when an answer
//! raised an emergency or urgent flag: plain words, never a flag code, nothing about
//! any other answer.
//!
//! The reasons are keyed by the flag's text code rather than [`super::RedFlagCode`]:
//! the rules may raise codes that are not questions (a combination such as
//! `cervical_artery_signs`), and a code this table does not know still gets the
//! generic sentence, so a new emergency rule can never leave the page silent.

use super::FlagLevel;
use super::review::ReviewUrgency;

const CAUDA_EQUINA: &str = "New trouble with your bladder or bowel, or numbness around your groin, genitals or buttocks, can be a sign of pressure on the nerves at the base of the spine (cauda equina syndrome), which needs to be seen by a doctor today.";
const SUDDEN_HEADACHE: &str = "A sudden, severe headache unlike any you have had before can be a sign of a serious problem inside the head, which needs to be checked by a doctor straight away.";
const NECK_ARTERY: &str = "Dizziness, changes in your vision, trouble speaking or swallowing, or sudden falls together with neck pain or a headache can be signs of a problem with the arteries in the neck, which needs to be checked by a doctor straight away.";
const ANYTHING_ELSE: &str = "Something you told us needs to be checked by a doctor straight away.";

/// Why an emergency flag sends the patient to emergency care, in the patient's words.
pub fn emergency_reason(code: &str) -> &'static str {
    match code {
        // `bilateral_leg_symptoms` is an emergency only together with one of the other two.
        "bladder_bowel_change" | "saddle_numbness" | "bilateral_leg_symptoms" => CAUDA_EQUINA,
        "sudden_severe_headache" => SUDDEN_HEADACHE,
        "cervical_artery_signs" | "neck_dizziness_vision_speech" => NECK_ARTERY,
        _ => ANYTHING_ELSE,
    }
}

/// What the thank-you page says about what happens next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PatientAdvice {
    /// Seek emergency care now, with each reason once.
    SeekEmergencyCare(Vec<&'static str>),
    /// "We will call you today", and nothing more alarming.
    CallToday,
    /// The usual next steps.
    Routine,
}

impl PatientAdvice {
    /// The advice for the flags one form raised, as (code, level) pairs.
    pub fn for_flags<'a>(flags: impl IntoIterator<Item = (&'a str, FlagLevel)>) -> Self {
        let flags: Vec<(&str, FlagLevel)> = flags.into_iter().collect();
        match ReviewUrgency::most_pressing(flags.iter().map(|(_, l)| *l)) {
            Some(ReviewUrgency::Now) => {
                let mut reasons: Vec<&'static str> = Vec::new();
                for (code, _) in flags.iter().filter(|(_, l)| *l == FlagLevel::Emergency) {
                    let r = emergency_reason(code);
                    if !reasons.contains(&r) {
                        reasons.push(r);
                    }
                }
                PatientAdvice::SeekEmergencyCare(reasons)
            }
            Some(ReviewUrgency::Today) => PatientAdvice::CallToday,
            None => PatientAdvice::Routine,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use FlagLevel::*;

    #[test]
    fn each_emergency_code_has_its_reason_and_unknown_ones_the_generic_sentence() {
        let cases = [
            ("bladder_bowel_change", CAUDA_EQUINA),
            ("saddle_numbness", CAUDA_EQUINA),
            ("bilateral_leg_symptoms", CAUDA_EQUINA),
            ("sudden_severe_headache", SUDDEN_HEADACHE),
            ("cervical_artery_signs", NECK_ARTERY),
            ("neck_dizziness_vision_speech", NECK_ARTERY),
            ("a_rule_added_next_year", ANYTHING_ELSE),
        ];
        for (code, want) in cases {
            assert_eq!(emergency_reason(code), want, "{code}");
        }
    }

    #[test]
    fn the_most_severe_flag_decides_and_reasons_appear_once() {
        let cases: &[(&[(&str, FlagLevel)], PatientAdvice)] = &[
            (&[], PatientAdvice::Routine),
            (
                &[("osteoporosis", Absolute), ("anticoagulants", Relative)],
                PatientAdvice::Routine,
            ),
            (
                &[("fever_chills", Urgent), ("osteoporosis", Absolute)],
                PatientAdvice::CallToday,
            ),
            (
                &[
                    ("fever_chills", Urgent),
                    ("bladder_bowel_change", Emergency),
                    ("saddle_numbness", Emergency),
                    ("sudden_severe_headache", Emergency),
                ],
                PatientAdvice::SeekEmergencyCare(vec![CAUDA_EQUINA, SUDDEN_HEADACHE]),
            ),
        ];
        for (flags, want) in cases {
            assert_eq!(
                PatientAdvice::for_flags(flags.iter().copied()),
                *want,
                "{flags:?}"
            );
        }
    }

    #[test]
    fn no_sentence_shows_a_code() {
        for s in [CAUDA_EQUINA, SUDDEN_HEADACHE, NECK_ARTERY, ANYTHING_ELSE] {
            assert!(!s.contains('_'), "{s}");
        }
    }
}
