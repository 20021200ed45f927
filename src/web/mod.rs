//! The HTTP surface: HTML pages for staff, the JSON API under `/api/v1`, health probes.
//!
//! Every route is declared once in [`routes::ROUTES`] with the roles that may call it;
//! [`access`] enforces that table (deny by default) and CSRF before any handler runs.
//! Handlers are thin: parse, call one service inside [`state::AppState::db`], render.

pub mod access;
pub mod api;
pub mod api_error;
pub mod assets;
pub mod denials;
pub mod device_cookie;
pub mod error;
pub mod extract;
pub mod hashing_pool;
pub mod headers;
pub mod health;
pub mod logging;
pub mod pages;
pub mod routes;
pub mod state;
