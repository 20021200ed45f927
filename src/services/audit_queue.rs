//! Group commit for the audit rows of reads.
//!
//! Every read of patient data writes an audit row, and the row must be durable before
//! the data is served. Writing each one in its own transaction makes every page view a
//! serialized commit on the chain's head. Instead, a read hands its rows to the queue
//! and waits: one thread (with its own connection, so it never waits for a pool that
//! waiting readers hold) takes everything queued, chains and hashes each row onto the
//! head in order, and commits the lot in one write transaction. Only then is each
//! waiting request let go, so "no read served without its durable audit row" holds
//! exactly as before; what changes is that 30 concurrent reads cost one commit, not 30.
//!
//! The queue waits for no timer: a batch is whatever arrived while the previous batch
//! was committing (PostgreSQL's own group commit with `commit_delay = 0`). A lone read
//! therefore commits at once, and under load batches grow by themselves.
//!
//! Writes do not come here: a write's audit row stays in the write's own transaction.
//!
//! A request need not hold its pool connection and blocking thread while its batch
//! commits: inside [`deferring`] (the web layer's `AppState::db` runs every handler's
//! database work so) a read queues its rows and goes on, and the caller gets the
//! [`Committed`] waits to finish before it may serve what was read. Elsewhere (the
//! command line, services called directly) the read waits where it stands.

use std::cell::RefCell;
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::time::Duration;

use tokio::sync::oneshot;

use super::audit::{self, AuditEntry, Unsealed};
use super::{Actor, ServiceError, ServiceResult};
use crate::db::{self, DatabaseUrl, DbConnection, LastAnswer, in_transaction, write_transaction};

/// The most rows one batch commits (bounds the transaction and its statement).
const MAX_BATCH_ROWS: usize = 512;

/// How long the committer waits before reconnecting after its connection failed.
const RECONNECT_PAUSE: Duration = Duration::from_millis(200);

/// A handle to the committer thread; cheap to clone. The thread ends when the last
/// handle is dropped.
#[derive(Clone)]
pub struct AuditQueue {
    to_committer: Sender<Pending>,
}

impl std::fmt::Debug for AuditQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditQueue")
    }
}

/// One request's rows and where to say they are committed.
struct Pending {
    rows: Vec<Unsealed>,
    committed: oneshot::Sender<Result<(), String>>,
}

/// The committer's word that one read's audit rows are durable; what was read may be
/// served only after [`Committed::wait`] returned `Ok`.
#[must_use = "what was read may not be served before its audit rows are committed"]
pub struct Committed(oneshot::Receiver<Result<(), String>>);

impl Committed {
    pub async fn wait(self) -> ServiceResult<()> {
        settled(self.0.await)
    }

    fn wait_here(self) -> ServiceResult<()> {
        settled(self.0.blocking_recv())
    }
}

fn settled(answer: Result<Result<(), String>, oneshot::error::RecvError>) -> ServiceResult<()> {
    match answer {
        Ok(Ok(())) => Ok(()),
        Ok(Err(cause)) => Err(unexpected(cause)),
        Err(_) => Err(unexpected(
            "the audit committer stopped before committing".into(),
        )),
    }
}

thread_local! {
    /// The waits of reads made inside [`deferring`] on this thread.
    static DEFERRED: RefCell<Option<Vec<Committed>>> = const { RefCell::new(None) };
}

/// Runs `f` with the audit commits of its reads deferred: each read queues its rows and
/// `f` goes on. The caller must finish every returned wait before serving anything `f`
/// read (and may drop them when it serves nothing of it, after an error).
pub fn deferring<T>(f: impl FnOnce() -> T) -> (T, Vec<Committed>) {
    /// Puts back what was there, also when `f` panics.
    struct Restore(Option<Vec<Committed>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let outer = self.0.take();
            DEFERRED.with(|d| *d.borrow_mut() = outer);
        }
    }
    let outer = DEFERRED.with(|d| d.borrow_mut().replace(Vec::new()));
    let restore = Restore(outer);
    let value = f();
    let waits = DEFERRED.with(|d| d.borrow_mut().take()).unwrap_or_default();
    drop(restore);
    (value, waits)
}

impl AuditQueue {
    /// Opens the committer's own connection and starts its thread.
    pub fn start(url: &DatabaseUrl) -> anyhow::Result<Self> {
        let conn = db::connect_once(url)?;
        let (to_committer, queue) = mpsc::channel();
        let url = url.clone();
        std::thread::Builder::new()
            .name("audit-commit".into())
            .spawn(move || commit_batches(queue, Some(conn), &url))
            .map_err(|e| anyhow::anyhow!("could not start the audit committer: {e}"))?;
        Ok(Self { to_committer })
    }

    /// Queues `rows`; blocks until the batch holding them has committed, unless this
    /// thread is inside [`deferring`], which then holds the wait.
    fn append(&self, rows: Vec<Unsealed>) -> ServiceResult<()> {
        let (committed, wait) = oneshot::channel();
        self.to_committer
            .send(Pending { rows, committed })
            .map_err(|_| unexpected("the audit committer has stopped".into()))?;
        let wait = Committed(wait);
        let not_deferred = DEFERRED.with(|d| match d.borrow_mut().as_mut() {
            Some(waits) => {
                waits.push(wait);
                None
            }
            None => Some(wait),
        });
        match not_deferred {
            Some(wait) => wait.wait_here(),
            None => Ok(()),
        }
    }
}

fn unexpected(cause: String) -> ServiceError {
    ServiceError::Unexpected(anyhow::anyhow!("audit rows not committed: {cause}"))
}

