//! The patient's pre-visit form at `/intake/{token}`: seven short steps, phone first,
//! working without JavaScript. Each step saves the draft on the server; the last one
//! signs the consent and submits.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::body_map::{self, Shape};
use super::intake_summary::{self, SummaryLine};
use super::{Page, no_errors, render_with, see_other};
use crate::domain::FieldErrors;
use crate::domain::clinical::patient_advice::PatientAdvice;
use crate::domain::clinical::questions::{condition_question, red_flag_question};
use crate::domain::clinical::{ConditionCode, RedFlagCode};
use crate::domain::intake::{IntakeInput, MedicationInput, PainArea, PainQuality, SurgeryInput};
use crate::services::ServiceError;
use crate::services::intake_form::{
    self, ClosedLink, FormCaller, FormProgress, FormSession, Signature, Submission,
};
use crate::web::error::PageError;
use crate::web::extract::{ClientIp, CsrfToken, MaybePrincipal, QuietQuery};
use crate::web::state::AppState;

/// The steps, in order: (number, title).
pub const STEPS: [(u8, &str); 7] = [
    (1, "Your contact details"),
    (2, "What brings you in"),
    (3, "Where it hurts"),
    (4, "Health conditions"),
    (5, "Important symptoms"),
    (6, "Medicines and operations"),
    (7, "Consent and submit"),
];
const LAST: u8 = 7;

pub struct Question {
    pub code: &'static str,
    pub text: &'static str,
    pub answer: String,
    pub details: String,
    pub error: Option<String>,
}

/// One step in the step list: done or still to do.
pub struct StepLink {
    pub n: u8,
    pub title: &'static str,
    pub done: bool,
}

pub struct Choice {
    pub code: &'static str,
    pub label: &'static str,
    pub on: bool,
}

#[derive(Template)]
#[template(path = "intake_form.html")]
struct FormPage {
    page: Page,
    token: String,
    step: u8,
    title: &'static str,
    steps: Vec<StepLink>,
    steps_done: usize,
    first_name: String,
    version: i32,
    f: IntakeInput,
    errors: FieldErrors,
    summary: Vec<SummaryLine>,
    /// How many answers the step misses (the summary may name fewer).
    missing: usize,
    notice: Option<&'static str>,
    conditions: Vec<Question>,
    red_flags: Vec<Question>,
    qualities: Vec<Choice>,
    areas: Vec<Choice>,
    front: Vec<Shape>,
    back: Vec<Shape>,
    medications: Vec<MedicationInput>,
    surgeries: Vec<SurgeryInput>,
    scale: Vec<i64>,
    signed_name: String,
    consent_agreed: bool,
    /// A paper form entered by this staff member, who is recorded as entering it and
    /// as the witness of the consent: the page speaks to them, not to the patient.
    paper_entry_by: Option<String>,
    /// What the clinic has, as hints (step 1): the patient confirms or changes it.
    on_file: Vec<String>,
}

/// The thank-you page. With an emergency flag it first tells the patient to seek
/// emergency care and why; with an urgent one that the clinic calls today.
#[derive(Template)]
#[template(path = "intake_done.html")]
struct DonePage {
    page: Page,
    first_name: String,
    /// Why to seek emergency care, one sentence per reason; empty: no emergency.
    emergency_reasons: Vec<&'static str>,
    call_today: bool,
}

impl DonePage {
    fn new(page: Page, first_name: String, advice: PatientAdvice) -> Self {
        let (emergency_reasons, call_today) = match advice {
            PatientAdvice::SeekEmergencyCare(reasons) => (reasons, false),
            PatientAdvice::CallToday => (Vec::new(), true),
            PatientAdvice::Routine => (Vec::new(), false),
        };
        DonePage {
            page,
            first_name,
            emergency_reasons,
            call_today,
        }
    }
}

#[derive(Deserialize, Default)]
pub struct StepQuery {
    step: Option<u8>,
    saved: Option<String>,
}

