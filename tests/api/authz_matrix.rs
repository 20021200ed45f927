//! The authorization matrix: every route of `clinic::web::routes::ROUTES` × every kind of
//! caller, each request sent the way its surface authenticates (API: bearer token; pages:
//! the browser's cookies plus a valid CSRF token on POST; probes and assets: nothing).
//!
//! The expectations are written here by hand, independently of the access rules in the
//! route table. A route without an expectation, or an expectation without a route, fails
//! the test, so a new route cannot ship without someone deciding who may call it.

use clinic::domain::Role;
use clinic::web::routes::{ROUTES, RouteSpec, Surface};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, COOKIE};
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser};
use crate::raw_http::{location, random_token};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// Anything but 401/403 (and never a 5xx); a page GET is not sent to /login.
    Allowed,
    /// API: 401 with a JSON `error`; pages: 303 to /login.
    Unauthenticated,
    /// 403.
    Forbidden,
}

use Outcome::{Allowed as A, Forbidden as F, Unauthenticated as U};

/// The callers, in the order of the expectation columns.
const CALLERS: [&str; 5] = [
    "anonymous",
    "front desk",
    "practitioner",
    "admin",
    "disabled admin",
];

const PUBLIC: [Outcome; 5] = [A, A, A, A, A];
const STAFF: [Outcome; 5] = [U, A, A, A, U];
const ADMIN_ONLY: [Outcome; 5] = [U, F, F, A, U];
const DESK: [Outcome; 5] = [U, A, F, A, U];
const PRACTITIONER_ONLY: [Outcome; 5] = [U, F, A, F, U];
/// Exam records: practitioners and (for audit) admins read them; never the front desk.
const CLINICAL_READ: [Outcome; 5] = [U, F, A, A, U];

