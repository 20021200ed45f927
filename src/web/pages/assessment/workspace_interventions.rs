//! The plan's interventions as a grid of technique × region chips, filtered by what
//! the unresolved flags allow (`plan_check::allowance`): a technique a flag forbids is
//! struck and cannot be chosen, one a relative contraindication restricts asks for the
//! override reason. The regions the record is about come first; the rest wait under
//! "More regions". The grid is also "what the flags allow": the workspace script
//! replaces it in place when the flags change.

use crate::domain::assessment::charted_areas::relevant_regions;
use crate::domain::assessment::plan::Intervention;
use crate::domain::assessment::plan_check::{Allowance, FlagOnFile, allowance};
use crate::domain::clinical::{Region, Technique};
use crate::services::assessments::{AssessmentRecord, flags_on_file};

pub struct TechniqueChip {
    pub code: &'static str,
    pub label: &'static str,
    /// Planned in the stored record.
    pub on: bool,
    /// Ruled out: struck, and disabled unless it is planned (so it can be taken off).
    pub refused: bool,
    pub disabled: bool,
    /// Only with a written override reason.
    pub needs_reason: bool,
    /// Shows the override reason field (needed, or written before).
    pub has_reason_field: bool,
    pub override_reason: String,
    pub override_note: String,
    /// The id of the region's line that says why, for `aria-describedby`.
    pub why_id: String,
}

/// One sentence under a region: techniques and the flags that restrict them.
pub struct WhyLine {
    pub id: String,
    pub text: String,
}

pub struct RegionRow {
    pub code: &'static str,
    pub label: &'static str,
    pub chips: Vec<TechniqueChip>,
    pub why: Vec<WhyLine>,
}

pub struct InterventionGrid {
    /// The regions the record is about (palpation, complaint, planned), or all.
    pub first: Vec<RegionRow>,
    pub more: Vec<RegionRow>,
}

fn flag_words(flags: &[&FlagOnFile]) -> String {
    flags
        .iter()
        .map(|f| format!("“{}” ({})", f.name, f.level.label().to_lowercase()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn region_row(
    region: Region,
    planned: &[Intervention],
    flags: &[FlagOnFile],
    a: &AssessmentRecord,
) -> RegionRow {
    // Sentences grouped by what they say, so five struck techniques read as one line.
    let mut why: Vec<(Allowance, String, Vec<&'static str>)> = Vec::new();
    let mut chips = Vec::new();
    for t in Technique::ALL {
        let (verdict, by) = allowance(*t, region, flags);
        let stored = planned
            .iter()
            .find(|iv| iv.technique == *t && iv.region == region);
        let reason = stored
            .and_then(|iv| iv.override_reason.clone())
            .unwrap_or_default();
        let mut why_id = String::new();
        if verdict != Allowance::Free {
            let words = flag_words(&by);
            let at = match why
                .iter()
                .position(|(v, w, _)| *v == verdict && *w == words)
            {
                Some(i) => i,
                None => {
                    why.push((verdict, words, Vec::new()));
                    why.len() - 1
                }
            };
            why[at].2.push(t.label());
            why_id = format!("iv-why-{}-{at}", region.as_str());
        }
        let refused = verdict == Allowance::Refused;
        chips.push(TechniqueChip {
            code: t.as_str(),
            label: t.label(),
            on: stored.is_some(),
            refused,
            disabled: refused && stored.is_none(),
            needs_reason: verdict == Allowance::WithReason,
            has_reason_field: verdict == Allowance::WithReason || !reason.is_empty(),
            override_reason: reason,
            override_note: match stored.map(|iv| (&iv.override_by, iv.override_at)) {
                Some((Some(by), Some(at))) => format!(
                    "override by {}, {}",
                    a.name_of(by),
                    at.format("%Y-%m-%d %H:%M")
                ),
                _ => String::new(),
            },
            why_id,
        });
    }
    let why = why
        .into_iter()
        .enumerate()
        .map(|(i, (verdict, words, techniques))| WhyLine {
            id: format!("iv-why-{}-{i}", region.as_str()),
            text: match verdict {
                Allowance::Refused => format!("Ruled out: {}, by {words}.", techniques.join(", ")),
                _ => format!(
                    "Only with a written override reason: {}, because of {words}.",
                    techniques.join(", ")
                ),
            },
        })
        .collect();
    RegionRow {
        code: region.as_str(),
        label: region.label(),
        chips,
        why,
    }
}

pub fn intervention_grid(a: &AssessmentRecord) -> InterventionGrid {
    let flags = flags_on_file(&a.flags);
    let planned = a
        .content
        .plan
        .as_ref()
        .map(|p| p.interventions.as_slice())
        .unwrap_or_default();
    let relevant = relevant_regions(&a.content, a.intake.as_ref());
    let row = |r: Region| region_row(r, planned, &flags, a);
    if relevant.is_empty() {
        return InterventionGrid {
            first: Region::ALL.iter().map(|r| row(*r)).collect(),
            more: Vec::new(),
        };
    }
    InterventionGrid {
        first: relevant.iter().map(|r| row(*r)).collect(),
        more: Region::ALL
            .iter()
            .filter(|r| !relevant.contains(r))
            .map(|r| row(*r))
            .collect(),
    }
}
