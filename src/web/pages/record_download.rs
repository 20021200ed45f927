//! "Download record (FHIR)" on the patient page: the practitioner's (or admin's)
//! records-request button. The same collection bundle as `GET
//! /api/v1/patients/{id}/fhir`, with the browser session, saved as
//! `{chart number}-fhir.json`; audited as `record.exported`.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use crate::domain::PatientId;
use crate::fhir::{FHIR_JSON, bundle};
use crate::services::sessions::Principal;
use crate::services::{ServiceError, fhir_export};
use crate::web::api::fhir::base;
use crate::web::error::PageError;
use crate::web::extract::ClientIp;
use crate::web::state::AppState;

pub async fn download(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let pid = PatientId::parse(&id).ok_or(PageError(ServiceError::NotFound))?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let export = state
        .db(move |conn| fhir_export::patient_record(conn, now, &actor, &pid))
        .await?;
    let body = bundle::collection(&base(&state), &export, now).to_string();
    Ok(HttpResponse::Ok()
        .content_type(FHIR_JSON)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"{}-fhir.json\"",
                export.patient.chart_number
            ),
        ))
        .body(body))
}
