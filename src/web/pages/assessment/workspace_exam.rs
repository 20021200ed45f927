//! The workspace's exam sections as grid lines: posture, range of motion, palpation,
//! tests and the neurological screen. Every choice is a vocabulary's code and label; a
//! finding not recorded is an unselected choice ("not recorded").

use super::{Opt, opts, s, side_opts};
use crate::domain::assessment::AssessmentContent;
use crate::domain::assessment::Side;
use crate::domain::assessment::exam_tests::{self, LimbSide, NeuroExam};
use crate::domain::assessment::palpation::{
    self, Alignment, Direction, SegmentMotion, Structure, Swelling, Tenderness, Tone,
};
use crate::domain::assessment::posture::{PostureArea, PostureFindingCode};
use crate::domain::assessment::rom::{self, RomMethod};

pub struct PostureLine {
    pub area: &'static str,
    pub label: &'static str,
    pub findings: Vec<Opt>,
    pub sides: Vec<Opt>,
    pub measure: String,
    pub notes: String,
}

pub struct RomLine {
    pub region: &'static str,
    pub motion: &'static str,
    pub label: String,
    pub normal: Option<u16>,
    pub degrees: String,
    pub percent: Option<u16>,
    pub pain: bool,
    pub methods: Vec<Opt>,
}

