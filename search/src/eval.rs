//! Runs a search a term at a time.
//!
//! A search expands to a tree of sums and "best of" choices over a few hundred term, phrase
//! and typo clauses, many of them the same term in different places (a synonym group names
//! "telefon" in a dozen expressions). tantivy's scorers walk such a tree a document at a time,
//! decoding each occurrence of a term separately: 20–50 ms at 100,000 articles. Here every
//! term's postings are decoded and BM25-scored once per segment, and each node adds its
//! scores into a dense per-segment array, so the cost is close to that of reading the
//! distinct postings once. The scores are tantivy's: the same [`Bm25Weight`]s and phrase
//! scorers.
//!
//! Filters, the total, facet counts and the top hits then come from the same arrays, with
//! no second pass over the index; the document sets of filters and facets are kept per
//! searcher generation (they only change on commit).

use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::TermInfo;
use tantivy::query::{Bm25Weight, EnableScoring, PhraseQuery, Query, Weight};
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::{DocAddress, DocId, InvertedIndexReader, Score, Searcher, SegmentReader, Term};

use crate::error::Result;

/// What separates the levels of a facet path in its term (tantivy keeps its own constant
/// private).
const FACET_SEPARATOR: u8 = 0;

/// One node of a search: what matches, and how it scores.
pub(crate) enum Node {
    /// A term in a field, scored by BM25 times `boost`.
    Term { term: Term, boost: Score },
    /// Terms at these positions (with slop) in one field, scored by tantivy's phrase scorer
    /// times `boost`.
    Phrase {
        terms: Vec<Term>,
        weight: Box<dyn Weight>,
        boost: Score,
    },
    /// An indexed synonym expression: per pair of neighbouring stems, the pair terms whose
    /// frequencies add up (side by side, and one word apart where the expression allows
    /// that). A document with every pair scores like tantivy's phrase of `stems`: BM25 of the
    /// rarest pair's frequency, over the stemmed field's lengths and the stems' summed idf.
    Pairs {
        stems: Vec<Term>,
        pairs: Vec<Vec<Term>>,
        weight: Rc<Bm25Weight>,
        boost: Score,
    },
    /// Every term in one field: the sum of their BM25 scores times `boost`.
    All { terms: Vec<Term>, boost: Score },
    /// Any of these postings (per segment, in searcher order): `boost`, once per document.
    /// What a typo or a half-typed word matches beyond the words it is expanded to.
    Any {
        postings: Rc<Vec<Vec<TermInfo>>>,
        field: Field,
        boost: Score,
    },
    /// The sum of the children that match.
    Sum(Vec<Node>),
    /// The best child, plus `tie` times each of the others.
    Max(Vec<Node>, Score),
}

impl Node {
    /// A phrase of `terms` (all of one field) at their offsets, with `slop`.
    pub fn phrase(
        searcher: &Searcher,
        terms: Vec<(usize, Term)>,
        slop: u32,
        boost: Score,
    ) -> Result<Node> {
        let words = terms.iter().map(|(_, t)| t.clone()).collect();
        let weight = PhraseQuery::new_with_offset_and_slop(terms, slop)
            .weight(EnableScoring::enabled_from_searcher(searcher))?;
        Ok(Node::Phrase {
            terms: words,
            weight,
            boost,
        })
    }

    /// An indexed expression of `stems` (all of one stemmed field), found by `pairs` (see
    /// [`Node::Pairs`]).
    pub fn pairs(
        searcher: &Searcher,
        stems: Vec<Term>,
        pairs: Vec<Vec<Term>>,
        boost: Score,
    ) -> Result<Node> {
        let weight = Rc::new(Bm25Weight::for_terms(searcher, &stems)?);
        Ok(Node::Pairs {
            stems,
            pairs,
            weight,
            boost,
        })
    }

    /// The same node with every score multiplied by `factor`.
    pub fn scaled(self, factor: Score) -> Node {
        match self {
            Node::Term { term, boost } => Node::Term {
                term,
                boost: boost * factor,
            },
            Node::Phrase {
                terms,
                weight,
                boost,
            } => Node::Phrase {
                terms,
                weight,
                boost: boost * factor,
            },
            Node::Pairs {
                stems,
                pairs,
                weight,
                boost,
            } => Node::Pairs {
                stems,
                pairs,
                weight,
                boost: boost * factor,
            },
            Node::All { terms, boost } => Node::All {
                terms,
                boost: boost * factor,
            },
            Node::Any {
                postings,
                field,
                boost,
            } => Node::Any {
                postings,
                field,
                boost: boost * factor,
            },
            Node::Sum(children) => {
                Node::Sum(children.into_iter().map(|c| c.scaled(factor)).collect())
            }
            Node::Max(children, tie) => Node::Max(
                children.into_iter().map(|c| c.scaled(factor)).collect(),
                tie,
            ),
        }
    }

    /// Calls `visit` with every term the node scores by (not those of [`Node::Any`]).
    pub fn visit_terms(&self, visit: &mut dyn FnMut(&Term)) {
        match self {
            Node::Term { term, .. } => visit(term),
            Node::Phrase { terms, .. }
            | Node::All { terms, .. }
            | Node::Pairs { stems: terms, .. } => terms.iter().for_each(visit),
            Node::Any { .. } => {}
            Node::Sum(children) | Node::Max(children, _) => {
                children.iter().for_each(|c| c.visit_terms(visit))
            }
        }
    }
}

/// The sum of `nodes`, or the node itself when there is one.
pub(crate) fn sum(mut nodes: Vec<Node>) -> Option<Node> {
    match nodes.len() {
        0 => None,
        1 => nodes.pop(),
        _ => Some(Node::Sum(nodes)),
    }
}

/// The best of `nodes` (the others add `tie` of theirs), or the node itself when there is
/// one.
pub(crate) fn best(mut nodes: Vec<Node>, tie: Score) -> Option<Node> {
    match nodes.len() {
        0 => None,
        1 => nodes.pop(),
        _ => Some(Node::Max(nodes, tie)),
    }
}

