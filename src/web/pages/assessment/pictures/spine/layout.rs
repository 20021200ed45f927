//! Where the spine map draws things: the rows, the shape of each segment and its
//! label. Geometry only; the colours come from [`SegmentState`].

use super::super::esc;
use super::state::SegmentState;
use crate::domain::assessment::palpation::Segment;

pub(super) const SP_W: u32 = 460;
const SP_TOP: u32 = 30;
const SP_ROW: u32 = 15;
const SP_CX: u32 = 130;
/// Rows: C0…L5 (25), the sacrum with the SI joints (3), the coccyx, the ribs' note.
pub(super) const SP_ROWS: u32 = 30;
pub(super) const SP_NOTE_X: u32 = 215;

pub(super) fn row_y(row: u32) -> u32 {
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
pub(super) fn note_row(s: Segment) -> u32 {
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
pub(super) fn short_name(s: Segment) -> &'static str {
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
pub(super) fn segment_shapes(s: Segment, fill: &str, stroke: &str, dash: &str) -> String {
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
pub(super) fn segment_label(s: Segment, state: SegmentState) -> String {
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
