//! Page weight and speed as a citizen on an old phone meets them: each citizen page and the
//! supporter's queue, loaded in headless Chromium with an empty cache and again warm, under
//! Chromium's network and CPU emulation (1.6 Mbit/s, 150 ms latency, 4x slower CPU).
//! Prints a table; checks nothing (the byte budgets are tests in tests/api/browser.rs).
//!
//! `DESK_BIN=target/release/supportdesk DESK_SITE_ROOT=target/site \
//!  cargo bench -p desk-tests --bench page_weight`

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use desk_tests::browser::{Browser, QUEUE_HEADING, wait_for};
use desk_tests::page_weight::{self, PageLoad};
use desk_tests::{TestServer, demo};

const CITIZEN_PAGES: [(&str, &str); 6] = [
    ("front page", "/"),
    ("search", "/soeg?q=mistet+telefon"),
    ("article", "/hjaelp/aktiveringskode"),
    ("contact form", "/kontakt"),
    ("case status", "/sag/status/ukendt-link"),
    ("not found", "/findes-ikke"),
];

fn kib(bytes: u64) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

fn row(name: &str, cold: &PageLoad, warm: &PageLoad) {
    println!(
        "{name:<16} {:>11} {:>10} {:>10.0} {:>10} {:>10}",
        kib(cold.total_bytes()),
        kib(warm.total_bytes()),
        cold.usable_ms,
        cold.hydrated_ms
            .map(|ms| format!("{ms:.0}"))
            .unwrap_or_else(|| "no code".into()),
        warm.hydrated_ms
            .map(|ms| format!("{ms:.0}"))
            .unwrap_or_else(|| "no code".into()),
    );
}

#[tokio::main]
async fn main() {
    let server = TestServer::start().await;
    println!("Throttled: 1.6 Mbit/s down, 750 kbit/s up, 150 ms latency, CPU 4x slower.");
    println!(
        "Bytes are what crossed the wire (compressed, with headers); times in ms from navigation."
    );
    println!();
    println!(
        "{:<16} {:>11} {:>10} {:>10} {:>10} {:>10}",
        "page", "cold", "warm", "usable", "hydrated", "warm hydr."
    );
    for (name, path) in CITIZEN_PAGES {
        let browser = Browser::start().await;
        page_weight::throttle_like_a_slow_phone(&browser).await;
        let cold = page_weight::load(&browser, &server.at(path)).await;
        let warm = page_weight::load(&browser, &server.at(path)).await;
        row(name, &cold, &warm);
        browser.close().await;
    }

    // The supporter's first load of the console: logged in (the session cookie carried over),
    // nothing cached.
    let login = Browser::start().await;
    let c = &login.client;
    login.log_in_by_keyboard(&server, demo::SUPPORTER).await;
    wait_for(c, QUEUE_HEADING).await;
    let cookies = c.get_all_cookies().await.unwrap();
    login.close().await;

    let browser = Browser::start().await;
    browser.client.goto(&server.at("/healthz")).await.unwrap();
    for cookie in cookies {
        browser.client.add_cookie(cookie).await.unwrap();
    }
    page_weight::throttle_like_a_slow_phone(&browser).await;
    let cold = page_weight::load(&browser, &server.at("/support")).await;
    let warm = page_weight::load(&browser, &server.at("/support")).await;
    row("supporter queue", &cold, &warm);
    println!();
    println!("The queue's cold load, file by file:\n{}", cold.listing());
    browser.close().await;
}
