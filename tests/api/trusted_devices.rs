//! Lockout without locking out the owner (OWASP's device cookie): a browser or client
//! that has signed in as an account keeps its way in while a spray of guesses locks
//! strangers out; an address is slowed down, never closed; an admin can unlock.
//!
//! The server trusts `X-Forwarded-For` here, so one test run can play one shared
//! address (a clinic behind its router, or a proxy) and a botnet of many.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chrono::TimeDelta;
use clinic::domain::Role;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, RETRY_AFTER};
use serde_json::{Value, json};

use crate::helpers::{Backend, Options, TestApp, TestUser, texts};
use crate::raw_http::set_cookie_value;

const DEVICE: &str = "clinic_device";
const SPRAY: usize = 1_000;
const ACCOUNTS: usize = 50;

#[derive(Debug)]
struct Answer {
    status: StatusCode,
    retry_after: Option<i64>,
    device_cookie: Option<String>,
    body: Value,
    took: Duration,
}

/// One API sign-in from a fresh client at `address`, presenting `device` if given.
async fn sign_in(
    app: &TestApp,
    address: &str,
    device: Option<&str>,
    email: &str,
    password: &str,
) -> Answer {
    let client = reqwest::Client::new();
    let mut req = client
        .post(app.url("/api/v1/auth/login"))
        .header("x-forwarded-for", address)
        .json(&json!({"email": email, "password": password}));
    if let Some(d) = device {
        req = req.header(COOKIE, format!("{DEVICE}={d}"));
    }
    let started = Instant::now();
    let r = req.send().await.unwrap();
    let took = started.elapsed();
    let status = r.status();
    let retry_after = r
        .headers()
        .get(RETRY_AFTER)
        .map(|v| v.to_str().unwrap().parse().unwrap());
    let device_cookie = set_cookie_value(&r, DEVICE);
    let body = r.json().await.unwrap_or(Value::Null);
    Answer {
        status,
        retry_after,
        device_cookie,
        body,
        took,
    }
}

async fn spawn(backend: Backend) -> Option<TestApp> {
    TestApp::spawn_configured(backend, Options::default(), |args| {
        args.trust_proxy_headers = true;
    })
    .await
}

async fn accounts(app: &TestApp) -> Vec<TestUser> {
    let mut users = Vec::new();
    for i in 0..ACCOUNTS {
        let role = [Role::FrontDesk, Role::Practitioner, Role::Admin][i % 3];
        users.push(app.create_user(role).await);
    }
    users
}

/// The owner signs in once from their own browser (before any attack) and keeps the
/// device cookie it is given.
async fn owners_device(app: &TestApp, owner: &TestUser, address: &str) -> String {
    let a = sign_in(app, address, None, &owner.email, &owner.password).await;
    assert_eq!(a.status, StatusCode::OK, "{a:?}");
    let cookie = a
        .device_cookie
        .expect("a first sign-in sets the device cookie");
    assert!(!cookie.is_empty());
    cookie
}

/// `SPRAY` wrong passwords over `ACCOUNTS` accounts, `address(i)` for each; the count
/// of each status.
async fn spray(
    app: &TestApp,
    users: &[TestUser],
    address: impl Fn(usize) -> String,
) -> BTreeMap<u16, usize> {
    let mut by_status = BTreeMap::new();
    let started = Instant::now();
    for i in 0..SPRAY {
        let user = &users[i % users.len()];
        let a = sign_in(
            app,
            &address(i),
            None,
            &user.email,
            &format!("guess {i} pw"),
        )
        .await;
        assert!(
            a.body.get("token").is_none(),
            "guess {i} got a token: {a:?}"
        );
        *by_status.entry(a.status.as_u16()).or_default() += 1;
    }
    println!(
        "spray of {SPRAY} wrong passwords over {} accounts in {:?}: {by_status:?}",
        users.len(),
        started.elapsed()
    );
    by_status
}

fn error_text(a: &Answer) -> &str {
    a.body["error"].as_str().unwrap_or_default()
}

