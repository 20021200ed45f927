//! Appointments and the front desk's day: booking, check-in, cancel, no-show, and the day
//! list with each patient's form status and most severe open flag.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::Deserialize;

use super::audit::{self, AuditAction, AuditEntry, Outcome};
use super::audit_queue::audited_read;
use super::invitations::{self, FormStatus};
use super::{Actor, ServiceError, ServiceResult, flags};
use crate::clinic_time::OpeningHours;
use crate::db::models::appointment::{self, AppointmentRow, NewAppointment};
use crate::db::models::{assessment, patient, user};
use crate::db::{DbConnection, write_transaction};
use crate::domain::clinical::FlagLevel;
use crate::domain::{FieldErrors, PatientId, Role, calendar, new_id};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppointmentKind {
    FirstVisit,
    FollowUp,
}

impl AppointmentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AppointmentKind::FirstVisit => "first_visit",
            AppointmentKind::FollowUp => "follow_up",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AppointmentKind::FirstVisit => "First visit",
            AppointmentKind::FollowUp => "Follow-up",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            "first_visit" => Some(AppointmentKind::FirstVisit),
            "follow_up" => Some(AppointmentKind::FollowUp),
            _ => None,
        }
    }
}

/// A booking as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct BookingInput {
    pub practitioner_id: String,
    /// `YYYY-MM-DDTHH:MM` (clinic local time), as an HTML datetime-local input sends it.
    pub starts_at: String,
    pub minutes: Option<i64>,
    pub kind: String,
    /// Book even though the practitioner already has a visit at that time (the front
    /// desk said "Book anyway").
    pub allow_overlap: bool,
}

#[derive(Debug, Clone)]
pub struct Booking {
    pub practitioner_id: String,
    pub starts_at: NaiveDateTime,
    pub minutes: i32,
    pub kind: AppointmentKind,
    pub allow_overlap: bool,
}

impl Booking {
    /// `now` is the clinic's wall-clock time, as the times typed are.
    pub fn parse(input: &BookingInput, now: NaiveDateTime) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let starts_at = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(input.starts_at.trim(), f).ok());
        match starts_at {
            None => e.add(
                "starts_at",
                "Enter the date and time, for example 2026-11-23T09:30.",
            ),
            Some(t) if t < now - chrono::TimeDelta::days(1) => {
                e.add("starts_at", "This time is in the past.")
            }
            Some(t) if t.date() > calendar::LATEST => e.add(
                "starts_at",
                format!("Check the year: the date is after {}.", calendar::LATEST),
            ),
            Some(_) => {}
        }
        let minutes = match input.minutes {
            None => 45,
            Some(m @ 5..=240) => m as i32,
            Some(_) => {
                e.add("minutes", "Choose a length from 5 to 240 minutes.");
                0
            }
        };
        let kind = AppointmentKind::parse(if input.kind.trim().is_empty() {
            "first_visit"
        } else {
            &input.kind
        });
        if kind.is_none() {
            e.add("kind", "Choose first_visit or follow_up.");
        }
        if uuid::Uuid::parse_str(input.practitioner_id.trim()).is_err() {
            e.add("practitioner_id", "Choose a practitioner.");
        }
        match (starts_at, kind, e.is_empty()) {
            (Some(starts_at), Some(kind), true) => Ok(Booking {
                practitioner_id: input.practitioner_id.trim().to_owned(),
                starts_at,
                minutes,
                kind,
                allow_overlap: input.allow_overlap,
            }),
            _ => Err(e),
        }
    }
}

