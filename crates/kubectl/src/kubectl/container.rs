//! The inside of a container: [`ContainerHost`] is the shell interpreter's [`Host`] for a
//! container — one interpreter, two environments. Each simple command of `sh -c '…'` or of an
//! interactive pod shell becomes one [`Timeline::exec`] (an `Input::Exec`, so scrubbing and
//! replay reproduce what it changed); `>`/`>>` become [`Timeline::exec_write_file`], `<`
//! [`Timeline::exec_read_file`]. The programs, their texts and the image's shell flavour come
//! from the model's userland ([`userland::lookup`], [`userland::not_found`],
//! [`userland::flavor`]); shell builtins (`echo`, `cd`, `export`, `test`, `exit`…) stay the
//! interpreter's.
//!
//! Tasks: [`ProgramTask`] (one program, suspended while it blocks, e.g. `sleep 30`),
//! [`ShellTask`] (`sh -c SCRIPT`, or a script on stdin), [`PodShellTask`] (an interactive
//! shell with its prompt, `kubectl exec -it … -- sh` and `kubectl run -it`).
//!
//! [`Timeline::exec`]: ordinal_model::Timeline::exec
//! [`Timeline::exec_write_file`]: ordinal_model::Timeline::exec_write_file
//! [`Timeline::exec_read_file`]: ordinal_model::Timeline::exec_read_file

use crate::session::{World, WorldRef};
use crate::shell::{
    parse, spawn_text_filter, Accumulator, CommandCtx, Dialect, Host, Input as ShellInput, Job,
    Print, Shell, ShellState, Task, TaskIo, TaskPoll,
};
use ordinal_model::exec::{image_has_shell, ExecFileError};
use ordinal_model::objects::Pod;
use ordinal_model::userland::{self, Errno, Flavor};
use ordinal_model::{ExecError, ExecOptions, ExecOutput, Fault, Input as ModelInput, Time};
use std::cell::Cell;
use std::rc::Rc;

/// How long `kubectl run -i` waits for the pod to be Running (`--pod-running-timeout`).
pub const POD_RUNNING_TIMEOUT_MS: u64 = 60_000;

/// Is `prog` (a name or a path) a shell?
pub fn is_shell(prog: &str) -> bool {
    matches!(base(prog), "sh" | "bash" | "ash" | "dash")
}

fn base(prog: &str) -> &str {
    prog.rsplit('/').next().unwrap_or(prog)
}

/// The dialect of shell `shell` (`sh`, `bash`, …) in `image`: busybox and Alpine images run
/// ash, nginx-slim (Ubuntu) and the Debian nginx images dash as `sh`; `bash` is bash.
pub fn dialect_of(image: &str, shell: &str) -> Dialect {
    if base(shell) == "bash" {
        return Dialect::Bash;
    }
    match userland::flavor(image) {
        Some(Flavor::UbuntuSlim | Flavor::Debian) => Dialect::Dash,
        _ => Dialect::Ash,
    }
}

/// Text filters every simulated image ships (busybox applets; coreutils and grep on Debian)
/// and the interpreter runs itself: pure functions of their input.
const FILTERS: [&str; 9] = [
    "grep", "egrep", "fgrep", "head", "tail", "wc", "sort", "uniq", "tr",
];

/// When a task waiting for the cluster should look again: the cluster's next timer, but
/// never now (a timer due at this instant runs once time moves, so wake a millisecond later).
pub fn next_model_wake(cluster: &ordinal_model::Cluster, now: Time) -> Option<Time> {
    cluster.next_wake().map(|t| t.max(now.plus_ms(1)))
}

/// One container as the shell interpreter sees it.
#[derive(Clone)]
pub struct ContainerHost {
    pub world: WorldRef,
    pub namespace: String,
    pub pod: String,
    /// The resolved container name.
    pub container: String,
    pub image: String,
    /// The dialect of the shell running on this host (for its error texts).
    pub dialect: Dialect,
    /// Set when an exec itself failed (the pod went away…): kubectl printed its error and
    /// reports no `command terminated with exit code`.
    pub exec_failed: Rc<Cell<bool>>,
}

