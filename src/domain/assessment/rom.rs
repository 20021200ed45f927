//! Range of motion: degrees per region and motion, compared with a named normative
//! reference (part B §3). The normal and the percentage are computed when the row is
//! saved and stored with it, so a signed record keeps the reference it was judged by.

use serde::{Deserialize, Serialize};

use super::check_note;
use crate::domain::FieldErrors;
use crate::domain::vocabulary::code_list;

code_list!(
    /// The spinal regions whose motion is measured.
    RomRegion {
        Cervical = "cervical": "Cervical",
        Thoracic = "thoracic": "Thoracic",
        Lumbar = "lumbar": "Lumbar",
    }
);

code_list!(
    Motion {
        Flexion = "flexion": "Flexion",
        Extension = "extension": "Extension",
        LateralFlexionLeft = "lateral_flexion_left": "Lateral flexion left",
        LateralFlexionRight = "lateral_flexion_right": "Lateral flexion right",
        RotationLeft = "rotation_left": "Rotation left",
        RotationRight = "rotation_right": "Rotation right",
    }
);

code_list!(
    /// How the angle was taken (part B §3, data model per motion).
    RomMethod {
        Visual = "visual": "Visual estimate",
        Goniometer = "goniometer": "Goniometer",
        Inclinometer = "inclinometer": "Inclinometer",
        Crom = "crom": "CROM device",
    }
);

code_list!(
    /// The normative reference a measurement is compared with; always named.
    RomReference {
        Ama5 = "ama5": "AMA Guides 5th ed.",
        Aaos = "aaos": "AAOS",
    }
);

code_list!(
    EndFeel {
        Hard = "hard": "Hard",
        Firm = "firm": "Firm",
        Soft = "soft": "Soft",
        Empty = "empty": "Empty",
        Spasm = "spasm": "Spasm",
        Springy = "springy": "Springy",
        Boggy = "boggy": "Boggy",
    }
);

/// The normal active range in degrees, `None` where the reference does not rate it
/// (part B §3; thoracic extension from minimum kyphosis is 0, so no percentage).
pub fn normal_degrees(reference: RomReference, region: RomRegion, motion: Motion) -> Option<u16> {
    use Motion::*;
    use RomReference::*;
    use RomRegion::*;
    match (reference, region, motion) {
        (Ama5, Cervical, Flexion) => Some(50),
        (Ama5, Cervical, Extension) => Some(60),
        (Ama5, Cervical, LateralFlexionLeft | LateralFlexionRight) => Some(45),
        (Ama5, Cervical, RotationLeft | RotationRight) => Some(80),
        (Aaos, Cervical, Flexion | Extension) => Some(45),
        (Aaos, Cervical, LateralFlexionLeft | LateralFlexionRight) => Some(45),
        (Aaos, Cervical, RotationLeft | RotationRight) => Some(60),
        (Ama5, Thoracic, Flexion) => Some(50),
        (Ama5, Thoracic, Extension) => Some(0),
        (Ama5, Thoracic, RotationLeft | RotationRight) => Some(30),
        (Ama5, Thoracic, LateralFlexionLeft | LateralFlexionRight) => None,
        (Ama5, Lumbar, Flexion) => Some(60),
        (Ama5, Lumbar, Extension) => Some(25),
        (Ama5, Lumbar, LateralFlexionLeft | LateralFlexionRight) => Some(25),
        (Ama5, Lumbar, RotationLeft | RotationRight) => None,
        // AAOS rates the thoracolumbar spine as one: the same values for both rows.
        (Aaos, Thoracic | Lumbar, Flexion) => Some(80),
        (Aaos, Thoracic | Lumbar, Extension) => Some(25),
        (Aaos, Thoracic | Lumbar, LateralFlexionLeft | LateralFlexionRight) => Some(35),
        (Aaos, Thoracic | Lumbar, RotationLeft | RotationRight) => Some(45),
    }
}

