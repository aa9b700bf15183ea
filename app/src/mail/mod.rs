//! E-mail: the templates citizens receive, the payload the outbox carries to the server's
//! mailer, and the parsed shape of an incoming message.

use serde::{Deserialize, Serialize};

pub mod templates;

pub use templates::{Rendered, Template};

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

/// Where and as whom the desk sends mail.
#[derive(Clone, Debug)]
pub struct MailSettings {
    /// The sender, e.g. "Supportlinjen <support@desk.example>".
    pub from: String,
    /// The desk's public address, for the citizens' status links.
    pub public_url: String,
}

impl MailSettings {
    /// The sender's domain: the right-hand side of our Message-IDs.
    pub fn domain(&self) -> &str {
        self.from
            .rsplit('@')
            .next()
            .map(|d| d.trim_end_matches('>').trim())
            .filter(|d| !d.is_empty())
            .unwrap_or("supportdesk.local")
    }

    pub fn status_url(&self, token: &str) -> String {
        format!(
            "{}/sag/status/{token}",
            self.public_url.trim_end_matches('/')
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_comes_from_the_sender_address() {
        let s = MailSettings {
            from: "Supportlinjen <support@desk.example>".into(),
            public_url: "https://desk.example/".into(),
        };
        assert_eq!(s.domain(), "desk.example");
        assert_eq!(s.status_url("tok"), "https://desk.example/sag/status/tok");
    }
}
