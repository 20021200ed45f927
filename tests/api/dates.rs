//! Dates in queries and fields: one year-first format, one accepted range, and no
//! date a request can send that makes a page fail. `/day?date=+262142-12-31` once
//! panicked the worker computing "next day"; now a date out of range shows today and
//! says why, the API answers 422 next to `date`, and the booking form keeps what was
//! typed beside its message. The booking form's day spans `CLINIC_HOURS`.

use clinic::domain::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Backend, Options, TestApp, texts};

async fn out_of_range_dates_are_refused_not_fatal(app: TestApp) {
    let desk = app.create_user(Role::FrontDesk).await;
    let token = app.api_token(&desk).await;
    let b = app.signed_in(&desk).await;
    for raw in [
        "%2B262142-12-31",
        "-262143-01-01",
        "262142-12-31",
        "2026-02-30",
        "1899-12-31",
        "2200-01-01",
        "yesterday",
    ] {
        let (s, html) = b.get_html(&format!("/day?date={raw}")).await;
        assert_eq!(s, StatusCode::OK, "/day?date={raw}");
        let notice = texts(&html, "[role=status], .notice, .alert").join(" ");
        assert!(notice.contains("Showing today"), "{raw}: {notice}");
        let (s, e) = app
            .get_json(&format!("/api/v1/appointments?date={raw}"), &token)
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{raw}: {e}");
        assert!(e["errors"]["date"].is_string(), "{raw}: {e}");
    }
    // The range's last day pages to itself instead of past the calendar.
    let (s, html) = b.get_html("/day?date=2199-12-31").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("/day?date=2199-12-31\">Next day"),
        "next day stays"
    );
    let (s, html) = b.get_html("/day?date=1900-01-01").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("/day?date=1900-01-01\">← Previous day"));

    // A booking far past the range is refused next to the time, not overflowed.
    let dr = app.create_user(Role::Practitioner).await;
    let (s, p) = app
        .post_json(
            "/api/v1/patients",
            Some(&token),
            &json!({"given_name": "Ada", "family_name": "Range",
                    "date_of_birth": "1970-01-01", "sex": "female"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let pid = p["id"].as_str().unwrap();
    for starts_at in ["+262143-12-31T23:59", "2200-01-01T09:00"] {
        let (s, e) = app
            .post_json(
                &format!("/api/v1/patients/{pid}/appointments"),
                Some(&token),
                &json!({"practitioner_id": dr.id, "starts_at": starts_at, "minutes": 240}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{starts_at}: {e}");
        assert!(e["errors"]["starts_at"].is_string(), "{e}");
    }

    // The booking form's date is typed year first; another order is refused beside
    // the field with what was typed still in it.
    let page = |date: &str| {
        format!(
            "/patients/{pid}/appointments/new?practitioner_id={}&date={date}",
            dr.id
        )
    };
    let (s, html) = b.get_html(&page("2099/04/06")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        texts(&html, "#day-title"),
        [format!("{}, Mon 6 Apr 2099", dr.name)]
    );
    assert!(html.contains("value=\"2099-04-06\""), "shown year first");
    assert!(html.contains("date=2099-04-05\">← Sun 5 Apr"));
    assert!(html.contains("date=2099-04-07\">Tue 7 Apr →"));
    let (s, html) = b.get_html(&page("04/06/2099")).await;
    assert_eq!(s, StatusCode::OK);
    let err = texts(&html, "#date-error");
    assert!(
        err.first().is_some_and(|e| e.contains("year first")),
        "{err:?}"
    );
    assert!(
        html.contains("value=\"04/06/2099\""),
        "what was typed stays"
    );
    assert!(html.contains("aria-describedby=\"date-error\""));
    // No native date picker anywhere the desk or admin types a date: the picker shows
    // the browser's locale (mm/dd/yyyy) beside pages that read year first.
    assert!(!html.contains("type=\"date\""));
}

async fn the_booking_day_spans_the_opening_hours(backend: Backend) {
    let Some(app) = TestApp::spawn_configured(backend, Options::default(), |args| {
        args.clinic_hours = "07:30-12:00".into();
    })
    .await
    else {
        return;
    };
    let desk = app.create_user(Role::FrontDesk).await;
    let dr = app.create_user(Role::Practitioner).await;
    let token = app.api_token(&desk).await;
    let (_, p) = app
        .post_json(
            "/api/v1/patients",
            Some(&token),
            &json!({"given_name": "Ada", "family_name": "Hours",
                    "date_of_birth": "1970-01-01", "sex": "female"}),
        )
        .await;
    let pid = p["id"].as_str().unwrap();
    for starts_at in ["2099-04-06T09:00", "2099-04-06T12:30"] {
        let (s, a) = app
            .post_json(
                &format!("/api/v1/patients/{pid}/appointments"),
                Some(&token),
                &json!({"practitioner_id": dr.id, "starts_at": starts_at, "minutes": 30}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
    }
    let b = app.signed_in(&desk).await;
    let (_, html) = b
        .get_html(&format!(
            "/patients/{pid}/appointments/new?practitioner_id={}&date=2099-04-06",
            dr.id
        ))
        .await;
    let slots: Vec<String> = texts(&html, ".slots li")
        .iter()
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        slots,
        [
            "07:30–09:00 Free",
            "09:00–09:30 Taken First visit",
            "09:30–12:30 Free",
            "12:30–13:00 Taken First visit",
        ],
        "opens at 07:30, a visit after closing still shows"
    );
}

on_both_backends!(out_of_range_dates_are_refused_not_fatal);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_booking_day_spans_the_opening_hours_on_sqlite() {
    the_booking_day_spans_the_opening_hours(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_booking_day_spans_the_opening_hours_on_postgres() {
    the_booking_day_spans_the_opening_hours(Backend::Postgres).await;
}
