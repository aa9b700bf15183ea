//! Satisfaction ratings: one row per case, created when the resolution e-mail with the rating
//! link is queued, completed when the citizen follows it.

use crate::store::db::Conn;

use super::{Db, StoreError};

/// A rating link about to be sent.
#[derive(Clone, Debug)]
pub struct NewRating {
    pub token_hash: Vec<u8>,
    pub issued_at: String,
    pub expires_at: String,
    pub system: String,
    pub staff_id: Option<i64>,
}

/// A case's rating row.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StoredRating {
    pub case_id: i64,
    pub reference: String,
    pub expires_at: String,
    pub rating: Option<i64>,
    pub comment: Option<String>,
    pub rated_at: Option<String>,
}

const SELECT: &str = "SELECT r.case_id, c.reference, r.expires_at, r.rating, r.comment, r.rated_at
     FROM case_ratings r JOIN cases c ON c.id = r.case_id";

/// Whether the case has been rated already (then no new link is sent).
pub async fn is_rated(db: &Db, case_id: i64) -> Result<bool, StoreError> {
    let rated: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM case_ratings WHERE case_id = $1 AND rating IS NOT NULL")
            .bind(case_id)
            .fetch_optional(db.pool())
            .await?;
    Ok(rated.is_some())
}

/// Records a new link for a case not rated yet; a link sent at an earlier resolution is
/// replaced (it stops working). A rated case keeps its row untouched.
pub async fn issue_in(tx: &mut Conn, case_id: i64, new: &NewRating) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO case_ratings (case_id, token_hash, issued_at, expires_at, system, staff_id)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (case_id) DO UPDATE SET
             token_hash = excluded.token_hash, issued_at = excluded.issued_at,
             expires_at = excluded.expires_at, system = excluded.system,
             staff_id = excluded.staff_id
         WHERE case_ratings.rating IS NULL",
    )
    .bind(case_id)
    .bind(&new.token_hash)
    .bind(&new.issued_at)
    .bind(&new.expires_at)
    .bind(&new.system)
    .bind(new.staff_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

pub async fn find_by_token(db: &Db, token_hash: &[u8]) -> Result<Option<StoredRating>, StoreError> {
    Ok(
        sqlx::query_as::<_, StoredRating>(&format!("{SELECT} WHERE r.token_hash = $1"))
            .bind(token_hash)
            .fetch_optional(db.pool())
            .await?,
    )
}

pub async fn find_by_token_in(
    tx: &mut Conn,
    token_hash: &[u8],
) -> Result<Option<StoredRating>, StoreError> {
    Ok(
        sqlx::query_as::<_, StoredRating>(&format!("{SELECT} WHERE r.token_hash = $1"))
            .bind(token_hash)
            .fetch_optional(&mut *tx)
            .await?,
    )
}

pub async fn for_case(db: &Db, case_id: i64) -> Result<Option<StoredRating>, StoreError> {
    Ok(sqlx::query_as::<_, StoredRating>(&format!(
        "{SELECT} WHERE r.case_id = $1 AND r.rating IS NOT NULL"
    ))
    .bind(case_id)
    .fetch_optional(db.pool())
    .await?)
}

/// Sets the score if the case has none; false if it was rated already.
pub async fn record_score_in(
    tx: &mut Conn,
    case_id: i64,
    score: u8,
    at: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE case_ratings SET rating = $1, rated_at = $2 WHERE case_id = $3 AND rating IS NULL",
    )
    .bind(i64::from(score))
    .bind(at)
    .bind(case_id)
    .execute(&mut *tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Sets the comment of a rated case that has none; false otherwise.
pub async fn record_comment_in(
    tx: &mut Conn,
    case_id: i64,
    comment: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE case_ratings SET comment = $1
         WHERE case_id = $2 AND rating IS NOT NULL AND comment IS NULL",
    )
    .bind(comment)
    .bind(case_id)
    .execute(&mut *tx)
    .await?;
    Ok(done.rows_affected() == 1)
}
