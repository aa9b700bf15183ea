//! Powers of attorney (digital fuldmagt) on the desk: a supporter records that the caller is
//! the holder of a citizen's power and acts within it, and the counter registers a paper power
//! returned to Borgerservice. Each runs in one write transaction: the facts are read, the
//! domain rule decides, the power or the timeline entry is written with its audit entry.
//! A refused attempt writes nothing but its audit entry.

use crate::domain::Cpr;
use crate::domain::audit::AuditEntry;
use crate::domain::power_of_attorney::{
    self as rules, CasePowers, Matter, PowerRefusal, PowerRequest, PowerScope, PowerSource,
    PowerView, RegisteredPower, RegistrationRefusal,
};
use crate::errors::AppError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::store::cases::{self, CaseRecord};
use crate::store::citizens::{self, NewCitizen};
use crate::store::powers::{self as records, NewPower};
use crate::store::visits::{self, Visit};
use crate::store::{StoreError, audit};

/// Why the holder could not act, or a power not be registered.
#[derive(Debug, thiserror::Error)]
pub enum PowersError {
    #[error("refused: {0}")]
    Refused(#[from] PowerRefusal),
    #[error("not registered: {0}")]
    NotRegistered(#[from] RegistrationRefusal),
    #[error("the case has no citizen")]
    NoCitizen,
    #[error("the visit has ended")]
    VisitClosed,
    #[error("a CPR number could not be sealed or opened")]
    Vault,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for PowersError {
    fn from(e: sqlx::Error) -> Self {
        PowersError::Store(e.into())
    }
}

impl PowersError {
    /// What the staff member is told.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            PowersError::Refused(r) => r.message(lang),
            PowersError::NotRegistered(r) => r.message(lang),
            PowersError::NoCitizen => lang
                .pick(
                    "Sagen har ingen borger, så der er ingen fuldmagter at handle efter.",
                    "The case has no citizen, so there is no power of attorney to act under.",
                )
                .to_owned(),
            PowersError::VisitClosed => lang
                .pick(
                    "Besøget er afsluttet og kan ikke ændres.",
                    "The visit has ended and cannot be changed.",
                )
                .to_owned(),
            PowersError::Store(_) | PowersError::Vault => AppError::Internal.message(lang),
        }
    }

    /// The form field the message is about.
    pub fn field(&self) -> &'static str {
        match self {
            PowersError::NotRegistered(r) => r.field(),
            PowersError::VisitClosed => "visit",
            _ => "power",
        }
    }
}

/// Today in Danish time: powers are valid by the Danish calendar day.
pub fn today() -> time::Date {
    crate::domain::danish_time::now_local().date()
}

/// The powers the citizen on the case with `reference` has given and holds, with their state
/// today. None when the case has no citizen.
pub async fn of_case(state: &AppState, reference: &str) -> Result<Option<CasePowers>, StoreError> {
    let Some(citizen) = records::citizen_on_case(&state.db, reference).await? else {
        return Ok(None);
    };
    let today = today();
    let view = |list: Vec<rules::PowerOfAttorney>| {
        list.iter()
            .map(|p| PowerView::of(p, today))
            .collect::<Vec<_>>()
    };
    Ok(Some(CasePowers {
        given: view(records::given_by(&state.db, citizen).await?),
        held: view(records::held_by(&state.db, citizen).await?),
    }))
}

