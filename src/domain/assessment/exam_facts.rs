//! The facts an assessment adds to the history, for the one rule table: findings of the
//! tests, the neurological screen, palpation and range of motion; what the diagnosis
//! codes imply; and the practitioner's corrections of the history, read again as
//! answers (a condition corrected to "yes", a medicine added in a correction).

use super::AssessmentContent;
use super::exam_tests::{
    Dermatome, ExamTestCode, LimbSide, Myotome, NeuroExam, Reflex, ReflexGrade, SensationGrade,
    StrengthGrade, TestResult,
};
use super::history::{HistoryCheck, HistoryStatus};
use super::palpation::SegmentMotion;
use super::rom::{Motion, RomRegion};
use crate::domain::clinical::diagnosis_facts::implied_by;
use crate::domain::clinical::facts::{ClinicalFacts, Evidence, Fact, Finding};
use crate::domain::clinical::intake_facts::add_implied;
use crate::domain::clinical::term_match;
use crate::domain::clinical::{Answer, ConditionCode, FlagBasis, RedFlagCode};

fn exam(text: String) -> Evidence {
    Evidence::new(FlagBasis::ExamFinding, format!("Exam: {text}"))
}

/// Everything the exam and the diagnoses of `content` establish.
pub fn exam_facts(content: &AssessmentContent) -> ClinicalFacts {
    let mut f = ClinicalFacts::default();
    let v = content.view();
    for t in v.tests {
        let side = t
            .side
            .map(|s| format!(" ({})", s.label()))
            .unwrap_or_default();
        let what = format!(
            "{} {}{side}",
            t.test.label(),
            t.result.label().to_lowercase()
        );
        let finding = match (t.test, t.result) {
            (
                ExamTestCode::CervicalArterialScreen,
                TestResult::Positive | TestResult::Equivocal,
            ) => Finding::ArterialScreenPositive,
            (code, TestResult::Positive) if ExamTestCode::MYELOPATHY_SIGNS.contains(&code) => {
                Finding::UmnSign
            }
            (code, TestResult::Equivocal) if ExamTestCode::MYELOPATHY_SIGNS.contains(&code) => {
                Finding::UmnSignEquivocal
            }
            _ => continue,
        };
        f.finding(finding, exam(what));
    }
    if let Some(neuro) = &content.neuro {
        neuro_facts(neuro, &mut f);
    }
    for p in v.palpation {
        if p.motion == Some(SegmentMotion::Hypermobile) {
            f.finding(
                Finding::HypermobileSegment,
                exam(format!("{} hypermobile", p.segment.label())).at(&[p.segment.region()]),
            );
        }
    }
    for r in v.rom {
        let rotation = matches!(r.motion, Motion::RotationLeft | Motion::RotationRight);
        if r.region == RomRegion::Cervical
            && rotation
            && let Some(deg) = r.degrees.filter(|d| *d < 45)
        {
            f.finding(
                Finding::CervicalRotationUnder45,
                exam(format!(
                    "cervical {} {deg}°",
                    r.motion.label().to_lowercase()
                )),
            );
        }
    }
    for d in v.diagnoses {
        for imp in implied_by(&d.code) {
            f.add(
                imp.fact,
                Evidence::new(
                    FlagBasis::Diagnosis,
                    format!("Diagnosis {} {}", d.code, d.description),
                )
                .at(imp.regions),
            );
        }
    }
    f
}

const LEG_MYOTOMES: &[Myotome] = &[
    Myotome::L2,
    Myotome::L3,
    Myotome::L4,
    Myotome::L5,
    Myotome::S1,
];

