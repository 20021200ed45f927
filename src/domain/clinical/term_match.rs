//! Finding the shipped lists' terms ([`super::term_lists`]) in what a patient wrote:
//! whole words, case and accents folded ("ÉLIQUIS 5 mg" is Eliquis), multi-word terms
//! in order ("zoledronic acid").

use super::codes::Region;
use super::term_lists::{
    CONDITION_WORDS, Context, Implies, MEDICINE_CLASSES, NEGATIONS, OPERATION_TERMS,
    OTHER_BODY_PARTS, SPINE_WORDS,
};
use crate::domain::patient::words;

/// One term found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermMatch {
    pub implies: Implies,
    /// For people: "Eliquis (apixaban, direct oral anticoagulant)".
    pub text: String,
    /// The spinal regions the text names ("L4–L5 fusion" → lumbar), if any.
    pub regions: Vec<Region>,
}

/// Positions where `term`'s words stand in `tokens`, in order and next to each other.
fn positions(tokens: &[String], term: &str) -> Vec<usize> {
    let want = words(term);
    if want.is_empty() || tokens.len() < want.len() {
        return Vec::new();
    }
    (0..=tokens.len() - want.len())
        .filter(|&i| tokens[i..i + want.len()] == want[..])
        .collect()
}

/// A spinal level written as a token: `c5`, `t12`, `l4`, `s1` (also `l5s1`).
fn spinal_level(token: &str) -> Option<Region> {
    let mut chars = token.chars();
    let region = match chars.next()? {
        'c' => Region::Cervical,
        't' => Region::Thoracic,
        'l' => Region::Lumbar,
        's' => Region::SacralPelvic,
        _ => return None,
    };
    let digits: String = chars.take_while(char::is_ascii_digit).collect();
    let n: u32 = digits.parse().ok()?;
    let max = match region {
        Region::Cervical => 7,
        Region::Thoracic => 12,
        Region::Lumbar => 6,
        _ => 5,
    };
    (1..=max).contains(&n).then_some(region)
}

/// The spinal regions a text names, by level or by word.
fn regions_named(tokens: &[String]) -> Vec<Region> {
    let mut out = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        let next = tokens.get(i + 1).map(String::as_str);
        let r = match t.as_str() {
            "cervical" | "neck" | "acdf" => Some(Region::Cervical),
            "thoracic" => Some(Region::Thoracic),
            "lumbar" | "lumbosacral" | "tlif" | "plif" | "alif" | "xlif" | "olif" => {
                Some(Region::Lumbar)
            }
            "low" | "lower" if next == Some("back") => Some(Region::Lumbar),
            "sacrum" | "sacral" | "sacroiliac" => Some(Region::SacralPelvic),
            other => spinal_level(other),
        };
        if let Some(r) = r
            && !out.contains(&r)
        {
            out.push(r);
        }
    }
    out.sort();
    out
}

fn names_spine(tokens: &[String]) -> bool {
    tokens
        .iter()
        .any(|t| SPINE_WORDS.contains(&t.as_str()) || spinal_level(t).is_some())
}

fn names_other_part(tokens: &[String]) -> bool {
    tokens
        .iter()
        .any(|t| OTHER_BODY_PARTS.contains(&t.as_str()))
}

fn push(out: &mut Vec<TermMatch>, m: TermMatch) {
    if !out.iter().any(|o| o.implies == m.implies) {
        out.push(m);
    }
}

/// The drug classes a medicine name belongs to.
pub fn medicine(name: &str) -> Vec<TermMatch> {
    let tokens = words(name);
    let mut out = Vec::new();
    for class in MEDICINE_CLASSES {
        for (written, generic) in class.names {
            if positions(&tokens, written).is_empty() {
                continue;
            }
            let text = if written.eq_ignore_ascii_case(generic) {
                format!("{written} ({})", class.name)
            } else {
                format!("{written} ({generic}, {})", class.name)
            };
            push(
                &mut out,
                TermMatch {
                    implies: class.implies,
                    text,
                    regions: Vec::new(),
                },
            );
        }
    }
    out
}

/// The conditions an operation implies.
pub fn operation(text: &str) -> Vec<TermMatch> {
    let tokens = words(text);
    let spine = names_spine(&tokens);
    let other = names_other_part(&tokens);
    let mut out = Vec::new();
    for term in OPERATION_TERMS {
        if positions(&tokens, term.words).is_empty() {
            continue;
        }
        if term.context == Context::SpineOrUnnamed && !spine && other {
            continue;
        }
        push(
            &mut out,
            TermMatch {
                implies: term.implies,
                text: format!("“{}”", text.trim()),
                regions: regions_named(&tokens),
            },
        );
    }
    out
}

