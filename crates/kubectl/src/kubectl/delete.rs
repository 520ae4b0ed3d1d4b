//! `kubectl delete`: names, `-l`, `--all`, `-f`, `--cascade` (and its deprecated booleans),
//! `--grace-period`, `--force`, `--now`, and `--wait` (default) as a blocking task.

use super::args::{b, o, parse_bool, v, FlagSpec, GLOBAL};
use super::resource::{kind_slash_name, parse_targets, plural_slash_name};
use super::{api_error_text, done_with, namespace, parse_or_fail};
use crate::session::{World, WorldRef, BLOCKING_CAP_MS};
use crate::shell::{CommandCtx, Host, Task, TaskIo, TaskPoll};
use ordinal_model::api::selector::Selector;
use ordinal_model::api::{DeleteOptions, Propagation};
use ordinal_model::{Input, Kind, Time};
use serde_json::Value;

const FLAGS: &[FlagSpec] = &[
    v("filename", Some('f')),
    v("selector", Some('l')),
    b("all", None),
    b("all-namespaces", Some('A')),
    o("cascade", "background"),
    v("grace-period", None),
    b("force", None),
    b("now", None),
    b("wait", None),
    v("timeout", None),
    b("ignore-not-found", None),
    v("output", Some('o')),
    v("dry-run", None),
    v("field-selector", None),
    b("recursive", Some('R')),
    b("interactive", Some('i')),
    v("raw", None),
];

/// One object that was deleted and is waited for.
#[derive(Debug, Clone)]
struct Gone {
    kind: Kind,
    ns: String,
    name: String,
    uid: String,
}

