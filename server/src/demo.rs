//! Demo data for a first run: staff accounts for each role, with printed credentials.

use app::auth::password;
use app::domain::{Role, StaffPassword, Username};
use app::store::{Db, StoreError, users};

pub struct DemoLogin {
    pub username: &'static str,
    pub password: &'static str,
    pub display_name: &'static str,
    pub role: Role,
}

/// Public by design: these accounts exist only in demo data.
pub const DEMO_LOGINS: [DemoLogin; 3] = [
    DemoLogin {
        username: "supporter",
        password: "demo-telefon-2026",
        display_name: "Sara Supporter",
        role: Role::Supporter,
    },
    DemoLogin {
        username: "borgerservice",
        password: "demo-skranke-2026",
        display_name: "Bo Borgerservice",
        role: Role::Borgerservice,
    },
    DemoLogin {
        username: "admin",
        password: "demo-indstil-2026",
        display_name: "Alma Administrator",
        role: Role::Admin,
    },
];

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("password hashing failed: {0}")]
    Password(#[from] password::PasswordError),
    #[error("demo login {0} breaks the staff rules: {1}")]
    Invalid(&'static str, String),
}

/// Adds the demo staff accounts that are missing; returns how many were added.
pub async fn ensure_demo_staff(db: &Db) -> Result<usize, DemoError> {
    let mut added = 0;
    for login in &DEMO_LOGINS {
        if users::find_by_username(db, login.username).await?.is_some() {
            continue;
        }
        let username = Username::parse(login.username)
            .map_err(|e| DemoError::Invalid(login.username, e.to_string()))?;
        let pw = StaffPassword::parse(login.password, login.username)
            .map_err(|e| DemoError::Invalid(login.username, e.to_string()))?;
        let hash = password::hash(pw.expose().to_owned()).await?;
        users::insert(
            db,
            users::NewStaff {
                username: &username,
                display_name: login.display_name,
                role: login.role,
                password_hash: &hash,
            },
        )
        .await?;
        added += 1;
    }
    Ok(added)
}
