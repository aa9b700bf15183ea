//! The supporter's side of telephony: the call on their console (the screen-pop), opening a
//! phone case from it or attaching it to a case, the wrap-up summary, and today's call log.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::domain::telephony::{CallLogRow, CallPop};
use crate::errors::AppError;

/// A telephony refusal as the supporter reads it, with its status.
#[cfg(feature = "ssr")]
fn refused(e: crate::telephony::TelephonyError) -> AppError {
    use crate::i18n::Lang;
    use crate::telephony::TelephonyError;
    match e {
        TelephonyError::Store(e) => e.into(),
        refusal => crate::functions::invalid(
            refusal.field(),
            refusal.message(Lang::Da),
            refusal.message(Lang::En),
        ),
    }
}

/// The supporter's call still ringing or going on, or waiting for its summary (a console
/// opened mid-call shows it).
#[server(prefix = "/api", endpoint = "calls/current", input = GetUrl)]
pub async fn current_call() -> Result<Option<CallPop>, AppError> {
    use crate::domain::Role;
    use crate::functions::guard::{Staff, staff};
    use crate::telephony::{self, Line};

    let Staff { me, state } = staff(&[Role::Supporter])?;
    Ok(telephony::current_call(Line::of(&state), &me.username).await?)
}

/// Opens a phone case for the call (the caller's, when their number matched one citizen) and
/// goes to it.
#[server(prefix = "/api", endpoint = "calls/open-case")]
pub async fn open_phone_case(csrf_token: String, call_id: String) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::functions::guard::{Staff, staff};
    use crate::telephony::{self, Line};

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Supporter])?;
    let (reference, live) = telephony::open_phone_case(Line::of(&state), &me.username, &call_id)
        .await
        .map_err(refused)?;
    if let Some(live) = live {
        state.announce(live);
    }
    leptos_axum::redirect(&format!("/support/sag/{reference}"));
    Ok(())
}

/// The call is about one of the caller's open cases: attach it there and go to it.
#[server(prefix = "/api", endpoint = "calls/attach")]
pub async fn attach_call(
    csrf_token: String,
    call_id: String,
    reference: String,
) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::functions::guard::{Staff, staff};
    use crate::telephony::{self, Line};

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Supporter])?;
    let reference = telephony::attach(Line::of(&state), &me.username, &call_id, &reference)
        .await
        .map_err(refused)?;
    leptos_axum::redirect(&format!("/support/sag/{reference}"));
    Ok(())
}

/// Saves the summary of an answered call that ended, on its case.
#[server(prefix = "/api", endpoint = "calls/wrap-up")]
pub async fn wrap_up_call(
    csrf_token: String,
    call_id: String,
    summary: String,
) -> Result<String, AppError> {
    use crate::domain::Role;
    use crate::functions::guard::{Staff, staff};
    use crate::telephony::{self, Line};

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Supporter])?;
    telephony::wrap_up(Line::of(&state), &me.username, &call_id, &summary)
        .await
        .map_err(refused)
}

/// Today's calls, newest first: answered and missed, with their length and case.
#[server(prefix = "/api", endpoint = "calls/today", input = GetUrl)]
pub async fn calls_today() -> Result<Vec<CallLogRow>, AppError> {
    use crate::domain::Role;
    use crate::functions::guard::{Staff, staff};

    let Staff { state, .. } = staff(&[Role::Supporter])?;
    Ok(crate::telephony::calls_today(&state.db).await?)
}
