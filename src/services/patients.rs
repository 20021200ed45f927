//! Patients: register, read, edit (optimistic `version`), archive, search. Every read
//! and write writes an audit row naming the patient, in the same transaction.

use chrono::NaiveDateTime;

use super::audit::{self, AuditAction, AuditEntry, Outcome};
use super::audit_queue::audited_read;
use super::{Actor, DuplicateMatch, ServiceError, ServiceResult};
use crate::db::models::patient::{self, PatientFields, PatientRow};
use crate::db::{DbConnection, write_transaction};
use crate::domain::patient::{
    PatientDetails, format_chart_number, parse_search, phone_digits, phone_ending,
};
use crate::domain::{PatientId, new_id};

/// At most this many search results; the front desk narrows the search instead.
pub const SEARCH_LIMIT: i64 = 50;

/// The columns a registration sets (also used by `clinic seed`, which inserts in bulk).
pub(crate) fn fields(d: &PatientDetails) -> PatientFields {
    PatientFields {
        given_name: d.given_name.clone(),
        family_name: d.family_name.clone(),
        preferred_name: d.preferred_name.clone(),
        date_of_birth: d.date_of_birth,
        sex: d.sex.as_str().to_owned(),
        email: d.email.as_ref().map(|e| e.as_str().to_owned()),
        phone: d.phone.clone(),
        phone_digits: d.phone.as_deref().map(phone_digits),
        phone_ending: d
            .phone
            .as_deref()
            .and_then(|p| phone_ending(&phone_digits(p))),
        address_line1: d.address_line1.clone(),
        address_line2: d.address_line2.clone(),
        city: d.city.clone(),
        province: d.province.clone(),
        postal_code: d.postal_code.clone(),
        emergency_contact_name: d.emergency_contact_name.clone(),
        emergency_contact_phone: d.emergency_contact_phone.clone(),
        emergency_contact_relationship: d.emergency_contact_relationship.clone(),
        occupation: d.occupation.clone(),
        name_key: d.name_key(),
    }
}

fn duplicate_matches(rows: Vec<PatientRow>) -> Vec<DuplicateMatch> {
    rows.into_iter()
        .map(|p| DuplicateMatch {
            id: p.id,
            chart_number: p.chart_number,
            given_name: p.given_name,
            family_name: p.family_name,
            date_of_birth: p.date_of_birth,
        })
        .collect()
}

/// Registers a patient. Unless `allow_duplicate`, refuses (writing nothing) when an
/// active patient has the same name and birth date, ignoring case and accents.
pub fn register(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    details: &PatientDetails,
    allow_duplicate: bool,
) -> ServiceResult<PatientRow> {
    let f = fields(details);
    write_transaction(conn, |conn| {
        if !allow_duplicate {
            let dups = patient::possible_duplicates(conn, &f.name_key, f.date_of_birth, None)?;
            if !dups.is_empty() {
                return Err(ServiceError::PossibleDuplicate(duplicate_matches(dups)));
            }
        }
        let id = new_id();
        let chart = format_chart_number(patient::next_chart_number(conn)?);
        patient::insert(conn, &id, &chart, &f, now)?;
        patient::set_name_tokens(conn, &id, &details.name_tokens())?;
        audit::record(
            conn,
            now,
            actor,
            AuditEntry::new(AuditAction::PatientRegistered, Outcome::Success)
                .entity(&id)
                .patient(&id),
        )?;
        patient::find(conn, &id)?.ok_or(ServiceError::NotFound)
    })
}

/// Reads one patient (archived ones too: nothing is lost).
pub fn get(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    id: &PatientId,
) -> ServiceResult<PatientRow> {
    audited_read(conn, now, actor, |conn| {
        let row = patient::find(conn, id.as_str())?.ok_or(ServiceError::NotFound)?;
        let viewed = AuditEntry::new(AuditAction::PatientViewed, Outcome::Success)
            .entity(id.as_str())
            .patient(id.as_str());
        Ok((row, vec![viewed]))
    })
}

/// Saves an edit made on `version`; a stale version writes nothing.
pub fn update(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    id: &PatientId,
    version: i32,
    details: &PatientDetails,
) -> ServiceResult<PatientRow> {
    let f = fields(details);
    write_transaction(conn, |conn| {
        let current = patient::find(conn, id.as_str())?.ok_or(ServiceError::NotFound)?;
        if !patient::update(conn, id.as_str(), version, &f, now)? {
            return Err(ServiceError::StaleVersion {
                current: current.version,
            });
        }
        patient::set_name_tokens(conn, id.as_str(), &details.name_tokens())?;
        audit::record(
            conn,
            now,
            actor,
            AuditEntry::new(AuditAction::PatientUpdated, Outcome::Success)
                .entity(id.as_str())
                .patient(id.as_str()),
        )?;
        patient::find(conn, id.as_str())?.ok_or(ServiceError::NotFound)
    })
}

/// Archives (or restores) a patient: hidden from search, never deleted.
pub fn set_archived(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    id: &PatientId,
    archived: bool,
) -> ServiceResult<PatientRow> {
    write_transaction(conn, |conn| {
        let at = archived.then_some(now);
        if patient::set_archived(conn, id.as_str(), at, now)? == 0 {
            return Err(ServiceError::NotFound);
        }
        let action = if archived {
            AuditAction::PatientArchived
        } else {
            AuditAction::PatientRestored
        };
        audit::record(
            conn,
            now,
            actor,
            AuditEntry::new(action, Outcome::Success)
                .entity(id.as_str())
                .patient(id.as_str()),
        )?;
        patient::find(conn, id.as_str())?.ok_or(ServiceError::NotFound)
    })
}

/// Searches by name words, birth date, chart number or phone. The query text is not
/// audited (it may itself be health information); the number of results is.
pub fn search(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    q: &str,
    include_archived: bool,
) -> ServiceResult<Vec<PatientRow>> {
    let Some(what) = parse_search(q) else {
        return Ok(Vec::new());
    };
    audited_read(conn, now, actor, |conn| {
        let rows = patient::search(conn, &what, include_archived, SEARCH_LIMIT)?;
        let searched = AuditEntry::new(AuditAction::PatientsSearched, Outcome::Success)
            .detail(format!("{} results", rows.len()));
        Ok((rows, vec![searched]))
    })
}
