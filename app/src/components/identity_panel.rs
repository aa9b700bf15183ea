//! A citizen's MitID at a glance: user-ID, assurance level, status, authenticators with
//! serial numbers, and blocks. Shown on the case page, the block flow and at the counter.

use leptos::prelude::*;

use crate::domain::identity_views::{AuthenticatorStatus, BlockView, IdentityStatus, IdentityView};
use crate::domain::{AssuranceLevel, AuthenticatorKind};
use crate::i18n::Lang;
use crate::page_context::use_page_context;

#[component]
pub fn IdentityPanel(identity: Option<IdentityView>, heading_id: &'static str) -> impl IntoView {
    let lang = use_page_context().lang;
    view! {
        <section class="panel identity-panel" aria-labelledby=heading_id>
            <h2 id=heading_id>{lang.pick("Borgerens MitID", "The citizen's MitID")}</h2>
            {match identity {
                None => view! { <p>{lang.pick("Intet MitID i registret.", "No MitID in the registry.")}</p> }.into_any(),
                Some(i) => view! {
                    <dl class="case-facts">
                        <dt>{lang.pick("Bruger-ID", "User-ID")}</dt><dd><code>{i.user_id.clone()}</code></dd>
                        <dt>{lang.pick("Sikringsniveau", "Assurance level")}</dt><dd>{assurance_label(i.assurance, lang)}</dd>
                        <dt>{lang.pick("Status", "Status")}</dt><dd>{identity_status_label(i.status, lang)}</dd>
                    </dl>
                    <h3>{lang.pick("Loginmidler", "Authenticators")}</h3>
                    <ul>
                        {i.authenticators.iter().map(|a| view! {
                            <li>{authenticator_name(a.kind, a.serial.as_deref(), a.label.as_deref(), lang)} " – " {authenticator_status_label(a.status, lang)}</li>
                        }).collect_view()}
                    </ul>
                    {(!i.blocks.is_empty()).then(|| view! {
                        <h3>{lang.pick("Spærringer", "Blocks")}</h3>
                        <ul class="block-history">
                            {i.blocks.iter().map(|b| view! { <li>{describe_block(b, lang)}</li> }).collect_view()}
                        </ul>
                    })}
                }.into_any(),
            }}
        </section>
    }
}

pub fn assurance_label(level: AssuranceLevel, lang: Lang) -> &'static str {
    match level {
        AssuranceLevel::Low => lang.pick("lavt", "low"),
        AssuranceLevel::Substantial => lang.pick("betydeligt", "substantial"),
        AssuranceLevel::High => lang.pick("højt", "high"),
    }
}

pub fn identity_status_label(status: IdentityStatus, lang: Lang) -> &'static str {
    match status {
        IdentityStatus::Active => lang.pick("aktiv", "active"),
        IdentityStatus::Revoked => lang.pick("tilbagekaldt", "revoked"),
        IdentityStatus::Blocked => lang.pick("spærret", "blocked"),
    }
}

pub fn authenticator_status_label(status: AuthenticatorStatus, lang: Lang) -> &'static str {
    match status {
        AuthenticatorStatus::Active => lang.pick("aktiv", "active"),
        AuthenticatorStatus::PendingActivation => {
            lang.pick("afventer aktivering", "awaiting activation")
        }
        AuthenticatorStatus::Blocked => lang.pick("spærret", "blocked"),
    }
}

pub fn authenticator_name(
    kind: AuthenticatorKind,
    serial: Option<&str>,
    label: Option<&str>,
    lang: Lang,
) -> String {
    match (serial, label) {
        (Some(s), _) => format!("{} {s}", kind.label(lang)),
        (None, Some(l)) => format!("{} ({l})", kind.label(lang)),
        (None, None) => kind.label(lang).to_owned(),
    }
}

pub fn describe_block(b: &BlockView, lang: Lang) -> String {
    let what = match &b.authenticator {
        Some((kind, serial)) => authenticator_name(*kind, serial.as_deref(), None, lang),
        None => lang.pick("Hele MitID", "The whole MitID").to_owned(),
    };
    let mut text = format!(
        "{} · {what} · {} · {} · {} {} · {}",
        b.blocked_at
            .chars()
            .take(16)
            .collect::<String>()
            .replace('T', " "),
        b.reason.label(lang),
        if b.permanent {
            lang.pick("permanent", "permanent")
        } else {
            lang.pick("midlertidig", "temporary")
        },
        lang.pick("af", "by"),
        b.blocked_by,
        // Recorded in Danish, like the case's timeline entry of the block.
        b.verification.describe(Lang::Da),
    );
    if let Some(at) = &b.lifted_at {
        text.push_str(&format!(
            " · {} {}",
            lang.pick("ophævet", "lifted"),
            at.chars().take(16).collect::<String>().replace('T', " ")
        ));
    }
    if let Some(state) = &b.registry_state {
        text.push_str(&format!(
            " · {}: {state}",
            lang.pick("registret", "registry")
        ));
    }
    text
}
