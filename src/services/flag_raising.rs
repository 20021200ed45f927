//! Raising flags: the rules' results recorded for a patient, once per finding and
//! source record, and never again from the same source once a practitioner resolved
//! them (see `docs/clinical-rules.md`).

use chrono::NaiveDateTime;

use super::Actor;
use super::audit::{self, AuditAction, AuditEntry, Outcome};
use crate::db::DbConnection;
use crate::db::models::flag::{self, FlagRow, NewFlag};
use crate::domain::clinical::flags_engine::RaisedFlag;
use crate::domain::clinical::{FlagKind, FlagLevel, Region, Technique};
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

/// Whether a flag the rules raise from `source_id` is recorded, given the patient's
/// flags on file:
/// - never twice from the same source record (saving a form or an exam again);
/// - not while the same flag (code and level) is unresolved: one flag per finding on
///   the banner, however many records support it;
/// - once resolved, not again from the same evidence (a newer form with the same
///   answer, the same medicine listed again): the practitioner has decided it. An
///   emergency or urgent red flag reported in a later record is raised again, since a
///   symptom reported anew is news; a contraindication is not.
pub fn should_raise(on_file: &[FlagRow], r: &RaisedFlag, source_id: &str) -> bool {
    let same = |f: &&FlagRow| f.code == r.code && f.level == r.level.as_str();
    let mut matching = on_file.iter().filter(same);
    let news = r.kind == FlagKind::RedFlag && r.level <= FlagLevel::Urgent;
    let evidence = r.evidence_text();
    let basis = r.basis();
    !matching.any(|f| {
        f.source_id.as_deref() == Some(source_id)
            || !f.is_resolved()
            || (!news && f.basis == basis.as_str() && f.evidence == evidence)
    })
}

/// Records the flags the rules raised from one source record (see [`should_raise`]).
/// Call inside a write transaction.
pub fn raise(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    patient_id: &str,
    origin: FlagOrigin,
    source_id: &str,
    raised: &[RaisedFlag],
) -> Result<usize, diesel::result::Error> {
    let mut on_file = flag::for_patient(conn, patient_id)?;
    let mut n = 0;
    for r in raised {
        if !should_raise(&on_file, r, source_id) {
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
                basis: r.basis().as_str(),
                evidence: &r.evidence_text(),
                region_unknown: r.region_unknown,
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
        if let Some(row) = flag::find(conn, &id)? {
            on_file.push(row);
        }
        n += 1;
    }
    Ok(n)
}
