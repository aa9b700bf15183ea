//! Logging a staff member in and out.

use super::password::{Busy, HashGate};
use super::{cookies, unix_now};
use crate::domain::throttle::{TrustedNetworks, Verdict};
use crate::domain::tokens;
use crate::domain::two_factor::{self, LoginStep};
use crate::domain::{SessionUser, metric_names};
use crate::errors::AppError;
use crate::state::{AppState, Settings};
use crate::store::login_failures::{self, Reservation};
use crate::store::{Db, sessions, two_factor as two_factor_store, users};

pub struct LoggedIn {
    pub user: SessionUser,
    pub session_token: String,
}

/// Where a correct password leads: a session, or the next step of the login (a new
/// password, setting up or typing the second factor), held by a token in its own cookie.
pub enum LoginOutcome {
    Session(LoggedIn),
    Step { token: String, step: LoginStep },
}

/// The steps after the password must be done within ten minutes.
pub const STEP_TTL_SECS: i64 = 10 * 60;

/// Usernames are at most 32 characters; a longer one cannot exist and is cut before it is
/// recorded, so a guesser cannot fill the failure record with megabyte names.
const MAX_KEY_CHARS: usize = 64;

/// The throttle's key for a username as typed.
pub fn username_key(username: &str) -> String {
    username
        .trim()
        .chars()
        .take(MAX_KEY_CHARS)
        .collect::<String>()
        .to_lowercase()
}

/// One login attempt, without the session: a place at the hashing gate, then the attempt is
/// reserved (judged by the throttle and recorded as a failure in one write), then the
/// password is verified (timing does not reveal whether the user exists). Returns the user
/// whose password matched; the reservation stays on record until the login is complete
/// ([`settle`]), so a guesser who knows the password gets no fresh start at the second factor.
pub async fn attempt(
    db: &Db,
    gate: &HashGate,
    trusted: &TrustedNetworks,
    username: &str,
    password_attempt: String,
    client: &str,
    now: i64,
) -> Result<users::StaffRecord, AppError> {
    // Refused before any other work when the gate is full: a flood costs one counter.
    let ticket = gate.admit().map_err(|Busy| {
        tracing::warn!(client, "login refused: password hashing at capacity");
        AppError::Busy
    })?;
    let key = username_key(username);
    let reservation = match login_failures::reserve(db, &key, client, trusted.contains(client), now)
        .await?
    {
        Reservation::Locked { retry_after_secs } => {
            tracing::warn!(client, "login refused by throttle");
            metrics::counter!(metric_names::LOGIN_FAILURES, "reason" => "throttled").increment(1);
            return Err(AppError::TooManyAttempts {
                retry_after_minutes: Verdict::retry_after_minutes(retry_after_secs),
            });
        }
        Reservation::Reserved { id } => id,
    };

    let verified = async {
        let record = users::find_by_username(db, &key).await?;
        let stored = record.as_ref().map(|r| r.password_hash.clone());
        let ok = ticket.verify(password_attempt, stored).await.map_err(|e| {
            tracing::error!(error = %e, "password verification failed");
            AppError::Internal
        })?;
        Ok::<_, AppError>((record, ok))
    }
    .await;
    let (record, password_ok) = match verified {
        Ok(v) => v,
        Err(e) => {
            // Our failure, not theirs: the attempt does not count against them.
            if let Err(annul) = login_failures::annul(db, reservation).await {
                tracing::error!(error = %annul, "could not annul a login reservation");
            }
            return Err(e);
        }
    };
    match record {
        Some(r) if password_ok && r.active => Ok(r),
        // The reservation stays on record as the failure.
        _ => {
            tracing::info!(client, "failed staff login");
            metrics::counter!(metric_names::LOGIN_FAILURES, "reason" => "password").increment(1);
            Err(AppError::InvalidCredentials)
        }
    }
}

/// A complete login: the failures of this username at this address are cleared.
pub async fn settle(db: &Db, username: &str, client: &str, now: i64) -> Result<(), AppError> {
    login_failures::succeed(db, &username_key(username), client, now).await?;
    Ok(())
}

/// The step a person's login stands at, or `None` when a session may open;
/// `factor_passed` once this login has passed its second factor.
pub fn step_for(
    settings: &Settings,
    record: &users::StaffRecord,
    factor_passed: bool,
) -> Option<LoginStep> {
    let second_factor = !factor_passed
        && two_factor::required(record.role, settings.require_two_factor, record.enrolled());
    LoginStep::next(
        record.must_change_password,
        second_factor,
        record.enrolled(),
    )
}

/// Opens a session for `record` (ending the login step `finished_step`, if any) and records
/// the login.
pub async fn open_session(
    db: &Db,
    record: &users::StaffRecord,
    now: i64,
    finished_step: Option<&[u8]>,
) -> Result<LoggedIn, AppError> {
    let session_token = tokens::new_token();
    sessions::create(
        db,
        record.id,
        &tokens::token_hash(&session_token),
        now,
        cookies::SESSION_TTL_SECS,
        finished_step,
    )
    .await?;
    tracing::info!(username = %record.username, role = record.role.as_str(), "staff login");
    Ok(LoggedIn {
        user: record.session_user(),
        session_token,
    })
}

/// Checks the throttle and the password, then opens a session or begins the login's next
/// step (keeping `next`, the page the person wanted, for its end).
pub async fn log_in(
    state: &AppState,
    username: &str,
    password_attempt: String,
    client: &str,
    next: Option<&str>,
) -> Result<LoginOutcome, AppError> {
    let now = unix_now();
    let record = attempt(
        &state.db,
        HashGate::shared(),
        &state.settings.trusted_networks,
        username,
        password_attempt,
        client,
        now,
    )
    .await?;
    match step_for(&state.settings, &record, false) {
        None => {
            settle(&state.db, username, client, now).await?;
            Ok(LoginOutcome::Session(
                open_session(&state.db, &record, now, None).await?,
            ))
        }
        Some(step) => {
            let token = tokens::new_token();
            two_factor_store::create_step(
                &state.db,
                &tokens::token_hash(&token),
                record.id,
                next,
                now,
                STEP_TTL_SECS,
            )
            .await?;
            tracing::info!(username = %record.username, ?step, "password accepted; login continues");
            Ok(LoginOutcome::Step { token, step })
        }
    }
}

pub async fn log_out(state: &AppState, session_token: &str) -> Result<(), AppError> {
    sessions::delete(&state.db, &tokens::token_hash(session_token)).await?;
    Ok(())
}

#[cfg(test)]
#[path = "login_tests.rs"]
mod tests;
