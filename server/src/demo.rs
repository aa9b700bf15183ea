//! Demo data for a first run: staff accounts for each role, with printed credentials.

use app::auth::password;
use app::domain::audit::AuditEntry;
use app::domain::{Category, Channel, Role, StaffPassword, Status, System, Username};
use app::privacy::cpr_vault::CprVault;
use app::store::{Db, StoreError, two_factor, users};

mod business;

pub struct DemoLogin {
    pub username: &'static str,
    pub password: &'static str,
    pub display_name: &'static str,
    pub role: Role,
}

/// Public by design: these accounts exist only in demo data.
pub const DEMO_LOGINS: [DemoLogin; 4] = [
    DemoLogin {
        username: "supporter",
        password: "demo-telefon-2026",
        display_name: "Sara Supporter",
        role: Role::Supporter,
    },
    DemoLogin {
        username: "leder",
        password: "demo-overblik-2026",
        display_name: "Lene Leder",
        role: Role::Lead,
    },
    DemoLogin {
        username: "borgerservice",
        password: "demo-skranke-2026",
        display_name: "Bo Borgerservice",
        role: Role::Borgerservice,
    },
    DemoLogin {
        username: "admin",
        password: "demo-indstil-2026",
        display_name: "Alma Administrator",
        role: Role::Admin,
    },
];

/// The demo administrator's and team lead's authenticator secret (base32), public like their
/// passwords: add it to an authenticator app (or compute codes with `oathtool --totp -b`) to
/// log in as them. Real accounts get their own secret when they set up two-factor login.
pub const DEMO_TOTP_SECRET: &str = "KNUXA4DPOJ2GI2LTNMWWIZLNN4WTEZTB";

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("password hashing failed: {0}")]
    Password(#[from] password::PasswordError),
    #[error("demo login {0} breaks the staff rules: {1}")]
    Invalid(&'static str, String),
    #[error("cannot seal the demo two-factor secret: {0}")]
    Vault(String),
}

/// Adds the demo staff accounts that are missing; returns how many were added. The roles
/// that must use two-factor login (admin, lead) are set up with [`DEMO_TOTP_SECRET`].
pub async fn ensure_demo_staff(db: &Db, vault: &CprVault) -> Result<usize, DemoError> {
    let mut added = 0;
    for login in &DEMO_LOGINS {
        if users::find_by_username(db, login.username).await?.is_some() {
            continue;
        }
        let username = Username::parse(login.username)
            .map_err(|e| DemoError::Invalid(login.username, e.to_string()))?;
        let pw = StaffPassword::parse(login.password, login.username)
            .map_err(|e| DemoError::Invalid(login.username, e.to_string()))?;
        let hash = password::hash(pw.expose().to_owned()).await?;
        let id = users::insert(
            db,
            users::NewStaff {
                username: &username,
                display_name: login.display_name,
                role: login.role,
                password_hash: &hash,
                must_change_password: false,
            },
        )
        .await?;
        if app::domain::two_factor::required(login.role, false, false) {
            enrol_demo_authenticator(db, vault, id).await?;
        }
        added += 1;
    }
    Ok(added)
}

/// Sets up [`DEMO_TOTP_SECRET`] for a demo account, without recovery codes.
async fn enrol_demo_authenticator(
    db: &Db,
    vault: &CprVault,
    user_id: i64,
) -> Result<(), DemoError> {
    let secret = app::auth::totp::secret_from_text(DEMO_TOTP_SECRET)
        .ok_or_else(|| DemoError::Vault("the demo secret is not base32".into()))?;
    let sealed = vault
        .seal_secret(&secret)
        .map_err(|e| DemoError::Vault(e.to_string()))?;
    let mut tx = db.begin_write().await?;
    // Step 0: no code has been used yet.
    two_factor::enrol(&mut tx, user_id, &sealed, 0, &[]).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// A small, deterministic pseudo-random sequence: demo data is the same on every machine.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let len = u64::try_from(items.len()).unwrap_or(1).max(1);
        let i = usize::try_from(self.next() % len).unwrap_or(0);
        &items[i.min(items.len().saturating_sub(1))]
    }
}

const FIRST_NAMES: [&str; 16] = [
    "Anna", "Bent", "Birgit", "Carl", "Dorthe", "Erik", "Fatima", "Grete", "Hans", "Inge", "Jens",
    "Karen", "Lars", "Mette", "Niels", "Aya",
];
const LAST_NAMES: [&str; 12] = [
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
];

