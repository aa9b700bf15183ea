//! Powers of attorney (digital fuldmagt) end to end over HTTP: on the demo case of a citizen
//! who gave three digital powers, a supporter records that the caller is the holder: out of
//! scope, expired and NemKonto changes are refused with the reason shown and only the refusal
//! audited; a valid power within its scope is recorded on the timeline and audited. At the
//! counter a paper power is registered for a present, identity-checked giver; a giver of 15 is
//! refused; hostile input is refused with a clear message and changes nothing.

use std::path::Path;

use desk_tests::counter::Counter;
use desk_tests::hostile_support::{db_count, db_text, db_texts};
use desk_tests::web::with_token;
use desk_tests::{TestServer, WebClient, demo};
use regex::Regex;
use reqwest::StatusCode;

const POWER_CASE_SUBJECT: &str = "Søn ringer om sin mors Digital Post (fuldmagt)";

/// What the rows the power flows write count: refusals, acts, registrations, timeline entries,
/// powers.
fn counts(dir: &Path) -> [i64; 5] {
    [
        db_count(
            dir,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'power.refused'",
        ),
        db_count(
            dir,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'power.act'",
        ),
        db_count(
            dir,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'power.register'",
        ),
        db_count(dir, "SELECT COUNT(*) FROM case_events WHERE kind = 'power'"),
        db_count(dir, "SELECT COUNT(*) FROM powers_of_attorney"),
    ]
}

/// The power step's fields: the visit and `extra`.
fn step<'a>(visit: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![("visit_id", visit)];
    fields.extend_from_slice(extra);
    fields
}

async fn body(res: reqwest::Response) -> (StatusCode, String) {
    let status = res.status();
    (status, res.text().await.expect("body"))
}

