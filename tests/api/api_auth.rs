//! The JSON API's sign-in, tokens and user administration.

use clinic::domain::Role;
use serde_json::json;

use crate::helpers::TestApp;

async fn login_returns_a_token_and_the_user(app: TestApp) {
    let admin = app.create_user(Role::Admin).await;
    let (status, body) = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"email": admin.email, "password": admin.password}),
        )
        .await;
    assert_eq!(status, 200);
    assert!(body["token"].as_str().unwrap().len() >= 40);
    assert_eq!(body["user"]["email"], admin.email);
    assert_eq!(body["user"]["role"], "admin");
    assert_eq!(body["user"]["id"], admin.id);
    assert!(body["user"].get("password_hash").is_none());

    let token = body["token"].as_str().unwrap();
    let (status, me) = app.get_json("/api/v1/me", token).await;
    assert_eq!(status, 200);
    assert_eq!(me["email"], admin.email);
}

async fn wrong_credentials_are_401_with_the_same_answer_for_unknown_emails(app: TestApp) {
    let user = app.create_user(Role::FrontDesk).await;
    let (s1, b1) = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"email": user.email, "password": "not the password at all"}),
        )
        .await;
    let (s2, b2) = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"email": "nobody@clinic.example", "password": "not the password at all"}),
        )
        .await;
    assert_eq!(s1, 401);
    assert_eq!(s2, 401);
    assert_eq!(b1, b2, "known and unknown emails get the same answer");
}

async fn logout_kills_the_token(app: TestApp) {
    let user = app.create_user(Role::Practitioner).await;
    let token = app.api_token(&user).await;
    let r = app
        .http
        .post(app.url("/api/v1/auth/logout"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let (status, body) = app.get_json("/api/v1/me", &token).await;
    assert_eq!(status, 401);
    assert!(body["error"].is_string());
}

async fn admins_create_and_list_users(app: TestApp) {
    let admin = app.create_user(Role::Admin).await;
    let token = app.api_token(&admin).await;
    let (status, body) = app
        .post_json(
            "/api/v1/users",
            Some(&token),
            &json!({"email": "New.Practitioner@Clinic.Example", "name": "Dr New", "role": "practitioner",
                    "password": "granite meadow lantern", "id": "attacker-chosen", "active": false}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["email"], "new.practitioner@clinic.example");
    assert_ne!(
        body["id"], "attacker-chosen",
        "ids are not taken from the body"
    );
    assert_eq!(body["active"], true, "mass assignment of active is ignored");

    let (status, list) = app.get_json("/api/v1/users", &token).await;
    assert_eq!(status, 200);
    let emails: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    assert!(emails.contains(&"new.practitioner@clinic.example"));

    // The new account works.
    let (status, _) = app
        .post_json("/api/v1/auth/login", None, &json!({"email": "new.practitioner@clinic.example", "password": "granite meadow lantern"}))
        .await;
    assert_eq!(status, 200);
}

async fn bad_user_input_gets_field_errors(app: TestApp) {
    let admin = app.create_user(Role::Admin).await;
    let token = app.api_token(&admin).await;
    let cases = [
        (
            json!({"email": "x@clinic.example", "name": "Ann Weak", "role": "front_desk", "password": "short"}),
            "password",
        ),
        (
            json!({"email": "ann.smith@clinic.example", "name": "Ann Smith", "role": "front_desk", "password": "annsmith-clinic-2024"}),
            "password",
        ),
        (
            json!({"email": "y@clinic.example", "name": "Common", "role": "front_desk", "password": "password1234"}),
            "password",
        ),
        (
            json!({"email": "not-an-email", "name": "Z", "role": "front_desk", "password": "granite meadow lantern"}),
            "email",
        ),
        (
            json!({"email": "z@clinic.example", "name": "", "role": "front_desk", "password": "granite meadow lantern"}),
            "name",
        ),
        (
            json!({"email": "w@clinic.example", "name": "W", "role": "superuser", "password": "granite meadow lantern"}),
            "role",
        ),
        (
            json!({"email": admin.email, "name": "Dup", "role": "admin", "password": "granite meadow lantern"}),
            "email",
        ),
    ];
    for (body, field) in cases {
        let (status, resp) = app.post_json("/api/v1/users", Some(&token), &body).await;
        assert_eq!(status, 422, "{body} → {resp}");
        assert!(resp["errors"][field].is_string(), "{body} → {resp}");
        assert!(resp["error"].is_string());
    }
    // Malformed JSON is a 400 with a JSON error, never a 500.
    let r = app
        .http
        .post(app.url("/api/v1/users"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: serde_json::Value = r.json().await.unwrap();
    assert!(v["error"].is_string());
    // Oversized bodies are refused.
    let big = "x".repeat(70 * 1024);
    let (status, _) = app
        .post_json("/api/v1/users", Some(&token), &json!({"email": big}))
        .await;
    assert_eq!(status, 413);
}

async fn stored_hash_uses_argon2id_owasp_parameters(app: TestApp) {
    let user = app.create_user(Role::FrontDesk).await;
    let uid = user.id.clone();
    let hash: String = app
        .with_db(move |conn| {
            use clinic::schema::users::dsl::*;
            use diesel::prelude::*;
            users.find(uid).select(password_hash).first(conn).unwrap()
        })
        .await;
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
}

on_both_backends!(
    login_returns_a_token_and_the_user,
    wrong_credentials_are_401_with_the_same_answer_for_unknown_emails,
    logout_kills_the_token,
    admins_create_and_list_users,
    bad_user_input_gets_field_errors,
    stored_hash_uses_argon2id_owasp_parameters,
);
