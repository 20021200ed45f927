//! The JSON API under `/api/v1`. Bearer tokens only; errors as
//! `{"error": "...", "errors": {"field": "..."}}`.

mod assessment_json;
pub mod assessments;
pub mod auth;
pub mod body;
pub mod carry_forward;
pub mod fhir;
mod flag_json;
pub mod flags;
pub mod front_desk;
pub mod intakes;
pub mod openapi;
pub mod patients;
pub mod users;

use serde::Serialize;

use crate::db::models::user::UserRow;

/// A staff account as the API shows it (never the hash).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserJson {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub licence_number: Option<String>,
    pub active: bool,
}

impl From<UserRow> for UserJson {
    fn from(u: UserRow) -> Self {
        UserJson {
            id: u.id,
            email: u.email,
            name: u.name,
            role: u.role,
            licence_number: u.licence_number,
            active: u.active,
        }
    }
}
