//! The front desk's patient pages, as a browser uses them.

use clinic::domain::Role;
use reqwest::StatusCode;

use crate::helpers::{TestApp, texts};
use crate::intake_answers::every_question_answered;

/// The patient names listed in a search result page.
fn result_names(html: &str) -> Vec<String> {
    texts(html, "table.data tbody td a")
        .into_iter()
        .filter(|t| t.contains(", "))
        .collect()
}

const ELODIE: &[(&str, &str)] = &[
    ("given_name", "Élodie"),
    ("family_name", "Dupré"),
    ("date_of_birth", "1984-06-12"),
    ("sex", "female"),
    ("email", "elodie@example.org"),
    ("phone", "06 12 34 56 78"),
];

async fn front_desk_registers_finds_and_edits_a_patient(app: TestApp) {
    let desk = app.create_user(Role::FrontDesk).await;
    let b = app.signed_in(&desk).await;

    // A mistake is shown next to its field and what was typed stays.
    let mut bad: Vec<(&str, &str)> = ELODIE.to_vec();
    bad.retain(|(k, _)| *k != "date_of_birth");
    bad.push(("date_of_birth", "2999-01-01"));
    bad.retain(|(k, _)| *k != "email");
    bad.push(("email", "elodie@"));
    let r = b.post_form("/patients", "/patients/new", &bad).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    let errors = texts(&html, ".field-error");
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(html.contains("id=\"date_of_birth-error\"") && html.contains("id=\"email-error\""));
    // The summary at the top takes the focus and links each field, in the form's order.
    let summary = texts(&html, "#error-summary li a");
    assert_eq!(summary.len(), 2, "{summary:?}");
    assert!(summary[0].starts_with("Date of birth: "), "{summary:?}");
    assert!(summary[1].starts_with("Email: "), "{summary:?}");
    assert!(html.contains(r##"<a href="#date_of_birth">"##), "{html}");
    assert!(html.contains("2 fields need attention"), "{html}");
    assert!(
        html.contains(r#"tabindex="-1" autofocus id="error-summary""#),
        "the summary takes the focus: {html}"
    );
    assert!(
        html.contains("value=\"Dupré\"") || html.contains("Dupr"),
        "typed values are kept"
    );

    let r = b.post_form("/patients", "/patients/new", ELODIE).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.ends_with("?notice=registered"), "{location}");
    let (s, html) = b.get_html(&location).await;
    assert_eq!(s, 200);
    let notice = texts(&html, ".alert-ok");
    assert!(
        notice.iter().any(|n| n.starts_with("Registered P-000001.")),
        "the desk sees the new chart number: {notice:?}"
    );
    let location = location.trim_end_matches("?notice=registered").to_owned();

    // An address is shown as entered: a city and province without a street line too.
    let town = [
        ("given_name", "Rémi"),
        ("family_name", "Gagnon"),
        ("date_of_birth", "1990-02-03"),
        ("sex", "male"),
        ("city", "Laval"),
        ("province", "QC"),
        ("postal_code", "H7N 1A1"),
    ];
    let r = b.post_form("/patients", "/patients/new", &town).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = b.get_html(r.headers()["location"].to_str().unwrap()).await;
    let details = texts(&html, "dd");
    assert!(
        details.iter().any(|d| d == "Laval, QC H7N 1A1"),
        "{details:?}"
    );

    // The same person again: a warning listing the match, nothing written.
    let twin = [
        ("given_name", "elodie"),
        ("family_name", "DUPRE"),
        ("date_of_birth", "1984-06-12"),
    ];
    let r = b.post_form("/patients", "/patients/new", &twin).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let html = r.text().await.unwrap();
    assert!(html.contains("Possible duplicate") && html.contains("P-000001"));
    let mut anyway = twin.to_vec();
    anyway.push(("allow_duplicate", "1"));
    let r = b.post_form("/patients", "/patients/new", &anyway).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // Search finds both, accent-insensitively.
    let (_, html) = b.get_html("/patients?q=elod").await;
    let names = result_names(&html);
    assert_eq!(names.len(), 2, "{names:?}");

    // Edit: a stale form keeps what was typed and says so.
    let edit_page = format!("{location}/edit");
    let (_, form_html) = b.get_html(&edit_page).await;
    assert!(form_html.contains("name=\"version\" value=\"1\""));
    let mut edited: Vec<(&str, &str)> = ELODIE.to_vec();
    edited.push(("occupation", "Cellist"));
    edited.push(("version", "1"));
    let r = b.post_form(&location, &edit_page, &edited).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mut stale: Vec<(&str, &str)> = ELODIE.to_vec();
    stale.push(("occupation", "Pianist"));
    stale.push(("version", "1"));
    let r = b.post_form(&location, &edit_page, &stale).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let html = r.text().await.unwrap();
    assert!(html.contains("Someone else saved this patient"));
    assert!(
        html.contains("value=\"Pianist\""),
        "what was typed is still there"
    );
    assert!(html.contains("name=\"version\" value=\"2\""));
    let (_, html) = b.get_html(&location).await;
    assert!(html.contains("Cellist") && !html.contains("Pianist"));

    // Archive hides the patient from search; restore brings it back.
    let r = b
        .post_form(&format!("{location}/archive"), &location, &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = b.get_html("/patients?q=cellist").await;
    assert!(result_names(&html).is_empty());
    let (_, html) = b.get_html("/patients?q=dupre").await;
    assert_eq!(result_names(&html).len(), 1, "only the twin is active");
}

async fn practitioners_cannot_archive(app: TestApp) {
    let desk = app.create_user(Role::FrontDesk).await;
    let pr = app.create_user(Role::Practitioner).await;
    let b = app.signed_in(&desk).await;
    let r = b.post_form("/patients", "/patients/new", ELODIE).await;
    let location = r.headers()["location"].to_str().unwrap();
    let location = location.trim_end_matches("?notice=registered").to_owned();
    let pb = app.signed_in(&pr).await;
    let (s, html) = pb.get_html(&location).await;
    assert_eq!(s, 200);
    assert!(
        !html.contains("Archive patient"),
        "the button is not offered"
    );
    let r = pb
        .post_form(&format!("{location}/archive"), "/patients", &[])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

on_both_backends!(
    front_desk_registers_finds_and_edits_a_patient,
    practitioners_cannot_archive
);

/// Everyone who opens the patient sees the open flags at once, most severe first, the
/// emergency ones with an icon and words (not colour alone).
async fn the_flag_banner_cannot_be_missed(app: TestApp) {
    let desk = app.create_user(Role::FrontDesk).await;
    let token = app.api_token(&desk).await;
    let (_, p) = app
        .post_json(
            "/api/v1/patients",
            Some(&token),
            &serde_json::json!({"given_name": "Ada", "family_name": "Flagg", "date_of_birth": "1950-01-01"}),
        )
        .await;
    let id = p["id"].as_str().unwrap();
    let (s, _) = app
        .post_json(
            &format!("/api/v1/patients/{id}/intakes"),
            Some(&token),
            &every_question_answered(&serde_json::json!({"conditions": {"anticoagulants": "yes"}, "red_flags": {"saddle_numbness": true}})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    for role in [Role::FrontDesk, Role::Practitioner, Role::Admin] {
        let user = app.create_user(role).await;
        let b = app.signed_in(&user).await;
        let (s, html) = b.get_html(&format!("/patients/{id}")).await;
        assert_eq!(s, 200);
        let levels = texts(&html, ".flag-banner .flag-level");
        assert_eq!(levels.len(), 3, "{levels:?}");
        assert!(levels[0].contains("Emergency"), "{levels:?}");
        assert!(
            html.contains(r#"<li class="flag flag-emergency flag-alarm">"#)
                && html.contains(r#"<svg class="icon""#),
            "emergency rows carry the alarm style and an icon"
        );
        assert!(levels[1].contains("Relative"), "{levels:?}");
        assert!(levels[2].contains("Precaution"), "{levels:?}");
        let reasons = texts(&html, ".flag-banner .flag-reason");
        assert!(reasons[0].contains("saddle"), "{reasons:?}");
    }
}

on_both_backends!(the_flag_banner_cannot_be_missed);

/// The banner is on every page about an existing patient; booking a visit sums it up
/// in one line.
async fn the_banner_is_on_every_patient_page(app: TestApp) {
    let desk = app.create_user(Role::FrontDesk).await;
    let token = app.api_token(&desk).await;
    let (_, p) = app
        .post_json(
            "/api/v1/patients",
            Some(&token),
            &serde_json::json!({"given_name": "Bea", "family_name": "Banner", "date_of_birth": "1960-01-01"}),
        )
        .await;
    let id = p["id"].as_str().unwrap();
    app.post_json(
        &format!("/api/v1/patients/{id}/intakes"),
        Some(&token),
        &every_question_answered(
            &serde_json::json!({"red_flags": {"sudden_severe_headache": true}}),
        ),
    )
    .await;
    let b = app.signed_in(&desk).await;
    for page in [format!("/patients/{id}"), format!("/patients/{id}/edit")] {
        let (s, html) = b.get_html(&page).await;
        assert_eq!(s, 200, "{page}");
        let levels = texts(&html, ".flag-banner .flag-level");
        assert!(
            levels.first().is_some_and(|l| l.contains("Emergency")),
            "{page}: {levels:?}"
        );
    }
    // Booking a visit shows the flags in one line, with the way to the full banner:
    // the banner pinned above the form pushed Book off the screen.
    let (s, html) = b
        .get_html(&format!("/patients/{id}/appointments/new"))
        .await;
    assert_eq!(s, 200);
    assert!(texts(&html, ".flag-banner").is_empty(), "no full banner");
    let summary = texts(&html, ".flag-summary");
    assert!(
        summary
            .first()
            .is_some_and(|l| l.contains("Emergency") && l.contains("All flags on the patient page")),
        "{summary:?}"
    );
}

on_both_backends!(the_banner_is_on_every_patient_page);

/// The search folds apostrophes and hyphens and finds a phone number by its local
/// digits, without the area code.
async fn search_folds_punctuation_and_finds_local_phone_numbers(app: TestApp) {
    let desk = app.create_user(Role::FrontDesk).await;
    let b = app.signed_in(&desk).await;
    for (given, family, phone) in [
        ("Sean", "O'Brien", "(514) 555-0103"),
        ("Anna", "Smith-Jones", "(438) 555-0199"),
        ("Brian", "Obert", "514 555 7777"),
    ] {
        let r = b
            .post_form(
                "/patients",
                "/patients/new",
                &[
                    ("given_name", given),
                    ("family_name", family),
                    ("date_of_birth", "1980-01-02"),
                    ("sex", "male"),
                    ("phone", phone),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{family}");
    }
    for (q, want) in [
        ("obrien", vec!["O'Brien"]),
        ("O'Brien", vec!["O'Brien"]),
        ("smithjones", vec!["Smith-Jones"]),
        ("smith jones", vec!["Smith-Jones"]),
        ("smith-jones anna", vec!["Smith-Jones"]),
        ("555-0103", vec!["O'Brien"]),
        ("5140103", vec![]),
        ("514", vec!["O'Brien", "Obert"]),
    ] {
        let enc: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
        let (s, html) = b.get_html(&format!("/patients?q={enc}")).await;
        assert_eq!(s, 200, "{q}");
        let names = result_names(&html);
        for w in &want {
            assert!(names.iter().any(|n| n.contains(w)), "{q}: {names:?}");
        }
        assert_eq!(names.len(), want.len(), "{q}: {names:?}");
    }
}

on_both_backends!(search_folds_punctuation_and_finds_local_phone_numbers);
