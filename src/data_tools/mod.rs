//! Data tools behind `clinic demo`, `clinic seed` and `clinic import`: a small demo
//! clinic, deterministic synthetic patients for benchmarks, and a CSV import of patients.
//!
//! They sit beside the services and go through them wherever one patient at a time is
//! written (demo, import), so every registration, intake and consent is audited as if
//! typed in. Only the seed writes rows directly, in batches, because it exists to make
//! 100,000 synthetic patients quickly; it still builds each row with the domain's own
//! name folding and writes one audit row per batch.
//!
//! Errors: [`crate::services::ServiceError`] for anything that reached the database;
//! [`import::FileError`] for a CSV file that cannot be read as a whole.

pub mod commands;
pub mod demo;
pub mod demo_patients;
pub mod fhir;
pub mod import;
pub mod lists;
pub mod seed;
pub mod synthetic;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar on standard error; indicatif draws nothing when standard error is
/// not a terminal, so logs and tests see only the final report.
pub fn progress_bar(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    let template = format!(
        "{{elapsed_precise}} [{{wide_bar}}] {{pos}}/{{len}} {what} ({{per_sec}}, {{eta}} left)"
    );
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}
