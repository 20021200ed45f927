//! The database layer: one diesel connection type over SQLite and PostgreSQL, the pool,
//! the embedded migrations and the write-transaction helper.
//!
//! Errors here are `diesel::result::Error` (queries) or [`DbSetupError`] (connecting,
//! migrating); services turn them into their own error type with the cause kept.

pub mod models;
mod pool;
mod url;
mod write;

pub use pool::{DbPool, LastAnswer, PooledConnection, connect_pool};
pub use url::{Backend, DatabaseUrl};
pub use write::{in_transaction, write_transaction};

use diesel::Connection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// One connection to whichever backend `DATABASE_URL` names.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Sqlite(diesel::SqliteConnection),
    Pg(diesel::PgConnection),
}

impl DbConnection {
    pub fn backend(&self) -> Backend {
        match self {
            DbConnection::Sqlite(_) => Backend::Sqlite,
            DbConnection::Pg(_) => Backend::Postgres,
        }
    }
}

/// Why the database could not be opened or migrated. Each variant keeps the real cause:
/// "Invalid connection url" alone helps nobody at 8 a.m. on a Monday.
#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("DATABASE_URL is not valid: {0}")]
    Url(String),
    #[error("could not connect to the {backend} database: {source}")]
    Connect {
        backend: Backend,
        #[source]
        source: diesel::ConnectionError,
    },
    #[error("could not configure the SQLite connection: {0}")]
    Configure(#[source] diesel::result::Error),
    #[error("could not open a database connection: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("migrations failed: {0}")]
    Migrate(String),
}

/// Applies every pending migration of the connection's backend; returns their names.
pub fn run_migrations(conn: &mut DbConnection) -> Result<Vec<String>, DbSetupError> {
    let applied = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
        DbConnection::Pg(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS),
    }
    .map_err(|e| DbSetupError::Migrate(e.to_string()))?;
    Ok(applied.iter().map(ToString::to_string).collect())
}

/// Opens a single connection (no pool), for the command line tools.
pub fn connect_once(url: &DatabaseUrl) -> Result<DbConnection, DbSetupError> {
    pool::establish(url)
}

/// `SELECT 1`: the readiness probe, and the check of a connection idle for a while.
pub fn ping(conn: &mut DbConnection) -> Result<(), diesel::result::Error> {
    use diesel::RunQueryDsl;
    diesel::sql_query("SELECT 1").execute(conn).map(|_| ())
}

/// Runs the reads of `f` as consistently as the backend gives them without locks. On
/// SQLite that is a read transaction: one snapshot from its first query to its last. On
/// PostgreSQL a transaction at the default READ COMMITTED gives each statement its own
/// snapshot anyway, so `BEGIN` and `COMMIT` would only add two round trips to every
/// read; `f` runs as plain statements (reads that need one snapshot use
/// [`read_snapshot`]).
pub fn read_transaction<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    match conn.backend() {
        Backend::Sqlite => conn.transaction(f),
        Backend::Postgres => f(conn),
    }
}

/// Runs `f` in a read-only transaction that sees one snapshot of the database from its
/// first query to its last, for a check that reads many tables or batches (the audit
/// chain and its head) while a running service keeps writing. PostgreSQL needs
/// `REPEATABLE READ` for that; a SQLite read transaction in WAL mode already is one.
/// Call it outside any transaction: PostgreSQL takes the isolation level only as the
/// first statement of a transaction, not of a savepoint.
pub fn read_snapshot<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    use diesel::RunQueryDsl;
    conn.transaction(|conn| {
        if conn.backend() == Backend::Postgres {
            diesel::sql_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(conn)?;
        }
        f(conn)
    })
}
