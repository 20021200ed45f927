//! In Chromium at the practitioner's tablet (1024×768): diagnoses and a plan charted by
//! chips. The patient reported osteoporosis (spinal thrust ruled out, mobilization only
//! with a written reason) and low back pain; L4 and L5 were palpated tender and
//! restricted. The diagnosis suggestions follow a test charted on the page, two taps
//! add two codes (the first primary), a preset sets the frequency, a goal is worded
//! from the NPRS and the weeks, and intervention chips plan what the flags allow: the
//! struck thrust chip cannot be chosen, the mobilization chip asks for its reason. Every
//! control is hit-tested before the tap, every state passes axe-core, and the saved
//! record holds what was tapped. Screenshot: `docs/screenshots/exam-plan-chips.png`.

use std::time::{Duration, Instant};

use clinic::domain::Role;
use fantoccini::{Client, Locator};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::assessment_browser::{
    HEIGHT, WIDTH, fits_the_screen, js, settled_status, sign_in, text_of, wait_saved,
};
use crate::axe::assert_accessible;
use crate::browser::{chromium, screenshot};
use crate::finger::{aim, tap};
use crate::helpers::{Backend, TestApp};
use crate::intake_answers::every_question_answered;

/// Waits until `script` returns true (the page changed in place).
async fn until(c: &Client, script: &str, what: &str) {
    let started = Instant::now();
    loop {
        if js(c, script).await == json!(true) {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{what}: never happened ({script})"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn checked(c: &Client, id: &str) -> Value {
    js(
        c,
        &format!(
            "const e = document.getElementById('{id}'); return e ? [e.checked, e.disabled] : null;"
        ),
    )
    .await
}

async fn charting_by_chips(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let desk = app.create_user(Role::FrontDesk).await;
    let dr = app.create_user(Role::Practitioner).await;
    let desk_token = app.api_token(&desk).await;
    let dr_token = app.api_token(&dr).await;
    let (s, p) = app
        .post_json(
            "/api/v1/patients",
            Some(&desk_token),
            &json!({"given_name": "Ingrid", "family_name": "Halvorsen",
                    "date_of_birth": "1970-09-14", "sex": "female"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let pid = p["id"].as_str().unwrap().to_owned();
    let (s, v) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/intakes"),
            Some(&desk_token),
            &every_question_answered(&json!({
                "chief_complaint": "Low back pain after gardening", "onset": "Last week",
                "pain_now": 6, "pain_worst": 8, "pain_regions": ["lower_back"],
                "earlier_episodes": true,
                "conditions": {"osteoporosis": "yes"},
            })),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, a) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/assessments"),
            Some(&dr_token),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let aid = a["id"].as_str().unwrap().to_owned();
    let record = format!("/api/v1/assessments/{aid}");
    let segment = |s: &str| json!({"segment": s, "tenderness": 2, "motion": "restricted", "restricted": ["flexion"]});
    let (s, v) = app
        .put_json(
            &record,
            &dr_token,
            &json!({"version": a["version"], "palpation": [segment("L4"), segment("L5")],
                    "pain": {"nprs": 6}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    let Some(tablet) = chromium(WIDTH, HEIGHT).await else {
        return;
    };
    let c = &tablet.client;
    sign_in(&app, c, &dr).await;
    c.goto(&app.url(&format!("/patients/{pid}/assessments/{aid}")))
        .await
        .unwrap();
    js(c, "window.__samePage = true; return null;").await;
    // The diagnoses and the plan, from the rail: the sections around them open.
    tap(c, ".ws-index a[href='#diagnoses']").await;
    let small = js(
        c,
        "return Array.from(document.querySelectorAll('.chip-btn')).filter(b => b.offsetParent !== null && b.getBoundingClientRect().height < 44).map(b => b.textContent.trim());",
    )
    .await;
    assert_eq!(small, json!([]), "every chip is at least 44 px tall");

    // 8 · The suggestions read what is charted: the lumbar complaint, L4 and L5.
    let offered = || {
        js(
            c,
            "return Array.from(document.querySelectorAll('#dx-suggest [data-dx-code]')).map(b => b.dataset.dxCode);",
        )
    };
    assert_eq!(offered().await, json!(["M99.03", "M54.50", "M62.830"]));
    let why = text_of(c, "#dx-suggest [data-dx-code='M99.03'] small").await;
    assert_eq!(why, "palpation: L4, L5 (PART met)");

    // A positive straight-leg raise charted on the page: the radiculopathy chip comes
    // without a reload.
    let slr = "#tests [data-row][data-const*='\"slr\",\"side\":\"left\"'] select[data-key=result]";
    aim(c, slr).await;
    c.find(Locator::Css(&format!("{slr} option[value=positive]")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_saved(c, "the SLR").await;
    until(
        c,
        "return !!document.querySelector(\"#dx-suggest [data-dx-code='M54.16']\");",
        "the radiculopathy suggestion after the SLR",
    )
    .await;
    js(
        c,
        "document.getElementById('diagnoses').scrollIntoView({block: 'start'}); window.scrollBy(0, -120); return null;",
    )
    .await;
    fits_the_screen(c, "diagnosis suggestions").await;
    assert_accessible(c, "the diagnosis suggestions").await;

    // Two taps: two codes, the first primary by itself; their chips are marked added.
    tap(c, "#dx-suggest [data-dx-code='M99.03']").await;
    tap(c, "#dx-suggest [data-dx-code='M54.50']").await;
    wait_saved(c, "two diagnoses").await;
    let rows = js(
        c,
        "return Array.from(document.querySelectorAll('#diagnoses tr[data-row]')).slice(0, 3).map(r => [r.querySelector('input[data-key=code]').value, r.querySelector('input[data-key=primary]').checked]);",
    )
    .await;
    assert_eq!(
        rows,
        json!([["M99.03", true], ["M54.50", false], ["", false]])
    );
    let added = js(
        c,
        "return Array.from(document.querySelectorAll('#dx-suggest [data-dx-code]')).filter(b => b.disabled).map(b => b.dataset.dxCode);",
    )
    .await;
    assert_eq!(
        added,
        json!(["M99.03", "M54.50"]),
        "chips already chosen are marked"
    );
    assert_accessible(c, "two suggestions added").await;

    // 9 · A preset sets the frequency, the weeks and the re-examination date.
    tap(c, "#plan button[data-preset][data-vpw='2'][data-weeks='6']").await;
    let re_exam = (app.clock.now().date() + chrono::Duration::days(42)).to_string();
    let fields = js(
        c,
        "return ['plan-vpw', 'plan-weeks', 'plan-reexam'].map(id => document.getElementById(id).value);",
    )
    .await;
    assert_eq!(fields, json!(["2", "6", re_exam]));
    // The plan cannot be saved without goals: the server says so by the field.
    let status = settled_status(c, "a plan without goals").await;
    assert!(status.starts_with("Not saved"), "{status}");
    // A goal worded from the NPRS charted and the weeks just set.
    tap(c, "#plan-goal-chips button[data-goal^='Pain from NPRS 6']").await;
    wait_saved(c, "the goal").await;
    assert_eq!(
        js(c, "return document.getElementById('plan-goals').value;").await,
        json!("Pain from NPRS 6 to 3 or less within 6 weeks")
    );

    // Thrust in the lumbar region is ruled out by osteoporosis: struck, with the reason
    // in words, and a tap on it chooses nothing.
    // The reason is one line under the matrix for every region it applies to, and the
    // struck box is described by it.
    let lumbar = js(
        c,
        "const b = document.getElementById('iv-hvla-lumbar'); const w = document.getElementById(b.getAttribute('aria-describedby')); return [b.getAttribute('aria-label'), w ? w.textContent : ''];",
    )
    .await;
    let (name, why) = (
        lumbar[0].as_str().unwrap_or(""),
        lumbar[1].as_str().unwrap_or(""),
    );
    assert_eq!(name, "HVLA thrust, Lumbar, ruled out");
    assert!(
        why.starts_with("Ruled out (")
            && why.contains("Lumbar")
            && why.contains("): HVLA thrust, Drop table, by “Osteoporosis"),
        "{why}"
    );
    assert!(!why.contains("hvla"), "words, not codes: {why}");
    tap(c, "#allowed label[for='iv-hvla-lumbar']").await;
    assert_eq!(checked(c, "iv-hvla-lumbar").await, json!([false, true]));

    // Soft tissue is free: one tap plans it.
    tap(c, "#allowed label[for='iv-soft_tissue-lumbar']").await;
    wait_saved(c, "soft tissue").await;
    assert_eq!(
        checked(c, "iv-soft_tissue-lumbar").await,
        json!([true, false])
    );

    // Mobilization only with a written reason: chosen, the reason field comes and the
    // server refuses the plan until it is written.
    tap(c, "#allowed label[for='iv-mobilization-lumbar']").await;
    until(
        c,
        "const r = document.getElementById('iv-mobilization-lumbar-reason'); return !!r && r.offsetParent !== null;",
        "the override reason field",
    )
    .await;
    let status = settled_status(c, "mobilization without a reason").await;
    assert!(status.starts_with("Not saved"), "{status}");
    let message = text_of(c, "#allowed .field-error").await;
    assert!(
        message.contains("relative contraindication to Mobilization in the lumbar region"),
        "{message}"
    );
    assert_accessible(c, "a relative contraindication asking for its reason").await;
    c.find(Locator::Css("#iv-mobilization-lumbar-reason"))
        .await
        .unwrap()
        .send_keys("Grade I–II only; bone density scan last year was stable")
        .await
        .unwrap();
    wait_saved(c, "the override reason").await;
    js(
        c,
        "document.getElementById('iv-head').scrollIntoView({block: 'start'}); window.scrollBy(0, -110); return null;",
    )
    .await;
    fits_the_screen(c, "the interventions grid").await;
    assert_accessible(c, "the plan charted by chips").await;
    screenshot(c, "exam-plan-chips").await;
    assert_eq!(
        js(c, "return window.__samePage === true;").await,
        json!(true),
        "no reload while charting"
    );

    // The server holds what was tapped.
    let (s, a) = app.get_json(&record, &dr_token).await;
    assert_eq!(s, StatusCode::OK, "{a}");
    let codes: Vec<(&str, bool)> = a["diagnoses"]
        .as_array()
        .unwrap_or_else(|| panic!("no diagnoses: {a}"))
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["primary"] == json!(true)))
        .collect();
    assert_eq!(codes, vec![("M99.03", true), ("M54.50", false)]);
    let plan = &a["plan"];
    assert_eq!(plan["visits_per_week"], json!(2), "{plan}");
    assert_eq!(plan["weeks"], json!(6));
    assert_eq!(plan["re_exam_date"], json!(re_exam));
    assert_eq!(
        plan["goals"],
        json!("Pain from NPRS 6 to 3 or less within 6 weeks")
    );
    let planned: Vec<(&str, &str, Option<&str>)> = plan["interventions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|iv| {
            (
                iv["technique"].as_str().unwrap(),
                iv["region"].as_str().unwrap(),
                iv["override_reason"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        planned,
        vec![
            (
                "mobilization",
                "lumbar",
                Some("Grade I–II only; bone density scan last year was stable")
            ),
            ("soft_tissue", "lumbar", None),
        ]
    );
    assert_eq!(a["conflicts"], json!([]), "{a}");
    tablet.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn charting_by_chips_on_sqlite() {
    charting_by_chips(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn charting_by_chips_on_postgres() {
    charting_by_chips(Backend::Postgres).await;
}
