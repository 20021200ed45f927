//! The front desk's pages: the day list with the forms that need review now above it,
//! booking a visit, check-in, and sending, resending or revoking the pre-visit form.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;

use super::flag_summary::FlagSummary;
use super::{Page, no_errors, render, render_with, see_other};
use crate::clinic_time::ClinicZone;
use crate::domain::{FieldErrors, PatientId, calendar};
use crate::services::alerts::{self, WaitingForm};
use crate::services::appointments::{
    self, AppointmentKind, Booking, BookingInput, DayLine, Slot, StatusChange,
};
use crate::services::invitations::FormStatus;
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
    /// Why the date asked for is not the one shown.
    unread: Option<String>,
    /// A practitioner sees their own patients first and can start or continue the
    /// assessment of an arrived patient from the list.
    practitioner_id: Option<String>,
    /// The "Practitioner" filter's choices and the one chosen ("" for everyone).
    practitioners: Vec<(String, String)>,
    only: String,
    /// A check-in can be undone the day it was made (the clinic's day).
    today: NaiveDate,
    zone: ClinicZone,
}

impl DayPage {
    fn checked_in_today(&self, arrived_at: &chrono::NaiveDateTime) -> bool {
        self.zone.today(*arrived_at) == self.today
    }
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
    /// Only this practitioner's appointments.
    practitioner: Option<String>,
}

pub async fn day(
    state: web::Data<AppState>,
    principal: Principal,
    csrf: CsrfToken,
    ip: ClientIp,
    q: web::Query<DayQuery>,
) -> Result<HttpResponse, PageError> {
    let now = state.clock.now();
    let today = state.zone.today(now);
    // A date that cannot be read shows today, and says so.
    let (date, unread) = match q.date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => (today, None),
        Some(raw) => match calendar::parse_iso(raw) {
            Ok(d) => (d, None),
            Err(msg) => (today, Some(format!("{msg} Showing today."))),
        },
    };
    let actor = ip.actor(Some(&principal));
    // Forms waiting for review are shown whatever day is open: an emergency does not
    // belong to a date.
    let (mut lines, waiting, practitioners) = state
        .db(move |conn| {
            let lines = appointments::day(conn, now, &actor, date)?;
            let waiting = alerts::needs_review(conn, now, &actor)?;
            Ok((lines, waiting, appointments::practitioners(conn)?))
        })
        .await?;
    let only = q.practitioner.as_deref().unwrap_or("").trim().to_owned();
    if !only.is_empty() {
        lines.retain(|l| l.appointment.practitioner_id == only);
    }
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
        "booked" => "Check-in undone: the visit is booked again.".to_owned(),
        _ => "Done.".to_owned(),
    });
    render(&DayPage {
        page: Page::new("Today", &state, Some(&principal), &csrf),
        prev: calendar::day_before(date),
        next: calendar::day_after(date),
        date,
        lines,
        needs_review: waiting.into_iter().map(ReviewLine::from).collect(),
        notice,
        unread,
        practitioner_id,
        practitioners,
        only,
        today,
        zone: state.zone,
    })
}

#[derive(Template)]
#[template(path = "appointment_new.html")]
struct BookingPage {
    page: Page,
    flags: Option<FlagSummary>,
    patient_id: String,
    patient_name: String,
    has_email: bool,
    practitioners: Vec<(String, String)>,
    /// The day the practitioner's slots are shown for, and the booking's date.
    date: NaiveDate,
    /// The date field's text: the date, or what was typed when it could not be read.
    date_text: String,
    /// The days either side, to step through the practitioner's week without typing.
    prev: NaiveDate,
    next: NaiveDate,
    /// The chosen practitioner's name and day, once one is chosen.
    day: Option<(String, Vec<Slot>)>,
    form: BookingInput,
    /// The time part of `form.starts_at`, for the time field.
    time: String,
    send_form: bool,
    /// Why "Email the pre-visit form now" is not ticked, when the form is in or a link
    /// still works.
    send_form_note: Option<String>,
    errors: FieldErrors,
    kinds: Vec<(&'static str, &'static str)>,
}

fn kinds() -> Vec<(&'static str, &'static str)> {
    [AppointmentKind::FirstVisit, AppointmentKind::FollowUp]
        .iter()
        .map(|k| (k.as_str(), k.label()))
        .collect()
}

/// A form already submitted, or a link that still works, is a reason not to email
/// another one by default (booking used to send a fresh link over a submitted form).
fn send_form_note(
    zone: &ClinicZone,
    status: FormStatus,
    live_until: Option<NaiveDateTime>,
) -> Option<String> {
    match (status, live_until) {
        (FormStatus::Submitted, _) => {
            Some("Not ticked: this patient's pre-visit form is already submitted.".into())
        }
        (_, Some(until)) => Some(format!(
            "Not ticked: the link already sent still works until {}.",
            zone.show(until)
        )),
        _ => None,
    }
}

/// The date part of a typed `starts_at`, when it has one.
fn date_of(starts_at: &str) -> Option<NaiveDate> {
    starts_at
        .get(..10)
        .and_then(|d| calendar::parse_iso(d).ok())
}

