//! The dashboard's arithmetic, with no I/O (server only, so the browser's bundle stays lean):
//! the period in Danish local time and its buckets, UTC hours mapped to local hours and days,
//! percentiles from histograms, backlog age buckets, CSV cells that a spreadsheet will not run
//! as formulas, and hand-drawn SVG bar charts.

use time::format_description::well_known::Rfc3339;
use time::macros::{format_description, time};
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use crate::domain::danish_time;
use crate::i18n::Lang;

/// The longest custom period, in days.
pub const MAX_DAYS: i64 = 366;

/// The period the lead picked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    Today,
    Days7,
    Days30,
    /// Danish local dates, both included.
    Custom {
        from: Date,
        to: Date,
    },
}

/// Why the period or a filter was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("unknown period")]
    UnknownPeriod,
    #[error("a date is not YYYY-MM-DD")]
    BadDate,
    #[error("the period ends before it starts")]
    Backwards,
    #[error("the period is too long")]
    TooLong,
    #[error("the period is in the future")]
    Future,
    #[error("unknown system")]
    UnknownSystem,
    #[error("unknown channel")]
    UnknownChannel,
}

impl QueryError {
    pub fn field(&self) -> &'static str {
        match self {
            QueryError::UnknownPeriod => "period",
            QueryError::BadDate
            | QueryError::Backwards
            | QueryError::TooLong
            | QueryError::Future => "from",
            QueryError::UnknownSystem => "system",
            QueryError::UnknownChannel => "channel",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match self {
            QueryError::UnknownPeriod => lang.pick(
                "Vælg en periode: i dag, 7 dage, 30 dage eller egne datoer.",
                "Choose a period: today, 7 days, 30 days or your own dates.",
            ),
            QueryError::BadDate => lang.pick(
                "Skriv datoerne som ÅÅÅÅ-MM-DD, fx 2026-12-01.",
                "Write the dates as YYYY-MM-DD, e.g. 2026-12-01.",
            ),
            QueryError::Backwards => lang.pick(
                "Slutdatoen ligger før startdatoen.",
                "The end date is before the start date.",
            ),
            QueryError::TooLong => lang.pick(
                "Perioden må højst være 366 dage.",
                "The period may be at most 366 days.",
            ),
            QueryError::Future => lang.pick(
                "Perioden må ikke begynde efter i dag.",
                "The period may not start after today.",
            ),
            QueryError::UnknownSystem => lang.pick("Ukendt system.", "Unknown system."),
            QueryError::UnknownChannel => lang.pick("Ukendt kanal.", "Unknown channel."),
        }
        .to_owned()
    }
}

fn parse_date(text: &str) -> Result<Date, QueryError> {
    let text = text.trim();
    if text.len() != 10 {
        return Err(QueryError::BadDate);
    }
    Date::parse(text, format_description!("[year]-[month]-[day]")).map_err(|_| QueryError::BadDate)
}

impl Period {
    /// `today` (also empty), `7d`, `30d`, or `custom` with both dates.
    pub fn parse(period: &str, from: &str, to: &str, today: Date) -> Result<Self, QueryError> {
        match period.trim() {
            "" | "today" => Ok(Period::Today),
            "7d" => Ok(Period::Days7),
            "30d" => Ok(Period::Days30),
            "custom" => {
                let from = parse_date(from)?;
                let to = parse_date(to)?;
                if to < from {
                    return Err(QueryError::Backwards);
                }
                if (to - from).whole_days() + 1 > MAX_DAYS {
                    return Err(QueryError::TooLong);
                }
                if from > today {
                    return Err(QueryError::Future);
                }
                Ok(Period::Custom { from, to })
            }
            _ => Err(QueryError::UnknownPeriod),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Period::Today => "today",
            Period::Days7 => "7d",
            Period::Days30 => "30d",
            Period::Custom { .. } => "custom",
        }
    }

    /// The first and last local day.
    pub fn days(self, today: Date) -> (Date, Date) {
        let back = |n: i64| today.checked_sub(Duration::days(n)).unwrap_or(today);
        match self {
            Period::Today => (today, today),
            Period::Days7 => (back(6), today),
            Period::Days30 => (back(29), today),
            Period::Custom { from, to } => (from, to),
        }
    }
}

