//! The document shell and the router.

use leptos::prelude::*;
use leptos_meta::{MetaTags, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::components::footer::SiteFooter;
use crate::components::header::SiteHeader;
use crate::components::incident_banner::IncidentBanner;
use crate::components::page_title::PageTitle;
use crate::hydration::page_has_islands;
use crate::page_context::{ELEMENT_ID, PageContext};
use crate::pages::consoles::{AdminDesk, CounterDesk, LeadDesk, SupporterConsole, console};
use crate::pages::contact::{CaseStatusPage, ContactPage, ContactReceipt};
use crate::pages::rating::RatingPage;
use crate::pages::{
    admin_staff::{AdminStaffList, AdminStaffMember},
    article::ArticleView,
    help_home::HelpHome,
    login::LoginPage,
    login_steps::{CodePage, EnrolPage, NewPasswordPage},
    not_found::NotFound,
    search::SearchResults,
};

/// The whole HTML document, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    let ctx = PageContext::current();
    let context_json = ctx.to_embedded_json();
    let stylesheet = stylesheet_href(&options);
    let path = request_path();
    // The consoles' own rules come only with staff pages: citizens never fetch them.
    #[cfg(feature = "ssr")]
    let staff_stylesheet = is_staff_page(&path)
        .then(|| view! { <link rel="stylesheet" href=staff_stylesheet_href()/> });
    #[cfg(not(feature = "ssr"))]
    let staff_stylesheet: Option<()> = None;
    // Only pages with islands load the browser bundle.
    let scripts =
        page_has_islands(&path).then(|| view! { <HydrationScripts options islands=true/> });
    view! {
        <!DOCTYPE html>
        <html lang=ctx.lang.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="stylesheet" href=stylesheet/>
                {staff_stylesheet}
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <script type="application/json" id=ELEMENT_ID inner_html=context_json></script>
                {scripts}
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The staff consoles' stylesheet (`style/staff.css`), built into the server: served at
/// [`staff_stylesheet_href`], a name that changes with its content, so browsers keep it.
#[cfg(feature = "ssr")]
pub const STAFF_CSS: &str = include_str!("../../style/staff.css");

/// `/staff.<first 16 hex digits of its SHA-256>.css`.
#[cfg(feature = "ssr")]
pub fn staff_stylesheet_href() -> &'static str {
    use sha2::{Digest, Sha256};
    static HREF: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HREF.get_or_init(|| {
        let digest = Sha256::digest(STAFF_CSS.as_bytes());
        let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
        format!("/staff.{hex}.css")
    })
}

/// The three consoles' pages.
#[cfg(feature = "ssr")]
fn is_staff_page(path: &str) -> bool {
    ["/support", "/borgerservice", "/admin", "/leder"]
        .iter()
        .any(|area| {
            path.strip_prefix(area)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
}

/// This request's path (the server renders the shell; the browser never does).
fn request_path() -> String {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .map(|parts| parts.uri.path().to_owned())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        String::new()
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
                    let file = std::env::current_exe()
                        .ok()?
                        .parent()?
                        .join(&*options.hash_file);
                    let text = std::fs::read_to_string(file).ok()?;
                    text.lines().find_map(|line| {
                        let (kind, hash) = line.split_once(':')?;
                        (kind.trim() == "css").then(|| hash.trim().to_owned())
                    })
                })
                .flatten();
            match hash {
                Some(hash) => format!(
                    "/{}/{}.{hash}.css",
                    options.site_pkg_dir, options.output_name
                ),
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

/// The site, rendered on the server. Only islands (see `pages::consoles`) run in the browser;
/// each staff area is one island that routes between its own pages.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(PageContext::current());

    view! {
        <PageTitle/>
        <Router>
            <SiteHeader/>
            <IncidentBanner/>
            <main id="main" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HelpHome ssr=SsrMode::Async/>
                    <Route path=path!("/soeg") view=SearchResults ssr=SsrMode::Async/>
                    <Route path=path!("/hjaelp/:slug") view=ArticleView ssr=SsrMode::Async/>
                    <Route path=path!("/kontakt") view=ContactPage ssr=SsrMode::Async/>
                    <Route path=path!("/kontakt/kvittering") view=ContactReceipt ssr=SsrMode::Async/>
                    <Route path=path!("/sag/status/:token") view=CaseStatusPage ssr=SsrMode::Async/>
                    <Route path=path!("/vurdering/:token") view=RatingPage ssr=SsrMode::Async/>
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/login/ny-adgangskode") view=NewPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/login/tofaktor") view=CodePage ssr=SsrMode::Async/>
                    <Route path=path!("/login/tofaktor/opsaet") view=EnrolPage ssr=SsrMode::Async/>
                    <Route path=path!("/support") view=console(SupporterConsole) ssr=SsrMode::Async/>
                    <Route path=path!("/support/soeg") view=console(SupporterConsole) ssr=SsrMode::Async/>
                    <Route path=path!("/support/opkald") view=console(SupporterConsole) ssr=SsrMode::Async/>
                    <Route path=path!("/support/sag/:reference") view=console(SupporterConsole) ssr=SsrMode::Async/>
                    <Route path=path!("/support/sag/:reference/spaer") view=console(SupporterConsole) ssr=SsrMode::Async/>
                    <Route path=path!("/support/sag/:reference/spaer-erhverv") view=console(SupporterConsole) ssr=SsrMode::Async/>
                    <Route path=path!("/support/borger/:id") view=console(SupporterConsole) ssr=SsrMode::Async/>
                    <Route path=path!("/borgerservice") view=console(CounterDesk) ssr=SsrMode::Async/>
                    <Route path=path!("/borgerservice/besoeg/:id") view=console(CounterDesk) ssr=SsrMode::Async/>
                    <Route path=path!("/borgerservice/besoeg/:id/kvittering") view=console(CounterDesk) ssr=SsrMode::Async/>
                    <Route path=path!("/admin") view=console(AdminDesk) ssr=SsrMode::Async/>
                    // Plain forms without islands: rendered on the server only, so none of their
                    // code or text is in the browser bundle every citizen downloads.
                    <Route path=path!("/admin/personale") view=AdminStaffList ssr=SsrMode::Async/>
                    <Route path=path!("/admin/personale/:username") view=AdminStaffMember ssr=SsrMode::Async/>
                    <Route path=path!("/admin/vidensbase") view=console(AdminDesk) ssr=SsrMode::Async/>
                    <Route path=path!("/admin/vidensbase/ny") view=console(AdminDesk) ssr=SsrMode::Async/>
                    <Route path=path!("/admin/vidensbase/:id") view=console(AdminDesk) ssr=SsrMode::Async/>
                    <Route path=path!("/leder") view=console(LeadDesk) ssr=SsrMode::Async/>
                    <Route path=path!("/leder/drift") view=console(LeadDesk) ssr=SsrMode::Async/>
                    <Route path=path!("/leder/drift/:id") view=console(LeadDesk) ssr=SsrMode::Async/>
                </Routes>
            </main>
            <SiteFooter/>
        </Router>
    }
}
