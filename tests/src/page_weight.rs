//! What a page costs to load in a real browser: the bytes that crossed the wire for the
//! document and everything it loaded (Chromium's own Resource Timing `transferSize`: headers
//! plus the body as sent, compressed, 0 when served from the cache), and when the page became
//! usable (`DOMContentLoaded`: the server-rendered page works without script) and hydrated
//! (the app's `hydrated` performance mark, set once its WebAssembly runs the page).

use std::time::Duration;

use serde_json::{Value, json};

use crate::browser::{Browser, HYDRATED};

/// One resource the page loaded.
#[derive(Debug, Clone)]
pub struct Transfer {
    pub url: String,
    pub bytes: u64,
}

#[derive(Debug, Clone)]
pub struct PageLoad {
    /// The document itself first, then each resource in the order they were fetched.
    pub transfers: Vec<Transfer>,
    /// Milliseconds from the start of navigation.
    pub usable_ms: f64,
    /// None for a page that loads no script.
    pub hydrated_ms: Option<f64>,
}

impl PageLoad {
    /// Whether the page fetched any WebAssembly.
    pub fn loaded_wasm(&self) -> bool {
        self.transfers
            .iter()
            .any(|t| t.url.ends_with(".wasm") && t.bytes > 0)
    }

    pub fn total_bytes(&self) -> u64 {
        self.transfers.iter().map(|t| t.bytes).sum()
    }

    /// One line per transfer, for a failure message a person can act on.
    pub fn listing(&self) -> String {
        self.transfers
            .iter()
            .map(|t| format!("{:>9} B  {}", t.bytes, t.url))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Slow 4G as Lighthouse simulates it: 1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip,
/// and a CPU four times slower than this machine's.
pub async fn throttle_like_a_slow_phone(browser: &Browser) {
    browser.cdp("Network.enable", json!({})).await;
    browser
        .cdp(
            "Network.emulateNetworkConditions",
            json!({
                "offline": false,
                "latency": 150,
                "downloadThroughput": 1_600_000 / 8,
                "uploadThroughput": 750_000 / 8,
            }),
        )
        .await;
    browser
        .cdp("Emulation.setCPUThrottlingRate", json!({ "rate": 4 }))
        .await;
}

/// Opens `url` in the browser's tab, waits until the page has hydrated (pages without islands
/// load no script and are done when loaded), a moment more for any late fetch to finish, and
/// reads what the browser recorded.
pub async fn load(browser: &Browser, url: &str) -> PageLoad {
    let c = &browser.client;
    // WebDriver returns once the page has loaded (its `load` event).
    c.goto(url).await.expect("open the page");
    let has_script = c
        .execute(
            "return document.querySelector('script[type=module]') !== null;",
            vec![],
        )
        .await
        .expect("look for the hydration script");
    if has_script == Value::Bool(true) {
        c.wait()
            .at_most(Duration::from_secs(90))
            .for_element(HYDRATED)
            .await
            .unwrap_or_else(|e| panic!("{url} never hydrated: {e}"));
    }
    // Resource entries are written when a response ends; give the last ones time to land.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let seen = c
        .execute(
            r#"
            const nav = performance.getEntriesByType('navigation')[0];
            const hydrated = performance.getEntriesByName('hydrated')[0];
            return {
                document: [location.href, nav.transferSize],
                resources: performance.getEntriesByType('resource')
                    .map(r => [r.name, r.transferSize]),
                usable: nav.domContentLoadedEventEnd,
                hydrated: hydrated ? hydrated.startTime : null,
            };
            "#,
            vec![],
        )
        .await
        .expect("read the performance timeline");
    let transfer = |pair: &Value| Transfer {
        url: pair[0].as_str().unwrap_or_default().to_owned(),
        bytes: pair[1].as_u64().unwrap_or_default(),
    };
    let mut transfers = vec![transfer(&seen["document"])];
    transfers.extend(
        seen["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .map(transfer),
    );
    PageLoad {
        transfers,
        usable_ms: seen["usable"].as_f64().unwrap_or_default(),
        hydrated_ms: seen["hydrated"].as_f64(),
    }
}
