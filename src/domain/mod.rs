//! Typed values and rules, no I/O. Input becomes one of these types before it reaches a
//! service ("parse, don't validate"); a failed parse is a [`FieldErrors`] entry that the
//! web layer shows next to the field (HTML) or returns as a 422 (JSON).

pub mod assessment;
pub mod calendar;
pub mod canonical_json;
pub mod clinical;
mod email;
mod field_errors;
pub mod free_text;
mod ids;
pub mod intake;
pub mod password_policy;
pub mod patient;
mod role;
mod staff_name;
pub(crate) mod vocabulary;
pub mod written_reason;

pub use email::EmailAddress;
pub use field_errors::FieldErrors;
pub use ids::{AssessmentId, FlagId, PatientId, SessionId, UserId, new_id};
pub use role::Role;
pub use staff_name::StaffName;
