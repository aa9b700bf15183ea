//! The contact form's intake: checking what the citizen wrote, holding back floods, and
//! creating the case with its confirmation e-mail and private status link.

use crate::cases::contact_limits::ContactLimits;
use crate::domain::{CaseRef, Category, Priority, SupportContacts, System, tokens};
use crate::i18n::Lang;
use crate::mail::{MailSettings, received_confirmation};
use crate::store::StoreError;
use crate::store::intake::{CitizenRequest, Intake};

/// What the contact form sent, as typed.
pub struct ContactForm {
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub system: String,
    pub category: String,
    pub message: String,
    /// Sent from a guide the citizen found by searching (see `domain::help_activity`).
    pub after_search: bool,
}

/// Why the form was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum ContactError {
    #[error("no name")]
    Name,
    #[error("invalid e-mail address")]
    Email,
    #[error("no area chosen")]
    System,
    #[error("no category chosen")]
    Category,
    #[error("message too short or too long")]
    MessageLength,
    #[error("CPR number in the name")]
    CprInName,
    #[error("CPR number in the message")]
    CprInMessage,
    #[error("unreadable characters in {0}")]
    Garbled(&'static str),
    #[error("invalid phone number")]
    Phone,
    /// The endpoint answers this one with `AppError::TooManyRequests` (same words).
    #[error("too many contact forms")]
    TooMany,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ContactError {
    /// The form field the refusal is about.
    pub fn field(&self) -> &'static str {
        match self {
            ContactError::Name | ContactError::CprInName => "name",
            ContactError::Email => "email",
            ContactError::System => "system",
            ContactError::Category => "category",
            ContactError::MessageLength | ContactError::CprInMessage => "message",
            ContactError::Garbled(field) => field,
            ContactError::Phone => "phone",
            ContactError::TooMany | ContactError::Store(_) => "",
        }
    }

    /// What the citizen is told.
    pub fn message(&self, lang: Lang) -> &'static str {
        match self {
            ContactError::Name => lang.pick("Skriv dit navn.", "Enter your name."),
            ContactError::Email => lang.pick(
                "Skriv en gyldig e-mailadresse, fx navn@eksempel.dk.",
                "Enter a valid e-mail address, e.g. name@example.com.",
            ),
            ContactError::System => lang.pick("Vælg et område.", "Choose an area."),
            ContactError::Category => {
                lang.pick("Vælg hvad det drejer sig om.", "Choose what it is about.")
            }
            ContactError::MessageLength => lang.pick(
                "Beskriv din henvendelse med 10 til 5.000 tegn.",
                "Describe your request in 10 to 5,000 characters.",
            ),
            ContactError::CprInName => lang.pick(
                "Skriv kun dit navn i navnefeltet, ikke dit CPR-nummer.",
                "Enter only your name in the name field, not your CPR number.",
            ),
            ContactError::CprInMessage => lang.pick(
                "Skriv ikke dit CPR-nummer i beskeden. Vi spørger om det, når vi ringer.",
                "Do not write your CPR number in the message. We ask for it when we call.",
            ),
            ContactError::Garbled(_) => lang.pick(
                "Feltet indeholder tegn, vi ikke kan læse. Skriv teksten igen.",
                "The field holds characters we cannot read. Please type it again.",
            ),
            ContactError::Phone => lang.pick(
                "Skriv et telefonnummer med højst 30 tegn: cifre, mellemrum, +, - og parenteser.",
                "Enter a phone number of at most 30 characters: digits, spaces, +, - and brackets.",
            ),
            ContactError::TooMany => lang.pick(
                "Vi har modtaget for mange henvendelser herfra eller til denne e-mailadresse på kort tid. Prøv igen senere. Er det akut, så ring til os – numrene står på siden.",
                "We have received too many requests from here or for this e-mail address in a short time. Please try again later. If it is urgent, call us – the numbers are on the page.",
            ),
            ContactError::Store(_) => lang.pick(
                "Der skete en fejl hos os. Prøv igen om lidt.",
                "Something went wrong on our side. Please try again shortly.",
            ),
        }
    }
}

/// A case created from the form: what the receipt page and the consoles need.
pub struct Received {
    pub reference: CaseRef,
    /// The private status link's token (only its hash is stored).
    pub token: String,
    pub subject: String,
    pub system: System,
    pub priority: Priority,
}

/// Where the intake sends things.
pub struct IntakeDesk<'a> {
    pub intake: &'a Intake,
    pub limits: &'a ContactLimits,
    pub mail: &'a MailSettings,
    pub contacts: SupportContacts,
    /// Hashes the citizen's phone number, so a call from it finds them.
    pub vault: &'a crate::privacy::cpr_vault::CprVault,
    /// Counts a form sent after a search (the deflection figures).
    pub help_counts: &'a crate::store::help_counts::HelpCounts,
}

/// Checks the form, holds back floods (per client address and per recipient) and creates the
/// case, queueing the confirmation to the citizen.
pub async fn submit(
    desk: IntakeDesk<'_>,
    form: ContactForm,
    client: &str,
    lang: Lang,
) -> Result<Received, ContactError> {
    let name = form.name.trim();
    let email = form.email.trim();
    let message = form.message.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ContactError::Name);
    }
    if !(email.contains('@') && email.contains('.') && email.len() <= 254 && !email.contains(' ')) {
        return Err(ContactError::Email);
    }
    let system = System::parse(&form.system).ok_or(ContactError::System)?;
    let category = Category::parse(&form.category).map_err(|_| ContactError::Category)?;
    if message.chars().count() < 10 || message.chars().count() > 5_000 {
        return Err(ContactError::MessageLength);
    }
    if crate::domain::cpr::contains_cpr(name) {
        return Err(ContactError::CprInName);
    }
    if crate::domain::cpr::contains_cpr(message) {
        return Err(ContactError::CprInMessage);
    }
    let phone = form
        .phone
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty());
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
            return Err(ContactError::Garbled(field));
        }
    }
    if let Some(p) = &phone
        && (p.chars().count() > 30
            || !p
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')')))
    {
        return Err(ContactError::Phone);
    }
    // After the checks above (a typo costs no allowance), before anything is written or sent.
    if let Err(refused) = desk.limits.take(client, email).await? {
        tracing::warn!(%client, limit = ?refused, "contact form refused: rate limit");
        return Err(ContactError::TooMany);
    }
    let token = tokens::new_token();
    let subject: String = message
        .lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(80)
        .collect();
    let status_url = desk.mail.status_url(&token);
    // Stored normalised (E.164) with its keyed hash when it reads as a phone number.
    let (phone, phone_hash) = match phone {
        Some(p) => {
            let (stored, hash) = desk.vault.phone_for_storage(&p);
            (Some(stored), Some(hash))
        }
        None => (None, None),
    };
    let reference = desk
        .intake
        .create(CitizenRequest {
            subject: subject.clone(),
            body: message.to_owned(),
            system,
            category,
            name: name.to_owned(),
            email: email.to_owned(),
            phone,
            phone_hash,
            lang: lang.code(),
            status_token_hash: tokens::token_hash(&token),
            status_url: status_url.clone(),
            mail_domain: desk.mail.domain().to_owned(),
            confirmation: received_confirmation(lang, desk.contacts, status_url),
            organisation: crate::domain::Cvr::find_in_text(message),
        })
        .await?;
    if form.after_search {
        desk.help_counts
            .count(crate::domain::help_activity::Activity::WroteIn);
    }
    Ok(Received {
        reference,
        token,
        subject,
        system,
        priority: category.default_priority(),
    })
}
