//! `kubectl exec`, `kubectl run`, `kubectl logs`, and the tasks that run programs inside a
//! pod: [`ShellTask`] (`sh -c`), [`PodShellTask`] (an interactive `/ # ` shell).

use super::args::{b, v, FlagSpec, GLOBAL};
use super::pod::{userland_of, PodHost, Userland};
use super::{api_error_text, done_with, namespace, parse_or_fail, usage_error};
use crate::session::{World, WorldRef};
use crate::shell::{
    parse, Accumulator, CommandCtx, Host, Input as ShellInput, Job, Shell, Task, TaskIo, TaskPoll,
};
use ordinal_model::api::DeleteOptions;
use ordinal_model::objects::Pod;
use ordinal_model::{Input, Kind, Time};
use serde_json::json;

/// How long `kubectl run -i`/`exec` wait for the pod to be Running (`--pod-running-timeout`).
const POD_RUNNING_TIMEOUT_MS: u64 = 60_000;

/// Runs a shell script inside a pod with that pod's programs.
pub struct ShellTask {
    host: PodHost,
    job: Option<Job>,
    error: Option<String>,
}

impl ShellTask {
    pub fn new(host: PodHost, script: &str) -> ShellTask {
        let dialect = host.userland.dialect();
        match parse(script) {
            Ok(s) => {
                let mut state = Shell::new(dialect).state;
                state.cwd = "/".into();
                ShellTask {
                    host,
                    job: Some(Job::new(&s, state)),
                    error: None,
                }
            }
            Err(e) => ShellTask {
                host,
                job: None,
                error: Some(e.message(dialect)),
            },
        }
    }
}

impl Task for ShellTask {
    fn poll(&mut self, _outer: &mut dyn Host, io: &mut TaskIo) -> TaskPoll {
        if let Some(e) = self.error.take() {
            io.eprint(e);
            return TaskPoll::Done(2);
        }
        match &mut self.job {
            Some(j) => j.poll(&mut self.host, io),
            None => TaskPoll::Done(0),
        }
    }
    fn interrupt(&mut self) {
        if let Some(j) = &mut self.job {
            j.interrupt();
        }
    }
}

type OnExit = Box<dyn FnOnce(&mut World, &mut TaskIo)>;

/// An interactive shell in a pod: prints `/ # `, runs each typed line, ends at `exit` or
/// end of input. `kubectl run -it` first waits for the pod to be Running.
pub struct PodShellTask {
    host: PodHost,
    shell: Shell,
    acc: Accumulator,
    job: Option<Job>,
    prompt: &'static str,
    wait_running_until: Option<Time>,
    intro: Option<String>,
    need_prompt: bool,
    on_exit: Option<OnExit>,
    exit_status: Option<i32>,
    interrupted: bool,
}

impl PodShellTask {
    fn new(
        host: PodHost,
        wait: bool,
        now: Time,
        intro: Option<String>,
        on_exit: Option<OnExit>,
    ) -> Self {
        let dialect = host.userland.dialect();
        let prompt = match host.userland {
            Userland::Busybox | Userland::Busybox128 => "/ # ",
            _ => "# ",
        };
        let mut shell = Shell::new(dialect);
        shell.state.cwd = "/".into();
        PodShellTask {
            host,
            shell,
            acc: Accumulator::new(dialect),
            job: None,
            prompt,
            wait_running_until: wait.then(|| now.plus_ms(POD_RUNNING_TIMEOUT_MS)),
            intro,
            need_prompt: true,
            on_exit,
            exit_status: None,
            interrupted: false,
        }
    }

    fn finish(&mut self, io: &mut TaskIo, status: i32) -> TaskPoll {
        if let Some(f) = self.on_exit.take() {
            let world = self.host.world.clone();
            f(&mut world.borrow_mut(), io);
        }
        TaskPoll::Done(status)
    }
}

