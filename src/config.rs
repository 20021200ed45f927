//! Settings. Every one is a command-line flag that also reads an environment variable;
//! `clinic --help` and `clinic serve --help` explain each, and `docs/operations.md`
//! has the table.

use std::path::PathBuf;

use clap::Args;

use crate::services::SessionPolicy;

/// Where the data lives; shared by every command.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// Database: sqlite://FILE (embedded, the default) or postgres://USER@HOST/DB.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://clinic.db",
        global = true,
        hide_env_values = true
    )]
    pub database_url: String,
}

/// Settings of `clinic serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "CLINIC_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,

    /// The address people use to reach the service, for links in emails
    /// (for example https://clinic.example.org). Defaults to http://BIND.
    #[arg(long, env = "CLINIC_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// The clinic's name, shown on pages and in emails.
    #[arg(long, env = "CLINIC_NAME", default_value = "Our clinic")]
    pub clinic_name: String,

    /// The clinic's time zone, an IANA name (America/Montreal, Europe/Paris): which day
    /// "today" is on the day list, an assessment's visit date, the booking form's
    /// default, and how times read on pages. Default: the server's zone (UTC when it
    /// has no IANA name).
    #[arg(long, env = "CLINIC_TIMEZONE")]
    pub timezone: Option<String>,

    /// The clinic's opening hours on its own clock, HH:MM-HH:MM: the span of a
    /// practitioner's day beside the booking form (a visit outside them still shows).
    #[arg(long, env = "CLINIC_HOURS", default_value = "08:00-18:00")]
    pub clinic_hours: String,

    /// The clinic's telephone number as patients dial it, shown on every page (the
    /// patient's form says "call the clinic"; this is the number).
    #[arg(long, env = "CLINIC_PHONE")]
    pub clinic_phone: Option<String>,

    /// The clinic's street address, one line, shown on every page.
    #[arg(long, env = "CLINIC_ADDRESS")]
    pub clinic_address: Option<String>,

    /// SMTP server for outgoing mail: smtp://HOST:PORT (plain, for a local relay),
    /// smtp://USER:PASS@HOST:587?tls=required (STARTTLS) or smtps://USER:PASS@HOST (TLS).
    /// Unset: each message is written as an .eml file under --mail-dir.
    #[arg(long, env = "SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// Folder for .eml files when no SMTP server is set.
    #[arg(long, env = "CLINIC_MAIL_DIR", default_value = "./mail")]
    pub mail_dir: PathBuf,

    /// Where to email an alert when a pre-visit form raises an emergency or urgent flag,
    /// for example the practitioners' shared inbox. The alert says only that a form needs
    /// review now or today and links to the patient's page. Unset: such forms show on
    /// Today only.
    #[arg(long, env = "CLINIC_ALERT_EMAIL")]
    pub alert_email: Option<String>,

    /// Sender address of outgoing mail.
    #[arg(long, env = "CLINIC_MAIL_FROM", default_value = "clinic@localhost")]
    pub mail_from: String,

    /// How often the mail sender looks for due messages, in milliseconds.
    #[arg(long, env = "CLINIC_MAIL_POLL_MS", default_value_t = 5000)]
    pub mail_poll_ms: u64,

    /// Minutes without activity after which a session ends.
    #[arg(long, env = "CLINIC_SESSION_IDLE_MINUTES", default_value_t = 15,
          value_parser = clap::value_parser!(u32).range(1..=1440))]
    pub session_idle_minutes: u32,

    /// Hours after sign-in after which a session ends, active or not.
    #[arg(long, env = "CLINIC_SESSION_ABSOLUTE_HOURS", default_value_t = 12,
          value_parser = clap::value_parser!(u32).range(1..=168))]
    pub session_absolute_hours: u32,

    /// Mark cookies Secure and send HSTS: turn on when the service is reached over TLS
    /// (directly or behind a TLS-terminating reverse proxy).
    #[arg(long, env = "CLINIC_SECURE_COOKIES", default_value_t = false)]
    pub secure_cookies: bool,

    /// Take the client address from the last X-Forwarded-For entry (the one the proxy
    /// appends). Only behind a reverse proxy; otherwise anyone could pick the address
    /// the sign-in limit counts.
    #[arg(long, env = "CLINIC_TRUST_PROXY_HEADERS", default_value_t = false)]
    pub trust_proxy_headers: bool,

    /// Web worker threads (default: one per CPU).
    #[arg(long, env = "CLINIC_WORKERS")]
    pub workers: Option<usize>,

    /// Threads that hash passwords. Each keeps 19 MiB of argon2 memory once it has
    /// hashed; one signs a clinic's staff in at ~40 a second (25 ms each), more only
    /// help a site where many people sign in in the same second.
    #[arg(long, env = "CLINIC_HASHING_THREADS", default_value_t = 1)]
    pub hashing_threads: usize,

    /// Database connections in the pool (default: 8 on SQLite, 16 on PostgreSQL; see
    /// docs/benchmarks.md before changing it). The audit committer has one more.
    #[arg(long, env = "CLINIC_DB_CONNECTIONS",
          value_parser = clap::value_parser!(u32).range(1..=256))]
    pub db_connections: Option<u32>,
}

impl ServeArgs {
    pub fn session_policy(&self) -> SessionPolicy {
        SessionPolicy {
            idle: chrono::TimeDelta::minutes(i64::from(self.session_idle_minutes)),
            absolute: chrono::TimeDelta::hours(i64::from(self.session_absolute_hours)),
        }
    }

    /// The settings `clinic serve` would start with here (its environment, its
    /// defaults): what `clinic demo` names as the address to open. `None` when the
    /// environment holds a setting serve would refuse.
    pub fn from_environment() -> Option<ServeArgs> {
        use clap::{Args as _, FromArgMatches as _};
        let matches = ServeArgs::augment_args(clap::Command::new("serve"))
            .try_get_matches_from(["serve"])
            .ok()?;
        ServeArgs::from_arg_matches(&matches).ok()
    }

    /// The public base URL without a trailing slash.
    pub fn public_base(&self, bound: &str) -> String {
        match &self.public_url {
            Some(u) => u.trim_end_matches('/').to_owned(),
            None => format!("http://{bound}"),
        }
    }
}
