//! Staff login and logout, and the login's steps after the password (a new password, setting
//! up the authenticator, its code). All are plain form posts that answer with a redirect, so
//! they work without JavaScript and always leave the browser on a freshly rendered page.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::two_factor::LoginStep;
use crate::errors::AppError;

/// What a step's page shows of the login it continues.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepView {
    pub display_name: String,
    pub step: LoginStep,
}

/// The set-up page: the QR code (an SVG drawn on the server), the same secret as text, and
/// the ten recovery codes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolmentView {
    pub display_name: String,
    pub secret_text: String,
    pub otpauth_url: String,
    pub qr_svg: String,
    pub recovery_codes: Vec<String>,
}

#[cfg(feature = "ssr")]
mod finish {
    use crate::auth::cookies;
    use crate::auth::login::LoggedIn;
    use crate::auth::login_steps::StepOutcome;
    use crate::domain::LocalPath;
    use crate::domain::tokens;
    use crate::errors::AppError;
    use crate::functions::{append_cookie, request_cookie};
    use crate::state::AppState;

    /// The login-step cookie's token, or the refusal of a login that has none.
    pub fn step_token(state: &AppState) -> Result<String, AppError> {
        let name = cookies::name(cookies::LOGIN_STEP, state.settings.secure_cookies);
        request_cookie(&name).ok_or(AppError::Unauthenticated)
    }

    /// Sets the session's cookies and sends the person on: to `next` (a local page other
    /// than the login) or their start page.
    pub fn session(state: &AppState, logged_in: &LoggedIn, next: Option<&str>) {
        let secure = state.settings.secure_cookies;
        append_cookie(&cookies::session(&logged_in.session_token, secure));
        append_cookie(&cookies::clear_login_step(secure));
        // A new CSRF token with the new session: nothing from before the login stays valid.
        append_cookie(&cookies::csrf(&tokens::new_token(), secure));
        let target = next
            .and_then(LocalPath::parse)
            .filter(|n| !n.as_str().starts_with("/login"))
            .map_or_else(
                || logged_in.user.role.landing_path().to_owned(),
                LocalPath::into_string,
            );
        leptos_axum::redirect(&target);
    }

    /// Where a step leads: the session, or the next step's page.
    pub fn step(state: &AppState, outcome: StepOutcome) {
        match outcome {
            StepOutcome::Session {
                logged_in,
                next_path,
            } => session(state, &logged_in, next_path.as_deref()),
            StepOutcome::Next(step) => leptos_axum::redirect(step.path()),
        }
    }
}

#[server(prefix = "/api", endpoint = "auth/login")]
pub async fn login(
    csrf_token: String,
    username: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::auth::cookies;
    use crate::auth::login::{LoginOutcome, log_in};
    use crate::domain::LocalPath;
    use crate::functions::{append_cookie, client_address, reject};
    use crate::state::AppState;

    // The CSRF layer has compared the token with the cookie before this function runs.
    let _ = csrf_token;
    let state = AppState::from_context()?;
    let next = next
        .as_deref()
        .and_then(LocalPath::parse)
        .map(LocalPath::into_string);
    let outcome = log_in(
        &state,
        &username,
        password,
        &client_address(),
        next.as_deref(),
    )
    .await
    .map_err(reject)?;
    match outcome {
        LoginOutcome::Session(logged_in) => finish::session(&state, &logged_in, next.as_deref()),
        LoginOutcome::Step { token, step } => {
            append_cookie(&cookies::login_step(&token, state.settings.secure_cookies));
            leptos_axum::redirect(step.path());
        }
    }
    Ok(())
}

/// The login waiting at a step, for its page.
#[server(prefix = "/api", endpoint = "auth/login-step", input = server_fn::codec::GetUrl)]
pub async fn login_progress() -> Result<StepView, AppError> {
    use crate::auth::login_steps;
    use crate::functions::reject;
    use crate::state::AppState;

    let state = AppState::from_context()?;
    let token = finish::step_token(&state).map_err(reject)?;
    let pending = login_steps::pending(&state, &token).await.map_err(reject)?;
    Ok(StepView {
        display_name: pending.user.display_name,
        step: pending.step,
    })
}

/// After an administrator's reset: the person's own new password, typed twice.
#[server(prefix = "/api", endpoint = "auth/login-new-password")]
pub async fn login_new_password(
    csrf_token: String,
    password: String,
    repeat: String,
) -> Result<(), AppError> {
    use crate::auth::login_steps;
    use crate::functions::{client_address, reject};
    use crate::state::AppState;

    let _ = csrf_token;
    let state = AppState::from_context()?;
    let token = finish::step_token(&state).map_err(reject)?;
    let outcome = login_steps::new_password(&state, &token, &password, &repeat, &client_address())
        .await
        .map_err(reject)?;
    finish::step(&state, outcome);
    Ok(())
}

/// The set-up page's QR code, secret and recovery codes (the same on every reload of one
/// login).
#[server(prefix = "/api", endpoint = "auth/login-enrolment", input = server_fn::codec::GetUrl)]
pub async fn login_enrolment() -> Result<EnrolmentView, AppError> {
    use crate::auth::login_steps;
    use crate::functions::reject;
    use crate::state::AppState;

    let state = AppState::from_context()?;
    let token = finish::step_token(&state).map_err(reject)?;
    let enrolment = login_steps::enrolment(&state, &token)
        .await
        .map_err(reject)?;
    Ok(EnrolmentView {
        display_name: enrolment.display_name,
        secret_text: enrolment.secret_text,
        otpauth_url: enrolment.otpauth_url,
        qr_svg: enrolment.qr_svg,
        recovery_codes: enrolment.recovery_codes,
    })
}

/// Confirms the set-up with the app's first code; the login completes.
#[server(prefix = "/api", endpoint = "auth/login-enrol")]
pub async fn login_enrol(csrf_token: String, code: String) -> Result<(), AppError> {
    use crate::auth::login_steps;
    use crate::functions::{client_address, reject};
    use crate::state::AppState;

    let _ = csrf_token;
    let state = AppState::from_context()?;
    let token = finish::step_token(&state).map_err(reject)?;
    let outcome = login_steps::confirm_enrolment(&state, &token, &code, &client_address())
        .await
        .map_err(reject)?;
    finish::step(&state, outcome);
    Ok(())
}

/// The second factor: the app's code or a recovery code.
#[server(prefix = "/api", endpoint = "auth/login-code")]
pub async fn login_code(csrf_token: String, code: String) -> Result<(), AppError> {
    use crate::auth::login_steps;
    use crate::functions::{client_address, reject};
    use crate::state::AppState;

    let _ = csrf_token;
    let state = AppState::from_context()?;
    let token = finish::step_token(&state).map_err(reject)?;
    let outcome = login_steps::second_factor(&state, &token, &code, &client_address())
        .await
        .map_err(reject)?;
    finish::step(&state, outcome);
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
