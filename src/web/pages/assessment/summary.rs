//! The printable assessment summary: `GET /assessments/{id}/print` (practitioners and
//! admins). A standalone document (no navigation, no scripts) with every section in
//! the order of the exam, the flags, the three pictures (range of motion, spine map,
//! pain diagram), the signature with its content hash, and the addenda. Built from the
//! same record as the workspace; reading it is audited as `assessment.printed`.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;

use super::summary_sections::{
    DiagnosisLine, HistoryLine, NeuroView, PalpationLine, PlanView, PostureLine, RomLine, TestLine,
    diagnosis_lines, history_lines, neuro_view, palpation_lines, plan_view, posture_lines,
    rom_lines, test_lines, when,
};
use crate::clinic_time::ClinicZone;
use crate::domain::AssessmentId;
use crate::domain::assessment::Section;
use crate::domain::intake::PainArea;
use crate::domain::patient::{Sex, age_on};
use crate::services::ServiceError;
use crate::services::assessments::{self, AssessmentRecord};
use crate::services::audit::AuditAction;
use crate::services::sessions::Principal;
use crate::web::error::PageError;
use crate::web::extract::{ClientIp, CsrfToken};
use crate::web::pages::assessment::pictures::{pain_diagram, rom_chart, spine_map};
use crate::web::pages::patients::BannerFlag;
use crate::web::pages::render;
use crate::web::state::AppState;

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
    /// The workspace this summary was opened from.
    back: String,
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
    /// Sections still marked as carried forward, in words, by section code.
    carried: BTreeMap<&'static str, String>,
}

fn build(
    state: &AppState,
    principal: &Principal,
    record: AssessmentRecord,
    now: NaiveDateTime,
) -> PrintPage {
    let p = record.patient.clone();
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
    let patient_name = p.full_name();
    PrintPage {
        back: format!("/patients/{}/assessments/{}", p.id, record.row.id),
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
        printed_at: when(state.zone, now),
        printed_by: principal.name.clone(),
        headings,
        flags: record
            .flags
            .iter()
            .cloned()
            .map(|f| {
                let h = record.flag_history.get(&f.id).cloned().unwrap_or_default();
                BannerFlag::with_history(f, &h)
            })
            .collect(),
        intake_note: intake_note(&record, state.zone),
        history: content.history.as_ref().map(|_| history_lines(&record)),
        history_notices: record
            .history_notices()
            .into_iter()
            .map(|n| n.text)
            .collect(),
        unreadable: record.unreadable_lines(),
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
                .map_or_else(|| "Not scored".into(), |n| format!("{n} / 10"))
        }),
        pain_notes: content
            .pain
            .as_ref()
            .and_then(|p| p.notes.clone())
            .unwrap_or_default(),
        diagnoses: diagnosis_lines(content),
        plan: plan_view(&record, state.zone),
        pain_areas: PainArea::ALL
            .iter()
            .filter(|a| pain_regions.iter().any(|r| r == a.as_str()))
            .map(|a| a.label())
            .collect(),
        has_intake: record.intake.is_some(),
        pain_diagram: pain_diagram(&pain_regions),
        signature: signature_view(&record, state.zone),
        addenda: addendum_lines(&record, state.zone),
        carried: carried_lines(&record),
    }
}

/// The honest record of a section nobody changed since it was carried forward: a
/// signed one says it was signed so, a draft that it is still to be checked.
fn carried_lines(record: &AssessmentRecord) -> BTreeMap<&'static str, String> {
    record
        .stored
        .carried_forward()
        .into_iter()
        .map(|(s, from)| {
            let text = if record.is_signed() {
                format!(
                    "Carried forward from the assessment of {} and signed unchanged.",
                    from.date_words()
                )
            } else {
                format!(
                    "Carried forward from the assessment of {}; not yet checked.",
                    from.date_words()
                )
            };
            (s.as_str(), text)
        })
        .collect()
}

/// Whose answers the review compares with, and when they were given.
fn intake_note(record: &AssessmentRecord, zone: ClinicZone) -> String {
    match record.intake_submitted_at {
        Some(at) => format!(
            "Patient-reported answers from the history submitted {}.",
            when(zone, at)
        ),
        None if record.intake.is_some() => {
            "Patient-reported answers from the submitted history.".into()
        }
        None => "No submitted history is on file: nothing patient-reported to compare.".into(),
    }
}

fn signature_view(record: &AssessmentRecord, zone: ClinicZone) -> Option<SignatureView> {
    match (record.row.signed_at, record.row.content_hash.as_ref()) {
        (Some(at), Some(hash)) if record.is_signed() => Some(SignatureView {
            signer: record
                .signer_name
                .clone()
                .unwrap_or_else(|| record.name_of(record.row.signed_by.as_deref().unwrap_or(""))),
            signed_at: when(zone, at),
            hash: hash.clone(),
            verified: record.hash_matches(),
        }),
        _ => None,
    }
}

fn addendum_lines(record: &AssessmentRecord, zone: ClinicZone) -> Vec<AddendumLine> {
    record
        .addenda
        .iter()
        .map(|a| AddendumLine {
            author: record.name_of(&a.author_id),
            author_id: a.author_id.clone(),
            at: when(zone, a.created_at),
            body: a.body.clone(),
        })
        .collect()
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
    let record = state
        .db(move |conn| assessments::get(conn, now, &actor, &aid, AuditAction::AssessmentPrinted))
        .await?;
    render(&build(&state, &principal, record, now))
}
