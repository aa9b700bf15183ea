//! The administrators' knowledge-base editor: `/admin/vidensbase` (the list, unanswered
//! searches and unhelpful articles), `/admin/vidensbase/ny` and `/admin/vidensbase/:id` (the
//! editor with preview and version history).

pub mod editor;
pub mod list;

pub use editor::{AdminKbEdit, AdminKbNew};
pub use list::AdminKbList;

use leptos::prelude::*;

use crate::i18n::Lang;

/// A stored UTC time as people read it, marked up for machines.
fn time_cell(rfc3339: String) -> impl IntoView {
    let shown = crate::domain::danish_time::display(&rfc3339);
    view! { <time datetime=rfc3339>{shown}</time> }
}

/// An article's status as a labelled badge (the word, not only the colour, says it).
fn status_badge(status: &str, lang: Lang) -> impl IntoView + use<> {
    let label = crate::domain::kb_admin_views::status_label(status, lang);
    view! { <span class=format!("status-badge status-{status}")>{label}</span> }
}
