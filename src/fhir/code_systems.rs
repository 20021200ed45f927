//! The code systems of our own codes (part A of the clinical reference and the exam's
//! vocabularies), published as FHIR `CodeSystem`s at `{base}/fhir/CodeSystem/{name}`.
//! Each is built from the enum the API and the database use, so the published list is
//! the list the service accepts.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde_json::{Value, json};

use super::FhirBase;
use crate::domain::assessment::exam_tests::{
    Dermatome, ExamTestCode, LimbSide, Myotome, Reflex, ReflexGrade, SensationGrade, StrengthGrade,
    TestResult,
};
use crate::domain::assessment::exercises::{Advice, Exercise};
use crate::domain::assessment::palpation::{
    Alignment, Direction, Segment, SegmentMotion, Structure, Swelling, Tenderness, Tone,
};
use crate::domain::assessment::posture::{PostureArea, PostureFindingCode, PostureView};
use crate::domain::assessment::rom::{EndFeel, Motion, RomMethod, RomReference, RomRegion};
use crate::domain::assessment::{Section, Side};
use crate::domain::clinical::flag_rules::FLAG_RULES;
use crate::domain::clinical::questions::{condition_name, red_flag_name};
use crate::domain::clinical::{
    ConditionCode, FlagBasis, FlagLevel, RedFlagCode, Region, Technique,
};
use crate::domain::intake::{PainArea, PainPattern, PainQuality};
use crate::domain::vocabulary::{Vocabulary, code_list};

code_list!(
    /// Our code systems; the code is the last segment of the system's URL.
    OurCodeSystem {
        Region = "region": "Body regions of flags and interventions",
        Technique = "technique": "Treatment techniques",
        FlagLevel = "flag-level": "Flag levels, most severe first",
        FlagKind = "flag-kind": "Kinds of flag",
        FlagBasis = "flag-basis": "What the clinic recorded that raised a flag",
        Flag = "flag": "Flags the rule table raises",
        ManualFlag = "manual-flag": "Flags a practitioner added by hand",
        Condition = "condition": "Conditions asked on the pre-visit form",
        RedFlag = "red-flag": "Red-flag questions of the pre-visit form",
        Answer = "answer": "Answers to the pre-visit form's yes/no questions",
        PainArea = "pain-area": "Areas of the pain diagram",
        PainQuality = "pain-quality": "How the pain feels",
        PainPattern = "pain-pattern": "Pattern of the pain",
        Exam = "exam": "Exam observations",
        RomRegion = "rom-region": "Regions whose range of motion is measured",
        RomMotion = "rom-motion": "Motions of the spine",
        RomMethod = "rom-method": "How a range of motion was measured",
        RomReference = "rom-reference": "Normative references for range of motion",
        EndFeel = "end-feel": "End feel of a motion",
        Segment = "segment": "Spinal segments",
        Structure = "palpation-structure": "Structures palpated",
        Tenderness = "tenderness": "Tenderness grades 0-IV",
        Tone = "tone": "Muscle tone",
        SegmentMotion = "segment-motion": "Motion of a segment",
        Direction = "direction": "Directions of restricted motion",
        Swelling = "swelling": "Swelling",
        Alignment = "alignment": "Alignment of a segment",
        Side = "side": "Sides of the body",
        ExamTest = "exam-test": "Orthopedic and neurological tests",
        TestResult = "test-result": "Results of a test",
        Reflex = "reflex": "Deep tendon reflexes",
        ReflexGrade = "reflex-grade": "Reflex grades",
        Myotome = "myotome": "Myotomes",
        StrengthGrade = "strength-grade": "Muscle strength grades",
        Dermatome = "dermatome": "Dermatomes",
        SensationGrade = "sensation-grade": "Sensation grades",
        LimbSide = "limb-side": "Left or right limb",
        PostureArea = "posture-area": "Areas of the posture exam",
        PostureFinding = "posture-finding": "Posture findings",
        PostureView = "posture-view": "Views of the posture exam",
        Exercise = "exercise": "Home-care exercises",
        Advice = "advice": "Advice after a first treatment",
        RecordSection = "record-section": "Sections of the assessment record",
        PlanActivity = "plan-activity": "Treatment plan activities that are not a technique",
    }
);

