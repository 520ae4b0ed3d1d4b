//! Commands that change one object in place: `scale`, `patch`, `label`, `annotate`,
//! `set image`.

use super::args::{b, v, FlagSpec, GLOBAL};
use super::resource::{kind_slash_name, parse_targets, Targets};
use super::{api_error_text, done_with, namespace, parse_or_fail, usage_error};
use crate::session::{World, WorldRef};
use crate::shell::{CommandCtx, Task, TaskIo};
use ordinal_model::{Input, Kind, PatchType};
use serde_json::{json, Map, Value};

fn one_target(cmd: &str, args: &[String]) -> Result<Vec<(Kind, String)>, String> {
    if args.is_empty() {
        return Err(usage_error(
            cmd,
            "you must specify the type of resource to scale",
        ));
    }
    match parse_targets(args) {
        Ok(t @ Targets::Pairs(_)) => Ok(t.named()),
        Ok(Targets::Typed { kinds, names }) => {
            if names.is_empty() {
                Err("error: resource(s) were provided, but no name was specified\n".into())
            } else {
                Ok(kinds
                    .iter()
                    .flat_map(|k| names.iter().map(move |n| (*k, n.clone())))
                    .collect())
            }
        }
        Err(e) => Err(format!("error: {e}\n")),
    }
}

fn ns_of(kind: Kind, ns: &str) -> String {
    if kind.namespaced() {
        ns.to_string()
    } else {
        String::new()
    }
}

#[allow(clippy::too_many_arguments)]
/// Applies a patch; prints `<kind>/<name> <verb>` (or `… patched (no change)`).
fn patch_and_report(
    w: &mut World,
    io: &mut TaskIo,
    kind: Kind,
    ns: &str,
    name: &str,
    patch_type: PatchType,
    patch: Value,
    verb: &str,
) -> i32 {
    let ns = ns_of(kind, ns);
    let Some(before) = w.cluster().get_object(kind, &ns, name).cloned() else {
        io.eprint(format!(
            "Error from server (NotFound): {} \"{name}\" not found\n",
            kind.qualified_resource()
        ));
        return 1;
    };
    match w.apply(Input::Patch {
        kind,
        namespace: ns.clone(),
        name: name.to_string(),
        patch_type,
        patch,
    }) {
        Ok(after) => {
            let unchanged = after
                .as_ref()
                .is_some_and(|a| a.meta().resource_version == before.meta().resource_version);
            // Only `patch` says "(no change)"; `scale` prints "scaled" whatever the size was
            // (kubectl `pkg/cmd/scale/scale.go`: `PrintObj` after every `Scale`).
            if unchanged && verb == "patched" {
                io.print(format!(
                    "{} {verb} (no change)\n",
                    kind_slash_name(kind, name)
                ));
            } else {
                io.print(format!("{} {verb}\n", kind_slash_name(kind, name)));
            }
            0
        }
        Err(e) => {
            io.eprint(api_error_text(&e, None));
            1
        }
    }
}

const SCALE_FLAGS: &[FlagSpec] = &[
    v("replicas", None),
    v("current-replicas", None),
    v("resource-version", None),
    v("selector", Some('l')),
    b("all", None),
    v("filename", Some('f')),
    v("output", Some('o')),
    v("timeout", None),
    v("dry-run", None),
];

pub fn spawn_scale(world: &WorldRef, argv: &[String], ctx: &CommandCtx) -> Box<dyn Task> {
    let p = match parse_or_fail("scale", argv, &[SCALE_FLAGS, GLOBAL]) {
        Ok(p) => p,
        Err(t) => return t,
    };
    let Some(r) = p.get("replicas") else {
        return done_with("error: required flag(s) \"replicas\" not set\n".into(), 1);
    };
    let replicas: i64 = match r.parse() {
        Ok(n) => n,
        Err(_) => {
            return done_with(
                super::flag_error(
                    "scale",
                    &format!("invalid argument \"{r}\" for \"--replicas\" flag: strconv.ParseInt: parsing \"{r}\": invalid syntax"),
                ),
                1,
            )
        }
    };
    if replicas < 0 {
        return done_with(
            "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n".into(),
            1,
        );
    }
    let current: Option<i64> = match p.get("current-replicas").map(str::parse::<i64>) {
        None => None,
        Some(Ok(n)) if n >= 0 => Some(n),
        Some(_) => None,
    };
    let targets = match one_target("scale", &p.args) {
        Ok(t) => t,
        Err(e) => return done_with(e, 1),
    };
    let ns = namespace(&p);
    super::immediate(world, ctx, move |w, io, _| {
        let mut status = 0;
        for (kind, name) in targets {
            if kind != Kind::StatefulSet {
                io.eprint("Error from server (NotFound): the server could not find the requested resource\n");
                status = 1;
                continue;
            }
            let Some(obj) = w.cluster().get_object(kind, &ns, &name).cloned() else {
                io.eprint(format!(
                    "Error from server (NotFound): {} \"{name}\" not found\n",
                    kind.qualified_resource()
                ));
                status = 1;
                continue;
            };
            if let Some(c) = current {
                let now = obj
                    .to_value()
                    .pointer("/spec/replicas")
                    .and_then(Value::as_i64)
                    .unwrap_or(1);
                if now != c {
                    io.eprint(format!("error: Expected replicas to be {c}, was {now}\n"));
                    status = 1;
                    continue;
                }
            }
            let r = patch_and_report(
                w,
                io,
                kind,
                &ns,
                &name,
                PatchType::Merge,
                json!({"spec": {"replicas": replicas}}),
                "scaled",
            );
            status = status.max(r);
        }
        status
    })
}

