//! The one rule for text people type, in every free-text field: no NUL or other
//! control character (C0, DEL, C1) except tab and, where the field takes several lines,
//! line breaks. NUL is refused by PostgreSQL in `text` (an error after the rest of the
//! request had been read), and the others are invisible on a page and in a printout:
//! a record must read the same to everyone who opens it.

/// Whether a field is one line (names, phone numbers) or several (notes, reasons).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

/// The message beside a field holding a character [`allowed`] refuses.
pub const REFUSED: &str = "Remove the control characters from the text.";

/// Whether `c` may appear in a field of this kind.
pub fn allowed(c: char, lines: Lines) -> bool {
    match c {
        '\t' => true,
        '\n' | '\r' => lines == Lines::Many,
        c => !c.is_control(),
    }
}

/// `Err(REFUSED)` when `text` holds a character the field refuses.
pub fn check(text: &str, lines: Lines) -> Result<(), String> {
    if text.chars().all(|c| allowed(c, lines)) {
        Ok(())
    } else {
        Err(REFUSED.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_refused() {
        for (text, lines, ok) in [
            ("Low back pain", Lines::One, true),
            ("Tab\tseparated", Lines::One, true),
            ("Two\nlines", Lines::Many, true),
            ("Windows\r\nline", Lines::Many, true),
            ("Two\nlines", Lines::One, false),
            ("NUL\0inside", Lines::Many, false),
            ("bell\u{7}", Lines::Many, false),
            ("escape\u{1b}[31m", Lines::Many, false),
            ("delete\u{7f}", Lines::Many, false),
            ("C1\u{85}next line", Lines::Many, false),
            ("Élodie Dupré, 東京", Lines::One, true),
            ("emoji 👍", Lines::Many, true),
        ] {
            assert_eq!(check(text, lines).is_ok(), ok, "{text:?} {lines:?}");
        }
    }
}
