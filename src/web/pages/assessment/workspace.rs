//! The workspace page: the record as the practitioner charts it, one scrolling page with
//! the flags and the section index in view (see `templates/assessment_workspace.html`).

use askama::Template;

use super::workspace_exam::{
    NeuroLine, PalpationLine, PostureLine, RomLine, TestLine, neuro_lines, palpation_lines,
    posture_lines, rom_lines, test_lines,
};
use super::workspace_plan::{
    AllowedLine, DiagnosisLine, ExerciseLine, InterventionLine, advice_lines, allowed_lines,
    diagnosis_lines, exercise_lines, intervention_lines,
};
use super::{Opt, s};
use crate::domain::Role;
use crate::domain::assessment::exam_tests::ScreeningSet;
use crate::domain::assessment::{Section, icd10};
use crate::services::assessments::{AssessmentRecord, HistoryNotice, PatientSummary};
use crate::services::sessions::Principal;
use crate::web::extract::CsrfToken;
use crate::web::pages::Page;
use crate::web::pages::patients::BannerFlag;
use crate::web::state::AppState;

pub struct HistoryLine {
    pub item: String,
    pub label: String,
    pub reported: String,
    pub status: &'static str,
    pub correction: String,
}

pub struct AddendumLine {
    pub at: String,
    pub author: String,
    pub body: String,
}

