//! The terminal: a labelled `<textarea>` over the kubectl `Session`, output as text nodes in a
//! bounded, keyed log. History (↑/↓), multi-line paste, Tab completion, Ctrl-C, `clear`; and
//! the second terminal's log, where the page's controls run while the terminal is busy.

use leptos::html;
use leptos::prelude::*;

use crate::app::{use_ui, Ui};
use crate::complete;
use crate::engine::Cmd;

/// Most lines of scrollback kept.
pub const SCROLLBACK: usize = 2_000;
/// Most history entries kept (and persisted), and the longest entry.
pub const HISTORY_CAP: usize = 500;
pub const HISTORY_LINE_CAP: usize = 4_096;
/// What `clear` prints.
const CLEAR: &str = "\x1b[H\x1b[2J\x1b[3J";

#[derive(Clone, Debug, PartialEq)]
pub struct TermLine {
    pub id: u64,
    /// Bumped when a partial line is extended, so the keyed list re-renders it.
    pub rev: u32,
    pub text: String,
    pub err: bool,
}

/// The scrollback: complete lines plus a trailing partial one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TermBuf {
    pub lines: Vec<TermLine>,
    next_id: u64,
    /// Is the last line still open (no newline yet)?
    open: bool,
}

impl TermBuf {
    pub fn push_text(&mut self, text: &str, err: bool) {
        let text = match text.rfind(CLEAR) {
            Some(i) => {
                self.lines.clear();
                self.open = false;
                &text[i + CLEAR.len()..]
            }
            None => text,
        };
        let mut rest = text;
        while !rest.is_empty() {
            let (piece, ended, next) = match rest.find('\n') {
                Some(i) => (&rest[..i], true, &rest[i + 1..]),
                None => (rest, false, ""),
            };
            let piece = piece.trim_end_matches('\r');
            if self.open {
                if let Some(last) = self.lines.last_mut() {
                    last.text.push_str(piece);
                    last.rev += 1;
                    last.err |= err;
                }
            } else {
                self.lines.push(TermLine {
                    id: self.next_id,
                    rev: 0,
                    text: piece.to_string(),
                    err,
                });
                self.next_id += 1;
            }
            self.open = !ended;
            rest = next;
        }
        if self.lines.len() > SCROLLBACK {
            let drop = self.lines.len() - SCROLLBACK;
            self.lines.drain(..drop);
        }
    }

    pub fn texts(&self) -> Vec<String> {
        self.lines.iter().map(|l| l.text.clone()).collect()
    }
}

/// Adds a line to the history (deduplicating the previous entry; bounded).
pub fn remember(ui: &Ui, line: &str) {
    let line = line.trim_end();
    if line.trim().is_empty() || line.len() > HISTORY_LINE_CAP {
        return;
    }
    ui.history.update(|h| {
        if h.last().map(String::as_str) != Some(line) {
            h.push(line.to_string());
        }
        if h.len() > HISTORY_CAP {
            let drop = h.len() - HISTORY_CAP;
            h.drain(..drop);
        }
    });
    crate::storage::save_history(&ui.history.get_untracked());
}

/// A terminal log's lines, keyed so that only new and extended lines render.
#[component]
fn Lines(buf: RwSignal<TermBuf>) -> impl IntoView {
    view! {
        <div class="lines">
            <For each=move || buf.with(|t| t.lines.clone()) key=|l| (l.id, l.rev) let:line>
                <div class="line" class:err=line.err>
                    {line.text}
                </div>
            </For>
        </div>
    }
}

/// Which shell a command input feeds: the terminal, or the second terminal beside it (the
/// tutorial's "in a second terminal": a watch in one, `kubectl delete` in the other).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Shell {
    Main,
    Second,
}

impl Shell {
    fn line(self, line: String) -> Cmd {
        match self {
            Shell::Main => Cmd::Line(line),
            Shell::Second => Cmd::SideLine(line),
        }
    }

    fn interrupt(self) -> Cmd {
        match self {
            Shell::Main => Cmd::Interrupt,
            Shell::Second => Cmd::SideInterrupt,
        }
    }

