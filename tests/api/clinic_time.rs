//! The clinic's time zone (`CLINIC_TIMEZONE`) on a fixed clock: at 02:30 UTC on 1 July
//! it is still 30 June, 22:30, in Montréal. A Montréal clinic's Today (page and API)
//! is 30 June's list, a draft started then is dated 30 June, and the patient page and
//! a signed record read 22:30 EDT; the same instant in a UTC clinic is 1 July. Every
//! time is still stored in UTC.

use chrono::NaiveDate;
use clinic::domain::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::carry_forward::{patient, save, sign, sign_ready, start};
use crate::helpers::{Backend, Options, TestApp, texts};

/// 1 July 2026, 02:30 UTC.
fn the_instant() -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 7, 1)
        .and_then(|d| d.and_hms_opt(2, 30, 0))
        .unwrap()
}

struct Zone {
    name: &'static str,
    today: &'static str,
    /// The patient page's "Sent … on" as the desk reads it.
    sent_on: &'static str,
}

async fn today_is_the_clinics_day(backend: Backend) {
    for zone in [
        Zone {
            name: "America/Montreal",
            today: "2026-06-30",
            sent_on: "on 2026-06-30 22:30 EDT",
        },
        Zone {
            name: "UTC",
            today: "2026-07-01",
            sent_on: "on 2026-07-01 02:30 UTC",
        },
    ] {
        let Some(app) = TestApp::spawn_configured(backend, Options::default(), |args| {
            args.timezone = Some(zone.name.into());
        })
        .await
        else {
            return;
        };
        app.clock.set_to(the_instant());
        let desk_user = app.create_user(Role::FrontDesk).await;
        let desk = app.api_token(&desk_user).await;
        let dr_user = app.create_user(Role::Practitioner).await;
        let dr = app.api_token(&dr_user).await;

        // One visit on each calendar day, booked as the desk types them (wall clock).
        let evening = patient(&app, &desk, "Evening").await;
        let morning = patient(&app, &desk, "Morning").await;
        for (pid, at) in [
            (&evening, "2026-06-30T23:00"),
            (&morning, "2026-07-01T10:00"),
        ] {
            let (s, a) = app
                .post_json(
                    &format!("/api/v1/patients/{pid}/appointments"),
                    Some(&desk),
                    &json!({"practitioner_id": dr_user.id, "starts_at": at, "minutes": 30}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{}: {a}", zone.name);
        }
        let who_is_today = if zone.today == "2026-06-30" {
            "Evening"
        } else {
            "Morning"
        };

        // Today, as the API and the page see it.
        let (s, day) = app.get_json("/api/v1/appointments", &desk).await;
        assert_eq!(s, StatusCode::OK, "{day}");
        assert_eq!(day["date"], json!(zone.today), "{}: {day}", zone.name);
        let names: Vec<&str> = day["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["patient_name"].as_str().unwrap())
            .collect();
        assert_eq!(names.len(), 1, "{}: {names:?}", zone.name);
        assert!(names[0].contains(who_is_today), "{}: {names:?}", zone.name);
        let browser = app.signed_in(&desk_user).await;
        let (_, html) = browser.get_html("/day").await;
        let rows = texts(&html, "table.data tbody tr");
        assert!(
            rows.iter().any(|r| r.contains(who_is_today)) && rows.len() == 1,
            "{}: {rows:?}",
            zone.name
        );

        // The pre-visit form sent now: the patient page says when, in the clinic's zone.
        let (s, inv) = app
            .post_json(
                &format!("/api/v1/patients/{evening}/intake-invitations"),
                Some(&desk),
                &json!({"email": "evening@example.org"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{inv}");
        let (_, html) = browser.get_html(&format!("/patients/{evening}")).await;
        assert!(html.contains(zone.sent_on), "{}: {html}", zone.name);

        // A draft started now carries the clinic's date; its signature time reads in
        // the clinic's zone on the workspace and the printed summary.
        let (aid, version) = start(&app, &dr, &evening, false).await;
        let (_, a) = app
            .get_json(&format!("/api/v1/assessments/{aid}"), &dr)
            .await;
        assert_eq!(a["visit_date"], json!(zone.today), "{}: {a}", zone.name);
        save(&app, &dr, &aid, version, sign_ready(&app)).await;
        sign(&app, &dr, &aid).await;
        let chart = app.signed_in(&dr_user).await;
        let (_, html) = chart
            .get_html(&format!("/patients/{evening}/assessments/{aid}"))
            .await;
        let signed = texts(&html, "#sign .alert-ok");
        let zone_word = zone.sent_on.rsplit(' ').next().unwrap();
        assert!(
            signed.iter().any(|s| s.contains(&format!(" {zone_word}."))),
            "{}: {signed:?}",
            zone.name
        );
        let (_, print) = chart.get_html(&format!("/assessments/{aid}/print")).await;
        assert!(
            print.contains(&format!(" {zone_word}")),
            "{}: the print view gives its times with the zone",
            zone.name
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn today_is_the_clinics_day_on_sqlite() {
    today_is_the_clinics_day(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn today_is_the_clinics_day_on_postgres() {
    today_is_the_clinics_day(Backend::Postgres).await;
}
