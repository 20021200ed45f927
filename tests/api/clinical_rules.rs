//! The safety engine reads everything the clinic records, through the public API: a
//! patient who denied everything on the form but has reduced saddle sensation on exam
//! cannot be treated; a listed medicine or operation raises its condition though the box
//! says no; an unanswered question counts; corrections and diagnoses raise flags; a
//! resolved flag stays resolved for the same evidence, and the split artery questions
//! decide the level by combination.

use clinic::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::intake_answers::every_question_answered;

struct Staff {
    desk: String,
    dr: String,
}

async fn staff(app: &TestApp) -> Staff {
    let desk = app.create_user(Role::FrontDesk).await;
    let dr = app.create_user(Role::Practitioner).await;
    Staff {
        desk: app.api_token(&desk).await,
        dr: app.api_token(&dr).await,
    }
}

async fn new_patient(app: &TestApp, token: &str, born: &str) -> String {
    let suffix = uuid::Uuid::new_v4().simple().to_string();
    let (s, p) = app
        .post_json(
            "/api/v1/patients",
            Some(token),
            &json!({"given_name": "Rita", "family_name": format!("Rules{}", &suffix[..8]),
                    "date_of_birth": born}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    p["id"].as_str().unwrap().to_owned()
}

/// Posts a paper history as given (questions left out stay unanswered).
async fn post_intake(app: &TestApp, token: &str, pid: &str, body: &Value) -> Value {
    let (s, v) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/intakes"),
            Some(token),
            body,
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v
}

async fn flags(app: &TestApp, token: &str, pid: &str) -> Vec<Value> {
    let (s, list) = app
        .get_json(&format!("/api/v1/patients/{pid}/flags"), token)
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    list["items"].as_array().unwrap().clone()
}

/// (code, level, basis) of each flag, sorted.
fn summary(flags: &[Value]) -> Vec<(String, String, String)> {
    let mut v: Vec<(String, String, String)> = flags
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["level"].as_str().unwrap().to_owned(),
                f["basis"].as_str().unwrap_or("?").to_owned(),
            )
        })
        .collect();
    v.sort();
    v
}

