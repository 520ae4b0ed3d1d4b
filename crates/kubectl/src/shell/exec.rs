//! The interpreter: a [`Job`] is an explicit stack of frames over the syntax tree, advanced by
//! [`Task::poll`]. Nothing recurses across a blocking point, so a job can stop in the middle of a
//! loop when a command is pending and carry on at the next poll.

use super::ast::*;
use super::builtins;
use super::host::{push_chunk, CommandCtx, Host, Stream, Task, TaskIo, TaskPoll};
use super::parse::is_name;
use super::Dialect;
use ordinal_model::vecmap::{VecMap, VecSet};
use std::collections::VecDeque;
use std::sync::Arc;

/// Frames advanced per poll before the job yields (`Pending { wake_at_ms: Some(now) }`), so a
/// browser tab never freezes on `while true; do :; done`.
pub const STEPS_PER_POLL: u32 = 10_000;
/// Loop iterations (for, while, until) a job may run in total before it is stopped with an error.
pub const MAX_LOOP_ITERATIONS: u64 = 100_000;
/// Output (to the terminal, files and captures) a job may produce before it is stopped.
pub const MAX_OUTPUT_BYTES: usize = 8 << 20;

type Chunks = Vec<(Stream, String)>;

/// Shell variables and the other state that outlives one command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellState {
    pub vars: VecMap<String, String>,
    pub exported: VecSet<String>,
    pub cwd: String,
    /// `$?`
    pub last_status: i32,
    pub dialect: Dialect,
    /// `$0`
    pub arg0: String,
    /// `$1`…
    pub positional: Vec<String>,
    /// `$$`
    pub pid: u32,
    /// Set by `exit`: the shell should end with this status.
    pub exited: Option<i32>,
    /// The job's stdout is a terminal (`kubectl exec -t`); false in pipeline stages whose
    /// output is piped and in `$(…)`. Programs learn it through [`CommandCtx::tty`].
    pub stdout_tty: bool,
    /// Lines read before the running script (an interactive dash counts lines across
    /// commands: `sh: 3: foo: not found`).
    pub line_offset: u32,
}

impl ShellState {
    pub fn new(dialect: Dialect) -> ShellState {
        ShellState {
            vars: VecMap::new(),
            exported: VecSet::new(),
            cwd: "/".into(),
            last_status: 0,
            dialect,
            arg0: dialect.name().into(),
            positional: Vec::new(),
            pid: 1,
            exited: None,
            stdout_tty: false,
            line_offset: 0,
        }
    }

    /// Sets and exports a variable (e.g. `HOME`, `HOSTNAME`, `PATH`).
    pub fn export(&mut self, name: &str, value: &str) {
        self.vars.insert(name.into(), value.into());
        self.exported.insert(name.into());
    }

    /// The command context for a spawn: exported variables, then the prefixes.
    pub fn ctx(&self, prefix: &[(String, String)]) -> CommandCtx {
        let mut env = VecMap::new();
        for name in &self.exported {
            if let Some(v) = self.vars.get(name) {
                env.insert(name.clone(), v.clone());
            }
        }
        for (k, v) in prefix {
            env.insert(k.clone(), v.clone());
        }
        CommandCtx {
            env,
            cwd: self.cwd.clone(),
            line: 1,
            tty: self.stdout_tty,
        }
    }

    fn param(&self, p: &Param) -> Option<String> {
        match p {
            Param::Var(n) => self.vars.get(n).cloned(),
            Param::Special('?') => Some(self.last_status.to_string()),
            Param::Special('$') => Some(self.pid.to_string()),
            Param::Special('#') => Some(self.positional.len().to_string()),
            Param::Special('@') | Param::Special('*') => Some(self.positional.join(" ")),
            Param::Special('-') => Some("hB".into()),
            Param::Special(_) => None,
            Param::Positional(0) => Some(self.arg0.clone()),
            Param::Positional(n) => self.positional.get(*n as usize - 1).cloned(),
            Param::Length(n) => {
                let v = if let Ok(i) = n.parse::<usize>() {
                    if i == 0 {
                        Some(self.arg0.clone())
                    } else {
                        self.positional.get(i - 1).cloned()
                    }
                } else {
                    self.vars.get(n).cloned()
                };
                Some(v.unwrap_or_default().chars().count().to_string())
            }
            Param::Default { name, .. } => self.vars.get(name).cloned(),
        }
    }
}

/// Resolves `path` against `cwd` (lexically: `.` and `..` are folded).
pub fn resolve_path(cwd: &str, path: &str) -> String {
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{}/{}", cwd.trim_end_matches('/'), path)
    };
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    format!("/{}", parts.join("/"))
}

// ------------------------------------------------------------------ expansion

fn collect_subs_word(w: &Word, out: &mut Vec<Arc<List>>) {
    collect_subs_parts(&w.parts, out)
}

