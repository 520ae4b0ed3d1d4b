//! `kubectl exec`, `kubectl run`, `kubectl logs`. Programs run in the container through
//! [`super::container`]: the shell interpreter with the container's userland.

use super::args::{b, v, FlagSpec, GLOBAL};
use super::container::{is_shell, ContainerHost, OnExit, PodShellTask, ProgramTask, ShellTask};
use super::{api_error_text, done_with, namespace, parse_or_fail, usage_error};
use crate::session::{World, WorldRef};
use crate::shell::{CommandCtx, Host, Task, TaskIo, TaskPoll};
use ordinal_model::api::DeleteOptions;
use ordinal_model::exec::image_has_shell;
use ordinal_model::objects::Pod;
use ordinal_model::{Input, Kind, Time};
use serde_json::json;
use std::cell::Cell;
use std::rc::Rc;

/// `kubectl exec`'s side of a program or shell running in a pod: the remote stdin (`-i`: the
/// learner's stdin, else nothing), and `command terminated with exit code N` for a non-zero
/// status. With `-t` Ctrl-C goes to the pod (the program dies with 130 and kubectl reports
/// it); without, it ends kubectl.
struct ExecTask {
    inner: Box<dyn Task>,
    exec_failed: Rc<Cell<bool>>,
    stdin: bool,
    tty: bool,
}

impl Task for ExecTask {
    fn poll(&mut self, host: &mut dyn Host, io: &mut TaskIo) -> TaskPoll {
        let r = if self.stdin {
            self.inner.poll(host, io)
        } else {
            let mut own = TaskIo::with_input("");
            let r = self.inner.poll(host, &mut own);
            io.out.append(&mut own.out);
            r
        };
        match r {
            TaskPoll::Done(0) => TaskPoll::Done(0),
            TaskPoll::Done(130) if !self.tty => TaskPoll::Done(130),
            TaskPoll::Done(n) if self.exec_failed.get() => TaskPoll::Done(n),
            TaskPoll::Done(n) => {
                io.eprint(format!("command terminated with exit code {n}\n"));
                TaskPoll::Done(n)
            }
            p => p,
        }
    }
    fn interrupt(&mut self) {
        self.inner.interrupt();
    }
    fn wants_input(&self) -> bool {
        self.stdin && self.inner.wants_input()
    }
    fn catches_interrupt(&self) -> bool {
        self.tty
    }
}

const EXEC_FLAGS: &[FlagSpec] = &[
    v("container", Some('c')),
    b("stdin", Some('i')),
    b("tty", Some('t')),
    b("quiet", Some('q')),
    v("filename", Some('f')),
    v("pod-running-timeout", None),
];

