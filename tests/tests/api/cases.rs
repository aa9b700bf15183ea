//! Cases end to end: a citizen writes in, a supporter finds it in the queue and works it.

use desk_tests::web::{csrf_in, location, with_token};
use desk_tests::{TestServer, WebClient, demo};
use reqwest::StatusCode;

async fn submit(web: &WebClient, fields: &[(&str, &str)]) -> reqwest::Response {
    web.post_from_page("/kontakt", "/api/contact/submit", fields)
        .await
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

    let supporter = WebClient::logged_in(&server, demo::SUPPORTER).await;
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

    let moves: [(&str, &[(&str, &str)]); 3] = [
        ("/api/cases/note", &[("body", "Ringede til borgeren.")]),
        ("/api/cases/claim", &[]),
        ("/api/cases/status", &[("status", "waiting_on_citizen")]),
    ];
    for (path, extra) in moves {
        let mut fields = vec![("reference", reference.as_str())];
        fields.extend_from_slice(extra);
        let res = supporter
            .post_form(path, &with_token(&token, &fields))
            .await;
        assert_eq!(res.status(), StatusCode::FOUND, "{path}");
    }
    let (_, html) = supporter.page(&case_path).await;
    assert!(html.contains("Ringede til borgeren."));
    assert!(html.contains("Sara Supporter"), "claimed");
    assert!(
        html.contains("pause: venter på borger"),
        "the SLA clock is paused"
    );

    // A move the workflow does not allow is refused and changes nothing.
    let fields = [("reference", reference.as_str()), ("status", "new")];
    let res = supporter
        .post_data("/api/cases/status", &with_token(&token, &fields))
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (_, html) = citizen.page(&status_link).await;
    assert!(html.contains("Afventer borger"), "{html}");
}

#[tokio::test]
async fn bad_contact_forms_are_refused_with_a_message_and_create_nothing() {
    let server = TestServer::start().await;
    let citizen = WebClient::new(&server);
    let supporter = WebClient::logged_in(&server, demo::SUPPORTER).await;
    let web_form_queue = || async {
        let res = supporter.api_get("/api/cases/queue?channel=web_form").await;
        res.text().await.unwrap()
    };
    let before = web_form_queue().await;

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

    let after = web_form_queue().await;
    assert_eq!(before, after, "no case was created");
}

#[tokio::test]
async fn the_queue_puts_urgent_cases_first_and_is_for_supporters_only() {
    let server = TestServer::start().await;
    let supporter = WebClient::logged_in(&server, demo::SUPPORTER).await;
    let res = supporter.api_get("/api/cases/queue").await;
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

    let res = WebClient::new(&server).api_get("/api/cases/queue").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let counter = WebClient::logged_in(&server, demo::BORGERSERVICE).await;
    let res = counter.api_get("/api/cases/queue").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (_, html) = counter.page("/borgerservice").await;
    let token = csrf_in(&html).unwrap();
    let fields = [("reference", "SAG-2026-000001"), ("body", "x")];
    let res = counter
        .post_data("/api/cases/note", &with_token(&token, &fields))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}
