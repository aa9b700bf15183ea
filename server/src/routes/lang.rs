//! The language switch: a plain link that sets a cookie and returns to the page.

use app::auth::cookies;
use app::domain::LocalPath;
use app::i18n::Lang;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::state::ServerState;

#[derive(Deserialize)]
pub struct SwitchQuery {
    next: Option<String>,
}

pub async fn switch(
    State(state): State<ServerState>,
    Path(code): Path<String>,
    Query(query): Query<SwitchQuery>,
) -> Response {
    let Some(lang) = Lang::parse(&code) else {
        return (StatusCode::NOT_FOUND, "unknown language").into_response();
    };
    let next = query
        .next
        .as_deref()
        .and_then(LocalPath::parse)
        .map_or_else(|| "/".to_owned(), LocalPath::into_string);
    let cookie = cookies::lang(lang.code(), state.app.settings.secure_cookies);
    let mut res = (StatusCode::SEE_OTHER, [(header::LOCATION, next)]).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        res.headers_mut().append(header::SET_COOKIE, value);
    }
    res
}
