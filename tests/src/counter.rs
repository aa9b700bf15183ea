//! The Borgerservice counter as the app's client drives it: one visit step at a time.

use regex::Regex;
use reqwest::StatusCode;

use crate::web::with_token;
use crate::{TestServer, WebClient, demo};

/// The demo citizen who still has only NemID (name, CPR number), and the demo witness's CPR
/// number (see the README).
pub const ERIK: (&str, &str) = ("Erik Nielsen", "120346-1235");
pub const BIRTHE_CPR: &str = "050565-2346";

/// A counter clerk's client and the CSRF token its steps are posted with.
pub struct Counter {
    pub web: WebClient,
    pub token: String,
}

impl Counter {
    /// The demo counter clerk, logged in.
    pub async fn login(server: &TestServer) -> Self {
        let web = WebClient::logged_in(server, demo::BORGERSERVICE).await;
        let token = web.csrf_token().await;
        Self { web, token }
    }

    /// Posts a step as the app's client does; returns the status and the body.
    pub async fn post(&self, endpoint: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
        let res = self
            .web
            .post_data(
                &format!("/api/counter/{endpoint}"),
                &with_token(&self.token, fields),
            )
            .await;
        let status = res.status();
        (status, res.text().await.expect("body"))
    }

    pub async fn ok(&self, endpoint: &str, fields: &[(&str, &str)]) {
        let (status, body) = self.post(endpoint, fields).await;
        assert!(
            status.is_success() || status.is_redirection(),
            "{endpoint}: {status} {body}"
        );
    }

    pub async fn refused(&self, endpoint: &str, fields: &[(&str, &str)], says: &str) {
        let (status, body) = self.post(endpoint, fields).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{endpoint}: {body}"
        );
        assert!(
            body.contains(says),
            "{endpoint}: expected {says:?} in {body}"
        );
    }

    /// Starts a visit and returns its id (the newest on the "today" list).
    pub async fn start(&self, purpose: &str, (name, cpr): (&str, &str)) -> String {
        self.ok(
            "start",
            &[("purpose", purpose), ("cpr", cpr), ("name", name)],
        )
        .await;
        self.newest_visit().await
    }

    /// The id of the newest visit on the "today" list.
    pub async fn newest_visit(&self) -> String {
        let (_, html) = self.web.page("/borgerservice").await;
        Regex::new(r#"href="/borgerservice/besoeg/(\d+)">"#)
            .expect("regex")
            .captures(&html)
            .expect("the visit on the today list")[1]
            .to_owned()
    }

    pub async fn visit_page(&self, id: &str) -> String {
        let (status, html) = self.web.page(&format!("/borgerservice/besoeg/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        html
    }
}

/// The activation code printed on a visit's receipt page.
pub fn activation_code(receipt: &str) -> String {
    Regex::new(
        r#"id="activation-code"[^>]*>(?:<!--[^>]*-->)*([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})"#,
    )
    .expect("regex")
    .captures(receipt)
    .unwrap_or_else(|| panic!("a code on the receipt: {receipt}"))[1]
        .to_owned()
}
