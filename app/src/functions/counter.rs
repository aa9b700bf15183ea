//! The Borgerservice counter's guided visit. Every step is its own server function: it checks
//! the role, that the visit is open and that the steps before it are done, applies the
//! domain rules and saves the draft, so the flow survives a reload or a restart.
// A server function takes one argument per form field; the steps have many. The generated
// client stubs cannot carry an item-level allow.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

use crate::domain::RuleCheck;
use crate::domain::counter::view::{Receipt, TodayRow, VisitView};
use crate::domain::mitid_user_id::UserIdRule;
use crate::errors::AppError;

/// The live check of a user-ID as the citizen types it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserIdCheck {
    pub rules: Vec<RuleCheck<UserIdRule>>,
    /// None until the format rules pass.
    pub available: Option<bool>,
}

#[cfg(feature = "ssr")]
mod support {
    use crate::domain::Role;
    use crate::domain::counter::{Step, VisitDraft};
    use crate::errors::AppError;
    use crate::functions::guard::require_role;
    use crate::functions::invalid;
    use crate::i18n::Lang;
    use crate::state::AppState;
    use crate::store::visits::{self, Visit};

    /// A refusal whose message the domain writes in both languages.
    pub fn refused(field: &str, message: impl Fn(Lang) -> String) -> AppError {
        invalid(field, &message(Lang::Da), &message(Lang::En))
    }

    pub fn not_open() -> AppError {
        invalid(
            "visit",
            "Besøget er afsluttet og kan ikke ændres.",
            "The visit has ended and cannot be changed.",
        )
    }

    /// The visit, open and ready for `step`, with the caller's state and name.
    pub async fn open_visit(
        id: i64,
        step: Step,
    ) -> Result<(AppState, Visit, crate::domain::SessionUser), AppError> {
        let me = require_role(&[Role::Borgerservice])?;
        let state = AppState::from_context()?;
        let visit = visits::load(&state.db, id)
            .await?
            .ok_or_else(|| invalid("visit", "Besøget findes ikke.", "The visit does not exist."))?;
        if !visit.state.is_open() {
            return Err(not_open());
        }
        if !visit.draft.can_enter(visit.purpose, step) {
            return Err(invalid(
                "step",
                "Gør de forrige trin færdige først.",
                "Finish the earlier steps first.",
            ));
        }
        Ok((state, visit, me))
    }

    pub async fn save(state: &AppState, visit: &Visit, draft: &VisitDraft) -> Result<(), AppError> {
        if !visits::save(&state.db, visit.id, draft).await? {
            return Err(not_open());
        }
        back_to(visit.id);
        Ok(())
    }

    pub fn back_to(id: i64) {
        leptos_axum::redirect(&format!("/borgerservice/besoeg/{id}"));
    }

    pub fn checked(v: &Option<String>) -> bool {
        v.as_deref().is_some_and(|v| !v.is_empty())
    }

    pub fn today() -> time::Date {
        crate::domain::danish_time::now_local().date()
    }
}

#[server(prefix = "/api", endpoint = "counter/today", input = GetUrl)]
pub async fn today_visits() -> Result<Vec<TodayRow>, AppError> {
    use crate::domain::{Role, danish_time};
    use crate::functions::guard::require_role;
    use crate::state::AppState;
    use crate::store::visits;

    require_role(&[Role::Borgerservice])?;
    let state = AppState::from_context()?;
    let since = danish_time::start_of_today(time::OffsetDateTime::now_utc())
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    Ok(visits::today(&state.db, &since).await?)
}

