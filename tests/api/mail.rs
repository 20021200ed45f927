//! Mail through a real SMTP server: the password-reset journey, delivery after an SMTP
//! outage, and the development outbox folder.

use std::time::Duration;

use clinic::domain::Role;
use serde_json::json;

use crate::helpers::{Backend, Options, TestApp, decode_qp, read_dir_files, reset_token_in};

fn reset_path(message: &str) -> String {
    format!(
        "/password-reset/{}",
        reset_token_in(message).expect("a reset link in the mail")
    )
}

async fn send_reset(admin_browser: &crate::helpers::Browser, target: &str) {
    let r = admin_browser.staff_action(target, "password-reset").await;
    assert_eq!(r.status(), 303);
}

async fn password_reset_by_email(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, Options { smtp: true }).await else {
        return;
    };
    let admin = app.create_user(Role::Admin).await;
    let staff = app.create_user(Role::Practitioner).await;
    let browser = app.signed_in(&admin).await;
    let old_token = app.api_token(&staff).await;
    send_reset(&browser, &staff.id).await;

    let smtp = app.smtp.as_ref().unwrap();
    let messages = smtp.wait_for(1, Duration::from_secs(15)).await;
    assert_eq!(messages.len(), 1, "one email arrived");
    let m = &messages[0];
    assert!(m.contains(&format!("To: {}", staff.email)), "{m}");
    assert!(
        m.contains("Subject: Test Clinic: set a new password"),
        "{m}"
    );
    assert!(
        m.contains("text/plain") && m.contains("text/html"),
        "text and HTML parts"
    );
    let path = reset_path(m);

    let visitor = app.browser();
    let (status, html) = visitor.get_html(&path).await;
    assert_eq!(status, 200);
    assert!(html.contains(&staff.name));
    // Opening the link does not spend it; a weak password is refused next to the field.
    let r = visitor
        .post_form(
            &path,
            &path,
            &[("new_password", "short"), ("confirm_password", "short")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert_eq!(
        crate::helpers::texts(&html, ".field-error").len(),
        1,
        "{html}"
    );
    let r = visitor
        .post_form(
            &path,
            &path,
            &[
                ("new_password", "lilac summit ferry"),
                ("confirm_password", "lilac summit ferry"),
            ],
        )
        .await;
    assert_eq!(r.status(), 200);

    // The new password works, the old one and the old sessions do not, the link is spent.
    let (s, _) = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"email": staff.email, "password": "lilac summit ferry"}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, _) = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"email": staff.email, "password": staff.password}),
        )
        .await;
    assert_eq!(s, 401);
    let (s, _) = app.get_json("/api/v1/me", &old_token).await;
    assert_eq!(s, 401, "a password reset ends existing sessions");
    let (s, _) = visitor.get_html(&path).await;
    assert_eq!(s, 410, "the link works once");

    // The outbox keeps no copy of the link once sent.
    let bodies: Vec<String> = app
        .with_db(|conn| {
            use clinic::schema::outbox::dsl::*;
            use diesel::prelude::*;
            outbox.select(body_text).load(conn).unwrap()
        })
        .await;
    assert!(bodies.iter().all(|b| b.is_empty()), "sent bodies are wiped");
}

