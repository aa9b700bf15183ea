//! Incoming e-mail: a raw RFC 5322 message (as an MTA pipe or an inbound-mail webhook hands
//! it over) parsed with mail-parser into the desk's `InboundEmail`, then threaded into a case.

use app::mail::{InboundAttachment, InboundEmail};
use app::store::mail::{self, Threaded};
use app::store::{Db, StoreError};
use mail_parser::{MessageParser, MimeHeaders};

/// The largest message accepted, attachments included.
pub const MAX_MESSAGE_BYTES: usize = 10 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum InboundError {
    #[error("the message is larger than {} MiB", MAX_MESSAGE_BYTES / 1024 / 1024)]
    TooLarge,
    #[error("the message is empty")]
    Empty,
    #[error("not an RFC 5322 message: {0}")]
    Malformed(&'static str),
    #[error("could not store the message: {0}")]
    Store(#[from] StoreError),
}

impl InboundError {
    pub fn status(&self) -> http::StatusCode {
        match self {
            InboundError::TooLarge => http::StatusCode::PAYLOAD_TOO_LARGE,
            InboundError::Empty | InboundError::Malformed(_) => http::StatusCode::BAD_REQUEST,
            InboundError::Store(_) => http::StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

/// Message-IDs as other messages' headers write them: in angle brackets.
fn bracketed(id: &str) -> String {
    let id = id.trim().trim_start_matches('<').trim_end_matches('>');
    format!("<{id}>")
}

pub fn parse(raw: &[u8]) -> Result<InboundEmail, InboundError> {
    if raw.len() > MAX_MESSAGE_BYTES {
        return Err(InboundError::TooLarge);
    }
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(InboundError::Empty);
    }
    let message = MessageParser::default()
        .parse(raw)
        .ok_or(InboundError::Malformed("no header section"))?;
    if message.headers().is_empty() {
        return Err(InboundError::Malformed("no header section"));
    }
    let from = message
        .from()
        .and_then(|a| a.first())
        .ok_or(InboundError::Malformed("no From header"))?;
    let from_address = from
        .address()
        .filter(|a| a.contains('@'))
        .ok_or(InboundError::Malformed(
            "the From header has no e-mail address",
        ))?
        .to_owned();
    let ids = |value: &mail_parser::HeaderValue<'_>| -> Vec<String> {
        value
            .as_text_list()
            .map(|list| list.iter().map(|id| bracketed(id)).collect())
            .unwrap_or_default()
    };
    let text = message
        .body_text(0)
        .map(|t| t.into_owned())
        .unwrap_or_default();
    let attachments = message
        .attachments()
        .map(|part| InboundAttachment {
            filename: part
                .attachment_name()
                .unwrap_or("vedhæftning")
                .chars()
                .take(200)
                .collect(),
            content_type: part
                .content_type()
                .map(|ct| match ct.subtype() {
                    Some(sub) => format!("{}/{sub}", ct.ctype()),
                    None => ct.ctype().to_owned(),
                })
                .unwrap_or_else(|| "application/octet-stream".into()),
            content: part.contents().to_vec(),
        })
        .collect();
    Ok(InboundEmail {
        from_address,
        from_name: from
            .name()
            .map(str::to_owned)
            .filter(|n| !n.trim().is_empty()),
        subject: message.subject().unwrap_or_default().to_owned(),
        text,
        message_id: message.message_id().map(bracketed),
        in_reply_to: ids(message.in_reply_to()),
        references: ids(message.references()),
        attachments,
    })
}

/// Parses and threads one raw message.
pub async fn ingest(db: &Db, raw: &[u8]) -> Result<Threaded, InboundError> {
    let parsed = parse(raw)?;
    Ok(mail::ingest(db, &parsed).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPLY: &str = "From: Jens Hansen <jens@example.dk>\r\n\
To: support@desk.example\r\n\
Subject: Re: SAG-2026-000004: Vi har modtaget din henvendelse\r\n\
Message-ID: <reply-1@example.dk>\r\n\
In-Reply-To: <SAG-2026-000004.abc@desk.example>\r\n\
References: <first@example.dk> <SAG-2026-000004.abc@desk.example>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b\"\r\n\
\r\n\
--b\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
\r\n\
Tak, jeg har fundet kodeviseren igen.\r\n\
--b\r\n\
Content-Type: application/pdf; name=\"politianmeldelse.pdf\"\r\n\
Content-Disposition: attachment; filename=\"politianmeldelse.pdf\"\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
JVBERi0xLjQK\r\n\
--b--\r\n";

    #[test]
    fn reads_sender_threading_headers_body_and_attachments() {
        let m = parse(REPLY.as_bytes()).unwrap();
        assert_eq!(m.from_address, "jens@example.dk");
        assert_eq!(m.from_name.as_deref(), Some("Jens Hansen"));
        assert_eq!(m.message_id.as_deref(), Some("<reply-1@example.dk>"));
        assert_eq!(m.in_reply_to, ["<SAG-2026-000004.abc@desk.example>"]);
        assert_eq!(m.references.len(), 2);
        assert!(m.text.contains("fundet kodeviseren"));
        assert_eq!(m.attachments.len(), 1);
        assert_eq!(m.attachments[0].filename, "politianmeldelse.pdf");
        assert_eq!(m.attachments[0].content_type, "application/pdf");
        assert_eq!(m.attachments[0].content, b"%PDF-1.4\n");
    }

    #[test]
    fn refuses_what_is_not_a_message() {
        assert!(matches!(parse(b""), Err(InboundError::Empty)));
        assert!(matches!(
            parse(b"just some text without headers"),
            Err(InboundError::Malformed(_))
        ));
        assert!(matches!(
            parse(b"Subject: hi\r\n\r\nno sender"),
            Err(InboundError::Malformed(_))
        ));
        let big = vec![b'a'; MAX_MESSAGE_BYTES + 1];
        assert!(matches!(parse(&big), Err(InboundError::TooLarge)));
    }
}