fn collect_subs_parts(parts: &[Part], out: &mut Vec<Arc<List>>) {
    for p in parts {
        match p {
            Part::Double(inner) => collect_subs_parts(inner, out),
            Part::Sub(l) => out.push(l.clone()),
            Part::Param(Param::Default { word, .. }) => collect_subs_word(word, out),
            _ => {}
        }
    }
}

fn count_subs(parts: &[Part]) -> usize {
    let mut v = Vec::new();
    collect_subs_parts(parts, &mut v);
    v.len()
}

/// Builds fields: quoted text joins the current field, unquoted expansion results are split on
/// IFS whitespace.
#[derive(Default)]
struct Fields {
    fields: Vec<String>,
    cur: String,
    has: bool,
}

impl Fields {
    fn lit(&mut self, s: &str) {
        self.cur.push_str(s);
        self.has = true;
    }
    fn split(&mut self, s: &str) {
        let ws = |c: char| matches!(c, ' ' | '\t' | '\n');
        if s.starts_with(ws) {
            self.end();
        }
        let mut first = true;
        for piece in s.split(ws).filter(|p| !p.is_empty()) {
            if !first {
                self.end();
            }
            first = false;
            self.cur.push_str(piece);
            self.has = true;
        }
        if s.ends_with(ws) {
            self.end();
        }
    }
    fn end(&mut self) {
        if self.has {
            self.fields.push(std::mem::take(&mut self.cur));
        }
        self.has = false;
    }
}

struct Expander<'a> {
    st: &'a ShellState,
    subs: &'a mut VecDeque<String>,
}

impl Expander<'_> {
    fn parts(&mut self, parts: &[Part], quoted: bool, f: &mut Fields) {
        for p in parts {
            match p {
                Part::Lit(s) => f.lit(s),
                Part::Single(s) => f.lit(s),
                Part::Double(inner) => {
                    f.has = true;
                    self.parts(inner, true, f);
                }
                Part::Sub(_) => {
                    let mut s = self.subs.pop_front().unwrap_or_default();
                    while s.ends_with('\n') {
                        s.pop();
                    }
                    if quoted {
                        f.lit(&s)
                    } else {
                        f.split(&s)
                    }
                }
                Part::Param(Param::Default { name, colon, word }) => {
                    let v = self.st.vars.get(name);
                    let use_default = match v {
                        None => true,
                        Some(v) => *colon && v.is_empty(),
                    };
                    if use_default {
                        self.parts(&word.parts, quoted, f);
                    } else {
                        for _ in 0..count_subs(&word.parts) {
                            self.subs.pop_front();
                        }
                        let v = v.cloned().unwrap_or_default();
                        if quoted {
                            f.lit(&v)
                        } else {
                            f.split(&v)
                        }
                    }
                }
                Part::Param(param) => {
                    let v = self.st.param(param).unwrap_or_default();
                    if quoted {
                        f.lit(&v)
                    } else {
                        f.split(&v)
                    }
                }
            }
        }
    }

    fn fields(&mut self, w: &Word) -> Vec<String> {
        let mut f = Fields::default();
        self.parts(&w.parts, false, &mut f);
        f.end();
        f.fields
    }

    /// Expansion without field splitting (assignments, redirection targets, here-documents).
    fn string(&mut self, w: &Word) -> String {
        let mut f = Fields::default();
        self.parts(&w.parts, true, &mut f);
        f.cur
    }
}

// ---------------------------------------------------------------------- frames

#[derive(Debug, Clone, PartialEq)]
enum Target {
    Out,
    Err,
    File(String),
    Null,
}

#[derive(Debug, Clone)]
struct Routes {
    t1: Target,
    t2: Target,
}

impl Default for Routes {
    fn default() -> Self {
        Routes {
            t1: Target::Out,
            t2: Target::Err,
        }
    }
}

/// Runs the `$(…)` of a command, in order, each in a child job whose stdout is captured.
#[derive(Default)]
struct Subs {
    lists: Vec<Arc<List>>,
    next: usize,
    results: VecDeque<String>,
    child: Option<Box<Job>>,
    captured: String,
    last_status: Option<i32>,
}

struct Running {
    task: Box<dyn Task>,
    io: TaskIo,
    routes: Routes,
    inherit: bool,
}

struct CmdFrame {
    cmd: Arc<Command>,
    subs: Option<Subs>,
    run: Option<Running>,
}

struct PipeFrame {
    cmds: Vec<Arc<Command>>,
    bang: bool,
    stage: usize,
    input: Option<String>,
    child: Option<Box<Job>>,
    captured: String,
}

struct ForFrame {
    var: String,
    words: Option<Vec<Word>>,
    body: Arc<List>,
    subs: Option<Subs>,
    items: Option<Vec<String>>,
    idx: usize,
}

