//! The desk's cookies. All are HttpOnly and SameSite=Lax (so a link from an e-mail keeps the
//! session), and Secure when the desk is served over TLS.

use cookie::{Cookie, SameSite, time::Duration};

pub const SESSION: &str = "desk_session";
pub const CSRF: &str = "desk_csrf";
pub const LANG: &str = "desk_lang";
/// A login between its password and its session (a new password, the second factor).
pub const LOGIN_STEP: &str = "desk_login_step";

/// Staff sessions end after a working day at the latest.
pub const SESSION_TTL_SECS: i64 = 12 * 60 * 60;

/// The cookie's name on the wire: over TLS with the `__Host-` prefix, which the browser accepts
/// only from this exact host, Secure, with `Path=/` and no `Domain` (so a sibling subdomain
/// cannot plant or overwrite it).
pub fn name(base: &str, secure: bool) -> String {
    if secure {
        format!("__Host-{base}")
    } else {
        base.to_owned()
    }
}

fn build(base: &'static str, value: String, secure: bool, max_age: Duration) -> String {
    Cookie::build((name(base, secure), value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(max_age)
        .build()
        .to_string()
}

pub fn session(token: &str, secure: bool) -> String {
    build(
        SESSION,
        token.to_owned(),
        secure,
        Duration::seconds(SESSION_TTL_SECS),
    )
}

pub fn clear_session(secure: bool) -> String {
    build(SESSION, String::new(), secure, Duration::ZERO)
}

pub fn login_step(token: &str, secure: bool) -> String {
    build(
        LOGIN_STEP,
        token.to_owned(),
        secure,
        Duration::seconds(super::login::STEP_TTL_SECS),
    )
}

pub fn clear_login_step(secure: bool) -> String {
    build(LOGIN_STEP, String::new(), secure, Duration::ZERO)
}

pub fn csrf(token: &str, secure: bool) -> String {
    build(CSRF, token.to_owned(), secure, Duration::days(7))
}

pub fn lang(code: &str, secure: bool) -> String {
    build(LANG, code.to_owned(), secure, Duration::days(365))
}

/// The value of cookie `name` in a `Cookie:` request header.
pub fn read<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    Cookie::split_parse(header)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .and_then(|c| {
            let value = c.value_raw().unwrap_or_default();
            (!value.is_empty()).then_some(value)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_cookie_is_locked_down() {
        let c = session("tok", true);
        for part in [
            "desk_session=tok",
            "HttpOnly",
            "SameSite=Lax",
            "Secure",
            "Path=/",
        ] {
            assert!(c.contains(part), "{c} lacks {part}");
        }
        assert!(c.starts_with("__Host-desk_session=tok"), "{c}");
        assert!(!c.contains("Domain"), "{c}");
        assert!(!session("tok", false).contains("Secure"));
        assert!(session("tok", false).starts_with("desk_session=tok"));
        assert!(csrf("tok", true).starts_with("__Host-desk_csrf=tok"));
        assert!(clear_session(false).contains("Max-Age=0"));
    }

    #[test]
    fn reads_one_cookie_among_many() {
        let header = "a=1; desk_csrf=xyz; desk_lang=en";
        assert_eq!(read(header, CSRF), Some("xyz"));
        assert_eq!(read(header, LANG), Some("en"));
        assert_eq!(read(header, SESSION), None);
        assert_eq!(read("desk_session=", SESSION), None);
    }
}
