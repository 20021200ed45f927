//! Server-side sessions: a new id at sign-in (no fixation), nothing works again after
//! sign-out, disabling or a password change, the idle and absolute limits on a moved
//! clock, and tokens that were never issued.

use chrono::TimeDelta;
use clinic::domain::Role;
use reqwest::StatusCode;
use reqwest::header::COOKIE;

use crate::helpers::{Browser, TestApp};
use crate::raw_http::{SESSION, location, random_token, set_cookie_value};

/// A browser that sends exactly this session cookie value is signed in.
async fn cookie_works(app: &TestApp, value: &str) -> bool {
    let r = app
        .get_with_cookie("/account/password", Some(&format!("{SESSION}={value}")))
        .await;
    match r.status() {
        StatusCode::OK => true,
        StatusCode::SEE_OTHER => {
            let to = location(&r).unwrap_or_default();
            assert!(
                to.starts_with("/login"),
                "a dead session is sent to sign in, not to {to}"
            );
            false
        }
        other => panic!("GET / with a session cookie answered {other}"),
    }
}

async fn token_works(app: &TestApp, token: &str) -> bool {
    let (status, body) = app.get_json("/api/v1/me", token).await;
    match status {
        StatusCode::OK => true,
        StatusCode::UNAUTHORIZED => {
            assert!(body["error"].is_string(), "{body}");
            false
        }
        other => panic!("GET /api/v1/me answered {other}"),
    }
}

async fn browser_signed_in(browser: &Browser) -> bool {
    // `/` sends the front desk on to Today: ask a page every role sees.
    let r = browser.get("/account/password").await;
    match r.status() {
        StatusCode::OK => true,
        StatusCode::SEE_OTHER => {
            assert!(location(&r).unwrap_or_default().starts_with("/login"));
            false
        }
        other => panic!("GET /account/password answered {other}"),
    }
}

