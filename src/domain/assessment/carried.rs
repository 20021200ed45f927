//! Carrying findings forward: a re-examination may start from the patient's previous
//! signed assessment. Only the physical findings that change slowly between visits
//! (posture, range of motion, palpation) are carried; the history is the patient's own
//! account of today, the tests, neurological screen and pain score are re-done at each
//! visit, and diagnoses, plan and signature are the practitioner's decisions of today.
//!
//! Each carried section is marked in the stored document under [`CARRIED_FORWARD`]
//! (`{"posture": {"assessment_id": …, "signed_at": …}}`) until the practitioner saves
//! that section or keeps it as it is. The mark is part of the document, so a record
//! signed with a section still unchanged says so in every view and under its hash.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::stored::StoredContent;
use super::{AssessmentContent, Section};

/// The key of the marks in the stored document.
pub const CARRIED_FORWARD: &str = "carried_forward";

/// The sections that may be carried forward, in the order of the exam.
pub const CARRYABLE: [Section; 3] = [Section::Posture, Section::Rom, Section::Palpation];

/// Where a carried section came from: the signed assessment and when it was signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarriedFrom {
    pub assessment_id: String,
    pub signed_at: NaiveDateTime,
}

impl CarriedFrom {
    /// The source's date as the workspace and the print view say it: "12 Nov 2026".
    pub fn date_words(&self) -> String {
        self.signed_at.format("%-d %b %Y").to_string()
    }
}

impl Section {
    pub fn carries_forward(self) -> bool {
        CARRYABLE.contains(&self)
    }
}

/// Whether `content` has findings in a carryable section worth carrying (a section
/// saved empty has none).
pub fn has_findings(content: &AssessmentContent, s: Section) -> bool {
    match s {
        Section::Posture => content.posture.as_ref().is_some_and(|v| !v.is_empty()),
        Section::Rom => content.rom.as_ref().is_some_and(|v| !v.is_empty()),
        Section::Palpation => content.palpation.as_ref().is_some_and(|v| !v.is_empty()),
        _ => false,
    }
}

/// Copies section `s` of `from` into `to` (carryable sections only).
pub fn copy_section(from: &AssessmentContent, to: &mut AssessmentContent, s: Section) {
    match s {
        Section::Posture => to.posture = from.posture.clone(),
        Section::Rom => to.rom = from.rom.clone(),
        Section::Palpation => to.palpation = from.palpation.clone(),
        _ => {}
    }
}

impl StoredContent {
    /// The sections still marked as carried forward, read tolerantly: a mark this
    /// release cannot read, or of a section it does not know, is left out.
    pub fn carried_forward(&self) -> BTreeMap<Section, CarriedFrom> {
        let Some(Value::Object(marks)) = self.document.get(CARRIED_FORWARD) else {
            return BTreeMap::new();
        };
        marks
            .iter()
            .filter_map(|(k, v)| {
                let s = Section::parse(k)?;
                let from = CarriedFrom::deserialize(v).ok()?;
                Some((s, from))
            })
            .collect()
    }

    /// Marks `s` as carried forward from `from` (after its findings were written).
    pub fn mark_carried(&mut self, s: Section, from: &CarriedFrom) {
        let entry = self
            .document
            .entry(CARRIED_FORWARD)
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        if let (Value::Object(m), Ok(v)) = (entry, serde_json::to_value(from)) {
            m.insert(s.as_str().to_owned(), v);
        }
    }

    /// Clears the marks of `sections`: the practitioner saved them or kept them as they
    /// are. The key goes when no mark is left, so a record nothing was carried into
    /// has none.
    pub fn clear_carried(&mut self, sections: &[Section]) {
        let Some(Value::Object(m)) = self.document.get_mut(CARRIED_FORWARD) else {
            return;
        };
        for s in sections {
            m.remove(s.as_str());
        }
        if m.is_empty() {
            self.document.remove(CARRIED_FORWARD);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn from() -> CarriedFrom {
        CarriedFrom {
            assessment_id: "a1".into(),
            signed_at: chrono::NaiveDate::from_ymd_opt(2026, 11, 12)
                .and_then(|d| d.and_hms_opt(15, 2, 0))
                .expect("a date"),
        }
    }

    #[test]
    fn a_save_of_the_section_clears_its_mark_and_only_its_own() {
        let mut s = StoredContent::new_draft();
        s.mark_carried(Section::Posture, &from());
        s.mark_carried(Section::Rom, &from());
        assert_eq!(s.carried_forward().len(), 2);
        let c = s.content.clone();
        s.write_sections(&c, &[Section::Posture]);
        let marks = s.carried_forward();
        assert_eq!(
            marks.keys().copied().collect::<Vec<_>>(),
            vec![Section::Rom]
        );
        s.clear_carried(&[Section::Rom]);
        assert!(s.document.get(CARRIED_FORWARD).is_none());
    }

    #[test]
    fn marks_read_tolerantly() {
        let s = StoredContent::read(
            &json!({"schema": 1, "carried_forward": {
                "posture": {"assessment_id": "a1", "signed_at": "2026-11-12T15:02:00"},
                "rom": {"assessment_id": 7},
                "gait": {"assessment_id": "a1", "signed_at": "2026-11-12T15:02:00"}
            }})
            .to_string(),
        )
        .expect("object");
        let marks = s.carried_forward();
        assert_eq!(marks.len(), 1);
        assert_eq!(marks[&Section::Posture].date_words(), "12 Nov 2026");
    }

    #[test]
    fn only_slow_physical_findings_carry() {
        let carry: Vec<_> = Section::ALL
            .iter()
            .filter(|s| s.carries_forward())
            .collect();
        assert_eq!(
            carry,
            vec![&Section::Posture, &Section::Rom, &Section::Palpation]
        );
    }
}
