//! Incoming e-mail: a raw RFC 5322 message (as an MTA pipe or an inbound-mail webhook hands
//! it over) parsed with mail-parser into the desk's `InboundEmail`, then threaded into a case.

use app::domain::cpr;
use app::domain::email::{InboundAttachment, InboundEmail};
use app::mail::{self, Threaded};
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

/// The longest subject kept (longer ones are cut, with "…").
pub const MAX_SUBJECT_CHARS: usize = 200;
/// The longest sender name kept.
pub const MAX_NAME_CHARS: usize = 100;
/// The longest attachment file name kept.
pub const MAX_FILENAME_CHARS: usize = 200;
/// The longest body text kept on the timeline; the rest is cut with a note.
pub const MAX_TEXT_CHARS: usize = 100_000;
/// The most attachments kept of one message; the rest are named as dropped in the text.
pub const MAX_ATTACHMENTS: usize = 100;
/// Threading headers kept: the first In-Reply-To ids and the newest References.
const MAX_IN_REPLY_TO: usize = 5;
const MAX_REFERENCES: usize = app::domain::mail_threading::MAX_THREAD_IDS;
/// RFC 5321's limit for an address; a Message-ID longer than this is not one of anybody's.
const MAX_ADDRESS_BYTES: usize = 254;
const MAX_MESSAGE_ID_BYTES: usize = 250;

/// Characters that reorder what follows them on screen ("Trojan Source" file names such as
/// "faktura\u{202E}fdp.exe" shown as "fakturaexe.pdf"): never kept in a header value.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` cut to `max` characters, "…" marking the cut.
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// A header value as one line of display text: control characters (CR and LF of an encoded
/// word, NUL, tabs) become spaces, bidi controls go, whitespace runs shrink to one space; then
/// CPR numbers are redacted (on the cleaned text, so no control character can hide one) and
/// the value is cut (after redaction, so no half number survives the cut).
fn one_line(value: &str, max: usize) -> String {
    let spaced: String = value
        .chars()
        .filter(|c| !is_bidi_control(*c))
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let joined = spaced.split_whitespace().collect::<Vec<_>>().join(" ");
    truncate(&cpr::redact(&joined), max)
}

/// The body text: line breaks as "\n", tabs kept, other control characters (NUL included)
/// dropped, then CPR numbers redacted, then cut at [`MAX_TEXT_CHARS`].
fn body_text(text: &str) -> String {
    let unified = text.replace("\r\n", "\n").replace('\r', "\n");
    let clean: String = unified
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect();
    let clean = cpr::redact(&clean);
    let total = clean.chars().count();
    if total <= MAX_TEXT_CHARS {
        return clean;
    }
    let mut cut: String = clean.chars().take(MAX_TEXT_CHARS).collect();
    cut.push_str(&format!("\n[… afkortet: beskeden var på {total} tegn]"));
    cut
}

/// An attachment's file name for display: one line, no path separators, never empty.
fn file_name(name: Option<&str>) -> String {
    let name = one_line(name.unwrap_or_default(), MAX_FILENAME_CHARS).replace(['/', '\\'], "_");
    if name.trim_matches(['.', ' ']).is_empty() {
        "vedhæftning".to_owned()
    } else {
        name
    }
}

/// A MIME type made only of token characters (RFC 2045), lower case; anything else (a
/// parameter smuggled in, a line break) is `application/octet-stream`.
fn content_type(ctype: &str, subtype: Option<&str>) -> String {
    let token = |s: &str| {
        !s.is_empty()
            && s.len() <= 100
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b))
    };
    match subtype {
        Some(sub) if token(ctype) && token(sub) => format!("{ctype}/{sub}").to_ascii_lowercase(),
        _ => "application/octet-stream".to_owned(),
    }
}

