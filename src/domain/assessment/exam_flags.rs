//! Flags from the exam (part A, "Flags from the exam"): positive upper-motor-neuron
//! signs, hypermobile segments, poor cervical rotation after recent trauma, and
//! diagnosis codes that carry a contraindication. Pure; the service records what this
//! returns with origin `assessment`, once per assessment and code.

use super::AssessmentContent;
use super::exam_tests::{ExamTestCode, TestResult};
use super::palpation::SegmentMotion;
use super::rom::cervical_rotation;
use crate::domain::clinical::flags_engine::{IntakeFacts, RaisedFlag, evaluate};
use crate::domain::clinical::{Answer, ConditionCode, FlagKind, FlagLevel, Region, Technique};

/// What the exam rules need to know beyond the record itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExamContext {
    /// The patient reported, or has a flag for, a fall, accident or blow in the last 6 weeks.
    pub recent_trauma: bool,
}

/// A diagnosis code (by prefix) that raises a flag: either the matching intake
/// condition's rules, or a rule of its own.
enum DiagnosisRule {
    Condition(ConditionCode),
    Own {
        code: &'static str,
        kind: FlagKind,
        level: FlagLevel,
        techniques: &'static [Technique],
        regions: &'static [Region],
        reason: &'static str,
    },
}

const CERVICAL: &[Region] = &[Region::Cervical];
const THRUST_MOB: &[Technique] = &[
    Technique::Hvla,
    Technique::DropTable,
    Technique::FlexionDistraction,
    Technique::Mobilization,
];

/// Part A's list, by ICD-10 prefix (part B §7).
static DIAGNOSIS_RULES: &[(&str, DiagnosisRule)] = &[
    ("M81", DiagnosisRule::Condition(ConditionCode::Osteoporosis)),
    ("M80", DiagnosisRule::Condition(ConditionCode::Osteoporosis)),
    (
        "M45",
        DiagnosisRule::Condition(ConditionCode::AnkylosingSpondylitis),
    ),
    (
        "M06",
        DiagnosisRule::Condition(ConditionCode::RheumatoidArthritis),
    ),
    ("C79.51", DiagnosisRule::Condition(ConditionCode::Cancer)),
    (
        "I77.7",
        DiagnosisRule::Condition(ConditionCode::NeckArteryProblem),
    ),
    ("I71", DiagnosisRule::Condition(ConditionCode::Aneurysm)),
    (
        "Z79.01",
        DiagnosisRule::Condition(ConditionCode::Anticoagulants),
    ),
    (
        "Z79.52",
        DiagnosisRule::Condition(ConditionCode::LongTermSteroids),
    ),
    (
        "Z98.1",
        DiagnosisRule::Condition(ConditionCode::SpinalSurgery),
    ),
    (
        "M46.2",
        DiagnosisRule::Own {
            code: "spinal_infection",
            kind: FlagKind::RedFlag,
            level: FlagLevel::Urgent,
            techniques: Technique::FORCE_BASED,
            regions: Region::ALL,
            reason: "Vertebral osteomyelitis diagnosed: no thrust, mobilization or instrument technique; refer.",
        },
    ),
    (
        "M46.4",
        DiagnosisRule::Own {
            code: "spinal_infection",
            kind: FlagKind::RedFlag,
            level: FlagLevel::Urgent,
            techniques: Technique::FORCE_BASED,
            regions: Region::ALL,
            reason: "Discitis diagnosed: no thrust, mobilization or instrument technique; refer.",
        },
    ),
    (
        "G83.4",
        DiagnosisRule::Own {
            code: "cauda_equina",
            kind: FlagKind::RedFlag,
            level: FlagLevel::Emergency,
            techniques: Technique::ALL,
            regions: Region::ALL,
            reason: "Cauda equina syndrome diagnosed: emergency referral, no treatment.",
        },
    ),
    (
        "C79.51",
        DiagnosisRule::Own {
            code: "bone_metastasis",
            kind: FlagKind::Contraindication,
            level: FlagLevel::Absolute,
            techniques: Technique::FORCE_BASED,
            regions: Region::SPINAL,
            reason: "Bone metastasis diagnosed: no thrust, mobilization or instrument technique on the spine.",
        },
    ),
    (
        "Q07.0",
        DiagnosisRule::Own {
            code: "chiari_malformation",
            kind: FlagKind::Contraindication,
            level: FlagLevel::Absolute,
            techniques: THRUST_MOB,
            regions: CERVICAL,
            reason: "Chiari malformation diagnosed: no thrust or mobilization of the neck.",
        },
    ),
    (
        "G95.0",
        DiagnosisRule::Own {
            code: "syringomyelia",
            kind: FlagKind::Contraindication,
            level: FlagLevel::Absolute,
            techniques: THRUST_MOB,
            regions: CERVICAL,
            reason: "Syringomyelia diagnosed: no thrust or mobilization of the neck.",
        },
    ),
];