enum Frame {
    List {
        list: Arc<List>,
        idx: usize,
    },
    AndOr {
        node: Arc<AndOr>,
        next: usize,
        started: bool,
    },
    Negate,
    Cmd(Box<CmdFrame>),
    Pipe(Box<PipeFrame>),
    For(Box<ForFrame>),
    While {
        until: bool,
        cond: Arc<List>,
        body: Arc<List>,
        phase: u8,
        last: i32,
    },
    If {
        arms: Vec<(Arc<List>, Arc<List>)>,
        else_body: Option<Arc<List>>,
        arm: usize,
        phase: u8,
    },
}

enum Flow {
    Continue,
    Yield(Option<u64>),
}

/// A running script (one command line of the terminal, one `sh -c`, one `$(…)`, one pipeline
/// stage). Implements [`Task`]: poll it until `Done`.
pub struct Job {
    state: ShellState,
    stack: Vec<Frame>,
    status: i32,
    input: String,
    input_closed: bool,
    interrupted: bool,
    iters: u64,
    out_bytes: usize,
    finished: Option<i32>,
}

impl Job {
    /// A job running `script` with the given shell state (cloned from the session).
    pub fn new(script: &Script, state: ShellState) -> Job {
        let mut j = Job::bare(state);
        j.stack.push(Frame::List {
            list: script.body.clone(),
            idx: 0,
        });
        j
    }

    fn bare(state: ShellState) -> Job {
        Job {
            state,
            stack: Vec::new(),
            status: 0,
            input: String::new(),
            input_closed: false,
            interrupted: false,
            iters: 0,
            out_bytes: 0,
            finished: None,
        }
    }

    /// The shell state (variables, cwd, `$?`, `exit`); copy it back into the session when done.
    pub fn state(&self) -> &ShellState {
        &self.state
    }

    /// Sets the working directory before the job runs (a shell started in a directory).
    pub fn set_cwd(&mut self, cwd: &str) {
        self.state.cwd = cwd.into();
    }

    /// Consumes the job, returning its state.
    pub fn into_state(self) -> ShellState {
        self.state
    }

    /// The exit status once finished.
    pub fn exit_status(&self) -> Option<i32> {
        self.finished
    }

    fn child(&mut self, frame: Frame, input: Option<String>) -> Box<Job> {
        let mut st = self.state.clone();
        st.exited = None;
        let mut j = Job::bare(st);
        j.stack.push(frame);
        j.input = input.unwrap_or_default();
        j.input_closed = true;
        j.iters = self.iters;
        Box::new(j)
    }

    fn set_status(&mut self, c: i32) {
        self.status = c;
        self.state.last_status = c;
    }

    fn err(&mut self, out: &mut Chunks, msg: String) {
        self.out_bytes += msg.len();
        push_chunk(out, Stream::Stderr, msg);
    }

    /// Ends the job now with an error message.
    fn abort(&mut self, out: &mut Chunks, msg: String, code: i32) {
        self.err(out, msg);
        self.stack.clear();
        self.set_status(code);
    }

    fn tick_loop(&mut self, out: &mut Chunks) -> bool {
        self.iters += 1;
        if self.iters > MAX_LOOP_ITERATIONS {
            let name = self.state.dialect.name();
            self.abort(
                out,
                format!(
                    "{name}: loop stopped after {MAX_LOOP_ITERATIONS} iterations (ordinal limit)\n"
                ),
                1,
            );
            return false;
        }
        true
    }

    fn emit(
        &mut self,
        host: &mut dyn Host,
        routes: &Routes,
        stream: Stream,
        text: String,
        out: &mut Chunks,
    ) {
        let t = if stream == Stream::Stdout {
            &routes.t1
        } else {
            &routes.t2
        };
        self.out_bytes += text.len();
        match t {
            Target::Out => push_chunk(out, Stream::Stdout, text),
            Target::Err => push_chunk(out, Stream::Stderr, text),
            Target::File(p) => {
                let _ = host.write_file(p, &text, true);
            }
            Target::Null => {}
        }
    }

    fn push_pipeline(&mut self, p: &Arc<Pipeline>) {
        if p.cmds.len() == 1 {
            if p.bang {
                self.stack.push(Frame::Negate);
            }
            self.push_command(p.cmds[0].clone());
        } else {
            self.stack.push(Frame::Pipe(Box::new(PipeFrame {
                cmds: p.cmds.clone(),
                bang: p.bang,
                stage: 0,
                input: None,
                child: None,
                captured: String::new(),
            })));
        }
    }

    fn push_command(&mut self, cmd: Arc<Command>) {
        let needs_cmd_frame = matches!(cmd.kind, CommandKind::Simple(_) | CommandKind::Subshell(_))
            || !cmd.redirs.is_empty();
        if needs_cmd_frame {
            self.stack.push(Frame::Cmd(Box::new(CmdFrame {
                cmd,
                subs: None,
                run: None,
            })));
            return;
        }
        self.push_compound(&cmd.kind);
    }

