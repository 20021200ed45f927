//! Rows and the queries on them, one file per table. Insert and read structs are
//! separate; every function takes the connection so the caller owns the transaction.

pub mod appointment;
pub mod assessment;
pub mod audit;
pub mod consent;
pub mod flag;
pub mod flag_narrowing;
pub mod flag_referral;
pub mod flag_source;
pub mod intake;
pub mod invitation;
pub mod login_throttle;
pub mod one_time_token;
pub mod outbox;
pub mod patient;
pub mod server_secret;
pub mod session;
pub mod trusted_device;
pub mod user;
