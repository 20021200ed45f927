//! A refused request leaves a trace. When the access layer refuses a role, or a service
//! refuses a record (`ServiceError::Forbidden`), the web layer records one
//! `access.denied` row here, in a write transaction of its own: the refused request's
//! own transaction (if it had one) was rolled back and wrote nothing.

use chrono::NaiveDateTime;

use super::audit::{self, AuditAction, AuditEntry, Outcome};
use super::{Actor, ServiceResult};
use crate::db::{DbConnection, write_transaction};

/// Who said no.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusedBy {
    /// The route table: the caller's role may not use this route.
    Role,
    /// The service: the role may use the route, but not on this record (another
    /// practitioner's assessment, for example).
    Record,
}

impl RefusedBy {
    fn as_str(self) -> &'static str {
        match self {
            RefusedBy::Role => "role",
            RefusedBy::Record => "record",
        }
    }
}

/// A refused request, as the audit row names it. Ids only: a route pattern never holds
/// patient data, and the ids are the opaque UUIDs from the path.
#[derive(Debug, Clone)]
pub struct Refusal {
    /// Method and route pattern, e.g. `GET /patients/{id}/assessments/{aid}`.
    pub route: String,
    pub by: RefusedBy,
    /// The patient the path names, if it names one.
    pub patient_id: Option<String>,
    /// Other records the path names: (kind, id), e.g. `("assessment", "0190…")`.
    pub records: Vec<(String, String)>,
}

impl Refusal {
    /// `role`, or `record`, then the records the path named: `record; assessment 0190…`.
    fn detail(&self) -> String {
        let mut d = self.by.as_str().to_owned();
        for (kind, id) in &self.records {
            d.push_str(&format!("; {kind} {id}"));
        }
        d
    }
}

/// The patient a record named by the path belongs to, so that a refusal on
/// `/api/v1/assessments/{id}` or `/flags/{id}/…` is found under the patient too.
fn patient_of(conn: &mut DbConnection, kind: &str, id: &str) -> ServiceResult<Option<String>> {
    use crate::db::models::{appointment, assessment, flag, invitation};
    Ok(match kind {
        "assessment" => assessment::find(conn, id)?.map(|r| r.patient_id),
        "flag" => flag::find(conn, id)?.map(|r| r.patient_id),
        "appointment" => appointment::find(conn, id)?.map(|r| r.patient_id),
        "intake_invitation" => invitation::find(conn, id)?.map(|r| r.patient_id),
        _ => None,
    })
}

/// Writes the `access.denied` row for `refusal`.
pub fn record(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    refusal: &Refusal,
) -> ServiceResult<()> {
    write_transaction(conn, |conn| {
        let mut patient = refusal.patient_id.clone();
        for (kind, id) in &refusal.records {
            if patient.is_none() {
                patient = patient_of(conn, kind, id)?;
            }
        }
        let mut entry = AuditEntry::new(AuditAction::AccessDenied, Outcome::Denied)
            .entity(&refusal.route)
            .detail(refusal.detail());
        if let Some(p) = &patient {
            entry = entry.patient(p);
        }
        Ok(audit::record(conn, now, actor, entry)?)
    })
}
