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
    /// The flag's words (its reason), as the banner shows it.
    pub name: String,
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

/// What the flags say of one technique in one region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allowance {
    Free,
    /// Only relative contraindications restrict it: planned with a written reason.
    WithReason,
    /// An emergency, urgent or absolute flag forbids it; no reason lifts that.
    Refused,
}

/// The allowance of `technique` in `region`, with the flags that decide it (for a
/// refusal the emergency, urgent and absolute ones), most severe first: the plan's
/// chips say by these flags' words why a technique is struck or needs a reason.
pub fn allowance(
    technique: Technique,
    region: Region,
    flags: &[FlagOnFile],
) -> (Allowance, Vec<&FlagOnFile>) {
    let mut restricting: Vec<&FlagOnFile> = flags
        .iter()
        .filter(|f| f.restricts(technique, region))
        .collect();
    restricting.sort_by(|a, b| a.level.cmp(&b.level).then(a.code.cmp(&b.code)));
    restricting.dedup_by(|a, b| a.code == b.code && a.level == b.level);
    let hard: Vec<&FlagOnFile> = restricting
        .iter()
        .copied()
        .filter(|f| f.level != FlagLevel::Relative)
        .collect();
    if !hard.is_empty() {
        (Allowance::Refused, hard)
    } else if !restricting.is_empty() {
        (Allowance::WithReason, restricting)
    } else {
        (Allowance::Free, restricting)
    }
}

/// Techniques in the words the plan's drop-downs use.
fn names(ts: &[Technique]) -> String {
    ts.iter().map(|t| t.label()).collect::<Vec<_>>().join(", ")
}

/// "the lumbar region", "the sacral / pelvic region".
fn in_words(region: Region) -> String {
    format!("the {} region", region.label().to_lowercase())
}

