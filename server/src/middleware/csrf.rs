//! CSRF protection for every state-changing request: the token in the form field (or the
//! `x-csrf-token` header) must match the request's expected token: derived from the session
//! for staff, the visitor's CSRF cookie otherwise. Another site can neither read nor set
//! either. The body was already bounded and buffered by the body-limit layer.

use app::domain::tokens::secrets_match;
use app::errors::AppError;
use app::page_context::{CSRF_FIELD, CSRF_HEADER, PageContext};
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::error_pages::refusal;
use crate::middleware::body_limit;

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

    let limit = body_limit::limit_for(req.uri().path());
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, limit).await else {
        return reject(&Request::from_parts(parts, Body::empty()));
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
    tracing::warn!(path = %req.uri().path(), "request refused: CSRF token missing or wrong");
    refusal(req.headers(), &AppError::CsrfRejected)
}
