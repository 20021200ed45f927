//! The clinic's time zone (`CLINIC_TIMEZONE`). Every instant is stored in UTC; what a
//! person reads is the clinic's wall clock: which day "today" is (the day list, the
//! visit date of an assessment, the booking form's default), and the times shown on
//! pages, with the zone's abbreviation so nobody has to guess. Appointment times are
//! already the clinic's wall clock as typed (see docs/operations.md).

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClinicZone(Tz);

impl Default for ClinicZone {
    fn default() -> Self {
        ClinicZone(Tz::UTC)
    }
}

impl ClinicZone {
    /// An IANA name ("America/Montreal", "Europe/Paris", "UTC").
    pub fn parse(name: &str) -> Result<Self, String> {
        name.trim().parse::<Tz>().map(ClinicZone).map_err(|_| {
            format!(
                "{name:?} is not a time zone name; use an IANA name such as America/Montreal or Europe/Paris"
            )
        })
    }

    /// The setting, else the server's own zone, else UTC (a server whose zone has no
    /// IANA name, as in many containers).
    pub fn from_setting(setting: Option<&str>) -> Result<Self, String> {
        match setting.map(str::trim).filter(|s| !s.is_empty()) {
            Some(name) => Self::parse(name),
            None => Ok(iana_time_zone::get_timezone()
                .ok()
                .and_then(|n| Self::parse(&n).ok())
                .unwrap_or_default()),
        }
    }

    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    /// The clinic's wall-clock time at the UTC instant `utc`.
    pub fn local(&self, utc: NaiveDateTime) -> NaiveDateTime {
        self.0.from_utc_datetime(&utc).naive_local()
    }

    /// The clinic's date at the UTC instant `utc`: what "today" is at the desk.
    pub fn today(&self, utc: NaiveDateTime) -> NaiveDate {
        self.local(utc).date()
    }

    /// A stored UTC instant as the clinic reads it: "2026-12-03 09:14 EST".
    pub fn show(&self, utc: NaiveDateTime) -> String {
        self.0
            .from_utc_datetime(&utc)
            .format("%Y-%m-%d %H:%M %Z")
            .to_string()
    }
}

/// The clinic's opening hours (`CLINIC_HOURS`, "08:00-18:00"): the span of the
/// practitioner's day shown beside the booking form. A visit booked outside them still
/// shows; the hours frame the free time, they do not forbid a booking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpeningHours {
    pub opens: NaiveTime,
    pub closes: NaiveTime,
}

impl Default for OpeningHours {
    fn default() -> Self {
        let at = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap_or_default();
        OpeningHours {
            opens: at(8),
            closes: at(18),
        }
    }
}

impl OpeningHours {
    /// "HH:MM-HH:MM" on the clinic's wall clock, opening before closing.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let refused = || format!("{raw:?} is not opening hours; write them as 08:00-18:00");
        let (opens, closes) = raw.trim().split_once('-').ok_or_else(refused)?;
        let time = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| refused());
        let hours = OpeningHours {
            opens: time(opens)?,
            closes: time(closes)?,
        };
        if hours.opens >= hours.closes {
            return Err(format!(
                "{raw:?}: the clinic must open before it closes (08:00-18:00)"
            ));
        }
        Ok(hours)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn opening_hours() {
        let t = |s| NaiveTime::parse_from_str(s, "%H:%M").unwrap();
        for (raw, want) in [
            ("08:00-18:00", Some((t("08:00"), t("18:00")))),
            (" 07:30 - 19:15 ", Some((t("07:30"), t("19:15")))),
            ("18:00-08:00", None),
            ("09:00-09:00", None),
            ("8-18", None),
            ("08:00", None),
            ("25:00-26:00", None),
        ] {
            let got = OpeningHours::parse(raw).ok().map(|h| (h.opens, h.closes));
            assert_eq!(got, want, "{raw:?}");
        }
        assert_eq!(
            OpeningHours::default(),
            OpeningHours::parse("08:00-18:00").unwrap()
        );
    }

    #[test]
    fn the_clinics_day_and_clock() {
        // (zone, UTC instant, the clinic's date, as shown)
        for (zone, utc, day, shown) in [
            (
                "UTC",
                "2026-07-01 02:30",
                "2026-07-01",
                "2026-07-01 02:30 UTC",
            ),
            (
                "America/Montreal",
                "2026-07-01 02:30",
                "2026-06-30",
                "2026-06-30 22:30 EDT",
            ),
            (
                "America/Montreal",
                "2026-12-03 14:00",
                "2026-12-03",
                "2026-12-03 09:00 EST",
            ),
            (
                "Europe/Paris",
                "2026-12-31 23:30",
                "2027-01-01",
                "2027-01-01 00:30 CET",
            ),
            (
                "Pacific/Auckland",
                "2026-06-30 12:30",
                "2026-07-01",
                "2026-07-01 00:30 NZST",
            ),
        ] {
            let z = ClinicZone::parse(zone).unwrap();
            assert_eq!(z.today(at(utc)).to_string(), day, "{zone} {utc}");
            assert_eq!(z.show(at(utc)), shown, "{zone} {utc}");
        }
    }

    #[test]
    fn a_name_that_is_not_a_zone_is_refused_with_an_example() {
        let e = ClinicZone::parse("Montreal").unwrap_err();
        assert!(e.contains("America/Montreal"), "{e}");
        assert_eq!(
            ClinicZone::from_setting(Some(" UTC ")).unwrap().name(),
            "UTC"
        );
        assert!(ClinicZone::from_setting(Some("EST5")).is_err());
    }
}
