//! Diagnosis suggestions: codes of the shipped ICD-10-CM list that what is charted
//! points to, each with the findings that point to it in words. One rule table; the
//! workspace shows the suggestions as chips above the diagnosis table, and
//! `docs/clinical-rules.md` prints the table. A suggestion is never a diagnosis: the
//! practitioner chooses (one tap adds the code), and nothing is saved by the rules.

use super::AssessmentContent;
use super::charted_areas::{SpineArea, complaint_areas, segment_signs};
use super::exam_tests::{ExamTestCode, TestResult};
use super::icd10;
use super::palpation::Segment;
use crate::domain::intake::IntakeInput;

/// What a rule looks for in the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// The complaint is in this area (the pain diagram or the main complaint's words).
    Complaint(SpineArea),
    /// A palpated segment of this area met any PART criterion (pain, asymmetry, range,
    /// tissue). Medicare's subluxation needs two with A or R; the chip says whether.
    SegmentFinding(SpineArea),
    /// A segment of this area tender (grade I or more).
    Tender(SpineArea),
    /// Muscle tone hypertonic (any grade) or in spasm at a segment of this area.
    Hypertonic(SpineArea),
    /// This test positive, on either side.
    Positive(ExamTestCode),
}

pub struct SuggestionRule {
    pub code: &'static str,
    pub when: Evidence,
    pub source: &'static str,
}

const fn rule(code: &'static str, when: Evidence, source: &'static str) -> SuggestionRule {
    SuggestionRule { code, when, source }
}

const M99: &str =
    "ICD-10-CM M99.0x by level; CMS PART (Medicare Benefit Policy Manual ch. 15 §240.1.2)";
const PAIN: &str = "ICD-10-CM M54 (dorsalgia) by region";
const SPASM: &str = "ICD-10-CM M62.830; part B §5 (tone, tenderness of the paraspinals)";
const RADIC: &str = "Part B §4: SLR, crossed SLR and slump for lumbar radiculopathy";
const CERV_RADIC: &str = "Part B §4: Wainner cluster (Spurling's, distraction, ULTT-A)";

use Evidence::{Complaint, Hypertonic, Positive, SegmentFinding, Tender};
use SpineArea as A;

/// The rules, in the order the chips show (segmental dysfunction first: the primary
/// diagnosis Medicare asks of a chiropractic visit). A code may have several rules.
pub static RULES: &[SuggestionRule] = &[
    rule("M99.00", SegmentFinding(A::Head), M99),
    rule("M99.01", SegmentFinding(A::Cervical), M99),
    rule("M99.02", SegmentFinding(A::Thoracic), M99),
    rule("M99.03", SegmentFinding(A::Lumbar), M99),
    rule("M99.04", SegmentFinding(A::Sacral), M99),
    rule("M99.05", SegmentFinding(A::Pelvic), M99),
    rule("M99.08", SegmentFinding(A::RibCage), M99),
    rule("M54.2", Complaint(A::Cervical), PAIN),
    rule("M54.6", Complaint(A::Thoracic), PAIN),
    rule("M54.50", Complaint(A::Lumbar), PAIN),
    rule("M62.830", Hypertonic(A::Thoracic), SPASM),
    rule("M62.830", Hypertonic(A::Lumbar), SPASM),
    rule("M62.830", Tender(A::Thoracic), SPASM),
    rule("M62.830", Tender(A::Lumbar), SPASM),
    rule("M54.16", Positive(ExamTestCode::Slr), RADIC),
    rule("M54.16", Positive(ExamTestCode::CrossedSlr), RADIC),
    rule("M54.16", Positive(ExamTestCode::Slump), RADIC),
    rule("M54.12", Positive(ExamTestCode::Spurling), CERV_RADIC),
    rule("M54.12", Positive(ExamTestCode::Distraction), CERV_RADIC),
    rule("M54.12", Positive(ExamTestCode::UlttA), CERV_RADIC),
];

/// One suggested code with why, and whether it is already among the diagnoses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub code: &'static str,
    pub description: &'static str,
    /// The findings that point to it, in words ("palpation: L4, L5 (PART met)").
    pub because: Vec<String>,
    pub chosen: bool,
}

