//! A staff or patient email address: trimmed, lower-cased, one `@`, a dotted domain,
//! no spaces or control characters (which also rules out mail header injection).

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err("Enter an email address.".into());
        }
        if s.len() > 254 {
            return Err("This email address is too long.".into());
        }
        if s.chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>' || c == ',')
        {
            return Err("An email address cannot contain spaces or commas.".into());
        }
        let Some((local, domain)) = s.split_once('@') else {
            return Err("Enter an email address like name@example.com.".into());
        };
        let domain_ok = !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..");
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err("Enter an email address like name@example.com.".into());
        }
        // The mailer's own parser has the last word: an address it refuses (`x"y@…`,
        // `a@[127.0.0.1]`) once passed here, answered "sent" and sat in the outbox for
        // ever with a live link in its body.
        if s.parse::<lettre::Address>().is_err() || domain.starts_with('[') {
            return Err("This email address cannot be used for mail; check it.".into());
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn local_part(&self) -> &str {
        self.0.split('@').next().unwrap_or_default()
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::EmailAddress;

    #[test]
    fn accepts_and_normalises() {
        assert_eq!(
            EmailAddress::parse(" Ann@Clinic.Example ")
                .unwrap()
                .as_str(),
            "ann@clinic.example"
        );
    }

    #[test]
    fn refuses_malformed_and_injection() {
        for bad in [
            "",
            "ann",
            "ann@",
            "@x.org",
            "a@b",
            "a b@c.org",
            "a@c.org\r\nBcc: x@y.org",
            "a@@c.org",
            "x\"y@example.org",
            "a@[127.0.0.1]",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad:?}");
        }
    }
}
