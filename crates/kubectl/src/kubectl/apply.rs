//! `kubectl apply -f` and `kubectl create -f`: documents in file order, successes printed as
//! they happen, errors collected and printed after (exit 1).

use super::args::{b, v, FlagSpec, GLOBAL};
use super::resource::kind_slash_name;
use super::{api_error_text, done_with, namespace, parse_or_fail};
use crate::files::{builtin_url, is_url, FileError};
use crate::session::{World, WorldRef};
use crate::shell::{resolve_path, CommandCtx, Task, TaskIo};
use crate::yaml::{Limits, ManifestReader};
use ordinal_model::api::StatusReason;
use ordinal_model::{Input, Kind, PatchType};
use serde_json::{Map, Value};

const FLAGS: &[FlagSpec] = &[
    v("filename", Some('f')),
    v("output", Some('o')),
    b("recursive", Some('R')),
    v("dry-run", None),
    v("validate", None),
    b("save-config", None),
    b("force", None),
    b("overwrite", None),
    b("server-side", None),
    v("field-manager", None),
    v("selector", Some('l')),
    b("prune", None),
    b("wait", None),
    v("kustomize", Some('k')),
];

pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

pub fn spawn_apply(world: &WorldRef, argv: &[String], ctx: &CommandCtx) -> Box<dyn Task> {
    spawn_common(world, argv, ctx, true)
}

pub fn spawn_create(world: &WorldRef, argv: &[String], ctx: &CommandCtx) -> Box<dyn Task> {
    spawn_common(world, argv, ctx, false)
}

fn spawn_common(world: &WorldRef, argv: &[String], ctx: &CommandCtx, apply: bool) -> Box<dyn Task> {
    let cmd = if apply { "apply" } else { "create" };
    let p = match parse_or_fail(cmd, argv, &[FLAGS, GLOBAL]) {
        Ok(p) => p,
        Err(t) => return t,
    };
    let files = p.all("filename");
    if files.is_empty() {
        if !apply && !p.args.is_empty() {
            return done_with(
                format!(
                    "error: ordinal: \"kubectl create {}\" is not simulated; use \"kubectl create -f FILE\"\n",
                    p.args[0]
                ),
                1,
            );
        }
        return done_with("error: must specify one of -f and -k\n\n".into(), 1);
    }
    if !p.args.is_empty() && apply {
        return done_with(
            super::usage_error(cmd, &format!("Unexpected args: [{}]", p.args.join(" "))),
            1,
        );
    }
    let ns_flag = p.namespace().map(str::to_string);
    let ns = namespace(&p);
    let dry_run = p.get("dry-run").map(str::to_string);
    let output_name = p.get("output") == Some("name");
    super::immediate(world, ctx, move |w, io, ctx| {
        run(
            w,
            io,
            ctx,
            &files,
            apply,
            ns_flag.as_deref(),
            &ns,
            dry_run.as_deref(),
            output_name,
        )
    })
}

/// Reads `-f` sources: `-` (stdin), a built-in URL, or a file. `Err`: kubectl's error line.
pub fn read_source(
    w: &World,
    io: &mut TaskIo,
    ctx: &CommandCtx,
    name: &str,
) -> Result<(String, String), String> {
    if name == "-" {
        let text = std::mem::take(&mut io.stdin);
        return Ok(("STDIN".into(), text));
    }
    if is_url(name) {
        return match builtin_url(name) {
            Some(t) => Ok((name.to_string(), t.to_string())),
            None => Err(format!(
                "error: unable to read URL \"{name}\", server reported 404 Not Found, status code=404\n"
            )),
        };
    }
    let cwd = if ctx.cwd.is_empty() { "/" } else { &ctx.cwd };
    let path = resolve_path(cwd, name);
    match w.files.read(&path, "").or_else(|e| match e {
        FileError::NotFound => w.files.read(name, cwd),
        other => Err(other),
    }) {
        Ok(t) => Ok((name.to_string(), t)),
        Err(FileError::NotFound) | Err(FileError::UnknownUrl) => {
            Err(format!("error: the path \"{name}\" does not exist\n"))
        }
        Err(FileError::Other(r)) => Err(format!("error: {name}: {r}\n")),
    }
}

