//! The contraindication and red-flag rules, as data: one row per (code, level), with
//! the techniques and regions it restricts, when it applies, a plain reason (shown to
//! the front desk too) and its sources. The rows cover `clinical-reference.md` part A,
//! the exam and diagnosis findings, and the corrections where part B or a named
//! guideline is stricter or more precise than part A (each said in
//! `docs/clinical-rules.md`, which prints this table; a test keeps them equal).
//!
//! Combinations are explicit (`All`, `Any`, `Not`), so each row says exactly when it
//! fires: "unexplained weight loss: urgent with cancer, else precaution" is two rows.

use super::codes::{ConditionCode as C, FlagKind, FlagLevel, RedFlagCode as R, Region, Technique};
pub use super::facts::Fact;
use super::facts::Finding as F;

/// When a rule fires.
#[derive(Debug, Clone, Copy)]
pub enum When {
    Is(Fact),
    All(&'static [When]),
    Any(&'static [When]),
    Not(&'static When),
}

/// Which regions a rule restricts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Regions {
    /// These regions, always.
    These(&'static [Region]),
    /// Where the evidence says (a lumbar fracture code, a hypermobile C5, "L4–L5
    /// fusion"); when any evidence does not say, every spinal region until a
    /// practitioner narrows the flag (part A: unknown region).
    Local,
}

#[derive(Debug)]
pub struct FlagRule {
    /// The code the flag carries (a part A condition or red-flag code, or a finding's).
    pub code: &'static str,
    pub kind: FlagKind,
    pub level: FlagLevel,
    pub techniques: &'static [Technique],
    pub regions: Regions,
    pub when: When,
    pub reason: &'static str,
    pub source: &'static str,
}

const fn cond(c: C) -> When {
    When::Is(Fact::Condition(c))
}
const fn red(r: R) -> When {
    When::Is(Fact::RedFlag(r))
}
const fn found(f: F) -> When {
    When::Is(Fact::Finding(f))
}

const ALL_T: &[Technique] = Technique::ALL;
const ALL_R: Regions = Regions::These(Region::ALL);
const SPINAL: Regions = Regions::These(Region::SPINAL);
const CERVICAL: Regions = Regions::These(&[Region::Cervical]);
const NOT_CERVICAL: Regions = Regions::These(&[
    Region::Thoracic,
    Region::Lumbar,
    Region::SacralPelvic,
    Region::RibCage,
    Region::UpperExtremity,
    Region::LowerExtremity,
]);
const NONE: Regions = Regions::These(&[]);
const THRUST: &[Technique] = Technique::THRUST;
/// Thrust and instrument: part B treats an instrument adjustment as a lower-force
/// thrust, so it inherits an absolute block on thrust (osteoporosis is the exception
/// part B names: there an instrument is the preferred lower-force option).
const THRUST_INSTRUMENT: &[Technique] =
    &[Technique::Hvla, Technique::DropTable, Technique::Instrument];
const FORCE_BASED: &[Technique] = Technique::FORCE_BASED;
const MOB_INSTRUMENT: &[Technique] = &[
    Technique::FlexionDistraction,
    Technique::Mobilization,
    Technique::Instrument,
];

use FlagKind::{Contraindication as CI, RedFlag as RF};
use FlagLevel::{Absolute, Emergency, Precaution, Relative, Urgent};

const CAUDA_EQUINA: When = When::Any(&[red(R::BladderBowelChange), red(R::SaddleNumbness)]);
const FRACTURE_RISK: When = When::Any(&[
    When::Is(Fact::AgeAtLeast(65)),
    cond(C::Osteoporosis),
    cond(C::LongTermSteroids),
]);
/// The Canadian C-spine rule's high-risk factors beside age ≥ 65, and fracture risk.
const TRAUMA_HIGH_RISK: When = When::Any(&[
    FRACTURE_RISK,
    red(R::DangerousMechanism),
    found(F::LimbParaesthesia),
]);
/// Neurological symptoms or signs, for the cancer row (NICE NG234).
const NEUROLOGY: When = When::Any(&[
    red(R::ProgressiveWeakness),
    red(R::BilateralLegSymptoms),
    CAUDA_EQUINA,
    found(F::LimbParaesthesia),
    found(F::SaddleSensationReduced),
    found(F::LegWeaknessBilateral),
    found(F::MajorMotorWeakness),
    found(F::ReflexesAbsentBilateral),
    found(F::UmnSign),
    found(F::UmnSignEquivocal),
    found(F::Hyperreflexia),
]);
/// Pain suggestive of spinal metastases (NICE NG234), beside night pain and weight
/// loss, which have rows of their own.
const METASTATIC_PAIN: When = When::Any(&[found(F::UnremittingPain), found(F::ThoracicPain)]);
/// Vertebrobasilar or cervical artery signs (Terrett's 5Ds and 3Ns, IFOMPT): one of the
/// specific signs, two of the soft ones, or a positive arterial screen on exam.
const ARTERY_SIGNS: When = When::Any(&[
    red(R::DoubleVision),
    red(R::SpeechTrouble),
    red(R::SwallowingTrouble),
    red(R::DropAttacks),
    When::All(&[red(R::NeckDizziness), red(R::Nausea)]),
    When::All(&[red(R::NeckDizziness), red(R::FaceNumbness)]),
    When::All(&[red(R::NeckDizziness), red(R::UnsteadyWalking)]),
    When::All(&[red(R::Nausea), red(R::FaceNumbness)]),
    found(F::ArterialScreenPositive),
]);
const MYELOPATHY: When = When::Any(&[
    found(F::UmnSign),
    found(F::UmnSignEquivocal),
    found(F::Hyperreflexia),
]);
const EXAM_CAUDA_EQUINA: When = When::Any(&[
    found(F::SaddleSensationReduced),
    found(F::LegWeaknessBilateral),
    When::All(&[
        found(F::LegReflexesAbsentBilateral),
        When::Any(&[red(R::BilateralLegSymptoms), CAUDA_EQUINA]),
    ]),
]);

#[expect(
    clippy::too_many_arguments,
    reason = "one row of the table, argument per column"
)]
const fn rule(
    code: &'static str,
    kind: FlagKind,
    level: FlagLevel,
    techniques: &'static [Technique],
    regions: Regions,
    when: When,
    reason: &'static str,
    source: &'static str,
) -> FlagRule {
    FlagRule {
        code,
        kind,
        level,
        techniques,
        regions,
        when,
        reason,
        source,
    }
}

#[rustfmt::skip]
pub static FLAG_RULES: &[FlagRule] = &[
    // Conditions.
    rule("osteoporosis", CI, Absolute, THRUST, SPINAL, cond(C::Osteoporosis),
        "Osteoporosis or thinning bones: no thrust manipulation of the spine.",
        "CMS; HAWK; OLD"),
    rule("osteoporosis", CI, Relative, MOB_INSTRUMENT, SPINAL, cond(C::Osteoporosis),
        "Osteoporosis or thinning bones: spinal mobilization or instrument only with a written reason.",
        "CMS; HAWK; OLD"),
    rule("long_term_steroids", CI, Absolute, THRUST, SPINAL, cond(C::LongTermSteroids),
        "Long-term steroid tablets weaken bone (steroid-induced osteoporosis): no thrust manipulation of the spine.",
        "NHS-RF; AHCPR; BMC-T; OLD"),
    rule("long_term_steroids", CI, Relative, MOB_INSTRUMENT, SPINAL, cond(C::LongTermSteroids),
        "Long-term steroid tablets weaken bone: spinal mobilization or instrument only with a written reason.",
        "NHS-RF; AHCPR; BMC-T; OLD"),
    rule("long_term_steroids", CI, Precaution, &[Technique::SoftTissue], ALL_R, cond(C::LongTermSteroids),
        "Long-term steroid tablets: reduce soft-tissue force (fragile skin and tissue).",
        "BMC-T; OLD"),
    rule("recent_fracture", CI, Absolute, FORCE_BASED, Regions::Local, cond(C::RecentFracture),
        "Fracture of spine, ribs or pelvis in the last 6 months: no force-based technique there.",
        "WHO; CMS; PMC-T"),
    rule("disc_herniation", CI, Relative, THRUST, Regions::Local,
        When::All(&[cond(C::DiscHerniation), When::Not(&red(R::ProgressiveWeakness)), When::Not(&found(F::MajorMotorWeakness))]),
        "Disc herniation: thrust at that level only with a written reason.",
        "CMS"),
    rule("disc_herniation", CI, Absolute, THRUST_INSTRUMENT, Regions::Local,
        When::All(&[cond(C::DiscHerniation), When::Any(&[red(R::ProgressiveWeakness), found(F::MajorMotorWeakness)])]),
        "Disc herniation with worsening or marked weakness: no thrust at that level.",
        "WHO; HAWK"),
    rule("rheumatoid_arthritis", CI, Absolute, FORCE_BASED, CERVICAL, cond(C::RheumatoidArthritis),
        "Rheumatoid arthritis: no thrust, mobilization or instrument on the neck (possible upper-neck instability).",
        "CMS; WHO; PMC-T"),
    rule("rheumatoid_arthritis", CI, Relative, THRUST, NOT_CERVICAL, cond(C::RheumatoidArthritis),
        "Rheumatoid arthritis: thrust outside the neck only with a written reason.",
        "CMS; WHO"),
    rule("ankylosing_spondylitis", CI, Absolute, THRUST_INSTRUMENT, SPINAL, cond(C::AnkylosingSpondylitis),
        "Ankylosing spondylitis or inflammatory spine disease: no spinal thrust or instrument.",
        "CMS; WHO; BMC-T"),
    rule("spinal_surgery", CI, Absolute, THRUST_INSTRUMENT, Regions::Local, cond(C::SpinalSurgery),
        "Spinal surgery (fusion, hardware, disc replacement): no thrust or instrument at the operated levels.",
        "WHO; PMC-T"),
    rule("recent_spinal_surgery", CI, Relative, FORCE_BASED, Regions::Local, cond(C::RecentSpinalSurgery),
        "Spinal operation in the last 12 weeks: thrust, mobilization or instrument there only with a written reason.",
        "PMC-T; BMC-T"),
    rule("cancer", CI, Relative, THRUST, Regions::Local, cond(C::Cancer),
        "History of cancer: spinal thrust only with a written reason.",
        "BMC-T; CMS; HAWK"),
    rule("cancer", RF, Urgent, FORCE_BASED, ALL_R,
        When::All(&[cond(C::Cancer), When::Any(&[METASTATIC_PAIN, NEUROLOGY])]),
        "History of cancer with pain suggestive of spinal metastases or with neurological symptoms: urgent assessment and imaging.",
        "NG234; ACP; NHS-RF"),
    rule("anticoagulants", CI, Relative, THRUST, ALL_R, cond(C::Anticoagulants),
        "Takes blood thinners: thrust only with a written reason.",
        "CMS; PMC-T; HAWK; OLD"),
    rule("anticoagulants", CI, Precaution, &[Technique::SoftTissue], ALL_R, cond(C::Anticoagulants),
        "Takes blood thinners: reduce soft-tissue pressure (bruising).",
        "HAWK; OLD"),
    rule("bleeding_disorder", CI, Relative, THRUST, ALL_R, cond(C::BleedingDisorder),
        "Bleeding or clotting disorder: thrust only with a written reason.",
        "CMS; PMC-T"),
    rule("stroke_or_tia", CI, Relative, THRUST, CERVICAL, cond(C::StrokeOrTia),
        "Stroke or mini-stroke in the past: neck thrust only with a written reason.",
        "BMC-T; OSU"),
    rule("neck_artery_problem", CI, Absolute, FORCE_BASED, CERVICAL, cond(C::NeckArteryProblem),
        "Problem with the neck arteries: no thrust, mobilization or instrument on the neck.",
        "CMS; PMC-T; BMC-T; OSU"),
    rule("aneurysm", CI, Absolute, &[Technique::Hvla, Technique::DropTable, Technique::Instrument, Technique::FlexionDistraction],
        Regions::These(&[Region::Thoracic, Region::Lumbar]), cond(C::Aneurysm),
        "Aneurysm: no thrust, drop table, instrument or flexion-distraction of the mid or low back.",
        "CMS; HAWK"),
    rule("aneurysm", CI, Relative, &[Technique::SoftTissue],
        Regions::These(&[Region::Thoracic, Region::Lumbar]), cond(C::Aneurysm),
        "Aneurysm: deep soft-tissue work on the mid or low back and belly only with a written reason.",
        "CMS; HAWK"),
    rule("connective_tissue_disorder", CI, Absolute, THRUST_INSTRUMENT, SPINAL, cond(C::ConnectiveTissueDisorder),
        "Ehlers-Danlos, Marfan or very loose joints: no spinal thrust or instrument.",
        "WHO; BMC-T"),
    rule("down_syndrome", CI, Absolute, FORCE_BASED, CERVICAL, cond(C::DownSyndrome),
        "Down syndrome: no thrust, mobilization or instrument on the neck (upper-neck laxity).",
        "WHO; CMS; PMC-T"),
    rule("pregnancy", CI, Relative, &[Technique::DropTable, Technique::FlexionDistraction],
        Regions::These(&[Region::Lumbar, Region::SacralPelvic]), cond(C::Pregnancy),
        "Pregnant or may be: drop table or flexion-distraction of the low back and pelvis only with a written reason.",
        "Part B §1 (positioning; inference)"),
    rule("pregnancy", CI, Precaution, ALL_T, ALL_R, cond(C::Pregnancy),
        "Pregnant or may be: adapt positioning and force.",
        "Part B §1 (inference)"),
    rule("spondylolisthesis", CI, Relative, THRUST, Regions::These(&[Region::Lumbar]), cond(C::Spondylolisthesis),
        "Spondylolisthesis: low-back thrust only with a written reason.",
        "PMC-T"),
    rule("pacemaker", CI, Precaution, &[Technique::Modality], ALL_R, cond(C::Pacemaker),
        "Pacemaker or implanted device: no electrical stimulation, TENS or diathermy; heat and ice are fine.",
        "Part A (device guidance); device labelling"),
    // Red flags from the form.
    rule("bladder_bowel_change", RF, Emergency, ALL_T, ALL_R, red(R::BladderBowelChange),
        "New bladder or bowel trouble: possible cauda equina syndrome. Refer now.",
        "BASS; NHS-RF; AHCPR"),
    rule("saddle_numbness", RF, Emergency, ALL_T, ALL_R, red(R::SaddleNumbness),
        "Numbness in the saddle area: possible cauda equina syndrome. Refer now.",
        "BASS; NHS-RF; AHCPR"),
    rule("bilateral_leg_symptoms", RF, Emergency, ALL_T, ALL_R,
        When::All(&[red(R::BilateralLegSymptoms), CAUDA_EQUINA]),
        "Symptoms in both legs with bladder, bowel or saddle changes: possible cauda equina syndrome. Refer now.",
        "BASS; NHS-RF"),
    rule("bilateral_leg_symptoms", RF, Urgent, FORCE_BASED, ALL_R,
        When::All(&[red(R::BilateralLegSymptoms), When::Not(&CAUDA_EQUINA)]),
        "Pain, numbness or tingling in both legs.",
        "BASS; NHS-RF"),
    rule("progressive_weakness", RF, Urgent, FORCE_BASED, ALL_R, red(R::ProgressiveWeakness),
        "Weakness in an arm or leg that is getting worse.",
        "AHCPR; ACP"),
    rule("cervical_artery_signs", RF, Emergency, ALL_T, ALL_R, ARTERY_SIGNS,
        "Signs of a possible neck-artery problem (double vision, speech or swallowing trouble, drop attacks, or dizziness with another sign, or a positive arterial screen). Refer now.",
        "TERRETT; IFOMPT"),
    rule("cervical_artery_signs", CI, Absolute, FORCE_BASED, CERVICAL, ARTERY_SIGNS,
        "Signs of a possible neck-artery problem: no thrust, mobilization or instrument on the neck.",
        "CMS; PMC-T; BMC-T; OSU; IFOMPT"),
    rule("neck_dizziness", CI, Relative, THRUST, CERVICAL,
        When::All(&[red(R::NeckDizziness), When::Not(&ARTERY_SIGNS)]),
        "Dizziness with neck pain or headache, no other artery sign: screen its cause before neck thrust; thrust only with a written reason.",
        "IFOMPT; TERRETT"),
    rule("nausea", RF, Precaution, &[], NONE, When::All(&[red(R::Nausea), When::Not(&ARTERY_SIGNS)]),
        "Feeling sick with neck pain or headache: ask about the other artery signs.",
        "TERRETT; IFOMPT"),
    rule("face_numbness", RF, Precaution, &[], NONE, When::All(&[red(R::FaceNumbness), When::Not(&ARTERY_SIGNS)]),
        "Numbness or tingling in the face or lips: ask about the other artery signs.",
        "TERRETT; IFOMPT"),
    rule("unsteady_walking", RF, Urgent, FORCE_BASED, ALL_R, red(R::UnsteadyWalking),
        "New clumsiness or unsteady walking: possible cervical myelopathy (or an artery problem with dizziness); examine and refer.",
        "BMC-T; WHO; TERRETT"),
    // Answers given under the question that joined all the 5D/3N signs (no longer
    // asked): any of them could have been the specific ones, so they stay an emergency.
    rule("neck_dizziness_vision_speech", RF, Emergency, ALL_T, ALL_R, red(R::NeckDizzinessVisionSpeech),
        "Neck pain or headache with dizziness, double vision, speech or swallowing trouble or falls: possible artery problem. Refer now.",
        "TERRETT; IFOMPT"),
    rule("neck_dizziness_vision_speech", CI, Absolute, FORCE_BASED, CERVICAL, red(R::NeckDizzinessVisionSpeech),
        "Signs of a possible neck-artery problem: no thrust, mobilization or instrument on the neck.",
        "CMS; PMC-T; BMC-T; OSU"),
    rule("sudden_severe_headache", RF, Emergency, ALL_T, ALL_R, red(R::SuddenSevereHeadache),
        "Sudden, severe headache unlike any before. Refer now.",
        "IFOMPT"),
    rule("unexplained_weight_loss", RF, Urgent, FORCE_BASED, ALL_R,
        When::All(&[red(R::UnexplainedWeightLoss), cond(C::Cancer)]),
        "Weight loss without trying, with a history of cancer: possible malignancy.",
        "ACP; NHS-RF; AHCPR; NG234"),
    rule("unexplained_weight_loss", RF, Precaution, &[], NONE,
        When::All(&[red(R::UnexplainedWeightLoss), When::Not(&cond(C::Cancer))]),
        "Weight loss without trying in the last 3 months.",
        "ACP; NHS-RF"),
    rule("fever_chills", RF, Urgent, FORCE_BASED, ALL_R, red(R::FeverChills),
        "Fever, chills or night sweats with the pain: possible infection.",
        "NHS-RF; AHCPR"),
    rule("night_pain", RF, Urgent, FORCE_BASED, ALL_R,
        When::All(&[red(R::NightPain), cond(C::Cancer)]),
        "Night pain that position does not ease, with a history of cancer: possible malignancy.",
        "ACP; NHS-RF; AHCPR; NG234"),
    rule("night_pain", RF, Urgent, FORCE_BASED, ALL_R,
        When::All(&[red(R::NightPain), When::Not(&cond(C::Cancer)), When::Is(Fact::AgeUnder(18))]),
        "Night pain that position does not ease, in a child or teenager: possible tumour or infection.",
        "NHS-RF; AHCPR"),
    rule("night_pain", RF, Precaution, &[], NONE,
        When::All(&[red(R::NightPain), When::Not(&cond(C::Cancer)), When::Not(&When::Is(Fact::AgeUnder(18)))]),
        "Pain at night that does not ease with a change of position.",
        "ACP; NHS-RF"),
    rule("recent_trauma", RF, Urgent, FORCE_BASED, ALL_R,
        When::All(&[red(R::RecentTrauma), TRAUMA_HIGH_RISK]),
        "Fall, accident or blow in the last 6 weeks with a high-risk factor (age 65+, osteoporosis or steroids, a dangerous mechanism, or pins and needles in the arms or legs): image before treating.",
        "CCR; NHS-RF; AHCPR"),
    rule("recent_trauma", RF, Precaution, &[], NONE,
        When::All(&[red(R::RecentTrauma), When::Not(&TRAUMA_HIGH_RISK)]),
        "Fall, accident or blow in the last 6 weeks.",
        "CCR; NHS-RF"),
    rule("immunosuppressed", RF, Urgent, FORCE_BASED, ALL_R,
        When::All(&[red(R::Immunosuppressed), red(R::FeverChills)]),
        "Weakened immune system with fever: possible spinal infection.",
        "NHS-RF; AHCPR"),
    rule("immunosuppressed", RF, Precaution, &[], NONE,
        When::All(&[red(R::Immunosuppressed), When::Not(&red(R::FeverChills))]),
        "Takes medicine that weakens the immune system: watch for signs of infection.",
        "NHS-RF; AHCPR"),
    rule("injects_drugs", RF, Urgent, FORCE_BASED, ALL_R, red(R::InjectsDrugs),
        "Injects drugs: screen for spinal infection (same day) before any force-based technique.",
        "NHS-RF; AHCPR"),
    // Derived from the form as a whole.
    rule("age_screen", RF, Precaution, &[], NONE,
        When::All(&[When::Is(Fact::FirstEpisode), When::Any(&[When::Is(Fact::AgeAtLeast(55)), When::Is(Fact::AgeUnder(18))])]),
        "First episode of back pain at age 55 or over, or under 18: screen for serious causes.",
        "BMC-T; NHS-RF; AHCPR"),
    // The exam.
    rule("cauda_equina_signs", RF, Emergency, ALL_T, ALL_R, EXAM_CAUDA_EQUINA,
        "Exam: reduced saddle sensation, leg weakness on both sides, or absent leg reflexes on both sides with leg or saddle symptoms: possible cauda equina syndrome. Refer now.",
        "BASS; NHS-RF; AHCPR"),
    rule("major_motor_weakness", RF, Urgent, FORCE_BASED, ALL_R,
        When::All(&[found(F::MajorMotorWeakness), When::Not(&found(F::LegWeaknessBilateral))]),
        "Exam: muscle strength 3/5 or less (for example foot drop): severe nerve root or cord compression possible; refer.",
        "AHCPR; ACP"),
    rule("reflexes_absent_bilateral", RF, Precaution, &[], NONE,
        When::All(&[found(F::ReflexesAbsentBilateral), When::Not(&EXAM_CAUDA_EQUINA)]),
        "Exam: a reflex absent on both sides (common with age): check for neuropathy, cord and cauda equina signs.",
        "Part B §4 (reflex scale); BASS"),
    rule("myelopathy_signs", RF, Urgent, FORCE_BASED, ALL_R, MYELOPATHY,
        "Exam: positive or equivocal Lhermitte, Hoffmann, Babinski or clonus, or a 4+ reflex: possible myelopathy; refer.",
        "WHO; BMC-T; CMS"),
    rule("myelopathy_signs", CI, Absolute, THRUST_INSTRUMENT, CERVICAL, MYELOPATHY,
        "Upper-motor-neuron sign: no thrust or instrument on the neck.",
        "WHO; CMS"),
    rule("segmental_hypermobility", CI, Relative, THRUST, Regions::Local, found(F::HypermobileSegment),
        "Hypermobile segment on palpation: thrust there only with a written reason.",
        "CMS; PMC-T"),
    rule("post_trauma_cervical_rotation", RF, Urgent, FORCE_BASED, ALL_R,
        When::All(&[red(R::RecentTrauma), found(F::CervicalRotationUnder45)]),
        "Cervical rotation below 45° after recent trauma (Canadian C-spine rule): image before treating.",
        "CCR"),
    // Diagnoses.
    rule("spinal_infection", RF, Urgent, FORCE_BASED, ALL_R, found(F::SpinalInfection),
        "Vertebral osteomyelitis or discitis diagnosed: no thrust, mobilization or instrument technique; refer.",
        "WHO; CMS; HAWK"),
    rule("cauda_equina", RF, Emergency, ALL_T, ALL_R, found(F::CaudaEquina),
        "Cauda equina syndrome diagnosed: emergency referral, no treatment.",
        "WHO; CMS; BASS"),
    rule("bone_metastasis", CI, Absolute, FORCE_BASED, Regions::Local, found(F::BoneMetastasis),
        "Bone metastasis diagnosed: no thrust, mobilization or instrument technique there.",
        "WHO; CMS; HAWK"),
    rule("chiari_malformation", CI, Absolute, FORCE_BASED, CERVICAL, found(F::ChiariMalformation),
        "Chiari malformation diagnosed: no thrust, mobilization or instrument on the neck.",
        "WHO; CMS"),
    rule("syringomyelia", CI, Absolute, FORCE_BASED, CERVICAL, found(F::Syringomyelia),
        "Syringomyelia diagnosed: no thrust, mobilization or instrument on the neck.",
        "WHO; CMS"),
];

/// The rule table as Markdown rows (for `docs/clinical-rules.md`, which a test keeps in
/// step with this table).
pub fn markdown_rows() -> String {
    let mut out = String::from(
        "| code | kind | level | techniques | regions | when | reason | sources |\n|---|---|---|---|---|---|---|---|\n",
    );
    for r in FLAG_RULES {
        let list = |items: Vec<&str>| {
            if items.is_empty() {
                "—".to_owned()
            } else {
                items.join(", ")
            }
        };
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} | {} | {} |\n",
            r.code,
            r.kind,
            r.level,
            list(r.techniques.iter().map(|t| t.as_str()).collect()),
            match r.regions {
                Regions::These(rs) => list(rs.iter().map(|x| x.as_str()).collect()),
                Regions::Local => "where found; else every spinal region until narrowed".to_owned(),
            },
            describe(&r.when),
            r.reason,
            r.source
        ));
    }
    out
}

