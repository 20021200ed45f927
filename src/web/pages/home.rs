//! The signed-in start page. The front desk and practitioners work from the day list,
//! so `/` takes them there; an administrator gets a short overview of the staff and the
//! audit trail.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::{Page, render, see_other};
use crate::domain::Role;
use crate::services::accounts;
use crate::services::sessions::Principal;
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
}

pub async fn show(
    state: web::Data<AppState>,
    principal: Principal,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    if principal.role != Role::Admin {
        return Ok(see_other("/day"));
    }
    let staff = state.db(accounts::list).await?;
    render(&HomePage {
        page: Page::new("Home", &state, Some(&principal), &csrf),
        email: principal.email.clone(),
        active_staff: staff.iter().filter(|u| u.active).count(),
        all_staff: staff.len(),
    })
}
