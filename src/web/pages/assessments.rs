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
use crate::domain::assessment::exam_tests::{self, LimbSide};
use crate::domain::assessment::exercises::{Advice, Exercise};
use crate::domain::assessment::history::PLAIN_ITEMS;
use crate::domain::assessment::palpation::{
    self, Alignment, Direction, SegmentMotion, Structure, Swelling, Tenderness, Tone,
};
use crate::domain::assessment::plan_check::allowed_in;
use crate::domain::assessment::posture::{PostureArea, PostureFindingCode};
use crate::domain::assessment::rom::{self, RomMethod};
use crate::domain::assessment::{Section, SectionUpdate, Side, icd10};
use crate::domain::clinical::{ConditionCode, RedFlagCode, Region, Technique};
use crate::domain::intake::IntakeInput;
use crate::domain::{AssessmentId, PatientId};
use crate::services::ServiceError;
use crate::services::assessments::{self, AssessmentRecord, flags_on_file};
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

fn reported(i: &IntakeInput, key: &str) -> String {
    let yes_no = |b: Option<bool>| match b {
        Some(true) => "Yes".to_owned(),
        Some(false) => "No".to_owned(),
        None => String::new(),
    };
    match key {
        "chief_complaint" => i.chief_complaint.clone(),
        "onset" => i.onset.clone(),
        "mechanism" => i.mechanism.clone(),
        "pain_now" => i.pain_now.map(|n| format!("{n}/10")).unwrap_or_default(),
        "pain_worst" => i.pain_worst.map(|n| format!("{n}/10")).unwrap_or_default(),
        "pain_quality" => i.pain_quality.join(", ").replace('_', " "),
        "pain_pattern" => i.pain_pattern.replace('_', " "),
        "pain_regions" => i.pain_regions.join(", ").replace('_', " "),
        "radiation" => i.radiation.clone(),
        "aggravating" => i.aggravating.clone(),
        "relieving" => i.relieving.clone(),
        "earlier_episodes" => yes_no(i.earlier_episodes),
        "goals" => i.goals.clone(),
        "other_conditions" => i.other_conditions.clone(),
        "medications" => i
            .medications
            .iter()
            .map(|m| {
                [m.name.as_str(), m.dose.as_str()]
                    .join(" ")
                    .trim()
                    .to_owned()
            })
            .collect::<Vec<_>>()
            .join("; "),
        "surgeries" => i
            .surgeries
            .iter()
            .map(|s| match s.year {
                Some(y) => format!("{} ({y})", s.procedure),
                None => s.procedure.clone(),
            })
            .collect::<Vec<_>>()
            .join("; "),
        _ => {
            if let Some(code) = key.strip_prefix("conditions.") {
                let answer = i.conditions.get(code).cloned().unwrap_or_default();
                let details = i.condition_details.get(code).cloned().unwrap_or_default();
                return [answer, details].join(" ").trim().to_owned();
            }
            if let Some(code) = key.strip_prefix("red_flags.") {
                return yes_no(i.red_flags.get(code).copied());
            }
            String::new()
        }
    }
}

