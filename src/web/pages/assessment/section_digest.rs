//! One line per workspace section, in the clinic's words: what a folded section says
//! about itself ("2 findings: Head forward; Shoulder high (left) · 6 normal"). The
//! workspace folds the sections away from where the practitioner is charting (see
//! `templates/static/workspace.js`), so this line is what stands for the section until
//! it is opened again; the save answer brings it fresh. Built from the printed
//! summary's lines, so both views say the same thing.

use super::summary_sections::{
    diagnosis_lines, neuro_view, palpation_lines, plan_view, posture_lines, rom_lines, test_lines,
};
use crate::clinic_time::ClinicZone;
use crate::domain::assessment::Section;
use crate::domain::assessment::history::HistoryStatus;
use crate::services::assessments::AssessmentRecord;

/// What a section not charted says.
pub const NOT_CHARTED: &str = "Not charted yet";

/// The line for `s` of `record`.
pub fn digest(record: &AssessmentRecord, s: Section) -> String {
    let c = &record.content;
    let line = match s {
        Section::History => history(record),
        Section::Posture => posture_lines(c).map(|rows| {
            let found: Vec<String> = rows
                .iter()
                .filter(|r| !r.normal)
                .map(|r| {
                    if r.side.is_empty() {
                        r.finding.to_owned()
                    } else {
                        format!("{} ({})", r.finding, r.side.to_lowercase())
                    }
                })
                .collect();
            findings(&found, rows.len() - found.len(), "normal")
        }),
        Section::Rom => rom_lines(c).map(|rows| {
            let notable: Vec<String> = rows
                .iter()
                .filter(|r| r.reduced || r.pain != "No")
                .map(|r| {
                    let pain = if r.pain == "No" { "" } else { ", painful" };
                    format!("{} {} ({}{pain})", r.motion, r.degrees, r.percent)
                })
                .collect();
            findings(&notable, rows.len() - notable.len(), "full and painless")
        }),
        Section::Palpation => palpation_lines(c).map(|(rows, normal)| {
            let segments: Vec<String> = rows
                .iter()
                .map(|r| {
                    if r.meets_part {
                        format!("{} (PART)", r.segment)
                    } else {
                        r.segment.to_owned()
                    }
                })
                .collect();
            findings(&segments, normal, "normal")
        }),
        Section::Tests => test_lines(c).map(|rows| {
            let positive: Vec<String> = rows
                .iter()
                .filter(|r| r.positive)
                .map(|r| {
                    if r.side.is_empty() {
                        r.test.to_owned()
                    } else {
                        format!("{} ({})", r.test, r.side.to_lowercase())
                    }
                })
                .collect();
            let label = if positive.is_empty() {
                Vec::new()
            } else {
                vec![format!("Positive: {}", positive.join(", "))]
            };
            with_rest(label, rows.len() - positive.len(), "negative or not done")
        }),
        Section::Neuro => c.neuro.as_ref().map(|n| {
            let v = neuro_view(n);
            let all = v.reflexes.iter().chain(&v.strength).chain(&v.sensation);
            let (mut odd, mut normal) = (Vec::new(), 0usize);
            for l in all {
                if l.left.ends_with('*') || l.right.ends_with('*') {
                    odd.push(l.label.to_owned());
                } else {
                    normal += 1;
                }
            }
            let label = if odd.is_empty() {
                Vec::new()
            } else {
                vec![format!("Not normal: {}", odd.join(", "))]
            };
            with_rest(label, normal, "normal")
        }),
        Section::Pain => c.pain.as_ref().map(|p| match p.nprs {
            Some(n) => format!("NPRS {n} / 10"),
            None => "No score".to_owned(),
        }),
        Section::Diagnoses => diagnosis_lines(c).map(|ds| {
            if ds.is_empty() {
                return "None".to_owned();
            }
            ds.iter()
                .map(|d| {
                    if d.primary {
                        format!("{} (primary)", d.code)
                    } else {
                        d.code.clone()
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        }),
        // The digest counts the plan's parts; it shows no time.
        Section::Plan => plan_view(record, ClinicZone::default()).map(|p| {
            let mut parts = vec![format!("{}×/week · {} weeks", p.visits_per_week, p.weeks)];
            parts.push(count(
                p.interventions.len(),
                "intervention",
                "interventions",
            ));
            parts.push(count(p.home_care.len(), "exercise", "exercises"));
            if !p.advice.is_empty() {
                parts.push(count(p.advice.len(), "advice", "advice"));
            }
            parts.join(" · ")
        }),
    };
    line.unwrap_or_else(|| NOT_CHARTED.to_owned())
}

/// The history review: how many answers are checked, and how; first, a newer form
/// waiting to be reviewed, so a folded history cannot hide it.
fn history(record: &AssessmentRecord) -> Option<String> {
    let newer = record.history_notices().iter().any(|n| n.offer_pin);
    let mut parts = Vec::new();
    if newer {
        parts.push("A newer pre-visit form to review".to_owned());
    }
    if record.content.history.is_some() {
        let items = record.history_items();
        let status = |s: HistoryStatus| {
            items
                .iter()
                .filter(|i| i.check.as_ref().is_some_and(|c| c.status == s))
                .count()
        };
        let (verified, corrected) = (
            status(HistoryStatus::Verified),
            status(HistoryStatus::Corrected),
        );
        let open = items.len() - verified - corrected;
        parts.push(format!("{verified} of {} confirmed", items.len()));
        if corrected > 0 {
            parts.push(format!("{corrected} corrected"));
        }
        if open > 0 {
            parts.push(format!("{open} not checked"));
        }
    } else if newer {
        parts.push(NOT_CHARTED.to_owned());
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "2 findings: a; b · 6 normal"; "All 8 normal" when nothing stands out.
fn findings(notable: &[String], rest: usize, rest_words: &str) -> String {
    let head = if notable.is_empty() {
        Vec::new()
    } else {
        vec![format!(
            "{}: {}",
            count(notable.len(), "finding", "findings"),
            notable.join("; ")
        )]
    };
    with_rest(head, rest, rest_words)
}

fn with_rest(mut parts: Vec<String>, rest: usize, rest_words: &str) -> String {
    match (parts.is_empty(), rest) {
        (true, 0) => "Nothing recorded".to_owned(),
        (true, n) => format!("All {n} {rest_words}"),
        (false, 0) => parts.join(" · "),
        (false, n) => {
            parts.push(format!("{n} {rest_words}"));
            parts.join(" · ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rest_is_counted_after_what_stands_out() {
        let cases: &[(&[&str], usize, &str)] = &[
            (&[], 0, "Nothing recorded"),
            (&[], 8, "All 8 normal"),
            (&["Head forward"], 0, "1 finding: Head forward"),
            (
                &["Head forward", "Shoulder high (left)"],
                6,
                "2 findings: Head forward; Shoulder high (left) · 6 normal",
            ),
        ];
        for (notable, rest, want) in cases {
            let notable: Vec<String> = notable.iter().map(|s| (*s).to_owned()).collect();
            assert_eq!(findings(&notable, *rest, "normal"), *want);
        }
    }
}
