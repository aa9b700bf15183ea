//! Every error a user can see, as one serialisable enum: the server returns a variant, the UI
//! shows that variant's message in the page's language. Details of internal failures stay in
//! the server's log, never in the response.

use serde::{Deserialize, Serialize};
use server_fn_error::{FromServerFnError, ServerFnErrorErr};

use crate::i18n::Lang;

// Leptos re-exports the server function error types; a local alias keeps the `use` short.
mod server_fn_error {
    pub use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    #[error("invalid username or password")]
    InvalidCredentials,
    #[error("too many failed logins; retry in {retry_after_minutes} min")]
    TooManyAttempts { retry_after_minutes: u32 },
    /// Too many contact-form requests from one address or to one e-mail address. One message
    /// for both, without a time: the answer must not tell what others sent.
    #[error("too many requests")]
    TooManyRequests,
    /// The server is at capacity for this kind of work (password hashing): try again shortly.
    #[error("busy; try again shortly")]
    Busy,
    #[error("not logged in")]
    Unauthenticated,
    #[error("the user's role may not do this")]
    Forbidden,
    #[error("the form has expired")]
    CsrfRejected,
    #[error("invalid input in field {field}")]
    Invalid {
        field: String,
        message_da: String,
        message_en: String,
    },
    #[error("request body over {limit_kib} KiB")]
    TooLarge { limit_kib: u32 },
    #[error("the request's arguments could not be read")]
    BadRequest,
    #[error("internal error")]
    Internal,
    #[error("request failed: {0}")]
    Transport(String),
}

impl AppError {
    /// The message a person reads, in their language.
    pub fn message(&self, lang: Lang) -> String {
        let text = match self {
            AppError::InvalidCredentials => lang.pick(
                "Brugernavnet eller adgangskoden er forkert.",
                "The username or password is wrong.",
            ),
            AppError::TooManyAttempts {
                retry_after_minutes,
            } => {
                return match lang {
                    Lang::Da => format!(
                        "For mange forkerte forsøg. Prøv igen om {retry_after_minutes} minutter."
                    ),
                    Lang::En => format!(
                        "Too many failed attempts. Try again in {retry_after_minutes} minutes."
                    ),
                };
            }
            AppError::Busy => lang.pick(
                "Der er travlt lige nu. Prøv igen om et øjeblik.",
                "The desk is busy right now. Please try again in a moment.",
            ),
            AppError::TooManyRequests => lang.pick(
                "Vi har modtaget for mange henvendelser herfra eller til denne e-mailadresse på kort tid. Prøv igen senere. Er det akut, så ring til os – numrene står på siden.",
                "We have received too many requests from here or for this e-mail address in a short time. Please try again later. If it is urgent, call us – the numbers are on the page.",
            ),
            AppError::Unauthenticated => {
                lang.pick("Du skal logge ind først.", "Please log in first.")
            }
            AppError::Forbidden => lang.pick(
                "Din rolle giver ikke adgang til dette.",
                "Your role does not give access to this.",
            ),
            AppError::CsrfRejected => lang.pick(
                "Formularen er udløbet. Genindlæs siden, og prøv igen.",
                "The form has expired. Reload the page and try again.",
            ),
            AppError::Invalid {
                message_da,
                message_en,
                ..
            } => lang.pick(message_da, message_en),
            AppError::TooLarge { limit_kib } => {
                return match lang {
                    Lang::Da => format!(
                        "Det, du sendte, er for stort (højst {limit_kib} KiB). Gør teksten kortere, og prøv igen."
                    ),
                    Lang::En => format!(
                        "What you sent is too large (at most {limit_kib} KiB). Shorten the text and try again."
                    ),
                };
            }
            AppError::BadRequest => lang.pick(
                "Forespørgslen kunne ikke læses. Genindlæs siden, og prøv igen.",
                "The request could not be read. Reload the page and try again.",
            ),
            AppError::Internal => lang.pick(
                "Der skete en fejl hos os. Prøv igen om lidt.",
                "Something went wrong on our side. Please try again shortly.",
            ),
            AppError::Transport(_) => lang.pick(
                "Forbindelsen til serveren fejlede. Prøv igen.",
                "The connection to the server failed. Please try again.",
            ),
        };
        text.to_owned()
    }

    /// The HTTP status that fits this error.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::InvalidCredentials | AppError::Unauthenticated => 401,
            AppError::Forbidden | AppError::CsrfRejected => 403,
            AppError::TooManyAttempts { .. } | AppError::TooManyRequests => 429,
            // Load shedding, not our failure: the hostile suite allows no 5xx.
            AppError::Busy => 429,
            AppError::Invalid { .. } => 422,
            AppError::TooLarge { .. } => 413,
            AppError::BadRequest => 400,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Arguments that do not decode (bad UTF-8, a word where a number belongs) are the
            // sender's fault, not ours.
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_) => AppError::BadRequest,
            other => AppError::Transport(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_has_a_message_in_both_languages() {
        let all = [
            AppError::InvalidCredentials,
            AppError::TooManyAttempts {
                retry_after_minutes: 5,
            },
            AppError::TooManyRequests,
            AppError::Busy,
            AppError::Unauthenticated,
            AppError::Forbidden,
            AppError::CsrfRejected,
            AppError::Invalid {
                field: "x".into(),
                message_da: "Forkert".into(),
                message_en: "Wrong".into(),
            },
            AppError::TooLarge { limit_kib: 64 },
            AppError::BadRequest,
            AppError::Internal,
            AppError::Transport("boom".into()),
        ];
        for err in all {
            let (da, en) = (err.message(Lang::Da), err.message(Lang::En));
            assert!(!da.is_empty() && !en.is_empty(), "{err:?}");
            assert_ne!(da, en, "{err:?} is not translated");
            assert!(!en.contains("boom"), "internal detail leaked: {en}");
        }
    }

    #[test]
    fn statuses_fit_the_error() {
        assert_eq!(AppError::Forbidden.status_code(), 403);
        assert_eq!(
            AppError::TooManyAttempts {
                retry_after_minutes: 1
            }
            .status_code(),
            429
        );
        assert_eq!(AppError::InvalidCredentials.status_code(), 401);
    }
}
