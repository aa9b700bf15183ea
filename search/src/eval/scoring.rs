//! How each node of a search adds its scores to a segment's score array.

use std::collections::HashMap;

use tantivy::query::Bm25Weight;
use tantivy::{DocId, Score, Term};

use super::bits::{Bits, insert_postings};
use super::lists::{intersect, merge_frequencies};
use super::node::{Compiled, Node};
use super::pool::{self, Buffer};
use super::scores::{Scores, ones};
use super::segment::Segment;
use crate::error::Result;

impl Segment<'_> {
    /// The scores of `compiled` in this segment: its content's, plus its bonus's where the
    /// content matches.
    pub(super) fn evaluate(&mut self, compiled: &Compiled) -> Result<Scores> {
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
            pool::recycle(bonus);
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
        pool::recycle(child_scores);
        pool::recycle(rest);
        if target.is_empty() {
            // Nothing to add to: hand the result over instead of copying it.
            std::mem::swap(target, &mut best);
        } else {
            target.drain_from(&mut best);
        }
        pool::recycle(best);
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
