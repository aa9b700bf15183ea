//! The team lead's dashboard beside the Leptos page: `GET /leder/csv/{table}` (one table as
//! CSV, with the page's own query) and `GET /leder/events` (server-sent `changed` messages
//! while cases change, at most one per [`THROTTLE`]). Team leads only: anonymous 401, any
//! other role 403.

use std::convert::Infallible;
use std::time::Duration;

use app::domain::Role;
use app::domain::dashboard::DashboardQuery;
use app::page_context::PageContext;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde::Deserialize;

use crate::monitoring::sse::counted;
use crate::state::ServerState;

/// How often an open dashboard's stream looks for changes (and so the most often it tells
/// the page to fetch its figures again).
pub const THROTTLE: Duration = Duration::from_secs(5);
/// A stream ends after this long; the browser reconnects (and the role is checked again).
const STREAM_LIFETIME: Duration = Duration::from_secs(15 * 60);

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CsvQuery {
    period: String,
    from: String,
    to: String,
    system: String,
    channel: String,
}

fn refuse(ctx: &PageContext) -> Option<Response> {
    match ctx.user.as_ref().map(|u| u.role) {
        None => Some(StatusCode::UNAUTHORIZED.into_response()),
        Some(role) if !role.acts_as(Role::Lead) => Some(StatusCode::FORBIDDEN.into_response()),
        Some(_) => None,
    }
}

pub async fn csv(
    State(state): State<ServerState>,
    Extension(ctx): Extension<PageContext>,
    Path(table): Path<String>,
    Query(q): Query<CsvQuery>,
) -> Response {
    if let Some(refused) = refuse(&ctx) {
        return refused;
    }
    let query = DashboardQuery {
        period: q.period,
        from: q.from,
        to: q.to,
        system: q.system,
        channel: q.channel,
    };
    match app::dashboard::table_csv(
        &state.app.db,
        &state.app.help_counts,
        &query,
        ctx.lang,
        &table,
    )
    .await
    {
        Ok(Some((name, body))) => {
            let mut res = body.into_response();
            let headers = res.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            );
            if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
                headers.insert(header::CONTENT_DISPOSITION, v);
            }
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            res
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(app::dashboard::DashboardError::Query(e)) => {
            (StatusCode::UNPROCESSABLE_ENTITY, e.message(ctx.lang)).into_response()
        }
        Err(app::dashboard::DashboardError::Store(e)) => {
            tracing::error!(error = %e, "dashboard CSV");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

pub async fn events(
    State(state): State<ServerState>,
    Extension(ctx): Extension<PageContext>,
) -> Response {
    if let Some(refused) = refuse(&ctx) {
        return refused;
    }
    let db = state.app.db.clone();
    let started = tokio::time::Instant::now();
    let first = app::dashboard::change_mark(&db).await.unwrap_or_default();
    let mut tick = tokio::time::interval(THROTTLE);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let stream = futures_util::stream::unfold((first, tick), move |(mut seen, mut tick)| {
        let db = db.clone();
        async move {
            loop {
                tick.tick().await;
                if started.elapsed() > STREAM_LIFETIME {
                    return None;
                }
                match app::dashboard::change_mark(&db).await {
                    Ok(mark) if mark != seen => {
                        seen = mark;
                        let event = Event::default().data("changed");
                        return Some((Ok::<_, Infallible>(event), (seen, tick)));
                    }
                    Ok(_) => continue,
                    Err(e) => {
                        tracing::warn!(error = %e, "dashboard stream: change check failed");
                        continue;
                    }
                }
            }
        }
    });
    let stream = counted(stream, "dashboard").take_until(state.shutdown.clone().cancelled_owned());
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}
