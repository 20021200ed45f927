//! Staff accounts: create, disable, enable, change password.

use chrono::NaiveDateTime;
use serde::Deserialize;

use super::audit::{self, AuditAction, AuditEntry, Outcome};
use super::login;
use super::sessions::{self, IssuedSession, SessionKind};
use super::{Actor, ServiceError, ServiceResult, SessionPolicy};
use crate::auth::password;
use crate::db::models::user::{self, NewUser, UserRow};
use crate::db::models::{login_throttle, session};
use crate::db::{DbConnection, write_transaction};
use crate::domain::{EmailAddress, FieldErrors, Role, StaffName, UserId, new_id, password_policy};

/// A new account as typed in a form, the API or the command line.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewStaffInput {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub licence_number: Option<String>,
    #[serde(default)]
    pub password: String,
    /// "email": the person chooses their password from an emailed link (no password
    /// is typed here); anything else: the password above.
    #[serde(default)]
    pub password_by: String,
}

impl NewStaffInput {
    /// The new person chooses their password from an emailed link.
    pub fn emails_the_password(&self) -> bool {
        self.password_by == "email"
    }
}

/// A new account after parsing.
#[derive(Debug, Clone)]
pub struct NewStaff {
    pub email: EmailAddress,
    pub name: StaffName,
    pub role: Role,
    pub licence_number: Option<String>,
    pub password: String,
}

impl NewStaff {
    pub fn parse(input: &NewStaffInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let email = errors.check("email", EmailAddress::parse(&input.email));
        let name = errors.check("name", StaffName::parse(&input.name));
        let role = errors.check("role", Role::parse(&input.role));
        let licence_number = input
            .licence_number
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        if licence_number
            .as_ref()
            .is_some_and(|l| l.chars().count() > 50)
        {
            errors.add(
                "licence_number",
                "A licence number can be at most 50 characters.",
            );
        }
        let context = [input.email.as_str(), input.name.as_str()];
        if !input.emails_the_password() {
            errors.check(
                "password",
                password_policy::check(&input.password, &context),
            );
        }
        match (email, name, role, errors.is_empty()) {
            (Some(email), Some(name), Some(role), true) => Ok(NewStaff {
                email,
                name,
                role,
                licence_number,
                password: input.password.clone(),
            }),
            _ => Err(errors),
        }
    }
}

fn email_taken() -> ServiceError {
    ServiceError::Invalid(FieldErrors::single(
        "email",
        "This email address already has an account.",
    ))
}

/// Creates an account. Hashes the password (slow): call on a blocking thread.
pub fn create_user(
    conn: &mut DbConnection,
    now: impl Fn() -> NaiveDateTime,
    actor: &Actor,
    staff: &NewStaff,
) -> ServiceResult<UserRow> {
    if user::email_taken(conn, staff.email.as_str())? {
        return Err(email_taken());
    }
    let hash = password::hash(&staff.password).map_err(|e| ServiceError::Unexpected(e.into()))?;
    let now = now();
    write_transaction(conn, |conn| insert_user(conn, now, actor, staff, &hash))
}

/// Inserts an account whose password is already hashed and audits it; call inside a
/// write transaction (setup uses it in the same transaction that spends its link).
pub fn insert_user(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    staff: &NewStaff,
    hash: &str,
) -> ServiceResult<UserRow> {
    let id = new_id();
    {
        if user::email_taken(conn, staff.email.as_str())? {
            return Err(email_taken());
        }
        user::insert(
            conn,
            &NewUser {
                id: &id,
                email: staff.email.as_str(),
                name: staff.name.as_str(),
                role: staff.role.as_str(),
                licence_number: staff.licence_number.as_deref(),
                password_hash: hash,
                active: true,
                created_at: now,
                updated_at: now,
                password_changed_at: now,
            },
        )?;
        audit::record(
            conn,
            now,
            actor,
            AuditEntry::new(AuditAction::UserCreated, Outcome::Success)
                .entity(&id)
                .detail(staff.role.as_str()),
        )?;
        user::find(conn, &id)?.ok_or(ServiceError::NotFound)
    }
}

