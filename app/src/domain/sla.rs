//! Service levels: when a case must have its first response and its resolution.
//!
//! Everything here is in local time (`PrimitiveDateTime`); the caller converts to Danish
//! local time first. Across a daylight-saving change the wall clock is used as is, which at
//! worst moves a due time by one hour at night, when the line is closed anyway.
//!
//! Time is counted on a [`Calendar`]: either around the clock (urgent cases: a blocked or
//! stolen MitID is a 24/7 concern, like the identity-theft hotline) or in the support line's
//! opening hours ([`BusinessHours`]). Time while the case waits on the citizen does not count:
//! [`SlaClock`] records those pauses.
//!
//! Default targets ([`SlaPolicy::default_for`]), as decided here:
//!
//! | priority | first response | resolution | counted |
//! |----------|----------------|------------|---------|
//! | urgent   | 15 min         | 4 h        | around the clock |
//! | high     | 2 h            | 12 h       | opening hours (12 h = one weekday, 8–20) |
//! | normal   | 8 h            | 36 h       | opening hours (three weekdays) |
//! | low      | 12 h           | 60 h       | opening hours (five weekdays, about a week) |
//!
//! Boundaries: work that ends exactly at closing time is due at closing time (not at the
//! next opening); a target is breached only strictly after its due time.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use time::macros::time;
use time::{Date, Duration, PrimitiveDateTime, Time};

use crate::i18n::Lang;

/// Case priority. Derived ordering sorts the most urgent first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    Urgent,
    High,
    Normal,
    Low,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown priority {0:?}: expected urgent, high, normal or low")]
pub struct UnknownPriority(pub String);

impl Priority {
    pub const ALL: [Priority; 4] = [
        Priority::Urgent,
        Priority::High,
        Priority::Normal,
        Priority::Low,
    ];

    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Urgent => "urgent",
            Priority::High => "high",
            Priority::Normal => "normal",
            Priority::Low => "low",
        }
    }

    pub fn parse(value: &str) -> Result<Self, UnknownPriority> {
        let v = value.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == v)
            .ok_or_else(|| UnknownPriority(value.to_owned()))
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Priority::Urgent => lang.pick("Akut", "Urgent"),
            Priority::High => lang.pick("Høj", "High"),
            Priority::Normal => lang.pick("Normal", "Normal"),
            Priority::Low => lang.pick("Lav", "Low"),
        }
    }
}

/// How an SLA's time is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Counting {
    AroundTheClock,
    BusinessHours,
}

/// The two targets for one priority.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlaPolicy {
    pub first_response: Duration,
    pub resolution: Duration,
    pub counting: Counting,
}

impl SlaPolicy {
    /// The default targets; see the table in the module comment.
    pub fn default_for(priority: Priority) -> Self {
        let (first_response, resolution, counting) = match priority {
            Priority::Urgent => (
                Duration::minutes(15),
                Duration::hours(4),
                Counting::AroundTheClock,
            ),
            Priority::High => (
                Duration::hours(2),
                Duration::hours(12),
                Counting::BusinessHours,
            ),
            Priority::Normal => (
                Duration::hours(8),
                Duration::hours(36),
                Counting::BusinessHours,
            ),
            Priority::Low => (
                Duration::hours(12),
                Duration::hours(60),
                Counting::BusinessHours,
            ),
        };
        Self {
            first_response,
            resolution,
            counting,
        }
    }

    /// The calendar this policy counts on, given the line's opening hours.
    pub fn calendar<'a>(&self, hours: &'a BusinessHours) -> Calendar<'a> {
        match self.counting {
            Counting::AroundTheClock => Calendar::AroundTheClock,
            Counting::BusinessHours => Calendar::Business(hours),
        }
    }

    pub fn first_response_deadline<'a>(
        &self,
        clock: &'a SlaClock,
        hours: &'a BusinessHours,
    ) -> Deadline<'a> {
        Deadline {
            clock,
            target: self.first_response,
            calendar: self.calendar(hours),
        }
    }

    pub fn resolution_deadline<'a>(
        &self,
        clock: &'a SlaClock,
        hours: &'a BusinessHours,
    ) -> Deadline<'a> {
        Deadline {
            clock,
            target: self.resolution,
            calendar: self.calendar(hours),
        }
    }
}

