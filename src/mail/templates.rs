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
