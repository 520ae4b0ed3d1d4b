//! `kubectl get`: tables (server-side printers), `-o wide|name|yaml|json|jsonpath=|
//! go-template=|custom-columns=`, `--template`, `-l`, `-n`, `-A`, several kinds and names,
//! and `-w` / `--watch-only` / `--output-watch-events` as a resumable task.

use super::args::{b, v, FlagSpec, GLOBAL};
use super::resource::{kind_slash_name, parse_targets, Targets};
use super::{done_with, namespace, parse_or_fail, template, usage_error};
use crate::printers::table::{
    no_resources_found, print_get, KindGroup, PrintOptions, WatchPrinter,
};
use crate::session::{World, WorldRef, BLOCKING_CAP_MS, SCRIPT_WATCH_IDLE_MS};
use crate::shell::{CommandCtx, Host, Task, TaskIo, TaskPoll};
use crate::yaml_out;
use ordinal_model::api::selector::Selector;
use ordinal_model::api::WatchEventType;
use ordinal_model::{Kind, Object, Time};
use serde_json::{json, Value};
use std::sync::Arc;

const FLAGS: &[FlagSpec] = &[
    v("output", Some('o')),
    v("selector", Some('l')),
    b("watch", Some('w')),
    b("watch-only", None),
    b("output-watch-events", None),
    b("all-namespaces", Some('A')),
    b("show-labels", None),
    b("no-headers", None),
    b("ignore-not-found", None),
    b("show-kind", None),
    v("template", None),
    v("field-selector", None),
    v("sort-by", None),
    v("label-columns", Some('L')),
    v("chunk-size", None),
    v("filename", Some('f')),
    b("show-managed-fields", None),
    b("allow-missing-template-keys", None),
];

/// How objects are printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    Table { wide: bool },
    Name,
    Yaml,
    Json,
    JsonPath(String),
    GoTemplate(String),
    CustomColumns(String),
}

const ALLOWED: &str = "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml";

/// `-o` (and `--template`) to a format. `Err` is the text after `error: `.
pub fn parse_format(o: Option<&str>, tmpl: Option<&str>) -> Result<Format, String> {
    let o = match (o, tmpl) {
        (None, Some(_)) => "go-template",
        (None, None) => return Ok(Format::Table { wide: false }),
        (Some(o), _) => o,
    };
    let (name, arg) = match o.split_once('=') {
        Some((n, a)) => (n, Some(a.to_string())),
        None => (o, None),
    };
    let arg = arg.or(tmpl.map(str::to_string));
    Ok(match name {
        "" => Format::Table { wide: false },
        "wide" => Format::Table { wide: true },
        "name" => Format::Name,
        "yaml" => Format::Yaml,
        "json" => Format::Json,
        "jsonpath" | "jsonpath-as-json" => match arg {
            Some(a) => Format::JsonPath(a),
            None => return Err("template format specified but no template given".into()),
        },
        "go-template" | "template" => match arg {
            Some(a) => Format::GoTemplate(a),
            None => return Err("template format specified but no template given".into()),
        },
        "custom-columns" => match arg {
            Some(a) if !a.is_empty() => Format::CustomColumns(a),
            _ => return Err("custom-columns format specified but no custom columns given".into()),
        },
        other => {
            return Err(format!(
                "unable to match a printer suitable for the output format \"{other}\", allowed formats are: {ALLOWED}"
            ))
        }
    })
}

