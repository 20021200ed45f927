//! `clinic`: intake and first-visit assessment records for a chiropractic or
//! manual-therapy clinic.
//!
//! Layers, dependencies pointing down only: [`web`] → [`services`] → [`domain`], [`db`],
//! [`mail`]. See `docs/architecture.md`.

pub mod auth;
pub mod cli;
pub mod clinic_time;
pub mod clock;
pub mod config;
pub mod data_tools;
pub mod db;
pub mod domain;
pub mod fhir;
pub mod mail;
pub mod schema;
pub mod services;
pub mod startup;
pub mod telemetry;
pub mod web;