/// Everything free text names: condition words (unless "no", "not", "never"… stands
/// within the three words before), and medicine and operation terms.
pub fn free_text(text: &str) -> Vec<TermMatch> {
    let tokens = words(text);
    let mut out = Vec::new();
    for w in CONDITION_WORDS {
        let affirmed = positions(&tokens, w.words).into_iter().any(|at| {
            !tokens[at.saturating_sub(3)..at]
                .iter()
                .any(|t| NEGATIONS.contains(&t.as_str()))
        });
        if affirmed {
            push(
                &mut out,
                TermMatch {
                    implies: w.implies,
                    text: format!("“{}”", text.trim()),
                    regions: regions_named(&tokens),
                },
            );
        }
    }
    for m in medicine(text).into_iter().chain(operation(text)) {
        push(&mut out, m);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn implied(found: &[TermMatch]) -> Vec<&'static str> {
        let mut v: Vec<&str> = found.iter().map(|m| m.implies.code()).collect();
        v.sort();
        v
    }

    /// Every name of every class, as written, in capitals and inside a longer line,
    /// implies the class's condition.
    #[test]
    fn every_listed_medicine_implies_its_condition() {
        let mut n = 0;
        for class in MEDICINE_CLASSES {
            for (written, _) in class.names {
                for line in [
                    written.to_string(),
                    written.to_uppercase(),
                    format!("{written} 5 mg twice a day"),
                ] {
                    let found = medicine(&line);
                    assert!(
                        found.iter().any(|m| m.implies == class.implies),
                        "{line:?} should imply {}",
                        class.implies.code()
                    );
                }
                n += 1;
            }
        }
        assert!(n >= 140, "{n} medicine names");
    }

    #[test]
    fn medicines_by_example() {
        let cases: &[(&str, &[&str])] = &[
            ("Eliquis 5mg", &["anticoagulants"]),
            ("ÉLIQUIS", &["anticoagulants"]),
            ("apixaban", &["anticoagulants"]),
            ("clopidogrel 75 mg", &["anticoagulants"]),
            ("Prednisone 5 mg daily", &["long_term_steroids"]),
            ("Fosamax weekly", &["osteoporosis"]),
            ("alendronic acid 70mg", &["osteoporosis"]),
            ("Prolia injection every 6 months", &["osteoporosis"]),
            ("Xgeva", &["cancer"]),
            ("letrozole", &["cancer"]),
            ("methotrexate 15 mg weekly", &["immunosuppressed"]),
            ("Aspirin 81 mg", &[]),
            ("hydrocortisone cream", &[]),
            ("paracetamol", &[]),
            ("ibuprofen", &[]),
            ("warfarinx", &[]),
        ];
        for (line, want) in cases {
            assert_eq!(implied(&medicine(line)), *want, "{line}");
        }
    }

    #[test]
    fn every_operation_term_implies_its_condition() {
        for term in OPERATION_TERMS {
            let found = operation(term.words);
            assert!(
                found.iter().any(|m| m.implies == term.implies),
                "{}",
                term.words
            );
        }
    }

    #[test]
    fn operations_by_example() {
        let cases: &[(&str, &[&str], &[Region])] = &[
            ("L4–L5 fusion", &["spinal_surgery"], &[Region::Lumbar]),
            (
                "Spinal fusion L4-S1 2019",
                &["spinal_surgery"],
                &[Region::Lumbar, Region::SacralPelvic],
            ),
            ("ACDF C5/6", &["spinal_surgery"], &[Region::Cervical]),
            ("microdiscectomy", &["spinal_surgery"], &[]),
            ("fusion", &["spinal_surgery"], &[]),
            ("rods and screws in my back", &["spinal_surgery"], &[]),
            ("ankle fusion", &[], &[]),
            ("right knee arthroplasty", &[], &[]),
            ("hip replacement", &[], &[]),
            ("appendectomy", &[], &[]),
            ("mastectomy 2015", &["cancer"], &[]),
            ("removal of brain tumour", &["cancer"], &[]),
        ];
        for (text, want, regions) in cases {
            let found = operation(text);
            assert_eq!(implied(&found), *want, "{text}");
            if let Some(m) = found.first() {
                assert_eq!(m.regions, *regions, "{text}");
            }
        }
    }

    #[test]
    fn free_text_by_example() {
        let cases: &[(&str, &[&str])] = &[
            ("osteopenia on last DEXA", &["osteoporosis"]),
            ("breast cancer 2015, in remission", &["cancer"]),
            ("no history of cancer", &[]),
            ("never had a stroke", &[]),
            ("takes Xarelto since 2022", &["anticoagulants"]),
            ("L5 laminectomy", &["spinal_surgery"]),
            ("high blood pressure", &[]),
            ("Marfan syndrome", &["connective_tissue_disorder"]),
            ("she is pregnant (12 weeks)", &["pregnancy"]),
        ];
        for (text, want) in cases {
            assert_eq!(implied(&free_text(text)), *want, "{text}");
        }
    }

    #[test]
    fn every_condition_word_is_found() {
        for w in CONDITION_WORDS {
            let found = free_text(w.words);
            assert!(found.iter().any(|m| m.implies == w.implies), "{}", w.words);
        }
    }
}
