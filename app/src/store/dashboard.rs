//! The team lead's dashboard: counts and histograms, read-only. Every query reads a covering
//! index (migration `20261202000800_dashboard_facts`) and groups in SQL, so a 30-day period at
//! a million cases moves counts, not rows. Times come back as stored (UTC hours as
//! `YYYY-MM-DDTHH`, durations in seconds); the domain maps them to Danish local buckets.

use super::{Db, StoreError};

/// The dashboard's filters as stored values; empty means all.
#[derive(Clone, Copy, Debug)]
pub struct Filter<'a> {
    /// `cases.system` (the system's name, e.g. "MitID").
    pub system: &'a str,
    /// `cases.channel` (e.g. "web_form").
    pub channel: &'a str,
}

/// `[start, end)` as stored UTC text.
#[derive(Clone, Copy, Debug)]
pub struct Span<'a> {
    pub start: &'a str,
    pub end: &'a str,
}

const OPEN: &str = "status IN ('new', 'open', 'waiting_on_citizen')";

/// Runs `sql` with the filter bound as `?1` (system) and `?2` (channel) and the span as `?3`
/// (start) and `?4` (end).
async fn fetch_filtered<T>(
    db: &Db,
    sql: &str,
    f: Filter<'_>,
    s: Span<'_>,
) -> Result<Vec<T>, StoreError>
where
    T: for<'r> sqlx::FromRow<'r, crate::store::db::DbRow> + Send + Unpin,
{
    Ok(sqlx::query_as(sql)
        .bind(f.system)
        .bind(f.channel)
        .bind(s.start)
        .bind(s.end)
        .fetch_all(db.pool())
        .await?)
}

#[derive(Debug, sqlx::FromRow)]
pub struct OpenCount {
    pub system: String,
    pub status: String,
    pub n: i64,
}

/// Open cases by system and status.
pub async fn open_by_system_status(db: &Db, f: Filter<'_>) -> Result<Vec<OpenCount>, StoreError> {
    let ix_cases_dash_open = db.backend().indexed_by("cases", "cases_dash_open");
    Ok(sqlx::query_as(&format!(
        "SELECT system, status, COUNT(*) AS n FROM {ix_cases_dash_open}
         WHERE {OPEN} AND ($1 = '' OR system = $1) AND ($2 = '' OR channel = $2)
         GROUP BY system, status ORDER BY system, status"
    ))
    .bind(f.system)
    .bind(f.channel)
    .fetch_all(db.pool())
    .await?)
}

/// Open cases nobody has claimed.
pub async fn unassigned_open(db: &Db, f: Filter<'_>) -> Result<i64, StoreError> {
    let ix_cases_dash_open = db.backend().indexed_by("cases", "cases_dash_open");
    Ok(sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM {ix_cases_dash_open}
         WHERE {OPEN} AND assignee_id IS NULL AND ($1 = '' OR system = $1) AND ($2 = '' OR channel = $2)"
    ))
    .bind(f.system)
    .bind(f.channel)
    .fetch_one(db.pool())
    .await?)
}

#[derive(Debug, sqlx::FromRow)]
pub struct CaseAt {
    pub reference: String,
    pub system: String,
    /// `created_at` (UTC) for the oldest urgent case; the due time (Danish local) for a
    /// breach.
    pub at: String,
}

/// The oldest open urgent case without a first response.
pub async fn oldest_unanswered_urgent(
    db: &Db,
    f: Filter<'_>,
) -> Result<Option<CaseAt>, StoreError> {
    let ix_cases_dash_open = db.backend().indexed_by("cases", "cases_dash_open");
    Ok(sqlx::query_as(&format!(
        "SELECT reference, system, created_at AS at FROM {ix_cases_dash_open}
         WHERE {OPEN} AND priority = 'urgent' AND first_response_at IS NULL
           AND ($1 = '' OR system = $1) AND ($2 = '' OR channel = $2)
         ORDER BY created_at, id LIMIT 1"
    ))
    .bind(f.system)
    .bind(f.channel)
    .fetch_optional(db.pool())
    .await?)
}

