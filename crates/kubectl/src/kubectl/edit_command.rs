//! `kubectl edit`: the object in an editor, the saved file turned into a patch.
//!
//! kubectl writes the object (`-o yaml`, behind its "Please edit the object below" header) to
//! a temp file, runs `$KUBE_EDITOR`/`$EDITOR`/`vi` on it and waits; when the editor exits it
//! diffs the saved file against the original and PATCHes the difference. Invalid edits reopen
//! the file with the failures in its header (`pkg/cmd/util/editor/editoptions.go`).
//!
//! Here the editor is the page's YAML editor, reached through the session's
//! [`EditorMailbox`](crate::session::EditorMailbox): the task posts an "open this file"
//! request and blocks until the editor's Apply saves the file (the equivalent of `:wq`). A
//! driver without an editor (the native CLI) gets kubectl's error for an editor that cannot
//! be launched.

use super::args::{b, v, FlagSpec, GLOBAL};
use super::resource::{kind_slash_name, parse_targets, Targets};
use super::{done_with, namespace, parse_or_fail};
use crate::session::{EditorRequest, World, WorldRef};
use crate::shell::{CommandCtx, Host, Task, TaskIo, TaskPoll};
use crate::yaml::{parse_manifest, Limits};
use crate::yaml_out;
use ordinal_model::api::StatusReason;
use ordinal_model::{Input, Kind, PatchType};
use serde_json::{Map, Value};

const EDIT_FLAGS: &[FlagSpec] = &[
    v("output", Some('o')),
    v("filename", Some('f')),
    b("recursive", Some('R')),
    v("selector", Some('l')),
    b("output-patch", None),
    b("windows-line-endings", None),
    b("save-config", None),
    v("validate", None),
    v("field-manager", None),
    v("subresource", None),
    b("show-managed-fields", None),
    b("allow-missing-template-keys", None),
    v("template", None),
];

/// The header kubectl writes above the object (`editHeader.writeTo`, normal edit mode).
pub const EDIT_HEADER: &str =
    "# Please edit the object below. Lines beginning with a '#' will be ignored,
# and an empty file will abort the edit. If an error occurs while saving this file will be
# reopened with the relevant failures.
#
";

/// The longest editor file name the page accepts.
const MAX_FILE_NAME: usize = 64;

const NO_RESOURCES: &str = "error: you must provide one or more resources by argument or filename.
Example resource specifications include:
   '-f rsrc.yaml'
   '--filename=rsrc.json'
   '<resource> <name>'
   '<resource>'
";

/// A failure kubectl keeps in the reopened file's header (`editReason`).
#[derive(Clone, Debug, PartialEq)]
struct EditReason {
    head: String,
    other: Vec<String>,
}

/// `hashOnLineBreak`: continuation lines of a reason stay comments.
fn hash_on_line_break(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == '\n' && chars.get(i + 1).is_some_and(|n| *n != '#') {
            out.push_str("\n# ");
        } else {
            out.push(c);
        }
    }
    out
}

fn header(reasons: &[EditReason]) -> String {
    let mut s = EDIT_HEADER.to_string();
    for r in reasons {
        if r.other.is_empty() {
            s.push_str(&format!("# {}\n", hash_on_line_break(&r.head)));
        } else {
            s.push_str(&format!("# {}:\n", hash_on_line_break(&r.head)));
        }
        for o in &r.other {
            s.push_str(&format!("# * {}\n", hash_on_line_break(o)));
        }
        s.push_str("#\n");
    }
    s
}

