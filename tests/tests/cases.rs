//! Cases end to end: a citizen writes in, a supporter finds it in the queue and works it.

use desk_tests::web::{csrf_in, location};
use desk_tests::{TestServer, WebClient, demo};
use reqwest::StatusCode;

async fn submit(web: &WebClient, fields: &[(&str, &str)]) -> reqwest::Response {
    let (_, html) = web.page("/kontakt").await;
    let token = csrf_in(&html).unwrap_or_default();
    let mut all = vec![("csrf_token", token.as_str())];
    all.extend_from_slice(fields);
    web.post_form("/api/contact/submit", &all).await
}

const GOOD: [(&str, &str); 5] = [
    ("name", "Grete Hansen"),
    ("email", "grete@example.dk"),
    ("system", "digital-post"),
    ("category", "digital_post"),
    (
        "message",
        "Jeg kan ikke finde mine breve i Digital Post efter jeg fik ny telefon.",
    ),
];

#[tokio::test]
async fn a_citizen_writes_in_and_a_supporter_works_the_case() {
    let server = TestServer::start().await;
    let citizen = WebClient::new(&server);
    let res = submit(&citizen, &GOOD).await;
    assert_eq!(res.status(), StatusCode::FOUND);
    let receipt = location(&res).unwrap();
    assert!(
        receipt.starts_with("/kontakt/kvittering?sag=SAG-"),
        "{receipt}"
    );
    let (_, html) = citizen.page(&receipt).await;
    let reference = regex::Regex::new(r"SAG-\d{4}-\d{6}")
        .unwrap()
        .find(&html)
        .unwrap()
        .as_str()
        .to_owned();
    let status_link = regex::Regex::new(r#"href="(/sag/status/[^"]+)""#)
        .unwrap()
        .captures(&html)
        .unwrap()[1]
        .to_owned();
    let (status, html) = citizen.page(&status_link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&reference) && html.contains("Ny"), "{html}");
    // A made-up link shows nothing.
    let (status, _) = citizen
        .page("/sag/status/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let supporter = WebClient::new(&server);
    supporter.login(demo::SUPPORTER).await;
    let (status, html) = supporter
        .page("/support?channel=web_form&system=digital-post")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(&reference),
        "the new case is in the filtered queue"
    );

    let case_path = format!("/support/sag/{reference}");
    let (status, html) = supporter.page(&case_path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Grete Hansen") && html.contains("ny telefon"));
    let token = csrf_in(&html).unwrap();

    let res = supporter
        .post_form(
            "/api/cases/note",
            &[
                ("csrf_token", &token),
                ("reference", &reference),
                ("body", "Ringede til borgeren."),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    let res = supporter
        .post_form(
            "/api/cases/claim",
            &[("csrf_token", &token), ("reference", &reference)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    let res = supporter
        .post_form(
            "/api/cases/status",
            &[
                ("csrf_token", &token),
                ("reference", &reference),
                ("status", "waiting_on_citizen"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    let (_, html) = supporter.page(&case_path).await;
    assert!(html.contains("Ringede til borgeren."));
    assert!(html.contains("Sara Supporter"), "claimed");
    assert!(
        html.contains("pause: venter på borger"),
        "the SLA clock is paused"
    );

    // A move the workflow does not allow is refused and changes nothing.
    let res = supporter
        .post_data(
            "/api/cases/status",
            &[
                ("csrf_token", &token),
                ("reference", &reference),
                ("status", "new"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (_, html) = citizen.page(&status_link).await;
    assert!(html.contains("Afventer borger"), "{html}");
}

#[tokio::test]
async fn bad_contact_forms_are_refused_with_a_message_and_create_nothing() {
    let server = TestServer::start().await;
    let citizen = WebClient::new(&server);
    let supporter = WebClient::new(&server);
    supporter.login(demo::SUPPORTER).await;
    let before = supporter
        .client
        .get(supporter.url("/api/cases/queue?channel=web_form"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    let mut bad_email = GOOD;
    bad_email[1] = ("email", "ikke-en-mail");
    let res = submit(&citizen, &bad_email).await;
    let back = location(&res).unwrap();
    let (_, html) = citizen.page(&back).await;
    assert!(html.contains("Skriv en gyldig e-mailadresse"), "{html}");

    let mut with_cpr = GOOD;
    with_cpr[4] = (
        "message",
        "Mit CPR er 010190-1234 og jeg er spærret ude af MitID.",
    );
    let res = submit(&citizen, &with_cpr).await;
    let (_, html) = citizen.page(&location(&res).unwrap()).await;
    assert!(html.contains("Skriv ikke dit CPR-nummer"), "{html}");

    let after = supporter
        .client
        .get(supporter.url("/api/cases/queue?channel=web_form"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(before, after, "no case was created");
}

#[tokio::test]
async fn the_queue_puts_urgent_cases_first_and_is_for_supporters_only() {
    let server = TestServer::start().await;
    let supporter = WebClient::new(&server);
    supporter.login(demo::SUPPORTER).await;
    let res = supporter
        .client
        .get(supporter.url("/api/cases/queue"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let page: serde_json::Value = res.json().await.unwrap();
    let priorities: Vec<&str> = page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["priority"].as_str().unwrap())
        .collect();
    assert!(!priorities.is_empty());
    let first_non_urgent = priorities
        .iter()
        .position(|p| *p != "urgent")
        .unwrap_or(priorities.len());
    assert!(
        priorities[first_non_urgent..]
            .iter()
            .all(|p| *p != "urgent"),
        "{priorities:?}"
    );
    // CPR numbers are masked in everything the queue and case page send.
    let (_, html) = supporter.page("/support").await;
    assert!(!regex::Regex::new(r"\d{6}-\d{4}").unwrap().is_match(&html));

    let anonymous = WebClient::new(&server);
    let res = anonymous
        .client
        .get(anonymous.url("/api/cases/queue"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let counter = WebClient::new(&server);
    counter.login(demo::BORGERSERVICE).await;
    let res = counter
        .client
        .get(counter.url("/api/cases/queue"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (_, html) = counter.page("/borgerservice").await;
    let token = csrf_in(&html).unwrap();
    let res = counter
        .post_data(
            "/api/cases/note",
            &[
                ("csrf_token", &token),
                ("reference", "SAG-2026-000001"),
                ("body", "x"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}
