//! The route table: every route, the surface it belongs to and the roles that may call
//! it. The app is built from this table and [`super::access`] enforces it, so a route
//! cannot exist without an access rule. The authorization-matrix test walks this table
//! and fails on any route it has no expectation for.

use actix_web::{Route, web};

use super::{api, assets, health, pages};
use crate::domain::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Get,
    Post,
    Put,
    Delete,
}

impl Verb {
    pub fn method(self) -> actix_web::http::Method {
        use actix_web::http::Method;
        match self {
            Verb::Get => Method::GET,
            Verb::Post => Method::POST,
            Verb::Put => Method::PUT,
            Verb::Delete => Method::DELETE,
        }
    }

    pub fn is_safe(self) -> bool {
        matches!(self, Verb::Get)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "GET",
            Verb::Post => "POST",
            Verb::Put => "PUT",
            Verb::Delete => "DELETE",
        }
    }
}

/// Who gets in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (sign-in, links from emails, probes, assets).
    Public,
    /// Signed-in staff with one of these roles.
    Staff(&'static [Role]),
}

/// How a route answers, and how it authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    /// HTML for browsers: session cookie, CSRF token and Origin check on every POST.
    Page,
    /// JSON under /api/v1: bearer tokens only (cookies are ignored, so no CSRF).
    Api,
    /// Probes and static assets: no session at all.
    Infra,
}

pub struct RouteSpec {
    pub verb: Verb,
    pub path: &'static str,
    pub surface: Surface,
    pub access: Access,
    handler: fn() -> Route,
}

pub const ALL_STAFF: &[Role] = &[Role::Admin, Role::Practitioner, Role::FrontDesk];
pub const ADMIN: &[Role] = &[Role::Admin];
/// Archiving a patient is a front-desk (or admin) decision.
pub const DESK: &[Role] = &[Role::Admin, Role::FrontDesk];
/// Clinical decisions on flags are the practitioner's.
pub const PRACTITIONER: &[Role] = &[Role::Practitioner];
/// Exam records: practitioners chart them, an admin reads them for audit; the front
/// desk never sees exam notes.
pub const CLINICAL_READ: &[Role] = &[Role::Practitioner, Role::Admin];

macro_rules! route {
    ($verb:ident $path:literal, $surface:ident, $access:expr, $handler:path) => {
        RouteSpec {
            verb: Verb::$verb,
            path: $path,
            surface: Surface::$surface,
            access: $access,
            handler: || web::route().to($handler),
        }
    };
}

use Access::{Public, Staff};

