//! The Borgerservice counter's guided visit. Every step is its own server function: it checks
//! the role and that the visit is open at that step, reads the form, and leaves the rules and
//! the saving to the step's service in `crate::domain::counter`; the page then reloads on the next
//! step.
// A server function takes one argument per form field; the steps have many. The generated
// client stubs cannot carry an item-level allow.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::domain::counter::view::{Receipt, TodayRow, UserIdCheck, VisitView};
use crate::errors::AppError;

#[cfg(feature = "ssr")]
mod support {
    use crate::counter::flow;
    use crate::domain::Role;
    use crate::domain::SessionUser;
    use crate::domain::counter::Step;
    use crate::errors::AppError;
    use crate::functions::guard::{Staff, staff};
    use crate::functions::{reject, reject_invalid};
    use crate::i18n::Lang;
    use crate::state::AppState;
    use crate::store::visits::Visit;

    /// The counter staff member, and the visit, open and ready for `step`.
    pub async fn open_visit(
        id: i64,
        step: Step,
    ) -> Result<(AppState, Visit, SessionUser), AppError> {
        let Staff { me, state } = staff(&[Role::Borgerservice])?;
        let visit = flow::open(&state, id, step).await.map_err(reject_invalid)?;
        Ok((state, visit, me))
    }

    /// A refusal of the form whose message the domain writes in both languages.
    pub fn refused(field: &str, message: impl Fn(Lang) -> String) -> AppError {
        reject(flow::refused(field, message))
    }

    /// Back to the visit's page, which opens on the next step.
    pub fn back_to(id: i64) {
        leptos_axum::redirect(&format!("/borgerservice/besoeg/{id}"));
    }

    /// A ticked checkbox.
    pub fn checked(v: &Option<String>) -> bool {
        v.as_deref().is_some_and(|v| !v.is_empty())
    }
}

#[server(prefix = "/api", endpoint = "counter/today", input = GetUrl)]
pub async fn today_visits() -> Result<Vec<TodayRow>, AppError> {
    use crate::counter::overview;
    use crate::domain::Role;
    use crate::functions::guard::{Staff, staff};

    let Staff { state, .. } = staff(&[Role::Borgerservice])?;
    overview::today_visits(&state).await
}

#[server(prefix = "/api", endpoint = "counter/start")]
pub async fn start_visit(
    csrf_token: String,
    purpose: String,
    cpr: String,
    name: String,
) -> Result<(), AppError> {
    use crate::counter::start;
    use crate::domain::counter::Purpose;
    use crate::domain::{Cpr, Role};
    use crate::functions::guard::{Staff, staff};
    use crate::functions::{invalid, reject_invalid};
    use support::refused;

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Borgerservice])?;
    let purpose = Purpose::parse(&purpose).ok_or_else(|| {
        invalid(
            "purpose",
            "Vælg formålet med besøget.",
            "Choose the purpose of the visit.",
        )
    })?;
    let cpr = Cpr::parse(&cpr).map_err(|e| refused("cpr", |l| e.message(l).to_owned()))?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(invalid(
            "name",
            "Skriv borgerens navn (højst 200 tegn).",
            "Enter the citizen's name (at most 200 characters).",
        ));
    }
    let id = start::start(&state, purpose, &cpr, name, &me.username)
        .await
        .map_err(reject_invalid)?;
    // First the overview: the citizen's MitID, blocks and open cases.
    leptos_axum::redirect(&format!("/borgerservice/besoeg/{id}?trin=start"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "counter/visit", input = GetUrl)]
pub async fn get_visit(id: i64) -> Result<Option<VisitView>, AppError> {
    use crate::counter::overview;
    use crate::domain::Role;
    use crate::functions::guard::{Staff, staff};

    let Staff { state, .. } = staff(&[Role::Borgerservice])?;
    overview::visit(&state, id).await
}

