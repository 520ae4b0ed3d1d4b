//! Long lists of plain text rows (the DNS records, the reason feed), kept in step with their
//! signal by hand instead of by `<For>`.
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

use std::collections::HashMap;

use web_sys::{Document, Element, Node};

/// One row of a [`KeyedRows`] list.
pub trait Row {
    /// Unique within the list; a row whose key is unchanged keeps its element.
    fn key(&self) -> String;
    /// The row's element (text as text nodes).
    fn build(&self, doc: &Document) -> Option<Element>;
}

/// The elements of a list of rows under one parent element, by key.
#[derive(Default)]
pub struct KeyedRows {
    by_key: HashMap<String, Element>,
}

impl KeyedRows {
    /// Makes `parent`'s children the elements of `rows`, in order: removes the rows that went,
    /// inserts the new ones before the next kept row, and leaves kept rows where they are
    /// (a kept row out of order is moved; rows with a key seen before in `rows` are skipped).
    /// `parent` must hold only the rows this list put there.
    pub fn sync<R: Row>(&mut self, parent: &Element, rows: &[R]) {
        let Some(doc) = parent.owner_document() else {
            return;
        };
        let keys: Vec<String> = rows.iter().map(Row::key).collect();
        let wanted: std::collections::HashSet<&str> = keys.iter().map(String::as_str).collect();
        let mut kept: HashMap<String, Element> = HashMap::with_capacity(keys.len());
        for (key, el) in self.by_key.drain() {
            if wanted.contains(key.as_str()) {
                kept.insert(key, el);
            } else {
                el.remove();
            }
        }
        let mut next: HashMap<String, Element> = HashMap::with_capacity(keys.len());
        let mut cursor: Option<Node> = parent.first_child();
        for (row, key) in rows.iter().zip(keys) {
            if next.contains_key(&key) {
                continue;
            }
            let el = match kept.remove(&key) {
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
                    let Some(el) = row.build(&doc) else {
                        continue;
                    };
                    let _ = parent.insert_before(el.as_ref(), cursor.as_ref());
                    el
                }
            };
            next.insert(key, el);
        }
        self.by_key = next;
    }
}

/// A `tag` element holding `text` as its one text node.
pub fn text_element(doc: &Document, tag: &str, text: &str) -> Option<Element> {
    let el = doc.create_element(tag).ok()?;
    el.set_text_content(Some(text));
    Some(el)
}
