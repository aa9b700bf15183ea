//! How a visit ends: finished (the registry, the case record and the audit entry in one
//! transaction), paused for later, or ended early with a case that records why.

use sha2::{Digest, Sha256};

use super::finish::FinishError;
use super::flow::{invalid, not_found, not_open, refused};
use crate::domain::counter::{DeviceRefusal, Purpose, VisitState};
use crate::domain::identity_views::IdentityView;
use crate::domain::live_case::LiveCase;
use crate::domain::registry_command::{ActivationRef, Issue, NewAuthenticatorRef};
use crate::domain::{AssuranceLevel, System};
use crate::errors::AppError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::store::identities;
use crate::store::visits::{self, Closing, Visit};

/// Step 6: issues or changes the MitID (not for a Digital Post exemption), resolves a case
/// that records the visit, and wakes the outbox for the mail it queued.
pub async fn finish(state: &AppState, visit: &Visit, staff: &str) -> Result<(), AppError> {
    let draft = &visit.draft;
    let identity = identities::for_citizen(&state.db, visit.citizen_id).await?;
    let check = draft.identity_check.as_ref().ok_or(AppError::Internal)?;
    let issue = if matches!(
        visit.purpose,
        Purpose::DigitalPostExemption | Purpose::PaperPowerOfAttorney
    ) {
        None
    } else {
        let activation = match (
            &draft.activation,
            visits::sealed_code(&state.db, visit.id).await?,
        ) {
            (Some(a), Some(sealed)) => {
                if !a.code().is_valid(time::OffsetDateTime::now_utc()) {
                    return Err(invalid(
                        "device",
                        "Aktiveringskoden er udløbet. Udsted en ny.",
                        "The activation code has expired. Issue a new one.",
                    ));
                }
                let code = state
                    .cpr_vault
                    .open_secret(&sealed)
                    .map_err(|_| AppError::Internal)?;
                // The registry gets the code's hash, never the code.
                Some(ActivationRef {
                    kind: a.kind.as_str().to_owned(),
                    code_sha256: format!("{:x}", Sha256::digest(&code)),
                    expires_at: a
                        .code()
                        .expires_at()
                        .format(&time::format_description::well_known::Rfc3339)
                        .unwrap_or_default(),
                })
            }
            _ => None,
        };
        let current_user_id = identity.as_ref().map(|i| i.user_id.clone());
        let user_id = draft
            .user_id
            .clone()
            .or_else(|| current_user_id.clone())
            .ok_or(AppError::Internal)?;
        Some(Issue {
            citizen_id: visit.citizen_id,
            visit_id: visit.id,
            purpose: visit.purpose.as_str().to_owned(),
            previous_user_id: current_user_id.filter(|u| *u != user_id),
            user_id,
            assurance: issued_assurance(identity.as_ref(), visit.purpose, check.level()),
            authenticators: draft
                .devices
                .iter()
                .map(|d| NewAuthenticatorRef {
                    kind: d.kind.as_str().to_owned(),
                    serial: d.serial.as_ref().map(|s| s.as_str().to_owned()),
                })
                .collect(),
            activation,
            password_argon2: draft.password_hash.clone(),
            reactivate: visit.purpose == Purpose::ReissueAfterBlock,
            case_reference: String::new(),
        })
    };
    let body = summary(visit, Lang::Da);
    let subject = format!(
        "{}: {}",
        Lang::Da.pick("Borgerservice", "Citizen service"),
        visit.purpose.label(Lang::Da)
    );
    let outcome = super::finish::finish(
        &state.db,
        state.registry.as_ref(),
        visit,
        &Closing {
            subject: &subject,
            body: &body,
            system: system(visit.purpose),
            username: staff,
        },
        issue,
    )
    .await;
    match outcome {
        Ok(_) => {
            state.wake_outbox();
            Ok(())
        }
        Err(FinishError::Store(e)) => Err(e.into()),
        Err(FinishError::Refused(visits::Refusal::NotOpen)) => Err(not_open()),
        Err(FinishError::Refused(visits::Refusal::UserIdTaken)) => Err(invalid(
            "user_id",
            "Bruger-ID'et er blevet taget i mellemtiden. Vælg et andet.",
            "The user-ID has been taken meanwhile. Choose another.",
        )),
        Err(FinishError::Refused(visits::Refusal::SerialTaken(s))) => {
            let e = DeviceRefusal::SerialTaken(s);
            Err(refused("authenticators", |l| e.message(l)))
        }
    }
}

