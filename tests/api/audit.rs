//! The audit trail: every account event leaves a row, the database refuses changes, and
//! `clinic audit verify` catches every kind of tampering even with the triggers dropped.

use std::process::Command;

use clinic::domain::Role;
use diesel::connection::SimpleConnection;
use serde_json::json;

use crate::helpers::{Backend, TestApp};

pub fn verify_cli(db_url: &str) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_clinic"))
        .args(["audit", "verify"])
        .env("DATABASE_URL", db_url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run clinic audit verify");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// Six events: four accounts created, two failed sign-ins.
async fn make_events(app: &TestApp) {
    for role in [
        Role::Admin,
        Role::Practitioner,
        Role::FrontDesk,
        Role::FrontDesk,
    ] {
        app.create_user(role).await;
    }
    for _ in 0..2 {
        app.post_json(
            "/api/v1/auth/login",
            None,
            &json!({"email": "nobody@clinic.example", "password": "wrong wrong wrong"}),
        )
        .await;
    }
    assert_eq!(app.audit_actions().await.len(), 6);
}

async fn account_events_are_audited(app: TestApp) {
    let admin = app.create_user(Role::Admin).await;
    let token = app.api_token(&admin).await;
    app.post_json(
        "/api/v1/auth/login",
        None,
        &json!({"email": admin.email, "password": "a wrong password here"}),
    )
    .await;
    app.http
        .post(app.url("/api/v1/auth/logout"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let actions = app.audit_actions().await;
    assert_eq!(
        actions,
        ["user.created", "login.succeeded", "login.failed", "logout"]
    );
    let (code, out) = verify_cli(&app.db.url);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("4 events verified"), "{out}");
}

async fn the_database_refuses_to_change_audit_rows(app: TestApp) {
    make_events(&app).await;
    let results = app
        .with_db(|conn| {
            (
                conn.batch_execute("UPDATE audit_events SET detail = 'edited' WHERE seq = 2")
                    .is_err(),
                conn.batch_execute("DELETE FROM audit_events WHERE seq = 2")
                    .is_err(),
            )
        })
        .await;
    assert_eq!(
        results,
        (true, true),
        "update and delete are refused by triggers"
    );
}

fn drop_triggers(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => {
            "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;"
        }
        Backend::Postgres => "DROP TRIGGER audit_events_no_change ON audit_events;",
    }
}

/// Each tampering, done by someone who dropped the triggers first, and the row that
/// `audit verify` must name.
async fn verify_detects_every_kind_of_tampering(backend: Backend) {
    let cases: &[(&str, &str, i64)] = &[
        (
            "changed row",
            "UPDATE audit_events SET detail = 'nothing to see' WHERE seq = 3",
            3,
        ),
        (
            "changed time",
            "UPDATE audit_events SET at = at WHERE seq = 1; UPDATE audit_events SET actor_role = 'admin' WHERE seq = 4",
            4,
        ),
        ("removed row", "DELETE FROM audit_events WHERE seq = 3", 3),
        (
            "removed newest row",
            "DELETE FROM audit_events WHERE seq = 6",
            6,
        ),
        (
            "reordered rows",
            "UPDATE audit_events SET seq = 100 WHERE seq = 2; UPDATE audit_events SET seq = 2 WHERE seq = 3; \
             UPDATE audit_events SET seq = 3 WHERE seq = 100",
            2,
        ),
        (
            "inserted row",
            "INSERT INTO audit_events (seq, at, action, entity, outcome, prev_hash, hash) \
             VALUES (7, '2026-01-01 00:00:00', 'logout', 'session', 'success', 'x', 'y')",
            7,
        ),
    ];
    for (what, sql, bad_seq) in cases {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        make_events(&app).await;
        let (code, out) = verify_cli(&app.db.url);
        assert_eq!(code, 0, "intact before tampering: {out}");
        let tamper = format!("{} {sql}", drop_triggers(backend));
        app.with_db(move |conn| conn.batch_execute(&tamper).expect("tampering SQL"))
            .await;
        let (code, out) = verify_cli(&app.db.url);
        assert_ne!(code, 0, "{what} must be detected: {out}");
        assert!(
            out.contains(&format!("BROKEN at event {bad_seq}")),
            "{what}: expected event {bad_seq} named, got {out}"
        );
    }
}

/// A forger who recomputes the hash of the row they changed still breaks the next link.
async fn a_rehashed_forgery_breaks_the_next_link(app: TestApp) {
    make_events(&app).await;
    let backend = app.db.backend;
    app.with_db(move |conn| {
        use clinic::db::models::audit::AuditRow;
        use clinic::schema::audit_events::dsl::*;
        use diesel::prelude::*;
        let mut row: AuditRow = audit_events
            .find(3_i64)
            .select(AuditRow::as_select())
            .first(conn)
            .unwrap();
        row.detail = Some("forged".into());
        let new_hash = row.compute_hash(&row.prev_hash);
        conn.batch_execute(drop_triggers(backend)).unwrap();
        diesel::update(audit_events.find(3_i64))
            .set((detail.eq("forged"), hash.eq(new_hash)))
            .execute(conn)
            .unwrap();
    })
    .await;
    let (code, out) = verify_cli(&app.db.url);
    assert_ne!(code, 0);
    assert!(out.contains("BROKEN at event 4"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampering_is_detected_on_sqlite() {
    verify_detects_every_kind_of_tampering(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampering_is_detected_on_postgres() {
    verify_detects_every_kind_of_tampering(Backend::Postgres).await;
}

on_both_backends!(
    account_events_are_audited,
    the_database_refuses_to_change_audit_rows,
    a_rehashed_forgery_breaks_the_next_link
);
