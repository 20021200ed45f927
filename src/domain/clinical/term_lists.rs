//! The shipped lists that turn what a patient writes into the part A facts it implies:
//! medicine names (generic and common brand names) by drug class, operation words, and
//! condition words for free text. A patient who lists Eliquis but ticks "no" to blood
//! thinners still raises the anticoagulant flags, with the evidence "Medicine list:
//! Eliquis (apixaban)". `docs/clinical-rules.md` prints these lists; a test keeps them
//! in step. Matching (in [`super::term_match`]) folds case and accents.

use super::codes::{ConditionCode as C, RedFlagCode as R};

/// What a match implies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Implies {
    Condition(C),
    RedFlag(R),
}

impl Implies {
    pub fn code(self) -> &'static str {
        match self {
            Implies::Condition(c) => c.as_str(),
            Implies::RedFlag(r) => r.as_str(),
        }
    }
}

/// A drug class: what it implies, and where the class membership comes from.
#[derive(Debug)]
pub struct MedicineClass {
    pub name: &'static str,
    pub implies: Implies,
    pub source: &'static str,
    /// Generic names first, then brands; each as the patient may write it.
    pub names: &'static [(&'static str, &'static str)],
}

/// `(written name, generic name)`; a generic's own row repeats it.
const fn g(name: &'static str) -> (&'static str, &'static str) {
    (name, name)
}

