//! A patient's registration details, parsed from a form or JSON, and the name folding
//! that makes search and duplicate checks case- and accent-insensitive.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::{EmailAddress, FieldErrors, calendar};

/// Sex as recorded for clinical purposes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
    Other,
    Unknown,
}

impl Sex {
    pub const ALL: [Sex; 4] = [Sex::Female, Sex::Male, Sex::Other, Sex::Unknown];

    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Female => "female",
            Sex::Male => "male",
            Sex::Other => "other",
            Sex::Unknown => "unknown",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sex::Female => "Female",
            Sex::Male => "Male",
            Sex::Other => "Other",
            Sex::Unknown => "Not stated",
        }
    }

    pub fn parse(raw: &str) -> Option<Sex> {
        Sex::ALL.into_iter().find(|s| s.as_str() == raw.trim())
    }
}

/// Registration details as typed. Every field is text so nothing a person typed is
/// lost when it is shown again with an error next to it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PatientInput {
    pub given_name: String,
    pub family_name: String,
    pub preferred_name: String,
    pub date_of_birth: String,
    pub sex: String,
    pub email: String,
    pub phone: String,
    pub address_line1: String,
    pub address_line2: String,
    pub city: String,
    pub province: String,
    pub postal_code: String,
    pub emergency_contact_name: String,
    pub emergency_contact_phone: String,
    pub emergency_contact_relationship: String,
    pub occupation: String,
}

/// Registration details after parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientDetails {
    pub given_name: String,
    pub family_name: String,
    pub preferred_name: Option<String>,
    pub date_of_birth: NaiveDate,
    pub sex: Sex,
    pub email: Option<EmailAddress>,
    pub phone: Option<String>,
    pub address_line1: Option<String>,
    pub address_line2: Option<String>,
    pub city: Option<String>,
    pub province: Option<String>,
    pub postal_code: Option<String>,
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_phone: Option<String>,
    pub emergency_contact_relationship: Option<String>,
    pub occupation: Option<String>,
}

fn text(raw: &str, max: usize, required: Option<&str>) -> Result<Option<String>, String> {
    let t = raw.trim();
    if t.is_empty() {
        return match required {
            Some(msg) => Err(msg.to_owned()),
            None => Ok(None),
        };
    }
    if t.chars().count() > max {
        return Err(format!("Use at most {max} characters."));
    }
    if t.chars().any(char::is_control) {
        return Err("Remove line breaks and control characters.".into());
    }
    Ok(Some(t.to_owned()))
}

/// A phone number as typed: digits, spaces and + - ( ) . with 6 to 15 digits.
pub fn parse_phone(raw: &str) -> Result<Option<String>, String> {
    let Some(t) = text(raw, 30, None)? else {
        return Ok(None);
    };
    if !t
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c))
    {
        return Err("Use digits, spaces and + - ( ) only.".into());
    }
    let digits = phone_digits(&t);
    if !(6..=15).contains(&digits.len()) {
        return Err("A phone number has 6 to 15 digits.".into());
    }
    Ok(Some(t))
}

/// The digits of a phone number, for search.
pub fn phone_digits(raw: &str) -> String {
    raw.chars().filter(char::is_ascii_digit).collect()
}

/// The digits of a local phone number without its area code (North America).
pub const LOCAL_NUMBER_DIGITS: usize = 7;

/// The last [`LOCAL_NUMBER_DIGITS`] digits, kept indexed so that "555-0103" finds
/// (514) 555-0103 by a lookup; `None` for a number shorter than that.
pub fn phone_ending(digits: &str) -> Option<String> {
    digits
        .len()
        .checked_sub(LOCAL_NUMBER_DIGITS)
        .and_then(|from| digits.get(from..))
        .map(str::to_owned)
}