    fn push_compound(&mut self, kind: &CommandKind) {
        match kind {
            CommandKind::For { var, items, body } => {
                self.stack.push(Frame::For(Box::new(ForFrame {
                    var: var.clone(),
                    words: items.clone(),
                    body: body.clone(),
                    subs: None,
                    items: None,
                    idx: 0,
                })))
            }
            CommandKind::While { until, cond, body } => self.stack.push(Frame::While {
                until: *until,
                cond: cond.clone(),
                body: body.clone(),
                phase: 0,
                last: 0,
            }),
            CommandKind::If { arms, else_body } => self.stack.push(Frame::If {
                arms: arms.clone(),
                else_body: else_body.clone(),
                arm: 0,
                phase: 0,
            }),
            CommandKind::Group(list) | CommandKind::Subshell(list) => {
                self.stack.push(Frame::List {
                    list: list.clone(),
                    idx: 0,
                })
            }
            CommandKind::Simple(_) => {}
        }
    }

    /// Runs pending `$(…)`. `None`: all done; `Some(wake)`: pending.
    fn run_subs(
        &mut self,
        subs: &mut Subs,
        host: &mut dyn Host,
        out: &mut Chunks,
    ) -> Option<Option<u64>> {
        loop {
            if subs.child.is_none() {
                if subs.next >= subs.lists.len() {
                    return None;
                }
                let list = subs.lists[subs.next].clone();
                subs.next += 1;
                let mut child = self.child(Frame::List { list, idx: 0 }, None);
                child.state.stdout_tty = false;
                subs.child = Some(child);
                subs.captured.clear();
            }
            let child = subs.child.as_mut().expect("child present");
            let mut io = TaskIo::with_input("");
            let r = child.poll(host, &mut io);
            for (s, t) in io.out {
                self.out_bytes += t.len();
                match s {
                    Stream::Stdout => subs.captured.push_str(&t),
                    Stream::Stderr => push_chunk(out, Stream::Stderr, t),
                }
            }
            match r {
                TaskPoll::Done(c) => {
                    let iters = subs.child.take().map(|c| c.iters).unwrap_or(0);
                    self.iters = self.iters.max(iters);
                    subs.results.push_back(std::mem::take(&mut subs.captured));
                    subs.last_status = Some(c);
                }
                TaskPoll::Pending { wake_at_ms } => return Some(wake_at_ms),
            }
        }
    }

    fn step(&mut self, frame: Frame, host: &mut dyn Host, out: &mut Chunks) -> Flow {
        match frame {
            Frame::List { list, idx } => {
                if idx < list.len() {
                    let item = list[idx].clone();
                    self.stack.push(Frame::List { list, idx: idx + 1 });
                    self.stack.push(Frame::AndOr {
                        node: item,
                        next: 0,
                        started: false,
                    });
                }
                Flow::Continue
            }
            Frame::AndOr {
                node,
                mut next,
                started,
            } => {
                if !started {
                    let first = node.first.clone();
                    self.stack.push(Frame::AndOr {
                        node,
                        next: 0,
                        started: true,
                    });
                    self.push_pipeline(&first);
                    return Flow::Continue;
                }
                while next < node.rest.len() {
                    let (conn, p) = node.rest[next].clone();
                    next += 1;
                    let run = match conn {
                        Connector::And => self.status == 0,
                        Connector::Or => self.status != 0,
                    };
                    if run {
                        self.stack.push(Frame::AndOr {
                            node,
                            next,
                            started: true,
                        });
                        self.push_pipeline(&p);
                        return Flow::Continue;
                    }
                }
                Flow::Continue
            }
            Frame::Negate => {
                let s = if self.status == 0 { 1 } else { 0 };
                self.set_status(s);
                Flow::Continue
            }
            Frame::Cmd(f) => self.step_cmd(f, host, out),
            Frame::Pipe(p) => self.step_pipe(p, host, out),
            Frame::For(f) => self.step_for(f, host, out),
            Frame::While {
                until,
                cond,
                body,
                phase,
                last,
            } => {
                match phase {
                    0 => {
                        self.stack.push(Frame::While {
                            until,
                            cond: cond.clone(),
                            body,
                            phase: 1,
                            last,
                        });
                        self.stack.push(Frame::List { list: cond, idx: 0 });
                    }
                    1 => {
                        if (self.status == 0) != until {
                            if !self.tick_loop(out) {
                                return Flow::Continue;
                            }
                            self.stack.push(Frame::While {
                                until,
                                cond,
                                body: body.clone(),
                                phase: 2,
                                last,
                            });
                            self.stack.push(Frame::List { list: body, idx: 0 });
                        } else {
                            self.set_status(last);
                        }
                    }
                    _ => {
                        let last = self.status;
                        self.stack.push(Frame::While {
                            until,
                            cond: cond.clone(),
                            body,
                            phase: 1,
                            last,
                        });
                        self.stack.push(Frame::List { list: cond, idx: 0 });
                    }
                }
                Flow::Continue
            }
            Frame::If {
                arms,
                else_body,
                arm,
                phase,
            } => {
                match phase {
                    0 => {
                        let cond = arms[arm].0.clone();
                        self.stack.push(Frame::If {
                            arms,
                            else_body,
                            arm,
                            phase: 1,
                        });
                        self.stack.push(Frame::List { list: cond, idx: 0 });
                    }
                    1 => {
                        if self.status == 0 {
                            let body = arms[arm].1.clone();
                            self.stack.push(Frame::List { list: body, idx: 0 });
                        } else if arm + 1 < arms.len() {
                            self.stack.push(Frame::If {
                                arms,
                                else_body,
                                arm: arm + 1,
                                phase: 0,
                            });
                        } else if let Some(e) = else_body {
                            self.stack.push(Frame::List { list: e, idx: 0 });
                        } else {
                            self.set_status(0);
                        }
                    }
                    _ => {}
                }
                Flow::Continue
            }
        }
    }

