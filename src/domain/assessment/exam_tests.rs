//! Orthopedic and neurological tests (part B §4): the test library with side and
//! result, and the neurological scales (reflexes 0–4+, strength 0–5 by myotome,
//! sensation by dermatome), stored as enums.

use serde::{Deserialize, Serialize};

use super::{Side, check_note};
use crate::domain::FieldErrors;
use crate::domain::vocabulary::code_list;

code_list!(
    /// The test library. Babinski, Hoffmann and clonus are recorded as tests of their own.
    ExamTestCode {
        Spurling = "spurling": "Spurling's",
        Distraction = "distraction": "Cervical distraction",
        UlttA = "ultt_a": "ULTT-A (median)",
        ShoulderAbduction = "shoulder_abduction": "Shoulder abduction (Bakody)",
        FlexionRotation = "flexion_rotation": "Flexion-rotation",
        CervicalArterialScreen = "cervical_arterial_screen": "Cervical arterial screen (IFOMPT)",
        Lhermitte = "lhermitte": "Lhermitte",
        Hoffmann = "hoffmann": "Hoffmann",
        Babinski = "babinski": "Babinski",
        Clonus = "clonus": "Clonus (sustained)",
        Slr = "slr": "Straight-leg raise",
        CrossedSlr = "crossed_slr": "Crossed SLR",
        Slump = "slump": "Slump",
        Kemps = "kemps": "Kemp's",
        ProneKneeBend = "prone_knee_bend": "Prone knee bend",
        ModifiedSchober = "modified_schober": "Modified Schober",
        AdamsForwardBend = "adams_forward_bend": "Adam's forward bend",
        Faber = "faber": "FABER / Patrick",
        SijDistraction = "sij_distraction": "SIJ distraction (Laslett)",
        ThighThrust = "thigh_thrust": "Thigh thrust (Laslett)",
        SijCompression = "sij_compression": "SIJ compression (Laslett)",
        SacralThrust = "sacral_thrust": "Sacral thrust (Laslett)",
        Gaenslen = "gaenslen": "Gaenslen (Laslett)",
        HeelToeWalk = "heel_toe_walk": "Heel / toe walk",
        LegLength = "leg_length": "Leg length",
    }
);

impl ExamTestCode {
    /// Signs of a cord lesion: a positive result raises the myelopathy flags.
    pub const MYELOPATHY_SIGNS: &'static [ExamTestCode] = &[
        ExamTestCode::Lhermitte,
        ExamTestCode::Hoffmann,
        ExamTestCode::Babinski,
        ExamTestCode::Clonus,
    ];

    /// The region the test examines, for grouping on the page.
    pub fn group(self) -> &'static str {
        use ExamTestCode::*;
        match self {
            Spurling
            | Distraction
            | UlttA
            | ShoulderAbduction
            | FlexionRotation
            | CervicalArterialScreen => "Cervical",
            Lhermitte | Hoffmann | Babinski | Clonus => "Upper motor neuron",
            Slr | CrossedSlr | Slump | Kemps | ProneKneeBend | ModifiedSchober
            | AdamsForwardBend | HeelToeWalk => "Thoracolumbar",
            Faber | SijDistraction | ThighThrust | SijCompression | SacralThrust | Gaenslen
            | LegLength => "Sacroiliac and pelvis",
        }
    }

    /// The measurement a test records beside its result, with its unit (part B §4:
    /// the SLR angle, the Schober increase in centimetres, the ATR in degrees, the leg
    /// length difference in millimetres; flexion-rotation is read in degrees). The
    /// other tests record a result only, so the page offers no number for them.
    pub fn unit(self) -> Option<&'static str> {
        use ExamTestCode::*;
        match self {
            Slr | CrossedSlr | FlexionRotation | AdamsForwardBend => Some("°"),
            ModifiedSchober => Some("cm"),
            LegLength => Some("mm"),
            _ => None,
        }
    }

    /// Tests done on one side at a time (left and right rows in the grid).
    pub fn sided(self) -> bool {
        use ExamTestCode::*;
        !matches!(
            self,
            Lhermitte
                | ModifiedSchober
                | AdamsForwardBend
                | Distraction
                | LegLength
                | CervicalArterialScreen
        )
    }
}

code_list!(
    TestResult {
        Negative = "negative": "Negative",
        Positive = "positive": "Positive",
        Equivocal = "equivocal": "Equivocal",
        NotTested = "not_tested": "Not tested",
    }
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExamTest {
    pub test: ExamTestCode,
    #[serde(default)]
    pub side: Option<Side>,
    pub result: TestResult,
    /// An angle (SLR), centimetres (Schober), ATR degrees or millimetres, where the test has one.
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default)]
    pub notes: Option<String>,
}

