//! Throughput of audited reads and of the first-visit write scenario, against a
//! baseline measured in the same run (issue 14).
//!
//! The real server is `clinic serve` (this build's binary) as a child process, so its
//! peak memory is its own. The baseline is an actix-web route in this process that
//! reads 12 patient rows with diesel from the same database and renders them with
//! askama: the stack's cost without audit, sessions or checks. A bounded load
//! generator (N concurrent connections, each request sent when the previous one on
//! that connection was answered) drives each route for a fixed time.
//!
//! Prints req/s, p50/p95/p99, errors, each ratio to the baseline, the server's RSS
//! after each run of the write scenario (repeated `BENCH_REPEATS` times, default 10,
//! each repeat ending with 16 simultaneous sign-ins), PostgreSQL round trips per
//! request (through a counting relay, on a second server), and the fsync rate of the
//! database's disk (the physical limit of a commit per request). Asserts nothing.
//!
//! ```sh
//! cargo bench --bench throughput                                  # SQLite (temp file)
//! cargo bench --bench throughput -- postgres://USER@HOST/EMPTY_DB  # PostgreSQL
//! BENCH_SECONDS=15 BENCH_REPEATS=10 cargo bench --bench throughput
//! ```

// A benchmark may stop at the first surprise.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

#[path = "throughput/cpu.rs"]
mod cpu;

use std::io::Write as _;
use std::net::ToSocketAddrs as _;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use actix_web::{App, HttpResponse, HttpServer, web};
use askama::Template;
use clinic::db::models::patient::PatientRow;
use clinic::db::{DatabaseUrl, DbPool, connect_pool};
use clinic::schema::patients;
use diesel::prelude::*;
use serde_json::{Value, json};

/// The baseline's page: a list of 12 patients.
#[derive(Template)]
#[template(
    source = "<!doctype html><html lang=\"en\"><head><title>Patients</title></head><body><h1>Patients</h1><ul>{% for p in rows %}<li>{{ p.chart_number }} {{ p.given_name }} {{ p.family_name }} {{ p.date_of_birth }}</li>{% endfor %}</ul></body></html>",
    ext = "html"
)]
struct Baseline {
    rows: Vec<PatientRow>,
}

async fn baseline(pool: web::Data<DbPool>) -> HttpResponse {
    let rows = web::block(move || {
        let mut conn = pool.get().expect("a connection");
        let rows = patients::table
            .order(patients::chart_number.asc())
            .limit(12)
            .select(PatientRow::as_select())
            .load(&mut **conn)
            .expect("12 rows");
        // As the server's requests do: the next check-out skips the ping (PostgreSQL).
        conn.answered();
        rows
    })
    .await
    .expect("the read");
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(Baseline { rows }.render().expect("rendered"))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn clinic(db: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_clinic"));
    c.env("DATABASE_URL", db).env("RUST_LOG", "warn");
    c
}

/// The server's resident memory now and at its peak (kB), from /proc.
fn rss_kb(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// fsyncs per second of a small write in `dir` (the disk the database commits to).
fn fsync_rate(dir: &std::path::Path) -> f64 {
    let path = dir.join("fsync-probe");
    let mut f = std::fs::File::create(&path).unwrap();
    let n = 200;
    let t = Instant::now();
    for i in 0..n {
        f.write_all(&[i as u8; 512]).unwrap();
        f.sync_data().unwrap();
    }
    let rate = f64::from(n) / t.elapsed().as_secs_f64();
    drop(f);
    let _ = std::fs::remove_file(path);
    rate
}

/// A TCP relay between `clinic serve` and PostgreSQL that counts round trips: each
/// ReadyForQuery message ('Z') the server sends ends one exchange the client had to
/// wait for. Needs `sslmode=disable` (the relay reads the plain protocol).
struct RoundTrips {
    port: u16,
    count: Arc<AtomicU64>,
}

impl RoundTrips {
    fn start(upstream: std::net::SocketAddr) -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let count = Arc::new(AtomicU64::new(0));
        let counted = count.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = std::net::TcpStream::connect(upstream) else {
                    continue;
                };
                let _ = client.set_nodelay(true);
                let _ = server.set_nodelay(true);
                let (mut c_in, mut s_out) =
                    (client.try_clone().unwrap(), server.try_clone().unwrap());
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut c_in, &mut s_out);
                    let _ = s_out.shutdown(std::net::Shutdown::Write);
                });
                let counted = counted.clone();
                std::thread::spawn(move || relay_counting(server, client, &counted));
            }
        });
        Self { port, count }
    }

    fn now(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }
}

