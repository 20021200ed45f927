//! FHIR R4 export (`crate::fhir`): a patient's record as a `collection` bundle and one
//! signed assessment as a `document` bundle, `application/fhir+json`, for practitioners
//! and admins, each download audited. The `Questionnaire` and `CodeSystem`s the
//! resources point to are public at their canonical URLs (`/fhir/...`): they hold no
//! patient data.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use serde_json::{Value, json};

use super::assessments::assessment_id;
use super::patients::patient_id;
use crate::fhir::{FHIR_JSON, FhirBase, OurCodeSystem, bundle, questionnaire};
use crate::services::fhir_export;
use crate::services::sessions::Principal;
use crate::web::api_error::ErrorBody;
use crate::web::error::ApiError;
use crate::web::extract::ClientIp;
use crate::web::state::AppState;

/// A FHIR R4 `Bundle` (see `docs/fhir.md` for what it holds).
#[derive(Serialize, utoipa::ToSchema)]
#[schema(title = "FhirBundle")]
pub struct FhirBundle {
    #[serde(rename = "resourceType")]
    resource_type: String,
    /// `collection` (a patient's record) or `document` (one signed assessment).
    #[serde(rename = "type")]
    kind: String,
    timestamp: String,
    #[schema(value_type = Vec<Object>)]
    entry: Vec<Value>,
}

pub(crate) fn base(state: &AppState) -> FhirBase {
    FhirBase::new(&state.mail.public_url)
}

fn fhir(body: &Value) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(FHIR_JSON)
        .body(body.to_string())
}

/// A patient's whole record as FHIR: the patient, every submitted pre-visit form,
/// every flag, every consent and every signed assessment (audited as
/// `record.exported`).
#[utoipa::path(
    get,
    path = "/api/v1/patients/{id}/fhir",
    tag = "fhir",
    params(("id" = String, Path, description = "The patient's id")),
    responses(
        (status = 200, description = "A FHIR R4 Bundle of type collection", body = FhirBundle, content_type = "application/fhir+json"),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "Practitioners and admins only", body = ErrorBody),
        (status = 404, description = "No such patient", body = ErrorBody),
    ),
)]
pub async fn patient_record(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = patient_id(&id)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let export = state
        .db(move |conn| fhir_export::patient_record(conn, now, &actor, &id))
        .await?;
    Ok(fhir(&bundle::collection(&base(&state), &export, now)))
}

/// One signed assessment as a FHIR document (audited as `assessment.exported`).
#[utoipa::path(
    get,
    path = "/api/v1/assessments/{id}/fhir",
    tag = "fhir",
    params(("id" = String, Path, description = "The assessment's id")),
    responses(
        (status = 200, description = "A FHIR R4 Bundle of type document, its Composition first", body = FhirBundle, content_type = "application/fhir+json"),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "Practitioners and admins only", body = ErrorBody),
        (status = 404, description = "No such assessment", body = ErrorBody),
        (status = 409, description = "A draft: only signed assessments are exported", body = ErrorBody),
    ),
)]
pub async fn signed_assessment(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let aid = assessment_id(&id)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let (record, export) = state
        .db(move |conn| fhir_export::signed_assessment(conn, now, &actor, &aid))
        .await?;
    let doc = bundle::document(&base(&state), &record, &export).ok_or(ApiError(
        crate::services::ServiceError::Conflict("Only a signed assessment is exported.".into()),
    ))?;
    Ok(fhir(&doc))
}

/// FHIR's way of saying "not found".
fn not_found(what: &str) -> HttpResponse {
    HttpResponse::NotFound().content_type(FHIR_JSON).body(
        json!({
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": "not-found", "diagnostics": what}],
        })
        .to_string(),
    )
}

/// `GET /fhir/Questionnaire/pre-visit`: the pre-visit form the responses answer.
pub async fn questionnaire(state: web::Data<AppState>, id: web::Path<String>) -> HttpResponse {
    if id.as_str() != questionnaire::QUESTIONNAIRE_ID {
        return not_found("No such Questionnaire.");
    }
    fhir(&questionnaire::questionnaire(&base(&state)))
}

/// `GET /fhir/CodeSystem/{name}`: one of our code systems.
pub async fn code_system(state: web::Data<AppState>, id: web::Path<String>) -> HttpResponse {
    match OurCodeSystem::parse(id.as_str()) {
        Some(cs) => fhir(&cs.resource(&base(&state))),
        None => not_found("No such CodeSystem."),
    }
}
