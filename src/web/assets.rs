//! Static files, compiled into the binary so a deployment is one file.

use actix_web::HttpResponse;
use actix_web::http::header;

const STYLESHEET: &str = include_str!("../../templates/static/app.css");

const INTAKE_SCRIPT: &str = include_str!("../../templates/static/intake.js");

const INTAKE_FORM_SCRIPT: &str = include_str!("../../templates/static/intake_form.js");

const WORKSPACE_SCRIPT: &str = include_str!("../../templates/static/workspace.js");

const PALPATION_SCRIPT: &str = include_str!("../../templates/static/palpation.js");

const PLAN_SCRIPT: &str = include_str!("../../templates/static/plan.js");

const PRINT_STYLESHEET: &str = include_str!("../../templates/static/print.css");

const BOOKING_SCRIPT: &str = include_str!("../../templates/static/booking.js");

const PRINT_SCRIPT: &str = include_str!("../../templates/static/print.js");

fn asset(content_type: &'static str, body: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(body)
}

/// The assessment workspace's autosave, "all normal" and keyboard shortcuts.
pub async fn workspace_script() -> HttpResponse {
    asset("text/javascript; charset=utf-8", WORKSPACE_SCRIPT)
}

/// The spine picker and its panel in the workspace (the palpation table works without it).
pub async fn palpation_script() -> HttpResponse {
    asset("text/javascript; charset=utf-8", PALPATION_SCRIPT)
}

/// The workspace's one-tap chips: diagnosis suggestions, frequency presets, goals.
pub async fn plan_script() -> HttpResponse {
    asset("text/javascript; charset=utf-8", PLAN_SCRIPT)
}

/// Print rules for the assessment summary (A4 and Letter).
pub async fn print_stylesheet() -> HttpResponse {
    asset("text/css; charset=utf-8", PRINT_STYLESHEET)
}

/// The Print button of printable pages: the CSP allows no inline script, so the one
/// line that calls `window.print()` is a file of its own.
pub async fn print_script() -> HttpResponse {
    asset("text/javascript; charset=utf-8", PRINT_SCRIPT)
}

/// The small script that lets a patient tap the pain diagram (the form works without it).
pub async fn intake_script() -> HttpResponse {
    asset("text/javascript; charset=utf-8", INTAKE_SCRIPT)
}

/// The pre-visit form's every-step helpers: focus on the error summary, details shown
/// only for yes or not sure, "Add another" rows (the form works without it).
pub async fn intake_form_script() -> HttpResponse {
    asset("text/javascript; charset=utf-8", INTAKE_FORM_SCRIPT)
}

/// The booking form shows the chosen practitioner's day as soon as one is chosen (the
/// form works without it).
pub async fn booking_script() -> HttpResponse {
    asset("text/javascript; charset=utf-8", BOOKING_SCRIPT)
}

pub async fn stylesheet() -> HttpResponse {
    asset("text/css; charset=utf-8", STYLESHEET)
}
