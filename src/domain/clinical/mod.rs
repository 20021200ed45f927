//! The clinical vocabularies of `clinical-reference.md` part A. The string codes are part
//! of the API and the database; never rename one.

mod codes;
pub mod diagnosis_facts;
pub mod facts;
pub mod flag_rules;
pub mod flags_engine;
pub mod intake_facts;
pub mod patient_advice;
pub mod questions;
pub mod review;
pub mod term_lists;
pub mod term_match;

pub use codes::{
    Answer, ConditionCode, FlagBasis, FlagKind, FlagLevel, RedFlagCode, ReferralMethod, Region,
    Technique,
};
