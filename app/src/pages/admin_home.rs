use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::require_role::RequireRole;
use crate::domain::Role;
use crate::functions::admin::list_staff;
use crate::page_context::use_page_context;

/// The administrator's start page: the staff accounts.
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
                        <a href="/admin/vidensbase">{lang.pick("Vidensbase", "Knowledge base")}</a>
                        {lang.pick(
                            ": rediger vejledninger, og se søgninger uden resultat og borgernes tilbagemeldinger.",
                            ": edit guides, and see searches without results and citizens' feedback.",
                        )}
                    </li>
                </ul>
                <StaffTable/>
            </div>
        </RequireRole>
    }
}

#[component]
fn StaffTable() -> impl IntoView {
    let lang = use_page_context().lang;
    let staff = Resource::new(|| (), |_| list_staff());
    view! {
        <section aria-labelledby="staff-title">
            <h2 id="staff-title">{lang.pick("Medarbejdere", "Staff")}</h2>
            <Suspense fallback=move || view! { <p>{lang.pick("Henter …", "Loading …")}</p> }>
                {move || Suspend::new(async move {
                    match staff.await {
                        Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                        Ok(rows) => view! {
                            <table class="data">
                                <caption class="visually-hidden">{lang.pick("Medarbejderkonti", "Staff accounts")}</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">{lang.pick("Brugernavn", "Username")}</th>
                                        <th scope="col">{lang.pick("Navn", "Name")}</th>
                                        <th scope="col">{lang.pick("Rolle", "Role")}</th>
                                        <th scope="col">{lang.pick("Status", "Status")}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {rows.into_iter().map(|s| view! {
                                        <tr>
                                            <td>{s.username}</td>
                                            <td>{s.display_name}</td>
                                            <td>{s.role.label(lang)}</td>
                                            <td>{if s.active { lang.pick("Aktiv", "Active") } else { lang.pick("Spærret", "Disabled") }}</td>
                                        </tr>
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