/// Subjects and matching (system, category) for demo cases.
fn demo_subjects() -> Vec<(&'static str, System, Category)> {
    use Category::*;
    vec![
        (
            "Mistet telefon med MitID-appen",
            System::MitId,
            LostOrStolenLoginMeans,
        ),
        (
            "Kodeviser stjålet sammen med tasken",
            System::MitId,
            LostOrStolenLoginMeans,
        ),
        (
            "Kodeoplæser tabt i bussen",
            System::MitId,
            LostOrStolenLoginMeans,
        ),
        (
            "Nogen har logget ind med mit MitID",
            System::MitId,
            IdentityTheft,
        ),
        (
            "Mistænkelig SMS om login-anmodning",
            System::MitId,
            IdentityTheft,
        ),
        ("Har glemt mit bruger-ID", System::MitId, UserId),
        ("Vil gerne skifte bruger-ID", System::MitId, UserId),
        (
            "Adgangskoden virker ikke længere",
            System::MitId,
            PasswordOrPin,
        ),
        ("Glemt pinkode til appen", System::MitId, PasswordOrPin),
        ("Aktiveringskoden er udløbet", System::MitId, ActivationCode),
        (
            "Har stadig kun NemID nøglekort",
            System::MitId,
            NemIdMigration,
        ),
        (
            "Kan ikke se min Digital Post",
            System::DigitalPost,
            DigitalPost,
        ),
        (
            "Ønsker fritagelse for Digital Post for min mor",
            System::DigitalPost,
            DigitalPost,
        ),
        (
            "Min udbetaling gik til forkert konto",
            System::NemKonto,
            NemKonto,
        ),
        (
            "Skal skifte NemKonto til udenlandsk konto",
            System::NemKonto,
            NemKonto,
        ),
        ("Kan ikke oprette MitID Erhverv", System::Virk, Business),
        (
            "Medarbejder mangler rettigheder på Virk",
            System::Virk,
            Business,
        ),
        ("Login via NemLog-in fejler", System::NemLogIn, Other),
        (
            "Vil give min søn digital fuldmagt",
            System::BorgerDk,
            PowerOfAttorney,
        ),
        (
            "Kan ikke finde min sag på borger.dk",
            System::BorgerDk,
            Other,
        ),
    ]
}

/// A valid CPR number for a demo citizen (born 1940–2005; the check digit is never checked).
fn demo_cpr(rng: &mut Lcg) -> Option<app::domain::Cpr> {
    let year = 40 + rng.next() % 66; // 1940..=2005
    let (yy, century_digit) = if year >= 100 {
        (year - 100, 4)
    } else {
        (year, 1 + rng.next() % 3)
    };
    let month = 1 + rng.next() % 12;
    let day = 1 + rng.next() % 28;
    let serial = rng.next() % 1000;
    app::domain::Cpr::parse(&format!(
        "{day:02}{month:02}{yy:02}-{century_digit}{serial:03}"
    ))
    .ok()
}

