//! Delivering e-mails with lettre: over SMTP when a relay is configured, else as .eml files
//! in the data directory so a first run needs no mail server.

use std::path::PathBuf;
use std::time::Duration;

use app::domain::email::EmailPayload;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::DeliveryError;

pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>),
}

#[derive(Debug, thiserror::Error)]
pub enum MailerError {
    #[error("DESK_SMTP_URL is not a usable SMTP URL: {0}")]
    Url(String),
    #[error("DESK_MAIL_FROM is not an e-mail address with an optional name: {0}")]
    From(String),
    #[error("cannot create the mail directory {path}: {source}")]
    Dir {
        path: String,
        source: std::io::Error,
    },
}

impl Mailer {
    /// SMTP from `smtp_url` (smtp://, smtps://, `?tls=required` for STARTTLS, user:pass for
    /// AUTH), else .eml files in `dir`.
    pub fn new(smtp_url: Option<&str>, dir: PathBuf) -> Result<Self, MailerError> {
        match smtp_url {
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| MailerError::Url(e.to_string()))?
                    .timeout(Some(Duration::from_secs(30)))
                    .build();
                Ok(Mailer::Smtp(transport))
            }
            None => {
                std::fs::create_dir_all(&dir).map_err(|source| MailerError::Dir {
                    path: dir.display().to_string(),
                    source,
                })?;
                Ok(Mailer::Files(AsyncFileTransport::new(dir)))
            }
        }
    }

    pub fn describe(&self) -> &'static str {
        match self {
            Mailer::Smtp(_) => "SMTP",
            Mailer::Files(_) => ".eml files",
        }
    }

    pub async fn send(&self, from: &Mailbox, payload: &EmailPayload) -> Result<(), DeliveryError> {
        let message = build(from, payload)?;
        match self {
            Mailer::Smtp(smtp) => smtp.send(message).await.map(|_| ()).map_err(|e| {
                // 5xx answers will not change by trying again; everything else may.
                if e.is_permanent() {
                    DeliveryError::Permanent(e.to_string())
                } else {
                    DeliveryError::Transient(e.to_string())
                }
            }),
            Mailer::Files(files) => files
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| DeliveryError::Transient(e.to_string())),
        }
    }
}

/// The sender mailbox from `DESK_MAIL_FROM`.
pub fn parse_from(from: &str) -> Result<Mailbox, MailerError> {
    from.parse()
        .map_err(|e: lettre::address::AddressError| MailerError::From(e.to_string()))
}

fn build(from: &Mailbox, p: &EmailPayload) -> Result<Message, DeliveryError> {
    let to = Mailbox::new(
        Some(p.to_name.clone()).filter(|n| !n.is_empty()),
        p.to.parse()
            .map_err(|e| DeliveryError::Permanent(format!("bad recipient address: {e}")))?,
    );
    let mut builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(p.subject.clone())
        .message_id(Some(p.message_id.clone()));
    if let Some(parent) = &p.in_reply_to {
        builder = builder.in_reply_to(parent.clone());
    }
    if !p.references.is_empty() {
        builder = builder.references(p.references.join(" "));
    }
    builder
        .multipart(MultiPart::alternative_plain_html(
            p.text.clone(),
            p.html.clone(),
        ))
        .map_err(|e| DeliveryError::Permanent(format!("cannot build the message: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload() -> EmailPayload {
        EmailPayload {
            to: "borger@example.dk".into(),
            to_name: "Jens Hansen".into(),
            subject: "SAG-2026-000001: Vi har modtaget din henvendelse".into(),
            text: "Kære borger\n\nTak.".into(),
            html: "<p>Kære borger</p>".into(),
            message_id: "<SAG-2026-000001.abc@desk.example>".into(),
            in_reply_to: Some("<x@citizen.example>".into()),
            references: vec!["<x@citizen.example>".into()],
        }
    }

    #[tokio::test]
    async fn writes_an_eml_file_with_both_parts_and_threading_headers() {
        let dir = tempfile::tempdir().unwrap();
        let mailer = Mailer::new(None, dir.path().to_path_buf()).unwrap();
        let from = parse_from("Supportlinjen <support@desk.example>").unwrap();
        mailer.send(&from, &payload()).await.unwrap();
        let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(files.len(), 1);
        let eml = std::fs::read_to_string(files[0].as_ref().unwrap().path()).unwrap();
        assert!(
            eml.contains("Message-ID: <SAG-2026-000001.abc@desk.example>"),
            "{eml}"
        );
        assert!(eml.contains("In-Reply-To: <x@citizen.example>"));
        assert!(eml.contains("text/plain") && eml.contains("text/html"));
    }

    #[tokio::test]
    async fn a_bad_recipient_is_permanent() {
        let dir = tempfile::tempdir().unwrap();
        let mailer = Mailer::new(None, dir.path().to_path_buf()).unwrap();
        let from = parse_from("support@desk.example").unwrap();
        let mut p = payload();
        p.to = "not an address".into();
        assert!(matches!(
            mailer.send(&from, &p).await,
            Err(DeliveryError::Permanent(_))
        ));
    }

    #[test]
    fn refuses_a_bad_smtp_url() {
        assert!(Mailer::new(Some("ftp://x"), PathBuf::from("/nonexistent")).is_err());
    }
}
