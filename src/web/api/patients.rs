//! `/api/v1/patients`: register, search, read, edit, archive.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::body::{BodyFields, OptionalBody};
use crate::db::models::patient::PatientRow;
use crate::domain::PatientId;
use crate::domain::patient::{PatientDetails, PatientInput};
use crate::services::sessions::Principal;
use crate::services::{ServiceError, patients};
use crate::web::error::ApiError;
use crate::web::extract::ClientIp;
use crate::web::state::AppState;

/// A patient as the API shows it.
#[derive(Debug, Serialize)]
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

#[derive(Deserialize)]
pub struct RegisterBody {
    #[serde(flatten)]
    patient: PatientInput,
    #[serde(default)]
    allow_duplicate: bool,
}

pub fn patient_id(raw: &str) -> Result<PatientId, ApiError> {
    PatientId::parse(raw).ok_or(ApiError(ServiceError::NotFound))
}

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

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    include_archived: bool,
}

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
    Ok(HttpResponse::Ok().json(json!({ "items": items })))
}

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

#[derive(Deserialize)]
pub struct UpdateBody {
    #[serde(flatten)]
    patient: PatientInput,
    version: Option<i32>,
}

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
#[derive(Deserialize)]
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
