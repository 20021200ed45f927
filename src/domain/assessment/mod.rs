//! The first-visit assessment as typed values: history review, posture, range of
//! motion, palpation, tests, the neurological screen, pain score, diagnoses and the
//! treatment plan. Each section is replaced whole (the API's `PUT` and the workspace's
//! autosave send one section at a time); a section arrives as JSON, is deserialized
//! with the path of any bad value kept (`rom[3].degrees`), then checked for ranges and
//! consistency. The errors' keys are the same paths the workspace uses as field names,
//! so a message lands next to its field.

pub mod carried;
pub mod charted_areas;
pub mod diagnosis_suggestions;
pub mod exam_facts;
pub mod exam_tests;
pub mod exercises;
pub mod history;
pub mod history_items;
pub mod icd10;
pub mod palpation;
pub mod plan;
pub mod plan_check;
pub mod plan_templates;
pub mod posture;
pub mod rom;
pub mod stored;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::FieldErrors;
use super::vocabulary::code_list;
use exam_tests::{ExamTest, NeuroExam, ScreeningSet};
use history::HistoryCheck;
use palpation::PalpationFinding;
use plan::TreatmentPlan;
use posture::PostureFinding;
use rom::RomMeasurement;

code_list!(
    /// Where on the body a finding is, relative to the midline.
    Side {
        Left = "left": "Left",
        Right = "right": "Right",
        Bilateral = "bilateral": "Both",
        Midline = "midline": "Midline",
    }
);

code_list!(
    /// The sections of the record, in the order of the exam.
    Section {
        History = "history": "History review",
        Posture = "posture": "Posture",
        Rom = "rom": "Range of motion",
        Palpation = "palpation": "Palpation",
        Tests = "tests": "Orthopedic tests",
        Neuro = "neuro": "Neurological screen",
        Pain = "pain": "Pain score",
        Diagnoses = "diagnoses": "Diagnoses",
        Plan = "plan": "Treatment plan",
    }
);

impl Section {
    /// The name in the workspace's slim section rail, where a tablet has room for
    /// every section on one line.
    pub fn short_label(self) -> &'static str {
        match self {
            Section::History => "History",
            Section::Posture => "Posture",
            Section::Rom => "ROM",
            Section::Palpation => "Palpation",
            Section::Tests => "Tests",
            Section::Neuro => "Neuro",
            Section::Pain => "Pain",
            Section::Diagnoses => "Diagnoses",
            Section::Plan => "Plan",
        }
    }

    /// Sections with an "all normal" shortcut.
    pub fn has_all_normal(self) -> bool {
        matches!(
            self,
            Section::Posture | Section::Rom | Section::Palpation | Section::Tests | Section::Neuro
        )
    }
}

/// Longest free text in a note; longer is a paste gone wrong.
pub const NOTE_MAX: usize = 2000;

/// Trims a note, empties it to `None`, and reports one that is too long.
pub fn check_note(note: &mut Option<String>, field: &str, e: &mut FieldErrors) {
    if let Some(n) = note.as_mut() {
        let t = n.trim();
        if t.chars().count() > NOTE_MAX {
            e.add(field, format!("Use at most {NOTE_MAX} characters."));
        }
        if let Err(m) = crate::domain::free_text::check(t, crate::domain::free_text::Lines::Many) {
            e.add(field, m);
        }
        *n = t.to_owned();
    }
    if note.as_deref().is_some_and(str::is_empty) {
        *note = None;
    }
}

/// NPRS 0–10 (the one pain measure shipped: no licence needed; part B §6).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PainScore {
    pub nprs: Option<u8>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnosis {
    pub code: String,
    #[serde(default)]
    pub primary: bool,
    /// Filled from the shipped list when saved.
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub notes: Option<String>,
}

/// Everything charted so far; a section not yet charted is `None`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AssessmentContent {
    /// The submitted intake the history review reads (pinned; see [`stored`]).
    pub history_source: Option<stored::HistorySource>,
    pub history: Option<Vec<HistoryCheck>>,
    pub posture: Option<Vec<PostureFinding>>,
    pub rom: Option<Vec<RomMeasurement>>,
    pub palpation: Option<Vec<PalpationFinding>>,
    pub tests: Option<Vec<ExamTest>>,
    pub neuro: Option<NeuroExam>,
    pub pain: Option<PainScore>,
    pub diagnoses: Option<Vec<Diagnosis>>,
    pub plan: Option<TreatmentPlan>,
}

/// Borrowed views with empty defaults, for rules that read the whole record.
pub struct ContentView<'a> {
    pub tests: &'a [ExamTest],
    pub palpation: &'a [PalpationFinding],
    pub rom: &'a [RomMeasurement],
    pub diagnoses: &'a [Diagnosis],
}

