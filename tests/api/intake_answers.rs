//! A paper history as a careful front desk enters it: every condition and red-flag
//! question answered, "no" unless the test says otherwise. (A question left out counts
//! as "not answered", which part A's fail-safe principle flags; tests that mean "no"
//! say so.)

use clinic::domain::clinical::{ConditionCode, RedFlagCode};
use serde_json::{Map, Value, json};

/// `body` with every condition question not in it answered "no", every asked
/// red-flag question not in it answered `false`, and a complaint and a pain score
/// when it has none: what the API requires of a paper form not sent as partial.
pub fn every_question_answered(body: &Value) -> Value {
    let mut body = body.clone();
    let Some(obj) = body.as_object_mut() else {
        return body;
    };
    obj.entry("chief_complaint")
        .or_insert_with(|| json!("Low back pain"));
    obj.entry("pain_now").or_insert_with(|| json!(4));
    let conditions = obj
        .entry("conditions")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(c) = conditions.as_object_mut() {
        for code in ConditionCode::ALL {
            c.entry(code.as_str()).or_insert_with(|| json!("no"));
        }
    }
    let red = obj
        .entry("red_flags")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(r) = red.as_object_mut() {
        for code in RedFlagCode::ASKED {
            r.entry(code.as_str()).or_insert_with(|| json!(false));
        }
    }
    body
}
