//! Server-side sessions: issuing, resolving with the idle and absolute limits, ending.

use chrono::{NaiveDateTime, TimeDelta};

use super::audit::{self, AuditAction, AuditEntry, Outcome};
use super::{Actor, ServiceResult, SessionPolicy};
use crate::auth::token;
use crate::db::models::session::{self, NewSession};
use crate::db::models::user::UserRow;
use crate::db::{DbConnection, write_transaction};
use crate::domain::{Role, SessionId, UserId, new_id};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    /// A browser, by cookie; forms carry the session's CSRF token.
    Browser,
    /// An API client, by `Authorization: Bearer`.
    Api,
}

impl SessionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Browser => "browser",
            SessionKind::Api => "api",
        }
    }
}

/// The signed-in staff member behind a request.
#[derive(Debug, Clone)]
pub struct Principal {
    pub session_id: SessionId,
    pub user_id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub csrf_token: String,
}

/// A new session: the token goes to the client once and is never stored.
#[derive(Debug, Clone)]
pub struct IssuedSession {
    pub token: String,
    pub csrf_token: String,
    pub user: UserRow,
}

/// Inserts a session row; call inside the caller's write transaction.
pub fn issue(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    user: &UserRow,
    kind: SessionKind,
    ip: Option<&str>,
    policy: &SessionPolicy,
) -> Result<IssuedSession, diesel::result::Error> {
    let (token, token_hash) = token::new_token();
    let (csrf_token, _) = token::new_token();
    session::insert(
        conn,
        &NewSession {
            id: &new_id(),
            token_hash: &token_hash,
            user_id: &user.id,
            kind: kind.as_str(),
            csrf_token: &csrf_token,
            created_at: now,
            last_seen_at: now,
            expires_at: now + policy.absolute,
            ip,
        },
    )?;
    Ok(IssuedSession {
        token,
        csrf_token,
        user: user.clone(),
    })
}

/// Looks a token up. An expired or idle session is deleted and treated as absent.
/// `last_seen_at` is written at most every 30 s so reads stay cheap.
pub fn resolve(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    presented: &str,
    kind: SessionKind,
    policy: &SessionPolicy,
) -> ServiceResult<Option<Principal>> {
    let hash = token::hash_token(presented);
    let Some((s, user)) = session::find_active(conn, &hash)? else {
        return Ok(None);
    };
    if s.kind != kind.as_str() {
        return Ok(None);
    }
    if s.expires_at <= now || s.last_seen_at + policy.idle <= now {
        session::delete(conn, &s.id)?;
        return Ok(None);
    }
    if now - s.last_seen_at > TimeDelta::seconds(30) {
        session::touch(conn, &s.id, now)?;
    }
    let Ok(role) = Role::parse(&user.role) else {
        return Ok(None);
    };
    Ok(Some(Principal {
        session_id: SessionId::from_db(s.id),
        user_id: UserId::from_db(user.id),
        email: user.email,
        name: user.name,
        role,
        csrf_token: s.csrf_token,
    }))
}

pub fn logout(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    principal: &Principal,
    actor: &Actor,
) -> ServiceResult<()> {
    write_transaction(conn, |conn| {
        session::delete(conn, principal.session_id.as_str())?;
        audit::record(
            conn,
            now,
            actor,
            AuditEntry::new(AuditAction::Logout, Outcome::Success),
        )?;
        Ok(())
    })
}