impl AssessmentContent {
    pub fn view(&self) -> ContentView<'_> {
        ContentView {
            tests: self.tests.as_deref().unwrap_or_default(),
            palpation: self.palpation.as_deref().unwrap_or_default(),
            rom: self.rom.as_deref().unwrap_or_default(),
            diagnoses: self.diagnoses.as_deref().unwrap_or_default(),
        }
    }

    pub fn is_charted(&self, s: Section) -> bool {
        match s {
            Section::History => self.history.is_some(),
            Section::Posture => self.posture.is_some(),
            Section::Rom => self.rom.is_some(),
            Section::Palpation => self.palpation.is_some(),
            Section::Tests => self.tests.is_some(),
            Section::Neuro => self.neuro.is_some(),
            Section::Pain => self.pain.is_some(),
            Section::Diagnoses => self.diagnoses.is_some(),
            Section::Plan => self.plan.is_some(),
        }
    }

    /// The "all normal" shortcut for a section: fills what is not yet recorded with
    /// the normal finding and keeps what is (see each section's `fill_normal`). Tests
    /// take a named screening set; other sections take none.
    pub fn fill_normal(
        &mut self,
        s: Section,
        set: Option<ScreeningSet>,
    ) -> Result<(), &'static str> {
        match (s, set) {
            (Section::Posture, None) => posture::fill_normal(self.posture.get_or_insert_default()),
            (Section::Rom, None) => rom::fill_normal(self.rom.get_or_insert_default()),
            (Section::Palpation, None) => {
                palpation::fill_normal(self.palpation.get_or_insert_default())
            }
            (Section::Tests, Some(set)) => {
                exam_tests::fill_negative(self.tests.get_or_insert_default(), set)
            }
            (Section::Tests, None) => return Err("Choose the screening set to mark negative."),
            (Section::Neuro, None) => self.neuro.get_or_insert_default().fill_normal(),
            (_, Some(_)) => return Err("Screening sets are for the tests section."),
            _ => return Err("This section has no “all normal” shortcut."),
        }
        Ok(())
    }

    /// The primary diagnosis, when one is chosen.
    pub fn primary_diagnosis(&self) -> Option<&Diagnosis> {
        self.diagnoses.as_ref()?.iter().find(|d| d.primary)
    }
}

/// Formats a serde path under its section: `rom` + `[3].degrees` → `rom[3].degrees`.
fn field_path(section: Section, path: &serde_path_to_error::Path) -> String {
    let p = path.to_string();
    match p.as_str() {
        "." | "" => section.as_str().to_owned(),
        _ if p.starts_with('[') => format!("{section}{p}"),
        _ => format!("{section}.{p}"),
    }
}

/// Serde's message, made readable for a person reading the form.
fn plain_message(raw: &str) -> String {
    let msg = raw.split(" at line ").next().unwrap_or(raw);
    if let Some(rest) = msg.strip_prefix("unknown variant ") {
        return format!("Unknown code {rest}.");
    }
    if msg.starts_with("invalid value: integer") || msg.starts_with("invalid type") {
        return format!("Not a valid value here ({msg}).");
    }
    let mut m = msg.to_owned();
    if let Some(first) = m.get(0..1) {
        m.replace_range(0..1, &first.to_uppercase());
    }
    if !m.ends_with('.') {
        m.push('.');
    }
    m
}

/// Parses a section strictly, as input: a bad value or a key the type does not know is
/// a field error at its path. (Stored records are read tolerantly instead; see
/// [`stored`].) Unknown keys are found by comparing the input with the parsed value
/// written back, so the read types need no `deny_unknown_fields` of their own.
fn parse_json<T: serde::de::DeserializeOwned + Serialize>(
    section: Section,
    value: Value,
    e: &mut FieldErrors,
) -> Option<T> {
    match serde_path_to_error::deserialize::<_, T>(value.clone()) {
        Ok(v) => {
            let known = serde_json::to_value(&v).unwrap_or(Value::Null);
            let mut unknown = Vec::new();
            unknown_keys(&value, &known, section.as_str().to_owned(), &mut unknown);
            for (path, key) in &unknown {
                e.add(path, format!("Unknown field “{key}”."));
            }
            unknown.is_empty().then_some(v)
        }
        Err(err) => {
            e.add(
                &field_path(section, err.path()),
                plain_message(&err.inner().to_string()),
            );
            None
        }
    }
}

/// Keys of `input` that `known` (the parsed value written back) does not have, with the
/// path of each.
fn unknown_keys(input: &Value, known: &Value, path: String, out: &mut Vec<(String, String)>) {
    match (input, known) {
        (Value::Object(i), Value::Object(k)) => {
            for (key, v) in i {
                match k.get(key) {
                    Some(kv) => unknown_keys(v, kv, format!("{path}.{key}"), out),
                    None => out.push((format!("{path}.{key}"), key.clone())),
                }
            }
        }
        (Value::Array(i), Value::Array(k)) => {
            for (n, (iv, kv)) in i.iter().zip(k).enumerate() {
                unknown_keys(iv, kv, format!("{path}[{n}]"), out);
            }
        }
        _ => {}
    }
}

