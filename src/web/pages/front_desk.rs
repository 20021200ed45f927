//! The front desk's pages: the day list with the forms that need review now above it,
//! booking a visit, check-in, and sending, resending or revoking the pre-visit form.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{NaiveDate, TimeDelta};
use serde::Deserialize;

use super::{Page, no_errors, render, render_with, see_other};
use crate::domain::{FieldErrors, PatientId};
use crate::services::alerts::{self, WaitingForm};
use crate::services::appointments::{
    self, AppointmentKind, Booking, BookingInput, DayLine, StatusChange,
};
use crate::services::sessions::Principal;
use crate::services::{ServiceError, invitations, patients};
use crate::web::error::PageError;
use crate::web::extract::{ClientIp, CsrfToken};
use crate::web::state::AppState;

fn object_id(raw: &str) -> Result<String, PageError> {
    uuid::Uuid::parse_str(raw)
        .map(|u| u.to_string())
        .map_err(|_| PageError(ServiceError::NotFound))
}

#[derive(Template)]
#[template(path = "day.html")]
struct DayPage {
    page: Page,
    date: NaiveDate,
    prev: NaiveDate,
    next: NaiveDate,
    lines: Vec<DayLine>,
    needs_review: Vec<ReviewLine>,
    notice: Option<String>,
    /// A practitioner sees their own patients first and can start or continue the
    /// assessment of an arrived patient from the list.
    practitioner_id: Option<String>,
}

/// One patient under "Needs review now".
struct ReviewLine {
    patient_id: String,
    patient_name: String,
    chart_number: String,
    /// `emergency` or `urgent`, for the badge's class.
    level: &'static str,
    label: &'static str,
    desk_action: &'static str,
    form_in: String,
}

impl From<WaitingForm> for ReviewLine {
    fn from(w: WaitingForm) -> Self {
        ReviewLine {
            level: w.urgency.level().as_str(),
            label: w.urgency.label(),
            desk_action: w.urgency.desk_action(),
            // The app has no clinic time zone: times it recorded itself are UTC.
            form_in: w.form_in_at.format("%a %-d %b, %H:%M UTC").to_string(),
            patient_id: w.patient_id,
            patient_name: w.patient_name,
            chart_number: w.chart_number,
        }
    }
}

#[derive(Deserialize)]
pub struct DayQuery {
    date: Option<String>,
    done: Option<String>,
}

pub async fn day(
    state: web::Data<AppState>,
    principal: Principal,
    csrf: CsrfToken,
    ip: ClientIp,
    q: web::Query<DayQuery>,
) -> Result<HttpResponse, PageError> {
    let now = state.clock.now();
    let date = q
        .date
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .unwrap_or(now.date());
    let actor = ip.actor(Some(&principal));
    // Forms waiting for review are shown whatever day is open: an emergency does not
    // belong to a date.
    let (mut lines, waiting) = state
        .db(move |conn| {
            let lines = appointments::day(conn, now, &actor, date)?;
            Ok((lines, alerts::needs_review(conn, now, &actor)?))
        })
        .await?;
    let practitioner_id = (principal.role == crate::domain::Role::Practitioner)
        .then(|| principal.user_id.to_string());
    if let Some(me) = &practitioner_id {
        // Own patients first, each group still in time order (the sort is stable).
        lines.sort_by_key(|l| l.appointment.practitioner_id != *me);
    }
    let notice = q.done.as_deref().map(|d| match d {
        "arrived" => "Checked in.".to_owned(),
        "sent" => "The form is on its way by email.".to_owned(),
        "cancelled" => "The appointment was cancelled.".to_owned(),
        "no_show" => "Marked as no-show.".to_owned(),
        _ => "Done.".to_owned(),
    });
    render(&DayPage {
        page: Page::new("Today", &state, Some(&principal), &csrf),
        prev: date - TimeDelta::days(1),
        next: date + TimeDelta::days(1),
        date,
        lines,
        needs_review: waiting.into_iter().map(ReviewLine::from).collect(),
        notice,
        practitioner_id,
    })
}