async fn sign_in_issues_a_new_session_id(app: TestApp) {
    let victim = app.create_user(Role::Admin).await;

    // An attacker plants a session cookie of their choosing before the victim signs in.
    let planted = random_token();
    let planted_cookie = format!("{SESSION}={planted}");
    let visitor = app.raw_visitor_with(Some(&planted_cookie)).await;
    let r = app
        .post_form_with_cookie(
            "/login",
            Some(&format!("{planted_cookie}; {}", visitor.cookie_header())),
            &[
                ("email", &victim.email),
                ("password", &victim.password),
                ("csrf_token", &visitor.csrf),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "the victim signs in");
    let issued = set_cookie_value(&r, SESSION).expect("sign-in sets a session cookie");
    assert_ne!(issued, planted, "sign-in issues its own session id");
    assert!(cookie_works(&app, &issued).await, "the new session works");
    assert!(
        !cookie_works(&app, &planted).await,
        "the planted value is not a session"
    );

    // Signing in again while signed in also gets a new id.
    let csrf = app.session_csrf(&issued).await;
    let r = app
        .post_form_with_cookie(
            "/login",
            Some(&format!("{SESSION}={issued}")),
            &[
                ("email", &victim.email),
                ("password", &victim.password),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let second = set_cookie_value(&r, SESSION).expect("a second sign-in sets a session cookie");
    assert_ne!(second, issued, "each sign-in gets a fresh id");

    // With a cookie jar, as a browser would see it.
    let (browser, jar) = app.browser_with_jar();
    let _ = browser.get("/login").await;
    assert_eq!(
        app.jar_cookie(&jar, SESSION),
        None,
        "no session before sign-in"
    );
    let r = browser.login(&victim.email, &victim.password).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let in_jar = app
        .jar_cookie(&jar, SESSION)
        .expect("session cookie after sign-in");
    assert!(in_jar != issued && in_jar != second && in_jar != planted);
}

async fn sessions_end_for_good_on_sign_out_and_on_disable(app: TestApp) {
    let admin = app.create_user(Role::Admin).await;
    let user = app.create_user(Role::Practitioner).await;

    // Sign-out: the old cookie value, replayed from another client, is dead.
    let session = app.raw_session(&user).await;
    let r = app
        .post_form_with_cookie(
            "/logout",
            Some(&session.cookie_header()),
            &[("csrf_token", &session.csrf)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r).as_deref(), Some("/login"));
    assert!(
        !cookie_works(&app, &session.cookie).await,
        "a signed-out session cookie replayed"
    );
    let r = app
        .post_form_with_cookie(
            "/account/password",
            Some(&session.cookie_header()),
            &[
                ("csrf_token", &session.csrf),
                ("current_password", &user.password),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "a signed-out session cannot post forms either"
    );
    assert!(location(&r).unwrap_or_default().starts_with("/login"));

    // API sign-out: the token is dead.
    let token = app.api_token(&user).await;
    let r = app
        .http
        .post(app.url("/api/v1/auth/logout"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(
        !token_works(&app, &token).await,
        "a signed-out token replayed"
    );

    // Disabling ends every browser session and token of the account at once.
    let session = app.raw_session(&user).await;
    let browser = app.signed_in(&user).await;
    let token = app.api_token(&user).await;
    let admin_browser = app.signed_in(&admin).await;
    let r = admin_browser.staff_action(&user.id, "disable").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        !cookie_works(&app, &session.cookie).await,
        "session cookie after disable"
    );
    assert!(!browser_signed_in(&browser).await, "browser after disable");
    assert!(!token_works(&app, &token).await, "API token after disable");
    // A disabled account's right password gets the same answer as a wrong one.
    let (s1, b1) = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &serde_json::json!({"email": user.email, "password": user.password}),
        )
        .await;
    let (s2, b2) = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &serde_json::json!({"email": user.email, "password": "surely the wrong one"}),
        )
        .await;
    assert_eq!(
        (s1, &b1),
        (s2, &b2),
        "disabled account: right vs wrong password"
    );
    assert_eq!(s1, StatusCode::UNAUTHORIZED);
    // Enabling again does not bring the old sessions back.
    let r = admin_browser.staff_action(&user.id, "enable").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        !cookie_works(&app, &session.cookie).await,
        "old session cookie after re-enable"
    );
    assert!(
        !token_works(&app, &token).await,
        "old API token after re-enable"
    );
    assert!(
        token_works(&app, &app.api_token(&user).await).await,
        "a new sign-in works"
    );
}

async fn changing_the_password_ends_the_other_sessions(app: TestApp) {
    let user = app.create_user(Role::FrontDesk).await;
    let (changer, jar) = app.browser_with_jar();
    let r = changer.login(&user.email, &user.password).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let changer_before = app.jar_cookie(&jar, SESSION).unwrap();
    let other_browser = app.signed_in(&user).await;
    let token = app.api_token(&user).await;

    let new_password = "tundra saffron quiver 31";
    let r = changer
        .post_form(
            "/account/password",
            "/account/password",
            &[
                ("current_password", &user.password),
                ("new_password", new_password),
                ("confirm_password", new_password),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("Your password was changed"), "{html}");

    assert!(
        !token_works(&app, &token).await,
        "an API token from before the change"
    );
    assert!(
        !browser_signed_in(&other_browser).await,
        "another browser from before the change"
    );
    assert!(
        !cookie_works(&app, &changer_before).await,
        "the changer's own pre-change cookie value"
    );
    assert!(
        browser_signed_in(&changer).await,
        "the browser that changed it stays signed in"
    );
    let changer_after = app.jar_cookie(&jar, SESSION).unwrap();
    assert_ne!(
        changer_after, changer_before,
        "the changer continues on a new session id"
    );
    // The page the changer now sees carries a working token for the next form.
    let r = changer.post_form("/logout", "/account/password", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(!browser_signed_in(&changer).await);

    // Old password refused, new one accepted.
    let (s, _) = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &serde_json::json!({"email": user.email, "password": user.password}),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &serde_json::json!({"email": user.email, "password": new_password}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
}

async fn idle_and_absolute_limits_end_sessions(app: TestApp) {
    let user = app.create_user(Role::Practitioner).await;

    // Idle: 16 minutes without a request ends both kinds of session.
    let browser = app.signed_in(&user).await;
    let token = app.api_token(&user).await;
    app.clock.advance(TimeDelta::minutes(16));
    assert!(
        !browser_signed_in(&browser).await,
        "browser idle for 16 minutes"
    );
    assert!(
        !token_works(&app, &token).await,
        "token idle for 16 minutes"
    );

    // Activity keeps a session alive past 15 minutes in total.
    let browser = app.signed_in(&user).await;
    let token = app.api_token(&user).await;
    for step in 1..=2 {
        app.clock.advance(TimeDelta::minutes(10));
        assert!(
            browser_signed_in(&browser).await,
            "browser active every 10 minutes, step {step}"
        );
        assert!(
            token_works(&app, &token).await,
            "token active every 10 minutes, step {step}"
        );
    }

    // Absolute: even when active every 10 minutes, a session ends after 12 hours.
    let browser = app.signed_in(&user).await;
    let token = app.api_token(&user).await;
    let mut minutes = 0;
    while minutes + 10 < 12 * 60 {
        app.clock.advance(TimeDelta::minutes(10));
        minutes += 10;
        assert!(
            browser_signed_in(&browser).await,
            "browser after {minutes} active minutes"
        );
        assert!(
            token_works(&app, &token).await,
            "token after {minutes} active minutes"
        );
    }
    app.clock.advance(TimeDelta::minutes(10));
    minutes += 10;
    assert!(
        !browser_signed_in(&browser).await,
        "browser after {minutes} minutes (12 h limit)"
    );
    assert!(
        !token_works(&app, &token).await,
        "token after {minutes} minutes (12 h limit)"
    );
}

async fn tokens_never_issued_or_of_the_wrong_kind_are_refused(app: TestApp) {
    let user = app.create_user(Role::Admin).await;
    let token = app.api_token(&user).await;
    let session = app.raw_session(&user).await;

    for bad in [
        random_token(),
        format!("{token}x"),
        token[..token.len() - 1].to_owned(),
        "null".into(),
    ] {
        assert!(!token_works(&app, &bad).await, "bearer {bad:?}");
    }
    let headers = [
        "Bearer".to_owned(),
        "Bearer ".into(),
        format!("Basic {token}"),
        format!("Token {token}"),
        token.clone(),
    ];
    for header in &headers {
        let r = app
            .http
            .get(app.url("/api/v1/me"))
            .header("authorization", header)
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::UNAUTHORIZED,
            "Authorization: {header:?}"
        );
    }
    // A browser session's token is not an API token, and the reverse.
    assert!(
        !token_works(&app, &session.cookie).await,
        "a session cookie value sent as a bearer token"
    );
    assert!(
        !cookie_works(&app, &token).await,
        "an API token sent as the session cookie"
    );
    let r = app
        .http
        .get(app.url("/"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "pages do not take bearer tokens"
    );
    let r = app
        .http
        .get(app.url("/"))
        .header(COOKIE, format!("{SESSION}={}", random_token()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "a random session cookie");
    // The real ones still work.
    assert!(token_works(&app, &token).await);
    assert!(cookie_works(&app, &session.cookie).await);
}

on_both_backends!(
    sign_in_issues_a_new_session_id,
    sessions_end_for_good_on_sign_out_and_on_disable,
    changing_the_password_ends_the_other_sessions,
    idle_and_absolute_limits_end_sessions,
    tokens_never_issued_or_of_the_wrong_kind_are_refused,
);
