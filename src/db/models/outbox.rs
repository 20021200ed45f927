//! `outbox`: mail waiting to be sent. Written in the same transaction as the change that
//! needs it; a sender claims a row with a lease (`claimed_until`) in one conditional
//! update, so two servers never send the same message and a crashed sender's rows are
//! picked up again when the lease runs out.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::schema::outbox;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    pub id: String,
    pub to_address: String,
    pub template: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub created_at: NaiveDateTime,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub claimed_until: Option<NaiveDateTime>,
    pub sent_at: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    /// Given up on: not retried, bodies wiped.
    pub dead_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = outbox)]
pub struct NewOutboxMessage<'a> {
    pub id: &'a str,
    pub to_address: &'a str,
    pub template: &'a str,
    pub subject: &'a str,
    pub body_text: &'a str,
    pub body_html: &'a str,
    pub created_at: NaiveDateTime,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, new: &NewOutboxMessage<'_>) -> QueryResult<()> {
    diesel::insert_into(outbox::table)
        .values(new)
        .execute(conn)
        .map(|_| ())
}

/// Ids of unsent messages that are due and not leased by a live sender.
pub fn due_ids(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<String>> {
    outbox::table
        .filter(outbox::sent_at.is_null())
        .filter(outbox::dead_at.is_null())
        .filter(outbox::next_attempt_at.le(now))
        .filter(
            outbox::claimed_until
                .is_null()
                .or(outbox::claimed_until.lt(now)),
        )
        .order(outbox::next_attempt_at.asc())
        .limit(limit)
        .select(outbox::id)
        .load(conn)
}

/// Takes the lease on one message; `None` when another sender got it first.
pub fn claim(
    conn: &mut DbConnection,
    id: &str,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
) -> QueryResult<Option<OutboxRow>> {
    let claimed = diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::sent_at.is_null())
            .filter(outbox::dead_at.is_null())
            .filter(
                outbox::claimed_until
                    .is_null()
                    .or(outbox::claimed_until.lt(now)),
            ),
    )
    .set(outbox::claimed_until.eq(lease_until))
    .execute(conn)?;
    if claimed != 1 {
        return Ok(None);
    }
    outbox::table
        .find(id)
        .select(OutboxRow::as_select())
        .first(conn)
        .optional()
}

/// Sent: the bodies (which may hold a link with a token) are wiped, the row is kept.
pub fn mark_sent(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::sent_at.eq(Some(now)),
            outbox::claimed_until.eq(None::<NaiveDateTime>),
            outbox::body_text.eq(""),
            outbox::body_html.eq(""),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)
}

pub fn mark_failed(
    conn: &mut DbConnection,
    id: &str,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    error: &str,
) -> QueryResult<usize> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::attempts.eq(attempts),
            outbox::next_attempt_at.eq(next_attempt_at),
            outbox::claimed_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(Some(error)),
        ))
        .execute(conn)
}

/// Given up: no more attempts; the bodies, which may hold a link with a token, are
/// wiped (the link must not sit in the database for a message nobody will send).
pub fn mark_dead(
    conn: &mut DbConnection,
    id: &str,
    now: NaiveDateTime,
    attempts: i32,
    error: &str,
) -> QueryResult<usize> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::dead_at.eq(Some(now)),
            outbox::attempts.eq(attempts),
            outbox::claimed_until.eq(None::<NaiveDateTime>),
            outbox::body_text.eq(""),
            outbox::body_html.eq(""),
            outbox::last_error.eq(Some(error)),
        ))
        .execute(conn)
}

/// Messages still to be sent (not given up on).
pub fn pending_count(conn: &mut DbConnection) -> QueryResult<i64> {
    outbox::table
        .filter(outbox::sent_at.is_null())
        .filter(outbox::dead_at.is_null())
        .count()
        .get_result(conn)
}

pub fn dead_count(conn: &mut DbConnection) -> QueryResult<i64> {
    outbox::table
        .filter(outbox::dead_at.is_not_null())
        .count()
        .get_result(conn)
}

/// What has not been delivered, newest first: given up on, and still waiting.
pub fn undelivered(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<OutboxRow>> {
    outbox::table
        .filter(outbox::sent_at.is_null())
        .order(outbox::created_at.desc())
        .limit(limit)
        .select(OutboxRow::as_select())
        .load(conn)
}