fn hint_for(api_version: &str, kind: &str) -> Option<String> {
    let target = Kind::from_name(kind)?;
    if target.api_version() == api_version {
        return None;
    }
    Some(format!(
        "ordinal: hint: {kind} is served as {} in Kubernetes v1.34 ({api_version} was removed); change the manifest's apiVersion to {}{}\n",
        target.api_version(),
        target.api_version(),
        if target == Kind::StatefulSet {
            " and add spec.selector.matchLabels matching the pod template's labels"
        } else {
            ""
        }
    ))
}

#[allow(clippy::too_many_arguments)]
fn run(
    w: &mut World,
    io: &mut TaskIo,
    ctx: &CommandCtx,
    files: &[String],
    apply: bool,
    ns_flag: Option<&str>,
    default_ns: &str,
    dry_run: Option<&str>,
    output_name: bool,
) -> i32 {
    let mut errors: Vec<String> = Vec::new();
    let mut hints: Vec<String> = Vec::new();
    let mut any = false;
    for f in files {
        let (source, text) = match read_source(w, io, ctx, f) {
            Ok(x) => x,
            Err(e) => {
                io.eprint(e);
                return 1;
            }
        };
        let limits = if is_url(f) || f == "-" {
            Limits::EDITOR
        } else {
            Limits::FILE
        };
        let reader = match ManifestReader::new(&source, &text, &limits) {
            Ok(r) => r,
            Err(e) => {
                io.eprint(format!("error: {e}\n"));
                return 1;
            }
        };
        for doc in reader {
            let doc = match doc {
                Ok(d) => d,
                Err(e) => {
                    errors.push(format!("error: {e}\n"));
                    break;
                }
            };
            any = true;
            let mut obj = doc.value;
            let Some(map) = obj.as_object_mut() else {
                errors.push(format!(
                    "error: error validating \"{source}\": error validating data: invalid object to validate; if you choose to ignore these errors, turn validation off with --validate=false\n"
                ));
                continue;
            };
            let api_version = map
                .get("apiVersion")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let kind_name = map
                .get("kind")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let name = map
                .get("metadata")
                .and_then(|m| m.get("name"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let doc_ns = map
                .get("metadata")
                .and_then(|m| m.get("namespace"))
                .and_then(Value::as_str)
                .map(str::to_string);
            if api_version.is_empty() || kind_name.is_empty() {
                let mut missing = Vec::new();
                if api_version.is_empty() {
                    missing.push("apiVersion not set");
                }
                if kind_name.is_empty() {
                    missing.push("kind not set");
                }
                errors.push(format!(
                    "error: error validating \"{source}\": error validating data: [{}]; if you choose to ignore these errors, turn validation off with --validate=false\n",
                    missing.join(", ")
                ));
                continue;
            }
            let kind = match Kind::from_name(&kind_name) {
                Some(k) if k.api_version() == api_version => k,
                _ => {
                    errors.push(format!(
                        "error: resource mapping not found for name: \"{name}\" namespace: \"{}\" from \"{source}\": no matches for kind \"{kind_name}\" in version \"{api_version}\"\nensure CRDs are installed first\n",
                        doc_ns.clone().unwrap_or_default()
                    ));
                    if let Some(h) = hint_for(&api_version, &kind_name) {
                        hints.push(h);
                    }
                    continue;
                }
            };
            let ns = if kind.namespaced() {
                match (&doc_ns, ns_flag) {
                    (Some(d), Some(f)) if !d.is_empty() && d != f => {
                        errors.push(format!(
                            "error: the namespace from the provided object \"{d}\" does not match the namespace \"{f}\". You must pass '--namespace={d}' to perform this operation.\n"
                        ));
                        continue;
                    }
                    (Some(d), _) if !d.is_empty() => d.clone(),
                    _ => default_ns.to_string(),
                }
            } else {
                String::new()
            };
            if kind.namespaced() {
                if let Some(Value::Object(m)) = map.get_mut("metadata") {
                    m.insert("namespace".into(), Value::String(ns.clone()));
                }
            }
            let label = kind_slash_name(kind, &name);
            let suffix = match dry_run {
                Some("client") | Some("true") => " (dry run)",
                Some("server") => " (server dry run)",
                _ => "",
            };
            let existing = w.cluster().get_object(kind, &ns, &name).cloned();
            if !apply || existing.is_none() {
                if apply {
                    set_last_applied(&mut obj);
                }
                if !suffix.is_empty() {
                    print_result(io, &label, "created", suffix, output_name);
                    continue;
                }
                match w.apply(Input::Create { object: obj }) {
                    Ok(_) => print_result(io, &label, "created", "", output_name),
                    Err(e) => errors.push(match e.reason {
                        StatusReason::Invalid => api_error_text(&e, None),
                        _ => api_error_text(&e, Some(&format!("error when creating \"{source}\""))),
                    }),
                }
                continue;
            }
            let Some(current) = existing else { continue };
            let current_v = current.to_value();
            let original: Option<Value> = current
                .meta()
                .annotations
                .get(LAST_APPLIED)
                .and_then(|s| serde_json::from_str(s).ok());
            if original.is_none() {
                io.eprint(format!(
                    "Warning: resource {}/{name} is missing the {LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n",
                    kind.qualified_resource()
                ));
            }
            set_last_applied(&mut obj);
            let patch = three_way_patch(original.as_ref(), &obj, &current_v);
            if patch.as_object().is_some_and(Map::is_empty) {
                print_result(io, &label, "unchanged", suffix, output_name);
                continue;
            }
            if !suffix.is_empty() {
                print_result(io, &label, "configured", suffix, output_name);
                continue;
            }
            match w.apply(Input::Patch {
                kind,
                namespace: ns.clone(),
                name: name.clone(),
                patch_type: PatchType::Strategic,
                patch,
            }) {
                Ok(_) => print_result(io, &label, "configured", "", output_name),
                Err(e) => errors.push(match e.reason {
                    StatusReason::Invalid => api_error_text(&e, None),
                    _ => api_error_text(
                        &e,
                        Some(&format!(
                            "error when applying patch:\nto:\nResource: \"{}/{}, Resource={}\", GroupVersionKind: \"{}, Kind={}\"\nName: \"{name}\", Namespace: \"{ns}\"\nfor: \"{source}\"",
                            kind.group(),
                            kind.api_version().rsplit('/').next().unwrap_or(""),
                            kind.resource(),
                            kind.api_version(),
                            kind.name()
                        )),
                    ),
                }),
            }
        }
    }
    if !any && errors.is_empty() {
        io.eprint(
            "error: no objects passed to ".to_string() + if apply { "apply\n" } else { "create\n" },
        );
        return 1;
    }
    for e in &errors {
        io.eprint(e.clone());
    }
    for h in hints {
        io.eprint(h);
    }
    i32::from(!errors.is_empty())
}

fn print_result(io: &mut TaskIo, label: &str, verb: &str, suffix: &str, name_only: bool) {
    if name_only {
        io.print(format!("{label}\n"));
    } else {
        io.print(format!("{label} {verb}{suffix}\n"));
    }
}

/// Stores the object's own JSON (without the annotation) in the last-applied annotation, as
/// kubectl's `GetModifiedConfiguration` does (compact JSON, sorted keys, trailing newline).
fn set_last_applied(obj: &mut Value) {
    let mut clean = obj.clone();
    if let Some(ann) = clean
        .get_mut("metadata")
        .and_then(|m| m.get_mut("annotations"))
        .and_then(Value::as_object_mut)
    {
        ann.remove(LAST_APPLIED);
    }
    if let Some(m) = clean.get_mut("metadata").and_then(Value::as_object_mut) {
        if m.get("annotations")
            .and_then(Value::as_object)
            .is_some_and(Map::is_empty)
        {
            m.remove("annotations");
        }
    }
    let text = format!("{}\n", serde_json::to_string(&clean).unwrap_or_default());
    if let Some(m) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        let ann = m
            .entry("annotations")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(a) = ann.as_object_mut() {
            a.insert(LAST_APPLIED.into(), Value::String(text));
        }
    }
}

/// Merge keys tried, in order, to match list elements (strategic merge's `patchMergeKey`s).
const MERGE_KEYS: &[&str] = &["name", "containerPort", "port", "mountPath", "ip", "type"];

/// What `modified` sets that `current` lacks or differs in (`None`: nothing).
fn diff(current: &Value, modified: &Value, depth: usize) -> Option<Value> {
    if depth > 100 {
        return (current != modified).then(|| modified.clone());
    }
    match (current, modified) {
        (Value::Object(c), Value::Object(m)) => {
            let mut out = Map::new();
            for (k, mv) in m {
                let cv = c.get(k).unwrap_or(&Value::Null);
                if let Some(d) = diff(cv, mv, depth + 1) {
                    out.insert(k.clone(), d);
                }
            }
            (!out.is_empty()).then_some(Value::Object(out))
        }
        (Value::Array(c), Value::Array(m)) => {
            let key = MERGE_KEYS.iter().find(|k| {
                !m.is_empty() && m.iter().all(|e| e.get(**k).is_some_and(|v| !v.is_object()))
            });
            match key {
                Some(k) => {
                    let changed = m.len() != c.len()
                        || m.iter()
                            .any(|me| match c.iter().find(|ce| ce.get(*k) == me.get(*k)) {
                                Some(ce) => diff(ce, me, depth + 1).is_some(),
                                None => true,
                            });
                    changed.then(|| modified.clone())
                }
                None => (c != m).then(|| modified.clone()),
            }
        }
        _ => (current != modified).then(|| modified.clone()),
    }
}

/// Fields in `original` that `modified` no longer has become `null` (deletions).
fn deletions(original: &Value, modified: &Value, out: &mut Map<String, Value>, depth: usize) {
    let (Value::Object(o), Value::Object(m)) = (original, modified) else {
        return;
    };
    if depth > 100 {
        return;
    }
    for (k, ov) in o {
        match m.get(k) {
            None => {
                out.insert(k.clone(), Value::Null);
            }
            Some(mv) if ov.is_object() && mv.is_object() => {
                let mut sub = match out.get(k) {
                    Some(Value::Object(s)) => s.clone(),
                    _ => Map::new(),
                };
                deletions(ov, mv, &mut sub, depth + 1);
                if !sub.is_empty() {
                    out.insert(k.clone(), Value::Object(sub));
                }
            }
            _ => {}
        }
    }
}

/// A simplified `CreateThreeWayMergePatch`: changes from current to modified plus deletions
/// from original to modified.
pub fn three_way_patch(original: Option<&Value>, modified: &Value, current: &Value) -> Value {
    let mut patch = match diff(current, modified, 0) {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    };
    if let Some(o) = original {
        deletions(o, modified, &mut patch, 0);
    }
    patch.remove("apiVersion");
    patch.remove("kind");
    Value::Object(patch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reapplying_the_same_manifest_is_unchanged() {
        let m = json!({"spec": {"ports": [{"port": 80, "name": "web"}], "clusterIP": "None"}});
        let c = json!({"spec": {"ports": [{"port": 80, "name": "web", "protocol": "TCP", "targetPort": 80}], "clusterIP": "None", "type": "ClusterIP"}});
        assert_eq!(three_way_patch(Some(&m), &m, &c), json!({}));
        let m2 = json!({"spec": {"ports": [{"port": 81, "name": "web"}]}});
        assert_eq!(
            three_way_patch(Some(&m), &m2, &c),
            json!({"spec": {"ports": [{"port": 81, "name": "web"}], "clusterIP": null}})
        );
    }
}
