//! Staff administration: adding people, disabling and enabling them (a disabled person's
//! sessions end at once), changing roles and names, resetting a password to a temporary one
//! they must change, and removing a lost authenticator. Each change is written with its audit
//! entry in one transaction. The admin page and `supportdesk user` both come here.

use crate::domain::audit::AuditEntry;
use crate::domain::display_name::DisplayNameError;
use crate::domain::staff_admin::{self, StaffAction, StaffRefusal, Target};
use crate::domain::staff_password::StaffPasswordError;
use crate::domain::username::UsernameError;
use crate::domain::{DisplayName, Role, StaffPassword, Username};
use crate::i18n::Lang;
use crate::store::users::{self, Change, NewStaff, StaffRecord};
use crate::store::{Db, StoreError, audit};

#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    #[error("no staff account has that username")]
    NotFound,
    #[error("the username is taken")]
    Taken,
    #[error(transparent)]
    Username(#[from] UsernameError),
    #[error(transparent)]
    Name(#[from] DisplayNameError),
    #[error(transparent)]
    Password(#[from] StaffPasswordError),
    #[error(transparent)]
    Refused(#[from] StaffRefusal),
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for StaffError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(_) => StaffError::Taken,
            other => StaffError::Store(other),
        }
    }
}

impl StaffError {
    /// The form field the message belongs to.
    pub fn field(&self) -> &'static str {
        match self {
            StaffError::NotFound | StaffError::Taken | StaffError::Username(_) => "username",
            StaffError::Name(_) => "display_name",
            StaffError::Password(_) => "password",
            StaffError::Refused(_) | StaffError::Hash(_) | StaffError::Store(_) => "action",
        }
    }

    /// What the administrator reads.
    pub fn message(&self, lang: Lang) -> &'static str {
        match self {
            StaffError::NotFound => lang.pick(
                "Der findes ingen medarbejder med det brugernavn.",
                "No staff member has that username.",
            ),
            StaffError::Taken => lang.pick(
                "Brugernavnet er allerede i brug. Vælg et andet.",
                "A staff account with that username already exists. Choose another.",
            ),
            StaffError::Username(UsernameError::Length) => lang.pick(
                "Brugernavnet skal have 3 til 32 tegn.",
                "The username must have 3 to 32 characters.",
            ),
            StaffError::Username(UsernameError::Characters) => lang.pick(
                "Brugernavnet må kun indeholde a-z, 0-9, punktum, bindestreg og understreg.",
                "The username may only contain a-z, 0-9, full stop, hyphen and underscore.",
            ),
            StaffError::Name(DisplayNameError::Length) => lang.pick(
                "Skriv et navn på 1 til 80 tegn.",
                "Write a name of 1 to 80 characters.",
            ),
            StaffError::Name(DisplayNameError::Control) => lang.pick(
                "Navnet må ikke indeholde linjeskift eller kontroltegn.",
                "The name may not contain line breaks or control characters.",
            ),
            StaffError::Password(StaffPasswordError::TooShort) => lang.pick(
                "Adgangskoden skal have mindst 12 tegn.",
                "The password must have at least 12 characters.",
            ),
            StaffError::Password(StaffPasswordError::TooLong) => lang.pick(
                "Adgangskoden må højst have 128 tegn.",
                "The password may have at most 128 characters.",
            ),
            StaffError::Password(StaffPasswordError::ContainsUsername) => lang.pick(
                "Adgangskoden må ikke indeholde brugernavnet.",
                "The password must not contain the username.",
            ),
            StaffError::Refused(StaffRefusal::OwnAccount) => lang.pick(
                "Du kan ikke spærre, ændre rolle eller nulstille din egen konto. Bed en anden administrator om det.",
                "You cannot disable, change the role of or reset your own account. Ask another administrator.",
            ),
            StaffError::Refused(StaffRefusal::LastAdmin) => lang.pick(
                "Det er den sidste aktive administrator. Opret eller genaktivér en anden administrator først.",
                "This is the last active administrator. Add or re-enable another administrator first.",
            ),
            StaffError::Hash(_) | StaffError::Store(_) => lang.pick(
                "Der skete en fejl hos os. Prøv igen om lidt.",
                "Something went wrong on our side. Please try again shortly.",
            ),
        }
    }
}

