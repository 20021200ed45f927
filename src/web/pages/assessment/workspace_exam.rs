//! The workspace's exam sections as grid lines: posture, range of motion, palpation,
//! tests and the neurological screen. Every choice is a vocabulary's code and label; a
//! finding not recorded is an unselected choice ("not recorded").

use super::pictures::segment_look;
use super::{Opt, opts, s, side_opts};
use crate::domain::assessment::AssessmentContent;
use crate::domain::assessment::Side;
use crate::domain::assessment::exam_tests::{self, LimbSide, NeuroExam};
use crate::domain::assessment::palpation::{
    self, Alignment, Direction, SegmentMotion, Structure, Swelling, Tenderness, Tone,
};
use crate::domain::assessment::posture::{PostureArea, PostureFindingCode};
use crate::domain::assessment::rom::{self, RomMethod};
use crate::domain::intake::PainArea;

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
    /// The motion alone ("Flexion"), under its region's caption.
    pub motion_label: &'static str,
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
    /// How the spine picker draws it: the short name, the state's class (`st-…`), the
    /// badge letter and the findings in words.
    pub short: &'static str,
    /// What the button says after its short name: the full name where it differs
    /// (" (SI joint left)"), before the findings.
    pub name_rest: String,
    pub state: &'static str,
    pub mark: String,
    pub words: String,
    /// The drawn width of the vertebra (`vb-c`, `vb-t`, `vb-l`) or the pelvis' and ribs'
    /// own place (`vb-sacrum`, `vb-si_l`, …).
    pub shape: &'static str,
}

/// Where the spine picker puts a segment: vertebrae by their region's width, the others
/// by their own place beside or under the column.
fn picker_shape(seg: palpation::Segment) -> &'static str {
    use palpation::Segment::*;
    match seg {
        Sacrum => "vb-sacrum",
        Coccyx => "vb-coccyx",
        SiLeft => "vb-si-l",
        SiRight => "vb-si-r",
        Ribs => "vb-ribs",
        C0 => "vb-c vb-occiput",
        s => match s.region() {
            crate::domain::clinical::Region::Cervical => "vb-c",
            crate::domain::clinical::Region::Thoracic => "vb-t",
            _ => "vb-l",
        },
    }
}

pub struct TestLine {
    /// A result other than negative (or not tested) is recorded.
    pub abnormal: bool,
    pub test: &'static str,
    pub label: &'static str,
    pub group: &'static str,
    pub side: Option<&'static str>,
    pub results: Vec<Opt>,
    pub value: String,
    /// The measurement's unit ("°", "cm", "mm"); empty for a test without one.
    pub unit: &'static str,
    /// The number field is offered: the test has a measurement, or a value is stored
    /// (kept in view so a save never drops it).
    pub has_value: bool,
}

