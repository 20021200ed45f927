//! Sign in and sign out.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{Page, render, render_with, see_other};
use crate::services::ServiceError;
use crate::services::login::{self, LoginAttempt};
use crate::services::sessions::{self, Principal, SessionKind};
use crate::web::access::session_cookie;
use crate::web::device_cookie::DeviceTokens;
use crate::web::error::{PageError, locked_message};
use crate::web::extract::{ClientIp, CsrfToken, MaybePrincipal};
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    page: Page,
    email: String,
    next: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only a local path: never send someone to another site after signing in.
fn safe_next(next: Option<&str>) -> String {
    match next {
        // Browsers drop tabs and newlines from URLs, so "/\t/evil.example" would become
        // "//evil.example": refuse any control character or white space outright.
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(|c| c.is_control() || c.is_whitespace()) =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

pub async fn show(
    state: web::Data<AppState>,
    who: MaybePrincipal,
    csrf: CsrfToken,
    q: web::Query<NextQuery>,
) -> Result<HttpResponse, PageError> {
    let next = safe_next(q.next.as_deref());
    if who.0.is_some() {
        return Ok(see_other(&next));
    }
    render(&LoginPage {
        page: Page::new("Sign in", &state, None, &csrf),
        email: String::new(),
        next,
        error: None,
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub async fn submit(
    state: web::Data<AppState>,
    csrf: CsrfToken,
    ip: ClientIp,
    devices: DeviceTokens,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    let next = safe_next(form.next.as_deref());
    let (email, password) = (form.email.clone(), form.password);
    let clock = state.clock.clone();
    let policy = state.policy;
    let held = devices.0.clone();
    let result = state
        .db_with_hashing(move |conn| {
            let attempt = LoginAttempt {
                email: &email,
                password: &password,
                kind: SessionKind::Browser,
                ip: ip.ip.as_deref(),
                devices: &held,
            };
            login::login(conn, || clock.now(), &attempt, &policy)
        })
        .await;
    let (status, message) = match result {
        Ok(signed_in) => {
            let cookie_error = |e: actix_web::error::HttpError| {
                PageError(ServiceError::Unexpected(anyhow::anyhow!("cookie: {e}")))
            };
            let mut resp = see_other(&next);
            resp.add_cookie(&session_cookie(
                &signed_in.session.token,
                state.secure_cookies,
            ))
            .map_err(cookie_error)?;
            if let Some(token) = &signed_in.new_device {
                resp.add_cookie(&devices.with(token, state.secure_cookies))
                    .map_err(cookie_error)?;
            }
            return Ok(resp);
        }
        Err(ServiceError::BadCredentials) => (
            StatusCode::UNAUTHORIZED,
            "Wrong email or password.".to_owned(),
        ),
        Err(ServiceError::Locked {
            retry_after_secs,
            scope,
        }) => (
            StatusCode::TOO_MANY_REQUESTS,
            locked_message(scope, retry_after_secs),
        ),
        Err(other) => return Err(other.into()),
    };
    render_with(
        status,
        &LoginPage {
            page: Page::new("Sign in", &state, None, &csrf),
            email: form.email,
            next,
            error: Some(message),
        },
    )
}

pub async fn logout(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
) -> Result<HttpResponse, PageError> {
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    state
        .db(move |conn| sessions::logout(conn, now, &principal, &actor))
        .await?;
    let mut resp = see_other("/login");
    resp.add_removal_cookie(&session_cookie("", state.secure_cookies))
        .ok();
    Ok(resp)
}
