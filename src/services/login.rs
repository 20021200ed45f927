//! Signing in, with brute-force protection that does not lock the owner out (OWASP's
//! "device cookie" pattern).
//!
//! Failures are counted in the database, never in the session, so a fresh cookie or a
//! second server resets nothing:
//!
//! - A **stranger** (a browser or client that has never signed in as this account) counts
//!   against the account key (a hash of the typed email, so unknown emails behave exactly
//!   like known ones) and against its address. After [`ACCOUNT_LIMIT`] failures strangers
//!   are locked out of the account for a minute, doubling up to an hour. After
//!   [`ADDRESS_LIMIT`] failures an address is *slowed down*: one try per second, doubling
//!   up to one a minute. It is never refused outright, since a clinic's staff (or, behind a
//!   proxy that is not trusted, everyone) share one address.
//! - A **trusted device** (its `clinic_device` cookie holds a token we issued when it
//!   signed in as this account) is not held by either lock: a spray of guesses from
//!   elsewhere cannot keep the owner out. Its own failures count against the device, with
//!   the account's limits, so a stolen device cookie buys no more guesses than a stranger.
//!
//! An admin can lift an account's locks ([`unlock`]).

use chrono::{NaiveDateTime, TimeDelta};

use super::audit::{self, AuditAction, AuditEntry, Outcome};
use super::sessions::{self, IssuedSession, SessionKind};
use super::{Actor, ServiceError, ServiceResult, SessionPolicy};
use crate::auth::{password, token};
use crate::db::models::login_throttle::{self, ThrottleRow};
use crate::db::models::trusted_device::{self, TrustedDeviceRow};
use crate::db::models::user;
use crate::db::{DbConnection, read_transaction, write_transaction};
use crate::domain::{Role, UserId};

pub const ACCOUNT_LIMIT: i32 = 5;
pub const ADDRESS_LIMIT: i32 = 30;
/// Failures older than this no longer count.
pub(crate) const FAILURE_WINDOW: TimeDelta = TimeDelta::hours(1);
/// A device unused for this long is a stranger again (and housekeeping forgets it).
pub const DEVICE_TRUST: TimeDelta = TimeDelta::days(90);
/// The longest wait a slowed-down address is given between tries.
pub const ADDRESS_DELAY_CAP: TimeDelta = TimeDelta::seconds(60);

/// What a lock holds: which message the caller gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockScope {
    /// Strangers are locked out of this account.
    Account,
    /// This address is slowed down.
    Address,
    /// This trusted device failed too often for this account.
    Device,
}

impl LockScope {
    fn detail(self) -> &'static str {
        match self {
            LockScope::Account => "account locked to strangers",
            LockScope::Address => "address slowed down",
            LockScope::Device => "device locked",
        }
    }
}

fn account_key(email: &str) -> String {
    format!(
        "account:{}",
        token::hash_token(&email.trim().to_lowercase())
    )
}

fn address_key(ip: &str) -> String {
    format!("address:{ip}")
}

fn device_key(token_hash: &str) -> String {
    format!("device:{token_hash}")
}

/// An account or device lock: a minute, doubling with each failure over the limit, at
/// most an hour.
fn lock_for(failures_over_limit: i32) -> TimeDelta {
    let exp = failures_over_limit.clamp(0, 6) as u32;
    TimeDelta::seconds((60_i64 * 2_i64.pow(exp)).min(3600))
}

/// An address slow-down: a second, doubling, at most [`ADDRESS_DELAY_CAP`].
fn delay_for(failures_over_limit: i32) -> TimeDelta {
    let exp = failures_over_limit.clamp(0, 10) as u32;
    TimeDelta::seconds(2_i64.pow(exp)).min(ADDRESS_DELAY_CAP)
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
    /// The tokens of the caller's `clinic_device` cookie, whichever accounts they are for.
    pub devices: &'a [String],
}

/// A successful sign-in.
pub struct SignedIn {
    pub session: IssuedSession,
    /// A device token to add to the caller's cookie, when it was a stranger until now.
    pub new_device: Option<String>,
}

/// Who is trying, as far as the locks are concerned.
enum Caller {
    Trusted { token_hash: String },
    Stranger,
}

