//! Real-browser tests of the assessment workspace on a 1024×768 tablet (Debian's
//! Chromium and ChromeDriver): a practitioner charts a normal first visit with the
//! shortcuts, and the test counts the inputs that took; and a save that lost a race
//! keeps what was typed until the practitioner chooses. Screenshots go to
//! `docs/screenshots/`.

use std::cell::Cell;
use std::time::{Duration, Instant};

use clinic::domain::Role;
use clinic::domain::clinical::{ConditionCode, RedFlagCode};
use fantoccini::{Client, Locator};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::axe::assert_accessible;
use crate::browser::{chromium, screenshot};
use crate::helpers::{Backend, TestApp, TestUser};

pub(crate) const WIDTH: u32 = 1024;
pub(crate) const HEIGHT: u32 = 768;

/// The practitioner's hands: every click, select choice, typed field and key chord
/// goes through here and is counted as one input.
struct Hands<'a> {
    c: &'a Client,
    inputs: Cell<usize>,
}

impl<'a> Hands<'a> {
    fn new(c: &'a Client) -> Self {
        Hands {
            c,
            inputs: Cell::new(0),
        }
    }

    fn count(&self) -> usize {
        self.inputs.get()
    }

    fn one_more(&self) {
        self.inputs.set(self.inputs.get() + 1);
    }

    /// One click (or tap) on the element `css`.
    async fn click(&self, css: &str) {
        self.c
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
        self.one_more();
    }

    /// One field typed: `text` into `css`.
    async fn type_in(&self, css: &str, text: &str) {
        self.c
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
        self.one_more();
    }

    /// One key chord: Alt + `key` (a digit or a lower-case letter).
    async fn alt(&self, key: char) {
        crate::finger::alt(self.c, key).await;
        self.one_more();
    }
}

pub(crate) async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("{script}: {e}"))
}