/// One day's opening hours, `open < close`, within the same day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OpeningHours {
    open: Time,
    close: Time,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BusinessHoursError {
    #[error("opening hours must close after they open, on the same day")]
    CloseNotAfterOpen,
    #[error("the business hours must be open on at least one day of the week")]
    NeverOpen,
}

impl OpeningHours {
    pub fn new(open: Time, close: Time) -> Result<Self, BusinessHoursError> {
        if close <= open {
            return Err(BusinessHoursError::CloseNotAfterOpen);
        }
        Ok(Self { open, close })
    }

    pub fn open(self) -> Time {
        self.open
    }

    pub fn close(self) -> Time {
        self.close
    }
}

/// When the line is staffed: hours per weekday, and public holidays with their own hours.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BusinessHours {
    /// Monday first.
    week: [Option<OpeningHours>; 7],
    holiday_hours: Option<OpeningHours>,
    holidays: BTreeSet<Date>,
}

// The support line's published hours: weekdays 8–20, weekends and public holidays 10–16.
const SUPPORT_WEEKDAY: OpeningHours = OpeningHours {
    open: time!(8:00),
    close: time!(20:00),
};
const SUPPORT_WEEKEND: OpeningHours = OpeningHours {
    open: time!(10:00),
    close: time!(16:00),
};

impl BusinessHours {
    /// `week` is Monday first; `None` is closed. On a date in `holidays` the `holiday_hours`
    /// apply instead of the weekday's (`None`: closed). At least one weekday must be open, so
    /// that every due time exists.
    pub fn new(
        week: [Option<OpeningHours>; 7],
        holiday_hours: Option<OpeningHours>,
        holidays: impl IntoIterator<Item = Date>,
    ) -> Result<Self, BusinessHoursError> {
        if week.iter().all(Option::is_none) {
            return Err(BusinessHoursError::NeverOpen);
        }
        Ok(Self {
            week,
            holiday_hours,
            holidays: holidays.into_iter().collect(),
        })
    }

    /// The support line: Monday–Friday 08–20, Saturday–Sunday and public holidays 10–16.
    pub fn support_line(holidays: impl IntoIterator<Item = Date>) -> Self {
        let (d, e) = (Some(SUPPORT_WEEKDAY), Some(SUPPORT_WEEKEND));
        Self {
            week: [d, d, d, d, d, e, e],
            holiday_hours: e,
            holidays: holidays.into_iter().collect(),
        }
    }

    pub fn is_holiday(&self, date: Date) -> bool {
        self.holidays.contains(&date)
    }

    /// The opening hours on `date`, or `None` if closed all day.
    pub fn hours_on(&self, date: Date) -> Option<OpeningHours> {
        if self.is_holiday(date) {
            self.holiday_hours
        } else {
            let index = usize::from(date.weekday().number_days_from_monday());
            self.week.get(index).copied().flatten()
        }
    }
}

impl Default for BusinessHours {
    fn default() -> Self {
        Self::support_line([])
    }
}

/// The moment `work` of open time has passed after `start`, skipping closed hours, nights,
/// closed days and holidays. Work that ends exactly at closing time ends at closing time.
/// Zero or negative work: `start` itself.
pub fn add_business_time(
    start: PrimitiveDateTime,
    work: Duration,
    hours: &BusinessHours,
) -> PrimitiveDateTime {
    if !work.is_positive() {
        return start;
    }
    let mut remaining = work;
    let mut day = start.date();
    loop {
        if let Some(oh) = hours.hours_on(day) {
            let from = day.with_time(oh.open).max(start);
            let close = day.with_time(oh.close);
            if from < close {
                let available = close - from;
                if remaining <= available {
                    return from.saturating_add(remaining);
                }
                remaining -= available;
            }
        }
        // Terminates: at least one weekday is open and there are finitely many holidays.
        match day.next_day() {
            Some(next) => day = next,
            None => return PrimitiveDateTime::MAX,
        }
    }
}

