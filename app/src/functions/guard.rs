//! The role check every server function starts with.

use leptos::prelude::use_context;

use crate::domain::Role;
use crate::domain::SessionUser;
use crate::errors::AppError;
use crate::page_context::PageContext;

/// The logged-in staff member, if their role is one of `allowed`.
pub fn require_role(allowed: &[Role]) -> Result<SessionUser, AppError> {
    let user = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<PageContext>().cloned())
        .and_then(|ctx| ctx.user);
    match user {
        None => Err(crate::functions::reject(AppError::Unauthenticated)),
        Some(u) if !allowed.contains(&u.role) => Err(crate::functions::reject(AppError::Forbidden)),
        Some(u) => Ok(u),
    }
}
