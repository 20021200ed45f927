//! The one-line flag summary for pages that are about something else (booking a visit):
//! how many flags of each level and the most severe one in words, with a link to the
//! patient page for the rest. The full banner stays on the patient's own pages; pinned
//! above a booking form it pushed the form off the screen.

use crate::db::models::flag::FlagRow;
use crate::domain::clinical::FlagLevel;

pub struct FlagSummary {
    /// (2, "emergency"), (1, "precaution"), most severe first.
    pub counts: Vec<(usize, &'static str)>,
    /// The most severe flag's level and reason, in words.
    pub top_level: &'static str,
    pub top_reason: String,
    /// `emergency` / `urgent` / …, for the colour class (never the only cue).
    pub top_class: &'static str,
    /// Emergency and urgent carry the alarm icon.
    pub alarm: bool,
    pub total: usize,
}

impl FlagSummary {
    /// `None` when the patient has no unresolved flag. `flags` are most severe first,
    /// as [`crate::services::flags::unresolved`] returns them.
    pub fn of(flags: &[FlagRow]) -> Option<Self> {
        let level = |f: &FlagRow| FlagLevel::parse(&f.level).unwrap_or(FlagLevel::Precaution);
        let top = flags.first()?;
        let counts = FlagLevel::ALL
            .iter()
            .map(|l| {
                (
                    flags.iter().filter(|f| level(f) == *l).count(),
                    short_name(*l),
                )
            })
            .filter(|(n, _)| *n > 0)
            .collect();
        let top_level = level(top);
        Some(FlagSummary {
            counts,
            top_level: top_level.label(),
            top_reason: top.reason.clone(),
            top_class: top_level.as_str(),
            alarm: matches!(top_level, FlagLevel::Emergency | FlagLevel::Urgent),
            total: flags.len(),
        })
    }
}

/// The level in a word or two, to keep the count on one line (the most severe flag
/// still says its full label).
fn short_name(level: FlagLevel) -> &'static str {
    match level {
        FlagLevel::Emergency => "emergency",
        FlagLevel::Urgent => "urgent",
        FlagLevel::Absolute => "contraindication",
        FlagLevel::Relative => "relative",
        FlagLevel::Precaution => "precaution",
    }
}
