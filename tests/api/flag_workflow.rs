//! What a practitioner does with a flag after it is raised: refers an urgent or
//! emergency one out (signing waits for the referral, the plan keeps refusing what the
//! flag forbids until the referral's result resolves it), narrows a flag of unknown
//! region to the regions it concerns, confirms or dismisses a flag inferred from the
//! medicine list, and prints the referral letter. Each decision writes exactly one
//! audit row; the same decisions work from the pages.

use clinic::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser};
use crate::intake_answers::every_question_answered;

mod inferred;
mod letter;
mod narrowing;
mod pages;
mod referral;

// ----------------------------------------------------------------------------------
// Helpers
// ----------------------------------------------------------------------------------

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
            &json!({"given_name": "Ines", "family_name": format!("Referral{}", &suffix[..8]),
                    "date_of_birth": "1985-09-14", "phone": "555 0100 222"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    p["id"].as_str().unwrap().to_owned()
}

async fn consent(app: &TestApp, token: &str, pid: &str) {
    let (s, c) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/consents"),
            Some(token),
            &json!({"kind": "treatment", "signed_name": "Ines Referral"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
}

/// A paper intake answering every question: no, except the conditions and red-flag
/// questions named (an unanswered question counts as yes, fail safe).
fn answered(conditions_yes: &[&str], red_yes: &[&str]) -> Value {
    let conditions: serde_json::Map<String, Value> = conditions_yes
        .iter()
        .map(|c| (c.to_string(), json!("yes")))
        .collect();
    let red_flags: serde_json::Map<String, Value> = red_yes
        .iter()
        .map(|r| (r.to_string(), json!(true)))
        .collect();
    every_question_answered(&json!({"conditions": conditions, "red_flags": red_flags}))
}

/// Records a paper intake and returns the id of the flag with `code` and `level`.
async fn intake_flag(
    app: &TestApp,
    token: &str,
    pid: &str,
    body: Value,
    code: &str,
    level: &str,
) -> String {
    let (s, v) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/intakes"),
            Some(token),
            &body,
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code && f["level"] == level)
        .unwrap_or_else(|| panic!("no {level} {code} flag: {v}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn manual_flag(app: &TestApp, token: &str, pid: &str, body: Value) -> Value {
    let (s, f) = app
        .post_json(&format!("/api/v1/patients/{pid}/flags"), Some(token), &body)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{f}");
    f
}

async fn decide(
    app: &TestApp,
    token: &str,
    flag: &str,
    what: &str,
    body: Value,
) -> (StatusCode, Value) {
    app.post_json(&format!("/api/v1/flags/{flag}/{what}"), Some(token), &body)
        .await
}

fn today(app: &TestApp) -> chrono::NaiveDate {
    app.clock.now().date()
}

fn day(app: &TestApp, offset: i64) -> String {
    (today(app) + chrono::Duration::days(offset)).to_string()
}

fn gp_referral(app: &TestApp) -> Value {
    json!({"referred_to": "Dr Patel, GP", "method": "phone", "referred_on": day(app, 0),
           "note": "Seen the same afternoon; bloods and urine taken"})
}

/// Starts a draft and saves a primary diagnosis and a plan; returns (id, version).
async fn draft_with_plan(
    app: &TestApp,
    token: &str,
    pid: &str,
    interventions: Value,
) -> (String, i64) {
    let (s, a) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/assessments"),
            Some(token),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let aid = a["id"].as_str().unwrap().to_owned();
    let (s, v) = save(
        app,
        token,
        &aid,
        a["version"].as_i64().unwrap(),
        json!({
            "diagnoses": [{"code": "M54.50", "primary": true}],
            "plan": plan(interventions),
        }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    (aid, v["version"].as_i64().unwrap())
}

fn plan(interventions: Value) -> Value {
    json!({"visits_per_week": 1, "weeks": 2, "goals": "Referred out; review once the GP has seen the patient",
           "interventions": interventions})
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
        .unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn sign(app: &TestApp, token: &str, aid: &str) -> (StatusCode, Value) {
    app.post_json(
        &format!("/api/v1/assessments/{aid}/sign"),
        Some(token),
        &json!({}),
    )
    .await
}

async fn flag_of(app: &TestApp, token: &str, pid: &str, id: &str) -> Value {
    let (s, list) = app
        .get_json(&format!("/api/v1/patients/{pid}/flags"), token)
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("flag {id} listed: {list}"))
}

/// Runs `act` and checks it wrote exactly the audit rows `expected` (in order).
async fn audited<T>(
    app: &TestApp,
    expected: &[&str],
    act: impl std::future::Future<Output = T>,
) -> T {
    let before = app.audit_actions().await.len();
    let out = act.await;
    let after = app.audit_actions().await;
    assert_eq!(&after[before..], expected, "audit rows written");
    out
}

/// Posts a page form with the session's CSRF token, read beforehand so the page read
/// is not counted with the post.
async fn post_page(
    b: &crate::helpers::Browser,
    token: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut all = fields.to_vec();
    all.push(("csrf_token", token));
    b.client.post(b.url(path)).form(&all).send().await.unwrap()
}

/// Records a paper intake listing Eliquis with every box answered no; returns the ids
/// of the relative and the precaution anticoagulant flags the medicine list raised.
async fn eliquis_flags(app: &TestApp, token: &str, pid: &str) -> (String, String) {
    let body = every_question_answered(
        &json!({"medications": [{"name": "Eliquis", "dose": "5 mg twice a day"}]}),
    );
    let (s, v) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/intakes"),
            Some(token),
            &body,
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = |level: &str| {
        let f = v["flags"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == "anticoagulants" && f["level"] == level)
            .unwrap_or_else(|| panic!("no {level} anticoagulant flag from the list: {v}"));
        assert_eq!(f["basis"], "medicine_list", "{f}");
        f["id"].as_str().unwrap().to_owned()
    };
    (id("relative"), id("precaution"))
}
