//! `POST /mail/inbound`: a raw RFC 5322 message from the mail server, authenticated with the
//! shared secret as a bearer token. Answers JSON: the case it went to, or what was wrong.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::inbound_mail::{self, InboundError};
use crate::startup::ServerState;

pub async fn receive(
    State(state): State<ServerState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !app::auth::tokens::secrets_match(presented.trim(), &state.inbound_secret) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "error": "missing or wrong shared secret (Authorization: Bearer …)" })),
        )
            .into_response();
    }
    match inbound_mail::ingest(&state.app.db, &body).await {
        Ok(t) => {
            tracing::info!(reference = %t.reference, created = t.created, reopened = t.reopened, duplicate = t.duplicate, "inbound e-mail threaded");
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
                })),
            )
                .into_response()
        }
        Err(err) => {
            if let InboundError::Store(e) = &err {
                tracing::error!(error = %e, "inbound e-mail not stored");
            }
            (err.status(), Json(json!({ "error": err.to_string() }))).into_response()
        }
    }
}
