//! The workspace's diagnoses and the plan's home care and advice as form lines (the
//! interventions are a grid of their own, `workspace_interventions`).

use super::{Opt, s};
use crate::domain::assessment::AssessmentContent;
use crate::domain::assessment::exercises::{Advice, Exercise};

pub struct DiagnosisLine {
    pub code: String,
    pub primary: bool,
    pub notes: String,
}

pub struct ExerciseLine {
    pub code: &'static str,
    pub label: &'static str,
    pub instructions: &'static str,
    pub on: bool,
    pub dosage: String,
}

pub fn diagnosis_lines(c: &AssessmentContent) -> Vec<DiagnosisLine> {
    let mut diagnoses: Vec<DiagnosisLine> = c
        .diagnoses
        .as_deref()
        .unwrap_or_default()
        .iter()
        .map(|d| DiagnosisLine {
            code: d.code.clone(),
            primary: d.primary,
            notes: s(&d.notes),
        })
        .collect();
    while diagnoses.len() < 4 {
        diagnoses.push(DiagnosisLine {
            code: String::new(),
            primary: false,
            notes: String::new(),
        });
    }
    diagnoses
}

pub fn exercise_lines(c: &AssessmentContent) -> Vec<ExerciseLine> {
    let plan = c.plan.as_ref();
    let home = plan.map(|p| p.home_care.as_slice()).unwrap_or_default();
    Exercise::ALL
        .iter()
        .map(|e| {
            let saved = home.iter().find(|h| h.exercise == *e);
            ExerciseLine {
                code: e.as_str(),
                label: e.label(),
                instructions: e.instructions(),
                on: saved.is_some(),
                dosage: saved.map(|h| s(&h.dosage)).unwrap_or_default(),
            }
        })
        .collect()
}

pub fn advice_lines(c: &AssessmentContent) -> Vec<(Opt, &'static str)> {
    let plan = c.plan.as_ref();
    Advice::ALL
        .iter()
        .map(|adv| {
            (
                Opt {
                    code: adv.as_str(),
                    label: adv.label(),
                    on: plan.is_none_or(|p| p.advice.contains(adv)),
                },
                adv.text(),
            )
        })
        .collect()
}
