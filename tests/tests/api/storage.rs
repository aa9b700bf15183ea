//! The data directory, migrations, the CLI and durability across a hard kill.

use desk_tests::hostile_support::db_count;
use desk_tests::postgres;
use desk_tests::server::run_cli;
use desk_tests::web::location;
use desk_tests::{TestServer, WebClient, demo};
use reqwest::StatusCode;

#[tokio::test]
async fn migrate_creates_the_database_in_an_empty_directory() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("nested/data");
    let (ok, out, err) = run_cli(&data, &["migrate"], "").await;
    assert!(ok, "{out}{err}");
    if postgres::active() {
        let applied = db_count(&data, "SELECT COUNT(*) FROM _sqlx_migrations");
        assert!(applied > 0, "no migration recorded");
    } else {
        assert!(data.join("desk.db").exists());
    }
    // Running it again is harmless.
    let (ok, _, err) = run_cli(&data, &["migrate"], "").await;
    assert!(ok, "{err}");

    let server = TestServer::start_in(&data).await;
    let res = WebClient::new(&server).get("/readyz").await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn user_add_reads_the_password_from_stdin_and_the_user_can_log_in() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    let (ok, out, err) = run_cli(
        &data,
        &[
            "user",
            "add",
            "--username",
            "Karen.K",
            "--role",
            "borgerservice",
            "--name",
            "Karen K",
        ],
        "a long enough secret\n",
    )
    .await;
    assert!(ok, "{out}{err}");
    assert!(out.contains("karen.k"), "{out}");

    let (ok, _, err) = run_cli(
        &data,
        &["user", "add", "--username", "karen.k", "--role", "admin"],
        "another long secret\n",
    )
    .await;
    assert!(!ok);
    assert!(err.contains("already exists"), "{err}");
    let (ok, _, err) = run_cli(
        &data,
        &["user", "add", "--username", "x1", "--role", "boss"],
        "another long secret\n",
    )
    .await;
    assert!(!ok);
    assert!(
        err.contains("3 to 32") || err.contains("unknown role"),
        "{err}"
    );
    let (ok, _, err) = run_cli(
        &data,
        &["user", "add", "--username", "shorty", "--role", "admin"],
        "short\n",
    )
    .await;
    assert!(!ok);
    assert!(err.contains("at least 12"), "{err}");

    let (ok, out, _) = run_cli(&data, &["user", "list"], "").await;
    assert!(
        ok && out.contains("karen.k") && out.contains("borgerservice"),
        "{out}"
    );

    let server = TestServer::start_in(&data).await;
    let web = WebClient::new(&server);
    let res = web.login(("KAREN.K", "a long enough secret")).await;
    assert_eq!(location(&res).as_deref(), Some("/borgerservice"));
}

#[tokio::test]
async fn an_acknowledged_login_survives_kill_9() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    let server = TestServer::start_in(&data).await;
    let web = WebClient::new(&server);
    let res = web.login(demo::ADMIN).await;
    assert_eq!(location(&res).as_deref(), Some("/admin"));
    server.kill_hard().await;

    // Same cookie jar, new process on the same data: the session row was on disk.
    let server = TestServer::start_in(&data).await;
    let res = web
        .client
        .get(format!("{}/admin", server.url))
        .header(reqwest::header::ACCEPT, "text/html")
        .send()
        .await
        .unwrap();
    // The cookie jar is keyed by host (127.0.0.1), so the old session cookie goes along.
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("Alma Administrator"));
}

#[tokio::test]
async fn seed_is_idempotent() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    let (ok, out, err) = run_cli(&data, &["seed"], "").await;
    assert!(ok, "{err}");
    assert!(out.contains("4 staff account(s) added"), "{out}");
    let (ok, out, _) = run_cli(&data, &["seed"], "").await;
    assert!(ok && out.contains("0 staff account(s) added"), "{out}");
}
