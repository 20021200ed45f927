//! Synthetic patients: a small seeded random number generator and the patient it
//! draws from [`super::lists`]. Patient `i` of seed `s` depends on `(s, i)` only, so the
//! same seed gives the same patients whatever the batch size, and seeding 5,000 then
//! 95,000 more gives the same 100,000 as seeding them at once. About 8% of family names
//! are two joined by a hyphen (Gagnon-Tremblay).

use chrono::{Datelike, NaiveDate};

use super::lists::{
    CITIES, EMAIL_DOMAINS, FAMILY, FEMALE_GIVEN, MALE_GIVEN, NICKNAMES, OCCUPATIONS, RELATIONSHIPS,
    STREETS,
};
use crate::domain::patient::{PatientInput, fold};

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and good enough to spread test
/// data; not for anything secret.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The generator of patient `index` under `seed`: both are mixed, so neighbouring
    /// indexes and seeds give unrelated streams.
    pub fn for_index(seed: u64, index: u64) -> Self {
        Self(mix(seed ^ mix(index.wrapping_add(0x632B_E59B_D9B4_E019))))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// A number in `0..n` (Lemire's multiply-shift; the bias is negligible here).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// One item of a non-empty list.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Ages and occupations are drawn relative to this day, not today, so the data never
/// depends on when it is made.
fn reference_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default()
}

fn first_birth_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(1930, 1, 1).unwrap_or_default()
}

fn last_birth_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 12, 31).unwrap_or_default()
}

/// Letters an email address can hold: folded, then the letters that have no accent to
/// remove spelled out (ø → o, ß → ss), anything else dropped.
pub fn ascii_letters(s: &str) -> String {
    let mut out = String::new();
    for c in fold(s).chars() {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            'ø' => out.push('o'),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            'ß' => out.push_str("ss"),
            'ł' => out.push('l'),
            'đ' | 'ð' => out.push('d'),
            'þ' => out.push_str("th"),
            'ı' => out.push('i'),
            _ => {}
        }
    }
    out
}

fn phone(rng: &mut SplitMix64, area_codes: &[u16]) -> String {
    let area = *rng.pick(area_codes);
    let exchange = 200 + rng.below(800);
    let line = rng.below(10_000);
    match rng.below(4) {
        0 => format!("{area}-{exchange}-{line:04}"),
        1 => format!("+1 {area} {exchange} {line:04}"),
        _ => format!("({area}) {exchange}-{line:04}"),
    }
}

fn postal_code(rng: &mut SplitMix64, first: char) -> String {
    // Canadian: letter digit letter, space, digit letter digit.
    const LETTERS: &[u8] = b"ABCEGHJKLMNPRSTVWXYZ";
    let a = char::from(*rng.pick(LETTERS));
    let b = char::from(*rng.pick(LETTERS));
    let (d, e, f) = (rng.below(10), rng.below(10), rng.below(10));
    format!("{first}{d}{a} {e}{b}{f}")
}

/// Patient `index` (0-based) of `seed`, as a person would have typed it. Every field
/// passes `PatientDetails::parse`.
pub fn patient(seed: u64, index: u64) -> PatientInput {
    let mut rng = SplitMix64::for_index(seed, index);
    let female = rng.chance(51);
    let given = if female {
        *rng.pick(FEMALE_GIVEN)
    } else {
        *rng.pick(MALE_GIVEN)
    };
    let family = if rng.chance(8) {
        format!("{}-{}", rng.pick(FAMILY), rng.pick(FAMILY))
    } else {
        (*rng.pick(FAMILY)).to_owned()
    };
    let days = (last_birth_date() - first_birth_date()).num_days() as u64 + 1;
    let born = first_birth_date() + chrono::Days::new(rng.below(days));
    let age = reference_day().year() - born.year();
    let sex = match rng.below(100) {
        0 => "other",
        1 => "",
        _ if female => "female",
        _ => "male",
    };
    let (city, province, postal_first, area_codes) = *rng.pick(CITIES);
    let mut input = PatientInput {
        given_name: given.to_owned(),
        family_name: family.clone(),
        date_of_birth: born.format("%Y-%m-%d").to_string(),
        sex: sex.to_owned(),
        ..Default::default()
    };
    if rng.chance(6) {
        input.preferred_name = (*rng.pick(NICKNAMES)).to_owned();
    }
    if rng.chance(92) {
        input.phone = phone(&mut rng, area_codes);
    }
    if age >= 14 && rng.chance(65) {
        let number = if rng.chance(30) {
            format!("{}", rng.below(100))
        } else {
            String::new()
        };
        input.email = format!(
            "{}.{}{number}@{}",
            ascii_letters(given),
            ascii_letters(&family),
            rng.pick(EMAIL_DOMAINS)
        );
    }
    if rng.chance(85) {
        input.address_line1 = format!("{} {}", 1 + rng.below(9_999), rng.pick(STREETS));
        if rng.chance(20) {
            input.address_line2 = format!("app. {}", 1 + rng.below(40));
        }
        input.city = city.to_owned();
        input.province = province.to_owned();
        input.postal_code = postal_code(&mut rng, postal_first);
    }
    if rng.chance(55) {
        let contact_given = if rng.chance(50) {
            rng.pick(FEMALE_GIVEN)
        } else {
            rng.pick(MALE_GIVEN)
        };
        input.emergency_contact_name = format!("{contact_given} {family}");
        input.emergency_contact_phone = phone(&mut rng, area_codes);
        let relationship = if age < 18 {
            if rng.chance(50) { "Mother" } else { "Father" }
        } else {
            *rng.pick(RELATIONSHIPS)
        };
        input.emergency_contact_relationship = relationship.to_owned();
    }
    input.occupation = match age {
        ..6 => String::new(),
        6..=21 => "Student".to_owned(),
        67.. if rng.chance(85) => "Retired".to_owned(),
        _ if rng.chance(80) => (*rng.pick(OCCUPATIONS)).to_owned(),
        _ => String::new(),
    };
    input
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::patient::PatientDetails;

    #[test]
    fn the_same_seed_and_index_give_the_same_patient() {
        let a = patient(7, 123);
        let b = patient(7, 123);
        assert_eq!(a.given_name, b.given_name);
        assert_eq!(a.family_name, b.family_name);
        assert_eq!(a.date_of_birth, b.date_of_birth);
        let other: Vec<String> = (0..20).map(|i| patient(8, i).family_name).collect();
        let same: Vec<String> = (0..20).map(|i| patient(7, i).family_name).collect();
        assert_ne!(other, same);
    }

    #[test]
    fn every_synthetic_patient_parses() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        for i in 0..20_000 {
            let input = patient(42, i);
            if let Err(e) = PatientDetails::parse(&input, today) {
                panic!("patient {i} {input:?}: {e:?}");
            }
        }
    }

    #[test]
    fn email_letters_are_plain_ascii() {
        assert_eq!(ascii_letters("Søren"), "soren");
        assert_eq!(ascii_letters("Groß"), "gross");
        assert_eq!(ascii_letters("O'Brien"), "obrien");
        assert_eq!(ascii_letters("Nguyễn"), "nguyen");
        assert_eq!(ascii_letters("Łukasz"), "lukasz");
    }
}
