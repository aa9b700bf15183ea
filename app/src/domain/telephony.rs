//! Telephony: the events a phone system (CTI) sends about a call, the rules that fold them
//! into one call record, and what the supporter's console is shown (the screen-pop, the day's
//! call log).

use serde::{Deserialize, Serialize};

use crate::domain::case_views::RelatedCase;
use crate::domain::phone::{PhoneError, PhoneNumber};
use crate::domain::username::Username;

/// Where a call is in its life, as the phone system reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CallPhase {
    /// The agent's phone rings.
    Ringing,
    /// The agent picked up.
    Answered,
    /// The call ended (answered or not).
    Hangup,
}

impl CallPhase {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "ringing" => Some(Self::Ringing),
            "answered" => Some(Self::Answered),
            "hangup" => Some(Self::Hangup),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ringing => "ringing",
            Self::Answered => "answered",
            Self::Hangup => "hangup",
        }
    }
}

/// The phone system's id of one call: 1 to 100 characters of `A-Z a-z 0-9 . _ - : @`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CallId(String);

pub const MAX_CALL_ID: usize = 100;

impl CallId {
    pub fn parse(raw: &str) -> Option<Self> {
        let ok = (1..=MAX_CALL_ID).contains(&raw.len())
            && raw
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-:@".contains(c));
        ok.then(|| Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One event from the phone system, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CtiEvent {
    pub phase: CallPhase,
    pub call_id: CallId,
    /// The caller; `None` when the number is withheld ("anonymous" or empty).
    pub from: Option<PhoneNumber>,
    /// The number that was called (the support line), when the system sends it.
    pub to: Option<PhoneNumber>,
    /// The staff member whose phone it is.
    pub agent: Username,
}

/// The event's JSON as it arrives; every field is text so that a wrong one is named.
#[derive(Debug, Deserialize)]
struct WireEvent {
    event: String,
    call_id: String,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    agent: String,
}

/// Why an event was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    #[error("the body is not the event's JSON: {0}")]
    Json(String),
    #[error("event must be ringing, answered or hangup")]
    Phase,
    #[error("call_id must be 1 to 100 characters of A-Z a-z 0-9 . _ - : @")]
    CallId,
    #[error("from is not a phone number: {0}")]
    From(PhoneError),
    #[error("to is not a phone number: {0}")]
    To(PhoneError),
    #[error("agent is not a staff username")]
    Agent,
}

/// Caller-id texts phone systems send for a withheld number.
fn withheld(raw: &str) -> bool {
    let t = raw.trim();
    t.is_empty() || t.eq_ignore_ascii_case("anonymous") || t.eq_ignore_ascii_case("unknown")
}

impl CtiEvent {
    /// Reads `{"event":"ringing","call_id":"…","from":"+4512345678","to":"…","agent":"…"}`.
    pub fn parse(body: &[u8]) -> Result<Self, EventError> {
        let wire: WireEvent = serde_json::from_slice(body).map_err(|e| {
            // serde's message may quote the input: keep only its category and position.
            EventError::Json(format!(
                "{:?} error at line {} column {}",
                e.classify(),
                e.line(),
                e.column()
            ))
        })?;
        let phase = CallPhase::parse(&wire.event).ok_or(EventError::Phase)?;
        let call_id = CallId::parse(&wire.call_id).ok_or(EventError::CallId)?;
        let number = |raw: Option<String>, err: fn(PhoneError) -> EventError| match raw {
            Some(raw) if !withheld(&raw) => PhoneNumber::parse(&raw).map(Some).map_err(err),
            _ => Ok(None),
        };
        let from = number(wire.from, EventError::From)?;
        let to = number(wire.to, EventError::To)?;
        let agent = Username::parse(&wire.agent).map_err(|_| EventError::Agent)?;
        Ok(Self {
            phase,
            call_id,
            from,
            to,
            agent,
        })
    }
}

/// When each phase of a call was first reported (Unix seconds). Events may arrive twice or out
/// of order: the first report of a phase counts, a repeat changes nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CallTimes {
    pub ringing_at: Option<i64>,
    pub answered_at: Option<i64>,
    pub ended_at: Option<i64>,
}

impl CallTimes {
    /// Records `phase` at `at`; false when it was already recorded (a repeat).
    pub fn apply(&mut self, phase: CallPhase, at: i64) -> bool {
        let slot = match phase {
            CallPhase::Ringing => &mut self.ringing_at,
            CallPhase::Answered => &mut self.answered_at,
            CallPhase::Hangup => &mut self.ended_at,
        };
        if slot.is_some() {
            return false;
        }
        *slot = Some(at);
        true
    }

    pub fn ended(&self) -> bool {
        self.ended_at.is_some()
    }

    /// Ended without anyone answering.
    pub fn missed(&self) -> bool {
        self.ended() && self.answered_at.is_none()
    }

    /// The talk time: from answer to hang-up, never negative (the two clocks may disagree).
    pub fn duration_seconds(&self) -> Option<i64> {
        match (self.answered_at, self.ended_at) {
            (Some(a), Some(e)) => Some((e - a).max(0)),
            _ => None,
        }
    }

