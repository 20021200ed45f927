//! Posture: one coded finding per area (part B §5), with side, view, an optional
//! measurement (angle in degrees or length in mm) and notes.

use serde::{Deserialize, Serialize};

use super::{Side, check_note};
use crate::domain::FieldErrors;
use crate::domain::vocabulary::code_list;

code_list!(
    /// What the practitioner looks at, in the order of the exam.
    PostureArea {
        Head = "head": "Head",
        Shoulders = "shoulders": "Shoulders",
        Scapulae = "scapulae": "Shoulder blades",
        CervicalCurve = "cervical_curve": "Cervical curve",
        ThoracicCurve = "thoracic_curve": "Thoracic curve",
        LumbarCurve = "lumbar_curve": "Lumbar curve",
        Scoliosis = "scoliosis": "Scoliosis",
        Pelvis = "pelvis": "Pelvis",
        LegLength = "leg_length": "Leg length",
        Knees = "knees": "Knees",
        Feet = "feet": "Feet",
        PlumbLine = "plumb_line": "Plumb line",
        AntalgicLean = "antalgic_lean": "Antalgic lean",
    }
);

code_list!(
    /// The coded findings. `normal` is valid for every area.
    PostureFindingCode {
        Normal = "normal": "Normal",
        HeadForward = "head_forward": "Forward head",
        HeadTilt = "head_tilt": "Head tilt",
        HeadRotated = "head_rotated": "Head rotated",
        ShoulderHigh = "shoulder_high": "High shoulder",
        ShouldersProtracted = "shoulders_protracted": "Protracted",
        ShouldersRetracted = "shoulders_retracted": "Retracted",
        ScapulaElevated = "scapula_elevated": "Elevated",
        ScapulaWinging = "scapula_winging": "Winging",
        CervicalHypolordotic = "cervical_hypolordotic": "Hypolordotic",
        CervicalKyphotic = "cervical_kyphotic": "Kyphotic",
        ThoracicHyperkyphotic = "thoracic_hyperkyphotic": "Hyperkyphotic",
        ThoracicFlat = "thoracic_flat": "Flat",
        LumbarHyperlordotic = "lumbar_hyperlordotic": "Hyperlordotic",
        LumbarHypolordotic = "lumbar_hypolordotic": "Hypolordotic",
        ScoliosisFunctional = "scoliosis_functional": "Functional (convex side)",
        ScoliosisStructural = "scoliosis_structural": "Structural (convex side)",
        PelvisHighCrest = "pelvis_high_crest": "High iliac crest",
        PelvisAnteriorTilt = "pelvis_anterior_tilt": "Anterior tilt",
        PelvisPosteriorTilt = "pelvis_posterior_tilt": "Posterior tilt",
        PelvisRotation = "pelvis_rotation": "Rotation",
        PelvisLateralShift = "pelvis_lateral_shift": "Lateral shift",
        LegShortTrue = "leg_short_true": "Short leg (true)",
        LegShortApparent = "leg_short_apparent": "Short leg (apparent)",
        KneesValgum = "knees_valgum": "Valgum",
        KneesVarum = "knees_varum": "Varum",
        KneesRecurvatum = "knees_recurvatum": "Recurvatum",
        FeetPronated = "feet_pronated": "Pronated / planus",
        FeetSupinated = "feet_supinated": "Supinated / cavus",
        PlumbLineDeviation = "plumb_line_deviation": "Deviation (describe)",
        AntalgicLeanPresent = "antalgic_lean_present": "Leaning away (side)",
    }
);

code_list!(
    PostureView {
        Anterior = "anterior": "Anterior",
        Posterior = "posterior": "Posterior",
        Lateral = "lateral": "Lateral",
    }
);

