//! The playback bar: play/pause, step, step back, reset, speed and the timeline scrubber.
//! Keyboard shortcuts act only when focus is outside text inputs.

use leptos::prelude::*;
use ordinal_model::Time;

use crate::app::use_ui;
use crate::engine::{speed_label, Cmd, SPEEDS};
use crate::vm::clock;

/// The label of the play/pause toggle: it names the action it performs.
pub fn toggle_label(running: bool) -> &'static str {
    if running {
        "Pause"
    } else {
        "Play"
    }
}

/// The Timeline slider's value text: the virtual time, and the end when in the past.
pub fn timeline_text(now: u64, end: u64) -> String {
    if now < end {
        format!("{} (end {})", clock(Time(now)), clock(Time(end)))
    } else {
        clock(Time(now))
    }
}

/// Is the key event aimed at a text input (terminal, editor, file name…)? Shortcuts never fire
/// there.
pub fn typing_target(ev: &web_sys::KeyboardEvent) -> bool {
    use wasm_bindgen::JsCast;
    let Some(t) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return false;
    };
    let tag = t.tag_name().to_ascii_lowercase();
    tag == "textarea"
        || tag == "select"
        || t.has_attribute("contenteditable")
        || (tag == "input"
            && !matches!(
                t.get_attribute("type").as_deref(),
                Some("range") | Some("button") | Some("checkbox")
            ))
}

#[component]
pub fn PlaybackBar() -> impl IntoView {
    let ui = use_ui();
    let step = move || ui.send(Cmd::Step);
    let step_back = move || ui.send(Cmd::StepBack);
    let reset = move || {
        ui.running.set(true);
        // A fresh cluster ends what the terminal was running on the old one (a watch).
        if ui.busy.get_untracked() || ui.prompt.get_untracked() != "$ " {
            ui.send(Cmd::Interrupt);
        }
        ui.run_control("sim reset".into());
    };
    // Shortcuts: space/k toggle, . step, , step back, [ ] speed.
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        // Presentation mode has its own keys (present.rs), where `.` pauses.
        if ev.ctrl_key()
            || ev.meta_key()
            || ev.alt_key()
            || typing_target(&ev)
            || crate::present::active()
        {
            return;
        }
        match ev.key().as_str() {
            " " | "k" => {
                let on_button = ev
                    .target()
                    .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                    .is_some_and(|e| e.tag_name().eq_ignore_ascii_case("button"));
                if on_button {
                    return; // the focused button handles space itself
                }
                ev.prevent_default();
                ui.running.update(|r| *r = !*r);
            }
            "." => step(),
            "," => step_back(),
            "]" => ui.speed.update(|s| *s = (*s + 1).min(SPEEDS.len() - 1)),
            "[" => ui.speed.update(|s| *s = s.saturating_sub(1)),
            _ => {}
        }
    });
    on_cleanup(move || handle.remove());

    view! {
        <section class="panel playback" aria-label="Playback">
            <button
                type="button"
                class="primary toggle"
                aria-keyshortcuts="Space"
                on:click=move |_| ui.running.update(|r| *r = !*r)
            >
                {move || toggle_label(ui.running.get())}
            </button>
            <button type="button" aria-keyshortcuts="," on:click=move |_| step_back()>
                "Step back"
            </button>
            <button type="button" aria-keyshortcuts="." on:click=move |_| step()>
                "Step"
            </button>
            <button type="button" on:click=move |_| reset()>
                "Reset"
            </button>
            <span class="range">
                <label for="speed">"Speed"</label>
                <input
                    id="speed"
                    type="range"
                    min="0"
                    max=SPEEDS.len() - 1
                    step="1"
                    prop:value=move || ui.speed.get().to_string()
                    aria-valuetext=move || speed_label(ui.speed.get())
                    on:input:target=move |ev| {
                        ui.speed.set(ev.target().value().parse().unwrap_or(2))
                    }
                />
                <span class="value" aria-hidden="true">
                    {move || speed_label(ui.speed.get())}
                </span>
                // Virtual time falls behind the chosen speed when the model needs more than
                // the frame budget: say so, in words, rather than look stuck.
                <span class="lag">
                    {move || ui.lagging.get().map(crate::engine::lag_label).unwrap_or_default()}
                </span>
            </span>
            <span class="range timeline">
                <label for="timeline">"Timeline"</label>
                <input
                    id="timeline"
                    type="range"
                    min=move || ui.start.get().to_string()
                    max=move || ui.end.get().max(ui.start.get() + 1).to_string()
                    step="100"
                    prop:value=move || ui.now.get().to_string()
                    aria-valuetext=move || timeline_text(ui.now.get(), ui.end.get())
                    on:input:target=move |ev| {
                        if let Ok(t) = ev.target().value().parse::<u64>() {
                            ui.running.set(false);
                            ui.send(Cmd::Seek(t));
                        }
                    }
                />
                <span class="value" aria-hidden="true">
                    {move || timeline_text(ui.now.get(), ui.end.get())}
                </span>
            </span>
            <span class="state" role="status">
                {move || {
                    let mode = if ui.running.get() { "running" } else { "paused" };
                    if ui.in_past.get() {
                        format!("{mode} · in the past: acting now forks the timeline")
                    } else {
                        mode.to_string()
                    }
                }}
            </span>
        </section>
    }
}
