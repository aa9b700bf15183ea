//! Linking related cases and merging a duplicate into the case that carries on. A merge links
//! the two, closes the duplicate and points it at the other; both sides' timelines say what
//! happened, and the audit log records who did it.

use crate::domain::Status;
use crate::domain::audit::AuditEntry;
use crate::i18n::Lang;
use crate::store::case_links::{self, Side};
use crate::store::cases::{self, Actor, utc_now};
use crate::store::{Db, StoreError, audit};

/// Why a link or merge was not made.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error("a case cannot be linked to itself")]
    SameCase,
    #[error("one of the cases is already merged")]
    AlreadyMerged,
    #[error("the case does not exist")]
    UnknownCase,
    #[error("there is no case with the other reference")]
    UnknownOther,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl LinkError {
    /// The form field the refusal is about.
    pub fn field(&self) -> &'static str {
        match self {
            LinkError::UnknownCase => "reference",
            _ => "other",
        }
    }

    /// What the supporter is told.
    pub fn message(&self, lang: Lang) -> &'static str {
        match self {
            LinkError::SameCase => lang.pick(
                "En sag kan ikke knyttes til sig selv.",
                "A case cannot be linked to itself.",
            ),
            LinkError::AlreadyMerged => lang.pick(
                "En af sagerne er allerede flettet ind i en anden.",
                "One of the cases has already been merged into another.",
            ),
            LinkError::UnknownCase => super::unknown_case(lang),
            LinkError::UnknownOther => lang.pick(
                "Der findes ingen sag med det nummer.",
                "There is no case with that reference.",
            ),
            LinkError::Store(_) => super::store_failure(lang),
        }
    }
}

impl From<sqlx::Error> for LinkError {
    fn from(e: sqlx::Error) -> Self {
        LinkError::Store(e.into())
    }
}

/// Links the case `reference` to the case `other` as related, or, with `merge`, merges it
/// into `other` as a duplicate. Returns the first case's reference.
pub async fn link_or_merge(
    db: &Db,
    reference: &str,
    other: &str,
    merge: bool,
    username: &str,
) -> Result<String, LinkError> {
    let case = super::find(db, reference)
        .await?
        .ok_or(LinkError::UnknownCase)?;
    let other = cases::find(db, other.trim().to_uppercase().as_str())
        .await?
        .ok_or(LinkError::UnknownOther)?;
    let this = Side {
        id: case.id,
        reference: &case.row.reference,
    };
    let that = Side {
        id: other.id,
        reference: &other.row.reference,
    };
    if merge {
        self::merge(db, this, that, username).await?;
    } else {
        link(db, this, that, username).await?;
    }
    Ok(case.row.reference)
}

/// Links two cases as related.
pub async fn link(db: &Db, a: Side<'_>, b: Side<'_>, username: &str) -> Result<(), LinkError> {
    if a.id == b.id {
        return Err(LinkError::SameCase);
    }
    let now = utc_now();
    let mut tx = db.begin_write().await?;
    let staff = cases::staff_id(&mut tx, username).await?;
    case_links::insert_link(&mut tx, a, b, Some(staff), &now).await?;
    for (case, other) in [(a, b), (b, a)] {
        let body = format!("Relateret til {}", other.reference);
        case_links::event(&mut tx, case, staff, "link", &body, other, &now).await?;
    }
    audit::append(
        &mut tx,
        &AuditEntry::new(username, "case_linked", a.reference)
            .details(serde_json::json!({ "other": b.reference })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Merges `duplicate` into `target`: linked, the duplicate closed and pointing at the target.
pub async fn merge(
    db: &Db,
    duplicate: Side<'_>,
    target: Side<'_>,
    username: &str,
) -> Result<(), LinkError> {
    if duplicate.id == target.id {
        return Err(LinkError::SameCase);
    }
    let now = utc_now();
    let mut tx = db.begin_write().await?;
    if case_links::either_merged(&mut tx, duplicate, target).await? {
        return Err(LinkError::AlreadyMerged);
    }
    let staff = cases::staff_id(&mut tx, username).await?;
    case_links::insert_link(&mut tx, duplicate, target, Some(staff), &now).await?;
    let status = case_links::set_merged_into(&mut tx, duplicate, target).await?;
    if status != Status::Closed.as_str() {
        cases::set_status_in(&mut tx, duplicate.id, Status::Closed, Actor::Staff(staff)).await?;
    }
    let into = format!(
        "Dublet: flettet ind i {}, hvor sagen fortsætter.",
        target.reference
    );
    case_links::event(&mut tx, duplicate, staff, "merge", &into, target, &now).await?;
    let from = format!(
        "Dubletten {} er flettet ind i denne sag.",
        duplicate.reference
    );
    case_links::event(&mut tx, target, staff, "merge", &from, duplicate, &now).await?;
    audit::append(
        &mut tx,
        &AuditEntry::new(username, "case_merged", duplicate.reference)
            .details(serde_json::json!({ "into": target.reference })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