/// The throttle keys an attempt is counted against, with their limits and lock lengths.
fn counted_keys(caller: &Caller, acct_key: &str, addr_key: Option<&str>) -> Vec<Counter> {
    match caller {
        Caller::Trusted { token_hash } => vec![Counter {
            key: device_key(token_hash),
            limit: ACCOUNT_LIMIT,
            scope: LockScope::Device,
        }],
        Caller::Stranger => {
            let mut keys = vec![Counter {
                key: acct_key.to_owned(),
                limit: ACCOUNT_LIMIT,
                scope: LockScope::Account,
            }];
            keys.extend(addr_key.map(|k| Counter {
                key: k.to_owned(),
                limit: ADDRESS_LIMIT,
                scope: LockScope::Address,
            }));
            keys
        }
    }
}

struct Counter {
    key: String,
    limit: i32,
    scope: LockScope,
}

impl Counter {
    fn lock_after(&self, failures: i32) -> Option<TimeDelta> {
        (failures >= self.limit).then(|| match self.scope {
            LockScope::Address => delay_for(failures - self.limit),
            LockScope::Account | LockScope::Device => lock_for(failures - self.limit),
        })
    }
}

/// The first lock among `counters` still running at `now`.
fn running_lock(
    conn: &mut DbConnection,
    counters: &[Counter],
    now: NaiveDateTime,
) -> ServiceResult<Option<(LockScope, i64)>> {
    for c in counters {
        if let Some(secs) = retry_after(&login_throttle::find(conn, &c.key)?, now) {
            return Ok(Some((c.scope, secs)));
        }
    }
    Ok(None)
}

/// Checks the credentials and opens a session. Runs the argon2 verification outside any
/// transaction; call it on a blocking thread.
pub fn login(
    conn: &mut DbConnection,
    now: impl Fn() -> NaiveDateTime,
    attempt: &LoginAttempt<'_>,
    policy: &SessionPolicy,
) -> ServiceResult<SignedIn> {
    let acct_key = account_key(attempt.email);
    let addr_key = attempt.ip.map(address_key);
    let started = now();
    let device_hashes: Vec<String> = attempt
        .devices
        .iter()
        .map(|t| token::hash_token(t))
        .collect();
    let (found, caller, lock) = read_transaction(conn, |conn| -> ServiceResult<_> {
        let found = user::find_by_email(conn, &attempt.email.trim().to_lowercase())?;
        let device = match &found {
            Some(u) => {
                trusted_device::find_for_user(conn, &u.id, &device_hashes, started - DEVICE_TRUST)?
            }
            None => None,
        };
        let caller = match device {
            Some(d) => Caller::Trusted {
                token_hash: d.token_hash,
            },
            None => Caller::Stranger,
        };
        let counters = counted_keys(&caller, &acct_key, addr_key.as_deref());
        let lock = running_lock(conn, &counters, started)?;
        Ok((found, caller, lock))
    })?;
    let counters = counted_keys(&caller, &acct_key, addr_key.as_deref());
    let actor = match &found {
        Some(u) => Actor {
            user: Role::parse(&u.role)
                .ok()
                .map(|r| (UserId::from_db(u.id.clone()), r)),
            ip: attempt.ip.map(str::to_owned),
            audit_queue: None,
        },
        None => Actor::anonymous(attempt.ip.map(str::to_owned)),
    };

    // A locked attempt is answered without hashing: the 429 says it is locked anyway
    // (for known and unknown emails alike), and a spray then costs us no argon2 work.
    if let Some((scope, secs)) = lock {
        write_transaction(conn, |conn| {
            audit::record(
                conn,
                started,
                &actor,
                AuditEntry::new(AuditAction::LoginLocked, Outcome::Denied)
                    .detail(format!("attempt while {}", scope.detail())),
            )
        })?;
        return Err(ServiceError::Locked {
            retry_after_secs: secs,
            scope,
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
            // Parallel guesses may have locked us out since we looked: a correct password
            // does not get through a lock set meanwhile.
            if let Some((scope, secs)) = running_lock(conn, &counters, now)? {
                return Err(ServiceError::Locked {
                    retry_after_secs: secs,
                    scope,
                });
            }
            let (new_device, detail) = match &caller {
                Caller::Trusted { token_hash } => {
                    // The strangers' lock on the account stays: only this device got in.
                    login_throttle::clear(conn, &device_key(token_hash))?;
                    trusted_device::touch(conn, token_hash, now)?;
                    (None, format!("{}, trusted device", attempt.kind.as_str()))
                }
                Caller::Stranger => {
                    login_throttle::clear(conn, &acct_key)?;
                    let (token, token_hash) = token::new_token();
                    trusted_device::insert(
                        conn,
                        &TrustedDeviceRow {
                            token_hash,
                            user_id: user.id.clone(),
                            created_at: now,
                            last_used_at: now,
                        },
                    )?;
                    (
                        Some(token),
                        format!("{}, new device", attempt.kind.as_str()),
                    )
                }
            };
            let session = sessions::issue(conn, now, &user, attempt.kind, attempt.ip, policy)?;
            audit::record(
                conn,
                now,
                &actor,
                AuditEntry::new(AuditAction::LoginSucceeded, Outcome::Success)
                    .entity(&user.id)
                    .detail(&detail),
            )?;
            Ok(SignedIn {
                session,
                new_device,
            })
        });
    }

    write_transaction(conn, |conn| -> ServiceResult<()> {
        let mut started_locks = Vec::new();
        for counter in &counters {
            let prev = login_throttle::find(conn, &counter.key)?;
            let failures = match &prev {
                Some(p) if now - p.last_failure_at < FAILURE_WINDOW => p.failures + 1,
                _ => 1,
            };
            let lock = counter.lock_after(failures);
            if lock.is_some() {
                started_locks.push(counter.scope);
            }
            login_throttle::save(
                conn,
                &ThrottleRow {
                    throttle_key: counter.key.clone(),
                    failures,
                    last_failure_at: now,
                    locked_until: lock.map(|d| now + d),
                },
            )?;
        }
        let detail = match (&found, &caller) {
            (Some(u), _) if !u.active => "disabled account",
            (Some(_), Caller::Trusted { .. }) => "wrong password, trusted device",
            (Some(_), Caller::Stranger) => "wrong password",
            (None, _) => "unknown account",
        };
        audit::record(
            conn,
            now,
            &actor,
            AuditEntry::new(AuditAction::LoginFailed, Outcome::Failure).detail(detail),
        )?;
        for scope in started_locks {
            audit::record(
                conn,
                now,
                &actor,
                AuditEntry::new(AuditAction::LoginLocked, Outcome::Denied)
                    .detail(format!("{} started", scope.detail())),
            )?;
        }
        Ok(())
    })?;
    Err(ServiceError::BadCredentials)
}

