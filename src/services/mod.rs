//! Use cases. Each function checks what it must, runs one transaction, writes the audit
//! row in that transaction and queues any mail there too. They are synchronous (diesel
//! is); the web layer calls them inside `web::block`, the command line directly.
//!
//! Errors: [`ServiceError`]. Domain parse failures arrive as `Invalid(FieldErrors)`,
//! database failures keep their cause for the log and become a generic 500 for the user.

pub mod access_denials;
pub mod accounts;
pub mod alerts;
pub mod appointments;
pub mod assessments;
pub mod audit;
pub mod audit_anchor;
pub mod audit_queue;
pub mod consents;
pub mod fhir_export;
pub mod fhir_import;
pub mod flag_raising;
pub mod flags;
pub mod housekeeping;
pub mod intake_form;
pub mod intakes;
pub mod invitations;
pub mod login;
pub mod password_reset;
pub mod patients;
pub mod referral_letter;
pub mod server_secrets;
pub mod sessions;
pub mod setup;
pub mod undelivered_mail;

use crate::domain::{FieldErrors, Role, UserId};

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("the input is not valid")]
    Invalid(FieldErrors),
    #[error("not found")]
    NotFound,
    #[error("not allowed")]
    Forbidden,
    #[error("wrong email or password")]
    BadCredentials,
    #[error("too many failed attempts; try again in {retry_after_secs} s")]
    Locked {
        retry_after_secs: i64,
        scope: login::LockScope,
    },
    #[error("this link is no longer valid")]
    Gone,
    /// Every session of the account was ended (repeated wrong current passwords).
    #[error("signed out")]
    SessionEnded,
    #[error("{0}")]
    Conflict(String),
    /// Someone saved a newer version first; nothing was written.
    #[error("stale version")]
    StaleVersion { current: i32 },
    /// Patients with the same name and birth date exist; nothing was written.
    /// A plan a flag refuses; nothing was written.
    #[error("the plan conflicts with a flag")]
    PlanRefused(Box<assessments::PlanRefusal>),
    /// Signing refused, with every reason.
    #[error("cannot sign yet")]
    SignRefused(Vec<String>),
    /// One draft per visit: the patient has an open draft; nothing was written.
    #[error("a draft assessment is open")]
    DraftOpen {
        id: String,
        visit_date: chrono::NaiveDate,
    },
    #[error("possible duplicate")]
    PossibleDuplicate(Vec<DuplicateMatch>),
    #[error("database error")]
    Database(#[from] diesel::result::Error),
    #[error("unexpected error")]
    Unexpected(#[from] anyhow::Error),
}

impl From<FieldErrors> for ServiceError {
    fn from(e: FieldErrors) -> Self {
        ServiceError::Invalid(e)
    }
}

pub type ServiceResult<T> = Result<T, ServiceError>;

/// A patient that a new registration may duplicate.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DuplicateMatch {
    pub id: String,
    pub chart_number: String,
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: chrono::NaiveDate,
}

/// Who is acting, and from where: written to every audit row.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub user: Option<(UserId, Role)>,
    pub ip: Option<String>,
    /// Where the audit rows of this actor's reads are group committed: the running
    /// service's queue. `None` (the command line) writes each read's row on its own.
    pub audit_queue: Option<audit_queue::AuditQueue>,
}

impl Actor {
    pub fn anonymous(ip: Option<String>) -> Self {
        Self {
            user: None,
            ip,
            audit_queue: None,
        }
    }

    pub fn staff(id: UserId, role: Role, ip: Option<String>) -> Self {
        Self {
            user: Some((id, role)),
            ip,
            audit_queue: None,
        }
    }

    /// The same actor, its reads group committed through `queue`.
    pub fn with_audit_queue(mut self, queue: Option<audit_queue::AuditQueue>) -> Self {
        self.audit_queue = queue;
        self
    }

    /// The command line acts as nobody in particular; the audit row says "cli".
    pub fn command_line() -> Self {
        Self {
            user: None,
            ip: Some("cli".into()),
            audit_queue: None,
        }
    }

    /// True for [`Actor::command_line`] (the operator at the server's shell).
    pub fn is_command_line(&self) -> bool {
        self.user.is_none() && self.ip.as_deref() == Some("cli")
    }

    pub fn user_id(&self) -> Option<&UserId> {
        self.user.as_ref().map(|(id, _)| id)
    }
}

/// Session limits (NIST SP 800-63B: idle and absolute).
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    pub idle: chrono::TimeDelta,
    pub absolute: chrono::TimeDelta,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle: chrono::TimeDelta::minutes(15),
            absolute: chrono::TimeDelta::hours(12),
        }
    }
}
