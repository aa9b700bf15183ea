//! The Borgerservice counter end to end over HTTP: a NemID→MitID migration step by step,
//! resumed after a hard server restart; the refusals of every rule on the way; abort (a
//! follow-up case for the supporters), refusal (power of attorney), a Digital Post
//! exemption; and the roles that may not use the counter.

use desk_tests::counter::{BIRTHE_CPR, Counter, ERIK, activation_code};
use desk_tests::server::run_cli;
use desk_tests::{TestServer, WebClient, demo};
use regex::Regex;
use reqwest::StatusCode;

/// The identity check by three control questions, `correct` of them answered right.
fn questions<'a>(visit: &'a str, correct: &'a str) -> [(&'a str, &'a str); 4] {
    [
        ("visit_id", visit),
        ("method", "questions"),
        ("questions_asked", "3"),
        ("questions_correct", correct),
    ]
}

#[tokio::test]
async fn a_nemid_migration_is_done_step_by_step_and_resumed_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start_in(dir.path()).await;
    let counter = Counter::login(&server).await;

    // Start: the CPR number is validated (date and century), and the purpose must fit.
    counter
        .refused(
            "start",
            &[
                ("purpose", "nemid_migration"),
                ("cpr", "300246-1235"),
                ("name", "Erik"),
            ],
            "gyldig fødselsdato",
        )
        .await;
    counter
        .refused(
            "start",
            &[
                ("purpose", "new_mitid"),
                ("cpr", BIRTHE_CPR),
                ("name", "Birthe Holm"),
            ],
            "allerede MitID",
        )
        .await;
    let id = counter.start("nemid_migration", ERIK).await;
    let html = counter.visit_page(&id).await;
    assert!(
        html.contains("Trin 2 af 6") && html.contains("120346-XXXX"),
        "{html}"
    );
    assert!(!html.contains("120346-1235"));
    let visit = id.as_str();

    // Steps cannot be skipped.
    counter
        .refused(
            "user-id",
            &[("visit_id", visit), ("user_id", "erik nielsen")],
            "forrige trin",
        )
        .await;
    // Identity: an expired passport stops the flow and says why; the witness passes.
    let passport = |expiry: &'static str| {
        [
            ("visit_id", visit),
            ("method", "document"),
            ("document_kind", "danish_passport"),
            ("document_number", "AB1234567"),
            ("document_expiry", expiry),
            ("photo_matches", "1"),
        ]
    };
    counter
        .refused("identity-check", &passport("2025-01-31"), "udløb")
        .await;
    counter
        .refused("identity-check", &questions(visit, "2"), "forkert")
        .await;
    counter
        .ok(
            "identity-check",
            &[
                ("visit_id", visit),
                ("method", "witness"),
                ("witness_cpr", BIRTHE_CPR),
                ("witness_name", "Birthe Holm"),
            ],
        )
        .await;

    // Authenticators, by the citizen's needs: no smartphone rules out the app.
    counter
        .refused(
            "authenticators",
            &[("visit_id", visit), ("no_smartphone", "1"), ("app", "1")],
            "smartphone",
        )
        .await;
    counter
        .refused(
            "authenticators",
            &[
                ("visit_id", visit),
                ("no_smartphone", "1"),
                ("code_display", "1"),
                ("code_display_serial", "CD1"),
            ],
            "serienummeret",
        )
        .await;
    counter
        .ok(
            "authenticators",
            &[
                ("visit_id", visit),
                ("no_smartphone", "1"),
                ("code_display", "1"),
                ("code_display_serial", "cd 9988 7766"),
            ],
        )
        .await;

    // A hard restart: the visit waits on the today list at the step it reached.
    server.kill_hard().await;
    let server = TestServer::start_in(dir.path()).await;
    let counter = Counter::login(&server).await;
    let (_, today) = counter.web.page("/borgerservice").await;
    assert!(
        today.contains("Erik Nielsen") && today.contains("Bruger-ID"),
        "{today}"
    );
    let html = counter.visit_page(visit).await;
    assert!(
        html.contains("Trin 4 af 6") && html.contains("Hjælpere ser væk"),
        "{html}"
    );

    // User-ID: every rule, live and on saving; unique regardless of case.
    let check = counter
        .web
        .api_get(&format!(
            "/api/counter/check-user-id?visit_id={visit}&user_id=Birthe%20HOLM"
        ))
        .await
        .text()
        .await
        .unwrap();
    assert!(check.contains(r#""available":false"#), "{check}");
    let check = counter
        .web
        .api_get(&format!(
            "/api/counter/check-user-id?visit_id={visit}&user_id=%20erik"
        ))
        .await
        .text()
        .await
        .unwrap();
    assert!(check.contains(r#""available":null"#), "{check}");
    for (user_id, says) in [
        ("1203461235", "CPR"),
        (" erik æbelø", "mellemrum"),
        ("erik😀", "Kun bogstaverne"),
        ("Birthe Holm", "optaget"),
    ] {
        counter
            .refused(
                "user-id",
                &[
                    ("visit_id", visit),
                    ("user_id", user_id),
                    ("password", "Solsikke-Havn-42"),
                    ("password_repeat", "Solsikke-Havn-42"),
                ],
                says,
            )
            .await;
    }
    counter
        .refused(
            "user-id",
            &[
                ("visit_id", visit),
                ("user_id", "Erik Æbelø"),
                ("password", "adgangskode-123"),
                ("password_repeat", "adgangskode-123"),
            ],
            "adgangskode",
        )
        .await;
    counter
        .ok(
            "user-id",
            &[
                ("visit_id", visit),
                ("user_id", "Erik Æbelø"),
                ("password", "Solsikke-Havn-42"),
                ("password_repeat", "Solsikke-Havn-42"),
            ],
        )
        .await;

    // Activation: a paper code for the code display, printed without the full CPR number.
    counter
        .ok(
            "issue-code",
            &[("visit_id", visit), ("device", "code_display")],
        )
        .await;
    let (status, receipt) = counter
        .web
        .page(&format!("/borgerservice/besoeg/{visit}/kvittering"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let code = activation_code(&receipt);
    assert!(receipt.contains("120346-XXXX") && receipt.contains("CD99887766"));
    assert!(
        !receipt.contains("1235"),
        "the full CPR number on the receipt"
    );
    counter
        .refused(
            "hand-over",
            &[
                ("visit_id", visit),
                ("receipt_printed", "1"),
                ("code_explained", "1"),
            ],
            "tjeklisten",
        )
        .await;
    counter
        .ok(
            "hand-over",
            &[
                ("visit_id", visit),
                ("receipt_printed", "1"),
                ("code_explained", "1"),
                ("devices_checked", "1"),
                ("help_explained", "1"),
            ],
        )
        .await;

    // Finish: the identity in the registry, a case recording the visit, an audit entry.
    counter.ok("finish", &[("visit_id", visit)]).await;
    let html = counter.visit_page(visit).await;
    assert!(html.contains("Besøget er afsluttet"), "{html}");
    let reference = Regex::new(r"SAG-\d{4}-\d{6}")
        .unwrap()
        .find(&html)
        .unwrap()
        .as_str()
        .to_owned();
    counter
        .refused("finish", &[("visit_id", visit)], "afsluttet")
        .await;
    // The receipt (and the code) is gone once the visit has ended.
    let (_, receipt) = counter
        .web
        .page(&format!("/borgerservice/besoeg/{visit}/kvittering"))
        .await;
    assert!(!receipt.contains(&code));

    let supporter = WebClient::logged_in(&server, demo::SUPPORTER).await;
    let (_, case) = supporter.page(&format!("/support/sag/{reference}")).await;
    for expected in [
        "Skift fra NemID til MitID",
        "Vidne: Birthe Holm",
        "Erik Æbelø",
        "CD99887766",
        "afventer aktivering",
    ] {
        assert!(
            case.contains(expected),
            "{expected} missing on the case page: {case}"
        );
    }
    assert!(!case.contains(&code) && !case.contains("1203461235"));

    let (ok, out, err) = run_cli(dir.path(), &["audit", "verify"], "").await;
    assert!(ok, "{out}{err}");
}

#[tokio::test]
async fn abort_refusal_exemption_and_roles() {
    let server = TestServer::start().await;

    // Only the counter role: a supporter gets 403, nobody logged in 401.
    let supporter = WebClient::logged_in(&server, demo::SUPPORTER).await;
    let res = supporter
        .call(
            "/api/counter/start",
            &[("purpose", "new_mitid"), ("cpr", ERIK.1), ("name", ERIK.0)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        supporter.api_get("/api/counter/today").await.status(),
        StatusCode::FORBIDDEN
    );
    let anonymous = WebClient::new(&server);
    assert_eq!(
        anonymous.api_get("/api/counter/today").await.status(),
        StatusCode::UNAUTHORIZED
    );

    let counter = Counter::login(&server).await;
    // Abort: the reason is required, and a follow-up case appears in the supporters' queue.
    let id = counter
        .start("new_mitid", ("Jonas Berg", "010190-1234"))
        .await;
    counter
        .refused(
            "end",
            &[("visit_id", &id), ("outcome", "abort"), ("reason", "")],
            "begrundelse",
        )
        .await;
    counter
        .ok(
            "end",
            &[
                ("visit_id", &id),
                ("outcome", "abort"),
                ("reason", "Borgeren havde ikke sit pas med"),
            ],
        )
        .await;
    assert!(counter.visit_page(&id).await.contains("Opfølgningssag"));
    counter
        .refused("identity-check", &questions(&id, "3"), "afsluttet")
        .await;
    let (_, found) = supporter.page("/support/soeg?q=afbrudt+besøg").await;
    assert!(
        found.contains("Opfølgning: afbrudt besøg i Borgerservice"),
        "{found}"
    );

    // Refusal: the citizen cannot handle MitID personally; power of attorney is the way.
    let id = counter.start("new_mitid", ("Ib Krog", "151140-1111")).await;
    counter
        .ok(
            "end",
            &[
                ("visit_id", &id),
                ("outcome", "refuse"),
                ("reason", "Kan ikke selv betjene MitID (demens)"),
            ],
        )
        .await;
    let html = counter.visit_page(&id).await;
    assert!(
        html.contains("digital fuldmagt") && html.contains("demens"),
        "{html}"
    );

    // A Digital Post exemption, registered with its end date.
    let id = counter
        .start("digital_post_exemption", ("Karla Lund", "020202-4321"))
        .await;
    counter.ok("identity-check", &questions(&id, "3")).await;
    counter
        .ok(
            "exemption",
            &[("visit_id", &id), ("ground", "no_computer_or_internet")],
        )
        .await;
    counter.ok("finish", &[("visit_id", &id)]).await;
    let html = counter.visit_page(&id).await;
    assert!(
        Regex::new(r"20\d\d-11-01").unwrap().is_match(&html)
            && html.contains("Besøget er afsluttet"),
        "{html}"
    );
}
