//! `POST /api/v1/auth/login`, `POST /api/v1/auth/logout`, `GET /api/v1/me`.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::UserJson;
use crate::services::login::{self, LoginAttempt};
use crate::services::sessions::{self, Principal, SessionKind};
use crate::web::api_error::ErrorBody;
use crate::web::device_cookie::DeviceTokens;
use crate::web::error::ApiError;
use crate::web::extract::ClientIp;
use crate::web::state::AppState;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginBody {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// A session: send the token as `Authorization: Bearer <token>`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct LoginResponse {
    pub token: String,
    pub user: SignedInUser,
}

/// Who signed in.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SignedInUser {
    pub id: String,
    pub email: String,
    pub name: String,
    /// `admin`, `practitioner` or `front_desk`.
    pub role: String,
}

/// Signs in. A client that keeps cookies gets a `clinic_device` cookie at its first
/// sign-in as an account; sent back, it keeps that client's way in while strangers are
/// locked out of the account.
#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    tag = "sessions",
    request_body = LoginBody,
    responses(
        (status = 200, description = "Signed in", body = LoginResponse),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "Wrong email or password (the same for unknown emails)", body = ErrorBody),
        (status = 415, description = "Not sent as JSON", body = ErrorBody),
        (status = 429, description = "Locked or slowed down", body = ErrorBody,
            headers(("Retry-After" = i64, description = "Seconds to wait"))),
    ),
    security(()),
)]
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
                ip: ip.ip.as_deref(),
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
    Ok(resp.json(LoginResponse {
        token: issued.token,
        user: SignedInUser {
            id: issued.user.id,
            email: issued.user.email,
            name: issued.user.name,
            role: issued.user.role,
        },
    }))
}

/// Ends this session.
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    tag = "sessions",
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "No session", body = ErrorBody),
    ),
)]
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

/// The signed-in staff member.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "sessions",
    responses(
        (status = 200, description = "The account", body = UserJson),
        (status = 401, description = "No session", body = ErrorBody),
    ),
)]
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
