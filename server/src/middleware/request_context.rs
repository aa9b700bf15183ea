//! Resolves the page context for each request and makes sure the browser has a CSRF cookie.

use app::auth::{cookies, tokens, unix_now};
use app::i18n::Lang;
use app::page_context::PageContext;
use app::store::sessions;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::startup::ServerState;

pub async fn resolve(State(state): State<ServerState>, mut req: Request, next: Next) -> Response {
    let cookie_header = req
        .headers()
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let cookie = |name| cookies::read(&cookie_header, name);

    let lang = cookie(cookies::LANG)
        .and_then(Lang::parse)
        .unwrap_or_default();
    let user = match cookie(cookies::SESSION).filter(|t| tokens::is_well_formed(t)) {
        None => None,
        Some(token) => {
            match sessions::find_user(&state.app.db, &tokens::token_hash(token), unix_now()).await {
                Ok(user) => user,
                Err(e) => {
                    tracing::error!(error = %e, "session lookup failed");
                    None
                }
            }
        }
    };
    let existing_csrf = cookie(cookies::CSRF)
        .filter(|t| tokens::is_well_formed(t))
        .map(str::to_owned);
    let fresh_csrf = existing_csrf.is_none();
    let csrf_token = existing_csrf.unwrap_or_else(tokens::new_token);

    req.extensions_mut().insert(PageContext {
        lang,
        csrf_token: csrf_token.clone(),
        user,
        contacts: state.app.settings.contacts.clone(),
    });
    let mut res = next.run(req).await;
    if fresh_csrf {
        let set = cookies::csrf(&csrf_token, state.app.settings.secure_cookies);
        if let Ok(value) = HeaderValue::from_str(&set) {
            res.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    res
}
