//! Test harness: start the real `supportdesk` binary on a free port with its own data
//! directory, talk to it over HTTP, and drive it in headless Chromium.

// This crate only runs under `cargo test`: a harness that cannot set up must fail the test
// loudly, so the production-code bans on panics do not apply here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod browser;
pub mod hostile_support;
pub mod lookup;
pub mod page_weight;
pub mod receiver;
pub mod server;
pub mod smtp;
pub mod web;

pub use server::{TestServer, demo};
pub use web::WebClient;
