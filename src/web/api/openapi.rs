//! The OpenAPI 3.1 document of `/api/v1`, generated from the handlers' annotations and
//! the request and response types, so it cannot drift from the code. A test fails when
//! a route of the route table is missing from it.

use std::sync::LazyLock;

use actix_web::HttpResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{assessments, auth, carry_forward, fhir, flags, front_desk, intakes, patients, users};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "clinic",
        description = "Intake and first-visit assessment records of a chiropractic or manual-therapy clinic. Every read of patient data is audited. Errors are `{\"error\", \"code\", …}` (`ErrorBody`).",
    ),
    paths(
        document,
        auth::login,
        auth::logout,
        auth::me,
        users::list,
        users::create,
        users::unlock,
        patients::register,
        patients::search,
        patients::get,
        patients::update,
        patients::archive,
        front_desk::send_invitation,
        front_desk::resend_invitation,
        front_desk::revoke_invitation,
        front_desk::book,
        front_desk::day,
        front_desk::check_in,
        flags::list_for_patient,
        flags::add_manual,
        flags::acknowledge,
        flags::resolve,
        flags::refer,
        flags::narrow,
        flags::confirm,
        flags::dismiss,
        intakes::record_paper_intake,
        intakes::record_paper_consent,
        assessments::start,
        assessments::list_for_patient,
        assessments::get,
        assessments::update,
        assessments::sign,
        assessments::add_addendum,
        assessments::pin_history,
        assessments::all_normal,
        carry_forward::carry_forward,
        assessments::diagnosis_codes,
        fhir::patient_record,
        fhir::signed_assessment,
    ),
    modifiers(&BearerToken),
    security(("bearer" = [])),
    tags(
        (name = "contract", description = "This document"),
        (name = "sessions", description = "Signing in and out"),
        (name = "staff", description = "Staff accounts (admins)"),
        (name = "patients", description = "Registration, search, details, archive"),
        (name = "front desk", description = "Pre-visit form links and appointments"),
        (name = "intake", description = "Paper forms and consents entered by staff"),
        (name = "assessments", description = "First-visit assessments: charting, signing, addenda"),
        (name = "flags", description = "Contraindications and red flags, and the practitioner's decisions on them"),
        (name = "fhir", description = "FHIR R4 export of a patient's record and of signed assessments"),
    ),
)]
pub struct ApiDoc;

/// The document as served: built once (it only changes with the code).
static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
    ApiDoc::openapi().to_json().unwrap_or_else(|e| {
        format!("{{\"error\": \"the OpenAPI document could not be written: {e}\"}}")
    })
});

/// This document: the contract of `/api/v1`, OpenAPI 3.1.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "contract",
    responses((status = 200, description = "The OpenAPI document", body = Object)),
    security(()),
)]
pub async fn document() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(DOCUMENT.as_str())
}

/// Every operation takes `Authorization: Bearer <token>` unless it says otherwise.
struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::routes::{ROUTES, Surface};

    fn documented() -> Vec<(String, String)> {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let mut ops = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                ops.push((method.to_uppercase(), path.clone()));
            }
        }
        ops
    }

    /// The document and the route table hold the same operations: a route added without
    /// its annotation, or an annotation left after its route went, fails here.
    #[test]
    fn the_document_and_the_route_table_agree() {
        let mut routes: Vec<(String, String)> = ROUTES
            .iter()
            .filter(|r| r.surface == Surface::Api)
            .map(|r| (r.verb.method().to_string(), r.path.to_owned()))
            .collect();
        let mut ops = documented();
        routes.sort();
        ops.sort();
        let missing: Vec<_> = routes.iter().filter(|r| !ops.contains(r)).collect();
        let extra: Vec<_> = ops.iter().filter(|o| !routes.contains(o)).collect();
        assert!(
            missing.is_empty(),
            "routes missing from the OpenAPI document: {missing:?}"
        );
        assert!(extra.is_empty(), "documented but not routes: {extra:?}");
        println!("{} API operations, all documented", ops.len());
    }

    #[test]
    #[ignore = "prints the document"]
    fn print_the_document() {
        println!("{}", ApiDoc::openapi().to_pretty_json().unwrap());
    }

    #[test]
    fn the_document_is_openapi_3_1_with_the_bearer_scheme() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        assert!(
            doc["openapi"].as_str().unwrap().starts_with("3.1"),
            "{}",
            doc["openapi"]
        );
        assert_eq!(
            doc["components"]["securitySchemes"]["bearer"]["scheme"],
            "bearer"
        );
        let code = &doc["components"]["schemas"]["ErrorCode"]["enum"];
        assert!(
            code.as_array()
                .unwrap()
                .iter()
                .any(|c| c == "stale_version"),
            "{code}"
        );
        // Signing in needs no token.
        assert_eq!(
            doc["paths"]["/api/v1/auth/login"]["post"]["security"],
            serde_json::json!([{}])
        );
    }
}
