//! Incidents (driftsstatus): a known problem with one or more systems, declared by a team
//! lead. Its public text is shown to citizens on every page while it is open; cases about it
//! are linked to it, and resolving it resolves them and tells each citizen once.
//!
//! Everything here is parsed from hostile form input: each field has its own refusal with a
//! message in both languages, and a parsed [`IncidentDraft`] is proof that it may be stored.

use serde::{Deserialize, Serialize};

use crate::domain::System;
use crate::i18n::Lang;

/// Shortest and longest public text (declaration or closing), in characters.
pub const TEXT_MIN: usize = 10;
pub const TEXT_MAX: usize = 600;
/// Most search words, and the longest one.
pub const WORDS_MAX: usize = 12;
pub const WORD_MAX: usize = 40;

/// Where an incident stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum IncidentState {
    /// Declared: the banner shows, cases are linked.
    Open,
    /// Being resolved: the linked cases are resolved and their citizens told, in batches.
    Resolving,
    Resolved,
}

impl IncidentState {
    pub fn as_str(self) -> &'static str {
        match self {
            IncidentState::Open => "open",
            IncidentState::Resolving => "resolving",
            IncidentState::Resolved => "resolved",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "open" => Some(IncidentState::Open),
            "resolving" => Some(IncidentState::Resolving),
            "resolved" => Some(IncidentState::Resolved),
            _ => None,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            IncidentState::Open => lang.pick("Åben", "Open"),
            IncidentState::Resolving => lang.pick("Løses nu", "Being resolved"),
            IncidentState::Resolved => lang.pick("Løst", "Resolved"),
        }
    }
}

/// Why a declaration, a closing text or a selection was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IncidentRefusal {
    #[error("no system chosen")]
    NoSystem,
    #[error("unknown system")]
    UnknownSystem,
    #[error("the Danish text is missing or too short")]
    TextDaShort,
    #[error("the English text is missing or too short")]
    TextEnShort,
    #[error("a text is too long")]
    TextLong,
    #[error("a text holds control characters")]
    TextControl,
    #[error("no search words")]
    NoWords,
    #[error("bad search words")]
    BadWords,
    #[error("bad start time")]
    BadStart,
    #[error("bad expected end")]
    BadEnd,
    #[error("the expected end is not after the start")]
    EndBeforeStart,
}

impl IncidentRefusal {
    /// The form field the refusal is about.
    pub fn field(self) -> &'static str {
        match self {
            IncidentRefusal::NoSystem | IncidentRefusal::UnknownSystem => "systems",
            IncidentRefusal::TextDaShort => "text_da",
            IncidentRefusal::TextEnShort => "text_en",
            IncidentRefusal::TextLong | IncidentRefusal::TextControl => "text",
            IncidentRefusal::NoWords | IncidentRefusal::BadWords => "search_words",
            IncidentRefusal::BadStart => "starts_at",
            IncidentRefusal::BadEnd | IncidentRefusal::EndBeforeStart => "expected_end",
        }
    }

    /// What the lead is told.
    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            IncidentRefusal::NoSystem => lang.pick(
                "Vælg mindst ét system, som problemet rammer.",
                "Choose at least one system the problem affects.",
            ),
            IncidentRefusal::UnknownSystem => lang.pick(
                "Et af de valgte systemer findes ikke.",
                "One of the chosen systems does not exist.",
            ),
            IncidentRefusal::TextDaShort => lang.pick(
                "Skriv den danske tekst til borgerne (mindst 10 tegn).",
                "Write the Danish text for citizens (at least 10 characters).",
            ),
            IncidentRefusal::TextEnShort => lang.pick(
                "Skriv den engelske tekst til borgerne (mindst 10 tegn).",
                "Write the English text for citizens (at least 10 characters).",
            ),
            IncidentRefusal::TextLong => lang.pick(
                "Teksten må højst være 600 tegn.",
                "The text may be at most 600 characters.",
            ),
            IncidentRefusal::TextControl => lang.pick(
                "Teksten må kun være én linje uden styretegn (linjeskift, tabulator, NUL).",
                "The text must be one line without control characters (line breaks, tabs, NUL).",
            ),
            IncidentRefusal::NoWords => lang.pick(
                "Skriv mindst ét søgeord, som sager om problemet indeholder.",
                "Write at least one search word that cases about the problem contain.",
            ),
            IncidentRefusal::BadWords => lang.pick(
                "Søgeord er højst 12 ord på 2–40 bogstaver eller tal, adskilt af mellemrum.",
                "Search words are at most 12 words of 2–40 letters or digits, separated by spaces.",
            ),
            IncidentRefusal::BadStart => lang.pick(
                "Angiv starttidspunktet som dato og klokkeslæt (ÅÅÅÅ-MM-DD TT:MM).",
                "Give the start as a date and time (YYYY-MM-DD HH:MM).",
            ),
            IncidentRefusal::BadEnd => lang.pick(
                "Angiv den forventede afslutning som dato og klokkeslæt (ÅÅÅÅ-MM-DD TT:MM).",
                "Give the expected end as a date and time (YYYY-MM-DD HH:MM).",
            ),
            IncidentRefusal::EndBeforeStart => lang.pick(
                "Den forventede afslutning skal ligge efter starttidspunktet.",
                "The expected end must be after the start.",
            ),
        }
    }
}

