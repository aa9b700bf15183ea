//! Satisfaction ratings: the citizen's score of 1–5 for a resolved case, given through a
//! one-click link in the resolution e-mail, and an optional comment.

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

/// How long a rating link works after the case was resolved.
pub const LINK_DAYS: i64 = 30;
/// The longest comment, in characters.
pub const COMMENT_MAX_CHARS: usize = 2_000;

/// A score from 1 (very dissatisfied) to 5 (very satisfied).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Score(u8);

impl Score {
    pub const ALL: [Score; 5] = [Score(1), Score(2), Score(3), Score(4), Score(5)];

    /// "1" to "5" and nothing else (no signs, spaces or look-alike digits).
    pub fn parse(value: &str) -> Option<Self> {
        match value.as_bytes() {
            [d @ b'1'..=b'5'] => Some(Score(d - b'0')),
            _ => None,
        }
    }

    pub fn from_stored(value: i64) -> Option<Self> {
        u8::try_from(value)
            .ok()
            .filter(|v| (1..=5).contains(v))
            .map(Score)
    }

    pub fn value(self) -> u8 {
        self.0
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self.0 {
            1 => lang.pick("Meget utilfreds", "Very dissatisfied"),
            2 => lang.pick("Utilfreds", "Dissatisfied"),
            3 => lang.pick("Hverken eller", "Neither"),
            4 => lang.pick("Tilfreds", "Satisfied"),
            _ => lang.pick("Meget tilfreds", "Very satisfied"),
        }
    }
}

/// Why a comment was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CommentError {
    #[error("the comment is empty")]
    Empty,
    #[error("the comment is too long")]
    TooLong,
}

impl CommentError {
    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            CommentError::Empty => lang.pick(
                "Skriv en kommentar, eller lad være med at sende formularen.",
                "Write a comment, or leave the form unsent.",
            ),
            CommentError::TooLong => lang.pick(
                "Kommentaren må højst være 2.000 tegn.",
                "The comment may be at most 2,000 characters.",
            ),
        }
    }
}

/// A citizen's comment: trimmed, control characters other than line breaks removed (NUL,
/// escape sequences, bidi overrides would only hide text from the reader), line breaks as
/// `\n`, and CPR numbers masked: it is shown to staff and must not carry one in clear.
#[cfg(feature = "ssr")]
pub fn parse_comment(raw: &str) -> Result<String, CommentError> {
    let cleaned: String = raw
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| *c == '\n' || !(c.is_control() || is_bidi_control(*c)))
        .collect();
    let trimmed = cleaned.trim();
    if trimmed.is_empty() {
        return Err(CommentError::Empty);
    }
    if trimmed.chars().count() > COMMENT_MAX_CHARS {
        return Err(CommentError::TooLong);
    }
    Ok(super::cpr::redact(trimmed))
}

#[cfg(feature = "ssr")]
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// A case's rating as staff see it on the case page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingView {
    pub score: Score,
    pub comment: Option<String>,
    /// Danish local time.
    pub rated_at: String,
}

/// What following a rating link did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RatingOutcome {
    /// The link is valid and the case not rated yet: the citizen chooses a score.
    Choose { reference: String },
    /// The score was recorded just now; a comment may follow.
    Recorded {
        reference: String,
        score: Score,
        may_comment: bool,
    },
    /// The case was rated before (one rating per case): nothing changed.
    AlreadyRated {
        reference: String,
        score: Score,
        may_comment: bool,
    },
    /// The link is older than [`LINK_DAYS`].
    Expired,
    /// No such link (mistyped, forged, or replaced by a newer one).
    Unknown,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_are_the_digits_one_to_five_only() {
        for (s, v) in [("1", 1), ("3", 3), ("5", 5)] {
            assert_eq!(Score::parse(s).map(Score::value), Some(v));
        }
        for s in [
            "0", "6", "", " 4", "4 ", "+4", "04", "４", "4\0", "44", "-1", "five",
        ] {
            assert_eq!(Score::parse(s), None, "{s:?}");
        }
        assert_eq!(Score::from_stored(5), Some(Score(5)));
        assert_eq!(Score::from_stored(0), None);
        assert_eq!(Score::from_stored(261), None);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn comments_are_cleaned_bounded_and_lose_cpr_numbers() {
        assert_eq!(parse_comment("  \r\n "), Err(CommentError::Empty));
        assert_eq!(parse_comment("\0\u{202E}"), Err(CommentError::Empty));
        assert_eq!(
            parse_comment("Tak\r\nfor\u{0}hjælpen\u{202E}").as_deref(),
            Ok("Tak\nforhjælpen")
        );
        assert_eq!(
            parse_comment("</textarea><script>x</script>").as_deref(),
            Ok("</textarea><script>x</script>"),
            "markup is kept as text; pages escape it"
        );
        let with_cpr = parse_comment("Mit CPR er 010203-1234").unwrap_or_default();
        assert!(!with_cpr.contains("010203-1234"), "{with_cpr}");
        assert_eq!(
            parse_comment(&"x".repeat(COMMENT_MAX_CHARS)).map(|c| c.len()),
            Ok(COMMENT_MAX_CHARS)
        );
        assert_eq!(
            parse_comment(&"æ".repeat(COMMENT_MAX_CHARS + 1)),
            Err(CommentError::TooLong)
        );
    }
}
