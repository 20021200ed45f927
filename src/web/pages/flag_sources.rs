//! The records behind a flag, in words for the banner: "the pre-visit form of
//! 2026-12-01 (Answered yes on the form)", "the assessment of 2026-12-05 (Diagnosis
//! M81.0 …)". What the front desk may see too: the same words the flag's line shows.

use crate::db::models::flag_source::FlagSourceRow;
use crate::domain::clinical::FlagBasis;
use crate::services::flag_raising::FlagOrigin;

/// One source as a phrase: which record, when it was recorded, and what it said.
pub fn describe(s: &FlagSourceRow) -> String {
    let on = s.added_at.format("%Y-%m-%d");
    let record = match FlagOrigin::parse(&s.origin) {
        Some(FlagOrigin::Intake) => format!("the pre-visit form of {on}"),
        Some(FlagOrigin::Assessment) => format!("the assessment of {on}"),
        Some(FlagOrigin::Manual) => format!("added by a practitioner on {on}"),
        None => format!("{} of {on}", s.origin),
    };
    // Flags raised before the rules wrote their evidence show their basis alone.
    let said = match s.evidence.trim() {
        "" => FlagBasis::parse(&s.basis)
            .filter(|b| *b != FlagBasis::Practitioner)
            .map(|b| b.label().to_owned()),
        e => Some(e.to_owned()),
    };
    match said {
        Some(said) => format!("{record} ({said})"),
        None => record,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn source(origin: &str, basis: &str, evidence: &str) -> FlagSourceRow {
        FlagSourceRow {
            id: "s".into(),
            flag_id: "f".into(),
            origin: origin.into(),
            source_id: None,
            basis: basis.into(),
            evidence: evidence.into(),
            added_at: NaiveDate::from_ymd_opt(2026, 12, 5)
                .and_then(|d| d.and_hms_opt(10, 30, 0))
                .expect("a valid date"),
        }
    }

    #[test]
    fn each_record_in_words() {
        let cases = [
            (
                source("intake", "form_answer", "Answered yes on the form"),
                "the pre-visit form of 2026-12-05 (Answered yes on the form)",
            ),
            (
                source("assessment", "diagnosis", "Diagnosis M81.0 Osteoporosis"),
                "the assessment of 2026-12-05 (Diagnosis M81.0 Osteoporosis)",
            ),
            (
                source("intake", "form_answer", ""),
                "the pre-visit form of 2026-12-05 (Answer on the form)",
            ),
            (
                source("manual", "practitioner", ""),
                "added by a practitioner on 2026-12-05",
            ),
        ];
        for (s, want) in cases {
            assert_eq!(describe(&s), want);
        }
    }
}