fn page_for(
    state: &AppState,
    csrf: &CsrfToken,
    who: &MaybePrincipal,
    token: String,
    step: u8,
    s: FormSession,
    errors: FieldErrors,
) -> FormPage {
    let step = step.clamp(1, LAST);
    let title = STEPS[usize::from(step - 1)].1;
    // Staff entering a paper form keep their menu; a patient's page has none.
    let viewer = if s.paper { who.0.as_ref() } else { None };
    let mut page = Page::new(title, state, viewer, csrf);
    page.title = format!("{title} · Pre-visit form");
    let f = s.input;
    let conditions = ConditionCode::ALL
        .iter()
        .map(|c| Question {
            code: c.as_str(),
            text: condition_question(*c),
            answer: f.conditions.get(c.as_str()).cloned().unwrap_or_default(),
            details: f
                .condition_details
                .get(c.as_str())
                .cloned()
                .unwrap_or_default(),
            error: errors.get(&format!("conditions.{c}")).map(str::to_owned),
        })
        .collect();
    let red_flags = RedFlagCode::ASKED
        .iter()
        .map(|r| Question {
            code: r.as_str(),
            text: red_flag_question(*r),
            answer: match f.red_flags.get(r.as_str()) {
                _ if f.red_flags_unsure.iter().any(|u| u == r.as_str()) => "unsure".into(),
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => String::new(),
            },
            details: String::new(),
            error: errors.get(&format!("red_flags.{r}")).map(str::to_owned),
        })
        .collect();
    let qualities = PainQuality::ALL
        .iter()
        .map(|q| Choice {
            code: q.as_str(),
            label: q.label(),
            on: f.pain_quality.iter().any(|x| x == q.as_str()),
        })
        .collect();
    let areas = PainArea::ALL
        .iter()
        .map(|a| Choice {
            code: a.as_str(),
            label: a.label(),
            on: f.pain_regions.iter().any(|x| x == a.as_str()),
        })
        .collect();
    // A few empty lines for a phone without scripts; the script shows one and an "Add
    // another" button (templates/static/intake_form.js).
    let mut medications = f.medications.clone();
    medications.resize(medications.len() + 3, MedicationInput::default());
    let mut surgeries = f.surgeries.clone();
    surgeries.resize(surgeries.len() + 2, SurgeryInput::default());
    let steps: Vec<StepLink> = STEPS
        .iter()
        .map(|(n, title)| StepLink {
            n: *n,
            title,
            done: s.progress.is_done(*n),
        })
        .collect();
    let missing = errors.iter().count();
    let summary = intake_summary::lines(&errors);
    let paper_entry_by = if s.paper {
        who.0.as_ref().map(|p| p.name.clone())
    } else {
        None
    };
    FormPage {
        paper_entry_by,
        on_file: s.on_file.clone(),
        page,
        token,
        step,
        title,
        steps_done: steps.iter().filter(|l| l.done).count(),
        steps,
        first_name: s.first_name,
        version: s.version,
        front: body_map::front(&f.pain_regions),
        back: body_map::back(&f.pain_regions),
        f,
        errors,
        summary,
        missing,
        notice: None,
        conditions,
        red_flags,
        qualities,
        areas,
        medications,
        surgeries,
        scale: (0..=10).collect(),
        signed_name: s.progress.signature.name,
        consent_agreed: s.progress.signature.agreed,
    }
}

/// The first step, after `after`, that is not finished yet (the last step if all are).
fn next_unfinished(progress: &FormProgress, after: u8) -> u8 {
    (after + 1..=LAST)
        .find(|n| !progress.is_done(*n))
        .unwrap_or(LAST)
}

fn form_caller(ip: &ClientIp, who: &MaybePrincipal) -> FormCaller {
    FormCaller {
        ip: ip.ip.clone(),
        staff: who
            .0
            .as_ref()
            .map(|p| (p.session_id.clone(), ip.actor(Some(p)))),
    }
}

