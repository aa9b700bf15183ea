//! The staff consoles: islands of interactivity in an otherwise server-rendered site.
//!
//! The desk runs in Leptos's islands mode: pages render on the server and only islands ship
//! code to the browser. Citizen pages have two small islands (the search box's suggestions,
//! the contact form's suggested guides); everything else on them is plain HTML that works
//! without JavaScript. Each staff area is one *lazy* island holding its own router: its code
//! is a separate WebAssembly chunk that a citizen's browser never fetches, and moving between
//! its pages (queue → case → block flow) stays inside the page, without a reload.

use leptos::prelude::*;
use leptos_meta::provide_meta_context;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::path;

use crate::components::call_pop::CallPopPanel;
use crate::components::page_title::PageTitle;
use crate::hydration::IslandReady;
use crate::page_context::PageContext;
use crate::pages::admin_home::AdminHome;
use crate::pages::admin_kb::{AdminKbEdit, AdminKbList, AdminKbNew};
use crate::pages::block_page::BlockPage;
use crate::pages::business_block_page::BusinessBlockPage;
use crate::pages::call_log::CallLogPage;
use crate::pages::case_page::CasePage;
use crate::pages::case_search::CaseSearchPage;
use crate::pages::citizen_page::CitizenPage;
use crate::pages::counter::receipt::ReceiptPage;
use crate::pages::counter::today::CounterHome;
use crate::pages::counter::visit::VisitPage;
use crate::pages::incidents::{IncidentHistory, IncidentPage};
use crate::pages::lead::dashboard::LeadDashboard;
use crate::pages::queue::SupporterHome;

/// A console's page renders, on the server and in the browser, entirely in hydration mode: the
/// router builds its page (and the page its panels) while rendering, after the island's own
/// set-up, and their resources must still be sent with the page and picked up by the browser.
/// The server switches the mode on as the console starts; the browser until every island has
/// hydrated (`hydration`).
pub fn console<V: IntoView + 'static>(
    island: fn() -> V,
) -> impl Fn() -> V + Clone + Send + Sync + 'static {
    move || {
        if let Some(context) = Owner::current_shared_context() {
            context.set_is_hydrating(true);
        }
        island()
    }
}

/// What every console needs around its router, in the browser as on the server: the page
/// context (an island sees nothing its server-rendered parents provided), the document title,
/// and the hydration marker.
#[component]
fn ConsoleFrame(children: Children) -> impl IntoView {
    provide_context(PageContext::current());
    provide_meta_context();
    view! {
        <PageTitle/>
        <IslandReady/>
        <Router>{children()}</Router>
    }
}

/// A link out of the console (to the help pages, another area, the login): the console's
/// router has no such page, so the browser loads it from the server. The router's location is
/// already the new address (the history entry may not be written yet).
#[component]
fn LeaveConsole() -> impl IntoView {
    let location = use_location();
    let search = location.search.get_untracked();
    let href = format!(
        "{}{}{search}",
        location.pathname.get_untracked(),
        if search.is_empty() || search.starts_with('?') {
            ""
        } else {
            "?"
        },
    );
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(&href);
    }
    let lang = crate::page_context::use_page_context().lang;
    view! {
        <p class="page narrow" role="status">
            <a href=href>{lang.pick("Åbner siden …", "Opening the page …")}</a>
        </p>
    }
}

/// The supporter's console: queue, case, block flow, case search, citizen, today's calls;
/// the screen-pop of the supporter's phone calls over all of them.
#[island(lazy)]
pub fn SupporterConsole() -> impl IntoView {
    view! {
        <ConsoleFrame>
            <CallPopPanel/>
            <Routes fallback=LeaveConsole>
                <Route path=path!("/support/opkald") view=CallLogPage/>
                <Route path=path!("/support") view=SupporterHome/>
                <Route path=path!("/support/soeg") view=CaseSearchPage/>
                <Route path=path!("/support/sag/:reference") view=CasePage/>
                <Route path=path!("/support/sag/:reference/spaer") view=BlockPage/>
                <Route path=path!("/support/sag/:reference/spaer-erhverv") view=BusinessBlockPage/>
                <Route path=path!("/support/borger/:id") view=CitizenPage/>
            </Routes>
        </ConsoleFrame>
    }
}

/// Borgerservice at the counter: today's visits, the guided visit, the receipt.
#[island(lazy)]
pub fn CounterDesk() -> impl IntoView {
    view! {
        <ConsoleFrame>
            <Routes fallback=LeaveConsole>
                <Route path=path!("/borgerservice") view=CounterHome/>
                <Route path=path!("/borgerservice/besoeg/:id") view=VisitPage/>
                <Route path=path!("/borgerservice/besoeg/:id/kvittering") view=ReceiptPage/>
            </Routes>
        </ConsoleFrame>
    }
}

/// Administration: the start page and the knowledge-base editor (the staff pages,
/// `/admin/personale`, are plain server-rendered forms outside the island).
#[island(lazy)]
pub fn AdminDesk() -> impl IntoView {
    view! {
        <ConsoleFrame>
            <Routes fallback=LeaveConsole>
                <Route path=path!("/admin") view=AdminHome/>
                <Route path=path!("/admin/vidensbase") view=AdminKbList/>
                <Route path=path!("/admin/vidensbase/ny") view=AdminKbNew/>
                <Route path=path!("/admin/vidensbase/:id") view=AdminKbEdit/>
            </Routes>
        </ConsoleFrame>
    }
}

/// The team lead's desk: the dashboard, and incidents (driftsstatus) with their history.
#[island(lazy)]
pub fn LeadDesk() -> impl IntoView {
    view! {
        <ConsoleFrame>
            <Routes fallback=LeaveConsole>
                <Route path=path!("/leder") view=LeadDashboard/>
                <Route path=path!("/leder/drift") view=IncidentHistory/>
                <Route path=path!("/leder/drift/:id") view=IncidentPage/>
            </Routes>
        </ConsoleFrame>
    }
}
