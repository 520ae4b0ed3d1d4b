//! Ordered maps and sets kept as one sorted `Vec`: `VecMap` and `VecSet`.
//!
//! Why not `BTreeMap`/`BTreeSet`: in the wasm bundle every key/value pair type instantiates the
//! whole B-tree (search, insert with node splits, remove with merges and steals, clone of
//! subtrees, iterators) — about 6 KB of code per instantiation, ≈ 60 instantiations, ≈ 13 % of
//! the code before wasm-opt. A sorted `Vec` needs a binary search and a `memmove`; its code per
//! type is a fraction of that. The maps here are small (labels, annotations, per-node and
//! per-set indexes of at most a few hundred entries), where a sorted `Vec` is also at least as
//! fast. Maps with thousands of entries inserted and removed in the middle keep `BTreeMap`: the
//! apiserver's object store, and the kubelets', StatefulSet index's and endpoints controller's
//! per-pod maps (measured: 15–50 % slower at 2 000–10 000 replicas as sorted `Vec`s).
//!
//! The API is the subset of `BTreeMap`/`BTreeSet` the workspace uses, with the same meaning:
//! iteration in key order, `insert` returning the value it replaced (and keeping the key that
//! was there, as `BTreeMap` does), `FromIterator`/`Extend` where the last value for a repeated
//! key wins.

use std::borrow::Borrow;
use std::fmt;
use std::ops::{Bound, RangeBounds};

/// An ordered map stored as a `Vec` of pairs sorted by key, keys unique.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VecMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap::new()
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for VecMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K, V> VecMap<K, V> {
    pub const fn new() -> Self {
        VecMap {
            entries: Vec::new(),
        }
    }
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    pub fn clear(&mut self) {
        self.entries.clear()
    }
    pub fn iter(&self) -> Iter<'_, K, V> {
        Iter(self.entries.iter())
    }
    pub fn iter_mut(&mut self) -> IterMut<'_, K, V> {
        IterMut(self.entries.iter_mut())
    }
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(k, _)| k)
    }
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(_, v)| v)
    }
    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }
    pub fn into_keys(self) -> impl DoubleEndedIterator<Item = K> + ExactSizeIterator {
        self.entries.into_iter().map(|(k, _)| k)
    }
    pub fn into_values(self) -> impl DoubleEndedIterator<Item = V> + ExactSizeIterator {
        self.entries.into_iter().map(|(_, v)| v)
    }
    pub fn first_key_value(&self) -> Option<(&K, &V)> {
        self.entries.first().map(|(k, v)| (k, v))
    }
    pub fn last_key_value(&self) -> Option<(&K, &V)> {
        self.entries.last().map(|(k, v)| (k, v))
    }
    pub fn pop_first(&mut self) -> Option<(K, V)> {
        if self.entries.is_empty() {
            None
        } else {
            Some(self.entries.remove(0))
        }
    }
    pub fn pop_last(&mut self) -> Option<(K, V)> {
        self.entries.pop()
    }
    /// Keeps the entries for which `keep` returns true, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v))
    }
}

