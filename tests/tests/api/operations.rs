//! Running the desk for real: Prometheus metrics on their own listener (parsed by a
//! Prometheus text parser), a stop on SIGTERM under load that loses nothing acknowledged and
//! does not wait on open live streams, and an online backup taken under write load that
//! restores into an empty data directory with every acknowledged case and an intact audit
//! chain.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use desk_tests::citizen::{Acknowledged, contact_form, not_stored, write_in, write_in_repeatedly};
use desk_tests::hostile_support::db_count;
use desk_tests::server::{run_cli, run_cli_with};
use desk_tests::smtp::SmtpServer;
use desk_tests::web::str_pairs;
use desk_tests::{TestServer, WebClient, demo};
use prometheus_parse::{Scrape, Value};
use reqwest::StatusCode;

/// A live stream (server-sent events) opened as `login`.
async fn live_stream(server: &TestServer, login: (&str, &str), path: &str) -> reqwest::Response {
    let staff = WebClient::logged_in(server, login).await;
    let stream = staff.client.get(staff.url(path)).send().await.unwrap();
    assert_eq!(stream.status(), StatusCode::OK, "{path}");
    stream
}

async fn scrape(url: &str) -> Scrape {
    let text = reqwest::get(url).await.unwrap().text().await.unwrap();
    Scrape::parse(text.lines().map(|l| Ok(l.to_owned()))).unwrap()
}

/// The samples of `metric` whose labels include every pair of `labels`.
fn matching<'a>(
    scrape: &'a Scrape,
    metric: &'a str,
    labels: &'a [(&'a str, &'a str)],
) -> impl Iterator<Item = &'a prometheus_parse::Sample> {
    scrape.samples.iter().filter(move |s| {
        s.metric == metric && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v))
    })
}

/// The sum of the matching counters or gauges.
fn value(scrape: &Scrape, metric: &str, labels: &[(&str, &str)]) -> f64 {
    matching(scrape, metric, labels)
        .map(|s| match &s.value {
            Value::Counter(v) | Value::Gauge(v) | Value::Untyped(v) => *v,
            other => panic!("{metric} is not a counter or gauge: {other:?}"),
        })
        .sum()
}

