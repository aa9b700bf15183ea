//! Satisfaction ratings end to end: a supporter resolves a case, the citizen's e-mail (over the
//! real SMTP listener) carries five one-click links; one click records the score, the link
//! cannot rate twice, a comment follows once, and the rating shows on the case. Forged,
//! malformed and expired links change nothing.

use desk_tests::citizen::write_in;
use desk_tests::hostile_support::{db_count, db_execute};
use desk_tests::smtp::{Received, SmtpServer};
use desk_tests::web::{location, str_pairs};
use desk_tests::{TestServer, WebClient, demo};
use reqwest::StatusCode;

/// Decodes a quoted-printable body (soft line breaks and `=XX` escapes); other bytes as they are.
fn decode_qp(raw: &str) -> String {
    let joined = raw.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'=')
            .then(|| joined.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        if let Some(v) = escaped {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The rating link's token in a resolution e-mail, or `None` when it carries no link.
fn rating_token(mail: &Received) -> Option<String> {
    let body = decode_qp(&mail.data);
    let start =
        body.find("https://desk.example/vurdering/")? + "https://desk.example/vurdering/".len();
    let token: String = body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    for n in 1..=5 {
        assert!(
            body.contains(&format!("/vurdering/{token}?karakter={n}")),
            "all five scores are links: {body}"
        );
    }
    Some(token)
}

/// The "your case is resolved" e-mail of `reference` (the subject's Danish words are
/// encoded, so the body tells).
fn is_resolution(m: &Received, reference: &str) -> bool {
    m.header("Subject").is_some_and(|s| s.contains(reference))
        && decode_qp(&m.data).contains("Vi har løst din sag")
}

fn resolutions(smtp: &SmtpServer, reference: &str) -> Vec<Received> {
    smtp.accepted()
        .into_iter()
        .filter(|m| is_resolution(m, reference))
        .collect()
}

async fn set_status(supporter: &WebClient, reference: &str, status: &str) {
    let res = supporter
        .post_from_page(
            &format!("/support/sag/{reference}"),
            "/api/cases/status",
            &[("reference", reference), ("status", status)],
        )
        .await;
    assert!(
        res.status().is_redirection() || res.status().is_success(),
        "status {status}: {}",
        res.status()
    );
}

/// Writes in as a citizen, resolves the case as the supporter and returns the reference and
/// the rating token of the resolution e-mail.
async fn resolved_case(
    server: &TestServer,
    smtp: &SmtpServer,
    supporter: &WebClient,
    email: &str,
) -> (String, String) {
    let (reference, _) = write_in(
        server,
        &[
            ("name", "Karen Holm"),
            ("email", email),
            ("system", "mitid"),
            ("category", "activation_code"),
            ("message", "Jeg kan ikke logge ind med min app."),
        ],
    )
    .await;
    set_status(supporter, &reference, "resolved").await;
    let found = smtp
        .wait_until(30, |s| {
            s.accepted().iter().any(|m| is_resolution(m, &reference))
        })
        .await;
    assert!(found, "the resolution e-mail for {reference} arrived");
    let mails = resolutions(smtp, &reference);
    let mail = mails.first().expect("resolution mail");
    assert!(mail.rcpt_to.iter().any(|r| r.contains(email)));
    let token = rating_token(mail).expect("the resolution e-mail carries a rating link");
    assert_eq!(token.len(), 43, "{token}");
    (reference, token)
}

async fn case_json(supporter: &WebClient, reference: &str) -> serde_json::Value {
    supporter
        .get_json(&format!("/api/cases/get?reference={reference}"))
        .await
}

#[tokio::test]
async fn one_click_rates_a_resolved_case_once_and_a_comment_follows_once() {
    let smtp = SmtpServer::start().await;
    let vars = smtp.desk_env();
    let server = TestServer::start_with(&str_pairs(&vars)).await;
    let supporter = WebClient::logged_in(&server, demo::SUPPORTER).await;
    let (reference, token) = resolved_case(&server, &smtp, &supporter, "karen@example.dk").await;

    // Valid: one click on "4" in the e-mail, no login.
    let citizen = WebClient::new(&server);
    let (status, page) = citizen
        .page(&format!("/vurdering/{token}?karakter=4"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Tak for din vurdering"), "{page}");
    assert!(
        page.contains(&format!("Du har givet sag {reference} 4 ud af 5")),
        "{page}"
    );
    assert!(
        page.contains("name=\"comment\""),
        "the comment form follows"
    );
    let case = case_json(&supporter, &reference).await;
    assert_eq!(case["rating"]["score"], 4, "{case}");

    // Reused: another score through the same link changes nothing.
    let (status, page) = citizen
        .page(&format!("/vurdering/{token}?karakter=1"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("allerede vurderet: 4 ud af 5"), "{page}");
    assert_eq!(
        case_json(&supporter, &reference).await["rating"]["score"],
        4
    );

    // The comment: hostile text is kept as text, shown escaped, CPR masked.
    let comment = "Hurtig hjælp</q><script>alert(1)</script>\r\nMit CPR er 010203-1234";
    let res = citizen
        .post_from_page(
            &format!("/vurdering/{token}"),
            "/api/rating/comment",
            &[("token", &token), ("comment", comment)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(
        location(&res).as_deref(),
        Some(format!("/vurdering/{token}?tak=1").as_str())
    );
    let (_, thanks) = citizen.follow(res).await;
    assert!(thanks.contains("Vi har modtaget din kommentar"), "{thanks}");
    let stored = case_json(&supporter, &reference).await["rating"]["comment"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        stored.starts_with("Hurtig hjælp</q><script>alert(1)</script>\nMit CPR er "),
        "{stored}"
    );
    assert!(!stored.contains("010203-1234"), "CPR masked: {stored}");
    let (_, case_page) = supporter.page(&format!("/support/sag/{reference}")).await;
    assert!(
        case_page.contains("Borgerens vurdering"),
        "shown on the case"
    );
    assert!(
        !case_page.contains("<script>alert(1)"),
        "escaped on the case page"
    );

    // A second comment is refused and the first stays.
    let res = citizen
        .post_data(
            "/api/rating/comment",
            &[
                ("csrf_token", &citizen.csrf_token().await),
                ("token", &token),
                ("comment", "Noget andet"),
            ],
        )
        .await;
    assert!(res.status().is_client_error(), "{}", res.status());
    let body = res.text().await.unwrap_or_default();
    assert!(body.contains("allerede"), "{body}");
    assert_eq!(
        case_json(&supporter, &reference).await["rating"]["comment"],
        serde_json::Value::String(stored.clone())
    );

    // Reopened and resolved again: a rated case gets no new link.
    set_status(&supporter, &reference, "open").await;
    set_status(&supporter, &reference, "resolved").await;
    assert!(
        smtp.wait_until(30, |s| s
            .accepted()
            .iter()
            .filter(|m| is_resolution(m, &reference))
            .count()
            == 2)
            .await
    );
    let mails = resolutions(&smtp, &reference);
    assert_eq!(rating_token(&mails[1]), None, "no second rating link");
    assert!(
        mails[1]
            .rcpt_to
            .iter()
            .any(|r| r.contains("karen@example.dk"))
    );
}

#[tokio::test]
async fn forged_malformed_and_expired_links_change_nothing() {
    let smtp = SmtpServer::start().await;
    let vars = smtp.desk_env();
    let server = TestServer::start_with(&str_pairs(&vars)).await;
    let supporter = WebClient::logged_in(&server, demo::SUPPORTER).await;
    let (reference, token) = resolved_case(&server, &smtp, &supporter, "ole@example.dk").await;
    let citizen = WebClient::new(&server);

    // Forged: well-formed but never issued.
    let forged = "A".repeat(43);
    let (status, page) = citizen
        .page(&format!("/vurdering/{forged}?karakter=5"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("Linket virker ikke"), "{page}");

    // Malformed and hostile tokens and scores: refused, never reflected as markup.
    for (t, score) in [
        ("%22%3E%3Csvg%20onload%3Dalert(1)%3E", "5"),
        ("%3C%2Ftitle%3E", "5"),
        (token.as_str(), "%22%3E%3Csvg%20onload%3Dalert(1)%3E"),
        (token.as_str(), "%EF%BC%95"),
        (token.as_str(), "5%00"),
        (token.as_str(), "0"),
        (token.as_str(), "6"),
    ] {
        let (status, page) = citizen
            .page(&format!("/vurdering/{t}?karakter={score}"))
            .await;
        assert!(!status.is_server_error(), "{t} {score}: {status}");
        assert!(!page.contains("<svg onload"), "reflected: {page}");
        assert!(!page.contains("</title></title>"));
    }
    let long = "x".repeat(20_000);
    let (status, _) = citizen.page(&format!("/vurdering/{long}?karakter=3")).await;
    assert!(!status.is_server_error(), "{status}");
    // None of them rated the case: its link still offers the choice.
    assert!(case_json(&supporter, &reference).await["rating"].is_null());
    let (status, page) = citizen.page(&format!("/vurdering/{token}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Hvor tilfreds er du med hjælpen?"), "{page}");

    // A comment through a forged link or before any score is refused.
    for t in [forged.as_str(), token.as_str()] {
        let res = citizen
            .post_data(
                "/api/rating/comment",
                &[
                    ("csrf_token", &citizen.csrf_token().await),
                    ("token", t),
                    ("comment", "Hej"),
                ],
            )
            .await;
        assert!(res.status().is_client_error(), "{}", res.status());
    }

    // Expired: the link's 30 days are over.
    db_execute(
        server.data_dir(),
        "UPDATE case_ratings SET expires_at = '2020-01-01T00:00:00Z'",
    );
    let (status, page) = citizen
        .page(&format!("/vurdering/{token}?karakter=5"))
        .await;
    assert_eq!(status, StatusCode::GONE);
    assert!(page.contains("Linket er udløbet"), "{page}");
    assert!(case_json(&supporter, &reference).await["rating"].is_null());
    let rated = db_count(
        server.data_dir(),
        "SELECT count(*) FROM case_ratings WHERE rating IS NOT NULL",
    );
    assert_eq!(rated, 0);
}
