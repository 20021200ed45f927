//! Starting the service for a test, and talking to it like its users do.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use clinic::clock::Clock;
use clinic::config::ServeArgs;
use clinic::db::{DatabaseUrl, DbConnection, DbPool};
use clinic::domain::Role;
use clinic::services::Actor;
use clinic::services::accounts::{self, NewStaff, NewStaffInput};
use clinic::startup::Application;
use diesel::Connection;
use diesel::connection::SimpleConnection;
use reqwest::StatusCode;
use serde_json::Value;

/// Runs each named `async fn NAME(app: TestApp)` once per backend:
/// `NAME::sqlite` and `NAME::postgres`.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    if let Some(app) = crate::helpers::TestApp::spawn(crate::helpers::Backend::Sqlite).await {
                        super::$name(app).await;
                    }
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(app) = crate::helpers::TestApp::spawn(crate::helpers::Backend::Postgres).await {
                        super::$name(app).await;
                    }
                }
            }
        )*
    };
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A component the test needs is missing: skip with a reason, or fail under CI.
pub fn missing(component: &str, reason: &str) {
    if std::env::var("CLINIC_REQUIRE_ALL_COMPONENTS").is_ok_and(|v| v == "1") {
        panic!("{component} is required (CLINIC_REQUIRE_ALL_COMPONENTS=1) but {reason}");
    }
    eprintln!("SKIPPED: {component} not available: {reason}");
}

/// A database of its own for one test; dropped afterwards.
pub struct TestDatabase {
    pub url: String,
    pub backend: Backend,
    _dir: Option<tempfile::TempDir>,
    pg_admin: Option<(String, String)>,
}

