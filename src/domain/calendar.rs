//! Dates as the clinic types them and as queries carry them: one parser and one
//! accepted range for every date field and every `?date=` of every page and route.
//!
//! Pages show dates year first (2026-12-03) and the inputs take them the same way, as
//! typed text: a native date picker shows the browser's locale (12/03/2026 in an
//! American browser) beside pages that say 2026-12-03, and 12/03 is March in Montréal.
//!
//! The range keeps arithmetic safe: chrono's dates end at year ±262,143, and
//! `/day?date=+262142-12-31` once panicked a worker computing "next day". Every date
//! that passes here is between [`EARLIEST`] and [`LATEST`], so a day either side of it
//! is always a date.

use chrono::{Days, NaiveDate};

/// The first date any field or query takes (the earliest birth date a clinic meets).
pub const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// The last date any field or query takes.
pub const LATEST: NaiveDate = match NaiveDate::from_ymd_opt(2199, 12, 31) {
    Some(d) => d,
    None => NaiveDate::MAX,
};

const EXAMPLE: &str = "Enter the date year first, as year-month-day (YYYY-MM-DD).";

/// An ISO date (YYYY-MM-DD) as the API and query strings send it, within the range.
pub fn parse_iso(raw: &str) -> Result<NaiveDate, String> {
    let raw = raw.trim();
    // chrono also reads signed and five-digit years ("+262142-12-31"); a date here is
    // exactly four digits, a dash, two, a dash, two.
    let shape = raw.len() == 10
        && raw.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shape {
        return Err("Enter a date as YYYY-MM-DD.".to_owned());
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map_err(|_| "There is no such day; check the month and the day.".to_owned())
        .and_then(in_range)
}

/// A date as a person types it: year first, with dashes, slashes, dots or spaces
/// (1984-06-12, 1984/06/12, 1984.6.12). Day-first and month-first forms are refused
/// with an example rather than guessed: 12/06/1984 is June in Montréal and December
/// in Boston.
pub fn parse_typed(raw: &str) -> Result<NaiveDate, String> {
    let parts: Vec<&str> = raw
        .trim()
        .split(['-', '/', '.', ' '])
        .filter(|p| !p.is_empty())
        .collect();
    let refused = || EXAMPLE.to_owned();
    match parts.as_slice() {
        [y, m, d]
            if y.len() == 4
                && [y, m, d]
                    .iter()
                    .all(|p| p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit())) =>
        {
            let n = |s: &str| s.parse::<u32>().map_err(|_| refused());
            let year = i32::try_from(n(y)?).map_err(|_| refused())?;
            NaiveDate::from_ymd_opt(year, n(m)?, n(d)?)
                .ok_or_else(|| "There is no such day; check the month and the day.".to_owned())
                .and_then(in_range)
        }
        _ => Err(refused()),
    }
}

fn in_range(d: NaiveDate) -> Result<NaiveDate, String> {
    if d < EARLIEST {
        Err(format!("Check the year: the date is before {EARLIEST}."))
    } else if d > LATEST {
        Err(format!("Check the year: the date is after {LATEST}."))
    } else {
        Ok(d)
    }
}

/// The day before, for "← Previous day"; the range's first day stays itself.
pub fn day_before(d: NaiveDate) -> NaiveDate {
    d.checked_sub_days(Days::new(1))
        .filter(|p| *p >= EARLIEST)
        .unwrap_or(d)
}

/// The day after, for "Next day →"; the range's last day stays itself.
pub fn day_after(d: NaiveDate) -> NaiveDate {
    d.checked_add_days(Days::new(1))
        .filter(|n| *n <= LATEST)
        .unwrap_or(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn iso_dates_and_their_range() {
        for (raw, want) in [
            ("2026-12-03", Some(ymd(2026, 12, 3))),
            (" 1900-01-01 ", Some(EARLIEST)),
            ("2199-12-31", Some(LATEST)),
            ("1899-12-31", None),
            ("2200-01-01", None),
            ("+262142-12-31", None),
            ("-262143-01-01", None),
            ("2026-02-30", None),
            ("2026-1-5", None),
            ("20261203", None),
            ("", None),
            ("２０２６-12-03", None),
        ] {
            assert_eq!(parse_iso(raw).ok(), want, "{raw:?}");
        }
    }

    #[test]
    fn typed_dates_are_year_first() {
        for (raw, want) in [
            ("1984-06-12", Some(ymd(1984, 6, 12))),
            ("1984/06/12", Some(ymd(1984, 6, 12))),
            ("1984.6.12", Some(ymd(1984, 6, 12))),
            ("1984 6 12", Some(ymd(1984, 6, 12))),
            ("12/06/1984", None),
            ("06-12-84", None),
            ("1984-02-30", None),
            ("1899-12-31", None),
            ("9999-01-01", None),
            ("1984-+6-12", None),
            ("1984-000006-12", None),
        ] {
            assert_eq!(parse_typed(raw).ok(), want, "{raw:?}");
        }
        assert!(
            parse_typed("12/06/1984")
                .unwrap_err()
                .contains("year-month-day")
        );
        assert!(
            parse_typed("1984-02-30")
                .unwrap_err()
                .contains("no such day")
        );
    }

    #[test]
    fn a_day_either_side_stays_in_range() {
        assert_eq!(day_after(ymd(2026, 12, 31)), ymd(2027, 1, 1));
        assert_eq!(day_before(ymd(2027, 1, 1)), ymd(2026, 12, 31));
        assert_eq!(day_after(LATEST), LATEST);
        assert_eq!(day_before(EARLIEST), EARLIEST);
        assert_eq!(day_after(NaiveDate::MAX), NaiveDate::MAX);
        assert_eq!(day_before(NaiveDate::MIN), NaiveDate::MIN);
    }
}
