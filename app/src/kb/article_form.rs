//! The editor's form on the server: the form for a new article or a saved one, and every
//! problem with the input, found without the database (the knowledge base's own rules from
//! `front_matter`, plus lengths, web addresses and statuses).

use super::front_matter::{FrontMatter, FrontMatterError, is_valid_slug, validate};
use crate::domain::System;
use crate::domain::kb_admin_views::{
    AUDIENCES, ArticleForm, FIELD_ORDER, FieldError, LANGS, STATUSES,
};
use crate::store::articles::{ArticleInput, ArticleRow};

/// The form for a new article: Danish, for citizens, a draft.
pub fn new_form() -> ArticleForm {
    ArticleForm {
        lang: "da".into(),
        audience: "public".into(),
        status: "draft".into(),
        ..ArticleForm::default()
    }
}

/// The form as a saved article fills it in.
pub fn form_from(row: &ArticleRow) -> ArticleForm {
    ArticleForm {
        slug: row.slug.clone(),
        lang: row.lang.clone(),
        title: row.title.clone(),
        summary: row.summary.clone(),
        body: row.body_md.clone(),
        systems: row.systems.clone(),
        audience: row.audience.clone(),
        tags: row.tags.join(", "),
        sources: row.sources.join("\n"),
        translation_of: row.translation_of.clone().unwrap_or_default(),
        status: row.status.clone(),
    }
}

fn dedup(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// The form as the store takes it: trimmed, systems spelt as the knowledge base spells
/// them, tags and sources split into lists.
fn to_input(form: &ArticleForm) -> ArticleInput {
    let translation_of = form.translation_of.trim();
    ArticleInput {
        slug: form.slug.trim().to_owned(),
        lang: form.lang.trim().to_owned(),
        title: form.title.trim().to_owned(),
        summary: form.summary.trim().to_owned(),
        body_md: form.body.replace("\r\n", "\n").trim().to_owned(),
        systems: dedup(form.systems.iter().map(|s| {
            System::parse(s).map_or_else(|| s.trim().to_owned(), |sys| sys.name().to_owned())
        })),
        audience: form.audience.trim().to_owned(),
        tags: dedup(
            form.tags
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned),
        ),
        sources: dedup(
            form.sources
                .lines()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
        ),
        translation_of: (!translation_of.is_empty()).then(|| translation_of.to_owned()),
        status: form.status.trim().to_owned(),
    }
}

const PLACEHOLDER: &str = "x";

fn placeholder_systems() -> Vec<String> {
    vec![System::MitId.name().to_owned()]
}

