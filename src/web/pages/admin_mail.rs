//! `/admin/mail`: email that has not arrived. Given-up messages first (they will never be
//! sent: the admin tells the person another way, or fixes the address and sends again),
//! then the ones waiting for a retry.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::{Page, render};
use crate::db::models::outbox::OutboxRow;
use crate::services::sessions::Principal;
use crate::services::undelivered_mail::{self, LIST_LIMIT};
use crate::web::error::PageError;
use crate::web::extract::{ClientIp, CsrfToken};
use crate::web::state::AppState;

pub struct MailLine {
    pub to: String,
    pub subject: String,
    pub queued: String,
    pub attempts: i32,
    /// When it was given up, or when the next attempt is due.
    pub when: String,
    pub error: String,
}

#[derive(Template)]
#[template(path = "admin_mail.html")]
struct MailPage {
    page: Page,
    dead: Vec<MailLine>,
    waiting: Vec<MailLine>,
    limit: i64,
}

pub async fn show(
    state: web::Data<AppState>,
    principal: Principal,
    csrf: CsrfToken,
    ip: ClientIp,
) -> Result<HttpResponse, PageError> {
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let rows = state
        .db(move |conn| undelivered_mail::list(conn, now, &actor))
        .await?;
    let line = |r: &OutboxRow, when| MailLine {
        to: r.to_address.clone(),
        subject: r.subject.clone(),
        queued: state.show_time(r.created_at),
        attempts: r.attempts,
        when: state.show_time(when),
        error: r.last_error.clone().unwrap_or_default(),
    };
    let mut dead = Vec::new();
    let mut waiting = Vec::new();
    for r in &rows {
        match r.dead_at {
            Some(at) => dead.push(line(r, at)),
            None => waiting.push(line(r, r.next_attempt_at)),
        }
    }
    render(&MailPage {
        page: Page::new("Email", &state, Some(&principal), &csrf),
        dead,
        waiting,
        limit: LIST_LIMIT,
    })
}