impl<K: Ord, V> VecMap<K, V> {
    /// `Ok(index)` of `key`, or `Err(index)` where it would be inserted.
    fn find<Q>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }
    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }
    pub fn get_key_value<Q>(&self, key: &Q) -> Option<(&K, &V)>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.find(key).ok().map(|i| {
            let (k, v) = &self.entries[i];
            (k, v)
        })
    }
    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        match self.find(key) {
            Ok(i) => Some(&mut self.entries[i].1),
            Err(_) => None,
        }
    }
    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.find(key).is_ok()
    }
    /// Inserts or replaces; returns the replaced value (the stored key stays, as in `BTreeMap`).
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        // Appending in key order (building from sorted input) skips the search.
        if self.entries.last().is_none_or(|(last, _)| *last < key) {
            self.entries.push((key, value));
            return None;
        }
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }
    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.remove_entry(key).map(|(_, v)| v)
    }
    pub fn remove_entry<Q>(&mut self, key: &Q) -> Option<(K, V)>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        match self.find(key) {
            Ok(i) => Some(self.entries.remove(i)),
            Err(_) => None,
        }
    }
    pub fn entry(&mut self, key: K) -> Entry<'_, K, V> {
        match self.find(&key) {
            Ok(index) => Entry::Occupied(OccupiedEntry { map: self, index }),
            Err(index) => Entry::Vacant(VacantEntry {
                map: self,
                index,
                key,
            }),
        }
    }
    /// The entries whose keys fall in `range`, in order.
    pub fn range<Q, R>(&self, range: R) -> Iter<'_, K, V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
        R: RangeBounds<Q>,
    {
        let (lo, hi) = self.bounds(range);
        Iter(self.entries[lo..hi].iter())
    }
    pub fn range_mut<Q, R>(&mut self, range: R) -> IterMut<'_, K, V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
        R: RangeBounds<Q>,
    {
        let (lo, hi) = self.bounds(range);
        IterMut(self.entries[lo..hi].iter_mut())
    }
    fn bounds<Q, R>(&self, range: R) -> (usize, usize)
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
        R: RangeBounds<Q>,
    {
        bounds(&self.entries, |(k, _)| k.borrow(), range)
    }
    /// Moves every entry of `other` into `self` (`other`'s value wins for a shared key).
    pub fn append(&mut self, other: &mut Self) {
        self.extend(std::mem::take(&mut other.entries));
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for VecMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut map = VecMap::new();
        map.extend(iter);
        map
    }
}

/// Appends, then sorts once if the new pairs broke the order (inserting one by one into the
/// middle would move half the map per pair: quadratic for a large unsorted input). A repeated
/// key keeps its first key and its last value, as `BTreeMap::extend` does.
impl<K: Ord, V> Extend<(K, V)> for VecMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        let start = self.entries.len().saturating_sub(1);
        self.entries.extend(iter);
        if self.entries[start..].is_sorted_by(|a, b| a.0 < b.0) {
            return;
        }
        // Stable: of equal keys, the one already there (or added first) comes first.
        crate::sort::sort_by(&mut self.entries, |a, b| a.0.cmp(&b.0));
        self.entries.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                std::mem::swap(&mut later.1, &mut kept.1);
            }
            same
        });
    }
}

impl<'a, K: Ord + Copy, V: Copy> Extend<(&'a K, &'a V)> for VecMap<K, V> {
    fn extend<I: IntoIterator<Item = (&'a K, &'a V)>>(&mut self, iter: I) {
        self.extend(iter.into_iter().map(|(k, v)| (*k, *v)));
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for VecMap<K, V> {
    fn from(pairs: [(K, V); N]) -> Self {
        pairs.into_iter().collect()
    }
}

impl<K: Ord + Borrow<Q>, V, Q: Ord + ?Sized> std::ops::Index<&Q> for VecMap<K, V> {
    type Output = V;
    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no entry found for key")
    }
}

impl<K, V> IntoIterator for VecMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a VecMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, K, V> IntoIterator for &'a mut VecMap<K, V> {
    type Item = (&'a K, &'a mut V);
    type IntoIter = IterMut<'a, K, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

/// `(&K, &V)` in key order.
#[derive(Clone)]
pub struct Iter<'a, K, V>(std::slice::Iter<'a, (K, V)>);

impl<'a, K, V> Iterator for Iter<'a, K, V> {
    type Item = (&'a K, &'a V);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k, v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}
impl<K, V> DoubleEndedIterator for Iter<'_, K, V> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (k, v))
    }
}
impl<K, V> ExactSizeIterator for Iter<'_, K, V> {}

/// `(&K, &mut V)` in key order.
pub struct IterMut<'a, K, V>(std::slice::IterMut<'a, (K, V)>);

impl<'a, K, V> Iterator for IterMut<'a, K, V> {
    type Item = (&'a K, &'a mut V);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (&*k, v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}
impl<K, V> DoubleEndedIterator for IterMut<'_, K, V> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (&*k, v))
    }
}
impl<K, V> ExactSizeIterator for IterMut<'_, K, V> {}

