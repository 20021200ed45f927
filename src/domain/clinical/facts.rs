//! What the clinic knows about a patient, as the rules read it, with the evidence for
//! each fact: a condition answered on the form (or not answered, which counts as
//! "unsure" and so as yes: part A's fail-safe principle), a medicine or operation that
//! implies a condition, words in free text, an exam finding, a diagnosis code, a
//! practitioner's correction of the history. A flag the rules raise carries the
//! evidence of the facts that made its rule true, so the practitioner sees *why*.

use std::collections::BTreeMap;

use super::codes::{Answer, ConditionCode, FlagBasis, RedFlagCode, Region};
use crate::domain::vocabulary::code_list;

code_list!(
    /// Findings the clinic derives rather than asks: from the exam, from diagnosis
    /// codes, or from the shape of the history (the pain diagram and pain pattern).
    Finding {
        LimbParaesthesia = "limb_paraesthesia": "pins and needles or numbness in the arms or legs",
        UnremittingPain = "unremitting_pain": "constant, severe pain",
        ThoracicPain = "thoracic_pain": "pain in the upper or middle back",
        SaddleSensationReduced = "saddle_sensation_reduced": "reduced saddle (S3–5) sensation",
        LegWeaknessBilateral = "leg_weakness_bilateral": "leg weakness (3/5 or less) on both sides",
        MajorMotorWeakness = "major_motor_weakness": "motor weakness of 3/5 or less",
        ReflexesAbsentBilateral = "reflexes_absent_bilateral": "a reflex absent on both sides",
        LegReflexesAbsentBilateral = "leg_reflexes_absent_bilateral": "a knee or ankle reflex absent on both sides",
        Hyperreflexia = "hyperreflexia": "a 4+ reflex (clonus)",
        UmnSign = "umn_sign": "a positive upper-motor-neuron sign",
        UmnSignEquivocal = "umn_sign_equivocal": "an equivocal upper-motor-neuron sign",
        ArterialScreenPositive = "arterial_screen_positive": "a positive cervical arterial screen",
        CervicalRotationUnder45 = "cervical_rotation_under_45": "cervical rotation below 45°",
        HypermobileSegment = "hypermobile_segment": "a hypermobile segment",
        SpinalInfection = "spinal_infection": "vertebral osteomyelitis or discitis diagnosed",
        CaudaEquina = "cauda_equina": "cauda equina syndrome diagnosed",
        BoneMetastasis = "bone_metastasis": "bone metastasis diagnosed",
        ChiariMalformation = "chiari_malformation": "Chiari malformation diagnosed",
        Syringomyelia = "syringomyelia": "syringomyelia diagnosed",
    }
);

/// One reason to believe a fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub basis: FlagBasis,
    /// For people: "Medicine list: Eliquis (apixaban)", "Exam: S3–5 altered on the left".
    pub text: String,
    /// Where the finding is, when it says (a hypermobile L4, a lumbar fracture code).
    pub regions: Vec<Region>,
}

impl Evidence {
    pub fn new(basis: FlagBasis, text: impl Into<String>) -> Self {
        Evidence {
            basis,
            text: text.into(),
            regions: Vec::new(),
        }
    }

    pub fn at(mut self, regions: &[Region]) -> Self {
        self.regions = regions.to_vec();
        self
    }

    /// The form's answer to a question: `yes` and `unsure` count, `no` does not, and
    /// a question not answered counts as unsure (fail safe) and says so.
    pub fn answer(a: Option<Answer>) -> Option<Self> {
        match a {
            Some(Answer::Yes) => Some(Evidence::new(
                FlagBasis::FormAnswer,
                "Answered yes on the form",
            )),
            Some(Answer::Unsure) => Some(Evidence::new(
                FlagBasis::FormAnswer,
                "Answered not sure on the form",
            )),
            Some(Answer::No) => None,
            None => Some(Evidence::new(
                FlagBasis::NotAnswered,
                "Not answered on the form: ask the patient (counted as yes until then)",
            )),
        }
    }
}

/// A fact the rules read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fact {
    /// A condition answered `yes` or `unsure`, not answered, or implied.
    Condition(ConditionCode),
    /// A red-flag question answered `yes`, not answered, or implied.
    RedFlag(RedFlagCode),
    /// A finding of the exam, a diagnosis or the history's shape.
    Finding(Finding),
    /// The patient's age in whole years is at least this.
    AgeAtLeast(u32),
    /// The patient's age in whole years is below this.
    AgeUnder(u32),
    /// The patient reports no earlier episode of this problem.
    FirstEpisode,
}

/// Everything the rules may read, each present fact with its evidence.
#[derive(Debug, Clone, Default)]
pub struct ClinicalFacts {
    present: BTreeMap<Fact, Vec<Evidence>>,
    /// Age in whole years on the day the facts were gathered, when the birth date is known.
    pub age: Option<u32>,
    /// True when the patient reports no earlier episode of the problem.
    pub first_episode: Option<bool>,
}

impl ClinicalFacts {
    pub fn with_age(age: Option<u32>) -> Self {
        ClinicalFacts {
            age,
            ..Self::default()
        }
    }

    /// Records that `fact` holds, for this reason (a repeated reason is kept once).
    pub fn add(&mut self, fact: Fact, evidence: Evidence) {
        let list = self.present.entry(fact).or_default();
        if !list.contains(&evidence) {
            list.push(evidence);
        }
    }

    pub fn condition(&mut self, c: ConditionCode, evidence: Evidence) {
        self.add(Fact::Condition(c), evidence);
    }

    pub fn red_flag(&mut self, r: RedFlagCode, evidence: Evidence) {
        self.add(Fact::RedFlag(r), evidence);
    }

    pub fn finding(&mut self, f: Finding, evidence: Evidence) {
        self.add(Fact::Finding(f), evidence);
    }

    /// Takes in another set of facts (the exam's beside the intake's).
    pub fn merge(&mut self, other: ClinicalFacts) {
        for (fact, list) in other.present {
            for e in list {
                self.add(fact, e);
            }
        }
        self.age = self.age.or(other.age);
        self.first_episode = self.first_episode.or(other.first_episode);
    }

    /// Removes a fact (a practitioner's correction to "no").
    pub fn remove(&mut self, fact: Fact) {
        self.present.remove(&fact);
    }

    /// The evidence for a fact, or `None` when it does not hold. Age and episode facts
    /// hold without evidence of their own.
    pub fn evidence(&self, fact: Fact) -> Option<Vec<Evidence>> {
        match fact {
            Fact::AgeAtLeast(n) => self.age.is_some_and(|a| a >= n).then(Vec::new),
            Fact::AgeUnder(n) => self.age.is_some_and(|a| a < n).then(Vec::new),
            Fact::FirstEpisode => (self.first_episode == Some(true)).then(|| {
                vec![Evidence::new(
                    FlagBasis::FormAnswer,
                    "First episode (no earlier episodes on the form)",
                )]
            }),
            _ => self.present.get(&fact).cloned(),
        }
    }

    pub fn holds(&self, fact: Fact) -> bool {
        self.evidence(fact).is_some()
    }
}