fn describe(w: &When) -> String {
    match w {
        When::Is(Fact::Condition(c)) => format!("{c}"),
        When::Is(Fact::RedFlag(r)) => format!("{r}"),
        When::Is(Fact::Finding(f)) => format!("finding {f}"),
        When::Is(Fact::AgeAtLeast(n)) => format!("age ≥ {n}"),
        When::Is(Fact::AgeUnder(n)) => format!("age < {n}"),
        When::Is(Fact::FirstEpisode) => "first episode".to_owned(),
        When::All(ws) => ws.iter().map(describe).collect::<Vec<_>>().join(" and "),
        When::Any(ws) => format!(
            "({})",
            ws.iter().map(describe).collect::<Vec<_>>().join(" or ")
        ),
        When::Not(w) => format!("not {}", describe(w)),
    }
}

#[cfg(test)]
mod doc_tests {
    /// `docs/clinical-rules.md` must print exactly these tables, each between its
    /// markers. `UPDATE_DOCS=1 cargo test clinical_rules_doc` rewrites them.
    #[test]
    fn clinical_rules_doc_matches_the_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/clinical-rules.md");
        let mut doc = std::fs::read_to_string(path).unwrap_or_default();
        let blocks = [
            ("rules", super::markdown_rows()),
            ("medicines", super::super::term_lists::medicines_markdown()),
            ("words", super::super::term_lists::words_markdown()),
            ("diagnoses", super::super::diagnosis_facts::markdown()),
            (
                "suggestions",
                crate::domain::assessment::diagnosis_suggestions::markdown(),
            ),
        ];
        let mut stale = Vec::new();
        for (name, rows) in blocks {
            let (begin, end) = (
                format!("<!-- {name}:begin -->\n"),
                format!("<!-- {name}:end -->"),
            );
            let current = doc
                .split(&begin)
                .nth(1)
                .and_then(|rest| rest.split(&end).next());
            if current == Some(rows.as_str()) {
                continue;
            }
            stale.push(name);
            if current.is_some() {
                let head = doc.split(&begin).next().unwrap_or_default().to_owned();
                let tail = doc.split(&end).nth(1).unwrap_or_default().to_owned();
                doc = format!("{head}{begin}{rows}{end}{tail}");
            } else {
                doc.push_str(&format!("\n{begin}{rows}{end}\n"));
            }
        }
        if stale.is_empty() {
            return;
        }
        if std::env::var("UPDATE_DOCS").is_ok_and(|v| v == "1") {
            std::fs::write(path, doc).unwrap();
        } else {
            panic!(
                "docs/clinical-rules.md is out of date ({stale:?}); run UPDATE_DOCS=1 cargo test clinical_rules_doc"
            );
        }
    }
}
