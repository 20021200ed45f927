//! The referral letter: what a practitioner hands or sends with a patient referred out
//! for an emergency or urgent flag. It gathers the patient's identity and contact, the
//! unresolved emergency and urgent flags with their reasons, evidence and referrals, the
//! red-flag questions the latest submitted pre-visit form answered yes, and the abnormal
//! findings of the latest assessment. Practitioners print it; an admin may read it for
//! audit; the front desk never sees exam findings. One audit row per letter covers
//! everything it shows.

use chrono::{NaiveDate, NaiveDateTime};

use super::audit::{AuditAction, AuditEntry, Outcome};
use super::audit_queue::audited_read;
use super::flags::{self, FlagRecord};
use super::{Actor, ServiceError, ServiceResult};
use crate::db::DbConnection;
use crate::db::models::assessment::{self, AssessmentRow};
use crate::db::models::intake;
use crate::db::models::patient::{self, PatientRow};
use crate::domain::assessment::AssessmentContent;
use crate::domain::assessment::exam_tests::{
    ReflexGrade, SensationGrade, StrengthGrade, TestResult,
};
use crate::domain::clinical::questions::red_flag_question;
use crate::domain::clinical::{FlagLevel, RedFlagCode};
use crate::domain::{PatientId, Role};

/// Everything the letter shows.
#[derive(Debug, Clone)]
pub struct ReferralLetter {
    pub patient: PatientRow,
    /// Unresolved emergency and urgent flags, most severe first, with their referrals.
    pub flags: Vec<FlagRecord>,
    /// The red-flag questions the latest submitted form answered yes, in the form's order.
    pub red_flag_answers: Vec<&'static str>,
    pub intake_submitted_at: Option<NaiveDateTime>,
    /// The latest assessment's visit date and whether it is signed.
    pub assessment: Option<(NaiveDate, bool)>,
    /// Its positive and equivocal tests and abnormal neurological rows, in words.
    pub findings: Vec<String>,
}

fn reader(actor: &Actor) -> ServiceResult<()> {
    match &actor.user {
        Some((_, Role::Practitioner | Role::Admin)) => Ok(()),
        _ => Err(ServiceError::Forbidden),
    }
}

fn number(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map(str::to_owned).unwrap_or(s)
}

/// Positive and equivocal tests, then the reflex, strength and sensation rows that are
/// not normal (a not-testable sensation is not a finding).
fn abnormal_findings(c: &AssessmentContent) -> Vec<String> {
    let mut out = Vec::new();
    for t in c.tests.as_deref().unwrap_or_default() {
        if !matches!(t.result, TestResult::Positive | TestResult::Equivocal) {
            continue;
        }
        let mut line = t.test.label().to_owned();
        if let Some(side) = t.side {
            line.push_str(&format!(" ({})", side.label().to_lowercase()));
        }
        line.push_str(&format!(": {}", t.result.label().to_lowercase()));
        if let Some(v) = t.value {
            line.push_str(&format!(" at {}", number(v)));
        }
        if let Some(n) = t.notes.as_deref().filter(|n| !n.is_empty()) {
            line.push_str(&format!(" ({n})"));
        }
        out.push(line);
    }
    let neuro = c.neuro.clone().unwrap_or_default();
    for r in neuro
        .reflexes
        .iter()
        .filter(|r| r.grade != ReflexGrade::Normal)
    {
        out.push(format!(
            "Reflex {}, {}: {}",
            r.reflex.label(),
            r.side.label().to_lowercase(),
            r.grade.label()
        ));
    }
    for r in neuro
        .strength
        .iter()
        .filter(|r| r.grade != StrengthGrade::G5)
    {
        out.push(format!(
            "Strength {}, {}: {}",
            r.myotome.label(),
            r.side.label().to_lowercase(),
            r.grade.label()
        ));
    }
    for r in neuro.sensation.iter().filter(|r| {
        !matches!(
            r.grade,
            SensationGrade::Normal | SensationGrade::NotTestable
        )
    }) {
        out.push(format!(
            "Sensation {}, {}: {}",
            r.dermatome.label(),
            r.side.label().to_lowercase(),
            r.grade.label()
        ));
    }
    out
}

