//! What every handler shares.

use std::sync::Arc;

use actix_web::web;
use tokio::sync::{Notify, Semaphore};

use chrono::NaiveDate;

use crate::clinic_time::{ClinicZone, OpeningHours};
use crate::clock::Clock;
use crate::db::{DbConnection, DbPool};
use crate::mail::MailContext;
use crate::services::{ServiceError, SessionPolicy};

#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub clock: Clock,
    /// The clinic's wall clock (`CLINIC_TIMEZONE`): which day today is, how times read.
    pub zone: ClinicZone,
    /// `CLINIC_HOURS`: the span of a practitioner's day on the booking form.
    pub hours: OpeningHours,
    pub policy: SessionPolicy,
    pub mail: MailContext,
    /// Wakes the mail sender as soon as a message is queued.
    pub mail_wakeup: Arc<Notify>,
    /// Bounds concurrent argon2 hashes (~19 MiB each).
    pub hash_permits: Arc<Semaphore>,
    pub secure_cookies: bool,
    pub trust_proxy_headers: bool,
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
        web::block(move || {
            let mut conn = pool.get().map_err(|e| ServiceError::Unexpected(e.into()))?;
            f(&mut conn)
        })
        .await
        .map_err(|e| ServiceError::Unexpected(anyhow::anyhow!("blocking task failed: {e}")))?
    }

    /// Like [`AppState::db`], for work that hashes a password: waits for a hashing permit
    /// first so a burst of logins cannot exhaust memory.
    pub async fn db_with_hashing<T, F>(&self, f: F) -> Result<T, ServiceError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ServiceError> + Send + 'static,
        T: Send + 'static,
    {
        let _permit =
            self.hash_permits.acquire().await.map_err(|e| {
                ServiceError::Unexpected(anyhow::anyhow!("hash limiter closed: {e}"))
            })?;
        self.db(f).await
    }

    pub fn wake_mailer(&self) {
        self.mail_wakeup.notify_one();
    }
}
