//! A practitioner's decisions on a flag from the pages: `POST /flags/{id}/acknowledge`,
//! `/resolve`, `/refer`, `/narrow`, `/confirm` and `/dismiss`. Plain form posts (with
//! the CSRF token) from the flag banner of the workspace or the patient page, which
//! name the page to return to in `back`. A decision that is taken goes back there; a
//! form with a mistake comes back as a page of its own with the flag, the form open,
//! what was typed and the message next to the field (422), so nothing typed is lost.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::flag_banner::{BannerFlag, FlagTyped};
use super::{Page, render_with, see_other};
use crate::domain::FlagId;
use crate::services::flags::{self, FlagRecord, ReferralInput};
use crate::services::sessions::Principal;
use crate::services::{Actor, ServiceError, ServiceResult};
use crate::web::error::PageError;
use crate::web::extract::{ClientIp, CsrfToken};
use crate::web::state::AppState;

/// Only our own patient pages are valid places to return to (no open redirect).
fn safe_back(raw: &str) -> String {
    super::return_place(raw)
        .filter(|p| p.starts_with("/patients"))
        .unwrap_or_else(|| "/patients".to_owned())
}

fn flag_id(raw: &str) -> Result<FlagId, PageError> {
    FlagId::parse(raw).ok_or(PageError(ServiceError::NotFound))
}

/// The fields of a flag form; checkboxes repeat `regions`, so the body is read as pairs.
struct FlagForm {
    back: String,
    typed: FlagTyped,
}

impl FlagForm {
    fn read(pairs: Vec<(String, String)>) -> Self {
        let mut f = FlagForm {
            back: String::new(),
            typed: FlagTyped::default(),
        };
        for (k, v) in pairs {
            match k.as_str() {
                "back" => f.back = v,
                "reason" => f.typed.reason = v,
                "referred_to" => f.typed.referred_to = v,
                "method" => f.typed.method = v,
                "referred_on" => f.typed.referred_on = v,
                "note" => f.typed.note = v,
                "regions" => f.typed.regions.push(v),
                _ => {}
            }
        }
        f
    }
}

#[derive(Template)]
#[template(path = "flag_decision.html")]
struct DecisionPage {
    page: Page,
    f: BannerFlag,
    back: String,
}

type Decision = Box<
    dyn FnOnce(
            &mut crate::db::DbConnection,
            chrono::NaiveDateTime,
            &Actor,
        ) -> ServiceResult<FlagRecord>
        + Send,
>;

/// What every flag form's handler receives besides its fields.
struct Caller {
    state: web::Data<AppState>,
    principal: Principal,
    csrf: CsrfToken,
    ip: ClientIp,
}

/// Runs `decision`; on success goes back, on a form mistake shows form `name` again.
async fn decide(
    caller: Caller,
    fid: FlagId,
    form: FlagForm,
    name: &'static str,
    decision: Decision,
) -> Result<HttpResponse, PageError> {
    let Caller {
        state,
        principal,
        csrf,
        ip,
    } = caller;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let back = safe_back(&form.back);
    let done = state.db(move |conn| decision(conn, now, &actor)).await;
    let errors = match done {
        Ok(_) => return Ok(see_other(&format!("{back}?notice=flag#flags"))),
        Err(ServiceError::Invalid(errors)) => errors,
        Err(e) => return Err(PageError(e)),
    };
    let actor = ip.actor(Some(&principal));
    let record = state
        .db(move |conn| flags::get(conn, now, &actor, &fid))
        .await?;
    let today = state.zone.today(now).to_string();
    let mut f = BannerFlag::for_practitioner(record.row, &record.history, &back, &today);
    if let Some(w) = f.work.as_mut() {
        w.came_back(name, form.typed, errors);
    }
    render_with(
        StatusCode::UNPROCESSABLE_ENTITY,
        &DecisionPage {
            page: Page::new("Check the flag form", &state, Some(&principal), &csrf),
            f,
            back,
        },
    )
}

