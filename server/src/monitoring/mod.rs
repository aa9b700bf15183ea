//! Prometheus metrics on a listener of their own (`DESK_METRICS_ADDR`; off unless set, so
//! they are never public by accident). Counters and histograms are recorded where things
//! happen (requests here, the group commit, searches and logins in `app`, deliveries in the
//! outbox worker); the figures that live in the database (open cases, the urgent lane, the
//! outbox's backlog) are read on each scrape. Names: `app::domain::metric_names`.

pub mod http;
pub mod sse;

use std::time::Duration;

use app::domain::metric_names as names;
use app::operations::vitals::{self, Vitals};
use app::store::Db;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics::Unit;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// The path the metrics are served at.
pub const PATH: &str = "/metrics";

/// Latency buckets, in seconds: a page is a few milliseconds, a slow search or a long commit
/// wait shows in the upper ones.
const SECONDS: &[f64] = &[
    0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Writes per group commit (at most 512).
const BATCH: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0];
/// How often histograms are folded when nobody scrapes (bounds their memory).
const UPKEEP: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
#[error("cannot set up the metrics exporter: {0}")]
pub struct MetricsError(String);

/// Installs the process-wide recorder; from now on every `metrics::` call is recorded.
pub fn install() -> Result<PrometheusHandle, MetricsError> {
    let fail = |e: &dyn std::fmt::Display| MetricsError(e.to_string());
    let recorder = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), SECONDS)
        .map_err(|e| fail(&e))?
        .set_buckets_for_metric(Matcher::Full(names::GROUP_COMMIT_BATCH_SIZE.into()), BATCH)
        .map_err(|e| fail(&e))?
        .build_recorder();
    let handle = recorder.handle();
    metrics::set_global_recorder(recorder).map_err(|e| fail(&e))?;
    describe();
    let upkeep = handle.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(UPKEEP).await;
            upkeep.run_upkeep();
        }
    });
    Ok(handle)
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_histogram!(
        names::HTTP_REQUEST_SECONDS,
        Unit::Seconds,
        "HTTP requests by method, route pattern and status, until the response head"
    );
    describe_gauge!(
        names::OPEN_CASES,
        "Open cases (new, open, waiting on the citizen) by system and priority"
    );
    describe_gauge!(
        names::OLDEST_UNANSWERED_URGENT_SECONDS,
        Unit::Seconds,
        "Age of the oldest open urgent case without a first response (0 when none)"
    );
    describe_gauge!(
        names::OUTBOX_BACKLOG,
        "Outbox messages waiting for a delivery attempt, by channel"
    );
    describe_gauge!(
        names::OUTBOX_FAILED,
        "Outbox messages given up on (waiting for a supporter's retry), by channel"
    );
    describe_counter!(
        names::OUTBOX_ATTEMPTS,
        "Outbox delivery attempts by channel and outcome"
    );
    describe_histogram!(
        names::GROUP_COMMIT_BATCH_SIZE,
        "Writes committed together by one group commit"
    );
    describe_histogram!(
        names::GROUP_COMMIT_WAIT_SECONDS,
        Unit::Seconds,
        "From handing a write to the group commit until its commit is on disk"
    );
    describe_gauge!(
        names::SSE_CLIENTS,
        "Open server-sent-event streams (consoles, dashboards)"
    );
    describe_histogram!(
        names::SEARCH_SECONDS,
        Unit::Seconds,
        "Searches by index, the index read included"
    );
    describe_counter!(
        names::LOGIN_FAILURES,
        "Staff logins refused, by reason (password, throttled)"
    );
}

#[derive(Clone)]
struct Scrape {
    handle: PrometheusHandle,
    db: Db,
}

/// The metrics listener's router: `GET /metrics` and nothing else.
pub fn router(handle: PrometheusHandle, db: Db) -> Router {
    Router::new()
        .route(PATH, get(scrape))
        .with_state(Scrape { handle, db })
}

async fn scrape(State(scrape): State<Scrape>) -> Response {
    match vitals::read(&scrape.db).await {
        Ok(v) => set_gauges(&v),
        // The recorded metrics are still worth having; the stale gauges say when they were set.
        Err(e) => tracing::warn!(error = %e, "metrics: cannot read the desk's figures"),
    }
    let mut res = scrape.handle.render().into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    res
}

fn set_gauges(v: &Vitals) {
    for (system, priority, n) in &v.open {
        metrics::gauge!(names::OPEN_CASES, "system" => system.slug(), "priority" => priority.as_str())
            .set(*n as f64);
    }
    metrics::gauge!(names::OLDEST_UNANSWERED_URGENT_SECONDS)
        .set(v.oldest_unanswered_urgent_secs as f64);
    for (channel, state) in &v.outbox {
        metrics::gauge!(names::OUTBOX_BACKLOG, "channel" => channel.as_str())
            .set(state.backlog as f64);
        metrics::gauge!(names::OUTBOX_FAILED, "channel" => channel.as_str())
            .set(state.failed as f64);
    }
}
