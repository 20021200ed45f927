//! The whole pre-visit journey: the front desk registers a patient and books the first
//! visit, the invitation arrives through a real SMTP server, the patient fills the form
//! over HTTP (save, resume, submit), and the flags appear for everyone. Plus the link's
//! rules: opening does not spend it, submitting does; expired, revoked and replaced
//! links stop working; one patient's link never shows another's data.

use std::time::Duration;

use clinic::domain::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Backend, Browser, Options, TestApp, decode_qp, read_dir_files, texts};

/// The `/intake/<token>` path of the newest invitation sent to `to`.
async fn intake_link(app: &TestApp, to: &str, nth: usize) -> String {
    let started = std::time::Instant::now();
    loop {
        let messages = match &app.smtp {
            Some(s) => s.messages(),
            None => read_dir_files(app.mail_dir.path()),
        };
        let mut links: Vec<String> = messages
            .iter()
            .map(|m| decode_qp(m))
            .filter(|m| m.contains(&format!("To: {to}")) && m.contains("/intake/"))
            .filter_map(|m| {
                let at = m.find("/intake/")? + "/intake/".len();
                let tok: String = m[at..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                    .collect();
                Some(format!("/intake/{tok}"))
            })
            .collect();
        links.sort();
        links.dedup();
        if links.len() >= nth {
            // The order of files is not the order of sending: callers that need the
            // newest ask for a count and compare with earlier links.
            return links.into_iter().last().unwrap_or_default();
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "an invitation reached {to}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn register(app: &TestApp, token: &str, given: &str, family: &str, email: &str) -> String {
    let (s, p) = app
        .post_json(
            "/api/v1/patients",
            Some(token),
            &json!({"given_name": given, "family_name": family, "date_of_birth": "1958-04-09", "email": email, "phone": "555 0100 200"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    p["id"].as_str().unwrap().to_owned()
}

async fn form_status(app: &TestApp, token: &str, date: &str, patient_id: &str) -> String {
    let (_, v) = app
        .get_json(&format!("/api/v1/appointments?date={date}"), token)
        .await;
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["patient_id"] == patient_id)
        .unwrap()["form_status"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Every condition answered no and every red flag no, except the given ones.
fn answers(conditions_yes: &[&str], red_yes: &[&str]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for c in clinic::domain::clinical::ConditionCode::ALL {
        let v = if conditions_yes.contains(&c.as_str()) {
            "yes"
        } else {
            "no"
        };
        out.push((format!("cond_{c}"), v.to_owned()));
    }
    for r in clinic::domain::clinical::RedFlagCode::ASKED {
        let v = if red_yes.contains(&r.as_str()) {
            "yes"
        } else {
            "no"
        };
        out.push((format!("red_{r}"), v.to_owned()));
    }
    out
}

/// Posts one step of the form from the patient's browser.
async fn post_step(
    b: &Browser,
    link: &str,
    step: u8,
    fields: &[(String, String)],
    go: &str,
) -> reqwest::Response {
    let page = format!("{link}?step={step}");
    let (_, html) = b.get_html(&page).await;
    let csrf = crate::helpers::csrf_in(&html).expect("csrf on the form");
    let version = {
        let doc = scraper::Html::parse_document(&html);
        let sel = scraper::Selector::parse(r#"input[name="version"]"#).unwrap();
        doc.select(&sel)
            .next()
            .and_then(|e| e.value().attr("value"))
            .unwrap_or("0")
            .to_owned()
    };
    let mut all: Vec<(String, String)> = fields.to_vec();
    all.push(("csrf_token".into(), csrf));
    all.push(("version".into(), version));
    all.push(("go".into(), go.into()));
    b.client.post(b.url(&page)).form(&all).send().await.unwrap()
}

fn kv(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

async fn the_pre_visit_journey(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, Options { smtp: true }).await else {
        return;
    };
    let desk = app.create_user(Role::FrontDesk).await;
    let dr = app.create_user(Role::Practitioner).await;
    let token = app.api_token(&desk).await;
    let pid = register(&app, &token, "Margot", "Quenneville", "margot@example.org").await;

    // The front desk books the first visit and ticks "email the form".
    let desk_browser = app.signed_in(&desk).await;
    let r = desk_browser
        .post_form(
            &format!("/patients/{pid}/appointments"),
            &format!("/patients/{pid}/appointments/new"),
            &[
                ("practitioner_id", &dr.id),
                ("starts_at", "2099-03-02T10:30"),
                ("minutes", "45"),
                ("kind", "first_visit"),
                ("send_form", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(form_status(&app, &token, "2099-03-02", &pid).await, "sent");

    // The email names the clinic and the visit, not the patient's health.
    let link = intake_link(&app, "margot@example.org", 1).await;
    let mail = decode_qp(&app.smtp.as_ref().unwrap().messages()[0]);
    assert!(
        mail.contains("Test Clinic") && mail.contains("2 March 2099 at 10:30"),
        "{mail}"
    );
    assert!(!mail.contains("Quenneville"), "no family name in the email");
    let token_part = link.trim_start_matches("/intake/").to_owned();
    assert_eq!(token_part.len(), 43, "256-bit token, base64url");
    let stored: Vec<String> = app
        .with_db(|conn| {
            use clinic::schema::intake_invitations::dsl::*;
            use diesel::prelude::*;
            intake_invitations.select(token_hash).load(conn).unwrap()
        })
        .await;
    assert!(
        stored.iter().all(|h| h != &token_part && h.len() == 64),
        "only the hash is stored"
    );

    // The patient opens the link on a phone: only the first name is shown.
    let patient = app.browser();
    let (s, html) = patient.get_html(&link).await;
    assert_eq!(s, 200);
    assert!(html.contains("Hello Margot"));
    for secret in [
        "Quenneville",
        "1958-04-09",
        "margot@example.org",
        "555 0100 200",
    ] {
        assert!(
            !html.contains(secret),
            "the form does not show {secret} before submit"
        );
    }
    assert_eq!(
        form_status(&app, &token, "2099-03-02", &pid).await,
        "opened"
    );
    // Opening again (an email scanner, a second tap) does not spend the link.
    assert_eq!(patient.get_html(&link).await.0, 200);

    // Step 1, save; then resume in another browser: the draft lives on the server.
    let r = post_step(
        &patient,
        &link,
        1,
        &kv(&[("contact_phone", "555 0177 999")]),
        "next",
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()["location"].to_str().unwrap(),
        format!("{link}?step=2")
    );
    assert_eq!(
        form_status(&app, &token, "2099-03-02", &pid).await,
        "in_progress"
    );
    let other_device = app.browser();
    let (_, html) = other_device.get_html(&format!("{link}?step=1")).await;
    assert!(html.contains("555 0177 999"), "resumed draft");

    // Step 2: an out-of-range pain score is shown next to the field; then fixed.
    let mut problem = kv(&[
        ("chief_complaint", "Low back pain since lifting"),
        ("pain_now", "12"),
        ("pain_worst", "8"),
        ("earlier_episodes", "no"),
    ]);
    let r = post_step(&patient, &link, 2, &problem, "next").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains(r#"id="pain_now-error""#),
        "error next to the field"
    );
    assert!(
        html.contains("Low back pain since lifting"),
        "what was typed is kept"
    );
    problem[1].1 = "6".into();
    assert_eq!(
        post_step(&patient, &link, 2, &problem, "next")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let regions = kv(&[("pain_region", "lower_back"), ("pain_region", "left_thigh")]);
    assert_eq!(
        post_step(&patient, &link, 3, &regions, "next")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let all = answers(&["osteoporosis", "anticoagulants"], &["saddle_numbness"]);
    let conditions: Vec<(String, String)> = all
        .iter()
        .filter(|(k, _)| k.starts_with("cond_"))
        .cloned()
        .collect();
    let symptoms: Vec<(String, String)> = all
        .iter()
        .filter(|(k, _)| k.starts_with("red_"))
        .cloned()
        .collect();
    assert_eq!(
        post_step(&patient, &link, 4, &conditions, "next")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        post_step(&patient, &link, 5, &symptoms, "next")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let meds = kv(&[
        ("med_0_name", "Apixaban"),
        ("med_0_dose", "5 mg"),
        ("surg_0_procedure", "Knee arthroscopy"),
        ("surg_0_year", "2015"),
    ]);
    assert_eq!(
        post_step(&patient, &link, 6, &meds, "next").await.status(),
        StatusCode::SEE_OTHER
    );

    // Submitting without signing is refused with the reason on the consent step.
    let r = post_step(&patient, &link, 7, &kv(&[("signed_name", "")]), "submit").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains(r#"id="signed_name-error""#) && html.contains(r#"id="consent_agree-error""#)
    );
    let r = post_step(
        &patient,
        &link,
        7,
        &kv(&[
            ("signed_name", "Margot Quenneville"),
            ("consent_agree", "1"),
        ]),
        "submit",
    )
    .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("Thank you, Margot") && html.contains("What happens next"));

    // The link is spent: reopened, it says the form is in and how to reach the
    // clinic, not "ask for a new one" with the staff sign-in.
    let (s, html) = patient.get_html(&link).await;
    assert_eq!(s, StatusCode::GONE);
    assert!(html.contains("Your form was received"), "{html}");
    assert!(
        html.contains("Test Clinic has your pre-visit form, sent on "),
        "{html}"
    );
    assert!(
        html.contains(r#"<a href="tel:5145550100">(514) 555-0100</a>"#),
        "{html}"
    );
    assert!(
        html.contains("1200 Rue Sainte-Catherine, Montréal"),
        "{html}"
    );
    assert!(
        !html.contains("/login"),
        "no staff sign-in for a patient: {html}"
    );
    assert_eq!(post_step_raw(&patient, &link).await, StatusCode::GONE);

    // Everyone sees what the answers raised.
    assert_eq!(
        form_status(&app, &token, "2099-03-02", &pid).await,
        "submitted"
    );
    let (_, flags) = app
        .get_json(&format!("/api/v1/patients/{pid}/flags"), &token)
        .await;
    let codes: Vec<(String, String)> = flags["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["level"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        codes[0],
        ("saddle_numbness".to_owned(), "emergency".to_owned()),
        "{codes:?}"
    );
    assert!(codes.contains(&("osteoporosis".to_owned(), "absolute".to_owned())));
    assert!(codes.contains(&("anticoagulants".to_owned(), "relative".to_owned())));
    let (_, day) = desk_browser.get_html("/day?date=2099-03-02").await;
    assert!(
        texts(&day, ".form-submitted")
            .iter()
            .any(|t| t == "Submitted")
    );
    assert!(
        texts(&day, ".flag-badge")
            .iter()
            .any(|t| t.contains("Emergency"))
    );

    // The confirmed phone reached the record; the consent is on file with its details.
    let (_, p) = app
        .get_json(&format!("/api/v1/patients/{pid}"), &token)
        .await;
    assert_eq!(p["phone"], "555 0177 999");
    let consents: Vec<(String, String, Option<String>)> = app
        .with_db(|conn| {
            use clinic::schema::consents::dsl::*;
            use diesel::prelude::*;
            consents
                .select((signed_name, text_version, ip))
                .load(conn)
                .unwrap()
        })
        .await;
    assert_eq!(consents.len(), 1);
    assert_eq!(consents[0].0, "Margot Quenneville");
    assert_eq!(consents[0].1, "treatment-2026-11");
    assert_eq!(consents[0].2.as_deref(), Some("127.0.0.1"));
    let actions = app.audit_actions().await;
    for a in [
        "invitation.sent",
        "invitation.opened",
        "intake.draft_saved",
        "intake.submitted",
        "consent.recorded",
        "flag.raised",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} audited");
    }
    let dr_token = app.api_token(&dr).await;
    crate::fhir::the_exports_validate(
        &app,
        &dr_token,
        &pid,
        None,
        "the pre-visit journey's export",
    )
    .await;
}

async fn post_step_raw(b: &Browser, link: &str) -> StatusCode {
    // A replayed submit: the CSRF token from before is still valid for this visitor.
    let (_, html) = b.get_html("/login").await;
    let csrf = crate::helpers::csrf_in(&html).unwrap();
    b.client
        .post(b.url(&format!("{link}?step=7")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("go", "submit"),
            ("signed_name", "Margot"),
            ("consent_agree", "1"),
        ])
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pre_visit_journey_on_sqlite() {
    the_pre_visit_journey(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pre_visit_journey_on_postgres() {
    the_pre_visit_journey(Backend::Postgres).await;
}

/// Link rules: expiry, revocation, replacement on resend, and one patient's link never
/// reaching another's data.
async fn links_expire_are_revoked_and_stay_with_their_patient(app: TestApp) {
    let desk = app.create_user(Role::FrontDesk).await;
    let token = app.api_token(&desk).await;
    let a = register(&app, &token, "Anna", "Aalto", "anna@example.org").await;
    let b = register(&app, &token, "Boris", "Berg", "boris@example.org").await;

    let (s, inv_a) = app
        .post_json(
            &format!("/api/v1/patients/{a}/intake-invitations"),
            Some(&token),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{inv_a}");
    assert!(
        inv_a.get("token").is_none() && inv_a["expires_at"].is_string(),
        "the API never returns the token"
    );
    let (s, _) = app
        .post_json(
            &format!("/api/v1/patients/{b}/intake-invitations"),
            Some(&token),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let link_a = intake_link(&app, "anna@example.org", 1).await;
    let link_b = intake_link(&app, "boris@example.org", 1).await;

    // Anna saves a draft; Boris's link shows Boris and none of Anna's answers.
    let anna = app.browser();
    let r = post_step(
        &anna,
        &link_a,
        1,
        &kv(&[("contact_phone", "555 0101 0101")]),
        "later",
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let boris = app.browser();
    let (s, html) = boris.get_html(&format!("{link_b}?step=1")).await;
    assert_eq!(s, 200);
    assert!(
        html.contains("Hello Boris") && !html.contains("Anna") && !html.contains("555 0101 0101")
    );
    // The contact step hints at what the clinic has, never the whole of it.
    let on_file = texts(&html, ".on-file li");
    assert_eq!(
        on_file,
        ["Phone ending in 0200", "Email b…@example.org"],
        "{html}"
    );
    assert!(
        !html.contains("boris@example.org") && !html.contains("555 0100 200"),
        "{html}"
    );

    // Unknown tokens are 404; a revoked link is 410.
    assert_eq!(
        anna.get_html("/intake/not-a-real-token").await.0,
        StatusCode::NOT_FOUND
    );
    let inv_id = inv_a["id"].as_str().unwrap();
    let r = app
        .http
        .delete(app.url(&format!("/api/v1/intake-invitations/{inv_id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (s, html) = anna.get_html(&link_a).await;
    assert_eq!(s, StatusCode::GONE);
    assert!(html.contains("This form link no longer works"), "{html}");
    assert!(html.contains("Use the link in the newest email"), "{html}");
    assert!(html.contains("tel:5145550100"), "{html}");

    // A resend replaces the link: the old one stops working, the new one works.
    let invs: Vec<String> = {
        let pb = b.clone();
        app.with_db(move |conn| {
            use clinic::schema::intake_invitations::dsl::*;
            use diesel::prelude::*;
            intake_invitations
                .filter(patient_id.eq(pb))
                .select(id)
                .load(conn)
                .unwrap()
        })
        .await
    };
    let (s, _) = app
        .post_json(
            &format!("/api/v1/intake-invitations/{}/resend", invs[0]),
            Some(&token),
            &json!({}),
        )
        .await;
    assert_eq!(s, 200);
    let started = std::time::Instant::now();
    let new_b = loop {
        let l = intake_link(&app, "boris@example.org", 2).await;
        if l != link_b {
            break l;
        }
        // Both links are known; pick the one that is not the old.
        let messages = read_dir_files(app.mail_dir.path());
        let found: Vec<String> = messages
            .iter()
            .map(|m| decode_qp(m))
            .filter(|m| m.contains("To: boris@example.org"))
            .filter_map(|m| {
                let at = m.find("/intake/")? + "/intake/".len();
                Some(format!(
                    "/intake/{}",
                    m[at..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                        .collect::<String>()
                ))
            })
            .filter(|l| l != &link_b)
            .collect();
        if let Some(l) = found.into_iter().next() {
            break l;
        }
        assert!(started.elapsed() < Duration::from_secs(20));
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(
        boris.get_html(&link_b).await.0,
        StatusCode::NOT_FOUND,
        "the replaced link is dead"
    );
    assert_eq!(boris.get_html(&new_b).await.0, 200);

    // Seven days later the link has expired.
    app.clock.advance(chrono::TimeDelta::days(8));
    let (s, html) = boris.get_html(&new_b).await;
    assert_eq!(s, StatusCode::GONE);
    assert!(html.contains("this one has expired"), "{html}");
    assert!(html.contains("ask for a new link"), "{html}");
}

on_both_backends!(links_expire_are_revoked_and_stay_with_their_patient);

/// A walk-in fills the form on paper; the front desk enters it through the same form,
/// and the record says who entered it and who witnessed the signature.
async fn the_front_desk_enters_a_paper_form(app: TestApp) {
    let desk = app.create_user(Role::FrontDesk).await;
    let token = app.api_token(&desk).await;
    let pid = register(&app, &token, "Walter", "Walkin", "walter@example.org").await;
    let b = app.signed_in(&desk).await;
    let r = b
        .post_form(
            &format!("/patients/{pid}/paper-intake"),
            &format!("/patients/{pid}"),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let link = location.split('?').next().unwrap().to_owned();
    assert!(link.starts_with("/intake/"));
    // The page speaks to the desk, not to the patient, and says whose name goes on it.
    let (s, html) = b.get_html(&location).await;
    assert_eq!(s, 200);
    let header = texts(&html, ".staff-entry");
    assert!(
        header
            .iter()
            .any(|h| h.contains("Paper form, entered at the desk")),
        "{header:?}"
    );
    assert!(
        header.iter().any(|h| h.contains(&desk.name)),
        "the staff member is named as entering and witnessing: {header:?}"
    );
    assert!(!html.contains("Hello Walter"), "{html}");
    let (_, step7) = b.get_html(&format!("{link}?step=7")).await;
    assert!(
        step7.contains("The patient signed this consent on the paper form"),
        "{step7}"
    );
    let problem = kv(&[("chief_complaint", "Stiff neck"), ("pain_now", "3")]);
    assert_eq!(
        post_step(&b, &link, 2, &problem, "next").await.status(),
        StatusCode::SEE_OTHER
    );
    let all = answers(&["stroke_or_tia"], &[]);
    let conditions: Vec<(String, String)> = all
        .iter()
        .filter(|(k, _)| k.starts_with("cond_"))
        .cloned()
        .collect();
    let symptoms: Vec<(String, String)> = all
        .iter()
        .filter(|(k, _)| k.starts_with("red_"))
        .cloned()
        .collect();
    assert_eq!(
        post_step(&b, &link, 4, &conditions, "next").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        post_step(&b, &link, 5, &symptoms, "next").await.status(),
        StatusCode::SEE_OTHER
    );
    // A colleague emails the form meanwhile: the paper form being typed is not revoked.
    let (s, v) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/intake-invitations"),
            Some(&token),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let r = post_step(
        &b,
        &link,
        7,
        &kv(&[("signed_name", "Walter Walkin"), ("consent_agree", "1")]),
        "submit",
    )
    .await;
    assert_eq!(r.status(), 200);
    let (entered_by, witnessed_by): (Option<String>, Option<String>) = app
        .with_db(|conn| {
            use diesel::prelude::*;
            let e = clinic::schema::intakes::table
                .select(clinic::schema::intakes::entered_by)
                .first(conn)
                .unwrap();
            let w = clinic::schema::consents::table
                .select(clinic::schema::consents::witnessed_by)
                .first(conn)
                .unwrap();
            (e, w)
        })
        .await;
    assert_eq!(entered_by.as_deref(), Some(desk.id.as_str()));
    assert_eq!(witnessed_by.as_deref(), Some(desk.id.as_str()));
    let (_, flags) = app
        .get_json(&format!("/api/v1/patients/{pid}/flags"), &token)
        .await;
    assert_eq!(flags["items"][0]["code"], "stroke_or_tia");
    // Only the colleague's invitation went out by email; the paper entry sent nothing.
    assert!(app.smtp.is_none(), "the mail goes to files here");
    let started = std::time::Instant::now();
    while read_dir_files(app.mail_dir.path()).is_empty()
        && started.elapsed() < std::time::Duration::from_secs(10)
    {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        read_dir_files(app.mail_dir.path()).len(),
        1,
        "one email: the colleague's invitation"
    );
    // With a form on file, the patient page offers a newer paper form, said so.
    let (_, html) = b.get_html(&format!("/patients/{pid}")).await;
    let offer = texts(&html, ".paper-entry");
    assert!(
        offer
            .iter()
            .any(|o| o.contains("Enter a newer paper form") && o.contains("already on file")),
        "{offer:?}"
    );
}

on_both_backends!(the_front_desk_enters_a_paper_form);

/// A paper-entry link opens only in the staff session that started it: not signed out,
/// not for a colleague, not in the same person's other browser; nothing is written by a
/// refused request.
async fn a_paper_entry_link_opens_only_where_it_was_started(app: TestApp) {
    let desk = app.create_user(Role::FrontDesk).await;
    let colleague = app.create_user(Role::FrontDesk).await;
    let token = app.api_token(&desk).await;
    let pid = register(&app, &token, "Paula", "Paper", "paula@example.org").await;
    let b = app.signed_in(&desk).await;
    let r = b
        .post_form(
            &format!("/patients/{pid}/paper-intake"),
            &format!("/patients/{pid}"),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let link = r.headers()["location"]
        .to_str()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(
        b.get_html(&link).await.0,
        StatusCode::OK,
        "where it was started"
    );

    let stranger = app.browser();
    let other = app.signed_in(&colleague).await;
    let same_person_elsewhere = app.signed_in(&desk).await;
    // Each with a valid CSRF token of their own, as a real browser would have.
    for (who, browser, form_page) in [
        ("signed out", &stranger, "/login"),
        ("a colleague", &other, "/account/password"),
        (
            "the same staff member's other browser",
            &same_person_elsewhere,
            "/account/password",
        ),
    ] {
        let (status, html) = browser.get_html(&format!("{link}?step=2")).await;
        assert_eq!(status, StatusCode::CONFLICT, "{who}");
        assert!(html.contains("opens only in the browser"), "{who}: {html}");
        let r = browser
            .post_form(
                &format!("{link}?step=2"),
                form_page,
                &[
                    ("chief_complaint", "Not theirs"),
                    ("pain_now", "2"),
                    ("go", "next"),
                    ("version", "0"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{who} cannot save");
    }
    let drafts: i64 = app
        .with_db(|conn| {
            use diesel::prelude::*;
            clinic::schema::intakes::table
                .count()
                .get_result(conn)
                .unwrap()
        })
        .await;
    assert_eq!(drafts, 0, "nothing was written by the refused requests");
    // The desk carries on.
    let r = post_step(
        &b,
        &link,
        2,
        &kv(&[("chief_complaint", "Low back"), ("pain_now", "4")]),
        "next",
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

/// A patient's emailed link opened on a browser where staff are signed in (the clinic's
/// tablet at the desk) is still the patient's: nobody on staff is recorded as entering
/// it or witnessing the consent.
async fn an_emailed_link_in_a_staff_browser_is_still_the_patients(app: TestApp) {
    let desk = app.create_user(Role::FrontDesk).await;
    let token = app.api_token(&desk).await;
    let pid = register(&app, &token, "Tomas", "Tablet", "tomas@example.org").await;
    let (s, v) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/intake-invitations"),
            Some(&token),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let link = intake_link(&app, "tomas@example.org", 1).await;
    let tablet = app.signed_in(&desk).await;
    let (_, html) = tablet.get_html(&link).await;
    assert!(html.contains("Tomas"), "the patient's own page");
    assert!(texts(&html, ".staff-entry").is_empty(), "not a desk entry");
    let problem = kv(&[("chief_complaint", "Sore shoulder"), ("pain_now", "5")]);
    assert_eq!(
        post_step(&tablet, &link, 2, &problem, "next")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let all = answers(&[], &[]);
    let (conditions, symptoms): (Vec<_>, Vec<_>) =
        all.into_iter().partition(|(k, _)| k.starts_with("cond_"));
    assert_eq!(
        post_step(&tablet, &link, 4, &conditions, "next")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        post_step(&tablet, &link, 5, &symptoms, "next")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let r = post_step(
        &tablet,
        &link,
        7,
        &kv(&[("signed_name", "Tomas Tablet"), ("consent_agree", "1")]),
        "submit",
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let (entered_by, witnessed_by, submitted_by): (Option<String>, Option<String>, Option<String>) =
        app.with_db(|conn| {
            use diesel::prelude::*;
            let e = clinic::schema::intakes::table
                .select(clinic::schema::intakes::entered_by)
                .first(conn)
                .unwrap();
            let w = clinic::schema::consents::table
                .select(clinic::schema::consents::witnessed_by)
                .first(conn)
                .unwrap();
            use clinic::schema::audit_events::dsl as a;
            let u = a::audit_events
                .filter(a::action.eq("intake.submitted"))
                .select(a::actor_id)
                .first(conn)
                .unwrap();
            (e, w, u)
        })
        .await;
    assert_eq!(
        (entered_by, witnessed_by, submitted_by),
        (None, None, None),
        "the patient's own form"
    );
}

on_both_backends!(
    a_paper_entry_link_opens_only_where_it_was_started,
    an_emailed_link_in_a_staff_browser_is_still_the_patients,
);
