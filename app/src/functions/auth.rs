//! Staff login and logout. Both are plain form posts that answer with a redirect, so they work
//! without JavaScript and always leave the browser on a freshly rendered page.

use leptos::prelude::*;

use crate::errors::AppError;

/// `next` must be a path on this site: never an absolute URL an attacker could send us to.
pub fn is_safe_next(next: &str) -> bool {
    next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.contains("://")
}

#[server(prefix = "/api", endpoint = "auth/login")]
pub async fn login(
    csrf_token: String,
    username: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::auth::{cookies, login::log_in, tokens};
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
        .filter(|n| is_safe_next(n) && n != "/login")
        .unwrap_or_else(|| logged_in.user.role.landing_path().to_owned());
    leptos_axum::redirect(&target);
    Ok(())
}

#[server(prefix = "/api", endpoint = "auth/logout")]
pub async fn logout(csrf_token: String) -> Result<(), AppError> {
    use crate::auth::{cookies, login::log_out};
    use crate::functions::{append_cookie, request_cookie};
    use crate::state::AppState;

    let _ = csrf_token;
    let state = AppState::from_context()?;
    if let Some(token) = request_cookie(cookies::SESSION) {
        log_out(&state, &token).await?;
    }
    append_cookie(&cookies::clear_session(state.settings.secure_cookies));
    leptos_axum::redirect("/");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_must_stay_on_this_site() {
        assert!(is_safe_next("/support"));
        assert!(is_safe_next("/support?view=urgent"));
        assert!(!is_safe_next("//evil.example"));
        assert!(!is_safe_next("https://evil.example"));
        assert!(!is_safe_next("/\\evil.example"));
        assert!(!is_safe_next("support"));
    }
}
