//! The supporter queue and the team lead's dashboard at 1,000,000 cases, and the intake of new
//! cases over HTTP.
//!
//! `cargo bench -p supportdesk --bench queue_and_intake` (after a release build of the server;
//! `DESK_BIN` points elsewhere). Prints tables and checks nothing; the targets on a 2-core
//! machine are a queue p99 of at most 30 ms, a 30-day dashboard p99 of at most 200 ms, and at
//! least 2,000 creations per second, with every acknowledged case in the database afterwards.
//!
//! Environment: `BENCH_CASES` (default 1,000,000), `BENCH_SECONDS` of intake (default 10),
//! `BENCH_CLIENTS` concurrent HTTP clients (default 64), `BENCH_DIR` (default a temp dir),
//! `BENCH_REUSE` (keep the database an earlier run filled in `BENCH_DIR`), `BENCH_LOG` (a file
//! for the server's log) and `BENCH_LOG_FILTER` (its `DESK_LOG`, default `warn`).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use app::domain::case_views::QueueFilter;
use app::domain::queue_order::QueueSort;
use app::domain::{Category, Channel, System};
use app::store::cases::{self, NewCase};
use app::store::{Db, case_queue};

type BenchResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> BenchResult<()> {
    let total = env_num("BENCH_CASES", 1_000_000);
    let seconds = env_num("BENCH_SECONDS", 10);
    let clients = env_num("BENCH_CLIENTS", 64);
    let temp = tempfile_dir()?;
    let dir = std::env::var_os("BENCH_DIR").map_or(temp.clone(), PathBuf::from);
    std::fs::create_dir_all(&dir)?;
    let db_path = dir.join("desk.db");
    // BENCH_REUSE keeps a database filled by an earlier run in BENCH_DIR.
    let reuse = std::env::var_os("BENCH_REUSE").is_some() && db_path.exists();
    if !reuse {
        let _ = std::fs::remove_file(&db_path);
    }

    println!("# Queue and intake benchmark: {total} cases, {clients} clients for {seconds} s\n");
    let db = Db::open(&db_path).await?;
    db.migrate().await?;
    if !reuse {
        let supporter = staff(&db).await?;
        let started = Instant::now();
        fill(&db, total, supporter).await?;
        let fill_time = started.elapsed();
        println!(
            "Filled {total} cases in {:.1} s ({:.0} cases/s, batches of 10,000 per transaction).\n",
            fill_time.as_secs_f64(),
            total as f64 / fill_time.as_secs_f64()
        );
    }
    queue_table(&db).await?;
    dashboard_table(&db).await?;
    db.close().await;

    if seconds > 0 {
        intake(&dir, seconds, clients).await?;
    }
    if std::env::var_os("BENCH_DIR").is_none() {
        let _ = std::fs::remove_dir_all(&temp);
    }
    Ok(())
}

fn tempfile_dir() -> BenchResult<PathBuf> {
    let base = std::env::temp_dir().join(format!("desk-bench-{}", std::process::id()));
    std::fs::create_dir_all(&base)?;
    Ok(base)
}

async fn staff(db: &Db) -> BenchResult<i64> {
    let hash = app::auth::password::hash("bench-supporter-2026".into()).await?;
    let id = sqlx::query_scalar::<_, i64>(
        "INSERT INTO staff_users (username, display_name, role, password_hash)
         VALUES ('supporter', 'Bench Supporter', 'supporter', $1) RETURNING id",
    )
    .bind(hash)
    .fetch_one(db.pool())
    .await?;
    Ok(id)
}

