//! `supportdesk`: the unified support desk for the Danish public identity support line.
// Leptos view types nest deeply; the default limit is too low for the compiler to lay them out.
#![recursion_limit = "512"]

mod backup;
mod cli;
mod config;
mod demo;
mod error_pages;
mod inbound_mail;
#[cfg(test)]
mod inbound_mail_props;
mod knowledge_base;
mod middleware;
mod monitoring;
mod outbox;
mod routes;
mod shutdown;
mod startup;
mod state;
mod telemetry;

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    match cli::run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("supportdesk: {err}");
            ExitCode::FAILURE
        }
    }
}
