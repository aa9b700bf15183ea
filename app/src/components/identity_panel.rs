//! A citizen's MitID at a glance: user-ID, assurance level, status, authenticators with
//! serial numbers, and blocks. Shown on the case page, the block flow and at the counter.

use leptos::prelude::*;

use crate::domain::AuthenticatorKind;
use crate::domain::identity_views::{BlockView, IdentityView};
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
                        <dt>{lang.pick("Sikringsniveau", "Assurance level")}</dt><dd>{assurance_label(&i.assurance, lang)}</dd>
                        <dt>{lang.pick("Status", "Status")}</dt><dd>{status_label(&i.status, lang)}</dd>
                    </dl>
                    <h3>{lang.pick("Loginmidler", "Authenticators")}</h3>
                    <ul>
                        {i.authenticators.iter().map(|a| view! {
                            <li>{authenticator_name(a.kind, a.serial.as_deref(), a.label.as_deref(), lang)} " – " {status_label(&a.status, lang)}</li>
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

pub fn assurance_label(level: &str, lang: Lang) -> &'static str {
    match level {
        "low" => lang.pick("lavt", "low"),
        "substantial" => lang.pick("betydeligt", "substantial"),
        "high" => lang.pick("højt", "high"),
        _ => lang.pick("ukendt", "unknown"),
    }
}

pub fn status_label(status: &str, lang: Lang) -> &'static str {
    match status {
        "active" => lang.pick("aktiv", "active"),
        "revoked" => lang.pick("tilbagekaldt", "revoked"),
        "pending_activation" => lang.pick("afventer aktivering", "awaiting activation"),
        "blocked" => lang.pick("spærret", "blocked"),
        _ => lang.pick("ukendt", "unknown"),
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
        b.verification,
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
