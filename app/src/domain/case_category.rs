//! What a support case is about, where it stands, how it came in, and its reference number.
//!
//! Status transitions, as decided here:
//!
//! | from \ to          | new | open | waiting | resolved | closed |
//! |--------------------|-----|------|---------|----------|--------|
//! | new                |  –  | yes  | yes     | yes      | yes    |
//! | open               |  –  |  –   | yes     | yes      | yes    |
//! | waiting on citizen |  –  | yes  |  –      | yes      | yes    |
//! | resolved           |  –  | yes  |  –      |  –       | yes    |
//! | closed             |  –  | yes  |  –      |  –       |  –     |
//!
//! "New" is only ever the first status. A case may be resolved or closed straight from new
//! (answered on the spot, or a duplicate). Resolved and closed cases can only be reopened,
//! to open; closed is otherwise final. Staying in the same status is not a transition.

use serde::{Deserialize, Serialize};

use crate::domain::sla::Priority;
use crate::i18n::Lang;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} {value:?}")]
pub struct UnknownName {
    pub kind: &'static str,
    pub value: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// A lost or stolen phone, code display, audio code reader or chip.
    LostOrStolenLoginMeans,
    IdentityTheft,
    UserId,
    PasswordOrPin,
    ActivationCode,
    #[serde(rename = "nemid_migration")]
    NemIdMigration,
    DigitalPost,
    #[serde(rename = "nemkonto")]
    NemKonto,
    /// MitID Erhverv and other business matters.
    Business,
    PowerOfAttorney,
    Other,
}

impl Category {
    pub const ALL: [Category; 11] = [
        Category::LostOrStolenLoginMeans,
        Category::IdentityTheft,
        Category::UserId,
        Category::PasswordOrPin,
        Category::ActivationCode,
        Category::NemIdMigration,
        Category::DigitalPost,
        Category::NemKonto,
        Category::Business,
        Category::PowerOfAttorney,
        Category::Other,
    ];

    /// The stable name stored in the database (also the serde name).
    pub fn as_str(self) -> &'static str {
        match self {
            Category::LostOrStolenLoginMeans => "lost_or_stolen_login_means",
            Category::IdentityTheft => "identity_theft",
            Category::UserId => "user_id",
            Category::PasswordOrPin => "password_or_pin",
            Category::ActivationCode => "activation_code",
            Category::NemIdMigration => "nemid_migration",
            Category::DigitalPost => "digital_post",
            Category::NemKonto => "nemkonto",
            Category::Business => "business",
            Category::PowerOfAttorney => "power_of_attorney",
            Category::Other => "other",
        }
    }

    pub fn parse(value: &str) -> Result<Self, UnknownName> {
        find(&Self::ALL, Self::as_str, value, "category")
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Category::LostOrStolenLoginMeans => lang.pick(
                "Mistet eller stjålet MitID-middel",
                "Lost or stolen login means",
            ),
            Category::IdentityTheft => {
                lang.pick("Identitetstyveri eller misbrug", "Identity theft or misuse")
            }
            Category::UserId => lang.pick("Bruger-ID", "User-ID"),
            Category::PasswordOrPin => lang.pick("Adgangskode eller PIN", "Password or PIN"),
            Category::ActivationCode => lang.pick("Aktiveringskode", "Activation code"),
            Category::NemIdMigration => {
                lang.pick("Skift fra NemID til MitID", "Moving from NemID to MitID")
            }
            Category::DigitalPost => lang.pick("Digital Post", "Digital Post"),
            Category::NemKonto => lang.pick("NemKonto", "NemKonto"),
            Category::Business => {
                lang.pick("Erhverv og MitID Erhverv", "Business and MitID Erhverv")
            }
            Category::PowerOfAttorney => lang.pick("Fuldmagt", "Power of attorney"),
            Category::Other => lang.pick("Andet", "Other"),
        }
    }

    /// The priority a new case gets unless staff choose otherwise.
    ///
    /// Urgent: lost or stolen login means and identity theft (someone else may be using the
    /// citizen's MitID right now). High: password/PIN and activation codes (the citizen is
    /// locked out of banking and public self-service; paper codes also run out after 48 hours).
    /// Normal: everything else, including "other" (an unknown problem is not a small one).
    /// Low is never a default; staff set it by hand.
    pub fn default_priority(self) -> Priority {
        match self {
            Category::LostOrStolenLoginMeans | Category::IdentityTheft => Priority::Urgent,
            Category::PasswordOrPin | Category::ActivationCode => Priority::High,
            Category::UserId
            | Category::NemIdMigration
            | Category::DigitalPost
            | Category::NemKonto
            | Category::Business
            | Category::PowerOfAttorney
            | Category::Other => Priority::Normal,
        }
    }
}

/// Free-function form of [`Category::default_priority`].
pub fn default_priority(category: Category) -> Priority {
    category.default_priority()
}

