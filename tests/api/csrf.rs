//! Cross-site request forgery: every state-changing page (each POST of the Page surface
//! in the route table) refuses a request without the synchronizer token, with a wrong
//! one, with another session's, and with a right token that a foreign site sent (by
//! `Origin` or `Sec-Fetch-Site`); and a refused request writes nothing. The sign-in form
//! is protected before sign-in; the JSON API does not take cookies at all.

use std::time::Duration;

use clinic::domain::Role;
use clinic::web::routes::{ROUTES, Surface, Verb};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, ORIGIN};
use serde_json::json;

use crate::helpers::{Browser, TestApp, TestUser, read_dir_files};
use crate::raw_http::{SESSION, random_token, set_cookie_value};

#[derive(Clone, Copy, Debug)]
enum Forgery {
    NoToken,
    WrongToken,
    /// A token that is valid, but for another visitor or session (the attacker's own).
    OtherSessionsToken,
    /// The right token, sent from another site.
    ForeignOrigin,
    /// The right token from an opaque origin (a sandboxed frame on another site):
    /// `Origin: null`, and the browser says cross-site.
    NullOriginCrossSite,
    /// The right token, no `Origin`, and the browser says the request is cross-site.
    CrossSiteFetch,
}

const FORGERIES: [Forgery; 6] = [
    Forgery::NoToken,
    Forgery::WrongToken,
    Forgery::OtherSessionsToken,
    Forgery::ForeignOrigin,
    Forgery::NullOriginCrossSite,
    Forgery::CrossSiteFetch,
];

/// What the forged requests would need to succeed.
struct Targets {
    victim: TestUser,
    probe: TestUser,
    admin: TestUser,
    setup_token: String,
    reset_token: String,
    patient_id: String,
}

