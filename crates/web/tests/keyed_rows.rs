//! The hand-kept row lists (DNS records, volumes, the reason feed): rows appearing at several
//! places in one update are inserted and nothing else is touched (Leptos' `<For>` moved every
//! kept row between two insertions); rows that went are removed; the order is the list's; text
//! stays text.

use ordinal_web::rows::KeyedRows;
use ordinal_web::vm::DnsRow;
use wasm_bindgen::JsCast;
use web_sys::{Element, MutationObserver, MutationObserverInit};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn row(ordinal: usize, ip: &str) -> DnsRow {
    DnsRow {
        name: format!("web-{ordinal}.nginx.default.svc.cluster.local"),
        type_: "A",
        value: ip.into(),
    }
}

fn tbody() -> Element {
    let doc = web_sys::window().unwrap().document().unwrap();
    let body = doc.create_element("tbody").unwrap();
    doc.body().unwrap().append_child(&body).unwrap();
    body
}

fn keys(parent: &Element) -> Vec<String> {
    let children = parent.children();
    (0..children.length())
        .map(|i| children.item(i).unwrap().get_attribute("data-dns").unwrap())
        .collect()
}

/// (nodes added, nodes removed) under `parent` by `f`, read synchronously.
fn mutations(parent: &Element, f: impl FnOnce()) -> (u32, u32) {
    let observer = MutationObserver::new(&js_sys::Function::new_no_args("")).unwrap();
    let init = MutationObserverInit::new();
    init.set_child_list(true);
    observer.observe_with_options(parent, &init).unwrap();
    f();
    let (mut added, mut removed) = (0, 0);
    for record in observer.take_records().iter() {
        let record: web_sys::MutationRecord = record.unchecked_into();
        added += record.added_nodes().length();
        removed += record.removed_nodes().length();
    }
    observer.disconnect();
    (added, removed)
}

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
#[test]
fn rows_appearing_at_several_places_are_inserted_and_nothing_else_moves() {
    let parent = tbody();
    let mut list = KeyedRows::default();
    // Every tenth record of 200, in the table's (name) order.
    let mut rows: Vec<DnsRow> = (0..200)
        .step_by(10)
        .map(|i| row(i, &format!("10.244.1.{i}")))
        .collect();
    rows.sort_by_key(DnsRow::key);
    list.sync(&parent, &rows);
    assert_eq!(keys(&parent).len(), 20);
    let first = parent.first_element_child().unwrap();

    // Forty more arrive at forty places, and one record goes.
    let mut more: Vec<DnsRow> = rows.iter().skip(1).cloned().collect();
    more.extend(
        (0..200)
            .filter(|i| i % 5 == 2)
            .map(|i| row(i, &format!("10.244.2.{i}"))),
    );
    more.sort_by_key(DnsRow::key);
    let (added, removed) = mutations(&parent, || list.sync(&parent, &more));
    assert_eq!(
        (added, removed),
        (40, 1),
        "only the new rows go in, only the old one goes out"
    );
    assert_eq!(
        keys(&parent),
        more.iter().map(DnsRow::key).collect::<Vec<_>>()
    );
    assert!(!first.is_connected(), "the removed record's row is gone");

    // Nothing changed: no mutation at all; an IP change replaces that one row.
    assert_eq!(mutations(&parent, || list.sync(&parent, &more)), (0, 0));
    let mut moved_ip = more.clone();
    moved_ip[7].value = "10.244.3.7".into();
    assert_eq!(mutations(&parent, || list.sync(&parent, &moved_ip)), (1, 1));
    assert_eq!(
        keys(&parent),
        moved_ip.iter().map(DnsRow::key).collect::<Vec<_>>()
    );

    // A reordered list is shown in its order; duplicates are shown once; empty empties.
    let mut reversed = moved_ip.clone();
    reversed.reverse();
    reversed.push(reversed[0].clone());
    list.sync(&parent, &reversed);
    assert_eq!(
        keys(&parent),
        reversed[..reversed.len() - 1]
            .iter()
            .map(DnsRow::key)
            .collect::<Vec<_>>()
    );
    list.sync::<DnsRow>(&parent, &[]);
    assert_eq!(parent.child_element_count(), 0);
    parent.remove();
}

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
#[test]
fn row_text_is_text_never_markup() {
    let parent = tbody();
    let mut list = KeyedRows::default();
    let evil = DnsRow {
        name: "<img src=x onerror=alert(1)>".into(),
        type_: "A",
        value: "<b>1</b>".into(),
    };
    list.sync(&parent, std::slice::from_ref(&evil));
    assert_eq!(parent.get_elements_by_tag_name("img").length(), 0);
    assert_eq!(parent.get_elements_by_tag_name("b").length(), 0);
    let tr = parent.first_element_child().unwrap();
    assert_eq!(tr.get_attribute("data-dns").unwrap(), evil.key());
    assert_eq!(
        tr.text_content().unwrap(),
        "<img src=x onerror=alert(1)>A<b>1</b>"
    );
    parent.remove();
}

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
#[test]
fn kept_rows_out_of_order_are_moved_into_the_lists_order() {
    let parent = tbody();
    let mut list = KeyedRows::default();
    let (a, b, c, d) = (
        row(1, "10.244.1.1"),
        row(2, "10.244.1.2"),
        row(3, "10.244.1.3"),
        row(4, "10.244.1.4"),
    );
    list.sync(&parent, &[a.clone(), b.clone(), c.clone()]);
    // The last row first, a new row in the middle: every row ends where the list says.
    let reordered = [c.clone(), a.clone(), d.clone(), b.clone()];
    list.sync(&parent, &reordered);
    assert_eq!(
        keys(&parent),
        reordered.iter().map(DnsRow::key).collect::<Vec<_>>()
    );
    // Back in order with one gone: one removal, and the kept rows follow the list again.
    let back = [a.clone(), b.clone(), d.clone()];
    list.sync(&parent, &back);
    assert_eq!(
        keys(&parent),
        back.iter().map(DnsRow::key).collect::<Vec<_>>()
    );
    // In order, a new row between kept ones: inserted, nothing else touched.
    let more = [a, b, c, d];
    assert_eq!(mutations(&parent, || list.sync(&parent, &more)), (1, 0));
    assert_eq!(
        keys(&parent),
        more.iter().map(DnsRow::key).collect::<Vec<_>>()
    );
    parent.remove();
}