/// Where a case sorts in the supporters' queue (the `lane` column), before its due time.
///
/// Urgent cases that staff took down (a call, the counter) come first. Urgent cases that came
/// in anonymously (contact form, e-mail) get a lane of their own just after them: anyone can
/// pick "identity theft" on a web form, so a flood of such requests must not push the verified
/// ones down. They keep their urgent priority and SLA; the citizen is told to call the 24-hour
/// line for a block. Everything else follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lane {
    Urgent,
    Unverified,
    Regular,
}

impl Lane {
    /// The lane of a new case with this priority that came in on `channel`.
    pub fn of(priority: Priority, channel: Channel) -> Self {
        match priority {
            Priority::Urgent if channel.is_anonymous() => Lane::Unverified,
            Priority::Urgent => Lane::Urgent,
            Priority::High | Priority::Normal | Priority::Low => Lane::Regular,
        }
    }

    /// The stored value: the queue sorts by it ascending.
    pub fn as_i64(self) -> i64 {
        match self {
            Lane::Urgent => 0,
            Lane::Unverified => 1,
            Lane::Regular => 2,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Lane::Urgent => lang.pick("Akut", "Urgent"),
            Lane::Unverified => lang.pick("Akut, ubekræftet", "Urgent, unverified"),
            Lane::Regular => lang.pick("Øvrige", "Other"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    New,
    Open,
    WaitingOnCitizen,
    Resolved,
    Closed,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::New,
        Status::Open,
        Status::WaitingOnCitizen,
        Status::Resolved,
        Status::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Open => "open",
            Status::WaitingOnCitizen => "waiting_on_citizen",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
        }
    }

    pub fn parse(value: &str) -> Result<Self, UnknownName> {
        find(&Self::ALL, Self::as_str, value, "status")
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Status::New => lang.pick("Ny", "New"),
            Status::Open => lang.pick("Åben", "Open"),
            Status::WaitingOnCitizen => lang.pick("Afventer borger", "Waiting on citizen"),
            Status::Resolved => lang.pick("Løst", "Resolved"),
            Status::Closed => lang.pick("Lukket", "Closed"),
        }
    }

    /// While a case waits on the citizen, its SLA clock stands still.
    pub fn pauses_sla(self) -> bool {
        self == Status::WaitingOnCitizen
    }

    /// True for statuses where nobody needs to act (resolved, closed).
    pub fn is_done(self) -> bool {
        matches!(self, Status::Resolved | Status::Closed)
    }

    /// The statuses a case in this status may move to; see the table in the module comment.
    pub fn next(self) -> &'static [Status] {
        use Status::*;
        match self {
            New => &[Open, WaitingOnCitizen, Resolved, Closed],
            Open => &[WaitingOnCitizen, Resolved, Closed],
            WaitingOnCitizen => &[Open, Resolved, Closed],
            Resolved => &[Open, Closed],
            Closed => &[Open],
        }
    }
}

/// Whether a case may move from `from` to `to`; see the table in the module comment.
pub fn can_transition(from: Status, to: Status) -> bool {
    from.next().contains(&to)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Phone,
    WebForm,
    Email,
    /// In person at the Borgerservice counter.
    Counter,
}

impl Channel {
    pub const ALL: [Channel; 4] = [
        Channel::Phone,
        Channel::WebForm,
        Channel::Email,
        Channel::Counter,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Phone => "phone",
            Channel::WebForm => "web_form",
            Channel::Email => "email",
            Channel::Counter => "counter",
        }
    }

    pub fn parse(value: &str) -> Result<Self, UnknownName> {
        find(&Self::ALL, Self::as_str, value, "channel")
    }

    /// Channels anyone can use without a person at the desk seeing who they are: what comes in
    /// on them is unverified.
    pub fn is_anonymous(self) -> bool {
        matches!(self, Channel::WebForm | Channel::Email)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Channel::Phone => lang.pick("Telefon", "Phone"),
            Channel::WebForm => lang.pick("Webformular", "Web form"),
            Channel::Email => lang.pick("E-mail", "E-mail"),
            Channel::Counter => lang.pick("Borgerservice (skranke)", "Citizen service counter"),
        }
    }
}

/// The item of `all` named `value` (trimmed, in any case): the parse of every stored name.
pub(crate) fn find<T: Copy>(
    all: &[T],
    name: fn(T) -> &'static str,
    value: &str,
    kind: &'static str,
) -> Result<T, UnknownName> {
    let v = value.trim().to_ascii_lowercase();
    all.iter()
        .copied()
        .find(|&item| name(item) == v)
        .ok_or_else(|| UnknownName {
            kind,
            value: value.to_owned(),
        })
}

