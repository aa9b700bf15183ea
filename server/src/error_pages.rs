//! Error pages produced outside the Leptos app.

use std::any::Any;

use app::errors::AppError;
use app::i18n::Lang;
use axum::body::Body;
use axum::http::{HeaderMap, Response, StatusCode, header};

/// A short, self-contained HTML page in both languages: used where the page context is unknown.
pub fn simple_page(status: StatusCode, da: &str, en: &str) -> Response<Body> {
    let html = format!(
        "<!DOCTYPE html><html lang=\"da\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{da}</title><link rel=\"stylesheet\" href=\"/pkg/supportdesk.css\"></head>\
         <body><main id=\"main\" class=\"page narrow\"><h1>{da}</h1>\
         <p lang=\"en\">{en}</p><p><a href=\"/\">Til forsiden</a> · \
         <a href=\"/\" lang=\"en\">To the front page</a></p></main></body></html>"
    );
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .body(Body::from(html))
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

/// A refusal made before the app runs (CSRF, body size): a page for a browser's form post, the
/// serialised error for the app's own calls (which show its message in the page's language).
pub fn refusal(headers: &HeaderMap, err: &AppError) -> Response<Body> {
    let status =
        StatusCode::from_u16(err.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if wants_html {
        return simple_page(status, &err.message(Lang::Da), &err.message(Lang::En));
    }
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(serde_json::to_string(err).unwrap_or_default()))
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

/// A page for a request whose handler panicked: the panic is logged, never shown.
pub fn panic_response(err: Box<dyn Any + Send + 'static>) -> Response<Body> {
    let detail = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!(detail, "request handler panicked");
    simple_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        &crate::error_pages::message(Lang::Da),
        &crate::error_pages::message(Lang::En),
    )
}

fn message(lang: Lang) -> String {
    app::errors::AppError::Internal.message(lang)
}
