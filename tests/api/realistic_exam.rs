//! The measured first visit (issue 10): in Chromium at 1024×768, a practitioner charts
//! exactly the realistic exam of the issue and the test counts what a person would do.
//!
//! The patient is 61, with a first episode of low back pain, osteoporosis, warfarin and a
//! pacemaker: six flags. The exam: history confirmed with one correction, two posture
//! findings, six lumbar range-of-motion measurements (two painful), four palpated
//! segments, the lumbar screen with one positive test, neuro all normal, NPRS, four
//! ICD-10 codes, a plan of three interventions and two home exercises; signed and
//! printed.
//!
//! Every tap is hit-tested first with `document.elementFromPoint` at the centre of the
//! control, as a finger lands: a tap whose point is covered by the pinned bar (or by
//! anything else) is counted as a miss. Keystrokes are counted one per character or key.
//! A "full reload" is any new document while charting (the mark on the page's window is
//! gone); the three page loads a person asks for (Start, Sign, Print) are expected. The
//! figures are printed and go in `docs/benchmarks.md`; the targets of the issue are
//! asserted.

use std::cell::{Cell, RefCell};

use clinic::domain::Role;
use clinic::domain::clinical::{ConditionCode, RedFlagCode};
use fantoccini::{Client, Locator};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::assessment_browser::{
    HEIGHT, WIDTH, fits_the_screen, js, mark_page, sign_in, text_of, wait_for_new_page, wait_saved,
};
use crate::axe::assert_accessible;
use crate::browser::{chromium, screenshot};
use crate::helpers::{Backend, TestApp};

/// What the practitioner's hands did, and what got in their way.
struct Finger<'a> {
    c: &'a Client,
    taps: Cell<usize>,
    keys: Cell<usize>,
    /// Taps whose point landed on the pinned bar although the control was elsewhere.
    on_pinned: Cell<usize>,
    /// Taps on the pinned bar's own controls (Acknowledge): deliberate, reported apart.
    pinned_controls: Cell<usize>,
    reloads: Cell<usize>,
    /// The action after which each new document was seen, to trace a reload.
    reloaded_after: RefCell<Vec<String>>,
    last_action: RefCell<String>,
    tallest_page: Cell<i64>,
    tallest_pinned: Cell<i64>,
}

const HIT_TEST: &str = r#"
const el = document.querySelector(arguments[0]);
if (!el) return {missing: true};
const pinned = document.querySelector('.ws-sticky');
const pinnedBottom = pinned && !el.closest('.ws-sticky') ? pinned.getBoundingClientRect().bottom : 0;
let r = el.getBoundingClientRect();
// A person scrolls the control into a free part of the screen first (not a tap).
if (r.top < pinnedBottom + 4 || r.bottom > window.innerHeight - 4) {
  el.scrollIntoView({block: 'center'});
  r = el.getBoundingClientRect();
}
const x = r.left + r.width / 2, y = r.top + r.height / 2;
const hit = document.elementFromPoint(x, y);
const labels = el.labels ? Array.from(el.labels) : [];
const ok = !!hit && (hit === el || el.contains(hit) || labels.some(l => l === hit || l.contains(hit)) || (hit.tagName === 'LABEL' && hit.contains(el)));
return {ok: ok, pinned: !!hit && !!hit.closest('.ws-sticky') && !el.closest('.ws-sticky'),
        own: !!el.closest('.ws-sticky'), hit: hit ? hit.tagName + '#' + hit.id + '.' + hit.className : null,
        w: r.width, h: r.height};
"#;

impl<'a> Finger<'a> {
    fn new(c: &'a Client) -> Self {
        Finger {
            c,
            taps: Cell::new(0),
            keys: Cell::new(0),
            on_pinned: Cell::new(0),
            pinned_controls: Cell::new(0),
            reloads: Cell::new(0),
            reloaded_after: RefCell::new(Vec::new()),
            last_action: RefCell::new(String::new()),
            tallest_page: Cell::new(0),
            tallest_pinned: Cell::new(0),
        }
    }

    /// The mark that a new document would lose.
    async fn mark(&self) {
        js(self.c, "window.__examSamePage = true; return null;").await;
    }