/// A case reference, "SAG-2026-000123": the year the case was created and a sequence
/// number within that year. Citizens read it aloud on the phone, so it carries no personal
/// data (never a CPR number).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CaseRef {
    year: u16,
    seq: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseRefError {
    #[error("a case reference looks like SAG-2026-000123")]
    Format,
    #[error("the year of a case reference is between 2000 and 9999")]
    Year,
    #[error("the sequence number of a case reference is between 1 and 999999")]
    Sequence,
}

impl CaseRef {
    pub const MIN_YEAR: u16 = 2000;
    pub const MAX_YEAR: u16 = 9999;
    pub const MAX_SEQ: u32 = 999_999;

    pub fn new(year: u16, seq: u32) -> Result<Self, CaseRefError> {
        if !(Self::MIN_YEAR..=Self::MAX_YEAR).contains(&year) {
            return Err(CaseRefError::Year);
        }
        if !(1..=Self::MAX_SEQ).contains(&seq) {
            return Err(CaseRefError::Sequence);
        }
        Ok(Self { year, seq })
    }

    /// Accepts "SAG-2026-000123" in any case, with surrounding whitespace. The sequence must
    /// have its six digits, so a reference has one written form.
    pub fn parse(raw: &str) -> Result<Self, CaseRefError> {
        let value = raw.trim().to_ascii_uppercase();
        let mut parts = value.split('-');
        let (Some("SAG"), Some(year), Some(seq), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(CaseRefError::Format);
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if year.len() != 4 || seq.len() != 6 || !all_digits(year) || !all_digits(seq) {
            return Err(CaseRefError::Format);
        }
        let year = year.parse().map_err(|_| CaseRefError::Format)?;
        let seq = seq.parse().map_err(|_| CaseRefError::Format)?;
        Self::new(year, seq)
    }

    /// The first reference written anywhere in `text`, e.g. in "Re: SAG-2026-000123: Svar".
    pub fn find_in(text: &str) -> Option<Self> {
        let upper = text.to_ascii_uppercase();
        upper.match_indices("SAG-").find_map(|(at, _)| {
            let candidate = upper.get(at..at + 15)?;
            let next_is_digit = upper[at + 15..].starts_with(|c: char| c.is_ascii_digit());
            (!next_is_digit)
                .then(|| Self::parse(candidate).ok())
                .flatten()
        })
    }

    pub fn year(self) -> u16 {
        self.year
    }

    pub fn seq(self) -> u32 {
        self.seq
    }
}

impl std::fmt::Display for CaseRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SAG-{:04}-{:06}", self.year, self.seq)
    }
}

impl From<CaseRef> for String {
    fn from(value: CaseRef) -> Self {
        value.to_string()
    }
}