#[derive(Template)]
#[template(path = "assessment_workspace.html")]
pub struct WorkspacePage {
    page: Page,
    p: PatientSummary,
    a: AssessmentRecord,
    editable: bool,
    is_practitioner: bool,
    sections: Vec<(&'static str, &'static str, bool, bool)>,
    flags: Vec<BannerFlag>,
    history: Vec<HistoryLine>,
    history_intake: Option<String>,
    history_notices: Vec<HistoryNotice>,
    /// The tests' screening sets: code, name, the tests it marks negative.
    screening_sets: Vec<(&'static str, &'static str, String)>,
    /// Landed here from "Start" because this draft was open: offer a new visit.
    offer_new_visit: bool,
    /// Parts of the stored record this release cannot read, in words.
    unreadable: Vec<String>,
    posture: Vec<PostureLine>,
    rom: Vec<RomLine>,
    palpation: Vec<PalpationLine>,
    tests: Vec<TestLine>,
    reflexes: Vec<NeuroLine>,
    strength: Vec<NeuroLine>,
    sensation: Vec<NeuroLine>,
    nprs: Vec<(u8, bool)>,
    pain_notes: String,
    diagnoses: Vec<DiagnosisLine>,
    codes: Vec<(&'static str, &'static str)>,
    visits_per_week: String,
    weeks: String,
    goals: String,
    re_exam_date: String,
    plan_notes: String,
    interventions: Vec<InterventionLine>,
    exercises: Vec<ExerciseLine>,
    advice: Vec<(Opt, &'static str)>,
    allowed: Vec<AllowedLine>,
    blockers: Vec<String>,
    addenda: Vec<AddendumLine>,
    pub notice: Option<String>,
}

pub fn notice_text(code: &str) -> Option<String> {
    Some(
        match code {
            "signed" => "Signed. The record is now read-only; corrections are addenda.",
            "normal" => "Saved as all normal.",
            "addendum" => "Addendum added.",
            "flag" => "Flag updated.",
            "stale" => "Someone saved this record after you opened it: nothing was changed; here is the current record.",
            "draft_open" => "This patient already has this draft assessment open: you are continuing it. If this is a different visit, start a new one below.",
            "history_pinned" => "The history review now reads the newest pre-visit form; answers that changed are to be reviewed again.",
            _ => return None,
        }
        .to_owned(),
    )
}

fn history_lines(a: &AssessmentRecord) -> Vec<HistoryLine> {
    a.history_items()
        .into_iter()
        .map(|h| HistoryLine {
            status: h.check.as_ref().map(|c| c.status.as_str()).unwrap_or(""),
            correction: h
                .check
                .as_ref()
                .map(|c| s(&c.correction))
                .unwrap_or_default(),
            reported: h.reported,
            item: h.key,
            label: h.label,
        })
        .collect()
}

/// The banner's flags: with the decision forms for a practitioner, read-only for others.
fn banner_flags(a: &AssessmentRecord, is_practitioner: bool, today: &str) -> Vec<BannerFlag> {
    let back = format!("/patients/{}/assessments/{}", a.patient.id, a.row.id);
    a.flags
        .iter()
        .cloned()
        .map(|f| {
            let h = a.flag_history.get(&f.id).cloned().unwrap_or_default();
            if is_practitioner {
                BannerFlag::for_practitioner(f, &h, &back, today)
            } else {
                BannerFlag::with_history(f, &h)
            }
        })
        .collect()
}

fn addendum_lines(a: &AssessmentRecord) -> Vec<AddendumLine> {
    a.addenda
        .iter()
        .map(|ad| AddendumLine {
            at: ad.created_at.format("%Y-%m-%d %H:%M").to_string(),
            author: a.name_of(&ad.author_id),
            body: ad.body.clone(),
        })
        .collect()
}

/// The workspace for `a`, as `principal` may use it.
pub fn build(
    state: &AppState,
    principal: &Principal,
    csrf: &CsrfToken,
    a: AssessmentRecord,
    notice: Option<String>,
) -> WorkspacePage {
    let draft_open = notice.as_deref() == notice_text("draft_open").as_deref();
    let c = &a.content;
    let is_practitioner = principal.role == Role::Practitioner;
    let editable =
        is_practitioner && !a.is_signed() && a.row.practitioner_id == principal.user_id.as_str();
    // A colleague's open draft cannot be continued here: say whose it is.
    let notice = match notice {
        Some(_) if draft_open && !editable => Some(format!(
            "This patient has an open draft assessment by {} (visit of {}). If this is a \
             different visit, start a new one below.",
            a.practitioner_name, a.row.visit_date
        )),
        other => other,
    };
    let plan = c.plan.as_ref();
    let (reflexes, strength, sensation) = neuro_lines(c);
    let today = state.clock.now().date().to_string();
    let p = a.patient.clone();
    WorkspacePage {
        page: Page::new(
            &format!("Assessment · {}", p.full_name()),
            state,
            Some(principal),
            csrf,
        ),
        editable,
        is_practitioner,
        sections: Section::ALL
            .iter()
            .map(|s| (s.as_str(), s.label(), c.is_charted(*s), s.has_all_normal()))
            .collect(),
        flags: banner_flags(&a, is_practitioner, &today),
        history: history_lines(&a),
        history_notices: a.history_notices(),
        screening_sets: ScreeningSet::ALL
            .iter()
            .map(|s| (s.as_str(), s.label(), s.test_names()))
            .collect(),
        offer_new_visit: draft_open && is_practitioner,
        unreadable: a.unreadable_lines(),
        history_intake: a
            .intake_submitted_at
            .map(|t| t.format("%Y-%m-%d").to_string()),
        posture: posture_lines(c),
        rom: rom_lines(c),
        palpation: palpation_lines(c),
        tests: test_lines(c),
        reflexes,
        strength,
        sensation,
        nprs: {
            let cur = c.pain.as_ref().and_then(|x| x.nprs);
            (0..=10).map(|n| (n, cur == Some(n))).collect()
        },
        pain_notes: c.pain.as_ref().map(|x| s(&x.notes)).unwrap_or_default(),
        diagnoses: diagnosis_lines(c),
        codes: icd10::ICD10_CODES
            .iter()
            .map(|c| (c.code, c.description))
            .collect(),
        visits_per_week: plan
            .map(|p| p.visits_per_week.to_string())
            .unwrap_or_default(),
        weeks: plan.map(|p| p.weeks.to_string()).unwrap_or_default(),
        goals: plan.map(|p| p.goals.clone()).unwrap_or_default(),
        re_exam_date: plan
            .and_then(|p| p.re_exam_date)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        plan_notes: plan.map(|p| s(&p.notes)).unwrap_or_default(),
        interventions: intervention_lines(&a),
        exercises: exercise_lines(c),
        advice: advice_lines(c),
        allowed: allowed_lines(&a),
        blockers: if a.is_signed() {
            Vec::new()
        } else {
            a.sign_blockers()
        },
        addenda: addendum_lines(&a),
        notice,
        p,
        a,
    }
}