pub static MEDICINE_CLASSES: &[MedicineClass] = &[
    MedicineClass {
        name: "vitamin K antagonist (anticoagulant)",
        implies: Implies::Condition(C::Anticoagulants),
        source: "WHO ATC B01AA",
        names: &[
            g("warfarin"),
            g("acenocoumarol"),
            g("phenprocoumon"),
            g("fluindione"),
            ("Coumadin", "warfarin"),
            ("Jantoven", "warfarin"),
            ("Marevan", "warfarin"),
            ("Waran", "warfarin"),
            ("Sintrom", "acenocoumarol"),
            ("Marcumar", "phenprocoumon"),
            ("Falithrom", "phenprocoumon"),
            ("Previscan", "fluindione"),
        ],
    },
    MedicineClass {
        name: "direct oral anticoagulant",
        implies: Implies::Condition(C::Anticoagulants),
        source: "WHO ATC B01AE, B01AF",
        names: &[
            g("apixaban"),
            g("rivaroxaban"),
            g("edoxaban"),
            g("dabigatran"),
            ("Eliquis", "apixaban"),
            ("Xarelto", "rivaroxaban"),
            ("Lixiana", "edoxaban"),
            ("Savaysa", "edoxaban"),
            ("Pradaxa", "dabigatran"),
            ("Pradax", "dabigatran"),
        ],
    },
    MedicineClass {
        name: "heparin (anticoagulant)",
        implies: Implies::Condition(C::Anticoagulants),
        source: "WHO ATC B01AB, B01AX",
        names: &[
            g("heparin"),
            g("enoxaparin"),
            g("dalteparin"),
            g("tinzaparin"),
            g("fondaparinux"),
            ("Lovenox", "enoxaparin"),
            ("Clexane", "enoxaparin"),
            ("Inhixa", "enoxaparin"),
            ("Fragmin", "dalteparin"),
            ("Innohep", "tinzaparin"),
            ("Arixtra", "fondaparinux"),
        ],
    },
    // Antiplatelets are not anticoagulants, but patients call them blood thinners and
    // they raise the bleeding risk the anticoagulant rows guard against (HAWK, OLD).
    // Aspirin is left out: it is taken at any dose as a painkiller, and a flag on every
    // patient who takes it for a headache would teach people to ignore the banner.
    MedicineClass {
        name: "antiplatelet",
        implies: Implies::Condition(C::Anticoagulants),
        source: "WHO ATC B01AC; HAWK; OLD",
        names: &[
            g("clopidogrel"),
            g("prasugrel"),
            g("ticagrelor"),
            g("ticlopidine"),
            g("dipyridamole"),
            g("cilostazol"),
            ("Plavix", "clopidogrel"),
            ("Iscover", "clopidogrel"),
            ("Effient", "prasugrel"),
            ("Efient", "prasugrel"),
            ("Brilinta", "ticagrelor"),
            ("Brilique", "ticagrelor"),
            ("Ticlid", "ticlopidine"),
            ("Persantine", "dipyridamole"),
            ("Aggrenox", "dipyridamole with aspirin"),
            ("Pletal", "cilostazol"),
        ],
    },
    // Systemic (tablet or injection) corticosteroids only: hydrocortisone and
    // betamethasone are left out as generic names because most patients who list them
    // mean a cream; their tablet brands are listed.
    MedicineClass {
        name: "systemic corticosteroid",
        implies: Implies::Condition(C::LongTermSteroids),
        source: "WHO ATC H02AB",
        names: &[
            g("prednisone"),
            g("prednisolone"),
            g("methylprednisolone"),
            g("dexamethasone"),
            g("deflazacort"),
            g("cortisone"),
            ("Deltasone", "prednisone"),
            ("Rayos", "prednisone"),
            ("Winpred", "prednisone"),
            ("Orapred", "prednisolone"),
            ("Millipred", "prednisolone"),
            ("Medrol", "methylprednisolone"),
            ("Decadron", "dexamethasone"),
            ("Emflaza", "deflazacort"),
            ("Calcort", "deflazacort"),
            ("Cortef", "hydrocortisone tablets"),
            ("Celestone", "betamethasone tablets"),
        ],
    },
    MedicineClass {
        name: "bisphosphonate (osteoporosis treatment)",
        implies: Implies::Condition(C::Osteoporosis),
        source: "WHO ATC M05BA, M05BB",
        names: &[
            g("alendronate"),
            ("alendronic acid", "alendronate"),
            g("risedronate"),
            g("ibandronate"),
            ("ibandronic acid", "ibandronate"),
            g("zoledronate"),
            ("zoledronic acid", "zoledronate"),
            g("pamidronate"),
            ("Fosamax", "alendronate"),
            ("Binosto", "alendronate"),
            ("Fosavance", "alendronate"),
            ("Actonel", "risedronate"),
            ("Atelvia", "risedronate"),
            ("Boniva", "ibandronate"),
            ("Bonviva", "ibandronate"),
            ("Reclast", "zoledronate"),
            ("Aclasta", "zoledronate"),
            ("Aredia", "pamidronate"),
        ],
    },
    MedicineClass {
        name: "osteoporosis treatment",
        implies: Implies::Condition(C::Osteoporosis),
        source: "WHO ATC M05BX, H05AA, G03XC",
        names: &[
            g("denosumab"),
            g("teriparatide"),
            g("abaloparatide"),
            g("romosozumab"),
            g("raloxifene"),
            ("Prolia", "denosumab"),
            ("Forteo", "teriparatide"),
            ("Forsteo", "teriparatide"),
            ("Tymlos", "abaloparatide"),
            ("Eladynos", "abaloparatide"),
            ("Evenity", "romosozumab"),
            ("Evista", "raloxifene"),
        ],
    },
    // The brands of denosumab and zoledronate dosed for bone metastases: a patient who
    // lists them is being treated for cancer in bone.
    MedicineClass {
        name: "treatment of bone metastases",
        implies: Implies::Condition(C::Cancer),
        source: "Product labels (Xgeva, Zometa): skeletal events of bone metastases",
        names: &[
            ("Xgeva", "denosumab 120 mg"),
            ("Zometa", "zoledronate 4 mg"),
        ],
    },
    MedicineClass {
        name: "hormone or oral cancer treatment",
        implies: Implies::Condition(C::Cancer),
        source: "WHO ATC L02B, L01BC",
        names: &[
            g("tamoxifen"),
            g("letrozole"),
            g("anastrozole"),
            g("exemestane"),
            g("bicalutamide"),
            g("enzalutamide"),
            g("abiraterone"),
            g("capecitabine"),
            ("Nolvadex", "tamoxifen"),
            ("Femara", "letrozole"),
            ("Arimidex", "anastrozole"),
            ("Aromasin", "exemestane"),
            ("Casodex", "bicalutamide"),
            ("Xtandi", "enzalutamide"),
            ("Zytiga", "abiraterone"),
            ("Xeloda", "capecitabine"),
        ],
    },
    MedicineClass {
        name: "immunosuppressant",
        implies: Implies::RedFlag(R::Immunosuppressed),
        source: "WHO ATC L04A",
        names: &[
            g("methotrexate"),
            g("azathioprine"),
            g("mycophenolate"),
            g("tacrolimus"),
            g("ciclosporin"),
            g("cyclosporine"),
            g("sirolimus"),
            g("leflunomide"),
            g("adalimumab"),
            g("etanercept"),
            g("infliximab"),
            g("rituximab"),
            g("tofacitinib"),
            g("baricitinib"),
            g("upadacitinib"),
            ("Trexall", "methotrexate"),
            ("Otrexup", "methotrexate"),
            ("Metoject", "methotrexate"),
            ("Imuran", "azathioprine"),
            ("CellCept", "mycophenolate"),
            ("Myfortic", "mycophenolate"),
            ("Prograf", "tacrolimus"),
            ("Advagraf", "tacrolimus"),
            ("Neoral", "ciclosporin"),
            ("Sandimmune", "ciclosporin"),
            ("Rapamune", "sirolimus"),
            ("Arava", "leflunomide"),
            ("Humira", "adalimumab"),
            ("Enbrel", "etanercept"),
            ("Remicade", "infliximab"),
            ("Rituxan", "rituximab"),
            ("MabThera", "rituximab"),
            ("Xeljanz", "tofacitinib"),
            ("Olumiant", "baricitinib"),
            ("Rinvoq", "upadacitinib"),
        ],
    },
];

