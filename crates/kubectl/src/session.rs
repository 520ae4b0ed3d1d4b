//! The session: the one object the browser terminal and the native CLI both drive. It owns the
//! cluster's [`Timeline`], the learner's shell, a [`FileSource`], and runs command lines as
//! resumable jobs whose blocking commands (`get -w`, `rollout status`, `wait`, interactive pod
//! shells) are polled as virtual time moves.
//!
//! Driving it:
//! * [`Session::submit`] one typed/pasted line at a time. While a command is incomplete (open
//!   loop, heredoc, trailing `\`) it answers [`Submit::NeedMore`]; while a job waits for typed
//!   input (a shell in a pod) the line goes to it ([`Submit::Fed`]).
//! * [`Session::poll`] returns output chunks in order.
//! * Time: the browser calls [`Session::advance_ms`] on its tick (virtual time follows the wall
//!   clock); the CLI calls [`Session::run_until_blocked`], which jumps straight to each wake-up.

use crate::files::{FileError, FileSource, MemFiles};
use crate::shell::{
    spawn_text_filter, Accumulator, CommandCtx, Dialect, Host, Input, Job, Shell, Stream, Task,
    TaskIo, TaskPoll,
};
use ordinal_model::{Cluster, Input as ModelInput, Profile, Time, Timeline};
use std::cell::RefCell;
use std::rc::Rc;

/// How long a watch in a script (non-interactive driver) waits for a state-changing event
/// before it ends, in virtual ms.
pub const SCRIPT_WATCH_IDLE_MS: u64 = 5_000;
/// The virtual cap of `rollout status`, `wait` and `delete --wait` without their own timeout.
pub const BLOCKING_CAP_MS: u64 = 600_000;

/// Everything commands act on: shared by the session and its running tasks.
pub struct World {
    pub timeline: Timeline,
    pub files: Box<dyn FileSource>,
    /// True for a non-interactive driver (`ordinal shell` reading a script, tests): watches end
    /// after [`SCRIPT_WATCH_IDLE_MS`] without an event.
    pub script_mode: bool,
    /// The page's YAML editor, when the driver has one: `kubectl edit` opens objects in it.
    /// `None` (the native CLI, scripts): `kubectl edit` fails as kubectl does without an editor.
    pub editor: Option<EditorMailbox>,
}

/// Most editor requests queued before the driver takes them (older ones are dropped).
pub const EDITOR_QUEUE_CAP: usize = 16;

/// What `kubectl edit` asks of the page's editor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EditorRequest {
    /// Show `file` with `text` (created, or replaced when it is reopened with errors).
    Open { file: String, text: String },
    /// The edit finished and kubectl removed its file.
    Close { file: String },
}

/// The exchange between `kubectl edit` (a blocking task) and the page's editor.
#[derive(Clone, Debug, Default)]
pub struct EditorMailbox {
    /// Requests for the page, oldest first (bounded by [`EDITOR_QUEUE_CAP`]).
    pub requests: Vec<EditorRequest>,
    /// Files a running `kubectl edit` waits on (the editor's Apply saves them).
    pub waiting: ordinal_model::vecmap::VecSet<String>,
    /// Saved texts not yet read by their `kubectl edit` (file → text).
    pub saved: ordinal_model::vecmap::VecMap<String, String>,
}

impl EditorMailbox {
    pub fn push(&mut self, r: EditorRequest) {
        if self.requests.len() >= EDITOR_QUEUE_CAP {
            self.requests.remove(0);
        }
        self.requests.push(r);
    }
}

impl World {
    pub fn now(&self) -> Time {
        self.timeline.now()
    }
    pub fn cluster(&self) -> &Cluster {
        self.timeline.cluster()
    }
    /// Applies an API request at the current virtual time.
    pub fn apply(
        &mut self,
        input: ModelInput,
    ) -> Result<Option<std::sync::Arc<ordinal_model::Object>>, ordinal_model::api::ApiError> {
        self.timeline.apply(input)
    }
}

pub type WorldRef = Rc<RefCell<World>>;

/// The answer to one submitted line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submit {
    /// The command continues on the next line; show this prompt (`> `).
    NeedMore(String),
    /// A job started (poll for output).
    Started,
    /// Nothing to run (blank line, comment).
    Empty,
    /// The line went to the running job's input (a shell in a pod).
    Fed,
    /// A syntax error (already queued as output).
    Error,
}

/// The programs of the learner's terminal.
pub struct SessionHost {
    pub world: WorldRef,
}