pub fn spawn(world: &WorldRef, argv: &[String], ctx: &CommandCtx) -> Box<dyn Task> {
    let p = match parse_or_fail("get", argv, &[FLAGS, GLOBAL]) {
        Ok(p) => p,
        Err(t) => return t,
    };
    if p.args.is_empty() {
        return done_with(
            "You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples\n".into(),
            1,
        );
    }
    let targets = match parse_targets(&p.args) {
        Ok(t) => t,
        Err(e) => return done_with(format!("error: {e}\n"), 1),
    };
    let format = match parse_format(p.get("output"), p.get("template")) {
        Ok(f) => f,
        Err(e) => return done_with(format!("error: {e}\n"), 1),
    };
    let selector = match p.get("selector") {
        Some(s) => match Selector::parse(s) {
            Ok(sel) => Some(sel),
            Err(e) => return done_with(format!("error: {e}\n"), 1),
        },
        None => None,
    };
    if selector.is_some() && targets.has_names() {
        return done_with(
            "error: selectors and the all flag cannot be used when passing resource/name arguments\n"
                .into(),
            1,
        );
    }
    let all_ns = p.bool("all-namespaces");
    let ns = namespace(&p);
    let watch = p.bool("watch") || p.bool("watch-only");
    let opts = GetOpts {
        ns,
        all_ns,
        selector,
        format,
        no_headers: p.bool("no-headers"),
        show_labels: p.bool("show-labels"),
        ignore_not_found: p.bool("ignore-not-found"),
        events_col: p.bool("output-watch-events"),
        show_kind: p.bool("show-kind"),
        label_columns: p
            .all("label-columns")
            .iter()
            .flat_map(|l| l.split(',').map(str::to_string).collect::<Vec<_>>())
            .filter(|l| !l.is_empty())
            .collect(),
    };
    let request_timeout = match p.get("request-timeout") {
        Some(t) => match super::args::parse_duration_ms(t, true) {
            Some(0) => None,
            Some(ms) => Some(ms),
            None => {
                return done_with(
                    format!("error: invalid argument \"{t}\" for \"--request-timeout\" flag: time: invalid duration \"{t}\"\n"),
                    1,
                )
            }
        },
        None => None,
    };
    if watch {
        let kinds = targets.kinds();
        if kinds.len() != 1 {
            return done_with(
                usage_error("get", "watch is only supported on individual resources and resource collections, but 2 resources were found"),
                1,
            );
        }
        return Box::new(WatchTask {
            world: world.clone(),
            kind: kinds[0],
            names: targets.named().into_iter().map(|(_, n)| n).collect(),
            opts,
            watch_only: p.bool("watch-only"),
            started: false,
            rv: 0,
            printer: None,
            last_change: Time(0),
            deadline: None,
            request_timeout,
            interrupted: false,
        });
    }
    super::immediate(world, ctx, move |w, io, _| get_once(w, io, &targets, &opts))
}

pub struct GetOpts {
    pub ns: String,
    pub all_ns: bool,
    pub selector: Option<Selector>,
    pub format: Format,
    pub no_headers: bool,
    pub show_labels: bool,
    pub ignore_not_found: bool,
    pub events_col: bool,
    pub show_kind: bool,
    pub label_columns: Vec<String>,
}

fn ns_for(kind: Kind, opts: &GetOpts) -> Option<String> {
    if !kind.namespaced() || opts.all_ns {
        None
    } else {
        Some(opts.ns.clone())
    }
}

fn list(w: &World, kind: Kind, opts: &GetOpts) -> Vec<Arc<Object>> {
    let ns = ns_for(kind, opts);
    w.cluster()
        .api
        .list_objects(kind, ns.as_deref())
        .filter(|o| {
            opts.selector
                .as_ref()
                .is_none_or(|s| s.matches(&o.meta().labels))
        })
        .cloned()
        .collect()
}

