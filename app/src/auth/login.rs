//! Logging a staff member in and out.

use super::{cookies, password, throttle, tokens, unix_now};
use crate::errors::AppError;
use crate::page_context::SessionUser;
use crate::state::AppState;
use crate::store::{login_failures, sessions, users};

pub struct LoggedIn {
    pub user: SessionUser,
    pub session_token: String,
}

/// Checks the throttle, then the password (timing does not reveal whether the user exists),
/// and opens a session.
pub async fn log_in(
    state: &AppState,
    username: &str,
    password_attempt: String,
    client: &str,
) -> Result<LoggedIn, AppError> {
    let key = username.trim().to_lowercase();
    let now = unix_now();
    let recent =
        login_failures::recent(&state.db, &key, client, now - throttle::WINDOW_SECS).await?;
    if let throttle::Verdict::Locked { retry_after_secs } =
        throttle::judge(&recent.for_username, &recent.for_client, now)
    {
        tracing::warn!(client, "login refused by throttle");
        let minutes = u32::try_from((retry_after_secs + 59) / 60).unwrap_or(u32::MAX);
        return Err(AppError::TooManyAttempts {
            retry_after_minutes: minutes,
        });
    }

    let record = users::find_by_username(&state.db, &key).await?;
    let stored = record.as_ref().map(|r| r.password_hash.clone());
    let password_ok = password::verify(password_attempt, stored)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "password verification failed");
            AppError::Internal
        })?;
    let record = match record {
        Some(r) if password_ok && r.active => r,
        _ => {
            login_failures::record(&state.db, &key, client, now, now - throttle::WINDOW_SECS)
                .await?;
            tracing::info!(client, "failed staff login");
            return Err(AppError::InvalidCredentials);
        }
    };

    login_failures::clear_username(&state.db, &key).await?;
    let session_token = tokens::new_token();
    sessions::create(
        &state.db,
        record.id,
        &tokens::token_hash(&session_token),
        now,
        cookies::SESSION_TTL_SECS,
    )
    .await?;
    tracing::info!(username = %record.username, role = record.role.as_str(), "staff login");
    Ok(LoggedIn {
        user: record.session_user(),
        session_token,
    })
}

pub async fn log_out(state: &AppState, session_token: &str) -> Result<(), AppError> {
    sessions::delete(&state.db, &tokens::token_hash(session_token)).await?;
    Ok(())
}
