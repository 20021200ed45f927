//! FHIR R4 export through the API: a practitioner downloads a patient's whole record
//! (a collection bundle) and one signed assessment (a document bundle), and every
//! resource passes an independent validator (`@medplum/core`). The mapping holds what
//! the clinic recorded: the chart number, the answers, the flags with level, technique
//! and region, the consent's typed signature, ROM with UCUM degrees and the named
//! normal, NPRS as LOINC 72514-3, ICD-10-CM diagnoses, the plan's timing, the
//! signature's hash, the addendum that appends. The front desk is refused; a draft is
//! not exported; each export is audited. The published Questionnaire and CodeSystems
//! validate too.

use base64::Engine as _;
use clinic::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::assessment_print::chart_every_section_and_sign;
use crate::cli::{clinic, clinic_with};
use crate::fhir_validator::validate;
use crate::helpers::{TestApp, TestDatabase};
use crate::intake_answers::every_question_answered;

/// A patient with full demographics, a paper form with conditions, an unsure red flag,
/// medicines and an operation, a consent, a signed assessment with every section and
/// an addendum, a manual flag and a resolved one. Returns (patient id, assessment id,
/// practitioner token, front-desk token, content hash).
async fn a_patient_with_a_signed_record(app: &TestApp) -> (String, String, String, String, String) {
    let desk = app.create_user(Role::FrontDesk).await;
    let pr = app.create_user(Role::Practitioner).await;
    let desk_token = app.api_token(&desk).await;
    let token = app.api_token(&pr).await;
    let (s, p) = app
        .post_json(
            "/api/v1/patients",
            Some(&desk_token),
            &json!({
                "given_name": "Ingrid", "family_name": "Halvorsen", "preferred_name": "Inga",
                "date_of_birth": "1971-09-14", "sex": "female",
                "email": "ingrid@example.org", "phone": "+1 514 555 0142",
                "address_line1": "12 Rue des Érables", "city": "Montréal", "province": "QC",
                "postal_code": "H2X 1Y4",
                "emergency_contact_name": "Lars Halvorsen", "emergency_contact_phone": "+1 514 555 0199",
                "emergency_contact_relationship": "Husband", "occupation": "Gardener"
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let pid = p["id"].as_str().unwrap().to_owned();
    let intake = every_question_answered(&json!({
        "chief_complaint": "Low back pain into the left leg since gardening <b>&</b>",
        "onset": "3 weeks ago",
        "pain_now": 6, "pain_worst": 8, "pain_quality": ["aching", "shooting"], "pain_pattern": "intermittent",
        "pain_regions": ["lower_back", "buttocks", "left_thigh"],
        "conditions": {"anticoagulants": "yes", "stroke_or_tia": "unsure", "cancer": "no"},
        "condition_details": {"anticoagulants": "apixaban since 2023"},
        "red_flags": {"bladder_bowel_change": false},
        "red_flags_unsure": ["night_pain"],
        "medications": [{"name": "Apixaban", "dose": "5 mg", "reason": "atrial fibrillation"}],
        "surgeries": [{"procedure": "Appendectomy", "year": 1990}],
        "goals": "Garden again"
    }));
    let (s, v) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/intakes"),
            Some(&desk_token),
            &intake,
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, c) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/consents"),
            Some(&desk_token),
            &json!({"kind": "treatment", "signed_name": "Ingrid Halvorsen"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");

    // Charted, the red flags acknowledged, signed.
    let (aid, hash, _) = chart_every_section_and_sign(app, &pid, &token).await;
    let (s, ad) = app
        .post_json(
            &format!("/api/v1/assessments/{aid}/addenda"),
            Some(&token),
            &json!({"body": "Patient phoned on day 2: soreness settled."}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{ad}");
    let (s, f) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/flags"),
            Some(&token),
            &json!({"code": "recent_manipulation_elsewhere", "level": "precaution",
                    "techniques": ["hvla"], "regions": ["cervical"],
                    "reason": "Neck manipulated elsewhere last week"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{f}");
    let fid = f["id"].as_str().unwrap().to_owned();
    let (s, r) = app
        .post_json(
            &format!("/api/v1/flags/{fid}/resolve"),
            Some(&token),
            &json!({"reason": "Seen the other practitioner's notes: mobilization only"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    (pid, aid, token, desk_token, hash)
}

fn resources(bundle: &Value) -> Vec<Value> {
    bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["resource"].clone())
        .collect()
}

fn of_type<'a>(rs: &'a [Value], ty: &str) -> Vec<&'a Value> {
    rs.iter().filter(|r| r["resourceType"] == ty).collect()
}

async fn get_fhir(app: &TestApp, path: &str, token: &str) -> (StatusCode, String, Value) {
    let res = app
        .http
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, ct, res.json().await.unwrap_or(Value::Null))
}

/// What a journey test ends with: the patient's record (and a signed assessment) as a
/// practitioner downloads them, through the independent validator.
pub(crate) async fn the_exports_validate(
    app: &TestApp,
    token: &str,
    pid: &str,
    aid: Option<&str>,
    what: &str,
) {
    let (s, _, bundle) = get_fhir(app, &format!("/api/v1/patients/{pid}/fhir"), token).await;
    assert_eq!(s, StatusCode::OK, "{what}: {bundle}");
    let mut exported = vec![bundle];
    if let Some(aid) = aid {
        let (s, _, doc) = get_fhir(app, &format!("/api/v1/assessments/{aid}/fhir"), token).await;
        assert_eq!(s, StatusCode::OK, "{what}: {doc}");
        exported.push(doc);
    }
    validate(what, &exported);
}

async fn a_practitioner_downloads_the_record_as_valid_fhir(app: TestApp) {
    let (pid, aid, token, desk_token, hash) = a_patient_with_a_signed_record(&app).await;

    let (s, ct, bundle) = get_fhir(&app, &format!("/api/v1/patients/{pid}/fhir"), &token).await;
    assert_eq!(s, StatusCode::OK, "{bundle}");
    assert_eq!(ct, "application/fhir+json");
    assert_eq!(bundle["type"], "collection");
    for e in bundle["entry"].as_array().unwrap() {
        let r = &e["resource"];
        assert!(
            e["fullUrl"].as_str().unwrap().ends_with(&format!(
                "/fhir/{}/{}",
                r["resourceType"].as_str().unwrap(),
                r["id"].as_str().unwrap()
            )),
            "{e}"
        );
    }
    let rs = resources(&bundle);

    let patient = of_type(&rs, "Patient")[0];
    let (_, api_patient) = app
        .get_json(&format!("/api/v1/patients/{pid}"), &token)
        .await;
    assert_eq!(
        patient["identifier"][0]["value"],
        api_patient["chart_number"]
    );
    assert!(
        patient["identifier"][0]["system"]
            .as_str()
            .unwrap()
            .ends_with("/fhir/sid/chart-number")
    );
    assert_eq!(patient["gender"], "female");
    assert_eq!(patient["birthDate"], "1971-09-14");
    assert_eq!(patient["name"][0]["family"], "Halvorsen");
    assert_eq!(patient["name"][1]["given"][0], "Inga");
    assert_eq!(patient["address"][0]["city"], "Montréal");
    assert_eq!(patient["contact"][0]["name"]["text"], "Lars Halvorsen");

    let qr = of_type(&rs, "QuestionnaireResponse");
    assert_eq!(qr.len(), 1);
    let qr = qr[0];
    assert_eq!(qr["status"], "completed");
    assert!(
        qr["questionnaire"]
            .as_str()
            .unwrap()
            .contains("/fhir/Questionnaire/pre-visit|")
    );
    assert!(
        qr["author"]["reference"]
            .as_str()
            .unwrap()
            .starts_with("Practitioner/"),
        "a paper form names the staff who typed it"
    );
    let conditions = qr["item"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["linkId"] == "conditions")
        .unwrap();
    let answer_of = |id: &str| {
        conditions["item"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["linkId"] == id)
            .map(|i| i["answer"][0].clone())
    };
    assert_eq!(
        answer_of("conditions.anticoagulants").unwrap()["valueCoding"]["code"],
        "yes"
    );
    assert_eq!(
        answer_of("conditions.stroke_or_tia").unwrap()["valueCoding"]["code"],
        "unsure"
    );
    assert_eq!(
        answer_of("condition_details.anticoagulants").unwrap()["valueString"],
        "apixaban since 2023"
    );

    let (_, api_flags) = app
        .get_json(
            &format!("/api/v1/patients/{pid}/flags?include_resolved=true"),
            &token,
        )
        .await;
    let flags = of_type(&rs, "Flag");
    assert!(
        flags.len() >= 3,
        "the form's flags, the manual one: {}",
        flags.len()
    );
    let manual = flags
        .iter()
        .find(|f| f["code"]["coding"][0]["code"] == "recent_manipulation_elsewhere")
        .expect("the manual flag");
    assert_eq!(manual["status"], "inactive", "resolved");
    assert!(manual["period"]["end"].is_string());
    assert!(
        manual["code"]["coding"][0]["system"]
            .as_str()
            .unwrap()
            .ends_with("/CodeSystem/manual-flag")
    );
    let ext = |f: &Value, name: &str| -> Vec<String> {
        f["extension"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| {
                e["url"]
                    .as_str()
                    .unwrap()
                    .ends_with(&format!("/flag-{name}"))
            })
            .map(|e| {
                e["valueCoding"]["code"]
                    .as_str()
                    .or(e["valueString"].as_str())
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect()
    };
    assert_eq!(ext(manual, "level"), ["precaution"]);
    assert_eq!(ext(manual, "technique"), ["hvla"]);
    assert_eq!(ext(manual, "region"), ["cervical"]);
    let blood_thinners = flags
        .iter()
        .find(|f| f["code"]["coding"][0]["code"] == "anticoagulants")
        .expect("the blood-thinner flag");
    assert!(
        blood_thinners["code"]["coding"][0]["system"]
            .as_str()
            .unwrap()
            .ends_with("/CodeSystem/flag")
    );
    assert_eq!(blood_thinners["status"], "active");
    if let Some(list) = api_flags["items"].as_array() {
        assert_eq!(
            flags.len(),
            list.len(),
            "every flag the API lists is exported"
        );
    }

    let consent = of_type(&rs, "Consent");
    assert_eq!(consent.len(), 1);
    let data = consent[0]["sourceAttachment"]["data"].as_str().unwrap();
    let typed = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(data)
            .unwrap(),
    )
    .unwrap();
    assert!(typed.contains("Ingrid Halvorsen"), "{typed}");
    assert_eq!(consent[0]["scope"]["coding"][0]["code"], "treatment");

    let observations = of_type(&rs, "Observation");
    let lumbar = observations
        .iter()
        .find(|o| o["code"]["coding"][0]["code"] == "rom-lumbar")
        .expect("lumbar ROM");
    let flexion = lumbar["component"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"]["coding"][0]["code"] == "flexion")
        .unwrap();
    assert_eq!(flexion["valueQuantity"]["value"], 40.0);
    assert_eq!(
        flexion["valueQuantity"]["system"],
        "http://unitsofmeasure.org"
    );
    assert_eq!(flexion["valueQuantity"]["code"], "deg");
    assert_eq!(
        flexion["referenceRange"][0]["low"]["value"], 60.0,
        "AMA 5th lumbar flexion"
    );
    let l4 = observations
        .iter()
        .find(|o| {
            o["code"]["coding"][0]["code"] == "palpation"
                && o["bodySite"]["coding"][0]["code"] == "L4"
        })
        .expect("L4 palpation");
    assert!(
        l4["component"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"]["coding"][0]["code"] == "tenderness"
                && c["valueCodeableConcept"]["coding"][0]["code"] == "2")
    );
    let nprs = observations
        .iter()
        .find(|o| {
            o["code"]["coding"][0]["system"] == "http://loinc.org"
                && o["code"]["coding"][0]["code"] == "72514-3"
        })
        .expect("NPRS");
    assert_eq!(nprs["valueInteger"], 5);
    assert!(
        observations
            .iter()
            .any(|o| o["code"]["coding"][0]["code"] == "slr"
                && o["valueCodeableConcept"]["coding"][0]["code"] == "positive"
                && o["component"][0]["valueQuantity"]["value"] == 50.0)
    );
    assert!(
        observations
            .iter()
            .any(|o| o["code"]["coding"][0]["code"] == "reflex")
    );

    let conditions = of_type(&rs, "Condition");
    assert_eq!(conditions.len(), 2);
    assert_eq!(
        conditions[0]["code"]["coding"][0]["system"],
        "http://hl7.org/fhir/sid/icd-10-cm"
    );
    assert_eq!(conditions[0]["code"]["coding"][0]["code"], "M54.42");

    let plan = of_type(&rs, "CarePlan");
    assert_eq!(plan.len(), 1);
    let hvla = plan[0]["activity"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["detail"]["code"]["coding"][0]["code"] == "hvla")
        .unwrap();
    assert_eq!(hvla["detail"]["scheduledTiming"]["repeat"]["frequency"], 2);
    assert_eq!(
        hvla["detail"]["scheduledTiming"]["repeat"]["boundsDuration"]["value"],
        6
    );
    assert_eq!(of_type(&rs, "Goal").len(), 2, "two goals, one per sentence");

    let compositions = of_type(&rs, "Composition");
    assert_eq!(compositions.len(), 2, "the note and its addendum");
    let note = compositions
        .iter()
        .find(|c| c["id"] == aid.as_str())
        .unwrap();
    assert_eq!(note["status"], "final");
    let addendum = compositions
        .iter()
        .find(|c| c["id"] != aid.as_str())
        .unwrap();
    assert_eq!(addendum["relatesTo"][0]["code"], "appends");
    assert_eq!(
        addendum["relatesTo"][0]["targetReference"]["reference"],
        format!("Composition/{aid}")
    );
    let provenance = of_type(&rs, "Provenance");
    let sig = base64::engine::general_purpose::STANDARD
        .decode(provenance[0]["signature"][0]["data"].as_str().unwrap())
        .unwrap();
    assert_eq!(
        hex::encode(sig),
        hash,
        "the signature carries the content hash"
    );

    // Every reference inside the bundle resolves to an entry of it (the Questionnaire
    // and code systems are canonical URLs, not references).
    let ids: Vec<String> = rs
        .iter()
        .map(|r| {
            format!(
                "{}/{}",
                r["resourceType"].as_str().unwrap(),
                r["id"].as_str().unwrap()
            )
        })
        .collect();
    let text = bundle.to_string();
    for (at, _) in text.match_indices("\"reference\":\"") {
        let rest = &text[at + 13..];
        let target = &rest[..rest.find('"').unwrap()];
        assert!(
            ids.iter().any(|i| i == target),
            "{target} is not in the bundle"
        );
    }

    validate("the patient's record", std::slice::from_ref(&bundle));

    // One signed assessment as a document.
    let (s, ct, doc) = get_fhir(&app, &format!("/api/v1/assessments/{aid}/fhir"), &token).await;
    assert_eq!(s, StatusCode::OK, "{doc}");
    assert_eq!(ct, "application/fhir+json");
    assert_eq!(doc["type"], "document");
    assert_eq!(doc["entry"][0]["resource"]["resourceType"], "Composition");
    assert_eq!(doc["entry"][0]["resource"]["id"], aid.as_str());
    validate("the signed assessment", std::slice::from_ref(&doc));

    // The front desk never sees exam notes; a draft does not leave.
    let (s, _, _) = get_fhir(&app, &format!("/api/v1/patients/{pid}/fhir"), &desk_token).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = get_fhir(
        &app,
        &format!("/api/v1/assessments/{aid}/fhir"),
        &desk_token,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, draft) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/assessments"),
            Some(&token),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{draft}");
    let (s, _, refused) = get_fhir(
        &app,
        &format!("/api/v1/assessments/{}/fhir", draft["id"].as_str().unwrap()),
        &token,
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["code"], "conflict");

    let actions = app.audit_actions().await;
    assert!(
        actions.iter().any(|a| a == "record.exported"),
        "{actions:?}"
    );
    assert!(
        actions.iter().any(|a| a == "assessment.exported"),
        "{actions:?}"
    );
}

async fn the_questionnaire_and_code_systems_are_published(app: TestApp) {
    let mut published = Vec::new();
    let q: Value = app
        .http
        .get(app.url("/fhir/Questionnaire/pre-visit"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(q["resourceType"], "Questionnaire");
    assert!(
        q["url"]
            .as_str()
            .unwrap()
            .ends_with("/fhir/Questionnaire/pre-visit")
    );
    published.push(q);
    for cs in clinic::fhir::OurCodeSystem::ALL {
        let res = app
            .http
            .get(app.url(&format!("/fhir/CodeSystem/{cs}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{cs}");
        published.push(res.json().await.unwrap());
    }
    let res = app
        .http
        .get(app.url("/fhir/CodeSystem/nothing"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let outcome: Value = res.json().await.unwrap();
    assert_eq!(outcome["resourceType"], "OperationOutcome");
    published.push(outcome);
    validate("the published Questionnaire and CodeSystems", &published);
}

/// `clinic export fhir`: the demo clinic as NDJSON per type, every line valid; one
/// patient with a signed record, found by chart number, as a bundle on standard output.
async fn the_command_line_answers_a_records_request(app: TestApp) {
    let public = [("CLINIC_PUBLIC_URL", "https://clinic.example.org")];
    let demo = TestDatabase::create(app.db.backend).unwrap();
    let o = clinic(&demo.url, &["demo"], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("export");
    let out_arg = out.to_str().unwrap();
    let o = clinic_with(
        &demo.url,
        &["export", "fhir", "--all", "--out", out_arg],
        None,
        &public,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(report.contains("Exported 12 patients"), "{report}");
    let mut all = Vec::new();
    let mut files: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "Consent.ndjson",
            "Flag.ndjson",
            "Patient.ndjson",
            "Practitioner.ndjson",
            "QuestionnaireResponse.ndjson"
        ]
    );
    for f in &files {
        let text = std::fs::read_to_string(out.join(f)).unwrap();
        for line in text.lines() {
            let r: Value = serde_json::from_str(line).unwrap();
            assert_eq!(
                format!("{}.ndjson", r["resourceType"].as_str().unwrap()),
                *f
            );
            assert!(
                r["identifier"][0]["system"]
                    .as_str()
                    .is_none_or(|s| s.starts_with("https://clinic.example.org/fhir/"))
            );
            all.push(r);
        }
    }
    assert_eq!(of_type(&all, "Patient").len(), 12);
    validate("the demo clinic's bulk export", &all);
    let again = clinic_with(
        &demo.url,
        &["export", "fhir", "--all", "--out", out_arg],
        None,
        &public,
    );
    assert!(
        !again.status.success(),
        "a folder that is not empty is refused"
    );

    let (pid, aid, token, _, _) = a_patient_with_a_signed_record(&app).await;
    let (_, p) = app
        .get_json(&format!("/api/v1/patients/{pid}"), &token)
        .await;
    let chart = p["chart_number"].as_str().unwrap();
    let o = clinic_with(
        &app.db.url,
        &["export", "fhir", "--patient", chart],
        None,
        &public,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let bundle: Value = serde_json::from_slice(&o.stdout).unwrap();
    let rs = resources(&bundle);
    assert_eq!(of_type(&rs, "Patient")[0]["id"], pid.as_str());
    assert!(
        of_type(&rs, "Composition")
            .iter()
            .any(|c| c["id"] == aid.as_str())
    );
    validate(
        "a records request from the command line",
        std::slice::from_ref(&bundle),
    );
    let o = clinic_with(
        &app.db.url,
        &["export", "fhir", "--patient", "P-999999"],
        None,
        &public,
    );
    assert_eq!(o.status.code(), Some(2), "an unknown chart number");
    assert!(String::from_utf8_lossy(&o.stderr).contains("no patient"));
}

/// The Patient, QuestionnaireResponse and Flag resources of a bundle, keyed by type and
/// id, without what does not travel: staff references (accounts are the new clinic's
/// own) and the time of the last change.
fn what_travels(bundle: &Value) -> std::collections::BTreeMap<String, Value> {
    resources(bundle)
        .into_iter()
        .filter(|r| {
            matches!(
                r["resourceType"].as_str(),
                Some("Patient" | "QuestionnaireResponse" | "Flag")
            )
        })
        .map(|mut r| {
            let m = r.as_object_mut().unwrap();
            m.remove("meta");
            m.remove("author");
            (
                format!(
                    "{}/{}",
                    m["resourceType"].as_str().unwrap(),
                    m["id"].as_str().unwrap()
                ),
                r,
            )
        })
        .collect()
}

/// A patient's flags (every field but who decided, times to the second as FHIR keeps
/// them) and the hashes of their forms' answers.
fn rows_of(conn: &mut clinic::db::DbConnection, pid: &str) -> (Vec<Vec<String>>, Vec<String>) {
    use clinic::db::models::{flag, intake};
    let t = |v: Option<chrono::NaiveDateTime>| {
        v.map(|t| t.format("%FT%T").to_string()).unwrap_or_default()
    };
    let mut flags: Vec<Vec<String>> = flag::for_patient(conn, pid)
        .unwrap()
        .into_iter()
        .map(|f| {
            vec![
                f.id,
                f.code,
                f.kind,
                f.level,
                f.techniques,
                f.regions,
                f.source,
                f.reason,
                f.rule_source,
                f.status,
                f.basis,
                f.evidence,
                f.region_unknown.to_string(),
                f.source_id.unwrap_or_default(),
                t(Some(f.raised_at)),
                t(f.acknowledged_at),
                t(f.confirmed_at),
                t(f.resolved_at),
                f.resolution.unwrap_or_default(),
                f.resolved_as.unwrap_or_default(),
            ]
        })
        .collect();
    flags.sort();
    let answers = intake::submitted_for_patient(conn, pid)
        .unwrap()
        .iter()
        .map(|row| clinic::services::intakes::answers_hash(&intake::load_input(conn, row).unwrap()))
        .collect();
    (flags, answers)
}

/// Export → `clinic import --fhir` into a fresh database → export again: the same
/// patient, answers and flags (nothing lost on the way out), in the resources and in
/// the rows themselves; the new database's audit chain holds. Importing it twice is
/// refused and writes nothing.
async fn the_record_survives_the_round_trip(app: TestApp) {
    let (pid, _, token, _, _) = a_patient_with_a_signed_record(&app).await;
    let (s, _, first) = get_fhir(&app, &format!("/api/v1/patients/{pid}/fhir"), &token).await;
    assert_eq!(s, StatusCode::OK);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("record.json");
    std::fs::write(&file, first.to_string()).unwrap();
    let file = file.to_str().unwrap();

    let fresh = TestDatabase::create(app.db.backend).unwrap();
    let o = clinic(&fresh.url, &["import", "--fhir", file], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let said = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(said.contains("1 forms, 5 flags"), "{said}");
    let again = clinic(&fresh.url, &["import", "--fhir", file], None);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already in this database"));

    // The same public URL, so identifiers and code systems are the same names.
    let public_url = app.url("");
    let public_url = public_url.trim_end_matches('/');
    let (_, p) = app
        .get_json(&format!("/api/v1/patients/{pid}"), &token)
        .await;
    let chart = p["chart_number"].as_str().unwrap();
    let o = clinic_with(
        &fresh.url,
        &["export", "fhir", "--patient", chart],
        None,
        &[("CLINIC_PUBLIC_URL", public_url)],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let second: Value = serde_json::from_slice(&o.stdout).unwrap();
    let (before, after) = (what_travels(&first), what_travels(&second));
    assert_eq!(
        before.len(),
        7,
        "1 patient, 1 form, 5 flags: {:?}",
        before.keys()
    );
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    for (key, was) in &before {
        assert_eq!(&after[key], was, "{key} changed on the round trip");
    }
    validate("the re-exported record", std::slice::from_ref(&second));

    // The rows: every flag field but who decided, and the form's answers by their hash.
    let original = {
        let pid = pid.clone();
        app.with_db(move |conn| rows_of(conn, &pid)).await
    };
    let imported = rows_of(&mut fresh.connect(), &pid);
    assert_eq!(original, imported, "the rows came back as they left");
    let audit = std::process::Command::new(env!("CARGO_BIN_EXE_clinic"))
        .args(["audit", "verify"])
        .env("DATABASE_URL", &fresh.url)
        .output()
        .unwrap();
    assert!(
        audit.status.success(),
        "{}",
        String::from_utf8_lossy(&audit.stdout)
    );
}

on_both_backends!(
    a_practitioner_downloads_the_record_as_valid_fhir,
    the_record_survives_the_round_trip,
    the_questionnaire_and_code_systems_are_published,
    the_command_line_answers_a_records_request,
);
