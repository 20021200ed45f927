//! The assessment routes: the workspace page, starting a visit, the workspace's
//! autosave, "all normal", signing, addenda, re-pinning the history, and
//! `GET /assessments/{id}`, through which every POST redirects so that a POST reads
//! nothing it did not need and audits only what it did.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use serde_json::{Value, json};

use super::workspace::{build, notice_text};
use super::{assessment_id, section_of};
use crate::domain::assessment::exam_tests::ScreeningSet;
use crate::domain::assessment::{Section, SectionUpdate};
use crate::domain::{AssessmentId, PatientId};
use crate::services::ServiceError;
use crate::services::assessments::{self, AssessmentRecord, IfDraftOpen};
use crate::services::audit::AuditAction;
use crate::services::sessions::Principal;
use crate::web::api::assessments::record_json;
use crate::web::error::{ApiError, PageError};
use crate::web::extract::{ClientIp, CsrfToken};
use crate::web::pages::{render, see_other};
use crate::web::state::AppState;

#[derive(Deserialize)]
pub struct WorkspaceQuery {
    notice: Option<String>,
}

/// The record as the workspace shows it, audited as `assessment.viewed`.
pub(super) async fn load(
    state: &AppState,
    principal: &Principal,
    ip: &ClientIp,
    aid: AssessmentId,
) -> Result<AssessmentRecord, PageError> {
    let now = state.clock.now();
    let actor = ip.actor(Some(principal));
    Ok(state
        .db(move |conn| assessments::get(conn, now, &actor, &aid, AuditAction::AssessmentViewed))
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
    let a = load(&state, &principal, &ip, aid).await?;
    if a.patient.id != pid {
        return Err(PageError(ServiceError::NotFound));
    }
    let notice = q.notice.as_deref().and_then(notice_text);
    render(&build(&state, &principal, &csrf, a, notice))
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
    let visit_date = state.zone.today(now);
    let actor = ip.actor(Some(&principal));
    let if_open = if form.new_visit == "1" {
        IfDraftOpen::StartNewVisit
    } else {
        IfDraftOpen::Refuse
    };
    let pid2 = pid.clone();
    match state
        .db(move |conn| assessments::start(conn, now, visit_date, &actor, &pid2, if_open))
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
    let update = SectionUpdate::parse(&body, state.zone.today(now))?;
    let actor = ip.actor(Some(&principal));
    let record = state
        .db(move |conn| assessments::save_sections(conn, now, &actor, &aid, version, update))
        .await?;
    let flags_count = record.flags.len();
    let digest = super::section_digest::digest(&record, section);
    let full = record_json(record, &principal);
    Ok(HttpResponse::Ok().json(json!({
        "version": full.version,
        "part": full.part,
        "rom": full.sections.get("rom"),
        "sign_blockers": full.sign_blockers,
        "sign_reminders": full.sign_reminders,
        "carried_forward": full.carried_forward,
        "conflicts": full.conflicts,
        "flags_count": flags_count,
        // The section's line for when the workspace folds it.
        "digest": digest,
    })))
}

#[derive(Deserialize)]
pub struct VersionForm {
    #[serde(default)]
    version: String,
}

impl VersionForm {
    pub fn version(&self) -> &str {
        &self.version
    }
}

pub(super) fn version_of(raw: &str) -> Result<i32, PageError> {
    raw.trim().parse().map_err(|_| {
        PageError(ServiceError::Invalid(crate::domain::FieldErrors::single(
            "version",
            "Reload the page.",
        )))
    })
}

/// Where a POST about an assessment sends the browser: `GET /assessments/{id}` finds
/// the record's page, so the POST itself reads nothing it did not need.
pub(super) fn to_record(aid: &AssessmentId, query_and_fragment: &str) -> HttpResponse {
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
pub(super) fn after_post(
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
            let a = load(&state, &principal, &ip, aid).await?;
            let mut page = build(&state, &principal, &csrf, a, None);
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
            let a = load(&state, &principal, &ip, aid).await?;
            let mut page = build(&state, &principal, &csrf, a, None);
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