/// How many observations the matching histograms hold (their `+Inf` buckets).
fn observations(scrape: &Scrape, metric: &str, labels: &[(&str, &str)]) -> f64 {
    matching(scrape, metric, labels)
        .map(|s| match &s.value {
            Value::Histogram(buckets) => buckets
                .iter()
                .filter(|b| b.less_than.is_infinite())
                .map(|b| b.count)
                .sum::<f64>(),
            other => panic!("{metric} is not a histogram: {other:?}"),
        })
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prometheus_metrics_are_served_on_their_own_listener_only() {
    // Off unless asked for: nothing printed, nothing on the public listener.
    let plain = TestServer::start().await;
    assert!(plain.metrics_url.is_none());
    let res = reqwest::get(plain.at("/metrics")).await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    drop(plain);

    let server = TestServer::start_with(&[("DESK_METRICS_ADDR", "127.0.0.1:0")]).await;
    let metrics_url = server
        .metrics_url
        .clone()
        .expect("the metrics URL is printed");
    assert_ne!(
        url::Url::parse(&metrics_url).unwrap().port(),
        url::Url::parse(&server.url).unwrap().port(),
        "metrics have a listener of their own"
    );
    let res = reqwest::get(server.at("/metrics")).await.unwrap();
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "never on the public side"
    );

    // Traffic: pages, a stranger's path, a help search, a case written in, a wrong password,
    // a console with its live stream open.
    let citizen = WebClient::new(&server);
    assert_eq!(citizen.page("/kontakt").await.0, StatusCode::OK);
    citizen.page("/soeg?q=mistet+telefon").await;
    let hostile = "/x/%22%3E%3Csvg%20onload%3Dalert(1)%3E";
    assert_eq!(citizen.page(hostile).await.0, StatusCode::NOT_FOUND);
    write_in(&server, &contact_form(&[])).await;
    let guesser = WebClient::new(&server);
    guesser.login((demo::SUPPORTER.0, "not-the-password")).await;
    let console = live_stream(&server, demo::SUPPORTER, "/support/events").await;

    let res = reqwest::get(&metrics_url).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()[reqwest::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let m = scrape(&metrics_url).await;
    let http = "desk_http_request_duration_seconds";
    let kontakt = [("method", "GET"), ("route", "/kontakt"), ("status", "200")];
    assert!(observations(&m, http, &kontakt) >= 1.0, "{:?}", m.samples);
    assert!(observations(&m, http, &[("route", "(unmatched)"), ("status", "404")]) >= 1.0);
    assert!(
        m.samples.iter().all(|s| s
            .labels
            .values()
            .all(|v| !v.contains("svg") && !v.contains("/x/"))),
        "a stranger's path never becomes a label"
    );
    assert!(
        observations(
            &m,
            http,
            &[("route", "/api/contact/submit"), ("method", "POST")]
        ) >= 1.0
    );
    assert!(value(&m, "desk_login_failures_total", &[("reason", "password")]) >= 1.0);
    assert!(observations(&m, "desk_search_duration_seconds", &[("index", "help")]) >= 1.0);
    assert!(observations(&m, "desk_group_commit_batch_size", &[]) >= 1.0);
    assert!(observations(&m, "desk_group_commit_wait_seconds", &[]) >= 1.0);
    assert_eq!(value(&m, "desk_sse_clients", &[("stream", "console")]), 1.0);

    // The database's figures, against the database itself.
    let data = server.data_dir();
    for (system, name) in [("mitid", "MitID"), ("digital-post", "Digital Post")] {
        for priority in ["urgent", "high", "normal", "low"] {
            let expected = db_count(
                data,
                &format!(
                    "SELECT COUNT(*) FROM cases WHERE system = '{name}' AND priority = '{priority}'
                     AND status IN ('new', 'open', 'waiting_on_citizen')"
                ),
            );
            let labels = [("system", system), ("priority", priority)];
            assert_eq!(
                matching(&m, "desk_open_cases", &labels).count(),
                1,
                "every system and priority has its series, zero included"
            );
            let expected = expected as f64;
            assert_eq!(
                value(&m, "desk_open_cases", &labels),
                expected,
                "{labels:?}"
            );
        }
    }
    let failed = db_count(data, "SELECT COUNT(*) FROM outbox WHERE state = 'failed'");
    let failed = failed as f64;
    assert_eq!(
        value(&m, "desk_outbox_failed", &[("channel", "email")])
            + value(&m, "desk_outbox_failed", &[("channel", "registry")]),
        failed
    );
    assert_eq!(matching(&m, "desk_outbox_backlog", &[]).count(), 2);
    let urgent_waiting = db_count(
        data,
        "SELECT COUNT(*) FROM cases WHERE priority = 'urgent' AND first_response_at IS NULL
         AND status IN ('new', 'open', 'waiting_on_citizen')",
    );
    let oldest = value(&m, "desk_oldest_unanswered_urgent_seconds", &[]);
    assert_eq!(
        urgent_waiting == 0,
        oldest == 0.0,
        "{urgent_waiting} waiting, {oldest} s"
    );
    assert!(
        m.docs.contains_key("desk_open_cases"),
        "every metric is described"
    );

    // A console that goes away is no longer counted.
    drop(console);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let m = scrape(&metrics_url).await;
        if value(&m, "desk_sse_clients", &[("stream", "console")]) == 0.0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the closed stream is still counted"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

const WRITERS: usize = 12;

fn start_writers(
    server: &TestServer,
    stop: &Arc<AtomicBool>,
) -> Vec<tokio::task::JoinHandle<Vec<Acknowledged>>> {
    (0..WRITERS)
        .map(|c| {
            let web = WebClient::new(server);
            tokio::spawn(write_in_repeatedly(web, c, stop.clone()))
        })
        .collect()
}

async fn collect(writers: Vec<tokio::task::JoinHandle<Vec<Acknowledged>>>) -> Vec<Acknowledged> {
    let mut all = Vec::new();
    for w in writers {
        all.extend(w.await.unwrap());
    }
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_under_load_ends_live_streams_and_loses_nothing_acknowledged() {
    let smtp = SmtpServer::start().await;
    let settings = smtp.desk_env();
    let env = str_pairs(&settings);
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    let server = TestServer::start_in_with(&data, &env).await;
    let url = server.url.clone();

    // A console and a dashboard with their live streams open: a stop must not wait on them.
    let mut console = live_stream(&server, demo::SUPPORTER, "/support/events").await;
    let mut dashboard = live_stream(&server, demo::LEAD, "/leder/events").await;

    let stop = Arc::new(AtomicBool::new(false));
    let writers = start_writers(&server, &stop);
    tokio::time::sleep(Duration::from_secs(2)).await;
    server.terminate();

    for (name, stream) in [("console", &mut console), ("dashboard", &mut dashboard)] {
        let ended = tokio::time::timeout(Duration::from_secs(60), async {
            while let Ok(Some(_)) = stream.chunk().await {}
        })
        .await;
        assert!(
            ended.is_ok(),
            "the {name}'s live stream was not ended by the stop"
        );
    }
    let status = server.wait_for_exit(60).await;
    assert!(
        status.success(),
        "a stop on SIGTERM exits cleanly: {status}"
    );
    stop.store(true, Ordering::Relaxed);
    let acknowledged = collect(writers).await;
    assert!(
        acknowledged.len() >= WRITERS,
        "the load did not get going: {} acknowledged",
        acknowledged.len()
    );
    assert!(
        reqwest::get(&url).await.is_err(),
        "nothing listens after the stop"
    );

    // Every acknowledged case is on disk with its confirmation queued, and the database was
    // closed: its write-ahead log folded in and removed.
    let missing = not_stored(&data, &acknowledged);
    assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
    assert!(
        !data.join("desk.db-wal").exists(),
        "the database was not closed cleanly"
    );

    // After a restart every such citizen gets the confirmation.
    let server = TestServer::start_in_with(&data, &env).await;
    let wanted: BTreeSet<String> = acknowledged.iter().map(|a| a.email.clone()).collect();
    let undelivered = smtp.undelivered(&wanted, 90).await;
    assert!(undelivered.is_empty(), "never sent: {undelivered:?}");
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_under_write_load_restores_every_acknowledged_case_and_the_audit_chain() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    let server = TestServer::start_in(&data).await;
    // One case to find through the rebuilt search index, and audited staff work.
    let (marked, _) = write_in(
        &server,
        &contact_form(&[(
            "message",
            "Min regnbueørred har spist mit nøglekort til MitID.",
        )]),
    )
    .await;
    let supporter = WebClient::logged_in(&server, demo::SUPPORTER).await;
    let (status, _) = supporter.page(&format!("/support/sag/{marked}")).await;
    assert_eq!(status, StatusCode::OK);

    let stop = Arc::new(AtomicBool::new(false));
    let writers = start_writers(&server, &stop);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // A file name with a space and quotes: a name is a value, never SQL.
    let file = temp.path().join("desk backup 'nat'.db");
    let file_arg = file.to_str().unwrap();
    let backup_started = Instant::now();
    let (ok, out, err) = run_cli(&data, &["backup", file_arg], "").await;
    assert!(ok, "backup failed: {out} {err}");
    assert!(
        out.contains("Backup written to") && out.contains("keys"),
        "{out}"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    let acknowledged = collect(writers).await;
    drop(server);

    let before: Vec<&Acknowledged> = acknowledged
        .iter()
        .filter(|a| a.at < backup_started)
        .collect();
    assert!(
        !before.is_empty(),
        "the load did not get going before the backup"
    );
    assert!(!temp.path().join("desk backup 'nat'.db.partial").exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "a backup holds personal data: owner only");
    }

    // Restore into an empty data directory, the CPR key put back first.
    let restored = temp.path().join("restored");
    std::fs::create_dir_all(restored.join("keys")).unwrap();
    std::fs::copy(data.join("keys/cpr.key"), restored.join("keys/cpr.key")).unwrap();
    let (ok, out, err) = run_cli(&restored, &["restore", file_arg], "").await;
    assert!(ok, "restore failed: {out} {err}");
    assert!(
        out.contains("Case index rebuilt") && out.contains("The audit log is intact"),
        "{out}"
    );
    let lost = not_stored(&restored, before.iter().copied());
    assert!(
        lost.is_empty(),
        "{} of {} cases acknowledged before the backup are not in it: {lost:?}",
        lost.len(),
        before.len()
    );
    let (ok, out, _) = run_cli(&restored, &["audit", "verify"], "").await;
    assert!(ok && out.contains("intact"), "{out}");

    // The restored desk serves, and its search index finds the marked case.
    let server = TestServer::start_in(&restored).await;
    let supporter = WebClient::logged_in(&server, demo::SUPPORTER).await;
    let (status, html) = supporter.page("/support/soeg?q=regnbueørred").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&marked), "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_and_restore_refuse_what_would_lose_or_mix_data() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    let server = TestServer::start_in(&data).await;
    let file = temp.path().join("first.db");
    let file_arg = file.to_str().unwrap();
    let (ok, out, err) = run_cli(&data, &["backup", file_arg], "").await;
    assert!(ok, "{out} {err}");
    let bytes = std::fs::read(&file).unwrap();

    // Never over an existing file.
    let (ok, _, err) = run_cli(&data, &["backup", file_arg], "").await;
    assert!(!ok && err.contains("already exists"), "{err}");
    assert_eq!(std::fs::read(&file).unwrap(), bytes);
    // Nothing to back up where there is no database (and none is created).
    let nowhere = temp.path().join("nowhere");
    let (ok, _, err) = run_cli(&nowhere, &["backup", "x.db"], "").await;
    assert!(!ok && err.contains("no database"), "{err}");
    assert!(!nowhere.join("desk.db").exists());
    // Never over a live database.
    let (ok, _, err) = run_cli(&data, &["restore", file_arg], "").await;
    assert!(!ok && err.contains("already holds a database"), "{err}");
    drop(server);

    let tries = [
        // The backup holds sealed CPR numbers and no key is in place.
        ("no key", vec![], file.clone(), "no CPR key is in place"),
        (
            "another installation's key",
            vec![(
                "DESK_CPR_KEY",
                "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            )],
            file.clone(),
            "does not open",
        ),
    ];
    for (what, env, backup, expected) in tries {
        let empty = temp
            .path()
            .join(format!("empty-{}", what.replace(' ', "-")));
        let arg = backup.to_str().unwrap().to_owned();
        let (ok, _, err) = run_cli_with(&empty, &env, &["restore", &arg], "").await;
        assert!(!ok && err.contains(expected), "{what}: {err}");
        assert!(
            !empty.join("desk.db").exists(),
            "{what}: nothing put in place"
        );
    }

    // Files that are not a backup of this desk.
    let garbage = temp.path().join("garbage.db");
    std::fs::write(
        &garbage,
        b"\0\xff</title>\r\nnot a database at all".repeat(200),
    )
    .unwrap();
    let other = temp.path().join("other.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x INTEGER);")
        .unwrap();
    let newer = temp.path().join("newer.db");
    std::fs::copy(&file, &newer).unwrap();
    rusqlite::Connection::open(&newer)
        .unwrap()
        .execute(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
             VALUES (99991231000000, 'from the future', 1, x'00', 0)",
            [],
        )
        .unwrap();
    for (backup, expected) in [
        (&garbage, "is not a database file the desk can read"),
        (&other, "not a desk database"),
        (&newer, "newer version of the desk"),
        (&temp.path().join("missing.db"), "no backup file"),
    ] {
        let empty = temp.path().join("empty");
        let arg = backup.to_str().unwrap();
        let (ok, _, err) = run_cli(&empty, &["restore", arg], "").await;
        assert!(!ok && err.contains(expected), "{arg}: {err}");
        assert!(
            !empty.join("desk.db").exists(),
            "{arg}: nothing put in place"
        );
    }
}

#[test]
fn the_systemd_unit_verifies_and_scores_as_hardened() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let unit = std::fs::read_to_string(root.join("deploy/supportdesk.service")).unwrap();
    // The binary under test stands in for the installed one; the settings file may be absent.
    let unit = unit
        .replace(
            "/opt/supportdesk/supportdesk",
            desk_tests::server::binary().to_str().unwrap(),
        )
        .replace(
            "EnvironmentFile=/etc/supportdesk/env",
            "EnvironmentFile=-/etc/supportdesk/env",
        );
    let temp = tempfile::tempdir().unwrap();
    let path = temp.path().join("supportdesk.service");
    std::fs::write(&path, unit).unwrap();
    let path = path.to_str().unwrap();
    let verify = std::process::Command::new("systemd-analyze")
        .args(["verify", path])
        .output()
        .expect("systemd-analyze (Debian's systemd package)");
    let complaints = String::from_utf8_lossy(&verify.stderr);
    assert!(
        verify.status.success() && complaints.trim().is_empty(),
        "{complaints}"
    );
    // systemd's own exposure score, 0 (locked down) to 10: "OK" is below 2.
    let security = std::process::Command::new("systemd-analyze")
        .args(["security", "--offline=true", "--threshold=20", path])
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&security.stdout);
    assert!(security.status.success(), "exposure above 2.0:\n{report}");
}

/// The contact form's server function called as a script would, as the client at `xff`
/// (the header a proxy adds).
async fn contact_as(web: &WebClient, xff: &str, email: &str) -> StatusCode {
    let token = web.csrf_token_on("/kontakt").await;
    let fields = desk_tests::web::with_token(&token, &contact_form(&[("email", email)]));
    web.client
        .post(web.url("/api/contact/submit"))
        .header("x-forwarded-for", xff)
        .header(reqwest::header::ACCEPT, "application/json")
        .form(&fields)
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_citizen_has_their_own_limit() {
    let limits = [
        ("DESK_CONTACT_PER_CLIENT_PER_HOUR", "2"),
        ("DESK_CONTACT_PER_RECIPIENT_PER_DAY", "100"),
    ];
    // The desk behind a proxy on 127.0.0.1: the proxy's X-Forwarded-For names the client.
    let mut env = limits.to_vec();
    env.push(("DESK_TRUSTED_PROXIES", "127.0.0.1"));
    let server = TestServer::start_with(&env).await;
    let web = WebClient::new(&server);
    for i in 0..2 {
        let status = contact_as(&web, "203.0.113.7", &format!("a{i}@example.dk")).await;
        assert!(status.is_success(), "{status}");
    }
    let over = contact_as(&web, "203.0.113.7", "a9@example.dk").await;
    assert_eq!(over, StatusCode::TOO_MANY_REQUESTS);
    // Another citizen behind the same proxy is served; a citizen's own claim further left
    // in the header changes nothing (the proxy appended the real address).
    assert!(
        contact_as(&web, "203.0.113.8", "b@example.dk")
            .await
            .is_success()
    );
    let claimed = contact_as(&web, "198.51.100.1, 203.0.113.7", "a10@example.dk").await;
    assert_eq!(claimed, StatusCode::TOO_MANY_REQUESTS);
    // Hostile values name no client: the peer (the proxy) is counted instead.
    for hostile in [
        "\"><svg onload=alert(1)>",
        "</title>",
        "203.0.113.9, unknown",
    ] {
        let status = contact_as(&web, hostile, "c@example.dk").await;
        assert!(!status.is_server_error(), "{hostile}: {status}");
    }
    drop(server);

    // Without trusted proxies the header is a stranger's word: ignored.
    let server = TestServer::start_with(&limits).await;
    let web = WebClient::new(&server);
    for (i, xff) in ["203.0.113.1", "203.0.113.2"].into_iter().enumerate() {
        let status = contact_as(&web, xff, &format!("d{i}@example.dk")).await;
        assert!(status.is_success(), "{status}");
    }
    let third = contact_as(&web, "203.0.113.3", "d3@example.dk").await;
    assert_eq!(
        third,
        StatusCode::TOO_MANY_REQUESTS,
        "one client, whatever it claims"
    );
}
