//! `Flag` for every contraindication and red flag (resolved ones too), and `Consent`
//! for every signed treatment consent.

use base64::Engine as _;
use serde_json::{Value, json};

use super::{FhirBase, OurCodeSystem, hl7_coding, instant, reference};
use crate::db::models::consent::ConsentRow;
use crate::db::models::flag::FlagRow;

fn list(s: &str) -> impl Iterator<Item = &str> {
    s.split(',').filter(|x| !x.is_empty())
}

/// The code system of a flag's code: the rule table's, or the practitioners' own.
pub fn flag_code_system(code: &str) -> OurCodeSystem {
    if OurCodeSystem::Flag.display(code).is_some() {
        OurCodeSystem::Flag
    } else {
        OurCodeSystem::ManualFlag
    }
}

/// A flag with everything the clinic keeps about it: the level, kind, techniques and
/// regions in our code systems as extensions, the reason as the code's text, the
/// period from raised to resolved.
pub fn flag(base: &FhirBase, f: &FlagRow) -> Value {
    let ext = |name: &str, v: Value| {
        let mut e = json!({"url": base.extension(&format!("flag-{name}"))});
        if let Value::Object(m) = v {
            for (k, v) in m {
                e[k] = v;
            }
        }
        e
    };
    let mut extensions = vec![
        ext(
            "level",
            json!({"valueCoding": base.coding(OurCodeSystem::FlagLevel, &f.level)}),
        ),
        ext(
            "kind",
            json!({"valueCoding": base.coding(OurCodeSystem::FlagKind, &f.kind)}),
        ),
    ];
    extensions.extend(list(&f.techniques).map(|t| {
        ext(
            "technique",
            json!({"valueCoding": base.coding(OurCodeSystem::Technique, t)}),
        )
    }));
    extensions.extend(list(&f.regions).map(|r| {
        ext(
            "region",
            json!({"valueCoding": base.coding(OurCodeSystem::Region, r)}),
        )
    }));
    extensions.push(ext(
        "region-unknown",
        json!({"valueBoolean": f.region_unknown}),
    ));
    extensions.push(ext(
        "basis",
        json!({"valueCoding": base.coding(OurCodeSystem::FlagBasis, &f.basis)}),
    ));
    extensions.push(ext("origin", json!({"valueCode": f.source})));
    if let Some(record) = f.source_id.as_deref() {
        // The intake or assessment (its id) whose facts raised the flag.
        extensions.push(ext("source-record", json!({"valueString": record})));
    }
    if !f.evidence.is_empty() {
        extensions.push(ext("evidence", json!({"valueString": f.evidence})));
    }
    if !f.rule_source.is_empty() {
        extensions.push(ext("rule-source", json!({"valueString": f.rule_source})));
    }
    if let Some(at) = f.acknowledged_at {
        extensions.push(ext("acknowledged", json!({"valueDateTime": instant(at)})));
    }
    if let Some(at) = f.confirmed_at {
        extensions.push(ext("confirmed", json!({"valueDateTime": instant(at)})));
    }
    if let Some(r) = f.resolution.as_deref().filter(|s| !s.is_empty()) {
        extensions.push(ext("resolution", json!({"valueString": r})));
    }
    if let Some(r) = f.resolved_as.as_deref().filter(|s| !s.is_empty()) {
        extensions.push(ext("resolved-as", json!({"valueCode": r})));
    }
    let cs = flag_code_system(&f.code);
    let mut period = json!({"start": instant(f.raised_at)});
    if let Some(end) = f.resolved_at {
        period["end"] = json!(instant(end));
    }
    let mut r = json!({
        "resourceType": "Flag",
        "id": f.id,
        "extension": extensions,
        "status": if f.is_resolved() { "inactive" } else { "active" },
        "category": [{"coding": [hl7_coding("flag-category", "clinical", "Clinical")]}],
        "code": {"coding": [base.coding(cs, &f.code)], "text": f.reason},
        "subject": reference("Patient", &f.patient_id),
        "period": period,
    });
    if let Some(by) = f.raised_by.as_deref() {
        r["author"] = reference("Practitioner", by);
    }
    r
}

/// A signed treatment consent: the text version signed is the policy, the typed
/// signature the source attachment, a witness (a paper form signed in front of staff)
/// an extension.
pub fn consent(base: &FhirBase, c: &ConsentRow) -> Value {
    let signature = format!("Signed by typing the name: {}", c.signed_name);
    let mut r = json!({
        "resourceType": "Consent",
        "id": c.id,
        "status": "active",
        "scope": {"coding": [hl7_coding("consentscope", "treatment", "Treatment")]},
        "category": [{"coding": [{"system": super::LOINC, "code": "59284-0", "display": "Patient Consent"}]}],
        "patient": reference("Patient", &c.patient_id),
        "dateTime": instant(c.signed_at),
        "performer": [reference("Patient", &c.patient_id)],
        "sourceAttachment": {
            "contentType": "text/plain; charset=utf-8",
            "data": base64::engine::general_purpose::STANDARD.encode(signature.as_bytes()),
            "title": format!("Typed signature: {}", c.signed_name),
            "creation": instant(c.signed_at),
        },
        "policy": [{"uri": base.url(&format!("consent-text/{}", c.text_version))}],
        "provision": {"type": "permit"},
    });
    if let Some(w) = c.witnessed_by.as_deref() {
        r["extension"] = json!([{
            "url": base.extension("consent-witness"),
            "valueReference": reference("Practitioner", w),
        }]);
    }
    r
}
