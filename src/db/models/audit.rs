//! `audit_events` and `audit_head`: the append-only, hash-chained audit trail.
//!
//! `hash = SHA-256(prev_hash ‖ canonical row)`, where the canonical row encodes every
//! column (length-prefixed, so no separator inside a value can forge another row). The
//! `audit_head` row holds the newest sequence number and hash; it is updated in the same
//! transaction, so removing the newest rows is detected unless the head is forged too.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::DbConnection;
use crate::schema::{audit_events, audit_head};

pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_events)]
pub struct AuditRow {
    pub seq: i64,
    pub at: NaiveDateTime,
    pub actor_id: Option<String>,
    pub actor_role: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub patient_id: Option<String>,
    pub outcome: String,
    pub ip: Option<String>,
    pub detail: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRow {
    /// The hash this row must carry, given the hash of the row before it.
    pub fn compute_hash(&self, prev_hash: &str) -> String {
        let mut canonical = String::new();
        let fields: [Option<&str>; 10] = [
            self.actor_id.as_deref(),
            self.actor_role.as_deref(),
            Some(&self.action),
            Some(&self.entity),
            self.entity_id.as_deref(),
            self.patient_id.as_deref(),
            Some(&self.outcome),
            self.ip.as_deref(),
            self.detail.as_deref(),
            None,
        ];
        canonical.push_str(&format!(
            "seq:{};at:{};",
            self.seq,
            self.at.format("%Y-%m-%dT%H:%M:%S%.6f")
        ));
        for f in &fields[..9] {
            match f {
                Some(v) => canonical.push_str(&format!("{}:{};", v.len(), v)),
                None => canonical.push_str("-;"),
            }
        }
        let mut h = Sha256::new();
        h.update(prev_hash.as_bytes());
        h.update(b"\n");
        h.update(canonical.as_bytes());
        hex::encode(h.finalize())
    }
}

/// The newest sequence number and hash.
pub fn head(conn: &mut DbConnection) -> QueryResult<(i64, String)> {
    audit_head::table
        .filter(audit_head::id.eq(1))
        .select((audit_head::seq, audit_head::hash))
        .first(conn)
}

/// Appends rows already chained onto the head (oldest first) and moves the head to the
/// last of them.
pub fn append_all(conn: &mut DbConnection, rows: &[AuditRow]) -> QueryResult<()> {
    let Some(last) = rows.last() else {
        return Ok(());
    };
    match conn {
        // One statement for the batch: on PostgreSQL each statement is a round trip.
        DbConnection::Pg(pg) => {
            diesel::insert_into(audit_events::table)
                .values(rows)
                .execute(pg)?;
        }
        // SQLite runs in this process: a statement per row costs no round trip, and
        // diesel has no multi-row insert for rows with NULL columns there.
        DbConnection::Sqlite(_) => {
            for row in rows {
                diesel::insert_into(audit_events::table)
                    .values(row)
                    .execute(conn)?;
            }
        }
    }
    diesel::update(audit_head::table.filter(audit_head::id.eq(1)))
        .set((
            audit_head::seq.eq(last.seq),
            audit_head::hash.eq(&last.hash),
        ))
        .execute(conn)?;
    Ok(())
}

/// Rows with `seq > after`, oldest first, for verification in batches.
pub fn batch_after(conn: &mut DbConnection, after: i64, limit: i64) -> QueryResult<Vec<AuditRow>> {
    audit_events::table
        .filter(audit_events::seq.gt(after))
        .order(audit_events::seq.asc())
        .limit(limit)
        .select(AuditRow::as_select())
        .load(conn)
}

/// Filters for the admin's audit browser. Every field is optional.
#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub actor_id: Option<String>,
    pub action: Option<String>,
    pub outcome: Option<String>,
    pub patient_id: Option<String>,
    /// The record's own id (an assessment, a flag, an invitation…).
    pub entity_id: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
    pub before_seq: Option<i64>,
}

/// Newest first, at most `limit` rows.
pub fn search(conn: &mut DbConnection, f: &AuditFilter, limit: i64) -> QueryResult<Vec<AuditRow>> {
    let mut q = audit_events::table.into_boxed();
    if let Some(v) = &f.actor_id {
        q = q.filter(audit_events::actor_id.eq(v.clone()));
    }
    if let Some(v) = &f.action {
        q = q.filter(audit_events::action.eq(v.clone()));
    }
    if let Some(v) = &f.outcome {
        q = q.filter(audit_events::outcome.eq(v.clone()));
    }
    if let Some(v) = &f.patient_id {
        q = q.filter(audit_events::patient_id.eq(v.clone()));
    }
    if let Some(v) = &f.entity_id {
        q = q.filter(audit_events::entity_id.eq(v.clone()));
    }
    if let Some(v) = f.from {
        q = q.filter(audit_events::at.ge(v));
    }
    if let Some(v) = f.until {
        q = q.filter(audit_events::at.lt(v));
    }
    if let Some(v) = f.before_seq {
        q = q.filter(audit_events::seq.lt(v));
    }
    q.order(audit_events::seq.desc())
        .limit(limit)
        .select(AuditRow::as_select())
        .load(conn)
}
