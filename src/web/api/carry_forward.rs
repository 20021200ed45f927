//! `POST /api/v1/assessments/{id}/carry-forward`: a draft starts from the patient's
//! previous signed assessment, `{"from"?, "sections": [...], "overwrite"?, "version"?}`.
//! The body is read strictly: a malformed body, an unknown key or section is a 422
//! naming the field, never ignored.

use actix_web::{HttpResponse, web};
use serde_json::Value;

use super::assessments::{AssessmentJson, assessment_id, object_body, only_keys, record_json};
use crate::domain::assessment::Section;
use crate::domain::{AssessmentId, FieldErrors};
use crate::services::assessments::{self, CarryRequest};
use crate::services::sessions::Principal;
use crate::web::api_error::ErrorBody;
use crate::web::error::ApiError;
use crate::web::extract::ClientIp;
use crate::web::state::AppState;

/// The request as the service takes it; every field's mistake is reported at once.
pub fn parse_carry(body: &serde_json::Map<String, Value>) -> Result<CarryRequest, FieldErrors> {
    only_keys(body, &["from", "sections", "overwrite", "version"])?;
    let mut e = FieldErrors::new();
    let from = match body.get("from") {
        None | Some(Value::Null) => None,
        Some(v) => {
            let id = v.as_str().and_then(AssessmentId::parse);
            if id.is_none() {
                e.add(
                    "from",
                    "Give the id of a signed assessment of this patient.",
                );
            }
            id
        }
    };
    let mut sections = Vec::new();
    match body.get("sections") {
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                match item.as_str().and_then(Section::parse) {
                    Some(s) => sections.push(s),
                    None => e.add(
                        &format!("sections[{i}]"),
                        "Unknown section: use posture, rom or palpation.",
                    ),
                }
            }
        }
        _ => e.add(
            "sections",
            "Send a list of sections to carry forward: posture, rom, palpation.",
        ),
    }
    let overwrite = match body.get("overwrite") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            e.add("overwrite", "Send true or false.");
            false
        }
    };
    let version = match body.get("version") {
        None | Some(Value::Null) => None,
        Some(v) => {
            let n = v.as_i64().and_then(|n| i32::try_from(n).ok());
            if n.is_none() {
                e.add("version", "Send the version you last read.");
            }
            n
        }
    };
    e.into_result()?;
    Ok(CarryRequest {
        from,
        sections,
        overwrite,
        version,
    })
}

/// What to carry from the previous signed assessment.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // Documents the body, which is read key by key.
pub struct CarryBody {
    /// A signed assessment of this patient; the latest when absent.
    from: Option<String>,
    /// `posture`, `rom`, `palpation`.
    sections: Vec<String>,
    /// Replace findings already recorded in the draft.
    overwrite: Option<bool>,
    version: Option<i32>,
}

/// Starts a draft's sections from the patient's previous signed assessment (the
/// findings carried are marked with their source).
#[utoipa::path(
    post,
    path = "/api/v1/assessments/{id}/carry-forward",
    tag = "assessments",
    params(("id" = String, Path, description = "The assessment's id")),
    request_body = CarryBody,
    responses(
        (status = 200, description = "The record", body = AssessmentJson),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "Practitioners only (the record's own)", body = ErrorBody),
        (status = 404, description = "No such assessment", body = ErrorBody),
        (status = 409, description = "Signed, findings already recorded, or stale version", body = ErrorBody),
        (status = 422, description = "Fields need attention", body = ErrorBody),
    ),
)]
pub async fn carry_forward(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    raw: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let aid = assessment_id(&id)?;
    let body = object_body(&raw)?;
    let req = parse_carry(&body)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let record = state
        .db(move |conn| assessments::carry_forward(conn, now, &actor, &aid, req))
        .await?;
    Ok(HttpResponse::Ok().json(record_json(record, &principal)))
}
