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
fn failed(e: crate::blocks::BlocksError) -> AppError {
    use crate::blocks::BlocksError;
    use crate::i18n::Lang;
    match e {
        BlocksError::Refused(_) | BlocksError::Business(_) => {
            invalid("block", &e.message(Lang::Da), &e.message(Lang::En))
        }
        BlocksError::Store(e) => e.into(),
    }
}

/// What the form chose to block: `None` for "all" (the whole identity), else an
/// authenticator's id.
#[cfg(feature = "ssr")]
fn chosen_target(target: Option<&str>) -> Result<Option<i64>, AppError> {
    let choose = || {
        invalid(
            "target",
            "Vælg hvad der skal spærres.",
            "Choose what to block.",
        )
    };
    match target.map(str::trim) {
        Some("all") => Ok(None),
        Some(id) => id.parse().map(Some).map_err(|_| choose()),
        None => Err(choose()),
    }
}

/// How the caller was verified, from the form fields block and lift share.
#[cfg(feature = "ssr")]
fn verification(
    method: Option<String>,
    document_kind: Option<String>,
    document_number: Option<String>,
    questions_answered: Option<String>,
) -> Result<crate::domain::Verification, AppError> {
    crate::domain::Verification::parse(
        method.as_deref().unwrap_or_default(),
        document_kind.as_deref().unwrap_or_default(),
        document_number.as_deref().unwrap_or_default(),
        questions_answered.as_deref().unwrap_or_default(),
    )
    .map_err(refused)
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
    use crate::domain::{BlockReason, BlockRequest, BlockTarget, Role};
    use crate::functions::guard::require_role;
    use crate::state::AppState;

    let _ = csrf_token;
    let me = require_role(&[Role::Supporter])?;
    let verification = verification(method, document_kind, document_number, questions_answered)?;
    let target = match chosen_target(target.as_deref())? {
        None => BlockTarget::WholeMitId,
        Some(id) => BlockTarget::Authenticator(id),
    };
    let reason = BlockReason::parse(&reason)
        .ok_or_else(|| invalid("reason", "Vælg en årsag.", "Choose a reason."))?;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
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
    crate::blocks::place(&state, &case, &me.username, &request)
        .await
        .map_err(failed)?;
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
    use crate::domain::Role;
    use crate::functions::guard::require_role;
    use crate::state::AppState;

    let _ = csrf_token;
    let me = require_role(&[Role::Supporter])?;
    let verification = verification(method, document_kind, document_number, questions_answered)?;
    let state = AppState::from_context()?;
    let case = find_case(&state.db, &reference).await?;
    crate::blocks::lift(&state, &case, &me.username, block_id, &verification)
        .await
        .map_err(failed)?;
    state.wake_outbox();
    leptos_axum::redirect(&format!("/support/sag/{}#timeline", case.row.reference));
    Ok(())
}

/// Blocks a MitID Erhverv identity's authenticator (lost, stolen) or the whole identity
/// (suspected misuse), asked for by the employee (`asker` = the employee) or an administrator
/// of their organisation, who is the one verified. The one who asked and the organisation's
/// administrators get the confirmation.
#[server(prefix = "/api", endpoint = "cases/block-business")]
pub async fn block_business_login_means(
    csrf_token: String,
    reference: String,
    employee: String,
    asker: String,
    method: Option<String>,
    document_kind: Option<String>,
    document_number: Option<String>,
    questions_answered: Option<String>,
    target: Option<String>,
    reason: String,
) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::domain::business_block::{
        BusinessBlockReason, BusinessBlockRequest, BusinessTarget,
    };
    use crate::functions::guard::{Staff, staff};

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Supporter])?;
    let id = |raw: &str, field: &str| {
        raw.trim().parse::<i64>().map_err(|_| {
            invalid(
                field,
                "Vælg medarbejderen og den, der beder om spærringen.",
                "Choose the employee and the person asking for the block.",
            )
        })
    };
    let employee_id = id(&employee, "employee")?;
    let asker_id = id(&asker, "asker")?;
    let verification = verification(method, document_kind, document_number, questions_answered)?;
    let target = match chosen_target(target.as_deref())? {
        None => BusinessTarget::WholeIdentity,
        Some(id) => BusinessTarget::Authenticator(id),
    };
    let reason = BusinessBlockReason::parse(&reason)
        .ok_or_else(|| invalid("reason", "Vælg en årsag.", "Choose a reason."))?;
    let request = BusinessBlockRequest {
        employee_id,
        asker_id,
        target,
        reason,
        verification,
    };
    let case = find_case(&state.db, &reference).await?;
    crate::blocks::business::place(&state, &case, &me.username, &request)
        .await
        .map_err(failed)?;
    state.wake_outbox();
    leptos_axum::redirect(&format!(
        "/support/sag/{}?spaerret=1#timeline",
        case.row.reference
    ));
    Ok(())
}
