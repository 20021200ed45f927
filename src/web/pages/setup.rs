//! First run: the one-time link printed by `clinic serve` creates the first admin.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::{Page, no_errors, render, render_with, see_other};
use crate::domain::FieldErrors;
use crate::services::accounts::{NewStaff, NewStaffInput};
use crate::services::{ServiceError, setup};
use crate::web::access::session_cookie;
use crate::web::error::PageError;
use crate::web::extract::{ClientIp, CsrfToken};
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    page: Page,
    name: String,
    email: String,
    errors: FieldErrors,
}

pub async fn show(
    state: web::Data<AppState>,
    csrf: CsrfToken,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let now = state.clock.now();
    let token = token.into_inner();
    if !state
        .db(move |conn| setup::link_is_usable(conn, now, &token))
        .await?
    {
        return Err(ServiceError::Gone.into());
    }
    render(&SetupPage {
        page: Page::new("Set up the clinic", &state, None, &csrf),
        name: String::new(),
        email: String::new(),
        errors: no_errors(),
    })
}

#[derive(serde::Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm_password: String,
}

pub async fn submit(
    state: web::Data<AppState>,
    csrf: CsrfToken,
    ip: ClientIp,
    token: web::Path<String>,
    form: web::Form<SetupForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    let input = NewStaffInput {
        email: form.email.clone(),
        name: form.name.clone(),
        role: "admin".into(),
        licence_number: None,
        password: form.password.clone(),
        password_by: String::new(),
    };
    let parsed = NewStaff::parse(&input).and_then(|s| {
        if form.password == form.confirm_password {
            Ok(s)
        } else {
            Err(FieldErrors::single(
                "confirm_password",
                "The two passwords are not the same.",
            ))
        }
    });
    let result = match parsed {
        Ok(staff) => {
            let clock = state.clock.clone();
            let policy = state.policy;
            let actor = ip.actor(None);
            let token = token.into_inner();
            state
                .db_with_hashing(move |conn| {
                    setup::complete(conn, || clock.now(), &actor, &token, &staff, &policy)
                })
                .await
        }
        Err(errors) => Err(ServiceError::Invalid(errors)),
    };
    match result {
        Ok(issued) => {
            let mut resp = see_other("/");
            resp.add_cookie(&session_cookie(&issued.token, state.secure_cookies))
                .ok();
            Ok(resp)
        }
        Err(ServiceError::Invalid(errors)) => render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SetupPage {
                page: Page::new("Set up the clinic", &state, None, &csrf),
                name: form.name,
                email: form.email,
                errors,
            },
        ),
        Err(e) => Err(e.into()),
    }
}