pub async fn acknowledge_flag(
    state: web::Data<AppState>,
    principal: Principal,
    csrf: CsrfToken,
    ip: ClientIp,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let fid = flag_id(&id)?;
    let form = FlagForm::read(form.into_inner());
    let f2 = fid.clone();
    let decision: Decision = Box::new(move |c, now, a| flags::acknowledge(c, now, a, &f2));
    decide(
        Caller {
            state,
            principal,
            csrf,
            ip,
        },
        fid,
        form,
        "",
        decision,
    )
    .await
}

pub async fn resolve_flag(
    state: web::Data<AppState>,
    principal: Principal,
    csrf: CsrfToken,
    ip: ClientIp,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let fid = flag_id(&id)?;
    let form = FlagForm::read(form.into_inner());
    let (f2, reason) = (fid.clone(), form.typed.reason.clone());
    let decision: Decision = Box::new(move |c, now, a| flags::resolve(c, now, a, &f2, &reason));
    decide(
        Caller {
            state,
            principal,
            csrf,
            ip,
        },
        fid,
        form,
        "resolve",
        decision,
    )
    .await
}

pub async fn refer_flag(
    state: web::Data<AppState>,
    principal: Principal,
    csrf: CsrfToken,
    ip: ClientIp,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let fid = flag_id(&id)?;
    let form = FlagForm::read(form.into_inner());
    let input = ReferralInput {
        referred_to: form.typed.referred_to.clone(),
        method: form.typed.method.clone(),
        referred_on: form.typed.referred_on.clone(),
        note: form.typed.note.clone(),
    };
    let f2 = fid.clone();
    let decision: Decision = Box::new(move |c, now, a| flags::refer(c, now, a, &f2, &input));
    decide(
        Caller {
            state,
            principal,
            csrf,
            ip,
        },
        fid,
        form,
        "refer",
        decision,
    )
    .await
}

pub async fn narrow_flag(
    state: web::Data<AppState>,
    principal: Principal,
    csrf: CsrfToken,
    ip: ClientIp,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let fid = flag_id(&id)?;
    let form = FlagForm::read(form.into_inner());
    let (f2, regions, reason) = (
        fid.clone(),
        form.typed.regions.clone(),
        form.typed.reason.clone(),
    );
    let decision: Decision =
        Box::new(move |c, now, a| flags::narrow(c, now, a, &f2, &regions, &reason));
    decide(
        Caller {
            state,
            principal,
            csrf,
            ip,
        },
        fid,
        form,
        "narrow",
        decision,
    )
    .await
}

pub async fn confirm_flag(
    state: web::Data<AppState>,
    principal: Principal,
    csrf: CsrfToken,
    ip: ClientIp,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let fid = flag_id(&id)?;
    let form = FlagForm::read(form.into_inner());
    let f2 = fid.clone();
    let decision: Decision = Box::new(move |c, now, a| flags::confirm(c, now, a, &f2));
    decide(
        Caller {
            state,
            principal,
            csrf,
            ip,
        },
        fid,
        form,
        "",
        decision,
    )
    .await
}

pub async fn dismiss_flag(
    state: web::Data<AppState>,
    principal: Principal,
    csrf: CsrfToken,
    ip: ClientIp,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let fid = flag_id(&id)?;
    let form = FlagForm::read(form.into_inner());
    let (f2, reason) = (fid.clone(), form.typed.reason.clone());
    let decision: Decision = Box::new(move |c, now, a| flags::dismiss(c, now, a, &f2, &reason));
    decide(
        Caller {
            state,
            principal,
            csrf,
            ip,
        },
        fid,
        form,
        "dismiss",
        decision,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::safe_back;

    #[test]
    fn only_patient_pages_are_returned_to() {
        assert_eq!(
            safe_back("/patients/abc-1/assessments/d-2"),
            "/patients/abc-1/assessments/d-2"
        );
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/patients/../admin",
            "/admin/users",
            "/patients/a?x=1",
        ] {
            assert_eq!(safe_back(bad), "/patients", "{bad}");
        }
    }
}
