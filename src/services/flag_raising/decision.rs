//! What one rule result means for the patient's flags on file: a new flag, one more
//! source for a flag already on the banner, or nothing (see `docs/clinical-rules.md`,
//! "One flag per finding"). Pure, so every case is a table row in the tests below.

use std::collections::BTreeSet;

use super::FlagOrigin;
use crate::db::models::flag::FlagRow;
use crate::db::models::flag_source::FlagSourceRow;
use crate::domain::clinical::flags_engine::RaisedFlag;
use crate::domain::clinical::{FlagBasis, FlagKind, FlagLevel};

/// A flag on file with the records that support it.
#[derive(Debug, Clone, Copy)]
pub struct FlagOnRecord<'a> {
    pub row: &'a FlagRow,
    pub sources: &'a [FlagSourceRow],
    /// A practitioner narrowed its unknown region: where it applies is decided.
    pub narrowed: bool,
}

/// What to record for one rule result from one source record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// A new flag, with this record as its first source.
    Raise,
    /// The same flag is open or acknowledged: this record becomes one more of its
    /// sources, with what it adds (or, when it adds no new words, all it says).
    AddSource {
        flag_id: String,
        basis: FlagBasis,
        evidence: String,
    },
    /// Nothing: this record already supports the flag, or a practitioner resolved the
    /// flag on this very evidence.
    Skip,
}

/// The separator [`RaisedFlag::evidence_text`] puts between the facts' words.
const EVIDENCE_SEPARATOR: &str = "; ";

fn items(evidence: &str) -> impl Iterator<Item = &str> {
    evidence
        .split(EVIDENCE_SEPARATOR)
        .map(str::trim)
        .filter(|e| !e.is_empty())
}

fn codes(list: &str) -> BTreeSet<&str> {
    list.split(',').filter(|c| !c.is_empty()).collect()
}

/// The same finding: code and level, and the flag on file restricts at least the
/// techniques and regions the rule names. A rule that does not know the region matches
/// a flag whose region is unknown too, or was narrowed by a practitioner (who decided
/// where that kind of evidence applies); a rule that knows it (a lumbar fracture code)
/// matches a flag covering that region, and is a flag of its own elsewhere.
fn same_finding(f: &FlagOnRecord<'_>, r: &RaisedFlag) -> bool {
    if f.row.code != r.code || f.row.level != r.level.as_str() {
        return false;
    }
    let techniques = codes(&f.row.techniques);
    if !r.techniques.iter().all(|t| techniques.contains(t.as_str())) {
        return false;
    }
    if r.region_unknown {
        return f.row.region_unknown || f.narrowed;
    }
    let regions = codes(&f.row.regions);
    r.regions.iter().all(|g| regions.contains(g.as_str()))
}

fn supported_by(f: &FlagOnRecord<'_>, origin: FlagOrigin, source_id: &str) -> bool {
    f.row.source_id.as_deref() == Some(source_id)
        || f.sources
            .iter()
            .any(|s| s.origin == origin.as_str() && s.source_id.as_deref() == Some(source_id))
}

/// Every piece of evidence already written on these flags (their own and their sources').
fn recorded<'a>(flags: impl Iterator<Item = &'a FlagOnRecord<'a>>) -> BTreeSet<&'a str> {
    let mut out = BTreeSet::new();
    for f in flags {
        out.extend(items(&f.row.evidence));
        for s in f.sources {
            out.extend(items(&s.evidence));
        }
    }
    out
}

/// What `r` adds to a flag that already records `known`: the new words, or all of
/// them when there are none (a second form giving the same answer still supports it).
fn added_evidence(r: &RaisedFlag, known: &BTreeSet<&str>) -> (FlagBasis, String) {
    let mut new: Vec<(FlagBasis, &str)> = Vec::new();
    for e in &r.evidence {
        if !known.contains(e.text.trim()) && !new.iter().any(|(_, t)| *t == e.text) {
            new.push((e.basis, &e.text));
        }
    }
    match new.first() {
        Some((basis, _)) => (
            *basis,
            new.iter()
                .map(|(_, t)| *t)
                .collect::<Vec<_>>()
                .join(EVIDENCE_SEPARATOR),
        ),
        None => (r.basis(), r.evidence_text()),
    }
}

