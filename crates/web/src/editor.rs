//! The YAML editor: named files (tabs), a `<textarea>` labelled "Manifest" over a highlighting
//! overlay with line numbers, debounced diagnostics (parse, strict decoding, validation: the
//! apiserver's own messages) at their lines, and Apply (= `kubectl apply -f NAME` through the
//! terminal) with a preview of what will change.

use std::time::Duration;

use leptos::html;
use leptos::prelude::*;
use ordinal_kubectl::files::MemFiles;
use ordinal_kubectl::session::EditorRequest;
use ordinal_kubectl::yaml::positions::{self, Span};
use ordinal_kubectl::yaml::{parse_manifest, split_documents, Chunk, Limits, ManifestError};
use ordinal_kubectl::Session;
use ordinal_model::api::{self, ApiError};

use crate::app::use_ui;
use crate::engine::Cmd;
use crate::highlight;
use crate::storage::valid_file_name;

/// Debounce of the diagnostics pass after typing stops.
const CHECK_DELAY_MS: u64 = 300;
/// Most editor files.
const MAX_FILES: usize = 32;

/// The editor's named files (also what `kubectl -f NAME` reads) and the active one.
#[derive(Clone, Copy)]
pub struct Files {
    pub list: RwSignal<Vec<(String, String)>>,
    pub active: RwSignal<String>,
    /// Bumped when `kubectl edit` opens a file (the editor takes focus).
    pub opened: RwSignal<u64>,
}

impl Files {
    pub fn new(files: Vec<(String, String)>) -> Files {
        let first = files.first().map(|(n, _)| n.clone()).unwrap_or_default();
        Files {
            list: RwSignal::new(files),
            active: RwSignal::new(first),
            opened: RwSignal::new(0),
        }
    }
    pub fn snapshot(&self) -> Vec<(String, String)> {
        self.list.get_untracked()
    }
    pub fn snapshot_untracked(&self) -> Vec<(String, String)> {
        self.list.get_untracked()
    }
    pub fn names_untracked(&self) -> Vec<String> {
        self.list
            .with_untracked(|l| l.iter().map(|(n, _)| n.clone()).collect())
    }
    pub fn text_untracked(&self, name: &str) -> String {
        self.list.with_untracked(|l| {
            l.iter()
                .find(|(n, _)| n == name)
                .map(|(_, t)| t.clone())
                .unwrap_or_default()
        })
    }
}

/// One inline diagnostic: where (1-based line and column, and how many characters to mark)
/// and the apiserver's or kubectl's own message.
#[derive(Clone, Debug, PartialEq)]
pub struct Diag {
    pub line: usize,
    pub column: usize,
    pub len: usize,
    pub message: String,
}

impl Diag {
    fn at(span: Span, message: String) -> Diag {
        Diag {
            line: span.line,
            column: span.column,
            len: span.len.max(1),
            message,
        }
    }

    /// `line 7, column 12` (what the diagnostics list says before the message).
    pub fn location(&self) -> String {
        format!("line {}, column {}", self.line, self.column)
    }
}

fn span(line: usize, column: usize, len: usize) -> Span {
    Span { line, column, len }
}

/// Moves a span found in one document's text to file coordinates.
fn in_file(doc_line: usize, s: Span) -> Span {
    span(doc_line + s.line - 1, s.column, s.len)
}

/// The text of the document that starts at file line `line` (as `split_documents` cut it).
fn document_text(text: &str, line: usize) -> Option<&str> {
    split_documents(text)
        .into_iter()
        .find(|c| c.line == line)
        .and_then(|c| c.body.ok())
}

