//! Newtype ids, so a user id can never be passed where a session id is expected.
//! Ids are UUIDv7 (time-ordered, good for indexes) stored as text on both backends.

use std::fmt;

use serde::{Deserialize, Serialize};

pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

macro_rules! id_type {
    ($name:ident) => {
        #[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn new() -> Self {
                Self(new_id())
            }
            /// Wraps an id read from the database or a URL; parses it as a UUID so a
            /// malformed id is a 404, not a query.
            pub fn parse(raw: &str) -> Option<Self> {
                uuid::Uuid::parse_str(raw).ok().map(|u| Self(u.to_string()))
            }
            pub fn from_db(raw: String) -> Self {
                Self(raw)
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(UserId);
id_type!(SessionId);
id_type!(PatientId);
id_type!(AssessmentId);
id_type!(FlagId);
