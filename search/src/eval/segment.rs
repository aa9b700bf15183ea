//! One segment's readers and term postings, looked up and decoded once per search, and the
//! BM25 weights of terms over the whole index.

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::TermInfo;
use tantivy::query::Bm25Weight;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, InvertedIndexReader, Score, Searcher, SegmentReader, Term};

use super::pool::{self, Buffer};
use super::scores::Scores;
use crate::error::Result;

/// BM25 weights by term, over the whole index, as tantivy's term queries weigh them:
/// computed once per search.
#[derive(Default)]
pub(super) struct Weights {
    by_term: HashMap<Term, Rc<Bm25Weight>>,
    /// Per field, the mean number of tokens a document has.
    average_length: HashMap<Field, Score>,
}

impl Weights {
    /// The weight of `term`, which `doc_freq` documents of the index have.
    fn get(&mut self, searcher: &Searcher, term: &Term, doc_freq: u64) -> Result<Rc<Bm25Weight>> {
        if let Some(weight) = self.by_term.get(term) {
            return Ok(weight.clone());
        }
        let documents: u64 = searcher
            .segment_readers()
            .iter()
            .map(|r| u64::from(r.max_doc()))
            .sum();
        let field = term.field();
        let average = match self.average_length.get(&field) {
            Some(average) => *average,
            None => {
                let mut tokens = 0;
                for reader in searcher.segment_readers() {
                    tokens += reader.inverted_index(field)?.total_num_tokens();
                }
                let average = tokens as Score / documents.max(1) as Score;
                self.average_length.insert(field, average);
                average
            }
        };
        let weight = Rc::new(Bm25Weight::for_one_term_without_explain(
            doc_freq, documents, average,
        ));
        self.by_term.insert(term.clone(), weight.clone());
        Ok(weight)
    }
}

/// One segment's evaluation: decoded term scores are kept for as long as the search runs,
/// so a term named in many places is read once.
pub(super) struct Segment<'a> {
    searcher: &'a Searcher,
    pub(super) reader: &'a SegmentReader,
    pub(super) ord: usize,
    weights: &'a mut Weights,
    pub(super) terms: HashMap<Term, Rc<Vec<(DocId, Score)>>>,
    /// Dictionary entries looked up so far (`None`: not in this segment).
    infos: HashMap<Term, Option<TermInfo>>,
    /// How many times each term is scored in the search: a term scored once is added as it
    /// is decoded, without keeping its postings.
    pub(super) uses: HashMap<Term, u32>,
    inverted: HashMap<Field, Arc<InvertedIndexReader>>,
    fieldnorms: HashMap<Field, FieldNormReader>,
}

impl Drop for Segment<'_> {
    fn drop(&mut self) {
        for (_, list) in self.terms.drain() {
            if let Ok(list) = Rc::try_unwrap(list) {
                <(DocId, Score)>::give(list);
            }
        }
    }
}