pub static ROUTES: &[RouteSpec] = &[
    // Probes and assets.
    route!(Get "/healthz", Infra, Public, health::healthz),
    route!(Get "/readyz", Infra, Public, health::readyz),
    route!(Get "/static/app.css", Infra, Public, assets::stylesheet),
    route!(Get "/static/intake.js", Infra, Public, assets::intake_script),
    route!(Get "/static/intake_form.js", Infra, Public, assets::intake_form_script),
    route!(Get "/static/booking.js", Infra, Public, assets::booking_script),
    route!(Get "/static/workspace.js", Infra, Public, assets::workspace_script),
    route!(Get "/static/palpation.js", Infra, Public, assets::palpation_script),
    route!(Get "/static/plan.js", Infra, Public, assets::plan_script),
    route!(Get "/static/print.css", Infra, Public, assets::print_stylesheet),
    route!(Get "/static/print.js", Infra, Public, assets::print_script),
    // FHIR conformance resources at their canonical URLs (no patient data).
    route!(Get "/fhir/Questionnaire/{id}", Infra, Public, api::fhir::questionnaire),
    route!(Get "/fhir/CodeSystem/{id}", Infra, Public, api::fhir::code_system),
    // The patient's pre-visit form: the token in the link is the only key.
    route!(Get "/intake/{token}", Page, Public, pages::intake_form::show),
    route!(Post "/intake/{token}", Page, Public, pages::intake_form::save),
    // Signing in and out, first run, password reset links.
    route!(Get "/login", Page, Public, pages::login::show),
    route!(Post "/login", Page, Public, pages::login::submit),
    route!(Post "/logout", Page, Staff(ALL_STAFF), pages::login::logout),
    route!(Get "/setup/{token}", Page, Public, pages::setup::show),
    route!(Post "/setup/{token}", Page, Public, pages::setup::submit),
    route!(Get "/password-reset/{token}", Page, Public, pages::password_reset::show),
    route!(Post "/password-reset/{token}", Page, Public, pages::password_reset::submit),
    // Every signed-in user.
    route!(Get "/", Page, Staff(ALL_STAFF), pages::home::show),
    route!(Get "/account/password", Page, Staff(ALL_STAFF), pages::account::show_password),
    route!(Post "/account/password", Page, Staff(ALL_STAFF), pages::account::change_password),
    // Patients.
    route!(Get "/patients", Page, Staff(ALL_STAFF), pages::patients::search),
    route!(Get "/patients/new", Page, Staff(ALL_STAFF), pages::patients::new_form),
    route!(Post "/patients", Page, Staff(ALL_STAFF), pages::patients::register),
    route!(Get "/patients/{id}", Page, Staff(ALL_STAFF), pages::patients::show),
    route!(Get "/patients/{id}/edit", Page, Staff(ALL_STAFF), pages::patients::edit_form),
    route!(Post "/patients/{id}", Page, Staff(ALL_STAFF), pages::patients::update),
    route!(Post "/patients/{id}/archive", Page, Staff(DESK), pages::patients::archive),
    route!(Post "/patients/{id}/restore", Page, Staff(DESK), pages::patients::restore),
    route!(Get "/patients/{id}/appointments/new", Page, Staff(ALL_STAFF), pages::front_desk::new_booking),
    route!(Post "/patients/{id}/appointments", Page, Staff(ALL_STAFF), pages::front_desk::book),
    route!(Post "/patients/{id}/intake-invitations", Page, Staff(ALL_STAFF), pages::front_desk::send_invitation),
    route!(Post "/patients/{id}/paper-intake", Page, Staff(ALL_STAFF), pages::front_desk::start_paper_entry),
    route!(Post "/intake-invitations/{id}/resend", Page, Staff(ALL_STAFF), pages::front_desk::resend_invitation),
    route!(Post "/intake-invitations/{id}/revoke", Page, Staff(ALL_STAFF), pages::front_desk::revoke_invitation),
    route!(Get "/day", Page, Staff(ALL_STAFF), pages::front_desk::day),
    route!(Post "/appointments/{id}/check-in", Page, Staff(ALL_STAFF), pages::front_desk::check_in),
    route!(Post "/appointments/{id}/cancel", Page, Staff(ALL_STAFF), pages::front_desk::cancel),
    route!(Post "/appointments/{id}/no-show", Page, Staff(ALL_STAFF), pages::front_desk::no_show),
    route!(Post "/appointments/{id}/undo-check-in", Page, Staff(ALL_STAFF), pages::front_desk::undo_check_in),
    // The first-visit assessment (practitioners chart; an admin reads for audit).
    route!(Post "/patients/{id}/assessments", Page, Staff(PRACTITIONER), pages::assessment::handlers::start),
    route!(Get "/patients/{id}/assessments/{aid}", Page, Staff(CLINICAL_READ), pages::assessment::handlers::workspace),
    route!(Post "/assessments/{id}/sections/{section}", Page, Staff(PRACTITIONER), pages::assessment::handlers::save_section),
    route!(Post "/assessments/{id}/all-normal/{section}", Page, Staff(PRACTITIONER), pages::assessment::handlers::all_normal),
    route!(Post "/assessments/{id}/sign", Page, Staff(PRACTITIONER), pages::assessment::handlers::sign),
    route!(Post "/assessments/{id}/addenda", Page, Staff(PRACTITIONER), pages::assessment::handlers::add_addendum),
    route!(Post "/assessments/{id}/history-source", Page, Staff(PRACTITIONER), pages::assessment::handlers::pin_history),
    route!(Post "/assessments/{id}/carry-forward", Page, Staff(PRACTITIONER), pages::assessment::carry_forward::carry_forward),
    route!(Post "/assessments/{id}/carried/{section}/keep", Page, Staff(PRACTITIONER), pages::assessment::carry_forward::keep),
    route!(Get "/assessments/{id}", Page, Staff(CLINICAL_READ), pages::assessment::handlers::locate),
    route!(Get "/assessments/{id}/print", Page, Staff(CLINICAL_READ), pages::assessment::summary::show),
    // A practitioner's decisions on a flag, from the flag banner.
    route!(Post "/flags/{id}/acknowledge", Page, Staff(PRACTITIONER), pages::flags::acknowledge_flag),
    route!(Post "/flags/{id}/resolve", Page, Staff(PRACTITIONER), pages::flags::resolve_flag),
    route!(Post "/flags/{id}/refer", Page, Staff(PRACTITIONER), pages::flags::refer_flag),
    route!(Post "/flags/{id}/narrow", Page, Staff(PRACTITIONER), pages::flags::narrow_flag),
    route!(Post "/flags/{id}/confirm", Page, Staff(PRACTITIONER), pages::flags::confirm_flag),
    route!(Post "/flags/{id}/dismiss", Page, Staff(PRACTITIONER), pages::flags::dismiss_flag),
    // The letter that goes with a referral (a practitioner prints it; an admin reads it for audit).
    route!(Get "/patients/{id}/referral-letter", Page, Staff(CLINICAL_READ), pages::referral_letter::show),
    // The patient's record as FHIR, for a records request (practitioners and admins).
    route!(Get "/patients/{id}/fhir", Page, Staff(CLINICAL_READ), pages::record_download::download),
    // Administration.
    route!(Get "/admin/users", Page, Staff(ADMIN), pages::admin_users::list),
    route!(Get "/admin/users/new", Page, Staff(ADMIN), pages::admin_users::new_form),
    route!(Post "/admin/users", Page, Staff(ADMIN), pages::admin_users::create),
    route!(Post "/admin/users/{id}/disable", Page, Staff(ADMIN), pages::admin_users::disable),
    route!(Post "/admin/users/{id}/enable", Page, Staff(ADMIN), pages::admin_users::enable),
    route!(Post "/admin/users/{id}/password-reset", Page, Staff(ADMIN), pages::admin_users::send_reset),
    route!(Post "/admin/users/{id}/unlock", Page, Staff(ADMIN), pages::admin_users::unlock),
    route!(Get "/admin/audit", Page, Staff(ADMIN), pages::audit_log::show),
    route!(Get "/admin/mail", Page, Staff(ADMIN), pages::admin_mail::show),
    // JSON API.
    route!(Get "/api/v1/openapi.json", Api, Public, api::openapi::document),
    route!(Post "/api/v1/auth/login", Api, Public, api::auth::login),
    route!(Post "/api/v1/auth/logout", Api, Staff(ALL_STAFF), api::auth::logout),
    route!(Get "/api/v1/me", Api, Staff(ALL_STAFF), api::auth::me),
    route!(Get "/api/v1/users", Api, Staff(ADMIN), api::users::list),
    route!(Post "/api/v1/users", Api, Staff(ADMIN), api::users::create),
    route!(Post "/api/v1/users/{id}/unlock", Api, Staff(ADMIN), api::users::unlock),
    route!(Post "/api/v1/patients", Api, Staff(ALL_STAFF), api::patients::register),
    route!(Get "/api/v1/patients", Api, Staff(ALL_STAFF), api::patients::search),
    route!(Get "/api/v1/patients/{id}", Api, Staff(ALL_STAFF), api::patients::get),
    route!(Put "/api/v1/patients/{id}", Api, Staff(ALL_STAFF), api::patients::update),
    route!(Post "/api/v1/patients/{id}/archive", Api, Staff(DESK), api::patients::archive),
    route!(Post "/api/v1/patients/{id}/intakes", Api, Staff(ALL_STAFF), api::intakes::record_paper_intake),
    route!(Post "/api/v1/patients/{id}/consents", Api, Staff(ALL_STAFF), api::intakes::record_paper_consent),
    route!(Get "/api/v1/patients/{id}/flags", Api, Staff(ALL_STAFF), api::flags::list_for_patient),
    route!(Post "/api/v1/patients/{id}/flags", Api, Staff(PRACTITIONER), api::flags::add_manual),
    route!(Post "/api/v1/flags/{id}/acknowledge", Api, Staff(PRACTITIONER), api::flags::acknowledge),
    route!(Post "/api/v1/flags/{id}/resolve", Api, Staff(PRACTITIONER), api::flags::resolve),
    route!(Post "/api/v1/flags/{id}/refer", Api, Staff(PRACTITIONER), api::flags::refer),
    route!(Post "/api/v1/flags/{id}/narrow", Api, Staff(PRACTITIONER), api::flags::narrow),
    route!(Post "/api/v1/flags/{id}/confirm", Api, Staff(PRACTITIONER), api::flags::confirm),
    route!(Post "/api/v1/flags/{id}/dismiss", Api, Staff(PRACTITIONER), api::flags::dismiss),
    route!(Post "/api/v1/patients/{id}/intake-invitations", Api, Staff(ALL_STAFF), api::front_desk::send_invitation),
    route!(Post "/api/v1/intake-invitations/{id}/resend", Api, Staff(ALL_STAFF), api::front_desk::resend_invitation),
    route!(Delete "/api/v1/intake-invitations/{id}", Api, Staff(ALL_STAFF), api::front_desk::revoke_invitation),
    route!(Post "/api/v1/patients/{id}/appointments", Api, Staff(ALL_STAFF), api::front_desk::book),
    route!(Get "/api/v1/appointments", Api, Staff(ALL_STAFF), api::front_desk::day),
    route!(Post "/api/v1/appointments/{id}/check-in", Api, Staff(ALL_STAFF), api::front_desk::check_in),
    route!(Post "/api/v1/patients/{id}/assessments", Api, Staff(PRACTITIONER), api::assessments::start),
    route!(Get "/api/v1/patients/{id}/assessments", Api, Staff(CLINICAL_READ), api::assessments::list_for_patient),
    route!(Get "/api/v1/assessments/{id}", Api, Staff(CLINICAL_READ), api::assessments::get),
    route!(Put "/api/v1/assessments/{id}", Api, Staff(PRACTITIONER), api::assessments::update),
    route!(Post "/api/v1/assessments/{id}/sign", Api, Staff(PRACTITIONER), api::assessments::sign),
    route!(Post "/api/v1/assessments/{id}/addenda", Api, Staff(PRACTITIONER), api::assessments::add_addendum),
    route!(Post "/api/v1/assessments/{id}/history-source", Api, Staff(PRACTITIONER), api::assessments::pin_history),
    route!(Post "/api/v1/assessments/{id}/all-normal", Api, Staff(PRACTITIONER), api::assessments::all_normal),
    route!(Post "/api/v1/assessments/{id}/carry-forward", Api, Staff(PRACTITIONER), api::carry_forward::carry_forward),
    route!(Get "/api/v1/patients/{id}/fhir", Api, Staff(CLINICAL_READ), api::fhir::patient_record),
    route!(Get "/api/v1/assessments/{id}/fhir", Api, Staff(CLINICAL_READ), api::fhir::signed_assessment),
    route!(Get "/api/v1/diagnosis-codes", Api, Staff(CLINICAL_READ), api::assessments::diagnosis_codes),
];

