//! Two desk nodes on one PostgreSQL, as behind a load balancer: citizens write in through both
//! while supporters on both add notes, and node A is killed with SIGKILL mid-load. Every
//! acknowledged case is in the database, each confirmation e-mail goes out as one message
//! (node B delivers what node A had leased once A's lease runs out), a console connected to
//! node B saw cases created through node A, and the audit chain is still one sound chain.
//!
//! It needs PostgreSQL: `bash .ci/desk test-postgres nodes::` runs it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use desk_tests::citizen::{Acknowledged, not_stored, write_in_repeatedly};
use desk_tests::hostile_support::db_texts;
use desk_tests::server::run_cli_with;
use desk_tests::smtp::SmtpServer;
use desk_tests::web::{case_search as search, staff, with_token};
use desk_tests::{TestServer, WebClient, demo, postgres};
use reqwest::StatusCode;
use reqwest::header::ACCEPT;

const CLIENTS_PER_NODE: usize = 8;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_share_one_database_and_a_killed_node_loses_nothing() {
    assert!(
        postgres::active(),
        "two nodes need PostgreSQL: run `bash .ci/desk test-postgres nodes::`"
    );
    let smtp = SmtpServer::start().await;
    let temp = tempfile::tempdir().unwrap();
    let (data_a, data_b) = (temp.path().join("a"), temp.path().join("b"));
    let shared = postgres::database_for(&data_a);
    let mut env: Vec<(&str, String)> = smtp.desk_env();
    env.extend([
        ("DESK_DATABASE_URL", shared.clone()),
        (
            "DESK_INBOUND_MAIL_SECRET",
            "nodes-share-this-inbound-secret".into(),
        ),
        ("DESK_CTI_SECRET", "nodes-share-this-cti-secret".into()),
        // Short, so node B takes over node A's leased e-mails within the test.
        ("DESK_OUTBOX_LEASE_SECS", "3".into()),
    ]);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let node_a = TestServer::start_in_with(&data_a, &env).await;
    let node_b = TestServer::start_in_with(&data_b, &env).await;

    // A supporter's console on node B.
    let (on_b, _) = staff(&node_b, demo::SUPPORTER).await;
    let mut console = on_b
        .client
        .get(on_b.url("/support/events"))
        .header(ACCEPT, "text/event-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(console.status(), StatusCode::OK);
    let (on_a, token_a) = staff(&node_a, demo::SUPPORTER).await;
    let (notes_on_b, token_nb) = staff(&node_b, demo::SUPPORTER).await;

    // Citizens through both nodes; supporters on both add notes (audited) to the new cases.
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..2 * CLIENTS_PER_NODE)
        .map(|c| {
            let node = if c % 2 == 0 { &node_a } else { &node_b };
            tokio::spawn(write_in_repeatedly(WebClient::new(node), c, stop.clone()))
        })
        .collect();
    let notes_b = tokio::spawn(notes_until(notes_on_b, token_nb, stop.clone()));
    let notes_a = tokio::spawn(notes_until(on_a, token_a, stop.clone()));
    tokio::time::sleep(Duration::from_secs(3)).await;
    node_a.kill_hard().await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop.store(true, Ordering::Relaxed);
    let mut acknowledged: Vec<Acknowledged> = Vec::new();
    for w in writers {
        acknowledged.extend(w.await.unwrap());
    }
    let notes = notes_a.await.unwrap() + notes_b.await.unwrap();
    assert!(
        acknowledged.len() >= 2 * CLIENTS_PER_NODE,
        "the load did not get going: {} acknowledged",
        acknowledged.len()
    );
    assert!(notes > 0, "no note was added");

    // Every acknowledged case is stored, each under its own reference.
    let missing = not_stored(&data_a, &acknowledged);
    assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
    let references: BTreeSet<_> = acknowledged.iter().map(|a| &a.reference).collect();
    assert_eq!(
        references.len(),
        acknowledged.len(),
        "a reference was given twice"
    );
    // Each year's references run 1, 2, 3, … without a gap, whichever node gave them out and
    // whatever node A had in flight when it died.
    let mut per_year: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for reference in db_texts(&data_a, "SELECT reference FROM cases") {
        let mut parts = reference.splitn(3, '-');
        let (Some("SAG"), Some(year), Some(n)) = (parts.next(), parts.next(), parts.next()) else {
            panic!("not a case reference: {reference}");
        };
        per_year
            .entry(year.to_owned())
            .or_default()
            .push(n.parse().unwrap());
    }
    for (year, mut numbers) in per_year {
        numbers.sort_unstable();
        let expected: Vec<u32> = (1..=u32::try_from(numbers.len()).unwrap()).collect();
        assert_eq!(
            numbers, expected,
            "the references of {year} have a gap or a repeat"
        );
    }

    // Node B's console heard of cases created through node A (the even writers, whose
    // addresses are `load{writer}-{n}@…`).
    let through_a: BTreeSet<String> = acknowledged
        .iter()
        .filter(|a| {
            a.email
                .strip_prefix("load")
                .and_then(|rest| rest.split('-').next())
                .and_then(|writer| writer.parse::<usize>().ok())
                .is_some_and(|writer| writer % 2 == 0)
        })
        .map(|a| a.reference.clone())
        .collect();
    assert!(
        !through_a.is_empty(),
        "node A acknowledged nothing before it died"
    );
    let heard = tokio::time::timeout(Duration::from_secs(10), async {
        let mut text = String::new();
        while let Some(chunk) = console.chunk().await.unwrap() {
            text.push_str(&String::from_utf8_lossy(&chunk));
            if through_a.iter().any(|r| text.contains(r.as_str())) {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(
        heard,
        Ok(true),
        "no case made on node A reached node B's console"
    );

    // Every confirmation goes out, node A's leased ones through node B: one Message-ID each.
    let wanted: BTreeSet<String> = acknowledged.iter().map(|a| a.email.clone()).collect();
    let undelivered = smtp.undelivered(&wanted, 90).await;
    assert!(
        undelivered.is_empty(),
        "{} of {} confirmations never sent, e.g. {:?}",
        undelivered.len(),
        wanted.len(),
        undelivered.iter().take(5).collect::<Vec<_>>()
    );
    let mut message_ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for message in smtp.accepted() {
        let id = message.header("Message-ID").unwrap_or_default();
        for to in &message.rcpt_to {
            let to = to.trim_matches(['<', '>']).to_owned();
            if wanted.contains(&to) {
                message_ids.entry(to).or_default().insert(id.clone());
            }
        }
    }
    let twice: Vec<_> = message_ids
        .iter()
        .filter(|(_, ids)| ids.len() != 1)
        .collect();
    assert!(
        twice.is_empty(),
        "citizens got different messages: {twice:?}"
    );

    // One audit chain, written by both nodes at once.
    let (ok, out, err) = run_cli_with(&data_b, &env, &["audit", "verify"], "").await;
    assert!(ok, "audit verify failed: {out}{err}");
    drop(node_b);
}

/// Adds a note to the newest case in the queue, over and over, until `stop`; how many went in.
async fn notes_until(web: WebClient, token: String, stop: Arc<AtomicBool>) -> usize {
    let mut added = 0;
    let reference = regex::Regex::new(r"SAG-\d{4}-\d{6}").unwrap();
    while !stop.load(Ordering::Relaxed) {
        let Ok(res) = web.client.get(web.url("/support")).send().await else {
            break;
        };
        let Ok(html) = res.text().await else { break };
        let Some(case) = reference.find(&html).map(|m| m.as_str().to_owned()) else {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        let fields = with_token(
            &token,
            &[("reference", &case), ("body", "Ringet op, venter.")],
        );
        match web
            .client
            .post(web.url("/api/cases/note"))
            .header(ACCEPT, "text/html")
            .header(
                reqwest::header::REFERER,
                web.url(&format!("/support/sag/{case}")),
            )
            .form(&fields)
            .send()
            .await
        {
            Ok(res) if res.status() == StatusCode::FOUND => added += 1,
            _ => break,
        }
    }
    added
}

/// Each node's case index catches up from the shared change log, whichever node wrote: cases
/// written through both nodes at once, while node B's index syncs on every search, are all
/// found by reference on both nodes afterwards. (Change numbers are given out under the write
/// lock, so none becomes visible after a later one the cursor has passed.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_nodes_search_index_every_case_written_through_either() {
    assert!(
        postgres::active(),
        "two nodes need PostgreSQL: run `bash .ci/desk test-postgres nodes::`"
    );
    let temp = tempfile::tempdir().unwrap();
    let (data_a, data_b) = (temp.path().join("a"), temp.path().join("b"));
    let shared = postgres::database_for(&data_a);
    let env = [("DESK_DATABASE_URL", shared.as_str())];
    let node_a = TestServer::start_in_with(&data_a, &env).await;
    let node_b = TestServer::start_in_with(&data_b, &env).await;
    let search_a = WebClient::logged_in(&node_a, demo::SUPPORTER).await;
    let search_b = WebClient::logged_in(&node_b, demo::SUPPORTER).await;

    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..8)
        .map(|c| {
            let node = if c % 2 == 0 { &node_a } else { &node_b };
            tokio::spawn(write_in_repeatedly(WebClient::new(node), c, stop.clone()))
        })
        .collect();
    // Node B's index syncs again and again while both nodes commit.
    let syncing = {
        let stop = stop.clone();
        let web = WebClient::logged_in(&node_b, demo::SUPPORTER).await;
        tokio::spawn(async move {
            let mut searches = 0;
            while !stop.load(Ordering::Relaxed) {
                search(&web, "adgangskode").await;
                searches += 1;
            }
            searches
        })
    };
    tokio::time::sleep(Duration::from_secs(3)).await;
    stop.store(true, Ordering::Relaxed);
    let mut acknowledged: Vec<Acknowledged> = Vec::new();
    for w in writers {
        acknowledged.extend(w.await.unwrap());
    }
    assert!(
        syncing.await.unwrap() > 0,
        "node B never searched during the load"
    );
    assert!(
        acknowledged.len() >= 8,
        "{} acknowledged",
        acknowledged.len()
    );

    for (node, web) in [("A", &search_a), ("B", &search_b)] {
        let mut missing = Vec::new();
        for a in &acknowledged {
            let hits = search(web, &a.reference).await;
            let found = hits["hits"]
                .as_array()
                .is_some_and(|h| h.iter().any(|h| h["reference"] == a.reference.as_str()));
            if !found {
                missing.push(a.reference.clone());
            }
        }
        assert!(
            missing.is_empty(),
            "node {node}'s index misses {} of {} cases, e.g. {:?}",
            missing.len(),
            acknowledged.len(),
            missing.iter().take(5).collect::<Vec<_>>()
        );
    }
}
