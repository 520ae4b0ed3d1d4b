//! Component tests of the page's view logic, in a real browser (headless Chromium):
//! `cargo xtask test` runs them through wasm-bindgen-test-runner.
#![cfg(target_arch = "wasm32")]

use ordinal_web::{manifest_summary, speed_label, toggle_label, App};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlButtonElement, HtmlElement, HtmlInputElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts `App` into a fresh container; the handle unmounts on drop.
fn mount() -> (HtmlElement, impl Drop) {
    let document = web_sys::window().unwrap().document().unwrap();
    let container: HtmlElement = document.create_element("div").unwrap().dyn_into().unwrap();
    document.body().unwrap().append_child(&container).unwrap();
    let handle = leptos::mount::mount_to(container.clone(), App);
    (container, handle)
}

fn texts(root: &HtmlElement, selector: &str) -> Vec<String> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().text_content().unwrap_or_default())
        .collect()
}

fn button(root: &HtmlElement, name: &str) -> HtmlButtonElement {
    let list = root.query_selector_all("button").unwrap();
    (0..list.length())
        .map(|i| {
            list.item(i)
                .unwrap()
                .dyn_into::<HtmlButtonElement>()
                .unwrap()
        })
        .find(|b| b.text_content().unwrap_or_default().trim() == name)
        .unwrap_or_else(|| panic!("no button named {name:?}"))
}

#[wasm_bindgen_test]
fn labels() {
    assert_eq!(toggle_label(true), "Pause");
    assert_eq!(toggle_label(false), "Play");
    assert_eq!(speed_label(4), "4×");
    assert_eq!(speed_label(99), "8×");
    assert_eq!(
        manifest_summary(ordinal_web::WEB_YAML),
        "2 objects (Service, StatefulSet)"
    );
}

#[wasm_bindgen_test]
fn lists_the_profile_nodes_with_empty_worker_lanes() {
    let (root, _handle) = mount();
    let nodes = root.query_selector_all("[data-node]").unwrap();
    let names: Vec<String> = (0..nodes.length())
        .map(|i| {
            let el: web_sys::Element = nodes.item(i).unwrap().dyn_into().unwrap();
            el.get_attribute("data-node").unwrap()
        })
        .collect();
    assert_eq!(names, ["control-plane", "worker-1", "worker-2", "worker-3"]);
    for w in ["worker-1", "worker-2", "worker-3"] {
        let lane = root
            .query_selector(&format!(r#"[data-node="{w}"] [role="list"]"#))
            .unwrap()
            .unwrap_or_else(|| panic!("no lane for {w}"));
        assert_eq!(
            lane.get_attribute("aria-label").unwrap(),
            format!("Pods on {w}")
        );
        assert_eq!(lane.child_element_count(), 0);
    }
    assert_eq!(texts(&root, "table.dns th"), ["Name", "Type", "Value"]);
}

#[wasm_bindgen_test]
fn manifest_is_preloaded() {
    let (root, _handle) = mount();
    let manifest: HtmlTextAreaElement = root
        .query_selector("#manifest-input")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert!(
        manifest.value().contains("kind: StatefulSet"),
        "{:?}",
        manifest.value()
    );
}

#[wasm_bindgen_test]
async fn playback_toggle_and_steps() {
    let (root, _handle) = mount();
    button(&root, "Pause").click();
    leptos::task::tick().await;
    button(&root, "Play"); // the toggle now names the other action
    button(&root, "Step").click();
    button(&root, "Step").click();
    button(&root, "Step back").click();
    leptos::task::tick().await;
    let ranges = root.query_selector_all(r#"input[type="range"]"#).unwrap();
    let timeline: HtmlInputElement = ranges.item(1).unwrap().dyn_into().unwrap();
    assert_eq!(timeline.value(), "1");
    assert_eq!(
        timeline.get_attribute("aria-valuetext").unwrap(),
        "tick 1 of 2"
    );
    let speed: HtmlInputElement = ranges.item(0).unwrap().dyn_into().unwrap();
    assert_eq!(speed.get_attribute("aria-valuetext").unwrap(), "1×");
}

#[wasm_bindgen_test]
async fn apply_reports_to_the_event_feed() {
    let (root, _handle) = mount();
    assert_eq!(texts(&root, ".feed p").len(), 1);
    button(&root, "Apply").click();
    leptos::task::tick().await;
    let feed = texts(&root, ".feed p");
    assert_eq!(feed.len(), 2);
    assert!(
        feed[1].contains("2 objects (Service, StatefulSet)"),
        "{feed:?}"
    );
}