    fn step_for(&mut self, mut f: Box<ForFrame>, host: &mut dyn Host, out: &mut Chunks) -> Flow {
        if f.items.is_none() {
            match &f.words {
                None => f.items = Some(self.state.positional.clone()),
                Some(words) => {
                    let mut subs = f.subs.take().unwrap_or_else(|| {
                        let mut lists = Vec::new();
                        for w in words {
                            collect_subs_word(w, &mut lists);
                        }
                        Subs {
                            lists,
                            ..Subs::default()
                        }
                    });
                    if let Some(w) = self.run_subs(&mut subs, host, out) {
                        f.subs = Some(subs);
                        self.stack.push(Frame::For(f));
                        return Flow::Yield(w);
                    }
                    let mut ex = Expander {
                        st: &self.state,
                        subs: &mut subs.results,
                    };
                    let mut items = Vec::new();
                    for w in words {
                        items.extend(ex.fields(w));
                    }
                    f.items = Some(items);
                    self.set_status(0);
                }
            }
        }
        let items = f.items.as_ref().expect("items");
        if f.idx < items.len() {
            if !self.tick_loop(out) {
                return Flow::Continue;
            }
            let v = items[f.idx].clone();
            self.state.vars.insert(f.var.clone(), v);
            f.idx += 1;
            let body = f.body.clone();
            self.stack.push(Frame::For(f));
            self.stack.push(Frame::List { list: body, idx: 0 });
        } else if items.is_empty() {
            self.set_status(0);
        }
        Flow::Continue
    }

    fn step_pipe(&mut self, mut p: Box<PipeFrame>, host: &mut dyn Host, out: &mut Chunks) -> Flow {
        if p.child.is_none() {
            let input = if p.stage == 0 {
                if self.input_closed {
                    Some(std::mem::take(&mut self.input))
                } else {
                    None
                }
            } else {
                Some(p.input.take().unwrap_or_default())
            };
            let cmd = p.cmds[p.stage].clone();
            let mut child = self.child(
                Frame::List {
                    list: Arc::new(Vec::new()),
                    idx: 0,
                },
                input,
            );
            child.stack.clear();
            if p.stage + 1 < p.cmds.len() {
                child.state.stdout_tty = false;
            }
            child.push_command(cmd);
            p.child = Some(child);
            p.captured.clear();
        }
        let last = p.stage + 1 == p.cmds.len();
        let child = p.child.as_mut().expect("child");
        let mut io = TaskIo::with_input("");
        let r = child.poll(host, &mut io);
        for (s, t) in io.out {
            if s == Stream::Stdout && !last {
                self.out_bytes += t.len();
                p.captured.push_str(&t);
            } else {
                self.out_bytes += t.len();
                push_chunk(out, s, t);
            }
        }
        match r {
            TaskPoll::Pending { wake_at_ms } => {
                self.stack.push(Frame::Pipe(p));
                Flow::Yield(wake_at_ms)
            }
            TaskPoll::Done(c) => {
                let iters = p.child.take().map(|c| c.iters).unwrap_or(0);
                self.iters = self.iters.max(iters);
                if last {
                    let c = if p.bang { i32::from(c == 0) } else { c };
                    self.set_status(c);
                } else {
                    p.input = Some(std::mem::take(&mut p.captured));
                    p.stage += 1;
                    self.stack.push(Frame::Pipe(p));
                }
                Flow::Continue
            }
        }
    }

