//! Administration: staff accounts.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::Role;
use crate::errors::AppError;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffSummary {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
}

#[server(prefix = "/api", endpoint = "admin/staff", input = server_fn::codec::GetUrl)]
pub async fn list_staff() -> Result<Vec<StaffSummary>, AppError> {
    use crate::functions::guard::{Staff, staff};
    use crate::store::users;

    let Staff { state, .. } = staff(&[Role::Admin])?;
    let staff = users::list(&state.db).await?;
    Ok(staff
        .into_iter()
        .map(|s| StaffSummary {
            username: s.username,
            display_name: s.display_name,
            role: s.role,
            active: s.active,
        })
        .collect())
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
