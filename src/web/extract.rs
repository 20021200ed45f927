//! Request extractors filled in by [`super::access`]: the signed-in staff member, the
//! CSRF token for forms and the client address.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};

use crate::services::Actor;
use crate::services::audit_queue::AuditQueue;
use crate::services::sessions::Principal;

use super::error::ApiError;
use crate::services::ServiceError;

/// The signed-in staff member. Only present on routes the access layer let through as
/// `Staff`; asking for it elsewhere is a 401.
impl FromRequest for Principal {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<Principal>()
                .cloned()
                .ok_or(ApiError(ServiceError::BadCredentials)),
        )
    }
}

/// The signed-in staff member if any (for public pages such as the sign-in form).
#[derive(Debug, Clone)]
pub struct MaybePrincipal(pub Option<Principal>);

impl FromRequest for MaybePrincipal {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(MaybePrincipal(
            req.extensions().get::<Principal>().cloned(),
        )))
    }
}

/// The token a page must put in each form it renders.
#[derive(Debug, Clone, Default)]
pub struct CsrfToken(pub String);

impl FromRequest for CsrfToken {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(req
            .extensions()
            .get::<CsrfToken>()
            .cloned()
            .unwrap_or_default()))
    }
}

/// The client's address, as the access layer worked it out (peer address, or the
/// proxy's forwarded address when `--trust-proxy-headers` is on).
#[derive(Debug, Clone, Default)]
pub struct ClientIp {
    pub ip: Option<String>,
    /// The service's audit queue, handed on to every actor built here so the audit
    /// rows of their reads are group committed.
    pub audit_queue: Option<AuditQueue>,
}

impl FromRequest for ClientIp {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(req
            .extensions()
            .get::<ClientIp>()
            .cloned()
            .unwrap_or_default()))
    }
}

impl ClientIp {
    pub fn actor(&self, principal: Option<&Principal>) -> Actor {
        match principal {
            Some(p) => Actor::staff(p.user_id.clone(), p.role, self.ip.clone()),
            None => Actor::anonymous(self.ip.clone()),
        }
        .with_audit_queue(self.audit_queue.clone())
    }
}

/// The query string, read without actix's `web::Query`: a query it cannot read makes
/// it log the concrete request path at debug level, and on `/intake/{token}` the path
/// is the patient's token. A query that cannot be read here gives the defaults.
pub struct QuietQuery<T>(pub T);

impl<T: serde::de::DeserializeOwned + Default> FromRequest for QuietQuery<T> {
    type Error = std::convert::Infallible;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(QuietQuery(
            serde_urlencoded::from_str(req.query_string()).unwrap_or_default(),
        )))
    }
}
