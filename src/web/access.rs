//! Deny-by-default access control and CSRF protection, in front of every handler.
//!
//! For each request: find its entry in the route table (no entry → the router answers
//! 404/405; no handler runs), authenticate (bearer token on the API, session cookie on
//! pages), check the role, and for every state-changing page request check the
//! `Origin`/`Sec-Fetch-Site` headers and the synchronizer token in the form body. The
//! token is the session's own; before sign-in it is a random value signed with the
//! server's key in a separate `clinic_csrf` cookie (signed double submit), which
//! protects the sign-in form itself.
//!
//! A signed-in caller refused here (their role) or by the handler (a 403 from a
//! service's record check) leaves an `access.denied` audit row ([`super::denials`]). A
//! CSRF refusal does not: it says nothing about who may see what.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::Next;
use actix_web::web::{Bytes, BytesMut};
use actix_web::{HttpMessage, HttpResponse, web};
use futures_util::StreamExt;

use super::api_error::{ErrorCode, json_error};
use super::denials;
use super::error::error_page;
use super::extract::{ClientIp, CsrfToken};
use super::routes::{self, Access, RouteSpec, Surface};
use super::state::AppState;
use crate::auth::token;
use crate::services::access_denials::RefusedBy;
use crate::services::sessions::{self, Principal, SessionKind};

pub const SESSION_COOKIE: &str = "clinic_session";
pub const CSRF_COOKIE: &str = "clinic_csrf";
/// Largest form or JSON body we accept.
pub const BODY_LIMIT: usize = 64 * 1024;

pub async fn guard(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(req.into_response(HttpResponse::InternalServerError().finish()));
    };
    if req.headers().contains_key("x-forwarded-for") {
        state.saw_forwarded_header();
    }
    let ip = client_ip(&req, state.trust_proxy_headers);
    req.extensions_mut().insert(ClientIp {
        ip: ip.clone(),
        audit_queue: Some(state.audit_queue.clone()),
    });

    let pattern = match req.extensions().get::<super::logging::RoutePattern>() {
        Some(found) => found.0.clone(),
        None => req.match_pattern(),
    };
    let spec = pattern.and_then(|p| routes::find(req.method(), &p));
    let Some(spec) = spec else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };

    // Who is calling?
    let presented = match spec.surface {
        Surface::Api => bearer_token(&req).map(|t| (t, SessionKind::Api)),
        Surface::Page => req
            .cookie(SESSION_COOKIE)
            .map(|c| (c.value().to_owned(), SessionKind::Browser)),
        Surface::Infra => None,
    };
    let had_cookie = matches!(presented, Some((_, SessionKind::Browser)));
    let principal = match presented {
        Some((tok, kind)) => {
            let policy = state.policy;
            let now = state.clock.now();
            match state
                .db(move |conn| sessions::resolve(conn, now, &tok, kind, &policy))
                .await
            {
                Ok(p) => p,
                Err(e) => {
                    tracing::error!(error = %e, "session lookup failed");
                    return Ok(req.into_response(unavailable(spec.surface)));
                }
            }
        }
        None => None,
    };

    // May they?
    if let Access::Staff(roles) = spec.access {
        match &principal {
            None => {
                let mut resp = unauthenticated(&req, spec.surface);
                if had_cookie {
                    resp.add_removal_cookie(&session_cookie("", state.secure_cookies))
                        .ok();
                }
                return Ok(req.into_response(resp));
            }
            Some(p) if !roles.contains(&p.role) => {
                if sent_by_the_caller(&mut req, spec, &p.csrf_token).await {
                    denials::record(&state, p, ip, req.request(), RefusedBy::Role).await;
                }
                return Ok(req.into_response(forbidden(spec.surface)));
            }
            Some(_) => {}
        }
    }

    // CSRF: pages only; the API takes no cookies.
    let mut new_anon_csrf = None;
    if spec.surface == Surface::Page {
        let expected = match &principal {
            Some(p) => p.csrf_token.clone(),
            // Only a cookie we signed counts: one planted with a value of someone
            // else's choosing is replaced, and the form posted with it refused.
            None => match req
                .cookie(CSRF_COOKIE)
                .map(|c| c.value().to_owned())
                .filter(|v| state.csrf_cookie_key.verify(v))
            {
                Some(v) => v,
                None => {
                    let fresh = state.csrf_cookie_key.issue();
                    new_anon_csrf = Some(fresh.clone());
                    fresh
                }
            },
        };
        if !spec.verb.is_safe() {
            if !same_origin(&req) {
                return Ok(req.into_response(csrf_refused()));
            }
            let body = match read_body(&mut req).await {
                Ok(b) => b,
                Err(resp) => return Ok(req.into_response(resp)),
            };
            let sent = form_field(&body, "csrf_token");
            let fresh_visitor = new_anon_csrf.is_some();
            if fresh_visitor || !sent.is_some_and(|s| token::secrets_equal(&s, &expected)) {
                return Ok(req.into_response(csrf_refused()));
            }
            req.set_payload(bytes_payload(body));
        }
        req.extensions_mut().insert(CsrfToken(expected));
    }
    let stale_cookie = had_cookie && principal.is_none();
    if let Some(p) = &principal {
        req.extensions_mut().insert::<Principal>(p.clone());
    }

    // The CSRF check above has passed, so only the origin is left to look at.
    let from_our_pages = spec.surface != Surface::Page || same_origin(&req);
    let mut res = next.call(req).await?.map_into_boxed_body();
    if res.status() == StatusCode::FORBIDDEN
        && from_our_pages
        && let Some(p) = &principal
    {
        denials::record(&state, p, ip, res.request(), RefusedBy::Record).await;
    }
    if let Some(v) = new_anon_csrf {
        let c = Cookie::build(CSRF_COOKIE, v)
            .path("/")
            .http_only(true)
            .same_site(SameSite::Strict)
            .secure(state.secure_cookies)
            .finish();
        res.response_mut().add_cookie(&c).ok();
    }
    if stale_cookie && res.response().cookies().all(|c| c.name() != SESSION_COOKIE) {
        res.response_mut()
            .add_removal_cookie(&session_cookie("", state.secure_cookies))
            .ok();
    }
    Ok(res)
}

