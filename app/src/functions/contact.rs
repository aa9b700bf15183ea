//! The citizens' contact form and the private status link it gives back.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::domain::case_views::CitizenCaseView;
use crate::errors::AppError;

#[cfg(feature = "ssr")]
use crate::functions::invalid;

/// Creates a case from the contact form and sends the citizen to its receipt page.
/// The form's CSRF token is checked by the server's middleware before this runs (the field is
/// not an argument: serde ignores it).
#[server(prefix = "/api", endpoint = "contact/submit")]
pub async fn submit_contact(
    name: String,
    email: String,
    phone: Option<String>,
    system: String,
    category: String,
    message: String,
    fra: Option<String>,
) -> Result<(), AppError> {
    use crate::cases::contact::{self, ContactError, ContactForm, IntakeDesk};
    use crate::domain::Priority;
    use crate::domain::help_activity::came_from_search;
    use crate::domain::live_case::LiveCase;
    use crate::i18n::Lang;
    use crate::page_context::PageContext;
    use crate::state::AppState;

    let lang = PageContext::current().lang;
    let state = AppState::from_context()?;
    let desk = IntakeDesk {
        intake: &state.intake,
        limits: &state.contact_limits,
        mail: &state.mail,
        contacts: state.settings.contacts.clone(),
        vault: &state.cpr_vault,
        help_counts: &state.help_counts,
    };
    let form = ContactForm {
        name,
        email,
        phone,
        system,
        category,
        message,
        after_search: came_from_search(fra.as_deref()),
    };
    let client = crate::functions::client_address();
    let received = contact::submit(desk, form, &client, lang)
        .await
        .map_err(|e| match e {
            ContactError::TooMany => crate::functions::reject(AppError::TooManyRequests),
            ContactError::Store(e) => e.into(),
            e => invalid(e.field(), e.message(Lang::Da), e.message(Lang::En)),
        })?;
    state.wake_outbox();
    let reference = received.reference;
    state.announce(LiveCase {
        reference: reference.to_string(),
        subject: received.subject,
        priority: received.priority,
        system: received.system,
    });
    // An urgent matter sent in writing: the receipt tells the citizen to call for a block.
    let urgent = if received.priority == Priority::Urgent {
        "&akut=1"
    } else {
        ""
    };
    let token = received.token;
    leptos_axum::redirect(&format!(
        "/kontakt/kvittering?sag={reference}&link={token}{urgent}"
    ));
    Ok(())
}

#[server(prefix = "/api", endpoint = "contact/status", input = GetUrl)]
pub async fn citizen_case_status(token: String) -> Result<Option<CitizenCaseView>, AppError> {
    use crate::domain::Status;
    use crate::domain::tokens;
    use crate::state::AppState;
    use crate::store::cases;

    if !tokens::is_well_formed(&token) {
        return Ok(None);
    }
    let state = AppState::from_context()?;
    let found = cases::find_by_status_token(&state.db, &tokens::token_hash(&token)).await?;
    Ok(
        found.and_then(|(reference, subject, status, created_at, updated_at)| {
            Some(CitizenCaseView {
                reference,
                subject,
                status: Status::parse(&status).ok()?,
                created_at: created_at.chars().take(10).collect(),
                updated_at: updated_at.chars().take(10).collect(),
            })
        }),
    )
}
