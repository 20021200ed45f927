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
    ("M45", DiagnosisRule::Condition(ConditionCode::AnkylosingSpondylitis)),
    ("M06", DiagnosisRule::Condition(ConditionCode::RheumatoidArthritis)),
    ("C79.51", DiagnosisRule::Condition(ConditionCode::Cancer)),
    ("I77.7", DiagnosisRule::Condition(ConditionCode::NeckArteryProblem)),
    ("I71", DiagnosisRule::Condition(ConditionCode::Aneurysm)),
    ("Z79.01", DiagnosisRule::Condition(ConditionCode::Anticoagulants)),
    ("Z79.52", DiagnosisRule::Condition(ConditionCode::LongTermSteroids)),
    ("Z98.1", DiagnosisRule::Condition(ConditionCode::SpinalSurgery)),
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
                    out.extend(evaluate(&facts).into_iter().filter(|f| f.code == c.as_str()));
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
