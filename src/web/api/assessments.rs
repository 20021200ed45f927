//! Assessments: `POST /api/v1/patients/{id}/assessments`, `GET /api/v1/patients/{id}/assessments`,
//! `GET|PUT /api/v1/assessments/{id}`, `POST /api/v1/assessments/{id}/sign` and
//! `/addenda`, and the ICD-10 list at `GET /api/v1/diagnosis-codes?q=` (carrying
//! findings forward is in `carry_forward`).

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};

use super::body::{BodyFields, OptionalBody};
use super::flags::FlagJson;
use super::patients::patient_id;
use crate::domain::assessment::exam_tests::ScreeningSet;
use crate::domain::assessment::palpation::part_by_segment;
use crate::domain::assessment::{Section, SectionUpdate, icd10};
use crate::domain::{AssessmentId, FieldErrors};
use crate::services::ServiceError;
use crate::services::assessments::{self, AssessmentRecord, IfDraftOpen, ReviewBasis};
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
        "sign_reminders": r.sign_reminders(),
        "carried_forward": r.stored.carried_forward().into_iter()
            .map(|(s, f)| (s.as_str().to_owned(), json!(f)))
            .collect::<serde_json::Map<_, _>>(),
        "carry_offer": r.carry_offer.as_ref().map(|o| json!({
            "assessment_id": o.from.assessment_id, "signed_at": o.from.signed_at,
            "visit_date": o.visit_date,
            "sections": o.sections.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        })),
        "treatment_consent_on_file": r.has_consent,
        "addenda": r.addenda.iter().map(|a| json!({
            "id": a.id, "author_id": a.author_id, "author_name": r.name_of(&a.author_id),
            "body": a.body, "created_at": a.created_at,
        })).collect::<Vec<_>>(),
        "names": r.names,
        "history_items": r.history_items().into_iter().map(|h| json!({
            "item": h.key, "label": h.label, "reported": h.reported,
            "status": h.check.as_ref().map(|c| c.status.as_str()),
            "correction": h.check.as_ref().and_then(|c| c.correction.clone()),
        })).collect::<Vec<_>>(),
        "history_notices": r.history_notices().into_iter().map(|n| n.text).collect::<Vec<_>>(),
    });
    if let Some(obj) = out.as_object_mut() {
        obj.insert("history_review".into(), history_json(&r));
        obj.insert(
            "unreadable".into(),
            r.stored
                .unreadable
                .iter()
                .map(|u| json!({ "path": u.path, "stored": u.raw, "text": u.describe() }))
                .collect(),
        );
        // The sections exactly as stored: what the signature covers, `null` for every
        // finding nobody recorded.
        obj.insert("schema".into(), json!(r.stored.schema));
        for (k, v) in &r.stored.document {
            if k != "schema" {
                obj.insert(k.clone(), v.clone());
            }
        }
    }
    out
}

/// Which form the history review reads, whether it is still the one pinned, and any
/// newer one.
fn history_json(r: &AssessmentRecord) -> Value {
    let h = &r.history;
    json!({
        "basis": match h.basis {
            ReviewBasis::Pinned => "pinned",
            ReviewBasis::NotYetPinned => "not_yet_pinned",
            ReviewBasis::SignedBeforePinning => "signed_before_pinning",
        },
        "intake_id": h.intake_id,
        "submitted_at": h.submitted_at,
        "answers_hash_verified": h.answers_match,
        "newer_intake": h.newer.as_ref().map(|n| json!({
            "intake_id": n.intake_id, "submitted_at": n.submitted_at,
        })),
    })
}

/// An optional JSON object body: empty is `{}`, anything else must be an object.
pub(super) fn object_body(raw: &web::Bytes) -> Result<serde_json::Map<String, Value>, FieldErrors> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::Map::new());
    }
    match serde_json::from_slice::<Value>(raw) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(FieldErrors::single("body", "Send a JSON object.")),
    }
}