/// Decides what the rule result `r` from one source record records:
/// - nothing when this record already raised or supports the same finding (saving a
///   form or an exam again);
/// - one more source on the same finding when it is open or acknowledged: one flag per
///   finding on the banner, however many records support it;
/// - once resolved, a new flag only from a record that brings evidence the resolved
///   flag did not have (a newer form with the same answer, the same medicine listed
///   again, the same diagnosis in a later visit: the practitioner has decided it). An
///   emergency or urgent red flag reported in a later record is raised again, since a
///   symptom reported anew is news; a contraindication is not.
pub fn decide(
    on_file: &[FlagOnRecord<'_>],
    r: &RaisedFlag,
    origin: FlagOrigin,
    source_id: &str,
) -> Decision {
    let matching: Vec<&FlagOnRecord<'_>> = on_file.iter().filter(|f| same_finding(f, r)).collect();
    if matching.iter().any(|f| supported_by(f, origin, source_id)) {
        return Decision::Skip;
    }
    if let Some(open) = matching.iter().find(|f| !f.row.is_resolved()) {
        let (basis, evidence) = added_evidence(r, &recorded(std::iter::once(*open)));
        return Decision::AddSource {
            flag_id: open.row.id.clone(),
            basis,
            evidence,
        };
    }
    let news = r.kind == FlagKind::RedFlag && r.level <= FlagLevel::Urgent;
    if matching.is_empty() || news {
        return Decision::Raise;
    }
    let decided = recorded(matching.iter().copied());
    if r.evidence.iter().all(|e| decided.contains(e.text.trim())) {
        Decision::Skip
    } else {
        Decision::Raise
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::clinical::facts::Evidence;
    use crate::domain::clinical::{Region, Technique};
    use chrono::NaiveDate;

    const INTAKE: &str = "intake-1";
    const EXAM: &str = "assessment-1";
    const ANSWER: &str = "Answered yes on the form";
    const DX: &str = "Diagnosis M81.0 Osteoporosis";

    fn at() -> chrono::NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, 5)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .expect("a valid date")
    }

    fn raised(
        level: FlagLevel,
        kind: FlagKind,
        evidence: &[(FlagBasis, &str, &[Region])],
    ) -> RaisedFlag {
        let evidence: Vec<Evidence> = evidence
            .iter()
            .map(|(b, t, g)| Evidence::new(*b, *t).at(g))
            .collect();
        let unknown = evidence.iter().any(|e| e.regions.is_empty());
        RaisedFlag {
            code: "osteoporosis",
            kind,
            level,
            techniques: vec![Technique::Hvla, Technique::DropTable],
            regions: if unknown {
                Region::SPINAL.to_vec()
            } else {
                evidence.iter().flat_map(|e| e.regions.clone()).collect()
            },
            region_unknown: unknown,
            reason: "",
            source: "",
            evidence,
        }
    }

    fn row(id: &str, status: &str, source_id: &str, evidence: &str, regions: &str) -> FlagRow {
        FlagRow {
            id: id.into(),
            patient_id: "p".into(),
            code: "osteoporosis".into(),
            kind: "contraindication".into(),
            level: "absolute".into(),
            techniques: "hvla,drop_table".into(),
            regions: regions.into(),
            source: "intake".into(),
            source_id: Some(source_id.into()),
            reason: String::new(),
            rule_source: String::new(),
            status: status.into(),
            raised_at: at(),
            raised_by: None,
            acknowledged_at: None,
            acknowledged_by: None,
            resolved_at: None,
            resolved_by: None,
            resolution: None,
            basis: "form_answer".into(),
            evidence: evidence.into(),
            region_unknown: regions == "cervical,thoracic,lumbar,sacral_pelvic,rib_cage",
            confirmed_at: None,
            confirmed_by: None,
            resolved_as: None,
        }
    }

    fn source(f: &FlagRow, origin: &str, source_id: &str, evidence: &str) -> FlagSourceRow {
        FlagSourceRow {
            id: format!("{}-{source_id}", f.id),
            flag_id: f.id.clone(),
            origin: origin.into(),
            source_id: Some(source_id.into()),
            basis: "form_answer".into(),
            evidence: evidence.into(),
            added_at: at(),
        }
    }

    const SPINAL: &str = "cervical,thoracic,lumbar,sacral_pelvic,rib_cage";

    #[test]
    fn a_diagnosis_of_an_open_flag_becomes_its_second_source() {
        let f = row("f1", "open", INTAKE, ANSWER, SPINAL);
        let s = [source(&f, "intake", INTAKE, ANSWER)];
        let on_file = [FlagOnRecord {
            row: &f,
            sources: &s,
            narrowed: false,
        }];
        let r = raised(
            FlagLevel::Absolute,
            FlagKind::Contraindication,
            &[
                (FlagBasis::FormAnswer, ANSWER, &[]),
                (FlagBasis::Diagnosis, DX, &[]),
            ],
        );
        assert_eq!(
            decide(&on_file, &r, FlagOrigin::Assessment, EXAM),
            Decision::AddSource {
                flag_id: "f1".into(),
                basis: FlagBasis::Diagnosis,
                evidence: DX.into(),
            },
            "the source records what the diagnosis adds, not the answer again"
        );
        // Acknowledged is still on the banner.
        let f = row("f1", "acknowledged", INTAKE, ANSWER, SPINAL);
        let on_file = [FlagOnRecord {
            row: &f,
            sources: &s,
            narrowed: false,
        }];
        assert!(matches!(
            decide(&on_file, &r, FlagOrigin::Assessment, EXAM),
            Decision::AddSource { .. }
        ));
    }

    #[test]
    fn a_record_supports_a_flag_once() {
        let f = row("f1", "open", INTAKE, ANSWER, SPINAL);
        let s = [
            source(&f, "intake", INTAKE, ANSWER),
            source(&f, "assessment", EXAM, DX),
        ];
        let on_file = [FlagOnRecord {
            row: &f,
            sources: &s,
            narrowed: false,
        }];
        let r = raised(
            FlagLevel::Absolute,
            FlagKind::Contraindication,
            &[
                (FlagBasis::FormAnswer, ANSWER, &[]),
                (FlagBasis::Diagnosis, DX, &[]),
            ],
        );
        assert_eq!(
            decide(&on_file, &r, FlagOrigin::Assessment, EXAM),
            Decision::Skip
        );
        assert_eq!(
            decide(&on_file, &r, FlagOrigin::Intake, INTAKE),
            Decision::Skip
        );
    }

    #[test]
    fn a_second_form_with_the_same_answer_is_one_more_source_with_its_words() {
        let f = row("f1", "open", INTAKE, ANSWER, SPINAL);
        let s = [source(&f, "intake", INTAKE, ANSWER)];
        let on_file = [FlagOnRecord {
            row: &f,
            sources: &s,
            narrowed: false,
        }];
        let r = raised(
            FlagLevel::Absolute,
            FlagKind::Contraindication,
            &[(FlagBasis::FormAnswer, ANSWER, &[])],
        );
        assert_eq!(
            decide(&on_file, &r, FlagOrigin::Intake, "intake-2"),
            Decision::AddSource {
                flag_id: "f1".into(),
                basis: FlagBasis::FormAnswer,
                evidence: ANSWER.into(),
            }
        );
    }

    #[test]
    fn another_level_or_other_techniques_are_another_finding() {
        let f = row("f1", "open", INTAKE, ANSWER, SPINAL);
        let s = [source(&f, "intake", INTAKE, ANSWER)];
        let on_file = [FlagOnRecord {
            row: &f,
            sources: &s,
            narrowed: false,
        }];
        let ev: &[(FlagBasis, &str, &[Region])] = &[(FlagBasis::Diagnosis, DX, &[])];
        let relative = raised(FlagLevel::Relative, FlagKind::Contraindication, ev);
        assert_eq!(
            decide(&on_file, &relative, FlagOrigin::Assessment, EXAM),
            Decision::Raise
        );
        let mut wider = raised(FlagLevel::Absolute, FlagKind::Contraindication, ev);
        wider.techniques.push(Technique::Instrument);
        assert_eq!(
            decide(&on_file, &wider, FlagOrigin::Assessment, EXAM),
            Decision::Raise
        );
    }

    #[test]
    fn a_known_region_joins_a_flag_covering_it_and_is_its_own_flag_elsewhere() {
        let lumbar: &[(FlagBasis, &str, &[Region])] = &[(
            FlagBasis::Diagnosis,
            "Diagnosis S32.009A",
            &[Region::Lumbar],
        )];
        let r = raised(FlagLevel::Absolute, FlagKind::Contraindication, lumbar);
        let unknown = row("f1", "open", INTAKE, ANSWER, SPINAL);
        let on_file = [FlagOnRecord {
            row: &unknown,
            sources: &[],
            narrowed: false,
        }];
        assert!(matches!(
            decide(&on_file, &r, FlagOrigin::Assessment, EXAM),
            Decision::AddSource { .. }
        ));
        let mut neck = row("f1", "open", INTAKE, ANSWER, "cervical");
        neck.region_unknown = false;
        let on_file = [FlagOnRecord {
            row: &neck,
            sources: &[],
            narrowed: true,
        }];
        assert_eq!(
            decide(&on_file, &r, FlagOrigin::Assessment, EXAM),
            Decision::Raise,
            "a flag narrowed to the neck does not swallow a lumbar fracture"
        );
    }

    #[test]
    fn an_unknown_region_joins_an_unknown_or_narrowed_flag_only() {
        let ev: &[(FlagBasis, &str, &[Region])] = &[(FlagBasis::Diagnosis, DX, &[])];
        let r = raised(FlagLevel::Absolute, FlagKind::Contraindication, ev);
        let mut neck = row("f1", "open", INTAKE, ANSWER, "cervical");
        neck.region_unknown = false;
        let narrowed = [FlagOnRecord {
            row: &neck,
            sources: &[],
            narrowed: true,
        }];
        assert!(matches!(
            decide(&narrowed, &r, FlagOrigin::Assessment, EXAM),
            Decision::AddSource { .. }
        ));
        let found_there = [FlagOnRecord {
            row: &neck,
            sources: &[],
            narrowed: false,
        }];
        assert_eq!(
            decide(&found_there, &r, FlagOrigin::Assessment, EXAM),
            Decision::Raise,
            "evidence that does not say where covers every spinal region (fail safe)"
        );
    }

    #[test]
    fn a_resolved_flag_comes_back_only_with_new_evidence_from_a_new_record() {
        let f = row("f1", "resolved", INTAKE, ANSWER, SPINAL);
        let s = [
            source(&f, "intake", INTAKE, ANSWER),
            source(&f, "assessment", EXAM, DX),
        ];
        let on_file = [FlagOnRecord {
            row: &f,
            sources: &s,
            narrowed: false,
        }];
        let same = raised(
            FlagLevel::Absolute,
            FlagKind::Contraindication,
            &[
                (FlagBasis::FormAnswer, ANSWER, &[]),
                (FlagBasis::Diagnosis, DX, &[]),
            ],
        );
        assert_eq!(
            decide(&on_file, &same, FlagOrigin::Assessment, EXAM),
            Decision::Skip
        );
        assert_eq!(
            decide(&on_file, &same, FlagOrigin::Assessment, "assessment-2"),
            Decision::Skip,
            "the same diagnosis at a later visit: the practitioner has decided it"
        );
        let more = raised(
            FlagLevel::Absolute,
            FlagKind::Contraindication,
            &[
                (FlagBasis::FormAnswer, ANSWER, &[]),
                (FlagBasis::MedicineList, "Medicine list: Fosamax", &[]),
            ],
        );
        assert_eq!(
            decide(&on_file, &more, FlagOrigin::Intake, "intake-2"),
            Decision::Raise
        );
        assert_eq!(
            decide(&on_file, &more, FlagOrigin::Intake, INTAKE),
            Decision::Skip,
            "never again from a record it already had"
        );
    }

    #[test]
    fn an_emergency_reported_in_a_new_record_is_news() {
        let mut f = row("f1", "resolved", INTAKE, ANSWER, "");
        f.level = "emergency".into();
        f.techniques = String::new();
        f.kind = "red_flag".into();
        let on_file = [FlagOnRecord {
            row: &f,
            sources: &[],
            narrowed: false,
        }];
        let mut r = raised(
            FlagLevel::Emergency,
            FlagKind::RedFlag,
            &[(FlagBasis::FormAnswer, ANSWER, &[])],
        );
        r.techniques.clear();
        r.regions.clear();
        r.region_unknown = false;
        assert_eq!(
            decide(&on_file, &r, FlagOrigin::Intake, "intake-2"),
            Decision::Raise
        );
        assert_eq!(
            decide(&on_file, &r, FlagOrigin::Intake, INTAKE),
            Decision::Skip
        );
    }
}
