//! Errors as responses. API handlers return [`ApiError`] (JSON
//! `{"error": "...", "errors": {"field": "..."}}`); page handlers return [`PageError`]
//! (a friendly HTML page). Unexpected errors are logged with their cause chain and
//! answered with a generic message: no SQL, stack traces or tokens leave the server.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentType};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use crate::domain::FieldErrors;
use crate::services::ServiceError;
use crate::services::login::LockScope;
use crate::web::api_error::{ErrorBody, ErrorCode, json_error};

fn status_of(e: &ServiceError) -> StatusCode {
    match e {
        ServiceError::Invalid(_) | ServiceError::PlanRefused(_) => StatusCode::UNPROCESSABLE_ENTITY,
        ServiceError::NotFound => StatusCode::NOT_FOUND,
        ServiceError::Forbidden => StatusCode::FORBIDDEN,
        ServiceError::BadCredentials | ServiceError::SessionEnded => StatusCode::UNAUTHORIZED,
        ServiceError::Locked { .. } => StatusCode::TOO_MANY_REQUESTS,
        ServiceError::Gone => StatusCode::GONE,
        ServiceError::Conflict(_)
        | ServiceError::StaleVersion { .. }
        | ServiceError::PossibleDuplicate(_)
        | ServiceError::DraftOpen { .. }
        | ServiceError::SignRefused(_) => StatusCode::CONFLICT,
        ServiceError::Database(_) | ServiceError::Unexpected(_) => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}

fn message_of(e: &ServiceError) -> String {
    match e {
        ServiceError::Invalid(_) => "Some fields need attention.".into(),
        ServiceError::PlanRefused(_) => {
            "The treatment plan conflicts with the patient's flags. Nothing was saved.".into()
        }
        ServiceError::SignRefused(reasons) => format!("Cannot sign yet: {}", reasons.join(" ")),
        ServiceError::NotFound => "Not found.".into(),
        ServiceError::Forbidden => "Your role does not allow this.".into(),
        ServiceError::BadCredentials => "Wrong email or password.".into(),
        ServiceError::Locked {
            retry_after_secs,
            scope,
        } => locked_message(*scope, *retry_after_secs),
        ServiceError::Gone => "This link is no longer valid. Ask for a new one.".into(),
        ServiceError::SessionEnded => {
            "That was the wrong current password too many times: you have been signed out everywhere. Sign in again.".into()
        }
        ServiceError::Conflict(m) => m.clone(),
        ServiceError::StaleVersion { .. } => {
            "Someone else saved this record after you opened it. Nothing was saved: reload it, then make your change again.".into()
        }
        ServiceError::PossibleDuplicate(_) => {
            "A patient with the same name and date of birth is already registered.".into()
        }
        ServiceError::DraftOpen { visit_date, .. } => format!(
            "This patient has a draft first-visit assessment (visit of {visit_date}): continue it, or say this is a new visit."
        ),
        ServiceError::Database(_) | ServiceError::Unexpected(_) => {
            "Something went wrong on our side. Nothing was saved; please try again.".into()
        }
    }
}

fn log_if_unexpected(e: &ServiceError) {
    match e {
        ServiceError::Database(cause) => tracing::error!(error = %cause, "database error"),
        ServiceError::Unexpected(cause) => {
            tracing::error!(error = format!("{cause:#}"), "unexpected error")
        }
        _ => {}
    }
}

/// What a locked sign-in is told: which lock holds it, and for how long.
pub fn locked_message(scope: LockScope, retry_after_secs: i64) -> String {
    // An address waits seconds; an account or a device waits minutes (said in whole
    // minutes, rounded up, so "1 minute" stays "1 minute" while it runs down).
    let wait = if scope == LockScope::Address && retry_after_secs < 60 {
        format!("{retry_after_secs} second(s)")
    } else {
        format!("{} minute(s)", (retry_after_secs + 59) / 60)
    };
    match scope {
        LockScope::Account => format!(
            "Too many failed attempts. Sign-in is paused for this account on devices that have not signed in to it before; try again in {wait}, or ask an administrator to unlock it."
        ),
        LockScope::Address => format!(
            "Too many failed sign-ins from this network. Sign-in here is slowed down; try again in {wait}."
        ),
        LockScope::Device => format!(
            "Too many failed attempts from this device. Sign-in is paused here; try again in {wait}, or ask an administrator to unlock the account."
        ),
    }
}

fn retry_after(e: &ServiceError) -> Option<i64> {
    match e {
        ServiceError::Locked {
            retry_after_secs, ..
        } => Some(*retry_after_secs),
        _ => None,
    }
}

/// A JSON error answer.
#[derive(Debug)]
pub struct ApiError(pub ServiceError);

impl ApiError {
    pub fn bad_request(message: &str) -> HttpResponse {
        json_error(StatusCode::BAD_REQUEST, ErrorCode::MalformedBody, message)
    }
}

fn code_of(e: &ServiceError) -> ErrorCode {
    match e {
        ServiceError::Invalid(_) => ErrorCode::InvalidInput,
        ServiceError::NotFound => ErrorCode::NotFound,
        ServiceError::Forbidden => ErrorCode::Forbidden,
        ServiceError::BadCredentials => ErrorCode::BadCredentials,
        ServiceError::Locked { .. } => ErrorCode::Locked,
        ServiceError::Gone => ErrorCode::Gone,
        ServiceError::SessionEnded => ErrorCode::SessionEnded,
        ServiceError::Conflict(_) => ErrorCode::Conflict,
        ServiceError::StaleVersion { .. } => ErrorCode::StaleVersion,
        ServiceError::PossibleDuplicate(_) => ErrorCode::PossibleDuplicate,
        ServiceError::DraftOpen { .. } => ErrorCode::DraftOpen,
        ServiceError::PlanRefused(_) => ErrorCode::PlanRefused,
        ServiceError::SignRefused(_) => ErrorCode::SignRefused,
        ServiceError::Database(_) | ServiceError::Unexpected(_) => ErrorCode::Internal,
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        ApiError(e)
    }
}

impl From<FieldErrors> for ApiError {
    fn from(e: FieldErrors) -> Self {
        ApiError(ServiceError::Invalid(e))
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&message_of(&self.0))
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        status_of(&self.0)
    }

    fn error_response(&self) -> HttpResponse {
        log_if_unexpected(&self.0);
        let mut r = HttpResponse::build(self.status_code());
        if let Some(secs) = retry_after(&self.0) {
            r.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        let mut body = ErrorBody::new(code_of(&self.0), message_of(&self.0));
        match &self.0 {
            ServiceError::Invalid(errors) => body.errors = Some(errors.clone()),
            ServiceError::PlanRefused(refusal) => {
                body.errors = Some(refusal.errors.clone());
                body.conflicts = serde_json::to_value(&refusal.conflicts).ok();
            }
            ServiceError::SignRefused(reasons) => {
                body.error = "Cannot sign yet.".into();
                body.reasons = Some(reasons.clone());
            }
            ServiceError::StaleVersion { current } => body.current_version = Some(*current),
            ServiceError::DraftOpen { id, visit_date } => {
                body.draft_id = Some(id.clone());
                body.draft_visit_date = Some(visit_date.to_string());
                body.hint =
                    Some("Send \"new_visit\": true to start another assessment anyway.".into());
            }
            ServiceError::PossibleDuplicate(matches) => {
                body.duplicates = serde_json::to_value(matches).ok();
                body.hint = Some("Send \"allow_duplicate\": true to register anyway.".into());
            }
            _ => {}
        }
        r.json(body)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
}

/// An HTML error page.
#[derive(Debug)]
pub struct PageError(pub ServiceError);

impl From<ServiceError> for PageError {
    fn from(e: ServiceError) -> Self {
        PageError(e)
    }
}

impl From<askama::Error> for PageError {
    fn from(e: askama::Error) -> Self {
        PageError(ServiceError::Unexpected(e.into()))
    }
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&message_of(&self.0))
    }
}

/// Renders the error page for a status and message; used by the access layer too.
pub fn error_page(status: StatusCode, title: &str, message: &str) -> HttpResponse {
    let body = ErrorPage { title, message }.render().unwrap_or_else(|_| {
        format!(
            "<!doctype html><title>{}</title><p>{}</p>",
            status.as_u16(),
            status.as_str()
        )
    });
    HttpResponse::build(status)
        .content_type(ContentType::html())
        .body(body)
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        status_of(&self.0)
    }

    fn error_response(&self) -> HttpResponse {
        log_if_unexpected(&self.0);
        let status = self.status_code();
        let title = match status {
            StatusCode::NOT_FOUND => "Not found",
            StatusCode::FORBIDDEN => "Not allowed",
            StatusCode::GONE => "Link no longer valid",
            StatusCode::TOO_MANY_REQUESTS => "Please wait",
            StatusCode::CONFLICT => "Cannot do that now",
            StatusCode::UNPROCESSABLE_ENTITY => "Please check the form",
            _ => "Something went wrong",
        };
        let mut resp = error_page(status, title, &message_of(&self.0));
        if let Some(v) =
            retry_after(&self.0).and_then(|s| header::HeaderValue::from_str(&s.to_string()).ok())
        {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        resp
    }
}
