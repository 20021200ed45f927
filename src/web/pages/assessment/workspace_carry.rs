//! The workspace's carried-forward parts: the "Start from the assessment of …" card of
//! a draft, and the note on each section still marked as carried forward (also shown
//! on the section rail, and in a signed record as "unchanged at signing").

use crate::domain::assessment::carried::CARRYABLE;
use crate::services::assessments::AssessmentRecord;

/// One section the card offers.
pub struct CarryChoice {
    pub code: &'static str,
    pub label: &'static str,
    /// Already charted in this draft: ticking it replaces what is charted.
    pub charted: bool,
    pub checked: bool,
}

pub struct CarryCard {
    pub from_id: String,
    pub date: String,
    pub choices: Vec<CarryChoice>,
}

/// A section still marked as carried forward.
pub struct CarriedNote {
    pub section: &'static str,
    pub label: &'static str,
    pub date: String,
}

/// The card, for the practitioner who may edit the draft, while the source has a
/// section not yet carried from it (once everything is carried it has done its job).
pub fn carry_card(a: &AssessmentRecord, editable: bool) -> Option<CarryCard> {
    let offer = a.carry_offer.as_ref().filter(|_| editable)?;
    let marks = a.stored.carried_forward();
    let pending = offer
        .sections
        .iter()
        .any(|s| marks.get(s).is_none_or(|m| *m != offer.from));
    if !pending {
        return None;
    }
    Some(CarryCard {
        from_id: offer.from.assessment_id.clone(),
        date: offer.from.date_words(),
        choices: CARRYABLE
            .into_iter()
            .filter(|s| offer.sections.contains(s))
            .map(|s| {
                let charted = a.content.is_charted(s);
                CarryChoice {
                    code: s.as_str(),
                    label: s.label(),
                    charted,
                    checked: !charted,
                }
            })
            .collect(),
    })
}

pub fn carried_notes(a: &AssessmentRecord) -> Vec<CarriedNote> {
    a.stored
        .carried_forward()
        .into_iter()
        .map(|(s, from)| CarriedNote {
            section: s.as_str(),
            label: s.label(),
            date: from.date_words(),
        })
        .collect()
}
