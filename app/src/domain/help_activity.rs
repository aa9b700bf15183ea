//! What citizens do in the self-service help, counted per hour for the team lead's
//! "searched, opened a guide, did not write in" figures. Counted without cookies: a guide
//! opened from a search carries `?fra=soeg` in its link, and the guide's "write to us" link
//! carries it on to the contact form, so nothing identifies the citizen.

/// One counted step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Activity {
    /// A search submitted on the results page (suggestions while typing are not counted).
    Searched,
    /// A submitted search that found nothing.
    Missed,
    /// A guide opened from search results, search suggestions or the contact form's
    /// suggestions.
    Opened,
    /// A contact form sent after opening a guide from a search.
    WroteIn,
}

impl Activity {
    pub const ALL: [Self; 4] = [Self::Searched, Self::Missed, Self::Opened, Self::WroteIn];

    /// The stored name (`kb_activity.kind`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Searched => "searched",
            Self::Missed => "missed",
            Self::Opened => "opened",
            Self::WroteIn => "wrote_in",
        }
    }

    pub fn parse(stored: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == stored)
    }
}

/// The query parameter that marks a link followed from the help search.
pub const TRAIL_PARAM: &str = "fra";
/// Its value on links from search results and suggestions.
pub const FROM_SEARCH: &str = "soeg";

/// Whether a `fra` value says the citizen came from the help search; anything else (absent,
/// hostile, another value) does not count.
pub fn came_from_search(trail: Option<&str>) -> bool {
    trail.is_some_and(|t| t == FROM_SEARCH)
}

/// The link to a guide, marked as followed from a search.
pub fn guide_from_search(slug: &str) -> String {
    format!("/hjaelp/{slug}?{TRAIL_PARAM}={FROM_SEARCH}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_round_trip_and_only_the_search_trail_counts() {
        for a in Activity::ALL {
            assert_eq!(Activity::parse(a.as_str()), Some(a));
        }
        assert_eq!(Activity::parse("Searched"), None);
        assert!(came_from_search(Some("soeg")));
        for other in [
            None,
            Some(""),
            Some("SOEG"),
            Some("soeg "),
            Some("\"><svg onload>"),
        ] {
            assert!(!came_from_search(other), "{other:?}");
        }
        assert_eq!(
            guide_from_search("glemt-kode"),
            "/hjaelp/glemt-kode?fra=soeg"
        );
    }
}