#[server(prefix = "/api", endpoint = "counter/start")]
pub async fn start_visit(
    csrf_token: String,
    purpose: String,
    cpr: String,
    name: String,
) -> Result<(), AppError> {
    use crate::domain::counter::Purpose;
    use crate::domain::counter::purpose::ExistingIdentity;
    use crate::domain::identity_views::{AuthenticatorStatus, IdentityStatus};
    use crate::domain::{Cpr, Role};
    use crate::functions::guard::require_role;
    use crate::functions::invalid;
    use crate::state::AppState;
    use crate::store::citizens::NewCitizen;
    use crate::store::{identities, visits};
    use support::*;

    let _ = csrf_token;
    let me = require_role(&[Role::Borgerservice])?;
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
    let state = AppState::from_context()?;
    let hash = state.cpr_vault.lookup_hash(&cpr);
    let existing = visits::citizen_by_cpr_hash(&state.db, &hash).await?;
    let identity = match existing {
        Some(id) => identities::for_citizen(&state.db, id).await?,
        None => None,
    };
    let summary = identity.as_ref().map(|i| ExistingIdentity {
        active: i.status == IdentityStatus::Active,
        has_block: i.status == IdentityStatus::Blocked
            || i.blocks.iter().any(|b| b.lifted_at.is_none())
            || i.authenticators
                .iter()
                .any(|a| a.status == AuthenticatorStatus::Blocked),
    });
    purpose
        .check_start(cpr.age_on(today()), summary)
        .map_err(|e| refused("purpose", |l| e.message(l)))?;
    let sealed = state.cpr_vault.seal(&cpr).map_err(|_| AppError::Internal)?;
    let id = visits::start(
        &state.db,
        purpose,
        &NewCitizen {
            name,
            email: None,
            phone: None,
            cpr: Some(&sealed),
            lang: "da",
        },
        &me.username,
    )
    .await?;
    // First the overview: the citizen's MitID, blocks and open cases.
    leptos_axum::redirect(&format!("/borgerservice/besoeg/{id}?trin=start"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "counter/visit", input = GetUrl)]
pub async fn get_visit(id: i64) -> Result<Option<VisitView>, AppError> {
    use crate::domain::Role;
    use crate::functions::guard::require_role;
    use crate::state::AppState;
    use crate::store::{identities, visits};

    require_role(&[Role::Borgerservice])?;
    let state = AppState::from_context()?;
    let Some(visit) = visits::load(&state.db, id).await? else {
        return Ok(None);
    };
    let identity = identities::for_citizen(&state.db, visit.citizen_id).await?;
    let (open_cases, exempt_until) =
        visits::citizen_overview(&state.db, visit.citizen_id, support::today()).await?;
    let age = visit
        .cpr_sealed
        .as_deref()
        .and_then(|s| state.cpr_vault.open(s).ok())
        .map(|cpr| cpr.age_on(support::today()))
        .unwrap_or_default();
    let mut draft = visit.draft.clone();
    let password_set = draft.password_hash.take().is_some();
    Ok(Some(VisitView {
        id: visit.id,
        purpose: visit.purpose,
        state: visit.state,
        step: visit.draft.current_step(visit.purpose),
        draft,
        password_set,
        citizen_name: visit.citizen_name,
        cpr_masked: visit.cpr_masked,
        age,
        identity,
        open_cases,
        exempt_until,
        staff_name: visit.staff_name,
        started_at: visit.started_at,
        outcome_reason: visit.outcome_reason,
        case_reference: visit.case_reference,
        registry_state: visit.registry_state,
        code_issued: visit.code_issued,
    }))
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
    use crate::domain::counter::{CheckRefusal, IdentityCheck, Purpose, Step};
    use crate::domain::{AssuranceLevel, Cpr, DocumentCheck, DocumentKind, WitnessRecord};
    use crate::functions::invalid;
    use crate::store::visits::{self, Witnessing};
    use support::*;

    let _ = csrf_token;
    let (state, visit, _me) = open_visit(visit_id, Step::IdentityCheck).await?;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let today = today();
    let number = |v: &Option<String>| text(v).trim().parse::<u8>().ok();
    let mut witnessing = Witnessing::None;
    let check = match method.as_str() {
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
            IdentityCheck::by_document(
                &DocumentCheck {
                    kind,
                    number: text(&document_number),
                    expires,
                    photo_matches: checked(&photo_matches),
                },
                today,
            )
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
            let hash = state.cpr_vault.lookup_hash(&cpr);
            match visits::witness_facts(&state.db, &hash, visit.id).await? {
                Some(facts) if facts.citizen_id == visit.citizen_id => {
                    Err(CheckRefusal::WitnessIsCitizen)
                }
                Some(visits::WitnessFacts {
                    citizen_id,
                    mitid_since: Some(since),
                    witnessed,
                }) => {
                    let record = WitnessRecord {
                        birth_date: cpr.birth_date(),
                        mitid_since: since,
                        previous_witnessings: witnessed,
                    };
                    let check = IdentityCheck::by_witness(citizen_id, &name, &record, today);
                    if check.is_ok() {
                        witnessing = Witnessing::By {
                            witness_citizen_id: citizen_id,
                            on: today,
                        };
                    }
                    check
                }
                _ => Err(CheckRefusal::WitnessHasNoMitId),
            }
        }
        "questions" => IdentityCheck::by_control_questions(
            number(&questions_asked).unwrap_or_default(),
            number(&questions_correct).unwrap_or_default(),
        ),
        _ => {
            return Err(invalid(
                "method",
                "Vælg hvordan identiteten kontrolleres.",
                "Choose how the identity is checked.",
            ));
        }
    };
    // Raising the level needs a check that reaches above the current one.
    let check = match (visit.purpose, check) {
        (Purpose::RaiseAssurance, Ok(c)) => {
            let current = crate::store::identities::for_citizen(&state.db, visit.citizen_id)
                .await?
                .map(|i| i.assurance);
            let needed = match current {
                Some(AssuranceLevel::Low) => AssuranceLevel::Substantial,
                _ => AssuranceLevel::High,
            };
            c.reaching(needed)
        }
        (_, check) => check,
    };
    let mut draft = visit.draft.clone();
    draft.identity_check = check.as_ref().ok().cloned();
    if !visits::save_identity_check(&state.db, visit.id, &draft, witnessing).await? {
        return Err(not_open());
    }
    match check {
        Ok(_) => {
            back_to(visit.id);
            Ok(())
        }
        Err(refusal) => Err(refused("identity_check", |l| refusal.message(l))),
    }
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
    use crate::domain::AuthenticatorKind;
    use crate::domain::counter::devices::choose;
    use crate::domain::counter::{DeviceChoice, DeviceRefusal, Needs, Step};
    use crate::store::visits;
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
    let active = visits::active_kinds(&state.db, visit.citizen_id).await?;
    let devices =
        choose(needs, &chosen, &active).map_err(|e| refused("authenticators", |l| e.message(l)))?;
    for serial in devices.iter().filter_map(|d| d.serial.as_ref()) {
        if visits::serial_taken(&state.db, serial.as_str()).await? {
            let e = DeviceRefusal::SerialTaken(serial.as_str().to_owned());
            return Err(refused("authenticators", |l| e.message(l)));
        }
    }
    let mut draft = visit.draft.clone();
    draft.set_devices(needs, devices);
    save(&state, &visit, &draft).await
}