/// Where an operation word counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// The word is about the spine (or cancer) by itself.
    Always,
    /// A word used for any joint ("fusion", "arthroplasty", "screws"): it counts when the
    /// text names a part of the spine, or names no body part at all (fail safe); "ankle
    /// fusion" or "knee arthroplasty" does not count.
    SpineOrUnnamed,
}

#[derive(Debug)]
pub struct OperationTerm {
    /// The words, as folded lower-case tokens in order.
    pub words: &'static str,
    pub implies: Implies,
    pub context: Context,
}

const fn op(words: &'static str, implies: C, context: Context) -> OperationTerm {
    OperationTerm {
        words,
        implies: Implies::Condition(implies),
        context,
    }
}

/// The source of the operations list, for the rule table's doc.
pub const OPERATIONS_SOURCE: &str =
    "WHO; PMC-T; BMC-T (spinal surgery, fixation hardware); common operation names";

pub static OPERATION_TERMS: &[OperationTerm] = &[
    op("laminectomy", C::SpinalSurgery, Context::Always),
    op("laminotomy", C::SpinalSurgery, Context::Always),
    op("laminoplasty", C::SpinalSurgery, Context::Always),
    op("discectomy", C::SpinalSurgery, Context::Always),
    op("diskectomy", C::SpinalSurgery, Context::Always),
    op("microdiscectomy", C::SpinalSurgery, Context::Always),
    op("microdiskectomy", C::SpinalSurgery, Context::Always),
    op("foraminotomy", C::SpinalSurgery, Context::Always),
    op("corpectomy", C::SpinalSurgery, Context::Always),
    op("kyphoplasty", C::SpinalSurgery, Context::Always),
    op("vertebroplasty", C::SpinalSurgery, Context::Always),
    op("spondylodesis", C::SpinalSurgery, Context::Always),
    op("acdf", C::SpinalSurgery, Context::Always),
    op("tlif", C::SpinalSurgery, Context::Always),
    op("plif", C::SpinalSurgery, Context::Always),
    op("alif", C::SpinalSurgery, Context::Always),
    op("xlif", C::SpinalSurgery, Context::Always),
    op("olif", C::SpinalSurgery, Context::Always),
    op("disc replacement", C::SpinalSurgery, Context::Always),
    op("disk replacement", C::SpinalSurgery, Context::Always),
    op("spinal cord stimulator", C::SpinalSurgery, Context::Always),
    op("back surgery", C::SpinalSurgery, Context::Always),
    op("back operation", C::SpinalSurgery, Context::Always),
    op("spine surgery", C::SpinalSurgery, Context::Always),
    op("spinal surgery", C::SpinalSurgery, Context::Always),
    op("neck surgery", C::SpinalSurgery, Context::Always),
    op("fusion", C::SpinalSurgery, Context::SpineOrUnnamed),
    op("arthrodesis", C::SpinalSurgery, Context::SpineOrUnnamed),
    op("arthroplasty", C::SpinalSurgery, Context::SpineOrUnnamed),
    op("rods", C::SpinalSurgery, Context::SpineOrUnnamed),
    op("rod", C::SpinalSurgery, Context::SpineOrUnnamed),
    op("screws", C::SpinalSurgery, Context::SpineOrUnnamed),
    op("instrumentation", C::SpinalSurgery, Context::SpineOrUnnamed),
    op("mastectomy", C::Cancer, Context::Always),
    op("lumpectomy", C::Cancer, Context::Always),
    op("prostatectomy", C::Cancer, Context::Always),
    op("tumour", C::Cancer, Context::Always),
    op("tumor", C::Cancer, Context::Always),
    op("chemotherapy", C::Cancer, Context::Always),
    op("chemo", C::Cancer, Context::Always),
    op("radiotherapy", C::Cancer, Context::Always),
    op("radiation therapy", C::Cancer, Context::Always),
];

