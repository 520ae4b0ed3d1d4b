//! `kubectl rollout status|history|undo|restart` for StatefulSets, and `kubectl wait`.

use super::args::{b, v, FlagSpec, GLOBAL};
use super::resource::{kind_slash_name, parse_targets, plural_slash_name};
use super::{api_error_text, done_with, namespace, parse_or_fail, usage_error};
use crate::session::{WorldRef, BLOCKING_CAP_MS};
use crate::shell::{CommandCtx, Host, Task, TaskIo, TaskPoll};
use ordinal_model::api::WatchEventType;
use ordinal_model::objects::{ControllerRevision, Json, StatefulSet};
use ordinal_model::{Input, Kind, Object, PatchType, Time};
use serde_json::{json, Value};

const ROLLOUT_FLAGS: &[FlagSpec] = &[
    b("watch", Some('w')),
    v("timeout", None),
    v("revision", None),
    v("to-revision", None),
    v("filename", Some('f')),
    v("selector", Some('l')),
    v("output", Some('o')),
    v("dry-run", None),
];

fn sts_target(cmd: &str, args: &[String]) -> Result<String, String> {
    let t = parse_targets(args).map_err(|e| format!("error: {e}\n"))?;
    let named = t.named();
    match named.as_slice() {
        [(Kind::StatefulSet, n)] => Ok(n.clone()),
        [(k, _)] => Err(format!(
            "error: ordinal: \"kubectl rollout {cmd}\" is simulated for statefulsets, not {}\n",
            k.resource()
        )),
        _ => Err(usage_error(
            &format!("rollout {cmd}"),
            "required resource not specified",
        )),
    }
}

/// `rollout status` message for a StatefulSet (`StatefulSetStatusViewer.Status`, v1.34).
fn sts_status(s: &StatefulSet) -> Result<(String, bool), String> {
    if s.is_on_delete() {
        return Err("rollout status is only available for RollingUpdate strategy type".into());
    }
    let observed = s.status.observed_generation.unwrap_or(0);
    if observed == 0 || s.metadata.generation > observed {
        return Ok((
            "Waiting for statefulset spec update to be observed...\n".into(),
            false,
        ));
    }
    let replicas = s.replicas();
    if s.status.ready_replicas < replicas {
        return Ok((
            format!(
                "Waiting for {} pods to be ready...\n",
                replicas - s.status.ready_replicas
            ),
            false,
        ));
    }
    let ru = s
        .spec
        .update_strategy
        .as_ref()
        .and_then(|u| u.rolling_update.as_ref());
    if let Some(ru) = ru {
        if let Some(part) = ru.partition {
            if s.status.updated_replicas < replicas - part {
                return Ok((
                    format!(
                        "Waiting for partitioned roll out to finish: {} out of {} new pods have been updated...\n",
                        s.status.updated_replicas,
                        replicas - part
                    ),
                    false,
                ));
            }
        }
        return Ok((
            format!(
                "partitioned roll out complete: {} new pods have been updated...\n",
                s.status.updated_replicas
            ),
            true,
        ));
    }
    if s.status.update_revision != s.status.current_revision {
        return Ok((
            format!(
                "waiting for statefulset rolling update to complete {} pods at revision {}...\n",
                s.status.updated_replicas, s.status.update_revision
            ),
            false,
        ));
    }
    Ok((
        format!(
            "statefulset rolling update complete {} pods at revision {}...\n",
            s.status.current_replicas, s.status.current_revision
        ),
        true,
    ))
}

