//! What the workspace offers to fill the plan in one tap: visit frequency presets and
//! goal templates worded from the record. Both only fill the fields; the practitioner
//! edits what they want, and the plan's validation judges what is saved.

use chrono::{Days, NaiveDate};

use crate::domain::clinical::Region;

/// A visit frequency and duration of care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrequencyPreset {
    pub visits_per_week: u8,
    pub weeks: u8,
}

const fn every(visits_per_week: u8, weeks: u8) -> FrequencyPreset {
    FrequencyPreset {
        visits_per_week,
        weeks,
    }
}

/// The common first courses of care for an uncomplicated spinal complaint, from the
/// least to the most intensive by the week.
pub const FREQUENCY_PRESETS: &[FrequencyPreset] =
    &[every(1, 4), every(2, 4), every(2, 6), every(3, 2)];

impl FrequencyPreset {
    /// "2×/week · 4 weeks".
    pub fn label(self) -> String {
        let weeks = if self.weeks == 1 { "week" } else { "weeks" };
        format!("{}×/week · {} {weeks}", self.visits_per_week, self.weeks)
    }

    /// The re-examination at the end of the course: the visit date plus the weeks.
    pub fn re_exam(self, visit: NaiveDate) -> Option<NaiveDate> {
        visit.checked_add_days(Days::new(u64::from(self.weeks) * 7))
    }
}

/// The marker a goal's text carries where the plan's weeks go; the workspace fills it
/// from the weeks field as it is when the goal is picked.
pub const WEEKS: &str = "{weeks}";

/// A goal to pick: its short name on the chip and the line it adds to the goals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoalTemplate {
    pub label: String,
    /// With [`WEEKS`] where the duration goes.
    pub with_weeks: String,
    /// The same goal when the plan has no weeks yet.
    pub open: String,
}

/// A functional goal: its chip words, its line (with "within {weeks} weeks" added),
/// and the regions it belongs to (none: any complaint).
struct Functional {
    label: &'static str,
    line: &'static str,
    regions: &'static [Region],
}

const LOW_BACK: &[Region] = &[Region::Lumbar, Region::SacralPelvic, Region::LowerExtremity];
const NECK: &[Region] = &[Region::Cervical, Region::Thoracic, Region::UpperExtremity];

const FUNCTIONAL: &[Functional] = &[
    Functional {
        label: "Sit 60 minutes",
        line: "Sit for 60 minutes without pain",
        regions: LOW_BACK,
    },
    Functional {
        label: "Lifting at work",
        line: "Return to lifting at work",
        regions: LOW_BACK,
    },
    Functional {
        label: "Walk 30 minutes",
        line: "Walk for 30 minutes without pain",
        regions: LOW_BACK,
    },
    Functional {
        label: "Turn the head to drive",
        line: "Turn the head fully both ways to drive without pain",
        regions: NECK,
    },
    Functional {
        label: "Desk work",
        line: "Work at a desk for a full day without pain",
        regions: NECK,
    },
    Functional {
        label: "Sleep through the night",
        line: "Sleep through the night without waking from pain",
        regions: &[],
    },
];

/// The pain goal from the charted NPRS: halved (at least a 30% change, the smallest
/// change patients notice), pain-free from a score of 1 or 2, and two points down when
/// no score is charted.
fn pain_goal(nprs: Option<u8>) -> (String, String) {
    match nprs {
        Some(n) if n >= 3 => {
            let goal = format!("Pain from NPRS {n} to {} or less", n / 2);
            (format!("{goal} within {WEEKS} weeks"), goal)
        }
        Some(n) if n >= 1 => {
            let goal = format!("Pain from NPRS {n} to 0");
            (format!("{goal} within {WEEKS} weeks"), goal)
        }
        _ => {
            let goal = "Pain down by at least 2 points on the NPRS".to_owned();
            (format!("{goal} within {WEEKS} weeks"), goal)
        }
    }
}