/// Loads `count` demo cases spread over the last three weeks, with citizens (CPR sealed),
/// some claimed, some waiting on the citizen, some resolved.
pub async fn ensure_demo_cases(
    db: &Db,
    vault: &app::privacy::cpr_vault::CprVault,
    count: usize,
) -> Result<usize, DemoError> {
    use app::store::cases::{self, NewCase};
    use app::store::citizens::NewCitizen;

    if cases::count(db).await? > 0 {
        return Ok(0);
    }
    // Cases are claimed by the demo supporter, when that account exists.
    let supporter = users::find_by_username(db, "supporter")
        .await?
        .filter(|u| u.role == Role::Supporter)
        .map(|u| u.username);
    let subjects = demo_subjects();
    let channels = [
        Channel::Phone,
        Channel::Phone,
        Channel::WebForm,
        Channel::Email,
        Channel::Counter,
    ];
    let mut rng = Lcg(2026);
    let now = time::OffsetDateTime::now_utc();
    for i in 0..count {
        let (subject, system, category) = *rng.pick(&subjects);
        let name = format!("{} {}", rng.pick(&FIRST_NAMES), rng.pick(&LAST_NAMES));
        let email = format!(
            "{}{}@example.dk",
            name.split(' ').next().unwrap_or("borger").to_lowercase(),
            i
        );
        let cpr = demo_cpr(&mut rng);
        let sealed = match &cpr {
            Some(c) => Some(
                vault
                    .seal(c)
                    .map_err(|e| DemoError::Invalid("demo cpr", e.to_string()))?,
            ),
            None => None,
        };
        // Recent cases more often than old ones; urgent ones always recent.
        let age_minutes = if category.default_priority() == app::domain::Priority::Urgent {
            rng.next() % (6 * 60)
        } else {
            rng.next() % (21 * 24 * 60)
        };
        let opened_at = now - time::Duration::minutes(i64::try_from(age_minutes).unwrap_or(0));
        let reference = cases::create(
            db,
            NewCase {
                subject,
                body: "Borgeren beskriver problemet. (Demodata.)",
                system,
                category,
                channel: *rng.pick(&channels),
                citizen: Some(NewCitizen {
                    name: &name,
                    email: Some(&email),
                    phone: None,
                    phone_hash: None,
                    cpr: sealed.as_ref(),
                    lang: "da",
                }),
                status_token_hash: None,
                created_by_staff: None,
                opened_at: Some(opened_at),
            },
        )
        .await?;
        // A realistic spread of progress.
        let progress = rng.next() % 10;
        if progress >= 4
            && let Some(supporter) = supporter.as_deref()
            && let Some(case) = cases::find(db, &reference.to_string()).await?
        {
            // Demo history is recorded as the demo loader's, not as the supporter's own work.
            let audit = AuditEntry::new("demo-data", "case.claim", &case.row.reference)
                .details(serde_json::json!({ "assignee": supporter }));
            cases::assign(db, case.id, supporter, &audit).await?;
            let to = match progress {
                4..=6 => Some(Status::Open),
                7 => Some(Status::WaitingOnCitizen),
                _ => Some(Status::Resolved),
            };
            if let Some(to) = to {
                cases::set_status(db, &case, to, supporter).await?;
            }
        }
    }
    ensure_phone_caller(db, vault).await?;
    ensure_demo_identities(db, &mut rng).await?;
    ensure_counter_citizens(db, vault).await?;
    business::ensure_demo_businesses(db).await?;
    ensure_demo_powers(db, vault).await?;
    Ok(count)
}

/// The citizen who calls in the telephony demo (`supportdesk cti simulate --from
/// +4512345678`): a known phone number, a CPR number and two open cases, so the screen-pop
/// has someone to show.
pub const PHONE_CALLER: (&str, &str, &str) = ("Karen Lund", "+45 12 34 56 78", "150372-1234");

async fn ensure_phone_caller(
    db: &Db,
    vault: &app::privacy::cpr_vault::CprVault,
) -> Result<(), DemoError> {
    use app::store::cases::{self, NewCase};
    use app::store::citizens::NewCitizen;

    let (name, phone, cpr) = PHONE_CALLER;
    let cpr = app::domain::Cpr::parse(cpr)
        .map_err(|e| DemoError::Invalid("phone caller cpr", e.to_string()))?;
    let sealed = vault
        .seal(&cpr)
        .map_err(|e| DemoError::Invalid("phone caller cpr", e.to_string()))?;
    let (phone, phone_hash) = vault.phone_for_storage(phone);
    for (subject, category) in [
        (
            "Kan ikke logge på Digital Post med MitID-appen",
            Category::DigitalPost,
        ),
        ("Ny kodeviser virker ikke", Category::ActivationCode),
    ] {
        cases::create(
            db,
            NewCase {
                subject,
                body: "Borgeren ringer ofte om dette. (Demodata.)",
                system: System::MitId,
                category,
                channel: Channel::Phone,
                citizen: Some(NewCitizen {
                    name,
                    email: Some("karen.lund@example.dk"),
                    phone: Some(&phone),
                    phone_hash: Some(&phone_hash),
                    cpr: Some(&sealed),
                    lang: "da",
                }),
                status_token_hash: None,
                created_by_staff: None,
                opened_at: None,
            },
        )
        .await?;
    }
    Ok(())
}

