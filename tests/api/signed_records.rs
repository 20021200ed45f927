//! A signed record says what was examined and verified, forever: the history it
//! reviewed stays pinned when a newer form arrives, findings nobody set read back as
//! "not recorded", "all normal" fills only what it names, one draft per visit, and
//! every signed document stored by an earlier (or later) release still reads, renders
//! and verifies (tests/fixtures/signed/).

use chrono::{NaiveDate, NaiveDateTime};
use clinic::domain::Role;
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Browser, TestApp};
use crate::intake_answers::every_question_answered;

struct Clinic {
    desk: String,
    dr: String,
    dr_id: String,
    /// The practitioner's browser, for the pages.
    dr_browser: Browser,
}

async fn clinic(app: &TestApp) -> Clinic {
    let desk = app.create_user(Role::FrontDesk).await;
    let dr = app.create_user(Role::Practitioner).await;
    Clinic {
        desk: app.api_token(&desk).await,
        dr: app.api_token(&dr).await,
        dr_id: dr.id.clone(),
        dr_browser: app.signed_in(&dr).await,
    }
}

async fn page(b: &Browser, path: &str) -> String {
    let (status, html) = b.get_html(path).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    html
}

async fn patient(app: &TestApp, c: &Clinic, family: &str) -> String {
    let (s, p) = app
        .post_json(
            "/api/v1/patients",
            Some(&c.desk),
            &json!({"given_name": "Sigrid", "family_name": family,
                    "date_of_birth": "1968-02-11", "sex": "female"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    p["id"].as_str().unwrap().to_owned()
}

async fn paper_intake(app: &TestApp, c: &Clinic, pid: &str, answers: Value) -> String {
    let (s, v) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/intakes"),
            Some(&c.desk),
            &every_question_answered(&answers),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["id"].as_str().unwrap().to_owned()
}

async fn start(app: &TestApp, c: &Clinic, pid: &str) -> (String, i64) {
    let (s, a) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/assessments"),
            Some(&c.dr),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    (
        a["id"].as_str().unwrap().to_owned(),
        a["version"].as_i64().unwrap(),
    )
}

async fn save(app: &TestApp, c: &Clinic, aid: &str, version: i64, sections: Value) -> Value {
    let mut body = sections.clone();
    body["version"] = json!(version);
    let (s, v) = app
        .put_json(&format!("/api/v1/assessments/{aid}"), &c.dr, &body)
        .await;
    assert_eq!(s, StatusCode::OK, "{sections} → {v}");
    v
}

async fn record(app: &TestApp, token: &str, aid: &str) -> Value {
    let (s, v) = app
        .get_json(&format!("/api/v1/assessments/{aid}"), token)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

fn plan() -> Value {
    json!({"visits_per_week": 2, "weeks": 4, "goals": "Turn the head to reverse the car",
           "interventions": [{"technique": "soft_tissue", "region": "cervical"}]})
}

async fn audit_count(app: &TestApp, action: &'static str) -> usize {
    app.audit_actions()
        .await
        .iter()
        .filter(|a| a.as_str() == action)
        .count()
}

// ----------------------------------------------------------------------------------
// Pinned history
// ----------------------------------------------------------------------------------

async fn a_signed_record_keeps_the_history_it_reviewed(app: TestApp) {
    let c = clinic(&app).await;
    let pid = patient(&app, &c, "Pinned").await;
    let first = paper_intake(
        &app,
        &c,
        &pid,
        json!({"chief_complaint": "Neck pain since a fall from a ladder", "onset": "Last week"}),
    )
    .await;
    let (s, _) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/consents"),
            Some(&c.desk),
            &json!({"kind": "treatment", "signed_name": "Sigrid Pinned"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (aid, v) = start(&app, &c, &pid).await;
    let rec = record(&app, &c.dr, &aid).await;
    assert_eq!(
        rec["history_review"]["basis"], "pinned",
        "pinned at the start"
    );
    assert_eq!(rec["history_source"]["intake_id"], first.as_str());
    let rec = save(
        &app,
        &c,
        &aid,
        v,
        json!({"history": [{"item": "chief_complaint", "status": "verified"}],
               "diagnoses": [{"code": "M54.2", "primary": true}], "plan": plan()}),
    )
    .await;
    // The trauma answer raised red flags; the practitioner deals with them.
    for f in rec["flags"].as_array().unwrap() {
        let id = f["id"].as_str().unwrap();
        if f["level"] == "emergency" || f["level"] == "urgent" {
            let (s, r) = app
                .post_json(
                    &format!("/api/v1/flags/{id}/refer"),
                    Some(&c.dr),
                    &json!({"method": "letter", "to": "GP", "referred_on": app.clock.now().date(),
                            "reason": "Referred to the GP for imaging after the fall."}),
                )
                .await;
            assert!(s.is_success(), "{r}");
        } else if f["status"] == "open" {
            let (s, r) = app
                .post_json(
                    &format!("/api/v1/flags/{id}/acknowledge"),
                    Some(&c.dr),
                    &json!({}),
                )
                .await;
            assert!(s.is_success(), "{r}");
        }
    }
    let version = record(&app, &c.dr, &aid).await["version"].clone();
    let (s, signed) = app
        .post_json(
            &format!("/api/v1/assessments/{aid}/sign"),
            Some(&c.dr),
            &json!({ "version": version }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{signed}");
    let hash = signed["content_hash"].clone();

    // The front desk enters a newer paper form with another complaint.
    let second = paper_intake(
        &app,
        &c,
        &pid,
        json!({"chief_complaint": "Knee pain when climbing stairs", "onset": "Last week"}),
    )
    .await;

    let rec = record(&app, &c.dr, &aid).await;
    assert_eq!(rec["content_hash"], hash);
    assert_eq!(rec["content_hash_verified"], true, "{rec}");
    let h = &rec["history_review"];
    assert_eq!(h["basis"], "pinned");
    assert_eq!(h["intake_id"], first.as_str());
    assert_eq!(h["answers_hash_verified"], true);
    assert_eq!(h["newer_intake"]["intake_id"], second.as_str());
    assert_eq!(rec["history_source"]["intake_id"], first.as_str());

    for html in [
        page(&c.dr_browser, &format!("/assessments/{aid}/print")).await,
        page(&c.dr_browser, &format!("/patients/{pid}/assessments/{aid}")).await,
    ] {
        assert!(
            html.contains("Neck pain since a fall from a ladder"),
            "{html}"
        );
        assert!(!html.contains("Knee pain when climbing stairs"), "{html}");
        assert!(
            html.contains("A newer pre-visit form was submitted"),
            "{html}"
        );
        assert!(html.contains("This signed record keeps"), "{html}");
        assert!(!html.contains("CHANGED AFTER SIGNING"));
        assert!(
            !html.contains("history-source"),
            "no re-pin offered on a signed record"
        );
    }
}

async fn a_draft_moves_to_a_newer_form_only_when_asked(app: TestApp) {
    let c = clinic(&app).await;
    let pid = patient(&app, &c, "Repin").await;
    let first = paper_intake(
        &app,
        &c,
        &pid,
        json!({"chief_complaint": "Stiff neck", "onset": "Three days ago"}),
    )
    .await;
    let (aid, v) = start(&app, &c, &pid).await;
    save(
        &app,
        &c,
        &aid,
        v,
        json!({"history": [{"item": "chief_complaint", "status": "verified"},
                           {"item": "onset", "status": "verified"}]}),
    )
    .await;
    let second = paper_intake(
        &app,
        &c,
        &pid,
        json!({"chief_complaint": "Stiff neck and headaches", "onset": "Three days ago"}),
    )
    .await;
    let rec = record(&app, &c.dr, &aid).await;
    assert_eq!(rec["history_review"]["intake_id"], first.as_str());
    assert_eq!(
        rec["history_review"]["newer_intake"]["intake_id"],
        second.as_str()
    );
    let html = page(&c.dr_browser, &format!("/patients/{pid}/assessments/{aid}")).await;
    assert!(html.contains("A newer pre-visit form was submitted"));
    assert!(html.contains("Review this form"));

    let before = audit_count(&app, "assessment.history_pinned").await;
    let (s, rec) = app
        .post_json(
            &format!("/api/v1/assessments/{aid}/history-source"),
            Some(&c.dr),
            &json!({ "version": rec["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{rec}");
    assert_eq!(rec["history_review"]["intake_id"], second.as_str());
    assert!(rec["history_review"]["newer_intake"].is_null());
    // The complaint changed: to be reviewed again; the onset did not: still verified.
    let items: Vec<&str> = rec["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["item"].as_str().unwrap())
        .collect();
    assert_eq!(items, vec!["onset"], "{rec}");
    assert_eq!(
        audit_count(&app, "assessment.history_pinned").await,
        before + 1
    );
    // A stale version writes nothing.
    let (s, _) = app
        .post_json(
            &format!("/api/v1/assessments/{aid}/history-source"),
            Some(&c.dr),
            &json!({ "version": 1 }),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
}

// ----------------------------------------------------------------------------------
// Recorded means examined
// ----------------------------------------------------------------------------------

const NOT_SET: [&str; 5] = ["tenderness", "tone", "motion", "alignment", "swelling"];

async fn findings_nobody_set_stay_not_recorded(app: TestApp) {
    let c = clinic(&app).await;
    let pid = patient(&app, &c, "Partial").await;
    let (aid, v) = start(&app, &c, &pid).await;
    let rec = save(
        &app,
        &c,
        &aid,
        v,
        json!({"palpation": [
            {"segment": "T7", "tenderness": 2},
            {"segment": "T8", "tone": "hypertonic_mild", "motion": "restricted",
             "restricted": ["rotation_left"]},
            {"segment": "L4", "motion": "hypermobile"},
            {"segment": "L5"}
        ],
        "tests": [{"test": "slr", "side": "left", "result": "positive", "value": 40}]}),
    )
    .await;
    let rows = rec["palpation"].as_array().unwrap();
    assert_eq!(
        rows.len(),
        3,
        "a segment with nothing recorded is not stored: {rec}"
    );
    let t7 = &rows[0];
    assert_eq!(t7["segment"], "T7");
    assert_eq!(t7["tenderness"], 2);
    for f in ["tone", "motion", "alignment", "swelling"] {
        assert!(t7[f].is_null(), "T7 {f} not recorded: {t7}");
    }
    assert!(rows[1]["tenderness"].is_null() && rows[1]["alignment"].is_null());
    assert!(rows[2]["tone"].is_null() && rows[2]["swelling"].is_null());

    // The stored document says the same.
    let aid2 = aid.clone();
    let content: String = app
        .with_db(move |conn| {
            use clinic::schema::assessments::dsl as a;
            a::assessments
                .filter(a::id.eq(aid2))
                .select(a::content)
                .first(conn)
                .unwrap()
        })
        .await;
    let doc: Value = serde_json::from_str(&content).unwrap();
    assert_eq!(doc["schema"], 1);
    for f in NOT_SET.iter().skip(1) {
        assert!(doc["palpation"][0][f].is_null(), "stored {f}: {doc}");
    }

    let print = page(&c.dr_browser, &format!("/assessments/{aid}/print")).await;
    let t7_row = print
        .split("<tr")
        .find(|r| r.contains("T7"))
        .unwrap_or_else(|| panic!("T7 printed: {print}"));
    assert!(t7_row.contains("not recorded"), "{t7_row}");
    assert!(!t7_row.contains(">Normal<"), "{t7_row}");

    // "All normal" fills only segments not yet palpated; T7's own values stay.
    let (s, rec) = app
        .post_json(
            &format!("/api/v1/assessments/{aid}/all-normal"),
            Some(&c.dr),
            &json!({"version": rec["version"], "section": "palpation"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{rec}");
    let rows = rec["palpation"].as_array().unwrap();
    assert_eq!(rows.len(), 30, "every segment once");
    let t7 = rows.iter().find(|r| r["segment"] == "T7").unwrap();
    assert_eq!(t7["tenderness"], 2);
    assert!(
        t7["alignment"].is_null(),
        "T7 keeps what was recorded: {t7}"
    );
    let c5 = rows.iter().find(|r| r["segment"] == "C5").unwrap();
    assert_eq!(c5["alignment"], "normal");

    // Tests: a named screening set, not the library; recorded results stay.
    let (s, e) = app
        .post_json(
            &format!("/api/v1/assessments/{aid}/all-normal"),
            Some(&c.dr),
            &json!({"version": rec["version"], "section": "tests"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(
        e["errors"]["section"]
            .as_str()
            .unwrap()
            .contains("screening set")
    );
    let (s, rec) = app
        .post_json(
            &format!("/api/v1/assessments/{aid}/all-normal"),
            Some(&c.dr),
            &json!({"version": rec["version"], "section": "tests", "set": "lumbar"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{rec}");
    let tests = rec["tests"].as_array().unwrap();
    let names: Vec<String> = tests
        .iter()
        .map(|t| {
            format!(
                "{} {}",
                t["test"].as_str().unwrap(),
                t["side"].as_str().unwrap_or("-")
            )
        })
        .collect();
    assert_eq!(
        tests.len(),
        10,
        "5 lumbar screening tests × 2 sides: {names:?}"
    );
    let slr_left = tests
        .iter()
        .find(|t| t["test"] == "slr" && t["side"] == "left")
        .unwrap();
    assert_eq!(slr_left["result"], "positive", "kept");
    assert!(
        !tests
            .iter()
            .any(|t| t["test"] == "faber" || t["test"] == "spurling"),
        "only the named set: {names:?}"
    );

    // The workspace names each set's tests before it is applied.
    let html = page(&c.dr_browser, &format!("/patients/{pid}/assessments/{aid}")).await;
    assert!(html.contains("All negative: Lumbar radicular screen"));
    assert!(
        html.contains("Straight-leg raise, Crossed SLR, Slump, Prone knee bend, Heel / toe walk")
    );

    // An unknown key is refused by name, as input.
    let (s, e) = app
        .put_json(
            &format!("/api/v1/assessments/{aid}"),
            &c.dr,
            &json!({"version": rec["version"], "palpation": [{"segment": "T9", "colour": "red"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e["errors"]["palpation[0].colour"].is_string(), "{e}");
}

// ----------------------------------------------------------------------------------
// One draft per visit
// ----------------------------------------------------------------------------------

async fn one_draft_per_visit(app: TestApp) {
    let c = clinic(&app).await;
    let pid = patient(&app, &c, "Once").await;
    let (aid, _) = start(&app, &c, &pid).await;
    let (s, e) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/assessments"),
            Some(&c.dr),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["draft_id"], aid.as_str());
    let (s, e) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/assessments"),
            Some(&c.dr),
            &json!({"new_visit": "yes"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, second) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/assessments"),
            Some(&c.dr),
            &json!({"new_visit": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{second}");
    assert_ne!(second["id"], aid.as_str());
    let (_, list) = app
        .get_json(&format!("/api/v1/patients/{pid}/assessments"), &c.dr)
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);

    // The page: "Start" lands in the open draft, which offers a new visit instead.
    let other = patient(&app, &c, "OnceMore").await;
    let (draft, _) = start(&app, &c, &other).await;
    let resp = c
        .dr_browser
        .post_form(
            &format!("/patients/{other}/assessments"),
            &format!("/patients/{other}"),
            &[],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let to = resp.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        to,
        format!("/patients/{other}/assessments/{draft}?notice=draft_open")
    );
    let html = page(&c.dr_browser, &to).await;
    assert!(
        html.contains("already has this draft assessment open"),
        "{html}"
    );
    assert!(html.contains("Start a new visit instead"));

    // A colleague pressing Start sees whose draft it is, not "you are continuing it".
    let colleague = app.create_user(Role::Practitioner).await;
    let b = app.signed_in(&colleague).await;
    let resp = b
        .post_form(
            &format!("/patients/{other}/assessments"),
            &format!("/patients/{other}"),
            &[],
        )
        .await;
    let to = resp.headers()["location"].to_str().unwrap().to_owned();
    let html = page(&b, &to).await;
    assert!(html.contains("has an open draft assessment by"), "{html}");
    assert!(!html.contains("you are continuing it"));
    assert!(html.contains("Start a new visit instead"));
}

async fn a_post_that_only_redirects_audits_only_what_it_did(app: TestApp) {
    let c = clinic(&app).await;
    let pid = patient(&app, &c, "Redirect").await;
    let (s, _) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/consents"),
            Some(&c.desk),
            &json!({"kind": "treatment", "signed_name": "Sigrid Redirect"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (aid, v) = start(&app, &c, &pid).await;
    save(
        &app,
        &c,
        &aid,
        v,
        json!({"diagnoses": [{"code": "M54.2", "primary": true}], "plan": plan()}),
    )
    .await;
    let version = record(&app, &c.dr, &aid).await["version"].clone();
    let (s, e) = app
        .post_json(
            &format!("/api/v1/assessments/{aid}/sign"),
            Some(&c.dr),
            &json!({ "version": version }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{e}");
    let workspace = format!("/patients/{pid}/assessments/{aid}");
    let token = c.dr_browser.csrf_from(&workspace).await;
    let before = app.audit_actions().await.len();
    let resp = c
        .dr_browser
        .client
        .post(c.dr_browser.url(&format!("/assessments/{aid}/addenda")))
        .form(&[
            ("body", "Patient phoned: better the next morning."),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let to = resp.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(to, format!("/assessments/{aid}?notice=addendum#addenda"));
    let after = app.audit_actions().await;
    assert_eq!(
        after[before..].to_vec(),
        vec!["addendum.added".to_owned()],
        "the POST wrote its own row and read nothing"
    );
    // Following the redirect is the read, audited as such.
    let resp = c.dr_browser.get(&to).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let html = page(&c.dr_browser, resp.headers()["location"].to_str().unwrap()).await;
    assert!(html.contains("Patient phoned: better the next morning."));
    assert!(html.contains("Addendum added."));
}

// ----------------------------------------------------------------------------------
// Records that outlive the code
// ----------------------------------------------------------------------------------

fn timestamp(v: &Value) -> NaiveDateTime {
    let s = v.as_str().unwrap_or_else(|| panic!("a time: {v}"));
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f"))
        .unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_else(|| panic!("text: {v}")).to_owned()
}

/// Puts a fixture's rows into the database as its release stored them.
async fn load_fixture(app: &TestApp, f: Value) {
    app.with_db(move |conn| {
        use clinic::db::models::intake::{NewIntake, insert};
        use clinic::domain::intake::{IntakeAnswers, IntakeInput};
        use clinic::schema::{assessments, patients, users};
        let u = &f["practitioner"];
        let a = &f["assessment"];
        let created = timestamp(&a["created_at"]);
        diesel::insert_into(users::table)
            .values((
                users::id.eq(text(&u["id"])),
                users::email.eq(text(&u["email"])),
                users::name.eq(text(&u["name"])),
                users::role.eq(text(&u["role"])),
                users::password_hash.eq("!fixture: no password"),
                users::active.eq(false),
                users::created_at.eq(created),
                users::updated_at.eq(created),
                users::password_changed_at.eq(created),
            ))
            .execute(conn)
            .unwrap();
        let p = &f["patient"];
        diesel::insert_into(patients::table)
            .values((
                patients::id.eq(text(&p["id"])),
                patients::chart_number.eq(text(&p["chart_number"])),
                patients::given_name.eq(text(&p["given_name"])),
                patients::family_name.eq(text(&p["family_name"])),
                patients::date_of_birth.eq(NaiveDate::parse_from_str(
                    &text(&p["date_of_birth"]),
                    "%Y-%m-%d",
                )
                .unwrap()),
                patients::sex.eq(text(&p["sex"])),
                patients::name_key.eq(clinic::domain::patient::name_key(
                    &text(&p["given_name"]),
                    &text(&p["family_name"]),
                )),
                patients::version.eq(1),
                patients::created_at.eq(created),
                patients::updated_at.eq(created),
            ))
            .execute(conn)
            .unwrap();
        if let Some(i) = f["intake"].as_object() {
            let input: IntakeInput = serde_json::from_value(i["answers"].clone()).unwrap();
            let answers = IntakeAnswers::parse(&input, 2026).unwrap();
            let pid = text(&p["id"]);
            let iid = text(&i["id"]);
            insert(
                conn,
                &NewIntake {
                    id: &iid,
                    patient_id: &pid,
                    invitation_id: None,
                    entered_by: None,
                    submitted: true,
                },
                &answers,
                timestamp(&i["submitted_at"]),
            )
            .unwrap();
        }
        diesel::insert_into(assessments::table)
            .values((
                assessments::id.eq(text(&a["id"])),
                assessments::patient_id.eq(text(&a["patient_id"])),
                assessments::practitioner_id.eq(text(&a["practitioner_id"])),
                assessments::visit_date.eq(NaiveDate::parse_from_str(
                    &text(&a["visit_date"]),
                    "%Y-%m-%d",
                )
                .unwrap()),
                assessments::status.eq(text(&a["status"])),
                assessments::version.eq(i32::try_from(a["version"].as_i64().unwrap()).unwrap()),
                assessments::content.eq(text(&a["content"])),
                assessments::created_at.eq(created),
                assessments::updated_at.eq(timestamp(&a["updated_at"])),
                assessments::signed_at.eq(Some(timestamp(&a["signed_at"]))),
                assessments::signed_by.eq(Some(text(&a["signed_by"]))),
                assessments::content_hash.eq(Some(text(&a["content_hash"]))),
            ))
            .execute(conn)
            .unwrap();
    })
    .await;
}

async fn every_signed_fixture_reads_renders_and_verifies(app: TestApp) {
    let admin = app.create_user(Role::Admin).await;
    let token = app.api_token(&admin).await;
    let browser = app.signed_in(&admin).await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/signed");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 3, "fixtures: {files:?}");
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let f: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let expect = f["expect"].clone();
        let aid = text(&f["assessment"]["id"]);
        let pid = text(&f["patient"]["id"]);
        load_fixture(&app, f).await;

        let rec = record(&app, &token, &aid).await;
        assert_eq!(rec["status"], "signed", "{name}");
        assert_eq!(rec["content_hash_verified"], true, "{name}: {rec}");
        assert_eq!(rec["schema"], expect["schema"], "{name}");
        assert_eq!(
            rec["history_review"]["basis"], expect["history_basis"],
            "{name}"
        );
        let unreadable: Vec<&str> = rec["unreadable"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["path"].as_str().unwrap())
            .collect();
        let expected: Vec<&str> = expect["unreadable"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u.as_str().unwrap())
            .collect();
        assert_eq!(unreadable, expected, "{name}");

        for view in [
            format!("/assessments/{aid}/print"),
            format!("/patients/{pid}/assessments/{aid}"),
        ] {
            let html = page(&browser, &view).await;
            for t in expect["texts"].as_array().unwrap() {
                let t = t.as_str().unwrap();
                assert!(html.contains(t), "{name} {view} shows {t:?}");
            }
            if view.ends_with("/print") {
                assert!(
                    html.contains("verified") || html.contains("Verified"),
                    "{name}"
                );
            }
        }
    }
}

/// A draft started by the release before schema 1 (its palpation stored with blank
/// fields as normal) is upgraded by its next save, explicitly: the document gets
/// today's schema, the section saved is replaced, every other section stays exactly
/// as stored (nothing is reinterpreted).
async fn a_draft_from_an_earlier_release_is_upgraded_when_saved(app: TestApp) {
    let c = clinic(&app).await;
    let pid = patient(&app, &c, "Upgrade").await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/signed");
    let f: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("2026-12-01-before-schema.json")).unwrap(),
    )
    .unwrap();
    let old_content = text(&f["assessment"]["content"]);
    let old: Value = serde_json::from_str(&old_content).unwrap();
    assert!(old.get("schema").is_none(), "written before schema 1");
    let aid = uuid::Uuid::now_v7().to_string();
    let now = app.clock.now();
    let (aid2, pid2, dr) = (aid.clone(), pid.clone(), c.dr_id.clone());
    app.with_db(move |conn| {
        use clinic::schema::assessments as a;
        diesel::insert_into(a::table)
            .values((
                a::id.eq(aid2),
                a::patient_id.eq(pid2),
                a::practitioner_id.eq(dr),
                a::visit_date.eq(now.date()),
                a::status.eq("draft"),
                a::version.eq(1),
                a::content.eq(old_content),
                a::created_at.eq(now),
                a::updated_at.eq(now),
            ))
            .execute(conn)
            .unwrap();
    })
    .await;
    let rec = record(&app, &c.dr, &aid).await;
    assert_eq!(rec["schema"], 0);
    assert_eq!(rec["palpation"], old["palpation"], "read as stored");
    save(&app, &c, &aid, 1, json!({"pain": {"nprs": 4}})).await;
    let aid2 = aid.clone();
    let stored: String = app
        .with_db(move |conn| {
            use clinic::schema::assessments::dsl as a;
            a::assessments
                .filter(a::id.eq(aid2))
                .select(a::content)
                .first(conn)
                .unwrap()
        })
        .await;
    let doc: Value = serde_json::from_str(&stored).unwrap();
    assert_eq!(doc["schema"], 1, "upgraded by the save");
    assert_eq!(doc["pain"]["nprs"], 4);
    for section in ["history", "palpation", "tests", "diagnoses", "plan"] {
        assert_eq!(
            doc[section], old[section],
            "{section} kept exactly as stored"
        );
    }
}

on_both_backends!(
    a_draft_from_an_earlier_release_is_upgraded_when_saved,
    a_signed_record_keeps_the_history_it_reviewed,
    a_draft_moves_to_a_newer_form_only_when_asked,
    findings_nobody_set_stay_not_recorded,
    one_draft_per_visit,
    a_post_that_only_redirects_audits_only_what_it_did,
    every_signed_fixture_reads_renders_and_verifies,
);
