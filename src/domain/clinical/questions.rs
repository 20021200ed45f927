//! The plain questions the patient's form asks (part A, our wording).

use super::codes::{ConditionCode as C, RedFlagCode as R};

pub fn condition_question(c: C) -> &'static str {
    match c {
        C::Osteoporosis => "Have you been told you have osteoporosis or thinning bones?",
        C::RecentFracture => {
            "Have you broken a bone in your spine, ribs or pelvis in the last 6 months?"
        }
        C::DiscHerniation => {
            "Have you been told you have a herniated, bulging or \"slipped\" disc?"
        }
        C::RheumatoidArthritis => "Do you have rheumatoid arthritis?",
        C::AnkylosingSpondylitis => {
            "Do you have ankylosing spondylitis or another inflammatory spine condition?"
        }
        C::SpinalSurgery => {
            "Have you had surgery on your spine (fusion, rods, screws, disc replacement)?"
        }
        C::Cancer => "Have you ever had cancer?",
        C::Anticoagulants => {
            "Do you take blood thinners (for example warfarin, apixaban, rivaroxaban)?"
        }
        C::BleedingDisorder => "Do you have a bleeding or clotting disorder?",
        C::LongTermSteroids => {
            "Have you taken steroid tablets (such as prednisone) for more than 3 months?"
        }
        C::StrokeOrTia => "Have you had a stroke or a mini-stroke (TIA)?",
        C::NeckArteryProblem => {
            "Have you been told you have a problem with the arteries in your neck (such as a tear or dissection)?"
        }
        C::Aneurysm => "Have you been told you have an aneurysm?",
        C::ConnectiveTissueDisorder => {
            "Do you have Ehlers-Danlos, Marfan syndrome or very loose joints?"
        }
        C::DownSyndrome => "Do you have Down syndrome?",
        C::Pregnancy => "Are you pregnant or could you be?",
        C::Spondylolisthesis => {
            "Have you been told a vertebra has slipped forward (spondylolisthesis)?"
        }
        C::Pacemaker => "Do you have a pacemaker or other implanted electrical device?",
        C::RecentSpinalSurgery => "Have you had an operation on your spine in the last 12 weeks?",
    }
}

pub fn red_flag_question(r: R) -> &'static str {
    match r {
        R::BladderBowelChange => {
            "Since your back problem began, any new trouble passing or controlling urine or stool?"
        }
        R::SaddleNumbness => {
            "Any numbness around your groin, genitals or buttocks (the \"saddle\" area)?"
        }
        R::BilateralLegSymptoms => "Pain, numbness or tingling in both legs?",
        R::ProgressiveWeakness => "Weakness in an arm or leg that is getting worse?",
        R::NeckDizzinessVisionSpeech => {
            "With neck pain or headache: dizziness, double vision, trouble speaking or swallowing, or sudden falls?"
        }
        R::SuddenSevereHeadache => "A sudden, severe headache unlike any before?",
        R::UnexplainedWeightLoss => "Lost weight without trying in the last 3 months?",
        R::FeverChills => "Fever, chills or night sweats with your pain?",
        R::NightPain => "Pain at night that does not ease when you change position?",
        R::RecentTrauma => "A fall, accident or blow in the last 6 weeks?",
        R::Immunosuppressed => {
            "Do you take medicine that weakens the immune system (for example after a transplant, for cancer, or for rheumatoid arthritis)?"
        }
        R::InjectsDrugs => "Do you inject drugs?",
        R::NeckDizziness => "With neck pain or headache: dizziness or feeling the room spin?",
        R::DoubleVision => "With neck pain or headache: double vision or loss of vision?",
        R::SpeechTrouble => "With neck pain or headache: trouble speaking or slurred speech?",
        R::SwallowingTrouble => "With neck pain or headache: trouble swallowing?",
        R::DropAttacks => "Sudden falls without losing consciousness (your legs give way)?",
        R::UnsteadyWalking => "New clumsiness or unsteady walking?",
        R::Nausea => "With neck pain or headache: feeling sick or vomiting?",
        R::FaceNumbness => "Numbness or tingling in your face or lips?",
        R::DangerousMechanism => {
            "If you had a fall, accident or blow: was it a fall from more than 1 metre or 5 stairs, a blow to the top of the head or a dive, a high-speed car crash or rollover, or a bicycle or motorbike crash?"
        }
    }
}

/// A condition's short name, for lists where the whole question does not fit (the
/// history review's answers "No"); the question stays the words of record.
pub fn condition_name(c: C) -> &'static str {
    match c {
        C::Osteoporosis => "Osteoporosis",
        C::RecentFracture => "Recent fracture",
        C::DiscHerniation => "Disc herniation",
        C::RheumatoidArthritis => "Rheumatoid arthritis",
        C::AnkylosingSpondylitis => "Ankylosing spondylitis",
        C::SpinalSurgery => "Spinal surgery",
        C::Cancer => "Cancer",
        C::Anticoagulants => "Blood thinners",
        C::BleedingDisorder => "Bleeding disorder",
        C::LongTermSteroids => "Long-term steroids",
        C::StrokeOrTia => "Stroke or TIA",
        C::NeckArteryProblem => "Neck artery problem",
        C::Aneurysm => "Aneurysm",
        C::ConnectiveTissueDisorder => "Connective tissue disorder",
        C::DownSyndrome => "Down syndrome",
        C::Pregnancy => "Pregnancy",
        C::Spondylolisthesis => "Spondylolisthesis",
        C::Pacemaker => "Pacemaker",
        C::RecentSpinalSurgery => "Spinal surgery, last 12 weeks",
    }
}

/// A red-flag question's short name (see [`condition_name`]).
pub fn red_flag_name(r: R) -> &'static str {
    match r {
        R::BladderBowelChange => "Bladder or bowel change",
        R::SaddleNumbness => "Saddle numbness",
        R::BilateralLegSymptoms => "Symptoms in both legs",
        R::ProgressiveWeakness => "Weakness getting worse",
        R::NeckDizzinessVisionSpeech => "Dizziness, vision or speech (old question)",
        R::SuddenSevereHeadache => "Sudden severe headache",
        R::UnexplainedWeightLoss => "Unexplained weight loss",
        R::FeverChills => "Fever or chills",
        R::NightPain => "Pain at night",
        R::RecentTrauma => "Recent accident or fall",
        R::Immunosuppressed => "Weakened immune system",
        R::NeckDizziness => "Dizziness with neck movement",
        R::DoubleVision => "Double vision",
        R::SpeechTrouble => "Trouble speaking",
        R::SwallowingTrouble => "Trouble swallowing",
        R::DropAttacks => "Drop attacks",
        R::UnsteadyWalking => "Unsteady walking",
        R::Nausea => "Nausea",
        R::FaceNumbness => "Numb face",
        R::DangerousMechanism => "High-energy injury",
        R::InjectsDrugs => "Injects drugs",
    }
}
