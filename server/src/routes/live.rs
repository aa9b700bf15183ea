//! `GET /support/events`: server-sent events to supporters' consoles. New cases go to every
//! console as unnamed messages (`data: <LiveCase JSON>`); a call goes only to its agent's
//! consoles, as a named event (`event: call`, `data: <CallPop JSON>`).

use std::convert::Infallible;
use std::time::Duration;

use app::auth::unix_now;
use app::domain::Role;
use app::domain::live_case::LiveCase;
use app::domain::telephony::{CALL_EVENT, CallPop};
use app::page_context::PageContext;
use app::store::{Db, sessions};
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use tokio::sync::broadcast::error::RecvError;

use crate::middleware::request_context::SessionTokenHash;
use crate::monitoring::sse::counted;
use crate::state::ServerState;

/// How often an open stream checks that its session still exists (logout, expiry, a
/// disabled account end the stream).
const SESSION_CHECK: Duration = Duration::from_secs(2);

pub async fn events(
    State(state): State<ServerState>,
    Extension(ctx): Extension<PageContext>,
    session: Option<Extension<SessionTokenHash>>,
) -> Response {
    match ctx.user.as_ref().map(|u| u.role) {
        None => return StatusCode::UNAUTHORIZED.into_response(),
        Some(role) if !role.acts_as(Role::Supporter) => {
            return StatusCode::FORBIDDEN.into_response();
        }
        Some(_) => {}
    }
    let Some(Extension(SessionTokenHash(session))) = session else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let me = ctx.user.map(|u| u.username).unwrap_or_default();
    let db = state.app.db.clone();
    let mut check = tokio::time::interval(SESSION_CHECK);
    check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let feeds = (state.app.live.subscribe(), state.app.calls.subscribe());
    let stream = futures_util::stream::unfold(
        (feeds, check),
        move |((mut cases, mut calls), mut check)| {
            let db = db.clone();
            let session = session.clone();
            let me = me.clone();
            async move {
                loop {
                    let event = tokio::select! {
                        received = cases.recv() => match received {
                            Ok(case) => event_for(&case),
                            // A slow console missed some: it refreshes its queue on the next
                            // one anyway.
                            Err(RecvError::Lagged(_)) => continue,
                            Err(RecvError::Closed) => return None,
                        },
                        received = calls.recv() => match received {
                            Ok(call) if call.agent == me => call_event(&call.pop),
                            // Another agent's call, or missed ones: the next pop of a call
                            // carries its whole state.
                            Ok(_) | Err(RecvError::Lagged(_)) => continue,
                            Err(RecvError::Closed) => return None,
                        },
                        _ = check.tick() => {
                            if !session_is_live(&db, &session).await {
                                return None;
                            }
                            continue;
                        }
                    };
                    return Some((Ok::<_, Infallible>(event), ((cases, calls), check)));
                }
            }
        },
    );
    // Ends when the desk stops, so a stop never waits on an open console.
    let stream = counted(stream, "console").take_until(state.shutdown.clone().cancelled_owned());
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

async fn session_is_live(db: &Db, session: &[u8]) -> bool {
    match sessions::find_user(db, session, unix_now()).await {
        Ok(user) => user.is_some_and(|u| u.role.acts_as(Role::Supporter)),
        // A failed look-up is no reason to cut a console off; the next check decides.
        Err(e) => {
            tracing::warn!(error = %e, "live stream: session check failed");
            true
        }
    }
}

fn event_for(case: &LiveCase) -> Event {
    Event::default().data(serde_json::to_string(case).unwrap_or_default())
}

fn call_event(pop: &CallPop) -> Event {
    Event::default()
        .event(CALL_EVENT)
        .data(serde_json::to_string(pop).unwrap_or_default())
}
