//! Tests of `sla`.

use super::*;
use time::macros::{date, datetime};

// March 2026: Monday 9 … Friday 13, Saturday 14, Sunday 15, Monday 16.
fn support() -> BusinessHours {
    BusinessHours::support_line([])
}

fn office(holidays: impl IntoIterator<Item = Date>) -> BusinessHours {
    let day = OpeningHours::new(time!(8:00), time!(16:00)).ok();
    BusinessHours::new([day, day, day, day, day, None, None], None, holidays).unwrap()
}

fn h(hours: i64) -> Duration {
    Duration::hours(hours)
}

fn m(minutes: i64) -> Duration {
    Duration::minutes(minutes)
}

#[test]
fn priorities_parse_and_sort_most_urgent_first() {
    for p in Priority::ALL {
        assert_eq!(Priority::parse(p.as_str()), Ok(p));
        assert!(!p.label(Lang::Da).is_empty());
    }
    assert_eq!(Priority::parse(" URGENT "), Ok(Priority::Urgent));
    assert!(Priority::parse("asap").is_err());
    let mut sorted = [
        Priority::Low,
        Priority::Urgent,
        Priority::Normal,
        Priority::High,
    ];
    sorted.sort();
    assert_eq!(sorted, Priority::ALL);
}

#[test]
fn default_policies() {
    let table = [
        (Priority::Urgent, m(15), h(4), Counting::AroundTheClock),
        (Priority::High, h(2), h(12), Counting::BusinessHours),
        (Priority::Normal, h(8), h(36), Counting::BusinessHours),
        (Priority::Low, h(12), h(60), Counting::BusinessHours),
    ];
    for (p, first, resolution, counting) in table {
        let policy = SlaPolicy::default_for(p);
        assert_eq!(policy.first_response, first, "{p:?}");
        assert_eq!(policy.resolution, resolution, "{p:?}");
        assert_eq!(policy.counting, counting, "{p:?}");
        assert!(policy.first_response < policy.resolution);
    }
}

#[test]
fn opening_hours_must_make_sense() {
    assert_eq!(
        OpeningHours::new(time!(16:00), time!(8:00)),
        Err(BusinessHoursError::CloseNotAfterOpen)
    );
    assert_eq!(
        OpeningHours::new(time!(8:00), time!(8:00)),
        Err(BusinessHoursError::CloseNotAfterOpen)
    );
    let day = OpeningHours::new(time!(8:00), time!(16:00)).ok();
    assert_eq!(
        BusinessHours::new([None; 7], day, [date!(2026 - 12 - 24)]),
        Err(BusinessHoursError::NeverOpen)
    );
}

#[test]
fn support_line_hours_per_day() {
    let hours = BusinessHours::support_line([date!(2026 - 03 - 10)]);
    let wk = OpeningHours::new(time!(8:00), time!(20:00)).ok();
    let we = OpeningHours::new(time!(10:00), time!(16:00)).ok();
    for (day, expected) in [
        (date!(2026 - 03 - 09), wk),
        (date!(2026 - 03 - 10), we), // holiday on a Tuesday
        (date!(2026 - 03 - 13), wk),
        (date!(2026 - 03 - 14), we),
        (date!(2026 - 03 - 15), we),
    ] {
        assert_eq!(hours.hours_on(day), expected, "{day}");
    }
    assert_eq!(BusinessHours::default(), support());
}

