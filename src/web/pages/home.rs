//! The signed-in start page.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::{Page, render};
use crate::services::sessions::Principal;
use crate::web::error::PageError;
use crate::web::extract::CsrfToken;
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: Page,
    email: String,
}

pub async fn show(
    state: web::Data<AppState>,
    principal: Principal,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    render(&HomePage {
        page: Page::new("Home", &state, Some(&principal), &csrf),
        email: principal.email.clone(),
    })
}
