//! The assessment as stored: one JSON document (see docs/assessments.md, "Storage").
//!
//! A signed record outlives the code that wrote it, so reading is tolerant and writing
//! is strict:
//! - the document carries `"schema": N` ([`SCHEMA`] for what this release writes; a
//!   document without it was written before schema 1);
//! - reading never fails on content: a row that today's types cannot read (a retired or
//!   renamed code, a changed shape) is kept as [`Unreadable`] with its raw JSON and shown
//!   by its codes; a key today's types do not know is ignored by the typed view and
//!   stays in the document;
//! - the document itself is what is hashed and what the API returns, so nothing a later
//!   release adds or drops changes what a signature covers;
//! - a draft's save replaces only the sections it carries, at the JSON level, so a
//!   section the practitioner did not touch stays byte for byte as it was.
//!
//! Strict parsing (unknown keys and codes refused) is for input only: see
//! [`super::SectionUpdate::parse`].

use chrono::NaiveDateTime;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::exam_tests::NeuroExam;
use super::plan::TreatmentPlan;
use super::{AssessmentContent, Section};

/// The schema this release writes. 1: findings not examined are `null` (earlier
/// releases stored "normal" for palpation fields left blank), and the reviewed intake
/// is pinned in `history_source`.
pub const SCHEMA: u64 = 1;

/// The key of the pinned intake in the document.
pub const HISTORY_SOURCE: &str = "history_source";

/// Which submitted pre-visit form the history review reads: pinned when the assessment
/// starts (or its history is first saved), part of the signed content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistorySource {
    pub intake_id: String,
    /// SHA-256 of the intake's answers (see `services::intakes::answers_hash`).
    pub answers_hash: String,
    pub submitted_at: Option<NaiveDateTime>,
}

/// A part of a stored record today's types cannot read, kept as it was stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Unreadable {
    pub section: String,
    /// Where in the document: `palpation[3]`, `plan`.
    pub path: String,
    pub raw: Value,
}

impl Unreadable {
    /// The stored values in words a reader can still use: `segment T7 · tone spastic`.
    pub fn describe(&self) -> String {
        fn flat(v: &Value, prefix: &str, out: &mut Vec<String>) {
            match v {
                Value::Object(m) => {
                    for (k, v) in m {
                        let key = if prefix.is_empty() {
                            k.replace('_', " ")
                        } else {
                            format!("{prefix} {}", k.replace('_', " "))
                        };
                        flat(v, &key, out);
                    }
                }
                Value::Array(items) => {
                    for v in items {
                        flat(v, prefix, out);
                    }
                }
                Value::Null => {}
                Value::String(s) => out.push(format!("{prefix} {s}").trim().to_owned()),
                other => out.push(format!("{prefix} {other}").trim().to_owned()),
            }
        }
        let mut parts = Vec::new();
        flat(&self.raw, "", &mut parts);
        parts.join(" · ")
    }
}

/// A stored document with its typed reading.
#[derive(Debug, Clone)]
pub struct StoredContent {
    /// The document exactly as stored (what the hash covers).
    pub document: Map<String, Value>,
    pub schema: u64,
    pub content: AssessmentContent,
    pub unreadable: Vec<Unreadable>,
}

impl StoredContent {
    /// A new draft's document.
    pub fn new_draft() -> StoredContent {
        let mut document = Map::new();
        document.insert("schema".into(), Value::from(SCHEMA));
        StoredContent::from_document(document)
    }

    /// Reads stored text; fails only when it is not a JSON object at all.
    pub fn read(text: &str) -> Result<StoredContent, String> {
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(document)) => Ok(StoredContent::from_document(document)),
            Ok(_) => Err("the stored content is not a JSON object".into()),
            Err(e) => Err(format!("the stored content is not JSON: {e}")),
        }
    }

    fn from_document(document: Map<String, Value>) -> StoredContent {
        let schema = document.get("schema").and_then(Value::as_u64).unwrap_or(0);
        let (content, unreadable) = decode(&document);
        StoredContent {
            document,
            schema,
            content,
            unreadable,
        }
    }

    /// The document as a JSON value (for the hash and the API).
    pub fn value(&self) -> Value {
        Value::Object(self.document.clone())
    }

    pub fn text(&self) -> String {
        Value::Object(self.document.clone()).to_string()
    }

    /// Writes `sections` of `content` (and its pinned intake) over a draft's document;
    /// every other key stays as stored. The document is marked with today's schema:
    /// the explicit upgrade of a draft started by an earlier release (its sections
    /// already saved keep what they recorded; nothing is reinterpreted). A section
    /// written is the practitioner's own from now on, so its carried-forward mark goes
    /// (see [`super::carried`]; carrying forward marks it again after the write).
    pub fn write_sections(&mut self, content: &AssessmentContent, sections: &[Section]) {
        self.clear_carried(sections);
        let typed = match serde_json::to_value(content) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        };
        for s in sections {
            let v = typed.get(s.as_str()).cloned().unwrap_or(Value::Null);
            self.document.insert(s.as_str().to_owned(), v);
        }
        match &content.history_source {
            Some(src) => {
                let v = serde_json::to_value(src).unwrap_or(Value::Null);
                self.document.insert(HISTORY_SOURCE.into(), v);
            }
            None => {
                self.document.remove(HISTORY_SOURCE);
            }
        }
        self.document.insert("schema".into(), Value::from(SCHEMA));
        let (content, unreadable) = decode(&self.document);
        self.schema = SCHEMA;
        self.content = content;
        self.unreadable = unreadable;
    }
}

