//! Where mail goes: an SMTP server (`SMTP_URL`, TLS as the URL says) or, in development,
//! one `.eml` file per message under `CLINIC_MAIL_DIR`.

use std::path::{Path, PathBuf};

use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::db::models::outbox::OutboxRow;

#[derive(Clone)]
pub enum MailTransport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    File {
        dir: PathBuf,
        transport: AsyncFileTransport<Tokio1Executor>,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("SMTP_URL is not valid: {0}")]
    BadUrl(String),
    #[error("cannot create the mail folder {dir}: {source}")]
    MailDir { dir: String, source: std::io::Error },
    #[error("bad address or message: {0}")]
    Message(String),
    #[error("delivery failed: {0}")]
    Delivery(String),
}

impl TransportError {
    /// An error that no retry will cure: the message itself cannot be built (an address
    /// the mail library refuses).
    pub fn is_permanent(&self) -> bool {
        matches!(self, TransportError::Message(_))
    }
}

impl MailTransport {
    pub fn smtp(url: &str) -> Result<Self, TransportError> {
        let t = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| TransportError::BadUrl(e.to_string()))?
            .build();
        Ok(MailTransport::Smtp(t))
    }

    pub fn files(dir: &Path) -> Result<Self, TransportError> {
        std::fs::create_dir_all(dir).map_err(|source| TransportError::MailDir {
            dir: dir.display().to_string(),
            source,
        })?;
        Ok(MailTransport::File {
            dir: dir.to_owned(),
            transport: AsyncFileTransport::new(dir),
        })
    }

    pub fn describe(&self) -> String {
        match self {
            MailTransport::Smtp(_) => "SMTP".into(),
            MailTransport::File { dir, .. } => format!(".eml files in {}", dir.display()),
        }
    }

    /// Sends one outbox row; returns where it went (a file path in development).
    pub async fn send(
        &self,
        from: &Mailbox,
        row: &OutboxRow,
    ) -> Result<Option<String>, TransportError> {
        let to: Mailbox = row
            .to_address
            .parse()
            .map_err(|e: lettre::address::AddressError| TransportError::Message(e.to_string()))?;
        let message = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(row.subject.clone())
            .multipart(MultiPart::alternative_plain_html(
                row.body_text.clone(),
                row.body_html.clone(),
            ))
            .map_err(|e| TransportError::Message(e.to_string()))?;
        match self {
            MailTransport::Smtp(t) => {
                t.send(message)
                    .await
                    .map_err(|e| TransportError::Delivery(e.to_string()))?;
                Ok(None)
            }
            MailTransport::File { dir, transport } => {
                let id = transport
                    .send(message)
                    .await
                    .map_err(|e| TransportError::Delivery(e.to_string()))?;
                Ok(Some(dir.join(format!("{id}.eml")).display().to_string()))
            }
        }
    }
}
