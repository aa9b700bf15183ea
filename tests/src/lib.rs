//! Test harness: start the real `supportdesk` binary on a free port with its own data
//! directory, talk to it over HTTP, and drive it in headless Chromium.

// This crate only runs under `cargo test`: a harness that cannot set up must fail the test
// loudly, so the production-code bans on panics do not apply here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod axe;
pub mod browser;
pub mod citizen;
pub mod counter;
pub mod hostile_support;
pub mod lookup;
pub mod page_weight;
pub mod postgres;
pub mod receiver;
pub mod server;
pub mod smtp;
pub mod totp;
pub mod web;

pub use server::{TestServer, demo};
pub use web::WebClient;

/// Reads `read` every 50 ms until it returns at least `n` items or `secs` seconds have passed;
/// returns the last reading.
pub(crate) async fn poll_for<T>(n: usize, secs: u64, read: impl Fn() -> Vec<T>) -> Vec<T> {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        let got = read();
        if got.len() >= n || tokio::time::Instant::now() > deadline {
            return got;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Listens on a free loopback port and hands each connection, with `shared`, to `handle` in a
/// task of its own; returns the port. `what` names the listener in a failure.
pub(crate) async fn listen<S, F, Fut>(what: &str, shared: std::sync::Arc<S>, handle: F) -> u16
where
    S: Send + Sync + 'static,
    F: Fn(tokio::net::TcpStream, std::sync::Arc<S>) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("bind {what}: {e}"));
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(handle(stream, shared.clone()));
        }
    });
    port
}
