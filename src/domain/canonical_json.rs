//! The canonical text of a JSON value, and its SHA-256: what a signature covers.
//!
//! A signed record's hash is computed over the JSON value as stored, never by
//! serializing today's Rust types again: a field added in a later release (or one this
//! release does not know) must not change the hash of a record signed before it.
//! Canonical means: object keys sorted by their UTF-8 bytes, no whitespace, strings and
//! numbers as `serde_json` writes them. That is also what `serde_json::Value`'s own
//! `to_string` gives (its map is ordered), so records hashed by earlier releases verify
//! unchanged; sorting here keeps that true even if a dependency turns on serde_json's
//! `preserve_order`.

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The canonical text of `value`.
pub fn canonical(value: &Value) -> String {
    let mut out = String::new();
    write(value, &mut out);
    out
}

/// Hex SHA-256 of the canonical text.
pub fn sha256(value: &Value) -> String {
    hex::encode(Sha256::digest(canonical(value).as_bytes()))
}

/// A copy without what says nothing: `null`, empty strings, arrays and objects. Used
/// for a hash that must not change when a release adds an optional answer that older
/// records simply do not have (the intake's answers).
pub fn without_empty(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), without_empty(v)))
                .filter(|(_, v)| !is_empty(v))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_empty).collect()),
        other => other.clone(),
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

fn write(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String((*k).clone()).to_string());
                out.push(':');
                write(&map[k.as_str()], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(v, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_sorted_and_compact_like_serde_json_value() {
        let v = json!({"b": [1, {"z": null, "a": "é\"x"}], "a": 2.5});
        assert_eq!(canonical(&v), r#"{"a":2.5,"b":[1,{"a":"é\"x","z":null}]}"#);
        assert_eq!(canonical(&v), v.to_string());
    }

    #[test]
    fn empty_values_dropped() {
        let v = json!({"a": "", "b": null, "c": [], "d": {"e": ""}, "f": [""], "g": false});
        assert_eq!(canonical(&without_empty(&v)), r#"{"f":[""],"g":false}"#);
    }
}
