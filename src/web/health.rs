//! Probes for load balancers and monitoring.

use actix_web::{HttpResponse, web};
use serde_json::json;

use super::state::AppState;
use crate::db;

/// The process is up.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// The database answers.
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    match state.db(|conn| Ok(db::ping(conn)?)).await {
        Ok(()) => {
            let warnings = state.warnings();
            if warnings.is_empty() {
                HttpResponse::Ok().json(json!({ "status": "ready" }))
            } else {
                // Still ready: a warning is for the operator, not a reason to stop traffic.
                HttpResponse::Ok().json(json!({ "status": "ready", "warnings": warnings }))
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            HttpResponse::ServiceUnavailable().json(json!({ "status": "database unavailable" }))
        }
    }
}
