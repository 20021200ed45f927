//! Auditing refused requests, for [`super::access`]: it calls [`record`] when it refuses
//! a role itself, and when a handler answers 403 (a service returned
//! `ServiceError::Forbidden`, which is the only way a handler answers 403). One place,
//! so no handler needs code of its own for it.
//!
//! The row names the route pattern (never the concrete path), the patient when the path
//! names one (`/patients/{id}…`), and the other records the path names.

use actix_web::HttpRequest;

use super::state::AppState;
use crate::services::Actor;
use crate::services::access_denials::{self, Refusal, RefusedBy};
use crate::services::sessions::Principal;

/// Writes the `access.denied` row for a refused request. A failure to write it is
/// logged and does not change the answer: the request is refused either way.
pub async fn record(
    state: &AppState,
    who: &Principal,
    ip: Option<String>,
    req: &HttpRequest,
    by: RefusedBy,
) {
    let refusal = refusal_of(req, by);
    let actor = Actor::staff(who.user_id.clone(), who.role, ip);
    let now = state.clock.now();
    let route = refusal.route.clone();
    if let Err(e) = state
        .db(move |conn| access_denials::record(conn, now, &actor, &refusal))
        .await
    {
        tracing::error!(error = ?e, %route, "could not audit a refused request");
    }
}

/// What the row says about the request: method and pattern, and the ids in its path.
///
/// The path is read against the pattern segment by segment (every route's parameters
/// are whole segments), because when the access layer refuses a role the router has not
/// run yet and `match_info` is still empty.
fn refusal_of(req: &HttpRequest, by: RefusedBy) -> Refusal {
    let pattern = req.match_pattern().unwrap_or_else(|| "(no route)".into());
    let mut refusal = Refusal {
        route: format!("{} {pattern}", req.method()),
        by,
        patient_id: None,
        records: Vec::new(),
    };
    let pattern_segments: Vec<&str> = pattern.split('/').collect();
    let path_segments: Vec<&str> = req.path().split('/').collect();
    if pattern_segments.len() != path_segments.len() {
        return refusal;
    }
    for i in 1..pattern_segments.len() {
        let (kind, param) = (pattern_segments[i - 1], pattern_segments[i]);
        // Only ids, and only real ones: other parameters (a link's token, a section
        // code) are not records, and text typed into a path is not worth keeping.
        if param != "{id}" && param != "{aid}" {
            continue;
        }
        let Ok(id) = uuid::Uuid::parse_str(path_segments[i]) else {
            continue;
        };
        match kind {
            "patients" => refusal.patient_id = Some(id.to_string()),
            _ => refusal.records.push((record_kind(kind), id.to_string())),
        }
    }
    refusal
}

/// `assessments` → `assessment`, `intake-invitations` → `intake_invitation`.
fn record_kind(segment: &str) -> String {
    segment
        .strip_suffix('s')
        .unwrap_or(segment)
        .replace('-', "_")
}

#[cfg(test)]
mod tests {
    use super::record_kind;

    #[test]
    fn path_segments_name_their_records() {
        assert_eq!(record_kind("assessments"), "assessment");
        assert_eq!(record_kind("intake-invitations"), "intake_invitation");
        assert_eq!(record_kind("flags"), "flag");
        assert_eq!(record_kind("users"), "user");
    }
}
