//! `DATABASE_URL` parsing: the backend is chosen from the scheme, never guessed.

use std::fmt;

use super::DbSetupError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        })
    }
}

/// A parsed `DATABASE_URL`. `Debug` hides the PostgreSQL password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    backend: Backend,
    /// For SQLite the file path; for PostgreSQL the whole URL.
    target: String,
}

impl DatabaseUrl {
    pub fn parse(raw: &str) -> Result<Self, DbSetupError> {
        let raw = raw.trim();
        if let Some(rest) = raw.strip_prefix("sqlite://") {
            if rest.is_empty() {
                return Err(DbSetupError::Url(
                    "sqlite:// needs a file path, for example sqlite://clinic.db".into(),
                ));
            }
            return Ok(Self {
                backend: Backend::Sqlite,
                target: rest.to_owned(),
            });
        }
        if let Some(rest) = raw.strip_prefix("sqlite:") {
            if rest.is_empty() {
                return Err(DbSetupError::Url("sqlite: needs a file path".into()));
            }
            return Ok(Self {
                backend: Backend::Sqlite,
                target: rest.to_owned(),
            });
        }
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            url::Url::parse(raw).map_err(|e| {
                DbSetupError::Url(format!("the PostgreSQL URL does not parse: {e}"))
            })?;
            return Ok(Self {
                backend: Backend::Postgres,
                target: raw.to_owned(),
            });
        }
        Err(DbSetupError::Url(
            "it must start with sqlite:// (for example sqlite://clinic.db) or postgres:// \
             (for example postgres://clinic@localhost/clinic)"
                .into(),
        ))
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The SQLite file path or the PostgreSQL URL, as handed to the driver.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// The URL with any password replaced, safe for logs.
    pub fn redacted(&self) -> String {
        match self.backend {
            Backend::Sqlite => format!("sqlite://{}", self.target),
            Backend::Postgres => match url::Url::parse(&self.target) {
                Ok(mut u) => {
                    if u.password().is_some() {
                        let _ = u.set_password(Some("***"));
                    }
                    u.to_string()
                }
                Err(_) => "postgres://…".into(),
            },
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chooses_the_backend_from_the_scheme() {
        let s = DatabaseUrl::parse("sqlite://clinic.db").unwrap();
        assert_eq!(s.backend(), Backend::Sqlite);
        assert_eq!(s.target(), "clinic.db");
        let p = DatabaseUrl::parse("postgresql://u:secret@h/db").unwrap();
        assert_eq!(p.backend(), Backend::Postgres);
        assert!(!p.redacted().contains("secret"));
        assert!(DatabaseUrl::parse("mysql://x").is_err());
        assert!(DatabaseUrl::parse("clinic.db").is_err());
    }
}