/// A MitID for every demo citizen with a CPR number: a user-ID, an assurance level and a
/// realistic mix of authenticators (most have the app; older citizens a code display or an
/// audio code reader; a few a chip).
async fn ensure_demo_identities(db: &Db, rng: &mut Lcg) -> Result<(), DemoError> {
    use app::domain::identity_views::AuthenticatorStatus;
    use app::domain::{AssuranceLevel, AuthenticatorKind};
    use app::store::identities::{self, NewAuthenticator};

    let citizens = identities::citizens_without_identity(db).await?;
    let mut tx = db.begin_write().await?;
    for (citizen_id, name) in citizens {
        let user_id = format!(
            "{}{}",
            name.split(' ').next().unwrap_or("borger").to_lowercase(),
            1000 + citizen_id
        );
        let serial = |prefix: &str, n: u64| format!("{prefix}{:08}", n % 100_000_000);
        let mut devices = Vec::new();
        let app_label = ["iPhone", "Android", "iPad"][usize::try_from(rng.next() % 3).unwrap_or(0)];
        match rng.next() % 10 {
            0..=5 => devices.push((AuthenticatorKind::App, None, Some(app_label))),
            6..=7 => devices.push((
                AuthenticatorKind::CodeDisplay,
                Some(serial("CD", rng.next())),
                None,
            )),
            8 => devices.push((
                AuthenticatorKind::AudioCodeReader,
                Some(serial("AR", rng.next())),
                None,
            )),
            _ => devices.push((
                AuthenticatorKind::Chip,
                Some(serial("CH", rng.next())),
                None,
            )),
        }
        if rng.next().is_multiple_of(3) {
            devices.push((
                AuthenticatorKind::CodeDisplay,
                Some(serial("CD", rng.next())),
                None,
            ));
        }
        let new: Vec<NewAuthenticator<'_>> = devices
            .iter()
            .map(|(kind, serial, label)| NewAuthenticator {
                kind: *kind,
                serial: serial.as_deref(),
                label: *label,
                status: AuthenticatorStatus::Active,
            })
            .collect();
        let assurance = if rng.next().is_multiple_of(4) {
            AssuranceLevel::High
        } else {
            AssuranceLevel::Substantial
        };
        let id =
            identities::create_identity(&mut tx, citizen_id, &user_id, assurance, &new).await?;
        // Issued between two months and four years ago, so demo citizens can be witnesses.
        let issued = time::OffsetDateTime::now_utc()
            - time::Duration::days(60 + i64::try_from(rng.next() % 1400).unwrap_or(0));
        let issued = issued
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        identities::set_issued_at(&mut tx, id, &issued).await?;
    }
    tx.commit().await.map_err(app::store::StoreError::from)?;
    Ok(())
}

/// Citizens for trying the counter, with known CPR numbers (listed in the README): one who
/// still has only NemID, and one who can be a witness (MitID since 2022).
pub const COUNTER_DEMO: [(&str, &str); 2] = [
    ("Erik Nielsen", "120346-1235"),
    ("Birthe Holm", "050565-2346"),
];

async fn ensure_counter_citizens(
    db: &Db,
    vault: &app::privacy::cpr_vault::CprVault,
) -> Result<(), DemoError> {
    use app::domain::identity_views::AuthenticatorStatus;
    use app::domain::{AssuranceLevel, AuthenticatorKind, Cpr};
    use app::store::citizens::{self, NewCitizen};
    use app::store::identities::{self, NewAuthenticator};

    let mut tx = db.begin_write().await?;
    let now = app::store::cases::utc_now();
    let mut ids = Vec::new();
    for (name, cpr) in COUNTER_DEMO {
        let cpr =
            Cpr::parse(cpr).map_err(|e| DemoError::Invalid("counter demo cpr", e.to_string()))?;
        let sealed = vault
            .seal(&cpr)
            .map_err(|e| DemoError::Invalid("counter demo cpr", e.to_string()))?;
        let citizen = NewCitizen {
            name,
            email: None,
            phone: None,
            phone_hash: None,
            cpr: Some(&sealed),
            lang: "da",
        };
        ids.push(citizens::find_or_create(&mut tx, &citizen, &now).await?);
    }
    let Some(&witness) = ids.get(1) else {
        return Ok(());
    };
    if identities::id_of_citizen(&mut tx, witness).await?.is_none() {
        let id = identities::create_identity(
            &mut tx,
            witness,
            "birthe holm",
            AssuranceLevel::Substantial,
            &[NewAuthenticator {
                kind: AuthenticatorKind::App,
                serial: None,
                label: Some("iPhone"),
                status: AuthenticatorStatus::Active,
            }],
        )
        .await?;
        identities::set_issued_at(&mut tx, id, "2022-03-01T09:00:00Z").await?;
    }
    tx.commit().await.map_err(app::store::StoreError::from)?;
    Ok(())
}