/// A search: documents matching `content` score that, plus `bonus` where it matches too.
pub(crate) struct Compiled {
    pub content: Node,
    pub bonus: Option<Node>,
}

impl Compiled {
    pub fn visit_terms(&self, visit: &mut dyn FnMut(&Term)) {
        self.content.visit_terms(visit);
        if let Some(bonus) = &self.bonus {
            bonus.visit_terms(visit);
        }
    }
}

/// Which documents count: every `must` term (keyword filters) for hits, total and facets;
/// besides, every `narrow` term for hits and total only (the filter the facets are about).
#[derive(Debug, Default)]
pub(crate) struct Filters {
    pub must: Vec<Term>,
    pub narrow: Vec<Term>,
}

/// Facet counts to make: per child facet of `parent` in `field`.
pub(crate) struct FacetsOf<'a> {
    pub field: Field,
    pub parent: &'a Facet,
}

/// What a search found.
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// Documents matching the query and every filter.
    pub total: usize,
    /// The `offset..offset + limit` best, best first.
    pub top: Vec<(Score, DocAddress)>,
    /// Per facet value, documents matching the query and the `must` filters. Most first,
    /// then by name.
    pub facets: Vec<(String, u64)>,
}

/// Runs `compiled` over every segment, then keeps what `filters` allow.
pub(crate) fn search(
    searcher: &Searcher,
    cache: &Cache,
    compiled: &Compiled,
    filters: &Filters,
    facets: Option<FacetsOf<'_>>,
    offset: usize,
    limit: usize,
) -> Result<Found> {
    let mut weights = Weights::default();
    let wanted = offset.saturating_add(limit);
    let mut top = Top::new(wanted);
    let mut total = 0;
    let mut facet_counts: HashMap<String, u64> = HashMap::new();
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let mut segment = Segment::new(searcher, reader, ord, &mut weights);
        let scores = segment.evaluate(compiled)?;
        let allowed = cache.allowed(searcher, ord, &filters.must)?;
        let narrowed = if filters.narrow.is_empty() {
            None
        } else {
            Some(cache.allowed(searcher, ord, &filters.narrow)?)
        };
        let mut counted = 0u64;
        for (word, ((&seen, &allow), narrow)) in scores
            .seen
            .0
            .iter()
            .zip(&allowed.0)
            .zip(narrowed.as_ref().map_or(&allowed.0, |n| &n.0))
            .enumerate()
        {
            let mut hits = seen & allow & narrow;
            counted += u64::from(hits.count_ones());
            if wanted == 0 {
                continue;
            }
            while hits != 0 {
                let doc = (word * 64) as DocId + hits.trailing_zeros();
                hits &= hits - 1;
                top.offer(scores.score[doc as usize], DocAddress::new(ord as u32, doc));
            }
        }
        total += counted as usize;
        if let Some(facets) = &facets {
            for (name, docs) in cache.facets(searcher, ord, facets)?.iter() {
                let count: u64 = scores
                    .seen
                    .0
                    .iter()
                    .zip(&allowed.0)
                    .zip(&docs.0)
                    .map(|((s, a), d)| u64::from((s & a & d).count_ones()))
                    .sum();
                if count > 0 {
                    *facet_counts.entry(name.clone()).or_insert(0) += count;
                }
            }
        }
        segment.recycle(scores);
    }
    let mut facets: Vec<(String, u64)> = facet_counts.into_iter().collect();
    facets.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(Found {
        total,
        top: top.page(offset),
        facets,
    })
}

/// A candidate hit, ordered best first: higher score, then earlier in the index (as
/// tantivy's top-docs collector orders ties).
struct Candidate(Score, DocAddress);

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Candidate {}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Candidate {
    /// Less is better.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .0
            .total_cmp(&self.0)
            .then_with(|| self.1.cmp(&other.1))
    }
}

/// The best `wanted` candidates offered: a heap whose top is the worst kept.
struct Top {
    wanted: usize,
    heap: BinaryHeap<Candidate>,
    /// Once the heap is full, the score of its worst: lower scores cannot get in.
    floor: Score,
}

impl Top {
    fn new(wanted: usize) -> Top {
        Top {
            wanted,
            heap: BinaryHeap::with_capacity(wanted.min(1024) + 1),
            floor: Score::NEG_INFINITY,
        }
    }

    #[inline]
    fn offer(&mut self, score: Score, address: DocAddress) {
        if score < self.floor {
            return;
        }
        let candidate = Candidate(score, address);
        if self.heap.len() < self.wanted {
            self.heap.push(candidate);
        } else if let Some(mut worst) = self.heap.peek_mut()
            && candidate < *worst
        {
            *worst = candidate;
        }
        if self.heap.len() == self.wanted
            && let Some(worst) = self.heap.peek()
        {
            self.floor = worst.0;
        }
    }

    /// Best first, the first `offset` skipped.
    fn page(self, offset: usize) -> Vec<(Score, DocAddress)> {
        self.heap
            .into_sorted_vec()
            .into_iter()
            .skip(offset)
            .map(|Candidate(score, address)| (score, address))
            .collect()
    }
}

/// BM25 weights by term, over the whole index, as tantivy's term queries weigh them:
/// computed once per search.
#[derive(Default)]
struct Weights {
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

/// Scores of one segment: dense, plus the set of documents that have one.
///
/// Additions go a 64-document word of the set at a time: setting bits one document at a
/// time makes each posting wait for the store of the one before (neighbouring documents
/// share a word), which cost more than the rest of the addition. The range of words in use
/// is kept, so that reading or clearing the scores of a small clause does not pass over the
/// whole segment.
struct Scores {
    score: Vec<Score>,
    seen: Bits,
    /// Words `lo..hi` of `seen` may have bits set; none outside.
    lo: usize,
    hi: usize,
}

impl Scores {
    fn new(max_doc: u32) -> Scores {
        Scores {
            score: vec![0.0; max_doc as usize],
            seen: Bits::new(max_doc),
            lo: usize::MAX,
            hi: 0,
        }
    }

