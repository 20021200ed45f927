//! The spine map: every [`Segment`] seen from behind, coloured and patterned by its
//! palpation findings, with a badge and the findings in words beside each abnormal one
//! and a legend underneath.
//!
//! [`state`] judges a segment, [`layout`] knows where it is drawn; this file puts the
//! picture together.

use std::fmt::Write as _;

mod layout;
mod state;

use self::layout::{
    SP_NOTE_X, SP_ROWS, SP_W, note_row, row_y, segment_label, segment_shapes, short_name,
};
use self::state::segment_words;
pub use self::state::{
    HYPERMOBILE_FILL, NORMAL_FILL, NOT_RECORDED_FILL, OTHER_FILL, RESTRICTED_FILL, SegmentState,
    TENDER_FILLS,
};
use super::{MUTED, esc, svg_open};
use crate::domain::assessment::palpation::{
    PalpationFinding, Part, Segment, Tenderness, part_by_segment,
};

/// The spine seen from behind, every [`Segment`] drawn and coloured by its findings,
/// with a legend, the PART letters and the findings in words beside each abnormal one.
pub fn spine_map(palpation: &[PalpationFinding]) -> String {
    let parts = part_by_segment(palpation);
    // The legend starts under the last row (the ribs' note) and needs 78 units: three
    // rows of swatches and the PART key.
    let legend_top = row_y(SP_ROWS) + 10;
    let height = legend_top + 78;

    let mut out = String::new();
    svg_open(&mut out, "spine-map", SP_W, height, &spine_label(palpation));
    spine_defs(&mut out);
    let _ = write!(
        out,
        r#"<text x="4" y="14" font-size="10" fill="{MUTED}">Seen from behind: the patient's left is on your left.</text>"#
    );
    for s in Segment::ALL {
        let part = parts
            .iter()
            .find(|(x, _)| x == s)
            .map(|(_, p)| *p)
            .unwrap_or_default();
        segment_group(&mut out, *s, &findings_at(palpation, *s), part);
    }
    if palpation.is_empty() {
        nothing_recorded_notice(&mut out);
    }
    spine_legend(&mut out, legend_top);
    out.push_str("</svg>");
    out
}

/// One segment as the workspace's spine picker shows it: the state that colours it, the
/// letter on its badge and its findings in words (the button's accessible name).
pub struct SegmentLook {
    pub state: SegmentState,
    pub short: &'static str,
    /// "R", "H", a tenderness grade, or empty for normal and not recorded.
    pub mark: String,
    pub words: String,
}

pub fn segment_look(palpation: &[PalpationFinding], s: Segment) -> SegmentLook {
    let findings = findings_at(palpation, s);
    let state = SegmentState::of(&findings);
    SegmentLook {
        state,
        short: short_name(s),
        mark: if is_abnormal(state) {
            badge_mark(state)
        } else {
            String::new()
        },
        words: segment_words(state, &findings, true),
    }
}

/// Every finding recorded at one segment: there can be several (per side, per
/// structure), and the segment is judged on all of them together.
fn findings_at(palpation: &[PalpationFinding], s: Segment) -> Vec<&PalpationFinding> {
    palpation.iter().filter(|f| f.segment == s).collect()
}

/// Whether a segment gets a badge and a note: anything but normal or not recorded.
fn is_abnormal(state: SegmentState) -> bool {
    !matches!(state, SegmentState::Normal | SegmentState::NotRecorded)
}

/// A segment with nothing recorded is outlined dashed, so a blank never reads as a
/// normal finding, in the picture or in the legend.
fn dash(state: SegmentState) -> &'static str {
    if state == SegmentState::NotRecorded {
        r#" stroke-dasharray="3 2""#
    } else {
        ""
    }
}

/// The picture's `aria-label`: the abnormal segments in short words, so a screen reader
/// hears the findings without walking through thirty shapes.
fn spine_label(palpation: &[PalpationFinding]) -> String {
    let abnormal: Vec<String> = Segment::ALL
        .iter()
        .filter_map(|s| {
            let findings = findings_at(palpation, *s);
            let state = SegmentState::of(&findings);
            is_abnormal(state).then(|| {
                format!(
                    "{} {}",
                    short_name(*s),
                    segment_words(state, &findings, false)
                )
            })
        })
        .collect();
    if palpation.is_empty() {
        "Spine map: no palpation findings recorded.".to_owned()
    } else if abnormal.is_empty() {
        "Spine map, seen from behind: every segment recorded is normal.".to_owned()
    } else {
        format!(
            "Spine map, seen from behind. Findings: {}.",
            abnormal.join("; ")
        )
    }
}

/// The patterns laid over restricted (hatched) and hypermobile (dotted) segments.
fn spine_defs(out: &mut String) {
    out.push_str(concat!(
        r##"<defs>"##,
        r##"<pattern id="spine-hatch" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="5" stroke="#ffffff" stroke-width="1.6"/></pattern>"##,
        r##"<pattern id="spine-dots" width="5" height="5" patternUnits="userSpaceOnUse"><circle cx="2.5" cy="2.5" r="1.1" fill="#ffffff"/></pattern>"##,
        r##"</defs>"##,
    ));
}

