//! Telephony: the phone system's events folded into one record per call, the caller found by
//! the keyed hash of their number, the agent's console told (the screen-pop), and the call
//! logged on its case with its real length and the supporter's summary.

use crate::cases::calls::{self, CallError};
use crate::domain::audit::AuditEntry;
use crate::domain::case_views::RelatedCase;
use crate::domain::live_case::LiveCase;
use crate::domain::phone::PhoneNumber;
use crate::domain::telephony::AgentCall;
use crate::domain::telephony::{
    CallId, CallLogRow, CallPhase, CallPop, CallerMatch, CallerParty, CtiEvent,
};
use crate::domain::{Category, Channel, Role, System, danish_time};
use crate::i18n::Lang;
use crate::privacy::cpr_vault::CprVault;
use crate::state::AppState;
use crate::store::cases::{self, NewCase};
use crate::store::phone_calls::{self, NewCall, StoredCall};
use crate::store::{Db, StoreError, audit, citizens, users};

/// Why an event or a supporter's step on a call was refused.
#[derive(Debug, thiserror::Error)]
pub enum TelephonyError {
    #[error("the agent is not an active supporter")]
    UnknownAgent,
    #[error("no such call")]
    UnknownCall,
    #[error("the call is another supporter's")]
    NotYourCall,
    #[error("the case does not exist")]
    UnknownCase,
    #[error("the case is resolved or closed")]
    CaseDone,
    #[error("the call is already logged on another case")]
    OtherCase,
    #[error("the call has not ended")]
    NotEnded,
    #[error("nobody answered the call")]
    Missed,
    #[error("the call is on no case yet")]
    NoCase,
    #[error("the call already has its summary")]
    AlreadyWrappedUp,
    #[error(transparent)]
    Summary(CallError),
    #[error("the summary holds unreadable characters")]
    Garbled,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for TelephonyError {
    fn from(e: sqlx::Error) -> Self {
        Self::Store(e.into())
    }
}

impl TelephonyError {
    /// The form field the refusal is about.
    pub fn field(&self) -> &'static str {
        match self {
            Self::UnknownCase | Self::CaseDone | Self::OtherCase => "reference",
            Self::Summary(_) | Self::Garbled => "summary",
            _ => "call_id",
        }
    }

    /// What a person (the supporter, or whoever reads the phone system's log) is told.
    pub fn message(&self, lang: Lang) -> &'static str {
        match self {
            Self::UnknownAgent => lang.pick(
                "Agenten er ikke en aktiv supporter i desken.",
                "The agent is not an active supporter in the desk.",
            ),
            Self::UnknownCall => lang.pick("Opkaldet findes ikke.", "The call does not exist."),
            Self::NotYourCall => lang.pick(
                "Opkaldet er en anden supporters.",
                "The call belongs to another supporter.",
            ),
            Self::UnknownCase => lang.pick("Sagen findes ikke.", "The case does not exist."),
            Self::CaseDone => lang.pick(
                "Sagen er løst eller lukket. Vælg en åben sag, eller opret en ny telefonsag.",
                "The case is resolved or closed. Choose an open case, or open a new phone case.",
            ),
            Self::OtherCase => lang.pick(
                "Opkaldet er allerede logget på en anden sag.",
                "The call is already logged on another case.",
            ),
            Self::NotEnded => lang.pick(
                "Opkaldet er ikke slut endnu. Skriv resuméet, når I har lagt på.",
                "The call has not ended yet. Write the summary after you hang up.",
            ),
            Self::Missed => lang.pick(
                "Ingen tog opkaldet, så der er intet resumé at skrive.",
                "Nobody answered the call, so there is no summary to write.",
            ),
            Self::NoCase => lang.pick(
                "Knyt opkaldet til en sag først: opret en ny telefonsag, eller vælg en af borgerens sager.",
                "Attach the call to a case first: open a new phone case, or choose one of the citizen's cases.",
            ),
            Self::AlreadyWrappedUp => lang.pick(
                "Opkaldet har allerede et resumé.",
                "The call already has a summary.",
            ),
            Self::Summary(e) => e.message(lang),
            Self::Garbled => lang.pick(
                "Resuméet indeholder tegn, der ikke kan læses. Skriv det igen.",
                "The summary contains characters that cannot be read. Write it again.",
            ),
            Self::Store(_) => lang.pick(
                "Der skete en fejl hos os. Prøv igen om lidt.",
                "Something went wrong on our side. Please try again shortly.",
            ),
        }
    }
}

/// What the telephony rules work with: the database, the vault (phone hashes) and the
/// consoles' call feed. Cheap to copy.
#[derive(Clone, Copy)]
pub struct Line<'a> {
    pub db: &'a Db,
    pub vault: &'a CprVault,
    pub consoles: &'a crate::live::Bus<AgentCall>,
}