/// The live user-ID check: every format rule, and whether it is free.
#[server(prefix = "/api", endpoint = "counter/check-user-id", input = GetUrl)]
pub async fn check_user_id(visit_id: i64, user_id: String) -> Result<UserIdCheck, AppError> {
    use crate::domain::Role;
    use crate::domain::mitid_user_id::check_all;
    use crate::functions::guard::require_role;
    use crate::state::AppState;
    use crate::store::visits;

    require_role(&[Role::Borgerservice])?;
    let state = AppState::from_context()?;
    let rules = check_all(&user_id);
    let available = if rules.iter().all(|r| r.passed) {
        let citizen = visits::load(&state.db, visit_id)
            .await?
            .map(|v| v.citizen_id)
            .unwrap_or_default();
        Some(!visits::user_id_taken(&state.db, &user_id, citizen).await?)
    } else {
        None
    };
    Ok(UserIdCheck { rules, available })
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
    use crate::domain::counter::Step;
    use crate::domain::{MitIdPassword, MitIdUserId};
    use crate::functions::invalid;
    use crate::store::visits;
    use support::*;

    let _ = csrf_token;
    let (state, visit, _me) = open_visit(visit_id, Step::UserId).await?;
    let user_id = MitIdUserId::parse(&user_id).map_err(|e| {
        let rule = crate::domain::mitid_user_id::UserIdRule::ALL
            .into_iter()
            .find(|r| r.error() == e);
        refused("user_id", |l| {
            format!(
                "{} {}",
                l.pick(
                    "Bruger-ID'et opfylder ikke reglen:",
                    "The user-ID breaks the rule:"
                ),
                rule.map(|r| r.label(l)).unwrap_or_default()
            )
        })
    })?;
    if visits::user_id_taken(&state.db, user_id.as_str(), visit.citizen_id).await? {
        return Err(invalid(
            "user_id",
            "Bruger-ID'et er optaget (store og små bogstaver regnes ens). Vælg et andet.",
            "The user-ID is taken (upper and lower case count as the same). Choose another.",
        ));
    }
    let mut draft = visit.draft.clone();
    draft.user_id = Some(user_id.as_str().to_owned());
    draft.password_hash = None;
    if draft.needs_password(visit.purpose) {
        let password = password.unwrap_or_default();
        if password != password_repeat.unwrap_or_default() {
            return Err(invalid(
                "password",
                "De to adgangskoder er ikke ens.",
                "The two passwords differ.",
            ));
        }
        let password = MitIdPassword::parse(&password, user_id.as_str()).map_err(|e| {
            let rule = crate::domain::mitid_password::PasswordRule::ALL
                .into_iter()
                .find(|r| r.error() == e);
            refused("password", |l| {
                format!(
                    "{} {}",
                    l.pick(
                        "Adgangskoden opfylder ikke reglen:",
                        "The password breaks the rule:"
                    ),
                    rule.map(|r| r.label(l)).unwrap_or_default()
                )
            })
        })?;
        draft.password_hash = Some(
            crate::auth::password::hash(password.expose().to_owned())
                .await
                .map_err(|_| AppError::Internal)?,
        );
    }
    save(&state, &visit, &draft).await
}

