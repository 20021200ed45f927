//! What a diagnosis code tells the rules (part B §7 "codes that should raise
//! contraindication flags", plus the fracture, disc and spondylolisthesis codes of the
//! shipped ICD-10-CM list): a code implies a part A condition (M81.0 → osteoporosis) or
//! a finding with a rule of its own (G83.4 → cauda equina syndrome), sometimes in a
//! known region (S32.0- → a lumbar fracture). Matched by code prefix.

use super::codes::{ConditionCode as C, Region};
use super::facts::{Fact, Finding as F};

#[derive(Debug)]
pub struct DiagnosisImplication {
    pub prefix: &'static str,
    pub fact: Fact,
    /// Where the code says the problem is; empty when it does not.
    pub regions: &'static [Region],
}

const fn implies(
    prefix: &'static str,
    fact: Fact,
    regions: &'static [Region],
) -> DiagnosisImplication {
    DiagnosisImplication {
        prefix,
        fact,
        regions,
    }
}

const fn cond(c: C) -> Fact {
    Fact::Condition(c)
}

const fn find(f: F) -> Fact {
    Fact::Finding(f)
}

const CERVICAL: &[Region] = &[Region::Cervical];
const THORACIC: &[Region] = &[Region::Thoracic];
const LUMBAR: &[Region] = &[Region::Lumbar];
const THORACOLUMBAR: &[Region] = &[Region::Thoracic, Region::Lumbar];
const SACRAL: &[Region] = &[Region::SacralPelvic];
const RIBS: &[Region] = &[Region::RibCage];
const ANYWHERE: &[Region] = &[];

pub const SOURCE: &str = "clinical-reference part B §7; ICD-10-CM chapter XIII and XIX";

pub static DIAGNOSIS_IMPLICATIONS: &[DiagnosisImplication] = &[
    implies("M81", cond(C::Osteoporosis), ANYWHERE),
    implies("M80", cond(C::Osteoporosis), ANYWHERE),
    // A current osteoporotic vertebral fracture is a fracture too, not only osteoporosis.
    implies("M80.08", cond(C::RecentFracture), ANYWHERE),
    implies("M48.5", cond(C::RecentFracture), ANYWHERE),
    implies("S12", cond(C::RecentFracture), CERVICAL),
    implies("S22.0", cond(C::RecentFracture), THORACIC),
    implies("S22.3", cond(C::RecentFracture), RIBS),
    implies("S22.4", cond(C::RecentFracture), RIBS),
    implies("S32.0", cond(C::RecentFracture), LUMBAR),
    implies("S32.1", cond(C::RecentFracture), SACRAL),
    implies("S32.2", cond(C::RecentFracture), SACRAL),
    implies("M45", cond(C::AnkylosingSpondylitis), ANYWHERE),
    implies("M06", cond(C::RheumatoidArthritis), ANYWHERE),
    implies("M50.1", cond(C::DiscHerniation), CERVICAL),
    implies("M50.2", cond(C::DiscHerniation), CERVICAL),
    implies("M51.14", cond(C::DiscHerniation), THORACIC),
    implies("M51.24", cond(C::DiscHerniation), THORACIC),
    implies("M51.15", cond(C::DiscHerniation), THORACOLUMBAR),
    implies("M51.25", cond(C::DiscHerniation), THORACOLUMBAR),
    implies("M51.16", cond(C::DiscHerniation), LUMBAR),
    implies("M51.17", cond(C::DiscHerniation), LUMBAR),
    implies("M51.26", cond(C::DiscHerniation), LUMBAR),
    implies("M51.27", cond(C::DiscHerniation), LUMBAR),
    implies("M43.1", cond(C::Spondylolisthesis), ANYWHERE),
    implies("C79.51", cond(C::Cancer), ANYWHERE),
    implies("C79.51", find(F::BoneMetastasis), ANYWHERE),
    implies("I77.71", cond(C::NeckArteryProblem), CERVICAL),
    implies("I77.74", cond(C::NeckArteryProblem), CERVICAL),
    implies("I77.75", cond(C::NeckArteryProblem), CERVICAL),
    implies("I71", cond(C::Aneurysm), ANYWHERE),
    implies("Z79.01", cond(C::Anticoagulants), ANYWHERE),
    implies("Z79.52", cond(C::LongTermSteroids), ANYWHERE),
    implies("Z98.1", cond(C::SpinalSurgery), ANYWHERE),
    implies("M46.2", find(F::SpinalInfection), ANYWHERE),
    implies("M46.4", find(F::SpinalInfection), ANYWHERE),
    implies("G83.4", find(F::CaudaEquina), ANYWHERE),
    implies("Q07.0", find(F::ChiariMalformation), CERVICAL),
    implies("G95.0", find(F::Syringomyelia), CERVICAL),
];

/// What one diagnosis code implies.
pub fn implied_by(code: &str) -> impl Iterator<Item = &'static DiagnosisImplication> + '_ {
    DIAGNOSIS_IMPLICATIONS
        .iter()
        .filter(move |d| code.starts_with(d.prefix))
}

/// The table as Markdown, for `docs/clinical-rules.md`.
pub fn markdown() -> String {
    let mut out =
        format!("Source: {SOURCE}.\n\n| ICD-10-CM prefix | implies | region |\n|---|---|---|\n");
    for d in DIAGNOSIS_IMPLICATIONS {
        let fact = match d.fact {
            Fact::Condition(c) => format!("condition `{c}`"),
            Fact::Finding(f) => format!("finding `{f}`"),
            other => format!("{other:?}"),
        };
        let regions = if d.regions.is_empty() {
            "not said".to_owned()
        } else {
            d.regions
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push_str(&format!("| `{}` | {fact} | {regions} |\n", d.prefix));
    }
    out
}
