//! `clinic import FILE.csv`: registers patients from a spreadsheet export.
//!
//! The header row names the columns, which are the fields of
//! [`PatientInput`](crate::domain::patient::PatientInput) (`given_name`, `family_name`,
//! `date_of_birth`, … taken from the type itself, so a new field is a new column). The
//! header is checked before anything is written: an unknown or repeated column, or a
//! missing name or birth-date column, is a [`FileError`] and nothing is imported.
//!
//! Each row is then parsed like the registration form and registered through
//! `services::patients::register`, one transaction per row: a bad row is reported and
//! skipped and never stops or half-writes the others. A possible duplicate (same name
//! and birth date, ignoring case and accents, as an active patient, including one from
//! an earlier row of the same file) is skipped unless duplicates are allowed. A database
//! failure stops the import (the rows before it stay imported).
//!
//! Rows are numbered by the line they start on, the header being row 1: the row number a
//! spreadsheet shows, unless a cell holds a line break. Rows whose cells are all empty
//! (spreadsheets often export some at the end) are ignored.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

use chrono::NaiveDateTime;
use indicatif::ProgressBar;

use crate::db::DbConnection;
use crate::domain::patient::{PatientDetails, PatientInput};
use crate::services::{Actor, ServiceError, patients};

/// The columns a file must have.
pub const REQUIRED_COLUMNS: &[&str] = &["given_name", "family_name", "date_of_birth"];

/// The file cannot be imported at all; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("cannot read the file: {source}")]
    Open {
        #[source]
        source: std::io::Error,
    },
    #[error("the file is empty; its first row must name the columns")]
    Empty,
    #[error("the header row cannot be read: {0}")]
    Header(#[source] csv::Error),
    #[error("unknown column(s): {}. {hint}The columns are: {}.", .unknown.join(", "), known_columns().join(", "))]
    UnknownColumns { unknown: Vec<String>, hint: String },
    #[error("the column {0} appears more than once")]
    RepeatedColumn(String),
    #[error("missing column(s): {}; every patient needs a first name, a last name and a date of birth", .0.join(", "))]
    MissingColumns(Vec<String>),
}

/// The column names: every field of `PatientInput`, read from the type itself.
pub fn known_columns() -> Vec<String> {
    match serde_json::to_value(PatientInput::default()) {
        Ok(serde_json::Value::Object(fields)) => fields.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// One data row as read: the patient as typed, or why the row could not be read.
#[derive(Debug, Clone)]
pub struct CsvRow {
    pub row: u64,
    pub input: Result<PatientInput, String>,
}

/// Reads and checks a whole file.
pub fn read_file(path: &Path) -> Result<Vec<CsvRow>, FileError> {
    let file = std::fs::File::open(path).map_err(|source| FileError::Open { source })?;
    read(file)
}

fn header_name(raw: &str) -> String {
    raw.trim_start_matches('\u{feff}').trim().to_lowercase()
}

/// Reads CSV text: checks the header, then turns each row into a `PatientInput`.
pub fn read(source: impl Read) -> Result<Vec<CsvRow>, FileError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(source);
    let header: Vec<String> = reader
        .headers()
        .map_err(FileError::Header)?
        .iter()
        .map(header_name)
        .collect();
    if header.iter().all(String::is_empty) {
        return Err(FileError::Empty);
    }
    check_header(&header)?;

    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let fallback_row = i as u64 + 2;
        match record {
            Ok(record) => {
                if record.iter().all(|v| v.trim().is_empty()) {
                    continue;
                }
                let row = record.position().map_or(fallback_row, |p| p.line());
                let fields: serde_json::Map<String, serde_json::Value> = header
                    .iter()
                    .zip(record.iter())
                    .map(|(h, v)| (h.clone(), serde_json::Value::String(v.to_owned())))
                    .collect();
                let input = serde_json::from_value(serde_json::Value::Object(fields))
                    .map_err(|e| format!("cannot read the row: {e}"));
                rows.push(CsvRow { row, input });
            }
            Err(e) => {
                let row = e.position().map_or(fallback_row, |p| p.line());
                rows.push(CsvRow {
                    row,
                    input: Err(describe_csv_error(&e, header.len())),
                });
            }
        }
    }
    Ok(rows)
}

fn check_header(header: &[String]) -> Result<(), FileError> {
    let known: BTreeSet<String> = known_columns().into_iter().collect();
    let mut unknown = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, h) in header.iter().enumerate() {
        if h.is_empty() {
            unknown.push(format!("(column {} has no name)", i + 1));
        } else if !known.contains(h) {
            unknown.push(h.clone());
        } else if !seen.insert(h.as_str()) {
            return Err(FileError::RepeatedColumn(h.clone()));
        }
    }
    if !unknown.is_empty() {
        let hint = if unknown.iter().any(|u| u.contains(';') || u.contains('\t')) {
            "The file seems to separate columns with ';' or tabs; save it as comma-separated \
             CSV (UTF-8). "
                .to_owned()
        } else {
            String::new()
        };
        return Err(FileError::UnknownColumns { unknown, hint });
    }
    let missing: Vec<String> = REQUIRED_COLUMNS
        .iter()
        .filter(|c| !seen.contains(**c))
        .map(|c| (*c).to_owned())
        .collect();
    if !missing.is_empty() {
        return Err(FileError::MissingColumns(missing));
    }
    Ok(())
}

