//! Referring an emergency or urgent flag: signing waits for the referral, the plan
//! keeps refusing what the flag forbids, and the referral's result resolves it.

use reqwest::StatusCode;
use serde_json::json;

use super::*;
use crate::helpers::TestApp;

async fn an_urgent_flag_is_referred_before_signing_and_resolved_with_the_result(app: TestApp) {
    let s = staff(&app).await;
    let pid = new_patient(&app, &s.desk).await;
    consent(&app, &s.desk, &pid).await;
    let fever = intake_flag(
        &app,
        &s.desk,
        &pid,
        answered(&[], &["fever_chills"]),
        "fever_chills",
        "urgent",
    )
    .await;
    let (aid, v) = draft_with_plan(
        &app,
        &s.dr,
        &pid,
        json!([{"technique": "soft_tissue", "region": "lumbar"}]),
    )
    .await;

    // Signing waits for the referral, in words.
    let (st, e) = sign(&app, &s.dr, &aid).await;
    assert_eq!(st, StatusCode::CONFLICT, "{e}");
    let reasons = e["reasons"].to_string();
    assert!(
        reasons.contains("Document the referral for")
            && reasons.contains("possible infection")
            && reasons.contains("Urgent"),
        "{reasons}"
    );
    assert!(
        !reasons.contains("fever_chills"),
        "the blocker uses words, not the code: {reasons}"
    );

    // A referral dated tomorrow, or before the flag was raised, is a field error.
    let mut future = gp_referral(&app);
    future["referred_on"] = json!(day(&app, 1));
    let (st, e) = audited(&app, &[], decide(&app, &s.dr, &fever, "refer", future)).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e["errors"]["referred_on"].is_string(), "{e}");
    let mut early = gp_referral(&app);
    early["referred_on"] = json!(day(&app, -1));
    let (st, e) = audited(&app, &[], decide(&app, &s.dr, &fever, "refer", early)).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(
        e["errors"]["referred_on"]
            .as_str()
            .unwrap()
            .contains("before the flag was raised"),
        "{e}"
    );
    let (st, e) = decide(&app, &s.dr, &fever, "refer", json!({"referred_to": "", "method": "pigeon", "referred_on": day(&app, 0), "urgency": "high"})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(
        e["errors"]["urgency"].is_string(),
        "an unknown field is named: {e}"
    );
    let (_, e) = decide(
        &app,
        &s.dr,
        &fever,
        "refer",
        json!({"referred_to": "", "method": "pigeon", "referred_on": day(&app, 0)}),
    )
    .await;
    assert!(
        e["errors"]["referred_to"].is_string() && e["errors"]["method"].is_string(),
        "{e}"
    );
    let (st, _) = decide(&app, &s.desk, &fever, "refer", gp_referral(&app)).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "the front desk does not refer");

    // The referral: recorded once, the open flag acknowledged with it.
    let (st, f) = audited(
        &app,
        &["flag.referred"],
        decide(&app, &s.dr, &fever, "refer", gp_referral(&app)),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{f}");
    assert_eq!(f["status"], "acknowledged");
    assert_eq!(f["referral"]["referred_to"], "Dr Patel, GP");
    assert_eq!(f["referral"]["method"], "phone");
    assert_eq!(f["referral"]["referred_on"], day(&app, 0));
    assert_eq!(f["referral"]["referred_by"], s.dr_user.id.as_str());
    assert_eq!(
        f["referral"]["note"],
        "Seen the same afternoon; bloods and urine taken"
    );
    assert!(f["resolved_at"].is_null() && f["resolved_as"].is_null());
    let (st, e) = decide(&app, &s.dr, &fever, "refer", gp_referral(&app)).await;
    assert_eq!(st, StatusCode::CONFLICT, "one referral per flag: {e}");

    // Referred, the flag still refuses a thrust anywhere.
    let (st, e) = save(
        &app,
        &s.dr,
        &aid,
        v,
        json!({"plan": plan(json!([{"technique": "hvla", "region": "thoracic"}]))}),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["conflicts"][0]["flag_code"], "fever_chills", "{e}");

    // The front desk sees where the patient went, not the practitioner's note.
    let seen = flag_of(&app, &s.desk, &pid, &fever).await;
    assert_eq!(seen["referral"]["referred_to"], "Dr Patel, GP");
    assert!(seen["referral"].get("note").is_none(), "{seen}");

    // Now the visit signs (the plan has no force-based technique).
    let (st, signed) = sign(&app, &s.dr, &aid).await;
    assert_eq!(st, StatusCode::OK, "{signed}");

    // The referral's result resolves the flag; a one-word result does not.
    let (st, e) = decide(&app, &s.dr, &fever, "resolve", json!({"reason": "x"})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e["errors"]["reason"].is_string(), "{e}");
    let result = "GP found a urinary infection; antibiotics started, fever gone";
    let (st, f) = audited(
        &app,
        &["flag.resolved"],
        decide(&app, &s.dr, &fever, "resolve", json!({"reason": result})),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{f}");
    assert_eq!(f["status"], "resolved");
    assert_eq!(f["resolved_as"], "referral_result");
    assert_eq!(f["resolution"], result);
    let (st, _) = decide(&app, &s.dr, &fever, "refer", gp_referral(&app)).await;
    assert_eq!(st, StatusCode::CONFLICT, "a resolved flag is not referred");

    // Resolved, it no longer refuses the thrust.
    let (aid2, v2) = draft_with_plan(&app, &s.dr, &pid, json!([])).await;
    let (st, e) = save(
        &app,
        &s.dr,
        &aid2,
        v2,
        json!({"plan": plan(json!([{"technique": "hvla", "region": "thoracic"}]))}),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{e}");

    // A flag resolved without a referral is recorded as plainly resolved.
    let other = manual_flag(&app, &s.dr, &pid, json!({"code": "hypermobility", "level": "relative", "techniques": ["hvla"], "regions": ["lumbar"], "reason": "Lumbar hypermobility on exam"})).await;
    let (_, f) = decide(
        &app,
        &s.dr,
        other["id"].as_str().unwrap(),
        "resolve",
        json!({"reason": "Stability tests normal on review today"}),
    )
    .await;
    assert_eq!(f["resolved_as"], "resolved", "{f}");
}

async fn only_emergency_and_urgent_flags_are_referred(app: TestApp) {
    let s = staff(&app).await;
    let pid = new_patient(&app, &s.desk).await;
    let relative = intake_flag(
        &app,
        &s.desk,
        &pid,
        answered(&["stroke_or_tia"], &[]),
        "stroke_or_tia",
        "relative",
    )
    .await;
    let (st, e) = audited(
        &app,
        &[],
        decide(&app, &s.dr, &relative, "refer", gp_referral(&app)),
    )
    .await;
    assert_eq!(st, StatusCode::CONFLICT, "{e}");
    assert!(
        e["error"]
            .as_str()
            .unwrap()
            .contains("Only emergency and urgent flags"),
        "{e}"
    );

    // An emergency: referred to the emergency department; signing then waits only for
    // a plan with no interventions, which the emergency flag still demands.
    consent(&app, &s.desk, &pid).await;
    let cauda = intake_flag(
        &app,
        &s.desk,
        &pid,
        answered(&[], &["bladder_bowel_change"]),
        "bladder_bowel_change",
        "emergency",
    )
    .await;
    let (aid, _) = draft_with_plan(&app, &s.dr, &pid, json!([])).await;
    let (st, e) = sign(&app, &s.dr, &aid).await;
    assert_eq!(st, StatusCode::CONFLICT);
    assert!(
        e["reasons"].to_string().contains("Emergency: refer now"),
        "{e}"
    );
    let ed = json!({"referred_to": "St Mary's emergency department", "method": "emergency_department", "referred_on": day(&app, 0)});
    let (st, f) = decide(&app, &s.dr, &cauda, "refer", ed).await;
    assert_eq!(st, StatusCode::OK, "{f}");
    assert!(f["referral"].get("note").is_none(), "no note: {f}");
    let (st, signed) = sign(&app, &s.dr, &aid).await;
    assert_eq!(
        st,
        StatusCode::OK,
        "a referred emergency with no interventions signs: {signed}"
    );
    let (aid2, v2) = draft_with_plan(&app, &s.dr, &pid, json!([])).await;
    let (st, e) = save(
        &app,
        &s.dr,
        &aid2,
        v2,
        json!({"plan": plan(json!([{"technique": "exercise", "region": "lumbar"}]))}),
    )
    .await;
    assert_eq!(
        st,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the referred emergency still refuses exercise: {e}"
    );
}

on_both_backends!(
    an_urgent_flag_is_referred_before_signing_and_resolved_with_the_result,
    only_emergency_and_urgent_flags_are_referred,
);