impl PatientDetails {
    pub fn parse(input: &PatientInput, today: NaiveDate) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let given_name = e.check(
            "given_name",
            text(&input.given_name, 100, Some("Enter the first name.")),
        );
        let family_name = e.check(
            "family_name",
            text(&input.family_name, 100, Some("Enter the last name.")),
        );
        let preferred_name = e.check("preferred_name", text(&input.preferred_name, 100, None));
        let date_of_birth = if input.date_of_birth.trim().is_empty() {
            e.add("date_of_birth", "Enter the date of birth.");
            None
        } else {
            match calendar::parse_typed(&input.date_of_birth) {
                Ok(d) if d > today => {
                    e.add(
                        "date_of_birth",
                        "The date of birth cannot be in the future.",
                    );
                    None
                }
                Ok(d) => Some(d),
                Err(msg) => {
                    e.add("date_of_birth", msg);
                    None
                }
            }
        };
        let sex = if input.sex.trim().is_empty() {
            Some(Sex::Unknown)
        } else {
            e.check(
                "sex",
                Sex::parse(&input.sex)
                    .ok_or_else(|| "Choose female, male, other or unknown.".to_owned()),
            )
        };
        let email = if input.email.trim().is_empty() {
            Some(None)
        } else {
            e.check("email", EmailAddress::parse(&input.email).map(Some))
        };
        let phone_v = e.check("phone", parse_phone(&input.phone));
        let ec_phone = e.check(
            "emergency_contact_phone",
            parse_phone(&input.emergency_contact_phone),
        );
        let mut opt =
            |field: &str, raw: &str, max: usize| e.check(field, text(raw, max, None)).flatten();
        let address_line1 = opt("address_line1", &input.address_line1, 200);
        let address_line2 = opt("address_line2", &input.address_line2, 200);
        let city = opt("city", &input.city, 100);
        let province = opt("province", &input.province, 100);
        let postal_code = opt("postal_code", &input.postal_code, 20);
        let emergency_contact_name =
            opt("emergency_contact_name", &input.emergency_contact_name, 100);
        let emergency_contact_relationship = opt(
            "emergency_contact_relationship",
            &input.emergency_contact_relationship,
            50,
        );
        let occupation = opt("occupation", &input.occupation, 100);
        match (
            given_name.flatten(),
            family_name.flatten(),
            date_of_birth,
            sex,
            email,
            phone_v,
            ec_phone,
        ) {
            (
                Some(given_name),
                Some(family_name),
                Some(date_of_birth),
                Some(sex),
                Some(email),
                Some(phone),
                Some(ec_phone),
            ) if e.is_empty() => Ok(PatientDetails {
                given_name,
                family_name,
                preferred_name: preferred_name.flatten(),
                date_of_birth,
                sex,
                email,
                phone,
                address_line1,
                address_line2,
                city,
                province,
                postal_code,
                emergency_contact_name,
                emergency_contact_phone: ec_phone,
                emergency_contact_relationship,
                occupation,
            }),
            _ => Err(e),
        }
    }

    /// Key for the duplicate check: folded family and given names.
    pub fn name_key(&self) -> String {
        name_key(&self.given_name, &self.family_name)
    }

    /// The words people search by.
    pub fn name_tokens(&self) -> Vec<String> {
        let mut tokens = Vec::new();
        for part in [
            Some(self.given_name.as_str()),
            Some(self.family_name.as_str()),
            self.preferred_name.as_deref(),
        ]
        .into_iter()
        .flatten()
        {
            for w in words(part) {
                if !tokens.contains(&w) {
                    tokens.push(w);
                }
            }
        }
        tokens
    }
}

/// Lower case, accents removed: "Élodie" → "elodie", "Müller" → "muller".
pub fn fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .flat_map(|c| {
            // Letters that are not a base letter plus an accent, so NFD leaves them whole.
            let plain: &[char] = match c {
                'ø' => &['o'],
                'ł' => &['l'],
                'đ' | 'ð' => &['d'],
                'ħ' => &['h'],
                'ı' => &['i'],
                'æ' => &['a', 'e'],
                'œ' => &['o', 'e'],
                'ß' => &['s', 's'],
                'þ' => &['t', 'h'],
                _ => return vec![c],
            };
            plain.to_vec()
        })
        .collect()
}