/// Cases over the last year, in every system, category and channel; a realistic share
/// still open, a third of those claimed.
async fn fill(db: &Db, total: usize, supporter: i64) -> BenchResult<()> {
    let systems = System::ALL;
    let categories = Category::ALL;
    let channels = [
        Channel::Phone,
        Channel::WebForm,
        Channel::Email,
        Channel::Counter,
    ];
    let now = time::OffsetDateTime::now_utc();
    let mut done = 0;
    while done < total {
        let batch = (total - done).min(10_000);
        let mut tx = db.begin_write().await?;
        for i in done..done + batch {
            let minutes = ((total - i) as i64 * 525_600) / total as i64;
            cases::create_in(
                &mut tx,
                NewCase {
                    subject: "Kan ikke logge ind med MitID",
                    body: "Benchmark-sag.",
                    system: systems[i % systems.len()],
                    category: categories[(i / 7) % categories.len()],
                    channel: channels[(i / 3) % channels.len()],
                    citizen: None,
                    status_token_hash: None,
                    created_by_staff: None,
                    opened_at: Some(now - time::Duration::minutes(minutes)),
                },
            )
            .await?;
        }
        tx.commit().await?;
        done += batch;
    }
    // Most old cases are done; the last few thousand are the open work.
    let open_from = total.saturating_sub(20_000) as i64;
    let mut tx = db.begin_write().await?;
    // Done cases carry what the lead's dashboard reads: a first response within four hours,
    // the resolution within two days (as RFC 3339 UTC text, as the desk writes it), and
    // four in five within their deadline.
    sqlx::query(
        "UPDATE cases SET status = CASE WHEN id % 10 = 0 THEN 'resolved' ELSE 'closed' END,
             first_response_at = strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '+' || (id % 240) || ' minutes'),
             resolved_at = strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '+' || (240 + id % 2640) || ' minutes'),
             resolved_within_sla = (id % 5 <> 0)
         WHERE id <= $1",
    )
    .bind(open_from)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE cases SET status = CASE id % 4 WHEN 0 THEN 'new' WHEN 1 THEN 'open'
             WHEN 2 THEN 'waiting_on_citizen' ELSE 'new' END,
             assignee_id = CASE WHEN id % 3 = 0 THEN $1 END
         WHERE id > $2",
    )
    .bind(supporter)
    .bind(open_from)
    .execute(&mut *tx)
    .await?;
    // The search index is not part of this benchmark.
    sqlx::query("DELETE FROM case_changes")
        .execute(&mut *tx)
        .await?;
    // A year of the help's hourly counters (what the dashboard's self-service table reads).
    sqlx::query(
        "WITH RECURSIVE h(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM h WHERE i < 8759)
         INSERT INTO kb_activity (hour, kind, n)
         SELECT strftime('%Y-%m-%dT%H', 'now', '-' || i || ' hours'), k.kind, 5 + i % 40
         FROM h, (SELECT 'searched' AS kind UNION ALL SELECT 'missed' UNION ALL SELECT 'opened'
                  UNION ALL SELECT 'wrote_in') k",
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    sqlx::query("ANALYZE").execute(db.pool()).await?;
    Ok(())
}

