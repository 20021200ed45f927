//! The audit head outside the database: `clinic audit anchor FILE` writes it, and
//! `clinic audit verify --anchor FILE` catches what the chain alone cannot show: the
//! newest rows removed with `audit_head` rewritten, and a chain re-hashed from a changed
//! row onwards.

use std::path::Path;

use clinic::db::DbConnection;
use clinic::db::models::audit::AuditRow;
use clinic::domain::Role;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::audit::verify_cli;
use crate::cli::clinic;
use crate::helpers::{Backend, TestApp};

fn drop_triggers(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => {
            "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;"
        }
        Backend::Postgres => "DROP TRIGGER audit_events_no_change ON audit_events;",
    }
}

/// Runs a `clinic audit …` command: exit code and standard output plus error.
fn audit_cli(db_url: &str, args: &[&str]) -> (i32, String) {
    let mut all = vec!["audit"];
    all.extend_from_slice(args);
    let o = clinic(db_url, &all, None);
    (
        o.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

fn anchor_file(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// `n` audit rows: failed sign-ins.
async fn failed_logins(app: &TestApp, n: usize) {
    for _ in 0..n {
        app.post_json(
            "/api/v1/auth/login",
            None,
            &json!({"email": "nobody@clinic.example", "password": "wrong wrong wrong"}),
        )
        .await;
    }
}

fn all_rows(conn: &mut DbConnection) -> Vec<AuditRow> {
    use clinic::schema::audit_events::dsl::*;
    audit_events
        .order(seq.asc())
        .select(AuditRow::as_select())
        .load(conn)
        .unwrap()
}

async fn truncation_with_a_rewritten_head_is_caught_by_the_anchor(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let anchor = dir.path().join("audit-head.json");
    let anchor_arg = anchor.to_str().unwrap();
    let url = app.db.url.clone();
    app.create_user(Role::Admin).await;
    failed_logins(&app, 3).await;

    // Anchor, verify against it.
    let (code, out) = audit_cli(&url, &["anchor", anchor_arg]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("audit head anchored: event 4"), "{out}");
    let written = anchor_file(&anchor);
    assert_eq!(written["seq"], 4, "{written}");
    assert_eq!(written["hash"].as_str().unwrap().len(), 64, "{written}");
    assert!(written["anchored_at"].is_string() && written["event_at"].is_string());
    let (code, out) = audit_cli(&url, &["verify", "--anchor", anchor_arg]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("4 events verified, including event 4"),
        "{out}"
    );

    // The trail grows; the next anchor moves forward, and the old one still verifies.
    let old = dir.path().join("old.json");
    std::fs::copy(&anchor, &old).unwrap();
    failed_logins(&app, 3).await;
    let (code, out) = audit_cli(&url, &["anchor", anchor_arg]);
    assert_eq!(code, 0, "{out}");
    // Three more rows at least (the sign-in throttle may add a lock row).
    let newest = anchor_file(&anchor)["seq"].as_i64().unwrap();
    assert!(newest >= 7, "the anchor moved forward to {newest}");
    let (code, out) = audit_cli(&url, &["verify", "--anchor", old.to_str().unwrap()]);
    assert_eq!(code, 0, "an older anchor is still in the chain: {out}");

    // Someone with the database removes the three newest rows and points `audit_head`
    // at the new last row. The chain alone still verifies…
    let backend = app.db.backend;
    app.with_db(move |conn| {
        conn.batch_execute(drop_triggers(backend)).unwrap();
        conn.batch_execute("DELETE FROM audit_events WHERE seq > 4")
            .unwrap();
        let last = all_rows(conn).pop().unwrap();
        use clinic::schema::audit_head::dsl::*;
        diesel::update(audit_head.filter(id.eq(1)))
            .set((seq.eq(last.seq), hash.eq(last.hash)))
            .execute(conn)
            .unwrap();
    })
    .await;
    let (code, out) = verify_cli(&url);
    assert_eq!(code, 0, "without the anchor nothing shows: {out}");

    // …the anchor does not.
    let (code, out) = audit_cli(&url, &["verify", "--anchor", anchor_arg]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("audit trail BROKEN at event 5"), "{out}");
    assert!(
        out.contains("the chain ends at row 4 but the anchor")
            && out.contains(&format!("names row {newest}")),
        "{out}"
    );
    assert!(out.contains("newest rows were removed"), "{out}");

    // A new anchor is refused over it, and the file keeps the evidence.
    let (code, out) = audit_cli(&url, &["anchor", anchor_arg]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("BROKEN at event 5") && out.contains("left as it was"),
        "{out}"
    );
    assert_eq!(
        anchor_file(&anchor)["seq"],
        newest,
        "the anchor was not moved back"
    );
}

/// A forger who changes a row and re-hashes every row after it, and the head, leaves a
/// chain that verifies; the anchored hash no longer matches.
async fn a_rehashed_chain_is_caught_by_the_anchor(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let anchor = dir.path().join("audit-head.json");
    let anchor_arg = anchor.to_str().unwrap();
    let url = app.db.url.clone();
    app.create_user(Role::Admin).await;
    failed_logins(&app, 4).await;
    let (code, out) = audit_cli(&url, &["anchor", anchor_arg]);
    assert_eq!(code, 0, "{out}");
    let anchored = anchor_file(&anchor)["seq"].as_i64().unwrap();

    let backend = app.db.backend;
    app.with_db(move |conn| {
        conn.batch_execute(drop_triggers(backend)).unwrap();
        let mut prev = None::<String>;
        for mut row in all_rows(conn) {
            if row.seq < 3 {
                prev = Some(row.hash);
                continue;
            }
            if row.seq == 3 {
                row.detail = Some("forged".into());
            }
            let link = prev.take().unwrap();
            let new_hash = row.compute_hash(&link);
            {
                use clinic::schema::audit_events::dsl::*;
                diesel::update(audit_events.find(row.seq))
                    .set((
                        detail.eq(row.detail.clone()),
                        prev_hash.eq(link.clone()),
                        hash.eq(new_hash.clone()),
                    ))
                    .execute(conn)
                    .unwrap();
            }
            {
                use clinic::schema::audit_head::dsl::*;
                diesel::update(audit_head.filter(id.eq(1)))
                    .set((seq.eq(row.seq), hash.eq(new_hash.clone())))
                    .execute(conn)
                    .unwrap();
            }
            prev = Some(new_hash);
        }
    })
    .await;
    let (code, out) = verify_cli(&url);
    assert_eq!(code, 0, "the re-hashed chain verifies on its own: {out}");
    let (code, out) = audit_cli(&url, &["verify", "--anchor", anchor_arg]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!("BROKEN at event {anchored}"))
            && out.contains("not the one anchored"),
        "{out}"
    );
}

/// An anchor file that is not one is an error (exit 2), never "nothing to check".
async fn a_garbled_or_missing_anchor_is_an_error(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let url = app.db.url.clone();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"seq\": 3}").unwrap();
    for (what, path) in [
        ("garbled", bad.clone()),
        ("missing", dir.path().join("none.json")),
    ] {
        let (code, out) = audit_cli(&url, &["verify", "--anchor", path.to_str().unwrap()]);
        assert_eq!(code, 2, "{what}: {out}");
        assert!(out.contains("anchor"), "{what}: {out}");
    }
    let (code, out) = audit_cli(&url, &["anchor", bad.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}");
    assert_eq!(std::fs::read_to_string(&bad).unwrap(), "{\"seq\": 3}");
}

on_both_backends!(
    truncation_with_a_rewritten_head_is_caught_by_the_anchor,
    a_rehashed_chain_is_caught_by_the_anchor,
    a_garbled_or_missing_anchor_is_an_error
);
