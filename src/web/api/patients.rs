//! `/api/v1/patients`: register, search, read, edit, archive.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::body::{BodyFields, OptionalBody};
use crate::db::models::patient::PatientRow;
use crate::domain::PatientId;
use crate::domain::patient::{PatientDetails, PatientInput};
use crate::services::sessions::Principal;
use crate::services::{ServiceError, patients};
use crate::web::api_error::ErrorBody;
use crate::web::error::ApiError;
use crate::web::extract::ClientIp;
use crate::web::state::AppState;

/// A patient as the API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PatientJson {
    pub id: String,
    pub chart_number: String,
    pub version: i32,
    pub given_name: String,
    pub family_name: String,
    pub preferred_name: Option<String>,
    pub date_of_birth: chrono::NaiveDate,
    pub sex: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address_line1: Option<String>,
    pub address_line2: Option<String>,
    pub city: Option<String>,
    pub province: Option<String>,
    pub postal_code: Option<String>,
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_phone: Option<String>,
    pub emergency_contact_relationship: Option<String>,
    pub occupation: Option<String>,
    pub archived: bool,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl From<PatientRow> for PatientJson {
    fn from(p: PatientRow) -> Self {
        PatientJson {
            archived: p.archived_at.is_some(),
            id: p.id,
            chart_number: p.chart_number,
            version: p.version,
            given_name: p.given_name,
            family_name: p.family_name,
            preferred_name: p.preferred_name,
            date_of_birth: p.date_of_birth,
            sex: p.sex,
            email: p.email,
            phone: p.phone,
            address_line1: p.address_line1,
            address_line2: p.address_line2,
            city: p.city,
            province: p.province,
            postal_code: p.postal_code,
            emergency_contact_name: p.emergency_contact_name,
            emergency_contact_phone: p.emergency_contact_phone,
            emergency_contact_relationship: p.emergency_contact_relationship,
            occupation: p.occupation,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// A registration: the patient's details, and `allow_duplicate` to register although a
/// patient with the same name and birth date exists.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct RegisterBody {
    #[serde(flatten)]
    patient: PatientInput,
    #[serde(default)]
    allow_duplicate: bool,
}

pub fn patient_id(raw: &str) -> Result<PatientId, ApiError> {
    PatientId::parse(raw).ok_or(ApiError(ServiceError::NotFound))
}

/// Registers a patient (dates as YYYY-MM-DD; `sex` one of `female`, `male`,
/// `intersex`, `unknown`).
#[utoipa::path(
    post,
    path = "/api/v1/patients",
    tag = "patients",
    request_body = RegisterBody,
    responses(
        (status = 201, description = "Registered", body = PatientJson),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 409, description = "Possibly a duplicate (`possible_duplicate`)", body = ErrorBody),
        (status = 415, description = "Not sent as JSON", body = ErrorBody),
        (status = 422, description = "Fields need attention", body = ErrorBody),
    ),
)]
pub async fn register(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    body: web::Json<RegisterBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let now = state.clock.now();
    let details = PatientDetails::parse(&body.patient, state.zone.today(now))?;
    let actor = ip.actor(Some(&principal));
    let row = state
        .db(move |conn| patients::register(conn, now, &actor, &details, body.allow_duplicate))
        .await?;
    Ok(HttpResponse::Created().json(PatientJson::from(row)))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct SearchQuery {
    /// A chart number (`P-42`), a birth date (YYYY-MM-DD), phone digits, or name words.
    #[serde(default)]
    q: String,
    #[serde(default)]
    include_archived: bool,
}

/// Patients found, at most 50.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PatientList {
    pub items: Vec<PatientJson>,
}

