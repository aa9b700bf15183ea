//! The citizen's satisfaction rating: following the one-click link from the resolution
//! e-mail, and the optional comment after it. No login: the link's token is the proof.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::domain::rating::RatingOutcome;
use crate::errors::AppError;

/// Follows a rating link: `score` ("1"–"5") is recorded once per case while the link is
/// valid; anything else in `score` only shows the choices.
#[server(prefix = "/api", endpoint = "rating/follow", input = GetUrl)]
pub async fn follow_rating_link(
    token: String,
    score: Option<String>,
) -> Result<RatingOutcome, AppError> {
    use crate::domain::rating::Score;
    use crate::state::AppState;

    let state = AppState::from_context()?;
    let score = score.as_deref().and_then(Score::parse);
    Ok(crate::ratings::follow(&state.db, &token, score).await?)
}

/// Adds the citizen's comment to their rating and returns them to the rating page.
#[server(prefix = "/api", endpoint = "rating/comment")]
pub async fn comment_rating(
    csrf_token: String,
    token: String,
    comment: String,
) -> Result<(), AppError> {
    use crate::i18n::Lang;
    use crate::ratings::RatingError;
    use crate::state::AppState;

    let _ = csrf_token;
    let state = AppState::from_context()?;
    crate::ratings::comment(&state.db, &token, &comment)
        .await
        .map_err(|e| match e {
            RatingError::Store(e) => e.into(),
            e => crate::functions::invalid(e.field(), e.message(Lang::Da), e.message(Lang::En)),
        })?;
    // The token is 43 URL-safe characters (checked by the service): safe in a path.
    leptos_axum::redirect(&format!("/vurdering/{token}?tak=1"));
    Ok(())
}
