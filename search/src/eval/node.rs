//! The tree a query compiles to: what matches, and how it scores.

use std::rc::Rc;

use tantivy::postings::TermInfo;
use tantivy::query::{Bm25Weight, EnableScoring, PhraseQuery, Query, Weight};
use tantivy::schema::Field;
use tantivy::{Score, Searcher, Term};

use crate::error::Result;

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
    pub fn scaled(mut self, factor: Score) -> Node {
        self.scale(factor);
        self
    }

    fn scale(&mut self, factor: Score) {
        match self {
            Node::Term { boost, .. }
            | Node::Phrase { boost, .. }
            | Node::Pairs { boost, .. }
            | Node::All { boost, .. }
            | Node::Any { boost, .. } => *boost *= factor,
            Node::Sum(children) | Node::Max(children, _) => {
                children.iter_mut().for_each(|c| c.scale(factor))
            }
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
