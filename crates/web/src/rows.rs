//! Long lists of plain rows (the DNS records, the PersistentVolumes, the storage shelf's claim
//! cards, the reason feed), kept in step with their signal by hand instead of by `<For>`.
//!
//! Why: `<For>`'s diff (tachys 0.2 `keyed::diff`) decides that a kept row must move in the DOM
//! when its shift differs from the additions and removals seen *before its old index*. When
//! one update inserts rows at several places, every kept row between them is moved (removed
//! and inserted again). Twenty DNS records appearing in one frame among four hundred moved most
//! of the table: about 1 000 DOM mutations a frame while 200 pods became Ready, and the frames
//! over 50 ms. Here a kept row is never touched: rows that went are removed, and each new row
//! is inserted before the next kept row, in one walk.
//!
//! Every row's text goes in as text nodes (`textContent`), never as markup.

use ordinal_model::sort::sort_by;
use ordinal_model::Fnv;
use web_sys::{Document, Element, Node};

/// One row of a [`KeyedRows`] list.
pub trait Row {
    /// Unique within the list; a row whose key is unchanged keeps its element.
    fn key(&self) -> String;
    /// The row's element (text as text nodes).
    fn build(&self, doc: &Document) -> Option<Element>;
}

/// The elements of a list of rows under one parent element, in the order they are there.
#[derive(Default)]
pub struct KeyedRows {
    /// Each row's key as a 64-bit FNV-1a hash (sorting and searching thousands of long
    /// keys as strings was most of a sync), with its element.
    rows: Vec<(u64, Element)>,
}

impl KeyedRows {
    /// Makes `parent`'s children the elements of `rows`, in order: removes the rows that went,
    /// inserts the new ones before the next kept row, and leaves kept rows where they are
    /// (a kept row out of order is moved; rows with a key seen before in `rows` are skipped).
    /// `parent` must hold only the rows this list put there.
    pub fn sync<R: Row>(&mut self, parent: &Element, rows: &[R]) {
        let keys = rows.iter().map(|r| Fnv::of(r.key().as_bytes())).collect();
        self.sync_keys(parent, keys, &|i, doc| rows[i].build(doc));
    }

    /// [`KeyedRows::sync`] over the rows' key hashes and a builder of row `i` (one copy of the code
    /// for every kind of row). When the kept rows keep their order (a sorted list: always),
    /// a kept row costs no call into the DOM at all: with 1 000 claims on the shelf, one
    /// claim changing touched two DOM nodes but walked all 1 000 siblings.
    fn sync_keys(
        &mut self,
        parent: &Element,
        keys: Vec<u64>,
        build: &dyn Fn(usize, &Document) -> Option<Element>,
    ) {
        let Some(doc) = parent.owner_document() else {
            return;
        };
        // Each key's first position in the new list, sorted by key (for lookups).
        let mut wanted: Vec<(u64, usize)> = keys.iter().copied().zip(0..).collect();
        sort_by(&mut wanted, |a, b| a.cmp(b));
        // Equal keys are sorted by position: keep the first.
        wanted.dedup_by(|later, first| later.0 == first.0);
        let find = |k: u64| {
            wanted
                .binary_search_by(|(w, _)| w.cmp(&k))
                .ok()
                .map(|at| wanted[at].1)
        };
        // Rows that went are removed; the kept ones, in their DOM order, by new position.
        let mut kept: Vec<(usize, Option<Element>)> = Vec::with_capacity(keys.len());
        for (key, el) in std::mem::take(&mut self.rows) {
            match find(key) {
                Some(i) => kept.push((i, Some(el))),
                None => el.remove(),
            }
        }
        let in_order = kept.windows(2).all(|w| w[0].0 < w[1].0);
        // The kept rows by new position (for lookups).
        let mut at: Vec<(usize, usize)> =
            kept.iter().enumerate().map(|(k, (i, _))| (*i, k)).collect();
        sort_by(&mut at, |a, b| a.cmp(b));
        let mut take = |i: usize| {
            at.binary_search_by(|(p, _)| p.cmp(&i))
                .ok()
                .and_then(|j| kept[at[j].1].1.take())
        };
        let mut next: Vec<(u64, Element)> = Vec::with_capacity(keys.len());
        if in_order {
            // From the end: each new row goes in before the row that follows it (the last
            // one placed).
            for (i, &key) in keys.iter().enumerate().rev() {
                if find(key) != Some(i) {
                    continue;
                }
                let el = match take(i) {
                    Some(el) => el,
                    None => {
                        let Some(el) = build(i, &doc) else {
                            continue;
                        };
                        let before: Option<&Node> = next.last().map(|(_, a)| a.as_ref());
                        let _ = parent.insert_before(el.as_ref(), before);
                        el
                    }
                };
                next.push((key, el));
            }
            next.reverse();
        } else {
            let mut cursor: Option<Node> = parent.first_child();
            for (i, &key) in keys.iter().enumerate() {
                if find(key) != Some(i) {
                    continue;
                }
                let el = match take(i) {
                    Some(el) => {
                        let node: &Node = el.as_ref();
                        if cursor.as_ref() == Some(node) {
                            cursor = node.next_sibling();
                        } else {
                            let _ = parent.insert_before(node, cursor.as_ref());
                        }
                        el
                    }
                    None => {
                        let Some(el) = build(i, &doc) else {
                            continue;
                        };
                        let _ = parent.insert_before(el.as_ref(), cursor.as_ref());
                        el
                    }
                };
                next.push((key, el));
            }
        }
        self.rows = next;
    }
}

/// A `tag` element holding `text` as its one text node.
pub fn text_element(doc: &Document, tag: &str, text: &str) -> Option<Element> {
    let el = doc.create_element(tag).ok()?;
    el.set_text_content(Some(text));
    Some(el)
}
