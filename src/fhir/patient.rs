//! `Patient` from the registration, and `Practitioner` for every staff member a
//! resource names (author, signer, witness, who raised or resolved a flag).

use serde_json::{Value, json};

use super::{FhirBase, hl7_coding, instant};
use crate::db::models::patient::PatientRow;
use crate::db::models::user::UserRow;

/// FHIR administrative gender from our sex field (the same four codes).
pub fn gender(sex: &str) -> &'static str {
    match sex {
        "female" => "female",
        "male" => "male",
        "other" => "other",
        _ => "unknown",
    }
}

pub fn patient(base: &FhirBase, p: &PatientRow) -> Value {
    let mut names = vec![json!({
        "use": "official",
        "family": p.family_name,
        "given": [p.given_name],
    })];
    if let Some(pref) = p.preferred_name.as_deref().filter(|s| !s.is_empty()) {
        names.push(json!({"use": "usual", "given": [pref]}));
    }
    let mut r = json!({
        "resourceType": "Patient",
        "id": p.id,
        "meta": {"lastUpdated": instant(p.updated_at)},
        "identifier": [{
            "use": "usual",
            "type": {"coding": [hl7_coding("v2-0203", "MR", "Medical record number")]},
            "system": base.chart_number_system(),
            "value": p.chart_number,
        }],
        "active": p.archived_at.is_none(),
        "name": names,
        "gender": gender(&p.sex),
        "birthDate": super::date(p.date_of_birth),
    });
    let mut telecom = Vec::new();
    if let Some(phone) = p.phone.as_deref().filter(|s| !s.is_empty()) {
        telecom.push(json!({"system": "phone", "value": phone}));
    }
    if let Some(email) = p.email.as_deref().filter(|s| !s.is_empty()) {
        telecom.push(json!({"system": "email", "value": email}));
    }
    if !telecom.is_empty() {
        r["telecom"] = json!(telecom);
    }
    let lines: Vec<&str> = [p.address_line1.as_deref(), p.address_line2.as_deref()]
        .into_iter()
        .flatten()
        .filter(|l| !l.is_empty())
        .collect();
    let mut address = serde_json::Map::new();
    if !lines.is_empty() {
        address.insert("line".into(), json!(lines));
    }
    for (key, v) in [
        ("city", &p.city),
        ("state", &p.province),
        ("postalCode", &p.postal_code),
    ] {
        if let Some(v) = v.as_deref().filter(|s| !s.is_empty()) {
            address.insert(key.into(), json!(v));
        }
    }
    if !address.is_empty() {
        r["address"] = json!([address]);
    }
    let contact_name = p
        .emergency_contact_name
        .as_deref()
        .filter(|s| !s.is_empty());
    let contact_phone = p
        .emergency_contact_phone
        .as_deref()
        .filter(|s| !s.is_empty());
    if contact_name.is_some() || contact_phone.is_some() {
        let mut c = json!({
            "relationship": [{
                "coding": [hl7_coding("v2-0131", "C", "Emergency Contact")],
            }],
        });
        if let Some(rel) = p
            .emergency_contact_relationship
            .as_deref()
            .filter(|s| !s.is_empty())
            && let Some(list) = c["relationship"].as_array_mut()
        {
            list.push(json!({"text": rel}));
        }
        if let Some(n) = contact_name {
            c["name"] = json!({"text": n});
        }
        if let Some(ph) = contact_phone {
            c["telecom"] = json!([{"system": "phone", "value": ph}]);
        }
        r["contact"] = json!([c]);
    }
    if let Some(job) = p.occupation.as_deref().filter(|s| !s.is_empty()) {
        // R4 has no core element for an occupation; an extension of ours carries it.
        r["extension"] = json!([{"url": base.extension("occupation"), "valueString": job}]);
    }
    r
}

/// A staff member as a `Practitioner` (front-desk staff too: FHIR's Practitioner is
/// anyone involved in providing care, clerical staff included).
pub fn practitioner(base: &FhirBase, u: &UserRow) -> Value {
    let mut r = json!({
        "resourceType": "Practitioner",
        "id": u.id,
        "active": u.active,
        "name": [{"text": u.name}],
    });
    if let Some(licence) = u.licence_number.as_deref().filter(|s| !s.is_empty()) {
        r["identifier"] = json!([{
            "type": {"coding": [hl7_coding("v2-0203", "LN", "License number")]},
            "system": base.url("sid/licence-number"),
            "value": licence,
        }]);
    }
    r
}
