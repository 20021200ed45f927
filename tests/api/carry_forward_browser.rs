//! In Chromium at the practitioner's tablet (1024×768): the patient's second visit
//! starts from the signed first one. "Carry forward" (hit-tested first, as a finger
//! lands) fills posture, range of motion and palpation in place, each marked with the
//! date it came from, on the section and on the rail; changing the range of motion
//! takes its mark away and leaves the others, and "Keep as is" takes palpation's. Every state passes axe-core and fits the
//! screen; the screenshot goes to `docs/screenshots/exam-carry-forward.png`.

use std::time::{Duration, Instant};

use clinic::domain::Role;
use fantoccini::{Client, Locator};
use serde_json::json;

use crate::assessment_browser::{
    HEIGHT, WIDTH, fits_the_screen, js, mark_page, sign_in, text_of, wait_saved,
};
use crate::axe::assert_accessible;
use crate::browser::{chromium, screenshot};
use crate::carry_forward::{palpation, patient, posture, rom, signed_first_visit, start};
use crate::finger::tap;
use crate::helpers::{Backend, TestApp};

async fn count(c: &Client, css: &str) -> i64 {
    js(
        c,
        &format!("return document.querySelectorAll({css:?}).length;"),
    )
    .await
    .as_i64()
    .unwrap()
}

async fn wait_for_status(c: &Client, starts_with: &str) -> String {
    let started = Instant::now();
    loop {
        let now = text_of(c, "#ws-status").await;
        if now.starts_with(starts_with) {
            return now;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the status never said {starts_with:?} (last: {now:?})"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn a_second_visit_starts_from_the_first(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let desk = app.create_user(Role::FrontDesk).await;
    let desk = app.api_token(&desk).await;
    let dr = app.create_user(Role::Practitioner).await;
    let token = app.api_token(&dr).await;
    let pid = patient(&app, &desk, "Tablet").await;
    let all = json!({"posture": posture(), "rom": rom(), "palpation": palpation()});
    let (_, first) = signed_first_visit(&app, &token, &pid, all).await;
    let (aid, _) = start(&app, &token, &pid, false).await;

    let Some(tablet) = chromium(WIDTH, HEIGHT).await else {
        return;
    };
    let c = &tablet.client;
    sign_in(&app, c, &dr).await;
    c.goto(&app.url(&format!("/patients/{pid}/assessments/{aid}")))
        .await
        .unwrap();
    let card = text_of(c, "#carry-forward").await;
    assert!(card.contains("Start from the assessment of"), "{card}");
    js(
        c,
        "document.getElementById('carry-forward').scrollIntoView({block: 'center'}); return null;",
    )
    .await;
    fits_the_screen(c, "the carry-forward card").await;
    assert_accessible(c, "workspace offering to carry forward").await;
    screenshot(c, "exam-carry-forward-card").await;

    // One tap: the three sections arrive in place, each marked, with no reload.
    mark_page(c).await;
    tap(c, ".ws-carry-btn").await;
    wait_for_status(c, "Carried forward").await;
    assert_eq!(
        js(c, "return window.__clinicTestOldPage === true;").await,
        json!(true),
        "carried in place, not by a reload"
    );
    assert_eq!(count(c, ".ws-section .ws-carried").await, 3);
    assert_eq!(count(c, ".ws-index .carried-mark").await, 3);
    assert_eq!(count(c, "#ws-blockers .ws-reminders li").await, 3);
    let note = text_of(c, "#posture .ws-carried").await;
    assert!(note.contains("— check and change"), "{note}");
    let degrees = js(c, "return Array.from(document.querySelectorAll('#rom input[data-key=degrees]')).map(i => i.value).filter(v => v);").await;
    assert_eq!(
        degrees.as_array().unwrap().len(),
        first["rom"].as_array().unwrap().len(),
        "{degrees}"
    );
    assert_eq!(
        count(c, "#carry-forward .ws-carry").await,
        0,
        "nothing left to carry"
    );
    js(
        c,
        "document.getElementById('posture').scrollIntoView({block: 'start'}); window.scrollBy(0, -document.getElementById('ws-pinned').offsetHeight - 8); return null;",
    )
    .await;
    fits_the_screen(c, "carried forward").await;
    assert_accessible(c, "workspace with carried-forward sections").await;
    screenshot(c, "exam-carry-forward").await;

    // A change to the range of motion makes it today's finding: its mark goes.
    let first_degrees = "#rom input[data-key=degrees]";
    tap(c, first_degrees).await;
    let field = c.find(Locator::Css(first_degrees)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys("55").await.unwrap();
    wait_saved(c, "a changed range of motion").await;
    assert_eq!(count(c, "[data-carried=rom]").await, 0);
    assert_eq!(count(c, "#posture .ws-carried").await, 1);
    assert_eq!(count(c, "#palpation .ws-carried").await, 1);
    assert_eq!(count(c, ".ws-index .carried-mark").await, 2);
    assert_eq!(count(c, "#ws-blockers .ws-reminders li").await, 2);
    fits_the_screen(c, "after changing the range of motion").await;
    assert_accessible(c, "workspace after changing a carried section").await;

    // "Keep as is" on palpation: checked, still true; its mark goes in place too.
    mark_page(c).await;
    tap(c, "#palpation .ws-keep-btn").await;
    wait_for_status(c, "Kept as is").await;
    assert_eq!(
        js(c, "return window.__clinicTestOldPage === true;").await,
        json!(true),
        "kept in place, not by a reload"
    );
    assert_eq!(count(c, "[data-carried=palpation]").await, 0);
    assert_eq!(count(c, "#ws-blockers .ws-reminders li").await, 1);
    assert_accessible(c, "workspace after Keep as is").await;

    // The server agrees after a reload.
    c.refresh().await.unwrap();
    assert_eq!(count(c, "[data-carried=rom]").await, 0);
    assert_eq!(count(c, "[data-carried=posture]").await, 2, "note and rail");
    tablet.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_visit_starts_from_the_first_on_sqlite() {
    a_second_visit_starts_from_the_first(Backend::Sqlite).await;
}