/// The spec for a matched route pattern and method.
pub fn find(method: &actix_web::http::Method, pattern: &str) -> Option<&'static RouteSpec> {
    ROUTES
        .iter()
        .find(|r| r.path == pattern && r.verb.method() == *method)
}

/// A known path with a method it does not take: 405, in the surface's own format.
async fn method_not_allowed(req: actix_web::HttpRequest) -> actix_web::HttpResponse {
    if req.path().starts_with("/api/") {
        super::api_error::json_error(
            actix_web::http::StatusCode::METHOD_NOT_ALLOWED,
            super::api_error::ErrorCode::MethodNotAllowed,
            "This endpoint does not take that method.",
        )
    } else {
        super::error::error_page(
            actix_web::http::StatusCode::METHOD_NOT_ALLOWED,
            "Not allowed",
            "This page cannot be used that way.",
        )
    }
}

/// Registers every route of the table, one resource per path.
pub fn configure(cfg: &mut web::ServiceConfig) {
    let mut paths: Vec<&'static str> = Vec::new();
    for r in ROUTES {
        if !paths.contains(&r.path) {
            paths.push(r.path);
        }
    }
    for path in paths {
        let mut resource = web::resource(path).default_service(web::to(method_not_allowed));
        for r in ROUTES.iter().filter(|r| r.path == path) {
            resource = resource.route((r.handler)().method(r.verb.method()));
        }
        cfg.service(resource);
    }
}
