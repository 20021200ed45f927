//! In a real browser (Debian's Chromium): the thank-you page after an emergency answer on
//! a phone (390×844), and Today with the patient under "Needs review now" on the front
//! desk's screen (1366×768). Neither scrolls sideways, both pass axe-core, and the
//! screenshots go to `docs/screenshots/`.

use clinic::domain::Role;
use fantoccini::{Client, Locator};
use serde_json::{Value, json};

use crate::assessment_browser::{mark_page, wait_for_new_page};
use crate::axe::assert_accessible;
use crate::browser::{chromium, screenshot};
use crate::emergency_alerts::{
    clinic_with_alerts, fill_all_but_signing, invite, mail_to, submit_form,
};
use crate::helpers::{Backend, TestApp, TestUser};

/// Runs a script in the page and returns its value.
pub async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("{script}: {e}"))
}

/// Fails when the page is wider than the screen.
pub async fn fits_the_screen(c: &Client, what: &str) {
    let v = js(
        c,
        "return [document.documentElement.scrollWidth, window.innerWidth];",
    )
    .await;
    let (scroll, inner) = (v[0].as_i64().unwrap(), v[1].as_i64().unwrap());
    assert!(
        scroll <= inner,
        "{what}: the page is {scroll}px wide on a {inner}px screen"
    );
}

async fn text_of(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

/// Clicks `css` and waits until another page has loaded.
async fn click_and_wait(c: &Client, css: &str, what: &str) {
    mark_page(c).await;
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
    wait_for_new_page(c, what).await;
}

/// Signs in through the login page and waits until it has left it.
pub async fn sign_in(app: &TestApp, c: &Client, user: &TestUser) {
    c.goto(&app.url("/login")).await.unwrap();
    c.find(Locator::Css("#email"))
        .await
        .unwrap()
        .send_keys(&user.email)
        .await
        .unwrap();
    c.find(Locator::Css("#password"))
        .await
        .unwrap()
        .send_keys(&user.password)
        .await
        .unwrap();
    click_and_wait(c, "form[action='/login'] button[type=submit]", "sign-in").await;
    let url = c.current_url().await.unwrap();
    assert!(!url.path().starts_with("/login"), "signed in (at {url})");
}

async fn an_emergency_answer_in_the_browser(backend: Backend) {
    let Some(app) = clinic_with_alerts(backend, Some("alerts@clinic.example")).await else {
        return;
    };
    let desk = app.create_user(Role::FrontDesk).await;
    let dr = app.create_user(Role::Practitioner).await;
    let desk_token = app.api_token(&desk).await;
    let p = invite(&app, &desk_token, "Henrietta", "Vasquez-Lindqvist").await;
    // A second patient answered with an urgent sign; both have a first visit today.
    let other = invite(&app, &desk_token, "Jonas", "Abernathy").await;
    submit_form(&app, &other, &["fever_chills"]).await;
    let today = app.clock.now().date();
    for (patient, time) in [(&p.id, "15:30"), (&other.id, "10:00")] {
        let (s, body) = app
            .post_json(
                &format!("/api/v1/patients/{patient}/appointments"),
                Some(&desk_token),
                &json!({"practitioner_id": dr.id, "starts_at": format!("{today}T{time}"), "minutes": 45, "kind": "first_visit"}),
            )
            .await;
        assert_eq!(s, 201, "{body}");
    }
    // The earlier steps over HTTP (the form's own browser test covers them in
    // Chromium); the last step, signing and submitting, on the phone.
    fill_all_but_signing(&app.browser(), &p.link, &["bladder_bowel_change"]).await;

    let Some(phone) = chromium(390, 844).await else {
        return;
    };
    let c = &phone.client;
    c.goto(&app.url(&format!("{}?step=7", p.link)))
        .await
        .unwrap();
    c.find(Locator::Css("#signed_name"))
        .await
        .unwrap()
        .send_keys("Henrietta Vasquez-Lindqvist")
        .await
        .unwrap();
    c.find(Locator::Css("input[name=consent_agree]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    click_and_wait(c, "button[value=submit]", "submit").await;
    let heading = text_of(c, "h1").await;
    assert_eq!(heading, "Seek emergency care now");
    // The instruction is on the first screen, without scrolling.
    let top = js(
        c,
        "return document.querySelector('.seek-care-do').getBoundingClientRect().bottom;",
    )
    .await;
    assert!(
        top.as_f64().unwrap() < 844.0,
        "the instruction is above the fold"
    );
    let alert = text_of(c, "[role=alert]").await;
    assert!(alert.contains("cauda equina syndrome"), "{alert}");
    fits_the_screen(c, "emergency thank-you page").await;
    assert_accessible(c, "emergency thank-you page").await;
    screenshot(c, "emergency-done-phone").await;
    phone.finish().await;

    mail_to(&app, "alerts@clinic.example", 1).await;
    let Some(desktop) = chromium(1366, 768).await else {
        return;
    };
    let c = &desktop.client;
    sign_in(&app, c, &desk).await;
    c.goto(&app.url("/day")).await.unwrap();
    let section = text_of(c, ".needs-review").await;
    assert!(
        section.contains("Needs review now")
            && section.contains("Vasquez-Lindqvist, Henrietta")
            && section.contains("Emergency")
            && section.contains("Tell a practitioner now"),
        "{section}"
    );
    let first = text_of(c, ".needs-review li").await;
    assert!(first.contains("Henrietta"), "the emergency first: {first}");
    assert!(section.contains("Abernathy, Jonas") && section.contains("Call the patient today"));
    // The section comes before the day list.
    let order = js(
        c,
        "return document.querySelector('.needs-review').compareDocumentPosition(document.querySelector('table.day')) & Node.DOCUMENT_POSITION_FOLLOWING;",
    )
    .await;
    assert_eq!(order.as_i64(), Some(4), "above the day list");
    fits_the_screen(c, "Today with a form to review").await;
    assert_accessible(c, "Today with a form to review").await;
    screenshot(c, "today-needs-review").await;
    desktop.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_emergency_answer_in_the_browser_on_sqlite() {
    an_emergency_answer_in_the_browser(Backend::Sqlite).await;
}