    fn log(self, ui: &Ui) -> RwSignal<TermBuf> {
        match self {
            Shell::Main => ui.term,
            Shell::Second => ui.side_term,
        }
    }

    /// The log's accessible name, the input's id (its `<label for>`) and its hint's id.
    fn names(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Shell::Main => ("Terminal output", "terminal-input", "terminal-hint"),
            Shell::Second => (
                "Second terminal output",
                "second-terminal-input",
                "second-terminal-hint",
            ),
        }
    }

    /// Its prompt (empty while a command runs), busy and wants-input signals.
    fn state(self, ui: &Ui) -> (RwSignal<String>, RwSignal<bool>, RwSignal<bool>) {
        match self {
            Shell::Main => (ui.prompt, ui.busy, ui.wants_input),
            Shell::Second => (ui.side_prompt, ui.side_busy, ui.side_wants_input),
        }
    }
}

/// A shell's log, prompt and command input: Enter runs, Shift-Enter adds a line, a multi-line
/// paste runs line by line, ↑/↓ walk the (shared) history, Tab completes, Ctrl-C interrupts,
/// Ctrl-L clears; a click in the log (not selecting) focuses the input.
#[component]
fn ShellPane(shell: Shell, input: NodeRef<html::Textarea>) -> impl IntoView {
    let ui = use_ui();
    let (log_label, id, hint_id) = shell.names();
    let (prompt, busy, wants_input) = shell.state(&ui);
    let hint = RwSignal::new(String::new());
    // Position in history while browsing with ↑/↓ (None = editing a new line).
    let browse = StoredValue::new(None::<usize>);
    let draft = StoredValue::new(String::new());

    let submit_text = move |text: String| {
        for line in text.split('\n') {
            let line = line.trim_end_matches('\r').to_string();
            remember(&ui, &line);
            ui.send(shell.line(line));
        }
        browse.set_value(None);
        hint.set(String::new());
    };

    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let Some(el) = input.get() else { return };
        let key = ev.key();
        let ctrl = ev.ctrl_key() || ev.meta_key();
        match key.as_str() {
            "Enter" if !ev.shift_key() => {
                ev.prevent_default();
                let text = el.value();
                el.set_value("");
                submit_text(text);
            }
            "c" | "C" if ctrl => {
                let selected =
                    el.selection_start().ok().flatten() != el.selection_end().ok().flatten();
                if !selected {
                    ev.prevent_default();
                    el.set_value("");
                    ui.send(shell.interrupt());
                }
            }
            "l" | "L" if ctrl => {
                ev.prevent_default();
                shell.log(&ui).update(|t| t.push_text(CLEAR, false));
            }
            "ArrowUp" | "ArrowDown" if !el.value().contains('\n') => {
                let hist = ui.history.get_untracked();
                if hist.is_empty() {
                    return;
                }
                ev.prevent_default();
                let cur = browse.get_value();
                let next = if key == "ArrowUp" {
                    if cur.is_none() {
                        draft.set_value(el.value());
                    }
                    Some(cur.map_or(hist.len() - 1, |i| i.saturating_sub(1)))
                } else {
                    cur.and_then(|i| (i + 1 < hist.len()).then_some(i + 1))
                };
                browse.set_value(next);
                let text = match next {
                    Some(i) => hist[i].clone(),
                    None => draft.get_value(),
                };
                el.set_value(&text);
                let end = text.len() as u32;
                let _ = el.set_selection_range(end, end);
            }
            "Tab" if !ev.shift_key() && !el.value().is_empty() => {
                ev.prevent_default();
                let text = el.value();
                let caret = el
                    .selection_start()
                    .ok()
                    .flatten()
                    .map_or(text.len(), |c| c as usize)
                    .min(text.len());
                let caret = (0..=caret)
                    .rev()
                    .find(|i| text.is_char_boundary(*i))
                    .unwrap_or(0);
                let (head, tail) = text.split_at(caret);
                let names = ui
                    .engine()
                    .map(|e| complete::names(&e.borrow().session))
                    .unwrap_or_default();
                let c = complete::complete(head, &names);
                if let Some(ins) = c.insert {
                    let new = format!("{head}{ins}{tail}");
                    el.set_value(&new);
                    let end = (head.len() + ins.len()) as u32;
                    let _ = el.set_selection_range(end, end);
                }
                hint.set(if c.choices.len() > 1 {
                    c.choices.join("  ")
                } else {
                    String::new()
                });
            }
            _ => {}
        }
    };
    // A paste with newlines: run every complete line, keep the rest for editing.
    let on_input = move |_| {
        let Some(el) = input.get() else { return };
        let text = el.value();
        if let Some(i) = text.rfind('\n') {
            el.set_value(&text[i + 1..]);
            submit_text(text[..i].to_string());
        }
    };

    let focus_on_click = move |_| {
        let sel = window().get_selection().ok().flatten();
        if sel.is_none_or(|s| s.is_collapsed()) {
            if let Some(el) = input.get() {
                let _ = el.focus();
            }
        }
    };
    view! {
        <div
            class="output"
            class:side=shell == Shell::Second
            role="log"
            aria-label=log_label
            tabindex="0"
            on:click=focus_on_click
        >
            // The newest output stays in view by CSS (`.output` is a column-reverse flex box
            // around this one child), not by reading scrollHeight after each change: that
            // forced a layout of the whole page each time (≈ 1/8 of a busy frame's script time
            // with 200 pods on screen).
            <Lines buf=shell.log(&ui) />
        </div>
        <div class="prompt-row">
            <span class="prompt" aria-hidden="true">
                {move || if busy.get() { String::new() } else { prompt.get() }}
            </span>
            <textarea
                id=id
                class="command"
                rows="1"
                spellcheck="false"
                autocapitalize="off"
                autocomplete="off"
                aria-describedby=hint_id
                placeholder=move || {
                    if wants_input.get() {
                        "typed lines go to the running command (a pod's shell: exit leaves)"
                    } else if busy.get() && shell == Shell::Main {
                        "running… Ctrl-C stops it (or type in a second terminal)"
                    } else if busy.get() {
                        "running… Ctrl-C stops it"
                    } else {
                        "kubectl get pods  (Enter runs, Tab completes, ↑ history)"
                    }
                }
                node_ref=input
                on:keydown=on_keydown
                on:input=on_input
            ></textarea>
        </div>
        <p id=hint_id class="hint">
            {move || hint.get()}
        </p>
    }
}

