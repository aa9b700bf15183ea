//! `POST /cti/events`: the phone system's call events (ringing, answered, hangup), signed like
//! the desk's own registry calls: `x-desk-timestamp: <Unix seconds>` and
//! `x-desk-signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`.
//!
//! Machine to machine: no session, no CSRF. Refused, each with a JSON `{"error": …}`: a
//! missing or wrong signature (401), a timestamp more than five minutes off or a delivery
//! already received (401, 409: replays), a body over 16 KiB (413, read no further), an event
//! that is not one or names no active supporter (422). Phone numbers are never logged.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use app::domain::telephony::CtiEvent;
use app::i18n::Lang;
use app::state::AppState;
use app::telephony::{self, Line, TelephonyError};
use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, post};
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;

use super::inbound_mail::{ReadError, error, read_limited};
use crate::outbox::registry_http::{SIGNATURE_HEADER, TIMESTAMP_HEADER};

pub const PATH: &str = "/cti/events";
/// An event is a few hundred bytes; anything near this is not one.
pub const MAX_EVENT_BYTES: usize = 16 * 1024;
/// How far the signed time may be from the desk's clock, either way.
pub const WINDOW_SECONDS: i64 = 5 * 60;

/// Deliveries seen within the window, by signature: the same signed request twice is a replay.
#[derive(Default)]
pub struct Replays {
    seen: Mutex<HashMap<String, i64>>,
}

impl Replays {
    /// True the first time this (timestamp, signature) is presented within the window.
    fn first_time(&self, timestamp: i64, signature: &str, now: i64) -> bool {
        let Ok(mut seen) = self.seen.lock() else {
            // A poisoned lock lost no entries worth more than the timestamp window itself.
            return true;
        };
        // What is outside the window would be refused by its timestamp anyway.
        seen.retain(|_, at| (now - *at).abs() <= WINDOW_SECONDS);
        seen.insert(format!("{timestamp}.{signature}"), timestamp)
            .is_none()
    }
}

/// What the endpoint needs.
#[derive(Clone)]
pub struct Cti {
    pub app: AppState,
    /// The HMAC key the phone system signs with.
    pub secret: Arc<str>,
    pub replays: Arc<Replays>,
}

/// The route, with its own state. No `DefaultBodyLimit`: the handler reads at most
/// [`MAX_EVENT_BYTES`].
pub fn route<S>(cti: Cti) -> MethodRouter<S>
where
    S: Clone + Send + Sync + 'static,
{
    post(receive).with_state(cti)
}

/// Whether `presented` is `sha256=<hex>` of HMAC-SHA256(secret, "<timestamp>.<body>"),
/// compared in constant time.
pub fn signature_matches(secret: &str, timestamp: &str, body: &[u8], presented: &str) -> bool {
    let Some(bytes) = presented
        .trim()
        .strip_prefix("sha256=")
        .and_then(|h| hex::decode(h).ok())
    else {
        return false;
    };
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.verify_slice(&bytes).is_ok()
}

fn refused(status: StatusCode, message: &str) -> Response {
    tracing::warn!(%status, reason = message, "CTI event refused");
    error(status, message)
}

fn header_text<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

