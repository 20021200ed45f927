//! The error summary at the top of a step of the patient's form: one link per missing
//! answer, to its field, in the order the page asks, with the question it belongs to.

use crate::domain::FieldErrors;
use crate::domain::clinical::questions::{condition_question, red_flag_question};
use crate::domain::clinical::{ConditionCode, RedFlagCode};

/// How many missing answers the error summary names before it sums up the rest.
const SUMMARY_LINES: usize = 3;

/// One line of the error summary at the top of a step: the id of the field it jumps to
/// and what to do.
pub struct SummaryLine {
    pub anchor: String,
    pub text: String,
}

/// The summary of a step's errors. A step left blank would list every question: the
/// first few are named, then one line goes to the next one (each question also says so
/// next to it).
pub fn lines(errors: &FieldErrors) -> Vec<SummaryLine> {
    let mut in_page_order: Vec<(&str, &str)> = errors.iter().collect();
    in_page_order.sort_by_key(|(field, _)| place_on_page(field));
    let mut summary: Vec<SummaryLine> = in_page_order
        .into_iter()
        .map(|(field, message)| summary_line(field, message))
        .collect();
    if summary.len() > SUMMARY_LINES + 1 {
        let rest = summary.len() - SUMMARY_LINES;
        summary.truncate(SUMMARY_LINES + 1);
        if let Some(last) = summary.last_mut() {
            last.text = format!("{rest} more, each marked below: go to the next one");
        }
    }
    summary
}

/// The summary line for a field's error: the field it jumps to (the id of the input, or
/// of the first choice of a group) and the question with what is missing.
fn summary_line(field: &str, message: &str) -> SummaryLine {
    let question = |text: &str| format!("{text} {message}");
    let (anchor, text) = if let Some(code) = field.strip_prefix("conditions.") {
        let text = ConditionCode::parse(code)
            .map(|c| question(condition_question(c)))
            .unwrap_or_else(|| message.to_owned());
        (format!("cond_{code}"), text)
    } else if let Some(code) = field.strip_prefix("condition_details.") {
        (format!("cond_{code}_details"), message.to_owned())
    } else if let Some(code) = field.strip_prefix("red_flags.") {
        let text = RedFlagCode::parse(code)
            .map(|r| question(red_flag_question(r)))
            .unwrap_or_else(|| message.to_owned());
        (format!("red_{code}"), text)
    } else if let Some(rest) = field.strip_prefix("medications.") {
        (
            format!("med_{}", rest.replace('.', "_")),
            message.to_owned(),
        )
    } else if let Some(rest) = field.strip_prefix("surgeries.") {
        (
            format!("surg_{}", rest.replace('.', "_")),
            message.to_owned(),
        )
    } else {
        let anchor = match field {
            "pain_now" | "pain_worst" => format!("{field}_0"),
            "pain_regions" => "pain_region_list".to_owned(),
            "pain_quality" => "pain_quality_list".to_owned(),
            "pain_pattern" => "pain_pattern_constant".to_owned(),
            _ => field.to_owned(),
        };
        (anchor, message.to_owned())
    };
    SummaryLine { anchor, text }
}

/// Where a field is asked on its step, to list the summary in the page's order.
fn place_on_page(field: &str) -> usize {
    const STEP_2: [&str; 14] = [
        "chief_complaint",
        "onset",
        "mechanism",
        "pain_now",
        "pain_worst",
        "pain_quality",
        "pain_pattern",
        "radiates",
        "radiation",
        "aggravating",
        "relieving",
        "earlier_episodes",
        "earlier_treatment",
        "goals",
    ];
    let code_at = |prefix: &str, codes: &[&str]| {
        field
            .strip_prefix(prefix)
            .and_then(|c| codes.iter().position(|x| *x == c))
    };
    let conditions: Vec<&str> = ConditionCode::ALL.iter().map(|c| c.as_str()).collect();
    let red_flags: Vec<&str> = RedFlagCode::ASKED.iter().map(|r| r.as_str()).collect();
    if let Some(i) = code_at("conditions.", &conditions) {
        return 2 * i;
    }
    if let Some(i) = code_at("condition_details.", &conditions) {
        return 2 * i + 1;
    }
    if let Some(i) = code_at("red_flags.", &red_flags) {
        return i;
    }
    if let Some(i) = STEP_2.iter().position(|f| *f == field) {
        return i;
    }
    match field {
        "consent_agree" => 0,
        "signed_name" => 1,
        _ => usize::MAX,
    }
}