/// The (code, level, basis) triples a case expects.
type Expected = Vec<(&'static str, &'static str, &'static str)>;

fn triples(items: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    let mut v: Vec<(String, String, String)> = items
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    v.sort();
    v
}

async fn start(app: &TestApp, token: &str, pid: &str) -> (String, i64) {
    let (s, a) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/assessments"),
            Some(token),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    (
        a["id"].as_str().unwrap().to_owned(),
        a["version"].as_i64().unwrap(),
    )
}

async fn save(
    app: &TestApp,
    token: &str,
    aid: &str,
    version: i64,
    sections: Value,
) -> (StatusCode, Value) {
    let mut body = sections;
    body["version"] = json!(version);
    let resp = app
        .http
        .put(app.url(&format!("/api/v1/assessments/{aid}")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("PUT");
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn resolve(app: &TestApp, token: &str, flag: &Value) {
    let id = flag["id"].as_str().unwrap();
    let (s, f) = app
        .post_json(
            &format!("/api/v1/flags/{id}/resolve"),
            Some(token),
            &json!({"reason": "Asked the patient in person; it no longer applies today"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{f}");
}

fn plan(app: &TestApp, interventions: Value) -> Value {
    json!({
        "visits_per_week": 2,
        "weeks": 4,
        "goals": "Walk the dog for 30 minutes without leg symptoms",
        "re_exam_date": (app.clock.now().date() + chrono::Duration::days(28)).format("%Y-%m-%d").to_string(),
        "interventions": interventions,
        "home_care": [],
    })
}

/// The journey the review found: the form says no to everything, the exam finds
/// reduced saddle sensation, and the exam alone raises the cauda equina emergency, so
/// nothing may be planned.
async fn an_exam_finds_cauda_equina_the_form_denied(app: TestApp) {
    let s = staff(&app).await;
    let pid = new_patient(&app, &s.desk, "1972-04-09").await;
    let v = post_intake(
        &app,
        &s.desk,
        &pid,
        &every_question_answered(&json!({
            "chief_complaint": "Low back pain and both legs heavy",
            "pain_now": 6, "pain_worst": 8,
        })),
    )
    .await;
    assert!(v["flags"].as_array().unwrap().is_empty(), "{v}");
    let (aid, version) = start(&app, &s.dr, &pid).await;
    let (st, rec) = save(
        &app,
        &s.dr,
        &aid,
        version,
        json!({"neuro": {
            "sensation": [
                {"dermatome": "S3-5", "side": "left", "grade": "1"},
                {"dermatome": "S3-5", "side": "right", "grade": "2"},
            ],
        }}),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{rec}");
    let all = flags(&app, &s.dr, &pid).await;
    let ce: Vec<&Value> = all
        .iter()
        .filter(|f| f["code"] == "cauda_equina_signs")
        .collect();
    assert_eq!(ce.len(), 1, "{all:?}");
    assert_eq!(ce[0]["level"], "emergency");
    assert_eq!(ce[0]["origin"], "assessment");
    assert_eq!(ce[0]["basis"], "exam_finding");
    assert!(
        ce[0]["evidence"].as_str().unwrap().contains("S3–5"),
        "{}",
        ce[0]
    );
    // Nothing may be planned, not even exercise.
    for technique in ["exercise", "soft_tissue", "hvla"] {
        let (st, refusal) = save(
            &app,
            &s.dr,
            &aid,
            rec["version"].as_i64().unwrap(),
            json!({"plan": plan(&app, json!([{"technique": technique, "region": "lumbar"}]))}),
        )
        .await;
        assert_eq!(
            st,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{technique}: {refusal}"
        );
        assert!(
            refusal["errors"]["plan.interventions[0]"].is_string(),
            "{refusal}"
        );
    }
}

/// Every list reaches the rules through the API, though the boxes all say no.
async fn medicines_operations_and_free_text_raise_their_conditions(app: TestApp) {
    let s = staff(&app).await;
    type Case = (
        &'static str,
        Value,
        Vec<(&'static str, &'static str, &'static str)>,
    );
    let cases: Vec<Case> = vec![
        (
            "Eliquis, blood thinners answered no",
            json!({"medications": [{"name": "Eliquis", "dose": "5 mg twice a day"}]}),
            vec![
                ("anticoagulants", "relative", "medicine_list"),
                ("anticoagulants", "precaution", "medicine_list"),
            ],
        ),
        (
            "clopidogrel",
            json!({"medications": [{"name": "Clopidogrel 75mg"}]}),
            vec![
                ("anticoagulants", "relative", "medicine_list"),
                ("anticoagulants", "precaution", "medicine_list"),
            ],
        ),
        (
            "prednisone",
            json!({"medications": [{"name": "prednisone", "dose": "10 mg"}]}),
            vec![
                ("long_term_steroids", "absolute", "medicine_list"),
                ("long_term_steroids", "relative", "medicine_list"),
                ("long_term_steroids", "precaution", "medicine_list"),
            ],
        ),
        (
            "alendronate",
            json!({"medications": [{"name": "Alendronate 70 mg weekly"}]}),
            vec![
                ("osteoporosis", "absolute", "medicine_list"),
                ("osteoporosis", "relative", "medicine_list"),
            ],
        ),
        (
            "an L4–L5 fusion",
            json!({"surgeries": [{"procedure": "L4–L5 fusion", "year": 2019}]}),
            vec![("spinal_surgery", "absolute", "operations_list")],
        ),
        (
            "osteopenia in other conditions",
            json!({"other_conditions": "Osteopenia on my last bone scan"}),
            vec![
                ("osteoporosis", "absolute", "free_text"),
                ("osteoporosis", "relative", "free_text"),
            ],
        ),
        (
            "paracetamol and an appendectomy raise nothing",
            json!({"medications": [{"name": "Paracetamol"}], "surgeries": [{"procedure": "Appendectomy"}],
                   "other_conditions": "No history of cancer"}),
            vec![],
        ),
    ];
    for (case, body, want) in cases {
        let pid = new_patient(&app, &s.desk, "1961-02-03").await;
        post_intake(&app, &s.desk, &pid, &every_question_answered(&body)).await;
        let got = flags(&app, &s.dr, &pid).await;
        assert_eq!(summary(&got), triples(&want), "{case}");
        if case == "an L4–L5 fusion" {
            assert_eq!(got[0]["regions"], json!(["lumbar"]), "{case}");
            assert_eq!(got[0]["region_unknown"], false, "{case}");
            assert!(
                got[0]["evidence"]
                    .as_str()
                    .unwrap()
                    .contains("L4–L5 fusion")
            );
        }
        if case.starts_with("Eliquis") {
            assert_eq!(
                got[0]["evidence"],
                "Medicine list: Eliquis (apixaban, direct oral anticoagulant)"
            );
        }
    }
}

/// Part A's fail-safe principle on the staff channel: a question left out of a paper
/// form counts as "not sure", and the flag says it was not answered.
async fn unanswered_questions_raise_not_answered_flags(app: TestApp) {
    let s = staff(&app).await;
    let pid = new_patient(&app, &s.desk, "1980-01-01").await;
    let mut body = every_question_answered(&json!({"chief_complaint": "Neck pain"}));
    body["conditions"]
        .as_object_mut()
        .unwrap()
        .remove("osteoporosis");
    body["red_flags"]
        .as_object_mut()
        .unwrap()
        .remove("saddle_numbness");
    // Without "partial" the API wants every answer, as the patient's form does.
    let (status, refused) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/intakes"),
            Some(&s.desk),
            &body,
        )
        .await;
    assert_eq!(status, 422, "{refused}");
    assert!(
        refused["errors"]["conditions.osteoporosis"].is_string(),
        "{refused}"
    );
    assert!(
        refused["errors"]["red_flags.saddle_numbness"].is_string(),
        "{refused}"
    );
    // A paper form with blanks, entered as such: each blank is a "not answered" flag.
    body["partial"] = json!(true);
    let v = post_intake(&app, &s.desk, &pid, &body).await;
    assert_eq!(v["status"], "submitted");
    let got = flags(&app, &s.dr, &pid).await;
    assert_eq!(
        summary(&got),
        triples(&[
            ("osteoporosis", "absolute", "not_answered"),
            ("osteoporosis", "relative", "not_answered"),
            ("saddle_numbness", "emergency", "not_answered"),
        ])
    );
    for f in &got {
        assert!(
            f["evidence"].as_str().unwrap().starts_with("Not answered"),
            "{f}"
        );
    }
}

/// A resolved contraindication is not raised again by a newer form with the same
/// answer, but is by new evidence; an emergency reported on a newer form is.
async fn resolved_flags_stay_resolved_for_the_same_evidence(app: TestApp) {
    let s = staff(&app).await;
    let pid = new_patient(&app, &s.desk, "1958-06-30").await;
    let first = every_question_answered(&json!({
        "conditions": {"osteoporosis": "yes"},
        "red_flags": {"saddle_numbness": true},
    }));
    post_intake(&app, &s.desk, &pid, &first).await;
    let before = flags(&app, &s.dr, &pid).await;
    assert_eq!(before.len(), 3, "{before:?}");
    for f in &before {
        resolve(&app, &s.dr, f).await;
    }
    post_intake(&app, &s.desk, &pid, &first).await;
    let open: Vec<Value> = flags(&app, &s.dr, &pid)
        .await
        .into_iter()
        .filter(|f| f["status"] != "resolved")
        .collect();
    assert_eq!(
        summary(&open),
        triples(&[("saddle_numbness", "emergency", "form_answer")]),
        "the emergency reported again comes back; osteoporosis does not"
    );
    // New evidence for osteoporosis: a medicine.
    let third = every_question_answered(&json!({
        "conditions": {"osteoporosis": "yes"},
        "medications": [{"name": "Fosamax"}],
    }));
    post_intake(&app, &s.desk, &pid, &third).await;
    let osteo: Vec<Value> = flags(&app, &s.dr, &pid)
        .await
        .into_iter()
        .filter(|f| f["status"] != "resolved" && f["code"] == "osteoporosis")
        .collect();
    assert_eq!(osteo.len(), 2, "{osteo:?}");
}

/// The practitioner's corrections and diagnoses reach the rules, once per finding.
async fn corrections_and_diagnoses_raise_flags_once(app: TestApp) {
    let s = staff(&app).await;
    let pid = new_patient(&app, &s.desk, "1949-11-11").await;
    post_intake(&app, &s.desk, &pid, &every_question_answered(&json!({}))).await;
    let (aid, v) = start(&app, &s.dr, &pid).await;
    let (st, rec) = save(&app, &s.dr, &aid, v, json!({"history": [
        {"item": "conditions.osteoporosis", "status": "corrected", "correction": "Yes, DEXA 2024 T-score -2.8"},
        {"item": "medications", "status": "corrected", "correction": "Also takes Xarelto 20 mg"},
    ]}))
    .await;
    assert_eq!(st, StatusCode::OK, "{rec}");
    let got = flags(&app, &s.dr, &pid).await;
    assert_eq!(
        summary(&got),
        triples(&[
            ("anticoagulants", "precaution", "history_correction"),
            ("anticoagulants", "relative", "history_correction"),
            ("osteoporosis", "absolute", "history_correction"),
            ("osteoporosis", "relative", "history_correction"),
        ])
    );
    assert!(got.iter().all(|f| f["origin"] == "assessment"));
    // The diagnosis says the same thing: no second copy on the banner.
    let (st, rec) = save(
        &app,
        &s.dr,
        &aid,
        rec["version"].as_i64().unwrap(),
        json!({"diagnoses": [{"code": "M81.0", "primary": true}, {"code": "S32.009A"}]}),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{rec}");
    let got = flags(&app, &s.dr, &pid).await;
    let osteo = got.iter().filter(|f| f["code"] == "osteoporosis").count();
    assert_eq!(osteo, 2, "one flag per code and level: {got:?}");
    let fracture: Vec<&Value> = got
        .iter()
        .filter(|f| f["code"] == "recent_fracture")
        .collect();
    assert_eq!(fracture.len(), 1, "{got:?}");
    assert_eq!(fracture[0]["basis"], "diagnosis");
    assert_eq!(fracture[0]["regions"], json!(["lumbar"]));
}

/// Dizziness alone no longer blocks everything; with a second sign it is an emergency.
async fn the_artery_signs_decide_the_level_by_combination(app: TestApp) {
    let s = staff(&app).await;
    let cases: Vec<(Value, Expected)> = vec![
        (
            json!({"neck_dizziness": true}),
            vec![("neck_dizziness", "relative", "form_answer")],
        ),
        (
            json!({"neck_dizziness": true, "nausea": true}),
            vec![
                ("cervical_artery_signs", "absolute", "form_answer"),
                ("cervical_artery_signs", "emergency", "form_answer"),
            ],
        ),
        (
            json!({"double_vision": true}),
            vec![
                ("cervical_artery_signs", "absolute", "form_answer"),
                ("cervical_artery_signs", "emergency", "form_answer"),
            ],
        ),
        (
            json!({"injects_drugs": true}),
            vec![("injects_drugs", "urgent", "form_answer")],
        ),
        (
            json!({"recent_trauma": true, "dangerous_mechanism": true}),
            vec![("recent_trauma", "urgent", "form_answer")],
        ),
    ];
    for (red, want) in cases {
        let pid = new_patient(&app, &s.desk, "1990-01-01").await;
        post_intake(
            &app,
            &s.desk,
            &pid,
            &every_question_answered(&json!({"red_flags": red.clone()})),
        )
        .await;
        let got = flags(&app, &s.dr, &pid).await;
        assert_eq!(summary(&got), triples(&want), "{red}");
    }
}

/// An override of a relative contraindication is the record of a decision: "x" is not.
async fn an_override_reason_is_a_sentence(app: TestApp) {
    let s = staff(&app).await;
    let pid = new_patient(&app, &s.desk, "1970-01-01").await;
    post_intake(
        &app,
        &s.desk,
        &pid,
        &every_question_answered(&json!({"conditions": {"anticoagulants": "yes"}})),
    )
    .await;
    let (aid, v) = start(&app, &s.dr, &pid).await;
    for reason in ["x", "ok", "....", "INR fine"] {
        let (st, r) = save(
            &app,
            &s.dr,
            &aid,
            v,
            json!({"plan": plan(&app, json!([
            {"technique": "hvla", "region": "thoracic", "override_reason": reason}]))}),
        )
        .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{reason}: {r}");
        assert!(
            r["errors"]["plan.interventions[0].override_reason"]
                .as_str()
                .unwrap()
                .contains("sentence"),
            "{r}"
        );
    }
    let (st, r) = save(&app, &s.dr, &aid, v, json!({"plan": plan(&app, json!([
        {"technique": "hvla", "region": "thoracic", "override_reason": "INR 2.3 last week, stable; low-force setup"}]))})).await;
    assert_eq!(st, StatusCode::OK, "{r}");
}

on_both_backends!(
    an_override_reason_is_a_sentence,
    an_exam_finds_cauda_equina_the_form_denied,
    medicines_operations_and_free_text_raise_their_conditions,
    unanswered_questions_raise_not_answered_flags,
    resolved_flags_stay_resolved_for_the_same_evidence,
    corrections_and_diagnoses_raise_flags_once,
    the_artery_signs_decide_the_level_by_combination,
);