/// Copies server → client, counting 'Z' messages (type byte, then a big-endian length
/// that includes itself).
fn relay_counting(mut from: std::net::TcpStream, mut to: std::net::TcpStream, count: &AtomicU64) {
    use std::io::Read as _;
    let mut buf = vec![0_u8; 64 * 1024];
    // Bytes still to skip of the message being passed through, and a partial header.
    let mut skip: usize = 0;
    let mut header: Vec<u8> = Vec::with_capacity(5);
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let mut i = 0;
        while i < n {
            if skip > 0 {
                let k = skip.min(n - i);
                skip -= k;
                i += k;
                continue;
            }
            header.push(buf[i]);
            i += 1;
            if header.len() == 5 {
                if header[0] == b'Z' {
                    count.fetch_add(1, Ordering::Relaxed);
                }
                let len = u32::from_be_bytes([header[1], header[2], header[3], header[4]]) as usize;
                skip = len.saturating_sub(4);
                header.clear();
            }
        }
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = to.shutdown(std::net::Shutdown::Write);
}

#[derive(Debug, Clone, Copy)]
struct Figures {
    per_sec: f64,
    p50: f64,
    p95: f64,
    p99: f64,
    errors: u64,
    /// Units of work done (requests or scenarios).
    done: u64,
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// Runs `one` on `conns` concurrent loops for `secs`; each call is one unit of work
/// (a request, or a whole scenario) and says whether it succeeded.
async fn drive<F, Fut>(conns: usize, secs: f64, one: F) -> Figures
where
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let one = Arc::new(one);
    let stop = Arc::new(AtomicBool::new(false));
    let counter = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..conns {
        let (one, stop, counter, errors) =
            (one.clone(), stop.clone(), counter.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let t = Instant::now();
                if !one(n).await {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
                lat.push(t.elapsed());
            }
            lat
        }));
    }
    tokio::time::sleep(Duration::from_secs_f64(secs)).await;
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort();
    Figures {
        per_sec: all.len() as f64 / elapsed,
        p50: pct(&all, 0.50),
        p95: pct(&all, 0.95),
        p99: pct(&all, 0.99),
        errors: errors.load(Ordering::Relaxed),
        done: all.len() as u64,
    }
}

fn client(conns: usize) -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(conns)
        .cookie_store(true)
        .build()
        .unwrap()
}

async fn get_ok(http: &reqwest::Client, url: &str, token: Option<&str>) -> bool {
    let mut r = http.get(url);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    match r.send().await {
        Ok(res) => {
            let ok = res.status().is_success();
            ok && res.bytes().await.is_ok()
        }
        Err(_) => false,
    }
}

async fn post_json(http: &reqwest::Client, url: &str, token: &str, body: &Value) -> Option<Value> {
    let res = http
        .post(url)
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .ok()?;
    if !res.status().is_success() {
        return None;
    }
    res.json().await.ok()
}