pub fn validate_tests(rows: &mut Vec<ExamTest>, e: &mut FieldErrors) {
    let mut seen = Vec::new();
    for (i, r) in rows.iter_mut().enumerate() {
        let at = |f: &str| format!("tests[{i}].{f}");
        if r.value
            .is_some_and(|v| !(0.0..=360.0).contains(&v) || v.is_nan())
        {
            e.add(&at("value"), "Give a value between 0 and 360.");
        }
        check_note(&mut r.notes, &at("notes"), e);
        if seen.contains(&(r.test, r.side)) {
            e.add(&at("test"), "This test is listed twice for this side.");
        }
        seen.push((r.test, r.side));
    }
    rows.retain(|r| r.result != TestResult::NotTested || r.notes.is_some());
}

/// The test grid: each test once, or once per side.
pub fn grid() -> Vec<(ExamTestCode, Option<Side>)> {
    ExamTestCode::ALL
        .iter()
        .flat_map(|t| {
            if t.sided() {
                vec![(*t, Some(Side::Left)), (*t, Some(Side::Right))]
            } else {
                vec![(*t, None)]
            }
        })
        .collect()
}

code_list!(
    /// The named sets "All negative" fills in the tests section: the screening tests
    /// of one region, shown by name before they are applied (part B §4). A test not in
    /// a set (the arterial screen, Schober, Adam's, FABER, leg length…) is only ever
    /// recorded one by one.
    ScreeningSet {
        Cervical = "cervical": "Cervical radicular screen (Wainner tests)",
        UpperMotorNeuron = "upper_motor_neuron": "Upper motor neuron signs",
        Lumbar = "lumbar": "Lumbar radicular screen",
        Sacroiliac = "sacroiliac": "Sacroiliac cluster (Laslett)",
    }
);