fn latest_assessment(
    conn: &mut DbConnection,
    patient_id: &str,
) -> ServiceResult<Option<(AssessmentRow, AssessmentContent)>> {
    let Some(row) = assessment::for_patient(conn, patient_id)?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let content = serde_json::from_str(&row.content).map_err(|e| {
        ServiceError::Unexpected(anyhow::anyhow!("assessment {} content: {e}", row.id))
    })?;
    Ok(Some((row, content)))
}

/// Gathers the letter for a patient, audited as `referral_letter.printed`.
pub fn letter(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    patient_id: &PatientId,
) -> ServiceResult<ReferralLetter> {
    reader(actor)?;
    audited_read(conn, now, actor, |conn| {
        let patient = patient::find(conn, patient_id.as_str())?.ok_or(ServiceError::NotFound)?;
        let red: Vec<_> = flags::unresolved(conn, &patient.id)?
            .into_iter()
            .filter(|f| {
                matches!(
                    FlagLevel::parse(&f.level),
                    Some(FlagLevel::Emergency | FlagLevel::Urgent)
                )
            })
            .collect();
        let flags = flags::with_history(conn, red)?;
        let (red_flag_answers, intake_submitted_at) =
            match intake::latest_submitted(conn, &patient.id)? {
                Some(i) => {
                    let input = intake::load_input(conn, &i)?;
                    let yes: Vec<&'static str> = RedFlagCode::ALL
                        .iter()
                        .filter(|c| {
                            input.red_flags.get(c.as_str()) == Some(&true)
                                || input.red_flags_unsure.iter().any(|u| u == c.as_str())
                        })
                        .map(|c| red_flag_question(*c))
                        .collect();
                    (yes, i.submitted_at)
                }
                None => (Vec::new(), None),
            };
        let (assessment, findings) = match latest_assessment(conn, &patient.id)? {
            Some((row, content)) => (
                Some((row.visit_date, row.status == "signed")),
                abnormal_findings(&content),
            ),
            None => (None, Vec::new()),
        };
        let printed = AuditEntry::new(AuditAction::ReferralLetterPrinted, Outcome::Success)
            .entity(&patient.id)
            .patient(&patient.id);
        let letter = ReferralLetter {
            patient,
            flags,
            red_flag_answers,
            intake_submitted_at,
            assessment,
            findings,
        };
        Ok((letter, vec![printed]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::assessment::Side;
    use crate::domain::assessment::exam_tests::{
        Dermatome, ExamTest, ExamTestCode, LimbSide, NeuroExam, ScreeningSet, SensationFinding,
        StrengthFinding, fill_negative,
    };

    #[test]
    fn only_abnormal_findings_are_listed() {
        let mut tests = Vec::new();
        fill_negative(&mut tests, ScreeningSet::Cervical);
        tests.push(ExamTest {
            test: ExamTestCode::Slr,
            side: Some(Side::Left),
            result: TestResult::Positive,
            value: Some(35.0),
            notes: Some("reproduces leg pain".into()),
        });
        let mut neuro = NeuroExam::all_normal();
        neuro.strength.push(StrengthFinding {
            myotome: crate::domain::assessment::exam_tests::Myotome::L5,
            side: LimbSide::Right,
            grade: StrengthGrade::G4Minus,
        });
        neuro.sensation.push(SensationFinding {
            dermatome: Dermatome::S3S5,
            side: LimbSide::Left,
            grade: SensationGrade::NotTestable,
        });
        let c = AssessmentContent {
            tests: Some(tests),
            neuro: Some(neuro),
            ..Default::default()
        };
        assert_eq!(
            abnormal_findings(&c),
            vec![
                "Straight-leg raise (left): positive at 35 (reproduces leg pain)".to_owned(),
                "Strength L5 great-toe extensors, right: 4− some resistance".to_owned(),
            ]
        );
        assert!(abnormal_findings(&AssessmentContent::default()).is_empty());
    }
}
