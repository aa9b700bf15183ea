//! Incidents (driftsstatus): a team lead declares a known problem with one or more systems;
//! while it is open its public text is shown on every page (from memory: [`Board`]), cases
//! that match it are suggested for linking and supporters link them; resolving it resolves
//! the linked cases and e-mails each linked citizen once with the closing text.
//!
//! Every step commits with its audit entry. The resolution is exactly-once across a crash: the
//! incident moves to `resolving` in one transaction; then each linked case's status change,
//! its e-mail (under an idempotency key unique per incident and citizen) and its link's
//! `done_at` commit together; [`resume`] at start-up finishes any incident left `resolving`.
//!
//! [`Board`]: crate::domain::incident::Board

use crate::domain::audit::AuditEntry;
use crate::domain::incident::{
    IncidentCase, IncidentDetail, IncidentDraft, IncidentRefusal, IncidentState, IncidentSummary,
};
use crate::domain::{Status, can_transition};
use crate::errors::AppError;
use crate::i18n::Lang;
use crate::mail::{Template, templates::render};
use crate::state::AppState;
use crate::store::incidents::{self as records, PendingCase, Resolution};
use crate::store::mail::CaseEmail;
use crate::store::{StoreError, audit, cases};

/// Most cases one link or unlink may select.
pub const SELECTION_MAX: usize = 200;
/// Linked cases resolved per batch before the outbox is woken.
const BATCH: i64 = 10;

