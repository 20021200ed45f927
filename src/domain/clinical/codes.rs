//! Code enums. Each maps to its exact text code at the edges (JSON, database) only.

use std::fmt;

/// Declares a vocabulary: the enum, `ALL`, `as_str`, `parse` and serde as the text code.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const CODES: &'static [&'static str] = &[$($code),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn parse(raw: &str) -> Option<Self> {
                match raw { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        $crate::domain::vocabulary::code_serde!($name);
    };
}

vocabulary!(
    /// Body regions a flag or an intervention applies to.
    Region {
        Cervical = "cervical",
        Thoracic = "thoracic",
        Lumbar = "lumbar",
        SacralPelvic = "sacral_pelvic",
        RibCage = "rib_cage",
        UpperExtremity = "upper_extremity",
        LowerExtremity = "lower_extremity",
    }
);

impl Region {
    pub fn label(self) -> &'static str {
        match self {
            Region::Cervical => "Cervical",
            Region::Thoracic => "Thoracic",
            Region::Lumbar => "Lumbar",
            Region::SacralPelvic => "Sacral / pelvic",
            Region::RibCage => "Rib cage",
            Region::UpperExtremity => "Upper extremity",
            Region::LowerExtremity => "Lower extremity",
        }
    }

    /// The spinal regions: where a flag of unknown region applies.
    pub const SPINAL: &'static [Region] = &[
        Region::Cervical,
        Region::Thoracic,
        Region::Lumbar,
        Region::SacralPelvic,
        Region::RibCage,
    ];
}

vocabulary!(
    /// Treatment techniques (plan interventions).
    Technique {
        Hvla = "hvla",
        DropTable = "drop_table",
        Instrument = "instrument",
        FlexionDistraction = "flexion_distraction",
        Mobilization = "mobilization",
        SoftTissue = "soft_tissue",
        Exercise = "exercise",
        Modality = "modality",
    }
);

impl Technique {
    pub fn label(self) -> &'static str {
        match self {
            Technique::Hvla => "HVLA thrust",
            Technique::DropTable => "Drop table",
            Technique::Instrument => "Instrument adjustment",
            Technique::FlexionDistraction => "Flexion-distraction",
            Technique::Mobilization => "Mobilization",
            Technique::SoftTissue => "Soft tissue",
            Technique::Exercise => "Exercise",
            Technique::Modality => "Modality",
        }
    }

    /// Thrust techniques (force class "thrust").
    pub const THRUST: &'static [Technique] = &[Technique::Hvla, Technique::DropTable];
    /// Mobilization techniques (force class "mobilization").
    pub const MOBILIZATION: &'static [Technique] =
        &[Technique::FlexionDistraction, Technique::Mobilization];
    /// What an urgent red flag forbids everywhere: thrust, mobilization and instrument.
    pub const FORCE_BASED: &'static [Technique] = &[
        Technique::Hvla,
        Technique::DropTable,
        Technique::Instrument,
        Technique::FlexionDistraction,
        Technique::Mobilization,
    ];
}

vocabulary!(
    /// Flag levels, most severe first (the derived `Ord` follows this order).
    FlagLevel {
        Emergency = "emergency",
        Urgent = "urgent",
        Absolute = "absolute",
        Relative = "relative",
        Precaution = "precaution",
    }
);

impl FlagLevel {
    pub fn label(self) -> &'static str {
        match self {
            FlagLevel::Emergency => "Emergency: refer now",
            FlagLevel::Urgent => "Urgent",
            FlagLevel::Absolute => "Contraindication",
            FlagLevel::Relative => "Relative contraindication",
            FlagLevel::Precaution => "Precaution",
        }
    }
}

vocabulary!(
    FlagKind {
        RedFlag = "red_flag",
        Contraindication = "contraindication",
    }
);

vocabulary!(
    /// Conditions asked on the pre-visit form (answer yes / no / unsure).
    ConditionCode {
        Osteoporosis = "osteoporosis",
        RecentFracture = "recent_fracture",
        DiscHerniation = "disc_herniation",
        RheumatoidArthritis = "rheumatoid_arthritis",
        AnkylosingSpondylitis = "ankylosing_spondylitis",
        SpinalSurgery = "spinal_surgery",
        Cancer = "cancer",
        Anticoagulants = "anticoagulants",
        BleedingDisorder = "bleeding_disorder",
        LongTermSteroids = "long_term_steroids",
        StrokeOrTia = "stroke_or_tia",
        NeckArteryProblem = "neck_artery_problem",
        Aneurysm = "aneurysm",
        ConnectiveTissueDisorder = "connective_tissue_disorder",
        DownSyndrome = "down_syndrome",
        Pregnancy = "pregnancy",
        Spondylolisthesis = "spondylolisthesis",
        Pacemaker = "pacemaker",
        RecentSpinalSurgery = "recent_spinal_surgery",
    }
);