/// Open cases whose next deadline (the first response while there is none, else the
/// resolution) falls in `[now, in_an_hour)`, Danish local text; soonest first, at most `limit`.
pub async fn breaching_soon(
    db: &Db,
    f: Filter<'_>,
    now_local: &str,
    in_an_hour: &str,
    limit: i64,
) -> Result<Vec<CaseAt>, StoreError> {
    let ix_cases_dash_open = db.backend().indexed_by("cases", "cases_dash_open");
    Ok(sqlx::query_as(&format!(
        "SELECT reference, system, due AS at FROM (
             SELECT reference, system, id,
                    CASE WHEN first_response_at IS NULL AND first_response_due < resolution_due
                         THEN first_response_due ELSE resolution_due END AS due
             FROM {ix_cases_dash_open}
             WHERE {OPEN} AND ($1 = '' OR system = $1) AND ($2 = '' OR channel = $2)) AS d
         WHERE due >= $3 AND due < $4 ORDER BY due, id LIMIT $5"
    ))
    .bind(f.system)
    .bind(f.channel)
    .bind(now_local)
    .bind(in_an_hour)
    .bind(limit)
    .fetch_all(db.pool())
    .await?)
}

/// Open cases already past their next deadline.
pub async fn overdue(db: &Db, f: Filter<'_>, now_local: &str) -> Result<i64, StoreError> {
    let ix_cases_dash_open = db.backend().indexed_by("cases", "cases_dash_open");
    Ok(sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM {ix_cases_dash_open}
         WHERE {OPEN} AND ($1 = '' OR system = $1) AND ($2 = '' OR channel = $2)
           AND (resolution_due < $3 OR (first_response_at IS NULL AND first_response_due < $3))"
    ))
    .bind(f.system)
    .bind(f.channel)
    .bind(now_local)
    .fetch_one(db.pool())
    .await?)
}

#[derive(Debug, sqlx::FromRow)]
pub struct Online {
    pub display_name: String,
    pub role: String,
    /// Unix seconds of the newest login.
    pub since: i64,
}

/// Supporters and leads with an unexpired session (logged in and neither logged out nor
/// expired; the desk does not track activity).
pub async fn online(db: &Db, now_unix: i64) -> Result<Vec<Online>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT u.display_name, u.role, MAX(s.created_at) AS since
         FROM sessions s JOIN staff_users u ON u.id = s.user_id
         WHERE s.expires_at > $1 AND u.active = 1 AND u.role IN ('supporter', 'lead')
         GROUP BY u.id ORDER BY u.display_name",
    )
    .bind(now_unix)
    .fetch_all(db.pool())
    .await?)
}

/// Cases created per UTC hour.
pub async fn created_per_hour(
    db: &Db,
    f: Filter<'_>,
    s: Span<'_>,
) -> Result<Vec<(String, i64)>, StoreError> {
    let ix_cases_dash_created = db.backend().indexed_by("cases", "cases_dash_created");
    fetch_filtered(
        db,
        &format!(
            "SELECT substr(created_at, 1, 13) AS h, COUNT(*) FROM {ix_cases_dash_created}
         WHERE created_at >= $3 AND created_at < $4
           AND ($1 = '' OR system = $1) AND ($2 = '' OR channel = $2)
         GROUP BY h"
        ),
        f,
        s,
    )
    .await
}

/// Cases resolved (or closed) per UTC hour.
pub async fn resolved_per_hour(
    db: &Db,
    f: Filter<'_>,
    s: Span<'_>,
) -> Result<Vec<(String, i64)>, StoreError> {
    let ix_cases_dash_resolved = db.backend().indexed_by("cases", "cases_dash_resolved");
    fetch_filtered(
        db,
        &format!(
            "SELECT substr(resolved_at, 1, 13) AS h, COUNT(*) FROM {ix_cases_dash_resolved}
         WHERE resolved_at >= $3 AND resolved_at < $4
           AND ($1 = '' OR system = $1) AND ($2 = '' OR channel = $2)
         GROUP BY h"
        ),
        f,
        s,
    )
    .await
}

