//! Assessments: `POST /api/v1/patients/{id}/assessments`, `GET /api/v1/patients/{id}/assessments`,
//! `GET|PUT /api/v1/assessments/{id}`, `POST /api/v1/assessments/{id}/sign` and
//! `/addenda`, and the ICD-10 list at `GET /api/v1/diagnosis-codes?q=` (carrying
//! findings forward is in `carry_forward`).

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::body::{BodyFields, OptionalBody};
use super::patients::patient_id;
use crate::domain::assessment::exam_tests::ScreeningSet;
use crate::domain::assessment::{Section, SectionUpdate, icd10};
use crate::domain::{AssessmentId, FieldErrors};
use crate::services::ServiceError;
use crate::services::assessments::{self, IfDraftOpen};
use crate::services::audit::AuditAction;
use crate::services::sessions::Principal;
use crate::web::api_error::ErrorBody;
use crate::web::error::ApiError;
use crate::web::extract::ClientIp;
use crate::web::state::AppState;

pub fn assessment_id(raw: &str) -> Result<AssessmentId, ApiError> {
    AssessmentId::parse(raw).ok_or(ApiError(ServiceError::NotFound))
}

pub use super::assessment_json::{AssessmentJson, record_json};

/// An optional JSON object body: empty is `{}`, anything else must be an object.
pub(super) fn object_body(raw: &web::Bytes) -> Result<serde_json::Map<String, Value>, FieldErrors> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::Map::new());
    }
    match serde_json::from_slice::<Value>(raw) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(FieldErrors::single("body", "Send a JSON object.")),
    }
}

pub(super) fn only_keys(
    body: &serde_json::Map<String, Value>,
    known: &[&str],
) -> Result<(), FieldErrors> {
    let mut e = FieldErrors::new();
    for k in body.keys().filter(|k| !known.contains(&k.as_str())) {
        e.add(k, "Unknown field.");
    }
    e.into_result()
}

fn version_in(body: &serde_json::Map<String, Value>) -> Result<i32, FieldErrors> {
    body.get("version")
        .and_then(Value::as_i64)
        .and_then(|v| i32::try_from(v).ok())
        .ok_or_else(|| FieldErrors::single("version", "Send the version you last read."))
}

/// The body of a start: `new_visit: true` starts another visit although the patient has
/// a draft.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // Documents the body, which is read key by key.
pub struct StartBody {
    new_visit: Option<bool>,
}

/// A draft just started.
#[derive(Serialize, utoipa::ToSchema)]
pub struct StartedJson {
    pub id: String,
    pub version: i32,
    pub status: String,
    pub patient_id: String,
    pub visit_date: chrono::NaiveDate,
}

/// Starts a first-visit assessment for today. 409 (`draft_open`) when the patient has a
/// draft, unless the body says `{"new_visit": true}`.
#[utoipa::path(
    post,
    path = "/api/v1/patients/{id}/assessments",
    tag = "assessments",
    params(("id" = String, Path, description = "The patient's id")),
    request_body(content = Option<StartBody>, description = "No body, `{}`, or `{\"new_visit\": true}`"),
    responses(
        (status = 201, description = "Started", body = StartedJson),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "Practitioners only", body = ErrorBody),
        (status = 404, description = "No such patient", body = ErrorBody),
        (status = 409, description = "A draft is open (`draft_open`), or archived patient", body = ErrorBody),
        (status = 422, description = "Fields need attention", body = ErrorBody),
    ),
)]
pub async fn start(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    raw: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let pid = patient_id(&id)?;
    let body = object_body(&raw)?;
    only_keys(&body, &["new_visit"])?;
    let if_open = match body.get("new_visit") {
        None | Some(Value::Bool(false)) => IfDraftOpen::Refuse,
        Some(Value::Bool(true)) => IfDraftOpen::StartNewVisit,
        Some(_) => return Err(FieldErrors::single("new_visit", "Send true or false.").into()),
    };
    let now = state.clock.now();
    let visit_date = state.zone.today(now);
    let actor = ip.actor(Some(&principal));
    let row = state
        .db(move |conn| assessments::start(conn, now, visit_date, &actor, &pid, if_open))
        .await?;
    Ok(HttpResponse::Created().json(StartedJson {
        id: row.id,
        version: row.version,
        status: row.status,
        patient_id: row.patient_id,
        visit_date: row.visit_date,
    }))
}