impl TryFrom<String> for CaseRef {
    type Error = CaseRefError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_round_trip_and_are_unique() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Ok(c));
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
            assert_ne!(c.label(Lang::Da), "");
            assert_ne!(c.label(Lang::En), "");
        }
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Ok(s));
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.as_str())
            );
            assert_ne!(s.label(Lang::Da), s.label(Lang::En));
        }
        for ch in Channel::ALL {
            assert_eq!(Channel::parse(ch.as_str()), Ok(ch));
            assert_eq!(
                serde_json::to_string(&ch).unwrap(),
                format!("\"{}\"", ch.as_str())
            );
        }
        let names: HashSet<_> = Category::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), Category::ALL.len());
        assert_eq!(
            Category::parse(" Identity_Theft "),
            Ok(Category::IdentityTheft)
        );
        assert_eq!(
            Status::parse("pending"),
            Err(UnknownName {
                kind: "status",
                value: "pending".into()
            })
        );
        assert!(Channel::parse("fax").is_err());
        assert!(Category::parse("").is_err());
    }

    #[test]
    fn default_priorities() {
        use Category::*;
        let table = [
            (LostOrStolenLoginMeans, Priority::Urgent),
            (IdentityTheft, Priority::Urgent),
            (UserId, Priority::Normal),
            (PasswordOrPin, Priority::High),
            (ActivationCode, Priority::High),
            (NemIdMigration, Priority::Normal),
            (DigitalPost, Priority::Normal),
            (NemKonto, Priority::Normal),
            (Business, Priority::Normal),
            (PowerOfAttorney, Priority::Normal),
            (Other, Priority::Normal),
        ];
        assert_eq!(table.len(), Category::ALL.len());
        for (category, priority) in table {
            assert_eq!(default_priority(category), priority, "{category:?}");
        }
    }

    #[test]
    fn anonymous_urgent_cases_get_the_unverified_lane() {
        for channel in Channel::ALL {
            let anonymous = matches!(channel, Channel::WebForm | Channel::Email);
            assert_eq!(channel.is_anonymous(), anonymous, "{channel:?}");
            let urgent = Lane::of(Priority::Urgent, channel);
            assert_eq!(
                urgent,
                if anonymous {
                    Lane::Unverified
                } else {
                    Lane::Urgent
                },
                "{channel:?}"
            );
            for p in [Priority::High, Priority::Normal, Priority::Low] {
                assert_eq!(Lane::of(p, channel), Lane::Regular, "{p:?} {channel:?}");
            }
        }
        // The queue sorts by the stored value: verified urgent, unverified, the rest.
        assert!(Lane::Urgent.as_i64() < Lane::Unverified.as_i64());
        assert!(Lane::Unverified.as_i64() < Lane::Regular.as_i64());
        assert_ne!(
            Lane::Unverified.label(Lang::Da),
            Lane::Unverified.label(Lang::En)
        );
    }

    #[test]
    fn only_waiting_on_citizen_pauses_the_sla() {
        for s in Status::ALL {
            assert_eq!(s.pauses_sla(), s == Status::WaitingOnCitizen, "{s:?}");
        }
    }

    #[test]
    fn the_full_transition_table() {
        use Status::*;
        // Rows: from; columns: to, in Status::ALL order (new, open, waiting, resolved, closed).
        let table = [
            (New, [false, true, true, true, true]),
            (Open, [false, false, true, true, true]),
            (WaitingOnCitizen, [false, true, false, true, true]),
            (Resolved, [false, true, false, false, true]),
            (Closed, [false, true, false, false, false]),
        ];
        for (from, row) in table {
            for (to, allowed) in Status::ALL.into_iter().zip(row) {
                assert_eq!(can_transition(from, to), allowed, "{from:?} → {to:?}");
            }
        }
        // Nothing ever goes back to new, and nothing stays put.
        for s in Status::ALL {
            assert!(!can_transition(s, Status::New));
            assert!(!can_transition(s, s));
        }
        assert!(Status::Closed.is_done() && Status::Resolved.is_done());
        assert!(!Status::WaitingOnCitizen.is_done());
    }

    #[test]
    fn case_refs() {
        let r = CaseRef::new(2026, 123).unwrap();
        assert_eq!(r.to_string(), "SAG-2026-000123");
        assert_eq!((r.year(), r.seq()), (2026, 123));
        for raw in ["SAG-2026-000123", " sag-2026-000123 ", "Sag-2026-000123"] {
            assert_eq!(CaseRef::parse(raw), Ok(r), "{raw:?}");
        }
        assert_eq!(
            CaseRef::parse("SAG-2026-999999").map(CaseRef::seq),
            Ok(999_999)
        );
        assert!(CaseRef::new(2026, 1).unwrap() < CaseRef::new(2026, 2).unwrap());
        assert!(CaseRef::new(2026, 999_999).unwrap() < CaseRef::new(2027, 1).unwrap());
    }

    #[test]
    fn malformed_case_refs() {
        use CaseRefError::*;
        for (raw, err) in [
            ("", Format),
            ("SAG-2026-123", Format),
            ("SAG-2026-0000123", Format),
            ("SAG-26-000123", Format),
            ("SAG 2026 000123", Format),
            ("SAG-2026-000123-1", Format),
            ("CASE-2026-000123", Format),
            ("SAG-2026-+00123", Format),
            ("SAG-2026-00012a", Format),
            ("SAG-1999-000123", Year),
            ("SAG-2026-000000", Sequence),
        ] {
            assert_eq!(CaseRef::parse(raw), Err(err), "{raw:?}");
        }
        assert_eq!(CaseRef::new(10_000, 1), Err(Year));
        assert_eq!(CaseRef::new(2026, 1_000_000), Err(Sequence));
        assert_eq!(CaseRef::new(2026, 0), Err(Sequence));
    }

    #[test]
    fn case_refs_serialize_as_their_written_form() {
        let r = CaseRef::new(2026, 42).unwrap();
        assert_eq!(serde_json::to_string(&r).unwrap(), "\"SAG-2026-000042\"");
        assert_eq!(
            serde_json::from_str::<CaseRef>("\"SAG-2026-000042\"").unwrap(),
            r
        );
        assert!(serde_json::from_str::<CaseRef>("\"SAG-2026-0\"").is_err());
    }

    #[test]
    fn finds_a_reference_inside_a_subject() {
        let found = |t: &str| CaseRef::find_in(t).map(|r| r.to_string());
        assert_eq!(
            found("Re: SAG-2026-000123: Mistet kodeviser").as_deref(),
            Some("SAG-2026-000123")
        );
        assert_eq!(
            found("SV: sag-2026-000007").as_deref(),
            Some("SAG-2026-000007")
        );
        assert_eq!(
            found("Re: SAG-2026-12 og SAG-2026-000009").as_deref(),
            Some("SAG-2026-000009")
        );
        assert_eq!(found("SAG-2026-0001234"), None);
        assert_eq!(found("Hjælp"), None);
    }
}
