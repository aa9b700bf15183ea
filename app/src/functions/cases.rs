//! The supporters' case work: queue, case page, notes, status, claim.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::domain::case_views::{CaseDetail, QueuePage};
use crate::errors::AppError;

/// Rows on one queue page.
pub const QUEUE_PAGE_SIZE: i64 = 100;

#[cfg(feature = "ssr")]
use crate::domain::audit::AuditEntry;

#[cfg(feature = "ssr")]
use crate::functions::invalid;

#[cfg(feature = "ssr")]
use crate::functions::find_case;

#[server(prefix = "/api", endpoint = "cases/queue", input = GetUrl)]
pub async fn case_queue(
    system: Option<String>,
    category: Option<String>,
    status: Option<String>,
    priority: Option<String>,
    channel: Option<String>,
    assignee: Option<String>,
) -> Result<QueuePage, AppError> {
    use crate::domain::Role;
    use crate::domain::case_views::QueueFilter;
    use crate::functions::guard::{Staff, staff};
    use crate::store::case_queue;

    let Staff { me, state } = staff(&[Role::Supporter])?;
    let filter = QueueFilter {
        system,
        category,
        status,
        priority,
        channel,
        assignee,
    };
    let (rows, total) =
        case_queue::queue(&state.db, &filter, &me.username, QUEUE_PAGE_SIZE).await?;
    let (counts, urgent_open) = case_queue::counts(&state.db).await?;
    Ok(QueuePage {
        rows,
        total,
        counts,
        urgent_open,
    })
}

#[server(prefix = "/api", endpoint = "cases/get", input = GetUrl)]
pub async fn get_case(reference: String) -> Result<Option<CaseDetail>, AppError> {
    use crate::domain::Role;
    use crate::functions::guard::{Staff, staff};
    use crate::store::cases;

    let Staff { me, state } = staff(&[Role::Supporter])?;
    let Some(case) = cases::find(&state.db, reference.trim()).await? else {
        return Ok(None);
    };
    let timeline = cases::timeline(&state.db, case.id).await?;
    let identity = crate::store::identities::for_case(&state.db, case.id).await?;
    let (related, merged_into) = crate::store::case_links::related(&state.db, case.id).await?;
    let row = case.row;
    Ok(Some(CaseDetail {
        assigned_to_me: case.assignee_username.as_deref() == Some(me.username.as_str()),
        sla_paused: case.clock.paused_since.is_some(),
        reference: row.reference,
        subject: row.subject,
        system: row.system,
        category: row.category,
        priority: row.priority,
        status: row.status,
        channel: row.channel,
        assignee: row.assignee,
        created_at: crate::domain::danish_time::display(&row.created_at),
        first_response_due: case.first_response_due,
        first_response_at: case.first_response_at,
        resolution_due: row.resolution_due,
        overdue: row.overdue,
        citizen: case.citizen,
        identity,
        related,
        merged_into,
        timeline,
    }))
}

#[server(prefix = "/api", endpoint = "cases/note")]
pub async fn add_case_note(
    csrf_token: String,
    reference: String,
    body: String,
) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::functions::guard::{Staff, staff};
    use crate::store::cases;

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Supporter])?;
    let body = body.trim();
    if body.is_empty() || body.chars().count() > 10_000 {
        return Err(invalid(
            "body",
            "Skriv en note på 1 til 10.000 tegn.",
            "Write a note of 1 to 10,000 characters.",
        ));
    }
    if crate::domain::cpr::contains_cpr(body) {
        return Err(invalid(
            "body",
            "Noten indeholder et CPR-nummer. Skriv det ikke i noter: borgerens CPR-nummer står beskyttet på borgeren.",
            "The note contains a CPR number. Do not write it in notes: the citizen's CPR number is kept protected on the citizen.",
        ));
    }
    let case = find_case(&state.db, &reference).await?;
    let audit = AuditEntry::new(&me.username, "case.note", &case.row.reference);
    cases::add_note(&state.db, case.id, &me.username, body, &audit).await?;
    leptos_axum::redirect(&format!("/support/sag/{}#timeline", case.row.reference));
    Ok(())
}