/// The version a change was made from.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // Documents the body, which is read key by key.
pub struct VersionBody {
    version: i32,
}

/// Moves a draft's history review to the patient's newest submitted form.
#[utoipa::path(
    post,
    path = "/api/v1/assessments/{id}/history-source",
    tag = "assessments",
    params(("id" = String, Path, description = "The assessment's id")),
    request_body = VersionBody,
    responses(
        (status = 200, description = "The record", body = AssessmentJson),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "Practitioners only (the record's own)", body = ErrorBody),
        (status = 404, description = "No such assessment", body = ErrorBody),
        (status = 409, description = "Signed, or someone saved first (`stale_version`)", body = ErrorBody),
        (status = 415, description = "Not sent as JSON", body = ErrorBody),
        (status = 422, description = "Fields need attention", body = ErrorBody),
    ),
)]
pub async fn pin_history(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let aid = assessment_id(&id)?;
    let Value::Object(body) = body.into_inner() else {
        return Err(FieldErrors::single("body", "Send a JSON object.").into());
    };
    only_keys(&body, &["version"])?;
    let version = version_in(&body)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let record = state
        .db(move |conn| assessments::pin_latest_history(conn, now, &actor, &aid, version))
        .await?;
    Ok(HttpResponse::Ok().json(record_json(record, &principal)))
}

/// "All normal" for one section.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // Documents the body, which is read key by key.
pub struct AllNormalBody {
    version: i32,
    /// `posture`, `rom`, `palpation`, `tests` or `neuro`.
    section: String,
    /// For `tests`: the screening set.
    set: Option<String>,
}

/// "All normal" for one section: fills only what is not yet recorded.
#[utoipa::path(
    post,
    path = "/api/v1/assessments/{id}/all-normal",
    tag = "assessments",
    params(("id" = String, Path, description = "The assessment's id")),
    request_body = AllNormalBody,
    responses(
        (status = 200, description = "The record", body = AssessmentJson),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "Practitioners only (the record's own)", body = ErrorBody),
        (status = 404, description = "No such assessment", body = ErrorBody),
        (status = 409, description = "Signed, or someone saved first (`stale_version`)", body = ErrorBody),
        (status = 415, description = "Not sent as JSON", body = ErrorBody),
        (status = 422, description = "Fields need attention", body = ErrorBody),
    ),
)]
pub async fn all_normal(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let aid = assessment_id(&id)?;
    let Value::Object(body) = body.into_inner() else {
        return Err(FieldErrors::single("body", "Send a JSON object.").into());
    };
    only_keys(&body, &["version", "section", "set"])?;
    let mut e = FieldErrors::new();
    let version = match version_in(&body) {
        Ok(v) => Some(v),
        Err(x) => {
            for (f, m) in x.iter() {
                e.add(f, m);
            }
            None
        }
    };
    let section = body
        .get("section")
        .and_then(Value::as_str)
        .and_then(Section::parse);
    if section.is_none() {
        e.add(
            "section",
            "Name the section (posture, rom, palpation, tests or neuro).",
        );
    }
    let set = match body.get("set") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_str().and_then(ScreeningSet::parse) {
            Some(s) => Some(s),
            None => {
                e.add(
                    "set",
                    format!("Use one of: {}.", ScreeningSet::CODES.join(", ")),
                );
                None
            }
        },
    };
    e.into_result()?;
    let (Some(version), Some(section)) = (version, section) else {
        return Err(FieldErrors::single("body", "Send a JSON object.").into());
    };
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let record = state
        .db(move |conn| {
            assessments::save_all_normal(conn, now, &actor, &aid, version, section, set)
        })
        .await?;
    Ok(HttpResponse::Ok().json(record_json(record, &principal)))
}

/// One assessment in the patient's list.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AssessmentLine {
    pub id: String,
    pub visit_date: chrono::NaiveDate,
    pub status: String,
    pub version: i32,
    pub practitioner_id: String,
    pub signed_at: Option<chrono::NaiveDateTime>,
}

/// The patient's assessments, newest first.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AssessmentList {
    pub items: Vec<AssessmentLine>,
}

