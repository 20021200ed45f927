//! Palpation by spinal segment (part B §5): side, structure, tenderness 0–IV, tone,
//! motion, alignment and swelling, with the CMS PART criteria counted per segment.

use serde::{Deserialize, Serialize};

use super::{Side, check_note};
use crate::domain::FieldErrors;
use crate::domain::clinical::Region;
use crate::domain::vocabulary::code_list;

code_list!(
    /// Segments in the CMS level naming, head to tail.
    Segment {
        C0 = "C0": "C0 (occiput)", C1 = "C1": "C1", C2 = "C2": "C2", C3 = "C3": "C3",
        C4 = "C4": "C4", C5 = "C5": "C5", C6 = "C6": "C6", C7 = "C7": "C7",
        T1 = "T1": "T1", T2 = "T2": "T2", T3 = "T3": "T3", T4 = "T4": "T4",
        T5 = "T5": "T5", T6 = "T6": "T6", T7 = "T7": "T7", T8 = "T8": "T8",
        T9 = "T9": "T9", T10 = "T10": "T10", T11 = "T11": "T11", T12 = "T12": "T12",
        L1 = "L1": "L1", L2 = "L2": "L2", L3 = "L3": "L3", L4 = "L4": "L4", L5 = "L5": "L5",
        Sacrum = "sacrum": "Sacrum",
        Coccyx = "coccyx": "Coccyx",
        SiLeft = "SI_L": "SI joint left",
        SiRight = "SI_R": "SI joint right",
        Ribs = "ribs": "Ribs",
    }
);

impl Segment {
    /// The part A region a technique on this segment is planned in.
    pub fn region(self) -> Region {
        use Segment::*;
        match self {
            C0 | C1 | C2 | C3 | C4 | C5 | C6 | C7 => Region::Cervical,
            T1 | T2 | T3 | T4 | T5 | T6 | T7 | T8 | T9 | T10 | T11 | T12 => Region::Thoracic,
            L1 | L2 | L3 | L4 | L5 => Region::Lumbar,
            Sacrum | Coccyx | SiLeft | SiRight => Region::SacralPelvic,
            Ribs => Region::RibCage,
        }
    }
}

code_list!(
    Structure {
        SpinousProcess = "spinous_process": "Spinous process",
        Facet = "facet": "Facet / articular pillar",
        TransverseProcess = "transverse_process": "Transverse process",
        Suboccipitals = "suboccipitals": "Suboccipitals",
        UpperTrapezius = "upper_trapezius": "Upper trapezius",
        LevatorScapulae = "levator_scapulae": "Levator scapulae",
        Scm = "scm": "SCM",
        Scalenes = "scalenes": "Scalenes",
        Rhomboids = "rhomboids": "Rhomboids",
        ErectorSpinae = "erector_spinae": "Erector spinae",
        Multifidus = "multifidus": "Multifidus",
        Ql = "ql": "Quadratus lumborum",
        GluteusMedius = "gluteus_medius": "Gluteus medius",
        Piriformis = "piriformis": "Piriformis",
        Iliopsoas = "iliopsoas": "Iliopsoas",
    }
);

/// Tenderness grade 0–IV (Hubbard & Berkoff); JSON carries the number 0–4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Tenderness(u8);

impl Tenderness {
    pub const NONE: Tenderness = Tenderness(0);
    pub const GRADES: [(u8, &'static str, &'static str); 5] = [
        (0, "0", "none"),
        (1, "I", "tender, no grimace"),
        (2, "II", "grimace or flinch"),
        (3, "III", "withdrawal (jump sign)"),
        (4, "IV", "withdrawal to a non-noxious stimulus"),
    ];

    pub fn grade(self) -> u8 {
        self.0
    }

    pub fn roman(self) -> &'static str {
        Self::GRADES[usize::from(self.0)].1
    }
}

impl TryFrom<u8> for Tenderness {
    type Error = String;
    fn try_from(v: u8) -> Result<Self, String> {
        if v <= 4 {
            Ok(Tenderness(v))
        } else {
            Err(format!(
                "tenderness {v} is not a grade: use 0 to 4 (0, I–IV)"
            ))
        }
    }
}

impl From<Tenderness> for u8 {
    fn from(t: Tenderness) -> u8 {
        t.0
    }
}

code_list!(
    Tone {
        Normal = "normal": "Normal",
        HypertonicMild = "hypertonic_mild": "Hypertonic, mild",
        HypertonicModerate = "hypertonic_moderate": "Hypertonic, moderate",
        HypertonicSevere = "hypertonic_severe": "Hypertonic, severe",
        Spasm = "spasm": "Spasm",
        Hypotonic = "hypotonic": "Hypotonic",
    }
);

code_list!(
    SegmentMotion {
        Normal = "normal": "Normal",
        Restricted = "restricted": "Restricted",
        Hypermobile = "hypermobile": "Hypermobile",
    }
);

code_list!(
    /// Directions a fixation restricts.
    Direction {
        Flexion = "flexion": "Flexion",
        Extension = "extension": "Extension",
        LateralFlexionLeft = "lateral_flexion_left": "Lateral flexion L",
        LateralFlexionRight = "lateral_flexion_right": "Lateral flexion R",
        RotationLeft = "rotation_left": "Rotation L",
        RotationRight = "rotation_right": "Rotation R",
    }
);

code_list!(
    Swelling {
        None = "none": "None",
        Mild = "mild": "Mild",
        Moderate = "moderate": "Moderate",
        Severe = "severe": "Severe",
    }
);

