//! Password rules (NIST SP 800-63B, OWASP ASVS): at least 12 characters, at most 128,
//! no composition rules, and refuse passwords that are common or built from the
//! person's own name or email. zxcvbn supplies the dictionary of common passwords
//! and patterns; the context check catches "AnnSmith2024!" for Ann Smith.

pub const MIN_LEN: usize = 12;
pub const MAX_LEN: usize = 128;

/// Checks a new password; `context` holds the account's email and name.
pub fn check(password: &str, context: &[&str]) -> Result<(), String> {
    let len = password.chars().count();
    if len < MIN_LEN {
        return Err(format!(
            "Use at least {MIN_LEN} characters. A short sentence works well."
        ));
    }
    if len > MAX_LEN {
        return Err(format!("Use at most {MAX_LEN} characters."));
    }
    let lower = password.to_lowercase();
    let mut words: Vec<String> = Vec::new();
    for item in context {
        // Only the part before the @: the clinic's domain ("com", "clinic") says nothing
        // about the person.
        let item = item.to_lowercase();
        let personal = item.split('@').next().unwrap_or_default().to_owned();
        for part in personal.split(|c: char| !c.is_alphanumeric()) {
            if part.chars().count() >= 3 {
                words.push(part.to_owned());
            }
        }
    }
    if words.iter().any(|w| lower.contains(w.as_str())) {
        return Err("Do not use your name or email address in your password.".into());
    }
    if ["clinic", "password", "chiro"]
        .iter()
        .any(|w| lower.contains(w))
        && len < 20
    {
        return Err(
            "This password is too easy to guess. Avoid words like \"clinic\" or \"password\"."
                .into(),
        );
    }
    let inputs: Vec<&str> = words.iter().map(String::as_str).collect();
    let estimate = zxcvbn::zxcvbn(password, &inputs);
    if (estimate.score() as u8) < 3 {
        let hint = estimate
            .feedback()
            .and_then(|f| f.warning().map(|w| w.to_string()))
            .filter(|w| !w.is_empty());
        return Err(match hint {
            Some(w) => {
                format!("This password is too easy to guess: {w} Try a few unrelated words.")
            }
            None => "This password is too easy to guess. Try a few unrelated words.".into(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn password_rules() {
        let ctx = ["ann.smith@clinic.example", "Ann Smith"];
        let cases: &[(&str, bool)] = &[
            ("short", false),
            ("password1234", false),
            ("123456789012", false),
            ("qwertyuiopas", false),
            ("AnnSmith2024!", false),
            ("smith-is-my-name-99", false),
            ("violet tractor sandwich", true),
            ("correct horse battery staple", true),
            (&"x".repeat(129), false),
        ];
        for (pw, ok) in cases {
            assert_eq!(check(pw, &ctx).is_ok(), *ok, "{pw}: {:?}", check(pw, &ctx));
        }
    }
}
