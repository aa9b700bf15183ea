//! Answering the citizen by e-mail from the case page, optionally moving the case on.

use crate::domain::audit::AuditEntry;
use crate::domain::email::CaseEmail;
use crate::domain::{Status, can_transition, cpr};
use crate::i18n::Lang;
use crate::mail::{self, Template, templates::render};
use crate::store::{Db, StoreError};

use super::Mailer;

/// Why a reply was not sent.
#[derive(Debug, thiserror::Error)]
pub enum ReplyError {
    #[error("the reply is empty or longer than 10,000 characters")]
    Length,
    #[error("the reply contains a CPR number")]
    ContainsCpr,
    #[error("unknown status to move the case to")]
    UnknownStatus,
    #[error("the case does not exist")]
    UnknownCase,
    #[error("the case cannot move to that status from its own")]
    Transition,
    #[error("the citizen on the case has no e-mail address")]
    NoAddress,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ReplyError {
    /// The form field the refusal is about.
    pub fn field(&self) -> &'static str {
        match self {
            ReplyError::UnknownStatus | ReplyError::Transition => "then_status",
            ReplyError::UnknownCase => "reference",
            _ => "reply",
        }
    }

    /// What the supporter is told.
    pub fn message(&self, lang: Lang) -> &'static str {
        match self {
            ReplyError::Length => lang.pick(
                "Skriv et svar på 1 til 10.000 tegn.",
                "Write a reply of 1 to 10,000 characters.",
            ),
            ReplyError::ContainsCpr => lang.pick(
                "Svaret indeholder et CPR-nummer. CPR-numre må aldrig stå i en e-mail: fjern det og send igen.",
                "The reply contains a CPR number. CPR numbers must never be in an e-mail: remove it and send again.",
            ),
            ReplyError::UnknownStatus => lang.pick("Ukendt status.", "Unknown status."),
            ReplyError::UnknownCase => super::unknown_case(lang),
            ReplyError::Transition => super::no_transition(lang),
            ReplyError::NoAddress => lang.pick(
                "Borgeren på sagen har ingen e-mailadresse. Ring i stedet, og log opkaldet.",
                "The citizen on the case has no e-mail address. Call instead, and log the call.",
            ),
            ReplyError::Store(_) => super::store_failure(lang),
        }
    }
}

/// Who answers: the supporter's username (for the timeline and audit) and the name the
/// citizen sees under the reply.
pub struct Supporter<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
}

/// Sends `body` to the citizen on the case and, if `then_status` names a status other than
/// the case's own, moves the case there in the same transaction. Returns the case's reference.
pub async fn reply(
    db: &Db,
    mailer: &Mailer<'_>,
    reference: &str,
    body: &str,
    then_status: Option<&str>,
    supporter: &Supporter<'_>,
) -> Result<String, ReplyError> {
    let body = body.trim();
    if body.is_empty() || body.chars().count() > 10_000 {
        return Err(ReplyError::Length);
    }
    if cpr::contains_cpr(body) {
        return Err(ReplyError::ContainsCpr);
    }
    let then = match then_status.map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(Status::parse(raw).map_err(|_| ReplyError::UnknownStatus)?),
    };
    let case = super::find(db, reference)
        .await?
        .ok_or(ReplyError::UnknownCase)?;
    if let Some(to) = then
        && to != case.row.status
        && !can_transition(case.row.status, to)
    {
        return Err(ReplyError::Transition);
    }
    let Some((address, name, lang)) = case.citizen.as_ref().and_then(|c| {
        c.email
            .as_deref()
            .map(|e| (e, c.name.as_str(), Lang::parse(&c.lang).unwrap_or_default()))
    }) else {
        return Err(ReplyError::NoAddress);
    };
    let email = CaseEmail {
        to: address,
        to_name: name,
        rendered: render(
            &Template::Reply {
                reference: &case.row.reference,
                subject: &case.row.subject,
                body,
                supporter: supporter.display_name,
            },
            lang,
            mailer.contacts,
        ),
        domain: mailer.mail.domain(),
        kind: "email_out",
    };
    let then = then.filter(|to| *to != case.row.status);
    let audit = AuditEntry::new(supporter.username, "case.reply", &case.row.reference)
        .details(serde_json::json!({ "to": address }));
    mail::reply(
        db,
        case.id,
        &case.row.reference,
        &email,
        supporter.username,
        then,
        &audit,
    )
    .await?;
    mailer.wake_outbox();
    Ok(case.row.reference)
}