/// First-response times of the cases created in the span, as a histogram of whole minutes
/// (in seconds).
pub async fn first_response_histogram(
    db: &Db,
    f: Filter<'_>,
    s: Span<'_>,
) -> Result<Vec<(i64, i64)>, StoreError> {
    let ix_cases_dash_created = db.backend().indexed_by("cases", "cases_dash_created");
    let seconds = db
        .backend()
        .seconds_between("first_response_at", "created_at");
    fetch_filtered(
        db,
        &format!(
            "SELECT CAST(ROUND({seconds} / 60.0) AS BIGINT) * 60 AS v,
                COUNT(*)
         FROM {ix_cases_dash_created}
         WHERE created_at >= $3 AND created_at < $4 AND first_response_at IS NOT NULL
           AND ($1 = '' OR system = $1) AND ($2 = '' OR channel = $2)
         GROUP BY v"
        ),
        f,
        s,
    )
    .await
}

/// Resolution times of the cases resolved in the span, as a histogram of whole minutes (in
/// seconds).
pub async fn resolution_histogram(
    db: &Db,
    f: Filter<'_>,
    s: Span<'_>,
) -> Result<Vec<(i64, i64)>, StoreError> {
    let ix_cases_dash_resolved = db.backend().indexed_by("cases", "cases_dash_resolved");
    let seconds = db.backend().seconds_between("resolved_at", "created_at");
    fetch_filtered(
        db,
        &format!(
            "SELECT CAST(ROUND({seconds} / 60.0) AS BIGINT) * 60 AS v,
                COUNT(*)
         FROM {ix_cases_dash_resolved}
         WHERE resolved_at >= $3 AND resolved_at < $4
           AND ($1 = '' OR system = $1) AND ($2 = '' OR channel = $2)
         GROUP BY v"
        ),
        f,
        s,
    )
    .await
}

/// Of the cases resolved in the span: how many within their deadline, and how many in all
/// (cases the backfill could not judge count as resolved, not as within).
pub async fn sla_met(db: &Db, f: Filter<'_>, s: Span<'_>) -> Result<(i64, i64), StoreError> {
    let ix_cases_dash_resolved = db.backend().indexed_by("cases", "cases_dash_resolved");
    Ok(fetch_filtered(
        db,
        &format!(
            "SELECT COUNT(*) FILTER (WHERE resolved_within_sla = 1), COUNT(*)
         FROM {ix_cases_dash_resolved}
         WHERE resolved_at >= $3 AND resolved_at < $4
           AND ($1 = '' OR system = $1) AND ($2 = '' OR channel = $2)"
        ),
        f,
        s,
    )
    .await?
    .pop()
    .unwrap_or_default())
}

#[derive(Debug, Default, sqlx::FromRow)]
pub struct Ages {
    pub a0: i64,
    pub a1: i64,
    pub a2: i64,
    pub a3: i64,
    pub a4: i64,
    pub a5: i64,
}

