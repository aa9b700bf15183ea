//! The document shell and the router.

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{Lazy, SsrMode, path};

use crate::components::footer::SiteFooter;
use crate::components::header::SiteHeader;
use crate::page_context::{ELEMENT_ID, PageContext};
use crate::pages::contact::{CaseStatusPage, ContactPage, ContactReceipt};
use crate::pages::staff::{
    AdminRoute, BlockRoute, CaseRoute, CaseSearchRoute, CitizenRoute, CounterRoute, KbEditRoute,
    KbListRoute, KbNewRoute, LoginRoute, QueueRoute, VisitReceiptRoute, VisitRoute,
};
use crate::pages::{
    article::ArticleView, help_home::HelpHome, not_found::NotFound, search::SearchResults,
};

/// The whole HTML document, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    let ctx = PageContext::current();
    let context_json = ctx.to_embedded_json();
    view! {
        <!DOCTYPE html>
        <html lang=ctx.lang.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="stylesheet" href=stylesheet_href(&options)/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <script type="application/json" id=ELEMENT_ID inner_html=context_json></script>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The stylesheet's address. Release builds name bundle files after their content (the
/// hashes are in `hash.txt` beside the server binary, as Leptos's hydration scripts read them),
/// so browsers may keep them for a year and a new release is never mixed with an old copy.
fn stylesheet_href(options: &LeptosOptions) -> String {
    #[cfg(feature = "ssr")]
    {
        static HREF: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        HREF.get_or_init(|| {
            let hash = options
                .hash_files
                .then(|| {
                    let file = std::env::current_exe().ok()?.parent()?.join(&*options.hash_file);
                    let text = std::fs::read_to_string(file).ok()?;
                    text.lines().find_map(|line| {
                        let (kind, hash) = line.split_once(':')?;
                        (kind.trim() == "css").then(|| hash.trim().to_owned())
                    })
                })
                .flatten();
            match hash {
                Some(hash) => format!("/{}/{}.{hash}.css", options.site_pkg_dir, options.output_name),
                None => format!("/{}/{}.css", options.site_pkg_dir, options.output_name),
            }
        })
        .clone()
    }
    #[cfg(not(feature = "ssr"))]
    {
        format!("/{}/{}.css", options.site_pkg_dir, options.output_name)
    }
}

/// The page's Content-Security-Policy: scripts only from this site and with this response's
/// nonce (Leptos puts it on its hydration and resource scripts), WebAssembly compiled from
/// this site, no inline styles or plugins, no framing, forms post only here.
#[cfg(feature = "ssr")]
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    let (Some(nonce), Some(res)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    if let Ok(value) = http::HeaderValue::from_str(&content_security_policy(&nonce)) {
        res.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

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

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let ctx = PageContext::current();
    let lang = ctx.lang;
    provide_context(ctx);
    // Effects run only in the browser, after hydration: mark the document so tests (and
    // styles) can tell the enhanced page from the server-rendered one, and the timeline so
    // the page-weight benchmark can read when the page became interactive.
    Effect::new(|_| {
        #[cfg(feature = "hydrate")]
        if let Some(window) = web_sys::window() {
            if let Some(root) = window.document().and_then(|d| d.document_element()) {
                let _ = root.set_attribute("data-hydrated", "true");
            }
            if let Some(performance) = window.performance() {
                let _ = performance.mark("hydrated");
            }
        }
    });

    view! {
        <Title formatter=move |page: String| {
            let title = if page.is_empty() {
                lang.pick("Hjælp til MitID og digital selvbetjening", "Help with MitID and digital self-service").to_owned()
            } else {
                format!("{page} – {}", lang.pick("Fælles support", "Shared support"))
            };
            title_text(title)
        }/>
        <Router>
            <SiteHeader/>
            <main id="main" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HelpHome ssr=SsrMode::Async/>
                    <Route path=path!("/soeg") view=SearchResults ssr=SsrMode::Async/>
                    <Route path=path!("/hjaelp/:slug") view=ArticleView ssr=SsrMode::Async/>
                    <Route path=path!("/kontakt") view=ContactPage ssr=SsrMode::Async/>
                    <Route path=path!("/kontakt/kvittering") view=ContactReceipt ssr=SsrMode::Async/>
                    <Route path=path!("/sag/status/:token") view=CaseStatusPage ssr=SsrMode::Async/>
                    <Route path=path!("/support/sag/:reference") view={Lazy::<CaseRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/support/sag/:reference/spaer") view={Lazy::<BlockRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/login") view={Lazy::<LoginRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/support") view={Lazy::<QueueRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/support/soeg") view={Lazy::<CaseSearchRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/support/borger/:id") view={Lazy::<CitizenRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/borgerservice") view={Lazy::<CounterRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/borgerservice/besoeg/:id") view={Lazy::<VisitRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/borgerservice/besoeg/:id/kvittering") view={Lazy::<VisitReceiptRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin") view={Lazy::<AdminRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/vidensbase") view={Lazy::<KbListRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/vidensbase/ny") view={Lazy::<KbNewRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/vidensbase/:id") view={Lazy::<KbEditRoute>::new()} ssr=SsrMode::Async/>
                </Routes>
            </main>
            <SiteFooter/>
        </Router>
    }
}
