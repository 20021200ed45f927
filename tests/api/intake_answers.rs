//! A paper history as a careful front desk enters it: every condition and red-flag
//! question answered, "no" unless the test says otherwise. (A question left out counts
//! as "not answered", which part A's fail-safe principle flags; tests that mean "no"
//! say so.)

use clinic::domain::clinical::{ConditionCode, RedFlagCode};
use serde_json::{Map, Value, json};

/// `body` with every condition question not in it answered "no" and every asked
/// red-flag question not in it answered `false`.
pub fn every_question_answered(body: &Value) -> Value {
    let mut body = body.clone();
    let Some(obj) = body.as_object_mut() else {
        return body;
    };
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
