//! The command line: `clinic serve` (the default), `migrate`, `user add|list|disable`,
//! `audit verify|anchor`, `backup`, and the data tools `demo`, `seed`, `import` (see
//! [`crate::data_tools`]). Every flag also reads an environment variable.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::clock::Clock;
use crate::config::{DatabaseArgs, ServeArgs};
use crate::data_tools::commands as data_tools;
use crate::db::{self, Backend, DatabaseUrl, DbConnection};
use crate::domain::UserId;
use crate::services::accounts::{self, NewStaff, NewStaffInput};
use crate::services::audit::{self, ChainCheck};
use crate::services::audit_anchor::Anchor;
use crate::services::{Actor, ServiceError};
use crate::startup::Application;

#[derive(Debug, Parser)]
#[command(
    name = "clinic",
    version,
    about = "Intake and first-visit assessment records for a chiropractic clinic.",
    long_about = "Intake and first-visit assessment records for a chiropractic or manual-therapy clinic.\n\
                        Without a command, `clinic` runs `clinic serve`."
)]
pub struct Cli {
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web service (applies pending migrations first).
    Serve(Box<ServeArgs>),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Check the audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Write a consistent copy of the database to FILE (SQLite: VACUUM INTO;
    /// PostgreSQL: pg_dump custom format).
    Backup {
        /// Where to write the copy; must not exist yet.
        file: PathBuf,
    },
    /// Load a small demo clinic (staff accounts with printed passwords, patients,
    /// intakes with flags, consents) into a database that has no account yet.
    Demo,
    /// Add N deterministic synthetic patients, for benchmarks: the same N and seed give
    /// the same patients. Refuses a database that has staff accounts.
    Seed {
        /// How many patients to add.
        #[arg(long, env = "CLINIC_SEED_PATIENTS")]
        patients: u64,
        /// Any number; the same seed gives the same patients.
        #[arg(long, env = "CLINIC_SEED", default_value_t = 1)]
        seed: u64,
    },
    /// Register patients from a CSV file whose header row names the registration fields
    /// (given_name, family_name, date_of_birth, sex, email, phone, …). Exit 0: every row
    /// imported; 1: some rows skipped (each listed); 2: nothing imported (unreadable
    /// file, unknown or missing column).
    Import {
        /// The CSV file (UTF-8, comma-separated, header row first).
        file: PathBuf,
        /// Import rows that look like an existing patient (same name and birth date).
        #[arg(long, env = "CLINIC_IMPORT_ALLOW_DUPLICATES", default_value_t = false)]
        allow_duplicates: bool,
        /// FILE is one patient's FHIR collection Bundle of our export (`clinic export
        /// fhir --patient`): the patient, the forms and the flags come back as they left.
        #[arg(long, conflicts_with = "allow_duplicates")]
        fhir: bool,
    },
    /// Export records (a records request, a referral, a change of software).
    #[command(subcommand)]
    Export(ExportCommand),
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// As FHIR R4 (docs/fhir.md): one patient as a collection Bundle (`--patient`), or
    /// every patient as NDJSON per resource type (`--all --out DIR`). Each patient's
    /// export is audited.
    Fhir {
        /// The patient's id or chart number.
        #[arg(long, conflicts_with = "all", required_unless_present = "all")]
        patient: Option<String>,
        /// Every patient, as NDJSON files in the folder `--out`.
        #[arg(long, requires = "out")]
        all: bool,
        /// Where to write: a file that must not exist yet (one patient; standard output
        /// without it), or a new empty folder (`--all`).
        #[arg(long)]
        out: Option<PathBuf>,
        /// The clinic's public base URL: the FHIR identifiers and code systems live under
        /// it, so it must be the address the service is reached at.
        #[arg(long, env = "CLINIC_PUBLIC_URL")]
        public_url: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a staff account.
    Add {
        #[arg(long, env = "CLINIC_USER_EMAIL")]
        email: String,
        #[arg(long, env = "CLINIC_USER_NAME")]
        name: String,
        /// admin, practitioner or front_desk.
        #[arg(long, env = "CLINIC_USER_ROLE")]
        role: String,
        /// Professional licence number (practitioners).
        #[arg(long, env = "CLINIC_USER_LICENCE")]
        licence_number: Option<String>,
        /// Read the password from the first line of standard input instead of prompting.
        #[arg(long, env = "CLINIC_PASSWORD_STDIN", default_value_t = false)]
        password_stdin: bool,
    },
    /// List staff accounts.
    List,
    /// Disable an account and end its sessions.
    Disable { email: String },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the hash chain; exit 0 when intact, 1 naming the first bad row.
    Verify {
        /// Also require the head recorded in this anchor file (by `clinic audit anchor`)
        /// to still be in the chain, so that removing the newest rows and rewriting the
        /// head is caught.
        #[arg(long, env = "CLINIC_AUDIT_ANCHOR")]
        anchor: Option<PathBuf>,
    },
    /// Verify the chain (against FILE's earlier anchor, if there is one), then write its
    /// newest row's number and hash to FILE. Run it from cron, as a user the database
    /// owner is not, to a place the database owner cannot write. Exit 1 (FILE left as
    /// it was) when the chain is broken or no longer holds the earlier anchor.
    Anchor {
        /// The anchor file; replaced atomically.
        file: PathBuf,
    },
}

pub fn main() -> ExitCode {
    let mut cli = Cli::parse();
    if cli.command.is_none() {
        // Plain `clinic` (and `cargo run`) serves, with the serve flags read from the
        // environment.
        let mut args: Vec<String> = std::env::args().collect();
        args.insert(1.min(args.len()), "serve".into());
        cli = Cli::parse_from(args);
    }
    crate::telemetry::init();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            // 2 = could not do it (bad settings, database unreachable…); 1 is kept for
            // "the audit trail is broken" so monitoring can tell the two apart.
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let url = DatabaseUrl::parse(&cli.database.database_url)?;
    match cli.command {
        // `main` turned a missing command into `serve`.
        None => anyhow::bail!("no command given; see clinic --help"),
        Some(Command::Serve(args)) => serve(&url, &args),
        Some(Command::Migrate) => {
            let mut conn = open_as_is(&url)?;
            let applied = db::run_migrations(&mut conn)?;
            if applied.is_empty() {
                println!("The database is up to date.");
            }
            for m in applied {
                println!("applied {m}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::User(cmd)) => user(&url, cmd),
        Some(Command::Audit(cmd)) => audit_command(&url, cmd),
        Some(Command::Backup { file }) => backup(&url, &file),
        Some(Command::Demo) => data_tools::demo(&url),
        Some(Command::Seed { patients, seed }) => data_tools::seed(&url, patients, seed),
        Some(Command::Import {
            file, fhir: true, ..
        }) => crate::data_tools::fhir::import_bundle(&url, &file),
        Some(Command::Import {
            file,
            allow_duplicates,
            fhir: false,
        }) => data_tools::import(&url, &file, allow_duplicates),
        Some(Command::Export(ExportCommand::Fhir {
            patient,
            all,
            out,
            public_url,
        })) => match (patient, all, out) {
            (_, true, Some(dir)) => crate::data_tools::fhir::all_patients(&url, &public_url, &dir),
            (Some(who), false, out) => {
                crate::data_tools::fhir::one_patient(&url, &public_url, &who, out.as_deref())
            }
            _ => anyhow::bail!("give --patient P, or --all with --out DIR"),
        },
    }
}

/// Opens the database and applies pending migrations (commands that write).
pub(crate) fn open(url: &DatabaseUrl) -> anyhow::Result<DbConnection> {
    let mut conn = db::connect_once(url)?;
    db::run_migrations(&mut conn)?;
    Ok(conn)
}

/// Opens the database without changing its schema (read-only commands: a backup or an
/// integrity check must not migrate the live database of an older running service, nor
/// a forensic copy).
fn open_as_is(url: &DatabaseUrl) -> anyhow::Result<DbConnection> {
    Ok(db::connect_once(url)?)
}

/// `audit verify` and `audit anchor`: exit 0 when the chain is intact, 1 when it is
/// broken (tampering), 2 when the check could not run (see [`main`]).
fn audit_command(url: &DatabaseUrl, cmd: AuditCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        AuditCommand::Verify { anchor } => {
            let anchor = anchor.as_deref().map(Anchor::read).transpose()?;
            let mut conn = open_as_is(url)?;
            match audit::verify_chain(&mut conn, anchor.as_ref())? {
                ChainCheck::Intact { rows, .. } => {
                    match anchor {
                        Some(a) => println!(
                            "audit trail intact: {rows} events verified, including event {} anchored at {}",
                            a.seq, a.anchored_at
                        ),
                        None => println!("audit trail intact: {rows} events verified"),
                    }
                    Ok(ExitCode::SUCCESS)
                }
                ChainCheck::Broken { seq, reason } => {
                    println!("audit trail BROKEN at event {seq}: {reason}");
                    Ok(ExitCode::from(1))
                }
            }
        }
        AuditCommand::Anchor { file } => {
            // A new anchor must extend the old one: otherwise a truncation between two
            // cron runs would be anchored over and forgotten.
            let previous = if file.exists() {
                Some(Anchor::read(&file)?)
            } else {
                None
            };
            let mut conn = open_as_is(url)?;
            match audit::verify_chain(&mut conn, previous.as_ref())? {
                ChainCheck::Intact { newest, .. } => {
                    let anchor = Anchor::of(newest.as_ref(), Clock::system().now());
                    anchor.write(&file)?;
                    println!(
                        "audit head anchored: event {} (hash {}) written to {}",
                        anchor.seq,
                        anchor.hash,
                        file.display()
                    );
                    Ok(ExitCode::SUCCESS)
                }
                ChainCheck::Broken { seq, reason } => {
                    println!("audit trail BROKEN at event {seq}: {reason}");
                    println!("{} was left as it was", file.display());
                    Ok(ExitCode::from(1))
                }
            }
        }
    }
}

fn serve(url: &DatabaseUrl, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        tracing::info!(database = %url.redacted(), "starting");
        let app = Application::build(url, args, Clock::system()).await?;
        println!("clinic is listening on http://{}:{}", bind_host(&args.bind), app.port());
        if let Some(link) = app.setup_link() {
            println!();
            println!("No account exists yet. Open this link within one hour to create the first administrator:");
            println!();
            println!("    {link}");
            println!();
        }
        let _ = std::io::stdout().flush();
        app.run_until_stopped().await?;
        Ok(ExitCode::SUCCESS)
    })
}

fn bind_host(bind: &str) -> &str {
    bind.rsplit_once(':').map(|(h, _)| h).unwrap_or(bind)
}

fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    let first = rpassword::prompt_password("Password (at least 12 characters): ")?;
    let again = rpassword::prompt_password("Same password again: ")?;
    if first != again {
        anyhow::bail!("the two passwords are not the same");
    }
    Ok(first)
}

fn user(url: &DatabaseUrl, cmd: UserCommand) -> anyhow::Result<ExitCode> {
    let clock = Clock::system();
    match cmd {
        UserCommand::Add {
            email,
            name,
            role,
            licence_number,
            password_stdin,
        } => {
            let password = read_password(password_stdin)?;
            let input = NewStaffInput {
                email,
                name,
                role,
                licence_number,
                password,
                password_by: String::new(),
            };
            let staff = match NewStaff::parse(&input) {
                Ok(s) => s,
                Err(errors) => {
                    for (field, msg) in errors.iter() {
                        eprintln!("{field}: {msg}");
                    }
                    return Ok(ExitCode::from(2));
                }
            };
            let mut conn = open(url)?;
            match accounts::create_user(&mut conn, || clock.now(), &Actor::command_line(), &staff) {
                Ok(u) => {
                    println!("created {} ({}) with id {}", u.email, u.role, u.id);
                    Ok(ExitCode::SUCCESS)
                }
                Err(ServiceError::Invalid(errors)) => {
                    for (field, msg) in errors.iter() {
                        eprintln!("{field}: {msg}");
                    }
                    Ok(ExitCode::from(2))
                }
                Err(e) => Err(service_error(e)),
            }
        }
        UserCommand::List => {
            let mut conn = open_as_is(url)?;
            let users = accounts::list(&mut conn).map_err(service_error)?;
            println!(
                "{:<36}  {:<32}  {:<13}  {:<8}  NAME",
                "ID", "EMAIL", "ROLE", "ACTIVE"
            );
            for u in users {
                println!(
                    "{:<36}  {:<32}  {:<13}  {:<8}  {}",
                    u.id,
                    u.email,
                    u.role,
                    if u.active { "yes" } else { "no" },
                    u.name
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        UserCommand::Disable { email } => {
            let mut conn = open(url)?;
            let u = match accounts::find_by_email(&mut conn, &email) {
                Ok(u) => u,
                Err(ServiceError::NotFound) => {
                    eprintln!("no account has the email {email}");
                    return Ok(ExitCode::from(2));
                }
                Err(e) => return Err(service_error(e)),
            };
            accounts::set_active(
                &mut conn,
                clock.now(),
                &Actor::command_line(),
                &UserId::from_db(u.id),
                false,
            )
            .map_err(service_error)?;
            println!("disabled {}; its sessions have ended", u.email);
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub(crate) fn service_error(e: ServiceError) -> anyhow::Error {
    match e {
        ServiceError::Database(cause) => anyhow::Error::new(cause).context("database error"),
        ServiceError::Unexpected(cause) => cause,
        other => anyhow::anyhow!("{other}"),
    }
}

fn backup(url: &DatabaseUrl, file: &std::path::Path) -> anyhow::Result<ExitCode> {
    if file.exists() {
        anyhow::bail!("{} already exists; choose a new file name", file.display());
    }
    match url.backend() {
        Backend::Sqlite => {
            let mut conn = open_as_is(url)?;
            let path = file
                .to_str()
                .ok_or_else(|| anyhow::anyhow!("the backup path is not valid UTF-8"))?;
            // VACUUM INTO makes a consistent, compacted copy while the service runs.
            let sql = format!("VACUUM INTO '{}'", path.replace('\'', "''"));
            diesel::connection::SimpleConnection::batch_execute(&mut conn, &sql)?;
        }
        Backend::Postgres => {
            let status = std::process::Command::new("pg_dump")
                .arg("--format=custom")
                .arg("--file")
                .arg(file)
                .arg(url.target())
                .status()
                .map_err(|e| {
                    anyhow::anyhow!(
                        "could not run pg_dump (install the PostgreSQL client tools): {e}"
                    )
                })?;
            if !status.success() {
                anyhow::bail!("pg_dump failed ({status})");
            }
        }
    }
    println!("backup written to {}", file.display());
    Ok(ExitCode::SUCCESS)
}