impl<'a> Line<'a> {
    pub fn of(state: &'a AppState) -> Self {
        Self {
            db: &state.db,
            vault: &state.cpr_vault,
            consoles: &state.calls,
        }
    }

    /// Tells the agent's open consoles about their call; no console open is fine.
    fn tell(&self, agent: &str, pop: CallPop) {
        self.consoles.send(AgentCall {
            agent: agent.to_owned(),
            pop,
        });
    }
}

/// What became of an event.
#[derive(Debug)]
pub struct Recorded {
    pub pop: CallPop,
    /// The event had been recorded before (a repeat): nothing changed, nobody was told.
    pub duplicate: bool,
}

/// Calls older than this that never ended are left out of the console's "current call".
const STALE_AFTER_SECONDS: i64 = 4 * 3600;

/// Normalises and hashes the phone numbers of citizens stored before numbers were hashed (or
/// by a path that could not hash). Run at start-up; returns how many were written.
pub async fn backfill_phone_hashes(db: &Db, vault: &CprVault) -> Result<usize, StoreError> {
    let mut written = 0;
    loop {
        let batch = citizens::without_phone_hash(db, 500).await?;
        if batch.is_empty() {
            return Ok(written);
        }
        let phones: Vec<(i64, String, Vec<u8>)> = batch
            .into_iter()
            .map(|(id, raw)| {
                let (phone, hash) = vault.phone_for_storage(&raw);
                (id, phone, hash)
            })
            .collect();
        citizens::set_phones(db, &phones).await?;
        written += phones.len();
    }
}

/// The agent an event names, if they are an active supporter.
async fn check_agent(db: &Db, username: &str) -> Result<(), TelephonyError> {
    match users::find_by_username(db, username).await? {
        Some(u) if u.active && u.role.acts_as(Role::Supporter) => Ok(()),
        _ => Err(TelephonyError::UnknownAgent),
    }
}

/// Logs the call on its case once it has ended, was answered and has a case; corrects the
/// length of a call logged before a late answer report.
async fn log_when_ready(
    tx: &mut crate::store::db::Conn,
    call: &mut StoredCall,
) -> Result<(), StoreError> {
    let (Some(case_id), Some(ended), Some(seconds)) = (
        call.case_id,
        call.times.ended_at,
        call.times.duration_seconds(),
    ) else {
        return Ok(());
    };
    match call.event_id {
        Some(event_id) => phone_calls::set_logged_length(tx, event_id, seconds).await,
        None => {
            let reference = call.case_reference.clone().unwrap_or_default();
            audit::append(
                tx,
                &AuditEntry::new(&call.agent, "case.call", &reference).reason("telefonsystem"),
            )
            .await?;
            call.event_id =
                Some(phone_calls::log_on_case(tx, case_id, &call.agent, ended, seconds).await?);
            Ok(())
        }
    }
}

/// Records one event from the phone system at `at` (Unix seconds, the signed time) in a write
/// transaction, and tells the agent's console. A repeat of a phase changes nothing.
pub async fn record(line: Line<'_>, event: &CtiEvent, at: i64) -> Result<Recorded, TelephonyError> {
    let db = line.db;
    check_agent(db, event.agent.as_str()).await?;
    let mut tx = db.begin_write().await?;
    let mut call = match phone_calls::find(&mut tx, event.call_id.as_str()).await? {
        Some(call) => call,
        None => {
            let matches = match &event.from {
                Some(from) => {
                    let hash = line.vault.phone_lookup_hash(from);
                    citizens::by_phone_hash(&mut tx, &hash).await?
                }
                None => Vec::new(),
            };
            let only = match matches.as_slice() {
                [one] => Some(one.id),
                _ => None,
            };
            let new = NewCall {
                call_id: event.call_id.as_str(),
                caller: event.from.as_ref().map(PhoneNumber::as_str),
                called: event.to.as_ref().map(PhoneNumber::as_str),
                agent: event.agent.as_str(),
                caller_citizen_id: only,
                now: at,
            };
            phone_calls::insert(&mut tx, &new).await?
        }
    };
    let answered_before = call.times.answered_at.is_some();
    let changed = call.times.apply(event.phase, at);
    if !changed {
        drop(tx);
        return Ok(Recorded {
            pop: pop_for(line, &call).await?,
            duplicate: true,
        });
    }
    // A transfer: whoever answers (or rings before anyone answered) holds the call.
    if event.phase == CallPhase::Answered || (event.phase == CallPhase::Ringing && !answered_before)
    {
        call.agent = event.agent.as_str().to_owned();
    }
    log_when_ready(&mut tx, &mut call).await?;
    phone_calls::save(&mut tx, &call).await?;
    tx.commit().await?;
    let pop = pop_for(line, &call).await?;
    line.tell(&call.agent, pop.clone());
    Ok(Recorded {
        pop,
        duplicate: false,
    })
}

