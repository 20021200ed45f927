//! Brute-force protection: five failures lock the account key (known and unknown emails
//! alike) for a minute, doubling; the count lives in the database, so fresh cookies and
//! clients change nothing; both sign-in surfaces share it.

use std::time::{Duration, Instant};

use chrono::TimeDelta;
use clinic::domain::Role;
use reqwest::StatusCode;
use reqwest::header::RETRY_AFTER;
use serde_json::{Value, json};

use crate::helpers::{TestApp, texts};
use crate::raw_http::{SESSION, set_cookie_value};

#[derive(Debug, Clone, PartialEq)]
struct Attempt {
    status: StatusCode,
    retry_after: Option<i64>,
    body: Value,
}

/// One API sign-in from a brand-new client (no cookies, no connection reuse).
async fn api_attempt(app: &TestApp, email: &str, password: &str) -> Attempt {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    let status = r.status();
    let retry_after = r.headers().get(RETRY_AFTER).map(|v| {
        v.to_str()
            .unwrap()
            .parse::<i64>()
            .unwrap_or_else(|_| panic!("Retry-After is whole seconds: {v:?}"))
    });
    let body = r.json().await.unwrap_or(Value::Null);
    Attempt {
        status,
        retry_after,
        body,
    }
}

/// One sign-in through the HTML form from a brand-new browser: (status, alert text,
/// whether a session cookie was set).
async fn form_attempt(app: &TestApp, email: &str, password: &str) -> (StatusCode, String, bool) {
    let browser = app.browser();
    let r = browser.login(email, password).await;
    let status = r.status();
    let signed_in = set_cookie_value(&r, SESSION).is_some_and(|v| !v.is_empty());
    let html = r.text().await.unwrap();
    (status, texts(&html, ".alert-error").join(" "), signed_in)
}

fn wrong(i: usize) -> String {
    format!("wrong guess number {i} xyz")
}

async fn five_failures_lock_known_and_unknown_emails_alike(app: TestApp) {
    let known = app.create_user(Role::FrontDesk).await;
    let unknown = "nobody.here@clinic.example";

    let mut seq_known = Vec::new();
    let mut seq_unknown = Vec::new();
    for i in 0..5 {
        seq_known.push(api_attempt(&app, &known.email, &wrong(i)).await);
        seq_unknown.push(api_attempt(&app, unknown, &wrong(i)).await);
    }
    // The sixth attempt, even with the right password.
    seq_known.push(api_attempt(&app, &known.email, &known.password).await);
    seq_unknown.push(api_attempt(&app, unknown, &known.password).await);

    let statuses = |s: &[Attempt]| s.iter().map(|a| a.status.as_u16()).collect::<Vec<_>>();
    assert_eq!(
        statuses(&seq_known),
        [401, 401, 401, 401, 401, 429],
        "{seq_known:#?}"
    );
    assert_eq!(
        statuses(&seq_unknown),
        statuses(&seq_known),
        "unknown email: {seq_unknown:#?}"
    );
    for (k, u) in seq_known.iter().zip(&seq_unknown) {
        assert_eq!(
            k.body, u.body,
            "known and unknown emails get the same answer"
        );
        assert_eq!(k.retry_after.is_some(), u.retry_after.is_some());
    }
    for a in [&seq_known[5], &seq_unknown[5]] {
        let secs = a.retry_after.expect("a 429 says when to retry");
        assert!(
            (1..=60).contains(&secs),
            "first lock is at most a minute: {secs}"
        );
        assert!(a.body["error"].is_string(), "{}", a.body);
        assert!(a.body.get("token").is_none());
    }

    // The lock lifts after its minute (and the account itself was never harmed).
    app.clock.advance(TimeDelta::minutes(2));
    let a = api_attempt(&app, &known.email, &known.password).await;
    assert_eq!(
        a.status,
        StatusCode::OK,
        "the account works again after the lock: {a:?}"
    );
    assert!(a.body["token"].is_string());
}