const EXAM_SOURCE: &str = "clinical-reference A (flags from the exam)";

fn own(
    code: &'static str,
    kind: FlagKind,
    level: FlagLevel,
    techniques: &[Technique],
    regions: &[Region],
    reason: &'static str,
) -> RaisedFlag {
    RaisedFlag {
        code,
        kind,
        level,
        techniques: techniques.to_vec(),
        regions: regions.to_vec(),
        reason,
        source: EXAM_SOURCE,
    }
}

/// Every flag the exam raises, most severe first, without duplicates.
pub fn evaluate_exam(content: &AssessmentContent, ctx: ExamContext) -> Vec<RaisedFlag> {
    let mut out: Vec<RaisedFlag> = Vec::new();
    let content = content.view();

    let myelopathy = content.tests.iter().any(|t| {
        ExamTestCode::MYELOPATHY_SIGNS.contains(&t.test) && t.result == TestResult::Positive
    });
    if myelopathy {
        out.push(own(
            "myelopathy_signs",
            FlagKind::RedFlag,
            FlagLevel::Urgent,
            Technique::FORCE_BASED,
            Region::ALL,
            "Positive Lhermitte, Hoffmann, Babinski or sustained clonus: possible myelopathy; refer.",
        ));
        out.push(own(
            "myelopathy_signs",
            FlagKind::Contraindication,
            FlagLevel::Absolute,
            Technique::THRUST,
            CERVICAL,
            "Positive upper-motor-neuron sign: no thrust manipulation of the neck.",
        ));
    }

    let mut hypermobile: Vec<Region> = content
        .palpation
        .iter()
        .filter(|p| p.motion == SegmentMotion::Hypermobile)
        .map(|p| p.segment.region())
        .collect();
    hypermobile.sort();
    hypermobile.dedup();
    if !hypermobile.is_empty() {
        out.push(own(
            "segmental_hypermobility",
            FlagKind::Contraindication,
            FlagLevel::Relative,
            Technique::THRUST,
            &hypermobile,
            "Hypermobile segment on palpation: thrust there only with a written reason.",
        ));
    }

    if ctx.recent_trauma
        && cervical_rotation(content.rom).is_some_and(|(left, right)| left < 45 || right < 45)
    {
        out.push(own(
            "post_trauma_cervical_rotation",
            FlagKind::RedFlag,
            FlagLevel::Urgent,
            Technique::FORCE_BASED,
            Region::ALL,
            "Cervical rotation below 45° after recent trauma (Canadian C-spine rule): image before treating.",
        ));
    }

    for d in content.diagnoses {
        for (prefix, rule) in DIAGNOSIS_RULES {
            if !d.code.starts_with(prefix) {
                continue;
            }
            match rule {
                DiagnosisRule::Condition(c) => {
                    let facts = IntakeFacts {
                        conditions: [(*c, Answer::Yes)].into_iter().collect(),
                        ..IntakeFacts::default()
                    };
                    out.extend(
                        evaluate(&facts)
                            .into_iter()
                            .filter(|f| f.code == c.as_str()),
                    );
                }
                DiagnosisRule::Own {
                    code,
                    kind,
                    level,
                    techniques,
                    regions,
                    reason,
                } => out.push(own(code, *kind, *level, techniques, regions, reason)),
            }
        }
    }

    out.sort_by(|a, b| a.level.cmp(&b.level).then(a.code.cmp(b.code)));
    out.dedup_by(|a, b| a.code == b.code && a.level == b.level);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::assessment::exam_tests::ExamTest;
    use crate::domain::assessment::palpation::{PalpationFinding, Segment};
    use crate::domain::assessment::rom::{Motion, RomMeasurement, RomRegion};
    use crate::domain::assessment::{Diagnosis, Side};

    fn test(code: ExamTestCode, result: TestResult) -> ExamTest {
        ExamTest {
            test: code,
            side: Some(Side::Left),
            result,
            value: None,
            notes: None,
        }
    }

    fn dx(code: &str) -> Diagnosis {
        Diagnosis {
            code: code.into(),
            primary: true,
            description: String::new(),
            notes: None,
        }
    }

    fn hypermobile(seg: Segment) -> PalpationFinding {
        let mut f = PalpationFinding::normal(seg);
        f.motion = SegmentMotion::Hypermobile;
        f
    }

    fn rotation(left: u16, right: u16) -> Vec<RomMeasurement> {
        vec![
            RomMeasurement::new(RomRegion::Cervical, Motion::RotationLeft, Some(left)),
            RomMeasurement::new(RomRegion::Cervical, Motion::RotationRight, Some(right)),
        ]
    }

    /// (case, content, trauma, the (code, level) pairs raised, nothing else).
    #[test]
    fn every_exam_rule() {
        type Case = (
            &'static str,
            AssessmentContent,
            bool,
            Vec<(&'static str, FlagLevel)>,
        );
        let with = |f: &dyn Fn(&mut AssessmentContent)| {
            let mut c = AssessmentContent::default();
            f(&mut c);
            c
        };
        let myelopathy = vec![
            ("myelopathy_signs", FlagLevel::Urgent),
            ("myelopathy_signs", FlagLevel::Absolute),
        ];
        let mut cases: Vec<Case> = vec![(
            "nothing charted",
            AssessmentContent::default(),
            true,
            vec![],
        )];
        for sign in ExamTestCode::MYELOPATHY_SIGNS {
            cases.push((
                "positive UMN sign",
                with(&|c| c.tests = Some(vec![test(*sign, TestResult::Positive)])),
                false,
                myelopathy.clone(),
            ));
            cases.push((
                "negative UMN sign",
                with(&|c| c.tests = Some(vec![test(*sign, TestResult::Negative)])),
                false,
                vec![],
            ));
        }
        cases.extend([
            (
                "positive Spurling raises nothing",
                with(&|c| c.tests = Some(vec![test(ExamTestCode::Spurling, TestResult::Positive)])),
                false,
                vec![],
            ),
            (
                "hypermobile L4",
                with(&|c| c.palpation = Some(vec![hypermobile(Segment::L4)])),
                false,
                vec![("segmental_hypermobility", FlagLevel::Relative)],
            ),
            (
                "rotation below 45° after trauma",
                with(&|c| c.rom = Some(rotation(40, 70))),
                true,
                vec![("post_trauma_cervical_rotation", FlagLevel::Urgent)],
            ),
            (
                "rotation below 45° without trauma",
                with(&|c| c.rom = Some(rotation(40, 40))),
                false,
                vec![],
            ),
            (
                "rotation 45° each way after trauma",
                with(&|c| c.rom = Some(rotation(45, 45))),
                true,
                vec![],
            ),
            (
                "osteoporosis M81.0",
                with(&|c| c.diagnoses = Some(vec![dx("M81.0")])),
                false,
                vec![
                    ("osteoporosis", FlagLevel::Absolute),
                    ("osteoporosis", FlagLevel::Relative),
                ],
            ),
            (
                "cauda equina G83.4",
                with(&|c| c.diagnoses = Some(vec![dx("G83.4")])),
                false,
                vec![("cauda_equina", FlagLevel::Emergency)],
            ),
            (
                "vertebral artery dissection I77.74",
                with(&|c| c.diagnoses = Some(vec![dx("I77.74")])),
                false,
                vec![("neck_artery_problem", FlagLevel::Absolute)],
            ),
            (
                "anticoagulants Z79.01",
                with(&|c| c.diagnoses = Some(vec![dx("Z79.01")])),
                false,
                vec![
                    ("anticoagulants", FlagLevel::Relative),
                    ("anticoagulants", FlagLevel::Precaution),
                ],
            ),
            (
                "low back pain raises nothing",
                with(&|c| c.diagnoses = Some(vec![dx("M54.50")])),
                false,
                vec![],
            ),
        ]);
        for (name, content, trauma, expected) in cases {
            let got: Vec<(&str, FlagLevel)> = evaluate_exam(
                &content,
                ExamContext {
                    recent_trauma: trauma,
                },
            )
            .into_iter()
            .map(|f| (f.code, f.level))
            .collect();
            assert_eq!(got, expected, "{name}");
        }
    }

    #[test]
    fn hypermobility_restricts_thrust_in_that_region_only() {
        let c = AssessmentContent {
            palpation: Some(vec![hypermobile(Segment::C5), hypermobile(Segment::C6)]),
            ..AssessmentContent::default()
        };
        let f = evaluate_exam(&c, ExamContext::default());
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].regions, vec![Region::Cervical]);
        assert_eq!(f[0].techniques, Technique::THRUST.to_vec());
    }
}
