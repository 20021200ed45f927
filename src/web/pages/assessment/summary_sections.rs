//! The printed summary's sections as lines of text: what was charted, in the
//! vocabularies' words; a finding not recorded prints as "not recorded".

use chrono::NaiveDateTime;

use crate::clinic_time::ClinicZone;

use crate::domain::assessment::AssessmentContent;
use crate::domain::assessment::exam_tests::{
    Dermatome, LimbSide, Myotome, NeuroExam, Reflex, ReflexGrade, SensationGrade, StrengthGrade,
};
use crate::domain::assessment::history::HistoryStatus;
use crate::domain::assessment::palpation::{SegmentMotion, part_by_segment};
use crate::services::assessments::AssessmentRecord;

/// A stored time as the clinic reads it, with its zone ("2026-12-03 09:14 EST").
pub fn when(zone: ClinicZone, t: NaiveDateTime) -> String {
    zone.show(t)
}

/// A number as typed: no trailing ".0".
pub fn number(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map(str::to_owned).unwrap_or(s)
}

pub struct HistoryLine {
    pub label: String,
    pub reported: String,
    pub corrected: bool,
    pub status: &'static str,
    pub correction: String,
}

pub struct PostureLine {
    pub area: &'static str,
    pub finding: &'static str,
    pub normal: bool,
    pub side: &'static str,
    pub view: &'static str,
    pub measure: String,
    pub notes: String,
}

pub struct RomLine {
    pub motion: String,
    pub degrees: String,
    pub normal: String,
    pub reference: &'static str,
    pub percent: String,
    pub reduced: bool,
    pub pain: String,
    pub method: String,
    pub end_feel: &'static str,
}

pub struct PalpationLine {
    pub segment: &'static str,
    pub side: &'static str,
    pub structure: &'static str,
    pub tenderness: String,
    pub tone: &'static str,
    pub motion: String,
    pub alignment: &'static str,
    pub swelling: &'static str,
    pub part: String,
    pub meets_part: bool,
    pub notes: String,
}

pub struct TestLine {
    pub group: &'static str,
    pub test: &'static str,
    pub side: &'static str,
    pub result: &'static str,
    pub positive: bool,
    pub value: String,
    pub notes: String,
}

/// One neurological item, left and right; `*` marks a grade that is not normal.
pub struct NeuroLine {
    pub label: &'static str,
    pub left: String,
    pub right: String,
}

pub struct NeuroView {
    pub reflexes: Vec<NeuroLine>,
    pub strength: Vec<NeuroLine>,
    pub sensation: Vec<NeuroLine>,
}

pub struct DiagnosisLine {
    pub code: String,
    pub description: String,
    pub primary: bool,
    pub notes: String,
}

pub struct InterventionLine {
    pub technique: &'static str,
    pub region: &'static str,
    pub override_reason: Option<String>,
    pub override_by: String,
    pub override_at: String,
}

pub struct HomeCareLine {
    pub exercise: &'static str,
    pub dosage: String,
    pub instructions: &'static str,
}

pub struct AdviceLine {
    pub label: &'static str,
    pub text: &'static str,
}

pub struct PlanView {
    pub visits_per_week: u8,
    pub weeks: u8,
    pub goals: String,
    pub re_exam_date: String,
    pub interventions: Vec<InterventionLine>,
    pub home_care: Vec<HomeCareLine>,
    pub advice: Vec<AdviceLine>,
    pub notes: String,
    /// What the plan conflicts with now (a flag raised after it was saved).
    pub conflicts: Vec<String>,
}

/// The checked items of the review, in the shared wording (see `history_items`).
pub fn history_lines(record: &AssessmentRecord) -> Vec<HistoryLine> {
    record
        .history_items()
        .into_iter()
        .filter_map(|h| {
            let c = h.check?;
            Some(HistoryLine {
                label: h.label,
                reported: if h.reported.trim().is_empty() {
                    "Not answered".to_owned()
                } else {
                    h.reported
                },
                corrected: c.status == HistoryStatus::Corrected,
                status: c.status.label(),
                correction: c.correction.clone().unwrap_or_default(),
            })
        })
        .collect()
}

