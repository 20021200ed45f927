//! The assessment workspace at `/patients/{id}/assessments/{aid}`: one scrolling page
//! with a section index, the flag banner always in view, every section as a form the
//! workspace script saves as you go (`POST /assessments/{id}/sections/{section}`, the
//! section as JSON in the `data` field, the draft's `version` beside it), "all normal"
//! per section (a plain form post, so it works without the script), signing and addenda.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use serde_json::{Value, json};

use super::patients::BannerFlag;
use super::{Page, render, see_other};
use crate::db::models::patient::PatientRow;
use crate::domain::assessment::exam_tests::ScreeningSet;
use crate::domain::assessment::exam_tests::{self, LimbSide};
use crate::domain::assessment::exercises::{Advice, Exercise};
use crate::domain::assessment::palpation::{
    self, Alignment, Direction, SegmentMotion, Structure, Swelling, Tenderness, Tone,
};
use crate::domain::assessment::plan_check::allowed_in;
use crate::domain::assessment::posture::{PostureArea, PostureFindingCode};
use crate::domain::assessment::rom::{self, RomMethod};
use crate::domain::assessment::{Section, SectionUpdate, Side, icd10};
use crate::domain::clinical::{Region, Technique};
use crate::domain::{AssessmentId, PatientId};
use crate::services::ServiceError;
use crate::services::assessments::{
    self, AssessmentRecord, HistoryNotice, IfDraftOpen, flags_on_file,
};
use crate::services::audit::AuditAction;
use crate::services::sessions::Principal;
use crate::web::api::assessments::record_json;
use crate::web::error::{ApiError, PageError};
use crate::web::extract::{ClientIp, CsrfToken};
use crate::web::state::AppState;

fn assessment_id(raw: &str) -> Result<AssessmentId, PageError> {
    AssessmentId::parse(raw).ok_or(PageError(ServiceError::NotFound))
}

fn section_of(raw: &str) -> Result<Section, PageError> {
    Section::parse(raw).ok_or(PageError(ServiceError::NotFound))
}

/// A choice in a select: code, label, selected.
pub struct Opt {
    pub code: &'static str,
    pub label: &'static str,
    pub on: bool,
}

fn opts<T: Copy + PartialEq>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
    cur: Option<T>,
) -> Vec<Opt> {
    all.iter()
        .map(|v| Opt {
            code: code(*v),
            label: label(*v),
            on: cur == Some(*v),
        })
        .collect()
}

/// Compact labels for the palpation grid, where six checkboxes share one cell.
fn short_direction(d: Direction) -> &'static str {
    match d {
        Direction::Flexion => "F",
        Direction::Extension => "E",
        Direction::LateralFlexionLeft => "LF L",
        Direction::LateralFlexionRight => "LF R",
        Direction::RotationLeft => "Rot L",
        Direction::RotationRight => "Rot R",
    }
}

fn side_opts(cur: Option<Side>) -> Vec<Opt> {
    opts(Side::ALL, Side::as_str, Side::label, cur)
}

pub struct HistoryLine {
    pub item: String,
    pub label: String,
    pub reported: String,
    pub status: &'static str,
    pub correction: String,
}

pub struct PostureLine {
    pub area: &'static str,
    pub label: &'static str,
    pub findings: Vec<Opt>,
    pub sides: Vec<Opt>,
    pub measure: String,
    pub notes: String,
}

pub struct RomLine {
    pub region: &'static str,
    pub motion: &'static str,
    pub label: String,
    pub normal: Option<u16>,
    pub degrees: String,
    pub percent: Option<u16>,
    pub pain: bool,
    pub methods: Vec<Opt>,
}

