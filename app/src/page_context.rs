//! What every page needs to know about its request: the language, the logged-in staff member
//! (if any), the CSRF token for its forms and the support line's contacts.
//!
//! The server resolves it once per request (in a middleware) and the shell embeds it as JSON,
//! so the browser hydrates with exactly the values the server rendered.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::{SessionUser, SupportContacts};
use crate::i18n::Lang;

/// The element id of the embedded JSON.
pub const ELEMENT_ID: &str = "page-context";

/// The name of the hidden form field (and header) that carries the CSRF token.
pub const CSRF_FIELD: &str = "csrf_token";
pub const CSRF_HEADER: &str = "x-csrf-token";

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageContext {
    pub lang: Lang,
    pub csrf_token: String,
    pub user: Option<SessionUser>,
    pub contacts: SupportContacts,
}

impl PageContext {
    /// The JSON to embed in a `<script type="application/json">`: `<`, `>` and `&` are escaped
    /// so no value can close the script element.
    pub fn to_embedded_json(&self) -> String {
        serde_json::to_string(self)
            .unwrap_or_default()
            .replace('<', "\\u003c")
            .replace('>', "\\u003e")
            .replace('&', "\\u0026")
    }

    /// This request's context: from the request on the server, from the page in the browser.
    pub fn current() -> Self {
        #[cfg(feature = "ssr")]
        {
            use_context::<http::request::Parts>()
                .and_then(|parts| parts.extensions.get::<PageContext>().cloned())
                .unwrap_or_default()
        }
        #[cfg(not(feature = "ssr"))]
        {
            Self::from_document().unwrap_or_default()
        }
    }

    #[cfg(not(feature = "ssr"))]
    fn from_document() -> Option<Self> {
        #[cfg(feature = "hydrate")]
        {
            let json = web_sys::window()?
                .document()?
                .get_element_by_id(ELEMENT_ID)?
                .text_content()?;
            serde_json::from_str(&json).ok()
        }
        #[cfg(not(feature = "hydrate"))]
        {
            None
        }
    }
}

/// The page context provided by the app root (or by a console island), else read afresh: an
/// island in the browser sees nothing its server-rendered parents provided.
pub fn use_page_context() -> PageContext {
    use_context::<PageContext>().unwrap_or_else(PageContext::current)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_json_cannot_close_its_script_element() {
        let ctx = PageContext {
            user: Some(SessionUser {
                username: "x".into(),
                display_name: "</script><script>alert(1)</script>&".into(),
                role: crate::domain::Role::Admin,
            }),
            ..PageContext::default()
        };
        let json = ctx.to_embedded_json();
        assert!(!json.contains('<') && !json.contains('>') && !json.contains('&'));
        let back: PageContext = serde_json::from_str(&json).expect("round trip");
        assert_eq!(back, ctx);
    }
}