pub fn spawn_exec(world: &WorldRef, argv: &[String], ctx: &CommandCtx) -> Box<dyn Task> {
    let p = match parse_or_fail("exec", argv, &[EXEC_FLAGS, GLOBAL]) {
        Ok(p) => p,
        Err(t) => return t,
    };
    let expected = "expected 'exec (POD | TYPE/NAME) COMMAND [ARG1] [ARG2] ... [ARGN]'.\nPOD or TYPE/NAME is a required argument for the exec command";
    if p.args.is_empty() {
        return done_with(usage_error("exec", expected), 1);
    }
    match p.dash_at {
        None if p.args.len() > 1 => {
            return done_with(
                usage_error("exec", "exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead"),
                1,
            )
        }
        Some(n) if n != 1 => {
            return done_with(usage_error("exec", expected), 1);
        }
        _ => {}
    }
    let command: Vec<String> = p.args[1..].to_vec();
    if command.is_empty() {
        return done_with(
            usage_error(
                "exec",
                "you must specify at least one command for the container",
            ),
            1,
        );
    }
    let target = p.args[0].clone();
    let pod_name = match target.split_once('/') {
        Some((t, n)) => match super::resource::resolve(t) {
            Some(Kind::Pod) => n.to_string(),
            Some(_) => {
                return done_with(
                    format!("error: ordinal: exec into {t}/{n} is not simulated; name a pod\n"),
                    1,
                )
            }
            None => {
                return done_with(
                    format!("error: the server doesn't have a resource type \"{t}\"\n"),
                    1,
                )
            }
        },
        None => target,
    };
    let ns = namespace(&p);
    let container = p.get("container").map(str::to_string);
    let (stdin, tty) = (p.bool("stdin"), p.bool("tty"));
    let (host, env) = match ContainerHost::open(world, &ns, &pod_name, container.as_deref()) {
        Ok(h) => h,
        Err(e) => return done_with(format!("{}\n", e.message()), 1),
    };
    // kubectl: `-t` without `-i` gets no terminal (a warning in real kubectl when stdin is
    // not a terminal; the simulated terminal always is one).
    let tty = tty && stdin;
    let _ = ctx;
    let exec_failed = host.exec_failed.clone();
    let inner: Box<dyn Task> = if is_shell(&command[0]) && image_has_shell(&host.image, &command[0])
    {
        let host = ContainerHost {
            dialect: super::container::dialect_of(&host.image, &command[0]),
            ..host
        };
        let has_c = command[1..].iter().any(|a| a == "-c");
        if tty && !has_c {
            Box::new(PodShellTask::new(host, &env, false, None, None))
        } else {
            Box::new(ShellTask::from_argv(host, &env, &command, tty))
        }
    } else {
        Box::new(ProgramTask::new(host, command, tty, "/"))
    };
    Box::new(ExecTask {
        inner,
        exec_failed,
        stdin,
        tty,
    })
}

const RUN_FLAGS: &[FlagSpec] = &[
    v("image", None),
    b("stdin", Some('i')),
    b("tty", Some('t')),
    b("rm", None),
    v("restart", None),
    v("labels", Some('l')),
    v("env", None),
    v("port", None),
    b("command", None),
    b("attach", None),
    v("overrides", None),
    v("image-pull-policy", None),
    v("dry-run", None),
    v("output", Some('o')),
    b("quiet", Some('q')),
    b("privileged", None),
    v("pod-running-timeout", None),
    b("expose", None),
    v("annotations", None),
];