/// Every problem the knowledge base's own rules (`front_matter::validate`) find, one per
/// field. `validate` reports the first problem only, so each round stands in a valid value
/// for the field it blamed and asks again.
fn front_matter_errors(meta: &FrontMatter, body: &str) -> Vec<FieldError> {
    let mut meta = meta.clone();
    let mut body = body.to_owned();
    let mut errors = Vec::new();
    for _ in 0..16 {
        match validate(&meta, &body) {
            Ok(()) => break,
            Err(FrontMatterError::Slug(slug)) => {
                errors.push(if slug.trim().is_empty() {
                    FieldError::new("slug", "Skriv et slug.", "Enter a slug.")
                } else {
                    FieldError::new(
                        "slug",
                        "Slugget må kun indeholde små bogstaver a–z, tal og bindestreger \
                         (højst 100 tegn) og må ikke begynde eller slutte med en bindestreg.",
                        "The slug may only contain lowercase letters a–z, digits and hyphens \
                         (at most 100 characters), and may not start or end with a hyphen.",
                    )
                });
                meta.slug = PLACEHOLDER.into();
            }
            Err(FrontMatterError::Lang(_)) => {
                errors.push(FieldError::new(
                    "lang",
                    "Vælg sproget: dansk eller engelsk.",
                    "Choose the language: Danish or English.",
                ));
                meta.lang = LANGS[0].into();
            }
            Err(FrontMatterError::Audience(_)) => {
                errors.push(FieldError::new(
                    "audience",
                    "Vælg målgruppen: borgere eller medarbejdere.",
                    "Choose the audience: citizens or staff.",
                ));
                meta.audience = AUDIENCES[0].into();
            }
            Err(FrontMatterError::System(bad)) => {
                errors.push(FieldError::new(
                    "systems",
                    format!("Systemet »{bad}« findes ikke. Vælg blandt de seks systemer."),
                    format!("There is no system “{bad}”. Choose among the six systems."),
                ));
                meta.systems.retain(|s| *s != bad);
            }
            Err(FrontMatterError::Empty) => {
                let empty = empty_fields(&meta, &body);
                if empty.is_empty() {
                    break;
                }
                for field in empty {
                    errors.push(match field {
                        "title" => {
                            meta.title = PLACEHOLDER.into();
                            FieldError::new("title", "Skriv en titel.", "Enter a title.")
                        }
                        "summary" => {
                            meta.summary = PLACEHOLDER.into();
                            FieldError::new("summary", "Skriv et resumé.", "Enter a summary.")
                        }
                        "systems" => {
                            meta.systems = placeholder_systems();
                            FieldError::new(
                                "systems",
                                "Vælg mindst ét system.",
                                "Choose at least one system.",
                            )
                        }
                        _ => {
                            body = PLACEHOLDER.into();
                            FieldError::new(
                                "body",
                                "Skriv vejledningens tekst.",
                                "Enter the text of the guide.",
                            )
                        }
                    });
                }
            }
            Err(FrontMatterError::Missing | FrontMatterError::Toml(_)) => break,
        }
    }
    errors
}

/// Which of the fields `validate` requires are empty: those that still make it answer
/// `Empty` when every other required field is filled in.
fn empty_fields(meta: &FrontMatter, body: &str) -> Vec<&'static str> {
    ["title", "summary", "systems", "body"]
        .into_iter()
        .filter(|&field| {
            let mut probe = meta.clone();
            let mut probe_body = PLACEHOLDER.to_owned();
            if field != "title" {
                probe.title = PLACEHOLDER.into();
            }
            if field != "summary" {
                probe.summary = PLACEHOLDER.into();
            }
            if field != "systems" {
                probe.systems = placeholder_systems();
            }
            if field == "body" {
                probe_body = body.to_owned();
            }
            matches!(validate(&probe, &probe_body), Err(FrontMatterError::Empty))
        })
        .collect()
}

const MAX_TITLE: usize = 200;
const MAX_SUMMARY: usize = 600;
const MAX_BODY: usize = 200_000;

/// Checks the form without the database: the article's input and every problem found.
pub fn check(form: &ArticleForm) -> (ArticleInput, Vec<FieldError>) {
    let input = to_input(form);
    let meta = FrontMatter {
        slug: input.slug.clone(),
        title: input.title.clone(),
        lang: input.lang.clone(),
        summary: input.summary.clone(),
        systems: input.systems.clone(),
        audience: input.audience.clone(),
        tags: input.tags.clone(),
        sources: input.sources.clone(),
        translation_of: input.translation_of.clone(),
    };
    let mut errors = front_matter_errors(&meta, &input.body_md);
    let too_long = |field: &str, max: usize, da: &str, en: &str| {
        FieldError::new(
            field,
            format!("{da} må højst have {max} tegn."),
            format!("{en} may have at most {max} characters."),
        )
    };
    if input.title.chars().count() > MAX_TITLE {
        errors.push(too_long("title", MAX_TITLE, "Titlen", "The title"));
    }
    if input.summary.chars().count() > MAX_SUMMARY {
        errors.push(too_long("summary", MAX_SUMMARY, "Resuméet", "The summary"));
    }
    if input.body_md.chars().count() > MAX_BODY {
        errors.push(too_long("body", MAX_BODY, "Teksten", "The text"));
    }
    if let Some(bad) = input.sources.iter().find(|s| !is_web_address(s)) {
        errors.push(FieldError::new(
            "sources",
            format!(
                "»{bad}« er ikke en webadresse. Skriv én adresse pr. linje, der begynder med https://."
            ),
            format!(
                "“{bad}” is not a web address. Write one address per line, starting with https://."
            ),
        ));
    }
    if let Some(original) = &input.translation_of
        && !is_valid_slug(original)
    {
        errors.push(FieldError::new(
            "translation_of",
            "»Oversættelse af« skal være slugget på en vejledning på det andet sprog.",
            "“Translation of” must be the slug of a guide in the other language.",
        ));
    }
    if !STATUSES.contains(&input.status.as_str()) {
        errors.push(FieldError::new(
            "status",
            "Vælg status: kladde, publiceret eller arkiveret.",
            "Choose the status: draft, published or archived.",
        ));
    }
    sort_errors(&mut errors);
    (input, errors)
}