/// A person to add.
pub struct NewPerson<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub password: &'a str,
    /// Someone else chose the password (the admin page): the person chooses their own at
    /// their first login. The command line's first administrator types their own.
    pub temporary: bool,
}

async fn hash(password: &StaffPassword) -> Result<String, StaffError> {
    super::password::hash(password.expose().to_owned())
        .await
        .map_err(|e| StaffError::Hash(e.to_string()))
}

/// Adds a person (audited).
pub async fn add(db: &Db, actor: &str, person: NewPerson<'_>) -> Result<Username, StaffError> {
    let username = Username::parse(person.username)?;
    let name = DisplayName::parse(person.display_name)?;
    let password = StaffPassword::parse(person.password, username.as_str())?;
    let password_hash = hash(&password).await?;
    let details = serde_json::json!({ "role": person.role.as_str(), "name": name.as_str() });
    let entry = AuditEntry::new(actor, "staff.add", username.as_str()).details(details);
    let mut tx = db.begin_write().await?;
    users::insert_row(
        &mut tx,
        &NewStaff {
            username: &username,
            display_name: name.as_str(),
            role: person.role,
            password_hash: &password_hash,
            must_change_password: person.temporary,
        },
    )
    .await?;
    audit::append(&mut tx, &entry).await?;
    tx.commit().await.map_err(StoreError::from)?;
    tracing::info!(username = %username, role = person.role.as_str(), by = actor, "staff added");
    Ok(username)
}

/// What a change carries besides its kind.
pub enum Payload<'a> {
    None,
    Name(&'a str),
    TemporaryPassword(&'a str),
}

/// Applies one change to `username`'s account, as `actor` (a username, or `cli`); how many
/// sessions it ended.
pub async fn change(
    db: &Db,
    actor: &str,
    username: &str,
    action: StaffAction,
    payload: Payload<'_>,
) -> Result<u64, StaffError> {
    let target = users::find_by_username(db, username)
        .await?
        .ok_or(StaffError::NotFound)?;
    // Parsed and hashed before the write transaction, which must stay short.
    let name = match (&action, &payload) {
        (StaffAction::Rename, Payload::Name(raw)) => Some(DisplayName::parse(raw)?),
        _ => None,
    };
    let password_hash = match (&action, &payload) {
        (StaffAction::ResetPassword, Payload::TemporaryPassword(raw)) => {
            Some(hash(&StaffPassword::parse(raw, &target.username)?).await?)
        }
        _ => None,
    };
    let change = match action {
        StaffAction::Disable => Change::Active(false),
        StaffAction::Enable => Change::Active(true),
        StaffAction::ChangeRole(role) => Change::Role(role),
        // A rename without a name, a reset without a password: refused as empty input.
        StaffAction::Rename => Change::DisplayName(
            name.as_ref()
                .ok_or(StaffError::Name(DisplayNameError::Length))?
                .as_str(),
        ),
        StaffAction::ResetPassword => Change::ResetPassword {
            hash: password_hash
                .as_deref()
                .ok_or(StaffError::Password(StaffPasswordError::TooShort))?,
        },
        StaffAction::ResetTwoFactor => Change::ResetTwoFactor,
    };
    let details = details(&target, action, name.as_ref());
    let entry = AuditEntry::new(actor, action.audit_action(), &target.username).details(details);

    let mut tx = db.begin_write().await?;
    let facts = Target {
        role: target.role,
        active: target.active,
        is_actor: target.username == actor,
        other_active_admins: users::other_active_admins(&mut tx, target.id).await?,
    };
    staff_admin::may(action, facts)?;
    let ended = users::apply(&mut tx, target.id, &change).await?;
    audit::append(&mut tx, &entry).await?;
    tx.commit().await.map_err(StoreError::from)?;
    tracing::info!(
        username = %target.username,
        action = action.audit_action(),
        by = actor,
        sessions_ended = ended,
        "staff account changed"
    );
    Ok(ended)
}

/// The audit entry's details: what was before and after (never a password).
fn details(
    target: &StaffRecord,
    action: StaffAction,
    name: Option<&DisplayName>,
) -> serde_json::Value {
    match action {
        StaffAction::ChangeRole(role) => {
            serde_json::json!({ "from": target.role.as_str(), "to": role.as_str() })
        }
        StaffAction::Rename => serde_json::json!({
            "from": target.display_name,
            "to": name.map(DisplayName::as_str),
        }),
        _ => serde_json::json!({}),
    }
}
