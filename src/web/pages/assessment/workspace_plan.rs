//! The workspace's diagnoses and treatment plan as form lines, and what the flags on
//! file allow per region. Techniques and regions carry the vocabularies' labels, the
//! same words the plan check's refusals and the printed summary use.

use super::{Opt, opts, s};
use crate::domain::assessment::AssessmentContent;
use crate::domain::assessment::exercises::{Advice, Exercise};
use crate::domain::assessment::plan_check::allowed_in;
use crate::domain::clinical::{Region, Technique};
use crate::services::assessments::{AssessmentRecord, flags_on_file};

pub struct DiagnosisLine {
    pub code: String,
    pub primary: bool,
    pub notes: String,
}

pub struct InterventionLine {
    pub techniques: Vec<Opt>,
    pub regions: Vec<Opt>,
    pub override_reason: String,
    pub override_note: String,
}

pub struct ExerciseLine {
    pub code: &'static str,
    pub label: &'static str,
    pub instructions: &'static str,
    pub on: bool,
    pub dosage: String,
}

pub struct AllowedLine {
    pub region: &'static str,
    pub free: String,
    pub with_reason: String,
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

pub fn intervention_lines(a: &AssessmentRecord) -> Vec<InterventionLine> {
    let plan = a.content.plan.as_ref();
    let mut interventions: Vec<InterventionLine> = plan
        .map(|p| p.interventions.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|iv| InterventionLine {
            techniques: opts(
                Technique::ALL,
                Technique::as_str,
                Technique::label,
                Some(iv.technique),
            ),
            regions: opts(Region::ALL, Region::as_str, Region::label, Some(iv.region)),
            override_reason: s(&iv.override_reason),
            override_note: match (&iv.override_by, iv.override_at) {
                (Some(by), Some(at)) => format!(
                    "override by {}, {}",
                    a.name_of(by),
                    at.format("%Y-%m-%d %H:%M")
                ),
                _ => String::new(),
            },
        })
        .collect();
    while interventions.len() < 6 {
        interventions.push(InterventionLine {
            techniques: opts(Technique::ALL, Technique::as_str, Technique::label, None),
            regions: opts(Region::ALL, Region::as_str, Region::label, None),
            override_reason: String::new(),
            override_note: String::new(),
        });
    }
    interventions
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

pub fn allowed_lines(a: &AssessmentRecord) -> Vec<AllowedLine> {
    let on_file = flags_on_file(&a.flags);
    Region::ALL
        .iter()
        .map(|r| {
            let (free, with_reason) = allowed_in(*r, &on_file);
            let j =
                |ts: Vec<Technique>| ts.iter().map(|t| t.label()).collect::<Vec<_>>().join(", ");
            AllowedLine {
                region: r.label(),
                free: j(free),
                with_reason: j(with_reason),
            }
        })
        .collect()
}
