//! The axum state shared by every route and middleware: what Leptos needs plus the desk's own.

use std::sync::Arc;

use app::state::AppState;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use tokio_util::sync::CancellationToken;

/// The axum state: what Leptos needs plus the desk's own.
#[derive(Clone)]
pub struct ServerState {
    pub leptos_options: LeptosOptions,
    pub app: AppState,
    /// The bearer token of `POST /mail/inbound`.
    pub inbound_secret: Arc<str>,
    /// `DESK_TRUSTED_PROXIES`: the reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Arc<app::domain::throttle::TrustedNetworks>,
    /// Cancelled when the desk stops: live streams end with it.
    pub shutdown: CancellationToken,
}

impl FromRef<ServerState> for LeptosOptions {
    fn from_ref(state: &ServerState) -> Self {
        state.leptos_options.clone()
    }
}