/// The form each state-changing page takes, filled so that with a valid token the
/// request would change something. A new POST page needs a case here.
fn form_for(pattern: &str, t: &Targets) -> (String, Vec<(&'static str, String)>) {
    let new_password = "orchid lantern meadow 77".to_owned();
    match pattern {
        "/login" => (
            "/login".into(),
            vec![
                ("email", t.probe.email.clone()),
                ("password", t.probe.password.clone()),
                ("next", "/".into()),
            ],
        ),
        "/logout" => ("/logout".into(), vec![]),
        "/setup/{token}" => (
            format!("/setup/{}", t.setup_token),
            vec![
                ("name", "Forged Admin".into()),
                ("email", "forged.admin@clinic.example".into()),
                ("password", new_password.clone()),
                ("confirm_password", new_password),
            ],
        ),
        "/password-reset/{token}" => (
            format!("/password-reset/{}", t.reset_token),
            vec![
                ("new_password", new_password.clone()),
                ("confirm_password", new_password),
            ],
        ),
        "/account/password" => (
            "/account/password".into(),
            vec![
                ("current_password", t.admin.password.clone()),
                ("new_password", new_password.clone()),
                ("confirm_password", new_password),
            ],
        ),
        "/admin/users" => (
            "/admin/users".into(),
            vec![
                ("name", "Forged Account".into()),
                (
                    "email",
                    format!("forged-{}@clinic.example", &random_token()[..8]).to_lowercase(),
                ),
                ("role", "admin".into()),
                ("licence_number", String::new()),
                ("password", new_password),
            ],
        ),
        "/admin/users/{id}/disable"
        | "/admin/users/{id}/enable"
        | "/admin/users/{id}/password-reset"
        | "/admin/users/{id}/unlock" => (pattern.replace("{id}", &t.victim.id), vec![]),
        "/patients" => (
            "/patients".into(),
            vec![
                ("given_name", "Forged".into()),
                ("family_name", "Patient".into()),
                ("date_of_birth", "1970-01-01".into()),
            ],
        ),
        "/patients/{id}" => (
            pattern.replace("{id}", &t.patient_id),
            vec![
                ("given_name", "Forged".into()),
                ("family_name", "Edit".into()),
                ("date_of_birth", "1970-01-01".into()),
                ("version", "1".into()),
            ],
        ),
        "/patients/{id}/archive" | "/patients/{id}/restore" => {
            (pattern.replace("{id}", &t.patient_id), vec![])
        }
        "/intake/{token}" => (
            format!("/intake/{}?step=1", random_token()),
            vec![
                ("contact_phone", "555 1234 567".into()),
                ("go", "next".into()),
            ],
        ),
        "/patients/{id}/appointments" => (
            pattern.replace("{id}", &t.patient_id),
            vec![
                ("practitioner_id", t.admin.id.clone()),
                ("starts_at", "2099-01-01T09:00".into()),
                ("kind", "follow_up".into()),
            ],
        ),
        "/patients/{id}/paper-intake" => (pattern.replace("{id}", &t.patient_id), vec![]),
        "/patients/{id}/intake-invitations" => (
            pattern.replace("{id}", &t.patient_id),
            vec![("email", "forged@example.org".into())],
        ),
        "/intake-invitations/{id}/resend"
        | "/intake-invitations/{id}/revoke"
        | "/appointments/{id}/check-in"
        | "/appointments/{id}/cancel"
        | "/appointments/{id}/no-show"
        | "/appointments/{id}/undo-check-in" => (
            pattern.replace("{id}", &uuid::Uuid::now_v7().to_string()),
            vec![],
        ),
        "/patients/{id}/assessments" => (pattern.replace("{id}", &t.patient_id), vec![]),
        "/assessments/{id}/sections/{section}" => (
            pattern
                .replace("{id}", &uuid::Uuid::now_v7().to_string())
                .replace("{section}", "pain"),
            vec![("version", "1".into()), ("data", r#"{"nprs":3}"#.into())],
        ),
        "/assessments/{id}/all-normal/{section}" => (
            pattern
                .replace("{id}", &uuid::Uuid::now_v7().to_string())
                .replace("{section}", "posture"),
            vec![("version", "1".into())],
        ),
        "/assessments/{id}/sign" => (
            pattern.replace("{id}", &uuid::Uuid::now_v7().to_string()),
            vec![("version", "1".into())],
        ),
        "/assessments/{id}/addenda" => (
            pattern.replace("{id}", &uuid::Uuid::now_v7().to_string()),
            vec![("body", "Forged addendum".into())],
        ),
        "/assessments/{id}/history-source" => (
            pattern.replace("{id}", &uuid::Uuid::now_v7().to_string()),
            vec![("version", "1".into())],
        ),
        "/assessments/{id}/carry-forward" => (
            pattern.replace("{id}", &uuid::Uuid::now_v7().to_string()),
            vec![("version", "1".into()), ("posture", "1".into())],
        ),
        "/assessments/{id}/carried/{section}/keep" => (
            pattern
                .replace("{id}", &uuid::Uuid::now_v7().to_string())
                .replace("{section}", "posture"),
            vec![("version", "1".into())],
        ),
        "/flags/{id}/acknowledge"
        | "/flags/{id}/resolve"
        | "/flags/{id}/confirm"
        | "/flags/{id}/dismiss" => (
            pattern.replace("{id}", &uuid::Uuid::now_v7().to_string()),
            vec![
                ("reason", "Forged reason written as a sentence".into()),
                ("back", "/patients".into()),
            ],
        ),
        "/flags/{id}/refer" => (
            pattern.replace("{id}", &uuid::Uuid::now_v7().to_string()),
            vec![
                ("referred_to", "Forged GP".into()),
                ("method", "phone".into()),
                ("referred_on", "2026-01-01".into()),
                ("back", "/patients".into()),
            ],
        ),
        "/flags/{id}/narrow" => (
            pattern.replace("{id}", &uuid::Uuid::now_v7().to_string()),
            vec![
                ("regions", "lumbar".into()),
                ("reason", "Forged reason written as a sentence".into()),
                ("back", "/patients".into()),
            ],
        ),
        other => panic!("no forged-request case for POST {other}: add one to csrf.rs"),
    }
}

async fn send_forged(
    browser: &Browser,
    path: &str,
    fields: &[(&'static str, String)],
    right_token: &str,
    other_token: &str,
    forgery: Forgery,
) -> reqwest::Response {
    let mut fields = fields.to_vec();
    let mut req = browser.client.post(browser.url(path));
    match forgery {
        Forgery::NoToken => {}
        Forgery::WrongToken => fields.push(("csrf_token", random_token())),
        Forgery::OtherSessionsToken => fields.push(("csrf_token", other_token.to_owned())),
        Forgery::ForeignOrigin => {
            fields.push(("csrf_token", right_token.to_owned()));
            req = req.header(ORIGIN, "http://evil.example");
        }
        Forgery::NullOriginCrossSite => {
            fields.push(("csrf_token", right_token.to_owned()));
            req = req
                .header(ORIGIN, "null")
                .header("sec-fetch-site", "cross-site");
        }
        Forgery::CrossSiteFetch => {
            fields.push(("csrf_token", right_token.to_owned()));
            req = req.header("sec-fetch-site", "cross-site");
        }
    }
    req.form(&fields).send().await.unwrap()
}

/// Everything a forged request could have changed.
#[derive(Debug, PartialEq, Eq)]
struct Snapshot {
    audit_rows: usize,
    users: Vec<(String, bool, String)>,
    sessions: Vec<String>,
    outbox: i64,
    tokens: Vec<(String, bool)>,
    throttles: i64,
    assessments: i64,
}

async fn snapshot(app: &TestApp) -> Snapshot {
    let audit_rows = app.audit_actions().await.len();
    let (users, sessions, outbox, tokens, throttles, assessments) = app
        .with_db(|conn| {
            use clinic::schema::{login_throttles, one_time_tokens, outbox, sessions, users};
            use diesel::prelude::*;
            let u: Vec<(String, bool, String)> = users::table
                .order(users::id)
                .select((users::id, users::active, users::password_hash))
                .load(conn)
                .unwrap();
            let s: Vec<String> = sessions::table
                .order(sessions::id)
                .select(sessions::id)
                .load(conn)
                .unwrap();
            let o: i64 = outbox::table.count().get_result(conn).unwrap();
            let t: Vec<(String, Option<chrono::NaiveDateTime>)> = one_time_tokens::table
                .order(one_time_tokens::id)
                .select((one_time_tokens::id, one_time_tokens::used_at))
                .load(conn)
                .unwrap();
            let th: i64 = login_throttles::table.count().get_result(conn).unwrap();
            let a: i64 = clinic::schema::assessments::table
                .count()
                .get_result(conn)
                .unwrap();
            (
                u,
                s,
                o,
                t.into_iter()
                    .map(|(id, used)| (id, used.is_some()))
                    .collect(),
                th,
                a,
            )
        })
        .await;
    Snapshot {
        audit_rows,
        users,
        sessions,
        outbox,
        tokens,
        throttles,
        assessments,
    }
}

fn reset_token_in_mail(dir: &std::path::Path) -> Option<String> {
    read_dir_files(dir)
        .first()
        .and_then(|m| crate::helpers::reset_token_in(m))
}

fn page_posts() -> Vec<&'static str> {
    ROUTES
        .iter()
        .filter(|r| r.surface == Surface::Page && r.verb == Verb::Post)
        .map(|r| r.path)
        .collect()
}

fn is_public(pattern: &str) -> bool {
    ROUTES.iter().any(|r| {
        r.path == pattern && r.verb == Verb::Post && r.access == clinic::web::routes::Access::Public
    })
}

/// Sends every forgery to every route in `patterns`; returns how many were sent.
async fn forge_all(
    browser: &Browser,
    caller: &str,
    patterns: &[&str],
    targets: &Targets,
    right_token: &str,
    other_token: &str,
) -> usize {
    let mut sent = 0;
    for pattern in patterns {
        let (path, fields) = form_for(pattern, targets);
        for forgery in FORGERIES {
            let resp =
                send_forged(browser, &path, &fields, right_token, other_token, forgery).await;
            let status = resp.status();
            assert!(
                set_cookie_value(&resp, SESSION).is_none_or(|v| v.is_empty()),
                "POST {pattern} as {caller} with {forgery:?}: a refused request must not sign anyone in"
            );
            assert_eq!(
                status,
                StatusCode::FORBIDDEN,
                "POST {pattern} as {caller} with {forgery:?}"
            );
            sent += 1;
        }
    }
    sent
}

async fn forged_page_posts_are_refused_and_change_nothing(app: TestApp) {
    let patterns = page_posts();
    assert!(
        patterns.len() >= 9,
        "the route table lists the page forms: {patterns:?}"
    );

    // First run, before any account exists: the one-time setup link.
    let setup_path = app
        .setup_link
        .clone()
        .expect("a fresh database prints a setup link");
    let setup_token = setup_path.rsplit('/').next().unwrap().to_owned();
    let mut targets = Targets {
        victim: placeholder_user(),
        probe: placeholder_user(),
        admin: placeholder_user(),
        setup_token: setup_token.clone(),
        reset_token: random_token(),
        patient_id: uuid::Uuid::now_v7().to_string(),
    };
    let visitor = app.browser();
    let visitor_token = visitor.csrf_from("/login").await;
    let other_visitor = app.browser();
    let other_visitor_token = other_visitor.csrf_from("/login").await;
    let before = snapshot(&app).await;
    let mut sent = forge_all(
        &visitor,
        "a visitor",
        &["/setup/{token}"],
        &targets,
        &visitor_token,
        &other_visitor_token,
    )
    .await;
    assert_eq!(
        snapshot(&app).await,
        before,
        "forged setup requests changed something"
    );
    let (status, _) = visitor.get_html(&format!("/setup/{setup_token}")).await;
    assert_eq!(status, StatusCode::OK, "the setup link is still unused");

    // A running clinic: accounts, a pending password-reset link, a signed-in admin.
    let admin = app.create_user(Role::Admin).await;
    let victim = app.create_user(Role::FrontDesk).await;
    let probe = app.create_user(Role::FrontDesk).await;
    let admin_browser = app.signed_in(&admin).await;
    let r = admin_browser
        .staff_action(&victim.id, "password-reset")
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let started = std::time::Instant::now();
    let reset_token = loop {
        if let Some(t) = reset_token_in_mail(app.mail_dir.path()) {
            break t;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the reset email was written"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let admin_api = app.api_token(&admin).await;
    let (s, patient) = app
        .post_json(
            "/api/v1/patients",
            Some(&admin_api),
            &json!({"given_name": "Real", "family_name": "Patient", "date_of_birth": "1960-05-05"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    targets = Targets {
        victim,
        probe,
        admin,
        setup_token,
        reset_token: reset_token.clone(),
        patient_id: patient["id"].as_str().unwrap().to_owned(),
    };
    let admin_token = admin_browser.csrf_from("/account/password").await;
    let front_desk = app.create_user(Role::FrontDesk).await;
    let other_session_token = app
        .signed_in(&front_desk)
        .await
        .csrf_from("/account/password")
        .await;

    let before = snapshot(&app).await;
    let public: Vec<&str> = patterns.iter().copied().filter(|p| is_public(p)).collect();
    sent += forge_all(
        &visitor,
        "a visitor",
        &public,
        &targets,
        &visitor_token,
        &admin_token,
    )
    .await;
    sent += forge_all(
        &admin_browser,
        "an admin",
        &patterns,
        &targets,
        &admin_token,
        &other_session_token,
    )
    .await;
    let after = snapshot(&app).await;
    assert_eq!(after, before, "a refused request wrote something");
    println!(
        "CSRF: {sent} forged requests to {} page forms, all refused, nothing written",
        patterns.len()
    );

    // Still signed in (the forged sign-out did nothing), the reset link still works.
    let (status, _) = admin_browser.get_html("/").await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = visitor
        .get_html(&format!("/password-reset/{reset_token}"))
        .await;
    assert_eq!(status, StatusCode::OK, "the reset link was not spent");

    // The same requests from our own origin go through: the refusals were about CSRF.
    let (path, fields) = form_for("/admin/users", &targets);
    let mut fields = fields;
    fields.push(("csrf_token", admin_token.clone()));
    let r = admin_browser
        .client
        .post(admin_browser.url(&path))
        .header(ORIGIN, format!("http://127.0.0.1:{}", app.port))
        .header("sec-fetch-site", "same-origin")
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "the admin's own form is accepted"
    );
    assert_eq!(snapshot(&app).await.users.len(), after.users.len() + 1);
    let (path, mut fields) = form_for("/login", &targets);
    fields.push(("csrf_token", visitor_token.clone()));
    let r = visitor
        .client
        .post(visitor.url(&path))
        .header(ORIGIN, format!("http://127.0.0.1:{}", app.port))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "the visitor's own sign-in form is accepted"
    );
}

fn placeholder_user() -> TestUser {
    TestUser {
        id: uuid::Uuid::nil().to_string(),
        email: "nobody@clinic.example".into(),
        name: "Nobody".into(),
        password: "not a real password".into(),
        role: Role::FrontDesk,
    }
}

async fn sign_in_form_and_api_resist_cookie_tricks(app: TestApp) {
    let admin = app.create_user(Role::Admin).await;

    // A visitor with no csrf cookie at all, and a made-up token: refused, not signed in.
    let r = app
        .http
        .post(app.url("/login"))
        .form(&[
            ("email", admin.email.as_str()),
            ("password", &admin.password),
            ("csrf_token", &random_token()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "fresh visitor with a made-up token"
    );
    assert!(set_cookie_value(&r, SESSION).is_none());
    // Nor with no token at all.
    let r = app
        .http
        .post(app.url("/login"))
        .form(&[
            ("email", admin.email.as_str()),
            ("password", &admin.password),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "fresh visitor without a token"
    );
    // A made-up csrf cookie too short to be one of ours, with the matching token.
    let r = app
        .http
        .post(app.url("/login"))
        .header(COOKIE, "clinic_csrf=abc")
        .form(&[
            ("email", admin.email.as_str()),
            ("password", &admin.password),
            ("csrf_token", "abc"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "a short planted csrf cookie"
    );
    // A planted cookie of the right length and shape (random, and `nonce.tag` with a
    // tag we did not sign), with the matching token: refused, and replaced by a signed
    // one (login CSRF by cookie planting).
    let forged_tag = format!("{}.{}", random_token(), "A".repeat(43));
    for planted in [random_token(), forged_tag] {
        let r = app
            .http
            .post(app.url("/login"))
            .header(COOKIE, format!("clinic_csrf={planted}"))
            .form(&[
                ("email", admin.email.as_str()),
                ("password", &admin.password),
                ("csrf_token", planted.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "planted {planted}");
        // The sign-in page shown to that browser replaces it with a signed one.
        let r = app
            .http
            .get(app.url("/login"))
            .header(COOKIE, format!("clinic_csrf={planted}"))
            .send()
            .await
            .unwrap();
        let fresh = set_cookie_value(&r, "clinic_csrf").expect("a signed cookie replaces it");
        assert_ne!(fresh, planted);
        assert!(fresh.contains('.'), "nonce.tag: {fresh}");
    }
    // The key is the deployment's, in the database (so every server and every restart
    // checks with the same one), 256 bits.
    let keys: Vec<(String, String)> = app
        .with_db(|conn| {
            use clinic::schema::server_secrets::dsl::*;
            use diesel::prelude::*;
            server_secrets.select((name, secret)).load(conn).unwrap()
        })
        .await;
    assert_eq!(
        keys.len(),
        1,
        "{:?}",
        keys.iter().map(|k| &k.0).collect::<Vec<_>>()
    );
    assert_eq!((keys[0].0.as_str(), keys[0].1.len()), ("csrf_cookie", 64));
    assert!(
        !app.audit_actions()
            .await
            .iter()
            .any(|a| a.starts_with("login")),
        "refused sign-ins never reached the sign-in service"
    );

    // The API ignores the browser's session cookie.
    let browser = app.signed_in(&admin).await;
    let r = browser.get("/api/v1/me").await;
    assert_eq!(
        r.status(),
        StatusCode::UNAUTHORIZED,
        "GET /api/v1/me with only the session cookie"
    );
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(body["error"].is_string());
    let users_before = snapshot(&app).await.users.len();
    let r = browser
        .client
        .post(browser.url("/api/v1/users"))
        .json(
            &json!({"email": "cookie.only@clinic.example", "name": "Cookie Only", "role": "admin",
                      "password": "orchid lantern meadow 77"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNAUTHORIZED,
        "POST /api/v1/users with only the session cookie"
    );
    assert_eq!(
        snapshot(&app).await.users.len(),
        users_before,
        "no account was created"
    );
    let r = browser
        .client
        .post(browser.url("/api/v1/auth/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNAUTHORIZED,
        "API sign-out with only the session cookie"
    );
    let (status, _) = browser.get_html("/account/password").await;
    assert_eq!(status, StatusCode::OK, "the browser session is untouched");
}

on_both_backends!(
    forged_page_posts_are_refused_and_change_nothing,
    sign_in_form_and_api_resist_cookie_tricks
);
