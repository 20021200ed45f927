//! Logs never carry secrets: the real binary is run with info logging while staff sign
//! in, a reset link is mailed and opened; its log must contain none of the session
//! tokens, passwords or link tokens that passed through it.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::cli::clinic;
use crate::helpers::{
    Backend, TestDatabase, csrf_in, free_port, read_dir_files, reset_token_in, wait_for_port,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_tokens_or_passwords_in_the_log_on_sqlite() {
    let Some(db) = TestDatabase::create(Backend::Sqlite) else {
        return;
    };
    let password = "sable orchard pylon";
    let o = clinic(
        &db.url,
        &[
            "user",
            "add",
            "--email",
            "boss@clinic.example",
            "--name",
            "Boss",
            "--role",
            "admin",
            "--password-stdin",
        ],
        Some(&format!("{password}\n")),
    );
    assert!(o.status.success());
    let staff = clinic(
        &db.url,
        &[
            "user",
            "add",
            "--email",
            "pat@clinic.example",
            "--name",
            "Pat",
            "--role",
            "front_desk",
            "--password-stdin",
        ],
        Some("velvet quarry hinge\n"),
    );
    assert!(staff.status.success());
    let staff_id = String::from_utf8_lossy(&staff.stdout)
        .rsplit(' ')
        .next()
        .unwrap()
        .trim()
        .to_owned();

    let port = free_port();
    let mail_dir = tempfile::tempdir().unwrap();
    let log_file = tempfile::NamedTempFile::new().unwrap();
    let mut server = Command::new(env!("CARGO_BIN_EXE_clinic"))
        .arg("serve")
        .env("DATABASE_URL", &db.url)
        .env("CLINIC_BIND", format!("127.0.0.1:{port}"))
        .env("CLINIC_MAIL_DIR", mail_dir.path())
        .env("CLINIC_MAIL_POLL_MS", "100")
        .env("RUST_LOG", "debug")
        .stdout(Stdio::null())
        .stderr(log_file.reopen().unwrap())
        .spawn()
        .unwrap();
    wait_for_port(port, Duration::from_secs(30));
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    // API token.
    let r: serde_json::Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": "boss@clinic.example", "password": password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let api_token = r["token"].as_str().unwrap().to_owned();
    http.get(format!("{base}/api/v1/me"))
        .bearer_auth(&api_token)
        .send()
        .await
        .unwrap();

    // Browser session, then a reset link by email.
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login_page = browser
        .get(format!("{base}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_in(&login_page).unwrap();
    let r = browser
        .post(format!("{base}/login"))
        .form(&[
            ("email", "boss@clinic.example"),
            ("password", password),
            ("csrf_token", &csrf),
        ])
        .send()
        .await
        .unwrap();
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("clinic_session="))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("clinic_session=")
        .to_owned();
    let users_page = browser
        .get(format!("{base}/admin/users"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_in(&users_page).unwrap();
    let r = browser
        .post(format!("{base}/admin/users/{staff_id}/password-reset"))
        .form(&[("csrf_token", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let started = Instant::now();
    let reset_token = loop {
        if let Some(t) = read_dir_files(mail_dir.path())
            .first()
            .and_then(|m| reset_token_in(m))
        {
            break t;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "reset mail written"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let r = http
        .get(format!("{base}/password-reset/{reset_token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // Requests actix's extractors cannot read: at debug level they log the concrete
    // path, which here holds the token (`?step=abc` once did on the form link).
    for r in [
        http.get(format!("{base}/intake/{reset_token}?step=abc")),
        http.post(format!("{base}/intake/{reset_token}?step=9999"))
            .header("content-type", "text/plain")
            .body("not a form"),
        http.post(format!("{base}/password-reset/{reset_token}"))
            .header("content-type", "application/json")
            .body("{"),
    ] {
        let status = r.send().await.unwrap().status();
        assert!(status.is_client_error(), "{status}");
    }

    server.kill().unwrap();
    server.wait().unwrap();
    let log = std::fs::read_to_string(log_file.path()).unwrap();
    assert!(
        log.contains("/password-reset/{token}"),
        "requests are logged by route pattern:\n{log}"
    );
    for (what, secret) in [
        ("API token", api_token.as_str()),
        ("session cookie", cookie.as_str()),
        ("reset token", reset_token.as_str()),
        ("password", password),
        ("CSRF token", csrf.as_str()),
    ] {
        assert!(secret.len() >= 12, "{what} captured");
        assert!(!log.contains(secret), "the {what} appears in the log");
    }
}