pub fn book(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    patient_id: &PatientId,
    booking: &Booking,
) -> ServiceResult<AppointmentRow> {
    let id = new_id();
    write_transaction(conn, |conn| {
        let p = patient::find(conn, patient_id.as_str())?.ok_or(ServiceError::NotFound)?;
        let pr = user::find(conn, &booking.practitioner_id)?;
        if !pr.is_some_and(|u| u.active && u.role == Role::Practitioner.as_str()) {
            return Err(
                FieldErrors::single("practitioner_id", "Choose an active practitioner.").into(),
            );
        }
        if !booking.allow_overlap {
            let clash = appointment::overlapping(
                conn,
                &booking.practitioner_id,
                booking.starts_at,
                booking.minutes,
            )?;
            if let Some(c) = clash.first() {
                return Err(overlap_error(c).into());
            }
        }
        appointment::insert(
            conn,
            &NewAppointment {
                id: &id,
                patient_id: &p.id,
                practitioner_id: &booking.practitioner_id,
                starts_at: booking.starts_at,
                minutes: booking.minutes,
                kind: booking.kind.as_str(),
                status: "booked",
                created_at: now,
                updated_at: now,
            },
        )?;
        audit::record(
            conn,
            now,
            actor,
            AuditEntry::new(AuditAction::AppointmentBooked, Outcome::Success)
                .entity(&id)
                .patient(&p.id),
        )?;
        appointment::find(conn, &id)?.ok_or(ServiceError::NotFound)
    })
}

/// The practitioner already has a visit then: said next to the time, with the field
/// that books it anyway (`allow_overlap`) named so a form or an API client can offer it.
fn overlap_error(clash: &AppointmentRow) -> FieldErrors {
    let mut e = FieldErrors::single(
        "starts_at",
        format!(
            "This practitioner already has a visit from {} to {}. Choose a free time, or book anyway.",
            clash.starts_at.format("%H:%M"),
            clash.ends_at().format("%H:%M"),
        ),
    );
    e.add(
        "allow_overlap",
        "The time overlaps another visit: confirm to book it anyway.",
    );
    e
}

/// What the front desk can do to an appointment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusChange {
    CheckIn,
    Cancel,
    NoShow,
    /// Checked in by mistake: back to booked, the same day only.
    UndoCheckIn,
}

pub fn change_status(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    // "The day it was made" of an undo is the clinic's day, not UTC's.
    zone: crate::clinic_time::ClinicZone,
    actor: &Actor,
    appointment_id: &str,
    change: StatusChange,
) -> ServiceResult<AppointmentRow> {
    let (from, to): (&[&str], &str) = match change {
        StatusChange::CheckIn => (&["booked", "no_show"], "arrived"),
        StatusChange::Cancel => (&["booked"], "cancelled"),
        StatusChange::NoShow => (&["booked"], "no_show"),
        StatusChange::UndoCheckIn => (&["arrived"], "booked"),
    };
    write_transaction(conn, |conn| {
        let a = appointment::find(conn, appointment_id)?.ok_or(ServiceError::NotFound)?;
        if change == StatusChange::UndoCheckIn
            && a.arrived_at
                .is_none_or(|t| zone.today(t) != zone.today(now))
        {
            return Err(ServiceError::Conflict(
                "A check-in can only be undone on the day it was made.".into(),
            ));
        }
        if appointment::set_status(conn, &a.id, from, to, now)? == 0 {
            return Err(ServiceError::Conflict(format!(
                "This appointment is {}.",
                a.status.replace('_', "-")
            )));
        }
        audit::record(
            conn,
            now,
            actor,
            AuditEntry::new(AuditAction::AppointmentChanged, Outcome::Success)
                .entity(&a.id)
                .patient(&a.patient_id)
                .detail(to),
        )?;
        appointment::find(conn, &a.id)?.ok_or(ServiceError::NotFound)
    })
}

/// One line of the day list.
#[derive(Debug, Clone)]
pub struct DayLine {
    pub appointment: AppointmentRow,
    pub patient_id: String,
    pub patient_name: String,
    pub chart_number: String,
    pub practitioner_name: String,
    pub form_status: FormStatus,
    /// The most severe unresolved flag, if any.
    pub top_flag: Option<FlagLevel>,
    pub open_invitation_id: Option<String>,
    pub has_email: bool,
    pub phone: Option<String>,
    /// The patient's open draft assessment, if any ("Continue assessment").
    pub open_draft_id: Option<String>,
}