pub fn spawn(world: &WorldRef, argv: &[String], ctx: &CommandCtx) -> Box<dyn Task> {
    let p = match parse_or_fail("delete", argv, &[FLAGS, GLOBAL]) {
        Ok(p) => p,
        Err(t) => return t,
    };
    let mut warnings = String::new();
    let propagation = match p.get("cascade") {
        None | Some("background") => Propagation::Background,
        Some("foreground") => Propagation::Foreground,
        Some("orphan") => Propagation::Orphan,
        Some(other) => match parse_bool(other) {
            Some(true) => {
                warnings.push_str("warning: --cascade=true is deprecated (boolean value) and can be replaced with --cascade=background.\n");
                Propagation::Background
            }
            Some(false) => {
                warnings.push_str("warning: --cascade=false is deprecated (boolean value) and can be replaced with --cascade=orphan.\n");
                Propagation::Orphan
            }
            None => {
                return done_with(
                    format!("error: invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\".\n"),
                    1,
                )
            }
        },
    };
    let mut grace: i64 = match p.get("grace-period") {
        Some(g) => match g.parse::<i64>() {
            Ok(n) => n,
            Err(_) => {
                return done_with(
                    super::flag_error(
                        "delete",
                        &format!("invalid argument \"{g}\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"{g}\": invalid syntax"),
                    ),
                    1,
                )
            }
        },
        None => -1,
    };
    let force = p.bool("force");
    if p.bool("now") {
        if grace != -1 {
            return done_with(
                "error: --now and --grace-period cannot be specified together\n".into(),
                1,
            );
        }
        grace = 1;
    }
    if grace == 0 && !force {
        // kubectl converts --grace-period=0 to 1 unless --force is given.
        grace = 1;
    }
    if force && grace < 0 {
        grace = 0;
    }
    let wait = p.get("wait").is_none_or(|w| w == "true");
    let timeout_ms = match p.get("timeout") {
        Some(t) => match super::args::parse_duration_ms(t, false) {
            Some(ms) => ms,
            None => {
                return done_with(
                    super::flag_error(
                        "delete",
                        &format!("invalid argument \"{t}\" for \"--timeout\" flag: time: invalid duration \"{t}\""),
                    ),
                    1,
                )
            }
        },
        None => 0,
    };
    let files = p.all("filename");
    let selector = match p.get("selector") {
        Some(s) => match Selector::parse(s) {
            Ok(sel) => Some(sel),
            Err(e) => return done_with(format!("error: {e}\n"), 1),
        },
        None => None,
    };
    let all = p.bool("all");
    if files.is_empty() && p.args.is_empty() {
        return done_with(
            "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n".into(),
            1,
        );
    }
    let targets = if files.is_empty() {
        match parse_targets(&p.args) {
            Ok(t) => Some(t),
            Err(e) => return done_with(format!("error: {e}\n"), 1),
        }
    } else {
        None
    };
    if let Some(t) = &targets {
        if !t.has_names() && selector.is_none() && !all {
            return done_with(
                "error: resource(s) were provided, but no name was specified\n".into(),
                1,
            );
        }
        if t.has_names() && (selector.is_some() || all) {
            return done_with(
                "error: name cannot be provided when a selector is specified\n".into(),
                1,
            );
        }
    }
    let ns = namespace(&p);
    let all_ns = p.bool("all-namespaces");
    let ignore_nf = p.bool("ignore-not-found") || (all || selector.is_some());
    let output_name = p.get("output") == Some("name");
    let dry = p.get("dry-run").map(str::to_string);
    let world2 = world.clone();
    let ctx2 = ctx.clone();
    Box::new(DeleteTask {
        world: world2,
        start: Some(Box::new(move |w: &mut World, io: &mut TaskIo| {
            io.eprint(warnings);
            let mut objs: Vec<(Kind, String, String)> = Vec::new();
            let mut errors = String::new();
            if let Some(t) = &targets {
                if t.has_names() {
                    for (k, n) in t.named() {
                        objs.push((
                            k,
                            if k.namespaced() {
                                ns.clone()
                            } else {
                                String::new()
                            },
                            n,
                        ));
                    }
                } else {
                    for k in t.kinds() {
                        let list_ns = if k.namespaced() && !all_ns {
                            Some(ns.as_str())
                        } else {
                            None
                        };
                        for o in w.cluster().api.list_objects(k, list_ns) {
                            if selector
                                .as_ref()
                                .is_none_or(|s| s.matches(&o.meta().labels))
                            {
                                objs.push((k, o.meta().ns().to_string(), o.meta().name.clone()));
                            }
                        }
                    }
                    if objs.is_empty() {
                        io.print("No resources found\n");
                        return (0, Vec::new());
                    }
                }
            } else {
                for f in &files {
                    let (source, text) = match super::apply::read_source(w, io, &ctx2, f) {
                        Ok(x) => x,
                        Err(e) => {
                            io.eprint(e);
                            return (1, Vec::new());
                        }
                    };
                    let docs = match crate::yaml::parse_manifest(
                        &source,
                        &text,
                        &crate::yaml::Limits::FILE,
                    ) {
                        Ok(d) => d,
                        Err(e) => {
                            io.eprint(format!("error: {e}\n"));
                            return (1, Vec::new());
                        }
                    };
                    for d in docs {
                        let kind_name = d.value.get("kind").and_then(Value::as_str).unwrap_or("");
                        let api = d
                            .value
                            .get("apiVersion")
                            .and_then(Value::as_str)
                            .unwrap_or("");
                        let name = d
                            .value
                            .pointer("/metadata/name")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_string();
                        let dns = d
                            .value
                            .pointer("/metadata/namespace")
                            .and_then(Value::as_str)
                            .unwrap_or(&ns)
                            .to_string();
                        match Kind::from_name(kind_name).filter(|k| k.api_version() == api) {
                            Some(k) => objs.push((k, if k.namespaced() { dns } else { String::new() }, name)),
                            None => errors.push_str(&format!(
                                "error: resource mapping not found for name: \"{name}\" namespace: \"\" from \"{source}\": no matches for kind \"{kind_name}\" in version \"{api}\"\nensure CRDs are installed first\n"
                            )),
                        }
                    }
                }
            }
            if force && grace == 0 {
                io.eprint("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n");
            }
            let mut gone = Vec::new();
            let mut status = 0;
            for (kind, ons, name) in objs {
                let uid = match w.cluster().get_object(kind, &ons, &name) {
                    Some(o) => o.meta().uid.clone(),
                    None => {
                        if !ignore_nf {
                            errors.push_str(&format!(
                                "Error from server (NotFound): {} \"{name}\" not found\n",
                                kind.qualified_resource()
                            ));
                        }
                        continue;
                    }
                };
                let dry_suffix = match dry.as_deref() {
                    Some("client") | Some("true") => " (dry run)",
                    Some("server") => " (server dry run)",
                    _ => "",
                };
                if dry_suffix.is_empty() {
                    let options = DeleteOptions {
                        propagation: Some(propagation),
                        grace_period_seconds: (grace >= 0).then_some(grace),
                        uid: None,
                    };
                    if let Err(e) = w.apply(Input::Delete {
                        kind,
                        namespace: ons.clone(),
                        name: name.clone(),
                        options,
                    }) {
                        errors.push_str(&api_error_text(&e, None));
                        status = 1;
                        continue;
                    }
                }
                if output_name {
                    io.print(format!("{}\n", kind_slash_name(kind, &name)));
                } else {
                    let verb = if force && grace == 0 {
                        "force deleted"
                    } else {
                        "deleted"
                    };
                    let ns_part = if kind.namespaced() {
                        format!(" from {ons} namespace")
                    } else {
                        String::new()
                    };
                    io.print(format!(
                        "{} \"{name}\" {verb}{ns_part}{dry_suffix}\n",
                        kind.qualified_singular()
                    ));
                }
                if dry_suffix.is_empty() {
                    gone.push(Gone {
                        kind,
                        ns: ons,
                        name,
                        uid,
                    });
                }
            }
            if !errors.is_empty() {
                io.eprint(errors);
                status = 1;
            }
            if !wait || (force && grace == 0) {
                gone.clear();
            }
            (status, gone)
        })),
        gone: Vec::new(),
        status: 0,
        deadline: Time(0),
        timeout_ms: if timeout_ms == 0 {
            BLOCKING_CAP_MS
        } else {
            timeout_ms
        },
        interrupted: false,
    })
}

