//! The audit log over HTTP: staff actions and CPR reveals are recorded with who, what and why;
//! `supportdesk audit verify` passes an untouched chain and names a tampered entry.

// Helpers that cannot find what a test needs must fail it loudly, as in the harness.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use desk_tests::server::run_cli;
use desk_tests::web::csrf_in;
use desk_tests::{TestServer, WebClient, demo};
use reqwest::StatusCode;

/// A demo case whose citizen has a CPR number, and its page.
async fn case_with_cpr(web: &WebClient) -> (String, String) {
    let page: serde_json::Value = web
        .client
        .get(web.url("/api/cases/queue"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for row in page["rows"].as_array().unwrap() {
        let reference = row["reference"].as_str().unwrap().to_owned();
        let (_, html) = web.page(&format!("/support/sag/{reference}")).await;
        if html.contains("-XXXX") {
            return (reference, html);
        }
    }
    panic!("no demo case with a CPR number");
}

#[tokio::test]
async fn reveals_need_a_reason_are_audited_and_tampering_is_detected() {
    let server = TestServer::start().await;
    let supporter = WebClient::new(&server);
    supporter.login(demo::SUPPORTER).await;
    let (reference, html) = case_with_cpr(&supporter).await;
    let token = csrf_in(&html).unwrap();
    assert!(
        !regex::Regex::new(r"\d{6}-\d{4}").unwrap().is_match(&html),
        "masked by default"
    );

    // No reason, no number.
    let res = supporter
        .post_data(
            "/api/cases/reveal-cpr",
            &[
                ("csrf_token", &token),
                ("reference", &reference),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Skriv hvorfor"));

    // Other roles cannot reveal at all.
    let counter = WebClient::new(&server);
    counter.login(demo::BORGERSERVICE).await;
    let counter_token = counter.csrf_token().await;
    let res = counter
        .post_data(
            "/api/cases/reveal-cpr",
            &[
                ("csrf_token", &counter_token),
                ("reference", &reference),
                ("reason", "nysgerrig"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let res = supporter
        .post_data(
            "/api/cases/reveal-cpr",
            &[
                ("csrf_token", &token),
                ("reference", &reference),
                ("reason", "Borgeren bekræfter identitet i telefonen"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let revealed: String = res.json().await.unwrap();
    assert!(
        regex::Regex::new(r"^\d{6}-\d{4}$")
            .unwrap()
            .is_match(&revealed),
        "{revealed}"
    );

    // Two more staff actions.
    for (path, extra) in [
        ("/api/cases/note", ("body", "Talt med borgeren.")),
        ("/api/cases/status", ("status", "waiting_on_citizen")),
    ] {
        let res = supporter
            .post_form(
                path,
                &[("csrf_token", &token), ("reference", &reference), extra],
            )
            .await;
        assert_eq!(res.status(), StatusCode::FOUND, "{path}");
    }

    let data = server.data_dir().to_owned();
    let (ok, out, err) = run_cli(&data, &["audit", "verify"], "").await;
    assert!(ok, "{out}{err}");
    let checked: u64 = regex::Regex::new(r"(\d+) entries checked")
        .unwrap()
        .captures(&out)
        .unwrap()[1]
        .parse()
        .unwrap();
    assert!(checked >= 3, "{out}");

    // The reveal is in the log with who and why, and no CPR number anywhere in it.
    let db = rusqlite::Connection::open(data.join("desk.db")).unwrap();
    let (id, actor, reason, details): (i64, String, String, String) = db
        .query_row(
            "SELECT id, actor, reason, details FROM audit_log WHERE action = 'cpr.reveal' AND target = ?",
            [&reference],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(actor, "supporter");
    assert!(reason.contains("bekræfter identitet"));
    assert!(!details.contains(&revealed) && !details.contains(&revealed.replace('-', "")));

    // Someone with the file rewrites the reason: the chain names that entry.
    db.execute_batch("DROP TRIGGER audit_log_no_update")
        .unwrap();
    db.execute(
        "UPDATE audit_log SET reason = 'rutinekontrol' WHERE id = ?",
        [id],
    )
    .unwrap();
    drop(db);
    let (ok, out, err) = run_cli(&data, &["audit", "verify"], "").await;
    assert!(!ok, "{out}");
    assert!(
        err.contains(&format!("entry {id} has been changed")),
        "{err}"
    );
}