    fn step_cmd(&mut self, mut f: Box<CmdFrame>, host: &mut dyn Host, out: &mut Chunks) -> Flow {
        if let Some(mut run) = f.run.take() {
            return self.poll_running(f, &mut run, host, out);
        }
        let cmd = f.cmd.clone();
        let mut subs = f.subs.take().unwrap_or_else(|| {
            let mut lists = Vec::new();
            if let CommandKind::Simple(s) = &cmd.kind {
                for (_, w) in &s.assigns {
                    collect_subs_word(w, &mut lists);
                }
                for w in &s.words {
                    collect_subs_word(w, &mut lists);
                }
            }
            for r in &cmd.redirs {
                match &r.op {
                    RedirOp::Out(w) | RedirOp::Append(w) | RedirOp::In(w) | RedirOp::HereDoc(w) => {
                        collect_subs_word(w, &mut lists)
                    }
                    RedirOp::Both { target, .. } => collect_subs_word(target, &mut lists),
                    RedirOp::Dup(_) => {}
                }
            }
            Subs {
                lists,
                ..Subs::default()
            }
        });
        if let Some(w) = self.run_subs(&mut subs, host, out) {
            f.subs = Some(subs);
            self.stack.push(Frame::Cmd(f));
            return Flow::Yield(w);
        }
        let sub_status = subs.last_status;
        let mut results = std::mem::take(&mut subs.results);

        // Expand in source order: assignments, words, redirections.
        let (assigns, argv, line) = {
            let mut ex = Expander {
                st: &self.state,
                subs: &mut results,
            };
            let mut assigns = Vec::new();
            let mut argv = Vec::new();
            let mut line = 1;
            if let CommandKind::Simple(s) = &cmd.kind {
                for (n, w) in &s.assigns {
                    assigns.push((n.clone(), ex.string(w)));
                }
                for w in &s.words {
                    argv.extend(ex.fields(w));
                }
                line = s.line.saturating_add(self.state.line_offset);
            }
            (assigns, argv, line)
        };
        let dialect = self.state.dialect;
        let mut routes = Routes::default();
        let mut stdin_data: Option<String> = None;
        for r in &cmd.redirs {
            let mut ex = Expander {
                st: &self.state,
                subs: &mut results,
            };
            let (fd, target) = match &r.op {
                RedirOp::HereDoc(w) => {
                    let body = ex.string(w);
                    if r.fd == 0 {
                        stdin_data = Some(body);
                    }
                    continue;
                }
                RedirOp::In(w) => {
                    let path = ex.string(w);
                    let content = if path == "/dev/null" {
                        Ok(String::new())
                    } else {
                        host.read_file(&resolve_path(&self.state.cwd, &path))
                    };
                    match content {
                        Ok(c) => {
                            if r.fd == 0 {
                                stdin_data = Some(c);
                            }
                        }
                        Err(e) => {
                            let msg = dialect.redirect_error(&path, &e, false, line);
                            let rt = routes.clone();
                            self.emit(host, &rt, Stream::Stderr, msg, out);
                            self.set_status(1);
                            return Flow::Continue;
                        }
                    }
                    continue;
                }
                RedirOp::Dup(m) => {
                    let t = match m {
                        1 => routes.t1.clone(),
                        2 => routes.t2.clone(),
                        _ => continue,
                    };
                    (r.fd, t)
                }
                RedirOp::Out(w) | RedirOp::Append(w) | RedirOp::Both { target: w, .. } => {
                    let append = matches!(
                        r.op,
                        RedirOp::Append(_) | RedirOp::Both { append: true, .. }
                    );
                    let path = ex.string(w);
                    let t = match path.as_str() {
                        "/dev/null" => Target::Null,
                        "/dev/stdout" => routes.t1.clone(),
                        "/dev/stderr" => routes.t2.clone(),
                        _ => {
                            let abs = resolve_path(&self.state.cwd, &path);
                            if let Err(e) = host.write_file(&abs, "", append) {
                                let msg = dialect.redirect_error(&path, &e, true, line);
                                let rt = routes.clone();
                                self.emit(host, &rt, Stream::Stderr, msg, out);
                                self.set_status(1);
                                return Flow::Continue;
                            }
                            Target::File(abs)
                        }
                    };
                    if let RedirOp::Both { .. } = r.op {
                        routes.t2 = t.clone();
                        (1, t)
                    } else {
                        (r.fd, t)
                    }
                }
            };
            match fd {
                1 => routes.t1 = target,
                2 => routes.t2 = target,
                _ => {}
            }
        }

        let task: Box<dyn Task> = match &cmd.kind {
            CommandKind::Simple(_) => {
                if argv.is_empty() {
                    for (n, v) in assigns {
                        self.state.vars.insert(n, v);
                    }
                    self.set_status(sub_status.unwrap_or(0));
                    return Flow::Continue;
                }
                if let Some(code) = self.special_builtin(&argv, &routes, host, out) {
                    self.set_status(code);
                    return Flow::Continue;
                }
                let mut ctx = self.state.ctx(&assigns);
                ctx.line = line;
                ctx.tty = self.state.stdout_tty && routes.t1 == Target::Out;
                // `sleep` is a program in containers (ash and dash have no such builtin): the
                // container host runs it, with its own exit and signal behaviour.
                let builtin = if dialect != Dialect::Bash && argv[0] == "sleep" {
                    None
                } else {
                    builtins::spawn_builtin(&argv, &ctx)
                };
                match builtin.or_else(|| host.spawn(&argv, &ctx)) {
                    Some(t) => t,
                    None => {
                        let msg = dialect.not_found(&argv[0], line);
                        self.emit(host, &routes, Stream::Stderr, msg, out);
                        self.set_status(127);
                        return Flow::Continue;
                    }
                }
            }
            kind => {
                let mut child = self.child(Frame::Negate, None);
                child.stack.clear();
                child.push_compound(kind);
                child.input_closed = false;
                child
            }
        };
        let inherit = stdin_data.is_none();
        let io = TaskIo {
            stdin: stdin_data.unwrap_or_default(),
            stdin_closed: !inherit,
            out: Vec::new(),
        };
        let mut run = Running {
            task,
            io,
            routes,
            inherit,
        };
        self.poll_running(f, &mut run, host, out)
    }