impl Host for SessionHost {
    fn spawn(&mut self, argv: &[String], ctx: &CommandCtx) -> Option<Box<dyn Task>> {
        match argv.first().map(String::as_str) {
            Some("kubectl") => Some(crate::kubectl::spawn(&self.world, argv, ctx)),
            Some("sim") => Some(crate::sim::spawn(&self.world, argv)),
            _ => spawn_text_filter(argv, ctx),
        }
    }
    fn read_file(&mut self, path: &str) -> Result<String, String> {
        match self.world.borrow().files.read(path, "") {
            Ok(t) => Ok(t),
            Err(FileError::NotFound) | Err(FileError::UnknownUrl) => {
                Err("No such file or directory".into())
            }
            Err(FileError::Other(r)) => Err(r),
        }
    }
    fn write_file(&mut self, path: &str, data: &str, append: bool) -> Result<(), String> {
        match self.world.borrow_mut().files.write(path, "", data, append) {
            Ok(()) => Ok(()),
            Err(FileError::NotFound) | Err(FileError::UnknownUrl) => {
                Err("No such file or directory".into())
            }
            Err(FileError::Other(r)) => Err(r),
        }
    }
    fn now_ms(&self) -> u64 {
        self.world.borrow().now().ms()
    }
}

/// Most polls of one job per `poll()` call when it yields at the same instant.
const POLLS_PER_CALL: usize = 10_000;
/// Most wake-ups `run_until_blocked` follows for one job before giving up (nothing spins).
const MAX_WAKEUPS: usize = 1_000_000;

pub struct Session {
    world: WorldRef,
    host: SessionHost,
    shell: Shell,
    acc: Accumulator,
    job: Option<Job>,
    io: TaskIo,
    out: Vec<(Stream, String)>,
    /// When the running job asked to be polled again.
    wake_at: Option<u64>,
    seed: u64,
}

impl Session {
    /// A fresh cluster (default profile) with in-memory files, in script mode (watches end
    /// after 5 idle virtual seconds).
    pub fn new(seed: u64) -> Session {
        Session::with_files(seed, Box::new(MemFiles::new()), true)
    }

    /// A fresh cluster with the given file source. `script_mode`: see [`World::script_mode`]
    /// (false for the browser terminal and the interactive REPL).
    pub fn with_files(seed: u64, files: Box<dyn FileSource>, script_mode: bool) -> Session {
        Session::over_timeline(Timeline::new(Profile::default(), seed), files, script_mode)
    }

    /// A session over an existing timeline (a restored scenario's replay), not a fresh cluster.
    pub fn over_timeline(
        timeline: Timeline,
        files: Box<dyn FileSource>,
        script_mode: bool,
    ) -> Session {
        let seed = timeline.seed();
        let world = Rc::new(RefCell::new(World {
            timeline,
            files,
            script_mode,
            editor: None,
        }));
        Session::sharing(world, seed)
    }

    /// A second shell (its own jobs, variables and output) over an existing world: the page's
    /// Apply preview runs its dry run this way instead of building a cluster of its own.
    pub fn sharing(world: WorldRef, seed: u64) -> Session {
        Session {
            host: SessionHost {
                world: world.clone(),
            },
            world,
            shell: Shell::new(Dialect::Bash),
            acc: Accumulator::new(Dialect::Bash),
            job: None,
            io: TaskIo::default(),
            out: Vec::new(),
            wake_at: None,
            seed,
        }
    }

    pub fn world(&self) -> &WorldRef {
        &self.world
    }

    /// Gives `kubectl edit` an editor to open objects in (the page's YAML editor).
    pub fn enable_editor(&mut self) {
        self.world.borrow_mut().editor = Some(EditorMailbox::default());
    }

    /// The editor requests since the last call (open/close files), oldest first.
    pub fn take_editor_requests(&mut self) -> Vec<EditorRequest> {
        self.world
            .borrow_mut()
            .editor
            .as_mut()
            .map(|m| std::mem::take(&mut m.requests))
            .unwrap_or_default()
    }

    /// Is `file` open for a running `kubectl edit` (so saving it finishes that edit)?
    pub fn is_edit_file(&self, file: &str) -> bool {
        self.world
            .borrow()
            .editor
            .as_ref()
            .is_some_and(|m| m.waiting.contains(file))
    }

