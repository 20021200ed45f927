//! Consents. The text patients sign is versioned; what was signed, by which typed name,
//! when and from where is kept.

use chrono::NaiveDateTime;

use super::audit::{self, AuditAction, AuditEntry, Outcome};
use super::{Actor, ServiceError, ServiceResult};
use crate::db::models::consent::{self, ConsentRow};
use crate::db::models::patient;
use crate::db::{DbConnection, write_transaction};
use crate::domain::{FieldErrors, PatientId, new_id};

/// The version of the treatment-consent text in `templates/consent_treatment.html`.
/// Change it whenever the text changes.
pub const TREATMENT_CONSENT_VERSION: &str = "treatment-2026-11";

/// Kinds of consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentKind {
    Treatment,
}

impl ConsentKind {
    pub fn parse(raw: &str) -> Option<Self> {
        (raw.trim() == "treatment").then_some(ConsentKind::Treatment)
    }

    pub fn as_str(self) -> &'static str {
        "treatment"
    }

    pub fn text_version(self) -> &'static str {
        TREATMENT_CONSENT_VERSION
    }
}

pub fn parse_signature(raw: &str) -> Result<String, FieldErrors> {
    let t = raw.trim();
    if t.chars().count() < 2 {
        return Err(FieldErrors::single(
            "signed_name",
            "Type the full name as a signature.",
        ));
    }
    if t.chars().count() > 200 || t.chars().any(char::is_control) {
        return Err(FieldErrors::single(
            "signed_name",
            "Use at most 200 characters, on one line.",
        ));
    }
    Ok(t.to_owned())
}

pub struct ConsentSignature<'a> {
    pub kind: ConsentKind,
    pub signed_name: &'a str,
    pub intake_id: Option<&'a str>,
}

/// Records a consent; call inside a write transaction (the patient's form does, with
/// its submission) or through [`record_paper_consent`].
pub fn record(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    patient_id: &str,
    sig: &ConsentSignature<'_>,
) -> ServiceResult<ConsentRow> {
    let row = ConsentRow {
        id: new_id(),
        patient_id: patient_id.to_owned(),
        kind: sig.kind.as_str().to_owned(),
        text_version: sig.kind.text_version().to_owned(),
        signed_name: sig.signed_name.to_owned(),
        signed_at: now,
        ip: actor.ip.clone(),
        intake_id: sig.intake_id.map(str::to_owned),
        witnessed_by: actor.user_id().map(|u| u.to_string()),
    };
    consent::insert(conn, &row)?;
    audit::record(
        conn,
        now,
        actor,
        AuditEntry::new(AuditAction::ConsentRecorded, Outcome::Success)
            .entity(&row.id)
            .patient(patient_id)
            .detail(row.text_version.clone()),
    )?;
    Ok(row)
}

/// A consent signed on paper in front of a staff member (recorded as the witness).
pub fn record_paper_consent(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    patient_id: &PatientId,
    kind: ConsentKind,
    signed_name: &str,
) -> ServiceResult<ConsentRow> {
    write_transaction(conn, |conn| {
        if patient::find(conn, patient_id.as_str())?.is_none() {
            return Err(ServiceError::NotFound);
        }
        record(
            conn,
            now,
            actor,
            patient_id.as_str(),
            &ConsentSignature {
                kind,
                signed_name,
                intake_id: None,
            },
        )
    })
}

/// True when the patient has signed the current treatment consent text.
pub fn has_treatment_consent(conn: &mut DbConnection, patient_id: &str) -> ServiceResult<bool> {
    Ok(consent::for_patient(conn, patient_id)?
        .iter()
        .any(|c| c.kind == "treatment" && c.text_version == TREATMENT_CONSENT_VERSION))
}
