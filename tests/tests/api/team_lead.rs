//! The team lead's role: everything a supporter does (queue, cases, the live feed), plus the
//! lead's own pages; not the counter, not administration. A lead added on the command line to
//! an existing database works (the role column admits it after the migration).

use desk_tests::server::run_cli;
use desk_tests::web::location;
use desk_tests::{TestServer, WebClient, demo};
use reqwest::StatusCode;

async fn first_in_queue(web: &WebClient) -> String {
    let page = web.get_json("/api/cases/queue").await;
    page["rows"][0]["reference"]
        .as_str()
        .expect("a case in the queue")
        .to_owned()
}

#[tokio::test]
async fn a_team_lead_works_as_a_supporter_and_has_the_leads_pages_but_not_the_counter_or_admin() {
    let server = TestServer::start().await;

    let lead = WebClient::new(&server);
    let res = lead.login(demo::LEAD).await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(
        location(&res).as_deref(),
        Some("/leder"),
        "a lead lands on the dashboard"
    );
    for (path, expected) in [
        ("/leder", StatusCode::OK),
        ("/support", StatusCode::OK),
        ("/support/opkald", StatusCode::OK),
        ("/borgerservice", StatusCode::FORBIDDEN),
        ("/admin", StatusCode::FORBIDDEN),
        ("/admin/vidensbase", StatusCode::FORBIDDEN),
    ] {
        let (status, _) = lead.page(path).await;
        assert_eq!(status, expected, "lead on {path}");
    }
    let reference = first_in_queue(&lead).await;
    let (status, page) = lead.page(&format!("/support/sag/{reference}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&reference));

    // A supporter's action, done by the lead: the case moves.
    let res = lead
        .post_from_page(
            &format!("/support/sag/{reference}"),
            "/api/cases/status",
            &[("reference", &reference), ("status", "closed")],
        )
        .await;
    assert!(
        !res.status().is_client_error() && !res.status().is_server_error(),
        "{}",
        res.status()
    );
    let case = lead
        .get_json(&format!("/api/cases/get?reference={reference}"))
        .await;
    assert_eq!(case["status"], "closed", "{case}");

    // The supporters' live feed is the lead's too.
    let res = lead.get("/support/events").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/event-stream"))
    );
    drop(res);

    // Nobody else sees the dashboard; supporters see the incidents (they link cases to them),
    // the counter and administration do not.
    for (login, incidents) in [
        (demo::SUPPORTER, StatusCode::OK),
        (demo::BORGERSERVICE, StatusCode::FORBIDDEN),
        (demo::ADMIN, StatusCode::FORBIDDEN),
    ] {
        let other = WebClient::logged_in(&server, login).await;
        let (status, _) = other.page("/leder").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{} on /leder", login.0);
        let (status, _) = other.page("/leder/drift").await;
        assert_eq!(status, incidents, "{} on /leder/drift", login.0);
    }
    let anonymous = WebClient::new(&server);
    let res = anonymous.get("/leder").await;
    let to = location(&res).unwrap_or_default();
    assert!(
        res.status().is_redirection() && to.starts_with("/login"),
        "anonymous: {} {to}",
        res.status()
    );
}

#[tokio::test]
async fn a_lead_added_on_the_command_line_logs_in_to_the_dashboard() {
    let server = TestServer::start().await;
    let (ok, out, err) = run_cli(
        server.data_dir(),
        &[
            "user",
            "add",
            "--username",
            "lone",
            "--role",
            "lead",
            "--name",
            "Lone Lund",
        ],
        "en lang hemmelig sætning\n",
    )
    .await;
    assert!(ok, "user add: {out} {err}");
    // A lead logs in with two factors: the first login sets up the app.
    let web = WebClient::new(&server);
    let res = web.login(("lone", "en lang hemmelig sætning")).await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(location(&res).as_deref(), Some("/login/tofaktor/opsaet"));
    let (_, html) = web.page("/login/tofaktor/opsaet").await;
    let key = regex::Regex::new(r#"id="totp-secret"[^>]*>([A-Z2-7 ]+)<"#)
        .unwrap()
        .captures(&html)
        .expect("the key as text")[1]
        .to_owned();
    let secret = desk_tests::totp::secret_from_text(&key);
    let code = desk_tests::totp::fresh_code(&server.desk_key(), "lone", &secret).await;
    let res = web
        .post_from_page(
            "/login/tofaktor/opsaet",
            "/api/auth/login-enrol",
            &[("code", &code)],
        )
        .await;
    assert_eq!(location(&res).as_deref(), Some("/leder"));
    let (status, page) = web.page("/leder").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Lone Lund"), "the header names the lead");

    let (ok, _, err) = run_cli(
        server.data_dir(),
        &[
            "user",
            "add",
            "--username",
            "root2",
            "--role",
            "root",
            "--name",
            "X",
        ],
        "en lang hemmelig sætning\n",
    )
    .await;
    assert!(!ok, "an unknown role is refused");
    assert!(err.contains("lead"), "the message lists the roles: {err}");
}