/// `cmdutil.ManualStrip`: drops comment lines (but keeps `#!`).
fn manual_strip(text: &str) -> String {
    text.split('\n')
        .filter(|l| {
            let t = l.trim();
            !t.starts_with('#') || t.starts_with("#!")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `cmdutil.StripComments`: the content as JSON (comments gone), or manually stripped when it
/// does not parse.
fn strip_comments(text: &str) -> String {
    match parse_manifest("edited-file", text, &Limits::FILE) {
        Ok(docs) => match docs.first() {
            Some(d) => d.value.to_string(),
            None => "null".into(),
        },
        Err(_) => manual_strip(text),
    }
}

/// `hasLines`: any line that is neither blank nor a comment.
fn has_lines(text: &str) -> bool {
    text.lines().any(|l| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#')
    })
}

/// RFC 7386 merge patch turning `from` into `to` (`jsonpatch.CreateMergePatch`).
pub fn merge_patch_between(from: &Value, to: &Value) -> Value {
    match (from, to) {
        (Value::Object(a), Value::Object(b)) => {
            let mut out = Map::new();
            for (k, bv) in b {
                match a.get(k) {
                    Some(av) if av == bv => {}
                    Some(av @ Value::Object(_)) if bv.is_object() => {
                        let inner = merge_patch_between(av, bv);
                        if inner.as_object().is_some_and(|m| !m.is_empty()) {
                            out.insert(k.clone(), inner);
                        }
                    }
                    _ => {
                        out.insert(k.clone(), bv.clone());
                    }
                }
            }
            for k in a.keys() {
                if !b.contains_key(k) {
                    out.insert(k.clone(), Value::Null);
                }
            }
            Value::Object(out)
        }
        _ => to.clone(),
    }
}

/// The file name the page's editor shows: `edit-statefulset-web.yaml`.
pub fn edit_file_name(targets: &[(Kind, String)], ns: &str, ext: &str) -> String {
    let ns_part = if ns == "default" || ns.is_empty() {
        String::new()
    } else {
        format!("{ns}-")
    };
    let what = match targets {
        [(k, n)] => format!("{}-{n}", k.singular()),
        _ => "objects".to_string(),
    };
    let mut stem: String = format!("edit-{ns_part}{what}")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect();
    stem.truncate(MAX_FILE_NAME - ext.len() - 1);
    format!("{stem}.{ext}")
}

/// `kubectl edit NAME`: the editor named by `$KUBE_EDITOR`, `$EDITOR`, else `vi`.
fn editor_name(ctx: &CommandCtx) -> String {
    ["KUBE_EDITOR", "EDITOR"]
        .iter()
        .filter_map(|k| ctx.env.get(*k))
        .find(|v| !v.is_empty())
        .cloned()
        .unwrap_or_else(|| "vi".into())
}

pub fn spawn_edit(world: &WorldRef, argv: &[String], ctx: &CommandCtx) -> Box<dyn Task> {
    let p = match parse_or_fail("edit", argv, &[EDIT_FLAGS, GLOBAL]) {
        Ok(p) => p,
        Err(t) => return t,
    };
    let json = match p.get("output").unwrap_or("yaml") {
        "yaml" => false,
        "json" => true,
        other => {
            return done_with(
                format!("error: the flag 'output' must be one of yaml|json, got {other:?}\n"),
                1,
            )
        }
    };
    if p.has("filename") {
        return done_with(
            "error: ordinal: \"kubectl edit -f\" is not simulated in this playground; name the object (kubectl edit sts web)\n".into(),
            1,
        );
    }
    if p.args.is_empty() {
        return done_with(NO_RESOURCES.into(), 1);
    }
    let targets = match parse_targets(&p.args) {
        Ok(t) => t,
        Err(e) => return done_with(format!("error: {e}\n"), 1),
    };
    let ns = namespace(&p);
    Box::new(EditTask {
        world: world.clone(),
        targets: Some(targets),
        ns,
        json,
        editor: editor_name(ctx),
        state: State::Start,
        interrupted: false,
    })
}

enum State {
    Start,
    /// The file is open in the editor; kubectl waits for it to be saved.
    Waiting(Opened),
}

/// One object (or list) open in the editor.
struct Opened {
    file: String,
    /// The objects as fetched (their JSON), matched to edited ones by UID.
    originals: Vec<(Kind, Value)>,
    /// What the editor was given the first time (header + object).
    original_text: String,
    /// The reopened text after a failed save (saving it unchanged gives up).
    previous: Option<String>,
}

struct EditTask {
    world: WorldRef,
    targets: Option<Targets>,
    ns: String,
    json: bool,
    editor: String,
    state: State,
    interrupted: bool,
}

/// What one saved file led to.
enum Outcome {
    /// Finished; the file is removed (success, or nothing to do).
    Done(i32),
    /// Finished with an error; the file (the user's text) stays in the editor.
    Kept(i32),
    /// Reopen the file with these failures in its header.
    Reopen(Vec<EditReason>),
}

impl EditTask {
    fn fetch(&self, w: &World, io: &mut TaskIo) -> Result<Vec<(Kind, Value)>, i32> {
        let api = &w.cluster().api;
        let ns_of = |k: Kind| {
            if k.namespaced() {
                self.ns.clone()
            } else {
                String::new()
            }
        };
        let mut out = Vec::new();
        let mut status = 0;
        match self.targets.as_ref() {
            Some(t) if t.has_names() => {
                for (kind, name) in t.named() {
                    match api.get_object(kind, &ns_of(kind), &name) {
                        Some(o) => out.push((kind, o.to_value())),
                        None => {
                            io.eprint(format!(
                                "Error from server (NotFound): {} \"{name}\" not found\n",
                                kind.qualified_resource()
                            ));
                            status = 1;
                        }
                    }
                }
            }
            Some(t) => {
                for kind in t.kinds() {
                    let ns = ns_of(kind);
                    let ns_filter = kind.namespaced().then_some(ns.as_str());
                    for o in api.list_objects(kind, ns_filter) {
                        out.push((kind, o.to_value()));
                    }
                }
            }
            None => {}
        }
        if status != 0 {
            return Err(status);
        }
        if out.is_empty() {
            io.eprint("error: edit cancelled, no objects found\n");
            return Err(1);
        }
        Ok(out)
    }

    fn render(&self, originals: &[(Kind, Value)]) -> String {
        let value = match originals {
            [(_, v)] => v.clone(),
            many => serde_json::json!({
                "apiVersion": "v1",
                "items": many.iter().map(|(_, v)| v.clone()).collect::<Vec<_>>(),
                "kind": "List",
                "metadata": {},
            }),
        };
        if self.json {
            yaml_out::to_json(&value)
        } else {
            yaml_out::to_yaml(&value)
        }
    }

    fn start(&mut self, io: &mut TaskIo) -> TaskPoll {
        let mut w = self.world.borrow_mut();
        let originals = match self.fetch(&w, io) {
            Ok(o) => o,
            Err(code) => return TaskPoll::Done(code),
        };
        let Some(mailbox) = w.editor.as_mut() else {
            // No editor here: kubectl's error when the editor cannot be started
            // (`editor.Launch`, exec.ErrNotFound).
            io.eprint(format!(
                "error: unable to launch the editor \"{}\"\n",
                self.editor
            ));
            return TaskPoll::Done(1);
        };
        let named: Vec<(Kind, String)> = originals
            .iter()
            .map(|(k, v)| (*k, name_of(v).to_string()))
            .collect();
        let file = edit_file_name(&named, &self.ns, if self.json { "json" } else { "yaml" });
        let text = format!("{}{}", header(&[]), self.render(&originals));
        mailbox.waiting.insert(file.clone());
        mailbox.saved.remove(&file);
        mailbox.push(EditorRequest::Open {
            file: file.clone(),
            text: text.clone(),
        });
        self.state = State::Waiting(Opened {
            file,
            originals,
            original_text: text,
            previous: None,
        });
        TaskPoll::Pending { wake_at_ms: None }
    }

    /// The editor saved the file: kubectl's loop body after the editor exits.
    fn saved(&self, w: &mut World, io: &mut TaskIo, opened: &Opened, edited: &str) -> Outcome {
        let file = opened.file.as_str();
        let originals = opened.originals.as_slice();
        let preserved = |io: &mut TaskIo, msg: &str| {
            io.eprint(format!(
                "A copy of your changes has been stored to \"{file}\"\n{msg}\n"
            ));
        };
        if let Some(prev) = &opened.previous {
            if strip_comments(prev) == strip_comments(edited) {
                preserved(io, "error: Edit cancelled, no valid changes were saved.");
                return Outcome::Kept(1);
            }
        }
        if strip_comments(&opened.original_text) == strip_comments(edited) {
            io.eprint("Edit cancelled, no changes made.\n");
            return Outcome::Done(0);
        }
        if !has_lines(edited) {
            io.eprint("Edit cancelled, saved file was empty.\n");
            return Outcome::Done(0);
        }
        let docs = match parse_manifest("edited-file", edited, &Limits::FILE) {
            Ok(d) => d,
            Err(e) => {
                return Outcome::Reopen(vec![EditReason {
                    head: format!("The edited file had a syntax error: {e}"),
                    other: Vec::new(),
                }])
            }
        };
        let mut items: Vec<Value> = Vec::new();
        for d in docs {
            match d.value {
                Value::Object(mut m) if m.get("kind").and_then(Value::as_str) == Some("List") => {
                    if let Some(Value::Array(a)) = m.remove("items") {
                        items.extend(a);
                    }
                }
                v => items.push(v),
            }
        }
        let mut reasons = Vec::new();
        let mut status = 0;
        let mut kept = false;
        for item in items {
            let uid = item
                .pointer("/metadata/uid")
                .and_then(Value::as_str)
                .unwrap_or("");
            let Some((kind, original)) = originals
                .iter()
                .find(|(_, o)| o.pointer("/metadata/uid").and_then(Value::as_str) == Some(uid))
            else {
                preserved(
                    io,
                    &format!(
                        "error: no original object found for {}/{}",
                        item.get("kind").and_then(Value::as_str).unwrap_or(""),
                        name_of(&item)
                    ),
                );
                return Outcome::Kept(1);
            };
            let kind = *kind;
            let name = name_of(original).to_string();
            if kind.namespaced() {
                let item_ns = item
                    .pointer("/metadata/namespace")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                if !item_ns.is_empty() && item_ns != self.ns {
                    preserved(
                        io,
                        &format!(
                            "error: the namespace from the provided object \"{item_ns}\" does not match the namespace \"{}\". You must pass '--namespace={item_ns}' to perform this operation.",
                            self.ns
                        ),
                    );
                    return Outcome::Kept(1);
                }
            }
            if &item == original {
                io.print(format!("{} skipped\n", kind_slash_name(kind, &name)));
                continue;
            }
            let patch = merge_patch_between(original, &item);
            let changed_identity = ["apiVersion", "kind", "managedFields"]
                .iter()
                .any(|k| patch.get(*k).is_some())
                || patch.pointer("/metadata/name").is_some();
            if changed_identity {
                preserved(
                    io,
                    "error: At least one of apiVersion, kind and name was changed",
                );
                return Outcome::Kept(1);
            }
            // kubectl sends a strategic merge patch computed from the same two documents; as
            // a two-way diff of whole documents it yields the edited object, as this JSON
            // merge patch does (lists are sent whole).
            let ns = if kind.namespaced() {
                self.ns.clone()
            } else {
                String::new()
            };
            let resource = kind.qualified_resource();
            match w.apply(Input::Patch {
                kind,
                namespace: ns,
                name: name.clone(),
                patch_type: PatchType::Merge,
                patch,
            }) {
                Ok(_) => io.print(format!("{} edited\n", kind_slash_name(kind, &name))),
                Err(e) if e.reason == StatusReason::Invalid => {
                    io.eprint(format!("error: {resource} \"{name}\" is invalid\n"));
                    reasons.push(EditReason {
                        head: format!("{resource} \"{name}\" was not valid"),
                        other: e.causes.iter().map(ToString::to_string).collect(),
                    });
                }
                Err(e) if e.reason == StatusReason::NotFound => {
                    io.eprint(format!(
                        "error: {resource} \"{name}\" could not be found on the server\n"
                    ));
                    io.eprint(format!(
                        "The edits you made on deleted resources have been saved to \"{file}\"\n"
                    ));
                    status = 1;
                    kept = true;
                }
                Err(e) => {
                    io.eprint(format!(
                        "error: {resource} \"{name}\" could not be patched: {}\n",
                        e.message
                    ));
                    io.eprint(format!(
                        "You can run `kubectl replace -f {file}` to try this update again.\n"
                    ));
                    status = 1;
                    kept = true;
                }
            }
        }
        if kept {
            return Outcome::Kept(status);
        }
        if !reasons.is_empty() {
            return Outcome::Reopen(reasons);
        }
        Outcome::Done(0)
    }
}

fn name_of(v: &Value) -> &str {
    v.pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
}

impl Task for EditTask {
    fn poll(&mut self, _host: &mut dyn Host, io: &mut TaskIo) -> TaskPoll {
        if matches!(self.state, State::Start) {
            if self.interrupted {
                return TaskPoll::Done(130);
            }
            return self.start(io);
        }
        let State::Waiting(opened) = &mut self.state else {
            return TaskPoll::Done(1);
        };
        let world = self.world.clone();
        let mut w = world.borrow_mut();
        let file = opened.file.clone();
        if self.interrupted {
            // The editor is abandoned: the file (and what was typed) stays in the page.
            if let Some(m) = w.editor.as_mut() {
                m.waiting.remove(&file);
                m.saved.remove(&file);
            }
            return TaskPoll::Done(130);
        }
        let Some(edited) = w.editor.as_mut().and_then(|m| m.saved.remove(&file)) else {
            return TaskPoll::Pending { wake_at_ms: None };
        };
        let State::Waiting(mut opened) = std::mem::replace(&mut self.state, State::Start) else {
            return TaskPoll::Done(1);
        };
        let outcome = self.saved(&mut w, io, &opened, &edited);
        let Some(m) = w.editor.as_mut() else {
            return TaskPoll::Done(1);
        };
        match outcome {
            Outcome::Done(code) => {
                m.waiting.remove(&file);
                m.push(EditorRequest::Close { file });
                TaskPoll::Done(code)
            }
            Outcome::Kept(code) => {
                m.waiting.remove(&file);
                TaskPoll::Done(code)
            }
            Outcome::Reopen(reasons) => {
                // The file comes back with the failures on top and the user's text kept.
                let text = format!("{}{}", header(&reasons), manual_strip(&edited));
                m.push(EditorRequest::Open {
                    file,
                    text: text.clone(),
                });
                opened.previous = Some(text);
                self.state = State::Waiting(opened);
                TaskPoll::Pending { wake_at_ms: None }
            }
        }
    }

    fn interrupt(&mut self) {
        self.interrupted = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_is_the_difference() {
        let a = json!({"spec": {"replicas": 2, "template": {"image": "a"}}, "keep": 1, "gone": 2});
        let b = json!({"spec": {"replicas": 2, "template": {"image": "b"}}, "keep": 1, "new": [1]});
        assert_eq!(
            merge_patch_between(&a, &b),
            json!({"spec": {"template": {"image": "b"}}, "gone": null, "new": [1]})
        );
        assert_eq!(merge_patch_between(&a, &a), json!({}));
    }

    #[test]
    fn file_names_are_valid_editor_names() {
        assert_eq!(
            edit_file_name(&[(Kind::StatefulSet, "web".into())], "default", "yaml"),
            "edit-statefulset-web.yaml"
        );
        assert_eq!(
            edit_file_name(&[(Kind::Pod, "web-0".into())], "team", "json"),
            "edit-team-pod-web-0.json"
        );
        let long = "x".repeat(200);
        let n = edit_file_name(&[(Kind::Pod, long)], "default", "yaml");
        assert!(n.len() <= MAX_FILE_NAME && n.ends_with(".yaml"), "{n}");
    }

    #[test]
    fn header_reasons_stay_comments() {
        let h = header(&[EditReason {
            head: "statefulsets.apps \"web\" was not valid".into(),
            other: vec!["spec.replicas: Invalid value: -1: must be\ngreater".into()],
        }]);
        assert!(h.starts_with(EDIT_HEADER));
        assert!(h.ends_with(
            "# statefulsets.apps \"web\" was not valid:\n# * spec.replicas: Invalid value: -1: must be\n# greater\n#\n"
        ));
        assert!(h.lines().all(|l| l.starts_with('#')));
    }
}
