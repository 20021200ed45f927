//! The front desk's API: intake invitations and appointments.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use super::body::{BodyFields, OptionalBody};
use super::patients::patient_id;
use crate::db::models::appointment::AppointmentRow;
use crate::services::ServiceError;
use crate::services::appointments::{self, Booking, BookingInput, StatusChange};
use crate::services::invitations;
use crate::services::sessions::Principal;
use crate::web::error::ApiError;
use crate::web::extract::ClientIp;
use crate::web::state::AppState;

fn object_id(raw: &str) -> Result<String, ApiError> {
    uuid::Uuid::parse_str(raw)
        .map(|u| u.to_string())
        .map_err(|_| ApiError(ServiceError::NotFound))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct InvitationBody {
    email: Option<String>,
    appointment_id: Option<String>,
}

impl BodyFields for InvitationBody {
    const FIELDS: &'static [&'static str] = &["email", "appointment_id"];
}

/// `POST /api/v1/patients/{id}/intake-invitations` → 201 `{"id","expires_at","sent_to"}`.
/// The token is never returned: it only travels in the email.
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
    Ok(HttpResponse::Created()
        .json(json!({ "id": inv.id, "expires_at": inv.expires_at, "sent_to": inv.sent_to })))
}

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
    Ok(HttpResponse::Ok()
        .json(json!({ "id": inv.id, "expires_at": inv.expires_at, "sent_to": inv.sent_to })))
}

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

fn appointment_json(a: &AppointmentRow) -> serde_json::Value {
    json!({
        "id": a.id, "patient_id": a.patient_id, "practitioner_id": a.practitioner_id,
        "starts_at": a.starts_at.format("%Y-%m-%dT%H:%M").to_string(), "minutes": a.minutes,
        "kind": a.kind, "status": a.status, "arrived_at": a.arrived_at,
    })
}

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
    Ok(HttpResponse::Created().json(appointment_json(&a)))
}

#[derive(Deserialize)]
pub struct DayQuery {
    date: Option<String>,
}

/// `GET /api/v1/appointments?date=YYYY-MM-DD`: the day list with form status and the
/// most severe open flag.
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
    let items: Vec<serde_json::Value> = lines
        .iter()
        .map(|l| {
            let mut v = appointment_json(&l.appointment);
            v["patient_name"] = json!(l.patient_name);
            v["chart_number"] = json!(l.chart_number);
            v["practitioner_name"] = json!(l.practitioner_name);
            v["form_status"] = json!(l.form_status.as_str());
            v["top_flag"] = json!(l.top_flag.map(|f| f.as_str()));
            v
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "date": date, "items": items })))
}

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
    Ok(HttpResponse::Ok().json(appointment_json(&a)))
}