pub fn spawn_run(world: &WorldRef, argv: &[String], ctx: &CommandCtx) -> Box<dyn Task> {
    let p = match parse_or_fail("run", argv, &[RUN_FLAGS, GLOBAL]) {
        Ok(p) => p,
        Err(t) => return t,
    };
    let Some(name) = p.args.first().cloned() else {
        return done_with(usage_error("run", "NAME is required for run"), 1);
    };
    let Some(image) = p.get("image").map(str::to_string) else {
        return done_with("error: required flag(s) \"image\" not set\n".into(), 1);
    };
    let restart = p.get("restart").unwrap_or("Always").to_string();
    if !matches!(restart.as_str(), "Always" | "OnFailure" | "Never") {
        return done_with(format!("error: invalid restart policy: {restart}\n"), 1);
    }
    let attach = p.bool("stdin") || p.bool("attach");
    let rm = p.bool("rm");
    if rm && !attach {
        return done_with(
            "error: --rm should only be used for attached containers\n".into(),
            1,
        );
    }
    let tty = p.bool("tty");
    if tty && !p.bool("stdin") {
        return done_with(
            "error: -i/--stdin is required for containers with -t/--tty=true\n".into(),
            1,
        );
    }
    let cmd_args: Vec<String> = p.args[1..].to_vec();
    let use_command = p.bool("command");
    let ns = namespace(&p);
    let mut container = json!({"name": name, "image": image, "resources": {}});
    if !cmd_args.is_empty() {
        container[if use_command { "command" } else { "args" }] = json!(cmd_args);
    }
    if attach {
        container["stdin"] = json!(true);
        container["stdinOnce"] = json!(true);
        if tty {
            container["tty"] = json!(true);
        }
    }
    let mut labels = serde_json::Map::new();
    match p.get("labels") {
        Some(l) => {
            for kv in l.split(',') {
                if let Some((k, v)) = kv.split_once('=') {
                    labels.insert(k.into(), json!(v));
                }
            }
        }
        None => {
            labels.insert("run".into(), json!(name));
        }
    }
    let pod = json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": ns, "labels": labels},
        "spec": {"containers": [container], "restartPolicy": restart, "dnsPolicy": "ClusterFirst"},
        "status": {}
    });
    let interactive_shell = cmd_args.is_empty() || is_shell(&cmd_args[0]);
    let w = world.clone();
    let mut wb = world.borrow_mut();
    if let Err(e) = wb.apply(Input::Create { object: pod }) {
        return done_with(api_error_text(&e, None), 1);
    }
    let now = wb.now();
    drop(wb);
    if !attach {
        return Box::new(crate::shell::Print {
            stdout: format!("pod/{name} created\n"),
            stderr: String::new(),
            status: 0,
        });
    }
    let on_exit: Option<OnExit> = if rm {
        let (ns2, name2) = (ns.clone(), name.clone());
        Some(Box::new(move |w: &mut World, io: &mut TaskIo| {
            match w.apply(Input::Delete {
                kind: Kind::Pod,
                namespace: ns2.clone(),
                name: name2.clone(),
                options: DeleteOptions::default(),
            }) {
                Ok(_) => io.print(format!("pod \"{name2}\" deleted from {ns2} namespace\n")),
                Err(e) => io.eprint(api_error_text(&e, None)),
            }
        }))
    } else {
        None
    };
    let _ = ctx;
    if tty && interactive_shell {
        // The container's main process is the image's shell, attached to the terminal.
        let shell = cmd_args.first().map_or("sh", String::as_str);
        let host = ContainerHost {
            world: w,
            namespace: ns,
            pod: name.clone(),
            container: name,
            dialect: super::container::dialect_of(&image, shell),
            image,
            exec_failed: Rc::default(),
        };
        let intro = Some("If you don't see a command prompt, try pressing enter.\n".to_string());
        return Box::new(PodShellTask::new(host, &[], true, intro, on_exit));
    }
    // An attached command: the container's main process runs it; kubectl shows its output
    // (the container's log) once it has run, and its end.
    Box::new(AttachedRun {
        world: w,
        namespace: ns,
        pod: name,
        deadline: now.plus_ms(super::container::POD_RUNNING_TIMEOUT_MS),
        started: false,
        shown: 0,
        on_exit,
        interrupted: false,
    })
}

/// `kubectl run -i … [-- cmd]` without a shell on a terminal: waits for the container to
/// start, streams its log until it terminates, then cleans up (`--rm`).
struct AttachedRun {
    world: WorldRef,
    namespace: String,
    pod: String,
    deadline: Time,
    started: bool,
    /// Log lines already printed.
    shown: usize,
    on_exit: Option<OnExit>,
    interrupted: bool,
}

impl AttachedRun {
    fn finish(&mut self, io: &mut TaskIo, status: i32) -> TaskPoll {
        if let Some(f) = self.on_exit.take() {
            let world = self.world.clone();
            f(&mut world.borrow_mut(), io);
        }
        TaskPoll::Done(status)
    }
}

impl Task for AttachedRun {
    fn poll(&mut self, _: &mut dyn Host, io: &mut TaskIo) -> TaskPoll {
        if self.interrupted {
            return self.finish(io, 130);
        }
        let world = self.world.clone();
        let w = world.borrow();
        let now = w.now();
        let pod = w.cluster().api.get::<Pod>(&self.namespace, &self.pod);
        let exit_code = pod
            .and_then(|p| p.status.container_statuses.first())
            .and_then(|c| c.state.terminated.as_ref())
            .map_or(1, |t| t.exit_code);
        let Some(phase) = pod.map(|p| p.phase().to_string()) else {
            drop(w);
            io.eprint(format!(
                "Error from server (NotFound): pods \"{}\" not found\n",
                self.pod
            ));
            return TaskPoll::Done(1);
        };
        let done = matches!(phase.as_str(), "Succeeded" | "Failed");
        if phase == "Running" || done {
            self.started = true;
        }
        if self.started {
            if let Ok(lines) =
                w.cluster()
                    .container_log_lines(&self.namespace, &self.pod, None, false)
            {
                for l in lines.iter().skip(self.shown) {
                    io.print(format!("{}\n", l.text));
                }
                self.shown = self.shown.max(lines.len());
            }
        } else if now >= self.deadline {
            drop(w);
            io.eprint("error: timed out waiting for the condition\n");
            return self.finish(io, 1);
        }
        if done {
            drop(w);
            if phase == "Failed" {
                // kubectl's `uexec.CodeExitError`: the message as is, the container's code.
                let (ns, pod) = (self.namespace.clone(), self.pod.clone());
                let r = self.finish(io, exit_code.max(1));
                io.eprint(format!("pod {ns}/{pod} terminated (Error)\n"));
                return r;
            }
            return self.finish(io, 0);
        }
        let next = super::container::next_model_wake(w.cluster(), now);
        let next = if self.started {
            next
        } else {
            Some(next.map_or(self.deadline, |t| t.min(self.deadline)))
        };
        TaskPoll::Pending {
            wake_at_ms: next.map(Time::ms),
        }
    }
    fn interrupt(&mut self) {
        self.interrupted = true;
    }
}

