//! The SLA clock of a stored case: started, paused while waiting on the citizen, resumed.

use time::PrimitiveDateTime;
use time::macros::format_description;

use crate::domain::sla::{BusinessHours, Pause, SlaClock, SlaPolicy};
use crate::domain::{Priority, Status};

const FORMAT: &[time::format_description::FormatItem<'_>] =
    format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");

pub fn format(at: PrimitiveDateTime) -> String {
    at.format(FORMAT).unwrap_or_default()
}

pub fn parse(text: &str) -> Option<PrimitiveDateTime> {
    PrimitiveDateTime::parse(text, FORMAT).ok()
}

/// The stored form: start, closed pauses as pairs, and an open pause.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredClock {
    pub started: String,
    pub pauses: String,
    pub paused_since: Option<String>,
}

pub fn restore(stored: &StoredClock) -> Option<SlaClock> {
    let pairs: Vec<(String, String)> = serde_json::from_str(&stored.pauses).ok()?;
    let pauses: Option<Vec<Pause>> = pairs
        .iter()
        .map(|(from, until)| {
            Some(Pause {
                from: parse(from)?,
                until: parse(until)?,
            })
        })
        .collect();
    let paused_since = match &stored.paused_since {
        Some(t) => Some(parse(t)?),
        None => None,
    };
    SlaClock::from_parts(parse(&stored.started)?, pauses?, paused_since).ok()
}

pub fn store(clock: &SlaClock) -> StoredClock {
    let pairs: Vec<(String, String)> = clock
        .pauses()
        .iter()
        .map(|p| (format(p.from), format(p.until)))
        .collect();
    StoredClock {
        started: format(clock.started_at()),
        pauses: serde_json::to_string(&pairs).unwrap_or_else(|_| "[]".into()),
        paused_since: clock.paused_since().map(format),
    }
}

/// (first response due, resolution due) for a clock, as stored text.
pub fn due_times(priority: Priority, clock: &SlaClock, now: PrimitiveDateTime) -> (String, String) {
    let hours = BusinessHours::default();
    let policy = SlaPolicy::default_for(priority);
    (
        format(policy.first_response_deadline(clock, &hours).due_at(now)),
        format(policy.resolution_deadline(clock, &hours).due_at(now)),
    )
}

/// Moves the clock for a status change: waiting on the citizen pauses it, leaving that
/// status resumes it.
pub fn on_status_change(clock: &mut SlaClock, to: Status, now: PrimitiveDateTime) {
    if to.pauses_sla() && !clock.is_paused() {
        let _ = clock.pause(now);
    } else if !to.pauses_sla() && clock.is_paused() {
        let _ = clock.resume(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn round_trips_and_pausing_moves_the_due_time() {
        let start = datetime!(2026-11-23 09:00);
        let mut clock = SlaClock::start(start);
        let (_, due_before) = due_times(Priority::Normal, &clock, start);
        on_status_change(
            &mut clock,
            Status::WaitingOnCitizen,
            datetime!(2026-11-23 10:00),
        );
        on_status_change(&mut clock, Status::Open, datetime!(2026-11-23 12:00));
        let restored = restore(&store(&clock)).unwrap();
        assert_eq!(restored, clock);
        let (_, due_after) = due_times(Priority::Normal, &restored, datetime!(2026-11-23 12:00));
        assert!(due_after > due_before, "{due_before} → {due_after}");
    }

    #[test]
    fn urgent_is_due_within_hours_around_the_clock() {
        let start = datetime!(2026-11-21 23:00); // a Saturday night
        let clock = SlaClock::start(start);
        let (first, resolution) = due_times(Priority::Urgent, &clock, start);
        assert_eq!(first, "2026-11-21 23:15:00");
        assert_eq!(resolution, "2026-11-22 03:00:00");
    }
}