    fn poll_running(
        &mut self,
        mut f: Box<CmdFrame>,
        run: &mut Running,
        host: &mut dyn Host,
        out: &mut Chunks,
    ) -> Flow {
        if run.inherit {
            run.io.stdin.push_str(&std::mem::take(&mut self.input));
            run.io.stdin_closed = self.input_closed;
        }
        let r = run.task.poll(host, &mut run.io);
        let routes = run.routes.clone();
        for (s, t) in run.io.take_out() {
            self.emit(host, &routes, s, t, out);
        }
        if self.out_bytes > MAX_OUTPUT_BYTES {
            run.task.interrupt();
            let name = self.state.dialect.name();
            self.abort(
                out,
                format!("{name}: output limit of {MAX_OUTPUT_BYTES} bytes exceeded; command stopped (ordinal limit)\n"),
                1,
            );
            return Flow::Continue;
        }
        match r {
            TaskPoll::Done(c) => {
                if run.inherit {
                    let rest = std::mem::take(&mut run.io.stdin);
                    self.input.insert_str(0, &rest);
                }
                self.set_status(c);
                Flow::Continue
            }
            TaskPoll::Pending { wake_at_ms } => {
                f.run = Some(Running {
                    task: std::mem::replace(&mut run.task, Box::new(builtins::Const(0))),
                    io: std::mem::take(&mut run.io),
                    routes,
                    inherit: run.inherit,
                });
                self.stack.push(Frame::Cmd(f));
                Flow::Yield(wake_at_ms)
            }
        }
    }

    /// Builtins that change the shell itself. `None`: not one of them.
    fn special_builtin(
        &mut self,
        argv: &[String],
        routes: &Routes,
        host: &mut dyn Host,
        out: &mut Chunks,
    ) -> Option<i32> {
        let name = self.state.dialect.name();
        match argv[0].as_str() {
            ":" => Some(0),
            "set" => Some(0),
            "cd" => {
                let target = match argv.get(1).map(String::as_str) {
                    None | Some("~") => self
                        .state
                        .vars
                        .get("HOME")
                        .cloned()
                        .unwrap_or_else(|| "/".into()),
                    Some("-") => self
                        .state
                        .vars
                        .get("OLDPWD")
                        .cloned()
                        .unwrap_or_else(|| self.state.cwd.clone()),
                    Some(p) => p.to_string(),
                };
                let abs = resolve_path(&self.state.cwd, &target);
                match host.check_dir(&abs) {
                    Ok(()) => {
                        let old = std::mem::replace(&mut self.state.cwd, abs.clone());
                        self.state.vars.insert("OLDPWD".into(), old);
                        self.state.vars.insert("PWD".into(), abs);
                        Some(0)
                    }
                    Err(e) => {
                        self.emit(
                            host,
                            routes,
                            Stream::Stderr,
                            format!("{name}: cd: {target}: {e}\n"),
                            out,
                        );
                        Some(1)
                    }
                }
            }
            "pwd" => {
                let cwd = self.state.cwd.clone();
                self.emit(host, routes, Stream::Stdout, format!("{cwd}\n"), out);
                Some(0)
            }
            "export" | "unset" | "readonly" => {
                let export = argv[0] != "unset";
                let mut code = 0;
                for a in &argv[1..] {
                    if a.starts_with('-') {
                        continue;
                    }
                    let (n, v) = match a.split_once('=') {
                        Some((n, v)) => (n, Some(v)),
                        None => (a.as_str(), None),
                    };
                    if !is_name(n) {
                        let msg = format!("{name}: {}: `{a}': not a valid identifier\n", argv[0]);
                        self.emit(host, routes, Stream::Stderr, msg, out);
                        code = 1;
                        continue;
                    }
                    if export {
                        if let Some(v) = v {
                            self.state.vars.insert(n.into(), v.into());
                        }
                        self.state.exported.insert(n.into());
                    } else {
                        self.state.vars.remove(n);
                        self.state.exported.remove(n);
                    }
                }
                Some(code)
            }
            "exit" => {
                let code = match argv.get(1) {
                    None => self.state.last_status,
                    Some(a) => match a.parse::<i64>() {
                        Ok(n) => (n & 0xff) as i32,
                        Err(_) => {
                            let msg = format!("{name}: exit: {a}: numeric argument required\n");
                            self.emit(host, routes, Stream::Stderr, msg, out);
                            2
                        }
                    },
                };
                self.state.exited = Some(code);
                self.stack.clear();
                Some(code)
            }
            _ => None,
        }
    }

