//! Stopping on SIGTERM (systemd, a container runtime) or Ctrl-C: one token every part
//! watches. When it is cancelled the listener stops accepting, live streams end, requests in
//! flight finish, the outbox finishes its round; then the group commit is flushed and the
//! database closed (see `startup::Application::run_until_stopped`).

use tokio_util::sync::CancellationToken;

/// Waits for SIGTERM or Ctrl-C, then cancels `token`.
pub async fn cancel_on_signal(token: CancellationToken) {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
        () = token.cancelled() => return,
    }
    tracing::info!("shutting down: no new connections; finishing what is in flight");
    token.cancel();
}
