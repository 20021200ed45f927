//! The flags engine: intake answers (and age) → the flags of part A. Pure; the rules are
//! the data in [`super::flag_rules::FLAG_RULES`].

use std::collections::BTreeMap;

use super::codes::{Answer, ConditionCode, FlagKind, FlagLevel, RedFlagCode, Region, Technique};
use super::flag_rules::{FLAG_RULES, Fact, FlagRule, When};

/// What the intake says, as the rules need it.
#[derive(Debug, Clone, Default)]
pub struct IntakeFacts {
    pub conditions: BTreeMap<ConditionCode, Answer>,
    pub red_flags: BTreeMap<RedFlagCode, bool>,
    /// Age in whole years on the day of the intake, when the birth date is known.
    pub age: Option<u32>,
    /// True when the patient reports no earlier episode of the problem.
    pub first_episode: Option<bool>,
}

impl IntakeFacts {
    fn holds(&self, fact: Fact) -> bool {
        match fact {
            Fact::Condition(c) => self.conditions.get(&c).is_some_and(|a| a.counts_as_yes()),
            Fact::RedFlag(r) => self.red_flags.get(&r).copied().unwrap_or(false),
            Fact::AgeAtLeast(n) => self.age.is_some_and(|a| a >= n),
            Fact::AgeUnder(n) => self.age.is_some_and(|a| a < n),
            Fact::FirstEpisode => self.first_episode == Some(true),
        }
    }

    fn satisfies(&self, when: &When) -> bool {
        match when {
            When::Is(f) => self.holds(*f),
            When::All(ws) => ws.iter().all(|w| self.satisfies(w)),
            When::Any(ws) => ws.iter().any(|w| self.satisfies(w)),
            When::Not(w) => !self.satisfies(w),
        }
    }
}

/// A flag the rules raise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RaisedFlag {
    pub code: &'static str,
    pub kind: FlagKind,
    pub level: FlagLevel,
    pub techniques: Vec<Technique>,
    pub regions: Vec<Region>,
    pub reason: &'static str,
    pub source: &'static str,
}

impl From<&FlagRule> for RaisedFlag {
    fn from(r: &FlagRule) -> Self {
        RaisedFlag {
            code: r.code,
            kind: r.kind,
            level: r.level,
            techniques: r.techniques.to_vec(),
            regions: r.regions.to_vec(),
            reason: r.reason,
            source: r.source,
        }
    }
}

/// Every flag the facts raise, most severe first.
pub fn evaluate(facts: &IntakeFacts) -> Vec<RaisedFlag> {
    let mut raised: Vec<RaisedFlag> = FLAG_RULES
        .iter()
        .filter(|r| facts.satisfies(&r.when))
        .map(RaisedFlag::from)
        .collect();
    raised.sort_by(|a, b| a.level.cmp(&b.level).then(a.code.cmp(b.code)));
    raised
}

#[cfg(test)]
mod tests {
    use super::*;
    use ConditionCode as C;
    use FlagLevel::*;
    use RedFlagCode as R;

    fn facts(
        conditions: &[(C, Answer)],
        red: &[R],
        age: Option<u32>,
        first: Option<bool>,
    ) -> IntakeFacts {
        IntakeFacts {
            conditions: conditions.iter().copied().collect(),
            red_flags: red.iter().map(|r| (*r, true)).collect(),
            age,
            first_episode: first,
        }
    }

    fn yes(c: C) -> (C, Answer) {
        (c, Answer::Yes)
    }