impl ContainerHost {
    /// Opens a container for exec (the apiserver's and kubelet's checks, kubectl's errors),
    /// returning the host and the container's process environment.
    pub fn open(
        world: &WorldRef,
        namespace: &str,
        pod: &str,
        container: Option<&str>,
    ) -> Result<(ContainerHost, Vec<(String, String)>), ExecError> {
        let t = world
            .borrow_mut()
            .timeline
            .exec_target(namespace, pod, container)?;
        let dialect = dialect_of(&t.image, "sh");
        Ok((
            ContainerHost {
                world: world.clone(),
                namespace: namespace.into(),
                pod: pod.into(),
                container: t.container,
                image: t.image,
                dialect,
                exec_failed: Rc::default(),
            },
            t.env,
        ))
    }

    /// The same container with a shell of another dialect.
    fn with_dialect(&self, dialect: Dialect) -> ContainerHost {
        ContainerHost {
            dialect,
            ..self.clone()
        }
    }

    /// A fresh shell state for a shell started in this container: the process environment
    /// exported, `/` as working directory.
    pub fn shell_state(&self, env: &[(String, String)], arg0: &str) -> ShellState {
        let mut st = Shell::new(self.dialect).state;
        for (k, v) in env {
            st.export(k, v);
        }
        st.cwd = "/".into();
        st.arg0 = arg0.into();
        st
    }

    /// The process environment (for nested shells); empty if the container went away.
    fn env(&self) -> Vec<(String, String)> {
        self.world
            .borrow_mut()
            .timeline
            .exec_target(&self.namespace, &self.pod, Some(&self.container))
            .map(|t| t.env)
            .unwrap_or_default()
    }

    /// Runs one program invocation in the container (recorded).
    fn exec(
        &self,
        argv: Vec<String>,
        stdin: String,
        options: ExecOptions,
    ) -> Result<ExecOutput, ExecError> {
        self.world.borrow_mut().timeline.exec(
            &self.namespace,
            &self.pod,
            Some(&self.container),
            argv,
            stdin,
            options,
        )
    }

    fn fs_error(&self, e: ExecFileError, create: bool) -> String {
        match e {
            // ash and dash word a missing directory of a file to create their own way.
            ExecFileError::Fs(Errno::NotFound) if create => match self.dialect {
                Dialect::Ash => "nonexistent directory".into(),
                Dialect::Dash => "Directory nonexistent".into(),
                Dialect::Bash => Errno::NotFound.text().into(),
            },
            ExecFileError::Fs(e) => e.text().into(),
            ExecFileError::Exec(e) => e.message(),
        }
    }
}

impl Host for ContainerHost {
    fn spawn(&mut self, argv: &[String], ctx: &CommandCtx) -> Option<Box<dyn Task>> {
        let name = &argv[0];
        if is_shell(name) && image_has_shell(&self.image, name) {
            let host = self.with_dialect(dialect_of(&self.image, name));
            let env = self.env();
            let mut t = ShellTask::from_argv(host, &env, argv, ctx.tty);
            t.set_cwd(&ctx.cwd);
            return Some(Box::new(t));
        }
        if userland::lookup(&self.image, name).is_some() || base(name) == "echo" {
            return Some(Box::new(ProgramTask::new(
                self.clone(),
                argv.to_vec(),
                ctx.tty,
                &ctx.cwd,
            )));
        }
        if FILTERS.contains(&name.as_str()) && userland::flavor(&self.image).is_some() {
            return spawn_text_filter(argv, ctx);
        }
        if self.dialect == Dialect::Bash {
            // bash's own wording (`bash: foo: command not found`).
            return None;
        }
        let out = userland::not_found(&self.image, name, ctx.line);
        Some(Box::new(Print {
            stdout: out.stdout,
            stderr: out.stderr,
            status: out.exit_code,
        }))
    }

    fn read_file(&mut self, path: &str) -> Result<String, String> {
        self.world
            .borrow_mut()
            .timeline
            .exec_read_file(&self.namespace, &self.pod, Some(&self.container), path)
            .map_err(|e| self.fs_error(e, false))
    }

    fn write_file(&mut self, path: &str, data: &str, append: bool) -> Result<(), String> {
        self.world
            .borrow_mut()
            .timeline
            .exec_write_file(
                &self.namespace,
                &self.pod,
                Some(&self.container),
                path,
                data,
                append,
            )
            .map_err(|e| self.fs_error(e, true))
    }

