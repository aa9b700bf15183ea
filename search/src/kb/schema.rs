//! The knowledge-base schema: its fields, the parts they play in a search, and how an
//! article fills them.

use tantivy::schema::{FacetOptions, Field, NumericOptions, STORED, STRING, Schema, TextOptions};
use tantivy::{Score, TantivyDocument};

use super::ArticleDoc;
use crate::matching::{Scheme, options};

// Field boosts: a word in the title says more about an article than a word in its body.
const TITLE_BOOST: Score = 3.0;
const TAGS_BOOST: Score = 2.0;
const SUMMARY_BOOST: Score = 1.5;
const BODY_BOOST: Score = 1.0;

#[derive(Debug, Clone, Copy)]
pub(super) struct Fields {
    pub(super) id: Field,
    pub(super) slug: Field,
    pub(super) lang: Field,
    pub(super) audience: Field,
    pub(super) title: Field,
    pub(super) summary: Field,
    pub(super) body: Field,
    pub(super) tags: Field,
    pub(super) systems: Field,
    pub(super) system_facet: Field,
    /// Title and tags, lower-cased, not stemmed: for typos and prefixes.
    title_raw: Field,
    /// Summary and body, lower-cased, not stemmed: for typos and prefixes.
    text_raw: Field,
    /// Fast field: the title as a Danish sort key.
    title_sort: Field,
    /// The synonym-expression pairs of title, tags, summary and body (see
    /// [`crate::analyzer::pairs`]).
    title_pairs: Field,
    tags_pairs: Field,
    summary_pairs: Field,
    body_pairs: Field,
}

impl Fields {
    /// The parts the fields play in a search.
    pub(super) fn scheme(&self) -> Scheme {
        Scheme {
            stemmed: vec![
                (self.title, TITLE_BOOST),
                (self.tags, TAGS_BOOST),
                (self.summary, SUMMARY_BOOST),
                (self.body, BODY_BOOST),
            ],
            short: vec![
                (self.title, TITLE_BOOST),
                (self.tags, TAGS_BOOST),
                (self.summary, SUMMARY_BOOST),
            ],
            raw: vec![(self.title_raw, TITLE_BOOST), (self.text_raw, BODY_BOOST)],
            pairs: vec![
                (self.title, self.title_pairs),
                (self.tags, self.tags_pairs),
                (self.summary, self.summary_pairs),
                (self.body, self.body_pairs),
            ],
            title: (self.title, TITLE_BOOST),
            body: self.body,
        }
    }

    /// The index document of `article`.
    pub(super) fn document(&self, article: &ArticleDoc) -> TantivyDocument {
        let f = self;
        let mut doc = TantivyDocument::default();
        doc.add_i64(f.id, article.id);
        doc.add_text(f.slug, &article.slug);
        doc.add_text(f.lang, article.lang.trim());
        doc.add_text(f.audience, article.audience.trim());
        doc.add_text(f.title, &article.title);
        doc.add_text(f.title_pairs, &article.title);
        doc.add_text(f.title_raw, &article.title);
        doc.add_text(f.title_sort, sort_key(&article.title));
        doc.add_text(f.summary, &article.summary);
        doc.add_text(f.summary_pairs, &article.summary);
        doc.add_text(f.text_raw, &article.summary);
        doc.add_text(f.body, &article.body);
        doc.add_text(f.body_pairs, &article.body);
        doc.add_text(f.text_raw, &article.body);
        for tag in &article.tags {
            doc.add_text(f.tags, tag);
            doc.add_text(f.tags_pairs, tag);
            doc.add_text(f.title_raw, tag);
        }
        for system in &article.systems {
            doc.add_text(f.systems, system);
            doc.add_facet(f.system_facet, system_facet(Some(system)));
        }
        doc
    }
}

pub(super) fn build_schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let stemmed = options::stemmed().set_stored();
    let raw = options::raw();
    let keyword = options::keyword().set_stored();
    let pairs = options::pairs();
    let fields = Fields {
        id: builder.add_i64_field(
            "id",
            NumericOptions::default()
                .set_indexed()
                .set_stored()
                .set_fast(),
        ),
        slug: builder.add_text_field("slug", STRING | STORED),
        lang: builder.add_text_field("lang", keyword.clone()),
        audience: builder.add_text_field("audience", keyword.clone()),
        title: builder.add_text_field("title", stemmed.clone()),
        summary: builder.add_text_field("summary", stemmed.clone()),
        body: builder.add_text_field("body", stemmed.clone()),
        tags: builder.add_text_field("tags", stemmed),
        systems: builder.add_text_field("systems", keyword),
        system_facet: builder.add_facet_field("system_facet", FacetOptions::default()),
        title_raw: builder.add_text_field("title_raw", raw.clone()),
        text_raw: builder.add_text_field("text_raw", raw),
        title_sort: builder.add_text_field("title_sort", TextOptions::default().set_fast(None)),
        title_pairs: builder.add_text_field("title_pairs", pairs.clone()),
        tags_pairs: builder.add_text_field("tags_pairs", pairs.clone()),
        summary_pairs: builder.add_text_field("summary_pairs", pairs.clone()),
        body_pairs: builder.add_text_field("body_pairs", pairs),
    };
    (builder.build(), fields)
}

/// `/system/<name>`, or `/system` for `None`. A "/" inside a name would nest the facet, so
/// it is swapped for a look-alike and swapped back where facets are listed.
pub(super) fn system_facet(system: Option<&str>) -> tantivy::schema::Facet {
    let mut path = vec!["system".to_string()];
    path.extend(system.map(|s| s.replace('/', "\u{2215}")));
    tantivy::schema::Facet::from_path(path)
}

/// A sort key that puts titles in Danish order: case-insensitive, with æ, ø, å after z.
pub(super) fn sort_key(title: &str) -> String {
    title
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'æ' => '{',
            'ø' => '|',
            'å' => '}',
            other => other,
        })
        .collect()
}