/// Disables an account and ends all of its sessions at once.
pub fn set_active(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    target: &UserId,
    active: bool,
) -> ServiceResult<UserRow> {
    if !active && actor.user_id() == Some(target) {
        return Err(ServiceError::Conflict(
            "You cannot disable your own account.".into(),
        ));
    }
    write_transaction(conn, |conn| {
        if user::set_active(conn, target.as_str(), active, now)? == 0 {
            return Err(ServiceError::NotFound);
        }
        if !active {
            session::delete_for_user(conn, target.as_str())?;
        }
        let action = if active {
            AuditAction::UserEnabled
        } else {
            AuditAction::UserDisabled
        };
        audit::record(
            conn,
            now,
            actor,
            AuditEntry::new(action, Outcome::Success).entity(target.as_str()),
        )?;
        user::find(conn, target.as_str())?.ok_or(ServiceError::NotFound)
    })
}

pub struct PasswordChange<'a> {
    pub current: &'a str,
    pub new: &'a str,
    pub confirm: &'a str,
}

/// Changes the actor's own password, ends every session of the account, and opens a
/// fresh browser session for the person who made the change.
pub fn change_own_password(
    conn: &mut DbConnection,
    now: impl Fn() -> NaiveDateTime,
    actor: &Actor,
    change: &PasswordChange<'_>,
    policy: &SessionPolicy,
) -> ServiceResult<IssuedSession> {
    let user_id = actor.user_id().ok_or(ServiceError::Forbidden)?;
    let me = user::find(conn, user_id.as_str())?.ok_or(ServiceError::NotFound)?;
    let mut errors = FieldErrors::new();
    if !password::verify(&me.password_hash, change.current) {
        if wrong_current_password(conn, now(), actor, &me.id)? {
            return Err(ServiceError::SessionEnded);
        }
        errors.add("current_password", "This is not your current password.");
    }
    errors.check(
        "new_password",
        password_policy::check(change.new, &[&me.email, &me.name]),
    );
    if change.new != change.confirm {
        errors.add(
            "confirm_password",
            "The two new passwords are not the same.",
        );
    }
    if change.new == change.current {
        errors.add(
            "new_password",
            "Choose a password different from the current one.",
        );
    }
    errors.into_result()?;
    let hash = password::hash(change.new).map_err(|e| ServiceError::Unexpected(e.into()))?;
    let now = now();
    write_transaction(conn, |conn| {
        login_throttle::clear(conn, &password_change_key(&me.id))?;
        user::set_password(conn, &me.id, &hash, now)?;
        session::delete_for_user(conn, &me.id)?;
        audit::record(
            conn,
            now,
            actor,
            AuditEntry::new(AuditAction::PasswordChanged, Outcome::Success).entity(&me.id),
        )?;
        Ok(sessions::issue(
            conn,
            now,
            &me,
            SessionKind::Browser,
            actor.ip.as_deref(),
            policy,
        )?)
    })
}

pub(crate) fn password_change_key(user_id: &str) -> String {
    format!("password-change:{user_id}")
}

/// A wrong current password on "Change password": audited, and counted like a failed
/// sign-in, so that a session left open (or stolen) cannot guess the password without
/// limit. At the sign-in limit every session of the account ends; returns whether they
/// did.
fn wrong_current_password(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    user_id: &str,
) -> ServiceResult<bool> {
    let key = password_change_key(user_id);
    write_transaction(conn, |conn| {
        let failures = match login_throttle::find(conn, &key)? {
            Some(p) if now - p.last_failure_at < login::FAILURE_WINDOW => p.failures + 1,
            _ => 1,
        };
        let ended = failures >= login::ACCOUNT_LIMIT;
        audit::record(
            conn,
            now,
            actor,
            AuditEntry::new(AuditAction::PasswordChanged, Outcome::Failure)
                .entity(user_id)
                .detail("wrong current password"),
        )?;
        if ended {
            login_throttle::clear(conn, &key)?;
            session::delete_for_user(conn, user_id)?;
            audit::record(
                conn,
                now,
                actor,
                AuditEntry::new(AuditAction::LoginLocked, Outcome::Denied)
                    .entity(user_id)
                    .detail("wrong current password repeated: every session ended"),
            )?;
        } else {
            login_throttle::save(
                conn,
                &login_throttle::ThrottleRow {
                    throttle_key: key.clone(),
                    failures,
                    last_failure_at: now,
                    locked_until: None,
                },
            )?;
        }
        Ok(ended)
    })
}

pub fn list(conn: &mut DbConnection) -> ServiceResult<Vec<UserRow>> {
    Ok(user::list(conn)?)
}

pub fn find_by_email(conn: &mut DbConnection, email: &str) -> ServiceResult<UserRow> {
    user::find_by_email(conn, &email.trim().to_lowercase())?.ok_or(ServiceError::NotFound)
}
