//! Periodic clean-up: expired sessions are deleted so the table does not grow without
//! bound and a stolen database copy holds fewer live-looking rows.

use chrono::NaiveDateTime;

use super::{ServiceResult, SessionPolicy};
use crate::db::DbConnection;
use crate::db::models::session;

/// Deletes sessions past their absolute or idle limit; returns how many.
pub fn purge_expired_sessions(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    policy: &SessionPolicy,
) -> ServiceResult<usize> {
    Ok(session::delete_expired(conn, now, now - policy.idle)?)
}
