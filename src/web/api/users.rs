//! `GET /api/v1/users`, `POST /api/v1/users`, `POST /api/v1/users/{id}/unlock` (admins
//! only).

use actix_web::{HttpResponse, web};
use serde::Serialize;

use super::UserJson;
use super::body::{NoFields, OptionalBody};
use crate::domain::UserId;
use crate::services::accounts::{self, NewStaff, NewStaffInput};
use crate::services::password_reset;
use crate::services::sessions::Principal;
use crate::services::{ServiceError, login};
use crate::web::api_error::ErrorBody;
use crate::web::error::ApiError;
use crate::web::extract::ClientIp;
use crate::web::state::AppState;

/// Every staff account.
#[derive(Serialize, utoipa::ToSchema)]
pub struct UserList {
    pub items: Vec<UserJson>,
}

/// Every staff account, active or not.
#[utoipa::path(
    get,
    path = "/api/v1/users",
    tag = "staff",
    responses(
        (status = 200, description = "The accounts", body = UserList),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "Admins only", body = ErrorBody),
    ),
)]
pub async fn list(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let rows = state.db(accounts::list).await?;
    let items: Vec<UserJson> = rows.into_iter().map(UserJson::from).collect();
    Ok(HttpResponse::Ok().json(UserList { items }))
}

/// Opens a staff account. Unknown fields (an `id`, `active`, `password_hash`…) are
/// ignored: only the fields of [`NewStaffInput`] are read, so a body cannot set anything
/// else.
#[utoipa::path(
    post,
    path = "/api/v1/users",
    tag = "staff",
    request_body = NewStaffInput,
    responses(
        (status = 201, description = "Created", body = UserJson),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "Admins only", body = ErrorBody),
        (status = 409, description = "The email is taken", body = ErrorBody),
        (status = 415, description = "Not sent as JSON", body = ErrorBody),
        (status = 422, description = "Fields need attention", body = ErrorBody),
    ),
)]
pub async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    body: web::Json<NewStaffInput>,
) -> Result<HttpResponse, ApiError> {
    let staff = NewStaff::parse(&body)?;
    let emailed = body.emails_the_password();
    let clock = state.clock.clone();
    let actor = ip.actor(Some(&principal));
    let mail = state.mail.clone();
    let row = state
        .db_with_hashing(move |conn| {
            password_reset::open_account(conn, || clock.now(), &actor, &staff, emailed, &mail)
        })
        .await?;
    if emailed {
        state.wake_mailer();
    }
    Ok(HttpResponse::Created().json(UserJson::from(row)))
}

/// Lifts the sign-in locks on an account (strangers', its devices', change password).
#[utoipa::path(
    post,
    path = "/api/v1/users/{id}/unlock",
    tag = "staff",
    params(("id" = String, Path, description = "The account's id")),
    request_body(content = Option<NoFields>, description = "No body, or `{}`"),
    responses(
        (status = 204, description = "Unlocked"),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "Admins only", body = ErrorBody),
        (status = 404, description = "No such account", body = ErrorBody),
        (status = 415, description = "Not sent as JSON", body = ErrorBody),
        (status = 422, description = "A body with fields", body = ErrorBody),
    ),
)]
pub async fn unlock(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    _body: OptionalBody<NoFields>,
) -> Result<HttpResponse, ApiError> {
    let target = UserId::parse(&id).ok_or(ApiError(ServiceError::NotFound))?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    state
        .db(move |conn| login::unlock(conn, now, &actor, &target))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