pub fn spawn_rollout(world: &WorldRef, argv: &[String], ctx: &CommandCtx) -> Box<dyn Task> {
    let sub = argv.get(1).cloned().unwrap_or_default();
    let known = ["status", "history", "undo", "restart", "pause", "resume"];
    if !known.contains(&sub.as_str()) {
        if sub.is_empty() || sub.starts_with('-') {
            return Box::new(crate::shell::Print {
                stdout: "Manage the rollout of one or many resources.\n\nAvailable Commands:\n  history       View rollout history\n  pause         Mark the provided resource as paused\n  restart       Restart a resource\n  resume        Resume a paused resource\n  status        Show the status of the rollout\n  undo          Undo a previous rollout\n\nUsage:\n  kubectl rollout SUBCOMMAND [options]\n\nUse \"kubectl rollout <command> --help\" for more information about a given command.\nUse \"kubectl options\" for a list of global command-line options (applies to all commands).\n".into(),
                stderr: String::new(),
                status: 0,
            });
        }
        return done_with(
            format!("error: unknown command \"{sub}\" for \"kubectl rollout\"\n"),
            1,
        );
    }
    let p = match parse_or_fail(
        &format!("rollout {sub}"),
        &argv[1..],
        &[ROLLOUT_FLAGS, GLOBAL],
    ) {
        Ok(p) => p,
        Err(t) => return t,
    };
    if sub == "pause" || sub == "resume" {
        return done_with(
            format!(
                "error: statefulsets.apps \"{}\" {sub} is not supported\n",
                p.args
                    .last()
                    .map(|a| a.rsplit('/').next().unwrap_or(a))
                    .unwrap_or("")
            ),
            1,
        );
    }
    if p.args.is_empty() {
        return done_with(
            usage_error(&format!("rollout {sub}"), "required resource not specified"),
            1,
        );
    }
    let name = match sts_target(&sub, &p.args) {
        Ok(n) => n,
        Err(e) => return done_with(e, 1),
    };
    let ns = namespace(&p);
    match sub.as_str() {
        "status" => {
            let timeout = p
                .get("timeout")
                .and_then(|t| super::args::parse_duration_ms(t, false))
                .filter(|t| *t > 0)
                .unwrap_or(BLOCKING_CAP_MS);
            Box::new(RolloutStatus {
                world: world.clone(),
                ns,
                name,
                rv: None,
                deadline: Time(0),
                timeout,
                watch: p.get("watch").is_none_or(|w| w == "true"),
                interrupted: false,
            })
        }
        "history" => {
            let revision: Option<i64> = p
                .get("revision")
                .and_then(|r| r.parse().ok())
                .filter(|r| *r > 0);
            super::immediate(world, ctx, move |w, io, _| {
                let Some(sts) = w.cluster().api.get::<StatefulSet>(&ns, &name).cloned() else {
                    io.eprint(format!(
                        "Error from server (NotFound): statefulsets.apps \"{name}\" not found\n"
                    ));
                    return 1;
                };
                match crate::printers::history::rollout_history(
                    &w.cluster().api,
                    &sts,
                    revision.unwrap_or(0),
                ) {
                    Ok(text) => {
                        io.print(text);
                        0
                    }
                    Err(e) => {
                        io.eprint(format!("error: {e}\n"));
                        1
                    }
                }
            })
        }
        "undo" => {
            let to: i64 = p
                .get("to-revision")
                .and_then(|r| r.parse().ok())
                .unwrap_or(0);
            super::immediate(world, ctx, move |w, io, _| {
                let Some(sts) = w.cluster().api.get::<StatefulSet>(&ns, &name).cloned() else {
                    io.eprint(format!(
                        "Error from server (NotFound): statefulsets.apps \"{name}\" not found\n"
                    ));
                    return 1;
                };
                let revs = revisions(w.cluster(), &sts);
                let target = if to == 0 {
                    if revs.len() < 2 {
                        io.eprint("error: no last revision to roll back to\n");
                        return 1;
                    }
                    revs[revs.len() - 2].clone()
                } else {
                    match revs.iter().find(|c| c.revision == to) {
                        Some(c) => c.clone(),
                        None => {
                            io.eprint(format!(
                                "error: unable to find specified revision {to} in history\n"
                            ));
                            return 1;
                        }
                    }
                };
                let current_tmpl = sts.spec.template.to_json();
                let mut target_tmpl = target
                    .data
                    .pointer("/spec/template")
                    .cloned()
                    .unwrap_or(Value::Null);
                if let Some(m) = target_tmpl.as_object_mut() {
                    m.remove("$patch");
                }
                if strip_empty(&current_tmpl) == strip_empty(&target_tmpl) {
                    io.print(format!(
                        "statefulset.apps/{name} skipped rollback (current template already matches revision {})\n",
                        target.revision
                    ));
                    return 0;
                }
                match w.apply(Input::Patch {
                    kind: Kind::StatefulSet,
                    namespace: ns.clone(),
                    name: name.clone(),
                    patch_type: PatchType::Strategic,
                    patch: target.data.clone(),
                }) {
                    Ok(_) => {
                        io.print(format!("statefulset.apps/{name} rolled back\n"));
                        0
                    }
                    Err(e) => {
                        io.eprint(api_error_text(&e, None));
                        1
                    }
                }
            })
        }
        _ => super::immediate(world, ctx, move |w, io, _| {
            let now = w.now().rfc3339();
            if w.cluster().api.get::<StatefulSet>(&ns, &name).is_none() {
                io.eprint(format!(
                    "Error from server (NotFound): statefulsets.apps \"{name}\" not found\n"
                ));
                return 1;
            }
            let patch = json!({"spec": {"template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": now}}}}});
            match w.apply(Input::Patch {
                kind: Kind::StatefulSet,
                namespace: ns.clone(),
                name: name.clone(),
                patch_type: PatchType::Strategic,
                patch,
            }) {
                Ok(_) => {
                    io.print(format!("statefulset.apps/{name} restarted\n"));
                    0
                }
                Err(e) => {
                    io.eprint(api_error_text(&e, None));
                    1
                }
            }
        }),
    }
}

