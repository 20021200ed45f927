//! Security headers on every kind of response (security.md, "Headers"), and the
//! attributes of the cookies the service sets.

use clinic::domain::Role;
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, COOKIE, HeaderMap};

use crate::helpers::TestApp;
use crate::raw_http::{CSRF, SESSION, set_cookie_lines};

fn header<'a>(h: &'a HeaderMap, name: &str) -> Vec<&'a str> {
    h.get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect()
}

/// Returns what is wrong with the headers of one response.
fn problems(what: &str, h: &HeaderMap, cacheable: bool) -> Vec<String> {
    let mut out = Vec::new();
    let csp = header(h, "content-security-policy");
    if csp.len() != 1 {
        out.push(format!(
            "{what}: expected one Content-Security-Policy, got {csp:?}"
        ));
    }
    let csp = csp.first().copied().unwrap_or_default();
    let directives: Vec<&str> = csp.split(';').map(str::trim).collect();
    for want in [
        "default-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ] {
        if !directives.contains(&want) {
            out.push(format!("{what}: CSP lacks {want:?}: {csp:?}"));
        }
    }
    if header(h, "x-content-type-options") != ["nosniff"] {
        out.push(format!(
            "{what}: X-Content-Type-Options is {:?}",
            header(h, "x-content-type-options")
        ));
    }
    if header(h, "referrer-policy") != ["no-referrer"] {
        out.push(format!(
            "{what}: Referrer-Policy is {:?}",
            header(h, "referrer-policy")
        ));
    }
    let cache = header(h, CACHE_CONTROL.as_str());
    if !cacheable && cache != ["no-store"] {
        out.push(format!(
            "{what}: Cache-Control is {cache:?}, expected no-store"
        ));
    }
    if h.contains_key("strict-transport-security") {
        out.push(format!("{what}: HSTS sent over plain HTTP"));
    }
    out
}

