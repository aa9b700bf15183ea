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

/// Every order pages through the open work once, by the `next` cursor; the views' counts
/// match what each view lists; a forged cursor or sort is harmless.
#[tokio::test]
async fn the_queue_sorts_pages_and_counts_its_views() {
    let server = TestServer::start_with(&[("DESK_DEMO_CASES", "260")]).await;
    let supporter = WebClient::logged_in(&server, demo::SUPPORTER).await;
    let first = supporter.get_json("/api/cases/queue").await;
    let total = first["total"].as_i64().unwrap();
    assert!(total > 100, "enough open work for two pages: {total}");
    let rank = |p: &str| {
        ["urgent", "high", "normal", "low"]
            .iter()
            .position(|x| *x == p)
    };
    for sort in ["due", "created", "priority"] {
        let mut seen: Vec<serde_json::Value> = Vec::new();
        let mut url = format!("/api/cases/queue?sort={sort}");
        let mut pages = 0;
        loop {
            let page = supporter.get_json(&url).await;
            assert_eq!(page["total"].as_i64().unwrap(), total, "{sort}");
            seen.extend(page["rows"].as_array().unwrap().iter().cloned());
            pages += 1;
            match page["next"].as_str() {
                Some(next) => url = format!("/api/cases/queue?sort={sort}&after={next}"),
                None => break,
            }
        }
        assert!(pages >= 2, "{sort}: paged");
        let mut refs: Vec<&str> = seen
            .iter()
            .map(|r| r["reference"].as_str().unwrap())
            .collect();
        assert_eq!(refs.len() as i64, total, "{sort}: every case, once");
        match sort {
            "created" => {
                let shown = refs.clone();
                refs.sort_by(|a, b| b.cmp(a));
                assert_eq!(shown, refs, "newest first");
            }
            "priority" => {
                let ranks: Vec<usize> = seen
                    .iter()
                    .map(|r| rank(r["priority"].as_str().unwrap()).unwrap())
                    .collect();
                assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
            }
            _ => {
                refs.sort_unstable();
                refs.dedup();
                assert_eq!(refs.len() as i64, total);
            }
        }
        // Each row says how long is left (or that the clock is paused).
        for r in &seen {
            let waiting = r["status"] == "waiting_on_citizen";
            assert_eq!(r["minutes_left"].is_null(), waiting, "{r}");
            assert!(!r["due_label"].as_str().unwrap().is_empty());
        }
    }

    // The views' counts are what the views list.
    let views = &first["views"];
    assert_eq!(views["open"].as_i64().unwrap(), total);
    for (key, query) in [
        ("urgent", "priority=urgent"),
        ("mine", "assignee=me"),
        ("unassigned", "assignee=none"),
        ("waiting_on_citizen", "status=waiting_on_citizen"),
    ] {
        let listed = supporter
            .get_json(&format!("/api/cases/queue?{query}"))
            .await["total"]
            .as_i64()
            .unwrap();
        assert_eq!(views[key].as_i64().unwrap(), listed, "{key}");
    }
    let mut per_system = 0;
    for pair in views["systems"].as_array().unwrap() {
        let (system, count) = (pair[0].as_str().unwrap(), pair[1].as_i64().unwrap());
        let slug = match system {
            "MitId" => "mitid",
            "NemLogIn" => "nemlog-in",
            "DigitalPost" => "digital-post",
            "NemKonto" => "nemkonto",
            "Virk" => "virk",
            _ => "borger-dk",
        };
        let listed = supporter
            .get_json(&format!("/api/cases/queue?system={slug}"))
            .await["total"]
            .as_i64()
            .unwrap();
        assert_eq!(count, listed, "{system}");
        per_system += count;
    }
    assert_eq!(per_system, total);

    // Hostile sorts and cursors fall back to the first page of the working order.
    for junk in [
        "sort=%22%3E%3Csvg%20onload%3Dalert(1)%3E",
        "after=1.2026-01-01T00:00:00'%20OR%201=1--.5",
        "after=%00%0d%0a",
        "sort=created&after=9.9999-99-99T99:99:99.99999999999999999999",
    ] {
        let res = supporter.api_get(&format!("/api/cases/queue?{junk}")).await;
        assert_eq!(res.status(), StatusCode::OK, "{junk}");
        let page: serde_json::Value = res.json().await.unwrap();
        assert_eq!(page["total"].as_i64().unwrap(), total, "{junk}");
    }
    let long = format!("/api/cases/queue?after={}", "9".repeat(20_000));
    let res = supporter.api_get(&long).await;
    assert!(
        res.status() == StatusCode::OK || res.status().is_client_error(),
        "{}",
        res.status()
    );
}