/// The goals offered for this record: the pain goal first, then the functional goals
/// of the regions charted (all of them when none is).
pub fn goal_templates(nprs: Option<u8>, regions: &[Region]) -> Vec<GoalTemplate> {
    let (with_weeks, open) = pain_goal(nprs);
    let label = match nprs {
        Some(n) if n >= 1 => format!("Pain NPRS {n} → {}", if n >= 3 { n / 2 } else { 0 }),
        _ => "Pain 2 points down".to_owned(),
    };
    let mut out = vec![GoalTemplate {
        label,
        with_weeks,
        open,
    }];
    let fits = |f: &Functional| {
        regions.is_empty() || f.regions.is_empty() || f.regions.iter().any(|r| regions.contains(r))
    };
    out.extend(FUNCTIONAL.iter().filter(|f| fits(f)).map(|f| GoalTemplate {
        label: f.label.to_owned(),
        with_weeks: f.line.to_owned(),
        open: f.line.to_owned(),
    }));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_labelled_and_set_the_re_examination_at_the_end() {
        let visit = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let cases = [
            (every(1, 4), "1×/week · 4 weeks", "2026-12-30"),
            (every(2, 4), "2×/week · 4 weeks", "2026-12-30"),
            (every(2, 6), "2×/week · 6 weeks", "2027-01-13"),
            (every(3, 2), "3×/week · 2 weeks", "2026-12-16"),
            (every(3, 1), "3×/week · 1 week", "2026-12-09"),
        ];
        for (preset, label, re_exam) in cases {
            assert_eq!(preset.label(), label);
            assert_eq!(
                preset.re_exam(visit).unwrap().to_string(),
                re_exam,
                "{label}"
            );
        }
        for p in FREQUENCY_PRESETS {
            assert!(
                (1..=7).contains(&p.visits_per_week) && (1..=52).contains(&p.weeks),
                "{} is a plan the validation accepts",
                p.label()
            );
        }
    }

    #[test]
    fn the_pain_goal_is_worded_from_the_charted_score() {
        let cases = [
            (
                Some(6),
                "Pain NPRS 6 → 3",
                "Pain from NPRS 6 to 3 or less within {weeks} weeks",
                "Pain from NPRS 6 to 3 or less",
            ),
            (
                Some(9),
                "Pain NPRS 9 → 4",
                "Pain from NPRS 9 to 4 or less within {weeks} weeks",
                "Pain from NPRS 9 to 4 or less",
            ),
            (
                Some(2),
                "Pain NPRS 2 → 0",
                "Pain from NPRS 2 to 0 within {weeks} weeks",
                "Pain from NPRS 2 to 0",
            ),
            (
                Some(0),
                "Pain 2 points down",
                "Pain down by at least 2 points on the NPRS within {weeks} weeks",
                "Pain down by at least 2 points on the NPRS",
            ),
            (
                None,
                "Pain 2 points down",
                "Pain down by at least 2 points on the NPRS within {weeks} weeks",
                "Pain down by at least 2 points on the NPRS",
            ),
        ];
        for (nprs, label, with_weeks, open) in cases {
            let g = &goal_templates(nprs, &[])[0];
            assert_eq!(
                (g.label.as_str(), g.with_weeks.as_str(), g.open.as_str()),
                (label, with_weeks, open),
                "{nprs:?}"
            );
        }
    }

    #[test]
    fn functional_goals_follow_the_regions_charted() {
        let labels = |regions: &[Region]| -> Vec<String> {
            goal_templates(Some(6), regions)
                .into_iter()
                .skip(1)
                .map(|g| g.label)
                .collect()
        };
        let cases: &[(&[Region], &[&str])] = &[
            (
                &[Region::Lumbar],
                &[
                    "Sit 60 minutes",
                    "Lifting at work",
                    "Walk 30 minutes",
                    "Sleep through the night",
                ],
            ),
            (
                &[Region::Cervical],
                &[
                    "Turn the head to drive",
                    "Desk work",
                    "Sleep through the night",
                ],
            ),
            (
                &[],
                &[
                    "Sit 60 minutes",
                    "Lifting at work",
                    "Walk 30 minutes",
                    "Turn the head to drive",
                    "Desk work",
                    "Sleep through the night",
                ],
            ),
            (&[Region::RibCage], &["Sleep through the night"]),
        ];
        for (regions, want) in cases {
            assert_eq!(labels(regions), *want, "{regions:?}");
        }
    }
}
