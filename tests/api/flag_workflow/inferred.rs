//! Confirming or dismissing a flag inferred from the medicine list.

use reqwest::StatusCode;
use serde_json::json;

use super::*;
use crate::helpers::TestApp;

async fn inferred_flags_are_confirmed_or_dismissed(app: TestApp) {
    let s = staff(&app).await;
    let pid = new_patient(&app, &s.desk).await;
    let answered = intake_flag(
        &app,
        &s.desk,
        &pid,
        answered(&["stroke_or_tia"], &[]),
        "stroke_or_tia",
        "relative",
    )
    .await;
    for (what, body) in [
        ("confirm", json!({})),
        (
            "dismiss",
            json!({"reason": "The patient told me this in person today"}),
        ),
    ] {
        let (st, e) = audited(&app, &[], decide(&app, &s.dr, &answered, what, body)).await;
        assert_eq!(
            st,
            StatusCode::CONFLICT,
            "{what} an answer on the form: {e}"
        );
    }

    let (kept, wrong) = eliquis_flags(&app, &s.desk, &pid).await;
    let listed = flag_of(&app, &s.desk, &pid, &kept).await;
    assert_eq!(listed["basis"], "medicine_list");
    assert!(
        listed["evidence"]
            .as_str()
            .unwrap()
            .starts_with("Medicine list: Eliquis (apixaban"),
        "{listed}"
    );
    assert!(listed["confirmed_at"].is_null());

    let (st, _) = decide(&app, &s.desk, &kept, "confirm", json!({})).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, f) = audited(
        &app,
        &["flag.confirmed"],
        decide(&app, &s.dr, &kept, "confirm", json!({})),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{f}");
    assert!(f["confirmed_at"].is_string());
    assert_eq!(f["confirmed_by"], s.dr_user.id.as_str());
    assert_eq!(f["status"], "open", "a confirmed flag stays");
    let (st, _) = decide(&app, &s.dr, &kept, "confirm", json!({})).await;
    assert_eq!(st, StatusCode::CONFLICT, "confirmed already");
    let (st, _) = decide(
        &app,
        &s.dr,
        &kept,
        "dismiss",
        json!({"reason": "Changed my mind about this medicine"}),
    )
    .await;
    assert_eq!(
        st,
        StatusCode::CONFLICT,
        "a confirmed flag is resolved, not dismissed"
    );

    let (st, e) = decide(&app, &s.dr, &wrong, "dismiss", json!({"reason": "x"})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e["errors"]["reason"].is_string(), "{e}");
    let why = "Eliquis was stopped in 2024; the pharmacy list is out of date";
    let (st, f) = audited(
        &app,
        &["flag.dismissed"],
        decide(&app, &s.dr, &wrong, "dismiss", json!({"reason": why})),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{f}");
    assert_eq!(f["status"], "resolved");
    assert_eq!(f["resolved_as"], "dismissed");
    assert_eq!(f["resolution"], why);
    let (st, _) = decide(&app, &s.dr, &wrong, "dismiss", json!({"reason": why})).await;
    assert_eq!(st, StatusCode::CONFLICT, "dismissed already");
}

on_both_backends!(inferred_flags_are_confirmed_or_dismissed,);
