//! Narrowing a flag of unknown region. Part A: a flag whose region the rule did not
//! know applies to every spinal region until a practitioner narrows it; narrowing
//! keeps the techniques and the level, and lifts the flag only where the practitioner
//! says it does not apply, with a written reason.

use chrono::NaiveDateTime;

use super::{FlagRecord, already_resolved, decide, updated};
use crate::db::DbConnection;
use crate::db::models::flag;
use crate::db::models::flag_narrowing::{self, NarrowingRow};
use crate::domain::clinical::{FlagLevel, Region};
use crate::domain::{FieldErrors, FlagId, new_id, written_reason};
use crate::services::audit::AuditAction;
use crate::services::flag_raising::join;
use crate::services::{Actor, ServiceError, ServiceResult};

/// The chosen regions, known codes only, each once, in part A's order.
fn parse_regions(raw: &[String]) -> Result<Vec<Region>, String> {
    let mut chosen = Vec::new();
    for r in raw {
        match Region::parse(r.trim()) {
            Some(region) => chosen.push(region),
            None => return Err(format!("Unknown region code “{}”.", r.trim())),
        }
    }
    if chosen.is_empty() {
        return Err("Choose at least one region the flag applies to.".into());
    }
    Ok(Region::ALL
        .iter()
        .copied()
        .filter(|r| chosen.contains(r))
        .collect())
}

/// Narrows an unresolved flag of unknown region to `regions`, a non-empty subset of the
/// regions it covers now. Emergency and urgent flags apply everywhere by definition and
/// are never narrowed.
pub fn narrow(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    flag_id: &FlagId,
    regions: &[String],
    reason: &str,
) -> ServiceResult<FlagRecord> {
    let mut e = FieldErrors::new();
    let regions = e.check("regions", parse_regions(regions));
    let reason = e.check("reason", written_reason::parse(reason));
    e.into_result()?;
    let (Some(regions), Some(reason)) = (regions, reason) else {
        return Err(FieldErrors::single("regions", "Check the regions and the reason.").into());
    };
    decide(
        conn,
        now,
        actor,
        flag_id,
        AuditAction::FlagNarrowed,
        |c, f, by| {
            if f.is_resolved() {
                return Err(already_resolved());
            }
            let level = FlagLevel::parse(&f.level).unwrap_or(FlagLevel::Precaution);
            if matches!(level, FlagLevel::Emergency | FlagLevel::Urgent) {
                return Err(ServiceError::Conflict(
                    "Emergency and urgent flags apply to every region by definition and cannot be narrowed; refer the patient and resolve the flag with the result."
                        .into(),
                ));
            }
            if !f.region_unknown {
                return Err(ServiceError::Conflict(
                    "This flag's regions are already known; only a flag of unknown region can be narrowed."
                        .into(),
                ));
            }
            let current: Vec<Region> = f.regions.split(',').filter_map(Region::parse).collect();
            if let Some(outside) = regions.iter().find(|r| !current.contains(r)) {
                return Err(FieldErrors::single(
                    "regions",
                    format!(
                        "{} is not among the flag's regions ({}); narrowing only takes regions away.",
                        outside.label(),
                        current
                            .iter()
                            .map(|r| r.label())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
                .into());
            }
            let after = join(&regions, Region::as_str);
            flag_narrowing::insert(
                c,
                &NarrowingRow {
                    id: new_id(),
                    flag_id: f.id.clone(),
                    regions_before: f.regions.clone(),
                    regions_after: after.clone(),
                    reason: reason.clone(),
                    narrowed_by: by.to_owned(),
                    narrowed_at: now,
                },
            )?;
            updated(flag::narrow(c, &f.id, &after)?)
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_known_codes_in_part_a_order() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            parse_regions(&s(&["lumbar", "cervical", "lumbar"])).unwrap(),
            vec![Region::Cervical, Region::Lumbar]
        );
        assert!(parse_regions(&s(&[])).is_err());
        assert!(parse_regions(&s(&["tail"])).is_err());
    }
}
