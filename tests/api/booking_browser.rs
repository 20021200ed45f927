//! In Chromium at the front desk's screen (1366×768), by mouse only: a first visit
//! booked for a patient with seven flags (the one-line summary leaves the whole form on
//! the screen), then a second patient at the same time with the same practitioner:
//! the overlap is refused next to the time until "Book anyway" is ticked. Every control
//! is hit-tested with `document.elementFromPoint` before its click; axe-core passes on
//! every state; screenshots go to `docs/screenshots/`.

use clinic::domain::Role;
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::json;

use crate::assessment_browser::{mark_page, text_of, wait_for_new_page};
use crate::axe::assert_accessible;
use crate::browser::{chromium, screenshot};
use crate::emergency_browser::{fits_the_screen, js, sign_in};
use crate::helpers::{Backend, TestApp};
use crate::intake_answers::every_question_answered;

/// Where a click on the middle of the control lands, the control scrolled into view
/// first if it is off the screen (as a person scrolls).
const HIT_TEST: &str = r#"
const el = document.querySelector(arguments[0]);
if (!el) return {missing: true};
let r = el.getBoundingClientRect();
const scrolled = r.top < 0 || r.bottom > window.innerHeight;
if (scrolled) { el.scrollIntoView({block: 'center'}); r = el.getBoundingClientRect(); }
const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
const labels = el.labels ? Array.from(el.labels) : [];
const ok = !!hit && (hit === el || el.contains(hit) || labels.some(l => l === hit || l.contains(hit)));
return {ok: ok, scrolled: scrolled, hit: hit ? hit.tagName + '#' + hit.id + '.' + hit.className : null};
"#;

/// Fails unless a click on `css` would land on it; returns whether it had to scroll.
async fn aim(c: &Client, css: &str) -> bool {
    let hit = c
        .execute(HIT_TEST, vec![json!(css)])
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    assert_ne!(hit["missing"], json!(true), "{css} is not on the page");
    assert_eq!(hit["ok"], json!(true), "a click on {css} lands on {hit}");
    hit["scrolled"] == json!(true)
}

