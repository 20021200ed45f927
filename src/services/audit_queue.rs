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

use std::sync::mpsc::{self, Receiver, Sender, SyncSender, TryRecvError};
use std::time::Duration;

use super::audit::{self, AuditEntry, Unsealed};
use super::{Actor, ServiceError, ServiceResult};
use crate::db::{self, DatabaseUrl, DbConnection, in_transaction, write_transaction};

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
    committed: SyncSender<Result<(), String>>,
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

    /// Queues `rows` and blocks until the batch holding them has committed.
    fn append(&self, rows: Vec<Unsealed>) -> ServiceResult<()> {
        let (committed, wait) = mpsc::sync_channel(1);
        self.to_committer
            .send(Pending { rows, committed })
            .map_err(|_| unexpected("the audit committer has stopped".into()))?;
        match wait.recv() {
            Ok(Ok(())) => Ok(()),
            Ok(Err(cause)) => Err(unexpected(cause)),
            Err(_) => Err(unexpected(
                "the audit committer stopped before committing".into(),
            )),
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
        let result = commit(&mut conn, url, &batch);
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
