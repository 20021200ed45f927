//! Referring an emergency or urgent flag out: to whom, how and when. A referral is what
//! signing asks of such a flag; it does not lift it (the plan check still reads every
//! unresolved flag), and resolving it afterwards records the referral's result.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;

use super::{FlagRecord, already_resolved, decide, updated};
use crate::db::DbConnection;
use crate::db::models::flag;
use crate::db::models::flag_referral::{self, ReferralRow};
use crate::domain::clinical::{FlagLevel, ReferralMethod};
use crate::domain::free_text::{self, Lines};
use crate::domain::{FieldErrors, FlagId, new_id};
use crate::services::audit::AuditAction;
use crate::services::{Actor, ServiceError, ServiceResult};

/// Longest "referred to" (a name and a role or a place).
pub const REFERRED_TO_MAX: usize = 200;
/// Longest note on a referral.
pub const NOTE_MAX: usize = 2000;

/// A referral as typed on the page or sent to the API; every field a string so both
/// arrive the same way and get the same messages.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ReferralInput {
    /// Who: "Dr Patel, GP", "St Mary's emergency department".
    pub referred_to: String,
    /// A [`ReferralMethod`] code.
    pub method: String,
    /// `YYYY-MM-DD`.
    pub referred_on: String,
    pub note: String,
}

/// A referral that passed every check that does not need the flag.
struct Referral {
    referred_to: String,
    method: ReferralMethod,
    referred_on: NaiveDate,
    note: Option<String>,
}

fn has_control_chars(s: &str) -> bool {
    !s.chars().all(|c| free_text::allowed(c, Lines::Many))
}

fn parse(input: &ReferralInput, today: NaiveDate) -> Result<Referral, FieldErrors> {
    let mut e = FieldErrors::new();
    let referred_to = input.referred_to.trim();
    if referred_to.is_empty() {
        e.add(
            "referred_to",
            "Say who the patient was referred to (for example “Dr Patel, GP” or “St Mary's emergency department”).",
        );
    } else if referred_to.chars().count() > REFERRED_TO_MAX || referred_to.contains(['\n', '\r']) {
        e.add(
            "referred_to",
            format!("Use one line of at most {REFERRED_TO_MAX} characters."),
        );
    } else if has_control_chars(referred_to) {
        e.add(
            "referred_to",
            "Remove the control characters from the text.",
        );
    }
    let method = ReferralMethod::parse(input.method.trim());
    if method.is_none() {
        e.add(
            "method",
            "Choose how the referral was made: phone, letter, email, fax, emergency department or in person.",
        );
    }
    let referred_on = match crate::domain::calendar::parse_typed(&input.referred_on) {
        Ok(d) if d > today => {
            e.add("referred_on", "The referral date cannot be in the future.");
            None
        }
        Ok(d) => Some(d),
        Err(_) if input.referred_on.trim().is_empty() => {
            e.add("referred_on", "Give the date of the referral.");
            None
        }
        Err(msg) => {
            e.add("referred_on", msg);
            None
        }
    };
    let note = input.note.trim();
    if note.chars().count() > NOTE_MAX {
        e.add("note", format!("Use at most {NOTE_MAX} characters."));
    } else if has_control_chars(note) {
        e.add("note", "Remove the control characters from the text.");
    }
    e.into_result()?;
    match (method, referred_on) {
        (Some(method), Some(referred_on)) => Ok(Referral {
            referred_to: referred_to.to_owned(),
            method,
            referred_on,
            note: Some(note.to_owned()).filter(|n| !n.is_empty()),
        }),
        // Both were reported above.
        _ => Err(FieldErrors::single("method", "Check the referral.")),
    }
}

/// Documents the referral of an unresolved emergency or urgent flag. An open flag is
/// acknowledged too (referring it means the practitioner has seen it). One referral per
/// flag: a later change of plan is the referral's result, written when resolving.
pub fn refer(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    flag_id: &FlagId,
    input: &ReferralInput,
) -> ServiceResult<FlagRecord> {
    let referral = parse(input, now.date())?;
    decide(
        conn,
        now,
        actor,
        flag_id,
        AuditAction::FlagReferred,
        |c, f, by| {
            if f.is_resolved() {
                return Err(already_resolved());
            }
            let level = FlagLevel::parse(&f.level).unwrap_or(FlagLevel::Precaution);
            if !matches!(level, FlagLevel::Emergency | FlagLevel::Urgent) {
                return Err(ServiceError::Conflict(format!(
                    "Only emergency and urgent flags are referred out; this flag is a {}.",
                    level.label().to_lowercase()
                )));
            }
            if let Some(r) = flag_referral::for_flags(c, std::slice::from_ref(&f.id))?.pop() {
                return Err(ServiceError::Conflict(format!(
                    "This flag's referral is already documented (to {} on {}); write what came of it when you resolve the flag.",
                    r.referred_to, r.referred_on
                )));
            }
            if referral.referred_on < f.raised_at.date() {
                return Err(FieldErrors::single(
                    "referred_on",
                    format!(
                        "The referral cannot be dated before the flag was raised ({}).",
                        f.raised_at.date()
                    ),
                )
                .into());
            }
            flag_referral::insert(
                c,
                &ReferralRow {
                    id: new_id(),
                    flag_id: f.id.clone(),
                    referred_to: referral.referred_to.clone(),
                    method: referral.method.as_str().to_owned(),
                    referred_on: referral.referred_on,
                    note: referral.note.clone(),
                    referred_by: by.to_owned(),
                    recorded_at: now,
                },
            )?;
            if f.status == "open" {
                updated(flag::acknowledge(c, &f.id, by, now)?)?;
            }
            Ok(())
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(to: &str, method: &str, on: &str) -> ReferralInput {
        ReferralInput {
            referred_to: to.into(),
            method: method.into(),
            referred_on: on.into(),
            note: String::new(),
        }
    }

    #[test]
    fn a_referral_names_who_how_and_when() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let ok = parse(&input(" Dr Patel, GP ", "phone", "2026-12-02"), today).unwrap();
        assert_eq!(ok.referred_to, "Dr Patel, GP");
        assert_eq!(ok.method, ReferralMethod::Phone);
        assert!(ok.note.is_none());
        let cases: &[(ReferralInput, &str)] = &[
            (input("", "phone", "2026-12-01"), "referred_to"),
            (input("Dr\nPatel", "phone", "2026-12-01"), "referred_to"),
            (input("Dr Patel", "pigeon", "2026-12-01"), "method"),
            (input("Dr Patel", "fax", "2026-12-03"), "referred_on"),
            (input("Dr Patel", "fax", "yesterday"), "referred_on"),
            (input("Dr Patel", "fax", ""), "referred_on"),
        ];
        for (i, field) in cases {
            let e = parse(i, today).err().unwrap();
            assert!(e.get(field).is_some(), "{i:?} → {e:?}");
        }
        let mut long = input("Dr Patel", "letter", "2026-12-01");
        long.note = "x".repeat(NOTE_MAX + 1);
        assert!(parse(&long, today).err().unwrap().get("note").is_some());
    }
}
