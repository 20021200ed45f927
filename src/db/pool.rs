//! The r2d2 pool. Our own `ManageConnection` picks the backend from the URL scheme so a
//! failed PostgreSQL connection reports the driver's message, and it applies the SQLite
//! settings (WAL, `synchronous=FULL`, foreign keys, busy timeout) to every connection.

use std::time::Duration;

use diesel::{Connection, RunQueryDsl};

use super::{Backend, DatabaseUrl, DbConnection, DbSetupError};

pub type DbPool = r2d2::Pool<Manager>;
pub type PooledConnection = r2d2::PooledConnection<Manager>;

pub struct Manager {
    url: DatabaseUrl,
}

#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct ManagerError(#[from] DbSetupError);

impl r2d2::ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = ManagerError;

    fn connect(&self) -> Result<DbConnection, ManagerError> {
        Ok(establish(&self.url)?)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), ManagerError> {
        diesel::sql_query("SELECT 1")
            .execute(conn)
            .map(|_| ())
            .map_err(|e| ManagerError(DbSetupError::Configure(e)))
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
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
        // A PostgreSQL connection can die with its server or the network, so each one
        // is pinged as it leaves the pool; a SQLite connection is a file this process
        // holds open, and the ping was only a statement to parse on every request.
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
