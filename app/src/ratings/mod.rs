//! Satisfaction ratings: the link a resolution e-mail carries, and what following it does.
//! A link works for [`LINK_DAYS`] days and records one score per case; a comment may follow
//! once. The citizen needs no login: the link's token is the proof, and only its hash is kept.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::domain::audit::AuditEntry;
use crate::domain::rating::{self, CommentError, LINK_DAYS, RatingOutcome, RatingView, Score};
use crate::domain::tokens;
use crate::i18n::Lang;
use crate::store::cases::utc_now;
use crate::store::ratings::{self as records, NewRating, StoredRating};
use crate::store::{Db, StoreError, audit};

/// Who writes the audit entries of a citizen's rating (no staff member is involved).
const CITIZEN_ACTOR: &str = "borger";

/// Why a comment was not saved.
#[derive(Debug, thiserror::Error)]
pub enum RatingError {
    #[error(transparent)]
    Comment(#[from] CommentError),
    #[error("the link is unknown, expired or not yet used for a score")]
    Closed,
    #[error("the case has a comment already")]
    AlreadyCommented,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl RatingError {
    pub fn field(&self) -> &'static str {
        "comment"
    }

    pub fn message(&self, lang: Lang) -> &'static str {
        match self {
            RatingError::Comment(e) => e.message(lang),
            RatingError::Closed => lang.pick(
                "Linket virker ikke længere. Skriv til os via kontaktformularen, hvis du vil fortælle os noget.",
                "The link no longer works. Write to us through the contact form if you want to tell us something.",
            ),
            RatingError::AlreadyCommented => lang.pick(
                "Vi har allerede fået din kommentar. Tak.",
                "We already have your comment. Thank you.",
            ),
            RatingError::Store(_) => lang.pick(
                "Vi kunne ikke gemme din kommentar lige nu. Prøv igen om lidt.",
                "We could not save your comment just now. Please try again shortly.",
            ),
        }
    }
}

/// A new link for a case being resolved: the token goes into the e-mail, the row (with its
/// hash) into the same transaction as the status change.
pub fn new_link(system: &str, staff_id: Option<i64>) -> (String, NewRating) {
    let token = tokens::new_token();
    let now = OffsetDateTime::now_utc();
    let expires = now + time::Duration::days(LINK_DAYS);
    let row = NewRating {
        token_hash: tokens::token_hash(&token),
        issued_at: now.format(&Rfc3339).unwrap_or_default(),
        expires_at: expires.format(&Rfc3339).unwrap_or_default(),
        system: system.to_owned(),
        staff_id,
    };
    (token, row)
}

/// Whether a resolution should carry a link (a rated case gets none).
pub async fn wants_link(db: &Db, case_id: i64) -> Result<bool, StoreError> {
    Ok(!records::is_rated(db, case_id).await?)
}

fn expired(row: &StoredRating, now: OffsetDateTime) -> bool {
    // An unreadable expiry counts as expired: the link then fails closed.
    OffsetDateTime::parse(&row.expires_at, &Rfc3339).map_or(true, |at| now >= at)
}

fn stored_score(row: &StoredRating) -> Option<Score> {
    row.rating.and_then(Score::from_stored)
}

/// Follows a rating link: records `score` when the case has none yet and the link is valid;
/// without a score, tells the page what to ask.
pub async fn follow(
    db: &Db,
    token: &str,
    score: Option<Score>,
) -> Result<RatingOutcome, StoreError> {
    if !tokens::is_well_formed(token) {
        return Ok(RatingOutcome::Unknown);
    }
    let hash = tokens::token_hash(token);
    let now = OffsetDateTime::now_utc();
    // Reads first: a stranger's guesses and repeated clicks cost no write.
    let Some(row) = records::find_by_token(db, &hash).await? else {
        return Ok(RatingOutcome::Unknown);
    };
    if let Some(done) = stored_score(&row) {
        let may_comment = row.comment.is_none() && !expired(&row, now);
        return Ok(RatingOutcome::AlreadyRated {
            reference: row.reference,
            score: done,
            may_comment,
        });
    }
    if expired(&row, now) {
        return Ok(RatingOutcome::Expired);
    }
    let Some(score) = score else {
        return Ok(RatingOutcome::Choose {
            reference: row.reference,
        });
    };
    let mut tx = db.begin_write().await?;
    // Read again inside the write: two clicks at once record one score.
    let Some(row) = records::find_by_token_in(&mut tx, &hash).await? else {
        return Ok(RatingOutcome::Unknown);
    };
    if !records::record_score_in(&mut tx, row.case_id, score.value(), &utc_now()).await? {
        tx.rollback().await.map_err(StoreError::from)?;
        let earlier = stored_score(&row).unwrap_or(score);
        return Ok(RatingOutcome::AlreadyRated {
            reference: row.reference,
            score: earlier,
            may_comment: row.comment.is_none(),
        });
    }
    audit::append(
        &mut tx,
        &AuditEntry::new(CITIZEN_ACTOR, "case.rating", &row.reference)
            .details(serde_json::json!({ "score": score.value() })),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(RatingOutcome::Recorded {
        reference: row.reference,
        score,
        may_comment: true,
    })
}

/// Adds the citizen's comment to a rated case, once, while the link is valid.
pub async fn comment(db: &Db, token: &str, raw: &str) -> Result<(), RatingError> {
    let text = rating::parse_comment(raw)?;
    if !tokens::is_well_formed(token) {
        return Err(RatingError::Closed);
    }
    let hash = tokens::token_hash(token);
    let mut tx = db.begin_write().await?;
    let row = records::find_by_token_in(&mut tx, &hash)
        .await?
        .filter(|r| r.rating.is_some() && !expired(r, OffsetDateTime::now_utc()))
        .ok_or(RatingError::Closed)?;
    if !records::record_comment_in(&mut tx, row.case_id, &text).await? {
        return Err(RatingError::AlreadyCommented);
    }
    audit::append(
        &mut tx,
        &AuditEntry::new(CITIZEN_ACTOR, "case.rating_comment", &row.reference),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// The rating shown on a case's page, if the citizen gave one.
pub async fn for_case(db: &Db, case_id: i64) -> Result<Option<RatingView>, StoreError> {
    Ok(records::for_case(db, case_id).await?.and_then(|row| {
        Some(RatingView {
            score: stored_score(&row)?,
            comment: row.comment,
            rated_at: crate::domain::danish_time::display(row.rated_at.as_deref()?),
        })
    }))
}
