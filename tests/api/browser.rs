//! Real-browser tests with Debian's Chromium and ChromeDriver: the patient's form on a
//! phone-sized screen (390×844), with screenshots kept in `docs/screenshots/`; and the
//! guard that stops every browser process a test started, checked with `ps`.

use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use futures_util::FutureExt;
use serde_json::json;

use crate::axe::assert_accessible;
use crate::helpers::{Backend, TestApp, free_port, missing, wait_for_port};

/// Chromium's switches for every test: headless, no sandbox (root in a container), and
/// nothing that reaches for the network by itself (the machine has none: without these
/// Chromium keeps retrying refused connections).
const CHROMIUM_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
];

/// The environment variable ChromeDriver (and so Chromium) is started with, naming the
/// browser's private folder: a third way to recognise its processes.
const MARKER_VAR: &str = "CLINIC_TEST_BROWSER";

/// A process on this machine, as `/proc` shows it.
#[derive(Clone, Debug)]
pub struct Process {
    pub pid: u32,
    pub ppid: u32,
    pub pgid: u32,
    pub args: String,
}

/// Every live process (zombies left out: they have already exited).
fn processes() -> Vec<(Process, Vec<u8>)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return out;
    };
    for e in entries.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        let dir = e.path();
        let Ok(stat) = std::fs::read_to_string(dir.join("stat")) else {
            continue;
        };
        // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
        let Some(rest) = stat.rfind(')').map(|at| &stat[at + 1..]) else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.len() < 3 || matches!(fields[0], "Z" | "X") {
            continue;
        }
        let (Ok(ppid), Ok(pgid)) = (fields[1].parse(), fields[2].parse()) else {
            continue;
        };
        let args = std::fs::read(dir.join("cmdline"))
            .map(|raw| {
                String::from_utf8_lossy(&raw)
                    .split('\0')
                    .filter(|a| !a.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();
        let environ = std::fs::read(dir.join("environ")).unwrap_or_default();
        out.push((
            Process {
                pid,
                ppid,
                pgid,
                args,
            },
            environ,
        ));
    }
    out
}

impl std::fmt::Display for Process {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "pid {} ppid {} pgid {}: {}",
            self.pid, self.ppid, self.pgid, self.args
        )
    }
}