/// The instant a Danish local day begins, in UTC (midnight is never inside a DST switch).
pub fn local_midnight_utc(day: Date) -> OffsetDateTime {
    // The offset at noon UTC of that day is the one in force at its local midnight.
    let noon = PrimitiveDateTime::new(day, time!(12:00)).assume_utc();
    let offset = danish_time::offset_at(noon);
    PrimitiveDateTime::new(day, Time::MIDNIGHT)
        .assume_offset(offset)
        .to_offset(UtcOffset::UTC)
}

/// RFC 3339 UTC text that sorts with the stored `created_at` values.
pub fn utc_text(at: OffsetDateTime) -> String {
    at.to_offset(UtcOffset::UTC)
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// The period as UTC bounds `[start, end)`, whether it is counted by hour, and its buckets'
/// labels in order (local "HH:00" for one day, local dates otherwise).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bounds {
    pub start: OffsetDateTime,
    pub end: OffsetDateTime,
    pub by_hour: bool,
    pub buckets: Vec<String>,
    pub first_day: Date,
    pub last_day: Date,
}

pub fn bounds(period: Period, now_utc: OffsetDateTime) -> Bounds {
    let today = danish_time::local(now_utc).date();
    let (first, last) = period.days(today);
    let start = local_midnight_utc(first);
    let end = last
        .next_day()
        .map(local_midnight_utc)
        .unwrap_or(now_utc)
        .min(now_utc.max(start));
    let by_hour = first == last;
    let buckets = if by_hour {
        // Every local hour of the day (23 or 25 on a switch day would repeat or skip an hour
        // label; the local hour of each UTC hour decides).
        let mut labels = Vec::new();
        let mut at = start;
        let day_end = last.next_day().map(local_midnight_utc).unwrap_or(start);
        while at < day_end {
            let label = format!("{:02}:00", danish_time::local(at).hour());
            if !labels.contains(&label) {
                labels.push(label);
            }
            at += Duration::hours(1);
        }
        labels
    } else {
        let mut labels = Vec::new();
        let mut day = first;
        while day <= last {
            labels.push(day.to_string());
            match day.next_day() {
                Some(next) => day = next,
                None => break,
            }
        }
        labels
    };
    Bounds {
        start,
        end,
        by_hour,
        buckets,
        first_day: first,
        last_day: last,
    }
}

/// The local bucket a stored UTC hour (`YYYY-MM-DDTHH`, the first 13 characters of an RFC 3339
/// time) falls in: its local hour or its local date.
pub fn bucket_of(utc_hour: &str, by_hour: bool) -> Option<String> {
    let at = PrimitiveDateTime::parse(
        utc_hour.get(..13)?,
        format_description!("[year]-[month]-[day]T[hour]"),
    )
    .ok()?
    .assume_utc();
    let local = danish_time::local(at);
    Some(if by_hour {
        format!("{:02}:00", local.hour())
    } else {
        local.date().to_string()
    })
}

/// Counts per UTC hour summed into the period's local buckets, in bucket order.
pub fn series(bounds: &Bounds, per_utc_hour: &[(String, i64)]) -> Vec<i64> {
    let mut out = vec![0; bounds.buckets.len()];
    for (hour, n) in per_utc_hour {
        if let Some(label) = bucket_of(hour, bounds.by_hour)
            && let Some(i) = bounds.buckets.iter().position(|b| *b == label)
        {
            out[i] += n;
        }
    }
    out
}

/// The `p`th percentile (nearest rank) of values given as a histogram `(value, count)` in any
/// order; `None` when empty.
pub fn percentile(histogram: &[(i64, i64)], p: f64) -> Option<i64> {
    let mut sorted: Vec<(i64, i64)> = histogram.iter().copied().filter(|(_, n)| *n > 0).collect();
    sorted.sort_unstable();
    let total: i64 = sorted.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    let rank = ((p / 100.0) * total as f64).ceil().max(1.0) as i64;
    let mut seen = 0;
    for (value, n) in sorted {
        seen += n;
        if seen >= rank {
            return Some(value);
        }
    }
    None
}

/// How many of the histogram's values are below `limit`, and the total.
pub fn share_below(histogram: &[(i64, i64)], limit: i64) -> (i64, i64) {
    let total = histogram.iter().map(|(_, n)| n).sum();
    let below = histogram
        .iter()
        .filter(|(v, _)| *v < limit)
        .map(|(_, n)| n)
        .sum();
    (below, total)
}

