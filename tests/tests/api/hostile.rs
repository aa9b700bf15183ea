//! The desk under attack: every request here is what an anonymous stranger, a citizen with bad
//! intent or a member of staff in the wrong role could send to the release binary. Nothing may
//! answer 5xx, run script in a staff member's browser, lead off the site, leak, or be stored.
//! Issue 12 lists the attacks; each test names the item it proves.

use std::collections::BTreeSet;
use std::time::Duration;

use desk_tests::citizen::{contact_form, inbound, write_in};
use desk_tests::counter::{BIRTHE_CPR, Counter, ERIK, activation_code};
use desk_tests::hostile_support::{RawRequest, anonymous_csrf, db_count, stored_text};
use desk_tests::server::{command, run_cli, spawn_serve};
use desk_tests::smtp::SmtpServer;
use desk_tests::web::{bundle_paths_in, csrf_in, location, staff, str_pairs, with_token};
use desk_tests::{TestServer, WebClient, demo};
use regex::Regex;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use tokio::io::{AsyncBufReadExt, BufReader};

/// A form body's type.
const FORM: &str = "application/x-www-form-urlencoded";

const INBOUND_SECRET: &str = "hostile-inbound-secret";

/// Script and attribute break-outs a stranger writes into every free-text field.
const SCRIPT: &str = "<script>window.pwned=1</script>";
const SVG: &str = "\"><svg onload=alert(1)>";
/// What must never appear in a page as markup (escaped, it is harmless text).
const RAW_MARKUP: [&str; 5] = [
    "<script>window.pwned",
    "<svg onload",
    "<svg/onload",
    "<img src=x onerror",
    "href=\"javascript:",
];

/// Where `html` shows user text as markup, one line per finding.
fn raw_markup(where_: &str, html: &str) -> Vec<String> {
    RAW_MARKUP
        .iter()
        .filter(|bad| html.contains(**bad))
        .map(|bad| format!("{where_}: user text reached the page as markup ({bad:?})"))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

/// Posts the contact form as the app's own client does (statuses, not redirects).
async fn contact_call(web: &WebClient, fields: &[(&str, &str)]) -> reqwest::Response {
    let token = web.csrf_token_on("/kontakt").await;
    web.post_data("/api/contact/submit", &with_token(&token, fields))
        .await
}

fn cases(server: &TestServer) -> i64 {
    db_count(server.data_dir(), "SELECT COUNT(*) FROM cases")
}

/// The reference of the first case in the supporter's queue.
async fn first_in_queue(supporter: &WebClient) -> String {
    let page = supporter.get_json("/api/cases/queue").await;
    page["rows"][0]["reference"].as_str().unwrap().to_owned()
}

fn assert_not_5xx(what: &str, status: StatusCode) {
    assert!(!status.is_server_error(), "{what}: answered {status}");
}

// ---------------------------------------------------------------------------------------------
// A wrong role on every server function (table-driven, from the registered endpoints)
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Supporter,
    Lead,
    Borgerservice,
    Admin,
}

const STAFF: [Who; 4] = [Who::Supporter, Who::Lead, Who::Borgerservice, Who::Admin];

#[derive(Clone, Copy, Debug)]
enum Access {
    /// Anyone, logged in or not.
    Public,
    /// Only these roles; everyone else 401 (anonymous) or 403 (another role).
    Only(&'static [Who]),
}

use Access::{Only, Public};

/// A team lead does everything a supporter does.
const SUPPORTER: Access = Only(&[Who::Supporter, Who::Lead]);
const COUNTER: Access = Only(&[Who::Borgerservice]);
const ADMIN: Access = Only(&[Who::Admin]);
/// Team leads only.
const LEAD: Access = Only(&[Who::Lead]);

/// Every server function: who may call it, and arguments of the right shape (the role check
/// runs after the arguments are decoded, so a shapeless request would test nothing).
/// A new server function must be added here, with its rule: the test fails until it is.
const ROLE_RULES: &[(&str, Access, &str)] = &[
    ("/api/auth/login", Public, "username=x&password=y"),
    ("/api/auth/logout", Public, ""),
    ("/api/auth/login-step", Public, ""),
    (
        "/api/auth/login-new-password",
        Public,
        "password=x&repeat=x",
    ),
    ("/api/auth/login-enrolment", Public, ""),
    ("/api/auth/login-enrol", Public, "code=123456"),
    ("/api/auth/login-code", Public, "code=123456"),
    ("/api/contact/submit", Public, ""),
    ("/api/contact/status", Public, "token=x"),
    ("/api/rating/follow", Public, "token=x"),
    ("/api/rating/comment", Public, "token=x&comment=y"),
    ("/api/help/search", Public, "q=mitid"),
    ("/api/help/suggest", Public, "q=mitid"),
    ("/api/help/article", Public, "slug=mistet-kodeviser"),
    (
        "/api/help/feedback",
        Public,
        "article_id=1&slug=x&helpful=true",
    ),
    ("/api/admin/staff", ADMIN, ""),
    ("/api/admin/staff/member", ADMIN, "username=supporter"),
    (
        "/api/admin/staff/add",
        ADMIN,
        "username=x&display_name=x&role=supporter&temporary_password=x",
    ),
    (
        "/api/admin/staff/change",
        ADMIN,
        "username=supporter&action=disable",
    ),
    ("/api/admin/locked-logins", ADMIN, ""),
    ("/api/admin/unlock-login", ADMIN, "username=supporter"),
    ("/api/admin/kb/articles", ADMIN, ""),
    ("/api/admin/kb/insights", ADMIN, ""),
    ("/api/admin/kb/editor", ADMIN, "id=1"),
    ("/api/admin/kb/save", ADMIN, "slug=x&lang=da&title=x"),
    (
        "/api/lead/dashboard",
        LEAD,
        "period=today&from=&to=&system=&channel=",
    ),
    ("/api/incidents/list", SUPPORTER, ""),
    ("/api/incidents/get", SUPPORTER, "id=1"),
    (
        "/api/incidents/declare",
        LEAD,
        "systems[0]=mitid&text_da=x&text_en=x&search_words=x&starts_at=x&expected_end=x",
    ),
    (
        "/api/incidents/link",
        SUPPORTER,
        "incident_id=1&references[0]=SAG-2026-000001",
    ),
    (
        "/api/incidents/unlink",
        SUPPORTER,
        "incident_id=1&references[0]=SAG-2026-000001",
    ),
    (
        "/api/incidents/resolve",
        LEAD,
        "incident_id=1&closing_da=x&closing_en=x",
    ),
    ("/api/cases/queue", SUPPORTER, ""),
    ("/api/cases/get", SUPPORTER, "reference=SAG-2026-000001"),
    (
        "/api/cases/note",
        SUPPORTER,
        "reference=SAG-2026-000001&body=x",
    ),
    (
        "/api/cases/status",
        SUPPORTER,
        "reference=SAG-2026-000001&status=closed",
    ),
    (
        "/api/cases/reply",
        SUPPORTER,
        "reference=SAG-2026-000001&body=x",
    ),
    (
        "/api/cases/retry-delivery",
        SUPPORTER,
        "reference=SAG-2026-000001&outbox_id=1",
    ),
    ("/api/cases/claim", SUPPORTER, "reference=SAG-2026-000001"),
    (
        "/api/cases/reveal-cpr",
        SUPPORTER,
        "reference=SAG-2026-000001&reason=x",
    ),
    (
        "/api/cases/call",
        SUPPORTER,
        "reference=SAG-2026-000001&direction=incoming&minutes=1&summary=x",
    ),
    ("/api/cases/bulk-status", SUPPORTER, "status=closed"),
    (
        "/api/cases/link",
        SUPPORTER,
        "reference=SAG-2026-000001&other=SAG-2026-000002",
    ),
    (
        "/api/cases/block",
        SUPPORTER,
        "reference=SAG-2026-000001&reason=x",
    ),
    (
        "/api/cases/lift-block",
        SUPPORTER,
        "reference=SAG-2026-000001&block_id=1",
    ),
    (
        "/api/cases/block-business",
        SUPPORTER,
        "reference=SAG-2026-000001&employee=1&asker=1&reason=x",
    ),
    (
        "/api/cases/party",
        SUPPORTER,
        "reference=SAG-2026-000001&party=citizen",
    ),
    ("/api/cases/powers", SUPPORTER, "reference=SAG-2026-000001"),
    (
        "/api/cases/power-holder",
        SUPPORTER,
        "reference=SAG-2026-000001&power_id=1&matter=digital_post",
    ),
    ("/api/citizens/find", SUPPORTER, "cpr=010190-1234"),
    ("/api/citizens/get", SUPPORTER, "id=1"),
    ("/api/citizens/block-case", SUPPORTER, "citizen_id=1"),
    ("/api/calls/current", SUPPORTER, ""),
    ("/api/calls/open-case", SUPPORTER, "call_id=x"),
    (
        "/api/calls/attach",
        SUPPORTER,
        "call_id=x&reference=SAG-2026-000001",
    ),
    ("/api/calls/wrap-up", SUPPORTER, "call_id=x&summary=x"),
    ("/api/calls/today", SUPPORTER, ""),
    ("/api/staff/kb-search", SUPPORTER, "q=mitid"),
    ("/api/staff/case-search", SUPPORTER, "q=mitid"),
    ("/api/counter/today", COUNTER, ""),
    (
        "/api/counter/start",
        COUNTER,
        "purpose=new_mitid&cpr=010190-1234&name=x",
    ),
    ("/api/counter/visit", COUNTER, "id=1"),
    (
        "/api/counter/identity-check",
        COUNTER,
        "visit_id=1&method=questions",
    ),
    ("/api/counter/authenticators", COUNTER, "visit_id=1"),
    (
        "/api/counter/check-user-id",
        COUNTER,
        "visit_id=1&user_id=x",
    ),
    ("/api/counter/user-id", COUNTER, "visit_id=1&user_id=x"),
    ("/api/counter/issue-code", COUNTER, "visit_id=1&device=app"),
    ("/api/counter/hand-over", COUNTER, "visit_id=1"),
    ("/api/counter/exemption", COUNTER, "visit_id=1"),
    (
        "/api/counter/power-of-attorney",
        COUNTER,
        "visit_id=1&holder_name=x&valid_from=2026-01-01",
    ),
    ("/api/counter/finish", COUNTER, "visit_id=1"),
    ("/api/counter/pause", COUNTER, "visit_id=1"),
    (
        "/api/counter/end",
        COUNTER,
        "visit_id=1&outcome=abort&reason=x",
    ),
    ("/api/counter/receipt", COUNTER, "visit_id=1"),
];

/// Calls an endpoint as the app's own client does: GET with a query, or a form POST with the
/// caller's CSRF token (so the refusal, if any, is the role check's and not the CSRF layer's).
async fn call_endpoint(
    web: &WebClient,
    token: &str,
    method: &str,
    path: &str,
    args: &str,
) -> StatusCode {
    let res = if method == "GET" {
        if args.is_empty() {
            web.api_get(path).await
        } else {
            web.api_get(&format!("{path}?{args}")).await
        }
    } else {
        let mut body = format!("csrf_token={token}");
        if !args.is_empty() {
            body.push('&');
            body.push_str(args);
        }
        web.client
            .post(web.url(path))
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, FORM)
            .body(body)
            .send()
            .await
            .unwrap()
    };
    res.status()
}

