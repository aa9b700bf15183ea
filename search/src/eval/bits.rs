//! Sets of documents of one segment, one bit a document.

use tantivy::postings::TermInfo;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, InvertedIndexReader};

use crate::error::Result;

/// A set of documents of one segment.
#[derive(Debug, Clone)]
pub(super) struct Bits(pub(super) Vec<u64>);

impl Bits {
    pub(super) fn new(max_doc: u32) -> Bits {
        Bits(vec![0; (max_doc as usize).div_ceil(64)])
    }

    /// Every document below `max_doc`.
    pub(super) fn all(max_doc: u32) -> Bits {
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
    pub(super) fn insert(&mut self, doc: DocId) -> bool {
        let (word, bit) = ((doc / 64) as usize, 1u64 << (doc % 64));
        let before = self.0[word];
        self.0[word] = before | bit;
        before & bit == 0
    }

    #[inline]
    pub(super) fn remove(&mut self, doc: DocId) {
        self.0[(doc / 64) as usize] &= !(1u64 << (doc % 64));
    }

    #[cfg(test)]
    pub(super) fn contains(&self, doc: DocId) -> bool {
        self.0
            .get((doc / 64) as usize)
            .is_some_and(|w| w & (1u64 << (doc % 64)) != 0)
    }

    pub(super) fn intersect(&mut self, other: &Bits) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a &= b;
        }
    }

    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }
}

pub(super) fn insert_postings(
    inverted: &InvertedIndexReader,
    info: &TermInfo,
    bits: &mut Bits,
) -> Result<()> {
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