async fn the_lock_doubles_and_a_success_resets_the_count(app: TestApp) {
    // A success in between resets the count: 4 + 4 failures never lock.
    let a = app.create_user(Role::Practitioner).await;
    for i in 0..4 {
        assert_eq!(
            api_attempt(&app, &a.email, &wrong(i)).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        api_attempt(&app, &a.email, &a.password).await.status,
        StatusCode::OK
    );
    for i in 0..4 {
        let r = api_attempt(&app, &a.email, &wrong(i)).await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "failure {} after a success: {r:?}",
            i + 1
        );
    }
    assert_eq!(
        api_attempt(&app, &a.email, &a.password).await.status,
        StatusCode::OK
    );

    // Locked, unlocked, one more failure: the next lock is longer.
    let b = app.create_user(Role::FrontDesk).await;
    for i in 0..5 {
        assert_eq!(
            api_attempt(&app, &b.email, &wrong(i)).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let first = api_attempt(&app, &b.email, &b.password).await;
    assert_eq!(first.status, StatusCode::TOO_MANY_REQUESTS);
    app.clock.advance(TimeDelta::minutes(2));
    assert_eq!(
        api_attempt(&app, &b.email, &wrong(5)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let second = api_attempt(&app, &b.email, &b.password).await;
    assert_eq!(second.status, StatusCode::TOO_MANY_REQUESTS, "{second:?}");
    let secs = second.retry_after.expect("Retry-After");
    assert!(
        secs > 60 && secs <= 120,
        "the second lock lasts two minutes: {secs}"
    );
    app.clock.advance(TimeDelta::minutes(3));
    assert_eq!(
        api_attempt(&app, &b.email, &b.password).await.status,
        StatusCode::OK
    );
    // And that success reset the count.
    assert_eq!(
        api_attempt(&app, &b.email, &wrong(6)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        api_attempt(&app, &b.email, &b.password).await.status,
        StatusCode::OK
    );
}

async fn the_sign_in_form_shows_the_lockout(app: TestApp) {
    let known = app.create_user(Role::Admin).await;
    let unknown = "no.such.person@clinic.example";
    let mut known_answers = Vec::new();
    let mut unknown_answers = Vec::new();
    for i in 0..5 {
        known_answers.push(form_attempt(&app, &known.email, &wrong(i)).await);
        unknown_answers.push(form_attempt(&app, unknown, &wrong(i)).await);
    }
    known_answers.push(form_attempt(&app, &known.email, &known.password).await);
    unknown_answers.push(form_attempt(&app, unknown, &known.password).await);

    for (i, (status, alert, signed_in)) in known_answers.iter().enumerate() {
        assert!(!signed_in, "attempt {}", i + 1);
        if i < 5 {
            assert_eq!(*status, StatusCode::UNAUTHORIZED, "attempt {}", i + 1);
            assert_eq!(alert, "Wrong email or password.");
        } else {
            assert_eq!(
                *status,
                StatusCode::TOO_MANY_REQUESTS,
                "the sixth attempt, with the right password"
            );
            assert!(alert.contains("Too many failed attempts"), "{alert:?}");
            assert!(alert.contains("1 minute"), "{alert:?}");
        }
    }
    let strip = |v: &[(StatusCode, String, bool)]| {
        v.iter()
            .map(|(s, a, _)| (*s, a.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        strip(&known_answers),
        strip(&unknown_answers),
        "the form answers unknown emails the same way"
    );

    // The form and the API share the count.
    let a = api_attempt(&app, &known.email, &known.password).await;
    assert_eq!(
        a.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the API is locked too: {a:?}"
    );
}

async fn guessing_with_fresh_cookies_clients_or_emails_is_stopped(app: TestApp) {
    const ATTEMPTS: usize = 40;
    let user = app.create_user(Role::Admin).await;
    // The same account spelled differently is the same account.
    let spellings = [
        user.email.clone(),
        user.email.to_uppercase(),
        format!("  {}  ", user.email),
        format!("{}{}", user.email[..1].to_uppercase(), &user.email[1..]),
    ];
    let mut by_status = std::collections::BTreeMap::<u16, usize>::new();
    for i in 0..ATTEMPTS {
        let password = wrong(i);
        let email = &spellings[i % spellings.len()];
        let status = if i % 2 == 0 {
            let (status, _, signed_in) = form_attempt(&app, email, &password).await;
            assert!(
                !signed_in,
                "attempt {} signed in with a wrong password",
                i + 1
            );
            status
        } else {
            let a = api_attempt(&app, email, &password).await;
            assert!(
                a.body.get("token").is_none(),
                "attempt {} got a token",
                i + 1
            );
            a.status
        };
        assert!(
            status != StatusCode::OK && status != StatusCode::SEE_OTHER,
            "attempt {} with a wrong password got in: {status}",
            i + 1
        );
        let expected = if i < 5 {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(status, expected, "attempt {}", i + 1);
        *by_status.entry(status.as_u16()).or_default() += 1;
    }
    println!("{ATTEMPTS} guesses with fresh cookies, clients and spellings: {by_status:?}");
    // While locked, the right password cannot be confirmed either.
    assert_eq!(
        api_attempt(&app, &user.email, &user.password).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        form_attempt(&app, &user.email, &user.password).await.0,
        StatusCode::TOO_MANY_REQUESTS
    );

    // One address guessing across many accounts: 30 failures lock the address, so
    // even another account's right password waits.
    let colleague = app.create_user(Role::FrontDesk).await;
    for i in 0..25 {
        let a = api_attempt(&app, &format!("spray-{i}@clinic.example"), &wrong(i)).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "spray {}", i + 1);
    }
    let a = api_attempt(&app, &colleague.email, &colleague.password).await;
    assert_eq!(
        a.status,
        StatusCode::TOO_MANY_REQUESTS,
        "after 30 failures from one address: {a:?}"
    );
    assert!(a.retry_after.is_some());
    app.clock.advance(TimeDelta::minutes(2));
    let a = api_attempt(&app, &colleague.email, &colleague.password).await;
    assert_eq!(a.status, StatusCode::OK, "the address lock lifts: {a:?}");
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

async fn failed_sign_ins_take_similar_time_for_known_and_unknown_emails(app: TestApp) {
    // Four failures per account stay below the lock; 24 failures stay below the
    // per-address limit.
    let mut users = Vec::new();
    for _ in 0..3 {
        users.push(app.create_user(Role::FrontDesk).await);
    }
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for i in 0..12 {
        let user = &users[i % 3];
        let t = Instant::now();
        let a = api_attempt(&app, &user.email, &wrong(i)).await;
        known.push(t.elapsed());
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
        let t = Instant::now();
        let a = api_attempt(&app, &format!("ghost-{i}@clinic.example"), &wrong(i)).await;
        unknown.push(t.elapsed());
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    }
    let (k, u) = (median(known), median(unknown));
    println!("median failed sign-in: known email {k:?}, unknown email {u:?}");
    let ratio =
        k.as_secs_f64().max(u.as_secs_f64()) / k.as_secs_f64().min(u.as_secs_f64()).max(1e-6);
    assert!(
        ratio < 3.0,
        "known {k:?} vs unknown {u:?}: the difference tells which emails exist"
    );
}

/// A wrong current password on "Change password" is audited and counted: a session
/// left open cannot guess the password without limit; at the fifth every session of
/// the account ends, the other browser's too.
async fn wrong_current_passwords_end_the_session(app: TestApp) {
    let user = app.create_user(Role::FrontDesk).await;
    let b = app.signed_in(&user).await;
    let other = app.signed_in(&user).await;
    // Four wrong guesses are refused beside the field; the fifth ends the session.
    for i in 0..5 {
        let guess = wrong(i);
        let fields = [
            ("current_password", guess.as_str()),
            ("new_password", "lantern meadow copper 42"),
            ("confirm_password", "lantern meadow copper 42"),
        ];
        let r = b
            .post_form("/account/password", "/account/password", &fields)
            .await;
        let (want, says) = if i < 4 {
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "This is not your current password.",
            )
        } else {
            (StatusCode::UNAUTHORIZED, "signed out everywhere")
        };
        assert_eq!(r.status(), want, "guess {}", i + 1);
        assert!(r.text().await.unwrap().contains(says), "guess {}", i + 1);
    }
    for (who, browser) in [("this browser", &b), ("the other browser", &other)] {
        let r = browser.get("/day").await;
        assert!(
            r.status().is_redirection() || r.status() == StatusCode::UNAUTHORIZED,
            "{who} is signed out: {}",
            r.status()
        );
    }
    let id = user.id.clone();
    let (failed, ended): (i64, i64) = app
        .with_db(move |conn| {
            use clinic::schema::audit_events::dsl as a;
            use diesel::prelude::*;
            let mut count = |action: &str, outcome: &str| {
                a::audit_events
                    .filter(a::action.eq(action.to_owned()))
                    .filter(a::outcome.eq(outcome.to_owned()))
                    .filter(a::entity_id.eq(id.clone()))
                    .count()
                    .get_result::<i64>(conn)
                    .unwrap()
            };
            (
                count("password.changed", "failure"),
                count("login.locked", "denied"),
            )
        })
        .await;
    assert_eq!(
        (failed, ended),
        (5, 1),
        "each guess audited, the ending too"
    );
    // The owner signs in again and changes it with the right password.
    let b = app.signed_in(&user).await;
    let r = b
        .post_form(
            "/account/password",
            "/account/password",
            &[
                ("current_password", user.password.as_str()),
                ("new_password", "lantern meadow copper 42"),
                ("confirm_password", "lantern meadow copper 42"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
}

on_both_backends!(
    wrong_current_passwords_end_the_session,
    five_failures_lock_known_and_unknown_emails_alike,
    the_lock_doubles_and_a_success_resets_the_count,
    the_sign_in_form_shows_the_lockout,
    guessing_with_fresh_cookies_clients_or_emails_is_stopped,
    failed_sign_ins_take_similar_time_for_known_and_unknown_emails,
);
