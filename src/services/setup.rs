//! First run: no default accounts. While there is no user, `clinic serve` prints a
//! one-time link (valid one hour) that creates the first administrator.

use chrono::{NaiveDateTime, TimeDelta};

use super::accounts::{self, NewStaff};
use super::audit::{self, AuditAction, AuditEntry, Outcome};
use super::sessions::{self, IssuedSession, SessionKind};
use super::{Actor, ServiceError, ServiceResult, SessionPolicy};
use crate::auth::{password, token};
use crate::db::models::one_time_token::{self, NewOneTimeToken, TokenPurpose};
use crate::db::models::user;
use crate::db::{DbConnection, write_transaction};
use crate::domain::{Role, new_id};

pub const SETUP_LINK_VALID: TimeDelta = TimeDelta::hours(1);

/// A fresh setup token when the clinic has no user yet, else `None`.
pub fn setup_token_if_needed(
    conn: &mut DbConnection,
    now: NaiveDateTime,
) -> ServiceResult<Option<String>> {
    if user::count(conn)? > 0 {
        return Ok(None);
    }
    let (token, hash) = token::new_token();
    write_transaction(conn, |conn| {
        one_time_token::insert(
            conn,
            &NewOneTimeToken {
                id: &new_id(),
                token_hash: &hash,
                purpose: TokenPurpose::Setup.as_str(),
                user_id: None,
                created_at: now,
                expires_at: now + SETUP_LINK_VALID,
            },
        )
    })?;
    Ok(Some(token))
}

/// True when the link may still be used (shown before the form).
pub fn link_is_usable(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    token: &str,
) -> ServiceResult<bool> {
    Ok(user::count(conn)? == 0
        && one_time_token::find_usable(conn, &token::hash_token(token), TokenPurpose::Setup, now)?
            .is_some())
}

/// Creates the first administrator and signs them in. The role is forced to admin.
pub fn complete(
    conn: &mut DbConnection,
    now: impl Fn() -> NaiveDateTime,
    actor: &Actor,
    token: &str,
    staff: &NewStaff,
    policy: &SessionPolicy,
) -> ServiceResult<IssuedSession> {
    if !link_is_usable(conn, now(), token)? {
        return Err(ServiceError::Gone);
    }
    let staff = NewStaff {
        role: Role::Admin,
        ..staff.clone()
    };
    let hash = password::hash(&staff.password).map_err(|e| ServiceError::Unexpected(e.into()))?;
    let now = now();
    // Link check, spending and the insert in one transaction: two simultaneous submits
    // cannot both create an administrator.
    write_transaction(conn, |conn| {
        if user::count(conn)? > 0 {
            return Err(ServiceError::Gone);
        }
        let row =
            one_time_token::find_usable(conn, &token::hash_token(token), TokenPurpose::Setup, now)?
                .ok_or(ServiceError::Gone)?;
        if !one_time_token::spend(conn, &row.id, now)? {
            return Err(ServiceError::Gone);
        }
        let created = accounts::insert_user(conn, now, actor, &staff, &hash)?;
        audit::record(
            conn,
            now,
            actor,
            AuditEntry::new(AuditAction::SetupCompleted, Outcome::Success).entity(&created.id),
        )?;
        Ok(sessions::issue(
            conn,
            now,
            &created,
            SessionKind::Browser,
            actor.ip.as_deref(),
            policy,
        )?)
    })
}
