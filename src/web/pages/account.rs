//! The signed-in user's own account: changing the password.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::{Page, no_errors, render, render_with};
use crate::domain::FieldErrors;
use crate::services::ServiceError;
use crate::services::accounts::{self, PasswordChange};
use crate::services::sessions::Principal;
use crate::web::access::session_cookie;
use crate::web::error::PageError;
use crate::web::extract::{ClientIp, CsrfToken};
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "account_password.html")]
struct PasswordPage {
    page: Page,
    errors: FieldErrors,
    done: bool,
}

pub async fn show_password(
    state: web::Data<AppState>,
    principal: Principal,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    render(&PasswordPage {
        page: Page::new("Change password", &state, Some(&principal), &csrf),
        errors: no_errors(),
        done: false,
    })
}

#[derive(serde::Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

pub async fn change_password(
    state: web::Data<AppState>,
    principal: Principal,
    csrf: CsrfToken,
    ip: ClientIp,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    let clock = state.clock.clone();
    let policy = state.policy;
    let actor = ip.actor(Some(&principal));
    let result = state
        .db_with_hashing(move |conn| {
            let change = PasswordChange {
                current: &form.current_password,
                new: &form.new_password,
                confirm: &form.confirm_password,
            };
            accounts::change_own_password(conn, || clock.now(), &actor, &change, &policy)
        })
        .await;
    match result {
        Ok(issued) => {
            // Every session ended; this browser continues on a fresh one with a new
            // CSRF token, so the page is rendered with that.
            let csrf = CsrfToken(issued.csrf_token.clone());
            let page = Page::new("Change password", &state, Some(&principal), &csrf);
            let mut resp = render(&PasswordPage {
                page,
                errors: no_errors(),
                done: true,
            })?;
            resp.add_cookie(&session_cookie(&issued.token, state.secure_cookies))
                .ok();
            Ok(resp)
        }
        Err(ServiceError::Invalid(errors)) => render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            &PasswordPage {
                page: Page::new("Change password", &state, Some(&principal), &csrf),
                errors,
                done: false,
            },
        ),
        Err(ServiceError::SessionEnded) => {
            let mut resp = crate::web::error::error_page(
                StatusCode::UNAUTHORIZED,
                "Signed out",
                "That was the wrong current password too many times, so you have been signed out everywhere. Sign in again.",
            );
            resp.add_removal_cookie(&session_cookie("", state.secure_cookies))
                .ok();
            Ok(resp)
        }
        Err(e) => Err(e.into()),
    }
}
