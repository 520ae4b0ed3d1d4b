//! The YAML editor: named files (tabs), a `<textarea>` labelled "Manifest" over a highlighting
//! overlay with line numbers, debounced diagnostics (parse, strict decoding, validation: the
//! apiserver's own messages) at their lines, and Apply (= `kubectl apply -f NAME` through the
//! terminal) with a preview of what will change.

use std::time::Duration;

use leptos::html;
use leptos::prelude::*;
use ordinal_kubectl::files::MemFiles;
use ordinal_kubectl::yaml::{parse_manifest, Limits, ManifestError};
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
}

impl Files {
    pub fn new(files: Vec<(String, String)>) -> Files {
        let first = files.first().map(|(n, _)| n.clone()).unwrap_or_default();
        Files {
            list: RwSignal::new(files),
            active: RwSignal::new(first),
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

/// One inline diagnostic.
#[derive(Clone, Debug, PartialEq)]
pub struct Diag {
    /// 1-based line.
    pub line: usize,
    pub message: String,
}

/// The 1-based line of the first `key:` of a field path's last segment, at or after `from`.
fn locate(text: &str, from: usize, field: &str) -> usize {
    let last = field
        .rsplit('.')
        .next()
        .unwrap_or(field)
        .split('[')
        .next()
        .unwrap_or("");
    if last.is_empty() {
        return from;
    }
    let needle = format!("{last}:");
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find(|(_, l)| {
            let t = l.trim_start().trim_start_matches("- ");
            t.starts_with(&needle) || t.starts_with(&format!("\"{last}\":"))
        })
        .map_or(from, |(i, _)| i + 1)
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

fn quoted_field(message: &str) -> Option<&str> {
    let i = message.find("unknown field \"")? + "unknown field \"".len();
    let rest = &message[i..];
    Some(&rest[..rest.find('"')?])
}

/// Parse, strict-decode and validate every document, as the apiserver would on create.
pub fn diagnostics(name: &str, text: &str, api_server: &api::ApiServer) -> Vec<Diag> {
    let docs = match parse_manifest(name, text, &Limits::EDITOR) {
        Ok(d) => d,
        Err(e) => {
            let line = match &e {
                ManifestError::Parse {
                    document_line,
                    message,
                    ..
                } => yaml_line(message).map_or(*document_line, |l| document_line + l - 1),
                ManifestError::TooLarge { .. } => 1,
            };
            return vec![Diag {
                line,
                message: format!("error: {e}"),
            }];
        }
    };
    let mut out = Vec::new();
    for doc in docs {
        let mut value = doc.value;
        if let Some(m) = value.get_mut("metadata").and_then(|m| m.as_object_mut()) {
            if !m.contains_key("namespace") {
                m.insert("namespace".into(), "default".into());
            }
        }
        match api::decode::decode(&value, api_server) {
            Err(e) => {
                let line = quoted_field(&e.message).map_or(doc.line, |f| locate(text, doc.line, f));
                out.push(Diag {
                    line,
                    message: format!("Error from server (BadRequest): {}", e.message),
                });
            }
            Ok(mut obj) => {
                if !obj.kind().namespaced() {
                    obj.meta_mut().namespace = None;
                }
                let mut scratch = api_server.clone();
                let errs = match api::admission::admit_create(&mut scratch, &mut obj) {
                    Err(e) => {
                        out.push(Diag {
                            line: doc.line,
                            message: e.message,
                        });
                        continue;
                    }
                    Ok(()) => api::validation::validate_create(&scratch, &obj),
                };
                if !errs.is_empty() {
                    let first_line = locate(text, doc.line, &errs[0].field);
                    let e = ApiError::invalid(obj.kind(), &obj.meta().name, errs.clone());
                    out.push(Diag {
                        line: first_line,
                        message: format!("The {}", e.message),
                    });
                    for fe in &errs {
                        out.push(Diag {
                            line: locate(text, doc.line, &fe.field),
                            message: fe.to_string(),
                        });
                    }
                }
            }
        }
    }
    out
}

/// What `kubectl apply -f NAME` would do, from a server-side dry run against the live cluster
/// (a scratch session borrows the timeline for the duration; nothing is applied).
pub fn preview(session: &Session, name: &str, text: &str) -> Vec<String> {
    let mut files = MemFiles::new();
    files.insert(name, text);
    let mut scratch = Session::with_files(session.seed(), Box::new(files), true);
    let real = session.world().clone();
    let tmp = scratch.world().clone();
    {
        let (mut a, mut b) = (real.borrow_mut(), tmp.borrow_mut());
        std::mem::swap(&mut a.timeline, &mut b.timeline);
    }
    let out = scratch.run_script(&format!("kubectl apply -f {name} --dry-run=server"));
    {
        let (mut a, mut b) = (real.borrow_mut(), tmp.borrow_mut());
        std::mem::swap(&mut a.timeline, &mut b.timeline);
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
        let result = ui.engine.with_value(|e| {
            let e = e.try_borrow().ok()?;
            let d = e
                .session
                .with_timeline(|tl| diagnostics(&name, &t, &tl.cluster().api));
            let p = if d.is_empty() {
                preview(&e.session, &name, &t)
            } else {
                Vec::new()
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
        ui.send(Cmd::WriteFile(name.clone(), text.get_untracked()));
        ui.run_line(format!("kubectl apply -f {name}"));
        schedule();
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
                        <For each=lines key=|(i, l)| (*i, l.clone()) let:((_i, l))>
                            <div class="hl-line">{highlight::line(&l)}</div>
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
                                                <span class="where">{format!("line {}: ", d.line)}</span>
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
                <p id="apply-preview" class="preview">
                    {move || {
                        let p = preview_lines.get();
                        if p.is_empty() {
                            String::new()
                        } else {
                            format!("Apply will: {}", p.join("; "))
                        }
                    }}
                </p>
            </div>
        </section>
    }
}

impl Files {
    fn names_untracked_tracked(&self) -> Vec<String> {
        self.list
            .with(|l| l.iter().map(|(n, _)| n.clone()).collect())
    }
}