/// The evidence a rule asks for, in words, or `None` when the record does not show it.
fn found(when: Evidence, c: &AssessmentContent, intake: Option<&IntakeInput>) -> Option<String> {
    let signs = segment_signs(c.palpation.as_deref().unwrap_or_default());
    let segments = |area: SpineArea, pick: fn(&super::charted_areas::SegmentSigns) -> bool| {
        signs
            .iter()
            .filter(|s| SpineArea::of_segment(s.segment) == area && pick(s))
            .map(|s| s.segment)
            .collect::<Vec<Segment>>()
    };
    let names = |ss: &[Segment]| ss.iter().map(|s| s.label()).collect::<Vec<_>>().join(", ");
    match when {
        Complaint(area) => complaint_areas(intake)
            .into_iter()
            .find(|x| x.area == area)
            .map(|x| x.words),
        SegmentFinding(area) => {
            let ss = segments(area, |s| s.any_finding);
            if ss.is_empty() {
                return None;
            }
            let part = if segments(area, |s| s.subluxation).is_empty() {
                "PART 2 of 4 with A or R not yet met"
            } else {
                "PART met"
            };
            Some(format!("palpation: {} ({part})", names(&ss)))
        }
        Tender(area) => {
            let ss = segments(area, |s| s.tender);
            (!ss.is_empty()).then(|| format!("tender: {}", names(&ss)))
        }
        Hypertonic(area) => {
            let ss = segments(area, |s| s.hypertonic);
            (!ss.is_empty()).then(|| format!("hypertonic or spasm: {}", names(&ss)))
        }
        Positive(test) => {
            let sides: Vec<String> = c
                .tests
                .as_deref()
                .unwrap_or_default()
                .iter()
                .filter(|t| t.test == test && t.result == TestResult::Positive)
                .map(|t| t.side.map(|s| s.label().to_lowercase()).unwrap_or_default())
                .collect();
            if sides.is_empty() {
                return None;
            }
            let sides: Vec<String> = sides.into_iter().filter(|s| !s.is_empty()).collect();
            Some(if sides.is_empty() {
                format!("{} positive", test.label())
            } else {
                format!("{} positive ({})", test.label(), sides.join(", "))
            })
        }
    }
}

/// The suggestions for this record, in the table's order, one per code.
pub fn suggest(c: &AssessmentContent, intake: Option<&IntakeInput>) -> Vec<Suggestion> {
    let chosen: Vec<String> = c
        .diagnoses
        .as_deref()
        .unwrap_or_default()
        .iter()
        .map(|d| d.code.to_uppercase())
        .collect();
    let mut out: Vec<Suggestion> = Vec::new();
    for r in RULES {
        let Some(words) = found(r.when, c, intake) else {
            continue;
        };
        // Only codes of the shipped list: a rule naming any other is a mistake the
        // unit tests catch, and is skipped here rather than offered.
        let Some(entry) = icd10::find(r.code) else {
            continue;
        };
        match out.iter_mut().find(|s| s.code == entry.code) {
            Some(s) if !s.because.contains(&words) => s.because.push(words),
            Some(_) => {}
            None => out.push(Suggestion {
                code: entry.code,
                description: entry.description,
                because: vec![words],
                chosen: chosen.iter().any(|c| c == entry.code),
            }),
        }
    }
    out
}

fn evidence_words(e: Evidence) -> String {
    match e {
        Complaint(a) => format!(
            "the complaint is {} (pain diagram or main complaint)",
            a.label()
        ),
        SegmentFinding(a) => format!("a {} segment with any PART finding", a.label()),
        Tender(a) => format!("a {} segment tender (I or more)", a.label()),
        Hypertonic(a) => format!("{} tone hypertonic or spasm", a.label()),
        Positive(t) => format!("{} positive", t.label()),
    }
}

