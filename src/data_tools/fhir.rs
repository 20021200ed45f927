//! `clinic export fhir` and `clinic import --fhir`.
//!
//! The export answers a records request from the server's shell: one
//! patient (by id or chart number) as a FHIR `collection` bundle, to a file or
//! standard output; or every patient as NDJSON files, one per resource type, the FHIR
//! bulk data format (`Patient.ndjson`, `Observation.ndjson`…), with a progress bar.
//! Each patient's export is audited as `record.exported` by `cli`.
//!
//! The import reads one patient's collection bundle of our export back into this
//! database (`services::fhir_import`): the patient, the forms, the flags.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;

use crate::cli::open;
use crate::clock::Clock;
use crate::db::DatabaseUrl;
use crate::db::models::patient;
use crate::domain::PatientId;
use crate::fhir::{FhirBase, bundle};
use crate::services::{Actor, fhir_export};

/// One patient, found by id or chart number, to `out` (standard output when `None`).
pub fn one_patient(
    url: &DatabaseUrl,
    public_url: &str,
    who: &str,
    out: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let mut conn = open(url)?;
    let clock = Clock::system();
    let id = match PatientId::parse(who) {
        Some(id) => id,
        None => {
            let row = patient::find_by_chart_number(&mut conn, who)?
                .with_context(|| format!("no patient with the id or chart number {who:?}"))?;
            PatientId::parse(&row.id).context("a stored patient id")?
        }
    };
    let now = clock.now();
    let export = fhir_export::patient_record(&mut conn, now, &Actor::command_line(), &id)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .with_context(|| format!("no patient with the id or chart number {who:?}"))?;
    let base = FhirBase::new(public_url);
    let text = bundle::collection(&base, &export, now).to_string();
    match out {
        Some(path) => {
            write_new(path, text.as_bytes())?;
            eprintln!(
                "Wrote the record of chart {} to {}.",
                export.patient.chart_number,
                path.display()
            );
        }
        None => println!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

fn write_new(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot create {} (it must not exist yet)", path.display()))?;
    f.write_all(bytes)?;
    f.sync_all()?;
    Ok(())
}

/// Every patient, as NDJSON per resource type in `dir` (created; must be empty).
pub fn all_patients(url: &DatabaseUrl, public_url: &str, dir: &Path) -> anyhow::Result<ExitCode> {
    let mut conn = open(url)?;
    let clock = Clock::system();
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    if std::fs::read_dir(dir)?.next().is_some() {
        anyhow::bail!("{} is not empty: export into a new folder", dir.display());
    }
    let ids = fhir_export::all_patient_ids(&mut conn).map_err(|e| anyhow::anyhow!("{e}"))?;
    let base = FhirBase::new(public_url);
    let bar = super::progress_bar(ids.len() as u64, "patients");
    let mut ndjson = bundle::Ndjson::default();
    for raw in &ids {
        let id = PatientId::parse(raw).context("a stored patient id")?;
        let export =
            fhir_export::patient_record(&mut conn, clock.now(), &Actor::command_line(), &id)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
        ndjson.add(bundle::patient_resources(&base, &export));
        bar.inc(1);
    }
    bar.finish_and_clear();
    let mut total = 0;
    for (name, lines) in ndjson.files() {
        let mut text = lines.join("\n");
        text.push('\n');
        write_new(&dir.join(&name), text.as_bytes())?;
        println!("{name}: {}", lines.len());
        total += lines.len();
    }
    println!(
        "Exported {} patients, {total} resources, to {}.",
        ids.len(),
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `clinic import --fhir FILE`: one patient's collection bundle into this database.
/// Exit 0 imported; 2 not (unreadable file, not our export, already here, or a value
/// the checks refuse, each named).
pub fn import_bundle(url: &DatabaseUrl, file: &Path) -> anyhow::Result<ExitCode> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let bundle: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", file.display()))?;
    let record = crate::fhir::import::read_bundle(&bundle)?;
    let mut conn = open(url)?;
    let report = crate::services::fhir_import::import_record(
        &mut conn,
        Clock::system().now(),
        &Actor::command_line(),
        &record,
    )
    .map_err(|e| match e {
        crate::services::ServiceError::Invalid(errors) => {
            anyhow::anyhow!("the record was not imported: {errors:?}")
        }
        other => anyhow::anyhow!("{other}"),
    })?;
    println!(
        "Imported patient {} ({}): {} forms, {} flags.",
        report.chart_number, report.patient_id, report.forms, report.flags
    );
    Ok(ExitCode::SUCCESS)
}