/// Step 2: an ID document, a witness or control questions. A failed check clears an earlier
/// pass, so the flow cannot go on, and says why.
#[server(prefix = "/api", endpoint = "counter/identity-check")]
pub async fn save_identity_check(
    csrf_token: String,
    visit_id: i64,
    method: String,
    document_kind: Option<String>,
    document_number: Option<String>,
    document_expiry: Option<String>,
    photo_matches: Option<String>,
    witness_cpr: Option<String>,
    witness_name: Option<String>,
    questions_asked: Option<String>,
    questions_correct: Option<String>,
) -> Result<(), AppError> {
    use crate::counter::identity_step::{self, CheckMethod};
    use crate::domain::counter::Step;
    use crate::domain::{Cpr, DocumentCheck, DocumentKind};
    use crate::functions::{invalid, reject_invalid};
    use support::*;

    let _ = csrf_token;
    let (state, visit, _me) = open_visit(visit_id, Step::IdentityCheck).await?;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let number = |v: &Option<String>| text(v).trim().parse::<u8>().ok();
    let method = match method.as_str() {
        "document" => {
            let kind = DocumentKind::from_key(&text(&document_kind)).ok_or_else(|| {
                invalid(
                    "document_kind",
                    "Vælg dokumenttypen.",
                    "Choose the document type.",
                )
            })?;
            let expires = time::Date::parse(
                text(&document_expiry).trim(),
                time::macros::format_description!("[year]-[month]-[day]"),
            )
            .map_err(|_| {
                invalid(
                    "document_expiry",
                    "Skriv udløbsdatoen som ÅÅÅÅ-MM-DD.",
                    "Enter the expiry date as YYYY-MM-DD.",
                )
            })?;
            CheckMethod::Document(DocumentCheck {
                kind,
                number: text(&document_number),
                expires,
                photo_matches: checked(&photo_matches),
            })
        }
        "witness" => {
            let cpr = Cpr::parse(&text(&witness_cpr))
                .map_err(|e| refused("witness_cpr", |l| e.message(l).to_owned()))?;
            let name = text(&witness_name);
            if name.trim().is_empty() {
                return Err(invalid(
                    "witness_name",
                    "Skriv vidnets navn.",
                    "Enter the witness's name.",
                ));
            }
            CheckMethod::Witness { cpr, name }
        }
        "questions" => CheckMethod::ControlQuestions {
            asked: number(&questions_asked).unwrap_or_default(),
            correct: number(&questions_correct).unwrap_or_default(),
        },
        _ => {
            return Err(invalid(
                "method",
                "Vælg hvordan identiteten kontrolleres.",
                "Choose how the identity is checked.",
            ));
        }
    };
    identity_step::record(&state, &visit, method)
        .await
        .map_err(reject_invalid)?;
    back_to(visit.id);
    Ok(())
}

/// Step 3: the citizen's needs and the devices chosen for them.
#[server(prefix = "/api", endpoint = "counter/authenticators")]
pub async fn save_authenticators(
    csrf_token: String,
    visit_id: i64,
    no_smartphone: Option<String>,
    visually_impaired: Option<String>,
    many_logins: Option<String>,
    app: Option<String>,
    code_display: Option<String>,
    code_display_serial: Option<String>,
    audio_code_reader: Option<String>,
    audio_code_reader_serial: Option<String>,
    chip: Option<String>,
    chip_serial: Option<String>,
) -> Result<(), AppError> {
    use crate::counter::choices;
    use crate::domain::AuthenticatorKind;
    use crate::domain::counter::{DeviceChoice, Needs, Step};
    use crate::functions::reject_invalid;
    use support::*;

    let _ = csrf_token;
    let (state, visit, _me) = open_visit(visit_id, Step::Authenticators).await?;
    let needs = Needs {
        no_smartphone: checked(&no_smartphone),
        visually_impaired: checked(&visually_impaired),
        many_logins: checked(&many_logins),
    };
    let serial = |v: &Option<String>| v.clone().unwrap_or_default();
    let serials = [
        (AuthenticatorKind::App, &app, String::new()),
        (
            AuthenticatorKind::CodeDisplay,
            &code_display,
            serial(&code_display_serial),
        ),
        (
            AuthenticatorKind::AudioCodeReader,
            &audio_code_reader,
            serial(&audio_code_reader_serial),
        ),
        (AuthenticatorKind::Chip, &chip, serial(&chip_serial)),
    ];
    let chosen: Vec<DeviceChoice<'_>> = serials
        .iter()
        .filter(|(_, ticked, _)| checked(ticked))
        .map(|(kind, _, serial)| DeviceChoice {
            kind: *kind,
            serial,
        })
        .collect();
    choices::devices(&state, &visit, needs, &chosen)
        .await
        .map_err(reject_invalid)?;
    back_to(visit.id);
    Ok(())
}

