//! Patient search latency at 5,000 and at 100,000 patients.
//!
//! Prints figures; asserts nothing. For each backend: seed 5,000 synthetic patients
//! (`clinic::data_tools::seed`, fixed seed), time a fixed set of 200 searches, seed up to
//! 100,000 with the same seed (the first 5,000 are the same patients) and time the same
//! searches again. Each search is timed twice per round: the pure query
//! (`db::models::patient::search`) and the service (`services::patients::search`, which
//! adds its audit row in a write transaction). The ratio 100k / 5k shows whether a query
//! shape is answered from an index (≈ 1–3) or grows with the table (≈ 20).
//!
//! ```sh
//! cargo bench --bench patient_search                                   # SQLite (temp file)
//! cargo bench --bench patient_search -- postgres://USER@HOST/EMPTY_DB  # and PostgreSQL
//! TEST_DATABASE_URL=postgres://postgres@127.0.0.1/postgres cargo bench --bench patient_search
//! ```
//! With `TEST_DATABASE_URL`, a fresh database is created from it and dropped afterwards.

// A benchmark may stop at the first surprise.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use clinic::clock::Clock;
use clinic::data_tools::seed;
use clinic::db::{self, DatabaseUrl, DbConnection};
use clinic::domain::patient::{fold, parse_search};
use clinic::services::{Actor, patients};
use diesel::Connection;
use diesel::connection::SimpleConnection;
use indicatif::ProgressBar;

const SEED: u64 = 2026;
const SMALL: u64 = 5_000;
const LARGE: u64 = 100_000;
const ROUNDS: usize = 3;

/// Query shapes, in the order the table lists them.
const SHAPES: &[&str] = &[
    "name, 2 letters",
    "name, 3-5 letters, plain",
    "name, 3-5 letters, accented",
    "two words",
    "birth date",
    "phone, 3 digits",
    "phone, 7 digits",
    "phone, last 7 digits",
    "chart number",
];

struct Query {
    shape: &'static str,
    text: String,
}

fn prefix(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// 200 searches built from patients 0..5,000, which exist at both sizes.
fn queries(now: chrono::NaiveDateTime) -> Vec<Query> {
    let mut out = Vec::new();
    let mut push = |shape: &'static str, text: String| out.push(Query { shape, text });
    for i in 0..200_u64 {
        let d = seed::details(SEED, i * 24 + 7, now).unwrap();
        let family = fold(&d.family_name).replace(|c: char| !c.is_alphanumeric(), "");
        let given = fold(&d.given_name).replace(|c: char| !c.is_alphanumeric(), "");
        let len = 3 + (i as usize % 3);
        match i % 10 {
            0 => push("name, 2 letters", prefix(&family, 2)),
            1 | 2 => push(
                "name, 3-5 letters, plain",
                prefix(if i % 2 == 0 { &family } else { &given }, len),
            ),
            3 => push(
                "name, 3-5 letters, accented",
                prefix(
                    if d.given_name.is_ascii() {
                        &d.family_name
                    } else {
                        &d.given_name
                    },
                    len,
                ),
            ),
            4 | 5 => push(
                "two words",
                format!("{} {}", prefix(&given, 3), prefix(&family, 4)),
            ),
            6 => push("birth date", d.date_of_birth.to_string()),
            7 => match d
                .phone
                .as_deref()
                .map(clinic::domain::patient::phone_digits)
            {
                Some(p) if i % 30 == 7 => {
                    push("phone, 3 digits", prefix(p.trim_start_matches('1'), 3))
                }
                // The local number without its area code: an ending of the digits.
                Some(p) if i % 30 == 17 => push(
                    "phone, last 7 digits",
                    p.get(p.len().saturating_sub(7)..).unwrap_or(&p).to_owned(),
                ),
                Some(p) => push("phone, 7 digits", prefix(p.trim_start_matches('1'), 7)),
                None => push("phone, 7 digits", "5145550".into()),
            },
            _ => push(
                "chart number",
                if i % 20 == 8 {
                    format!("P-{:06}", i * 24 + 8)
                } else {
                    format!("{}", i * 24 + 8)
                },
            ),
        }
    }
    out
}

#[derive(Default)]
struct Samples {
    pure: Vec<Duration>,
    service: Vec<Duration>,
    results: usize,
    searches: usize,
}

fn percentile(samples: &[Duration], p: f64) -> f64 {
    let mut s = samples.to_vec();
    s.sort();
    let idx = ((s.len() as f64 - 1.0) * p).round() as usize;
    s[idx].as_secs_f64() * 1000.0
}

fn measure(conn: &mut DbConnection, qs: &[Query]) -> BTreeMap<&'static str, Samples> {
    let clock = Clock::system();
    let actor = Actor::command_line();
    let mut by_shape: BTreeMap<&'static str, Samples> = BTreeMap::new();
    // Warm the caches once, untimed.
    for q in qs {
        let what = parse_search(&q.text).expect("every bench query parses");
        db::models::patient::search(conn, &what, false, patients::SEARCH_LIMIT).unwrap();
    }
    for _ in 0..ROUNDS {
        for q in qs {
            let s = by_shape.entry(q.shape).or_default();
            let what = parse_search(&q.text).unwrap();
            let t = Instant::now();
            let rows =
                db::models::patient::search(conn, &what, false, patients::SEARCH_LIMIT).unwrap();
            s.pure.push(t.elapsed());
            let t = Instant::now();
            patients::search(conn, clock.now(), &actor, &q.text, false).unwrap();
            s.service.push(t.elapsed());
            s.results += rows.len();
            s.searches += 1;
        }
    }
    let mut all = Samples::default();
    for s in by_shape.values() {
        all.pure.extend(&s.pure);
        all.service.extend(&s.service);
        all.results += s.results;
        all.searches += s.searches;
    }
    by_shape.insert("all 200 searches", all);
    by_shape
}

