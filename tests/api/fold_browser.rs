//! In Chromium at the practitioner's tablet (1024×768): the workspace's rolling window.
//! The section being charted and its neighbours stay open, the others fold to their
//! heading, one line of what they hold and Open. The window follows the rail, Alt+digit,
//! Open and a tap into a section; a refused section never folds; the digest of a folded
//! section says what its last save holds; "Fold other sections" off shows everything
//! and is remembered across a reload; a link to `#plan` opens there. Every state passes
//! axe-core; the screenshot goes to `docs/screenshots/exam-folded.png`.

use std::time::{Duration, Instant};

use clinic::domain::Role;
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::Value;

use crate::assessment_browser::{HEIGHT, WIDTH, js, settled_status, sign_in, text_of, wait_saved};
use crate::axe::assert_accessible;
use crate::browser::{chromium, screenshot};
use crate::carry_forward::{patient, start};
use crate::finger::{alt, tap};
use crate::helpers::{Backend, TestApp};

/// The sections shown open, in page order.
async fn open_sections(c: &Client) -> Vec<String> {
    let v = js(
        c,
        "return Array.from(document.querySelectorAll('form.ws-section:not(.ws-folded)')).map(f => f.id);",
    )
    .await;
    strings(&v)
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

/// The rail link marked as where the practitioner is.
async fn current(c: &Client) -> String {
    js(
        c,
        "const a = document.querySelector('.ws-index a[aria-current=location]'); return a ? a.getAttribute('href') : null;",
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

/// Waits until the window is `want` (the script moves it on the event, but a save's
/// answer may redraw a section first).
async fn window_is(c: &Client, want: &[&str], what: &str) {
    let started = Instant::now();
    loop {
        let now = open_sections(c).await;
        if now == want {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{what}: open sections {now:?}, expected {want:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Every folded section is one line: its heading, its digest and Open.
async fn folded_are_one_line(c: &Client, what: &str) {
    let heights = js(
        c,
        "return Array.from(document.querySelectorAll('form.ws-section.ws-folded')).map(f => [f.id, f.getBoundingClientRect().height, getComputedStyle(f.querySelector('.ws-show')).display]);",
    )
    .await;
    for row in heights.as_array().unwrap() {
        let (id, h, open) = (&row[0], row[1].as_f64().unwrap(), &row[2]);
        assert!(h <= 80.0, "{what}: folded {id} is {h} px tall");
        assert_ne!(open, "none", "{what}: folded {id} shows its Open");
    }
}

async fn type_into(c: &Client, css: &str, text: &str) {
    let field = c.find(Locator::Css(css)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

const LUMBAR_FLEXION: &str =
    "#rom tr[data-const*='\"lumbar\",\"motion\":\"flexion\"'] input[data-key=degrees]";
const HEAD_FINDING: &str = "#posture li[data-const*='\"head\"'] select[data-key=finding]";

async fn the_window_follows_the_practitioner(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let desk = app.create_user(Role::FrontDesk).await;
    let desk = app.api_token(&desk).await;
    let dr = app.create_user(Role::Practitioner).await;
    let token = app.api_token(&dr).await;
    let pid = patient(&app, &desk, "Window").await;
    let (aid, _) = start(&app, &token, &pid, false).await;
    let page = format!("/patients/{pid}/assessments/{aid}");

    let Some(tablet) = chromium(WIDTH, HEIGHT).await else {
        return;
    };
    let c = &tablet.client;
    sign_in(&app, c, &dr).await;
    c.goto(&app.url(&page)).await.unwrap();

    // A new draft opens at the history with the posture below; seven sections fold.
    window_is(c, &["history", "posture"], "a new draft").await;
    assert_eq!(current(c).await, "#history");
    folded_are_one_line(c, "a new draft").await;
    let digest = text_of(c, "#digest-palpation").await;
    assert_eq!(
        digest, "Not charted yet",
        "a folded section says what it holds"
    );
    let expanded = js(
        c,
        "return [document.querySelector('#palpation .ws-show').getAttribute('aria-expanded'), document.querySelector('#posture .ws-show').getAttribute('aria-expanded')];",
    )
    .await;
    assert_eq!(
        strings(&expanded),
        ["false", "true"],
        "Open says whether it is open"
    );
    assert_accessible(c, "workspace with folded sections").await;
    js(
        c,
        "document.getElementById('rom').scrollIntoView({block: 'start'}); return null;",
    )
    .await;
    screenshot(c, "exam-folded").await;

    // The rail: palpation and the sections either side open, at the top of the screen.
    tap(c, ".ws-index a[href='#palpation']").await;
    window_is(c, &["rom", "palpation", "tests"], "rail tap on Palpation").await;
    assert_eq!(current(c).await, "#palpation");
    assert_eq!(c.current_url().await.unwrap().fragment(), Some("palpation"));
    let gap = js(
        c,
        "return document.getElementById('palpation').getBoundingClientRect().top - document.querySelector('.ws-sticky').getBoundingClientRect().bottom;",
    )
    .await
    .as_f64()
    .unwrap();
    assert!(
        (0.0..=24.0).contains(&gap),
        "palpation lands under the pinned bar ({gap} px)"
    );

    // A tap into a folded section (through its Open, as a finger does) moves the window.
    tap(c, HEAD_FINDING).await;
    window_is(c, &["history", "posture", "rom"], "charting the posture").await;
    c.find(Locator::Css(HEAD_FINDING))
        .await
        .unwrap()
        .select_by_value("head_forward")
        .await
        .unwrap();
    wait_saved(c, "a posture finding").await;

    // Alt+6: the neuro screen; the posture folds, its digest the server's words for
    // what was just saved.
    // WebDriver chose the option through the open list; a person's Escape closes it
    // (the keyboard goes to the list while it is open).
    c.find(Locator::Css("body"))
        .await
        .unwrap()
        .send_keys(&Key::Escape.to_string())
        .await
        .unwrap();
    alt(c, '6').await;
    window_is(c, &["tests", "neuro", "pain"], "Alt+6").await;
    assert_eq!(current(c).await, "#neuro");
    let url = c.current_url().await.unwrap();
    assert_eq!(
        url.fragment(),
        Some("neuro"),
        "the address follows: a reload resumes there"
    );
    let digest = text_of(c, "#digest-posture").await;
    assert!(digest.starts_with("1 finding: Forward head"), "{digest}");
    assert_accessible(c, "workspace after moving on").await;

    // A refused save never folds until it is fixed.
    tap(c, LUMBAR_FLEXION).await;
    type_into(c, LUMBAR_FLEXION, "999").await;
    let status = settled_status(c, "999 degrees").await;
    assert!(status.starts_with("Not saved"), "{status}");
    alt(c, '9').await;
    window_is(
        c,
        &["rom", "diagnoses", "plan"],
        "away from a refused section",
    )
    .await;
    let rail = js(
        c,
        "return document.querySelector('.ws-index a[href=\"#rom\"]').className;",
    )
    .await;
    assert!(rail.as_str().unwrap().contains("unsaved"), "{rail}");
    assert_accessible(c, "a refused section kept open").await;
    type_into(c, LUMBAR_FLEXION, "40").await;
    wait_saved(c, "40 degrees").await;
    alt(c, '9').await;
    window_is(c, &["diagnoses", "plan"], "the fixed section folds again").await;
    let digest = text_of(c, "#digest-rom").await;
    assert!(digest.contains("Lumbar"), "{digest}");

    // Folding off shows everything, and the device remembers it.
    tap(c, "#ws-fold-pref").await;
    window_is(
        c,
        &[
            "history",
            "posture",
            "rom",
            "palpation",
            "tests",
            "neuro",
            "pain",
            "diagnoses",
            "plan",
        ],
        "folding off",
    )
    .await;
    assert_accessible(c, "workspace with nothing folded").await;
    c.refresh().await.unwrap();
    let pref = js(c, "return document.getElementById('ws-fold-pref').checked;").await;
    assert_eq!(pref, Value::Bool(false), "the choice survives a reload");
    assert_eq!(
        open_sections(c).await.len(),
        9,
        "nothing folds after the reload"
    );
    tap(c, "#ws-fold-pref").await;
    assert!(open_sections(c).await.len() <= 3, "folding on again");

    // A link to a section opens the workspace there.
    c.goto(&app.url(&format!("{page}#plan"))).await.unwrap();
    c.refresh().await.unwrap();
    window_is(c, &["diagnoses", "plan"], "a link to #plan").await;
    assert_eq!(current(c).await, "#plan");
    folded_are_one_line(c, "a link to #plan").await;
    tablet.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_follows_the_practitioner_on_sqlite() {
    the_window_follows_the_practitioner(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_follows_the_practitioner_on_postgres() {
    the_window_follows_the_practitioner(Backend::Postgres).await;
}
