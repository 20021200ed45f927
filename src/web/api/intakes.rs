//! Paper forms entered by staff: `POST /api/v1/patients/{id}/intakes` and
//! `POST /api/v1/patients/{id}/consents`.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::body::typed;
use super::flags::FlagJson;
use super::patients::patient_id;
use crate::domain::FieldErrors;
use crate::domain::intake::{IntakeAnswers, IntakeInput};
use crate::services::consents::{self, ConsentKind};
use crate::services::intake_form::missing_history_answers;
use crate::services::sessions::Principal;
use crate::services::{flags, intakes};
use crate::web::api_error::ErrorBody;
use crate::web::error::ApiError;
use crate::web::extract::ClientIp;
use crate::web::state::AppState;

/// A recorded paper intake and the patient's unresolved flags after it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PaperIntakeJson {
    pub id: String,
    /// `submitted`.
    pub status: String,
    /// UTC.
    pub submitted_at: Option<chrono::NaiveDateTime>,
    pub flags: Vec<FlagJson>,
}

/// Records a paper form typed in at the desk (every question answered, unless
/// `partial`), raising its flags.
#[utoipa::path(
    post,
    path = "/api/v1/patients/{id}/intakes",
    tag = "intake",
    params(("id" = String, Path, description = "The patient's id")),
    request_body(content = IntakeInput, description = "The answers, plus `\"partial\": true` when the paper form left some blank"),
    responses(
        (status = 201, description = "Recorded", body = PaperIntakeJson),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 404, description = "No such patient", body = ErrorBody),
        (status = 409, description = "Archived patient", body = ErrorBody),
        (status = 415, description = "Not sent as JSON", body = ErrorBody),
        (status = 422, description = "Answers missing or wrong", body = ErrorBody),
    ),
)]
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
    Ok(HttpResponse::Created().json(PaperIntakeJson {
        id: done.intake.id,
        status: done.intake.status,
        submitted_at: done.intake.submitted_at,
        flags,
    }))
}

/// A consent signed on paper: `kind` is `treatment`, `signed_name` the name as signed.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct ConsentBody {
    kind: String,
    signed_name: String,
}

/// A consent as recorded.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ConsentJson {
    pub id: String,
    pub kind: String,
    /// The version of the consent text signed.
    pub text_version: String,
    pub signed_name: String,
    /// UTC.
    pub signed_at: chrono::NaiveDateTime,
}

/// Records a consent signed on paper in front of the staff member (the witness).
#[utoipa::path(
    post,
    path = "/api/v1/patients/{id}/consents",
    tag = "intake",
    params(("id" = String, Path, description = "The patient's id")),
    request_body = ConsentBody,
    responses(
        (status = 201, description = "Recorded", body = ConsentJson),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 404, description = "No such patient", body = ErrorBody),
        (status = 409, description = "Archived patient", body = ErrorBody),
        (status = 415, description = "Not sent as JSON", body = ErrorBody),
        (status = 422, description = "Fields need attention", body = ErrorBody),
    ),
)]
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
    Ok(HttpResponse::Created().json(ConsentJson {
        id: row.id,
        kind: row.kind,
        text_version: row.text_version,
        signed_name: row.signed_name,
        signed_at: row.signed_at,
    }))
}