/// (verb, path) → expected outcome for each caller of [`CALLERS`].
const EXPECTED: &[(&str, &str, [Outcome; 5])] = &[
    ("GET", "/healthz", PUBLIC),
    ("GET", "/readyz", PUBLIC),
    ("GET", "/static/app.css", PUBLIC),
    ("GET", "/static/intake.js", PUBLIC),
    ("GET", "/static/intake_form.js", PUBLIC),
    ("GET", "/static/booking.js", PUBLIC),
    ("GET", "/static/workspace.js", PUBLIC),
    ("GET", "/static/palpation.js", PUBLIC),
    ("GET", "/static/plan.js", PUBLIC),
    ("GET", "/static/print.css", PUBLIC),
    ("GET", "/static/print.js", PUBLIC),
    ("GET", "/fhir/Questionnaire/{id}", PUBLIC),
    ("GET", "/fhir/CodeSystem/{id}", PUBLIC),
    ("GET", "/intake/{token}", PUBLIC),
    ("POST", "/intake/{token}", PUBLIC),
    ("GET", "/login", PUBLIC),
    ("POST", "/login", PUBLIC),
    ("POST", "/logout", STAFF),
    ("GET", "/setup/{token}", PUBLIC),
    ("POST", "/setup/{token}", PUBLIC),
    ("GET", "/password-reset/{token}", PUBLIC),
    ("POST", "/password-reset/{token}", PUBLIC),
    ("GET", "/", STAFF),
    ("GET", "/account/password", STAFF),
    ("POST", "/account/password", STAFF),
    ("GET", "/patients", STAFF),
    ("GET", "/patients/new", STAFF),
    ("POST", "/patients", STAFF),
    ("GET", "/patients/{id}", STAFF),
    ("GET", "/patients/{id}/edit", STAFF),
    ("POST", "/patients/{id}", STAFF),
    ("POST", "/patients/{id}/archive", DESK),
    ("POST", "/patients/{id}/restore", DESK),
    ("GET", "/patients/{id}/appointments/new", STAFF),
    ("POST", "/patients/{id}/appointments", STAFF),
    ("POST", "/patients/{id}/intake-invitations", STAFF),
    ("POST", "/patients/{id}/paper-intake", STAFF),
    ("POST", "/intake-invitations/{id}/resend", STAFF),
    ("POST", "/intake-invitations/{id}/revoke", STAFF),
    ("GET", "/day", STAFF),
    ("POST", "/appointments/{id}/check-in", STAFF),
    ("POST", "/appointments/{id}/cancel", STAFF),
    ("POST", "/appointments/{id}/no-show", STAFF),
    ("POST", "/appointments/{id}/undo-check-in", STAFF),
    ("POST", "/patients/{id}/assessments", PRACTITIONER_ONLY),
    ("GET", "/patients/{id}/assessments/{aid}", CLINICAL_READ),
    (
        "POST",
        "/assessments/{id}/sections/{section}",
        PRACTITIONER_ONLY,
    ),
    (
        "POST",
        "/assessments/{id}/all-normal/{section}",
        PRACTITIONER_ONLY,
    ),
    ("POST", "/assessments/{id}/sign", PRACTITIONER_ONLY),
    ("POST", "/assessments/{id}/addenda", PRACTITIONER_ONLY),
    (
        "POST",
        "/assessments/{id}/history-source",
        PRACTITIONER_ONLY,
    ),
    ("POST", "/assessments/{id}/carry-forward", PRACTITIONER_ONLY),
    (
        "POST",
        "/assessments/{id}/carried/{section}/keep",
        PRACTITIONER_ONLY,
    ),
    ("GET", "/assessments/{id}", CLINICAL_READ),
    ("GET", "/assessments/{id}/print", CLINICAL_READ),
    ("POST", "/flags/{id}/acknowledge", PRACTITIONER_ONLY),
    ("POST", "/flags/{id}/resolve", PRACTITIONER_ONLY),
    ("POST", "/flags/{id}/refer", PRACTITIONER_ONLY),
    ("POST", "/flags/{id}/narrow", PRACTITIONER_ONLY),
    ("POST", "/flags/{id}/confirm", PRACTITIONER_ONLY),
    ("POST", "/flags/{id}/dismiss", PRACTITIONER_ONLY),
    ("GET", "/patients/{id}/referral-letter", CLINICAL_READ),
    ("GET", "/patients/{id}/fhir", CLINICAL_READ),
    ("GET", "/admin/users", ADMIN_ONLY),
    ("GET", "/admin/mail", ADMIN_ONLY),
    ("GET", "/admin/users/new", ADMIN_ONLY),
    ("POST", "/admin/users", ADMIN_ONLY),
    ("POST", "/admin/users/{id}/disable", ADMIN_ONLY),
    ("POST", "/admin/users/{id}/enable", ADMIN_ONLY),
    ("POST", "/admin/users/{id}/password-reset", ADMIN_ONLY),
    ("POST", "/admin/users/{id}/unlock", ADMIN_ONLY),
    ("GET", "/admin/audit", ADMIN_ONLY),
    ("POST", "/api/v1/auth/login", PUBLIC),
    ("POST", "/api/v1/auth/logout", STAFF),
    ("GET", "/api/v1/me", STAFF),
    ("GET", "/api/v1/openapi.json", PUBLIC),
    ("GET", "/api/v1/users", ADMIN_ONLY),
    ("POST", "/api/v1/users", ADMIN_ONLY),
    ("POST", "/api/v1/users/{id}/unlock", ADMIN_ONLY),
    ("POST", "/api/v1/patients", STAFF),
    ("GET", "/api/v1/patients", STAFF),
    ("GET", "/api/v1/patients/{id}", STAFF),
    ("PUT", "/api/v1/patients/{id}", STAFF),
    ("POST", "/api/v1/patients/{id}/archive", DESK),
    ("POST", "/api/v1/patients/{id}/intakes", STAFF),
    ("POST", "/api/v1/patients/{id}/consents", STAFF),
    ("GET", "/api/v1/patients/{id}/flags", STAFF),
    ("POST", "/api/v1/patients/{id}/flags", PRACTITIONER_ONLY),
    ("POST", "/api/v1/flags/{id}/acknowledge", PRACTITIONER_ONLY),
    ("POST", "/api/v1/flags/{id}/resolve", PRACTITIONER_ONLY),
    ("POST", "/api/v1/flags/{id}/refer", PRACTITIONER_ONLY),
    ("POST", "/api/v1/flags/{id}/narrow", PRACTITIONER_ONLY),
    ("POST", "/api/v1/flags/{id}/confirm", PRACTITIONER_ONLY),
    ("POST", "/api/v1/flags/{id}/dismiss", PRACTITIONER_ONLY),
    ("POST", "/api/v1/patients/{id}/intake-invitations", STAFF),
    ("POST", "/api/v1/intake-invitations/{id}/resend", STAFF),
    ("DELETE", "/api/v1/intake-invitations/{id}", STAFF),
    ("POST", "/api/v1/patients/{id}/appointments", STAFF),
    ("GET", "/api/v1/appointments", STAFF),
    ("POST", "/api/v1/appointments/{id}/check-in", STAFF),
    (
        "POST",
        "/api/v1/patients/{id}/assessments",
        PRACTITIONER_ONLY,
    ),
    ("GET", "/api/v1/patients/{id}/assessments", CLINICAL_READ),
    ("GET", "/api/v1/assessments/{id}", CLINICAL_READ),
    ("PUT", "/api/v1/assessments/{id}", PRACTITIONER_ONLY),
    ("POST", "/api/v1/assessments/{id}/sign", PRACTITIONER_ONLY),
    (
        "POST",
        "/api/v1/assessments/{id}/addenda",
        PRACTITIONER_ONLY,
    ),
    (
        "POST",
        "/api/v1/assessments/{id}/history-source",
        PRACTITIONER_ONLY,
    ),
    (
        "POST",
        "/api/v1/assessments/{id}/all-normal",
        PRACTITIONER_ONLY,
    ),
    (
        "POST",
        "/api/v1/assessments/{id}/carry-forward",
        PRACTITIONER_ONLY,
    ),
    ("GET", "/api/v1/diagnosis-codes", CLINICAL_READ),
    ("GET", "/api/v1/patients/{id}/fhir", CLINICAL_READ),
    ("GET", "/api/v1/assessments/{id}/fhir", CLINICAL_READ),
];

