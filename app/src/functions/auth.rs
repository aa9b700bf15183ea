//! Staff login and logout. Both are plain form posts that answer with a redirect, so they work
//! without JavaScript and always leave the browser on a freshly rendered page.

use leptos::prelude::*;

use crate::errors::AppError;

#[server(prefix = "/api", endpoint = "auth/login")]
pub async fn login(
    csrf_token: String,
    username: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::auth::{cookies, login::log_in};
    use crate::domain::LocalPath;
    use crate::domain::tokens;
    use crate::functions::{append_cookie, client_address, reject};
    use crate::state::AppState;

    // The CSRF layer has compared the token with the cookie before this function runs.
    let _ = csrf_token;
    let state = AppState::from_context()?;
    let logged_in = log_in(&state, &username, password, &client_address())
        .await
        .map_err(reject)?;
    let secure = state.settings.secure_cookies;
    append_cookie(&cookies::session(&logged_in.session_token, secure));
    // A new CSRF token with the new session: nothing from before the login stays valid.
    append_cookie(&cookies::csrf(&tokens::new_token(), secure));
    let target = next
        .as_deref()
        .and_then(LocalPath::parse)
        .filter(|n| n.as_str() != "/login")
        .map_or_else(
            || logged_in.user.role.landing_path().to_owned(),
            LocalPath::into_string,
        );
    leptos_axum::redirect(&target);
    Ok(())
}

#[server(prefix = "/api", endpoint = "auth/logout")]
pub async fn logout(csrf_token: String) -> Result<(), AppError> {
    use crate::auth::{cookies, login::log_out};
    use crate::domain::tokens;
    use crate::functions::{append_cookie, request_cookie};
    use crate::state::AppState;

    let _ = csrf_token;
    let state = AppState::from_context()?;
    let secure = state.settings.secure_cookies;
    if let Some(token) = request_cookie(&cookies::name(cookies::SESSION, secure)) {
        log_out(&state, &token).await?;
    }
    append_cookie(&cookies::clear_session(secure));
    // A fresh visitor token: nothing from the session stays valid after it.
    append_cookie(&cookies::csrf(&tokens::new_token(), secure));
    leptos_axum::redirect("/");
    Ok(())
}