    fn check_dir(&mut self, path: &str) -> Result<(), String> {
        match self.world.borrow_mut().timeline.exec_read_file(
            &self.namespace,
            &self.pod,
            Some(&self.container),
            path,
        ) {
            Err(ExecFileError::Fs(Errno::IsADirectory)) => Ok(()),
            Ok(_) => Err(Errno::NotADirectory.text().into()),
            Err(e) => Err(self.fs_error(e, false)),
        }
    }

    fn now_ms(&self) -> u64 {
        self.world.borrow().now().ms()
    }
}

/// One program invocation in a container. A blocking program (`sleep 30`, a connect that
/// times out) suspends until virtual time reaches its end; its output and exit code appear
/// then. Ctrl-C ends it with 130 (SIGINT).
pub struct ProgramTask {
    host: ContainerHost,
    argv: Vec<String>,
    tty: bool,
    cwd: String,
    started: Option<ExecOutput>,
    interrupted: bool,
}

impl ProgramTask {
    pub fn new(host: ContainerHost, argv: Vec<String>, tty: bool, cwd: &str) -> ProgramTask {
        ProgramTask {
            host,
            argv,
            tty,
            cwd: cwd.into(),
            started: None,
            interrupted: false,
        }
    }

    fn finish(out: ExecOutput, io: &mut TaskIo) -> TaskPoll {
        io.print(out.stdout);
        io.eprint(out.stderr);
        TaskPoll::Done(out.exit_code)
    }
}

impl Task for ProgramTask {
    fn poll(&mut self, _: &mut dyn Host, io: &mut TaskIo) -> TaskPoll {
        if self.interrupted {
            return TaskPoll::Done(130);
        }
        let out = match self.started.take() {
            Some(out) => out,
            None => {
                // Data from a pipe, here-document or `<`; a terminal delivers nothing the
                // simulated programs would wait for.
                let stdin = if io.stdin_closed {
                    std::mem::take(&mut io.stdin)
                } else {
                    String::new()
                };
                let options = ExecOptions {
                    tty: self.tty,
                    cwd: self.cwd.clone(),
                };
                match self.host.exec(self.argv.clone(), stdin, options) {
                    Ok(out) => out,
                    Err(e) => {
                        io.eprint(format!("{}\n", e.message()));
                        self.host.exec_failed.set(true);
                        return TaskPoll::Done(1);
                    }
                }
            }
        };
        match out.blocks_until_ms {
            Some(t) if t > self.host.now_ms() => {
                self.started = Some(out);
                TaskPoll::Pending {
                    wake_at_ms: Some(t),
                }
            }
            _ => ProgramTask::finish(out, io),
        }
    }

    fn interrupt(&mut self) {
        self.interrupted = true;
    }
}

/// A non-interactive shell in a container: `sh -c SCRIPT [ARG0 ARGS…]`, or `sh` reading its
/// script from a pipe.
pub struct ShellTask {
    host: ContainerHost,
    job: Option<Job>,
    /// `sh` without `-c`: the script comes from stdin (when it is closed).
    state_for_stdin: Option<ShellState>,
    error: Option<String>,
}

impl ShellTask {
    /// `argv` = `sh -c SCRIPT …` or `sh`.
    pub fn from_argv(
        host: ContainerHost,
        env: &[(String, String)],
        argv: &[String],
        tty: bool,
    ) -> ShellTask {
        let mut state = host.shell_state(env, &argv[0]);
        state.stdout_tty = tty;
        let mut t = ShellTask {
            host,
            job: None,
            state_for_stdin: None,
            error: None,
        };
        let mut args = argv[1..].iter();
        let mut script = None;
        for a in args.by_ref() {
            match a.as_str() {
                "-c" => {
                    script = Some(String::new());
                    break;
                }
                s if s.starts_with('-') => {}
                _ => break,
            }
        }
        match script {
            Some(_) => match args.next() {
                Some(s) => {
                    if let Some(a0) = args.next() {
                        state.arg0 = a0.clone();
                    }
                    state.positional = args.cloned().collect();
                    t.start(s, state);
                }
                None => {
                    t.error = Some(match t.host.dialect {
                        Dialect::Dash => "sh: 0: -c requires an argument\n".into(),
                        Dialect::Bash => "bash: -c: option requires an argument\n".into(),
                        Dialect::Ash => "sh: -c requires an argument\n".into(),
                    })
                }
            },
            None => t.state_for_stdin = Some(state),
        }
        t
    }

