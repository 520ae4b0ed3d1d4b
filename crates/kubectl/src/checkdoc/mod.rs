//! `ordinal check-doc`: docs as tests. Runs a Markdown tutorial's shell blocks, in order,
//! through one fresh [`Session`] and reports, block by block, where the output the doc shows
//! differs from what the simulated v1.34 cluster prints. `--fix` rewrites the doc's output with
//! the cluster's. Tours (Markdown step files) use the same format.
//!
//! # What is a block
//! * **Current kubernetes.io style**: a ```` ```shell ```` block of commands (comments allowed),
//!   then — usually after a sentence such as "The output is similar to:" — an unlabelled
//!   ```` ``` ```` block with the output of all the commands of that block. A command block with
//!   no output block after it makes no claim: it is run (`RUN` in the report), and only counts
//!   as drift if it fails (non-zero exit status). Hugo shortcodes and prose are ignored, and so
//!   is inline code (`` `exit` `` in a sentence never runs).
//! * **2016 style**: one ```` ```shell ```` block with `$ ` (or `$`) prompt lines and their
//!   output interleaved; a block may also begin with an unprompted command. Every command in it
//!   is compared with the lines up to the next command — no lines means "prints nothing".
//!   Lines following an incomplete command (loop, heredoc, trailing `\`) are its continuation.
//! * An unlabelled block that consists of commands is a command block.
//!
//! # Pacing: the reader waits
//! A reader follows prose like "wait for the Pods to be Running and Ready" before typing the
//! next command; a script does not. Before every command typed into the learner's terminal
//! (except a watch, which a reader starts precisely to see the transitions), check-doc lets
//! virtual time run until every StatefulSet has converged — observed generation current,
//! `replicas` Pods Ready, the rollout done up to its partition, none of its Pods terminating —
//! or 5 virtual minutes pass — and until Pods the reader deleted themselves (Pods without an
//! owner, such as `kubectl run --rm`'s, which that command does not wait for) are gone. It does
//! not wait for anything else: Pods a cascading delete left to the garbage collector are still
//! there when the next command runs, exactly as they would be for a quick reader.
//!
//! # Watches (the tutorials' "first terminal")
//! The tutorials run `kubectl get pods -w` in a second terminal while commands run in the
//! first. check-doc models that terminal:
//! * a watch in a block with no output block after it, not marked as already running, is
//!   **started in the background**: it keeps reading the cluster's watch log while the
//!   following commands run;
//! * a later watch block saying "This should already be running" shows that background watch's
//!   output — everything it printed since it started — once it has been idle for 5 virtual
//!   seconds (the script rule for watches); an output block that follows another output block
//!   while a background watch runs (the Parallel section's "Examine the output of the terminal
//!   where the `kubectl get` command is running") is that watch's output too;
//! * a watch with its own output block, or "already running" when nothing runs in the
//!   background, runs in the foreground at that point until idle;
//! * starting a new watch ends the previous background one.
//!
//! Watch output is compared as the sequence of distinct states each object went through
//! (headers and repeated identical rows dropped; see [`normalize`]).
//!
//! # Pod shells
//! `kubectl run -i --tty …` (and `exec -it … sh`) open a shell in a pod; the following
//! commands that are not kubectl commands are typed into it (2016: `$ nslookup …` lines in the
//! same block; current: a block commented "Run this in the dns-test container shell", whose
//! output block may contain the next command, `nslookup web-1.nginx`, which is typed too). The
//! prompt (`/ # `) is not part of any output. When a kubectl command comes while a pod shell is
//! still open, check-doc first types `exit` into it, as the doc's prose asks.
//!
//! # Directives
//! HTML comments the renderer hides: `<!-- check-doc: run CMD -->` runs CMD (setup a reader
//! would do, e.g. after a typo; its output is not compared), `<!-- check-doc: skip -->` skips
//! the next code block.
//!
//! # Report and exit status
//! One line per command: `OK`, `DIFF` (followed by a unified-style diff of the doc's lines
//! against the cluster's, with the doc's line number), `RUN` (run, nothing to compare) or `NOTE`;
//! then `check-doc: N blocks, M match, K differ`. The CLI exits 1 on drift, 0 otherwise; with
//! `--fix` it rewrites every differing output (only those lines: everything else, including
//! outputs that match after normalization, is kept byte for byte) and exits 0.
//!
//! # Files
//! `-f web.yaml` reads relative to the session's working directory (the CLI sets it to the
//! Markdown file's directory); the tutorials' `https://k8s.io/examples/…` URLs are built in.

