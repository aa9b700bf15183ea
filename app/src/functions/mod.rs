//! Server functions, one module per area. Each is thin: check the role, read the input, call
//! a service (or, in areas not yet split, the domain or the store), map the result.

pub mod admin;
pub mod auth;
pub mod blocks;
pub mod calls;
pub mod cases;
pub mod citizens;
pub mod contact;
pub mod counter;
pub mod dashboard;
#[cfg(feature = "ssr")]
pub mod guard;
pub mod help;
pub mod incidents;
pub mod kb_admin;
pub mod organisations;
pub mod powers;
pub mod ratings;
pub mod staff_search;

#[cfg(feature = "ssr")]
pub use ssr_helpers::*;

#[cfg(feature = "ssr")]
mod ssr_helpers {
    use http::{HeaderValue, StatusCode, header};
    use leptos::prelude::use_context;
    use leptos_axum::ResponseOptions;

    use crate::errors::AppError;

    fn request_parts() -> Option<http::request::Parts> {
        use_context::<http::request::Parts>()
    }

    /// A plain HTML form post (no JavaScript) rather than a call from the app's own client.
    fn is_form_post(parts: &http::request::Parts) -> bool {
        parts
            .headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    }

    /// Marks the response with the error's status code and returns the error. Plain form
    /// posts keep Leptos's redirect back to the form, which shows the message.
    pub fn reject(err: AppError) -> AppError {
        if let (Some(parts), Some(res)) = (request_parts(), use_context::<ResponseOptions>())
            && !is_form_post(&parts)
        {
            res.set_status(
                StatusCode::from_u16(err.status_code())
                    .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            );
        }
        err
    }

    /// An error from a service. Services build their refusals without touching the response:
    /// a refusal gets its status here, as [`invalid`] gives it; an internal failure is passed
    /// on as it is, as a `?` on the store would.
    pub fn reject_invalid(err: AppError) -> AppError {
        match err {
            AppError::Invalid { .. } => reject(err),
            other => other,
        }
    }

    /// Whether this request is a plain HTML form post (no JavaScript, or a form the browser
    /// submits itself).
    pub fn is_plain_form_post() -> bool {
        request_parts().is_some_and(|parts| is_form_post(&parts))
    }

    /// A refusal of one field's value, with the message in both languages.
    pub fn invalid(field: &str, da: &str, en: &str) -> AppError {
        reject(AppError::Invalid {
            field: field.into(),
            message_da: da.into(),
            message_en: en.into(),
        })
    }

    /// The case with this reference, or the refusal a supporter sees for a wrong one.
    pub async fn find_case(
        db: &crate::store::Db,
        reference: &str,
    ) -> Result<crate::store::cases::CaseRecord, AppError> {
        crate::store::cases::find(db, reference.trim())
            .await?
            .ok_or_else(|| {
                invalid(
                    "reference",
                    "Sagen findes ikke.",
                    "The case does not exist.",
                )
            })
    }

    pub fn append_cookie(set_cookie: &str) {
        if let (Some(res), Ok(value)) = (
            use_context::<ResponseOptions>(),
            HeaderValue::from_str(set_cookie),
        ) {
            res.append_header(header::SET_COOKIE, value);
        }
    }

    /// The value of a request cookie.
    pub fn request_cookie(name: &str) -> Option<String> {
        let parts = request_parts()?;
        let header = parts.headers.get(header::COOKIE)?.to_str().ok()?;
        crate::auth::cookies::read(header, name).map(str::to_owned)
    }

    /// The client's address, for the login throttle.
    pub fn client_address() -> String {
        request_parts()
            .and_then(|p| {
                p.extensions
                    .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                    .map(|c| c.0.ip().to_string())
            })
            .unwrap_or_else(|| "unknown".to_owned())
    }
}
