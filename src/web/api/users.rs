//! `GET /api/v1/users`, `POST /api/v1/users`, `POST /api/v1/users/{id}/unlock` (admins
//! only).

use actix_web::{HttpResponse, web};
use serde_json::json;

use super::UserJson;
use super::body::{NoFields, OptionalBody};
use crate::domain::UserId;
use crate::services::accounts::{self, NewStaff, NewStaffInput};
use crate::services::password_reset;
use crate::services::sessions::Principal;
use crate::services::{ServiceError, login};
use crate::web::error::ApiError;
use crate::web::extract::ClientIp;
use crate::web::state::AppState;

pub async fn list(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let rows = state.db(accounts::list).await?;
    let items: Vec<UserJson> = rows.into_iter().map(UserJson::from).collect();
    Ok(HttpResponse::Ok().json(json!({ "items": items })))
}

/// Unknown fields (an `id`, `active`, `password_hash`…) are ignored: only the fields of
/// [`NewStaffInput`] are read, so a body cannot set anything else.
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