async fn queue_table(db: &Db) -> BenchResult<()> {
    let f = |system: Option<&str>,
             category: Option<&str>,
             status: Option<&str>,
             priority: Option<&str>,
             channel: Option<&str>,
             assignee: Option<&str>| QueueFilter {
        system: system.map(Into::into),
        category: category.map(Into::into),
        status: status.map(Into::into),
        priority: priority.map(Into::into),
        channel: channel.map(Into::into),
        assignee: assignee.map(Into::into),
        ..QueueFilter::default()
    };
    let sorted = |sort| QueueFilter {
        sort,
        ..QueueFilter::default()
    };
    let filters = [
        ("all open work", f(None, None, None, None, None, None)),
        ("urgent", f(None, None, None, Some("urgent"), None, None)),
        ("my cases", f(None, None, None, None, None, Some("me"))),
        ("unassigned", f(None, None, None, None, None, Some("none"))),
        (
            "waiting on citizen",
            f(None, None, Some("waiting_on_citizen"), None, None, None),
        ),
        (
            "system MitID",
            f(Some("mitid"), None, None, None, None, None),
        ),
        (
            "category lost means",
            f(
                None,
                Some("lost_or_stolen_login_means"),
                None,
                None,
                None,
                None,
            ),
        ),
        (
            "channel phone",
            f(None, None, None, None, Some("phone"), None),
        ),
        (
            "resolved (history)",
            f(None, None, Some("resolved"), None, None, None),
        ),
        ("open work, newest first", sorted(QueueSort::Created)),
        ("open work, by priority", sorted(QueueSort::Priority)),
        (
            "resolved, by priority",
            QueueFilter {
                sort: QueueSort::Priority,
                ..f(None, None, Some("resolved"), None, None, None)
            },
        ),
        (
            "resolved, newest first",
            QueueFilter {
                sort: QueueSort::Created,
                ..f(None, None, Some("resolved"), None, None, None)
            },
        ),
    ];
    println!("| queue filter | rows | p50 ms | p99 ms | max ms |");
    println!("|---|---|---|---|---|");
    for (name, filter) in filters {
        let mut times = Vec::with_capacity(200);
        let mut rows = 0;
        // The first page, and the tenth (keyset paging: as cheap as the first).
        let mut deep = filter.clone();
        for _ in 0..9 {
            let (_, next, _) = case_queue::queue(db, &deep, "supporter", 50).await?;
            deep.after = next;
        }
        for i in 0..200 {
            let page = if i % 2 == 0 { &filter } else { &deep };
            let t = Instant::now();
            let (_, _, count) = case_queue::queue(db, page, "supporter", 50).await?;
            times.push(t.elapsed());
            rows = count;
        }
        times.sort();
        println!(
            "| {name} | {rows} | {} | {} | {} |",
            ms(percentile(&times, 50.0)),
            ms(percentile(&times, 99.0)),
            ms(times[times.len() - 1])
        );
    }
    let mut times = Vec::with_capacity(200);
    for _ in 0..200 {
        let t = Instant::now();
        case_queue::view_counts(db, "supporter").await?;
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "| the views' live counts | – | {} | {} | {} |",
        ms(percentile(&times, 50.0)),
        ms(percentile(&times, 99.0)),
        ms(times[times.len() - 1])
    );
    println!();
    Ok(())
}

/// The team lead's whole dashboard (every section, every query) for 30 days, all systems,
/// and for one system and channel; the target is a p99 of at most 200 ms.
async fn dashboard_table(db: &Db) -> BenchResult<()> {
    use app::domain::dashboard::DashboardQuery;
    use app::domain::help_activity::Activity;
    use app::i18n::Lang;
    let queries = [
        (
            "30 days, all",
            DashboardQuery {
                period: "30d".into(),
                ..Default::default()
            },
        ),
        (
            "30 days, MitID by phone",
            DashboardQuery {
                period: "30d".into(),
                system: "mitid".into(),
                channel: "phone".into(),
                ..Default::default()
            },
        ),
        (
            "today, all",
            DashboardQuery {
                period: "today".into(),
                ..Default::default()
            },
        ),
    ];
    // Citizens keep searching while the lead looks: every read first writes what is pending.
    let help = app::store::help_counts::HelpCounts::default();
    println!("| lead dashboard (whole page) | runs | p50 ms | p99 ms | max ms |");
    println!("|---|---|---|---|---|");
    for (name, query) in queries {
        // One warm-up read, as a lead's first look after a restart would be.
        app::dashboard::build(db, &help, &query, Lang::Da).await?;
        let mut times = Vec::with_capacity(50);
        for _ in 0..50 {
            help.count(Activity::Searched);
            help.count(Activity::Opened);
            let t = Instant::now();
            app::dashboard::build(db, &help, &query, Lang::Da).await?;
            times.push(t.elapsed());
        }
        times.sort();
        println!(
            "| {name} | 50 | {} | {} | {} |",
            ms(percentile(&times, 50.0)),
            ms(percentile(&times, 99.0)),
            ms(times[times.len() - 1])
        );
    }
    println!();
    Ok(())
}

fn server_binary() -> PathBuf {
    std::env::var_os("DESK_BIN").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/release/supportdesk"),
        PathBuf::from,
    )
}