async fn booking_page(
    state: &AppState,
    principal: &Principal,
    csrf: &CsrfToken,
    ip: &ClientIp,
    id: PatientId,
    (form, send_form): (BookingInput, Option<bool>),
    errors: FieldErrors,
) -> Result<BookingPage, PageError> {
    let now = state.clock.now();
    let actor = ip.actor(Some(principal));
    let date = date_of(&form.starts_at).unwrap_or(calendar::day_after(state.zone.today(now)));
    let chosen = form.practitioner_id.clone();
    let hours = state.hours;
    let (p, practitioners, flag_rows, status, live, slots) = state
        .db(move |conn| {
            let p = patients::get(conn, now, &actor, &id)?;
            let f = crate::services::flags::unresolved(conn, &p.id)?;
            let status = invitations::form_status(conn, now, &p.id)?;
            let live = invitations::live_emailed(conn, now, &p.id)?.map(|i| i.expires_at);
            let practitioners = appointments::practitioners(conn)?;
            let slots = match practitioners.iter().find(|(id, _)| *id == chosen) {
                Some((id, _)) => Some(appointments::practitioner_day(conn, id, date, hours)?),
                None => None,
            };
            Ok((p, practitioners, f, status, live, slots))
        })
        .await?;
    let day = slots.and_then(|s| {
        practitioners
            .iter()
            .find(|(id, _)| *id == form.practitioner_id)
            .map(|(_, name)| (name.clone(), s))
    });
    let send_form_note = send_form_note(&state.zone, status, live);
    Ok(BookingPage {
        flags: FlagSummary::of(&flag_rows),
        page: Page::new("Book a visit", state, Some(principal), csrf),
        patient_id: p.id,
        patient_name: format!("{} {}", p.given_name, p.family_name),
        has_email: p.email.is_some(),
        practitioners,
        date,
        date_text: date.to_string(),
        prev: calendar::day_before(date),
        next: calendar::day_after(date),
        day,
        time: form.starts_at.get(11..16).unwrap_or("").to_owned(),
        form,
        // The first showing ticks the box unless there is a reason not to; after that
        // it shows what was chosen.
        send_form: send_form.unwrap_or(send_form_note.is_none()),
        send_form_note,
        errors,
        kinds: kinds(),
    })
}

/// `GET /patients/{id}/appointments/new?practitioner_id=…&date=…`: choosing the
/// practitioner and the day is a plain GET, so their day shows without a script.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BookingQuery {
    practitioner_id: String,
    date: String,
}

pub async fn new_booking(
    state: web::Data<AppState>,
    principal: Principal,
    csrf: CsrfToken,
    ip: ClientIp,
    id: web::Path<String>,
    q: web::Query<BookingQuery>,
) -> Result<HttpResponse, PageError> {
    let pid = PatientId::parse(&id).ok_or(PageError(ServiceError::NotFound))?;
    let tomorrow = calendar::day_after(state.today());
    let mut errors = no_errors();
    let date = match q.date.trim() {
        "" => tomorrow,
        raw => calendar::parse_typed(raw).unwrap_or_else(|msg| {
            errors.add("date", msg);
            tomorrow
        }),
    };
    let form = BookingInput {
        practitioner_id: q.practitioner_id.trim().to_owned(),
        starts_at: format!("{date}T09:00"),
        minutes: Some(45),
        kind: "first_visit".into(),
        ..Default::default()
    };
    let page = booking_page(&state, &principal, &csrf, &ip, pid, (form, None), errors).await?;
    // What was typed stays in the field beside its message.
    let page = BookingPage {
        date_text: if page.errors.get("date").is_some() {
            q.date.trim().to_owned()
        } else {
            page.date_text
        },
        ..page
    };
    render(&page)
}

/// The booking form. Not `#[serde(flatten)]` over [`BookingInput`]: flattened form
/// fields arrive as text, and the minutes are a number there. The page sends the day
/// and the time apart (`date`, `time`); `starts_at` is still read when sent whole.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BookingForm {
    practitioner_id: String,
    starts_at: String,
    date: String,
    time: String,
    minutes: String,
    kind: String,
    send_form: Option<String>,
    allow_overlap: Option<String>,
}

impl BookingForm {
    fn starts_at(&self) -> String {
        if self.starts_at.trim().is_empty() && !self.date.trim().is_empty() {
            format!("{}T{}", self.date.trim(), self.time.trim())
        } else {
            self.starts_at.clone()
        }
    }
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
        starts_at: form.starts_at(),
        practitioner_id: form.practitioner_id,
        // Out-of-range and unreadable lengths are reported by the parse below.
        minutes: if form.minutes.trim().is_empty() {
            None
        } else {
            Some(form.minutes.trim().parse().unwrap_or(-1))
        },
        kind: form.kind,
        allow_overlap: form.allow_overlap.is_some(),
    };
    let now = state.clock.now();
    // Appointment times are the clinic's wall clock: compared with its own "now".
    let parsed = Booking::parse(&input, state.zone.local(now));
    let result = match parsed {
        Ok(b) => {
            let actor = ip.actor(Some(&principal));
            let mail = state.mail.clone();
            let pid2 = pid.clone();
            state
                .db(move |conn| {
                    let a = appointments::book(conn, now, &actor, &pid2, &b)?;
                    // Booking a first visit offers to send the form; the box is ticked
                    // by default unless the form is in or a link still works.
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
                (input, Some(send_form)),
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
    let zone = state.zone;
    let actor = ip.actor(Some(&principal));
    let a = state
        .db(move |conn| appointments::change_status(conn, now, zone, &actor, &aid, change))
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

pub async fn undo_check_in(
    state: web::Data<AppState>,
    p: Principal,
    ip: ClientIp,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    change(state, p, ip, id.into_inner(), StatusChange::UndoCheckIn).await
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
    super::return_place(back).unwrap_or_else(|| format!("/patients/{patient_id}"))
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
        if back_to(&form.back, pid.as_str()).contains('?') {
            "&"
        } else {
            "?"
        }
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
    let session = principal.session_id.clone();
    let token = state
        .db(move |conn| invitations::start_paper_entry(conn, now, &actor, &session, &pid))
        .await?;
    Ok(see_other(&format!("/intake/{token}?step=1")))
}
