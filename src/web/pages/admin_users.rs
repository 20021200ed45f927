//! Administration of staff accounts.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::{Page, no_errors, render, render_with, see_other};
use crate::db::models::user::UserRow;
use crate::domain::{FieldErrors, Role, UserId};
use crate::services::accounts::{self, NewStaff, NewStaffInput};
use crate::services::sessions::Principal;
use crate::services::{ServiceError, login, password_reset};
use crate::web::error::PageError;
use crate::web::extract::{ClientIp, CsrfToken};
use crate::web::state::AppState;

pub struct UserLine {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role_label: &'static str,
    pub licence_number: String,
    pub active: bool,
    pub is_me: bool,
    /// When strangers may next try to sign in as this account, if they are locked out.
    pub locked_until: Option<String>,
}

impl UserLine {
    fn from_row(u: UserRow, me: &Principal, locked_until: Option<String>) -> Self {
        UserLine {
            locked_until,
            is_me: u.id == me.user_id.as_str(),
            role_label: Role::parse(&u.role).map(Role::label).unwrap_or("Unknown"),
            licence_number: u.licence_number.unwrap_or_default(),
            id: u.id,
            name: u.name,
            email: u.email,
            active: u.active,
        }
    }
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    page: Page,
    users: Vec<UserLine>,
    notice: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct NoticeQuery {
    done: Option<String>,
}

fn notice_text(code: Option<&str>) -> Option<String> {
    Some(
        match code? {
            "created" => "The account was created.",
            "invited" => "The account was created and a welcome email is on its way: the link to choose a password works once, for 72 hours.",
            "disabled" => "The account was disabled and its sessions ended.",
            "enabled" => "The account was enabled.",
            "reset" => "A password-reset email is on its way (the link works for 30 minutes).",
            "unlocked" => "The account's sign-in locks were lifted: it can be signed in to from any device again.",
            _ => return None,
        }
        .to_owned(),
    )
}

pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    csrf: CsrfToken,
    q: web::Query<NoticeQuery>,
) -> Result<HttpResponse, PageError> {
    let now = state.clock.now();
    let rows = state
        .db(move |conn| {
            let mut rows = Vec::new();
            for u in accounts::list(conn)? {
                let locked = login::locked_until(conn, &u.email, now)?;
                rows.push((u, locked));
            }
            Ok(rows)
        })
        .await?;
    let users = rows
        .into_iter()
        .map(|(u, locked)| {
            let locked = locked.map(|t| state.show_time(t));
            UserLine::from_row(u, &principal, locked)
        })
        .collect();
    render(&UsersPage {
        page: Page::new("Staff accounts", &state, Some(&principal), &csrf),
        users,
        notice: notice_text(q.done.as_deref()),
    })
}

#[derive(Template)]
#[template(path = "admin_user_new.html")]
struct NewUserPage {
    page: Page,
    form: NewStaffInput,
    errors: FieldErrors,
    roles: Vec<(&'static str, &'static str)>,
}

fn role_choices() -> Vec<(&'static str, &'static str)> {
    Role::ALL.iter().map(|r| (r.as_str(), r.label())).collect()
}

pub async fn new_form(
    state: web::Data<AppState>,
    principal: Principal,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    render(&NewUserPage {
        page: Page::new("New staff account", &state, Some(&principal), &csrf),
        form: NewStaffInput {
            role: "front_desk".into(),
            ..Default::default()
        },
        errors: no_errors(),
        roles: role_choices(),
    })
}

pub async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    csrf: CsrfToken,
    ip: ClientIp,
    form: web::Form<NewStaffInput>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    let result = match NewStaff::parse(&form) {
        Ok(staff) => {
            let emailed = form.emails_the_password();
            let clock = state.clock.clone();
            let actor = ip.actor(Some(&principal));
            let mail = state.mail.clone();
            let made = state
                .db_with_hashing(move |conn| {
                    password_reset::open_account(
                        conn,
                        || clock.now(),
                        &actor,
                        &staff,
                        emailed,
                        &mail,
                    )
                })
                .await
                .map(|_| ());
            if made.is_ok() && emailed {
                state.wake_mailer();
            }
            made
        }
        Err(errors) => Err(ServiceError::Invalid(errors)),
    };
    match result {
        Ok(()) if form.emails_the_password() => Ok(see_other("/admin/users?done=invited")),
        Ok(()) => Ok(see_other("/admin/users?done=created")),
        Err(ServiceError::Invalid(errors)) => render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            &NewUserPage {
                page: Page::new("New staff account", &state, Some(&principal), &csrf),
                form: NewStaffInput {
                    password: String::new(),
                    ..form
                },
                errors,
                roles: role_choices(),
            },
        ),
        Err(e) => Err(e.into()),
    }
}

fn target(id: &str) -> Result<UserId, PageError> {
    UserId::parse(id).ok_or(PageError(ServiceError::NotFound))
}

async fn set_active(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: String,
    active: bool,
) -> Result<HttpResponse, PageError> {
    let target = target(&id)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    state
        .db(move |conn| accounts::set_active(conn, now, &actor, &target, active))
        .await?;
    Ok(see_other(if active {
        "/admin/users?done=enabled"
    } else {
        "/admin/users?done=disabled"
    }))
}

pub async fn disable(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    set_active(state, principal, ip, id.into_inner(), false).await
}

pub async fn enable(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    set_active(state, principal, ip, id.into_inner(), true).await
}

pub async fn send_reset(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let target = target(&id)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let mail = state.mail.clone();
    state
        .db(move |conn| password_reset::send_reset_link(conn, now, &actor, &target, &mail))
        .await?;
    state.wake_mailer();
    Ok(see_other("/admin/users?done=reset"))
}

pub async fn unlock(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let target = target(&id)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    state
        .db(move |conn| login::unlock(conn, now, &actor, &target))
        .await?;
    Ok(see_other("/admin/users?done=unlocked"))
}
