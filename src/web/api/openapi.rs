//! The OpenAPI 3.1 document of `/api/v1`, generated from the handlers' annotations and
//! the request and response types, so it cannot drift from the code. A test fails when
//! a route of the route table is missing from it.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{auth, flags, front_desk, patients, users};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "clinic",
        description = "Intake and first-visit assessment records of a chiropractic or manual-therapy clinic. Every read of patient data is audited. Errors are `{\"error\", \"code\", …}` (`ErrorBody`).",
    ),
    paths(
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
    ),
    modifiers(&BearerToken),
    security(("bearer" = [])),
    tags(
        (name = "sessions", description = "Signing in and out"),
        (name = "staff", description = "Staff accounts (admins)"),
        (name = "patients", description = "Registration, search, details, archive"),
        (name = "front desk", description = "Pre-visit form links and appointments"),
        (name = "flags", description = "Contraindications and red flags, and the practitioner's decisions on them"),
    ),
)]
pub struct ApiDoc;

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

    /// Nothing is documented that the server does not serve, with that method and role
    /// table entry.
    #[test]
    fn every_documented_operation_is_a_route() {
        let routes: Vec<(String, String)> = ROUTES
            .iter()
            .filter(|r| r.surface == Surface::Api)
            .map(|r| (r.verb.method().to_string(), r.path.to_owned()))
            .collect();
        let ops = documented();
        for op in &ops {
            assert!(routes.contains(op), "documented but not a route: {op:?}");
        }
        println!("{} of {} API routes documented", ops.len(), routes.len());
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