/// Message-IDs as other messages' headers write them: in angle brackets. None for what cannot
/// be one (control characters, spaces, empty, over-long): it would never match ours anyway.
fn bracketed(id: &str) -> Option<String> {
    let id = id.trim().trim_start_matches('<').trim_end_matches('>');
    let valid = !id.is_empty()
        && id.len() <= MAX_MESSAGE_ID_BYTES
        && !id.chars().any(|c| c.is_control() || c.is_whitespace());
    valid.then(|| format!("<{id}>"))
}

/// The sender's address, if it is one: a single line with an "@", no spaces or control
/// characters, not longer than an address can be.
fn sender_address(address: &str) -> Option<String> {
    let address = address.trim();
    let valid = address.contains('@')
        && address.len() <= MAX_ADDRESS_BYTES
        && !address
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || is_bidi_control(c));
    valid.then(|| address.to_owned())
}

/// Parses a raw message into what the desk stores of it. Whatever the sender wrote is
/// treated as hostile: header values become single lines of bounded length (no CR/LF or NUL
/// can reach a stored field), bad UTF-8 is replaced, the body loses control characters, and
/// the threading headers are bounded in number and form. Markup stays text (pages escape it).
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
        .and_then(sender_address)
        .ok_or(InboundError::Malformed(
            "the From header has no valid e-mail address",
        ))?;
    let ids = |value: &mail_parser::HeaderValue<'_>| -> Vec<String> {
        value
            .as_text_list()
            .map(|list| list.iter().filter_map(|id| bracketed(id)).collect())
            .unwrap_or_default()
    };
    let mut in_reply_to = ids(message.in_reply_to());
    in_reply_to.truncate(MAX_IN_REPLY_TO);
    let mut references = ids(message.references());
    // The newest are last, and they are the ones that thread.
    let older = references.len().saturating_sub(MAX_REFERENCES);
    references.drain(..older);
    let mut text = body_text(&message.body_text(0).unwrap_or_default());
    let all: Vec<_> = message.attachments().collect();
    if all.len() > MAX_ATTACHMENTS {
        text.push_str(&format!(
            "\n[{} vedhæftninger mere er ikke gemt]",
            all.len() - MAX_ATTACHMENTS
        ));
    }
    let attachments = all
        .into_iter()
        .take(MAX_ATTACHMENTS)
        .map(|part| InboundAttachment {
            filename: file_name(part.attachment_name()),
            content_type: part
                .content_type()
                .map(|ct| content_type(ct.ctype(), ct.subtype()))
                .unwrap_or_else(|| "application/octet-stream".into()),
            content: part.contents().to_vec(),
        })
        .collect();
    Ok(InboundEmail {
        from_address,
        from_name: from
            .name()
            .map(|n| one_line(n, MAX_NAME_CHARS))
            .filter(|n| !n.is_empty()),
        subject: one_line(message.subject().unwrap_or_default(), MAX_SUBJECT_CHARS),
        text,
        message_id: message.message_id().and_then(bracketed),
        in_reply_to,
        references,
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
    fn header_values_are_single_bounded_lines_without_controls() {
        // An encoded word can carry CR/LF, NUL and bidi controls into a decoded header.
        let raw = format!(
            "From: =?utf-8?q?Mallory=0D=0ABcc=3A_x=00y?= <mallory@evil.example>\r\n\
             Subject: =?utf-8?q?Hej=0D=0AX-Injected=3A_1=00_=E2=80=AEfdp.exe?= {}\r\n\
             Message-ID: <m-1@evil.example>\r\n\
             MIME-Version: 1.0\r\n\
             Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
             --b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
             <script>alert(1)</script>\r\nlinje\u{0}to\r\n\
             --b\r\n\
             Content-Type: text/html\"; x=y\r\n\
             Content-Disposition: attachment; filename=\"../../etc/=?utf-8?q?a=0Ab?=.pdf\"\r\n\r\n\
             x\r\n--b--\r\n",
            "lang ".repeat(100)
        );
        let m = parse(raw.as_bytes()).unwrap();
        let name = m.from_name.unwrap();
        assert!(!name.chars().any(char::is_control), "{name:?}");
        assert!(name.starts_with("Mallory Bcc: x"), "{name:?}");
        assert!(
            !m.subject
                .chars()
                .any(|c| c.is_control() || is_bidi_control(c))
        );
        assert!(
            m.subject.starts_with("Hej X-Injected: 1 fdp.exe lang"),
            "{:?}",
            m.subject
        );
        assert_eq!(m.subject.chars().count(), MAX_SUBJECT_CHARS);
        assert!(m.subject.ends_with('…'));
        // Markup stays text, to be escaped where it is shown; NUL is gone from the body.
        assert!(m.text.contains("<script>alert(1)</script>"), "{:?}", m.text);
        assert!(!m.text.contains('\0') && !m.text.contains('\r'));
        let a = &m.attachments[0];
        assert!(!a.filename.contains('/') && !a.filename.chars().any(char::is_control));
        assert!(a.content_type.bytes().all(|b| b.is_ascii_graphic()));
        // A type smuggling a parameter or a line break is not kept.
        assert_eq!(content_type("text", Some("html")), "text/html");
        assert_eq!(
            content_type("text", Some("html; charset=x")),
            "application/octet-stream"
        );
        assert_eq!(
            content_type("text", Some("html\r\nX: y")),
            "application/octet-stream"
        );
        assert_eq!(content_type("Image", None), "application/octet-stream");
    }

    #[test]
    fn bad_utf8_nul_and_overlong_values_are_survived() {
        let mut raw = b"From: B\xff\xfeo <bo@example.dk>\r\nSubject: Sp\xe6rret\0 \xc3\r\n\
            Message-ID: <bo 1@example.dk>\r\nIn-Reply-To: <a@x> <b@x>\r\n"
            .to_vec();
        raw.extend_from_slice(b"References:");
        for n in 0..1000 {
            raw.extend_from_slice(format!(" <r{n}@x>").as_bytes());
        }
        raw.extend_from_slice(b"\r\n\r\nText \xff\0 her\r\n");
        let m = parse(&raw).unwrap();
        assert_eq!(m.from_address, "bo@example.dk");
        assert!(m.subject.starts_with("Sp") && !m.subject.contains('\0'));
        assert!(!m.text.contains('\0') && m.text.contains("her"));
        // A Message-ID with a space is nobody's; References keep the newest.
        assert_eq!(m.message_id, None);
        assert_eq!(m.in_reply_to, ["<a@x>", "<b@x>"]);
        assert_eq!(m.references.len(), MAX_REFERENCES);
        assert_eq!(m.references.last().map(String::as_str), Some("<r999@x>"));

        let long = format!("From: {}@example.dk\r\n\r\nx", "a".repeat(300));
        assert!(matches!(
            parse(long.as_bytes()),
            Err(InboundError::Malformed(_))
        ));
        let text = format!(
            "From: a@example.dk\r\n\r\n{}",
            "ø".repeat(MAX_TEXT_CHARS + 10)
        );
        let m = parse(text.as_bytes()).unwrap();
        assert!(m.text.ends_with("tegn]"), "cut with a note");
        assert!(m.text.chars().count() < MAX_TEXT_CHARS + 60);
    }

    #[test]
    fn cpr_numbers_are_redacted_before_a_value_is_cut() {
        let raw = format!(
            "From: Bo 010190-1234 <bo@example.dk>\r\nSubject: {}010190-1234\r\n\r\nMit nr. 0101901234\r\n",
            "x".repeat(MAX_SUBJECT_CHARS - 5)
        );
        let m = parse(raw.as_bytes()).unwrap();
        assert_eq!(m.from_name.as_deref(), Some("Bo [CPR]"));
        assert!(!m.subject.contains("0101"), "{}", m.subject);
        assert!(!m.text.contains("0101901234"), "{}", m.text);
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