#[component]
pub fn Terminal() -> impl IntoView {
    let ui = use_ui();
    let input = NodeRef::<html::Textarea>::new();
    let side_open = RwSignal::new(false);

    // Focused on load (not in an embed: it must not take focus from the host page).
    Effect::new(move |_| {
        if crate::params::with(|p| p.embed) {
            return;
        }
        if let Some(el) = input.get() {
            let _ = el.focus();
        }
    });
    // Shown when opened, and when a control ran there (`Cmd::Control`).
    let side_shown = move || side_open.get() || ui.side_term.with(|t| !t.lines.is_empty());

    view! {
        <section class="panel terminal" aria-labelledby="terminal-heading">
            <h2 id="terminal-heading">
                <label for="terminal-input">"Terminal"</label>
            </h2>
            <ShellPane shell=Shell::Main input=input />
            <button
                type="button"
                class="small side-toggle"
                aria-expanded=move || side_shown().to_string()
                aria-controls="second-terminal"
                on:click=move |_| {
                    let open = !side_shown();
                    side_open.set(open);
                    if !open {
                        ui.side_term.update(|t| t.push_text(CLEAR, false));
                    }
                }
            >
                {move || if side_shown() { "Close the second terminal" } else { "Open a second terminal" }}
            </button>
            <Show when=side_shown>
                <div id="second-terminal" class="second-terminal">
                    <h3 class="side-heading">
                        <label for="second-terminal-input">"Second terminal"</label>
                    </h3>
                    <p class="hint">
                        "The same cluster. The page's buttons run here while the terminal is busy."
                    </p>
                    <ShellPane shell=Shell::Second input=NodeRef::new() />
                </div>
            </Show>
        </section>
    }
}