const PATCH_FLAGS: &[FlagSpec] = &[
    v("patch", Some('p')),
    v("patch-file", None),
    v("type", None),
    v("filename", Some('f')),
    v("output", Some('o')),
    b("local", None),
    v("dry-run", None),
    v("subresource", None),
    v("field-manager", None),
];

/// Patch text to JSON (kubectl accepts YAML too).
fn patch_json(text: &str) -> Result<Value, String> {
    match serde_json::from_str::<Value>(text) {
        Ok(v) => Ok(v),
        Err(_) => crate::yaml::yaml_to_json(text, &crate::yaml::Limits::EDITOR),
    }
}

pub fn spawn_patch(world: &WorldRef, argv: &[String], ctx: &CommandCtx) -> Box<dyn Task> {
    let p = match parse_or_fail("patch", argv, &[PATCH_FLAGS, GLOBAL]) {
        Ok(p) => p,
        Err(t) => return t,
    };
    let patch_type = match p.get("type").unwrap_or("strategic") {
        "strategic" => PatchType::Strategic,
        "merge" => PatchType::Merge,
        "json" => PatchType::Json,
        other => {
            return done_with(
                format!("error: --type must be one of [json merge strategic], not \"{other}\"\n"),
                1,
            )
        }
    };
    let Some(text) = p.get("patch").map(str::to_string) else {
        return done_with(
            "error: must specify --patch or --patch-file containing the contents of the patch\n"
                .into(),
            1,
        );
    };
    let targets = match one_target("patch", &p.args) {
        Ok(t) => t,
        Err(e) => return done_with(e, 1),
    };
    let ns = namespace(&p);
    super::immediate(world, ctx, move |w, io, _| {
        let patch = match patch_json(&text) {
            Ok(v) => v,
            Err(e) => {
                io.eprint(format!("error: unable to parse \"{text}\": {e}\n"));
                return 1;
            }
        };
        if patch_type == PatchType::Json && !patch.is_array() {
            io.eprint(format!(
                "error: unable to parse \"{text}\": json: cannot unmarshal object into Go value of type jsonpatch.Patch\n"
            ));
            return 1;
        }
        let mut status = 0;
        for (kind, name) in targets {
            let r = patch_and_report(
                w,
                io,
                kind,
                &ns,
                &name,
                patch_type,
                patch.clone(),
                "patched",
            );
            status = status.max(r);
        }
        status
    })
}

const LABEL_FLAGS: &[FlagSpec] = &[
    b("overwrite", None),
    b("all", None),
    v("selector", Some('l')),
    b("list", None),
    v("output", Some('o')),
    v("dry-run", None),
    v("resource-version", None),
    v("filename", Some('f')),
];

pub fn spawn_label(world: &WorldRef, argv: &[String], ctx: &CommandCtx) -> Box<dyn Task> {
    spawn_meta(world, argv, ctx, "label")
}

pub fn spawn_annotate(world: &WorldRef, argv: &[String], ctx: &CommandCtx) -> Box<dyn Task> {
    spawn_meta(world, argv, ctx, "annotate")
}

