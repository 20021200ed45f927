//! The facts a submitted history establishes: every condition and red-flag question
//! (answered yes or not sure, or not answered at all, which part A's fail-safe
//! principle counts as not sure), the medicines and operations listed and the free text,
//! through the shipped lists, and what the pain diagram and pattern show.

use super::codes::{Answer, ConditionCode, FlagBasis, RedFlagCode};
use super::facts::{ClinicalFacts, Evidence, Fact, Finding};
use super::term_lists::Implies;
use super::term_match::{self, TermMatch};
use crate::domain::intake::{IntakeAnswers, PainArea, PainPattern, PainQuality};

/// The 5D/3N signs that were one question (`neck_dizziness_vision_speech`) before they
/// had a question each: a history that answered the old question was not asked these.
const SPLIT_ARTERY_SIGNS: &[RedFlagCode] = &[
    RedFlagCode::NeckDizziness,
    RedFlagCode::DoubleVision,
    RedFlagCode::SpeechTrouble,
    RedFlagCode::SwallowingTrouble,
    RedFlagCode::DropAttacks,
    RedFlagCode::UnsteadyWalking,
    RedFlagCode::Nausea,
    RedFlagCode::FaceNumbness,
];

const LIMBS: &[PainArea] = &[
    PainArea::LeftArm,
    PainArea::RightArm,
    PainArea::LeftHand,
    PainArea::RightHand,
    PainArea::LeftThigh,
    PainArea::RightThigh,
    PainArea::LeftKnee,
    PainArea::RightKnee,
    PainArea::LeftLowerLeg,
    PainArea::RightLowerLeg,
    PainArea::LeftFoot,
    PainArea::RightFoot,
];

/// Adds what a list or free text implies, with its evidence.
pub fn add_implied(
    facts: &mut ClinicalFacts,
    found: Vec<TermMatch>,
    basis: FlagBasis,
    label: &str,
) {
    for m in found {
        let evidence = Evidence::new(basis, format!("{label}: {}", m.text)).at(&m.regions);
        let fact = match m.implies {
            Implies::Condition(c) => Fact::Condition(c),
            Implies::RedFlag(r) => Fact::RedFlag(r),
        };
        facts.add(fact, evidence);
    }
}

pub fn from_intake(a: &IntakeAnswers, age: Option<u32>) -> ClinicalFacts {
    let mut f = ClinicalFacts::with_age(age);
    f.first_episode = a.earlier_episodes.map(|earlier| !earlier);
    for c in ConditionCode::ALL {
        if let Some(e) = Evidence::answer(a.conditions.get(c).map(|(answer, _)| *answer)) {
            f.condition(*c, e);
        }
    }
    let asked_as_one = a
        .red_flags
        .contains_key(&RedFlagCode::NeckDizzinessVisionSpeech);
    for r in RedFlagCode::ALL {
        match a.red_flags.get(r) {
            // Yes and not sure count, as for conditions.
            Some(answer) => {
                if let Some(e) = Evidence::answer(Some(*answer)) {
                    f.red_flag(*r, e);
                }
            }
            None if r.is_retired() || (asked_as_one && SPLIT_ARTERY_SIGNS.contains(r)) => {}
            None => {
                if let Some(e) = Evidence::answer(None) {
                    f.red_flag(*r, e);
                }
            }
        }
    }
    for m in &a.medications {
        add_implied(
            &mut f,
            term_match::medicine(&m.name),
            FlagBasis::MedicineList,
            "Medicine list",
        );
        if let Some(reason) = &m.reason {
            add_implied(
                &mut f,
                term_match::free_text(reason),
                FlagBasis::FreeText,
                "Reason for a medicine",
            );
        }
    }
    for s in &a.surgeries {
        add_implied(
            &mut f,
            term_match::operation(&s.procedure),
            FlagBasis::OperationsList,
            "Operations list",
        );
    }
    if let Some(text) = &a.other_conditions {
        add_implied(
            &mut f,
            term_match::free_text(text),
            FlagBasis::FreeText,
            "Other conditions",
        );
    }
    derived_findings(a, &mut f);
    f
}

