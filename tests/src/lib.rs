//! Test harness: start the real `supportdesk` binary on a free port with its own data
//! directory, talk to it over HTTP, and drive it in headless Chromium.

pub mod browser;
pub mod server;
pub mod web;

pub use server::{TestServer, demo};
pub use web::WebClient;