/// Step 5a: issues the paper activation code for one of the visit's devices.
#[server(prefix = "/api", endpoint = "counter/issue-code")]
pub async fn issue_code(csrf_token: String, visit_id: i64, device: String) -> Result<(), AppError> {
    use crate::domain::AuthenticatorKind;
    use crate::domain::counter::{Activation, Step};
    use crate::functions::invalid;
    use crate::store::visits;
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
    let code = generate_code();
    let sealed = state
        .cpr_vault
        .seal_secret(code.as_bytes())
        .map_err(|_| AppError::Internal)?;
    let mut draft = visit.draft.clone();
    draft.activation = Some(Activation {
        kind,
        issued_at: time::OffsetDateTime::now_utc(),
        handed_over: false,
    });
    if !visits::save_code(&state.db, visit.id, &draft, &sealed).await? {
        return Err(not_open());
    }
    back_to(visit.id);
    Ok(())
}

/// Twelve characters from A–Z and 2–9 without the look-alikes (I, O, 0, 1), read from the
/// operating system's generator.
#[cfg(feature = "ssr")]
fn generate_code() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..crate::domain::activation_code::CODE_CHARS)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
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
    use crate::domain::counter::Step;
    use crate::functions::invalid;
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
    let mut draft = visit.draft.clone();
    match draft.activation.as_mut() {
        Some(a) if a.code().is_valid(time::OffsetDateTime::now_utc()) => a.handed_over = true,
        _ => {
            return Err(invalid(
                "device",
                "Udsted en aktiveringskode først (en udløbet kode skal udstedes igen).",
                "Issue an activation code first (an expired code must be issued again).",
            ));
        }
    }
    save(&state, &visit, &draft).await
}