fn instead(region: Region, flags: &[FlagOnFile]) -> String {
    let (free, with_reason) = allowed_in(region, flags);
    let region = in_words(region);
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
        hits.sort_by(|a, b| a.level.cmp(&b.level).then(a.code.cmp(&b.code)));
        // The same rule can be on file and raised again by this save: name it once.
        hits.dedup_by(|a, b| a.code == b.code && a.level == b.level);
        for f in hits {
            let what = format!("{} in {}", iv.technique.label(), in_words(iv.region));
            let why = match f.level {
                FlagLevel::Emergency => format!(
                    "No treatment can be planned while the emergency flag “{}” is unresolved: refer now.",
                    f.name
                ),
                FlagLevel::Urgent => format!(
                    "The urgent flag “{}” rules out thrust, mobilization and instrument techniques in every region ({what} refused).",
                    f.name
                ),
                FlagLevel::Absolute => format!(
                    "The flag “{}” is an absolute contraindication to {what}; only resolving the flag with a reason lifts it.",
                    f.name
                ),
                _ => format!(
                    "The flag “{}” is a relative contraindication to {what}: write an override reason to plan it.",
                    f.name
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::assessment::plan::{Intervention, TreatmentPlan};
    use FlagLevel::*;
    use Region::*;
    use Technique::*;

    fn flag(level: FlagLevel, techniques: &[Technique], regions: &[Region]) -> FlagOnFile {
        FlagOnFile {
            code: format!("{level}_flag"),
            name: format!("{level} flag"),
            level,
            techniques: techniques.to_vec(),
            regions: regions.to_vec(),
        }
    }

    fn plan(items: &[(Technique, Region, Option<&str>)]) -> TreatmentPlan {
        TreatmentPlan {
            visits_per_week: 2,
            weeks: 4,
            goals: "walk".into(),
            re_exam_date: None,
            interventions: items
                .iter()
                .map(|(t, r, why)| Intervention {
                    technique: *t,
                    region: *r,
                    override_reason: why.map(str::to_owned),
                    override_by: None,
                    override_at: None,
                })
                .collect(),
            home_care: Vec::new(),
            advice: Vec::new(),
            notes: None,
        }
    }

    /// (case, flags, plan, the (technique, region, level) refused, nothing else).
    #[test]
    fn every_level_refuses_what_part_a_says() {
        type Case = (
            &'static str,
            Vec<FlagOnFile>,
            Vec<(Technique, Region, Option<&'static str>)>,
            Vec<(Technique, Region, FlagLevel)>,
        );
        let cases: Vec<Case> = vec![
            ("no flags", vec![], vec![(Hvla, Cervical, None)], vec![]),
            (
                "emergency refuses even soft tissue and exercise",
                vec![flag(Emergency, Technique::ALL, Region::ALL)],
                vec![(SoftTissue, Lumbar, None), (Exercise, LowerExtremity, None)],
                vec![
                    (SoftTissue, Lumbar, Emergency),
                    (Exercise, LowerExtremity, Emergency),
                ],
            ),
            (
                "emergency with an empty plan is not a conflict (referral)",
                vec![flag(Emergency, Technique::ALL, Region::ALL)],
                vec![],
                vec![],
            ),
            (
                "urgent refuses thrust, mobilization and instrument anywhere",
                vec![flag(Urgent, &[], &[])],
                vec![
                    (Hvla, UpperExtremity, None),
                    (DropTable, Lumbar, None),
                    (FlexionDistraction, Lumbar, None),
                    (Mobilization, Thoracic, None),
                    (Instrument, Cervical, None),
                    (SoftTissue, Cervical, None),
                    (Modality, Lumbar, None),
                ],
                vec![
                    (Hvla, UpperExtremity, Urgent),
                    (DropTable, Lumbar, Urgent),
                    (FlexionDistraction, Lumbar, Urgent),
                    (Mobilization, Thoracic, Urgent),
                    (Instrument, Cervical, Urgent),
                ],
            ),
            (
                "urgent is not lifted by an override reason",
                vec![flag(Urgent, &[], &[])],
                vec![(Hvla, Lumbar, Some("patient insists"))],
                vec![(Hvla, Lumbar, Urgent)],
            ),
            (
                "absolute refuses its technique in its region only",
                vec![flag(Absolute, &[Hvla, DropTable], Region::SPINAL)],
                vec![
                    (Hvla, Lumbar, None),
                    (Hvla, UpperExtremity, None),
                    (Mobilization, Lumbar, None),
                ],
                vec![(Hvla, Lumbar, Absolute)],
            ),
            (
                "absolute has no override",
                vec![flag(Absolute, &[Hvla], &[Cervical])],
                vec![(Hvla, Cervical, Some("I am sure"))],
                vec![(Hvla, Cervical, Absolute)],
            ),
            (
                "relative without a reason is refused",
                vec![flag(Relative, &[Hvla], &[Thoracic])],
                vec![(Hvla, Thoracic, None)],
                vec![(Hvla, Thoracic, Relative)],
            ),
            (
                "relative with a reason is allowed",
                vec![flag(Relative, &[Hvla], &[Thoracic])],
                vec![(Hvla, Thoracic, Some("low force, discussed with patient"))],
                vec![],
            ),
            (
                "precaution blocks nothing",
                vec![flag(Precaution, Technique::ALL, Region::ALL)],
                vec![(Hvla, Cervical, None), (SoftTissue, Lumbar, None)],
                vec![],
            ),
            (
                "a reason lifts the relative flag but not an absolute one on the same pair",
                vec![
                    flag(Relative, &[Hvla], &[Lumbar]),
                    flag(Absolute, &[Hvla], &[Lumbar]),
                ],
                vec![(Hvla, Lumbar, Some("reason"))],
                vec![(Hvla, Lumbar, Absolute)],
            ),
        ];
        for (name, flags, items, expected) in cases {
            let got: Vec<(Technique, Region, FlagLevel)> = check(&plan(&items), &flags)
                .into_iter()
                .map(|c| (c.technique, c.region, c.level))
                .collect();
            assert_eq!(got, expected, "{name}");
        }
    }

    #[test]
    fn a_refusal_names_the_flag_and_what_is_allowed_instead() {
        let flags = vec![flag(Absolute, &[Hvla, DropTable], &[Lumbar])];
        let c = check(&plan(&[(Hvla, Lumbar, None)]), &flags);
        assert_eq!(c.len(), 1);
        let m = &c[0].message;
        // Words, not codes: the flag's own words, the techniques as the plan names them.
        assert!(m.contains("“absolute flag”"), "{m}");
        assert!(
            m.contains("contraindication to HVLA thrust in the lumbar region"),
            "{m}"
        );
        assert!(m.contains("Allowed in the lumbar region instead"), "{m}");
        assert!(m.contains("Mobilization"), "{m}");
        assert!(!m.contains("HVLA thrust,") && !m.contains('_'), "{m}");
        let (free, with_reason) = allowed_in(Lumbar, &[flag(Relative, &[Instrument], &[Lumbar])]);
        assert!(!free.contains(&Instrument) && with_reason == vec![Instrument]);
    }
}

#[cfg(test)]
mod allowance_tests {
    use super::*;

    fn flag(
        code: &str,
        level: FlagLevel,
        techniques: &[Technique],
        regions: &[Region],
    ) -> FlagOnFile {
        FlagOnFile {
            code: code.into(),
            name: format!("{code} reported"),
            level,
            techniques: techniques.to_vec(),
            regions: regions.to_vec(),
        }
    }

    #[test]
    fn the_allowance_of_each_chip_agrees_with_what_the_flags_allow() {
        let flags = vec![
            flag(
                "osteoporosis",
                FlagLevel::Absolute,
                Technique::THRUST,
                Region::SPINAL,
            ),
            flag(
                "anticoagulants",
                FlagLevel::Relative,
                &[Technique::Hvla, Technique::Instrument],
                Region::ALL,
            ),
            flag(
                "age_screen",
                FlagLevel::Precaution,
                Technique::ALL,
                Region::ALL,
            ),
        ];
        let cases = [
            (
                Technique::Hvla,
                Region::Lumbar,
                Allowance::Refused,
                vec!["osteoporosis"],
            ),
            (
                Technique::Hvla,
                Region::LowerExtremity,
                Allowance::WithReason,
                vec!["anticoagulants"],
            ),
            (
                Technique::Instrument,
                Region::Cervical,
                Allowance::WithReason,
                vec!["anticoagulants"],
            ),
            (
                Technique::DropTable,
                Region::Thoracic,
                Allowance::Refused,
                vec!["osteoporosis"],
            ),
            (
                Technique::SoftTissue,
                Region::Lumbar,
                Allowance::Free,
                vec![],
            ),
        ];
        for (t, r, want, by) in cases {
            let (got, flags_named) = allowance(t, r, &flags);
            let codes: Vec<&str> = flags_named.iter().map(|f| f.code.as_str()).collect();
            assert_eq!((got, codes), (want, by), "{t:?} in {r:?}");
        }
        for r in Region::ALL {
            let (free, with_reason) = allowed_in(*r, &flags);
            for t in Technique::ALL {
                let want = if free.contains(t) {
                    Allowance::Free
                } else if with_reason.contains(t) {
                    Allowance::WithReason
                } else {
                    Allowance::Refused
                };
                assert_eq!(allowance(*t, *r, &flags).0, want, "{t:?} in {r:?}");
            }
        }
        let emergency = vec![flag("cauda_equina", FlagLevel::Emergency, &[], &[])];
        assert_eq!(
            allowance(Technique::Exercise, Region::Lumbar, &emergency).0,
            Allowance::Refused
        );
    }
}
