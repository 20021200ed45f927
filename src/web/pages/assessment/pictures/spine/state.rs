//! How the spine map judges a segment: its [`SegmentState`] (what colour, pattern and
//! word it gets) and the findings in words, for the titles and the notes column.

use super::super::INK;
use crate::domain::assessment::palpation::{
    Alignment, PalpationFinding, SegmentMotion, Swelling, Tone,
};

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

    pub(super) fn stroke(self) -> &'static str {
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
    pub(super) fn text_fill(self) -> &'static str {
        match self {
            SegmentState::Restricted | SegmentState::Hypermobile | SegmentState::Tender(3 | 4) => {
                "#ffffff"
            }
            _ => INK,
        }
    }

    /// The pattern laid over the fill, so the state survives a black-and-white print.
    pub(super) fn pattern(self) -> Option<&'static str> {
        match self {
            SegmentState::Restricted => Some("spine-hatch"),
            SegmentState::Hypermobile => Some("spine-dots"),
            _ => None,
        }
    }

    /// The workspace's spine picker colours a segment by this class (`st-…` in app.css,
    /// the same fills as the drawing), so the picture and the print agree.
    pub fn class(self) -> &'static str {
        match self {
            SegmentState::NotRecorded => "none",
            SegmentState::Normal => "normal",
            SegmentState::Other => "other",
            SegmentState::Tender(1) => "tender-1",
            SegmentState::Tender(2) => "tender-2",
            SegmentState::Tender(3) => "tender-3",
            SegmentState::Tender(_) => "tender-4",
            SegmentState::Hypermobile => "hypermobile",
            SegmentState::Restricted => "restricted",
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

/// The words for a segment's findings: "restricted, tender II, PART PAR".
pub(super) fn segment_words(
    state: SegmentState,
    findings: &[&PalpationFinding],
    full: bool,
) -> String {
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
