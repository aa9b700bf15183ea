//! The login's pages after the password: a new password (after an administrator's reset),
//! setting up two-factor login (QR code, the secret as text, ten recovery codes), and the
//! code. Server-rendered forms that work without JavaScript; a refusal comes back to the page
//! with its message.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use crate::components::csrf_field::CsrfField;
use crate::errors::AppError;
use crate::functions::auth::{
    LoginCode, LoginEnrol, LoginNewPassword, login_enrolment, login_progress,
};
use crate::i18n::Lang;
use crate::page_context::use_page_context;

/// A refusal the form post came back with, or the end of an expired login.
fn refusal(error: Option<AppError>, lang: Lang) -> impl IntoView {
    error.map(|e| {
        view! {
            <div class="error-summary" role="alert" tabindex="-1" id="login-error">
                <h2>{lang.pick("Det lykkedes ikke", "That did not work")}</h2>
                <p>{e.message(lang)}</p>
            </div>
        }
    })
}

/// The page of a step without a login in progress (expired after ten minutes, done in
/// another tab, or never begun).
fn expired(e: AppError, lang: Lang) -> AnyView {
    let text = match e {
        AppError::Unauthenticated => lang
            .pick(
                "Dit login er udløbet eller afbrudt. Log ind igen med brugernavn og adgangskode.",
                "Your login has expired or was interrupted. Log in again with your username and password.",
            )
            .to_owned(),
        other => other.message(lang),
    };
    view! {
        <div class="error-summary" role="alert" id="login-error">
            <h2>{lang.pick("Login afbrudt", "Login interrupted")}</h2>
            <p>{text}</p>
        </div>
        <p><a href="/login">{lang.pick("Log ind igen", "Log in again")}</a></p>
    }
    .into_any()
}

