//! Flags: `GET/POST /api/v1/patients/{id}/flags`, and a practitioner's decisions on one
//! flag: `POST /api/v1/flags/{id}/acknowledge`, `/resolve`, `/refer`, `/narrow`,
//! `/confirm` and `/dismiss` (each answers 200 with the flag).

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};

use super::body::{NoFields, OptionalBody, strict};
use super::patients::patient_id;
use crate::domain::FlagId;
use crate::services::ServiceError;
use crate::services::flags::{self, ManualFlagInput, ReferralInput};
use crate::services::sessions::Principal;
use crate::web::error::ApiError;
use crate::web::extract::ClientIp;
use crate::web::state::AppState;

pub use super::flag_json::FlagJson;

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
        .map(|f| FlagJson::from_record(f, principal.role))
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
    let record = state
        .db(move |conn| flags::add_manual(conn, now, &actor, &pid, &input))
        .await?;
    Ok(HttpResponse::Created().json(FlagJson::from_record(record, principal.role)))
}

fn flag_id(raw: &str) -> Result<FlagId, ApiError> {
    FlagId::parse(raw).ok_or(ApiError(ServiceError::NotFound))
}

/// Runs one decision and answers with the flag.
async fn decided(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    decision: impl FnOnce(
        &mut crate::db::DbConnection,
        chrono::NaiveDateTime,
        &crate::services::Actor,
    ) -> crate::services::ServiceResult<flags::FlagRecord>
    + Send
    + 'static,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let record = state.db(move |conn| decision(conn, now, &actor)).await?;
    Ok(HttpResponse::Ok().json(FlagJson::from_record(record, principal.role)))
}

pub async fn acknowledge(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    _body: OptionalBody<NoFields>,
) -> Result<HttpResponse, ApiError> {
    let fid = flag_id(&id)?;
    decided(state, principal, ip, move |c, now, a| {
        flags::acknowledge(c, now, a, &fid)
    })
    .await
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct ReasonBody {
    reason: String,
}

/// The written reason; for a referred flag, what came of the referral.
pub async fn resolve(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let fid = flag_id(&id)?;
    let ReasonBody { reason } = strict(body.into_inner(), &["reason"])?;
    decided(state, principal, ip, move |c, now, a| {
        flags::resolve(c, now, a, &fid, &reason)
    })
    .await
}

/// `{"referred_to", "method", "referred_on", "note"}`.
pub async fn refer(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let fid = flag_id(&id)?;
    let input: ReferralInput = strict(
        body.into_inner(),
        &["referred_to", "method", "referred_on", "note"],
    )?;
    decided(state, principal, ip, move |c, now, a| {
        flags::refer(c, now, a, &fid, &input)
    })
    .await
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct NarrowBody {
    regions: Vec<String>,
    reason: String,
}

/// `{"regions": ["lumbar"], "reason": "..."}`.
pub async fn narrow(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let fid = flag_id(&id)?;
    let NarrowBody { regions, reason } = strict(body.into_inner(), &["regions", "reason"])?;
    decided(state, principal, ip, move |c, now, a| {
        flags::narrow(c, now, a, &fid, &regions, &reason)
    })
    .await
}

pub async fn confirm(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    _body: OptionalBody<NoFields>,
) -> Result<HttpResponse, ApiError> {
    let fid = flag_id(&id)?;
    decided(state, principal, ip, move |c, now, a| {
        flags::confirm(c, now, a, &fid)
    })
    .await
}

/// `{"reason": "..."}`: why the inference was wrong.
pub async fn dismiss(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let fid = flag_id(&id)?;
    let ReasonBody { reason } = strict(body.into_inner(), &["reason"])?;
    decided(state, principal, ip, move |c, now, a| {
        flags::dismiss(c, now, a, &fid, &reason)
    })
    .await
}
