use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::components::csrf_field::CsrfField;
use crate::domain::Role;
use leptos::server_fn::ServerFn;

use crate::functions::auth::Logout;
use crate::page_context::use_page_context;

/// Percent-encodes a path for use as a query value.
fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(char::from(b))
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Skip link, brand, navigation for the user's role, language switch and login state.
#[component]
pub fn SiteHeader() -> impl IntoView {
    let ctx = use_page_context();
    let lang = ctx.lang;
    let other = lang.other();
    let location = use_location();
    let switch_href = move || {
        format!(
            "/lang/{}?next={}",
            other.code(),
            encode_query_value(&location.pathname.get())
        )
    };

    let nav_links: Vec<(&'static str, &'static str)> = match ctx.user.as_ref().map(|u| u.role) {
        Some(Role::Supporter) => vec![
            ("/support", lang.pick("Sagskø", "Case queue")),
            (
                "/support/opkald",
                lang.pick("Dagens opkald", "Today's calls"),
            ),
        ],
        Some(Role::Lead) => vec![
            ("/leder", lang.pick("Overblik", "Dashboard")),
            ("/leder/drift", lang.pick("Driftsstatus", "Incidents")),
            ("/support", lang.pick("Sagskø", "Case queue")),
            (
                "/support/opkald",
                lang.pick("Dagens opkald", "Today's calls"),
            ),
        ],
        Some(Role::Borgerservice) => vec![("/borgerservice", lang.pick("Skranken", "Counter"))],
        Some(Role::Admin) => vec![
            ("/admin", lang.pick("Administration", "Administration")),
            ("/admin/personale", lang.pick("Medarbejdere", "Staff")),
            (
                "/admin/vidensbase",
                lang.pick("Vidensbase", "Knowledge base"),
            ),
        ],
        None => vec![],
    };

    let account = match ctx.user.clone() {
        Some(user) => view! {
            <div class="account">
                <span class="who">
                    {user.display_name} " · " {user.role.label(lang)}
                </span>
                <form method="post" action=Logout::url() class="inline">
                    <CsrfField/>
                    <button type="submit" class="link-button">{lang.pick("Log ud", "Log out")}</button>
                </form>
            </div>
        }
        .into_any(),
        None => view! {
            <a class="staff-login" href="/login">{lang.pick("Log ind (medarbejdere)", "Staff login")}</a>
        }
        .into_any(),
    };

    view! {
        <a class="skip-link" href="#main">{lang.pick("Spring til indholdet", "Skip to content")}</a>
        <header class="site-header">
            <div class="bar">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"ID"</span>
                    <span>{lang.pick("Fælles support", "Shared support")}
                        <small>"MitID · NemLog-in · Digital Post · NemKonto · Virk · borger.dk"</small>
                    </span>
                </a>
                <nav aria-label=lang.pick("Hovedmenu", "Main menu")>
                    <ul>
                        <li><a href="/">{lang.pick("Hjælp", "Help")}</a></li>
                        {nav_links
                            .into_iter()
                            .map(|(href, label)| view! { <li><a href=href>{label}</a></li> })
                            .collect_view()}
                    </ul>
                </nav>
                <a class="lang-switch" href=switch_href lang=other.code() hreflang=other.code()>
                    {other.native_name()}
                </a>
                {account}
            </div>
        </header>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_everything_but_plain_path_characters() {
        assert_eq!(encode_query_value("/support"), "/support");
        assert_eq!(encode_query_value("/a b?c=d&e"), "/a%20b%3Fc%3Dd%26e");
        assert_eq!(encode_query_value("/æ"), "/%C3%A6");
    }
}
