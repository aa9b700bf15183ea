//! When the page has become interactive. In islands mode the server renders the page and the
//! browser hydrates only its islands; once every island on the page has hydrated (or at once,
//! on a page without any) the document gets `data-hydrated="true"` and the performance
//! timeline a `hydrated` mark: tests wait for the first, the page-weight benchmark reads the
//! second.

use leptos::prelude::*;

/// Whether the page at `path` has islands, and so loads the browser bundle at all. Pages
/// without any (a guide, a receipt, a status page, "not found") are plain HTML and CSS: they
/// download no script. A new island on another page must be added here.
pub fn page_has_islands(path: &str) -> bool {
    let under = |area: &str| {
        path.strip_prefix(area)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    };
    // The search box (front page, results) and the contact form's suggestions.
    matches!(path, "/" | "/soeg" | "/kontakt")
        // The staff consoles.
        || under("/support")
        || under("/borgerservice")
        || under("/admin")
        || under("/leder")
}

/// Placed inside every island: counts it as hydrated once its effects run (in the browser,
/// after hydration).
#[component]
pub fn IslandReady() -> impl IntoView {
    Effect::new(|_| {
        #[cfg(feature = "hydrate")]
        browser::island_hydrated();
    });
}

#[cfg(feature = "hydrate")]
pub mod browser {
    use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

    static HYDRATED: AtomicU32 = AtomicU32::new(0);
    static PAGE_HYDRATED: AtomicBool = AtomicBool::new(false);

    /// For the start-up code, before the islands hydrate: everything they build, including
    /// what their routers and panels build while hydrating, reads the data the server sent.
    pub fn start_hydrating() {
        if let Some(context) = leptos::prelude::Owner::current_shared_context() {
            context.set_is_hydrating(true);
        }
    }

    fn islands_on_page() -> u32 {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector_all("leptos-island").ok())
            .map(|list| list.length())
            .unwrap_or_default()
    }

    pub fn island_hydrated() {
        let done = HYDRATED.fetch_add(1, Ordering::SeqCst) + 1;
        if done >= islands_on_page() {
            mark_page_hydrated();
        }
    }

    /// For the start-up code: a page without islands is as interactive as it gets.
    pub fn mark_if_no_islands() {
        if islands_on_page() == 0 {
            mark_page_hydrated();
        }
    }

    fn mark_page_hydrated() {
        if PAGE_HYDRATED.swap(true, Ordering::SeqCst) {
            return;
        }
        // From here on, what the page builds fetches its own data.
        if let Some(context) = leptos::prelude::Owner::current_shared_context() {
            context.set_is_hydrating(false);
        }
        let Some(window) = web_sys::window() else {
            return;
        };
        if let Some(root) = window.document().and_then(|d| d.document_element()) {
            let _ = root.set_attribute("data-hydrated", "true");
        }
        if let Some(performance) = window.performance() {
            let _ = performance.mark("hydrated");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::page_has_islands;

    #[test]
    fn only_pages_with_islands_load_the_bundle() {
        for path in [
            "/",
            "/soeg",
            "/kontakt",
            "/support",
            "/support/sag/SAG-2026-000001",
            "/borgerservice/besoeg/3",
            "/admin/vidensbase",
        ] {
            assert!(page_has_islands(path), "{path}");
        }
        for path in [
            "/hjaelp/aktiveringskode",
            "/kontakt/kvittering",
            "/sag/status/abc",
            "/login",
            "/findes-ikke",
            "/supporters",
            "/administration",
        ] {
            assert!(!page_has_islands(path), "{path}");
        }
    }
}