pub mod markdown;
pub mod normalize;

use crate::session::SessionHost;
use crate::shell::{parse_input, Dialect, Input, Job, Shell, Task, TaskIo, TaskPoll};
use crate::Session;
use markdown::{CodeBlock, Directive, Item, Line};
use ordinal_model::objects::apps::StatefulSet;
use ordinal_model::objects::pod::Pod;
use std::ops::Range;

/// Largest document accepted.
pub const MAX_DOC_BYTES: usize = 4 * 1024 * 1024;
/// Most commands one document may run.
pub const MAX_COMMANDS: usize = 5_000;
/// How long check-doc lets the cluster settle before a command, at most (virtual ms).
pub const SETTLE_CAP_MS: u64 = 300_000;
/// Most output kept per command.
const MAX_CAPTURE: usize = 1 << 20;

/// Checks that `bytes` is a Markdown text check-doc can read.
pub fn check_input(bytes: &[u8]) -> Result<&str, String> {
    if bytes.len() > MAX_DOC_BYTES {
        return Err(format!(
            "too large ({} bytes; the limit is {} bytes)",
            bytes.len(),
            MAX_DOC_BYTES
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "not a text file (invalid UTF-8 at byte {})",
            e.valid_up_to()
        )
    })?;
    if let Some(i) = text.find('\0') {
        return Err(format!("not a text file (NUL byte at offset {i})"));
    }
    Ok(text)
}

/// The result of a check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The report, ending with the summary line.
    pub report: String,
    /// Compared blocks (plus commands with no output shown that failed).
    pub blocks: usize,
    pub matched: usize,
    pub differ: usize,
    /// The document with every differing output replaced by the cluster's.
    pub fixed: String,
}

impl Outcome {
    /// The CLI's exit status: 1 on drift.
    pub fn exit_code(&self) -> i32 {
        i32::from(self.differ > 0)
    }
}

#[derive(Debug, Clone)]
enum Status {
    Ok,
    Diff { doc_line: usize, hunks: String },
    Run(String),
    Note(String),
}

#[derive(Debug, Clone)]
struct Entry {
    line: usize,
    label: String,
    status: Status,
}

struct Edit {
    range: Range<usize>,
    text: String,
}

/// A command whose output block may follow.
struct Pending {
    line: usize,
    label: String,
    out: String,
    status: i32,
    watch: bool,
    /// A shell in a pod was open after the command ran.
    pod_shell: bool,
    note: Option<String>,
}

/// The second terminal: a watch running in the background.
struct Bg {
    line: usize,
    label: String,
    job: Job,
    io: TaskIo,
    out: String,
    done: bool,
}

struct Runner<'a> {
    name: &'a str,
    text: &'a str,
    eol: &'static str,
    s: Session,
    bg: Option<Bg>,
    pending: Option<Pending>,
    entries: Vec<Entry>,
    edits: Vec<Edit>,
    commands: usize,
    aborted: Option<String>,
}