type StartFn = Box<dyn FnOnce(&mut World, &mut TaskIo) -> (i32, Vec<Gone>)>;

struct DeleteTask {
    world: WorldRef,
    start: Option<StartFn>,
    gone: Vec<Gone>,
    status: i32,
    deadline: Time,
    timeout_ms: u64,
    interrupted: bool,
}

impl Task for DeleteTask {
    fn poll(&mut self, _host: &mut dyn Host, io: &mut TaskIo) -> TaskPoll {
        let world = self.world.clone();
        let mut w = world.borrow_mut();
        if let Some(f) = self.start.take() {
            let (status, gone) = f(&mut w, io);
            self.status = status;
            self.gone = gone;
            self.deadline = w.now().plus_ms(self.timeout_ms);
        }
        if self.interrupted {
            return TaskPoll::Done(130);
        }
        self.gone.retain(|g| {
            w.cluster()
                .get_object(g.kind, &g.ns, &g.name)
                .is_some_and(|o| o.meta().uid == g.uid)
        });
        if self.gone.is_empty() {
            return TaskPoll::Done(self.status);
        }
        let now = w.now();
        if now >= self.deadline {
            let g = &self.gone[0];
            io.eprint(format!(
                "error: timed out waiting for the condition on {}\n",
                plural_slash_name(g.kind, &g.name)
            ));
            return TaskPoll::Done(1);
        }
        // Wake at the next cluster event or the deadline, whichever is first.
        let next = w
            .cluster()
            .next_wake()
            .filter(|t| *t > now)
            .map_or(self.deadline, |t| t.min(self.deadline));
        TaskPoll::Pending {
            wake_at_ms: Some(next.ms()),
        }
    }

    fn interrupt(&mut self) {
        self.interrupted = true;
    }
}
