//! Schemathesis (PyPI) against the running server: every operation of the published
//! OpenAPI document, generated requests valid and invalid, signed in as each staff
//! role, with the checks `not_a_server_error`, `status_code_conformance`,
//! `content_type_conformance` and `response_schema_conformance`. Any failure fails the
//! test, with schemathesis's own report of the request that found it.
//!
//! Needs the `schemathesis` command (`.ci/run` installs it into `.ci/venv`; or set
//! `CLINIC_TEST_SCHEMATHESIS`); without it the test skips and says why.

use std::path::PathBuf;
use std::process::Command;

use clinic::domain::Role;
use serde_json::json;

use crate::helpers::{TestApp, missing};

const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance";
/// Test cases per operation and role.
const EXAMPLES: &str = "40";

fn schemathesis() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("CLINIC_TEST_SCHEMATHESIS").map(PathBuf::from),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".ci/venv/bin/schemathesis")),
    ];
    let found = candidates.into_iter().flatten().find(|p| {
        Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if found.is_none() {
        missing(
            "schemathesis",
            "no schemathesis command (pip install schemathesis into .ci/venv, or set CLINIC_TEST_SCHEMATHESIS)",
        );
    }
    found
}

async fn every_operation_keeps_its_contract(app: TestApp) {
    let Some(st) = schemathesis() else {
        return;
    };
    // Something for the generated ids and searches to find besides nothing.
    let desk = app.create_user(Role::FrontDesk).await;
    let desk_token = app.api_token(&desk).await;
    let (status, _) = app
        .post_json(
            "/api/v1/patients",
            Some(&desk_token),
            &json!({"given_name": "Ada", "family_name": "Contract", "date_of_birth": "1970-01-01", "sex": "female"}),
        )
        .await;
    assert_eq!(status, 201);

    let reports = tempfile::tempdir().expect("report dir");
    for role in [Role::Admin, Role::Practitioner, Role::FrontDesk] {
        let user = app.create_user(role).await;
        let token = app.api_token(&user).await;
        let junit = reports.path().join(format!("{}.xml", role.as_str()));
        let out = Command::new(&st)
            .args([
                "run",
                &app.url("/api/v1/openapi.json"),
                "--url",
                &app.url(""),
                "--checks",
                CHECKS,
                "--max-examples",
                EXAMPLES,
                "--workers",
                "1",
                "--seed",
                "20261204",
                "--generation-database",
                "none",
                "--no-color",
                // Signing out would end the session the rest of the run uses.
                "--exclude-path",
                "/api/v1/auth/logout",
                "--report",
                "junit",
                "--report-junit-path",
            ])
            .arg(&junit)
            .args(["-H", &format!("Authorization: Bearer {token}")])
            .output()
            .expect("run schemathesis");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let summary: Vec<&str> = stdout
            .lines()
            .filter(|l| l.contains("passed") || l.contains("failed") || l.contains("Test cases"))
            .collect();
        println!("schemathesis as {}: {}", role.as_str(), summary.join(" | "));
        assert!(
            out.status.success(),
            "schemathesis found failures as {}:\n{stdout}\n{}",
            role.as_str(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

on_both_backends!(every_operation_keeps_its_contract);
