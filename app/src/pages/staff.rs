//! Staff pages as lazy routes: in the browser each one's code is a separate WebAssembly chunk,
//! fetched when a staff member first opens the page (or, on a full page load, before the page
//! hydrates). Citizen pages never download it. On the server they render as any other route.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use crate::pages::admin_home::AdminHome;
use crate::pages::admin_kb::{AdminKbEdit, AdminKbList, AdminKbNew};
use crate::pages::block_page::BlockPage;
use crate::pages::case_page::CasePage;
use crate::pages::case_search::CaseSearchPage;
use crate::pages::citizen_page::CitizenPage;
use crate::pages::counter::receipt::ReceiptPage;
use crate::pages::counter::today::CounterHome;
use crate::pages::counter::visit::VisitPage;
use crate::pages::login::LoginPage;
use crate::pages::supporter_home::SupporterHome;

/// One lazy route per page: the route's data is the page itself (its resources start inside
/// the component), so the wrapper only moves the page's code into its own chunk.
macro_rules! lazy_page {
    ($($route:ident => $page:ident),* $(,)?) => {$(
        #[doc = concat!("The lazily loaded [`", stringify!($page), "`].")]
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page/> }.into_any()
            }
        }
    )*};
}

lazy_page! {
    LoginRoute => LoginPage,
    QueueRoute => SupporterHome,
    CaseRoute => CasePage,
    BlockRoute => BlockPage,
    CaseSearchRoute => CaseSearchPage,
    CitizenRoute => CitizenPage,
    CounterRoute => CounterHome,
    VisitRoute => VisitPage,
    VisitReceiptRoute => ReceiptPage,
    AdminRoute => AdminHome,
    KbListRoute => AdminKbList,
    KbNewRoute => AdminKbNew,
    KbEditRoute => AdminKbEdit,
}
