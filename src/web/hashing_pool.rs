//! The threads that hash passwords.
//!
//! An argon2id hash takes ~19 MiB. Run on tokio's blocking pool, each hash could land
//! on any of hundreds of threads, and glibc keeps a freed block of that size in the
//! arena of the thread that used it: after a few bursts of sign-ins the server held
//! tens of MB per thread that had ever hashed (issue 14 measured 59 → 276 MB). Here a
//! fixed, small set of threads does every job that hashes, so at most that many arenas
//! ever hold argon2's memory, and the queue in front of them bounds how many hashes
//! run at once (the job of the semaphore this replaces).

use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};

use crate::services::ServiceError;

type Job = Box<dyn FnOnce() + Send + 'static>;

/// How many sign-ins may wait for a hashing thread before more are refused outright.
const QUEUE: usize = 256;

#[derive(Clone)]
pub struct HashingPool {
    jobs: SyncSender<Job>,
    threads: usize,
}

impl std::fmt::Debug for HashingPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HashingPool({} threads)", self.threads)
    }
}

impl HashingPool {
    /// Starts `threads` hashing threads (at least one). They end when the last handle
    /// is dropped.
    pub fn start(threads: usize) -> std::io::Result<Self> {
        let threads = threads.max(1);
        let (jobs, queue) = mpsc::sync_channel::<Job>(QUEUE);
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..threads {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("password-hash-{i}"))
                .spawn(move || run_jobs(&queue))?;
        }
        Ok(Self { jobs, threads })
    }

    /// Runs `job` on a hashing thread and waits for its result without blocking the
    /// async worker.
    pub async fn run<T, F>(&self, job: F) -> Result<T, ServiceError>
    where
        F: FnOnce() -> Result<T, ServiceError> + Send + 'static,
        T: Send + 'static,
    {
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            // The caller may have gone (a closed connection); its result is not needed.
            let _ = done.send(job());
        });
        self.jobs.try_send(job).map_err(|e| {
            ServiceError::Unexpected(anyhow::anyhow!(
                "the password hashing queue is full or stopped: {e}"
            ))
        })?;
        result.await.map_err(|_| {
            ServiceError::Unexpected(anyhow::anyhow!("a password hashing job was dropped"))
        })?
    }
}

fn run_jobs(queue: &Mutex<Receiver<Job>>) {
    loop {
        // Hold the lock only to take a job, not while running it.
        let next = match queue.lock() {
            Ok(q) => q.recv(),
            Err(_) => return,
        };
        match next {
            // A job that panicked only loses its own answer (its caller gets an error);
            // the thread goes on serving the others.
            Ok(job) => {
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
            }
            Err(_) => return,
        }
    }
}
