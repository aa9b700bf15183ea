//! Citizens. CPR numbers arrive sealed (see `privacy::cpr_vault`); nothing here sees them in clear.

use super::{Db, StoreError};
use crate::domain::sealed_cpr::SealedCpr;

pub struct NewCitizen<'a> {
    pub name: &'a str,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub cpr: Option<&'a SealedCpr>,
    pub lang: &'a str,
}

/// The citizen with this CPR (by keyed hash), or a new one.
pub async fn find_or_create(
    tx: &mut sqlx::SqliteConnection,
    citizen: &NewCitizen<'_>,
    now: &str,
) -> Result<i64, StoreError> {
    if let Some(cpr) = citizen.cpr
        && let Some(id) = sqlx::query_scalar::<_, i64>("SELECT id FROM citizens WHERE cpr_hash = ?")
            .bind(&cpr.lookup_hash)
            .fetch_optional(&mut *tx)
            .await?
    {
        return Ok(id);
    }
    let id = sqlx::query(
        "INSERT INTO citizens (name, email, phone, cpr_hash, cpr_sealed, cpr_masked,
            preferred_lang, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(citizen.name)
    .bind(citizen.email)
    .bind(citizen.phone)
    .bind(citizen.cpr.map(|c| c.lookup_hash.clone()))
    .bind(citizen.cpr.map(|c| c.sealed.clone()))
    .bind(citizen.cpr.map(|c| c.masked.clone()))
    .bind(citizen.lang)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .last_insert_rowid();
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
        "SELECT z.id, z.cpr_sealed FROM cases c JOIN citizens z ON z.id = c.citizen_id WHERE c.id = ?",
    )
    .bind(case_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.and_then(|(id, sealed)| sealed.map(|s| (id, s))))
}

/// A citizen's name, masked CPR number and cases (newest first), for the supporter.
pub async fn overview(
    db: &Db,
    citizen_id: i64,
) -> Result<Option<(String, String, Vec<crate::domain::case_views::RelatedCase>)>, StoreError> {
    let row: Option<(String, Option<String>)> =
        sqlx::query_as("SELECT name, cpr_masked FROM citizens WHERE id = ?")
            .bind(citizen_id)
            .fetch_optional(db.pool())
            .await?;
    let Some((name, masked)) = row else {
        return Ok(None);
    };
    let cases: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT reference, subject, status FROM cases WHERE citizen_id = ? ORDER BY id DESC LIMIT 50",
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
