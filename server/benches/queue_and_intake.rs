//! The supporter queue and the team lead's dashboard at 1,000,000 cases, and the intake of new
//! cases over HTTP, on the embedded SQLite and on PostgreSQL, printed side by side.
//!
//! `bash .ci/desk bench` builds the release, starts a private PostgreSQL cluster and runs this;
//! by hand: `cargo bench -p supportdesk --bench queue_and_intake` after a release build of the
//! server (`DESK_BIN` points elsewhere), with `BENCH_PG_URL` naming a PostgreSQL cluster on
//! which the bench may create (and drop) the database `desk_bench`. Without `BENCH_PG_URL`
//! only SQLite runs. Prints tables and checks nothing; the targets on a 2-core machine are a
//! queue p99 of at most 30 ms on either engine, a 30-day dashboard p99 of at most 200 ms, at
//! least 2,000 creations per second on SQLite and 1,500 on PostgreSQL with one node, with every
//! acknowledged case in the database afterwards.
//!
//! Environment: `BENCH_CASES` (default 1,000,000), `BENCH_SECONDS` of intake (default 10),
//! `BENCH_CLIENTS` concurrent HTTP clients (default 64), `BENCH_ENGINES` (default
//! `sqlite,postgres`), `BENCH_DIR` (default a temp dir), `BENCH_REUSE` (keep the databases an
//! earlier run filled), `BENCH_LOG` (a file prefix for the servers' logs) and
//! `BENCH_LOG_FILTER` (their `DESK_LOG`, default `warn`).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use app::domain::case_views::QueueFilter;
use app::domain::queue_order::QueueSort;
use app::domain::{Category, Channel, System};
use app::store::cases::{self, NewCase};
use app::store::db::Backend;
use app::store::{Db, case_queue};

type BenchResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// The CPR key the PostgreSQL nodes share (nodes of one desk must not each make their own).
const BENCH_CPR_KEY: &str = "ZGVzay1iZW5jaC1jcHIta2V5LW9mLTMyLWJ5dGVzISE=";
const PG_DATABASE: &str = "desk_bench";

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

/// Where one engine's desk keeps its data.
struct Engine {
    backend: Backend,
    /// What `Db::connect` and the server's `DESK_DATABASE_URL` take.
    url: String,
    dir: PathBuf,
}

