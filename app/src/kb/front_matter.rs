//! Knowledge-base article files: TOML front matter between `+++` lines, then Markdown.

use serde::Deserialize;

use crate::domain::System;

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub slug: String,
    pub title: String,
    pub lang: String,
    pub summary: String,
    pub systems: Vec<String>,
    pub audience: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub translation_of: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ArticleSource {
    pub meta: FrontMatter,
    pub body_md: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrontMatterError {
    #[error("the file does not start with a +++ front matter block")]
    Missing,
    #[error("the front matter is not valid TOML: {0}")]
    Toml(String),
    #[error("slug {0:?} may only contain a-z, 0-9 and '-'")]
    Slug(String),
    #[error("lang must be da or en, not {0:?}")]
    Lang(String),
    #[error("audience must be public or staff, not {0:?}")]
    Audience(String),
    #[error("unknown system {0:?}")]
    System(String),
    #[error("an article needs a title, a summary, at least one system and a body")]
    Empty,
}

pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 100
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
}

/// Parses and validates one article file.
pub fn parse(text: &str) -> Result<ArticleSource, FrontMatterError> {
    let text = text.trim_start_matches('\u{feff}');
    let rest = text.strip_prefix("+++").ok_or(FrontMatterError::Missing)?;
    let end = rest.find("\n+++").ok_or(FrontMatterError::Missing)?;
    let (toml_text, after) = rest.split_at(end);
    let body = after.trim_start_matches("\n+++").trim().to_owned();
    let meta: FrontMatter =
        toml::from_str(toml_text).map_err(|e| FrontMatterError::Toml(e.message().to_owned()))?;
    validate(&meta, &body)?;
    Ok(ArticleSource {
        meta,
        body_md: body,
    })
}

pub fn validate(meta: &FrontMatter, body: &str) -> Result<(), FrontMatterError> {
    if !is_valid_slug(&meta.slug) {
        return Err(FrontMatterError::Slug(meta.slug.clone()));
    }
    if !matches!(meta.lang.as_str(), "da" | "en") {
        return Err(FrontMatterError::Lang(meta.lang.clone()));
    }
    if !matches!(meta.audience.as_str(), "public" | "staff") {
        return Err(FrontMatterError::Audience(meta.audience.clone()));
    }
    if let Some(bad) = meta.systems.iter().find(|s| System::parse(s).is_none()) {
        return Err(FrontMatterError::System(bad.clone()));
    }
    if meta.title.trim().is_empty()
        || meta.summary.trim().is_empty()
        || meta.systems.is_empty()
        || body.trim().is_empty()
    {
        return Err(FrontMatterError::Empty);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "+++\nslug = \"glemt-bruger-id\"\ntitle = \"Glemt bruger-ID\"\nlang = \"da\"\n\
        summary = \"Sådan får du dit bruger-ID.\"\nsystems = [\"MitID\"]\naudience = \"public\"\n\
        tags = [\"bruger-id\"]\n+++\nRing til MitID Support.\n\n## Brug for hjælp?\nRing.\n";

    #[test]
    fn parses_front_matter_and_body() {
        let a = parse(GOOD).unwrap();
        assert_eq!(a.meta.slug, "glemt-bruger-id");
        assert_eq!(a.meta.systems, vec!["MitID"]);
        assert!(a.body_md.starts_with("Ring til MitID Support."));
        assert!(a.body_md.ends_with("Ring."));
    }

    #[test]
    fn refuses_broken_files() {
        assert_eq!(parse("no front matter"), Err(FrontMatterError::Missing));
        assert!(matches!(
            parse("+++\nslug = \n+++\nx"),
            Err(FrontMatterError::Toml(_))
        ));
        let bad_system = GOOD.replace("[\"MitID\"]", "[\"NemID\"]");
        assert_eq!(
            parse(&bad_system),
            Err(FrontMatterError::System("NemID".into()))
        );
        let bad_slug = GOOD.replace("glemt-bruger-id\"", "Glemt Bruger\"");
        assert!(matches!(parse(&bad_slug), Err(FrontMatterError::Slug(_))));
        let no_body = GOOD.split("+++\nRing").next().unwrap().to_owned() + "+++\n";
        assert_eq!(parse(&no_body), Err(FrontMatterError::Empty));
    }

    #[test]
    fn slugs() {
        assert!(is_valid_slug("mistet-kodeviser"));
        assert!(!is_valid_slug("mistet kodeviser"));
        assert!(!is_valid_slug("-x"));
        assert!(!is_valid_slug("æble"));
    }
}
