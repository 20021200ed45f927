//! `appointments`. Times are the clinic's local wall-clock time: a clinic works in one
//! place, and 9:00 must stay 9:00 across daylight-saving changes.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::schema::appointments;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = appointments)]
pub struct AppointmentRow {
    pub id: String,
    pub patient_id: String,
    pub practitioner_id: String,
    pub starts_at: NaiveDateTime,
    pub minutes: i32,
    pub kind: String,
    pub status: String,
    pub arrived_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl AppointmentRow {
    pub fn ends_at(&self) -> NaiveDateTime {
        self.starts_at + TimeDelta::minutes(i64::from(self.minutes))
    }

    /// Booked and arrived visits hold the practitioner's time; cancelled and no-show
    /// ones give it back.
    pub fn holds_time(&self) -> bool {
        matches!(self.status.as_str(), "booked" | "arrived")
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = appointments)]
pub struct NewAppointment<'a> {
    pub id: &'a str,
    pub patient_id: &'a str,
    pub practitioner_id: &'a str,
    pub starts_at: NaiveDateTime,
    pub minutes: i32,
    pub kind: &'a str,
    pub status: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, new: &NewAppointment<'_>) -> QueryResult<()> {
    diesel::insert_into(appointments::table)
        .values(new)
        .execute(conn)
        .map(|_| ())
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<AppointmentRow>> {
    appointments::table
        .find(id)
        .select(AppointmentRow::as_select())
        .first(conn)
        .optional()
}

/// The appointments that start on `day`, in time order.
pub fn on_day(conn: &mut DbConnection, day: NaiveDate) -> QueryResult<Vec<AppointmentRow>> {
    let start = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    let end = day
        .succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or(start);
    appointments::table
        .filter(appointments::starts_at.ge(start))
        .filter(appointments::starts_at.lt(end))
        .order((appointments::starts_at.asc(), appointments::id.asc()))
        .select(AppointmentRow::as_select())
        .load(conn)
}

pub fn for_patient(conn: &mut DbConnection, patient_id: &str) -> QueryResult<Vec<AppointmentRow>> {
    appointments::table
        .filter(appointments::patient_id.eq(patient_id))
        .order(appointments::starts_at.desc())
        .select(AppointmentRow::as_select())
        .load(conn)
}

pub fn set_status(
    conn: &mut DbConnection,
    id: &str,
    from: &[&str],
    to: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let from: Vec<String> = from.iter().map(|s| (*s).to_owned()).collect();
    diesel::update(
        appointments::table
            .filter(appointments::id.eq(id))
            .filter(appointments::status.eq_any(from)),
    )
    .set((
        appointments::status.eq(to),
        appointments::updated_at.eq(now),
        appointments::arrived_at.eq((to == "arrived").then_some(now)),
    ))
    .execute(conn)
}

/// The longest visit the booking form accepts, so a visit that started this long
/// before `starts_at` may still be running.
const LONGEST_VISIT_MINUTES: i64 = 240;

/// The practitioner's booked or arrived visits that overlap `minutes` from `starts_at`
/// (touching ends do not overlap: 9:00-9:45 and 9:45-10:30 are both fine).
pub fn overlapping(
    conn: &mut DbConnection,
    practitioner_id: &str,
    starts_at: NaiveDateTime,
    minutes: i32,
) -> QueryResult<Vec<AppointmentRow>> {
    let ends_at = starts_at + TimeDelta::minutes(i64::from(minutes));
    let rows: Vec<AppointmentRow> = appointments::table
        .filter(appointments::practitioner_id.eq(practitioner_id))
        .filter(appointments::starts_at.lt(ends_at))
        .filter(appointments::starts_at.gt(starts_at - TimeDelta::minutes(LONGEST_VISIT_MINUTES)))
        .order(appointments::starts_at.asc())
        .select(AppointmentRow::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|a| a.holds_time() && a.ends_at() > starts_at)
        .collect())
}
