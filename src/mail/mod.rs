//! Outgoing mail: templates, the transactional outbox and the background sender.
//!
//! A change that needs an email writes an `outbox` row in its own transaction
//! ([`enqueue`]); [`sender`] delivers it later with retries, through SMTP when `SMTP_URL`
//! is set and otherwise as `.eml` files under `CLINIC_MAIL_DIR`. Bodies carry links,
//! never patient data.

pub mod sender;
pub mod templates;
mod transport;

use chrono::NaiveDateTime;

pub use transport::{MailTransport, TransportError};

use crate::db::DbConnection;
use crate::db::models::outbox::{self, NewOutboxMessage};
use crate::domain::new_id;

/// What templates need to know about the clinic.
#[derive(Debug, Clone)]
pub struct MailContext {
    pub clinic_name: String,
    /// How patients reach the clinic (`CLINIC_PHONE`, `CLINIC_ADDRESS`), trimmed, `None`
    /// when unset or blank.
    pub clinic_phone: Option<String>,
    pub clinic_address: Option<String>,
    /// Base for links in emails, without a trailing slash.
    pub public_url: String,
    /// Where alerts go when a pre-visit form needs review now or today
    /// (`CLINIC_ALERT_EMAIL`, already checked as an address). `None`: they show on
    /// Today only.
    pub alert_email: Option<String>,
}

impl MailContext {
    pub fn link(&self, path: &str) -> String {
        format!("{}{}", self.public_url.trim_end_matches('/'), path)
    }
}

/// A rendered message waiting for an address.
#[derive(Debug, Clone)]
pub struct ComposedMessage {
    pub template: &'static str,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Queues a message in the caller's transaction.
pub fn enqueue(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    to: &str,
    message: &ComposedMessage,
) -> Result<(), diesel::result::Error> {
    outbox::insert(
        conn,
        &NewOutboxMessage {
            id: &new_id(),
            to_address: to,
            template: message.template,
            subject: &message.subject,
            body_text: &message.text,
            body_html: &message.html,
            created_at: now,
            attempts: 0,
            next_attempt_at: now,
        },
    )
}
