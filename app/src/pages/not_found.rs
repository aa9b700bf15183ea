use leptos::prelude::*;
use leptos_meta::Title;

use crate::page_context::use_page_context;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    let lang = use_page_context().lang;
    view! {
        <Title text=lang.pick("Siden findes ikke", "Page not found")/>
        <div class="page narrow">
            <h1>{lang.pick("Siden findes ikke", "Page not found")}</h1>
            <p>
                {lang.pick(
                    "Adressen er forkert, eller siden er flyttet.",
                    "The address is wrong, or the page has moved.",
                )}
            </p>
            <p><a href="/">{lang.pick("Gå til forsiden og søg efter hjælp", "Go to the front page and search for help")}</a></p>
        </div>
    }
}
