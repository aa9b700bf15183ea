use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::csrf_field::CsrfField;
use crate::domain::LocalPath;
use crate::functions::auth::Login;
use crate::page_context::use_page_context;

/// Staff login. A plain form post: it works without JavaScript, and a failed attempt comes
/// back here with the error, which the action reads from the URL.
#[component]
pub fn LoginPage() -> impl IntoView {
    let ctx = use_page_context();
    let lang = ctx.lang;
    let action = ServerAction::<Login>::new();
    let error = move || action.value().get().and_then(Result::err);
    let next = use_query_map()
        .get_untracked()
        .get("next")
        .and_then(|n| LocalPath::parse(&n))
        .map(LocalPath::into_string)
        .unwrap_or_default();

    if let Some(user) = ctx.user {
        return view! {
            <Title text=lang.pick("Log ind", "Log in")/>
            <div class="page narrow">
                <h1>{lang.pick("Du er logget ind", "You are logged in")}</h1>
                <p>
                    <a href=user.role.landing_path()>
                        {lang.pick("Gå til din forside", "Go to your start page")}
                    </a>
                </p>
            </div>
        }
        .into_any();
    }

    view! {
        <Title text=lang.pick("Log ind", "Log in")/>
        <div class="page narrow">
            <h1>{lang.pick("Log ind for medarbejdere", "Staff login")}</h1>
            {move || {
                error()
                    .map(|e| {
                        view! {
                            <div class="error-summary" role="alert" tabindex="-1" id="login-error">
                                <h2>{lang.pick("Login mislykkedes", "Login failed")}</h2>
                                <p>{e.message(lang)}</p>
                            </div>
                        }
                    })
            }}
            <form method="post" action=Login::url() class="stack">
                <CsrfField/>
                <input type="hidden" name="next" value=next/>
                <div class="field">
                    <label for="username">{lang.pick("Brugernavn", "Username")}</label>
                    <input
                        id="username"
                        name="username"
                        type="text"
                        autocomplete="username"
                        autocapitalize="none"
                        spellcheck="false"
                        required
                    />
                </div>
                <div class="field">
                    <label for="password">{lang.pick("Adgangskode", "Password")}</label>
                    <input
                        id="password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                    />
                </div>
                <button type="submit" class="primary">{lang.pick("Log ind", "Log in")}</button>
            </form>
            <p class="hint">
                {lang.pick(
                    "Er du borger? Du skal ikke logge ind her. Find hjælp på forsiden.",
                    "Are you a citizen? You do not need to log in here. Find help on the front page.",
                )}
                " "
                <a href="/">{lang.pick("Til forsiden", "To the front page")}</a>
            </p>
        </div>
    }
    .into_any()
}