/// The patient's assessments (practitioners and admins).
#[utoipa::path(
    get,
    path = "/api/v1/patients/{id}/assessments",
    tag = "assessments",
    params(("id" = String, Path, description = "The patient's id")),
    responses(
        (status = 200, description = "The list", body = AssessmentList),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "Practitioners and admins only", body = ErrorBody),
        (status = 404, description = "No such patient", body = ErrorBody),
    ),
)]
pub async fn list_for_patient(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let pid = patient_id(&id)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let rows = state
        .db(move |conn| assessments::list(conn, now, &actor, &pid))
        .await?;
    let items = rows
        .into_iter()
        .map(|a| AssessmentLine {
            id: a.id,
            visit_date: a.visit_date,
            status: a.status,
            version: a.version,
            practitioner_id: a.practitioner_id,
            signed_at: a.signed_at,
        })
        .collect();
    Ok(HttpResponse::Ok().json(AssessmentList { items }))
}

/// The whole record (audited as a read).
#[utoipa::path(
    get,
    path = "/api/v1/assessments/{id}",
    tag = "assessments",
    params(("id" = String, Path, description = "The assessment's id")),
    responses(
        (status = 200, description = "The record", body = AssessmentJson),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "Practitioners and admins only", body = ErrorBody),
        (status = 404, description = "No such assessment", body = ErrorBody),
    ),
)]
pub async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let aid = assessment_id(&id)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let record = state
        .db(move |conn| assessments::get(conn, now, &actor, &aid, AuditAction::AssessmentViewed))
        .await?;
    Ok(HttpResponse::Ok().json(record_json(record, &principal)))
}

/// `version` and the sections to replace; anything else is refused by name so a typo
/// is not silently ignored.
pub fn parse_update(
    body: Value,
    today: chrono::NaiveDate,
) -> Result<(i32, SectionUpdate), FieldErrors> {
    let Value::Object(obj) = body else {
        return Err(FieldErrors::single("body", "Send a JSON object."));
    };
    let mut e = FieldErrors::new();
    let version = match obj.get("version").map(Value::as_i64) {
        Some(Some(v)) => i32::try_from(v).ok(),
        _ => None,
    };
    if version.is_none() {
        e.add("version", "Send the version you last read.");
    }
    for k in obj.keys() {
        let known = k == "version" || crate::domain::assessment::Section::parse(k).is_some();
        if !known {
            e.add(k, "Unknown section.");
        }
    }
    let update = match SectionUpdate::parse(&obj, today) {
        Ok(u) => Some(u),
        Err(errs) => {
            for (f, m) in errs.iter() {
                e.add(f, m);
            }
            None
        }
    };
    e.into_result()?;
    match (version, update) {
        (Some(v), Some(u)) => Ok((v, u)),
        _ => Err(FieldErrors::single("body", "Send a JSON object.")),
    }
}

/// A save: `version` and the sections to replace, each by name (`posture`, `rom`,
/// `palpation`, `tests`, `neuro`, `pain`, `diagnoses`, `plan`, `notes`), laid out as
/// the record shows them; docs/assessments.md gives each section's fields.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // Documents the body, which is read key by key.
pub struct SaveBody {
    version: i32,
    #[schema(value_type = Option<Object>)]
    posture: Option<Value>,
    #[schema(value_type = Option<Vec<Object>>)]
    rom: Option<Value>,
    #[schema(value_type = Option<Vec<Object>>)]
    palpation: Option<Value>,
    #[schema(value_type = Option<Vec<Object>>)]
    tests: Option<Value>,
    #[schema(value_type = Option<Object>)]
    neuro: Option<Value>,
    #[schema(value_type = Option<Object>)]
    pain: Option<Value>,
    #[schema(value_type = Option<Vec<Object>>)]
    diagnoses: Option<Value>,
    #[schema(value_type = Option<Object>)]
    plan: Option<Value>,
    notes: Option<String>,
}

/// Replaces the sections sent; refused when the plan conflicts with a flag.
#[utoipa::path(
    put,
    path = "/api/v1/assessments/{id}",
    tag = "assessments",
    params(("id" = String, Path, description = "The assessment's id")),
    request_body = SaveBody,
    responses(
        (status = 200, description = "Saved", body = AssessmentJson),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "Practitioners only (the record's own)", body = ErrorBody),
        (status = 404, description = "No such assessment", body = ErrorBody),
        (status = 409, description = "Signed, or someone saved first (`stale_version`)", body = ErrorBody),
        (status = 415, description = "Not sent as JSON", body = ErrorBody),
        (status = 422, description = "Fields need attention, or the plan conflicts with a flag (`plan_refused`)", body = ErrorBody),
    ),
)]
pub async fn update(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let aid = assessment_id(&id)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let (version, update) = parse_update(body.into_inner(), state.zone.today(now))?;
    let record = state
        .db(move |conn| assessments::save_sections(conn, now, &actor, &aid, version, update))
        .await?;
    Ok(HttpResponse::Ok().json(record_json(record, &principal)))
}

