//! The published contract: `GET /api/v1/openapi.json` serves the OpenAPI 3.1 document
//! generated from the code, to anyone (it holds no patient data), and a real answer
//! carries the fields its schema requires.

use clinic::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::TestApp;

/// The required properties of a component schema.
fn required<'a>(doc: &'a Value, schema: &str) -> Vec<&'a str> {
    doc["components"]["schemas"][schema]["required"]
        .as_array()
        .unwrap_or_else(|| panic!("{schema} has required fields"))
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect()
}

async fn the_contract_is_served_and_answers_keep_it(app: TestApp) {
    let r = reqwest::get(app.url("/api/v1/openapi.json")).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let doc: Value = r.json().await.unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let ops: usize = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|item| item.as_object().unwrap().len())
        .sum();
    println!("OpenAPI document: {ops} operations");
    assert!(ops >= 38, "{ops}");

    // A real sign-in and a real error carry every field their schemas require.
    let admin = app.create_user(Role::Admin).await;
    let (status, body) = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"email": admin.email, "password": admin.password}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    for field in required(&doc, "LoginResponse") {
        assert!(body.get(field).is_some(), "login lacks {field}: {body}");
    }
    let (status, body) = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"email": "x@clinic.example", "password": "nope nope"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    for field in required(&doc, "ErrorBody") {
        assert!(body.get(field).is_some(), "error lacks {field}: {body}");
    }
    let codes = doc["components"]["schemas"]["ErrorCode"]["enum"]
        .as_array()
        .unwrap();
    assert!(
        codes.contains(&body["code"]),
        "{} is a documented code",
        body["code"]
    );
}

on_both_backends!(the_contract_is_served_and_answers_keep_it);
