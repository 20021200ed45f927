//! `clinic demo`: a small clinic to try the service with. Four staff accounts with
//! random passwords, a dozen patients, paper intakes that raise the flags a
//! practitioner should see (an emergency, an urgent one, blood thinners, a pregnancy, a
//! clean history) and some signed treatment consents.
//!
//! Everything goes through the services, so the audit trail reads as if the front desk
//! and a practitioner had typed it in (each row's address says `cli`). The whole demo is
//! one write transaction (the services' own transactions become savepoints inside it):
//! it is loaded completely or not at all, and the "no account yet" check cannot race.

use chrono::{Datelike, NaiveDateTime};
use rand::Rng;
use rand::seq::SliceRandom;

use super::demo_patients::patients_to_load;
use super::lists::PASSWORD_WORDS;
use crate::db::models::flag::FlagRow;
use crate::db::models::user::UserRow;
use crate::db::{DbConnection, write_transaction};
use crate::domain::intake::IntakeAnswers;
use crate::domain::patient::PatientDetails;
use crate::domain::{PatientId, Role, UserId, password_policy};
use crate::services::consents::{self, ConsentKind};
use crate::services::{Actor, ServiceError, ServiceResult, accounts, intakes, patients};

/// A demo account and its password, shown once.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password: String,
}

/// A demo patient with the flags their intake raised.
#[derive(Debug, Clone)]
pub struct DemoPatient {
    pub chart_number: String,
    pub name: String,
    pub intake: bool,
    pub flags: Vec<FlagRow>,
    pub consent: bool,
}

#[derive(Debug)]
pub struct DemoReport {
    pub accounts: Vec<DemoAccount>,
    pub patients: Vec<DemoPatient>,
    pub intakes: usize,
}

/// Why the demo was not loaded.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(
        "this database already has {0} staff account(s); `clinic demo` only loads into a database without accounts"
    )]
    NotEmpty(usize),
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl From<diesel::result::Error> for DemoError {
    fn from(e: diesel::result::Error) -> Self {
        DemoError::Service(e.into())
    }
}

const STAFF: &[(&str, &str, Role, Option<&str>)] = &[
    (
        "admin@demo-clinic.example",
        "Amara Nwosu",
        Role::Admin,
        None,
    ),
    (
        "j.lefebvre@demo-clinic.example",
        "Dr Julien Lefebvre",
        Role::Practitioner,
        Some("DC-10482"),
    ),
    (
        "h.sato@demo-clinic.example",
        "Dr Hana Sato",
        Role::Practitioner,
        Some("DC-11307"),
    ),
    (
        "frontdesk@demo-clinic.example",
        "Maeve Gallagher",
        Role::FrontDesk,
        None,
    ),
];

/// Four random words and a number, checked against the password policy; drawn from
/// the operating system's randomness through `rand::thread_rng` (ChaCha).
fn generate_password(email: &str, name: &str) -> ServiceResult<String> {
    let mut rng = rand::thread_rng();
    for _ in 0..100 {
        let words: Vec<&str> = PASSWORD_WORDS
            .choose_multiple(&mut rng, 4)
            .copied()
            .collect();
        let candidate = format!("{}-{}", words.join("-"), rng.gen_range(10..100));
        if password_policy::check(&candidate, &[email, name]).is_ok() {
            return Ok(candidate);
        }
    }
    Err(ServiceError::Unexpected(anyhow::anyhow!(
        "could not generate a password that passes the policy"
    )))
}

fn staff_actor(user: &UserRow, role: Role) -> Actor {
    Actor::staff(
        UserId::from_db(user.id.clone()),
        role,
        Actor::command_line().ip,
    )
}

/// Loads the demo clinic; refuses a database that already has staff accounts.
pub fn load(
    conn: &mut DbConnection,
    now: impl Fn() -> NaiveDateTime,
) -> Result<DemoReport, DemoError> {
    let mut accounts_out = Vec::new();
    let mut staff = Vec::new();
    for (email, name, role, licence) in STAFF {
        let password = generate_password(email, name)?;
        let parsed = accounts::NewStaff::parse(&accounts::NewStaffInput {
            email: (*email).into(),
            name: (*name).into(),
            role: role.as_str().into(),
            licence_number: licence.map(str::to_owned),
            password: password.clone(),
            password_by: String::new(),
        })
        .map_err(ServiceError::Invalid)?;
        staff.push(parsed);
        accounts_out.push(DemoAccount {
            email: (*email).into(),
            name: (*name).into(),
            role: *role,
            password,
        });
    }
    write_transaction(conn, |conn| {
        let existing = accounts::list(conn)?.len();
        if existing > 0 {
            return Err(DemoError::NotEmpty(existing));
        }
        let cli = Actor::command_line();
        let mut users = Vec::new();
        for s in &staff {
            users.push(accounts::create_user(conn, &now, &cli, s)?);
        }
        let by_role = |role: Role| {
            users
                .iter()
                .find(|u| u.role == role.as_str())
                .map(|u| staff_actor(u, role))
                .ok_or(ServiceError::NotFound)
        };
        let desk = by_role(Role::FrontDesk)?;
        let practitioner = by_role(Role::Practitioner)?;
        let today = now().date();
        let mut patients_out = Vec::new();
        let mut intake_count = 0;
        for spec in patients_to_load(today) {
            let details =
                PatientDetails::parse(&spec.input, today).map_err(ServiceError::Invalid)?;
            let row = patients::register(conn, now(), &desk, &details, false)?;
            let id = PatientId::from_db(row.id.clone());
            let mut flags = Vec::new();
            if let Some(intake) = &spec.intake {
                let answers = IntakeAnswers::parse(
                    &super::demo_patients::every_question_answered(intake),
                    today.year(),
                )
                .map_err(ServiceError::Invalid)?;
                flags =
                    intakes::record_paper_intake(conn, now(), &practitioner, &id, &answers)?.flags;
                intake_count += 1;
            }
            let full_name = format!("{} {}", row.given_name, row.family_name);
            if spec.consent {
                consents::record_paper_consent(
                    conn,
                    now(),
                    &desk,
                    &id,
                    ConsentKind::Treatment,
                    &full_name,
                )?;
            }
            patients_out.push(DemoPatient {
                chart_number: row.chart_number,
                name: full_name,
                intake: spec.intake.is_some(),
                flags,
                consent: spec.consent,
            });
        }
        Ok(DemoReport {
            accounts: accounts_out,
            patients: patients_out,
            intakes: intake_count,
        })
    })
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    #[test]
    fn generated_passwords_pass_the_policy_and_differ() {
        let a = generate_password("admin@demo-clinic.example", "Amara Nwosu").unwrap();
        let b = generate_password("admin@demo-clinic.example", "Amara Nwosu").unwrap();
        assert_ne!(a, b);
        assert!(password_policy::check(&a, &["admin@demo-clinic.example"]).is_ok());
    }

    #[test]
    fn every_demo_patient_and_intake_parses() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        for spec in patients_to_load(today) {
            PatientDetails::parse(&spec.input, today).unwrap();
            if let Some(i) = &spec.intake {
                IntakeAnswers::parse(i, 2026).unwrap();
            }
        }
    }
}
