//! Property tests of every parser a query, a path or a form field goes through: dates,
//! times, opening hours, search text, phone numbers, ids, emails, free text, device
//! cookies and signed values. Whatever arrives, each answers (a value or a message),
//! never panics, and what it accepts is inside the range the rest of the code relies on.

// Tests may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};
use clinic::auth::signed_value::SigningKey;
use clinic::clinic_time::OpeningHours;
use clinic::domain::calendar::{self, EARLIEST, LATEST};
use clinic::domain::free_text::{self, Lines};
use clinic::domain::patient::{PatientSearch, parse_phone, parse_search, phone_ending, words};
use clinic::domain::{EmailAddress, PatientId};
use clinic::services::appointments::{Booking, BookingInput};
use clinic::web::device_cookie::{DeviceTokens, MAX_DEVICE_TOKENS};
use proptest::prelude::*;

/// Text a hostile client might send: any characters, with the ones parsers split on
/// and the ones chrono reads as signs and padding over-represented.
fn hostile() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[-+/. 0-9TZ:]{0,24}",
        "[+-]?[0-9]{1,7}-[0-9]{1,3}-[0-9]{1,3}",
        "\\PC{0,40}",
    ]
}

fn a_day() -> impl Strategy<Value = NaiveDate> {
    (EARLIEST.num_days_from_ce()..=LATEST.num_days_from_ce())
        .prop_map(|n| NaiveDate::from_num_days_from_ce_opt(n).unwrap())
}

proptest! {
    // Failures are printed with their minimal input; nothing is written beside the
    // sources.
    #![proptest_config(ProptestConfig {
        cases: 2_000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn a_query_date_is_in_range_or_refused(raw in hostile()) {
        if let Ok(d) = calendar::parse_iso(&raw) {
            prop_assert!((EARLIEST..=LATEST).contains(&d), "{raw:?} → {d}");
            // A day either side is always a date: the arithmetic that once panicked.
            let _ = calendar::day_before(d);
            let _ = calendar::day_after(d);
        }
    }

    #[test]
    fn a_typed_date_is_in_range_or_refused(raw in hostile()) {
        if let Ok(d) = calendar::parse_typed(&raw) {
            prop_assert!((EARLIEST..=LATEST).contains(&d), "{raw:?} → {d}");
        }
    }

    #[test]
    fn every_day_in_range_reads_back_as_itself(d in a_day()) {
        let iso = d.format("%Y-%m-%d").to_string();
        prop_assert_eq!(calendar::parse_iso(&iso), Ok(d));
        prop_assert_eq!(calendar::parse_typed(&iso.replace('-', "/")), Ok(d));
        prop_assert_eq!(
            calendar::parse_typed(&format!("{}.{}.{}", d.year(), d.month(), d.day())),
            Ok(d)
        );
        let before = calendar::day_before(d);
        let after = calendar::day_after(d);
        prop_assert!(before <= d && d <= after);
        prop_assert!((EARLIEST..=LATEST).contains(&before));
        prop_assert!((EARLIEST..=LATEST).contains(&after));
    }

    #[test]
    fn a_booking_time_is_read_or_named(raw in hostile(), minutes in any::<Option<i64>>()) {
        let now = NaiveDateTime::new(
            NaiveDate::from_ymd_opt(2026, 12, 4).unwrap(),
            NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        );
        let input = BookingInput {
            practitioner_id: uuid::Uuid::new_v4().to_string(),
            starts_at: raw.clone(),
            minutes,
            kind: String::new(),
            allow_overlap: false,
        };
        match Booking::parse(&input, now) {
            Ok(b) => {
                prop_assert!(b.starts_at.date() <= LATEST, "{raw:?}");
                prop_assert!((5..=240).contains(&b.minutes));
                // The end of the visit is computable.
                prop_assert!(b.starts_at.checked_add_signed(chrono::TimeDelta::minutes(b.minutes.into())).is_some());
            }
            Err(errors) => prop_assert!(errors.iter().count() > 0),
        }
    }

    #[test]
    fn opening_hours_open_before_they_close(raw in hostile()) {
        if let Ok(h) = OpeningHours::parse(&raw) {
            prop_assert!(h.opens < h.closes, "{raw:?}");
        }
    }

    #[test]
    fn search_text_is_read_as_one_kind(q in hostile()) {
        match parse_search(&q) {
            // Nothing to search for: no word survives folding (a combining mark alone,
            // punctuation, spaces).
            None => prop_assert!(words(&q).is_empty(), "{q:?}"),
            Some(PatientSearch::ChartNumber(n)) => prop_assert!(n.starts_with("P-"), "{n}"),
            Some(PatientSearch::BirthDate(d)) => prop_assert!((EARLIEST..=LATEST).contains(&d)),
            Some(PatientSearch::Digits(d)) => prop_assert!(!d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())),
            Some(PatientSearch::Name(words)) => {
                prop_assert!(!words.is_empty() && words.len() <= 4);
                prop_assert!(words.iter().all(|w| !w.is_empty()));
            }
        }
    }

    #[test]
    fn a_phone_number_has_six_to_fifteen_digits(raw in hostile()) {
        if let Ok(Some(p)) = parse_phone(&raw) {
            let digits: String = p.chars().filter(char::is_ascii_digit).collect();
            prop_assert!((6..=15).contains(&digits.len()), "{p:?}");
            let ending = phone_ending(&digits);
            prop_assert_eq!(ending.is_some(), digits.len() >= 7);
            if let Some(e) = ending {
                prop_assert!(digits.ends_with(&e) && e.len() == 7);
            }
        }
    }

    #[test]
    fn a_path_id_is_a_uuid_or_nothing(raw in hostile()) {
        if let Some(id) = PatientId::parse(&raw) {
            prop_assert!(uuid::Uuid::parse_str(id.as_str()).is_ok(), "{raw:?}");
        }
    }

    #[test]
    fn an_email_address_lettre_can_send_to(raw in hostile()) {
        if let Ok(e) = EmailAddress::parse(&raw) {
            prop_assert!(e.as_str().parse::<lettre::Address>().is_ok(), "{e}");
            prop_assert!(!e.as_str().chars().any(|c| c.is_control() || c.is_whitespace()));
        }
    }

    #[test]
    fn free_text_never_holds_nul_or_c0_controls(raw in any::<String>()) {
        for lines in [Lines::One, Lines::Many] {
            if free_text::check(&raw, lines).is_ok() {
                let stray = |c: char| c.is_control() && c != '\t' && c != '\n' && c != '\r';
                prop_assert!(!raw.chars().any(stray), "{raw:?}");
                if lines == Lines::One {
                    prop_assert!(!raw.contains(['\n', '\r']));
                }
            }
        }
    }

    #[test]
    fn a_device_cookie_yields_at_most_eight_well_formed_tokens(raw in hostile()) {
        let tokens = DeviceTokens::parse(&raw).0;
        prop_assert!(tokens.len() <= MAX_DEVICE_TOKENS);
        for t in &tokens {
            prop_assert!(t.len() == 43 && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        }
    }

    #[test]
    fn only_values_the_key_issued_verify(raw in hostile(), key in any::<[u8; 32]>()) {
        let k = SigningKey::new(key, "clinic_csrf");
        prop_assert!(!k.verify(&raw), "a made-up value verified: {raw:?}");
        let issued = k.issue();
        prop_assert!(k.verify(&issued));
        let extended = issued.clone() + &raw;
        let still = k.verify(&extended);
        prop_assert!(!still || raw.is_empty(), "{:?}", extended);
    }
}