impl TestDatabase {
    pub fn create(backend: Backend) -> Option<Self> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("clinic.db").display());
                Some(TestDatabase {
                    url,
                    backend,
                    _dir: Some(dir),
                    pg_admin: None,
                })
            }
            Backend::Postgres => {
                let Ok(admin) = std::env::var("TEST_DATABASE_URL") else {
                    missing("PostgreSQL", "TEST_DATABASE_URL is not set");
                    return None;
                };
                let mut conn = match diesel::PgConnection::establish(&admin) {
                    Ok(c) => c,
                    Err(e) => {
                        missing(
                            "PostgreSQL",
                            &format!("cannot connect to TEST_DATABASE_URL: {e}"),
                        );
                        return None;
                    }
                };
                let name = format!("clinic_test_{}", uuid::Uuid::new_v4().simple());
                conn.batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("create test database");
                let mut url = url::Url::parse(&admin).expect("TEST_DATABASE_URL parses");
                url.set_path(&format!("/{name}"));
                Some(TestDatabase {
                    url: url.to_string(),
                    backend,
                    _dir: None,
                    pg_admin: Some((admin, name)),
                })
            }
        }
    }

    pub fn connect(&self) -> DbConnection {
        clinic::db::connect_once(&DatabaseUrl::parse(&self.url).expect("url")).expect("connect")
    }

    /// The SQLite file, for tests that open it directly.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        self.url.strip_prefix("sqlite://").map(PathBuf::from)
    }

    /// PostgreSQL: the administrator's URL and this test's database name, for tests
    /// that act on the database from outside the service.
    pub fn pg_admin(&self) -> Option<(String, String)> {
        self.pg_admin.clone()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.pg_admin.take()
            && let Ok(mut conn) = diesel::PgConnection::establish(&admin)
        {
            let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

/// A real SMTP server (Python's aiosmtpd) writing what it receives to a Maildir.
pub struct SmtpServer {
    pub port: u16,
    pub maildir: tempfile::TempDir,
    child: Child,
}

impl SmtpServer {
    pub fn start() -> Option<Self> {
        let python = std::env::var("CLINIC_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
        let has_aiosmtpd = Command::new(&python)
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !has_aiosmtpd {
            missing(
                "SMTP server",
                &format!(
                    "{python} cannot import aiosmtpd (pip install aiosmtpd, or set CLINIC_TEST_PYTHON)"
                ),
            );
            return None;
        }
        let maildir = tempfile::tempdir().expect("maildir");
        for sub in ["tmp", "new", "cur"] {
            std::fs::create_dir_all(maildir.path().join(sub)).expect("maildir folders");
        }
        let port = free_port();
        let child = Command::new(&python)
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(maildir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start aiosmtpd");
        let server = SmtpServer {
            port,
            maildir,
            child,
        };
        wait_for_port(port, Duration::from_secs(15));
        Some(server)
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts again on the same port and Maildir (after `stop`).
    pub fn restart(&mut self) {
        let python = std::env::var("CLINIC_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
        self.child = Command::new(&python)
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{}", self.port),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(self.maildir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("restart aiosmtpd");
        wait_for_port(self.port, Duration::from_secs(15));
    }

    /// Raw messages received so far.
    pub fn messages(&self) -> Vec<String> {
        read_dir_files(&self.maildir.path().join("new"))
    }

    /// Waits until at least `n` messages arrived.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<String> {
        let start = Instant::now();
        loop {
            let m = self.messages();
            if m.len() >= n || start.elapsed() > timeout {
                return m;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

pub fn read_dir_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if let Ok(s) = std::fs::read_to_string(e.path()) {
                out.push(s);
            }
        }
    }
    out
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

pub fn wait_for_port(port: u16, timeout: Duration) {
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(start.elapsed() < timeout, "nothing listens on port {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A staff member created for a test, with the password in the clear.
#[derive(Clone, Debug)]
pub struct TestUser {
    pub id: String,
    pub email: String,
    pub name: String,
    pub password: String,
    pub role: Role,
}

pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub clock: Clock,
    pub pool: DbPool,
    pub db: TestDatabase,
    pub mail_dir: tempfile::TempDir,
    pub smtp: Option<SmtpServer>,
    pub setup_link: Option<String>,
    /// No cookies, no redirects: every answer is seen as sent.
    pub http: reqwest::Client,
    server: tokio::task::JoinHandle<()>,
}

#[derive(Default)]
pub struct Options {
    pub smtp: bool,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        Self::spawn_with(backend, Options::default()).await
    }

    pub async fn spawn_with(backend: Backend, options: Options) -> Option<TestApp> {
        Self::spawn_configured(backend, options, |_| {}).await
    }

    /// Like [`TestApp::spawn_with`], with a last word on the settings (`adjust` sees
    /// them just before the service starts), for a test that needs one set differently.
    pub async fn spawn_configured(
        backend: Backend,
        options: Options,
        adjust: impl FnOnce(&mut ServeArgs),
    ) -> Option<TestApp> {
        let smtp = if options.smtp {
            Some(SmtpServer::start()?)
        } else {
            None
        };
        let db = TestDatabase::create(backend)?;
        let mail_dir = tempfile::tempdir().expect("mail dir");
        let mut args = ServeArgs {
            bind: "127.0.0.1:0".into(),
            public_url: None,
            clinic_name: "Test Clinic".into(),
            timezone: Some("UTC".into()),
            clinic_phone: Some("(514) 555-0100".into()),
            clinic_address: Some("1200 Rue Sainte-Catherine, Montréal".into()),
            clinic_hours: "08:00-18:00".into(),
            smtp_url: smtp.as_ref().map(SmtpServer::url),
            mail_dir: mail_dir.path().to_owned(),
            alert_email: None,
            mail_from: "clinic@test.example".into(),
            mail_poll_ms: 100,
            session_idle_minutes: 15,
            session_absolute_hours: 12,
            secure_cookies: false,
            trust_proxy_headers: false,
            workers: Some(2),
            hashing_threads: 1,
            db_connections: None,
        };
        adjust(&mut args);
        let clock = Clock::system();
        let url = DatabaseUrl::parse(&db.url).expect("test url");
        let app = Application::build(&url, &args, clock.clone())
            .await
            .expect("application builds");
        let port = app.port();
        let pool = app.state().pool.clone();
        let setup_link = app.setup_link().map(str::to_owned);
        let server = tokio::spawn(async move {
            let _ = app.run_until_stopped().await;
        });
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Some(TestApp {
            address: format!("http://127.0.0.1:{port}"),
            port,
            clock,
            pool,
            db,
            mail_dir,
            smtp,
            setup_link,
            http,
            server,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// Runs blocking database work against the test's database.
    pub async fn with_db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut DbConnection) -> T + Send + 'static,
    ) -> T {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().expect("pooled connection");
            f(&mut conn)
        })
        .await
        .expect("blocking task")
    }

    /// Creates an account directly through the service (as `clinic user add` does).
    pub async fn create_user(&self, role: Role) -> TestUser {
        let n = uuid::Uuid::new_v4().simple().to_string();
        let user = TestUser {
            id: String::new(),
            email: format!(
                "{}-{}@clinic.example",
                role.as_str().replace('_', "-"),
                &n[..8]
            ),
            name: format!("{} {}", role.label(), &n[..4]),
            // Letters g–v only: no run of the hex in the name or email can appear in
            // the password (the policy refuses a password that contains them).
            password: format!(
                "amber falcon {} river",
                n[20..26]
                    .chars()
                    .map(|c| char::from(b'g' + c.to_digit(16).unwrap_or(0) as u8))
                    .collect::<String>()
            ),
            role,
        };
        let input = NewStaffInput {
            email: user.email.clone(),
            name: user.name.clone(),
            role: role.as_str().into(),
            licence_number: None,
            password: user.password.clone(),
            password_by: String::new(),
        };
        let clock = self.clock.clone();
        let row = self
            .with_db(move |conn| {
                let staff = NewStaff::parse(&input).expect("valid test user");
                accounts::create_user(conn, || clock.now(), &Actor::command_line(), &staff)
                    .expect("create user")
            })
            .await;
        TestUser { id: row.id, ..user }
    }

    /// Signs in through the API and returns the bearer token.
    pub async fn api_token(&self, user: &TestUser) -> String {
        let resp = self
            .http
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({ "email": user.email, "password": user.password }))
            .send()
            .await
            .expect("login request");
        assert_eq!(resp.status(), StatusCode::OK, "API login of {}", user.email);
        let body: Value = resp.json().await.expect("login json");
        body["token"].as_str().expect("token").to_owned()
    }

    pub async fn get_json(&self, path: &str, token: &str) -> (StatusCode, Value) {
        let resp = self
            .http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request");
        let status = resp.status();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    pub async fn post_json(
        &self,
        path: &str,
        token: Option<&str>,
        body: &Value,
    ) -> (StatusCode, Value) {
        let mut req = self.http.post(self.url(path)).json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    /// `PUT` a JSON body with a bearer token: the status and the JSON answer.
    pub async fn put_json(&self, path: &str, token: &str, body: &Value) -> (StatusCode, Value) {
        let resp = self
            .http
            .put(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("PUT");
        let status = resp.status();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    /// A browser: keeps cookies, does not follow redirects.
    pub fn browser(&self) -> Browser {
        Browser {
            base: self.address.clone(),
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
        }
    }

    /// A browser signed in as `user`.
    pub async fn signed_in(&self, user: &TestUser) -> Browser {
        let b = self.browser();
        let resp = b.login(&user.email, &user.password).await;
        assert_eq!(
            resp.status(),
            StatusCode::SEE_OTHER,
            "browser sign-in of {}",
            user.email
        );
        b
    }

    /// Audit actions recorded so far, oldest first.
    pub async fn audit_actions(&self) -> Vec<String> {
        use clinic::schema::audit_events::dsl::*;
        use diesel::prelude::*;
        self.with_db(|conn| {
            audit_events
                .order(seq.asc())
                .select(action)
                .load::<String>(conn)
                .expect("audit")
        })
        .await
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

pub struct Browser {
    pub base: String,
    pub client: reqwest::Client,
}

impl Browser {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn get_html(&self, path: &str) -> (StatusCode, String) {
        let r = self.get(path).await;
        let s = r.status();
        (s, r.text().await.expect("body"))
    }

    /// The CSRF token of the first form on a page.
    pub async fn csrf_from(&self, path: &str) -> String {
        let (_, html) = self.get_html(path).await;
        csrf_in(&html).unwrap_or_else(|| panic!("no csrf_token on {path}"))
    }

    /// Posts a form with the given fields plus the CSRF token taken from `form_page`.
    pub async fn post_form(
        &self,
        path: &str,
        form_page: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let token = self.csrf_from(form_page).await;
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &token));
        self.client
            .post(self.url(path))
            .form(&all)
            .send()
            .await
            .expect("POST")
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.post_form(
            "/login",
            "/login",
            &[("email", email), ("password", password)],
        )
        .await
    }
}

/// Reads `<input name="csrf_token" value="…">` from a page.
pub fn csrf_in(html: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(r#"input[name="csrf_token"]"#).ok()?;
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr("value"))
        .map(str::to_owned)
}

/// The visible text of the elements matching `selector`.
pub fn texts(html: &str, selector: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(selector).expect("selector");
    doc.select(&sel)
        .map(|e| e.text().collect::<String>().trim().to_owned())
        .collect()
}

/// Undoes quoted-printable soft breaks and `=3D`, enough to read a link in a raw message.
pub fn decode_qp(raw: &str) -> String {
    raw.replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=")
}

/// The token of the first `/password-reset/<token>` link in a raw message.
pub fn reset_token_in(message: &str) -> Option<String> {
    let body = decode_qp(message);
    let start = body.find("/password-reset/")? + "/password-reset/".len();
    Some(
        body[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect(),
    )
}

impl Browser {
    /// Presses one of the buttons on the staff list for `user_id`: `disable`, `enable`
    /// or `password-reset`.
    pub async fn staff_action(&self, user_id: &str, action: &str) -> reqwest::Response {
        self.post_form(
            &format!("/admin/users/{user_id}/{action}"),
            "/admin/users",
            &[],
        )
        .await
    }
}
