//! CSRF protection for every state-changing request: the token in the form field (or the
//! `x-csrf-token` header) must match the browser's CSRF cookie, which another site can neither
//! read nor set.

use app::auth::tokens::secrets_match;
use app::errors::AppError;
use app::page_context::{CSRF_FIELD, CSRF_HEADER, PageContext};
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::routes::errors::simple_page;

/// Larger form bodies are refused before they are read.
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

pub async fn verify(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let Some(expected) = req
        .extensions()
        .get::<PageContext>()
        .map(|c| c.csrf_token.clone())
    else {
        return reject(&req);
    };

    if let Some(sent) = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        return if secrets_match(sent, &expected) {
            next.run(req).await
        } else {
            reject(&req)
        };
    }

    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    let is_json = content_type.starts_with("application/json");
    if !is_form && !is_json {
        return reject(&req);
    }

    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, MAX_FORM_BYTES).await {
        Ok(b) => b,
        Err(_) => return (StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response(),
    };
    let sent = if is_form {
        url::form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == CSRF_FIELD)
            .map(|(_, v)| v.into_owned())
    } else {
        serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| {
                v.get(CSRF_FIELD)
                    .and_then(|t| t.as_str())
                    .map(str::to_owned)
            })
    };
    let req = Request::from_parts(parts, Body::from(bytes));
    match sent {
        Some(token) if secrets_match(&token, &expected) => next.run(req).await,
        _ => reject(&req),
    }
}

fn reject(req: &Request) -> Response {
    let lang = req
        .extensions()
        .get::<PageContext>()
        .map(|c| c.lang)
        .unwrap_or_default();
    tracing::warn!(path = %req.uri().path(), "request refused: CSRF token missing or wrong");
    let wants_html = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    let err = AppError::CsrfRejected;
    if wants_html {
        simple_page(
            StatusCode::FORBIDDEN,
            &err.message(app::i18n::Lang::Da),
            &err.message(app::i18n::Lang::En),
        )
    } else {
        let body = serde_json::to_string(&err).unwrap_or_default();
        let _ = lang;
        (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response()
    }
}
