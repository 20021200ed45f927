//! The printable assessment summary: a fully charted, signed record with an addendum
//! prints every section, the flags, the three pictures, the signature with its hash and
//! the addendum; a record never charted says so; the front desk never sees it.

use clinic::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser};
use crate::intake_answers::every_question_answered;

/// With `CLINIC_PRINT_HTML_DIR` set, keeps the printed page there (for a screenshot of
/// the summary with the two stylesheets copied next to it).
fn keep_for_screenshot(name: &str, html: &str) {
    if let Ok(dir) = std::env::var("CLINIC_PRINT_HTML_DIR") {
        std::fs::write(std::path::Path::new(&dir).join(name), html).unwrap();
    }
}

/// A patient with a paper intake (blood thinners: a relative contraindication and a
/// precaution) and a treatment consent; returns the patient id.
async fn patient_with_intake(app: &TestApp, desk: &TestUser) -> String {
    let token = app.api_token(desk).await;
    let (s, p) = app
        .post_json(
            "/api/v1/patients",
            Some(&token),
            &json!({"given_name": "Ingrid", "family_name": "Halvorsen", "date_of_birth": "1971-09-14", "sex": "female"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let pid = p["id"].as_str().unwrap().to_owned();
    let intake = json!({
        "chief_complaint": "Low back pain into the left leg since gardening",
        "onset": "3 weeks ago",
        "pain_now": 6, "pain_worst": 8, "pain_quality": ["aching", "shooting"], "pain_pattern": "intermittent",
        "pain_regions": ["lower_back", "buttocks", "left_thigh"],
        "conditions": {"anticoagulants": "yes", "osteoporosis": "no"},
        "red_flags": {"bladder_bowel_change": false, "night_pain": false},
        "medications": [{"name": "Apixaban", "dose": "5 mg", "reason": "atrial fibrillation"}],
        "goals": "Garden again"
    });
    let (s, v) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/intakes"),
            Some(&token),
            &every_question_answered(&intake),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, c) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/consents"),
            Some(&token),
            &json!({"kind": "treatment", "signed_name": "Ingrid Halvorsen"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    pid
}

pub(crate) fn every_section(re_exam: &str) -> Value {
    json!({
        "history": [
            {"item": "chief_complaint", "status": "verified"},
            {"item": "pain_now", "status": "corrected", "correction": "4 / 10 at the visit, after a night's rest"},
            {"item": "conditions.anticoagulants", "status": "verified"},
            {"item": "medications", "status": "verified"}
        ],
        "posture": [
            {"area": "head", "finding": "head_forward", "view": "lateral", "measure": 48},
            {"area": "pelvis", "finding": "pelvis_high_crest", "side": "right", "view": "posterior"},
            {"area": "knees", "finding": "normal"}
        ],
        "rom": [
            {"region": "lumbar", "motion": "flexion", "degrees": 40, "pain": true, "pain_location": "left low back", "method": "inclinometer"},
            {"region": "lumbar", "motion": "extension", "degrees": 15, "method": "inclinometer", "end_feel": "spasm"},
            {"region": "lumbar", "motion": "lateral_flexion_left", "degrees": 20},
            {"region": "cervical", "motion": "rotation_left", "degrees": 80, "method": "crom"}
        ],
        "palpation": [
            {"segment": "L4", "side": "left", "structure": "facet", "tenderness": 2, "motion": "restricted", "restricted": ["extension", "rotation_left"], "notes": "Reproduces the leg pain"},
            {"segment": "L5", "side": "bilateral", "structure": "erector_spinae", "tenderness": 1, "tone": "hypertonic_moderate"},
            {"segment": "SI_L", "motion": "restricted", "restricted": ["flexion"]},
            {"segment": "T6", "alignment": "rotation"},
            {"segment": "C5"}
        ],
        "tests": [
            {"test": "slr", "side": "left", "result": "positive", "value": 50, "notes": "Leg pain below the knee"},
            {"test": "slr", "side": "right", "result": "negative"},
            {"test": "kemps", "side": "left", "result": "positive"}
        ],
        "neuro": {
            "reflexes": [
                {"reflex": "patellar", "side": "left", "grade": "2+"}, {"reflex": "patellar", "side": "right", "grade": "2+"},
                {"reflex": "achilles", "side": "left", "grade": "1+"}, {"reflex": "achilles", "side": "right", "grade": "2+"}
            ],
            "strength": [{"myotome": "L5", "side": "left", "grade": "4"}, {"myotome": "L5", "side": "right", "grade": "5"}],
            "sensation": [{"dermatome": "L5", "side": "left", "grade": "1"}, {"dermatome": "L5", "side": "right", "grade": "2"}]
        },
        "pain": {"nprs": 5, "notes": "Worse after sitting"},
        "diagnoses": [
            {"code": "M54.42", "primary": true},
            {"code": "M99.03", "notes": "L4 left"}
        ],
        "plan": {
            "visits_per_week": 2, "weeks": 6,
            "goals": "Sit for an hour without leg pain; garden for 30 minutes.",
            "re_exam_date": re_exam,
            "interventions": [
                {"technique": "hvla", "region": "lumbar", "override_reason": "INR-free anticoagulant, stable; low-force setup agreed with the patient."},
                {"technique": "soft_tissue", "region": "lumbar"},
                {"technique": "exercise", "region": "lumbar"}
            ],
            "home_care": [
                {"exercise": "cat_cow", "dosage": "2 × 10, morning and evening"},
                {"exercise": "pelvic_tilt"}
            ],
            "advice": ["post_treatment_soreness", "stay_active", "when_to_seek_care"]
        }
    })
}

/// Starts an assessment, charts [`every_section`] (re-exam four weeks after the
/// visit), acknowledges the patient's red flags and signs; returns the assessment's
/// id, its content hash and the re-exam date.
pub(crate) async fn chart_every_section_and_sign(
    app: &TestApp,
    pid: &str,
    token: &str,
) -> (String, String, String) {
    let (s, a) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/assessments"),
            Some(token),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let aid = a["id"].as_str().unwrap().to_owned();
    let visit: chrono::NaiveDate = a["visit_date"].as_str().unwrap().parse().unwrap();
    let re_exam = (visit + chrono::Days::new(28)).to_string();
    let mut body = every_section(&re_exam);
    body["version"] = a["version"].clone();
    let (s, saved) = app
        .put_json(&format!("/api/v1/assessments/{aid}"), token, &body)
        .await;
    assert_eq!(s, StatusCode::OK, "{saved}");
    let (_, listed) = app
        .get_json(&format!("/api/v1/patients/{pid}/flags"), token)
        .await;
    for f in listed["items"].as_array().unwrap() {
        if f["kind"] == "red_flag" && f["status"] == "open" {
            let fid = f["id"].as_str().unwrap();
            let (s, v) = app
                .post_json(
                    &format!("/api/v1/flags/{fid}/acknowledge"),
                    Some(token),
                    &json!({}),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{v}");
        }
    }
    let (s, signed) = app
        .post_json(
            &format!("/api/v1/assessments/{aid}/sign"),
            Some(token),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{signed}");
    let hash = signed["content_hash"].as_str().unwrap().to_owned();
    (aid, hash, re_exam)
}

const HEADINGS: &[&str] = &[
    "History review",
    "Posture",
    "Range of motion",
    "Palpation",
    "Orthopedic tests",
    "Neurological screen",
    "Pain score",
    "Diagnoses",
    "Treatment plan",
    "Pain diagram",
    "Signature",
    "Addenda",
];

async fn the_print_view_shows_the_whole_signed_record(app: TestApp) {
    let desk = app.create_user(Role::FrontDesk).await;
    let pr = app.create_user(Role::Practitioner).await;
    let admin = app.create_user(Role::Admin).await;
    let pid = patient_with_intake(&app, &desk).await;
    let token = app.api_token(&pr).await;

    let (aid, hash, re_exam) = chart_every_section_and_sign(&app, &pid, &token).await;
    let addendum = "Patient phoned on day 2: soreness settled, no new leg symptoms.";
    let (s, ad) = app
        .post_json(
            &format!("/api/v1/assessments/{aid}/addenda"),
            Some(&token),
            &json!({"body": addendum}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{ad}");

    let print = format!("/assessments/{aid}/print");
    let b = app.signed_in(&pr).await;
    let (s, html) = b.get_html(&print).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    keep_for_screenshot("assessment-print.html", &html);

    assert!(html.contains("Ingrid Halvorsen"), "the patient's name");
    assert!(html.contains("P-0000"), "the chart number");
    assert!(html.contains("1971-09-14"));
    assert!(html.contains(&pr.name), "the practitioner");
    assert!(html.contains("Test Clinic"), "the clinic's name");
    assert!(html.contains("/static/print.css"));
    assert_eq!(
        html.matches("<script").count(),
        1,
        "one script: the Print button's (no inline script)"
    );
    assert!(html.contains(r#"<script src="/static/print.js"></script>"#));
    assert!(html.contains("Back to the assessment"), "a way back");
    assert!(!html.contains(" style="), "no inline styles (CSP)");
    assert!(
        !html.contains("class=\"watermark\""),
        "a signed record is no draft"
    );

    // The flags box: every unresolved flag, as words.
    assert!(html.contains("class=\"print-flags"), "the flags box");
    for words in [
        "Relative contraindication",
        "Precaution",
        "Takes blood thinners",
    ] {
        assert!(html.contains(words), "flag words: {words}");
    }
    let relative = html.find("Relative contraindication").unwrap();
    let precaution = html.find(">Precaution<").unwrap();
    assert!(relative < precaution, "most severe first");

    for h in HEADINGS {
        assert!(html.contains(&format!(">{h}")), "section heading {h}");
    }
    assert!(!html.contains("Not charted."), "every section is charted");
    // Sections' content.
    assert!(html.contains("Corrected by practitioner") && html.contains("after a night"));
    assert!(html.contains("6 / 10"), "what the patient reported");
    assert!(html.contains("Forward head"));
    assert!(html.contains("40°") && html.contains("67%") && html.contains("AMA Guides 5th ed."));
    assert!(html.contains("Restricted: Extension, Rotation L") && html.contains("PAR"));
    assert!(html.contains("Straight-leg raise") && html.contains("+ Positive"));
    assert!(html.contains("1+ diminished *"));
    assert!(html.contains("5 / 10"), "NPRS");
    assert!(html.contains("M54.42") && html.contains("★ Primary"));
    assert!(html.contains("INR-free anticoagulant") && html.contains(&format!("({}, ", pr.name)));
    assert!(html.contains("2 visit(s) a week × 6 week(s)") && html.contains(&re_exam));
    assert!(
        html.contains("On hands and knees"),
        "home-care instructions"
    );
    assert!(html.contains("Keep moving within comfort"), "advice text");

    // The three pictures.
    for id in ["rom-chart", "spine-map", "pain-diagram"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "picture {id}");
    }
    assert_eq!(html.matches("<svg").count(), 3);
    assert!(html.contains("data-segment=\"L4\" data-state=\"restricted\""));
    assert!(html.contains("Marked by the patient: Lower back, Buttocks, Left thigh."));

    // The signature line with the hash, verified; the addendum.
    assert!(html.contains(&format!("Signed by <strong>{}</strong>", pr.name)));
    assert!(html.contains(&hash), "the content hash");
    assert!(html.contains("Verified"));
    assert!(html.contains(addendum));
    assert!(html.contains(&pr.id), "the addendum's author id");

    // An admin reads it for audit; the front desk never does.
    let (s, _) = app.signed_in(&admin).await.get_html(&print).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app.signed_in(&desk).await.get_html(&print).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = b.get_html("/assessments/not-an-id/print").await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let actions = app.audit_actions().await;
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "assessment.printed")
            .count(),
        2,
        "the practitioner's and the admin's reads: {actions:?}"
    );
}

async fn a_draft_prints_what_is_missing(app: TestApp) {
    let desk = app.create_user(Role::FrontDesk).await;
    let pr = app.create_user(Role::Practitioner).await;
    let pid = patient_with_intake(&app, &desk).await;
    let token = app.api_token(&pr).await;
    let (s, a) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/assessments"),
            Some(&token),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let aid = a["id"].as_str().unwrap();
    let (s, html) = app
        .signed_in(&pr)
        .await
        .get_html(&format!("/assessments/{aid}/print"))
        .await;
    assert_eq!(s, StatusCode::OK);
    keep_for_screenshot("assessment-print-draft.html", &html);
    assert_eq!(
        html.matches("Not charted.").count(),
        9,
        "every exam section"
    );
    assert!(html.contains("Not signed — draft"));
    assert!(html.contains("class=\"watermark\"") && html.contains("DRAFT"));
    assert!(
        html.contains("id=\"pain-diagram\""),
        "the patient's own diagram still prints"
    );
    assert!(html.contains("No addenda."));
}

on_both_backends!(
    the_print_view_shows_the_whole_signed_record,
    a_draft_prints_what_is_missing,
);