fn is_web_address(s: &str) -> bool {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.chars().any(char::is_whitespace))
}

/// Puts the errors in the order the editor shows the fields.
pub fn sort_errors(errors: &mut [FieldError]) {
    errors.sort_by_key(|e| {
        FIELD_ORDER
            .iter()
            .position(|f| *f == e.field)
            .unwrap_or(FIELD_ORDER.len())
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good_form() -> ArticleForm {
        ArticleForm {
            slug: "ny-vejledning".into(),
            lang: "da".into(),
            title: "Ny vejledning".into(),
            summary: "Kort fortalt.".into(),
            body: "Sådan gør du.\r\n\r\n## Trin\r\n".into(),
            systems: vec!["mitid".into(), "Digital Post".into(), "MitID".into()],
            audience: "public".into(),
            tags: " kode, , spærring ,kode".into(),
            sources: "https://www.mitid.dk/\n\n  https://www.borger.dk/  \n".into(),
            translation_of: "  ".into(),
            status: "draft".into(),
        }
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_good_form_becomes_clean_input() {
        let (input, errors) = check(&good_form());
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(input.systems, vec!["MitID", "Digital Post"]);
        assert_eq!(input.tags, vec!["kode", "spærring"]);
        assert_eq!(
            input.sources,
            vec!["https://www.mitid.dk/", "https://www.borger.dk/"]
        );
        assert_eq!(input.translation_of, None);
        assert_eq!(input.body_md, "Sådan gør du.\n\n## Trin");
    }

    #[test]
    fn every_broken_field_is_reported_once_in_form_order() {
        let form = ArticleForm {
            slug: "Ikke Gyldig".into(),
            lang: "de".into(),
            title: " ".into(),
            summary: String::new(),
            body: "\n".into(),
            systems: vec![],
            audience: "alle".into(),
            tags: String::new(),
            sources: "www.mitid.dk".into(),
            translation_of: "Æble".into(),
            status: "klar".into(),
        };
        let (_, errors) = check(&form);
        assert_eq!(
            fields(&errors),
            vec![
                "slug",
                "lang",
                "title",
                "summary",
                "body",
                "systems",
                "audience",
                "sources",
                "translation_of",
                "status"
            ]
        );
        for e in &errors {
            assert!(!e.message_da.is_empty() && e.message_da != e.message_en);
        }
    }

    #[test]
    fn unknown_systems_and_a_missing_system_are_named() {
        let mut form = good_form();
        form.systems = vec!["NemID".into()];
        let (_, errors) = check(&form);
        assert_eq!(fields(&errors), vec!["systems", "systems"]);
        assert!(errors[0].message_da.contains("NemID"));
        assert_eq!(errors[1].message_da, "Vælg mindst ét system.");

        form.systems = vec![];
        let (_, errors) = check(&form);
        assert_eq!(fields(&errors), vec!["systems"]);
    }

    #[test]
    fn an_empty_slug_asks_for_one() {
        let mut form = good_form();
        form.slug = String::new();
        let (_, errors) = check(&form);
        assert_eq!(errors[0].message_en, "Enter a slug.");
        form.slug = "-x".into();
        let (_, errors) = check(&form);
        assert!(errors[0].message_en.contains("lowercase"));
    }
}