pub fn posture_lines(content: &AssessmentContent) -> Option<Vec<PostureLine>> {
    let rows = content.posture.as_ref()?;
    Some(
        rows.iter()
            .map(|p| PostureLine {
                area: p.area.label(),
                finding: p.finding.label(),
                normal: p.finding == crate::domain::assessment::posture::PostureFindingCode::Normal,
                side: p.side.map(|s| s.label()).unwrap_or(""),
                view: p.view.map(|v| v.label()).unwrap_or(""),
                measure: p.measure.map(number).unwrap_or_default(),
                notes: p.notes.clone().unwrap_or_default(),
            })
            .collect(),
    )
}

pub fn rom_lines(content: &AssessmentContent) -> Option<Vec<RomLine>> {
    let rows = content.rom.as_ref()?;
    Some(
        rows.iter()
            .map(|r| RomLine {
                motion: format!("{} {}", r.region.label(), r.motion.label().to_lowercase()),
                degrees: r
                    .degrees
                    .map(|d| format!("{d}°"))
                    .unwrap_or_else(|| "—".into()),
                normal: r
                    .normal_degrees
                    .map(|d| format!("{d}°"))
                    .unwrap_or_else(|| "not rated".into()),
                reference: r.reference.label(),
                percent: r
                    .percent_of_normal
                    .map(|p| format!("{p}%"))
                    .unwrap_or_else(|| "—".into()),
                reduced: r.percent_of_normal.is_some_and(|p| p < 100),
                pain: match (r.pain, r.pain_location.as_deref()) {
                    (true, Some(loc)) => format!("Yes: {loc}"),
                    (true, None) => "Yes".into(),
                    (false, _) => "No".into(),
                },
                method: format!(
                    "{}{}",
                    r.method.label(),
                    if r.active { "" } else { ", passive" }
                ),
                end_feel: r.end_feel.map(|e| e.label()).unwrap_or(""),
            })
            .collect(),
    )
}