    /// After each action: a lost mark is a reload; the page's and the pinned bar's
    /// heights are kept at their largest.
    async fn look(&self) {
        let v = js(
            self.c,
            "const s = document.querySelector('.ws-sticky'); return [window.__examSamePage === true, document.documentElement.scrollHeight, s ? s.offsetHeight : 0];",
        )
        .await;
        if v[0] != json!(true) {
            self.reloads.set(self.reloads.get() + 1);
            self.reloaded_after
                .borrow_mut()
                .push(self.last_action.borrow().clone());
            self.mark().await;
        }
        let h = v[1].as_i64().unwrap_or(0);
        if h > self.tallest_page.get() {
            self.tallest_page.set(h);
        }
        let p = v[2].as_i64().unwrap_or(0);
        if p > self.tallest_pinned.get() {
            self.tallest_pinned.set(p);
        }
    }

    /// Hit-tests `css` where a finger would land and counts what it hit.
    async fn aim(&self, css: &str) {
        *self.last_action.borrow_mut() = css.to_owned();
        let hit = self
            .c
            .execute(HIT_TEST, vec![json!(css)])
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        assert_ne!(hit["missing"], json!(true), "{css} is not on the page");
        if hit["pinned"] == json!(true) {
            self.on_pinned.set(self.on_pinned.get() + 1);
        }
        if hit["own"] == json!(true) {
            self.pinned_controls.set(self.pinned_controls.get() + 1);
        }
        assert_eq!(hit["ok"], json!(true), "a tap on {css} lands on {hit}");
        self.taps.set(self.taps.get() + 1);
    }

    /// One tap on `css`.
    async fn tap(&self, css: &str) {
        self.aim(css).await;
        // A part the server redraws after a save (the spine picture) can be replaced
        // between finding it and clicking it; a finger lands on the new one, so the
        // click is sent again to what is there now (still one tap).
        for attempt in 0..3 {
            let el = self
                .c
                .find(Locator::Css(css))
                .await
                .unwrap_or_else(|e| panic!("{css}: {e}"));
            match el.click().await {
                Ok(()) => break,
                Err(e) if attempt < 2 && e.to_string().contains("stale element") => continue,
                Err(e) => panic!("tap {css}: {e}"),
            }
        }
        self.look().await;
    }