async fn an_smtp_outage_delays_mail_but_loses_none(backend: Backend) {
    let Some(mut app) = TestApp::spawn_with(backend, Options { smtp: true }).await else {
        return;
    };
    let admin = app.create_user(Role::Admin).await;
    let staff = app.create_user(Role::FrontDesk).await;
    let browser = app.signed_in(&admin).await;
    app.smtp.as_mut().unwrap().stop();
    send_reset(&browser, &staff.id).await;

    // The sender tries, fails and schedules a retry.
    let started = std::time::Instant::now();
    loop {
        let attempts: Vec<i32> = app
            .with_db(|conn| {
                use clinic::schema::outbox::dsl::*;
                use diesel::prelude::*;
                outbox.select(attempts).load(conn).unwrap()
            })
            .await;
        if attempts.first().is_some_and(|a| *a >= 1) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the sender tried while SMTP was down"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.smtp.as_mut().unwrap().restart();
    app.clock.advance(chrono::TimeDelta::minutes(5));
    let messages = app
        .smtp
        .as_ref()
        .unwrap()
        .wait_for(1, Duration::from_secs(20))
        .await;
    assert_eq!(messages.len(), 1, "delivered after SMTP came back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_reset_by_email_on_sqlite() {
    password_reset_by_email(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_reset_by_email_on_postgres() {
    password_reset_by_email(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_smtp_outage_delays_mail_but_loses_none_on_sqlite() {
    an_smtp_outage_delays_mail_but_loses_none(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_smtp_outage_delays_mail_but_loses_none_on_postgres() {
    an_smtp_outage_delays_mail_but_loses_none(Backend::Postgres).await;
}

/// A new colleague chooses their own password: the admin ticks "Email them a link",
/// types none, and the welcome email's link sets it; nothing signs in before that.
async fn a_new_colleague_chooses_their_password(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, Options { smtp: true }).await else {
        return;
    };
    let admin = app.create_user(Role::Admin).await;
    let browser = app.signed_in(&admin).await;
    let (s, form) = browser.get_html("/admin/users/new").await;
    assert_eq!(s, 200);
    assert!(
        form.contains(r#"value="email" checked"#),
        "emailing the link is the default: {form}"
    );
    let r = browser
        .post_form(
            "/admin/users",
            "/admin/users/new",
            &[
                ("name", "Noor Haddad"),
                ("email", "noor@clinic.example"),
                ("role", "practitioner"),
                ("password_by", "email"),
                ("password", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(to, "/admin/users?done=invited");
    let (_, list) = browser.get_html(&to).await;
    assert!(list.contains("welcome email is on its way"), "{list}");

    let messages = app
        .smtp
        .as_ref()
        .unwrap()
        .wait_for(1, Duration::from_secs(15))
        .await;
    let m = &messages[0];
    assert!(m.contains("To: noor@clinic.example"), "{m}");
    assert!(
        m.contains("Subject: Test Clinic: your staff account"),
        "{m}"
    );
    let text = decode_qp(m);
    assert!(text.contains("for 72 hours"), "{text}");
    let path = reset_path(m);

    let visitor = app.browser();
    let (s, html) = visitor.get_html(&path).await;
    assert_eq!(s, 200);
    assert!(html.contains("Noor"), "{html}");
    let r = visitor
        .post_form(
            &path,
            &path,
            &[
                ("new_password", "harbour lantern quill"),
                ("confirm_password", "harbour lantern quill"),
            ],
        )
        .await;
    assert_eq!(r.status(), 200);
    let (s, _) = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"email": "noor@clinic.example", "password": "harbour lantern quill"}),
        )
        .await;
    assert_eq!(s, 200, "the chosen password signs in");
    let (s, _) = visitor.get_html(&path).await;
    assert_eq!(s, 410, "the link works once");

    // The API does the same with "password_by": "email"; a typed password is still
    // checked when it is the choice.
    let token = app.api_token(&admin).await;
    let (s, body) = app
        .post_json(
            "/api/v1/users",
            Some(&token),
            &json!({"email": "lea@clinic.example", "name": "Léa Roy", "role": "front_desk",
                    "password_by": "email"}),
        )
        .await;
    assert_eq!(s, 201, "{body}");
    let (s, body) = app
        .post_json(
            "/api/v1/users",
            Some(&token),
            &json!({"email": "max@clinic.example", "name": "Max Roy", "role": "front_desk"}),
        )
        .await;
    assert_eq!(
        s, 422,
        "without the email choice a password is needed: {body}"
    );
    assert!(body["errors"]["password"].is_string(), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_colleague_chooses_their_password_on_sqlite() {
    a_new_colleague_chooses_their_password(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_colleague_chooses_their_password_on_postgres() {
    a_new_colleague_chooses_their_password(Backend::Postgres).await;
}

/// Without SMTP_URL, each message lands as an .eml file in the mail folder.
async fn without_smtp_mail_is_written_to_the_outbox_folder(app: TestApp) {
    let admin = app.create_user(Role::Admin).await;
    let staff = app.create_user(Role::FrontDesk).await;
    let browser = app.signed_in(&admin).await;
    send_reset(&browser, &staff.id).await;
    let started = std::time::Instant::now();
    let files = loop {
        let f = read_dir_files(app.mail_dir.path());
        if !f.is_empty() || started.elapsed() > Duration::from_secs(15) {
            break f;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(files.len(), 1);
    assert!(decode_qp(&files[0]).contains("/password-reset/"));
}

/// Names and addresses with line breaks never reach a mail header.
async fn header_injection_is_impossible(app: TestApp) {
    let admin = app.create_user(Role::Admin).await;
    let token = app.api_token(&admin).await;
    for (name, email) in [
        ("Ann\r\nBcc: evil@example.org", "ann@clinic.example"),
        ("Ann", "ann@clinic.example\r\nBcc: evil@example.org"),
    ] {
        let (s, body) = app
            .post_json("/api/v1/users", Some(&token), &json!({"email": email, "name": name, "role": "front_desk", "password": "lilac summit ferry"}))
            .await;
        assert_eq!(s, 422, "{body}");
    }
}

on_both_backends!(
    without_smtp_mail_is_written_to_the_outbox_folder,
    header_injection_is_impossible
);

/// The attempts and dead-letter time of each outbox row, with its body's length.
async fn outbox_state(app: &TestApp) -> Vec<(String, i32, Option<chrono::NaiveDateTime>, usize)> {
    app.with_db(|conn| {
        use clinic::schema::outbox::dsl::*;
        use diesel::prelude::*;
        outbox
            .select((to_address, attempts, dead_at, body_text))
            .order(created_at.asc())
            .load::<(String, i32, Option<chrono::NaiveDateTime>, String)>(conn)
            .unwrap()
            .into_iter()
            .map(|(t, a, d, b)| (t, a, d, b.len()))
            .collect()
    })
    .await
}

/// Mail that cannot be sent is not retried forever holding a live link: after about a
/// day of attempts (or at once, for an address the mail library refuses) it is given
/// up, its body wiped, and the admin sees it.
async fn mail_that_cannot_be_sent_is_given_up_and_shown_to_the_admin(backend: Backend) {
    let Some(mut app) = TestApp::spawn_with(backend, Options { smtp: true }).await else {
        return;
    };
    let admin = app.create_user(Role::Admin).await;
    let staff = app.create_user(Role::FrontDesk).await;
    let browser = app.signed_in(&admin).await;
    app.smtp.as_mut().unwrap().stop();
    send_reset(&browser, &staff.id).await;

    // Each attempt fails (SMTP is down); the clock jumps past each back-off.
    let max = clinic::mail::sender::MAX_ATTEMPTS;
    let started = std::time::Instant::now();
    let mut seen = 0;
    loop {
        let rows = outbox_state(&app).await;
        let (_, attempts, dead_at, body_len) = rows[0].clone();
        if let Some(_at) = dead_at {
            assert_eq!(attempts, max, "given up after {max} attempts");
            assert_eq!(body_len, 0, "the body with the reset link is wiped");
            break;
        }
        assert!(body_len > 0, "kept while it may still be sent");
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "the sender kept trying: {attempts} attempts so far"
        );
        if attempts > seen {
            seen = attempts;
            app.clock.advance(chrono::TimeDelta::hours(2));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    println!("given up after {max} attempts in {:?}", started.elapsed());

    // SMTP comes back: a given-up message stays unsent.
    app.smtp.as_mut().unwrap().restart();
    app.clock.advance(chrono::TimeDelta::hours(2));
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(app.smtp.as_ref().unwrap().messages().is_empty());

    // An address lettre refuses (queued before the check at entry existed): given up at
    // the first attempt.
    let now = app.clock.now();
    app.with_db(move |conn| {
        use diesel::prelude::*;
        diesel::insert_into(clinic::schema::outbox::table)
            .values(&clinic::db::models::outbox::NewOutboxMessage {
                id: "01900000-0000-7000-8000-00000000d1ed",
                to_address: "x\"y@example.org",
                template: "invitation",
                subject: "Your pre-visit form",
                body_text: "a link",
                body_html: "<p>a link</p>",
                created_at: now,
                attempts: 0,
                next_attempt_at: now,
            })
            .execute(conn)
            .unwrap();
    })
    .await;
    let started = std::time::Instant::now();
    loop {
        let rows = outbox_state(&app).await;
        let (_, attempts, dead_at, body_len) = rows[1].clone();
        if dead_at.is_some() {
            assert_eq!((attempts, body_len), (1, 0), "one attempt, body wiped");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "given up at once"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // The admin's overview counts them; the Email page lists them with the reason. (A
    // day has passed on the clock: the admin signs in again.)
    let browser = app.signed_in(&admin).await;
    let (_, home) = browser.get_html("/").await;
    assert!(home.contains("2 not delivered"), "{home}");
    let (status, page) = browser.get_html("/admin/mail").await;
    assert_eq!(status, 200);
    let dead = crate::helpers::texts(&page, "tr.mail-dead");
    assert_eq!(dead.len(), 2, "{dead:?}");
    assert!(dead.iter().any(|d| d.contains(&staff.email)), "{dead:?}");
    assert!(
        dead.iter().any(|d| d.contains("x\"y@example.org")),
        "{dead:?}"
    );
    assert!(crate::helpers::texts(&page, "tr.mail-waiting").is_empty());
    // Looking is audited (the recipients include patients' addresses).
    let viewed: i64 = app
        .with_db(|conn| {
            use clinic::schema::audit_events::dsl as a;
            use diesel::prelude::*;
            a::audit_events
                .filter(a::action.eq("outbox.viewed"))
                .count()
                .get_result(conn)
                .unwrap()
        })
        .await;
    assert_eq!(viewed, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_that_cannot_be_sent_is_given_up_and_shown_to_the_admin_on_sqlite() {
    mail_that_cannot_be_sent_is_given_up_and_shown_to_the_admin(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_that_cannot_be_sent_is_given_up_and_shown_to_the_admin_on_postgres() {
    mail_that_cannot_be_sent_is_given_up_and_shown_to_the_admin(Backend::Postgres).await;
}