#[server(prefix = "/api", endpoint = "cases/status")]
pub async fn change_case_status(
    csrf_token: String,
    reference: String,
    status: String,
) -> Result<(), AppError> {
    use crate::domain::{Role, Status, can_transition};
    use crate::functions::guard::{Staff, staff};

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Supporter])?;
    let to = Status::parse(&status)
        .map_err(|_| invalid("status", "Ukendt status.", "Unknown status."))?;
    let case = find_case(&state.db, &reference).await?;
    if !can_transition(case.row.status, to) {
        return Err(invalid(
            "status",
            "Sagen kan ikke skifte til den status herfra.",
            "The case cannot move to that status from here.",
        ));
    }
    status_change(&state, &case, to, &me.username).await?;
    leptos_axum::redirect(&format!("/support/sag/{}", case.row.reference));
    Ok(())
}

/// Answers the citizen by e-mail from the case page.
#[server(prefix = "/api", endpoint = "cases/reply")]
pub async fn reply_to_citizen(
    csrf_token: String,
    reference: String,
    body: String,
    then_status: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::email::CaseEmail;
    use crate::domain::{Role, Status, cpr};
    use crate::functions::guard::{Staff, staff};
    use crate::i18n::Lang;
    use crate::mail::{self, Template, templates::render};

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Supporter])?;
    let body = body.trim();
    if body.is_empty() || body.chars().count() > 10_000 {
        return Err(invalid(
            "reply",
            "Skriv et svar på 1 til 10.000 tegn.",
            "Write a reply of 1 to 10,000 characters.",
        ));
    }
    if cpr::contains_cpr(body) {
        return Err(invalid(
            "reply",
            "Svaret indeholder et CPR-nummer. CPR-numre må aldrig stå i en e-mail: fjern det og send igen.",
            "The reply contains a CPR number. CPR numbers must never be in an e-mail: remove it and send again.",
        ));
    }
    let then = match then_status.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(
            Status::parse(raw)
                .map_err(|_| invalid("then_status", "Ukendt status.", "Unknown status."))?,
        ),
    };
    let case = find_case(&state.db, &reference).await?;
    if let Some(to) = then
        && to != case.row.status
        && !crate::domain::can_transition(case.row.status, to)
    {
        return Err(invalid(
            "then_status",
            "Sagen kan ikke skifte til den status herfra.",
            "The case cannot move to that status from here.",
        ));
    }
    let Some((address, name, lang)) = case.citizen.as_ref().and_then(|c| {
        c.email
            .as_deref()
            .map(|e| (e, c.name.as_str(), Lang::parse(&c.lang).unwrap_or_default()))
    }) else {
        return Err(invalid(
            "reply",
            "Borgeren på sagen har ingen e-mailadresse. Ring i stedet, og log opkaldet.",
            "The citizen on the case has no e-mail address. Call instead, and log the call.",
        ));
    };
    let email = CaseEmail {
        to: address,
        to_name: name,
        rendered: render(
            &Template::Reply {
                reference: &case.row.reference,
                subject: &case.row.subject,
                body,
                supporter: &me.display_name,
            },
            lang,
            &state.settings.contacts,
        ),
        domain: state.mail.domain(),
        kind: "email_out",
    };
    let then = then.filter(|to| *to != case.row.status);
    let audit = AuditEntry::new(&me.username, "case.reply", &case.row.reference)
        .details(serde_json::json!({ "to": address }));
    mail::reply(
        &state.db,
        case.id,
        &case.row.reference,
        &email,
        &me.username,
        then,
        &audit,
    )
    .await?;
    state.wake_outbox();
    leptos_axum::redirect(&format!("/support/sag/{}#timeline", case.row.reference));
    Ok(())
}

/// Puts a failed e-mail back in the outbox.
#[server(prefix = "/api", endpoint = "cases/retry-delivery")]
pub async fn retry_delivery(
    csrf_token: String,
    reference: String,
    outbox_id: i64,
) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::functions::guard::{Staff, staff};
    use crate::store::outbox;

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Supporter])?;
    let case = find_case(&state.db, &reference).await?;
    let audit = AuditEntry::new(&me.username, "email.retry", &case.row.reference)
        .details(serde_json::json!({ "outbox_id": outbox_id }));
    if !outbox::retry_failed(&state.db, outbox_id, case.id, &audit).await? {
        return Err(invalid(
            "outbox_id",
            "Beskeden kan ikke sendes igen: den er ikke fejlet, eller den hører ikke til sagen.",
            "The message cannot be resent: it has not failed, or it is not on this case.",
        ));
    }
    state.wake_outbox();
    leptos_axum::redirect(&format!("/support/sag/{}#timeline", case.row.reference));
    Ok(())
}

