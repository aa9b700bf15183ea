//! Lists of (document, value) in document order: merged and intersected.

use std::cmp::Ordering;

use tantivy::DocId;

use super::pool::Buffer;

/// Two (document, frequency) lists in document order as one, frequencies of a document
/// added.
pub(super) fn merge_frequencies(a: &[(DocId, u32)], b: &[(DocId, u32)]) -> Vec<(DocId, u32)> {
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
pub(super) fn intersect<T: Copy>(
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
