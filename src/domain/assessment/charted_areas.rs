//! Where on the body the record puts the patient's problem: the complaint (the pain
//! diagram and the main complaint's words on the pre-visit form) and the palpation
//! findings, by spinal area. The diagnosis suggestions read it, and the plan's
//! intervention grid shows the regions it names first.

use super::AssessmentContent;
use super::palpation::{PalpationFinding, Segment, Tone};
use crate::domain::clinical::Region;
use crate::domain::intake::{IntakeInput, PainArea};
use crate::domain::vocabulary::code_list;

code_list!(
    /// The spine divided as ICD-10-CM's segmental dysfunction codes (M99.0x) divide it.
    SpineArea {
        Head = "head": "head (occiput)",
        Cervical = "cervical": "cervical",
        Thoracic = "thoracic": "thoracic",
        Lumbar = "lumbar": "lumbar",
        Sacral = "sacral": "sacral",
        Pelvic = "pelvic": "pelvic (SI joints)",
        RibCage = "rib_cage": "rib cage",
    }
);

impl SpineArea {
    pub fn of_segment(s: Segment) -> SpineArea {
        use Segment::*;
        match s {
            C0 => SpineArea::Head,
            C1 | C2 | C3 | C4 | C5 | C6 | C7 => SpineArea::Cervical,
            T1 | T2 | T3 | T4 | T5 | T6 | T7 | T8 | T9 | T10 | T11 | T12 => SpineArea::Thoracic,
            L1 | L2 | L3 | L4 | L5 => SpineArea::Lumbar,
            Sacrum | Coccyx => SpineArea::Sacral,
            SiLeft | SiRight => SpineArea::Pelvic,
            Ribs => SpineArea::RibCage,
        }
    }

    /// The plan's region for this area (the plan has one sacral / pelvic region).
    pub fn region(self) -> Region {
        match self {
            SpineArea::Head | SpineArea::Cervical => Region::Cervical,
            SpineArea::Thoracic => Region::Thoracic,
            SpineArea::Lumbar => Region::Lumbar,
            SpineArea::Sacral | SpineArea::Pelvic => Region::SacralPelvic,
            SpineArea::RibCage => Region::RibCage,
        }
    }
}

/// Pain diagram areas that name a spinal area. The chest is left out on purpose: chest
/// pain is not assumed to be the rib cage's.
const PAIN_AREAS: &[(PainArea, SpineArea)] = &[
    (PainArea::Neck, SpineArea::Cervical),
    (PainArea::UpperBack, SpineArea::Thoracic),
    (PainArea::MidBack, SpineArea::Thoracic),
    (PainArea::LowerBack, SpineArea::Lumbar),
    (PainArea::Buttocks, SpineArea::Pelvic),
];

/// Words of the main complaint that name a spinal area (lower case, matched anywhere).
/// "Back pain" alone names none: it could be any of three.
const COMPLAINT_WORDS: &[(&str, SpineArea)] = &[
    ("low back", SpineArea::Lumbar),
    ("lower back", SpineArea::Lumbar),
    ("lumbar", SpineArea::Lumbar),
    ("lumbago", SpineArea::Lumbar),
    ("neck", SpineArea::Cervical),
    ("cervical", SpineArea::Cervical),
    ("upper back", SpineArea::Thoracic),
    ("mid back", SpineArea::Thoracic),
    ("middle back", SpineArea::Thoracic),
    ("thoracic", SpineArea::Thoracic),
];

/// Pain diagram areas on the limbs: they make a limb region relevant to the plan.
fn limb_region(a: PainArea) -> Option<Region> {
    use PainArea::*;
    match a {
        LeftShoulder | RightShoulder | LeftArm | RightArm | LeftHand | RightHand => {
            Some(Region::UpperExtremity)
        }
        LeftHip | RightHip | LeftThigh | RightThigh | LeftKnee | RightKnee | LeftLowerLeg
        | RightLowerLeg | LeftFoot | RightFoot => Some(Region::LowerExtremity),
        _ => None,
    }
}

/// One reason an area is named, in words for the practitioner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Complaint {
    pub area: SpineArea,
    pub words: String,
}

/// The spinal areas the patient's complaint names, each with where it was said.
pub fn complaint_areas(intake: Option<&IntakeInput>) -> Vec<Complaint> {
    let Some(intake) = intake else {
        return Vec::new();
    };
    let mut out: Vec<Complaint> = Vec::new();
    let mut add = |area: SpineArea, words: String| {
        if !out.iter().any(|c| c.area == area) {
            out.push(Complaint { area, words });
        }
    };
    let said = intake.chief_complaint.to_lowercase();
    for (word, area) in COMPLAINT_WORDS {
        if said.contains(word) {
            add(
                *area,
                format!("main complaint “{}”", intake.chief_complaint.trim()),
            );
        }
    }
    for raw in &intake.pain_regions {
        let Some(marked) = PainArea::parse(raw) else {
            continue;
        };
        if let Some((_, area)) = PAIN_AREAS.iter().find(|(p, _)| *p == marked) {
            add(*area, format!("pain diagram: {}", marked.label()));
        }
    }
    out
}

