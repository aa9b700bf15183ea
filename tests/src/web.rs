//! An HTTP client that behaves like a browser without JavaScript: it keeps cookies, does not
//! follow redirects on its own (tests check them), and posts forms.

use regex::Regex;
use reqwest::header::ACCEPT;
use reqwest::redirect::Policy;
use reqwest::{Response, StatusCode};

use crate::TestServer;

pub struct WebClient {
    pub client: reqwest::Client,
    base: String,
    // The last page fetched: a browser sends it as the Referer of the forms it posts, and
    // the server sends a failed form post back there.
    last_page: std::sync::Mutex<String>,
}

impl WebClient {
    pub fn new(server: &TestServer) -> Self {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .expect("http client");
        Self {
            client,
            base: server.url.clone(),
            last_page: std::sync::Mutex::new(server.url.clone()),
        }
    }

    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            path.to_owned()
        } else {
            format!("{}{}", self.base, path)
        }
    }

    pub async fn get(&self, path: &str) -> Response {
        *self.last_page.lock().expect("lock") = self.url(path);
        self.client
            .get(self.url(path))
            .header(ACCEPT, "text/html")
            .send()
            .await
            .expect("GET")
    }

    /// Status and body of a page.
    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let res = self.get(path).await;
        let status = res.status();
        (status, res.text().await.expect("body"))
    }

    /// The CSRF token the server put into a page's forms.
    pub async fn csrf_token(&self) -> String {
        let (_, html) = self.page("/login").await;
        csrf_in(&html).expect("a csrf_token field on the login page")
    }

    /// Posts a form as a browser without JavaScript does (`Accept: text/html`).
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let referer = self.last_page.lock().expect("lock").clone();
        self.client
            .post(self.url(path))
            .header(ACCEPT, "text/html")
            .header(reqwest::header::REFERER, referer)
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    /// Posts a form as the app's own client does (expects data back, not a page).
    pub async fn post_data(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        self.client
            .post(self.url(path))
            .header(ACCEPT, "application/json")
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    /// Opens `page`, then posts its form to `path` as a browser without JavaScript does,
    /// with the page's CSRF token added to `fields`.
    pub async fn post_from_page(
        &self,
        page: &str,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Response {
        let (_, html) = self.page(page).await;
        let token = csrf_in(&html).expect("a csrf_token field on the page");
        let mut all = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post_form(path, &all).await
    }

    pub async fn login(&self, (username, password): (&str, &str)) -> Response {
        let token = self.csrf_token().await;
        self.post_form(
            "/api/auth/login",
            &[
                ("csrf_token", &token),
                ("username", username),
                ("password", password),
            ],
        )
        .await
    }

    /// Follows one redirect and returns the page it leads to.
    pub async fn follow(&self, res: Response) -> (StatusCode, String) {
        let location = location(&res).expect("a redirect");
        self.page(&location).await
    }
}

/// The redirect target as a path on the site (absolute URLs are cut to their path and query).
pub fn location(res: &Response) -> Option<String> {
    let raw = res
        .headers()
        .get(reqwest::header::LOCATION)?
        .to_str()
        .ok()?;
    match raw.split_once("://") {
        Some((_, rest)) => Some(
            rest.find('/')
                .map_or("/".to_owned(), |i| rest[i..].to_owned()),
        ),
        None => Some(raw.to_owned()),
    }
}

pub fn csrf_in(html: &str) -> Option<String> {
    Regex::new(r#"name="csrf_token" value="([^"]+)""#)
        .expect("regex")
        .captures(html)
        .map(|c| c[1].to_owned())
}

/// The bundle files a page names (`/pkg/…`: stylesheet, script, WebAssembly), in order.
pub fn bundle_paths_in(html: &str) -> Vec<String> {
    Regex::new(r#"(?:href|src)="(/pkg/[^"]+)""#)
        .expect("regex")
        .captures_iter(html)
        .map(|c| c[1].to_owned())
        .collect()
}