/// `yaml: line 7: …` → 7.
fn yaml_line(message: &str) -> Option<usize> {
    let i = message.find("line ")?;
    let digits: String = message[i + 5..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// serde_json's `… at line 3 column 7` → (3, 7).
fn json_line_column(message: &str) -> Option<(usize, usize)> {
    let i = message.rfind(" at line ")?;
    let mut it = message[i + 9..].split(' ');
    let line = it.next()?.parse().ok()?;
    let column = (it.next()? == "column").then(|| it.next())??.parse().ok()?;
    Some((line, column))
}

/// Where a manifest that does not parse fails: libyaml's problem mark (or serde_json's
/// position for JSON), else the line the message names.
fn parse_error_position(text: &str, document_line: usize, message: &str) -> Span {
    if text.trim_start().starts_with('{') {
        if let Some((l, c)) = json_line_column(message) {
            return span(document_line + l - 1, c.max(1), 1);
        }
    }
    match split_documents(text)
        .into_iter()
        .find(|c| c.line == document_line)
    {
        Some(Chunk { body: Err(_), line }) => span(line, 1, 3),
        Some(Chunk {
            body: Ok(doc),
            line,
        }) => match positions::parse_error_span(doc) {
            Some(s) => in_file(line, s),
            None => span(yaml_line(message).map_or(line, |l| line + l - 1), 1, 1),
        },
        None => span(document_line, 1, 1),
    }
}

/// The field path a decoding error names: the first `unknown field "…"`, or the path of a
/// type error (`… into Go struct field StatefulSet.spec.replicas of type int32`).
fn decode_error_field(message: &str) -> Option<String> {
    if let Some(i) = message.find("unknown field \"") {
        let rest = &message[i + "unknown field \"".len()..];
        return Some(rest[..rest.find('"')?].to_string());
    }
    let i = message.find("Go struct field ")? + "Go struct field ".len();
    let rest = &message[i..];
    let path = &rest[..rest.find(" of type")?];
    Some(path.split_once('.').map_or(path, |(_, p)| p).to_string())
}

/// Where a field path is in the document starting at `doc_line` (the key of its deepest
/// segment present), else the document's first line.
fn field_position(text: &str, doc_line: usize, field: &str) -> Span {
    document_text(text, doc_line)
        .and_then(|doc| positions::field_span(doc, field))
        .map_or(span(doc_line, 1, 1), |s| in_file(doc_line, s))
}

/// Parse, strict-decode and validate every document, as the apiserver would on create (or,
/// for a file open for `kubectl edit`, as an update of the stored object).
pub fn diagnostics(name: &str, text: &str, api_server: &api::ApiServer) -> Vec<Diag> {
    diagnostics_for(name, text, api_server, false)
}

pub fn diagnostics_for(
    name: &str,
    text: &str,
    api_server: &api::ApiServer,
    edit: bool,
) -> Vec<Diag> {
    let docs = match parse_manifest(name, text, &Limits::EDITOR) {
        Ok(d) => d,
        Err(e) => {
            let at = match &e {
                ManifestError::Parse {
                    document_line,
                    message,
                    ..
                } => parse_error_position(text, *document_line, message),
                ManifestError::TooLarge { .. } => span(1, 1, 1),
            };
            return vec![Diag::at(at, format!("error: {e}"))];
        }
    };
    let mut out = Vec::new();
    for doc in docs {
        let mut value = doc.value;
        // A `kind: List` (what `kubectl edit` of several objects opens) is checked item by item.
        let items = match value.get("kind").and_then(|k| k.as_str()) {
            Some("List") => match value.get_mut("items").map(serde_json::Value::take) {
                Some(serde_json::Value::Array(a)) => a,
                _ => Vec::new(),
            },
            _ => vec![value],
        };
        for mut value in items {
            if let Some(m) = value.get_mut("metadata").and_then(|m| m.as_object_mut()) {
                if !m.contains_key("namespace") {
                    m.insert("namespace".into(), "default".into());
                }
            }
            check_object(text, doc.line, value, api_server, edit, &mut out);
        }
    }
    out
}

fn check_object(
    text: &str,
    doc_line: usize,
    value: serde_json::Value,
    api_server: &api::ApiServer,
    edit: bool,
    out: &mut Vec<Diag>,
) {
    let mut obj = match api::decode::decode(&value, api_server) {
        Ok(o) => o,
        Err(e) => {
            let at = decode_error_field(&e.message)
                .map_or(span(doc_line, 1, 1), |f| field_position(text, doc_line, &f));
            out.push(Diag::at(
                at,
                format!("Error from server (BadRequest): {}", e.message),
            ));
            return;
        }
    };
    if !obj.kind().namespaced() {
        obj.meta_mut().namespace = None;
    }
    let mut scratch = api_server.clone();
    let stored = {
        let m = obj.meta();
        scratch
            .get_object(obj.kind(), m.namespace.as_deref().unwrap_or(""), &m.name)
            .cloned()
    };
    let admitted = match (&stored, edit) {
        (Some(old), true) => api::admission::admit_update(&mut scratch, old, &mut obj),
        _ => api::admission::admit_create(&mut scratch, &mut obj),
    };
    if let Err(e) = admitted {
        out.push(Diag::at(span(doc_line, 1, 1), e.message));
        return;
    }
    let errs = match (&stored, edit) {
        (Some(old), true) => api::validation::validate_update(&scratch, &obj, old),
        _ => api::validation::validate_create(&scratch, &obj),
    };
    if errs.is_empty() {
        return;
    }
    let first = field_position(text, doc_line, &errs[0].field);
    let e = ApiError::invalid(obj.kind(), &obj.meta().name, errs.clone());
    out.push(Diag::at(first, format!("The {}", e.message)));
    for fe in &errs {
        out.push(Diag::at(
            field_position(text, doc_line, &fe.field),
            fe.to_string(),
        ));
    }
}

/// What `kubectl apply -f NAME` would do, from a server-side dry run against the live cluster
/// (a scratch session borrows the timeline for the duration; nothing is applied).
pub fn preview(session: &Session, name: &str, text: &str) -> Vec<String> {
    let mut files = MemFiles::new();
    files.insert(name, text);
    // The dry run reads the buffer as typed (not yet written by the tick) from a second shell
    // over the real cluster, in script mode; the world's own files come back afterwards.
    let world = session.world().clone();
    let (saved_files, saved_mode) = {
        let mut w = world.borrow_mut();
        (
            std::mem::replace(&mut w.files, Box::new(files)),
            std::mem::replace(&mut w.script_mode, true),
        )
    };
    let mut scratch = Session::sharing(world.clone(), session.seed());
    let out = scratch.run_script(&format!("kubectl apply -f {name} --dry-run=server"));
    {
        let mut w = world.borrow_mut();
        w.files = saved_files;
        w.script_mode = saved_mode;
    }
    out.lines()
        .map(|l| l.trim_end_matches(" (server dry run)").to_string())
        .filter(|l| !l.is_empty())
        .take(20)
        .collect()
}

#[component]
pub fn Editor() -> impl IntoView {
    let ui = use_ui();
    let files = ui.files;
    let area = NodeRef::<html::Textarea>::new();
    let overlay = NodeRef::<html::Pre>::new();
    let gutter = NodeRef::<html::Div>::new();
    let text = RwSignal::new(files.text_untracked(&files.active.get_untracked()));
    let diags = RwSignal::new(Vec::<Diag>::new());
    let preview_lines = RwSignal::new(Vec::<String>::new());
    let checking = StoredValue::new(None::<TimeoutHandle>);
    let rename_to = RwSignal::new(String::new());
    let file_msg = RwSignal::new(String::new());

    let run_check = move || {
        let name = files.active.get_untracked();
        let t = text.get_untracked();
        ui.send(Cmd::WriteFile(name.clone(), t.clone()));
        let result = ui.engine().and_then(|rc| {
            let e = rc.try_borrow().ok()?;
            let edit = e.session.is_edit_file(&name);
            let d = e
                .session
                .with_timeline(|tl| diagnostics_for(&name, &t, &tl.cluster().api, edit));
            let p = if !d.is_empty() {
                Vec::new()
            } else if edit {
                vec![format!(
                    "save {name} and finish `kubectl edit` (the changes are sent as a patch)"
                )]
            } else {
                preview(&e.session, &name, &t)
            };
            Some((d, p))
        });
        if let Some((d, p)) = result {
            diags.set(d);
            preview_lines.set(p);
        }
    };
    let schedule = move || {
        if let Some(h) = checking.get_value() {
            h.clear();
        }
        let h = set_timeout_with_handle(run_check, Duration::from_millis(CHECK_DELAY_MS)).ok();
        checking.set_value(h);
    };

    // Switching files loads the buffer into the textarea (which owns its value while typing).
    Effect::new(move |_| {
        let name = files.active.get();
        let t = files.text_untracked(&name);
        if let Some(el) = area.get() {
            el.set_value(&t);
        }
        text.set(t);
        rename_to.set(name);
        schedule();
    });

    let on_input = move |_| {
        let Some(el) = area.get() else { return };
        let t = el.value();
        let name = files.active.get_untracked();
        files.list.update(|l| {
            if let Some(f) = l.iter_mut().find(|(n, _)| *n == name) {
                f.1 = t.clone();
            }
        });
        text.set(t);
        schedule();
    };
    let sync_scroll = move |_| {
        if let (Some(a), Some(o), Some(g)) = (area.get(), overlay.get(), gutter.get()) {
            o.set_scroll_top(a.scroll_top());
            o.set_scroll_left(a.scroll_left());
            g.set_scroll_top(a.scroll_top());
        }
    };
    let apply = move |_| {
        let name = files.active.get_untracked();
        let t = text.get_untracked();
        ui.send(Cmd::WriteFile(name.clone(), t.clone()));
        if is_edit_file(ui, &name) {
            // The equivalent of saving and quitting the editor `kubectl edit` waits on.
            ui.send(Cmd::SaveEdit(name, t));
        } else {
            ui.run_control(format!("kubectl apply -f {name}"));
        }
        schedule();
    };
    // `kubectl edit` opened (or reopened) a file: show it, with the caret at its start.
    Effect::new(move |prev: Option<u64>| {
        let n = files.opened.get();
        if prev.is_some_and(|p| p != n) {
            if let Some(el) = area.get() {
                let _ = el.focus();
                let _ = el.set_selection_range(0, 0);
                el.set_scroll_top(0);
            }
        }
        n
    });
    // While `kubectl edit` waits on the shown file, say what Apply does (the terminal is busy).
    let edit_note = move || {
        ui.busy.track();
        files.opened.track();
        let name = files.active.get();
        is_edit_file(ui, &name).then(|| {
            format!(
                "kubectl edit is waiting on {name}: Apply saves it and finishes the edit; Ctrl-C in the terminal abandons it."
            )
        })
    };
    let new_file = move |_| {
        let names = files.names_untracked();
        if names.len() >= MAX_FILES {
            file_msg.set(format!("At most {MAX_FILES} files."));
            return;
        }
        let name = (1..)
            .map(|i| format!("file-{i}.yaml"))
            .find(|n| !names.contains(n))
            .unwrap_or_default();
        files.list.update(|l| l.push((name.clone(), String::new())));
        files.active.set(name);
    };
    let rename = move |_| {
        let to = rename_to.get_untracked().trim().to_string();
        let from = files.active.get_untracked();
        if to == from {
            return;
        }
        if !valid_file_name(&to) {
            file_msg.set("File names use letters, digits, '.', '-' and '_' (at most 64).".into());
            return;
        }
        if files.names_untracked().contains(&to) {
            file_msg.set(format!("A file named {to} exists."));
            return;
        }
        files.list.update(|l| {
            if let Some(f) = l.iter_mut().find(|(n, _)| *n == from) {
                f.0 = to.clone();
            }
        });
        file_msg.set(format!("Renamed {from} to {to}."));
        files.active.set(to);
    };
    let delete = move |_| {
        let name = files.active.get_untracked();
        if files.list.with_untracked(|l| l.len() <= 1) {
            file_msg.set("The last file cannot be deleted.".into());
            return;
        }
        files.list.update(|l| l.retain(|(n, _)| *n != name));
        file_msg.set(format!("Deleted {name}."));
        files.active.set(files.names_untracked()[0].clone());
    };

    let lines = move || {
        text.with(|t| {
            t.split('\n')
                .enumerate()
                .map(|(i, l)| (i + 1, l.to_string()))
                .collect::<Vec<_>>()
        })
    };
    let diag_lines = move || diags.with(|d| d.iter().map(|d| d.line).collect::<Vec<_>>());
    // The overlay's lines with the span each diagnostic marks (keyed, so only lines whose
    // text or marks changed re-render).
    let marked_lines = move || {
        let marks = diags.with(|d| {
            d.iter()
                .map(|d| (d.line, d.column, d.len))
                .collect::<Vec<_>>()
        });
        lines()
            .into_iter()
            .map(|(i, l)| {
                let m: Vec<(usize, usize)> = marks
                    .iter()
                    .filter(|(line, _, _)| *line == i)
                    .map(|(_, c, n)| (*c, *n))
                    .collect();
                (i, l, m)
            })
            .collect::<Vec<_>>()
    };

    // Shown on one line beside Apply (ellipsised, full text in the tooltip and the button's
    // description) so that a longer preview never moves the button.
    let preview_text = move || {
        preview_lines.with(|p| {
            if p.is_empty() {
                String::new()
            } else {
                format!("Apply will: {}", p.join("; "))
            }
        })
    };

    view! {
        <section class="panel editor" aria-labelledby="editor-heading">
            <h2 id="editor-heading">"Editor"</h2>
            <div class="tabs" role="group" aria-label="Files">
                <For each=move || files.names_untracked_tracked() key=|n| n.clone() let:name>
                    {
                        let n = name.clone();
                        let n2 = name.clone();
                        view! {
                            <button
                                type="button"
                                class="tab"
                                aria-pressed=move || (files.active.get() == n).to_string()
                                on:click=move |_| files.active.set(n2.clone())
                            >
                                {name}
                            </button>
                        }
                    }
                </For>
                <button type="button" class="small" on:click=new_file>
                    "New file"
                </button>
            </div>
            <div class="file-ops">
                <label for="file-name">"File name"</label>
                <input
                    id="file-name"
                    type="text"
                    spellcheck="false"
                    prop:value=move || rename_to.get()
                    on:input:target=move |ev| rename_to.set(ev.target().value())
                />
                <button type="button" class="small" on:click=rename>
                    "Rename"
                </button>
                <button type="button" class="small" on:click=delete>
                    "Delete file"
                </button>
                <span class="meta" role="status">
                    {move || file_msg.get()}
                </span>
            </div>
            <p class="edit-note" role="status">
                {edit_note}
            </p>
            <label for="manifest-input" class="manifest-label">
                "Manifest"
            </label>
            <div class="code">
                <div class="gutter" aria-hidden="true" node_ref=gutter>
                    <For each=lines key=|(i, _)| *i let:((i, _l))>
                        <div class:bad=move || diag_lines().contains(&i)>{i}</div>
                    </For>
                </div>
                <div class="code-body">
                    <pre class="overlay" aria-hidden="true" node_ref=overlay>
                        <For
                            each=marked_lines
                            key=|(i, l, m)| (*i, l.clone(), m.clone())
                            let:((_i, l, m))
                        >
                            <div class="hl-line">{highlight::line_marked(&l, &m)}</div>
                        </For>
                    </pre>
                    <textarea
                        id="manifest-input"
                        class="manifest"
                        spellcheck="false"
                        autocapitalize="off"
                        autocomplete="off"
                        wrap="off"
                        aria-describedby="manifest-diagnostics"
                        node_ref=area
                        on:input=on_input
                        on:scroll=sync_scroll
                    >
                        {files.text_untracked(&files.active.get_untracked())}
                    </textarea>
                </div>
            </div>
            <div id="manifest-diagnostics" class="diagnostics" aria-live="polite">
                {move || {
                    if diags.with(Vec::is_empty) {
                        view! { <p class="ok">"No problems found."</p> }.into_any()
                    } else {
                        view! {
                            <ul>
                                {diags
                                    .get()
                                    .into_iter()
                                    .map(|d| {
                                        view! {
                                            <li>
                                                <span class="where">{format!("{}: ", d.location())}</span>
                                                {d.message}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }
                }}
            </div>
            <div class="apply-row">
                <button
                    type="button"
                    class="primary"
                    on:click=apply
                    on:focus=move |_| run_check()
                    aria-describedby="apply-preview"
                >
                    "Apply"
                </button>
                <p id="apply-preview" class="preview" title=preview_text>
                    {preview_text}
                </p>
            </div>
        </section>
    }
}

/// Is `name` open for a running `kubectl edit` (Apply then saves it for that edit)?
fn is_edit_file(ui: crate::app::Ui, name: &str) -> bool {
    ui.engine()
        .is_some_and(|e| e.try_borrow().is_ok_and(|e| e.session.is_edit_file(name)))
}

/// Carries out `kubectl edit`'s requests: open (or reopen) its file with the object, and
/// remove the file when the edit finished (kubectl deletes its temp file then).
pub fn apply_editor_requests(files: Files, requests: Vec<EditorRequest>) {
    for r in requests {
        match r {
            EditorRequest::Open { file, text } => {
                let full = files
                    .list
                    .with_untracked(|l| l.len() >= MAX_FILES && !l.iter().any(|(n, _)| *n == file));
                files.list.update(|l| {
                    if full {
                        // Make room by dropping the oldest other edit file, else the last file.
                        let victim = l
                            .iter()
                            .position(|(n, _)| n.starts_with("edit-"))
                            .unwrap_or(l.len() - 1);
                        l.remove(victim);
                    }
                    match l.iter_mut().find(|(n, _)| *n == file) {
                        Some(f) => f.1 = text,
                        None => l.push((file.clone(), text)),
                    }
                });
                files.active.set(file);
                files.opened.update(|n| *n += 1);
            }
            EditorRequest::Close { file } => {
                let last = files.list.with_untracked(|l| l.len() <= 1);
                if last {
                    continue;
                }
                files.list.update(|l| l.retain(|(n, _)| *n != file));
                if files.active.get_untracked() == file {
                    files.active.set(files.names_untracked()[0].clone());
                }
            }
        }
    }
}

impl Files {
    fn names_untracked_tracked(&self) -> Vec<String> {
        self.list
            .with(|l| l.iter().map(|(n, _)| n.clone()).collect())
    }
}