/// The day's appointments with what the front desk needs at a glance. One audit row
/// records that the list (with its patients' names) was read.
pub fn day(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    day: NaiveDate,
) -> ServiceResult<Vec<DayLine>> {
    audited_read(conn, now, actor, |conn| {
        let rows = appointment::on_day(conn, day)?;
        let mut out = Vec::with_capacity(rows.len());
        for a in rows {
            let Some(p) = patient::find(conn, &a.patient_id)? else {
                continue;
            };
            let practitioner_name = user::find(conn, &a.practitioner_id)?
                .map(|u| u.name)
                .unwrap_or_default();
            let top_flag = flags::unresolved(conn, &p.id)?
                .first()
                .and_then(|f| FlagLevel::parse(&f.level));
            let form_status = invitations::form_status(conn, now, &p.id)?;
            let open_invitation_id = invitations::live_emailed(conn, now, &p.id)?.map(|i| i.id);
            let open_draft_id = assessment::open_draft(conn, &p.id)?.map(|d| d.id);
            out.push(DayLine {
                patient_id: p.id.clone(),
                patient_name: format!("{}, {}", p.family_name, p.given_name),
                chart_number: p.chart_number.clone(),
                practitioner_name,
                form_status,
                top_flag,
                open_invitation_id,
                has_email: p.email.is_some(),
                phone: p.phone.clone(),
                open_draft_id,
                appointment: a,
            });
        }
        let viewed = AuditEntry::new(AuditAction::AppointmentsViewed, Outcome::Success)
            .detail(format!("{day}: {} appointments", out.len()));
        Ok((out, vec![viewed]))
    })
}

/// Active practitioners, for the booking form.
pub fn practitioners(conn: &mut DbConnection) -> ServiceResult<Vec<(String, String)>> {
    Ok(user::list(conn)?
        .into_iter()
        .filter(|u| u.active && u.role == Role::Practitioner.as_str())
        .map(|u| (u.id, u.name))
        .collect())
}

/// A stretch of a practitioner's day: free, or taken by a visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub from: NaiveTime,
    pub to: NaiveTime,
    /// The visit's kind when taken; `None` when free. No patient name: the booking form
    /// is about the time, and a name would be one more disclosure to audit.
    pub taken: Option<AppointmentKind>,
}

/// A practitioner's day for booking: taken and free stretches in time order, within
/// the clinic's opening hours (`CLINIC_HOURS`) stretched to any visit booked outside
/// them. Cancelled and no-show visits leave their time free.
pub fn practitioner_day(
    conn: &mut DbConnection,
    practitioner_id: &str,
    day: NaiveDate,
    hours: OpeningHours,
) -> ServiceResult<Vec<Slot>> {
    let visits: Vec<AppointmentRow> = appointment::on_day(conn, day)?
        .into_iter()
        .filter(|a| a.practitioner_id == practitioner_id && a.holds_time())
        .collect();
    Ok(slots(day, &visits, hours))
}

fn slots(day: NaiveDate, visits: &[AppointmentRow], hours: OpeningHours) -> Vec<Slot> {
    let mut out = Vec::new();
    let mut cursor = hours.opens;
    for v in visits {
        let from = v.starts_at.time();
        // A visit running past midnight ends the day.
        let to = if v.ends_at().date() > day {
            NaiveTime::from_hms_opt(23, 59, 0).unwrap_or_default()
        } else {
            v.ends_at().time()
        };
        if from > cursor {
            out.push(Slot {
                from: cursor,
                to: from,
                taken: None,
            });
        }
        out.push(Slot {
            from,
            to,
            taken: Some(AppointmentKind::parse(&v.kind).unwrap_or(AppointmentKind::FollowUp)),
        });
        cursor = cursor.max(to);
    }
    if cursor < hours.closes {
        out.push(Slot {
            from: cursor,
            to: hours.closes,
            taken: None,
        });
    }
    out
}