impl Engine {
    fn name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// One measured query: p50, p99 and max over its runs.
#[derive(Clone)]
struct Timing {
    rows: Option<i64>,
    p50: Duration,
    p99: Duration,
    max: Duration,
}

impl Timing {
    fn of(mut times: Vec<Duration>, rows: Option<i64>) -> Self {
        times.sort();
        Self {
            rows,
            p50: percentile(&times, 50.0),
            p99: percentile(&times, 99.0),
            max: times.last().copied().unwrap_or_default(),
        }
    }
}

struct Intake {
    acked: usize,
    failed: usize,
    seconds: f64,
    p50: Duration,
    p99: Duration,
    stored: i64,
}

impl Intake {
    fn per_second(&self) -> f64 {
        self.acked as f64 / self.seconds
    }
    fn lost(&self) -> usize {
        self.acked
            .saturating_sub(usize::try_from(self.stored).unwrap_or(0))
    }
}

/// Everything measured on one engine, in the order it was measured.
#[derive(Default)]
struct Report {
    fill: Option<Duration>,
    queue: Vec<(String, Timing)>,
    dashboard: Vec<(String, Timing)>,
    intake: BTreeMap<usize, Intake>,
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> BenchResult<()> {
    let total = env_num("BENCH_CASES", 1_000_000);
    let seconds = env_num("BENCH_SECONDS", 10);
    let clients = env_num("BENCH_CLIENTS", 64);
    let reuse = std::env::var_os("BENCH_REUSE").is_some();
    let temp = std::env::temp_dir().join(format!("desk-bench-{}", std::process::id()));
    let dir = std::env::var_os("BENCH_DIR").map_or(temp.clone(), PathBuf::from);
    let wanted = std::env::var("BENCH_ENGINES").unwrap_or_else(|_| "sqlite,postgres".into());
    let pg_url = std::env::var("BENCH_PG_URL").ok();

    println!("# Queue and intake benchmark: {total} cases, {clients} clients for {seconds} s\n");
    let mut engines = Vec::new();
    if wanted.contains("sqlite") {
        let dir = dir.join("sqlite");
        std::fs::create_dir_all(&dir)?;
        let path = dir.join("desk.db");
        engines.push(Engine {
            backend: Backend::Sqlite,
            url: format!("sqlite://{}", path.display()),
            dir,
        });
    }
    if wanted.contains("postgres") {
        match &pg_url {
            Some(cluster) => {
                let dir = dir.join("postgres");
                std::fs::create_dir_all(&dir)?;
                engines.push(Engine {
                    backend: Backend::Postgres,
                    url: pg_database(cluster, reuse).await?,
                    dir,
                });
            }
            None => println!(
                "PostgreSQL skipped: set BENCH_PG_URL to a cluster, or run `bash .ci/desk bench`.\n"
            ),
        }
    }

    let mut reports = Vec::new();
    for engine in &engines {
        println!("## {}\n", engine.name());
        reports.push(run_engine(engine, total, seconds, clients, reuse).await?);
    }
    side_by_side(&engines, &reports);
    if std::env::var_os("BENCH_DIR").is_none() {
        let _ = std::fs::remove_dir_all(&temp);
    }
    Ok(())
}

/// Creates the bench's database on the cluster (sorting text by code point, as the desk
/// needs) and returns its URL; with `reuse`, an existing one is kept.
async fn pg_database(cluster: &str, reuse: bool) -> BenchResult<String> {
    let admin = Db::connect(cluster).await?;
    let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
        .bind(PG_DATABASE)
        .fetch_optional(admin.pool())
        .await?;
    if !(reuse && exists.is_some()) {
        sqlx::query(&format!(
            "DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)"
        ))
        .execute(admin.pool())
        .await?;
        sqlx::query(&format!(
            "CREATE DATABASE {PG_DATABASE} TEMPLATE template0 ENCODING 'UTF8' \
             LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        ))
        .execute(admin.pool())
        .await?;
    }
    admin.close().await;
    let mut url = url::Url::parse(cluster)?;
    url.set_path(PG_DATABASE);
    Ok(url.to_string())
}

async fn run_engine(
    engine: &Engine,
    total: usize,
    seconds: usize,
    clients: usize,
    reuse: bool,
) -> BenchResult<Report> {
    if engine.backend == Backend::Sqlite && !reuse {
        for file in ["desk.db", "desk.db-wal", "desk.db-shm"] {
            let _ = std::fs::remove_file(engine.dir.join(file));
        }
    }
    let mut report = Report::default();
    let db = Db::connect(&engine.url).await?;
    db.migrate().await?;
    if count_cases(&db).await? == 0 {
        let supporter = staff(&db).await?;
        let started = Instant::now();
        fill(&db, total, supporter).await?;
        let fill_time = started.elapsed();
        println!(
            "Filled {total} cases in {:.1} s ({:.0} cases/s, batches of 10,000 per transaction).\n",
            fill_time.as_secs_f64(),
            total as f64 / fill_time.as_secs_f64()
        );
        report.fill = Some(fill_time);
    }
    report.queue = queue_table(&db).await?;
    report.dashboard = dashboard_table(&db).await?;
    db.close().await;

    if seconds > 0 {
        let node_counts: &[usize] = match engine.backend {
            // One process owns the SQLite file: there is no second node to start.
            Backend::Sqlite => &[1],
            Backend::Postgres => &[1, 2],
        };
        for &nodes in node_counts {
            let result = intake(engine, nodes, seconds, clients).await?;
            print_intake(nodes, &result);
            report.intake.insert(nodes, result);
        }
    }
    Ok(report)
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
    // four in five within their deadline. The date arithmetic differs per engine.
    let (first_response, resolved) = match db.backend() {
        Backend::Sqlite => (
            "strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '+' || (id % 240) || ' minutes')",
            "strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '+' || (240 + id % 2640) || ' minutes')",
        ),
        Backend::Postgres => (
            "to_char((created_at::timestamptz AT TIME ZONE 'UTC') + (id % 240) * interval '1 minute',
                     'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
            "to_char((created_at::timestamptz AT TIME ZONE 'UTC') + (240 + id % 2640) * interval '1 minute',
                     'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
        ),
    };
    sqlx::query(&format!(
        "UPDATE cases SET status = CASE WHEN id % 10 = 0 THEN 'resolved' ELSE 'closed' END,
             first_response_at = {first_response},
             resolved_at = {resolved},
             resolved_within_sla = CASE WHEN id % 5 <> 0 THEN 1 ELSE 0 END
         WHERE id <= $1"
    ))
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
    sqlx::query(match db.backend() {
        Backend::Sqlite => {
            "WITH RECURSIVE h(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM h WHERE i < 8759)
             INSERT INTO kb_activity (hour, kind, n)
             SELECT strftime('%Y-%m-%dT%H', 'now', '-' || i || ' hours'), k.kind, 5 + i % 40
             FROM h, (SELECT 'searched' AS kind UNION ALL SELECT 'missed' UNION ALL SELECT 'opened'
                      UNION ALL SELECT 'wrote_in') k"
        }
        Backend::Postgres => {
            "INSERT INTO kb_activity (hour, kind, n)
             SELECT to_char((now() AT TIME ZONE 'UTC') - i * interval '1 hour', 'YYYY-MM-DD\"T\"HH24'),
                    k.kind, 5 + i % 40
             FROM generate_series(0, 8759) AS h(i),
                  (VALUES ('searched'), ('missed'), ('opened'), ('wrote_in')) AS k(kind)"
        }
    })
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    // What a running desk's database would have by now: fresh statistics and, on PostgreSQL,
    // the visibility map its autovacuum keeps after a bulk update (index-only scans rely on it).
    let tidy = match db.backend() {
        Backend::Sqlite => "ANALYZE",
        Backend::Postgres => "VACUUM ANALYZE",
    };
    sqlx::raw_sql(tidy).execute(db.pool()).await?;
    Ok(())
}

async fn queue_table(db: &Db) -> BenchResult<Vec<(String, Timing)>> {
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
    let mut table = Vec::new();
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
        let timing = Timing::of(times, Some(rows));
        print_row(name, &timing);
        table.push((name.to_owned(), timing));
    }
    let mut times = Vec::with_capacity(200);
    for _ in 0..200 {
        let t = Instant::now();
        case_queue::view_counts(db, "supporter").await?;
        times.push(t.elapsed());
    }
    let timing = Timing::of(times, None);
    print_row("the views' live counts", &timing);
    table.push(("the views' live counts".to_owned(), timing));
    println!();
    Ok(table)
}

fn print_row(name: &str, t: &Timing) {
    let rows = t.rows.map_or("–".to_owned(), |r| r.to_string());
    println!(
        "| {name} | {rows} | {} | {} | {} |",
        ms(t.p50),
        ms(t.p99),
        ms(t.max)
    );
}

/// The team lead's whole dashboard (every section, every query) for 30 days, all systems,
/// and for one system and channel; the target is a p99 of at most 200 ms.
async fn dashboard_table(db: &Db) -> BenchResult<Vec<(String, Timing)>> {
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
    let mut table = Vec::new();
    println!("| lead dashboard (whole page), 50 runs | rows | p50 ms | p99 ms | max ms |");
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
        let timing = Timing::of(times, None);
        print_row(name, &timing);
        table.push((name.to_owned(), timing));
    }
    println!();
    Ok(table)
}

fn server_binary() -> PathBuf {
    std::env::var_os("DESK_BIN").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/release/supportdesk"),
        PathBuf::from,
    )
}

/// One desk node: the real server on the engine's database, with a data directory of its own
/// (a node keeps only its search indexes there on PostgreSQL).
struct Node {
    child: Child,
    url: String,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_node(engine: &Engine, n: usize) -> BenchResult<Node> {
    let site = std::env::var_os("DESK_SITE_ROOT").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/site"),
        PathBuf::from,
    );
    let mut cmd = Command::new(server_binary());
    cmd.arg("serve")
        .env("DESK_ADDR", "127.0.0.1:0")
        .env("DESK_DEMO_DATA", "false")
        // The load balancer of a real deployment: it names each citizen's own address.
        .env("DESK_TRUSTED_PROXIES", "127.0.0.1")
        // Measure the writer, not the contact-form limits (they are still counted).
        .env("DESK_CONTACT_PER_CLIENT_PER_HOUR", "4000000000")
        .env("DESK_CONTACT_PER_RECIPIENT_PER_DAY", "4000000000")
        .env("LEPTOS_SITE_ROOT", &site)
        .env(
            "DESK_LOG",
            std::env::var("BENCH_LOG_FILTER").unwrap_or_else(|_| "warn".into()),
        )
        .stdout(Stdio::piped())
        .stderr(match std::env::var_os("BENCH_LOG") {
            Some(prefix) => {
                let mut path = prefix;
                path.push(format!("-{}-node{n}.log", engine.name()));
                Stdio::from(std::fs::File::create(path)?)
            }
            None => Stdio::null(),
        });
    match engine.backend {
        Backend::Sqlite => {
            cmd.env("DESK_DATA_DIR", &engine.dir);
        }
        Backend::Postgres => {
            let dir = engine.dir.join(format!("node-{n}"));
            std::fs::create_dir_all(&dir)?;
            cmd.env("DESK_DATA_DIR", dir)
                .env("DESK_DATABASE_URL", &engine.url)
                .env("DESK_CPR_KEY", BENCH_CPR_KEY);
        }
    }
    let mut child = cmd.spawn()?;
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
    // Owned by a Node from here on, so an early return still stops the server.
    let mut node = Node {
        child,
        url: String::new(),
    };
    node.url = url.await?.ok_or_else(|| {
        format!(
            "{} node {n} printed no URL (BENCH_LOG=<file prefix> keeps its log)",
            engine.name()
        )
    })?;
    Ok(node)
}

/// Starts `nodes` desk nodes on the engine's database, has `clients` citizens (spread over the
/// nodes) send the contact form for `seconds`, stops every node hard, then counts how many
/// acknowledged cases are in the database.
async fn intake(
    engine: &Engine,
    nodes: usize,
    seconds: usize,
    clients: usize,
) -> BenchResult<Intake> {
    if engine.backend == Backend::Postgres {
        fresh_nodes(engine).await?;
    }
    let mut running = Vec::new();
    for n in 0..nodes {
        running.push(start_node(engine, n).await?);
    }
    let db = Db::connect(&engine.url).await?;
    let before = count_cases(&db).await?;

    let acked = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds as u64);
    let mut tasks = Vec::new();
    for c in 0..clients {
        let url = running[c % nodes].url.clone();
        let (acked, failed) = (acked.clone(), failed.clone());
        tasks.push(tokio::spawn(citizen(url, c, deadline, acked, failed)));
    }
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await??);
    }
    // A hard stop (SIGKILL), as a crash would be: what was acknowledged must be stored.
    drop(running);
    latencies.sort();
    let stored = count_cases(&db).await? - before;
    db.close().await;
    Ok(Intake {
        acked: acked.load(Ordering::Relaxed),
        failed: failed.load(Ordering::Relaxed),
        seconds: seconds as f64,
        p50: percentile(&latencies, 50.0),
        p99: percentile(&latencies, 99.0),
        stored,
    })
}

