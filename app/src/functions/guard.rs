//! The role check and state every staff server function starts with.

use leptos::prelude::use_context;

use crate::domain::Role;
use crate::domain::SessionUser;
use crate::errors::AppError;
use crate::page_context::PageContext;
use crate::state::AppState;

/// The logged-in staff member, if their role is one of `allowed` (or acts as one: a lead is
/// also a supporter).
pub fn require_role(allowed: &[Role]) -> Result<SessionUser, AppError> {
    let user = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<PageContext>().cloned())
        .and_then(|ctx| ctx.user);
    match user {
        None => Err(crate::functions::reject(AppError::Unauthenticated)),
        Some(u) if !allowed.iter().any(|r| u.role.acts_as(*r)) => {
            Err(crate::functions::reject(AppError::Forbidden))
        }
        Some(u) => Ok(u),
    }
}

/// How every staff server function begins: who is calling (with one of the `allowed` roles)
/// and the app's state.
pub struct Staff {
    pub me: SessionUser,
    pub state: AppState,
}

pub fn staff(allowed: &[Role]) -> Result<Staff, AppError> {
    let me = require_role(allowed)?;
    let state = AppState::from_context()?;
    Ok(Staff { me, state })
}
