//! The steps of a login between its password and its session: choosing a new password after
//! an administrator's reset, setting up the authenticator (QR code and recovery codes), and
//! typing its code or a recovery code. Each step is reached by the token in the login-step
//! cookie; code steps go through the login throttle like passwords do.

use super::login::{self, LoggedIn};
use super::password::{Busy, HashGate};
use super::{totp, unix_now};
use crate::domain::audit::AuditEntry;
use crate::domain::two_factor::{self, LoginStep, SecondFactor, SecondFactorError};
use crate::domain::{StaffPassword, metric_names, tokens};
use crate::errors::AppError;
use crate::state::AppState;
use crate::store::login_failures::{self, Reservation};
use crate::store::two_factor::{self as store, LoginStepRecord};
use crate::store::users::{self, Change, StaffRecord};
use crate::store::{StoreError, audit};

/// A login waiting at one of its steps.
pub struct Pending {
    token_hash: Vec<u8>,
    pub user: StaffRecord,
    pub step: LoginStep,
    record: LoginStepRecord,
}

/// Where a step leads.
pub enum StepOutcome {
    /// The login is complete; go to `next_path` (the page the person first wanted) or their
    /// start page.
    Session {
        logged_in: LoggedIn,
        next_path: Option<String>,
    },
    /// Another step follows.
    Next(LoginStep),
}

/// What the set-up page shows, once per login.
pub struct Enrolment {
    /// Whose login it is.
    pub display_name: String,
    /// The secret in groups of four, for typing into an app by hand.
    pub secret_text: String,
    pub otpauth_url: String,
    pub qr_svg: String,
    /// Ten recovery codes, formatted `XXXX-XXXX-XXXX-XXXX`.
    pub recovery_codes: Vec<String>,
}

fn internal(e: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "login step failed");
    AppError::Internal
}

/// The login behind `token`, at the step it stands at now.
pub async fn pending(state: &AppState, token: &str) -> Result<Pending, AppError> {
    if !tokens::is_well_formed(token) {
        return Err(AppError::Unauthenticated);
    }
    let token_hash = tokens::token_hash(token);
    let record = store::find_step(&state.db, &token_hash, unix_now())
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let user = users::find_by_id(&state.db, record.user_id)
        .await?
        .filter(|u| u.active)
        .ok_or(AppError::Unauthenticated)?;
    let step = login::step_for(&state.settings, &user, false).ok_or(AppError::Unauthenticated)?;
    Ok(Pending {
        token_hash,
        user,
        step,
        record,
    })
}

fn expect_step(pending: &Pending, step: LoginStep) -> Result<(), AppError> {
    if pending.step == step {
        Ok(())
    } else {
        // A stale page (the step was done in another tab): the page of the right step reloads.
        Err(AppError::Unauthenticated)
    }
}