fn spawn_meta(
    world: &WorldRef,
    argv: &[String],
    ctx: &CommandCtx,
    cmd: &'static str,
) -> Box<dyn Task> {
    let p = match parse_or_fail(cmd, argv, &[LABEL_FLAGS, GLOBAL]) {
        Ok(p) => p,
        Err(t) => return t,
    };
    let (res, changes): (Vec<String>, Vec<String>) = p
        .args
        .iter()
        .cloned()
        .partition(|a| !(a.contains('=') || a.ends_with('-')));
    if changes.is_empty() {
        return done_with(
            usage_error(
                cmd,
                &format!(
                    "at least one {} update is required",
                    if cmd == "label" {
                        "label"
                    } else {
                        "annotation"
                    }
                ),
            ),
            1,
        );
    }
    let targets = match one_target(cmd, &res) {
        Ok(t) => t,
        Err(e) => return done_with(e, 1),
    };
    let overwrite = p.bool("overwrite");
    let ns = namespace(&p);
    let field = if cmd == "label" {
        "labels"
    } else {
        "annotations"
    };
    let past = if cmd == "label" {
        "labeled"
    } else {
        "annotated"
    };
    super::immediate(world, ctx, move |w, io, _| {
        let mut status = 0;
        for (kind, name) in targets {
            let Some(obj) = w
                .cluster()
                .get_object(kind, &ns_of(kind, &ns), &name)
                .cloned()
            else {
                io.eprint(format!(
                    "Error from server (NotFound): {} \"{name}\" not found\n",
                    kind.qualified_resource()
                ));
                status = 1;
                continue;
            };
            let existing = if cmd == "label" {
                obj.meta().labels.clone()
            } else {
                obj.meta().annotations.clone()
            };
            let mut m = Map::new();
            let mut bad = None;
            for c in &changes {
                if let Some(k) = c.strip_suffix('-') {
                    if !c.contains('=') {
                        m.insert(k.to_string(), Value::Null);
                        continue;
                    }
                }
                let (k, v) = c.split_once('=').unwrap_or((c, ""));
                if let Some(old) = existing.get(k) {
                    if !overwrite && old != v {
                        bad = Some(format!(
                            "error: '{k}' already has a value ({old}), and --overwrite is false\n"
                        ));
                        break;
                    }
                }
                m.insert(k.to_string(), Value::String(v.to_string()));
            }
            if let Some(e) = bad {
                io.eprint(e);
                status = 1;
                continue;
            }
            let r = patch_and_report(
                w,
                io,
                kind,
                &ns,
                &name,
                PatchType::Merge,
                json!({"metadata": {field: Value::Object(m)}}),
                past,
            );
            status = status.max(r);
        }
        status
    })
}

const SET_FLAGS: &[FlagSpec] = &[
    b("all", None),
    v("selector", Some('l')),
    v("output", Some('o')),
    v("dry-run", None),
    b("local", None),
    v("filename", Some('f')),
];

pub fn spawn_set(world: &WorldRef, argv: &[String], ctx: &CommandCtx) -> Box<dyn Task> {
    let sub = argv.get(1).map(String::as_str).unwrap_or("");
    if sub != "image" {
        return done_with(
            format!(
                "error: ordinal: \"kubectl set {sub}\" is not simulated; \"kubectl set image\" is\n"
            ),
            1,
        );
    }
    let p = match parse_or_fail("set image", &argv[1..], &[SET_FLAGS, GLOBAL]) {
        Ok(p) => p,
        Err(t) => return t,
    };
    let (res, changes): (Vec<String>, Vec<String>) =
        p.args.iter().cloned().partition(|a| !a.contains('='));
    if changes.is_empty() {
        return done_with(
            usage_error("set image", "at least one image update is required"),
            1,
        );
    }
    let targets = match one_target("set image", &res) {
        Ok(t) => t,
        Err(e) => return done_with(e, 1),
    };
    let ns = namespace(&p);
    super::immediate(world, ctx, move |w, io, _| {
        let mut status = 0;
        for (kind, name) in targets {
            let Some(obj) = w
                .cluster()
                .get_object(kind, &ns_of(kind, &ns), &name)
                .cloned()
            else {
                io.eprint(format!(
                    "Error from server (NotFound): {} \"{name}\" not found\n",
                    kind.qualified_resource()
                ));
                status = 1;
                continue;
            };
            let v = obj.to_value();
            let (ptr, prefix): (&str, Vec<&str>) = match kind {
                Kind::Pod => ("/spec/containers", vec!["spec"]),
                Kind::StatefulSet => (
                    "/spec/template/spec/containers",
                    vec!["spec", "template", "spec"],
                ),
                _ => {
                    io.eprint(format!(
                        "error: ordinal: \"set image\" on {} is not simulated\n",
                        kind.resource()
                    ));
                    status = 1;
                    continue;
                }
            };
            let containers: Vec<String> = v
                .pointer(ptr)
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|c| c.get("name").and_then(Value::as_str).map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            let mut list = Vec::new();
            let mut err = None;
            for c in &changes {
                let (cname, image) = c.split_once('=').unwrap_or((c, ""));
                if cname == "*" {
                    for n in &containers {
                        list.push(json!({"name": n, "image": image}));
                    }
                } else if containers.iter().any(|n| n == cname) {
                    list.push(json!({"name": cname, "image": image}));
                } else {
                    err = Some(format!(
                        "error: unable to find container named \"{cname}\"\n"
                    ));
                }
            }
            if let Some(e) = err {
                io.eprint(e);
                status = 1;
                continue;
            }
            let mut patch = json!({"containers": list});
            for key in prefix.iter().rev() {
                patch = json!({ *key: patch });
            }
            let r = patch_and_report(
                w,
                io,
                kind,
                &ns,
                &name,
                PatchType::Strategic,
                patch,
                "image updated",
            );
            // kubectl prints nothing when the image already matches.
            status = status.max(r);
        }
        status
    })
}