#[test]
fn add_business_time_on_the_support_line() {
    let hours = support();
    let table = [
        // within a day
        (
            datetime!(2026-03-09 09:00),
            h(2),
            datetime!(2026-03-09 11:00),
        ),
        // crossing the evening close
        (
            datetime!(2026-03-09 19:00),
            h(2),
            datetime!(2026-03-10 09:00),
        ),
        // ending exactly at closing time
        (
            datetime!(2026-03-09 18:00),
            h(2),
            datetime!(2026-03-09 20:00),
        ),
        // starting after close / before opening
        (
            datetime!(2026-03-09 21:30),
            m(30),
            datetime!(2026-03-10 08:30),
        ),
        (
            datetime!(2026-03-10 06:00),
            h(1),
            datetime!(2026-03-10 09:00),
        ),
        // Friday evening into Saturday's shorter hours
        (
            datetime!(2026-03-13 19:00),
            h(2),
            datetime!(2026-03-14 11:00),
        ),
        (
            datetime!(2026-03-14 15:00),
            h(2),
            datetime!(2026-03-15 11:00),
        ),
        (
            datetime!(2026-03-15 15:00),
            h(2),
            datetime!(2026-03-16 09:00),
        ),
        // a whole weekday and a weekend
        // Friday 12 h + Saturday 6 h + Sunday 6 h: due at Sunday's close
        (
            datetime!(2026-03-13 08:00),
            h(24),
            datetime!(2026-03-15 16:00),
        ),
        (
            datetime!(2026-03-13 08:00),
            h(25),
            datetime!(2026-03-16 09:00),
        ),
        // nothing to do
        (
            datetime!(2026-03-09 23:00),
            Duration::ZERO,
            datetime!(2026-03-09 23:00),
        ),
        (
            datetime!(2026-03-09 23:00),
            h(-3),
            datetime!(2026-03-09 23:00),
        ),
    ];
    for (start, work, due) in table {
        assert_eq!(
            add_business_time(start, work, &hours),
            due,
            "{start} + {work}"
        );
    }
}

#[test]
fn closed_weekends_and_holidays_are_skipped() {
    // Easter 2026: Maundy Thursday 2 April, Good Friday 3 April, Easter Monday 6 April.
    let easter = [
        date!(2026 - 04 - 02),
        date!(2026 - 04 - 03),
        date!(2026 - 04 - 06),
    ];
    let hours = office(easter);
    let table = [
        // Friday afternoon to Monday morning
        (
            datetime!(2026-03-13 15:00),
            h(2),
            datetime!(2026-03-16 09:00),
        ),
        (
            datetime!(2026-03-14 12:00),
            h(1),
            datetime!(2026-03-16 09:00),
        ),
        // Wednesday before Easter to the Tuesday after
        (
            datetime!(2026-04-01 15:00),
            h(2),
            datetime!(2026-04-07 09:00),
        ),
        (
            datetime!(2026-04-01 15:00),
            h(9),
            datetime!(2026-04-07 16:00),
        ),
        (
            datetime!(2026-04-01 15:00),
            h(10),
            datetime!(2026-04-08 09:00),
        ),
    ];
    for (start, work, due) in table {
        assert_eq!(
            add_business_time(start, work, &hours),
            due,
            "{start} + {work}"
        );
    }
    // The same Wednesday on an office calendar without the holidays.
    assert_eq!(
        add_business_time(datetime!(2026-04-01 15:00), h(2), &office([])),
        datetime!(2026-04-02 09:00)
    );
}

#[test]
fn holidays_on_the_support_line_use_holiday_hours() {
    let hours = BusinessHours::support_line([date!(2026 - 03 - 10)]);
    assert_eq!(
        add_business_time(datetime!(2026-03-09 19:00), h(2), &hours),
        datetime!(2026-03-10 11:00)
    );
    assert_eq!(
        add_business_time(datetime!(2026-03-10 15:00), h(2), &hours),
        datetime!(2026-03-11 09:00)
    );
}

#[test]
fn business_time_between_is_the_inverse_of_add() {
    let hours = BusinessHours::support_line([date!(2026 - 03 - 10)]);
    let starts = [
        datetime!(2026-03-09 07:00),
        datetime!(2026-03-09 19:45),
        datetime!(2026-03-13 12:00),
        datetime!(2026-03-14 22:00),
    ];
    for start in starts {
        for work in [m(1), m(15), h(2), h(6), h(12), h(36), h(60)] {
            let due = add_business_time(start, work, &hours);
            assert_eq!(
                business_time_between(start, due, &hours),
                work,
                "{start} + {work}"
            );
        }
    }
    assert_eq!(
        business_time_between(
            datetime!(2026-03-09 19:00),
            datetime!(2026-03-10 09:00),
            &hours
        ),
        h(1) // 19–20 on Monday; the Tuesday holiday only opens at 10
    );
    assert_eq!(
        business_time_between(
            datetime!(2026-03-10 09:00),
            datetime!(2026-03-09 19:00),
            &hours
        ),
        Duration::ZERO
    );
}

