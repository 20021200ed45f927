//! In Chromium at the practitioner's tablet (1024×768): a patient with eight flags (an
//! emergency, inferred ones from the medicine list, one of unknown region) on the
//! patient page with every decision form open, and the printable referral letter. Both
//! pass axe-core and fit the screen; screenshots go to `docs/screenshots/`.

use clinic::domain::Role;
use fantoccini::Locator;
use serde_json::json;

use crate::axe::assert_accessible;
use crate::browser::{chromium, screenshot};
use crate::emergency_browser::{fits_the_screen, js, sign_in};
use crate::helpers::{Backend, TestApp};
use crate::intake_answers::every_question_answered;

async fn eight_flags_on_the_tablet(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let desk = app.create_user(Role::FrontDesk).await;
    let dr = app.create_user(Role::Practitioner).await;
    let token = app.api_token(&desk).await;
    let (s, p) = app
        .post_json(
            "/api/v1/patients",
            Some(&token),
            &json!({"given_name": "Odile", "family_name": "Flagstaff", "date_of_birth": "1948-02-14"}),
        )
        .await;
    assert_eq!(s, 201, "{p}");
    let pid = p["id"].as_str().unwrap();
    let (s, v) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/intakes"),
            Some(&token),
            &every_question_answered(&json!({
                "chief_complaint": "Low back pain, numb between the legs since Sunday",
                "conditions": {"osteoporosis": "yes", "cancer": "yes"},
                "red_flags": {"saddle_numbness": true},
                "medications": [{"name": "Eliquis", "dose": "5 mg"}],
                "surgeries": [{"procedure": "L4-L5 fusion", "year": 2015}],
            })),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    // Cancer with saddle numbness is urgent as well (NG234): eight flags.
    assert_eq!(v["flags"].as_array().unwrap().len(), 8, "{v}");

    let Some(tablet) = chromium(1024, 768).await else {
        return;
    };
    let c = &tablet.client;
    sign_in(&app, c, &dr).await;
    c.goto(&app.url(&format!("/patients/{pid}"))).await.unwrap();
    let banner = c
        .find(Locator::Css(".flag-banner"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(banner.contains("Medicine list: Eliquis"), "{banner}");
    fits_the_screen(c, "patient page with eight flags").await;
    assert_accessible(c, "patient page with eight flags").await;
    // Each decision form (refer, narrow, confirm, dismiss, resolve) open in turn, as a
    // person opens them: one popover at a time.
    let forms = js(
        c,
        "return document.querySelectorAll('.flag-banner details').length;",
    )
    .await;
    let forms = forms.as_i64().unwrap();
    assert!(forms >= 8, "decision forms: {forms}");
    for i in 0..forms {
        let summary = js(
            c,
            &format!(
                "const d = document.querySelectorAll('.flag-banner details'); \
                 d.forEach(x => x.open = false); d[{i}].open = true; \
                 d[{i}].scrollIntoView({{block: 'center'}}); \
                 return d[{i}].querySelector('summary').textContent.trim();"
            ),
        )
        .await;
        let what = format!("flag form {i} ({}) open", summary.as_str().unwrap_or("?"));
        fits_the_screen(c, &what).await;
        assert_accessible(c, &what).await;
        if summary
            .as_str()
            .is_some_and(|t| t.starts_with("Record referral"))
        {
            screenshot(c, "patient-flag-referral-form").await;
        }
    }
    c.goto(&app.url(&format!("/patients/{pid}/referral-letter")))
        .await
        .unwrap();
    let body = c
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains("Flagstaff"), "{body}");
    assert!(body.to_lowercase().contains("saddle"), "{body}");
    fits_the_screen(c, "referral letter").await;
    assert_accessible(c, "referral letter").await;
    screenshot(c, "referral-letter").await;
    tablet.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_flags_on_the_tablet_on_sqlite() {
    eight_flags_on_the_tablet(Backend::Sqlite).await;
}
