//! `GET /support/events`: server-sent events announcing new cases to supporters' consoles.

use std::convert::Infallible;

use app::cases::live::LiveCase;
use app::domain::Role;
use app::page_context::PageContext;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tokio::sync::broadcast::error::RecvError;

use crate::startup::ServerState;

pub async fn events(
    State(state): State<ServerState>,
    Extension(ctx): Extension<PageContext>,
) -> Response {
    match ctx.user.as_ref().map(|u| u.role) {
        None => return StatusCode::UNAUTHORIZED.into_response(),
        Some(role) if role != Role::Supporter => return StatusCode::FORBIDDEN.into_response(),
        Some(_) => {}
    }
    let receiver = state.app.live.subscribe();
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(case) => {
                    let event = event_for(&case);
                    return Some((Ok::<_, Infallible>(event), receiver));
                }
                // A slow console missed some: it refreshes its queue on the next one anyway.
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

fn event_for(case: &LiveCase) -> Event {
    Event::default().data(serde_json::to_string(case).unwrap_or_default())
}
