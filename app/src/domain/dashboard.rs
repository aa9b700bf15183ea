//! The team lead's dashboard as the page shows it: sections of tables, each table with an
//! optional chart (inline SVG, drawn on the server by `domain::dashboard_figures`) and a CSV
//! export. Compiled for the browser too, so it holds shapes only.

use serde::{Deserialize, Serialize};

/// The page's query: the period and the filters, as typed (the server parses them).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardQuery {
    /// `today`, `7d`, `30d` or `custom`.
    pub period: String,
    /// Custom period, Danish local dates `YYYY-MM-DD`, both days included.
    pub from: String,
    pub to: String,
    /// A system's slug or empty (all).
    pub system: String,
    /// A channel (`phone`, `web_form`, `email`, `counter`) or empty (all).
    pub channel: String,
}

impl DashboardQuery {
    /// The query string that gives this query again (for the CSV links).
    pub fn to_query_string(&self) -> String {
        let pairs = [
            ("period", &self.period),
            ("from", &self.from),
            ("to", &self.to),
            ("system", &self.system),
            ("channel", &self.channel),
        ];
        pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// Percent-encodes everything but unreserved characters.
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One table of figures (and the chart drawn from it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DashTable {
    /// Stable name: the element id and the CSV route's `<table>`.
    pub id: String,
    pub caption: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Inline SVG (escaped on the server), with its own title and description.
    pub chart_svg: Option<String>,
    /// A line under the table (how a figure is defined).
    pub note: Option<String>,
}

/// A headline figure: label, value, and an optional link (the oldest urgent case).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Headline {
    pub id: String,
    pub label: String,
    pub value: String,
    pub href: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DashSection {
    pub id: String,
    pub heading: String,
    pub intro: String,
    pub headlines: Vec<Headline>,
    pub tables: Vec<DashTable>,
}

/// Everything the page shows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DashboardView {
    /// The query as understood (normalised), for the form and the CSV links.
    pub query: DashboardQuery,
    /// "2026-12-01 – 2026-12-02 (Danish time)".
    pub period_label: String,
    /// Danish local time the figures were read.
    pub generated_at: String,
    pub sections: Vec<DashSection>,
}

/// The server-sent events path the open dashboard listens on.
pub const EVENTS_PATH: &str = "/leder/events";
/// The CSV route's prefix: `/leder/csv/<table id>?<query>`.
pub const CSV_PREFIX: &str = "/leder/csv/";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_string_keeps_only_given_fields_and_encodes_them() {
        let q = DashboardQuery {
            period: "custom".into(),
            from: "2026-12-01".into(),
            to: "2026-12-02".into(),
            system: String::new(),
            channel: "a&b=c".into(),
        };
        assert_eq!(
            q.to_query_string(),
            "period=custom&from=2026-12-01&to=2026-12-02&channel=a%26b%3Dc"
        );
    }
}
