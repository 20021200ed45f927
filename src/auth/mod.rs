//! Credentials: argon2id password hashes and random secret tokens (sessions, links).

pub mod password;
pub mod signed_value;
pub mod token;
