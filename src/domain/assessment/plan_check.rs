//! The plan check: a treatment plan against the patient's unresolved flags (part A,
//! "Flag levels"). Pure; the same function runs on every save and again at signing.
//!
//! - emergency: no intervention at all may be planned;
//! - urgent: no thrust, mobilization or instrument technique in any region;
//! - absolute: the flag's techniques refused in its regions, no override;
//! - relative: allowed only with an `override_reason` on that intervention;
//! - precaution: shown, nothing blocked.

use serde::Serialize;

use super::plan::TreatmentPlan;
use crate::domain::clinical::{FlagLevel, Region, Technique};

/// A flag as the check needs it. Resolved flags are not passed in.
#[derive(Debug, Clone)]
pub struct FlagOnFile {
    pub code: String,
    pub level: FlagLevel,
    pub techniques: Vec<Technique>,
    pub regions: Vec<Region>,
}

impl FlagOnFile {
    /// Does this flag forbid the technique in the region (before any override)?
    fn restricts(&self, technique: Technique, region: Region) -> bool {
        match self.level {
            FlagLevel::Emergency => true,
            FlagLevel::Urgent => Technique::FORCE_BASED.contains(&technique),
            FlagLevel::Absolute | FlagLevel::Relative => {
                self.techniques.contains(&technique) && self.regions.contains(&region)
            }
            FlagLevel::Precaution => false,
        }
    }
}

/// One intervention a flag refuses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanConflict {
    /// Index of the intervention in the plan.
    #[serde(skip)]
    pub index: usize,
    pub flag_code: String,
    pub level: FlagLevel,
    pub technique: Technique,
    pub region: Region,
    pub message: String,
}

/// The techniques no unresolved emergency, urgent or absolute flag refuses in a region;
/// relative ones are listed as needing a written reason.
pub fn allowed_in(region: Region, flags: &[FlagOnFile]) -> (Vec<Technique>, Vec<Technique>) {
    let mut free = Vec::new();
    let mut with_reason = Vec::new();
    for t in Technique::ALL {
        let hard = flags
            .iter()
            .any(|f| f.level != FlagLevel::Relative && f.restricts(*t, region));
        if hard {
            continue;
        }
        if flags.iter().any(|f| f.restricts(*t, region)) {
            with_reason.push(*t);
        } else {
            free.push(*t);
        }
    }
    (free, with_reason)
}

fn names(ts: &[Technique]) -> String {
    ts.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", ")
}

fn instead(region: Region, flags: &[FlagOnFile]) -> String {
    let (free, with_reason) = allowed_in(region, flags);
    match (free.is_empty(), with_reason.is_empty()) {
        (true, true) => "Nothing may be planned: refer, and resolve the flag first.".into(),
        (false, true) => format!("Allowed in {region} instead: {}.", names(&free)),
        (true, false) => format!(
            "In {region} only {} with a written override reason.",
            names(&with_reason)
        ),
        (false, false) => format!(
            "Allowed in {region} instead: {}; with a written override reason also {}.",
            names(&free),
            names(&with_reason)
        ),
    }
}

/// Every conflict between the plan and the flags, in plan order, most severe flag first.
pub fn check(plan: &TreatmentPlan, flags: &[FlagOnFile]) -> Vec<PlanConflict> {
    let mut out = Vec::new();
    for (index, iv) in plan.interventions.iter().enumerate() {
        let mut hits: Vec<&FlagOnFile> = flags
            .iter()
            .filter(|f| f.restricts(iv.technique, iv.region))
            .filter(|f| !(f.level == FlagLevel::Relative && iv.override_reason.is_some()))
            .collect();
        hits.sort_by_key(|f| f.level);
        for f in hits {
            let what = format!("{} on {}", iv.technique, iv.region);
            let why = match f.level {
                FlagLevel::Emergency => format!(
                    "No treatment can be planned while the emergency flag “{}” is unresolved: refer now.",
                    f.code
                ),
                FlagLevel::Urgent => format!(
                    "The urgent flag “{}” rules out thrust, mobilization and instrument techniques in every region ({what} refused).",
                    f.code
                ),
                FlagLevel::Absolute => format!(
                    "The flag “{}” is an absolute contraindication to {what}; only resolving the flag with a reason lifts it.",
                    f.code
                ),
                _ => format!(
                    "The flag “{}” is a relative contraindication to {what}: write an override reason to plan it.",
                    f.code
                ),
            };
            out.push(PlanConflict {
                index,
                flag_code: f.code.clone(),
                level: f.level,
                technique: iv.technique,
                region: iv.region,
                message: format!("{why} {}", instead(iv.region, flags)),
            });
        }
    }
    out
}

/// True when an unresolved emergency flag forbids any treatment (and signing).
pub fn has_emergency(flags: &[FlagOnFile]) -> Option<&FlagOnFile> {
    flags.iter().find(|f| f.level == FlagLevel::Emergency)
}
