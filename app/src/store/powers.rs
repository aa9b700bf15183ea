//! Powers of attorney (digital fuldmagt): who gave whom which scopes, when. The holder's CPR
//! number is never stored here: a holder with a known CPR number is a citizen row (sealed
//! there) that `holder_citizen_id` points at.

use sqlx::Row;
use time::Date;
use time::macros::format_description;

use super::db::Backend;
use super::db::Conn;
use super::{Db, StoreError};
use crate::domain::power_of_attorney::{PowerOfAttorney, PowerScope, PowerSource};

const DATE: &[time::format_description::FormatItem<'static>] =
    format_description!("[year]-[month]-[day]");

fn decode(what: &'static str) -> StoreError {
    StoreError::Sqlx(sqlx::Error::Decode(
        format!("unexpected value in powers_of_attorney.{what}").into(),
    ))
}

fn date(raw: &str, what: &'static str) -> Result<Date, StoreError> {
    // Timestamps (revoked_at) start with their date.
    let day = raw.get(..10).ok_or_else(|| decode(what))?;
    Date::parse(day, DATE).map_err(|_| decode(what))
}

pub fn format_date(date: Date) -> String {
    date.format(DATE).unwrap_or_default()
}

fn select(backend: Backend) -> String {
    let scopes = backend.comma_list("s.scope");
    format!(
        "SELECT p.id, g.name AS giver_name, p.holder_name, p.valid_from, p.valid_to,
            p.source, p.revoked_at,
            (SELECT {scopes} FROM power_of_attorney_scopes s WHERE s.power_id = p.id) AS scopes
         FROM powers_of_attorney p JOIN citizens g ON g.id = p.giver_citizen_id"
    )
}

fn power(row: &crate::store::db::DbRow) -> Result<PowerOfAttorney, StoreError> {
    let scopes: Option<String> = row.try_get("scopes")?;
    let mut scopes = scopes
        .unwrap_or_default()
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| PowerScope::parse(s).ok_or_else(|| decode("scope")))
        .collect::<Result<Vec<_>, _>>()?;
    scopes.sort();
    let valid_to: Option<String> = row.try_get("valid_to")?;
    let revoked_at: Option<String> = row.try_get("revoked_at")?;
    let source: String = row.try_get("source")?;
    Ok(PowerOfAttorney {
        id: row.try_get("id")?,
        giver_name: row.try_get("giver_name")?,
        holder_name: row.try_get("holder_name")?,
        scopes,
        valid_from: date(&row.try_get::<String, _>("valid_from")?, "valid_from")?,
        valid_to: valid_to.map(|d| date(&d, "valid_to")).transpose()?,
        source: PowerSource::parse(&source).ok_or_else(|| decode("source"))?,
        revoked_on: revoked_at.map(|d| date(&d, "revoked_at")).transpose()?,
    })
}

/// The citizen on a case (id and name), if there is one.
pub async fn citizen_of_case(
    tx: &mut Conn,
    case_id: i64,
) -> Result<Option<(i64, String)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT z.id, z.name FROM cases c JOIN citizens z ON z.id = c.citizen_id WHERE c.id = $1",
    )
    .bind(case_id)
    .fetch_optional(&mut *tx)
    .await?)
}

/// The power `power_id` given by `giver`, if it is theirs.
pub async fn given_one(
    tx: &mut Conn,
    giver: i64,
    power_id: i64,
) -> Result<Option<PowerOfAttorney>, StoreError> {
    sqlx::query(&format!(
        "{} WHERE p.id = $1 AND p.giver_citizen_id = $2",
        select(Backend::of(tx))
    ))
    .bind(power_id)
    .bind(giver)
    .fetch_optional(&mut *tx)
    .await?
    .as_ref()
    .map(power)
    .transpose()
}

/// The powers `citizen` has given, newest first.
pub async fn given_by(db: &Db, citizen: i64) -> Result<Vec<PowerOfAttorney>, StoreError> {
    sqlx::query(&format!(
        "{} WHERE p.giver_citizen_id = $1 ORDER BY p.valid_from DESC, p.id DESC",
        select(db.backend())
    ))
    .bind(citizen)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(power)
    .collect()
}

/// The powers `citizen` holds for others, newest first.
pub async fn held_by(db: &Db, citizen: i64) -> Result<Vec<PowerOfAttorney>, StoreError> {
    sqlx::query(&format!(
        "{} WHERE p.holder_citizen_id = $1 ORDER BY p.valid_from DESC, p.id DESC",
        select(db.backend())
    ))
    .bind(citizen)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(power)
    .collect()
}

/// The id of the citizen on the case with this reference.
pub async fn citizen_on_case(db: &Db, reference: &str) -> Result<Option<i64>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT citizen_id FROM cases WHERE reference = $1 AND citizen_id IS NOT NULL",
    )
    .bind(reference)
    .fetch_optional(db.pool())
    .await?)
}

/// A power to record.
pub struct NewPower<'a> {
    pub giver_citizen_id: i64,
    pub holder_citizen_id: Option<i64>,
    pub holder_name: &'a str,
    pub scopes: &'a [PowerScope],
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub source: PowerSource,
    /// The clerk who registered a paper power.
    pub registered_by: Option<i64>,
    pub revoked_at: Option<&'a str>,
    pub at: &'a str,
}

/// Records a power and its scopes; returns its id.
pub async fn insert(tx: &mut Conn, new: &NewPower<'_>) -> Result<i64, StoreError> {
    let id = sqlx::query_scalar::<_, i64>(
        "INSERT INTO powers_of_attorney (giver_citizen_id, holder_citizen_id, holder_name,
            valid_from, valid_to, source, registered_by, created_at, revoked_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(new.giver_citizen_id)
    .bind(new.holder_citizen_id)
    .bind(new.holder_name)
    .bind(format_date(new.valid_from))
    .bind(new.valid_to.map(format_date))
    .bind(new.source.as_str())
    .bind(new.registered_by)
    .bind(new.at)
    .bind(new.revoked_at)
    .fetch_one(&mut *tx)
    .await?;
    for scope in new.scopes {
        sqlx::query(
            "INSERT INTO power_of_attorney_scopes (power_id, scope) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(scope.as_str())
        .execute(&mut *tx)
        .await?;
    }
    Ok(id)
}

/// How many powers `giver` has given (the demo loader adds its own only once).
pub async fn count_given(tx: &mut Conn, giver: i64) -> Result<i64, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM powers_of_attorney WHERE giver_citizen_id = $1")
            .bind(giver)
            .fetch_one(&mut *tx)
            .await?,
    )
}
