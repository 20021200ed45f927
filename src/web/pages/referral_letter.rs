//! The printable referral letter at `GET /patients/{id}/referral-letter`: the clinic,
//! the date, the patient, the referring practitioner (whoever is signed in), the
//! emergency and urgent flags with their reasons, evidence and referrals, the findings
//! behind them and a signature line. Printed with `print.css`; a Print button (a script
//! file of its own, since the CSP allows no inline script) and a link back.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::render;
use crate::domain::PatientId;
use crate::domain::clinical::{FlagBasis, FlagLevel, ReferralMethod};
use crate::services::ServiceError;
use crate::services::referral_letter::{self, ReferralLetter};
use crate::services::sessions::Principal;
use crate::web::error::PageError;
use crate::web::extract::ClientIp;
use crate::web::state::AppState;

/// One flag on the letter.
struct LetterFlag {
    level: &'static str,
    reason: String,
    /// What the rule read, in the rules' words ("Medicine list: Eliquis (apixaban, …)").
    evidence: String,
    /// "Dr Patel, GP · by phone · 2026-12-02 · recorded by Dr Ana Ruiz", with the note.
    referral: Option<(String, Option<String>)>,
}

#[derive(Template)]
#[template(path = "referral_letter.html")]
struct LetterPage {
    clinic: String,
    date: String,
    patient_name: String,
    chart_number: String,
    date_of_birth: String,
    contact: Vec<String>,
    practitioner: String,
    flags: Vec<LetterFlag>,
    red_flag_answers: Vec<&'static str>,
    intake_date: Option<String>,
    assessment: Option<String>,
    findings: Vec<String>,
    back: String,
}

fn letter_flag(r: crate::services::flags::FlagRecord) -> LetterFlag {
    let f = r.row;
    let level = FlagLevel::parse(&f.level)
        .unwrap_or(FlagLevel::Urgent)
        .label();
    // The evidence names its own source ("Medicine list: …"); without it, the basis.
    let basis = FlagBasis::parse(&f.basis).unwrap_or(FlagBasis::FormAnswer);
    let evidence = match f.evidence.trim() {
        "" => basis.label().to_owned(),
        e => e.to_owned(),
    };
    let referral = r.history.referral.map(|x| {
        let how = ReferralMethod::parse(&x.method)
            .map(|m| m.label().to_lowercase())
            .unwrap_or(x.method);
        let by = r
            .history
            .referred_by_name
            .map(|n| format!(" · recorded by {n}"))
            .unwrap_or_default();
        (
            format!("{} · {how} · {}{by}", x.referred_to, x.referred_on),
            x.note,
        )
    });
    LetterFlag {
        level,
        reason: f.reason,
        evidence,
        referral,
    }
}

fn page(state: &AppState, principal: &Principal, l: ReferralLetter, today: String) -> LetterPage {
    let p = l.patient;
    let mut contact = Vec::new();
    if let Some(v) = p.phone.as_deref() {
        contact.push(format!("Phone {v}"));
    }
    if let Some(v) = p.email.as_deref() {
        contact.push(format!("Email {v}"));
    }
    let address: Vec<&str> = [&p.address_line1, &p.address_line2, &p.city, &p.province]
        .into_iter()
        .filter_map(|v| v.as_deref())
        .collect();
    if !address.is_empty() {
        let postal = p
            .postal_code
            .as_deref()
            .map(|z| format!(" {z}"))
            .unwrap_or_default();
        contact.push(format!("{}{postal}", address.join(", ")));
    }
    LetterPage {
        clinic: state.mail.clinic_name.clone(),
        date: today,
        patient_name: format!("{} {}", p.given_name, p.family_name),
        chart_number: p.chart_number.clone(),
        date_of_birth: p.date_of_birth.to_string(),
        contact,
        practitioner: principal.name.clone(),
        flags: l.flags.into_iter().map(letter_flag).collect(),
        red_flag_answers: l.red_flag_answers,
        intake_date: l.intake_submitted_at.map(|t| t.date().to_string()),
        assessment: l
            .assessment
            .map(|(d, signed)| format!("{d}{}", if signed { "" } else { " (draft, not signed)" })),
        findings: l.findings,
        back: format!("/patients/{}", p.id),
    }
}

pub async fn show(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let pid = PatientId::parse(&id).ok_or(PageError(ServiceError::NotFound))?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let letter = state
        .db(move |conn| referral_letter::letter(conn, now, &actor, &pid))
        .await?;
    render(&page(
        &state,
        &principal,
        letter,
        state.zone.today(now).to_string(),
    ))
}
