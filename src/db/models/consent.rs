//! `consents`: signed consents (on the patient's form or on paper in front of staff).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::schema::consents;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = consents)]
pub struct ConsentRow {
    pub id: String,
    pub patient_id: String,
    pub kind: String,
    pub text_version: String,
    pub signed_name: String,
    pub signed_at: NaiveDateTime,
    pub ip: Option<String>,
    pub intake_id: Option<String>,
    pub witnessed_by: Option<String>,
}

pub fn insert(conn: &mut DbConnection, row: &ConsentRow) -> QueryResult<()> {
    diesel::insert_into(consents::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn for_patient(conn: &mut DbConnection, patient_id: &str) -> QueryResult<Vec<ConsentRow>> {
    consents::table
        .filter(consents::patient_id.eq(patient_id))
        .order(consents::signed_at.desc())
        .select(ConsentRow::as_select())
        .load(conn)
}