/// Everyone behind one address (the clinic's router, or a proxy whose headers are not
/// trusted): after 30 failures the address is slowed, a try a second doubling up to a
/// minute, and the owner's device gets in at once.
async fn a_spray_from_one_address_does_not_keep_the_owner_out(backend: Backend) {
    let Some(app) = spawn(backend).await else {
        return;
    };
    const SHARED: &str = "203.0.113.7";
    let users = accounts(&app).await;
    let owner = &users[0];
    let device = owners_device(&app, owner, SHARED).await;

    let by_status = spray(&app, &users, |_| SHARED.to_owned()).await;
    // 30 failures are counted, then the address waits 1 s, 2 s, 4 s…: over a spray of
    // a few seconds (real time passes under the test clock) a few more get through.
    let counted = by_status.get(&401).copied().unwrap_or(0);
    assert!(
        (30..=36).contains(&counted),
        "30 failures counted, then a try per doubling wait: {by_status:?}"
    );
    assert_eq!(
        by_status.get(&429).copied(),
        Some(SPRAY - counted),
        "{by_status:?}"
    );
    // The checks below happen while the address is slowed: its last wait (a few
    // seconds of real time) may run out as the spray ends, so the clock is put back
    // to just inside it.
    let until: chrono::NaiveDateTime = app
        .with_db(move |conn| {
            use clinic::schema::login_throttles::dsl as t;
            use diesel::prelude::*;
            t::login_throttles
                .filter(t::throttle_key.eq(format!("address:{SHARED}")))
                .select(t::locked_until)
                .first::<Option<chrono::NaiveDateTime>>(conn)
                .unwrap()
                .expect("the address is slowed")
        })
        .await;
    app.clock.set_to(until - TimeDelta::seconds(3));

    // The owner, from the same address, with the right password: in at once.
    let a = sign_in(&app, SHARED, Some(&device), &owner.email, &owner.password).await;
    assert_eq!(a.status, StatusCode::OK, "the owner's device: {a:?}");
    assert!(a.body["token"].is_string());
    assert!(
        a.device_cookie.is_none(),
        "a trusted device keeps its cookie"
    );
    println!(
        "owner with a device cookie signed in after the spray in {:?}",
        a.took
    );

    // A stranger with the owner's password, same address: waits.
    let s = sign_in(&app, SHARED, None, &owner.email, &owner.password).await;
    assert_eq!(s.status, StatusCode::TOO_MANY_REQUESTS, "{s:?}");
    let wait = s.retry_after.expect("Retry-After");
    assert!((1..=60).contains(&wait), "slowed, at most a minute: {wait}");
    assert!(error_text(&s).contains("from this network"), "{s:?}");

    // The owner's device is no skeleton key: it cannot sign in as a colleague…
    let colleague = &users[1];
    let c = sign_in(
        &app,
        SHARED,
        Some(&device),
        &colleague.email,
        &colleague.password,
    )
    .await;
    assert_eq!(c.status, StatusCode::TOO_MANY_REQUESTS, "{c:?}");

    // …and slowed means slowed, not closed: after the wait the colleague gets in with
    // no device at all.
    app.clock.advance(TimeDelta::seconds(61));
    let c = sign_in(&app, SHARED, None, &colleague.email, &colleague.password).await;
    assert_eq!(c.status, StatusCode::OK, "after the wait: {c:?}");
    assert!(c.device_cookie.is_some());
}