/// Ends the login with a session, or says which step follows (`factor_passed` once the
/// second factor has been passed in this login).
async fn proceed(
    state: &AppState,
    pending: Pending,
    client: &str,
    now: i64,
    factor_passed: bool,
) -> Result<StepOutcome, AppError> {
    let user = users::find_by_id(&state.db, pending.user.id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if let Some(step) = login::step_for(&state.settings, &user, factor_passed) {
        return Ok(StepOutcome::Next(step));
    }
    login::settle(&state.db, &user.username, client, now).await?;
    let logged_in = login::open_session(&state.db, &user, now, Some(&pending.token_hash)).await?;
    Ok(StepOutcome::Session {
        logged_in,
        next_path: pending.record.next_path,
    })
}

fn password_refusal(e: crate::domain::staff_password::StaffPasswordError) -> AppError {
    use crate::domain::staff_password::StaffPasswordError as E;
    let (da, en) = match e {
        E::TooShort => (
            "Adgangskoden skal have mindst 12 tegn.",
            "The password must have at least 12 characters.",
        ),
        E::TooLong => (
            "Adgangskoden må højst have 128 tegn.",
            "The password may have at most 128 characters.",
        ),
        E::ContainsUsername => (
            "Adgangskoden må ikke indeholde dit brugernavn.",
            "The password must not contain your username.",
        ),
    };
    AppError::Invalid {
        field: "password".into(),
        message_da: da.into(),
        message_en: en.into(),
    }
}

/// Parses a new staff password (typed twice) for `username`.
pub fn parse_new_password(
    username: &str,
    password: &str,
    repeat: &str,
) -> Result<StaffPassword, AppError> {
    let pw = StaffPassword::parse(password, username).map_err(password_refusal)?;
    if !tokens::secrets_match(password, repeat) {
        return Err(AppError::Invalid {
            field: "repeat".into(),
            message_da: "De to adgangskoder er ikke ens.".into(),
            message_en: "The two passwords differ.".into(),
        });
    }
    Ok(pw)
}

/// The first step after an administrator's reset: the person's own new password, which may
/// not be the temporary one.
pub async fn new_password(
    state: &AppState,
    token: &str,
    password: &str,
    repeat: &str,
    client: &str,
) -> Result<StepOutcome, AppError> {
    let pending = pending(state, token).await?;
    expect_step(&pending, LoginStep::NewPassword)?;
    let pw = parse_new_password(&pending.user.username, password, repeat)?;
    let same = HashGate::shared()
        .admit()
        .map_err(|Busy| AppError::Busy)?
        .verify(
            pw.expose().to_owned(),
            Some(pending.user.password_hash.clone()),
        )
        .await
        .map_err(internal)?;
    if same {
        return Err(AppError::Invalid {
            field: "password".into(),
            message_da: "Vælg en ny adgangskode – ikke den midlertidige.".into(),
            message_en: "Choose a new password – not the temporary one.".into(),
        });
    }
    let hash = super::password::hash(pw.expose().to_owned())
        .await
        .map_err(internal)?;
    let username = pending.user.username.clone();
    let entry = AuditEntry::new(&username, "staff.password.changed", &username);
    let mut tx = state.db.begin_write().await?;
    users::apply(
        &mut tx,
        pending.user.id,
        &Change::OwnPassword { hash: &hash },
    )
    .await?;
    audit::append(&mut tx, &entry).await?;
    tx.commit().await.map_err(StoreError::from)?;
    proceed(state, pending, client, unix_now(), false).await
}

/// The set-up page's secret, QR code and recovery codes: made once per login and kept,
/// sealed, with its step, so a reload shows the same.
pub async fn enrolment(state: &AppState, token: &str) -> Result<Enrolment, AppError> {
    let pending = pending(state, token).await?;
    expect_step(&pending, LoginStep::Enrol)?;
    let vault = &state.cpr_vault;
    let (sealed_secret, sealed_codes) = match (
        &pending.record.pending_secret,
        &pending.record.pending_codes,
    ) {
        (Some(s), Some(c)) => (s.clone(), c.clone()),
        _ => {
            let secret = vault.seal_secret(&totp::new_secret()).map_err(internal)?;
            let codes = totp::new_recovery_codes().join("\n");
            let codes = vault.seal_secret(codes.as_bytes()).map_err(internal)?;
            store::keep_pending(&state.db, &pending.token_hash, &secret, &codes).await?
        }
    };
    let secret = vault.open_secret(&sealed_secret).map_err(internal)?;
    let codes = vault.open_secret(&sealed_codes).map_err(internal)?;
    let otpauth_url = totp::otpauth_url(&secret, &pending.user.username).map_err(internal)?;
    Ok(Enrolment {
        display_name: pending.user.display_name.clone(),
        secret_text: totp::secret_text(&secret),
        qr_svg: totp::qr_svg(&otpauth_url).map_err(internal)?,
        otpauth_url,
        recovery_codes: String::from_utf8_lossy(&codes)
            .lines()
            .map(two_factor::format_recovery)
            .collect(),
    })
}

/// Refuses a code step before it is checked when the throttle holds the username back at
/// this address; otherwise the attempt is on record as a failure until it succeeds.
async fn reserve(
    state: &AppState,
    user: &StaffRecord,
    client: &str,
    now: i64,
) -> Result<i64, AppError> {
    let key = login::username_key(&user.username);
    let trusted = state.settings.trusted_networks.contains(client);
    match login_failures::reserve(&state.db, &key, client, trusted, now).await? {
        Reservation::Locked { retry_after_secs } => {
            metrics::counter!(metric_names::LOGIN_FAILURES, "reason" => "throttled").increment(1);
            Err(AppError::TooManyAttempts {
                retry_after_minutes: crate::domain::throttle::Verdict::retry_after_minutes(
                    retry_after_secs,
                ),
            })
        }
        Reservation::Reserved { id } => Ok(id),
    }
}

/// A wrong code or one used already. A refusal of the field (422) rather than a new error
/// kind: every kind's texts travel in the bundle each citizen downloads.
fn wrong_code(user: &StaffRecord, client: &str) -> AppError {
    tracing::info!(client, username = %user.username, "wrong second-factor code");
    metrics::counter!(metric_names::LOGIN_FAILURES, "reason" => "code").increment(1);
    AppError::Invalid {
        field: "code".into(),
        message_da: "Koden er forkert eller allerede brugt. Vent på den næste kode i appen, og prøv igen.".into(),
        message_en: "The code is wrong or was already used. Wait for the next code in the app and try again.".into(),
    }
}

fn parse_code(raw: &str) -> Result<SecondFactor, AppError> {
    SecondFactor::parse(raw).map_err(|e| {
        let (da, en) = match e {
            SecondFactorError::Empty => ("Skriv koden.", "Type the code."),
            SecondFactorError::Malformed => (
                "Skriv de 6 cifre fra appen, eller en gendannelseskode (16 tegn).",
                "Type the 6 digits from the app, or a recovery code (16 characters).",
            ),
        };
        AppError::Invalid {
            field: "code".into(),
            message_da: da.into(),
            message_en: en.into(),
        }
    })
}

/// Confirms the set-up with the first code from the app: the secret and the recovery codes'
/// hashes are stored, and the login completes.
pub async fn confirm_enrolment(
    state: &AppState,
    token: &str,
    code: &str,
    client: &str,
) -> Result<StepOutcome, AppError> {
    let pending = pending(state, token).await?;
    expect_step(&pending, LoginStep::Enrol)?;
    let SecondFactor::Code(code) = parse_code(code)? else {
        return Err(AppError::Invalid {
            field: "code".into(),
            message_da: "Skriv de 6 cifre, appen viser nu.".into(),
            message_en: "Type the 6 digits the app shows now.".into(),
        });
    };
    let (Some(sealed_secret), Some(sealed_codes)) = (
        &pending.record.pending_secret,
        &pending.record.pending_codes,
    ) else {
        // The page was never shown for this login: nothing to confirm.
        return Err(AppError::Unauthenticated);
    };
    let now = unix_now();
    let reservation = reserve(state, &pending.user, client, now).await?;
    let checked = (|| {
        let secret = state
            .cpr_vault
            .open_secret(sealed_secret)
            .map_err(internal)?;
        let codes = state
            .cpr_vault
            .open_secret(sealed_codes)
            .map_err(internal)?;
        let step = totp::matching_step(&secret, &code, now, None).map_err(internal)?;
        Ok::<_, AppError>((step, codes))
    })();
    let (step, codes) = match checked {
        Ok(v) => v,
        Err(e) => {
            let _ = login_failures::annul(&state.db, reservation).await;
            return Err(e);
        }
    };
    let Some(step) = step else {
        return Err(wrong_code(&pending.user, client));
    };
    let hashes: Vec<Vec<u8>> = String::from_utf8_lossy(&codes)
        .lines()
        .map(totp::recovery_hash)
        .collect();
    let username = pending.user.username.clone();
    let entry = AuditEntry::new(&username, "staff.2fa.enrolled", &username);
    let mut tx = state.db.begin_write().await?;
    store::enrol(&mut tx, pending.user.id, sealed_secret, step, &hashes).await?;
    audit::append(&mut tx, &entry).await?;
    tx.commit().await.map_err(StoreError::from)?;
    tracing::info!(username = %username, "two-factor login set up");
    proceed(state, pending, client, now, true).await
}

/// The code step: a code from the app (each time step once) or an unused recovery code.
pub async fn second_factor(
    state: &AppState,
    token: &str,
    input: &str,
    client: &str,
) -> Result<StepOutcome, AppError> {
    let pending = pending(state, token).await?;
    expect_step(&pending, LoginStep::Code)?;
    let factor = parse_code(input)?;
    let now = unix_now();
    let reservation = reserve(state, &pending.user, client, now).await?;
    let accepted = match factor {
        SecondFactor::Code(code) => {
            let Some(sealed) = &pending.user.totp_secret else {
                return Err(AppError::Unauthenticated);
            };
            let matched = state
                .cpr_vault
                .open_secret(sealed)
                .map_err(internal)
                .and_then(|secret| {
                    totp::matching_step(&secret, &code, now, pending.user.totp_last_step)
                        .map_err(internal)
                });
            match matched {
                Err(e) => {
                    let _ = login_failures::annul(&state.db, reservation).await;
                    return Err(e);
                }
                // Accepted only if no other login took this step meanwhile.
                Ok(Some(step)) => store::accept_step(&state.db, pending.user.id, step).await?,
                Ok(None) => false,
            }
        }
        SecondFactor::Recovery(code) => {
            let username = pending.user.username.clone();
            let entry = AuditEntry::new(&username, "login.recovery_code", &username);
            let mut tx = state.db.begin_write().await?;
            let spent = store::spend_recovery_code(
                &mut tx,
                pending.user.id,
                &totp::recovery_hash(&code),
                now,
            )
            .await?;
            if spent {
                audit::append(&mut tx, &entry).await?;
                tx.commit().await.map_err(StoreError::from)?;
                tracing::warn!(username = %username, "logged in with a recovery code");
            }
            spent
        }
    };
    if !accepted {
        return Err(wrong_code(&pending.user, client));
    }
    proceed(state, pending, client, now, true).await
}
