//! Server-rendered SVG pictures of an assessment, for the printable summary: the spine
//! map (palpation by segment), the range-of-motion chart and the patient's pain
//! diagram. Pure functions returning SVG markup to embed in the page; the only text
//! they write is numbers and our own labels, escaped all the same.
//!
//! Colour is never the only cue: every state also has a pattern or a word, every shape
//! a `<title>`, and each picture a `role="img"` with an `aria-label` summing it up. No
//! `style` attribute anywhere (the CSP allows no inline styles): presentation
//! attributes only.

use std::fmt::Write as _;

use super::body_map::{self, Shape};
use crate::domain::assessment::palpation::{
    Alignment, PalpationFinding, Segment, SegmentMotion, Swelling, Tenderness, Tone,
    part_by_segment,
};
use crate::domain::assessment::rom::RomMeasurement;
use crate::domain::intake::PainArea;

/// Escapes text for SVG (XML) content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const INK: &str = "#1b2733";
const MUTED: &str = "#5a6b7b";
const FONT: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

fn svg_open(out: &mut String, id: &str, w: u32, h: u32, label: &str) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="picture" id="{id}" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{label}" font-family="{FONT}" font-size="10" fill="{INK}">"#,
        id = esc(id),
        label = esc(label),
    );
}

/// A small "nothing here" picture, so an empty input still says why it is empty.
fn empty_state(id: &str, w: u32, label: &str, message: &str) -> String {
    let mut out = String::new();
    svg_open(&mut out, id, w, 48, label);
    let _ = write!(
        out,
        r##"<rect x="1" y="1" width="{iw}" height="46" rx="6" fill="#ffffff" stroke="{MUTED}" stroke-dasharray="4 3"/><text x="{cx}" y="29" text-anchor="middle" font-size="12" fill="{MUTED}">{msg}</text></svg>"##,
        iw = w - 2,
        cx = w / 2,
        msg = esc(message),
    );
    out
}

// ---------------------------------------------------------------------------------
// Spine map
// ---------------------------------------------------------------------------------

/// What the spine map shows for one segment, from all the findings recorded at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentState {
    /// Palpation was charted but nothing was recorded at this segment.
    NotRecorded,
    Normal,
    /// Asymmetry or tissue findings only (no tenderness, normal motion).
    Other,
    /// Tender, grade 1–4 (I–IV).
    Tender(u8),
    Hypermobile,
    Restricted,
}

/// Fill colours per state; each also has a word, and restricted and hypermobile a pattern.
pub const NORMAL_FILL: &str = "#dff0e3";
pub const NOT_RECORDED_FILL: &str = "#ffffff";
pub const OTHER_FILL: &str = "#e4dcef";
pub const TENDER_FILLS: [&str; 4] = ["#fdebc8", "#f7c873", "#e8913a", "#b85412"];
pub const RESTRICTED_FILL: &str = "#c0392b";
pub const HYPERMOBILE_FILL: &str = "#2e6fb0";

impl SegmentState {
    pub fn of(findings: &[&PalpationFinding]) -> SegmentState {
        if findings.is_empty() {
            return SegmentState::NotRecorded;
        }
        if findings
            .iter()
            .any(|f| f.motion == Some(SegmentMotion::Restricted))
        {
            return SegmentState::Restricted;
        }
        if findings
            .iter()
            .any(|f| f.motion == Some(SegmentMotion::Hypermobile))
        {
            return SegmentState::Hypermobile;
        }
        let grade = findings
            .iter()
            .filter_map(|f| f.tenderness.map(|t| t.grade()))
            .max()
            .unwrap_or(0);
        if grade > 0 {
            return SegmentState::Tender(grade.min(4));
        }
        if findings.iter().any(|f| f.part().count() > 0) {
            return SegmentState::Other;
        }
        SegmentState::Normal
    }

    pub fn fill(self) -> &'static str {
        match self {
            SegmentState::NotRecorded => NOT_RECORDED_FILL,
            SegmentState::Normal => NORMAL_FILL,
            SegmentState::Other => OTHER_FILL,
            SegmentState::Tender(g) => TENDER_FILLS[usize::from(g.clamp(1, 4) - 1)],
            SegmentState::Hypermobile => HYPERMOBILE_FILL,
            SegmentState::Restricted => RESTRICTED_FILL,
        }
    }

    fn stroke(self) -> &'static str {
        match self {
            SegmentState::NotRecorded => "#8a97a5",
            SegmentState::Normal => "#1d6b3a",
            SegmentState::Other => "#5b3f86",
            SegmentState::Tender(_) => "#7a3a0c",
            SegmentState::Hypermobile => "#153d66",
            SegmentState::Restricted => "#6d0f12",
        }
    }

    /// Text drawn on the fill: white on the dark ones.
    fn text_fill(self) -> &'static str {
        match self {
            SegmentState::Restricted | SegmentState::Hypermobile | SegmentState::Tender(3 | 4) => {
                "#ffffff"
            }
            _ => INK,
        }
    }

    /// The pattern laid over the fill, so the state survives a black-and-white print.
    fn pattern(self) -> Option<&'static str> {
        match self {
            SegmentState::Restricted => Some("spine-hatch"),
            SegmentState::Hypermobile => Some("spine-dots"),
            _ => None,
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            SegmentState::NotRecorded => "not recorded",
            SegmentState::Normal => "normal",
            SegmentState::Other => "other finding",
            SegmentState::Tender(_) => "tender",
            SegmentState::Hypermobile => "hypermobile",
            SegmentState::Restricted => "restricted",
        }
    }
}