/// The Digital Post exemption step: the ground is optional.
#[server(prefix = "/api", endpoint = "counter/exemption")]
pub async fn save_exemption(
    csrf_token: String,
    visit_id: i64,
    ground: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::ExemptionGround;
    use crate::domain::counter::{ExemptionChoice, Step};
    use support::*;

    let _ = csrf_token;
    let (state, visit, _me) = open_visit(visit_id, Step::Exemption).await?;
    let ground = match ground.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(g) => Some(ExemptionGround::parse(g).map_err(|e| {
            let _ = e;
            crate::functions::invalid("ground", "Ukendt begrundelse.", "Unknown ground.")
        })?),
    };
    let mut draft = visit.draft.clone();
    draft.exemption = Some(ExemptionChoice {
        ground,
        registered_on: today(),
    });
    save(&state, &visit, &draft).await
}

/// Step 6: the registry, the case record and the audit entry, in one transaction.
#[server(prefix = "/api", endpoint = "counter/finish")]
pub async fn finish_visit(csrf_token: String, visit_id: i64) -> Result<(), AppError> {
    use sha2::{Digest, Sha256};

    use crate::counter::FinishError;
    use crate::domain::System;
    use crate::domain::counter::{Purpose, Step};
    use crate::domain::registry_command::{ActivationRef, Issue, NewAuthenticatorRef};
    use crate::functions::invalid;
    use crate::i18n::Lang;
    use crate::store::{identities, visits};
    use support::*;

    let _ = csrf_token;
    let (state, visit, me) = open_visit(visit_id, Step::Finish).await?;
    let draft = &visit.draft;
    let identity = identities::for_citizen(&state.db, visit.citizen_id).await?;
    let check = draft.identity_check.as_ref().ok_or(AppError::Internal)?;
    let issue = if visit.purpose == Purpose::DigitalPostExemption {
        None
    } else {
        let activation = match (
            &draft.activation,
            visits::sealed_code(&state.db, visit.id).await?,
        ) {
            (Some(a), Some(sealed)) => {
                if !a.code().is_valid(time::OffsetDateTime::now_utc()) {
                    return Err(invalid(
                        "device",
                        "Aktiveringskoden er udløbet. Udsted en ny.",
                        "The activation code has expired. Issue a new one.",
                    ));
                }
                let code = state
                    .cpr_vault
                    .open_secret(&sealed)
                    .map_err(|_| AppError::Internal)?;
                Some(ActivationRef {
                    kind: a.kind.as_str().to_owned(),
                    code_sha256: format!("{:x}", Sha256::digest(&code)),
                    expires_at: a
                        .code()
                        .expires_at()
                        .format(&time::format_description::well_known::Rfc3339)
                        .unwrap_or_default(),
                })
            }
            _ => None,
        };
        let current_user_id = identity.as_ref().map(|i| i.user_id.clone());
        let user_id = draft
            .user_id
            .clone()
            .or_else(|| current_user_id.clone())
            .ok_or(AppError::Internal)?;
        let level = check.level();
        let assurance = match (&identity, visit.purpose) {
            (Some(i), p) if p != Purpose::RaiseAssurance => i.assurance,
            _ => level,
        };
        Some(Issue {
            citizen_id: visit.citizen_id,
            visit_id: visit.id,
            purpose: visit.purpose.as_str().to_owned(),
            previous_user_id: current_user_id.filter(|u| *u != user_id),
            user_id,
            assurance,
            authenticators: draft
                .devices
                .iter()
                .map(|d| NewAuthenticatorRef {
                    kind: d.kind.as_str().to_owned(),
                    serial: d.serial.as_ref().map(|s| s.as_str().to_owned()),
                })
                .collect(),
            activation,
            password_argon2: draft.password_hash.clone(),
            reactivate: visit.purpose == Purpose::ReissueAfterBlock,
            case_reference: String::new(),
        })
    };
    let body = summary(&visit, Lang::Da);
    let subject = format!(
        "{}: {}",
        Lang::Da.pick("Borgerservice", "Citizen service"),
        visit.purpose.label(Lang::Da)
    );
    let system = match visit.purpose {
        Purpose::DigitalPostExemption => System::DigitalPost,
        _ => System::MitId,
    };
    let outcome = crate::counter::finish(
        &state.db,
        state.registry.as_ref(),
        &visit,
        &visits::Closing {
            subject: &subject,
            body: &body,
            system,
            username: &me.username,
        },
        issue,
    )
    .await;
    match outcome {
        Ok(_) => {
            state.wake_outbox();
            back_to(visit.id);
            Ok(())
        }
        Err(FinishError::Store(e)) => Err(e.into()),
        Err(FinishError::Refused(visits::Refusal::NotOpen)) => Err(not_open()),
        Err(FinishError::Refused(visits::Refusal::UserIdTaken)) => Err(invalid(
            "user_id",
            "Bruger-ID'et er blevet taget i mellemtiden. Vælg et andet.",
            "The user-ID has been taken meanwhile. Choose another.",
        )),
        Err(FinishError::Refused(visits::Refusal::SerialTaken(s))) => {
            let e = crate::domain::counter::DeviceRefusal::SerialTaken(s);
            Err(refused("authenticators", |l| e.message(l)))
        }
    }
}