pub enum Entry<'a, K, V> {
    Occupied(OccupiedEntry<'a, K, V>),
    Vacant(VacantEntry<'a, K, V>),
}

pub struct OccupiedEntry<'a, K, V> {
    map: &'a mut VecMap<K, V>,
    index: usize,
}

pub struct VacantEntry<'a, K, V> {
    map: &'a mut VecMap<K, V>,
    index: usize,
    key: K,
}

impl<'a, K, V> Entry<'a, K, V> {
    pub fn or_insert(self, default: V) -> &'a mut V {
        self.or_insert_with(|| default)
    }
    pub fn or_insert_with(self, default: impl FnOnce() -> V) -> &'a mut V {
        match self {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(default()),
        }
    }
    pub fn or_default(self) -> &'a mut V
    where
        V: Default,
    {
        self.or_insert_with(V::default)
    }
    pub fn and_modify(mut self, f: impl FnOnce(&mut V)) -> Self {
        if let Entry::Occupied(e) = &mut self {
            f(e.get_mut());
        }
        self
    }
    pub fn key(&self) -> &K {
        match self {
            Entry::Occupied(e) => e.key(),
            Entry::Vacant(e) => &e.key,
        }
    }
}

impl<'a, K, V> OccupiedEntry<'a, K, V> {
    pub fn key(&self) -> &K {
        &self.map.entries[self.index].0
    }
    pub fn get(&self) -> &V {
        &self.map.entries[self.index].1
    }
    pub fn get_mut(&mut self) -> &mut V {
        &mut self.map.entries[self.index].1
    }
    pub fn into_mut(self) -> &'a mut V {
        &mut self.map.entries[self.index].1
    }
    pub fn insert(&mut self, value: V) -> V {
        std::mem::replace(self.get_mut(), value)
    }
    pub fn remove(self) -> V {
        self.map.entries.remove(self.index).1
    }
}

impl<'a, K, V> VacantEntry<'a, K, V> {
    pub fn key(&self) -> &K {
        &self.key
    }
    pub fn insert(self, value: V) -> &'a mut V {
        self.map.entries.insert(self.index, (self.key, value));
        &mut self.map.entries[self.index].1
    }
}

impl<K: serde::Serialize, V: serde::Serialize> serde::Serialize for VecMap<K, V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de, K, V> serde::Deserialize<'de> for VecMap<K, V>
where
    K: serde::Deserialize<'de> + Ord,
    V: serde::Deserialize<'de>,
{
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct MapVisitor<K, V>(std::marker::PhantomData<(K, V)>);
        impl<'de, K, V> serde::de::Visitor<'de> for MapVisitor<K, V>
        where
            K: serde::Deserialize<'de> + Ord,
            V: serde::Deserialize<'de>,
        {
            type Value = VecMap<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut access: A,
            ) -> Result<Self::Value, A::Error> {
                let mut map = VecMap::new();
                while let Some((k, v)) = access.next_entry()? {
                    map.insert(k, v);
                }
                Ok(map)
            }
        }
        d.deserialize_map(MapVisitor(std::marker::PhantomData))
    }
}

/// The index range of the sorted `items` whose keys fall in `range`.
fn bounds<T, Q, R>(items: &[T], key: impl Fn(&T) -> &Q, range: R) -> (usize, usize)
where
    Q: Ord + ?Sized,
    R: RangeBounds<Q>,
{
    let lo = match range.start_bound() {
        Bound::Included(q) => items.partition_point(|t| key(t) < q),
        Bound::Excluded(q) => items.partition_point(|t| key(t) <= q),
        Bound::Unbounded => 0,
    };
    let hi = match range.end_bound() {
        Bound::Included(q) => items.partition_point(|t| key(t) <= q),
        Bound::Excluded(q) => items.partition_point(|t| key(t) < q),
        Bound::Unbounded => items.len(),
    };
    (lo, hi.max(lo))
}

/// An ordered set stored as a sorted `Vec` of unique items.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VecSet<T> {
    items: Vec<T>,
}