fn get_once(w: &mut World, io: &mut TaskIo, targets: &Targets, opts: &GetOpts) -> i32 {
    let mut groups: Vec<(Kind, Vec<Arc<Object>>)> = Vec::new();
    let mut errors = String::new();
    let single = matches!(targets, Targets::Typed { names, .. } if names.len() == 1)
        || matches!(targets, Targets::Pairs(p) if p.len() == 1);
    if targets.has_names() {
        for (kind, name) in targets.named() {
            let ns = if kind.namespaced() {
                opts.ns.clone()
            } else {
                String::new()
            };
            match w.cluster().get_object(kind, &ns, &name) {
                Some(o) => match groups.iter_mut().find(|(k, _)| *k == kind) {
                    Some((_, v)) => v.push(o.clone()),
                    None => groups.push((kind, vec![o.clone()])),
                },
                None if opts.ignore_not_found => {}
                None => errors.push_str(&format!(
                    "Error from server (NotFound): {} \"{name}\" not found\n",
                    kind.qualified_resource()
                )),
            }
        }
    } else {
        for kind in targets.kinds() {
            groups.push((kind, list(w, kind, opts)));
        }
    }
    let now = w.now();
    let total: usize = groups.iter().map(|(_, v)| v.len()).sum();
    let status = i32::from(!errors.is_empty());
    match &opts.format {
        Format::Table { wide } => {
            let kgroups: Vec<KindGroup> = groups
                .iter()
                .map(|(k, v)| KindGroup {
                    kind: *k,
                    objects: v.clone(),
                })
                .collect();
            let text = print_get(&kgroups, now, &print_options(*wide, opts));
            if text.is_empty() && !targets.has_names() {
                io.eprint(no_resources(&targets.kinds(), opts));
            }
            io.print(text);
        }
        Format::Name => {
            for (kind, objs) in &groups {
                for o in objs {
                    io.print(format!("{}\n", kind_slash_name(*kind, &o.meta().name)));
                }
            }
        }
        f => {
            let value = if single && total == 1 {
                groups
                    .iter()
                    .flat_map(|(_, v)| v.iter())
                    .next()
                    .map(|o| output_value(o))
                    .unwrap_or(Value::Null)
            } else {
                let items: Vec<Value> = groups
                    .iter()
                    .flat_map(|(_, v)| v.iter())
                    .map(|o| output_value(o))
                    .collect();
                if total == 0 && !targets.has_names() && !matches!(f, Format::Yaml | Format::Json) {
                    io.eprint(no_resources(&targets.kinds(), opts));
                }
                json!({"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}})
            };
            match print_value(f, &value) {
                Ok(s) => io.print(s),
                Err(e) => {
                    io.eprint(errors);
                    io.eprint(format!("error: {e}\n"));
                    return 1;
                }
            }
        }
    }
    io.eprint(errors);
    status
}

/// The object as kubectl prints it with `-o yaml|json` (managedFields are not kept).
pub fn output_value(o: &Object) -> Value {
    o.to_value()
}

/// Prints a value in a non-table format.
pub fn print_value(f: &Format, value: &Value) -> Result<String, String> {
    match f {
        Format::Yaml => Ok(yaml_out::to_yaml(value)),
        Format::Json => Ok(yaml_out::to_json(value)),
        Format::JsonPath(t) => template::jsonpath(t, value),
        Format::GoTemplate(t) => template::go_template(t, value),
        Format::CustomColumns(spec) => template::custom_columns(spec, value),
        Format::Name | Format::Table { .. } => Ok(String::new()),
    }
}

pub fn no_resources(kinds: &[Kind], opts: &GetOpts) -> String {
    let all_namespaced = !opts.all_ns && kinds.iter().all(|k| k.namespaced());
    format!("{}\n", no_resources_found(&opts.ns, all_namespaced))
}

/// The kprint printer's options for this `get`.
pub fn print_options(wide: bool, opts: &GetOpts) -> PrintOptions {
    PrintOptions {
        wide,
        no_headers: opts.no_headers,
        all_namespaces: opts.all_ns,
        show_kind: opts.show_kind,
        show_labels: opts.show_labels,
        label_columns: opts.label_columns.clone(),
    }
}

/// `kubectl get -w`: the initial list (unless `--watch-only`), then one row per watch event.
/// In a script it ends after 5 idle virtual seconds; `--request-timeout` ends it too.
pub struct WatchTask {
    world: WorldRef,
    kind: Kind,
    names: Vec<String>,
    opts: GetOpts,
    watch_only: bool,
    started: bool,
    rv: u64,
    printer: Option<WatchPrinter>,
    last_change: Time,
    deadline: Option<Time>,
    request_timeout: Option<u64>,
    interrupted: bool,
}

impl WatchTask {
    fn matches(&self, o: &Object) -> bool {
        if o.kind() != self.kind {
            return false;
        }
        if let Some(ns) = ns_for(self.kind, &self.opts) {
            if o.meta().ns() != ns {
                return false;
            }
        }
        if !self.names.is_empty() && !self.names.contains(&o.meta().name) {
            return false;
        }
        self.opts
            .selector
            .as_ref()
            .is_none_or(|s| s.matches(&o.meta().labels))
    }

    fn emit(
        &mut self,
        io: &mut TaskIo,
        o: &Object,
        event: WatchEventType,
        at: Time,
        initial: bool,
    ) {
        match &self.opts.format {
            Format::Table { wide } => {
                let wide = *wide;
                let printer = self.printer.get_or_insert_with(|| {
                    WatchPrinter::new(
                        self.kind,
                        print_options(wide, &self.opts),
                        self.opts.events_col,
                    )
                });
                let text = if initial {
                    printer.initial(&[o], at)
                } else {
                    printer.event(event, o, at)
                };
                io.print(text);
            }
            Format::Name => io.print(format!("{}\n", kind_slash_name(self.kind, &o.meta().name))),
            f => {
                let mut v = output_value(o);
                if self.opts.events_col {
                    v = json!({"type": event.as_str(), "object": v});
                }
                match print_value(f, &v) {
                    Ok(s) => {
                        io.print(s);
                        if matches!(f, Format::Yaml) {
                            io.print("---\n");
                        }
                    }
                    Err(e) => io.eprint(format!("error: {e}\n")),
                }
            }
        }
    }
}

impl Task for WatchTask {
    fn poll(&mut self, _host: &mut dyn Host, io: &mut TaskIo) -> TaskPoll {
        let world = self.world.clone();
        let w = world.borrow();
        let now = w.now();
        if !self.started {
            self.started = true;
            self.rv = w.cluster().api.resource_version();
            self.last_change = now;
            if let Some(t) = self.request_timeout {
                self.deadline = Some(now.plus_ms(t));
            } else if !w.script_mode {
                self.deadline = Some(now.plus_ms(BLOCKING_CAP_MS * 6));
            }
            if !self.watch_only {
                let objs: Vec<Arc<Object>> = if self.names.is_empty() {
                    list(&w, self.kind, &self.opts)
                } else {
                    self.names
                        .iter()
                        .filter_map(|n| {
                            w.cluster().get_object(self.kind, &self.opts.ns, n).cloned()
                        })
                        .collect()
                };
                if !self.names.is_empty() && objs.is_empty() {
                    let n = &self.names[0];
                    io.eprint(format!(
                        "Error from server (NotFound): {} \"{n}\" not found\n",
                        self.kind.qualified_resource()
                    ));
                    return TaskPoll::Done(1);
                }
                if let Format::Table { wide } = self.opts.format {
                    let printer = self.printer.get_or_insert_with(|| {
                        WatchPrinter::new(
                            self.kind,
                            print_options(wide, &self.opts),
                            self.opts.events_col,
                        )
                    });
                    let refs: Vec<&Object> = objs.iter().map(|o| o.as_ref()).collect();
                    io.print(printer.initial(&refs, now));
                } else {
                    for o in objs {
                        self.emit(io, &o, WatchEventType::Added, now, true);
                    }
                }
            }
        }
        let events: Vec<(Arc<Object>, WatchEventType, Time)> =
            match w.cluster().api.events_since(self.rv) {
                Ok(it) => {
                    let all: Vec<_> = it
                        .map(|e| (e.object.clone(), e.type_, e.at, e.rv))
                        .collect();
                    if let Some(last) = all.last() {
                        self.rv = self.rv.max(last.3);
                    }
                    all.into_iter()
                        .filter(|e| self.matches(&e.0))
                        .map(|(o, t, at, _)| (o, t, at))
                        .collect()
                }
                Err(_) => {
                    self.rv = w.cluster().api.resource_version();
                    Vec::new()
                }
            };
        drop(w);
        for (o, t, at) in events {
            self.emit(io, &o, t, at, false);
            self.last_change = self.last_change.max(at);
        }
        if self.interrupted {
            return TaskPoll::Done(130);
        }
        let mut wake = self.deadline;
        if world.borrow().script_mode {
            let idle_end = self.last_change.plus_ms(SCRIPT_WATCH_IDLE_MS);
            wake = Some(wake.map_or(idle_end, |d| d.min(idle_end)));
        }
        match wake {
            Some(t) if now >= t => TaskPoll::Done(0),
            Some(t) => TaskPoll::Pending {
                wake_at_ms: Some(t.ms()),
            },
            None => TaskPoll::Pending { wake_at_ms: None },
        }
    }

    fn interrupt(&mut self) {
        self.interrupted = true;
    }
}
