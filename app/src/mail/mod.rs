//! E-mail: the templates citizens receive, where and as whom the desk sends, the supporters'
//! e-mails to citizens and threading incoming ones into cases. The payload the outbox
//! carries and the parsed shape of an incoming message are in `domain::email`, the threading
//! rules in `domain::mail_threading`.

mod ingest;
mod outgoing;
pub mod templates;

pub use ingest::{Threaded, ingest};
pub use outgoing::{reply, set_status_notifying};
pub use templates::{Template, received_confirmation};

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

    /// The satisfaction link, without its score.
    pub fn rating_url(&self, token: &str) -> String {
        format!(
            "{}/vurdering/{token}",
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