#[test]
fn urgent_counts_around_the_clock() {
    let hours = support();
    let policy = SlaPolicy::default_for(Priority::Urgent);
    // Saturday night, when the line is closed.
    let clock = SlaClock::start(datetime!(2026-03-14 23:00));
    let first = policy.first_response_deadline(&clock, &hours);
    let resolution = policy.resolution_deadline(&clock, &hours);
    let now = datetime!(2026-03-14 23:05);
    assert_eq!(first.due_at(now), datetime!(2026-03-14 23:15));
    assert_eq!(resolution.due_at(now), datetime!(2026-03-15 03:00));
    assert_eq!(first.remaining(now), m(10));
    assert!(!first.is_breached(datetime!(2026-03-14 23:15)));
    assert!(first.is_breached(datetime!(2026-03-14 23:16)));
    assert_eq!(first.remaining(datetime!(2026-03-14 23:45)), m(-30));
}

#[test]
fn a_pause_extends_the_due_time() {
    let hours = support();
    let policy = SlaPolicy::default_for(Priority::High); // 2 business hours
    let mut clock = SlaClock::start(datetime!(2026-03-09 09:00));
    clock.pause(datetime!(2026-03-09 09:30)).unwrap();
    clock.resume(datetime!(2026-03-09 10:30)).unwrap();
    let deadline = policy.first_response_deadline(&clock, &hours);
    let now = datetime!(2026-03-09 11:00);
    assert_eq!(deadline.due_at(now), datetime!(2026-03-09 12:00));
    assert_eq!(deadline.remaining(now), h(1));
    assert!(!deadline.is_breached(datetime!(2026-03-09 11:30)));
    assert!(deadline.is_breached(datetime!(2026-03-09 12:01)));
    assert_eq!(clock.paused(now, deadline.calendar), h(1));
    assert_eq!(clock.worked(now, deadline.calendar), h(1));
}

#[test]
fn a_pause_overnight_only_counts_open_hours() {
    let hours = support();
    let cal = Calendar::Business(&hours);
    // Started 18:00, paused 19:30 to 08:30 the next morning: 30 + 30 open minutes paused.
    let clock = SlaClock::from_parts(
        datetime!(2026-03-09 18:00),
        [Pause {
            from: datetime!(2026-03-09 19:30),
            until: datetime!(2026-03-10 08:30),
        }],
        None,
    )
    .unwrap();
    let now = datetime!(2026-03-10 08:45);
    assert_eq!(clock.paused(now, cal), h(1));
    assert_eq!(clock.worked(now, cal), m(90) + m(15));
    assert_eq!(clock.due_at(h(2), cal, now), datetime!(2026-03-10 09:00));
    // Without the pause: 18:00 + 2 h = 20:00, the same evening.
    let unpaused = SlaClock::start(datetime!(2026-03-09 18:00));
    assert_eq!(unpaused.due_at(h(2), cal, now), datetime!(2026-03-09 20:00));
}

#[test]
fn an_open_pause_keeps_moving_the_due_time() {
    let hours = support();
    let cal = Calendar::Business(&hours);
    let mut clock = SlaClock::start(datetime!(2026-03-09 09:00));
    clock.pause(datetime!(2026-03-09 10:00)).unwrap();
    assert!(clock.is_paused());
    for (now, due) in [
        (datetime!(2026-03-09 10:00), datetime!(2026-03-09 11:00)),
        (datetime!(2026-03-09 13:00), datetime!(2026-03-09 14:00)),
        (datetime!(2026-03-09 19:30), datetime!(2026-03-10 08:30)),
        (datetime!(2026-03-09 23:00), datetime!(2026-03-10 09:00)),
    ] {
        assert_eq!(clock.due_at(h(2), cal, now), due, "{now}");
        let deadline = Deadline {
            clock: &clock,
            target: h(2),
            calendar: cal,
        };
        assert!(!deadline.is_breached(now));
        assert_eq!(deadline.remaining(now), h(1));
    }
    clock.resume(datetime!(2026-03-10 08:00)).unwrap();
    assert_eq!(
        clock.due_at(h(2), cal, datetime!(2026-03-10 08:00)),
        datetime!(2026-03-10 09:00)
    );
}

