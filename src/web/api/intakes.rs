//! Paper forms entered by staff: `POST /api/v1/patients/{id}/intakes` and
//! `POST /api/v1/patients/{id}/consents`.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};

use super::body::typed;
use super::flags::FlagJson;
use super::patients::patient_id;
use crate::domain::FieldErrors;
use crate::domain::intake::{IntakeAnswers, IntakeInput};
use crate::services::consents::{self, ConsentKind};
use crate::services::intake_form::missing_history_answers;
use crate::services::sessions::Principal;
use crate::services::{flags, intakes};
use crate::web::error::ApiError;
use crate::web::extract::ClientIp;
use crate::web::state::AppState;

pub async fn record_paper_intake(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let pid = patient_id(&id)?;
    let now = state.clock.now();
    let Value::Object(mut body) = body.into_inner() else {
        return Err(FieldErrors::single("body", "Send a JSON object.").into());
    };
    let partial = match body.remove("partial") {
        None => false,
        Some(Value::Bool(b)) => b,
        Some(_) => return Err(FieldErrors::single("partial", "Send true or false.").into()),
    };
    let input: IntakeInput = typed(Value::Object(body))?;
    // The answers the patient's own form requires, unless the paper form really left
    // some blank and the desk says so (`"partial": true`): each blank question then
    // raises its "not answered" flag, and the complaint is still needed. `{}` once
    // recorded a submitted history with no answers at all.
    let mut missing = if partial {
        FieldErrors::new()
    } else {
        missing_history_answers(&input)
    };
    if input.chief_complaint.trim().is_empty() {
        missing.add(
            "chief_complaint",
            "Give what brings the patient in: a paper form needs at least that.",
        );
    }
    // Wrong values first, beside the missing ones: one answer lists everything.
    let answers = match IntakeAnswers::parse(&input, intakes::this_year(now)) {
        Ok(a) => a,
        Err(mut wrong) => {
            for (f, m) in missing.iter() {
                wrong.add(f, m);
            }
            return Err(wrong.into());
        }
    };
    missing.into_result()?;
    let actor = ip.actor(Some(&principal));
    let done = state
        .db(move |conn| intakes::record_paper_intake(conn, now, &actor, &pid, &answers))
        .await?;
    // The patient's unresolved flags after this intake: older ones may have been
    // referred or narrowed already.
    let rows = done.flags;
    let flags: Vec<FlagJson> = state
        .db(move |conn| flags::with_history(conn, rows))
        .await?
        .into_iter()
        .map(|f| FlagJson::from_record(f, principal.role))
        .collect();
    Ok(HttpResponse::Created().json(json!({
        "id": done.intake.id,
        "status": done.intake.status,
        "submitted_at": done.intake.submitted_at,
        "flags": flags,
    })))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ConsentBody {
    kind: String,
    signed_name: String,
}

pub async fn record_paper_consent(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    body: web::Json<ConsentBody>,
) -> Result<HttpResponse, ApiError> {
    let pid = patient_id(&id)?;
    let body = body.into_inner();
    let mut errors = FieldErrors::new();
    let kind = errors.check(
        "kind",
        ConsentKind::parse(&body.kind).ok_or_else(|| "The kind must be treatment.".to_owned()),
    );
    let signed = match consents::parse_signature(&body.signed_name) {
        Ok(s) => Some(s),
        Err(e) => {
            for (f, m) in e.iter() {
                errors.add(f, m);
            }
            None
        }
    };
    let (Some(kind), Some(signed)) = (kind, signed) else {
        return Err(errors.into());
    };
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let row = state
        .db(move |conn| consents::record_paper_consent(conn, now, &actor, &pid, kind, &signed))
        .await?;
    Ok(HttpResponse::Created().json(json!({
        "id": row.id,
        "kind": row.kind,
        "text_version": row.text_version,
        "signed_name": row.signed_name,
        "signed_at": row.signed_at,
    })))
}
