//! A written reason: what a practitioner writes to override a relative contraindication,
//! resolve, dismiss or narrow a flag. It is read later as the record of a clinical
//! decision, so it must say something: at least a short sentence (three words and
//! fifteen letters or digits), not punctuation or a single word like "x" or "ok".

/// Shortest reason, counted in letters and digits.
pub const MIN_LETTERS: usize = 15;
/// Fewest words.
pub const MIN_WORDS: usize = 3;
/// Longest reason, in characters.
pub const MAX_CHARS: usize = 2000;

/// The message shown next to a reason that is too short.
pub const TOO_SHORT: &str = "Write the reason as a sentence (at least three words), so a colleague reading the record later understands the decision.";

/// Trims and checks a reason; the error is the message to show next to the field.
pub fn parse(raw: &str) -> Result<String, String> {
    let t = raw.trim();
    if t.chars().count() > MAX_CHARS {
        return Err(format!("Use at most {MAX_CHARS} characters."));
    }
    let letters = t.chars().filter(|c| c.is_alphanumeric()).count();
    let words = t
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count();
    if letters < MIN_LETTERS || words < MIN_WORDS {
        return Err(TOO_SHORT.to_owned());
    }
    super::free_text::check(t, super::free_text::Lines::Many)?;
    Ok(t.to_owned())
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn a_reason_is_a_sentence() {
        let cases: &[(&str, bool)] = &[
            ("", false),
            ("x", false),
            ("ok", false),
            ("...........................", false),
            ("Patient consented", false),
            ("see notes above", false),
            ("bone density normal", true),
            ("DEXA scan 2026-10 normal, T-score -0.8", true),
            ("  Discussed with the patient's GP; low-force only.  ", true),
            ("Ça va très bien aujourd'hui", true),
        ];
        for (raw, ok) in cases {
            assert_eq!(parse(raw).is_ok(), *ok, "{raw:?}");
        }
        assert_eq!(
            parse("  bone density normal ").unwrap(),
            "bone density normal"
        );
        assert!(parse(&"word ".repeat(500)).is_err());
        assert!(parse("bone density\u{0} normal today").is_err());
    }
}
