//! The background sender: claims due outbox rows with a lease, sends them, and on failure
//! schedules a retry with exponential back-off (30 s, 1 min, 2 min … capped at 1 h). An
//! SMTP outage of up to a day delays mail; it never loses it. After [`MAX_ATTEMPTS`]
//! (about a day of retries), or at once for a message that can never be built, the
//! message is given up: marked dead, its bodies wiped, shown to the admin.

use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use lettre::message::Mailbox;
use tokio::sync::Notify;

use super::MailTransport;
use crate::clock::Clock;
use crate::db::DbPool;
use crate::db::models::outbox;

/// How long a claimed message is ours before another sender may take it.
const LEASE: TimeDelta = TimeDelta::minutes(2);

pub struct Sender {
    pub pool: DbPool,
    pub clock: Clock,
    pub transport: MailTransport,
    pub from: Mailbox,
    pub wakeup: Arc<Notify>,
    pub poll_every: Duration,
}

/// 30 s, 1, 2, 4, 8, 16, 32 min, then hourly: 31 attempts span about a day.
pub const MAX_ATTEMPTS: i32 = 31;

fn backoff(attempts: i32) -> TimeDelta {
    let exp = attempts.clamp(1, 8) as u32 - 1;
    TimeDelta::seconds((30_i64 * 2_i64.pow(exp)).min(3600))
}

impl Sender {
    /// Runs until the task is dropped.
    pub async fn run(self) {
        loop {
            match self.deliver_due().await {
                Ok(0) => {}
                Ok(n) => tracing::debug!(sent = n, "outbox pass"),
                Err(e) => tracing::warn!(error = %e, "outbox pass failed; will retry"),
            }
            tokio::select! {
                _ = self.wakeup.notified() => {}
                _ = tokio::time::sleep(self.poll_every) => {}
            }
        }
    }

    /// One pass over the due messages; returns how many were delivered.
    pub async fn deliver_due(&self) -> anyhow::Result<usize> {
        let pool = self.pool.clone();
        let now = self.clock.now();
        let ids = tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<String>> {
            let mut conn = pool.get()?;
            Ok(outbox::due_ids(&mut conn, now, 20)?)
        })
        .await??;
        let mut sent = 0;
        for id in ids {
            let pool = self.pool.clone();
            let now = self.clock.now();
            let claim_id = id.clone();
            let claimed = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
                let mut conn = pool.get()?;
                Ok(outbox::claim(&mut conn, &claim_id, now, now + LEASE)?)
            })
            .await??;
            let Some(row) = claimed else { continue };
            let result = self.transport.send(&self.from, &row).await;
            let pool = self.pool.clone();
            let now = self.clock.now();
            match result {
                Ok(path) => {
                    match path {
                        // Development only: the file holds the link; the link itself
                        // is not logged because it carries a secret token.
                        Some(p) => {
                            tracing::info!(template = %row.template, file = %p, "mail written")
                        }
                        None => tracing::info!(template = %row.template, "mail sent"),
                    }
                    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
                        let mut conn = pool.get()?;
                        outbox::mark_sent(&mut conn, &id, now)?;
                        Ok(())
                    })
                    .await??;
                    sent += 1;
                }
                Err(e) => {
                    let attempts = row.attempts + 1;
                    let give_up = e.is_permanent() || attempts >= MAX_ATTEMPTS;
                    let next = now + backoff(attempts);
                    let msg = e.to_string();
                    if give_up {
                        tracing::warn!(template = %row.template, attempts, error = %e, "mail given up; an admin sees it under Email");
                    } else {
                        tracing::warn!(template = %row.template, attempts, error = %e, "mail not sent; will retry");
                    }
                    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
                        let mut conn = pool.get()?;
                        if give_up {
                            outbox::mark_dead(&mut conn, &id, now, attempts, &msg)?;
                        } else {
                            outbox::mark_failed(&mut conn, &id, attempts, next, &msg)?;
                        }
                        Ok(())
                    })
                    .await??;
                }
            }
        }
        Ok(sent)
    }
}
