//! Organisations (by CVR number), a case's party, and the MitID Erhverv identities of the
//! embedded registry with their authenticators and blocks.

use crate::store::db::Conn;

use super::cases::{decode_err, utc_now};
use super::{Db, StoreError};
use crate::domain::business::{
    BusinessIdentityStatus, BusinessRole, EmployeeView, OrganisationView, Party,
};
use crate::domain::business_block::{BusinessBlockReason, IdentityFacts, RequestedBy};
use crate::domain::identity_views::{AuthenticatorStatus, AuthenticatorView};
use crate::domain::{AuthenticatorKind, Cvr, Verification};

/// The organisation with this CVR number, when the desk knows it.
pub async fn find_by_cvr(tx: &mut Conn, cvr: &Cvr) -> Result<Option<i64>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM organisations WHERE cvr = $1")
            .bind(cvr.as_str())
            .fetch_optional(&mut *tx)
            .await?,
    )
}

/// A new organisation's facts.
pub struct NewOrganisation<'a> {
    pub cvr: &'a Cvr,
    pub name: &'a str,
    pub contact_email: Option<&'a str>,
    pub contact_phone: Option<&'a str>,
}

/// The organisation with this CVR number, created with `name` when it is new.
pub async fn find_or_create(tx: &mut Conn, new: &NewOrganisation<'_>) -> Result<i64, StoreError> {
    if let Some(id) = find_by_cvr(tx, new.cvr).await? {
        return Ok(id);
    }
    Ok(sqlx::query_scalar(
        "INSERT INTO organisations (cvr, name, contact_email, contact_phone, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(new.cvr.as_str())
    .bind(new.name)
    .bind(new.contact_email)
    .bind(new.contact_phone)
    .bind(utc_now())
    .fetch_one(&mut *tx)
    .await?)
}

/// Sets who the case is for.
pub async fn set_case_party(
    tx: &mut Conn,
    case_id: i64,
    party: Party,
    organisation_id: Option<i64>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE cases SET party = $1, organisation_id = $2, updated_at = $3 WHERE id = $4")
        .bind(party.as_str())
        .bind(organisation_id)
        .bind(utc_now())
        .bind(case_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct OrganisationRow {
    id: i64,
    cvr: String,
    name: String,
    contact_email: Option<String>,
    contact_phone: Option<String>,
}

#[derive(sqlx::FromRow)]
struct EmployeeRow {
    id: i64,
    name: String,
    user_id: String,
    role: String,
    status: String,
    private_mitid: i64,
    employee_consent: i64,
    employer_consent: i64,
}

#[derive(sqlx::FromRow)]
struct AuthenticatorRow {
    id: i64,
    business_identity_id: i64,
    kind: String,
    serial: Option<String>,
    label: Option<String>,
    status: String,
}

/// The case's party, and its organisation with every employee's identity and authenticators.
pub async fn for_case(
    db: &Db,
    case_id: i64,
) -> Result<(Party, Option<OrganisationView>), StoreError> {
    let row: Option<(String, Option<i64>)> =
        sqlx::query_as("SELECT party, organisation_id FROM cases WHERE id = $1")
            .bind(case_id)
            .fetch_optional(db.pool())
            .await?;
    let Some((party, organisation_id)) = row else {
        return Ok((Party::Citizen, None));
    };
    let party = Party::parse(&party).map_err(decode_err)?;
    let Some(organisation_id) = organisation_id else {
        return Ok((party, None));
    };
    let mut conn = db.pool().acquire().await?;
    Ok((party, organisation(&mut conn, organisation_id).await?))
}

/// An organisation with its employees.
pub async fn organisation(
    conn: &mut Conn,
    organisation_id: i64,
) -> Result<Option<OrganisationView>, StoreError> {
    let Some(org) = sqlx::query_as::<_, OrganisationRow>(
        "SELECT id, cvr, name, contact_email, contact_phone FROM organisations WHERE id = $1",
    )
    .bind(organisation_id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let employees: Vec<EmployeeRow> = sqlx::query_as(
        "SELECT id, name, user_id, role, status, private_mitid, employee_consent,
                employer_consent
         FROM business_identities WHERE organisation_id = $1 ORDER BY name, id",
    )
    .bind(organisation_id)
    .fetch_all(&mut *conn)
    .await?;
    // A device the desk has blocked shows as blocked, also while an external registry has
    // not confirmed it yet.
    let devices: Vec<AuthenticatorRow> = sqlx::query_as(
        "SELECT a.id, a.business_identity_id, a.kind, a.serial, a.label,
                CASE WHEN EXISTS (SELECT 1 FROM business_blocks b WHERE b.authenticator_id = a.id)
                     THEN 'blocked' ELSE a.status END AS status
         FROM business_authenticators a JOIN business_identities i ON i.id = a.business_identity_id
         WHERE i.organisation_id = $1 ORDER BY a.id",
    )
    .bind(organisation_id)
    .fetch_all(&mut *conn)
    .await?;
    // The same for a whole identity blocked on suspected misuse.
    let blocked_whole: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT b.business_identity_id FROM business_blocks b
         JOIN business_identities i ON i.id = b.business_identity_id
         WHERE i.organisation_id = $1 AND b.authenticator_id IS NULL",
    )
    .bind(organisation_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut views = Vec::with_capacity(employees.len());
    for e in employees {
        let authenticators = devices
            .iter()
            .filter(|a| a.business_identity_id == e.id)
            .map(|a| {
                Ok(AuthenticatorView {
                    id: a.id,
                    kind: AuthenticatorKind::parse(&a.kind)
                        .ok_or_else(|| decode_err(UnknownKind))?,
                    serial: a.serial.clone(),
                    label: a.label.clone(),
                    status: AuthenticatorStatus::parse(&a.status).map_err(decode_err)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let mut status = BusinessIdentityStatus::parse(&e.status).map_err(decode_err)?;
        if status == BusinessIdentityStatus::Active && blocked_whole.contains(&e.id) {
            status = BusinessIdentityStatus::Blocked;
        }
        views.push(EmployeeView {
            id: e.id,
            name: e.name,
            user_id: e.user_id,
            role: BusinessRole::parse(&e.role).map_err(decode_err)?,
            status,
            private_mitid: e.private_mitid != 0,
            employee_consent: e.employee_consent != 0,
            employer_consent: e.employer_consent != 0,
            authenticators,
        });
    }
    Ok(Some(OrganisationView {
        id: org.id,
        cvr: org.cvr,
        name: org.name,
        contact_email: org.contact_email,
        contact_phone: org.contact_phone,
        employees: views,
    }))
}

#[derive(Debug, thiserror::Error)]
#[error("unknown authenticator kind")]
struct UnknownKind;

/// A business identity's facts for the block rules, with what the records and e-mails name.
pub struct IdentityRecord {
    pub facts: IdentityFacts,
    pub name: String,
    pub email: Option<String>,
    pub user_id: String,
    pub cvr: String,
    pub organisation_name: String,
}

#[derive(sqlx::FromRow)]
struct IdentityRow {
    id: i64,
    organisation_id: i64,
    role: String,
    status: String,
    private_mitid: i64,
    name: String,
    email: Option<String>,
    user_id: String,
    cvr: String,
    organisation_name: String,
}

pub async fn identity(tx: &mut Conn, id: i64) -> Result<Option<IdentityRecord>, StoreError> {
    let row: Option<IdentityRow> = sqlx::query_as(
        "SELECT i.id, i.organisation_id, i.role, i.status, i.private_mitid, i.name, i.email,
                i.user_id, o.cvr, o.name AS organisation_name
         FROM business_identities i JOIN organisations o ON o.id = i.organisation_id
         WHERE i.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(IdentityRow {
        id,
        organisation_id,
        role,
        status,
        private_mitid: private,
        name,
        email,
        user_id,
        cvr,
        organisation_name: org_name,
    }) = row
    else {
        return Ok(None);
    };
    let whole_blocked = sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM business_blocks
         WHERE business_identity_id = $1 AND authenticator_id IS NULL",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?
        > 0;
    let mut status = BusinessIdentityStatus::parse(&status).map_err(decode_err)?;
    if whole_blocked && status == BusinessIdentityStatus::Active {
        status = BusinessIdentityStatus::Blocked;
    }
    Ok(Some(IdentityRecord {
        facts: IdentityFacts {
            id,
            organisation_id,
            role: BusinessRole::parse(&role).map_err(decode_err)?,
            status,
            private_mitid: private != 0,
        },
        name,
        email,
        user_id,
        cvr,
        organisation_name: org_name,
    }))
}

/// One of a business identity's authenticators: kind, serial, and whether it is (or has been
/// asked to be) blocked.
pub async fn authenticator(
    tx: &mut Conn,
    business_identity_id: i64,
    id: i64,
) -> Result<Option<(AuthenticatorKind, Option<String>, bool)>, StoreError> {
    let row: Option<(String, Option<String>, String, i64)> = sqlx::query_as(
        "SELECT a.kind, a.serial, a.status,
                CASE WHEN EXISTS (SELECT 1 FROM business_blocks b WHERE b.authenticator_id = a.id)
                     THEN 1 ELSE 0 END
         FROM business_authenticators a WHERE a.id = $1 AND a.business_identity_id = $2",
    )
    .bind(id)
    .bind(business_identity_id)
    .fetch_optional(&mut *tx)
    .await?;
    row.map(|(kind, serial, status, recorded)| {
        let kind = AuthenticatorKind::parse(&kind).ok_or_else(|| decode_err(UnknownKind))?;
        Ok((kind, serial, recorded != 0 || status == "blocked"))
    })
    .transpose()
}

/// The organisation's active user and organisation administrators with an e-mail address:
/// (name, address).
pub async fn administrators(
    tx: &mut Conn,
    organisation_id: i64,
) -> Result<Vec<(String, String)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT name, email FROM business_identities
         WHERE organisation_id = $1 AND status = 'active' AND email IS NOT NULL
           AND role IN ('organisation_administrator', 'user_administrator')
         ORDER BY id",
    )
    .bind(organisation_id)
    .fetch_all(&mut *tx)
    .await?)
}

/// A business block as recorded.
pub struct NewBusinessBlock<'a> {
    pub business_identity_id: i64,
    pub authenticator_id: Option<i64>,
    pub reason: BusinessBlockReason,
    pub requested_by: RequestedBy,
    pub requester_id: i64,
    pub case_id: i64,
    pub verification: &'a Verification,
    pub staff_id: i64,
    pub at: &'a str,
}

pub async fn insert_block(tx: &mut Conn, block: &NewBusinessBlock<'_>) -> Result<i64, StoreError> {
    let verification = serde_json::to_string(block.verification)
        .map_err(|e| StoreError::Sqlx(sqlx::Error::Encode(Box::new(e))))?;
    Ok(sqlx::query_scalar(
        "INSERT INTO business_blocks (business_identity_id, authenticator_id, reason,
            requested_by, requester_id, case_id, verification, blocked_by, blocked_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(block.business_identity_id)
    .bind(block.authenticator_id)
    .bind(block.reason.as_str())
    .bind(block.requested_by.as_str())
    .bind(block.requester_id)
    .bind(block.case_id)
    .bind(verification)
    .bind(block.staff_id)
    .bind(block.at)
    .fetch_one(&mut *tx)
    .await?)
}

pub async fn set_block_outbox(
    tx: &mut Conn,
    block_id: i64,
    outbox_id: i64,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE business_blocks SET outbox_id = $1 WHERE id = $2")
        .bind(outbox_id)
        .bind(block_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// A MitID Erhverv identity for the embedded registry (demo data, tests).
pub struct NewEmployee<'a> {
    pub organisation_id: i64,
    pub name: &'a str,
    pub email: Option<&'a str>,
    pub user_id: &'a str,
    pub role: BusinessRole,
    /// Uses the private MitID for work, with (employee, employer) consent.
    pub private_mitid: Option<(bool, bool)>,
    /// Own authenticators: kind and serial.
    pub authenticators: &'a [(AuthenticatorKind, Option<&'a str>)],
}

pub async fn create_employee(tx: &mut Conn, new: &NewEmployee<'_>) -> Result<i64, StoreError> {
    let now = utc_now();
    let (private, consents) = match new.private_mitid {
        Some(c) => (true, c),
        None => (false, (false, false)),
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO business_identities (organisation_id, name, email, user_id, user_id_key,
            role, status, private_mitid, employee_consent, employer_consent, created_at,
            updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'active', $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(new.organisation_id)
    .bind(new.name)
    .bind(new.email)
    .bind(new.user_id)
    .bind(new.user_id.to_lowercase())
    .bind(new.role.as_str())
    .bind(i64::from(private))
    .bind(i64::from(consents.0))
    .bind(i64::from(consents.1))
    .bind(&now)
    .bind(&now)
    .fetch_one(&mut *tx)
    .await?;
    for (kind, serial) in new.authenticators {
        sqlx::query(
            "INSERT INTO business_authenticators (business_identity_id, kind, serial, status,
                created_at, updated_at)
             VALUES ($1, $2, $3, 'active', $4, $5)",
        )
        .bind(id)
        .bind(kind.as_str())
        .bind(*serial)
        .bind(&now)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
    }
    Ok(id)
}

/// The organisation on the case, if any.
pub async fn organisation_of_case(tx: &mut Conn, case_id: i64) -> Result<Option<i64>, StoreError> {
    Ok(
        sqlx::query_scalar::<_, Option<i64>>("SELECT organisation_id FROM cases WHERE id = $1")
            .bind(case_id)
            .fetch_optional(&mut *tx)
            .await?
            .flatten(),
    )
}
