//! `POST /api/v1/auth/login`, `POST /api/v1/auth/logout`, `GET /api/v1/me`.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use super::UserJson;
use crate::services::login::{self, LoginAttempt};
use crate::services::sessions::{self, Principal, SessionKind};
use crate::web::device_cookie::DeviceTokens;
use crate::web::error::ApiError;
use crate::web::extract::ClientIp;
use crate::web::state::AppState;

#[derive(Deserialize)]
pub struct LoginBody {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

pub async fn login(
    state: web::Data<AppState>,
    ip: ClientIp,
    devices: DeviceTokens,
    body: web::Json<LoginBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let clock = state.clock.clone();
    let policy = state.policy;
    let held = devices.0.clone();
    let signed_in = state
        .db_with_hashing(move |conn| {
            let attempt = LoginAttempt {
                email: &body.email,
                password: &body.password,
                kind: SessionKind::Api,
                ip: ip.0.as_deref(),
                devices: &held,
            };
            login::login(conn, || clock.now(), &attempt, &policy)
        })
        .await?;
    let issued = signed_in.session;
    let mut resp = HttpResponse::Ok();
    // A client that keeps cookies is a trusted device from now on, as a browser is.
    if let Some(token) = &signed_in.new_device {
        resp.cookie(devices.with(token, state.secure_cookies));
    }
    Ok(resp.json(json!({
        "token": issued.token,
        "user": {
            "id": issued.user.id,
            "email": issued.user.email,
            "name": issued.user.name,
            "role": issued.user.role,
        }
    })))
}

pub async fn logout(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    state
        .db(move |conn| sessions::logout(conn, now, &principal, &actor))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

pub async fn me(
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, ApiError> {
    let id = principal.user_id.clone();
    let row = state
        .db(move |conn| {
            crate::db::models::user::find(conn, id.as_str())?
                .ok_or(crate::services::ServiceError::NotFound)
        })
        .await?;
    Ok(HttpResponse::Ok().json(UserJson::from(row)))
}
