//! Crash safety of group-committed read audits: the server is killed with SIGKILL while
//! 32 connections read patients; every read it answered has its `patient.viewed` row
//! after a restart, and the audit chain verifies.
//!
//! Exact, not a count: each connection reads its own list of patients, each patient
//! once, so an answered request names one patient and its audit row must name the same
//! patient and the connection's staff member.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use diesel::prelude::*;
use serde_json::json;

use crate::audit::verify_cli;
use crate::cli::clinic;
use crate::crash::{PASSWORD, Server, add_owner, sign_in};
use crate::helpers::{Backend, TestDatabase, free_port};

const CONNECTIONS: usize = 32;
const PATIENTS_PER_CONNECTION: usize = 100;
#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    id: String,
}

#[derive(QueryableByName)]
struct ViewRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    actor_id: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    entity_id: String,
}

async fn answered_reads_keep_their_audit_rows(backend: Backend) {
    let Some(db) = TestDatabase::create(backend) else {
        return;
    };
    let n = (CONNECTIONS * PATIENTS_PER_CONNECTION).to_string();
    let o = clinic(&db.url, &["seed", "--patients", &n, "--seed", "7"], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    add_owner(&db.url);
    let mut patients: Vec<String> = diesel::sql_query("SELECT id FROM patients ORDER BY id")
        .load::<IdRow>(&mut db.connect())
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(patients.len(), CONNECTIONS * PATIENTS_PER_CONNECTION);

    let mail_dir = tempfile::tempdir().unwrap();
    let http = reqwest::Client::new();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = Server::start(&db.url, port, mail_dir.path());
    let owner = sign_in(&http, &base, "owner@clinic.example").await;

    // One front-desk account per connection, so a row names its connection.
    let mut readers = Vec::new();
    for c in 0..CONNECTIONS {
        let email = format!("reader{c}@clinic.example");
        let r = http
            .post(format!("{base}/api/v1/users"))
            .bearer_auth(&owner)
            .json(&json!({"email": email, "name": format!("Reader {c}"), "role": "front_desk", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let user: serde_json::Value = r.json().await.unwrap();
        let token = sign_in(&http, &base, &email).await;
        let mine: Vec<String> = patients.drain(..PATIENTS_PER_CONNECTION).collect();
        readers.push((user["id"].as_str().unwrap().to_owned(), token, mine));
    }

    // Kill mid-stream, the moment a third of the reads were answered: the rows of the
    // reads answered last are the ones a too-early answer would lose.
    let target = CONNECTIONS * PATIENTS_PER_CONNECTION / 3;
    let reached = Arc::new(tokio::sync::Notify::new());
    let answered: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let mut tasks = Vec::new();
    for (user_id, token, mine) in readers {
        let (http, base, answered, reached) = (
            http.clone(),
            base.clone(),
            answered.clone(),
            reached.clone(),
        );
        tasks.push(tokio::spawn(async move {
            for pid in mine {
                let r = http
                    .get(format!("{base}/api/v1/patients/{pid}"))
                    .bearer_auth(&token)
                    .send()
                    .await;
                // The answer is complete only once its body has arrived.
                let complete = match r {
                    Ok(r) if r.status() == 200 => r.bytes().await.is_ok(),
                    _ => false,
                };
                if !complete {
                    break;
                }
                let mut a = answered.lock().unwrap();
                a.push((user_id.clone(), pid));
                if a.len() == target {
                    reached.notify_one();
                }
            }
        }));
    }
    let _ = tokio::time::timeout(Duration::from_secs(120), reached.notified()).await;
    server.kill();
    for t in tasks {
        let _ = t.await;
    }
    let answered = answered.lock().unwrap().clone();
    assert!(
        answered.len() >= target,
        "enough reads were answered before the kill: {}",
        answered.len()
    );
    assert!(
        answered.len() < CONNECTIONS * PATIENTS_PER_CONNECTION,
        "the kill came while reads were still running"
    );

    let views: Vec<ViewRow> = diesel::sql_query(
        "SELECT actor_id, entity_id FROM audit_events WHERE action = 'patient.viewed'",
    )
    .load(&mut db.connect())
    .unwrap();
    let recorded: HashSet<(String, String)> = views
        .into_iter()
        .map(|v| (v.actor_id, v.entity_id))
        .collect();
    let lost: Vec<&(String, String)> = answered.iter().filter(|a| !recorded.contains(*a)).collect();
    assert!(
        lost.is_empty(),
        "{} of {} answered reads have no audit row after SIGKILL, e.g. {:?}",
        lost.len(),
        answered.len(),
        lost.first()
    );
    // Every connection was reading when the kill came (the load really was 32 wide).
    let per_reader: HashMap<&str, usize> = answered.iter().fold(HashMap::new(), |mut m, (u, _)| {
        *m.entry(u.as_str()).or_default() += 1;
        m
    });
    assert_eq!(per_reader.len(), CONNECTIONS, "{per_reader:?}");
    println!(
        "{backend:?}: {} reads answered before SIGKILL, {} patient.viewed rows after it",
        answered.len(),
        recorded.len()
    );

    let (code, out) = verify_cli(&db.url);
    assert_eq!(code, 0, "audit chain after the crash: {out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn answered_reads_keep_their_audit_rows_after_sigkill_on_sqlite() {
    answered_reads_keep_their_audit_rows(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn answered_reads_keep_their_audit_rows_after_sigkill_on_postgres() {
    answered_reads_keep_their_audit_rows(Backend::Postgres).await;
}
