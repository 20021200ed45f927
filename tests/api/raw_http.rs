//! Talking to the service with cookies held by hand: the raw `Set-Cookie` lines, session
//! cookie values kept after logout, cookies planted before sign-in. Used by the
//! authorization matrix, the CSRF, header and session tests.

use std::sync::Arc;

use reqwest::StatusCode;
use reqwest::cookie::{CookieStore, Jar};
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};

use crate::helpers::{Browser, TestApp, TestUser, csrf_in};

pub const SESSION: &str = "clinic_session";
pub const CSRF: &str = "clinic_csrf";

/// The raw `Set-Cookie` lines of a response that set the cookie `name`.
pub fn set_cookie_lines(resp: &reqwest::Response, name: &str) -> Vec<String> {
    resp.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter(|line| line.split_once('=').is_some_and(|(n, _)| n.trim() == name))
        .map(str::to_owned)
        .collect()
}

/// The value a response gives the cookie `name` (the last one if several), if any.
pub fn set_cookie_value(resp: &reqwest::Response, name: &str) -> Option<String> {
    set_cookie_lines(resp, name).last().map(|line| {
        let (_, rest) = line.split_once('=').unwrap_or_default();
        rest.split(';').next().unwrap_or_default().trim().to_owned()
    })
}

/// The `Location` header, if any.
pub fn location(resp: &reqwest::Response) -> Option<String> {
    resp.headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// A random string shaped like a token (43 URL-safe characters).
pub fn random_token() -> String {
    let a = uuid::Uuid::new_v4().simple().to_string();
    let b = uuid::Uuid::new_v4().simple().to_string();
    format!("{a}{b}")[..43].to_owned()
}

/// A browser session held by hand: the session cookie's value and the session's CSRF
/// token, as a browser would have them after signing in.
#[derive(Clone, Debug)]
pub struct RawSession {
    pub cookie: String,
    pub csrf: String,
}

impl RawSession {
    pub fn cookie_header(&self) -> String {
        format!("{SESSION}={}", self.cookie)
    }
}

/// An anonymous visitor who has loaded `/login`: the `clinic_csrf` cookie and its token.
#[derive(Clone, Debug)]
pub struct RawVisitor {
    pub csrf_cookie: String,
    pub csrf: String,
}

impl RawVisitor {
    pub fn cookie_header(&self) -> String {
        format!("{CSRF}={}", self.csrf_cookie)
    }
}

impl TestApp {
    /// GET with exactly the given `Cookie` header (or none), no redirects followed.
    pub async fn get_with_cookie(&self, path: &str, cookie: Option<&str>) -> reqwest::Response {
        let mut req = self.http.get(self.url(path));
        if let Some(c) = cookie {
            req = req.header(COOKIE, c);
        }
        req.send().await.expect("GET")
    }

    /// POST a form with exactly the given `Cookie` header (or none).
    pub async fn post_form_with_cookie(
        &self,
        path: &str,
        cookie: Option<&str>,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut req = self.http.post(self.url(path)).form(fields);
        if let Some(c) = cookie {
            req = req.header(COOKIE, c);
        }
        req.send().await.expect("POST")
    }

    /// Loads `/login` without cookies, as a first-time visitor does.
    pub async fn raw_visitor(&self) -> RawVisitor {
        self.raw_visitor_with(None).await
    }

    /// Loads `/login` sending `cookie`; returns the anonymous CSRF cookie and token.
    pub async fn raw_visitor_with(&self, cookie: Option<&str>) -> RawVisitor {
        let resp = self.get_with_cookie("/login", cookie).await;
        assert_eq!(resp.status(), StatusCode::OK, "GET /login");
        let csrf_cookie = set_cookie_value(&resp, CSRF).expect("a first visit sets clinic_csrf");
        let html = resp.text().await.expect("body");
        let csrf = csrf_in(&html).expect("the sign-in form has a csrf_token");
        RawVisitor { csrf_cookie, csrf }
    }

    /// Signs in through the HTML form with a client that keeps no cookies, and returns
    /// the session cookie's value and the CSRF token that `/` shows.
    pub async fn raw_session(&self, user: &TestUser) -> RawSession {
        let visitor = self.raw_visitor().await;
        let resp = self
            .post_form_with_cookie(
                "/login",
                Some(&visitor.cookie_header()),
                &[
                    ("email", &user.email),
                    ("password", &user.password),
                    ("csrf_token", &visitor.csrf),
                ],
            )
            .await;
        assert_eq!(
            resp.status(),
            StatusCode::SEE_OTHER,
            "browser sign-in of {}",
            user.email
        );
        let cookie = set_cookie_value(&resp, SESSION).expect("sign-in sets the session cookie");
        let csrf = self.session_csrf(&cookie).await;
        RawSession { cookie, csrf }
    }

    /// The CSRF token a page (`/account/password`, which every role sees) shows to the holder of a session cookie value.
    pub async fn session_csrf(&self, cookie: &str) -> String {
        let resp = self
            .get_with_cookie("/account/password", Some(&format!("{SESSION}={cookie}")))
            .await;
        assert_eq!(
            resp.status(),
            StatusCode::OK,
            "GET /account/password with a fresh session"
        );
        csrf_in(&resp.text().await.expect("body")).expect("csrf_token on /")
    }

    /// A browser whose cookie jar the test can read.
    pub fn browser_with_jar(&self) -> (Browser, Arc<Jar>) {
        let jar = Arc::new(Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        (
            Browser {
                base: self.address.clone(),
                client,
            },
            jar,
        )
    }

    /// The value of cookie `name` in a jar, as it would be sent to this server.
    pub fn jar_cookie(&self, jar: &Jar, name: &str) -> Option<String> {
        let url = reqwest::Url::parse(&self.address).expect("address");
        let header = jar.cookies(&url)?;
        let header = header.to_str().ok()?.to_owned();
        header.split(';').map(str::trim).find_map(|pair| {
            let (n, v) = pair.split_once('=')?;
            (n == name).then(|| v.to_owned())
        })
    }
}
