//! Administration: staff accounts and the login throttle's hold on usernames.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::Role;
use crate::errors::AppError;

/// One staff account as the administrator sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffSummary {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    /// Danish local time of the last login ("YYYY-MM-DD HH:MM"), if any.
    pub last_login: Option<String>,
    pub two_factor: bool,
    /// A temporary password waits to be changed at the next login.
    pub must_change_password: bool,
    /// Unused recovery codes (only counted for one person's page).
    pub recovery_codes_left: Option<i64>,
}

#[cfg(feature = "ssr")]
fn summary(s: crate::store::users::StaffRecord, recovery_codes_left: Option<i64>) -> StaffSummary {
    use crate::domain::danish_time;
    let last_login = s
        .last_login_at
        .and_then(|at| time::OffsetDateTime::from_unix_timestamp(at).ok())
        .map(|at| danish_time::write(danish_time::local(at), danish_time::Layout::Screen));
    StaffSummary {
        two_factor: s.enrolled(),
        username: s.username,
        display_name: s.display_name,
        role: s.role,
        active: s.active,
        last_login,
        must_change_password: s.must_change_password,
        recovery_codes_left,
    }
}

#[server(prefix = "/api", endpoint = "admin/staff", input = server_fn::codec::GetUrl)]
pub async fn list_staff() -> Result<Vec<StaffSummary>, AppError> {
    use crate::functions::guard::{Staff, staff};
    use crate::store::users;

    let Staff { state, .. } = staff(&[Role::Admin])?;
    let staff = users::list(&state.db).await?;
    Ok(staff.into_iter().map(|s| summary(s, None)).collect())
}

/// One staff member's account, or `None` when no account has the username.
#[server(prefix = "/api", endpoint = "admin/staff/member", input = server_fn::codec::GetUrl)]
pub async fn staff_member(username: String) -> Result<Option<StaffSummary>, AppError> {
    use crate::functions::guard::{Staff, staff};
    use crate::store::{two_factor, users};

    let Staff { state, .. } = staff(&[Role::Admin])?;
    let Some(record) = users::find_by_username(&state.db, &username).await? else {
        return Ok(None);
    };
    let left = two_factor::recovery_codes_left(&state.db, record.id).await?;
    Ok(Some(summary(record, Some(left))))
}

#[cfg(feature = "ssr")]
fn staff_refusal(e: crate::auth::staff::StaffError) -> AppError {
    use crate::auth::staff::StaffError;
    use crate::i18n::Lang;
    match e {
        StaffError::Store(e) => e.into(),
        StaffError::Hash(_) => AppError::Internal,
        e => crate::functions::invalid(e.field(), e.message(Lang::Da), e.message(Lang::En)),
    }
}

/// Adds a staff member with a temporary password they must change at their first login.
#[server(prefix = "/api", endpoint = "admin/staff/add")]
pub async fn add_staff(
    csrf_token: String,
    username: String,
    display_name: String,
    role: String,
    temporary_password: String,
) -> Result<(), AppError> {
    use crate::auth::staff::{self as staff_admin, NewPerson};
    use crate::functions::guard::{Staff, staff};

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Admin])?;
    let role = Role::parse(&role)
        .map_err(|_| crate::functions::invalid("role", "Vælg en rolle.", "Choose a role."))?;
    let added = staff_admin::add(
        &state.db,
        &me.username,
        NewPerson {
            username: &username,
            display_name: &display_name,
            role,
            password: &temporary_password,
            temporary: true,
        },
    )
    .await
    .map_err(staff_refusal)?;
    leptos_axum::redirect(&format!("/admin/personale/{added}?oprettet=1"));
    Ok(())
}

