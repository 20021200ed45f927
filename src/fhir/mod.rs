//! FHIR R4 export: a patient's demographics, submitted pre-visit forms, flags, consents
//! and signed assessments as FHIR resources, and the `Questionnaire` and `CodeSystem`s
//! they point to. Pure mapping from what the services read (no I/O); the mapping is
//! documented resource by resource in `docs/fhir.md`, and the tests validate every
//! resource with an independent validator (`@medplum/core`).
//!
//! Our own codes (part A of the clinical reference) travel in code systems published
//! under `{CLINIC_PUBLIC_URL}/fhir/CodeSystem/{name}`; standard codes (LOINC, UCUM,
//! ICD-10-CM, HL7 terminology) are used where one exists.

pub mod assessment;
pub mod bundle;
pub mod code_systems;
pub mod import;
pub mod patient;
pub mod questionnaire;
pub mod safety;

use chrono::{NaiveDate, NaiveDateTime};
use serde_json::{Value, json};

pub use code_systems::OurCodeSystem;

/// The media type of every FHIR answer.
pub const FHIR_JSON: &str = "application/fhir+json";

pub const LOINC: &str = "http://loinc.org";
pub const UCUM: &str = "http://unitsofmeasure.org";
pub const ICD10_CM: &str = "http://hl7.org/fhir/sid/icd-10-cm";
pub const HL7_TERMINOLOGY: &str = "http://terminology.hl7.org/CodeSystem";

/// Where the clinic's own FHIR names live: `{CLINIC_PUBLIC_URL}/fhir`.
#[derive(Debug, Clone)]
pub struct FhirBase(String);

impl FhirBase {
    /// From the service's public base URL (`CLINIC_PUBLIC_URL`).
    pub fn new(public_url: &str) -> Self {
        FhirBase(format!("{}/fhir", public_url.trim_end_matches('/')))
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/{path}", self.0)
    }

    pub fn code_system(&self, cs: OurCodeSystem) -> String {
        self.url(&format!("CodeSystem/{}", cs.as_str()))
    }

    /// An extension of ours: `{base}/StructureDefinition/{name}`.
    pub fn extension(&self, name: &str) -> String {
        self.url(&format!("StructureDefinition/{name}"))
    }

    /// The identifier system of chart numbers.
    pub fn chart_number_system(&self) -> String {
        self.url("sid/chart-number")
    }

    /// A coding in one of our code systems, with its display when the code is known.
    pub fn coding(&self, cs: OurCodeSystem, code: &str) -> Value {
        let mut c = json!({"system": self.code_system(cs), "code": code});
        if let Some(d) = cs.display(code) {
            c["display"] = json!(d);
        }
        c
    }

    /// A `CodeableConcept` of one of our codes, its text the display.
    pub fn concept(&self, cs: OurCodeSystem, code: &str) -> Value {
        let coding = self.coding(cs, code);
        let text = coding
            .get("display")
            .cloned()
            .unwrap_or_else(|| json!(code));
        json!({"coding": [coding], "text": text})
    }

    /// The `fullUrl` of a resource in a bundle: the base and `Type/id`, so the relative
    /// references inside resolve (FHIR R4 §2.36.4).
    pub fn full_url(&self, resource: &Value) -> String {
        let ty = resource["resourceType"].as_str().unwrap_or_default();
        let id = resource["id"].as_str().unwrap_or_default();
        self.url(&format!("{ty}/{id}"))
    }
}

/// `{"reference": "Type/id"}`.
pub fn reference(resource_type: &str, id: &str) -> Value {
    json!({"reference": format!("{resource_type}/{id}")})
}

/// A FHIR `instant`/`dateTime` from a stored UTC time (seconds, `Z`).
pub fn instant(t: NaiveDateTime) -> String {
    t.and_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A coding in an HL7 terminology code system (`http://terminology.hl7.org/CodeSystem/{cs}`).
pub fn hl7_coding(cs: &str, code: &str, display: &str) -> Value {
    json!({"system": format!("{HL7_TERMINOLOGY}/{cs}"), "code": code, "display": display})
}

/// A narrative of plain text (escaped into the required XHTML `div`).
pub fn narrative(lines: &[String]) -> Value {
    let body: String = lines
        .iter()
        .map(|l| format!("<p>{}</p>", escape(l)))
        .collect();
    json!({
        "status": "generated",
        "div": format!("<div xmlns=\"http://www.w3.org/1999/xhtml\">{body}</div>"),
    })
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The id of a resource derived from a record (an observation of an assessment):
/// `{record id}-{part}-{n}`, within FHIR's 64 characters of `[A-Za-z0-9.-]`.
pub fn part_id(record_id: &str, part: &str, n: usize) -> String {
    format!("{record_id}-{part}-{n}")
}

/// A UCUM quantity.
pub fn quantity(value: f64, ucum: &str) -> Value {
    json!({"value": value, "unit": ucum, "system": UCUM, "code": ucum})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_carry_seconds_and_utc() {
        let t = NaiveDate::from_ymd_opt(2026, 12, 6)
            .and_then(|d| d.and_hms_opt(9, 5, 0))
            .expect("a time");
        assert_eq!(instant(t), "2026-12-06T09:05:00Z");
    }

    #[test]
    fn narrative_escapes_markup() {
        let n = narrative(&["<b>x</b> & y".to_owned()]);
        assert_eq!(
            n["div"],
            "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>&lt;b&gt;x&lt;/b&gt; &amp; y</p></div>"
        );
    }

    #[test]
    fn part_ids_fit_fhir() {
        let id = part_id("01a24d4c-beed-77d7-a859-4c17f9656960", "neuro", 999);
        assert!(id.len() <= 64);
        assert!(
            id.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        );
    }
}