impl<T> Default for VecSet<T> {
    fn default() -> Self {
        VecSet::new()
    }
}

impl<T: fmt::Debug> fmt::Debug for VecSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl<T> VecSet<T> {
    pub const fn new() -> Self {
        VecSet { items: Vec::new() }
    }
    pub fn len(&self) -> usize {
        self.items.len()
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
    pub fn clear(&mut self) {
        self.items.clear()
    }
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }
    pub fn first(&self) -> Option<&T> {
        self.items.first()
    }
    pub fn last(&self) -> Option<&T> {
        self.items.last()
    }
    pub fn pop_first(&mut self) -> Option<T> {
        if self.items.is_empty() {
            None
        } else {
            Some(self.items.remove(0))
        }
    }
    pub fn pop_last(&mut self) -> Option<T> {
        self.items.pop()
    }
    pub fn retain(&mut self, keep: impl FnMut(&T) -> bool) {
        self.items.retain(keep)
    }
}

impl<T: Ord> VecSet<T> {
    fn find<Q>(&self, item: &Q) -> Result<usize, usize>
    where
        T: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.items.binary_search_by(|t| t.borrow().cmp(item))
    }
    pub fn contains<Q>(&self, item: &Q) -> bool
    where
        T: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.find(item).is_ok()
    }
    pub fn get<Q>(&self, item: &Q) -> Option<&T>
    where
        T: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.find(item).ok().map(|i| &self.items[i])
    }
    /// Adds `item`; false if it was there already (the stored one stays).
    pub fn insert(&mut self, item: T) -> bool {
        if self.items.last().is_none_or(|last| *last < item) {
            self.items.push(item);
            return true;
        }
        match self.find(&item) {
            Ok(_) => false,
            Err(i) => {
                self.items.insert(i, item);
                true
            }
        }
    }
    pub fn remove<Q>(&mut self, item: &Q) -> bool
    where
        T: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.take(item).is_some()
    }
    pub fn take<Q>(&mut self, item: &Q) -> Option<T>
    where
        T: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        match self.find(item) {
            Ok(i) => Some(self.items.remove(i)),
            Err(_) => None,
        }
    }
    /// The items that fall in `range`, in order.
    pub fn range<Q, R>(&self, range: R) -> std::slice::Iter<'_, T>
    where
        T: Borrow<Q>,
        Q: Ord + ?Sized,
        R: RangeBounds<Q>,
    {
        let (lo, hi) = bounds(&self.items, |t| t.borrow(), range);
        self.items[lo..hi].iter()
    }
    pub fn is_subset(&self, other: &VecSet<T>) -> bool {
        self.iter().all(|t| other.contains(t))
    }
    /// Items of `self` not in `other`, in order.
    pub fn difference<'a>(&'a self, other: &'a VecSet<T>) -> impl Iterator<Item = &'a T> + 'a {
        self.iter().filter(move |t| !other.contains(*t))
    }
    /// Items in both, in order.
    pub fn intersection<'a>(&'a self, other: &'a VecSet<T>) -> impl Iterator<Item = &'a T> + 'a {
        self.iter().filter(move |t| other.contains(*t))
    }
    pub fn append(&mut self, other: &mut Self) {
        self.extend(std::mem::take(&mut other.items));
    }
}

impl<T: Ord> FromIterator<T> for VecSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut set = VecSet::new();
        set.extend(iter);
        set
    }
}

/// Appends, then sorts once if the new items broke the order (see `VecMap`'s `Extend`); a
/// repeated item keeps the one added first.
impl<T: Ord> Extend<T> for VecSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        let start = self.items.len().saturating_sub(1);
        self.items.extend(iter);
        if self.items[start..].is_sorted_by(|a, b| a < b) {
            return;
        }
        crate::sort::sort(&mut self.items);
        self.items.dedup();
    }
}

impl<'a, T: Ord + Copy + 'a> Extend<&'a T> for VecSet<T> {
    fn extend<I: IntoIterator<Item = &'a T>>(&mut self, iter: I) {
        self.extend(iter.into_iter().copied());
    }
}

