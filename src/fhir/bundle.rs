//! Bundles: a patient's whole record as a `collection`, one signed assessment as a
//! `document` (its `Composition` first), and NDJSON per resource type for the bulk
//! export.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDateTime;
use serde_json::{Value, json};

use super::{FhirBase, assessment, instant, patient, questionnaire, safety};
use crate::services::assessments::AssessmentRecord;
use crate::services::fhir_export::PatientExport;

/// Every `Practitioner/{id}` a set of resources references.
fn practitioners_referenced(resources: &[Value]) -> BTreeSet<String> {
    fn walk(v: &Value, out: &mut BTreeSet<String>) {
        match v {
            Value::Object(m) => {
                if let Some(id) = m
                    .get("reference")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix("Practitioner/"))
                {
                    out.insert(id.to_owned());
                }
                m.values().for_each(|v| walk(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    resources.iter().for_each(|r| walk(r, &mut out));
    out
}

/// The `Practitioner`s the resources name, from the staff the export read.
fn with_practitioners(
    base: &FhirBase,
    export: &PatientExport,
    mut resources: Vec<Value>,
) -> Vec<Value> {
    let named = practitioners_referenced(&resources);
    resources.extend(
        export
            .staff
            .iter()
            .filter(|u| named.contains(&u.id))
            .map(|u| patient::practitioner(base, u)),
    );
    resources
}

/// Every resource of a patient's record: the patient, the forms, the flags, the
/// consents, each signed assessment's resources, and the staff they name.
pub fn patient_resources(base: &FhirBase, export: &PatientExport) -> Vec<Value> {
    let mut out = vec![patient::patient(base, &export.patient)];
    out.extend(
        export
            .forms
            .iter()
            .map(|f| questionnaire::response(base, f)),
    );
    out.extend(export.flags.iter().map(|f| safety::flag(base, f)));
    out.extend(export.consents.iter().map(|c| safety::consent(base, c)));
    for a in &export.assessments {
        out.extend(assessment::resources(base, a).unwrap_or_default());
    }
    with_practitioners(base, export, out)
}

fn entries(base: &FhirBase, resources: Vec<Value>) -> Vec<Value> {
    resources
        .into_iter()
        .map(|r| json!({"fullUrl": base.full_url(&r), "resource": r}))
        .collect()
}

/// A patient's record as a `collection` bundle.
pub fn collection(base: &FhirBase, export: &PatientExport, now: NaiveDateTime) -> Value {
    json!({
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": instant(now),
        "entry": entries(base, patient_resources(base, export)),
    })
}

/// One signed assessment as a FHIR `document`: its `Composition` first, then what it
/// references (the patient, the form it reviewed, the staff) and its addenda. `None`
/// for a draft.
pub fn document(
    base: &FhirBase,
    record: &AssessmentRecord,
    export: &PatientExport,
) -> Option<Value> {
    let mut resources = assessment::resources(base, record)?;
    let signed_at = record.row.signed_at?;
    resources.insert(1, patient::patient(base, &export.patient));
    if let Some(form) = record
        .history
        .intake_id
        .as_ref()
        .and_then(|id| export.forms.iter().find(|f| &f.intake_id == id))
    {
        resources.push(questionnaire::response(base, form));
    }
    let resources = with_practitioners(base, export, resources);
    Some(json!({
        "resourceType": "Bundle",
        "identifier": {"system": "urn:ietf:rfc:3986", "value": format!("urn:uuid:{}", record.row.id)},
        "type": "document",
        "timestamp": instant(signed_at),
        "entry": entries(base, resources),
    }))
}

/// Resources grouped by type, for NDJSON files named `{Type}.ndjson`; a resource that
/// two patients' records share (a practitioner) is written once.
#[derive(Debug, Default)]
pub struct Ndjson {
    by_type: BTreeMap<String, Vec<String>>,
    seen: BTreeSet<(String, String)>,
}

impl Ndjson {
    pub fn add(&mut self, resources: Vec<Value>) {
        for r in resources {
            let ty = r["resourceType"].as_str().unwrap_or_default().to_owned();
            let id = r["id"].as_str().unwrap_or_default().to_owned();
            if self.seen.insert((ty.clone(), id)) {
                self.by_type.entry(ty).or_default().push(r.to_string());
            }
        }
    }

    /// (file name, lines) per type.
    pub fn files(&self) -> impl Iterator<Item = (String, &[String])> {
        self.by_type
            .iter()
            .map(|(ty, lines)| (format!("{ty}.ndjson"), lines.as_slice()))
    }
}
