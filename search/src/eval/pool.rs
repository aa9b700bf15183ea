//! Per-thread pools of score arrays and postings buffers, reused from search to search.

use std::cell::RefCell;

use tantivy::{DocId, Score};

use super::scores::Scores;

thread_local! {
    /// Score arrays for reuse: a fresh one costs its pages' faults on every search.
    static SPARE: RefCell<Vec<Scores>> = const { RefCell::new(Vec::new()) };
}

/// Spare score arrays kept per thread, at most.
const MAX_SPARE: usize = 8;

/// An empty score array for `max_doc` documents.
pub(super) fn scores(max_doc: u32) -> Scores {
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
pub(super) fn recycle(mut scores: Scores) {
    scores.clear();
    SPARE.with_borrow_mut(|spare| {
        if spare.len() >= MAX_SPARE {
            spare.remove(0);
        }
        spare.push(scores);
    });
}

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
pub(super) trait Buffer: Sized + 'static {
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
