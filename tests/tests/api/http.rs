//! The desk over HTTP, as a browser without JavaScript sees it.

use desk_tests::web::{bundle_paths_in, csrf_in, location};
use desk_tests::{TestServer, WebClient, demo};
use reqwest::StatusCode;

#[tokio::test]
async fn help_front_page_is_complete_without_javascript() {
    let server = TestServer::start().await;
    let web = WebClient::new(&server);
    let (status, html) = web.page("/").await;
    assert_eq!(status, StatusCode::OK);
    for expected in [
        r#"<html lang="da""#,
        r##"href="#main" class="skip-link""##,
        r#"<main id="main""#,
        r#"role="search""#,
        "Søg i vejledningerne",
        "Spær med det samme",
        "33 98 00 10",
        "33 98 00 98",
        "70 10 18 81",
        "Hverdage 8–20, weekend og helligdage 10–16",
        "MitID",
        "NemLog-in",
        "Digital Post",
        "NemKonto",
        "Virk",
        "borger.dk",
        "<title>Hjælp til MitID og digital selvbetjening</title>",
    ] {
        assert!(html.contains(expected), "front page lacks {expected:?}");
    }
}

#[tokio::test]
async fn english_is_one_link_away_and_sticks() {
    let server = TestServer::start().await;
    let web = WebClient::new(&server);
    let res = web.get("/lang/en?next=/login").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res).as_deref(), Some("/login"));
    let (_, html) = web.page("/").await;
    assert!(html.contains(r#"<html lang="en""#));
    assert!(html.contains("What do you need help with?"));
    assert!(html.contains("Weekdays 8–20"));

    // An absolute URL is never followed out of the site.
    let res = web.get("/lang/da?next=https://evil.example/").await;
    assert_eq!(location(&res).as_deref(), Some("/"));
}

#[tokio::test]
async fn each_demo_login_lands_on_its_role_page() {
    let server = TestServer::start().await;
    for (login, landing, heading) in [
        (demo::SUPPORTER, "/support", "Sagskø"),
        (
            demo::BORGERSERVICE,
            "/borgerservice",
            "Borgerservice – skranken",
        ),
        (demo::ADMIN, "/admin", "Administration"),
    ] {
        let web = WebClient::new(&server);
        let res = web.login(login).await;
        assert_eq!(res.status(), StatusCode::FOUND, "{login:?}");
        assert_eq!(location(&res).as_deref(), Some(landing));
        let cookies: Vec<String> = res
            .headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        let session = cookies
            .iter()
            .find(|c| c.starts_with("desk_session="))
            .expect("session cookie");
        assert!(
            session.contains("HttpOnly") && session.contains("SameSite=Lax"),
            "{session}"
        );
        let (status, html) = web.follow(res).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(heading), "{landing} lacks {heading:?}");
    }
}

#[tokio::test]
async fn a_wrong_password_returns_to_the_form_with_a_message() {
    let server = TestServer::start().await;
    let web = WebClient::new(&server);
    let res = web.login(("supporter", "not-the-password")).await;
    assert_eq!(res.status(), StatusCode::FOUND);
    let back = location(&res).expect("redirect back");
    assert!(back.starts_with("/login"), "{back}");
    let (_, html) = web.page(&back).await;
    assert!(
        html.contains("Brugernavnet eller adgangskoden er forkert."),
        "{html}"
    );
    // No session: the console still sends us to the login page.
    let res = web.get("/support").await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert!(location(&res).unwrap().starts_with("/login"));
}

