//! `/admin/personale`: the staff accounts, adding a person; `/admin/personale/:username`: one
//! person's account, with its changes (disable, enable, role, name, temporary password,
//! removing the authenticator). Plain form posts: a refusal comes back here with its message.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::csrf_field::CsrfField;
use crate::components::require_role::RequireRole;
use crate::domain::Role;
use crate::errors::AppError;
use crate::functions::admin::{AddStaff, ChangeStaff, StaffSummary, list_staff, staff_member};
use crate::i18n::Lang;
use crate::page_context::use_page_context;
use crate::pages::not_found::NotFound;

fn breadcrumb(lang: Lang, current: String) -> impl IntoView {
    view! {
        <nav class="breadcrumb" aria-label=lang.pick("Brødkrumme", "Breadcrumb")>
            <a href="/admin">{lang.pick("Administration", "Administration")}</a>
            " › "
            <a href="/admin/personale">{lang.pick("Medarbejdere", "Staff")}</a>
            " › "
            <span aria-current="page">{current}</span>
        </nav>
    }
}

fn status_text(s: &StaffSummary, lang: Lang) -> &'static str {
    if s.active {
        lang.pick("Aktiv", "Active")
    } else {
        lang.pick("Spærret", "Disabled")
    }
}

fn two_factor_text(s: &StaffSummary, lang: Lang) -> &'static str {
    if s.two_factor {
        lang.pick("Sat op", "Set up")
    } else {
        lang.pick("Ikke sat op", "Not set up")
    }
}

/// A refusal a plain form post came back with.
fn refusal(error: Option<AppError>, lang: Lang, heading: &'static str) -> impl IntoView {
    error.map(|e| {
        view! {
            <div class="error-summary" role="alert" tabindex="-1" id="staff-error">
                <h2>{heading}</h2>
                <p>{e.message(lang)}</p>
            </div>
        }
    })
}

fn role_options(lang: Lang, selected: Option<Role>) -> impl IntoView {
    Role::ALL
        .into_iter()
        .map(|r| {
            view! {
                <option value=r.as_str() selected=selected == Some(r)>{r.label(lang)}</option>
            }
        })
        .collect_view()
}

/// The list of staff accounts and the form that adds one.
#[component]
pub fn AdminStaffList() -> impl IntoView {
    let lang = use_page_context().lang;
    let action = ServerAction::<AddStaff>::new();
    let error = action.value().get_untracked().and_then(Result::err);
    let staff = Resource::new(|| (), |_| list_staff());
    view! {
        <Title text=lang.pick("Medarbejdere", "Staff")/>
        <RequireRole role=Role::Admin>
            <div class="page staff-admin">
                <nav class="breadcrumb" aria-label=lang.pick("Brødkrumme", "Breadcrumb")>
                    <a href="/admin">{lang.pick("Administration", "Administration")}</a>
                    " › "
                    <span aria-current="page">{lang.pick("Medarbejdere", "Staff")}</span>
                </nav>
                <h1>{lang.pick("Medarbejdere", "Staff")}</h1>
                {refusal(error.clone(), lang, lang.pick("Medarbejderen blev ikke oprettet", "The staff member was not added"))}
                <Suspense fallback=move || view! { <p>{lang.pick("Henter …", "Loading …")}</p> }>
                    {move || Suspend::new(async move {
                        match staff.await {
                            Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                            Ok(rows) => view! { <StaffTable rows/> }.into_any(),
                        }
                    })}
                </Suspense>
                <section aria-labelledby="add-title" class="staff-add">
                    <h2 id="add-title">{lang.pick("Opret medarbejder", "Add a staff member")}</h2>
                    <p class="hint">{lang.pick(
                        "Giv personen den midlertidige adgangskode mundtligt eller på papir. Ved første login vælger de deres egen, og administratorer og teamledere sætter to-faktor-login op.",
                        "Give the person the temporary password by word of mouth or on paper. At their first login they choose their own, and administrators and team leads set up two-factor login.",
                    )}</p>
                    <form method="post" action=AddStaff::url() class="stack">
                        <CsrfField/>
                        <div class="field">
                            <label for="new-name">{lang.pick("Navn", "Name")}</label>
                            <input id="new-name" name="display_name" type="text" maxlength="80" autocomplete="off" required/>
                        </div>
                        <div class="field">
                            <label for="new-username">{lang.pick("Brugernavn", "Username")}</label>
                            <p class="hint" id="new-username-hint">{lang.pick("3–32 tegn: a-z, 0-9, punktum, bindestreg, understreg.", "3–32 characters: a-z, 0-9, full stop, hyphen, underscore.")}</p>
                            <input id="new-username" name="username" type="text" maxlength="32" autocomplete="off" autocapitalize="none" spellcheck="false" aria-describedby="new-username-hint" required/>
                        </div>
                        <div class="field">
                            <label for="new-role">{lang.pick("Rolle", "Role")}</label>
                            <select id="new-role" name="role">{role_options(lang, Some(Role::Supporter))}</select>
                        </div>
                        <div class="field">
                            <label for="new-password">{lang.pick("Midlertidig adgangskode", "Temporary password")}</label>
                            <p class="hint" id="new-password-hint">{lang.pick("Mindst 12 tegn, uden brugernavnet.", "At least 12 characters, without the username.")}</p>
                            <input id="new-password" name="temporary_password" type="text" minlength="12" maxlength="128" autocomplete="off" spellcheck="false" aria-describedby="new-password-hint" required/>
                        </div>
                        <button type="submit" class="primary">{lang.pick("Opret", "Add")}</button>
                    </form>
                </section>
            </div>
        </RequireRole>
    }
}

