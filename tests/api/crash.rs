//! Crash safety: the server is killed with SIGKILL while it writes; every write it
//! acknowledged is there after a restart, the database is intact and the audit chain
//! verifies.

use std::collections::HashSet;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::audit::verify_cli;
use crate::cli::clinic;
use crate::helpers::{Backend, TestDatabase, free_port, wait_for_port};

pub const PASSWORD: &str = "cobalt harbor willow";

/// A `clinic serve` child, killed with SIGKILL when dropped, so a failing test leaves
/// no process behind.
pub struct Server(Child);

impl Server {
    pub fn start(db_url: &str, port: u16, mail_dir: &std::path::Path) -> Self {
        let child = Command::new(env!("CARGO_BIN_EXE_clinic"))
            .arg("serve")
            .env("DATABASE_URL", db_url)
            .env("CLINIC_BIND", format!("127.0.0.1:{port}"))
            .env("CLINIC_MAIL_DIR", mail_dir)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start clinic serve");
        let server = Server(child);
        wait_for_port(port, Duration::from_secs(30));
        server
    }

    /// SIGKILL, and wait for the process to be gone.
    pub fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The admin `owner@clinic.example`, added with the command line.
pub fn add_owner(db_url: &str) {
    let o = clinic(
        db_url,
        &[
            "user",
            "add",
            "--email",
            "owner@clinic.example",
            "--name",
            "Owner",
            "--role",
            "admin",
            "--password-stdin",
        ],
        Some(&format!("{PASSWORD}\n")),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// An API token for `email` (password [`PASSWORD`]).
pub async fn sign_in(http: &reqwest::Client, base: &str, email: &str) -> String {
    let r = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{email}");
    r.json::<serde_json::Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn acknowledged_writes_survive_sigkill(backend: Backend) {
    let Some(db) = TestDatabase::create(backend) else {
        return;
    };
    add_owner(&db.url);
    let mail_dir = tempfile::tempdir().unwrap();
    let http = reqwest::Client::new();
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();

    for round in 0..3 {
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let mut server = Server::start(&db.url, port, mail_dir.path());
        let tok = sign_in(&http, &base, "owner@clinic.example").await;
        let mut writers = Vec::new();
        for w in 0..4 {
            let (http, base, tok, acked) = (
                http.clone(),
                base.clone(),
                tok.clone(),
                acknowledged.clone(),
            );
            writers.push(tokio::spawn(async move {
                for i in 0..10_000 {
                    let email = format!("r{round}-w{w}-{i}@clinic.example");
                    let r = http
                        .post(format!("{base}/api/v1/users"))
                        .bearer_auth(&tok)
                        .json(&json!({"email": email, "name": "Crash Test", "role": "front_desk", "password": PASSWORD}))
                        .send()
                        .await;
                    match r {
                        Ok(r) if r.status() == 201 => acked.lock().unwrap().push(email),
                        _ => break,
                    }
                }
            }));
        }
        // Let writes flow, then kill mid-stream.
        let started = Instant::now();
        while acknowledged.lock().unwrap().len() < (round + 1) * 8
            && started.elapsed() < Duration::from_secs(60)
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        server.kill();
        for w in writers {
            let _ = w.await;
        }
    }

    // Restart and compare.
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = Server::start(&db.url, port, mail_dir.path());
    let tok = sign_in(&http, &base, "owner@clinic.example").await;
    let list: serde_json::Value = http
        .get(format!("{base}/api/v1/users"))
        .bearer_auth(&tok)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let present: HashSet<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap().to_owned())
        .collect();
    let acked = acknowledged.lock().unwrap().clone();
    assert!(
        acked.len() >= 24,
        "enough writes were acknowledged: {}",
        acked.len()
    );
    let lost: Vec<&String> = acked.iter().filter(|e| !present.contains(*e)).collect();
    assert!(
        lost.is_empty(),
        "acknowledged but lost after SIGKILL: {lost:?}"
    );
    server.kill();

    let (code, out) = verify_cli(&db.url);
    assert_eq!(code, 0, "audit chain after crashes: {out}");
    if let Some(path) = db.sqlite_path() {
        use diesel::prelude::*;
        #[derive(QueryableByName)]
        struct Check {
            #[diesel(sql_type = diesel::sql_types::Text)]
            integrity_check: String,
        }
        let mut c = diesel::SqliteConnection::establish(path.to_str().unwrap()).unwrap();
        let rows: Vec<Check> = diesel::sql_query("PRAGMA integrity_check")
            .load(&mut c)
            .unwrap();
        assert_eq!(rows.first().map(|r| r.integrity_check.as_str()), Some("ok"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_writes_survive_sigkill_on_sqlite() {
    acknowledged_writes_survive_sigkill(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_writes_survive_sigkill_on_postgres() {
    acknowledged_writes_survive_sigkill(Backend::Postgres).await;
}