fn strip_empty(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(ordinal_model::sort::json_map_from(
            m.iter()
                .filter(|(_, x)| {
                    !matches!(x, Value::Null)
                        && !x.as_object().is_some_and(|o| o.is_empty())
                        && !x.as_array().is_some_and(|a| a.is_empty())
                })
                .map(|(k, x)| (k.clone(), strip_empty(x))),
        )),
        Value::Array(a) => Value::Array(a.iter().map(strip_empty).collect()),
        other => other.clone(),
    }
}

fn revisions(c: &ordinal_model::Cluster, sts: &StatefulSet) -> Vec<ControllerRevision> {
    let mut v: Vec<ControllerRevision> = c
        .api
        .list::<ControllerRevision>(Some(sts.metadata.ns()))
        .filter(|r| {
            r.metadata
                .controller_ref()
                .is_some_and(|o| o.uid == sts.metadata.uid)
        })
        .cloned()
        .collect();
    ordinal_model::sort::sort_by_key(&mut v, |r| r.revision);
    v
}

struct RolloutStatus {
    world: WorldRef,
    ns: String,
    name: String,
    rv: Option<u64>,
    deadline: Time,
    timeout: u64,
    watch: bool,
    interrupted: bool,
}

impl Task for RolloutStatus {
    fn poll(&mut self, _h: &mut dyn Host, io: &mut TaskIo) -> TaskPoll {
        let world = self.world.clone();
        let w = world.borrow();
        let now = w.now();
        let mut states: Vec<StatefulSet> = Vec::new();
        match self.rv {
            None => {
                self.deadline = now.plus_ms(self.timeout);
                self.rv = Some(w.cluster().api.resource_version());
                match w.cluster().api.get::<StatefulSet>(&self.ns, &self.name) {
                    Some(s) => states.push(s.clone()),
                    None => {
                        io.eprint(format!(
                            "Error from server (NotFound): statefulsets.apps \"{}\" not found\n",
                            self.name
                        ));
                        return TaskPoll::Done(1);
                    }
                }
            }
            Some(rv) => {
                if let Ok(evs) = w.cluster().api.events_since(rv) {
                    for e in evs {
                        self.rv = Some(e.rv);
                        if let Object::StatefulSet(s) = e.object.as_ref() {
                            if s.metadata.name == self.name && s.metadata.ns() == self.ns {
                                if e.type_ == WatchEventType::Deleted {
                                    io.eprint("error: object has been deleted\n".to_string());
                                    return TaskPoll::Done(1);
                                }
                                states.push(s.clone());
                            }
                        }
                    }
                }
            }
        }
        for s in states {
            match sts_status(&s) {
                Err(e) => {
                    io.eprint(format!("error: {e}\n"));
                    return TaskPoll::Done(1);
                }
                Ok((msg, done)) => {
                    io.print(msg);
                    if done || !self.watch {
                        return TaskPoll::Done(0);
                    }
                }
            }
        }
        if self.interrupted {
            return TaskPoll::Done(130);
        }
        if now >= self.deadline {
            io.eprint("error: timed out waiting for the condition\n");
            return TaskPoll::Done(1);
        }
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

const WAIT_FLAGS: &[FlagSpec] = &[
    v("for", None),
    v("timeout", None),
    v("selector", Some('l')),
    b("all", None),
    b("all-namespaces", Some('A')),
    v("filename", Some('f')),
    v("output", Some('o')),
    v("field-selector", None),
    b("local", None),
];

#[derive(Clone)]
enum Cond {
    Delete,
    Condition(String, String),
    JsonPath(String, Option<String>),
    Create,
}

pub fn spawn_wait(world: &WorldRef, argv: &[String], _ctx: &CommandCtx) -> Box<dyn Task> {
    let p = match parse_or_fail("wait", argv, &[WAIT_FLAGS, GLOBAL]) {
        Ok(p) => p,
        Err(t) => return t,
    };
    let Some(f) = p.get("for") else {
        return done_with("error: --for must be specified\n".into(), 1);
    };
    let cond = if f == "delete" {
        Cond::Delete
    } else if f == "create" {
        Cond::Create
    } else if let Some(c) = f.strip_prefix("condition=") {
        let (name, val) = match c.split_once('=') {
            Some((n, v)) => (n.to_string(), v.to_string()),
            None => (c.to_string(), "true".to_string()),
        };
        Cond::Condition(name.to_ascii_lowercase(), val.to_ascii_lowercase())
    } else if let Some(j) = f.strip_prefix("jsonpath=") {
        let (path, val) = match j.rfind("}=") {
            Some(i) => (j[..=i].to_string(), Some(j[i + 2..].to_string())),
            None => (j.to_string(), None),
        };
        Cond::JsonPath(path, val)
    } else {
        return done_with(format!("error: unrecognized condition: \"{f}\"\n"), 1);
    };
    let timeout = match p.get("timeout") {
        Some(t) => match super::args::parse_duration_ms(t, false) {
            Some(ms) => ms.min(BLOCKING_CAP_MS * 100),
            None => return done_with(format!("error: invalid argument \"{t}\" for \"--timeout\" flag: time: invalid duration \"{t}\"\n"), 1),
        },
        None => 30_000,
    };
    let targets = match parse_targets(&p.args) {
        Ok(t) => t,
        Err(e) => return done_with(format!("error: {e}\n"), 1),
    };
    let ns = namespace(&p);
    let named = if targets.has_names() {
        targets.named()
    } else {
        let sel = p
            .get("selector")
            .and_then(|s| ordinal_model::api::Selector::parse(s).ok());
        let w = world.borrow();
        let mut v = Vec::new();
        for k in targets.kinds() {
            for o in w.cluster().api.list_objects(k, Some(&ns)) {
                if sel.as_ref().is_none_or(|s| s.matches(&o.meta().labels)) {
                    v.push((k, o.meta().name.clone()));
                }
            }
        }
        if v.is_empty() {
            return done_with("error: no matching resources found\n".into(), 1);
        }
        v
    };
    Box::new(WaitTask {
        world: world.clone(),
        ns,
        pending: named,
        cond,
        deadline: None,
        timeout,
        interrupted: false,
    })
}

struct WaitTask {
    world: WorldRef,
    ns: String,
    pending: Vec<(Kind, String)>,
    cond: Cond,
    deadline: Option<Time>,
    timeout: u64,
    interrupted: bool,
}

fn cond_met(cond: &Cond, obj: Option<&Object>) -> Result<bool, String> {
    match (cond, obj) {
        (Cond::Delete, o) => Ok(o.is_none()),
        (Cond::Create, o) => Ok(o.is_some()),
        (_, None) => Ok(false),
        (Cond::Condition(name, val), Some(o)) => {
            let v = o.to_value();
            let conds = v
                .pointer("/status/conditions")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            Ok(conds.iter().any(|c| {
                c.get("type")
                    .and_then(Value::as_str)
                    .map(str::to_ascii_lowercase)
                    .as_deref()
                    == Some(name.as_str())
                    && c.get("status")
                        .and_then(Value::as_str)
                        .map(str::to_ascii_lowercase)
                        .as_deref()
                        == Some(val.as_str())
            }))
        }
        (Cond::JsonPath(path, val), Some(o)) => {
            let got = super::template::jsonpath(path, &o.to_value())?;
            Ok(match val {
                Some(want) => got == *want,
                None => !got.is_empty(),
            })
        }
    }
}

impl Task for WaitTask {
    fn poll(&mut self, _h: &mut dyn Host, io: &mut TaskIo) -> TaskPoll {
        let world = self.world.clone();
        let w = world.borrow();
        let now = w.now();
        let deadline = *self.deadline.get_or_insert(now.plus_ms(self.timeout));
        let mut still = Vec::new();
        for (k, n) in std::mem::take(&mut self.pending) {
            let obj = w
                .cluster()
                .get_object(k, if k.namespaced() { &self.ns } else { "" }, &n);
            if matches!(self.cond, Cond::Delete | Cond::Create) || obj.is_some() {
            } else {
                io.eprint(format!(
                    "Error from server (NotFound): {} \"{n}\" not found\n",
                    k.qualified_resource()
                ));
                return TaskPoll::Done(1);
            }
            match cond_met(&self.cond, obj.map(|o| o.as_ref())) {
                Ok(true) => io.print(format!("{} condition met\n", kind_slash_name(k, &n))),
                Ok(false) => still.push((k, n)),
                Err(e) => {
                    io.eprint(format!("error: {e}\n"));
                    return TaskPoll::Done(1);
                }
            }
        }
        self.pending = still;
        if self.pending.is_empty() {
            return TaskPoll::Done(0);
        }
        if self.interrupted {
            return TaskPoll::Done(130);
        }
        if now >= deadline {
            for (k, n) in &self.pending {
                io.eprint(format!(
                    "error: timed out waiting for the condition on {}\n",
                    plural_slash_name(*k, n)
                ));
            }
            return TaskPoll::Done(1);
        }
        let next = w
            .cluster()
            .next_wake()
            .filter(|t| *t > now)
            .map_or(deadline, |t| t.min(deadline));
        TaskPoll::Pending {
            wake_at_ms: Some(next.ms()),
        }
    }
    fn interrupt(&mut self) {
        self.interrupted = true;
    }
}