    /// The directory the shell starts in (a nested `sh` inherits its parent's).
    pub fn set_cwd(&mut self, cwd: &str) {
        if let Some(j) = &mut self.job {
            j.set_cwd(cwd);
        }
        if let Some(st) = &mut self.state_for_stdin {
            st.cwd = cwd.into();
        }
    }

    fn start(&mut self, script: &str, state: ShellState) {
        match parse(script) {
            Ok(s) => self.job = Some(Job::new(&s, state)),
            Err(e) => self.error = Some(e.message(self.host.dialect)),
        }
    }
}

impl Task for ShellTask {
    fn poll(&mut self, _: &mut dyn Host, io: &mut TaskIo) -> TaskPoll {
        if let Some(st) = self.state_for_stdin.take() {
            if !io.stdin_closed {
                // A terminal that is not attached: nothing to read, the shell ends.
                return TaskPoll::Done(0);
            }
            let script = std::mem::take(&mut io.stdin);
            self.start(&script, st);
        }
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

/// What an interactive shell does when it ends (`kubectl run --rm` deletes its pod).
pub type OnExit = Box<dyn FnOnce(&mut World, &mut TaskIo)>;

/// An interactive shell in a container attached to the terminal: prints its prompt (busybox
/// `/ # `, dash `# `, bash `root@web-0:/# `), runs each typed line, ends at `exit` or end of
/// input. Ctrl-C reaches the command running in the pod (or discards the typed line), not
/// kubectl. `kubectl run -it` first waits for the pod to be Running.
pub struct PodShellTask {
    host: ContainerHost,
    shell: Shell,
    acc: Accumulator,
    job: Option<Job>,
    /// `kubectl run -it`: waiting for the pod to be Running until then.
    wait_running_until: Option<Time>,
    intro: Option<String>,
    need_prompt: bool,
    on_exit: Option<OnExit>,
    interrupted: bool,
    /// Lines read so far (dash's line numbers run on across commands).
    lines_read: u32,
    /// Lines read before the command being collected.
    command_start: u32,
    /// The shell is the container's main process (`kubectl run -it`): when it ends, the
    /// container exits with its status.
    main_process: bool,
}

impl PodShellTask {
    /// An attached shell. `wait`: the pod was just created (`kubectl run -it`); the shell
    /// starts once it is Running and prints `intro` first.
    pub fn new(
        host: ContainerHost,
        env: &[(String, String)],
        wait: bool,
        intro: Option<String>,
        on_exit: Option<OnExit>,
    ) -> Self {
        let dialect = host.dialect;
        let now = host.world.borrow().now();
        let mut shell = Shell::new(dialect);
        shell.state = host.shell_state(env, "sh");
        shell.state.stdout_tty = true;
        PodShellTask {
            host,
            shell,
            acc: Accumulator::new(dialect),
            job: None,
            wait_running_until: wait.then(|| now.plus_ms(POD_RUNNING_TIMEOUT_MS)),
            intro,
            need_prompt: true,
            on_exit,
            interrupted: false,
            lines_read: 0,
            command_start: 0,
            main_process: wait,
        }
    }

    fn prompt(&self) -> String {
        let cwd = &self.shell.state.cwd;
        match self.shell.state.dialect {
            Dialect::Ash => format!("{cwd} # "),
            Dialect::Dash => "# ".into(),
            Dialect::Bash => {
                let host = self
                    .shell
                    .state
                    .vars
                    .get("HOSTNAME")
                    .cloned()
                    .unwrap_or_else(|| self.host.pod.clone());
                let dir = if cwd == "/root" { "~" } else { cwd.as_str() };
                format!("root@{host}:{dir}# ")
            }
        }
    }

    fn finish(&mut self, io: &mut TaskIo, status: i32) -> TaskPoll {
        if self.main_process && self.wait_running_until.is_none() {
            // The main process exited: so does the container (Completed/Error).
            self.main_process = false;
            let _ = self
                .host
                .world
                .borrow_mut()
                .apply(ModelInput::Fault(Fault::KillContainer {
                    namespace: self.host.namespace.clone(),
                    pod: self.host.pod.clone(),
                    container: Some(self.host.container.clone()),
                    exit_code: status,
                }));
        }
        if let Some(f) = self.on_exit.take() {
            let world = self.host.world.clone();
            f(&mut world.borrow_mut(), io);
        }
        TaskPoll::Done(status)
    }

    /// `kubectl run -it`: waits for the pod to be Running. `Some(poll)` while waiting or
    /// when it failed.
    fn wait_running(&mut self, io: &mut TaskIo) -> Option<TaskPoll> {
        let deadline = self.wait_running_until?;
        let world = self.host.world.clone();
        let w = world.borrow();
        let now = w.now();
        let phase = w
            .cluster()
            .api
            .get::<Pod>(&self.host.namespace, &self.host.pod)
            .map(|p| p.phase().to_string());
        match phase.as_deref() {
            Some("Running") => {
                drop(w);
                self.wait_running_until = None;
                // The environment of the now running container.
                let env = self.host.env();
                let cwd = self.shell.state.cwd.clone();
                self.shell.state = self.host.shell_state(&env, "sh");
                self.shell.state.cwd = cwd;
                self.shell.state.stdout_tty = true;
                None
            }
            Some(p @ ("Succeeded" | "Failed")) => {
                let p = p.to_string();
                drop(w);
                io.eprint(format!(
                    "error: cannot attach a container in a completed pod; current phase is {p}\n"
                ));
                Some(self.finish(io, 1))
            }
            None => {
                drop(w);
                io.eprint(format!(
                    "Error from server (NotFound): pods \"{}\" not found\n",
                    self.host.pod
                ));
                Some(TaskPoll::Done(1))
            }
            _ if now >= deadline => {
                drop(w);
                io.eprint("error: timed out waiting for the condition\n");
                Some(self.finish(io, 1))
            }
            _ => {
                let next = next_model_wake(w.cluster(), now).map_or(deadline, |t| t.min(deadline));
                Some(TaskPoll::Pending {
                    wake_at_ms: Some(next.ms()),
                })
            }
        }
    }
}

impl Task for PodShellTask {
    fn poll(&mut self, _: &mut dyn Host, io: &mut TaskIo) -> TaskPoll {
        if self.interrupted {
            return self.finish(io, 130);
        }
        if let Some(p) = self.wait_running(io) {
            return p;
        }
        if let Some(i) = self.intro.take() {
            io.eprint(i);
        }
        for _ in 0..10_000 {
            if let Some(job) = &mut self.job {
                // Typed lines stay with the shell; the command sees an attached terminal.
                let mut jio = TaskIo::default();
                let r = job.poll(&mut self.host, &mut jio);
                io.out.append(&mut jio.out);
                match r {
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
                io.print(self.prompt());
                self.need_prompt = false;
            }
            let Some(nl) = io.stdin.find('\n') else {
                if io.stdin_closed {
                    let status = self.shell.state.last_status;
                    return self.finish(io, status);
                }
                return TaskPoll::Pending { wake_at_ms: None };
            };
            let line: String = io.stdin.drain(..=nl).collect();
            let line = line.trim_end_matches('\n');
            if !self.acc.is_continuing() {
                self.command_start = self.lines_read;
            }
            self.lines_read = self.lines_read.saturating_add(1);
            match self.acc.push_line(line) {
                ShellInput::Incomplete(_) => io.print("> "),
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
                    self.shell.state.line_offset = self.command_start;
                    self.job = Some(self.shell.start(&script));
                }
            }
        }
        TaskPoll::Pending {
            wake_at_ms: Some(self.host.now_ms()),
        }
    }

    fn interrupt(&mut self) {
        if !self.catches_interrupt() {
            self.interrupted = true;
            return;
        }
        // SIGINT from the pod's terminal: the running command dies; at the prompt, the typed
        // line is discarded and the prompt comes again.
        match &mut self.job {
            Some(j) => j.interrupt(),
            None => {
                self.acc.reset();
                self.shell.state.last_status = 130;
                self.need_prompt = true;
            }
        }
    }

    fn wants_input(&self) -> bool {
        self.wait_running_until.is_none() && self.job.as_ref().is_none_or(|j| j.wants_input())
    }

    fn catches_interrupt(&self) -> bool {
        self.wait_running_until.is_none()
    }
}
