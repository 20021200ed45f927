//! The flags engine: the clinic's facts (intake answers, lists, exam, diagnoses, age)
//! → the flags of the rule table, each with the evidence that made its rule true. Pure;
//! the rules are the data in [`super::flag_rules::FLAG_RULES`].

use super::codes::{FlagBasis, FlagKind, FlagLevel, Region, Technique};
use super::facts::{ClinicalFacts, Evidence};
use super::flag_rules::{FLAG_RULES, FlagRule, Regions, When};

/// The evidence that makes `when` true, or `None` when it is false. `Not` adds none.
fn proof(facts: &ClinicalFacts, when: &When) -> Option<Vec<Evidence>> {
    match when {
        When::Is(f) => facts.evidence(*f),
        When::All(ws) => {
            let mut all = Vec::new();
            for w in *ws {
                all.extend(proof(facts, w)?);
            }
            Some(all)
        }
        When::Any(ws) => {
            let held: Vec<Vec<Evidence>> = ws.iter().filter_map(|w| proof(facts, w)).collect();
            (!held.is_empty()).then(|| held.concat())
        }
        When::Not(w) => proof(facts, w).is_none().then(Vec::new),
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
    /// The rule's region was local and some evidence did not say where: the flag covers
    /// every spinal region until a practitioner narrows it.
    pub region_unknown: bool,
    pub reason: &'static str,
    pub source: &'static str,
    /// What made the rule true, most definite first.
    pub evidence: Vec<Evidence>,
}

impl RaisedFlag {
    fn from_rule(r: &FlagRule, mut evidence: Vec<Evidence>) -> Self {
        evidence.sort_by_key(|e| e.basis);
        evidence.dedup();
        let (regions, region_unknown) = match r.regions {
            Regions::These(rs) => (rs.to_vec(), false),
            Regions::Local
                if evidence.is_empty() || evidence.iter().any(|e| e.regions.is_empty()) =>
            {
                (Region::SPINAL.to_vec(), true)
            }
            Regions::Local => {
                let mut rs: Vec<Region> = evidence.iter().flat_map(|e| e.regions.clone()).collect();
                rs.sort();
                rs.dedup();
                (rs, false)
            }
        };
        RaisedFlag {
            code: r.code,
            kind: r.kind,
            level: r.level,
            techniques: r.techniques.to_vec(),
            regions,
            region_unknown,
            reason: r.reason,
            source: r.source,
            evidence,
        }
    }

    /// The most definite reason the flag was raised.
    pub fn basis(&self) -> FlagBasis {
        self.evidence
            .first()
            .map_or(FlagBasis::FormAnswer, |e| e.basis)
    }

    /// The evidence for people, one sentence per fact.
    pub fn evidence_text(&self) -> String {
        let mut texts: Vec<&str> = Vec::new();
        for e in &self.evidence {
            if !texts.contains(&e.text.as_str()) {
                texts.push(&e.text);
            }
        }
        texts.join("; ")
    }

    /// True when some of the evidence comes from the exam, a diagnosis or a history
    /// correction: what an assessment adds to the intake.
    pub fn from_assessment(&self) -> bool {
        self.evidence.iter().any(|e| {
            matches!(
                e.basis,
                FlagBasis::ExamFinding | FlagBasis::Diagnosis | FlagBasis::HistoryCorrection
            )
        })
    }
}

/// Every flag the facts raise, most severe first.
pub fn evaluate(facts: &ClinicalFacts) -> Vec<RaisedFlag> {
    let mut raised: Vec<RaisedFlag> = FLAG_RULES
        .iter()
        .filter_map(|r| proof(facts, &r.when).map(|ev| RaisedFlag::from_rule(r, ev)))
        .collect();
    raised.sort_by(|a, b| a.level.cmp(&b.level).then(a.code.cmp(b.code)));
    raised
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::clinical::facts::{Fact, Finding};
    use crate::domain::clinical::{Answer, ConditionCode as C, RedFlagCode as R};
    use FlagLevel::*;

    fn facts(
        conditions: &[(C, Answer)],
        red: &[R],
        age: Option<u32>,
        first: Option<bool>,
    ) -> ClinicalFacts {
        let mut f = ClinicalFacts::with_age(age);
        f.first_episode = first;
        for (c, a) in conditions {
            if let Some(e) = Evidence::answer(Some(*a)) {
                f.condition(*c, e);
            }
        }
        for r in red {
            f.red_flag(
                *r,
                Evidence::new(FlagBasis::FormAnswer, "Answered yes on the form"),
            );
        }
        f
    }

    fn with_findings(mut f: ClinicalFacts, found: &[Finding]) -> ClinicalFacts {
        for x in found {
            f.finding(
                *x,
                Evidence::new(FlagBasis::ExamFinding, format!("Exam: {x}")),
            );
        }
        f
    }

    fn yes(c: C) -> (C, Answer) {
        (c, Answer::Yes)
    }

    /// (case, facts, the (code, level) pairs that must be raised, nothing else).
    #[test]
    fn every_part_a_code_and_combination() {
        type Expected = Vec<(&'static str, FlagLevel)>;
        let cases: Vec<(&str, ClinicalFacts, Expected)> = vec![
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
                "long-term steroids take the osteoporosis rules",
                facts(&[yes(C::LongTermSteroids)], &[], None, None),
                vec![
                    ("long_term_steroids", Absolute),
                    ("long_term_steroids", Relative),
                    ("long_term_steroids", Precaution),
                ],
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
                vec![("aneurysm", Absolute), ("aneurysm", Relative)],
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
                vec![("pacemaker", Precaution)],
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
                    ("long_term_steroids", Absolute),
                    ("long_term_steroids", Relative),
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
                "recent spinal surgery",
                facts(&[yes(C::RecentSpinalSurgery)], &[], None, None),
                vec![("recent_spinal_surgery", Relative)],
            ),
            (
                "aneurysm: deep soft tissue needs a reason",
                facts(&[yes(C::Aneurysm)], &[], None, None),
                vec![("aneurysm", Absolute), ("aneurysm", Relative)],
            ),
            (
                "cancer with thoracic pain",
                with_findings(
                    facts(&[yes(C::Cancer)], &[], None, None),
                    &[Finding::ThoracicPain],
                ),
                vec![("cancer", Urgent), ("cancer", Relative)],
            ),
            (
                "cancer with constant severe pain",
                with_findings(
                    facts(&[yes(C::Cancer)], &[], None, None),
                    &[Finding::UnremittingPain],
                ),
                vec![("cancer", Urgent), ("cancer", Relative)],
            ),
            (
                "cancer with progressive weakness",
                facts(&[yes(C::Cancer)], &[R::ProgressiveWeakness], None, None),
                vec![
                    ("cancer", Urgent),
                    ("progressive_weakness", Urgent),
                    ("cancer", Relative),
                ],
            ),
            (
                "cancer with an exam finding",
                with_findings(
                    facts(&[yes(C::Cancer)], &[], None, None),
                    &[Finding::UmnSign],
                ),
                vec![
                    ("cancer", Urgent),
                    ("myelopathy_signs", Urgent),
                    ("myelopathy_signs", Absolute),
                    ("cancer", Relative),
                ],
            ),
            (
                "thoracic pain without cancer raises nothing",
                with_findings(facts(&[], &[], None, None), &[Finding::ThoracicPain]),
                vec![],
            ),
            (
                "dizziness alone",
                facts(&[], &[R::NeckDizziness], None, None),
                vec![("neck_dizziness", Relative)],
            ),
            (
                "dizziness with nausea",
                facts(&[], &[R::NeckDizziness, R::Nausea], None, None),
                vec![
                    ("cervical_artery_signs", Emergency),
                    ("cervical_artery_signs", Absolute),
                ],
            ),
            (
                "double vision alone",
                facts(&[], &[R::DoubleVision], None, None),
                vec![
                    ("cervical_artery_signs", Emergency),
                    ("cervical_artery_signs", Absolute),
                ],
            ),
            (
                "speech trouble",
                facts(&[], &[R::SpeechTrouble], None, None),
                vec![
                    ("cervical_artery_signs", Emergency),
                    ("cervical_artery_signs", Absolute),
                ],
            ),
            (
                "swallowing trouble",
                facts(&[], &[R::SwallowingTrouble], None, None),
                vec![
                    ("cervical_artery_signs", Emergency),
                    ("cervical_artery_signs", Absolute),
                ],
            ),
            (
                "drop attacks",
                facts(&[], &[R::DropAttacks], None, None),
                vec![
                    ("cervical_artery_signs", Emergency),
                    ("cervical_artery_signs", Absolute),
                ],
            ),
            (
                "nausea with face numbness",
                facts(&[], &[R::Nausea, R::FaceNumbness], None, None),
                vec![
                    ("cervical_artery_signs", Emergency),
                    ("cervical_artery_signs", Absolute),
                ],
            ),
            (
                "dizziness with unsteady walking",
                facts(&[], &[R::NeckDizziness, R::UnsteadyWalking], None, None),
                vec![
                    ("cervical_artery_signs", Emergency),
                    ("unsteady_walking", Urgent),
                    ("cervical_artery_signs", Absolute),
                ],
            ),
            (
                "nausea alone",
                facts(&[], &[R::Nausea], None, None),
                vec![("nausea", Precaution)],
            ),
            (
                "face numbness alone",
                facts(&[], &[R::FaceNumbness], None, None),
                vec![("face_numbness", Precaution)],
            ),
            (
                "unsteady walking alone",
                facts(&[], &[R::UnsteadyWalking], None, None),
                vec![("unsteady_walking", Urgent)],
            ),
            (
                "positive arterial screen on exam",
                with_findings(
                    facts(&[], &[], None, None),
                    &[Finding::ArterialScreenPositive],
                ),
                vec![
                    ("cervical_artery_signs", Emergency),
                    ("cervical_artery_signs", Absolute),
                ],
            ),
            (
                "trauma with a dangerous mechanism at 30",
                facts(
                    &[],
                    &[R::RecentTrauma, R::DangerousMechanism],
                    Some(30),
                    None,
                ),
                vec![("recent_trauma", Urgent)],
            ),
            (
                "trauma with pins and needles in the limbs at 30",
                with_findings(
                    facts(&[], &[R::RecentTrauma], Some(30), None),
                    &[Finding::LimbParaesthesia],
                ),
                vec![("recent_trauma", Urgent)],
            ),
            (
                "dangerous mechanism without trauma raises nothing",
                facts(&[], &[R::DangerousMechanism], Some(30), None),
                vec![],
            ),
            (
                "injects drugs",
                facts(&[], &[R::InjectsDrugs], None, None),
                vec![("injects_drugs", Urgent)],
            ),
            (
                "night pain at 12",
                facts(&[], &[R::NightPain], Some(12), None),
                vec![("night_pain", Urgent)],
            ),
            (
                "night pain at 18",
                facts(&[], &[R::NightPain], Some(18), None),
                vec![("night_pain", Precaution)],
            ),
            (
                "exam: reduced saddle sensation",
                with_findings(
                    facts(&[], &[], None, None),
                    &[Finding::SaddleSensationReduced],
                ),
                vec![("cauda_equina_signs", Emergency)],
            ),
            (
                "exam: leg weakness on both sides",
                with_findings(
                    facts(&[], &[], None, None),
                    &[Finding::LegWeaknessBilateral, Finding::MajorMotorWeakness],
                ),
                vec![("cauda_equina_signs", Emergency)],
            ),
            (
                "exam: foot drop",
                with_findings(facts(&[], &[], None, None), &[Finding::MajorMotorWeakness]),
                vec![("major_motor_weakness", Urgent)],
            ),
            (
                "exam: disc herniation with marked weakness",
                with_findings(
                    facts(&[yes(C::DiscHerniation)], &[], None, None),
                    &[Finding::MajorMotorWeakness],
                ),
                vec![
                    ("major_motor_weakness", Urgent),
                    ("disc_herniation", Absolute),
                ],
            ),
            (
                "exam: absent ankle reflexes alone",
                with_findings(
                    facts(&[], &[], None, None),
                    &[
                        Finding::ReflexesAbsentBilateral,
                        Finding::LegReflexesAbsentBilateral,
                    ],
                ),
                vec![("reflexes_absent_bilateral", Precaution)],
            ),
            (
                "exam: absent ankle reflexes with both legs symptomatic",
                with_findings(
                    facts(&[], &[R::BilateralLegSymptoms], None, None),
                    &[
                        Finding::ReflexesAbsentBilateral,
                        Finding::LegReflexesAbsentBilateral,
                    ],
                ),
                vec![
                    ("cauda_equina_signs", Emergency),
                    ("bilateral_leg_symptoms", Urgent),
                ],
            ),
            (
                "exam: 4+ reflex",
                with_findings(facts(&[], &[], None, None), &[Finding::Hyperreflexia]),
                vec![("myelopathy_signs", Urgent), ("myelopathy_signs", Absolute)],
            ),
            (
                "exam: equivocal Hoffmann",
                with_findings(facts(&[], &[], None, None), &[Finding::UmnSignEquivocal]),
                vec![("myelopathy_signs", Urgent), ("myelopathy_signs", Absolute)],
            ),
            (
                "exam: hypermobile segment",
                with_findings(facts(&[], &[], None, None), &[Finding::HypermobileSegment]),
                vec![("segmental_hypermobility", Relative)],
            ),
            (
                "exam: poor rotation after trauma",
                with_findings(
                    facts(&[], &[R::RecentTrauma], Some(30), None),
                    &[Finding::CervicalRotationUnder45],
                ),
                vec![
                    ("post_trauma_cervical_rotation", Urgent),
                    ("recent_trauma", Precaution),
                ],
            ),
            (
                "exam: poor rotation without trauma",
                with_findings(
                    facts(&[], &[], Some(30), None),
                    &[Finding::CervicalRotationUnder45],
                ),
                vec![],
            ),
            (
                "diagnosis: spinal infection",
                with_findings(facts(&[], &[], None, None), &[Finding::SpinalInfection]),
                vec![("spinal_infection", Urgent)],
            ),
            (
                "diagnosis: cauda equina",
                with_findings(facts(&[], &[], None, None), &[Finding::CaudaEquina]),
                vec![("cauda_equina", Emergency)],
            ),
            (
                "diagnosis: bone metastasis",
                with_findings(facts(&[], &[], None, None), &[Finding::BoneMetastasis]),
                vec![("bone_metastasis", Absolute)],
            ),
            (
                "diagnosis: Chiari malformation",
                with_findings(facts(&[], &[], None, None), &[Finding::ChiariMalformation]),
                vec![("chiari_malformation", Absolute)],
            ),
            (
                "diagnosis: syringomyelia",
                with_findings(facts(&[], &[], None, None), &[Finding::Syringomyelia]),
                vec![("syringomyelia", Absolute)],
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

    fn reads(w: &When, fact: Fact) -> bool {
        match w {
            When::Is(f) => *f == fact,
            When::All(ws) | When::Any(ws) => ws.iter().any(|w| reads(w, fact)),
            When::Not(w) => reads(w, fact),
        }
    }

    /// Every question, finding and condition is read by at least one rule that fires on
    /// it (a `Not` alone does not count).
    #[test]
    fn every_code_and_finding_is_read_by_a_rule() {
        let facts_read = C::ALL
            .iter()
            .map(|c| Fact::Condition(*c))
            .chain(R::ALL.iter().map(|r| Fact::RedFlag(*r)))
            .chain(Finding::ALL.iter().map(|f| Fact::Finding(*f)));
        for fact in facts_read {
            assert!(
                FLAG_RULES.iter().any(|r| reads(&r.when, fact)),
                "no rule reads {fact:?}"
            );
        }
    }

    #[test]
    fn evidence_says_why_and_regions_follow_it() {
        let mut f = ClinicalFacts::default();
        f.condition(
            C::SpinalSurgery,
            Evidence::new(FlagBasis::OperationsList, "Operations list: “L4–L5 fusion”")
                .at(&[Region::Lumbar]),
        );
        let raised = evaluate(&f);
        assert_eq!(raised.len(), 1);
        assert_eq!(raised[0].regions, vec![Region::Lumbar]);
        assert!(!raised[0].region_unknown);
        assert_eq!(raised[0].basis(), FlagBasis::OperationsList);
        // The form's yes (no region) makes the region unknown again: every spinal region.
        f.condition(
            C::SpinalSurgery,
            Evidence::answer(Some(Answer::Yes)).unwrap(),
        );
        let raised = evaluate(&f);
        assert_eq!(raised[0].regions, Region::SPINAL.to_vec());
        assert!(raised[0].region_unknown);
        assert_eq!(raised[0].basis(), FlagBasis::FormAnswer);
        assert_eq!(
            raised[0].evidence_text(),
            "Answered yes on the form; Operations list: “L4–L5 fusion”"
        );
        // Not answered counts, and says so.
        let mut g = ClinicalFacts::default();
        g.condition(C::Osteoporosis, Evidence::answer(None).unwrap());
        let raised = evaluate(&g);
        assert_eq!(raised.len(), 2);
        assert!(raised.iter().all(|r| r.basis() == FlagBasis::NotAnswered));
        assert!(raised[0].evidence_text().starts_with("Not answered"));
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
                    assert_eq!(
                        r.regions,
                        Regions::These(Region::ALL),
                        "{}: in every region",
                        r.code
                    );
                }
                Absolute | Relative => assert!(
                    !r.techniques.is_empty() && r.regions != Regions::These(&[]),
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
