//! The shipped ICD-10-CM list (part B §7): the codes a chiropractic first visit uses,
//! with plain descriptors. Descriptors are ours, shortened; verify them against the CMS
//! files of the current fiscal year before release (docs/clinical-rules.md says so).

pub struct Icd10 {
    pub code: &'static str,
    pub description: &'static str,
}

const fn c(code: &'static str, description: &'static str) -> Icd10 {
    Icd10 { code, description }
}

pub static ICD10_CODES: &[Icd10] = &[
    // Segmental dysfunction (the Medicare primary diagnosis).
    c("M99.00", "Segmental and somatic dysfunction of head region"),
    c(
        "M99.01",
        "Segmental and somatic dysfunction of cervical region",
    ),
    c(
        "M99.02",
        "Segmental and somatic dysfunction of thoracic region",
    ),
    c(
        "M99.03",
        "Segmental and somatic dysfunction of lumbar region",
    ),
    c(
        "M99.04",
        "Segmental and somatic dysfunction of sacral region",
    ),
    c(
        "M99.05",
        "Segmental and somatic dysfunction of pelvic region",
    ),
    c(
        "M99.06",
        "Segmental and somatic dysfunction of lower extremity",
    ),
    c(
        "M99.07",
        "Segmental and somatic dysfunction of upper extremity",
    ),
    c("M99.08", "Segmental and somatic dysfunction of rib cage"),
    // Pain.
    c("M54.2", "Cervicalgia (neck pain)"),
    c("M54.6", "Pain in thoracic spine"),
    c("M54.50", "Low back pain, unspecified"),
    c("M54.51", "Vertebrogenic low back pain"),
    c("M54.59", "Other low back pain"),
    c("M54.30", "Sciatica, unspecified side"),
    c("M54.31", "Sciatica, right side"),
    c("M54.32", "Sciatica, left side"),
    c("M54.40", "Lumbago with sciatica, unspecified side"),
    c("M54.41", "Lumbago with sciatica, right side"),
    c("M54.42", "Lumbago with sciatica, left side"),
    c("M54.12", "Radiculopathy, cervical region"),
    c("M54.13", "Radiculopathy, cervicothoracic region"),
    c("M54.14", "Radiculopathy, thoracic region"),
    c("M54.15", "Radiculopathy, thoracolumbar region"),
    c("M54.16", "Radiculopathy, lumbar region"),
    c("M54.17", "Radiculopathy, lumbosacral region"),
    c("M54.81", "Occipital neuralgia"),
    // Disc.
    c(
        "M50.120",
        "Cervical disc disorder with radiculopathy, mid-cervical, unspecified level",
    ),
    c(
        "M50.121",
        "Cervical disc disorder at C4-C5 with radiculopathy",
    ),
    c(
        "M50.122",
        "Cervical disc disorder at C5-C6 with radiculopathy",
    ),
    c(
        "M50.123",
        "Cervical disc disorder at C6-C7 with radiculopathy",
    ),
    c(
        "M50.20",
        "Other cervical disc displacement, unspecified level",
    ),
    c(
        "M51.16",
        "Intervertebral disc disorder with radiculopathy, lumbar region",
    ),
    c(
        "M51.17",
        "Intervertebral disc disorder with radiculopathy, lumbosacral region",
    ),
    c(
        "M51.26",
        "Other intervertebral disc displacement, lumbar region",
    ),
    c(
        "M51.27",
        "Other intervertebral disc displacement, lumbosacral region",
    ),
    c(
        "M51.360",
        "Other intervertebral disc degeneration, lumbar region, discogenic back pain only",
    ),
    c(
        "M51.369",
        "Other intervertebral disc degeneration, lumbar region, without mention of back or leg pain",
    ),
    c(
        "M51.37",
        "Other intervertebral disc degeneration, lumbosacral region",
    ),
    // Structural.
    c(
        "M47.812",
        "Spondylosis without myelopathy or radiculopathy, cervical region",
    ),
    c(
        "M47.816",
        "Spondylosis without myelopathy or radiculopathy, lumbar region",
    ),
    c(
        "M48.061",
        "Spinal stenosis, lumbar region, without neurogenic claudication",
    ),
    c(
        "M48.062",
        "Spinal stenosis, lumbar region, with neurogenic claudication",
    ),
    c("M43.16", "Spondylolisthesis, lumbar region"),
    c("M41.9", "Scoliosis, unspecified"),
    c("M40.209", "Unspecified kyphosis, site unspecified"),
    c("M40.50", "Lordosis, unspecified, site unspecified"),
    c("M43.6", "Torticollis"),
    // Soft tissue and injury (7th character A = initial encounter).
    c("M62.830", "Muscle spasm of back"),
    c("M79.18", "Myalgia, other site"),
    c(
        "S13.4XXA",
        "Sprain of ligaments of cervical spine, initial encounter",
    ),
    c(
        "S16.1XXA",
        "Strain of muscle, fascia and tendon at neck level, initial encounter",
    ),
    c(
        "S33.5XXA",
        "Sprain of ligaments of lumbar spine, initial encounter",
    ),
    c(
        "S39.012A",
        "Strain of muscle, fascia and tendon of lower back, initial encounter",
    ),
    c("S33.6XXA", "Sprain of sacroiliac joint, initial encounter"),
    // Headache.
    c("G44.86", "Cervicogenic headache"),
    c(
        "G44.209",
        "Tension-type headache, unspecified, not intractable",
    ),
    c("R51.9", "Headache, unspecified"),
    // Codes that raise contraindication flags.
    c(
        "M81.0",
        "Age-related osteoporosis without current pathological fracture",
    ),
    c(
        "M80.08XA",
        "Age-related osteoporosis with current pathological fracture, vertebra, initial encounter",
    ),
    c(
        "M48.50XA",
        "Collapsed vertebra, not elsewhere classified, site unspecified, initial encounter for fracture",
    ),
    c(
        "S12.9XXA",
        "Fracture of neck, unspecified, initial encounter",
    ),
    c(
        "S22.009A",
        "Unspecified fracture of unspecified thoracic vertebra, initial encounter for closed fracture",
    ),
    c(
        "S32.009A",
        "Unspecified fracture of unspecified lumbar vertebra, initial encounter for closed fracture",
    ),
    c(
        "M45.9",
        "Ankylosing spondylitis of unspecified sites in spine",
    ),
    c("M06.9", "Rheumatoid arthritis, unspecified"),
    c("M46.20", "Osteomyelitis of vertebra, site unspecified"),
    c("M46.40", "Discitis, unspecified, site unspecified"),
    c("G83.4", "Cauda equina syndrome"),
    c("C79.51", "Secondary malignant neoplasm of bone"),
    c("I77.71", "Dissection of carotid artery"),
    c("I77.74", "Dissection of vertebral artery"),
    c(
        "I71.9",
        "Aortic aneurysm of unspecified site, without rupture",
    ),
    c(
        "Q07.00",
        "Arnold-Chiari syndrome without spina bifida or hydrocephalus",
    ),
    c("G95.0", "Syringomyelia and syringobulbia"),
    c("Z79.01", "Long term (current) use of anticoagulants"),
    c("Z79.52", "Long term (current) use of systemic steroids"),
    c("Z98.1", "Arthrodesis status (spinal fusion)"),
];

