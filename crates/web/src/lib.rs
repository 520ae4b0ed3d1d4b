//! `ordinal-web`: the browser front end (Leptos 0.8, client-side rendering).
//!
//! A `Session` (kubectl + the model's `Timeline`) driven by an animation-frame tick
//! ([`engine`]); a view model rebuilt from the cluster after each tick ([`vm`]) and published
//! into fine-grained signals ([`publish`]); the views: cluster ([`cluster_view`]), terminal,
//! YAML editor, playback bar and the controller's reason feed ([`app`]); guided tours
//! ([`tour_panel`]) and share links ([`share_ui`]).
//!
//! Accessible names used here are a contract with the end-to-end tests and outside checks
//! (issue 6, item 7): keep them exact. No user-derived string ever goes to `inner_html`: all
//! text is text nodes.

pub mod app;
pub mod cluster_view;
pub mod complete;
pub mod editor;
pub mod embed;
pub mod engine;
pub mod highlight;
pub mod host_api;
pub mod params;
pub mod playback;
pub mod present;
pub mod publish;
pub mod rows;
pub mod share_ui;
pub mod storage;
pub mod terminal;
pub mod tour_hooks;
pub mod tour_panel;
pub mod vm;

pub use app::App;
pub use engine::{speed_label, DEFAULT_SPEED, SPEEDS};
pub use playback::toggle_label;
pub use storage::WEB_YAML;

use wasm_bindgen::prelude::*;

/// Mounts the app into `#app` (or `<body>`) and marks `app-mounted` for the load benchmark.
/// Called by `index.html` after the wasm is instantiated (`embed.html` calls `mount_embed`).
#[wasm_bindgen]
pub fn mount() -> Result<(), JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let parent: web_sys::HtmlElement = match document.get_element_by_id("app") {
        Some(el) => el.dyn_into()?,
        None => document.body().ok_or("no <body>")?,
    };
    leptos::mount::mount_to(parent, App).forget();
    if let Some(perf) = window.performance() {
        perf.mark("app-mounted")?;
    }
    Ok(())
}