/// The session cookie: HttpOnly, SameSite=Lax (so a link from an email still arrives
/// signed in), Secure when served over TLS, no Max-Age (the server enforces expiry).
pub fn session_cookie(value: &str, secure: bool) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, value.to_owned())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .finish()
}

fn bearer_token(req: &ServiceRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
        .filter(|t| !t.is_empty())
}

/// The peer address; behind a trusted proxy, the *last* `X-Forwarded-For` entry, which
/// is the one our proxy appended. Earlier entries (and `Forwarded`) come from the client
/// and could be chosen to dodge the per-address sign-in limit.
fn client_ip(req: &ServiceRequest, trust_proxy: bool) -> Option<String> {
    if trust_proxy {
        let forwarded = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .last()
            .map(str::to_owned);
        if forwarded.is_some() {
            return forwarded;
        }
    }
    req.peer_addr().map(|a| a.ip().to_string())
}

/// Whether a refused request really is the signed-in caller's own, and so worth an
/// `access.denied` row in their name. A page sent from another site (a link or a form
/// on someone else's page, which the browser sends with the caller's cookie) is not:
/// otherwise any web page could fill the audit trail with refusals "by" our staff. The
/// API takes no cookies, so its requests are always the caller's.
async fn sent_by_the_caller(req: &mut ServiceRequest, spec: &RouteSpec, csrf_token: &str) -> bool {
    if spec.surface != Surface::Page {
        return true;
    }
    if !same_origin(req) {
        return false;
    }
    if spec.verb.is_safe() {
        return true;
    }
    // A POST must also carry the session's token, as the CSRF check would require.
    // The body is read only for this: the request is answered here.
    match read_body(req).await {
        Ok(body) => form_field(&body, "csrf_token")
            .is_some_and(|sent| token::secrets_equal(&sent, csrf_token)),
        Err(_) => false,
    }
}

/// `Origin` must be this server's own; without it, `Sec-Fetch-Site` must not say
/// cross-site. Clients that send neither (not a browser) still need the token.
///
/// Browsers send `Origin: null` on form posts from pages served with
/// `Referrer-Policy: no-referrer` (ours), so "null" counts as absent and
/// `Sec-Fetch-Site` decides.
fn same_origin(req: &ServiceRequest) -> bool {
    if let Some(origin) = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|o| *o != "null")
    {
        let info = req.connection_info();
        let ours = format!("{}://{}", info.scheme(), info.host());
        let public = req
            .app_data::<web::Data<AppState>>()
            .map(|s| s.mail.public_url.trim_end_matches('/').to_owned())
            .unwrap_or_default();
        return origin == ours
            || (!public.is_empty() && public.starts_with(origin) && {
                let rest = &public[origin.len()..];
                rest.is_empty() || rest.starts_with('/')
            });
    }
    match req
        .headers()
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
    {
        Some(site) => site == "same-origin" || site == "none",
        None => true,
    }
}

async fn read_body(req: &mut ServiceRequest) -> Result<Bytes, HttpResponse> {
    let mut payload = req.take_payload();
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| HttpResponse::BadRequest().finish())?;
        if body.len() + chunk.len() > BODY_LIMIT {
            return Err(error_page(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Too much text",
                "The form was larger than the service accepts. Shorten the text and try again.",
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn bytes_payload(body: Bytes) -> actix_web::dev::Payload {
    let (_, mut payload) = actix_http::h1::Payload::create(true);
    payload.unread_data(body);
    actix_web::dev::Payload::from(payload)
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).ok()?;
    pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

fn csrf_refused() -> HttpResponse {
    error_page(
        StatusCode::FORBIDDEN,
        "Form expired",
        "This form could not be accepted (it was old or came from another site). Go back, reload the page and try again.",
    )
}

fn unauthenticated(req: &ServiceRequest, surface: Surface) -> HttpResponse {
    match surface {
        Surface::Api => {
            let mut r = json_error(
                StatusCode::UNAUTHORIZED,
                ErrorCode::Unauthenticated,
                "Sign in first: send Authorization: Bearer <token>.",
            );
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
            r
        }
        _ => {
            let next = if req.method() == actix_web::http::Method::GET {
                req.path()
            } else {
                "/"
            };
            let target = format!(
                "/login?next={}",
                url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
            );
            HttpResponse::SeeOther()
                .insert_header((header::LOCATION, target))
                .finish()
        }
    }
}

fn forbidden(surface: Surface) -> HttpResponse {
    match surface {
        Surface::Api => json_error(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            "Your role does not allow this.",
        ),
        _ => error_page(
            StatusCode::FORBIDDEN,
            "Not allowed",
            "Your role does not allow this page.",
        ),
    }
}

fn unavailable(surface: Surface) -> HttpResponse {
    match surface {
        Surface::Api => json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Unavailable,
            "The service is unavailable; try again shortly.",
        ),
        _ => error_page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Unavailable",
            "The service is unavailable; try again shortly.",
        ),
    }
}