impl Task for PodShellTask {
    fn poll(&mut self, _outer: &mut dyn Host, io: &mut TaskIo) -> TaskPoll {
        if self.interrupted {
            if let Some(j) = &mut self.job {
                j.interrupt();
            }
            return self.finish(io, 130);
        }
        if let Some(deadline) = self.wait_running_until {
            let world = self.host.world.clone();
            let w = world.borrow();
            let now = w.now();
            let running = w
                .cluster()
                .api
                .get::<Pod>(&self.host.namespace, &self.host.pod)
                .map(|p| p.status.phase.clone().unwrap_or_default());
            match running.as_deref() {
                Some("Running") => self.wait_running_until = None,
                Some("Succeeded") | Some("Failed") => {
                    drop(w);
                    io.eprint(format!(
                        "error: cannot attach a container in a completed pod; current phase is {}\n",
                        running.unwrap_or_default()
                    ));
                    return self.finish(io, 1);
                }
                None => {
                    drop(w);
                    io.eprint(format!(
                        "Error from server (NotFound): pods \"{}\" not found\n",
                        self.host.pod
                    ));
                    return TaskPoll::Done(1);
                }
                _ if now >= deadline => {
                    drop(w);
                    io.eprint("error: timed out waiting for the condition\n");
                    return self.finish(io, 1);
                }
                _ => {
                    let next = w
                        .cluster()
                        .next_wake()
                        .filter(|t| *t > now)
                        .map_or(deadline, |t| t.min(deadline));
                    return TaskPoll::Pending {
                        wake_at_ms: Some(next.ms()),
                    };
                }
            }
        }
        if let Some(i) = self.intro.take() {
            io.eprint(i);
        }
        for _ in 0..10_000 {
            if let Some(job) = &mut self.job {
                match job.poll(&mut self.host, io) {
                    TaskPoll::Done(_) => {
                        if let Some(j) = self.job.take() {
                            self.shell.finish(j);
                        }
                        if let Some(code) = self.shell.state.exited {
                            return self.finish(io, code);
                        }
                        self.need_prompt = true;
                    }
                    pending => return pending,
                }
            }
            if self.need_prompt {
                io.print(self.prompt);
                self.need_prompt = false;
            }
            let Some(nl) = io.stdin.find('\n') else {
                if io.stdin_closed {
                    let status = self.exit_status.unwrap_or(self.shell.state.last_status);
                    return self.finish(io, status);
                }
                return TaskPoll::Pending { wake_at_ms: None };
            };
            let line: String = io.stdin.drain(..=nl).collect();
            let line = line.trim_end_matches('\n');
            match self.acc.push_line(line) {
                ShellInput::Incomplete(_) => {
                    io.print("> ");
                }
                ShellInput::Error(e) => {
                    io.eprint(e);
                    self.shell.syntax_error();
                    self.need_prompt = true;
                }
                ShellInput::Complete(script) => {
                    if script.is_empty() {
                        self.need_prompt = true;
                        continue;
                    }
                    self.job = Some(self.shell.start(&script));
                }
            }
        }
        TaskPoll::Pending {
            wake_at_ms: Some(self.host.now_ms()),
        }
    }
    fn interrupt(&mut self) {
        self.interrupted = true;
    }
    fn wants_input(&self) -> bool {
        self.wait_running_until.is_none() && self.job.as_ref().is_none_or(|j| j.wants_input())
    }
}

/// Runs one program in a pod (non-interactive exec): prints `command terminated with exit
/// code N` for a non-zero status, as kubectl does.
struct ExecTask {
    inner: Box<dyn Task>,
    host: PodHost,
}

