//! The team lead's dashboard: one read of every figure for the chosen period and filters.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::domain::dashboard::DashboardView;
use crate::errors::AppError;

/// The dashboard for `period` (`today`, `7d`, `30d`, `custom` with `from`/`to`), one system and
/// one channel (empty: all). Team leads only; a bad period or filter is refused (422) with
/// its message.
#[server(prefix = "/api", endpoint = "lead/dashboard", input = GetUrl)]
pub async fn lead_dashboard(
    period: String,
    from: String,
    to: String,
    system: String,
    channel: String,
) -> Result<DashboardView, AppError> {
    use crate::dashboard::DashboardError;
    use crate::domain::Role;
    use crate::domain::dashboard::DashboardQuery;
    use crate::functions::guard::{Staff, staff};
    use crate::i18n::Lang;
    use crate::page_context::PageContext;

    let Staff { state, .. } = staff(&[Role::Lead])?;
    let lang = PageContext::current().lang;
    let query = DashboardQuery {
        period,
        from,
        to,
        system,
        channel,
    };
    match crate::dashboard::build(&state.db, &state.help_counts, &query, lang).await {
        Ok(view) => Ok(view),
        Err(DashboardError::Query(e)) => Err(crate::functions::invalid(
            e.field(),
            &e.message(Lang::Da),
            &e.message(Lang::En),
        )),
        Err(DashboardError::Store(e)) => Err(e.into()),
    }
}