#[server(prefix = "/api", endpoint = "cases/claim")]
pub async fn claim_case(csrf_token: String, reference: String) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::functions::guard::{Staff, staff};
    use crate::store::cases;

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Supporter])?;
    let case = find_case(&state.db, &reference).await?;
    let audit = AuditEntry::new(&me.username, "case.claim", &case.row.reference);
    cases::assign(&state.db, case.id, &me.username, &audit).await?;
    leptos_axum::redirect(&format!("/support/sag/{}", case.row.reference));
    Ok(())
}

/// Shows the citizen's full CPR number to a supporter who gives a reason; the reveal is in the
/// audit log before the number leaves the server.
#[server(prefix = "/api", endpoint = "cases/reveal-cpr")]
pub async fn reveal_cpr(
    csrf_token: String,
    reference: String,
    reason: String,
) -> Result<String, AppError> {
    use crate::audit;
    use crate::domain::{Role, cpr};
    use crate::functions::guard::{Staff, staff};
    use crate::store::citizens;

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Supporter])?;
    let reason = reason.trim();
    if reason.chars().count() < 5 || reason.chars().count() > 500 || cpr::contains_cpr(reason) {
        return Err(invalid(
            "reason",
            "Skriv hvorfor du skal se CPR-nummeret (5 til 500 tegn, uden CPR-numre).",
            "Write why you need to see the CPR number (5 to 500 characters, no CPR numbers).",
        ));
    }
    let case = find_case(&state.db, &reference).await?;
    let Some((citizen_id, sealed)) = citizens::sealed_cpr_on_case(&state.db, case.id).await? else {
        return Err(invalid(
            "reason",
            "Der er intet CPR-nummer på sagens borger.",
            "The citizen on the case has no CPR number.",
        ));
    };
    let number = state.cpr_vault.open(&sealed).map_err(|e| {
        tracing::error!(error = %e, citizen_id, "cannot open a sealed CPR number");
        AppError::Internal
    })?;
    audit::record(
        &state.db,
        &AuditEntry::new(&me.username, "cpr.reveal", &case.row.reference)
            .reason(reason)
            .details(serde_json::json!({ "citizen_id": citizen_id })),
    )
    .await?;
    Ok(number.formatted())
}

/// Logs a phone call on the case: direction, length and what was said.
#[server(prefix = "/api", endpoint = "cases/call")]
pub async fn log_call(
    csrf_token: String,
    reference: String,
    direction: String,
    minutes: String,
    summary: String,
) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::functions::guard::{Staff, staff};
    use crate::store::cases::{self, Call};

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Supporter])?;
    let incoming = match direction.as_str() {
        "incoming" => true,
        "outgoing" => false,
        _ => {
            return Err(invalid(
                "direction",
                "Vælg om borgeren ringede, eller du ringede op.",
                "Choose whether the citizen called or you called.",
            ));
        }
    };
    let minutes: u32 = minutes
        .trim()
        .parse()
        .ok()
        .filter(|m| (1..=240).contains(m))
        .ok_or_else(|| {
            invalid(
                "minutes",
                "Skriv samtalens længde i hele minutter (1 til 240).",
                "Enter the call's length in whole minutes (1 to 240).",
            )
        })?;
    let summary = summary.trim();
    if summary.is_empty() || summary.chars().count() > 5_000 {
        return Err(invalid(
            "summary",
            "Skriv kort, hvad samtalen handlede om (1 til 5.000 tegn).",
            "Write briefly what the call was about (1 to 5,000 characters).",
        ));
    }
    if crate::domain::cpr::contains_cpr(summary) {
        return Err(invalid(
            "summary",
            "Resuméet indeholder et CPR-nummer. Skriv det ikke i sagen: borgerens CPR-nummer står beskyttet på borgeren.",
            "The summary contains a CPR number. Do not write it in the case: the citizen's CPR number is kept protected on the citizen.",
        ));
    }
    let case = find_case(&state.db, &reference).await?;
    let audit = AuditEntry::new(&me.username, "case.call", &case.row.reference);
    cases::log_call(
        &state.db,
        case.id,
        &me.username,
        &Call {
            incoming,
            minutes,
            summary,
        },
        &audit,
    )
    .await?;
    leptos_axum::redirect(&format!("/support/sag/{}#timeline", case.row.reference));
    Ok(())
}