/// Open time between `from` and `to` (zero if `to` is not after `from`).
pub fn business_time_between(
    from: PrimitiveDateTime,
    to: PrimitiveDateTime,
    hours: &BusinessHours,
) -> Duration {
    let mut total = Duration::ZERO;
    if to <= from {
        return total;
    }
    let mut day = from.date();
    while day <= to.date() {
        if let Some(oh) = hours.hours_on(day) {
            let start = day.with_time(oh.open).max(from);
            let end = day.with_time(oh.close).min(to);
            if start < end {
                total = total.saturating_add(end - start);
            }
        }
        match day.next_day() {
            Some(next) => day = next,
            None => break,
        }
    }
    total
}

/// The clock an SLA counts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Calendar<'a> {
    AroundTheClock,
    Business(&'a BusinessHours),
}

impl Calendar<'_> {
    /// `start` plus `work` counted on this calendar.
    pub fn add(&self, start: PrimitiveDateTime, work: Duration) -> PrimitiveDateTime {
        match self {
            _ if !work.is_positive() => start,
            Calendar::AroundTheClock => start.saturating_add(work),
            Calendar::Business(hours) => add_business_time(start, work, hours),
        }
    }

    /// Time between `from` and `to` counted on this calendar (zero if `to` is not after).
    pub fn between(&self, from: PrimitiveDateTime, to: PrimitiveDateTime) -> Duration {
        match self {
            _ if to <= from => Duration::ZERO,
            Calendar::AroundTheClock => to - from,
            Calendar::Business(hours) => business_time_between(from, to, hours),
        }
    }
}

/// A closed interval during which the case waited on the citizen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub from: PrimitiveDateTime,
    pub until: PrimitiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlaClockError {
    #[error("the SLA clock is already paused")]
    AlreadyPaused,
    #[error("the SLA clock is not paused")]
    NotPaused,
    #[error("a pause cannot start before the clock's previous event, nor end before it starts")]
    OutOfOrder,
}

/// When a case's clock started and when it was paused. Events are kept in time order;
/// at most one pause is open (the case is waiting on the citizen right now).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlaClock {
    started_at: PrimitiveDateTime,
    pauses: Vec<Pause>,
    paused_since: Option<PrimitiveDateTime>,
}

impl SlaClock {
    pub fn start(at: PrimitiveDateTime) -> Self {
        Self {
            started_at: at,
            pauses: Vec::new(),
            paused_since: None,
        }
    }

    /// Rebuilds a clock from stored events, checking their order.
    pub fn from_parts(
        started_at: PrimitiveDateTime,
        pauses: impl IntoIterator<Item = Pause>,
        paused_since: Option<PrimitiveDateTime>,
    ) -> Result<Self, SlaClockError> {
        let mut clock = Self::start(started_at);
        for pause in pauses {
            clock.pause(pause.from)?;
            clock.resume(pause.until)?;
        }
        if let Some(at) = paused_since {
            clock.pause(at)?;
        }
        Ok(clock)
    }

    pub fn started_at(&self) -> PrimitiveDateTime {
        self.started_at
    }

    pub fn pauses(&self) -> &[Pause] {
        &self.pauses
    }

    pub fn paused_since(&self) -> Option<PrimitiveDateTime> {
        self.paused_since
    }

    pub fn is_paused(&self) -> bool {
        self.paused_since.is_some()
    }

    fn last_event(&self) -> PrimitiveDateTime {
        self.paused_since
            .or(self.pauses.last().map(|p| p.until))
            .unwrap_or(self.started_at)
    }

