//! Related articles: tantivy's more-like-this over an article's own text.

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, MoreLikeThisQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, OwnedValue, Value};
use tantivy::{TantivyDocument, Term};

use super::{Audience, Hit, KbIndex, first_str, term_query};
use crate::error::Result;
use crate::matching::stemmed_stop_words;

impl KbIndex {
    /// Articles like article `id`, in its language, best first. A public article only gets
    /// public articles; a staff article gets both. Empty if there is no article `id`.
    pub fn related(&self, id: i64, limit: usize) -> Result<Vec<Hit>> {
        let f = &self.fields;
        let searcher = self.store.searcher();
        let by_id = TermQuery::new(Term::from_field_i64(f.id, id), IndexRecordOption::Basic);
        let Some((_, address)) = searcher
            .search(&by_id, &TopDocs::with_limit(1))?
            .into_iter()
            .next()
        else {
            return Ok(Vec::new());
        };
        let doc: TantivyDocument = searcher.doc(address)?;
        let text = |field: Field| -> Vec<OwnedValue> {
            doc.get_all(field)
                .filter_map(|v| v.as_str())
                .map(|s| OwnedValue::Str(s.to_string()))
                .collect()
        };
        let lang = first_str(&doc, f.lang);
        let audience = if first_str(&doc, f.audience) == "public" {
            Audience::PublicOnly
        } else {
            Audience::All
        };
        // More-like-this weighs a term by its frequency in the given text; repeating the
        // title and tags gives them the weight they have in search.
        let title = text(f.title);
        let tags = text(f.tags);
        let num_docs = searcher.num_docs();
        let like = MoreLikeThisQuery::builder()
            .with_min_doc_frequency(2)
            .with_max_doc_frequency((num_docs / 3).max(2))
            .with_min_term_frequency(1)
            .with_min_word_length(3)
            .with_max_query_terms(25)
            .with_stop_words(stemmed_stop_words())
            .with_document_fields(vec![
                (f.title, [title.clone(), title.clone(), title].concat()),
                (f.tags, [tags.clone(), tags].concat()),
                (f.summary, text(f.summary)),
                (f.body, text(f.body)),
            ]);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Must, Box::new(like)),
            (Occur::MustNot, Box::new(by_id)),
        ];
        let lang = (!lang.is_empty()).then_some(lang.as_str());
        for term in self.filter_terms(lang, audience) {
            clauses.push((Occur::Must, term_query(term)));
        }
        let query = BooleanQuery::new(clauses);
        let mut hits = Vec::new();
        if limit == 0 {
            return Ok(hits);
        }
        for (score, address) in searcher.search(&query, &TopDocs::with_limit(limit))? {
            hits.push(self.hit(&searcher, address, score, None)?);
        }
        Ok(hits)
    }
}