const SP_W: u32 = 460;
const SP_TOP: u32 = 30;
const SP_ROW: u32 = 15;
const SP_CX: u32 = 130;
/// Rows: C0…L5 (25), the sacrum with the SI joints (3), the coccyx, the ribs' note.
const SP_ROWS: u32 = 30;
const SP_NOTE_X: u32 = 215;

fn row_y(row: u32) -> u32 {
    SP_TOP + row * SP_ROW
}

/// The vertebrae, head to tail, with their drawn width.
fn vertebra_width(s: Segment) -> Option<u32> {
    use Segment::*;
    Some(match s {
        C0 => 56,
        C1 | C2 | C3 | C4 | C5 | C6 | C7 => 40,
        T1 | T2 | T3 | T4 | T5 | T6 | T7 | T8 | T9 | T10 | T11 | T12 => 50,
        L1 | L2 | L3 | L4 | L5 => 64,
        _ => return None,
    })
}

/// The row of the annotation for a segment.
fn note_row(s: Segment) -> u32 {
    match s {
        Segment::SiLeft => 25,
        Segment::Sacrum => 26,
        Segment::SiRight => 27,
        Segment::Coccyx => 28,
        Segment::Ribs => 29,
        v => Segment::ALL.iter().position(|x| *x == v).unwrap_or(0) as u32,
    }
}

/// The short name drawn beside a segment.
fn short_name(s: Segment) -> &'static str {
    match s {
        Segment::C0 => "C0",
        Segment::Sacrum => "Sacrum",
        Segment::Coccyx => "Coccyx",
        Segment::SiLeft => "SI L",
        Segment::SiRight => "SI R",
        Segment::Ribs => "Ribs",
        other => other.as_str(),
    }
}

