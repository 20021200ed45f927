//! The black-box test suite: one binary, a real server on port 0 per test, each test on
//! SQLite and (when `TEST_DATABASE_URL` names a server) on PostgreSQL, each with its own
//! database. Outside components that are missing skip with a printed reason, unless
//! `CLINIC_REQUIRE_ALL_COMPONENTS=1` (set by `.ci/run`) turns that into a failure.

// Tests may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[macro_use]
mod helpers;
mod intake_answers;

mod admin_browser;
mod api_auth;
mod assessment_browser;
mod assessment_print;
mod assessments;
mod audit;
mod audit_anchor;
mod authz_matrix;
mod axe;
mod booking;
mod booking_browser;
mod browser;
mod carry_forward;
mod carry_forward_browser;
mod cli;
mod clinic_time;
mod clinical_rules;
mod crash;
mod crash_reads;
mod csrf;
mod data_tools;
mod dates;
mod denied_access;
mod emergency_alerts;
mod emergency_browser;
mod fhir;
mod fhir_validator;
mod finger;
mod flag_browser;
mod flag_sources;
mod flag_workflow;
mod flags;
mod fold_browser;
mod headers;
mod health;
mod history_browser;
mod hostile_input;
mod intake_journey;
mod intake_phone;
mod lockout;
mod logs;
mod mail;
mod openapi;
mod pages;
mod patient_pages;
mod patients;
mod plan_browser;
mod practitioner_day;
mod raw_http;
mod realistic_exam;
mod schema;
mod schemathesis;
mod sessions;
mod signed_records;
mod trusted_devices;
