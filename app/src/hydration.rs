//! When the page has become interactive. In islands mode the server renders the page and the
//! browser hydrates only its islands; once every island on the page has hydrated (or at once,
//! on a page without any) the document gets `data-hydrated="true"` and the performance
//! timeline a `hydrated` mark: tests wait for the first, the page-weight benchmark reads the
//! second.

use leptos::prelude::*;

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
