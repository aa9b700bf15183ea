//! Every page's `<title>`.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::page_context::PageContext;

/// leptos_meta writes the formatted title into the server-rendered `<title>` as raw HTML (it
/// does not escape), so every title is escaped here, on the server only: in the browser the
/// same text is set as `document.title`, which takes plain text.
fn title_text(title: String) -> String {
    #[cfg(feature = "ssr")]
    {
        html_escape::encode_text(&title).into_owned()
    }
    #[cfg(not(feature = "ssr"))]
    {
        title
    }
}

/// Every page's `<title>`: "page – Fælles support", or the site's name on the front page.
#[component]
pub fn PageTitle() -> impl IntoView {
    let lang = PageContext::current().lang;
    view! {
        <Title formatter=move |page: String| {
            let title = if page.is_empty() {
                lang.pick("Hjælp til MitID og digital selvbetjening", "Help with MitID and digital self-service").to_owned()
            } else {
                format!("{page} – {}", lang.pick("Fælles support", "Shared support"))
            };
            title_text(title)
        }/>
    }
}