impl Task for ExecTask {
    fn poll(&mut self, _outer: &mut dyn Host, io: &mut TaskIo) -> TaskPoll {
        match self.inner.poll(&mut self.host, io) {
            TaskPoll::Done(0) => TaskPoll::Done(0),
            TaskPoll::Done(130) => TaskPoll::Done(130),
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
        self.inner.wants_input()
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

fn is_shell(prog: &str) -> bool {
    matches!(
        prog.rsplit('/').next().unwrap_or(prog),
        "sh" | "bash" | "ash" | "dash"
    )
}

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
    let interactive = p.bool("stdin") && p.bool("tty") && is_shell(&command[0]);
    let ctx = ctx.clone();
    let w = world.borrow();
    let Some(pod) = w.cluster().api.get::<Pod>(&ns, &pod_name).cloned() else {
        return done_with(
            format!("Error from server (NotFound): pods \"{pod_name}\" not found\n"),
            1,
        );
    };
    drop(w);
    let c = match &container {
        Some(c) => pod.spec.containers.iter().find(|x| &x.name == c),
        None => pod.spec.containers.first(),
    };
    let Some(c) = c else {
        return done_with(
            format!(
                "error: container {} is not valid for pod {pod_name}\n",
                container.unwrap_or_default()
            ),
            1,
        );
    };
    let running = pod.status.phase.as_deref() == Some("Running")
        && pod
            .status
            .container_statuses
            .iter()
            .any(|s| s.name == c.name && s.state.running.is_some());
    if !running {
        if pod.status.phase.as_deref() == Some("Succeeded")
            || pod.status.phase.as_deref() == Some("Failed")
        {
            return done_with(
                format!(
                    "error: cannot exec into a container in a completed pod; current phase is {}\n",
                    pod.status.phase.clone().unwrap_or_default()
                ),
                1,
            );
        }
        return done_with(
            format!(
                "error: unable to upgrade connection: container not found (\"{}\")\n",
                c.name
            ),
            1,
        );
    }
    let host = PodHost {
        world: world.clone(),
        namespace: ns,
        pod: pod_name,
        userland: userland_of(&c.image),
    };
    if interactive {
        let now = world.borrow().now();
        return Box::new(PodShellTask::new(host, false, now, None, None));
    }
    let mut spawner = PodHost {
        world: host.world.clone(),
        namespace: host.namespace.clone(),
        pod: host.pod.clone(),
        userland: host.userland,
    };
    match spawner.spawn(&command, &ctx) {
        Some(t) => Box::new(ExecTask { inner: t, host }),
        None => done_with(
            format!(
                "OCI runtime exec failed: exec failed: unable to start container process: exec: \"{}\": executable file not found in $PATH: unknown\ncommand terminated with exit code 126\n",
                command[0]
            ),
            126,
        ),
    }
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
    let userland = userland_of(&image);
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
    let host = PodHost {
        world: w.clone(),
        namespace: ns.clone(),
        pod: name.clone(),
        userland,
    };
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
        let intro = Some("If you don't see a command prompt, try pressing enter.\n".to_string());
        return Box::new(PodShellTask::new(host, true, now, intro, on_exit));
    }
    // Attached one-shot command: its output, then cleanup.
    let script = cmd_args
        .iter()
        .map(|a| format!("'{}'", a.replace('\'', "'\\''")))
        .collect::<Vec<_>>()
        .join(" ");
    let mut t = PodShellTask::new(host, true, now, None, on_exit);
    t.prompt = "";
    let mut io_script = script;
    io_script.push('\n');
    Box::new(OneShot {
        inner: t,
        input: Some(io_script),
    })
}

/// `kubectl run -i … -- cmd`: feeds the command to the pod's shell once, then ends.
struct OneShot {
    inner: PodShellTask,
    input: Option<String>,
}

impl Task for OneShot {
    fn poll(&mut self, host: &mut dyn Host, io: &mut TaskIo) -> TaskPoll {
        let saved_stdin = std::mem::take(&mut io.stdin);
        let saved_closed = io.stdin_closed;
        if self.inner.wait_running_until.is_none() {
            if let Some(i) = self.input.take() {
                io.stdin = i;
            }
            io.stdin_closed = true;
        }
        let r = self.inner.poll(host, io);
        io.stdin = saved_stdin;
        io.stdin_closed = saved_closed;
        r
    }
    fn interrupt(&mut self) {
        self.inner.interrupt();
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
    let name = target.rsplit('/').next().unwrap_or(&target).to_string();
    let ns = namespace(&p);
    super::immediate(world, ctx, move |w, io, _| {
        match w.cluster().api.get::<Pod>(&ns, &name) {
            None => {
                io.eprint(format!(
                    "Error from server (NotFound): pods \"{name}\" not found\n"
                ));
                1
            }
            Some(pod) => {
                let waiting = pod
                    .status
                    .container_statuses
                    .first()
                    .and_then(|s| s.state.waiting.as_ref())
                    .and_then(|w| w.reason.clone());
                if let Some(reason) = waiting {
                    let c = pod
                        .spec
                        .containers
                        .first()
                        .map(|c| c.name.clone())
                        .unwrap_or_default();
                    io.eprint(format!(
                        "Error from server (BadRequest): container \"{c}\" in pod \"{name}\" is waiting to start: {}\n",
                        reason.to_lowercase().replace("containercreating", "ContainerCreating")
                    ));
                    return 1;
                }
                0
            }
        }
    })
}