/// The level the MitID gets: a new MitID and a raised one get the level the check reached;
/// every other purpose keeps the level the MitID has.
fn issued_assurance(
    existing: Option<&IdentityView>,
    purpose: Purpose,
    checked: AssuranceLevel,
) -> AssuranceLevel {
    match existing {
        Some(i) if purpose != Purpose::RaiseAssurance => i.assurance,
        _ => checked,
    }
}

/// The system a visit's case is about.
fn system(purpose: Purpose) -> System {
    match purpose {
        Purpose::DigitalPostExemption => System::DigitalPost,
        Purpose::PaperPowerOfAttorney => System::BorgerDk,
        _ => System::MitId,
    }
}

/// Pauses the visit; it waits on the "today" list.
pub async fn pause(state: &AppState, visit_id: i64) -> Result<(), AppError> {
    if !visits::pause(&state.db, visit_id).await? {
        return Err(not_open());
    }
    Ok(())
}

/// Ends the visit early with `reason` (already free of CPR numbers). An aborted visit opens
/// a follow-up case that appears in the supporters' queue; a refused one records that the
/// citizen cannot handle MitID personally and points to digital power of attorney.
pub async fn end(
    state: &AppState,
    visit_id: i64,
    outcome: VisitState,
    reason: &str,
    staff: &str,
) -> Result<(), AppError> {
    let visit = visits::load(&state.db, visit_id)
        .await?
        .ok_or_else(not_found)?;
    let lang = Lang::Da;
    let (subject, body) = match outcome {
        VisitState::Refused => (
            format!(
                "Borgerservice: MitID afvist – {}",
                visit.purpose.label(lang)
            ),
            format!(
                "{}\nBegrundelse: {reason}\nBorgeren kan ikke selv håndtere MitID. Alternativet er digital fuldmagt (borger.dk), hvor en anden kan handle på borgerens vegne.",
                summary(&visit, lang)
            ),
        ),
        _ => (
            format!(
                "Opfølgning: afbrudt besøg i Borgerservice – {}",
                visit.purpose.label(lang)
            ),
            format!(
                "{}\nAfbrudt ved trinnet \"{}\". Begrundelse: {reason}",
                summary(&visit, lang),
                visit.draft.current_step(visit.purpose).label(lang)
            ),
        ),
    };
    let system = system(visit.purpose);
    let reference = visits::end(
        &state.db,
        &visit,
        &Closing {
            subject: &subject,
            body: &body,
            system,
            username: staff,
        },
        outcome,
        reason,
    )
    .await?
    .map_err(|_| not_open())?;
    if outcome == VisitState::Aborted {
        state.announce(LiveCase {
            reference,
            subject,
            priority: visit.purpose.category().default_priority(),
            system,
        });
    }
    Ok(())
}

/// What the case records of a visit: never the CPR number, the user-ID or the code.
fn summary(visit: &Visit, lang: Lang) -> String {
    let d = &visit.draft;
    let mut lines = vec![format!(
        "{} {} ({}).",
        lang.pick(
            "Besøg i Borgerservice:",
            "Visit at the citizen service counter:"
        ),
        visit.purpose.label(lang),
        visit.citizen_name
    )];
    if let Some(c) = &d.identity_check {
        lines.push(format!(
            "{} {}.",
            lang.pick("Identitet kontrolleret:", "Identity checked:"),
            c.describe(lang)
        ));
    }
    if !d.devices.is_empty() {
        let devices: Vec<String> = d.devices.iter().map(|x| x.describe(lang)).collect();
        lines.push(format!(
            "{} {}.",
            lang.pick("Loginmidler:", "Authenticators:"),
            devices.join(", ")
        ));
    }
    if let Some(a) = &d.activation {
        lines.push(format!(
            "{} {}.",
            lang.pick(
                "Papiraktiveringskode (48 timer) til:",
                "Paper activation code (48 hours) for:"
            ),
            a.kind.label(lang)
        ));
    }
    if d.user_id.is_some() {
        lines.push(
            lang.pick(
                "Bruger-ID valgt af borgeren.",
                "User-ID chosen by the citizen.",
            )
            .to_owned(),
        );
    }
    if let Some(e) = &d.exemption {
        lines.push(format!(
            "{} {}{}.",
            lang.pick(
                "Fritaget for Digital Post til",
                "Exempt from Digital Post until"
            ),
            e.ends_on(),
            e.ground
                .map(|g| format!(" ({})", g.label(lang)))
                .unwrap_or_default()
        ));
    }
    if let Some(p) = &d.power {
        lines.push(format!("{}.", p.describe(lang)));
    }
    crate::domain::cpr::redact(&lines.join("\n"))
}