/// The live user-ID check: every format rule, and whether it is free.
#[server(prefix = "/api", endpoint = "counter/check-user-id", input = GetUrl)]
pub async fn check_user_id(visit_id: i64, user_id: String) -> Result<UserIdCheck, AppError> {
    use crate::counter::choices;
    use crate::domain::Role;
    use crate::functions::guard::{Staff, staff};

    let Staff { state, .. } = staff(&[Role::Borgerservice])?;
    choices::check_user_id(&state, visit_id, &user_id).await
}

/// Step 4: the user-ID, and the password when a physical device needs one.
#[server(prefix = "/api", endpoint = "counter/user-id")]
pub async fn save_user_id(
    csrf_token: String,
    visit_id: i64,
    user_id: String,
    password: Option<String>,
    password_repeat: Option<String>,
) -> Result<(), AppError> {
    use crate::counter::choices;
    use crate::domain::counter::Step;
    use crate::functions::reject_invalid;
    use support::*;

    let _ = csrf_token;
    let (state, visit, _me) = open_visit(visit_id, Step::UserId).await?;
    // The MitID rules read the user-ID and the password: the service refuses them.
    choices::user_id(&state, &visit, &user_id, password, password_repeat)
        .await
        .map_err(reject_invalid)?;
    back_to(visit.id);
    Ok(())
}

/// Step 5a: issues the paper activation code for one of the visit's devices.
#[server(prefix = "/api", endpoint = "counter/issue-code")]
pub async fn issue_code(csrf_token: String, visit_id: i64, device: String) -> Result<(), AppError> {
    use crate::counter::handover;
    use crate::domain::AuthenticatorKind;
    use crate::domain::counter::Step;
    use crate::functions::{invalid, reject_invalid};
    use support::*;

    let _ = csrf_token;
    let (state, visit, _me) = open_visit(visit_id, Step::Activation).await?;
    let kind = AuthenticatorKind::parse(&device)
        .filter(|k| visit.draft.devices.iter().any(|d| d.kind == *k))
        .ok_or_else(|| {
            invalid(
                "device",
                "Vælg det loginmiddel, koden skal aktivere.",
                "Choose the authenticator the code activates.",
            )
        })?;
    handover::issue_code(&state, &visit, kind)
        .await
        .map_err(reject_invalid)?;
    back_to(visit.id);
    Ok(())
}

/// Step 5b: the hand-over checklist; every item must be ticked.
#[server(prefix = "/api", endpoint = "counter/hand-over")]
pub async fn confirm_handover(
    csrf_token: String,
    visit_id: i64,
    receipt_printed: Option<String>,
    code_explained: Option<String>,
    devices_checked: Option<String>,
    help_explained: Option<String>,
) -> Result<(), AppError> {
    use crate::counter::handover;
    use crate::domain::counter::Step;
    use crate::functions::{invalid, reject_invalid};
    use support::*;

    let _ = csrf_token;
    let (state, visit, _me) = open_visit(visit_id, Step::Activation).await?;
    let all = [
        &receipt_printed,
        &code_explained,
        &devices_checked,
        &help_explained,
    ]
    .into_iter()
    .all(checked);
    if !all {
        return Err(invalid(
            "checklist",
            "Sæt flueben ved alle punkter på tjeklisten, før du går videre.",
            "Tick every item on the checklist before you go on.",
        ));
    }
    handover::hand_over(&state, &visit)
        .await
        .map_err(reject_invalid)?;
    back_to(visit.id);
    Ok(())
}