/// Runs `text` (the Markdown document called `name` in the report) through `session` (fresh;
/// its file source and working directory decide what `-f web.yaml` reads).
pub fn check(name: &str, text: &str, session: Session) -> Outcome {
    let items = markdown::parse(text);
    let mut r = Runner {
        name,
        text,
        eol: if text.contains("\r\n") { "\r\n" } else { "\n" },
        s: session,
        bg: None,
        pending: None,
        entries: Vec::new(),
        edits: Vec::new(),
        commands: 0,
        aborted: None,
    };
    let mut skip_next = false;
    for (idx, item) in items.iter().enumerate() {
        if r.aborted.is_some() {
            break;
        }
        match item {
            Item::Directive { line, directive } => {
                r.finish_pending();
                match directive {
                    Directive::Skip => skip_next = true,
                    Directive::Run(cmd) => r.setup(*line, cmd),
                    Directive::Unknown(d) => r.entries.push(Entry {
                        line: *line,
                        label: format!("<!-- check-doc: {d} -->"),
                        status: Status::Diff {
                            doc_line: *line,
                            hunks: "unknown check-doc directive (known: `run CMD`, `skip`)\n"
                                .into(),
                        },
                    }),
                }
            }
            Item::Block(b) => {
                if skip_next {
                    skip_next = false;
                    r.finish_pending();
                    r.entries.push(Entry {
                        line: b.fence_line,
                        label: "(code block)".into(),
                        status: Status::Note("skipped (check-doc: skip)".into()),
                    });
                    continue;
                }
                match classify(b) {
                    BlockKind::Commands => r.command_block(b, next_is_output(&items, idx)),
                    BlockKind::Combined => r.combined_block(b),
                    BlockKind::Output => r.output_block(b),
                    BlockKind::Other => {}
                }
            }
        }
    }
    r.finish_pending();
    if r.s.wants_input() {
        r.s.submit("exit");
        r.s.run_until_blocked();
        let _ = r.s.poll();
    }
    r.drop_bg();
    r.finish()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BlockKind {
    /// Only commands (current style).
    Commands,
    /// Commands and their output (2016 style).
    Combined,
    /// Output of the preceding commands.
    Output,
    /// YAML, JSON, …: not run.
    Other,
}

fn classify(b: &CodeBlock) -> BlockKind {
    let shell = markdown::is_shell_lang(&b.lang);
    let output_lang = matches!(
        b.lang.as_str(),
        "" | "text" | "txt" | "none" | "output" | "plaintext" | "log"
    );
    if !shell && !output_lang {
        return BlockKind::Other;
    }
    if markdown::is_command_only(b) {
        BlockKind::Commands
    } else if shell && b.lines.iter().any(|l| !l.text.trim().is_empty()) {
        BlockKind::Combined
    } else if shell {
        BlockKind::Other
    } else {
        BlockKind::Output
    }
}

/// Is the next code block (before any directive) an output block?
fn next_is_output(items: &[Item], idx: usize) -> bool {
    match items.get(idx + 1) {
        Some(Item::Block(b)) => classify(b) == BlockKind::Output,
        _ => false,
    }
}

/// Is this command line a `kubectl get … -w`?
pub(crate) fn is_watch(cmd: &str) -> bool {
    let words: Vec<&str> = cmd.split_whitespace().collect();
    words.contains(&"kubectl")
        && words.contains(&"get")
        && words.iter().any(|w| {
            matches!(*w, "-w" | "--watch" | "--watch-only" | "--watch=true")
                || (w.starts_with('-')
                    && !w.starts_with("--")
                    && w.len() <= 4
                    && w.contains('w')
                    && w[1..].chars().all(|c| c.is_ascii_alphabetic()))
        })
}

/// A command typed into the learner's terminal rather than a pod's shell.
pub(crate) fn for_terminal(cmd: &str) -> bool {
    cmd.split(|c: char| c.is_whitespace() || c == ';' || c == '(' || c == '|' || c == '&')
        .any(|w| w == "kubectl" || w == "sim")
}

fn label_of(lines: &[String]) -> String {
    let first = lines.first().map(String::as_str).unwrap_or("");
    let mut l: String = first.chars().take(120).collect();
    if l.len() < first.len() || lines.len() > 1 {
        l.push_str(" …");
    }
    l
}

fn text_lines(s: &str) -> Vec<String> {
    s.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l).to_string())
        .collect()
}

/// Lets virtual time run until every StatefulSet has converged (see the module docs) or
/// `cap_ms` virtual ms pass; `between` runs after each advance (output already drained).
/// Does nothing while a job runs (a pod shell is open).
pub(crate) fn settle(s: &mut Session, cap_ms: u64, mut between: impl FnMut(&mut Session)) {
    if s.busy() {
        return;
    }
    let deadline = s.now().ms() + cap_ms;
    for _ in 0..100_000 {
        if converged(s) {
            return;
        }
        let now = s.now().ms();
        if now >= deadline {
            return;
        }
        let next = s
            .world()
            .borrow()
            .cluster()
            .next_wake()
            .map(|t| t.ms())
            .filter(|t| *t > now)
            .unwrap_or(now + 1000)
            .min(deadline);
        s.advance_ms(next - now);
        let _ = s.poll();
        between(s);
    }
}

