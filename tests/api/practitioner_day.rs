//! The practitioner's Today: their own patients first (each group in time order), and
//! for an arrived patient of theirs "Start assessment", or "Continue assessment" when a
//! draft is open. The front desk's list is unchanged: time order, no assessment buttons.

use clinic::domain::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, texts};

async fn practitioners_see_their_own_patients_first(app: TestApp) {
    let desk = app.create_user(Role::FrontDesk).await;
    let me = app.create_user(Role::Practitioner).await;
    let colleague = app.create_user(Role::Practitioner).await;
    let desk_token = app.api_token(&desk).await;
    let my_token = app.api_token(&me).await;
    let today = app.clock.now().date();
    let mut booked = Vec::new();
    for (family, with, at) in [
        ("Early", &colleague, "08:00"),
        ("Arrived", &me, "09:00"),
        ("Drafted", &me, "10:00"),
    ] {
        let (s, p) = app
            .post_json(
                "/api/v1/patients",
                Some(&desk_token),
                &json!({"given_name": "Lena", "family_name": family,
                        "date_of_birth": "1975-04-02", "sex": "female"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        let pid = p["id"].as_str().unwrap().to_owned();
        let (s, a) = app
            .post_json(
                &format!("/api/v1/patients/{pid}/appointments"),
                Some(&desk_token),
                &json!({"practitioner_id": with.id, "kind": "first_visit",
                        "starts_at": format!("{today}T{at}")}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        booked.push((pid, a["id"].as_str().unwrap().to_owned()));
    }
    let desk_browser = app.signed_in(&desk).await;
    for (_, appointment) in &booked {
        let resp = desk_browser
            .post_form(
                &format!("/appointments/{appointment}/check-in"),
                "/day",
                &[],
            )
            .await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    }
    let drafted = &booked[2].0;
    let (s, d) = app
        .post_json(
            &format!("/api/v1/patients/{drafted}/assessments"),
            Some(&my_token),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let draft = d["id"].as_str().unwrap();

    let (_, html) = app.signed_in(&me).await.get_html("/day").await;
    let order: Vec<String> = texts(&html, "table.day tbody tr td:nth-child(2) a");
    assert_eq!(
        order,
        vec!["Arrived, Lena", "Drafted, Lena", "Early, Lena"],
        "own patients first, in time order"
    );
    assert_eq!(
        texts(&html, "button.primary")
            .iter()
            .filter(|t| *t == "Start assessment")
            .count(),
        1
    );
    assert!(
        html.contains(&format!("href=\"/patients/{drafted}/assessments/{draft}\"")),
        "Continue assessment opens the draft"
    );
    assert!(html.contains("Continue assessment"));

    let (_, html) = desk_browser.get_html("/day").await;
    let order: Vec<String> = texts(&html, "table.day tbody tr td:nth-child(2) a");
    assert_eq!(order, vec!["Early, Lena", "Arrived, Lena", "Drafted, Lena"]);
    assert!(!html.contains("Start assessment") && !html.contains("Continue assessment"));
}

on_both_backends!(practitioners_see_their_own_patients_first);