/// A share as a percentage with one decimal, Danish or English decimal mark; "–" for 0 of 0.
pub fn percent(part: i64, whole: i64, lang: Lang) -> String {
    if whole <= 0 {
        return "–".into();
    }
    let tenths = (part * 1000 + whole / 2) / whole;
    let text = format!("{}.{} %", tenths / 10, tenths % 10);
    match lang {
        Lang::Da => text.replace('.', ","),
        Lang::En => text,
    }
}

/// A length of time in whole minutes or seconds, written for people: "45 s", "12 min",
/// "3 t 5 min" / "3 h 5 min", "2 d 4 t".
pub fn duration_text(seconds: Option<i64>, lang: Lang) -> String {
    let Some(s) = seconds else {
        return "–".into();
    };
    let h = lang.pick("t", "h");
    match s {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min", s / 60),
        s if s < 86_400 => format!("{} {h} {} min", s / 3600, (s % 3600) / 60),
        s => format!("{} d {} {h}", s / 86_400, (s % 86_400) / 3600),
    }
}

/// The backlog's age buckets: the upper limits in hours (the last bucket is open-ended).
pub const AGE_LIMITS_HOURS: [i64; 5] = [1, 4, 24, 72, 168];

pub fn age_labels(lang: Lang) -> [&'static str; 6] {
    match lang {
        Lang::Da => [
            "under 1 time",
            "1–4 timer",
            "4–24 timer",
            "1–3 dage",
            "3–7 dage",
            "over 7 dage",
        ],
        Lang::En => [
            "under 1 hour",
            "1–4 hours",
            "4–24 hours",
            "1–3 days",
            "3–7 days",
            "over 7 days",
        ],
    }
}

/// The cut-off times for [`AGE_LIMITS_HOURS`] before `now`, as stored UTC text, youngest first.
pub fn age_cutoffs(now_utc: OffsetDateTime) -> Vec<String> {
    AGE_LIMITS_HOURS
        .iter()
        .map(|h| utc_text(now_utc - Duration::hours(*h)))
        .collect()
}

/// A ratings histogram (1–5) as its mean with one decimal.
pub fn mean_rating(counts: &[i64; 5], lang: Lang) -> String {
    let n: i64 = counts.iter().sum();
    if n == 0 {
        return "–".into();
    }
    let sum: i64 = counts
        .iter()
        .enumerate()
        .map(|(i, c)| (i as i64 + 1) * c)
        .sum();
    let tenths = (sum * 10 + n / 2) / n;
    let text = format!("{}.{}", tenths / 10, tenths % 10);
    match lang {
        Lang::Da => text.replace('.', ","),
        Lang::En => text,
    }
}

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