/// The folded words of a text, split at anything that is not a letter or digit.
pub fn words(s: &str) -> Vec<String> {
    fold(s)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

pub fn name_key(given: &str, family: &str) -> String {
    format!("{}|{}", words(family).concat(), words(given).concat())
}

/// The smallest string greater than every string that starts with `prefix` (for an
/// index range scan): the last character incremented.
pub fn prefix_upper_bound(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        if let Some(next) = char::from_u32(last as u32 + 1) {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_ending_is_the_local_number() {
        for (digits, want) in [
            ("15145550103", Some("5550103")),
            ("5145550103", Some("5550103")),
            ("5550103", Some("5550103")),
            ("555010", None),
            ("", None),
        ] {
            assert_eq!(phone_ending(digits).as_deref(), want, "{digits:?}");
        }
    }

    #[test]
    fn folding_is_case_and_accent_insensitive() {
        assert_eq!(fold("Élodie"), "elodie");
        assert_eq!(
            fold("Søren Łukasz Groß Þóra Æbelø"),
            "soren lukasz gross thora aebelo"
        );
        assert_eq!(
            words("Anne-Marie  O'Brien"),
            ["anne", "marie", "o", "brien"]
        );
        assert_eq!(name_key("Élodie", "Dupré"), name_key("ELODIE", "dupre"));
        assert_eq!(prefix_upper_bound("eli").as_deref(), Some("elj"));
    }

    #[test]
    fn registration_rules() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        let ok = PatientInput {
            given_name: " Élodie ".into(),
            family_name: "Dupré".into(),
            date_of_birth: "1980-02-29".into(),
            email: "Elodie@Example.org".into(),
            phone: "+33 6 12 34 56 78".into(),
            ..Default::default()
        };
        let p = PatientDetails::parse(&ok, today).unwrap();
        assert_eq!(p.given_name, "Élodie");
        assert_eq!(p.sex, Sex::Unknown);
        assert_eq!(p.email.unwrap().as_str(), "elodie@example.org");
        let cases: &[(&str, PatientInput)] = &[
            (
                "given_name",
                PatientInput {
                    given_name: "".into(),
                    ..ok.clone()
                },
            ),
            (
                "date_of_birth",
                PatientInput {
                    date_of_birth: "2027-01-01".into(),
                    ..ok.clone()
                },
            ),
            (
                "date_of_birth",
                PatientInput {
                    date_of_birth: "31/12/1980".into(),
                    ..ok.clone()
                },
            ),
            (
                "date_of_birth",
                PatientInput {
                    date_of_birth: "1850-01-01".into(),
                    ..ok.clone()
                },
            ),
            (
                "email",
                PatientInput {
                    email: "not-an-email".into(),
                    ..ok.clone()
                },
            ),
            (
                "phone",
                PatientInput {
                    phone: "12".into(),
                    ..ok.clone()
                },
            ),
            (
                "phone",
                PatientInput {
                    phone: "call me".into(),
                    ..ok.clone()
                },
            ),
            (
                "sex",
                PatientInput {
                    sex: "x".into(),
                    ..ok.clone()
                },
            ),
            (
                "family_name",
                PatientInput {
                    family_name: "a\nb".into(),
                    ..ok.clone()
                },
            ),
            (
                "occupation",
                PatientInput {
                    occupation: "x".repeat(101),
                    ..ok.clone()
                },
            ),
        ];
        for (field, input) in cases {
            let e = PatientDetails::parse(input, today).unwrap_err();
            assert!(e.get(field).is_some(), "{field}: {e:?}");
        }
    }
}

/// What a search looks for; every variant is answered from an index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatientSearch {
    /// Each folded word must start one of the patient's name words.
    Name(Vec<String>),
    BirthDate(NaiveDate),
    /// Digits: a chart number, or the start of a phone number.
    Digits(String),
    ChartNumber(String),
}

/// Chart numbers read `P-000042`; the counter gives 42.
pub fn format_chart_number(n: i64) -> String {
    format!("P-{n:06}")
}

/// "42", "000042" → "P-000042".
pub fn chart_number_from_digits(digits: &str) -> String {
    format_chart_number(digits.trim_start_matches('0').parse::<i64>().unwrap_or(0))
}

/// How the front desk's search box is read: a chart number (`P-42`), a birth date
/// (`1980-02-29`), digits (chart number or phone), or name words.
pub fn parse_search(q: &str) -> Option<PatientSearch> {
    let q = q.trim();
    if q.is_empty() {
        return None;
    }
    let upper = q.to_ascii_uppercase();
    if let Some(rest) = upper.strip_prefix("P-").or_else(|| upper.strip_prefix('P'))
        && !rest.is_empty()
        && rest.chars().all(|c| c.is_ascii_digit())
    {
        return Some(PatientSearch::ChartNumber(chart_number_from_digits(rest)));
    }
    if let Ok(d) = calendar::parse_iso(q) {
        return Some(PatientSearch::BirthDate(d));
    }
    if q.chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c))
    {
        let digits = phone_digits(q);
        if !digits.is_empty() {
            return Some(PatientSearch::Digits(digits));
        }
    }
    let w = words(q);
    if w.is_empty() {
        None
    } else {
        Some(PatientSearch::Name(w.into_iter().take(4).collect()))
    }
}

/// Age in whole years on `day`.
pub fn age_on(born: NaiveDate, day: NaiveDate) -> i32 {
    use chrono::Datelike;
    let mut age = day.year() - born.year();
    if (day.month(), day.day()) < (born.month(), born.day()) {
        age -= 1;
    }
    age.max(0)
}
