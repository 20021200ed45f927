//! The r2d2 pool. Our own `ManageConnection` picks the backend from the URL scheme so a
//! failed PostgreSQL connection reports the driver's message, and it applies the SQLite
//! settings (WAL, `synchronous=FULL`, foreign keys, busy timeout) to every connection.

use std::ops::{Deref, DerefMut};
use std::time::{Duration, Instant};

use diesel::Connection;

use super::{Backend, DatabaseUrl, DbConnection, DbSetupError, in_transaction, ping};

pub type DbPool = r2d2::Pool<Manager>;
pub type PooledConnection = r2d2::PooledConnection<Manager>;

/// How long a connection whose last use succeeded is taken as alive without a ping.
/// HikariCP's `aliveBypassWindowMs` has the same default: a connection that answered
/// half a second ago is as good as a `SELECT 1` now, and the ping was two of the
/// patient JSON's ten PostgreSQL round trips.
const ALIVE_WITHOUT_PING: Duration = Duration::from_millis(500);

pub struct Manager {
    url: DatabaseUrl,
}

/// A connection in the pool, with what its last use showed. Derefs to the connection.
pub struct Pooled {
    conn: DbConnection,
    /// Set by [`Pooled::answered`] during a use; cleared as it leaves the pool again.
    answered: LastAnswer,
}

impl Pooled {
    /// The work done on this connection got its answers from the database (it may
    /// still have been refused, as a validation or a conflict): the connection works.
    /// Only then may the next check-out skip the ping.
    pub fn answered(&mut self) {
        self.answered = LastAnswer::now();
    }
}

/// When a connection last answered, if it has since it was last checked.
#[derive(Debug, Default, Clone, Copy)]
pub struct LastAnswer(Option<Instant>);

impl LastAnswer {
    pub fn now() -> Self {
        Self(Some(Instant::now()))
    }

    /// Recent enough to use the connection without a ping first.
    pub fn recent(self) -> bool {
        self.0.is_some_and(|at| at.elapsed() < ALIVE_WITHOUT_PING)
    }
}

impl Deref for Pooled {
    type Target = DbConnection;
    fn deref(&self) -> &DbConnection {
        &self.conn
    }
}

impl DerefMut for Pooled {
    fn deref_mut(&mut self) -> &mut DbConnection {
        &mut self.conn
    }
}

#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct ManagerError(#[from] DbSetupError);

impl r2d2::ManageConnection for Manager {
    type Connection = Pooled;
    type Error = ManagerError;

    fn connect(&self) -> Result<Pooled, ManagerError> {
        Ok(Pooled {
            conn: establish(&self.url)?,
            answered: LastAnswer::default(),
        })
    }

    /// Called as a connection leaves the pool (PostgreSQL only, see [`connect_pool`]).
    fn is_valid(&self, conn: &mut Pooled) -> Result<(), ManagerError> {
        if std::mem::take(&mut conn.answered).recent() {
            return Ok(());
        }
        ping(&mut conn.conn).map_err(|e| ManagerError(DbSetupError::Configure(e)))
    }

    /// Called as a connection goes back. One left inside a transaction (a panic
    /// mid-work, a failed rollback) is closed rather than handed to the next request.
    fn has_broken(&self, conn: &mut Pooled) -> bool {
        in_transaction(&mut conn.conn)
    }
}

pub(super) fn establish(url: &DatabaseUrl) -> Result<DbConnection, DbSetupError> {
    match url.backend() {
        Backend::Sqlite => {
            let mut conn = diesel::SqliteConnection::establish(url.target()).map_err(|source| {
                DbSetupError::Connect {
                    backend: Backend::Sqlite,
                    source,
                }
            })?;
            // busy_timeout first: switching to WAL may itself wait for a lock.
            diesel::connection::SimpleConnection::batch_execute(
                &mut conn,
                "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                 PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
            )
            .map_err(DbSetupError::Configure)?;
            Ok(DbConnection::Sqlite(conn))
        }
        Backend::Postgres => {
            let conn = diesel::PgConnection::establish(url.target()).map_err(|source| {
                DbSetupError::Connect {
                    backend: Backend::Postgres,
                    source,
                }
            })?;
            Ok(DbConnection::Pg(conn))
        }
    }
}

/// Builds the pool and checks one connection out, so a wrong URL fails at start-up
/// with the driver's own message rather than on the first request.
pub fn connect_pool(url: &DatabaseUrl, max_size: u32) -> Result<DbPool, DbSetupError> {
    // Try once directly: r2d2 would otherwise retry until its timeout and then report
    // only "timed out waiting for connection".
    drop(establish(url)?);
    let pool = r2d2::Pool::builder()
        .max_size(max_size)
        // A PostgreSQL connection can die with its server or the network, so one is
        // pinged as it leaves the pool unless it answered within the last half second
        // (`Pooled::answered`); a SQLite connection is a file this process holds open,
        // and the ping was only a statement to parse on every request.
        .test_on_check_out(url.backend() == Backend::Postgres)
        .connection_timeout(Duration::from_secs(10))
        .build(Manager { url: url.clone() })?;
    Ok(pool)
}

#[cfg(test)]
mod tests {
    use diesel::{QueryableByName, RunQueryDsl};

    use super::*;

    #[derive(QueryableByName)]
    struct CompileOption {
        #[diesel(sql_type = diesel::sql_types::Text)]
        compile_options: String,
    }

    /// `.cargo/config.toml` builds SQLite with the planner stability guarantee; without it
    /// every cached statement with `LIMIT ?` is compiled again on each run.
    #[test]
    fn the_bundled_sqlite_keeps_its_plans() {
        let dir = tempfile::tempdir().unwrap();
        let url =
            DatabaseUrl::parse(&format!("sqlite://{}", dir.path().join("o.db").display())).unwrap();
        let mut conn = establish(&url).unwrap();
        let options: Vec<CompileOption> = diesel::sql_query("PRAGMA compile_options")
            .load(&mut conn)
            .unwrap();
        assert!(
            options.iter().any(|o| o.compile_options == "ENABLE_QPSG"),
            "SQLite was built without SQLITE_ENABLE_QPSG (LIBSQLITE3_FLAGS)"
        );
    }
}
