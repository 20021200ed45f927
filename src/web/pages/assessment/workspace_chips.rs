//! The workspace's one-tap chips for the diagnoses and the plan's frequency and goals,
//! from the domain's rule table and templates (`diagnosis_suggestions`,
//! `plan_templates`). The chips only fill fields; the autosave sends them and the
//! server judges them like anything typed.

use crate::domain::assessment::charted_areas::relevant_regions;
use crate::domain::assessment::diagnosis_suggestions::suggest;
use crate::domain::assessment::plan_templates::{FREQUENCY_PRESETS, goal_templates};
use crate::services::assessments::AssessmentRecord;

pub struct DiagnosisChip {
    pub code: &'static str,
    pub description: &'static str,
    /// The findings behind it, in words, joined.
    pub because: String,
    pub chosen: bool,
}

pub struct FrequencyChip {
    pub label: String,
    pub visits_per_week: u8,
    pub weeks: u8,
    /// Filled into the re-examination date when it is empty (`YYYY-MM-DD`).
    pub re_exam: String,
    /// The plan's frequency and weeks are this preset's.
    pub on: bool,
}

pub struct GoalChip {
    pub label: String,
    /// The goal's line with `{weeks}` where the weeks field's value goes.
    pub with_weeks: String,
    /// The line when the weeks field is empty.
    pub open: String,
}

pub fn diagnosis_chips(a: &AssessmentRecord) -> Vec<DiagnosisChip> {
    suggest(&a.content, a.intake.as_ref())
        .into_iter()
        .map(|s| DiagnosisChip {
            code: s.code,
            description: s.description,
            because: s.because.join("; "),
            chosen: s.chosen,
        })
        .collect()
}

pub fn frequency_chips(a: &AssessmentRecord) -> Vec<FrequencyChip> {
    let plan = a.content.plan.as_ref();
    FREQUENCY_PRESETS
        .iter()
        .map(|p| FrequencyChip {
            label: p.label(),
            visits_per_week: p.visits_per_week,
            weeks: p.weeks,
            re_exam: p
                .re_exam(a.row.visit_date)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            on: plan.is_some_and(|x| x.visits_per_week == p.visits_per_week && x.weeks == p.weeks),
        })
        .collect()
}

/// The goals worded from the record: the NPRS charted today, else the one on the form.
pub fn goal_chips(a: &AssessmentRecord) -> Vec<GoalChip> {
    let charted = a.content.pain.as_ref().and_then(|p| p.nprs);
    let reported = a
        .intake
        .as_ref()
        .and_then(|i| i.pain_now)
        .and_then(|n| u8::try_from(n).ok())
        .filter(|n| *n <= 10);
    let regions = relevant_regions(&a.content, a.intake.as_ref());
    goal_templates(charted.or(reported), &regions)
        .into_iter()
        .map(|g| GoalChip {
            label: g.label,
            with_weeks: g.with_weeks,
            open: g.open,
        })
        .collect()
}
