//! The block flow end to end: a supporter verifies the caller and blocks a lost code display
//! through the external registry over HTTP (signed, idempotent, retried until acknowledged,
//! surviving a restart), or blocks the whole MitID on suspected misuse in the embedded
//! registry and lifts it after verifying again.

use desk_tests::lookup::case_with_device;
use desk_tests::receiver::Receiver;
use desk_tests::server::run_cli;
use desk_tests::smtp::SmtpServer;
use desk_tests::web::{csrf_in, form_with, str_pairs};
use desk_tests::{TestServer, WebClient, demo};
use reqwest::StatusCode;

const REGISTRY_SECRET: &str = "registry-test-secret";
const DEVICES: &[&str] = &["Kodeviser", "Kodeoplæser", "MitID-chip"];

/// The caller verified by passport, and `extra`.
fn verified<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let passport = vec![
        ("method", "document"),
        ("document_kind", "Pas"),
        ("document_number", "AB1234567"),
        ("questions_answered", "0"),
    ];
    form_with(passport, extra)
}

fn signature_ok(r: &desk_tests::receiver::Request) -> bool {
    r.signed_with(REGISTRY_SECRET)
}

#[tokio::test]
async fn a_lost_code_display_is_blocked_through_the_http_registry_after_it_failed_twice() {
    let registry = Receiver::start().await;
    registry.fail_next(2);
    let smtp = SmtpServer::start().await;
    let (registry_url, smtp_url) = (registry.url(), smtp.url());
    let server = TestServer::start_with(&[
        ("DESK_REGISTRY_URL", registry_url.as_str()),
        ("DESK_REGISTRY_SECRET", REGISTRY_SECRET),
        ("DESK_SMTP_URL", smtp_url.as_str()),
        ("DESK_OUTBOX_RETRY_MS", "200"),
    ])
    .await;
    let supporter = WebClient::logged_in(&server, demo::SUPPORTER).await;
    let (reference, device_id, serial) = case_with_device(&supporter, DEVICES).await;
    let block_page = format!("/support/sag/{reference}/spaer");
    let (_, html) = supporter.page(&block_page).await;
    let token = csrf_in(&html).unwrap();
    let post = |fields: Vec<(&'static str, String)>| {
        let supporter = &supporter;
        let token = token.clone();
        let reference = reference.clone();
        async move {
            let mut all: Vec<(&str, String)> =
                vec![("csrf_token", token), ("reference", reference)];
            all.extend(fields);
            supporter
                .post_data("/api/cases/block", &str_pairs(&all))
                .await
        }
    };
    let owned = |f: Vec<(&'static str, &'static str)>| -> Vec<(&'static str, String)> {
        f.into_iter().map(|(k, v)| (k, v.to_owned())).collect()
    };

    // Refused, with the reason, and nothing blocked: no verification; the whole MitID for a
    // lost device; identity theft without a police report.
    let res = post(owned(vec![
        ("method", ""),
        ("target", "all"),
        ("reason", "lost"),
    ]))
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Bekræft først"));
    let res = post(owned(verified(&[("target", "all"), ("reason", "lost")]))).await;
    assert!(res.text().await.unwrap().contains("vælg hvilket"));
    let res = post(owned(verified(&[
        ("target", "all"),
        ("reason", "identity_theft"),
    ])))
    .await;
    assert!(res.text().await.unwrap().contains("journalnummer"));
    assert!(registry.requests().is_empty());

    // Other roles may not block.
    let counter = WebClient::logged_in(&server, demo::BORGERSERVICE).await;
    let res = counter
        .call(
            "/api/cases/block",
            &[
                ("reference", &reference),
                ("target", &device_id),
                ("reason", "lost"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let mut fields = owned(verified(&[("reason", "lost")]));
    fields.push(("target", device_id.clone()));
    let res = post(fields).await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );

    let acked = registry.wait_acknowledged(1, 30).await;
    assert_eq!(acked.len(), 1, "acknowledged after the failures");
    let all = registry.requests();
    assert_eq!(all.len(), 3, "two 503s, then 200");
    for r in &all {
        assert_eq!(r.method, "POST");
        assert_eq!(
            r.headers["idempotency-key"], "block-1",
            "one key for every attempt"
        );
        assert!(signature_ok(r), "signed with the shared secret");
    }
    let body: serde_json::Value = serde_json::from_str(&acked[0].body).unwrap();
    assert_eq!(body["command"], "block");
    assert_eq!(body["permanent"], true);
    assert_eq!(body["authenticator"]["serial"], serial.as_str());
    assert!(
        !regex::Regex::new(r"\d{6}-?\d{4}")
            .unwrap()
            .is_match(&acked[0].body),
        "no CPR"
    );

    // The case records who, what, why, how verified; the citizen gets a confirmation.
    let (_, html) = supporter.page(&format!("/support/sag/{reference}")).await;
    assert!(
        html.contains("Spærret")
            && html.contains(&serial)
            && html.contains("nummer slutter på 4567"),
        "{html}"
    );
    let mails = smtp.wait_for(1, 30).await;
    // The subject is RFC 2047-encoded where it is not ASCII; the reference is plain.
    assert!(
        mails
            .iter()
            .any(|m| m.header("Subject").unwrap_or_default().contains(&reference)),
        "the confirmation reached the citizen"
    );
    let (_, html) = supporter.page(&block_page).await;
    assert!(html.contains("registret: sent"), "{html}");

    // The same device cannot be blocked twice.
    let mut again = owned(verified(&[("reason", "lost")]));
    again.push(("target", device_id.clone()));
    let res = post(again).await;
    assert!(res.text().await.unwrap().contains("allerede spærret"));

    let (ok, out, err) = run_cli(server.data_dir(), &["audit", "verify"], "").await;
    assert!(ok, "{out}{err}");
}

#[tokio::test]
async fn a_registry_call_queued_before_a_crash_is_delivered_once_after_the_restart() {
    let registry = Receiver::start().await;
    registry.fail_next(usize::MAX);
    let url = registry.url();
    let env = [
        ("DESK_REGISTRY_URL", url.as_str()),
        ("DESK_REGISTRY_SECRET", REGISTRY_SECRET),
        ("DESK_OUTBOX_RETRY_MS", "100"),
    ];
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = TestServer::start_in_with(&data, &env).await;
    let supporter = WebClient::logged_in(&server, demo::SUPPORTER).await;
    let (reference, device_id, _) = case_with_device(&supporter, DEVICES).await;
    let res = supporter
        .post_from_page(
            &format!("/support/sag/{reference}/spaer"),
            "/api/cases/block",
            &verified(&[
                ("reference", &reference),
                ("target", &device_id),
                ("reason", "stolen"),
            ]),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    // The registry is down; the server dies.
    for _ in 0..100 {
        if !registry.requests().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(!registry.requests().is_empty());
    server.kill_hard().await;

    registry.fail_next(0);
    let server = TestServer::start_in_with(&data, &env).await;
    let acked = registry.wait_acknowledged(1, 30).await;
    assert_eq!(acked.len(), 1);
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    assert_eq!(
        registry.acknowledged().len(),
        1,
        "acknowledged once, not resent"
    );
    drop(server);
}

#[tokio::test]
async fn suspected_misuse_blocks_the_whole_mitid_until_lifted_after_verification() {
    let server = TestServer::start().await;
    let supporter = WebClient::logged_in(&server, demo::SUPPORTER).await;
    let (reference, _, _) = case_with_device(&supporter, DEVICES).await;
    let page = format!("/support/sag/{reference}/spaer");
    let res = supporter
        .post_from_page(
            &page,
            "/api/cases/block",
            &[
                ("reference", &reference),
                ("method", "questions"),
                ("questions_answered", "3"),
                ("target", "all"),
                ("reason", "suspected_misuse"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    let identity = identity_of(&supporter, &reference).await;
    assert_eq!(identity["status"], "blocked", "{identity}");
    let block_id = identity["blocks"][0]["id"].as_i64().unwrap().to_string();

    // Lifting needs the caller verified again.
    let lift = |questions_answered: &'static str| {
        let fields = [
            ("reference", reference.as_str()),
            ("block_id", block_id.as_str()),
            ("method", "questions"),
            ("questions_answered", questions_answered),
        ];
        let (supporter, page) = (&supporter, &page);
        async move {
            supporter
                .post_from_page(page, "/api/cases/lift-block", &fields)
                .await
        }
    };
    let res = lift("1").await;
    let (_, html) = supporter.follow(res).await;
    assert!(html.contains("Mindst to kontrolspørgsmål"), "{html}");
    let res = lift("2").await;
    assert_eq!(res.status(), StatusCode::FOUND);
    let (_, html) = supporter.page(&format!("/support/sag/{reference}")).await;
    assert!(html.contains("Spærring ophævet"));
    let identity = identity_of(&supporter, &reference).await;
    assert_eq!(identity["status"], "active");
}

/// The identity on the case, as the case page gets it.
async fn identity_of(supporter: &WebClient, reference: &str) -> serde_json::Value {
    let case = supporter
        .get_json(&format!("/api/cases/get?reference={reference}"))
        .await;
    case["identity"].clone()
}
