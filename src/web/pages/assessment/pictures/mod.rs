//! Server-rendered SVG pictures of an assessment, for the printable summary: the spine
//! map (palpation by segment), the range-of-motion chart and the patient's pain
//! diagram. Pure functions returning SVG markup to embed in the page; the only text
//! they write is numbers and our own labels, escaped all the same.
//!
//! Colour is never the only cue: every state also has a pattern or a word, every shape
//! a `<title>`, and each picture a `role="img"` with an `aria-label` summing it up. No
//! `style` attribute anywhere (the CSP allows no inline styles): presentation
//! attributes only.
//!
//! This file holds what the pictures share (escaping, the `<svg>` opening, the empty
//! state, ink and font); each picture lives in its own file.

use std::fmt::Write as _;

mod pain_diagram;
mod rom_chart;
mod spine;

pub use pain_diagram::{PAIN_MARKED_FILL, pain_diagram};
pub use rom_chart::{ROM_BAR_FILL, rom_chart};
pub use spine::{
    HYPERMOBILE_FILL, NORMAL_FILL, NOT_RECORDED_FILL, OTHER_FILL, RESTRICTED_FILL, SegmentLook,
    SegmentState, TENDER_FILLS, segment_look, spine_map,
};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            esc(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