/// Open cases by age: `cutoffs` are five creation times, youngest first; the buckets are
/// newer than the first, between each two, and older than the last.
pub async fn backlog_ages(db: &Db, f: Filter<'_>, cutoffs: &[String]) -> Result<Ages, StoreError> {
    let ix_cases_dash_open = db.backend().indexed_by("cases", "cases_dash_open");
    let c = |i: usize| cutoffs.get(i).cloned().unwrap_or_default();
    Ok(sqlx::query_as(&format!(
        "SELECT COUNT(*) FILTER (WHERE created_at >= $3) AS a0,
                COUNT(*) FILTER (WHERE created_at < $3 AND created_at >= $4) AS a1,
                COUNT(*) FILTER (WHERE created_at < $4 AND created_at >= $5) AS a2,
                COUNT(*) FILTER (WHERE created_at < $5 AND created_at >= $6) AS a3,
                COUNT(*) FILTER (WHERE created_at < $6 AND created_at >= $7) AS a4,
                COUNT(*) FILTER (WHERE created_at < $7) AS a5
         FROM {ix_cases_dash_open}
         WHERE {OPEN} AND ($1 = '' OR system = $1) AND ($2 = '' OR channel = $2)"
    ))
    .bind(f.system)
    .bind(f.channel)
    .bind(c(0))
    .bind(c(1))
    .bind(c(2))
    .bind(c(3))
    .bind(c(4))
    .fetch_one(db.pool())
    .await?)
}

/// Blocks (citizens' and businesses') confirmed per UTC hour, on cases matching the filter.
pub async fn blocks_per_hour(
    db: &Db,
    f: Filter<'_>,
    s: Span<'_>,
) -> Result<Vec<(String, i64)>, StoreError> {
    fetch_filtered(
        db,
        "SELECT h, COUNT(*) FROM (
             SELECT substr(b.blocked_at, 1, 13) AS h, b.case_id FROM blocks b
             WHERE b.blocked_at >= $3 AND b.blocked_at < $4
             UNION ALL
             SELECT substr(b.blocked_at, 1, 13), b.case_id FROM business_blocks b
             WHERE b.blocked_at >= $3 AND b.blocked_at < $4) x
         LEFT JOIN cases c ON c.id = x.case_id
         WHERE ($1 = '' OR c.system = $1) AND ($2 = '' OR c.channel = $2)
         GROUP BY h",
        f,
        s,
    )
    .await
}

/// Seconds from a case being opened to its block being confirmed, for blocks confirmed in the
/// span (blocks placed without a case have no such time), as a histogram.
pub async fn block_seconds(
    db: &Db,
    f: Filter<'_>,
    s: Span<'_>,
) -> Result<Vec<(i64, i64)>, StoreError> {
    let seconds = db.backend().seconds_between("x.blocked_at", "c.created_at");
    fetch_filtered(
        db,
        &format!("SELECT CAST(ROUND({seconds}) AS BIGINT) AS v,
                COUNT(*)
         FROM (SELECT blocked_at, case_id FROM blocks WHERE blocked_at >= $3 AND blocked_at < $4
               UNION ALL
               SELECT blocked_at, case_id FROM business_blocks WHERE blocked_at >= $3 AND blocked_at < $4) x
         JOIN cases c ON c.id = x.case_id
         WHERE ($1 = '' OR c.system = $1) AND ($2 = '' OR c.channel = $2)
         GROUP BY v"),
        f,
        s,
    )
    .await
}

#[derive(Debug, sqlx::FromRow)]
pub struct VisitCount {
    pub purpose: String,
    pub state: String,
    pub n: i64,
}

/// Counter visits started in the span, by purpose and outcome.
pub async fn counter_visits(db: &Db, s: Span<'_>) -> Result<Vec<VisitCount>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT purpose, state, COUNT(*) AS n FROM counter_visits
         WHERE started_at >= $1 AND started_at < $2
         GROUP BY purpose, state ORDER BY purpose, state",
    )
    .bind(s.start)
    .bind(s.end)
    .fetch_all(db.pool())
    .await?)
}

#[derive(Debug, sqlx::FromRow)]
pub struct Miss {
    pub query: String,
    pub lang: String,
    pub count: i64,
    pub last_at: String,
}

/// The most frequent searches without a hit last seen in the span (the table keeps counts
/// since it began, not per day).
pub async fn top_misses(db: &Db, s: Span<'_>, limit: i64) -> Result<Vec<Miss>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT query, lang, count, last_at FROM search_misses
         WHERE last_at >= $1 AND last_at < $2
         ORDER BY count DESC, last_at DESC LIMIT $3",
    )
    .bind(s.start)
    .bind(s.end)
    .bind(limit)
    .fetch_all(db.pool())
    .await?)
}

