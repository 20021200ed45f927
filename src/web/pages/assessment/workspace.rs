//! The workspace page: the record as the practitioner charts it, one scrolling page with
//! the flags and the section index in view (see `templates/assessment_workspace.html`).

use askama::Template;

use super::palpation_panel::{PalpationPanel, palpation_panel};
use super::section_digest::digest;
use super::workspace_carry::{CarriedNote, CarryCard, carried_notes, carry_card};
use super::workspace_chips::{
    DiagnosisChip, FrequencyChip, GoalChip, diagnosis_chips, frequency_chips, goal_chips,
};
use super::workspace_exam::{
    NeuroLimb, PalpationLine, PostureLine, RomGroup, TestGroup, neuro_limbs, palpation_lines,
    posture_lines, rom_regions, test_groups,
};
use super::workspace_interventions::{InterventionGrid, intervention_grid};
use super::workspace_plan::{
    DiagnosisLine, ExerciseLine, advice_lines, diagnosis_lines, exercise_lines,
};
use super::{Opt, s};
use crate::clinic_time::ClinicZone;
use crate::domain::Role;
use crate::domain::assessment::exam_tests::ScreeningSet;
use crate::domain::assessment::{Section, history_items, icd10};
use crate::domain::clinical::FlagLevel;
use crate::domain::intake::PainArea;
use crate::services::assessments::{AssessmentRecord, HistoryNotice, PatientSummary};
use crate::services::sessions::Principal;
use crate::web::extract::CsrfToken;
use crate::web::pages::Page;
use crate::web::pages::patients::BannerFlag;
use crate::web::state::AppState;

pub struct HistoryLine {
    pub item: String,
    pub label: String,
    /// The condition's or red flag's own name, for the compact list of answers "No".
    pub short: &'static str,
    pub reported: String,
    pub status: &'static str,
    pub correction: String,
}

/// One link of the section rail.
pub struct SectionLink {
    pub code: &'static str,
    pub short: &'static str,
    pub label: &'static str,
    pub charted: bool,
}

/// One "all normal" shortcut: a plain form outside the section forms (forms do not
/// nest), submitted by a button in its section's heading through `form="…"`.
pub struct NormalForm {
    /// The form's id, `normal-posture` or `normal-tests-lumbar`.
    pub id: String,
    pub section: &'static str,
    pub set: Option<&'static str>,
    /// The tests' group the set belongs to ("Thoracolumbar"): its button sits there.
    pub group: Option<&'static str>,
    /// The button's words and its accessible name.
    pub text: String,
    pub aria: String,
    /// What the button fills, shown beside it for the tests' named sets.
    pub hint: Option<String>,
}

/// How many unresolved flags of one level, for the pinned strip: "2 Urgent".
pub struct FlagCount {
    pub level: &'static str,
    pub n: usize,
    pub words: &'static str,
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
    /// When it was signed, as the clinic reads it (with the zone).
    signed_at: Option<String>,
    editable: bool,
    is_practitioner: bool,
    sections: Vec<SectionLink>,
    /// Each section's line for when it is folded, by code (`section_digest`).
    digests: Vec<(&'static str, String)>,
    normal_forms: Vec<NormalForm>,
    flags: Vec<BannerFlag>,
    flag_counts: Vec<FlagCount>,
    history: Vec<HistoryLine>,
    history_no: Vec<HistoryLine>,
    history_intake: Option<String>,
    history_notices: Vec<HistoryNotice>,
    /// Landed here from "Start" because this draft was open: offer a new visit.
    offer_new_visit: bool,
    /// Parts of the stored record this release cannot read, in words.
    unreadable: Vec<String>,
    posture: Vec<PostureLine>,
    rom_regions: Vec<RomGroup>,
    palpation: Vec<PalpationLine>,
    palpation_panel: PalpationPanel,
    test_groups: Vec<TestGroup>,
    neuro_limbs: Vec<NeuroLimb>,
    nprs: Vec<(u8, bool)>,
    pain_notes: String,
    diagnoses: Vec<DiagnosisLine>,
    dx_suggestions: Vec<DiagnosisChip>,
    codes: Vec<(&'static str, &'static str)>,
    visits_per_week: String,
    weeks: String,
    goals: String,
    re_exam_date: String,
    plan_notes: String,
    presets: Vec<FrequencyChip>,
    goal_chips: Vec<GoalChip>,
    grid: InterventionGrid,
    exercises: Vec<ExerciseLine>,
    advice: Vec<(Opt, &'static str)>,
    blockers: Vec<String>,
    /// Under "Before signing", not blocking it (carried sections not yet checked).
    reminders: Vec<String>,
    carry_card: Option<CarryCard>,
    carried: Vec<CarriedNote>,
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
            "carried" => "Carried forward. Check each carried section against today's exam: change what differs, or keep it as is.",
            "kept" => "Kept as carried forward: the section is now part of today's exam.",
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
            short: history_items::short_label(&h.key).unwrap_or(""),
            reported: h.reported,
            item: h.key,
            label: h.label,
        })
        .collect()
}

/// The areas the patient drew on the pre-visit form's pain diagram.
fn pain_areas(a: &AssessmentRecord) -> Vec<PainArea> {
    a.intake
        .as_ref()
        .map(|i| {
            i.pain_regions
                .iter()
                .filter_map(|r| PainArea::parse(r))
                .collect()
        })
        .unwrap_or_default()
}