#[component]
fn StaffTable(rows: Vec<StaffSummary>) -> impl IntoView {
    let lang = use_page_context().lang;
    view! {
        <table class="data" id="staff-table">
            <caption class="visually-hidden">{lang.pick("Medarbejderkonti", "Staff accounts")}</caption>
            <thead>
                <tr>
                    <th scope="col">{lang.pick("Navn", "Name")}</th>
                    <th scope="col">{lang.pick("Brugernavn", "Username")}</th>
                    <th scope="col">{lang.pick("Rolle", "Role")}</th>
                    <th scope="col">{lang.pick("Status", "Status")}</th>
                    <th scope="col">{lang.pick("To-faktor", "Two-factor")}</th>
                    <th scope="col">{lang.pick("Seneste login", "Last login")}</th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|s| {
                    let href = format!("/admin/personale/{}", s.username);
                    view! {
                        <tr>
                            <td><a href=href>{s.display_name.clone()}</a></td>
                            <td>{s.username.clone()}</td>
                            <td>{s.role.label(lang)}</td>
                            <td>{status_text(&s, lang)}</td>
                            <td>{two_factor_text(&s, lang)}</td>
                            <td>{s.last_login.clone().unwrap_or_else(|| lang.pick("Aldrig", "Never").to_owned())}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// One person's account and the changes an administrator makes to it.
#[component]
pub fn AdminStaffMember() -> impl IntoView {
    let lang = use_page_context().lang;
    let params = use_params_map();
    let username = params.read_untracked().get("username").unwrap_or_default();
    let member = Resource::new(move || username.clone(), staff_member);
    view! {
        <Title text=lang.pick("Medarbejder", "Staff member")/>
        <RequireRole role=Role::Admin>
            <Suspense fallback=move || view! { <p class="page">{lang.pick("Henter …", "Loading …")}</p> }>
                {move || Suspend::new(async move {
                    match member.await {
                        Err(e) => view! { <div class="page"><p class="error" role="alert">{e.message(lang)}</p></div> }.into_any(),
                        Ok(None) => view! { <NotFound/> }.into_any(),
                        Ok(Some(s)) => view! { <MemberView s/> }.into_any(),
                    }
                })}
            </Suspense>
        </RequireRole>
    }
}

/// The notice after a saved change, by the `gemt` the redirect carries.
fn saved_notice(saved: &str, lang: Lang) -> Option<&'static str> {
    Some(match saved {
        "staff.disable" => lang.pick(
            "Kontoen er spærret, og alle personens sessioner er afsluttet.",
            "The account is disabled, and all of the person's sessions have ended.",
        ),
        "staff.enable" => lang.pick("Kontoen er genaktiveret.", "The account is enabled again."),
        "staff.role" => lang.pick("Rollen er ændret.", "The role is changed."),
        "staff.rename" => lang.pick("Navnet er ændret.", "The name is changed."),
        "staff.password.reset" => lang.pick(
            "Adgangskoden er nulstillet. Personens sessioner er afsluttet, og de skal vælge en ny adgangskode ved næste login.",
            "The password is reset. The person's sessions have ended, and they must choose a new password at their next login.",
        ),
        "staff.2fa.reset" => lang.pick(
            "To-faktor-login er fjernet. Personen sætter en ny app op ved næste login.",
            "Two-factor login is removed. The person sets up a new app at their next login.",
        ),
        _ => return None,
    })
}

#[component]
fn MemberView(s: StaffSummary) -> impl IntoView {
    let lang = use_page_context().lang;
    let query = use_query_map().get_untracked();
    let created = query.get("oprettet").is_some();
    let saved = query.get("gemt").and_then(|g| saved_notice(&g, lang));
    let action = ServerAction::<ChangeStaff>::new();
    let error = action.value().get_untracked().and_then(Result::err);
    let username = s.username.clone();
    let hidden = move || {
        view! {
            <CsrfField/>
            <input type="hidden" name="username" value=username.clone()/>
        }
    };
    let (h1, h2, h3, h4, h5) = (
        hidden.clone(),
        hidden.clone(),
        hidden.clone(),
        hidden.clone(),
        hidden.clone(),
    );
    let title = format!("{} ({})", s.display_name, s.username);
    view! {
        <Title text=format!("{}: {title}", lang.pick("Medarbejder", "Staff member"))/>
        <div class="page staff-admin">
            {breadcrumb(lang, s.display_name.clone())}
            <h1>{title}</h1>
            {created.then(|| view! {
                <div class="notice success" role="status"><p>{lang.pick(
                    "Medarbejderen er oprettet. Giv dem brugernavnet og den midlertidige adgangskode.",
                    "The staff member is added. Give them the username and the temporary password.",
                )}</p></div>
            })}
            {saved.map(|text| view! { <div class="notice success" role="status"><p>{text}</p></div> })}
            {refusal(error, lang, lang.pick("Ændringen blev ikke gemt", "The change was not saved"))}
            <dl class="facts" id="staff-facts">
                <dt>{lang.pick("Rolle", "Role")}</dt><dd>{s.role.label(lang)}</dd>
                <dt>{lang.pick("Status", "Status")}</dt><dd>{status_text(&s, lang)}</dd>
                <dt>{lang.pick("To-faktor-login", "Two-factor login")}</dt>
                <dd>
                    {two_factor_text(&s, lang)}
                    {s.recovery_codes_left.filter(|_| s.two_factor).map(|n| match lang {
                        Lang::Da => format!(" ({n} ubrugte gendannelseskoder)"),
                        Lang::En => format!(" ({n} unused recovery codes)"),
                    })}
                </dd>
                <dt>{lang.pick("Seneste login", "Last login")}</dt>
                <dd>{s.last_login.clone().unwrap_or_else(|| lang.pick("Aldrig", "Never").to_owned())}</dd>
                {s.must_change_password.then(|| view! {
                    <dt>{lang.pick("Adgangskode", "Password")}</dt>
                    <dd>{lang.pick("Midlertidig – skal skiftes ved næste login", "Temporary – to be changed at the next login")}</dd>
                })}
            </dl>

            <section aria-labelledby="role-title">
                <h2 id="role-title">{lang.pick("Rolle og navn", "Role and name")}</h2>
                <form method="post" action=ChangeStaff::url() class="inline-form">
                    {h1()}
                    <input type="hidden" name="action" value="role"/>
                    <label for="role">{lang.pick("Rolle", "Role")}</label>
                    <select id="role" name="role">{role_options(lang, Some(s.role))}</select>
                    <button type="submit">{lang.pick("Skift rolle", "Change role")}</button>
                </form>
                <form method="post" action=ChangeStaff::url() class="inline-form">
                    {h2()}
                    <input type="hidden" name="action" value="rename"/>
                    <label for="display-name">{lang.pick("Navn", "Name")}</label>
                    <input id="display-name" name="display_name" type="text" maxlength="80" value=s.display_name.clone() required/>
                    <button type="submit">{lang.pick("Gem navn", "Save name")}</button>
                </form>
            </section>

            <section aria-labelledby="access-title">
                <h2 id="access-title">{lang.pick("Adgang", "Access")}</h2>
                <form method="post" action=ChangeStaff::url()>
                    {h3()}
                    {if s.active {
                        view! {
                            <input type="hidden" name="action" value="disable"/>
                            <p class="hint">{lang.pick("En spærret person kan ikke logge ind, og deres åbne sessioner afsluttes med det samme.", "A disabled person cannot log in, and their open sessions end at once.")}</p>
                            <button type="submit" class="danger">{lang.pick("Spær konto", "Disable account")}</button>
                        }.into_any()
                    } else {
                        view! {
                            <input type="hidden" name="action" value="enable"/>
                            <button type="submit">{lang.pick("Genaktivér konto", "Enable account")}</button>
                        }.into_any()
                    }}
                </form>
                <form method="post" action=ChangeStaff::url() class="stack">
                    {h4()}
                    <input type="hidden" name="action" value="reset-password"/>
                    <div class="field">
                        <label for="temporary-password">{lang.pick("Ny midlertidig adgangskode", "New temporary password")}</label>
                        <p class="hint" id="temporary-password-hint">{lang.pick(
                            "Mindst 12 tegn. Personens sessioner afsluttes, og de vælger selv en ny adgangskode ved næste login.",
                            "At least 12 characters. The person's sessions end, and they choose a new password themselves at their next login.",
                        )}</p>
                        <input id="temporary-password" name="temporary_password" type="text" minlength="12" maxlength="128" autocomplete="off" spellcheck="false" aria-describedby="temporary-password-hint" required/>
                    </div>
                    <button type="submit">{lang.pick("Nulstil adgangskode", "Reset password")}</button>
                </form>
                {s.two_factor.then(|| view! {
                    <form method="post" action=ChangeStaff::url()>
                        {h5()}
                        <input type="hidden" name="action" value="reset-2fa"/>
                        <p class="hint">{lang.pick(
                            "Har personen mistet telefonen og deres gendannelseskoder? Fjern to-faktor-login, så de sætter en ny app op ved næste login.",
                            "Has the person lost their phone and their recovery codes? Remove two-factor login, so they set up a new app at their next login.",
                        )}</p>
                        <button type="submit">{lang.pick("Fjern to-faktor-login", "Remove two-factor login")}</button>
                    </form>
                })}
            </section>
        </div>
    }
}
