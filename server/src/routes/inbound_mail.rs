//! `POST /mail/inbound`: a raw RFC 5322 message from the mail server, authenticated with the
//! shared secret as a bearer token. Answers JSON: the case it went to, or what was wrong.
//!
//! The body is read only after the token is checked, and never beyond
//! [`inbound_mail::MAX_MESSAGE_BYTES`]: a stranger cannot make the desk buffer 10 MiB per
//! request, and an over-long message is answered 413 with the limit named.

use std::sync::Arc;

use app::store::Db;
use axum::Json;
use axum::body::Body;
use axum::extract::{FromRef, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, post};
use futures_util::StreamExt;
use serde_json::json;

use crate::inbound_mail::{self, InboundError};
use crate::state::ServerState;

pub const PATH: &str = "/mail/inbound";

/// What the endpoint needs of the server's state.
#[derive(Clone)]
pub struct Inbound {
    pub db: Db,
    /// The bearer token the mail server presents.
    pub secret: Arc<str>,
}

impl FromRef<ServerState> for Inbound {
    fn from_ref(state: &ServerState) -> Self {
        Self {
            db: state.app.db.clone(),
            secret: state.inbound_secret.clone(),
        }
    }
}

/// The route, as the router mounts it (and the tests drive it). No `DefaultBodyLimit`: the
/// handler takes the body unread and applies the limit itself, after the token.
pub fn route<S>() -> MethodRouter<S>
where
    Inbound: FromRef<S>,
    S: Clone + Send + Sync + 'static,
{
    post(receive)
}

pub(super) fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

fn too_large() -> Response {
    error(
        StatusCode::PAYLOAD_TOO_LARGE,
        InboundError::TooLarge.to_string(),
    )
}

/// Why the body could not be read.
pub(super) enum ReadError {
    TooLarge,
    /// The client went away or sent a broken body.
    Broken,
}

/// The body, up to `limit` bytes; reading stops at the first byte over.
pub(super) async fn read_limited(body: Body, limit: usize) -> Result<Vec<u8>, ReadError> {
    let mut stream = body.into_data_stream();
    let mut raw = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| ReadError::Broken)?;
        if raw.len() + chunk.len() > limit {
            return Err(ReadError::TooLarge);
        }
        raw.extend_from_slice(&chunk);
    }
    Ok(raw)
}

pub async fn receive(State(state): State<Inbound>, headers: HeaderMap, body: Body) -> Response {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !app::domain::tokens::secrets_match(presented.trim(), &state.secret) {
        return error(
            StatusCode::UNAUTHORIZED,
            "missing or wrong shared secret (Authorization: Bearer …)",
        );
    }
    // A declared length over the limit is refused before a byte is read.
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let limit = u64::try_from(inbound_mail::MAX_MESSAGE_BYTES).unwrap_or(u64::MAX);
    if declared.is_some_and(|n| n > limit) {
        return too_large();
    }
    let raw = match read_limited(body, inbound_mail::MAX_MESSAGE_BYTES).await {
        Ok(raw) => raw,
        Err(ReadError::TooLarge) => return too_large(),
        Err(ReadError::Broken) => {
            return error(StatusCode::BAD_REQUEST, "the message could not be read");
        }
    };
    match inbound_mail::ingest(&state.db, &raw).await {
        Ok(t) => {
            tracing::info!(reference = %t.reference, created = t.created, reopened = t.reopened, duplicate = t.duplicate, linked_to = ?t.linked_to, "inbound e-mail threaded");
            let status = if t.created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            (
                status,
                Json(json!({
                    "reference": t.reference,
                    "created": t.created,
                    "reopened": t.reopened,
                    "duplicate": t.duplicate,
                    "linked_to": t.linked_to,
                })),
            )
                .into_response()
        }
        Err(err) => {
            if let InboundError::Store(e) = &err {
                tracing::error!(error = %e, "inbound e-mail not stored");
            }
            error(err.status(), err.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use axum::Router;
    use axum::body::Bytes;
    use axum::http::Request;
    use tower::ServiceExt;

    use super::*;

    const SECRET: &str = "inbound-unit-secret";
    const MIB: usize = 1024 * 1024;

    async fn router() -> (tempfile::TempDir, Router) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("desk.db")).await.unwrap();
        db.migrate().await.unwrap();
        let state = Inbound {
            db,
            secret: SECRET.into(),
        };
        (dir, Router::new().route(PATH, route()).with_state(state))
    }

    /// A 20 MiB body, streamed without a declared length, that counts what is read of it.
    fn counted_body(read: &Arc<AtomicUsize>) -> Body {
        let read = read.clone();
        Body::from_stream(futures_util::stream::iter((0..20).map(move |_| {
            read.fetch_add(MIB, Ordering::SeqCst);
            Ok::<_, std::io::Error>(Bytes::from(vec![b'a'; MIB]))
        })))
    }

    fn request(token: &str, body: Body) -> Request<Body> {
        Request::post(PATH)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(body)
            .unwrap()
    }

    async fn json_of(res: Response) -> serde_json::Value {
        let bytes = axum::body::to_bytes(res.into_body(), MIB).await.unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[tokio::test]
    async fn a_wrong_token_is_refused_before_the_body_is_read() {
        let (_dir, app) = router().await;
        let read = Arc::new(AtomicUsize::new(0));
        let res = app
            .clone()
            .oneshot(request("wrong", counted_body(&read)))
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(read.load(Ordering::SeqCst), 0, "not a byte read");
        // No token at all, and a declared 20 MiB: the same.
        let req = Request::post(PATH)
            .header(header::CONTENT_LENGTH, 20 * MIB)
            .body(counted_body(&read))
            .unwrap();
        let res = app.oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(read.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn an_over_long_message_is_answered_413_and_read_no_further_than_the_limit() {
        let (_dir, app) = router().await;
        let read = Arc::new(AtomicUsize::new(0));
        let res = app
            .clone()
            .oneshot(request(SECRET, counted_body(&read)))
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let read_bytes = read.load(Ordering::SeqCst);
        assert!(
            read_bytes <= inbound_mail::MAX_MESSAGE_BYTES + MIB,
            "read {read_bytes} bytes"
        );
        let json = json_of(res).await;
        assert!(json["error"].as_str().unwrap().contains("10 MiB"), "{json}");
        // A declared length over the limit: refused before reading.
        let read = Arc::new(AtomicUsize::new(0));
        let mut req = request(SECRET, counted_body(&read));
        req.headers_mut()
            .insert(header::CONTENT_LENGTH, (20 * MIB).into());
        let res = app.oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(read.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn a_message_at_the_limit_is_read_and_a_small_one_opens_a_case() {
        let (_dir, app) = router().await;
        let header = b"From: bo@example.dk\r\nSubject: Digital Post\r\n\r\n".to_vec();
        let mut at_limit = header.clone();
        at_limit.resize(inbound_mail::MAX_MESSAGE_BYTES, b'a');
        let res = app
            .clone()
            .oneshot(request(SECRET, Body::from(at_limit)))
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        let res = app
            .oneshot(request(SECRET, Body::from(header)))
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        let json = json_of(res).await;
        assert!(json["reference"].as_str().unwrap().starts_with("SAG-"));
        assert_eq!(json["linked_to"], serde_json::Value::Null);
    }
}