/// One change to a staff account: `action` is `disable`, `enable`, `role` (with `role`),
/// `rename` (with `display_name`), `reset-password` (with `temporary_password`) or
/// `reset-2fa`. Returns how many sessions it ended.
#[server(prefix = "/api", endpoint = "admin/staff/change")]
pub async fn change_staff(
    csrf_token: String,
    username: String,
    action: String,
    role: Option<String>,
    display_name: Option<String>,
    temporary_password: Option<String>,
) -> Result<u64, AppError> {
    use crate::auth::staff::{self as staff_admin, Payload};
    use crate::domain::staff_admin::StaffAction;
    use crate::functions::guard::{Staff, staff};

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Admin])?;
    let unknown = || crate::functions::invalid("action", "Ukendt handling.", "Unknown action.");
    let (action, payload) = match action.as_str() {
        "disable" => (StaffAction::Disable, Payload::None),
        "enable" => (StaffAction::Enable, Payload::None),
        "role" => {
            let role = role
                .as_deref()
                .and_then(|r| Role::parse(r).ok())
                .ok_or_else(|| {
                    crate::functions::invalid("role", "Vælg en rolle.", "Choose a role.")
                })?;
            (StaffAction::ChangeRole(role), Payload::None)
        }
        "rename" => (
            StaffAction::Rename,
            Payload::Name(display_name.as_deref().unwrap_or_default()),
        ),
        "reset-password" => (
            StaffAction::ResetPassword,
            Payload::TemporaryPassword(temporary_password.as_deref().unwrap_or_default()),
        ),
        "reset-2fa" => (StaffAction::ResetTwoFactor, Payload::None),
        _ => return Err(unknown()),
    };
    let ended = staff_admin::change(&state.db, &me.username, &username, action, payload)
        .await
        .map_err(staff_refusal)?;
    if crate::functions::is_plain_form_post() {
        let username = crate::domain::Username::parse(&username)
            .map(|u| u.to_string())
            .unwrap_or_default();
        leptos_axum::redirect(&format!(
            "/admin/personale/{username}?gemt={}",
            action.audit_action()
        ));
    }
    Ok(ended)
}

/// A username the login throttle holds back somewhere right now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockedLogin {
    pub username: String,
    /// The longest remaining wait, in whole minutes (rounded up).
    pub retry_after_minutes: u32,
    /// Addresses the username is locked at.
    pub addresses: u32,
    /// Also locked at new, untrusted addresses (many failures from many addresses).
    pub anywhere_new: bool,
    pub failures: u32,
}

#[server(prefix = "/api", endpoint = "admin/locked-logins", input = server_fn::codec::GetUrl)]
pub async fn list_locked_logins() -> Result<Vec<LockedLogin>, AppError> {
    use crate::auth::lockouts;
    use crate::domain::throttle::Verdict;
    use crate::functions::guard::{Staff, staff};

    let Staff { state, .. } = staff(&[Role::Admin])?;
    let locked = lockouts::locked(&state.db).await?;
    Ok(locked
        .into_iter()
        .map(|l| LockedLogin {
            retry_after_minutes: Verdict::retry_after_minutes(l.retry_after_secs),
            username: l.username,
            addresses: l.addresses,
            anywhere_new: l.anywhere_new,
            failures: l.failures,
        })
        .collect())
}

/// Clears every failed login of a username, so its owner can log in at once (audited).
/// Returns how many failures were cleared; a plain form post (the admin page's button, no
/// JavaScript needed) is answered with a redirect back to the admin page instead.
#[server(prefix = "/api", endpoint = "admin/unlock-login")]
pub async fn unlock_login(csrf_token: String, username: String) -> Result<u64, AppError> {
    use crate::auth::lockouts::{self, UnlockError};
    use crate::functions::guard::{Staff, staff};
    use crate::i18n::Lang;

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Admin])?;
    let cleared = lockouts::unlock(&state.db, &username, &me.username)
        .await
        .map_err(|e| match e {
            UnlockError::Store(e) => e.into(),
            e => crate::functions::invalid("username", e.message(Lang::Da), e.message(Lang::En)),
        })?;
    let form_post = use_context::<http::request::Parts>().is_some_and(|p| {
        p.headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    });
    if form_post {
        leptos_axum::redirect("/admin?unlocked=1");
    }
    Ok(cleared)
}
