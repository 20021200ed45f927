//! Periodic clean-up: expired sessions and long-unused trusted devices are deleted so the
//! tables do not grow without bound and a stolen database copy holds fewer live-looking
//! rows.

use chrono::NaiveDateTime;

use super::login::DEVICE_TRUST;
use super::{ServiceResult, SessionPolicy};
use crate::db::DbConnection;
use crate::db::models::{session, trusted_device};

/// What one round removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub sessions: usize,
    pub devices: usize,
}

/// Deletes sessions past their absolute or idle limit and devices unused for
/// [`DEVICE_TRUST`].
pub fn purge_expired(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    policy: &SessionPolicy,
) -> ServiceResult<Purged> {
    Ok(Purged {
        sessions: session::delete_expired(conn, now, now - policy.idle)?,
        devices: trusted_device::delete_unused_since(conn, now - DEVICE_TRUST)?,
    })
}
