//! What leaves the clinic when a record is exported (FHIR, see `crate::fhir`): the
//! patient, every submitted pre-visit form, every flag (resolved ones too), every
//! consent and every signed assessment with its addenda. Drafts stay behind: a record
//! leaves only once it is signed. Practitioners and admins only; each export is one
//! audited read.

use chrono::NaiveDateTime;

use super::assessments::{AssessmentRecord, load_record};
use super::audit::{AuditAction, AuditEntry, Outcome};
use super::audit_queue::audited_read;
use super::{Actor, ServiceError, ServiceResult};
use crate::db::DbConnection;
use crate::db::models::consent::{self, ConsentRow};
use crate::db::models::flag::{self, FlagRow};
use crate::db::models::patient::{self, PatientRow};
use crate::db::models::user::{self, UserRow};
use crate::db::models::{assessment, intake};
use crate::domain::intake::IntakeInput;
use crate::domain::{AssessmentId, PatientId, Role};

/// Who filled in a submitted form: the patient from an emailed link, or the staff
/// member who typed in a paper form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormAuthor {
    Patient,
    Staff(String),
}

/// A submitted pre-visit form as exported.
#[derive(Debug, Clone)]
pub struct SubmittedForm {
    pub intake_id: String,
    pub patient_id: String,
    pub submitted_at: NaiveDateTime,
    pub author: FormAuthor,
    pub answers: IntakeInput,
}

/// A patient's whole record, as it is exported.
#[derive(Debug, Clone)]
pub struct PatientExport {
    pub patient: PatientRow,
    pub forms: Vec<SubmittedForm>,
    pub flags: Vec<FlagRow>,
    pub consents: Vec<ConsentRow>,
    pub assessments: Vec<AssessmentRecord>,
    /// Every staff member the record names (authors, signers, witnesses).
    pub staff: Vec<UserRow>,
}

fn exporter(actor: &Actor) -> ServiceResult<()> {
    match &actor.user {
        Some((_, Role::Practitioner | Role::Admin)) => Ok(()),
        // The command line (`clinic export fhir`) runs as the operator of the server.
        None if actor.is_command_line() => Ok(()),
        _ => Err(ServiceError::Forbidden),
    }
}

/// Reads everything of one patient for export (no audit row: the callers write it).
fn read(conn: &mut DbConnection, patient_id: &str) -> ServiceResult<PatientExport> {
    let patient = patient::find(conn, patient_id)?.ok_or(ServiceError::NotFound)?;
    let mut forms = Vec::new();
    for row in intake::submitted_for_patient(conn, patient_id)? {
        let answers = intake::load_input(conn, &row)?;
        forms.push(SubmittedForm {
            author: match &row.entered_by {
                Some(staff) => FormAuthor::Staff(staff.clone()),
                None => FormAuthor::Patient,
            },
            submitted_at: row.submitted_at.unwrap_or(row.updated_at),
            intake_id: row.id,
            patient_id: row.patient_id,
            answers,
        });
    }
    let flags = flag::for_patient(conn, patient_id)?;
    let consents = consent::for_patient(conn, patient_id)?;
    let mut assessments = Vec::new();
    for row in assessment::for_patient(conn, patient_id)? {
        if row.status == "signed" {
            assessments.push(load_record(conn, row)?);
        }
    }
    let mut ids: Vec<String> = Vec::new();
    ids.extend(forms.iter().filter_map(|f| match &f.author {
        FormAuthor::Staff(id) => Some(id.clone()),
        FormAuthor::Patient => None,
    }));
    ids.extend(consents.iter().filter_map(|c| c.witnessed_by.clone()));
    ids.extend(flags.iter().filter_map(|f| f.raised_by.clone()));
    for a in &assessments {
        ids.push(a.row.practitioner_id.clone());
        ids.extend(a.row.signed_by.clone());
        ids.extend(a.addenda.iter().map(|d| d.author_id.clone()));
    }
    ids.sort();
    ids.dedup();
    let mut staff = Vec::new();
    for id in ids {
        staff.extend(user::find(conn, &id)?);
    }
    Ok(PatientExport {
        patient,
        forms,
        flags,
        consents,
        assessments,
        staff,
    })
}

/// A patient's record for export, audited as `record.exported`.
pub fn patient_record(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    id: &PatientId,
) -> ServiceResult<PatientExport> {
    exporter(actor)?;
    audited_read(conn, now, actor, |conn| {
        let export = read(conn, id.as_str())?;
        let exported = AuditEntry::new(AuditAction::RecordExported, Outcome::Success)
            .entity(id.as_str())
            .patient(id.as_str())
            .detail(format!(
                "FHIR: {} forms, {} flags, {} consents, {} signed assessments",
                export.forms.len(),
                export.flags.len(),
                export.consents.len(),
                export.assessments.len()
            ));
        Ok((export, vec![exported]))
    })
}

/// One signed assessment for export as a FHIR document, with the patient and the
/// staff it names, audited as `assessment.exported`. A draft is refused (409).
pub fn signed_assessment(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    id: &AssessmentId,
) -> ServiceResult<(AssessmentRecord, PatientExport)> {
    exporter(actor)?;
    audited_read(conn, now, actor, |conn| {
        let row = assessment::find(conn, id.as_str())?.ok_or(ServiceError::NotFound)?;
        if row.status != "signed" {
            return Err(ServiceError::Conflict(
                "Only a signed assessment is exported; sign it first.".into(),
            ));
        }
        let mut export = read(conn, &row.patient_id)?;
        let exported = AuditEntry::new(AuditAction::AssessmentExported, Outcome::Success)
            .entity(id.as_str())
            .patient(&row.patient_id)
            .detail("FHIR document");
        let pos = export
            .assessments
            .iter()
            .position(|a| a.row.id == id.as_str())
            .ok_or(ServiceError::NotFound)?;
        let record = export.assessments.swap_remove(pos);
        Ok(((record, export), vec![exported]))
    })
}

/// The ids of every patient, oldest chart first (`clinic export fhir --all`).
pub fn all_patient_ids(conn: &mut DbConnection) -> ServiceResult<Vec<String>> {
    Ok(patient::all_ids(conn)?)
}
