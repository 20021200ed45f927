//! Security headers on every response (security.md): a strict CSP, no sniffing, no
//! referrer, no framing, and `Cache-Control: no-store` on everything dynamic so patient
//! pages never sit in a shared cache. HSTS only when served over TLS.

use actix_web::middleware::DefaultHeaders;

pub const CSP: &str = "default-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; \
                       form-action 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'";

pub fn security_headers(tls: bool) -> DefaultHeaders {
    let mut h = DefaultHeaders::new()
        .add(("Content-Security-Policy", CSP))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), payment=()",
        ))
        .add(("Cache-Control", "no-store"));
    if tls {
        h = h.add((
            "Strict-Transport-Security",
            "max-age=63072000; includeSubDomains",
        ));
    }
    h
}