/// The objects `{id}` stands for.
struct ObjectIds {
    user: String,
    patient: String,
    flag: String,
    invitation: String,
    appointment: String,
    /// A draft charted by the matrix's practitioner (only its own practitioner edits it).
    assessment: String,
}

/// One caller: how it authenticates on each surface.
struct Caller {
    label: &'static str,
    /// The account behind the caller, to sign in again when a check (a sign-out) ended
    /// its session. `None` for the anonymous visitor.
    user: Option<TestUser>,
    /// False for the anonymous visitor and the disabled account.
    active: bool,
    /// Bearer token for the API.
    token: Option<String>,
    /// `Cookie` header for pages.
    cookie: Option<String>,
    /// The `csrf_token` a page this caller can see puts in its forms.
    csrf: String,
}

struct Answer {
    status: StatusCode,
    location: Option<String>,
    content_type: String,
    body: String,
}

/// Fills `{id}` (a patient's id on patient routes, a flag's on flag routes, an
/// assessment's on assessment routes, a staff account's elsewhere), `{aid}` (the
/// assessment), `{section}` and `{token}`; any other parameter needs a decision here.
fn concrete_path(pattern: &str, ids: &ObjectIds, token: &str) -> String {
    let id = if pattern.contains("/patients/") {
        &ids.patient
    } else if pattern.contains("/flags/") {
        &ids.flag
    } else if pattern.contains("/intake-invitations/") {
        &ids.invitation
    } else if pattern.contains("/appointments/") {
        &ids.appointment
    } else if pattern.contains("/assessments/") {
        &ids.assessment
    } else {
        &ids.user
    };
    pattern
        .split('/')
        .map(|seg| match seg {
            "{id}" => id.to_owned(),
            "{token}" => token.to_owned(),
            "{aid}" => ids.assessment.clone(),
            "{section}" => "pain".to_owned(),
            s if s.starts_with('{') => {
                panic!("route {pattern} has parameter {s}: teach the authorization matrix a value for it")
            }
            s => s.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The sign-in routes get a real account's credentials, so "allowed" means signed in
/// rather than a 401 for bad credentials; every other state-changing route gets an
/// empty body (so nothing is created by accident).
fn json_body(route: &RouteSpec, probe: &TestUser) -> Value {
    match route.path {
        "/api/v1/auth/login" => json!({"email": probe.email, "password": probe.password}),
        _ => json!({}),
    }
}

fn form_fields(route: &RouteSpec, probe: &TestUser, csrf: &str) -> Vec<(&'static str, String)> {
    let mut fields = match route.path {
        "/login" => vec![
            ("email", probe.email.clone()),
            ("password", probe.password.clone()),
        ],
        _ => Vec::new(),
    };
    fields.push(("csrf_token", csrf.to_owned()));
    fields
}

async fn send(
    app: &TestApp,
    route: &RouteSpec,
    caller: &Caller,
    path: &str,
    probe: &TestUser,
) -> Answer {
    let method = reqwest::Method::from_bytes(route.verb.as_str().as_bytes()).unwrap();
    let mut req = app.http.request(method, app.url(path));
    match route.surface {
        Surface::Api => {
            if let Some(t) = &caller.token {
                req = req.bearer_auth(t);
            }
            if !route.verb.is_safe() {
                req = req.json(&json_body(route, probe));
            }
        }
        Surface::Page => {
            if let Some(c) = &caller.cookie {
                req = req.header(COOKIE, c);
            }
            if !route.verb.is_safe() {
                req = req.form(&form_fields(route, probe, &caller.csrf));
            }
        }
        Surface::Infra => {}
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    let location = location(&resp);
    let content_type = resp
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = resp.text().await.unwrap_or_default();
    Answer {
        status,
        location,
        content_type,
        body,
    }
}

/// What is wrong with an answer, if anything.
fn judge(route: &RouteSpec, expected: Outcome, a: &Answer, planted: &[String]) -> Option<String> {
    let loc = a.location.as_deref().unwrap_or("");
    let problem = match expected {
        Outcome::Allowed => {
            if a.status == StatusCode::UNAUTHORIZED || a.status == StatusCode::FORBIDDEN {
                Some(format!("expected allowed, got {}", a.status))
            } else if a.status.is_server_error() {
                Some(format!("expected allowed, got a server error {}", a.status))
            } else if route.verb.is_safe()
                && route.surface == Surface::Page
                && loc.starts_with("/login")
            {
                Some(format!("expected the page, got sent to {loc}"))
            } else {
                None
            }
        }
        Outcome::Unauthenticated => match route.surface {
            Surface::Api => {
                let error = serde_json::from_str::<Value>(&a.body)
                    .ok()
                    .and_then(|v| v["error"].as_str().map(str::to_owned));
                if a.status != StatusCode::UNAUTHORIZED {
                    Some(format!("expected 401, got {}", a.status))
                } else if !a.content_type.starts_with("application/json") || error.is_none() {
                    Some(format!(
                        "expected a JSON error with the 401, got {:?}: {}",
                        a.content_type, a.body
                    ))
                } else {
                    None
                }
            }
            Surface::Page | Surface::Infra => {
                if a.status != StatusCode::SEE_OTHER || !loc.starts_with("/login") {
                    Some(format!(
                        "expected 303 to /login, got {} to {loc:?}",
                        a.status
                    ))
                } else {
                    None
                }
            }
        },
        Outcome::Forbidden => {
            if a.status != StatusCode::FORBIDDEN {
                Some(format!("expected 403, got {}", a.status))
            } else {
                None
            }
        }
    };
    if problem.is_some() {
        return problem;
    }
    if expected != Outcome::Allowed {
        for value in planted {
            if a.body.contains(value.as_str()) || loc.contains(value.as_str()) {
                return Some(format!(
                    "the denied answer ({}) contains the planted value {value:?}",
                    a.status
                ));
            }
        }
    }
    None
}

async fn staff_caller(app: &TestApp, label: &'static str, user: TestUser) -> Caller {
    let session = app.raw_session(&user).await;
    let token = app.api_token(&user).await;
    let (_, me) = app.get_json("/api/v1/me", &token).await;
    assert_eq!(
        me["role"],
        user.role.as_str(),
        "{label} signs in with its role"
    );
    Caller {
        label,
        token: Some(token),
        cookie: Some(session.cookie_header()),
        csrf: session.csrf,
        user: Some(user),
        active: true,
    }
}

/// Signs the caller in again if a check (a sign-out) ended its session or token.
async fn keep_signed_in(app: &TestApp, caller: &mut Caller) {
    let Some(user) = caller.user.clone().filter(|_| caller.active) else {
        return;
    };
    let token = caller.token.clone().unwrap_or_default();
    if app.get_json("/api/v1/me", &token).await.0 != StatusCode::OK {
        caller.token = Some(app.api_token(&user).await);
    }
    if app
        .get_with_cookie("/account/password", caller.cookie.as_deref())
        .await
        .status()
        != StatusCode::OK
    {
        let session = app.raw_session(&user).await;
        caller.cookie = Some(session.cookie_header());
        caller.csrf = session.csrf;
    }
}

async fn every_route_answers_every_caller_as_expected(app: TestApp) {
    // The table and the route table must describe the same routes.
    let missing: Vec<String> = ROUTES
        .iter()
        .filter(|r| {
            !EXPECTED
                .iter()
                .any(|(v, p, _)| *v == r.verb.as_str() && *p == r.path)
        })
        .map(|r| format!("{} {}", r.verb.as_str(), r.path))
        .collect();
    assert!(
        missing.is_empty(),
        "routes in ROUTES with no expectation in the authorization matrix: {missing:?}"
    );
    let stale: Vec<String> = EXPECTED
        .iter()
        .filter(|(v, p, _)| !ROUTES.iter().any(|r| r.verb.as_str() == *v && r.path == *p))
        .map(|(v, p, _)| format!("{v} {p}"))
        .collect();
    assert!(
        stale.is_empty(),
        "expectations in the authorization matrix for routes not in ROUTES: {stale:?}"
    );
    for (i, (v, p, _)) in EXPECTED.iter().enumerate() {
        assert!(
            !EXPECTED[..i].iter().any(|(v2, p2, _)| v2 == v && p2 == p),
            "the authorization matrix lists {v} {p} twice"
        );
    }

    let admin = app.create_user(Role::Admin).await;
    let front_desk = app.create_user(Role::FrontDesk).await;
    let practitioner = app.create_user(Role::Practitioner).await;
    let disabled = app.create_user(Role::Admin).await;
    // The object of `{id}` routes, and whose data must never leak in a denial.
    let target = app.create_user(Role::FrontDesk).await;
    // The account whose credentials the sign-in routes receive.
    let probe = app.create_user(Role::FrontDesk).await;
    // A patient: the object of patient routes, whose details must never leak either.
    let setup_token = app.api_token(&admin).await;
    let (s, patient) = app
        .post_json(
            "/api/v1/patients",
            Some(&setup_token),
            &serde_json::json!({"given_name": "Planted", "family_name": "Quillfeather",
                                "date_of_birth": "1971-03-04", "phone": "555 0199 321", "email": "planted.quill@example.org"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{patient}");
    let patient_id = patient["id"].as_str().unwrap().to_owned();
    let (s, intake) = app
        .post_json(
            &format!("/api/v1/patients/{patient_id}/intakes"),
            Some(&setup_token),
            &crate::intake_answers::every_question_answered(
                &serde_json::json!({"conditions": {"osteoporosis": "yes"}}),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{intake}");
    let ids = ObjectIds {
        user: target.id.clone(),
        patient: patient_id.clone(),
        flag: intake["flags"][0]["id"].as_str().unwrap().to_owned(),
        invitation: {
            let (s, v) = app
                .post_json(
                    &format!("/api/v1/patients/{patient_id}/intake-invitations"),
                    Some(&setup_token),
                    &serde_json::json!({}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
            v["id"].as_str().unwrap().to_owned()
        },
        appointment: {
            let dr = app.create_user(Role::Practitioner).await;
            let (s, v) = app
                .post_json(
                    &format!("/api/v1/patients/{patient_id}/appointments"),
                    Some(&setup_token),
                    &serde_json::json!({"practitioner_id": dr.id, "starts_at": "2099-01-05T09:00", "kind": "first_visit"}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
            v["id"].as_str().unwrap().to_owned()
        },
        assessment: {
            let token = app.api_token(&practitioner).await;
            let (s, v) = app
                .post_json(
                    &format!("/api/v1/patients/{patient_id}/assessments"),
                    Some(&token),
                    &serde_json::json!({}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
            v["id"].as_str().unwrap().to_owned()
        },
    };
    let planted = vec![
        "Quillfeather".to_owned(),
        "planted.quill@example.org".to_owned(),
        target.email.clone(),
        target.name.clone(),
        probe.email.clone(),
        admin.email.clone(),
    ];

    let visitor = app.raw_visitor().await;
    let anonymous = Caller {
        label: CALLERS[0],
        user: None,
        active: false,
        token: None,
        cookie: Some(visitor.cookie_header()),
        csrf: visitor.csrf,
    };
    let front_desk = staff_caller(&app, CALLERS[1], front_desk).await;
    let practitioner = staff_caller(&app, CALLERS[2], practitioner).await;
    let admin_caller = staff_caller(&app, CALLERS[3], admin.clone()).await;

    // The disabled admin had a browser session and an API token; an admin disables the
    // account through the staff page. It keeps presenting both, like a stolen device.
    let stale_session = app.raw_session(&disabled).await;
    let stale_token = app.api_token(&disabled).await;
    let admin_browser = app.signed_in(&admin).await;
    let r = admin_browser.staff_action(&disabled.id, "disable").await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "disabling through the staff page"
    );
    let (s, _) = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"email": disabled.email, "password": disabled.password}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNAUTHORIZED,
        "a disabled account cannot sign in"
    );
    let after = app
        .raw_visitor_with(Some(&stale_session.cookie_header()))
        .await;
    let disabled_caller = Caller {
        label: CALLERS[4],
        user: Some(disabled),
        active: false,
        token: Some(stale_token),
        cookie: Some(format!(
            "{}; {}",
            stale_session.cookie_header(),
            after.cookie_header()
        )),
        csrf: after.csrf,
    };

    let mut callers = [
        anonymous,
        front_desk,
        practitioner,
        admin_caller,
        disabled_caller,
    ];
    let mut mismatches = Vec::new();
    let mut checks = 0;
    for route in ROUTES {
        let (_, _, expected) = EXPECTED
            .iter()
            .find(|(v, p, _)| *v == route.verb.as_str() && *p == route.path)
            .unwrap();
        let path = concrete_path(route.path, &ids, &random_token());
        for (i, caller) in callers.iter_mut().enumerate() {
            let answer = send(&app, route, caller, &path, &probe).await;
            checks += 1;
            if let Some(problem) = judge(route, expected[i], &answer, &planted) {
                mismatches.push(format!(
                    "{} {} as {}: {problem}",
                    route.verb.as_str(),
                    route.path,
                    caller.label
                ));
            }
            if !route.verb.is_safe() {
                keep_signed_in(&app, caller).await;
            }
        }
    }
    println!(
        "authorization matrix: {} routes × {} callers = {checks} checks, {} mismatches",
        ROUTES.len(),
        CALLERS.len(),
        mismatches.len()
    );
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

on_both_backends!(every_route_answers_every_caller_as_expected);