pub fn palpation_lines(content: &AssessmentContent) -> Option<(Vec<PalpationLine>, usize)> {
    let rows = content.palpation.as_ref()?;
    let by_segment = part_by_segment(rows);
    let lines: Vec<PalpationLine> = rows
        .iter()
        .filter(|f| !f.is_normal())
        .map(|f| {
            const NOT_RECORDED: &str = "not recorded";
            let motion = match f.motion {
                Some(SegmentMotion::Restricted) if !f.restricted.is_empty() => format!(
                    "Restricted: {}",
                    f.restricted
                        .iter()
                        .map(|d| d.label())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Some(m) => m.label().to_owned(),
                None => NOT_RECORDED.to_owned(),
            };
            PalpationLine {
                segment: f.segment.label(),
                side: f.side.map(|s| s.label()).unwrap_or(""),
                structure: f.structure.map(|s| s.label()).unwrap_or(""),
                tenderness: match f.tenderness {
                    Some(t) if t.grade() == 0 => "0".into(),
                    Some(t) => t.roman().to_owned(),
                    None => NOT_RECORDED.to_owned(),
                },
                tone: f.tone.map(|t| t.label()).unwrap_or(NOT_RECORDED),
                motion,
                alignment: f.alignment.map(|a| a.label()).unwrap_or(NOT_RECORDED),
                swelling: f.swelling.map(|s| s.label()).unwrap_or(NOT_RECORDED),
                part: f.part().letters(),
                meets_part: by_segment
                    .iter()
                    .any(|(s, p)| *s == f.segment && p.subluxation()),
                notes: f.notes.clone().unwrap_or_default(),
            }
        })
        .collect();
    let normal = rows.len() - lines.len();
    Some((lines, normal))
}

pub fn test_lines(content: &AssessmentContent) -> Option<Vec<TestLine>> {
    use crate::domain::assessment::exam_tests::TestResult;
    let rows = content.tests.as_ref()?;
    Some(
        rows.iter()
            .map(|t| TestLine {
                group: t.test.group(),
                test: t.test.label(),
                side: t.side.map(|s| s.label()).unwrap_or(""),
                result: t.result.label(),
                positive: t.result == TestResult::Positive,
                value: t.value.map(number).unwrap_or_default(),
                notes: t.notes.clone().unwrap_or_default(),
            })
            .collect(),
    )
}

/// Rows of one neurological scale, left and right side by side, in the scale's order.
fn sided<K: Copy + PartialEq, G: Copy>(
    keys: &[K],
    label: impl Fn(K) -> &'static str,
    found: &[(K, LimbSide, G)],
    grade: impl Fn(G) -> (&'static str, bool),
) -> Vec<NeuroLine> {
    let cell = |k: K, side: LimbSide| -> String {
        found
            .iter()
            .find(|(fk, fs, _)| *fk == k && *fs == side)
            .map(|(_, _, g)| {
                let (text, normal) = grade(*g);
                if normal {
                    text.to_owned()
                } else {
                    format!("{text} *")
                }
            })
            .unwrap_or_else(|| "—".to_owned())
    };
    keys.iter()
        .filter(|k| found.iter().any(|(fk, _, _)| fk == *k))
        .map(|k| NeuroLine {
            label: label(*k),
            left: cell(*k, LimbSide::Left),
            right: cell(*k, LimbSide::Right),
        })
        .collect()
}

pub fn neuro_view(n: &NeuroExam) -> NeuroView {
    let reflexes: Vec<_> = n
        .reflexes
        .iter()
        .map(|r| (r.reflex, r.side, r.grade))
        .collect();
    let strength: Vec<_> = n
        .strength
        .iter()
        .map(|r| (r.myotome, r.side, r.grade))
        .collect();
    let sensation: Vec<_> = n
        .sensation
        .iter()
        .map(|r| (r.dermatome, r.side, r.grade))
        .collect();
    NeuroView {
        reflexes: sided(Reflex::ALL, Reflex::label, &reflexes, |g: ReflexGrade| {
            (g.label(), g == ReflexGrade::Normal)
        }),
        strength: sided(
            Myotome::ALL,
            Myotome::label,
            &strength,
            |g: StrengthGrade| (g.label(), g == StrengthGrade::G5),
        ),
        sensation: sided(
            Dermatome::ALL,
            Dermatome::label,
            &sensation,
            |g: SensationGrade| {
                (
                    g.label(),
                    matches!(g, SensationGrade::Normal | SensationGrade::NotTestable),
                )
            },
        ),
    }
}

pub fn plan_view(record: &AssessmentRecord, zone: ClinicZone) -> Option<PlanView> {
    let plan = record.content.plan.as_ref()?;
    let name_of = |id: &str| record.name_of(id);
    Some(PlanView {
        visits_per_week: plan.visits_per_week,
        weeks: plan.weeks,
        goals: plan.goals.clone(),
        re_exam_date: plan
            .re_exam_date
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| "Not set".into()),
        interventions: plan
            .interventions
            .iter()
            .map(|iv| InterventionLine {
                technique: iv.technique.label(),
                region: iv.region.label(),
                override_reason: iv.override_reason.clone(),
                override_by: iv.override_by.as_deref().map(name_of).unwrap_or_default(),
                override_at: iv.override_at.map(|t| when(zone, t)).unwrap_or_default(),
            })
            .collect(),
        home_care: plan
            .home_care
            .iter()
            .map(|h| HomeCareLine {
                exercise: h.exercise.label(),
                dosage: h.dosage.clone().unwrap_or_default(),
                instructions: h.exercise.instructions(),
            })
            .collect(),
        advice: plan
            .advice
            .iter()
            .map(|a| AdviceLine {
                label: a.label(),
                text: a.text(),
            })
            .collect(),
        notes: plan.notes.clone().unwrap_or_default(),
        conflicts: record.conflicts.iter().map(|c| c.message.clone()).collect(),
    })
}

pub fn diagnosis_lines(content: &AssessmentContent) -> Option<Vec<DiagnosisLine>> {
    let ds = content.diagnoses.as_ref()?;
    Some(
        ds.iter()
            .map(|d| DiagnosisLine {
                code: d.code.clone(),
                description: d.description.clone(),
                primary: d.primary,
                notes: d.notes.clone().unwrap_or_default(),
            })
            .collect(),
    )
}
