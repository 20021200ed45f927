//! The plan's interventions as a technique × region matrix (a row per region, a column
//! per technique), filtered by what the unresolved flags allow
//! (`plan_check::allowance`): a technique a flag forbids is struck and cannot be chosen,
//! one a relative contraindication restricts asks for the override reason. The regions
//! the record is about come first; the rest wait under "More regions". Why a cell is
//! struck is said once under the matrix for all the regions it applies to. The grid is
//! also "what the flags allow": the workspace script replaces it in place when the flags
//! change.

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

/// One sentence under the matrix: techniques, the regions, and the flags that restrict
/// them.
pub struct WhyLine {
    pub id: String,
    pub text: String,
}

pub struct RegionRow {
    pub code: &'static str,
    pub label: &'static str,
    pub chips: Vec<TechniqueChip>,
}

pub struct InterventionGrid {
    /// The matrix's column heads, in the chips' order.
    pub techniques: Vec<&'static str>,
    /// The regions the record is about (palpation, complaint, planned), or all.
    pub first: Vec<RegionRow>,
    pub more: Vec<RegionRow>,
    /// Why cells are struck or need a reason: each sentence once.
    pub why: Vec<WhyLine>,
}

/// A restriction's sentence before the regions it applies to are gathered.
struct Restriction {
    verdict: Allowance,
    words: String,
    techniques: Vec<&'static str>,
}

fn flag_words(flags: &[&FlagOnFile]) -> String {
    flags
        .iter()
        .map(|f| format!("“{}” ({})", f.name, f.level.label().to_lowercase()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One region's cells, and what restricts them there (one entry per sentence, so five
/// struck techniques read as one line); the cells point at the sentences by their
/// index in `why`, which `intervention_grid` shares between the regions.
fn region_row(
    region: Region,
    planned: &[Intervention],
    flags: &[FlagOnFile],
    a: &AssessmentRecord,
    why: &mut Vec<(Restriction, Vec<&'static str>)>,
) -> RegionRow {
    let mut here: Vec<Restriction> = Vec::new();
    let mut chips = Vec::new();
    for t in Technique::ALL {
        let (verdict, by) = allowance(*t, region, flags);
        let stored = planned
            .iter()
            .find(|iv| iv.technique == *t && iv.region == region);
        let reason = stored
            .and_then(|iv| iv.override_reason.clone())
            .unwrap_or_default();
        if verdict != Allowance::Free {
            let words = flag_words(&by);
            match here
                .iter_mut()
                .find(|r| r.verdict == verdict && r.words == words)
            {
                Some(r) => r.techniques.push(t.label()),
                None => here.push(Restriction {
                    verdict,
                    words,
                    techniques: vec![t.label()],
                }),
            }
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
            why_id: String::new(),
        });
    }
    // The same sentence in several regions is one line naming them all.
    for r in here {
        let at = match why.iter().position(|(w, _)| {
            w.verdict == r.verdict && w.words == r.words && w.techniques == r.techniques
        }) {
            Some(i) => i,
            None => {
                why.push((
                    Restriction {
                        verdict: r.verdict,
                        words: r.words.clone(),
                        techniques: r.techniques.clone(),
                    },
                    Vec::new(),
                ));
                why.len() - 1
            }
        };
        why[at].1.push(region.label());
        for c in chips.iter_mut().filter(|c| r.techniques.contains(&c.label)) {
            c.why_id = format!("iv-why-{at}");
        }
    }
    RegionRow {
        code: region.as_str(),
        label: region.label(),
        chips,
    }
}

fn why_lines(why: Vec<(Restriction, Vec<&'static str>)>) -> Vec<WhyLine> {
    why.into_iter()
        .enumerate()
        .map(|(i, (r, regions))| {
            let place = if regions.len() == Region::ALL.len() {
                "every region".to_owned()
            } else {
                regions.join(", ")
            };
            WhyLine {
                id: format!("iv-why-{i}"),
                text: match r.verdict {
                    Allowance::Refused => format!(
                        "Ruled out ({place}): {}, by {}.",
                        r.techniques.join(", "),
                        r.words
                    ),
                    _ => format!(
                        "Only with a written override reason ({place}): {}, because of {}.",
                        r.techniques.join(", "),
                        r.words
                    ),
                },
            }
        })
        .collect()
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
    let mut why = Vec::new();
    let (first, more): (Vec<Region>, Vec<Region>) = if relevant.is_empty() {
        (Region::ALL.to_vec(), Vec::new())
    } else {
        (
            relevant.clone(),
            Region::ALL
                .iter()
                .filter(|r| !relevant.contains(r))
                .copied()
                .collect(),
        )
    };
    let first = first
        .into_iter()
        .map(|r| region_row(r, planned, &flags, a, &mut why))
        .collect();
    let more = more
        .into_iter()
        .map(|r| region_row(r, planned, &flags, a, &mut why))
        .collect();
    InterventionGrid {
        techniques: Technique::ALL.iter().map(|t| t.label()).collect(),
        first,
        more,
        why: why_lines(why),
    }
}
