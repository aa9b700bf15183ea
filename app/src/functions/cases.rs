//! The supporters' case work: queue, case page, notes, status, claim. Each endpoint checks the
//! role, calls one service in `crate::cases` and maps its answer.
// The queue's endpoint takes one argument per query parameter of its URL (and the macro's
// browser stub repeats them), like the other form endpoints.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::domain::case_views::{CaseDetail, QueuePage};
use crate::errors::AppError;

/// Rows on one queue page.
pub const QUEUE_PAGE_SIZE: i64 = 100;

#[cfg(feature = "ssr")]
use crate::functions::invalid;

#[cfg(feature = "ssr")]
use crate::i18n::Lang;

/// A service's refusal of one field, with its message in both languages.
#[cfg(feature = "ssr")]
fn refused(field: &str, message: impl Fn(Lang) -> &'static str) -> AppError {
    invalid(field, message(Lang::Da), message(Lang::En))
}

/// What the case services need to compose and queue e-mails.
#[cfg(feature = "ssr")]
fn mailer(state: &crate::state::AppState) -> crate::cases::Mailer<'_> {
    crate::cases::Mailer {
        contacts: &state.settings.contacts,
        mail: &state.mail,
        outbox: &state.outbox_signal,
    }
}

/// One page of the queue. Each filter is a query parameter of its own, as in the page's URL.
#[server(prefix = "/api", endpoint = "cases/queue", input = GetUrl)]
pub async fn case_queue(
    system: Option<String>,
    category: Option<String>,
    status: Option<String>,
    priority: Option<String>,
    channel: Option<String>,
    assignee: Option<String>,
    party: Option<String>,
    cvr: Option<String>,
    sort: Option<String>,
    after: Option<String>,
) -> Result<QueuePage, AppError> {
    use crate::cases::detail;
    use crate::domain::Role;
    use crate::domain::case_views::QueueFilter;
    use crate::domain::queue_order::{QueueCursor, QueueSort};
    use crate::functions::guard::{Staff, staff};

    let Staff { me, state } = staff(&[Role::Supporter])?;
    let filter = QueueFilter {
        system,
        category,
        status,
        priority,
        channel,
        assignee,
        // Unknown values filter nothing, as for the other filters' forged values.
        party: party.filter(|p| crate::domain::business::Party::parse(p).is_ok()),
        cvr: cvr.filter(|c| !c.trim().is_empty()).map(|c| {
            crate::domain::Cvr::parse(&c)
                .map(|c| c.to_string())
                .unwrap_or(c)
        }),
        sort: QueueSort::parse(sort.as_deref()),
        after: after.as_deref().and_then(QueueCursor::parse),
    };
    Ok(detail::queue(&state.db, &filter, &me.username, QUEUE_PAGE_SIZE).await?)
}

#[server(prefix = "/api", endpoint = "cases/get", input = GetUrl)]
pub async fn get_case(reference: String) -> Result<Option<CaseDetail>, AppError> {
    use crate::cases::detail;
    use crate::domain::Role;
    use crate::functions::guard::{Staff, staff};

    let Staff { me, state } = staff(&[Role::Supporter])?;
    Ok(detail::case_page(&state.db, &reference, &me.username).await?)
}

#[server(prefix = "/api", endpoint = "cases/note")]
pub async fn add_case_note(
    csrf_token: String,
    reference: String,
    body: String,
) -> Result<(), AppError> {
    use crate::cases::notes::{self, NoteError};
    use crate::domain::Role;
    use crate::functions::guard::{Staff, staff};

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Supporter])?;
    let reference = notes::add(&state.db, &reference, &body, &me.username)
        .await
        .map_err(|e| match e {
            NoteError::Store(e) => AppError::from(e),
            refusal => refused(refusal.field(), |lang| refusal.message(lang)),
        })?;
    leptos_axum::redirect(&format!("/support/sag/{reference}#timeline"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "cases/status")]
pub async fn change_case_status(
    csrf_token: String,
    reference: String,
    status: String,
) -> Result<(), AppError> {
    use crate::cases::status::{self, StatusError};
    use crate::domain::{Role, Status};
    use crate::functions::guard::{Staff, staff};

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Supporter])?;
    let to = Status::parse(&status)
        .map_err(|_| invalid("status", "Ukendt status.", "Unknown status."))?;
    let reference = status::change(&state.db, &mailer(&state), &reference, to, &me.username)
        .await
        .map_err(|e| match e {
            StatusError::Store(e) => AppError::from(e),
            refusal => refused(refusal.field(), |lang| refusal.message(lang)),
        })?;
    leptos_axum::redirect(&format!("/support/sag/{reference}"));
    Ok(())
}

/// Answers the citizen by e-mail from the case page.
#[server(prefix = "/api", endpoint = "cases/reply")]
pub async fn reply_to_citizen(
    csrf_token: String,
    reference: String,
    body: String,
    then_status: Option<String>,
) -> Result<(), AppError> {
    use crate::cases::reply::{self, ReplyError, Supporter};
    use crate::domain::Role;
    use crate::functions::guard::{Staff, staff};

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Supporter])?;
    let supporter = Supporter {
        username: &me.username,
        display_name: &me.display_name,
    };
    let reference = reply::reply(
        &state.db,
        &mailer(&state),
        &reference,
        &body,
        then_status.as_deref(),
        &supporter,
    )
    .await
    .map_err(|e| match e {
        ReplyError::Store(e) => AppError::from(e),
        refusal => refused(refusal.field(), |lang| refusal.message(lang)),
    })?;
    leptos_axum::redirect(&format!("/support/sag/{reference}#timeline"));
    Ok(())
}