/// What the case records of a visit: never the CPR number, the user-ID or the code.
#[cfg(feature = "ssr")]
fn summary(visit: &crate::store::visits::Visit, lang: crate::i18n::Lang) -> String {
    let d = &visit.draft;
    let mut lines = vec![format!(
        "{} {} ({}).",
        lang.pick(
            "Besøg i Borgerservice:",
            "Visit at the citizen service counter:"
        ),
        visit.purpose.label(lang),
        visit.citizen_name
    )];
    if let Some(c) = &d.identity_check {
        lines.push(format!(
            "{} {}.",
            lang.pick("Identitet kontrolleret:", "Identity checked:"),
            c.describe(lang)
        ));
    }
    if !d.devices.is_empty() {
        let devices: Vec<String> = d.devices.iter().map(|x| x.describe(lang)).collect();
        lines.push(format!(
            "{} {}.",
            lang.pick("Loginmidler:", "Authenticators:"),
            devices.join(", ")
        ));
    }
    if let Some(a) = &d.activation {
        lines.push(format!(
            "{} {}.",
            lang.pick(
                "Papiraktiveringskode (48 timer) til:",
                "Paper activation code (48 hours) for:"
            ),
            a.kind.label(lang)
        ));
    }
    if d.user_id.is_some() {
        lines.push(
            lang.pick(
                "Bruger-ID valgt af borgeren.",
                "User-ID chosen by the citizen.",
            )
            .to_owned(),
        );
    }
    if let Some(e) = &d.exemption {
        lines.push(format!(
            "{} {}{}.",
            lang.pick(
                "Fritaget for Digital Post til",
                "Exempt from Digital Post until"
            ),
            e.ends_on(),
            e.ground
                .map(|g| format!(" ({})", g.label(lang)))
                .unwrap_or_default()
        ));
    }
    crate::domain::cpr::redact(&lines.join("\n"))
}

