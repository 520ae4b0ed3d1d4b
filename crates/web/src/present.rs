//! Presentation (projector) mode: large type, a high-contrast palette (≥ 7:1 for all text),
//! chrome hidden, and presenter/clicker keys. `P` (outside text inputs) or `?present` turns it
//! on; `?` opens the key help (a modal dialog; Escape closes it and focus returns).
//!
//! Keys act only when focus is outside the terminal, the editor and other text inputs.

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::app::{use_ui, Ui};
use crate::engine::{Cmd, SPEEDS};
use crate::playback::typing_target;

/// Presentation state, provided as context.
#[derive(Clone, Copy)]
pub struct Present {
    pub on: RwSignal<bool>,
    pub blank: RwSignal<bool>,
    pub help: RwSignal<bool>,
}

thread_local! {
    static ON: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Is presentation mode on? (Read by the playback bar, whose keys differ outside it.)
pub fn active() -> bool {
    ON.with(std::cell::Cell::get)
}

/// The keys, for the help dialog: (keys, what they do).
pub const KEYS: [(&str, &str); 8] = [
    ("P", "Presentation mode on or off"),
    ("Page Down, →", "Next tour step, or Step the model forward"),
    ("Page Up, ←", "Previous tour step, or Step back"),
    (". or Space", "Pause or play"),
    ("[ and ]", "Slower, faster"),
    ("B", "Blank the screen, or show it again"),
    ("?", "This help"),
    ("Escape", "Close this help"),
];

/// Forward/back: the tour when one is active, else the model's Step / Step back.
fn advance(ui: Ui, forward: bool) {
    if !crate::tour_hooks::step(ui, forward) {
        ui.send(if forward { Cmd::Step } else { Cmd::StepBack });
    }
}

fn set_root_flag(name: &str, on: bool) {
    if let Some(r) = document().document_element() {
        let _ = if on {
            r.set_attribute(name, "true")
        } else {
            r.remove_attribute(name)
        };
    }
}

/// Creates the presentation state (from `?present`) and provides it as context.
pub fn provide() -> Present {
    let p = Present {
        on: RwSignal::new(crate::params::with(|p| p.present)),
        blank: RwSignal::new(false),
        help: RwSignal::new(false),
    };
    provide_context(p);
    p
}

/// The presentation layer: the live status, the blank screen and the help dialog, plus the
/// key handler. Mounted once by the app, after [`provide`].
#[component]
pub fn PresentLayer() -> impl IntoView {
    let ui = use_ui();
    let p = expect_context::<Present>();
    Effect::new(move |_| {
        let on = p.on.get();
        ON.with(|c| c.set(on));
        set_root_flag("data-present", on);
        crate::embed::apply_theme(crate::params::with(|p| p.theme));
        if !on {
            p.blank.set(false);
        }
    });
    Effect::new(move |_| set_root_flag("data-blank", p.blank.get()));

    let dialog = NodeRef::<html::Dialog>::new();
    let return_focus = StoredValue::new_local(None::<web_sys::HtmlElement>);
    Effect::new(move |_| {
        let open = p.help.get();
        let Some(d) = dialog.get() else { return };
        if open && !d.open() {
            return_focus.set_value(
                document()
                    .active_element()
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()),
            );
            let _ = d.show_modal();
        } else if !open && d.open() {
            d.close();
        }
    });
    let on_close = move |_| {
        p.help.set(false);
        if let Some(el) = return_focus.get_value() {
            let _ = el.focus();
        }
    };

    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || typing_target(&ev) {
            return;
        }
        // While the help is open it has focus, and Escape closes it natively. (The DOM, not the
        // signal: the dialog's close event comes a task after it closes.)
        if dialog.get_untracked().is_some_and(|d| d.open()) {
            return;
        }
        let key = ev.key();
        match key.as_str() {
            "p" | "P" => {
                ev.prevent_default();
                p.on.update(|o| *o = !*o);
                return;
            }
            "?" => {
                ev.prevent_default();
                p.help.set(true);
                return;
            }
            _ => {}
        }
        if !p.on.get_untracked() {
            return;
        }
        let target = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        let on_slider = target
            .as_ref()
            .is_some_and(|t| t.get_attribute("type").as_deref() == Some("range"));
        let on_button = target
            .as_ref()
            .is_some_and(|t| t.tag_name().eq_ignore_ascii_case("button"));
        match key.as_str() {
            "PageDown" => advance(ui, true),
            "PageUp" => advance(ui, false),
            "ArrowRight" if !on_slider => advance(ui, true),
            "ArrowLeft" if !on_slider => advance(ui, false),
            "." => ui.running.update(|r| *r = !*r),
            " " if !on_button => ui.running.update(|r| *r = !*r),
            "]" => ui.speed.update(|s| *s = (*s + 1).min(SPEEDS.len() - 1)),
            "[" => ui.speed.update(|s| *s = s.saturating_sub(1)),
            "b" | "B" => p.blank.update(|b| *b = !*b),
            "Escape" if p.blank.get_untracked() => p.blank.set(false),
            _ => return,
        }
        ev.prevent_default();
    });
    on_cleanup(move || handle.remove());

    view! {
        <p class="sr-only" role="status">
            {move || {
                if p.blank.get() {
                    "Screen blanked. Press B to show the playground again."
                } else if p.on.get() {
                    "Presentation mode on. Press ? for the keys, P to leave."
                } else {
                    ""
                }
            }}
        </p>
        <div class="blank-screen" aria-hidden="true"></div>
        <dialog
            node_ref=dialog
            class="help-dialog"
            aria-labelledby="help-title"
            on:close=on_close
        >
            <h2 id="help-title">"Keyboard shortcuts"</h2>
            <p>"They work when focus is outside the terminal and the editor."</p>
            <dl class="keys">
                {KEYS
                    .iter()
                    .map(|(k, what)| {
                        view! {
                            <div>
                                <dt>
                                    <kbd>{*k}</kbd>
                                </dt>
                                <dd>{*what}</dd>
                            </div>
                        }
                    })
                    .collect_view()}
            </dl>
            <div class="help-actions">
                <button type="button" on:click=move |_| p.on.update(|o| *o = !*o)>
                    {move || {
                        if p.on.get() {
                            "Leave presentation mode"
                        } else {
                            "Enter presentation mode"
                        }
                    }}
                </button>
                <button type="button" class="primary" autofocus on:click=move |_| p.help.set(false)>
                    "Close"
                </button>
            </div>
        </dialog>
    }
}

/// The masthead's toggle (P).
#[component]
pub fn PresentButton() -> impl IntoView {
    let p = expect_context::<Present>();
    view! {
        <span class="page-tools">
            <button
                type="button"
                aria-pressed=move || if p.on.get() { "true" } else { "false" }
                aria-keyshortcuts="P"
                on:click=move |_| p.on.update(|o| *o = !*o)
            >
                "Presentation mode"
            </button>
            <button type="button" aria-keyshortcuts="Shift+/" on:click=move |_| p.help.set(true)>
                "Keyboard shortcuts"
            </button>
        </span>
    }
}
