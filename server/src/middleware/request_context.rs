//! Resolves the page context for each request and makes sure the browser has a CSRF cookie.
//!
//! The CSRF token of a logged-in staff member is derived from their session (bound to it,
//! new at every login, gone at logout); a visitor without a session gets a random token in a
//! cookie of its own (double submit).

use app::auth::{cookies, unix_now};
use app::domain::tokens;
use app::i18n::Lang;
use app::page_context::PageContext;
use app::store::sessions;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::ServerState;

/// The SHA-256 of the request's valid session token, for routes that must notice the session
/// ending while they run (the live-events stream).
#[derive(Clone, Debug)]
pub struct SessionTokenHash(pub Vec<u8>);

pub async fn resolve(State(state): State<ServerState>, mut req: Request, next: Next) -> Response {
    let secure = state.app.settings.secure_cookies;
    let cookie_header = req
        .headers()
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let cookie = |base| cookies::read(&cookie_header, &cookies::name(base, secure));

    let lang = cookie(cookies::LANG)
        .and_then(Lang::parse)
        .unwrap_or_default();
    let session = cookie(cookies::SESSION).filter(|t| tokens::is_well_formed(t));
    let mut user = None;
    if let Some(token) = session {
        let hash = tokens::token_hash(token);
        match sessions::find_user(&state.app.db, &hash, unix_now()).await {
            Ok(Some(found)) => {
                user = Some((found, token.to_owned()));
                req.extensions_mut().insert(SessionTokenHash(hash));
            }
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "session lookup failed"),
        }
    }
    let (csrf_token, fresh_csrf) = match &user {
        Some((_, session_token)) => (tokens::session_csrf(session_token), false),
        None => match cookie(cookies::CSRF).filter(|t| tokens::is_well_formed(t)) {
            Some(existing) => (existing.to_owned(), false),
            None => (tokens::new_token(), true),
        },
    };

    req.extensions_mut().insert(PageContext {
        lang,
        csrf_token: csrf_token.clone(),
        user: user.map(|(u, _)| u),
        contacts: state.app.settings.contacts.clone(),
    });
    let mut res = next.run(req).await;
    if fresh_csrf {
        let set = cookies::csrf(&csrf_token, secure);
        if let Ok(value) = HeaderValue::from_str(&set) {
            res.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    res
}
