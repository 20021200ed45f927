//! In Chromium at the practitioner's tablet (1024×768): a newer pre-visit form arrives
//! while the draft is open. The history review says so and offers "Review this form";
//! tapped (hit-tested first, as a finger lands), the review moves to the new form and
//! keeps the checks of answers that did not change. Pressing "Start first-visit
//! assessment" again lands in the open draft, which offers a new visit instead. Every
//! state passes axe-core and fits the screen; screenshots go to `docs/screenshots/`.

use clinic::domain::Role;
use fantoccini::Client;
use serde_json::json;

use crate::axe::assert_accessible;
use crate::browser::{chromium, screenshot};
use crate::emergency_browser::{fits_the_screen, js, sign_in};
use crate::finger::{aim, tap};
use crate::helpers::{Backend, TestApp};
use crate::intake_answers::every_question_answered;

/// The page's text; empty while a navigation replaces the document.
async fn body_text(c: &Client) -> String {
    c.execute(
        "return document.body ? document.body.innerText : '';",
        vec![],
    )
    .await
    .ok()
    .and_then(|v| v.as_str().map(str::to_owned))
    .unwrap_or_default()
}

async fn wait_for_text(c: &Client, needle: &str) -> String {
    let started = std::time::Instant::now();
    loop {
        let body = body_text(c).await;
        if body.contains(needle) {
            return body;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "{needle:?} did not appear: {body}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

async fn a_newer_form_on_the_tablet(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let desk = app.create_user(Role::FrontDesk).await;
    let dr = app.create_user(Role::Practitioner).await;
    let desk_token = app.api_token(&desk).await;
    let dr_token = app.api_token(&dr).await;
    let (s, p) = app
        .post_json(
            "/api/v1/patients",
            Some(&desk_token),
            &json!({"given_name": "Agnieszka", "family_name": "Nowak",
                    "date_of_birth": "1983-06-30", "sex": "female"}),
        )
        .await;
    assert_eq!(s, 201, "{p}");
    let pid = p["id"].as_str().unwrap().to_owned();
    let form = |complaint: &str| {
        every_question_answered(&json!({
            "chief_complaint": complaint, "onset": "Since Monday", "pain_now": 4,
            "pain_regions": ["neck", "left_shoulder"],
        }))
    };
    let intakes = format!("/api/v1/patients/{pid}/intakes");
    let (s, v) = app
        .post_json(&intakes, Some(&desk_token), &form("Stiff neck"))
        .await;
    assert_eq!(s, 201, "{v}");
    let (s, a) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/assessments"),
            Some(&dr_token),
            &json!({}),
        )
        .await;
    assert_eq!(s, 201, "{a}");
    let aid = a["id"].as_str().unwrap().to_owned();
    let saved = app
        .http
        .put(app.url(&format!("/api/v1/assessments/{aid}")))
        .bearer_auth(&dr_token)
        .json(&json!({"version": a["version"], "history": [
            {"item": "chief_complaint", "status": "verified"},
            {"item": "onset", "status": "verified"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 200);
    let (s, v) = app
        .post_json(
            &intakes,
            Some(&desk_token),
            &form("Stiff neck and headaches in the morning"),
        )
        .await;
    assert_eq!(s, 201, "{v}");

    let Some(tablet) = chromium(1024, 768).await else {
        return;
    };
    let c = &tablet.client;
    sign_in(&app, c, &dr).await;

    let workspace = app.url(&format!("/patients/{pid}/assessments/{aid}"));
    c.goto(&workspace).await.unwrap();
    let body = wait_for_text(c, "A newer pre-visit form was submitted").await;
    assert!(body.contains("Stiff neck"), "{body}");
    assert!(
        !body.contains("headaches in the morning"),
        "the draft still shows the form it reviews"
    );
    js(
        c,
        "document.querySelector('.ws-history-notice').scrollIntoView({block: 'center'}); return null;",
    )
    .await;
    fits_the_screen(c, "workspace with a newer form").await;
    assert_accessible(c, "workspace with a newer form").await;
    screenshot(c, "assessment-newer-form").await;

    tap(c, ".ws-pin button").await;
    let body = wait_for_text(c, "now reads the newest pre-visit form").await;
    assert!(body.contains("headaches in the morning"), "{body}");
    assert!(!body.contains("A newer pre-visit form was submitted"));
    let checks = js(
        c,
        "return Array.from(document.querySelectorAll('#history select[data-key=status]')).map(s => s.value);",
    )
    .await;
    let verified = checks
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| *v == "verified")
        .count();
    assert_eq!(
        verified, 1,
        "only the unchanged onset keeps its check: {checks}"
    );
    fits_the_screen(c, "workspace after Review this form").await;
    assert_accessible(c, "workspace after Review this form").await;

    // "Start first-visit assessment" again: the open draft, and a way to a new visit.
    c.goto(&app.url(&format!("/patients/{pid}"))).await.unwrap();
    // The records-request button: where a finger lands, and what it downloads with the
    // practitioner's session (fetched in the page, as the browser's download would).
    let download = "#assessments a[download][href$='/fhir']";
    aim(c, download).await;
    let got = js(
        c,
        &format!(
            "return fetch(document.querySelector(\"{download}\").href).then(r => r.json().then(b => [r.status, r.headers.get('content-disposition'), b.resourceType, b.type, b.entry.length]));"
        ),
    )
    .await;
    assert_eq!(got[0], 200, "{got}");
    assert!(
        got[1]
            .as_str()
            .unwrap()
            .starts_with("attachment; filename=\"P-"),
        "{got}"
    );
    assert_eq!(
        (&got[2], &got[3]),
        (&json!("Bundle"), &json!("collection")),
        "{got}"
    );
    assert_accessible(c, "patient page with the record download").await;
    screenshot(c, "patient-record-download").await;
    tap(
        c,
        &format!("form[action='/patients/{pid}/assessments'] button"),
    )
    .await;
    wait_for_text(c, "already has this draft assessment open").await;
    let url = c.current_url().await.unwrap();
    assert!(url.path().ends_with(&aid), "landed in the draft: {url}");
    fits_the_screen(c, "workspace offering a new visit").await;
    assert_accessible(c, "workspace offering a new visit").await;
    tap(c, "form.ws-new-visit button").await;
    // The draft's page already says "Changes save as you go": wait for the address to
    // leave the draft, then for the new visit's page.
    let started = std::time::Instant::now();
    loop {
        let url = c.current_url().await.unwrap();
        if !url.path().ends_with(&aid) {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "no second visit started: still at {url}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    wait_for_text(c, "Changes save as you go").await;
    tablet.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newer_form_on_the_tablet_on_sqlite() {
    a_newer_form_on_the_tablet(Backend::Sqlite).await;
}
