//! The command line, run as an administrator would.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::json;

use crate::audit::verify_cli;
use crate::helpers::{Backend, TestApp, missing};

pub fn clinic(db_url: &str, args: &[&str], stdin: Option<&str>) -> Output {
    clinic_with(db_url, args, stdin, &[])
}

/// `clinic` with settings in its environment (and none of the service's address
/// settings inherited from the test's own).
pub fn clinic_with(
    db_url: &str,
    args: &[&str],
    stdin: Option<&str>,
    settings: &[(&str, &str)],
) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_clinic"))
        .args(args)
        .env("DATABASE_URL", db_url)
        .env("RUST_LOG", "warn")
        .env_remove("CLINIC_BIND")
        .env_remove("CLINIC_PUBLIC_URL")
        .envs(settings.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run clinic");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

async fn users_are_managed_from_the_command_line(app: TestApp) {
    let url = app.db.url.clone();
    let add = [
        "user",
        "add",
        "--email",
        "Dr.Lee@Clinic.Example",
        "--name",
        "Dr Lee",
        "--role",
        "practitioner",
        "--password-stdin",
    ];
    let o = clinic(&url, &add, Some("saffron kettle orbit\n"));
    assert!(o.status.success(), "{}", text(&o));

    let weak = [
        "user",
        "add",
        "--email",
        "x@clinic.example",
        "--name",
        "X",
        "--role",
        "front_desk",
        "--password-stdin",
    ];
    let o = clinic(&url, &weak, Some("short\n"));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("password: Use at least 12 characters"),
        "{}",
        text(&o)
    );

    let bad_role = [
        "user",
        "add",
        "--email",
        "y@clinic.example",
        "--name",
        "Y",
        "--role",
        "root",
        "--password-stdin",
    ];
    let o = clinic(&url, &bad_role, Some("saffron kettle orbit\n"));
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("role:"), "{}", text(&o));

    let o = clinic(&url, &["user", "list"], None);
    assert!(o.status.success());
    assert!(text(&o).contains("dr.lee@clinic.example"), "{}", text(&o));

    let (s, _) = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"email": "dr.lee@clinic.example", "password": "saffron kettle orbit"}),
        )
        .await;
    assert_eq!(s, 200);
    let o = clinic(&url, &["user", "disable", "dr.lee@clinic.example"], None);
    assert!(o.status.success(), "{}", text(&o));
    let (s, _) = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"email": "dr.lee@clinic.example", "password": "saffron kettle orbit"}),
        )
        .await;
    assert_eq!(s, 401, "a disabled account cannot sign in");

    let o = clinic(&url, &["user", "disable", "nobody@clinic.example"], None);
    assert_eq!(o.status.code(), Some(2));

    let o = clinic(&url, &["migrate"], None);
    assert!(o.status.success());
    assert!(text(&o).contains("up to date"), "{}", text(&o));
}

async fn backup_makes_a_copy_that_verifies(app: TestApp) {
    app.create_user(clinic::domain::Role::Admin).await;
    let dir = tempfile::tempdir().unwrap();
    match app.db.backend {
        Backend::Sqlite => {
            let file = dir.path().join("backup.db");
            let o = clinic(&app.db.url, &["backup", file.to_str().unwrap()], None);
            assert!(o.status.success(), "{}", text(&o));
            let (code, out) = verify_cli(&format!("sqlite://{}", file.display()));
            assert_eq!(code, 0, "{out}");
            assert!(out.contains("1 events verified"), "{out}");
            let o = clinic(&app.db.url, &["backup", file.to_str().unwrap()], None);
            assert!(!o.status.success(), "an existing file is not overwritten");
        }
        Backend::Postgres => {
            if Command::new("pg_dump").arg("--version").output().is_err() {
                missing("pg_dump", "not on PATH");
                return;
            }
            let file = dir.path().join("backup.dump");
            let o = clinic(&app.db.url, &["backup", file.to_str().unwrap()], None);
            assert!(o.status.success(), "{}", text(&o));
            assert!(std::fs::metadata(&file).unwrap().len() > 1000);
        }
    }
}

#[test]
fn a_bad_database_url_gets_a_real_message() {
    let o = clinic("mysql://x", &["migrate"], None);
    assert!(!o.status.success());
    assert!(
        text(&o).contains("must start with sqlite://"),
        "{}",
        text(&o)
    );
    let o = clinic("postgres://nobody@127.0.0.1:1/nothing", &["migrate"], None);
    assert!(!o.status.success());
    assert!(
        text(&o).contains("could not connect to the PostgreSQL database"),
        "{}",
        text(&o)
    );
}

#[test]
fn help_explains_every_setting() {
    let o = clinic("sqlite://unused.db", &["serve", "--help"], None);
    let t = text(&o);
    for env in [
        "DATABASE_URL",
        "CLINIC_BIND",
        "CLINIC_PUBLIC_URL",
        "SMTP_URL",
        "CLINIC_MAIL_DIR",
        "CLINIC_SESSION_IDLE_MINUTES",
        "CLINIC_SESSION_ABSOLUTE_HOURS",
        "CLINIC_SECURE_COOKIES",
        "CLINIC_DB_CONNECTIONS",
    ] {
        assert!(t.contains(env), "serve --help mentions {env}");
    }
}

#[test]
fn a_pool_of_no_connections_is_refused_at_start() {
    let o = clinic(
        "sqlite://unused.db",
        &["serve", "--db-connections", "0"],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("--db-connections") && text(&o).contains("1..=256"),
        "{}",
        text(&o)
    );
}

on_both_backends!(
    users_are_managed_from_the_command_line,
    backup_makes_a_copy_that_verifies
);
