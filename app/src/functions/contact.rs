//! The citizens' contact form and the private status link it gives back.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::domain::case_views::CitizenCaseView;
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
    use crate::domain::tokens;
    use crate::domain::{Category, Priority, System};
    use crate::mail::received_confirmation;
    use crate::page_context::PageContext;
    use crate::state::AppState;
    use crate::store::intake::CitizenRequest;

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
    if crate::domain::cpr::contains_cpr(name) {
        return Err(invalid(
            "name",
            "Skriv kun dit navn i navnefeltet, ikke dit CPR-nummer.",
            "Enter only your name in the name field, not your CPR number.",
        ));
    }
    if crate::domain::cpr::contains_cpr(message) {
        return Err(invalid(
            "message",
            "Skriv ikke dit CPR-nummer i beskeden. Vi spørger om det, når vi ringer.",
            "Do not write your CPR number in the message. We ask for it when we call.",
        ));
    }
    let phone = phone.map(|p| p.trim().to_owned()).filter(|p| !p.is_empty());
    // What a person typed holds no control characters (line breaks only in the message) and
    // no U+FFFD, which stands in for bytes that were not UTF-8.
    let garbled = |text: &str, lines: bool| {
        text.chars().any(|c| {
            c == '\u{FFFD}' || (c.is_control() && !(lines && matches!(c, '\n' | '\r' | '\t')))
        })
    };
    for (field, text, lines) in [
        ("name", name, false),
        ("email", email, false),
        ("phone", phone.as_deref().unwrap_or_default(), false),
        ("message", message, true),
    ] {
        if garbled(text, lines) {
            return Err(invalid(
                field,
                "Feltet indeholder tegn, vi ikke kan læse. Skriv teksten igen.",
                "The field holds characters we cannot read. Please type it again.",
            ));
        }
    }
    if let Some(p) = &phone
        && (p.chars().count() > 30
            || !p
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')')))
    {
        return Err(invalid(
            "phone",
            "Skriv et telefonnummer med højst 30 tegn: cifre, mellemrum, +, - og parenteser.",
            "Enter a phone number of at most 30 characters: digits, spaces, +, - and brackets.",
        ));
    }
    let state = AppState::from_context()?;
    // After the checks above (a typo costs no allowance), before anything is written or sent.
    let client = crate::functions::client_address();
    if let Err(refused) = state.contact_limits.check(&client, email) {
        tracing::warn!(%client, limit = ?refused, "contact form refused: rate limit");
        return Err(crate::functions::reject(AppError::TooManyRequests));
    }
    let token = tokens::new_token();
    let subject: String = message
        .lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(80)
        .collect();
    let status_url = state.mail.status_url(&token);
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
            confirmation: received_confirmation(lang, state.settings.contacts.clone(), status_url),
        })
        .await?;
    state.wake_outbox();
    let priority = category.default_priority();
    state.announce(crate::domain::live_case::LiveCase {
        reference: reference.to_string(),
        subject: subject.clone(),
        priority,
        system,
    });
    // An urgent matter sent in writing: the receipt tells the citizen to call for a block.
    let urgent = if priority == Priority::Urgent {
        "&akut=1"
    } else {
        ""
    };
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