pub async fn receive(State(cti): State<Cti>, headers: HeaderMap, body: Body) -> Response {
    let (Some(timestamp), Some(signature)) = (
        header_text(&headers, TIMESTAMP_HEADER),
        header_text(&headers, SIGNATURE_HEADER),
    ) else {
        return refused(
            StatusCode::UNAUTHORIZED,
            "unsigned: send x-desk-timestamp and x-desk-signature",
        );
    };
    let Ok(at) = timestamp.trim().parse::<i64>() else {
        return refused(
            StatusCode::UNAUTHORIZED,
            "x-desk-timestamp must be Unix seconds",
        );
    };
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    if (now - at).abs() > WINDOW_SECONDS {
        return refused(
            StatusCode::UNAUTHORIZED,
            "x-desk-timestamp is more than 5 minutes from the desk's clock (a replay, or a wrong clock)",
        );
    }
    let declared = header_text(&headers, header::CONTENT_LENGTH.as_str())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let too_large = "an event is at most 16 KiB";
    if declared.is_some_and(|n| n > MAX_EVENT_BYTES as u64) {
        return refused(StatusCode::PAYLOAD_TOO_LARGE, too_large);
    }
    let raw = match read_limited(body, MAX_EVENT_BYTES).await {
        Ok(raw) => raw,
        Err(ReadError::TooLarge) => return refused(StatusCode::PAYLOAD_TOO_LARGE, too_large),
        Err(ReadError::Broken) => {
            return refused(StatusCode::BAD_REQUEST, "the body could not be read");
        }
    };
    if !signature_matches(&cti.secret, timestamp.trim(), &raw, signature) {
        return refused(
            StatusCode::UNAUTHORIZED,
            "wrong signature: x-desk-signature must be sha256=<hex HMAC-SHA256(secret, \"<timestamp>.<body>\")>",
        );
    }
    if !cti.replays.first_time(at, signature.trim(), now) {
        return refused(
            StatusCode::CONFLICT,
            "this signed delivery was already received (a replay)",
        );
    }
    let event = match CtiEvent::parse(&raw) {
        Ok(event) => event,
        Err(e) => return refused(StatusCode::UNPROCESSABLE_ENTITY, &e.to_string()),
    };
    match telephony::record(Line::of(&cti.app), &event, at).await {
        Ok(recorded) => {
            tracing::info!(
                call_id = event.call_id.as_str(),
                phase = event.phase.as_str(),
                agent = event.agent.as_str(),
                duplicate = recorded.duplicate,
                matched = recorded.pop.callers.len(),
                "CTI event recorded"
            );
            (
                StatusCode::OK,
                Json(json!({
                    "call_id": recorded.pop.call_id,
                    "phase": recorded.pop.phase,
                    "duplicate": recorded.duplicate,
                    "matched": recorded.pop.callers.len(),
                    "case": recorded.pop.case_reference,
                    "duration_seconds": recorded.pop.duration_seconds,
                })),
            )
                .into_response()
        }
        Err(TelephonyError::Store(e)) => {
            tracing::error!(error = %e, "CTI event not stored");
            error(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
        }
        Err(e) => refused(StatusCode::UNPROCESSABLE_ENTITY, e.message(Lang::En)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbox::registry_http::signature;

    #[test]
    fn the_registry_scheme_verifies_and_nothing_else_does() {
        let body = br#"{"event":"ringing"}"#;
        let good = signature("s3cret", 1_700_000_000, r#"{"event":"ringing"}"#);
        assert!(signature_matches("s3cret", "1700000000", body, &good));
        assert!(!signature_matches("other", "1700000000", body, &good));
        assert!(!signature_matches("s3cret", "1700000001", body, &good));
        assert!(!signature_matches("s3cret", "1700000000", b"{}", &good));
        assert!(!signature_matches(
            "s3cret",
            "1700000000",
            body,
            "sha256=zz"
        ));
        assert!(!signature_matches("s3cret", "1700000000", body, ""));
        let short = &good[..good.len() - 2];
        assert!(!signature_matches("s3cret", "1700000000", body, short));
    }

    #[test]
    fn a_delivery_counts_once_within_the_window() {
        let replays = Replays::default();
        assert!(replays.first_time(1_000, "sha256=aa", 1_000));
        assert!(!replays.first_time(1_000, "sha256=aa", 1_010));
        assert!(replays.first_time(1_001, "sha256=aa", 1_010));
        assert!(replays.first_time(1_000, "sha256=bb", 1_010));
        // Forgotten once out of the window (its timestamp refuses it by then).
        assert!(replays.first_time(1_000, "sha256=aa", 1_000 + WINDOW_SECONDS + 1));
    }
}
