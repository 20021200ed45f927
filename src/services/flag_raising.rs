//! Raising flags: the rules' results recorded for a patient, one flag per finding with
//! every record that supports it as a source, never twice from the same record, and
//! never again on the evidence a practitioner resolved it on (see
//! `docs/clinical-rules.md`).

mod decision;

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDateTime;
use diesel::QueryResult;

use super::Actor;
use super::audit::{self, AuditAction, AuditEntry, Outcome};
use crate::db::DbConnection;
use crate::db::models::flag::{self, FlagRow, NewFlag};
use crate::db::models::flag_narrowing;
use crate::db::models::flag_source::{self, FlagSourceRow};
use crate::domain::clinical::flags_engine::RaisedFlag;
use crate::domain::clinical::{Region, Technique};
use crate::domain::new_id;
use decision::{Decision, FlagOnRecord, decide};

/// Where a flag came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagOrigin {
    Intake,
    Assessment,
    Manual,
}

impl FlagOrigin {
    pub const ALL: [FlagOrigin; 3] = [
        FlagOrigin::Intake,
        FlagOrigin::Assessment,
        FlagOrigin::Manual,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FlagOrigin::Intake => "intake",
            FlagOrigin::Assessment => "assessment",
            FlagOrigin::Manual => "manual",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == raw)
    }
}

pub(crate) fn join<T: Copy>(items: &[T], f: impl Fn(T) -> &'static str) -> String {
    items.iter().map(|i| f(*i)).collect::<Vec<_>>().join(",")
}

/// The patient's flags with their sources and which of them a practitioner narrowed,
/// kept up to date while one record's results are recorded.
struct OnFile {
    flags: Vec<FlagRow>,
    sources: BTreeMap<String, Vec<FlagSourceRow>>,
    narrowed: BTreeSet<String>,
}

impl OnFile {
    fn load(conn: &mut DbConnection, patient_id: &str) -> QueryResult<Self> {
        let flags = flag::for_patient(conn, patient_id)?;
        let ids: Vec<String> = flags.iter().map(|f| f.id.clone()).collect();
        let mut on_file = OnFile {
            sources: BTreeMap::new(),
            narrowed: flag_narrowing::for_flags(conn, &ids)?
                .into_iter()
                .map(|n| n.flag_id)
                .collect(),
            flags,
        };
        for s in flag_source::for_flags(conn, &ids)? {
            on_file.add_source(s);
        }
        Ok(on_file)
    }

    fn records(&self) -> Vec<FlagOnRecord<'_>> {
        self.flags
            .iter()
            .map(|row| FlagOnRecord {
                row,
                sources: self.sources.get(&row.id).map_or(&[], Vec::as_slice),
                narrowed: self.narrowed.contains(&row.id),
            })
            .collect()
    }

    fn add_source(&mut self, s: FlagSourceRow) {
        self.sources.entry(s.flag_id.clone()).or_default().push(s);
    }
}

/// Records what the rules raised from one source record: a new flag (with this record
/// as its first source), one more source on the same finding already on the banner, or
/// nothing (see [`decision::decide`]). Returns how many new flags were raised. Call
/// inside a write transaction.
pub fn raise(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    patient_id: &str,
    origin: FlagOrigin,
    source_id: &str,
    raised: &[RaisedFlag],
) -> Result<usize, diesel::result::Error> {
    let mut on_file = OnFile::load(conn, patient_id)?;
    let mut n = 0;
    for r in raised {
        match decide(&on_file.records(), r, origin, source_id) {
            Decision::Skip => {}
            Decision::Raise => {
                let row = insert_flag(conn, now, actor, patient_id, origin, source_id, r)?;
                on_file.add_source(first_source(conn, &row)?);
                on_file.flags.push(row);
                n += 1;
            }
            Decision::AddSource {
                flag_id,
                basis,
                evidence,
            } => {
                let source = FlagSourceRow {
                    id: new_id(),
                    flag_id,
                    origin: origin.as_str().to_owned(),
                    source_id: Some(source_id.to_owned()),
                    basis: basis.as_str().to_owned(),
                    evidence,
                    added_at: now,
                };
                flag_source::insert(conn, &source)?;
                // Like `flag.raised`, the row names the flag and what kind of record
                // supports it, never the clinical words.
                audit::record(
                    conn,
                    now,
                    actor,
                    AuditEntry::new(AuditAction::FlagSourceAdded, Outcome::Success)
                        .entity(&source.flag_id)
                        .patient(patient_id)
                        .detail(origin.as_str()),
                )?;
                on_file.add_source(source);
            }
        }
    }
    Ok(n)
}

/// Writes a flag's first source from the flag's own origin, record, basis and evidence
/// (the migration did the same for the flags raised before sources were kept). The row
/// takes the flag's id: there is exactly one first source per flag.
pub(crate) fn first_source(conn: &mut DbConnection, f: &FlagRow) -> QueryResult<FlagSourceRow> {
    let source = FlagSourceRow {
        id: f.id.clone(),
        flag_id: f.id.clone(),
        origin: f.source.clone(),
        source_id: f.source_id.clone(),
        basis: f.basis.clone(),
        evidence: f.evidence.clone(),
        added_at: f.raised_at,
    };
    flag_source::insert(conn, &source)?;
    Ok(source)
}

/// Inserts a new flag from a rule's result and audits it.
fn insert_flag(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    patient_id: &str,
    origin: FlagOrigin,
    source_id: &str,
    r: &RaisedFlag,
) -> QueryResult<FlagRow> {
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
    flag::find(conn, &id)?.ok_or(diesel::result::Error::NotFound)
}
