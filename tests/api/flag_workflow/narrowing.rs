//! Narrowing a flag of unknown region to the regions it concerns.

use reqwest::StatusCode;
use serde_json::json;

use super::*;
use crate::helpers::TestApp;

async fn a_flag_of_unknown_region_is_narrowed(app: TestApp) {
    let s = staff(&app).await;
    let pid = new_patient(&app, &s.desk).await;
    // No regions named: unknown, so every spinal region until narrowed.
    let f = manual_flag(&app, &s.dr, &pid, json!({"code": "old_fracture", "level": "absolute", "techniques": ["hvla", "drop_table"], "reason": "Old vertebral fracture, level not known"})).await;
    let fid = f["id"].as_str().unwrap().to_owned();
    assert_eq!(f["region_unknown"], true, "{f}");
    assert_eq!(
        f["regions"],
        json!([
            "cervical",
            "thoracic",
            "lumbar",
            "sacral_pelvic",
            "rib_cage"
        ])
    );
    let (aid, v) = draft_with_plan(&app, &s.dr, &pid, json!([])).await;
    let cervical = json!({"plan": plan(json!([{"technique": "hvla", "region": "cervical"}]))});
    let lumbar = json!({"plan": plan(json!([{"technique": "hvla", "region": "lumbar"}]))});
    let (st, _) = save(&app, &s.dr, &aid, v, cervical.clone()).await;
    assert_eq!(
        st,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown region: cervical HVLA refused"
    );

    let why = "X-ray report from 2019: old wedge fracture of L2 only";
    let (st, e) = audited(
        &app,
        &[],
        decide(
            &app,
            &s.dr,
            &fid,
            "narrow",
            json!({"regions": ["lumbar"], "reason": "x"}),
        ),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e["errors"]["reason"].is_string(), "{e}");
    let (st, e) = decide(
        &app,
        &s.dr,
        &fid,
        "narrow",
        json!({"regions": ["upper_extremity"], "reason": why}),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(
        e["errors"]["regions"].is_string(),
        "only regions the flag covers: {e}"
    );
    let (st, e) = decide(
        &app,
        &s.dr,
        &fid,
        "narrow",
        json!({"regions": [], "reason": why}),
    )
    .await;
    assert!(
        st == StatusCode::UNPROCESSABLE_ENTITY && e["errors"]["regions"].is_string(),
        "{e}"
    );
    let (st, _) = decide(
        &app,
        &s.desk,
        &fid,
        "narrow",
        json!({"regions": ["lumbar"], "reason": why}),
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN);

    let (st, f) = audited(
        &app,
        &["flag.narrowed"],
        decide(
            &app,
            &s.dr,
            &fid,
            "narrow",
            json!({"regions": ["lumbar"], "reason": why}),
        ),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{f}");
    assert_eq!(f["regions"], json!(["lumbar"]));
    assert_eq!(f["region_unknown"], false);
    assert_eq!(f["level"], "absolute", "narrowing keeps the level");
    assert_eq!(
        f["narrowings"][0]["regions_before"],
        json!([
            "cervical",
            "thoracic",
            "lumbar",
            "sacral_pelvic",
            "rib_cage"
        ])
    );
    assert_eq!(f["narrowings"][0]["regions_after"], json!(["lumbar"]));
    assert_eq!(f["narrowings"][0]["reason"], why);
    let seen = flag_of(&app, &s.desk, &pid, &fid).await;
    assert!(
        seen["narrowings"][0].get("reason").is_none(),
        "the front desk does not see the reason: {seen}"
    );

    let (st, ok) = save(&app, &s.dr, &aid, v, cervical).await;
    assert_eq!(st, StatusCode::OK, "cervical HVLA is allowed now: {ok}");
    let (st, e) = save(&app, &s.dr, &aid, ok["version"].as_i64().unwrap(), lumbar).await;
    assert_eq!(
        st,
        StatusCode::UNPROCESSABLE_ENTITY,
        "lumbar HVLA is still refused: {e}"
    );

    // A flag whose regions are known, or an urgent one, is not narrowed.
    let (st, e) = decide(
        &app,
        &s.dr,
        &fid,
        "narrow",
        json!({"regions": ["lumbar"], "reason": why}),
    )
    .await;
    assert_eq!(st, StatusCode::CONFLICT, "narrowed already: {e}");
    let known = manual_flag(&app, &s.dr, &pid, json!({"code": "hypermobility", "level": "relative", "techniques": ["hvla"], "regions": ["lumbar"], "reason": "Lumbar hypermobility on exam"})).await;
    assert_eq!(known["region_unknown"], false);
    let (st, e) = audited(
        &app,
        &[],
        decide(
            &app,
            &s.dr,
            known["id"].as_str().unwrap(),
            "narrow",
            json!({"regions": ["lumbar"], "reason": why}),
        ),
    )
    .await;
    assert_eq!(st, StatusCode::CONFLICT, "{e}");
    let urgent = manual_flag(&app, &s.dr, &pid, json!({"code": "progressive_weakness", "level": "urgent", "reason": "Foot drop getting worse"})).await;
    let (st, e) = decide(
        &app,
        &s.dr,
        urgent["id"].as_str().unwrap(),
        "narrow",
        json!({"regions": ["lumbar"], "reason": why}),
    )
    .await;
    assert_eq!(st, StatusCode::CONFLICT, "{e}");
}

on_both_backends!(a_flag_of_unknown_region_is_narrowed,);
