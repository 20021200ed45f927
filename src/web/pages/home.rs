//! The signed-in start page. The front desk and practitioners work from the day list,
//! so `/` takes them there; an administrator gets a short overview of the staff and the
//! audit trail.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::{Page, render, see_other};
use crate::domain::Role;
use crate::services::sessions::Principal;
use crate::services::{accounts, undelivered_mail};
use crate::web::error::PageError;
use crate::web::extract::CsrfToken;
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: Page,
    email: String,
    /// Active staff accounts, and all of them.
    active_staff: usize,
    all_staff: usize,
    /// Mail given up on: worth the admin's attention on the first page.
    undelivered: i64,
}

pub async fn show(
    state: web::Data<AppState>,
    principal: Principal,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    if principal.role != Role::Admin {
        return Ok(see_other("/day"));
    }
    let (staff, undelivered) = state
        .db(|conn| Ok((accounts::list(conn)?, undelivered_mail::dead_count(conn)?)))
        .await?;
    render(&HomePage {
        page: Page::new("Home", &state, Some(&principal), &csrf),
        email: principal.email.clone(),
        active_staff: staff.iter().filter(|u| u.active).count(),
        all_staff: staff.len(),
        undelivered,
    })
}
