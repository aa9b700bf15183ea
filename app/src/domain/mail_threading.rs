//! Threading an incoming e-mail, as rules over facts the store read: whom it is from, which
//! cases it names, where it goes, and the system a new case for it most likely concerns.

use crate::domain::email::InboundEmail;
use crate::domain::{CaseRef, Status, System};

/// At most this many Message-IDs of In-Reply-To and References are looked up: the sender
/// writes those headers, and every look-up runs inside the writer's transaction.
pub const MAX_THREAD_IDS: usize = 20;

/// An e-mail address as it is compared with a case's citizen: trimmed, without angle
/// brackets, in lower case (mail systems treat addresses case-insensitively in practice).
pub fn normalise_address(address: &str) -> String {
    address
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
        .to_lowercase()
}

/// The first case reference in a subject. Only the ASCII spelling counts: look-alikes
/// (fullwidth "ＳＡＧ-２０２６-…", other scripts' digits) are not references, and digits of any
/// script glued to the end make the match something else ("SAG-2026-000012３" does not name
/// SAG-2026-000012). Either way a reference only threads a mail from that case's citizen.
pub fn subject_reference(subject: &str) -> Option<CaseRef> {
    let upper = subject.to_ascii_uppercase();
    upper.match_indices("SAG-").find_map(|(at, _)| {
        let candidate = upper.get(at..at + 15)?;
        let glued = upper
            .get(at + 15..)
            .and_then(|rest| rest.chars().next())
            .is_some_and(char::is_numeric);
        (!glued).then(|| CaseRef::parse(candidate).ok()).flatten()
    })
}

/// The Message-IDs by which the e-mail names cases, in the order they count: In-Reply-To,
/// then References newest first, at most [`MAX_THREAD_IDS`].
pub fn thread_ids(mail: &InboundEmail) -> impl Iterator<Item = &String> {
    mail.in_reply_to
        .iter()
        .chain(mail.references.iter().rev())
        .take(MAX_THREAD_IDS)
}

/// A case an incoming e-mail points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    pub id: i64,
    pub reference: String,
    pub status: Status,
    pub citizen_email: Option<String>,
}

impl Named {
    /// Whether `sender` (normalised) is this case's citizen. A case without a citizen e-mail
    /// has no one who may write into it by e-mail.
    fn is_from_citizen(&self, sender: &str) -> bool {
        !sender.is_empty()
            && self
                .citizen_email
                .as_deref()
                .is_some_and(|c| normalise_address(c) == sender)
    }
}

/// Why an e-mail that named a case gets a new case of its own.
#[derive(Debug, PartialEq, Eq)]
pub enum Apart {
    /// The sender's own case, closed.
    Closed(Named),
    /// Someone else's case: a stranger (or a forged reply) must not write into it.
    Stranger(Named),
}

impl Apart {
    /// The case the e-mail named, which the new case is linked to.
    pub fn into_named(self) -> Named {
        match self {
            Apart::Closed(n) | Apart::Stranger(n) => n,
        }
    }
}

/// Where an incoming e-mail goes.
#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    Into(Named),
    NewCase(Option<Apart>),
}

/// The threading decision over the cases an e-mail named, threading headers first, then the
/// subject's reference: into the first of the sender's own cases that is not closed; a new
/// case linked to the sender's closed case; else, naming only other people's cases, a new
/// case linked to the first of them, which is left as it was; naming none, a new case.
/// Threading headers get the same sender check as the subject: our Message-IDs are random,
/// but they travel in every e-mail (forwards, shared mailboxes), and the ones the citizen's
/// own mail program chose are often guessable.
pub fn route(named: Vec<Named>, sender: &str) -> Route {
    let (own, others): (Vec<Named>, Vec<Named>) =
        named.into_iter().partition(|n| n.is_from_citizen(sender));
    if let Some(open) = own.iter().find(|n| n.status != Status::Closed) {
        return Route::Into(open.clone());
    }
    if let Some(closed) = own.into_iter().next() {
        return Route::NewCase(Some(Apart::Closed(closed)));
    }
    Route::NewCase(others.into_iter().next().map(Apart::Stranger))
}