    /// The phase the call is in now, whatever order the events came in.
    pub fn phase(&self) -> CallPhase {
        if self.ended() {
            CallPhase::Hangup
        } else if self.answered_at.is_some() {
            CallPhase::Answered
        } else {
            CallPhase::Ringing
        }
    }

    /// An answered call that ended waits for the supporter's summary.
    pub fn needs_wrap_up(&self, wrapped_up: bool) -> bool {
        self.ended() && !self.missed() && !wrapped_up
    }
}

/// `3:12`, `0:05`, `1:02:03`: a call's length as a clock shows it.
pub fn clock(seconds: i64) -> String {
    let s = seconds.max(0);
    let (h, m, s) = (s / 3600, (s % 3600) / 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// Who the caller may be. Only citizens today; an organisation (CVR) is a variant to add.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CallerParty {
    Citizen {
        citizen_id: i64,
        /// Always masked (DDMMYY-XXXX); `None` when the desk has no CPR number for them.
        cpr_masked: Option<String>,
    },
}

/// A party whose stored phone number is the caller's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallerMatch {
    pub party: CallerParty,
    pub name: String,
    /// Their cases that are not resolved or closed, newest first.
    pub open_cases: Vec<RelatedCase>,
}

/// What an agent's console is told about their call: sent on every change (the screen-pop).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallPop {
    pub call_id: String,
    pub phase: CallPhase,
    /// The caller's number, normalised (`+4512345678`); `None` when withheld.
    pub caller: Option<String>,
    /// The caller as a person reads the number (`+45 12 34 56 78`).
    pub caller_display: Option<String>,
    pub callers: Vec<CallerMatch>,
    /// The case the call is logged on, once it is attached to one.
    pub case_reference: Option<String>,
    pub duration_seconds: Option<i64>,
    pub missed: bool,
    pub needs_wrap_up: bool,
}

/// The named server-sent event a call's pop travels as on the live feed.
pub const CALL_EVENT: &str = "call";

/// A pop addressed to one agent (only their console receives it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgentCall {
    pub agent: String,
    pub pop: CallPop,
}