fn neuro_facts(n: &NeuroExam, f: &mut ClinicalFacts) {
    for s in &n.sensation {
        if s.dermatome == Dermatome::S3S5
            && matches!(s.grade, SensationGrade::Absent | SensationGrade::Altered)
        {
            f.finding(
                Finding::SaddleSensationReduced,
                exam(format!(
                    "{} {} ({})",
                    s.dermatome.label(),
                    s.grade.label(),
                    s.side.label()
                )),
            );
        }
    }
    let weak = |g: StrengthGrade| g <= StrengthGrade::G3;
    for s in n.strength.iter().filter(|s| weak(s.grade)) {
        f.finding(
            Finding::MajorMotorWeakness,
            exam(format!(
                "{} {} ({})",
                s.myotome.label(),
                s.grade.label(),
                s.side.label()
            )),
        );
    }
    let weak_leg = |side: LimbSide| {
        n.strength
            .iter()
            .any(|s| s.side == side && weak(s.grade) && LEG_MYOTOMES.contains(&s.myotome))
    };
    if weak_leg(LimbSide::Left) && weak_leg(LimbSide::Right) {
        f.finding(
            Finding::LegWeaknessBilateral,
            exam("leg muscles 3/5 or weaker on both sides".to_owned()),
        );
    }
    for r in &n.reflexes {
        if r.grade == ReflexGrade::Clonus {
            f.finding(
                Finding::Hyperreflexia,
                exam(format!(
                    "{} {} ({})",
                    r.reflex.label(),
                    r.grade.label(),
                    r.side.label()
                )),
            );
        }
    }
    for reflex in Reflex::ALL {
        let absent = |side: LimbSide| {
            n.reflexes
                .iter()
                .any(|r| r.reflex == *reflex && r.side == side && r.grade == ReflexGrade::Absent)
        };
        if absent(LimbSide::Left) && absent(LimbSide::Right) {
            let e = exam(format!("{} absent on both sides", reflex.label()));
            if matches!(reflex, Reflex::Patellar | Reflex::Achilles) {
                f.finding(Finding::LegReflexesAbsentBilateral, e.clone());
            }
            f.finding(Finding::ReflexesAbsentBilateral, e);
        }
    }
}

/// The answer a correction gives, read from its first words: "no — misread the
/// question" is no; "yes", "not sure", "unsure" as said; anything else (a corrected
/// detail) counts as yes, as part A counts "unsure".
fn corrected_answer(text: &str) -> Answer {
    let t = text.trim().to_lowercase();
    let first = t
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or_default();
    match first {
        "no" | "none" | "never" | "denies" => Answer::No,
        "unsure" => Answer::Unsure,
        "not" if t.starts_with("not sure") => Answer::Unsure,
        "not" => Answer::No,
        _ => Answer::Yes,
    }
}