pub struct NeuroLine {
    pub code: &'static str,
    pub label: &'static str,
    pub side: &'static str,
    pub grades: Vec<Opt>,
    /// A grade other than the scale's normal one is recorded.
    pub abnormal: bool,
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
                motion_label: motion.label(),
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

/// The ROM of one region: a small table, folded (like the tests' groups) when nothing
/// in it is measured and the pain diagram points elsewhere.
pub struct RomGroup {
    pub name: &'static str,
    pub open: bool,
    /// What the folded line says: "6 motions · none recorded".
    pub summary: String,
    pub lines: Vec<RomLine>,
}

/// Which pain-diagram areas make a region's range of motion part of the complaint:
/// neck, head and arm pain → cervical; back and chest pain → thoracic (a low back
/// complaint has its thoracic rotation screened too, as the thoracolumbar junction
/// shares the motion); low back, buttock and leg pain → lumbar.
const ROM_AREAS: &[(rom::RomRegion, &[PainArea])] = {
    use PainArea::*;
    use rom::RomRegion::*;
    &[
        (Cervical, NECK_COMPLAINT),
        (Thoracic, &[UpperBack, MidBack, LowerBack, Chest]),
        (
            Lumbar,
            &[
                MidBack,
                LowerBack,
                Buttocks,
                LeftHip,
                RightHip,
                LeftThigh,
                RightThigh,
                LeftLowerLeg,
                RightLowerLeg,
                LeftFoot,
                RightFoot,
            ],
        ),
    ]
};

/// What a region's line says: "6 motions · none measured", "4 motions · 4 measured,
/// 2 painful" (a measurement is not "normal" or not by itself: the % beside it says).
fn rom_words(items: usize, measured: usize, painful: usize) -> String {
    match (measured, painful) {
        (0, _) => format!("{items} motions · none measured"),
        (k, 0) => format!("{items} motions · {k} measured"),
        (k, p) => format!("{items} motions · {k} measured, {p} painful"),
    }
}

/// The ROM lines by region, in the grid's order: one small table each; the folded
/// regions come first (one line each), the regions of the complaint after them.
pub fn rom_regions(c: &AssessmentContent, areas: &[PainArea]) -> Vec<RomGroup> {
    let mut out: Vec<(Option<rom::RomRegion>, Vec<RomLine>)> = Vec::new();
    for line in rom_lines(c) {
        let region = rom::RomRegion::parse(line.region);
        match out.last_mut() {
            Some((r, lines)) if *r == region => lines.push(line),
            _ => out.push((region, vec![line])),
        }
    }
    let mut groups: Vec<RomGroup> = out
        .into_iter()
        .map(|(region, lines)| {
            let recorded = lines
                .iter()
                .filter(|l| !l.degrees.is_empty() || l.pain)
                .count();
            let painful = lines.iter().filter(|l| l.pain).count();
            let in_complaint = areas.is_empty()
                || ROM_AREAS
                    .iter()
                    .find(|(r, _)| Some(*r) == region)
                    .is_none_or(|(_, a)| a.iter().any(|x| areas.contains(x)));
            RomGroup {
                name: region.map_or("Other", rom::RomRegion::label),
                open: recorded > 0 || in_complaint,
                summary: rom_words(lines.len(), recorded, painful),
                lines,
            }
        })
        .collect();
    groups.sort_by_key(|g| g.open);
    groups
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
            let look = segment_look(palp_rows, *seg);
            PalpationLine {
                short: look.short,
                name_rest: match seg.label().strip_prefix(look.short) {
                    Some(rest) => rest.to_owned(),
                    None => format!(" ({})", seg.label()),
                },
                state: look.state.class(),
                mark: look.mark,
                words: look.words,
                shape: picker_shape(*seg),
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

/// One test on one line: one cell for an unsided test, Left and Right otherwise.
pub struct TestRow {
    pub label: &'static str,
    pub cells: Vec<TestLine>,
}

impl TestRow {
    /// A sided test with numbers needs the group's full width; the others share a
    /// line with their neighbour (two tests per line on a tablet).
    pub fn wide(&self) -> bool {
        self.cells.len() > 1 && self.cells.iter().any(|c| c.has_value)
    }
}

/// The tests of one region, folded away when nothing in it is recorded and the pain
/// diagram points elsewhere (a group in the complaint's region, or with anything
/// recorded, is always open; nothing recorded is ever folded).
pub struct TestGroup {
    pub name: &'static str,
    pub open: bool,
    /// What the folded line says: how many tests, how many recorded.
    pub summary: String,
    pub rows: Vec<TestRow>,
}

/// The pain-diagram areas of a neck complaint (head, jaw, neck, shoulders, upper back,
/// arms and hands): they open the cervical tests and the cervical range of motion.
const NECK_COMPLAINT: &[PainArea] = {
    use PainArea::*;
    &[
        Head,
        Jaw,
        Neck,
        LeftShoulder,
        RightShoulder,
        UpperBack,
        LeftArm,
        RightArm,
        LeftHand,
        RightHand,
    ]
};

/// Which pain-diagram areas make a test group part of this complaint. Rule of thumb
/// from the screening sets' own regions (part B §4): neck and arm pain → cervical and
/// upper-motor-neuron tests; back, buttock and leg pain → thoracolumbar; low back,
/// buttock, hip and thigh pain → sacroiliac and pelvis.
const GROUP_AREAS: &[(&str, &[PainArea])] = {
    use PainArea::*;
    &[
        ("Cervical", NECK_COMPLAINT),
        (
            "Upper motor neuron",
            &[Neck, LeftArm, RightArm, LeftHand, RightHand],
        ),
        (
            "Thoracolumbar",
            &[
                UpperBack,
                MidBack,
                LowerBack,
                Buttocks,
                LeftThigh,
                RightThigh,
                LeftLowerLeg,
                RightLowerLeg,
                LeftFoot,
                RightFoot,
            ],
        ),
        (
            "Sacroiliac and pelvis",
            &[
                LowerBack, Buttocks, LeftHip, RightHip, LeftThigh, RightThigh,
            ],
        ),
    ]
};

/// Whether a group is part of a complaint drawn on `areas`; with no drawing, every
/// group is.
fn group_in_complaint(group: &str, areas: &[PainArea]) -> bool {
    areas.is_empty()
        || GROUP_AREAS
            .iter()
            .find(|(g, _)| *g == group)
            .is_none_or(|(_, a)| a.iter().any(|x| areas.contains(x)))
}

/// What a folded group says: "6 tests · none recorded", "… · 10 recorded, all
/// normal", "… · 10 recorded, 1 positive or equivocal".
fn recorded_words(
    items: usize,
    recorded: usize,
    abnormal: usize,
    what: &str,
    not_normal: &str,
) -> String {
    match (recorded, abnormal) {
        (0, _) => format!("{items} {what} · none recorded"),
        (k, 0) => format!("{items} {what} · {k} recorded, all normal"),
        (k, a) => format!("{items} {what} · {k} recorded, {a} {not_normal}"),
    }
}

pub fn test_groups(c: &AssessmentContent, areas: &[PainArea]) -> Vec<TestGroup> {
    let mut groups: Vec<TestGroup> = Vec::new();
    for line in test_lines(c) {
        let group = match groups.iter_mut().find(|g| g.name == line.group) {
            Some(g) => g,
            None => {
                groups.push(TestGroup {
                    name: line.group,
                    open: false,
                    summary: String::new(),
                    rows: Vec::new(),
                });
                let last = groups.len() - 1;
                &mut groups[last]
            }
        };
        match group.rows.iter_mut().find(|r| r.label == line.label) {
            Some(r) => r.cells.push(line),
            None => group.rows.push(TestRow {
                label: line.label,
                cells: vec![line],
            }),
        }
    }
    for g in &mut groups {
        let cells = || g.rows.iter().flat_map(|r| &r.cells);
        let recorded = cells().filter(|t| t.results.iter().any(|o| o.on)).count();
        let abnormal = cells().filter(|t| t.abnormal).count();
        g.open = abnormal > 0 || group_in_complaint(g.name, areas);
        g.summary = recorded_words(
            g.rows.len(),
            recorded,
            abnormal,
            "tests",
            "positive or equivocal",
        );
    }
    groups
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
                abnormal: saved.is_some_and(|r| {
                    !matches!(
                        r.result,
                        exam_tests::TestResult::Negative | exam_tests::TestResult::NotTested
                    )
                }),
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
                unit: test.unit().unwrap_or(""),
                has_value: test.unit().is_some() || saved.is_some_and(|r| r.value.is_some()),
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
    normal: G,
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
                abnormal: recorded(*item, *side).is_some_and(|g| g != normal),
            });
        }
    }
    out
}

