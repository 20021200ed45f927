//! Reading our own export back (the round trip): from a `collection` bundle of one
//! patient, the `Patient`, every `QuestionnaireResponse` and every `Flag`, into the
//! shapes the services write. Consents, assessments and staff do not come back: a
//! signed assessment is kept where it was signed, and staff accounts are the new
//! clinic's own (so who typed a paper form, or raised a flag, is not restored).

use chrono::NaiveDateTime;
use serde_json::Value;

use super::questionnaire::answers_of;
use crate::domain::intake::IntakeInput;
use crate::domain::patient::PatientInput;

/// What a bundle says that our export would not.
#[derive(Debug, thiserror::Error)]
#[error("{resource}: {problem}")]
pub struct ImportError {
    pub resource: String,
    pub problem: String,
}

fn bad(resource: &Value, problem: impl Into<String>) -> ImportError {
    ImportError {
        resource: format!(
            "{}/{}",
            resource["resourceType"].as_str().unwrap_or("?"),
            resource["id"].as_str().unwrap_or("?")
        ),
        problem: problem.into(),
    }
}

#[derive(Debug, Clone)]
pub struct ImportedPatient {
    pub id: String,
    pub chart_number: String,
    pub input: PatientInput,
    pub active: bool,
}

#[derive(Debug, Clone)]
pub struct ImportedForm {
    pub id: String,
    pub submitted_at: NaiveDateTime,
    pub answers: IntakeInput,
}

/// A flag with everything the export carries about it.
#[derive(Debug, Clone, Default)]
pub struct ImportedFlag {
    pub id: String,
    pub code: String,
    pub kind: String,
    pub level: String,
    pub techniques: Vec<String>,
    pub regions: Vec<String>,
    pub region_unknown: bool,
    pub origin: String,
    pub source_record: Option<String>,
    pub reason: String,
    pub rule_source: String,
    pub basis: String,
    pub evidence: String,
    pub raised_at: NaiveDateTime,
    pub acknowledged_at: Option<NaiveDateTime>,
    pub confirmed_at: Option<NaiveDateTime>,
    pub resolved_at: Option<NaiveDateTime>,
    pub resolution: Option<String>,
    pub resolved_as: Option<String>,
}

impl ImportedFlag {
    /// `open`, `acknowledged` or `resolved`, as the flags table says it.
    pub fn status(&self) -> &'static str {
        if self.resolved_at.is_some() {
            "resolved"
        } else if self.acknowledged_at.is_some() {
            "acknowledged"
        } else {
            "open"
        }
    }
}

#[derive(Debug, Clone)]
pub struct ImportedRecord {
    pub patient: ImportedPatient,
    pub forms: Vec<ImportedForm>,
    pub flags: Vec<ImportedFlag>,
}

fn time(r: &Value, v: &Value, what: &str) -> Result<NaiveDateTime, ImportError> {
    v.as_str()
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.naive_utc())
        .ok_or_else(|| bad(r, format!("{what} is not a dateTime with a time zone")))
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

fn patient(r: &Value) -> Result<ImportedPatient, ImportError> {
    let id = r["id"].as_str().ok_or_else(|| bad(r, "no id"))?.to_owned();
    let names = r["name"].as_array().map(Vec::as_slice).unwrap_or_default();
    let official = names
        .iter()
        .find(|n| n["use"] == "official")
        .ok_or_else(|| bad(r, "no official name"))?;
    let usual = names.iter().find(|n| n["use"] == "usual");
    let chart_number = r["identifier"]
        .as_array()
        .and_then(|ids| {
            ids.iter().find(|i| {
                i["system"]
                    .as_str()
                    .is_some_and(|s| s.ends_with("/fhir/sid/chart-number"))
            })
        })
        .and_then(|i| i["value"].as_str())
        .ok_or_else(|| bad(r, "no chart number identifier"))?
        .to_owned();
    let telecom = |system: &str| {
        r["telecom"]
            .as_array()
            .and_then(|t| t.iter().find(|c| c["system"] == system))
            .map(|c| text(&c["value"]))
            .unwrap_or_default()
    };
    let address = &r["address"][0];
    let line = |n: usize| text(&address["line"][n]);
    let contact = &r["contact"][0];
    let relationship = contact["relationship"]
        .as_array()
        .and_then(|rs| rs.iter().find_map(|c| c["text"].as_str()))
        .unwrap_or_default()
        .to_owned();
    let occupation = r["extension"]
        .as_array()
        .and_then(|es| {
            es.iter().find(|e| {
                e["url"]
                    .as_str()
                    .is_some_and(|u| u.ends_with("/StructureDefinition/occupation"))
            })
        })
        .map(|e| text(&e["valueString"]))
        .unwrap_or_default();
    Ok(ImportedPatient {
        id,
        chart_number,
        active: r["active"].as_bool().unwrap_or(true),
        input: PatientInput {
            given_name: text(&official["given"][0]),
            family_name: text(&official["family"]),
            preferred_name: usual.map(|u| text(&u["given"][0])).unwrap_or_default(),
            date_of_birth: text(&r["birthDate"]),
            sex: text(&r["gender"]),
            email: telecom("email"),
            phone: telecom("phone"),
            address_line1: line(0),
            address_line2: line(1),
            city: text(&address["city"]),
            province: text(&address["state"]),
            postal_code: text(&address["postalCode"]),
            emergency_contact_name: text(&contact["name"]["text"]),
            emergency_contact_phone: text(&contact["telecom"][0]["value"]),
            emergency_contact_relationship: relationship,
            occupation,
        },
    })
}

