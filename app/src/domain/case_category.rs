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
#[path = "case_category_tests.rs"]
mod tests;