/// Guesses from many addresses (a botnet): every account is locked to strangers, the
/// owner's device still gets in, a stranger with the right password does not until an
/// admin unlocks.
async fn a_spray_from_many_addresses_locks_strangers_out_not_the_owner(backend: Backend) {
    let Some(app) = spawn(backend).await else {
        return;
    };
    let users = accounts(&app).await;
    let owner = &users[0];
    let device = owners_device(&app, owner, "198.51.100.20").await;
    let admin = users
        .iter()
        .find(|u| u.role == Role::Admin)
        .expect("an admin")
        .clone();
    let admin_token = app.api_token(&admin).await;

    let by_status = spray(&app, &users, |i| {
        format!("10.{}.{}.{}", i / 65536, (i / 256) % 256, i % 256)
    })
    .await;
    assert_eq!(
        by_status,
        BTreeMap::from([(401, 5 * ACCOUNTS), (429, SPRAY - 5 * ACCOUNTS)]),
        "five failures per account, then strangers are locked out"
    );

    // The owner's device, from yet another address: in at once.
    let a = sign_in(
        &app,
        "192.0.2.44",
        Some(&device),
        &owner.email,
        &owner.password,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "the owner's device: {a:?}");
    println!(
        "owner with a device cookie signed in after the spray in {:?}",
        a.took
    );

    // A stranger with the right password: locked out of the account.
    let s = sign_in(&app, "192.0.2.45", None, &owner.email, &owner.password).await;
    assert_eq!(s.status, StatusCode::TOO_MANY_REQUESTS, "{s:?}");
    assert!(error_text(&s).contains("this account"), "{s:?}");
    // A made-up or stolen-looking device cookie is a stranger's.
    let forged = "A".repeat(43);
    let f = sign_in(
        &app,
        "192.0.2.46",
        Some(&forged),
        &owner.email,
        &owner.password,
    )
    .await;
    assert_eq!(f.status, StatusCode::TOO_MANY_REQUESTS, "{f:?}");

    // The owner's device guessing wrong is counted against the device: five, then it
    // waits too (a stolen device cookie buys no more guesses than a stranger gets).
    for i in 0..5 {
        let g = sign_in(
            &app,
            "192.0.2.44",
            Some(&device),
            &owner.email,
            &format!("typo {i} x"),
        )
        .await;
        assert_eq!(g.status, StatusCode::UNAUTHORIZED, "device guess {}", i + 1);
    }
    let g = sign_in(
        &app,
        "192.0.2.44",
        Some(&device),
        &owner.email,
        &owner.password,
    )
    .await;
    assert_eq!(g.status, StatusCode::TOO_MANY_REQUESTS, "{g:?}");
    assert!(error_text(&g).contains("this device"), "{g:?}");

    // The admin unlocks the account: the stranger (a new laptop, say) gets in, the
    // device too, and the unlock is audited.
    let (status, body) = app
        .post_json(
            &format!("/api/v1/users/{}/unlock", owner.id),
            Some(&admin_token),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let s = sign_in(&app, "192.0.2.45", None, &owner.email, &owner.password).await;
    assert_eq!(s.status, StatusCode::OK, "after the unlock: {s:?}");
    let g = sign_in(
        &app,
        "192.0.2.44",
        Some(&device),
        &owner.email,
        &owner.password,
    )
    .await;
    assert_eq!(
        g.status,
        StatusCode::OK,
        "the device after the unlock: {g:?}"
    );
    let id = owner.id.clone();
    let unlocked: i64 = app
        .with_db(move |conn| {
            use clinic::schema::audit_events::dsl as a;
            use diesel::prelude::*;
            a::audit_events
                .filter(a::action.eq("user.unlocked"))
                .filter(a::entity_id.eq(id))
                .count()
                .get_result(conn)
                .unwrap()
        })
        .await;
    assert_eq!(unlocked, 1);

    // Only admins unlock; an unknown id is a 404.
    let desk = users.iter().find(|u| u.role == Role::FrontDesk).unwrap();
    let desk_token = app.api_token(desk).await;
    let (status, _) = app
        .post_json(
            &format!("/api/v1/users/{}/unlock", owner.id),
            Some(&desk_token),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .post_json(
            "/api/v1/users/not-a-user/unlock",
            Some(&admin_token),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// The sign-in form sets the device cookie; the admin's page shows the lock and lifts
/// it with a button.
async fn the_admin_sees_and_lifts_a_lock_on_the_users_page(backend: Backend) {
    let Some(app) = spawn(backend).await else {
        return;
    };
    let admin = app.create_user(Role::Admin).await;
    let victim = app.create_user(Role::FrontDesk).await;
    let b = app.browser();
    let r = b.login(&victim.email, &victim.password).await;
    assert!(
        set_cookie_value(&r, DEVICE).is_some_and(|v| v.len() == 43),
        "the form sets the device cookie"
    );
    for i in 0..5 {
        let a = sign_in(
            &app,
            "10.9.9.9",
            None,
            &victim.email,
            &format!("bad {i} guess"),
        )
        .await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    }
    // The victim's own browser (signed out, the device cookie kept) still gets in
    // through the form.
    let out = b.post_form("/logout", "/account/password", &[]).await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let again = b.login(&victim.email, &victim.password).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER, "the owner's browser");

    let ab = app.signed_in(&admin).await;
    let (_, html) = ab.get_html("/admin/users").await;
    let badges = texts(&html, ".badge-warn");
    assert_eq!(badges.len(), 1, "{badges:?}");
    assert!(
        badges[0].starts_with("Locked to new devices until"),
        "{badges:?}"
    );
    let r = ab
        .post_form(
            &format!("/admin/users/{}/unlock", victim.id),
            "/admin/users",
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = ab.get_html("/admin/users?done=unlocked").await;
    assert!(html.contains("sign-in locks were lifted"), "the notice");
    assert!(texts(&html, ".badge-warn").is_empty(), "the lock is gone");
    let a = sign_in(&app, "10.9.9.9", None, &victim.email, &victim.password).await;
    assert_eq!(a.status, StatusCode::OK);
}

/// Behind a proxy whose headers are not trusted, `/readyz` says so.
async fn readyz_warns_of_forwarded_headers_that_are_not_trusted(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let ready = |extra: Option<&'static str>| {
        let app = &app;
        async move {
            let mut req = reqwest::Client::new().get(app.url("/readyz"));
            if let Some(v) = extra {
                req = req.header("x-forwarded-for", v);
            }
            let r = req.send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            r.json::<Value>().await.unwrap()
        }
    };
    assert!(ready(None).await.get("warnings").is_none());
    ready(Some("198.51.100.7")).await;
    let body = ready(None).await;
    assert_eq!(body["status"], "ready");
    let warning = body["warnings"][0].as_str().unwrap_or_default();
    assert!(warning.contains("X-Forwarded-For"), "{body}");
}

macro_rules! both {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name(crate::helpers::Backend::Sqlite).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name(crate::helpers::Backend::Postgres).await;
                }
            }
        )*
    };
}

both!(
    a_spray_from_one_address_does_not_keep_the_owner_out,
    a_spray_from_many_addresses_locks_strangers_out_not_the_owner,
    the_admin_sees_and_lifts_a_lock_on_the_users_page,
    readyz_warns_of_forwarded_headers_that_are_not_trusted,
);