/// The Digital Post exemption step: the ground is optional.
#[server(prefix = "/api", endpoint = "counter/exemption")]
pub async fn save_exemption(
    csrf_token: String,
    visit_id: i64,
    ground: Option<String>,
) -> Result<(), AppError> {
    use crate::counter::choices;
    use crate::domain::ExemptionGround;
    use crate::domain::counter::Step;
    use crate::functions::{invalid, reject_invalid};
    use support::*;

    let _ = csrf_token;
    let (state, visit, _me) = open_visit(visit_id, Step::Exemption).await?;
    let ground = match ground.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(g) => Some(
            ExemptionGround::parse(g)
                .map_err(|_| invalid("ground", "Ukendt begrundelse.", "Unknown ground."))?,
        ),
    };
    choices::exemption(&state, &visit, ground)
        .await
        .map_err(reject_invalid)?;
    back_to(visit.id);
    Ok(())
}

/// Step 6: the registry, the case record and the audit entry, in one transaction.
#[server(prefix = "/api", endpoint = "counter/finish")]
pub async fn finish_visit(csrf_token: String, visit_id: i64) -> Result<(), AppError> {
    use crate::counter::closing;
    use crate::domain::counter::Step;
    use crate::functions::reject_invalid;
    use support::*;

    let _ = csrf_token;
    let (state, visit, me) = open_visit(visit_id, Step::Finish).await?;
    closing::finish(&state, &visit, &me.username)
        .await
        .map_err(reject_invalid)?;
    back_to(visit.id);
    Ok(())
}

/// Pauses the visit; it waits on the "today" list.
#[server(prefix = "/api", endpoint = "counter/pause")]
pub async fn pause_visit(csrf_token: String, visit_id: i64) -> Result<(), AppError> {
    use crate::counter::closing;
    use crate::domain::Role;
    use crate::functions::guard::{Staff, staff};
    use crate::functions::reject_invalid;

    let _ = csrf_token;
    let Staff { state, .. } = staff(&[Role::Borgerservice])?;
    closing::pause(&state, visit_id)
        .await
        .map_err(reject_invalid)?;
    leptos_axum::redirect("/borgerservice?pause=1");
    Ok(())
}

/// Ends the visit early. "abort": a follow-up case appears in the supporters' queue.
/// "refuse": the citizen cannot handle MitID personally; the reason is recorded and digital
/// power of attorney is the way forward.
#[server(prefix = "/api", endpoint = "counter/end")]
pub async fn end_visit(
    csrf_token: String,
    visit_id: i64,
    outcome: String,
    reason: String,
) -> Result<(), AppError> {
    use crate::counter::closing;
    use crate::domain::Role;
    use crate::domain::counter::VisitState;
    use crate::functions::guard::{Staff, staff};
    use crate::functions::{invalid, reject_invalid};

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Borgerservice])?;
    let outcome = match outcome.as_str() {
        "abort" => VisitState::Aborted,
        "refuse" => VisitState::Refused,
        _ => {
            return Err(invalid(
                "outcome",
                "Vælg afbryd eller afvis.",
                "Choose abort or refuse.",
            ));
        }
    };
    // The reason goes into a case: no CPR number in it, and the length counts without one.
    let reason = crate::domain::cpr::redact(reason.trim());
    if reason.chars().count() < 5 || reason.chars().count() > 1000 {
        return Err(invalid(
            "reason",
            "Skriv en begrundelse (5–1000 tegn).",
            "Write a reason (5–1000 characters).",
        ));
    }
    closing::end(&state, visit_id, outcome, &reason, &me.username)
        .await
        .map_err(reject_invalid)?;
    support::back_to(visit_id);
    Ok(())
}

/// The print-friendly receipt, while the code has not been handed over and the visit is open.
#[server(prefix = "/api", endpoint = "counter/receipt", input = GetUrl)]
pub async fn get_receipt(visit_id: i64) -> Result<Option<Receipt>, AppError> {
    use crate::counter::handover;
    use crate::domain::Role;
    use crate::functions::guard::{Staff, staff};

    let Staff { me, state } = staff(&[Role::Borgerservice])?;
    handover::receipt(&state, visit_id, &me.username).await
}
