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
    use crate::auth::guard::require_role;
    use crate::state::AppState;
    use crate::store::users;

    require_role(&[Role::Admin])?;
    let state = AppState::from_context()?;
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