/// The console's view of a call: the caller's matches (looked up now, so new cases show) and
/// the call's state.
async fn pop_for(line: Line<'_>, call: &StoredCall) -> Result<CallPop, StoreError> {
    let phone = call
        .caller
        .as_deref()
        .and_then(|c| PhoneNumber::parse(c).ok());
    let mut conn = line.db.pool().acquire().await?;
    let mut callers = Vec::new();
    if let Some(phone) = &phone {
        let hash = line.vault.phone_lookup_hash(phone);
        for m in citizens::by_phone_hash(&mut conn, &hash).await? {
            let open_cases: Vec<RelatedCase> = citizens::open_cases(&mut conn, m.id).await?;
            callers.push(CallerMatch {
                party: CallerParty::Citizen {
                    citizen_id: m.id,
                    cpr_masked: m.cpr_masked,
                },
                name: m.name,
                open_cases,
            });
        }
    }
    Ok(CallPop {
        call_id: call.call_id.clone(),
        phase: call.times.phase(),
        caller: phone.as_ref().map(|p| p.as_str().to_owned()),
        caller_display: phone.as_ref().map(PhoneNumber::display),
        callers,
        case_reference: call.case_reference.clone(),
        duration_seconds: call.times.duration_seconds(),
        missed: call.times.missed(),
        needs_wrap_up: call.times.needs_wrap_up(call.wrapped_up),
    })
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// The agent's call still ringing or going on, or waiting for its summary: a console opened
/// mid-call shows it.
pub async fn current_call(line: Line<'_>, agent: &str) -> Result<Option<CallPop>, StoreError> {
    match phone_calls::latest_open_for_agent(line.db, agent, now() - STALE_AFTER_SECONDS).await? {
        Some(call) => Ok(Some(pop_for(line, &call).await?)),
        None => Ok(None),
    }
}

/// The agent's call, inside the transaction, or why not.
async fn agents_call(
    tx: &mut crate::store::db::Conn,
    agent: &str,
    call_id: &str,
) -> Result<StoredCall, TelephonyError> {
    let call_id = CallId::parse(call_id).ok_or(TelephonyError::UnknownCall)?;
    let call = phone_calls::find(tx, call_id.as_str())
        .await?
        .ok_or(TelephonyError::UnknownCall)?;
    if call.agent != agent {
        return Err(TelephonyError::NotYourCall);
    }
    Ok(call)
}

/// The subject of a case opened from a call.
fn phone_case_subject(call: &StoredCall) -> String {
    match call
        .caller
        .as_deref()
        .and_then(|c| PhoneNumber::parse(c).ok())
    {
        Some(phone) => format!("Telefonopkald fra {}", phone.display()),
        None => "Telefonopkald (skjult nummer)".to_owned(),
    }
}

/// The category of a case opened from a call, until the supporter knows better.
pub const PHONE_CASE_CATEGORY: Category = Category::Other;

/// Opens a phone case for the call (the caller's, when their number matched one citizen) and
/// attaches the call to it; an already attached call keeps its case. Returns the case's
/// reference and, for a new case, what the live feed announces.
pub async fn open_phone_case(
    line: Line<'_>,
    agent: &str,
    call_id: &str,
) -> Result<(String, Option<LiveCase>), TelephonyError> {
    let staff = users::find_by_username(line.db, agent)
        .await?
        .map(|u| u.id)
        .ok_or(TelephonyError::NotYourCall)?;
    let mut tx = line.db.begin_write().await?;
    let mut call = agents_call(&mut tx, agent, call_id).await?;
    if let Some(reference) = call.case_reference.clone() {
        return Ok((reference, None));
    }
    let subject = phone_case_subject(&call);
    let new = NewCase {
        subject: &subject,
        body: "Oprettet fra et indgående opkald.",
        system: System::MitId,
        category: PHONE_CASE_CATEGORY,
        channel: Channel::Phone,
        citizen: None,
        status_token_hash: None,
        created_by_staff: Some(staff),
        opened_at: None,
    };
    let (case_id, reference) = match call.caller_citizen_id {
        Some(citizen) => cases::create_in_for_citizen(&mut tx, new, citizen).await?,
        None => cases::create_in(&mut tx, new).await?,
    };
    let reference = reference.to_string();
    audit::append(
        &mut tx,
        &AuditEntry::new(agent, "case.phone_open", &reference).reason("indgående opkald"),
    )
    .await?;
    call.case_id = Some(case_id);
    call.case_reference = Some(reference.clone());
    log_when_ready(&mut tx, &mut call).await?;
    phone_calls::save(&mut tx, &call).await?;
    tx.commit().await?;
    line.tell(&call.agent, pop_for(line, &call).await?);
    let live = LiveCase {
        reference: reference.clone(),
        subject,
        priority: PHONE_CASE_CATEGORY.default_priority(),
        system: System::MitId,
    };
    Ok((reference, Some(live)))
}

/// The call is about an existing open case: attach it (and log it there once it has ended).
pub async fn attach(
    line: Line<'_>,
    agent: &str,
    call_id: &str,
    reference: &str,
) -> Result<String, TelephonyError> {
    let case = cases::find(line.db, reference.trim())
        .await?
        .ok_or(TelephonyError::UnknownCase)?;
    if case.row.status.is_done() {
        return Err(TelephonyError::CaseDone);
    }
    let mut tx = line.db.begin_write().await?;
    let mut call = agents_call(&mut tx, agent, call_id).await?;
    match call.case_id {
        Some(id) if id == case.id => return Ok(case.row.reference),
        Some(_) => return Err(TelephonyError::OtherCase),
        None => {}
    }
    audit::append(
        &mut tx,
        &AuditEntry::new(agent, "call.attach", &case.row.reference),
    )
    .await?;
    call.case_id = Some(case.id);
    call.case_reference = Some(case.row.reference.clone());
    log_when_ready(&mut tx, &mut call).await?;
    phone_calls::save(&mut tx, &call).await?;
    tx.commit().await?;
    line.tell(&call.agent, pop_for(line, &call).await?);
    Ok(case.row.reference)
}

/// Checks a call's summary as the manual call log does (`cases::calls`), and refuses control
/// characters but line breaks and tabs: it arrives from a form, never from a paste of binary.
fn check_summary(summary: &str) -> Result<&str, TelephonyError> {
    if summary
        .chars()
        .any(|c| c == '\u{FFFD}' || (c.is_control() && !matches!(c, '\n' | '\r' | '\t')))
    {
        return Err(TelephonyError::Garbled);
    }
    calls::check_summary(summary).map_err(TelephonyError::Summary)
}

/// The supporter's summary of an answered call that ended, written on its case.
pub async fn wrap_up(
    line: Line<'_>,
    agent: &str,
    call_id: &str,
    summary: &str,
) -> Result<String, TelephonyError> {
    let summary = check_summary(summary)?;
    let mut tx = line.db.begin_write().await?;
    let mut call = agents_call(&mut tx, agent, call_id).await?;
    if !call.times.ended() {
        return Err(TelephonyError::NotEnded);
    }
    if call.times.missed() {
        return Err(TelephonyError::Missed);
    }
    if call.wrapped_up {
        return Err(TelephonyError::AlreadyWrappedUp);
    }
    let (Some(event_id), Some(case_id), Some(reference)) =
        (call.event_id, call.case_id, call.case_reference.clone())
    else {
        return Err(TelephonyError::NoCase);
    };
    audit::append(
        &mut tx,
        &AuditEntry::new(agent, "case.call_summary", &reference),
    )
    .await?;
    phone_calls::set_summary(&mut tx, event_id, case_id, summary).await?;
    call.wrapped_up = true;
    phone_calls::save(&mut tx, &call).await?;
    tx.commit().await?;
    line.tell(&call.agent, pop_for(line, &call).await?);
    Ok(reference)
}

/// Today's calls (Danish calendar day), newest first.
pub async fn calls_today(db: &Db) -> Result<Vec<CallLogRow>, StoreError> {
    let start = danish_time::start_of_today(time::OffsetDateTime::now_utc()).unix_timestamp();
    let rows = phone_calls::since(db, start).await?;
    Ok(rows
        .into_iter()
        .map(|(call, caller_name)| {
            let first = call.times.ringing_at.unwrap_or(call.created_at);
            let at = time::OffsetDateTime::from_unix_timestamp(first)
                .map(|t| {
                    let local = danish_time::local(t);
                    format!("{:02}:{:02}", local.hour(), local.minute())
                })
                .unwrap_or_default();
            CallLogRow {
                call_id: call.call_id.clone(),
                at,
                caller_display: call
                    .caller
                    .as_deref()
                    .map(|c| PhoneNumber::parse(c).map_or_else(|_| c.to_owned(), |p| p.display())),
                caller_name,
                agent: call.agent.clone(),
                phase: call.times.phase(),
                missed: call.times.missed(),
                duration_seconds: call.times.duration_seconds(),
                case_reference: call.case_reference.clone(),
                wrapped_up: call.wrapped_up,
                needs_wrap_up: call.times.needs_wrap_up(call.wrapped_up),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests;
