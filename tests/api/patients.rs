//! The front desk registers, finds, edits and archives patients through the API.

use clinic::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::TestApp;

fn elodie() -> Value {
    json!({
        "given_name": "Élodie", "family_name": "Dupré", "date_of_birth": "1984-06-12", "sex": "female",
        "email": "elodie@example.org", "phone": "+33 6 12 34 56 78", "city": "Lyon",
        "emergency_contact_name": "Marc Dupré", "emergency_contact_phone": "06 98 76 54 32",
        "occupation": "Violinist"
    })
}

async fn register(app: &TestApp, token: &str, body: &Value) -> (StatusCode, Value) {
    app.post_json("/api/v1/patients", Some(token), body).await
}

async fn search(app: &TestApp, token: &str, q: &str) -> Vec<String> {
    let url = format!(
        "/api/v1/patients?q={}",
        url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
    );
    let (s, body) = app.get_json(&url, token).await;
    assert_eq!(s, 200, "{body}");
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["family_name"].as_str().unwrap().to_owned())
        .collect()
}

async fn register_find_and_edit_a_patient(app: TestApp) {
    let desk = app.create_user(Role::FrontDesk).await;
    let token = app.api_token(&desk).await;
    let (s, p) = register(&app, &token, &elodie()).await;
    assert_eq!(s, 201, "{p}");
    assert_eq!(p["chart_number"], "P-000001");
    assert_eq!(p["version"], 1);
    assert_eq!(p["email"], "elodie@example.org");
    let id = p["id"].as_str().unwrap().to_owned();
    let (s, other) = register(
        &app,
        &token,
        &json!({"given_name": "Eli", "family_name": "Martin", "date_of_birth": "1990-01-01", "phone": "555-0100"}),
    )
    .await;
    assert_eq!(s, 201);
    assert_eq!(other["chart_number"], "P-000002");

    // Search: any part of the name from its start, case- and accent-insensitive.
    assert_eq!(search(&app, &token, "elodie").await, ["Dupré"]);
    assert_eq!(search(&app, &token, "ÉLO").await, ["Dupré"]);
    assert_eq!(search(&app, &token, "dupre").await, ["Dupré"]);
    assert_eq!(search(&app, &token, "el").await, ["Dupré", "Martin"]);
    assert_eq!(search(&app, &token, "el dup").await, ["Dupré"]);
    assert!(
        search(&app, &token, "lodie").await.is_empty(),
        "prefix, not substring"
    );
    assert_eq!(search(&app, &token, "1984-06-12").await, ["Dupré"]);
    assert_eq!(search(&app, &token, "P-000002").await, ["Martin"]);
    assert_eq!(search(&app, &token, "p-2").await, ["Martin"]);
    assert_eq!(search(&app, &token, "+33 6 12").await, ["Dupré"]);
    assert_eq!(search(&app, &token, "555").await, ["Martin"]);
    assert!(search(&app, &token, "").await.is_empty());

    let (s, got) = app
        .get_json(&format!("/api/v1/patients/{id}"), &token)
        .await;
    assert_eq!(s, 200);
    assert_eq!(got["given_name"], "Élodie");

    // Edit with the version read; a second edit on the same version is stale.
    let mut edit = elodie();
    edit["occupation"] = json!("Conductor");
    edit["version"] = json!(1);
    let r = app
        .http
        .put(app.url(&format!("/api/v1/patients/{id}")))
        .bearer_auth(&token)
        .json(&edit)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["version"], 2);
    assert_eq!(v["occupation"], "Conductor");
    edit["occupation"] = json!("Pilot");
    let r = app
        .http
        .put(app.url(&format!("/api/v1/patients/{id}")))
        .bearer_auth(&token)
        .json(&edit)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["current_version"], 2);
    let (_, got) = app
        .get_json(&format!("/api/v1/patients/{id}"), &token)
        .await;
    assert_eq!(
        got["occupation"], "Conductor",
        "a stale edit writes nothing"
    );

    // Unknown or malformed ids are 404.
    let (s, _) = app.get_json("/api/v1/patients/not-a-uuid", &token).await;
    assert_eq!(s, 404);
    let (s, _) = app
        .get_json(
            &format!("/api/v1/patients/{}", uuid::Uuid::now_v7()),
            &token,
        )
        .await;
    assert_eq!(s, 404);
}