/// What palpation found at one segment that the suggestions read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentSigns {
    pub segment: Segment,
    /// Any PART criterion met (pain, asymmetry, range, tissue).
    pub any_finding: bool,
    /// Two of the four with asymmetry or range: a subluxation on exam (CMS).
    pub subluxation: bool,
    pub tender: bool,
    pub hypertonic: bool,
}

pub fn segment_signs(rows: &[PalpationFinding]) -> Vec<SegmentSigns> {
    rows.iter()
        .map(|r| {
            let part = r.part();
            SegmentSigns {
                segment: r.segment,
                any_finding: part.count() > 0,
                subluxation: part.subluxation(),
                tender: part.pain,
                hypertonic: r.tone.is_some_and(|t| {
                    matches!(
                        t,
                        Tone::HypertonicMild
                            | Tone::HypertonicModerate
                            | Tone::HypertonicSevere
                            | Tone::Spasm
                    )
                }),
            }
        })
        .collect()
}

/// The plan regions this record is about, most telling first: palpation findings, the
/// complaint, limbs marked on the pain diagram, and regions already planned.
pub fn relevant_regions(c: &AssessmentContent, intake: Option<&IntakeInput>) -> Vec<Region> {
    let mut out: Vec<Region> = Vec::new();
    let mut add = |r: Region| {
        if !out.contains(&r) {
            out.push(r);
        }
    };
    let palpation = c.palpation.as_deref().unwrap_or_default();
    for s in segment_signs(palpation).iter().filter(|s| s.any_finding) {
        add(SpineArea::of_segment(s.segment).region());
    }
    for complaint in complaint_areas(intake) {
        add(complaint.area.region());
    }
    if let Some(intake) = intake {
        intake
            .pain_regions
            .iter()
            .filter_map(|raw| PainArea::parse(raw).and_then(limb_region))
            .for_each(&mut add);
    }
    if let Some(plan) = &c.plan {
        plan.interventions.iter().for_each(|iv| add(iv.region));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn intake(complaint: &str, areas: &[&str]) -> IntakeInput {
        IntakeInput {
            chief_complaint: complaint.into(),
            pain_regions: areas.iter().map(|a| (*a).to_owned()).collect(),
            ..IntakeInput::default()
        }
    }

    #[test]
    fn the_complaint_names_areas_from_its_words_and_the_pain_diagram() {
        let cases: &[(&str, &[&str], &[SpineArea])] = &[
            ("Low back pain after lifting", &[], &[SpineArea::Lumbar]),
            ("Stiff NECK", &[], &[SpineArea::Cervical]),
            ("Back pain", &[], &[]),
            (
                "",
                &["lower_back", "buttocks"],
                &[SpineArea::Lumbar, SpineArea::Pelvic],
            ),
            ("", &["chest", "left_knee"], &[]),
            ("Lower back", &["lower_back"], &[SpineArea::Lumbar]),
            ("", &["mid_back", "upper_back"], &[SpineArea::Thoracic]),
        ];
        for (complaint, areas, want) in cases {
            let got: Vec<SpineArea> = complaint_areas(Some(&intake(complaint, areas)))
                .into_iter()
                .map(|c| c.area)
                .collect();
            assert_eq!(&got, want, "{complaint:?} {areas:?}");
        }
        assert!(complaint_areas(None).is_empty());
    }

    #[test]
    fn every_segment_has_an_area_and_a_region() {
        let cases = [
            (Segment::C0, SpineArea::Head, Region::Cervical),
            (Segment::C5, SpineArea::Cervical, Region::Cervical),
            (Segment::T12, SpineArea::Thoracic, Region::Thoracic),
            (Segment::L4, SpineArea::Lumbar, Region::Lumbar),
            (Segment::Sacrum, SpineArea::Sacral, Region::SacralPelvic),
            (Segment::SiLeft, SpineArea::Pelvic, Region::SacralPelvic),
            (Segment::Ribs, SpineArea::RibCage, Region::RibCage),
        ];
        for (segment, area, region) in cases {
            assert_eq!(SpineArea::of_segment(segment), area, "{segment:?}");
            assert_eq!(area.region(), region, "{segment:?}");
            assert_eq!(segment.region(), region, "palpation agrees for {segment:?}");
        }
    }

    #[test]
    fn relevant_regions_put_findings_first_then_the_complaint_then_limbs() {
        let mut row = PalpationFinding::normal(Segment::T12);
        row.tenderness = Some(super::super::palpation::Tenderness::try_from(2).unwrap());
        let c = AssessmentContent {
            palpation: Some(vec![row, PalpationFinding::normal(Segment::C3)]),
            ..AssessmentContent::default()
        };
        let form = intake("Low back pain", &["lower_back", "left_thigh"]);
        assert_eq!(
            relevant_regions(&c, Some(&form)),
            vec![Region::Thoracic, Region::Lumbar, Region::LowerExtremity],
            "a normal C3 makes the cervical region no more relevant"
        );
        assert!(relevant_regions(&AssessmentContent::default(), None).is_empty());
    }
}