/// Body parts that are not the spine: a generic operation word beside one of these is
/// about that joint.
pub const OTHER_BODY_PARTS: &[&str] = &[
    "ankle", "foot", "feet", "toe", "toes", "bunion", "wrist", "hand", "finger", "thumb", "hip",
    "knee", "shoulder", "elbow", "jaw", "tmj", "hallux",
];

/// Words for the spine as a whole (levels like `L4` or `C5` are recognised too).
pub const SPINE_WORDS: &[&str] = &[
    "spine",
    "spinal",
    "back",
    "neck",
    "vertebra",
    "vertebrae",
    "vertebral",
    "disc",
    "disk",
    "cervical",
    "thoracic",
    "lumbar",
    "lumbosacral",
    "sacrum",
    "sacral",
    "sacroiliac",
];

#[derive(Debug)]
pub struct ConditionWord {
    pub words: &'static str,
    pub implies: Implies,
}

const fn word(words: &'static str, c: C) -> ConditionWord {
    ConditionWord {
        words,
        implies: Implies::Condition(c),
    }
}

/// Condition words looked for in free text (other conditions, a medicine's reason, a
/// practitioner's correction), where "no" or "never" just before them cancels them.
pub const CONDITION_WORDS_SOURCE: &str = "part A condition names and their common synonyms";

