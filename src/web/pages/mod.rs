//! HTML pages for staff. Each template gets a [`Page`] with what the layout needs.

pub mod account;
pub mod admin_mail;
pub mod admin_users;
pub mod assessment;
pub mod audit_log;
pub mod body_map;
pub mod flag_banner;
pub mod flag_sources;
pub mod flag_summary;
pub mod flags;
pub mod front_desk;
pub mod home;
pub mod intake_form;
mod intake_summary;
pub mod login;
pub mod password_reset;
pub mod patients;
pub mod record_download;
pub mod referral_letter;
pub mod setup;

use actix_web::HttpResponse;
use actix_web::http::{StatusCode, header};
use askama::Template;

use super::error::PageError;
use super::extract::CsrfToken;
use super::state::AppState;
use crate::domain::{FieldErrors, Role};
use crate::services::sessions::Principal;

pub struct NavUser {
    pub name: String,
    pub role_label: &'static str,
    pub is_admin: bool,
}

/// What the layout needs on every page.
pub struct Page {
    pub title: String,
    pub clinic: String,
    /// How a patient reaches the clinic, at the foot of the pages they see (their form
    /// says "call the clinic"): the number as written, its `tel:` form, the address.
    pub clinic_phone: Option<String>,
    pub clinic_tel: Option<String>,
    pub clinic_address: Option<String>,
    pub user: Option<NavUser>,
    pub csrf: String,
    /// The menu entry this page is, for `aria-current="page"` (`None` for the pages
    /// below them: a patient's page is not the Patients search).
    pub current: Option<&'static str>,
}

/// The menu's pages by their titles: each has exactly one.
fn menu_entry(title: &str) -> Option<&'static str> {
    Some(match title {
        "Home" => "home",
        "Today" => "day",
        "Patients" => "patients",
        "Staff accounts" => "staff",
        "Audit trail" => "audit",
        "Email" => "mail",
        "Change password" => "password",
        _ => return None,
    })
}

impl Page {
    pub fn new(
        title: &str,
        state: &AppState,
        principal: Option<&Principal>,
        csrf: &CsrfToken,
    ) -> Self {
        Page {
            title: title.to_owned(),
            clinic: state.mail.clinic_name.clone(),
            clinic_phone: state.mail.clinic_phone.clone(),
            clinic_tel: state.mail.clinic_phone.as_deref().map(tel_uri),
            clinic_address: state.mail.clinic_address.clone(),
            user: principal.map(|p| NavUser {
                name: p.name.clone(),
                role_label: p.role.label(),
                is_admin: p.role == Role::Admin,
            }),
            csrf: csrf.0.clone(),
            current: menu_entry(title),
        }
    }
}

/// A telephone number as a `tel:` link (RFC 3966): its digits, with a leading `+` kept;
/// the spaces, brackets and dashes people write are visual only.
fn tel_uri(number: &str) -> String {
    let plus = number.trim_start().starts_with('+');
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    format!("tel:{}{digits}", if plus { "+" } else { "" })
}

pub fn render(t: &impl Template) -> Result<HttpResponse, PageError> {
    render_with(StatusCode::OK, t)
}

pub fn render_with(status: StatusCode, t: &impl Template) -> Result<HttpResponse, PageError> {
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(t.render()?))
}

/// A 303 to `location`. Built fallibly: a location that cannot be a header (CR/LF from
/// a form field once made a 500 after the write had committed) goes to the home page.
pub fn see_other(location: &str) -> HttpResponse {
    let value = header::HeaderValue::from_str(location)
        .unwrap_or_else(|_| header::HeaderValue::from_static("/"));
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, value))
        .finish()
}

/// Where a button's form may send the person back to (its `back` field): the day list
/// with its own query (`date`, `practitioner`, `done`), a patient's page or one of their
/// assessments, nothing else (no open redirect, no header injection). `None` otherwise.
pub fn return_place(raw: &str) -> Option<String> {
    let plain = |s: &str| {
        !s.is_empty()
            && s.len() <= 64
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    let (path, query) = raw.split_once('?').unwrap_or((raw, ""));
    let path_ok = match path.strip_prefix("/patients/") {
        Some(rest) => match rest.split('/').collect::<Vec<_>>().as_slice() {
            [patient] => plain(patient),
            [patient, "assessments", assessment] => plain(patient) && plain(assessment),
            _ => false,
        },
        None => path == "/day" || path == "/patients",
    };
    let query_ok = query.is_empty()
        || (path == "/day"
            && query.split('&').all(|pair| match pair.split_once('=') {
                Some((k, v)) => ["date", "practitioner", "done"].contains(&k) && plain(v),
                None => false,
            }));
    (path_ok && query_ok).then(|| raw.to_owned())
}

/// Errors for a form: empty when the form is first shown.
pub fn no_errors() -> FieldErrors {
    FieldErrors::new()
}

#[cfg(test)]
mod tests {
    use super::tel_uri;

    #[test]
    fn a_phone_number_as_people_write_it_dials() {
        for (written, uri) in [
            ("(514) 555-0100", "tel:5145550100"),
            ("+1 514 555 0100", "tel:+15145550100"),
            (" +44 20 7946 0958 ", "tel:+442079460958"),
        ] {
            assert_eq!(tel_uri(written), uri, "{written}");
        }
    }
}

#[cfg(test)]
mod return_tests {
    use super::{return_place, see_other};

    #[test]
    fn a_button_returns_only_to_the_day_or_a_patient() {
        for ok in [
            "/day",
            "/day?date=2026-12-03",
            "/day?date=2026-12-03&practitioner=01a2-bc",
            "/patients",
            "/patients/01a23bf4-cf7f-755b",
            "/patients/p-1/assessments/a-2",
        ] {
            assert_eq!(return_place(ok).as_deref(), Some(ok), "{ok}");
        }
        for bad in [
            "/day?date=2026-12-03\r\nSet-Cookie: x=1",
            "/day\r\nLocation: https://evil.example",
            "/day?next=//evil.example",
            "/day?date=a b",
            "/dayz",
            "//evil.example",
            "https://evil.example",
            "/patients/../admin",
            "/patients/a/b",
            "/patients/a?x=1",
            "",
        ] {
            assert_eq!(return_place(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_redirect_that_cannot_be_a_header_goes_home() {
        let r = see_other("/day\r\nSet-Cookie: x=1");
        assert_eq!(r.headers().get("location").unwrap(), "/");
        let r = see_other("/day?date=2026-12-03");
        assert_eq!(r.headers().get("location").unwrap(), "/day?date=2026-12-03");
    }
}
