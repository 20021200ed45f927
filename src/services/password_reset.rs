//! Password reset by email: an admin sends the link, the staff member sets a new
//! password. Single use, valid 30 minutes, stored as a hash; the email is queued in the
//! same transaction that creates the token.

use chrono::{NaiveDateTime, TimeDelta};

use super::audit::{self, AuditAction, AuditEntry, Outcome};
use super::{Actor, ServiceError, ServiceResult};
use crate::auth::{password, token};
use crate::db::models::one_time_token::{self, NewOneTimeToken, TokenPurpose};
use crate::db::models::{session, user};
use crate::db::{DbConnection, write_transaction};
use crate::domain::{FieldErrors, UserId, new_id, password_policy};
use crate::mail::{self, MailContext};

pub const RESET_LINK_VALID: TimeDelta = TimeDelta::minutes(30);

/// Queues a reset email for `target`; earlier unused reset links stop working.
pub fn send_reset_link(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    target: &UserId,
    mail: &MailContext,
) -> ServiceResult<()> {
    let user = user::find(conn, target.as_str())?.ok_or(ServiceError::NotFound)?;
    if !user.active {
        return Err(ServiceError::Conflict(
            "This account is disabled; enable it first.".into(),
        ));
    }
    let (token, hash) = token::new_token();
    let link = mail.link(&format!("/password-reset/{token}"));
    let message = mail::templates::password_reset(mail, &user.name, &link, RESET_LINK_VALID)?;
    write_transaction(conn, |conn| {
        one_time_token::revoke_for_user(conn, &user.id, TokenPurpose::PasswordReset, now)?;
        one_time_token::insert(
            conn,
            &NewOneTimeToken {
                id: &new_id(),
                token_hash: &hash,
                purpose: TokenPurpose::PasswordReset.as_str(),
                user_id: Some(&user.id),
                created_at: now,
                expires_at: now + RESET_LINK_VALID,
            },
        )?;
        mail::enqueue(conn, now, &user.email, &message)?;
        audit::record(
            conn,
            now,
            actor,
            AuditEntry::new(AuditAction::PasswordResetSent, Outcome::Success).entity(&user.id),
        )?;
        Ok(())
    })
}

/// The first name of the account behind a usable link, for the form's greeting.
pub fn link_owner(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    token: &str,
) -> ServiceResult<String> {
    let row = one_time_token::find_usable(
        conn,
        &token::hash_token(token),
        TokenPurpose::PasswordReset,
        now,
    )?
    .ok_or(ServiceError::Gone)?;
    let user =
        user::find(conn, row.user_id.as_deref().unwrap_or_default())?.ok_or(ServiceError::Gone)?;
    Ok(user.name)
}

/// Sets the new password, spends the link and ends every session of the account.
pub fn complete(
    conn: &mut DbConnection,
    now: impl Fn() -> NaiveDateTime,
    actor: &Actor,
    token: &str,
    new_password: &str,
    confirm: &str,
) -> ServiceResult<()> {
    let hash_of_token = token::hash_token(token);
    let row =
        one_time_token::find_usable(conn, &hash_of_token, TokenPurpose::PasswordReset, now())?
            .ok_or(ServiceError::Gone)?;
    let user =
        user::find(conn, row.user_id.as_deref().unwrap_or_default())?.ok_or(ServiceError::Gone)?;
    let mut errors = FieldErrors::new();
    errors.check(
        "new_password",
        password_policy::check(new_password, &[&user.email, &user.name]),
    );
    if new_password != confirm {
        errors.add("confirm_password", "The two passwords are not the same.");
    }
    errors.into_result()?;
    let hash = password::hash(new_password).map_err(|e| ServiceError::Unexpected(e.into()))?;
    let now = now();
    write_transaction(conn, |conn| {
        if !one_time_token::spend(conn, &row.id, now)? {
            return Err(ServiceError::Gone);
        }
        user::set_password(conn, &user.id, &hash, now)?;
        session::delete_for_user(conn, &user.id)?;
        let actor = Actor {
            user: None,
            ip: actor.ip.clone(),
        };
        audit::record(
            conn,
            now,
            &actor,
            AuditEntry::new(AuditAction::PasswordResetCompleted, Outcome::Success).entity(&user.id),
        )?;
        Ok(())
    })
}
