//! The printable referral letter.

use clinic::domain::Role;
use reqwest::StatusCode;
use serde_json::json;

use super::*;
use crate::helpers::{TestApp, texts};

async fn the_referral_letter_shows_the_patient_the_flag_and_the_referral(app: TestApp) {
    let s = staff(&app).await;
    let pid = new_patient(&app, &s.desk).await;
    let cauda = intake_flag(
        &app,
        &s.desk,
        &pid,
        answered(&[], &["bladder_bowel_change"]),
        "bladder_bowel_change",
        "emergency",
    )
    .await;
    let (aid, v) = draft_with_plan(&app, &s.dr, &pid, json!([])).await;
    let (st, e) = save(
        &app,
        &s.dr,
        &aid,
        v,
        json!({"tests": [{"test": "slr", "side": "left", "result": "positive", "value": 35.0}]}),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{e}");
    let (st, _) = decide(&app, &s.dr, &cauda, "refer", json!({"referred_to": "St Mary's emergency department", "method": "emergency_department", "referred_on": day(&app, 0), "note": "Driven there by her husband"})).await;
    assert_eq!(st, StatusCode::OK);

    let dr = app.signed_in(&s.dr_user).await;
    let path = format!("/patients/{pid}/referral-letter");
    let (st, html) = audited(&app, &["referral_letter.printed"], dr.get_html(&path)).await;
    assert_eq!(st, StatusCode::OK);
    let name = texts(&html, ".patient-name");
    assert!(name[0].starts_with("Ines Referral"), "{name:?}");
    for needle in [
        "Test Clinic",
        "possible cauda equina",
        "emergency department",
        "Driven there by her husband",
        "trouble passing or controlling urine",
        "Straight-leg raise (left): positive at 35",
        &s.dr_user.name,
        "555 0100 222",
        "/static/print.js",
    ] {
        assert!(html.contains(needle), "the letter shows {needle:?}");
    }
    assert!(!html.contains("<script>"), "no inline script");

    let desk = app.create_user(Role::FrontDesk).await;
    let b = app.signed_in(&desk).await;
    // The refusal itself is audited, and nothing else is.
    let (st, html) = audited(&app, &["access.denied"], b.get_html(&path)).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    assert!(
        !html.contains("Referral"),
        "nothing of the letter in the refusal"
    );
    let admin = app.create_user(Role::Admin).await;
    let (st, _) = app.signed_in(&admin).await.get_html(&path).await;
    assert_eq!(st, StatusCode::OK, "an admin reads it for audit");
}

on_both_backends!(the_referral_letter_shows_the_patient_the_flag_and_the_referral,);
