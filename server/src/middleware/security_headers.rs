//! Security headers on every response. Pages rendered by the app carry their own
//! Content-Security-Policy with the request's script nonce (see `app::root`); everything else
//! gets a policy that allows no script at all.

use axum::extract::{Request, State};
use axum::http::header::HeaderName;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::ServerState;

/// For responses that are not app pages (errors, JSON, files): nothing may run, nothing may
/// frame them.
const NO_SCRIPT_POLICY: &str = "default-src 'self'; script-src 'none'; object-src 'none'; \
                                base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Paths whose responses must never be stored by a browser or proxy: staff screens, the
/// app's calls, the login, and the citizen's private status and receipt pages.
fn is_private(path: &str) -> bool {
    [
        "/api",
        "/support",
        "/borgerservice",
        "/admin",
        "/login",
        "/sag/status",
        "/kontakt/kvittering",
    ]
    .iter()
    .any(|p| {
        path.strip_prefix(p)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

pub async fn add(State(state): State<ServerState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let mut res = next.run(req).await;
    apply(res.headers_mut(), &path, state.app.settings.secure_cookies);
    res
}

fn apply(headers: &mut HeaderMap, path: &str, tls: bool) {
    let set = |headers: &mut HeaderMap, name: HeaderName, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        set(headers, header::CONTENT_SECURITY_POLICY, NO_SCRIPT_POLICY);
    }
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    // Status links carry a private token in the path: never send it to another site.
    set(headers, header::REFERRER_POLICY, "same-origin");
    set(
        headers,
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    if is_private(path) {
        set(headers, header::CACHE_CONTROL, "no-store");
    } else if !headers.contains_key(header::CACHE_CONTROL) {
        // Public pages may be kept by this browser but checked again each time, and never
        // by a shared cache: they carry the visitor's language and login state.
        set(headers, header::CACHE_CONTROL, "private, no-cache");
    }
    if tls {
        set(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_pages_and_calls_are_never_stored() {
        for p in [
            "/support",
            "/support/sag/SAG-2026-000001",
            "/api/cases/get",
            "/admin",
            "/borgerservice/besoeg/1/kvittering",
            "/sag/status/abc",
            "/kontakt/kvittering",
            "/login",
        ] {
            assert!(is_private(p), "{p}");
        }
        for p in [
            "/",
            "/hjaelp/mitid",
            "/pkg/supportdesk.css",
            "/supporters",
            "/kontakt",
        ] {
            assert!(!is_private(p), "{p}");
        }
    }

    #[test]
    fn every_response_gets_the_headers_and_pages_keep_their_policy() {
        let mut h = HeaderMap::new();
        apply(&mut h, "/api/cases/get", true);
        assert_eq!(h[header::CONTENT_SECURITY_POLICY], NO_SCRIPT_POLICY);
        assert_eq!(h[header::CACHE_CONTROL], "no-store");
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert!(h.contains_key(header::STRICT_TRANSPORT_SECURITY));

        let mut h = HeaderMap::new();
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("script-src 'nonce-abc'"),
        );
        apply(&mut h, "/", false);
        assert_eq!(h[header::CONTENT_SECURITY_POLICY], "script-src 'nonce-abc'");
        assert!(!h.contains_key(header::STRICT_TRANSPORT_SECURITY));
        assert_eq!(h[header::CACHE_CONTROL], "private, no-cache");

        let mut h = HeaderMap::new();
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
        apply(&mut h, "/pkg/supportdesk.0123abcd.wasm", false);
        assert_eq!(
            h[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
    }
}
