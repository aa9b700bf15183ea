//! Staff authentication: password hashing, session cookies and the login itself (the throttle's
//! rules and the token helpers are in `domain`, the role guard in `functions::guard`).

pub mod cookies;
pub mod lockouts;
pub mod login;
pub mod login_steps;
pub mod password;
pub mod staff;
pub mod totp;

/// Seconds since the Unix epoch: the clock sessions and the throttle run on.
pub fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}