fn decode(doc: &Map<String, Value>) -> (AssessmentContent, Vec<Unreadable>) {
    let mut bad = Vec::new();
    let get = |k: &str| doc.get(k).filter(|v| !v.is_null());
    let mut c = AssessmentContent {
        history_source: get(HISTORY_SOURCE).and_then(|v| one(HISTORY_SOURCE, v, &mut bad)),
        ..AssessmentContent::default()
    };
    for s in Section::ALL {
        let Some(v) = get(s.as_str()) else { continue };
        let name = s.as_str();
        match s {
            Section::History => c.history = rows(name, v, &mut bad),
            Section::Posture => c.posture = rows(name, v, &mut bad),
            Section::Rom => c.rom = rows(name, v, &mut bad),
            Section::Palpation => c.palpation = rows(name, v, &mut bad),
            Section::Tests => c.tests = rows(name, v, &mut bad),
            Section::Diagnoses => c.diagnoses = rows(name, v, &mut bad),
            Section::Pain => c.pain = one(name, v, &mut bad),
            Section::Neuro => c.neuro = neuro(v, &mut bad),
            Section::Plan => c.plan = plan(v, &mut bad),
        }
    }
    (c, bad)
}

fn one<T: DeserializeOwned>(path: &str, v: &Value, bad: &mut Vec<Unreadable>) -> Option<T> {
    match T::deserialize(v) {
        Ok(t) => Some(t),
        Err(_) => {
            bad.push(Unreadable {
                section: path.split(['.', '[']).next().unwrap_or(path).to_owned(),
                path: path.to_owned(),
                raw: v.clone(),
            });
            None
        }
    }
}

/// A list read row by row: one unreadable row does not hide the others.
fn rows<T: DeserializeOwned>(path: &str, v: &Value, bad: &mut Vec<Unreadable>) -> Option<Vec<T>> {
    let Value::Array(items) = v else {
        // Not a list at all: the section is unreadable as a whole.
        return one(path, v, bad);
    };
    Some(
        items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| one(&format!("{path}[{i}]"), item, bad))
            .collect(),
    )
}

fn neuro(v: &Value, bad: &mut Vec<Unreadable>) -> Option<NeuroExam> {
    let Value::Object(m) = v else {
        return one("neuro", v, bad);
    };
    fn list<T: DeserializeOwned>(
        m: &Map<String, Value>,
        k: &str,
        bad: &mut Vec<Unreadable>,
    ) -> Vec<T> {
        m.get(k)
            .and_then(|v| rows(&format!("neuro.{k}"), v, bad))
            .unwrap_or_default()
    }
    Some(NeuroExam {
        reflexes: list(m, "reflexes", bad),
        strength: list(m, "strength", bad),
        sensation: list(m, "sensation", bad),
    })
}

/// The plan read with its interventions and home care row by row, so a retired
/// technique hides only its own line.
fn plan(v: &Value, bad: &mut Vec<Unreadable>) -> Option<TreatmentPlan> {
    let Value::Object(m) = v else {
        return one("plan", v, bad);
    };
    let mut rest = m.clone();
    let interventions = rest.remove("interventions");
    let home_care = rest.remove("home_care");
    let mut p: TreatmentPlan = one("plan", &Value::Object(rest), bad)?;
    p.interventions = interventions
        .and_then(|v| rows("plan.interventions", &v, bad))
        .unwrap_or_default();
    p.home_care = home_care
        .and_then(|v| rows("plan.home_care", &v, bad))
        .unwrap_or_default();
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn stored(v: Value) -> StoredContent {
        StoredContent::read(&v.to_string()).expect("object")
    }

    #[test]
    fn unknown_code_keeps_the_other_rows_and_the_raw_row() {
        let s = stored(json!({
            "schema": 1,
            "palpation": [
                {"segment": "T7", "tenderness": 2},
                {"segment": "T8", "tone": "spastic_retired"}
            ]
        }));
        let rows = s.content.palpation.as_deref().unwrap_or_default();
        assert_eq!(rows.len(), 1);
        assert_eq!(s.unreadable.len(), 1);
        assert_eq!(s.unreadable[0].path, "palpation[1]");
        assert!(s.unreadable[0].describe().contains("tone spastic_retired"));
    }

    #[test]
    fn unknown_keys_are_ignored_by_the_view_and_kept_in_the_document() {
        let s = stored(json!({
            "schema": 7,
            "pain": {"nprs": 4, "scale_version": "2031"},
            "future_section": {"x": 1}
        }));
        assert_eq!(s.content.pain.as_ref().and_then(|p| p.nprs), Some(4));
        assert!(s.unreadable.is_empty());
        assert_eq!(s.schema, 7);
        assert!(s.text().contains("future_section"));
    }

    #[test]
    fn a_retired_technique_hides_only_its_line() {
        let s = stored(json!({
            "plan": {"visits_per_week": 2, "weeks": 4, "goals": "Walk",
                     "interventions": [{"technique": "hvla", "region": "lumbar"},
                                       {"technique": "retired_one", "region": "lumbar"}]}
        }));
        let plan = s.content.plan.expect("plan reads");
        assert_eq!(plan.interventions.len(), 1);
        assert_eq!(s.unreadable[0].path, "plan.interventions[1]");
        assert_eq!(s.schema, 0);
    }

    #[test]
    fn writing_a_section_leaves_the_others_as_stored() {
        let mut s = stored(json!({"pain": {"nprs": 4, "extra": true}, "unknown": 1}));
        let mut c = s.content.clone();
        c.rom = Some(Vec::new());
        s.write_sections(&c, &[Section::Rom]);
        let v = s.value();
        assert_eq!(v["pain"], json!({"nprs": 4, "extra": true}));
        assert_eq!(v["unknown"], json!(1));
        assert_eq!(v["rom"], json!([]));
        assert_eq!(v["schema"], json!(SCHEMA));
    }
}