fn describe_csv_error(e: &csv::Error, columns: usize) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths { len, .. } => {
            format!("the row has {len} values but the header names {columns} columns")
        }
        csv::ErrorKind::Utf8 { .. } => {
            "the row is not UTF-8 text; save the file as \"CSV UTF-8\"".to_owned()
        }
        _ => format!("cannot read the row: {e}"),
    }
}

/// A row that was not imported, with one message per problem (`field: message`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedRow {
    pub row: u64,
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    pub imported: u64,
    pub skipped: Vec<SkippedRow>,
}

/// The database failed at `row`; the rows before it were imported.
#[derive(Debug, thiserror::Error)]
#[error("the import stopped at row {row} after importing {} patient(s)", .so_far.imported)]
pub struct ImportStopped {
    pub row: u64,
    pub so_far: ImportReport,
    #[source]
    pub source: ServiceError,
}

/// Registers each row as a patient, as the command line.
pub fn import(
    conn: &mut DbConnection,
    now: impl Fn() -> NaiveDateTime,
    rows: &[CsvRow],
    allow_duplicates: bool,
    progress: &ProgressBar,
) -> Result<ImportReport, Box<ImportStopped>> {
    let actor = Actor::command_line();
    let mut report = ImportReport::default();
    for r in rows {
        let outcome = match &r.input {
            Err(why) => Err(vec![why.clone()]),
            Ok(input) => {
                let at = now();
                match PatientDetails::parse(input, at.date()) {
                    Err(errors) => Err(errors
                        .iter()
                        .map(|(field, msg)| format!("{field}: {msg}"))
                        .collect()),
                    Ok(details) => {
                        match patients::register(conn, at, &actor, &details, allow_duplicates) {
                            Ok(_) => Ok(()),
                            Err(ServiceError::PossibleDuplicate(matches)) => {
                                let charts: Vec<String> =
                                    matches.into_iter().map(|m| m.chart_number).collect();
                                Err(vec![format!(
                                    "possible duplicate of {} (same name and date of birth); \
                                     not imported (--allow-duplicates imports it anyway)",
                                    charts.join(", ")
                                )])
                            }
                            Err(ServiceError::Invalid(errors)) => Err(errors
                                .iter()
                                .map(|(field, msg)| format!("{field}: {msg}"))
                                .collect()),
                            Err(source) => {
                                return Err(Box::new(ImportStopped {
                                    row: r.row,
                                    so_far: report,
                                    source,
                                }));
                            }
                        }
                    }
                }
            }
        };
        match outcome {
            Ok(()) => report.imported += 1,
            Err(problems) => report.skipped.push(SkippedRow {
                row: r.row,
                problems,
            }),
        }
        progress.inc(1);
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_columns_are_the_fields_of_the_registration() {
        let cols = known_columns();
        for c in [
            "given_name",
            "family_name",
            "date_of_birth",
            "preferred_name",
        ] {
            assert!(cols.contains(&c.to_owned()), "{cols:?}");
        }
        assert_eq!(cols.len(), 16);
    }

    #[test]
    fn the_header_is_checked_before_any_row() {
        let e = read("given_name,family_name,date_of_birth,shoe_size,\n".as_bytes()).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("shoe_size"), "{msg}");
        assert!(msg.contains("(column 5 has no name)"), "{msg}");
        let e = read("given_name;family_name;date_of_birth\n".as_bytes()).unwrap_err();
        assert!(e.to_string().contains("';'"), "{e}");
        let e = read("given_name,family_name\n".as_bytes()).unwrap_err();
        assert!(e.to_string().contains("date_of_birth"), "{e}");
        let e = read("given_name,Given_Name,family_name,date_of_birth\n".as_bytes()).unwrap_err();
        assert!(matches!(e, FileError::RepeatedColumn(_)), "{e}");
        assert!(matches!(read("".as_bytes()), Err(FileError::Empty)));
    }

    #[test]
    fn rows_are_numbered_by_line_and_blank_rows_ignored() {
        let csv = "\u{feff}Given_Name, family_name ,date_of_birth\n\
                   Élodie,Dupré,1984-06-12\n\
                   ,,\n\
                   \"Anne\nMarie\",O'Brien,1950-01-01\n\
                   too,many,values,here\n";
        let rows = read(csv.as_bytes()).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].row, 2);
        assert_eq!(rows[0].input.as_ref().unwrap().given_name, "Élodie");
        assert_eq!(rows[1].row, 4);
        assert_eq!(rows[2].row, 6);
        assert!(rows[2].input.as_ref().unwrap_err().contains("4 values"));
    }
}