/// Starts the real server on the filled database, has `clients` citizens send the contact
/// form for `seconds`, then checks that every acknowledged case is in the database.
async fn intake(dir: &Path, seconds: usize, clients: usize) -> BenchResult<()> {
    let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/site");
    let mut child = Command::new(server_binary())
        .arg("serve")
        .env("DESK_DATA_DIR", dir)
        .env("DESK_ADDR", "127.0.0.1:0")
        .env("DESK_DEMO_DATA", "false")
        // Every client sends from 127.0.0.1: measure the writer, not the contact-form limits.
        .env("DESK_CONTACT_PER_CLIENT_PER_HOUR", "4000000000")
        .env("DESK_CONTACT_PER_RECIPIENT_PER_DAY", "4000000000")
        .env("LEPTOS_SITE_ROOT", &site)
        .env(
            "DESK_LOG",
            std::env::var("BENCH_LOG_FILTER").unwrap_or_else(|_| "warn".into()),
        )
        .stdout(Stdio::piped())
        .stderr(match std::env::var_os("BENCH_LOG") {
            Some(path) => Stdio::from(std::fs::File::create(path)?),
            None => Stdio::null(),
        })
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let (found, url) = tokio::sync::oneshot::channel();
    // Reads the URL, then keeps reading so the server never writes to a full or closed pipe.
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines().map_while(Result::ok);
        let url = lines
            .by_ref()
            .find_map(|l| l.split("running at ").nth(1).map(|u| u.trim().to_owned()));
        let _ = found.send(url);
        lines.for_each(drop);
    });
    let url = url.await?.ok_or("the server printed no URL")?;
    let before = count_cases(dir).await?;

    let acked = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds as u64);
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (url, acked, failed) = (url.clone(), acked.clone(), failed.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let http = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()?;
            let page = http.get(format!("{url}/kontakt")).send().await?;
            let cookies: Vec<String> = page
                .headers()
                .get_all(reqwest::header::SET_COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .filter_map(|v| v.split(';').next().map(str::to_owned))
                .collect();
            let html = page.text().await?;
            let token = html
                .split("name=\"csrf_token\" value=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .ok_or("no csrf token on /kontakt")?
                .to_owned();
            let mut n = 0;
            while Instant::now() < deadline {
                n += 1;
                let t = Instant::now();
                let res = http
                    .post(format!("{url}/api/contact/submit"))
                    .header(reqwest::header::COOKIE, cookies.join("; "))
                    .header(reqwest::header::ACCEPT, "text/html")
                    .form(&[
                        ("csrf_token", token.as_str()),
                        ("name", "Bench Borger"),
                        ("email", &format!("bench{c}-{n}@example.dk")),
                        ("system", "mitid"),
                        ("category", "password_or_pin"),
                        ("message", "Jeg har glemt min adgangskode til MitID."),
                    ])
                    .send()
                    .await;
                match res {
                    Ok(r) if r.status().is_redirection() || r.status().is_success() => {
                        let to = r
                            .headers()
                            .get(reqwest::header::LOCATION)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default();
                        if to.contains("kvittering") {
                            acked.fetch_add(1, Ordering::Relaxed);
                            latencies.push(t.elapsed());
                        } else {
                            failed.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    _ => {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(latencies)
        }));
    }
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await??);
    }
    let elapsed = seconds as f64;
    let _ = child.kill();
    let _ = child.wait();
    latencies.sort();
    let acked = acked.load(Ordering::Relaxed);
    let stored = count_cases(dir).await? - before;
    println!("| intake over HTTP | value |");
    println!("|---|---|");
    println!("| acknowledged creations | {acked} |");
    println!("| failed requests | {} |", failed.load(Ordering::Relaxed));
    println!("| creations per second | {:.0} |", acked as f64 / elapsed);
    println!(
        "| latency p50 / p99 ms | {} / {} |",
        ms(percentile(&latencies, 50.0)),
        ms(percentile(&latencies, 99.0))
    );
    println!("| stored after a hard stop | {stored} |");
    println!(
        "| lost (acknowledged, not stored) | {} |",
        acked.saturating_sub(stored as usize)
    );
    Ok(())
}

async fn count_cases(dir: &Path) -> BenchResult<i64> {
    let db = Db::open(&dir.join("desk.db")).await?;
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases")
        .fetch_one(db.pool())
        .await?;
    db.close().await;
    Ok(n)
}