pub struct PalpationLine {
    pub segment: &'static str,
    pub label: &'static str,
    pub sides: Vec<Opt>,
    pub structures: Vec<Opt>,
    pub tenderness: Vec<(u8, &'static str, bool)>,
    pub tones: Vec<Opt>,
    pub motions: Vec<Opt>,
    pub directions: Vec<Opt>,
    pub alignments: Vec<Opt>,
    pub swellings: Vec<Opt>,
    pub part: String,
    pub subluxation: bool,
}

pub struct TestLine {
    pub test: &'static str,
    pub label: &'static str,
    pub group: &'static str,
    pub side: Option<&'static str>,
    pub results: Vec<Opt>,
    pub value: String,
}

pub struct NeuroLine {
    pub key: &'static str,
    pub code: &'static str,
    pub label: &'static str,
    pub side: &'static str,
    pub grades: Vec<Opt>,
}

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

pub struct AddendumLine {
    pub at: String,
    pub author: String,
    pub body: String,
}

#[derive(Template)]
#[template(path = "assessment_workspace.html")]
struct WorkspacePage {
    page: Page,
    p: PatientRow,
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
    notice: Option<String>,
}

fn s(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
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

fn build(
    state: &AppState,
    principal: &Principal,
    csrf: &CsrfToken,
    p: PatientRow,
    a: AssessmentRecord,
    notice: Option<String>,
) -> WorkspacePage {
    let offer_new_visit = notice.as_deref() == notice_text("draft_open").as_deref();
    let c = &a.content;
    let is_practitioner = principal.role == crate::domain::Role::Practitioner;
    let editable =
        is_practitioner && !a.is_signed() && a.row.practitioner_id == principal.user_id.as_str();
    let sections = Section::ALL
        .iter()
        .map(|s| (s.as_str(), s.label(), c.is_charted(*s), s.has_all_normal()))
        .collect();
    let posture_rows = c.posture.as_deref().unwrap_or_default();
    let posture = PostureArea::ALL
        .iter()
        .map(|area| {
            let saved = posture_rows.iter().find(|r| r.area == *area);
            PostureLine {
                area: area.as_str(),
                label: area.label(),
                findings: opts(
                    &PostureFindingCode::for_area(*area),
                    PostureFindingCode::as_str,
                    PostureFindingCode::label,
                    saved.map(|r| r.finding),
                ),
                sides: side_opts(saved.and_then(|r| r.side)),
                measure: saved
                    .and_then(|r| r.measure)
                    .map(|m| m.to_string())
                    .unwrap_or_default(),
                notes: saved.map(|r| s(&r.notes)).unwrap_or_default(),
            }
        })
        .collect();
    let rom_rows = c.rom.as_deref().unwrap_or_default();
    let rom = rom::grid()
        .into_iter()
        .map(|(region, motion)| {
            let saved = rom_rows
                .iter()
                .find(|r| r.region == region && r.motion == motion);
            RomLine {
                region: region.as_str(),
                motion: motion.as_str(),
                label: format!("{} {}", region.label(), motion.label().to_lowercase()),
                normal: rom::normal_degrees(rom::RomReference::Ama5, region, motion),
                degrees: saved
                    .and_then(|r| r.degrees)
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                percent: saved.and_then(|r| r.percent_of_normal),
                pain: saved.is_some_and(|r| r.pain),
                methods: opts(
                    RomMethod::ALL,
                    RomMethod::as_str,
                    RomMethod::label,
                    Some(saved.map(|r| r.method).unwrap_or(RomMethod::Visual)),
                ),
            }
        })
        .collect();
    let palp_rows = c.palpation.as_deref().unwrap_or_default();
    let parts = palpation::part_by_segment(palp_rows);
    let palpation = palpation::Segment::ALL
        .iter()
        .map(|seg| {
            let saved = palp_rows.iter().find(|r| r.segment == *seg);
            let part = parts
                .iter()
                .find(|(s, _)| s == seg)
                .map(|(_, p)| *p)
                .unwrap_or_default();
            let t = saved.and_then(|r| r.tenderness).map(|t| t.grade());
            PalpationLine {
                segment: seg.as_str(),
                label: seg.label(),
                sides: side_opts(saved.and_then(|r| r.side)),
                structures: opts(
                    Structure::ALL,
                    Structure::as_str,
                    Structure::label,
                    saved.and_then(|r| r.structure),
                ),
                tenderness: Tenderness::GRADES
                    .iter()
                    .map(|(g, roman, _)| (*g, *roman, t == Some(*g)))
                    .collect(),
                tones: opts(
                    Tone::ALL,
                    Tone::as_str,
                    Tone::label,
                    saved.and_then(|r| r.tone),
                ),
                motions: opts(
                    SegmentMotion::ALL,
                    SegmentMotion::as_str,
                    SegmentMotion::label,
                    saved.and_then(|r| r.motion),
                ),
                directions: Direction::ALL
                    .iter()
                    .map(|d| Opt {
                        code: d.as_str(),
                        label: short_direction(*d),
                        on: saved.is_some_and(|r| r.restricted.contains(d)),
                    })
                    .collect(),
                alignments: opts(
                    Alignment::ALL,
                    Alignment::as_str,
                    Alignment::label,
                    saved.and_then(|r| r.alignment),
                ),
                swellings: opts(
                    Swelling::ALL,
                    Swelling::as_str,
                    Swelling::label,
                    saved.and_then(|r| r.swelling),
                ),
                part: part.letters(),
                subluxation: part.subluxation(),
            }
        })
        .collect();
    let test_rows = c.tests.as_deref().unwrap_or_default();
    let tests = exam_tests::grid()
        .into_iter()
        .map(|(test, side)| {
            let saved = test_rows.iter().find(|r| r.test == test && r.side == side);
            TestLine {
                test: test.as_str(),
                label: test.label(),
                group: test.group(),
                side: side.map(Side::as_str),
                results: opts(
                    exam_tests::TestResult::ALL,
                    exam_tests::TestResult::as_str,
                    exam_tests::TestResult::label,
                    saved.map(|r| r.result),
                ),
                value: saved
                    .and_then(|r| r.value)
                    .map(|v| v.to_string())
                    .unwrap_or_default(),
            }
        })
        .collect();
    let neuro = c.neuro.clone().unwrap_or_default();
    let mut reflexes = Vec::new();
    for r in exam_tests::Reflex::ALL {
        for side in LimbSide::ALL {
            let cur = neuro
                .reflexes
                .iter()
                .find(|x| x.reflex == *r && x.side == *side)
                .map(|x| x.grade);
            reflexes.push(NeuroLine {
                key: "reflex",
                code: r.as_str(),
                label: r.label(),
                side: side.as_str(),
                grades: opts(
                    exam_tests::ReflexGrade::ALL,
                    exam_tests::ReflexGrade::as_str,
                    exam_tests::ReflexGrade::label,
                    cur,
                ),
            });
        }
    }
    let mut strength = Vec::new();
    for m in exam_tests::Myotome::ALL {
        for side in LimbSide::ALL {
            let cur = neuro
                .strength
                .iter()
                .find(|x| x.myotome == *m && x.side == *side)
                .map(|x| x.grade);
            strength.push(NeuroLine {
                key: "myotome",
                code: m.as_str(),
                label: m.label(),
                side: side.as_str(),
                grades: opts(
                    exam_tests::StrengthGrade::ALL,
                    exam_tests::StrengthGrade::as_str,
                    exam_tests::StrengthGrade::label,
                    cur,
                ),
            });
        }
    }
    let mut sensation = Vec::new();
    for d in exam_tests::Dermatome::ALL {
        for side in LimbSide::ALL {
            let cur = neuro
                .sensation
                .iter()
                .find(|x| x.dermatome == *d && x.side == *side)
                .map(|x| x.grade);
            sensation.push(NeuroLine {
                key: "dermatome",
                code: d.as_str(),
                label: d.label(),
                side: side.as_str(),
                grades: opts(
                    exam_tests::SensationGrade::ALL,
                    exam_tests::SensationGrade::as_str,
                    exam_tests::SensationGrade::label,
                    cur,
                ),
            });
        }
    }
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
    let plan = c.plan.as_ref();
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
                (Some(_), Some(at)) => format!("override recorded {}", at.format("%Y-%m-%d %H:%M")),
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
    let home = plan.map(|p| p.home_care.as_slice()).unwrap_or_default();
    let exercises = Exercise::ALL
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
        .collect();
    let advice = Advice::ALL
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
        .collect();
    let on_file = flags_on_file(&a.flags);
    let allowed = Region::ALL
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
        .collect();
    let back = format!("/patients/{}/assessments/{}", p.id, a.row.id);
    let today = state.clock.now().date().to_string();
    let flags = a
        .flags
        .iter()
        .cloned()
        .map(|f| {
            let h = a.flag_history.get(&f.id).cloned().unwrap_or_default();
            if is_practitioner {
                BannerFlag::for_practitioner(f, &h, &back, &today)
            } else {
                BannerFlag::with_history(f, &h)
            }
        })
        .collect();
    let addenda = a
        .addenda
        .iter()
        .map(|ad| AddendumLine {
            at: ad.created_at.format("%Y-%m-%d %H:%M").to_string(),
            author: ad.author_id.clone(),
            body: ad.body.clone(),
        })
        .collect();
    WorkspacePage {
        page: Page::new(
            &format!("Assessment · {} {}", p.given_name, p.family_name),
            state,
            Some(principal),
            csrf,
        ),
        editable,
        is_practitioner,
        sections,
        flags,
        history: history_lines(&a),
        history_notices: a.history_notices(),
        screening_sets: ScreeningSet::ALL
            .iter()
            .map(|s| (s.as_str(), s.label(), s.test_names()))
            .collect(),
        offer_new_visit: offer_new_visit && editable,
        unreadable: a
            .stored
            .unreadable
            .iter()
            .map(|u| format!("{}: {}", u.path, u.describe()))
            .collect(),
        history_intake: a
            .intake_submitted_at
            .map(|t| t.format("%Y-%m-%d").to_string()),
        posture,
        rom,
        palpation,
        tests,
        reflexes,
        strength,
        sensation,
        nprs: {
            let cur = c.pain.as_ref().and_then(|x| x.nprs);
            (0..=10).map(|n| (n, cur == Some(n))).collect()
        },
        pain_notes: c.pain.as_ref().map(|x| s(&x.notes)).unwrap_or_default(),
        diagnoses,
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
        interventions,
        exercises,
        advice,
        allowed,
        blockers: if a.is_signed() {
            Vec::new()
        } else {
            a.sign_blockers()
        },
        addenda,
        notice,
        p,
        a,
    }
}

#[derive(Deserialize)]
pub struct WorkspaceQuery {
    notice: Option<String>,
}

fn notice_text(code: &str) -> Option<String> {
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

async fn load(
    state: &AppState,
    principal: &Principal,
    ip: &ClientIp,
    aid: AssessmentId,
) -> Result<(PatientRow, AssessmentRecord), PageError> {
    let now = state.clock.now();
    let actor = ip.actor(Some(principal));
    Ok(state
        .db(move |conn| {
            let a = assessments::get(conn, now, &actor, &aid, AuditAction::AssessmentViewed)?;
            let p = crate::db::models::patient::find(conn, &a.row.patient_id)?
                .ok_or(ServiceError::NotFound)?;
            Ok((p, a))
        })
        .await?)
}

pub async fn workspace(
    state: web::Data<AppState>,
    principal: Principal,
    csrf: CsrfToken,
    ip: ClientIp,
    path: web::Path<(String, String)>,
    q: web::Query<WorkspaceQuery>,
) -> Result<HttpResponse, PageError> {
    let (pid, aid) = path.into_inner();
    let aid = assessment_id(&aid)?;
    let (p, a) = load(&state, &principal, &ip, aid).await?;
    if p.id != pid {
        return Err(PageError(ServiceError::NotFound));
    }
    let notice = q.notice.as_deref().and_then(notice_text);
    render(&build(&state, &principal, &csrf, p, a, notice))
}

#[derive(Deserialize, Default)]
pub struct StartForm {
    /// "1" when the practitioner said this is a new visit despite an open draft.
    #[serde(default)]
    new_visit: String,
}

/// "Start first-visit assessment". One draft per visit: when the patient already has a
/// draft, the practitioner lands in it with a notice that offers a new visit instead.
pub async fn start(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    form: web::Form<StartForm>,
) -> Result<HttpResponse, PageError> {
    let pid = PatientId::parse(&id).ok_or(PageError(ServiceError::NotFound))?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let if_open = if form.new_visit == "1" {
        IfDraftOpen::StartNewVisit
    } else {
        IfDraftOpen::Refuse
    };
    let pid2 = pid.clone();
    match state
        .db(move |conn| assessments::start(conn, now, &actor, &pid2, if_open))
        .await
    {
        Ok(row) => Ok(see_other(&format!(
            "/patients/{}/assessments/{}",
            row.patient_id, row.id
        ))),
        Err(ServiceError::DraftOpen { id, .. }) => Ok(see_other(&format!(
            "/patients/{pid}/assessments/{id}?notice=draft_open"
        ))),
        Err(e) => Err(PageError(e)),
    }
}

#[derive(Deserialize)]
pub struct SectionForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    data: String,
}

/// Autosave of one section. Answers JSON (the workspace script reads it): 200 with the
/// new version and what changed around it, 409 stale or signed, 422 field errors and
/// plan conflicts; the same bodies as the API.
pub async fn save_section(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    path: web::Path<(String, String)>,
    form: web::Form<SectionForm>,
) -> Result<HttpResponse, ApiError> {
    let (aid, section) = path.into_inner();
    let aid = AssessmentId::parse(&aid).ok_or(ApiError(ServiceError::NotFound))?;
    let section = Section::parse(&section).ok_or(ApiError(ServiceError::NotFound))?;
    let form = form.into_inner();
    let data: Value = serde_json::from_str(&form.data).map_err(|_| {
        crate::domain::FieldErrors::single(
            section.as_str(),
            "The section could not be read; reload the page.",
        )
    })?;
    let version: i32 = form
        .version
        .trim()
        .parse()
        .map_err(|_| crate::domain::FieldErrors::single("version", "Reload the page."))?;
    let now = state.clock.now();
    let mut body = serde_json::Map::new();
    body.insert(section.as_str().to_owned(), data);
    let update = SectionUpdate::parse(&body, now.date())?;
    let actor = ip.actor(Some(&principal));
    let record = state
        .db(move |conn| assessments::save_sections(conn, now, &actor, &aid, version, update))
        .await?;
    let flags_count = record.flags.len();
    let full = record_json(record, &principal);
    Ok(HttpResponse::Ok().json(json!({
        "version": full["version"],
        "part": full["part"],
        "rom": full["rom"],
        "sign_blockers": full["sign_blockers"],
        "conflicts": full["conflicts"],
        "flags_count": flags_count,
    })))
}

#[derive(Deserialize)]
pub struct VersionForm {
    #[serde(default)]
    version: String,
}

fn version_of(raw: &str) -> Result<i32, PageError> {
    raw.trim().parse().map_err(|_| {
        PageError(ServiceError::Invalid(crate::domain::FieldErrors::single(
            "version",
            "Reload the page.",
        )))
    })
}

/// Where a POST about an assessment sends the browser: `GET /assessments/{id}` finds
/// the record's page, so the POST itself reads nothing it did not need.
fn to_record(aid: &AssessmentId, query_and_fragment: &str) -> HttpResponse {
    see_other(&format!("/assessments/{aid}{query_and_fragment}"))
}

/// `GET /assessments/{id}`: the workspace's address, found from the record alone (for
/// the redirects after a POST). Reads the patient id only; the workspace it leads to
/// is the audited read.
pub async fn locate(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse, PageError> {
    let aid = assessment_id(&id)?;
    let query = req.query_string().to_owned();
    let actor = ip.actor(Some(&principal));
    let aid2 = aid.clone();
    let pid = state
        .db(move |conn| assessments::patient_of(conn, &actor, &aid2))
        .await?;
    let q = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    Ok(see_other(&format!("/patients/{pid}/assessments/{aid}{q}")))
}

/// A stale save goes back to the current record with a message, not an error page.
fn after_post(
    aid: &AssessmentId,
    r: Result<(), ServiceError>,
    done: &str,
) -> Result<HttpResponse, PageError> {
    match r {
        Ok(()) => Ok(to_record(aid, done)),
        Err(ServiceError::StaleVersion { .. }) => Ok(to_record(aid, "?notice=stale")),
        Err(e) => Err(PageError(e)),
    }
}

#[derive(Deserialize)]
pub struct AllNormalForm {
    #[serde(default)]
    version: String,
    /// For the tests section: which screening set to mark negative.
    #[serde(default)]
    set: String,
}

pub async fn all_normal(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    path: web::Path<(String, String)>,
    form: web::Form<AllNormalForm>,
) -> Result<HttpResponse, PageError> {
    let (aid, section) = path.into_inner();
    let aid = assessment_id(&aid)?;
    let section = section_of(&section)?;
    let version = version_of(&form.version)?;
    let set = match form.set.as_str() {
        "" => None,
        code => Some(ScreeningSet::parse(code).ok_or(PageError(ServiceError::NotFound))?),
    };
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let aid2 = aid.clone();
    let r = state
        .db(move |conn| {
            assessments::save_all_normal(conn, now, &actor, &aid2, version, section, set)
                .map(|_| ())
        })
        .await;
    after_post(&aid, r, &format!("?notice=normal#{section}"))
}

pub async fn sign(
    state: web::Data<AppState>,
    principal: Principal,
    csrf: CsrfToken,
    ip: ClientIp,
    id: web::Path<String>,
    form: web::Form<VersionForm>,
) -> Result<HttpResponse, PageError> {
    let aid = assessment_id(&id)?;
    let version = version_of(&form.version)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let aid2 = aid.clone();
    let r = state
        .db(move |conn| assessments::sign(conn, now, &actor, &aid2, Some(version)))
        .await;
    match r {
        Err(ServiceError::SignRefused(reasons)) => {
            let (p, a) = load(&state, &principal, &ip, aid).await?;
            let mut page = build(&state, &principal, &csrf, p, a, None);
            page.notice = Some(format!("Not signed: {}", reasons.join(" ")));
            Ok(HttpResponse::build(StatusCode::CONFLICT)
                .content_type("text/html; charset=utf-8")
                .body(page.render()?))
        }
        other => after_post(&aid, other.map(|_| ()), "?notice=signed"),
    }
}

#[derive(Deserialize)]
pub struct AddendumForm {
    #[serde(default)]
    body: String,
}

pub async fn add_addendum(
    state: web::Data<AppState>,
    principal: Principal,
    csrf: CsrfToken,
    ip: ClientIp,
    id: web::Path<String>,
    form: web::Form<AddendumForm>,
) -> Result<HttpResponse, PageError> {
    let aid = assessment_id(&id)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let body = form.into_inner().body;
    let aid2 = aid.clone();
    let r = state
        .db(move |conn| assessments::add_addendum(conn, now, &actor, &aid2, &body))
        .await;
    match r {
        Ok(_) => Ok(to_record(&aid, "?notice=addendum#addenda")),
        Err(ServiceError::Invalid(errors)) => {
            let (p, a) = load(&state, &principal, &ip, aid).await?;
            let mut page = build(&state, &principal, &csrf, p, a, None);
            page.notice = Some(
                errors
                    .get("body")
                    .unwrap_or("Check the addendum.")
                    .to_owned(),
            );
            Ok(HttpResponse::build(StatusCode::UNPROCESSABLE_ENTITY)
                .content_type("text/html; charset=utf-8")
                .body(page.render()?))
        }
        Err(e) => Err(PageError(e)),
    }
}

#[derive(Deserialize)]
pub struct PinForm {
    #[serde(default)]
    version: String,
}

/// "Review this form": the draft's history review moves to the newest submitted form.
pub async fn pin_history(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    form: web::Form<PinForm>,
) -> Result<HttpResponse, PageError> {
    let aid = assessment_id(&id)?;
    let version = version_of(&form.version)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let aid2 = aid.clone();
    let r = state
        .db(move |conn| {
            assessments::pin_latest_history(conn, now, &actor, &aid2, version).map(|_| ())
        })
        .await;
    after_post(&aid, r, "?notice=history_pinned#history")
}
