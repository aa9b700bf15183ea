//! What a block or lift says: the case's timeline entry (Danish, like the rest of the case
//! record) and the citizen's confirmation (in the citizen's language).

use time::macros::format_description;

use crate::domain::danish_time;
use crate::domain::{BlockRequest, Verification};
use crate::i18n::Lang;
use crate::mail::{Template, templates::render};
use crate::state::AppState;
use crate::store::blocks::AuthenticatorFacts;
use crate::store::cases::CaseRecord;
use crate::store::mail::CaseEmail;

/// What was blocked, as the timeline and the audit entry name it: "Kodeviser CD12345678" or
/// "hele MitID".
pub(super) fn blocked_what(device: Option<&AuthenticatorFacts>) -> String {
    match device {
        Some(a) => format!(
            "{} {}",
            a.kind.label(Lang::Da),
            a.serial.as_deref().unwrap_or_default()
        )
        .trim()
        .to_owned(),
        None => "hele MitID".to_owned(),
    }
}

/// The timeline entry of a block.
pub(super) fn block_record(what: &str, request: &BlockRequest) -> String {
    let lang = Lang::Da;
    let mut body = format!(
        "Spærret: {what} ({}, {}). Verificeret: {}.",
        request.reason.label(lang),
        if request.permanent() {
            "permanent"
        } else {
            "midlertidig"
        },
        request.verification.describe(lang),
    );
    if let Some(report) = &request.police_report {
        body.push_str(&format!(" Politianmeldelse: {report}."));
    }
    if let Some(advice) = &request.advice {
        body.push_str(&format!(" Råd givet: {advice}"));
    }
    body
}

/// The timeline entry of a lift.
pub(super) fn lift_record(verification: &Verification) -> String {
    format!(
        "Midlertidig spærring af hele MitID ophævet. Verificeret: {}.",
        verification.describe(Lang::Da)
    )
}

/// The language the citizen on the case is written to in.
fn citizen_lang(case: &CaseRecord) -> Lang {
    case.citizen
        .as_ref()
        .and_then(|c| Lang::parse(&c.lang))
        .unwrap_or_default()
}

/// Now, as the confirmation states it (Danish local time).
fn when() -> String {
    danish_time::now_local()
        .format(format_description!("[day]-[month]-[year] [hour]:[minute]"))
        .unwrap_or_default()
}

/// The confirmation of a block to the citizen, when they have an e-mail address.
pub(super) fn block_confirmation<'a>(
    state: &'a AppState,
    case: &'a CaseRecord,
    device: Option<&AuthenticatorFacts>,
    permanent: bool,
) -> Option<CaseEmail<'a>> {
    let lang = citizen_lang(case);
    let what = match device {
        Some(a) => format!(
            "{} {}",
            a.kind.label(lang).to_lowercase(),
            a.serial.as_deref().unwrap_or_default()
        )
        .trim()
        .to_owned(),
        None => lang.pick("hele dit MitID", "your whole MitID").to_owned(),
    };
    let template = Template::BlockConfirmed {
        reference: &case.row.reference,
        what: &what,
        when: &when(),
        permanent,
    };
    confirmation(state, case, &template, lang)
}

/// The confirmation of a lift to the citizen, when they have an e-mail address.
pub(super) fn lift_confirmation<'a>(
    state: &'a AppState,
    case: &'a CaseRecord,
) -> Option<CaseEmail<'a>> {
    let lang = citizen_lang(case);
    let template = Template::TemporaryBlockLifted {
        reference: &case.row.reference,
        what: lang.pick("dit MitID", "your MitID"),
        when: &when(),
    };
    confirmation(state, case, &template, lang)
}

fn confirmation<'a>(
    state: &'a AppState,
    case: &'a CaseRecord,
    template: &Template<'_>,
    lang: Lang,
) -> Option<CaseEmail<'a>> {
    let citizen = case.citizen.as_ref()?;
    Some(CaseEmail {
        to: citizen.email.as_deref()?,
        to_name: &citizen.name,
        rendered: render(template, lang, &state.settings.contacts),
        domain: state.mail.domain(),
        kind: "notification",
    })
}
