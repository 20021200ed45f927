//! The pain diagram's geometry: a simple figure, front and back, one rounded rectangle
//! per area of [`PainArea`]. Drawn by the template (no markup is built here).

use crate::domain::intake::PainArea;

pub struct Shape {
    pub area: &'static str,
    pub label: &'static str,
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
    pub r: u32,
    pub on: bool,
}

type Box4 = (PainArea, u32, u32, u32, u32, u32);

/// Front view: the patient faces you, so their right side is on your left.
const FRONT: &[Box4] = &[
    (PainArea::Head, 80, 4, 40, 44, 20),
    (PainArea::Jaw, 86, 42, 28, 12, 6),
    (PainArea::Neck, 89, 56, 22, 16, 4),
    (PainArea::RightShoulder, 48, 74, 32, 24, 10),
    (PainArea::LeftShoulder, 120, 74, 32, 24, 10),
    (PainArea::Chest, 80, 76, 40, 52, 6),
    (PainArea::Abdomen, 80, 130, 40, 48, 6),
    (PainArea::RightArm, 42, 100, 22, 100, 10),
    (PainArea::LeftArm, 136, 100, 22, 100, 10),
    (PainArea::RightHand, 40, 202, 26, 30, 10),
    (PainArea::LeftHand, 134, 202, 26, 30, 10),
    (PainArea::RightHip, 72, 180, 28, 30, 8),
    (PainArea::LeftHip, 100, 180, 28, 30, 8),
    (PainArea::RightThigh, 72, 212, 27, 70, 10),
    (PainArea::LeftThigh, 101, 212, 27, 70, 10),
    (PainArea::RightKnee, 73, 284, 25, 24, 10),
    (PainArea::LeftKnee, 102, 284, 25, 24, 10),
    (PainArea::RightLowerLeg, 74, 310, 23, 80, 10),
    (PainArea::LeftLowerLeg, 103, 310, 23, 80, 10),
    (PainArea::RightFoot, 68, 392, 30, 20, 8),
    (PainArea::LeftFoot, 102, 392, 30, 20, 8),
];

/// Back view: you see the patient's back, so their left side is on your left.
const BACK: &[Box4] = &[
    (PainArea::Head, 80, 4, 40, 50, 20),
    (PainArea::Neck, 89, 56, 22, 16, 4),
    (PainArea::LeftShoulder, 48, 74, 32, 24, 10),
    (PainArea::RightShoulder, 120, 74, 32, 24, 10),
    (PainArea::UpperBack, 80, 76, 40, 40, 6),
    (PainArea::MidBack, 80, 118, 40, 32, 6),
    (PainArea::LowerBack, 80, 152, 40, 28, 6),
    (PainArea::Buttocks, 74, 182, 52, 32, 10),
    (PainArea::LeftArm, 42, 100, 22, 100, 10),
    (PainArea::RightArm, 136, 100, 22, 100, 10),
    (PainArea::LeftHand, 40, 202, 26, 30, 10),
    (PainArea::RightHand, 134, 202, 26, 30, 10),
    (PainArea::LeftThigh, 72, 216, 27, 66, 10),
    (PainArea::RightThigh, 101, 216, 27, 66, 10),
    (PainArea::LeftKnee, 73, 284, 25, 24, 10),
    (PainArea::RightKnee, 102, 284, 25, 24, 10),
    (PainArea::LeftLowerLeg, 74, 310, 23, 80, 10),
    (PainArea::RightLowerLeg, 103, 310, 23, 80, 10),
    (PainArea::LeftFoot, 68, 392, 30, 20, 8),
    (PainArea::RightFoot, 102, 392, 30, 20, 8),
];

fn shapes(boxes: &[Box4], selected: &[String]) -> Vec<Shape> {
    boxes
        .iter()
        .map(|(a, x, y, w, h, r)| Shape {
            area: a.as_str(),
            label: a.label(),
            x: *x,
            y: *y,
            w: *w,
            h: *h,
            r: *r,
            on: selected.iter().any(|s| s == a.as_str()),
        })
        .collect()
}

pub fn front(selected: &[String]) -> Vec<Shape> {
    shapes(FRONT, selected)
}

pub fn back(selected: &[String]) -> Vec<Shape> {
    shapes(BACK, selected)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_area_is_drawn() {
        for a in crate::domain::intake::PainArea::ALL {
            assert!(
                super::FRONT.iter().chain(super::BACK).any(|(x, ..)| x == a),
                "{} is on the diagram",
                a.as_str()
            );
        }
    }
}