    /// The editor saved `file` (its Apply): the waiting `kubectl edit` reads it on its next
    /// poll. False when no edit waits on that file.
    pub fn save_edit(&mut self, file: &str, text: &str) -> bool {
        let saved = {
            let mut w = self.world.borrow_mut();
            match w.editor.as_mut() {
                Some(m) if m.waiting.contains(file) => {
                    m.saved.insert(file.to_string(), text.to_string());
                    true
                }
                _ => false,
            }
        };
        if saved {
            self.poll_job();
        }
        saved
    }

    /// Runs `f` with the timeline (the UI's scrubber, tests).
    pub fn with_timeline<R>(&self, f: impl FnOnce(&Timeline) -> R) -> R {
        f(&self.world.borrow().timeline)
    }

    pub fn with_timeline_mut<R>(&self, f: impl FnOnce(&mut Timeline) -> R) -> R {
        f(&mut self.world.borrow_mut().timeline)
    }

    /// A snapshot of the live cluster (cheap enough for a UI frame: the cluster is `Clone`).
    pub fn cluster(&self) -> Cluster {
        self.world.borrow().cluster().clone()
    }

    /// Virtual time now.
    pub fn now(&self) -> Time {
        self.world.borrow().now()
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Is a job running?
    pub fn busy(&self) -> bool {
        self.job.is_some()
    }

    /// Does the running job wait for typed input (a shell in a pod)?
    pub fn wants_input(&self) -> bool {
        self.job.as_ref().is_some_and(|j| j.wants_input())
    }

    /// Is a multi-line command being collected (the terminal shows `> `)?
    pub fn continuing(&self) -> bool {
        self.acc.is_continuing()
    }

    /// The prompt a terminal shows now: `$ ` idle, `> ` continuing, `` while busy.
    pub fn prompt(&self) -> &'static str {
        if self.busy() {
            ""
        } else if self.acc.is_continuing() {
            "> "
        } else {
            "$ "
        }
    }

    /// `$?` of the learner's shell: the exit status of the last finished command.
    pub fn last_status(&self) -> i32 {
        self.shell.state.last_status
    }

    /// True once the learner's shell ran `exit`.
    pub fn exited(&self) -> bool {
        self.shell.state.exited.is_some()
    }

    /// Sets the shell's working directory (the CLI: the process's directory, so `-f web.yaml`
    /// finds files next to the script).
    pub fn set_cwd(&mut self, cwd: &str) {
        self.shell.state.cwd = cwd.to_string();
    }

    /// Submits one line (without its newline).
    pub fn submit(&mut self, line: &str) -> Submit {
        if self.job.is_some() {
            self.io.stdin.push_str(line);
            self.io.stdin.push('\n');
            self.poll_job();
            return Submit::Fed;
        }
        match self.acc.push_line(line) {
            Input::Incomplete(_) => Submit::NeedMore("> ".into()),
            Input::Error(msg) => {
                self.shell.syntax_error();
                self.out.push((Stream::Stderr, msg));
                Submit::Error
            }
            Input::Complete(script) => {
                if script.is_empty() {
                    return Submit::Empty;
                }
                self.job = Some(self.shell.start(&script));
                self.io = TaskIo::default();
                self.wake_at = None;
                self.poll_job();
                Submit::Started
            }
        }
    }

    /// End of input (Ctrl-D / EOF): a pending incomplete command becomes bash's EOF error.
    pub fn end_of_input(&mut self) {
        if let Some(msg) = self.acc.finish() {
            self.shell.syntax_error();
            self.out.push((Stream::Stderr, msg));
        }
        if self.job.is_some() {
            self.io.stdin_closed = true;
            self.poll_job();
        }
    }

    /// Ctrl-C: interrupts the running job (it gets one last poll), or drops a pending
    /// multi-line command.
    pub fn interrupt(&mut self) {
        if let Some(job) = &mut self.job {
            job.interrupt();
            self.poll_job();
        } else {
            self.acc.reset();
            self.shell.state.last_status = 130;
        }
    }

    /// Output produced since the last call, in order.
    pub fn poll(&mut self) -> Vec<(Stream, String)> {
        if self.job.is_some() && self.wake_at.is_none_or(|t| t <= self.now().ms()) {
            self.poll_job();
        }
        std::mem::take(&mut self.out)
    }

    /// Polls the running job now, whenever it asked to be woken. For a second session over
    /// the same world: time moves under it by the first session's `advance_ms`, which polls
    /// only its own job, and a job that asked to wake "at the cluster's next event" may have
    /// found none due later and asked for its deadline instead (a `kubectl delete` in the
    /// page's second terminal then waited for its whole timeout).
    pub fn poll_job_now(&mut self) {
        if self.job.is_some() {
            self.poll_job();
        }
    }

