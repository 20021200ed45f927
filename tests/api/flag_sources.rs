//! One flag per finding: a diagnosis that says what the pre-visit form said becomes a
//! second source of the flags already on the banner instead of a copy; saving again adds
//! no source twice; a resolved flag comes back only from a record with evidence it did
//! not have; and the migration gave every older flag its first source.

use clinic::domain::Role;
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, texts};
use crate::intake_answers::every_question_answered;

struct Staff {
    desk: String,
    dr_user: TestUser,
    dr: String,
}

async fn staff(app: &TestApp) -> Staff {
    let desk = app.create_user(Role::FrontDesk).await;
    let dr_user = app.create_user(Role::Practitioner).await;
    Staff {
        desk: app.api_token(&desk).await,
        dr: app.api_token(&dr_user).await,
        dr_user,
    }
}

async fn new_patient(app: &TestApp, token: &str) -> String {
    let suffix = uuid::Uuid::new_v4().simple().to_string();
    let (s, p) = app
        .post_json(
            "/api/v1/patients",
            Some(token),
            &json!({"given_name": "Olga", "family_name": format!("Sources{}", &suffix[..8]),
                    "date_of_birth": "1951-03-08"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    p["id"].as_str().unwrap().to_owned()
}

/// Posts a paper history (every other question answered no); returns the intake's id.
async fn post_intake(app: &TestApp, token: &str, pid: &str, answers: Value) -> String {
    let (s, v) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/intakes"),
            Some(token),
            &every_question_answered(&answers),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["id"].as_str().unwrap().to_owned()
}

async fn flags(app: &TestApp, token: &str, pid: &str) -> Vec<Value> {
    let (s, list) = app
        .get_json(&format!("/api/v1/patients/{pid}/flags"), token)
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    list["items"].as_array().unwrap().clone()
}

fn unresolved(all: &[Value]) -> Vec<Value> {
    all.iter()
        .filter(|f| f["status"] != "resolved")
        .cloned()
        .collect()
}

/// (origin, source_id) of each source of a flag, in order.
fn sources(f: &Value) -> Vec<(String, String)> {
    f["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["origin"].as_str().unwrap().to_owned(),
                s["source_id"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

async fn start(app: &TestApp, token: &str, pid: &str) -> (String, i64) {
    let (s, a) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/assessments"),
            Some(token),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    (
        a["id"].as_str().unwrap().to_owned(),
        a["version"].as_i64().unwrap(),
    )
}

/// Saves sections of a draft; returns its new version.
async fn save(app: &TestApp, token: &str, aid: &str, version: i64, sections: Value) -> i64 {
    let mut body = sections;
    body["version"] = json!(version);
    let resp = app
        .http
        .put(app.url(&format!("/api/v1/assessments/{aid}")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("PUT");
    let status = resp.status();
    let v: Value = resp.json().await.unwrap_or(Value::Null);
    assert_eq!(status, StatusCode::OK, "{v}");
    v["version"].as_i64().unwrap()
}

async fn resolve(app: &TestApp, token: &str, flag: &Value) {
    let id = flag["id"].as_str().unwrap();
    let (s, f) = app
        .post_json(
            &format!("/api/v1/flags/{id}/resolve"),
            Some(token),
            &json!({"reason": "DEXA repeated this month; bone density now normal for age"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{f}");
}

fn count(actions: &[String], action: &str) -> usize {
    actions.iter().filter(|a| *a == action).count()
}

/// (code, level, techniques, regions) of each flag: one flag per finding means no two
/// unresolved flags share them.
fn findings(all: &[Value]) -> Vec<String> {
    let mut v: Vec<String> = all
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {}",
                f["code"], f["level"], f["techniques"], f["regions"]
            )
        })
        .collect();
    v.sort();
    v
}

const M81: &str = "M81.0";

async fn an_osteoporosis_diagnosis_is_a_second_source_of_the_intake_flags(app: TestApp) {
    let s = staff(&app).await;
    let pid = new_patient(&app, &s.desk).await;
    let intake = post_intake(
        &app,
        &s.desk,
        &pid,
        json!({"conditions": {"osteoporosis": "yes"}}),
    )
    .await;
    let before = flags(&app, &s.dr, &pid).await;
    assert_eq!(before.len(), 2, "{before:?}");
    for f in &before {
        assert_eq!(sources(f), [("intake".to_owned(), intake.clone())]);
    }

    let (aid, v) = start(&app, &s.dr, &pid).await;
    save(
        &app,
        &s.dr,
        &aid,
        v,
        json!({"diagnoses": [{"code": M81, "primary": true}]}),
    )
    .await;

    let after = flags(&app, &s.dr, &pid).await;
    assert_eq!(
        after.len(),
        2,
        "one flag per finding, not a copy: {after:?}"
    );
    let open = unresolved(&after);
    let mut keys = findings(&open);
    keys.dedup();
    assert_eq!(keys.len(), open.len(), "{keys:?}");
    for f in &after {
        assert_eq!(f["code"], "osteoporosis");
        assert_eq!(
            f["origin"], "intake",
            "the flag is still the one the form raised"
        );
        assert_eq!(
            sources(f),
            [
                ("intake".to_owned(), intake.clone()),
                ("assessment".to_owned(), aid.clone())
            ],
            "{f}"
        );
        let first = &f["sources"][0];
        assert_eq!(first["basis"], "form_answer");
        assert_eq!(first["evidence"], "Answered yes on the form");
        let second = &f["sources"][1];
        assert_eq!(second["basis"], "diagnosis");
        let words = second["evidence"].as_str().unwrap();
        assert!(words.starts_with("Diagnosis M81.0"), "{words}");
        assert!(
            !words.contains("Answered yes"),
            "only what the diagnosis adds: {words}"
        );
    }
    let actions = app.audit_actions().await;
    assert_eq!(count(&actions, "flag.raised"), 2, "{actions:?}");
    assert_eq!(count(&actions, "flag.source_added"), 2, "{actions:?}");

    // The front desk sees the same sources in the JSON.
    let desk_view = flags(&app, &s.desk, &pid).await;
    assert!(
        desk_view
            .iter()
            .all(|f| f["sources"].as_array().unwrap().len() == 2)
    );

    // The banner shows each flag once, with both records behind it, on the patient page
    // and in the assessment workspace.
    let dr = app.signed_in(&s.dr_user).await;
    for page in [
        format!("/patients/{pid}"),
        format!("/patients/{pid}/assessments/{aid}"),
    ] {
        let (st, html) = dr.get_html(&page).await;
        assert_eq!(st, StatusCode::OK, "{page}");
        assert_eq!(texts(&html, ".flag-banner h2"), ["Flags (2)"], "{page}");
        let lines = texts(&html, ".flag-banner .flag-basis");
        assert_eq!(lines.len(), 2, "{page}: {lines:?}");
        for line in &lines {
            assert!(
                line.starts_with("From: the pre-visit form of "),
                "{page}: {line}"
            );
            assert!(
                line.contains("(Answered yes on the form); the assessment of "),
                "{line}"
            );
            assert!(line.contains("(Diagnosis M81.0"), "{line}");
        }
        assert_eq!(texts(&html, ".flag-banner .flag-source").len(), 4, "{page}");
    }
}

async fn saving_again_adds_no_source_twice_and_resolved_flags_need_new_evidence(app: TestApp) {
    let s = staff(&app).await;
    let pid = new_patient(&app, &s.desk).await;
    let intake = post_intake(
        &app,
        &s.desk,
        &pid,
        json!({"conditions": {"osteoporosis": "yes"}}),
    )
    .await;
    let (aid, v) = start(&app, &s.dr, &pid).await;
    let dx = json!({"diagnoses": [{"code": M81, "primary": true}]});
    let v = save(&app, &s.dr, &aid, v, dx.clone()).await;
    let v = save(&app, &s.dr, &aid, v, dx.clone()).await;
    let v = save(
        &app,
        &s.dr,
        &aid,
        v,
        json!({"diagnoses": [{"code": M81, "primary": true}, {"code": "M54.50"}]}),
    )
    .await;
    let all = flags(&app, &s.dr, &pid).await;
    assert_eq!(all.len(), 2, "{all:?}");
    assert!(
        all.iter()
            .all(|f| f["sources"].as_array().unwrap().len() == 2),
        "{all:?}"
    );
    assert_eq!(count(&app.audit_actions().await, "flag.source_added"), 2);

    // Resolved: the same assessment saved again, and a newer form with the same answer,
    // bring nothing the practitioner has not decided on.
    for f in &all {
        resolve(&app, &s.dr, f).await;
    }
    save(&app, &s.dr, &aid, v, dx.clone()).await;
    let second = post_intake(
        &app,
        &s.desk,
        &pid,
        json!({"conditions": {"osteoporosis": "yes"}}),
    )
    .await;
    assert_ne!(second, intake);
    let all = flags(&app, &s.dr, &pid).await;
    assert_eq!(all.len(), 2, "{all:?}");
    assert!(unresolved(&all).is_empty(), "{all:?}");
    assert!(
        all.iter()
            .all(|f| f["sources"].as_array().unwrap().len() == 2),
        "{all:?}"
    );
    let actions = app.audit_actions().await;
    assert_eq!(count(&actions, "flag.source_added"), 2, "{actions:?}");
    assert_eq!(count(&actions, "flag.raised"), 2, "{actions:?}");

    // A genuinely new source: a form that lists an osteoporosis medicine.
    let third = post_intake(
        &app,
        &s.desk,
        &pid,
        json!({"conditions": {"osteoporosis": "yes"}, "medications": [{"name": "Fosamax"}]}),
    )
    .await;
    let all = flags(&app, &s.dr, &pid).await;
    let open = unresolved(&all);
    assert_eq!(open.len(), 2, "raised again, once per finding: {all:?}");
    for f in &open {
        assert_eq!(sources(f), [("intake".to_owned(), third.clone())]);
        assert!(f["evidence"].as_str().unwrap().contains("Fosamax"), "{f}");
    }
    // The assessment that supported the resolved flags was decided on with them: saving
    // it again adds it to nothing and raises nothing.
    let (_, a) = app
        .get_json(&format!("/api/v1/assessments/{aid}"), &s.dr)
        .await;
    save(&app, &s.dr, &aid, a["version"].as_i64().unwrap(), dx).await;
    let again = flags(&app, &s.dr, &pid).await;
    assert_eq!(again.len(), 4, "{again:?}");
    for f in unresolved(&again) {
        assert_eq!(sources(&f), [("intake".to_owned(), third.clone())]);
    }
    let actions = app.audit_actions().await;
    assert_eq!(count(&actions, "flag.raised"), 4, "{actions:?}");
    assert_eq!(count(&actions, "flag.source_added"), 2, "{actions:?}");
}

/// The migration's backfill, run again over flags on file: dropping `flag_sources` and
/// applying its migration once more gives every flag exactly its own first source.
async fn the_migration_gives_every_older_flag_its_first_source(app: TestApp) {
    let s = staff(&app).await;
    let pid = new_patient(&app, &s.desk).await;
    let intake = post_intake(
        &app,
        &s.desk,
        &pid,
        json!({"conditions": {"osteoporosis": "yes"}}),
    )
    .await;
    let (aid, v) = start(&app, &s.dr, &pid).await;
    // A lumbar fracture code raises a flag of the assessment's own.
    save(
        &app,
        &s.dr,
        &aid,
        v,
        json!({"diagnoses": [{"code": "S32.009A", "primary": true}]}),
    )
    .await;
    let (st, manual) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/flags"),
            Some(&s.dr),
            &json!({"code": "old_fracture", "level": "absolute", "techniques": ["hvla"],
                    "regions": ["thoracic"], "reason": "Old T8 compression fracture on X-ray"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{manual}");
    assert_eq!(
        sources(&manual),
        [("manual".to_owned(), String::new())],
        "{manual}"
    );
    let before = flags(&app, &s.dr, &pid).await;
    assert_eq!(before.len(), 4, "{before:?}");

    app.with_db(|conn| {
        diesel::sql_query("DROP TABLE flag_sources")
            .execute(conn)
            .expect("drop");
        let n = diesel::sql_query(
            "DELETE FROM __diesel_schema_migrations WHERE version = '20261205000006'",
        )
        .execute(conn)
        .expect("forget the migration");
        assert_eq!(n, 1, "the flag_sources migration was applied");
        let applied = clinic::db::run_migrations(conn).expect("migrate");
        assert_eq!(applied.len(), 1, "{applied:?}");
    })
    .await;

    let after = flags(&app, &s.dr, &pid).await;
    assert_eq!(after.len(), 4);
    for f in &after {
        let list = f["sources"].as_array().unwrap();
        assert_eq!(list.len(), 1, "{f}");
        let one = &list[0];
        assert_eq!(one["origin"], f["origin"], "{f}");
        assert_eq!(one["basis"], f["basis"], "{f}");
        assert_eq!(one["evidence"], f["evidence"], "{f}");
        assert_eq!(one["added_at"], f["raised_at"], "{f}");
        let expected = match f["origin"].as_str().unwrap() {
            "intake" => Value::from(intake.clone()),
            "assessment" => Value::from(aid.clone()),
            _ => Value::Null,
        };
        assert_eq!(one["source_id"], expected, "{f}");
    }
    // The backfilled sources count as sources: saving the assessment again adds none.
    let (_, a) = app
        .get_json(&format!("/api/v1/assessments/{aid}"), &s.dr)
        .await;
    save(
        &app,
        &s.dr,
        &aid,
        a["version"].as_i64().unwrap(),
        json!({"diagnoses": [{"code": "S32.009A", "primary": true}]}),
    )
    .await;
    let again = flags(&app, &s.dr, &pid).await;
    assert!(
        again
            .iter()
            .all(|f| f["sources"].as_array().unwrap().len() == 1),
        "{again:?}"
    );
}

on_both_backends!(
    an_osteoporosis_diagnosis_is_a_second_source_of_the_intake_flags,
    saving_again_adds_no_source_twice_and_resolved_flags_need_new_evidence,
    the_migration_gives_every_older_flag_its_first_source,
);
