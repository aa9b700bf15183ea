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
    // Which desk's database this client talks to, for the authenticator codes it has used
    // (a restarted desk has a new address but the same accounts).
    desk: String,
    // The last page fetched: a browser sends it as the Referer of the forms it posts, and
    // the server sends a failed form post back there.
    last_page: std::sync::Mutex<String>,
}

impl WebClient {
    pub fn new(server: &TestServer) -> Self {
        Self {
            desk: server.desk_key(),
            ..Self::at(&server.url)
        }
    }

    /// A client of the desk at `base` (its URL, e.g. `http://127.0.0.1:8080`).
    pub fn at(base: &str) -> Self {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .expect("http client");
        Self {
            client,
            base: base.to_owned(),
            desk: base.to_owned(),
            last_page: std::sync::Mutex::new(base.to_owned()),
        }
    }

    /// A new client logged in as `login` (the answer is not checked: tests of the login
    /// itself use [`WebClient::login`]).
    pub async fn logged_in(server: &TestServer, login: (&str, &str)) -> Self {
        let web = Self::new(server);
        web.login(login).await;
        web
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

    /// A GET of a server function as the app's own client makes it (data, not a page).
    pub async fn api_get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    /// [`WebClient::api_get`], read as JSON.
    pub async fn get_json(&self, path: &str) -> serde_json::Value {
        self.api_get(path).await.json().await.expect("JSON")
    }

    /// The CSRF token the server put into a page's forms (the login page's: the session's).
    pub async fn csrf_token(&self) -> String {
        self.csrf_token_on("/login").await
    }

    /// The CSRF token in the forms of `page`.
    pub async fn csrf_token_on(&self, page: &str) -> String {
        let (_, html) = self.page(page).await;
        csrf_in(&html).unwrap_or_else(|| panic!("no csrf_token field on {page}"))
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
        let token = self.csrf_token_on(page).await;
        self.post_form(path, &with_token(&token, fields)).await
    }

    /// Posts `fields` to `path` as the app's own client does, with this client's CSRF token
    /// ([`WebClient::csrf_token`]) added.
    pub async fn call(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let token = self.csrf_token().await;
        self.post_data(path, &with_token(&token, fields)).await
    }

    /// Logs in through the login form, as a browser without JavaScript does; a demo login
    /// with two-factor login (admin, leder) types a fresh code from the demo authenticator
    /// on the code page, and the answer to that is returned.
    pub async fn login(&self, login: (&str, &str)) -> Response {
        let token = self.csrf_token().await;
        let res = self.login_with(&token, login, &[]).await;
        match (location(&res).as_deref(), crate::totp::demo_secret(login)) {
            (Some("/login/tofaktor"), Some(secret)) => {
                let code = crate::totp::fresh_code(&self.desk, login.0, &secret).await;
                self.post_from_page(
                    "/login/tofaktor",
                    "/api/auth/login-code",
                    &[("code", &code)],
                )
                .await
            }
            _ => res,
        }
    }

    /// Posts the login form with `token` as its CSRF token and `extra` fields (e.g. `next`).
    pub async fn login_with(
        &self,
        token: &str,
        (username, password): (&str, &str),
        extra: &[(&str, &str)],
    ) -> Response {
        let mut fields = vec![
            ("csrf_token", token),
            ("username", username),
            ("password", password),
        ];
        fields.extend_from_slice(extra);
        self.post_form("/api/auth/login", &fields).await
    }

    /// Posts a login as the app's own client does (its answer is a status, not a redirect),
    /// with `token` as the CSRF token.
    pub async fn call_login(&self, token: &str, (username, password): (&str, &str)) -> Response {
        self.post_data(
            "/api/auth/login",
            &[
                ("csrf_token", token),
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

/// The staff case search's answer for `q`, as the console reads it (asserts 200).
pub async fn case_search(web: &WebClient, q: &str) -> serde_json::Value {
    let res = web
        .client
        .get(web.url("/api/staff/case-search"))
        .query(&[("q", q)])
        .send()
        .await
        .expect("GET case-search");
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.expect("case-search JSON")
}

/// A staff client logged in as `login`, and the CSRF token of the landing page it was sent to
/// (the login, the landing page and its token are checked).
pub async fn staff(server: &TestServer, login: (&str, &str)) -> (WebClient, String) {
    let web = WebClient::new(server);
    let res = web.login(login).await;
    assert_eq!(res.status(), StatusCode::FOUND, "login {login:?}");
    let landing = location(&res).expect("landing page");
    let (status, html) = web.page(&landing).await;
    assert_eq!(status, StatusCode::OK, "{landing}");
    let token = csrf_in(&html).expect("a CSRF token on the landing page");
    (web, token)
}

/// `fields` with `token` as the `csrf_token` field, first.
pub fn with_token<'a>(token: &'a str, fields: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut all = vec![("csrf_token", token)];
    all.extend_from_slice(fields);
    all
}

/// The fields of a form, `base` with `changes`: a changed field replaces the field of its name,
/// except a multi-valued one (`name[]`), which is added as one more value.
pub fn form_with<'a>(
    mut base: Vec<(&'a str, &'a str)>,
    changes: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    for &(name, value) in changes {
        if !name.ends_with("[]") {
            base.retain(|(n, _)| *n != name);
        }
        base.push((name, value));
    }
    base
}

/// Owned form fields borrowed as the `(&str, &str)` pairs the clients post.
pub fn str_pairs<K: AsRef<str>, V: AsRef<str>>(fields: &[(K, V)]) -> Vec<(&str, &str)> {
    fields
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .collect()
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