pub struct PalpationLine {
    pub segment: &'static str,
    pub label: &'static str,
    pub sides: Vec<Opt>,
    pub structures: Vec<Opt>,
    pub tenderness: Vec<(u8, &'static str, bool)>,
    pub tones: Vec<Opt>,
    pub motions: Vec<Opt>,
    /// Each direction's chip (short label) with its full name for the screen reader.
    pub directions: Vec<(Opt, &'static str)>,
    pub alignments: Vec<Opt>,
    pub swellings: Vec<Opt>,
    pub part: String,
    pub subluxation: bool,
}

pub struct TestLine {
    pub test: &'static str,
    pub label: &'static str,
    pub group: &'static str,
    pub side: Option<&'static str>,
    pub results: Vec<Opt>,
    pub value: String,
}

pub struct NeuroLine {
    pub code: &'static str,
    pub label: &'static str,
    pub side: &'static str,
    pub grades: Vec<Opt>,
}

/// Compact labels for the palpation grid, where six checkboxes share one cell.
fn short_direction(d: Direction) -> &'static str {
    match d {
        Direction::Flexion => "F",
        Direction::Extension => "E",
        Direction::LateralFlexionLeft => "LF L",
        Direction::LateralFlexionRight => "LF R",
        Direction::RotationLeft => "Rot L",
        Direction::RotationRight => "Rot R",
    }
}

pub fn posture_lines(c: &AssessmentContent) -> Vec<PostureLine> {
    let posture_rows = c.posture.as_deref().unwrap_or_default();
    PostureArea::ALL
        .iter()
        .map(|area| {
            let saved = posture_rows.iter().find(|r| r.area == *area);
            PostureLine {
                area: area.as_str(),
                label: area.label(),
                findings: opts(
                    &PostureFindingCode::for_area(*area),
                    PostureFindingCode::as_str,
                    PostureFindingCode::label,
                    saved.map(|r| r.finding),
                ),
                sides: side_opts(saved.and_then(|r| r.side)),
                measure: saved
                    .and_then(|r| r.measure)
                    .map(|m| m.to_string())
                    .unwrap_or_default(),
                notes: saved.map(|r| s(&r.notes)).unwrap_or_default(),
            }
        })
        .collect()
}

pub fn rom_lines(c: &AssessmentContent) -> Vec<RomLine> {
    let rom_rows = c.rom.as_deref().unwrap_or_default();
    rom::grid()
        .into_iter()
        .map(|(region, motion)| {
            let saved = rom_rows
                .iter()
                .find(|r| r.region == region && r.motion == motion);
            RomLine {
                region: region.as_str(),
                motion: motion.as_str(),
                label: format!("{} {}", region.label(), motion.label().to_lowercase()),
                normal: rom::normal_degrees(rom::RomReference::Ama5, region, motion),
                degrees: saved
                    .and_then(|r| r.degrees)
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                percent: saved.and_then(|r| r.percent_of_normal),
                pain: saved.is_some_and(|r| r.pain),
                methods: opts(
                    RomMethod::ALL,
                    RomMethod::as_str,
                    RomMethod::label,
                    Some(saved.map(|r| r.method).unwrap_or(RomMethod::Visual)),
                ),
            }
        })
        .collect()
}

pub fn palpation_lines(c: &AssessmentContent) -> Vec<PalpationLine> {
    let palp_rows = c.palpation.as_deref().unwrap_or_default();
    let parts = palpation::part_by_segment(palp_rows);
    palpation::Segment::ALL
        .iter()
        .map(|seg| {
            let saved = palp_rows.iter().find(|r| r.segment == *seg);
            let part = parts
                .iter()
                .find(|(s, _)| s == seg)
                .map(|(_, p)| *p)
                .unwrap_or_default();
            let t = saved.and_then(|r| r.tenderness).map(|t| t.grade());
            PalpationLine {
                segment: seg.as_str(),
                label: seg.label(),
                sides: side_opts(saved.and_then(|r| r.side)),
                structures: opts(
                    Structure::ALL,
                    Structure::as_str,
                    Structure::label,
                    saved.and_then(|r| r.structure),
                ),
                tenderness: Tenderness::GRADES
                    .iter()
                    .map(|(g, roman, _)| (*g, *roman, t == Some(*g)))
                    .collect(),
                tones: opts(
                    Tone::ALL,
                    Tone::as_str,
                    Tone::label,
                    saved.and_then(|r| r.tone),
                ),
                motions: opts(
                    SegmentMotion::ALL,
                    SegmentMotion::as_str,
                    SegmentMotion::label,
                    saved.and_then(|r| r.motion),
                ),
                directions: Direction::ALL
                    .iter()
                    .map(|d| {
                        let chip = Opt {
                            code: d.as_str(),
                            label: short_direction(*d),
                            on: saved.is_some_and(|r| r.restricted.contains(d)),
                        };
                        (chip, d.label())
                    })
                    .collect(),
                alignments: opts(
                    Alignment::ALL,
                    Alignment::as_str,
                    Alignment::label,
                    saved.and_then(|r| r.alignment),
                ),
                swellings: opts(
                    Swelling::ALL,
                    Swelling::as_str,
                    Swelling::label,
                    saved.and_then(|r| r.swelling),
                ),
                part: part.letters(),
                subluxation: part.subluxation(),
            }
        })
        .collect()
}

pub fn test_lines(c: &AssessmentContent) -> Vec<TestLine> {
    let test_rows = c.tests.as_deref().unwrap_or_default();
    exam_tests::grid()
        .into_iter()
        .map(|(test, side)| {
            let saved = test_rows.iter().find(|r| r.test == test && r.side == side);
            TestLine {
                test: test.as_str(),
                label: test.label(),
                group: test.group(),
                side: side.map(Side::as_str),
                results: opts(
                    exam_tests::TestResult::ALL,
                    exam_tests::TestResult::as_str,
                    exam_tests::TestResult::label,
                    saved.map(|r| r.result),
                ),
                value: saved
                    .and_then(|r| r.value)
                    .map(|v| v.to_string())
                    .unwrap_or_default(),
            }
        })
        .collect()
}

/// A grading scale: its grades, each grade's code and its label.
type Scale<G> = (&'static [G], fn(G) -> &'static str, fn(G) -> &'static str);

/// One grid line per item and side, with its recorded grade selected.
fn neuro_grid<I: Copy + PartialEq, G: Copy + PartialEq>(
    items: &[I],
    code: fn(I) -> &'static str,
    label: fn(I) -> &'static str,
    grades: Scale<G>,
    recorded: impl Fn(I, LimbSide) -> Option<G>,
) -> Vec<NeuroLine> {
    let mut out = Vec::new();
    for item in items {
        for side in LimbSide::ALL {
            out.push(NeuroLine {
                code: code(*item),
                label: label(*item),
                side: side.as_str(),
                grades: opts(grades.0, grades.1, grades.2, recorded(*item, *side)),
            });
        }
    }
    out
}

/// Reflexes, strength and sensation lines.
pub fn neuro_lines(c: &AssessmentContent) -> (Vec<NeuroLine>, Vec<NeuroLine>, Vec<NeuroLine>) {
    use exam_tests::{Dermatome, Myotome, Reflex, ReflexGrade, SensationGrade, StrengthGrade};
    let neuro: NeuroExam = c.neuro.clone().unwrap_or_default();
    let reflexes = neuro_grid(
        Reflex::ALL,
        Reflex::as_str,
        Reflex::label,
        (ReflexGrade::ALL, ReflexGrade::as_str, ReflexGrade::label),
        |r, side| {
            neuro
                .reflexes
                .iter()
                .find(|x| x.reflex == r && x.side == side)
                .map(|x| x.grade)
        },
    );
    let strength = neuro_grid(
        Myotome::ALL,
        Myotome::as_str,
        Myotome::label,
        (
            StrengthGrade::ALL,
            StrengthGrade::as_str,
            StrengthGrade::label,
        ),
        |m, side| {
            neuro
                .strength
                .iter()
                .find(|x| x.myotome == m && x.side == side)
                .map(|x| x.grade)
        },
    );
    let sensation = neuro_grid(
        Dermatome::ALL,
        Dermatome::as_str,
        Dermatome::label,
        (
            SensationGrade::ALL,
            SensationGrade::as_str,
            SensationGrade::label,
        ),
        |d, side| {
            neuro
                .sensation
                .iter()
                .find(|x| x.dermatome == d && x.side == side)
                .map(|x| x.grade)
        },
    );
    (reflexes, strength, sensation)
}
