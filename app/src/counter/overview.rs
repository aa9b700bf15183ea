//! What the counter's pages read: the day's visits and one visit with the citizen's MitID,
//! open cases and exemption.

use super::flow::today;
use crate::domain::counter::view::{TodayRow, VisitView};
use crate::domain::danish_time;
use crate::errors::AppError;
use crate::state::AppState;
use crate::store::{identities, visits};

/// The visits started today (Danish time), and every visit still open.
pub async fn today_visits(state: &AppState) -> Result<Vec<TodayRow>, AppError> {
    let since = danish_time::start_of_today(time::OffsetDateTime::now_utc())
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    Ok(visits::today(&state.db, &since).await?)
}

/// The visit as its page shows it; never the password hash.
pub async fn visit(state: &AppState, id: i64) -> Result<Option<VisitView>, AppError> {
    let Some(visit) = visits::load(&state.db, id).await? else {
        return Ok(None);
    };
    let identity = identities::for_citizen(&state.db, visit.citizen_id).await?;
    let (open_cases, exempt_until) =
        visits::citizen_overview(&state.db, visit.citizen_id, today()).await?;
    let age = visit
        .cpr_sealed
        .as_deref()
        .and_then(|s| state.cpr_vault.open(s).ok())
        .map(|cpr| cpr.age_on(today()))
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
