//! Builds the running service: pool, migrations, the first-run setup link, the mail
//! sender and the HTTP server. Tests start it exactly as `clinic serve` does, on port 0.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::error::{InternalError, JsonPayloadError};
use actix_web::http::StatusCode;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use anyhow::Context;
use tokio::sync::Notify;

use crate::auth::signed_value::SigningKey;
use crate::clinic_time::{ClinicZone, OpeningHours};
use crate::clock::Clock;
use crate::config::ServeArgs;
use crate::db::{self, DatabaseUrl, DbPool};
use crate::domain::EmailAddress;
use crate::mail::sender::Sender;
use crate::mail::{MailContext, MailTransport};
use crate::services::audit_queue::AuditQueue;
use crate::services::{server_secrets, setup};
use crate::web::access::{self, BODY_LIMIT};
use crate::web::api_error::{ErrorCode, json_error};
use crate::web::error::error_page;
use crate::web::hashing_pool::HashingPool;
use crate::web::state::AppState;
use crate::web::{headers, logging, routes};

pub struct Application {
    port: u16,
    server: Server,
    sender: Sender,
    setup_link: Option<String>,
    state: AppState,
}

impl Application {
    /// Connects, migrates, binds. Nothing is served until [`Application::run_until_stopped`].
    pub async fn build(
        database_url: &DatabaseUrl,
        args: &ServeArgs,
        clock: Clock,
    ) -> anyhow::Result<Self> {
        let url = database_url.clone();
        let setup_clock = clock.clone();
        let db_connections = args.db_connections;
        let (pool, audit_queue, setup_token, csrf_key) = tokio::task::spawn_blocking(
            move || -> anyhow::Result<(DbPool, AuditQueue, Option<String>, [u8; 32])> {
                let pool = db::connect_pool(
                    &url,
                    db_connections.unwrap_or_else(|| pool_size(url.backend())),
                )?;
                let mut conn = pool.get()?;
                let applied = db::run_migrations(&mut conn)?;
                for m in &applied {
                    tracing::info!(migration = %m, "applied migration");
                }
                let token = setup::setup_token_if_needed(&mut conn, setup_clock.now())
                    .map_err(|e| anyhow::anyhow!("could not create the setup link: {e}"))?;
                let csrf_key = server_secrets::load_or_create(
                    &mut conn,
                    server_secrets::CSRF_COOKIE_KEY,
                    setup_clock.now(),
                )
                .map_err(|e| anyhow::anyhow!("could not load the CSRF cookie key: {e}"))?;
                let audit_queue = AuditQueue::start(&url)?;
                Ok((pool, audit_queue, token, csrf_key))
            },
        )
        .await??;

        let listener = TcpListener::bind(&args.bind)
            .with_context(|| format!("cannot listen on {}", args.bind))?;
        let port = listener.local_addr()?.port();
        let bound = format!("{}:{port}", listener.local_addr()?.ip());
        let mail = MailContext {
            clinic_name: args.clinic_name.clone(),
            clinic_phone: given(args.clinic_phone.as_deref()),
            clinic_address: given(args.clinic_address.as_deref()),
            public_url: args.public_base(&bound),
            alert_email: alert_address(args.alert_email.as_deref())?,
        };
        let transport = match &args.smtp_url {
            Some(url) if !url.trim().is_empty() => MailTransport::smtp(url)?,
            _ => MailTransport::files(&args.mail_dir)?,
        };
        tracing::info!(transport = %transport.describe(), "mail");
        let from = args
            .mail_from
            .parse()
            .with_context(|| format!("CLINIC_MAIL_FROM is not an address: {}", args.mail_from))?;
        let zone = ClinicZone::from_setting(args.timezone.as_deref())
            .map_err(|e| anyhow::anyhow!("CLINIC_TIMEZONE: {e}"))?;
        tracing::info!(zone = zone.name(), "clinic time zone");
        // Said at every start, so whoever reads the log after putting a proxy in front
        // sees it before the first warning from a forwarded request.
        tracing::info!(
            trusted = args.trust_proxy_headers,
            "proxy headers (X-Forwarded-For): {}",
            if args.trust_proxy_headers {
                "trusted, the last entry is the client's address"
            } else {
                "not trusted, the peer address is the client's; a warning follows if a request carries one"
            }
        );
        let hours = OpeningHours::parse(&args.clinic_hours)
            .map_err(|e| anyhow::anyhow!("CLINIC_HOURS: {e}"))?;
        let wakeup = Arc::new(Notify::new());
        let hashing = HashingPool::start(args.hashing_threads)
            .context("could not start the password hashing threads")?;
        let state = AppState {
            pool: pool.clone(),
            audit_queue,
            clock: clock.clone(),
            zone,
            hours,
            policy: args.session_policy(),
            mail: mail.clone(),
            mail_wakeup: wakeup.clone(),
            hashing,
            secure_cookies: args.secure_cookies,
            trust_proxy_headers: args.trust_proxy_headers,
            forwarded_but_untrusted: Arc::default(),
            csrf_cookie_key: SigningKey::new(csrf_key, "clinic_csrf"),
        };
        let sender = Sender {
            pool,
            clock,
            transport,
            from,
            wakeup,
            poll_every: Duration::from_millis(args.mail_poll_ms.max(50)),
        };
        let setup_link = setup_token.map(|t| mail.link(&format!("/setup/{t}")));
        let server = build_server(listener, state.clone(), args)?;
        Ok(Application {
            port,
            server,
            sender,
            setup_link,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The one-time link that creates the first admin, when the clinic has no user yet.
    pub fn setup_link(&self) -> Option<&str> {
        self.setup_link.as_deref()
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until SIGINT/SIGTERM (graceful) and runs the mail sender and housekeeping
    /// beside it. They stop with the server, also when this future is dropped.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let _background = AbortOnDrop(vec![
            tokio::spawn(self.sender.run()),
            tokio::spawn(housekeeping(self.state.clone())),
        ]);
        self.server.await
    }
}

/// `CLINIC_ALERT_EMAIL`, checked like any address the clinic mails. Empty counts as unset
/// (an env file with `CLINIC_ALERT_EMAIL=`), and unset is allowed but said out loud: the
/// clinic should know that an emergency on the form then reaches nobody by email.
fn alert_address(raw: Option<&str>) -> anyhow::Result<Option<String>> {
    match raw.map(str::trim).filter(|a| !a.is_empty()) {
        Some(a) => EmailAddress::parse(a)
            .map(|e| Some(e.as_str().to_owned()))
            .map_err(|e| anyhow::anyhow!("CLINIC_ALERT_EMAIL is not an email address: {e}")),
        None => {
            tracing::warn!(
                "CLINIC_ALERT_EMAIL is not set: emergency alerts from the pre-visit form will only show on Today"
            );
            Ok(None)
        }
    }
}

/// Background tasks that must not outlive the server (in tests, a dropped server would
/// otherwise leave its mail sender polling a database that is gone).
struct AbortOnDrop(Vec<tokio::task::JoinHandle<()>>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

/// Every ten minutes: delete expired sessions and long-unused trusted devices.
async fn housekeeping(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(600));
    loop {
        tick.tick().await;
        let now = state.clock.now();
        let policy = state.policy;
        match state
            .db(move |conn| crate::services::housekeeping::purge_expired(conn, now, &policy))
            .await
        {
            Ok(p) if p == Default::default() => {}
            Ok(p) => tracing::info!(
                sessions = p.sessions,
                devices = p.devices,
                "expired sessions and unused devices removed"
            ),
            Err(e) => tracing::warn!(error = %e, "housekeeping failed"),
        }
    }
}

/// Database connections in the pool unless `--db-connections` says otherwise. SQLite has one writer at a time and readers that
/// do not wait for it (WAL), so a few connections keep both CPUs busy; PostgreSQL runs
/// each connection's work in its own server process, so more overlap pays.
fn pool_size(backend: db::Backend) -> u32 {
    match backend {
        db::Backend::Sqlite => 8,
        db::Backend::Postgres => 16,
    }
}

/// Blocking threads per worker: as many as can hold a pool connection at once, and a
/// few more for work waiting on one (each blocking job takes a connection first). Not
/// actix's default of 512 / workers: every thread that ran keeps its own malloc arena,
/// and a 32-connection burst otherwise left ~60 MB of them behind.
fn blocking_threads_per_worker(pool: u32, workers: usize) -> usize {
    let pool = usize::try_from(pool).unwrap_or(16);
    pool.div_ceil(workers.max(1)) + 2
}

fn build_server(
    listener: TcpListener,
    state: AppState,
    args: &ServeArgs,
) -> anyhow::Result<Server> {
    let tls = args.secure_cookies;
    let pool = state.pool.max_size();
    let data = web::Data::new(state);
    let mut server =
        HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .app_data(json_config())
                .app_data(web::FormConfig::default().limit(BODY_LIMIT).error_handler(
                    |err, _req| {
                        let resp = error_page(
                            actix_web::http::StatusCode::BAD_REQUEST,
                            "Please check the form",
                            "The form could not be read. Go back, reload the page and try again.",
                        );
                        InternalError::from_response(err, resp).into()
                    },
                ))
                .app_data(web::PayloadConfig::default().limit(BODY_LIMIT))
                .wrap(from_fn(access::guard))
                .wrap(from_fn(logging::log_request))
                .wrap(headers::security_headers(tls))
                .configure(routes::configure)
                .default_service(web::to(not_found))
        })
        .listen(listener)?
        .shutdown_timeout(10);
    let workers = match args.workers {
        Some(w) => w.max(1),
        None => std::thread::available_parallelism().map_or(2, |n| n.get()),
    };
    server = server
        .workers(workers)
        .worker_max_blocking_threads(blocking_threads_per_worker(pool, workers));
    Ok(server.run())
}

fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(BODY_LIMIT)
        .error_handler(|err, _req| {
            let resp = match &err {
                JsonPayloadError::Overflow { .. }
                | JsonPayloadError::OverflowKnownLength { .. } => json_error(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    ErrorCode::BodyTooLarge,
                    "The request body is larger than 64 KiB.",
                ),
                JsonPayloadError::ContentType => json_error(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    ErrorCode::UnsupportedMediaType,
                    "Send the body as JSON with Content-Type: application/json.",
                ),
                JsonPayloadError::Deserialize(e) => json_error(
                    StatusCode::BAD_REQUEST,
                    ErrorCode::MalformedBody,
                    &format!("The body is not valid JSON for this request: {e}"),
                ),
                _ => json_error(
                    StatusCode::BAD_REQUEST,
                    ErrorCode::MalformedBody,
                    "The request body could not be read.",
                ),
            };
            InternalError::from_response(err, resp).into()
        })
}

async fn not_found(req: HttpRequest) -> HttpResponse {
    if req.path().starts_with("/api/") {
        json_error(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "No such endpoint.",
        )
    } else {
        error_page(
            actix_web::http::StatusCode::NOT_FOUND,
            "Not found",
            "There is no page at this address.",
        )
    }
}

/// A setting that is set and not blank, trimmed.
fn given(setting: Option<&str>) -> Option<String> {
    setting
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}