#[tokio::test]
async fn a_holder_is_refused_out_of_scope_or_expired_and_recorded_within_a_valid_power() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start_in(dir.path()).await;
    let data = dir.path();
    let reference = db_text(
        data,
        &format!("SELECT reference FROM cases WHERE subject = '{POWER_CASE_SUBJECT}'"),
    );
    let power_of = |holder: &str| {
        db_text(
            data,
            &format!(
                "SELECT CAST(id AS TEXT) FROM powers_of_attorney WHERE holder_name = '{holder}'"
            ),
        )
    };
    let (valid, expired, no_mitid) = (
        power_of("Lars Madsen"),
        power_of("Sofie Madsen"),
        power_of("Peter Madsen"),
    );
    let supporter = WebClient::logged_in(&server, demo::SUPPORTER).await;
    let page = format!("/support/sag/{reference}");
    let (status, html) = supporter.page(&page).await;
    assert_eq!(status, StatusCode::OK);
    for shown in [
        "Fuldmagter",
        "Til Lars Madsen",
        "Til Sofie Madsen",
        "udløbet",
        "gyldig",
        "Opkalderen er fuldmagtshaver",
        "30-06-2025",
    ] {
        assert!(html.contains(shown), "{shown:?} on the case page");
    }
    // The holder whose CPR number the desk knows is shown masked, never in full.
    assert!(!html.contains("100875-1235") && !html.contains("030342-2468"));
    let token = supporter.csrf_token_on(&page).await;
    let act = |power: &str, matter: &str| {
        let fields = [
            ("reference", reference.as_str()),
            ("power_id", power),
            ("matter", matter),
        ];
        let all: Vec<(String, String)> = with_token(&token, &fields)
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let supporter = &supporter;
        async move {
            let pairs: Vec<(&str, &str)> =
                all.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            body(supporter.post_data("/api/cases/power-holder", &pairs).await).await
        }
    };
    let before = counts(data);

    // Out of scope: the reason names what the power covers; only the refusal is audited.
    let (status, text) = act(&no_mitid, "mitid_block").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        text.contains("dækker kun") && text.contains("Selvbetjening på borger.dk"),
        "out of scope: {text}"
    );
    let [refused, acted, registered, events, powers] = counts(data);
    assert_eq!(
        [refused, acted, registered, events, powers],
        [before[0] + 1, before[1], before[2], before[3], before[4]]
    );

    // Expired: the date it ended.
    let (status, text) = act(&expired, "digital_post").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        text.contains("udløbet") && text.contains("30-06-2025"),
        "{text}"
    );

    // Never NemKonto, whatever the power covers.
    let (status, text) = act(&valid, "nemkonto_change").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text.contains("kontohaveren"), "{text}");

    // A power this citizen did not give.
    let (status, text) = act("999999", "digital_post").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text.contains("ingen fuldmagt"), "{text}");
    let after_refusals = counts(data);
    assert_eq!(after_refusals[0], before[0] + 4, "every refusal audited");
    assert_eq!(&after_refusals[1..], &before[1..], "nothing else written");

    // Hostile input: a clear refusal, nothing written at all (not even a refusal audit).
    let huge = "x".repeat(20 * 1024);
    for (power, matter) in [
        ("<script>alert(1)</script>", "digital_post"),
        (valid.as_str(), "<b>digital_post</b>"),
        (valid.as_str(), "digital_post\r\nX-Injected: 1"),
        ("1\0", "digital_post"),
        (valid.as_str(), "digital\0post"),
        (huge.as_str(), "digital_post"),
        (valid.as_str(), huge.as_str()),
    ] {
        let (status, text) = act(power, matter).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}", text.len());
        assert!(
            text.contains("Vælg") && !text.contains("<script>"),
            "a clear message ({} bytes)",
            text.len()
        );
    }
    assert_eq!(
        counts(data),
        after_refusals,
        "hostile input changed nothing"
    );

    // Only supporters act on a case.
    let counter = WebClient::logged_in(&server, demo::BORGERSERVICE).await;
    let res = counter
        .call(
            "/api/cases/power-holder",
            &[
                ("reference", &reference),
                ("power_id", &valid),
                ("matter", "digital_post"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // Valid and within scope: on the timeline and in the audit log.
    let (status, text) = act(&valid, "digital_post").await;
    assert!(
        status.is_success() || status.is_redirection(),
        "{status} {text}"
    );
    let done = counts(data);
    assert_eq!(done[1], before[1] + 1, "power.act audited");
    assert_eq!(done[3], before[3] + 1, "one timeline entry");
    assert_eq!(done[0], after_refusals[0], "no refusal");
    let (_, html) = supporter.page(&page).await;
    assert!(
        html.contains("Opkalderen Lars Madsen handler med digital fuldmagt for Inge Madsen"),
        "the timeline entry"
    );
    assert!(html.contains("omfang: Digital Post"));
}

#[tokio::test]
async fn the_counter_registers_a_paper_power_and_refuses_a_giver_of_fifteen() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start_in(dir.path()).await;
    let data = dir.path();
    let counter = Counter::login(&server).await;
    let purpose = "paper_power_of_attorney";

    // 15 (born 2011 by the century rule: 7th digit 4, YY 11) and 10: refused with the reason.
    for cpr in ["010111-4000", "010516-4000"] {
        counter
            .refused(
                "start",
                &[("purpose", purpose), ("cpr", cpr), ("name", "Ung Borger")],
                "mindst 16",
            )
            .await;
    }
    let giver = ("Grete Jensen", "150550-2244");
    let id = counter.start(purpose, giver).await;
    let visit = id.as_str();
    // The power step waits for the identity check.
    let (status, _) = counter
        .post(
            "power-of-attorney",
            &step(
                visit,
                &[
                    ("holder_name", "Mette Jensen"),
                    ("scope_digital_post", "1"),
                    ("valid_from", "2026-01-01"),
                ],
            ),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    counter
        .ok(
            "identity-check",
            &[
                ("visit_id", visit),
                ("method", "questions"),
                ("questions_asked", "3"),
                ("questions_correct", "3"),
            ],
        )
        .await;
    let html = counter.visit_page(visit).await;
    assert!(html.contains("Fuldmagtshaverens navn"), "the power step");
    let today = Regex::new(r#"id="valid-from"[^>]*value="(\d{4}-\d{2}-\d{2})""#)
        .unwrap()
        .captures(&html)
        .expect("today's date in the form")[1]
        .to_owned();
    let before = counts(data);
    let huge = "M".repeat(20 * 1024);
    let refusals: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![("holder_name", "<script>alert(1)</script>")],
            "almindelig tekst",
        ),
        (
            vec![("holder_name", "Mette\r\nBcc: x@example.dk")],
            "én linje",
        ),
        (vec![("holder_name", "Mette\0Jensen")], "kontroltegn"),
        (vec![("holder_name", huge.as_str())], "2–200 tegn"),
        (vec![("holder_name", "Mette 241280-1122")], "CPR-feltet"),
        (
            vec![("holder_name", "Mette Jensen"), ("holder_cpr", "<b>1</b>")],
            "DDMMÅÅ-SSSS",
        ),
        (
            vec![
                ("holder_name", "Mette Jensen"),
                ("holder_cpr", "150550-2244"),
            ],
            "borgeren selv",
        ),
        (
            vec![("holder_name", "Mette Jensen"), ("valid_to", "2020-01-01")],
            "efter startdatoen",
        ),
        (
            vec![("holder_name", "Mette Jensen"), ("valid_to", "31-12-2030")],
            "ÅÅÅÅ-MM-DD",
        ),
    ];
    for (fields, says) in refusals {
        let mut all = step(
            visit,
            &[("valid_from", today.as_str()), ("scope_digital_post", "1")],
        );
        all.extend(fields);
        counter.refused("power-of-attorney", &all, says).await;
    }
    // No scope chosen.
    counter
        .refused(
            "power-of-attorney",
            &step(
                visit,
                &[("holder_name", "Mette Jensen"), ("valid_from", &today)],
            ),
            "mindst ét område",
        )
        .await;
    assert_eq!(counts(data), before, "refusals changed nothing");

    // Registered: the holder's CPR number only sealed (on the holder as a citizen).
    counter
        .ok(
            "power-of-attorney",
            &step(
                visit,
                &[
                    ("holder_name", "Mette Jensen"),
                    ("holder_cpr", "241280-1122"),
                    ("scope_digital_post", "1"),
                    ("scope_mitid_support", "1"),
                    ("valid_from", &today),
                    ("valid_to", "2030-12-31"),
                ],
            ),
        )
        .await;
    let after = counts(data);
    assert_eq!(after[4], before[4] + 1, "one power");
    assert_eq!(after[2], before[2] + 1, "power.register audited");
    assert_eq!(
        db_count(
            data,
            "SELECT COUNT(*) FROM powers_of_attorney WHERE source = 'paper'
               AND holder_citizen_id IS NOT NULL AND registered_by IS NOT NULL
               AND valid_to = '2030-12-31'"
        ),
        1
    );
    assert_eq!(
        db_count(
            data,
            "SELECT COUNT(*) FROM power_of_attorney_scopes s JOIN powers_of_attorney p
               ON p.id = s.power_id WHERE p.source = 'paper'"
        ),
        2
    );
    let stored = desk_tests::hostile_support::stored_text(data)
        + &db_texts(data, "SELECT draft FROM counter_visits").join(" ")
        + &db_texts(data, "SELECT details FROM audit_log").join(" ");
    assert!(
        !stored.contains("241280-1122") && !stored.contains("2412801122"),
        "the holder's CPR number is never stored in clear"
    );
    // Registered once: the step is done and refuses a second power.
    let html = counter.visit_page(visit).await;
    assert!(
        html.contains("Fuldmagt til Mette Jensen"),
        "on the finish step"
    );
    counter.ok("finish", &[("visit_id", visit)]).await;
    let html = counter.visit_page(visit).await;
    assert!(
        html.contains("Fuldmagt til Mette Jensen"),
        "on the ended visit"
    );
    let (status, _) = counter
        .post(
            "power-of-attorney",
            &step(
                visit,
                &[
                    ("holder_name", "Mette Jensen"),
                    ("scope_digital_post", "1"),
                    ("valid_from", &today),
                ],
            ),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(counts(data)[4], after[4]);

    // The visit's case shows the power in the citizen's panel, for the supporters.
    let reference = db_text(
        data,
        &format!(
            "SELECT c.reference FROM counter_visits v JOIN cases c ON c.id = v.case_id WHERE v.id = {visit}"
        ),
    );
    let supporter = WebClient::logged_in(&server, demo::SUPPORTER).await;
    let (_, html) = supporter.page(&format!("/support/sag/{reference}")).await;
    assert!(
        html.contains("Til Mette Jensen") && html.contains("papir (Borgerservice)"),
        "the paper power on the giver's case"
    );
    assert!(!html.contains("241280-1122"));
}