const LOGS_FLAGS: &[FlagSpec] = &[
    v("container", Some('c')),
    b("follow", Some('f')),
    b("previous", Some('p')),
    v("tail", None),
    b("timestamps", None),
    v("since", None),
    b("all-containers", None),
    v("selector", Some('l')),
    b("prefix", None),
];

pub fn spawn_logs(world: &WorldRef, argv: &[String], ctx: &CommandCtx) -> Box<dyn Task> {
    let p = match parse_or_fail("logs", argv, &[LOGS_FLAGS, GLOBAL]) {
        Ok(p) => p,
        Err(t) => return t,
    };
    let Some(target) = p.args.first().cloned() else {
        return done_with(
            usage_error("logs", "expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command"),
            1,
        );
    };
    let name = match target.split_once('/') {
        Some((t, n)) => match super::resource::resolve(t) {
            Some(Kind::Pod) => n.to_string(),
            Some(_) => {
                return done_with(
                    format!("error: ordinal: logs of {t}/{n} are not simulated; name a pod\n"),
                    1,
                )
            }
            None => {
                return done_with(
                    format!("error: the server doesn't have a resource type \"{t}\"\n"),
                    1,
                )
            }
        },
        None => target,
    };
    let tail: Option<usize> = match p.get("tail") {
        None => None,
        Some(t) => match t.parse::<i64>() {
            Ok(n) if n < 0 => None,
            Ok(n) => Some(n as usize),
            Err(_) => {
                return done_with(
                    format!(
                        "error: invalid argument \"{t}\" for \"--tail\" flag: strconv.ParseInt: parsing \"{t}\": invalid syntax\nSee 'kubectl logs --help' for usage.\n"
                    ),
                    1,
                )
            }
        },
    };
    let previous = p.bool("previous");
    let timestamps = p.bool("timestamps");
    let container = p.get("container").map(str::to_string);
    let ns = namespace(&p);
    super::immediate(world, ctx, move |w, io, _| {
        match w
            .cluster()
            .container_log_lines(&ns, &name, container.as_deref(), previous)
        {
            Err(e) => {
                io.eprint(api_error_text(&e, None));
                1
            }
            Ok(lines) => {
                let skip = tail.map_or(0, |n| lines.len().saturating_sub(n));
                for l in &lines[skip..] {
                    if timestamps {
                        io.print(format!("{} {}\n", rfc3339_nano(l.at), l.text));
                    } else {
                        io.print(format!("{}\n", l.text));
                    }
                }
                0
            }
        }
    })
}

/// Go's `time.RFC3339Nano` of a virtual instant (trailing zeros of the fraction trimmed), as
/// `kubectl logs --timestamps` prints the runtime's log timestamps.
fn rfc3339_nano(t: Time) -> String {
    let base = t.rfc3339();
    let ms = t.ms() % 1000;
    if ms == 0 {
        return base;
    }
    let frac = format!("{ms:03}");
    let frac = frac.trim_end_matches('0');
    format!("{}.{frac}Z", base.trim_end_matches('Z'))
}