#[derive(Debug, sqlx::FromRow)]
pub struct HourCount {
    /// UTC hour, `YYYY-MM-DDTHH`.
    pub hour: String,
    /// `kb_activity.kind`.
    pub kind: String,
    pub n: i64,
}

/// The help's hourly counters for the hours that begin in the span.
pub async fn help_activity(db: &Db, s: Span<'_>) -> Result<Vec<HourCount>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT hour, kind, n FROM kb_activity
         WHERE hour >= substr($1, 1, 13) AND hour || ':00:00Z' >= $1 AND hour || ':00:00Z' < $2",
    )
    .bind(s.start)
    .bind(s.end)
    .fetch_all(db.pool())
    .await?)
}

#[derive(Debug, sqlx::FromRow)]
pub struct Helpfulness {
    pub title: String,
    pub lang: String,
    pub helpful: i64,
    pub not_helpful: i64,
}

/// Citizens' "was this helpful?" answers in the span, per article, most answered first.
pub async fn helpfulness(db: &Db, s: Span<'_>, limit: i64) -> Result<Vec<Helpfulness>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT a.title, a.lang, COUNT(*) FILTER (WHERE f.helpful = 1) AS helpful,
                COUNT(*) FILTER (WHERE f.helpful = 0) AS not_helpful
         FROM kb_feedback f JOIN kb_articles a ON a.id = f.article_id
         WHERE f.at >= $1 AND f.at < $2
         GROUP BY a.id, a.title, a.lang ORDER BY COUNT(*) DESC, a.title LIMIT $3",
    )
    .bind(s.start)
    .bind(s.end)
    .bind(limit)
    .fetch_all(db.pool())
    .await?)
}

#[derive(Debug, sqlx::FromRow)]
pub struct RatingCount {
    /// The system, or the supporter's display name ("" when the rating has no supporter).
    pub key: String,
    pub rating: i64,
    pub n: i64,
}

/// Ratings given in the span, by system and score.
pub async fn ratings_by_system(
    db: &Db,
    f: Filter<'_>,
    s: Span<'_>,
) -> Result<Vec<RatingCount>, StoreError> {
    fetch_filtered(
        db,
        "SELECT r.system AS key, r.rating, COUNT(*) AS n FROM case_ratings r
         WHERE r.rated_at >= $3 AND r.rated_at < $4 AND ($1 = '' OR r.system = $1)
           AND ($2 = '' OR EXISTS (SELECT 1 FROM cases c WHERE c.id = r.case_id AND c.channel = $2))
         GROUP BY r.system, r.rating",
        f,
        s,
    )
    .await
}

/// Ratings given in the span, by the supporter who resolved the case, and score.
pub async fn ratings_by_staff(
    db: &Db,
    f: Filter<'_>,
    s: Span<'_>,
) -> Result<Vec<RatingCount>, StoreError> {
    fetch_filtered(
        db,
        "SELECT COALESCE(u.display_name, '') AS key, r.rating, COUNT(*) AS n
         FROM case_ratings r LEFT JOIN staff_users u ON u.id = r.staff_id
         WHERE r.rated_at >= $3 AND r.rated_at < $4 AND ($1 = '' OR r.system = $1)
           AND ($2 = '' OR EXISTS (SELECT 1 FROM cases c WHERE c.id = r.case_id AND c.channel = $2))
         GROUP BY r.staff_id, u.display_name, r.rating",
        f,
        s,
    )
    .await
}

/// A number that grows whenever a case is created or anything is recorded on one (both read
/// from the rowid's end of their tables, so it costs two index look-ups).
pub async fn change_mark(db: &Db) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT COALESCE((SELECT MAX(id) FROM cases), 0) + COALESCE((SELECT MAX(id) FROM case_events), 0)",
    )
    .fetch_one(db.pool())
    .await?)
}