/// One item of the neurological screen on one line: its Left and Right grades.
pub struct NeuroRow {
    pub label: &'static str,
    pub cells: Vec<NeuroLine>,
}

/// The lines of one scale, Left and Right of each item side by side.
pub fn neuro_rows(lines: Vec<NeuroLine>) -> Vec<NeuroRow> {
    let mut rows: Vec<NeuroRow> = Vec::new();
    for line in lines {
        match rows.last_mut() {
            Some(r) if r.cells.first().is_some_and(|c| c.code == line.code) => r.cells.push(line),
            _ => rows.push(NeuroRow {
                label: line.label,
                cells: vec![line],
            }),
        }
    }
    rows
}

/// One limb of the neurological screen: its reflexes, myotomes and dermatomes, folded
/// (like the tests' groups) when nothing in it is recorded and the pain diagram points
/// to the other one.
pub struct NeuroLimb {
    pub name: &'static str,
    pub open: bool,
    pub summary: String,
    pub reflexes: Vec<NeuroRow>,
    pub strength: Vec<NeuroRow>,
    pub sensation: Vec<NeuroRow>,
}

/// Whether an item of the screen belongs to the upper limb and trunk (C5–T10): the
/// upper reflexes and every cervical or thoracic level; the rest is the lower limb.
fn upper_limb(code: &str) -> bool {
    matches!(code, "biceps" | "brachioradialis" | "triceps")
        || code.starts_with('C')
        || code.starts_with('T')
}

