//! The contraindication and red-flag rules of `clinical-reference.md` part A, as data:
//! one row per (code, level), with the techniques and regions it restricts, when it
//! applies, a plain reason (shown to the front desk too) and its sources (part B).
//! `docs/clinical-rules.md` lists the same table for clinicians to review.
//!
//! Combinations are explicit (`All`, `Not`), so each row says exactly when it fires:
//! "unexplained weight loss: urgent with cancer, else precaution" is two rows.

use super::codes::{ConditionCode as C, FlagKind, FlagLevel, RedFlagCode as R, Region, Technique};

/// Something the intake establishes.
#[derive(Debug, Clone, Copy)]
pub enum Fact {
    /// A condition answered `yes` or `unsure`.
    Condition(C),
    /// A red-flag question answered `yes`.
    RedFlag(R),
    /// The patient's age in whole years is at least this.
    AgeAtLeast(u32),
    /// The patient's age in whole years is below this.
    AgeUnder(u32),
    /// The patient reports no earlier episode of this problem.
    FirstEpisode,
}

/// When a rule fires.
#[derive(Debug, Clone, Copy)]
pub enum When {
    Is(Fact),
    All(&'static [When]),
    Any(&'static [When]),
    Not(&'static When),
}

#[derive(Debug)]
pub struct FlagRule {
    /// The part A code the flag carries (a condition or red-flag code, or `age_screen`).
    pub code: &'static str,
    pub kind: FlagKind,
    pub level: FlagLevel,
    pub techniques: &'static [Technique],
    pub regions: &'static [Region],
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

const ALL_T: &[Technique] = Technique::ALL;
const ALL_R: &[Region] = Region::ALL;
const SPINAL: &[Region] = Region::SPINAL;
const THRUST: &[Technique] = Technique::THRUST;
const URGENT_T: &[Technique] = Technique::FORCE_BASED;
const THRUST_MOB: &[Technique] = &[
    Technique::Hvla,
    Technique::DropTable,
    Technique::FlexionDistraction,
    Technique::Mobilization,
];
const MOB_INSTRUMENT: &[Technique] = &[
    Technique::FlexionDistraction,
    Technique::Mobilization,
    Technique::Instrument,
];
const THRUST_MOB_INSTRUMENT: &[Technique] = Technique::FORCE_BASED;
const CERVICAL: &[Region] = &[Region::Cervical];
const NOT_CERVICAL: &[Region] = &[
    Region::Thoracic,
    Region::Lumbar,
    Region::SacralPelvic,
    Region::RibCage,
    Region::UpperExtremity,
    Region::LowerExtremity,
];

use FlagKind::{Contraindication as CI, RedFlag as RF};
use FlagLevel::{Absolute, Emergency, Precaution, Relative, Urgent};

const CAUDA_EQUINA: When = When::Any(&[red(R::BladderBowelChange), red(R::SaddleNumbness)]);
const FRACTURE_RISK: When = When::Any(&[
    When::Is(Fact::AgeAtLeast(65)),
    cond(C::Osteoporosis),
    cond(C::LongTermSteroids),
]);

pub static FLAG_RULES: &[FlagRule] = &[
    // Conditions.
    FlagRule {
        code: "osteoporosis",
        kind: CI,
        level: Absolute,
        techniques: THRUST,
        regions: SPINAL,
        when: cond(C::Osteoporosis),
        reason: "Osteoporosis or thinning bones reported: no thrust manipulation of the spine.",
        source: "CMS; HAWK; OLD",
    },
    FlagRule {
        code: "osteoporosis",
        kind: CI,
        level: Relative,
        techniques: MOB_INSTRUMENT,
        regions: SPINAL,
        when: cond(C::Osteoporosis),
        reason: "Osteoporosis or thinning bones reported: spinal mobilization or instrument only with a written reason.",
        source: "CMS; HAWK; OLD",
    },
    FlagRule {
        code: "recent_fracture",
        kind: CI,
        level: Absolute,
        techniques: THRUST_MOB_INSTRUMENT,
        regions: SPINAL,
        when: cond(C::RecentFracture),
        reason: "Fracture of spine, ribs or pelvis in the last 6 months: no force-based spinal technique.",
        source: "WHO; CMS; PMC-T",
    },
    FlagRule {
        code: "disc_herniation",
        kind: CI,
        level: Relative,
        techniques: THRUST,
        regions: SPINAL,
        when: When::All(&[
            cond(C::DiscHerniation),
            When::Not(&red(R::ProgressiveWeakness)),
        ]),
        reason: "Disc herniation reported: spinal thrust only with a written reason.",
        source: "CMS",
    },
    FlagRule {
        code: "disc_herniation",
        kind: CI,
        level: Absolute,
        techniques: THRUST,
        regions: SPINAL,
        when: When::All(&[cond(C::DiscHerniation), red(R::ProgressiveWeakness)]),
        reason: "Disc herniation with worsening weakness: no spinal thrust.",
        source: "WHO; HAWK",
    },
    FlagRule {
        code: "rheumatoid_arthritis",
        kind: CI,
        level: Absolute,
        techniques: THRUST_MOB,
        regions: CERVICAL,
        when: cond(C::RheumatoidArthritis),
        reason: "Rheumatoid arthritis: no thrust or mobilization of the neck (possible upper-neck instability).",
        source: "CMS; WHO; PMC-T",
    },
    FlagRule {
        code: "rheumatoid_arthritis",
        kind: CI,
        level: Relative,
        techniques: THRUST,
        regions: NOT_CERVICAL,
        when: cond(C::RheumatoidArthritis),
        reason: "Rheumatoid arthritis: thrust outside the neck only with a written reason.",
        source: "CMS; WHO",
    },
    FlagRule {
        code: "ankylosing_spondylitis",
        kind: CI,
        level: Absolute,
        techniques: THRUST,
        regions: SPINAL,
        when: cond(C::AnkylosingSpondylitis),
        reason: "Ankylosing spondylitis or inflammatory spine disease: no spinal thrust.",
        source: "CMS; WHO; BMC-T",
    },
    FlagRule {
        code: "spinal_surgery",
        kind: CI,
        level: Absolute,
        techniques: THRUST,
        regions: SPINAL,
        when: cond(C::SpinalSurgery),
        reason: "Spinal surgery (fusion, hardware, disc replacement): no spinal thrust.",
        source: "WHO; PMC-T",
    },
    FlagRule {
        code: "cancer",
        kind: CI,
        level: Relative,
        techniques: THRUST,
        regions: SPINAL,
        when: cond(C::Cancer),
        reason: "History of cancer: spinal thrust only with a written reason.",
        source: "BMC-T; CMS; HAWK",
    },
    FlagRule {
        code: "anticoagulants",
        kind: CI,
        level: Relative,
        techniques: THRUST,
        regions: ALL_R,
        when: cond(C::Anticoagulants),
        reason: "Takes blood thinners: thrust only with a written reason.",
        source: "CMS; PMC-T; HAWK; OLD",
    },
    FlagRule {
        code: "anticoagulants",
        kind: CI,
        level: Precaution,
        techniques: &[Technique::SoftTissue],
        regions: ALL_R,
        when: cond(C::Anticoagulants),
        reason: "Takes blood thinners: reduce soft-tissue pressure (bruising).",
        source: "HAWK; OLD",
    },
    FlagRule {
        code: "bleeding_disorder",
        kind: CI,
        level: Relative,
        techniques: THRUST,
        regions: ALL_R,
        when: cond(C::BleedingDisorder),
        reason: "Bleeding or clotting disorder: thrust only with a written reason.",
        source: "CMS; PMC-T",
    },
    FlagRule {
        code: "long_term_steroids",
        kind: CI,
        level: Precaution,
        techniques: &[Technique::Hvla, Technique::DropTable, Technique::SoftTissue],
        regions: ALL_R,
        when: cond(C::LongTermSteroids),
        reason: "Long-term steroid tablets: reduce force (fragile bone and tissue).",
        source: "BMC-T; OLD",
    },
    FlagRule {
        code: "stroke_or_tia",
        kind: CI,
        level: Relative,
        techniques: THRUST,
        regions: CERVICAL,
        when: cond(C::StrokeOrTia),
        reason: "Stroke or mini-stroke in the past: neck thrust only with a written reason.",
        source: "BMC-T; OSU",
    },
    FlagRule {
        code: "neck_artery_problem",
        kind: CI,
        level: Absolute,
        techniques: THRUST_MOB,
        regions: CERVICAL,
        when: cond(C::NeckArteryProblem),
        reason: "Problem with the neck arteries: no thrust or mobilization of the neck.",
        source: "CMS; PMC-T; BMC-T; OSU",
    },
    FlagRule {
        code: "aneurysm",
        kind: CI,
        level: Absolute,
        techniques: THRUST,
        regions: &[Region::Thoracic, Region::Lumbar],
        when: cond(C::Aneurysm),
        reason: "Aneurysm reported: no thrust of the mid or low back.",
        source: "CMS; HAWK",
    },
    FlagRule {
        code: "connective_tissue_disorder",
        kind: CI,
        level: Absolute,
        techniques: THRUST,
        regions: SPINAL,
        when: cond(C::ConnectiveTissueDisorder),
        reason: "Ehlers-Danlos, Marfan or very loose joints: no spinal thrust.",
        source: "WHO; BMC-T",
    },
    FlagRule {
        code: "down_syndrome",
        kind: CI,
        level: Absolute,
        techniques: THRUST_MOB,
        regions: CERVICAL,
        when: cond(C::DownSyndrome),
        reason: "Down syndrome: no thrust or mobilization of the neck (upper-neck laxity).",
        source: "WHO; CMS; PMC-T",
    },
    FlagRule {
        code: "pregnancy",
        kind: CI,
        level: Relative,
        techniques: &[Technique::DropTable, Technique::FlexionDistraction],
        regions: &[Region::Lumbar, Region::SacralPelvic],
        when: cond(C::Pregnancy),
        reason: "Pregnant or may be: drop table or flexion-distraction of the low back and pelvis only with a written reason.",
        source: "Part B §1 (positioning; inference)",
    },
    FlagRule {
        code: "pregnancy",
        kind: CI,
        level: Precaution,
        techniques: ALL_T,
        regions: ALL_R,
        when: cond(C::Pregnancy),
        reason: "Pregnant or may be: adapt positioning and force.",
        source: "Part B §1 (inference)",
    },
    FlagRule {
        code: "spondylolisthesis",
        kind: CI,
        level: Relative,
        techniques: THRUST,
        regions: &[Region::Lumbar],
        when: cond(C::Spondylolisthesis),
        reason: "Spondylolisthesis: low-back thrust only with a written reason.",
        source: "PMC-T",
    },
    FlagRule {
        code: "pacemaker",
        kind: CI,
        level: Relative,
        techniques: &[Technique::Modality],
        regions: ALL_R,
        when: cond(C::Pacemaker),
        reason: "Pacemaker or implanted device: electrical modalities only with a written reason.",
        source: "Part A (device guidance)",
    },
    // Red flags.
    FlagRule {
        code: "bladder_bowel_change",
        kind: RF,
        level: Emergency,
        techniques: ALL_T,
        regions: ALL_R,
        when: red(R::BladderBowelChange),
        reason: "New bladder or bowel trouble: possible cauda equina syndrome. Refer now.",
        source: "BASS; NHS-RF; AHCPR",
    },
    FlagRule {
        code: "saddle_numbness",
        kind: RF,
        level: Emergency,
        techniques: ALL_T,
        regions: ALL_R,
        when: red(R::SaddleNumbness),
        reason: "Numbness in the saddle area: possible cauda equina syndrome. Refer now.",
        source: "BASS; NHS-RF; AHCPR",
    },
    FlagRule {
        code: "bilateral_leg_symptoms",
        kind: RF,
        level: Emergency,
        techniques: ALL_T,
        regions: ALL_R,
        when: When::All(&[red(R::BilateralLegSymptoms), CAUDA_EQUINA]),
        reason: "Symptoms in both legs with bladder, bowel or saddle changes: possible cauda equina syndrome. Refer now.",
        source: "BASS; NHS-RF",
    },
    FlagRule {
        code: "bilateral_leg_symptoms",
        kind: RF,
        level: Urgent,
        techniques: URGENT_T,
        regions: ALL_R,
        when: When::All(&[red(R::BilateralLegSymptoms), When::Not(&CAUDA_EQUINA)]),
        reason: "Pain, numbness or tingling in both legs.",
        source: "BASS; NHS-RF",
    },
    FlagRule {
        code: "progressive_weakness",
        kind: RF,
        level: Urgent,
        techniques: URGENT_T,
        regions: ALL_R,
        when: red(R::ProgressiveWeakness),
        reason: "Weakness in an arm or leg that is getting worse.",
        source: "AHCPR; ACP",
    },
    FlagRule {
        code: "neck_dizziness_vision_speech",
        kind: RF,
        level: Emergency,
        techniques: ALL_T,
        regions: ALL_R,
        when: red(R::NeckDizzinessVisionSpeech),
        reason: "Neck pain or headache with dizziness, double vision, speech or swallowing trouble or falls: possible artery problem. Refer now.",
        source: "TERRETT; IFOMPT",
    },
    FlagRule {
        code: "neck_dizziness_vision_speech",
        kind: CI,
        level: Absolute,
        techniques: THRUST_MOB,
        regions: CERVICAL,
        when: red(R::NeckDizzinessVisionSpeech),
        reason: "Signs of a possible neck-artery problem: no thrust or mobilization of the neck.",
        source: "CMS; PMC-T; BMC-T; OSU",
    },
    FlagRule {
        code: "sudden_severe_headache",
        kind: RF,
        level: Emergency,
        techniques: ALL_T,
        regions: ALL_R,
        when: red(R::SuddenSevereHeadache),
        reason: "Sudden, severe headache unlike any before. Refer now.",
        source: "IFOMPT",
    },
    FlagRule {
        code: "unexplained_weight_loss",
        kind: RF,
        level: Urgent,
        techniques: URGENT_T,
        regions: ALL_R,
        when: When::All(&[red(R::UnexplainedWeightLoss), cond(C::Cancer)]),
        reason: "Weight loss without trying, with a history of cancer: possible malignancy.",
        source: "ACP; NHS-RF; AHCPR",
    },
    FlagRule {
        code: "unexplained_weight_loss",
        kind: RF,
        level: Precaution,
        techniques: &[],
        regions: &[],
        when: When::All(&[red(R::UnexplainedWeightLoss), When::Not(&cond(C::Cancer))]),
        reason: "Weight loss without trying in the last 3 months.",
        source: "ACP; NHS-RF",
    },
    FlagRule {
        code: "fever_chills",
        kind: RF,
        level: Urgent,
        techniques: URGENT_T,
        regions: ALL_R,
        when: red(R::FeverChills),
        reason: "Fever, chills or night sweats with the pain: possible infection.",
        source: "NHS-RF; AHCPR",
    },
    FlagRule {
        code: "night_pain",
        kind: RF,
        level: Urgent,
        techniques: URGENT_T,
        regions: ALL_R,
        when: When::All(&[red(R::NightPain), cond(C::Cancer)]),
        reason: "Night pain that position does not ease, with a history of cancer: possible malignancy.",
        source: "ACP; NHS-RF; AHCPR",
    },
    FlagRule {
        code: "night_pain",
        kind: RF,
        level: Precaution,
        techniques: &[],
        regions: &[],
        when: When::All(&[red(R::NightPain), When::Not(&cond(C::Cancer))]),
        reason: "Pain at night that does not ease with a change of position.",
        source: "ACP; NHS-RF",
    },
    FlagRule {
        code: "recent_trauma",
        kind: RF,
        level: Urgent,
        techniques: URGENT_T,
        regions: ALL_R,
        when: When::All(&[red(R::RecentTrauma), FRACTURE_RISK]),
        reason: "Fall, accident or blow in the last 6 weeks with fracture risk (age 65+, osteoporosis or steroids): image before treating.",
        source: "CCR; NHS-RF; AHCPR",
    },
    FlagRule {
        code: "recent_trauma",
        kind: RF,
        level: Precaution,
        techniques: &[],
        regions: &[],
        when: When::All(&[red(R::RecentTrauma), When::Not(&FRACTURE_RISK)]),
        reason: "Fall, accident or blow in the last 6 weeks.",
        source: "CCR; NHS-RF",
    },
    FlagRule {
        code: "immunosuppressed",
        kind: RF,
        level: Urgent,
        techniques: URGENT_T,
        regions: ALL_R,
        when: When::All(&[red(R::Immunosuppressed), red(R::FeverChills)]),
        reason: "Weakened immune system or injected drugs, with fever: possible spinal infection.",
        source: "NHS-RF; AHCPR",
    },
    FlagRule {
        code: "immunosuppressed",
        kind: RF,
        level: Precaution,
        techniques: &[],
        regions: &[],
        when: When::All(&[red(R::Immunosuppressed), When::Not(&red(R::FeverChills))]),
        reason: "Injects drugs or takes medicine that weakens the immune system.",
        source: "NHS-RF; AHCPR",
    },
    // Derived from the form as a whole.
    FlagRule {
        code: "age_screen",
        kind: RF,
        level: Precaution,
        techniques: &[],
        regions: &[],
        when: When::All(&[
            When::Is(Fact::FirstEpisode),
            When::Any(&[When::Is(Fact::AgeAtLeast(55)), When::Is(Fact::AgeUnder(18))]),
        ]),
        reason: "First episode of back pain at age 55 or over, or under 18: screen for serious causes.",
        source: "BMC-T; NHS-RF; AHCPR",
    },
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
            list(r.regions.iter().map(|x| x.as_str()).collect()),
            describe(&r.when),
            r.reason,
            r.source
        ));
    }
    out
}

fn describe(w: &When) -> String {
    match w {
        When::Is(Fact::Condition(c)) => format!("{c} (yes or unsure)"),
        When::Is(Fact::RedFlag(r)) => format!("{r}"),
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
    /// `docs/clinical-rules.md` must list exactly this table. `UPDATE_DOCS=1 cargo test`
    /// rewrites the table between its markers.
    #[test]
    fn clinical_rules_doc_matches_the_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/clinical-rules.md");
        let doc = std::fs::read_to_string(path).unwrap_or_default();
        let (begin, end) = ("<!-- rules:begin -->\n", "<!-- rules:end -->");
        let rows = super::markdown_rows();
        let current = doc
            .split(begin)
            .nth(1)
            .and_then(|rest| rest.split(end).next())
            .unwrap_or_default();
        if current != rows {
            if std::env::var("UPDATE_DOCS").is_ok_and(|v| v == "1") {
                let head = doc.split(begin).next().unwrap_or_default();
                let tail = doc.split(end).nth(1).unwrap_or_default();
                std::fs::write(path, format!("{head}{begin}{rows}{end}{tail}")).unwrap();
            } else {
                panic!(
                    "docs/clinical-rules.md is out of date; run UPDATE_DOCS=1 cargo test clinical_rules_doc"
                );
            }
        }
    }
}