pub(super) fn only_keys(
    body: &serde_json::Map<String, Value>,
    known: &[&str],
) -> Result<(), FieldErrors> {
    let mut e = FieldErrors::new();
    for k in body.keys().filter(|k| !known.contains(&k.as_str())) {
        e.add(k, "Unknown field.");
    }
    e.into_result()
}

fn version_in(body: &serde_json::Map<String, Value>) -> Result<i32, FieldErrors> {
    body.get("version")
        .and_then(Value::as_i64)
        .and_then(|v| i32::try_from(v).ok())
        .ok_or_else(|| FieldErrors::single("version", "Send the version you last read."))
}

/// Starts a first-visit assessment. 409 with `draft_id` when the patient has a draft,
/// unless the body says `{"new_visit": true}`.
pub async fn start(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    raw: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let pid = patient_id(&id)?;
    let body = object_body(&raw)?;
    only_keys(&body, &["new_visit"])?;
    let if_open = match body.get("new_visit") {
        None | Some(Value::Bool(false)) => IfDraftOpen::Refuse,
        Some(Value::Bool(true)) => IfDraftOpen::StartNewVisit,
        Some(_) => return Err(FieldErrors::single("new_visit", "Send true or false.").into()),
    };
    let now = state.clock.now();
    let visit_date = state.zone.today(now);
    let actor = ip.actor(Some(&principal));
    let row = state
        .db(move |conn| assessments::start(conn, now, visit_date, &actor, &pid, if_open))
        .await?;
    Ok(HttpResponse::Created().json(json!({
        "id": row.id, "version": row.version, "status": row.status,
        "patient_id": row.patient_id, "visit_date": row.visit_date,
    })))
}

/// Moves a draft's history review to the patient's newest submitted form.
pub async fn pin_history(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let aid = assessment_id(&id)?;
    let Value::Object(body) = body.into_inner() else {
        return Err(FieldErrors::single("body", "Send a JSON object.").into());
    };
    only_keys(&body, &["version"])?;
    let version = version_in(&body)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let record = state
        .db(move |conn| assessments::pin_latest_history(conn, now, &actor, &aid, version))
        .await?;
    Ok(HttpResponse::Ok().json(record_json(record, &principal)))
}

/// "All normal" for one section (`{"version", "section", "set"}`; `set` names the
/// screening set for the tests section). Fills only what is not yet recorded.
pub async fn all_normal(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let aid = assessment_id(&id)?;
    let Value::Object(body) = body.into_inner() else {
        return Err(FieldErrors::single("body", "Send a JSON object.").into());
    };
    only_keys(&body, &["version", "section", "set"])?;
    let mut e = FieldErrors::new();
    let version = match version_in(&body) {
        Ok(v) => Some(v),
        Err(x) => {
            for (f, m) in x.iter() {
                e.add(f, m);
            }
            None
        }
    };
    let section = body
        .get("section")
        .and_then(Value::as_str)
        .and_then(Section::parse);
    if section.is_none() {
        e.add(
            "section",
            "Name the section (posture, rom, palpation, tests or neuro).",
        );
    }
    let set = match body.get("set") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_str().and_then(ScreeningSet::parse) {
            Some(s) => Some(s),
            None => {
                e.add(
                    "set",
                    format!("Use one of: {}.", ScreeningSet::CODES.join(", ")),
                );
                None
            }
        },
    };
    e.into_result()?;
    let (Some(version), Some(section)) = (version, section) else {
        return Err(FieldErrors::single("body", "Send a JSON object.").into());
    };
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let record = state
        .db(move |conn| {
            assessments::save_all_normal(conn, now, &actor, &aid, version, section, set)
        })
        .await?;
    Ok(HttpResponse::Ok().json(record_json(record, &principal)))
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
    let (version, update) = parse_update(body.into_inner(), state.zone.today(now))?;
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

impl BodyFields for SignBody {
    const FIELDS: &'static [&'static str] = &["version"];
}

pub async fn sign(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    OptionalBody(body): OptionalBody<SignBody>,
) -> Result<HttpResponse, ApiError> {
    let aid = assessment_id(&id)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let version = body.version;
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
