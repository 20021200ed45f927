//! Carrying findings forward (issue 10, item 6): a re-examination starts from the
//! patient's signed assessment, each carried section marked with where it came from
//! until the practitioner changes it or keeps it as is; a record signed with a section
//! unchanged says so in the JSON and the printed summary; every refusal writes nothing.

use clinic::domain::Role;
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser};

struct Clinic {
    desk: String,
    dr_user: TestUser,
    dr: String,
}

async fn clinic(app: &TestApp) -> Clinic {
    let desk = app.create_user(Role::FrontDesk).await;
    let dr_user = app.create_user(Role::Practitioner).await;
    Clinic {
        desk: app.api_token(&desk).await,
        dr: app.api_token(&dr_user).await,
        dr_user,
    }
}

/// A patient with a treatment consent on file.
pub async fn patient(app: &TestApp, desk: &str, family: &str) -> String {
    let (s, p) = app
        .post_json(
            "/api/v1/patients",
            Some(desk),
            &json!({"given_name": "Nora", "family_name": family,
                    "date_of_birth": "1975-03-02", "sex": "female"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let pid = p["id"].as_str().unwrap().to_owned();
    let (s, c) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/consents"),
            Some(desk),
            &json!({"kind": "treatment", "signed_name": "Nora Carry"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    pid
}

pub async fn start(app: &TestApp, dr: &str, pid: &str, new_visit: bool) -> (String, i64) {
    let (s, a) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/assessments"),
            Some(dr),
            &json!({"new_visit": new_visit}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    (
        a["id"].as_str().unwrap().to_owned(),
        a["version"].as_i64().unwrap(),
    )
}

pub async fn save(app: &TestApp, dr: &str, aid: &str, version: i64, mut body: Value) -> Value {
    body["version"] = json!(version);
    let (s, v) = app
        .put_json(&format!("/api/v1/assessments/{aid}"), dr, &body)
        .await;
    assert_eq!(s, StatusCode::OK, "{body} → {v}");
    v
}

pub fn posture() -> Value {
    json!([{"area": "head", "finding": "head_forward", "measure": 4}])
}

pub fn rom() -> Value {
    json!([{"region": "cervical", "motion": "rotation_left", "degrees": 60},
           {"region": "lumbar", "motion": "flexion", "degrees": 40, "pain": true}])
}

pub fn palpation() -> Value {
    json!([{"segment": "L4", "tenderness": 2, "motion": "restricted", "restricted": ["flexion"]}])
}

/// Diagnosis and plan: what signing needs besides a consent.
pub fn sign_ready(app: &TestApp) -> Value {
    let re_exam = (app.clock.now().date() + chrono::Duration::days(28))
        .format("%Y-%m-%d")
        .to_string();
    json!({
        "diagnoses": [{"code": "M54.50", "primary": true}],
        "plan": {"visits_per_week": 2, "weeks": 4, "goals": "Sit through a working day",
                 "re_exam_date": re_exam,
                 "interventions": [{"technique": "soft_tissue", "region": "lumbar"}]},
    })
}

pub async fn sign(app: &TestApp, dr: &str, aid: &str) -> Value {
    let (s, v) = app
        .post_json(
            &format!("/api/v1/assessments/{aid}/sign"),
            Some(dr),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

/// A first visit charted with posture, ROM and palpation (or only `sections`) and
/// signed; returns its id and the signed record.
pub async fn signed_first_visit(
    app: &TestApp,
    dr: &str,
    pid: &str,
    sections: Value,
) -> (String, Value) {
    let (aid, v) = start(app, dr, pid, false).await;
    let mut body = sign_ready(app);
    for (k, val) in sections.as_object().unwrap() {
        body[k] = val.clone();
    }
    save(app, dr, &aid, v, body).await;
    let signed = sign(app, dr, &aid).await;
    (aid, signed)
}

fn all_three() -> Value {
    json!({"posture": posture(), "rom": rom(), "palpation": palpation()})
}

async fn carry(app: &TestApp, token: &str, aid: &str, body: &Value) -> (StatusCode, Value) {
    app.post_json(
        &format!("/api/v1/assessments/{aid}/carry-forward"),
        Some(token),
        body,
    )
    .await
}

async fn get(app: &TestApp, token: &str, aid: &str) -> Value {
    let (s, v) = app
        .get_json(&format!("/api/v1/assessments/{aid}"), token)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

/// The sections marked as carried forward, sorted.
fn marked(rec: &Value) -> Vec<String> {
    let mut out: Vec<String> = rec["carried_forward"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    out.sort();
    out
}

/// Audit rows (action, entity id, detail), oldest first.
async fn audit_rows(app: &TestApp) -> Vec<(String, Option<String>, Option<String>)> {
    app.with_db(|conn| {
        use clinic::schema::audit_events::dsl as e;
        e::audit_events
            .order(e::seq.asc())
            .select((e::action, e::entity_id, e::detail))
            .load::<(String, Option<String>, Option<String>)>(conn)
            .unwrap()
    })
    .await
}

async fn print_html(app: &TestApp, user: &TestUser, aid: &str) -> String {
    let b = app.signed_in(user).await;
    let (s, html) = b.get_html(&format!("/assessments/{aid}/print")).await;
    assert_eq!(s, StatusCode::OK);
    html
}

// ----------------------------------------------------------------------------------

async fn a_re_examination_starts_from_the_signed_assessment(app: TestApp) {
    let c = clinic(&app).await;
    let pid = patient(&app, &c.desk, "Carry").await;
    let (first, first_signed) = signed_first_visit(&app, &c.dr, &pid, all_three()).await;
    let signed_at = first_signed["signed_at"].clone();

    // The re-examination offers the signed visit's three sections.
    let (second, v) = start(&app, &c.dr, &pid, false).await;
    let rec = get(&app, &c.dr, &second).await;
    assert_eq!(rec["carry_offer"]["assessment_id"], first.as_str(), "{rec}");
    assert_eq!(
        rec["carry_offer"]["sections"],
        json!(["posture", "rom", "palpation"])
    );
    assert_eq!(rec["carried_forward"], json!({}));

    // Carry all three (from the most recent signed one: no `from`).
    let (s, rec) = carry(
        &app,
        &c.dr,
        &second,
        &json!({"sections": ["posture", "rom", "palpation"]}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{rec}");
    assert_eq!(
        rec["version"],
        v + 1,
        "a carry bumps the version like a save"
    );
    for k in ["posture", "rom", "palpation"] {
        assert_eq!(rec[k], first_signed[k], "{k} carried as signed");
        assert_eq!(rec["carried_forward"][k]["assessment_id"], first.as_str());
        assert_eq!(rec["carried_forward"][k]["signed_at"], signed_at);
    }
    assert_eq!(rec["history"], Value::Null, "the history is never carried");
    assert_eq!(rec["diagnoses"], Value::Null);
    assert_eq!(rec["plan"], Value::Null);
    assert_eq!(rec["sign_reminders"].as_array().unwrap().len(), 3, "{rec}");
    assert!(
        !rec["sign_blockers"].to_string().contains("carried forward"),
        "a reminder, not a blocker: {rec}"
    );

    // One transaction, one read of the source and one write of the draft.
    let rows = audit_rows(&app).await;
    let read = rows
        .iter()
        .filter(|(a, e, d)| {
            a == "assessment.viewed"
                && e.as_deref() == Some(first.as_str())
                && d.as_deref() == Some(&format!("carried forward into {second}"))
        })
        .count();
    assert_eq!(read, 1, "{rows:?}");
    let wrote = rows
        .iter()
        .filter(|(a, e, d)| {
            a == "assessment.saved"
                && e.as_deref() == Some(second.as_str())
                && d.as_deref() == Some("posture,rom,palpation,carried_forward")
        })
        .count();
    assert_eq!(wrote, 1, "{rows:?}");

    // Changing ROM makes it today's finding: its mark goes, the others stay.
    let rec = save(
        &app,
        &c.dr,
        &second,
        rec["version"].as_i64().unwrap(),
        json!({"rom": [{"region": "cervical", "motion": "rotation_left", "degrees": 70}]}),
    )
    .await;
    assert_eq!(marked(&rec), vec!["palpation", "posture"], "{rec}");

    // Posture is charted (carried): a second carry does not overwrite it unasked.
    let version = rec["version"].as_i64().unwrap();
    let (s, e) = carry(&app, &c.dr, &second, &json!({"sections": ["posture"]})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert!(
        e["error"].as_str().unwrap().contains("Already charted"),
        "{e}"
    );
    assert_eq!(get(&app, &c.dr, &second).await["version"], version);
    let (s, rec) = carry(
        &app,
        &c.dr,
        &second,
        &json!({"sections": ["rom"], "overwrite": true, "from": first, "version": version}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{rec}");
    assert_eq!(rec["rom"], first_signed["rom"], "replaced when asked");
    assert_eq!(marked(&rec), vec!["palpation", "posture", "rom"]);

    // "Keep as is" clears a mark without changing the findings.
    let b = app.signed_in(&c.dr_user).await;
    let ws = format!("/patients/{pid}/assessments/{second}");
    let version = rec["version"].as_i64().unwrap().to_string();
    let resp = b
        .post_form(
            &format!("/assessments/{second}/carried/rom/keep"),
            &ws,
            &[("version", version.as_str())],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let rec = get(&app, &c.dr, &second).await;
    assert_eq!(marked(&rec), vec!["palpation", "posture"]);
    assert_eq!(rec["rom"], first_signed["rom"]);
    assert!(
        audit_rows(&app)
            .await
            .iter()
            .any(|(a, e, d)| a == "assessment.saved"
                && e.as_deref() == Some(second.as_str())
                && d.as_deref() == Some("rom,kept_as_carried"))
    );

    // The draft's printed summary says what is still to be checked.
    let html = print_html(&app, &c.dr_user, &second).await;
    assert_eq!(html.matches("; not yet checked.").count(), 2, "{html}");

    // Signing is not blocked; the signed record keeps the marks under its hash.
    let rec = save(
        &app,
        &c.dr,
        &second,
        rec["version"].as_i64().unwrap(),
        sign_ready(&app),
    )
    .await;
    assert_eq!(rec["sign_blockers"], json!([]), "{rec}");
    assert_eq!(rec["sign_reminders"].as_array().unwrap().len(), 2);
    let signed = sign(&app, &c.dr, &second).await;
    assert_eq!(marked(&signed), vec!["palpation", "posture"]);
    assert_eq!(signed["content_hash_verified"], true);
    assert_eq!(signed["sign_reminders"], json!([]));
    assert_eq!(signed["carry_offer"], Value::Null);
    let date =
        chrono::NaiveDateTime::parse_from_str(signed_at.as_str().unwrap(), "%Y-%m-%dT%H:%M:%S%.f")
            .unwrap()
            .format("%-d %b %Y")
            .to_string();
    let html = print_html(&app, &c.dr_user, &second).await;
    let line = format!("Carried forward from the assessment of {date} and signed unchanged.");
    assert_eq!(
        html.matches(&line).count(),
        2,
        "posture and palpation: {html}"
    );
    let (_, ws_html) = b.get_html(&ws).await;
    assert!(ws_html.contains(&format!(
        "Carried forward from the assessment of {date}; signed unchanged."
    )));
    assert!(
        !ws_html.contains("Keep as is"),
        "a signed record offers nothing"
    );

    // A signed record never changes: carrying into it is refused.
    let (s, e) = carry(
        &app,
        &c.dr,
        &second,
        &json!({"sections": ["rom"], "overwrite": true}),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(
        get(&app, &c.dr, &second).await["version"],
        signed["version"]
    );
}

async fn refused_carries_write_nothing(app: TestApp) {
    let c = clinic(&app).await;
    let pid = patient(&app, &c.desk, "Refused").await;
    // The signed visit charted ROM only: posture has nothing to carry.
    let (first, _) = signed_first_visit(&app, &c.dr, &pid, json!({"rom": rom()})).await;
    let (draft, v) = start(&app, &c.dr, &pid, false).await;
    let (other_draft, _) = start(&app, &c.dr, &pid, true).await;
    let other_patient = patient(&app, &c.desk, "Elsewhere").await;
    let (foreign, _) = signed_first_visit(&app, &c.dr, &other_patient, all_three()).await;
    let (lonely_draft, _) = start(&app, &c.dr, &other_patient, false).await;
    let before = audit_rows(&app).await.len();

    let cases: Vec<(Value, StatusCode, &str)> = vec![
        (
            json!({"sections": ["posture"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "sections[0]",
        ),
        (
            json!({"sections": ["gait"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "sections[0]",
        ),
        (
            json!({"sections": ["rom", "history"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "sections[1]",
        ),
        (
            json!({"sections": ["plan"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "sections[0]",
        ),
        (
            json!({"sections": ["rom", "rom"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "sections[1]",
        ),
        (
            json!({"sections": []}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "sections",
        ),
        (
            json!({"sections": "rom"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "sections",
        ),
        (json!({}), StatusCode::UNPROCESSABLE_ENTITY, "sections"),
        (
            json!({"sections": ["rom"], "colour": "red"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "colour",
        ),
        (
            json!({"sections": ["rom"], "overwrite": "yes"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "overwrite",
        ),
        (
            json!({"sections": ["rom"], "from": "not-an-id"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "from",
        ),
        (
            json!({"sections": ["rom"], "from": foreign}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "from",
        ),
        (
            json!({"sections": ["rom"], "from": draft}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "from",
        ),
        (
            json!({"sections": ["rom"], "version": "one"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "version",
        ),
        (json!(["rom"]), StatusCode::UNPROCESSABLE_ENTITY, "body"),
    ];
    for (body, status, field) in cases {
        let (s, e) = carry(&app, &c.dr, &draft, &body).await;
        assert_eq!(s, status, "{body} → {e}");
        assert!(e["errors"][field].is_string(), "{body} → {e}");
    }
    // Not signed: a draft is nobody's finding yet.
    let (s, e) = carry(
        &app,
        &c.dr,
        &draft,
        &json!({"sections": ["rom"], "from": other_draft}),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert!(e["error"].as_str().unwrap().contains("not signed"), "{e}");
    // Stale version.
    let (s, e) = carry(
        &app,
        &c.dr,
        &draft,
        &json!({"sections": ["rom"], "version": v + 7}),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["current_version"], v);
    // A patient with no signed visit has nothing to start from.
    let fresh = patient(&app, &c.desk, "Fresh").await;
    let (fresh_draft, _) = start(&app, &c.dr, &fresh, false).await;
    let (s, e) = carry(&app, &c.dr, &fresh_draft, &json!({"sections": ["rom"]})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert!(
        e["error"]
            .as_str()
            .unwrap()
            .contains("no signed assessment"),
        "{e}"
    );
    // A malformed body is a field error, never ignored.
    let resp = app
        .http
        .post(app.url(&format!("/api/v1/assessments/{draft}/carry-forward")))
        .bearer_auth(&c.dr)
        .header("content-type", "application/json")
        .body("{\"sections\": [\"rom\"")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = resp.json().await.unwrap();
    assert!(e["errors"]["body"].is_string(), "{e}");

    // Only the draft's own practitioner; the admin and the front desk never.
    let colleague = app.create_user(Role::Practitioner).await;
    let colleague = app.api_token(&colleague).await;
    let admin = app.create_user(Role::Admin).await;
    let admin = app.api_token(&admin).await;
    for token in [&colleague, &admin, &c.desk] {
        let (s, e) = carry(&app, token, &draft, &json!({"sections": ["rom"]})).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    }

    // Nothing of any refusal was written, and no audit row claims a write.
    let rec = get(&app, &c.dr, &draft).await;
    assert_eq!(rec["version"], v);
    assert_eq!(rec["rom"], Value::Null);
    assert_eq!(rec["carried_forward"], json!({}));
    let after = audit_rows(&app).await;
    assert!(
        after[before..]
            .iter()
            .all(|(a, _, _)| a != "assessment.saved"),
        "{:?}",
        &after[before..]
    );
    assert!(
        after[before..]
            .iter()
            .all(|(a, e, _)| !(a == "assessment.viewed"
                && (e.as_deref() == Some(first.as_str())
                    || e.as_deref() == Some(foreign.as_str()))))
    );
    // The other patient's draft can still carry its own signed visit.
    let (s, rec) = carry(
        &app,
        &c.dr,
        &lonely_draft,
        &json!({"sections": ["palpation"]}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{rec}");
    assert_eq!(marked(&rec), vec!["palpation"]);
}

async fn the_workspace_offers_and_marks_without_the_script(app: TestApp) {
    let c = clinic(&app).await;
    let pid = patient(&app, &c.desk, "Plain").await;
    let (first, _) = signed_first_visit(
        &app,
        &c.dr,
        &pid,
        json!({"posture": posture(), "rom": rom()}),
    )
    .await;
    let (second, v) = start(&app, &c.dr, &pid, false).await;
    let b = app.signed_in(&c.dr_user).await;
    let ws = format!("/patients/{pid}/assessments/{second}");
    let (_, html) = b.get_html(&ws).await;
    assert!(html.contains("Start from the assessment of"), "{html}");
    assert!(html.contains(r#"name="posture" value="1""#));
    assert!(html.contains(r#"name="rom" value="1""#));
    assert!(
        !html.contains(r#"name="palpation" value="1""#),
        "no findings there: not offered"
    );

    let version = v.to_string();
    let resp = b
        .post_form(
            &format!("/assessments/{second}/carry-forward"),
            &ws,
            &[
                ("version", version.as_str()),
                ("from", first.as_str()),
                ("posture", "1"),
                ("overwrite", "1"),
            ],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        resp.headers()["location"].to_str().unwrap(),
        format!("/assessments/{second}?notice=carried#posture")
    );
    let (_, html) = b.get_html(&format!("{ws}?notice=carried")).await;
    assert!(html.contains("— check and change."), "{html}");
    assert!(html.contains(r#"class="carried-mark" data-carried="posture""#));
    assert!(html.contains("Posture was carried forward from the assessment of"));
    assert!(html.contains("Keep as is"));
    // The card stays for what is left (ROM).
    assert!(html.contains("Start from the assessment of"));

    // A refused carry (stale version) comes back as the workspace with the reason.
    let resp = b
        .post_form(
            &format!("/assessments/{second}/carry-forward"),
            &ws,
            &[("version", "999"), ("rom", "1")],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert!(
        resp.headers()["location"]
            .to_str()
            .unwrap()
            .contains("notice=stale")
    );
    let resp = b
        .post_form(
            &format!("/assessments/{second}/carry-forward"),
            &ws,
            &[("version", &(v + 1).to_string()), ("tests", "1")],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("Not carried forward: Choose the sections"),
        "{html}"
    );
}

on_both_backends!(
    a_re_examination_starts_from_the_signed_assessment,
    refused_carries_write_nothing,
    the_workspace_offers_and_marks_without_the_script,
);