pub async fn show(
    state: web::Data<AppState>,
    csrf: CsrfToken,
    ip: ClientIp,
    who: MaybePrincipal,
    token: web::Path<String>,
    QuietQuery(q): QuietQuery<StepQuery>,
) -> Result<HttpResponse, PageError> {
    let token = token.into_inner();
    let now = state.clock.now();
    let t = token.clone();
    let actor = form_caller(&ip, &who);
    let session = match state
        .db(move |conn| intake_form::open(conn, now, &actor, &t))
        .await
    {
        Err(ServiceError::Gone) => return closed_link(&state, &csrf, token).await,
        other => other?,
    };
    let notice = q
        .saved
        .as_ref()
        .map(|_| "Saved. You can close this page and come back with the same link.");
    // The emailed link (no step) reopens where the patient stopped.
    let step = q
        .step
        .unwrap_or_else(|| next_unfinished(&session.progress, 0));
    let mut page = page_for(&state, &csrf, &who, token, step, session, no_errors());
    page.notice = notice;
    render_with(StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "intake_closed.html")]
struct ClosedPage {
    page: Page,
    why: ClosedLink,
}

impl ClosedPage {
    fn received_on(&self) -> Option<String> {
        match self.why {
            ClosedLink::Received { on } => Some(on.format("%-d %B %Y").to_string()),
            _ => None,
        }
    }
}

/// A link that no longer opens: what became of the form and how to reach the clinic,
/// never the staff sign-in (410, as the link is gone for good).
async fn closed_link(
    state: &AppState,
    csrf: &CsrfToken,
    token: String,
) -> Result<HttpResponse, PageError> {
    let now = state.clock.now();
    let why = state
        .db(move |conn| intake_form::why_closed(conn, now, &token))
        .await?;
    let title = match why {
        ClosedLink::Received { .. } => "Your form was received",
        ClosedLink::Replaced | ClosedLink::Expired => "This form link no longer works",
    };
    let page = Page::new(title, state, None, csrf);
    render_with(StatusCode::GONE, &ClosedPage { page, why })
}

/// Fills the fields of one step from the posted pairs, leaving the other steps as saved.
fn overlay(step: u8, pairs: &[(String, String)], f: &mut IntakeInput) {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let all = |k: &str| {
        pairs
            .iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .collect::<Vec<_>>()
    };
    let yes_no = |k: &str| match get(k).as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    };
    // A number the patient could not have typed wrong: the radios send 0–10; anything
    // else is kept as out of range so the page says so.
    let number = |k: &str| {
        let v = get(k);
        if v.trim().is_empty() {
            None
        } else {
            Some(v.trim().parse::<i64>().unwrap_or(-1))
        }
    };
    match step {
        1 => {
            f.contact_phone = get("contact_phone");
            f.contact_email = get("contact_email");
            f.contact_address_line1 = get("contact_address_line1");
            f.contact_city = get("contact_city");
            f.contact_postal_code = get("contact_postal_code");
            f.contact_emergency_name = get("contact_emergency_name");
            f.contact_emergency_phone = get("contact_emergency_phone");
        }
        2 => {
            f.chief_complaint = get("chief_complaint");
            f.onset = get("onset");
            f.mechanism = get("mechanism");
            f.pain_now = number("pain_now");
            f.pain_worst = number("pain_worst");
            f.pain_quality = all("pain_quality");
            f.pain_pattern = get("pain_pattern");
            f.radiates = yes_no("radiates");
            f.radiation = get("radiation");
            f.aggravating = get("aggravating");
            f.relieving = get("relieving");
            f.earlier_episodes = yes_no("earlier_episodes");
            f.earlier_treatment = get("earlier_treatment");
            f.goals = get("goals");
        }
        3 => f.pain_regions = all("pain_region"),
        4 => {
            f.conditions.clear();
            f.condition_details.clear();
            for c in ConditionCode::ALL {
                let a = get(&format!("cond_{c}"));
                if !a.is_empty() {
                    f.conditions.insert(c.as_str().to_owned(), a);
                }
                let d = get(&format!("cond_{c}_details"));
                if !d.trim().is_empty() {
                    f.condition_details.insert(c.as_str().to_owned(), d);
                }
            }
        }
        5 => {
            f.red_flags.clear();
            f.red_flags_unsure.clear();
            for r in RedFlagCode::ASKED {
                let field = format!("red_{r}");
                if get(&field) == "unsure" {
                    f.red_flags_unsure.push(r.as_str().to_owned());
                } else if let Some(v) = yes_no(&field) {
                    f.red_flags.insert(r.as_str().to_owned(), v);
                }
            }
        }
        6 => {
            f.medications = (0..60)
                .map(|i| MedicationInput {
                    name: get(&format!("med_{i}_name")),
                    dose: get(&format!("med_{i}_dose")),
                    reason: get(&format!("med_{i}_reason")),
                })
                .filter(|m| {
                    !(m.name.trim().is_empty()
                        && m.dose.trim().is_empty()
                        && m.reason.trim().is_empty())
                })
                .collect();
            f.surgeries = (0..60)
                .map(|i| SurgeryInput {
                    procedure: get(&format!("surg_{i}_procedure")),
                    year: {
                        let y = get(&format!("surg_{i}_year"));
                        if y.trim().is_empty() {
                            None
                        } else {
                            Some(y.trim().parse().unwrap_or(-1))
                        }
                    },
                })
                .filter(|s| !s.procedure.trim().is_empty() || s.year.is_some())
                .collect();
            f.other_conditions = get("other_conditions");
        }
        _ => {}
    }
}

