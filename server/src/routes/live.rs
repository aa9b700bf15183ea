//! `GET /support/events`: server-sent events announcing new cases to supporters' consoles.

use std::convert::Infallible;
use std::time::Duration;

use app::auth::unix_now;
use app::domain::Role;
use app::domain::live_case::LiveCase;
use app::page_context::PageContext;
use app::store::{Db, sessions};
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tokio::sync::broadcast::error::RecvError;

use crate::middleware::request_context::SessionTokenHash;
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
        Some(role) if role != Role::Supporter => return StatusCode::FORBIDDEN.into_response(),
        Some(_) => {}
    }
    let Some(Extension(SessionTokenHash(session))) = session else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let db = state.app.db.clone();
    let mut check = tokio::time::interval(SESSION_CHECK);
    check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let receiver = state.app.live.subscribe();
    let stream =
        futures_util::stream::unfold((receiver, check), move |(mut receiver, mut check)| {
            let db = db.clone();
            let session = session.clone();
            async move {
                loop {
                    tokio::select! {
                        received = receiver.recv() => match received {
                            Ok(case) => {
                                let event = event_for(&case);
                                return Some((Ok::<_, Infallible>(event), (receiver, check)));
                            }
                            // A slow console missed some: it refreshes its queue on the next
                            // one anyway.
                            Err(RecvError::Lagged(_)) => continue,
                            Err(RecvError::Closed) => return None,
                        },
                        _ = check.tick() => {
                            if !session_is_live(&db, &session).await {
                                return None;
                            }
                        }
                    }
                }
            }
        });
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

async fn session_is_live(db: &Db, session: &[u8]) -> bool {
    match sessions::find_user(db, session, unix_now()).await {
        Ok(user) => user.is_some_and(|u| u.role == Role::Supporter),
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