/// Observation codes of our exam (`exam` code system).
pub const EXAM_CODES: &[(&str, &str)] = &[
    ("rom-cervical", "Cervical range of motion"),
    ("rom-thoracic", "Thoracic range of motion"),
    ("rom-lumbar", "Lumbar range of motion"),
    ("palpation", "Palpation of a spinal segment"),
    ("posture", "Posture finding"),
    ("reflex", "Deep tendon reflex"),
    ("strength", "Muscle strength"),
    ("sensation", "Sensation"),
    ("tenderness", "Tenderness"),
    ("tone", "Muscle tone"),
    ("segment-motion", "Motion of the segment"),
    ("restricted", "Restricted direction"),
    ("alignment", "Alignment"),
    ("swelling", "Swelling"),
    ("structure", "Structure palpated"),
    ("measurement", "Measured value"),
    ("posture-measure", "Posture measurement"),
];

pub const PLAN_ACTIVITIES: &[(&str, &str)] = &[("re-exam", "Re-examination"), ("advice", "Advice")];

fn of<V: Vocabulary>() -> Vec<(String, String)> {
    V::every()
        .iter()
        .map(|v| (v.code().to_owned(), v.display().to_owned()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(c, d)| ((*c).to_owned(), (*d).to_owned()))
        .collect()
}

/// The codes the rule table raises, each once, named as the patient's form names them
/// (or by the rule's reason for exam and medicine codes).
fn flag_codes() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for rule in FLAG_RULES {
        if out.iter().any(|(c, _)| c == rule.code) {
            continue;
        }
        let display = ConditionCode::parse(rule.code)
            .map(|c| condition_name(c).to_owned())
            .or_else(|| RedFlagCode::parse(rule.code).map(|r| red_flag_name(r).to_owned()))
            .unwrap_or_else(|| rule.reason.to_owned());
        out.push((rule.code.to_owned(), display));
    }
    out
}

/// Every (system, code) → display, built on first use.
static DISPLAYS: LazyLock<HashMap<(OurCodeSystem, String), String>> = LazyLock::new(|| {
    OurCodeSystem::ALL
        .iter()
        .flat_map(|cs| {
            cs.concepts()
                .into_iter()
                .map(move |(code, display)| ((*cs, code), display))
        })
        .collect()
});

