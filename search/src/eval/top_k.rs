//! The best hits of a search, kept in a bounded heap as they are offered.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use tantivy::{DocAddress, Score};

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
pub(super) struct Top {
    wanted: usize,
    heap: BinaryHeap<Candidate>,
    /// Once the heap is full, the score of its worst: lower scores cannot get in.
    floor: Score,
}

impl Top {
    pub(super) fn new(wanted: usize) -> Top {
        Top {
            wanted,
            heap: BinaryHeap::with_capacity(wanted.min(1024) + 1),
            floor: Score::NEG_INFINITY,
        }
    }

    #[inline]
    pub(super) fn offer(&mut self, score: Score, address: DocAddress) {
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
    pub(super) fn page(self, offset: usize) -> Vec<(Score, DocAddress)> {
        self.heap
            .into_sorted_vec()
            .into_iter()
            .skip(offset)
            .map(|Candidate(score, address)| (score, address))
            .collect()
    }
}
