//! The same decisions from the patient page's flag banner.

use clinic::domain::Role;
use reqwest::StatusCode;
use serde_json::json;

use super::*;
use crate::helpers::TestApp;

async fn practitioners_decide_on_flags_from_the_pages(app: TestApp) {
    let s = staff(&app).await;
    let pid = new_patient(&app, &s.desk).await;
    let fever = intake_flag(
        &app,
        &s.desk,
        &pid,
        answered(&[], &["fever_chills"]),
        "fever_chills",
        "urgent",
    )
    .await;
    let unknown = manual_flag(&app, &s.dr, &pid, json!({"code": "old_fracture", "level": "absolute", "techniques": ["hvla"], "reason": "Old vertebral fracture, level not known"})).await;
    let unknown = unknown["id"].as_str().unwrap().to_owned();
    let (eliquis, _) = eliquis_flags(&app, &s.desk, &pid).await;
    let dr = app.signed_in(&s.dr_user).await;
    let page = format!("/patients/{pid}");
    let token = dr.csrf_from(&page).await;

    // The patient page offers each flag the decisions it takes.
    let (_, html) = dr.get_html(&page).await;
    for needle in [
        format!("/flags/{fever}/refer"),
        format!("/flags/{unknown}/narrow"),
        format!("/flags/{eliquis}/confirm"),
        format!("/flags/{eliquis}/dismiss"),
        "Medicine list: Eliquis (apixaban".to_owned(),
        format!("/patients/{pid}/referral-letter"),
    ] {
        assert!(html.contains(&needle), "the patient page has {needle}");
    }
    assert!(
        !html.contains("Medicine list: Medicine list"),
        "the evidence names its source once"
    );
    assert!(
        !html.contains(&format!("/flags/{fever}/narrow")),
        "an urgent flag is not narrowed"
    );
    assert!(
        !html.contains(&format!("/flags/{unknown}/refer")),
        "a contraindication is not referred"
    );
    let (_, desk_html) = app
        .signed_in(&app.create_user(Role::FrontDesk).await)
        .await
        .get_html(&page)
        .await;
    assert!(
        desk_html.contains("Medicine list: Eliquis (apixaban"),
        "the front desk sees the basis"
    );
    assert!(
        !desk_html.contains("/refer\"") && !desk_html.contains("referral-letter"),
        "and no forms"
    );

    // A mistake comes back next to its field, with what was typed; nothing is written.
    let r = audited(
        &app,
        &["flags.viewed"],
        post_page(
            &dr,
            &token,
            &format!("/flags/{fever}/refer"),
            &[
                ("back", &page),
                ("referred_to", "Dr Patel, GP"),
                ("method", "phone"),
                ("referred_on", &day(&app, 3)),
            ],
        ),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains(&format!("id=\"refer-on-{fever}-error\"")),
        "the error is next to the date"
    );
    assert!(html.contains("cannot be in the future"));
    assert!(
        html.contains("value=\"Dr Patel, GP\""),
        "what was typed is kept"
    );
    assert!(
        html.contains("<option value=\"phone\" selected>"),
        "the method too"
    );

    // A referral goes back to the page, which then says so.
    let r = audited(
        &app,
        &["flag.referred"],
        post_page(
            &dr,
            &token,
            &format!("/flags/{fever}/refer"),
            &[
                ("back", &page),
                ("referred_to", "Dr Patel, GP"),
                ("method", "phone"),
                ("referred_on", &day(&app, 0)),
                ("note", ""),
            ],
        ),
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()["location"],
        format!("{page}?notice=flag#flags").as_str()
    );
    let (_, html) = dr.get_html(&format!("{page}?notice=flag")).await;
    assert!(
        html.contains(&format!(
            "Referred to Dr Patel, GP (by phone) on {} by {}",
            day(&app, 0),
            s.dr_user.name
        )),
        "the flag says where the patient went"
    );
    assert!(html.contains("Flag updated."));
    assert!(
        html.contains("What came of the referral"),
        "resolving asks for the result"
    );

    // Narrowing with the checkboxes, confirming and dismissing.
    let why = "X-ray report from 2019: old wedge fracture of L2 only";
    let r = post_page(
        &dr,
        &token,
        &format!("/flags/{unknown}/narrow"),
        &[
            ("back", &page),
            ("regions", "lumbar"),
            ("regions", "thoracic"),
            ("reason", why),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        flag_of(&app, &s.dr, &pid, &unknown).await["regions"],
        json!(["thoracic", "lumbar"])
    );
    let r = post_page(
        &dr,
        &token,
        &format!("/flags/{eliquis}/dismiss"),
        &[("back", &page), ("reason", "no")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains(&format!("id=\"dismiss-reason-{eliquis}-error\""))
    );
    let r = audited(
        &app,
        &["flag.confirmed"],
        post_page(
            &dr,
            &token,
            &format!("/flags/{eliquis}/confirm"),
            &[("back", &page)],
        ),
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = dr.get_html(&page).await;
    assert!(
        !html.contains(&format!("/flags/{eliquis}/confirm")),
        "confirmed once"
    );

    // A `back` elsewhere than our patient pages is not followed.
    let r = post_page(
        &dr,
        &token,
        &format!("/flags/{fever}/resolve"),
        &[
            ("back", "https://evil.example/"),
            (
                "reason",
                "GP found a urinary infection; antibiotics started",
            ),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/patients?notice=flag#flags");
    assert_eq!(
        flag_of(&app, &s.dr, &pid, &fever).await["resolved_as"],
        "referral_result"
    );
}

on_both_backends!(practitioners_decide_on_flags_from_the_pages,);