/// One public text (Danish or English): trimmed, one line, 10–600 characters, no control
/// characters. It is shown as text, never as HTML.
pub fn parse_text(raw: &str, short: IncidentRefusal) -> Result<String, IncidentRefusal> {
    let text = raw.trim();
    if text.chars().any(char::is_control) {
        return Err(IncidentRefusal::TextControl);
    }
    let n = text.chars().count();
    if n < TEXT_MIN {
        return Err(short);
    }
    if n > TEXT_MAX {
        return Err(IncidentRefusal::TextLong);
    }
    Ok(text.to_owned())
}

/// The search words: 1–12 words of 2–40 letters, digits or hyphens, lower-cased, without
/// repeats, joined by single spaces.
pub fn parse_words(raw: &str) -> Result<String, IncidentRefusal> {
    if raw.len() > 1_000 || raw.chars().any(|c| c.is_control() && c != '\t') {
        return Err(IncidentRefusal::BadWords);
    }
    let mut words: Vec<String> = Vec::new();
    for word in raw.split(|c: char| c.is_whitespace() || c == ',') {
        if word.is_empty() {
            continue;
        }
        let n = word.chars().count();
        if !(2..=WORD_MAX).contains(&n) || !word.chars().all(|c| c.is_alphanumeric() || c == '-') {
            return Err(IncidentRefusal::BadWords);
        }
        let word = word.to_lowercase();
        if !words.contains(&word) {
            words.push(word);
        }
    }
    match words.len() {
        0 => Err(IncidentRefusal::NoWords),
        n if n > WORDS_MAX => Err(IncidentRefusal::BadWords),
        _ => Ok(words.join(" ")),
    }
}

/// The chosen systems (slugs or names), each once, in the order of [`System::ALL`].
pub fn parse_systems(raw: &[String]) -> Result<Vec<System>, IncidentRefusal> {
    let mut chosen = Vec::new();
    for value in raw.iter().filter(|v| !v.trim().is_empty()) {
        if value.len() > 40 {
            return Err(IncidentRefusal::UnknownSystem);
        }
        chosen.push(System::parse(value).ok_or(IncidentRefusal::UnknownSystem)?);
    }
    let systems: Vec<System> = System::ALL
        .into_iter()
        .filter(|s| chosen.contains(s))
        .collect();
    if systems.is_empty() {
        return Err(IncidentRefusal::NoSystem);
    }
    Ok(systems)
}

/// A Danish local date and minute from a form ("2026-12-02T14:30", as `datetime-local`
/// sends it, or with a space), written back as "2026-12-02 14:30", which sorts as text.
pub fn parse_minute(raw: &str, refusal: IncidentRefusal) -> Result<String, IncidentRefusal> {
    let raw = raw.trim();
    if raw.len() > 20 {
        return Err(refusal);
    }
    let raw = raw.replacen('T', " ", 1);
    let at = time::PrimitiveDateTime::parse(
        &raw,
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]"),
    )
    .map_err(|_| refusal)?;
    if !(2000..=2100).contains(&at.year()) {
        return Err(refusal);
    }
    Ok(format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute()
    ))
}

/// A declaration, parsed: proof that it may be stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncidentDraft {
    pub systems: Vec<System>,
    pub text_da: String,
    pub text_en: String,
    pub search_words: String,
    pub starts_at: String,
    pub expected_end: String,
}

impl IncidentDraft {
    pub fn parse(
        systems: &[String],
        text_da: &str,
        text_en: &str,
        search_words: &str,
        starts_at: &str,
        expected_end: &str,
    ) -> Result<Self, IncidentRefusal> {
        let systems = parse_systems(systems)?;
        let text_da = parse_text(text_da, IncidentRefusal::TextDaShort)?;
        let text_en = parse_text(text_en, IncidentRefusal::TextEnShort)?;
        let search_words = parse_words(search_words)?;
        let starts_at = parse_minute(starts_at, IncidentRefusal::BadStart)?;
        let expected_end = parse_minute(expected_end, IncidentRefusal::BadEnd)?;
        if expected_end <= starts_at {
            return Err(IncidentRefusal::EndBeforeStart);
        }
        Ok(IncidentDraft {
            systems,
            text_da,
            text_en,
            search_words,
            starts_at,
            expected_end,
        })
    }