    /// True while the foreground command waits for typed input.
    pub fn wants_input(&self) -> bool {
        match self.stack.last() {
            Some(Frame::Cmd(f)) => f
                .run
                .as_ref()
                .is_some_and(|r| r.inherit && r.task.wants_input()),
            _ => false,
        }
    }

    fn run(&mut self, host: &mut dyn Host, out: &mut Chunks) -> TaskPoll {
        if let Some(c) = self.finished {
            return TaskPoll::Done(c);
        }
        if self.interrupted {
            self.finish_interrupt(host, out);
            return TaskPoll::Done(130);
        }
        let mut steps = 0u32;
        loop {
            let Some(frame) = self.stack.pop() else {
                self.finished = Some(self.status);
                self.state.last_status = self.status;
                return TaskPoll::Done(self.status);
            };
            steps += 1;
            if steps > STEPS_PER_POLL {
                self.stack.push(frame);
                return TaskPoll::Pending {
                    wake_at_ms: Some(host.now_ms()),
                };
            }
            if let Flow::Yield(w) = self.step(frame, host, out) {
                return TaskPoll::Pending { wake_at_ms: w };
            }
        }
    }

    fn finish_interrupt(&mut self, host: &mut dyn Host, out: &mut Chunks) {
        // One last poll of whatever was running, so it can flush.
        if let Some(top) = self.stack.pop() {
            match top {
                Frame::Cmd(mut f) => {
                    if let Some(mut run) = f.run.take() {
                        let _ = run.task.poll(host, &mut run.io);
                        let routes = run.routes.clone();
                        for (s, t) in run.io.take_out() {
                            self.emit(host, &routes, s, t, out);
                        }
                    } else if let Some(mut subs) = f.subs.take() {
                        if let Some(c) = subs.child.as_mut() {
                            let mut io = TaskIo::with_input("");
                            let _ = c.poll(host, &mut io);
                            for (s, t) in io.out {
                                if s == Stream::Stderr {
                                    push_chunk(out, s, t);
                                }
                            }
                        }
                    }
                }
                Frame::Pipe(mut p) => {
                    if let Some(c) = p.child.as_mut() {
                        let mut io = TaskIo::with_input("");
                        let _ = c.poll(host, &mut io);
                        for (s, t) in io.out {
                            push_chunk(out, s, t);
                        }
                    }
                }
                Frame::For(mut f) => {
                    if let Some(c) = f.subs.as_mut().and_then(|s| s.child.as_mut()) {
                        let mut io = TaskIo::with_input("");
                        let _ = c.poll(host, &mut io);
                    }
                }
                _ => {}
            }
        }
        self.stack.clear();
        self.set_status(130);
        self.finished = Some(130);
    }
}

impl Task for Job {
    fn poll(&mut self, host: &mut dyn Host, io: &mut TaskIo) -> TaskPoll {
        let data = std::mem::take(&mut io.stdin);
        self.input.push_str(&data);
        self.input_closed |= io.stdin_closed;
        self.run(host, &mut io.out)
    }

    /// Ctrl-C: interrupts the running command; the next poll flushes it and ends the job with 130.
    fn interrupt(&mut self) {
        if self.finished.is_some() {
            return;
        }
        if self.catches_interrupt() {
            if let Some(Frame::Cmd(f)) = self.stack.last_mut() {
                if let Some(r) = f.run.as_mut() {
                    r.task.interrupt();
                }
            }
            return;
        }
        self.interrupted = true;
        match self.stack.last_mut() {
            Some(Frame::Cmd(f)) => {
                if let Some(r) = f.run.as_mut() {
                    r.task.interrupt();
                }
                if let Some(c) = f.subs.as_mut().and_then(|s| s.child.as_mut()) {
                    c.interrupt();
                }
            }
            Some(Frame::Pipe(p)) => {
                if let Some(c) = p.child.as_mut() {
                    c.interrupt();
                }
            }
            Some(Frame::For(f)) => {
                if let Some(c) = f.subs.as_mut().and_then(|s| s.child.as_mut()) {
                    c.interrupt();
                }
            }
            _ => {}
        }
    }

    fn wants_input(&self) -> bool {
        Job::wants_input(self)
    }

    fn catches_interrupt(&self) -> bool {
        match self.stack.last() {
            Some(Frame::Cmd(f)) => f
                .run
                .as_ref()
                .is_some_and(|r| r.inherit && r.task.catches_interrupt()),
            _ => false,
        }
    }
}
