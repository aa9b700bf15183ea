//! Incidents (driftsstatus) end to end over HTTP: a lead declares an incident, its banner is on
//! every page without JavaScript (escaped), fifty citizens write in, their cases are suggested
//! and linked in bulk by a supporter, and resolving the incident resolves them and mails each
//! citizen exactly once over the real SMTP listener, even when the server is killed with
//! SIGKILL in the middle of the resolution. Hostile declarations are refused with a message and
//! store nothing; the roles are checked.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use desk_tests::citizen::{contact_form, write_in};
use desk_tests::hostile_support::db_count;
use desk_tests::smtp::{Received, SmtpServer};
use desk_tests::web::{location, str_pairs};
use desk_tests::{TestServer, WebClient, demo};
use reqwest::StatusCode;

/// The demo team lead.
const LEAD: (&str, &str) = ("leder", "demo-overblik-2026");

const BANNER_DA: &str = "Kendt problem, du behøver ikke skrive til os.";
const BANNER_EN: &str = "Known problem, no need to write in.";
const CLOSING_DA: &str = "MitID virker igen, og godkendelser virker nu.";

/// One text value from the desk's database (read-only, beside the running server).
fn db_text(data_dir: &Path, sql: &str) -> String {
    let db = rusqlite::Connection::open_with_flags(
        data_dir.join("desk.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .expect("open desk.db");
    db.busy_timeout(Duration::from_secs(5)).expect("timeout");
    db.query_row(sql, [], |r| r.get::<_, String>(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Declares an incident as `lead` through the history page's form; returns its id.
async fn declare(lead: &WebClient, fields: &[(&str, &str)]) -> i64 {
    let res = lead
        .post_from_page("/leder/drift", "/api/incidents/declare", fields)
        .await;
    assert_eq!(res.status(), StatusCode::FOUND, "declared");
    let to = location(&res).expect("a redirect");
    let caps = regex::Regex::new(r"^/leder/drift/(\d+)\?erklaeret=1$")
        .unwrap()
        .captures(&to)
        .unwrap_or_else(|| panic!("redirect to the incident: {to}"));
    caps[1].parse().unwrap()
}

fn mitid_incident<'a>(
    text_da: &'a str,
    text_en: &'a str,
    words: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("systems[0]", "mitid"),
        ("text_da", text_da),
        ("text_en", text_en),
        ("search_words", words),
        ("starts_at", "2026-12-02T08:00"),
        ("expected_end", "2026-12-02T20:00"),
    ]
}

/// The incident's e-mails: those carrying its (plain ASCII) closing text.
fn incident_mails(smtp: &SmtpServer) -> Vec<Received> {
    smtp.accepted()
        .into_iter()
        .filter(|m| m.data.contains(CLOSING_DA))
        .collect()
}

/// Incident mails per recipient.
fn per_recipient(mails: &[Received]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for m in mails {
        for to in &m.rcpt_to {
            *counts
                .entry(to.trim_matches(['<', '>']).to_lowercase())
                .or_default() += 1;
        }
    }
    counts
}

#[tokio::test]
async fn an_incident_with_50_linked_cases_mails_each_citizen_once_across_a_kill_9() {
    let smtp = SmtpServer::start().await;
    let mut vars = smtp.desk_env();
    // Slow the resolution down between batches of ten so the kill lands in the middle.
    vars.push(("DESK_INCIDENT_BATCH_PAUSE_MS", "500".into()));
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = TestServer::start_in_with(&data, &str_pairs(&vars)).await;

    let lead = WebClient::logged_in(&server, LEAD).await;
    let id = declare(
        &lead,
        &mitid_incident(
            "MitID-appen viser kvantefejl ved godkendelse.",
            "The MitID app shows a quantum error when approving.",
            "kvantefejl",
        ),
    )
    .await;

    // Fifty citizens write in about it; every confirmation is delivered first.
    let mut references = Vec::new();
    for i in 0..50 {
        let name = format!("Borger Nummer {i}");
        let email = format!("borger{i}@example.dk");
        let (reference, _) = write_in(
            &server,
            &contact_form(&[
                ("name", &name),
                ("email", &email),
                (
                    "message",
                    "Min MitID-app viser kvantefejl, når jeg vil godkende.",
                ),
            ]),
        )
        .await;
        references.push(reference);
    }
    assert_eq!(smtp.wait_for(50, 60).await.len(), 50, "the confirmations");

    // The incident's page suggests exactly those fifty (no demo case mentions the word).
    let page = format!("/leder/drift/{id}");
    let supporter = WebClient::logged_in(&server, demo::SUPPORTER).await;
    let (status, html) = supporter.page(&page).await;
    assert_eq!(status, StatusCode::OK);
    for reference in &references {
        assert!(html.contains(reference.as_str()), "{reference} suggested");
    }
    assert_eq!(html.matches("name=\"references[").count(), 50, "{html}");

    // A supporter links them in bulk.
    let names: Vec<String> = (0..50).map(|i| format!("references[{i}]")).collect();
    let id_text = id.to_string();
    let mut fields: Vec<(&str, &str)> = vec![("incident_id", &id_text)];
    for (name, reference) in names.iter().zip(&references) {
        fields.push((name, reference));
    }
    let res = supporter
        .post_from_page(&page, "/api/incidents/link", &fields)
        .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert!(
        location(&res).unwrap().contains("knyttet=50&sprunget=0"),
        "{:?}",
        location(&res)
    );
    assert_eq!(
        db_count(
            &data,
            &format!("SELECT COUNT(*) FROM incident_cases WHERE incident_id = {id}")
        ),
        50
    );
    let (_, html) = lead.page(&page).await;
    assert!(
        html.contains("50 knyttede sager, 0 løst af hændelsen."),
        "{html}"
    );

    // The relay takes messages but does not acknowledge them: nothing counts as sent yet.
    smtp.set_stall(true);
    let res = lead
        .post_from_page(
            &page,
            "/api/incidents/resolve",
            &[
                ("incident_id", &id_text),
                ("closing_da", CLOSING_DA),
                ("closing_en", "MitID works again, and approvals go through."),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FOUND);

    // Kill -9 between two batches: some cases done, not all.
    let done_sql = format!(
        "SELECT COUNT(*) FROM incident_cases WHERE incident_id = {id} AND done_at IS NOT NULL"
    );
    let mut done = 0;
    for _ in 0..500 {
        done = db_count(&data, &done_sql);
        if done >= 10 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.kill_hard().await;
    assert!(
        (10..50).contains(&done),
        "killed mid-way: {done} of 50 done"
    );
    let done_at_kill = db_count(&data, &done_sql);
    assert!(done_at_kill < 50, "{done_at_kill}");
    assert_eq!(
        db_text(
            &data,
            &format!("SELECT state FROM incidents WHERE id = {id}")
        ),
        "resolving"
    );
    assert!(
        smtp.accepted().len() == 50,
        "no incident mail acknowledged before the kill"
    );

    // The restarted desk finishes the resolution on its own.
    smtp.set_stall(false);
    let server = TestServer::start_in_with(&data, &str_pairs(&vars)).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    while incident_mails(&smtp).len() < 50 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Anything sent twice would arrive now.
    tokio::time::sleep(Duration::from_secs(3)).await;
    // The outbox delivers at least once: a delivery whose outcome was not recorded is sent
    // again under the same Message-ID, which a receiving system drops as a repeat. "Once" is
    // one distinct message per citizen (and a second, different message fails below).
    let delivered = incident_mails(&smtp);
    let mut seen = std::collections::BTreeSet::new();
    let mails: Vec<Received> = delivered
        .iter()
        .filter(|m| seen.insert(m.header("Message-ID").unwrap_or_default()))
        .cloned()
        .collect();
    assert_eq!(
        mails.len(),
        50,
        "fifty distinct incident e-mails ({} deliveries)",
        delivered.len()
    );
    let counts = per_recipient(&mails);
    assert_eq!(counts.len(), 50, "{counts:?}");
    for i in 0..50 {
        assert_eq!(
            counts.get(&format!("borger{i}@example.dk")),
            Some(&1),
            "borger{i} mailed exactly once"
        );
    }

    assert_eq!(
        db_text(
            &data,
            &format!("SELECT state FROM incidents WHERE id = {id}")
        ),
        "resolved"
    );
    assert_eq!(db_count(&data, &done_sql), 50);
    let refs = references
        .iter()
        .map(|r| format!("'{r}'"))
        .collect::<Vec<_>>()
        .join(",");
    assert_eq!(
        db_count(
            &data,
            &format!(
                "SELECT COUNT(*) FROM cases WHERE status = 'resolved' AND reference IN ({refs})"
            )
        ),
        50
    );
    assert_eq!(
        db_count(
            &data,
            "SELECT COUNT(*) FROM outbox WHERE idempotency_key LIKE 'incident-%'"
        ),
        50
    );
    for (action, n) in [
        ("incident.declare", 1),
        ("incident.link", 50),
        ("incident.resolve", 1),
        ("incident.resolve_case", 50),
        ("incident.resolved", 1),
    ] {
        assert_eq!(
            db_count(
                &data,
                &format!("SELECT COUNT(*) FROM audit_log WHERE action = '{action}'")
            ),
            n,
            "{action}"
        );
    }

    // The history lists it with its counts; the banner is gone.
    let lead = WebClient::logged_in(&server, LEAD).await;
    let (_, html) = lead.page("/leder/drift").await;
    assert!(html.contains("id=\"incident-history\""), "{html}");
    assert!(html.contains(&format!("/leder/drift/{id}")));
    assert!(
        regex::Regex::new(r#"class="num">(<!--[^>]*-->)*50<"#)
            .unwrap()
            .is_match(&html),
        "{html}"
    );
    let (_, html) = WebClient::new(&server).page("/").await;
    assert!(!html.contains(BANNER_DA));

    // Another restart sends nothing again.
    server.kill_hard().await;
    let _server = TestServer::start_in_with(&data, &str_pairs(&vars)).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(incident_mails(&smtp).len(), 50, "not sent twice");
}

#[tokio::test]
async fn the_banner_is_on_every_page_without_javascript_and_escaped() {
    let server = TestServer::start().await;
    let citizen = WebClient::new(&server);
    let (_, html) = citizen.page("/").await;
    assert!(!html.contains(BANNER_DA), "no incident, no banner");

    let lead = WebClient::logged_in(&server, LEAD).await;
    let markup_da = "Drift: </title><svg onload=alert(1)> & \"citat\" virker ikke";
    let markup_en = "Outage: \"><svg onload=alert(2)> & 'quote' does not work";
    let id = declare(&lead, &mitid_incident(markup_da, markup_en, "drift")).await;

    for path in ["/", "/hjaelp/mistet-kodeviser", "/kontakt", "/soeg?q=mitid"] {
        let (status, html) = citizen.page(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(html.contains("id=\"incident-banner\""), "{path}: {html}");
        assert!(html.contains(BANNER_DA), "{path}");
        assert!(
            html.contains("Drift: &lt;/title&gt;&lt;svg onload=alert(1)&gt; &amp;"),
            "{path}: escaped"
        );
        assert!(!html.contains("<svg onload"), "{path}: no markup");
        assert!(html.contains("Forventes løst 2026-12-02 20:00."), "{path}");
    }
    // An article page loads no script at all: the banner is plain HTML.
    let (_, article) = citizen.page("/hjaelp/mistet-kodeviser").await;
    assert!(!article.contains(".wasm"), "no bundle on an article");

    // In English.
    let english = WebClient::new(&server);
    english.get("/lang/en?next=/").await;
    let (_, html) = english.page("/kontakt").await;
    assert!(html.contains(BANNER_EN), "{html}");
    assert!(
        html.contains("Outage: &quot;&gt;&lt;svg onload=alert(2)&gt;")
            || html.contains("Outage: \"&gt;&lt;svg onload=alert(2)&gt;"),
        "{html}"
    );
    assert!(!html.contains("<svg onload"));

    // On the staff consoles too.
    let supporter = WebClient::logged_in(&server, demo::SUPPORTER).await;
    let (_, html) = supporter.page("/support").await;
    assert!(html.contains(BANNER_DA));
    assert!(!html.contains("<svg onload"));

    // Resolving it takes the banner down at once.
    let page = format!("/leder/drift/{id}");
    let res = lead
        .post_from_page(
            &page,
            "/api/incidents/resolve",
            &[
                ("incident_id", &id.to_string()),
                ("closing_da", "Det virker igen, tak for tålmodigheden."),
                ("closing_en", "It works again, thank you for your patience."),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    let (_, html) = citizen.page("/kontakt").await;
    assert!(!html.contains(BANNER_DA));
}

#[tokio::test]
async fn hostile_declarations_are_refused_with_a_message_and_store_nothing() {
    let server = TestServer::start().await;
    let data = server.data_dir().to_owned();
    let lead = WebClient::logged_in(&server, LEAD).await;
    let long = "æ".repeat(2_000);
    let huge = "a".repeat(300 * 1024);
    let ok_da = "MitID-appen kan ikke godkende lige nu.";
    let ok_en = "The MitID app cannot approve right now.";
    let base = || mitid_incident(ok_da, ok_en, "godkend app");
    let with = |changes: &[(&'static str, &'static str)]| {
        let mut fields = base();
        for (k, v) in changes {
            fields.retain(|(name, _)| name != k);
            fields.push((k, v));
        }
        fields
    };
    let long_ref: &'static str = Box::leak(long.into_boxed_str());
    let huge_ref: &'static str = Box::leak(huge.into_boxed_str());
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        // No fields at all: the arguments do not decode (400).
        (vec![], ""),
        // Every field empty.
        (
            vec![
                ("text_da", ""),
                ("text_en", ""),
                ("search_words", ""),
                ("starts_at", ""),
                ("expected_end", ""),
            ],
            "Vælg mindst ét system",
        ),
        (with(&[("systems[0]", "")]), "Vælg mindst ét system"),
        (
            with(&[("systems[0]", "<svg onload=alert(1)>")]),
            "findes ikke",
        ),
        (with(&[("text_da", "")]), "Skriv den danske tekst"),
        (with(&[("text_en", "   ")]), "Skriv den engelske tekst"),
        (with(&[("text_da", long_ref)]), "højst være 600 tegn"),
        (
            with(&[("text_da", "Linje et\r\nSubject: hacked")]),
            "uden styretegn",
        ),
        (
            with(&[("text_en", "Null \0 in the middle")]),
            "uden styretegn",
        ),
        (with(&[("search_words", "")]), "mindst ét søgeord"),
        (
            with(&[("search_words", "</title><svg>")]),
            "Søgeord er højst 12 ord",
        ),
        (
            with(&[("expected_end", "i morgen")]),
            "forventede afslutning som dato",
        ),
        (
            with(&[("expected_end", "2026-12-01T08:00")]),
            "skal ligge efter starttidspunktet",
        ),
        // Over the body limit: refused before the function runs (413). Last: the server may
        // close the connection without reading the body, and this client would reuse it.
        (with(&[("text_en", huge_ref)]), ""),
    ];
    for (fields, message) in &cases {
        let res = lead.call("/api/incidents/declare", fields).await;
        let status = res.status();
        let body = res.text().await.unwrap();
        assert!(status.is_client_error(), "{fields:?}: {status} {body}");
        // A NUL byte may be refused before the function reads it, a huge body is; every other
        // refusal says why.
        if !message.is_empty() && !fields.iter().any(|(_, v)| v.contains('\0')) {
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{fields:?}: {body}"
            );
            assert!(body.contains(message), "{fields:?}: {body}");
        }
    }
    assert_eq!(db_count(&data, "SELECT COUNT(*) FROM incidents"), 0);
    assert_eq!(
        db_count(
            &data,
            "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'incident.%'"
        ),
        0
    );
    let (_, html) = WebClient::new(&server).page("/").await;
    assert!(!html.contains(BANNER_DA));

    // Linking nothing, too much, or to an incident that does not exist is refused as well.
    let supporter = WebClient::logged_in(&server, demo::SUPPORTER).await;
    let res = supporter
        .call("/api/incidents/link", &[("incident_id", "1")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = supporter
        .call(
            "/api/incidents/link",
            &[("incident_id", "999"), ("references[0]", "SAG-2026-000001")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("findes ikke"));
    assert_eq!(db_count(&data, "SELECT COUNT(*) FROM incident_cases"), 0);
}

#[tokio::test]
async fn only_a_lead_declares_and_resolves_a_supporter_links_other_roles_are_refused() {
    let server = TestServer::start().await;
    let data = server.data_dir().to_owned();
    let lead = WebClient::logged_in(&server, LEAD).await;
    let id = declare(
        &lead,
        &mitid_incident(
            "NemLog-in afviser logins i øjeblikket.",
            "NemLog-in refuses logins at the moment.",
            "login",
        ),
    )
    .await;
    let id_text = id.to_string();
    let declare_fields = mitid_incident(
        "En anden fejl lige nu hos os.",
        "Another problem right now here.",
        "fejl",
    );
    let resolve_fields = [
        ("incident_id", id_text.as_str()),
        ("closing_da", "Det virker igen nu."),
        ("closing_en", "It works again now."),
    ];
    let reference = db_text(
        &data,
        "SELECT reference FROM cases WHERE status NOT IN ('resolved', 'closed') ORDER BY id LIMIT 1",
    );
    let link_fields = [
        ("incident_id", id_text.as_str()),
        ("references[0]", reference.as_str()),
    ];

    // A supporter may read and link, not declare or resolve.
    let supporter = WebClient::logged_in(&server, demo::SUPPORTER).await;
    let res = supporter
        .call("/api/incidents/declare", &declare_fields)
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = supporter
        .call("/api/incidents/resolve", &resolve_fields)
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = supporter.call("/api/incidents/link", &link_fields).await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    assert_eq!(db_count(&data, "SELECT COUNT(*) FROM incident_cases"), 1);
    assert_eq!(
        supporter
            .api_get(&format!("/api/incidents/get?id={id}"))
            .await
            .status(),
        StatusCode::OK
    );

    // Borgerservice and admin: nothing; anonymous: log in first.
    for login in [demo::BORGERSERVICE, demo::ADMIN] {
        let web = WebClient::logged_in(&server, login).await;
        for (path, fields) in [
            ("/api/incidents/declare", &declare_fields[..]),
            ("/api/incidents/resolve", &resolve_fields[..]),
            ("/api/incidents/link", &link_fields[..]),
            ("/api/incidents/unlink", &link_fields[..]),
        ] {
            let res = web.call(path, fields).await;
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{login:?} {path}");
        }
        assert_eq!(
            web.api_get("/api/incidents/list").await.status(),
            StatusCode::FORBIDDEN
        );
        let (status, _) = web.page("/leder/drift").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{login:?}");
    }
    let anonymous = WebClient::new(&server);
    let res = anonymous
        .call("/api/incidents/declare", &declare_fields)
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        anonymous.api_get("/api/incidents/list").await.status(),
        StatusCode::UNAUTHORIZED
    );

    // Nothing changed but the supporter's link, and the lead may resolve.
    assert_eq!(db_count(&data, "SELECT COUNT(*) FROM incidents"), 1);
    let res = lead.call("/api/incidents/resolve", &resolve_fields).await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while db_text(
        &data,
        &format!("SELECT state FROM incidents WHERE id = {id}"),
    ) != "resolved"
        && tokio::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        db_text(
            &data,
            &format!("SELECT status FROM cases WHERE reference = '{reference}'")
        ),
        "resolved"
    );
    // Once resolving, it cannot be resolved or linked again.
    let res = lead.call("/api/incidents/resolve", &resolve_fields).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = supporter.call("/api/incidents/link", &link_fields).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
