//! The patient's pre-visit form on a phone (390×844), driven the way a patient does it:
//! Enter (Go on the phone's keyboard) in a text field of each step presses that step's
//! primary action and loses nothing; a missed answer is reported on its own step with
//! focus on the summary, also when Submit finds it on an earlier step; "Back" and "Save
//! and finish later" keep the consent tick and the typed signature; the emailed link
//! reopens on the first unfinished step; the step list says what is done.

use std::time::{Duration, Instant};

use clinic::domain::Role;
use clinic::domain::clinical::{ConditionCode, RedFlagCode};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::{Value, json};

use crate::axe::assert_accessible;
use crate::browser::{chromium, screenshot};
use crate::emergency_browser::{fits_the_screen, js};
use crate::helpers::{Backend, TestApp, decode_qp, read_dir_files};

/// Scrolls `css` into view, checks that a tap at its centre lands on it (nothing covers
/// it), and taps it.
async fn tap(c: &Client, css: &str) {
    lands_on(c, css).await;
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Scrolls `css` into view and checks that a tap at its centre would land on it.
async fn lands_on(c: &Client, css: &str) {
    let hit = js(
        c,
        &format!(
            "const e = document.querySelector({css:?}); if (!e) return 'missing'; \
             e.scrollIntoView({{block: 'center'}}); const r = e.getBoundingClientRect(); \
             const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2); \
             return at && (at === e || e.contains(at) || (at.control && at.control === e)) \
               ? 'ok' : (at ? at.outerHTML.slice(0, 120) : 'nothing');"
        ),
    )
    .await;
    assert_eq!(hit, json!("ok"), "a tap on {css} lands on it");
}

/// Types `text` in the field `css`, then presses Enter in it.
async fn type_and_enter(c: &Client, css: &str, text: &str) {
    let field = c
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    field.send_keys(text).await.unwrap();
    field.send_keys(&Key::Enter.to_string()).await.unwrap();
}

/// Waits until the page at `?step=` `n`... has loaded after a navigation started from
/// `before` (an element of the old page), and returns the heading of the step shown.
async fn landed(c: &Client, before: fantoccini::elements::Element) -> String {
    let started = Instant::now();
    while before.text().await.is_ok() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the page was replaced"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    c.wait().for_element(Locator::Css("h1")).await.unwrap();
    c.find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn old_page(c: &Client) -> fantoccini::elements::Element {
    c.find(Locator::Css("main")).await.unwrap()
}

/// Presses Enter in `css` after typing `text`, and returns the heading of where it lands.
async fn enter_in(c: &Client, css: &str, text: &str) -> String {
    let before = old_page(c).await;
    type_and_enter(c, css, text).await;
    landed(c, before).await
}

/// Taps `css` (a button or link) and returns the heading of where it lands.
async fn tap_and_land(c: &Client, css: &str) -> String {
    let before = old_page(c).await;
    tap(c, css).await;
    landed(c, before).await
}

async fn value_of(c: &Client, css: &str) -> Value {
    js(
        c,
        &format!("const e = document.querySelector({css:?}); return e ? (e.type === 'checkbox' ? e.checked : e.value) : null;"),
    )
    .await
}

/// The id of the focused element.
async fn focused(c: &Client) -> Value {
    js(
        c,
        "return document.activeElement ? document.activeElement.id : null;",
    )
    .await
}

/// The buttons of the step: the first submit button in the markup (the one Enter
/// presses) is the primary one, and on screen the primary one still comes last.
async fn buttons_in_order(c: &Client, step: u8) {
    let v = js(
        c,
        "const f = document.querySelector('form[method=post]'); \
         const first = f.querySelector('button[type=submit]'); \
         const bs = Array.from(f.querySelectorAll('.intake-buttons button')).map(b => { \
           const r = b.getBoundingClientRect(); return [b.value, r.top, r.left]; }); \
         return [first.value, bs];",
    )
    .await;
    let primary = if step == 7 { "submit" } else { "next" };
    assert_eq!(v[0], json!(primary), "step {step}: Enter presses {primary}");
    let mut on_screen: Vec<(f64, f64, String)> = v[1]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b[1].as_f64().unwrap(),
                b[2].as_f64().unwrap(),
                b[0].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    on_screen.sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert_eq!(
        on_screen.last().map(|b| b.2.as_str()),
        Some(primary),
        "step {step}: the primary button is shown last: {on_screen:?}"
    );
    if step > 1 {
        assert_eq!(
            on_screen.first().map(|b| b.2.as_str()),
            Some("back"),
            "step {step}: Back is shown first"
        );
    }
}

/// The error summary is there, has focus, and lists `n` lines; returns its links.
async fn summary_has_focus(c: &Client, n: usize, what: &str) -> Vec<String> {
    assert_eq!(
        focused(c).await,
        json!("error-summary"),
        "{what}: the summary has focus"
    );
    let links = js(
        c,
        "return Array.from(document.querySelectorAll('#error-summary a')).map(a => a.getAttribute('href'));",
    )
    .await;
    let links: Vec<String> = links
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(links.len(), n, "{what}: {links:?}");
    for l in &links {
        let there = js(
            c,
            &format!("return !!document.getElementById({:?});", &l[1..]),
        )
        .await;
        assert_eq!(there, json!(true), "{what}: {l} jumps to a field");
    }
    links
}

/// The state shown for each step in the step list.
async fn step_states(c: &Client) -> Vec<String> {
    let v = js(
        c,
        "return Array.from(document.querySelectorAll('.step-list .step-state')).map(s => s.textContent.trim());",
    )
    .await;
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

/// How many of the elements `css` are shown (not hidden).
async fn shown(c: &Client, css: &str) -> i64 {
    js(
        c,
        &format!("return Array.from(document.querySelectorAll({css:?})).filter(e => e.offsetParent !== null).length;"),
    )
    .await
    .as_i64()
    .unwrap()
}

/// The typed names and ticks kept with drafts (`intake_form_progress`).
async fn draft_signatures(app: &TestApp) -> Vec<(Option<String>, bool)> {
    app.with_db(|conn| {
        use clinic::schema::intake_form_progress::dsl::*;
        use diesel::prelude::*;
        intake_form_progress
            .select((signed_name, consent_agreed))
            .load(conn)
            .unwrap()
    })
    .await
}

/// A new patient with a form link: (link, a front-desk API token, the patient's id).
async fn invitation_link(app: &TestApp) -> (String, String, String) {
    invitation_link_for(
        app,
        json!({"given_name": "Aurélie", "family_name": "Tremblay", "date_of_birth": "1981-02-17", "email": "aurelie@example.org"}),
    )
    .await
}

/// `patient` registered by the front desk and sent the form by email: (the link read
/// from the mail, the desk's API token, the patient's id).
pub(crate) async fn invitation_link_for(
    app: &TestApp,
    patient: serde_json::Value,
) -> (String, String, String) {
    let desk = app.create_user(Role::FrontDesk).await;
    let token = app.api_token(&desk).await;
    let (_, p) = app
        .post_json("/api/v1/patients", Some(&token), &patient)
        .await;
    let pid = p["id"].as_str().unwrap().to_owned();
    let (s, _) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/intake-invitations"),
            Some(&token),
            &json!({}),
        )
        .await;
    assert_eq!(s, 201);
    let started = Instant::now();
    loop {
        let found = read_dir_files(app.mail_dir.path())
            .iter()
            .map(|m| decode_qp(m))
            .find_map(|m| {
                let at = m.find("/intake/")? + "/intake/".len();
                Some(format!(
                    "/intake/{}",
                    m[at..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                        .collect::<String>()
                ))
            });
        if let Some(l) = found {
            return (l, token, pid);
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the invitation"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn enter_moves_through_the_form_and_nothing_is_lost(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let Some(browser) = chromium(390, 844).await else {
        return;
    };
    let c = &browser.client;
    let (link, token, pid) = invitation_link(&app).await;

    // Step 1: Enter in the phone field saves and continues.
    c.goto(&app.url(&link)).await.unwrap();
    buttons_in_order(c, 1).await;
    assert_eq!(
        step_states(c).await,
        vec!["To do"; 7],
        "nothing done on a new link"
    );
    assert_accessible(c, "phone form: step 1, new link").await;
    assert_eq!(
        enter_in(c, "#contact_phone", "555 0177 310").await,
        "What brings you in"
    );

    // Step 2: Enter with the pain score missing stays on the step, with the summary
    // focused and what was typed still there.
    buttons_in_order(c, 2).await;
    c.find(Locator::Css("#chief_complaint"))
        .await
        .unwrap()
        .send_keys("Neck pain since a car accident")
        .await
        .unwrap();
    assert_eq!(
        enter_in(c, "#onset", "10 days ago").await,
        "What brings you in"
    );
    let links = summary_has_focus(c, 1, "step 2 without a pain score").await;
    assert_eq!(links, vec!["#pain_now_0"]);
    assert_eq!(value_of(c, "#onset").await, json!("10 days ago"));
    assert_eq!(
        value_of(c, "#chief_complaint").await,
        json!("Neck pain since a car accident")
    );
    assert!(
        shown(c, "#pain_now-error").await == 1,
        "the message is also next to the question"
    );
    fits_the_screen(c, "step 2 with the summary").await;
    assert_accessible(c, "phone form: step 2, a missed answer (summary focused)").await;
    screenshot(c, "phone-intake-2-missed-answer").await;
    tap(c, "#error-summary a").await;
    assert_eq!(
        focused(c).await,
        json!("pain_now_0"),
        "the link moves focus to the question"
    );
    // The 0–10 scale is one line at 390 px.
    let tops = js(
        c,
        "return new Set(Array.from(document.querySelectorAll('input[name=pain_now] + span')).map(s => Math.round(s.getBoundingClientRect().top))).size;",
    )
    .await;
    assert_eq!(tops, json!(1), "0 to 10 on one line");
    tap(c, "input[name=pain_now][value='7'] + span").await;
    assert_eq!(enter_in(c, "#onset", "").await, "Where it hurts");

    // Step 3 has no text field: its list and "Save and continue".
    buttons_in_order(c, 3).await;
    tap(c, "input[name=pain_region][value=neck]").await;
    assert_eq!(
        tap_and_land(c, "button[value=next]").await,
        "Health conditions"
    );

    // Step 4: details only after "Yes" or "Not sure"; one question left unanswered.
    buttons_in_order(c, 4).await;
    assert_eq!(
        shown(c, ".cond-details").await,
        0,
        "no details box before an answer"
    );
    let skipped = ConditionCode::ALL[ConditionCode::ALL.len() - 1];
    js(
        c,
        &format!(
            "document.querySelectorAll('input[type=radio][value=no]').forEach(e => {{ \
               if (e.name !== 'cond_{skipped}') {{ e.checked = true; e.dispatchEvent(new Event('change')); }} }});"
        ),
    )
    .await;
    assert_eq!(shown(c, ".cond-details").await, 0, "no details box for no");
    tap(c, "input[name=cond_osteoporosis][value=unsure]").await;
    assert_eq!(
        shown(c, ".cond-details").await,
        1,
        "a details box for not sure"
    );
    assert_accessible(c, "phone form: step 4, one details box open").await;
    assert_eq!(
        enter_in(c, "#cond_osteoporosis_details", "my mother had it").await,
        "Health conditions"
    );
    let links = summary_has_focus(c, 1, "step 4 with a question skipped").await;
    assert_eq!(links, vec![format!("#cond_{skipped}")]);
    assert_eq!(
        value_of(c, "#cond_osteoporosis_details").await,
        json!("my mother had it")
    );
    assert_accessible(c, "phone form: step 4, a missed answer (summary focused)").await;
    screenshot(c, "phone-intake-4-missed-answer").await;
    tap(c, &format!("input[name=cond_{skipped}][value=no]")).await;
    assert_eq!(
        enter_in(c, "#cond_osteoporosis_details", "").await,
        "Important symptoms"
    );

    // Step 5 left for later: the step list shows what is done and jumps to step 6.
    buttons_in_order(c, 5).await;
    tap(c, ".step-list summary").await;
    assert_eq!(
        step_states(c).await,
        vec!["Done", "Done", "Done", "Done", "To do", "To do", "To do"]
    );
    assert_accessible(c, "phone form: step 5, the step list open").await;
    screenshot(c, "phone-intake-5-step-list").await;
    assert_eq!(
        tap_and_land(c, ".step-list a[href$='step=6']").await,
        "Medicines and operations"
    );

    // Step 6: one empty medicine line and "Add another".
    buttons_in_order(c, 6).await;
    assert_eq!(shown(c, ".med-row").await, 1, "one empty medicine line");
    c.find(Locator::Css("#med_0_name"))
        .await
        .unwrap()
        .send_keys("Naproxen")
        .await
        .unwrap();
    tap(c, "button[data-add-row=med-row]").await;
    assert_eq!(shown(c, ".med-row").await, 2, "a second line");
    assert_eq!(focused(c).await, json!("med_1_name"));
    assert_accessible(c, "phone form: step 6, two medicine lines").await;
    screenshot(c, "phone-intake-6-medicines").await;
    assert_eq!(
        enter_in(c, "#med_1_name", "Omeprazole").await,
        "Consent and submit"
    );

    // Step 7: the tick and the signature survive "Back" and "Save and finish later".
    buttons_in_order(c, 7).await;
    let body = js(c, "return document.body.innerText;").await;
    assert!(
        !body.as_str().unwrap().contains("treatment-20"),
        "no version code shown to the patient"
    );
    tap(c, "#consent_agree").await;
    c.find(Locator::Css("#signed_name"))
        .await
        .unwrap()
        .send_keys("Aurélie Tremblay")
        .await
        .unwrap();
    assert_eq!(
        tap_and_land(c, "button[value=back]").await,
        "Medicines and operations"
    );
    assert_eq!(value_of(c, "#med_1_name").await, json!("Omeprazole"));
    assert_eq!(
        enter_in(c, "#med_0_name", "").await,
        "Consent and submit",
        "Enter on step 6 again"
    );
    assert_eq!(
        value_of(c, "#consent_agree").await,
        json!(true),
        "tick kept by Back"
    );
    assert_eq!(
        value_of(c, "#signed_name").await,
        json!("Aurélie Tremblay"),
        "signature kept by Back"
    );
    assert_eq!(
        tap_and_land(c, "button[value=later]").await,
        "Consent and submit"
    );

    assert_eq!(
        draft_signatures(&app).await,
        vec![(Some("Aurélie Tremblay".to_owned()), true)],
        "the draft keeps the typed name and the tick"
    );

    // The emailed link reopens on the first step not finished: step 5.
    c.goto(&app.url(&link)).await.unwrap();
    let h1 = c
        .find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        h1, "Important symptoms",
        "resume on the first unfinished step"
    );
    assert_accessible(c, "phone form: reopened on step 5").await;

    // Submit from step 7 (Enter in the signature) finds step 5 missing: the patient is
    // sent there, summary focused; the signature and tick stay saved.
    c.goto(&app.url(&format!("{link}?step=7"))).await.unwrap();
    assert_eq!(value_of(c, "#signed_name").await, json!("Aurélie Tremblay"));
    assert_eq!(
        enter_in(c, "#signed_name", "").await,
        "Important symptoms",
        "Enter in the signature submits; the missed answers are on step 5"
    );
    let asked = RedFlagCode::ASKED.len();
    // Three questions by name, then one line for the rest.
    let links = summary_has_focus(c, 4, "submit with step 5 unanswered").await;
    assert_eq!(links[0], format!("#red_{}", RedFlagCode::ASKED[0]));
    let title = js(
        c,
        "return document.getElementById('error-summary-title').textContent;",
    )
    .await;
    assert_eq!(
        title,
        json!(format!("{asked} answers are missing on this step"))
    );
    fits_the_screen(c, "step 5 with the summary").await;
    assert_accessible(c, "phone form: step 5 after submit, summary focused").await;
    screenshot(c, "phone-intake-5-missed-at-submit").await;
    js(
        c,
        "document.querySelectorAll('input[type=radio][value=no]').forEach(e => e.checked = true);",
    )
    .await;
    // "Not sure" is there on every question; the patient is not sure about one.
    assert_eq!(
        shown(c, "input[type=radio][value=unsure]").await,
        asked as i64,
        "Not sure on every question"
    );
    tap(c, "input[name=red_night_pain][value=unsure]").await;
    assert_eq!(
        tap_and_land(c, "button[value=next]").await,
        "Consent and submit",
        "continue goes to the next step still to do"
    );
    assert_eq!(value_of(c, "#consent_agree").await, json!(true));
    assert_eq!(value_of(c, "#signed_name").await, json!("Aurélie Tremblay"));
    fits_the_screen(c, "step 7").await;
    assert_accessible(c, "phone form: step 7 signed").await;
    js(
        c,
        "document.querySelector('.intake-buttons').scrollIntoView({block: 'end'});",
    )
    .await;
    screenshot(c, "phone-intake-7-signed").await;
    let before = old_page(c).await;
    type_and_enter(c, "#signed_name", "").await;
    landed(c, before).await;
    let body = js(c, "return document.body.innerText;").await;
    assert!(
        body.as_str().unwrap().contains("Thank you, Aurélie"),
        "{body}"
    );
    assert_accessible(c, "phone form: submitted").await;
    // Reopened from the email the next day: the form is in, and the clinic's number
    // is one tap away (not "ask for a new link" with the staff sign-in).
    c.goto(&app.url(&link)).await.unwrap();
    let body = js(c, "return document.body.innerText;").await;
    let body = body.as_str().unwrap();
    assert!(body.contains("Your form was received"), "{body}");
    assert!(
        body.contains("Test Clinic has your pre-visit form"),
        "{body}"
    );
    lands_on(c, "main a[href^='tel:']").await;
    fits_the_screen(c, "a spent link").await;
    assert_accessible(c, "phone form: the link reopened after submitting").await;
    screenshot(c, "phone-intake-link-spent").await;
    browser.finish().await;
    assert!(
        draft_signatures(&app).await.is_empty(),
        "submitted: the consent holds the name, the draft's copy is gone"
    );

    // "Not sure" is kept as said and counted as yes: the flag says "not sure".
    let (_, flags) = app
        .get_json(&format!("/api/v1/patients/{pid}/flags"), &token)
        .await;
    let night = flags["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "night_pain")
        .unwrap_or_else(|| panic!("a night-pain flag: {flags}"));
    assert!(
        night["evidence"]
            .as_str()
            .unwrap_or_default()
            .contains("Answered not sure on the form"),
        "{night}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enter_moves_through_the_form_and_nothing_is_lost_on_sqlite() {
    enter_moves_through_the_form_and_nothing_is_lost(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enter_moves_through_the_form_and_nothing_is_lost_on_postgres() {
    enter_moves_through_the_form_and_nothing_is_lost(Backend::Postgres).await;
}

/// The pain diagram on a phone: every area a 44×44 px target that a tap at its centre
/// reaches, R and L on each picture, what is marked repeated right under the picture,
/// and one tab stop per picture with the arrow keys moving between areas.
async fn the_pain_diagram_fits_a_finger(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let Some(browser) = chromium(390, 844).await else {
        return;
    };
    let c = &browser.client;
    let (link, _, _) = invitation_link(&app).await;
    c.goto(&app.url(&format!("{link}?step=3"))).await.unwrap();
    assert_eq!(
        c.find(Locator::Css("h1"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "Where it hurts"
    );

    let sizes = js(
        c,
        "return Array.from(document.querySelectorAll('.body-map [data-area]')).map(r => { \
           const b = r.getBoundingClientRect(); \
           return [r.closest('svg').dataset.view + ' ' + r.dataset.area, b.width, b.height]; });",
    )
    .await;
    let sizes = sizes.as_array().unwrap();
    assert_eq!(sizes.len(), 41, "21 areas in front, 20 at the back");
    for s in sizes {
        let (w, h) = (s[1].as_f64().unwrap(), s[2].as_f64().unwrap());
        assert!(w >= 44.0 && h >= 44.0, "{} is {w:.1}x{h:.1} px", s[0]);
    }
    // Each area is reached by a tap at its centre (nothing else drawn over it).
    for view in ["front", "back"] {
        for area in ["jaw", "neck", "right_foot", "left_hand", "left_knee"] {
            let css = format!(".body-map[data-view={view}] [data-area={area}]");
            let exists = js(c, &format!("return !!document.querySelector({css:?});")).await;
            if exists == json!(true) {
                let hit = js(
                    c,
                    &format!(
                        "const e = document.querySelector({css:?}); e.scrollIntoView({{block: 'center'}}); \
                         const r = e.getBoundingClientRect(); \
                         return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === e;"
                    ),
                )
                .await;
                assert_eq!(hit, json!(true), "a tap reaches {css}");
            }
        }
    }
    let sides = js(
        c,
        "return Array.from(document.querySelectorAll('.body-map .side')).map(t => t.textContent);",
    )
    .await;
    assert_eq!(
        sides,
        json!(["R", "L", "L", "R"]),
        "the patient's sides on each picture"
    );
    let stops = js(
        c,
        "return document.querySelectorAll('.body-map [tabindex=\"0\"]').length;",
    )
    .await;
    assert_eq!(stops, json!(2), "one tab stop per picture");

    // A tap on the neck marks it; the line right under the front picture says so.
    tap(c, ".body-map[data-view=front] [data-area=neck]").await;
    let under = js(
        c,
        "const svg = document.querySelector('.body-map[data-view=front]'); \
         const p = svg.closest('figure').querySelector('.map-picked'); \
         return [p.textContent, p.getBoundingClientRect().top - svg.getBoundingClientRect().bottom];",
    )
    .await;
    assert_eq!(under[0], json!("Marked: Neck"));
    assert!(
        under[1].as_f64().unwrap() < 60.0,
        "the marked line is right under the picture: {under:?}"
    );
    assert_eq!(
        value_of(c, "input[name=pain_region][value=neck]").await,
        json!(true)
    );

    // The keyboard: the neck (last tapped) is the picture's stop; Down moves on to the
    // next area, Space marks it.
    let neck = c
        .find(Locator::Css(".body-map[data-view=front] [data-area=neck]"))
        .await
        .unwrap();
    neck.send_keys(&Key::Down.to_string()).await.unwrap();
    let now = js(c, "return document.activeElement.dataset.area;").await;
    assert_eq!(now, json!("right_shoulder"), "Down moves to the next area");
    c.active_element()
        .await
        .unwrap()
        .send_keys(" ")
        .await
        .unwrap();
    assert_eq!(
        value_of(c, "input[name=pain_region][value=right_shoulder]").await,
        json!(true)
    );
    let stops = js(
        c,
        "return document.querySelectorAll('.body-map [tabindex=\"0\"]').length;",
    )
    .await;
    assert_eq!(stops, json!(2), "still one tab stop per picture");
    fits_the_screen(c, "step 3").await;
    assert_accessible(c, "phone form: step 3, two areas marked").await;
    js(
        c,
        "document.querySelector('.body-map[data-view=front]').scrollIntoView({block: 'start'});",
    )
    .await;
    screenshot(c, "phone-intake-3-pain-map").await;
    assert_eq!(
        tap_and_land(c, "button[value=next]").await,
        "Health conditions"
    );
    c.goto(&app.url(&format!("{link}?step=3"))).await.unwrap();
    assert_eq!(
        value_of(c, "input[name=pain_region][value=right_shoulder]").await,
        json!(true),
        "saved"
    );
    browser.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pain_diagram_fits_a_finger_on_sqlite() {
    the_pain_diagram_fits_a_finger(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pain_diagram_fits_a_finger_on_postgres() {
    the_pain_diagram_fits_a_finger(Backend::Postgres).await;
}