    /// Stops the clock (the case now waits on the citizen).
    pub fn pause(&mut self, at: PrimitiveDateTime) -> Result<(), SlaClockError> {
        if self.is_paused() {
            return Err(SlaClockError::AlreadyPaused);
        }
        if at < self.last_event() {
            return Err(SlaClockError::OutOfOrder);
        }
        self.paused_since = Some(at);
        Ok(())
    }

    /// Starts the clock again (the citizen answered).
    pub fn resume(&mut self, at: PrimitiveDateTime) -> Result<(), SlaClockError> {
        let Some(from) = self.paused_since else {
            return Err(SlaClockError::NotPaused);
        };
        if at < from {
            return Err(SlaClockError::OutOfOrder);
        }
        self.pauses.push(Pause { from, until: at });
        self.paused_since = None;
        Ok(())
    }

    /// Time counted against the SLA up to `now`: elapsed time minus pauses, on `calendar`.
    pub fn worked(&self, now: PrimitiveDateTime, calendar: Calendar<'_>) -> Duration {
        let mut total = Duration::ZERO;
        let mut cursor = self.started_at;
        for pause in &self.pauses {
            total = total.saturating_add(calendar.between(cursor, pause.from.min(now)));
            cursor = pause.until;
        }
        let end = self.paused_since.map_or(now, |since| since.min(now));
        total.saturating_add(calendar.between(cursor, end))
    }

    /// Time spent paused up to `now`, on `calendar` (closed hours inside a pause don't count).
    pub fn paused(&self, now: PrimitiveDateTime, calendar: Calendar<'_>) -> Duration {
        let closed = self
            .pauses
            .iter()
            .map(|p| calendar.between(p.from.min(now), p.until.min(now)));
        let open = self.paused_since.map(|since| calendar.between(since, now));
        closed
            .chain(open)
            .fold(Duration::ZERO, Duration::saturating_add)
    }

    /// The moment `target` of counted time is reached. While paused, the open pause is taken
    /// to last until `now`, so the due time moves later for as long as the pause goes on.
    /// A pause after the due time does not move it.
    pub fn due_at(
        &self,
        target: Duration,
        calendar: Calendar<'_>,
        now: PrimitiveDateTime,
    ) -> PrimitiveDateTime {
        let mut remaining = target.max(Duration::ZERO);
        let mut cursor = self.started_at;
        let open_pause = self.paused_since.map(|since| Pause {
            from: since,
            until: now.max(since),
        });
        for pause in self.pauses.iter().copied().chain(open_pause) {
            let available = calendar.between(cursor, pause.from);
            if remaining <= available {
                return calendar.add(cursor, remaining);
            }
            remaining -= available;
            cursor = pause.until;
        }
        calendar.add(cursor, remaining)
    }
}

/// One target on one clock, e.g. "first response within 2 business hours".
#[derive(Clone, Copy, Debug)]
pub struct Deadline<'a> {
    pub clock: &'a SlaClock,
    pub target: Duration,
    pub calendar: Calendar<'a>,
}

impl Deadline<'_> {
    pub fn due_at(&self, now: PrimitiveDateTime) -> PrimitiveDateTime {
        self.clock.due_at(self.target, self.calendar, now)
    }

    /// True strictly after the due time. To check whether a response was in time, pass the
    /// moment of the response as `now`.
    pub fn is_breached(&self, now: PrimitiveDateTime) -> bool {
        now > self.due_at(now)
    }

    /// Counted time left: the target minus the time worked. Negative once more than the target
    /// has been worked. After closing time it stays where it was at closing (it does not
    /// count down at night), even when the due time itself has passed.
    pub fn remaining(&self, now: PrimitiveDateTime) -> Duration {
        self.target - self.clock.worked(now, self.calendar)
    }
}

#[cfg(test)]
#[path = "sla_tests.rs"]
mod tests;