/// The version signed (checked when sent).
#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct SignBody {
    #[serde(default)]
    version: Option<i32>,
}

impl BodyFields for SignBody {
    const FIELDS: &'static [&'static str] = &["version"];
}

/// Signs the record: it never changes again (addenda only).
#[utoipa::path(
    post,
    path = "/api/v1/assessments/{id}/sign",
    tag = "assessments",
    params(("id" = String, Path, description = "The assessment's id")),
    request_body(content = Option<SignBody>, description = "No body, or the version read"),
    responses(
        (status = 200, description = "Signed", body = AssessmentJson),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "Practitioners only (the record's own)", body = ErrorBody),
        (status = 404, description = "No such assessment", body = ErrorBody),
        (status = 409, description = "Cannot sign yet (`sign_refused`), already signed, or stale version", body = ErrorBody),
        (status = 415, description = "Not sent as JSON", body = ErrorBody),
        (status = 422, description = "A field of the wrong type or unknown", body = ErrorBody),
    ),
)]
pub async fn sign(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    OptionalBody(body): OptionalBody<SignBody>,
) -> Result<HttpResponse, ApiError> {
    let aid = assessment_id(&id)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let version = body.version;
    let record = state
        .db(move |conn| assessments::sign(conn, now, &actor, &aid, version))
        .await?;
    Ok(HttpResponse::Ok().json(record_json(record, &principal)))
}

/// The addendum's text.
#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct AddendumBody {
    #[serde(default)]
    body: String,
}

/// An addendum as recorded.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AddendumCreated {
    pub id: String,
    pub assessment_id: String,
    pub author_id: String,
    pub body: String,
    pub created_at: chrono::NaiveDateTime,
}

/// Adds an addendum to a signed record.
#[utoipa::path(
    post,
    path = "/api/v1/assessments/{id}/addenda",
    tag = "assessments",
    params(("id" = String, Path, description = "The assessment's id")),
    request_body = AddendumBody,
    responses(
        (status = 201, description = "Added", body = AddendumCreated),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "Practitioners only (the record's own)", body = ErrorBody),
        (status = 404, description = "No such assessment", body = ErrorBody),
        (status = 409, description = "Not signed yet", body = ErrorBody),
        (status = 415, description = "Not sent as JSON", body = ErrorBody),
        (status = 422, description = "Fields need attention", body = ErrorBody),
    ),
)]
pub async fn add_addendum(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    body: web::Json<AddendumBody>,
) -> Result<HttpResponse, ApiError> {
    let aid = assessment_id(&id)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let text = body.into_inner().body;
    let a = state
        .db(move |conn| assessments::add_addendum(conn, now, &actor, &aid, &text))
        .await?;
    Ok(HttpResponse::Created().json(AddendumCreated {
        id: a.id,
        assessment_id: a.assessment_id,
        author_id: a.author_id,
        body: a.body,
        created_at: a.created_at,
    }))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct CodeQuery {
    /// A code or words.
    #[serde(default)]
    q: String,
}

/// An ICD-10-CM code.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DiagnosisCode {
    pub code: &'static str,
    pub description: &'static str,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DiagnosisCodeList {
    pub items: Vec<DiagnosisCode>,
}

/// The shipped ICD-10 list, searched by code or words.
#[utoipa::path(
    get,
    path = "/api/v1/diagnosis-codes",
    tag = "assessments",
    params(CodeQuery),
    responses(
        (status = 200, description = "Matching codes", body = DiagnosisCodeList),
        (status = 400, description = "The query cannot be read", body = ErrorBody),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "Practitioners and admins only", body = ErrorBody),
    ),
)]
pub async fn diagnosis_codes(query: web::Query<CodeQuery>) -> HttpResponse {
    let items = icd10::search(&query.q)
        .into_iter()
        .map(|c| DiagnosisCode {
            code: c.code,
            description: c.description,
        })
        .collect();
    HttpResponse::Ok().json(DiagnosisCodeList { items })
}
