//! A refused read or write of patient data leaves exactly one `access.denied` audit row
//! (by the route's roles, or by the record check of a service) and changes nothing else;
//! reopening a form link that shows saved answers writes `intake.viewed`.

use clinic::domain::Role;
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::json;

use crate::audit::verify_cli;
use crate::helpers::{TestApp, csrf_in};

/// One audit row, as the assertions read it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    action: String,
    outcome: String,
    actor_id: Option<String>,
    actor_role: Option<String>,
    entity: String,
    entity_id: Option<String>,
    patient_id: Option<String>,
    detail: Option<String>,
}

type RowTuple = (
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

async fn audit_rows(app: &TestApp) -> Vec<Row> {
    use clinic::schema::audit_events::dsl::*;
    let rows: Vec<RowTuple> = app
        .with_db(|conn| {
            audit_events
                .order(seq.asc())
                .select((
                    action, outcome, actor_id, actor_role, entity, entity_id, patient_id, detail,
                ))
                .load(conn)
                .unwrap()
        })
        .await;
    rows.into_iter()
        .map(|r| Row {
            action: r.0,
            outcome: r.1,
            actor_id: r.2,
            actor_role: r.3,
            entity: r.4,
            entity_id: r.5,
            patient_id: r.6,
            detail: r.7,
        })
        .collect()
}

/// Everything a refused request could have changed: the assessments (all columns that
/// move), the flags and the whole audit trail.
async fn records(app: &TestApp) -> (Vec<(String, i32, String, String)>, usize, Vec<Row>) {
    let assessments = app
        .with_db(|conn| {
            use clinic::schema::assessments::dsl::*;
            assessments
                .order(id.asc())
                .select((id, version, status, content))
                .load(conn)
                .unwrap()
        })
        .await;
    let flags: i64 = app
        .with_db(|conn| {
            use clinic::schema::flags::dsl::*;
            flags.count().get_result(conn).unwrap()
        })
        .await;
    (assessments, flags as usize, audit_rows(app).await)
}

/// Runs `refused`, expects a 403, and returns the one row it added; nothing else may
/// have changed.
async fn one_denied_row<F: std::future::Future<Output = StatusCode>>(
    app: &TestApp,
    what: &str,
    refused: F,
) -> Row {
    let (assessments, flags, audit) = records(app).await;
    assert_eq!(refused.await, StatusCode::FORBIDDEN, "{what}");
    let (assessments_after, flags_after, audit_after) = records(app).await;
    assert_eq!(
        assessments_after, assessments,
        "{what} changed an assessment"
    );
    assert_eq!(flags_after, flags, "{what} changed the flags");
    assert_eq!(
        audit_after.len(),
        audit.len() + 1,
        "{what}: exactly one audit row: {:?}",
        &audit_after[audit.len()..]
    );
    assert_eq!(audit_after[..audit.len()], audit[..]);
    let row = audit_after[audit.len()].clone();
    assert_eq!(row.action, "access.denied", "{what}: {row:?}");
    assert_eq!(row.outcome, "denied", "{what}: {row:?}");
    assert_eq!(row.entity, "route", "{what}: {row:?}");
    row
}

async fn new_patient(app: &TestApp, token: &str) -> String {
    let (s, p) = app
        .post_json(
            "/api/v1/patients",
            Some(token),
            &json!({"given_name": "Dora", "family_name": "Denied", "date_of_birth": "1975-02-03", "sex": "female"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    p["id"].as_str().unwrap().to_owned()
}

async fn refused_requests_leave_one_denied_row_each(app: TestApp) {
    let desk_user = app.create_user(Role::FrontDesk).await;
    let dr_user = app.create_user(Role::Practitioner).await;
    let colleague_user = app.create_user(Role::Practitioner).await;
    let desk = app.api_token(&desk_user).await;
    let dr = app.api_token(&dr_user).await;
    let colleague = app.api_token(&colleague_user).await;
    let pid = new_patient(&app, &desk).await;
    let (s, a) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/assessments"),
            Some(&dr),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let aid = a["id"].as_str().unwrap().to_owned();
    let version = a["version"].as_i64().unwrap();

    // The route's roles: the front desk never reads exam notes (API, with the patient
    // in the path).
    let row = one_denied_row(&app, "front desk lists assessments", async {
        app.get_json(&format!("/api/v1/patients/{pid}/assessments"), &desk)
            .await
            .0
    })
    .await;
    assert_eq!(row.actor_id.as_deref(), Some(desk_user.id.as_str()));
    assert_eq!(row.actor_role.as_deref(), Some("front_desk"));
    assert_eq!(
        row.entity_id.as_deref(),
        Some("GET /api/v1/patients/{id}/assessments")
    );
    assert_eq!(row.patient_id.as_deref(), Some(pid.as_str()));
    assert_eq!(row.detail.as_deref(), Some("role"));

    // The same in the browser: the workspace, which names the patient and the record.
    let b = app.signed_in(&desk_user).await;
    let workspace = format!("/patients/{pid}/assessments/{aid}");
    let row = one_denied_row(&app, "front desk opens the workspace", async {
        b.get(&workspace).await.status()
    })
    .await;
    assert_eq!(
        row.entity_id.as_deref(),
        Some("GET /patients/{id}/assessments/{aid}")
    );
    assert_eq!(row.patient_id.as_deref(), Some(pid.as_str()));
    assert_eq!(
        row.detail.as_deref(),
        Some(format!("role; assessment {aid}").as_str())
    );

    // The record check: another practitioner may read the record but not save or sign
    // it. The path names the assessment only; the row is under its patient.
    let row = one_denied_row(&app, "a colleague saves", async {
        app.put_json(
            &format!("/api/v1/assessments/{aid}"),
            &colleague,
            &json!({"version": version, "pain": {"nprs": 3}}),
        )
        .await
        .0
    })
    .await;
    assert_eq!(row.actor_id.as_deref(), Some(colleague_user.id.as_str()));
    assert_eq!(row.actor_role.as_deref(), Some("practitioner"));
    assert_eq!(
        row.entity_id.as_deref(),
        Some("PUT /api/v1/assessments/{id}")
    );
    assert_eq!(
        row.patient_id.as_deref(),
        Some(pid.as_str()),
        "found under the patient the assessment belongs to"
    );
    assert_eq!(
        row.detail.as_deref(),
        Some(format!("record; assessment {aid}").as_str())
    );
    let row = one_denied_row(&app, "a colleague signs", async {
        app.post_json(
            &format!("/api/v1/assessments/{aid}/sign"),
            Some(&colleague),
            &json!({}),
        )
        .await
        .0
    })
    .await;
    assert_eq!(
        row.entity_id.as_deref(),
        Some("POST /api/v1/assessments/{id}/sign")
    );
    assert_eq!(
        row.detail.as_deref(),
        Some(format!("record; assessment {aid}").as_str())
    );

    // A CSRF refusal is not an access decision and writes nothing; nor does a refused
    // page that another site made the browser open (a link there): otherwise any web
    // page could write refusals in our staff's names.
    let before = audit_rows(&app).await.len();
    let r = b
        .client
        .get(b.url(&workspace))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(audit_rows(&app).await.len(), before, "cross-site GET");
    let r = b
        .client
        .post(b.url(&format!("/patients/{pid}/archive")))
        .form(&[("csrf_token", "not the token")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(audit_rows(&app).await.len(), before, "CSRF refusal");

    let (code, out) = verify_cli(&app.db.url);
    assert_eq!(code, 0, "the chain holds the denied rows: {out}");
}

/// The `/intake/<token>` link of a paper entry, started by the front desk.
async fn paper_entry_link(b: &crate::helpers::Browser, pid: &str) -> String {
    let r = b
        .post_form(
            &format!("/patients/{pid}/paper-intake"),
            &format!("/patients/{pid}"),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    location.split('?').next().unwrap().to_owned()
}

async fn reopening_a_form_with_saved_answers_is_audited(app: TestApp) {
    let desk_user = app.create_user(Role::FrontDesk).await;
    let desk = app.api_token(&desk_user).await;
    let pid = new_patient(&app, &desk).await;
    let b = app.signed_in(&desk_user).await;
    let link = paper_entry_link(&b, &pid).await;
    let viewed = |rows: &[Row]| {
        rows.iter()
            .filter(|r| r.action == "intake.viewed")
            .cloned()
            .collect::<Vec<_>>()
    };

    // Nothing saved yet: opening shows an empty form, no `intake.viewed`.
    let (s, html) = b.get_html(&format!("{link}?step=2")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(viewed(&audit_rows(&app).await).is_empty());

    // Save step 2: the POST reads the draft to merge into, shows nothing, and writes
    // only its `intake.draft_saved`.
    let before = audit_rows(&app).await.len();
    let r = b
        .client
        .post(b.url(&format!("{link}?step=2")))
        .form(&[
            ("csrf_token", csrf_in(&html).unwrap().as_str()),
            ("version", "0"),
            ("go", "later"),
            ("chief_complaint", "Stiff neck since Tuesday"),
            ("pain_now", "3"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let after = audit_rows(&app).await;
    let added: Vec<&str> = after[before..].iter().map(|r| r.action.as_str()).collect();
    assert_eq!(added, ["intake.draft_saved"]);
    let intake_id = after[before].entity_id.clone();

    // Reopening the link shows the saved answers: one `intake.viewed`.
    let (s, html) = b.get_html(&format!("{link}?step=2")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("Stiff neck since Tuesday"),
        "the saved answer is shown"
    );
    let rows = viewed(&audit_rows(&app).await);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].outcome, "success");
    assert_eq!(rows[0].entity, "intake");
    assert_eq!(rows[0].entity_id, intake_id);
    assert_eq!(rows[0].patient_id.as_deref(), Some(pid.as_str()));
    assert_eq!(rows[0].detail.as_deref(), Some("paper entry"));
    assert_eq!(
        rows[0].actor_id.as_deref(),
        Some(desk_user.id.as_str()),
        "the desk typing a paper form acts as itself"
    );

    // A signed-out browser holding the paper-entry link is refused and reads nothing:
    // no second row.
    let stranger = app.browser();
    let (s, _) = stranger.get_html(&link).await;
    assert_eq!(s, StatusCode::CONFLICT);
    let rows = viewed(&audit_rows(&app).await);
    assert_eq!(rows.len(), 1, "{rows:?}");
}

on_both_backends!(
    refused_requests_leave_one_denied_row_each,
    reopening_a_form_with_saved_answers_is_audited
);