#[derive(Template)]
#[template(path = "appointment_new.html")]
struct BookingPage {
    page: Page,
    flags: Vec<super::patients::BannerFlag>,
    patient_id: String,
    patient_name: String,
    has_email: bool,
    practitioners: Vec<(String, String)>,
    form: BookingInput,
    send_form: bool,
    errors: FieldErrors,
    kinds: Vec<(&'static str, &'static str)>,
}

fn kinds() -> Vec<(&'static str, &'static str)> {
    [AppointmentKind::FirstVisit, AppointmentKind::FollowUp]
        .iter()
        .map(|k| (k.as_str(), k.label()))
        .collect()
}

async fn booking_page(
    state: &AppState,
    principal: &Principal,
    csrf: &CsrfToken,
    ip: &ClientIp,
    id: PatientId,
    (form, send_form): (BookingInput, bool),
    errors: FieldErrors,
) -> Result<BookingPage, PageError> {
    let now = state.clock.now();
    let actor = ip.actor(Some(principal));
    let (p, practitioners, banner) = state
        .db(move |conn| {
            let p = patients::get(conn, now, &actor, &id)?;
            let f = crate::services::flags::unresolved_with_history(conn, &p.id)?;
            Ok((p, appointments::practitioners(conn)?, f))
        })
        .await?;
    Ok(BookingPage {
        flags: banner
            .into_iter()
            .map(super::patients::BannerFlag::from_record)
            .collect(),
        page: Page::new("Book a visit", state, Some(principal), csrf),
        patient_id: p.id,
        patient_name: format!("{} {}", p.given_name, p.family_name),
        has_email: p.email.is_some(),
        practitioners,
        form,
        send_form,
        errors,
        kinds: kinds(),
    })
}

pub async fn new_booking(
    state: web::Data<AppState>,
    principal: Principal,
    csrf: CsrfToken,
    ip: ClientIp,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let pid = PatientId::parse(&id).ok_or(PageError(ServiceError::NotFound))?;
    let tomorrow = state.clock.now().date() + TimeDelta::days(1);
    let form = BookingInput {
        starts_at: format!("{tomorrow}T09:00"),
        minutes: Some(45),
        kind: "first_visit".into(),
        ..Default::default()
    };
    let page = booking_page(
        &state,
        &principal,
        &csrf,
        &ip,
        pid,
        (form, true),
        no_errors(),
    )
    .await?;
    render(&page)
}

/// The booking form. Not `#[serde(flatten)]` over [`BookingInput`]: flattened form
/// fields arrive as text, and the minutes are a number there.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BookingForm {
    practitioner_id: String,
    starts_at: String,
    minutes: String,
    kind: String,
    send_form: Option<String>,
}

