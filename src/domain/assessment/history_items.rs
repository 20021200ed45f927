//! The history review's items: what the patient answered, in words, for each item a
//! practitioner can verify or correct. One wording for every view (workspace, print,
//! API) and for re-pinning a newer form (an item whose words did not change keeps its
//! check).

use super::history::{HistoryCheck, PLAIN_ITEMS};
use crate::domain::clinical::questions::{
    condition_name, condition_question, red_flag_name, red_flag_question,
};
use crate::domain::clinical::{ConditionCode, RedFlagCode};
use crate::domain::intake::{IntakeInput, PainArea, PainPattern, PainQuality};

/// One item of the review.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryItem {
    /// `chief_complaint`, `conditions.osteoporosis`, `red_flags.night_pain`…
    pub key: String,
    pub label: String,
    /// What the patient answered, in words ("" when not answered).
    pub reported: String,
    pub check: Option<HistoryCheck>,
}

fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "Yes",
        Some(false) => "No",
        None => "",
    }
}

fn join_nonempty(parts: &[&str], sep: &str) -> String {
    parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(sep)
}

/// The question or label of a history item.
pub fn label(item: &str) -> String {
    if let Some((_, label)) = PLAIN_ITEMS.iter().find(|(k, _)| *k == item) {
        return (*label).to_owned();
    }
    if let Some(c) = item
        .strip_prefix("conditions.")
        .and_then(ConditionCode::parse)
    {
        return condition_question(c).to_owned();
    }
    if let Some(r) = item.strip_prefix("red_flags.").and_then(RedFlagCode::parse) {
        return format!("Red flag: {}", red_flag_question(r));
    }
    // An item of a form no longer asked: shown by its code.
    item.to_owned()
}

/// A yes/no question's short name for the compact list of answers "No": the condition
/// or red flag itself ("Osteoporosis"), the full question stays its `label`.
pub fn short_label(item: &str) -> Option<&'static str> {
    if let Some(c) = item
        .strip_prefix("conditions.")
        .and_then(ConditionCode::parse)
    {
        return Some(condition_name(c));
    }
    item.strip_prefix("red_flags.")
        .and_then(RedFlagCode::parse)
        .map(red_flag_name)
}

/// What the patient answered for a history item, in words ("" when not answered).
pub fn reported(i: &IntakeInput, item: &str) -> String {
    if let Some(code) = item.strip_prefix("conditions.") {
        let answer = i.conditions.get(code).map(String::as_str).unwrap_or("");
        let detail = i
            .condition_details
            .get(code)
            .map(String::as_str)
            .unwrap_or("");
        let answer = match answer {
            "yes" => "Yes",
            "no" => "No",
            "unsure" => "Not sure",
            other => other,
        };
        return join_nonempty(&[answer, detail], ": ");
    }
    if let Some(code) = item.strip_prefix("red_flags.") {
        if i.red_flags_unsure.iter().any(|u| u == code) {
            return "Not sure".to_owned();
        }
        return yes_no(i.red_flags.get(code).copied()).to_owned();
    }
    let score = |v: Option<i64>| v.map(|n| format!("{n} / 10")).unwrap_or_default();
    match item {
        "chief_complaint" => i.chief_complaint.clone(),
        "onset" => i.onset.clone(),
        "mechanism" => i.mechanism.clone(),
        "pain_now" => score(i.pain_now),
        "pain_worst" => score(i.pain_worst),
        "pain_quality" => i
            .pain_quality
            .iter()
            .map(|q| {
                PainQuality::parse(q)
                    .map(PainQuality::label)
                    .unwrap_or(q.as_str())
            })
            .collect::<Vec<_>>()
            .join(", "),
        "pain_pattern" => PainPattern::parse(&i.pain_pattern)
            .map(|p| p.label().to_owned())
            .unwrap_or_else(|| i.pain_pattern.clone()),
        "pain_regions" => PainArea::ALL
            .iter()
            .filter(|a| i.pain_regions.iter().any(|r| r == a.as_str()))
            .map(|a| a.label())
            .collect::<Vec<_>>()
            .join(", "),
        "radiation" => join_nonempty(&[yes_no(i.radiates), &i.radiation], ": "),
        "aggravating" => i.aggravating.clone(),
        "relieving" => i.relieving.clone(),
        "earlier_episodes" => {
            join_nonempty(&[yes_no(i.earlier_episodes), &i.earlier_treatment], ": ")
        }
        "goals" => i.goals.clone(),
        "other_conditions" => i.other_conditions.clone(),
        "medications" => i
            .medications
            .iter()
            .filter(|m| !m.name.trim().is_empty())
            .map(|m| {
                let mut s = join_nonempty(&[&m.name, &m.dose], " ");
                if !m.reason.trim().is_empty() {
                    s.push_str(&format!(" (for {})", m.reason.trim()));
                }
                s
            })
            .collect::<Vec<_>>()
            .join("; "),
        "surgeries" => i
            .surgeries
            .iter()
            .filter(|s| !s.procedure.trim().is_empty())
            .map(|s| match s.year {
                Some(y) => format!("{} ({y})", s.procedure.trim()),
                None => s.procedure.trim().to_owned(),
            })
            .collect::<Vec<_>>()
            .join("; "),
        _ => String::new(),
    }
}

/// Every item of the review in the order of the form: answered items, and any item
/// the practitioner checked even if the patient left it blank (or it is no longer
/// asked).
pub fn items(intake: Option<&IntakeInput>, checks: &[HistoryCheck]) -> Vec<HistoryItem> {
    let mut keys: Vec<String> = PLAIN_ITEMS.iter().map(|(k, _)| (*k).to_owned()).collect();
    keys.extend(ConditionCode::ALL.iter().map(|c| format!("conditions.{c}")));
    keys.extend(RedFlagCode::ASKED.iter().map(|r| format!("red_flags.{r}")));
    for c in checks {
        if !keys.contains(&c.item) {
            keys.push(c.item.clone());
        }
    }
    keys.into_iter()
        .filter_map(|key| {
            let reported = intake.map(|i| reported(i, &key)).unwrap_or_default();
            let check = checks.iter().find(|c| c.item == key).cloned();
            if reported.is_empty() && check.is_none() {
                return None;
            }
            Some(HistoryItem {
                label: label(&key),
                key,
                reported,
                check,
            })
        })
        .collect()
}

/// The checks that still hold when the review moves from `old` to `new`: an item
/// whose answer reads the same keeps its check; one whose answer changed is to be
/// reviewed again.
pub fn checks_still_valid(
    old: Option<&IntakeInput>,
    new: &IntakeInput,
    checks: &[HistoryCheck],
) -> Vec<HistoryCheck> {
    checks
        .iter()
        .filter(|c| old.is_some_and(|o| reported(o, &c.item) == reported(new, &c.item)))
        .cloned()
        .collect()
}
