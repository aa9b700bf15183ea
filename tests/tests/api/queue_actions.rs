//! The supporter's moves on many cases at once and between cases: a bulk status change from
//! the queue (a plain form, no JavaScript), linking related cases, and merging a duplicate.

use desk_tests::web::location;
use desk_tests::{TestServer, WebClient, demo};
use reqwest::StatusCode;

async fn status_of(web: &WebClient, reference: &str) -> String {
    web.get_json(&format!("/api/cases/get?reference={reference}"))
        .await["status"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn bulk_status_link_and_merge() {
    let server = TestServer::start().await;
    let supporter = WebClient::logged_in(&server, demo::SUPPORTER).await;
    let refs = |page: &serde_json::Value| -> Vec<String> {
        page["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["reference"].as_str().unwrap().to_owned())
            .collect()
    };
    let new = refs(&supporter.get_json("/api/cases/queue?status=new").await);
    let resolved = refs(&supporter.get_json("/api/cases/queue?status=resolved").await);
    assert!(new.len() >= 3 && !resolved.is_empty());
    let (a, b, c) = (&new[0], &new[1], &new[2]);

    // Bulk: two new cases to "waiting on citizen"; a resolved one cannot go there and is
    // skipped. The
    // checkboxes of a plain form carry their row index.
    let res = supporter
        .post_from_page(
            "/support",
            "/api/cases/bulk-status",
            &[
                ("references[0]", a),
                ("references[3]", b),
                ("references[7]", &resolved[0]),
                ("status", "waiting_on_citizen"),
            ],
        )
        .await;
    let back = location(&res).unwrap();
    assert!(
        back.contains("aendret=2") && back.contains("sprunget=1"),
        "{back}"
    );
    let (_, html) = supporter.page(&back).await;
    assert!(
        html.contains("2 sager fik ny status. 1 sprunget over"),
        "{html}"
    );
    assert_eq!(status_of(&supporter, a).await, "waiting_on_citizen");
    assert_eq!(status_of(&supporter, b).await, "waiting_on_citizen");
    assert_eq!(status_of(&supporter, &resolved[0]).await, "resolved");
    assert_eq!(status_of(&supporter, c).await, "new");

    // Only supporters.
    let counter = WebClient::logged_in(&server, demo::BORGERSERVICE).await;
    let res = counter
        .call(
            "/api/cases/bulk-status",
            &[("references[0]", c), ("status", "open")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(status_of(&supporter, c).await, "new");

    // Link a and b: each lists the other.
    let page_a = format!("/support/sag/{a}");
    let res = supporter
        .post_from_page(
            &page_a,
            "/api/cases/link",
            &[("reference", a), ("other", &b.to_lowercase())],
        )
        .await;
    let (_, html) = supporter.follow(res).await;
    assert!(
        html.contains(&format!(r#"href="/support/sag/{b}""#)),
        "{html}"
    );
    let (_, html) = supporter.page(&format!("/support/sag/{b}")).await;
    assert!(html.contains(&format!("Relateret til {a}")), "{html}");
    // Not to itself.
    let res = supporter
        .post_from_page(
            &page_a,
            "/api/cases/link",
            &[("reference", a), ("other", a)],
        )
        .await;
    let (_, html) = supporter.follow(res).await;
    assert!(html.contains("ikke knyttes til sig selv"), "{html}");

    // Merge c into a as a duplicate: c is closed and points at a; a says so; no second merge.
    let page_c = format!("/support/sag/{c}");
    let res = supporter
        .post_from_page(
            &page_c,
            "/api/cases/link",
            &[("reference", c), ("other", a), ("merge", "1")],
        )
        .await;
    let (_, html) = supporter.follow(res).await;
    assert!(html.contains("Dublet – flettet ind i"), "{html}");
    assert_eq!(status_of(&supporter, c).await, "closed");
    let case_c = supporter
        .get_json(&format!("/api/cases/get?reference={c}"))
        .await;
    assert_eq!(case_c["merged_into"], a.as_str());
    let (_, html) = supporter.page(&page_a).await;
    assert!(
        html.contains(&format!("Dubletten {c} er flettet ind i denne sag.")),
        "{html}"
    );
    let res = supporter
        .post_from_page(
            &page_c,
            "/api/cases/link",
            &[("reference", c), ("other", b), ("merge", "1")],
        )
        .await;
    let (_, html) = supporter.follow(res).await;
    assert!(html.contains("allerede flettet"), "{html}");
}

#[tokio::test]
async fn a_block_starts_from_a_citizen_found_by_cpr_number() {
    let server = TestServer::start().await;
    let supporter = WebClient::logged_in(&server, demo::SUPPORTER).await;

    let res = supporter
        .post_from_page(
            "/support/soeg",
            "/api/citizens/find",
            &[("cpr", "010203-0405")],
        )
        .await;
    let (_, html) = supporter.follow(res).await;
    assert!(html.contains("kender ingen borger"), "{html}");
    // The demo witness of the counter (see the README).
    let res = supporter
        .post_from_page(
            "/support/soeg",
            "/api/citizens/find",
            &[("cpr", "050565-2346")],
        )
        .await;
    let citizen_page = location(&res).unwrap();
    assert!(
        citizen_page.starts_with("/support/borger/"),
        "{citizen_page}"
    );
    let (_, html) = supporter.page(&citizen_page).await;
    assert!(
        html.contains("Birthe Holm")
            && html.contains("050565-XXXX")
            && html.contains("birthe holm"),
        "{html}"
    );
    assert!(!html.contains("050565-2346"));

    // An urgent phone case, straight into the block flow with the citizen's MitID.
    let id = citizen_page.rsplit('/').next().unwrap().to_owned();
    let res = supporter
        .post_from_page(
            &citizen_page,
            "/api/citizens/block-case",
            &[("citizen_id", &id)],
        )
        .await;
    let block_page = location(&res).unwrap();
    assert!(block_page.ends_with("/spaer"), "{block_page}");
    let (_, html) = supporter.page(&block_page).await;
    assert!(
        html.contains("birthe holm") && html.contains("b-confirm"),
        "{html}"
    );
    let urgent = supporter.get_json("/api/cases/queue?priority=urgent").await;
    let reference = block_page.split('/').nth(3).unwrap();
    assert!(urgent.to_string().contains(reference));

    // Only supporters look citizens up.
    let counter = WebClient::logged_in(&server, demo::BORGERSERVICE).await;
    let res = counter
        .call("/api/citizens/find", &[("cpr", "050565-2346")])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}
