//! Full-text search over cases for supporters (reference, subject, citizen's name, timeline
//! text). Never over CPR numbers: they are redacted before indexing.

use std::sync::Arc;

use crate::errors::AppError;
use crate::index_sync::cases::CaseSearch;
use crate::store::Db;

/// The cases matching `query`, at most fifty, after bringing the index up to date so that
/// whatever was just committed is found. An empty query finds nothing.
pub async fn cases(
    db: &Db,
    index: Arc<CaseSearch>,
    query: String,
    system: Option<String>,
    status: Option<String>,
    party: Option<String>,
) -> Result<Option<search::CaseSearchResults>, AppError> {
    if query.trim().is_empty() {
        return Ok(None);
    }
    // Read-your-writes: whatever was just committed is searchable.
    index.sync(db).await?;
    let mut request = search::CaseSearchRequest::new(query);
    request.system = system;
    request.status = status.filter(|s| !s.is_empty());
    request.party = party;
    request.limit = 50;
    let results =
        crate::index_sync::search("cases", move || index.index().search(&request)).await?;
    Ok(Some(results))
}