    /// The systems as `incidents.systems` stores them.
    pub fn systems_column(&self) -> String {
        systems_column(&self.systems)
    }
}

/// "MitID|NemLog-in".
pub fn systems_column(systems: &[System]) -> String {
    systems
        .iter()
        .map(|s| s.name())
        .collect::<Vec<_>>()
        .join("|")
}

/// The systems of a stored `systems` column; unknown names are skipped.
pub fn systems_of_column(column: &str) -> Vec<System> {
    column.split('|').filter_map(System::parse).collect()
}

/// An incident as a case's page shows it: one the case is linked to, or an open one about the
/// case's system that it may be linked to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseIncident {
    pub id: i64,
    pub state: IncidentState,
    pub text_da: String,
    pub text_en: String,
    pub linked: bool,
}

impl CaseIncident {
    pub fn text(&self, lang: Lang) -> &str {
        lang.pick(&self.text_da, &self.text_en)
    }

    /// Whether the page offers to link the case: the incident is open and the case is not
    /// linked yet.
    pub fn may_link(&self) -> bool {
        !self.linked && self.state == IncidentState::Open
    }
}

/// An open incident as the banner shows it (kept in memory, refreshed when incidents change).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Banner {
    pub id: i64,
    pub systems: Vec<System>,
    pub text_da: String,
    pub text_en: String,
    pub expected_end: String,
}

impl Banner {
    pub fn text(&self, lang: Lang) -> &str {
        lang.pick(&self.text_da, &self.text_en)
    }

    /// "MitID og NemLog-in" / "MitID and NemLog-in".
    pub fn systems_text(&self, lang: Lang) -> String {
        let names: Vec<&str> = self.systems.iter().map(|s| s.name()).collect();
        match names.split_last() {
            None => String::new(),
            Some((last, [])) => (*last).to_owned(),
            Some((last, rest)) => {
                format!("{} {} {last}", rest.join(", "), lang.pick("og", "and"))
            }
        }
    }
}

/// One incident in the history list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentSummary {
    pub id: i64,
    pub systems: Vec<System>,
    pub text_da: String,
    pub text_en: String,
    pub search_words: String,
    pub starts_at: String,
    pub expected_end: String,
    pub state: IncidentState,
    pub declared_by: String,
    pub resolved_at: Option<String>,
    /// Cases linked to it, and of those, resolved by it.
    pub linked: i64,
    pub done: i64,
}

/// A case on an incident's page: linked, or suggested for linking.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentCase {
    pub reference: String,
    pub subject: String,
    pub system: String,
    pub status: String,
    pub created_at: String,
}

