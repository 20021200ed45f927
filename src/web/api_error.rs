//! The JSON error body every `/api/v1` answer uses: a message for people, a stable
//! machine-readable `code` beside it, and the details that error has.
//! `{"error": "...", "code": "stale_version", "errors": {...}, "current_version": 4}`.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use serde::Serialize;

use crate::domain::FieldErrors;

/// What went wrong, for programs: stable, snake_case, one per kind of answer. The
/// message beside it is for people and may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Fields need attention: `errors` names each.
    InvalidInput,
    /// The body is not JSON, or not JSON of this request's shape.
    MalformedBody,
    BodyTooLarge,
    UnsupportedMediaType,
    /// No bearer token, or one that is not (or no longer) a session.
    Unauthenticated,
    BadCredentials,
    /// Sign-in is locked or slowed; `Retry-After` says for how long.
    Locked,
    /// The caller's role does not allow this.
    Forbidden,
    NotFound,
    MethodNotAllowed,
    /// A link or record that no longer works (spent, expired, revoked).
    Gone,
    /// Every session of the account was ended.
    SessionEnded,
    Conflict,
    /// Someone saved a newer version first: `current_version`.
    StaleVersion,
    /// A patient with the same name and birth date exists: `duplicates`.
    PossibleDuplicate,
    /// The patient has an open draft assessment: `draft_id`.
    DraftOpen,
    /// The plan conflicts with a flag: `errors`, `conflicts`.
    PlanRefused,
    /// The assessment cannot be signed yet: `reasons`.
    SignRefused,
    /// The database did not answer; try again shortly.
    Unavailable,
    /// Our fault; nothing is said about it beyond this.
    Internal,
}

/// The body of every JSON error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// For people: what happened and what to do.
    pub error: String,
    pub code: ErrorCode,
    /// One message per field path (`rom[0].degrees`, `plan.weeks`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<std::collections::BTreeMap<String, String>>)]
    pub errors: Option<FieldErrors>,
    /// A refused plan: each conflict between an intervention and a flag.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub conflicts: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasons: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub draft_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub draft_visit_date: Option<String>,
    /// Patients already registered with the same name and birth date.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub duplicates: Option<serde_json::Value>,
    /// What to send to go ahead anyway, where there is such a thing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl ErrorBody {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ErrorBody {
            error: message.into(),
            code,
            errors: None,
            conflicts: None,
            reasons: None,
            current_version: None,
            draft_id: None,
            draft_visit_date: None,
            duplicates: None,
            hint: None,
        }
    }

    /// The whole answer, with `status`.
    pub fn respond(&self, status: StatusCode) -> HttpResponse {
        HttpResponse::build(status).json(self)
    }
}

/// A bare error answer: status, code, message.
pub fn json_error(status: StatusCode, code: ErrorCode, message: &str) -> HttpResponse {
    ErrorBody::new(code, message).respond(status)
}
