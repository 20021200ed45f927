//! Assessments: `POST /api/v1/patients/{id}/assessments`, `GET /api/v1/patients/{id}/assessments`,
//! `GET|PUT /api/v1/assessments/{id}`, `POST /api/v1/assessments/{id}/sign` and
//! `/addenda`, and the ICD-10 list at `GET /api/v1/diagnosis-codes?q=`.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};

use super::flags::FlagJson;
use super::patients::patient_id;
use crate::domain::assessment::palpation::part_by_segment;
use crate::domain::assessment::{SectionUpdate, icd10};
use crate::domain::{AssessmentId, FieldErrors};
use crate::services::ServiceError;
use crate::services::assessments::{self, AssessmentRecord};
use crate::services::audit::AuditAction;
use crate::services::sessions::Principal;
use crate::web::error::ApiError;
use crate::web::extract::ClientIp;
use crate::web::state::AppState;

pub fn assessment_id(raw: &str) -> Result<AssessmentId, ApiError> {
    AssessmentId::parse(raw).ok_or(ApiError(ServiceError::NotFound))
}

/// The whole record as JSON: identity, status, every section (as stored, with the
/// computed ROM normals), PART per segment, the flags, what the plan conflicts with,
/// what blocks signing, and the addenda.
pub fn record_json(r: AssessmentRecord, principal: &Principal) -> Value {
    let palpation = r.content.palpation.as_deref().unwrap_or_default();
    let part: Vec<Value> = part_by_segment(palpation)
        .into_iter()
        .map(|(s, p)| {
            json!({
                "segment": s, "criteria": p.letters(), "count": p.count(),
                "subluxation": p.subluxation(),
            })
        })
        .collect();
    let blockers = if r.is_signed() {
        Vec::new()
    } else {
        r.sign_blockers()
    };
    let hash_ok = r.hash_matches();
    let mut out = json!({
        "id": r.row.id,
        "patient_id": r.row.patient_id,
        "practitioner_id": r.row.practitioner_id,
        "practitioner_name": r.practitioner_name,
        "visit_date": r.row.visit_date,
        "status": r.row.status,
        "version": r.row.version,
        "created_at": r.row.created_at,
        "updated_at": r.row.updated_at,
        "signed_at": r.row.signed_at,
        "signed_by": r.row.signed_by,
        "signer_name": r.signer_name,
        "content_hash": r.row.content_hash,
        "content_hash_verified": hash_ok,
        "part": part,
        "flags": r.flags.iter().cloned().map(|f| {
            let history = r.flag_history.get(&f.id).cloned().unwrap_or_default();
            FlagJson::new(f, history, principal.role)
        }).collect::<Vec<_>>(),
        "conflicts": r.conflicts,
        "sign_blockers": blockers,
        "treatment_consent_on_file": r.has_consent,
        "addenda": r.addenda.iter().map(|a| json!({
            "id": a.id, "author_id": a.author_id, "body": a.body, "created_at": a.created_at,
        })).collect::<Vec<_>>(),
    });
    if let (Some(obj), Ok(Value::Object(sections))) =
        (out.as_object_mut(), serde_json::to_value(&r.content))
    {
        obj.extend(sections);
    }
    out
}

pub async fn start(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let pid = patient_id(&id)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let row = state
        .db(move |conn| assessments::start(conn, now, &actor, &pid))
        .await?;
    Ok(HttpResponse::Created().json(json!({
        "id": row.id, "version": row.version, "status": row.status,
        "patient_id": row.patient_id, "visit_date": row.visit_date,
    })))
}

pub async fn list_for_patient(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let pid = patient_id(&id)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let rows = state
        .db(move |conn| assessments::list(conn, now, &actor, &pid))
        .await?;
    let items: Vec<Value> = rows
        .into_iter()
        .map(|a| {
            json!({
                "id": a.id, "visit_date": a.visit_date, "status": a.status,
                "version": a.version, "practitioner_id": a.practitioner_id,
                "signed_at": a.signed_at,
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "items": items })))
}

pub async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let aid = assessment_id(&id)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let record = state
        .db(move |conn| assessments::get(conn, now, &actor, &aid, AuditAction::AssessmentViewed))
        .await?;
    Ok(HttpResponse::Ok().json(record_json(record, &principal)))
}

/// `version` and the sections to replace; anything else is refused by name so a typo
/// is not silently ignored.
pub fn parse_update(
    body: Value,
    today: chrono::NaiveDate,
) -> Result<(i32, SectionUpdate), FieldErrors> {
    let Value::Object(obj) = body else {
        return Err(FieldErrors::single("body", "Send a JSON object."));
    };
    let mut e = FieldErrors::new();
    let version = match obj.get("version").map(Value::as_i64) {
        Some(Some(v)) => i32::try_from(v).ok(),
        _ => None,
    };
    if version.is_none() {
        e.add("version", "Send the version you last read.");
    }
    for k in obj.keys() {
        let known = k == "version" || crate::domain::assessment::Section::parse(k).is_some();
        if !known {
            e.add(k, "Unknown section.");
        }
    }
    let update = match SectionUpdate::parse(&obj, today) {
        Ok(u) => Some(u),
        Err(errs) => {
            for (f, m) in errs.iter() {
                e.add(f, m);
            }
            None
        }
    };
    e.into_result()?;
    match (version, update) {
        (Some(v), Some(u)) => Ok((v, u)),
        _ => Err(FieldErrors::single("body", "Send a JSON object.")),
    }
}

pub async fn update(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let aid = assessment_id(&id)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let (version, update) = parse_update(body.into_inner(), now.date())?;
    let record = state
        .db(move |conn| assessments::save_sections(conn, now, &actor, &aid, version, update))
        .await?;
    Ok(HttpResponse::Ok().json(record_json(record, &principal)))
}

#[derive(Deserialize, Default)]
pub struct SignBody {
    #[serde(default)]
    version: Option<i32>,
}

pub async fn sign(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    body: Option<web::Json<SignBody>>,
) -> Result<HttpResponse, ApiError> {
    let aid = assessment_id(&id)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let version = body.and_then(|b| b.into_inner().version);
    let record = state
        .db(move |conn| assessments::sign(conn, now, &actor, &aid, version))
        .await?;
    Ok(HttpResponse::Ok().json(record_json(record, &principal)))
}

#[derive(Deserialize, Default)]
pub struct AddendumBody {
    #[serde(default)]
    body: String,
}

pub async fn add_addendum(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    body: web::Json<AddendumBody>,
) -> Result<HttpResponse, ApiError> {
    let aid = assessment_id(&id)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let text = body.into_inner().body;
    let a = state
        .db(move |conn| assessments::add_addendum(conn, now, &actor, &aid, &text))
        .await?;
    Ok(HttpResponse::Created().json(json!({
        "id": a.id, "assessment_id": a.assessment_id, "author_id": a.author_id,
        "body": a.body, "created_at": a.created_at,
    })))
}

#[derive(Deserialize, Default)]
pub struct CodeQuery {
    #[serde(default)]
    q: String,
}

/// The shipped ICD-10 list, searched by code or words.
pub async fn diagnosis_codes(query: web::Query<CodeQuery>) -> HttpResponse {
    let items: Vec<Value> = icd10::search(&query.q)
        .into_iter()
        .map(|c| json!({ "code": c.code, "description": c.description }))
        .collect();
    HttpResponse::Ok().json(json!({ "items": items }))
}
