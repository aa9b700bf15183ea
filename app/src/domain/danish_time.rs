//! Danish local time (CET/CEST) from UTC, by the EU rule: summer time from the last Sunday of
//! March to the last Sunday of October, switching at 01:00 UTC. SLA clocks and opening hours
//! run on local time.

use time::macros::time;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, Weekday};

const ONE_AM: Time = time!(1:00);

fn last_sunday(year: i32, month: Month) -> Option<Date> {
    let mut day = Date::from_calendar_date(year, month, month.length(year)).ok()?;
    while day.weekday() != Weekday::Sunday {
        day = day.previous_day()?;
    }
    Some(day)
}

/// The offset from UTC in force in Denmark at `utc`.
pub fn offset_at(utc: OffsetDateTime) -> UtcOffset {
    let utc = utc.to_offset(UtcOffset::UTC);
    let year = utc.year();
    let switch =
        |month| last_sunday(year, month).map(|d| PrimitiveDateTime::new(d, ONE_AM).assume_utc());
    let summer = match (switch(Month::March), switch(Month::October)) {
        (Some(start), Some(end)) => utc >= start && utc < end,
        _ => false,
    };
    let hours = if summer { 2 } else { 1 };
    UtcOffset::from_hms(hours, 0, 0).unwrap_or(UtcOffset::UTC)
}

/// Danish wall-clock time at `utc`.
pub fn local(utc: OffsetDateTime) -> PrimitiveDateTime {
    let local = utc.to_offset(offset_at(utc));
    PrimitiveDateTime::new(local.date(), local.time())
}

/// How the desk writes a time: "2026-11-23 12:17" on screens (sorts like the SLA deadlines
/// next to it), "23-11-2026 12:17" in letters to citizens (as Danes write a date).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    Screen,
    Letter,
}

/// The desk's one way of writing a wall-clock time.
pub fn write(at: PrimitiveDateTime, layout: Layout) -> String {
    let (y, m, d, hh, mm) = (
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
    );
    match layout {
        Layout::Screen => format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}"),
        Layout::Letter => format!("{d:02}-{m:02}-{y:04} {hh:02}:{mm:02}"),
    }
}

/// When something started, in a list of the day: "HH:MM" today, the date on an earlier day.
pub fn clock_or_date(at: PrimitiveDateTime, today: Date) -> String {
    if at.date() == today {
        format!("{:02}:{:02}", at.hour(), at.minute())
    } else {
        let (y, m, d) = (at.year(), u8::from(at.month()), at.day());
        format!("{y:04}-{m:02}-{d:02}")
    }
}

/// A stored UTC timestamp (RFC 3339) as Danish wall-clock time on a screen, next to the SLA
/// deadlines, which are local. Unreadable input is shown as stored.
pub fn display(utc_rfc3339: &str) -> String {
    match OffsetDateTime::parse(utc_rfc3339, &time::format_description::well_known::Rfc3339) {
        Ok(at) => write(local(at), Layout::Screen),
        Err(_) => utc_rfc3339
            .chars()
            .take(16)
            .collect::<String>()
            .replace('T', " "),
    }
}

/// Now, in Denmark.
pub fn now_local() -> PrimitiveDateTime {
    local(OffsetDateTime::now_utc())
}

/// The instant today began in Denmark (midnight local time), as UTC.
pub fn start_of_today(now_utc: OffsetDateTime) -> OffsetDateTime {
    let offset = offset_at(now_utc);
    let local_date = now_utc.to_offset(offset).date();
    PrimitiveDateTime::new(local_date, Time::MIDNIGHT)
        .assume_offset(offset)
        .to_offset(UtcOffset::UTC)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn today_begins_at_local_midnight() {
        assert_eq!(
            start_of_today(datetime!(2026-11-23 10:00 UTC)),
            datetime!(2026-11-22 23:00 UTC)
        );
        assert_eq!(
            start_of_today(datetime!(2026-11-22 23:30 UTC)),
            datetime!(2026-11-22 23:00 UTC)
        );
        assert_eq!(
            start_of_today(datetime!(2026-06-15 21:59 UTC)),
            datetime!(2026-06-14 22:00 UTC)
        );
    }

    #[test]
    fn winter_is_utc_plus_one_and_summer_plus_two() {
        assert_eq!(
            local(datetime!(2026-01-15 12:00 UTC)),
            datetime!(2026-01-15 13:00)
        );
        assert_eq!(
            local(datetime!(2026-07-01 12:00 UTC)),
            datetime!(2026-07-01 14:00)
        );
    }

    #[test]
    fn switches_on_the_last_sundays_at_one_utc() {
        // 2026: 29 March and 25 October.
        assert_eq!(
            local(datetime!(2026-03-29 00:59 UTC)),
            datetime!(2026-03-29 01:59)
        );
        assert_eq!(
            local(datetime!(2026-03-29 01:00 UTC)),
            datetime!(2026-03-29 03:00)
        );
        assert_eq!(
            local(datetime!(2026-10-25 00:59 UTC)),
            datetime!(2026-10-25 02:59)
        );
        assert_eq!(
            local(datetime!(2026-10-25 01:00 UTC)),
            datetime!(2026-10-25 02:00)
        );
    }

    #[test]
    fn stored_utc_is_displayed_in_danish_time() {
        assert_eq!(display("2026-11-23T21:03:05Z"), "2026-11-23 22:03");
        assert_eq!(display("2026-07-01T22:30:00Z"), "2026-07-02 00:30");
        assert_eq!(display("not a time"), "not a time");
    }

    #[test]
    fn letters_write_the_day_first() {
        assert_eq!(
            write(datetime!(2026-03-05 08:07), Layout::Letter),
            "05-03-2026 08:07"
        );
        assert_eq!(
            write(datetime!(2026-03-05 08:07), Layout::Screen),
            "2026-03-05 08:07"
        );
    }

    #[test]
    fn a_days_list_shows_the_clock_today_and_the_date_before() {
        let today = datetime!(2026-03-05 08:07).date();
        assert_eq!(clock_or_date(datetime!(2026-03-05 08:07), today), "08:07");
        assert_eq!(
            clock_or_date(datetime!(2026-03-04 23:59), today),
            "2026-03-04"
        );
    }
}
