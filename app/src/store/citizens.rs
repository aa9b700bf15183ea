//! Citizens. CPR numbers arrive sealed (see `privacy::cpr_vault`); nothing here sees them in clear.

use super::{Db, StoreError};
use crate::domain::sealed_cpr::SealedCpr;

pub struct NewCitizen<'a> {
    pub name: &'a str,
    pub email: Option<&'a str>,
    /// Stored as given: callers normalise it (E.164) where they can.
    pub phone: Option<&'a str>,
    /// The keyed hash of the normalised number (see `privacy::cpr_vault`); an empty one when
    /// the number could not be read as a phone number.
    pub phone_hash: Option<&'a [u8]>,
    pub cpr: Option<&'a SealedCpr>,
    pub lang: &'a str,
}

/// The citizen with this CPR (by keyed hash), or a new one.
pub async fn find_or_create(
    tx: &mut crate::store::db::Conn,
    citizen: &NewCitizen<'_>,
    now: &str,
) -> Result<i64, StoreError> {
    if let Some(cpr) = citizen.cpr
        && let Some(id) =
            sqlx::query_scalar::<_, i64>("SELECT id FROM citizens WHERE cpr_hash = $1")
                .bind(&cpr.lookup_hash)
                .fetch_optional(&mut *tx)
                .await?
    {
        return Ok(id);
    }
    let id = sqlx::query_scalar::<_, i64>(
        "INSERT INTO citizens (name, email, phone, phone_hash, cpr_hash, cpr_sealed, cpr_masked,
            preferred_lang, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(citizen.name)
    .bind(citizen.email)
    .bind(citizen.phone)
    .bind(citizen.phone_hash)
    .bind(citizen.cpr.map(|c| c.lookup_hash.clone()))
    .bind(citizen.cpr.map(|c| c.sealed.clone()))
    .bind(citizen.cpr.map(|c| c.masked.clone()))
    .bind(citizen.lang)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    Ok(id)
}

pub async fn count(db: &Db) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM citizens")
        .fetch_one(db.pool())
        .await?)
}

/// The sealed CPR number of the citizen on a case, with the citizen's id.
pub async fn sealed_cpr_on_case(
    db: &Db,
    case_id: i64,
) -> Result<Option<(i64, Vec<u8>)>, StoreError> {
    let row: Option<(i64, Option<Vec<u8>>)> = sqlx::query_as(
        "SELECT z.id, z.cpr_sealed FROM cases c JOIN citizens z ON z.id = c.citizen_id WHERE c.id = $1",
    )
    .bind(case_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.and_then(|(id, sealed)| sealed.map(|s| (id, s))))
}

/// Case rows (reference, subject, status) as related cases; a status the domain does not know
/// leaves its row out.
fn related_cases(
    rows: Vec<(String, String, String)>,
) -> Vec<crate::domain::case_views::RelatedCase> {
    rows.into_iter()
        .filter_map(|(reference, subject, status)| {
            Some(crate::domain::case_views::RelatedCase {
                reference,
                subject,
                status: crate::domain::Status::parse(&status).ok()?,
            })
        })
        .collect()
}

/// A citizen's name, masked CPR number and cases (newest first), for the supporter.
pub async fn overview(
    db: &Db,
    citizen_id: i64,
) -> Result<Option<(String, String, Vec<crate::domain::case_views::RelatedCase>)>, StoreError> {
    let row: Option<(String, Option<String>)> =
        sqlx::query_as("SELECT name, cpr_masked FROM citizens WHERE id = $1")
            .bind(citizen_id)
            .fetch_optional(db.pool())
            .await?;
    let Some((name, masked)) = row else {
        return Ok(None);
    };
    let cases: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT reference, subject, status FROM cases WHERE citizen_id = $1 ORDER BY id DESC LIMIT 50",
    )
    .bind(citizen_id)
    .fetch_all(db.pool())
    .await?;
    Ok(Some((
        name,
        masked.unwrap_or_default(),
        cases
            .into_iter()
            .filter_map(|(reference, subject, status)| {
                Some(crate::domain::case_views::RelatedCase {
                    reference,
                    subject,
                    status: crate::domain::Status::parse(&status).ok()?,
                })
            })
            .collect(),
    )))
}

/// A citizen whose stored phone number has the caller's hash.
pub struct PhoneMatch {
    pub id: i64,
    pub name: String,
    pub cpr_masked: Option<String>,
}

/// The citizens whose phone number has this keyed hash (at most 10: a shared family number
/// gives a few, never a list to page through).
pub async fn by_phone_hash(
    conn: &mut crate::store::db::Conn,
    hash: &[u8],
) -> Result<Vec<PhoneMatch>, StoreError> {
    let rows: Vec<(i64, String, Option<String>)> = sqlx::query_as(
        "SELECT id, name, cpr_masked FROM citizens WHERE phone_hash = $1 ORDER BY id LIMIT 10",
    )
    .bind(hash)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, cpr_masked)| PhoneMatch {
            id,
            name,
            cpr_masked,
        })
        .collect())
}

/// A citizen's cases that are not resolved or closed, newest first (at most 10).
pub async fn open_cases(
    conn: &mut crate::store::db::Conn,
    citizen_id: i64,
) -> Result<Vec<crate::domain::case_views::RelatedCase>, StoreError> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT reference, subject, status FROM cases
         WHERE citizen_id = $1 AND status NOT IN ('resolved', 'closed') ORDER BY id DESC LIMIT 10",
    )
    .bind(citizen_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(related_cases(rows))
}

/// Citizens with a phone number but no phone hash yet (stored before numbers were hashed).
pub async fn without_phone_hash(db: &Db, limit: i64) -> Result<Vec<(i64, String)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, phone FROM citizens WHERE phone IS NOT NULL AND phone_hash IS NULL
         ORDER BY id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db.pool())
    .await?)
}

/// Writes a citizen's number in its stored form with its hash, in one transaction per batch.
pub async fn set_phones(db: &Db, phones: &[(i64, String, Vec<u8>)]) -> Result<(), StoreError> {
    let mut tx = db.begin_write().await?;
    for (id, phone, hash) in phones {
        sqlx::query("UPDATE citizens SET phone = $1, phone_hash = $2 WHERE id = $3")
            .bind(phone)
            .bind(hash)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}
