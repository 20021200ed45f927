//! The patient's pain diagram from the intake, front and back, read-only: the areas
//! they marked filled and hatched, every area titled.

use std::fmt::Write as _;

use super::{MUTED, esc, svg_open};
use crate::domain::intake::PainArea;
use crate::web::pages::body_map::{self, Shape};

const PD_W: u32 = 440;
const PD_FIG_TOP: u32 = 22;
/// The height of one figure: [`body_map`]'s shapes fit 200 × 416, as on the intake form.
const PD_FIG_H: u32 = 416;
pub const PAIN_MARKED_FILL: &str = "#c0392b";
const PAIN_OFF_FILL: &str = "#eef2f6";

/// The patient's pain diagram (front and back, read-only), with the areas they marked
/// filled and hatched. `regions` are the intake's [`PainArea`] codes.
pub fn pain_diagram(regions: &[String]) -> String {
    // Only known codes, in the vocabulary's order: anything else is never written.
    let marked: Vec<&str> = PainArea::ALL
        .iter()
        .filter(|a| regions.iter().any(|r| r == a.as_str()))
        .map(|a| a.label())
        .collect();
    let height = PD_FIG_TOP + PD_FIG_H + 30;
    let mut out = String::new();
    svg_open(&mut out, "pain-diagram", PD_W, height, &pain_label(&marked));
    out.push_str(concat!(
        r##"<defs><pattern id="pain-hatch" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">"##,
        r##"<line x1="0" y1="0" x2="0" y2="5" stroke="#ffffff" stroke-width="1.4"/></pattern></defs>"##,
    ));
    // Front: the patient faces you, so their right is on your left; back: the reverse.
    figure(&mut out, &body_map::front(regions), 10, "Front", "R", "L");
    figure(&mut out, &body_map::back(regions), 230, "Back", "L", "R");
    pain_legend(&mut out, PD_FIG_TOP + PD_FIG_H + 12, marked.is_empty());
    out.push_str("</svg>");
    out
}

/// The picture's `aria-label`: the marked areas by name.
fn pain_label(marked: &[&str]) -> String {
    if marked.is_empty() {
        "Pain diagram, front and back: the patient marked no areas.".to_owned()
    } else {
        format!(
            "Pain diagram, front and back. Marked by the patient: {}.",
            marked.join(", ")
        )
    }
}

/// One figure, `dx` from the left: its heading, the side letters and every area.
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
        area(out, s, view);
    }
    out.push_str("</g>");
}

/// One area's `<g>`: titled with its name, the view and whether it is marked; a marked
/// one also hatched, so it survives a black-and-white print.
fn area(out: &mut String, s: &Shape, view: &str) {
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

/// The line under the figures, at `ly`: the key, or in words that nothing was marked.
fn pain_legend(out: &mut String, ly: u32, nothing_marked: bool) {
    if nothing_marked {
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
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