/// One segment's `<g>`: a title with the findings in full, the shapes in the state's
/// colour, the pattern over them, the label and, when abnormal, the badge and note.
fn segment_group(out: &mut String, s: Segment, findings: &[&PalpationFinding], part: Part) {
    let state = SegmentState::of(findings);
    let letters = part.letters();
    let title = format!(
        "{}: {} · PART: {}",
        s.label(),
        segment_words(state, findings, true),
        if letters.is_empty() { "none" } else { &letters },
    );
    let _ = write!(
        out,
        r#"<g class="segment" data-segment="{}" data-state="{}"><title>{}</title>"#,
        esc(s.as_str()),
        esc(state.word()),
        esc(&title)
    );
    out.push_str(&segment_shapes(
        s,
        state.fill(),
        state.stroke(),
        dash(state),
    ));
    if let Some(p) = state.pattern() {
        // The same shapes again, filled with the pattern only, laid over the colour.
        out.push_str(&segment_shapes(s, &format!("url(#{p})"), "none", ""));
    }
    out.push_str(&segment_label(s, state));
    if is_abnormal(state) {
        segment_note(out, s, state, findings, &letters);
    }
    out.push_str("</g>");
}

/// The letter in a segment's badge: R or H for the motion, the grade for tenderness.
fn badge_mark(state: SegmentState) -> String {
    match state {
        SegmentState::Restricted => "R".to_owned(),
        SegmentState::Hypermobile => "H".to_owned(),
        SegmentState::Tender(g) => Tenderness::GRADES[usize::from(g.min(4))].1.to_owned(),
        _ => "•".to_owned(),
    }
}

/// A letter badge beside an abnormal segment and its findings in the notes column, on
/// the segment's row.
fn segment_note(
    out: &mut String,
    s: Segment,
    state: SegmentState,
    findings: &[&PalpationFinding],
    letters: &str,
) {
    let y = row_y(note_row(s));
    let note = format!(
        "{} {}{}",
        short_name(s),
        segment_words(state, findings, false),
        if letters.is_empty() {
            String::new()
        } else {
            format!(" · PART {letters}")
        },
    );
    let _ = write!(
        out,
        r##"<rect x="{bx}" y="{by}" width="16" height="12" rx="2" fill="#ffffff" stroke="{st}"/><text x="{tx}" y="{ty}" text-anchor="middle" font-size="8" font-weight="700">{mark}</text><text x="{SP_NOTE_X}" y="{ny}">{note}</text>"##,
        bx = SP_NOTE_X - 22,
        by = y + 1,
        st = state.stroke(),
        tx = SP_NOTE_X - 14,
        ty = y + 10,
        mark = esc(&badge_mark(state)),
        ny = y + 10,
        note = esc(&note),
    );
}

/// With no palpation at all every segment is "not recorded"; say so in words where the
/// notes would be, rather than leave an empty column.
fn nothing_recorded_notice(out: &mut String) {
    let _ = write!(
        out,
        r##"<rect x="{x}" y="{y}" width="230" height="40" rx="6" fill="#ffffff" stroke="{MUTED}"/><text x="{tx}" y="{ty}" text-anchor="middle" font-size="11">No palpation findings recorded.</text>"##,
        x = SP_NOTE_X - 10,
        y = row_y(12),
        tx = SP_NOTE_X + 105,
        ty = row_y(12) + 24,
    );
}

/// The key under the picture, from `ly` down: the quiet states on the left, those that
/// need attention on the right, then what the PART letters mean.
fn spine_legend(out: &mut String, ly: u32) {
    let _ = write!(
        out,
        r#"<line x1="0" y1="{y}" x2="{SP_W}" y2="{y}" stroke="{MUTED}" stroke-width="0.5"/>"#,
        y = ly - 4
    );
    legend_swatch(out, 4, ly + 2, SegmentState::Normal, "Normal");
    legend_swatch(out, 4, ly + 18, SegmentState::NotRecorded, "Not recorded");
    legend_swatch(
        out,
        4,
        ly + 34,
        SegmentState::Other,
        "Other (alignment, tone, swelling)",
    );
    legend_swatch(
        out,
        230,
        ly + 2,
        SegmentState::Restricted,
        "Restricted (R, hatched)",
    );
    legend_swatch(
        out,
        230,
        ly + 18,
        SegmentState::Hypermobile,
        "Hypermobile (H, dotted)",
    );
    tender_scale(out, ly + 34);
    let _ = write!(
        out,
        r#"<text x="4" y="{}" fill="{MUTED}">PART: P pain/tenderness · A asymmetry/alignment · R range of motion · T tissue/tone</text>"#,
        ly + 64
    );
}

/// One swatch in the legend: the state's fill, outline and pattern, and its name.
fn legend_swatch(out: &mut String, x: u32, y: u32, state: SegmentState, text: &str) {
    let _ = write!(
        out,
        r#"<rect x="{x}" y="{y}" width="18" height="11" rx="2" fill="{}" stroke="{}" stroke-width="1.2"{}/>"#,
        state.fill(),
        state.stroke(),
        dash(state),
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

/// The tenderness grades I–IV as four small swatches in a row, the grade written on
/// each (the fills alone get hard to tell apart in print), and their caption.
fn tender_scale(out: &mut String, y: u32) {
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
            tx = x + 9,
            ty = y + 9,
        );
    }
    let _ = write!(
        out,
        r#"<text x="314" y="{}">Tender, grade I–IV</text>"#,
        y + 9
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::assessment::palpation::{Direction, SegmentMotion};

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
}