impl<'a> Segment<'a> {
    pub(super) fn new(
        searcher: &'a Searcher,
        reader: &'a SegmentReader,
        ord: usize,
        weights: &'a mut Weights,
    ) -> Segment<'a> {
        Segment {
            searcher,
            reader,
            ord,
            weights,
            terms: HashMap::new(),
            infos: HashMap::new(),
            uses: HashMap::new(),
            inverted: HashMap::new(),
            fieldnorms: HashMap::new(),
        }
    }

    /// The inverted index of `field` in this segment, opened once per search.
    fn inverted(&mut self, field: Field) -> Result<Arc<InvertedIndexReader>> {
        if let Some(inverted) = self.inverted.get(&field) {
            return Ok(inverted.clone());
        }
        let inverted = self.reader.inverted_index(field)?;
        self.inverted.insert(field, inverted.clone());
        Ok(inverted)
    }

    /// An empty score array the size of this segment.
    pub(super) fn scores(&self) -> Scores {
        pool::scores(self.reader.max_doc())
    }

    /// The documents of `term` with its frequency in each, in document order.
    pub(super) fn frequencies(&mut self, term: &Term) -> Result<Vec<(DocId, u32)>> {
        let inverted = self.inverted(term.field())?;
        let mut found = Vec::new();
        if let Some(info) = inverted.get_term_info(term)? {
            found = <(DocId, u32)>::take(info.doc_freq as usize);
            let mut block =
                inverted.read_block_postings_from_terminfo(&info, IndexRecordOption::WithFreqs)?;
            loop {
                let docs = block.docs();
                if docs.is_empty() {
                    break;
                }
                found.extend(docs.iter().copied().zip(block.freqs().iter().copied()));
                block.advance();
            }
        }
        Ok(found)
    }

    pub(super) fn fieldnorms(&mut self, field: Field) -> Result<FieldNormReader> {
        if let Some(reader) = self.fieldnorms.get(&field) {
            return Ok(reader.clone());
        }
        let reader = self
            .reader
            .fieldnorms_readers()
            .get_field(field)?
            .unwrap_or_else(|| FieldNormReader::constant(self.reader.max_doc(), 1));
        self.fieldnorms.insert(field, reader.clone());
        Ok(reader)
    }

    /// The dictionary entry of `term` in this segment.
    pub(super) fn info(&mut self, term: &Term) -> Result<Option<TermInfo>> {
        if let Some(info) = self.infos.get(term) {
            return Ok(info.clone());
        }
        let info = self.inverted(term.field())?.get_term_info(term)?;
        self.infos.insert(term.clone(), info.clone());
        Ok(info)
    }

    /// The BM25 weight of `term`, found in this segment's dictionary as `info`.
    fn weight(&mut self, term: &Term, info: &TermInfo) -> Result<Rc<Bm25Weight>> {
        let doc_freq = match self.searcher.segment_readers() {
            [_] => u64::from(info.doc_freq),
            _ => self.searcher.doc_freq(term)?,
        };
        self.weights.get(self.searcher, term, doc_freq)
    }

    /// Calls `each` with every block of `term`'s postings, BM25-scored, in document order.
    fn each_scored_block(
        &mut self,
        term: &Term,
        mut each: impl FnMut(&[(DocId, Score)]),
    ) -> Result<()> {
        // Most expansions of a word are missing from most fields: one dictionary lookup
        // settles that.
        let Some(info) = self.info(term)? else {
            return Ok(());
        };
        let weight = self.weight(term, &info)?;
        let fieldnorms = self.fieldnorms(term.field())?;
        let inverted = self.inverted(term.field())?;
        let mut block =
            inverted.read_block_postings_from_terminfo(&info, IndexRecordOption::WithFreqs)?;
        let mut scored: Vec<(DocId, Score)> = Vec::with_capacity(128);
        loop {
            let docs = block.docs();
            if docs.is_empty() {
                return Ok(());
            }
            scored.clear();
            scored.extend(
                docs.iter()
                    .zip(block.freqs())
                    .map(|(&doc, &freq)| (doc, weight.score(fieldnorms.fieldnorm_id(doc), freq))),
            );
            each(&scored);
            block.advance();
        }
    }

    /// Adds `factor` times the BM25 scores of `term`, as they are decoded.
    pub(super) fn add_term(
        &mut self,
        term: &Term,
        factor: Score,
        target: &mut Scores,
    ) -> Result<()> {
        self.each_scored_block(term, |block| target.add_sorted(block, factor))
    }

    /// The BM25 scores of `term` in this segment, in document order, kept for the search.
    pub(super) fn term(&mut self, term: &Term) -> Result<Rc<Vec<(DocId, Score)>>> {
        if let Some(scored) = self.terms.get(term) {
            return Ok(scored.clone());
        }
        let capacity = self.info(term)?.map_or(0, |i| i.doc_freq as usize);
        let mut scored = if capacity > 0 {
            <(DocId, Score)>::take(capacity)
        } else {
            Vec::new()
        };
        self.each_scored_block(term, |block| scored.extend_from_slice(block))?;
        let scored = Rc::new(scored);
        self.terms.insert(term.clone(), scored.clone());
        Ok(scored)
    }
}