pub async fn save(
    state: web::Data<AppState>,
    csrf: CsrfToken,
    ip: ClientIp,
    who: MaybePrincipal,
    token: web::Path<String>,
    QuietQuery(q): QuietQuery<StepQuery>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let token = token.into_inner();
    let pairs = form.into_inner();
    let step = q.step.unwrap_or(1).clamp(1, LAST);
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let go = get("go");
    let version: i32 = get("version").trim().parse().unwrap_or(0);
    let now = state.clock.now();
    // A staff member entering a paper form acts as themselves; a patient anonymously
    // (the service decides which, by the link).
    let actor = form_caller(&ip, &who);
    let (actor1, t1) = (actor.clone(), token.clone());
    let mut session = match state
        .db(move |conn| intake_form::open_for_save(conn, now, &actor1, &t1))
        .await
    {
        Err(ServiceError::Gone) => return closed_link(&state, &csrf, token).await,
        other => other?,
    };
    overlay(step, &pairs, &mut session.input);
    if step == LAST {
        // Kept with the draft whichever button was pressed: "Back" loses nothing.
        session.progress.signature = Signature {
            name: get("signed_name"),
            agreed: !get("consent_agree").is_empty(),
        };
    }
    let signature = session.progress.signature.clone();
    let missing = intake_form::missing_answers(&session.input, &signature.name, signature.agreed);
    // A step is finished when it was continued from with nothing missing; a finished
    // step that lost an answer is to do again.
    session
        .progress
        .steps_done
        .retain(|n| errors_on(&missing, *n).is_empty());
    let missing_here = errors_on(&missing, step);
    if go == "next" && missing_here.is_empty() && !session.progress.is_done(step) {
        session.progress.steps_done.push(step);
    }

    let input = session.input.clone();
    let progress = session.progress.clone();
    let (actor2, t2) = (actor.clone(), token.clone());
    let save_draft = |version: i32| {
        let (state, actor, t, input, progress) = (
            state.clone(),
            actor.clone(),
            token.clone(),
            input.clone(),
            progress.clone(),
        );
        async move {
            state
                .db(move |conn| {
                    intake_form::save(conn, now, &actor, &t, version, &input, &progress)
                })
                .await
        }
    };
    let render_step = |show: u8, session: FormSession, errors: FieldErrors, version: i32| {
        let errors = errors_on(&errors, show);
        let mut page = page_for(&state, &csrf, &who, token.clone(), show, session, errors);
        page.version = version;
        render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
    };
    let conflict = |session: FormSession, current: i32| {
        let mut page = page_for(
            &state,
            &csrf,
            &who,
            token.clone(),
            step,
            session,
            no_errors(),
        );
        page.version = current;
        page.notice = Some(
            "This form was also saved from another window. What you typed here is below and not saved yet: check it and save again.",
        );
        render_with(StatusCode::CONFLICT, &page)
    };

    if go == "submit" {
        let (input, sig, mail) = (session.input.clone(), signature.clone(), state.mail.clone());
        let submitted = state
            .db(move |conn| {
                let form = Submission {
                    version,
                    input: &input,
                    signature: &sig,
                };
                intake_form::submit(conn, now, &actor2, &t2, &form, &mail)
            })
            .await;
        return match submitted {
            Ok(advice) => {
                // The alert to the clinic, if one was queued, should not wait for the poll.
                state.wake_mailer();
                let page = Page::new("Thank you", &state, None, &csrf);
                render_with(
                    StatusCode::OK,
                    &DonePage::new(page, session.first_name, advice),
                )
            }
            // A missed answer, perhaps on an earlier step: keep what the last step holds
            // (signature and tick included) and send the patient to the first step
            // with something missing, its summary on top.
            Err(ServiceError::Invalid(errors)) => match save_draft(version).await {
                Ok(saved) => {
                    let show = first_step_with(&errors).unwrap_or(step);
                    render_step(show, session, errors, saved)
                }
                Err(ServiceError::Invalid(errors)) => {
                    let show = first_step_with(&errors).unwrap_or(step);
                    render_step(show, session, errors, version)
                }
                Err(ServiceError::StaleVersion { current }) => conflict(session, current),
                Err(e) => Err(e.into()),
            },
            Err(ServiceError::StaleVersion { current }) => conflict(session, current),
            Err(e) => Err(e.into()),
        };
    }
    match save_draft(version).await {
        Ok(saved) if go == "next" && !missing_here.is_empty() => {
            render_step(step, session, missing_here, saved)
        }
        Ok(_) => {
            let next = match go.as_str() {
                "back" => step.saturating_sub(1).max(1),
                "later" => step,
                _ => next_unfinished(&session.progress, step),
            };
            let saved = if go == "later" { "&saved=1" } else { "" };
            Ok(see_other(&format!("/intake/{t2}?step={next}{saved}")))
        }
        Err(ServiceError::Invalid(errors)) => {
            let show = first_step_with(&errors).unwrap_or(step);
            render_step(show, session, errors, version)
        }
        Err(ServiceError::StaleVersion { current }) => conflict(session, current),
        Err(e) => Err(e.into()),
    }
}

/// The errors that belong to step `n`.
fn errors_on(errors: &FieldErrors, n: u8) -> FieldErrors {
    let mut out = FieldErrors::new();
    for (field, message) in errors.iter().filter(|(f, _)| step_of(f) == n) {
        out.add(field, message);
    }
    out
}

/// The step that asks for a field.
fn step_of(field: &str) -> u8 {
    match field {
        f if f.starts_with("contact_") => 1,
        "pain_regions" => 3,
        f if f.starts_with("conditions.") || f.starts_with("condition_details.") => 4,
        f if f.starts_with("red_flags.") => 5,
        f if f.starts_with("medications")
            || f.starts_with("surgeries")
            || f == "other_conditions" =>
        {
            6
        }
        "signed_name" | "consent_agree" => 7,
        _ => 2,
    }
}

/// The first step that holds a field with an error.
fn first_step_with(errors: &FieldErrors) -> Option<u8> {
    errors.iter().map(|(f, _)| step_of(f)).min()
}