pub static CONDITION_WORDS: &[ConditionWord] = &[
    word("osteoporosis", C::Osteoporosis),
    word("osteopenia", C::Osteoporosis),
    word("thin bones", C::Osteoporosis),
    word("thinning bones", C::Osteoporosis),
    word("low bone density", C::Osteoporosis),
    word("rheumatoid", C::RheumatoidArthritis),
    word("ankylosing", C::AnkylosingSpondylitis),
    word("spondyloarthritis", C::AnkylosingSpondylitis),
    word("bechterew", C::AnkylosingSpondylitis),
    word("ehlers", C::ConnectiveTissueDisorder),
    word("marfan", C::ConnectiveTissueDisorder),
    word("hypermobility syndrome", C::ConnectiveTissueDisorder),
    word("down syndrome", C::DownSyndrome),
    word("trisomy 21", C::DownSyndrome),
    word("pregnant", C::Pregnancy),
    word("pregnancy", C::Pregnancy),
    word("aneurysm", C::Aneurysm),
    word("aaa", C::Aneurysm),
    word("stroke", C::StrokeOrTia),
    word("tia", C::StrokeOrTia),
    word("artery dissection", C::NeckArteryProblem),
    word("carotid dissection", C::NeckArteryProblem),
    word("vertebral dissection", C::NeckArteryProblem),
    word("pacemaker", C::Pacemaker),
    word("defibrillator", C::Pacemaker),
    word("neurostimulator", C::Pacemaker),
    word("haemophilia", C::BleedingDisorder),
    word("hemophilia", C::BleedingDisorder),
    word("von willebrand", C::BleedingDisorder),
    word("thrombocytopenia", C::BleedingDisorder),
    word("cancer", C::Cancer),
    word("carcinoma", C::Cancer),
    word("lymphoma", C::Cancer),
    word("leukaemia", C::Cancer),
    word("leukemia", C::Cancer),
    word("myeloma", C::Cancer),
    word("melanoma", C::Cancer),
    word("sarcoma", C::Cancer),
    word("metastasis", C::Cancer),
    word("metastases", C::Cancer),
    word("metastatic", C::Cancer),
    word("malignancy", C::Cancer),
    word("spondylolisthesis", C::Spondylolisthesis),
    word("herniated disc", C::DiscHerniation),
    word("herniated disk", C::DiscHerniation),
    word("disc herniation", C::DiscHerniation),
    word("slipped disc", C::DiscHerniation),
    word("bulging disc", C::DiscHerniation),
    word("disc bulge", C::DiscHerniation),
    word("disc prolapse", C::DiscHerniation),
];

/// Words that cancel a condition word just after them in free text.
pub const NEGATIONS: &[&str] = &["no", "not", "never", "denies", "without", "negative"];

/// The medicine list as Markdown, for `docs/clinical-rules.md`.
pub fn medicines_markdown() -> String {
    let mut out = String::from(
        "| drug class | implies | source | names (generic, then brand → generic) |\n|---|---|---|---|\n",
    );
    for c in MEDICINE_CLASSES {
        let names: Vec<String> = c
            .names
            .iter()
            .map(|(w, g)| {
                if w == g {
                    (*w).to_owned()
                } else {
                    format!("{w} → {g}")
                }
            })
            .collect();
        out.push_str(&format!(
            "| {} | `{}` | {} | {} |\n",
            c.name,
            c.implies.code(),
            c.source,
            names.join(", ")
        ));
    }
    out
}

/// The operations list and the condition words as Markdown.
pub fn words_markdown() -> String {
    let mut out = format!(
        "Operations list (source: {OPERATIONS_SOURCE}):\n\n| words | implies | counts |\n|---|---|---|\n"
    );
    for t in OPERATION_TERMS {
        let counts = match t.context {
            Context::Always => "always",
            Context::SpineOrUnnamed => "when the text names the spine or no body part",
        };
        out.push_str(&format!(
            "| {} | `{}` | {counts} |\n",
            t.words,
            t.implies.code()
        ));
    }
    out.push_str(&format!(
        "\nCondition words in free text (source: {CONDITION_WORDS_SOURCE}; cancelled by {} within the three words before):\n\n| words | implies |\n|---|---|\n",
        NEGATIONS.join(", ")
    ));
    for w in CONDITION_WORDS {
        out.push_str(&format!("| {} | `{}` |\n", w.words, w.implies.code()));
    }
    out
}
