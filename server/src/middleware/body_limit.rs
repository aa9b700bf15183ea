//! One explicit body limit per route, enforced before anything reads the body: a declared
//! `Content-Length` over the limit is refused at once, and a body sent without one is read
//! only up to the limit. Both answer 413 with a message in the user's language. The body is
//! buffered here, so no later layer or header can lift the limit.

use app::errors::AppError;
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;

use crate::error_pages::refusal;

/// Forms and the app's calls: the longest text field (a 10,000-character reply) fits even
/// when every character is percent-encoded Danish (6 bytes each).
pub const DEFAULT_LIMIT: usize = 128 * 1024;
/// The knowledge-base editor saves whole articles (up to 200,000 characters).
pub const ARTICLE_LIMIT: usize = 2 * 1024 * 1024;

/// The limit for a request path.
pub fn limit_for(path: &str) -> usize {
    if path.starts_with("/api/admin/kb/") {
        ARTICLE_LIMIT
    } else {
        DEFAULT_LIMIT
    }
}

pub async fn enforce(req: Request, next: Next) -> Response {
    let limit = limit_for(req.uri().path());
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return too_large(&req, limit);
    }
    let (parts, body) = req.into_parts();
    match to_bytes(body, limit).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(_) => too_large(&Request::from_parts(parts, Body::empty()), limit),
    }
}

fn too_large(req: &Request, limit: usize) -> Response {
    tracing::info!(path = %req.uri().path(), limit, "request body over the limit refused");
    let limit_kib = u32::try_from(limit / 1024).unwrap_or(u32::MAX);
    refusal(req.headers(), &AppError::TooLarge { limit_kib })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_get_room_everything_else_the_default() {
        assert_eq!(limit_for("/api/admin/kb/save"), ARTICLE_LIMIT);
        assert_eq!(limit_for("/api/contact/submit"), DEFAULT_LIMIT);
        assert_eq!(limit_for("/api/admin/staff"), DEFAULT_LIMIT);
        assert_eq!(limit_for("/kontakt"), DEFAULT_LIMIT);
    }
}
