//! What every handler shares.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use actix_web::web;
use tokio::sync::Notify;

use chrono::NaiveDate;

use super::hashing_pool::HashingPool;
use crate::auth::signed_value::SigningKey;
use crate::clinic_time::{ClinicZone, OpeningHours};
use crate::clock::Clock;
use crate::db::{DbConnection, DbPool, PooledConnection};
use crate::mail::MailContext;
use crate::services::audit_queue::{self, AuditQueue};
use crate::services::{ServiceError, SessionPolicy};

#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    /// Group commits the audit rows of reads (see [`crate::services::audit_queue`]).
    pub audit_queue: AuditQueue,
    pub clock: Clock,
    /// The clinic's wall clock (`CLINIC_TIMEZONE`): which day today is, how times read.
    pub zone: ClinicZone,
    /// `CLINIC_HOURS`: the span of a practitioner's day on the booking form.
    pub hours: OpeningHours,
    pub policy: SessionPolicy,
    pub mail: MailContext,
    /// Wakes the mail sender as soon as a message is queued.
    pub mail_wakeup: Arc<Notify>,
    /// The few threads that run every job that hashes a password (~19 MiB each).
    pub hashing: HashingPool,
    pub secure_cookies: bool,
    pub trust_proxy_headers: bool,
    /// A request carried `X-Forwarded-For` while proxy headers are not trusted: most
    /// likely a reverse proxy in front, so every sign-in shares the proxy's address.
    pub forwarded_but_untrusted: Arc<AtomicBool>,
    /// Signs the CSRF cookie given before sign-in, so a planted one is not taken.
    pub csrf_cookie_key: SigningKey,
}

impl AppState {
    /// Today at the clinic (not in UTC: at 21:00 in Montréal UTC is already tomorrow).
    pub fn today(&self) -> NaiveDate {
        self.zone.today(self.clock.now())
    }

    /// A stored UTC instant as the clinic reads it, with the zone.
    pub fn show_time(&self, utc: chrono::NaiveDateTime) -> String {
        self.zone.show(utc)
    }

    /// Runs blocking database work on the blocking pool, never on an async worker.
    pub async fn db<T, F>(&self, f: F) -> Result<T, ServiceError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ServiceError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        // The connection goes back to the pool, and the thread to other requests, as
        // soon as `f` is done; the request then waits here for its audit batch.
        let (value, committed) = web::block(move || {
            let mut conn = match pool.get() {
                Ok(c) => c,
                Err(e) => return (Err(ServiceError::Unexpected(e.into())), Vec::new()),
            };
            let (value, committed) = audit_queue::deferring(|| f(&mut conn));
            vouch_for(&mut conn, &value);
            (value, committed)
        })
        .await
        .map_err(|e| ServiceError::Unexpected(anyhow::anyhow!("blocking task failed: {e}")))?;
        let value = value?;
        for c in committed {
            c.wait().await?;
        }
        Ok(value)
    }

    /// Like [`AppState::db`], for work that hashes a password: it runs on the hashing
    /// threads ([`HashingPool`]), so a burst of sign-ins queues there and argon2's
    /// memory stays with those few threads.
    pub async fn db_with_hashing<T, F>(&self, f: F) -> Result<T, ServiceError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ServiceError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        self.hashing
            .run(move || {
                let mut conn = pool.get().map_err(|e| ServiceError::Unexpected(e.into()))?;
                let value = f(&mut conn);
                vouch_for(&mut conn, &value);
                value
            })
            .await
    }

    /// Notes a request with `X-Forwarded-For`; warns once, the first time, when proxy
    /// headers are not trusted.
    pub fn saw_forwarded_header(&self) {
        if !self.trust_proxy_headers && !self.forwarded_but_untrusted.swap(true, Ordering::Relaxed)
        {
            tracing::warn!(
                "a request carried X-Forwarded-For but --trust-proxy-headers is off: behind a reverse proxy every client has the proxy's address, and the sign-in limits per address hold them all together; start with --trust-proxy-headers (CLINIC_TRUST_PROXY_HEADERS=true) if a proxy you run sets that header"
            );
        }
    }

    /// Configuration problems found while serving, for `/readyz`.
    pub fn warnings(&self) -> Vec<&'static str> {
        let mut w = Vec::new();
        if self.forwarded_but_untrusted.load(Ordering::Relaxed) {
            w.push("requests carry X-Forwarded-For but proxy headers are not trusted: sign-in limits per address see only the proxy");
        }
        w
    }

    pub fn wake_mailer(&self) {
        self.mail_wakeup.notify_one();
    }
}

/// Tells the pool the connection worked unless the database itself failed the work, so
/// the next request may take it without a ping (see `db::pool`). Work refused before
/// any query vouches only for the check the connection passed as it left the pool,
/// moments before.
fn vouch_for<T>(conn: &mut PooledConnection, outcome: &Result<T, ServiceError>) {
    if !matches!(
        outcome,
        Err(ServiceError::Database(_) | ServiceError::Unexpected(_))
    ) {
        conn.answered();
    }
}