    /// One tap that asks for a new page (Start, Sign, Print): counted as a tap, never
    /// as a reload. (Looking for the mark right after such a tap once counted the
    /// page the person asked for as a reload, when the new page loaded fast.)
    async fn tap_to_new_page(&self, css: &str) {
        self.aim(css).await;
        self.c
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("tap {css}: {e}"));
    }

    /// Two taps: open the drop-down `css`, choose `value`.
    async fn choose(&self, css: &str, value: &str) {
        self.aim(css).await;
        self.taps.set(self.taps.get() + 1);
        let option = format!("{css} option[value='{value}']");
        self.c
            .find(Locator::Css(&option))
            .await
            .unwrap_or_else(|e| panic!("{option}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("choose {option}: {e}"));
        self.look().await;
    }

    /// Keys typed into the focused field, one keystroke per character; Enter (U+E007
    /// in WebDriver) is one key too, and may move the focus to another field.
    async fn keys(&self, text: &str) {
        let mut chunks = text.split_inclusive('\u{e007}').peekable();
        while let Some(chunk) = chunks.next() {
            let active = self.c.active_element().await.unwrap();
            active.send_keys(chunk).await.unwrap();
            self.keys.set(self.keys.get() + chunk.chars().count());
            if chunks.peek().is_some() {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        }
        self.look().await;
    }

    /// A tap into the field `css`, then `text` typed.
    async fn type_into(&self, css: &str, text: &str) {
        self.tap(css).await;
        self.keys(text).await;
    }
}

/// The patient's paper pre-visit form: every question answered, with osteoporosis,
/// blood thinners and a pacemaker, a first episode at 61.
fn realistic_intake() -> Value {
    let yes = [
        ConditionCode::Osteoporosis,
        ConditionCode::Anticoagulants,
        ConditionCode::Pacemaker,
    ];
    let conditions: serde_json::Map<String, Value> = ConditionCode::ALL
        .iter()
        .map(|c| {
            let a = if yes.contains(c) { "yes" } else { "no" };
            (c.as_str().to_owned(), json!(a))
        })
        .collect();
    let red_flags: serde_json::Map<String, Value> = RedFlagCode::ASKED
        .iter()
        .map(|r| (r.as_str().to_owned(), json!(false)))
        .collect();
    json!({
        "chief_complaint": "Low back pain after lifting a suitcase",
        "onset": "10 days ago",
        "pain_now": 6, "pain_worst": 8, "pain_regions": ["lower_back", "buttocks"],
        "earlier_episodes": false,
        "medications": [{"name": "warfarin", "dose": "5 mg daily"}, {"name": "alendronate", "dose": "70 mg weekly"}],
        "conditions": conditions,
        "red_flags": red_flags,
    })
}

async fn waits_for_saves(c: &Client, what: &str) {
    wait_saved(c, what).await;
}

async fn the_realistic_exam_on_a_tablet(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let Some(browser) = chromium(WIDTH, HEIGHT).await else {
        return;
    };
    let c = &browser.client;

    let desk = app.create_user(Role::FrontDesk).await;
    let desk_token = app.api_token(&desk).await;
    let dr = app.create_user(Role::Practitioner).await;
    let dr_token = app.api_token(&dr).await;
    let (s, p) = app
        .post_json(
            "/api/v1/patients",
            Some(&desk_token),
            &json!({"given_name": "Margarethe", "family_name": "Lindqvist",
                    "date_of_birth": "1965-04-02", "sex": "female"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let pid = p["id"].as_str().unwrap().to_owned();
    let (s, intake) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/intakes"),
            Some(&desk_token),
            &realistic_intake(),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{intake}");
    let (s, consent) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/consents"),
            Some(&desk_token),
            &json!({"kind": "treatment", "signed_name": "Margarethe Lindqvist"}),
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
    let appointment = booked["id"].as_str().unwrap().to_owned();
    let desk_browser = app.signed_in(&desk).await;
    let resp = desk_browser
        .post_form(
            &format!("/appointments/{appointment}/check-in"),
            "/day",
            &[],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);

    sign_in(&app, c, &dr).await;
    c.goto(&app.url("/day")).await.unwrap();
    assert_accessible(c, "the practitioner's Today with an arrived patient").await;

    // From here every tap and keystroke is counted.
    let f = Finger::new(c);
    f.mark().await;
    mark_page(c).await;
    f.tap_to_new_page("table.day form[action$='/assessments'] button.primary")
        .await;
    wait_for_new_page(c, "start the assessment").await;
    f.mark().await;
    let flags = js(
        c,
        "return Number(document.querySelector('.ws').dataset.flags);",
    )
    .await;
    assert!(
        flags.as_i64().unwrap() >= 5,
        "a patient with several flags: {flags}"
    );
    fits_the_screen(c, "workspace").await;
    assert_accessible(c, "workspace of a patient with six flags").await;
    screenshot(c, "exam-workspace-top").await;

    // The flag strip: the full list opens in place, and closes again (not counted: the
    // practitioner reads it; the figures count only the charting).
    js(
        c,
        "document.querySelector('#ws-flags details').open = true; return null;",
    )
    .await;
    assert_accessible(c, "the flag list open").await;
    screenshot(c, "exam-flag-list-open").await;
    js(
        c,
        "document.querySelector('#ws-flags details').open = false; return null;",
    )
    .await;

    // The first-episode age screen is a red flag: acknowledged from the strip.
    f.tap("#ws-flags .ws-top.flag-precaution form[action$='/acknowledge'] button")
        .await;
    crate::assessment_browser::settled_status(c, "acknowledge").await;
    assert!(
        text_of(c, "#ws-status").await.starts_with("Flag updated"),
        "acknowledged in place"
    );

    // While a red flag waits for its acknowledgement the strip shows it as a line of
    // its own; from here on the bar is what stays pinned while charting.
    let pinned_before_acknowledging = f.tallest_pinned.replace(0);

    // 1 · History: confirmed as reported, one answer corrected by typing.
    f.tap(".ws-confirm-all").await;
    waits_for_saves(c, "history confirmed").await;
    f.type_into(
        "#history tr[data-row]:nth-of-type(2) input[data-key=correction]",
        "stopped in 2025",
    )
    .await;
    waits_for_saves(c, "history corrected").await;

    // 2 · Posture: two findings, the rest normal.
    f.choose(
        "#posture [data-row][data-const*='\"head\"'] select[data-key=finding]",
        "head_forward",
    )
    .await;
    f.choose(
        "#posture [data-row][data-const*='\"shoulders\"'] select[data-key=finding]",
        "shoulder_high",
    )
    .await;
    f.choose(
        "#posture [data-row][data-const*='\"shoulders\"'] select[data-key=side]",
        "left",
    )
    .await;
    waits_for_saves(c, "posture").await;
    f.tap("#posture button[form=normal-posture]").await;
    crate::assessment_browser::settled_status(c, "posture all normal").await;
    js(c, "document.getElementById('posture').scrollIntoView(); window.scrollBy(0, -90); return null;").await;
    screenshot(c, "exam-posture-rom").await;

    // 3 · Range of motion: thoracic rotation both ways and the four lumbar motions,
    // typed with Enter moving down as in a spreadsheet; two painful.
    f.type_into(
        "#rom tr[data-const*='\"thoracic\",\"motion\":\"rotation_left\"'] input[data-key=degrees]",
        "25\u{e007}30\u{e007}45\u{e007}15\u{e007}20\u{e007}25",
    )
    .await;
    f.tap("#rom tr[data-const*='\"lumbar\",\"motion\":\"flexion\"'] input[data-key=pain]")
        .await;
    f.tap("#rom tr[data-const*='\"lumbar\",\"motion\":\"extension\"'] input[data-key=pain]")
        .await;
    waits_for_saves(c, "range of motion").await;
    let percent = text_of(
        c,
        "#rom tr[data-const*='\"lumbar\",\"motion\":\"flexion\"'] [data-percent]",
    )
    .await;
    assert!(percent.ends_with('%'), "% of normal as typed: {percent:?}");

    // 4 · Palpation: four segments on the spine picture.
    for segment in ["L4", "L5", "T12", "sacrum"] {
        palpate(&f, segment).await;
    }
    waits_for_saves(c, "palpation").await;
    // The picture colours as you chart: the server's redrawing after the save.
    let mut coloured = json!(null);
    for _ in 0..50 {
        coloured = js(
            c,
            "return ['L4','L5','T12','sacrum'].map(s => document.querySelector(`#spine-pick .vb[data-segment='${s}']`).className);",
        )
        .await;
        if coloured.as_array().is_some_and(|a| {
            a.iter()
                .all(|c| c.as_str().unwrap_or("").contains("st-restricted"))
        }) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        coloured.as_array().is_some_and(|a| a
            .iter()
            .all(|c| c.as_str().unwrap_or("").contains("st-restricted"))),
        "the four segments drawn restricted: {coloured}"
    );
    js(c, "document.getElementById('palpation').scrollIntoView(); window.scrollBy(0, -90); return null;").await;
    screenshot(c, "exam-palpation").await;
    // axe counts a control half under the pinned bar as too small: check from the top.
    js(c, "window.scrollTo(0, 0); return null;").await;
    assert_accessible(c, "palpation charted on the spine").await;

    // 5 · Tests: straight leg raise positive on the left, the rest of the lumbar
    // screen negative in one tap.
    f.choose(
        "#tests [data-row][data-const*='\"slr\",\"side\":\"left\"'] select[data-key=result]",
        "positive",
    )
    .await;
    waits_for_saves(c, "tests").await;
    f.tap("#tests button[form=normal-tests-lumbar]").await;
    crate::assessment_browser::settled_status(c, "lumbar screen").await;

    // 6 · Neuro all normal; 7 · NPRS 6.
    f.tap("#neuro button[form=normal-neuro]").await;
    crate::assessment_browser::settled_status(c, "neuro").await;
    js(
        c,
        "document.getElementById('tests').scrollIntoView(); window.scrollBy(0, -90); return null;",
    )
    .await;
    screenshot(c, "exam-tests-neuro").await;
    f.tap("#pain label.nprs-box:nth-of-type(7)").await;
    waits_for_saves(c, "pain").await;

    // 8 · Four diagnoses, 9 · the plan.
    diagnose(&f).await;
    plan(&f).await;
    fits_the_screen(c, "charted").await;
    // axe counts a control half under the pinned bar as too small: check from the top.
    js(
        c,
        "document.getElementById('plan').scrollIntoView(); window.scrollBy(0, -90); return null;",
    )
    .await;
    screenshot(c, "exam-plan-section").await;
    js(c, "window.scrollTo(0, 0); return null;").await;
    assert_accessible(c, "the workspace charted, before signing").await;
    screenshot(c, "exam-plan").await;
    let blockers = text_of(c, "#ws-blockers").await;
    assert!(blockers.contains("Ready to sign"), "{blockers}");

    // Where the page's height goes, section by section.
    let heights = js(
        c,
        "return Array.from(document.querySelectorAll('.ws > .card, .ws > form.ws-section, .ws-head, .ws-help')).map(e => (e.id || e.className) + ' ' + e.offsetHeight).join(', ');",
    )
    .await;
    println!("SECTION HEIGHTS: {}", heights.as_str().unwrap_or_default());
    let charting_reloads = f.reloads.get();
    println!("RELOADS AFTER: {:?}", f.reloaded_after.borrow());
    let page_height = f.tallest_page.get();
    let pinned = f.tallest_pinned.get();

    // Sign (a new page, asked for), then print.
    mark_page(c).await;
    f.tap_to_new_page("form.ws-sign button[type=submit]").await;
    wait_for_new_page(c, "sign").await;
    f.mark().await;
    assert_accessible(c, "the signed workspace").await;
    screenshot(c, "exam-signed").await;
    mark_page(c).await;
    let aid = js(
        c,
        "return document.querySelector('.ws').dataset.assessment;",
    )
    .await;
    let aid = aid.as_str().unwrap().to_owned();
    f.tap_to_new_page(&format!(".ws-meta a[href='/assessments/{aid}/print']"))
        .await;
    wait_for_new_page(c, "print").await;
    assert_accessible(c, "the print view").await;

    let (s, a) = app
        .get_json(&format!("/api/v1/assessments/{aid}"), &dr_token)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(a["status"], "signed", "{a}");
    crate::fhir::the_exports_validate(
        &app,
        &dr_token,
        &pid,
        Some(&aid),
        "the realistic exam's export",
    )
    .await;
    // What the panel's three taps recorded, and nothing it did not: unset stays null.
    let l4 = a["palpation"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["segment"] == "L4"))
        .cloned()
        .unwrap_or_else(|| panic!("L4 palpated: {}", a["palpation"]));
    assert_eq!(l4["tenderness"], 2, "{l4}");
    assert_eq!(l4["motion"], "restricted", "{l4}");
    assert_eq!(l4["restricted"], json!(["flexion"]), "{l4}");
    for unset in ["tone", "alignment", "swelling", "side", "structure"] {
        assert!(l4[unset].is_null(), "{unset} not recorded: {l4}");
    }
    assert_eq!(
        a["palpation"].as_array().map(Vec::len),
        Some(4),
        "only the four segments tapped: {}",
        a["palpation"]
    );

    let taps = f.taps.get();
    let keys = f.keys.get();
    let misses = f.on_pinned.get();
    println!(
        "REALISTIC EXAM ({backend:?}, {WIDTH}×{HEIGHT}): {taps} taps, {keys} keystrokes, \
         {charting_reloads} full reloads while charting, {misses} taps landing on the pinned bar, \
         {} deliberate taps on its controls; page height {page_height} px ({:.1} screens); \
         pinned bar at most {pinned} px ({:.1}% of the screen) while charting, \
         {pinned_before_acknowledging} px before the red flag was acknowledged",
        f.pinned_controls.get(),
        page_height as f64 / f64::from(HEIGHT),
        pinned as f64 * 100.0 / f64::from(HEIGHT),
    );
    // Reached: the issue's targets for taps, keystrokes, taps on the pinned bar and the
    // pinned bar while charting (~12% of 768 px: 92 px, a few px of slack for fonts).
    assert!(taps <= 45, "{taps} taps (target 45)");
    assert!(keys <= 40, "{keys} keystrokes (target 40)");
    assert_eq!(misses, 0, "taps that landed on the pinned bar");
    assert!(
        pinned <= 96,
        "the pinned bar is {pinned} px while charting (target ~92)"
    );
    assert!(
        pinned_before_acknowledging <= 124,
        "the pinned bar is {pinned_before_acknowledging} px with a red flag to acknowledge"
    );
    // Reloads: the one seen in some runs of the previous release was this test's own
    // count of the Start page (traced with RELOADS AFTER); the pages asked for are not
    // counted now.
    assert!(
        charting_reloads == 0,
        "{charting_reloads} full reloads while charting, after {:?}",
        f.reloaded_after.borrow()
    );
    // The page at its tallest while charting, with the sections away from the one in
    // hand folded to their lines: at most 6 screens.
    assert!(
        page_height <= 6 * i64::from(HEIGHT),
        "page height {page_height} px (target {} px)",
        6 * HEIGHT
    );
    browser.finish().await;
}

/// One palpated segment on the spine picture: the segment, tenderness II and a
/// restriction in flexion (which records the motion as restricted), three taps.
async fn palpate(f: &Finger<'_>, segment: &str) {
    f.tap(&format!("#spine-pick .vb[data-segment='{segment}']"))
        .await;
    let title = text_of(f.c, "#palp-panel .palp-title").await;
    assert!(
        title.starts_with(segment) || (segment == "sacrum" && title == "Sacrum"),
        "the panel shows {segment}: {title}"
    );
    f.tap("#palp-panel .pchip[data-pkey=tenderness][data-value='2']")
        .await;
    f.tap("#palp-panel .pchip[data-pkey=restricted][data-value=flexion]")
        .await;
}

/// Four diagnoses, each one tap on a suggestion from what was charted; the first
/// becomes primary by itself.
async fn diagnose(f: &Finger<'_>) {
    for code in ["M99.03", "M54.50", "M99.04", "M62.830"] {
        f.tap(&format!("#dx-suggest button[data-dx-code='{code}']"))
            .await;
    }
    waits_for_saves(f.c, "diagnoses").await;
    let rows = js(
        f.c,
        "return Array.from(document.querySelectorAll('#diagnoses tr[data-row]')).map(r => [r.querySelector('input[data-key=code]').value, r.querySelector('input[data-key=primary]').checked]);",
    )
    .await;
    assert_eq!(
        rows,
        json!([
            ["M99.03", true],
            ["M54.50", false],
            ["M99.04", false],
            ["M62.830", false]
        ]),
        "the suggestions went into the table in the order tapped"
    );
}

/// The plan: a frequency preset, a goal worded from the record, three interventions
/// as technique × region chips, two exercises.
async fn plan(f: &Finger<'_>) {
    f.tap("#plan button[data-preset][data-vpw='2'][data-weeks='4']")
        .await;
    f.tap("#plan-goal-chips button[data-goal^='Pain from NPRS 6']")
        .await;
    let goals = js(f.c, "return document.getElementById('plan-goals').value;").await;
    assert_eq!(
        goals,
        json!("Pain from NPRS 6 to 3 or less within 4 weeks"),
        "the goal is worded from the charted NPRS and the weeks"
    );
    for chip in [
        "soft_tissue-lumbar",
        "soft_tissue-thoracic",
        "exercise-lumbar",
    ] {
        f.tap(&format!("#allowed label[for='iv-{chip}']")).await;
    }
    f.tap("#plan [data-list=home_care] li[data-row]:nth-of-type(1) input[data-key=exercise]")
        .await;
    f.tap("#plan [data-list=home_care] li[data-row]:nth-of-type(2) input[data-key=exercise]")
        .await;
    waits_for_saves(f.c, "plan").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_realistic_exam_on_a_tablet_on_sqlite() {
    the_realistic_exam_on_a_tablet(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_realistic_exam_on_a_tablet_on_postgres() {
    the_realistic_exam_on_a_tablet(Backend::Postgres).await;
}