/// Finds patients (audited as a search).
#[utoipa::path(
    get,
    path = "/api/v1/patients",
    tag = "patients",
    params(SearchQuery),
    responses(
        (status = 200, description = "The patients found", body = PatientList),
        (status = 400, description = "The query cannot be read", body = ErrorBody),
        (status = 401, description = "No session", body = ErrorBody),
    ),
)]
pub async fn search(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, ApiError> {
    let SearchQuery {
        q,
        include_archived,
    } = query.into_inner();
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let rows = state
        .db(move |conn| patients::search(conn, now, &actor, &q, include_archived))
        .await?;
    let items: Vec<PatientJson> = rows.into_iter().map(PatientJson::from).collect();
    Ok(HttpResponse::Ok().json(PatientList { items }))
}

/// One patient (audited as a read).
#[utoipa::path(
    get,
    path = "/api/v1/patients/{id}",
    tag = "patients",
    params(("id" = String, Path, description = "The patient's id")),
    responses(
        (status = 200, description = "The patient", body = PatientJson),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 404, description = "No such patient", body = ErrorBody),
    ),
)]
pub async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = patient_id(&id)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let row = state
        .db(move |conn| patients::get(conn, now, &actor, &id))
        .await?;
    Ok(HttpResponse::Ok().json(PatientJson::from(row)))
}

/// New details and the `version` they were edited from.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct UpdateBody {
    #[serde(flatten)]
    patient: PatientInput,
    version: Option<i32>,
}

/// Edits a patient's details; refused (`stale_version`) when someone saved first.
#[utoipa::path(
    put,
    path = "/api/v1/patients/{id}",
    tag = "patients",
    params(("id" = String, Path, description = "The patient's id")),
    request_body = UpdateBody,
    responses(
        (status = 200, description = "Saved", body = PatientJson),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 404, description = "No such patient", body = ErrorBody),
        (status = 409, description = "Someone saved first (`stale_version`)", body = ErrorBody),
        (status = 415, description = "Not sent as JSON", body = ErrorBody),
        (status = 422, description = "Fields need attention", body = ErrorBody),
    ),
)]
pub async fn update(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    body: web::Json<UpdateBody>,
) -> Result<HttpResponse, ApiError> {
    let id = patient_id(&id)?;
    let body = body.into_inner();
    let now = state.clock.now();
    let parsed = PatientDetails::parse(&body.patient, state.zone.today(now));
    let (details, version) = match (parsed, body.version) {
        (Ok(d), Some(v)) => (d, v),
        (parsed, version) => {
            let mut errors = parsed.err().unwrap_or_default();
            if version.is_none() {
                errors.add(
                    "version",
                    "Send the version you edited (from the last read).",
                );
            }
            return Err(ApiError::from(errors));
        }
    };
    let actor = ip.actor(Some(&principal));
    let row = state
        .db(move |conn| patients::update(conn, now, &actor, &id, version, &details))
        .await?;
    Ok(HttpResponse::Ok().json(PatientJson::from(row)))
}

/// `{"archived": false}` restores; no body (or `{}`) archives.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ArchiveBody {
    #[serde(default = "yes")]
    archived: bool,
}

impl Default for ArchiveBody {
    fn default() -> Self {
        ArchiveBody { archived: true }
    }
}

impl BodyFields for ArchiveBody {
    const FIELDS: &'static [&'static str] = &["archived"];
}

fn yes() -> bool {
    true
}

/// Archives a patient (front desk and admins), or restores one.
#[utoipa::path(
    post,
    path = "/api/v1/patients/{id}/archive",
    tag = "patients",
    params(("id" = String, Path, description = "The patient's id")),
    request_body(content = Option<ArchiveBody>, description = "No body archives; `{\"archived\": false}` restores"),
    responses(
        (status = 200, description = "Archived or restored", body = PatientJson),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "Front desk and admins only", body = ErrorBody),
        (status = 404, description = "No such patient", body = ErrorBody),
        (status = 415, description = "Not sent as JSON", body = ErrorBody),
        (status = 422, description = "A field of the wrong type or unknown", body = ErrorBody),
    ),
)]
pub async fn archive(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    OptionalBody(body): OptionalBody<ArchiveBody>,
) -> Result<HttpResponse, ApiError> {
    let id = patient_id(&id)?;
    let archived = body.archived;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let row = state
        .db(move |conn| patients::set_archived(conn, now, &actor, &id, archived))
        .await?;
    Ok(HttpResponse::Ok().json(PatientJson::from(row)))
}
