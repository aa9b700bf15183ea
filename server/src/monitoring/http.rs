//! Every request's latency and status, by its route's pattern (`/support/sag/{reference}`,
//! never the path a stranger typed, so the number of series stays bounded).

use std::time::Instant;

use app::domain::metric_names::HTTP_REQUEST_SECONDS;
use axum::extract::{MatchedPath, Request};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

/// What requests that matched no route are counted under.
const UNMATCHED: &str = "(unmatched)";

pub async fn track(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| UNMATCHED.to_owned(), |p| p.as_str().to_owned());
    let method = method_label(req.method());
    let started = Instant::now();
    let res = next.run(req).await;
    metrics::histogram!(
        HTTP_REQUEST_SECONDS,
        "method" => method,
        "route" => route,
        "status" => res.status().as_str().to_owned()
    )
    .record(started.elapsed().as_secs_f64());
    res
}

/// The method, or "other" for any a stranger made up.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::HEAD => "HEAD",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}