/// The citizen whose relatives call under digital powers of attorney (name, CPR number), and
/// the relative whose power is valid (known to the desk by CPR number, so the power shows on
/// both). See the README.
pub const POWER_GIVER: (&str, &str) = ("Inge Madsen", "030342-2468");
pub const POWER_HOLDER: (&str, &str) = ("Lars Madsen", "100875-1235");
/// The subject of the giver's demo case, where a supporter tries the powers.
pub const POWER_CASE_SUBJECT: &str = "Søn ringer om sin mors Digital Post (fuldmagt)";

/// Three digital powers given by [`POWER_GIVER`], for trying the rules on her case: a valid one
/// for Digital Post to her son, an expired one (Digital Post and MitID) and a valid one that
/// does not cover MitID (borger.dk self-service and NemKonto information).
async fn ensure_demo_powers(
    db: &Db,
    vault: &app::privacy::cpr_vault::CprVault,
) -> Result<(), DemoError> {
    use app::domain::Cpr;
    use app::domain::power_of_attorney::{PowerScope, PowerSource};
    use app::store::cases::{self, NewCase};
    use app::store::citizens::{self, NewCitizen};
    use app::store::powers::{self, NewPower};
    use time::macros::date;

    let seal = |cpr: &str| {
        Cpr::parse(cpr)
            .map_err(|e| DemoError::Invalid("power demo cpr", e.to_string()))
            .and_then(|c| {
                vault
                    .seal(&c)
                    .map_err(|e| DemoError::Invalid("power demo cpr", e.to_string()))
            })
    };
    let (giver_name, giver_cpr) = POWER_GIVER;
    let giver_sealed = seal(giver_cpr)?;
    let reference = cases::create(
        db,
        NewCase {
            subject: POWER_CASE_SUBJECT,
            body: "Sønnen har digital fuldmagt og vil have hjælp med sin mors Digital Post. (Demodata.)",
            system: System::DigitalPost,
            category: Category::PowerOfAttorney,
            channel: Channel::Phone,
            citizen: Some(NewCitizen {
                name: giver_name,
                email: Some("inge.madsen@example.dk"),
                phone: None,
                phone_hash: None,
                cpr: Some(&giver_sealed),
                lang: "da",
            }),
            status_token_hash: None,
            created_by_staff: None,
            opened_at: None,
        },
    )
    .await?;
    let Some(giver) = powers::citizen_on_case(db, &reference.to_string()).await? else {
        return Ok(());
    };
    let (holder_name, holder_cpr) = POWER_HOLDER;
    let holder_sealed = seal(holder_cpr)?;
    let mut tx = db.begin_write().await?;
    if powers::count_given(&mut tx, giver).await? > 0 {
        return Ok(());
    }
    let now = cases::utc_now();
    let holder = citizens::find_or_create(
        &mut tx,
        &NewCitizen {
            name: holder_name,
            email: None,
            phone: None,
            phone_hash: None,
            cpr: Some(&holder_sealed),
            lang: "da",
        },
        &now,
    )
    .await?;
    let demo = [
        (
            Some(holder),
            holder_name,
            vec![PowerScope::DigitalPost],
            date!(2025 - 01 - 15),
            None,
        ),
        (
            None,
            "Sofie Madsen",
            vec![PowerScope::DigitalPost, PowerScope::MitIdSupport],
            date!(2023 - 01 - 01),
            Some(date!(2025 - 06 - 30)),
        ),
        (
            None,
            "Peter Madsen",
            vec![PowerScope::SelfService, PowerScope::NemKontoInformation],
            date!(2024 - 03 - 01),
            None,
        ),
    ];
    for (holder_citizen_id, holder_name, scopes, valid_from, valid_to) in demo {
        powers::insert(
            &mut tx,
            &NewPower {
                giver_citizen_id: giver,
                holder_citizen_id,
                holder_name,
                scopes: &scopes,
                valid_from,
                valid_to,
                source: PowerSource::Digital,
                registered_by: None,
                revoked_at: None,
                at: &now,
            },
        )
        .await?;
    }
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}