/// An incident's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentDetail {
    pub summary: IncidentSummary,
    pub closing_da: Option<String>,
    pub closing_en: Option<String>,
    pub linked: Vec<IncidentCase>,
    /// Open cases about its systems that match its search words and are not linked yet.
    pub suggested: Vec<IncidentCase>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(
        systems: &[&str],
        da: &str,
        en: &str,
        words: &str,
        start: &str,
        end: &str,
    ) -> Result<IncidentDraft, IncidentRefusal> {
        let systems: Vec<String> = systems.iter().map(|s| (*s).to_owned()).collect();
        IncidentDraft::parse(&systems, da, en, words, start, end)
    }

    const DA: &str = "MitID-appen kan ikke godkende lige nu.";
    const EN: &str = "The MitID app cannot approve right now.";

    #[test]
    fn a_valid_declaration_is_normalised() {
        let d = draft(
            &["nemlog-in", "mitid", "MitID"],
            &format!("  {DA} "),
            EN,
            "  godkend,  App app  ",
            "2026-12-02T14:30",
            "2026-12-02 18:00",
        )
        .unwrap();
        assert_eq!(d.systems, vec![System::MitId, System::NemLogIn]);
        assert_eq!(d.systems_column(), "MitID|NemLog-in");
        assert_eq!(d.text_da, DA);
        assert_eq!(d.search_words, "godkend app");
        assert_eq!(d.starts_at, "2026-12-02 14:30");
        assert_eq!(d.expected_end, "2026-12-02 18:00");
        assert_eq!(
            systems_of_column("MitID|NemLog-in|nope"),
            vec![System::MitId, System::NemLogIn]
        );
    }

    #[test]
    fn each_bad_field_has_its_own_refusal() {
        let ok =
            |s: &[&str], da: &str, en: &str, w: &str, a: &str, b: &str| draft(s, da, en, w, a, b);
        let start = "2026-12-02T14:30";
        let end = "2026-12-02T18:00";
        assert_eq!(
            ok(&[], DA, EN, "app", start, end),
            Err(IncidentRefusal::NoSystem)
        );
        assert_eq!(
            ok(&[""], DA, EN, "app", start, end),
            Err(IncidentRefusal::NoSystem)
        );
        assert_eq!(
            ok(&["x"], DA, EN, "app", start, end),
            Err(IncidentRefusal::UnknownSystem)
        );
        assert_eq!(
            ok(&["mitid"], "", EN, "app", start, end),
            Err(IncidentRefusal::TextDaShort)
        );
        assert_eq!(
            ok(&["mitid"], DA, "   ", "app", start, end),
            Err(IncidentRefusal::TextEnShort)
        );
        let huge = "a".repeat(601);
        assert_eq!(
            ok(&["mitid"], &huge, EN, "app", start, end),
            Err(IncidentRefusal::TextLong)
        );
        let exact = "æ".repeat(600);
        assert!(ok(&["mitid"], &exact, EN, "app", start, end).is_ok());
        for bad in ["Linje et\r\nlinje to", "Med NUL \0 midt i", "tab\there et"] {
            assert_eq!(
                ok(&["mitid"], bad, EN, "app", start, end),
                Err(IncidentRefusal::TextControl),
                "{bad:?}"
            );
        }
        assert_eq!(
            ok(&["mitid"], DA, EN, " , ", start, end),
            Err(IncidentRefusal::NoWords)
        );
        assert_eq!(
            ok(&["mitid"], DA, EN, "a", start, end),
            Err(IncidentRefusal::BadWords)
        );
        assert_eq!(
            ok(&["mitid"], DA, EN, "<svg>", start, end),
            Err(IncidentRefusal::BadWords)
        );
        let many = (0..13)
            .map(|i| format!("ord{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(
            ok(&["mitid"], DA, EN, &many, start, end),
            Err(IncidentRefusal::BadWords)
        );
        assert_eq!(
            ok(&["mitid"], DA, EN, "app", "i går", end),
            Err(IncidentRefusal::BadStart)
        );
        assert_eq!(
            ok(&["mitid"], DA, EN, "app", start, "2026-13-01T10:00"),
            Err(IncidentRefusal::BadEnd)
        );
        assert_eq!(
            ok(&["mitid"], DA, EN, "app", start, "2026-12-02T14:30"),
            Err(IncidentRefusal::EndBeforeStart)
        );
    }

    #[test]
    fn states_round_trip_and_banners_name_their_systems() {
        for s in [
            IncidentState::Open,
            IncidentState::Resolving,
            IncidentState::Resolved,
        ] {
            assert_eq!(IncidentState::parse(s.as_str()), Some(s));
        }
        assert_eq!(IncidentState::parse("OPEN"), None);
        let banner = Banner {
            id: 1,
            systems: vec![System::MitId, System::NemLogIn, System::DigitalPost],
            text_da: DA.into(),
            text_en: EN.into(),
            expected_end: "2026-12-02 18:00".into(),
        };
        assert_eq!(
            banner.systems_text(Lang::Da),
            "MitID, NemLog-in og Digital Post"
        );
        assert_eq!(
            banner.systems_text(Lang::En),
            "MitID, NemLog-in and Digital Post"
        );
        assert_eq!(banner.text(Lang::En), EN);
    }
}

/// The open incidents, kept in memory so that no page view reads the database for the
/// banner; replaced whole whenever incidents change (and at start-up). Also holds the pause
/// between a resolution's batches, which leaves the single writer to other work.
#[derive(Debug, Default)]
pub struct Board {
    open: std::sync::RwLock<std::sync::Arc<Vec<Banner>>>,
    pause_ms: u64,
}

impl Board {
    pub fn new(pause_ms: u64) -> Self {
        Board {
            open: std::sync::RwLock::default(),
            pause_ms,
        }
    }

    /// The open incidents now (cheap: a shared pointer).
    pub fn open(&self) -> std::sync::Arc<Vec<Banner>> {
        match self.open.read() {
            Ok(open) => open.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub fn replace(&self, banners: Vec<Banner>) {
        let banners = std::sync::Arc::new(banners);
        match self.open.write() {
            Ok(mut open) => *open = banners,
            Err(poisoned) => *poisoned.into_inner() = banners,
        }
    }

    pub fn pause(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.pause_ms)
    }
}