#[test]
fn a_pause_after_the_breach_does_not_undo_it() {
    let hours = support();
    let cal = Calendar::Business(&hours);
    let mut clock = SlaClock::start(datetime!(2026-03-09 09:00));
    clock.pause(datetime!(2026-03-09 12:00)).unwrap();
    let now = datetime!(2026-03-09 15:00);
    let deadline = Deadline {
        clock: &clock,
        target: h(2),
        calendar: cal,
    };
    assert_eq!(deadline.due_at(now), datetime!(2026-03-09 11:00));
    assert!(deadline.is_breached(now));
    assert_eq!(deadline.remaining(now), h(-1));
}

#[test]
fn breached_after_closing_even_though_no_time_counts_at_night() {
    let hours = support();
    let clock = SlaClock::start(datetime!(2026-03-09 18:00));
    let deadline = Deadline {
        clock: &clock,
        target: h(2),
        calendar: Calendar::Business(&hours),
    };
    let night = datetime!(2026-03-09 22:00);
    assert_eq!(deadline.due_at(night), datetime!(2026-03-09 20:00));
    assert!(!deadline.is_breached(datetime!(2026-03-09 20:00)));
    assert!(deadline.is_breached(night));
    assert_eq!(deadline.remaining(night), Duration::ZERO);
}

#[test]
fn clock_events_must_be_in_order() {
    let t = |hh: u8| date!(2026 - 03 - 09).with_time(Time::from_hms(hh, 0, 0).unwrap());
    let mut clock = SlaClock::start(t(9));
    assert_eq!(clock.resume(t(10)), Err(SlaClockError::NotPaused));
    assert_eq!(clock.pause(t(8)), Err(SlaClockError::OutOfOrder));
    clock.pause(t(10)).unwrap();
    assert_eq!(clock.pause(t(11)), Err(SlaClockError::AlreadyPaused));
    assert_eq!(clock.resume(t(9)), Err(SlaClockError::OutOfOrder));
    clock.resume(t(11)).unwrap();
    assert_eq!(clock.pause(t(10)), Err(SlaClockError::OutOfOrder));
    assert_eq!(
        clock.pauses(),
        [Pause {
            from: t(10),
            until: t(11)
        }]
    );
    assert!(!clock.is_paused());

    let rebuilt = SlaClock::from_parts(
        t(9),
        [Pause {
            from: t(10),
            until: t(11),
        }],
        Some(t(12)),
    );
    assert_eq!(
        rebuilt.as_ref().map(SlaClock::paused_since),
        Ok(Some(t(12)))
    );
    assert_eq!(
        SlaClock::from_parts(
            t(9),
            [Pause {
                from: t(11),
                until: t(10)
            }],
            None
        ),
        Err(SlaClockError::OutOfOrder)
    );
    assert_eq!(
        SlaClock::from_parts(
            t(9),
            [Pause {
                from: t(8),
                until: t(10)
            }],
            None
        ),
        Err(SlaClockError::OutOfOrder)
    );
}

#[test]
fn calendar_helpers() {
    let cal = Calendar::AroundTheClock;
    let start = datetime!(2026-03-09 23:00);
    assert_eq!(cal.add(start, h(2)), datetime!(2026-03-10 01:00));
    assert_eq!(cal.add(start, h(-2)), start);
    assert_eq!(cal.between(start, datetime!(2026-03-10 01:00)), h(2));
    assert_eq!(
        cal.between(datetime!(2026-03-10 01:00), start),
        Duration::ZERO
    );
}