/// Puts a failed e-mail back in the outbox.
#[server(prefix = "/api", endpoint = "cases/retry-delivery")]
pub async fn retry_delivery(
    csrf_token: String,
    reference: String,
    outbox_id: i64,
) -> Result<(), AppError> {
    use crate::cases::delivery::{self, RetryError};
    use crate::domain::Role;
    use crate::functions::guard::{Staff, staff};

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Supporter])?;
    let reference = delivery::retry(
        &state.db,
        &mailer(&state),
        &reference,
        outbox_id,
        &me.username,
    )
    .await
    .map_err(|e| match e {
        RetryError::Store(e) => AppError::from(e),
        refusal => refused(refusal.field(), |lang| refusal.message(lang)),
    })?;
    leptos_axum::redirect(&format!("/support/sag/{reference}#timeline"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "cases/claim")]
pub async fn claim_case(csrf_token: String, reference: String) -> Result<(), AppError> {
    use crate::cases::claim::{self, ClaimError};
    use crate::domain::Role;
    use crate::functions::guard::{Staff, staff};

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Supporter])?;
    let reference = claim::claim(&state.db, &reference, &me.username)
        .await
        .map_err(|e| match e {
            ClaimError::Store(e) => AppError::from(e),
            refusal => refused(refusal.field(), |lang| refusal.message(lang)),
        })?;
    leptos_axum::redirect(&format!("/support/sag/{reference}"));
    Ok(())
}

/// Shows the citizen's full CPR number to a supporter who gives a reason; the reveal is in the
/// audit log before the number leaves the server.
#[server(prefix = "/api", endpoint = "cases/reveal-cpr")]
pub async fn reveal_cpr(
    csrf_token: String,
    reference: String,
    reason: String,
) -> Result<String, AppError> {
    use crate::cases::cpr_reveal::{self, RevealError};
    use crate::domain::Role;
    use crate::functions::guard::{Staff, staff};

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Supporter])?;
    cpr_reveal::reveal(
        &state.db,
        &state.cpr_vault,
        &reference,
        &reason,
        &me.username,
    )
    .await
    .map_err(|e| match e {
        RevealError::Store(e) => AppError::from(e),
        RevealError::Vault => AppError::Internal,
        refusal => refused(refusal.field(), |lang| refusal.message(lang)),
    })
}

/// Logs a phone call on the case: direction, length and what was said.
#[server(prefix = "/api", endpoint = "cases/call")]
pub async fn log_call(
    csrf_token: String,
    reference: String,
    direction: String,
    minutes: String,
    summary: String,
) -> Result<(), AppError> {
    use crate::cases::calls::{self, CallError, CallForm};
    use crate::domain::Role;
    use crate::functions::guard::{Staff, staff};

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Supporter])?;
    let form = CallForm {
        direction: &direction,
        minutes: &minutes,
        summary: &summary,
    };
    let reference = calls::log(&state.db, &reference, &form, &me.username)
        .await
        .map_err(|e| match e {
            CallError::Store(e) => AppError::from(e),
            refusal => refused(refusal.field(), |lang| refusal.message(lang)),
        })?;
    leptos_axum::redirect(&format!("/support/sag/{reference}#timeline"));
    Ok(())
}

/// Moves every selected case to one status. A case that cannot move there from its status
/// is left as it is and counted; each change commits on its own, with its audit entry.
#[server(prefix = "/api", endpoint = "cases/bulk-status")]
pub async fn bulk_status(
    csrf_token: String,
    references: Option<Vec<String>>,
    status: String,
) -> Result<(), AppError> {
    use crate::cases::status::{self, StatusError};
    use crate::domain::{Role, Status};
    use crate::functions::guard::{Staff, staff};

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Supporter])?;
    let to = Status::parse(&status)
        .map_err(|_| invalid("status", "Vælg en status.", "Choose a status."))?;
    let references = references.unwrap_or_default();
    let (changed, skipped) =
        status::bulk(&state.db, &mailer(&state), &references, to, &me.username)
            .await
            .map_err(|e| match e {
                StatusError::Store(e) => AppError::from(e),
                refusal => refused(refusal.field(), |lang| refusal.message(lang)),
            })?;
    leptos_axum::redirect(&format!("/support?aendret={changed}&sprunget={skipped}"));
    Ok(())
}

/// Links another case as related, or merges this case into it as a duplicate.
#[server(prefix = "/api", endpoint = "cases/link")]
pub async fn link_case(
    csrf_token: String,
    reference: String,
    other: String,
    merge: Option<String>,
) -> Result<(), AppError> {
    use crate::cases::links::{self, LinkError};
    use crate::domain::Role;
    use crate::functions::guard::{Staff, staff};

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Supporter])?;
    let merge = merge.as_deref().is_some_and(|m| !m.is_empty());
    let reference = links::link_or_merge(&state.db, &reference, &other, merge, &me.username)
        .await
        .map_err(|e| match e {
            LinkError::Store(e) => AppError::from(e),
            refusal => refused(refusal.field(), |lang| refusal.message(lang)),
        })?;
    leptos_axum::redirect(&format!("/support/sag/{reference}#related"));
    Ok(())
}
