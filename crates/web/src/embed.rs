//! The page's shape from its parameters: theme, shown panels, read-only and embed mode (as
//! attributes on `<html>` that the stylesheet reads), and the off-screen pause of an embed.
//!
//! `embed.html` is a second shell over the same wasm and JS as `index.html`; it calls
//! [`mount_embed`] instead of `mount`.

use std::cell::Cell;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::params::{self, Panel, Theme};

thread_local! {
    static OFFSCREEN: Cell<bool> = const { Cell::new(false) };
}

/// Is the page scrolled out of view in its host page (IntersectionObserver)? The tick treats
/// this like a hidden tab: virtual time does not move.
pub fn offscreen() -> bool {
    OFFSCREEN.with(Cell::get)
}

/// Mounts the app as an embed (called by `embed.html`).
#[wasm_bindgen]
pub fn mount_embed() -> Result<(), JsValue> {
    params::set_embed_shell();
    crate::mount()
}

fn root() -> Option<web_sys::Element> {
    document().document_element()
}

fn set_attr(name: &str, value: Option<&str>) {
    if let Some(r) = root() {
        match value {
            Some(v) => {
                let _ = r.set_attribute(name, v);
            }
            None => {
                let _ = r.remove_attribute(name);
            }
        }
    }
}

fn prefers_dark() -> Option<web_sys::MediaQueryList> {
    window()
        .match_media("(prefers-color-scheme: dark)")
        .ok()
        .flatten()
}

/// Sets `data-theme` (asked) and `data-scheme` (resolved: light or dark) on `<html>`.
/// Presentation mode keeps its own light, high-contrast palette whatever the theme.
pub fn apply_theme(theme: Theme) {
    set_attr("data-theme", Some(theme.name()));
    let present = root().is_some_and(|r| r.has_attribute("data-present"));
    let dark = !present
        && match theme {
            Theme::Light => false,
            Theme::Dark => true,
            Theme::Auto => prefers_dark().is_some_and(|m| m.matches()),
        };
    set_attr("data-scheme", Some(if dark { "dark" } else { "light" }));
}

/// Applies the parameters to the page (called once by the app, before its first frame).
pub fn setup() {
    let p = params::current();
    apply_theme(p.theme);
    if p.theme == Theme::Auto {
        if let Some(mq) = prefers_dark() {
            let cb = Closure::<dyn FnMut()>::new(move || apply_theme(Theme::Auto));
            let _ = mq.add_event_listener_with_callback("change", cb.as_ref().unchecked_ref());
            cb.forget(); // lives as long as the page
        }
    }
    let hidden: Vec<&str> = Panel::ALL
        .into_iter()
        .filter(|x| !p.shows(*x))
        .map(Panel::name)
        .collect();
    set_attr(
        "data-hide",
        (!hidden.is_empty()).then(|| hidden.join(" ")).as_deref(),
    );
    set_attr("data-readonly", p.readonly.then_some("true"));
    if p.embed {
        if let Some(r) = root() {
            let _ = r.class_list().add_1("embed");
        }
        observe_visibility();
    }
}

/// Pauses the model while the embed is scrolled out of view.
fn observe_visibility() {
    let cb = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
        // The newest entry tells the current state.
        if let Some(entry) = entries
            .iter()
            .last()
            .and_then(|e| e.dyn_into::<web_sys::IntersectionObserverEntry>().ok())
        {
            OFFSCREEN.with(|o| o.set(!entry.is_intersecting()));
        }
    });
    let Ok(observer) = web_sys::IntersectionObserver::new(cb.as_ref().unchecked_ref()) else {
        return;
    };
    cb.forget();
    if let Some(r) = root() {
        observer.observe(&r);
    }
    // Kept alive by the page (the observer holds the callback).
    std::mem::forget(observer);
}