/// The motions the exam grid offers per region: those the default reference rates.
pub fn grid() -> Vec<(RomRegion, Motion)> {
    RomRegion::ALL
        .iter()
        .flat_map(|r| Motion::ALL.iter().map(move |m| (*r, *m)))
        .filter(|(r, m)| normal_degrees(RomReference::Ama5, *r, *m).is_some())
        .collect()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RomMeasurement {
    pub region: RomRegion,
    pub motion: Motion,
    /// Not measured when empty.
    #[serde(default)]
    pub degrees: Option<u16>,
    /// Pain at end of range.
    #[serde(default)]
    pub pain: bool,
    #[serde(default)]
    pub pain_location: Option<String>,
    #[serde(default = "default_active")]
    pub active: bool,
    #[serde(default)]
    pub end_feel: Option<EndFeel>,
    #[serde(default = "default_method")]
    pub method: RomMethod,
    #[serde(default = "default_reference")]
    pub reference: RomReference,
    /// Computed when saved (a value sent in is replaced): the reference's normal value.
    #[serde(default)]
    pub normal_degrees: Option<u16>,
    /// Computed when saved: degrees as a percentage of normal.
    #[serde(default)]
    pub percent_of_normal: Option<u16>,
}

fn default_active() -> bool {
    true
}
fn default_method() -> RomMethod {
    RomMethod::Visual
}
fn default_reference() -> RomReference {
    RomReference::Ama5
}

/// Above this no spinal motion is physically plausible; a typo, not a finding.
const MAX_DEGREES: u16 = 180;

impl RomMeasurement {
    pub fn new(region: RomRegion, motion: Motion, degrees: Option<u16>) -> Self {
        let mut m = RomMeasurement {
            region,
            motion,
            degrees,
            pain: false,
            pain_location: None,
            active: true,
            end_feel: None,
            method: default_method(),
            reference: default_reference(),
            normal_degrees: None,
            percent_of_normal: None,
        };
        m.compute();
        m
    }

    fn compute(&mut self) {
        self.normal_degrees = normal_degrees(self.reference, self.region, self.motion);
        self.percent_of_normal = match (self.degrees, self.normal_degrees) {
            (Some(d), Some(n)) if n > 0 => {
                Some(((u32::from(d) * 100 + u32::from(n) / 2) / u32::from(n)) as u16)
            }
            _ => None,
        };
    }
}

pub fn validate(rows: &mut Vec<RomMeasurement>, e: &mut FieldErrors) {
    let mut seen = Vec::new();
    for (i, r) in rows.iter_mut().enumerate() {
        let at = |f: &str| format!("rom[{i}].{f}");
        if r.degrees.is_some_and(|d| d > MAX_DEGREES) {
            e.add(
                &at("degrees"),
                format!("Give degrees between 0 and {MAX_DEGREES}."),
            );
        }
        check_note(&mut r.pain_location, &at("pain_location"), e);
        if seen.contains(&(r.region, r.motion)) {
            e.add(&at("motion"), "This motion is listed twice.");
        }
        seen.push((r.region, r.motion));
        r.compute();
    }
    // Rows left blank in the grid are not findings.
    rows.retain(|r| r.degrees.is_some() || r.pain);
}

/// The "all normal" shortcut: every motion of the grid not yet charted, at its
/// normal value and pain-free; motions already charted keep what was recorded.
pub fn fill_normal(rows: &mut Vec<RomMeasurement>) {
    for (r, m) in grid() {
        if !rows.iter().any(|x| x.region == r && x.motion == m) {
            rows.push(RomMeasurement::new(
                r,
                m,
                normal_degrees(RomReference::Ama5, r, m),
            ));
        }
    }
    let order = |x: &RomMeasurement| (x.region, x.motion);
    rows.sort_by_key(order);
}

/// Cervical rotation each way, when both were measured.
pub fn cervical_rotation(rows: &[RomMeasurement]) -> Option<(u16, u16)> {
    let get = |m: Motion| {
        rows.iter()
            .find(|r| r.region == RomRegion::Cervical && r.motion == m)
            .and_then(|r| r.degrees)
    };
    Some((get(Motion::RotationLeft)?, get(Motion::RotationRight)?))
}
