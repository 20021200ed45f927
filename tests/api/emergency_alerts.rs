//! Emergencies reach a person: a patient answers the emailed pre-visit form with a sign
//! of an emergency, the alert email reaches the clinic's alert address through a real
//! SMTP server (with no name and no health detail in it), the patient is told to seek
//! emergency care, and Today shows the patient under "Needs review now" until a
//! practitioner acknowledges the flag. Urgent answers say "today" instead; without an
//! alert address nothing is emailed but Today still shows it; a form with nothing
//! alarming changes nothing.

use std::time::{Duration, Instant};

use clinic::domain::Role;
use clinic::domain::clinical::{ConditionCode, RedFlagCode};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Backend, Browser, Options, TestApp, csrf_in, decode_qp, texts};

const ALERTS: &str = "alerts@clinic.example";

/// A clinic with a real SMTP server and, when given, an alert address.
pub async fn clinic_with_alerts(backend: Backend, alert: Option<&str>) -> Option<TestApp> {
    let alert = alert.map(str::to_owned);
    TestApp::spawn_configured(backend, Options { smtp: true }, move |args| {
        args.alert_email = alert;
    })
    .await
}

/// A patient registered by the front desk, with the pre-visit form emailed.
pub struct InvitedPatient {
    pub id: String,
    pub given: String,
    pub family: String,
    /// `/intake/<token>`, from the email as the patient received it.
    pub link: String,
}

