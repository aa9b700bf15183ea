//! The end-to-end suite, one test binary: each module tests one area against the real
//! `supportdesk` binary (HTTP, raw sockets, headless Chromium); the shared harness is the
//! `desk_tests` library (`tests/src/`). Filter by module: `cargo test -p desk-tests -- http::`.

// Helpers that cannot find what a test needs must fail it loudly, as in the harness.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod architecture;
mod audit;
mod blocks;
mod browser;
mod businesses;
mod case_search;
mod cases;
mod counter;
mod dashboard;
mod email;
mod help;
mod hostile;
mod http;
mod incidents;
mod intake;
mod kb_admin;
mod nodes;
mod operations;
mod powers;
mod queue_actions;
mod ratings;
mod staff_admin;
mod storage;
mod team_lead;
mod telephony;
