//! Booking a visit at the front desk: an overlapping time is refused next to the time
//! (HTML) or with a field error (JSON) until "Book anyway" / `allow_overlap`; the
//! practitioner's day shows free and taken times for a plain GET; the "Email the
//! pre-visit form" box is not ticked over a submitted form or a live link; `/` takes
//! the front desk and practitioners to Today; a check-in can be undone the same day.

use clinic::domain::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, texts};
use crate::intake_answers::every_question_answered;

async fn patient(app: &TestApp, token: &str, family: &str, email: Option<&str>) -> String {
    let mut body = json!({"given_name": "Iris", "family_name": family,
                          "date_of_birth": "1970-05-06", "sex": "female"});
    if let Some(e) = email {
        body["email"] = json!(e);
    }
    let (s, p) = app.post_json("/api/v1/patients", Some(token), &body).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    p["id"].as_str().unwrap().to_owned()
}

async fn overlapping_bookings_need_book_anyway(app: TestApp) {
    let desk = app.create_user(Role::FrontDesk).await;
    let dr = app.create_user(Role::Practitioner).await;
    let other_dr = app.create_user(Role::Practitioner).await;
    let token = app.api_token(&desk).await;
    let first = patient(&app, &token, "First", None).await;
    let second = patient(&app, &token, "Second", None).await;
    let (s, a) = app
        .post_json(
            &format!("/api/v1/patients/{first}/appointments"),
            Some(&token),
            &json!({"practitioner_id": dr.id, "starts_at": "2099-04-06T09:00", "minutes": 45}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");

    // JSON: 09:30 overlaps 09:00-09:45 for the same practitioner.
    let clash = json!({"practitioner_id": dr.id, "starts_at": "2099-04-06T09:30", "minutes": 30});
    let (s, e) = app
        .post_json(
            &format!("/api/v1/patients/{second}/appointments"),
            Some(&token),
            &clash,
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let said = e.to_string();
    assert!(said.contains("09:00 to 09:45"), "{said}");
    assert!(said.contains("allow_overlap"), "{said}");
    // Touching ends and another practitioner are no overlap.
    for ok in [
        json!({"practitioner_id": dr.id, "starts_at": "2099-04-06T09:45", "minutes": 15}),
        json!({"practitioner_id": other_dr.id, "starts_at": "2099-04-06T09:30", "minutes": 30}),
    ] {
        let (s, b) = app
            .post_json(
                &format!("/api/v1/patients/{second}/appointments"),
                Some(&token),
                &ok,
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{ok}: {b}");
    }
    let mut anyway = clash.clone();
    anyway["allow_overlap"] = json!(true);
    let (s, b) = app
        .post_json(
            &format!("/api/v1/patients/{second}/appointments"),
            Some(&token),
            &anyway,
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");

    // HTML: the same refusal next to the time, with the box to book anyway.
    let b = app.signed_in(&desk).await;
    let page = format!(
        "/patients/{second}/appointments/new?practitioner_id={}&date=2099-04-06",
        dr.id
    );
    let (s, html) = b.get_html(&page).await;
    assert_eq!(s, StatusCode::OK);
    let slots = texts(&html, ".slots li");
    assert!(
        slots
            .iter()
            .any(|t| t.starts_with("09:00–09:45") && t.contains("Taken")),
        "{slots:?}"
    );
    assert!(
        slots
            .iter()
            .any(|t| t.starts_with("08:00–09:00") && t.contains("Free")),
        "{slots:?}"
    );
    assert!(
        !html.contains("id=\"allow_overlap\""),
        "no Book anyway box before an overlap"
    );
    let fields = [
        ("practitioner_id", dr.id.as_str()),
        ("date", "2099-04-06"),
        ("time", "09:50"),
        ("minutes", "45"),
        ("kind", "follow_up"),
    ];
    let r = b
        .post_form(&format!("/patients/{second}/appointments"), &page, &fields)
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    let err = texts(&html, "#starts_at-error");
    assert!(
        err.first()
            .is_some_and(|e| e.contains("from 09:30 to 10:00")),
        "{err:?}"
    );
    assert!(html.contains("aria-describedby=\"starts_at-error\""));
    assert!(
        html.contains("id=\"allow_overlap\""),
        "the Book anyway box is offered"
    );
    let mut anyway: Vec<(&str, &str)> = fields.to_vec();
    anyway.push(("allow_overlap", "1"));
    let r = b
        .post_form(&format!("/patients/{second}/appointments"), &page, &anyway)
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, day) = app
        .get_json("/api/v1/appointments?date=2099-04-06", &token)
        .await;
    let n = day["items"].as_array().map(Vec::len);
    assert_eq!(n, Some(5), "{day}");
}

async fn the_form_box_is_unticked_when_a_form_is_in_or_a_link_works(app: TestApp) {
    let desk = app.create_user(Role::FrontDesk).await;
    let token = app.api_token(&desk).await;
    let fresh = patient(&app, &token, "Fresh", Some("fresh@example.org")).await;
    let linked = patient(&app, &token, "Linked", Some("linked@example.org")).await;
    let done = patient(&app, &token, "Done", Some("done@example.org")).await;
    let (s, _) = app
        .post_json(
            &format!("/api/v1/patients/{linked}/intake-invitations"),
            Some(&token),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, v) = app
        .post_json(
            &format!("/api/v1/patients/{done}/intakes"),
            Some(&token),
            &every_question_answered(&json!({"chief_complaint": "Stiff neck"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let b = app.signed_in(&desk).await;
    for (pid, ticked, why) in [
        (&fresh, true, None),
        (&linked, false, Some("still works until")),
        (&done, false, Some("already submitted")),
    ] {
        let (_, html) = b
            .get_html(&format!("/patients/{pid}/appointments/new"))
            .await;
        let doc = scraper::Html::parse_document(&html);
        let sel = scraper::Selector::parse("#send_form").unwrap();
        let box_ = doc.select(&sel).next().expect("the box");
        assert_eq!(box_.value().attr("checked").is_some(), ticked, "{pid}");
        let note = texts(&html, "#send_form-note");
        match why {
            Some(w) => assert!(note.first().is_some_and(|n| n.contains(w)), "{note:?}"),
            None => assert!(note.is_empty(), "{note:?}"),
        }
    }
}

async fn home_is_the_day_except_for_admins(app: TestApp) {
    for role in [Role::FrontDesk, Role::Practitioner] {
        let user = app.create_user(role).await;
        let b = app.signed_in(&user).await;
        let r = b.get("/").await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{role:?}");
        assert_eq!(r.headers()["location"], "/day", "{role:?}");
        let (_, html) = b.get_html("/day").await;
        assert_eq!(
            texts(&html, "nav a[aria-current=page]"),
            vec!["Today"],
            "{role:?}"
        );
        assert!(
            texts(&html, "nav a").iter().all(|t| t != "Home"),
            "{role:?}"
        );
    }
    let admin = app.create_user(Role::Admin).await;
    let b = app.signed_in(&admin).await;
    let (s, html) = b.get_html("/").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(texts(&html, "h1"), vec!["Overview"]);
    assert!(html.contains("href=\"/admin/audit\""));
    let staff = texts(&html, ".tile span");
    assert!(
        staff.first().is_some_and(|t| t.contains("active of")),
        "{staff:?}"
    );
    assert_eq!(texts(&html, "nav a[aria-current=page]"), vec!["Home"]);
    let (_, html) = b.get_html("/admin/audit").await;
    assert_eq!(
        texts(&html, "nav a[aria-current=page]"),
        vec!["Audit trail"]
    );
}

async fn a_check_in_can_be_undone_the_same_day(app: TestApp) {
    let desk = app.create_user(Role::FrontDesk).await;
    let dr = app.create_user(Role::Practitioner).await;
    let token = app.api_token(&desk).await;
    let pid = patient(&app, &token, "Undone", None).await;
    let today = app.clock.now().date();
    let (s, a) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/appointments"),
            Some(&token),
            &json!({"practitioner_id": dr.id, "starts_at": format!("{today}T11:00")}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let aid = a["id"].as_str().unwrap().to_owned();
    let b = app.signed_in(&desk).await;
    let r = b
        .post_form(&format!("/appointments/{aid}/check-in"), "/day", &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = b.get_html("/day").await;
    assert!(texts(&html, "button").iter().any(|t| t == "Undo check-in"));
    let r = b
        .post_form(&format!("/appointments/{aid}/undo-check-in"), "/day", &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = b.get_html(r.headers()["location"].to_str().unwrap()).await;
    assert!(html.contains("Check-in undone"), "{html}");
    assert!(texts(&html, "button").iter().any(|t| t == "Check in"));
    // Undoing twice is refused: the visit is booked again.
    let r = b
        .post_form(&format!("/appointments/{aid}/undo-check-in"), "/day", &[])
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let details: Vec<String> = app
        .with_db(|conn| {
            use clinic::schema::audit_events::dsl::*;
            use diesel::prelude::*;
            audit_events
                .filter(action.eq("appointment.changed"))
                .order(seq.asc())
                .select(detail)
                .load::<Option<String>>(conn)
                .unwrap()
                .into_iter()
                .flatten()
                .collect()
        })
        .await;
    assert_eq!(details, vec!["arrived", "booked"], "both audited");

    // Filtered by practitioner: only theirs; another practitioner's filter hides it.
    let (_, html) = b.get_html(&format!("/day?practitioner={}", dr.id)).await;
    assert_eq!(
        texts(&html, "table.day tbody tr td:nth-child(2) a"),
        vec!["Undone, Iris"]
    );
    let other = app.create_user(Role::Practitioner).await;
    let (_, html) = b.get_html(&format!("/day?practitioner={}", other.id)).await;
    assert!(texts(&html, "table.day tbody tr td:nth-child(2) a").is_empty());
}

/// Two desks booking the same practitioner's same time at the same moment: every write
/// takes the audit head's lock first (`db/write.rs`), so the second overlap check sees
/// the first booking and only one of eight simultaneous requests books.
async fn simultaneous_bookings_of_one_slot_book_once(app: TestApp) {
    let desk = app.create_user(Role::FrontDesk).await;
    let dr = app.create_user(Role::Practitioner).await;
    let token = app.api_token(&desk).await;
    let mut patients = Vec::new();
    for i in 0..8 {
        patients.push(patient(&app, &token, &format!("Race{i}"), None).await);
    }
    let requests = patients.iter().map(|pid| {
        let url = app.url(&format!("/api/v1/patients/{pid}/appointments"));
        let http = app.http.clone();
        let token = token.clone();
        let body =
            json!({"practitioner_id": dr.id, "starts_at": "2099-05-04T10:00", "minutes": 45});
        async move {
            http.post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
        }
    });
    let statuses = futures_util::future::join_all(requests).await;
    let booked = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    assert_eq!((booked, refused), (1, 7), "{statuses:?}");
}

on_both_backends!(
    simultaneous_bookings_of_one_slot_book_once,
    overlapping_bookings_need_book_anyway,
    the_form_box_is_unticked_when_a_form_is_in_or_a_link_works,
    home_is_the_day_except_for_admins,
    a_check_in_can_be_undone_the_same_day,
);
