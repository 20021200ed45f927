//! History review: the practitioner confirms or corrects what the patient reported.
//! The patient's own answers are never changed (they stay in the intake); a check
//! records "verified" or "corrected" with the corrected text, per item.

use serde::{Deserialize, Serialize};

use super::check_note;
use crate::domain::FieldErrors;
use crate::domain::clinical::{ConditionCode, RedFlagCode};
use crate::domain::vocabulary::code_list;

code_list!(
    HistoryStatus {
        Verified = "verified": "Practitioner-verified",
        Corrected = "corrected": "Corrected by practitioner",
    }
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryCheck {
    /// Which answer: `chief_complaint`, `pain_now`, `conditions.osteoporosis`,
    /// `red_flags.night_pain`, `medications`… (see [`item_keys`]).
    pub item: String,
    pub status: HistoryStatus,
    #[serde(default)]
    pub correction: Option<String>,
}

/// The free-standing answers of the history, in the order the form asks them.
pub const PLAIN_ITEMS: &[(&str, &str)] = &[
    ("chief_complaint", "Main complaint"),
    ("onset", "Onset"),
    ("mechanism", "How it started"),
    ("pain_now", "Pain now (0–10)"),
    ("pain_worst", "Pain at worst (0–10)"),
    ("pain_quality", "Pain quality"),
    ("pain_pattern", "Pattern"),
    ("pain_regions", "Pain diagram"),
    ("radiation", "Spreads to"),
    ("aggravating", "Worse with"),
    ("relieving", "Better with"),
    ("earlier_episodes", "Earlier episodes"),
    ("goals", "Goals"),
    ("other_conditions", "Other conditions"),
    ("medications", "Medicines"),
    ("surgeries", "Operations"),
];

/// Every item a check may name.
pub fn item_keys() -> Vec<String> {
    PLAIN_ITEMS
        .iter()
        .map(|(k, _)| (*k).to_owned())
        .chain(ConditionCode::ALL.iter().map(|c| format!("conditions.{c}")))
        .chain(RedFlagCode::ALL.iter().map(|r| format!("red_flags.{r}")))
        .collect()
}

pub fn validate(rows: &mut [HistoryCheck], e: &mut FieldErrors) {
    let keys = item_keys();
    let mut seen: Vec<String> = Vec::new();
    for (i, r) in rows.iter_mut().enumerate() {
        let at = |f: &str| format!("history[{i}].{f}");
        if !keys.contains(&r.item) {
            e.add(&at("item"), "Unknown history item.");
        }
        check_note(&mut r.correction, &at("correction"), e);
        match r.status {
            HistoryStatus::Corrected if r.correction.is_none() => {
                e.add(&at("correction"), "Write the corrected answer.")
            }
            HistoryStatus::Verified => r.correction = None,
            _ => {}
        }
        if seen.contains(&r.item) {
            e.add(&at("item"), "This item is checked twice.");
        }
        seen.push(r.item.clone());
    }
}
