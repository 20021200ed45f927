//! The admin's audit browser: newest first, filtered by person, patient, record,
//! action, outcome and dates, 50 rows a page; each row names its patient (chart number
//! and name, linked), so "who opened this chart?" is one filter. A filter that cannot be
//! used is said next to its field and matches nothing (never silently dropped).
//! Viewing it is itself audited.

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{NaiveDate, NaiveTime};

use super::{Page, render};
use crate::db::models::audit::{self, AuditFilter, AuditRow};
use crate::db::models::{patient, user};
use crate::domain::calendar;
use crate::domain::patient::{PatientSearch, parse_search};
use crate::services::audit::{AuditAction, AuditEntry, Outcome};
use crate::services::audit_queue;
use crate::services::sessions::Principal;
use crate::web::error::PageError;
use crate::web::extract::{ClientIp, CsrfToken};
use crate::web::state::AppState;

const PAGE_SIZE: i64 = 50;

#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    pub actor: String,
    /// A chart number (`P-000042`, `P42`) or a patient id.
    #[serde(default)]
    pub patient: String,
    /// A record's id, as the Record column shows it.
    #[serde(default)]
    pub record: String,
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
    /// The record's id, for a link that filters by it.
    pub record_id: Option<String>,
    /// The patient's id and "P-000042 Margarethe Lindqvist".
    pub patient: Option<(String, String)>,
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
    errors: Vec<FilterError>,
}

/// A filter that cannot be used, said next to its field (`field` is the input's id).
pub struct FilterError {
    pub field: &'static str,
    pub message: String,
}

impl AuditPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

/// The filters that need no lookup, checked; what cannot be read is an error.
struct PlainFilters {
    action: Option<String>,
    outcome: Option<String>,
    from: Option<NaiveDate>,
    until: Option<NaiveDate>,
}

fn plain_filters(q: &AuditQuery, errors: &mut Vec<FilterError>) -> PlainFilters {
    let mut err =
        |field: &'static str, message: String| errors.push(FilterError { field, message });
    let action = match q.action.trim() {
        "" => None,
        raw => match AuditAction::parse(raw) {
            Some(a) => Some(a.as_str().to_owned()),
            None => {
                err(
                    "action",
                    format!("“{raw}” is not an action of the trail; choose one from the list."),
                );
                None
            }
        },
    };
    let outcome = match q.outcome.trim() {
        "" => None,
        raw if ["success", "failure", "denied"].contains(&raw) => Some(raw.to_owned()),
        raw => {
            err(
                "outcome",
                format!("“{raw}” is not an outcome; choose success, failure or denied."),
            );
            None
        }
    };
    let mut day = |field: &'static str, raw: &str| match raw.trim() {
        "" => None,
        raw => match calendar::parse_typed(raw) {
            Ok(d) => Some(d),
            Err(msg) => {
                err(field, format!("“{raw}”: {msg}"));
                None
            }
        },
    };
    let from = day("from", &q.from);
    let until = day("until", &q.until);
    if let (Some(f), Some(u)) = (from, until)
        && f > u
    {
        err("until", "The end date is before the start date.".to_owned());
    }
    PlainFilters {
        action,
        outcome,
        from,
        until,
    }
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
    let (rows, errors) = state
        .db(move |conn| {
            let mut errors = Vec::new();
            let plain = plain_filters(&query, &mut errors);
            let actor_id = match query.actor.trim() {
                "" => None,
                raw => match user::find_by_email(conn, &raw.to_lowercase())? {
                    Some(u) => Some(u.id),
                    None => {
                        errors.push(FilterError {
                            field: "actor",
                            message: format!("No account has the email {raw}."),
                        });
                        None
                    }
                },
            };
            let patient_id = match query.patient.trim() {
                "" => None,
                raw => {
                    let found = match parse_search(raw) {
                        Some(PatientSearch::ChartNumber(c)) => {
                            patient::find_by_chart_number(conn, &c)?
                        }
                        _ => patient::find(conn, raw)?,
                    };
                    match found {
                        Some(p) => Some(p.id),
                        None => {
                            errors.push(FilterError {
                                field: "patient",
                                message: format!("No patient has the chart number or id {raw}."),
                            });
                            None
                        }
                    }
                }
            };
            let record = query.record.trim();
            let rows = if errors.is_empty() {
                let filter = AuditFilter {
                    actor_id,
                    action: plain.action,
                    outcome: plain.outcome,
                    patient_id,
                    entity_id: (!record.is_empty()).then(|| record.to_owned()),
                    from: plain.from.map(|d| d.and_time(NaiveTime::MIN)),
                    until: plain
                        .until
                        .and_then(|d| d.succ_opt())
                        .map(|d| d.and_time(NaiveTime::MIN)),
                    before_seq: query.before,
                };
                audit::search(conn, &filter, PAGE_SIZE)?
            } else {
                // A filter that cannot be read matches nothing: the whole trail under
                // a message about a filter would read as the filter's answer.
                Vec::new()
            };
            let names: std::collections::HashMap<String, String> = user::list(conn)?
                .into_iter()
                .map(|u| (u.id, u.email))
                .collect();
            let mut ids: Vec<String> = rows.iter().filter_map(|r| r.patient_id.clone()).collect();
            ids.sort_unstable();
            ids.dedup();
            let patients: std::collections::HashMap<String, String> =
                patient::find_many(conn, &ids)?
                    .into_iter()
                    .map(|p| {
                        (
                            p.id,
                            format!("{} {} {}", p.chart_number, p.given_name, p.family_name),
                        )
                    })
                    .collect();
            audit_queue::record_read(
                conn,
                now,
                &actor,
                [AuditEntry::new(AuditAction::AuditViewed, Outcome::Success)],
            )?;
            Ok((
                rows.into_iter()
                    .map(|r| line(r, &names, &patients))
                    .collect::<Vec<_>>(),
                errors,
            ))
        })
        .await?;
    let next_page = (rows.len() as i64 == PAGE_SIZE).then(|| {
        let last = rows.last().map(|r| r.seq).unwrap_or_default();
        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        format!(
            "/admin/audit?actor={}&patient={}&record={}&action={}&outcome={}&from={}&until={}&before={last}",
            enc(&q.actor),
            enc(&q.patient),
            enc(&q.record),
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
        errors,
    })
}

fn line(
    r: AuditRow,
    names: &std::collections::HashMap<String, String>,
    patients: &std::collections::HashMap<String, String>,
) -> AuditLine {
    AuditLine {
        seq: r.seq,
        at: r.at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        actor: match &r.actor_id {
            Some(id) => names.get(id).cloned().unwrap_or_else(|| id.clone()),
            None => "—".into(),
        },
        role: r.actor_role.unwrap_or_default(),
        action: r.action,
        patient: r.patient_id.map(|id| {
            let label = patients
                .get(&id)
                .cloned()
                .unwrap_or_else(|| format!("patient {id}"));
            (id, label)
        }),
        entity: match &r.entity_id {
            Some(id) => format!("{} {}", r.entity, id),
            None => r.entity,
        },
        record_id: r.entity_id,
        outcome: r.outcome,
        ip: r.ip.unwrap_or_default(),
        detail: r.detail.unwrap_or_default(),
    }
}
