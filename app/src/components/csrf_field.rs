use leptos::prelude::*;

use crate::page_context::{CSRF_FIELD, use_page_context};

/// The hidden field every state-changing form carries.
#[component]
pub fn CsrfField() -> impl IntoView {
    let token = use_page_context().csrf_token;
    view! { <input type="hidden" name=CSRF_FIELD value=token/> }
}