fn form(r: &Value) -> Result<ImportedForm, ImportError> {
    Ok(ImportedForm {
        id: r["id"].as_str().ok_or_else(|| bad(r, "no id"))?.to_owned(),
        submitted_at: time(r, &r["authored"], "authored")?,
        answers: answers_of(r).map_err(|e| bad(r, e.to_string()))?,
    })
}

fn flag(r: &Value) -> Result<ImportedFlag, ImportError> {
    let mut f = ImportedFlag {
        id: r["id"].as_str().ok_or_else(|| bad(r, "no id"))?.to_owned(),
        code: r["code"]["coding"][0]["code"]
            .as_str()
            .ok_or_else(|| bad(r, "no code"))?
            .to_owned(),
        reason: text(&r["code"]["text"]),
        raised_at: time(r, &r["period"]["start"], "period.start")?,
        ..ImportedFlag::default()
    };
    if !r["period"]["end"].is_null() {
        f.resolved_at = Some(time(r, &r["period"]["end"], "period.end")?);
    }
    for e in r["extension"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let url = e["url"].as_str().unwrap_or_default();
        let Some(name) = url
            .rsplit_once("/StructureDefinition/flag-")
            .map(|(_, n)| n)
        else {
            continue;
        };
        let coded = text(&e["valueCoding"]["code"]);
        match name {
            "level" => f.level = coded,
            "kind" => f.kind = coded,
            "technique" => f.techniques.push(coded),
            "region" => f.regions.push(coded),
            "region-unknown" => f.region_unknown = e["valueBoolean"].as_bool().unwrap_or(false),
            "basis" => f.basis = coded,
            "origin" => f.origin = text(&e["valueCode"]),
            "source-record" => f.source_record = e["valueString"].as_str().map(str::to_owned),
            "evidence" => f.evidence = text(&e["valueString"]),
            "rule-source" => f.rule_source = text(&e["valueString"]),
            "acknowledged" => f.acknowledged_at = Some(time(r, &e["valueDateTime"], url)?),
            "confirmed" => f.confirmed_at = Some(time(r, &e["valueDateTime"], url)?),
            "resolution" => f.resolution = e["valueString"].as_str().map(str::to_owned),
            "resolved-as" => f.resolved_as = e["valueCode"].as_str().map(str::to_owned),
            _ => {}
        }
    }
    for (value, what) in [
        (&f.level, "flag-level"),
        (&f.kind, "flag-kind"),
        (&f.origin, "flag-origin"),
    ] {
        if value.is_empty() {
            return Err(bad(r, format!("no {what} extension")));
        }
    }
    Ok(f)
}

/// One patient's record from a `collection` bundle of our export.
pub fn read_bundle(bundle: &Value) -> Result<ImportedRecord, ImportError> {
    if bundle["resourceType"] != "Bundle" {
        return Err(bad(bundle, "not a Bundle"));
    }
    let resources: Vec<&Value> = bundle["entry"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|e| &e["resource"])
        .collect();
    let patients: Vec<&&Value> = resources
        .iter()
        .filter(|r| r["resourceType"] == "Patient")
        .collect();
    let [one] = patients.as_slice() else {
        return Err(bad(
            bundle,
            format!("holds {} patients; expected one", patients.len()),
        ));
    };
    let patient = patient(one)?;
    let subject = format!("Patient/{}", patient.id);
    let about_patient =
        |r: &Value, field: &str| r[field]["reference"].as_str() == Some(subject.as_str());
    let mut forms = Vec::new();
    let mut flags = Vec::new();
    for r in &resources {
        match r["resourceType"].as_str() {
            Some("QuestionnaireResponse") if about_patient(r, "subject") => forms.push(form(r)?),
            Some("Flag") if about_patient(r, "subject") => flags.push(flag(r)?),
            _ => {}
        }
    }
    Ok(ImportedRecord {
        patient,
        forms,
        flags,
    })
}