    /// Notes that words `lo..hi` are in use.
    #[inline]
    fn widen(&mut self, lo: usize, hi: usize) {
        self.lo = self.lo.min(lo);
        self.hi = self.hi.max(hi);
    }

    /// Adds `factor` times the scores of a list in document order.
    fn add_sorted(&mut self, list: &[(DocId, Score)], factor: Score) {
        let (Some(&(first, _)), Some(&(last, _))) = (list.first(), list.last()) else {
            return;
        };
        self.widen((first / 64) as usize, (last / 64) as usize + 1);
        let mut word = first / 64;
        let mut bits = 0u64;
        for &(doc, score) in list {
            if doc / 64 != word {
                self.seen.0[word as usize] |= bits;
                word = doc / 64;
                bits = 0;
            }
            bits |= 1u64 << (doc % 64);
            self.score[doc as usize] += score * factor;
        }
        self.seen.0[word as usize] |= bits;
    }

    /// Adds one score, in any order: for the few documents of phrases.
    fn add(&mut self, doc: DocId, score: Score) {
        let word = (doc / 64) as usize;
        self.widen(word, word + 1);
        self.seen.insert(doc);
        self.score[doc as usize] += score;
    }

    /// Adds `score` to every document of `docs`.
    fn add_constant(&mut self, docs: &Bits, score: Score) {
        for (word, &bits) in docs.0.iter().enumerate() {
            if bits == 0 {
                continue;
            }
            self.widen(word, word + 1);
            self.seen.0[word] |= bits;
            if bits == u64::MAX {
                // A full word: a plain loop the compiler vectorises.
                for kept in &mut self.score[word * 64..word * 64 + 64] {
                    *kept += score;
                }
            } else {
                for doc in ones(word, bits) {
                    self.score[doc as usize] += score;
                }
            }
        }
    }

    /// Adds the scores of `other` and empties it, in one pass.
    fn drain_from(&mut self, other: &mut Scores) {
        self.widen(other.lo, other.hi);
        let range = other.lo.min(other.hi)..other.hi;
        for word in range {
            let bits = std::mem::take(&mut other.seen.0[word]);
            if bits == 0 {
                continue;
            }
            self.seen.0[word] |= bits;
            if bits == u64::MAX {
                let docs = word * 64..word * 64 + 64;
                for (kept, added) in self.score[docs.clone()]
                    .iter_mut()
                    .zip(&mut other.score[docs])
                {
                    *kept += std::mem::take(added);
                }
            } else {
                for doc in ones(word, bits) {
                    self.score[doc as usize] += std::mem::take(&mut other.score[doc as usize]);
                }
            }
        }
        other.lo = usize::MAX;
        other.hi = 0;
    }

    /// The non-empty words of the set, in document order.
    fn words(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
        let range = self.lo.min(self.hi)..self.hi;
        self.seen.0[range.clone()]
            .iter()
            .zip(range)
            .filter(|(bits, _)| **bits != 0)
            .map(|(bits, word)| (word, *bits))
    }

    /// The score of `doc`, 0 if it has none.
    #[inline]
    fn get(&self, doc: DocId) -> Score {
        self.score[doc as usize]
    }

    fn is_empty(&self) -> bool {
        self.hi == 0
    }

    /// Back to empty, at the cost of what was set.
    fn clear(&mut self) {
        let range = self.lo.min(self.hi)..self.hi;
        for (bits, word) in self.seen.0[range.clone()].iter_mut().zip(range) {
            match *bits {
                0 => continue,
                u64::MAX => self.score[word * 64..word * 64 + 64].fill(0.0),
                some => {
                    for doc in ones(word, some) {
                        self.score[doc as usize] = 0.0;
                    }
                }
            }
            *bits = 0;
        }
        self.lo = usize::MAX;
        self.hi = 0;
    }
}

/// The documents of the set bits of word `word`.
#[inline]
fn ones(word: usize, bits: u64) -> Ones {
    Ones {
        base: (word * 64) as DocId,
        bits,
    }
}

struct Ones {
    base: DocId,
    bits: u64,
}

impl Iterator for Ones {
    type Item = DocId;

    #[inline]
    fn next(&mut self) -> Option<DocId> {
        if self.bits == 0 {
            return None;
        }
        let doc = self.base + self.bits.trailing_zeros();
        self.bits &= self.bits - 1;
        Some(doc)
    }
}

thread_local! {
    /// Score arrays for reuse: a fresh one costs its pages' faults on every search.
    static SPARE: RefCell<Vec<Scores>> = const { RefCell::new(Vec::new()) };
}

/// Spare score arrays kept per thread, at most.
const MAX_SPARE: usize = 8;

thread_local! {
    /// Buffers of postings for reuse: a list of 100,000 postings is large enough for the
    /// allocator to map fresh pages for it, and fault them in, on every search.
    static SCORED_BUFFERS: RefCell<Vec<Vec<(DocId, Score)>>> = const { RefCell::new(Vec::new()) };
    static COUNTED_BUFFERS: RefCell<Vec<Vec<(DocId, u32)>>> = const { RefCell::new(Vec::new()) };
}

/// Spare buffers kept per thread and kind, at most...
const MAX_SPARE_BUFFERS: usize = 64;
/// ... holding at most this many postings together (32 MiB): enough for the long lists of
/// one search over 100,000 articles.
const MAX_SPARE_POSTINGS: usize = 4 << 20;

/// Buffers smaller than this are left to the allocator.
const MIN_SPARE_BUFFER: usize = 1024;

/// Postings buffers of one kind, kept per thread.
trait Buffer: Sized + 'static {
    fn spare() -> &'static std::thread::LocalKey<RefCell<Vec<Vec<Self>>>>;

