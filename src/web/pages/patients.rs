//! Patient pages for staff: search, register, view, edit, archive.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{Page, no_errors, render, render_with, see_other};
use crate::db::models::appointment::AppointmentRow;
use crate::db::models::invitation::InvitationRow;
use crate::db::models::patient::PatientRow;
use crate::domain::patient::{PatientDetails, PatientInput, Sex};
use crate::domain::{FieldErrors, PatientId};
use crate::services::invitations::FormStatus;
use crate::services::sessions::Principal;
use crate::services::{DuplicateMatch, ServiceError, flags, invitations, patients};
use crate::web::error::PageError;
use crate::web::extract::{ClientIp, CsrfToken};
use crate::web::state::AppState;

pub use super::flag_banner::BannerFlag;

fn patient_id(raw: &str) -> Result<PatientId, PageError> {
    PatientId::parse(raw).ok_or(PageError(ServiceError::NotFound))
}

/// One line of a result list.
pub struct PatientLine {
    pub id: String,
    pub chart_number: String,
    pub name: String,
    pub date_of_birth: String,
    pub phone: String,
    pub archived: bool,
}

impl From<PatientRow> for PatientLine {
    fn from(p: PatientRow) -> Self {
        PatientLine {
            name: format!("{}, {}", p.family_name, p.given_name),
            date_of_birth: p.date_of_birth.format("%Y-%m-%d").to_string(),
            phone: p.phone.unwrap_or_default(),
            archived: p.archived_at.is_some(),
            id: p.id,
            chart_number: p.chart_number,
        }
    }
}

#[derive(Template)]
#[template(path = "patients_search.html")]
struct SearchPage {
    page: Page,
    q: String,
    include_archived: bool,
    searched: bool,
    results: Vec<PatientLine>,
    limit: i64,
}

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    archived: Option<String>,
}

