//! Re-pinning a draft's history review to the patient's newest submitted form ("a
//! newer pre-visit form was submitted…; review it"). Signed records are never
//! re-pinned: their notice stays a notice.

use chrono::NaiveDateTime;

use super::record::{latest_pin, load_record, read_stored};
use super::{AssessmentRecord, audit_row, editable_draft, practitioner};
use crate::db::models::{assessment, intake};
use crate::db::{DbConnection, write_transaction};
use crate::domain::AssessmentId;
use crate::domain::assessment::Section;
use crate::domain::assessment::history_items::checks_still_valid;
use crate::services::audit::AuditAction;
use crate::services::{Actor, ServiceError, ServiceResult};

/// Pins the newest submitted form to the draft at `version`. A check of an item whose
/// answer reads the same on both forms is kept; the others are to be reviewed again.
/// Audited as `assessment.history_pinned` with both forms' ids.
pub fn pin_latest_history(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    id: &AssessmentId,
    version: i32,
) -> ServiceResult<AssessmentRecord> {
    let by = practitioner(actor)?.to_string();
    write_transaction(conn, |conn| {
        let row = editable_draft(conn, &by, id, Some(version))?;
        let mut stored = read_stored(&row)?;
        let mut content = stored.content.clone();
        let Some(pin) = latest_pin(conn, &row.patient_id)? else {
            return Err(ServiceError::Conflict(
                "This patient has not submitted a pre-visit form.".into(),
            ));
        };
        let old = content.history_source.clone();
        if old.as_ref().is_some_and(|o| o.intake_id == pin.intake_id) {
            return load_record(conn, row);
        }
        let load = |conn: &mut DbConnection, id: &str| -> ServiceResult<_> {
            match intake::find(conn, id)? {
                Some(r) => Ok(Some(intake::load_input(conn, &r)?)),
                None => Ok(None),
            }
        };
        let old_form = match &old {
            Some(o) => load(conn, &o.intake_id)?,
            None => None,
        };
        let new_form = load(conn, &pin.intake_id)?.ok_or(ServiceError::NotFound)?;
        if let Some(checks) = content.history.as_mut() {
            *checks = checks_still_valid(old_form.as_ref(), &new_form, checks);
        }
        let detail = format!(
            "intake {} → {}",
            old.as_ref().map(|o| o.intake_id.as_str()).unwrap_or("none"),
            pin.intake_id
        );
        content.history_source = Some(pin);
        stored.write_sections(&content, &[Section::History]);
        if !assessment::update_draft(conn, &row.id, version, &stored.text(), now)? {
            return Err(ServiceError::StaleVersion {
                current: row.version,
            });
        }
        audit_row(
            conn,
            now,
            actor,
            AuditAction::AssessmentHistoryPinned,
            &row,
            Some(detail),
        )?;
        let row = assessment::find(conn, &row.id)?.ok_or(ServiceError::NotFound)?;
        load_record(conn, row)
    })
}