    /// An empty buffer with room for `capacity`.
    fn take(capacity: usize) -> Vec<Self> {
        let mut buffer = Self::spare()
            .with_borrow_mut(|spare| {
                // The smallest buffer big enough, else the biggest (it will grow).
                let at = spare
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| b.capacity() >= capacity)
                    .min_by_key(|(_, b)| b.capacity())
                    .or_else(|| spare.iter().enumerate().max_by_key(|(_, b)| b.capacity()))
                    .map(|(i, _)| i)?;
                Some(spare.swap_remove(at))
            })
            .unwrap_or_default();
        buffer.clear();
        buffer.reserve(capacity);
        buffer
    }

    /// Keeps `buffer` for reuse.
    fn give(buffer: Vec<Self>) {
        if buffer.capacity() < MIN_SPARE_BUFFER {
            return;
        }
        Self::spare().with_borrow_mut(|spare| {
            let kept: usize = spare.iter().map(Vec::capacity).sum();
            if spare.len() < MAX_SPARE_BUFFERS && kept + buffer.capacity() <= MAX_SPARE_POSTINGS {
                spare.push(buffer);
            }
        });
    }
}

impl Buffer for (DocId, Score) {
    fn spare() -> &'static std::thread::LocalKey<RefCell<Vec<Vec<Self>>>> {
        &SCORED_BUFFERS
    }
}

impl Buffer for (DocId, u32) {
    fn spare() -> &'static std::thread::LocalKey<RefCell<Vec<Vec<Self>>>> {
        &COUNTED_BUFFERS
    }
}

/// A set of documents of one segment.
#[derive(Debug, Clone)]
pub(crate) struct Bits(Vec<u64>);

impl Bits {
    fn new(max_doc: u32) -> Bits {
        Bits(vec![0; (max_doc as usize).div_ceil(64)])
    }

    /// Every document below `max_doc`.
    fn all(max_doc: u32) -> Bits {
        let mut bits = Bits(vec![u64::MAX; (max_doc as usize).div_ceil(64)]);
        let tail = max_doc % 64;
        if tail != 0
            && let Some(last) = bits.0.last_mut()
        {
            *last = (1u64 << tail) - 1;
        }
        bits
    }

    /// Adds `doc`; whether it was new.
    #[inline]
    fn insert(&mut self, doc: DocId) -> bool {
        let (word, bit) = ((doc / 64) as usize, 1u64 << (doc % 64));
        let before = self.0[word];
        self.0[word] = before | bit;
        before & bit == 0
    }

    #[inline]
    fn remove(&mut self, doc: DocId) {
        self.0[(doc / 64) as usize] &= !(1u64 << (doc % 64));
    }

    #[cfg(test)]
    fn contains(&self, doc: DocId) -> bool {
        self.0
            .get((doc / 64) as usize)
            .is_some_and(|w| w & (1u64 << (doc % 64)) != 0)
    }

    fn intersect(&mut self, other: &Bits) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a &= b;
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }
}

/// The document sets of filters and facets, per segment, for one searcher generation: they
/// are the same for every search until the next commit.
#[derive(Default)]
pub(crate) struct Cache {
    inner: Mutex<CacheInner>,
}

/// Per child facet, its name and documents.
type FacetDocs = Vec<(String, Bits)>;

#[derive(Default)]
struct CacheInner {
    generation: Option<u64>,
    allowed: HashMap<(usize, Vec<Term>), Arc<Bits>>,
    facets: HashMap<(usize, Field, String), Arc<FacetDocs>>,
}

impl Cache {
    /// The inner cache, emptied if `searcher` is of another generation. A poisoned lock
    /// only means a panic elsewhere while it was held; the cache is then rebuilt.
    fn inner(&self, searcher: &Searcher) -> std::sync::MutexGuard<'_, CacheInner> {
        let mut inner = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let generation = searcher.generation().generation_id();
        if inner.generation != Some(generation) {
            *inner = CacheInner {
                generation: Some(generation),
                ..CacheInner::default()
            };
        }
        inner
    }

    /// The live documents of segment `ord` having every one of `terms` (keyword terms).
    fn allowed(&self, searcher: &Searcher, ord: usize, terms: &[Term]) -> Result<Arc<Bits>> {
        let key = (ord, terms.to_vec());
        if let Some(bits) = self.inner(searcher).allowed.get(&key) {
            return Ok(bits.clone());
        }
        let reader = searcher.segment_reader(ord as u32);
        let mut allowed = Bits::all(reader.max_doc());
        for term in terms {
            let inverted = reader.inverted_index(term.field())?;
            let mut docs = Bits::new(reader.max_doc());
            if let Some(info) = inverted.get_term_info(term)? {
                insert_postings(&inverted, &info, &mut docs)?;
            }
            allowed.intersect(&docs);
        }
        if let Some(alive) = reader.alive_bitset() {
            for doc in 0..reader.max_doc() {
                if alive.is_deleted(doc) {
                    allowed.remove(doc);
                }
            }
        }
        let allowed = Arc::new(allowed);
        self.inner(searcher).allowed.insert(key, allowed.clone());
        Ok(allowed)
    }

    /// Per child facet of `facets.parent` in segment `ord`: its name and documents.
    fn facets(
        &self,
        searcher: &Searcher,
        ord: usize,
        facets: &FacetsOf<'_>,
    ) -> Result<Arc<FacetDocs>> {
        let key = (ord, facets.field, facets.parent.encoded_str().to_string());
        if let Some(found) = self.inner(searcher).facets.get(&key) {
            return Ok(found.clone());
        }
        let reader = searcher.segment_reader(ord as u32);
        let inverted = reader.inverted_index(facets.field)?;
        let mut prefix = facets.parent.encoded_str().as_bytes().to_vec();
        prefix.push(FACET_SEPARATOR);
        let mut end = prefix.clone();
        if let Some(last) = end.last_mut() {
            *last += 1;
        }
        let depth = facets.parent.to_path().len() + 1;
        let mut found = Vec::new();
        let mut stream = inverted
            .terms()
            .range()
            .ge(&prefix)
            .lt(&end)
            .into_stream()?;
        while stream.advance() {
            let Ok(facet) = Facet::from_encoded(stream.key().to_vec()) else {
                continue;
            };
            let path = facet.to_path();
            let (true, Some(name)) = (path.len() == depth, path.last()) else {
                continue; // a grandchild
            };
            let mut docs = Bits::new(reader.max_doc());
            insert_postings(&inverted, stream.value(), &mut docs)?;
            found.push(((*name).to_string(), docs));
        }
        let found = Arc::new(found);
        self.inner(searcher).facets.insert(key, found.clone());
        Ok(found)
    }
}

