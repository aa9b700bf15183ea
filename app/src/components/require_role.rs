use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

use crate::domain::Role;
use crate::page_context::use_page_context;

/// Renders `children` only for a logged-in member of `role` (or a role that acts as it): anonymous visitors are sent to
/// the login page, other roles get a 403 page. The server functions check again.
#[component]
pub fn RequireRole(role: Role, children: ChildrenFn) -> impl IntoView {
    let ctx = use_page_context();
    let lang = ctx.lang;
    match ctx.user {
        None => {
            let path = use_location().pathname.get_untracked();
            view! { <Redirect path=format!("/login?next={path}")/> }.into_any()
        }
        Some(user) if !user.role.acts_as(role) => {
            #[cfg(feature = "ssr")]
            if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
                res.set_status(http::StatusCode::FORBIDDEN);
            }
            view! {
                <div class="page narrow">
                    <h1>{lang.pick("Ingen adgang", "No access")}</h1>
                    <p>
                        {lang.pick(
                            "Siden hører til en anden rolle end din. Gå til din egen forside:",
                            "This page belongs to another role. Go to your own start page:",
                        )}
                        " "
                        <a href=user.role.landing_path()>{user.role.label(lang)}</a>
                    </p>
                </div>
            }
            .into_any()
        }
        Some(_) => children().into_any(),
    }
}
