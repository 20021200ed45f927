//! The range-of-motion chart: one horizontal bar per measured motion against the named
//! reference's normal, with the percentage of normal and pain at end of range.

use std::fmt::Write as _;

use super::{MUTED, empty_state, esc, svg_open};
use crate::domain::assessment::rom::RomMeasurement;

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
    // A row left blank in the grid is not a measurement; pain without degrees is.
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
    let scale = Scale::of(&rows);
    let n = rows.len() as u32;
    let axis_y = ROM_TOP + n * ROM_ROW + 4;
    let height = axis_y + 46;

    let mut out = String::new();
    svg_open(&mut out, "rom-chart", ROM_W, height, &rom_label(&rows));
    let _ = write!(
        out,
        r#"<text x="{ROM_X0}" y="12" font-size="9" fill="{MUTED}">Degrees; the black line is the normal for the named reference.</text>"#
    );
    grid_and_axis(&mut out, scale, axis_y);
    for (i, r) in rows.iter().enumerate() {
        rom_row(&mut out, scale, r, ROM_TOP + i as u32 * ROM_ROW);
    }
    rom_legend(&mut out, axis_y + 26);
    out.push_str("</svg>");
    out
}

/// The degrees the chart's width stands for: `max` degrees fill [`ROM_BAR_W`].
#[derive(Debug, Clone, Copy)]
struct Scale {
    max: u32,
}

impl Scale {
    fn of(rows: &[&RomMeasurement]) -> Scale {
        Scale {
            max: rom_scale_max(rows),
        }
    }

    /// Where a value in degrees falls on the chart.
    fn px(self, deg: u32) -> u32 {
        ROM_X0 + deg * ROM_BAR_W / self.max
    }

    /// Degrees between gridlines: coarser as the range grows, so there are never more
    /// than seven of them up to the 180° a motion may measure.
    fn step(self) -> u32 {
        if self.max <= 60 {
            10
        } else if self.max <= 120 {
            20
        } else {
            30
        }
    }
}

/// The picture's `aria-label`: every row in words, with its percentage and pain.
fn rom_label(rows: &[&RomMeasurement]) -> String {
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
    format!("Range of motion chart: {}.", summary.join("; "))
}

/// The vertical gridlines with their degrees under the rows, and the axis line.
fn grid_and_axis(out: &mut String, scale: Scale, axis_y: u32) {
    let step = scale.step();
    let mut t = 0;
    while t <= scale.max {
        let x = scale.px(t);
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
        x2 = scale.px(scale.max)
    );
}

/// One motion's `<g>`, its top at `y`: the name, the bar, the normal's line, the
/// values in words and the pain marker.
fn rom_row(out: &mut String, scale: Scale, r: &RomMeasurement, y: u32) {
    let name = motion_name(r);
    let _ = write!(
        out,
        r#"<g class="rom-row" data-motion="{}-{}"><title>{}</title><text x="{ROM_LABEL_X}" y="{ty}" text-anchor="end">{}</text>"#,
        esc(r.region.as_str()),
        esc(r.motion.as_str()),
        esc(&row_title(r, &name)),
        esc(&name),
        ty = y + 14,
    );
    if let Some(d) = r.degrees {
        let w = scale.px(u32::from(d)) - ROM_X0;
        let _ = write!(
            out,
            r#"<rect class="bar" x="{ROM_X0}" y="{by}" width="{w}" height="12" fill="{ROM_BAR_FILL}"/>"#,
            by = y + 5,
        );
    }
    // A normal of 0° would be a line on the axis, not a target; the words say it.
    if let Some(nd) = r.normal_degrees.filter(|n| *n > 0) {
        let x = scale.px(u32::from(nd));
        let _ = write!(
            out,
            r##"<line class="normal" x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="#000000" stroke-width="2.2"/>"##,
            y1 = y + 2,
            y2 = y + 20,
        );
    }
    // The words go right of the full scale, so they line up whatever the bar's length.
    let tx = scale.px(scale.max) + 10;
    let _ = write!(
        out,
        r#"<text x="{tx}" y="{ty}" font-weight="600">{}</text>"#,
        esc(&value_text(r)),
        ty = y + 14
    );
    if r.pain {
        pain_marker(out, y);
    }
    out.push_str("</g>");
}

/// A row's `<title>`: everything recorded, including what the bar cannot show (the
/// reference, a passive measurement).
fn row_title(r: &RomMeasurement, name: &str) -> String {
    let mut title = name.to_owned();
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
    title
}

/// The values written beside the bar: "40° / 50° · 80%".
fn value_text(r: &RomMeasurement) -> String {
    let mut text = match (r.degrees, r.normal_degrees) {
        (Some(d), Some(nd)) if nd > 0 => format!("{d}° / {nd}°"),
        (Some(d), Some(_)) => format!("{d}° (normal 0°)"),
        (Some(d), None) => format!("{d}° (no normal)"),
        (None, _) => "not measured".to_owned(),
    };
    if let Some(p) = r.percent_of_normal {
        let _ = write!(text, " · {p}%");
    }
    text
}

/// A red triangle and the word, at the chart's right edge: pain at end of range.
fn pain_marker(out: &mut String, y: u32) {
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

/// The key under the axis, at `ly`: bar, normal line and pain marker.
fn rom_legend(out: &mut String, ly: u32) {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::assessment::rom::{Motion, RomRegion};

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
}
