//! Real-browser tests with Debian's Chromium and ChromeDriver: the patient's form on a
//! phone-sized screen (390×844), with screenshots kept in `docs/screenshots/`.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use clinic::domain::Role;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::helpers::{
    Backend, TestApp, decode_qp, free_port, missing, read_dir_files, wait_for_port,
};

/// A headless Chromium driven through ChromeDriver; both stop when this is dropped.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

pub async fn chromium(width: u32, height: u32) -> Option<Browser> {
    let chromium =
        std::env::var("CLINIC_TEST_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let driver_bin = std::env::var("CLINIC_TEST_CHROMEDRIVER")
        .unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    if !std::path::Path::new(&chromium).exists() || !std::path::Path::new(&driver_bin).exists() {
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
    let driver = Command::new(&driver_bin)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    wait_for_port(port, Duration::from_secs(20));
    let profile = tempfile::tempdir().unwrap();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                format!("--window-size={width},{height}"),
                format!("--user-data-dir={}", profile.path().display()),
            ],
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
        driver,
        _profile: profile,
    })
}

pub async fn screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.expect("screenshot");
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/screenshots");
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(format!("{dir}/{name}.png"), png).unwrap();
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
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
    let desk = app.create_user(Role::FrontDesk).await;
    let token = app.api_token(&desk).await;
    let (_, p) = app
        .post_json(
            "/api/v1/patients",
            Some(&token),
            &json!({"given_name": "Inès", "family_name": "Carvalho", "date_of_birth": "1949-07-30", "email": "ines@example.org"}),
        )
        .await;
    let pid = p["id"].as_str().unwrap().to_owned();
    let (s, _) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/intake-invitations"),
            Some(&token),
            &json!({}),
        )
        .await;
    assert_eq!(s, 201);
    let started = std::time::Instant::now();
    let link = loop {
        let found = read_dir_files(app.mail_dir.path())
            .iter()
            .map(|m| decode_qp(m))
            .find_map(|m| {
                let at = m.find("/intake/")? + "/intake/".len();
                Some(format!(
                    "/intake/{}",
                    m[at..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                        .collect::<String>()
                ))
            });
        if let Some(l) = found {
            break l;
        }
        assert!(started.elapsed() < Duration::from_secs(15));
        tokio::time::sleep(Duration::from_millis(100)).await;
    };

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
    next_step(c, 5).await;
    c.execute(
        "document.querySelectorAll('input[type=radio][value=no]').forEach(e => e.checked = true);",
        vec![],
    )
    .await
    .unwrap();
    click(c, "input[name=red_recent_trauma][value=yes]").await;
    screenshot(c, "browser-intake-5-symptoms").await;
    next_step(c, 6).await;
    type_in(c, "#med_0_name", "Alendronate").await;
    next_step(c, 7).await;

    // Submitting unsigned shows what is missing; then sign and submit.
    submit(c).await;
    let errors = c.find_all(Locator::Css(".field-error")).await.unwrap();
    assert!(
        errors.len() >= 2,
        "missing signature and agreement are shown"
    );
    type_in(c, "#signed_name", "Inès Carvalho").await;
    click(c, "input[name=consent_agree]").await;
    fits_the_screen(c, "step 7").await;
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
    screenshot(c, "browser-intake-done").await;

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
