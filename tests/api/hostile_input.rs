//! The security review's findings, each replayed through the public surface:
//! malformed optional bodies are refused instead of read as "no body" (the wider
//! action used to run), an empty paper intake is not a submitted history, CR/LF in a
//! button's `back` cannot make a 500 after the write, and NUL or control characters in
//! free text get a message beside the field on both databases.

use clinic::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::carry_forward::{patient, start};
use crate::helpers::TestApp;
use crate::intake_answers::every_question_answered;

/// A POST with a raw body and content type, as a hostile client sends it.
async fn raw_post(app: &TestApp, path: &str, token: &str, ctype: &str, body: &str) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(app.url(path))
        .bearer_auth(token)
        .header("content-type", ctype)
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn malformed_bodies_are_refused_not_ignored(app: TestApp) {
    let desk = app.create_user(Role::FrontDesk).await;
    let dr = app.create_user(Role::Practitioner).await;
    let admin = app.create_user(Role::Admin).await;
    let desk_t = app.api_token(&desk).await;
    let dr_t = app.api_token(&dr).await;
    let admin_t = app.api_token(&admin).await;
    let pid = patient(&app, &desk_t, "Strict").await;
    let (aid, _) = start(&app, &dr_t, &pid, false).await;
    let json = "application/json";

    // Each body is refused by the field it got wrong; nothing ran.
    for (path, token, body, field) in [
        (
            format!("/api/v1/assessments/{aid}/sign"),
            &dr_t,
            r#"{"version":"2"}"#,
            "version",
        ),
        (
            format!("/api/v1/assessments/{aid}/sign"),
            &dr_t,
            r#"{"versoin":2}"#,
            "versoin",
        ),
        (
            format!("/api/v1/patients/{pid}/archive"),
            &admin_t,
            r#"{"archived":"false"}"#,
            "archived",
        ),
        (
            format!("/api/v1/patients/{pid}/intake-invitations"),
            &desk_t,
            r#"{"email":["other@example.org"]}"#,
            "email",
        ),
    ] {
        let (s, v) = raw_post(&app, &path, token, json, body).await;
        assert_eq!(s, 422, "{path} {body}: {v}");
        assert!(v["errors"][field].is_string(), "{path} {body}: {v}");
    }
    for (body, ctype, want) in [
        ("{", json, 400),
        ("[1]", json, 422),
        ("version=2", "application/x-www-form-urlencoded", 415),
    ] {
        let (s, v) = raw_post(
            &app,
            &format!("/api/v1/assessments/{aid}/sign"),
            &dr_t,
            ctype,
            body,
        )
        .await;
        assert_eq!(s, want, "{body}: {v}");
    }
    let (_, a) = app
        .get_json(&format!("/api/v1/assessments/{aid}"), &dr_t)
        .await;
    assert_eq!(a["status"], "draft", "no malformed body signed: {a}");
    let (_, p) = app
        .get_json(&format!("/api/v1/patients/{pid}"), &desk_t)
        .await;
    assert_eq!(
        p["archived"],
        json!(false),
        "no malformed body archived: {p}"
    );
    // No body at all is still the plain action.
    let (s, p) = raw_post(
        &app,
        &format!("/api/v1/patients/{pid}/archive"),
        &admin_t,
        json,
        "",
    )
    .await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["archived"], json!(true), "{p}");
    let (s, _) = raw_post(
        &app,
        &format!("/api/v1/patients/{pid}/archive"),
        &admin_t,
        json,
        r#"{"archived": false}"#,
    )
    .await;
    assert_eq!(s, 200);

    // Paper intakes: an empty one is not a history; unknown fields are named.
    let intakes = format!("/api/v1/patients/{pid}/intakes");
    for (body, field) in [
        ("{}", "chief_complaint"),
        ("[]", "body"),
        (
            r#"{"chief_complaint":"Neck","partial":true,"painnow":3}"#,
            "painnow",
        ),
        (
            r#"{"chief_complaint":"Neck","partial":true,"medications":[{"nmae":"x"}]}"#,
            "medications[0].nmae",
        ),
        (r#"{"partial":true}"#, "chief_complaint"),
        (r#"{"chief_complaint":"Neck","partial":"yes"}"#, "partial"),
    ] {
        let (s, v) = raw_post(&app, &intakes, &desk_t, json, body).await;
        assert_eq!(s, 422, "{body}: {v}");
        assert!(v["errors"][field].is_string(), "{body}: {v}");
    }
    let (_, list) = app
        .get_json(&format!("/api/v1/patients/{pid}/flags"), &dr_t)
        .await;
    assert_eq!(
        list["items"].as_array().map(Vec::len),
        Some(0),
        "nothing recorded: {list}"
    );

    // NUL and control characters in free text: refused beside the field.
    for (path, token, body, field) in [
        (
            intakes.clone(),
            &desk_t,
            every_question_answered(&json!({"chief_complaint": "Neck\u{0}pain"})),
            "chief_complaint",
        ),
        (
            intakes.clone(),
            &desk_t,
            every_question_answered(&json!({"goals": "Walk\u{1b}[2J"})),
            "goals",
        ),
        (
            format!("/api/v1/patients/{pid}/flags"),
            &dr_t,
            json!({"code": "osteoporosis", "level": "relative", "regions": [], "techniques": [],
                   "reason": "Seen on the DEXA\u{0} report last year."}),
            "reason",
        ),
    ] {
        let (s, v) = app.post_json(&path, Some(token), &body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {v}");
        assert!(v["errors"][field].is_string(), "{path}: {v}");
    }
}

async fn a_back_field_cannot_break_the_redirect(app: TestApp) {
    let desk = app.create_user(Role::FrontDesk).await;
    let token = app.api_token(&desk).await;
    let (s, p) = app
        .post_json(
            "/api/v1/patients",
            Some(&token),
            &json!({"given_name": "Ines", "family_name": "Back", "date_of_birth": "1980-01-01",
                    "email": "ines@example.org"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let pid = p["id"].as_str().unwrap();
    let b = app.signed_in(&desk).await;
    let page = format!("/patients/{pid}");
    for back in [
        "/day?date=2026-12-03\r\nSet-Cookie: planted=1",
        "//evil.example/day",
        "/day?next=https://evil.example",
    ] {
        let r = b
            .post_form(
                &format!("/patients/{pid}/intake-invitations"),
                &page,
                &[("email", "ines@example.org"), ("back", back)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{back:?}");
        let to = r.headers()["location"].to_str().unwrap().to_owned();
        assert!(
            to.starts_with(&format!("/patients/{pid}")),
            "{back:?} → {to}"
        );
        assert!(
            r.headers()
                .get_all("set-cookie")
                .iter()
                .all(|c| !c.to_str().unwrap_or("").contains("planted"))
        );
    }
}

/// Every JSON error carries a machine-readable `code` beside its message, one per kind
/// of answer, whichever layer answered (router, access guard, body reader, service).
async fn every_json_error_names_its_code(app: TestApp) {
    let desk = app.create_user(Role::FrontDesk).await;
    let dr = app.create_user(Role::Practitioner).await;
    let desk_t = app.api_token(&desk).await;
    let dr_t = app.api_token(&dr).await;
    let pid = patient(&app, &desk_t, "Coded").await;
    let (aid, _) = start(&app, &dr_t, &pid, false).await;
    let json = "application/json";
    let client = reqwest::Client::new();
    let send =
        |method: reqwest::Method, path: String, token: Option<&str>, ctype: &str, body: &str| {
            let mut req = client
                .request(method, app.url(&path))
                .header("content-type", ctype.to_owned())
                .body(body.to_owned());
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            async move {
                let r = req.send().await.unwrap();
                let status = r.status().as_u16();
                (status, r.json::<Value>().await.unwrap_or(Value::Null))
            }
        };
    use reqwest::Method;
    // What, method, path, token, content type, body, status, code.
    type Case<'a> = (
        &'a str,
        Method,
        String,
        Option<&'a str>,
        &'a str,
        &'a str,
        u16,
        &'a str,
    );
    let cases: Vec<Case> = vec![
        (
            "no token",
            Method::GET,
            "/api/v1/me".into(),
            None,
            json,
            "",
            401,
            "unauthenticated",
        ),
        (
            "wrong password",
            Method::POST,
            "/api/v1/auth/login".into(),
            None,
            json,
            r#"{"email":"nobody@clinic.example","password":"not it at all"}"#,
            401,
            "bad_credentials",
        ),
        (
            "role",
            Method::GET,
            "/api/v1/users".into(),
            Some(&desk_t),
            json,
            "",
            403,
            "forbidden",
        ),
        (
            "no such endpoint",
            Method::GET,
            "/api/v1/nowhere".into(),
            Some(&desk_t),
            json,
            "",
            404,
            "not_found",
        ),
        (
            "no such patient",
            Method::GET,
            "/api/v1/patients/01900000-0000-7000-8000-000000000000".into(),
            Some(&desk_t),
            json,
            "",
            404,
            "not_found",
        ),
        (
            "method",
            Method::DELETE,
            "/api/v1/me".into(),
            Some(&desk_t),
            json,
            "",
            405,
            "method_not_allowed",
        ),
        (
            "broken JSON",
            Method::POST,
            "/api/v1/patients".into(),
            Some(&desk_t),
            json,
            "{",
            400,
            "malformed_body",
        ),
        (
            "form body",
            Method::POST,
            "/api/v1/patients".into(),
            Some(&desk_t),
            "application/x-www-form-urlencoded",
            "given_name=A",
            415,
            "unsupported_media_type",
        ),
        (
            "missing fields",
            Method::POST,
            "/api/v1/patients".into(),
            Some(&desk_t),
            json,
            "{}",
            422,
            "invalid_input",
        ),
        (
            "stale version",
            Method::POST,
            format!("/api/v1/assessments/{aid}/sign"),
            Some(&dr_t),
            json,
            r#"{"version":999}"#,
            409,
            "stale_version",
        ),
        (
            "not signable yet",
            Method::POST,
            format!("/api/v1/assessments/{aid}/sign"),
            Some(&dr_t),
            json,
            "",
            409,
            "sign_refused",
        ),
        (
            "draft open",
            Method::POST,
            format!("/api/v1/patients/{pid}/assessments"),
            Some(&dr_t),
            json,
            "{}",
            409,
            "draft_open",
        ),
    ];
    for (what, method, path, token, ctype, body, status, code) in cases {
        let (s, v) = send(method, path.clone(), token, ctype, body).await;
        assert_eq!(s, status, "{what}: {path}: {v}");
        assert_eq!(v["code"], code, "{what}: {v}");
        assert!(
            v["error"].as_str().is_some_and(|m| !m.is_empty()),
            "{what}: {v}"
        );
    }
}

on_both_backends!(
    every_json_error_names_its_code,
    malformed_bodies_are_refused_not_ignored,
    a_back_field_cannot_break_the_redirect,
);