vocabulary!(
    /// Red-flag questions on the pre-visit form (answer yes / no).
    RedFlagCode {
        BladderBowelChange = "bladder_bowel_change",
        SaddleNumbness = "saddle_numbness",
        BilateralLegSymptoms = "bilateral_leg_symptoms",
        ProgressiveWeakness = "progressive_weakness",
        NeckDizzinessVisionSpeech = "neck_dizziness_vision_speech",
        SuddenSevereHeadache = "sudden_severe_headache",
        UnexplainedWeightLoss = "unexplained_weight_loss",
        FeverChills = "fever_chills",
        NightPain = "night_pain",
        RecentTrauma = "recent_trauma",
        Immunosuppressed = "immunosuppressed",
        NeckDizziness = "neck_dizziness",
        DoubleVision = "double_vision",
        SpeechTrouble = "speech_trouble",
        SwallowingTrouble = "swallowing_trouble",
        DropAttacks = "drop_attacks",
        UnsteadyWalking = "unsteady_walking",
        Nausea = "nausea",
        FaceNumbness = "face_numbness",
        DangerousMechanism = "dangerous_mechanism",
        InjectsDrugs = "injects_drugs",
    }
);

impl RedFlagCode {
    /// The questions the form asks today, in the form's order. `neck_dizziness_vision_speech`
    /// joined dizziness with the other 5D/3N signs in one question, which made dizziness
    /// alone an emergency; it is no longer asked (each sign has its own question and the
    /// combination rules decide the level), but answers stored under it still raise its
    /// flags.
    pub const ASKED: &'static [RedFlagCode] = &[
        RedFlagCode::BladderBowelChange,
        RedFlagCode::SaddleNumbness,
        RedFlagCode::BilateralLegSymptoms,
        RedFlagCode::ProgressiveWeakness,
        RedFlagCode::NeckDizziness,
        RedFlagCode::DoubleVision,
        RedFlagCode::SpeechTrouble,
        RedFlagCode::SwallowingTrouble,
        RedFlagCode::DropAttacks,
        RedFlagCode::UnsteadyWalking,
        RedFlagCode::Nausea,
        RedFlagCode::FaceNumbness,
        RedFlagCode::SuddenSevereHeadache,
        RedFlagCode::UnexplainedWeightLoss,
        RedFlagCode::FeverChills,
        RedFlagCode::NightPain,
        RedFlagCode::RecentTrauma,
        RedFlagCode::DangerousMechanism,
        RedFlagCode::Immunosuppressed,
        RedFlagCode::InjectsDrugs,
    ];

    /// True for a code the form no longer asks (kept so stored answers still read).
    pub fn is_retired(self) -> bool {
        !Self::ASKED.contains(&self)
    }
}

vocabulary!(
    /// Why a rule raised a flag: what the clinic recorded that made it true. A flag
    /// raised from several facts carries the most definite one (this order).
    FlagBasis {
        FormAnswer = "form_answer",
        Diagnosis = "diagnosis",
        ExamFinding = "exam_finding",
        HistoryCorrection = "history_correction",
        MedicineList = "medicine_list",
        OperationsList = "operations_list",
        FreeText = "free_text",
        NotAnswered = "not_answered",
        Practitioner = "practitioner",
    }
);

impl FlagBasis {
    pub fn label(self) -> &'static str {
        match self {
            FlagBasis::FormAnswer => "Answer on the form",
            FlagBasis::Diagnosis => "Diagnosis",
            FlagBasis::ExamFinding => "Exam finding",
            FlagBasis::HistoryCorrection => "History correction",
            FlagBasis::MedicineList => "Medicine list",
            FlagBasis::OperationsList => "Operations list",
            FlagBasis::FreeText => "Free text on the form",
            FlagBasis::NotAnswered => "Not answered",
            FlagBasis::Practitioner => "Added by a practitioner",
        }
    }

    /// Inferred from a list or from words: the practitioner confirms or dismisses it.
    pub fn is_inferred(self) -> bool {
        matches!(
            self,
            FlagBasis::MedicineList | FlagBasis::OperationsList | FlagBasis::FreeText
        )
    }
}

vocabulary!(
    /// How a referral was made.
    ReferralMethod {
        Phone = "phone",
        Letter = "letter",
        Email = "email",
        Fax = "fax",
        EmergencyDepartment = "emergency_department",
        InPerson = "in_person",
    }
);

impl ReferralMethod {
    pub fn label(self) -> &'static str {
        match self {
            ReferralMethod::Phone => "By phone",
            ReferralMethod::Letter => "By letter",
            ReferralMethod::Email => "By email",
            ReferralMethod::Fax => "By fax",
            ReferralMethod::EmergencyDepartment => "Sent to the emergency department",
            ReferralMethod::InPerson => "In person",
        }
    }
}

vocabulary!(
    /// An answer to a condition question. `unsure` counts as `yes` for flags (fail safe).
    Answer {
        Yes = "yes",
        No = "no",
        Unsure = "unsure",
    }
);

impl Answer {
    pub fn counts_as_yes(self) -> bool {
        !matches!(self, Answer::No)
    }
}

crate::domain::vocabulary::labelled!(Region, Technique, FlagLevel, FlagBasis, ReferralMethod);
