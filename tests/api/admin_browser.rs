//! In Chromium on the administrator's desktop (1366×768): signing in lands on the
//! overview; a new colleague's account is made by email invitation (no password typed
//! by the admin); the audit trail answers "who opened this chart?" by the patient's
//! chart number, and refuses a bad date with a message by the field. Every state is
//! hit-tested where it is clicked and passes axe-core; screenshots go to
//! `docs/screenshots/admin-*.png`.

use clinic::domain::Role;
use fantoccini::{Client, Locator};

use crate::assessment_browser::{js, mark_page, sign_in, text_of, wait_for_new_page};
use crate::axe::assert_accessible;
use crate::browser::{chromium, screenshot};
use crate::carry_forward::patient;
use crate::finger::aim;
use crate::helpers::{Backend, TestApp, texts};

const WIDTH: u32 = 1366;
const HEIGHT: u32 = 768;

/// A click where a person clicks: hit-tested first, then a wait for the next page.
async fn click_to_page(c: &Client, css: &str, what: &str) {
    aim(c, css).await;
    mark_page(c).await;
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_new_page(c, what).await;
}

async fn type_in(c: &Client, css: &str, text: &str) {
    aim(c, css).await;
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .send_keys(text)
        .await
        .unwrap();
}

async fn an_admin_invites_and_audits(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.create_user(Role::Admin).await;
    let desk = app.create_user(Role::FrontDesk).await;
    let desk_token = app.api_token(&desk).await;
    let pid = patient(&app, &desk_token, "Audited").await;
    // The desk opens the chart: the event the admin will look for.
    let desk_browser = app.signed_in(&desk).await;
    let (s, _) = desk_browser.get_html(&format!("/patients/{pid}")).await;
    assert_eq!(s, 200);

    let Some(desktop) = chromium(WIDTH, HEIGHT).await else {
        return;
    };
    let c = &desktop.client;
    sign_in(&app, c, &admin).await;
    assert_eq!(c.current_url().await.unwrap().path(), "/");
    assert_accessible(c, "the admin's overview").await;

    // A new account by invitation: the default choice, no password typed.
    c.goto(&app.url("/admin/users/new")).await.unwrap();
    assert_accessible(c, "new staff account").await;
    type_in(c, "#name", "Noor Haddad").await;
    type_in(c, "#email", "noor@clinic.example").await;
    let chosen = js(
        c,
        "return document.querySelector('input[name=password_by]:checked').value;",
    )
    .await;
    assert_eq!(chosen.as_str(), Some("email"));
    screenshot(c, "admin-new-account").await;
    click_to_page(
        c,
        "form[action='/admin/users'] button[type=submit]",
        "create",
    )
    .await;
    let notice = text_of(c, ".alert-ok").await;
    assert!(notice.contains("welcome email is on its way"), "{notice}");
    assert_accessible(c, "staff accounts after an invitation").await;

    // Who opened this chart? By its chart number.
    c.goto(&app.url("/admin/audit")).await.unwrap();
    type_in(c, "#patient", "P-000001").await;
    click_to_page(c, "form.filters button[type=submit]", "filter by patient").await;
    let html = c.source().await.unwrap();
    let rows = texts(&html, "table tbody tr");
    assert!(
        rows.iter().any(|r| r.contains(&desk.email)
            && r.contains("patient.viewed")
            && r.contains("P-000001")),
        "the desk's read of the chart is listed with the patient: {rows:?}"
    );
    assert_accessible(c, "audit trail of one patient").await;
    screenshot(c, "admin-audit-one-patient").await;

    // A bad date: a message by the field, not a silently ignored filter.
    c.goto(&app.url("/admin/audit?from=2026-13-40"))
        .await
        .unwrap();
    let errors = texts(&c.source().await.unwrap(), ".field-error");
    assert!(!errors.is_empty(), "a bad date is named");
    assert_accessible(c, "audit trail with a bad date").await;
    desktop.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_invites_and_audits_on_sqlite() {
    an_admin_invites_and_audits(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_invites_and_audits_on_postgres() {
    an_admin_invites_and_audits(Backend::Postgres).await;
}