/// Every intake run starts its nodes as a running desk would be: each node's search index
/// current with the change log (here: both empty), not catching up on an earlier run's cases.
async fn fresh_nodes(engine: &Engine) -> BenchResult<()> {
    for entry in std::fs::read_dir(&engine.dir)? {
        let path = entry?.path();
        if path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("node-"))
        {
            std::fs::remove_dir_all(path)?;
        }
    }
    let db = Db::connect(&engine.url).await?;
    sqlx::query("DELETE FROM case_changes")
        .execute(db.pool())
        .await?;
    sqlx::query("DELETE FROM index_readers")
        .execute(db.pool())
        .await?;
    db.close().await;
    Ok(())
}

/// One citizen sending the contact form again and again until `deadline`.
async fn citizen(
    url: String,
    c: usize,
    deadline: Instant,
    acked: Arc<AtomicUsize>,
    failed: Arc<AtomicUsize>,
) -> BenchResult<Vec<Duration>> {
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
    // Each citizen from an address of their own, as the load balancer reports it.
    let address = format!("10.{}.{}.{}", c / 62_500, (c / 250) % 250, c % 250 + 1);
    let mut n = 0;
    while Instant::now() < deadline {
        n += 1;
        let t = Instant::now();
        let res = http
            .post(format!("{url}/api/contact/submit"))
            .header(reqwest::header::COOKIE, cookies.join("; "))
            .header(reqwest::header::ACCEPT, "text/html")
            .header("x-forwarded-for", &address)
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
        let receipt = res.ok().filter(|r| {
            r.headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|to| to.contains("kvittering"))
        });
        if receipt.is_some() {
            acked.fetch_add(1, Ordering::Relaxed);
            latencies.push(t.elapsed());
        } else {
            failed.fetch_add(1, Ordering::Relaxed);
        }
    }
    Ok(latencies)
}