pub async fn invite(app: &TestApp, desk_token: &str, given: &str, family: &str) -> InvitedPatient {
    let email = format!("{}@example.org", given.to_lowercase());
    let (s, p) = app
        .post_json(
            "/api/v1/patients",
            Some(desk_token),
            &json!({"given_name": given, "family_name": family, "date_of_birth": "1971-05-14", "email": email}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let id = p["id"].as_str().unwrap().to_owned();
    let (s, _) = app
        .post_json(
            &format!("/api/v1/patients/{id}/intake-invitations"),
            Some(desk_token),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let message = mail_to(app, &email, 1).await.remove(0);
    let at = message.find("/intake/").expect("a link in the invitation") + "/intake/".len();
    let token: String = message[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    InvitedPatient {
        id,
        given: given.to_owned(),
        family: family.to_owned(),
        link: format!("/intake/{token}"),
    }
}

/// At least `n` messages the SMTP server received for `to`, decoded enough to read.
pub async fn mail_to(app: &TestApp, to: &str, n: usize) -> Vec<String> {
    let started = Instant::now();
    loop {
        let found: Vec<String> = app
            .smtp
            .as_ref()
            .expect("an SMTP server")
            .messages()
            .iter()
            .map(|m| decode_qp(m))
            .filter(|m| m.contains(&format!("To: {to}")))
            .collect();
        if found.len() >= n {
            return found;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{n} message(s) reached {to}; got {}",
            found.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Form fields as posted: (name, value).
type Fields = Vec<(String, String)>;

/// Every condition and every red-flag question answered, "no" except the given ones.
fn answers(red_yes: &[&str]) -> (Fields, Fields) {
    let conditions = ConditionCode::ALL
        .iter()
        .map(|c| (format!("cond_{c}"), "no".to_owned()))
        .collect();
    let symptoms = RedFlagCode::ASKED
        .iter()
        .map(|r| {
            let v = if red_yes.contains(&r.as_str()) {
                "yes"
            } else {
                "no"
            };
            (format!("red_{r}"), v.to_owned())
        })
        .collect();
    (conditions, symptoms)
}

/// Posts one step of the form as the patient's browser does (CSRF token and version
/// from the page).
async fn post_step(
    b: &Browser,
    link: &str,
    step: u8,
    fields: &[(String, String)],
    go: &str,
) -> reqwest::Response {
    let page = format!("{link}?step={step}");
    let (_, html) = b.get_html(&page).await;
    let csrf = csrf_in(&html).expect("csrf on the form");
    let version =
        texts_attr(&html, r#"input[name="version"]"#, "value").unwrap_or_else(|| "0".into());
    let mut all = fields.to_vec();
    all.push(("csrf_token".into(), csrf));
    all.push(("version".into(), version));
    all.push(("go".into(), go.into()));
    b.client.post(b.url(&page)).form(&all).send().await.unwrap()
}

fn texts_attr(html: &str, selector: &str, attr: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(selector).unwrap();
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr(attr))
        .map(str::to_owned)
}

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// The patient fills in every step but the last, answering yes to `red_yes`.
pub async fn fill_all_but_signing(b: &Browser, link: &str, red_yes: &[&str]) {
    let problem = pairs(&[
        ("chief_complaint", "Low back pain"),
        ("pain_now", "5"),
        ("pain_worst", "7"),
        ("earlier_episodes", "no"),
    ]);
    let (conditions, symptoms) = answers(red_yes);
    for (step, fields) in [(2, problem), (4, conditions), (5, symptoms)] {
        let r = post_step(b, link, step, &fields, "next").await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "step {step}");
    }
}

/// The patient fills in the whole form and submits it; returns the thank-you page.
pub async fn submit_form(app: &TestApp, p: &InvitedPatient, red_yes: &[&str]) -> String {
    let b = app.browser();
    fill_all_but_signing(&b, &p.link, red_yes).await;
    let sign = pairs(&[
        ("signed_name", &format!("{} {}", p.given, p.family)),
        ("consent_agree", "1"),
    ]);
    let r = post_step(&b, &p.link, 7, &sign, "submit").await;
    assert_eq!(r.status(), StatusCode::OK);
    r.text().await.unwrap()
}

/// The visible text of the "Needs review now" section of Today, one entry per patient.
async fn needs_review(b: &Browser) -> Vec<String> {
    let (s, html) = b.get_html("/day").await;
    assert_eq!(s, StatusCode::OK);
    texts(&html, ".needs-review li")
        .into_iter()
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// Outbox rows of the alert template, sent or not.
async fn alerts_queued(app: &TestApp) -> Vec<String> {
    app.with_db(|conn| {
        use clinic::schema::outbox::dsl::*;
        use diesel::prelude::*;
        outbox
            .filter(template.eq("review_alert"))
            .select(to_address)
            .load::<String>(conn)
            .unwrap()
    })
    .await
}

/// The open flag ids of a patient at `level`, through the API.
async fn flag_ids(app: &TestApp, token: &str, patient: &str, level: &str) -> Vec<String> {
    let (s, flags) = app
        .get_json(&format!("/api/v1/patients/{patient}/flags"), token)
        .await;
    assert_eq!(s, StatusCode::OK);
    flags["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["level"] == level)
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The (patient, detail) of each audit row of one action, oldest first.
async fn audit_rows(app: &TestApp, which: &str) -> Vec<(Option<String>, Option<String>)> {
    let which = which.to_owned();
    app.with_db(move |conn| {
        use clinic::schema::audit_events::dsl::*;
        use diesel::prelude::*;
        audit_events
            .filter(action.eq(which))
            .order(seq.asc())
            .select((patient_id, detail))
            .load(conn)
            .unwrap()
    })
    .await
}

async fn an_emergency_on_the_form_reaches_a_person(backend: Backend) {
    let Some(app) = clinic_with_alerts(backend, Some(ALERTS)).await else {
        return;
    };
    let desk = app.create_user(Role::FrontDesk).await;
    let dr = app.create_user(Role::Practitioner).await;
    let admin = app.create_user(Role::Admin).await;
    let desk_token = app.api_token(&desk).await;
    let p = invite(&app, &desk_token, "Rosalind", "Okonkwo").await;

    let done = submit_form(&app, &p, &["bladder_bowel_change"]).await;

    // The patient is told first, in plain words, to seek emergency care, and why.
    let heading = texts(&done, "h1");
    assert_eq!(heading.len(), 1);
    assert!(
        heading[0].ends_with("Seek emergency care now"),
        "{heading:?}"
    );
    let alert = texts(&done, "[role=alert]").join(" ");
    assert!(
        alert.contains(
            "Call your local emergency number or go to the nearest emergency department now"
        ) && alert.contains("cauda equina syndrome")
            && alert.contains("seen by a doctor today"),
        "{alert}"
    );
    assert!(
        !done.contains("bladder_bowel_change") && !done.contains("red_flag"),
        "no flag codes on the patient's page"
    );
    assert!(done.contains("Your form has been sent"), "the form did go");

    // One email to the alert address: the subject says now, the body has the link and
    // neither the name nor what was answered.
    let alert_mail = mail_to(&app, ALERTS, 1).await;
    assert_eq!(alert_mail.len(), 1);
    let m = &alert_mail[0];
    assert!(
        m.contains("Subject: Test Clinic: a pre-visit form needs review now"),
        "{m}"
    );
    assert!(m.contains(&app.url(&format!("/patients/{}", p.id))), "{m}");
    let lower = m.to_lowercase();
    for secret in ["rosalind", "okonkwo", "bladder", "cauda", "saddle"] {
        assert!(!lower.contains(secret), "the alert email contains {secret}");
    }
    let queued = audit_rows(&app, "alert.queued").await;
    assert_eq!(
        queued,
        vec![(Some(p.id.clone()), None)],
        "audited, no detail"
    );

    // Today shows the patient, at the top, to every role that sees the day.
    for user in [&desk, &dr, &admin] {
        let b = app.signed_in(user).await;
        let (_, html) = b.get_html("/day").await;
        let section = html.find("Needs review now").expect("the section");
        let list = html
            .find("<table class=\"data day\"")
            .expect("the day list");
        assert!(section < list, "above the day list");
        let lines = needs_review(&b).await;
        assert_eq!(lines.len(), 1, "{lines:?}");
        let line = &lines[0];
        assert!(
            line.contains("Emergency")
                && line.contains("Okonkwo, Rosalind")
                && line.contains("P-")
                && line.contains("Form in")
                && line.contains("Tell a practitioner now"),
            "{}: {line}",
            user.role.as_str()
        );
        assert!(html.contains(&format!("href=\"/patients/{}\"", p.id)));
    }
    assert!(
        audit_rows(&app, "alerts.viewed")
            .await
            .iter()
            .all(|(pid, d)| pid.as_deref() == Some(p.id.as_str()) && d.is_none()),
        "each read of the list names the patient"
    );

    // On the patient page the desk reads what to do about it, under its reason.
    let desk_view = app.signed_in(&desk).await;
    let (_, html) = desk_view.get_html(&format!("/patients/{}", p.id)).await;
    let todo = texts(&html, ".flag-emergency .flag-desk-do");
    assert_eq!(
        todo,
        ["What to do: Tell a practitioner now. No practitioner has acknowledged it yet."],
        "{html}"
    );

    // A practitioner acknowledges the flag; it leaves Today.
    let dr_token = app.api_token(&dr).await;
    let ids = flag_ids(&app, &dr_token, &p.id, "emergency").await;
    assert_eq!(ids.len(), 1, "one emergency flag");
    let dr_browser = app.signed_in(&dr).await;
    let back = format!("/patients/{}", p.id);
    let r = dr_browser
        .post_form(
            &format!("/flags/{}/acknowledge", ids[0]),
            "/day",
            &[("back", &back)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let desk_browser = app.signed_in(&desk).await;
    assert!(needs_review(&desk_browser).await.is_empty());
    let (_, html) = desk_browser.get_html("/day").await;
    assert!(!html.contains("Needs review now"));
    let (_, html) = desk_browser.get_html(&format!("/patients/{}", p.id)).await;
    assert!(
        texts(&html, ".flag-desk-do").is_empty(),
        "acknowledged: nothing more for the desk to do"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_emergency_on_the_form_reaches_a_person_on_sqlite() {
    an_emergency_on_the_form_reaches_a_person(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_emergency_on_the_form_reaches_a_person_on_postgres() {
    an_emergency_on_the_form_reaches_a_person(Backend::Postgres).await;
}

async fn an_urgent_answer_means_a_call_today(backend: Backend) {
    let Some(app) = clinic_with_alerts(backend, Some(ALERTS)).await else {
        return;
    };
    let desk = app.create_user(Role::FrontDesk).await;
    let dr = app.create_user(Role::Practitioner).await;
    let desk_token = app.api_token(&desk).await;
    let p = invite(&app, &desk_token, "Tomasz", "Wierzbicki").await;

    let done = submit_form(&app, &p, &["fever_chills"]).await;
    assert!(done.contains("We will call you today"), "{done}");
    assert!(
        !done.to_lowercase().contains("emergency"),
        "nothing alarming beyond the call"
    );
    assert_eq!(texts(&done, "h1"), vec!["Thank you, Tomasz".to_owned()]);

    let alert_mail = mail_to(&app, ALERTS, 1).await;
    assert!(
        alert_mail[0].contains("Subject: Test Clinic: a pre-visit form needs review today"),
        "{}",
        alert_mail[0]
    );
    assert!(!alert_mail[0].to_lowercase().contains("fever"));

    let b = app.signed_in(&desk).await;
    let lines = needs_review(&b).await;
    assert_eq!(lines.len(), 1);
    assert!(
        lines[0].contains("Urgent") && lines[0].contains("Call the patient today"),
        "{}",
        lines[0]
    );

    // Acknowledged through the API this time.
    let dr_token = app.api_token(&dr).await;
    for id in flag_ids(&app, &dr_token, &p.id, "urgent").await {
        let (s, body) = app
            .post_json(
                &format!("/api/v1/flags/{id}/acknowledge"),
                Some(&dr_token),
                &json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{body}");
    }
    assert!(needs_review(&b).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_urgent_answer_means_a_call_today_on_sqlite() {
    an_urgent_answer_means_a_call_today(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_urgent_answer_means_a_call_today_on_postgres() {
    an_urgent_answer_means_a_call_today(Backend::Postgres).await;
}

/// Waits long enough for the mail sender (100 ms poll in tests) to have sent anything
/// queued, then returns what the SMTP server holds.
async fn settled_mail(app: &TestApp) -> Vec<String> {
    tokio::time::sleep(Duration::from_millis(1500)).await;
    app.smtp.as_ref().unwrap().messages()
}

async fn without_an_alert_address_today_still_shows_it(backend: Backend) {
    let Some(app) = clinic_with_alerts(backend, None).await else {
        return;
    };
    let desk = app.create_user(Role::FrontDesk).await;
    let desk_token = app.api_token(&desk).await;
    let p = invite(&app, &desk_token, "Ingrid", "Solberg").await;
    let done = submit_form(&app, &p, &["saddle_numbness"]).await;
    assert!(done.contains("Seek emergency care now"));
    assert_eq!(settled_mail(&app).await.len(), 1, "only the invitation");
    assert!(alerts_queued(&app).await.is_empty());
    assert!(audit_rows(&app, "alert.queued").await.is_empty());
    let lines = needs_review(&app.signed_in(&desk).await).await;
    assert_eq!(lines.len(), 1);
    assert!(lines[0].contains("Solberg, Ingrid"), "{}", lines[0]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_an_alert_address_today_still_shows_it_on_sqlite() {
    without_an_alert_address_today_still_shows_it(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_an_alert_address_today_still_shows_it_on_postgres() {
    without_an_alert_address_today_still_shows_it(Backend::Postgres).await;
}

async fn a_form_with_nothing_alarming_alerts_nobody(backend: Backend) {
    let Some(app) = clinic_with_alerts(backend, Some(ALERTS)).await else {
        return;
    };
    let desk = app.create_user(Role::FrontDesk).await;
    let desk_token = app.api_token(&desk).await;
    let p = invite(&app, &desk_token, "Amara", "Delacroix").await;
    // Night pain without a cancer history is a precaution: nothing to call about.
    let done = submit_form(&app, &p, &["night_pain"]).await;
    assert!(
        done.contains(
            "If something you told us needs attention before then, the clinic will call you"
        ),
        "the usual next steps"
    );
    assert!(!done.contains("Seek emergency care") && !done.contains("We will call you today"));
    assert_eq!(settled_mail(&app).await.len(), 1, "only the invitation");
    assert!(alerts_queued(&app).await.is_empty());
    let (_, html) = app.signed_in(&desk).await.get_html("/day").await;
    assert!(!html.contains("Needs review now"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_with_nothing_alarming_alerts_nobody_on_sqlite() {
    a_form_with_nothing_alarming_alerts_nobody(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_with_nothing_alarming_alerts_nobody_on_postgres() {
    a_form_with_nothing_alarming_alerts_nobody(Backend::Postgres).await;
}

/// A mistyped alert address stops `clinic serve` before it listens; a missing one is
/// allowed and said in the log.
#[test]
fn the_alert_address_is_checked_at_start() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("clinic.db").display());
    let mail_dir = dir.path().join("mail");
    let serve = |alert: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_clinic"));
        cmd.args(["serve", "--bind", "127.0.0.1:0"])
            .env("DATABASE_URL", &db)
            .env("CLINIC_MAIL_DIR", &mail_dir)
            .env("RUST_LOG", "warn")
            .env_remove("CLINIC_ALERT_EMAIL")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if let Some(a) = alert {
            cmd.env("CLINIC_ALERT_EMAIL", a);
        }
        cmd.spawn().unwrap()
    };

    let bad = serve(Some("front desk at clinic"))
        .wait_with_output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let said = String::from_utf8_lossy(&bad.stderr);
    assert!(
        said.contains("CLINIC_ALERT_EMAIL is not an email address"),
        "{said}"
    );

    let mut unset = serve(None);
    let stderr = unset.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains("CLINIC_ALERT_EMAIL is not set") {
                let _ = tx.send(line);
            }
        }
    });
    let warned = rx.recv_timeout(Duration::from_secs(30));
    let _ = unset.kill();
    let _ = unset.wait();
    let line = warned.expect("a warning that alerts only show on Today");
    assert!(
        line.contains("WARN") && line.contains("will only show on Today"),
        "{line}"
    );
}
