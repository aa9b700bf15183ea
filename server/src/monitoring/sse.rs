//! Open server-sent-event streams, counted while they live.

use app::domain::metric_names::SSE_CLIENTS;
use futures_util::{Stream, StreamExt};

/// Counts one open stream of `kind` until it is dropped.
struct Open(&'static str);

impl Open {
    fn new(kind: &'static str) -> Self {
        metrics::gauge!(SSE_CLIENTS, "stream" => kind).increment(1.0);
        Self(kind)
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        metrics::gauge!(SSE_CLIENTS, "stream" => self.0).decrement(1.0);
    }
}

/// `stream`, counted under `kind` (console, dashboard) from now until it ends or the client
/// goes away.
pub fn counted<S: Stream>(stream: S, kind: &'static str) -> impl Stream<Item = S::Item> {
    let open = Open::new(kind);
    stream.map(move |item| {
        let _still_open = &open;
        item
    })
}
