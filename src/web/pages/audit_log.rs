//! The admin's audit browser: newest first, filtered by person, action, outcome and
//! dates, 50 rows a page. Viewing it is itself audited.

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{NaiveDate, NaiveTime};

use super::{Page, render};
use crate::db::models::audit::{self, AuditFilter, AuditRow};
use crate::db::models::user;
use crate::db::write_transaction;
use crate::services::audit::{self as audit_service, AuditAction, AuditEntry, Outcome};
use crate::services::sessions::Principal;
use crate::web::error::PageError;
use crate::web::extract::{ClientIp, CsrfToken};
use crate::web::state::AppState;

const PAGE_SIZE: i64 = 50;

#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub until: String,
    pub before: Option<i64>,
}

pub struct AuditLine {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub role: String,
    pub action: String,
    pub entity: String,
    pub outcome: String,
    pub ip: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    page: Page,
    q: AuditQuery,
    rows: Vec<AuditLine>,
    actions: Vec<&'static str>,
    next_page: Option<String>,
    filter_note: Option<String>,
}

fn date(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok()
}

pub async fn show(
    state: web::Data<AppState>,
    principal: Principal,
    csrf: CsrfToken,
    ip: ClientIp,
    q: web::Query<AuditQuery>,
) -> Result<HttpResponse, PageError> {
    let q = q.into_inner();
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let query = q.clone();
    let (rows, note) = state
        .db(move |conn| {
            let mut note = None;
            let actor_id = if query.actor.trim().is_empty() {
                None
            } else {
                match user::find_by_email(conn, &query.actor.trim().to_lowercase())? {
                    Some(u) => Some(u.id),
                    None => {
                        note = Some(format!("No account has the email {}.", query.actor.trim()));
                        Some(String::new())
                    }
                }
            };
            let filter = AuditFilter {
                actor_id,
                action: AuditAction::parse(&query.action).map(|a| a.as_str().to_owned()),
                outcome: ["success", "failure", "denied"]
                    .contains(&query.outcome.as_str())
                    .then(|| query.outcome.clone()),
                patient_id: None,
                from: date(&query.from).map(|d| d.and_time(NaiveTime::MIN)),
                until: date(&query.until)
                    .and_then(|d| d.succ_opt())
                    .map(|d| d.and_time(NaiveTime::MIN)),
                before_seq: query.before,
            };
            let rows = audit::search(conn, &filter, PAGE_SIZE)?;
            let names: std::collections::HashMap<String, String> = user::list(conn)?
                .into_iter()
                .map(|u| (u.id, u.email))
                .collect();
            write_transaction(conn, |conn| {
                audit_service::record(
                    conn,
                    now,
                    &actor,
                    AuditEntry::new(AuditAction::AuditViewed, Outcome::Success),
                )
            })?;
            Ok((
                rows.into_iter()
                    .map(|r| line(r, &names))
                    .collect::<Vec<_>>(),
                note,
            ))
        })
        .await?;
    let next_page = (rows.len() as i64 == PAGE_SIZE).then(|| {
        let last = rows.last().map(|r| r.seq).unwrap_or_default();
        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        format!(
            "/admin/audit?actor={}&action={}&outcome={}&from={}&until={}&before={last}",
            enc(&q.actor),
            enc(&q.action),
            enc(&q.outcome),
            enc(&q.from),
            enc(&q.until)
        )
    });
    render(&AuditPage {
        page: Page::new("Audit trail", &state, Some(&principal), &csrf),
        q,
        rows,
        actions: AuditAction::ALL.iter().map(|a| a.as_str()).collect(),
        next_page,
        filter_note: note,
    })
}

fn line(r: AuditRow, names: &std::collections::HashMap<String, String>) -> AuditLine {
    AuditLine {
        seq: r.seq,
        at: r.at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        actor: match &r.actor_id {
            Some(id) => names.get(id).cloned().unwrap_or_else(|| id.clone()),
            None => "—".into(),
        },
        role: r.actor_role.unwrap_or_default(),
        action: r.action,
        entity: match r.entity_id {
            Some(id) => format!("{} {}", r.entity, id),
            None => r.entity,
        },
        outcome: r.outcome,
        ip: r.ip.unwrap_or_default(),
        detail: r.detail.unwrap_or_default(),
    }
}