impl PostureFindingCode {
    /// The area a finding belongs to (`None` for `normal`, which fits every area).
    pub fn area(self) -> Option<PostureArea> {
        use PostureArea as A;
        use PostureFindingCode as F;
        Some(match self {
            F::Normal => return None,
            F::HeadForward | F::HeadTilt | F::HeadRotated => A::Head,
            F::ShoulderHigh | F::ShouldersProtracted | F::ShouldersRetracted => A::Shoulders,
            F::ScapulaElevated | F::ScapulaWinging => A::Scapulae,
            F::CervicalHypolordotic | F::CervicalKyphotic => A::CervicalCurve,
            F::ThoracicHyperkyphotic | F::ThoracicFlat => A::ThoracicCurve,
            F::LumbarHyperlordotic | F::LumbarHypolordotic => A::LumbarCurve,
            F::ScoliosisFunctional | F::ScoliosisStructural => A::Scoliosis,
            F::PelvisHighCrest
            | F::PelvisAnteriorTilt
            | F::PelvisPosteriorTilt
            | F::PelvisRotation
            | F::PelvisLateralShift => A::Pelvis,
            F::LegShortTrue | F::LegShortApparent => A::LegLength,
            F::KneesValgum | F::KneesVarum | F::KneesRecurvatum => A::Knees,
            F::FeetPronated | F::FeetSupinated => A::Feet,
            F::PlumbLineDeviation => A::PlumbLine,
            F::AntalgicLeanPresent => A::AntalgicLean,
        })
    }

    /// Findings that mean nothing without a side (a tilt to which side?).
    pub fn needs_side(self) -> bool {
        use PostureFindingCode as F;
        matches!(
            self,
            F::HeadTilt
                | F::HeadRotated
                | F::ShoulderHigh
                | F::ScapulaWinging
                | F::ScoliosisFunctional
                | F::ScoliosisStructural
                | F::PelvisHighCrest
                | F::PelvisRotation
                | F::PelvisLateralShift
                | F::LegShortTrue
                | F::LegShortApparent
                | F::AntalgicLeanPresent
        )
    }

    /// The findings offered for an area, `normal` first.
    pub fn for_area(area: PostureArea) -> Vec<PostureFindingCode> {
        PostureFindingCode::ALL
            .iter()
            .copied()
            .filter(|f| f.area().is_none_or(|a| a == area))
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostureFinding {
    pub area: PostureArea,
    pub finding: PostureFindingCode,
    #[serde(default)]
    pub side: Option<Side>,
    #[serde(default)]
    pub view: Option<PostureView>,
    /// Craniovertebral angle, ATR or Cobb angle in degrees, or a leg-length difference in mm.
    #[serde(default)]
    pub measure: Option<f64>,
    #[serde(default)]
    pub notes: Option<String>,
}

pub fn validate(rows: &mut [PostureFinding], e: &mut FieldErrors) {
    let mut seen = Vec::new();
    for (i, r) in rows.iter_mut().enumerate() {
        let at = |f: &str| format!("posture[{i}].{f}");
        if r.finding.area().is_some_and(|a| a != r.area) {
            e.add(
                &at("finding"),
                format!(
                    "“{}” is not a finding of {}.",
                    r.finding.label(),
                    r.area.label().to_lowercase()
                ),
            );
        }
        if r.finding.needs_side() && r.side.is_none() {
            e.add(&at("side"), "Choose the side.");
        }
        if r.measure
            .is_some_and(|m| !(0.0..=180.0).contains(&m) || m.is_nan())
        {
            e.add(&at("measure"), "Give a measurement between 0 and 180.");
        }
        check_note(&mut r.notes, &at("notes"), e);
        if seen.contains(&(r.area, r.finding, r.side)) {
            e.add(&at("finding"), "This finding is listed twice.");
        }
        seen.push((r.area, r.finding, r.side));
    }
}

/// The "all normal" shortcut: every area with no finding yet recorded normal; areas
/// already charted keep their findings.
pub fn fill_normal(rows: &mut Vec<PostureFinding>) {
    for a in PostureArea::ALL {
        if !rows.iter().any(|r| r.area == *a) {
            rows.push(PostureFinding {
                area: *a,
                finding: PostureFindingCode::Normal,
                side: None,
                view: None,
                measure: None,
                notes: None,
            });
        }
    }
    rows.sort_by_key(|r| r.area);
}
