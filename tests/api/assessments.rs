//! The first-visit assessment through the API: a practitioner charts every section,
//! the plan is checked against the patient's flags at every level, the exam raises
//! flags of its own, signing is refused while anything blocks it, a signed record never
//! changes (not even through SQL), and racing saves lose nothing.

use clinic::domain::Role;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, TestUser};
use crate::intake_answers::every_question_answered;

// ----------------------------------------------------------------------------------
// Helpers
// ----------------------------------------------------------------------------------

/// The staff of a small clinic, signed in through the API.
struct Staff {
    desk: String,
    dr_user: TestUser,
    dr: String,
}

async fn staff(app: &TestApp) -> Staff {
    let desk = app.create_user(Role::FrontDesk).await;
    let dr_user = app.create_user(Role::Practitioner).await;
    Staff {
        desk: app.api_token(&desk).await,
        dr: app.api_token(&dr_user).await,
        dr_user,
    }
}

async fn new_patient(app: &TestApp, token: &str) -> String {
    let suffix = uuid::Uuid::new_v4().simple().to_string();
    let (s, p) = app
        .post_json(
            "/api/v1/patients",
            Some(token),
            &json!({"given_name": "Marta", "family_name": format!("Assess{}", &suffix[..8]),
                    "date_of_birth": "1980-05-17", "sex": "female"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    p["id"].as_str().unwrap().to_owned()
}

async fn record_consent(app: &TestApp, token: &str, pid: &str) {
    let (s, c) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/consents"),
            Some(token),
            &json!({"kind": "treatment", "signed_name": "Marta Assess"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
}

async fn record_intake(app: &TestApp, token: &str, pid: &str, body: &Value) -> Value {
    let (s, v) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/intakes"),
            Some(token),
            &every_question_answered(body),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v
}

/// Adds a flag by hand and returns its id.
async fn manual_flag(app: &TestApp, token: &str, pid: &str, body: &Value) -> String {
    let (s, f) = app
        .post_json(&format!("/api/v1/patients/{pid}/flags"), Some(token), body)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{body} → {f}");
    f["id"].as_str().unwrap().to_owned()
}

async fn acknowledge(app: &TestApp, token: &str, flag: &str) {
    let (s, f) = app
        .post_json(
            &format!("/api/v1/flags/{flag}/acknowledge"),
            Some(token),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{f}");
}

async fn resolve(app: &TestApp, token: &str, flag: &str) {
    let (s, f) = app
        .post_json(
            &format!("/api/v1/flags/{flag}/resolve"),
            Some(token),
            &json!({"reason": "Reviewed with the patient's GP; no longer applies"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{f}");
}

async fn flags_of(app: &TestApp, token: &str, pid: &str) -> Vec<Value> {
    let (s, list) = app
        .get_json(&format!("/api/v1/patients/{pid}/flags"), token)
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    list["items"].as_array().unwrap().clone()
}

/// Starts a draft; returns its id and version.
async fn start(app: &TestApp, token: &str, pid: &str) -> (String, i64) {
    let (s, a) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/assessments"),
            Some(token),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    assert_eq!(a["status"], "draft");
    (
        a["id"].as_str().unwrap().to_owned(),
        a["version"].as_i64().unwrap(),
    )
}

/// `PUT /api/v1/assessments/{aid}` with `sections` and `"version": version`.
async fn save(
    app: &TestApp,
    token: &str,
    aid: &str,
    version: i64,
    sections: Value,
) -> (StatusCode, Value) {
    let mut body = sections;
    body["version"] = json!(version);
    app.put_json(&format!("/api/v1/assessments/{aid}"), token, &body)
        .await
}

/// Saves and expects success; returns the new version.
async fn save_ok(app: &TestApp, token: &str, aid: &str, version: i64, sections: Value) -> i64 {
    let (s, v) = save(app, token, aid, version, sections.clone()).await;
    assert_eq!(s, StatusCode::OK, "{sections} → {v}");
    assert_eq!(v["version"], version + 1, "{v}");
    v["version"].as_i64().unwrap()
}

async fn get_assessment(app: &TestApp, token: &str, aid: &str) -> Value {
    let (s, v) = app
        .get_json(&format!("/api/v1/assessments/{aid}"), token)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

async fn sign(app: &TestApp, token: &str, aid: &str, body: &Value) -> (StatusCode, Value) {
    app.post_json(
        &format!("/api/v1/assessments/{aid}/sign"),
        Some(token),
        body,
    )
    .await
}

fn in_days(app: &TestApp, days: i64) -> String {
    (app.clock.now().date() + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

/// A valid plan with the given interventions.
fn plan_with(app: &TestApp, interventions: Value) -> Value {
    json!({
        "visits_per_week": 2,
        "weeks": 4,
        "goals": "Sit through a working day without pain above 3/10; lift a 10 kg box",
        "re_exam_date": in_days(app, 28),
        "interventions": interventions,
        "home_care": [{"exercise": "cat_cow", "dosage": "2 × 10, morning and evening"}],
    })
}

fn primary_low_back_pain() -> Value {
    json!([{"code": "M54.50", "primary": true}])
}

/// A patient with a treatment consent and a draft whose diagnosis and plan are charted
/// (soft tissue and exercise for the low back): nothing blocks signing unless the test
/// adds it. Returns (patient id, assessment id, version).
async fn ready_to_sign(
    app: &TestApp,
    s: &Staff,
    consent: bool,
    interventions: Value,
) -> (String, String, i64) {
    let pid = new_patient(app, &s.desk).await;
    if consent {
        record_consent(app, &s.desk, &pid).await;
    }
    let (aid, v) = start(app, &s.dr, &pid).await;
    let v = save_ok(
        app,
        &s.dr,
        &aid,
        v,
        json!({"diagnoses": primary_low_back_pain(), "plan": plan_with(app, interventions)}),
    )
    .await;
    (pid, aid, v)
}

fn soft_tissue_and_exercise() -> Value {
    json!([
        {"technique": "soft_tissue", "region": "lumbar"},
        {"technique": "exercise", "region": "lumbar"},
    ])
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|x| x.as_str().unwrap().to_owned())
        .collect()
}

fn is_hex_sha256(s: &str) -> bool {
    s.len() == 64
        && s.chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
}

/// The stored row, read behind the application's back.
async fn stored_row(app: &TestApp, aid: &str) -> (String, String, i32, Option<String>) {
    let aid = aid.to_owned();
    app.with_db(move |conn| {
        use clinic::schema::assessments::dsl as a;
        a::assessments
            .filter(a::id.eq(aid))
            .select((a::content, a::status, a::version, a::content_hash))
            .first::<(String, String, i32, Option<String>)>(conn)
            .unwrap()
    })
    .await
}

async fn stored_addenda(app: &TestApp, aid: &str) -> Vec<String> {
    let aid = aid.to_owned();
    app.with_db(move |conn| {
        use clinic::schema::addenda::dsl as d;
        d::addenda
            .filter(d::assessment_id.eq(aid))
            .order(d::created_at.asc())
            .select(d::body)
            .load::<String>(conn)
            .unwrap()
    })
    .await
}

// ----------------------------------------------------------------------------------
// 1. The practitioner's journey
// ----------------------------------------------------------------------------------

async fn a_practitioner_charts_signs_and_amends_a_first_visit(app: TestApp) {
    let s = staff(&app).await;
    // The front desk registers the patient and enters the paper forms.
    let pid = new_patient(&app, &s.desk).await;
    let intake = record_intake(
        &app,
        &s.desk,
        &pid,
        &json!({
            "chief_complaint": "Low back pain since gardening last weekend",
            "pain_now": 6, "pain_worst": 8, "pain_regions": ["lower_back"],
            "conditions": {"osteoporosis": "yes", "anticoagulants": "no"},
            "red_flags": {"saddle_numbness": false, "bladder_bowel_change": false},
        }),
    )
    .await;
    assert!(
        intake["flags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "osteoporosis" && f["level"] == "absolute"),
        "{intake}"
    );
    record_consent(&app, &s.desk, &pid).await;

    // The practitioner starts the assessment.
    let (aid, mut v) = start(&app, &s.dr, &pid).await;
    assert_eq!(v, 1);
    let (st, list) = app
        .get_json(&format!("/api/v1/patients/{pid}/assessments"), &s.dr)
        .await;
    assert_eq!(st, StatusCode::OK, "{list}");
    assert_eq!(list["items"][0]["id"], aid.as_str());
    assert_eq!(list["items"][0]["status"], "draft");

    // The ICD-10 picker.
    let (st, codes) = app
        .get_json("/api/v1/diagnosis-codes?q=low%20back", &s.dr)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        codes["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "M54.50" && c["description"] == "Low back pain, unspecified"),
        "{codes}"
    );

    // Every section, one save at a time, as the workspace's autosave does.
    let sections = [
        json!({"history": [
            {"item": "chief_complaint", "status": "verified"},
            {"item": "conditions.osteoporosis", "status": "verified"},
            {"item": "pain_now", "status": "corrected", "correction": "5/10 today; 6 was yesterday"},
        ]}),
        json!({"posture": [
            {"area": "head", "finding": "head_forward", "view": "lateral", "measure": 48},
            {"area": "pelvis", "finding": "pelvis_high_crest", "side": "right", "view": "posterior"},
            {"area": "feet", "finding": "normal"},
        ]}),
        json!({"rom": [
            {"region": "cervical", "motion": "rotation_left", "degrees": 60, "method": "inclinometer"},
            {"region": "cervical", "motion": "rotation_right", "degrees": 72, "method": "inclinometer"},
            {"region": "lumbar", "motion": "flexion", "degrees": 45, "pain": true,
             "pain_location": "left low back", "end_feel": "spasm"},
            {"region": "lumbar", "motion": "extension", "degrees": 20, "reference": "aaos"},
        ]}),
        json!({"palpation": [
            {"segment": "L4", "side": "left", "structure": "facet", "tenderness": 2,
             "tone": "hypertonic_mild", "motion": "restricted", "restricted": ["flexion", "rotation_right"]},
            {"segment": "L5", "structure": "spinous_process"},
        ]}),
        json!({"tests": [
            {"test": "slr", "side": "left", "result": "positive", "value": 45, "notes": "Pain into the buttock"},
            {"test": "slr", "side": "right", "result": "negative"},
            {"test": "kemps", "side": "left", "result": "positive"},
            {"test": "faber", "side": "left", "result": "negative"},
        ]}),
        json!({"neuro": {
            "reflexes": [
                {"reflex": "patellar", "side": "left", "grade": "2+"},
                {"reflex": "achilles", "side": "left", "grade": "1+"},
            ],
            "strength": [{"myotome": "L5", "side": "left", "grade": "4+"}],
            "sensation": [{"dermatome": "L5", "side": "left", "grade": "1"}],
        }}),
        json!({"pain": {"nprs": 6, "notes": "Worse sitting"}}),
        json!({"diagnoses": [
            {"code": "M54.50", "primary": true},
            {"code": "m99.03", "notes": "L4 fixation"},
        ]}),
        json!({"plan": plan_with(&app, soft_tissue_and_exercise())}),
    ];
    for section in sections {
        v = save_ok(&app, &s.dr, &aid, v, section).await;
    }
    assert_eq!(v, 10);

    let rec = get_assessment(&app, &s.dr, &aid).await;
    assert_eq!(rec["status"], "draft");
    assert_eq!(rec["version"], 10);
    assert_eq!(rec["patient_id"], pid.as_str());
    assert_eq!(rec["practitioner_id"], s.dr_user.id.as_str());
    assert_eq!(rec["history"].as_array().unwrap().len(), 3);
    assert_eq!(
        rec["history"][2]["correction"],
        "5/10 today; 6 was yesterday"
    );
    assert_eq!(rec["posture"][0]["finding"], "head_forward");
    assert_eq!(rec["posture"][1]["side"], "right");
    // ROM: the normal of the named reference and the percentage, computed on save.
    let rom = rec["rom"].as_array().unwrap();
    let row = |region: &str, motion: &str| {
        rom.iter()
            .find(|r| r["region"] == region && r["motion"] == motion)
            .unwrap_or_else(|| panic!("{region} {motion} in {rom:?}"))
            .clone()
    };
    let left = row("cervical", "rotation_left");
    assert_eq!(left["reference"], "ama5");
    assert_eq!(left["normal_degrees"], 80);
    assert_eq!(left["percent_of_normal"], 75);
    assert_eq!(row("cervical", "rotation_right")["percent_of_normal"], 90);
    let flexion = row("lumbar", "flexion");
    assert_eq!(flexion["normal_degrees"], 60);
    assert_eq!(flexion["percent_of_normal"], 75);
    assert_eq!(flexion["pain"], true);
    let ext = row("lumbar", "extension");
    assert_eq!(ext["reference"], "aaos");
    assert_eq!(ext["normal_degrees"], 25);
    assert_eq!(ext["percent_of_normal"], 80);
    // PART per segment: L4 has pain, range and tissue; L5 nothing.
    let part = rec["part"].as_array().unwrap();
    let l4 = part.iter().find(|p| p["segment"] == "L4").unwrap();
    assert_eq!(l4["criteria"], "PRT");
    assert_eq!(l4["count"], 3);
    assert_eq!(l4["subluxation"], true);
    let l5 = part.iter().find(|p| p["segment"] == "L5").unwrap();
    assert_eq!(l5["count"], 0);
    assert_eq!(l5["subluxation"], false);
    assert_eq!(
        strings(&rec["palpation"][0]["restricted"]),
        ["flexion", "rotation_right"]
    );
    assert_eq!(rec["tests"].as_array().unwrap().len(), 4);
    assert_eq!(rec["neuro"]["strength"][0]["grade"], "4+");
    assert_eq!(rec["pain"]["nprs"], 6);
    // Codes are normalised and described from the shipped list.
    assert_eq!(
        rec["diagnoses"][0]["description"],
        "Low back pain, unspecified"
    );
    assert_eq!(rec["diagnoses"][1]["code"], "M99.03");
    assert_eq!(rec["plan"]["interventions"].as_array().unwrap().len(), 2);
    assert_eq!(rec["plan"]["re_exam_date"], in_days(&app, 28).as_str());
    assert_eq!(rec["plan"]["home_care"][0]["exercise"], "cat_cow");
    assert_eq!(rec["conflicts"], json!([]));
    assert_eq!(rec["sign_blockers"], json!([]), "{rec}");
    assert_eq!(rec["treatment_consent_on_file"], true);
    assert!(rec["content_hash"].is_null());
    assert!(rec["content_hash_verified"].is_null());

    // What GET returns can be sent back as it is (computed fields included), and a
    // computed value sent in is replaced by the service's own.
    let mut rom_back = rec["rom"].clone();
    rom_back[0]["normal_degrees"] = json!(999);
    rom_back[0]["percent_of_normal"] = json!(1);
    let mut dx_back = rec["diagnoses"].clone();
    dx_back[0]["description"] = json!("Something else entirely");
    let (st, again) = save(
        &app,
        &s.dr,
        &aid,
        v,
        json!({"rom": rom_back, "diagnoses": dx_back, "plan": rec["plan"].clone(),
               "palpation": rec["palpation"].clone(), "tests": rec["tests"].clone(),
               "neuro": rec["neuro"].clone(), "posture": rec["posture"].clone(),
               "history": rec["history"].clone(), "pain": rec["pain"].clone()}),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "a round trip: {again}");
    v = again["version"].as_i64().unwrap();
    assert_eq!(v, 11);
    for section in [
        "history",
        "posture",
        "rom",
        "palpation",
        "tests",
        "neuro",
        "pain",
        "diagnoses",
        "plan",
    ] {
        assert_eq!(again[section], rec[section], "{section} after a round trip");
    }

    // Sign.
    let (st, signed) = sign(&app, &s.dr, &aid, &json!({"version": v})).await;
    assert_eq!(st, StatusCode::OK, "{signed}");
    assert_eq!(signed["status"], "signed");
    assert_eq!(signed["signed_by"], s.dr_user.id.as_str());
    assert!(signed["signed_at"].is_string());
    let hash = signed["content_hash"].as_str().unwrap().to_owned();
    assert!(is_hex_sha256(&hash), "{hash}");
    assert_eq!(signed["content_hash_verified"], true);

    // A signed record never changes: a save is refused and writes nothing.
    let before = get_assessment(&app, &s.dr, &aid).await;
    let signed_version = before["version"].as_i64().unwrap();
    let row_before = stored_row(&app, &aid).await;
    for attempt in [signed_version, v] {
        let (st, e) = save(&app, &s.dr, &aid, attempt, json!({"pain": {"nprs": 1}})).await;
        assert_eq!(st, StatusCode::CONFLICT, "{e}");
        assert!(e["error"].is_string(), "{e}");
    }
    let (st, _) = sign(&app, &s.dr, &aid, &json!({})).await;
    assert_eq!(st, StatusCode::CONFLICT, "signing twice");
    let after = get_assessment(&app, &s.dr, &aid).await;
    assert_eq!(before, after, "the refused save changed nothing");
    assert_eq!(after["pain"]["nprs"], 6);
    assert_eq!(stored_row(&app, &aid).await, row_before);

    // An addendum is the only change.
    let (st, e) = app
        .post_json(
            &format!("/api/v1/assessments/{aid}/addenda"),
            Some(&s.dr),
            &json!({"body": "   "}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e["errors"]["body"].is_string(), "{e}");
    let (st, e) = app
        .post_json(
            &format!("/api/v1/assessments/{aid}/addenda"),
            Some(&s.dr),
            &json!({"body": "x".repeat(5001)}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e["errors"]["body"].is_string(), "{e}");
    let (st, add) = app
        .post_json(
            &format!("/api/v1/assessments/{aid}/addenda"),
            Some(&s.dr),
            &json!({"body": "Patient phoned: pain 3/10 the next morning."}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{add}");
    assert_eq!(add["author_id"], s.dr_user.id.as_str());
    let rec = get_assessment(&app, &s.dr, &aid).await;
    assert_eq!(rec["addenda"].as_array().unwrap().len(), 1);
    assert_eq!(
        rec["addenda"][0]["body"],
        "Patient phoned: pain 3/10 the next morning."
    );
    assert_eq!(
        rec["content_hash"],
        hash.as_str(),
        "an addendum is not content"
    );
    assert_eq!(rec["content_hash_verified"], true);
    assert_eq!(rec["version"], signed_version);

    // Addenda are for signed records only.
    let (draft, _) = start(&app, &s.dr, &pid).await;
    let (st, e) = app
        .post_json(
            &format!("/api/v1/assessments/{draft}/addenda"),
            Some(&s.dr),
            &json!({"body": "Too early"}),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "{e}");
    let (st, list) = app
        .get_json(&format!("/api/v1/patients/{pid}/assessments"), &s.dr)
        .await;
    assert_eq!(st, StatusCode::OK);
    let statuses: Vec<(String, String)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap().to_owned(),
                i["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(statuses.contains(&(aid.clone(), "signed".into())), "{list}");
    assert!(
        statuses.contains(&(draft.clone(), "draft".into())),
        "{list}"
    );

    let actions = app.audit_actions().await;
    for a in [
        "assessment.started",
        "assessment.saved",
        "assessment.signed",
        "addendum.added",
        "assessment.viewed",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} audited: {actions:?}");
    }
    assert_eq!(
        actions.iter().filter(|a| *a == "assessment.saved").count(),
        10,
        "one audit event per successful save, none for refused ones"
    );
    assert_eq!(
        actions.iter().filter(|a| *a == "assessment.signed").count(),
        1
    );
}

// ----------------------------------------------------------------------------------
// 2. The plan check at every flag level
// ----------------------------------------------------------------------------------

/// How a case puts its flags on file.
enum Flags {
    /// A paper intake with these answers.
    Intake(Value),
    /// A flag added by the practitioner.
    Manual(Value),
}

struct PlanCase {
    name: &'static str,
    flags: Flags,
    interventions: Value,
    /// (flag_code, level, technique, region) of each conflict, in plan order; empty
    /// when the plan is accepted.
    refused: &'static [(&'static str, &'static str, &'static str, &'static str)],
    /// Part of every conflict's message (what is allowed instead).
    message: &'static str,
}

fn plan_cases() -> Vec<PlanCase> {
    let emergency = || {
        Flags::Manual(
            json!({"code": "suspected_cauda_equina", "level": "emergency",
            "reason": "Saddle numbness found on exam: sent to the emergency department"}),
        )
    };
    let urgent = || {
        Flags::Manual(json!({"code": "progressive_weakness", "level": "urgent",
            "reason": "Foot drop getting worse: referred to neurology"}))
    };
    let osteoporosis = || Flags::Intake(json!({"conditions": {"osteoporosis": "yes"}}));
    let anticoagulants = || Flags::Intake(json!({"conditions": {"anticoagulants": "yes"}}));
    let manual_relative = || {
        Flags::Manual(json!({"code": "lumbar_hypermobility", "level": "relative",
            "techniques": ["hvla"], "regions": ["lumbar"], "reason": "Hypermobile L4-L5"}))
    };
    vec![
        PlanCase {
            name: "emergency refuses even soft tissue and exercise",
            flags: emergency(),
            interventions: json!([
                {"technique": "soft_tissue", "region": "lumbar"},
                {"technique": "exercise", "region": "thoracic"},
            ]),
            refused: &[
                (
                    "suspected_cauda_equina",
                    "emergency",
                    "soft_tissue",
                    "lumbar",
                ),
                (
                    "suspected_cauda_equina",
                    "emergency",
                    "exercise",
                    "thoracic",
                ),
            ],
            message: "Nothing may be planned",
        },
        PlanCase {
            name: "emergency refuses an override reason too",
            flags: emergency(),
            interventions: json!([
                {"technique": "modality", "region": "cervical", "override_reason": "Heat pack only, no electrical stimulation"},
            ]),
            refused: &[(
                "suspected_cauda_equina",
                "emergency",
                "modality",
                "cervical",
            )],
            message: "refer",
        },
        PlanCase {
            name: "urgent refuses thrust, mobilization and instrument anywhere",
            flags: urgent(),
            interventions: json!([
                {"technique": "hvla", "region": "cervical"},
                {"technique": "mobilization", "region": "thoracic"},
                {"technique": "instrument", "region": "lower_extremity"},
                {"technique": "flexion_distraction", "region": "lumbar", "override_reason": "Gentle grade I only, agreed with the patient"},
            ]),
            refused: &[
                ("progressive_weakness", "urgent", "hvla", "cervical"),
                ("progressive_weakness", "urgent", "mobilization", "thoracic"),
                (
                    "progressive_weakness",
                    "urgent",
                    "instrument",
                    "lower_extremity",
                ),
                (
                    "progressive_weakness",
                    "urgent",
                    "flexion_distraction",
                    "lumbar",
                ),
            ],
            message: "instead: Soft tissue, Exercise, Modality.",
        },
        PlanCase {
            name: "urgent allows soft tissue, exercise and modalities",
            flags: urgent(),
            interventions: json!([
                {"technique": "soft_tissue", "region": "cervical"},
                {"technique": "exercise", "region": "lumbar"},
                {"technique": "modality", "region": "thoracic"},
            ]),
            refused: &[],
            message: "",
        },
        PlanCase {
            name: "absolute (osteoporosis) refuses hvla on the lumbar spine",
            flags: osteoporosis(),
            interventions: json!([{"technique": "hvla", "region": "lumbar"}]),
            refused: &[("osteoporosis", "absolute", "hvla", "lumbar")],
            message: "Allowed in the lumbar region instead: Soft tissue, Exercise, Modality; with a written override reason also Instrument adjustment, Flexion-distraction, Mobilization.",
        },
        PlanCase {
            name: "absolute is not lifted by an override reason",
            flags: osteoporosis(),
            interventions: json!([
                {"technique": "hvla", "region": "lumbar", "override_reason": "Patient insists, DEXA normal"},
            ]),
            refused: &[("osteoporosis", "absolute", "hvla", "lumbar")],
            message: "only resolving the flag",
        },
        PlanCase {
            name: "absolute leaves the extremities and soft tissue alone",
            flags: osteoporosis(),
            interventions: json!([
                {"technique": "hvla", "region": "lower_extremity"},
                {"technique": "soft_tissue", "region": "lumbar"},
                {"technique": "mobilization", "region": "lumbar", "override_reason": "Grade I only, bone density reviewed"},
            ]),
            refused: &[],
            message: "",
        },
        PlanCase {
            name: "relative (anticoagulants) needs a written reason",
            flags: anticoagulants(),
            interventions: json!([{"technique": "hvla", "region": "cervical"}]),
            refused: &[("anticoagulants", "relative", "hvla", "cervical")],
            message: "with a written override reason also HVLA thrust, Drop table.",
        },
        PlanCase {
            name: "relative (anticoagulants) accepted with a reason",
            flags: anticoagulants(),
            interventions: json!([
                {"technique": "hvla", "region": "cervical", "override_reason": "INR stable at 2.3; low-force setup"},
            ]),
            refused: &[],
            message: "",
        },
        PlanCase {
            name: "a manual relative flag needs a reason in its region only",
            flags: manual_relative(),
            interventions: json!([
                {"technique": "hvla", "region": "lumbar"},
                {"technique": "hvla", "region": "thoracic"},
                {"technique": "drop_table", "region": "lumbar"},
            ]),
            refused: &[("lumbar_hypermobility", "relative", "hvla", "lumbar")],
            message: "write an override reason",
        },
        PlanCase {
            name: "a manual relative flag accepted with a reason",
            flags: manual_relative(),
            interventions: json!([
                {"technique": "hvla", "region": "lumbar", "override_reason": "Thrust at L2 only, above the hypermobile level"},
            ]),
            refused: &[],
            message: "",
        },
        PlanCase {
            name: "precaution (anticoagulants, soft tissue) blocks nothing",
            flags: anticoagulants(),
            interventions: json!([{"technique": "soft_tissue", "region": "lumbar"}]),
            refused: &[],
            message: "",
        },
        PlanCase {
            name: "a manual precaution blocks nothing",
            flags: Flags::Manual(json!({"code": "fragile_skin", "level": "precaution",
                "techniques": ["soft_tissue", "instrument"], "regions": ["lumbar"],
                "reason": "Long-term steroids: bruises easily"})),
            interventions: json!([
                {"technique": "soft_tissue", "region": "lumbar"},
                {"technique": "instrument", "region": "lumbar"},
            ]),
            refused: &[],
            message: "",
        },
    ]
}

async fn the_plan_check_applies_every_flag_level(app: TestApp) {
    let s = staff(&app).await;
    for case in plan_cases() {
        let name = case.name;
        let pid = new_patient(&app, &s.desk).await;
        match &case.flags {
            Flags::Intake(body) => {
                record_intake(&app, &s.desk, &pid, body).await;
            }
            Flags::Manual(body) => {
                manual_flag(&app, &s.dr, &pid, body).await;
            }
        }
        let (aid, v) = start(&app, &s.dr, &pid).await;
        let plan = plan_with(&app, case.interventions.clone());
        let (st, body) = save(&app, &s.dr, &aid, v, json!({"plan": plan})).await;
        if case.refused.is_empty() {
            assert_eq!(st, StatusCode::OK, "{name}: {body}");
            assert_eq!(body["version"], v + 1, "{name}");
            assert_eq!(body["conflicts"], json!([]), "{name}");
            let saved = &body["plan"]["interventions"];
            assert_eq!(
                saved.as_array().unwrap().len(),
                case.interventions.as_array().unwrap().len(),
                "{name}"
            );
            // Who wrote an override, and when, is recorded by the service.
            for (i, iv) in case.interventions.as_array().unwrap().iter().enumerate() {
                if iv["override_reason"].is_string() {
                    assert_eq!(saved[i]["override_reason"], iv["override_reason"], "{name}");
                    assert_eq!(
                        saved[i]["override_by"],
                        s.dr_user.id.as_str(),
                        "{name}: {saved}"
                    );
                    assert!(saved[i]["override_at"].is_string(), "{name}: {saved}");
                } else {
                    assert!(saved[i]["override_by"].is_null(), "{name}: {saved}");
                }
            }
            continue;
        }
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {body}");
        assert!(body["error"].is_string(), "{name}: {body}");
        let conflicts = body["conflicts"].as_array().unwrap();
        let got: Vec<(String, String, String, String)> = conflicts
            .iter()
            .map(|c| {
                (
                    c["flag_code"].as_str().unwrap().to_owned(),
                    c["level"].as_str().unwrap().to_owned(),
                    c["technique"].as_str().unwrap().to_owned(),
                    c["region"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let want: Vec<(String, String, String, String)> = case
            .refused
            .iter()
            .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
            .collect();
        assert_eq!(got, want, "{name}: {body}");
        for c in conflicts {
            let m = c["message"].as_str().unwrap();
            assert!(m.contains(case.message), "{name}: {m:?}");
            // The flag is named by its words, not its code.
            let code = c["flag_code"].as_str().unwrap();
            assert!(
                m.contains("flag “"),
                "{name}: the message names the flag: {m:?}"
            );
            assert!(
                !m.contains(code) || !code.contains('_'),
                "{name}: words, not the code {code}: {m:?}"
            );
        }
        // The refused interventions are named as fields too.
        let errors = body["errors"].as_object().unwrap();
        assert!(
            errors.keys().all(|k| k.starts_with("plan.interventions[")),
            "{name}: {body}"
        );
        // Nothing was saved.
        let rec = get_assessment(&app, &s.dr, &aid).await;
        assert_eq!(rec["version"], v, "{name}");
        assert!(rec["plan"].is_null(), "{name}: {rec}");
    }
    let actions = app.audit_actions().await;
    assert!(
        actions.iter().any(|a| a == "plan.override"),
        "an accepted override is audited: {actions:?}"
    );
}

async fn resolving_an_absolute_flag_lifts_it(app: TestApp) {
    let s = staff(&app).await;
    let pid = new_patient(&app, &s.desk).await;
    record_intake(
        &app,
        &s.desk,
        &pid,
        &json!({"conditions": {"osteoporosis": "yes"}}),
    )
    .await;
    let (aid, v) = start(&app, &s.dr, &pid).await;
    let hvla = || plan_with(&app, json!([{"technique": "hvla", "region": "lumbar"}]));
    let (st, e) = save(&app, &s.dr, &aid, v, json!({"plan": hvla()})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");

    // Acknowledging is not enough.
    let flags = flags_of(&app, &s.dr, &pid).await;
    let absolute = flags
        .iter()
        .find(|f| f["code"] == "osteoporosis" && f["level"] == "absolute")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    acknowledge(&app, &s.dr, &absolute).await;
    let (st, e) = save(&app, &s.dr, &aid, v, json!({"plan": hvla()})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");

    resolve(&app, &s.dr, &absolute).await;
    let v2 = save_ok(&app, &s.dr, &aid, v, json!({"plan": hvla()})).await;

    // The relative half of the osteoporosis rule still asks for a reason.
    let mob = plan_with(
        &app,
        json!([{"technique": "mobilization", "region": "lumbar"}]),
    );
    let (st, e) = save(&app, &s.dr, &aid, v2, json!({"plan": mob})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["conflicts"][0]["level"], "relative", "{e}");
    let rec = get_assessment(&app, &s.dr, &aid).await;
    assert_eq!(rec["plan"]["interventions"][0]["technique"], "hvla");
}

async fn an_override_keeps_its_author_across_saves(app: TestApp) {
    let s = staff(&app).await;
    let pid = new_patient(&app, &s.desk).await;
    record_intake(
        &app,
        &s.desk,
        &pid,
        &json!({"conditions": {"anticoagulants": "yes"}}),
    )
    .await;
    let (aid, v) = start(&app, &s.dr, &pid).await;
    let plan = plan_with(
        &app,
        json!([{"technique": "hvla", "region": "thoracic", "override_reason": "INR 2.4 in range this week; low force only"}]),
    );
    let (st, first) = save(&app, &s.dr, &aid, v, json!({"plan": plan.clone()})).await;
    assert_eq!(st, StatusCode::OK, "{first}");
    let stamp = first["plan"]["interventions"][0].clone();
    assert_eq!(stamp["override_by"], s.dr_user.id.as_str());
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    // The same plan again: the override keeps its first author and time.
    let (st, again) = save(&app, &s.dr, &aid, v + 1, json!({"plan": plan})).await;
    assert_eq!(st, StatusCode::OK, "{again}");
    assert_eq!(again["plan"]["interventions"][0], stamp);
    let overrides = |actions: Vec<String>| actions.iter().filter(|a| *a == "plan.override").count();
    assert_eq!(
        overrides(app.audit_actions().await),
        1,
        "an unchanged reason is not audited again"
    );

    // A client cannot forge the stamp: the service replaces what is sent.
    let forged_same = plan_with(
        &app,
        json!([{"technique": "hvla", "region": "thoracic", "override_reason": "INR 2.4 in range this week; low force only",
                "override_by": "someone-else", "override_at": "2000-01-01T00:00:00"}]),
    );
    let (st, e) = save(&app, &s.dr, &aid, v + 2, json!({"plan": forged_same})).await;
    assert_eq!(st, StatusCode::OK, "{e}");
    assert_eq!(
        e["plan"]["interventions"][0], stamp,
        "the first stamp stays"
    );
    let forged_new = plan_with(
        &app,
        json!([{"technique": "hvla", "region": "thoracic", "override_reason": "INR checked today",
                "override_by": "someone-else", "override_at": "2000-01-01T00:00:00"},
               {"technique": "soft_tissue", "region": "thoracic",
                "override_by": "someone-else", "override_at": "2000-01-01T00:00:00"}]),
    );
    let (st, e) = save(&app, &s.dr, &aid, v + 3, json!({"plan": forged_new})).await;
    assert_eq!(st, StatusCode::OK, "{e}");
    let iv = &e["plan"]["interventions"];
    assert_eq!(iv[0]["override_by"], s.dr_user.id.as_str(), "{e}");
    assert!(iv[0]["override_at"].is_string(), "{e}");
    assert_ne!(iv[0]["override_at"], "2000-01-01T00:00:00", "{e}");
    assert_ne!(
        iv[0]["override_at"], stamp["override_at"],
        "a changed reason is stamped anew"
    );
    assert!(
        iv[1]["override_by"].is_null() && iv[1]["override_at"].is_null(),
        "no reason, no stamp: {e}"
    );
    assert_eq!(
        overrides(app.audit_actions().await),
        2,
        "a changed reason is audited"
    );
}

// ----------------------------------------------------------------------------------
// 3. Flags from the exam
// ----------------------------------------------------------------------------------

fn from_assessment<'a>(flags: &'a [Value], code: &str) -> Vec<&'a Value> {
    flags
        .iter()
        .filter(|f| f["code"] == code && f["origin"] == "assessment")
        .collect()
}

async fn the_exam_raises_flags(app: TestApp) {
    let s = staff(&app).await;
    let pid = new_patient(&app, &s.desk).await;
    let (aid, v) = start(&app, &s.dr, &pid).await;

    // A positive Hoffmann: possible myelopathy, urgent and absolute (thrust, cervical).
    let tests = json!({"tests": [
        {"test": "hoffmann", "side": "left", "result": "positive"},
        {"test": "spurling", "side": "left", "result": "negative"},
    ]});
    let v = save_ok(&app, &s.dr, &aid, v, tests.clone()).await;
    let flags = flags_of(&app, &s.dr, &pid).await;
    let mut myelopathy: Vec<(String, String)> = from_assessment(&flags, "myelopathy_signs")
        .iter()
        .map(|f| {
            (
                f["level"].as_str().unwrap().to_owned(),
                f["kind"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    myelopathy.sort();
    assert_eq!(
        myelopathy,
        [
            ("absolute".to_owned(), "contraindication".to_owned()),
            ("urgent".to_owned(), "red_flag".to_owned())
        ],
        "{flags:?}"
    );
    let absolute = from_assessment(&flags, "myelopathy_signs")
        .into_iter()
        .find(|f| f["level"] == "absolute")
        .unwrap();
    assert_eq!(strings(&absolute["regions"]), ["cervical"]);
    assert!(strings(&absolute["techniques"]).contains(&"hvla".to_owned()));

    // Saving the same tests again does not raise them twice.
    let v = save_ok(&app, &s.dr, &aid, v, tests).await;
    let flags = flags_of(&app, &s.dr, &pid).await;
    assert_eq!(from_assessment(&flags, "myelopathy_signs").len(), 2);

    // The record shows them, and the plan check uses them.
    let rec = get_assessment(&app, &s.dr, &aid).await;
    assert!(
        rec["flags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "myelopathy_signs"),
        "{rec}"
    );
    let (st, e) = save(
        &app,
        &s.dr,
        &aid,
        v,
        json!({"plan": plan_with(&app, json!([{"technique": "mobilization", "region": "lumbar"}]))}),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["conflicts"][0]["flag_code"], "myelopathy_signs");
    assert_eq!(e["conflicts"][0]["level"], "urgent");

    // A hypermobile segment: relative, thrust, in that segment's region.
    let v = save_ok(
        &app,
        &s.dr,
        &aid,
        v,
        json!({"palpation": [
            {"segment": "L3", "motion": "hypermobile", "tenderness": 1},
            {"segment": "T6", "motion": "restricted", "restricted": ["extension"]},
        ]}),
    )
    .await;
    let flags = flags_of(&app, &s.dr, &pid).await;
    let hyper = from_assessment(&flags, "segmental_hypermobility");
    assert_eq!(hyper.len(), 1, "{flags:?}");
    assert_eq!(hyper[0]["level"], "relative");
    assert_eq!(strings(&hyper[0]["regions"]), ["lumbar"]);
    assert_eq!(strings(&hyper[0]["techniques"]), ["hvla", "drop_table"]);

    // An osteoporosis diagnosis: the osteoporosis flags, from the assessment.
    save_ok(
        &app,
        &s.dr,
        &aid,
        v,
        json!({"diagnoses": [{"code": "M81.0", "primary": true}]}),
    )
    .await;
    let flags = flags_of(&app, &s.dr, &pid).await;
    let osteo = from_assessment(&flags, "osteoporosis");
    let mut levels: Vec<&str> = osteo.iter().map(|f| f["level"].as_str().unwrap()).collect();
    levels.sort();
    assert_eq!(levels, ["absolute", "relative"], "{flags:?}");
    let abs = osteo.iter().find(|f| f["level"] == "absolute").unwrap();
    assert_eq!(strings(&abs["techniques"]), ["hvla", "drop_table"]);
    assert_eq!(abs["kind"], "contraindication");
    assert_eq!(abs["status"], "open");

    let actions = app.audit_actions().await;
    assert!(actions.iter().any(|a| a == "flag.raised"), "{actions:?}");

    // Cervical rotation below 45° after a recent fall: urgent (image before treating).
    let pid = new_patient(&app, &s.desk).await;
    record_intake(
        &app,
        &s.desk,
        &pid,
        &json!({"red_flags": {"recent_trauma": true}}),
    )
    .await;
    let (aid, v) = start(&app, &s.dr, &pid).await;
    save_ok(
        &app,
        &s.dr,
        &aid,
        v,
        json!({"rom": [
            {"region": "cervical", "motion": "rotation_left", "degrees": 40},
            {"region": "cervical", "motion": "rotation_right", "degrees": 70},
        ]}),
    )
    .await;
    let flags = flags_of(&app, &s.dr, &pid).await;
    let rotation = from_assessment(&flags, "post_trauma_cervical_rotation");
    assert_eq!(rotation.len(), 1, "{flags:?}");
    assert_eq!(rotation[0]["level"], "urgent");
    assert_eq!(rotation[0]["kind"], "red_flag");
    // The same range without a recent trauma raises nothing.
    let pid = new_patient(&app, &s.desk).await;
    let (aid, v) = start(&app, &s.dr, &pid).await;
    save_ok(
        &app,
        &s.dr,
        &aid,
        v,
        json!({"rom": [
            {"region": "cervical", "motion": "rotation_left", "degrees": 40},
            {"region": "cervical", "motion": "rotation_right", "degrees": 40},
        ]}),
    )
    .await;
    assert!(flags_of(&app, &s.dr, &pid).await.is_empty());
}

async fn a_plan_saved_with_the_exam_that_refuses_it_writes_nothing(app: TestApp) {
    let s = staff(&app).await;
    let pid = new_patient(&app, &s.desk).await;
    let (aid, v) = start(&app, &s.dr, &pid).await;
    // One save: a positive Babinski and a neck thrust. The flag the exam raises refuses
    // the plan in the same save, so neither the tests nor the flag are written.
    let (st, e) = save(
        &app,
        &s.dr,
        &aid,
        v,
        json!({
            "tests": [{"test": "babinski", "side": "right", "result": "positive"}],
            "plan": plan_with(&app, json!([{"technique": "hvla", "region": "cervical"}])),
        }),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let codes: Vec<(&str, &str)> = e["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["flag_code"].as_str().unwrap(),
                c["level"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            ("myelopathy_signs", "urgent"),
            ("myelopathy_signs", "absolute")
        ],
        "most severe first: {e}"
    );
    let rec = get_assessment(&app, &s.dr, &aid).await;
    assert_eq!(rec["version"], v);
    assert!(rec["tests"].is_null() && rec["plan"].is_null(), "{rec}");
    assert!(
        flags_of(&app, &s.dr, &pid).await.is_empty(),
        "no flag from a refused save"
    );
}

// ----------------------------------------------------------------------------------
// 4. Signing refusals
// ----------------------------------------------------------------------------------

async fn assert_sign_refused(app: &TestApp, token: &str, aid: &str, needle: &str) {
    let (st, e) = sign(app, token, aid, &json!({})).await;
    assert_eq!(st, StatusCode::CONFLICT, "{e}");
    assert!(e["error"].is_string(), "{e}");
    let reasons = strings(&e["reasons"]);
    assert!(
        reasons.iter().any(|r| r.contains(needle)),
        "a reason mentions {needle:?}: {reasons:?}"
    );
    let rec = get_assessment(app, token, aid).await;
    assert_eq!(rec["status"], "draft");
    assert!(rec["content_hash"].is_null());
    assert_eq!(
        strings(&rec["sign_blockers"]),
        reasons,
        "the record shows the same blockers"
    );
}

async fn assert_signs(app: &TestApp, token: &str, aid: &str) {
    let (st, v) = sign(app, token, aid, &json!({})).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "signed");
}

async fn signing_is_refused_while_anything_blocks_it(app: TestApp) {
    let s = staff(&app).await;

    // Nothing blocks: it signs (the baseline for every case below).
    let (_, aid, v) = ready_to_sign(&app, &s, true, soft_tissue_and_exercise()).await;
    let (st, e) = sign(&app, &s.dr, &aid, &json!({"version": v - 1})).await;
    assert_eq!(st, StatusCode::CONFLICT, "a stale version: {e}");
    assert_eq!(e["current_version"], v);
    let (st, signed) = sign(&app, &s.dr, &aid, &json!({"version": v})).await;
    assert_eq!(st, StatusCode::OK, "{signed}");
    assert_eq!(signed["version"], v + 1);

    // An urgent flag without a documented referral (a manual urgent flag does not
    // conflict with soft tissue, so it blocks signing only until the referral is
    // recorded; acknowledging it is not enough).
    let (pid, aid, _) = ready_to_sign(&app, &s, true, soft_tissue_and_exercise()).await;
    let flag = manual_flag(
        &app,
        &s.dr,
        &pid,
        &json!({"code": "fever_with_back_pain", "level": "urgent", "reason": "Fever 38.6 today with back pain"}),
    )
    .await;
    assert_sign_refused(
        &app,
        &s.dr,
        &aid,
        "Document the referral for “Fever 38.6 today with back pain” (Urgent)",
    )
    .await;
    acknowledge(&app, &s.dr, &flag).await;
    assert_sign_refused(&app, &s.dr, &aid, "Document the referral").await;
    refer(&app, &s.dr, &flag).await;
    assert_signs(&app, &s.dr, &aid).await;

    // A red flag that is neither emergency nor urgent still needs acknowledging.
    let (pid, aid, _) = ready_to_sign(&app, &s, true, soft_tissue_and_exercise()).await;
    let intake = record_intake(
        &app,
        &s.desk,
        &pid,
        &json!({"red_flags": {"night_pain": true}}),
    )
    .await;
    let night = intake["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "night_pain")
        .unwrap_or_else(|| panic!("night pain raises a precaution: {intake}"))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_sign_refused(&app, &s.dr, &aid, "has not been acknowledged").await;
    acknowledge(&app, &s.dr, &night).await;
    // The form arrived after the last save: it is not yet what the review read.
    assert_sign_refused(&app, &s.dr, &aid, "is not yet part of this assessment").await;
    let version = get_assessment(&app, &s.dr, &aid).await["version"].clone();
    let (st, pinned) = app
        .post_json(
            &format!("/api/v1/assessments/{aid}/history-source"),
            Some(&s.dr),
            &json!({ "version": version }),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{pinned}");
    assert_eq!(pinned["history_review"]["basis"], "pinned", "{pinned}");
    assert_signs(&app, &s.dr, &aid).await;

    // No treatment consent.
    let (pid, aid, _) = ready_to_sign(&app, &s, false, soft_tissue_and_exercise()).await;
    assert_sign_refused(&app, &s.dr, &aid, "No treatment consent").await;
    record_consent(&app, &s.desk, &pid).await;
    assert_signs(&app, &s.dr, &aid).await;

    // No primary diagnosis, no plan.
    let pid = new_patient(&app, &s.desk).await;
    record_consent(&app, &s.desk, &pid).await;
    let (aid, v) = start(&app, &s.dr, &pid).await;
    assert_sign_refused(&app, &s.dr, &aid, "primary diagnosis").await;
    assert_sign_refused(&app, &s.dr, &aid, "treatment plan").await;
    let v = save_ok(
        &app,
        &s.dr,
        &aid,
        v,
        json!({"diagnoses": [{"code": "M54.2", "primary": true}]}),
    )
    .await;
    assert_sign_refused(&app, &s.dr, &aid, "treatment plan").await;
    save_ok(
        &app,
        &s.dr,
        &aid,
        v,
        json!({"plan": plan_with(&app, soft_tissue_and_exercise())}),
    )
    .await;
    assert_signs(&app, &s.dr, &aid).await;

    // A plan conflict: a flag raised after the plan was saved.
    let (pid, aid, _) = ready_to_sign(
        &app,
        &s,
        true,
        json!([{"technique": "hvla", "region": "lumbar"}]),
    )
    .await;
    let flag = manual_flag(
        &app,
        &s.dr,
        &pid,
        &json!({"code": "lumbar_fusion", "level": "absolute", "techniques": ["hvla"],
                "regions": ["lumbar"], "reason": "Fusion L4-S1 (operation note seen)"}),
    )
    .await;
    let rec = get_assessment(&app, &s.dr, &aid).await;
    assert_eq!(rec["conflicts"][0]["flag_code"], "lumbar_fusion", "{rec}");
    assert_sign_refused(
        &app,
        &s.dr,
        &aid,
        "absolute contraindication to HVLA thrust in the lumbar region",
    )
    .await;
    resolve(&app, &s.dr, &flag).await;
    assert_signs(&app, &s.dr, &aid).await;

    // The wrong practitioner.
    let (_, aid, _) = ready_to_sign(&app, &s, true, soft_tissue_and_exercise()).await;
    let colleague = app.create_user(Role::Practitioner).await;
    let ct = app.api_token(&colleague).await;
    let (st, _) = sign(&app, &ct, &aid, &json!({})).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    assert_eq!(get_assessment(&app, &s.dr, &aid).await["status"], "draft");
    assert_signs(&app, &s.dr, &aid).await;

    // An emergency flag, acknowledged but not referred (a plan without interventions,
    // "referred out", so that the emergency is the only blocker): referring it lets the
    // visit be signed; it stays unresolved and keeps refusing every intervention.
    let (pid, aid, _) = ready_to_sign(&app, &s, true, json!([])).await;
    let flag = manual_flag(
        &app,
        &s.dr,
        &pid,
        &json!({"code": "suspected_cauda_equina", "level": "emergency", "reason": "Saddle numbness on exam"}),
    )
    .await;
    acknowledge(&app, &s.dr, &flag).await;
    assert_sign_refused(
        &app,
        &s.dr,
        &aid,
        "Document the referral for “Saddle numbness on exam” (Emergency: refer now)",
    )
    .await;
    let (_, e) = sign(&app, &s.dr, &aid, &json!({})).await;
    assert_eq!(strings(&e["reasons"]).len(), 1, "{e}");
    refer(&app, &s.dr, &flag).await;
    assert_signs(&app, &s.dr, &aid).await;
    let still = flags_of(&app, &s.dr, &pid).await;
    assert_eq!(still[0]["status"], "acknowledged", "{still:?}");
}

/// Documents a phone referral today.
async fn refer(app: &TestApp, token: &str, flag: &str) {
    let (s, f) = app
        .post_json(
            &format!("/api/v1/flags/{flag}/refer"),
            Some(token),
            &json!({"referred_to": "Dr Patel, GP", "method": "phone",
                    "referred_on": app.clock.now().date().to_string()}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{f}");
}

// ----------------------------------------------------------------------------------
// 5. Racing saves
// ----------------------------------------------------------------------------------

async fn racing_stale_saves_lose_nothing(app: TestApp) {
    let s = staff(&app).await;
    let pid = new_patient(&app, &s.desk).await;
    let (aid, v) = start(&app, &s.dr, &pid).await;
    let saves_before = app
        .audit_actions()
        .await
        .iter()
        .filter(|a| *a == "assessment.saved")
        .count();
    assert_eq!(saves_before, 0);

    let url = app.url(&format!("/api/v1/assessments/{aid}"));
    let mut set = tokio::task::JoinSet::new();
    for i in 0..100u32 {
        let req =
            app.http.put(&url).bearer_auth(&s.dr).json(
                &json!({"version": v, "pain": {"nprs": i % 11, "notes": format!("race {i}")}}),
            );
        set.spawn(async move {
            let resp = req.send().await.expect("PUT");
            let status = resp.status();
            let body: Value = resp.json().await.unwrap_or(Value::Null);
            (i, status, body)
        });
    }
    let mut winners = Vec::new();
    let mut stale = 0;
    let mut other = Vec::new();
    while let Some(r) = set.join_next().await {
        let (i, status, body) = r.unwrap();
        match status {
            StatusCode::OK => winners.push((i, body)),
            StatusCode::CONFLICT => {
                assert_eq!(body["current_version"], v + 1, "{body}");
                stale += 1;
            }
            _ => other.push(format!("{i}: {status} {body}")),
        }
    }
    assert!(other.is_empty(), "unexpected answers: {other:?}");
    assert_eq!(winners.len(), 1, "exactly one save wins");
    assert_eq!(stale, 99);
    let (winner, body) = &winners[0];
    assert_eq!(body["version"], v + 1);
    let rec = get_assessment(&app, &s.dr, &aid).await;
    assert_eq!(rec["version"], v + 1);
    assert_eq!(rec["pain"]["notes"], format!("race {winner}"));
    assert_eq!(rec["pain"]["nprs"], winner % 11);
    let saved = app
        .audit_actions()
        .await
        .iter()
        .filter(|a| *a == "assessment.saved")
        .count();
    assert_eq!(saved, 1, "refused saves are not audited as saves");

    // Saves in sequence, each with the version the last one returned, all succeed.
    let mut version = rec["version"].as_i64().unwrap();
    let mut successes = 1;
    for i in 0..20 {
        let (st, body) = save(
            &app,
            &s.dr,
            &aid,
            version,
            json!({"pain": {"nprs": i % 11, "notes": format!("sequence {i}")}}),
        )
        .await;
        assert_eq!(st, StatusCode::OK, "{body}");
        version = body["version"].as_i64().unwrap();
        successes += 1;
    }
    let rec = get_assessment(&app, &s.dr, &aid).await;
    assert_eq!(rec["version"], 1 + successes);
    assert_eq!(rec["version"], version);
    assert_eq!(rec["pain"]["notes"], "sequence 19");
}

// ----------------------------------------------------------------------------------
// 6. The database refuses changes to signed records
// ----------------------------------------------------------------------------------

async fn the_database_refuses_to_change_signed_records(app: TestApp) {
    let s = staff(&app).await;
    let (_, aid, _) = ready_to_sign(&app, &s, true, soft_tissue_and_exercise()).await;
    assert_signs(&app, &s.dr, &aid).await;
    let (st, _) = app
        .post_json(
            &format!("/api/v1/assessments/{aid}/addenda"),
            Some(&s.dr),
            &json!({"body": "Corrected the date of the X-ray: 3 March."}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let row_before = stored_row(&app, &aid).await;
    assert_eq!(row_before.1, "signed");
    let addenda_before = stored_addenda(&app, &aid).await;
    assert_eq!(addenda_before.len(), 1);

    let statements = [
        format!("UPDATE assessments SET content = '{{}}' WHERE id = '{aid}'"),
        format!(
            "UPDATE assessments SET status = 'draft', signed_at = NULL, signed_by = NULL, content_hash = NULL WHERE id = '{aid}'"
        ),
        format!("UPDATE assessments SET version = version + 1 WHERE id = '{aid}'"),
        format!("DELETE FROM assessments WHERE id = '{aid}'"),
        format!("UPDATE addenda SET body = 'x' WHERE assessment_id = '{aid}'"),
        format!("DELETE FROM addenda WHERE assessment_id = '{aid}'"),
    ];
    for sql in statements {
        let q = sql.clone();
        let result = app.with_db(move |conn| conn.batch_execute(&q)).await;
        assert!(result.is_err(), "the database accepted: {sql}");
    }
    assert_eq!(stored_row(&app, &aid).await, row_before);
    assert_eq!(stored_addenda(&app, &aid).await, addenda_before);
    let rec = get_assessment(&app, &s.dr, &aid).await;
    assert_eq!(rec["content_hash_verified"], true);

    // A draft is not frozen: the trigger fires only on signed rows (deletes never pass).
    let pid = new_patient(&app, &s.desk).await;
    let (draft, _) = start(&app, &s.dr, &pid).await;
    let d = draft.clone();
    let result = app
        .with_db(move |conn| {
            conn.batch_execute(&format!(
                r#"UPDATE assessments SET content = '{{"pain":{{"nprs":3,"notes":null}}}}' WHERE id = '{d}'"#
            ))
        })
        .await;
    assert!(result.is_ok(), "{result:?}");
    let rec = get_assessment(&app, &s.dr, &draft).await;
    assert_eq!(rec["pain"]["nprs"], 3);
    let d = draft.clone();
    let result = app
        .with_db(move |conn| {
            conn.batch_execute(&format!("DELETE FROM assessments WHERE id = '{d}'"))
        })
        .await;
    assert!(result.is_err(), "assessments are never deleted");
    assert_eq!(stored_row(&app, &draft).await.1, "draft");

    // Someone who drops the trigger first can change the row, but the hash no longer
    // verifies.
    let drop = match app.db.backend {
        Backend::Sqlite => "DROP TRIGGER assessments_signed_never_change;",
        Backend::Postgres => "DROP TRIGGER assessments_signed_never_change ON assessments;",
    };
    let tamper = format!(
        "{drop} UPDATE assessments SET content = replace(content, 'M54.50', 'M54.59') WHERE id = '{aid}';"
    );
    app.with_db(move |conn| conn.batch_execute(&tamper).expect("tampering SQL"))
        .await;
    let rec = get_assessment(&app, &s.dr, &aid).await;
    assert_eq!(rec["diagnoses"][0]["code"], "M54.59");
    assert_eq!(rec["content_hash_verified"], false, "{rec}");
}

// ----------------------------------------------------------------------------------
// 7. Validation
// ----------------------------------------------------------------------------------

async fn bad_values_get_field_errors_and_change_nothing(app: TestApp) {
    let s = staff(&app).await;
    let pid = new_patient(&app, &s.desk).await;
    let (aid, v) = start(&app, &s.dr, &pid).await;
    let v = save_ok(&app, &s.dr, &aid, v, json!({"pain": {"nprs": 4}})).await;
    let with_version = |mut body: Value| {
        body["version"] = json!(v);
        body
    };
    let cases: Vec<(Value, &str)> = vec![
        (
            with_version(json!({"rom": [
                {"region": "cervical", "motion": "rotation_left", "degrees": 400},
            ]})),
            "rom[0].degrees",
        ),
        (
            with_version(json!({"rom": [
                {"region": "cervical", "motion": "flexion", "degrees": 40},
                {"region": "lumbar", "motion": "flexion", "degrees": 181},
            ]})),
            "rom[1].degrees",
        ),
        (
            with_version(json!({"palpation": [{"segment": "L4", "tenderness": 7}]})),
            "palpation[0].tenderness",
        ),
        (
            with_version(json!({"palpation": [{"segment": "L9"}]})),
            "palpation[0].segment",
        ),
        (
            with_version(json!({"palpation": [{"segment": "L4", "motion": "restricted"}]})),
            "palpation[0].restricted",
        ),
        (with_version(json!({"pain": {"nprs": 11}})), "pain.nprs"),
        (
            with_version(json!({"tests": [
                {"test": "slr", "side": "left", "result": "positive"},
                {"test": "apley_scratch", "result": "positive"},
            ]})),
            "tests[1].test",
        ),
        (
            with_version(json!({"diagnoses": [{"code": "X99.99", "primary": true}]})),
            "diagnoses[0].code",
        ),
        (
            with_version(json!({"diagnoses": [
                {"code": "M54.50", "primary": true},
                {"code": "M99.03", "primary": true},
            ]})),
            "diagnoses",
        ),
        (
            with_version(json!({"diagnoses": [{"code": "M54.5", "primary": true}]})),
            "diagnoses[0].code",
        ),
        (
            with_version(json!({"posture": [{"area": "head", "finding": "knees_valgum"}]})),
            "posture[0].finding",
        ),
        (
            with_version(json!({"history": [{"item": "favourite_colour", "status": "verified"}]})),
            "history[0].item",
        ),
        (
            with_version(
                json!({"neuro": {"reflexes": [{"reflex": "biceps", "side": "left", "grade": "5+"}]}}),
            ),
            "neuro.reflexes[0].grade",
        ),
        (
            with_version(
                json!({"plan": {"visits_per_week": 3, "weeks": 6, "goals": "Walk",
                "re_exam_date": in_days(&app, 0)}}),
            ),
            "plan.re_exam_date",
        ),
        (
            with_version(json!({"plan": {"visits_per_week": 9, "weeks": 6, "goals": "Walk"}})),
            "plan.visits_per_week",
        ),
        (
            with_version(
                json!({"plan": {"visits_per_week": 2, "weeks": 6, "goals": "Walk",
                "interventions": [{"technique": "chiropractic_magic", "region": "lumbar"}]}}),
            ),
            "plan.interventions[0].technique",
        ),
        (json!({"pain": {"nprs": 5}}), "version"),
        (json!({"version": "two", "pain": {"nprs": 5}}), "version"),
        (
            with_version(json!({"pain": {"nprs": 5}, "vitals": {"bp": "120/80"}})),
            "vitals",
        ),
    ];
    for (body, field) in cases {
        let (st, e) = app
            .put_json(&format!("/api/v1/assessments/{aid}"), &s.dr, &body)
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{body} → {e}");
        assert!(
            e["errors"][field].is_string(),
            "{body} → error at {field}: {e}"
        );
        let rec = get_assessment(&app, &s.dr, &aid).await;
        assert_eq!(rec["version"], v, "{body} changed the version");
        assert_eq!(rec["pain"]["nprs"], 4, "{body} changed the record");
    }
    let actions = app.audit_actions().await;
    assert_eq!(
        actions.iter().filter(|a| *a == "assessment.saved").count(),
        1,
        "refused saves are not audited as saves"
    );
    // Malformed or unknown ids are 404.
    let (st, _) = app.get_json("/api/v1/assessments/not-an-id", &s.dr).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = app
        .get_json(
            &format!("/api/v1/assessments/{}", uuid::Uuid::now_v7()),
            &s.dr,
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = save(
        &app,
        &s.dr,
        &uuid::Uuid::now_v7().to_string(),
        1,
        json!({"pain": {"nprs": 1}}),
    )
    .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = app
        .post_json(
            &format!("/api/v1/patients/{}/assessments", uuid::Uuid::now_v7()),
            Some(&s.dr),
            &json!({}),
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    // An archived patient gets no new assessment.
    let (st, a) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/archive"),
            Some(&s.desk),
            &json!({}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{a}");
    let (st, e) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/assessments"),
            Some(&s.dr),
            &json!({}),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "{e}");
}

// ----------------------------------------------------------------------------------
// 8. Who may do what
// ----------------------------------------------------------------------------------

async fn only_the_practitioner_charts_and_the_front_desk_never_reads(app: TestApp) {
    let s = staff(&app).await;
    let admin = app.create_user(Role::Admin).await;
    let at = app.api_token(&admin).await;
    let colleague = app.create_user(Role::Practitioner).await;
    let ct = app.api_token(&colleague).await;
    let (pid, aid, v) = ready_to_sign(&app, &s, true, soft_tissue_and_exercise()).await;
    let a = format!("/api/v1/assessments/{aid}");
    let pa = format!("/api/v1/patients/{pid}/assessments");
    let pain = json!({"version": v, "pain": {"nprs": 2}});

    // The front desk: no exam notes at all, but the flags banner.
    for path in [a.as_str(), pa.as_str(), "/api/v1/diagnosis-codes?q=M54"] {
        let (st, body) = app.get_json(path, &s.desk).await;
        assert_eq!(st, StatusCode::FORBIDDEN, "front desk GET {path}: {body}");
        assert!(body.get("plan").is_none() && body.get("diagnoses").is_none());
    }
    let (st, _) = app.put_json(&a, &s.desk, &pain).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    for path in [pa.clone(), format!("{a}/sign"), format!("{a}/addenda")] {
        let (st, _) = app
            .post_json(&path, Some(&s.desk), &json!({"body": "x"}))
            .await;
        assert_eq!(st, StatusCode::FORBIDDEN, "front desk POST {path}");
    }
    let (st, flags) = app
        .get_json(&format!("/api/v1/patients/{pid}/flags"), &s.desk)
        .await;
    assert_eq!(st, StatusCode::OK, "{flags}");

    // An admin reads for audit, never writes.
    let rec = get_assessment(&app, &at, &aid).await;
    assert_eq!(rec["pain"], Value::Null);
    assert_eq!(rec["diagnoses"][0]["code"], "M54.50");
    let (st, list) = app.get_json(&pa, &at).await;
    assert_eq!(st, StatusCode::OK, "{list}");
    let (st, _) = app.put_json(&a, &at, &pain).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    for path in [pa.clone(), format!("{a}/sign"), format!("{a}/addenda")] {
        let (st, _) = app.post_json(&path, Some(&at), &json!({"body": "x"})).await;
        assert_eq!(st, StatusCode::FORBIDDEN, "admin POST {path}");
    }

    // Another practitioner reads, but does not edit or sign someone else's record.
    let rec = get_assessment(&app, &ct, &aid).await;
    assert_eq!(rec["practitioner_id"], s.dr_user.id.as_str());
    let (st, _) = app.put_json(&a, &ct, &pain).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = sign(&app, &ct, &aid, &json!({})).await;
    assert_eq!(st, StatusCode::FORBIDDEN);

    // Nothing above changed the record.
    let rec = get_assessment(&app, &s.dr, &aid).await;
    assert_eq!(rec["version"], v);
    assert_eq!(rec["status"], "draft");

    // Once signed, a colleague may add an addendum, recorded under their name.
    assert_signs(&app, &s.dr, &aid).await;
    let (st, add) = app
        .post_json(
            &format!("{a}/addenda"),
            Some(&ct),
            &json!({"body": "Seen in cover: agree with the plan."}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{add}");
    assert_eq!(add["author_id"], colleague.id.as_str());

    // Without a token: 401.
    let resp = app.http.get(app.url(&a)).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
}

on_both_backends!(
    a_practitioner_charts_signs_and_amends_a_first_visit,
    the_plan_check_applies_every_flag_level,
    resolving_an_absolute_flag_lifts_it,
    an_override_keeps_its_author_across_saves,
    the_exam_raises_flags,
    a_plan_saved_with_the_exam_that_refuses_it_writes_nothing,
    signing_is_refused_while_anything_blocks_it,
    racing_stale_saves_lose_nothing,
    the_database_refuses_to_change_signed_records,
    bad_values_get_field_errors_and_change_nothing,
    only_the_practitioner_charts_and_the_front_desk_never_reads,
);
