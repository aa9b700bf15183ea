//! Incidents (driftsstatus): the lead declares and resolves; the lead or a supporter links
//! cases. The banner's open incidents come from memory ([`open_banners`]), never the database.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::domain::incident::{Banner, IncidentDetail, IncidentSummary};
use crate::errors::AppError;

#[cfg(feature = "ssr")]
fn failed(e: crate::incidents::IncidentError) -> AppError {
    use crate::i18n::Lang;
    use crate::incidents::IncidentError;
    match e {
        IncidentError::Store(e) => e.into(),
        other => crate::functions::invalid(
            other.field(),
            &other.message(Lang::Da),
            &other.message(Lang::En),
        ),
    }
}

/// The open incidents for the banner, from the app state's memory (no database read). Empty
/// outside a request or in the browser (the banner is rendered on the server only).
pub fn open_banners() -> std::sync::Arc<Vec<Banner>> {
    #[cfg(feature = "ssr")]
    {
        use_context::<crate::state::AppState>()
            .map(|state| state.incidents.open())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        std::sync::Arc::default()
    }
}

/// Every incident, open and past, with its linked-case counts.
#[server(prefix = "/api", endpoint = "incidents/list", input = GetUrl)]
pub async fn list_incidents() -> Result<Vec<IncidentSummary>, AppError> {
    use crate::domain::Role;
    use crate::functions::guard::{Staff, staff};

    let Staff { state, .. } = staff(&[Role::Supporter])?;
    Ok(crate::incidents::list(&state).await?)
}

/// One incident with its linked cases and, while it is open, the suggested ones.
#[server(prefix = "/api", endpoint = "incidents/get", input = GetUrl)]
pub async fn get_incident(id: i64) -> Result<Option<IncidentDetail>, AppError> {
    use crate::domain::Role;
    use crate::functions::guard::{Staff, staff};

    let Staff { state, .. } = staff(&[Role::Supporter])?;
    crate::incidents::detail(&state, id).await
}

/// A lead declares an incident: systems, the public text in Danish and English, search words,
/// start and expected end. Refused field by field, with nothing stored.
#[server(prefix = "/api", endpoint = "incidents/declare")]
pub async fn declare_incident(
    csrf_token: String,
    systems: Option<Vec<String>>,
    text_da: String,
    text_en: String,
    search_words: String,
    starts_at: String,
    expected_end: String,
) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::domain::incident::IncidentDraft;
    use crate::functions::guard::{Staff, staff};

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Lead])?;
    let systems = systems.unwrap_or_default();
    if systems.len() > 20 {
        return Err(failed(
            crate::domain::incident::IncidentRefusal::UnknownSystem.into(),
        ));
    }
    // No start given: now.
    let starts_at = if starts_at.trim().is_empty() {
        let now = crate::domain::danish_time::now_local();
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}",
            now.year(),
            u8::from(now.month()),
            now.day(),
            now.hour(),
            now.minute()
        )
    } else {
        starts_at
    };
    let draft = IncidentDraft::parse(
        &systems,
        &text_da,
        &text_en,
        &search_words,
        &starts_at,
        &expected_end,
    )
    .map_err(|r| failed(r.into()))?;
    let id = crate::incidents::declare(&state, &me.username, &draft)
        .await
        .map_err(failed)?;
    leptos_axum::redirect(&format!("/leder/drift/{id}?erklaeret=1"));
    Ok(())
}

/// The lead or a supporter links the selected open cases to the open incident; from a case's
/// page (`from_case`: its reference) the answer goes back to that page.
#[server(prefix = "/api", endpoint = "incidents/link")]
pub async fn link_incident_cases(
    csrf_token: String,
    incident_id: i64,
    references: Option<Vec<String>>,
    from_case: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::domain::case_category::CaseRef;
    use crate::functions::guard::{Staff, staff};

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Supporter])?;
    let references = references.unwrap_or_default();
    let (linked, skipped) = crate::incidents::link(&state, &me.username, incident_id, &references)
        .await
        .map_err(failed)?;
    // Only a well-formed reference becomes part of the redirect.
    match from_case.as_deref().map(CaseRef::parse) {
        Some(Ok(case)) => leptos_axum::redirect(&format!(
            "/support/sag/{case}?drift={incident_id}&knyttet={linked}#incidents"
        )),
        _ => leptos_axum::redirect(&format!(
            "/leder/drift/{incident_id}?knyttet={linked}&sprunget={skipped}"
        )),
    }
    Ok(())
}

/// The lead or a supporter unlinks the selected cases from the open incident.
#[server(prefix = "/api", endpoint = "incidents/unlink")]
pub async fn unlink_incident_cases(
    csrf_token: String,
    incident_id: i64,
    references: Option<Vec<String>>,
) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::functions::guard::{Staff, staff};

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Supporter])?;
    let references = references.unwrap_or_default();
    let unlinked = crate::incidents::unlink(&state, &me.username, incident_id, &references)
        .await
        .map_err(failed)?;
    leptos_axum::redirect(&format!("/leder/drift/{incident_id}?fjernet={unlinked}"));
    Ok(())
}

/// A lead resolves the incident with its closing text in Danish and English: the banner comes
/// down, the linked cases are resolved and each linked citizen is e-mailed once.
#[server(prefix = "/api", endpoint = "incidents/resolve")]
pub async fn resolve_incident(
    csrf_token: String,
    incident_id: i64,
    closing_da: String,
    closing_en: String,
) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::domain::incident::{IncidentRefusal, parse_text};
    use crate::functions::guard::{Staff, staff};

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Lead])?;
    let closing_da =
        parse_text(&closing_da, IncidentRefusal::TextDaShort).map_err(|r| failed(r.into()))?;
    let closing_en =
        parse_text(&closing_en, IncidentRefusal::TextEnShort).map_err(|r| failed(r.into()))?;
    crate::incidents::resolve(&state, &me.username, incident_id, &closing_da, &closing_en)
        .await
        .map_err(failed)?;
    leptos_axum::redirect(&format!("/leder/drift/{incident_id}?loeses=1"));
    Ok(())
}
