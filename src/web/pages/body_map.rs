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

/// The drawing's size in its own units (the template's `viewBox`).
pub const WIDTH: u32 = 200;
pub const HEIGHT: u32 = 444;

/// The smallest side of an area, in drawing units. The figure is drawn at least 340 px
/// wide on a phone (1.7 px per unit), so every area is at least 44×44 px: a finger's
/// target (WCAG 2.2 asks for 24×24; 44 is the platforms' own guideline). This is why
/// the jaw and the neck are taller than life.
pub const MIN_SIDE: u32 = 26;

/// Front view: the patient faces you, so their right side is on your left.
const FRONT: &[Box4] = &[
    (PainArea::Head, 80, 2, 40, 36, 18),
    (PainArea::Jaw, 84, 38, 32, 26, 8),
    (PainArea::Neck, 86, 64, 28, 26, 6),
    (PainArea::RightShoulder, 40, 92, 38, 28, 10),
    (PainArea::LeftShoulder, 122, 92, 38, 28, 10),
    (PainArea::Chest, 80, 92, 40, 56, 6),
    (PainArea::Abdomen, 80, 150, 40, 50, 6),
    (PainArea::RightArm, 40, 122, 28, 100, 10),
    (PainArea::LeftArm, 132, 122, 28, 100, 10),
    (PainArea::RightHand, 38, 224, 32, 32, 10),
    (PainArea::LeftHand, 130, 224, 32, 32, 10),
    (PainArea::RightHip, 72, 202, 28, 30, 8),
    (PainArea::LeftHip, 100, 202, 28, 30, 8),
    (PainArea::RightThigh, 72, 234, 27, 70, 10),
    (PainArea::LeftThigh, 101, 234, 27, 70, 10),
    (PainArea::RightKnee, 72, 306, 27, 28, 10),
    (PainArea::LeftKnee, 101, 306, 27, 28, 10),
    (PainArea::RightLowerLeg, 73, 336, 26, 76, 10),
    (PainArea::LeftLowerLeg, 101, 336, 26, 76, 10),
    (PainArea::RightFoot, 66, 414, 33, 26, 8),
    (PainArea::LeftFoot, 101, 414, 33, 26, 8),
];

/// Back view: you see the patient's back, so their left side is on your left.
const BACK: &[Box4] = &[
    (PainArea::Head, 80, 2, 40, 60, 20),
    (PainArea::Neck, 86, 64, 28, 26, 6),
    (PainArea::LeftShoulder, 40, 92, 38, 28, 10),
    (PainArea::RightShoulder, 122, 92, 38, 28, 10),
    (PainArea::UpperBack, 80, 92, 40, 40, 6),
    (PainArea::MidBack, 80, 134, 40, 32, 6),
    (PainArea::LowerBack, 80, 168, 40, 32, 6),
    (PainArea::Buttocks, 72, 202, 56, 34, 10),
    (PainArea::LeftArm, 40, 122, 28, 100, 10),
    (PainArea::RightArm, 132, 122, 28, 100, 10),
    (PainArea::LeftHand, 38, 224, 32, 32, 10),
    (PainArea::RightHand, 130, 224, 32, 32, 10),
    (PainArea::LeftThigh, 72, 238, 27, 66, 10),
    (PainArea::RightThigh, 101, 238, 27, 66, 10),
    (PainArea::LeftKnee, 72, 306, 27, 28, 10),
    (PainArea::RightKnee, 101, 306, 27, 28, 10),
    (PainArea::LeftLowerLeg, 73, 336, 26, 76, 10),
    (PainArea::RightLowerLeg, 101, 336, 26, 76, 10),
    (PainArea::LeftFoot, 66, 414, 33, 26, 8),
    (PainArea::RightFoot, 101, 414, 33, 26, 8),
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
    use super::{BACK, FRONT, HEIGHT, MIN_SIDE, WIDTH};

    /// Every area is a finger's target, inside the drawing, and no two areas of a view
    /// overlap (a tap on one never lands on another).
    #[test]
    fn every_area_is_big_enough_and_apart() {
        for view in [FRONT, BACK] {
            for (i, (a, x, y, w, h, _)) in view.iter().enumerate() {
                assert!(
                    *w >= MIN_SIDE && *h >= MIN_SIDE,
                    "{} is {w}x{h}",
                    a.as_str()
                );
                assert!(x + w <= WIDTH && y + h <= HEIGHT, "{} fits", a.as_str());
                for (b, x2, y2, w2, h2, _) in &view[i + 1..] {
                    let apart = x + w <= *x2 || x2 + w2 <= *x || y + h <= *y2 || y2 + h2 <= *y;
                    assert!(apart, "{} and {} overlap", a.as_str(), b.as_str());
                }
            }
        }
    }

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