impl<T: Ord, const N: usize> From<[T; N]> for VecSet<T> {
    fn from(items: [T; N]) -> Self {
        items.into_iter().collect()
    }
}

impl<T> IntoIterator for VecSet<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a VecSet<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<T: serde::Serialize> serde::Serialize for VecSet<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de, T: serde::Deserialize<'de> + Ord> serde::Deserialize<'de> for VecSet<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::<T>::deserialize(d).map(|v| v.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    /// The same operations on a `VecMap` and a `BTreeMap` leave the same contents, return the
    /// same values and iterate in the same order.
    #[test]
    fn behaves_like_btreemap() {
        let mut rng = crate::rng::Rng::new(7);
        let mut ours: VecMap<u8, u32> = VecMap::new();
        let mut std: BTreeMap<u8, u32> = BTreeMap::new();
        for step in 0..5_000u32 {
            let k = (rng.next_u64() % 40) as u8;
            match rng.next_u64() % 7 {
                0 | 1 => assert_eq!(ours.insert(k, step), std.insert(k, step)),
                6 => {
                    // A few pairs, unsorted, keys possibly repeated or already present.
                    let pairs: Vec<(u8, u32)> = (0..rng.next_u64() % 6)
                        .map(|j| ((rng.next_u64() % 40) as u8, step * 10 + j as u32))
                        .collect();
                    ours.extend(pairs.iter().copied());
                    std.extend(pairs.iter().copied());
                }
                2 => assert_eq!(ours.remove(&k), std.remove(&k)),
                3 => {
                    *ours.entry(k).or_insert(0) += 1;
                    *std.entry(k).or_insert(0) += 1;
                }
                4 => {
                    let hi = k.saturating_add(5);
                    assert!(ours.range(k..hi).eq(std.range(k..hi)));
                    assert!(ours.range(..=k).rev().eq(std.range(..=k).rev()));
                }
                _ => {
                    ours.retain(|key, _| key % 7 != k % 7);
                    std.retain(|key, _| key % 7 != k % 7);
                }
            }
            assert!(ours.iter().eq(std.iter()), "step {step}");
            assert_eq!(ours.get(&k), std.get(&k));
        }
        assert_eq!(format!("{ours:?}"), format!("{std:?}"));
    }

    #[test]
    fn behaves_like_btreeset() {
        let mut rng = crate::rng::Rng::new(11);
        let mut ours: VecSet<u8> = VecSet::new();
        let mut std: BTreeSet<u8> = BTreeSet::new();
        for _ in 0..5_000 {
            let k = (rng.next_u64() % 40) as u8;
            match rng.next_u64() % 4 {
                0 => assert_eq!(ours.insert(k), std.insert(k)),
                3 => {
                    let items: Vec<u8> = (0..rng.next_u64() % 6)
                        .map(|_| (rng.next_u64() % 40) as u8)
                        .collect();
                    ours.extend(items.iter().copied());
                    std.extend(items.iter().copied());
                }
                1 => assert_eq!(ours.remove(&k), std.remove(&k)),
                _ => assert!(ours.range(k..).eq(std.range(k..))),
            }
            assert!(ours.iter().eq(std.iter()));
        }
        assert_eq!(format!("{ours:?}"), format!("{std:?}"));
    }

    #[test]
    fn collecting_keeps_the_last_value_of_a_repeated_key() {
        let m: VecMap<&str, i32> = [("b", 1), ("a", 2), ("b", 3)].into_iter().collect();
        assert_eq!(format!("{m:?}"), r#"{"a": 2, "b": 3}"#);
        let pairs = [("b", 1), ("a", 2), ("b", 3), ("c", 4), ("a", 5)];
        let ours: VecMap<&str, i32> = pairs.iter().copied().collect();
        let std: BTreeMap<&str, i32> = pairs.iter().copied().collect();
        assert!(ours.iter().eq(std.iter()));
        let ours: VecSet<&str> = pairs.iter().map(|p| p.0).collect();
        let std: BTreeSet<&str> = pairs.iter().map(|p| p.0).collect();
        assert!(ours.iter().eq(std.iter()));
    }
}
