//! Headless Chromium through chromedriver (Debian's packages), driven with fantoccini.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use tokio::process::{Child, Command};

use crate::TestServer;

/// The mark the app sets on `<html>` once its WebAssembly runs the page.
pub const HYDRATED: Locator<'static> = Locator::Css("html[data-hydrated='true']");
/// The heading of the supporters' console (the queue), where a supporter lands on logging in.
pub const QUEUE_HEADING: Locator<'static> = Locator::XPath("//h1[text()='Sagskø']");

pub struct Browser {
    pub client: Client,
    webdriver: String,
    _driver: Child,
    _profile: tempfile::TempDir,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

fn find(candidates: &[&str]) -> PathBuf {
    candidates
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .unwrap_or_else(|| {
            panic!("none of {candidates:?} is installed (the test command installs them)")
        })
}

impl Browser {
    pub async fn start() -> Self {
        let chromium = find(&["/usr/bin/chromium", "/usr/bin/chromium-browser"]);
        let driver_bin = find(&["/usr/bin/chromedriver"]);
        let port = free_port();
        let driver = Command::new(driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start chromedriver");
        let profile = tempfile::tempdir().expect("profile dir");
        let caps = json!({
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update",
                    "--no-first-run", "--disable-sync", "--disable-quic",
                    "--window-size=1280,1000",
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }
        });
        let caps = caps.as_object().expect("object").clone();
        let webdriver = format!("http://127.0.0.1:{port}");
        let mut last_err = String::new();
        for _ in 0..100 {
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&webdriver)
                .await
            {
                Ok(client) => {
                    return Self {
                        client,
                        webdriver,
                        _driver: driver,
                        _profile: profile,
                    };
                }
                Err(e) => {
                    last_err = e.to_string();
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
        panic!("could not start a Chromium session: {last_err}");
    }

    /// Sends a DevTools-protocol command to the page (through chromedriver), e.g. to slow the
    /// network or the CPU down.
    pub async fn cdp(&self, cmd: &str, params: serde_json::Value) -> serde_json::Value {
        let session = self
            .client
            .session_id()
            .await
            .expect("session id")
            .expect("a running session");
        let url = format!("{}/session/{session}/goog/cdp/execute", self.webdriver);
        let res = reqwest::Client::new()
            .post(url)
            .json(&json!({ "cmd": cmd, "params": params }))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{cmd}: {e}"));
        assert!(res.status().is_success(), "{cmd}: {}", res.status());
        res.json().await.expect("CDP answer")
    }

    /// Saves a screenshot under tests/artifacts/ for a person to look at.
    pub async fn screenshot(&self, name: &str) {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("artifacts");
        std::fs::create_dir_all(&dir).expect("artifacts dir");
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
    }

    /// Logs in as a keyboard user does: opens the login page, types the username, Tab, types
    /// the password, Enter.
    pub async fn log_in_by_keyboard(&self, server: &TestServer, (user, password): (&str, &str)) {
        let c = &self.client;
        c.goto(&server.at("/login")).await.expect("open /login");
        c.find(Locator::Id("username"))
            .await
            .expect("the username field")
            .send_keys(user)
            .await
            .expect("type the username");
        press(c, Key::Tab).await;
        type_keys(c, password).await;
        press(c, Key::Enter).await;
        // The demo admin and team lead log in with two factors: the code page comes next,
        // and the code is typed as the username was.
        if let Some(secret) = crate::totp::demo_secret((user, password)) {
            let field = wait_for(c, Locator::Css("form[action$='login-code'] #code")).await;
            let code = crate::totp::fresh_code(&server.desk_key(), user, &secret).await;
            field.send_keys(&code).await.expect("type the code");
            press(c, Key::Enter).await;
        }
    }

    /// Marks the page (`window.__stillHere`) so that [`Browser::not_reloaded`] can tell a live
    /// update from a reload, which would wipe the mark.
    pub async fn mark_page(&self) {
        self.client
            .execute("window.__stillHere = true;", vec![])
            .await
            .expect("mark the page");
    }

    /// Whether the page marked by [`Browser::mark_page`] is still the same page.
    pub async fn not_reloaded(&self) -> bool {
        self.client
            .execute("return window.__stillHere === true;", vec![])
            .await
            .expect("read the mark")
            == serde_json::Value::Bool(true)
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

/// The id of the focused element ("" when it has none).
pub async fn focused_id(c: &Client) -> String {
    c.active_element()
        .await
        .expect("a focused element")
        .attr("id")
        .await
        .expect("its id")
        .unwrap_or_default()
}

/// Presses Tab until the focused element's id satisfies `want` (at most 80 times); returns
/// that id.
pub async fn tab_until(c: &Client, want: impl Fn(&str) -> bool) -> String {
    for _ in 0..80 {
        press(c, Key::Tab).await;
        let id = focused_id(c).await;
        if want(&id) {
            return id;
        }
    }
    panic!("Tab never reached the wanted element");
}

/// Presses `key` in the focused element.
pub async fn press(c: &Client, key: Key) {
    type_keys(c, &key.to_string()).await;
}

/// Types `text` into the focused element.
pub async fn type_keys(c: &Client, text: &str) {
    c.active_element()
        .await
        .expect("a focused element")
        .send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("typing {text:?}: {e}"));
}

/// Waits (fantoccini's default: 30 s) until the page has an element that `locator` finds.
pub async fn wait_for(c: &Client, locator: Locator<'_>) -> Element {
    c.wait()
        .for_element(locator)
        .await
        .unwrap_or_else(|e| panic!("waiting for {locator:?}: {e}"))
}
