//! Blocking lost or stolen login means and suspected misuse, from a case.
// A server function takes one argument per form field, and the block form has ten; the
// generated client stubs cannot carry an item-level allow.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use crate::errors::AppError;

#[cfg(feature = "ssr")]
use crate::functions::{find_case, invalid};

#[cfg(feature = "ssr")]
fn refused(e: crate::domain::BlockError) -> AppError {
    use crate::i18n::Lang;
    invalid("block", e.message(Lang::Da), e.message(Lang::En))
}

#[cfg(feature = "ssr")]
fn refusal(r: crate::store::identities::Refusal) -> AppError {
    use crate::store::identities::Refusal;
    let (da, en) = match r {
        Refusal::NoIdentity => (
            "Borgeren på sagen har intet MitID i registret.",
            "The citizen on the case has no MitID in the registry.",
        ),
        Refusal::UnknownAuthenticator => (
            "Loginmidlet hører ikke til borgerens MitID.",
            "The login means does not belong to the citizen's MitID.",
        ),
        Refusal::AlreadyBlocked => ("Det er allerede spærret.", "It is already blocked."),
        Refusal::NothingToLift => (
            "Der er ingen midlertidig spærring at ophæve.",
            "There is no temporary block to lift.",
        ),
    };
    invalid("block", da, en)
}

/// Verifies the caller and blocks one authenticator (lost, stolen) or the whole MitID
/// (suspected misuse, identity theft); the citizen gets a confirmation by e-mail.
#[server(prefix = "/api", endpoint = "cases/block")]
pub async fn block_login_means(
    csrf_token: String,
    reference: String,
    method: Option<String>,
    document_kind: Option<String>,
    document_number: Option<String>,
    questions_answered: Option<String>,
    target: Option<String>,
    reason: String,
    police_report: Option<String>,
    advice: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::{BlockReason, BlockRequest, BlockTarget, Role, Verification, danish_time};
    use crate::functions::guard::require_role;
    use crate::i18n::Lang;
    use crate::mail::{Template, templates::render};
    use crate::state::AppState;
    use crate::store::identities::{self, OnCase};
    use crate::store::mail::CaseEmail;

    let _ = csrf_token;
    let me = require_role(&[Role::Supporter])?;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let verification = Verification::parse(
        &text(&method),
        &text(&document_kind),
        &text(&document_number),
        &text(&questions_answered),
    )
    .map_err(refused)?;
    let target = match target.as_deref().map(str::trim) {
        Some("all") => BlockTarget::WholeMitId,
        Some(id) if id.parse::<i64>().is_ok() => {
            BlockTarget::Authenticator(id.parse().unwrap_or_default())
        }
        _ => {
            return Err(invalid(
                "target",
                "Vælg hvad der skal spærres.",
                "Choose what to block.",
            ));
        }
    };
    let reason = BlockReason::parse(&reason)
        .ok_or_else(|| invalid("reason", "Vælg en årsag.", "Choose a reason."))?;
    // Both are kept on the block and written into the case's timeline.
    for (field, value) in [("advice", &advice), ("police_report", &police_report)] {
        if crate::domain::cpr::contains_cpr(&text(value)) {
            return Err(invalid(
                field,
                "Feltet indeholder et CPR-nummer. Skriv det ikke i sagen: borgerens CPR-nummer står beskyttet på borgeren.",
                "The field contains a CPR number. Do not write it in the case: the citizen's CPR number is kept protected on the citizen.",
            ));
        }
    }
    let request = BlockRequest::parse(
        target,
        reason,
        verification,
        &text(&police_report),
        &text(&advice),
    )
    .map_err(refused)?;
    let state = AppState::from_context()?;
    let case = find_case(&state.db, &reference).await?;
    let identity = identities::for_case(&state.db, case.id).await?;
    let lang = case
        .citizen
        .as_ref()
        .and_then(|c| Lang::parse(&c.lang))
        .unwrap_or_default();
    let what = match (request.target, &identity) {
        (BlockTarget::Authenticator(id), Some(identity)) => identity
            .authenticators
            .iter()
            .find(|a| a.id == id)
            .map(|a| {
                format!(
                    "{} {}",
                    a.kind.label(lang).to_lowercase(),
                    a.serial.as_deref().unwrap_or_default()
                )
                .trim()
                .to_owned()
            })
            .unwrap_or_default(),
        _ => lang.pick("hele dit MitID", "your whole MitID").to_owned(),
    };
    let when = danish_time::now_local()
        .format(time::macros::format_description!(
            "[day]-[month]-[year] [hour]:[minute]"
        ))
        .unwrap_or_default();
    let confirmation = case.citizen.as_ref().and_then(|c| {
        c.email.as_deref().map(|to| CaseEmail {
            to,
            to_name: &c.name,
            rendered: render(
                &Template::BlockConfirmed {
                    reference: &case.row.reference,
                    what: &what,
                    when: &when,
                    permanent: request.permanent(),
                },
                lang,
                &state.settings.contacts,
            ),
            domain: state.mail.domain(),
            kind: "notification",
        })
    });
    identities::block(
        &state.db,
        state.registry.as_ref(),
        OnCase {
            id: case.id,
            reference: &case.row.reference,
        },
        &me.username,
        &request,
        confirmation.as_ref(),
    )
    .await?
    .map_err(refusal)?;
    state.wake_outbox();
    leptos_axum::redirect(&format!(
        "/support/sag/{}?spaerret=1#timeline",
        case.row.reference
    ));
    Ok(())
}

/// Lifts a temporary block of the whole MitID after verifying the caller again.
#[server(prefix = "/api", endpoint = "cases/lift-block")]
pub async fn lift_block(
    csrf_token: String,
    reference: String,
    block_id: i64,
    method: Option<String>,
    document_kind: Option<String>,
    document_number: Option<String>,
    questions_answered: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::{Role, Verification, danish_time};
    use crate::functions::guard::require_role;
    use crate::i18n::Lang;
    use crate::mail::{Template, templates::render};
    use crate::state::AppState;
    use crate::store::identities::{self, OnCase};
    use crate::store::mail::CaseEmail;

    let _ = csrf_token;
    let me = require_role(&[Role::Supporter])?;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let verification = Verification::parse(
        &text(&method),
        &text(&document_kind),
        &text(&document_number),
        &text(&questions_answered),
    )
    .map_err(refused)?;
    let state = AppState::from_context()?;
    let case = find_case(&state.db, &reference).await?;
    let lang = case
        .citizen
        .as_ref()
        .and_then(|c| Lang::parse(&c.lang))
        .unwrap_or_default();
    let when = danish_time::now_local()
        .format(time::macros::format_description!(
            "[day]-[month]-[year] [hour]:[minute]"
        ))
        .unwrap_or_default();
    let what = lang.pick("dit MitID", "your MitID");
    let confirmation = case.citizen.as_ref().and_then(|c| {
        c.email.as_deref().map(|to| CaseEmail {
            to,
            to_name: &c.name,
            rendered: render(
                &Template::TemporaryBlockLifted {
                    reference: &case.row.reference,
                    what,
                    when: &when,
                },
                lang,
                &state.settings.contacts,
            ),
            domain: state.mail.domain(),
            kind: "notification",
        })
    });
    identities::lift(
        &state.db,
        state.registry.as_ref(),
        OnCase {
            id: case.id,
            reference: &case.row.reference,
        },
        &me.username,
        block_id,
        &verification,
        confirmation.as_ref(),
    )
    .await?
    .map_err(refusal)?;
    state.wake_outbox();
    leptos_axum::redirect(&format!("/support/sag/{}#timeline", case.row.reference));
    Ok(())
}
