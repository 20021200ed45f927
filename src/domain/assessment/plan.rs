//! The treatment plan: interventions (technique × region, part A), frequency and
//! duration, goals, the re-examination date, home care and advice.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::check_note;
use super::exercises::{Advice, Exercise};
use crate::domain::clinical::{Region, Technique};
use crate::domain::{FieldErrors, written_reason};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Intervention {
    pub technique: Technique,
    pub region: Region,
    /// Required to plan a technique a relative contraindication restricts.
    #[serde(default)]
    pub override_reason: Option<String>,
    /// Who wrote the override and when: stamped by the service on every save, so a
    /// value sent in is replaced.
    #[serde(default)]
    pub override_by: Option<String>,
    #[serde(default)]
    pub override_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HomeExercise {
    pub exercise: Exercise,
    /// Sets, repetitions, how often ("2 × 10, morning and evening").
    #[serde(default)]
    pub dosage: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TreatmentPlan {
    pub visits_per_week: u8,
    pub weeks: u8,
    #[serde(default)]
    pub goals: String,
    #[serde(default)]
    pub re_exam_date: Option<NaiveDate>,
    #[serde(default)]
    pub interventions: Vec<Intervention>,
    #[serde(default)]
    pub home_care: Vec<HomeExercise>,
    #[serde(default = "default_advice")]
    pub advice: Vec<Advice>,
    /// A referral or other notes (for example "referred to GP for imaging").
    #[serde(default)]
    pub notes: Option<String>,
}

fn default_advice() -> Vec<Advice> {
    Advice::ALL.to_vec()
}

pub fn validate(plan: &mut TreatmentPlan, visit_date: NaiveDate, e: &mut FieldErrors) {
    if !(1..=7).contains(&plan.visits_per_week) {
        e.add("plan.visits_per_week", "Give 1 to 7 visits a week.");
    }
    if !(1..=52).contains(&plan.weeks) {
        e.add("plan.weeks", "Give a duration of 1 to 52 weeks.");
    }
    plan.goals = plan.goals.trim().to_owned();
    if plan.goals.is_empty() {
        e.add(
            "plan.goals",
            "Write the goals of care (functional and measurable where you can).",
        );
    } else if plan.goals.chars().count() > 2000 {
        e.add("plan.goals", "Use at most 2000 characters.");
    } else if let Err(m) =
        crate::domain::free_text::check(&plan.goals, crate::domain::free_text::Lines::Many)
    {
        e.add("plan.goals", m);
    }
    if plan.re_exam_date.is_some_and(|d| d <= visit_date) {
        e.add(
            "plan.re_exam_date",
            "The re-examination comes after this visit.",
        );
    }
    let mut seen = Vec::new();
    for (i, iv) in plan.interventions.iter_mut().enumerate() {
        let field = format!("plan.interventions[{i}].override_reason");
        check_note(&mut iv.override_reason, &field, e);
        // An override is the record of a clinical decision: "x" or "ok" says nothing.
        if let Some(Err(message)) = iv.override_reason.as_deref().map(written_reason::parse) {
            e.add(&field, message);
        }
        if seen.contains(&(iv.technique, iv.region)) {
            e.add(
                &format!("plan.interventions[{i}].technique"),
                "This intervention is listed twice.",
            );
        }
        seen.push((iv.technique, iv.region));
    }
    let mut seen = Vec::new();
    for (i, h) in plan.home_care.iter_mut().enumerate() {
        check_note(&mut h.dosage, &format!("plan.home_care[{i}].dosage"), e);
        if seen.contains(&h.exercise) {
            e.add(
                &format!("plan.home_care[{i}].exercise"),
                "This exercise is listed twice.",
            );
        }
        seen.push(h.exercise);
    }
    plan.advice.sort();
    plan.advice.dedup();
    check_note(&mut plan.notes, "plan.notes", e);
}

impl TreatmentPlan {
    /// Keeps who wrote each override and when, across saves: an unchanged reason keeps
    /// its author; a new or changed one is stamped with this save's author and time.
    pub fn stamp_overrides(
        &mut self,
        before: Option<&TreatmentPlan>,
        by: &str,
        now: NaiveDateTime,
    ) {
        for iv in &mut self.interventions {
            if iv.override_reason.is_none() {
                iv.override_by = None;
                iv.override_at = None;
                continue;
            }
            let earlier = before.and_then(|b| {
                b.interventions.iter().find(|o| {
                    o.technique == iv.technique
                        && o.region == iv.region
                        && o.override_reason == iv.override_reason
                })
            });
            match earlier {
                Some(o) => {
                    iv.override_by = o.override_by.clone();
                    iv.override_at = o.override_at;
                }
                None => {
                    iv.override_by = Some(by.to_owned());
                    iv.override_at = Some(now);
                }
            }
        }
    }
}
