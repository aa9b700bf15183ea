use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::csrf_field::CsrfField;
use crate::components::require_role::RequireRole;
use crate::domain::Role;
use crate::functions::admin::{UnlockLogin, list_locked_logins};
use crate::page_context::use_page_context;

/// The administrator's start page: the areas, and the usernames the throttle holds back.
#[component]
pub fn AdminHome() -> impl IntoView {
    let lang = use_page_context().lang;
    view! {
        <Title text=lang.pick("Administration", "Administration")/>
        <RequireRole role=Role::Admin>
            <div class="page">
                <h1>{lang.pick("Administration", "Administration")}</h1>
                <ul class="admin-links">
                    <li>
                        <a href="/admin/personale">{lang.pick("Medarbejdere", "Staff")}</a>
                        {lang.pick(
                            ": opret, spær og genaktivér medarbejdere, skift rolle, nulstil adgangskode og to-faktor-login, og se seneste login.",
                            ": add, disable and enable staff, change roles, reset passwords and two-factor login, and see the last login.",
                        )}
                    </li>
                    <li>
                        <a href="/admin/vidensbase">{lang.pick("Vidensbase", "Knowledge base")}</a>
                        {lang.pick(
                            ": rediger vejledninger, og se søgninger uden resultat og borgernes tilbagemeldinger.",
                            ": edit guides, and see searches without results and citizens' feedback.",
                        )}
                    </li>
                </ul>
                <LockedLogins/>
            </div>
        </RequireRole>
    }
}

/// Usernames the login throttle holds back now, each with a button that unlocks it.
#[component]
fn LockedLogins() -> impl IntoView {
    use leptos::server_fn::ServerFn;
    use leptos_router::hooks::use_query_map;
    let lang = use_page_context().lang;
    let unlocked = use_query_map().read_untracked().get("unlocked").is_some();
    let locked = Resource::new(|| (), |_| list_locked_logins());
    view! {
        <section aria-labelledby="locked-title">
            <h2 id="locked-title">{lang.pick("Spærrede logins", "Locked logins")}</h2>
            {unlocked.then(|| view! {
                <p class="notice" role="status">{lang.pick(
                    "Brugernavnet er låst op: de forkerte forsøg er slettet.",
                    "The username is unlocked: its failed attempts are cleared.",
                )}</p>
            })}
            <p>{lang.pick(
                "Efter 5 forkerte forsøg fra samme adresse venter brugernavnet 1 minut der, og ventetiden fordobles op til 15 minutter. Oplåsningen logges.",
                "After 5 failed attempts from one address the username waits 1 minute there, doubling up to 15 minutes. Unlocking is logged.",
            )}</p>
            <Suspense fallback=move || view! { <p>{lang.pick("Henter …", "Loading …")}</p> }>
                {move || Suspend::new(async move {
                    match locked.await {
                        Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                        Ok(rows) if rows.is_empty() => view! {
                            <p id="no-locked-logins">{lang.pick("Ingen brugernavne er spærret lige nu.", "No usernames are locked right now.")}</p>
                        }.into_any(),
                        Ok(rows) => view! {
                            <table class="data" id="locked-logins">
                                <caption class="visually-hidden">{lang.pick("Spærrede brugernavne", "Locked usernames")}</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">{lang.pick("Brugernavn", "Username")}</th>
                                        <th scope="col">{lang.pick("Forkerte forsøg", "Failed attempts")}</th>
                                        <th scope="col">{lang.pick("Spærret", "Locked")}</th>
                                        <th scope="col">{lang.pick("Venter", "Waits")}</th>
                                        <th scope="col"><span class="visually-hidden">{lang.pick("Handling", "Action")}</span></th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {rows.into_iter().map(|l| {
                                        let scope = if l.anywhere_new {
                                            lang.pick("fra nye adresser", "from new addresses").to_owned()
                                        } else {
                                            match lang {
                                                crate::i18n::Lang::Da => format!("fra {} adresse(r)", l.addresses),
                                                crate::i18n::Lang::En => format!("from {} address(es)", l.addresses),
                                            }
                                        };
                                        let wait = match lang {
                                            crate::i18n::Lang::Da => format!("{} min.", l.retry_after_minutes),
                                            crate::i18n::Lang::En => format!("{} min", l.retry_after_minutes),
                                        };
                                        view! {
                                            <tr>
                                                <td>{l.username.clone()}</td>
                                                <td>{l.failures}</td>
                                                <td>{scope}</td>
                                                <td>{wait}</td>
                                                <td>
                                                    <form method="post" action=UnlockLogin::url()>
                                                        <CsrfField/>
                                                        <input type="hidden" name="username" value=l.username.clone()/>
                                                        <button type="submit">{lang.pick("Lås op", "Unlock")}</button>
                                                    </form>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