/// The rule table for `docs/clinical-rules.md`.
pub fn markdown() -> String {
    let mut out =
        String::from("| code | description | suggested when | source |\n|---|---|---|---|\n");
    for r in RULES {
        let description = icd10::find(r.code).map(|c| c.description).unwrap_or("");
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            r.code,
            description,
            evidence_words(r.when),
            r.source
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::assessment::exam_tests::ExamTest;
    use crate::domain::assessment::palpation::{PalpationFinding, SegmentMotion, Tenderness, Tone};
    use crate::domain::assessment::{Diagnosis, Side};

    #[test]
    fn every_rule_names_a_code_of_the_shipped_list() {
        for r in RULES {
            assert!(
                icd10::find(r.code).is_some(),
                "{} is not in icd10.rs",
                r.code
            );
        }
    }

    fn tender(segment: Segment, grade: u8) -> PalpationFinding {
        let mut f = PalpationFinding::normal(segment);
        f.tenderness = Some(Tenderness::try_from(grade).unwrap());
        f
    }

    fn restricted(mut f: PalpationFinding) -> PalpationFinding {
        f.motion = Some(SegmentMotion::Restricted);
        f
    }

    fn positive(test: ExamTestCode, side: Option<Side>) -> ExamTest {
        ExamTest {
            test,
            side,
            result: TestResult::Positive,
            value: None,
            notes: None,
        }
    }

    fn form(complaint: &str, areas: &[&str]) -> IntakeInput {
        IntakeInput {
            chief_complaint: complaint.into(),
            pain_regions: areas.iter().map(|a| (*a).to_owned()).collect(),
            ..IntakeInput::default()
        }
    }

    struct Case {
        name: &'static str,
        palpation: Vec<PalpationFinding>,
        tests: Vec<ExamTest>,
        intake: Option<IntakeInput>,
        want: &'static [&'static str],
    }

    #[test]
    fn what_is_charted_suggests_these_codes() {
        let mut hypertonic_t6 = PalpationFinding::normal(Segment::T6);
        hypertonic_t6.tone = Some(Tone::Spasm);
        let cases = vec![
            Case {
                name: "the realistic exam: lumbar complaint, L4 L5 T12 sacrum tender II and restricted, SLR positive",
                palpation: vec![
                    restricted(tender(Segment::L4, 2)),
                    restricted(tender(Segment::L5, 2)),
                    restricted(tender(Segment::T12, 2)),
                    restricted(tender(Segment::Sacrum, 2)),
                ],
                tests: vec![positive(ExamTestCode::Slr, Some(Side::Left))],
                intake: Some(form(
                    "Low back pain after lifting a suitcase",
                    &["lower_back", "buttocks"],
                )),
                want: &["M99.02", "M99.03", "M99.04", "M54.50", "M62.830", "M54.16"],
            },
            Case {
                name: "nothing charted",
                palpation: vec![],
                tests: vec![],
                intake: None,
                want: &[],
            },
            Case {
                name: "all normal palpation suggests nothing",
                palpation: vec![
                    PalpationFinding::normal(Segment::C5),
                    PalpationFinding::normal(Segment::L3),
                ],
                tests: vec![],
                intake: None,
                want: &[],
            },
            Case {
                name: "a neck complaint with a restricted C5 and a positive Spurling's",
                palpation: vec![restricted(PalpationFinding::normal(Segment::C5))],
                tests: vec![positive(ExamTestCode::Spurling, Some(Side::Right))],
                intake: Some(form("Stiff neck", &[])),
                want: &["M99.01", "M54.2", "M54.12"],
            },
            Case {
                name: "spasm at T6 without tenderness",
                palpation: vec![hypertonic_t6],
                tests: vec![],
                intake: None,
                want: &["M99.02", "M62.830"],
            },
            Case {
                name: "an SI joint and the occiput, a rib and a mid-back complaint",
                palpation: vec![
                    tender(Segment::SiLeft, 1),
                    tender(Segment::C0, 1),
                    tender(Segment::Ribs, 1),
                ],
                tests: vec![],
                intake: Some(form("", &["mid_back"])),
                want: &["M99.00", "M99.05", "M99.08", "M54.6"],
            },
            Case {
                name: "a cervical tenderness is no muscle spasm of the back",
                palpation: vec![tender(Segment::C3, 2)],
                tests: vec![],
                intake: None,
                want: &["M99.01"],
            },
            Case {
                name: "a negative SLR suggests nothing",
                palpation: vec![],
                tests: vec![ExamTest {
                    result: TestResult::Negative,
                    ..positive(ExamTestCode::Slr, Some(Side::Left))
                }],
                intake: None,
                want: &[],
            },
        ];
        for case in cases {
            let c = AssessmentContent {
                palpation: Some(case.palpation),
                tests: Some(case.tests),
                ..AssessmentContent::default()
            };
            let got: Vec<&str> = suggest(&c, case.intake.as_ref())
                .iter()
                .map(|s| s.code)
                .collect();
            assert_eq!(got, case.want, "{}", case.name);
        }
    }

    #[test]
    fn a_suggestion_says_why_and_whether_it_is_chosen() {
        let c = AssessmentContent {
            palpation: Some(vec![
                tender(Segment::L4, 2),
                restricted(tender(Segment::L5, 2)),
            ]),
            tests: Some(vec![positive(ExamTestCode::Slr, Some(Side::Left))]),
            diagnoses: Some(vec![Diagnosis {
                code: "m99.03".into(),
                primary: true,
                description: String::new(),
                notes: None,
            }]),
            ..AssessmentContent::default()
        };
        let s = suggest(&c, None);
        let lumbar = s.iter().find(|s| s.code == "M99.03").unwrap();
        assert!(lumbar.chosen, "already a diagnosis (in any case)");
        assert_eq!(
            lumbar.because,
            vec!["palpation: L4, L5 (PART met)".to_owned()]
        );
        let spasm = s.iter().find(|s| s.code == "M62.830").unwrap();
        assert!(!spasm.chosen);
        assert_eq!(spasm.because, vec!["tender: L4, L5".to_owned()]);
        let radic = s.iter().find(|s| s.code == "M54.16").unwrap();
        assert_eq!(
            radic.because,
            vec!["Straight-leg raise positive (left)".to_owned()]
        );
        let only_tender = AssessmentContent {
            palpation: Some(vec![tender(Segment::L4, 1)]),
            ..AssessmentContent::default()
        };
        assert_eq!(
            suggest(&only_tender, None)[0].because,
            vec!["palpation: L4 (PART 2 of 4 with A or R not yet met)".to_owned()],
            "the chip says when Medicare's subluxation is not yet shown"
        );
    }

    #[test]
    fn the_doc_table_has_a_row_per_rule() {
        assert_eq!(markdown().lines().count(), RULES.len() + 2);
    }
}
