//! What the admin sees of mail that has not arrived: messages given up on (with why) and
//! messages still waiting for a retry. Recipients include patients' addresses, so each
//! look is audited like any read of patient data.

use chrono::NaiveDateTime;

use super::audit::{AuditAction, AuditEntry, Outcome};
use super::audit_queue::audited_read;
use super::{Actor, ServiceResult};
use crate::db::DbConnection;
use crate::db::models::outbox::{self, OutboxRow};

/// At most this many are listed (newest first).
pub const LIST_LIMIT: i64 = 200;

pub fn list(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
) -> ServiceResult<Vec<OutboxRow>> {
    audited_read(conn, now, actor, |conn| {
        let rows = outbox::undelivered(conn, LIST_LIMIT)?;
        let viewed = AuditEntry::new(AuditAction::OutboxViewed, Outcome::Success)
            .detail(format!("{} undelivered", rows.len()));
        Ok((rows, vec![viewed]))
    })
}

/// How many messages were given up on (for the admin's overview; no addresses).
pub fn dead_count(conn: &mut DbConnection) -> ServiceResult<i64> {
    Ok(outbox::dead_count(conn)?)
}