async fn every_kind_of_response_carries_the_security_headers(app: TestApp) {
    let admin = app.create_user(Role::Admin).await;
    let token = app.api_token(&admin).await;
    let browser = app.signed_in(&admin).await;
    let anon = app.browser();

    let mut seen: Vec<(String, StatusCode, HeaderMap, bool)> = Vec::new();
    let mut keep = |what: &str, r: &reqwest::Response, cacheable: bool| {
        seen.push((what.to_owned(), r.status(), r.headers().clone(), cacheable));
    };

    let r = anon.get("/login").await;
    keep("GET /login", &r, false);
    let r = browser.get("/").await;
    assert_eq!(r.status(), StatusCode::OK);
    keep("GET / signed in", &r, false);
    let r = browser.get("/admin/users").await;
    assert_eq!(r.status(), StatusCode::OK);
    keep("GET /admin/users", &r, false);
    let r = browser.get("/admin/audit").await;
    keep("GET /admin/audit", &r, false);
    let r = anon.get("/no/such/page").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    keep("a 404 page", &r, false);
    let r = app
        .http
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    keep("GET /api/v1/me with a token", &r, false);
    let r = app.http.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    keep("a 401 API answer", &r, false);
    let r = app.http.get(app.url("/healthz")).send().await.unwrap();
    keep("GET /healthz", &r, false);
    let r = app.http.get(app.url("/readyz")).send().await.unwrap();
    keep("GET /readyz", &r, false);
    let r = anon.get("/").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    keep("the redirect to /login", &r, false);
    let r = app
        .http
        .post(app.url("/login"))
        .form(&[("email", "a@b.example")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    keep("a CSRF refusal", &r, false);
    let r = app
        .http
        .get(app.url("/api/v1/users"))
        .bearer_auth(app.api_token(&app.create_user(Role::FrontDesk).await).await)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    keep("a 403 API answer", &r, false);
    let r = anon.login(&admin.email, "not the right password").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    keep("a failed sign-in page", &r, false);
    let r = anon.login(&admin.email, &admin.password).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    keep("a successful sign-in", &r, false);
    let r = app.http.delete(app.url("/login")).send().await.unwrap();
    keep("a method the route does not take", &r, false);
    let r = app
        .http
        .get(app.url("/static/app.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    keep("GET /static/app.css", &r, true);

    let mut all = Vec::new();
    for (what, status, headers, cacheable) in &seen {
        all.extend(problems(&format!("{what} ({status})"), headers, *cacheable));
    }
    println!("security headers checked on {} responses", seen.len());
    assert!(all.is_empty(), "{}", all.join("\n"));
}

async fn cookies_are_http_only_same_site_and_scoped_to_the_site(app: TestApp) {
    let user = app.create_user(Role::FrontDesk).await;

    // A client without a cookie store, so every Set-Cookie line is seen as sent.
    let r = app.http.get(app.url("/login")).send().await.unwrap();
    let csrf_lines = set_cookie_lines(&r, CSRF);
    assert_eq!(
        csrf_lines.len(),
        1,
        "the sign-in page sets the pre-session CSRF cookie"
    );
    let csrf_line = csrf_lines[0].clone();
    let csrf_value = csrf_line
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_owned();
    let token = crate::helpers::csrf_in(&r.text().await.unwrap()).unwrap();

    let r = app
        .http
        .post(app.url("/login"))
        .header(COOKIE, format!("{CSRF}={csrf_value}"))
        .form(&[
            ("email", user.email.as_str()),
            ("password", &user.password),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let session_lines = set_cookie_lines(&r, SESSION);
    assert_eq!(session_lines.len(), 1, "{session_lines:?}");
    let line = &session_lines[0];
    let attrs: Vec<String> = line
        .split(';')
        .skip(1)
        .map(|a| a.trim().to_lowercase())
        .collect();
    let value = line.split(';').next().unwrap().split_once('=').unwrap().1;
    assert!(value.len() >= 43, "a 256-bit token: {line}");
    assert!(
        attrs.iter().any(|a| a == "httponly"),
        "session cookie is HttpOnly: {line}"
    );
    assert!(
        attrs.iter().any(|a| a == "samesite=lax"),
        "session cookie is SameSite=Lax: {line}"
    );
    assert!(
        attrs.iter().any(|a| a == "path=/"),
        "session cookie has Path=/: {line}"
    );
    assert!(
        !attrs.iter().any(|a| a == "secure"),
        "not Secure when served without TLS: {line}"
    );
    assert!(
        !attrs.iter().any(|a| a.starts_with("max-age")
            || a.starts_with("expires")
            || a.starts_with("domain")),
        "a host-only session cookie that ends with the browser: {line}"
    );

    let attrs: Vec<String> = csrf_line
        .split(';')
        .skip(1)
        .map(|a| a.trim().to_lowercase())
        .collect();
    assert!(
        attrs.iter().any(|a| a == "httponly"),
        "csrf cookie is HttpOnly: {csrf_line}"
    );
    assert!(
        attrs
            .iter()
            .any(|a| a == "samesite=strict" || a == "samesite=lax"),
        "csrf cookie is SameSite: {csrf_line}"
    );
    assert!(
        attrs.iter().any(|a| a == "path=/"),
        "csrf cookie has Path=/: {csrf_line}"
    );

    // Signing out clears the cookie.
    let csrf = app.session_csrf(value).await;
    let r = app
        .http
        .post(app.url("/logout"))
        .header(COOKIE, format!("{SESSION}={value}"))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cleared = set_cookie_lines(&r, SESSION);
    assert_eq!(
        cleared.len(),
        1,
        "sign-out clears the session cookie: {cleared:?}"
    );
    assert!(
        cleared[0].starts_with(&format!("{SESSION}=;")),
        "{cleared:?}"
    );
}

on_both_backends!(
    every_kind_of_response_carries_the_security_headers,
    cookies_are_http_only_same_site_and_scoped_to_the_site
);
