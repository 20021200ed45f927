//! One text and one HTML template per message (askama; the `.html` ones are escaped).

use askama::Template;
use chrono::TimeDelta;

use super::{ComposedMessage, MailContext};

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