/// Findings the shape of the history shows: pins and needles in a limb (a Canadian
/// C-spine high-risk factor after trauma), thoracic or constant severe pain (NICE
/// NG234's pain suggestive of spinal metastases).
fn derived_findings(a: &IntakeAnswers, f: &mut ClinicalFacts) {
    let paraesthesia = a
        .pain_quality
        .iter()
        .any(|q| matches!(q, PainQuality::Tingling | PainQuality::Numbness));
    if paraesthesia && a.pain_regions.iter().any(|r| LIMBS.contains(r)) {
        f.finding(
            Finding::LimbParaesthesia,
            Evidence::new(
                FlagBasis::FormAnswer,
                "Pins and needles or numbness, with arms or legs marked on the pain diagram",
            ),
        );
    }
    if matches!(
        a.red_flags.get(&RedFlagCode::BilateralLegSymptoms),
        Some(Answer::Yes | Answer::Unsure)
    ) {
        f.finding(
            Finding::LimbParaesthesia,
            Evidence::new(
                FlagBasis::FormAnswer,
                "Pain, numbness or tingling in both legs",
            ),
        );
    }
    if a.pain_regions
        .iter()
        .any(|r| matches!(r, PainArea::UpperBack | PainArea::MidBack))
    {
        f.finding(
            Finding::ThoracicPain,
            Evidence::new(
                FlagBasis::FormAnswer,
                "Upper or middle back marked on the pain diagram",
            ),
        );
    }
    if a.pain_pattern == Some(PainPattern::Constant) && a.pain_now.is_some_and(|n| n >= 7) {
        f.finding(
            Finding::UnremittingPain,
            Evidence::new(
                FlagBasis::FormAnswer,
                format!("Constant pain, {}/10 now", a.pain_now.unwrap_or_default()),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::clinical::FlagBasis;
    use crate::domain::clinical::flags_engine::evaluate;
    use crate::domain::clinical::{ConditionCode, RedFlagCode};
    use crate::domain::intake::{IntakeAnswers, IntakeInput, MedicationInput, SurgeryInput};

    /// A history answering every question "no", with `f` applied.
    fn history(f: impl Fn(&mut IntakeInput)) -> IntakeAnswers {
        let mut input = IntakeInput {
            conditions: ConditionCode::ALL
                .iter()
                .map(|c| (c.as_str().to_owned(), "no".to_owned()))
                .collect(),
            red_flags: RedFlagCode::ASKED
                .iter()
                .map(|r| (r.as_str().to_owned(), false))
                .collect(),
            ..IntakeInput::default()
        };
        f(&mut input);
        IntakeAnswers::parse(&input, 2026).unwrap()
    }

    fn raised(a: &IntakeAnswers) -> Vec<(&'static str, String, String)> {
        evaluate(&a.facts(Some(50)))
            .into_iter()
            .map(|r| (r.code, r.basis().as_str().to_owned(), r.evidence_text()))
            .collect()
    }

    #[test]
    fn all_no_raises_nothing() {
        assert!(raised(&history(|_| {})).is_empty());
    }

    #[test]
    fn a_listed_medicine_raises_its_condition_though_the_box_says_no() {
        let a = history(|i| {
            i.medications = vec![MedicationInput {
                name: "Eliquis 5 mg".into(),
                dose: String::new(),
                reason: String::new(),
            }]
        });
        let got = raised(&a);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(
            got.iter()
                .all(|(code, basis, evidence)| *code == "anticoagulants"
                    && basis == "medicine_list"
                    && evidence == "Medicine list: Eliquis (apixaban, direct oral anticoagulant)")
        );
    }

    #[test]
    fn an_operation_raises_spinal_surgery_in_its_region() {
        let a = history(|i| {
            i.surgeries = vec![SurgeryInput {
                procedure: "L4–L5 fusion".into(),
                year: Some(2019),
            }]
        });
        let flags = evaluate(&a.facts(Some(50)));
        assert_eq!(flags.len(), 1);
        assert_eq!(flags[0].code, "spinal_surgery");
        assert_eq!(flags[0].basis(), FlagBasis::OperationsList);
        assert_eq!(
            flags[0].regions,
            vec![crate::domain::clinical::Region::Lumbar]
        );
    }

    #[test]
    fn unanswered_questions_count_and_say_so() {
        let a = history(|i| {
            i.conditions.remove("osteoporosis");
            i.red_flags.remove("saddle_numbness");
        });
        let got = raised(&a);
        let codes: Vec<&str> = got.iter().map(|(c, _, _)| *c).collect();
        assert_eq!(
            codes,
            vec!["saddle_numbness", "osteoporosis", "osteoporosis"]
        );
        assert!(
            got.iter()
                .all(|(_, basis, evidence)| basis == "not_answered"
                    && evidence.starts_with("Not answered"))
        );
    }

    /// "Not sure" on a red-flag question counts as yes, as it does for a condition, and
    /// the flag says it was "not sure"; it wins over a yes/no for the same code.
    #[test]
    fn a_red_flag_answered_not_sure_counts_as_yes_and_says_so() {
        let unsure = history(|i| i.red_flags_unsure = vec!["saddle_numbness".into()]);
        let yes = history(|i| {
            i.red_flags.insert("saddle_numbness".into(), true);
        });
        let got = raised(&unsure);
        assert_eq!(
            got.iter().map(|(c, _, _)| *c).collect::<Vec<_>>(),
            raised(&yes).iter().map(|(c, _, _)| *c).collect::<Vec<_>>(),
            "the same flags as yes"
        );
        assert!(!got.is_empty());
        assert!(
            got.iter().all(|(_, basis, evidence)| basis == "form_answer"
                && evidence == "Answered not sure on the form"),
            "{got:?}"
        );
        let bad = IntakeAnswers::parse(
            &IntakeInput {
                red_flags_unsure: vec!["headache".into()],
                ..IntakeInput::default()
            },
            2026,
        );
        assert!(bad.is_err_and(|e| e.get("red_flags.headache").is_some()));
    }

    #[test]
    fn an_old_history_that_answered_the_joined_question_was_not_asked_the_split_ones() {
        let a = history(|i| {
            for r in super::SPLIT_ARTERY_SIGNS {
                i.red_flags.remove(r.as_str());
            }
            i.red_flags
                .insert("neck_dizziness_vision_speech".into(), false);
        });
        assert!(raised(&a).is_empty());
    }

    #[test]
    fn the_pain_diagram_and_pattern_are_read() {
        let a = history(|i| {
            i.conditions.insert("cancer".into(), "yes".into());
            i.pain_regions = vec!["mid_back".into()];
        });
        let codes: Vec<&str> = raised(&a).iter().map(|(c, _, _)| *c).collect();
        assert_eq!(codes, vec!["cancer", "cancer"]);
        let a = history(|i| {
            i.red_flags.insert("recent_trauma".into(), true);
            i.pain_quality = vec!["tingling".into()];
            i.pain_regions = vec!["left_hand".into(), "neck".into()];
        });
        let flags = evaluate(&a.facts(Some(30)));
        assert_eq!(flags[0].code, "recent_trauma");
        assert_eq!(flags[0].level, crate::domain::clinical::FlagLevel::Urgent);
    }
}
