//! How soon a person must look at a submitted pre-visit form: from the most severe flag
//! it raised. Only the two red-flag levels call for a person; contraindications wait for
//! the visit, where the plan check applies them.

use super::FlagLevel;

/// An emergency flag needs a practitioner now; an urgent one a call to the patient today.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ReviewUrgency {
    Now,
    Today,
}

impl ReviewUrgency {
    pub fn for_level(level: FlagLevel) -> Option<Self> {
        match level {
            FlagLevel::Emergency => Some(ReviewUrgency::Now),
            FlagLevel::Urgent => Some(ReviewUrgency::Today),
            FlagLevel::Absolute | FlagLevel::Relative | FlagLevel::Precaution => None,
        }
    }

    /// The most pressing of several flags' levels (`Now` wins).
    pub fn most_pressing(levels: impl IntoIterator<Item = FlagLevel>) -> Option<Self> {
        levels.into_iter().filter_map(Self::for_level).min()
    }

    /// The word that ends "a pre-visit form needs review …".
    pub fn when(self) -> &'static str {
        match self {
            ReviewUrgency::Now => "now",
            ReviewUrgency::Today => "today",
        }
    }

    pub fn level(self) -> FlagLevel {
        match self {
            ReviewUrgency::Now => FlagLevel::Emergency,
            ReviewUrgency::Today => FlagLevel::Urgent,
        }
    }

    /// The level in words, for staff.
    pub fn label(self) -> &'static str {
        match self {
            ReviewUrgency::Now => "Emergency",
            ReviewUrgency::Today => "Urgent",
        }
    }

    /// What the front desk does about it.
    pub fn desk_action(self) -> &'static str {
        match self {
            ReviewUrgency::Now => "Tell a practitioner now",
            ReviewUrgency::Today => "Call the patient today",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_red_flag_levels_need_a_person_and_emergency_wins() {
        use FlagLevel::*;
        let cases: &[(&[FlagLevel], Option<ReviewUrgency>)] = &[
            (&[], None),
            (&[Absolute, Relative, Precaution], None),
            (&[Precaution, Urgent], Some(ReviewUrgency::Today)),
            (&[Urgent, Emergency, Absolute], Some(ReviewUrgency::Now)),
        ];
        for (levels, want) in cases {
            assert_eq!(
                ReviewUrgency::most_pressing(levels.iter().copied()),
                *want,
                "{levels:?}"
            );
        }
        assert_eq!(ReviewUrgency::Now.level(), Emergency);
        assert_eq!(ReviewUrgency::Today.level(), Urgent);
    }
}