async fn bad_registrations_get_field_errors_and_write_nothing(app: TestApp) {
    let desk = app.create_user(Role::FrontDesk).await;
    let token = app.api_token(&desk).await;
    let cases = [
        (
            json!({"family_name": "X", "date_of_birth": "1980-01-01"}),
            "given_name",
        ),
        (
            json!({"given_name": "X", "family_name": "Y", "date_of_birth": "2999-01-01"}),
            "date_of_birth",
        ),
        (
            json!({"given_name": "X", "family_name": "Y", "date_of_birth": "12/01/1980"}),
            "date_of_birth",
        ),
        (
            json!({"given_name": "X", "family_name": "Y", "date_of_birth": "1980-01-01", "email": "x@"}),
            "email",
        ),
        (
            json!({"given_name": "X", "family_name": "Y", "date_of_birth": "1980-01-01", "phone": "abc"}),
            "phone",
        ),
        (
            json!({"given_name": "X", "family_name": "Y", "date_of_birth": "1980-01-01", "sex": "robot"}),
            "sex",
        ),
    ];
    for (body, field) in cases {
        let (s, v) = register(&app, &token, &body).await;
        assert_eq!(s, 422, "{body}");
        assert!(v["errors"][field].is_string(), "{body} → {v}");
    }
    let (s, v) = register(&app, &token, &json!({"given_name": 5})).await;
    assert_eq!(s, 400, "wrong JSON types are a 400 with a message: {v}");
    let actions = app.audit_actions().await;
    assert!(
        !actions.iter().any(|a| a == "patient.registered"),
        "nothing was written"
    );
}

async fn duplicates_are_caught_ignoring_case_and_accents(app: TestApp) {
    let desk = app.create_user(Role::FrontDesk).await;
    let token = app.api_token(&desk).await;
    let (s, first) = register(&app, &token, &elodie()).await;
    assert_eq!(s, 201);
    let twin =
        json!({"given_name": "ELODIE", "family_name": "dupre", "date_of_birth": "1984-06-12"});
    let (s, v) = register(&app, &token, &twin).await;
    assert_eq!(s, 409, "{v}");
    assert_eq!(v["duplicates"][0]["id"], first["id"]);
    assert_eq!(v["duplicates"][0]["chart_number"], "P-000001");
    // Another birth date is another person.
    let (s, _) = register(
        &app,
        &token,
        &json!({"given_name": "Elodie", "family_name": "Dupre", "date_of_birth": "1985-06-12"}),
    )
    .await;
    assert_eq!(s, 201);
    // The front desk may register the twin anyway.
    let mut anyway = twin.clone();
    anyway["allow_duplicate"] = json!(true);
    let (s, v) = register(&app, &token, &anyway).await;
    assert_eq!(s, 201, "{v}");
}

async fn archived_patients_leave_search_but_stay_readable(app: TestApp) {
    let desk = app.create_user(Role::FrontDesk).await;
    let practitioner = app.create_user(Role::Practitioner).await;
    let token = app.api_token(&desk).await;
    let (_, p) = register(&app, &token, &elodie()).await;
    let id = p["id"].as_str().unwrap();
    let pt = app.api_token(&practitioner).await;
    let (s, _) = app
        .post_json(
            &format!("/api/v1/patients/{id}/archive"),
            Some(&pt),
            &json!({}),
        )
        .await;
    assert_eq!(s, 403, "practitioners do not archive");
    let (s, v) = app
        .post_json(
            &format!("/api/v1/patients/{id}/archive"),
            Some(&token),
            &json!({}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(v["archived"], true);
    assert!(search(&app, &token, "elodie").await.is_empty());
    let (s, _) = app
        .get_json(&format!("/api/v1/patients/{id}?"), &token)
        .await;
    assert_eq!(s, 200);
    let (s, v) = app
        .get_json("/api/v1/patients?q=elodie&include_archived=true", &token)
        .await;
    assert_eq!(s, 200);
    assert_eq!(v["items"].as_array().unwrap().len(), 1);
    let (s, v) = app
        .post_json(
            &format!("/api/v1/patients/{id}/archive"),
            Some(&token),
            &json!({"archived": false}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(v["archived"], false);
    assert_eq!(search(&app, &token, "elodie").await, ["Dupré"]);
}

async fn every_read_and_write_of_a_patient_is_audited(app: TestApp) {
    let desk = app.create_user(Role::FrontDesk).await;
    let token = app.api_token(&desk).await;
    let (_, p) = register(&app, &token, &elodie()).await;
    let id = p["id"].as_str().unwrap().to_owned();
    app.get_json(&format!("/api/v1/patients/{id}"), &token)
        .await;
    search(&app, &token, "dup").await;
    let pid = id.clone();
    let rows: Vec<(String, Option<String>, Option<String>)> = app
        .with_db(move |conn| {
            use clinic::schema::audit_events::dsl::*;
            use diesel::prelude::*;
            audit_events
                .filter(action.like("patient.%"))
                .order(seq.asc())
                .select((action, patient_id, actor_id))
                .load(conn)
                .unwrap()
        })
        .await;
    let actions: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        actions,
        ["patient.registered", "patient.viewed", "patient.searched"]
    );
    assert_eq!(rows[0].1.as_deref(), Some(pid.as_str()));
    assert_eq!(rows[1].1.as_deref(), Some(pid.as_str()));
    assert!(
        rows.iter()
            .all(|r| r.2.as_deref() == Some(desk.id.as_str()))
    );
}

on_both_backends!(
    register_find_and_edit_a_patient,
    bad_registrations_get_field_errors_and_write_nothing,
    duplicates_are_caught_ignoring_case_and_accents,
    archived_patients_leave_search_but_stay_readable,
    every_read_and_write_of_a_patient_is_audited,
);