/// Has every StatefulSet converged, and are the Pods the reader deleted gone?
pub(crate) fn converged(s: &Session) -> bool {
    let world = s.world().borrow();
    let c = world.cluster();
    let pods = c.list::<Pod>(None);
    // A Pod the reader deleted (no owner: `kubectl run --rm`'s busybox, which ignores
    // SIGTERM and goes after its 30 s grace period) is gone by the time they get to the
    // next command; Pods a garbage collector is deleting are not waited for.
    if pods
        .iter()
        .any(|p| p.metadata.deletion_timestamp.is_some() && p.metadata.owner_references.is_empty())
    {
        return false;
    }
    for sts in c.list::<StatefulSet>(None) {
        if sts.metadata.deletion_timestamp.is_some() {
            continue;
        }
        let r = sts.spec.replicas.unwrap_or(1);
        let st = &sts.status;
        if st.observed_generation.unwrap_or(0) < sts.metadata.generation
            || st.replicas != r
            || st.ready_replicas != r
        {
            return false;
        }
        let strategy = sts.spec.update_strategy.as_ref();
        let on_delete = strategy
            .and_then(|s| s.type_.as_deref())
            .is_some_and(|t| t == "OnDelete");
        if !on_delete {
            let partition = strategy
                .and_then(|s| s.rolling_update.as_ref())
                .and_then(|r| r.partition)
                .unwrap_or(0);
            if st.updated_replicas < (r - partition).max(0) {
                return false;
            }
        }
        // The status may lag behind the Pods (the controller has not seen a deletion yet):
        // look at the Pods themselves too.
        let uid = &sts.metadata.uid;
        let owned: Vec<&&Pod> = pods
            .iter()
            .filter(|p| p.metadata.owner_references.iter().any(|o| &o.uid == uid))
            .collect();
        if owned.len() != r as usize
            || owned
                .iter()
                .any(|p| p.metadata.deletion_timestamp.is_some() || !p.is_running_and_ready())
        {
            return false;
        }
    }
    true
}

/// Polls the background watch. `ending`: apply the script rule (end after 5 idle
/// seconds); otherwise it keeps running however long the foreground takes.
fn poll_bg(bg: &mut Option<Bg>, s: &Session, ending: bool) -> Option<TaskPoll> {
    let bg = bg.as_mut()?;
    if bg.done {
        return Some(TaskPoll::Done(0));
    }
    let world = s.world().clone();
    let saved = world.borrow().script_mode;
    world.borrow_mut().script_mode = ending;
    let mut host = SessionHost {
        world: world.clone(),
    };
    let mut last = TaskPoll::Pending { wake_at_ms: None };
    for _ in 0..10_000 {
        last = bg.job.poll(&mut host, &mut bg.io);
        for (_, t) in bg.io.take_out() {
            if bg.out.len() < MAX_CAPTURE {
                bg.out.push_str(&t);
            }
        }
        match last {
            TaskPoll::Done(_) => {
                bg.done = true;
                break;
            }
            TaskPoll::Pending {
                wake_at_ms: Some(t),
            } if t <= world.borrow().now().ms() => continue,
            _ => break,
        }
    }
    world.borrow_mut().script_mode = saved;
    Some(last)
}

