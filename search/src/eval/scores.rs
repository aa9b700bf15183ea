//! Dense per-segment score arrays, with the set of documents that have a score.

use tantivy::{DocId, Score};

use super::bits::Bits;

/// Scores of one segment: dense, plus the set of documents that have one.
///
/// Additions go a 64-document word of the set at a time: setting bits one document at a
/// time makes each posting wait for the store of the one before (neighbouring documents
/// share a word), which cost more than the rest of the addition. The range of words in use
/// is kept, so that reading or clearing the scores of a small clause does not pass over the
/// whole segment.
pub(super) struct Scores {
    pub(super) score: Vec<Score>,
    pub(super) seen: Bits,
    /// Words `lo..hi` of `seen` may have bits set; none outside.
    pub(super) lo: usize,
    pub(super) hi: usize,
}

impl Scores {
    pub(super) fn new(max_doc: u32) -> Scores {
        Scores {
            score: vec![0.0; max_doc as usize],
            seen: Bits::new(max_doc),
            lo: usize::MAX,
            hi: 0,
        }
    }

    /// Notes that words `lo..hi` are in use.
    #[inline]
    pub(super) fn widen(&mut self, lo: usize, hi: usize) {
        self.lo = self.lo.min(lo);
        self.hi = self.hi.max(hi);
    }

    /// Adds `factor` times the scores of a list in document order.
    pub(super) fn add_sorted(&mut self, list: &[(DocId, Score)], factor: Score) {
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
    pub(super) fn add(&mut self, doc: DocId, score: Score) {
        let word = (doc / 64) as usize;
        self.widen(word, word + 1);
        self.seen.insert(doc);
        self.score[doc as usize] += score;
    }

    /// Adds `score` to every document of `docs`.
    pub(super) fn add_constant(&mut self, docs: &Bits, score: Score) {
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
    pub(super) fn drain_from(&mut self, other: &mut Scores) {
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
    pub(super) fn words(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
        let range = self.lo.min(self.hi)..self.hi;
        self.seen.0[range.clone()]
            .iter()
            .zip(range)
            .filter(|(bits, _)| **bits != 0)
            .map(|(bits, word)| (word, *bits))
    }

    /// The score of `doc`, 0 if it has none.
    #[inline]
    pub(super) fn get(&self, doc: DocId) -> Score {
        self.score[doc as usize]
    }

    pub(super) fn is_empty(&self) -> bool {
        self.hi == 0
    }

    /// Back to empty, at the cost of what was set.
    pub(super) fn clear(&mut self) {
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
pub(super) fn ones(word: usize, bits: u64) -> Ones {
    Ones {
        base: (word * 64) as DocId,
        bits,
    }
}

pub(super) struct Ones {
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