    /// When the running job wants to be polled again (virtual ms), if it said.
    pub fn next_wake(&self) -> Option<u64> {
        self.job.as_ref().and(self.wake_at)
    }

    /// Moves virtual time forward by `ms` (the browser's tick) and polls the job.
    pub fn advance_ms(&mut self, ms: u64) {
        let target = self.now().plus_ms(ms);
        self.advance_to(target);
    }

    /// [`Session::advance_ms`] that runs at most `max_handles` model timers
    /// ([`Timeline::advance_bounded`]) and returns how many virtual ms it moved; less than
    /// `ms` means it stopped early and the rest is still to run (the page's frame budget).
    pub fn advance_ms_bounded(&mut self, ms: u64, max_handles: usize) -> u64 {
        let start = self.now();
        let target = start.plus_ms(ms);
        let step = match self.wake_at {
            Some(w) if self.job.is_some() && w > start.ms() && w < target.ms() => Time(w),
            _ => target,
        };
        let done = self
            .world
            .borrow_mut()
            .timeline
            .advance_bounded(step, max_handles);
        if self.job.is_some() && (done || self.now() > start) {
            self.poll_job();
        }
        // Report whole ms moved (`done` with a job wake-up moved exactly to `step`).
        self.now().ms().saturating_sub(start.ms())
    }

    fn advance_to(&mut self, target: Time) {
        // Advance in steps no longer than the job's wake-up so blocking commands observe
        // intermediate instants.
        loop {
            let now = self.now();
            if now >= target {
                break;
            }
            let step = match self.wake_at {
                Some(w) if self.job.is_some() && w > now.ms() && w < target.ms() => Time(w),
                _ => target,
            };
            self.world.borrow_mut().timeline.advance_to(step);
            if self.job.is_some() {
                self.poll_job();
            }
        }
        if self.job.is_some() {
            self.poll_job();
        }
    }

    /// The CLI's driver: polls the job, jumping virtual time to each wake-up, until it is done
    /// or waits for typed input.
    pub fn run_until_blocked(&mut self) {
        for _ in 0..MAX_WAKEUPS {
            let Some(job) = &self.job else { return };
            if job.wants_input() {
                return;
            }
            let now = self.now().ms();
            match self.wake_at {
                Some(t) if t > now => self.advance_to(Time(t)),
                Some(_) => self.poll_job(),
                None => {
                    // A job waiting on "the model changed": move to the cluster's next timer,
                    // or a second if nothing is scheduled.
                    let next = self
                        .world
                        .borrow()
                        .cluster()
                        .next_wake()
                        .map(|t| t.ms())
                        .filter(|t| *t > now)
                        .unwrap_or(now + 1000);
                    self.advance_to(Time(next));
                }
            }
        }
        // Give up: interrupt whatever is still running.
        self.interrupt();
    }

    fn poll_job(&mut self) {
        for _ in 0..POLLS_PER_CALL {
            let Some(job) = &mut self.job else { return };
            let r = job.poll(&mut self.host, &mut self.io);
            for (s, t) in self.io.take_out() {
                match self.out.last_mut() {
                    Some((ls, lt)) if *ls == s => lt.push_str(&t),
                    _ => self.out.push((s, t)),
                }
            }
            match r {
                TaskPoll::Done(_) => {
                    if let Some(job) = self.job.take() {
                        self.shell.finish(job);
                    }
                    self.wake_at = None;
                    self.io = TaskIo::default();
                    return;
                }
                TaskPoll::Pending { wake_at_ms } => {
                    self.wake_at = wake_at_ms;
                    let now = self.now().ms();
                    if wake_at_ms.is_some_and(|t| t <= now)
                        && !self.job.as_ref().is_some_and(|j| j.wants_input())
                    {
                        continue;
                    }
                    return;
                }
            }
        }
    }

    /// Convenience: runs one complete command text to the end as the CLI would (jumping
    /// time), returning its output merged. Lines go through `submit` one by one.
    pub fn run_script(&mut self, text: &str) -> String {
        let mut s = String::new();
        for line in text.lines() {
            self.submit(line);
            self.run_until_blocked();
            for (_, t) in self.poll() {
                s.push_str(&t);
            }
        }
        self.end_of_input();
        self.run_until_blocked();
        for (_, t) in self.poll() {
            s.push_str(&t);
        }
        s
    }
}