fn seed_to(conn: &mut DbConnection, from: u64, to: u64) {
    let t = Instant::now();
    let report = seed::seed(
        conn,
        Clock::system().now(),
        SEED,
        from..to,
        &ProgressBar::hidden(),
    )
    .unwrap();
    let secs = t.elapsed().as_secs_f64();
    println!(
        "  seeded {} patients ({} → {}) in {secs:.1} s: {:.0} patients/s",
        report.patients,
        from,
        to,
        report.patients as f64 / secs
    );
}

fn run(label: &str, url: &str) {
    let url = DatabaseUrl::parse(url).unwrap();
    let mut conn = db::connect_once(&url).unwrap();
    db::run_migrations(&mut conn).unwrap();
    println!("\n## {label}\n");
    let qs = queries(Clock::system().now());
    seed_to(&mut conn, 0, SMALL);
    let small = measure(&mut conn, &qs);
    seed_to(&mut conn, SMALL, LARGE);
    let large = measure(&mut conn, &qs);

    println!();
    println!(
        "| query shape | searches | results (avg, 5k → 100k) | query p50 5k | query p95 5k | query p50 100k | query p95 100k | query ratio p50 | service p50 5k | service p95 5k | service p50 100k | service p95 100k | service ratio p50 |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    let mut order: Vec<&str> = SHAPES.to_vec();
    order.push("all 200 searches");
    for shape in order {
        let (Some(a), Some(b)) = (small.get(shape), large.get(shape)) else {
            continue;
        };
        let (qa50, qa95) = (percentile(&a.pure, 0.5), percentile(&a.pure, 0.95));
        let (qb50, qb95) = (percentile(&b.pure, 0.5), percentile(&b.pure, 0.95));
        let (sa50, sa95) = (percentile(&a.service, 0.5), percentile(&a.service, 0.95));
        let (sb50, sb95) = (percentile(&b.service, 0.5), percentile(&b.service, 0.95));
        println!(
            "| {shape} | {} | {:.1} → {:.1} | {qa50:.2} ms | {qa95:.2} ms | {qb50:.2} ms | {qb95:.2} ms | {:.1} | {sa50:.2} ms | {sa95:.2} ms | {sb50:.2} ms | {sb95:.2} ms | {:.1} |",
            a.searches / ROUNDS,
            a.results as f64 / a.searches as f64,
            b.results as f64 / b.searches as f64,
            qb50 / qa50,
            sb50 / sa50,
        );
    }
}

/// A fresh PostgreSQL database from an admin URL; dropped by the guard.
struct PgScratch {
    admin: String,
    name: String,
    url: String,
}

impl PgScratch {
    fn create(admin: &str) -> Self {
        let mut conn = diesel::PgConnection::establish(admin).expect("TEST_DATABASE_URL connects");
        let name = format!("clinic_bench_{}", uuid::Uuid::new_v4().simple());
        conn.batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        let mut url = url::Url::parse(admin).unwrap();
        url.set_path(&format!("/{name}"));
        PgScratch {
            admin: admin.to_owned(),
            name,
            url: url.to_string(),
        }
    }
}

impl Drop for PgScratch {
    fn drop(&mut self) {
        if let Ok(mut conn) = diesel::PgConnection::establish(&self.admin) {
            let _ = conn.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    println!(
        "Patient search: {} searches x {ROUNDS} rounds per size, seed {SEED}, limit {} results",
        queries(Clock::system().now()).len(),
        patients::SEARCH_LIMIT
    );
    run(
        "SQLite",
        &format!("sqlite://{}", dir.path().join("bench.db").display()),
    );
    let named = std::env::args().skip(1).find(|a| a.starts_with("postgres"));
    match (named, std::env::var("TEST_DATABASE_URL").ok()) {
        (Some(url), _) => run("PostgreSQL", &url),
        (None, Some(admin)) => {
            let scratch = PgScratch::create(&admin);
            run("PostgreSQL", &scratch.url);
        }
        (None, None) => println!(
            "\n(PostgreSQL skipped: pass postgres://USER@HOST/EMPTY_DB or set TEST_DATABASE_URL)"
        ),
    }
}
