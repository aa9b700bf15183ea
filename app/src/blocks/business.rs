//! Blocking a MitID Erhverv identity's authenticator (lost, stolen) or the whole identity
//! (suspected misuse), asked for by the employee or by an administrator of their organisation:
//! the same single transaction as a citizen's block, with the confirmation going to the one
//! who asked and to the organisation's administrators.

use crate::domain::audit::AuditEntry;
use crate::domain::business_block::{
    self, BusinessBlockRefusal, BusinessBlockRequest, BusinessTarget, RequestedBy,
};
use crate::domain::registry_command::{Applied, AuthenticatorRef, RegistryCommand};
use crate::i18n::Lang;
use crate::mail::{Template, templates::render};
use crate::state::AppState;
use crate::store::blocks as records;
use crate::store::cases::{self, CaseRecord};
use crate::store::mail::CaseEmail;
use crate::store::organisations::{self, NewBusinessBlock};
use crate::store::{audit, mail};

use super::BlocksError;

/// Places the block: checks who asked against the rules, records it, lets it take effect
/// through the registry port, writes the timeline and audit entries and queues the
/// confirmations, all in one transaction. Returns the business block's id.
pub async fn place(
    state: &AppState,
    case: &CaseRecord,
    username: &str,
    request: &BusinessBlockRequest,
) -> Result<i64, BlocksError> {
    use BusinessBlockRefusal as R;
    let registry = state.registry.as_ref();
    let mut tx = state.db.begin_write().await?;
    let organisation = organisations::organisation_of_case(&mut tx, case.id)
        .await?
        .ok_or(BlocksError::Business(R::OtherOrganisation))?;
    let employee = organisations::identity(&mut tx, request.employee_id)
        .await?
        .filter(|e| e.facts.organisation_id == organisation)
        .ok_or(BlocksError::Business(R::OtherOrganisation))?;
    let asker = if request.asker_id == employee.facts.id {
        None
    } else {
        Some(
            organisations::identity(&mut tx, request.asker_id)
                .await?
                .ok_or(BlocksError::Business(R::OtherOrganisation))?,
        )
    };
    let asker_facts = asker.as_ref().map_or(employee.facts, |a| a.facts);
    let requested_by = business_block::may_request(
        &asker_facts,
        &employee.facts,
        request.target,
        request.reason,
    )
    .map_err(BlocksError::Business)?;
    let device = match request.target {
        BusinessTarget::WholeIdentity => None,
        BusinessTarget::Authenticator(id) => {
            let (kind, serial, blocked) =
                organisations::authenticator(&mut tx, employee.facts.id, id)
                    .await?
                    .ok_or(BlocksError::Business(R::NoSuchAuthenticator))?;
            if blocked {
                return Err(BlocksError::Business(R::AuthenticatorBlocked));
            }
            Some((id, kind, serial))
        }
    };
    let staff = cases::staff_id(&mut tx, username).await?;
    let now = cases::utc_now();
    let block_id = organisations::insert_block(
        &mut tx,
        &NewBusinessBlock {
            business_identity_id: employee.facts.id,
            authenticator_id: device.as_ref().map(|(id, _, _)| *id),
            reason: request.reason,
            requested_by,
            requester_id: asker_facts.id,
            case_id: case.id,
            verification: &request.verification,
            staff_id: staff,
            at: &now,
        },
    )
    .await?;
    let asker_name = asker.as_ref().map_or(&employee.name, |a| &a.name);
    let asker_user_id = asker.as_ref().map_or(&employee.user_id, |a| &a.user_id);
    let command = RegistryCommand::BlockBusiness {
        business_identity_id: employee.facts.id,
        block_id,
        cvr: employee.cvr.clone(),
        user_id: employee.user_id.clone(),
        authenticator: device.as_ref().map(|(id, kind, serial)| AuthenticatorRef {
            id: *id,
            kind: kind.as_str().to_owned(),
            serial: serial.clone(),
        }),
        reason: request.reason.as_str().to_owned(),
        requested_by: requested_by.as_str().to_owned(),
        requester_user_id: asker_user_id.clone(),
        case_reference: case.row.reference.clone(),
    };
    if let Applied::Queued { outbox_id } = registry.apply(&mut tx, &command).await? {
        organisations::set_block_outbox(&mut tx, block_id, outbox_id).await?;
    }
    let what = |lang: Lang| match &device {
        Some((_, kind, serial)) => format!(
            "{} {}",
            kind.label(lang),
            serial.as_deref().unwrap_or_default()
        )
        .trim()
        .to_owned(),
        None => lang
            .pick(
                "hele MitID Erhverv-identiteten",
                "the whole MitID Erhverv identity",
            )
            .to_owned(),
    };
    let who = match requested_by {
        RequestedBy::Employee => "medarbejderen selv".to_owned(),
        RequestedBy::Administrator => format!(
            "{asker_name} ({})",
            asker_facts.role.label(Lang::Da).to_lowercase()
        ),
    };
    let record = format!(
        "Spærret (MitID Erhverv, {} CVR {}): {} for {} ({}). Bedt om af {who}. Verificeret: {}.",
        employee.organisation_name,
        employee.cvr,
        what(Lang::Da),
        employee.name,
        request.reason.label(Lang::Da),
        request.verification.describe(Lang::Da),
    );
    records::add_case_event(
        &mut tx,
        case.id,
        &now,
        staff,
        "block",
        &record,
        &serde_json::json!({
            "business_block_id": block_id,
            "registry": registry.name(),
        }),
    )
    .await?;
    cases::mark_responded(&mut tx, case.id).await?;
    audit::append(
        &mut tx,
        &AuditEntry::new(username, "business.block", &case.row.reference).details(
            serde_json::json!({
                "business_block_id": block_id,
                "cvr": employee.cvr,
                "employee": employee.user_id,
                "what": what(Lang::Da),
                "reason": request.reason.as_str(),
                "requested_by": requested_by.as_str(),
                "requester": asker_user_id,
                "verification": request.verification,
                "registry": registry.name(),
            }),
        ),
    )
    .await?;
    // The one who asked, then every administrator, each address once.
    let mut recipients: Vec<(String, String)> = Vec::new();
    let asker_email = asker.as_ref().map_or(&employee.email, |a| &a.email);
    if let Some(email) = asker_email {
        recipients.push((asker_name.clone(), email.clone()));
    }
    for (name, email) in organisations::administrators(&mut tx, organisation).await? {
        if !recipients
            .iter()
            .any(|(_, known)| known.eq_ignore_ascii_case(&email))
        {
            recipients.push((name, email));
        }
    }
    // Danish: the organisation's working language on the line.
    let lang = Lang::Da;
    // "kodeviser CDE1000004 for Jonas Holm": the kind in lower case, the serial as printed.
    let what_mailed = match &device {
        Some((_, kind, serial)) => {
            let device = format!(
                "{} {}",
                kind.label(lang).to_lowercase(),
                serial.as_deref().unwrap_or_default()
            );
            format!("{} for {}", device.trim_end(), employee.name)
        }
        None => format!("{} for {}", what(lang), employee.name),
    };
    let when = crate::domain::danish_time::display(&now);
    let rendered = render(
        &Template::BusinessBlockConfirmed {
            reference: &case.row.reference,
            what: &what_mailed,
            organisation: &employee.organisation_name,
            cvr: &employee.cvr,
            when: &when,
            permanent: device.is_some(),
        },
        lang,
        &state.settings.contacts,
    );
    for (name, email) in &recipients {
        let message = CaseEmail {
            to: email,
            to_name: name,
            rendered: rendered.clone(),
            domain: state.mail.domain(),
            kind: "notification",
        };
        mail::queue_in(&mut tx, case.id, &case.row.reference, &message, None).await?;
    }
    tx.commit().await?;
    Ok(block_id)
}
