//! Cases on the server: the contact form (intake and limits), citizen lookup, case search,
//! the supporters' case work (queue and case page, notes, status, replies, claims, calls,
//! CPR reveals, failed deliveries) and linking and merging cases. The shapes pages show
//! (queue rows, case page, the live feed's items) and the canned answers are in `domain`,
//! the case search index's upkeep in `index_sync::cases`.

pub mod calls;
pub mod citizens;
pub mod claim;
pub mod contact;
pub mod contact_limits;
pub mod cpr_reveal;
pub mod delivery;
pub mod detail;
pub mod links;
pub mod notes;
pub mod party;
pub mod reply;
pub mod search;
pub mod status;

use crate::domain::SupportContacts;
use crate::i18n::Lang;
use crate::mail::MailSettings;
use crate::store::cases::{self, CaseRecord};
use crate::store::{Db, StoreError};

/// What a service needs to compose and queue an e-mail to the citizen.
pub struct Mailer<'a> {
    pub contacts: &'a SupportContacts,
    pub mail: &'a MailSettings,
    /// Wakes the outbox worker after a commit that queued a message.
    pub outbox: &'a tokio::sync::Notify,
}

impl Mailer<'_> {
    /// Tells the outbox worker that a message is waiting (call after the commit).
    pub fn wake_outbox(&self) {
        self.outbox.notify_one();
    }
}

/// The case with this reference (surrounding spaces ignored), if there is one.
async fn find(db: &Db, reference: &str) -> Result<Option<CaseRecord>, StoreError> {
    cases::find(db, reference.trim()).await
}

/// What a supporter is told for a case reference that does not exist.
fn unknown_case(lang: Lang) -> &'static str {
    lang.pick("Sagen findes ikke.", "The case does not exist.")
}

/// What a supporter is told when the store failed.
fn store_failure(lang: Lang) -> &'static str {
    lang.pick(
        "Der skete en fejl hos os. Prøv igen om lidt.",
        "Something went wrong on our side. Please try again shortly.",
    )
}

/// What a supporter is told for a status the case cannot move to from its own.
fn no_transition(lang: Lang) -> &'static str {
    lang.pick(
        "Sagen kan ikke skifte til den status herfra.",
        "The case cannot move to that status from here.",
    )
}
