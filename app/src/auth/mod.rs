//! Staff authentication: password hashing, session tokens, cookies, the login throttle, the
//! login itself and the role guard every server function calls.

pub mod cookies;
pub mod guard;
pub mod login;
pub mod password;
pub mod throttle;
pub mod tokens;

/// Seconds since the Unix epoch: the clock sessions and the throttle run on.
pub fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}