/// Records on `case` that the caller is the holder of the case citizen's power `power_id`
/// and acts for them in `matter`: the power must be the citizen's, valid today and cover the
/// matter. On success the timeline and the audit log say so (`power.act`); on refusal only
/// the audit log (`power.refused`), and the reason is returned to show.
pub async fn record_holder_on_case(
    state: &AppState,
    case: &CaseRecord,
    username: &str,
    power_id: i64,
    matter: Matter,
) -> Result<(), PowersError> {
    let mut tx = state.db.begin_write().await?;
    let (citizen_id, citizen_name) = records::citizen_of_case(&mut tx, case.id)
        .await?
        .ok_or(PowersError::NoCitizen)?;
    let power = records::given_one(&mut tx, citizen_id, power_id).await?;
    let decision = match &power {
        None => Err(PowerRefusal::NoneOnRecord),
        Some(p) => rules::may_act(p, today(), matter),
    };
    let reference = case.row.reference.as_str();
    let Some(power) = power.filter(|_| decision.is_ok()) else {
        let refusal = decision.err().unwrap_or(PowerRefusal::NoneOnRecord);
        audit::append(
            &mut tx,
            &AuditEntry::new(username, "power.refused", reference).details(serde_json::json!({
                "power_id": power_id,
                "matter": matter.as_str(),
                "reason": refusal.code(),
            })),
        )
        .await?;
        tx.commit().await?;
        return Err(refusal.into());
    };
    let staff = cases::staff_id(&mut tx, username).await?;
    let now = cases::utc_now();
    let text = format!(
        "Opkalderen {} handler med {} for {}, omfang: {}. Sag: {}.",
        power.holder_name,
        match power.source {
            PowerSource::Digital => "digital fuldmagt",
            PowerSource::Paper => "fuldmagt (givet på papir)",
        },
        citizen_name,
        PowerScope::list(&power.scopes, Lang::Da),
        matter.label(Lang::Da).to_lowercase(),
    );
    crate::store::blocks::add_case_event(
        &mut tx,
        case.id,
        &now,
        staff,
        "power",
        &crate::domain::cpr::redact(&text),
        &serde_json::json!({ "power_id": power.id, "matter": matter.as_str() }),
    )
    .await?;
    audit::append(
        &mut tx,
        &AuditEntry::new(username, "power.act", reference).details(serde_json::json!({
            "power_id": power.id,
            "matter": matter.as_str(),
            "scopes": power.scopes,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The counter's paper power of attorney: the giver (the visit's citizen, present and
/// identity-checked) gives `request` to a holder, whose CPR number, when given, finds or
/// creates the holder as a citizen (sealed like every CPR number) so the power shows on both.
/// Refused when the giver is 15 or younger, the dates are backwards, the holder is the giver,
/// or a power was already registered at this visit. The power, the visit's draft and the audit
/// entry (`power.register`) are written in one transaction; returns the power's id.
pub async fn register_paper(
    state: &AppState,
    visit: &Visit,
    username: &str,
    request: &PowerRequest,
    holder_cpr: Option<&Cpr>,
) -> Result<i64, PowersError> {
    if visit.draft.power.is_some() {
        return Err(RegistrationRefusal::AlreadyRegistered.into());
    }
    let giver = visit
        .cpr_sealed
        .as_deref()
        .and_then(|sealed| state.cpr_vault.open(sealed).ok())
        .ok_or(PowersError::Vault)?;
    let today = today();
    let holder_is_giver = holder_cpr.is_some_and(|h| h.digits() == giver.digits());
    rules::check_registration(giver.birth_date(), today, request, holder_is_giver)?;
    let sealed_holder = holder_cpr
        .map(|c| state.cpr_vault.seal(c))
        .transpose()
        .map_err(|_| PowersError::Vault)?;
    let mut tx = state.db.begin_write().await?;
    let now = cases::utc_now();
    // The holder's citizen row, found by the CPR number's keyed hash or created.
    let holder_citizen_id = match &sealed_holder {
        None => None,
        Some(sealed) => Some(
            citizens::find_or_create(
                &mut tx,
                &NewCitizen {
                    name: request.holder_name.as_str(),
                    email: None,
                    phone: None,
                    phone_hash: None,
                    cpr: Some(sealed),
                    lang: "da",
                },
                &now,
            )
            .await?,
        ),
    };
    if holder_citizen_id == Some(visit.citizen_id) {
        return Err(RegistrationRefusal::HolderIsGiver.into());
    }
    let staff = cases::staff_id(&mut tx, username).await?;
    let power_id = records::insert(
        &mut tx,
        &NewPower {
            giver_citizen_id: visit.citizen_id,
            holder_citizen_id,
            holder_name: request.holder_name.as_str(),
            scopes: &request.scopes,
            valid_from: request.valid_from,
            valid_to: request.valid_to,
            source: PowerSource::Paper,
            registered_by: Some(staff),
            revoked_at: None,
            at: &now,
        },
    )
    .await?;
    let mut draft = visit.draft.clone();
    draft.power = Some(RegisteredPower {
        power_id,
        holder_name: request.holder_name.as_str().to_owned(),
        scopes: request.scopes.clone(),
        valid_from: request.valid_from,
        valid_to: request.valid_to,
    });
    if !visits::write_draft(&mut tx, visit.id, &draft).await? {
        return Err(PowersError::VisitClosed);
    }
    audit::append(
        &mut tx,
        &AuditEntry::new(username, "power.register", &format!("visit:{}", visit.id)).details(
            serde_json::json!({
                "power_id": power_id,
                "source": "paper",
                "scopes": request.scopes,
                "valid_from": records::format_date(request.valid_from),
                "valid_to": request.valid_to.map(records::format_date),
                "holder_known": holder_citizen_id.is_some(),
            }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(power_id)
}
