//! The citizens' contact form and the private status link it gives back.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::cases::CitizenCaseView;
use crate::errors::AppError;

#[cfg(feature = "ssr")]
use crate::functions::invalid;

/// Creates a case from the contact form and sends the citizen to its receipt page.
#[server(prefix = "/api", endpoint = "contact/submit")]
pub async fn submit_contact(
    csrf_token: String,
    name: String,
    email: String,
    phone: Option<String>,
    system: String,
    category: String,
    message: String,
) -> Result<(), AppError> {
    use crate::auth::tokens;
    use crate::domain::{Category, System};
    use crate::mail::{Template, templates::render};
    use crate::page_context::PageContext;
    use crate::state::AppState;
    use crate::store::intake::CitizenRequest;
    use std::sync::Arc;

    let _ = csrf_token;
    let lang = PageContext::current().lang;
    let name = name.trim();
    let email = email.trim();
    let message = message.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(invalid("name", "Skriv dit navn.", "Enter your name."));
    }
    if !(email.contains('@') && email.contains('.') && email.len() <= 254 && !email.contains(' ')) {
        return Err(invalid(
            "email",
            "Skriv en gyldig e-mailadresse, fx navn@eksempel.dk.",
            "Enter a valid e-mail address, e.g. name@example.com.",
        ));
    }
    let system = System::parse(&system)
        .ok_or_else(|| invalid("system", "Vælg et område.", "Choose an area."))?;
    let category = Category::parse(&category).map_err(|_| {
        invalid(
            "category",
            "Vælg hvad det drejer sig om.",
            "Choose what it is about.",
        )
    })?;
    if message.chars().count() < 10 || message.chars().count() > 5_000 {
        return Err(invalid(
            "message",
            "Beskriv din henvendelse med 10 til 5.000 tegn.",
            "Describe your request in 10 to 5,000 characters.",
        ));
    }
    if crate::functions::help::may_hold_personal_number(message) {
        return Err(invalid(
            "message",
            "Skriv ikke dit CPR-nummer i beskeden. Vi spørger om det, når vi ringer.",
            "Do not write your CPR number in the message. We ask for it when we call.",
        ));
    }
    let phone = phone.map(|p| p.trim().to_owned()).filter(|p| !p.is_empty());
    let state = AppState::from_context()?;
    let token = tokens::new_token();
    let subject: String = message
        .lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(80)
        .collect();
    let status_url = state.mail.status_url(&token);
    let contacts = state.settings.contacts.clone();
    let confirmation_subject = subject.clone();
    let reference = state
        .intake
        .create(CitizenRequest {
            subject: subject.clone(),
            body: message.to_owned(),
            system,
            category,
            name: name.to_owned(),
            email: email.to_owned(),
            phone,
            lang: lang.code(),
            status_token_hash: tokens::token_hash(&token),
            status_url: status_url.clone(),
            mail_domain: state.mail.domain().to_owned(),
            confirmation: Arc::new(move |reference| {
                render(
                    &Template::CaseReceived {
                        reference,
                        subject: &confirmation_subject,
                        status_url: Some(&status_url),
                    },
                    lang,
                    &contacts,
                )
            }),
        })
        .await?;
    state.wake_outbox();
    state.announce(crate::cases::live::LiveCase {
        reference: reference.to_string(),
        subject: subject.clone(),
        priority: category.default_priority(),
        system,
    });
    leptos_axum::redirect(&format!("/kontakt/kvittering?sag={reference}&link={token}"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "contact/status", input = GetUrl)]
pub async fn citizen_case_status(token: String) -> Result<Option<CitizenCaseView>, AppError> {
    use crate::auth::tokens;
    use crate::domain::Status;
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
