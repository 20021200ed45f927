//! Request bodies read strictly. An action whose fields are all optional (sign,
//! archive, send an invitation, acknowledge a flag) may be sent with no body at all;
//! any body that is sent is read as exactly its fields. `Option<web::Json<T>>` read a
//! malformed body as no body, and the wider or opposite action ran: `{"version":"2"}`
//! signed without the version check, `{"archived":"false"}` archived.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::domain::FieldErrors;
use crate::web::api_error::{ErrorCode, json_error};
use crate::web::error::ApiError;

/// A body type that names its fields, so that an unknown one is refused by name.
pub trait BodyFields: DeserializeOwned + Default {
    const FIELDS: &'static [&'static str];
}

/// An action that takes no fields: no body at all, or `{}`.
#[derive(serde::Deserialize, Default, utoipa::ToSchema)]
pub struct NoFields {}

impl BodyFields for NoFields {
    const FIELDS: &'static [&'static str] = &[];
}

/// Reads a JSON value as `T`: an object holding only `fields`, each of its type.
/// Errors name the field (`{"errors": {"version": "..."}}`, a 422).
pub fn strict<T: DeserializeOwned>(body: Value, fields: &[&str]) -> Result<T, FieldErrors> {
    let Value::Object(obj) = &body else {
        return Err(FieldErrors::single("body", "Send a JSON object."));
    };
    let mut e = FieldErrors::new();
    for k in obj.keys().filter(|k| !fields.contains(&k.as_str())) {
        e.add(k, "Unknown field.");
    }
    e.into_result()?;
    typed(body)
}

/// Reads a JSON value as `T` (which should `deny_unknown_fields`), naming the field a
/// wrong value or an unknown key is at (`medications[0].nmae`).
pub fn typed<T: DeserializeOwned>(body: Value) -> Result<T, FieldErrors> {
    serde_path_to_error::deserialize(body).map_err(|err| {
        let at = err.path().to_string();
        let inner = err.inner().to_string();
        // serde names an unknown key only in its message: "unknown field `x`, expected …".
        let unknown = inner
            .strip_prefix("unknown field `")
            .and_then(|rest| rest.split('`').next());
        let field = match (at.as_str(), unknown) {
            (".", Some(key)) => key.to_owned(),
            (".", None) => "body".to_owned(),
            (path, Some(key)) if !path.ends_with(key) => format!("{path}.{key}"),
            (path, _) => path.to_owned(),
        };
        match unknown {
            Some(_) => FieldErrors::single(&field, "Unknown field."),
            None => FieldErrors::single(&field, format!("Not a valid value here: {inner}.")),
        }
    })
}

/// `T`'s defaults when the request has no body (or only white space); otherwise the
/// body, which must be JSON (`Content-Type: application/json`) and hold only `T`'s
/// fields with their types: 415, 400 or 422 otherwise, never the defaults.
pub struct OptionalBody<T>(pub T);

/// A body that is not JSON at all: 400 or 415, as `web::Json` answers.
#[derive(Debug)]
struct Unreadable {
    status: StatusCode,
    message: String,
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl ResponseError for Unreadable {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let code = if self.status == StatusCode::UNSUPPORTED_MEDIA_TYPE {
            ErrorCode::UnsupportedMediaType
        } else {
            ErrorCode::MalformedBody
        };
        json_error(self.status, code, &self.message)
    }
}

/// `application/json` or a `+json` type, parameters aside.
fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .is_some_and(|t| {
            t == "application/json" || (t.starts_with("application/") && t.ends_with("+json"))
        })
}

impl<T: BodyFields + 'static> FromRequest for OptionalBody<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let bytes = web::Bytes::from_request(req, payload);
        let json_type = is_json(req);
        Box::pin(async move {
            let refused = |status, message: String| Unreadable { status, message };
            let bytes = bytes.await.map_err(|_| {
                refused(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "The request body is larger than 64 KiB.".into(),
                )
            })?;
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Ok(OptionalBody(T::default()));
            }
            if !json_type {
                return Err(refused(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "Send the body as JSON with Content-Type: application/json.".into(),
                )
                .into());
            }
            let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
                refused(
                    StatusCode::BAD_REQUEST,
                    format!("The body is not valid JSON for this request: {e}"),
                )
            })?;
            strict(value, T::FIELDS)
                .map(OptionalBody)
                .map_err(|e| ApiError::from(e).into())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Default, Debug, PartialEq)]
    struct Sign {
        version: Option<i32>,
    }

    #[test]
    fn a_body_is_its_fields_or_an_error() {
        let ok = |v: Value| strict::<Sign>(v, &["version"]);
        assert_eq!(
            ok(serde_json::json!({"version": 3})).ok(),
            Some(Sign { version: Some(3) })
        );
        assert_eq!(ok(serde_json::json!({})).ok(), Some(Sign { version: None }));
        for (bad, field) in [
            (serde_json::json!({"version": "3"}), "version"),
            (serde_json::json!({"version": [3]}), "version"),
            (serde_json::json!({"versoin": 3}), "versoin"),
            (serde_json::json!([3]), "body"),
            (serde_json::json!("3"), "body"),
        ] {
            let e = ok(bad.clone()).expect_err("refused");
            assert!(e.get(field).is_some(), "{bad}: {e:?}");
        }
    }
}
