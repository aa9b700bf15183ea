//! The names of the desk's Prometheus metrics, shared by the code that records them and the
//! exporter that describes them (README "Metrics" lists each with its labels). Recording is
//! a no-op unless the exporter is installed (`DESK_METRICS_ADDR`).

/// Histogram, labels `method`, `route` (the route's pattern, never the raw path), `status`.
pub const HTTP_REQUEST_SECONDS: &str = "desk_http_request_duration_seconds";
/// Gauge, labels `system` (slug), `priority`: open cases (new, open, waiting on citizen).
pub const OPEN_CASES: &str = "desk_open_cases";
/// Gauge: the age of the oldest open urgent case without a first response (0 when none).
pub const OLDEST_UNANSWERED_URGENT_SECONDS: &str = "desk_oldest_unanswered_urgent_seconds";
/// Gauge, label `channel` (email, registry): messages waiting for (another) delivery attempt.
pub const OUTBOX_BACKLOG: &str = "desk_outbox_backlog";
/// Gauge, label `channel`: messages given up on (they wait for a supporter's retry).
pub const OUTBOX_FAILED: &str = "desk_outbox_failed";
/// Counter, labels `channel`, `outcome` (sent, failed): delivery attempts.
pub const OUTBOX_ATTEMPTS: &str = "desk_outbox_attempts_total";
/// Histogram: writes committed together by one group commit.
pub const GROUP_COMMIT_BATCH_SIZE: &str = "desk_group_commit_batch_size";
/// Histogram: from handing a write over to its commit being on disk.
pub const GROUP_COMMIT_WAIT_SECONDS: &str = "desk_group_commit_wait_seconds";
/// Gauge, label `stream` (console, dashboard): open server-sent-event streams.
pub const SSE_CLIENTS: &str = "desk_sse_clients";
/// Histogram, label `index` (help, staff kb, cases): one search, index read included.
pub const SEARCH_SECONDS: &str = "desk_search_duration_seconds";
/// Counter, label `reason` (password, throttled): staff logins refused.
pub const LOGIN_FAILURES: &str = "desk_login_failures_total";
