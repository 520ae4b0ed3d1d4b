//! Stable sorting with one shared copy of the sort code.
//!
//! `slice::sort_by` is monomorphized per element type *and* per comparator closure: each call
//! site costs a few KB of drift-sort/small-sort code in the wasm bundle (~45 sites, ~190 KB
//! before wasm-opt). These helpers sort a list of indices with a `dyn` comparator — one
//! instantiation of the standard sort for the whole program — and then move the elements into
//! place with swaps. Same result as `sort_by` (stable, same comparator calls in kind), so
//! callers can switch without changing behaviour.

use std::cmp::Ordering;

/// Like `v.sort_by(cmp)` (stable).
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let perm = sorted_indices(v.len(), &mut |a, b| cmp(&v[a], &v[b]));
    permute(perm, &mut |a, b| v.swap(a, b));
}

/// Like `v.sort_by_key(key)` (stable).
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)))
}

/// Like `v.sort()` (stable).
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp)
}

/// Like `iter.collect::<serde_json::Map<_, _>>()` (a `BTreeMap` underneath), whose
/// `FromIterator` sorts the pairs first with a stable sort instantiated per *iterator type* (a
/// few KB of wasm per call site); inserting one by one gives the same map (the last value of a
/// repeated key wins in both).
pub fn json_map_from(
    iter: impl IntoIterator<Item = (String, serde_json::Value)>,
) -> serde_json::Map<String, serde_json::Value> {
    let mut m = serde_json::Map::new();
    m.extend(iter);
    m
}

/// The indices `0..n` in the order `cmp` sorts them (stable).
#[inline(never)]
fn sorted_indices(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_by(|&a, &b| cmp(a, b));
    idx
}

/// Rearranges a slice so that position `i` holds the element that was at `perm[i]`, using
/// `swap` (cycle by cycle).
#[inline(never)]
fn permute(mut perm: Vec<usize>, swap: &mut dyn FnMut(usize, usize)) {
    for i in 0..perm.len() {
        if perm[i] == i {
            continue;
        }
        let mut j = i;
        loop {
            let k = perm[j];
            perm[j] = j;
            if k == i {
                break;
            }
            swap(j, k);
            j = k;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_the_standard_stable_sort() {
        let mut seed = 7u64;
        for n in 0..60 {
            let mut v: Vec<(u8, usize)> = (0..n)
                .map(|i| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((seed >> 60) as u8, i)
                })
                .collect();
            let mut want = v.clone();
            want.sort_by_key(|p| p.0);
            sort_by_key(&mut v, |p| p.0);
            assert_eq!(v, want);
            let mut want = v.clone();
            want.sort();
            sort(&mut v);
            assert_eq!(v, want);
        }
    }

    #[test]
    fn json_map_from_agrees_with_collect() {
        let pairs = [("b", 1), ("a", 2), ("b", 3), ("c", 4), ("a", 5)];
        let json = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), serde_json::Value::from(*v)));
        let want: serde_json::Map<String, serde_json::Value> = json.clone().collect();
        assert_eq!(json_map_from(json), want);
    }
}