/// The pain-diagram areas that make each limb part of the complaint.
const LIMB_AREAS: [(&str, &[PainArea]); 2] = {
    use PainArea::*;
    [
        (
            "Upper limb and trunk (C5–T10)",
            &[
                Neck,
                LeftShoulder,
                RightShoulder,
                UpperBack,
                MidBack,
                Chest,
                LeftArm,
                RightArm,
                LeftHand,
                RightHand,
            ],
        ),
        (
            "Lower limb (L1–S5)",
            &[
                LowerBack,
                Buttocks,
                LeftHip,
                RightHip,
                LeftThigh,
                RightThigh,
                LeftKnee,
                RightKnee,
                LeftLowerLeg,
                RightLowerLeg,
                LeftFoot,
                RightFoot,
            ],
        ),
    ]
};

pub fn neuro_limbs(c: &AssessmentContent, areas: &[PainArea]) -> Vec<NeuroLimb> {
    let (reflexes, strength, sensation) = neuro_lines(c);
    let split = |lines: Vec<NeuroLine>| -> (Vec<NeuroLine>, Vec<NeuroLine>) {
        lines.into_iter().partition(|l| upper_limb(l.code))
    };
    let (ru, rl) = split(reflexes);
    let (su, sl) = split(strength);
    let (nu, nl) = split(sensation);
    let limbs = [(ru, su, nu), (rl, sl, nl)];
    let mut out: Vec<NeuroLimb> = LIMB_AREAS
        .iter()
        .zip(limbs)
        .map(|((name, limb_areas), (r, s, n))| {
            let all = || r.iter().chain(&s).chain(&n);
            let recorded = all().filter(|l| l.grades.iter().any(|g| g.on)).count();
            let abnormal = all().filter(|l| l.abnormal).count();
            NeuroLimb {
                name,
                open: abnormal > 0
                    || areas.is_empty()
                    || limb_areas.iter().any(|a| areas.contains(a)),
                summary: recorded_words(
                    r.len() + s.len() + n.len(),
                    recorded,
                    abnormal,
                    "grades",
                    "not normal",
                ),
                reflexes: neuro_rows(r),
                strength: neuro_rows(s),
                sensation: neuro_rows(n),
            }
        })
        .collect();
    // The limb of the complaint first.
    out.sort_by_key(|l| !l.open);
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
        ReflexGrade::Normal,
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
        StrengthGrade::G5,
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
        SensationGrade::Normal,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::assessment::exam_tests::{ExamTest, ExamTestCode, TestResult};

    fn open_groups(c: &AssessmentContent, areas: &[PainArea]) -> Vec<&'static str> {
        test_groups(c, areas)
            .into_iter()
            .filter(|g| g.open)
            .map(|g| g.name)
            .collect()
    }

    fn open_limbs(c: &AssessmentContent, areas: &[PainArea]) -> Vec<&'static str> {
        neuro_limbs(c, areas)
            .into_iter()
            .filter(|l| l.open)
            .map(|l| l.name)
            .collect()
    }

    #[test]
    fn groups_open_for_the_complaint_and_for_anything_not_normal() {
        use PainArea::*;
        let empty = AssessmentContent::default();
        let positive_spurling = AssessmentContent {
            tests: Some(vec![ExamTest {
                test: ExamTestCode::Spurling,
                side: Some(crate::domain::assessment::Side::Left),
                result: TestResult::Positive,
                value: None,
                notes: None,
            }]),
            ..AssessmentContent::default()
        };
        let cases: &[(&AssessmentContent, &[PainArea], &[&str])] = &[
            (
                &empty,
                &[],
                &[
                    "Cervical",
                    "Upper motor neuron",
                    "Thoracolumbar",
                    "Sacroiliac and pelvis",
                ],
            ),
            (
                &empty,
                &[LowerBack],
                &["Thoracolumbar", "Sacroiliac and pelvis"],
            ),
            (&empty, &[Neck], &["Cervical", "Upper motor neuron"]),
            (&empty, &[LeftHip], &["Sacroiliac and pelvis"]),
            // A positive test is never folded away, wherever the pain is.
            (
                &positive_spurling,
                &[LowerBack],
                &["Cervical", "Thoracolumbar", "Sacroiliac and pelvis"],
            ),
        ];
        for (content, areas, want) in cases {
            assert_eq!(open_groups(content, areas), *want, "areas {areas:?}");
        }
    }

    #[test]
    fn an_all_normal_neuro_screen_folds_the_limb_the_complaint_is_not_in() {
        let normal = AssessmentContent {
            neuro: Some(NeuroExam::all_normal()),
            ..AssessmentContent::default()
        };
        assert_eq!(
            open_limbs(&normal, &[PainArea::LowerBack]),
            ["Lower limb (L1–S5)"]
        );
        assert_eq!(open_limbs(&normal, &[]).len(), 2, "no diagram: both open");
        let limbs = neuro_limbs(&normal, &[PainArea::LowerBack]);
        let upper = limbs.iter().find(|l| !l.open).map(|l| l.summary.as_str());
        assert!(
            upper.is_some_and(|s| s.ends_with("recorded, all normal")),
            "the folded limb says what it holds: {upper:?}"
        );
    }

    #[test]
    fn rom_regions_fold_outside_the_complaint_unless_measured() {
        use PainArea::*;
        let open = |c: &AssessmentContent, areas: &[PainArea]| -> Vec<&'static str> {
            rom_regions(c, areas)
                .into_iter()
                .filter(|g| g.open)
                .map(|g| g.name)
                .collect()
        };
        let empty = AssessmentContent::default();
        let neck_measured = AssessmentContent {
            rom: Some(vec![
                serde_json::from_value(
                    serde_json::json!({"region": "cervical", "motion": "flexion", "degrees": 40}),
                )
                .expect("a measurement"),
            ]),
            ..AssessmentContent::default()
        };
        let cases: &[(&AssessmentContent, &[PainArea], &[&str])] = &[
            (&empty, &[], &["Cervical", "Thoracic", "Lumbar"]),
            (&empty, &[LowerBack, Buttocks], &["Thoracic", "Lumbar"]),
            (&empty, &[Neck], &["Cervical"]),
            (&empty, &[LeftFoot], &["Lumbar"]),
            // A measured region stays open wherever the pain is.
            (
                &neck_measured,
                &[LowerBack],
                &["Cervical", "Thoracic", "Lumbar"],
            ),
        ];
        for (content, areas, want) in cases {
            assert_eq!(open(content, areas), *want, "areas {areas:?}");
        }
        let folded = rom_regions(&empty, &[LowerBack]);
        assert_eq!(folded[0].name, "Cervical", "the folded line comes first");
        assert!(
            folded[0].summary.ends_with("none measured"),
            "{}",
            folded[0].summary
        );
    }

    #[test]
    fn folded_lines_say_what_they_hold() {
        assert_eq!(
            recorded_words(6, 0, 0, "tests", "positive"),
            "6 tests · none recorded"
        );
        assert_eq!(
            recorded_words(6, 4, 0, "tests", "positive"),
            "6 tests · 4 recorded, all normal"
        );
        assert_eq!(
            recorded_words(6, 4, 1, "tests", "positive"),
            "6 tests · 4 recorded, 1 positive"
        );
    }
}
