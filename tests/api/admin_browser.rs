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

    // Someone guesses the desk's password from elsewhere: the account is locked to new
    // devices; the admin sees it and lifts it with one click.
    for i in 0..5 {
        let r = reqwest::Client::new()
            .post(app.url("/api/v1/auth/login"))
            .json(&serde_json::json!({"email": desk.email, "password": format!("guess {i} no")}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
    }
    c.goto(&app.url("/admin/users")).await.unwrap();
    let badge = text_of(c, ".badge-warn").await;
    assert!(badge.starts_with("Locked to new devices until"), "{badge}");
    assert_accessible(c, "staff accounts with a locked account").await;
    screenshot(c, "admin-locked-account").await;
    click_to_page(
        c,
        &format!("form[action='/admin/users/{}/unlock'] button", desk.id),
        "unlock",
    )
    .await;
    assert!(
        text_of(c, ".alert-ok")
            .await
            .contains("sign-in locks were lifted")
    );
    assert!(texts(&c.source().await.unwrap(), ".badge-warn").is_empty());

    // Mail that was given up on, as the admin finds it from the overview.
    let now = app.clock.now();
    app.with_db(move |conn| {
        use diesel::prelude::*;
        diesel::insert_into(clinic::schema::outbox::table)
            .values(&clinic::db::models::outbox::NewOutboxMessage {
                id: "01900000-0000-7000-8000-0000000a11ce",
                to_address: "margot.ward@example.org",
                template: "intake_invitation",
                subject: "Your pre-visit form for Test Clinic",
                body_text: "",
                body_html: "",
                created_at: now,
                attempts: 31,
                next_attempt_at: now,
            })
            .execute(conn)
            .unwrap();
        diesel::update(clinic::schema::outbox::table)
            .filter(clinic::schema::outbox::to_address.eq("margot.ward@example.org"))
            .set((
                clinic::schema::outbox::dead_at.eq(Some(now)),
                clinic::schema::outbox::last_error
                    .eq(Some("delivery failed: Connection refused (os error 111)")),
            ))
            .execute(conn)
            .unwrap();
    })
    .await;
    c.goto(&app.url("/")).await.unwrap();
    click_to_page(c, "a.tile[href='/admin/mail']", "the Email page").await;
    let rows = texts(&c.source().await.unwrap(), "tr.mail-dead");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].contains("margot.ward@example.org"), "{rows:?}");
    assert_accessible(c, "undelivered email").await;
    screenshot(c, "admin-undelivered-mail").await;
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
