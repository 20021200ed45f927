//! The palpation panel beside the spine picker: for the segment tapped on the spine,
//! one row of chips per finding (tenderness, motion, restricted directions, tone, side,
//! swelling) and a drop-down for the longer lists (alignment, structure). The panel
//! only sets the segment's row of the palpation table and lets the workspace save it,
//! so the table, the picker and the panel always show one record.

use crate::domain::assessment::Side;
use crate::domain::assessment::palpation::{
    Alignment, Direction, SegmentMotion, Structure, Swelling, Tenderness, Tone,
};

/// One row of chips: a finding of the chosen segment.
pub struct PanelGroup {
    /// The `data-key` of the table's control the chips set.
    pub key: &'static str,
    pub label: &'static str,
    /// Several may be on (the restricted directions); otherwise one or none, and a
    /// second tap on the chip that is on sets it back to "not recorded".
    pub multi: bool,
    pub chips: Vec<PanelChip>,
}

impl PanelGroup {
    /// The panel sets its rows two to a line; a row whose chips' words would not fit
    /// half of it (the six tones) takes the whole line rather than wrapping in three.
    pub fn wide(&self) -> bool {
        self.chips.iter().map(|c| c.label.len() + 3).sum::<usize>() > 48
    }
}

pub struct PanelChip {
    pub code: String,
    pub label: &'static str,
    /// The words a screen reader hears ("II: grimace or flinch").
    pub full: String,
}

/// A finding with too many choices for chips: a drop-down in the panel.
pub struct PanelSelect {
    pub key: &'static str,
    pub label: &'static str,
    pub options: Vec<(&'static str, &'static str)>,
}

pub struct PalpationPanel {
    pub groups: Vec<PanelGroup>,
    pub selects: Vec<PanelSelect>,
}

fn chips<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<PanelChip> {
    all.iter()
        .map(|v| PanelChip {
            code: code(*v).to_owned(),
            label: label(*v),
            full: label(*v).to_owned(),
        })
        .collect()
}

/// The directions' chip labels in the clinic's shorthand (one line of six chips), their
/// full names for the screen reader.
fn direction_chip(d: Direction) -> &'static str {
    match d {
        Direction::Flexion => "Flex",
        Direction::Extension => "Ext",
        Direction::LateralFlexionLeft => "LF L",
        Direction::LateralFlexionRight => "LF R",
        Direction::RotationLeft => "Rot L",
        Direction::RotationRight => "Rot R",
    }
}

pub fn palpation_panel() -> PalpationPanel {
    let tenderness = Tenderness::GRADES
        .iter()
        .map(|(g, roman, words)| PanelChip {
            code: g.to_string(),
            label: roman,
            full: format!("{roman}: {words}"),
        })
        .collect();
    let directions = Direction::ALL
        .iter()
        .map(|d| PanelChip {
            code: d.as_str().to_owned(),
            label: direction_chip(*d),
            // The visible words first: a spoken name must contain what is shown.
            full: format!("{} ({})", direction_chip(*d), d.label().to_lowercase()),
        })
        .collect();
    PalpationPanel {
        groups: vec![
            PanelGroup {
                key: "tenderness",
                label: "Tender",
                multi: false,
                chips: tenderness,
            },
            PanelGroup {
                key: "restricted",
                label: "Restricted",
                multi: true,
                chips: directions,
            },
            PanelGroup {
                key: "motion",
                label: "Motion",
                multi: false,
                chips: chips(
                    SegmentMotion::ALL,
                    SegmentMotion::as_str,
                    SegmentMotion::label,
                ),
            },
            PanelGroup {
                key: "side",
                label: "Side",
                multi: false,
                chips: chips(Side::ALL, Side::as_str, Side::label),
            },
            PanelGroup {
                key: "tone",
                label: "Tone",
                multi: false,
                chips: chips(Tone::ALL, Tone::as_str, Tone::label),
            },
            PanelGroup {
                key: "swelling",
                label: "Swelling",
                multi: false,
                chips: chips(Swelling::ALL, Swelling::as_str, Swelling::label),
            },
        ],
        selects: vec![
            PanelSelect {
                key: "alignment",
                label: "Alignment",
                options: Alignment::ALL
                    .iter()
                    .map(|a| (a.as_str(), a.label()))
                    .collect(),
            },
            PanelSelect {
                key: "structure",
                label: "Structure",
                options: Structure::ALL
                    .iter()
                    .map(|s| (s.as_str(), s.label()))
                    .collect(),
            },
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_finding_of_a_segment_is_in_the_panel_once() {
        let p = palpation_panel();
        let mut keys: Vec<&str> = p.groups.iter().map(|g| g.key).collect();
        keys.extend(p.selects.iter().map(|s| s.key));
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "alignment",
                "motion",
                "restricted",
                "side",
                "structure",
                "swelling",
                "tenderness",
                "tone"
            ]
        );
        let tender = &p.groups[0];
        assert_eq!(tender.chips.len(), 5, "0 and I–IV");
        assert_eq!(tender.chips[2].code, "2");
        assert!(
            tender.chips[2].full.contains("grimace"),
            "words, not only II"
        );
        assert!(
            p.groups
                .iter()
                .find(|g| g.key == "restricted")
                .is_some_and(|g| g.multi)
        );
    }

    #[test]
    fn only_the_long_rows_take_the_whole_line() {
        let wide: Vec<&str> = palpation_panel()
            .groups
            .iter()
            .filter(|g| g.wide())
            .map(|g| g.key)
            .collect();
        assert_eq!(wide, ["tone"]);
    }
}
