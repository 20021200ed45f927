//! From a paper intake to flags nobody can miss: the front desk enters the form, the
//! answers raise part A's flags, the practitioner acknowledges and resolves them.

use clinic::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::intake_answers::every_question_answered;

async fn new_patient(app: &TestApp, token: &str, born: &str) -> String {
    let (s, p) = app
        .post_json(
            "/api/v1/patients",
            Some(token),
            &json!({"given_name": "Rosa", "family_name": format!("Tester{}", &uuid::Uuid::new_v4().simple().to_string()[..6]), "date_of_birth": born}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    p["id"].as_str().unwrap().to_owned()
}

fn codes_and_levels(flags: &Value) -> Vec<(String, String)> {
    flags
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["level"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn a_paper_intake_raises_the_flags_of_part_a(app: TestApp) {
    let desk = app.create_user(Role::FrontDesk).await;
    let token = app.api_token(&desk).await;
    let pid = new_patient(&app, &token, "1950-03-01").await;
    let intake = json!({
        "chief_complaint": "Low back pain after lifting a box",
        "pain_now": 6, "pain_worst": 9, "pain_quality": ["aching", "shooting"], "pain_pattern": "constant",
        "earlier_episodes": true,
        "pain_regions": ["lower_back", "left_thigh"],
        "conditions": {"osteoporosis": "unsure", "anticoagulants": "yes", "cancer": "no", "pregnancy": "no"},
        "red_flags": {"bladder_bowel_change": true, "saddle_numbness": true, "recent_trauma": true, "fever_chills": false},
        "medications": [{"name": "Warfarin", "dose": "5 mg"}],
        "surgeries": [{"procedure": "Appendectomy", "year": 1990}]
    });
    let (s, v) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/intakes"),
            Some(&token),
            &every_question_answered(&intake),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["status"], "submitted");
    let got = codes_and_levels(&v["flags"]);
    let expect: Vec<(&str, &str)> = vec![
        ("bladder_bowel_change", "emergency"),
        ("saddle_numbness", "emergency"),
        ("recent_trauma", "urgent"),
        ("osteoporosis", "absolute"),
        ("anticoagulants", "relative"),
        ("osteoporosis", "relative"),
        ("anticoagulants", "precaution"),
    ];
    let mut sorted_got = got.clone();
    sorted_got.sort();
    let mut sorted_expect: Vec<(String, String)> = expect
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    sorted_expect.sort();
    assert_eq!(sorted_got, sorted_expect);
    // Most severe first.
    let order = ["emergency", "urgent", "absolute", "relative", "precaution"];
    let ranks: Vec<usize> = got
        .iter()
        .map(|(_, l)| order.iter().position(|o| o == l).unwrap())
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{got:?}");

    let (s, list) = app
        .get_json(&format!("/api/v1/patients/{pid}/flags"), &token)
        .await;
    assert_eq!(s, 200);
    let first = &list["items"][0];
    for key in [
        "id",
        "code",
        "kind",
        "level",
        "techniques",
        "regions",
        "source",
        "status",
        "reason",
    ] {
        assert!(!first[key].is_null(), "flag has {key}: {first}");
    }
    assert_eq!(first["kind"], "red_flag");
    assert_eq!(first["status"], "open");
    assert!(first["reason"].as_str().unwrap().contains("Refer now"));
    let osteo = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "osteoporosis" && f["level"] == "absolute")
        .unwrap();
    assert_eq!(osteo["techniques"], json!(["hvla", "drop_table"]));
    assert_eq!(
        osteo["regions"],
        json!([
            "cervical",
            "thoracic",
            "lumbar",
            "sacral_pelvic",
            "rib_cage"
        ])
    );
    assert_eq!(osteo["kind"], "contraindication");
}

async fn combinations_follow_part_a(app: TestApp) {
    let desk = app.create_user(Role::FrontDesk).await;
    let token = app.api_token(&desk).await;
    type Expected = Vec<(&'static str, &'static str)>;
    let cases: Vec<(&str, Value, Expected)> = vec![
        (
            "cancer with weight loss",
            json!({"conditions": {"cancer": "yes"}, "red_flags": {"unexplained_weight_loss": true}}),
            vec![
                ("cancer", "relative"),
                ("unexplained_weight_loss", "urgent"),
            ],
        ),
        (
            "bladder change with saddle numbness and both legs",
            json!({"red_flags": {"bladder_bowel_change": true, "saddle_numbness": true, "bilateral_leg_symptoms": true}}),
            vec![
                ("bilateral_leg_symptoms", "emergency"),
                ("bladder_bowel_change", "emergency"),
                ("saddle_numbness", "emergency"),
            ],
        ),
        (
            "disc herniation with progressive weakness",
            json!({"conditions": {"disc_herniation": "yes"}, "red_flags": {"progressive_weakness": true}}),
            vec![
                ("disc_herniation", "absolute"),
                ("progressive_weakness", "urgent"),
            ],
        ),
        (
            "nothing",
            json!({"conditions": {"osteoporosis": "no"}, "red_flags": {"saddle_numbness": false}}),
            vec![],
        ),
    ];
    for (case, body, expect) in cases {
        let pid = new_patient(&app, &token, "1980-01-01").await;
        let (s, v) = app
            .post_json(
                &format!("/api/v1/patients/{pid}/intakes"),
                Some(&token),
                &every_question_answered(&body),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{case}: {v}");
        let mut got = codes_and_levels(&v["flags"]);
        got.sort();
        let mut want: Vec<(String, String)> = expect
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        want.sort();
        assert_eq!(got, want, "{case}");
    }
}

async fn bad_intakes_get_field_errors_and_write_nothing(app: TestApp) {
    let desk = app.create_user(Role::FrontDesk).await;
    let token = app.api_token(&desk).await;
    let pid = new_patient(&app, &token, "1980-01-01").await;
    let cases = [
        (json!({"pain_now": 11}), "pain_now"),
        (json!({"pain_worst": -2}), "pain_worst"),
        (json!({"conditions": {"gout": "yes"}}), "conditions.gout"),
        (
            json!({"conditions": {"osteoporosis": "perhaps"}}),
            "conditions.osteoporosis",
        ),
        (
            json!({"red_flags": {"headache": true}}),
            "red_flags.headache",
        ),
        (json!({"pain_regions": ["tail"]}), "pain_regions"),
    ];
    for (body, field) in cases {
        let (s, v) = app
            .post_json(
                &format!("/api/v1/patients/{pid}/intakes"),
                Some(&token),
                &body,
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(v["errors"][field].is_string(), "{body} → {v}");
    }
    let (_, list) = app
        .get_json(&format!("/api/v1/patients/{pid}/flags"), &token)
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
    assert!(
        !app.audit_actions()
            .await
            .iter()
            .any(|a| a == "intake.submitted")
    );
}

async fn practitioners_acknowledge_resolve_and_add_flags(app: TestApp) {
    let desk = app.create_user(Role::FrontDesk).await;
    let dr = app.create_user(Role::Practitioner).await;
    let dt = app.api_token(&desk).await;
    let pt = app.api_token(&dr).await;
    let pid = new_patient(&app, &dt, "1980-01-01").await;
    let (_, v) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/intakes"),
            Some(&dt),
            &every_question_answered(&json!({"conditions": {"stroke_or_tia": "yes"}})),
        )
        .await;
    let fid = v["flags"][0]["id"].as_str().unwrap().to_owned();

    let (s, _) = app
        .post_json(
            &format!("/api/v1/flags/{fid}/acknowledge"),
            Some(&dt),
            &json!({}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "the front desk does not acknowledge"
    );
    let (s, f) = app
        .post_json(
            &format!("/api/v1/flags/{fid}/acknowledge"),
            Some(&pt),
            &json!({}),
        )
        .await;
    assert_eq!(s, 200, "{f}");
    assert_eq!(f["status"], "acknowledged");
    let (s, _) = app
        .post_json(
            &format!("/api/v1/flags/{fid}/acknowledge"),
            Some(&pt),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, e) = app
        .post_json(
            &format!("/api/v1/flags/{fid}/resolve"),
            Some(&pt),
            &json!({"reason": "  "}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e["errors"]["reason"].is_string());
    let (s, f) = app
        .post_json(
            &format!("/api/v1/flags/{fid}/resolve"),
            Some(&pt),
            &json!({"reason": "TIA was 2004, cleared by neurology"}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(f["status"], "resolved");
    assert_eq!(f["resolution"], "TIA was 2004, cleared by neurology");

    // The front desk sees the flag and its plain reason, not the clinical note.
    let (_, list) = app
        .get_json(&format!("/api/v1/patients/{pid}/flags"), &dt)
        .await;
    let item = &list["items"][0];
    assert_eq!(item["status"], "resolved");
    assert!(item["reason"].is_string());
    assert!(item.get("resolution").is_none(), "{item}");

    // A manual flag.
    let (s, f) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/flags"),
            Some(&pt),
            &json!({"code": "hypermobility", "level": "relative", "techniques": ["hvla"], "regions": ["lumbar"], "reason": "Lumbar hypermobility on exam"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{f}");
    assert_eq!(f["origin"], "manual");
    let (s, e) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/flags"),
            Some(&pt),
            &json!({"code": "X Y", "level": "bad", "reason": ""}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["code", "level", "reason"] {
        assert!(e["errors"][field].is_string(), "{e}");
    }

    let actions = app.audit_actions().await;
    for a in [
        "intake.submitted",
        "flag.raised",
        "flag.acknowledged",
        "flag.resolved",
        "flags.viewed",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} audited: {actions:?}");
    }
}

async fn paper_consent_is_recorded(app: TestApp) {
    let desk = app.create_user(Role::FrontDesk).await;
    let token = app.api_token(&desk).await;
    let pid = new_patient(&app, &token, "1980-01-01").await;
    let (s, c) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/consents"),
            Some(&token),
            &json!({"kind": "treatment", "signed_name": "Rosa Tester"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    assert_eq!(c["text_version"], "treatment-2026-11");
    let (s, e) = app
        .post_json(
            &format!("/api/v1/patients/{pid}/consents"),
            Some(&token),
            &json!({"kind": "marketing", "signed_name": ""}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        e["errors"]["kind"].is_string() && e["errors"]["signed_name"].is_string(),
        "{e}"
    );
}

on_both_backends!(
    a_paper_intake_raises_the_flags_of_part_a,
    combinations_follow_part_a,
    bad_intakes_get_field_errors_and_write_nothing,
    practitioners_acknowledge_resolve_and_add_flags,
    paper_consent_is_recorded,
);
