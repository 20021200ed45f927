//! The printable assessment summary: `GET /assessments/{id}/print` (practitioners and
//! admins). A standalone document (no navigation, no scripts) with every section in
//! the order of the exam, the flags, the three pictures (range of motion, spine map,
//! pain diagram), the signature with its content hash, and the addenda. Reading it is
//! audited as `assessment.printed`.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;

use super::assessment_pictures::{pain_diagram, rom_chart, spine_map};
use super::patients::BannerFlag;
use super::render;
use crate::db::models::patient::PatientRow;
use crate::domain::AssessmentId;
use crate::domain::assessment::AssessmentContent;
use crate::domain::assessment::Section;
use crate::domain::assessment::exam_tests::{
    Dermatome, LimbSide, Myotome, NeuroExam, Reflex, ReflexGrade, SensationGrade, StrengthGrade,
};
use crate::domain::assessment::history::HistoryStatus;
use crate::domain::assessment::palpation::{SegmentMotion, part_by_segment};
use crate::domain::clinical::{Region, Technique};
use crate::domain::intake::PainArea;
use crate::domain::patient::{Sex, age_on};
use crate::services::ServiceError;
use crate::services::assessments::{self, AssessmentRecord};
use crate::services::audit::AuditAction;
use crate::services::sessions::Principal;
use crate::web::error::PageError;
use crate::web::extract::{ClientIp, CsrfToken};
use crate::web::state::AppState;

fn when(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A number as typed: no trailing ".0".
fn number(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map(str::to_owned).unwrap_or(s)
}

fn technique_label(t: Technique) -> &'static str {
    match t {
        Technique::Hvla => "HVLA (high-velocity low-amplitude thrust)",
        Technique::DropTable => "Drop table",
        Technique::Instrument => "Instrument-assisted",
        Technique::FlexionDistraction => "Flexion-distraction",
        Technique::Mobilization => "Mobilization",
        Technique::SoftTissue => "Soft tissue",
        Technique::Exercise => "Exercise",
        Technique::Modality => "Modality",
    }
}

fn region_label(r: Region) -> &'static str {
    match r {
        Region::Cervical => "Cervical",
        Region::Thoracic => "Thoracic",
        Region::Lumbar => "Lumbar",
        Region::SacralPelvic => "Sacral / pelvic",
        Region::RibCage => "Rib cage",
        Region::UpperExtremity => "Upper extremity",
        Region::LowerExtremity => "Lower extremity",
    }
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

pub struct SignatureView {
    pub signer: String,
    pub signed_at: String,
    pub hash: String,
    /// `Some(true)` when the hash recomputed from the stored record matches.
    pub verified: Option<bool>,
}

pub struct AddendumLine {
    pub author: String,
    pub author_id: String,
    pub at: String,
    pub body: String,
}

#[derive(Template)]
#[template(path = "assessment_print.html")]
struct PrintPage {
    clinic: String,
    title: String,
    patient_name: String,
    preferred_name: Option<String>,
    chart_number: String,
    date_of_birth: String,
    age: i32,
    sex: &'static str,
    practitioner: String,
    visit_date: String,
    signed: bool,
    printed_at: String,
    printed_by: String,
    /// The section headings, in the order of the exam.
    headings: BTreeMap<&'static str, &'static str>,
    flags: Vec<BannerFlag>,
    intake_note: String,
    history_notices: Vec<String>,
    unreadable: Vec<String>,
    history: Option<Vec<HistoryLine>>,
    posture: Option<Vec<PostureLine>>,
    rom: Option<Vec<RomLine>>,
    rom_chart: String,
    palpation: Option<Vec<PalpationLine>>,
    palpation_normal: usize,
    spine_map: String,
    tests: Option<Vec<TestLine>>,
    neuro: Option<NeuroView>,
    nprs: Option<String>,
    pain_notes: String,
    diagnoses: Option<Vec<DiagnosisLine>>,
    plan: Option<PlanView>,
    pain_areas: Vec<&'static str>,
    has_intake: bool,
    pain_diagram: String,
    signature: Option<SignatureView>,
    addenda: Vec<AddendumLine>,
}

