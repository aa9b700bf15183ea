//! Who is asking, behind a reverse proxy. Every connection then comes from the proxy, so the
//! per-address limits (logins, the contact form) would count all citizens as one. When the
//! connection comes from one of `DESK_TRUSTED_PROXIES`, the client is the right-most address in
//! `X-Forwarded-For` that is not itself a trusted proxy (entries further left were written by
//! whoever sent the request and prove nothing). From any other peer the header is ignored.

use std::net::{IpAddr, SocketAddr};

use app::domain::throttle::TrustedNetworks;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;

use crate::state::ServerState;

/// Entries read from the right; a longer chain is a forgery or a misconfiguration.
const MAX_HOPS: usize = 16;

pub async fn resolve(State(state): State<ServerState>, mut req: Request, next: Next) -> Response {
    let proxies = &state.trusted_proxies;
    if !proxies.is_empty() {
        let peer = req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0);
        if let Some(peer) = peer.filter(|p| proxies.contains(&p.ip().to_string()))
            && let Some(client) = forwarded_client(req.headers(), proxies)
        {
            req.extensions_mut()
                .insert(ConnectInfo(SocketAddr::new(client, peer.port())));
        }
    }
    next.run(req).await
}

/// The right-most `X-Forwarded-For` address that is not a trusted proxy; None when the header
/// is missing, unreadable or names only proxies (the peer then stays the client).
fn forwarded_client(headers: &HeaderMap, proxies: &TrustedNetworks) -> Option<IpAddr> {
    let mut hops = Vec::new();
    for value in headers.get_all("x-forwarded-for") {
        hops.extend(value.to_str().ok()?.split(',').map(str::trim));
    }
    for hop in hops.into_iter().rev().take(MAX_HOPS) {
        let ip: IpAddr = hop.parse().ok()?;
        if !proxies.contains(hop) {
            return Some(ip.to_canonical());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn the_rightmost_untrusted_hop_is_the_client() {
        let proxies = TrustedNetworks::parse("127.0.0.1,10.0.0.0/8").unwrap();
        let client = |v: &[&str]| forwarded_client(&headers(v), &proxies).map(|ip| ip.to_string());
        assert_eq!(client(&["203.0.113.7"]).as_deref(), Some("203.0.113.7"));
        // A citizen's own "X-Forwarded-For: 1.2.3.4" proves nothing: the proxy appended theirs.
        assert_eq!(
            client(&["1.2.3.4, 203.0.113.7"]).as_deref(),
            Some("203.0.113.7")
        );
        assert_eq!(
            client(&["203.0.113.7, 10.1.2.3"]).as_deref(),
            Some("203.0.113.7")
        );
        assert_eq!(
            client(&["198.51.100.1", "203.0.113.7"]).as_deref(),
            Some("203.0.113.7")
        );
        assert_eq!(client(&["2001:db8::1"]).as_deref(), Some("2001:db8::1"));
        assert_eq!(
            client(&["::ffff:203.0.113.9"]).as_deref(),
            Some("203.0.113.9")
        );
        // Nothing usable: the peer stays the client.
        assert_eq!(client(&[]), None);
        assert_eq!(client(&["10.0.0.1, 127.0.0.1"]), None);
        assert_eq!(client(&["\"><svg onload=alert(1)>"]), None);
        assert_eq!(
            client(&["</title>, 203.0.113.7"]).as_deref(),
            Some("203.0.113.7")
        );
        assert_eq!(client(&["203.0.113.7, unknown"]), None);
        let long = vec!["10.0.0.1"; 40].join(", ");
        assert_eq!(client(&[&format!("203.0.113.7, {long}")]), None);
        // Bytes that are not UTF-8, and look-alike (full-width) digits: no client.
        for raw in [&b"203.0.113.7\xff"[..], "２０３.０.１１３.７".as_bytes()] {
            let mut h = HeaderMap::new();
            h.append("x-forwarded-for", HeaderValue::from_bytes(raw).unwrap());
            assert_eq!(forwarded_client(&h, &proxies), None, "{raw:?}");
        }
    }
}