code_list!(
    /// CMS alignment terms.
    Alignment {
        Normal = "normal": "Normal",
        Misalignment = "misalignment": "Misalignment",
        Rotation = "rotation": "Rotation",
        Anterolisthesis = "anterolisthesis": "Anterolisthesis",
        Retrolisthesis = "retrolisthesis": "Retrolisthesis",
        Laterolisthesis = "laterolisthesis": "Laterolisthesis",
        AlteredSpacing = "altered_spacing": "Altered spacing",
    }
);

/// One segment as palpated. Every finding is optional: what the practitioner did not
/// set is "not recorded" (`null`), never an invented "normal".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PalpationFinding {
    pub segment: Segment,
    #[serde(default)]
    pub side: Option<Side>,
    #[serde(default)]
    pub structure: Option<Structure>,
    #[serde(default)]
    pub tenderness: Option<Tenderness>,
    #[serde(default)]
    pub tone: Option<Tone>,
    #[serde(default)]
    pub motion: Option<SegmentMotion>,
    /// With `restricted`: the directions of the fixation.
    #[serde(default)]
    pub restricted: Vec<Direction>,
    #[serde(default)]
    pub alignment: Option<Alignment>,
    #[serde(default)]
    pub swelling: Option<Swelling>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// The CMS PART criteria met by one finding.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Part {
    pub pain: bool,
    pub asymmetry: bool,
    pub range: bool,
    pub tissue: bool,
}

impl Part {
    pub fn count(self) -> u8 {
        [self.pain, self.asymmetry, self.range, self.tissue]
            .iter()
            .filter(|x| **x)
            .count() as u8
    }

    /// Medicare accepts a subluxation on exam with 2 of 4, one of them A or R.
    pub fn subluxation(self) -> bool {
        self.count() >= 2 && (self.asymmetry || self.range)
    }

    pub fn letters(self) -> String {
        [
            (self.pain, 'P'),
            (self.asymmetry, 'A'),
            (self.range, 'R'),
            (self.tissue, 'T'),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, c)| *c)
        .collect()
    }

    fn or(self, o: Part) -> Part {
        Part {
            pain: self.pain || o.pain,
            asymmetry: self.asymmetry || o.asymmetry,
            range: self.range || o.range,
            tissue: self.tissue || o.tissue,
        }
    }
}

impl PalpationFinding {
    /// Every finding examined and normal (what "All normal" records for a segment).
    pub fn normal(segment: Segment) -> Self {
        PalpationFinding {
            segment,
            side: None,
            structure: None,
            tenderness: Some(Tenderness::NONE),
            tone: Some(Tone::Normal),
            motion: Some(SegmentMotion::Normal),
            restricted: Vec::new(),
            alignment: Some(Alignment::Normal),
            swelling: Some(Swelling::None),
            notes: None,
        }
    }

    pub fn is_normal(&self) -> bool {
        self.part().count() == 0 && self.notes.is_none()
    }

    /// True when nothing at all was recorded for the segment.
    pub fn is_empty(&self) -> bool {
        self.tenderness.is_none()
            && self.tone.is_none()
            && self.motion.is_none()
            && self.alignment.is_none()
            && self.swelling.is_none()
            && self.side.is_none()
            && self.structure.is_none()
            && self.notes.is_none()
    }

    /// The PART criteria met; a finding not recorded meets none.
    pub fn part(&self) -> Part {
        Part {
            pain: self.tenderness.is_some_and(|t| t > Tenderness::NONE),
            asymmetry: self.alignment.is_some_and(|a| a != Alignment::Normal),
            range: self.motion.is_some_and(|m| m != SegmentMotion::Normal),
            tissue: self.tone.is_some_and(|t| t != Tone::Normal)
                || self.swelling.is_some_and(|s| s != Swelling::None),
        }
    }

    pub fn restricted_motion(&self) -> bool {
        self.motion == Some(SegmentMotion::Restricted)
    }
}

/// PART per segment over every finding recorded at it (several structures or sides).
pub fn part_by_segment(rows: &[PalpationFinding]) -> Vec<(Segment, Part)> {
    let mut out: Vec<(Segment, Part)> = Vec::new();
    for r in rows {
        match out.iter_mut().find(|(s, _)| *s == r.segment) {
            Some((_, p)) => *p = p.or(r.part()),
            None => out.push((r.segment, r.part())),
        }
    }
    out.sort_by_key(|(s, _)| *s);
    out
}

pub fn validate(rows: &mut Vec<PalpationFinding>, e: &mut FieldErrors) {
    // A row with nothing recorded is a segment not palpated: dropped, not stored.
    rows.retain(|r| !r.is_empty());
    for (i, r) in rows.iter_mut().enumerate() {
        let at = |f: &str| format!("palpation[{i}].{f}");
        if r.restricted_motion() && r.restricted.is_empty() {
            e.add(&at("restricted"), "Choose the restricted direction(s).");
        }
        if !r.restricted_motion() {
            // Directions left ticked after motion changed away from "restricted".
            r.restricted.clear();
        }
        r.restricted.sort();
        r.restricted.dedup();
        check_note(&mut r.notes, &at("notes"), e);
    }
}

/// The "all normal" shortcut: every segment not yet palpated, examined and normal.
/// Segments already charted keep what was recorded.
pub fn fill_normal(rows: &mut Vec<PalpationFinding>) {
    for s in Segment::ALL {
        if !rows.iter().any(|r| r.segment == *s) {
            rows.push(PalpationFinding::normal(*s));
        }
    }
    rows.sort_by_key(|r| r.segment);
}

/// Every segment examined and normal.
pub fn all_normal() -> Vec<PalpationFinding> {
    let mut rows = Vec::new();
    fill_normal(&mut rows);
    rows
}
