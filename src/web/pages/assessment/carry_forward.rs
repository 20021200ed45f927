//! The workspace's "Start from the assessment of …" card and each carried section's
//! "Keep as is": plain form posts (they work without the script; the script posts
//! them in place). A refused carry comes back as the workspace with the reason (409 or
//! 422), as a refused signature does.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::handlers::{after_post, load, version_of};
use super::workspace::build;
use super::{assessment_id, section_of};
use crate::domain::AssessmentId;
use crate::domain::assessment::Section;
use crate::services::ServiceError;
use crate::services::assessments::{self, CarryRequest};
use crate::services::sessions::Principal;
use crate::web::error::PageError;
use crate::web::extract::{ClientIp, CsrfToken};
use crate::web::pages::render_with;
use crate::web::state::AppState;

/// One checkbox per carryable section (`posture=1`…): repeated names do not fit a
/// form struct. `overwrite` is sent by the card, whose boxes say "replaces what is
/// charted" on a section already charted, so ticking one is the ask.
#[derive(Deserialize)]
pub struct CarryForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    posture: String,
    #[serde(default)]
    rom: String,
    #[serde(default)]
    palpation: String,
    #[serde(default)]
    overwrite: String,
}

impl CarryForm {
    fn sections(&self) -> Vec<Section> {
        [
            (Section::Posture, &self.posture),
            (Section::Rom, &self.rom),
            (Section::Palpation, &self.palpation),
        ]
        .into_iter()
        .filter(|(_, on)| on.as_str() == "1")
        .map(|(s, _)| s)
        .collect()
    }
}

pub async fn carry_forward(
    state: web::Data<AppState>,
    principal: Principal,
    csrf: CsrfToken,
    ip: ClientIp,
    id: web::Path<String>,
    form: web::Form<CarryForm>,
) -> Result<HttpResponse, PageError> {
    let aid = assessment_id(&id)?;
    let form = form.into_inner();
    let req = CarryRequest {
        from: match form.from.as_str() {
            "" => None,
            raw => Some(AssessmentId::parse(raw).ok_or(PageError(ServiceError::NotFound))?),
        },
        sections: form.sections(),
        overwrite: form.overwrite == "1",
        version: Some(version_of(&form.version)?),
    };
    let first = req.sections.first().copied().unwrap_or(Section::Posture);
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let aid2 = aid.clone();
    let r = state
        .db(move |conn| assessments::carry_forward(conn, now, &actor, &aid2, req).map(|_| ()))
        .await;
    let refusal = match r {
        Err(ServiceError::Conflict(m)) => (StatusCode::CONFLICT, m),
        Err(ServiceError::Invalid(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            errors
                .iter()
                .map(|(_, m)| m.to_owned())
                .collect::<Vec<_>>()
                .join(" "),
        ),
        other => return after_post(&aid, other, &format!("?notice=carried#{first}")),
    };
    let a = load(&state, &principal, &ip, aid).await?;
    let mut page = build(&state, &principal, &csrf, a, None);
    page.notice = Some(format!("Not carried forward: {}", refusal.1));
    render_with(refusal.0, &page)
}

pub async fn keep(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    path: web::Path<(String, String)>,
    form: web::Form<super::handlers::VersionForm>,
) -> Result<HttpResponse, PageError> {
    let (aid, section) = path.into_inner();
    let aid = assessment_id(&aid)?;
    let section = section_of(&section)?;
    let version = version_of(form.version())?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let aid2 = aid.clone();
    let r = state
        .db(move |conn| {
            assessments::keep_carried(conn, now, &actor, &aid2, version, section).map(|_| ())
        })
        .await;
    after_post(&aid, r, &format!("?notice=kept#{section}"))
}