pub(crate) async fn text_of(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

pub(crate) async fn body_text(c: &Client) -> String {
    text_of(c, "body").await
}

/// Fails when the page is wider than the tablet (it would scroll sideways).
pub(crate) async fn fits_the_screen(c: &Client, what: &str) {
    let v = js(
        c,
        "return [document.documentElement.scrollWidth, window.innerWidth];",
    )
    .await;
    let (scroll, inner) = (v[0].as_i64().unwrap(), v[1].as_i64().unwrap());
    if scroll > i64::from(WIDTH) + 1 {
        // Name the widest elements, so the failure says what to fix.
        let wide = js(
            c,
            &format!(
                "return Array.from(document.querySelectorAll('body *'))\
                 .filter(e => e.getBoundingClientRect().right > {WIDTH} + 1)\
                 .slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));"
            ),
        )
        .await;
        panic!("{what}: the page is {scroll}px wide on a {inner}px screen; too wide: {wide}");
    }
}

/// Marks the current document, so that `wait_for_new_page` sees it replaced.
pub(crate) async fn mark_page(c: &Client) {
    js(c, "window.__clinicTestOldPage = true; return null;").await;
}

/// Waits until the marked document has been replaced by a fully loaded one.
pub(crate) async fn wait_for_new_page(c: &Client, what: &str) {
    let started = Instant::now();
    loop {
        let fresh = c
            .execute(
                "return window.__clinicTestOldPage === undefined && document.readyState === 'complete';",
                vec![],
            )
            .await;
        if matches!(fresh, Ok(Value::Bool(true))) {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{what}: no new page loaded (at {})",
            c.current_url().await.unwrap()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until `#ws-status` has settled (unchanged for longer than the autosave's
/// typing delay) and returns what it says.
pub(crate) async fn settled_status(c: &Client, what: &str) -> String {
    let started = Instant::now();
    let mut last = String::new();
    let mut since = Instant::now();
    loop {
        let now = text_of(c, "#ws-status").await;
        if now != last {
            last = now;
            since = Instant::now();
        } else if !last.starts_with("Saving") && since.elapsed() > Duration::from_millis(1300) {
            return last;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{what}: the status never settled (last: {last:?})"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until the autosave says "Saved · version N" and nothing more is pending;
/// returns N.
pub(crate) async fn wait_saved(c: &Client, what: &str) -> i64 {
    let status = settled_status(c, what).await;
    if !status.starts_with("Saved") {
        let errors = js(
            c,
            "return Array.from(document.querySelectorAll('.ws-errors, .field-error')).map(e => e.closest('form') ? e.closest('form').id + ': ' + e.textContent : e.textContent).filter(t => t.trim());",
        )
        .await;
        panic!("{what}: the status says {status:?}; errors on the page: {errors}");
    }
    status
        .rsplit(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{what}: no version in {status:?}"))
}

async fn wait_for_status(c: &Client, starts_with: &str, what: &str) -> String {
    let started = Instant::now();
    loop {
        let now = text_of(c, "#ws-status").await;
        if now.starts_with(starts_with) {
            return now;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{what}: the status never said {starts_with:?} (last: {now:?})"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Signs in through the login page (not counted: it is not part of charting).
pub(crate) async fn sign_in(app: &TestApp, c: &Client, user: &TestUser) {
    c.goto(&app.url("/login")).await.unwrap();
    assert_accessible(c, "sign-in page").await;
    c.find(Locator::Css("#email"))
        .await
        .unwrap()
        .send_keys(&user.email)
        .await
        .unwrap();
    c.find(Locator::Css("#password"))
        .await
        .unwrap()
        .send_keys(&user.password)
        .await
        .unwrap();
    mark_page(c).await;
    c.find(Locator::Css("form[action='/login'] button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_new_page(c, "sign-in").await;
    let url = c.current_url().await.unwrap();
    assert!(
        !url.path().starts_with("/login"),
        "signed in (still at {url}): {}",
        body_text(c).await
    );
}

pub(crate) async fn new_patient(app: &TestApp, token: &str, given: &str, family: &str) -> String {
    let (s, p) = app
        .post_json(
            "/api/v1/patients",
            Some(token),
            &json!({"given_name": given, "family_name": family,
                    "date_of_birth": "1978-02-11", "sex": "male"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    p["id"].as_str().unwrap().to_owned()
}

/// A paper pre-visit form with nothing serious: every condition and red-flag question
/// answered "no".
fn uneventful_intake() -> Value {
    let conditions: serde_json::Map<String, Value> = ConditionCode::ALL
        .iter()
        .map(|c| (c.as_str().to_owned(), json!("no")))
        .collect();
    let red_flags: serde_json::Map<String, Value> = RedFlagCode::ASKED
        .iter()
        .map(|r| (r.as_str().to_owned(), json!(false)))
        .collect();
    json!({
        "chief_complaint": "Stiff low back after a long drive",
        "onset": "3 days ago",
        "pain_now": 3, "pain_worst": 5, "pain_regions": ["lower_back"],
        "earlier_episodes": false,
        "conditions": conditions,
        "red_flags": red_flags,
    })
}

/// After "All normal" was pressed for `section` (on a page marked with `mark_page`):
/// the section is filled in place, with no reload, and the page says so.
async fn all_normal_in_place(c: &Client, section: &str) {
    let started = Instant::now();
    loop {
        let status = js(
            c,
            &format!("var t = document.querySelector('.ws-index a[href=\"#{section}\"]').title; return document.getElementById('ws-status').textContent === 'Saved as all normal: ' + t;"),
        )
        .await;
        if status == json!(true) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "all normal: {section}: status {status}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let same_page = js(c, "return window.__clinicTestOldPage === true;").await;
    assert_eq!(
        same_page,
        json!(true),
        "{section}: all normal reloaded the page"
    );
    let done = js(
        c,
        &format!("return document.querySelector('.ws-index a[href=\"#{section}\"]').classList.contains('done');"),
    )
    .await;
    assert_eq!(done, json!(true), "{section} is ticked in the index");
    fits_the_screen(c, &format!("after all normal: {section}")).await;
    assert_accessible(c, &format!("workspace after \"All normal\" in {section}")).await;
}

/// The version the page was rendered with.
async fn page_version(c: &Client) -> i64 {
    js(
        c,
        "return Number(document.getElementById('ws-version').value);",
    )
    .await
    .as_i64()
    .unwrap()
}

async fn a_practitioner_charts_a_normal_exam_on_a_tablet(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let Some(browser) = chromium(WIDTH, HEIGHT).await else {
        return;
    };
    let c = &browser.client;

    // The front desk registers the patient and enters the paper forms.
    let desk = app.create_user(Role::FrontDesk).await;
    let desk_token = app.api_token(&desk).await;
    let dr = app.create_user(Role::Practitioner).await;
    let dr_token = app.api_token(&dr).await;
    let pid = new_patient(&app, &desk_token, "Tomasz", "Wiśniewski").await;
    let (s, intake) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/intakes"),
            Some(&desk_token),
            &uneventful_intake(),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{intake}");
    assert_eq!(intake["flags"], json!([]), "nothing serious: {intake}");
    let (s, consent) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/consents"),
            Some(&desk_token),
            &json!({"kind": "treatment", "signed_name": "Tomasz Wiśniewski"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{consent}");

    let (s, booked) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/appointments"),
            Some(&desk_token),
            &json!({"practitioner_id": dr.id, "kind": "first_visit",
                    "starts_at": format!("{}T09:30", app.clock.now().date())}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{booked}");

    sign_in(&app, c, &dr).await;
    assert_accessible(c, "start page after sign-in").await;
    c.goto(&app.url("/day")).await.unwrap();
    assert!(
        body_text(c).await.contains("Wiśniewski"),
        "the day list shows the booking"
    );
    fits_the_screen(c, "day list").await;
    assert_accessible(c, "day list with one booking").await;
    c.goto(&app.url(&format!("/patients/{pid}"))).await.unwrap();
    fits_the_screen(c, "patient page").await;
    assert_accessible(c, "patient page").await;

    // From here on every input is counted.
    let hands = Hands::new(c);
    mark_page(c).await;
    hands
        .click("#assessments form[action$='/assessments'] button[type=submit]")
        .await;
    wait_for_new_page(c, "start the assessment").await;
    let url = c.current_url().await.unwrap();
    assert!(
        url.path()
            .starts_with(&format!("/patients/{pid}/assessments/")),
        "{url}"
    );
    let aid = js(
        c,
        "return document.querySelector('.ws').dataset.assessment;",
    )
    .await
    .as_str()
    .unwrap()
    .to_owned();
    assert_eq!(text_of(c, "#ws-status").await, "Changes save as you go.");
    fits_the_screen(c, "new workspace").await;
    assert_accessible(c, "new workspace").await;

    // 1 · History: the patient's answers confirmed in one press.
    hands.click(".ws-confirm-all").await;
    let v_history = wait_saved(c, "history").await;
    let unchecked = js(
        c,
        "return Array.from(document.querySelectorAll('#history select[data-key=status]')).filter(s => s.value !== 'verified').length;",
    )
    .await;
    assert_eq!(unchecked, json!(0), "every history line verified");
    assert_accessible(c, "workspace, history confirmed and saved").await;
    js(c, "window.scrollTo(0, 0); return null;").await;
    screenshot(c, "assessment-workspace-top").await;

    // 2 · Posture: the "All normal" button in the section's heading.
    mark_page(c).await;
    hands
        .click("#posture .ws-section-head .ws-normal-btn")
        .await;
    all_normal_in_place(c, "posture").await;
    let v_posture = page_version(c).await;

    // 3 · Range of motion: Alt+3 jumps there, Alt+N presses its "All normal".
    hands.alt('3').await;
    let focused_in = js(
        c,
        "var f = document.activeElement && document.activeElement.closest('form.ws-section'); return f ? f.id : null;",
    )
    .await;
    assert_eq!(focused_in, json!("rom"), "Alt+3 moved to range of motion");
    mark_page(c).await;
    hands.alt('n').await;
    all_normal_in_place(c, "rom").await;
    // "% of normal" follows the degrees as they are typed, before any save answers
    // (not counted: the normal exam keeps the normal value).
    let flexion = c
        .find(Locator::Css(
            "#rom tr[data-const*='\"lumbar\"'][data-const*='\"flexion\"'] input[data-key=degrees]",
        ))
        .await
        .unwrap();
    flexion.clear().await.unwrap();
    flexion.send_keys("45").await.unwrap();
    let percent = js(
        c,
        "return document.activeElement.closest('tr').querySelector('[data-percent]').textContent;",
    )
    .await;
    assert_eq!(percent, json!("75%"), "45° of a 60° normal, as typed");
    flexion.clear().await.unwrap();
    flexion.send_keys("60").await.unwrap();
    wait_saved(c, "rom").await;
    let v_rom = page_version(c).await;

    // 4 · Palpation: the button again.
    mark_page(c).await;
    hands
        .click("#palpation .ws-section-head .ws-normal-btn")
        .await;
    all_normal_in_place(c, "palpation").await;
    screenshot(c, "assessment-workspace-palpation").await;

    // 5 · Orthopedic tests: Alt+5, then a named screening set (Alt+N does not guess
    // which set is meant).
    hands.alt('5').await;
    mark_page(c).await;
    hands.click("#tests button[form=normal-tests-lumbar]").await;
    all_normal_in_place(c, "tests").await;
    let marked = js(
        c,
        "return document.querySelectorAll('#tests select[data-key=result] option[value=negative]:checked').length;",
    )
    .await;
    assert_eq!(
        marked,
        json!(10),
        "the lumbar screen's 5 tests, both sides, and no others"
    );

    // 6 · Neurological screen: the button.
    mark_page(c).await;
    hands.click("#neuro .ws-section-head .ws-normal-btn").await;
    all_normal_in_place(c, "neuro").await;

    // 7 · Pain: NPRS 3.
    hands.click("#pain input[name=nprs][value='3']").await;
    wait_saved(c, "pain").await;

    // 8 · Diagnoses: M54.50, primary.
    hands
        .type_in(
            "#diagnoses tbody tr:first-child input[data-key=code]",
            "M54.50",
        )
        .await;
    hands
        .click("#diagnoses tbody tr:first-child input[data-key=primary]")
        .await;
    wait_saved(c, "diagnoses").await;

    // 9 · Plan.
    let re_exam = app.clock.now().date() + chrono::Duration::days(28);
    hands.type_in("#plan-vpw", "2").await;
    hands.type_in("#plan-weeks", "4").await;
    hands
        .type_in(
            "#plan-goals",
            "Drive for an hour without pain above 2/10; back to the gym",
        )
        .await;
    // Interventions: a chip per technique in the lumbar row (the complaint's region,
    // first in the grid).
    hands
        .click("#allowed label[for='iv-soft_tissue-lumbar']")
        .await;
    hands
        .click("#allowed label[for='iv-exercise-lumbar']")
        .await;
    hands
        .click("#plan input[data-key=exercise][value=cat_cow]")
        .await;
    hands
        .click("#plan input[data-key=exercise][value=bird_dog]")
        .await;
    // A date field takes the date as the browser's locale shows it (en-US: mm/dd/yyyy).
    hands
        .type_in("#plan-reexam", &re_exam.format("%m%d%Y").to_string())
        .await;
    let typed_date = js(c, "return document.getElementById('plan-reexam').value;").await;
    assert_eq!(
        typed_date,
        json!(re_exam.format("%Y-%m-%d").to_string()),
        "the re-examination date as typed"
    );
    let v_plan = wait_saved(c, "plan").await;
    fits_the_screen(c, "plan").await;

    // The flag banner and section index stay in view down at the plan.
    js(
        c,
        "document.getElementById('plan').scrollIntoView({block: 'start'}); return null;",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let sticky = js(
        c,
        "var r = document.querySelector('.ws-sticky').getBoundingClientRect(); var s = document.getElementById('ws-status').getBoundingClientRect(); return [r.top, r.bottom, window.scrollY, s.top, s.bottom];",
    )
    .await;
    let (top, bottom, scrolled) = (
        sticky[0].as_f64().unwrap(),
        sticky[1].as_f64().unwrap(),
        sticky[2].as_f64().unwrap(),
    );
    println!(
        "at the plan: flag banner and index at {top}..{bottom}px; the save status at {}..{}px",
        sticky[3], sticky[4]
    );
    assert!(scrolled > 0.0, "the page scrolled to the plan");
    assert!(
        top >= 0.0 && bottom > 0.0,
        "the flag banner and index stay in view (top {top}, bottom {bottom})"
    );
    fits_the_screen(c, "scrolled to the plan").await;
    assert_accessible(c, "workspace with the plan filled in, scrolled to the plan").await;
    screenshot(c, "assessment-workspace-plan").await;

    // What the server holds before signing.
    let (s, a) = app
        .get_json(&format!("/api/v1/assessments/{aid}"), &dr_token)
        .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    assert_eq!(a["version"], json!(v_plan), "{a}");
    assert_eq!(a["status"], "draft");
    // "Before signing" followed the saves without a reload.
    let before_signing = text_of(c, "#ws-blockers").await;
    assert!(
        before_signing.contains("Ready to sign"),
        "the checklist is current: {before_signing}"
    );

    // Sign.
    mark_page(c).await;
    hands.click("form.ws-sign button[type=submit]").await;
    wait_for_new_page(c, "sign").await;
    let body = body_text(c).await;
    assert!(
        body.contains("Signed. The record is now read-only"),
        "signed: {body}"
    );
    assert_eq!(text_of(c, ".ws-meta .badge").await, "Signed");
    assert_eq!(text_of(c, "#ws-status").await, "Read only.");
    fits_the_screen(c, "signed").await;
    assert_accessible(c, "signed workspace (read only)").await;
    screenshot(c, "assessment-signed").await;

    let (_, a) = app
        .get_json(&format!("/api/v1/assessments/{aid}"), &dr_token)
        .await;
    assert_eq!(a["status"], "signed", "{a}");

    // The printable summary, in the same browser session.
    let print = format!("/assessments/{aid}/print");
    let status = c
        .execute(
            "return fetch(arguments[0], {credentials: 'same-origin'}).then(r => r.status);",
            vec![json!(print)],
        )
        .await
        .unwrap();
    assert_eq!(status, json!(200), "GET {print}");
    mark_page(c).await;
    c.find(Locator::Css(&format!(".ws-meta a[href='{print}']")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_new_page(c, "print").await;
    assert_eq!(c.current_url().await.unwrap().path(), print);
    let printed = body_text(c).await;
    assert!(
        printed.contains("M54.50"),
        "the summary shows the diagnosis: {printed}"
    );
    assert_accessible(c, "print view of the signed assessment").await;
    // On screen: a Print button (shown by print.js) and the way back.
    let print_button = js(
        c,
        "const b = document.querySelector('.print-actions button[data-print]'); return b && !b.hidden;",
    )
    .await;
    assert_eq!(print_button, json!(true), "the Print button is shown");
    screenshot(c, "assessment-print-screen").await;
    hands.click(".print-actions a").await;
    wait_for_new_page(c, "back from print").await;
    assert!(
        c.current_url().await.unwrap().path().ends_with(&aid),
        "Back returns to the assessment"
    );

    let n = hands.count();
    println!("inputs for a normal exam: {n}");
    println!("versions: history {v_history}, posture {v_posture}, rom {v_rom}, plan {v_plan}");
    assert!(n < 60, "a normal exam took {n} inputs");
    browser.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_practitioner_charts_a_normal_exam_on_a_tablet_on_sqlite() {
    a_practitioner_charts_a_normal_exam_on_a_tablet(Backend::Sqlite).await;
}

async fn a_stale_save_keeps_what_was_typed(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let Some(browser) = chromium(WIDTH, HEIGHT).await else {
        return;
    };
    let c = &browser.client;
    let dr = app.create_user(Role::Practitioner).await;
    let token = app.api_token(&dr).await;
    let pid = new_patient(&app, &token, "Aiko", "Stale").await;
    let (s, a) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/assessments"),
            Some(&token),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let aid = a["id"].as_str().unwrap().to_owned();
    let version = a["version"].as_i64().unwrap();

    sign_in(&app, c, &dr).await;
    c.goto(&app.url(&format!("/patients/{pid}/assessments/{aid}")))
        .await
        .unwrap();
    assert_eq!(page_version(c).await, version);
    assert_accessible(c, "draft workspace opened from its link").await;

    // Someone else saves first (the same practitioner on another device).
    let (s, v) = app
        .put_json(
            &format!("/api/v1/assessments/{aid}"),
            &token,
            &json!({"version": version, "pain": {"nprs": 5}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let theirs = v["version"].as_i64().unwrap();
    assert_eq!(theirs, version + 1);

    let typed = "Worse after sitting more than 30 minutes";
    crate::finger::tap(c, "#pain-notes").await;
    c.find(Locator::Css("#pain-notes"))
        .await
        .unwrap()
        .send_keys(typed)
        .await
        .unwrap();
    let status = wait_for_status(c, "Not saved", "stale save").await;
    assert!(status.contains("someone else saved first"), "{status}");
    let kept = js(c, "return document.getElementById('pain-notes').value;").await;
    assert_eq!(kept, json!(typed), "what was typed is still in the field");
    let conflict = text_of(c, "#pain .ws-errors").await;
    assert!(
        conflict.contains("Someone else saved this assessment"),
        "{conflict}"
    );
    fits_the_screen(c, "conflict").await;
    assert_accessible(c, "workspace showing a lost save (conflict)").await;
    let mine = c
        .find(Locator::XPath(
            "//form[@id='pain']//div[contains(@class,'ws-errors')]//button[starts-with(normalize-space(.), 'Save my version')]",
        ))
        .await
        .expect("a \"Save my version\" button in the pain section");
    mine.click().await.unwrap();
    let status = wait_for_status(c, "Saved", "saving my version").await;
    // Moving focus to the button also fires the field's change event, which may save
    // the same section once more: at least one save after theirs.
    let saved: i64 = status
        .trim_start_matches("Saved · version ")
        .parse()
        .unwrap_or_else(|_| panic!("{status}"));
    assert!(saved > theirs, "{status}");

    let (_, a) = app
        .get_json(&format!("/api/v1/assessments/{aid}"), &token)
        .await;
    assert!(a["version"].as_i64().unwrap() >= saved, "{a}");
    assert_eq!(a["pain"]["notes"], json!(typed), "{a}");
    println!(
        "after \"Save my version\" the pain section is {}",
        a["pain"]
    );
    assert_accessible(c, "workspace after \"Save my version\"").await;
    browser.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_save_keeps_what_was_typed_on_sqlite() {
    a_stale_save_keeps_what_was_typed(Backend::Sqlite).await;
}