pub async fn search(
    state: web::Data<AppState>,
    principal: Principal,
    csrf: CsrfToken,
    ip: ClientIp,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, PageError> {
    let SearchQuery { q, archived } = query.into_inner();
    let include_archived = archived.is_some();
    let searched = !q.trim().is_empty();
    let results = if searched {
        let now = state.clock.now();
        let actor = ip.actor(Some(&principal));
        let q2 = q.clone();
        state
            .db(move |conn| patients::search(conn, now, &actor, &q2, include_archived))
            .await?
    } else {
        Vec::new()
    };
    render(&SearchPage {
        page: Page::new("Patients", &state, Some(&principal), &csrf),
        q,
        include_archived,
        searched,
        results: results.into_iter().map(PatientLine::from).collect(),
        limit: patients::SEARCH_LIMIT,
    })
}

/// The registration / edit form.
#[derive(Template)]
#[template(path = "patient_form.html")]
struct FormPage {
    page: Page,
    /// `None` when registering.
    patient_id: Option<String>,
    chart_number: String,
    version: i32,
    form: PatientInput,
    errors: FieldErrors,
    duplicates: Vec<DuplicateMatch>,
    conflict: bool,
    sexes: Vec<(&'static str, &'static str)>,
    /// The flag banner, on every page about an existing patient.
    flags: Vec<BannerFlag>,
}

/// The form's fields in the order they are shown, by the names the error summary gives
/// them (a field of the emergency contact says so: "Phone" alone would be ambiguous).
const FIELD_LABELS: &[(&str, &str)] = &[
    ("given_name", "First name"),
    ("family_name", "Last name"),
    ("preferred_name", "Preferred name"),
    ("date_of_birth", "Date of birth"),
    ("sex", "Sex"),
    ("occupation", "Occupation"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("address_line1", "Address"),
    ("address_line2", "Address, line 2"),
    ("city", "City"),
    ("province", "State or province"),
    ("postal_code", "Postal code"),
    ("emergency_contact_name", "Emergency contact name"),
    ("emergency_contact_phone", "Emergency contact phone"),
    (
        "emergency_contact_relationship",
        "Emergency contact relationship",
    ),
];

/// One line of the error summary: the field's id (its link), its name, the message.
pub struct SummaryError {
    pub field: String,
    pub label: String,
    pub message: String,
}

impl FormPage {
    /// The errors in the form's order, each naming its field; an error on a field
    /// the table does not know (none today) comes last under its own name.
    fn error_summary(&self) -> Vec<SummaryError> {
        let known = FIELD_LABELS.iter().filter_map(|(field, label)| {
            self.errors.get(field).map(|m| SummaryError {
                field: (*field).to_owned(),
                label: (*label).to_owned(),
                message: m.to_owned(),
            })
        });
        let other = self
            .errors
            .iter()
            .filter(|(f, _)| !FIELD_LABELS.iter().any(|(k, _)| k == f))
            .map(|(f, m)| SummaryError {
                field: f.to_owned(),
                label: f.replace('_', " "),
                message: m.to_owned(),
            });
        known.chain(other).collect()
    }
}

fn sexes() -> Vec<(&'static str, &'static str)> {
    Sex::ALL.iter().map(|s| (s.as_str(), s.label())).collect()
}

pub async fn new_form(
    state: web::Data<AppState>,
    principal: Principal,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    render(&FormPage {
        page: Page::new("Register a patient", &state, Some(&principal), &csrf),
        patient_id: None,
        chart_number: String::new(),
        version: 0,
        form: PatientInput {
            sex: "unknown".into(),
            ..Default::default()
        },
        errors: no_errors(),
        duplicates: Vec::new(),
        conflict: false,
        sexes: sexes(),
        flags: Vec::new(),
    })
}

#[derive(Deserialize)]
pub struct RegisterForm {
    #[serde(flatten)]
    patient: PatientInput,
    allow_duplicate: Option<String>,
}

pub async fn register(
    state: web::Data<AppState>,
    principal: Principal,
    csrf: CsrfToken,
    ip: ClientIp,
    form: web::Form<RegisterForm>,
) -> Result<HttpResponse, PageError> {
    let RegisterForm {
        patient: input,
        allow_duplicate,
    } = form.into_inner();
    let now = state.clock.now();
    let result = match PatientDetails::parse(&input, state.zone.today(now)) {
        Ok(details) => {
            let actor = ip.actor(Some(&principal));
            let allow = allow_duplicate.is_some();
            state
                .db(move |conn| patients::register(conn, now, &actor, &details, allow))
                .await
        }
        Err(errors) => Err(ServiceError::Invalid(errors)),
    };
    let (status, errors, duplicates) = match result {
        Ok(row) => {
            return Ok(see_other(&format!(
                "/patients/{}?notice=registered",
                row.id
            )));
        }
        Err(ServiceError::Invalid(errors)) => {
            (StatusCode::UNPROCESSABLE_ENTITY, errors, Vec::new())
        }
        Err(ServiceError::PossibleDuplicate(d)) => (StatusCode::CONFLICT, no_errors(), d),
        Err(e) => return Err(e.into()),
    };
    render_with(
        status,
        &FormPage {
            page: Page::new("Register a patient", &state, Some(&principal), &csrf),
            patient_id: None,
            chart_number: String::new(),
            version: 0,
            form: input,
            errors,
            duplicates,
            conflict: false,
            sexes: sexes(),
            flags: Vec::new(),
        },
    )
}

fn input_of(p: &PatientRow) -> PatientInput {
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    PatientInput {
        given_name: p.given_name.clone(),
        family_name: p.family_name.clone(),
        preferred_name: s(&p.preferred_name),
        date_of_birth: p.date_of_birth.format("%Y-%m-%d").to_string(),
        sex: p.sex.clone(),
        email: s(&p.email),
        phone: s(&p.phone),
        address_line1: s(&p.address_line1),
        address_line2: s(&p.address_line2),
        city: s(&p.city),
        province: s(&p.province),
        postal_code: s(&p.postal_code),
        emergency_contact_name: s(&p.emergency_contact_name),
        emergency_contact_phone: s(&p.emergency_contact_phone),
        emergency_contact_relationship: s(&p.emergency_contact_relationship),
        occupation: s(&p.occupation),
    }
}

#[derive(Template)]
#[template(path = "patient_show.html")]
struct ShowPage {
    page: Page,
    flags: Vec<BannerFlag>,
    form_status: FormStatus,
    open_invitation: Option<InvitationRow>,
    appointments: Vec<AppointmentRow>,
    sent: bool,
    p: PatientRow,
    age: i32,
    sex_label: &'static str,
    can_archive: bool,
    notice: Option<String>,
    /// Exam records: listed for practitioners and admins only.
    assessments: Vec<crate::db::models::assessment::AssessmentRow>,
    can_read_clinical: bool,
    can_chart: bool,
    zone: crate::clinic_time::ClinicZone,
}

impl ShowPage {
    /// The address as entered, a line per part given: the street lines, then the city,
    /// province and postal code on one (a city without a street is still shown).
    fn address_lines(&self) -> Vec<String> {
        address_lines(&self.p)
    }

    /// A stored time as the desk reads it, with the clinic's zone.
    fn at(&self, t: &chrono::NaiveDateTime) -> String {
        self.zone.show(*t)
    }
}

fn address_lines(p: &PatientRow) -> Vec<String> {
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let place = [given(&p.city), given(&p.province)]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    let last = [Some(place).filter(|s| !s.is_empty()), given(&p.postal_code)]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    [given(&p.address_line1), given(&p.address_line2), Some(last)]
        .into_iter()
        .flatten()
        .filter(|l| !l.is_empty())
        .collect()
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    saved: Option<String>,
    sent: Option<String>,
    /// `flag`: back from a decision on a flag.
    notice: Option<String>,
}

pub async fn show(
    state: web::Data<AppState>,
    principal: Principal,
    csrf: CsrfToken,
    ip: ClientIp,
    id: web::Path<String>,
    q: web::Query<NoticeQuery>,
) -> Result<HttpResponse, PageError> {
    let id = patient_id(&id)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let can_read_clinical = crate::web::routes::CLINICAL_READ.contains(&principal.role);
    let (p, (flags, form_status, open_invitation, appointments, assessments)) = state
        .db(move |conn| {
            let p = patients::get(conn, now, &actor, &id)?;
            let open = flags::unresolved(conn, &p.id)?;
            let flags = flags::with_history(conn, open)?;
            let status = invitations::form_status(conn, now, &p.id)?;
            let open = invitations::live_emailed(conn, now, &p.id)?;
            let appts = crate::db::models::appointment::for_patient(conn, &p.id)?;
            let assessments = if can_read_clinical {
                crate::services::assessments::for_patient(conn, &p.id)?
            } else {
                Vec::new()
            };
            Ok((p, (flags, status, open, appts, assessments)))
        })
        .await?;
    let age = crate::domain::patient::age_on(p.date_of_birth, state.zone.today(now));
    let can_chart = principal.role == crate::domain::Role::Practitioner;
    let back = format!("/patients/{}", p.id);
    let today = state.zone.today(now).to_string();
    let flags = flags
        .into_iter()
        .map(|f| {
            if can_chart {
                BannerFlag::for_practitioner(f.row, &f.history, &back, &today)
            } else {
                BannerFlag::with_history(f.row, &f.history)
            }
        })
        .collect();
    render(&ShowPage {
        page: Page::new(
            &format!("{} {}", p.given_name, p.family_name),
            &state,
            Some(&principal),
            &csrf,
        ),
        age,
        sex_label: Sex::parse(&p.sex).map(Sex::label).unwrap_or("Not stated"),
        can_archive: crate::web::routes::DESK.contains(&principal.role),
        notice: match (&q.saved, q.notice.as_deref()) {
            (Some(_), _) => Some("Saved.".to_owned()),
            (None, Some("flag")) => Some("Flag updated.".to_owned()),
            // Right after registering: the chart number the desk writes on the paper
            // file, and what comes next.
            (None, Some("registered")) => Some(format!(
                "Registered {}. Book the first visit below; the pre-visit form can go with it.",
                p.chart_number
            )),
            _ => None,
        },
        flags,
        form_status,
        open_invitation,
        appointments,
        sent: q.sent.is_some(),
        assessments,
        can_read_clinical,
        can_chart,
        zone: state.zone,
        p,
    })
}

pub async fn edit_form(
    state: web::Data<AppState>,
    principal: Principal,
    csrf: CsrfToken,
    ip: ClientIp,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let id = patient_id(&id)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let (p, banner) = state
        .db(move |conn| {
            let p = patients::get(conn, now, &actor, &id)?;
            let f = flags::unresolved_with_history(conn, &p.id)?;
            Ok((p, f))
        })
        .await?;
    render(&FormPage {
        page: Page::new("Edit patient", &state, Some(&principal), &csrf),
        patient_id: Some(p.id.clone()),
        chart_number: p.chart_number.clone(),
        version: p.version,
        form: input_of(&p),
        errors: no_errors(),
        duplicates: Vec::new(),
        conflict: false,
        sexes: sexes(),
        flags: banner.into_iter().map(BannerFlag::from_record).collect(),
    })
}

#[derive(Deserialize)]
pub struct UpdateForm {
    #[serde(flatten)]
    patient: PatientInput,
    #[serde(default)]
    version: String,
}

pub async fn update(
    state: web::Data<AppState>,
    principal: Principal,
    csrf: CsrfToken,
    ip: ClientIp,
    id: web::Path<String>,
    form: web::Form<UpdateForm>,
) -> Result<HttpResponse, PageError> {
    let id = patient_id(&id)?;
    let UpdateForm {
        patient: input,
        version,
    } = form.into_inner();
    let version: i32 = version.trim().parse().unwrap_or(0);
    let now = state.clock.now();
    let id2 = id.clone();
    let result = match PatientDetails::parse(&input, state.zone.today(now)) {
        Ok(details) => {
            let actor = ip.actor(Some(&principal));
            state
                .db(move |conn| patients::update(conn, now, &actor, &id2, version, &details))
                .await
        }
        Err(errors) => Err(ServiceError::Invalid(errors)),
    };
    let (status, errors, conflict, version) = match result {
        Ok(row) => return Ok(see_other(&format!("/patients/{}?saved=1", row.id))),
        Err(ServiceError::Invalid(errors)) => {
            (StatusCode::UNPROCESSABLE_ENTITY, errors, false, version)
        }
        // Keep what was typed; the next save, made knowingly, applies to the current version.
        Err(ServiceError::StaleVersion { current }) => {
            (StatusCode::CONFLICT, no_errors(), true, current)
        }
        Err(e) => return Err(e.into()),
    };
    let pid = id.to_string();
    let banner = state
        .db(move |conn| flags::unresolved_with_history(conn, &pid))
        .await?
        .into_iter()
        .map(BannerFlag::from_record)
        .collect();
    render_with(
        status,
        &FormPage {
            page: Page::new("Edit patient", &state, Some(&principal), &csrf),
            patient_id: Some(id.to_string()),
            chart_number: String::new(),
            version,
            form: input,
            errors,
            duplicates: Vec::new(),
            conflict,
            sexes: sexes(),
            flags: banner,
        },
    )
}

async fn set_archived(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: String,
    archived: bool,
) -> Result<HttpResponse, PageError> {
    let id = patient_id(&id)?;
    let now = state.clock.now();
    let actor = ip.actor(Some(&principal));
    let row = state
        .db(move |conn| patients::set_archived(conn, now, &actor, &id, archived))
        .await?;
    Ok(see_other(&format!("/patients/{}", row.id)))
}

pub async fn archive(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    set_archived(state, principal, ip, id.into_inner(), true).await
}

pub async fn restore(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    set_archived(state, principal, ip, id.into_inner(), false).await
}
