//! Raising flags: the rules' results recorded for a patient, once per finding and
//! source record, and never again from the same source once a practitioner resolved
//! them (see `docs/clinical-rules.md`).

use chrono::NaiveDateTime;

use super::Actor;
use super::audit::{self, AuditAction, AuditEntry, Outcome};
use crate::db::DbConnection;
use crate::db::models::flag::{self, NewFlag};
use crate::domain::clinical::flags_engine::RaisedFlag;
use crate::domain::clinical::{Region, Technique};
use crate::domain::new_id;

/// Where a flag came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagOrigin {
    Intake,
    Assessment,
    Manual,
}

impl FlagOrigin {
    pub fn as_str(self) -> &'static str {
        match self {
            FlagOrigin::Intake => "intake",
            FlagOrigin::Assessment => "assessment",
            FlagOrigin::Manual => "manual",
        }
    }
}

pub(crate) fn join<T: Copy>(items: &[T], f: impl Fn(T) -> &'static str) -> String {
    items.iter().map(|i| f(*i)).collect::<Vec<_>>().join(",")
}

/// Records the flags the rules raised from one source record, skipping any already
/// raised from it (a re-save does not duplicate them). Call inside a write transaction.
pub fn raise(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    patient_id: &str,
    origin: FlagOrigin,
    source_id: &str,
    raised: &[RaisedFlag],
) -> Result<usize, diesel::result::Error> {
    let mut n = 0;
    for r in raised {
        if flag::exists_from_source(conn, patient_id, r.code, r.level.as_str(), source_id)? {
            continue;
        }
        let id = new_id();
        flag::insert(
            conn,
            &NewFlag {
                id: &id,
                patient_id,
                code: r.code,
                kind: r.kind.as_str(),
                level: r.level.as_str(),
                techniques: &join(&r.techniques, Technique::as_str),
                regions: &join(&r.regions, Region::as_str),
                source: origin.as_str(),
                source_id: Some(source_id),
                reason: r.reason,
                rule_source: r.source,
                status: "open",
                raised_at: now,
                raised_by: actor.user_id().map(|u| u.as_str()),
                basis: "form_answer",
                evidence: "",
                region_unknown: false,
            },
        )?;
        audit::record(
            conn,
            now,
            actor,
            AuditEntry::new(AuditAction::FlagRaised, Outcome::Success)
                .entity(&id)
                .patient(patient_id)
                .detail("rule"),
        )?;
        n += 1;
    }
    Ok(n)
}