impl ScreeningSet {
    pub fn tests(self) -> &'static [ExamTestCode] {
        use ExamTestCode::*;
        match self {
            ScreeningSet::Cervical => &[Spurling, Distraction, UlttA],
            ScreeningSet::UpperMotorNeuron => &[Lhermitte, Hoffmann, Babinski, Clonus],
            ScreeningSet::Lumbar => &[Slr, CrossedSlr, Slump, ProneKneeBend, HeelToeWalk],
            ScreeningSet::Sacroiliac => &[
                SijDistraction,
                ThighThrust,
                SijCompression,
                SacralThrust,
                Gaenslen,
            ],
        }
    }

    /// "Spurling's, Cervical distraction, ULTT-A (median)": what the button will mark.
    pub fn test_names(self) -> String {
        self.tests()
            .iter()
            .map(|t| t.label())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The "all negative" shortcut for one screening set: each of its tests (each side of
/// a sided one) that has no result yet is recorded negative; results already recorded
/// stay as they are.
pub fn fill_negative(rows: &mut Vec<ExamTest>, set: ScreeningSet) {
    for (test, side) in grid() {
        if !set.tests().contains(&test) || rows.iter().any(|r| r.test == test && r.side == side) {
            continue;
        }
        rows.push(ExamTest {
            test,
            side,
            result: TestResult::Negative,
            value: None,
            notes: None,
        });
    }
    let order = |r: &ExamTest| (r.test, r.side);
    rows.sort_by_key(order);
}

code_list!(
    Reflex {
        Biceps = "biceps": "Biceps (C5)",
        Brachioradialis = "brachioradialis": "Brachioradialis (C6)",
        Triceps = "triceps": "Triceps (C7)",
        Patellar = "patellar": "Patellar (L4)",
        Achilles = "achilles": "Achilles (S1)",
    }
);

code_list!(
    /// Deep tendon reflex grade.
    ReflexGrade {
        Absent = "0": "0 absent",
        Diminished = "1+": "1+ diminished",
        Normal = "2+": "2+ normal",
        Brisk = "3+": "3+ brisk",
        Clonus = "4+": "4+ very brisk, clonus",
    }
);

code_list!(
    /// Key muscles (ISNCSCI).
    Myotome {
        C5 = "C5": "C5 elbow flexors",
        C6 = "C6": "C6 wrist extensors",
        C7 = "C7": "C7 elbow extensors",
        C8 = "C8": "C8 finger flexors",
        T1 = "T1": "T1 finger abductors",
        L2 = "L2": "L2 hip flexors",
        L3 = "L3": "L3 knee extensors",
        L4 = "L4": "L4 ankle dorsiflexors",
        L5 = "L5": "L5 great-toe extensors",
        S1 = "S1": "S1 plantar flexors",
    }
);

code_list!(
    /// Oxford / MRC grade, with 4− and 4+.
    StrengthGrade {
        G0 = "0": "0 none",
        G1 = "1": "1 flicker",
        G2 = "2": "2 gravity eliminated",
        G3 = "3": "3 against gravity",
        G4Minus = "4-": "4− some resistance",
        G4 = "4": "4 against resistance",
        G4Plus = "4+": "4+ near normal",
        G5 = "5": "5 normal",
    }
);

code_list!(
    /// Key sensory points (ISNCSCI).
    Dermatome {
        C5 = "C5": "C5 lateral elbow",
        C6 = "C6": "C6 thumb",
        C7 = "C7": "C7 middle finger",
        C8 = "C8": "C8 little finger",
        T1 = "T1": "T1 medial elbow",
        T4 = "T4": "T4 nipple",
        T10 = "T10": "T10 umbilicus",
        L1 = "L1": "L1 upper anterior thigh",
        L2 = "L2": "L2 mid-anterior thigh",
        L3 = "L3": "L3 medial knee",
        L4 = "L4": "L4 medial malleolus",
        L5 = "L5": "L5 dorsum of foot",
        S1 = "S1": "S1 lateral heel",
        S2 = "S2": "S2 popliteal fossa",
        S3S5 = "S3-5": "S3–5 perianal / saddle",
    }
);

code_list!(
    SensationGrade {
        Absent = "0": "0 absent",
        Altered = "1": "1 altered",
        Normal = "2": "2 normal",
        NotTestable = "NT": "NT not testable",
    }
);

code_list!(
    /// Left or right: the neurological scales are always recorded per side.
    LimbSide {
        Left = "left": "Left",
        Right = "right": "Right",
    }
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReflexFinding {
    pub reflex: Reflex,
    pub side: LimbSide,
    pub grade: ReflexGrade,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StrengthFinding {
    pub myotome: Myotome,
    pub side: LimbSide,
    pub grade: StrengthGrade,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SensationFinding {
    pub dermatome: Dermatome,
    pub side: LimbSide,
    pub grade: SensationGrade,
}

/// The neurological screen: reflexes, strength and sensation, left and right.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NeuroExam {
    pub reflexes: Vec<ReflexFinding>,
    pub strength: Vec<StrengthFinding>,
    pub sensation: Vec<SensationFinding>,
}

fn twice<T: PartialEq + Copy>(items: impl Iterator<Item = T>, list: &str, e: &mut FieldErrors) {
    let mut seen = Vec::new();
    for (i, k) in items.enumerate() {
        if seen.contains(&k) {
            e.add(&format!("neuro.{list}[{i}]"), "Listed twice for this side.");
        }
        seen.push(k);
    }
}

pub fn validate_neuro(n: &NeuroExam, e: &mut FieldErrors) {
    twice(n.reflexes.iter().map(|r| (r.reflex, r.side)), "reflexes", e);
    twice(
        n.strength.iter().map(|r| (r.myotome, r.side)),
        "strength",
        e,
    );
    twice(
        n.sensation.iter().map(|r| (r.dermatome, r.side)),
        "sensation",
        e,
    );
}

impl NeuroExam {
    /// The "all normal" shortcut: reflexes 2+, strength 5 and sensation 2 on both
    /// sides for every entry not yet recorded; what was recorded stays.
    pub fn fill_normal(&mut self) {
        for r in Reflex::ALL {
            for side in LimbSide::ALL {
                if !self
                    .reflexes
                    .iter()
                    .any(|f| f.reflex == *r && f.side == *side)
                {
                    self.reflexes.push(ReflexFinding {
                        reflex: *r,
                        side: *side,
                        grade: ReflexGrade::Normal,
                    });
                }
            }
        }
        for m in Myotome::ALL {
            for side in LimbSide::ALL {
                if !self
                    .strength
                    .iter()
                    .any(|f| f.myotome == *m && f.side == *side)
                {
                    self.strength.push(StrengthFinding {
                        myotome: *m,
                        side: *side,
                        grade: StrengthGrade::G5,
                    });
                }
            }
        }
        for d in Dermatome::ALL {
            for side in LimbSide::ALL {
                if !self
                    .sensation
                    .iter()
                    .any(|f| f.dermatome == *d && f.side == *side)
                {
                    self.sensation.push(SensationFinding {
                        dermatome: *d,
                        side: *side,
                        grade: SensationGrade::Normal,
                    });
                }
            }
        }
        self.reflexes.sort_by_key(|f| (f.reflex, f.side));
        self.strength.sort_by_key(|f| (f.myotome, f.side));
        self.sensation.sort_by_key(|f| (f.dermatome, f.side));
    }

    /// Every entry normal (tests and the demo's normal exam).
    pub fn all_normal() -> Self {
        let mut n = NeuroExam::default();
        n.fill_normal();
        n
    }
}