/// Moves one case to `to` (the caller has checked the transition); resolving tells the
/// citizen by e-mail when there is an address. The change and the audit entry commit together.
#[cfg(feature = "ssr")]
async fn status_change(
    state: &crate::state::AppState,
    case: &crate::store::cases::CaseRecord,
    to: crate::domain::Status,
    username: &str,
) -> Result<(), AppError> {
    use crate::domain::Status;
    use crate::domain::email::CaseEmail;
    use crate::i18n::Lang;
    use crate::mail::{self, Template, templates::render};

    let notify = match (to, &case.citizen) {
        (Status::Resolved, Some(citizen)) => citizen.email.as_deref().map(|to| CaseEmail {
            to,
            to_name: &citizen.name,
            rendered: render(
                &Template::CaseResolved {
                    reference: &case.row.reference,
                    subject: &case.row.subject,
                },
                Lang::parse(&citizen.lang).unwrap_or_default(),
                &state.settings.contacts,
            ),
            domain: state.mail.domain(),
            kind: "notification",
        }),
        _ => None,
    };
    mail::set_status_notifying(
        &state.db,
        case.id,
        &case.row.reference,
        to,
        username,
        notify.as_ref(),
        &AuditEntry::new(username, "case.status", &case.row.reference)
            .details(serde_json::json!({ "from": case.row.status.as_str(), "to": to.as_str() })),
    )
    .await?;
    if notify.is_some() {
        state.wake_outbox();
    }
    Ok(())
}

/// Moves every selected case to one status. A case that cannot move there from its status
/// is left as it is and counted; each change commits on its own, with its audit entry.
#[server(prefix = "/api", endpoint = "cases/bulk-status")]
pub async fn bulk_status(
    csrf_token: String,
    references: Option<Vec<String>>,
    status: String,
) -> Result<(), AppError> {
    use crate::domain::{Role, Status, can_transition};
    use crate::functions::guard::{Staff, staff};
    use crate::store::cases;

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Supporter])?;
    let to = Status::parse(&status)
        .map_err(|_| invalid("status", "Vælg en status.", "Choose a status."))?;
    let references = references.unwrap_or_default();
    if references.is_empty() || references.len() > 200 {
        return Err(invalid(
            "references",
            "Markér mellem 1 og 200 sager.",
            "Select between 1 and 200 cases.",
        ));
    }
    let (mut changed, mut skipped) = (0usize, 0usize);
    for reference in &references {
        match cases::find(&state.db, reference.trim()).await? {
            Some(case) if can_transition(case.row.status, to) => {
                status_change(&state, &case, to, &me.username).await?;
                changed += 1;
            }
            _ => skipped += 1,
        }
    }
    leptos_axum::redirect(&format!("/support?aendret={changed}&sprunget={skipped}"));
    Ok(())
}

/// Links another case as related, or merges this case into it as a duplicate.
#[server(prefix = "/api", endpoint = "cases/link")]
pub async fn link_case(
    csrf_token: String,
    reference: String,
    other: String,
    merge: Option<String>,
) -> Result<(), AppError> {
    use crate::cases::links::{self, LinkError};
    use crate::domain::Role;
    use crate::functions::guard::{Staff, staff};
    use crate::i18n::Lang;
    use crate::store::case_links::Side;

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Supporter])?;
    let case = find_case(&state.db, &reference).await?;
    let other = crate::store::cases::find(&state.db, other.trim().to_uppercase().as_str())
        .await?
        .ok_or_else(|| {
            invalid(
                "other",
                "Der findes ingen sag med det nummer.",
                "There is no case with that reference.",
            )
        })?;
    let this = Side {
        id: case.id,
        reference: &case.row.reference,
    };
    let that = Side {
        id: other.id,
        reference: &other.row.reference,
    };
    let outcome = if merge.as_deref().is_some_and(|m| !m.is_empty()) {
        links::merge(&state.db, this, that, &me.username).await
    } else {
        links::link(&state.db, this, that, &me.username).await
    };
    outcome.map_err(|e| match e {
        LinkError::Store(e) => AppError::from(e),
        refused => invalid(
            "other",
            refused.message(Lang::Da),
            refused.message(Lang::En),
        ),
    })?;
    leptos_axum::redirect(&format!("/support/sag/{}#related", case.row.reference));
    Ok(())
}
