//! Many citizens writing in at once while the server is killed: every case the desk
//! acknowledged (a receipt with its reference) is in the database after a restart, and every
//! such citizen gets the confirmation e-mail. Writes are group-committed, so this is the test
//! that an answer never runs ahead of its commit.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use desk_tests::citizen::{not_stored, write_in_repeatedly};
use desk_tests::smtp::SmtpServer;
use desk_tests::{TestServer, WebClient};

const CLIENTS: usize = 24;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_cases_and_their_confirmations_survive_kill_9_under_load() {
    let smtp = SmtpServer::start().await;
    let smtp_url = smtp.url();
    let env = [
        ("DESK_SMTP_URL", smtp_url.as_str()),
        ("DESK_OUTBOX_RETRY_MS", "200"),
    ];
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    let server = TestServer::start_in_with(&data, &env).await;

    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let web = WebClient::new(&server);
            tokio::spawn(write_in_repeatedly(web, c, stop.clone()))
        })
        .collect();
    // Kill the server while every client has a request in flight.
    tokio::time::sleep(Duration::from_secs(3)).await;
    server.kill_hard().await;
    stop.store(true, Ordering::Relaxed);
    let mut acknowledged = Vec::new();
    for w in writers {
        acknowledged.extend(w.await.unwrap());
    }
    assert!(
        acknowledged.len() >= CLIENTS,
        "the load did not get going: {} acknowledged",
        acknowledged.len()
    );

    // Every acknowledged case is on disk with its confirmation queued …
    let missing = not_stored(&data, &acknowledged);
    assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
    let unique: BTreeSet<_> = acknowledged.iter().map(|a| &a.reference).collect();
    assert_eq!(
        unique.len(),
        acknowledged.len(),
        "a reference was given twice"
    );

    // … and after a restart every such citizen gets it (a repeat is allowed, a loss is not).
    let server = TestServer::start_in_with(&data, &env).await;
    let wanted: BTreeSet<String> = acknowledged.iter().map(|a| a.email.clone()).collect();
    let undelivered = smtp.undelivered(&wanted, 90).await;
    assert!(
        undelivered.is_empty(),
        "{} of {} confirmations never sent, e.g. {:?}",
        undelivered.len(),
        wanted.len(),
        undelivered.iter().take(5).collect::<Vec<_>>()
    );
    drop(server);
}