/// One CSV cell: a value a spreadsheet would read as a formula (beginning with `=`, `+`, `-`,
/// `@`, a tab or a carriage return) gets a leading apostrophe; a cell with a separator, quote
/// or line break is quoted (quotes doubled). NUL is dropped.
pub fn csv_cell(value: &str) -> String {
    let value: String = value.chars().filter(|c| *c != '\0').collect();
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value
    };
    if value.contains([',', ';', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// A whole table: header row, then rows, CRLF line ends (RFC 4180), UTF-8 with a byte-order
/// mark so that spreadsheets read the Danish letters.
pub fn csv(columns: &[String], rows: &[Vec<String>]) -> String {
    let mut out = String::from("\u{feff}");
    let line = |cells: &[String]| {
        cells
            .iter()
            .map(|c| csv_cell(c))
            .collect::<Vec<_>>()
            .join(",")
    };
    out.push_str(&line(columns));
    out.push_str("\r\n");
    for row in rows {
        out.push_str(&line(row));
        out.push_str("\r\n");
    }
    out
}

// ---------------------------------------------------------------------------------------------
// SVG charts
// ---------------------------------------------------------------------------------------------

/// Escapes text for SVG/XML content and attributes.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Bar colours: each at least 4.5:1 against the white background (WCAG 1.4.11 asks 3:1), and
/// told apart by the legend's words as well as by colour.
pub const COLOURS: [&str; 3] = ["#1d4f91", "#9a3d00", "#2f6b2f"];

/// One series of a bar chart.
pub struct Series<'a> {
    pub name: &'a str,
    pub values: &'a [f64],
}

/// A grouped vertical bar chart: one group per label, one bar per series. `id` makes the
/// title's and description's ids unique on the page.
pub fn bar_chart(
    id: &str,
    title: &str,
    desc: &str,
    labels: &[String],
    series: &[Series<'_>],
) -> String {
    const HEIGHT: f64 = 180.0;
    const TOP: f64 = 24.0;
    const BOTTOM: f64 = 40.0;
    const LEFT: f64 = 44.0;
    let groups = labels.len().max(1) as f64;
    let per_group = series.len().max(1) as f64;
    let group_w = (640.0 / groups).clamp(8.0, 60.0);
    let width = LEFT + group_w * groups + 10.0;
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let (id, title, desc) = (xml_escape(id), xml_escape(title), xml_escape(desc));
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" \
         viewBox=\"0 0 {width:.0} {total:.0}\" aria-labelledby=\"{id}-t {id}-d\">\
         <title id=\"{id}-t\">{title}</title><desc id=\"{id}-d\">{desc}</desc>",
        total = TOP + HEIGHT + BOTTOM
    );
    // Axis and the maximum.
    svg.push_str(&format!(
        "<line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{base}\" stroke=\"#333\"/>\
         <line x1=\"{LEFT}\" y1=\"{base}\" x2=\"{width:.0}\" y2=\"{base}\" stroke=\"#333\"/>\
         <text x=\"{lx}\" y=\"{ty}\" font-size=\"11\" text-anchor=\"end\" fill=\"#222\">{max:.0}</text>\
         <text x=\"{lx}\" y=\"{base}\" font-size=\"11\" text-anchor=\"end\" fill=\"#222\">0</text>",
        base = TOP + HEIGHT,
        lx = LEFT - 4.0,
        ty = TOP + 4.0,
    ));
    let bar_w = ((group_w - 2.0) / per_group).max(1.0);
    let label_every = (labels.len() / 12).max(1);
    for (g, label) in labels.iter().enumerate() {
        let x0 = LEFT + g as f64 * group_w + 1.0;
        for (s, one) in series.iter().enumerate() {
            let v = one.values.get(g).copied().unwrap_or(0.0);
            let h = (v / max) * HEIGHT;
            svg.push_str(&format!(
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar_w:.1}\" height=\"{h:.1}\" fill=\"{c}\"/>",
                x = x0 + s as f64 * bar_w,
                y = TOP + HEIGHT - h,
                c = COLOURS[s % COLOURS.len()],
            ));
        }
        if g % label_every == 0 {
            svg.push_str(&format!(
                "<text x=\"{x:.1}\" y=\"{y:.0}\" font-size=\"10\" fill=\"#222\">{l}</text>",
                x = x0,
                y = TOP + HEIGHT + 14.0,
                l = xml_escape(
                    label
                        .get(5..)
                        .filter(|_| label.len() == 10)
                        .unwrap_or(label)
                ),
            ));
        }
    }
    // Legend.
    for (s, one) in series.iter().enumerate() {
        let x = LEFT + s as f64 * 150.0;
        let y = TOP + HEIGHT + 30.0;
        svg.push_str(&format!(
            "<rect x=\"{x}\" y=\"{ry}\" width=\"10\" height=\"10\" fill=\"{c}\"/>\
             <text x=\"{tx}\" y=\"{y}\" font-size=\"11\" fill=\"#222\">{n}</text>",
            ry = y - 9.0,
            tx = x + 14.0,
            c = COLOURS[s % COLOURS.len()],
            n = xml_escape(one.name),
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn periods_parse_and_refuse() {
        let today = date!(2026 - 12 - 02);
        assert_eq!(Period::parse("", "", "", today), Ok(Period::Today));
        assert_eq!(Period::parse("7d", "", "", today), Ok(Period::Days7));
        assert_eq!(
            Period::parse("custom", "2026-11-01", "2026-11-30", today),
            Ok(Period::Custom {
                from: date!(2026 - 11 - 01),
                to: date!(2026 - 11 - 30)
            })
        );
        assert_eq!(
            Period::parse("custom", "2026-11-30", "2026-11-01", today),
            Err(QueryError::Backwards)
        );
        assert_eq!(
            Period::parse("custom", "2020-01-01", "2026-11-01", today),
            Err(QueryError::TooLong)
        );
        assert_eq!(
            Period::parse("custom", "2027-01-01", "2027-01-02", today),
            Err(QueryError::Future)
        );
        assert_eq!(
            Period::parse("custom", "\"><svg", "x", today),
            Err(QueryError::BadDate)
        );
        assert_eq!(
            Period::parse("year", "", "", today),
            Err(QueryError::UnknownPeriod)
        );
    }

    #[test]
    fn today_is_counted_by_local_hour_from_local_midnight() {
        // 2 December: winter time, UTC+1. Local midnight is 23:00 UTC the day before.
        let b = bounds(Period::Today, datetime!(2026-12-02 10:30 UTC));
        assert_eq!(b.start, datetime!(2026-12-01 23:00 UTC));
        assert_eq!(b.end, datetime!(2026-12-02 10:30 UTC));
        assert!(b.by_hour);
        assert_eq!(b.buckets.len(), 24);
        assert_eq!(b.buckets[0], "00:00");
        // 09:xx UTC is 10:00 local.
        assert_eq!(bucket_of("2026-12-02T09", true).as_deref(), Some("10:00"));
        // 23:xx UTC on the 1st is the 2nd locally.
        assert_eq!(
            bucket_of("2026-12-01T23", false).as_deref(),
            Some("2026-12-02")
        );
        // Summer: UTC+2.
        assert_eq!(
            bucket_of("2026-07-01T22", false).as_deref(),
            Some("2026-07-02")
        );
        let s = series(
            &b,
            &[
                ("2026-12-01T23".into(), 2),
                ("2026-12-02T09".into(), 3),
                ("junk".into(), 9),
            ],
        );
        assert_eq!(s[0], 2);
        assert_eq!(s[10], 3);
        assert_eq!(s.iter().sum::<i64>(), 5);
    }

    #[test]
    fn seven_days_are_seven_local_dates() {
        let b = bounds(Period::Days7, datetime!(2026-12-02 10:30 UTC));
        assert!(!b.by_hour);
        assert_eq!(b.buckets.first().map(String::as_str), Some("2026-11-26"));
        assert_eq!(b.buckets.last().map(String::as_str), Some("2026-12-02"));
        assert_eq!(b.buckets.len(), 7);
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let h = [(10, 1), (30, 1), (20, 1), (40, 1)];
        assert_eq!(percentile(&h, 50.0), Some(20));
        assert_eq!(percentile(&h, 90.0), Some(40));
        assert_eq!(percentile(&[(5, 10)], 90.0), Some(5));
        assert_eq!(percentile(&[], 50.0), None);
        assert_eq!(share_below(&[(30, 3), (60, 1), (120, 1)], 60), (3, 5));
    }

    #[test]
    fn percentages_and_means_are_rounded_and_localised() {
        assert_eq!(percent(2, 3, Lang::Da), "66,7 %");
        assert_eq!(percent(2, 3, Lang::En), "66.7 %");
        assert_eq!(percent(0, 0, Lang::En), "–");
        assert_eq!(mean_rating(&[0, 0, 1, 0, 1], Lang::Da), "4,0");
        assert_eq!(mean_rating(&[1, 0, 0, 0, 2], Lang::En), "3.7");
        assert_eq!(duration_text(Some(45), Lang::Da), "45 s");
        assert_eq!(duration_text(Some(3 * 3600 + 300), Lang::Da), "3 t 5 min");
    }

    #[test]
    fn csv_cells_never_start_a_formula() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("-2"), "'-2");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\tx"), "'\tx");
        assert_eq!(csv_cell("\rx"), "\"'\rx\"");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(csv_cell("nul\0"), "nul");
        assert_eq!(csv_cell("MitID"), "MitID");
        let table = csv(&["a".into(), "b".into()], &[vec!["1".into(), "=2".into()]]);
        assert_eq!(table, "\u{feff}a,b\r\n1,'=2\r\n");
    }

    #[test]
    fn charts_escape_their_text() {
        let svg = bar_chart(
            "c",
            "</title><script>",
            "\"><svg onload=x>",
            &["2026-12-01".into(), "<b>".into()],
            &[Series {
                name: "a&b",
                values: &[1.0, 2.0],
            }],
        );
        assert!(!svg.contains("<script>"));
        assert!(!svg.contains("<svg onload"));
        assert!(svg.contains("a&amp;b"));
        assert!(svg.contains("<title id=\"c-t\">"));
        assert_eq!(svg.matches("<rect").count(), 3);
    }
}
