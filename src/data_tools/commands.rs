//! What `clinic demo`, `clinic seed` and `clinic import` print, and their exit codes:
//! 0 done; 1 (import only) some rows skipped; 2 refused or nothing done. Errors that
//! stop a command (database unreachable…) go back to [`crate::cli`], which prints them
//! and exits 2.

use std::path::Path;
use std::process::ExitCode;

use super::demo::DemoError;
use crate::cli::{open, service_error};
use crate::clock::Clock;
use crate::config::ServeArgs;
use crate::db::DatabaseUrl;
use crate::services::accounts;

/// `clinic demo`: loads the demo clinic, then prints its patients and accounts.
pub fn demo(url: &DatabaseUrl) -> anyhow::Result<ExitCode> {
    let mut conn = open(url)?;
    let clock = Clock::system();
    let report = match super::demo::load(&mut conn, || clock.now()) {
        Ok(r) => r,
        Err(DemoError::NotEmpty(n)) => {
            eprintln!(
                "error: this database already has {n} staff account(s); `clinic demo` loads only \
                 into a database without accounts. Point DATABASE_URL at a new database, e.g. \
                 DATABASE_URL=sqlite://demo.db clinic demo"
            );
            return Ok(ExitCode::from(2));
        }
        Err(DemoError::Service(e)) => return Err(service_error(e)),
    };
    println!(
        "Loaded the demo clinic into {}: {} staff accounts, {} patients, {} paper intakes, \
         {} signed treatment consents.",
        url.redacted(),
        report.accounts.len(),
        report.patients.len(),
        report.intakes,
        report.patients.iter().filter(|p| p.consent).count()
    );
    println!();
    println!("{:<10}  {:<34}  FLAGS FROM THE INTAKE", "CHART", "PATIENT");
    for p in &report.patients {
        let mut flags: Vec<String> = p
            .flags
            .iter()
            .map(|f| format!("{} ({})", f.level, f.code))
            .collect();
        flags.dedup();
        println!(
            "{:<10}  {:<34}  {}",
            p.chart_number,
            p.name,
            flags.join(", ")
        );
    }
    println!();
    println!("{:<32}  {:<13}  PASSWORD", "EMAIL", "ROLE");
    for a in &report.accounts {
        println!("{:<32}  {:<13}  {}", a.email, a.role.as_str(), a.password);
    }
    println!();
    println!("The passwords are shown only this once. Next:");
    println!();
    println!("    clinic serve        (with the same DATABASE_URL)");
    // The address serve will listen on with this environment (CLINIC_BIND,
    // CLINIC_PUBLIC_URL), not a default that may not be it.
    let base = ServeArgs::from_environment()
        .map(|a| a.public_base(&a.bind))
        .unwrap_or_else(|| "the address in CLINIC_PUBLIC_URL or CLINIC_BIND".to_owned());
    println!("    then open {base}/login and sign in with an account above");
    Ok(ExitCode::SUCCESS)
}

/// `clinic seed`: adds synthetic patients to a database without staff accounts.
pub fn seed(url: &DatabaseUrl, patients: u64, seed: u64) -> anyhow::Result<ExitCode> {
    let mut conn = open(url)?;
    let staff = accounts::list(&mut conn).map_err(service_error)?.len();
    if staff > 0 {
        eprintln!(
            "error: this database has {staff} staff account(s), so it may hold real patients; \
             `clinic seed` writes synthetic patients into a new database only. (For a demo \
             with many patients, run `clinic seed` before `clinic demo`.)"
        );
        return Ok(ExitCode::from(2));
    }
    let clock = Clock::system();
    let bar = super::progress_bar(patients, "patients");
    let started = std::time::Instant::now();
    let report = super::seed::seed(&mut conn, clock.now(), seed, 0..patients, &bar)
        .map_err(service_error)?;
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "seeded {} patients ({} to {}, {} name words) with seed {seed} in {secs:.1} s: {:.0} patients/s",
        report.patients,
        report.first_chart.as_deref().unwrap_or("-"),
        report.last_chart.as_deref().unwrap_or("-"),
        report.name_tokens,
        report.patients as f64 / secs.max(1e-9)
    );
    Ok(ExitCode::SUCCESS)
}

/// `clinic import`: checks the whole file first, then registers row by row.
pub fn import(url: &DatabaseUrl, file: &Path, allow_duplicates: bool) -> anyhow::Result<ExitCode> {
    let rows = match super::import::read_file(file) {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!("error: {}: {e}", file.display());
            eprintln!("Nothing was imported.");
            return Ok(ExitCode::from(2));
        }
    };
    let mut conn = open(url)?;
    let clock = Clock::system();
    let bar = super::progress_bar(rows.len() as u64, "rows");
    let result = super::import::import(&mut conn, || clock.now(), &rows, allow_duplicates, &bar);
    bar.finish_and_clear();
    let print = |report: &super::import::ImportReport| {
        for s in &report.skipped {
            for problem in &s.problems {
                println!("row {}: {problem}", s.row);
            }
        }
    };
    match result {
        Ok(report) => {
            print(&report);
            println!(
                "imported {}, skipped {}",
                report.imported,
                report.skipped.len()
            );
            Ok(if report.skipped.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Err(stopped) => {
            print(&stopped.so_far);
            println!(
                "imported {}, skipped {}, stopped at row {}",
                stopped.so_far.imported,
                stopped.so_far.skipped.len(),
                stopped.row
            );
            let row = stopped.row;
            Err(service_error(stopped.source).context(format!(
                "the import stopped at row {row}; the rows before it were imported"
            )))
        }
    }
}
