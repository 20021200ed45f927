//! The front desk's API: intake invitations and appointments.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::body::{BodyFields, OptionalBody};
use super::patients::patient_id;
use crate::db::models::appointment::AppointmentRow;
use crate::db::models::invitation::InvitationRow;
use crate::services::ServiceError;
use crate::services::appointments::{self, Booking, BookingInput, StatusChange};
use crate::services::invitations;
use crate::services::sessions::Principal;
use crate::web::api_error::ErrorBody;
use crate::web::error::ApiError;
use crate::web::extract::ClientIp;
use crate::web::state::AppState;

fn object_id(raw: &str) -> Result<String, ApiError> {
    uuid::Uuid::parse_str(raw)
        .map(|u| u.to_string())
        .map_err(|_| ApiError(ServiceError::NotFound))
}

/// Where to send the form (the address on file when absent) and the visit it is for.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct InvitationBody {
    email: Option<String>,
    appointment_id: Option<String>,
}

impl BodyFields for InvitationBody {
    const FIELDS: &'static [&'static str] = &["email", "appointment_id"];
}

/// A link to the pre-visit form, as the API shows it: never its token, which only
/// travels in the email.
#[derive(Serialize, utoipa::ToSchema)]
pub struct InvitationJson {
    pub id: String,
    /// UTC.
    pub expires_at: chrono::NaiveDateTime,
    pub sent_to: String,
}

impl From<InvitationRow> for InvitationJson {
    fn from(inv: InvitationRow) -> Self {
        InvitationJson {
            id: inv.id,
            expires_at: inv.expires_at,
            sent_to: inv.sent_to,
        }
    }
}

/// Emails the pre-visit form (revoking an earlier emailed link that still works).
#[utoipa::path(
    post,
    path = "/api/v1/patients/{id}/intake-invitations",
    tag = "front desk",
    params(("id" = String, Path, description = "The patient's id")),
    request_body(content = Option<InvitationBody>, description = "No body: to the address on file"),
    responses(
        (status = 201, description = "Queued", body = InvitationJson),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 404, description = "No such patient", body = ErrorBody),
        (status = 409, description = "Archived patient, or the form is already in", body = ErrorBody),
        (status = 415, description = "Not sent as JSON", body = ErrorBody),
        (status = 422, description = "Fields need attention", body = ErrorBody),
    ),
)]
pub async fn send_invitation(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    OptionalBody(body): OptionalBody<InvitationBody>,
) -> Result<HttpResponse, ApiError> {
    let pid = patient_id(&id)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let mail = state.mail.clone();
    let inv = state
        .db(move |conn| {
            invitations::send(
                conn,
                now,
                &actor,
                &pid,
                body.email.as_deref(),
                body.appointment_id.as_deref(),
                &mail,
            )
        })
        .await?;
    state.wake_mailer();
    Ok(HttpResponse::Created().json(InvitationJson::from(inv)))
}

/// Sends the form again with a new link; the old link stops working.
#[utoipa::path(
    post,
    path = "/api/v1/intake-invitations/{id}/resend",
    tag = "front desk",
    params(("id" = String, Path, description = "The invitation's id")),
    responses(
        (status = 200, description = "Queued with a new link", body = InvitationJson),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 404, description = "No such invitation", body = ErrorBody),
        (status = 409, description = "A paper entry, or the form is already in", body = ErrorBody),
    ),
)]
pub async fn resend_invitation(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let iid = object_id(&id)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let mail = state.mail.clone();
    let inv = state
        .db(move |conn| invitations::resend(conn, now, &actor, &iid, &mail))
        .await?;
    state.wake_mailer();
    Ok(HttpResponse::Ok().json(InvitationJson::from(inv)))
}

