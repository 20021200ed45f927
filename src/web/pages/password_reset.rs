//! The page behind a password-reset email.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::{Page, no_errors, render, render_with};
use crate::domain::FieldErrors;
use crate::services::{ServiceError, password_reset};
use crate::web::error::PageError;
use crate::web::extract::{ClientIp, CsrfToken};
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "password_reset.html")]
struct ResetPage {
    page: Page,
    name: String,
    errors: FieldErrors,
    done: bool,
}

pub async fn show(
    state: web::Data<AppState>,
    csrf: CsrfToken,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let now = state.clock.now();
    let token = token.into_inner();
    let name = state
        .db(move |conn| password_reset::link_owner(conn, now, &token))
        .await?;
    render(&ResetPage {
        page: Page::new("Set a new password", &state, None, &csrf),
        name,
        errors: no_errors(),
        done: false,
    })
}

#[derive(serde::Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

pub async fn submit(
    state: web::Data<AppState>,
    csrf: CsrfToken,
    ip: ClientIp,
    token: web::Path<String>,
    form: web::Form<ResetForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    let clock = state.clock.clone();
    let actor = ip.actor(None);
    let token = token.into_inner();
    let t2 = token.clone();
    let result = state
        .db_with_hashing(move |conn| {
            password_reset::complete(
                conn,
                || clock.now(),
                &actor,
                &t2,
                &form.new_password,
                &form.confirm_password,
            )
        })
        .await;
    let page = Page::new("Set a new password", &state, None, &csrf);
    match result {
        Ok(()) => render(&ResetPage {
            page,
            name: String::new(),
            errors: no_errors(),
            done: true,
        }),
        Err(ServiceError::Invalid(errors)) => {
            let now = state.clock.now();
            let name = state
                .db(move |conn| password_reset::link_owner(conn, now, &token))
                .await?;
            render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ResetPage {
                    page,
                    name,
                    errors,
                    done: false,
                },
            )
        }
        Err(e) => Err(e.into()),
    }
}
