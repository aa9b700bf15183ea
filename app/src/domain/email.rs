//! E-mail as data: what the outbox carries to the mailer, what a rendered template holds and
//! the parsed shape of an incoming message.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// A rendered template: subject and both bodies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Renders the confirmation e-mail for the new case's reference.
pub type Confirmation = Arc<dyn Fn(&str) -> Rendered + Send + Sync>;

/// An outgoing e-mail as stored in the outbox: rendered when queued, so the timeline shows
/// exactly what is sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailPayload {
    pub to: String,
    pub to_name: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// With angle brackets, e.g. "<SAG-2026-000001.abc@desk.example>".
    pub message_id: String,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
}

/// An incoming e-mail, parsed from RFC 5322 by the server.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InboundEmail {
    pub from_address: String,
    pub from_name: Option<String>,
    pub subject: String,
    /// The plain-text body (or the HTML part turned into text).
    pub text: String,
    /// With angle brackets, as they appear in other messages' headers.
    pub message_id: Option<String>,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    pub attachments: Vec<InboundAttachment>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InboundAttachment {
    pub filename: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// The timeline keeps a confirmation without the citizen's private status link: the link is
/// the citizen's alone, and staff have the case itself. `lang` is the citizen's ("da", "en").
pub fn without_private_link(text: &str, status_url: &str, lang: &str) -> String {
    let marker = if lang == "en" {
        "[private status link]"
    } else {
        "[privat statuslink]"
    };
    text.replace(status_url, marker)
}