async fn click(c: &Client, css: &str) {
    aim(c, css).await;
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Waits for the next page to load (the page was marked with `mark`).
async fn and_wait(c: &Client, what: &str) {
    wait_for_new_page(c, what).await;
}

async fn mark(c: &Client) {
    mark_page(c).await;
}

/// Picks a practitioner in the booking form's select, by mouse: the select, then the
/// option. The small script shows their day at once (a GET).
async fn choose_practitioner(c: &Client, id: &str) {
    click(c, "#practitioner_id").await;
    mark(c).await;
    c.find(Locator::Css(&format!(
        "#practitioner_id option[value='{id}']"
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    and_wait(c, "the practitioner's day").await;
}

/// Waits until the practitioner's day titled `want` shows. Back may restore the page
/// from the browser's cache, marks and all, so this waits for the title, not a load.
async fn shows_day(c: &Client, want: &serde_json::Value, what: &str) {
    let title = "return document.getElementById('day-title')?.textContent ?? null;";
    for _ in 0..100 {
        if js(c, title).await == *want {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!(
        "{what}: the day shown is {}, not {want}",
        js(c, title).await
    );
}

async fn every_control_on_the_screen(c: &Client, what: &str) {
    for css in [
        "#practitioner_id",
        "#date",
        "#show-day",
        "#time",
        "#minutes",
        "#kind",
        "#book",
    ] {
        assert!(!aim(c, css).await, "{what}: {css} needs a scroll");
    }
}

async fn booking_with_seven_flags_by_mouse(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let desk = app.create_user(Role::FrontDesk).await;
    let dr = app.create_user(Role::Practitioner).await;
    let token = app.api_token(&desk).await;
    let mut pids = Vec::new();
    for (given, family, email) in [
        ("Odile", "Flagstaff", "odile@example.org"),
        ("Paul", "Second", "paul@example.org"),
    ] {
        let (s, p) = app
            .post_json(
                "/api/v1/patients",
                Some(&token),
                &json!({"given_name": given, "family_name": family,
                        "date_of_birth": "1948-02-14", "email": email}),
            )
            .await;
        assert_eq!(s, 201, "{p}");
        pids.push(p["id"].as_str().unwrap().to_owned());
    }
    let (s, v) = app
        .post_json(
            &format!("/api/v1/patients/{}/intakes", pids[0]),
            Some(&token),
            &every_question_answered(&json!({
                "chief_complaint": "Low back pain, numb between the legs since Sunday",
                "conditions": {"osteoporosis": "yes", "cancer": "yes"},
                "red_flags": {"saddle_numbness": true},
                "medications": [{"name": "Eliquis", "dose": "5 mg"}],
            })),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["flags"].as_array().unwrap().len(), 7, "{v}");

    let Some(desk_screen) = chromium(1366, 768).await else {
        return;
    };
    let c = &desk_screen.client;
    sign_in(&app, c, &desk).await;
    let url = c.current_url().await.unwrap();
    assert_eq!(url.path(), "/day", "the front desk lands on Today");

    // The patient page, then "Book a visit" above its flag banner.
    c.goto(&app.url(&format!("/patients/{}", pids[0])))
        .await
        .unwrap();
    mark(c).await;
    click(c, ".titlebar .buttons a[href$='/appointments/new']").await;
    and_wait(c, "the booking form").await;
    let summary = js(
        c,
        "return document.querySelector('.flag-summary').textContent;",
    )
    .await;
    let summary = summary.as_str().unwrap();
    assert!(
        summary.contains("Flags (7)") && summary.contains("1 emergency · 1 urgent"),
        "{summary}"
    );
    let send = c.find(Locator::Css("#send_form")).await.unwrap();
    assert!(
        !send.is_selected().await.unwrap(),
        "the form is in: the box is not ticked"
    );
    assert_accessible(c, "booking form, seven flags").await;
    choose_practitioner(c, &dr.id).await;
    fits_the_screen(c, "booking form with the practitioner's day").await;
    every_control_on_the_screen(c, "booking form, seven flags").await;
    let slots = js(
        c,
        "return Array.from(document.querySelectorAll('.slots li')).map(l => l.textContent.trim());",
    )
    .await;
    assert_eq!(slots, json!(["08:00–18:00 Free"]), "an empty day");
    assert_accessible(c, "booking form with the practitioner's day").await;

    // The next day by its button, back by the browser's Back; a date typed year first
    // with Enter shows that day, and Back returns to the first.
    let title = "return document.getElementById('day-title').textContent;";
    let first_day = js(c, title).await;
    mark(c).await;
    click(c, "#day-after").await;
    and_wait(c, "the next day").await;
    assert_ne!(js(c, title).await, first_day, "the next day's title");
    c.back().await.unwrap();
    shows_day(c, &first_day, "Back to the first day").await;
    click(c, "#date").await;
    let date = c.find(Locator::Css("#date")).await.unwrap();
    mark(c).await;
    let all = format!("{}a{}", Key::Control, Key::Null);
    date.send_keys(&all).await.unwrap();
    date.send_keys(&format!("2099/04/06{}", Key::Enter))
        .await
        .unwrap();
    and_wait(c, "the typed day").await;
    let typed_day = js(c, title).await;
    assert!(
        typed_day
            .as_str()
            .is_some_and(|t| t.ends_with("Mon 6 Apr 2099")),
        "{typed_day}"
    );
    assert_eq!(
        js(c, "return document.getElementById('date').value;").await,
        json!("2099-04-06"),
        "shown year first, as the page reads"
    );
    assert_accessible(c, "booking form, a typed day").await;
    c.back().await.unwrap();
    shows_day(c, &first_day, "Back again to the first day").await;
    let field = "return document.getElementById('date').value;";
    for _ in 0..40 {
        if js(c, field).await != json!("2099/04/06") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_ne!(
        js(c, field).await,
        json!("2099/04/06"),
        "after Back the field shows the day shown, not the one typed before"
    );
    screenshot(c, "booking-seven-flags-1366").await;
    mark(c).await;
    click(c, "#book").await;
    and_wait(c, "booked").await;
    let url = c.current_url().await.unwrap();
    assert_eq!(url.path(), "/day");
    let rows = js(
        c,
        "return Array.from(document.querySelectorAll('table.day tbody tr td:nth-child(2) a')).map(a => a.textContent);",
    )
    .await;
    assert_eq!(rows, json!(["Flagstaff, Odile"]));
    assert_accessible(c, "Today after booking").await;

    // Another patient, the same practitioner, the same 09:00.
    c.goto(&app.url(&format!("/patients/{}/appointments/new", pids[1])))
        .await
        .unwrap();
    assert!(
        c.find(Locator::Css("#send_form"))
            .await
            .unwrap()
            .is_selected()
            .await
            .unwrap(),
        "no form yet: the box is ticked"
    );
    choose_practitioner(c, &dr.id).await;
    let slots = js(
        c,
        "return Array.from(document.querySelectorAll('.slots li')).map(l => l.textContent.replace(/\\s+/g, ' ').trim());",
    )
    .await;
    assert_eq!(
        slots,
        json!([
            "08:00–09:00 Free",
            "09:00–09:45 Taken First visit",
            "09:45–18:00 Free"
        ]),
    );
    click(c, "#send_form").await; // not this time
    mark(c).await;
    click(c, "#book").await;
    and_wait(c, "the overlap warning").await;
    let error = text_of(c, "#starts_at-error").await;
    assert!(error.contains("from 09:00 to 09:45"), "{error}");
    assert_accessible(c, "the overlap warning").await;
    every_control_on_the_screen(c, "the overlap warning").await;
    screenshot(c, "booking-overlap-1366").await;
    click(c, "#allow_overlap").await;
    assert!(
        !c.find(Locator::Css("#send_form"))
            .await
            .unwrap()
            .is_selected()
            .await
            .unwrap(),
        "the unticked box stays unticked"
    );
    mark(c).await;
    click(c, "#book").await;
    and_wait(c, "booked anyway").await;
    let rows = js(
        c,
        "return Array.from(document.querySelectorAll('table.day tbody tr td:nth-child(2) a')).map(a => a.textContent);",
    )
    .await;
    assert_eq!(rows, json!(["Flagstaff, Odile", "Second, Paul"]));
    assert_accessible(c, "Today with two visits at 09:00").await;
    screenshot(c, "today-two-at-nine-1366").await;

    // Checked in by mistake, then undone; the filter keeps one practitioner's visits.
    mark(c).await;
    click(
        c,
        "table.day tbody tr:first-child form[action$='/check-in'] button",
    )
    .await;
    and_wait(c, "checked in").await;
    assert_accessible(c, "Today with Undo check-in").await;
    mark(c).await;
    click(
        c,
        "table.day tbody tr:first-child form[action$='/undo-check-in'] button",
    )
    .await;
    and_wait(c, "check-in undone").await;
    let notice = js(c, "return document.querySelector('.alert-ok').textContent;").await;
    assert!(
        notice.as_str().unwrap().contains("Check-in undone"),
        "{notice}"
    );
    aim(
        c,
        "table.day tbody tr:first-child form[action$='/check-in'] button",
    )
    .await;
    click(c, "#practitioner").await;
    c.find(Locator::Css(&format!(
        "#practitioner option[value='{}']",
        dr.id
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    mark(c).await;
    click(c, ".day-filter button").await;
    and_wait(c, "one practitioner's day").await;
    let url = c.current_url().await.unwrap();
    assert!(url.query().unwrap_or("").contains(&dr.id), "{url}");
    assert_accessible(c, "Today filtered by practitioner").await;

    // A paper form entered at the desk: the form speaks to the desk and names who
    // enters and witnesses it.
    c.goto(&app.url(&format!("/patients/{}", pids[0])))
        .await
        .unwrap();
    mark(c).await;
    click(c, ".paper-entry button").await;
    and_wait(c, "the paper form").await;
    let header = text_of(c, ".staff-entry").await;
    assert!(
        header.contains("Paper form, entered at the desk"),
        "{header}"
    );
    assert_accessible(c, "a paper form entered at the desk").await;
    screenshot(c, "desk-paper-entry-1366").await;
    desk_screen.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn booking_with_seven_flags_by_mouse_on_sqlite() {
    booking_with_seven_flags_by_mouse(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn booking_with_seven_flags_by_mouse_on_postgres() {
    booking_with_seven_flags_by_mouse(Backend::Postgres).await;
}
