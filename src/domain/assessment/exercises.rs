//! The home-care exercise library and the advice every patient gets after a first
//! treatment. The wording is ours, written for patients.

use crate::domain::vocabulary::code_list;

code_list!(
    Exercise {
        CatCow = "cat_cow": "Cat-cow",
        ChildsPose = "childs_pose": "Child's pose",
        KneeToChest = "knee_to_chest": "Knee-to-chest stretch",
        SupineLumbarRotation = "supine_lumbar_rotation": "Supine lumbar rotation",
        ThoracicExtensionFoamRoller = "thoracic_extension_foam_roller": "Thoracic extension over a foam roller",
        SeatedThoracicTwist = "seated_thoracic_twist": "Seated thoracic twist",
        BirdDog = "bird_dog": "Bird-dog",
        ChinTuck = "chin_tuck": "Chin tuck",
        PelvicTilt = "pelvic_tilt": "Pelvic tilt",
        GluteBridge = "glute_bridge": "Glute bridge",
        UpperTrapeziusStretch = "upper_trapezius_stretch": "Upper trapezius stretch",
        DoorwayPecStretch = "doorway_pec_stretch": "Doorway chest stretch",
        PronePressUp = "prone_press_up": "Prone press-up",
        PiriformisStretch = "piriformis_stretch": "Piriformis stretch",
    }
);

impl Exercise {
    /// How to do it, in plain words for the printed plan.
    pub fn instructions(self) -> &'static str {
        use Exercise::*;
        match self {
            CatCow => {
                "On hands and knees, slowly round your back up, then let it sag, moving with your breath."
            }
            ChildsPose => {
                "Kneel, sit back towards your heels and reach your arms forward on the floor; breathe slowly."
            }
            KneeToChest => {
                "Lying on your back, hug one knee (or both) gently towards your chest and hold."
            }
            SupineLumbarRotation => {
                "Lying on your back with knees bent, let both knees fall slowly to one side, then the other."
            }
            ThoracicExtensionFoamRoller => {
                "Lie with a foam roller across your upper back, support your head and gently arch over it."
            }
            SeatedThoracicTwist => {
                "Sit tall, arms crossed on your chest, and turn your upper body to each side."
            }
            BirdDog => {
                "On hands and knees, reach one arm forward and the opposite leg back, keeping your back still."
            }
            ChinTuck => {
                "Sitting tall, draw your chin straight back (a double chin), hold, then relax."
            }
            PelvicTilt => {
                "Lying on your back with knees bent, flatten your low back into the floor, then relax."
            }
            GluteBridge => {
                "Lying on your back with knees bent, lift your hips until your body is straight, then lower."
            }
            UpperTrapeziusStretch => {
                "Sitting tall, tilt your ear towards your shoulder until you feel a gentle stretch."
            }
            DoorwayPecStretch => {
                "Forearms on a door frame, step gently through until you feel a stretch across your chest."
            }
            PronePressUp => {
                "Lying face down, press up on your hands and let your hips stay on the floor."
            }
            PiriformisStretch => {
                "Lying on your back, cross one ankle over the other knee and pull the thigh towards you."
            }
        }
    }
}

code_list!(
    /// Advice given after treatment; each item printed for the patient.
    Advice {
        PostTreatmentSoreness = "post_treatment_soreness": "Soreness after treatment",
        StayActive = "stay_active": "Stay active",
        WhenToSeekCare = "when_to_seek_care": "When to seek care",
    }
);

impl Advice {
    pub fn text(self) -> &'static str {
        match self {
            Advice::PostTreatmentSoreness => {
                "Mild soreness or stiffness after treatment is common and mostly settles within a day (24 to 48 hours). Gentle movement, and heat or ice, can help."
            }
            Advice::StayActive => {
                "Keep moving within comfort: walking and your usual activities help more than rest in bed."
            }
            Advice::WhenToSeekCare => {
                "Call us, or seek urgent care, if you notice new numbness, weakness, trouble passing or controlling urine or stool, or pain that is much worse."
            }
        }
    }
}