fn history_lines(a: &AssessmentRecord) -> Vec<HistoryLine> {
    let Some(intake) = &a.intake else {
        return Vec::new();
    };
    let checks = a.content.history.as_deref().unwrap_or_default();
    let mut items: Vec<(String, String)> = PLAIN_ITEMS
        .iter()
        .map(|(k, l)| ((*k).to_owned(), (*l).to_owned()))
        .collect();
    items.extend(ConditionCode::ALL.iter().map(|c| {
        (
            format!("conditions.{c}"),
            format!("Condition: {}", c.as_str().replace('_', " ")),
        )
    }));
    items.extend(RedFlagCode::ASKED.iter().map(|r| {
        (
            format!("red_flags.{r}"),
            format!("Red-flag question: {}", r.as_str().replace('_', " ")),
        )
    }));
    items
        .into_iter()
        .filter_map(|(item, label)| {
            let rep = reported(intake, &item);
            let check = checks.iter().find(|c| c.item == item);
            // Unanswered questions are not shown unless someone checked them.
            if rep.is_empty() && check.is_none() {
                return None;
            }
            Some(HistoryLine {
                status: check.map(|c| c.status.as_str()).unwrap_or(""),
                correction: check.map(|c| s(&c.correction)).unwrap_or_default(),
                reported: rep,
                item,
                label,
            })
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
            let t = saved.map(|r| r.tenderness.grade());
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
                tones: opts(Tone::ALL, Tone::as_str, Tone::label, saved.map(|r| r.tone)),
                motions: opts(
                    SegmentMotion::ALL,
                    SegmentMotion::as_str,
                    SegmentMotion::label,
                    saved.map(|r| r.motion),
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
                    saved.map(|r| r.alignment),
                ),
                swellings: opts(
                    Swelling::ALL,
                    Swelling::as_str,
                    Swelling::label,
                    saved.map(|r| r.swelling),
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

pub async fn start(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let pid = PatientId::parse(&id).ok_or(PageError(ServiceError::NotFound))?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let row = state
        .db(move |conn| assessments::start(conn, now, &actor, &pid))
        .await?;
    Ok(see_other(&format!(
        "/patients/{}/assessments/{}",
        row.patient_id, row.id
    )))
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

/// Sends stale saves back to the current record with a message, instead of an error page.
fn back_on_stale(
    back: &str,
    r: Result<HttpResponse, ServiceError>,
) -> Result<HttpResponse, PageError> {
    match r {
        Err(ServiceError::StaleVersion { .. }) => Ok(see_other(&format!("{back}?notice=stale"))),
        Err(e) => Err(PageError(e)),
        Ok(resp) => Ok(resp),
    }
}

pub async fn all_normal(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    path: web::Path<(String, String)>,
    form: web::Form<VersionForm>,
) -> Result<HttpResponse, PageError> {
    let (aid, section) = path.into_inner();
    let aid = assessment_id(&aid)?;
    let section = section_of(&section)?;
    let version = version_of(&form.version)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let aid2 = aid.clone();
    let r = state
        .db(move |conn| assessments::save_all_normal(conn, now, &actor, &aid2, version, section))
        .await;
    let back = match &r {
        Ok(a) => format!("/patients/{}/assessments/{}", a.row.patient_id, a.row.id),
        Err(_) => {
            let row = state
                .db(move |conn| Ok(crate::db::models::assessment::find(conn, aid.as_str())?))
                .await?
                .ok_or(PageError(ServiceError::NotFound))?;
            format!("/patients/{}/assessments/{}", row.patient_id, row.id)
        }
    };
    back_on_stale(
        &back,
        r.map(|_| see_other(&format!("{back}?notice=normal#{section}"))),
    )
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
        Ok(a) => Ok(see_other(&format!(
            "/patients/{}/assessments/{}?notice=signed",
            a.row.patient_id, a.row.id
        ))),
        Err(ServiceError::SignRefused(reasons)) => {
            let (p, a) = load(&state, &principal, &ip, aid).await?;
            let mut page = build(&state, &principal, &csrf, p, a, None);
            page.notice = Some(format!("Not signed: {}", reasons.join(" ")));
            Ok(HttpResponse::build(StatusCode::CONFLICT)
                .content_type("text/html; charset=utf-8")
                .body(page.render()?))
        }
        Err(ServiceError::StaleVersion { .. }) => {
            let (p, a) = load(&state, &principal, &ip, aid).await?;
            Ok(see_other(&format!(
                "/patients/{}/assessments/{}?notice=stale",
                p.id, a.row.id
            )))
        }
        Err(e) => Err(PageError(e)),
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
    let (p, a) = load(&state, &principal, &ip, aid).await?;
    match r {
        Ok(_) => Ok(see_other(&format!(
            "/patients/{}/assessments/{}?notice=addendum#addenda",
            p.id, a.row.id
        ))),
        Err(ServiceError::Invalid(errors)) => {
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
