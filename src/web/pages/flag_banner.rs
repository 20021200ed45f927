//! The flag banner's lines, and for practitioners the decisions each flag takes
//! (`templates/flag_banner.html`, `templates/flag_actions.html`). What a line shows is
//! what the front desk may see too: the level, the plain reason, why the rule fired and
//! the words that matched, where the patient was referred. The forms are only ever
//! built for a practitioner.

use super::assessment::Opt;
use super::flag_sources::describe;
use crate::db::models::flag::FlagRow;
use crate::domain::FieldErrors;
use crate::domain::clinical::review::ReviewUrgency;
use crate::domain::clinical::{FlagBasis, FlagKind, FlagLevel, ReferralMethod, Region};
use crate::services::flags::{FlagHistory, FlagRecord};

/// One line of the flag banner.
pub struct BannerFlag {
    pub level: String,
    pub level_label: &'static str,
    /// Emergency and urgent flags are shown so they cannot be overlooked.
    pub alarm: bool,
    pub code: String,
    /// A red flag (not a contraindication): unacknowledged, it stops signing.
    pub red_flag: bool,
    pub reason: String,
    pub acknowledged: bool,
    /// Why the rule fired and what matched: "Medicine list: Eliquis (apixaban, …)";
    /// shown when the sources are not known on this page.
    pub basis: String,
    /// The records that raised and support the flag, each in words (see
    /// [`super::flag_sources::describe`]): one line per flag, however many records.
    pub sources: Vec<String>,
    /// A practitioner confirmed an inferred flag.
    pub confirmed: bool,
    /// The rule did not know the region: the flag covers every spinal region for now.
    pub region_unknown: bool,
    /// "Referred to Dr Patel, GP (by phone) on 2026-12-02 by Dr Ana Ruiz".
    pub referral: Option<String>,
    /// The decisions a practitioner may take here; `None` for everyone else.
    pub work: Option<FlagWork>,
    /// What the front desk does about an emergency or urgent flag no practitioner has
    /// acknowledged yet ("Tell a practitioner now"); shown to those without `work`.
    pub desk_action: Option<&'static str>,
}

/// The rules write the evidence for people, naming its source ("Medicine list: …");
/// a flag raised before evidence was recorded shows its basis alone.
fn basis_line(f: &FlagRow) -> String {
    match f.evidence.trim() {
        "" => FlagBasis::parse(&f.basis)
            .map(FlagBasis::label)
            .unwrap_or("Recorded")
            .to_owned(),
        e => e.to_owned(),
    }
}

impl From<FlagRow> for BannerFlag {
    fn from(f: FlagRow) -> Self {
        let level = FlagLevel::parse(&f.level).unwrap_or(FlagLevel::Precaution);
        let acknowledged = f.status == "acknowledged";
        let desk_action = ReviewUrgency::for_level(level)
            .filter(|_| !acknowledged)
            .map(ReviewUrgency::desk_action);
        BannerFlag {
            desk_action,
            level_label: level.label(),
            alarm: matches!(level, FlagLevel::Emergency | FlagLevel::Urgent),
            basis: basis_line(&f),
            sources: Vec::new(),
            confirmed: f.confirmed_at.is_some(),
            region_unknown: f.region_unknown,
            referral: None,
            work: None,
            level: f.level,
            red_flag: f.kind == FlagKind::RedFlag.as_str(),
            code: f.code.replace('_', " "),
            reason: f.reason,
            acknowledged,
        }
    }
}

impl BannerFlag {
    /// The line with what practitioners did with the flag (never their notes).
    pub fn with_history(f: FlagRow, h: &FlagHistory) -> Self {
        let referral = h.referral.as_ref().map(|r| {
            let how = ReferralMethod::parse(&r.method)
                .map(|m| m.label().to_lowercase())
                .unwrap_or_else(|| r.method.clone());
            let by = h
                .referred_by_name
                .as_deref()
                .map(|n| format!(" by {n}"))
                .unwrap_or_default();
            format!(
                "Referred to {} ({how}) on {}{by}",
                r.referred_to, r.referred_on
            )
        });
        BannerFlag {
            referral,
            sources: h.sources.iter().map(describe).collect(),
            ..BannerFlag::from(f)
        }
    }