/// Reads the practitioner's corrections into the history's facts: a condition or
/// red-flag answer corrected to "no" no longer counts, one corrected to anything else
/// counts with the correction as its evidence, and every other corrected item is read
/// for the shipped lists' terms (a medicine or an operation the patient forgot).
pub fn apply_corrections(facts: &mut ClinicalFacts, checks: &[HistoryCheck]) {
    for c in checks {
        let (HistoryStatus::Corrected, Some(text)) = (c.status, c.correction.as_deref()) else {
            continue;
        };
        let fact = if let Some(code) = c.item.strip_prefix("conditions.") {
            ConditionCode::parse(code).map(Fact::Condition)
        } else if let Some(code) = c.item.strip_prefix("red_flags.") {
            RedFlagCode::parse(code).map(Fact::RedFlag)
        } else {
            None
        };
        match fact {
            Some(fact) if corrected_answer(text) == Answer::No => facts.remove(fact),
            Some(fact) => facts.add(
                fact,
                Evidence::new(
                    FlagBasis::HistoryCorrection,
                    format!("History corrected by the practitioner: “{}”", text.trim()),
                ),
            ),
            None => add_implied(
                facts,
                term_match::free_text(text),
                FlagBasis::HistoryCorrection,
                "History corrected by the practitioner",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::assessment::exam_tests::{
        ExamTest, ReflexFinding, SensationFinding, StrengthFinding,
    };
    use crate::domain::assessment::palpation::{PalpationFinding, Segment};
    use crate::domain::assessment::rom::RomMeasurement;
    use crate::domain::assessment::{Diagnosis, Side};
    use crate::domain::clinical::flags_engine::evaluate;
    use crate::domain::clinical::{FlagLevel, Region, Technique};
    use FlagLevel::*;

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
        f.motion = Some(SegmentMotion::Hypermobile);
        f
    }

    fn neuro(f: impl Fn(&mut NeuroExam)) -> NeuroExam {
        let mut n = NeuroExam::all_normal();
        f(&mut n);
        n
    }

    fn set_strength(n: &mut NeuroExam, m: Myotome, side: LimbSide, grade: StrengthGrade) {
        n.strength.retain(|s| !(s.myotome == m && s.side == side));
        n.strength.push(StrengthFinding {
            myotome: m,
            side,
            grade,
        });
    }

    fn set_reflex(n: &mut NeuroExam, r: Reflex, side: LimbSide, grade: ReflexGrade) {
        n.reflexes.retain(|x| !(x.reflex == r && x.side == side));
        n.reflexes.push(ReflexFinding {
            reflex: r,
            side,
            grade,
        });
    }

    fn set_sensation(n: &mut NeuroExam, d: Dermatome, side: LimbSide, grade: SensationGrade) {
        n.sensation
            .retain(|x| !(x.dermatome == d && x.side == side));
        n.sensation.push(SensationFinding {
            dermatome: d,
            side,
            grade,
        });
    }

    /// The flags an assessment raises by itself, over a history that reports nothing
    /// (every question answered "no"), or one that reports `history`.
    fn flags_of(
        content: &AssessmentContent,
        history: ClinicalFacts,
    ) -> Vec<(&'static str, FlagLevel)> {
        let mut facts = history;
        if let Some(h) = &content.history {
            apply_corrections(&mut facts, h);
        }
        facts.merge(exam_facts(content));
        let mut got: Vec<_> = evaluate(&facts)
            .into_iter()
            .filter(|f| f.from_assessment())
            .map(|f| (f.code, f.level))
            .collect();
        got.sort();
        got
    }

    fn trauma() -> ClinicalFacts {
        let mut f = ClinicalFacts::with_age(Some(40));
        f.red_flag(
            RedFlagCode::RecentTrauma,
            Evidence::new(FlagBasis::FormAnswer, "Answered yes on the form"),
        );
        f
    }

    /// (case, content, history facts, the (code, level) pairs raised, nothing else).
    type Case = (
        String,
        AssessmentContent,
        ClinicalFacts,
        Vec<(&'static str, FlagLevel)>,
    );

    #[test]
    fn every_exam_and_diagnosis_row() {
        let with = |f: &dyn Fn(&mut AssessmentContent)| {
            let mut c = AssessmentContent::default();
            f(&mut c);
            c
        };
        let myelopathy = vec![("myelopathy_signs", Absolute), ("myelopathy_signs", Urgent)];
        let artery = vec![
            ("cervical_artery_signs", Absolute),
            ("cervical_artery_signs", Emergency),
        ];
        let none = ClinicalFacts::default;
        let mut cases: Vec<Case> = vec![
            (
                "nothing charted".into(),
                AssessmentContent::default(),
                trauma(),
                vec![],
            ),
            (
                "all normal neuro".into(),
                with(&|c| c.neuro = Some(NeuroExam::all_normal())),
                none(),
                vec![],
            ),
        ];
        for sign in ExamTestCode::MYELOPATHY_SIGNS {
            for (result, want) in [
                (TestResult::Positive, myelopathy.clone()),
                (TestResult::Equivocal, myelopathy.clone()),
                (TestResult::Negative, vec![]),
            ] {
                cases.push((
                    format!("{sign} {result}"),
                    with(&|c| c.tests = Some(vec![test(*sign, result)])),
                    none(),
                    want,
                ));
            }
        }
        cases.extend([
            (
                "positive Spurling raises nothing".into(),
                with(&|c| c.tests = Some(vec![test(ExamTestCode::Spurling, TestResult::Positive)])),
                none(),
                vec![],
            ),
            (
                "positive arterial screen".into(),
                with(&|c| {
                    c.tests = Some(vec![test(
                        ExamTestCode::CervicalArterialScreen,
                        TestResult::Positive,
                    )])
                }),
                none(),
                artery.clone(),
            ),
            (
                "equivocal arterial screen".into(),
                with(&|c| {
                    c.tests = Some(vec![test(
                        ExamTestCode::CervicalArterialScreen,
                        TestResult::Equivocal,
                    )])
                }),
                none(),
                artery.clone(),
            ),
            (
                "saddle sensation altered: cauda equina, though the form said no".into(),
                with(&|c| {
                    c.neuro = Some(neuro(|n| {
                        set_sensation(n, Dermatome::S3S5, LimbSide::Left, SensationGrade::Altered)
                    }))
                }),
                none(),
                vec![("cauda_equina_signs", Emergency)],
            ),
            (
                "saddle sensation absent".into(),
                with(&|c| {
                    c.neuro = Some(neuro(|n| {
                        set_sensation(n, Dermatome::S3S5, LimbSide::Right, SensationGrade::Absent)
                    }))
                }),
                none(),
                vec![("cauda_equina_signs", Emergency)],
            ),
            (
                "L5 sensation altered raises nothing".into(),
                with(&|c| {
                    c.neuro = Some(neuro(|n| {
                        set_sensation(n, Dermatome::L5, LimbSide::Left, SensationGrade::Altered)
                    }))
                }),
                none(),
                vec![],
            ),
            (
                "foot drop (L4 2/5 left)".into(),
                with(&|c| {
                    c.neuro = Some(neuro(|n| {
                        set_strength(n, Myotome::L4, LimbSide::Left, StrengthGrade::G2)
                    }))
                }),
                none(),
                vec![("major_motor_weakness", Urgent)],
            ),
            (
                "4-/5 raises nothing".into(),
                with(&|c| {
                    c.neuro = Some(neuro(|n| {
                        set_strength(n, Myotome::L5, LimbSide::Left, StrengthGrade::G4Minus)
                    }))
                }),
                none(),
                vec![],
            ),
            (
                "both legs 3/5".into(),
                with(&|c| {
                    c.neuro = Some(neuro(|n| {
                        set_strength(n, Myotome::L3, LimbSide::Left, StrengthGrade::G3);
                        set_strength(n, Myotome::S1, LimbSide::Right, StrengthGrade::G3);
                    }))
                }),
                none(),
                vec![("cauda_equina_signs", Emergency)],
            ),
            (
                "both arms 3/5 (two roots)".into(),
                with(&|c| {
                    c.neuro = Some(neuro(|n| {
                        set_strength(n, Myotome::C5, LimbSide::Left, StrengthGrade::G3);
                        set_strength(n, Myotome::C6, LimbSide::Right, StrengthGrade::G3);
                    }))
                }),
                none(),
                vec![("major_motor_weakness", Urgent)],
            ),
            (
                "Achilles absent both sides".into(),
                with(&|c| {
                    c.neuro = Some(neuro(|n| {
                        set_reflex(n, Reflex::Achilles, LimbSide::Left, ReflexGrade::Absent);
                        set_reflex(n, Reflex::Achilles, LimbSide::Right, ReflexGrade::Absent);
                    }))
                }),
                none(),
                vec![("reflexes_absent_bilateral", Precaution)],
            ),
            (
                "Achilles absent on one side raises nothing".into(),
                with(&|c| {
                    c.neuro = Some(neuro(|n| {
                        set_reflex(n, Reflex::Achilles, LimbSide::Left, ReflexGrade::Absent)
                    }))
                }),
                none(),
                vec![],
            ),
            (
                "biceps 4+ (clonus)".into(),
                with(&|c| {
                    c.neuro = Some(neuro(|n| {
                        set_reflex(n, Reflex::Biceps, LimbSide::Right, ReflexGrade::Clonus)
                    }))
                }),
                none(),
                myelopathy.clone(),
            ),
            (
                "3+ brisk raises nothing".into(),
                with(&|c| {
                    c.neuro = Some(neuro(|n| {
                        set_reflex(n, Reflex::Patellar, LimbSide::Right, ReflexGrade::Brisk)
                    }))
                }),
                none(),
                vec![],
            ),
            (
                "hypermobile L4".into(),
                with(&|c| c.palpation = Some(vec![hypermobile(Segment::L4)])),
                none(),
                vec![("segmental_hypermobility", Relative)],
            ),
            (
                "rotation below 45° to one side after trauma".into(),
                with(&|c| {
                    c.rom = Some(vec![RomMeasurement::new(
                        RomRegion::Cervical,
                        Motion::RotationLeft,
                        Some(40),
                    )])
                }),
                trauma(),
                vec![("post_trauma_cervical_rotation", Urgent)],
            ),
            (
                "rotation below 45° without trauma".into(),
                with(&|c| {
                    c.rom = Some(vec![RomMeasurement::new(
                        RomRegion::Cervical,
                        Motion::RotationLeft,
                        Some(40),
                    )])
                }),
                none(),
                vec![],
            ),
            (
                "rotation 45° after trauma".into(),
                with(&|c| {
                    c.rom = Some(vec![RomMeasurement::new(
                        RomRegion::Cervical,
                        Motion::RotationRight,
                        Some(45),
                    )])
                }),
                trauma(),
                vec![],
            ),
        ]);
        let dx_cases: &[(&str, &[(&str, FlagLevel)])] = &[
            (
                "M81.0",
                &[("osteoporosis", Absolute), ("osteoporosis", Relative)],
            ),
            (
                "M80.08XA",
                &[
                    ("osteoporosis", Absolute),
                    ("osteoporosis", Relative),
                    ("recent_fracture", Absolute),
                ],
            ),
            ("M48.50XA", &[("recent_fracture", Absolute)]),
            ("S12.9XXA", &[("recent_fracture", Absolute)]),
            ("S22.009A", &[("recent_fracture", Absolute)]),
            ("S32.009A", &[("recent_fracture", Absolute)]),
            ("M45.9", &[("ankylosing_spondylitis", Absolute)]),
            (
                "M06.9",
                &[
                    ("rheumatoid_arthritis", Absolute),
                    ("rheumatoid_arthritis", Relative),
                ],
            ),
            ("M50.121", &[("disc_herniation", Relative)]),
            ("M51.16", &[("disc_herniation", Relative)]),
            ("M43.16", &[("spondylolisthesis", Relative)]),
            ("M46.20", &[("spinal_infection", Urgent)]),
            ("M46.40", &[("spinal_infection", Urgent)]),
            ("G83.4", &[("cauda_equina", Emergency)]),
            (
                "C79.51",
                &[("bone_metastasis", Absolute), ("cancer", Relative)],
            ),
            ("I77.71", &[("neck_artery_problem", Absolute)]),
            ("I77.74", &[("neck_artery_problem", Absolute)]),
            ("I71.9", &[("aneurysm", Absolute), ("aneurysm", Relative)]),
            ("Q07.00", &[("chiari_malformation", Absolute)]),
            ("G95.0", &[("syringomyelia", Absolute)]),
            (
                "Z79.01",
                &[("anticoagulants", Precaution), ("anticoagulants", Relative)],
            ),
            (
                "Z79.52",
                &[
                    ("long_term_steroids", Absolute),
                    ("long_term_steroids", Precaution),
                    ("long_term_steroids", Relative),
                ],
            ),
            ("Z98.1", &[("spinal_surgery", Absolute)]),
            ("M54.50", &[]),
        ];
        for (code, want) in dx_cases {
            cases.push((
                format!("diagnosis {code}"),
                with(&|c| c.diagnoses = Some(vec![dx(code)])),
                none(),
                want.to_vec(),
            ));
        }
        for (name, content, history, mut want) in cases {
            want.sort();
            assert_eq!(flags_of(&content, history), want, "{name}");
        }
    }

    #[test]
    fn findings_keep_their_region() {
        let c = AssessmentContent {
            palpation: Some(vec![hypermobile(Segment::C5), hypermobile(Segment::C6)]),
            diagnoses: Some(vec![dx("S32.009A")]),
            ..AssessmentContent::default()
        };
        let flags = evaluate(&exam_facts(&c));
        let hyper = flags
            .iter()
            .find(|f| f.code == "segmental_hypermobility")
            .unwrap();
        assert_eq!(hyper.regions, vec![Region::Cervical]);
        assert_eq!(hyper.techniques, Technique::THRUST.to_vec());
        let fracture = flags.iter().find(|f| f.code == "recent_fracture").unwrap();
        assert_eq!(fracture.regions, vec![Region::Lumbar]);
        assert!(!fracture.region_unknown);
        assert!(fracture.evidence_text().starts_with("Diagnosis S32.009A"));
    }

    #[test]
    fn corrections_are_read_again_as_answers() {
        let check = |item: &str, text: &str| HistoryCheck {
            item: item.into(),
            status: HistoryStatus::Corrected,
            correction: Some(text.into()),
        };
        let with_history = |h: Vec<HistoryCheck>| AssessmentContent {
            history: Some(h),
            ..AssessmentContent::default()
        };
        // The form said no; the practitioner learns otherwise.
        assert_eq!(
            flags_of(
                &with_history(vec![check("conditions.osteoporosis", "yes, DEXA 2024")]),
                ClinicalFacts::default()
            ),
            vec![("osteoporosis", Absolute), ("osteoporosis", Relative)]
        );
        assert_eq!(
            flags_of(
                &with_history(vec![check("medications", "also takes Eliquis 5 mg")]),
                ClinicalFacts::default()
            ),
            vec![("anticoagulants", Relative), ("anticoagulants", Precaution)]
        );
        assert_eq!(
            flags_of(
                &with_history(vec![check(
                    "red_flags.fever_chills",
                    "night sweats for 2 weeks"
                )]),
                ClinicalFacts::default()
            ),
            vec![("fever_chills", Urgent)]
        );
        // A correction to no removes the fact: cancer corrected away, no combination.
        let mut cancer = ClinicalFacts::default();
        cancer.condition(
            ConditionCode::Cancer,
            Evidence::new(FlagBasis::FormAnswer, "Answered yes on the form"),
        );
        let c = AssessmentContent {
            history: Some(vec![check(
                "conditions.cancer",
                "No - misread the question",
            )]),
            tests: Some(vec![test(ExamTestCode::Hoffmann, TestResult::Positive)]),
            ..AssessmentContent::default()
        };
        assert_eq!(
            flags_of(&c, cancer.clone()),
            vec![("myelopathy_signs", Urgent), ("myelopathy_signs", Absolute)]
        );
        // Without the correction, cancer with an exam sign is urgent (NG234).
        let c = AssessmentContent {
            tests: Some(vec![test(ExamTestCode::Hoffmann, TestResult::Positive)]),
            ..AssessmentContent::default()
        };
        assert_eq!(
            flags_of(&c, cancer),
            vec![
                ("cancer", Urgent),
                ("myelopathy_signs", Urgent),
                ("myelopathy_signs", Absolute)
            ]
        );
    }
}
