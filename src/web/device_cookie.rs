//! The `clinic_device` cookie: the tokens that make this browser (or API client with a
//! cookie jar) a trusted device for the accounts that signed in from it
//! ([`crate::services::login`]). One browser at a shared front desk may be trusted for
//! several accounts, so the cookie holds up to [`MAX_DEVICE_TOKENS`] tokens, newest last.

use std::future::{Ready, ready};

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};

use crate::services::login::DEVICE_TRUST;

pub const DEVICE_COOKIE: &str = "clinic_device";
pub const MAX_DEVICE_TOKENS: usize = 8;
/// Our tokens are 32 random bytes in unpadded base64url.
const TOKEN_LEN: usize = 43;

/// The well-formed tokens of the request's device cookie (anything else is ignored: a
/// cookie is the caller's to write).
#[derive(Debug, Clone, Default)]
pub struct DeviceTokens(pub Vec<String>);

impl DeviceTokens {
    pub fn parse(value: &str) -> Self {
        DeviceTokens(
            value
                .split('.')
                .filter(|t| {
                    t.len() == TOKEN_LEN
                        && t.bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                })
                .take(MAX_DEVICE_TOKENS)
                .map(str::to_owned)
                .collect(),
        )
    }

    /// The cookie to set after a stranger signed in: the new token added, the oldest
    /// dropped beyond the limit.
    pub fn with(&self, new_token: &str, secure: bool) -> Cookie<'static> {
        let mut tokens: Vec<&str> = self.0.iter().map(String::as_str).collect();
        tokens.push(new_token);
        let keep = tokens.len().saturating_sub(MAX_DEVICE_TOKENS);
        Cookie::build(DEVICE_COOKIE, tokens[keep..].join("."))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Strict)
            .secure(secure)
            .max_age(time::Duration::seconds(DEVICE_TRUST.num_seconds()))
            .finish()
    }
}

impl FromRequest for DeviceTokens {
    type Error = std::convert::Infallible;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(req
            .cookie(DEVICE_COOKIE)
            .map(|c| DeviceTokens::parse(c.value()))
            .unwrap_or_default()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(c: char) -> String {
        std::iter::repeat_n(c, TOKEN_LEN).collect()
    }

    #[test]
    fn only_well_formed_tokens_are_read() {
        let value = format!("{}.short.{}.{}!", token('a'), token('b'), token('c'));
        assert_eq!(DeviceTokens::parse(&value).0, [token('a'), token('b')]);
    }

    #[test]
    fn the_oldest_token_goes_beyond_the_limit() {
        let held: Vec<String> = "abcdefgh".chars().map(token).collect();
        let cookie = DeviceTokens(held).with(&token('z'), true);
        let kept: Vec<&str> = cookie.value().split('.').collect();
        assert_eq!(kept.len(), MAX_DEVICE_TOKENS);
        assert_eq!(kept[0], token('b'));
        assert_eq!(kept[7], token('z'));
        assert!(cookie.http_only().unwrap_or(false));
    }
}
