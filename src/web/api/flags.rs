//! Flags: `GET/POST /api/v1/patients/{id}/flags`, and a practitioner's decisions on one
//! flag: `POST /api/v1/flags/{id}/acknowledge`, `/resolve`, `/refer`, `/narrow`,
//! `/confirm` and `/dismiss` (each answers 200 with the flag).

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::body::{NoFields, OptionalBody, strict};
use super::patients::patient_id;
use crate::domain::FlagId;
use crate::services::ServiceError;
use crate::services::flags::{self, ManualFlagInput, ReferralInput};
use crate::services::sessions::Principal;
use crate::web::api_error::ErrorBody;
use crate::web::error::ApiError;
use crate::web::extract::ClientIp;
use crate::web::state::AppState;

pub use super::flag_json::FlagJson;

/// Every flag of the patient, active first.
#[derive(Serialize, utoipa::ToSchema)]
pub struct FlagList {
    pub items: Vec<FlagJson>,
}

/// The patient's flags (audited as a read).
#[utoipa::path(
    get,
    path = "/api/v1/patients/{id}/flags",
    tag = "flags",
    params(("id" = String, Path, description = "The patient's id")),
    responses(
        (status = 200, description = "The flags", body = FlagList),
        (status = 401, description = "No session", body = ErrorBody),
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
        .db(move |conn| flags::list(conn, now, &actor, &pid))
        .await?;
    let items: Vec<FlagJson> = rows
        .into_iter()
        .map(|f| FlagJson::from_record(f, principal.role))
        .collect();
    Ok(HttpResponse::Ok().json(FlagList { items }))
}

/// A flag a practitioner adds by hand.
#[utoipa::path(
    post,
    path = "/api/v1/patients/{id}/flags",
    tag = "flags",
    params(("id" = String, Path, description = "The patient's id")),
    request_body = ManualFlagInput,
    responses(
        (status = 201, description = "Added", body = FlagJson),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "Practitioners only", body = ErrorBody),
        (status = 404, description = "No such patient", body = ErrorBody),
        (status = 409, description = "Archived patient", body = ErrorBody),
        (status = 415, description = "Not sent as JSON", body = ErrorBody),
        (status = 422, description = "Fields need attention", body = ErrorBody),
    ),
)]
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

/// The practitioner has seen the flag.
#[utoipa::path(
    post,
    path = "/api/v1/flags/{id}/acknowledge",
    tag = "flags",
    params(("id" = String, Path, description = "The flag's id")),
    request_body(content = Option<NoFields>, description = "No body, or `{}`"),
    responses(
        (status = 200, description = "The flag as it is now", body = FlagJson),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 415, description = "Not sent as JSON", body = ErrorBody),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "Practitioners only", body = ErrorBody),
        (status = 404, description = "No such flag", body = ErrorBody),
        (status = 409, description = "Already decided", body = ErrorBody),
        (status = 422, description = "Fields need attention", body = ErrorBody),
    ),
)]
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

/// A written reason.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ReasonBody {
    reason: String,
}

/// Resolves the flag with a written reason; for a referred flag, what came of the
/// referral.
#[utoipa::path(
    post,
    path = "/api/v1/flags/{id}/resolve",
    tag = "flags",
    params(("id" = String, Path, description = "The flag's id")),
    request_body = ReasonBody,
    responses(
        (status = 200, description = "The flag as it is now", body = FlagJson),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 415, description = "Not sent as JSON", body = ErrorBody),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "Practitioners only", body = ErrorBody),
        (status = 404, description = "No such flag", body = ErrorBody),
        (status = 409, description = "Already resolved, or an emergency flag that needs a referral first", body = ErrorBody),
        (status = 422, description = "Fields need attention", body = ErrorBody),
    ),
)]
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

/// Records a referral: who, how, when, and a note.
#[utoipa::path(
    post,
    path = "/api/v1/flags/{id}/refer",
    tag = "flags",
    params(("id" = String, Path, description = "The flag's id")),
    request_body = ReferralInput,
    responses(
        (status = 200, description = "The flag as it is now", body = FlagJson),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 415, description = "Not sent as JSON", body = ErrorBody),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "Practitioners only", body = ErrorBody),
        (status = 404, description = "No such flag", body = ErrorBody),
        (status = 409, description = "Already referred or resolved", body = ErrorBody),
        (status = 422, description = "Fields need attention", body = ErrorBody),
    ),
)]
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

/// The regions the flag still holds for, and why.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NarrowBody {
    regions: Vec<String>,
    reason: String,
}

/// Narrows an unknown-region flag to the regions examined (`["lumbar"]`), with a
/// reason.
#[utoipa::path(
    post,
    path = "/api/v1/flags/{id}/narrow",
    tag = "flags",
    params(("id" = String, Path, description = "The flag's id")),
    request_body = NarrowBody,
    responses(
        (status = 200, description = "The flag as it is now", body = FlagJson),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 415, description = "Not sent as JSON", body = ErrorBody),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "Practitioners only", body = ErrorBody),
        (status = 404, description = "No such flag", body = ErrorBody),
        (status = 409, description = "Not a flag that can be narrowed", body = ErrorBody),
        (status = 422, description = "Fields need attention", body = ErrorBody),
    ),
)]
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

/// Confirms a flag the rules inferred.
#[utoipa::path(
    post,
    path = "/api/v1/flags/{id}/confirm",
    tag = "flags",
    params(("id" = String, Path, description = "The flag's id")),
    request_body(content = Option<NoFields>, description = "No body, or `{}`"),
    responses(
        (status = 200, description = "The flag as it is now", body = FlagJson),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 415, description = "Not sent as JSON", body = ErrorBody),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "Practitioners only", body = ErrorBody),
        (status = 404, description = "No such flag", body = ErrorBody),
        (status = 409, description = "Not waiting for review", body = ErrorBody),
        (status = 422, description = "Fields need attention", body = ErrorBody),
    ),
)]
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

/// Dismisses a flag the rules inferred, with why the inference was wrong.
#[utoipa::path(
    post,
    path = "/api/v1/flags/{id}/dismiss",
    tag = "flags",
    params(("id" = String, Path, description = "The flag's id")),
    request_body = ReasonBody,
    responses(
        (status = 200, description = "The flag as it is now", body = FlagJson),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 415, description = "Not sent as JSON", body = ErrorBody),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "Practitioners only", body = ErrorBody),
        (status = 404, description = "No such flag", body = ErrorBody),
        (status = 409, description = "Not waiting for review", body = ErrorBody),
        (status = 422, description = "Fields need attention", body = ErrorBody),
    ),
)]
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