#[tokio::test]
async fn unknown_users_get_the_same_answer_as_wrong_passwords() {
    let server = TestServer::start().await;
    let web = WebClient::new(&server);
    let token = web.csrf_token().await;
    let wrong_pw = web
        .call_login(&token, ("supporter", "nope-nope-nope"))
        .await;
    let no_user = web.call_login(&token, ("nobody", "nope-nope-nope")).await;
    assert_eq!(wrong_pw.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(no_user.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        wrong_pw.text().await.unwrap(),
        no_user.text().await.unwrap()
    );
}

#[tokio::test]
async fn anonymous_and_wrong_roles_are_refused() {
    let server = TestServer::start().await;

    let anonymous = WebClient::new(&server);
    let res = anonymous.api_get("/api/admin/staff").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = anonymous.get("/admin").await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(location(&res).as_deref(), Some("/login?next=/admin"));

    for login in [demo::SUPPORTER, demo::BORGERSERVICE] {
        let web = WebClient::logged_in(&server, login).await;
        let res = web.api_get("/api/admin/staff").await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{login:?}");
        assert!(res.text().await.unwrap().contains("Forbidden"));
        let (status, html) = web.page("/admin").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(html.contains("Ingen adgang"));
    }
    let web = WebClient::logged_in(&server, demo::SUPPORTER).await;
    let (status, _) = web.page("/borgerservice").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let admin = WebClient::logged_in(&server, demo::ADMIN).await;
    let res = admin.api_get("/api/admin/staff").await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = res.text().await.unwrap();
    for name in ["supporter", "borgerservice", "admin"] {
        assert!(body.contains(name), "{body}");
    }
    let (_, html) = admin.page("/admin/personale").await;
    assert!(html.contains("Sara Supporter") && html.contains("Bo Borgerservice"));
}

#[tokio::test]
async fn state_changing_requests_without_the_csrf_token_are_refused() {
    let server = TestServer::start().await;
    let web = WebClient::new(&server);
    let (u, p) = demo::SUPPORTER;
    let _ = web.csrf_token().await; // the browser has a CSRF cookie now

    for fields in [
        vec![("username", u), ("password", p)],
        vec![
            ("csrf_token", "forged-token"),
            ("username", u),
            ("password", p),
        ],
    ] {
        let res = web.post_form("/api/auth/login", &fields).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert!(res.text().await.unwrap().contains("Formularen er udløbet"));
    }
    // A client without the cookie cannot use a token copied from someone else's page.
    let token = web.csrf_token().await;
    let stranger = WebClient::new(&server);
    let res = stranger
        .post_form(
            "/api/auth/login",
            &[("csrf_token", &token), ("username", u), ("password", p)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Nothing happened: no session was opened.
    assert_eq!(web.get("/support").await.status(), StatusCode::FOUND);

    // Logging out needs the token too.
    web.login(demo::SUPPORTER).await;
    let res = web.post_form("/api/auth/logout", &[]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(web.get("/support").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn logging_out_ends_the_session() {
    let server = TestServer::start().await;
    let web = WebClient::logged_in(&server, demo::SUPPORTER).await;
    let (_, html) = web.page("/support").await;
    let token = csrf_in(&html).expect("logout form token");
    let res = web
        .post_form("/api/auth/logout", &[("csrf_token", &token)])
        .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(location(&res).as_deref(), Some("/"));
    assert_eq!(web.get("/support").await.status(), StatusCode::FOUND);
}

#[tokio::test]
async fn repeated_failed_logins_lock_the_username() {
    let server = TestServer::start().await;
    let web = WebClient::new(&server);
    let token = web.csrf_token().await;
    let attempt = |password: &'static str| web.call_login(&token, ("supporter", password));
    for _ in 0..5 {
        assert_eq!(
            attempt("wrong-password-1").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // Even the right password is refused while locked, with a clear message.
    let res = attempt(demo::SUPPORTER.1).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.text().await.unwrap().contains("TooManyAttempts"));
    let res = web.login(demo::SUPPORTER).await;
    let (_, html) = web.page(&location(&res).unwrap()).await;
    assert!(html.contains("For mange forkerte forsøg"), "{html}");
    // Other users are not affected.
    let other = WebClient::new(&server);
    assert_eq!(
        location(&other.login(demo::ADMIN).await).as_deref(),
        Some("/admin")
    );
}

#[tokio::test]
async fn health_and_readiness() {
    let server = TestServer::start().await;
    let web = WebClient::new(&server);
    let res = web.get("/healthz").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap(), "ok");
    let res = web.get("/readyz").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap(), "ready");
}

#[tokio::test]
async fn unknown_pages_get_a_404_page() {
    let server = TestServer::start().await;
    let web = WebClient::new(&server);
    let (status, html) = web.page("/findes/ikke").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Siden findes ikke"));
    assert!(html.contains(r#"class="skip-link""#));
}

#[tokio::test]
async fn the_bundle_is_served_compressed_under_hashed_names_and_kept_a_year() {
    use reqwest::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE};

    let server = TestServer::start().await;
    let web = WebClient::new(&server);
    let (_, html) = web.page("/").await;
    let files = bundle_paths_in(&html);
    for (ext, kind) in [
        (".css", "text/css"),
        (".js", "javascript"),
        (".wasm", "application/wasm"),
    ] {
        let path = files
            .iter()
            .find(|p| p.ends_with(ext))
            .unwrap_or_else(|| panic!("the front page names no {ext} file: {files:?}"));
        // supportdesk.<hash>.<ext>: a new release means a new name.
        let name = path.trim_start_matches("/pkg/");
        assert!(
            name.starts_with("supportdesk.") && name.matches('.').count() == 2,
            "{path} has no content hash in its name"
        );
        for (accept, expected) in [("br, gzip", Some("br")), ("gzip", Some("gzip")), ("", None)] {
            let res = reqwest::Client::new()
                .get(server.at(path))
                .header(ACCEPT_ENCODING, accept)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::OK, "{path}");
            let header = |name| {
                res.headers()
                    .get(name)
                    .map(|v| v.to_str().unwrap().to_owned())
            };
            assert!(header(CONTENT_TYPE).unwrap().contains(kind), "{path}");
            assert_eq!(
                header(CACHE_CONTROL).as_deref(),
                Some("public, max-age=31536000, immutable"),
                "{path}"
            );
            assert_eq!(
                header(CONTENT_ENCODING).as_deref(),
                expected,
                "{path} for {accept:?}"
            );
        }
    }
    // A file that is not there is not cached for a year.
    let res = web.get("/pkg/supportdesk.notthere.js").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(
        res.headers()
            .get(CACHE_CONTROL)
            .is_none_or(|v| v != "public, max-age=31536000, immutable")
    );

    // Pages are compressed on the fly and never kept by a shared cache.
    let res = reqwest::Client::new()
        .get(server.at("/soeg?q=mistet"))
        .header(ACCEPT_ENCODING, "br")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()[CONTENT_ENCODING], "br");
    assert_eq!(res.headers()[CACHE_CONTROL], "private, no-cache");
    // A guide needs no script: it names no script or WebAssembly file.
    let (_, guide) = web.page("/hjaelp/aktiveringskode").await;
    let guide_files = bundle_paths_in(&guide);
    assert!(
        guide_files.iter().all(|p| p.ends_with(".css")),
        "{guide_files:?}"
    );
}

#[tokio::test]
async fn only_staff_pages_link_the_consoles_stylesheet_and_it_is_kept_for_a_year() {
    let server = TestServer::start().await;
    let staff_css = regex::Regex::new(r#"href="(/staff\.[0-9a-f]{16}\.css)""#).unwrap();
    let citizen = WebClient::new(&server);
    for page in ["/", "/kontakt", "/soeg?q=kodeviser", "/login"] {
        let (_, html) = citizen.page(page).await;
        assert!(
            !html.contains("/staff."),
            "{page} links the staff stylesheet"
        );
    }
    let supporter = WebClient::logged_in(&server, demo::SUPPORTER).await;
    let (_, html) = supporter.page("/support").await;
    let href = staff_css.captures(&html).expect("the queue links it")[1].to_owned();
    // Anyone may fetch it (it holds no data), compressed, cached for good under its name.
    let res = citizen
        .client
        .get(citizen.url(&href))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let header = |name: &str| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert!(header("content-type").starts_with("text/css"));
    assert!(header("cache-control").contains("immutable"));
    assert!(!header("content-encoding").is_empty(), "compressed");
    let (status, _) = citizen.page("/staff.0000000000000000.css").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