pub async fn book(
    state: web::Data<AppState>,
    principal: Principal,
    csrf: CsrfToken,
    ip: ClientIp,
    id: web::Path<String>,
    form: web::Form<BookingForm>,
) -> Result<HttpResponse, PageError> {
    let pid = PatientId::parse(&id).ok_or(PageError(ServiceError::NotFound))?;
    let form = form.into_inner();
    let send_form = form.send_form.is_some();
    let input = BookingInput {
        practitioner_id: form.practitioner_id,
        starts_at: form.starts_at,
        // Out-of-range and unreadable lengths are reported by the parse below.
        minutes: if form.minutes.trim().is_empty() {
            None
        } else {
            Some(form.minutes.trim().parse().unwrap_or(-1))
        },
        kind: form.kind,
    };
    let now = state.clock.now();
    let parsed = Booking::parse(&input, now);
    let result = match parsed {
        Ok(b) => {
            let actor = ip.actor(Some(&principal));
            let mail = state.mail.clone();
            let pid2 = pid.clone();
            state
                .db(move |conn| {
                    let a = appointments::book(conn, now, &actor, &pid2, &b)?;
                    // Booking a first visit offers to send the form; the box is ticked
                    // by default when the patient has an email address.
                    if send_form && b.kind == AppointmentKind::FirstVisit {
                        invitations::send(conn, now, &actor, &pid2, None, Some(&a.id), &mail)?;
                    }
                    Ok(a)
                })
                .await
        }
        Err(e) => Err(ServiceError::Invalid(e)),
    };
    match result {
        Ok(a) => {
            state.wake_mailer();
            let sent = if send_form { "&done=sent" } else { "" };
            Ok(see_other(&format!(
                "/day?date={}{sent}",
                a.starts_at.date()
            )))
        }
        Err(ServiceError::Invalid(errors)) => {
            let page = booking_page(
                &state,
                &principal,
                &csrf,
                &ip,
                pid,
                (input, send_form),
                errors,
            )
            .await?;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

async fn change(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: String,
    change: StatusChange,
) -> Result<HttpResponse, PageError> {
    let aid = object_id(&id)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let a = state
        .db(move |conn| appointments::change_status(conn, now, &actor, &aid, change))
        .await?;
    Ok(see_other(&format!(
        "/day?date={}&done={}",
        a.starts_at.date(),
        a.status
    )))
}

pub async fn check_in(
    state: web::Data<AppState>,
    p: Principal,
    ip: ClientIp,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    change(state, p, ip, id.into_inner(), StatusChange::CheckIn).await
}

pub async fn cancel(
    state: web::Data<AppState>,
    p: Principal,
    ip: ClientIp,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    change(state, p, ip, id.into_inner(), StatusChange::Cancel).await
}

pub async fn no_show(
    state: web::Data<AppState>,
    p: Principal,
    ip: ClientIp,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    change(state, p, ip, id.into_inner(), StatusChange::NoShow).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SendForm {
    email: String,
    back: String,
}

/// Where to return after a button: the day list or the patient page (never elsewhere).
fn back_to(back: &str, patient_id: &str) -> String {
    if back.starts_with("/day") && !back.contains("//") {
        back.to_owned()
    } else {
        format!("/patients/{patient_id}")
    }
}

pub async fn send_invitation(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    form: web::Form<SendForm>,
) -> Result<HttpResponse, PageError> {
    let pid = PatientId::parse(&id).ok_or(PageError(ServiceError::NotFound))?;
    let form = form.into_inner();
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let mail = state.mail.clone();
    let pid2 = pid.clone();
    let email = form.email.clone();
    state
        .db(move |conn| invitations::send(conn, now, &actor, &pid2, Some(&email), None, &mail))
        .await?;
    state.wake_mailer();
    Ok(see_other(&format!(
        "{}{}sent=1",
        back_to(&form.back, pid.as_str()),
        if form.back.contains('?') { "&" } else { "?" }
    )))
}

pub async fn resend_invitation(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    form: web::Form<SendForm>,
) -> Result<HttpResponse, PageError> {
    let iid = object_id(&id)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let mail = state.mail.clone();
    let inv = state
        .db(move |conn| invitations::resend(conn, now, &actor, &iid, &mail))
        .await?;
    state.wake_mailer();
    Ok(see_other(&back_to(&form.back, &inv.patient_id)))
}

pub async fn revoke_invitation(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    form: web::Form<SendForm>,
) -> Result<HttpResponse, PageError> {
    let iid = object_id(&id)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let inv = state
        .db(move |conn| invitations::revoke(conn, now, &actor, &iid))
        .await?;
    Ok(see_other(&back_to(&form.back, &inv.patient_id)))
}

/// Enter a walk-in's paper form: opens the same form the patient would fill in.
pub async fn start_paper_entry(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let pid = PatientId::parse(&id).ok_or(PageError(ServiceError::NotFound))?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let token = state
        .db(move |conn| invitations::start_paper_entry(conn, now, &actor, &pid))
        .await?;
    Ok(see_other(&format!("/intake/{token}?step=1")))
}