/// Replacements for some sections, parsed and checked; apply with [`SectionUpdate::apply`].
#[derive(Debug, Clone, Default)]
pub struct SectionUpdate {
    pub sections: AssessmentContent,
    pub present: Vec<Section>,
}

impl SectionUpdate {
    /// Parses the sections present in a JSON object (other keys are the caller's).
    /// `visit_date` bounds the re-examination date.
    pub fn parse(
        body: &serde_json::Map<String, Value>,
        visit_date: NaiveDate,
    ) -> Result<SectionUpdate, FieldErrors> {
        let mut e = FieldErrors::new();
        let mut u = SectionUpdate::default();
        for s in Section::ALL {
            let Some(v) = body.get(s.as_str()) else {
                continue;
            };
            u.present.push(*s);
            u.parse_one(*s, v.clone(), visit_date, &mut e);
        }
        e.into_result()?;
        Ok(u)
    }

    fn parse_one(&mut self, s: Section, v: Value, visit_date: NaiveDate, e: &mut FieldErrors) {
        let c = &mut self.sections;
        match s {
            Section::History => {
                c.history = parse_json(s, v, e).map(|mut rows: Vec<HistoryCheck>| {
                    history::validate(&mut rows, e);
                    rows
                });
            }
            Section::Posture => {
                c.posture = parse_json(s, v, e).map(|mut rows: Vec<PostureFinding>| {
                    posture::validate(&mut rows, e);
                    rows
                });
            }
            Section::Rom => {
                c.rom = parse_json(s, v, e).map(|mut rows: Vec<RomMeasurement>| {
                    rom::validate(&mut rows, e);
                    rows
                });
            }
            Section::Palpation => {
                c.palpation = parse_json(s, v, e).map(|mut rows: Vec<PalpationFinding>| {
                    palpation::validate(&mut rows, e);
                    rows
                });
            }
            Section::Tests => {
                c.tests = parse_json(s, v, e).map(|mut rows: Vec<ExamTest>| {
                    exam_tests::validate_tests(&mut rows, e);
                    rows
                });
            }
            Section::Neuro => {
                c.neuro = parse_json(s, v, e).inspect(|n: &NeuroExam| {
                    exam_tests::validate_neuro(n, e);
                });
            }
            Section::Pain => {
                c.pain = parse_json(s, v, e).map(|mut p: PainScore| {
                    if p.nprs.is_some_and(|n| n > 10) {
                        e.add(
                            "pain.nprs",
                            "Pain is scored from 0 (none) to 10 (worst imaginable).",
                        );
                    }
                    check_note(&mut p.notes, "pain.notes", e);
                    p
                });
            }
            Section::Diagnoses => {
                c.diagnoses = parse_json(s, v, e).map(|mut rows: Vec<Diagnosis>| {
                    validate_diagnoses(&mut rows, e);
                    rows
                });
            }
            Section::Plan => {
                c.plan = parse_json(s, v, e).map(|mut p: TreatmentPlan| {
                    plan::validate(&mut p, visit_date, e);
                    p
                });
            }
        }
    }

    /// Writes the parsed sections over the record's.
    pub fn apply(self, to: &mut AssessmentContent) {
        let from = self.sections;
        for s in self.present {
            match s {
                Section::History => to.history = from.history.clone(),
                Section::Posture => to.posture = from.posture.clone(),
                Section::Rom => to.rom = from.rom.clone(),
                Section::Palpation => to.palpation = from.palpation.clone(),
                Section::Tests => to.tests = from.tests.clone(),
                Section::Neuro => to.neuro = from.neuro.clone(),
                Section::Pain => to.pain = from.pain.clone(),
                Section::Diagnoses => to.diagnoses = from.diagnoses.clone(),
                Section::Plan => to.plan = from.plan.clone(),
            }
        }
    }
}

fn validate_diagnoses(rows: &mut [Diagnosis], e: &mut FieldErrors) {
    let mut seen: Vec<String> = Vec::new();
    for (i, d) in rows.iter_mut().enumerate() {
        let at = |f: &str| format!("diagnoses[{i}].{f}");
        match icd10::find(d.code.trim()) {
            Some(known) => {
                d.code = known.code.to_owned();
                d.description = known.description.to_owned();
            }
            None => e.add(
                &at("code"),
                "Not in the clinic's ICD-10 list: search by code or words and choose one.",
            ),
        }
        check_note(&mut d.notes, &at("notes"), e);
        if seen.contains(&d.code) {
            e.add(&at("code"), "This diagnosis is listed twice.");
        }
        seen.push(d.code.clone());
    }
    let primaries = rows.iter().filter(|d| d.primary).count();
    if !rows.is_empty() && primaries != 1 {
        e.add("diagnoses", "Mark exactly one diagnosis as primary.");
    }
}