/// The shapes of one segment (an SVG fragment, with the given fill and stroke).
fn segment_shapes(s: Segment, fill: &str, stroke: &str, dash: &str) -> String {
    let attrs = format!(r#"fill="{fill}" stroke="{stroke}" stroke-width="1.2"{dash}"#);
    if let Some(w) = vertebra_width(s) {
        let row = note_row(s);
        let (x, y) = (SP_CX - w / 2, row_y(row) + 1);
        let rx = if s == Segment::C0 { 6 } else { 3 };
        return format!(r#"<rect x="{x}" y="{y}" width="{w}" height="12" rx="{rx}" {attrs}/>"#);
    }
    let sac_top = row_y(25) + 1;
    let sac_h = 3 * SP_ROW - 3;
    match s {
        Segment::Sacrum => format!(
            r#"<path d="M{} {sac_top} H{} L{} {} H{} Z" {attrs}/>"#,
            SP_CX - 34,
            SP_CX + 34,
            SP_CX + 15,
            sac_top + sac_h,
            SP_CX - 15,
        ),
        Segment::SiLeft => format!(
            r#"<rect x="{}" y="{}" width="20" height="22" rx="5" {attrs}/>"#,
            SP_CX - 58,
            sac_top + 2
        ),
        Segment::SiRight => format!(
            r#"<rect x="{}" y="{}" width="20" height="22" rx="5" {attrs}/>"#,
            SP_CX + 38,
            sac_top + 2
        ),
        Segment::Coccyx => {
            let y = row_y(28) + 1;
            format!(
                r#"<path d="M{} {y} H{} L{} {} Z" {attrs}/>"#,
                SP_CX - 10,
                SP_CX + 10,
                SP_CX,
                y + 12
            )
        }
        _ => {
            // Ribs: one shape each side of the thoracic spine, T1 to T12.
            let (y, h) = (row_y(8) + 1, 12 * SP_ROW - 2);
            format!(
                r#"<rect x="{}" y="{y}" width="22" height="{h}" rx="9" {attrs}/><rect x="{}" y="{y}" width="22" height="{h}" rx="9" {attrs}/>"#,
                SP_CX - 53,
                SP_CX + 31
            )
        }
    }
}

/// The label of a segment: beside the vertebrae on the left, on or under the others.
fn segment_label(s: Segment, state: SegmentState) -> String {
    let name = esc(short_name(s));
    match s {
        Segment::SiLeft => format!(
            r#"<text x="{}" y="{}" text-anchor="middle" font-size="8">{name}</text>"#,
            SP_CX - 48,
            row_y(27) + 11
        ),
        Segment::SiRight => format!(
            r#"<text x="{}" y="{}" text-anchor="middle" font-size="8">{name}</text>"#,
            SP_CX + 48,
            row_y(27) + 11
        ),
        Segment::Ribs => {
            let y = row_y(14) + 4;
            let fill = state.text_fill();
            format!(
                r#"<text x="{lx}" y="{y}" text-anchor="middle" font-size="9" font-weight="700" fill="{fill}" transform="rotate(-90 {lx} {y})">{name}</text><text x="{rx}" y="{y}" text-anchor="middle" font-size="9" font-weight="700" fill="{fill}" transform="rotate(90 {rx} {y})">{name}</text>"#,
                lx = SP_CX - 42,
                rx = SP_CX + 42,
            )
        }
        _ => format!(
            r#"<text x="58" y="{}" text-anchor="end">{name}</text>"#,
            row_y(note_row(s)) + 10
        ),
    }
}

/// The words for a segment's findings: "restricted, tender II, PART PAR".
fn segment_words(state: SegmentState, findings: &[&PalpationFinding], full: bool) -> String {
    let mut parts: Vec<String> = Vec::new();
    let restricted = findings
        .iter()
        .any(|f| f.motion == Some(SegmentMotion::Restricted));
    let hyper = findings
        .iter()
        .any(|f| f.motion == Some(SegmentMotion::Hypermobile));
    if restricted {
        let mut dirs: Vec<&str> = findings
            .iter()
            .flat_map(|f| f.restricted.iter().map(|d| d.label()))
            .collect();
        dirs.dedup();
        if full && !dirs.is_empty() {
            parts.push(format!("restricted ({})", dirs.join(", ")));
        } else {
            parts.push("restricted".into());
        }
    }
    if hyper {
        parts.push("hypermobile".into());
    }
    if let Some(t) = findings
        .iter()
        .filter_map(|f| f.tenderness)
        .max()
        .filter(|t| t.grade() > 0)
    {
        parts.push(format!("tender {}", t.roman()));
    }
    let misaligned = findings
        .iter()
        .filter_map(|f| f.alignment)
        .find(|a| *a != Alignment::Normal);
    if let Some(a) = misaligned {
        parts.push(a.label().to_lowercase());
    }
    if full {
        if let Some(t) = findings
            .iter()
            .filter_map(|f| f.tone)
            .find(|t| *t != Tone::Normal)
        {
            parts.push(format!("tone {}", t.label().to_lowercase()));
        }
        let swelling = findings
            .iter()
            .filter_map(|f| f.swelling)
            .find(|s| *s != Swelling::None);
        if let Some(s) = swelling {
            parts.push(format!("swelling {}", s.label().to_lowercase()));
        }
    } else if findings.iter().any(|f| f.part().tissue) {
        parts.push("tissue".into());
    }
    if parts.is_empty() {
        parts.push(state.word().to_owned());
    }
    parts.join(", ")
}

fn spine_defs(out: &mut String) {
    out.push_str(concat!(
        r##"<defs>"##,
        r##"<pattern id="spine-hatch" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="5" stroke="#ffffff" stroke-width="1.6"/></pattern>"##,
        r##"<pattern id="spine-dots" width="5" height="5" patternUnits="userSpaceOnUse"><circle cx="2.5" cy="2.5" r="1.1" fill="#ffffff"/></pattern>"##,
        r##"</defs>"##,
    ));
}

fn legend_swatch(out: &mut String, x: u32, y: u32, state: SegmentState, text: &str) {
    let _ = write!(
        out,
        r#"<rect x="{x}" y="{y}" width="18" height="11" rx="2" fill="{}" stroke="{}" stroke-width="1.2"{}/>"#,
        state.fill(),
        state.stroke(),
        if state == SegmentState::NotRecorded {
            r#" stroke-dasharray="3 2""#
        } else {
            ""
        },
    );
    if let Some(p) = state.pattern() {
        let _ = write!(
            out,
            r#"<rect x="{x}" y="{y}" width="18" height="11" rx="2" fill="url(#{p})"/>"#
        );
    }
    let _ = write!(
        out,
        r#"<text x="{}" y="{}">{}</text>"#,
        x + 24,
        y + 9,
        esc(text)
    );
}

/// The spine seen from behind, every [`Segment`] drawn and coloured by its findings,
/// with a legend, the PART letters and the findings in words beside each abnormal one.
pub fn spine_map(palpation: &[PalpationFinding]) -> String {
    let parts = part_by_segment(palpation);
    let at = |s: Segment| -> Vec<&PalpationFinding> {
        palpation.iter().filter(|f| f.segment == s).collect()
    };
    let legend_top = row_y(SP_ROWS) + 10;
    let height = legend_top + 78;
    let abnormal: Vec<String> = Segment::ALL
        .iter()
        .filter(|s| {
            let st = SegmentState::of(&at(**s));
            !matches!(st, SegmentState::Normal | SegmentState::NotRecorded)
        })
        .map(|s| {
            format!(
                "{} {}",
                short_name(*s),
                segment_words(SegmentState::of(&at(*s)), &at(*s), false)
            )
        })
        .collect();
    let label = if palpation.is_empty() {
        "Spine map: no palpation findings recorded.".to_owned()
    } else if abnormal.is_empty() {
        "Spine map, seen from behind: every segment recorded is normal.".to_owned()
    } else {
        format!(
            "Spine map, seen from behind. Findings: {}.",
            abnormal.join("; ")
        )
    };

    let mut out = String::new();
    svg_open(&mut out, "spine-map", SP_W, height, &label);
    spine_defs(&mut out);
    let _ = write!(
        out,
        r#"<text x="4" y="14" font-size="10" fill="{MUTED}">Seen from behind: the patient's left is on your left.</text>"#
    );
    for s in Segment::ALL {
        let findings = at(*s);
        let state = SegmentState::of(&findings);
        let part = parts
            .iter()
            .find(|(x, _)| x == s)
            .map(|(_, p)| *p)
            .unwrap_or_default();
        let letters = part.letters();
        let title = format!(
            "{}: {} · PART: {}",
            s.label(),
            segment_words(state, &findings, true),
            if letters.is_empty() {
                "none".to_owned()
            } else {
                letters.clone()
            },
        );
        let dash = if state == SegmentState::NotRecorded {
            r#" stroke-dasharray="3 2""#
        } else {
            ""
        };
        let _ = write!(
            out,
            r#"<g class="segment" data-segment="{}" data-state="{}"><title>{}</title>"#,
            esc(s.as_str()),
            esc(state.word()),
            esc(&title)
        );
        out.push_str(&segment_shapes(*s, state.fill(), state.stroke(), dash));
        if let Some(p) = state.pattern() {
            out.push_str(&segment_shapes(*s, &format!("url(#{p})"), "none", ""));
        }
        out.push_str(&segment_label(*s, state));
        if !matches!(state, SegmentState::Normal | SegmentState::NotRecorded) {
            let mark = match state {
                SegmentState::Restricted => "R".to_owned(),
                SegmentState::Hypermobile => "H".to_owned(),
                SegmentState::Tender(g) => Tenderness::GRADES[usize::from(g.min(4))].1.to_owned(),
                _ => "•".to_owned(),
            };
            let y = row_y(note_row(*s));
            let note = format!(
                "{} {}{}",
                short_name(*s),
                segment_words(state, &findings, false),
                if letters.is_empty() {
                    String::new()
                } else {
                    format!(" · PART {letters}")
                },
            );
            // A letter badge beside the segment and the words in the notes column.
            let _ = write!(
                out,
                r##"<rect x="{bx}" y="{by}" width="16" height="12" rx="2" fill="#ffffff" stroke="{st}"/><text x="{tx}" y="{ty}" text-anchor="middle" font-size="8" font-weight="700">{mark}</text><text x="{SP_NOTE_X}" y="{ny}">{note}</text>"##,
                bx = SP_NOTE_X - 22,
                by = y + 1,
                st = state.stroke(),
                tx = SP_NOTE_X - 14,
                ty = y + 10,
                mark = esc(&mark),
                ny = y + 10,
                note = esc(&note),
            );
        }
        out.push_str("</g>");
    }
    if palpation.is_empty() {
        let _ = write!(
            out,
            r##"<rect x="{x}" y="{y}" width="230" height="40" rx="6" fill="#ffffff" stroke="{MUTED}"/><text x="{tx}" y="{ty}" text-anchor="middle" font-size="11">No palpation findings recorded.</text>"##,
            x = SP_NOTE_X - 10,
            y = row_y(12),
            tx = SP_NOTE_X + 105,
            ty = row_y(12) + 24,
        );
    }
    // Legend.
    let ly = legend_top;
    let _ = write!(
        out,
        r#"<line x1="0" y1="{y}" x2="{SP_W}" y2="{y}" stroke="{MUTED}" stroke-width="0.5"/>"#,
        y = ly - 4
    );
    legend_swatch(&mut out, 4, ly + 2, SegmentState::Normal, "Normal");
    legend_swatch(
        &mut out,
        4,
        ly + 18,
        SegmentState::NotRecorded,
        "Not recorded",
    );
    legend_swatch(
        &mut out,
        4,
        ly + 34,
        SegmentState::Other,
        "Other (alignment, tone, swelling)",
    );
    legend_swatch(
        &mut out,
        230,
        ly + 2,
        SegmentState::Restricted,
        "Restricted (R, hatched)",
    );
    legend_swatch(
        &mut out,
        230,
        ly + 18,
        SegmentState::Hypermobile,
        "Hypermobile (H, dotted)",
    );
    for g in 1..=4u8 {
        let x = 230 + u32::from(g - 1) * 20;
        let st = SegmentState::Tender(g);
        let _ = write!(
            out,
            r#"<rect x="{x}" y="{y}" width="18" height="11" rx="2" fill="{}" stroke="{}" stroke-width="1.2"/><text x="{tx}" y="{ty}" text-anchor="middle" font-size="7" fill="{}">{}</text>"#,
            st.fill(),
            st.stroke(),
            st.text_fill(),
            Tenderness::GRADES[usize::from(g)].1,
            y = ly + 34,
            tx = x + 9,
            ty = ly + 43,
        );
    }
    let _ = write!(
        out,
        r#"<text x="314" y="{}">Tender, grade I–IV</text>"#,
        ly + 43
    );
    let _ = write!(
        out,
        r#"<text x="4" y="{}" fill="{MUTED}">PART: P pain/tenderness · A asymmetry/alignment · R range of motion · T tissue/tone</text>"#,
        ly + 64
    );
    out.push_str("</svg>");
    out
}

// ---------------------------------------------------------------------------------
// Range-of-motion chart
// ---------------------------------------------------------------------------------

const ROM_W: u32 = 540;
const ROM_LABEL_X: u32 = 168;
const ROM_X0: u32 = 176;
const ROM_BAR_W: u32 = 220;
const ROM_TOP: u32 = 22;
const ROM_ROW: u32 = 22;
pub const ROM_BAR_FILL: &str = "#1f5f8b";
const PAIN: &str = "#a4161a";

/// The chart's scale: the largest value drawn, rounded up to ten degrees.
fn rom_scale_max(rows: &[&RomMeasurement]) -> u32 {
    let max = rows
        .iter()
        .flat_map(|r| [r.degrees, r.normal_degrees])
        .flatten()
        .map(u32::from)
        .max()
        .unwrap_or(0);
    (max.div_ceil(10) * 10).max(10)
}

fn motion_name(r: &RomMeasurement) -> String {
    format!("{} {}", r.region.label(), r.motion.label().to_lowercase())
}

/// Horizontal bars per measured motion: the measurement against the reference's normal
/// (a black line), with the percentage of normal and pain at end of range marked.
pub fn rom_chart(rom: &[RomMeasurement]) -> String {
    let rows: Vec<&RomMeasurement> = rom
        .iter()
        .filter(|r| r.degrees.is_some() || r.pain)
        .collect();
    if rows.is_empty() {
        return empty_state(
            "rom-chart",
            ROM_W,
            "Range of motion chart: no motion measured.",
            "No range of motion measured.",
        );
    }
    let max = rom_scale_max(&rows);
    let px = |deg: u32| -> u32 { ROM_X0 + deg * ROM_BAR_W / max };
    let n = rows.len() as u32;
    let axis_y = ROM_TOP + n * ROM_ROW + 4;
    let height = axis_y + 46;
    let summary: Vec<String> = rows
        .iter()
        .map(|r| {
            let mut s = motion_name(r);
            match (r.degrees, r.percent_of_normal) {
                (Some(d), Some(p)) => {
                    let _ = write!(s, " {d}° ({p}% of normal)");
                }
                (Some(d), None) => {
                    let _ = write!(s, " {d}°");
                }
                _ => s.push_str(" not measured"),
            }
            if r.pain {
                s.push_str(", pain");
            }
            s
        })
        .collect();
    let label = format!("Range of motion chart: {}.", summary.join("; "));
    let mut out = String::new();
    svg_open(&mut out, "rom-chart", ROM_W, height, &label);
    let _ = write!(
        out,
        r#"<text x="{ROM_X0}" y="12" font-size="9" fill="{MUTED}">Degrees; the black line is the normal for the named reference.</text>"#
    );
    // Grid and axis.
    let step = if max <= 60 {
        10
    } else if max <= 120 {
        20
    } else {
        30
    };
    let mut t = 0;
    while t <= max {
        let x = px(t);
        let _ = write!(
            out,
            r##"<line x1="{x}" y1="{ROM_TOP}" x2="{x}" y2="{axis_y}" stroke="#d5dde5" stroke-width="0.8"/><text x="{x}" y="{ty}" text-anchor="middle" font-size="9" fill="{MUTED}">{t}°</text>"##,
            ty = axis_y + 12,
        );
        t += step;
    }
    let _ = write!(
        out,
        r#"<line x1="{ROM_X0}" y1="{axis_y}" x2="{x2}" y2="{axis_y}" stroke="{MUTED}"/>"#,
        x2 = px(max)
    );
    for (i, r) in rows.iter().enumerate() {
        let y = ROM_TOP + i as u32 * ROM_ROW;
        let name = motion_name(r);
        let mut title = name.clone();
        match r.degrees {
            Some(d) => {
                let _ = write!(title, ": {d}°");
            }
            None => title.push_str(": not measured"),
        }
        match r.normal_degrees {
            Some(nd) => {
                let _ = write!(title, " of {nd}° normal ({})", r.reference.label());
            }
            None => {
                let _ = write!(title, " (no normal value in {})", r.reference.label());
            }
        }
        if let Some(p) = r.percent_of_normal {
            let _ = write!(title, ", {p}% of normal");
        }
        if r.pain {
            title.push_str(", pain at end of range");
        }
        if !r.active {
            title.push_str(", passive");
        }
        let _ = write!(
            out,
            r#"<g class="rom-row" data-motion="{}-{}"><title>{}</title><text x="{ROM_LABEL_X}" y="{ty}" text-anchor="end">{}</text>"#,
            esc(r.region.as_str()),
            esc(r.motion.as_str()),
            esc(&title),
            esc(&name),
            ty = y + 14,
        );
        if let Some(d) = r.degrees {
            let w = px(u32::from(d)) - ROM_X0;
            let _ = write!(
                out,
                r#"<rect class="bar" x="{ROM_X0}" y="{by}" width="{w}" height="12" fill="{ROM_BAR_FILL}"/>"#,
                by = y + 5,
            );
        }
        if let Some(nd) = r.normal_degrees.filter(|n| *n > 0) {
            let x = px(u32::from(nd));
            let _ = write!(
                out,
                r##"<line class="normal" x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="#000000" stroke-width="2.2"/>"##,
                y1 = y + 2,
                y2 = y + 20,
            );
        }
        let mut text = match (r.degrees, r.normal_degrees) {
            (Some(d), Some(nd)) if nd > 0 => format!("{d}° / {nd}°"),
            (Some(d), Some(_)) => format!("{d}° (normal 0°)"),
            (Some(d), None) => format!("{d}° (no normal)"),
            (None, _) => "not measured".to_owned(),
        };
        if let Some(p) = r.percent_of_normal {
            let _ = write!(text, " · {p}%");
        }
        let tx = px(max) + 10;
        let _ = write!(
            out,
            r#"<text x="{tx}" y="{ty}" font-weight="600">{}</text>"#,
            esc(&text),
            ty = y + 14
        );
        if r.pain {
            // A red triangle and the word: pain at end of range.
            let px0 = ROM_W - 44;
            let _ = write!(
                out,
                r#"<path d="M{a} {b} L{c} {b} L{m} {top} Z" fill="{PAIN}"/><text x="{tx2}" y="{ty}" fill="{PAIN}" font-weight="700">pain</text>"#,
                a = px0,
                c = px0 + 10,
                m = px0 + 5,
                b = y + 15,
                top = y + 5,
                tx2 = px0 + 13,
                ty = y + 14,
            );
        }
        out.push_str("</g>");
    }
    // Legend.
    let ly = axis_y + 26;
    let _ = write!(
        out,
        r##"<rect x="{ROM_X0}" y="{y}" width="18" height="10" fill="{ROM_BAR_FILL}"/><text x="{t1}" y="{ty}">measured</text><line x1="{l}" y1="{ly1}" x2="{l}" y2="{ly2}" stroke="#000000" stroke-width="2.2"/><text x="{t2}" y="{ty}">normal</text><path d="M{p} {pb} L{pc} {pb} L{pm} {y} Z" fill="{PAIN}"/><text x="{t3}" y="{ty}">pain at end of range</text>"##,
        y = ly,
        t1 = ROM_X0 + 24,
        ty = ly + 9,
        l = ROM_X0 + 90,
        ly1 = ly - 2,
        ly2 = ly + 12,
        t2 = ROM_X0 + 96,
        p = ROM_X0 + 150,
        pb = ly + 10,
        pc = ROM_X0 + 160,
        pm = ROM_X0 + 155,
        t3 = ROM_X0 + 164,
    );
    out.push_str("</svg>");
    out
}

// ---------------------------------------------------------------------------------
// Pain diagram
// ---------------------------------------------------------------------------------

const PD_W: u32 = 440;
const PD_FIG_TOP: u32 = 22;
pub const PAIN_MARKED_FILL: &str = "#c0392b";
const PAIN_OFF_FILL: &str = "#eef2f6";

fn figure(
    out: &mut String,
    shapes: &[Shape],
    dx: u32,
    view: &str,
    left_letter: &str,
    right_letter: &str,
) {
    let _ = write!(
        out,
        r#"<g transform="translate({dx} {PD_FIG_TOP})"><text x="100" y="-6" text-anchor="middle" font-weight="700" font-size="11">{view}</text><text x="8" y="60" font-weight="700" fill="{MUTED}">{left_letter}</text><text x="192" y="60" text-anchor="end" font-weight="700" fill="{MUTED}">{right_letter}</text>"#,
        view = esc(view),
    );
    for s in shapes {
        let (fill, stroke) = if s.on {
            (PAIN_MARKED_FILL, "#6d0f12")
        } else {
            (PAIN_OFF_FILL, "#6b7785")
        };
        let title = format!(
            "{} ({}): {}",
            s.label,
            view.to_lowercase(),
            if s.on { "marked" } else { "not marked" }
        );
        let _ = write!(
            out,
            r#"<g class="area{on}" data-area="{area}"><title>{title}</title><rect x="{x}" y="{y}" width="{w}" height="{h}" rx="{r}" fill="{fill}" stroke="{stroke}" stroke-width="1.2"/>"#,
            on = if s.on { " on" } else { "" },
            area = esc(s.area),
            title = esc(&title),
            x = s.x,
            y = s.y,
            w = s.w,
            h = s.h,
            r = s.r,
        );
        if s.on {
            let _ = write!(
                out,
                r#"<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="{r}" fill="url(#pain-hatch)"/>"#,
                x = s.x,
                y = s.y,
                w = s.w,
                h = s.h,
                r = s.r,
            );
        }
        out.push_str("</g>");
    }
    out.push_str("</g>");
}

/// The patient's pain diagram (front and back, read-only), with the areas they marked
/// filled and hatched. `regions` are the intake's [`PainArea`] codes.
pub fn pain_diagram(regions: &[String]) -> String {
    let marked: Vec<&str> = PainArea::ALL
        .iter()
        .filter(|a| regions.iter().any(|r| r == a.as_str()))
        .map(|a| a.label())
        .collect();
    let label = if marked.is_empty() {
        "Pain diagram, front and back: the patient marked no areas.".to_owned()
    } else {
        format!(
            "Pain diagram, front and back. Marked by the patient: {}.",
            marked.join(", ")
        )
    };
    let height = PD_FIG_TOP + 416 + 30;
    let mut out = String::new();
    svg_open(&mut out, "pain-diagram", PD_W, height, &label);
    out.push_str(concat!(
        r##"<defs><pattern id="pain-hatch" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">"##,
        r##"<line x1="0" y1="0" x2="0" y2="5" stroke="#ffffff" stroke-width="1.4"/></pattern></defs>"##,
    ));
    // Front: the patient faces you, so their right is on your left; back: the reverse.
    figure(&mut out, &body_map::front(regions), 10, "Front", "R", "L");
    figure(&mut out, &body_map::back(regions), 230, "Back", "L", "R");
    let ly = PD_FIG_TOP + 416 + 12;
    if marked.is_empty() {
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="{MUTED}">The patient marked no areas on the diagram.</text>"#,
            PD_W / 2,
            ly + 9
        );
    } else {
        let _ = write!(
            out,
            r##"<rect x="10" y="{ly}" width="18" height="11" rx="2" fill="{PAIN_MARKED_FILL}" stroke="#6d0f12"/><rect x="10" y="{ly}" width="18" height="11" rx="2" fill="url(#pain-hatch)"/><text x="34" y="{ty}">Marked by the patient (R / L: the patient's right and left)</text>"##,
            ty = ly + 9
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::assessment::palpation::Direction;
    use crate::domain::assessment::rom::{Motion, RomRegion};

    fn group<'a>(svg: &'a str, segment: &str) -> &'a str {
        let start = svg
            .find(&format!(r#"data-segment="{segment}""#))
            .unwrap_or_else(|| panic!("{segment} drawn"));
        let end = svg[start..].find("</g>").unwrap() + start;
        &svg[start..end]
    }

    fn restricted(s: Segment) -> PalpationFinding {
        PalpationFinding {
            motion: Some(SegmentMotion::Restricted),
            restricted: vec![Direction::RotationLeft],
            tenderness: Some(Tenderness::try_from(2).unwrap()),
            ..PalpationFinding::normal(s)
        }
    }

    #[test]
    fn every_segment_is_drawn_with_a_title() {
        let svg = spine_map(&crate::domain::assessment::palpation::all_normal());
        for s in Segment::ALL {
            let g = group(&svg, s.as_str());
            assert!(g.contains("<title>"), "{s} has a title");
            assert!(g.contains(NORMAL_FILL), "{s} is normal");
        }
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains(r#"role="img""#) && svg.contains("aria-label=\"Spine map"));
        assert_eq!(svg.matches("data-segment=").count(), Segment::ALL.len());
    }

    #[test]
    fn a_restricted_segment_gets_its_colour_pattern_letter_and_part() {
        let mut rows = crate::domain::assessment::palpation::all_normal();
        rows.push(restricted(Segment::C5));
        rows.push(PalpationFinding {
            motion: Some(SegmentMotion::Hypermobile),
            ..PalpationFinding::normal(Segment::L4)
        });
        rows.push(PalpationFinding {
            tenderness: Some(Tenderness::try_from(3).unwrap()),
            ..PalpationFinding::normal(Segment::SiLeft)
        });
        let svg = spine_map(&rows);
        let c5 = group(&svg, "C5");
        assert!(c5.contains(RESTRICTED_FILL), "{c5}");
        assert!(c5.contains("url(#spine-hatch)"), "a pattern too");
        assert!(c5.contains("PART: PR"), "{c5}");
        assert!(
            c5.contains("Rotation L"),
            "the direction in the title: {c5}"
        );
        assert!(c5.contains(">R</text>"), "a letter, not colour alone");
        let l4 = group(&svg, "L4");
        assert!(l4.contains(HYPERMOBILE_FILL) && l4.contains("url(#spine-dots)"));
        let si = group(&svg, "SI_L");
        assert!(
            si.contains(TENDER_FILLS[2]) && si.contains("tender III"),
            "{si}"
        );
        assert!(!group(&svg, "C4").contains(RESTRICTED_FILL));
        assert!(
            svg.contains("C5")
                && svg.contains("aria-label=\"Spine map, seen from behind. Findings: C5")
        );
    }

    #[test]
    fn segments_without_findings_are_not_recorded() {
        let svg = spine_map(&[restricted(Segment::T4)]);
        assert!(group(&svg, "T5").contains(r#"data-state="not recorded""#));
        assert!(group(&svg, "T4").contains(RESTRICTED_FILL));
    }

    #[test]
    fn an_empty_palpation_says_so() {
        let svg = spine_map(&[]);
        assert!(svg.contains("No palpation findings recorded."));
        assert_eq!(svg.matches("data-segment=").count(), Segment::ALL.len());
        assert!(!svg.contains(r#"data-state="restricted""#));
        assert!(svg.contains("aria-label=\"Spine map: no palpation findings recorded.\""));
    }

    fn bar_width(svg: &str, motion: &str) -> u32 {
        let start = svg.find(&format!(r#"data-motion="{motion}""#)).unwrap();
        let g = &svg[start..start + svg[start..].find("</g>").unwrap()];
        let w = g.split(r#"class="bar""#).nth(1).unwrap();
        let w = w.split("width=\"").nth(1).unwrap();
        w[..w.find('"').unwrap()].parse().unwrap()
    }

    #[test]
    fn bars_scale_with_degrees_and_mark_the_normal_and_pain() {
        let mut flex = RomMeasurement::new(RomRegion::Lumbar, Motion::Flexion, Some(30));
        flex.pain = true;
        let ext = RomMeasurement::new(RomRegion::Lumbar, Motion::Extension, Some(60));
        let unmeasured = RomMeasurement::new(RomRegion::Cervical, Motion::Flexion, None);
        let svg = rom_chart(&[flex, ext, unmeasured]);
        let (a, b) = (
            bar_width(&svg, "lumbar-flexion"),
            bar_width(&svg, "lumbar-extension"),
        );
        assert_eq!(b, 2 * a, "bars scale: {a} vs {b}");
        assert_eq!(b, ROM_BAR_W, "the largest value fills the chart");
        assert!(svg.contains("50%"), "30 of 60 is 50%");
        assert!(svg.contains("240%"), "60 of 25 is 240%");
        assert_eq!(svg.matches(r#"class="normal""#).count(), 2);
        assert!(svg.contains(">pain</text>"));
        assert!(
            !svg.contains("cervical-flexion"),
            "an empty row is not a measurement"
        );
        assert!(
            svg.contains(r#"role="img""#) && svg.contains("aria-label=\"Range of motion chart")
        );
    }

    #[test]
    fn a_normal_of_zero_draws_no_marker() {
        let ext = RomMeasurement::new(RomRegion::Thoracic, Motion::Extension, Some(10));
        let svg = rom_chart(&[ext]);
        assert!(svg.contains("10° (normal 0°)"), "{svg}");
        assert!(!svg.contains(r#"class="normal""#));
    }

    #[test]
    fn an_empty_rom_says_so() {
        let svg = rom_chart(&[]);
        assert!(svg.contains("No range of motion measured."));
        assert!(svg.contains(r#"role="img""#));
    }

    #[test]
    fn the_pain_diagram_marks_the_patients_areas() {
        let svg = pain_diagram(&[
            "lower_back".to_owned(),
            "left_thigh".to_owned(),
            "<x>".to_owned(),
        ]);
        assert_eq!(
            svg.matches(r#"class="area on""#).count(),
            3,
            "lower back once, left thigh front and back"
        );
        assert!(svg.contains("Lower back (back): marked"));
        assert!(svg.contains(PAIN_MARKED_FILL));
        assert!(!svg.contains("<x>"), "unknown codes are never written");
        assert!(svg.contains("aria-label=\"Pain diagram, front and back. Marked by the patient: Lower back, Left thigh.\""));
        let empty = pain_diagram(&[]);
        assert!(empty.contains("marked no areas"));
        assert!(!empty.contains(r#"class="area on""#));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            esc(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
