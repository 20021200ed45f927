//! Flags: `GET/POST /api/v1/patients/{id}/flags`, `POST /api/v1/flags/{id}/acknowledge`
//! and `/resolve`.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::patients::patient_id;
use crate::db::models::flag::FlagRow;
use crate::domain::Role;
use crate::services::ServiceError;
use crate::services::flags::{self, ManualFlagInput};
use crate::services::sessions::Principal;
use crate::web::error::ApiError;
use crate::web::extract::ClientIp;
use crate::web::state::AppState;

/// A flag as the API shows it. `source` is the rule's sources (part B keys), or
/// "practitioner" for a flag added by hand; `origin` says what raised it. The
/// resolution note is clinical and not shown to the front desk.
#[derive(Debug, Serialize)]
pub struct FlagJson {
    pub id: String,
    pub code: String,
    pub kind: String,
    pub level: String,
    pub techniques: Vec<String>,
    pub regions: Vec<String>,
    pub source: String,
    pub origin: String,
    pub status: String,
    pub reason: String,
    pub raised_at: chrono::NaiveDateTime,
    pub acknowledged_at: Option<chrono::NaiveDateTime>,
    pub resolved_at: Option<chrono::NaiveDateTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
}

fn list(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

impl FlagJson {
    pub fn new(f: FlagRow, viewer: Role) -> Self {
        FlagJson {
            techniques: list(&f.techniques),
            regions: list(&f.regions),
            resolution: if viewer == Role::FrontDesk {
                None
            } else {
                f.resolution
            },
            id: f.id,
            code: f.code,
            kind: f.kind,
            level: f.level,
            source: f.rule_source,
            origin: f.source,
            status: f.status,
            reason: f.reason,
            raised_at: f.raised_at,
            acknowledged_at: f.acknowledged_at,
            resolved_at: f.resolved_at,
        }
    }
}

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
        .db(move |conn| flags::list(conn, now, &actor, &pid))
        .await?;
    let items: Vec<FlagJson> = rows
        .into_iter()
        .map(|f| FlagJson::new(f, principal.role))
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "items": items })))
}

pub async fn add_manual(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    body: web::Json<ManualFlagInput>,
) -> Result<HttpResponse, ApiError> {
    let pid = patient_id(&id)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let input = body.into_inner();
    let row = state
        .db(move |conn| flags::add_manual(conn, now, &actor, &pid, &input))
        .await?;
    Ok(HttpResponse::Created().json(FlagJson::new(row, principal.role)))
}

fn flag_id(raw: &str) -> Result<String, ApiError> {
    uuid::Uuid::parse_str(raw)
        .map(|u| u.to_string())
        .map_err(|_| ApiError(ServiceError::NotFound))
}

pub async fn acknowledge(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let fid = flag_id(&id)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let row = state
        .db(move |conn| flags::acknowledge(conn, now, &actor, &fid))
        .await?;
    Ok(HttpResponse::Ok().json(FlagJson::new(row, principal.role)))
}

#[derive(Deserialize, Default)]
pub struct ResolveBody {
    #[serde(default)]
    reason: String,
}

pub async fn resolve(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    body: web::Json<ResolveBody>,
) -> Result<HttpResponse, ApiError> {
    let fid = flag_id(&id)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let reason = body.into_inner().reason;
    let row = state
        .db(move |conn| flags::resolve(conn, now, &actor, &fid, &reason))
        .await?;
    Ok(HttpResponse::Ok().json(FlagJson::new(row, principal.role)))
}
