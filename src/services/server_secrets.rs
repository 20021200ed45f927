//! Keys the servers of one deployment share, kept in the database so that every server
//! (and every restart) signs and checks with the same one. Made at the first start.

use chrono::NaiveDateTime;
use rand::RngCore;

use super::{ServiceError, ServiceResult};
use crate::db::DbConnection;
use crate::db::models::server_secret;

/// The key that signs the CSRF cookie given before sign-in.
pub const CSRF_COOKIE_KEY: &str = "csrf_cookie";

/// The key called `name`, made (random, 256 bits) if there is none yet. Two servers
/// starting together may both try to make it: the second insert fails on the primary
/// key and that server reads the first one's.
pub fn load_or_create(
    conn: &mut DbConnection,
    name: &str,
    now: NaiveDateTime,
) -> ServiceResult<[u8; 32]> {
    if let Some(hex) = server_secret::find(conn, name)? {
        return decode(&hex);
    }
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    if server_secret::insert(conn, name, &hex::encode(key), now).is_ok() {
        return Ok(key);
    }
    let hex = server_secret::find(conn, name)?.ok_or_else(|| {
        ServiceError::Unexpected(anyhow::anyhow!("server secret {name} could not be stored"))
    })?;
    decode(&hex)
}

fn decode(hex: &str) -> ServiceResult<[u8; 32]> {
    hex::decode(hex)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or_else(|| {
            ServiceError::Unexpected(anyhow::anyhow!("a server secret is not 32 bytes of hex"))
        })
}