/// Whether the citizen's e-mail into a case in `status` reopens it: the case was waiting on
/// them, or resolved.
pub fn reopens(status: Status) -> bool {
    matches!(status, Status::WaitingOnCitizen | Status::Resolved)
}

/// The key under which an inbound Message-ID is kept when another message already holds it
/// (one of ours, or a citizen's that a stranger copied): with the sender, so that an MTA retry
/// of this message is still recognised. The space keeps it from ever matching a real
/// Message-ID in a threading header.
pub fn sender_key(message_id: &str, sender: &str) -> String {
    format!("{message_id} {sender}")
}

/// Whether a known Message-ID's e-mails (their From addresses) include one from `sender`
/// (normalised): only then is a message with that ID a repeat. A stranger who copies a
/// citizen's Message-ID must not make the desk drop the citizen's mail.
pub fn sent_by(senders: &[Option<String>], sender: &str) -> bool {
    senders
        .iter()
        .flatten()
        .any(|from| normalise_address(from) == sender)
}

/// The system a new e-mail case most likely concerns: the first one named, else borger.dk.
pub fn guess_system(text: &str) -> System {
    let lower = text.to_lowercase();
    // "virk" must stand alone: "virker" (works) is in every other complaint.
    let named = [
        ("nemlog", System::NemLogIn, false),
        ("digital post", System::DigitalPost, false),
        ("e-boks", System::DigitalPost, false),
        ("nemkonto", System::NemKonto, false),
        ("virk", System::Virk, true),
        ("mitid", System::MitId, false),
        ("mit id", System::MitId, false),
        ("kodeviser", System::MitId, false),
    ];
    named
        .iter()
        .filter_map(|(word, system, whole)| {
            lower
                .match_indices(word)
                .find(|(at, _)| {
                    !whole
                        || !lower[at + word.len()..]
                            .chars()
                            .next()
                            .is_some_and(char::is_alphanumeric)
                })
                .map(|(at, _)| (at, *system))
        })
        .min_by_key(|(at, _)| *at)
        .map_or(System::BorgerDk, |(_, system)| system)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_ascii_reference_names_a_case() {
        let r = |s: &str| subject_reference(s).map(|r| r.to_string());
        assert_eq!(
            r("SV: sag-2026-000012: svar").as_deref(),
            Some("SAG-2026-000012")
        );
        // Fullwidth letters or digits are not a reference, nor is one with a digit of any
        // script glued on.
        assert_eq!(r("Re: ＳＡＧ-２０２６-００００１２"), None);
        assert_eq!(r("Re: SAG-２０２６-000012"), None);
        assert_eq!(r("Re: SAG-2026-000012３"), None);
        assert_eq!(
            r("Re: SAG-2026-000012٣ og SAG-2026-000013"),
            Some("SAG-2026-000013".into())
        );
        assert_eq!(r("Re: SAG-2026-0000123"), None);
        assert_eq!(r("SAG-"), None);
    }

    #[test]
    fn addresses_compare_case_insensitively() {
        assert_eq!(
            normalise_address(" <Grete@Example.DK> "),
            "grete@example.dk"
        );
        assert_eq!(normalise_address("ÆBLE@eksempel.dk"), "æble@eksempel.dk");
    }

    #[test]
    fn guesses_the_first_named_system() {
        assert_eq!(
            guess_system("Min kodeviser til MitID virker ikke"),
            System::MitId
        );
        assert_eq!(guess_system("Digital Post og MitID"), System::DigitalPost);
        assert_eq!(guess_system("Hej, jeg har et spørgsmål"), System::BorgerDk);
        assert_eq!(guess_system("Det virker ikke med MitID"), System::MitId);
        assert_eq!(guess_system("Login på virk.dk"), System::Virk);
    }
}
