//! `intake_invitations`: links to the pre-visit form. Only the token's SHA-256 is kept.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::schema::intake_invitations;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = intake_invitations)]
pub struct InvitationRow {
    pub id: String,
    pub patient_id: String,
    pub appointment_id: Option<String>,
    pub token_hash: String,
    pub sent_to: String,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub last_sent_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub opened_at: Option<NaiveDateTime>,
    pub started_at: Option<NaiveDateTime>,
    pub submitted_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    /// For a paper form entered at the desk: the staff session it opens in.
    pub entered_in_session: Option<String>,
}

impl InvitationRow {
    /// A link works until it is submitted, revoked or expired.
    pub fn is_usable(&self, now: NaiveDateTime) -> bool {
        self.submitted_at.is_none() && self.revoked_at.is_none() && self.expires_at > now
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = intake_invitations)]
pub struct NewInvitation<'a> {
    pub id: &'a str,
    pub patient_id: &'a str,
    pub appointment_id: Option<&'a str>,
    pub token_hash: &'a str,
    pub sent_to: &'a str,
    pub created_by: Option<&'a str>,
    pub created_at: NaiveDateTime,
    pub last_sent_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub entered_in_session: Option<&'a str>,
}

pub fn insert(conn: &mut DbConnection, new: &NewInvitation<'_>) -> QueryResult<()> {
    diesel::insert_into(intake_invitations::table)
        .values(new)
        .execute(conn)
        .map(|_| ())
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<InvitationRow>> {
    intake_invitations::table
        .find(id)
        .select(InvitationRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_token_hash(
    conn: &mut DbConnection,
    hash: &str,
) -> QueryResult<Option<InvitationRow>> {
    intake_invitations::table
        .filter(intake_invitations::token_hash.eq(hash))
        .select(InvitationRow::as_select())
        .first(conn)
        .optional()
}

/// The patient's invitations, newest first.
pub fn for_patient(conn: &mut DbConnection, patient_id: &str) -> QueryResult<Vec<InvitationRow>> {
    intake_invitations::table
        .filter(intake_invitations::patient_id.eq(patient_id))
        .order(intake_invitations::created_at.desc())
        .select(InvitationRow::as_select())
        .load(conn)
}

/// A resend: a new token (the old link stops working), a fresh expiry.
pub fn rotate_token(
    conn: &mut DbConnection,
    id: &str,
    token_hash: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(intake_invitations::table.find(id))
        .set((
            intake_invitations::token_hash.eq(token_hash),
            intake_invitations::last_sent_at.eq(now),
            intake_invitations::expires_at.eq(expires_at),
        ))
        .execute(conn)
}

pub fn mark_opened(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        intake_invitations::table
            .find(id)
            .filter(intake_invitations::opened_at.is_null()),
    )
    .set(intake_invitations::opened_at.eq(now))
    .execute(conn)
}

pub fn mark_started(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        intake_invitations::table
            .find(id)
            .filter(intake_invitations::started_at.is_null()),
    )
    .set(intake_invitations::started_at.eq(now))
    .execute(conn)
}

/// Spends the link; false when it was already submitted or revoked (a double submit).
pub fn mark_submitted(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(
        intake_invitations::table
            .find(id)
            .filter(intake_invitations::submitted_at.is_null())
            .filter(intake_invitations::revoked_at.is_null()),
    )
    .set(intake_invitations::submitted_at.eq(now))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn revoke(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        intake_invitations::table
            .find(id)
            .filter(intake_invitations::revoked_at.is_null())
            .filter(intake_invitations::submitted_at.is_null()),
    )
    .set(intake_invitations::revoked_at.eq(now))
    .execute(conn)
}
