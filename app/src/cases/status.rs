//! Moving cases between statuses, one at a time or many at once. Resolving tells the citizen
//! by e-mail when there is an address, with a satisfaction link unless the case was rated
//! before; each change commits with its audit entry.

use crate::domain::audit::AuditEntry;
use crate::domain::email::CaseEmail;
use crate::domain::{Status, can_transition};
use crate::i18n::Lang;
use crate::mail::{self, Template, templates::render};
use crate::ratings;
use crate::store::cases::CaseRecord;
use crate::store::{Db, StoreError};

use super::Mailer;

/// Most cases one bulk change may select.
const BULK_MAX: usize = 200;

/// Why a status was not changed.
#[derive(Debug, thiserror::Error)]
pub enum StatusError {
    #[error("the case does not exist")]
    UnknownCase,
    #[error("the case cannot move to that status from its own")]
    Transition,
    #[error("no cases or too many cases selected")]
    Selection,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl StatusError {
    /// The form field the refusal is about.
    pub fn field(&self) -> &'static str {
        match self {
            StatusError::UnknownCase => "reference",
            StatusError::Selection => "references",
            _ => "status",
        }
    }

    /// What the supporter is told.
    pub fn message(&self, lang: Lang) -> &'static str {
        match self {
            StatusError::UnknownCase => super::unknown_case(lang),
            StatusError::Transition => super::no_transition(lang),
            StatusError::Selection => lang.pick(
                "Markér mellem 1 og 200 sager.",
                "Select between 1 and 200 cases.",
            ),
            StatusError::Store(_) => super::store_failure(lang),
        }
    }
}

/// Moves one case to `to`; returns the case's reference.
pub async fn change(
    db: &Db,
    mailer: &Mailer<'_>,
    reference: &str,
    to: Status,
    username: &str,
) -> Result<String, StatusError> {
    let case = super::find(db, reference)
        .await?
        .ok_or(StatusError::UnknownCase)?;
    if !can_transition(case.row.status, to) {
        return Err(StatusError::Transition);
    }
    apply(db, mailer, &case, to, username).await?;
    Ok(case.row.reference)
}

/// Moves every selected case to `to`. A case that does not exist or cannot move there from
/// its status is left as it is and counted; returns (changed, skipped).
pub async fn bulk(
    db: &Db,
    mailer: &Mailer<'_>,
    references: &[String],
    to: Status,
    username: &str,
) -> Result<(usize, usize), StatusError> {
    if references.is_empty() || references.len() > BULK_MAX {
        return Err(StatusError::Selection);
    }
    let (mut changed, mut skipped) = (0usize, 0usize);
    for reference in references {
        match super::find(db, reference).await? {
            Some(case) if can_transition(case.row.status, to) => {
                apply(db, mailer, &case, to, username).await?;
                changed += 1;
            }
            _ => skipped += 1,
        }
    }
    Ok((changed, skipped))
}

/// Moves one case to `to` (the caller has checked the transition); resolving tells the
/// citizen by e-mail when there is an address. The change and the audit entry commit together.
async fn apply(
    db: &Db,
    mailer: &Mailer<'_>,
    case: &CaseRecord,
    to: Status,
    username: &str,
) -> Result<(), StoreError> {
    let resolving_with_mail =
        to == Status::Resolved && case.citizen.as_ref().is_some_and(|c| c.email.is_some());
    // A case the citizen has rated gets no new link (one rating per case).
    let link = if resolving_with_mail && ratings::wants_link(db, case.id).await? {
        Some(ratings::new_link(case.row.system.name(), None))
    } else {
        None
    };
    let rating_url = link
        .as_ref()
        .map(|(token, _)| mailer.mail.rating_url(token));
    let notify = match (to, &case.citizen) {
        (Status::Resolved, Some(citizen)) => citizen.email.as_deref().map(|to| CaseEmail {
            to,
            to_name: &citizen.name,
            rendered: render(
                &Template::CaseResolved {
                    reference: &case.row.reference,
                    subject: &case.row.subject,
                    rating_url: rating_url.as_deref(),
                },
                Lang::parse(&citizen.lang).unwrap_or_default(),
                mailer.contacts,
            ),
            domain: mailer.mail.domain(),
            kind: "notification",
        }),
        _ => None,
    };
    mail::set_status_notifying(
        db,
        case.id,
        &case.row.reference,
        to,
        username,
        notify
            .as_ref()
            .map(|email| (email, link.as_ref().map(|(_, row)| row))),
        &AuditEntry::new(username, "case.status", &case.row.reference)
            .details(serde_json::json!({ "from": case.row.status.as_str(), "to": to.as_str() })),
    )
    .await?;
    if notify.is_some() {
        mailer.wake_outbox();
    }
    Ok(())
}
