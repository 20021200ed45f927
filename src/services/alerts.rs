//! Emergencies reach a person. When a pre-visit form raises an emergency or urgent flag,
//! [`after_form_submitted`] queues one email to the clinic's alert address and says what
//! the patient's thank-you page must tell them; Today lists every patient whose
//! emergency or urgent intake flag no practitioner has acknowledged yet
//! ([`needs_review`]).
//!
//! The flags are read back from the database by their source (the intake), not taken
//! from the rules' output: whatever the rules engine raises and however it stores it,
//! what is on the patient's record is what gets announced.
//!
//! The email carries no name and no health detail, only that a form needs review and a
//! link to the patient's page, which is behind sign-in (the id in it is an opaque UUID).

use std::collections::BTreeMap;

use chrono::NaiveDateTime;

use super::audit::{self, AuditAction, AuditEntry, Outcome};
use super::audit_queue::audited_read;
use super::{Actor, ServiceError, ServiceResult};
use crate::db::DbConnection;
use crate::db::models::flag::{self, FlagRow};
use crate::db::models::patient;
use crate::domain::clinical::FlagLevel;
use crate::domain::clinical::patient_advice::PatientAdvice;
use crate::domain::clinical::review::ReviewUrgency;
use crate::mail::{self, MailContext};

/// The levels that need a person before the visit.
const ALARM_LEVELS: [FlagLevel; 2] = [FlagLevel::Emergency, FlagLevel::Urgent];

/// Call in the transaction that submitted the form, after its flags were raised: queues
/// the alert email when the form raised an emergency or urgent flag and an alert address
/// is set, and returns what the thank-you page tells the patient.
pub fn after_form_submitted(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    mail_ctx: &MailContext,
    patient_id: &str,
    intake_id: &str,
) -> ServiceResult<PatientAdvice> {
    let raised: Vec<(String, FlagLevel)> = flag::from_source(conn, patient_id, intake_id)?
        .into_iter()
        .filter(|f| f.source == "intake")
        .filter_map(|f| FlagLevel::parse(&f.level).map(|l| (f.code, l)))
        .collect();
    let advice = PatientAdvice::for_flags(raised.iter().map(|(c, l)| (c.as_str(), *l)));
    let Some(urgency) = ReviewUrgency::most_pressing(raised.iter().map(|(_, l)| *l)) else {
        return Ok(advice);
    };
    let Some(to) = mail_ctx.alert_email.as_deref() else {
        // No patient data here: only that an alert could not be emailed.
        tracing::warn!(
            review = urgency.when(),
            "a pre-visit form needs review but CLINIC_ALERT_EMAIL is not set; it shows on Today only"
        );
        return Ok(advice);
    };
    let link = mail_ctx.link(&format!("/patients/{patient_id}"));
    let message = mail::templates::review_alert(mail_ctx, urgency, &link)
        .map_err(ServiceError::Unexpected)?;
    mail::enqueue(conn, now, to, &message)?;
    audit::record(
        conn,
        now,
        actor,
        AuditEntry::new(AuditAction::AlertQueued, Outcome::Success)
            .entity(intake_id)
            .patient(patient_id),
    )?;
    Ok(advice)
}

/// A patient whose pre-visit form raised an emergency or urgent flag that no
/// practitioner has acknowledged yet.
#[derive(Debug, Clone)]
pub struct WaitingForm {
    pub patient_id: String,
    pub patient_name: String,
    pub chart_number: String,
    pub urgency: ReviewUrgency,
    /// When the form that raised the most pressing flag came in (UTC).
    pub form_in_at: NaiveDateTime,
}

/// Everyone waiting for review, most pressing first and then longest waiting first.
/// Each patient listed is one `alerts.viewed` audit row: the list pairs a name with
/// "emergency", which is health information.
pub fn needs_review(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
) -> ServiceResult<Vec<WaitingForm>> {
    let levels = ALARM_LEVELS.map(FlagLevel::as_str);
    audited_read(conn, now, actor, |conn| {
        let rows = flag::open_from_intakes(conn, &levels)?;
        let mut waiting: Vec<WaitingForm> = Vec::new();
        let mut viewed = Vec::new();
        for (patient_id, (urgency, form_in_at, flag_id)) in most_pressing_per_patient(&rows) {
            let Some(p) = patient::find(conn, patient_id)? else {
                continue;
            };
            viewed.push(
                AuditEntry::new(AuditAction::AlertsViewed, Outcome::Success)
                    .entity(flag_id)
                    .patient(&p.id),
            );
            waiting.push(WaitingForm {
                patient_id: p.id,
                patient_name: format!("{}, {}", p.family_name, p.given_name),
                chart_number: p.chart_number,
                urgency,
                form_in_at,
            });
        }
        waiting.sort_by(|a, b| {
            (a.urgency, a.form_in_at, &a.chart_number).cmp(&(
                b.urgency,
                b.form_in_at,
                &b.chart_number,
            ))
        });
        Ok((waiting, viewed))
    })
}

/// Per patient: the most pressing urgency among their flags, the earliest time a flag of
/// that urgency was raised, and that flag's id; ordered by patient id so the audit rows
/// come out in the same order every time.
fn most_pressing_per_patient(
    rows: &[FlagRow],
) -> BTreeMap<&str, (ReviewUrgency, NaiveDateTime, &str)> {
    let mut out: BTreeMap<&str, (ReviewUrgency, NaiveDateTime, &str)> = BTreeMap::new();
    for f in rows {
        let Some(u) = FlagLevel::parse(&f.level).and_then(ReviewUrgency::for_level) else {
            continue;
        };
        let candidate = (u, f.raised_at, f.id.as_str());
        out.entry(f.patient_id.as_str())
            .and_modify(|best| {
                if (candidate.0, candidate.1) < (best.0, best.1) {
                    *best = candidate;
                }
            })
            .or_insert(candidate);
    }
    out
}
