//! Signing in, with brute-force protection.
//!
//! Failures are counted in the database per account (keyed by a hash of the typed email,
//! so unknown emails behave exactly like known ones) and per client address. After
//! `ACCOUNT_LIMIT` failures the account key is locked for a minute, doubling with each
//! further failure up to an hour; the address key allows more, since a clinic's staff
//! share one address. A fresh cookie or client changes none of this.

use chrono::{NaiveDateTime, TimeDelta};

use super::audit::{self, AuditAction, AuditEntry, Outcome};
use super::sessions::{self, IssuedSession, SessionKind};
use super::{Actor, ServiceError, ServiceResult, SessionPolicy};
use crate::auth::{password, token};
use crate::db::models::login_throttle::{self, ThrottleRow};
use crate::db::models::user::{self, UserRow};
use crate::db::{DbConnection, read_transaction, write_transaction};
use crate::domain::{Role, UserId};

pub const ACCOUNT_LIMIT: i32 = 5;
pub const ADDRESS_LIMIT: i32 = 30;
/// Failures older than this no longer count.
pub(crate) const FAILURE_WINDOW: TimeDelta = TimeDelta::hours(1);

fn account_key(email: &str) -> String {
    format!(
        "account:{}",
        token::hash_token(&email.trim().to_lowercase())
    )
}

fn address_key(ip: &str) -> String {
    format!("address:{ip}")
}

fn lock_for(failures_over_limit: i32) -> TimeDelta {
    let exp = failures_over_limit.clamp(0, 6) as u32;
    TimeDelta::seconds((60_i64 * 2_i64.pow(exp)).min(3600))
}

fn retry_after(row: &Option<ThrottleRow>, now: NaiveDateTime) -> Option<i64> {
    row.as_ref()
        .and_then(|r| r.locked_until)
        .filter(|until| *until > now)
        .map(|until| (until - now).num_seconds().max(1))
}

pub struct LoginAttempt<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub kind: SessionKind,
    pub ip: Option<&'a str>,
}

/// Checks the credentials and opens a session. Runs the argon2 verification outside any
/// transaction; call it on a blocking thread.
pub fn login(
    conn: &mut DbConnection,
    now: impl Fn() -> NaiveDateTime,
    attempt: &LoginAttempt<'_>,
    policy: &SessionPolicy,
) -> ServiceResult<IssuedSession> {
    let acct_key = account_key(attempt.email);
    let addr_key = attempt.ip.map(address_key);
    let started = now();
    let (acct, addr, found) = read_transaction(conn, |conn| -> ServiceResult<_> {
        let acct = login_throttle::find(conn, &acct_key)?;
        let addr = match &addr_key {
            Some(k) => login_throttle::find(conn, k)?,
            None => None,
        };
        let found = user::find_by_email(conn, &attempt.email.trim().to_lowercase())?;
        Ok((acct, addr, found))
    })?;
    let actor_for = |u: &Option<UserRow>| match u {
        Some(u) => Actor {
            user: Role::parse(&u.role)
                .ok()
                .map(|r| (UserId::from_db(u.id.clone()), r)),
            ip: attempt.ip.map(str::to_owned),
        },
        None => Actor::anonymous(attempt.ip.map(str::to_owned)),
    };

    if let Some(secs) = retry_after(&acct, started).or(retry_after(&addr, started)) {
        // Still verify, so a locked account answers in the same time as any other.
        let _ = password::verify_dummy(attempt.password);
        write_transaction(conn, |conn| {
            audit::record(
                conn,
                started,
                &actor_for(&found),
                AuditEntry::new(AuditAction::LoginLocked, Outcome::Denied)
                    .detail("attempt while locked"),
            )
        })?;
        return Err(ServiceError::Locked {
            retry_after_secs: secs,
        });
    }

    let ok = match &found {
        Some(u) => password::verify(&u.password_hash, attempt.password) && u.active,
        None => password::verify_dummy(attempt.password),
    };
    let now = now();

    if ok {
        let user = found.clone().ok_or(ServiceError::BadCredentials)?;
        return write_transaction(conn, |conn| {
            // Parallel guesses may have locked the account since we looked: a correct
            // password does not get through a lock set meanwhile.
            if let Some(secs) = retry_after(&login_throttle::find(conn, &acct_key)?, now) {
                return Err(ServiceError::Locked {
                    retry_after_secs: secs,
                });
            }
            login_throttle::clear(conn, &acct_key)?;
            let issued = sessions::issue(conn, now, &user, attempt.kind, attempt.ip, policy)?;
            audit::record(
                conn,
                now,
                &actor_for(&found),
                AuditEntry::new(AuditAction::LoginSucceeded, Outcome::Success)
                    .entity(&user.id)
                    .detail(attempt.kind.as_str()),
            )?;
            Ok(issued)
        });
    }

    write_transaction(conn, |conn| -> ServiceResult<()> {
        let mut newly_locked = false;
        for (key, limit) in [
            (Some(acct_key.clone()), ACCOUNT_LIMIT),
            (addr_key.clone(), ADDRESS_LIMIT),
        ] {
            let Some(key) = key else { continue };
            let prev = login_throttle::find(conn, &key)?;
            let failures = match &prev {
                Some(p) if now - p.last_failure_at < FAILURE_WINDOW => p.failures + 1,
                _ => 1,
            };
            let locked_until = (failures >= limit).then(|| now + lock_for(failures - limit));
            newly_locked |= locked_until.is_some();
            login_throttle::save(
                conn,
                &ThrottleRow {
                    throttle_key: key,
                    failures,
                    last_failure_at: now,
                    locked_until,
                },
            )?;
        }
        let detail = match &found {
            Some(u) if !u.active => "disabled account",
            Some(_) => "wrong password",
            None => "unknown account",
        };
        audit::record(
            conn,
            now,
            &actor_for(&found),
            AuditEntry::new(AuditAction::LoginFailed, Outcome::Failure).detail(detail),
        )?;
        if newly_locked {
            audit::record(
                conn,
                now,
                &actor_for(&found),
                AuditEntry::new(AuditAction::LoginLocked, Outcome::Denied)
                    .detail("lockout started"),
            )?;
        }
        Ok(())
    })?;
    Err(ServiceError::BadCredentials)
}
