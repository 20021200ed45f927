//! Password reset by email: an admin sends the link, the staff member sets a new
//! password. Single use, valid 30 minutes, stored as a hash; the email is queued in the
//! same transaction that creates the token.

use chrono::{NaiveDateTime, TimeDelta};

use super::audit::{self, AuditAction, AuditEntry, Outcome};
use super::{Actor, ServiceError, ServiceResult, accounts};
use crate::auth::{password, token};
use crate::db::models::one_time_token::{self, NewOneTimeToken, TokenPurpose};
use crate::db::models::{session, user};
use crate::db::{DbConnection, write_transaction};
use crate::domain::{FieldErrors, UserId, new_id, password_policy};
use crate::mail::{self, MailContext};

pub const RESET_LINK_VALID: TimeDelta = TimeDelta::minutes(30);
/// A new colleague may open the welcome email a day or two later.
pub const INVITATION_VALID: TimeDelta = TimeDelta::hours(72);

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
        queue_link(
            conn,
            now,
            actor,
            &user,
            &hash,
            RESET_LINK_VALID,
            &message,
            None,
        )
    })
}

/// Creates an account whose owner chooses the password: the welcome email carries a
/// password link (the reset's rules: single use, stored as a hash, spent on use) valid
/// [`INVITATION_VALID`]. The account's stored password is a hash of a random secret
/// nobody is told, so nobody can sign in with it before the link is used. Hashes
/// (slow): call on a blocking thread.
pub fn invite_user(
    conn: &mut DbConnection,
    now: impl Fn() -> NaiveDateTime,
    actor: &Actor,
    staff: &accounts::NewStaff,
    mail: &MailContext,
) -> ServiceResult<user::UserRow> {
    let (secret, _) = token::new_token();
    let hash_of_secret = password::hash(&secret).map_err(|e| ServiceError::Unexpected(e.into()))?;
    let (token, hash) = token::new_token();
    let link = mail.link(&format!("/password-reset/{token}"));
    let message =
        mail::templates::staff_invitation(mail, staff.name.as_str(), &link, INVITATION_VALID)?;
    let now = now();
    write_transaction(conn, |conn| {
        let user = accounts::insert_user(conn, now, actor, staff, &hash_of_secret)?;
        queue_link(
            conn,
            now,
            actor,
            &user,
            &hash,
            INVITATION_VALID,
            &message,
            Some("invitation"),
        )?;
        Ok(user)
    })
}

/// A new account as the administrator chose: with the password they typed, or with an
/// emailed link for the person to choose it (`emailed`). Hashes: a blocking thread.
pub fn open_account(
    conn: &mut DbConnection,
    now: impl Fn() -> NaiveDateTime,
    actor: &Actor,
    staff: &accounts::NewStaff,
    emailed: bool,
    mail: &MailContext,
) -> ServiceResult<user::UserRow> {
    if emailed {
        invite_user(conn, now, actor, staff, mail)
    } else {
        accounts::create_user(conn, now, actor, staff)
    }
}

/// Stores a password link for `user` (earlier unused ones stop working), queues its
/// email and audits it; inside a write transaction.
#[allow(clippy::too_many_arguments)]
fn queue_link(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    user: &user::UserRow,
    token_hash: &str,
    valid: TimeDelta,
    message: &mail::ComposedMessage,
    detail: Option<&str>,
) -> ServiceResult<()> {
    one_time_token::revoke_for_user(conn, &user.id, TokenPurpose::PasswordReset, now)?;
    one_time_token::insert(
        conn,
        &NewOneTimeToken {
            id: &new_id(),
            token_hash,
            purpose: TokenPurpose::PasswordReset.as_str(),
            user_id: Some(&user.id),
            created_at: now,
            expires_at: now + valid,
        },
    )?;
    mail::enqueue(conn, now, &user.email, message)?;
    let mut entry =
        AuditEntry::new(AuditAction::PasswordResetSent, Outcome::Success).entity(&user.id);
    if let Some(d) = detail {
        entry = entry.detail(d);
    }
    audit::record(conn, now, actor, entry)?;
    Ok(())
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
        let actor = Actor::anonymous(actor.ip.clone());
        audit::record(
            conn,
            now,
            &actor,
            AuditEntry::new(AuditAction::PasswordResetCompleted, Outcome::Success).entity(&user.id),
        )?;
        Ok(())
    })
}