/// A name made of letters only (registration refuses digits), unique per `n`.
fn letters(mut n: u64) -> String {
    let mut s = String::new();
    loop {
        s.push(char::from(b'a' + (n % 26) as u8));
        n /= 26;
        if n == 0 {
            break;
        }
    }
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

/// The first-visit scenario of one new patient: register, start the assessment, save
/// the history review, ROM, palpation and pain, open the patient, open the assessment.
async fn first_visit(http: &reqwest::Client, base: &str, desk: &str, dr: &str, n: u64) -> bool {
    let Some(p) = post_json(
        http,
        &format!("{base}/api/v1/patients"),
        desk,
        &json!({"given_name": letters(n), "family_name": "Benchmark", "date_of_birth": "1970-01-01",
                "sex": "female", "allow_duplicate": true}),
    )
    .await
    else {
        return false;
    };
    let pid = p["id"].as_str().unwrap_or_default().to_owned();
    let Some(a) = post_json(
        http,
        &format!("{base}/api/v1/patients/{pid}/assessments"),
        dr,
        &json!({}),
    )
    .await
    else {
        return false;
    };
    let aid = a["id"].as_str().unwrap_or_default().to_owned();
    let saved = http
        .put(format!("{base}/api/v1/assessments/{aid}"))
        .bearer_auth(dr)
        .json(&json!({
            "version": a["version"],
            "history": [{"item": "chief_complaint", "status": "verified"}],
            "rom": [
                {"region": "cervical", "motion": "flexion", "degrees": 40},
                {"region": "cervical", "motion": "rotation_left", "degrees": 60, "pain": true},
                {"region": "lumbar", "motion": "flexion", "degrees": 45}
            ],
            "palpation": [
                {"segment": "C5", "side": "left", "tenderness": 2, "motion": "restricted", "restricted": ["rotation_left"]},
                {"segment": "L4", "tenderness": 1}
            ],
            "pain": {"nprs": 5}
        }))
        .send()
        .await;
    if !saved.is_ok_and(|r| r.status().is_success()) {
        return false;
    }
    get_ok(http, &format!("{base}/api/v1/patients/{pid}"), Some(desk)).await
        && get_ok(http, &format!("{base}/api/v1/assessments/{aid}"), Some(dr)).await
}

/// Starts this build's `clinic serve` on `db` and waits until it answers.
async fn serve(
    db: &str,
    dir: &std::path::Path,
    http: &reqwest::Client,
) -> anyhow::Result<(Child, String)> {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let server = clinic(db)
        .arg("serve")
        .env("CLINIC_BIND", format!("127.0.0.1:{port}"))
        .env("CLINIC_MAIL_DIR", dir.join("mail"))
        .env("CLINIC_TIMEZONE", "UTC")
        .stdout(Stdio::null())
        .spawn()?;
    let started = Instant::now();
    while !get_ok(http, &format!("{base}/healthz"), None).await {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the server did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok((server, base))
}

/// `drive`, with the CPU the run cost.
async fn metered<F, Fut>(
    meter: &cpu::Meter,
    conns: usize,
    secs: f64,
    one: F,
) -> (Figures, cpu::Cost)
where
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let before = meter.read();
    let f = drive(conns, secs, one).await;
    let cost = meter.cost_since(before, f.done.max(1) as f64);
    (f, cost)
}

/// The CPU columns: ms per unit for the server, the database (PostgreSQL's processes;
/// inside the server on SQLite) and the bench process, the cores' busy share, and the
/// ceiling those costs allow (`None` for the baseline, which runs in the bench process).
fn cpu_cells(c: cpu::Cost, postgres: bool, ceiling: bool) -> String {
    let db = if postgres {
        format!("{:.2}", c.database_ms)
    } else {
        "—".into()
    };
    let ceiling = if ceiling {
        format!("{:.0}", c.ceiling_per_sec(cpu::cores()))
    } else {
        "—".into()
    };
    format!(
        "{:.2} | {db} | {:.2} | {:.0}% | {ceiling}",
        c.server_ms, c.bench_ms, c.machine_busy_pct
    )
}

fn line(
    what: &str,
    conns: usize,
    f: Figures,
    base: Option<Figures>,
    cost: cpu::Cost,
    postgres: bool,
) {
    let ratio = base
        .map(|b| format!("{:.3}×", f.per_sec / b.per_sec))
        .unwrap_or_else(|| "—".into());
    println!(
        "| {what} | {conns} | {:.0} | {:.1} | {:.1} | {:.1} | {} | {ratio} | {} |",
        f.per_sec,
        f.p50,
        f.p95,
        f.p99,
        f.errors,
        cpu_cells(cost, postgres, base.is_some())
    );
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let secs: f64 = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5.0);
    let repeats: usize = std::env::var("BENCH_REPEATS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let dir = tempfile::tempdir()?;
    let db = std::env::args()
        .skip(1)
        .find(|a| a.starts_with("postgres"))
        .unwrap_or_else(|| format!("sqlite://{}", dir.path().join("bench.db").display()));
    let backend = if db.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };

    // 2,000 patients to read and search, then the staff.
    let seeded = clinic(&db)
        .args(["seed", "--patients", "2000", "--seed", "14"])
        .output()?;
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let password = "quiet harbor lantern meadow";
    for (email, role) in [
        ("desk@bench.example", "front_desk"),
        ("dr@bench.example", "practitioner"),
    ] {
        let mut add = clinic(&db)
            .args([
                "user",
                "add",
                "--email",
                email,
                "--name",
                "Load Tester",
                "--role",
                role,
                "--password-stdin",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()?;
        add.stdin
            .take()
            .unwrap()
            .write_all(format!("{password}\n").as_bytes())?;
        assert!(add.wait()?.success(), "user add {email}");
    }

    // On PostgreSQL a second server, used only to count round trips, talks to the
    // database through a relay (the relay's own hops would slow the measured runs).
    let relay = if backend == "PostgreSQL" {
        let mut u = url::Url::parse(&db)?;
        let upstream = (
            u.host_str().unwrap_or("127.0.0.1"),
            u.port().unwrap_or(5432),
        )
            .to_socket_addrs()?
            .next()
            .expect("the database's address");
        let relay = RoundTrips::start(upstream);
        u.set_host(Some("127.0.0.1"))?;
        u.set_port(Some(relay.port)).expect("a port");
        u.query_pairs_mut().append_pair("sslmode", "disable");
        Some((relay, u.to_string()))
    } else {
        None
    };
    let http = client(64);
    let (mut server, base) = serve(&db, dir.path(), &http).await?;
    let pid = server.id();
    let token = |email: &'static str| {
        let http = http.clone();
        let base = base.clone();
        async move {
            let r: Value = http
                .post(format!("{base}/api/v1/auth/login"))
                .json(&json!({"email": email, "password": password}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            r["token"].as_str().unwrap().to_owned()
        }
    };
    let desk = token("desk@bench.example").await;
    let dr = token("dr@bench.example").await;

    // One patient with a charted assessment to read.
    let p = post_json(&http, &format!("{base}/api/v1/patients"), &desk,
        &json!({"given_name": "Reading", "family_name": "Benchmark", "date_of_birth": "1970-01-01", "sex": "female", "allow_duplicate": true}))
        .await
        .expect("registered");
    let read_pid = p["id"].as_str().unwrap().to_owned();
    assert!(
        first_visit(&http, &base, &desk, &dr, 0).await,
        "the scenario works once"
    );
    let a = post_json(
        &http,
        &format!("{base}/api/v1/patients/{read_pid}/assessments"),
        &dr,
        &json!({}),
    )
    .await
    .expect("assessment");
    let read_aid = a["id"].as_str().unwrap().to_owned();

    // A browser session for the patient page.
    let page = client(64);
    let login_page = page
        .get(format!("{base}/login"))
        .send()
        .await?
        .text()
        .await?;
    let csrf = login_page
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a csrf token on /login")
        .to_owned();
    let signed_in = page
        .post(format!("{base}/login"))
        .form(&[
            ("email", "dr@bench.example"),
            ("password", password),
            ("csrf_token", csrf.as_str()),
        ])
        .send()
        .await?;
    assert!(signed_in.status().is_success() || signed_in.status().is_redirection());

    // The baseline, in this process, on the same database.
    let pool = connect_pool(&DatabaseUrl::parse(&db)?, 8)?;
    let baseline_port = free_port();
    let baseline_server = HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(pool.clone()))
            .route("/baseline", web::get().to(baseline))
    })
    .workers(2)
    .bind(("127.0.0.1", baseline_port))?
    .run();
    let baseline_handle = baseline_server.handle();
    tokio::spawn(baseline_server);
    let baseline_url = format!("http://127.0.0.1:{baseline_port}/baseline");

    let fsync = fsync_rate(dir.path());
    println!(
        "\n## {backend}: {secs} s per run, `clinic serve` pid {pid}; fsync rate of the database's disk {fsync:.0}/s\n"
    );
    let meter = cpu::Meter::new(pid);
    let postgres = backend == "PostgreSQL";
    println!(
        "CPU columns: milliseconds of CPU per request (server; PostgreSQL's processes; the bench \
         process, which is the load generator and, on baseline rows, the baseline route too), \
         the share of the machine's {} cores that were busy, and the requests/s those costs \
         allow with every core given to the server and the database.\n",
        cpu::cores()
    );
    println!(
        "| route | connections | req/s | p50 ms | p95 ms | p99 ms | errors | × baseline | CPU ms server | CPU ms database | CPU ms bench | cores busy | CPU ceiling /s |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    let mut baselines = Vec::new();
    for conns in [1, 8, 32] {
        let (c, u) = (client(conns), baseline_url.clone());
        let (f, cost) = metered(&meter, conns, secs, move |_| {
            let (c, u) = (c.clone(), u.clone());
            async move { get_ok(&c, &u, None).await }
        })
        .await;
        line(
            "baseline (12 rows, askama, no audit)",
            conns,
            f,
            None,
            cost,
            postgres,
        );
        baselines.push(f);
    }
    let reads: [(&str, String, Option<String>, bool); 4] = [
        (
            "patient page `GET /patients/{id}`",
            format!("{base}/patients/{read_pid}"),
            None,
            true,
        ),
        (
            "`GET /api/v1/patients/{id}`",
            format!("{base}/api/v1/patients/{read_pid}"),
            Some(desk.clone()),
            false,
        ),
        (
            "`GET /api/v1/assessments/{id}`",
            format!("{base}/api/v1/assessments/{read_aid}"),
            Some(dr.clone()),
            false,
        ),
        (
            "search `GET /api/v1/patients?q=mar`",
            format!("{base}/api/v1/patients?q=mar"),
            Some(desk.clone()),
            false,
        ),
    ];
    for (what, url, tok, use_page) in reads {
        for (i, conns) in [1, 8, 32].into_iter().enumerate() {
            let c = if use_page {
                page.clone()
            } else {
                client(conns)
            };
            let (u, t) = (url.clone(), tok.clone());
            let (f, cost) = metered(&meter, conns, secs, move |_| {
                let (c, u, t) = (c.clone(), u.clone(), t.clone());
                async move { get_ok(&c, &u, t.as_deref()).await }
            })
            .await;
            line(what, conns, f, Some(baselines[i]), cost, postgres);
        }
    }
    if let Some((relay, relayed_db)) = &relay {
        let (mut counted, base) = serve(relayed_db, dir.path(), &http).await?;
        println!("\nPostgreSQL round trips per request (one connection, 200 requests each):\n");
        println!("| request | round trips |");
        println!("|---|---|");
        let c = client(1);
        for (what, url, tok) in [
            (
                "`GET /api/v1/patients/{id}`",
                format!("{base}/api/v1/patients/{read_pid}"),
                &desk,
            ),
            (
                "`GET /api/v1/assessments/{id}`",
                format!("{base}/api/v1/assessments/{read_aid}"),
                &dr,
            ),
            (
                "search `GET /api/v1/patients?q=mar`",
                format!("{base}/api/v1/patients?q=mar"),
                &desk,
            ),
        ] {
            let before = relay.now();
            for _ in 0..200 {
                assert!(get_ok(&c, &url, Some(tok)).await, "{what}");
            }
            println!("| {what} | {:.1} |", (relay.now() - before) as f64 / 200.0);
        }
        let before = relay.now();
        for _ in 0..200 {
            assert!(get_ok(&page, &format!("{base}/patients/{read_pid}"), None).await);
        }
        println!(
            "| patient page `GET /patients/{{id}}` | {:.1} |",
            (relay.now() - before) as f64 / 200.0
        );
        let before = relay.now();
        for n in 0..50 {
            assert!(first_visit(&c, &base, &desk, &dr, 500_000 + n).await);
        }
        println!(
            "| one first-visit scenario (5 requests) | {:.1} |",
            (relay.now() - before) as f64 / 50.0
        );
        let _ = counted.kill();
        let _ = counted.wait();
    }
    println!(
        "\nFirst-visit write scenario (register, start, save history/ROM/palpation/pain, open patient, open assessment), scenarios/s:\n"
    );
    println!(
        "| run | clients | scenarios/s | p50 ms | p95 ms | p99 ms | errors | RSS after (MB; at 16 clients after 16 sign-ins too) | peak RSS (MB) | CPU ms server | CPU ms database | CPU ms bench | cores busy | CPU ceiling /s |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    let next = Arc::new(AtomicU64::new(1_000_000));
    for run in 1..=repeats {
        for clients in [1, 4, 16] {
            let c = client(clients);
            let (b, d, r, next) = (base.clone(), desk.clone(), dr.clone(), next.clone());
            let (f, cost) = metered(&meter, clients, secs, move |_| {
                let (c, b, d, r) = (c.clone(), b.clone(), d.clone(), r.clone());
                let n = next.fetch_add(1, Ordering::Relaxed);
                async move { first_visit(&c, &b, &d, &r, n).await }
            })
            .await;
            if clients == 16 {
                // 16 sign-ins at once: each hashes with argon2 (19 MiB).
                let mut signins = Vec::new();
                for _ in 0..16 {
                    let (c, b) = (client(1), base.clone());
                    signins.push(tokio::spawn(async move {
                        c.post(format!("{b}/api/v1/auth/login"))
                            .json(&json!({"email": "desk@bench.example", "password": password}))
                            .send()
                            .await
                            .is_ok_and(|r| r.status().is_success())
                    }));
                }
                for s in signins {
                    assert!(s.await.unwrap(), "a sign-in failed");
                }
            }
            let (rss, peak) = rss_kb(pid);
            println!(
                "| {run} | {clients} | {:.1} | {:.1} | {:.1} | {:.1} | {} | {:.0} | {:.0} | {} |",
                f.per_sec,
                f.p50,
                f.p95,
                f.p99,
                f.errors,
                rss as f64 / 1024.0,
                peak as f64 / 1024.0,
                cpu_cells(cost, postgres, true)
            );
        }
    }
    let (rss, peak) = rss_kb(pid);
    println!(
        "\n`clinic serve` RSS at the end {:.0} MB, peak {:.0} MB.",
        rss as f64 / 1024.0,
        peak as f64 / 1024.0
    );
    baseline_handle.stop(true).await;
    let _ = server.kill();
    let _ = server.wait();
    Ok(())
}