    /// (case, facts, the (code, level) pairs that must be raised, nothing else).
    #[test]
    fn every_part_a_code_and_combination() {
        type Expected = Vec<(&'static str, FlagLevel)>;
        let cases: Vec<(&str, IntakeFacts, Expected)> = vec![
            (
                "nothing reported",
                facts(&[], &[], Some(40), Some(false)),
                vec![],
            ),
            (
                "all answered no",
                facts(
                    &C::ALL.iter().map(|c| (*c, Answer::No)).collect::<Vec<_>>(),
                    &[],
                    Some(40),
                    None,
                ),
                vec![],
            ),
            (
                "osteoporosis",
                facts(&[yes(C::Osteoporosis)], &[], None, None),
                vec![("osteoporosis", Absolute), ("osteoporosis", Relative)],
            ),
            (
                "osteoporosis unsure counts as yes",
                facts(&[(C::Osteoporosis, Answer::Unsure)], &[], None, None),
                vec![("osteoporosis", Absolute), ("osteoporosis", Relative)],
            ),
            (
                "recent fracture",
                facts(&[yes(C::RecentFracture)], &[], None, None),
                vec![("recent_fracture", Absolute)],
            ),
            (
                "disc herniation",
                facts(&[yes(C::DiscHerniation)], &[], None, None),
                vec![("disc_herniation", Relative)],
            ),
            (
                "disc herniation with progressive weakness",
                facts(
                    &[yes(C::DiscHerniation)],
                    &[R::ProgressiveWeakness],
                    None,
                    None,
                ),
                vec![
                    ("progressive_weakness", Urgent),
                    ("disc_herniation", Absolute),
                ],
            ),
            (
                "rheumatoid arthritis",
                facts(&[yes(C::RheumatoidArthritis)], &[], None, None),
                vec![
                    ("rheumatoid_arthritis", Absolute),
                    ("rheumatoid_arthritis", Relative),
                ],
            ),
            (
                "ankylosing spondylitis",
                facts(&[yes(C::AnkylosingSpondylitis)], &[], None, None),
                vec![("ankylosing_spondylitis", Absolute)],
            ),
            (
                "spinal surgery",
                facts(&[yes(C::SpinalSurgery)], &[], None, None),
                vec![("spinal_surgery", Absolute)],
            ),
            (
                "cancer alone",
                facts(&[yes(C::Cancer)], &[], None, None),
                vec![("cancer", Relative)],
            ),
            (
                "cancer with weight loss",
                facts(&[yes(C::Cancer)], &[R::UnexplainedWeightLoss], None, None),
                vec![("unexplained_weight_loss", Urgent), ("cancer", Relative)],
            ),
            (
                "cancer with night pain",
                facts(&[yes(C::Cancer)], &[R::NightPain], None, None),
                vec![("night_pain", Urgent), ("cancer", Relative)],
            ),
            (
                "unsure cancer with weight loss",
                facts(
                    &[(C::Cancer, Answer::Unsure)],
                    &[R::UnexplainedWeightLoss],
                    None,
                    None,
                ),
                vec![("unexplained_weight_loss", Urgent), ("cancer", Relative)],
            ),
            (
                "anticoagulants",
                facts(&[yes(C::Anticoagulants)], &[], None, None),
                vec![("anticoagulants", Relative), ("anticoagulants", Precaution)],
            ),
            (
                "bleeding disorder",
                facts(&[yes(C::BleedingDisorder)], &[], None, None),
                vec![("bleeding_disorder", Relative)],
            ),
            (
                "long-term steroids",
                facts(&[yes(C::LongTermSteroids)], &[], None, None),
                vec![("long_term_steroids", Precaution)],
            ),
            (
                "stroke or TIA",
                facts(&[yes(C::StrokeOrTia)], &[], None, None),
                vec![("stroke_or_tia", Relative)],
            ),
            (
                "neck artery problem",
                facts(&[yes(C::NeckArteryProblem)], &[], None, None),
                vec![("neck_artery_problem", Absolute)],
            ),
            (
                "aneurysm",
                facts(&[yes(C::Aneurysm)], &[], None, None),
                vec![("aneurysm", Absolute)],
            ),
            (
                "connective tissue disorder",
                facts(&[yes(C::ConnectiveTissueDisorder)], &[], None, None),
                vec![("connective_tissue_disorder", Absolute)],
            ),
            (
                "Down syndrome",
                facts(&[yes(C::DownSyndrome)], &[], None, None),
                vec![("down_syndrome", Absolute)],
            ),
            (
                "pregnancy",
                facts(&[yes(C::Pregnancy)], &[], None, None),
                vec![("pregnancy", Relative), ("pregnancy", Precaution)],
            ),
            (
                "spondylolisthesis",
                facts(&[yes(C::Spondylolisthesis)], &[], None, None),
                vec![("spondylolisthesis", Relative)],
            ),
            (
                "pacemaker",
                facts(&[yes(C::Pacemaker)], &[], None, None),
                vec![("pacemaker", Relative)],
            ),
            (
                "bladder or bowel change",
                facts(&[], &[R::BladderBowelChange], None, None),
                vec![("bladder_bowel_change", Emergency)],
            ),
            (
                "saddle numbness",
                facts(&[], &[R::SaddleNumbness], None, None),
                vec![("saddle_numbness", Emergency)],
            ),
            (
                "bladder change with saddle numbness",
                facts(&[], &[R::BladderBowelChange, R::SaddleNumbness], None, None),
                vec![
                    ("bladder_bowel_change", Emergency),
                    ("saddle_numbness", Emergency),
                ],
            ),
            (
                "bilateral leg symptoms",
                facts(&[], &[R::BilateralLegSymptoms], None, None),
                vec![("bilateral_leg_symptoms", Urgent)],
            ),
            (
                "bilateral legs with saddle numbness",
                facts(
                    &[],
                    &[R::BilateralLegSymptoms, R::SaddleNumbness],
                    None,
                    None,
                ),
                vec![
                    ("bilateral_leg_symptoms", Emergency),
                    ("saddle_numbness", Emergency),
                ],
            ),
            (
                "bilateral legs with bladder change",
                facts(
                    &[],
                    &[R::BilateralLegSymptoms, R::BladderBowelChange],
                    None,
                    None,
                ),
                vec![
                    ("bilateral_leg_symptoms", Emergency),
                    ("bladder_bowel_change", Emergency),
                ],
            ),
            (
                "progressive weakness",
                facts(&[], &[R::ProgressiveWeakness], None, None),
                vec![("progressive_weakness", Urgent)],
            ),
            (
                "neck with dizziness, vision or speech",
                facts(&[], &[R::NeckDizzinessVisionSpeech], None, None),
                vec![
                    ("neck_dizziness_vision_speech", Emergency),
                    ("neck_dizziness_vision_speech", Absolute),
                ],
            ),
            (
                "sudden severe headache",
                facts(&[], &[R::SuddenSevereHeadache], None, None),
                vec![("sudden_severe_headache", Emergency)],
            ),
            (
                "weight loss without cancer",
                facts(&[], &[R::UnexplainedWeightLoss], None, None),
                vec![("unexplained_weight_loss", Precaution)],
            ),
            (
                "fever or chills",
                facts(&[], &[R::FeverChills], None, None),
                vec![("fever_chills", Urgent)],
            ),
            (
                "night pain without cancer",
                facts(&[], &[R::NightPain], None, None),
                vec![("night_pain", Precaution)],
            ),
            (
                "trauma at 40",
                facts(&[], &[R::RecentTrauma], Some(40), None),
                vec![("recent_trauma", Precaution)],
            ),
            (
                "trauma at 64",
                facts(&[], &[R::RecentTrauma], Some(64), None),
                vec![("recent_trauma", Precaution)],
            ),
            (
                "trauma at 65",
                facts(&[], &[R::RecentTrauma], Some(65), None),
                vec![("recent_trauma", Urgent)],
            ),
            (
                "trauma with osteoporosis",
                facts(&[yes(C::Osteoporosis)], &[R::RecentTrauma], Some(30), None),
                vec![
                    ("recent_trauma", Urgent),
                    ("osteoporosis", Absolute),
                    ("osteoporosis", Relative),
                ],
            ),
            (
                "trauma with steroids",
                facts(
                    &[yes(C::LongTermSteroids)],
                    &[R::RecentTrauma],
                    Some(30),
                    None,
                ),
                vec![
                    ("recent_trauma", Urgent),
                    ("long_term_steroids", Precaution),
                ],
            ),
            (
                "immunosuppressed",
                facts(&[], &[R::Immunosuppressed], None, None),
                vec![("immunosuppressed", Precaution)],
            ),
            (
                "immunosuppressed with fever",
                facts(&[], &[R::Immunosuppressed, R::FeverChills], None, None),
                vec![("fever_chills", Urgent), ("immunosuppressed", Urgent)],
            ),
            (
                "first episode at 55",
                facts(&[], &[], Some(55), Some(true)),
                vec![("age_screen", Precaution)],
            ),
            (
                "first episode at 54",
                facts(&[], &[], Some(54), Some(true)),
                vec![],
            ),
            (
                "first episode at 17",
                facts(&[], &[], Some(17), Some(true)),
                vec![("age_screen", Precaution)],
            ),
            (
                "first episode at 18",
                facts(&[], &[], Some(18), Some(true)),
                vec![],
            ),
            (
                "earlier episodes at 70",
                facts(&[], &[], Some(70), Some(false)),
                vec![],
            ),
            (
                "first episode, age unknown",
                facts(&[], &[], None, Some(true)),
                vec![],
            ),
        ];
        for (case, f, mut expected) in cases {
            let mut got: Vec<(&str, FlagLevel)> =
                evaluate(&f).iter().map(|r| (r.code, r.level)).collect();
            got.sort();
            expected.sort();
            assert_eq!(got, expected, "case: {case}");
        }
    }

    #[test]
    fn every_condition_and_red_flag_code_has_a_rule() {
        for c in C::ALL {
            assert!(FLAG_RULES.iter().any(|r| r.code == c.as_str()), "{c}");
        }
        for r in R::ALL {
            assert!(FLAG_RULES.iter().any(|x| x.code == r.as_str()), "{r}");
        }
    }

    #[test]
    fn red_flag_levels_block_what_part_a_says() {
        for r in FLAG_RULES {
            match r.level {
                Emergency => {
                    assert_eq!(r.kind, FlagKind::RedFlag);
                    assert_eq!(
                        r.techniques,
                        Technique::ALL,
                        "{}: emergency blocks all treatment",
                        r.code
                    );
                }
                Urgent => {
                    assert_eq!(r.kind, FlagKind::RedFlag);
                    assert_eq!(
                        r.techniques,
                        Technique::FORCE_BASED,
                        "{}: urgent blocks thrust, mobilization, instrument",
                        r.code
                    );
                    assert_eq!(r.regions, Region::ALL, "{}: in every region", r.code);
                }
                Absolute | Relative => assert!(
                    !r.techniques.is_empty() && !r.regions.is_empty(),
                    "{}",
                    r.code
                ),
                Precaution => {}
            }
            assert!(!r.reason.is_empty() && !r.source.is_empty(), "{}", r.code);
        }
    }

    #[test]
    fn most_severe_first() {
        let f = facts(
            &[yes(C::Pregnancy)],
            &[R::SaddleNumbness, R::FeverChills],
            None,
            None,
        );
        let levels: Vec<FlagLevel> = evaluate(&f).iter().map(|r| r.level).collect();
        let mut sorted = levels.clone();
        sorted.sort();
        assert_eq!(levels, sorted);
        assert_eq!(levels.first(), Some(&Emergency));
    }
}