#[tokio::test]
async fn every_server_function_has_a_role_rule_and_refuses_everyone_else() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, out, err) = run_cli(dir.path(), &["endpoints"], "").await;
    assert!(ok, "supportdesk endpoints failed: {err}");
    let endpoints: Vec<(String, String)> = out
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (method, path) = l.trim().split_once(' ').expect("METHOD path");
            (method.to_owned(), path.to_owned())
        })
        .collect();
    assert!(endpoints.len() >= 40, "{out}");

    let listed: BTreeSet<&str> = endpoints.iter().map(|(_, p)| p.as_str()).collect();
    let ruled: BTreeSet<&str> = ROLE_RULES.iter().map(|(p, _, _)| *p).collect();
    let unruled: Vec<&&str> = listed.difference(&ruled).collect();
    assert!(
        unruled.is_empty(),
        "new endpoint without a role rule (add it to ROLE_RULES): {unruled:?}"
    );
    let stale: Vec<&&str> = ruled.difference(&listed).collect();
    assert!(
        stale.is_empty(),
        "ROLE_RULES names endpoints the desk no longer has: {stale:?}"
    );

    let server = TestServer::start().await;
    let anonymous = WebClient::new(&server);
    let anonymous_token = anonymous.csrf_token().await;
    let mut clients = Vec::new();
    for (who, login) in [
        (Who::Supporter, demo::SUPPORTER),
        (Who::Lead, demo::LEAD),
        (Who::Borgerservice, demo::BORGERSERVICE),
        (Who::Admin, demo::ADMIN),
    ] {
        let (web, token) = staff(&server, login).await;
        clients.push((who, web, token));
    }
    let cases_before = cases(&server);

    let mut failures = Vec::new();
    for (method, path) in &endpoints {
        let (_, access, args) = ROLE_RULES
            .iter()
            .find(|(p, _, _)| p == path)
            .expect("checked above");
        let Only(allowed) = access else {
            continue;
        };
        let status = call_endpoint(&anonymous, &anonymous_token, method, path, args).await;
        if status != StatusCode::UNAUTHORIZED {
            failures.push(format!("{method} {path} anonymous: {status}, not 401"));
        }
        for (who, web, token) in &clients {
            let allowed_here = allowed.contains(who);
            // Writes by the right role are left alone: they would change the demo data.
            if allowed_here && method != "GET" {
                continue;
            }
            let status = call_endpoint(web, token, method, path, args).await;
            if allowed_here {
                // Reads by the right role work (or refuse the made-up arguments).
                if status.is_server_error()
                    || status == StatusCode::UNAUTHORIZED
                    || status == StatusCode::FORBIDDEN
                {
                    failures.push(format!("{method} {path} as {who:?} (allowed): {status}"));
                }
            } else if status != StatusCode::FORBIDDEN {
                failures.push(format!("{method} {path} as {who:?}: {status}, not 403"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(
        cases(&server),
        cases_before,
        "a refused call created a case"
    );
    // Every staff role is covered by the matrix above.
    assert_eq!(clients.len(), STAFF.len());
}

// ---------------------------------------------------------------------------------------------
// Item 7: request bodies
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn request_bodies_over_the_limit_are_refused_with_413_whatever_the_headers() {
    let server = TestServer::start().await;
    let before = cases(&server);
    let (cookie, token) = anonymous_csrf(&server).await;
    let big_message = "a".repeat(200 * 1024);
    let form = |message: &str| {
        let mut body = url::form_urlencoded::Serializer::new(String::new());
        body.append_pair("csrf_token", &token);
        for (k, v) in contact_form(&[("message", message)]) {
            body.append_pair(k, v);
        }
        body.finish()
    };

    // The server answers as soon as it sees the declared length and may close before the
    // body is sent (a client library then reports a broken pipe): raw sockets, which do not
    // mind.
    let big = form(&big_message);
    let post_big = || {
        RawRequest::post("/api/contact/submit", FORM, big.len())
            .header("Cookie", &cookie)
            .body(big.clone().into_bytes())
            .whole_answer()
    };

    // A browser's form post: 413 and a page that says why, in both languages.
    let res = post_big().header("Accept", "text/html").send(&server).await;
    assert_eq!(res.status, 413, "{}", res.head);
    assert!(
        res.body.contains("for stort") && res.body.contains("too large"),
        "a bilingual message: {}",
        res.body
    );

    // The app's call, with the CSRF token in the header: the header lifts no limit.
    let res = post_big()
        .header("x-csrf-token", &token)
        .header("Accept", "application/json")
        .send(&server)
        .await;
    assert_eq!(res.status, 413, "{}", res.head);
    assert!(res.body.contains("TooLarge"), "{}", res.body);

    // Without a Content-Length (chunked), read only up to the limit.
    let chunk = vec![b'a'; 64 * 1024];
    let mut parts = vec![
        format!("{:x}\r\n", form("Start af beskeden").len()).into_bytes(),
        form("Start af beskeden").into_bytes(),
        b"\r\n".to_vec(),
    ];
    for _ in 0..4 {
        parts.push(format!("{:x}\r\n", chunk.len()).into_bytes());
        parts.push(chunk.clone());
        parts.push(b"\r\n".to_vec());
    }
    parts.push(b"0\r\n\r\n".to_vec());
    let mut chunked = RawRequest::post_chunked("/api/contact/submit", FORM)
        .header("Cookie", &cookie)
        .header("x-csrf-token", &token)
        .header("Accept", "text/html")
        .whole_answer();
    for part in parts {
        chunked = chunked.body(part);
    }
    let res = chunked.send(&server).await;
    assert_eq!(res.status, 413, "chunked: {}", res.head);
    assert!(res.body.contains("for stort"), "{}", res.body);

    // 200 MB declared: refused at once, before a byte of it is read (not a 500).
    let started = std::time::Instant::now();
    let res = RawRequest::post("/api/contact/submit", FORM, 209_715_200)
        .header("Accept", "application/json")
        .body(vec![b'a'; 64 * 1024])
        .send(&server)
        .await;
    assert_eq!(res.status, 413, "{}", res.head);
    assert!(started.elapsed() < Duration::from_secs(5));
    // The same on a route nobody posts to, and on a page.
    for path in ["/", "/api/cases/note", "/support/events"] {
        let res = RawRequest::post(path, FORM, 209_715_200)
            .send(&server)
            .await;
        assert_eq!(res.status, 413, "{path}: {}", res.head);
    }

    // The article editor has room for long articles, and a limit too.
    let (admin, admin_token) = staff(&server, demo::ADMIN).await;
    let long_body = "Lang vejledning. ".repeat(60 * 1024 / 17 * 16); // ~1 MiB
    let article = [
        ("slug", "meget-lang"),
        ("lang", "da"),
        ("title", "Meget lang"),
        ("body", &long_body),
    ];
    let res = admin
        .post_data("/api/admin/kb/save", &with_token(&admin_token, &article))
        .await;
    assert_ne!(res.status(), StatusCode::PAYLOAD_TOO_LARGE, "1 MiB article");
    assert_not_5xx("1 MiB article", res.status());
    let huge = format!(
        "csrf_token={admin_token}&slug=alt-for-lang&lang=da&title=x&body={}",
        "x".repeat(3 * 1024 * 1024)
    );
    let res = RawRequest::post("/api/admin/kb/save", FORM, huge.len())
        .header("Accept", "application/json")
        .header("x-csrf-token", &admin_token)
        .body(huge.into_bytes())
        .send(&server)
        .await;
    assert_eq!(res.status, 413, "3 MiB article: {}", res.head);

    assert_eq!(cases(&server), before, "nothing was created");
    // The server is still well.
    assert_eq!(
        WebClient::new(&server).get("/healthz").await.status(),
        StatusCode::OK
    );
}

// ---------------------------------------------------------------------------------------------
// Item 6: security headers
// ---------------------------------------------------------------------------------------------

/// The nonce in a page's `script-src`, after checking the policy's other rules.
fn checked_policy(what: &str, res: &reqwest::Response) -> String {
    let csp = res
        .headers()
        .get("content-security-policy")
        .unwrap_or_else(|| panic!("{what}: no Content-Security-Policy"))
        .to_str()
        .unwrap()
        .to_owned();
    let script_src = csp
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src"))
        .unwrap_or_else(|| panic!("{what}: no script-src in {csp}"));
    assert!(
        !script_src
            .split_whitespace()
            .any(|t| t == "'unsafe-inline'" || t == "'unsafe-eval'" || t == "*"),
        "{what}: {script_src}"
    );
    assert!(script_src.contains("'self'"), "{what}: {script_src}");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    Regex::new(r"'nonce-([A-Za-z0-9+/=_-]+)'")
        .unwrap()
        .captures(script_src)
        .unwrap_or_else(|| panic!("{what}: no nonce in {script_src}"))[1]
        .to_owned()
}

fn header<'a>(res: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    res.headers().get(name).and_then(|v| v.to_str().ok())
}

/// Every executable `<script>` of the page carries the policy's nonce.
fn assert_scripts_nonced(what: &str, html: &str, nonce: &str) {
    let tag = Regex::new(r"<script\b[^>]*>").unwrap();
    let mut executable = 0;
    for m in tag.find_iter(html) {
        let t = m.as_str();
        if t.contains(r#"type="application/json""#) {
            continue;
        }
        executable += 1;
        assert!(
            t.contains(&format!(r#"nonce="{nonce}""#)),
            "{what}: a script without the nonce: {t}"
        );
    }
    assert!(executable > 0, "{what}: no hydration script found");
}

#[tokio::test]
async fn pages_carry_security_headers_and_nonced_scripts() {
    let server = TestServer::start().await;
    let citizen = WebClient::new(&server);

    let res = citizen.get("/").await;
    assert_eq!(res.status(), StatusCode::OK);
    let nonce = checked_policy("/", &res);
    assert_eq!(header(&res, "x-content-type-options"), Some("nosniff"));
    assert!(header(&res, "referrer-policy").is_some());
    assert!(
        header(&res, "strict-transport-security").is_none(),
        "HSTS only with DESK_SECURE_COOKIES"
    );
    let html = res.text().await.unwrap();
    assert_scripts_nonced("/", &html, &nonce);
    // A fresh nonce for every response.
    let res = citizen.get("/").await;
    assert_ne!(checked_policy("/ again", &res), nonce);

    // Not for storing: staff pages, the app's calls, the citizen's private pages.
    let (reference, status_link) = write_in(&server, &contact_form(&[])).await;
    let (supporter, _) = staff(&server, demo::SUPPORTER).await;
    let (counter, _) = staff(&server, demo::BORGERSERVICE).await;
    let (admin, _) = staff(&server, demo::ADMIN).await;
    for (web, path) in [
        (&supporter, "/support".to_owned()),
        (&supporter, format!("/support/sag/{reference}")),
        (&supporter, "/support/soeg?q=mitid".to_owned()),
        (&counter, "/borgerservice".to_owned()),
        (&admin, "/admin".to_owned()),
        (&admin, "/admin/vidensbase".to_owned()),
        (&citizen, status_link.clone()),
    ] {
        let res = web.get(&path).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(header(&res, "cache-control"), Some("no-store"), "{path}");
        assert_eq!(header(&res, "x-content-type-options"), Some("nosniff"));
        let nonce = checked_policy(&path, &res);
        let html = res.text().await.unwrap();
        assert_scripts_nonced(&path, &html, &nonce);
    }
    for path in [
        "/api/cases/queue".to_owned(),
        format!("/api/cases/get?reference={reference}"),
    ] {
        let res = supporter.api_get(&path).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(header(&res, "cache-control"), Some("no-store"), "{path}");
        assert_eq!(header(&res, "x-content-type-options"), Some("nosniff"));
        let csp = header(&res, "content-security-policy").unwrap_or_default();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
    }
    // Static files and errors get the headers too.
    for path in ["/pkg/supportdesk.css", "/findes/ikke"] {
        let res = citizen.get(path).await;
        assert_eq!(header(&res, "x-content-type-options"), Some("nosniff"));
        assert!(
            header(&res, "content-security-policy")
                .is_some_and(|c| c.contains("frame-ancestors 'none'")),
            "{path}"
        );
    }
    drop(server);

    // Behind TLS: HSTS, and cookies only this host can set.
    let server = TestServer::start_with(&[("DESK_SECURE_COOKIES", "true")]).await;
    let res = reqwest::Client::new()
        .get(server.at("/login"))
        .header(ACCEPT, "text/html")
        .send()
        .await
        .unwrap();
    let hsts = header(&res, "strict-transport-security").expect("HSTS when secure");
    assert!(hsts.contains("max-age="), "{hsts}");
    let cookies: Vec<String> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let csrf = cookies
        .iter()
        .find(|c| c.contains("desk_csrf="))
        .expect("a CSRF cookie");
    assert!(csrf.starts_with("__Host-desk_csrf="), "{csrf}");
    assert!(
        csrf.contains("Secure") && csrf.contains("Path=/") && !csrf.contains("Domain"),
        "{csrf}"
    );
}

// ---------------------------------------------------------------------------------------------
// Item 10: open redirects, CSRF bound to the session
// ---------------------------------------------------------------------------------------------

/// `next` values that would leave the site once a browser has cleaned them up.
const OFF_SITE: [&str; 11] = [
    "/%09/evil.example",
    "//evil.example",
    "/%5Cevil.example",
    "%5C%5Cevil.example",
    "https://evil.example",
    "/%0D%0ASet-Cookie:%20x=1",
    "/%0A/evil.example",
    "/%00/evil.example",
    "%2F%2Fevil.example",
    "/%E2%88%95%E2%88%95evil.example",
    "%20//evil.example",
];

#[tokio::test]
async fn next_never_leads_off_the_site() {
    let server = TestServer::start().await;
    let web = WebClient::new(&server);
    for next in OFF_SITE {
        let res = web.get(&format!("/lang/en?next={next}")).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{next}");
        let raw = header(&res, "location").unwrap_or_default();
        assert_eq!(raw, "/", "/lang/en?next={next}");
        assert!(
            res.headers().get_all("set-cookie").iter().count() <= 2,
            "{next}: a header was injected"
        );
    }
    // A path on the site is kept.
    let res = web.get("/lang/da?next=/kontakt?x=1").await;
    assert_eq!(header(&res, "location"), Some("/kontakt?x=1"));

    // The login page does not carry a hostile `next` into its form.
    let (_, html) = web.page("/login?next=/%09/evil.example").await;
    assert!(!html.contains("evil.example"), "{html}");

    // The login's hidden field, posted by hand: the role's landing page instead.
    for next in [
        "/\t/evil.example",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "/\r\nSet-Cookie: x=1",
    ] {
        let res = log_in_with_next(&server, next).await;
        assert_eq!(res.status(), StatusCode::FOUND, "{next:?}");
        assert_eq!(header(&res, "location"), Some("/support"), "{next:?}");
    }
    // A good `next` is followed.
    let res = log_in_with_next(&server, "/support/soeg?q=mitid").await;
    assert_eq!(header(&res, "location"), Some("/support/soeg?q=mitid"));
}

/// The supporter logs in from a new client, the login form's hidden `next` field set by hand.
async fn log_in_with_next(server: &TestServer, next: &str) -> reqwest::Response {
    let web = WebClient::new(server);
    let token = web.csrf_token().await;
    web.login_with(&token, demo::SUPPORTER, &[("next", next)])
        .await
}

#[tokio::test]
async fn csrf_tokens_are_bound_to_the_session_and_rotated() {
    let server = TestServer::start().await;
    let web = WebClient::new(&server);
    let anonymous_token = web.csrf_token().await;

    let res = web.login_with(&anonymous_token, demo::SUPPORTER, &[]).await;
    assert_eq!(location(&res).as_deref(), Some("/support"));
    let (_, html) = web.page("/support").await;
    let session_token = csrf_in(&html).unwrap();
    assert_ne!(session_token, anonymous_token, "a new token at login");

    let reference = first_in_queue(&web).await;
    let note = |token: String, body: &'static str| {
        let web = &web;
        let fields = [("reference", reference.clone()), ("body", body.to_owned())];
        async move {
            web.post_data("/api/cases/note", &with_token(&token, &str_pairs(&fields)))
                .await
        }
    };
    // The token from before the login no longer works.
    let res = note(anonymous_token.clone(), "Med det gamle token.").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("CsrfRejected"));
    let res = note(session_token.clone(), "Med sessionens token.").await;
    assert!(res.status().is_success(), "{}", res.status());

    // Another session of the same person has its own token.
    let (_, other_token) = staff(&server, demo::SUPPORTER).await;
    assert_ne!(other_token, session_token);
    let res = note(other_token, "Med en anden sessions token.").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // After logout, the session's token is dead, for the login form too.
    let res = web
        .post_form("/api/auth/logout", &[("csrf_token", &session_token)])
        .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    let res = web.call_login(&session_token, demo::SUPPORTER).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let after_logout = web.csrf_token().await;
    assert_ne!(after_logout, session_token);
    assert_ne!(after_logout, anonymous_token);

    let (_, html) = staff(&server, demo::SUPPORTER)
        .await
        .0
        .page(&format!("/support/sag/{reference}"))
        .await;
    assert!(html.contains("Med sessionens token."));
    assert!(!html.contains("Med det gamle token.") && !html.contains("anden sessions"));
}

// ---------------------------------------------------------------------------------------------
// Item 1: script in user text, everywhere it is shown to staff
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn user_text_never_reaches_a_page_as_markup() {
    let server = TestServer::start_with(&[("DESK_INBOUND_MAIL_SECRET", INBOUND_SECRET)]).await;
    // Every finding is collected, so one run shows every place that leaks.
    let mut found: Vec<String> = Vec::new();

    // The contact form: every free-text field.
    let message =
        format!("</title></textarea>{SCRIPT} {SVG} Jeg kan ikke logge på MitID med min app.");
    let name = format!("Grete {SVG}");
    let (reference, status_link) = write_in(
        &server,
        &contact_form(&[("message", &message), ("name", &name)]),
    )
    .await;
    // A hostile e-mail address or phone number is refused, or shown as text (checked on the
    // queue and search pages below).
    let citizen = WebClient::new(&server);
    let phone = format!("1234{SVG}");
    for field in [
        ("email", "\"><svg/onload=alert(1)>@example.dk"),
        ("phone", &phone),
    ] {
        let res = contact_call(&citizen, &contact_form(&[field])).await;
        assert_not_5xx(field.0, res.status());
    }

    // The citizen's own status page.
    let (status, html) = citizen.page(&status_link).await;
    assert_eq!(status, StatusCode::OK);
    found.extend(raw_markup("citizen status page", &html));

    let (supporter, token) = staff(&server, demo::SUPPORTER).await;
    let case_path = format!("/support/sag/{reference}");
    let (status, html) = supporter.page(&case_path).await;
    assert_eq!(status, StatusCode::OK);
    found.extend(raw_markup("case page", &html));
    let titles: Vec<String> = Regex::new(r"(?s)<title>(.*?)</title>")
        .unwrap()
        .captures_iter(&html)
        .map(|c| c[1].to_owned())
        .collect();
    assert_eq!(titles.len(), 1, "one <title>: {titles:?}");
    assert!(
        titles[0].contains(&format!("Sag {reference}")),
        "{titles:?}"
    );
    assert!(
        !titles[0].contains("pwned") && !titles[0].contains("script"),
        "user text in the title: {titles:?}"
    );
    assert!(
        html.contains("&lt;script&gt;window.pwned") || html.contains("&lt;script>window.pwned"),
        "the message is shown, as text"
    );

    // Staff write it too: a note, a reply, a call summary.
    for (path, fields) in [
        (
            "/api/cases/note",
            vec![("body", format!("Note {SCRIPT} {SVG}"))],
        ),
        (
            "/api/cases/reply",
            vec![("body", format!("Svar {SCRIPT} {SVG}"))],
        ),
        (
            "/api/cases/call",
            vec![
                ("direction", "incoming".to_owned()),
                ("minutes", "3".to_owned()),
                ("summary", format!("Opkald {SCRIPT} {SVG}")),
            ],
        ),
    ] {
        let mut all = vec![("reference", reference.clone())];
        all.extend(fields);
        let res = supporter
            .post_data(path, &with_token(&token, &str_pairs(&all)))
            .await;
        assert!(res.status().is_success(), "{path}: {}", res.status());
    }

    // Inbound mail from a stranger: subject, sender name, body, attachment name.
    let mail = format!(
        "From: =?utf-8?q?Mallory_=22=3E=3Csvg_onload=3Dalert(1)=3E?= <mallory@evil.example>\r\nTo: support@desk.example\r\n\
         Subject: </title>{SCRIPT}\r\nMessage-ID: <evil-1@evil.example>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\
         Content-Type: text/html; charset=utf-8\r\n\r\n<p>Hej {SCRIPT}<img src=x onerror=alert(1)>\
         <a href=\"javascript:alert(1)\">klik</a></p>\r\n--b\r\n\
         Content-Type: image/png\r\nContent-Disposition: attachment; filename*=utf-8''x%22%3E%3Csvg%20onload%3Dalert(1)%3E.png\r\n\
         Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--b--\r\n"
    );
    let (status, json) = inbound(&server, INBOUND_SECRET, &mail).await;
    assert!(status.is_success(), "{status} {json}");
    let mail_case = json["reference"].as_str().unwrap().to_owned();

    let mut pages = vec![
        case_path.clone(),
        format!("/support/sag/{mail_case}"),
        "/support".to_owned(),
        "/support?channel=email".to_owned(),
        "/support/soeg?q=pwned".to_owned(),
        "/support/soeg?q=alert".to_owned(),
        format!("/support/sag/{reference}/spaer"),
    ];
    // Search terms are user text too.
    pages.push(format!(
        "/support/soeg?q={}",
        url::form_urlencoded::byte_serialize(format!("{SCRIPT}{SVG}").as_bytes())
            .collect::<String>()
    ));
    for path in &pages {
        let (status, html) = supporter.page(path).await;
        assert_not_5xx(path, status);
        found.extend(raw_markup(path, &html));
    }
    let (_, html) = supporter.page(&case_path).await;
    assert!(
        html.contains("Opkald") && html.contains("Note"),
        "staff text is shown"
    );

    // The public search reflects its query as text only.
    let q = url::form_urlencoded::byte_serialize(format!("{SCRIPT}{SVG}").as_bytes())
        .collect::<String>();
    let (status, html) = citizen.page(&format!("/soeg?q={q}")).await;
    assert_not_5xx("/soeg", status);
    found.extend(raw_markup("public search", &html));

    // An article body written by an admin is rendered without its markup running.
    let (admin, admin_token) = staff(&server, demo::ADMIN).await;
    let slug = "fjendtlig-vejledning";
    let body = format!(
        "Sådan gør du.\r\n\r\n</textarea>{SCRIPT}\r\n\r\n<img src=x onerror=alert(1)>\r\n\r\n\
         [klik her](javascript:alert(1))\r\n"
    );
    let article = |extra: &[(&'static str, &str)]| {
        let mut f: Vec<(String, String)> = vec![
            ("csrf_token".into(), admin_token.clone()),
            ("title".into(), "Fjendtlig vejledning".into()),
            ("summary".into(), format!("Resumé </textarea>{SVG}")),
            ("body".into(), body.clone()),
            ("systems[]".into(), "MitID".into()),
            ("audience".into(), "public".into()),
            ("tags".into(), "test".into()),
            ("sources".into(), "https://www.mitid.dk/".into()),
            ("translation_of".into(), String::new()),
        ];
        for (k, v) in extra {
            f.retain(|(n, _)| n != k);
            f.push(((*k).into(), (*v).into()));
        }
        f
    };
    let fields = article(&[("slug", slug), ("lang", "da"), ("status", "draft")]);
    let res = admin
        .post_form("/api/admin/kb/save", &str_pairs(&fields))
        .await;
    let to = location(&res).unwrap_or_default();
    let id = Regex::new(r"^/admin/vidensbase/(\d+)\?")
        .unwrap()
        .captures(&to)
        .unwrap_or_else(|| panic!("the article was not saved: {to}"))[1]
        .to_owned();
    let (_, editor) = admin.page(&format!("/admin/vidensbase/{id}")).await;
    found.extend(raw_markup("article editor", &editor));
    let token = csrf_in(&editor).unwrap();
    let fields = article(&[
        ("csrf_token", &token),
        ("id", &id),
        ("version", "1"),
        ("slug", slug),
        ("lang", "da"),
        ("status", "published"),
    ]);
    let res = admin
        .post_form("/api/admin/kb/save", &str_pairs(&fields))
        .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    let (status, html) = citizen.page(&format!("/hjaelp/{slug}")).await;
    assert_eq!(status, StatusCode::OK, "the article is published");
    assert!(html.contains("Sådan gør du."));
    found.extend(raw_markup("public article", &html));
    let (_, html) = citizen.page("/soeg?q=fjendtlig").await;
    found.extend(raw_markup("search hit of the article", &html));
    let (_, html) = supporter.page("/support/soeg?q=fjendtlig").await;
    found.extend(raw_markup("staff search", &html));
    let res = supporter.api_get("/api/staff/kb-search?q=fjendtlig").await;
    assert!(!res.text().await.unwrap().contains("<script>window.pwned"));
    assert!(found.is_empty(), "{}", found.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Item 11: no demo logins by default
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn demo_data_is_off_unless_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = command(dir.path());
    cmd.env_remove("DESK_DEMO_DATA");
    let mut child = spawn_serve(cmd);
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut said = Vec::new();
    let url = tokio::time::timeout(Duration::from_secs(60), async {
        let mut url = None;
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(rest) = line.split("running at ").nth(1) {
                url = Some(rest.trim().to_owned());
            }
            said.push(line);
            if url.is_some() && said.iter().any(|l| l.contains("supportdesk user add")) {
                break;
            }
        }
        url
    })
    .await
    .unwrap_or_else(|_| panic!("no start-up message: {said:?}"))
    .unwrap_or_else(|| panic!("server exited: {said:?}"));
    let out = said.join("\n");
    assert!(out.contains("No staff accounts yet"), "{out}");
    assert!(!out.contains("demo-indstil"), "no demo passwords: {out}");
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });

    let web = WebClient::at(&url);
    let token = web.csrf_token().await;
    for login in [demo::ADMIN, demo::SUPPORTER] {
        let res = web.call_login(&token, login).await;
        assert_eq!(
            res.status(),
            StatusCode::UNAUTHORIZED,
            "{} logged in",
            login.0
        );
    }
    drop(web);
    child.start_kill().unwrap();
    let _ = child.wait().await;
    let staff = db_count(dir.path(), "SELECT COUNT(*) FROM staff_users");
    let cases = db_count(dir.path(), "SELECT COUNT(*) FROM cases");
    assert_eq!((staff, cases), (0, 0), "no demo staff, no demo cases");
}

// ---------------------------------------------------------------------------------------------
// Item 9: object-level access
// ---------------------------------------------------------------------------------------------

/// A counter step that must succeed.
async fn step(counter: &Counter, endpoint: &str, fields: &[(&str, &str)]) {
    let (status, body) = counter.post(endpoint, fields).await;
    assert!(status.is_success(), "{endpoint}: {status} {body}");
}

#[tokio::test]
async fn receipts_end_at_hand_over_citizen_views_are_audited_and_streams_end_at_logout() {
    let server = TestServer::start().await;
    let (web, token) = staff(&server, demo::BORGERSERVICE).await;
    let counter = Counter { web, token };
    // The demo citizen with NemID only, and the demo witness (as in counter.rs).
    step(
        &counter,
        "start",
        &[
            ("purpose", "nemid_migration"),
            ("cpr", ERIK.1),
            ("name", ERIK.0),
        ],
    )
    .await;
    let visit = counter.newest_visit().await;
    let visit_id = ("visit_id", visit.as_str());
    step(
        &counter,
        "identity-check",
        &[
            visit_id,
            ("method", "witness"),
            ("witness_cpr", BIRTHE_CPR),
            ("witness_name", "Birthe Holm"),
        ],
    )
    .await;
    step(
        &counter,
        "authenticators",
        &[
            visit_id,
            ("no_smartphone", "1"),
            ("code_display", "1"),
            ("code_display_serial", "cd 9988 7766"),
        ],
    )
    .await;
    step(
        &counter,
        "user-id",
        &[
            visit_id,
            ("user_id", "Erik Æbelø"),
            ("password", "Solsikke-Havn-42"),
            ("password_repeat", "Solsikke-Havn-42"),
        ],
    )
    .await;
    step(
        &counter,
        "issue-code",
        &[visit_id, ("device", "code_display")],
    )
    .await;
    let receipt_path = format!("/borgerservice/besoeg/{visit}/kvittering");
    let (_, receipt) = counter.web.page(&receipt_path).await;
    let code = activation_code(&receipt);
    let receipt_views = || {
        db_count(
            server.data_dir(),
            &format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'counter.receipt.view' \
                 AND target = 'visit:{visit}'"
            ),
        )
    };
    assert!(receipt_views() >= 1, "reading the code is on record");
    step(
        &counter,
        "hand-over",
        &[
            visit_id,
            ("receipt_printed", "1"),
            ("code_explained", "1"),
            ("devices_checked", "1"),
            ("help_explained", "1"),
        ],
    )
    .await;
    // Handed over, visit not yet finished: the code is no longer readable.
    let (status, receipt) = counter.web.page(&receipt_path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!receipt.contains(&code), "the code after hand-over");
    let res = counter
        .web
        .api_get(&format!("/api/counter/receipt?visit_id={visit}"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap().trim(), "null");

    // Every look at a citizen, by sequential id, leaves a trail.
    let (supporter, supporter_token) = staff(&server, demo::SUPPORTER).await;
    let citizen_id = db_count(
        server.data_dir(),
        "SELECT MIN(id) FROM citizens WHERE cpr_hash IS NOT NULL",
    );
    let views = || {
        db_count(
            server.data_dir(),
            &format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'citizen.view' \
                 AND target = 'citizen:{citizen_id}' AND actor = 'supporter'"
            ),
        )
    };
    let before = views();
    for _ in 0..2 {
        let (status, _) = supporter
            .page(&format!("/support/borger/{citizen_id}"))
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    assert_eq!(views(), before + 2, "one audit entry per citizen page view");
    let res = supporter
        .api_get(&format!("/api/citizens/get?id={citizen_id}"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(views(), before + 3, "and per call");

    // The live stream ends when its session does.
    let mut stream = supporter
        .client
        .get(supporter.url("/support/events"))
        .header(ACCEPT, "text/event-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    // It is live: a new case arrives on it.
    let (reference, _) = write_in(
        &server,
        &contact_form(&[
            ("category", "identity_theft"),
            ("message", "Nogen har brugt mit MitID."),
        ]),
    )
    .await;
    let got = tokio::time::timeout(Duration::from_secs(10), async {
        let mut text = String::new();
        while let Some(chunk) = stream.chunk().await.unwrap() {
            text.push_str(&String::from_utf8_lossy(&chunk));
            if text.contains(&reference) {
                break;
            }
        }
        text
    })
    .await
    .expect("the new case on the live stream");
    assert!(got.contains(&reference));
    let res = supporter
        .post_form("/api/auth/logout", &[("csrf_token", &supporter_token)])
        .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    let ended = tokio::time::timeout(Duration::from_secs(10), async {
        // Keep-alive comments may arrive; the stream must still end.
        while let Ok(Some(_)) = stream.chunk().await {}
    })
    .await;
    assert!(
        ended.is_ok(),
        "the live stream still runs 10 s after logout"
    );
    // And a new one is refused.
    let res = supporter.api_get("/support/events").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

// ---------------------------------------------------------------------------------------------
// Injection, traversal, bad encodings, over-long values
// ---------------------------------------------------------------------------------------------

const SQL: [&str; 4] = [
    "' OR 1=1 --",
    "\"; DROP TABLE cases; --",
    "x' UNION SELECT password_hash FROM staff_users --",
    "%' OR '%'='",
];

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn sql_metacharacters_in_every_filter_are_just_text() {
    let server = TestServer::start().await;
    let (supporter, _) = staff(&server, demo::SUPPORTER).await;
    let (admin, _) = staff(&server, demo::ADMIN).await;
    let (counter, _) = staff(&server, demo::BORGERSERVICE).await;
    let citizen = WebClient::new(&server);
    let before = cases(&server);
    let mut failures = Vec::new();
    for sql in SQL {
        let v = enc(sql);
        let mut requests: Vec<(&WebClient, String, bool)> = Vec::new();
        for key in [
            "system", "category", "status", "priority", "channel", "assignee",
        ] {
            requests.push((&supporter, format!("/support?{key}={v}"), true));
            requests.push((&supporter, format!("/api/cases/queue?{key}={v}"), false));
        }
        for q in [
            format!("q={v}"),
            format!("q=mitid&system={v}"),
            format!("q=mitid&status={v}"),
        ] {
            requests.push((&supporter, format!("/support/soeg?{q}"), true));
            requests.push((&supporter, format!("/api/staff/case-search?{q}"), false));
        }
        requests.push((&supporter, format!("/api/staff/kb-search?q={v}"), false));
        requests.push((&supporter, format!("/api/cases/get?reference={v}"), false));
        requests.push((&supporter, format!("/support/sag/{v}"), true));
        requests.push((&citizen, format!("/soeg?q={v}"), true));
        requests.push((&citizen, format!("/soeg?q=mitid&system={v}"), true));
        requests.push((
            &citizen,
            format!("/api/help/search?q={v}&system={v}"),
            false,
        ));
        requests.push((&citizen, format!("/api/help/article?slug={v}"), false));
        requests.push((&citizen, format!("/hjaelp/{v}"), true));
        requests.push((&citizen, format!("/api/contact/status?token={v}"), false));
        requests.push((
            &admin,
            format!("/admin/vidensbase?status={v}&lang={v}"),
            true,
        ));
        requests.push((
            &admin,
            format!("/api/admin/kb/articles?status={v}&lang={v}"),
            false,
        ));
        requests.push((
            &counter,
            format!("/api/counter/check-user-id?visit_id=1&user_id={v}"),
            false,
        ));
        for (web, path, page) in requests {
            let res = if page {
                web.get(&path).await
            } else {
                web.api_get(&path).await
            };
            let status = res.status();
            if status.is_server_error() {
                failures.push(format!("{path}: {status}"));
                continue;
            }
            let body = res.text().await.unwrap();
            if body.contains("argon2") || body.contains("$argon") {
                failures.push(format!("{path}: a password hash in the answer"));
            }
        }
        // A filter value that is no known value matches nothing: it never widens the queue.
        let res = supporter
            .api_get(&format!("/api/cases/queue?status={v}"))
            .await;
        if res.status() == StatusCode::OK {
            let page: serde_json::Value = res.json().await.unwrap();
            if page["rows"].as_array().is_some_and(|r| !r.is_empty()) {
                failures.push(format!("status={sql:?} returned rows"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(cases(&server), before, "the cases table is intact");
    assert!(db_count(server.data_dir(), "SELECT COUNT(*) FROM staff_users") >= 3);
}

#[tokio::test]
async fn path_traversal_never_serves_a_file_outside_the_site() {
    let server = TestServer::start().await;
    for path in [
        "/pkg/../../Cargo.toml",
        "/pkg/../../../Cargo.toml",
        "/pkg/../../../../Cargo.toml",
        "/pkg/%2e%2e/%2e%2e/Cargo.toml",
        "/pkg/%2e%2e/%2e%2e/%2e%2e/Cargo.toml",
        "/pkg/%2e%2e/%2e%2e/etc/passwd",
        "/pkg/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fetc/passwd",
        "/..%2f..%2f..%2f..%2f..%2f..%2fetc/passwd",
        "/pkg/..%2f..%2f..%2fCargo.toml",
        "/pkg/%2e%2e%2f%2e%2e%2f%2e%2e%2fCargo.toml",
        "/pkg/..%5c..%5c..%5cCargo.toml",
        "/pkg/....//....//....//Cargo.toml",
        "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/pkg/%252e%252e/%252e%252e/Cargo.toml",
        "//etc/passwd",
        "/pkg//etc/passwd",
    ] {
        let res = RawRequest::get(path).whole_answer().send(&server).await;
        assert!(
            res.status == 404 || res.status == 400,
            "{path}: {} {}",
            res.status,
            res.head
        );
        assert!(
            !res.body.contains("[workspace") && !res.body.contains("root:x:0"),
            "{path} served a file from outside the site"
        );
    }
    // The site's own files are still served.
    let (_, html) = WebClient::new(&server).page("/").await;
    let stylesheet = bundle_paths_in(&html)
        .into_iter()
        .find(|p| p.ends_with(".css"))
        .expect("the page names its stylesheet");
    let res = RawRequest::get(&stylesheet).send(&server).await;
    assert_eq!(res.status, 200);
}

#[tokio::test]
async fn bad_utf8_nul_bytes_and_over_long_values_are_refused_and_store_nothing() {
    let server = TestServer::start().await;
    let before = cases(&server);
    let (cookie, token) = anonymous_csrf(&server).await;
    let client = reqwest::Client::new();
    let mut failures = Vec::new();

    let raw_post = |body: Vec<u8>| {
        client
            .post(server.at("/api/contact/submit"))
            .header("cookie", &cookie)
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, FORM)
            .body(body)
            .send()
    };
    let good = contact_form(&[]);
    let fields = ["name", "email", "phone", "system", "category", "message"];

    // Bad UTF-8, raw and percent-encoded, in every field.
    for field in fields {
        for bad in [&b"\xFF\xFE"[..], b"%FF%FE", b"abc%C3%28def"] {
            let mut body = format!("csrf_token={token}").into_bytes();
            for (k, v) in &good {
                body.extend_from_slice(format!("&{k}=").as_bytes());
                if *k == field {
                    body.extend_from_slice(enc(v).as_bytes());
                    body.extend_from_slice(bad);
                } else {
                    body.extend_from_slice(enc(v).as_bytes());
                }
            }
            let res = raw_post(body).await.unwrap();
            let status = res.status();
            let text = res.text().await.unwrap();
            if !status.is_client_error() {
                failures.push(format!(
                    "bad UTF-8 {:?} in {field}: {status} {text}",
                    String::from_utf8_lossy(bad)
                ));
            }
        }
    }
    // In query strings.
    let (supporter, supporter_token) = staff(&server, demo::SUPPORTER).await;
    for (web, path) in [
        (&supporter, "/api/staff/case-search?q=%FF%FE"),
        (&supporter, "/api/cases/queue?system=%FF%FE"),
        (&supporter, "/api/cases/get?reference=%FF%FE"),
        (&supporter, "/api/citizens/get?id=%FF"),
        (&supporter, "/api/citizens/get?id=abc"),
    ] {
        let res = web.api_get(path).await;
        if !res.status().is_client_error() && !res.status().is_success() {
            failures.push(format!("{path}: {}", res.status()));
        }
        if res.status().is_server_error() {
            failures.push(format!("{path}: 5xx"));
        }
    }
    let citizen = WebClient::new(&server);
    for path in [
        "/soeg?q=%FF%FE",
        "/support/soeg?q=%FF%FE",
        "/api/help/search?q=%FF%FE",
    ] {
        let web = if path.starts_with("/support") {
            &supporter
        } else {
            &citizen
        };
        let res = web.get(path).await;
        if res.status().is_server_error() {
            failures.push(format!("{path}: {}", res.status()));
        }
    }

    // NUL bytes in every field.
    for field in fields {
        let value = match field {
            "email" => "grete\0@example.dk".to_owned(),
            "message" => "Jeg har ikke fået\0 min aktiveringskode.".to_owned(),
            "system" => "mitid\0".to_owned(),
            "category" => "activation_code\0".to_owned(),
            other => format!("{other}\0x"),
        };
        let res = contact_call(&citizen, &contact_form(&[(field, &value)])).await;
        let status = res.status();
        let text = res.text().await.unwrap();
        if status != StatusCode::UNPROCESSABLE_ENTITY {
            failures.push(format!("NUL in {field}: {status} {text}"));
        } else if !text.contains("Invalid") {
            failures.push(format!("NUL in {field}: no message: {text}"));
        }
    }

    // Over-long values in every field: 422 with a message, or 413 past the body limit.
    let long = |n: usize| "a".repeat(n);
    for (field, value) in [
        ("name", long(201)),
        ("email", format!("{}@example.dk", long(300))),
        ("phone", "1".repeat(1_000)),
        ("system", long(1_000)),
        ("category", long(1_000)),
        ("message", long(5_001)),
    ] {
        let res = contact_call(&citizen, &contact_form(&[(field, &value)])).await;
        let status = res.status();
        let text = res.text().await.unwrap();
        if status != StatusCode::UNPROCESSABLE_ENTITY || !text.contains(field) {
            failures.push(format!("{} chars in {field}: {status} {text}", value.len()));
        }
    }
    let res = contact_call(&citizen, &contact_form(&[("message", &long(150_000))])).await;
    if res.status() != StatusCode::PAYLOAD_TOO_LARGE {
        failures.push(format!("150,000 chars: {}", res.status()));
    }
    // Staff fields too.
    let reference = first_in_queue(&supporter).await;
    for (path, field) in [
        ("/api/cases/note", "body"),
        ("/api/cases/reply", "body"),
        ("/api/cases/reveal-cpr", "reason"),
    ] {
        let value = long(20_000);
        let fields = [("reference", reference.as_str()), (field, value.as_str())];
        let res = supporter
            .post_data(path, &with_token(&supporter_token, &fields))
            .await;
        if res.status() != StatusCode::UNPROCESSABLE_ENTITY {
            failures.push(format!("20,000 chars in {path} {field}: {}", res.status()));
        }
    }

    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(cases(&server), before, "nothing was stored");
    let stored = stored_text(server.data_dir());
    assert!(!stored.contains('\0'), "a NUL byte was stored");
    assert!(
        !stored.contains('\u{FFFD}'),
        "a mangled character was stored"
    );
}

// ---------------------------------------------------------------------------------------------
// Item 2: CPR numbers in any spelling
// ---------------------------------------------------------------------------------------------

/// Erik's CPR number (120346-1235, see counter.rs) as people and programs write it.
const CPR_SPELLINGS: [&str; 12] = [
    "120346–1235",           // en dash
    "120346—1235",           // em dash
    "120346\u{2010}1235",    // hyphen
    "120346\u{2212}1235",    // minus sign
    "120346\u{a0}1235",      // no-break space
    "120346 1235",           // space
    "1203461235",            // no separator
    "12.03.46-1235",         // dots
    "12 03 46 1235",         // spaced
    "１２０３４６-１２３５", // fullwidth digits
    "720346-1235",           // substitute number (day + 60)
    "12-03-46-1235",         // dashes
];

#[tokio::test]
async fn cpr_numbers_in_any_spelling_are_refused_and_never_mailed() {
    let smtp = SmtpServer::start().await;
    let server = TestServer::start_with(&str_pairs(&smtp.desk_env())).await;
    let (reference, _) = write_in(&server, &contact_form(&[])).await;
    assert_eq!(smtp.wait_for(1, 30).await.len(), 1, "the confirmation");
    let (supporter, token) = staff(&server, demo::SUPPORTER).await;
    let citizen = WebClient::new(&server);
    let mut failures = Vec::new();
    for cpr in CPR_SPELLINGS {
        let text = format!("Borgerens nummer er {cpr}, noteret.");
        for (path, extra) in [
            ("/api/cases/reply", vec![("body", text.as_str())]),
            ("/api/cases/note", vec![("body", text.as_str())]),
            (
                "/api/cases/call",
                vec![
                    ("direction", "incoming"),
                    ("minutes", "2"),
                    ("summary", text.as_str()),
                ],
            ),
        ] {
            let mut all = vec![
                ("csrf_token", token.as_str()),
                ("reference", reference.as_str()),
            ];
            all.extend(extra);
            let res = supporter.post_data(path, &all).await;
            if res.status() != StatusCode::UNPROCESSABLE_ENTITY {
                failures.push(format!("{path} with {cpr:?}: {}", res.status()));
            }
        }
        // The contact form refuses it in the message.
        let message = format!("Mit CPR-nummer er {cpr} og jeg kan ikke logge på.");
        let res = contact_call(&citizen, &contact_form(&[("message", &message)])).await;
        if res.status() != StatusCode::UNPROCESSABLE_ENTITY {
            failures.push(format!("contact form with {cpr:?}: {}", res.status()));
        }
    }
    // Let the outbox run, then look at everything that left.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let sent = smtp.accepted();
    for m in &sent {
        for cpr in CPR_SPELLINGS {
            if m.data.contains(cpr) {
                failures.push(format!("an e-mail carried {cpr:?}"));
            }
        }
        if m.data.contains("1235") {
            failures.push("an e-mail carried the CPR number's last four digits".to_owned());
        }
    }
    let (_, html) = supporter.page(&format!("/support/sag/{reference}")).await;
    if html.contains("noteret") {
        failures.push("a refused text is on the case page".to_owned());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(sent.len(), 1, "nothing but the confirmation was sent");
}

// ---------------------------------------------------------------------------------------------
// Item 4: the contact form is no flood gate and no mail relay
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_contact_form_is_rate_limited_per_client_and_per_recipient() {
    // Per client address.
    let server = TestServer::start_with(&[
        ("DESK_CONTACT_PER_CLIENT_PER_HOUR", "3"),
        ("DESK_CONTACT_PER_RECIPIENT_PER_DAY", "100"),
    ])
    .await;
    let citizen = WebClient::new(&server);
    for i in 0..3 {
        let email = format!("borger{i}@example.dk");
        let res = contact_call(&citizen, &contact_form(&[("email", &email)])).await;
        assert!(res.status().is_success(), "request {i}: {}", res.status());
    }
    let before = cases(&server);
    let res = contact_call(&citizen, &contact_form(&[("email", "borger9@example.dk")])).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.text().await.unwrap().contains("TooManyRequests"));
    // A browser's form post gets the message on the form.
    let other = WebClient::new(&server);
    let res = other
        .post_from_page(
            "/kontakt",
            "/api/contact/submit",
            &contact_form(&[("email", "borger10@example.dk")]),
        )
        .await;
    let back = location(&res).unwrap_or_default();
    assert!(!back.contains("kvittering"), "accepted: {back}");
    let (_, html) = other.page(&back).await;
    assert!(html.contains("for mange henvendelser"), "{html}");
    assert_eq!(cases(&server), before, "nothing created over the limit");
    drop(server);

    // Per recipient address.
    let server = TestServer::start_with(&[
        ("DESK_CONTACT_PER_CLIENT_PER_HOUR", "100"),
        ("DESK_CONTACT_PER_RECIPIENT_PER_DAY", "2"),
    ])
    .await;
    let citizen = WebClient::new(&server);
    for i in 0..2 {
        let res = contact_call(&citizen, &contact_form(&[("email", "offer@example.dk")])).await;
        assert!(res.status().is_success(), "request {i}: {}", res.status());
    }
    let before = cases(&server);
    let res = contact_call(&citizen, &contact_form(&[("email", "OFFER@example.dk")])).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(cases(&server), before);
    // Someone else is still served.
    let res = contact_call(&citizen, &contact_form(&[("email", "anden@example.dk")])).await;
    assert!(res.status().is_success(), "{}", res.status());
}

#[tokio::test]
async fn anonymous_urgent_cases_stay_out_of_the_urgent_lane_and_confirmations_carry_no_sender_text()
{
    let smtp = SmtpServer::start().await;
    let server = TestServer::start_with(&str_pairs(&smtp.desk_env())).await;
    let (supporter, token) = staff(&server, demo::SUPPORTER).await;
    let queue = || supporter.get_json("/api/cases/queue");
    let urgent_before = queue().await["urgent_open"].as_i64().unwrap();

    // Three anonymous "identity theft" reports, each with a phishing text for the victim.
    let mut web_refs = Vec::new();
    for i in 0..3 {
        let email = format!("offer{i}@example.dk");
        let (reference, _) = write_in(
            &server,
            &contact_form(&[
                ("name", "Phishname Xq"),
                ("email", &email),
                ("category", "identity_theft"),
                (
                    "message",
                    "Din konto er spærret, log ind på http://phish.example/mitid nu.",
                ),
            ]),
        )
        .await;
        web_refs.push(reference);
    }
    // Then a verified urgent case a supporter opens for a known citizen.
    let citizen_id = db_count(
        server.data_dir(),
        "SELECT MIN(id) FROM citizens WHERE cpr_hash IS NOT NULL",
    )
    .to_string();
    let res = supporter
        .post_data(
            "/api/citizens/block-case",
            &[
                ("csrf_token", token.as_str()),
                ("citizen_id", citizen_id.as_str()),
            ],
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());

    let page = queue().await;
    assert_eq!(
        page["urgent_open"].as_i64().unwrap(),
        urgent_before + 1,
        "only the verified case counts as urgent work"
    );
    let rows = page["rows"].as_array().unwrap();
    let position = |reference: &str| rows.iter().position(|r| r["reference"] == reference);
    let last_verified_urgent = rows
        .iter()
        .rposition(|r| {
            r["priority"] == "urgent" && r["channel"] != "web_form" && r["channel"] != "email"
        })
        .expect("the verified urgent case");
    for reference in &web_refs {
        let at = position(reference).expect("the web case is in the queue");
        assert!(
            at > last_verified_urgent,
            "{reference} at {at}, above verified urgent work at {last_verified_urgent}"
        );
    }

    // The confirmations say what the desk says, nothing the sender wrote.
    let sent = smtp.wait_for(3, 30).await;
    assert!(sent.len() >= 3, "{} confirmations", sent.len());
    for m in &sent {
        assert!(
            !m.data.contains("phish.example"),
            "the sender's text was mailed"
        );
        assert!(
            !m.data.contains("Din konto er sp"),
            "the sender's text was mailed"
        );
        assert!(
            !m.data.contains("Phishname"),
            "the sender's name was mailed"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Item 3: login lock-out that an attacker cannot turn against staff
// ---------------------------------------------------------------------------------------------

async fn try_login(web: &WebClient, token: &str, username: &str, password: &str) -> StatusCode {
    web.call_login(token, (username, password)).await.status()
}

#[tokio::test]
async fn parallel_guesses_get_no_more_tries_and_an_admin_can_unlock() {
    let server = TestServer::start().await;
    let attacker = WebClient::new(&server);
    let token = attacker.csrf_token().await;
    let guesses = (0..40).map(|i| {
        let attacker = &attacker;
        let token = token.clone();
        async move { try_login(attacker, &token, "supporter", &format!("gæt-nummer-{i}")).await }
    });
    let answers = futures_join_all(guesses).await;
    let count = |code: StatusCode| answers.iter().filter(|s| **s == code).count();
    let evaluated = count(StatusCode::UNAUTHORIZED);
    // 429 is both the lock and the hashing gate's "busy" (load shedding before any work).
    let held = count(StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(evaluated + held, 40, "only 401 or 429: {answers:?}");
    assert!(
        (1..=5).contains(&evaluated),
        "{evaluated} of 40 parallel guesses were evaluated ({held} held or busy)"
    );
    // The right password is held back too, while locked.
    assert_eq!(
        try_login(&attacker, &token, demo::SUPPORTER.0, demo::SUPPORTER.1).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another staff member at the same address is not locked out.
    let (admin, admin_token) = staff(&server, demo::ADMIN).await;
    let res = admin.api_get("/api/admin/locked-logins").await;
    assert_eq!(res.status(), StatusCode::OK);
    let locked = res.text().await.unwrap();
    assert!(locked.contains("supporter"), "{locked}");
    let res = admin
        .post_data(
            "/api/admin/unlock-login",
            &[
                ("csrf_token", admin_token.as_str()),
                ("username", "supporter"),
            ],
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    let (supporter, _) = staff(&server, demo::SUPPORTER).await;
    assert_eq!(supporter.get("/support").await.status(), StatusCode::OK);
    let audited = db_count(
        server.data_dir(),
        "SELECT COUNT(*) FROM audit_log WHERE action = 'login.unlock' AND actor = 'admin'",
    );
    assert_eq!(audited, 1);
}

/// Runs the futures at once (no extra crate: a tokio task each, on borrowed data via scope).
async fn futures_join_all<F>(futures: impl Iterator<Item = F>) -> Vec<StatusCode>
where
    F: std::future::Future<Output = StatusCode>,
{
    let futures: Vec<_> = futures.map(Box::pin).collect();
    let mut results = vec![None; futures.len()];
    let mut pending: Vec<(usize, _)> = futures.into_iter().enumerate().collect();
    std::future::poll_fn(|cx| {
        pending.retain_mut(|(i, f)| match f.as_mut().poll(cx) {
            std::task::Poll::Ready(s) => {
                results[*i] = Some(s);
                false
            }
            std::task::Poll::Pending => true,
        });
        if pending.is_empty() {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    results.into_iter().map(Option::unwrap).collect()
}

#[tokio::test]
async fn guessing_at_many_names_from_the_call_centre_address_locks_nobody_out() {
    let server = TestServer::start_with(&[("DESK_TRUSTED_NETWORKS", "127.0.0.0/8")]).await;
    let attacker = WebClient::new(&server);
    let token = attacker.csrf_token().await;
    // More than the per-address limit (100 in 15 minutes), which trusted networks skip.
    for i in 0..105 {
        let status = try_login(&attacker, &token, &format!("navn{i}"), "forkert-kode").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "guess {i}");
    }
    // Staff behind the same address still log in.
    for login in [demo::SUPPORTER, demo::BORGERSERVICE, demo::ADMIN] {
        let web = WebClient::new(&server);
        let res = web.login(login).await;
        let to = location(&res).unwrap_or_default();
        assert!(!to.starts_with("/login"), "{login:?} was locked out: {to}");
    }
}

// ---------------------------------------------------------------------------------------------
// Item 5: inbound e-mail cannot hijack a case
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_stranger_naming_a_case_in_a_mail_opens_a_new_linked_case() {
    let server = TestServer::start_with(&[("DESK_INBOUND_MAIL_SECRET", INBOUND_SECRET)]).await;
    let (reference, status_link) =
        write_in(&server, &contact_form(&[("email", "lis@example.dk")])).await;
    let (supporter, token) = staff(&server, demo::SUPPORTER).await;
    let case_path = format!("/support/sag/{reference}");
    // The supporter waits on the citizen: a hijacker would reopen it.
    let res = supporter
        .post_data(
            "/api/cases/status",
            &[
                ("csrf_token", token.as_str()),
                ("reference", reference.as_str()),
                ("status", "waiting_on_citizen"),
            ],
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    let (_, before) = supporter.page(&case_path).await;
    let events_on_case = || {
        db_count(
            server.data_dir(),
            &format!(
                "SELECT COUNT(*) FROM case_events WHERE case_id = \
                 (SELECT id FROM cases WHERE reference = '{reference}')"
            ),
        )
    };
    let events_before = events_on_case();

    let mail = format!(
        "From: Mallory <mallory@evil.example>\r\nTo: support@desk.example\r\n\
         Subject: Re: {reference}: Vi har modtaget din henvendelse\r\n\
         Message-ID: <hijack-1@evil.example>\r\n\r\nSend aktiveringskoden til mig i stedet.\r\n"
    );
    let (status, json) = inbound(&server, INBOUND_SECRET, &mail).await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    assert_eq!(json["created"], true, "{json}");
    let new_ref = json["reference"].as_str().unwrap().to_owned();
    assert_ne!(new_ref, reference);

    // The original is untouched: same events, still waiting, not the stranger's text.
    let events_after = events_on_case();
    assert_eq!(
        events_after, events_before,
        "the stranger's mail is not on the case"
    );
    let (_, after) = supporter.page(&case_path).await;
    assert!(!after.contains("aktiveringskoden til mig"));
    assert!(after.contains("Afventer borger") && before.contains("Afventer borger"));
    let (_, status_page) = WebClient::new(&server).page(&status_link).await;
    assert!(status_page.contains("Afventer borger"), "not reopened");
    // The new case names the one it was linked to.
    let (_, new_case) = supporter.page(&format!("/support/sag/{new_ref}")).await;
    assert!(new_case.contains("aktiveringskoden til mig"));
    assert!(new_case.contains(&reference), "linked to {reference}");
    let links = db_count(
        server.data_dir(),
        &format!(
            "SELECT COUNT(*) FROM case_links l JOIN cases a ON a.id = l.case_id \
                 JOIN cases b ON b.id = l.linked_case_id WHERE \
                 (a.reference = '{reference}' AND b.reference = '{new_ref}') OR \
                 (a.reference = '{new_ref}' AND b.reference = '{reference}')"
        ),
    );
    assert!(links >= 1, "the new case is linked to {reference}");

    // The citizen's own answer by subject still threads into the case.
    let mail = format!(
        "From: Lis <lis@example.dk>\r\nTo: support@desk.example\r\n\
         Subject: Re: {reference}\r\nMessage-ID: <lis-9@example.dk>\r\n\r\nTak for svaret.\r\n"
    );
    let (status, json) = inbound(&server, INBOUND_SECRET, &mail).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["reference"], reference.as_str());

    // The bearer token is checked before the body is read.
    let started = std::time::Instant::now();
    let mail = |length: usize| RawRequest::post("/mail/inbound", "message/rfc822", length);
    let res = mail(20_971_520)
        .header("Authorization", "Bearer wrong")
        .body(b"From: a@b.dk\r\n".to_vec())
        .send(&server)
        .await;
    assert_eq!(res.status, 401, "{}", res.head);
    assert!(started.elapsed() < Duration::from_secs(5));
    let res = mail(20_971_520).send(&server).await;
    assert_eq!(res.status, 401, "no token: {}", res.head);
    let res = mail(11 * 1024 * 1024)
        .header("Authorization", &format!("Bearer {INBOUND_SECRET}"))
        .body(vec![b'a'; 11 * 1024 * 1024])
        .send(&server)
        .await;
    assert_eq!(
        res.status, 413,
        "over the limit with the right token: {}",
        res.head
    );
}

// ---------------------------------------------------------------------------------------------
// Item 8: anonymous searches do not write
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn searches_without_hits_are_not_a_write_each() {
    let server = TestServer::start().await;
    let citizen = WebClient::new(&server);
    let misses = || {
        db_count(server.data_dir(), "SELECT COUNT(*) FROM search_misses")
            + db_count(
                server.data_dir(),
                "SELECT COALESCE(SUM(n), 0) FROM kb_activity",
            )
    };
    let before = misses();
    for i in 0..50 {
        let res = citizen
            .api_get(&format!("/api/help/search?q=zqxvblorf{i}"))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let page: serde_json::Value = res.json().await.unwrap();
        assert_eq!(page["total"], 0, "a miss");
    }
    // Counted in memory and written in batches (every 30 s), not one write per request.
    assert_eq!(misses(), before, "a search or a miss was written at once");
}