    /// [`BannerFlag::with_history`] of a flag read with its history.
    pub fn from_record(r: FlagRecord) -> Self {
        Self::with_history(r.row, &r.history)
    }

    /// The same line with a practitioner's forms, returning to `back`.
    pub fn for_practitioner(f: FlagRow, h: &FlagHistory, back: &str, today: &str) -> Self {
        let work = FlagWork::new(&f, h, back, today);
        BannerFlag {
            work: Some(work),
            ..BannerFlag::with_history(f, h)
        }
    }
}

/// What was typed into a flag's form that came back with errors.
#[derive(Default)]
pub struct FlagTyped {
    pub referred_to: String,
    pub method: String,
    pub referred_on: String,
    pub note: String,
    pub reason: String,
    pub regions: Vec<String>,
}

/// The decisions one flag takes, and the state of its forms.
pub struct FlagWork {
    pub id: String,
    pub patient_id: String,
    /// The page to return to.
    pub back: String,
    /// Open: "Acknowledge" is offered.
    pub open: bool,
    /// Emergency or urgent and not referred yet: "Record referral".
    pub referable: bool,
    /// Referred: resolving it records the referral's result.
    pub referred: bool,
    /// Of unknown region (never emergency or urgent): "Narrow to regions".
    pub narrowable: bool,
    /// Inferred from a list or free text and not confirmed: "Confirm", "Dismiss".
    pub inferred: bool,
    /// The regions the flag covers now, each checked unless the practitioner unticked
    /// it in a form that came back.
    pub regions: Vec<(&'static str, &'static str, bool)>,
    pub methods: Vec<Opt>,
    /// Today, the referral date's default and its latest allowed value.
    pub today: String,
    /// Which form came back with errors: `refer`, `narrow`, `dismiss`, `resolve`, or "".
    pub failed: &'static str,
    pub typed: FlagTyped,
    pub errors: FieldErrors,
}

impl FlagWork {
    fn new(f: &FlagRow, h: &FlagHistory, back: &str, today: &str) -> Self {
        let level = FlagLevel::parse(&f.level).unwrap_or(FlagLevel::Precaution);
        let red = matches!(level, FlagLevel::Emergency | FlagLevel::Urgent);
        let inferred = FlagBasis::parse(&f.basis).is_some_and(FlagBasis::is_inferred);
        FlagWork {
            id: f.id.clone(),
            patient_id: f.patient_id.clone(),
            back: back.to_owned(),
            open: f.status == "open",
            referable: red && !h.is_referred(),
            referred: h.is_referred(),
            narrowable: f.region_unknown && !red,
            inferred: inferred && f.confirmed_at.is_none(),
            regions: Region::ALL
                .iter()
                .filter(|r| f.regions.split(',').any(|c| c == r.as_str()))
                .map(|r| (r.as_str(), r.label(), true))
                .collect(),
            methods: ReferralMethod::ALL
                .iter()
                .map(|m| Opt {
                    code: m.as_str(),
                    label: m.label(),
                    on: false,
                })
                .collect(),
            today: today.to_owned(),
            failed: "",
            typed: FlagTyped {
                referred_on: today.to_owned(),
                ..FlagTyped::default()
            },
            errors: FieldErrors::new(),
        }
    }

    /// Marks `form` as come back with `errors`, keeping what was typed.
    pub fn came_back(&mut self, form: &'static str, typed: FlagTyped, errors: FieldErrors) {
        for r in &mut self.regions {
            r.2 = form != "narrow" || typed.regions.iter().any(|c| c == r.0);
        }
        for m in &mut self.methods {
            m.on = m.code == typed.method;
        }
        self.failed = form;
        self.typed = typed;
        self.errors = errors;
    }
}
