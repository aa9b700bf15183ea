//! `supportdesk`: the unified support desk for the Danish public identity support line.

mod cli;
mod config;
mod demo;
mod middleware;
mod routes;
mod startup;
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