impl OurCodeSystem {
    /// Every concept as (code, display). Empty for `manual-flag`, whose codes
    /// practitioners choose (published with `content` `not-present`).
    pub fn concepts(self) -> Vec<(String, String)> {
        use OurCodeSystem as S;
        match self {
            S::Region => of::<Region>(),
            S::Technique => of::<Technique>(),
            S::FlagLevel => of::<FlagLevel>(),
            S::FlagKind => pairs(&[
                ("red_flag", "Red flag"),
                ("contraindication", "Contraindication"),
            ]),
            S::FlagBasis => of::<FlagBasis>(),
            S::Flag => flag_codes(),
            S::ManualFlag => Vec::new(),
            S::Condition => ConditionCode::ALL
                .iter()
                .map(|c| (c.as_str().to_owned(), condition_name(*c).to_owned()))
                .collect(),
            S::RedFlag => RedFlagCode::ALL
                .iter()
                .map(|r| (r.as_str().to_owned(), red_flag_name(*r).to_owned()))
                .collect(),
            S::Answer => pairs(&[("yes", "Yes"), ("no", "No"), ("unsure", "Not sure")]),
            S::PainArea => of::<PainArea>(),
            S::PainQuality => of::<PainQuality>(),
            S::PainPattern => of::<PainPattern>(),
            S::Exam => pairs(EXAM_CODES),
            S::RomRegion => of::<RomRegion>(),
            S::RomMotion => of::<Motion>(),
            S::RomMethod => of::<RomMethod>(),
            S::RomReference => of::<RomReference>(),
            S::EndFeel => of::<EndFeel>(),
            S::Segment => of::<Segment>(),
            S::Structure => of::<Structure>(),
            S::Tenderness => Tenderness::GRADES
                .iter()
                .map(|(n, roman, words)| (n.to_string(), format!("{roman}: {words}")))
                .collect(),
            S::Tone => of::<Tone>(),
            S::SegmentMotion => of::<SegmentMotion>(),
            S::Direction => of::<Direction>(),
            S::Swelling => of::<Swelling>(),
            S::Alignment => of::<Alignment>(),
            S::Side => of::<Side>(),
            S::ExamTest => of::<ExamTestCode>(),
            S::TestResult => of::<TestResult>(),
            S::Reflex => of::<Reflex>(),
            S::ReflexGrade => of::<ReflexGrade>(),
            S::Myotome => of::<Myotome>(),
            S::StrengthGrade => of::<StrengthGrade>(),
            S::Dermatome => of::<Dermatome>(),
            S::SensationGrade => of::<SensationGrade>(),
            S::LimbSide => of::<LimbSide>(),
            S::PostureArea => of::<PostureArea>(),
            S::PostureFinding => of::<PostureFindingCode>(),
            S::PostureView => of::<PostureView>(),
            S::Exercise => of::<Exercise>(),
            S::Advice => of::<Advice>(),
            S::RecordSection => of::<Section>(),
            S::PlanActivity => pairs(PLAN_ACTIVITIES),
        }
    }

    /// The display of a code, when the system knows it. Every coding of an export asks
    /// this, so the displays of all systems are built once and looked up by code.
    pub fn display(self, code: &str) -> Option<String> {
        DISPLAYS.get(&(self, code.to_owned())).cloned()
    }

    /// The `CodeSystem` resource.
    pub fn resource(self, base: &FhirBase) -> Value {
        let concepts = self.concepts();
        let name: String = self
            .as_str()
            .split('-')
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            })
            .collect();
        let mut cs = json!({
            "resourceType": "CodeSystem",
            "id": self.as_str(),
            "url": base.code_system(self),
            "version": env!("CARGO_PKG_VERSION"),
            "name": format!("Clinic{name}"),
            "title": self.label(),
            "status": "active",
            "experimental": false,
            "publisher": "clinic",
            "caseSensitive": true,
            "content": if concepts.is_empty() { "not-present" } else { "complete" },
        });
        if !concepts.is_empty() {
            cs["count"] = json!(concepts.len());
            cs["concept"] = concepts
                .into_iter()
                .map(|(code, display)| json!({"code": code, "display": display}))
                .collect();
        }
        cs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_system_but_the_manual_flags_lists_unique_codes() {
        for cs in OurCodeSystem::ALL {
            let concepts = cs.concepts();
            assert_eq!(
                concepts.is_empty(),
                *cs == OurCodeSystem::ManualFlag,
                "{cs}"
            );
            let mut codes: Vec<&String> = concepts.iter().map(|(c, _)| c).collect();
            codes.sort();
            codes.dedup();
            assert_eq!(codes.len(), concepts.len(), "{cs} repeats a code");
        }
    }

    #[test]
    fn displays_are_those_the_systems_publish() {
        for cs in OurCodeSystem::ALL {
            for (code, display) in cs.concepts() {
                assert_eq!(cs.display(&code), Some(display), "{cs} {code}");
            }
            assert_eq!(cs.display("no-such-code"), None);
        }
    }

    #[test]
    fn flag_codes_cover_the_rule_table() {
        let codes = OurCodeSystem::Flag.concepts();
        for rule in FLAG_RULES {
            assert!(codes.iter().any(|(c, _)| c == rule.code), "{}", rule.code);
        }
    }
}