/// Pauses the visit; it waits on the "today" list.
#[server(prefix = "/api", endpoint = "counter/pause")]
pub async fn pause_visit(csrf_token: String, visit_id: i64) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::functions::guard::require_role;
    use crate::state::AppState;
    use crate::store::visits;

    let _ = csrf_token;
    require_role(&[Role::Borgerservice])?;
    let state = AppState::from_context()?;
    if !visits::pause(&state.db, visit_id).await? {
        return Err(support::not_open());
    }
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
    use crate::cases::live::LiveCase;
    use crate::domain::counter::VisitState;
    use crate::domain::{Role, System};
    use crate::functions::guard::require_role;
    use crate::functions::invalid;
    use crate::i18n::Lang;
    use crate::state::AppState;
    use crate::store::visits;

    let _ = csrf_token;
    let me = require_role(&[Role::Borgerservice])?;
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
    let reason = crate::domain::cpr::redact(reason.trim());
    if reason.chars().count() < 5 || reason.chars().count() > 1000 {
        return Err(invalid(
            "reason",
            "Skriv en begrundelse (5–1000 tegn).",
            "Write a reason (5–1000 characters).",
        ));
    }
    let state = AppState::from_context()?;
    let visit = visits::load(&state.db, visit_id)
        .await?
        .ok_or_else(|| invalid("visit", "Besøget findes ikke.", "The visit does not exist."))?;
    let lang = Lang::Da;
    let (subject, body) = match outcome {
        VisitState::Refused => (
            format!(
                "Borgerservice: MitID afvist – {}",
                visit.purpose.label(lang)
            ),
            format!(
                "{}\nBegrundelse: {reason}\nBorgeren kan ikke selv håndtere MitID. Alternativet er digital fuldmagt (borger.dk), hvor en anden kan handle på borgerens vegne.",
                summary(&visit, lang)
            ),
        ),
        _ => (
            format!(
                "Opfølgning: afbrudt besøg i Borgerservice – {}",
                visit.purpose.label(lang)
            ),
            format!(
                "{}\nAfbrudt ved trinnet \"{}\". Begrundelse: {reason}",
                summary(&visit, lang),
                visit.draft.current_step(visit.purpose).label(lang)
            ),
        ),
    };
    let system = if visit.purpose == crate::domain::counter::Purpose::DigitalPostExemption {
        System::DigitalPost
    } else {
        System::MitId
    };
    let reference = visits::end(
        &state.db,
        &visit,
        &visits::Closing {
            subject: &subject,
            body: &body,
            system,
            username: &me.username,
        },
        outcome,
        &reason,
    )
    .await?
    .map_err(|_| support::not_open())?;
    if outcome == VisitState::Aborted {
        state.announce(LiveCase {
            reference,
            subject,
            priority: visit.purpose.category().default_priority(),
            system,
        });
    }
    support::back_to(visit.id);
    Ok(())
}

/// The print-friendly receipt, while the code has not been handed over and the visit is open.
#[server(prefix = "/api", endpoint = "counter/receipt", input = GetUrl)]
pub async fn get_receipt(visit_id: i64) -> Result<Option<Receipt>, AppError> {
    use crate::audit::{self};
    use crate::domain::audit::AuditEntry;
    use crate::domain::{PaperCode, Role, danish_time};
    use crate::functions::guard::require_role;
    use crate::state::AppState;
    use crate::store::visits;

    let me = require_role(&[Role::Borgerservice])?;
    let state = AppState::from_context()?;
    let Some(visit) = visits::load(&state.db, visit_id).await? else {
        return Ok(None);
    };
    // The plain code is readable only until the citizen has it in hand.
    let activation = match visit.draft.activation.clone() {
        Some(a) if visit.state.is_open() && !a.handed_over => a,
        _ => return Ok(None),
    };
    let Some(sealed) = visits::sealed_code(&state.db, visit.id).await? else {
        return Ok(None);
    };
    audit::record(
        &state.db,
        &AuditEntry::new(
            &me.username,
            "counter.receipt.view",
            &format!("visit:{}", visit.id),
        ),
    )
    .await?;
    let code = state
        .cpr_vault
        .open_secret(&sealed)
        .ok()
        .and_then(|c| String::from_utf8(c).ok())
        .and_then(|c| PaperCode::parse(&c).ok())
        .ok_or(AppError::Internal)?;
    let device = visit
        .draft
        .devices
        .iter()
        .find(|d| d.kind == activation.kind)
        .map(|d| d.describe(crate::i18n::Lang::Da))
        .unwrap_or_default();
    let until = danish_time::local(activation.code().expires_at());
    Ok(Some(Receipt {
        visit_id: visit.id,
        purpose: visit.purpose,
        citizen_name: visit.citizen_name,
        cpr_masked: visit.cpr_masked,
        device,
        code: code.formatted(),
        valid_until: format!(
            "{:02}-{:02}-{} {:02}:{:02}",
            until.day(),
            u8::from(until.month()),
            until.year(),
            until.hour(),
            until.minute()
        ),
        issued_by: visit.staff_name,
    }))
}
