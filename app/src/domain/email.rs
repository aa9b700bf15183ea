//! E-mail as data: what the outbox carries to the mailer, what a rendered template holds, an
//! e-mail to the citizen on a case and how it is composed, and the parsed shape of an
//! incoming message.

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

/// An e-mail to the citizen on a case.
pub struct CaseEmail<'a> {
    pub to: &'a str,
    pub to_name: &'a str,
    pub rendered: Rendered,
    /// The domain of the desk's sender address: Message-IDs are ours.
    pub domain: &'a str,
    /// The timeline kind: "email_out" for replies, "notification" for automatic messages.
    pub kind: &'a str,
}

impl CaseEmail<'_> {
    /// A Message-ID of ours for a message on `reference`: the reference (so that a reply names
    /// its case even when the subject was changed), then up to 16 letters and digits of
    /// `token` (random, so that the ID cannot be guessed).
    pub fn message_id(&self, reference: &str, token: &str) -> String {
        format!(
            "<{reference}.{}@{}>",
            token
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .take(16)
                .collect::<String>(),
            self.domain
        )
    }

    /// The outbox payload of this e-mail under `message_id`.
    pub fn payload(
        &self,
        message_id: String,
        references: Vec<String>,
        in_reply_to: Option<String>,
    ) -> EmailPayload {
        EmailPayload {
            to: self.to.to_owned(),
            to_name: self.to_name.to_owned(),
            subject: self.rendered.subject.clone(),
            text: self.rendered.text.clone(),
            html: self.rendered.html.clone(),
            message_id,
            in_reply_to,
            references,
        }
    }

    /// The timeline entry's data for this e-mail, queued as outbox row `outbox_id`.
    pub fn event_data(&self, outbox_id: i64) -> String {
        serde_json::json!({
            "outbox_id": outbox_id,
            "to": self.to,
            "subject": self.rendered.subject,
        })
        .to_string()
    }
}

/// The threading headers of a reply on a case, from the case's Message-IDs newest first:
/// References lists the conversation so far, newest last (RFC 5322); In-Reply-To names the
/// citizen's latest e-mail, else the newest message of the case.
pub fn reply_headers(
    newest_first: Vec<String>,
    last_inbound: Option<String>,
) -> (Vec<String>, Option<String>) {
    let mut references = newest_first;
    references.reverse();
    let in_reply_to = last_inbound.or_else(|| references.last().cloned());
    (references, in_reply_to)
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

impl InboundEmail {
    /// The timeline entry's data for this e-mail, filed under `subject` (as stored).
    pub fn event_data(&self, subject: &str) -> String {
        serde_json::json!({
            "from": self.from_address,
            "subject": subject,
            "message_id": self.message_id,
            "attachments": self.attachments.iter().map(|a| &a.filename).collect::<Vec<_>>(),
        })
        .to_string()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_message_ids_carry_the_reference_and_sixteen_token_characters() {
        let email = CaseEmail {
            to: "grete@example.dk",
            to_name: "Grete Hansen",
            rendered: Rendered {
                subject: "Svar".into(),
                text: "Tekst".into(),
                html: "<p>Tekst</p>".into(),
            },
            domain: "desk.example",
            kind: "email_out",
        };
        assert_eq!(
            email.message_id("SAG-2026-000001", "ab-c_DEF+123/456789xyz"),
            "<SAG-2026-000001.abcDEF123456789x@desk.example>"
        );
    }

    #[test]
    fn a_reply_answers_the_citizens_latest_mail_else_the_newest_message() {
        let newest_first = vec!["<c>".to_owned(), "<b>".into(), "<a>".into()];
        assert_eq!(
            reply_headers(newest_first.clone(), None),
            (
                vec!["<a>".into(), "<b>".into(), "<c>".into()],
                Some("<c>".into())
            )
        );
        assert_eq!(
            reply_headers(newest_first, Some("<b>".into())).1.as_deref(),
            Some("<b>")
        );
        assert_eq!(reply_headers(Vec::new(), None), (Vec::new(), None));
    }
}