impl Runner<'_> {
    fn count_command(&mut self) -> bool {
        self.commands += 1;
        if self.commands > MAX_COMMANDS {
            self.aborted = Some(format!(
                "the document runs more than {MAX_COMMANDS} commands; stopped"
            ));
            return false;
        }
        true
    }

    /// Output since the last call, merged.
    fn take_output(&mut self, into: &mut String) {
        for (_, t) in self.s.poll() {
            if into.len() < MAX_CAPTURE {
                into.push_str(&t);
            }
        }
    }

    /// Runs one command (its lines as written). Returns its output (a pod shell's trailing
    /// prompt removed) and exit status.
    fn exec(&mut self, line: usize, lines: &[String]) -> (String, i32) {
        let joined = lines.join("\n");
        if self.s.wants_input() && for_terminal(&joined) {
            self.exit_pod_shell(line);
        }
        let in_pod = self.s.wants_input();
        if !in_pod && !is_watch(&joined) {
            self.settle();
        }
        let mut out = String::new();
        for l in lines {
            self.s.submit(l);
            self.s.run_until_blocked();
            self.take_output(&mut out);
            self.poll_bg(false);
        }
        if self.s.continuing() {
            // The block ended inside a loop or heredoc: bash's end-of-file error.
            self.s.end_of_input();
            self.s.run_until_blocked();
            self.take_output(&mut out);
        }
        if self.s.wants_input() {
            // The pod shell's prompt belongs to the next command line.
            match out.rfind('\n') {
                Some(i) => out.truncate(i + 1),
                None => out.clear(),
            }
        }
        let status = if in_pod { 0 } else { self.s.last_status() };
        (out, status)
    }

    fn exit_pod_shell(&mut self, line: usize) {
        self.s.submit("exit");
        self.s.run_until_blocked();
        let _ = self.s.poll();
        self.entries.push(Entry {
            line,
            label: "exit".into(),
            status: Status::Run(
                "typed into the pod's shell before the next kubectl command (the doc says so in prose)"
                    .into(),
            ),
        });
    }

    /// Lets virtual time run until every StatefulSet has converged (see the module docs),
    /// the background watch reading along.
    fn settle(&mut self) {
        let bg = &mut self.bg;
        settle(&mut self.s, SETTLE_CAP_MS, |s| {
            poll_bg(bg, s, false);
        });
    }

    // ---- the background watch ----

    fn start_bg(&mut self, line: usize, label: String, cmd: &str) {
        self.drop_bg();
        let Input::Complete(script) = parse_input(cmd, Dialect::Bash) else {
            return;
        };
        let job = Shell::new(Dialect::Bash).start(&script);
        self.bg = Some(Bg {
            line,
            label,
            job,
            io: TaskIo::default(),
            out: String::new(),
            done: false,
        });
        // The first poll prints the initial list; with script rules on, it sets no deadline.
        self.poll_bg(true);
    }

    /// Polls the background watch (see [`poll_bg`]).
    fn poll_bg(&mut self, ending: bool) -> Option<TaskPoll> {
        poll_bg(&mut self.bg, &self.s, ending)
    }

    /// Runs the background watch until it has been idle for 5 virtual seconds.
    fn finish_bg(&mut self) -> Option<Bg> {
        for _ in 0..100_000 {
            match self.poll_bg(true)? {
                TaskPoll::Done(_) => break,
                TaskPoll::Pending { wake_at_ms } => {
                    let now = self.s.now().ms();
                    let t = wake_at_ms.filter(|t| *t > now).unwrap_or(now + 1000);
                    self.s.advance_ms(t - now);
                    let _ = self.s.poll();
                }
            }
        }
        self.bg.take()
    }

    fn drop_bg(&mut self) {
        if let Some(mut bg) = self.bg.take() {
            if !bg.done {
                bg.job.interrupt();
                let world = self.s.world().clone();
                let mut host = SessionHost { world };
                let _ = bg.job.poll(&mut host, &mut bg.io);
            }
        }
    }

    // ---- blocks ----

    fn setup(&mut self, line: usize, cmd: &str) {
        if !self.count_command() {
            return;
        }
        let (out, status) = self.exec(line, &[cmd.to_string()]);
        let mut note = format!("setup (check-doc: run), exit status {status}");
        if status != 0 {
            note.push_str(": ");
            note.push_str(out.lines().last().unwrap_or(""));
        }
        self.entries.push(Entry {
            line,
            label: cmd.to_string(),
            status: Status::Run(note),
        });
    }

    /// Commands grouped: (first line number, the command's lines). Comments and blank lines
    /// between commands are dropped.
    fn group_commands(lines: &[Line]) -> Vec<(usize, Vec<String>)> {
        let mut acc = crate::shell::Accumulator::new(Dialect::Bash);
        let mut cmds: Vec<(usize, Vec<String>)> = Vec::new();
        for l in lines {
            let t = l.text.trim();
            if acc.is_continuing() {
                if let Some(c) = cmds.last_mut() {
                    c.1.push(l.text.clone());
                }
                let _ = acc.push_line(&l.text);
                continue;
            }
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            let cmd = t.strip_prefix('$').map(str::trim_start).unwrap_or(&l.text);
            cmds.push((l.no, vec![cmd.to_string()]));
            let _ = acc.push_line(cmd);
        }
        cmds
    }

    fn command_block(&mut self, b: &CodeBlock, output_follows: bool) {
        self.finish_pending();
        let cmds = Self::group_commands(&b.lines);
        if cmds.is_empty() {
            return;
        }
        let comments: String = b
            .lines
            .iter()
            .filter(|l| l.text.trim_start().starts_with('#'))
            .map(|l| l.text.to_ascii_lowercase())
            .collect::<Vec<_>>()
            .join(" ");
        let line = cmds[0].0;
        let label = label_of(&cmds[0].1);
        if cmds.len() == 1 && cmds[0].1.len() == 1 && is_watch(&cmds[0].1[0]) {
            if !self.count_command() {
                return;
            }
            // "This should already be running" (not "If you already have a watch running, you
            // can continue using that. Otherwise, start one.").
            let already = (comments.contains("already running")
                || comments.contains("already be running"))
                && !comments.contains("if you already");
            if already && self.bg.is_some() {
                let bg = self.finish_bg().expect("background watch");
                self.pending = Some(Pending {
                    line,
                    label,
                    out: bg.out,
                    status: 0,
                    watch: true,
                    pod_shell: false,
                    note: Some(format!(
                        "the watch started at line {} ({}), running since",
                        bg.line, bg.label
                    )),
                });
                return;
            }
            if !already && !output_follows {
                let cmd = cmds[0].1[0].clone();
                self.start_bg(line, label.clone(), &cmd);
                self.entries.push(Entry {
                    line,
                    label,
                    status: Status::Run("watch left running in the background".into()),
                });
                return;
            }
            let (out, status) = self.exec(line, &cmds[0].1);
            self.pending = Some(Pending {
                line,
                label,
                out,
                status,
                watch: true,
                pod_shell: self.s.wants_input(),
                note: None,
            });
            return;
        }
        let mut out = String::new();
        let mut status = 0;
        for (l, c) in &cmds {
            if !self.count_command() {
                return;
            }
            let (o, st) = self.exec(*l, c);
            out.push_str(&o);
            status = st;
        }
        self.pending = Some(Pending {
            line,
            label,
            out,
            status,
            watch: false,
            pod_shell: self.s.wants_input(),
            note: None,
        });
    }

    /// A command block that no output block followed.
    fn finish_pending(&mut self) {
        let Some(p) = self.pending.take() else {
            return;
        };
        if p.status != 0 && !p.watch {
            let got = normalize::side(&text_lines(&p.out), false);
            let hunks = normalize::diff(&normalize::Side::default(), &got).unwrap_or_default();
            self.entries.push(Entry {
                line: p.line,
                label: p.label,
                status: Status::Diff {
                    doc_line: p.line,
                    hunks: format!(
                        "(the doc shows no output; the command failed with exit status {})\n{hunks}",
                        p.status
                    ),
                },
            });
            return;
        }
        let note = if p.out.trim().is_empty() {
            "no output".to_string()
        } else {
            format!(
                "{} lines of output, not shown in the doc",
                p.out.trim_end().lines().count()
            )
        };
        self.entries.push(Entry {
            line: p.line,
            label: p.label,
            status: Status::Run(note),
        });
    }

    fn output_block(&mut self, b: &CodeBlock) {
        if let Some(p) = self.pending.take() {
            let (lead, segs) = markdown::segments(&b.lines, true, p.pod_shell);
            self.compare(
                p.line,
                p.label,
                &lead,
                b.content_start,
                &p.out,
                p.watch,
                p.note,
            );
            for seg in segs {
                self.run_segment(&seg);
            }
            return;
        }
        if self.bg.is_some() {
            let bg = self.finish_bg().expect("background watch");
            let note = Some(format!(
                "the watch started at line {} ({}), running since",
                bg.line, bg.label
            ));
            let line = b.fence_line;
            self.compare(
                line,
                format!("(output of the background watch) {}", bg.label),
                &b.lines,
                b.content_start,
                &bg.out,
                true,
                note,
            );
            return;
        }
        if b.lines.iter().any(|l| !l.text.trim().is_empty()) {
            self.entries.push(Entry {
                line: b.fence_line,
                label: "(output block)".into(),
                status: Status::Note("no command before it: not checked".into()),
            });
        }
    }

    fn combined_block(&mut self, b: &CodeBlock) {
        self.finish_pending();
        let (lead, segs) = markdown::segments(&b.lines, false, false);
        if lead.iter().any(|l| !l.text.trim().is_empty()) {
            self.entries.push(Entry {
                line: lead[0].no,
                label: "(output lines)".into(),
                status: Status::Note("no command before them: not checked".into()),
            });
        }
        for seg in segs {
            self.run_segment(&seg);
        }
    }

    /// Runs one command of a combined block (or typed inside an output block) and compares
    /// the lines after it.
    fn run_segment(&mut self, seg: &markdown::Segment) {
        let cmd: Vec<String> = seg
            .cmd
            .iter()
            .skip_while(|l| l.text.trim_start().starts_with('#'))
            .map(|l| l.text.clone())
            .collect();
        if cmd.is_empty() || !self.count_command() {
            return;
        }
        let line = seg
            .cmd
            .iter()
            .find(|l| !l.text.trim_start().starts_with('#'))
            .map_or(0, |l| l.no);
        let watch = cmd.len() == 1 && is_watch(&cmd[0]);
        let (out, _) = self.exec(line, &cmd);
        let insert_at = seg.cmd.last().map_or(0, |l| l.range.end);
        self.compare(
            line,
            label_of(&cmd),
            &seg.output,
            insert_at,
            &out,
            watch,
            None,
        );
    }

    /// Compares the doc's lines with the output and records the entry (and the `--fix` edit).
    #[allow(clippy::too_many_arguments)]
    fn compare(
        &mut self,
        line: usize,
        label: String,
        doc: &[Line],
        insert_at: usize,
        got: &str,
        watch: bool,
        note: Option<String>,
    ) {
        let doc_raw: Vec<String> = doc.iter().map(|l| l.text.clone()).collect();
        let got_lines = text_lines(got);
        let d = normalize::side(&doc_raw, watch);
        let g = normalize::side(&got_lines, watch);
        let first = doc.iter().position(|l| !l.text.trim().is_empty());
        let last = doc.iter().rposition(|l| !l.text.trim().is_empty());
        let doc_line = first.map_or(line, |i| doc[i].no);
        match normalize::diff(&d, &g) {
            None => self.entries.push(Entry {
                line,
                label,
                status: Status::Ok,
            }),
            Some(hunks) => {
                let hunks = match note {
                    Some(n) => format!("({n})\n{hunks}"),
                    None => hunks,
                };
                self.entries.push(Entry {
                    line,
                    label,
                    status: Status::Diff { doc_line, hunks },
                });
                let range = match (first, last) {
                    (Some(a), Some(b)) => doc[a].range.start..doc[b].range.end,
                    _ => insert_at..insert_at,
                };
                let mut text = String::new();
                let mut raw: Vec<&str> = got.split('\n').collect();
                while raw.last().is_some_and(|l| l.trim().is_empty()) {
                    raw.pop();
                }
                for l in raw {
                    text.push_str(l.strip_suffix('\r').unwrap_or(l));
                    text.push_str(self.eol);
                }
                // Keep the line ending the replaced text had (the last line of a file may
                // have none).
                if range.end > range.start && !self.text[..range.end].ends_with('\n') {
                    let n = text.len() - self.eol.len();
                    text.truncate(n);
                }
                self.edits.push(Edit { range, text });
            }
        }
    }

    fn finish(self) -> Outcome {
        let mut report = format!("check-doc {} (seed {})\n\n", self.name, self.s.seed());
        let (mut matched, mut differ) = (0, 0);
        for e in &self.entries {
            match &e.status {
                Status::Ok => {
                    matched += 1;
                    report.push_str(&format!("OK    line {}: {}\n", e.line, e.label));
                }
                Status::Run(n) => {
                    report.push_str(&format!("RUN   line {}: {}  [{n}]\n", e.line, e.label));
                }
                Status::Note(n) => {
                    report.push_str(&format!("NOTE  line {}: {}  [{n}]\n", e.line, e.label));
                }
                Status::Diff { doc_line, hunks } => {
                    differ += 1;
                    report.push_str(&format!(
                        "DIFF  line {}: {}\n--- {}:{} (doc)\n+++ cluster\n{hunks}\n",
                        e.line, e.label, self.name, doc_line
                    ));
                }
            }
        }
        if let Some(a) = &self.aborted {
            report.push_str(&format!("ERROR {a}\n"));
            differ += 1;
        }
        let blocks = matched + differ;
        report.push_str(&format!(
            "check-doc: {blocks} blocks, {matched} match, {differ} differ\n"
        ));
        let mut fixed = String::with_capacity(self.text.len());
        let mut edits = self.edits;
        edits.sort_by_key(|e| e.range.start);
        let mut at = 0;
        for e in edits {
            if e.range.start < at {
                continue;
            }
            fixed.push_str(&self.text[at..e.range.start]);
            fixed.push_str(&e.text);
            at = e.range.end;
        }
        fixed.push_str(&self.text[at..]);
        Outcome {
            report,
            blocks,
            matched,
            differ,
            fixed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(doc: &str) -> Outcome {
        check("t.md", doc, Session::new(0))
    }

    #[test]
    fn watch_detection() {
        assert!(is_watch("kubectl get pods --watch -l app=nginx"));
        assert!(is_watch("kubectl get -w po -l app=nginx"));
        assert!(!is_watch("kubectl get pods -l app=nginx"));
        assert!(!is_watch("kubectl get pods -o wide"));
    }

    #[test]
    fn current_style_ok_and_diff() {
        let doc = "```shell\nkubectl apply -f https://k8s.io/examples/application/web/web.yaml\n```\n\
                   The output:\n```\nservice/nginx created\nstatefulset.apps/web created\n```\n\
                   ```shell\nkubectl get sts web\n```\n```\nNAME   READY   AGE\nweb    3/3     1m\n```\n";
        let o = run(doc);
        assert_eq!((o.blocks, o.matched, o.differ), (2, 1, 1), "{}", o.report);
        assert!(
            o.report.contains("-web    3/3     1m\n+web    2/2"),
            "{}",
            o.report
        );
        assert!(o.fixed.contains("```\nNAME   READY   AGE\nweb    2/2     "));
        assert!(o.fixed.starts_with("```shell\nkubectl apply"));
        // Fixing is idempotent: the fixed doc matches.
        let again = run(&o.fixed);
        assert_eq!(again.differ, 0, "{}", again.report);
    }

    #[test]
    fn prompt_style_with_empty_output_and_failures() {
        let doc = "```shell\n$ kubectl create -f web.yml\n$ echo hi\nhi\n\n$ kubectl get po\nNo resources found.\n```\n";
        let o = run(doc);
        assert_eq!((o.blocks, o.matched, o.differ), (3, 1, 2), "{}", o.report);
        assert!(o
            .report
            .contains("+error: the path \"web.yml\" does not exist"));
        assert!(o
            .fixed
            .contains("$ kubectl create -f web.yml\nerror: the path"));
        assert!(o
            .fixed
            .contains("$ kubectl get po\nNo resources found in default namespace.\n```"));
    }

    #[test]
    fn failing_command_without_output_block_is_drift() {
        let o = run("```shell\nkubectl get pod nope\n```\n\nText.\n");
        assert_eq!(o.differ, 1, "{}", o.report);
        assert_eq!(o.exit_code(), 1);
        let o = run("```shell\necho fine\n```\n");
        assert_eq!((o.blocks, o.differ), (0, 0), "{}", o.report);
        assert!(o.report.contains("RUN   line 2: echo fine"));
    }

    #[test]
    fn bad_input() {
        assert!(check_input(b"\xff\xfe")
            .unwrap_err()
            .contains("not a text file"));
        assert!(check_input(b"a\0b").unwrap_err().contains("NUL"));
        assert!(check_input(&vec![b'a'; MAX_DOC_BYTES + 1])
            .unwrap_err()
            .contains("too large"));
        let o = run("no code here\n");
        assert_eq!(o.blocks, 0);
        let o = run("```shell\nfor i in 1 2; do\n```\n");
        assert_eq!(o.differ, 1, "{}", o.report);
    }
}