/// Lifts every sign-in lock on an account: strangers', each of its devices', and the
/// change-password count. The address slow-downs stay (they are not the account's).
pub fn unlock(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    target: &UserId,
) -> ServiceResult<()> {
    write_transaction(conn, |conn| -> ServiceResult<()> {
        let user = user::find(conn, target.as_str())?.ok_or(ServiceError::NotFound)?;
        let mut cleared = login_throttle::clear(conn, &account_key(&user.email))?;
        for hash in trusted_device::hashes_for_user(conn, &user.id)? {
            cleared += login_throttle::clear(conn, &device_key(&hash))?;
        }
        cleared += login_throttle::clear(conn, &super::accounts::password_change_key(&user.id))?;
        audit::record(
            conn,
            now,
            actor,
            AuditEntry::new(AuditAction::UserUnlocked, Outcome::Success)
                .entity(&user.id)
                .detail(format!("{cleared} sign-in count(s) cleared")),
        )?;
        Ok(())
    })
}

/// When strangers may next try this account, if they are locked out of it now.
pub fn locked_until(
    conn: &mut DbConnection,
    email: &str,
    now: NaiveDateTime,
) -> ServiceResult<Option<NaiveDateTime>> {
    Ok(login_throttle::find(conn, &account_key(email))?
        .and_then(|r| r.locked_until)
        .filter(|until| *until > now))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_double_to_their_caps() {
        let secs = |f: fn(i32) -> TimeDelta, over: i32| f(over).num_seconds();
        for (over, account, address) in [
            (0, 60, 1),
            (1, 120, 2),
            (2, 240, 4),
            (5, 1920, 32),
            (6, 3600, 60),
            (40, 3600, 60),
            (-3, 60, 1),
        ] {
            assert_eq!(secs(lock_for, over), account, "account lock at {over} over");
            assert_eq!(
                secs(delay_for, over),
                address,
                "address delay at {over} over"
            );
        }
    }
}