/// The checked items of the review, in the shared wording (see `history_items`).
fn history_lines(record: &AssessmentRecord) -> Vec<HistoryLine> {
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

fn posture_lines(content: &AssessmentContent) -> Option<Vec<PostureLine>> {
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

fn rom_lines(content: &AssessmentContent) -> Option<Vec<RomLine>> {
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

fn palpation_lines(content: &AssessmentContent) -> Option<(Vec<PalpationLine>, usize)> {
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

fn test_lines(content: &AssessmentContent) -> Option<Vec<TestLine>> {
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

fn neuro_view(n: &NeuroExam) -> NeuroView {
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

fn plan_view(record: &AssessmentRecord, names: &BTreeMap<String, String>) -> Option<PlanView> {
    let plan = record.content.plan.as_ref()?;
    let name_of = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_owned());
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
                technique: technique_label(iv.technique),
                region: region_label(iv.region),
                override_reason: iv.override_reason.clone(),
                override_by: iv.override_by.as_deref().map(name_of).unwrap_or_default(),
                override_at: iv.override_at.map(when).unwrap_or_default(),
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

fn build(
    state: &AppState,
    principal: &Principal,
    record: AssessmentRecord,
    p: PatientRow,
    names: BTreeMap<String, String>,
    now: NaiveDateTime,
) -> PrintPage {
    let content = &record.content;
    let headings = Section::ALL
        .iter()
        .map(|s| (s.as_str(), s.label()))
        .collect();
    let palpation = palpation_lines(content);
    let pain_regions = record
        .intake
        .as_ref()
        .map(|i| i.pain_regions.clone())
        .unwrap_or_default();
    let signature = match (record.row.signed_at, record.row.content_hash.as_ref()) {
        (Some(at), Some(hash)) if record.is_signed() => Some(SignatureView {
            signer: record
                .signer_name
                .clone()
                .unwrap_or_else(|| record.row.signed_by.clone().unwrap_or_default()),
            signed_at: when(at),
            hash: hash.clone(),
            verified: record.hash_matches(),
        }),
        _ => None,
    };
    let name_of = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_owned());
    let patient_name = format!("{} {}", p.given_name, p.family_name);
    PrintPage {
        clinic: state.mail.clinic_name.clone(),
        title: format!(
            "Assessment — {patient_name} — {}",
            record.row.visit_date.format("%Y-%m-%d")
        ),
        patient_name,
        preferred_name: p.preferred_name.clone(),
        chart_number: p.chart_number.clone(),
        date_of_birth: p.date_of_birth.format("%Y-%m-%d").to_string(),
        age: age_on(p.date_of_birth, record.row.visit_date),
        sex: Sex::parse(&p.sex).map(Sex::label).unwrap_or("Not stated"),
        practitioner: record.practitioner_name.clone(),
        visit_date: record.row.visit_date.format("%Y-%m-%d").to_string(),
        signed: record.is_signed(),
        printed_at: when(now),
        printed_by: principal.name.clone(),
        headings,
        flags: record.flags.iter().cloned().map(BannerFlag::from).collect(),
        intake_note: match record.intake_submitted_at {
            Some(at) => format!(
                "Patient-reported answers from the history submitted {}.",
                when(at)
            ),
            None if record.intake.is_some() => {
                "Patient-reported answers from the submitted history.".into()
            }
            None => "No submitted history is on file: nothing patient-reported to compare.".into(),
        },
        history: content.history.as_ref().map(|_| history_lines(&record)),
        history_notices: record
            .history_notices()
            .into_iter()
            .map(|n| n.text)
            .collect(),
        unreadable: record
            .stored
            .unreadable
            .iter()
            .map(|u| format!("{}: {}", u.path, u.describe()))
            .collect(),
        posture: posture_lines(content),
        rom: rom_lines(content),
        rom_chart: content.rom.as_deref().map(rom_chart).unwrap_or_default(),
        palpation_normal: palpation.as_ref().map(|(_, n)| *n).unwrap_or(0),
        palpation: palpation.map(|(l, _)| l),
        spine_map: content
            .palpation
            .as_deref()
            .map(spine_map)
            .unwrap_or_default(),
        tests: test_lines(content),
        neuro: content.neuro.as_ref().map(neuro_view),
        nprs: content.pain.as_ref().map(|p| {
            p.nprs
                .map(|n| format!("{n} / 10"))
                .unwrap_or_else(|| "Not scored".into())
        }),
        pain_notes: content
            .pain
            .as_ref()
            .and_then(|p| p.notes.clone())
            .unwrap_or_default(),
        diagnoses: content.diagnoses.as_ref().map(|ds| {
            ds.iter()
                .map(|d| DiagnosisLine {
                    code: d.code.clone(),
                    description: d.description.clone(),
                    primary: d.primary,
                    notes: d.notes.clone().unwrap_or_default(),
                })
                .collect()
        }),
        plan: plan_view(&record, &names),
        pain_areas: PainArea::ALL
            .iter()
            .filter(|a| pain_regions.iter().any(|r| r == a.as_str()))
            .map(|a| a.label())
            .collect(),
        has_intake: record.intake.is_some(),
        pain_diagram: pain_diagram(&pain_regions),
        signature,
        addenda: record
            .addenda
            .iter()
            .map(|a| AddendumLine {
                author: name_of(&a.author_id),
                author_id: a.author_id.clone(),
                at: when(a.created_at),
                body: a.body.clone(),
            })
            .collect(),
    }
}

/// The staff names the summary shows for ids it holds: override authors and addenda.
fn user_ids(record: &AssessmentRecord) -> Vec<String> {
    let mut ids: Vec<String> = record.addenda.iter().map(|a| a.author_id.clone()).collect();
    if let Some(plan) = &record.content.plan {
        ids.extend(
            plan.interventions
                .iter()
                .filter_map(|iv| iv.override_by.clone()),
        );
    }
    ids.sort();
    ids.dedup();
    ids
}

pub async fn show(
    state: web::Data<AppState>,
    principal: Principal,
    _csrf: CsrfToken,
    ip: ClientIp,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let aid = AssessmentId::parse(&id).ok_or(PageError(ServiceError::NotFound))?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let (record, patient, names) = state
        .db(move |conn| {
            let record = assessments::get(conn, now, &actor, &aid, AuditAction::AssessmentPrinted)?;
            let patient = crate::db::models::patient::find(conn, &record.row.patient_id)?
                .ok_or(ServiceError::NotFound)?;
            let mut names = BTreeMap::new();
            for uid in user_ids(&record) {
                if let Some(u) = crate::db::models::user::find(conn, &uid)? {
                    names.insert(uid, u.name);
                }
            }
            Ok((record, patient, names))
        })
        .await?;
    render(&build(&state, &principal, record, patient, names, now))
}