/// Why an incident step was refused.
#[derive(Debug, thiserror::Error)]
pub enum IncidentError {
    #[error("refused: {0}")]
    Refused(#[from] IncidentRefusal),
    #[error("no such incident")]
    Unknown,
    #[error("the incident is not open")]
    NotOpen,
    #[error("no cases or too many cases selected")]
    Selection,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for IncidentError {
    fn from(e: sqlx::Error) -> Self {
        IncidentError::Store(e.into())
    }
}

impl IncidentError {
    pub fn field(&self) -> &'static str {
        match self {
            IncidentError::Refused(r) => r.field(),
            IncidentError::Selection => "references",
            _ => "incident",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match self {
            IncidentError::Refused(r) => r.message(lang).to_owned(),
            IncidentError::Unknown => lang
                .pick(
                    "Driftshændelsen findes ikke.",
                    "The incident does not exist.",
                )
                .to_owned(),
            IncidentError::NotOpen => lang
                .pick(
                    "Driftshændelsen er ikke åben længere og kan ikke ændres.",
                    "The incident is no longer open and cannot be changed.",
                )
                .to_owned(),
            IncidentError::Selection => lang
                .pick(
                    "Markér mellem 1 og 200 sager.",
                    "Select between 1 and 200 cases.",
                )
                .to_owned(),
            IncidentError::Store(_) => AppError::Internal.message(lang),
        }
    }
}

fn target(id: i64) -> String {
    format!("incident:{id}")
}

/// Reads the open incidents into the banner board.
pub async fn refresh(state: &AppState) -> Result<(), StoreError> {
    state
        .incidents
        .replace(records::open_banners(&state.db).await?);
    Ok(())
}

/// At start-up: the banner board filled, and every incident a restart left `resolving`
/// finished in the background.
pub async fn resume(state: &AppState) -> Result<usize, StoreError> {
    refresh(state).await?;
    let left = records::resolving(&state.db).await?;
    for id in &left {
        spawn_resolution(state.clone(), *id);
    }
    Ok(left.len())
}

/// Declares an incident; returns its id.
pub async fn declare(
    state: &AppState,
    username: &str,
    draft: &IncidentDraft,
) -> Result<i64, IncidentError> {
    let mut tx = state.db.begin_write().await?;
    let staff = cases::staff_id(&mut tx, username).await?;
    let id = records::declare_in(&mut tx, draft, staff).await?;
    let target = target(id);
    audit::append(
        &mut tx,
        &AuditEntry::new(username, "incident.declare", &target).details(serde_json::json!({
            "systems": draft.systems_column(),
            "text_da": draft.text_da,
            "text_en": draft.text_en,
            "search_words": draft.search_words,
            "starts_at": draft.starts_at,
            "expected_end": draft.expected_end,
        })),
    )
    .await?;
    tx.commit().await?;
    refresh(state).await?;
    Ok(id)
}

pub async fn list(state: &AppState) -> Result<Vec<IncidentSummary>, StoreError> {
    records::list(&state.db).await
}

/// The incident's page: its cases and, while it is open, the suggested ones.
pub async fn detail(state: &AppState, id: i64) -> Result<Option<IncidentDetail>, AppError> {
    let Some((summary, closing_da, closing_en)) = records::one(&state.db, id).await? else {
        return Ok(None);
    };
    let linked = records::linked_cases(&state.db, id).await?;
    let suggested = if summary.state == IncidentState::Open {
        suggestions(state, &summary).await?
    } else {
        Vec::new()
    };
    Ok(Some(IncidentDetail {
        summary,
        closing_da,
        closing_en,
        linked,
        suggested,
    }))
}

/// Open cases about the incident's systems that contain any of its search words (through the
/// case search index, brought up to date first), not linked yet, newest first.
async fn suggestions(
    state: &AppState,
    summary: &IncidentSummary,
) -> Result<Vec<IncidentCase>, AppError> {
    let index = state.cases_index.clone();
    index.sync(&state.db).await?;
    let systems: Vec<&str> = summary.systems.iter().map(|s| s.name()).collect();
    let mut ids: Vec<i64> = Vec::new();
    for word in summary.search_words.split(' ').filter(|w| !w.is_empty()) {
        let mut request = search::CaseSearchRequest::new(word.to_owned());
        request.limit = 200;
        let index = index.clone();
        let results =
            crate::index_sync::search("cases", move || index.index().search(&request)).await?;
        for hit in results.hits {
            let about = systems.iter().any(|s| s.eq_ignore_ascii_case(&hit.system));
            let open = !matches!(hit.status.as_str(), "resolved" | "closed");
            if about && open && !ids.contains(&hit.id) {
                ids.push(hit.id);
            }
        }
    }
    Ok(records::linkable_among(&state.db, summary.id, &ids).await?)
}

/// Checks a selection of case references: 1–200, each at most 40 characters.
fn selection(references: &[String]) -> Result<Vec<String>, IncidentError> {
    let refs: Vec<String> = references
        .iter()
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty())
        .collect();
    if refs.is_empty() || refs.len() > SELECTION_MAX || refs.iter().any(|r| r.len() > 40) {
        return Err(IncidentError::Selection);
    }
    Ok(refs)
}

/// Links the selected open cases to the open incident, each audited; a case that is closed,
/// unknown or linked already is skipped. Returns (linked, skipped).
pub async fn link(
    state: &AppState,
    username: &str,
    id: i64,
    references: &[String],
) -> Result<(usize, usize), IncidentError> {
    let refs = selection(references)?;
    let mut tx = state.db.begin_write().await?;
    match records::state_in(&mut tx, id).await? {
        None => return Err(IncidentError::Unknown),
        Some(IncidentState::Open) => {}
        Some(_) => return Err(IncidentError::NotOpen),
    }
    let staff = cases::staff_id(&mut tx, username).await?;
    let (mut linked, mut skipped) = (0usize, 0usize);
    for reference in &refs {
        let case = records::open_case_in(&mut tx, reference).await?;
        let done = match case {
            Some(case_id) => records::link_in(&mut tx, id, case_id, staff).await?,
            None => false,
        };
        if done {
            audit::append(
                &mut tx,
                &AuditEntry::new(username, "incident.link", reference)
                    .details(serde_json::json!({ "incident": id })),
            )
            .await?;
            linked += 1;
        } else {
            skipped += 1;
        }
    }
    tx.commit().await?;
    Ok((linked, skipped))
}

/// Unlinks the selected cases from the open incident, each audited. Returns how many.
pub async fn unlink(
    state: &AppState,
    username: &str,
    id: i64,
    references: &[String],
) -> Result<usize, IncidentError> {
    let refs = selection(references)?;
    let mut tx = state.db.begin_write().await?;
    match records::state_in(&mut tx, id).await? {
        None => return Err(IncidentError::Unknown),
        Some(IncidentState::Open) => {}
        Some(_) => return Err(IncidentError::NotOpen),
    }
    let mut unlinked = 0usize;
    for reference in &refs {
        let Some(case_id) = records::linked_case_in(&mut tx, id, reference).await? else {
            continue;
        };
        if records::unlink_in(&mut tx, id, case_id).await? {
            audit::append(
                &mut tx,
                &AuditEntry::new(username, "incident.unlink", reference)
                    .details(serde_json::json!({ "incident": id })),
            )
            .await?;
            unlinked += 1;
        }
    }
    tx.commit().await?;
    Ok(unlinked)
}

/// Starts resolving the open incident with its closing texts (parsed by the caller): the
/// banner comes down at once, the linked cases are resolved and their citizens told in the
/// background.
pub async fn resolve(
    state: &AppState,
    username: &str,
    id: i64,
    closing_da: &str,
    closing_en: &str,
) -> Result<(), IncidentError> {
    let mut tx = state.db.begin_write().await?;
    if records::state_in(&mut tx, id).await?.is_none() {
        return Err(IncidentError::Unknown);
    }
    let staff = cases::staff_id(&mut tx, username).await?;
    if !records::start_resolving_in(&mut tx, id, closing_da, closing_en, staff).await? {
        return Err(IncidentError::NotOpen);
    }
    let target = target(id);
    audit::append(
        &mut tx,
        &AuditEntry::new(username, "incident.resolve", &target).details(serde_json::json!({
            "closing_da": closing_da,
            "closing_en": closing_en,
        })),
    )
    .await?;
    tx.commit().await?;
    refresh(state).await?;
    spawn_resolution(state.clone(), id);
    Ok(())
}

fn spawn_resolution(state: AppState, id: i64) {
    tokio::spawn(async move {
        loop {
            match run_resolution(&state, id).await {
                Ok(()) => return,
                Err(err) => {
                    tracing::warn!(incident = id, error = %err, "incident resolution interrupted; retrying");
                    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
                }
            }
        }
    });
}

/// Works through the incident's linked cases in batches until none is left, then marks it
/// resolved. Safe to run again at any point: each case is done in its own transaction that
/// first claims its link (`done_at`), so a case is never done twice.
async fn run_resolution(state: &AppState, id: i64) -> Result<(), StoreError> {
    let mut total = 0usize;
    loop {
        let Some(resolution) = records::resolution(&state.db, id).await? else {
            return Ok(());
        };
        let batch = records::pending(&state.db, id, BATCH).await?;
        if batch.is_empty() {
            let mut tx = state.db.begin_write().await?;
            if records::finish_in(&mut tx, id).await? {
                let target = target(id);
                audit::append(
                    &mut tx,
                    &AuditEntry::new(&resolution.resolver, "incident.resolved", &target)
                        .details(serde_json::json!({ "cases_this_run": total })),
                )
                .await?;
            }
            tx.commit().await?;
            return Ok(());
        }
        let mut mailed = false;
        for case in &batch {
            mailed |= resolve_one(state, id, &resolution, case).await?;
            total += 1;
        }
        if mailed {
            state.wake_outbox();
        }
        let pause = state.incidents.pause();
        if !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
    }
}

/// One linked case: resolved (if it is still open), its citizen e-mailed (once per incident),
/// its link marked done and the step audited, in one transaction. True when an e-mail was
/// queued.
async fn resolve_one(
    state: &AppState,
    id: i64,
    resolution: &Resolution,
    case: &PendingCase,
) -> Result<bool, StoreError> {
    let mut tx = state.db.begin_write().await?;
    if !records::mark_done_in(&mut tx, id, case.case_id).await? {
        return Ok(false);
    }
    let from = Status::parse(&case.status).ok();
    let resolves = from.is_some_and(|from| can_transition(from, Status::Resolved));
    if resolves {
        records::resolve_case_in(&mut tx, case.case_id, resolution.resolver_id).await?;
    }
    let mut mailed = false;
    if let (Some(citizen_id), Some(to)) = (case.citizen_id, case.email.as_deref()) {
        let key = format!("incident-{id}-citizen-{citizen_id}");
        if !records::queued_in(&mut tx, &key).await? {
            let lang = case
                .lang
                .as_deref()
                .and_then(Lang::parse)
                .unwrap_or_default();
            let closing = lang.pick(&resolution.closing_da, &resolution.closing_en);
            let email = CaseEmail {
                to,
                to_name: case.name.as_deref().unwrap_or_default(),
                rendered: render(
                    &Template::IncidentResolved {
                        reference: &case.reference,
                        subject: &case.subject,
                        closing,
                    },
                    lang,
                    &state.settings.contacts,
                ),
                domain: state.mail.domain(),
                kind: "notification",
            };
            records::queue_mail_in(&mut tx, case.case_id, &case.reference, &email, &key).await?;
            mailed = true;
        }
    }
    audit::append(
        &mut tx,
        &AuditEntry::new(
            &resolution.resolver,
            "incident.resolve_case",
            &case.reference,
        )
        .details(serde_json::json!({
            "incident": id,
            "from": case.status,
            "resolved": resolves,
            "mailed": mailed,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(mailed)
}
