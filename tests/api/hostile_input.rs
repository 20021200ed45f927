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

on_both_backends!(
    malformed_bodies_are_refused_not_ignored,
    a_back_field_cannot_break_the_redirect,
);