fn list(processes: &[Process]) -> String {
    processes
        .iter()
        .map(|p| format!("  {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn environ_has(environ: &[u8], entry: &str) -> bool {
    environ.split(|b| *b == 0).any(|e| e == entry.as_bytes())
}

fn kill(pid: u32) {
    if let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    {
        let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
    }
}

/// Kills what is left of browsers whose test process is gone (a run that was itself
/// killed, so that no destructor ran): their private folder names the test's pid.
fn kill_orphans_of_dead_tests() {
    let prefix = format!("{}/clinic-browser-", std::env::temp_dir().display());
    for (p, _) in processes() {
        let Some(at) = p.args.find(&prefix) else {
            continue;
        };
        let owner: String = p.args[at + prefix.len()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if let Ok(owner) = owner.parse::<u32>()
            && owner != std::process::id()
            && !Path::new(&format!("/proc/{owner}")).exists()
        {
            kill(p.pid);
        }
    }
}

/// ChromeDriver and everything it starts. ChromeDriver runs in a process group of its
/// own, which Chromium's browser, zygote, GPU, network, storage and renderer processes
/// inherit. Chromium's crash handlers leave the group (they call `setsid`), but their
/// command line names the crash database under `HOME`, which is this browser's private
/// folder, as is the profile (`--user-data-dir`); and every process that keeps
/// ChromeDriver's environment carries [`MARKER_VAR`]. Stopping kills the group, then
/// every process found by folder or variable, and waits until none is left.
pub struct BrowserProcesses {
    driver: Child,
    home: tempfile::TempDir,
    stopped: bool,
}

impl BrowserProcesses {
    fn start(driver_bin: &str, port: u16) -> Self {
        use std::os::unix::process::CommandExt;
        kill_orphans_of_dead_tests();
        let home = tempfile::Builder::new()
            .prefix(&format!("clinic-browser-{}-", std::process::id()))
            .tempdir()
            .expect("the browser's folder");
        let driver = Command::new(driver_bin)
            .arg(format!("--port={port}"))
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join(".config"))
            .env("XDG_CACHE_HOME", home.path().join(".cache"))
            .env(MARKER_VAR, home.path())
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        BrowserProcesses {
            driver,
            home,
            stopped: false,
        }
    }

    /// ChromeDriver's process group (its pid).
    pub fn pgid(&self) -> u32 {
        self.driver.id()
    }

    /// The browser's private folder: `HOME` of ChromeDriver and Chromium, and the parent
    /// of the profile.
    pub fn home(&self) -> &Path {
        self.home.path()
    }

    fn profile(&self) -> std::path::PathBuf {
        self.home.path().join("profile")
    }

    /// The processes of this browser that are still alive.
    pub fn alive(&self) -> Vec<Process> {
        let pgid = self.pgid();
        let folder = format!("{}/", self.home.path().display());
        let marker = format!("{MARKER_VAR}={}", self.home.path().display());
        processes()
            .into_iter()
            .filter(|(p, environ)| {
                p.pid != std::process::id()
                    && (p.pgid == pgid || p.args.contains(&folder) || environ_has(environ, &marker))
            })
            .map(|(p, _)| p)
            .collect()
    }

    /// Kills ChromeDriver and every process of this browser; returns what is still alive
    /// after waiting up to ten seconds (nothing, unless a process cannot be killed).
    pub fn stop(&mut self) -> Vec<Process> {
        if self.stopped {
            return self.alive();
        }
        self.stopped = true;
        let pgid = self.pgid();
        // Never 0 or 1: those would mean "my own group" and "every process".
        if pgid > 1
            && let Some(group) = i32::try_from(pgid)
                .ok()
                .and_then(rustix::process::Pid::from_raw)
        {
            let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let started = Instant::now();
        loop {
            let left = self.alive();
            if left.is_empty() || started.elapsed() > Duration::from_secs(10) {
                return left;
            }
            for p in &left {
                kill(p.pid);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for BrowserProcesses {
    fn drop(&mut self) {
        let left = self.stop();
        if !left.is_empty() {
            eprintln!(
                "browser processes that could not be killed:\n{}",
                list(&left)
            );
        }
    }
}

/// A headless Chromium driven through ChromeDriver, owned by one test. Dropping it, also
/// while the test panics, closes the WebDriver session if it can (which lets Chromium
/// quit) and then kills ChromeDriver and every process it started ([`BrowserProcesses`]).
/// [`Browser::finish`] does the same at the end of a test and fails if anything is left.
pub struct Browser {
    pub client: Client,
    session_open: bool,
    // Dropped after `Drop::drop` has closed the session.
    processes: BrowserProcesses,
}

impl Browser {
    pub fn processes(&self) -> &BrowserProcesses {
        &self.processes
    }

    /// Closes the session, stops every browser process and fails if one is left.
    pub async fn finish(mut self) {
        self.session_open = false;
        let closed =
            tokio::time::timeout(Duration::from_secs(10), self.client.clone().close()).await;
        if !matches!(closed, Ok(Ok(()))) {
            eprintln!("closing the WebDriver session: {closed:?}");
        }
        let left = self.processes.stop();
        assert!(
            left.is_empty(),
            "browser processes outlived the test:\n{}",
            list(&left)
        );
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !std::mem::take(&mut self.session_open) {
            return;
        }
        // The session is a task on the test's runtime; waiting for it needs a runtime
        // whose other threads keep running while this one blocks.
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if handle.runtime_flavor() != tokio::runtime::RuntimeFlavor::MultiThread {
            return;
        }
        let client = self.client.clone();
        tokio::task::block_in_place(|| {
            let _ = handle.block_on(tokio::time::timeout(Duration::from_secs(5), client.close()));
        });
    }
}

pub async fn chromium(width: u32, height: u32) -> Option<Browser> {
    let chromium =
        std::env::var("CLINIC_TEST_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let driver_bin = std::env::var("CLINIC_TEST_CHROMEDRIVER")
        .unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    if !Path::new(&chromium).exists() || !Path::new(&driver_bin).exists() {
        missing(
            "Chromium",
            &format!(
                "{chromium} or {driver_bin} is not installed (apt-get install chromium chromium-driver)"
            ),
        );
        return None;
    }
    // rustls needs one process-wide crypto provider; lettre and fantoccini bring two.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let port = free_port();
    // From here on a panic drops `processes`, which kills ChromeDriver and its children.
    let processes = BrowserProcesses::start(&driver_bin, port);
    wait_for_port(port, Duration::from_secs(20));
    let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|a| (*a).to_owned()).collect();
    args.push(format!("--window-size={width},{height}"));
    args.push(format!("--user-data-dir={}", processes.profile().display()));
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": args,
            "mobileEmulation": { "deviceMetrics": { "width": width, "height": height, "pixelRatio": 1.0, "touch": true } },
        }),
    );
    let client = ClientBuilder::rustls()
        .expect("rustls client")
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("connect to chromedriver");
    Some(Browser {
        client,
        session_open: true,
        processes,
    })
}

pub async fn screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.expect("screenshot");
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/screenshots");
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(format!("{dir}/{name}.png"), png).unwrap();
}

/// One click on `css`, naming the control in any failure (the browser tests' shared click).
pub(crate) async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

async fn type_in(c: &Client, css: &str, text: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .send_keys(text)
        .await
        .unwrap();
}

/// Presses "Save and continue" and waits for step `n` to load.
async fn next_step(c: &Client, n: u8) {
    click(c, "button[value=next]").await;
    let started = std::time::Instant::now();
    loop {
        if c.current_url()
            .await
            .unwrap()
            .as_str()
            .ends_with(&format!("step={n}"))
        {
            c.wait()
                .for_element(Locator::Css("button[value=later]"))
                .await
                .unwrap();
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "step {n} did not load"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Presses "Submit" and waits for the page that answers it.
async fn submit(c: &Client) {
    let before = c.find(Locator::Css("main")).await.unwrap();
    click(c, "button[value=submit]").await;
    let started = std::time::Instant::now();
    while before.text().await.is_ok() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the submit answered"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    c.wait().for_element(Locator::Css("main")).await.unwrap();
}

/// Fails when the page is wider than the screen (a phone would scroll sideways).
async fn fits_the_screen(c: &Client, what: &str) {
    let v = c
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await
        .unwrap();
    let (scroll, inner) = (v[0].as_i64().unwrap(), v[1].as_i64().unwrap());
    assert!(
        scroll <= inner,
        "{what}: the page is {scroll}px wide on a {inner}px screen"
    );
}

async fn a_patient_fills_the_form_on_a_phone(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let Some(browser) = chromium(390, 844).await else {
        return;
    };
    let c = &browser.client;
    let (link, token, pid) = crate::intake_phone::invitation_link_for(
        &app,
        json!({"given_name": "Inès", "family_name": "Carvalho", "date_of_birth": "1949-07-30", "email": "ines@example.org"}),
    )
    .await;

    c.goto(&app.url(&link)).await.unwrap();
    let body = c
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        body.contains("Hello Inès") && !body.contains("Carvalho"),
        "first name only"
    );
    fits_the_screen(c, "step 1").await;
    assert_accessible(c, "patient's form, step 1 (contact), 390×844").await;
    screenshot(c, "browser-intake-1-contact").await;
    type_in(c, "#contact_phone", "555 0142 777").await;
    next_step(c, 2).await;

    type_in(
        c,
        "#chief_complaint",
        "Low back pain after a fall on the ice",
    )
    .await;
    type_in(c, "#onset", "2 weeks ago").await;
    click(c, "input[name=pain_now][value='6'] + span").await;
    click(c, "input[name=pain_worst][value='9'] + span").await;
    click(c, "input[name=earlier_episodes][value=no]").await;
    fits_the_screen(c, "step 2").await;
    assert_accessible(c, "patient's form, step 2 (the problem), 390×844").await;
    screenshot(c, "browser-intake-2-problem").await;
    next_step(c, 3).await;

    // The pain diagram: tapping an area ticks its box (the script), visible in the list.
    click(c, ".body-map rect[data-area=lower_back]").await;
    click(c, ".body-map rect[data-area=left_thigh]").await;
    let ticked = c
        .execute("return Array.from(document.querySelectorAll('input[name=pain_region]:checked')).map(e => e.value);", vec![])
        .await
        .unwrap();
    assert_eq!(ticked, json!(["lower_back", "left_thigh"]));
    fits_the_screen(c, "step 3").await;
    assert_accessible(
        c,
        "patient's form, step 3 (pain map, two areas ticked), 390×844",
    )
    .await;
    screenshot(c, "browser-intake-3-pain-map").await;
    next_step(c, 4).await;

    // Conditions: the patient answers each; osteoporosis "not sure".
    c.execute(
        "document.querySelectorAll('input[type=radio][value=no]').forEach(e => e.checked = true);",
        vec![],
    )
    .await
    .unwrap();
    click(c, "input[name=cond_osteoporosis][value=unsure]").await;
    fits_the_screen(c, "step 4").await;
    assert_accessible(c, "patient's form, step 4 (conditions), 390×844").await;
    next_step(c, 5).await;
    c.execute(
        "document.querySelectorAll('input[type=radio][value=no]').forEach(e => e.checked = true);",
        vec![],
    )
    .await
    .unwrap();
    click(c, "input[name=red_recent_trauma][value=yes]").await;
    assert_accessible(c, "patient's form, step 5 (symptoms), 390×844").await;
    screenshot(c, "browser-intake-5-symptoms").await;
    next_step(c, 6).await;
    type_in(c, "#med_0_name", "Alendronate").await;
    assert_accessible(c, "patient's form, step 6 (medicines), 390×844").await;
    next_step(c, 7).await;
    assert_accessible(c, "patient's form, step 7 (consent), 390×844").await;

    // Submitting unsigned shows what is missing; then sign and submit.
    submit(c).await;
    let errors = c.find_all(Locator::Css(".field-error")).await.unwrap();
    assert!(
        errors.len() >= 2,
        "missing signature and agreement are shown"
    );
    assert_accessible(c, "patient's form, step 7 with errors (unsigned), 390×844").await;
    type_in(c, "#signed_name", "Inès Carvalho").await;
    click(c, "input[name=consent_agree]").await;
    fits_the_screen(c, "step 7").await;
    assert_accessible(c, "patient's form, step 7 signed, 390×844").await;
    screenshot(c, "browser-intake-7-consent").await;
    submit(c).await;
    let body = c
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains("Thank you, Inès"), "{body}");
    assert_accessible(c, "patient's form, submitted (thank you), 390×844").await;
    screenshot(c, "browser-intake-done").await;
    browser.finish().await;

    // Fall at 77 with possible osteoporosis: urgent, image before treating.
    let (_, flags) = app
        .get_json(&format!("/api/v1/patients/{pid}/flags"), &token)
        .await;
    assert_eq!(flags["items"][0]["code"], "recent_trauma");
    assert_eq!(flags["items"][0]["level"], "urgent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patient_fills_the_form_on_a_phone_on_sqlite() {
    a_patient_fills_the_form_on_a_phone(Backend::Sqlite).await;
}

/// What `ps -eo pid,ppid,pgid,stat,args` lists in process group `pgid` or naming the
/// browser's folder `home` (zombies left out: they have exited).
fn ps_browser_processes(pgid: u32, home: &Path) -> Vec<String> {
    let out = Command::new("ps")
        .args(["-eo", "pid,ppid,pgid,stat,args", "--no-headers"])
        .output()
        .expect("ps (procps) runs");
    assert!(out.status.success(), "ps: {out:?}");
    let folder = format!("{}/", home.display());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            f.len() >= 5
                && !f[3].starts_with('Z')
                && (f[2] == pgid.to_string() || line.contains(&folder))
        })
        .map(str::to_owned)
        .collect()
}

/// Starts a browser on a page and checks that `ps` sees its processes; returns it with
/// its process group and folder.
async fn running_browser(what: &str) -> Option<(Browser, u32, std::path::PathBuf)> {
    let browser = chromium(390, 844).await?;
    browser
        .client
        .goto("data:text/html,<title>cleanup</title><main>cleanup</main>")
        .await
        .unwrap();
    let (pgid, home) = (
        browser.processes().pgid(),
        browser.processes().home().to_owned(),
    );
    let seen = ps_browser_processes(pgid, &home);
    assert!(
        seen.iter().any(|l| l.contains("chromedriver"))
            && seen.iter().any(|l| l.contains("/chromium")),
        "{what}: ps sees ChromeDriver and Chromium: {seen:#?}"
    );
    Some((browser, pgid, home))
}

fn nothing_left(what: &str, pgid: u32, home: &Path) {
    let left = ps_browser_processes(pgid, home);
    assert!(
        left.is_empty(),
        "{what}: browser processes outlived the test:\n{}",
        left.join("\n")
    );
}

/// However a browser test ends (finished, dropped with its session open, panicking in
/// `catch_unwind`, panicking in a spawned task), no ChromeDriver or Chromium process it
/// started is left, Chromium's crash handlers (which leave the process group) included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_browser_process_outlives_its_test() {
    let Some((browser, pgid, home)) = running_browser("finished").await else {
        return;
    };
    browser.finish().await;
    nothing_left("finished", pgid, &home);

    let (browser, pgid, home) = running_browser("dropped").await.unwrap();
    drop(browser);
    nothing_left("dropped with the session open", pgid, &home);

    let (browser, pgid, home) = running_browser("catch_unwind").await.unwrap();
    let caught = std::panic::catch_unwind(AssertUnwindSafe(move || {
        let _owned = browser;
        panic!("a deliberate panic while a browser is open (catch_unwind)");
    }));
    assert!(caught.is_err());
    nothing_left("panicked inside catch_unwind", pgid, &home);

    let (browser, pgid, home) = running_browser("async catch_unwind").await.unwrap();
    let caught = AssertUnwindSafe(async move {
        let b = browser;
        b.client.goto("data:text/html,<p>again</p>").await.unwrap();
        panic!("a deliberate panic while a browser is open (async)");
    })
    .catch_unwind()
    .await;
    assert!(caught.is_err());
    nothing_left("panicked in an async block", pgid, &home);

    let (browser, pgid, home) = running_browser("spawned task").await.unwrap();
    let joined = tokio::spawn(async move {
        let b = browser;
        b.client.refresh().await.unwrap();
        panic!("a deliberate panic while a browser is open (spawned task)");
    })
    .await;
    assert!(joined.is_err_and(|e| e.is_panic()));
    nothing_left("panicked in a spawned task", pgid, &home);
}
