//! One text and one HTML template per message (askama; the `.html` ones are escaped).

use askama::Template;
use chrono::TimeDelta;

use super::{ComposedMessage, MailContext};
use crate::domain::clinical::review::ReviewUrgency;

#[derive(Template)]
#[template(path = "email/password_reset.txt")]
struct PasswordResetText<'a> {
    clinic: &'a str,
    name: &'a str,
    link: &'a str,
    minutes: i64,
}

#[derive(Template)]
#[template(path = "email/password_reset.html")]
struct PasswordResetHtml<'a> {
    clinic: &'a str,
    name: &'a str,
    link: &'a str,
    minutes: i64,
}

#[derive(Template)]
#[template(path = "email/intake_invitation.txt")]
struct IntakeInvitationText<'a> {
    clinic: &'a str,
    first_name: &'a str,
    link: &'a str,
    visit: Option<String>,
    days: i64,
}

#[derive(Template)]
#[template(path = "email/intake_invitation.html")]
struct IntakeInvitationHtml<'a> {
    clinic: &'a str,
    first_name: &'a str,
    link: &'a str,
    visit: Option<String>,
    days: i64,
}

/// The pre-visit form invitation. It names the clinic and the visit, never the
/// patient's health; the greeting uses the first name only.
pub fn intake_invitation(
    ctx: &MailContext,
    first_name: &str,
    link: &str,
    visit: Option<String>,
    valid_for: TimeDelta,
) -> Result<ComposedMessage, anyhow::Error> {
    let clinic = ctx.clinic_name.as_str();
    let days = valid_for.num_days();
    Ok(ComposedMessage {
        template: "intake_invitation",
        subject: format!("{clinic}: your pre-visit form"),
        text: IntakeInvitationText {
            clinic,
            first_name,
            link,
            visit: visit.clone(),
            days,
        }
        .render()?,
        html: IntakeInvitationHtml {
            clinic,
            first_name,
            link,
            visit,
            days,
        }
        .render()?,
    })
}

pub fn password_reset(
    ctx: &MailContext,
    name: &str,
    link: &str,
    valid_for: TimeDelta,
) -> Result<ComposedMessage, anyhow::Error> {
    let minutes = valid_for.num_minutes();
    let clinic = ctx.clinic_name.as_str();
    Ok(ComposedMessage {
        template: "password_reset",
        subject: format!("{clinic}: set a new password"),
        text: PasswordResetText {
            clinic,
            name,
            link,
            minutes,
        }
        .render()?,
        html: PasswordResetHtml {
            clinic,
            name,
            link,
            minutes,
        }
        .render()?,
    })
}

#[derive(Template)]
#[template(path = "email/staff_invitation.txt")]
struct StaffInvitationText<'a> {
    clinic: &'a str,
    name: &'a str,
    link: &'a str,
    hours: i64,
}

#[derive(Template)]
#[template(path = "email/staff_invitation.html")]
struct StaffInvitationHtml<'a> {
    clinic: &'a str,
    name: &'a str,
    link: &'a str,
    hours: i64,
}

/// A new staff account: the person chooses their own password from this link.
pub fn staff_invitation(
    ctx: &MailContext,
    name: &str,
    link: &str,
    valid_for: TimeDelta,
) -> Result<ComposedMessage, anyhow::Error> {
    let hours = valid_for.num_hours();
    let clinic = ctx.clinic_name.as_str();
    Ok(ComposedMessage {
        template: "staff_invitation",
        subject: format!("{clinic}: your staff account"),
        text: StaffInvitationText {
            clinic,
            name,
            link,
            hours,
        }
        .render()?,
        html: StaffInvitationHtml {
            clinic,
            name,
            link,
            hours,
        }
        .render()?,
    })
}

#[derive(Template)]
#[template(path = "email/review_alert.txt")]
struct ReviewAlertText<'a> {
    clinic: &'a str,
    when: &'a str,
    link: &'a str,
}

#[derive(Template)]
#[template(path = "email/review_alert.html")]
struct ReviewAlertHtml<'a> {
    clinic: &'a str,
    when: &'a str,
    link: &'a str,
}

/// The alert to the clinic that a pre-visit form needs review now (an emergency flag)
/// or today (an urgent one). Mail leaves the clinic's systems, so it names neither the
/// patient nor anything they answered: the link leads to the patient's page, behind
/// sign-in.
pub fn review_alert(
    ctx: &MailContext,
    urgency: ReviewUrgency,
    link: &str,
) -> Result<ComposedMessage, anyhow::Error> {
    let clinic = ctx.clinic_name.as_str();
    let when = urgency.when();
    Ok(ComposedMessage {
        template: "review_alert",
        subject: format!("{clinic}: a pre-visit form needs review {when}"),
        text: ReviewAlertText { clinic, when, link }.render()?,
        html: ReviewAlertHtml { clinic, when, link }.render()?,
    })
}