/// Withdraws a link: it stops working.
#[utoipa::path(
    delete,
    path = "/api/v1/intake-invitations/{id}",
    tag = "front desk",
    params(("id" = String, Path, description = "The invitation's id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 404, description = "No such invitation", body = ErrorBody),
        (status = 409, description = "Already used", body = ErrorBody),
    ),
)]
pub async fn revoke_invitation(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let iid = object_id(&id)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    state
        .db(move |conn| invitations::revoke(conn, now, &actor, &iid))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A visit as the API shows it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AppointmentJson {
    pub id: String,
    pub patient_id: String,
    pub practitioner_id: String,
    /// The clinic's wall clock, `YYYY-MM-DDTHH:MM`.
    pub starts_at: String,
    pub minutes: i32,
    /// `first_visit` or `follow_up`.
    pub kind: String,
    /// `booked`, `arrived`, `cancelled` or `no_show`.
    pub status: String,
    /// UTC.
    pub arrived_at: Option<chrono::NaiveDateTime>,
}

impl From<&AppointmentRow> for AppointmentJson {
    fn from(a: &AppointmentRow) -> Self {
        AppointmentJson {
            id: a.id.clone(),
            patient_id: a.patient_id.clone(),
            practitioner_id: a.practitioner_id.clone(),
            starts_at: a.starts_at.format("%Y-%m-%dT%H:%M").to_string(),
            minutes: a.minutes,
            kind: a.kind.clone(),
            status: a.status.clone(),
            arrived_at: a.arrived_at,
        }
    }
}

/// Books a visit. An overlap with the practitioner's other visits is refused unless
/// `allow_overlap`.
#[utoipa::path(
    post,
    path = "/api/v1/patients/{id}/appointments",
    tag = "front desk",
    params(("id" = String, Path, description = "The patient's id")),
    request_body = BookingInput,
    responses(
        (status = 201, description = "Booked", body = AppointmentJson),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 404, description = "No such patient", body = ErrorBody),
        (status = 409, description = "Overlaps another visit, or archived patient", body = ErrorBody),
        (status = 415, description = "Not sent as JSON", body = ErrorBody),
        (status = 422, description = "Fields need attention", body = ErrorBody),
    ),
)]
pub async fn book(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    body: web::Json<BookingInput>,
) -> Result<HttpResponse, ApiError> {
    let pid = patient_id(&id)?;
    let now = state.clock.now();
    // Appointment times are the clinic's wall clock: compared with its own "now".
    let booking = Booking::parse(&body, state.zone.local(now))?;
    let actor = ip.actor(Some(&principal));
    let a = state
        .db(move |conn| appointments::book(conn, now, &actor, &pid, &booking))
        .await?;
    Ok(HttpResponse::Created().json(AppointmentJson::from(&a)))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct DayQuery {
    /// YYYY-MM-DD; today at the clinic when absent.
    date: Option<String>,
}

/// A visit on the day list.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DayLineJson {
    #[serde(flatten)]
    pub appointment: AppointmentJson,
    pub patient_name: String,
    pub chart_number: String,
    pub practitioner_name: String,
    /// `not_sent`, `sent`, `opened`, `in_progress` or `submitted`.
    pub form_status: &'static str,
    /// The most severe open flag's level, if any.
    pub top_flag: Option<&'static str>,
}

/// One day's visits.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DayJson {
    pub date: chrono::NaiveDate,
    pub items: Vec<DayLineJson>,
}

/// The day list with form status and the most severe open flag.
#[utoipa::path(
    get,
    path = "/api/v1/appointments",
    tag = "front desk",
    params(DayQuery),
    responses(
        (status = 200, description = "The day", body = DayJson),
        (status = 400, description = "The query cannot be read", body = ErrorBody),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 422, description = "Not a date in range", body = ErrorBody),
    ),
)]
pub async fn day(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    q: web::Query<DayQuery>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let date = match q.date.as_deref() {
        None | Some("") => state.zone.today(now),
        Some(raw) => crate::domain::calendar::parse_iso(raw)
            .map_err(|msg| crate::domain::FieldErrors::single("date", msg))?,
    };
    let actor = ip.actor(Some(&principal));
    let lines = state
        .db(move |conn| appointments::day(conn, now, &actor, date))
        .await?;
    let items = lines
        .iter()
        .map(|l| DayLineJson {
            appointment: AppointmentJson::from(&l.appointment),
            patient_name: l.patient_name.clone(),
            chart_number: l.chart_number.clone(),
            practitioner_name: l.practitioner_name.clone(),
            form_status: l.form_status.as_str(),
            top_flag: l.top_flag.map(|f| f.as_str()),
        })
        .collect();
    Ok(HttpResponse::Ok().json(DayJson { date, items }))
}

/// The patient has arrived.
#[utoipa::path(
    post,
    path = "/api/v1/appointments/{id}/check-in",
    tag = "front desk",
    params(("id" = String, Path, description = "The appointment's id")),
    responses(
        (status = 200, description = "Arrived", body = AppointmentJson),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 404, description = "No such appointment", body = ErrorBody),
        (status = 409, description = "Cancelled, or not today", body = ErrorBody),
    ),
)]
pub async fn check_in(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let aid = object_id(&id)?;
    let now = state.clock.now();
    let zone = state.zone;
    let actor = ip.actor(Some(&principal));
    let a = state
        .db(move |conn| {
            appointments::change_status(conn, now, zone, &actor, &aid, StatusChange::CheckIn)
        })
        .await?;
    Ok(HttpResponse::Ok().json(AppointmentJson::from(&a)))
}
