//! How the supporters' queue is ordered and paged, and what a due time means to the person
//! reading it ("2 t 10 m left", "overdue 35 m").

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

/// The queue's order. `Due` is the working order: urgent lane first, then by due time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum QueueSort {
    #[default]
    Due,
    /// Newest first.
    Created,
    /// Urgent, high, normal, low; each by due time.
    Priority,
}

impl QueueSort {
    pub const ALL: [QueueSort; 3] = [QueueSort::Due, QueueSort::Created, QueueSort::Priority];

    pub fn as_str(self) -> &'static str {
        match self {
            QueueSort::Due => "due",
            QueueSort::Created => "created",
            QueueSort::Priority => "priority",
        }
    }

    /// Unknown or empty values fall back to the working order: a sort is never an error.
    pub fn parse(value: Option<&str>) -> Self {
        Self::ALL
            .into_iter()
            .find(|s| Some(s.as_str()) == value.map(str::trim))
            .unwrap_or_default()
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            QueueSort::Due => lang.pick("Frist (akutte først)", "Due (urgent first)"),
            QueueSort::Created => lang.pick("Nyeste først", "Newest first"),
            QueueSort::Priority => lang.pick("Prioritet", "Priority"),
        }
    }
}

/// Where the next page starts: the sort key of the last row shown. Keyset paging keeps every
/// page as cheap as the first, however deep a supporter pages at a million cases.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueCursor {
    /// Lane (due order) or priority rank (priority order); 0 for the newest-first order.
    pub rank: i64,
    pub due: String,
    pub id: i64,
}

impl QueueCursor {
    /// `rank.due.id`, as it travels in the URL (`?efter=`).
    pub fn encode(&self) -> String {
        format!("{}.{}.{}", self.rank, self.due.replace(' ', "T"), self.id)
    }

    /// A cursor that does not parse starts from the top: a stale or edited link is harmless.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().splitn(3, '.');
        let rank = parts
            .next()?
            .parse::<i64>()
            .ok()
            .filter(|r| (0..=9).contains(r))?;
        let due = parts.next()?;
        let id = parts.next()?.parse::<i64>().ok().filter(|id| *id > 0)?;
        let due_ok = due.len() == 19
            && due
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b':' | b'T'));
        due_ok.then(|| Self {
            rank,
            due: due.replace('T', " "),
            id,
        })
    }
}

/// The rank of a priority in the priority order (urgent first).
pub fn priority_rank(priority: crate::domain::Priority) -> i64 {
    use crate::domain::Priority;
    match priority {
        Priority::Urgent => 0,
        Priority::High => 1,
        Priority::Normal => 2,
        Priority::Low => 3,
    }
}

/// Minutes from `now` to `due`, both Danish local "YYYY-MM-DD HH:MM:SS"; negative when past.
#[cfg(feature = "ssr")]
pub fn minutes_left(due: &str, now: time::PrimitiveDateTime) -> Option<i64> {
    let due = crate::domain::sla_clock::parse(due)?;
    Some((due - now).whole_minutes())
}

/// A due time as the queue shows it: "14:05" today, "3/12 14:05" on another day.
#[cfg(feature = "ssr")]
pub fn short_due(due: &str, now: time::PrimitiveDateTime) -> String {
    match crate::domain::sla_clock::parse(due) {
        Some(at) if at.date() == now.date() => format!("{:02}:{:02}", at.hour(), at.minute()),
        Some(at) => format!(
            "{}/{} {:02}:{:02}",
            at.day(),
            u8::from(at.month()),
            at.hour(),
            at.minute()
        ),
        None => due.chars().take(16).collect(),
    }
}

/// "om 2 t 10 m", "om 1 d 4 t", "om 5 d"; "35 m over" when negative. Short, because it sits
/// in a queue row beside the due time.
pub fn describe_minutes_left(minutes: i64, lang: Lang) -> String {
    let span = minutes.unsigned_abs();
    let (days, hours, mins) = (span / 1440, span % 1440 / 60, span % 60);
    let unit_h = lang.pick("t", "h");
    let amount = match (days, hours) {
        (3.., _) => format!("{days} d"),
        (1.., _) => format!("{days} d {hours} {unit_h}"),
        (0, 1..) => format!("{hours} {unit_h} {mins} m"),
        (0, 0) => format!("{mins} m"),
    };
    if minutes < 0 {
        format!("{amount} {}", lang.pick("over", "overdue"))
    } else {
        format!("{} {amount}", lang.pick("om", "in"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_parses_its_own_names_and_falls_back_to_the_working_order() {
        for s in QueueSort::ALL {
            assert_eq!(QueueSort::parse(Some(s.as_str())), s);
        }
        for junk in [
            None,
            Some(""),
            Some("DROP TABLE"),
            Some("due\r\n"),
            Some("\0"),
        ] {
            assert!(matches!(QueueSort::parse(junk), QueueSort::Due), "{junk:?}");
        }
    }

    #[test]
    fn cursor_round_trips_and_refuses_anything_else() {
        let c = QueueCursor {
            rank: 2,
            due: "2026-12-02 14:05:00".into(),
            id: 123_456,
        };
        assert_eq!(c.encode(), "2.2026-12-02T14:05:00.123456");
        assert_eq!(QueueCursor::parse(&c.encode()), Some(c));
        for bad in [
            "",
            "2",
            "2.2026-12-02T14:05:00",
            "2.2026-12-02T14:05:00.0",
            "2.2026-12-02T14:05:00.-1",
            "x.2026-12-02T14:05:00.1",
            "2.2026-12-02T14:05:00'--.1",
            "2.\"><svg onload=alert(1)>.1",
            "99.2026-12-02T14:05:00.1",
            "2.2026-12-02\r\n14:05:00.1",
        ] {
            assert_eq!(QueueCursor::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn time_left_reads_as_people_say_it() {
        let cases = [
            (45, Lang::Da, "om 45 m"),
            (130, Lang::Da, "om 2 t 10 m"),
            (1440 + 250, Lang::En, "in 1 d 4 h"),
            (3 * 1440 + 250, Lang::Da, "om 3 d"),
            (-35, Lang::Da, "35 m over"),
            (-61, Lang::En, "1 h 1 m overdue"),
            (-20 * 1440, Lang::Da, "20 d over"),
            (0, Lang::Da, "om 0 m"),
        ];
        for (minutes, lang, want) in cases {
            assert_eq!(describe_minutes_left(minutes, lang), want, "{minutes}");
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn minutes_left_is_signed() {
        let now = crate::domain::sla_clock::parse("2026-12-02 10:00:00").unwrap();
        assert_eq!(minutes_left("2026-12-02 12:30:00", now), Some(150));
        assert_eq!(minutes_left("2026-12-02 09:15:00", now), Some(-45));
        assert_eq!(minutes_left("garbage", now), None);
        assert_eq!(short_due("2026-12-02 14:05:00", now), "14:05");
        assert_eq!(short_due("2026-12-03 09:00:00", now), "3/12 09:00");
    }
}
