//! Sign-in latency with the chosen argon2id parameters (m = 19456 KiB, t = 2, p = 1).
//!
//! Prints figures; asserts nothing. Baseline: one bare argon2 verification, measured in
//! the same run, so the ratios hold on any machine. Run with
//! `cargo bench --bench login_latency` (add `-- postgres://…` to measure on PostgreSQL).

// A benchmark may stop at the first surprise.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::time::{Duration, Instant};

use clinic::auth::password;
use clinic::clock::Clock;
use clinic::config::ServeArgs;
use clinic::db::DatabaseUrl;
use clinic::services::Actor;
use clinic::services::accounts::{self, NewStaff, NewStaffInput};
use clinic::startup::Application;
use serde_json::json;

const RUNS: usize = 40;

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let idx = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[idx]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = std::env::args()
        .skip(1)
        .find(|a| a.starts_with("postgres"))
        .unwrap_or_else(|| format!("sqlite://{}", dir.path().join("bench.db").display()));
    let db = DatabaseUrl::parse(&url)?;
    let args = ServeArgs {
        bind: "127.0.0.1:0".into(),
        public_url: None,
        clinic_name: "Bench".into(),
        timezone: Some("UTC".into()),
        clinic_phone: None,
        clinic_hours: "08:00-18:00".into(),
        clinic_address: None,
        smtp_url: None,
        mail_dir: dir.path().join("mail"),
        alert_email: None,
        mail_from: "clinic@bench.example".into(),
        mail_poll_ms: 1000,
        session_idle_minutes: 15,
        session_absolute_hours: 12,
        secure_cookies: false,
        trust_proxy_headers: false,
        workers: Some(2),
        hashing_threads: 1,
        db_connections: None,
    };
    let app = Application::build(&db, &args, Clock::system()).await?;
    let base = format!("http://127.0.0.1:{}", app.port());
    let pool = app.state().pool.clone();
    tokio::spawn(app.run_until_stopped());

    let pw = "quiet harbor lantern";
    let input = NewStaffInput {
        email: "bench@clinic.example".into(),
        name: "Bench".into(),
        role: "front_desk".into(),
        licence_number: None,
        password: pw.into(),
        password_by: String::new(),
    };
    let staff = NewStaff::parse(&input).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let hash = tokio::task::spawn_blocking(move || -> anyhow::Result<String> {
        let mut conn = pool.get()?;
        let clock = Clock::system();
        let row = accounts::create_user(&mut conn, || clock.now(), &Actor::command_line(), &staff)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(row.password_hash)
    })
    .await??;

    // Baseline: the bare hash verification.
    let mut verify = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let t = Instant::now();
        assert!(password::verify(&hash, pw));
        verify.push(t.elapsed());
    }

    let http = reqwest::Client::new();
    let login = |email: String, pass: &'static str| {
        let http = http.clone();
        let base = base.clone();
        async move {
            let t = Instant::now();
            let r = http
                .post(format!("{base}/api/v1/auth/login"))
                .json(&json!({"email": email, "password": pass}))
                .send()
                .await
                .expect("login request");
            let _ = r.bytes().await;
            t.elapsed()
        }
    };
    let mut ok = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        ok.push(login("bench@clinic.example".into(), "quiet harbor lantern").await);
    }
    // Unknown emails: each a different address so no account lock triggers, and fewer
    // than the 30 failures that lock a client address.
    const UNKNOWN_RUNS: usize = 25;
    let mut unknown = Vec::with_capacity(UNKNOWN_RUNS);
    for i in 0..UNKNOWN_RUNS {
        unknown.push(
            login(
                format!("nobody{i}@clinic.example"),
                "not the right password",
            )
            .await,
        );
    }

    let v50 = percentile(&mut verify, 0.5);
    let (l50, l95) = (percentile(&mut ok, 0.5), percentile(&mut ok, 0.95));
    let (u50, u95) = (
        percentile(&mut unknown, 0.5),
        percentile(&mut unknown, 0.95),
    );
    println!("backend: {}", db.backend());
    println!("argon2id verify (baseline)     p50 {:7.1} ms", ms(v50));
    println!(
        "API sign-in, known account     p50 {:7.1} ms   p95 {:7.1} ms   p50/baseline {:.2}",
        ms(l50),
        ms(l95),
        ms(l50) / ms(v50)
    );
    println!(
        "API sign-in, unknown email     p50 {:7.1} ms   p95 {:7.1} ms   p50/baseline {:.2}",
        ms(u50),
        ms(u95),
        ms(u50) / ms(v50)
    );
    println!(
        "unknown / known p50 ratio      {:.2}  (1.00 = indistinguishable by timing)",
        ms(u50) / ms(l50)
    );
    Ok(())
}