/// The review in two parts: what needs reading (every plain item and every answer other
/// than "No"), and the conditions and red flags answered "No", shown compactly, each
/// still one tap from its check and correction.
fn split_history(lines: Vec<HistoryLine>) -> (Vec<HistoryLine>, Vec<HistoryLine>) {
    lines
        .into_iter()
        .partition(|h| h.short.is_empty() || h.reported != "No" || h.status == "corrected")
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

/// Unresolved flags by level, most severe first, for the pinned strip.
fn flag_counts(a: &AssessmentRecord) -> Vec<FlagCount> {
    FlagLevel::ALL
        .iter()
        .map(|level| FlagCount {
            level: level.as_str(),
            n: a.flags
                .iter()
                .filter(|f| f.status != "resolved" && f.level == level.as_str())
                .count(),
            words: match level {
                FlagLevel::Emergency => "emergency",
                FlagLevel::Urgent => "urgent",
                FlagLevel::Absolute => "contraindication",
                FlagLevel::Relative => "relative",
                FlagLevel::Precaution => "precaution",
            },
        })
        .filter(|c| c.n > 0)
        .collect()
}

/// The "all normal" shortcuts: one per section that has one, and one per named
/// screening set for the tests (which are never filled all at once).
fn normal_forms() -> Vec<NormalForm> {
    let mut out = Vec::new();
    for s in Section::ALL.iter().filter(|s| s.has_all_normal()) {
        if *s == Section::Tests {
            out.extend(ScreeningSet::ALL.iter().map(|set| NormalForm {
                id: format!("normal-tests-{}", set.as_str()),
                section: s.as_str(),
                set: Some(set.as_str()),
                group: set.tests().first().map(|t| t.group()),
                text: format!("All negative: {}", set.label()),
                aria: format!("All negative: {} ({})", set.label(), set.test_names()),
                hint: Some(format!(
                    "{}; tests already recorded stay.",
                    set.test_names()
                )),
            }));
        } else {
            out.push(NormalForm {
                id: format!("normal-{}", s.as_str()),
                section: s.as_str(),
                set: None,
                group: None,
                text: "All normal".into(),
                aria: format!(
                    "All normal: {} (fills only what is not yet recorded)",
                    s.label()
                ),
                hint: None,
            });
        }
    }
    out
}

impl WorkspacePage {
    /// The carried-forward note of one section, while it is marked.
    pub fn carried_for(&self, section: &str) -> Option<&CarriedNote> {
        self.carried.iter().find(|c| c.section == section)
    }

    /// What a folded section says of itself (see `section_digest`).
    pub fn digest_of(&self, section: &str) -> &str {
        self.digests
            .iter()
            .find(|(code, _)| *code == section)
            .map_or("", |(_, line)| line.as_str())
    }

    /// A section's name, for the button that opens it when folded.
    pub fn label_of(&self, section: &str) -> &'static str {
        Section::parse(section).map_or("", Section::label)
    }

    /// The "all normal" buttons of one section's heading.
    pub fn normals_for(&self, section: &str) -> Vec<&NormalForm> {
        self.normal_forms
            .iter()
            .filter(|n| n.section == section && n.group.is_none())
            .collect()
    }

    /// The "all negative" buttons of one group of tests.
    pub fn normals_for_group(&self, group: &str) -> Vec<&NormalForm> {
        self.normal_forms
            .iter()
            .filter(|n| n.group == Some(group))
            .collect()
    }
}

fn addendum_lines(a: &AssessmentRecord, zone: ClinicZone) -> Vec<AddendumLine> {
    a.addenda
        .iter()
        .map(|ad| AddendumLine {
            at: zone.show(ad.created_at),
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
    let (history, history_no) = split_history(history_lines(&a));
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
    let areas = pain_areas(&a);
    let today = state.today().to_string();
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
            .map(|s| SectionLink {
                code: s.as_str(),
                short: s.short_label(),
                label: s.label(),
                charted: c.is_charted(*s),
            })
            .collect(),
        digests: Section::ALL
            .iter()
            .map(|s| (s.as_str(), digest(&a, *s)))
            .collect(),
        normal_forms: if editable { normal_forms() } else { Vec::new() },
        flag_counts: flag_counts(&a),
        flags: banner_flags(&a, is_practitioner, &today),
        history,
        history_no,
        history_notices: a.history_notices(),
        offer_new_visit: draft_open && is_practitioner,
        unreadable: a.unreadable_lines(),
        history_intake: a
            .intake_submitted_at
            .map(|t| t.format("%Y-%m-%d").to_string()),
        posture: posture_lines(c),
        rom_regions: rom_regions(c, &areas),
        palpation: palpation_lines(c),
        palpation_panel: palpation_panel(),
        test_groups: test_groups(c, &areas),
        neuro_limbs: neuro_limbs(c, &areas),
        nprs: {
            let cur = c.pain.as_ref().and_then(|x| x.nprs);
            (0..=10).map(|n| (n, cur == Some(n))).collect()
        },
        pain_notes: c.pain.as_ref().map(|x| s(&x.notes)).unwrap_or_default(),
        diagnoses: diagnosis_lines(c),
        dx_suggestions: diagnosis_chips(&a),
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
        presets: frequency_chips(&a),
        goal_chips: goal_chips(&a),
        grid: intervention_grid(&a),
        exercises: exercise_lines(c),
        advice: advice_lines(c),
        blockers: if a.is_signed() {
            Vec::new()
        } else {
            a.sign_blockers()
        },
        reminders: a.sign_reminders(),
        carry_card: carry_card(&a, editable),
        carried: carried_notes(&a),
        signed_at: a.row.signed_at.map(|t| state.zone.show(t)),
        addenda: addendum_lines(&a, state.zone),
        notice,
        p,
        a,
    }
}
