//! `assessments` and `addenda`. A draft is updated only at its current `version`; a
//! signed row is never updated (the queries filter on `draft`, and a trigger refuses
//! any update of a signed row whatever the query).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::schema::{addenda, assessments};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = assessments)]
pub struct AssessmentRow {
    pub id: String,
    pub patient_id: String,
    pub practitioner_id: String,
    pub visit_date: NaiveDate,
    pub status: String,
    pub version: i32,
    pub content: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub signed_at: Option<NaiveDateTime>,
    pub signed_by: Option<String>,
    pub content_hash: Option<String>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = assessments)]
pub struct NewAssessment<'a> {
    pub id: &'a str,
    pub patient_id: &'a str,
    pub practitioner_id: &'a str,
    pub visit_date: NaiveDate,
    pub status: &'a str,
    pub version: i32,
    pub content: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, new: &NewAssessment<'_>) -> QueryResult<()> {
    diesel::insert_into(assessments::table)
        .values(new)
        .execute(conn)
        .map(|_| ())
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<AssessmentRow>> {
    assessments::table
        .find(id)
        .select(AssessmentRow::as_select())
        .first(conn)
        .optional()
}

/// A patient's assessments, newest first.
pub fn for_patient(conn: &mut DbConnection, patient_id: &str) -> QueryResult<Vec<AssessmentRow>> {
    assessments::table
        .filter(assessments::patient_id.eq(patient_id))
        .order((assessments::created_at.desc(), assessments::id.desc()))
        .select(AssessmentRow::as_select())
        .load(conn)
}

/// A patient's newest draft, if one is open.
pub fn open_draft(conn: &mut DbConnection, patient_id: &str) -> QueryResult<Option<AssessmentRow>> {
    assessments::table
        .filter(assessments::patient_id.eq(patient_id))
        .filter(assessments::status.eq("draft"))
        .order((assessments::created_at.desc(), assessments::id.desc()))
        .select(AssessmentRow::as_select())
        .first(conn)
        .optional()
}

/// Writes a draft's content when `version` is still current; false when stale or signed.
pub fn update_draft(
    conn: &mut DbConnection,
    id: &str,
    version: i32,
    content: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        assessments::table
            .filter(assessments::id.eq(id))
            .filter(assessments::version.eq(version))
            .filter(assessments::status.eq("draft")),
    )
    .set((
        assessments::content.eq(content),
        assessments::version.eq(version + 1),
        assessments::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Signs a draft at `version`: the last update the row will ever take.
pub fn sign(
    conn: &mut DbConnection,
    id: &str,
    version: i32,
    by: &str,
    hash: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        assessments::table
            .filter(assessments::id.eq(id))
            .filter(assessments::version.eq(version))
            .filter(assessments::status.eq("draft")),
    )
    .set((
        assessments::status.eq("signed"),
        assessments::version.eq(version + 1),
        assessments::signed_at.eq(now),
        assessments::signed_by.eq(by),
        assessments::content_hash.eq(hash),
        assessments::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = addenda)]
pub struct AddendumRow {
    pub id: String,
    pub assessment_id: String,
    pub author_id: String,
    pub body: String,
    pub created_at: NaiveDateTime,
}

pub fn insert_addendum(conn: &mut DbConnection, row: &AddendumRow) -> QueryResult<()> {
    diesel::insert_into(addenda::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn addenda_for(conn: &mut DbConnection, assessment_id: &str) -> QueryResult<Vec<AddendumRow>> {
    addenda::table
        .filter(addenda::assessment_id.eq(assessment_id))
        .order((addenda::created_at.asc(), addenda::id.asc()))
        .select(AddendumRow::as_select())
        .load(conn)
}
