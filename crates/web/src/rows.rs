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
use web_sys::{Document, Element, Node};

/// One row of a [`KeyedRows`] list.
pub trait Row {
    /// Unique within the list; a row whose key is unchanged keeps its element.
    fn key(&self) -> String;
    /// The row's element (text as text nodes).
    fn build(&self, doc: &Document) -> Option<Element>;
}

/// The elements of a list of rows under one parent element, sorted by key.
#[derive(Default)]
pub struct KeyedRows {
    by_key: Vec<(String, Element)>,
}

impl KeyedRows {
    /// Makes `parent`'s children the elements of `rows`, in order: removes the rows that went,
    /// inserts the new ones before the next kept row, and leaves kept rows where they are
    /// (a kept row out of order is moved; rows with a key seen before in `rows` are skipped).
    /// `parent` must hold only the rows this list put there.
    pub fn sync<R: Row>(&mut self, parent: &Element, rows: &[R]) {
        let keys = rows.iter().map(Row::key).collect();
        self.sync_keys(parent, keys, &|i, doc| rows[i].build(doc));
    }

    /// [`KeyedRows::sync`] over the rows' keys and a builder of row `i` (one copy of the code
    /// for every kind of row).
    fn sync_keys(
        &mut self,
        parent: &Element,
        keys: Vec<String>,
        build: &dyn Fn(usize, &Document) -> Option<Element>,
    ) {
        let Some(doc) = parent.owner_document() else {
            return;
        };
        // The new keys in key order, each with its first position in the list.
        let mut wanted: Vec<(&str, usize)> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| (k.as_str(), i))
            .collect();
        sort_by(&mut wanted, |a, b| a.cmp(b));
        // Equal keys are sorted by position: keep the first.
        wanted.dedup_by(|later, first| later.0 == first.0);
        let find = |k: &str| {
            wanted
                .binary_search_by(|(w, _)| (*w).cmp(k))
                .ok()
                .map(|at| wanted[at].1)
        };
        // Rows that went are removed; the kept ones stay sorted by key.
        let mut kept: Vec<(String, Option<Element>)> = Vec::with_capacity(keys.len());
        for (key, el) in std::mem::take(&mut self.by_key) {
            if find(&key).is_some() {
                kept.push((key, Some(el)));
            } else {
                el.remove();
            }
        }
        let mut next: Vec<(String, Element)> = Vec::with_capacity(keys.len());
        let mut cursor: Option<Node> = parent.first_child();
        for (i, key) in keys.iter().enumerate() {
            if find(key) != Some(i) {
                continue;
            }
            let old = kept
                .binary_search_by(|(k, _)| k.as_str().cmp(key))
                .ok()
                .and_then(|at| kept[at].1.take());
            let el = match old {
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
            next.push((key.clone(), el));
        }
        sort_by(&mut next, |a, b| a.0.cmp(&b.0));
        self.by_key = next;
    }
}

/// A `tag` element holding `text` as its one text node.
pub fn text_element(doc: &Document, tag: &str, text: &str) -> Option<Element> {
    let el = doc.create_element(tag).ok()?;
    el.set_text_content(Some(text));
    Some(el)
}
