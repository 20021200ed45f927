//! One log line per request: method, the route *pattern* (never the concrete path, which
//! can hold a token), status and time. Each response carries an `X-Request-Id` that the
//! line repeats, so a user's report can be matched to the log.

use std::time::Instant;

use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;

/// The request's route pattern, found once here (actix matches it against every route's
/// regex) and read again by the access guard behind this middleware.
#[derive(Clone)]
pub struct RoutePattern(pub Option<String>);

pub async fn log_request(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().clone();
    let matched = req.match_pattern();
    req.extensions_mut().insert(RoutePattern(matched.clone()));
    let pattern = matched.unwrap_or_else(|| "(no route)".into());
    let request_id = uuid::Uuid::new_v4().to_string();
    let mut res = next.call(req).await?;
    let status = res.status().as_u16();
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    if status >= 500 {
        tracing::warn!(%method, route = %pattern, status, ms = format!("{ms:.1}"), request_id, "request");
    } else {
        tracing::info!(%method, route = %pattern, status, ms = format!("{ms:.1}"), request_id, "request");
    }
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        res.headers_mut()
            .insert(HeaderName::from_static("x-request-id"), v);
    }
    Ok(res)
}
