//! The assessment's pages: the workspace at `/patients/{id}/assessments/{aid}` (every
//! section a form the workspace script saves as you go), the printable summary at
//! `/assessments/{id}/print`, and the pictures they draw. Both views are built from the
//! one record `services::assessments` reads ([`AssessmentRecord`]), with the words of
//! the vocabularies; nothing here reads the database.
//!
//! - `handlers`: the routes (GET pages, the POSTs that save, sign, add an addendum and
//!   re-pin the history, and `GET /assessments/{id}` that the POSTs redirect through);
//! - `carry_forward`: starting from the previous signed assessment, and "Keep as is";
//! - `workspace`, `workspace_exam`, `palpation_panel`, `workspace_plan`, `workspace_carry`,
//!   `workspace_chips` (diagnosis
//!   suggestions, frequency presets, goal templates), `workspace_interventions` (the
//!   technique × region grid): the workspace page;
//! - `section_digest`: the one line a folded workspace section shows;
//! - `summary`, `summary_sections`: the printable summary;
//! - `pictures`: the spine map, the range-of-motion chart and the pain diagram (SVG).

pub mod carry_forward;
pub mod handlers;
mod palpation_panel;
pub mod pictures;
mod section_digest;
pub mod summary;
mod summary_sections;
mod workspace;
mod workspace_carry;
mod workspace_chips;
mod workspace_exam;
mod workspace_interventions;
mod workspace_plan;

use crate::domain::AssessmentId;
use crate::domain::assessment::{Section, Side};
use crate::services::ServiceError;
use crate::web::error::PageError;

fn assessment_id(raw: &str) -> Result<AssessmentId, PageError> {
    AssessmentId::parse(raw).ok_or(PageError(ServiceError::NotFound))
}

fn section_of(raw: &str) -> Result<Section, PageError> {
    Section::parse(raw).ok_or(PageError(ServiceError::NotFound))
}

/// A choice in a select: code, label, selected.
pub struct Opt {
    pub code: &'static str,
    pub label: &'static str,
    pub on: bool,
}

pub(crate) fn opts<T: Copy + PartialEq>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
    cur: Option<T>,
) -> Vec<Opt> {
    all.iter()
        .map(|v| Opt {
            code: code(*v),
            label: label(*v),
            on: cur == Some(*v),
        })
        .collect()
}

pub(crate) fn side_opts(cur: Option<Side>) -> Vec<Opt> {
    opts(Side::ALL, Side::as_str, Side::label, cur)
}

/// An optional note as the field shows it.
fn s(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}
