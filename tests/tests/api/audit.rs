//! The audit log over HTTP: staff actions and CPR reveals are recorded with who, what and why;
//! `supportdesk audit verify` passes an untouched chain and names a tampered entry.

use desk_tests::hostile_support::db_text;
use desk_tests::lookup::case_with_cpr;
use desk_tests::postgres;
use desk_tests::server::run_cli;
use desk_tests::web::{csrf_in, with_token};
use desk_tests::{TestServer, WebClient, demo};
use reqwest::StatusCode;

/// Asks to see the CPR number on the case `reference`, giving `reason`.
async fn reveal(web: &WebClient, token: &str, reference: &str, reason: &str) -> reqwest::Response {
    let fields = [("reference", reference), ("reason", reason)];
    web.post_data("/api/cases/reveal-cpr", &with_token(token, &fields))
        .await
}

#[tokio::test]
async fn reveals_need_a_reason_are_audited_and_tampering_is_detected() {
    let server = TestServer::start().await;
    let supporter = WebClient::logged_in(&server, demo::SUPPORTER).await;
    let (reference, html) = case_with_cpr(&supporter).await;
    let token = csrf_in(&html).unwrap();
    assert!(
        !regex::Regex::new(r"\d{6}-\d{4}").unwrap().is_match(&html),
        "masked by default"
    );

    // No reason, no number.
    let res = reveal(&supporter, &token, &reference, "").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Skriv hvorfor"));

    // Other roles cannot reveal at all.
    let counter = WebClient::logged_in(&server, demo::BORGERSERVICE).await;
    let counter_token = counter.csrf_token().await;
    let res = reveal(&counter, &counter_token, &reference, "nysgerrig").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let res = reveal(
        &supporter,
        &token,
        &reference,
        "Borgeren bekræfter identitet i telefonen",
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
                &with_token(&token, &[("reference", &reference), extra]),
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
    let entry = |column: &str| {
        db_text(
            &data,
            &format!(
                "SELECT CAST({column} AS TEXT) FROM audit_log \
                 WHERE action = 'cpr.reveal' AND target = '{reference}'"
            ),
        )
    };
    let (id, actor, reason, details) = (
        entry("id"),
        entry("actor"),
        entry("reason"),
        entry("details"),
    );
    assert_eq!(actor, "supporter");
    assert!(reason.contains("bekræfter identitet"));
    assert!(!details.contains(&revealed) && !details.contains(&revealed.replace('-', "")));

    // Someone with access to the database rewrites the reason, past the append-only trigger:
    // the chain names that entry.
    let rewrite = format!("UPDATE audit_log SET reason = 'rutinekontrol' WHERE id = {id}");
    if postgres::active() {
        let url = postgres::database_for(&data);
        postgres::psql(
            &url,
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update",
        );
        postgres::psql(&url, &rewrite);
    } else {
        let db = rusqlite::Connection::open(data.join("desk.db")).unwrap();
        db.execute_batch("DROP TRIGGER audit_log_no_update")
            .unwrap();
        db.execute_batch(&rewrite).unwrap();
    }
    let (ok, out, err) = run_cli(&data, &["audit", "verify"], "").await;
    assert!(!ok, "{out}");
    assert!(
        err.contains(&format!("entry {id} has been changed")),
        "{err}"
    );
}