fn insert_postings(inverted: &InvertedIndexReader, info: &TermInfo, bits: &mut Bits) -> Result<()> {
    let mut block = inverted.read_block_postings_from_terminfo(info, IndexRecordOption::Basic)?;
    loop {
        let docs = block.docs();
        if docs.is_empty() {
            return Ok(());
        }
        for &doc in docs {
            bits.insert(doc);
        }
        block.advance();
    }
}

/// One segment's evaluation: decoded term scores are kept for as long as the search runs,
/// so a term named in many places is read once.
struct Segment<'a> {
    searcher: &'a Searcher,
    reader: &'a SegmentReader,
    ord: usize,
    weights: &'a mut Weights,
    terms: HashMap<Term, Rc<Vec<(DocId, Score)>>>,
    /// Dictionary entries looked up so far (`None`: not in this segment).
    infos: HashMap<Term, Option<TermInfo>>,
    /// How many times each term is scored in the search: a term scored once is added as it
    /// is decoded, without keeping its postings.
    uses: HashMap<Term, u32>,
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
    fn new(
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
    fn scores(&self) -> Scores {
        let max_doc = self.reader.max_doc();
        SPARE
            .with_borrow_mut(|spare| {
                let at = spare
                    .iter()
                    .position(|s| s.score.len() == max_doc as usize)?;
                Some(spare.swap_remove(at))
            })
            .unwrap_or_else(|| Scores::new(max_doc))
    }

    /// Returns a score array for reuse.
    fn recycle(&self, mut scores: Scores) {
        scores.clear();
        SPARE.with_borrow_mut(|spare| {
            if spare.len() >= MAX_SPARE {
                spare.remove(0);
            }
            spare.push(scores);
        });
    }

    fn evaluate(&mut self, compiled: &Compiled) -> Result<Scores> {
        count_uses(&compiled.content, &mut self.uses);
        if let Some(bonus) = &compiled.bonus {
            count_uses(bonus, &mut self.uses);
        }
        let mut content = self.scores();
        self.add(&compiled.content, 1.0, &mut content)?;
        if let Some(bonus_node) = &compiled.bonus {
            let mut bonus = self.scores();
            self.add(bonus_node, 1.0, &mut bonus)?;
            for (word, bits) in bonus.words() {
                for doc in ones(word, bits & content.seen.0[word]) {
                    content.score[doc as usize] += bonus.get(doc);
                }
            }
            self.recycle(bonus);
        }
        Ok(content)
    }

    /// Adds the scores of `node`, times `factor`, to `target`.
    fn add(&mut self, node: &Node, factor: Score, target: &mut Scores) -> Result<()> {
        match node {
            Node::Term { term, boost } => {
                if self.uses.get(term).is_some_and(|n| *n <= 1) && !self.terms.contains_key(term) {
                    self.add_term(term, factor * boost, target)?;
                    return Ok(());
                }
                let scored = self.term(term)?;
                target.add_sorted(&scored, factor * boost);
            }
            Node::Phrase { weight, boost, .. } => {
                let factor = factor * boost;
                weight.for_each(self.reader, &mut |doc, score| {
                    target.add(doc, score * factor)
                })?;
            }
            Node::Pairs {
                stems,
                pairs,
                weight,
                boost,
            } => self.add_pairs(stems, pairs, weight, factor * boost, target)?,
            Node::All { terms, boost } => self.add_all(terms, factor * boost, target)?,
            Node::Any {
                postings,
                field,
                boost,
            } => {
                let Some(infos) = postings.get(self.ord) else {
                    return Ok(());
                };
                let inverted = self.reader.inverted_index(*field)?;
                let mut docs = Bits::new(self.reader.max_doc());
                for info in infos {
                    insert_postings(&inverted, info, &mut docs)?;
                }
                target.add_constant(&docs, factor * boost);
            }
            Node::Sum(children) => {
                for child in children {
                    self.add(child, factor, target)?;
                }
            }
            Node::Max(children, tie) => self.add_max(children, *tie, factor, target)?,
        }
        Ok(())
    }

    /// The best child plus `tie` times the others: max + tie × (sum − max), as tantivy's
    /// disjunction-max combines.
    fn add_max(
        &mut self,
        children: &[Node],
        tie: Score,
        factor: Score,
        target: &mut Scores,
    ) -> Result<()> {
        // The child with the most postings goes straight into `best`: copying it would be
        // most of the work.
        let mut sizes = Vec::with_capacity(children.len());
        for child in children {
            sizes.push(self.size(child)?);
        }
        let first = (0..children.len())
            .max_by_key(|&i| sizes[i])
            .unwrap_or_default();
        let mut best = self.scores();
        if let Some(child) = children.get(first) {
            self.add(child, factor, &mut best)?;
        }
        let mut child_scores = self.scores();
        // Per document, the sum of its scores minus the best one, so far.
        let mut rest = self.scores();
        for (i, child) in children.iter().enumerate() {
            if i == first {
                continue;
            }
            self.add(child, factor, &mut child_scores)?;
            best.widen(child_scores.lo, child_scores.hi);
            rest.widen(child_scores.lo, child_scores.hi);
            // One pass per document: keep the best, note the lower of the two (where `best`
            // had nothing, that is 0) if it counts, and empty the child's scores for the next
            // child.
            let range = child_scores.lo.min(child_scores.hi)..child_scores.hi;
            for word in range {
                let bits = std::mem::take(&mut child_scores.seen.0[word]);
                if bits == 0 {
                    continue;
                }
                let before = best.seen.0[word];
                best.seen.0[word] = before | bits;
                if tie > 0.0 {
                    rest.seen.0[word] |= bits & before;
                    for doc in ones(word, bits) {
                        let score = std::mem::take(&mut child_scores.score[doc as usize]);
                        let kept = &mut best.score[doc as usize];
                        rest.score[doc as usize] += kept.min(score);
                        *kept = kept.max(score);
                    }
                } else {
                    for doc in ones(word, bits) {
                        let score = std::mem::take(&mut child_scores.score[doc as usize]);
                        let kept = &mut best.score[doc as usize];
                        *kept = kept.max(score);
                    }
                }
            }
            child_scores.lo = usize::MAX;
            child_scores.hi = 0;
        }
        for (word, bits) in rest.words() {
            for doc in ones(word, bits) {
                best.score[doc as usize] += tie * rest.get(doc);
            }
        }
        self.recycle(child_scores);
        self.recycle(rest);
        if target.is_empty() {
            // Nothing to add to: hand the result over instead of copying it.
            std::mem::swap(target, &mut best);
        } else {
            target.drain_from(&mut best);
        }
        self.recycle(best);
        Ok(())
    }

    /// Roughly how many postings `node` reads.
    fn size(&mut self, node: &Node) -> Result<usize> {
        Ok(match node {
            Node::Term { term, .. } => self.info(term)?.map_or(0, |i| i.doc_freq as usize),
            Node::Any { postings, .. } => postings
                .get(self.ord)
                .map_or(0, |infos| infos.iter().map(|i| i.doc_freq as usize).sum()),
            Node::Phrase { .. } | Node::Pairs { .. } | Node::All { .. } => 0,
            Node::Sum(children) | Node::Max(children, _) => {
                let mut size = 0;
                for child in children {
                    size += self.size(child)?;
                }
                size
            }
        })
    }

    /// Documents with every term: the sum of their scores.
    fn add_all(&mut self, terms: &[Term], factor: Score, target: &mut Scores) -> Result<()> {
        let mut lists = Vec::with_capacity(terms.len());
        for term in terms {
            let list = self.term(term)?;
            if list.is_empty() {
                return Ok(());
            }
            lists.push(list);
        }
        lists.sort_by_key(|l| l.len());
        let Some((shortest, others)) = lists.split_first() else {
            return Ok(());
        };
        let mut both: Option<Vec<(DocId, Score)>> = None;
        for list in others {
            let next = intersect(both.as_deref().unwrap_or(shortest), list, |a, b| a + b);
            both.into_iter().for_each(Buffer::give);
            both = Some(next);
        }
        target.add_sorted(both.as_deref().unwrap_or(shortest), factor);
        both.into_iter().for_each(Buffer::give);
        Ok(())
    }

    /// Documents with every pair: BM25 of the least frequent pair (see [`Node::Pairs`]).
    fn add_pairs(
        &mut self,
        stems: &[Term],
        pairs: &[Vec<Term>],
        weight: &Bm25Weight,
        factor: Score,
        target: &mut Scores,
    ) -> Result<()> {
        let Some(field) = stems.first().map(Term::field) else {
            return Ok(());
        };
        // Per document, the frequency of the expression so far: that of its rarest pair.
        let mut common: Option<Vec<(DocId, u32)>> = None;
        for terms in pairs {
            let mut frequencies: Vec<(DocId, u32)> = Vec::new();
            for term in terms {
                let more = self.frequencies(term)?;
                if frequencies.is_empty() {
                    Buffer::give(std::mem::replace(&mut frequencies, more));
                } else if !more.is_empty() {
                    let merged = merge_frequencies(&frequencies, &more);
                    Buffer::give(more);
                    Buffer::give(std::mem::replace(&mut frequencies, merged));
                }
            }
            common = Some(match common {
                None => frequencies,
                Some(before) => {
                    let both = intersect(&before, &frequencies, u32::min);
                    Buffer::give(before);
                    Buffer::give(frequencies);
                    both
                }
            });
        }
        let Some(common) = common else {
            return Ok(());
        };
        let fieldnorms = self.fieldnorms(field)?;
        let mut scored = <(DocId, Score)>::take(common.len());
        scored.extend(
            common
                .iter()
                .map(|&(doc, freq)| (doc, weight.score(fieldnorms.fieldnorm_id(doc), freq))),
        );
        target.add_sorted(&scored, factor);
        Buffer::give(scored);
        Buffer::give(common);
        Ok(())
    }

    /// The documents of `term` with its frequency in each, in document order.
    fn frequencies(&mut self, term: &Term) -> Result<Vec<(DocId, u32)>> {
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

    fn fieldnorms(&mut self, field: Field) -> Result<FieldNormReader> {
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
    fn info(&mut self, term: &Term) -> Result<Option<TermInfo>> {
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
    fn add_term(&mut self, term: &Term, factor: Score, target: &mut Scores) -> Result<()> {
        self.each_scored_block(term, |block| target.add_sorted(block, factor))
    }

    /// The BM25 scores of `term` in this segment, in document order, kept for the search.
    fn term(&mut self, term: &Term) -> Result<Rc<Vec<(DocId, Score)>>> {
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

/// Adds to `uses` how many times `node` scores each term.
fn count_uses(node: &Node, uses: &mut HashMap<Term, u32>) {
    match node {
        Node::Term { term, .. } => *uses.entry(term.clone()).or_insert(0) += 1,
        Node::All { terms, .. } => {
            for term in terms {
                *uses.entry(term.clone()).or_insert(0) += 1;
            }
        }
        Node::Phrase { .. } | Node::Pairs { .. } | Node::Any { .. } => {}
        Node::Sum(children) | Node::Max(children, _) => {
            children.iter().for_each(|c| count_uses(c, uses));
        }
    }
}

/// Two (document, frequency) lists in document order as one, frequencies of a document
/// added.
fn merge_frequencies(a: &[(DocId, u32)], b: &[(DocId, u32)]) -> Vec<(DocId, u32)> {
    let mut merged = <(DocId, u32)>::take(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while let (Some(&x), Some(&y)) = (a.get(i), b.get(j)) {
        match x.0.cmp(&y.0) {
            Ordering::Less => {
                merged.push(x);
                i += 1;
            }
            Ordering::Greater => {
                merged.push(y);
                j += 1;
            }
            Ordering::Equal => {
                merged.push((x.0, x.1 + y.1));
                i += 1;
                j += 1;
            }
        }
    }
    merged.extend_from_slice(&a[i..]);
    merged.extend_from_slice(&b[j..]);
    merged
}

/// The documents of both lists (in document order), their values combined by `combine`.
/// Walks the shorter list and gallops through the longer: the lists of a phrase's words can
/// differ a hundredfold in length.
fn intersect<T: Copy>(
    a: &[(DocId, T)],
    b: &[(DocId, T)],
    combine: impl Fn(T, T) -> T,
) -> Vec<(DocId, T)>
where
    (DocId, T): Buffer,
{
    let (short, long, swapped) = if a.len() <= b.len() {
        (a, b, false)
    } else {
        (b, a, true)
    };
    let mut both = <(DocId, T)>::take(short.len());
    if long.len() < 8 * short.len() {
        // Of similar lengths: a plain merge.
        let (mut i, mut j) = (0, 0);
        while let (Some(&(x, value)), Some(&(y, other))) = (short.get(i), long.get(j)) {
            match x.cmp(&y) {
                Ordering::Less => i += 1,
                Ordering::Greater => j += 1,
                Ordering::Equal => {
                    let combined = if swapped {
                        combine(other, value)
                    } else {
                        combine(value, other)
                    };
                    both.push((x, combined));
                    i += 1;
                    j += 1;
                }
            }
        }
        return both;
    }
    let mut at = 0;
    for &(doc, value) in short {
        // Exponential then binary search from where the last document was found.
        let mut step = 1;
        while at + step < long.len() && long[at + step].0 < doc {
            step *= 2;
        }
        let end = (at + step + 1).min(long.len());
        at += long[at..end].partition_point(|&(d, _)| d < doc);
        match long.get(at) {
            Some(&(d, other)) if d == doc => {
                let combined = if swapped {
                    combine(other, value)
                } else {
                    combine(value, other)
                };
                both.push((doc, combined));
            }
            Some(_) => {}
            None => break,
        }
    }
    both
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(doc: u32) -> DocAddress {
        DocAddress::new(0, doc)
    }

    fn top(candidates: &[(Score, u32)], offset: usize, limit: usize) -> Vec<u32> {
        let mut top = Top::new(offset + limit);
        for &(score, doc) in candidates {
            top.offer(score, address(doc));
        }
        top.page(offset).iter().map(|(_, a)| a.doc_id).collect()
    }

    #[test]
    fn top_orders_by_score_then_address_and_pages() {
        let candidates = [(1.0, 5), (3.0, 2), (2.0, 1), (3.0, 0), (0.5, 3)];
        assert_eq!(top(&candidates, 0, 10), [0, 2, 1, 5, 3]);
        assert_eq!(top(&candidates, 1, 2), [2, 1]);
        assert_eq!(top(&candidates, 0, 1), [0]);
        assert!(top(&candidates, 9, 2).is_empty());
        assert!(top(&candidates, 0, 0).is_empty());
    }

    #[test]
    fn scores_add_and_clear_to_empty() {
        let mut scores = Scores::new(200);
        scores.add(3, 1.0);
        scores.add_sorted(&[(3, 1.0), (64, 2.0), (130, 4.0)], 0.5);
        let mut docs = Bits::new(200);
        docs.insert(199);
        scores.add_constant(&docs, 0.25);
        let mut other = Scores::new(200);
        other.drain_from(&mut scores);
        assert!(scores.is_empty() && scores.score.iter().all(|s| *s == 0.0));
        let words: Vec<(usize, u64)> = other.words().collect();
        assert_eq!(words, [(0, 1 << 3), (1, 1), (2, 1 << 2), (3, 1 << 7)]);
        assert_eq!(other.get(3), 1.5);
        assert_eq!(other.get(64), 1.0);
        assert_eq!(other.get(130), 2.0);
        assert_eq!(other.get(199), 0.25);
        other.clear();
        assert!(other.is_empty());
        assert_eq!(other.words().count(), 0);
        assert!(other.score.iter().all(|s| *s == 0.0));
        assert_eq!(ones(1, 0b101).collect::<Vec<_>>(), [64, 66]);
    }

    #[test]
    fn bits_of_every_document() {
        let all = Bits::all(130);
        assert_eq!(all.len(), 130);
        assert!(all.contains(129) && !all.contains(130));
        assert_eq!(Bits::all(128).len(), 128);
    }

    /// Scores of `node` over `searcher`, by document.
    fn scores_of(searcher: &Searcher, node: Node) -> Vec<(u32, Score)> {
        let compiled = Compiled {
            content: node,
            bonus: None,
        };
        let found = search(
            searcher,
            &Cache::default(),
            &compiled,
            &Filters::default(),
            None,
            0,
            100,
        )
        .expect("search");
        let mut scores: Vec<(u32, Score)> = found.top.iter().map(|(s, a)| (a.doc_id, *s)).collect();
        scores.sort_by_key(|(doc, _)| *doc);
        scores
    }

    #[test]
    fn indexed_pairs_score_like_tantivy_phrases() {
        use tantivy::schema::Schema;
        use tantivy::{Index, IndexWriter, TantivyDocument};

        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", crate::matching::options::stemmed());
        let pairs = schema.add_text_field("pairs", crate::matching::options::pairs());
        let index = Index::create_in_ram(schema.build());
        crate::analyzer::register_analyzers(index.tokenizers());
        let mut writer: IndexWriter = index
            .writer_with_num_threads(1, 15_000_000)
            .expect("writer");
        for body in [
            "Læs din Digital Post her.",
            "Digital Post og digital post igen, og digital sikker post.",
            "Post er ikke digital.",
            "Noget helt andet om en kodeviser.",
            "Digitalt, men posten kom med posten.",
        ] {
            let mut doc = TantivyDocument::default();
            doc.add_text(text, body);
            doc.add_text(pairs, body);
            writer.add_document(doc).expect("add");
        }
        writer.commit().expect("commit");
        let searcher = index.reader().expect("reader").searcher();
        let stems: Vec<Term> = ["digital", "post"]
            .iter()
            .map(|w| Term::from_field_text(text, &crate::analyzer::stem(w).unwrap_or_default()))
            .collect();
        let stem = |t: &Term| t.value().as_str().unwrap_or_default().to_string();
        for slop in [0u32, 1] {
            let pair_terms = (1..=slop as usize + 1)
                .map(|gap| {
                    let joined =
                        crate::analyzer::pair_term(&stem(&stems[0]), &stem(&stems[1]), gap);
                    Term::from_field_text(pairs, &joined)
                })
                .collect();
            let by_pairs =
                Node::pairs(&searcher, stems.clone(), vec![pair_terms], 2.0).expect("node");
            let offsets = stems.iter().cloned().enumerate().collect();
            let by_phrase = Node::phrase(&searcher, offsets, slop, 2.0).expect("node");
            let (got, want) = (
                scores_of(&searcher, by_pairs),
                scores_of(&searcher, by_phrase),
            );
            assert_eq!(got.len(), want.len(), "slop {slop}: {got:?} / {want:?}");
            assert!(!want.is_empty());
            for ((doc, score), (want_doc, want_score)) in got.iter().zip(&want) {
                assert_eq!(doc, want_doc, "slop {slop}");
                assert!(
                    (score - want_score).abs() < 1e-5,
                    "slop {slop}: {got:?} / {want:?}"
                );
            }
        }
    }

    #[test]
    fn sums_and_best_of_score_like_tantivy() {
        use tantivy::collector::TopDocs;
        use tantivy::query::{BooleanQuery, BoostQuery, DisjunctionMaxQuery, TermQuery};
        use tantivy::schema::{IndexRecordOption, Schema};
        use tantivy::{Index, IndexWriter, TantivyDocument};

        let mut schema = Schema::builder();
        let title = schema.add_text_field("title", crate::matching::options::stemmed());
        let body = schema.add_text_field("body", crate::matching::options::stemmed());
        let index = Index::create_in_ram(schema.build());
        crate::analyzer::register_analyzers(index.tokenizers());
        let mut writer: IndexWriter = index
            .writer_with_num_threads(1, 15_000_000)
            .expect("writer");
        for (t, b) in [
            ("Mistet kodeviser", "Spær kodeviseren straks."),
            ("Kodeviser", "En kodeviser viser en kode."),
            ("Spærring", "Spær din MitID, hvis du har mistet telefonen."),
            ("Telefon", "Ny telefon, ny app."),
            ("Andet", "Intet om det."),
        ] {
            let mut doc = TantivyDocument::default();
            doc.add_text(title, t);
            doc.add_text(body, b);
            writer.add_document(doc).expect("add");
        }
        writer.commit().expect("commit");
        let searcher = index.reader().expect("reader").searcher();
        let term = |field, word: &str| {
            Term::from_field_text(field, &crate::analyzer::stem(word).unwrap_or_default())
        };
        let words = ["kodeviser", "spær", "mistet", "telefon"];
        // Best of (tie 0.3): per word, the word in title (×3) plus in body.
        let node = Node::Max(
            words
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    Node::Sum(vec![
                        Node::Term {
                            term: term(title, w),
                            boost: 3.0,
                        },
                        Node::Term {
                            term: term(body, w),
                            boost: 1.0,
                        },
                    ])
                    .scaled(1.0 + i as Score)
                })
                .collect(),
            0.3,
        );
        let query = DisjunctionMaxQuery::with_tie_breaker(
            words
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let sum = BooleanQuery::union(vec![
                        Box::new(BoostQuery::new(
                            Box::new(TermQuery::new(term(title, w), IndexRecordOption::WithFreqs)),
                            3.0,
                        )) as Box<dyn Query>,
                        Box::new(TermQuery::new(term(body, w), IndexRecordOption::WithFreqs)),
                    ]);
                    Box::new(BoostQuery::new(Box::new(sum), 1.0 + i as Score)) as Box<dyn Query>
                })
                .collect(),
            0.3,
        );
        let mut want: Vec<(u32, Score)> = searcher
            .search(&query, &TopDocs::with_limit(100))
            .expect("search")
            .into_iter()
            .map(|(s, a)| (a.doc_id, s))
            .collect();
        want.sort_by_key(|(doc, _)| *doc);
        let got = scores_of(&searcher, node);
        assert_eq!(got.len(), want.len(), "{got:?} / {want:?}");
        for ((doc, score), (want_doc, want_score)) in got.iter().zip(&want) {
            assert_eq!(doc, want_doc);
            assert!((score - want_score).abs() < 1e-4, "{got:?} / {want:?}");
        }
    }

    #[test]
    fn frequencies_merge_in_order() {
        assert_eq!(
            merge_frequencies(&[(1, 1), (4, 2)], &[(2, 1), (4, 3), (9, 1)]),
            [(1, 1), (2, 1), (4, 5), (9, 1)]
        );
        assert_eq!(merge_frequencies(&[], &[(2, 1)]), [(2, 1)]);
    }

    #[test]
    fn intersections_keep_common_documents() {
        let long: Vec<(DocId, u32)> = (0..1000).map(|d| (d * 3, 1)).collect();
        let short = [(0, 5), (4, 5), (300, 5), (2997, 5), (5000, 5)];
        assert_eq!(
            intersect(&short, &long, |a, b| a * 10 + b),
            [(0, 51), (300, 51), (2997, 51)]
        );
        assert_eq!(
            intersect(&long, &short, |a, b| a * 10 + b),
            [(0, 15), (300, 15), (2997, 15)]
        );
        assert!(intersect(&short, &[], u32::min).is_empty());
        let near: Vec<(DocId, u32)> = (0..8).map(|d| (d * 2, 2)).collect();
        assert_eq!(
            intersect(&short[..2], &near, |a, b| a + b),
            [(0, 7), (4, 7)]
        );
    }
}