/// One row of the day's call log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallLogRow {
    pub call_id: String,
    /// Danish local time the phone rang (or the first event came), "HH:MM".
    pub at: String,
    pub caller_display: Option<String>,
    /// The caller's name when the number matched exactly one citizen.
    pub caller_name: Option<String>,
    pub agent: String,
    pub phase: CallPhase,
    pub missed: bool,
    pub duration_seconds: Option<i64>,
    pub case_reference: Option<String>,
    pub wrapped_up: bool,
    pub needs_wrap_up: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(json: &str) -> Result<CtiEvent, EventError> {
        CtiEvent::parse(json.as_bytes())
    }

    #[test]
    fn reads_the_three_events() {
        let e = event(
            r#"{"event":"ringing","call_id":"c-1","from":"+45 12 34 56 78","to":"70 20 20 20","agent":"Supporter"}"#,
        )
        .unwrap();
        assert_eq!(e.phase, CallPhase::Ringing);
        assert_eq!(e.call_id.as_str(), "c-1");
        assert_eq!(e.from.unwrap().as_str(), "+4512345678");
        assert_eq!(e.to.unwrap().as_str(), "+4570202020");
        assert_eq!(e.agent.as_str(), "supporter");
        for (name, phase) in [
            ("answered", CallPhase::Answered),
            ("hangup", CallPhase::Hangup),
        ] {
            let e = event(&format!(
                r#"{{"event":"{name}","call_id":"c-1","agent":"supporter"}}"#
            ))
            .unwrap();
            assert_eq!(e.phase, phase);
            assert_eq!(e.from, None);
            assert_eq!(phase.as_str(), name);
        }
    }

    #[test]
    fn a_withheld_number_is_no_number() {
        for from in ["anonymous", "", "Unknown"] {
            let e = event(&format!(
                r#"{{"event":"ringing","call_id":"c","from":"{from}","agent":"supporter"}}"#
            ))
            .unwrap();
            assert_eq!(e.from, None, "{from}");
        }
    }

    #[test]
    fn refuses_what_is_not_an_event() {
        let big = "1".repeat(100_000);
        let table = [
            ("not json", "Json"),
            (r#"{"event":"ringing"}"#, "Json"),
            (
                r#"{"event":"dialing","call_id":"c","agent":"supporter"}"#,
                "Phase",
            ),
            (
                r#"{"event":"RINGING","call_id":"c","agent":"supporter"}"#,
                "Phase",
            ),
            (
                r#"{"event":"ringing","call_id":"","agent":"supporter"}"#,
                "CallId",
            ),
            (
                r#"{"event":"ringing","call_id":"a\r\nb","agent":"supporter"}"#,
                "CallId",
            ),
            (
                r#"{"event":"ringing","call_id":"a\u0000b","agent":"supporter"}"#,
                "CallId",
            ),
            (
                r#"{"event":"ringing","call_id":"\"><svg onload=alert(1)>","agent":"supporter"}"#,
                "CallId",
            ),
            (
                r#"{"event":"ringing","call_id":"c","from":"12345678\r\n","agent":"supporter"}"#,
                "From",
            ),
            (
                r#"{"event":"ringing","call_id":"c","from":"<svg onload=alert(1)>","agent":"supporter"}"#,
                "From",
            ),
            (
                r#"{"event":"ringing","call_id":"c","to":"x","agent":"supporter"}"#,
                "To",
            ),
            (
                r#"{"event":"ringing","call_id":"c","agent":"sup porter"}"#,
                "Agent",
            ),
            (
                r#"{"event":"ringing","call_id":"c","agent":"a\u0000b"}"#,
                "Agent",
            ),
        ];
        for (json, want) in table {
            let got = format!("{:?}", event(json).unwrap_err());
            assert!(got.starts_with(want), "{json}: {got}");
        }
        let json =
            format!(r#"{{"event":"ringing","call_id":"c","from":"{big}","agent":"supporter"}}"#);
        assert_eq!(event(&json), Err(EventError::From(PhoneError::TooLong)));
        let json = format!(r#"{{"event":"ringing","call_id":"{big}","agent":"supporter"}}"#);
        assert_eq!(event(&json), Err(EventError::CallId));
    }

    #[test]
    fn the_json_error_does_not_echo_the_input() {
        let err = event(r#"{"event": <svg onload=alert(1)>}"#)
            .unwrap_err()
            .to_string();
        assert!(!err.contains("svg"), "{err}");
    }

    #[test]
    fn a_call_answered_and_hung_up_lasts_from_answer_to_hangup() {
        let mut t = CallTimes::default();
        assert!(t.apply(CallPhase::Ringing, 100));
        assert_eq!(t.phase(), CallPhase::Ringing);
        assert!(t.apply(CallPhase::Answered, 110));
        assert_eq!(t.phase(), CallPhase::Answered);
        assert!(!t.needs_wrap_up(false));
        assert!(t.apply(CallPhase::Hangup, 302));
        assert_eq!(t.phase(), CallPhase::Hangup);
        assert_eq!(t.duration_seconds(), Some(192));
        assert!(!t.missed());
        assert!(t.needs_wrap_up(false));
        assert!(!t.needs_wrap_up(true));
    }

    #[test]
    fn repeats_change_nothing_and_order_does_not_matter() {
        let mut t = CallTimes::default();
        assert!(t.apply(CallPhase::Hangup, 300));
        assert!(
            t.missed(),
            "a hang-up with no answer (yet) is a missed call"
        );
        assert!(t.apply(CallPhase::Answered, 100));
        assert!(t.apply(CallPhase::Ringing, 90));
        assert!(!t.apply(CallPhase::Hangup, 999));
        assert!(!t.apply(CallPhase::Answered, 200));
        assert_eq!(t.duration_seconds(), Some(200));
        assert!(!t.missed());
        assert_eq!(t.phase(), CallPhase::Hangup);
    }

    #[test]
    fn a_call_nobody_answered_is_missed_and_needs_no_wrap_up() {
        let mut t = CallTimes::default();
        t.apply(CallPhase::Ringing, 10);
        t.apply(CallPhase::Hangup, 40);
        assert!(t.missed());
        assert_eq!(t.duration_seconds(), None);
        assert!(!t.needs_wrap_up(false));
        // Clocks that disagree never give a negative length.
        let mut t = CallTimes::default();
        t.apply(CallPhase::Answered, 50);
        t.apply(CallPhase::Hangup, 40);
        assert_eq!(t.duration_seconds(), Some(0));
    }

    #[test]
    fn lengths_read_like_a_clock() {
        assert_eq!(clock(192), "3:12");
        assert_eq!(clock(5), "0:05");
        assert_eq!(clock(3723), "1:02:03");
        assert_eq!(clock(-4), "0:00");
    }

    #[test]
    fn the_pop_travels_as_json_with_the_party_tagged() {
        let pop = CallPop {
            call_id: "c".into(),
            phase: CallPhase::Ringing,
            caller: Some("+4512345678".into()),
            caller_display: Some("+45 12 34 56 78".into()),
            callers: vec![CallerMatch {
                party: CallerParty::Citizen {
                    citizen_id: 7,
                    cpr_masked: Some("010190-XXXX".into()),
                },
                name: "Karen".into(),
                open_cases: vec![],
            }],
            case_reference: None,
            duration_seconds: None,
            missed: false,
            needs_wrap_up: false,
        };
        let json = serde_json::to_string(&pop).unwrap();
        assert!(json.contains(r#""phase":"ringing""#), "{json}");
        assert!(json.contains(r#""kind":"citizen""#), "{json}");
        assert_eq!(serde_json::from_str::<CallPop>(&json).unwrap(), pop);
    }
}
