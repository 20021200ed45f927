//! The service's clock. Production reads the system time; tests move it forward to
//! prove that sessions and links expire, without sleeping.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DurationRound, NaiveDateTime, TimeDelta, Utc};

#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset_seconds: Arc<AtomicI64>,
}

impl Clock {
    pub fn system() -> Self {
        Self::default()
    }

    /// Now, in UTC, truncated to microseconds: PostgreSQL keeps microseconds and SQLite
    /// would keep nanoseconds, so without this a value read back would differ.
    pub fn now(&self) -> NaiveDateTime {
        let now = Utc::now().naive_utc()
            + TimeDelta::seconds(self.offset_seconds.load(Ordering::Relaxed));
        truncate(now)
    }

    /// Sets this clock (and every clone of it) to `at`, from where it keeps running
    /// (to the second); for tests that need a given instant, such as a late evening
    /// when UTC's date is already tomorrow.
    pub fn set_to(&self, at: NaiveDateTime) {
        let from_system = at - Utc::now().naive_utc();
        self.offset_seconds
            .store(from_system.num_seconds(), Ordering::Relaxed);
    }

    /// Moves this clock (and every clone of it) forward; for tests.
    pub fn advance(&self, by: TimeDelta) {
        self.offset_seconds
            .fetch_add(by.num_seconds(), Ordering::Relaxed);
    }
}

pub fn truncate(t: NaiveDateTime) -> NaiveDateTime {
    t.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(t)
}