pub fn find(code: &str) -> Option<&'static Icd10> {
    ICD10_CODES
        .iter()
        .find(|c| c.code.eq_ignore_ascii_case(code))
}

/// Codes whose code starts with the query (ignoring the dot), or whose description
/// contains every word of it; code matches first.
pub fn search(query: &str) -> Vec<&'static Icd10> {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return ICD10_CODES.iter().collect();
    }
    let undotted = |s: &str| s.replace('.', "").to_lowercase();
    let qcode = undotted(&q);
    let words: Vec<&str> = q.split_whitespace().collect();
    let mut by_code: Vec<&Icd10> = ICD10_CODES
        .iter()
        .filter(|c| undotted(c.code).starts_with(&qcode))
        .collect();
    let by_words = ICD10_CODES.iter().filter(|c| {
        let d = c.description.to_lowercase();
        !by_code.iter().any(|b| b.code == c.code) && words.iter().all(|w| d.contains(w))
    });
    let mut rest: Vec<&Icd10> = by_words.collect();
    by_code.append(&mut rest);
    by_code
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_by_code_and_by_words() {
        assert_eq!(search("M54.5")[0].code, "M54.50");
        assert_eq!(search("m545").len(), 3);
        let low_back: Vec<&str> = search("low back").iter().map(|c| c.code).collect();
        assert!(low_back.contains(&"M54.50") && low_back.contains(&"M54.59"));
        assert!(
            search("cervicogenic headache")
                .iter()
                .any(|c| c.code == "G44.86")
        );
        assert!(search("nothing like this").is_empty());
    }

    #[test]
    fn codes_are_unique_and_deleted_m54_5_is_absent() {
        for (i, a) in ICD10_CODES.iter().enumerate() {
            assert!(
                ICD10_CODES[i + 1..].iter().all(|b| b.code != a.code),
                "{}",
                a.code
            );
        }
        // ICD-10-CM deleted M54.5 on 1 October 2021 (part B §7).
        assert!(find("M54.5").is_none());
    }
}