fn print_intake(nodes: usize, r: &Intake) {
    println!("| intake over HTTP, {nodes} node(s) | value |");
    println!("|---|---|");
    println!("| acknowledged creations | {} |", r.acked);
    println!("| failed requests | {} |", r.failed);
    println!("| creations per second | {:.0} |", r.per_second());
    println!("| latency p50 / p99 ms | {} / {} |", ms(r.p50), ms(r.p99));
    println!("| stored after a hard stop | {} |", r.stored);
    println!("| lost (acknowledged, not stored) | {} |", r.lost());
    println!();
}

async fn count_cases(db: &Db) -> BenchResult<i64> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases")
        .fetch_one(db.pool())
        .await?;
    Ok(n)
}

/// Every engine's numbers in one table per part: p50 / p99 ms per engine.
fn side_by_side(engines: &[Engine], reports: &[Report]) {
    if engines.len() < 2 {
        return;
    }
    let names: Vec<&str> = engines.iter().map(Engine::name).collect();
    println!("## Side by side\n");
    let header = |first: &str| {
        let mut line = format!("| {first} |");
        let mut rule = "|---|".to_owned();
        for name in &names {
            line.push_str(&format!(" {name} p50 / p99 ms |"));
            rule.push_str("---|");
        }
        println!("{line}\n{rule}");
    };
    let part = |title: &str, pick: fn(&Report) -> &Vec<(String, Timing)>| {
        header(title);
        let Some(first) = reports.first() else { return };
        for (i, (name, _)) in pick(first).iter().enumerate() {
            let mut line = format!("| {name} |");
            for report in reports {
                match pick(report).get(i) {
                    Some((_, t)) => line.push_str(&format!(" {} / {} |", ms(t.p50), ms(t.p99))),
                    None => line.push_str(" – |"),
                }
            }
            println!("{line}");
        }
        println!();
    };
    part("queue at the filled size", |r| &r.queue);
    part("lead dashboard", |r| &r.dashboard);

    let mut columns = Vec::new();
    for (engine, report) in engines.iter().zip(reports) {
        for (nodes, intake) in &report.intake {
            columns.push((format!("{} × {nodes}", engine.name()), intake));
        }
    }
    if columns.is_empty() {
        return;
    }
    let mut line = "| intake (nodes) |".to_owned();
    let mut rule = "|---|".to_owned();
    for (name, _) in &columns {
        line.push_str(&format!(" {name} |"));
        rule.push_str("---|");
    }
    println!("{line}\n{rule}");
    type Cell = fn(&Intake) -> String;
    let rows: [(&str, Cell); 5] = [
        ("creations per second", |i| format!("{:.0}", i.per_second())),
        ("latency p50 / p99 ms", |i| {
            format!("{} / {}", ms(i.p50), ms(i.p99))
        }),
        ("acknowledged", |i| i.acked.to_string()),
        ("failed requests", |i| i.failed.to_string()),
        ("lost after a hard stop", |i| i.lost().to_string()),
    ];
    for (name, value) in rows {
        let mut line = format!("| {name} |");
        for (_, intake) in &columns {
            line.push_str(&format!(" {} |", value(intake)));
        }
        println!("{line}");
    }
    println!();
}