/// Records the audit rows of a read, durably, before the caller serves what it read.
///
/// With the actor's [`AuditQueue`] (requests to the running service) the rows are group
/// committed; without one (the command line, tests of services) or when `conn` is
/// already inside a transaction (the read is part of a write, which holds the chain's
/// head) they are written here in the usual way.
pub fn record_read(
    conn: &mut DbConnection,
    now: chrono::NaiveDateTime,
    actor: &Actor,
    entries: impl IntoIterator<Item = AuditEntry>,
) -> ServiceResult<()> {
    let rows: Vec<Unsealed> = entries
        .into_iter()
        .map(|e| Unsealed::new(now, actor, e))
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    match &actor.audit_queue {
        // Inside a transaction this connection may hold the head the committer needs.
        Some(queue) if !in_transaction(conn) => queue.append(rows),
        _ => write_transaction(conn, |conn| {
            audit::append_chained(conn, rows)?;
            Ok(())
        }),
    }
}

/// Runs `read` in a read transaction (no write lock, no head) and records the audit
/// rows it returns before handing back what it read: the shape of every audited read.
pub fn audited_read<T>(
    conn: &mut DbConnection,
    now: chrono::NaiveDateTime,
    actor: &Actor,
    read: impl FnOnce(&mut DbConnection) -> ServiceResult<(T, Vec<AuditEntry>)>,
) -> ServiceResult<T> {
    let (value, entries) = db::read_transaction(conn, read)?;
    record_read(conn, now, actor, entries)?;
    Ok(value)
}

/// The committer's loop: one batch after another until every handle is gone.
fn commit_batches(queue: Receiver<Pending>, mut conn: Option<DbConnection>, url: &DatabaseUrl) {
    let mut answered = LastAnswer::now();
    while let Ok(first) = queue.recv() {
        let mut batch = vec![first];
        let mut rows = batch[0].rows.len();
        while rows < MAX_BATCH_ROWS {
            match queue.try_recv() {
                Ok(p) => {
                    rows += p.rows.len();
                    batch.push(p);
                }
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
            }
        }
        // Like the pool's connections: one idle for a while may have been ended by the
        // server (a restart, a proxy's idle timeout); finding out now costs a round trip,
        // finding out by failing would cost the batch's requests.
        if !answered.recent()
            && let Some(c) = conn.as_mut()
            && db::ping(c).is_err()
        {
            conn = None;
        }
        let result = commit(&mut conn, url, &batch);
        if result.is_ok() {
            answered = LastAnswer::now();
        }
        if let Err(cause) = &result {
            tracing::error!(rows, %cause, "audit batch not committed; its requests fail");
        }
        for p in batch {
            // A request that gave up waiting is not an error here.
            let _ = p.committed.send(result.clone());
        }
    }
}

/// Commits one batch on the committer's connection, reconnecting when it was lost.
fn commit(
    conn: &mut Option<DbConnection>,
    url: &DatabaseUrl,
    batch: &[Pending],
) -> Result<(), String> {
    if conn.is_none() {
        *conn = Some(db::connect_once(url).map_err(|e| {
            // Do not spin on a database that is down.
            std::thread::sleep(RECONNECT_PAUSE);
            e.to_string()
        })?);
    }
    let Some(c) = conn.as_mut() else {
        return Err("no connection".into());
    };
    let rows: Vec<Unsealed> = batch.iter().flat_map(|p| p.rows.iter().cloned()).collect();
    let result: Result<(), diesel::result::Error> =
        write_transaction(c, |c| audit::append_chained(c, rows));
    result.map_err(|e| {
        // The next batch starts on a fresh connection.
        *conn = None;
        e.to_string()
    })
}

#[cfg(test)]
mod tests {
    use diesel::{QueryDsl, RunQueryDsl};

    use super::*;
    use crate::schema::audit_events;
    use crate::services::audit::{AuditAction, Outcome};

    fn rows(conn: &mut DbConnection) -> i64 {
        audit_events::table.count().get_result(conn).unwrap()
    }

    fn viewed() -> AuditEntry {
        AuditEntry::new(AuditAction::PatientViewed, Outcome::Success).entity("p-1")
    }

    #[test]
    fn a_read_waits_for_its_batch_unless_deferred_and_then_its_caller_does() {
        let dir = tempfile::tempdir().unwrap();
        let url =
            DatabaseUrl::parse(&format!("sqlite://{}", dir.path().join("q.db").display())).unwrap();
        let mut conn = db::connect_once(&url).unwrap();
        db::run_migrations(&mut conn).unwrap();
        let actor = Actor::anonymous(None).with_audit_queue(Some(AuditQueue::start(&url).unwrap()));
        let now = chrono::DateTime::UNIX_EPOCH.naive_utc();
        let start = rows(&mut conn);

        // Not deferred: committed when the call returns.
        record_read(&mut conn, now, &actor, [viewed()]).unwrap();
        assert_eq!(rows(&mut conn), start + 1);

        // Deferred: one wait per read, and the rows are in once it is done.
        let (done, waits) = deferring(|| {
            record_read(&mut conn, now, &actor, [viewed(), viewed()])?;
            record_read(&mut conn, now, &actor, [viewed()])
        });
        done.unwrap();
        assert_eq!(waits.len(), 2);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(async {
            for w in waits {
                w.wait().await.unwrap();
            }
        });
        assert_eq!(rows(&mut conn), start + 4);

        // The deferral ends with its scope, also after a panic inside it.
        let caught = std::panic::catch_unwind(|| deferring(|| panic!("inside")));
        assert!(caught.is_err());
        record_read(&mut conn, now, &actor, [viewed()]).unwrap();
        assert_eq!(rows(&mut conn), start + 5);
        assert!(matches!(
            audit::verify_chain(&mut conn, None).unwrap(),
            audit::ChainCheck::Intact { .. }
        ));
    }
}