/// `/login/ny-adgangskode`: the person's own password, instead of a temporary one.
#[component]
pub fn NewPasswordPage() -> impl IntoView {
    let lang = use_page_context().lang;
    let error = ServerAction::<LoginNewPassword>::new()
        .value()
        .get_untracked()
        .and_then(Result::err);
    let step = Resource::new(|| (), |_| login_progress());
    view! {
        <Title text=lang.pick("Vælg ny adgangskode", "Choose a new password")/>
        <div class="page narrow">
            <h1>{lang.pick("Vælg din egen adgangskode", "Choose your own password")}</h1>
            <Suspense fallback=move || view! { <p>{lang.pick("Henter …", "Loading …")}</p> }>
                {move || {
                    let error = error.clone();
                    Suspend::new(async move {
                        match step.await {
                            Err(e) => expired(e, lang),
                            Ok(s) => view! {
                                <p>{match lang {
                                    Lang::Da => format!("Hej {}. Du er logget ind med en midlertidig adgangskode. Vælg din egen, før du fortsætter.", s.display_name),
                                    Lang::En => format!("Hello {}. You logged in with a temporary password. Choose your own before you continue.", s.display_name),
                                }}</p>
                                {refusal(error, lang)}
                                <form method="post" action=LoginNewPassword::url() class="stack">
                                    <CsrfField/>
                                    <div class="field">
                                        <label for="password">{lang.pick("Ny adgangskode", "New password")}</label>
                                        <p class="hint" id="password-hint">{lang.pick("Mindst 12 tegn, uden dit brugernavn. En sætning på flere ord er nem at huske.", "At least 12 characters, without your username. A sentence of several words is easy to remember.")}</p>
                                        <input id="password" name="password" type="password" autocomplete="new-password" minlength="12" maxlength="128" aria-describedby="password-hint" required/>
                                    </div>
                                    <div class="field">
                                        <label for="repeat">{lang.pick("Gentag adgangskoden", "Repeat the password")}</label>
                                        <input id="repeat" name="repeat" type="password" autocomplete="new-password" minlength="12" maxlength="128" required/>
                                    </div>
                                    <button type="submit" class="primary">{lang.pick("Gem og fortsæt", "Save and continue")}</button>
                                </form>
                            }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </div>
    }
}

/// `/login/tofaktor/opsaet`: setting up the authenticator app.
#[component]
pub fn EnrolPage() -> impl IntoView {
    let lang = use_page_context().lang;
    let error = ServerAction::<LoginEnrol>::new()
        .value()
        .get_untracked()
        .and_then(Result::err);
    let enrolment = Resource::new(|| (), |_| login_enrolment());
    view! {
        <Title text=lang.pick("Sæt to-faktor-login op", "Set up two-factor login")/>
        <div class="page narrow enrol">
            <h1>{lang.pick("Sæt to-faktor-login op", "Set up two-factor login")}</h1>
            <Suspense fallback=move || view! { <p>{lang.pick("Henter …", "Loading …")}</p> }>
                {move || {
                    let error = error.clone();
                    Suspend::new(async move {
                        match enrolment.await {
                            Err(e) => expired(e, lang),
                            Ok(e) => view! {
                                <p>{lang.pick(
                                    "Dit login kræver en kode fra en godkendelses-app (fx Microsoft Authenticator, Google Authenticator eller 1Password) ud over adgangskoden.",
                                    "Your login needs a code from an authenticator app (e.g. Microsoft Authenticator, Google Authenticator or 1Password) besides the password.",
                                )}</p>
                                {refusal(error, lang)}
                                <h2>{lang.pick("1. Scan QR-koden med appen", "1. Scan the QR code with the app")}</h2>
                                <div class="qr" role="img" aria-label=lang.pick("QR-kode til godkendelses-appen. Nøglen står også som tekst herunder.", "QR code for the authenticator app. The key is also written as text below.") inner_html=e.qr_svg></div>
                                <p>{lang.pick("Kan du ikke scanne? Skriv denne nøgle i appen:", "Cannot scan? Type this key into the app:")}</p>
                                <p><code id="totp-secret" class="secret">{e.secret_text}</code></p>
                                <p class="hint"><a href=e.otpauth_url>{lang.pick("Åbn i en app på denne enhed", "Open in an app on this device")}</a></p>
                                <h2>{lang.pick("2. Skriv gendannelseskoderne ned", "2. Write down the recovery codes")}</h2>
                                <p>{lang.pick(
                                    "Mister du telefonen, kan du logge ind med én af disse koder. Hver kode virker én gang. De vises kun nu: skriv dem ned, og opbevar dem et sikkert sted.",
                                    "If you lose your phone, you can log in with one of these codes. Each code works once. They are shown only now: write them down and keep them somewhere safe.",
                                )}</p>
                                <ol class="recovery-codes" id="recovery-codes">
                                    {e.recovery_codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                                </ol>
                                <h2>{lang.pick("3. Bekræft med en kode fra appen", "3. Confirm with a code from the app")}</h2>
                                <form method="post" action=LoginEnrol::url() class="stack">
                                    <CsrfField/>
                                    <div class="field">
                                        <label for="code">{lang.pick("Kode fra appen (6 cifre)", "Code from the app (6 digits)")}</label>
                                        <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="12" required/>
                                    </div>
                                    <button type="submit" class="primary">{lang.pick("Bekræft og log ind", "Confirm and log in")}</button>
                                </form>
                            }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </div>
    }
}

/// `/login/tofaktor`: the code from the app, or a recovery code.
#[component]
pub fn CodePage() -> impl IntoView {
    let lang = use_page_context().lang;
    let error = ServerAction::<LoginCode>::new()
        .value()
        .get_untracked()
        .and_then(Result::err);
    let step = Resource::new(|| (), |_| login_progress());
    view! {
        <Title text=lang.pick("Kode fra appen", "Code from the app")/>
        <div class="page narrow">
            <h1>{lang.pick("Kode fra din godkendelses-app", "Code from your authenticator app")}</h1>
            <Suspense fallback=move || view! { <p>{lang.pick("Henter …", "Loading …")}</p> }>
                {move || {
                    let error = error.clone();
                    Suspend::new(async move {
                        match step.await {
                            Err(e) => expired(e, lang),
                            Ok(_) => view! {
                                {refusal(error, lang)}
                                <form method="post" action=LoginCode::url() class="stack">
                                    <CsrfField/>
                                    <div class="field">
                                        <label for="code">{lang.pick("Kode (6 cifre)", "Code (6 digits)")}</label>
                                        <p class="hint" id="code-hint">{lang.pick(
                                            "Har du ikke telefonen? Skriv en af dine gendannelseskoder i stedet.",
                                            "Do you not have your phone? Type one of your recovery codes instead.",
                                        )}</p>
                                        <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="24" aria-describedby="code-hint" required/>
                                    </div>
                                    <button type="submit" class="primary">{lang.pick("Log ind", "Log in")}</button>
                                </form>
                                <p class="hint">{lang.pick(
                                    "Har du hverken telefon eller gendannelseskoder? Bed en administrator om at fjerne dit to-faktor-login.",
                                    "No phone and no recovery codes? Ask an administrator to remove your two-factor login.",
                                )}</p>
                            }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </div>
    }
}
