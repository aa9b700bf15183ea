//! `LocalPath`: a return address (`next=`) that can only lead to a page on this site.

/// A path on this site, safe to put in a `Location` header or a link: it starts with one `/`,
/// and holds only visible ASCII without backslashes. Browsers drop tabs and newlines from URLs
/// and read `\` as `/`, so `/<TAB>/evil.example` or `/\evil.example` would leave the site as
/// `//evil.example`; non-ASCII or control characters are refused rather than cleaned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalPath(String);

impl LocalPath {
    /// Paths longer than this are refused (a return address is never this long).
    pub const MAX_LEN: usize = 2048;

    pub fn parse(raw: &str) -> Option<Self> {
        let mut chars = raw.chars();
        let first_ok = chars.next() == Some('/');
        let second_ok = !matches!(chars.next(), Some('/' | '\\'));
        let all_visible_ascii = raw.chars().all(|c| c.is_ascii_graphic() && c != '\\');
        (first_ok && second_ok && all_visible_ascii && raw.len() <= Self::MAX_LEN)
            .then(|| Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_paths_on_this_site() {
        for ok in [
            "/",
            "/support",
            "/support?view=urgent&x=1",
            "/hjaelp/mitid#top",
        ] {
            assert_eq!(
                LocalPath::parse(ok).map(LocalPath::into_string),
                Some(ok.into())
            );
        }
    }

    #[test]
    fn refuses_everything_that_can_leave_the_site() {
        for bad in [
            "",
            "support",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/%09/evil.example\t",
            "/\n/evil.example",
            "/\r\nSet-Cookie: x=1",
            "/\0",
            "https://evil.example",
            " /support",
            "/ /evil",
            "/sùpport",
            "/\u{2215}\u{2215}evil.example",
            "\u{FF0F}\u{FF0F}evil.example",
        ] {
            assert_eq!(LocalPath::parse(bad), None, "{bad:?}");
        }
        assert!(LocalPath::parse(&format!("/{}", "a".repeat(LocalPath::MAX_LEN))).is_none());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_000))]

        /// Whatever a stranger sends, an accepted path resolves to this site, as a browser
        /// (the WHATWG URL parser) reads it.
        #[test]
        fn an_accepted_path_never_leaves_the_site(raw in "\\PC{0,40}|/?[/\\\\\t\r\n.:@%a-zA-Z]{0,12}") {
            let desk = url::Url::parse("https://desk.example/").unwrap();
            if let Some(path) = LocalPath::parse(&raw) {
                let target = desk.join(path.as_str()).unwrap();
                proptest::prop_assert_eq!(target.host_str(), Some("desk.example"));
                proptest::prop_assert_eq!(target.scheme(), "https");
            }
        }

        #[test]
        fn a_plain_path_is_kept(segments in proptest::collection::vec("[a-z0-9_-]{1,10}", 0..5)) {
            let path = format!("/{}", segments.join("/"));
            proptest::prop_assert_eq!(LocalPath::parse(&path).map(LocalPath::into_string), Some(path));
        }
    }
}
