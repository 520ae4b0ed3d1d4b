//! Guided tours: Markdown step files with a check per step — a predicate on the model's state
//! that tells the learner (and the tests) when the step is done.
//!
//! # API for the UI
//!
//! ```text
//! let tour = Tour::parse("statefulset-basics.md", TEXT)?;      // Err(TourError): "file:line: msg"
//! let mut session = Session::with_files(tour.seed.unwrap_or(0), files, false);
//! let mut progress = TourProgress::new(tour, &session.cluster());
//!
//! // render the current step
//! let step: &Step = progress.current_step();
//! //   step.title, step.parts (Prose(markdown) / Commands(Vec<String>) / Output(text)),
//! //   step.body_markdown (the same, as Markdown), step.commands (every "Run: <command>" button)
//! // a "Run: <command>" button, and every line the learner types, go through the progress:
//! progress.submit(&mut session, "kubectl scale sts web --replicas=5");  // = session.submit + record
//! //   (or call progress.record_command(line) next to your own session.submit(line))
//! // on every tick (after session.advance_ms):
//! let r: CheckResult = progress.evaluate_session(&session);     // { done, detail }
//! let status: String = progress.status_text();                   // "Step 3 of 12: done"
//! if !r.done { show(r.detail) }                                   // "web-1 is Pending"
//! progress.next(&session.cluster()); progress.previous(&session.cluster());
//! progress.go_to(2, &session.cluster());                         // embed `?step=3` (0-based here)
//! ```
//!
//! A step, once its check has been true, stays done (`status_text` says "done" even if the
//! learner changes the cluster afterwards). Entering a step records its *baseline* (the UIDs of
//! the Pods that exist then) for `recreated` and clears the commands recorded for it.
//!
//! # Tour file format
//!
//! ```text
//! ---
//! title: StatefulSet Basics
//! id: statefulset-basics
//! description: One line for the tour picker.
//! seed: 0                      (optional)
//! ---
//! Optional introduction (Markdown).
//!
//! ## First step's title
//! Prose (Markdown).
//! ```shell                     one command per line ("Run" buttons); `#` comments ignored;
//! kubectl apply -f web.yaml    multi-line commands (trailing `\`, loops) stay together
//! ```
//! ```                          optional: an unlabelled block right after is the expected
//! service/nginx created        output, compared by `ordinal check-doc`
//! ```
//! ```check                     the step's check (or `<!-- check: … -->` on one line)
//! pods web-0 web-1 running ready
//! ```
//! ```
//!
//! Steps are separated by `## ` headings (outside code blocks). Everything before the first
//! heading is the introduction. A step without a check is done once all of its commands were
//! run (an implicit `commands-ran`); a step with neither commands nor check is always done.
//! `ordinal check-doc TOUR.md` runs a tour like a tutorial (front matter and check blocks are
//! ignored there).
//!
//! # Check language
//!
//! One clause per line, or several joined by `and` (or `;`); every clause must hold. `#` starts
//! a comment line. Names are in the `default` namespace. Values with spaces go in quotes.
//!
//! | clause | true when |
//! |---|---|
//! | `pods NAME… [COND…]` (`pod` too) | each named Pod has every COND (no COND: it exists) |
//! | `pods -l K=V[,K=V] count N` | exactly N Pods (not terminating) match the labels |
//! | `statefulset NAME [COND…]` (`sts`) | the StatefulSet has every COND (none: it exists) |
//! | `pvcs NAME… bound\|absent\|exists` (`pvc`) | each claim is Bound / gone / present |
//! | `service NAME [absent\|exists]` (`svc`) | the Service exists / is gone |
//! | `command-ran "CMD"` | CMD was run (Run button or typed) since the step began |
//! | `commands-ran` | every command of this step was run since it began |
//! | `dns NAME resolves\|nxdomain` | NAME resolves from a Pod in `default` (search domains) |
//!
//! Pod conditions: `running` (phase Running, not terminating), `ready` (Ready=True), `absent`,
//! `exists`, `terminating`, `recreated` (a different UID than when the step began),
//! `recreated since step N` (than when step N, 1-based, began), `data PATH=TEXT` (the file's
//! content, trimmed, is TEXT; a relative PATH is relative to the first container's first volume
//! mount), `recreated-with-data PATH=TEXT` (both), `at update-revision` / `at current-revision`
//! (its `controller-revision-hash` label equals the owning set's status revision),
//! `image IMAGE` (its first container's image).
//!
//! StatefulSet conditions: `replicas N` (spec), `ready N`, `updated N`, `current N` (status),
//! `partition N` (rollingUpdate.partition, unset = 0), `strategy RollingUpdate|OnDelete`,
//! `rolled-out` (observed, update revision = current revision, all replicas updated and
//! ready), `update-pending` (update revision ≠ current revision), `absent`, `exists`.
//!
//! Commands are compared normalized: a pasted `$ ` removed, quotes removed, whitespace
//! collapsed, kubectl's short resource names expanded (`sts` → `statefulset`, `po`, `svc`, `pvc`),
//! `TYPE/NAME` split, `--flag value` written as `--flag=value` for the flags that take values
//! in tours (`--replicas`, `--type`, `-p`, `--cascade`, `--image`). A multi-line command
//! counts as run when its first line was.

use crate::checkdoc::{for_terminal, is_watch, settle, SETTLE_CAP_MS};
use crate::session::{Session, Submit, World};
use crate::shell::Stream;
use ordinal_model::dns::{resolve, RecordType, Resolution};
use ordinal_model::objects::{PersistentVolumeClaim, Pod, Service, StatefulSet};
use ordinal_model::vecmap::VecMap;
use ordinal_model::Cluster;
use std::fmt;

/// Largest tour file accepted.
pub const MAX_TOUR_BYTES: usize = 512 * 1024;
/// Most steps a tour may have.
pub const MAX_STEPS: usize = 200;
/// Most commands kept per step (the oldest are dropped).
const MAX_RECORDED: usize = 1000;
const NS: &str = "default";
/// How long [`TourProgress::fast_forward`] lets virtual time run for one step's check after
/// its commands, at most (10 virtual minutes).
pub const FAST_FORWARD_STEP_CAP_MS: u64 = 600_000;

/// A parse error: the file, the 1-based line and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TourError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for TourError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for TourError {}

#[derive(Debug, Clone, PartialEq)]
pub struct Tour {
    /// The name given to [`Tour::parse`] (for errors).
    pub file: String,
    pub id: String,
    pub title: String,
    pub description: String,
    pub seed: Option<u64>,
    /// Markdown before the first step.
    pub intro_markdown: String,
    pub steps: Vec<Step>,
}

/// One piece of a step's body, in order: what the UI renders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Markdown prose (render as text/markdown; never as raw HTML).
    Prose(String),
    /// A command block: one "Run: <command>" button per command.
    Commands(Vec<String>),
    /// The expected output shown after a command block.
    Output(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub title: String,
    /// Line of the `## ` heading.
    pub line: usize,
    /// The step's Markdown without the heading and the check.
    pub body_markdown: String,
    pub parts: Vec<Part>,
    /// Every command of the step's shell blocks, in order.
    pub commands: Vec<String>,
    pub check: Check,
}

/// A step's check: all clauses must hold. No clauses = always done.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// The check as written.
    pub source: String,
    pub clauses: Vec<Clause>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Clause {
    Pods {
        names: Vec<String>,
        conds: Vec<PodCond>,
    },
    PodCount {
        selector: Vec<(String, String)>,
        count: usize,
    },
    StatefulSet {
        name: String,
        conds: Vec<StsCond>,
    },
    Pvcs {
        names: Vec<String>,
        state: Presence,
    },
    Service {
        name: String,
        state: Presence,
    },
    /// A normalized command line.
    CommandRan(String),
    Dns {
        name: String,
        resolves: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum PodCond {
    Exists,
    Absent,
    Running,
    Ready,
    Terminating,
    /// `None`: since this step began; `Some(i)`: since step `i` (0-based) began.
    Recreated(Option<usize>),
    Data {
        path: String,
        text: String,
    },
    AtUpdateRevision,
    AtCurrentRevision,
    Image(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum StsCond {
    Exists,
    Absent,
    Replicas(i32),
    Ready(i32),
    Updated(i32),
    Current(i32),
    Partition(i32),
    Strategy(String),
    RolledOut,
    UpdatePending,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    Exists,
    Absent,
    /// PVCs only: phase Bound.
    Bound,
}

/// The answer of a check: `detail` says why not yet (or "done").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckResult {
    pub done: bool,
    pub detail: String,
}

impl CheckResult {
    fn yes() -> CheckResult {
        CheckResult {
            done: true,
            detail: "done".into(),
        }
    }
    fn no(detail: impl Into<String>) -> CheckResult {
        CheckResult {
            done: false,
            detail: detail.into(),
        }
    }
}

/// Pod UIDs (by name, namespace `default`) when a step began.
pub type Baseline = VecMap<String, String>;

/// Reads a file in a Pod's container (for `data` conditions).
pub trait PodFiles {
    fn read(&self, cluster: &Cluster, pod: &str, path: &str) -> Option<String>;
}

/// No container files (every `data` condition is false).
pub struct NoFiles;

impl PodFiles for NoFiles {
    fn read(&self, _: &Cluster, _: &str, _: &str) -> Option<String> {
        None
    }
}

/// The files of a [`Session`]'s pods, read through the model's container filesystems (what
/// `kubectl exec` writes is recorded in the model, so PVC-backed files survive Pods).
pub struct WorldFiles<'a>(pub &'a World);

impl PodFiles for WorldFiles<'_> {
    fn read(&self, cluster: &Cluster, pod: &str, path: &str) -> Option<String> {
        cluster.api.get::<Pod>(NS, pod)?;
        // Reading needs the pod's environment, which the model opens mutably; a clone keeps
        // the check side-effect free (checks with `data` clauses are rare).
        let mut c = cluster.clone();
        c.exec_read_file(NS, pod, None, path).ok()
    }
}

/// What a check sees besides the cluster.
pub struct TourContext<'a> {
    /// The current step (0-based).
    pub step: usize,
    /// The step's own commands, normalized (for `commands-ran`, already expanded at parse).
    pub commands_run: &'a [String],
    /// Baselines by step (None: the step was never entered).
    pub baselines: &'a [Option<Baseline>],
    pub files: &'a dyn PodFiles,
}

// ---------------------------------------------------------------------------------------------
// Parsing

fn err(file: &str, line: usize, message: impl Into<String>) -> TourError {
    TourError {
        file: file.to_string(),
        line,
        message: message.into(),
    }
}

fn fence_of(line: &str) -> Option<(char, usize, String)> {
    let t = line.trim_start();
    let c = t.chars().next()?;
    if c != '`' && c != '~' {
        return None;
    }
    let n = t.chars().take_while(|&x| x == c).count();
    if n < 3 {
        return None;
    }
    Some((c, n, t[n..].trim().to_ascii_lowercase()))
}

impl Tour {
    /// Parses a tour file. `name` is used in errors (`name:line: message`).
    pub fn parse(name: &str, text: &str) -> Result<Tour, TourError> {
        if text.len() > MAX_TOUR_BYTES {
            return Err(err(
                name,
                1,
                format!(
                    "the tour is too large ({} bytes; the limit is {MAX_TOUR_BYTES})",
                    text.len()
                ),
            ));
        }
        let lines: Vec<&str> = text
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .collect();
        // Front matter.
        if lines.first().map(|l| l.trim()) != Some("---") {
            return Err(err(
                name,
                1,
                "a tour starts with front matter: a `---` line, `title:`, `id:`, `description:` (and optionally `seed:`), then `---`",
            ));
        }
        // key → (line, value); only looked up, never walked (a list: one B-tree instantiation
        // less in the wasm).
        let mut meta: Vec<(String, (usize, String))> = Vec::new();
        fn lookup<'m>(
            meta: &'m [(String, (usize, String))],
            k: &str,
        ) -> Option<&'m (usize, String)> {
            meta.iter().find(|(key, _)| key == k).map(|(_, v)| v)
        }
        let mut i = 1;
        loop {
            let Some(l) = lines.get(i) else {
                return Err(err(name, 1, "the front matter has no closing `---` line"));
            };
            if l.trim() == "---" {
                i += 1;
                break;
            }
            if !l.trim().is_empty() && !l.trim_start().starts_with('#') {
                let Some((k, v)) = l.split_once(':') else {
                    return Err(err(
                        name,
                        i + 1,
                        format!(
                            "expected `key: value` in the front matter, got {:?}",
                            l.trim()
                        ),
                    ));
                };
                let k = k.trim().to_string();
                if !matches!(k.as_str(), "title" | "id" | "description" | "seed") {
                    return Err(err(
                        name,
                        i + 1,
                        format!(
                            "unknown front matter key {k:?} (known: title, id, description, seed)"
                        ),
                    ));
                }
                if lookup(&meta, &k).is_some() {
                    return Err(err(
                        name,
                        i + 1,
                        format!("front matter key {k:?} is set twice"),
                    ));
                }
                let v = v.trim();
                let v = strip_yaml_quotes(v);
                meta.push((k, (i + 1, v.to_string())));
            }
            i += 1;
        }
        let get = |k: &str| -> Result<String, TourError> {
            match lookup(&meta, k) {
                Some((_, v)) if !v.is_empty() => Ok(v.clone()),
                Some((l, _)) => Err(err(name, *l, format!("front matter `{k}` is empty"))),
                None => Err(err(name, 1, format!("the front matter has no `{k}`"))),
            }
        };
        let title = get("title")?;
        let id = get("id")?;
        if !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            let l = lookup(&meta, "id").map(|m| m.0).unwrap_or(1);
            return Err(err(name, l, format!("tour id {id:?} must be lower-case letters, digits and `-` (it appears in URLs)")));
        }
        let description = get("description")?;
        let seed = match lookup(&meta, "seed") {
            None => None,
            Some((l, v)) => Some(v.parse::<u64>().map_err(|_| {
                err(
                    name,
                    *l,
                    format!("seed {v:?} is not a non-negative integer"),
                )
            })?),
        };

        // Body: split into intro and steps at `## ` headings outside fences.
        let mut intro = String::new();
        let mut raw_steps: Vec<RawStep> = Vec::new();
        let mut fence: Option<(char, usize)> = None;
        let mut fence_line = 0;
        for (idx, l) in lines.iter().enumerate().skip(i) {
            let no = idx + 1;
            if fence.is_none() {
                if let Some(h) = l.strip_prefix("## ") {
                    let t = h.trim().to_string();
                    if t.is_empty() {
                        return Err(err(name, no, "a step heading `## ` needs a title"));
                    }
                    raw_steps.push((no, t, Vec::new()));
                    continue;
                }
            }
            if let Some((c, n, info)) = fence_of(l) {
                match fence {
                    None => {
                        fence = Some((c, n));
                        fence_line = no;
                    }
                    Some((fc, fnn)) if fc == c && n >= fnn && info.is_empty() => fence = None,
                    _ => {}
                }
            }
            match raw_steps.last_mut() {
                Some(s) => s.2.push((no, l)),
                None => {
                    intro.push_str(l);
                    intro.push('\n');
                }
            }
        }
        if fence.is_some() {
            return Err(err(
                name,
                fence_line,
                "this code block is never closed (no closing fence before the end of the file)",
            ));
        }
        if raw_steps.is_empty() {
            return Err(err(
                name,
                i + 1,
                "the tour has no steps (each step starts with a `## ` heading)",
            ));
        }
        if raw_steps.len() > MAX_STEPS {
            return Err(err(
                name,
                raw_steps[MAX_STEPS].0,
                format!("more than {MAX_STEPS} steps"),
            ));
        }
        let n_steps = raw_steps.len();
        let mut steps = Vec::new();
        for (idx, (no, title, body)) in raw_steps.into_iter().enumerate() {
            steps.push(parse_step(name, idx, n_steps, no, title, &body)?);
        }
        Ok(Tour {
            file: name.to_string(),
            id,
            title,
            description,
            seed,
            intro_markdown: intro.trim().to_string(),
            steps,
        })
    }
}

/// A step as split from the file: heading line, title, body lines (number, text).
type RawStep<'a> = (usize, String, Vec<(usize, &'a str)>);

fn strip_yaml_quotes(v: &str) -> &str {
    for q in ['"', '\''] {
        if v.len() >= 2 && v.starts_with(q) && v.ends_with(q) {
            return &v[1..v.len() - 1];
        }
    }
    v
}

fn is_shell(lang: &str) -> bool {
    matches!(lang, "shell" | "sh" | "bash" | "console")
}

fn parse_step(
    file: &str,
    idx: usize,
    n_steps: usize,
    heading_line: usize,
    title: String,
    body: &[(usize, &str)],
) -> Result<Step, TourError> {
    let mut parts: Vec<Part> = Vec::new();
    let mut md = String::new();
    let mut prose = String::new();
    let mut commands = Vec::new();
    let mut check_src: Vec<(usize, String)> = Vec::new();
    let mut k = 0;
    let flush = |prose: &mut String, parts: &mut Vec<Part>| {
        let t = prose.trim();
        if !t.is_empty() {
            parts.push(Part::Prose(t.to_string()));
        }
        prose.clear();
    };
    while k < body.len() {
        let (no, l) = body[k];
        let trimmed = l.trim();
        if let Some(rest) = trimmed.strip_prefix("<!--") {
            if let Some(c) = rest.trim_start().strip_prefix("check:") {
                let Some(c) = c.trim_end().strip_suffix("-->") else {
                    return Err(err(
                        file,
                        no,
                        "a `<!-- check: … -->` comment must end on the same line",
                    ));
                };
                check_src.push((no, c.trim().to_string()));
                k += 1;
                continue;
            }
        }
        if let Some((c, n, info)) = fence_of(l) {
            let lang = info.split_whitespace().next().unwrap_or("").to_string();
            let mut j = k + 1;
            let mut content: Vec<(usize, &str)> = Vec::new();
            while j < body.len() {
                if let Some((c2, n2, i2)) = fence_of(body[j].1) {
                    if c2 == c && n2 >= n && i2.is_empty() {
                        break;
                    }
                }
                content.push(body[j]);
                j += 1;
            }
            let end = (j + 1).min(body.len());
            if lang == "check" {
                for (no, cl) in content {
                    check_src.push((no, cl.to_string()));
                }
                k = end;
                continue;
            }
            for (_, raw) in &body[k..end] {
                md.push_str(raw);
                md.push('\n');
            }
            flush(&mut prose, &mut parts);
            if is_shell(&lang) {
                let cmds = group_commands(&content);
                if cmds.is_empty() {
                    return Err(err(file, no, "a shell block without commands"));
                }
                commands.extend(cmds.iter().cloned());
                parts.push(Part::Commands(cmds));
            } else if matches!(parts.last(), Some(Part::Commands(_)))
                && (lang.is_empty() || lang == "text" || lang == "output")
            {
                let t: Vec<&str> = content.iter().map(|x| x.1).collect();
                parts.push(Part::Output(t.join("\n")));
            } else {
                let t: Vec<&str> = content.iter().map(|x| x.1).collect();
                prose.push_str(&format!("```{info}\n{}\n```\n", t.join("\n")));
            }
            k = end;
            continue;
        }
        md.push_str(l);
        md.push('\n');
        prose.push_str(l);
        prose.push('\n');
        k += 1;
    }
    flush(&mut prose, &mut parts);
    let normalized: Vec<String> = commands.iter().map(|c| normalize_command(c)).collect();
    let mut clauses = Vec::new();
    let mut source = String::new();
    for (no, line) in &check_src {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        source.push_str(t);
        source.push('\n');
        for c in parse_check_line(file, *no, t, idx, n_steps)? {
            match c {
                Parsed::Clause(c) => clauses.push(c),
                Parsed::CommandsRan => {
                    if normalized.is_empty() {
                        return Err(err(file, *no, "`commands-ran` in a step without commands"));
                    }
                    clauses.extend(normalized.iter().cloned().map(Clause::CommandRan));
                }
            }
        }
    }
    if check_src.is_empty() {
        clauses.extend(normalized.iter().cloned().map(Clause::CommandRan));
        if !normalized.is_empty() {
            source = "commands-ran\n".into();
        }
    }
    Ok(Step {
        title,
        line: heading_line,
        body_markdown: md.trim().to_string(),
        parts,
        commands,
        check: Check { source, clauses },
    })
}

/// Groups a shell block's lines into commands (continuations, loops and heredocs stay with
/// their first line); comments and blank lines are dropped, a pasted `$ ` prompt removed.
fn group_commands(content: &[(usize, &str)]) -> Vec<String> {
    let mut acc = crate::shell::Accumulator::new(crate::shell::Dialect::Bash);
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for (_, l) in content {
        let continuing = acc.is_continuing();
        let t = l.trim();
        if !continuing && (t.is_empty() || t.starts_with('#')) {
            continue;
        }
        let line = if continuing {
            l.to_string()
        } else {
            let s = l.trim_start();
            s.strip_prefix("$ ").unwrap_or(s).to_string()
        };
        if !cur.is_empty() {
            cur.push('\n');
        }
        cur.push_str(&line);
        match acc.push_line(&line) {
            crate::shell::Input::Incomplete(_) => {}
            _ => {
                out.push(std::mem::take(&mut cur));
                acc.reset();
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

enum Parsed {
    Clause(Clause),
    CommandsRan,
}

/// A check-language token: its text and whether it was quoted.
#[derive(Debug, Clone)]
struct Tok {
    text: String,
    quoted: bool,
}

fn tokenize(s: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut in_tok = false;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' | '\'' => {
                in_tok = true;
                quoted = true;
                let mut closed = false;
                for d in chars.by_ref() {
                    if d == c {
                        closed = true;
                        break;
                    }
                    cur.push(d);
                }
                if !closed {
                    return Err(format!("unclosed quote {c}"));
                }
            }
            ';' => {
                if in_tok {
                    out.push(Tok {
                        text: std::mem::take(&mut cur),
                        quoted,
                    });
                }
                out.push(Tok {
                    text: "and".into(),
                    quoted: false,
                });
                in_tok = false;
                quoted = false;
            }
            c if c.is_whitespace() => {
                if in_tok {
                    out.push(Tok {
                        text: std::mem::take(&mut cur),
                        quoted,
                    });
                }
                in_tok = false;
                quoted = false;
            }
            c => {
                in_tok = true;
                cur.push(c);
            }
        }
    }
    if in_tok {
        out.push(Tok { text: cur, quoted });
    }
    Ok(out)
}

const POD_WORDS: &[&str] = &[
    "exists",
    "absent",
    "running",
    "ready",
    "terminating",
    "recreated",
    "recreated-with-data",
    "data",
    "at",
    "image",
];

fn parse_check_line(
    file: &str,
    line: usize,
    text: &str,
    step: usize,
    n_steps: usize,
) -> Result<Vec<Parsed>, TourError> {
    let toks = tokenize(text).map_err(|e| err(file, line, format!("check: {e}")))?;
    let mut out = Vec::new();
    for clause in toks.split(|t| !t.quoted && t.text == "and") {
        if clause.is_empty() {
            return Err(err(
                file,
                line,
                "check: empty clause (a stray `and` or `;`?)",
            ));
        }
        out.push(
            parse_clause(clause, step, n_steps)
                .map_err(|m| err(file, line, format!("check: {m}")))?,
        );
    }
    Ok(out)
}

fn num<T: std::str::FromStr>(t: Option<&Tok>, what: &str) -> Result<T, String> {
    let t = t.ok_or_else(|| format!("`{what}` needs a number"))?;
    t.text
        .parse()
        .map_err(|_| format!("`{what}` needs a number, got {:?}", t.text))
}

fn parse_clause(toks: &[Tok], step: usize, n_steps: usize) -> Result<Parsed, String> {
    let head = toks[0].text.as_str();
    let rest = &toks[1..];
    let words: Vec<&str> = rest.iter().map(|t| t.text.as_str()).collect();
    Ok(Parsed::Clause(match head {
        "pod" | "pods" => {
            if words.first() == Some(&"-l") {
                let sel = words.get(1).ok_or("`pods -l` needs labels: `pods -l app=nginx count 2`")?;
                let mut selector = Vec::new();
                for kv in sel.split(',') {
                    let (k, v) = kv
                        .split_once('=')
                        .ok_or_else(|| format!("label selector {kv:?} is not `key=value`"))?;
                    selector.push((k.to_string(), v.to_string()));
                }
                if words.get(2) != Some(&"count") || words.len() != 4 {
                    return Err("expected `pods -l KEY=VALUE count N`".into());
                }
                let count = num(rest.get(3), "count")?;
                return Ok(Parsed::Clause(Clause::PodCount { selector, count }));
            }
            let mut names = Vec::new();
            let mut i = 0;
            while i < rest.len() && !POD_WORDS.contains(&words[i]) {
                if let Some(k) = POD_WORDS.iter().find(|k| k.len() >= 4 && edit_distance(k, words[i]) <= 2) {
                    return Err(format!(
                        "{:?} looks like a misspelt Pod condition (did you mean `{k}`?)",
                        words[i]
                    ));
                }
                names.push(words[i].to_string());
                i += 1;
            }
            if names.is_empty() {
                return Err(format!("`{head}` needs at least one Pod name"));
            }
            let mut conds = Vec::new();
            while i < rest.len() {
                let w = words[i];
                i += 1;
                match w {
                    "exists" => conds.push(PodCond::Exists),
                    "absent" => conds.push(PodCond::Absent),
                    "running" => conds.push(PodCond::Running),
                    "ready" => conds.push(PodCond::Ready),
                    "terminating" => conds.push(PodCond::Terminating),
                    "recreated" => {
                        if words.get(i) == Some(&"since") {
                            if words.get(i + 1) != Some(&"step") {
                                return Err("expected `recreated since step N`".into());
                            }
                            let n: usize = num(rest.get(i + 2), "since step")?;
                            if n == 0 || n > n_steps {
                                return Err(format!("step {n} does not exist (steps are 1 to {n_steps})"));
                            }
                            if n > step + 1 {
                                return Err(format!("step {n} comes after this step ({})", step + 1));
                            }
                            conds.push(PodCond::Recreated(Some(n - 1)));
                            i += 3;
                        } else {
                            conds.push(PodCond::Recreated(None));
                        }
                    }
                    "data" | "recreated-with-data" => {
                        let kv = rest
                            .get(i)
                            .ok_or_else(|| format!("`{w}` needs PATH=TEXT"))?;
                        let (p, t) = kv
                            .text
                            .split_once('=')
                            .ok_or_else(|| format!("`{w}` needs PATH=TEXT, got {:?}", kv.text))?;
                        if p.is_empty() {
                            return Err(format!("`{w}` needs a path before `=`"));
                        }
                        if w == "recreated-with-data" {
                            conds.push(PodCond::Recreated(None));
                        }
                        conds.push(PodCond::Data {
                            path: p.to_string(),
                            text: t.trim().to_string(),
                        });
                        i += 1;
                    }
                    "at" => {
                        match words.get(i) {
                            Some(&"update-revision") => conds.push(PodCond::AtUpdateRevision),
                            Some(&"current-revision") => conds.push(PodCond::AtCurrentRevision),
                            _ => return Err("expected `at update-revision` or `at current-revision`".into()),
                        }
                        i += 1;
                    }
                    "image" => {
                        let im = words.get(i).ok_or("`image` needs an image name")?;
                        conds.push(PodCond::Image(im.to_string()));
                        i += 1;
                    }
                    other => {
                        return Err(format!(
                            "unknown Pod condition {other:?} (known: {})",
                            POD_WORDS.join(", ")
                        ))
                    }
                }
            }
            if conds.is_empty() {
                conds.push(PodCond::Exists);
            }
            Clause::Pods { names, conds }
        }
        "statefulset" | "sts" => {
            let name = words
                .first()
                .ok_or("`statefulset` needs a name")?
                .to_string();
            let mut conds = Vec::new();
            let mut i = 1;
            while i < rest.len() {
                let w = words[i];
                i += 1;
                let mut n = |what: &str| -> Result<i32, String> {
                    let v = num(rest.get(i), what);
                    i += 1;
                    v
                };
                conds.push(match w {
                    "exists" => StsCond::Exists,
                    "absent" => StsCond::Absent,
                    "replicas" => StsCond::Replicas(n(w)?),
                    "ready" => StsCond::Ready(n(w)?),
                    "updated" => StsCond::Updated(n(w)?),
                    "current" => StsCond::Current(n(w)?),
                    "partition" => StsCond::Partition(n(w)?),
                    "rolled-out" => StsCond::RolledOut,
                    "update-pending" => StsCond::UpdatePending,
                    "strategy" => {
                        let s = words.get(i).ok_or("`strategy` needs RollingUpdate or OnDelete")?;
                        if !matches!(*s, "RollingUpdate" | "OnDelete") {
                            return Err(format!("strategy {s:?} is not RollingUpdate or OnDelete"));
                        }
                        i += 1;
                        StsCond::Strategy(s.to_string())
                    }
                    other => return Err(format!("unknown StatefulSet condition {other:?} (known: exists, absent, replicas N, ready N, updated N, current N, partition N, strategy S, rolled-out, update-pending)")),
                });
            }
            if conds.is_empty() {
                conds.push(StsCond::Exists);
            }
            Clause::StatefulSet { name, conds }
        }
        "pvc" | "pvcs" => {
            let (state, names) = match words.split_last() {
                Some((&"bound", n)) => (Presence::Bound, n),
                Some((&"absent", n)) => (Presence::Absent, n),
                Some((&"exists", n)) => (Presence::Exists, n),
                _ => return Err("expected `pvc NAME… bound|absent|exists`".into()),
            };
            if names.is_empty() {
                return Err(format!("`{head}` needs at least one claim name"));
            }
            Clause::Pvcs {
                names: names.iter().map(|s| s.to_string()).collect(),
                state,
            }
        }
        "service" | "svc" => {
            let state = match words.get(1) {
                None | Some(&"exists") => Presence::Exists,
                Some(&"absent") => Presence::Absent,
                Some(w) => return Err(format!("unknown Service condition {w:?} (known: exists, absent)")),
            };
            if words.is_empty() || words.len() > 2 {
                return Err("expected `service NAME [exists|absent]`".into());
            }
            Clause::Service {
                name: words[0].to_string(),
                state,
            }
        }
        "command-ran" => {
            if rest.is_empty() {
                return Err("`command-ran` needs a command, e.g. command-ran \"kubectl get pods\"".into());
            }
            let cmd: Vec<String> = rest.iter().map(|t| t.text.clone()).collect();
            Clause::CommandRan(normalize_command(&cmd.join(" ")))
        }
        "commands-ran" => {
            if !rest.is_empty() {
                return Err("`commands-ran` takes no arguments (it means this step's commands)".into());
            }
            return Ok(Parsed::CommandsRan);
        }
        "dns" => {
            let resolves = match words.get(1) {
                Some(&"resolves") => true,
                Some(&"nxdomain") => false,
                _ => return Err("expected `dns NAME resolves|nxdomain`".into()),
            };
            if words.len() != 2 {
                return Err("expected `dns NAME resolves|nxdomain`".into());
            }
            Clause::Dns {
                name: words[0].to_string(),
                resolves,
            }
        }
        other => {
            return Err(format!(
                "unknown check {other:?} (known: pods, statefulset, pvc, service, command-ran, commands-ran, dns)"
            ))
        }
    }))
}

/// Levenshtein distance (for "did you mean").
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Splits a shell command line into words (quotes removed). Best effort: for comparison only.
fn shell_words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_tok = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_tok = true;
                for d in chars.by_ref() {
                    if d == '\'' {
                        break;
                    }
                    cur.push(d);
                }
            }
            '"' => {
                in_tok = true;
                while let Some(d) = chars.next() {
                    match d {
                        '"' => break,
                        '\\' => {
                            if let Some(e) = chars.next() {
                                cur.push(e);
                            }
                        }
                        d => cur.push(d),
                    }
                }
            }
            '\\' => {
                in_tok = true;
                if let Some(e) = chars.next() {
                    cur.push(e);
                }
            }
            c if c.is_whitespace() => {
                if in_tok {
                    out.push(std::mem::take(&mut cur));
                }
                in_tok = false;
            }
            c => {
                in_tok = true;
                cur.push(c);
            }
        }
    }
    if in_tok {
        out.push(cur);
    }
    out
}

/// Normalizes a command line for `command-ran` (see the module docs).
pub fn normalize_command(line: &str) -> String {
    let first = line.lines().next().unwrap_or("").trim();
    let first = first.strip_prefix("$ ").unwrap_or(first);
    let words = shell_words(first);
    let kubectl = words.first().map(String::as_str) == Some("kubectl");
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        i += 1;
        if !kubectl {
            out.push(w.clone());
            continue;
        }
        if matches!(
            w.as_str(),
            "--replicas"
                | "--type"
                | "-p"
                | "--patch"
                | "--cascade"
                | "--image"
                | "-l"
                | "--selector"
        ) {
            if let Some(v) = words.get(i) {
                let flag = match w.as_str() {
                    "--patch" => "-p",
                    "--selector" => "-l",
                    f => f,
                };
                out.push(format!("{flag}={v}"));
                i += 1;
                continue;
            }
        }
        if let Some(v) = w.strip_prefix("--patch=") {
            out.push(format!("-p={v}"));
            continue;
        }
        if let Some(v) = w.strip_prefix("--selector=") {
            out.push(format!("-l={v}"));
            continue;
        }
        if !w.starts_with('-') {
            if let Some((t, n)) = w.split_once('/') {
                if !t.is_empty() && !n.is_empty() && !t.contains('.') && !t.contains(':') {
                    out.push(canonical_resource(t));
                    out.push(n.to_string());
                    continue;
                }
            }
            out.push(canonical_resource(w));
            continue;
        }
        out.push(w.clone());
    }
    out.join(" ")
}

fn canonical_resource(w: &str) -> String {
    match w {
        "sts" | "statefulsets" | "statefulsets.apps" | "statefulset.apps" => "statefulset",
        "po" | "pods" => "pod",
        "svc" | "services" => "service",
        "pvc" | "persistentvolumeclaims" | "persistentvolumeclaim" => "pvc",
        "pv" | "persistentvolumes" | "persistentvolume" => "pv",
        w => w,
    }
    .to_string()
}

// ---------------------------------------------------------------------------------------------
// Evaluation

fn pod_state(p: &Pod) -> String {
    if p.metadata.deletion_timestamp.is_some() {
        return "terminating".into();
    }
    p.status.phase.clone().unwrap_or_else(|| "Pending".into())
}

fn pod_ready(p: &Pod) -> bool {
    p.status
        .conditions
        .iter()
        .any(|c| c.type_ == "Ready" && c.status == "True")
}

fn owner_set<'a>(cluster: &'a Cluster, p: &Pod) -> Option<&'a StatefulSet> {
    let o = p
        .metadata
        .owner_references
        .iter()
        .find(|o| o.kind == "StatefulSet")?;
    cluster.api.get::<StatefulSet>(NS, &o.name)
}

fn eval_pod(cluster: &Cluster, ctx: &TourContext, name: &str, cond: &PodCond) -> Option<String> {
    let pod = cluster.api.get::<Pod>(NS, name);
    let Some(p) = pod else {
        return match cond {
            PodCond::Absent => None,
            _ => Some(format!("Pod {name} does not exist")),
        };
    };
    match cond {
        PodCond::Exists => None,
        PodCond::Absent => Some(format!("Pod {name} still exists ({})", pod_state(p))),
        PodCond::Running => {
            let s = pod_state(p);
            (s != "Running").then(|| format!("{name} is {s}"))
        }
        PodCond::Ready => {
            (!pod_ready(p)).then(|| format!("{name} is not Ready ({})", pod_state(p)))
        }
        PodCond::Terminating => p
            .metadata
            .deletion_timestamp
            .is_none()
            .then(|| format!("{name} is not terminating")),
        PodCond::Recreated(since) => {
            let s = since.unwrap_or(ctx.step);
            let Some(Some(base)) = ctx.baselines.get(s) else {
                return Some(format!("step {} was not started in this session", s + 1));
            };
            match base.get(name) {
                Some(uid) if *uid == p.metadata.uid => Some(format!(
                    "{name} is still the Pod that existed when step {} began",
                    s + 1
                )),
                _ => None,
            }
        }
        PodCond::Data { path, text } => {
            let full = if path.starts_with('/') {
                path.clone()
            } else {
                let mount = p
                    .spec
                    .containers
                    .first()
                    .and_then(|c| c.volume_mounts.first())
                    .map(|m| m.mount_path.trim_end_matches('/').to_string())
                    .unwrap_or_default();
                format!("{mount}/{path}")
            };
            if pod_state(p) != "Running" {
                return Some(format!("{name} is {}", pod_state(p)));
            }
            match ctx.files.read(cluster, name, &full) {
                Some(t) if t.trim() == text => None,
                Some(t) => Some(format!(
                    "{full} in {name} holds {:?}, not {text:?}",
                    t.trim()
                )),
                None => Some(format!("{full} does not exist in {name}")),
            }
        }
        PodCond::AtUpdateRevision | PodCond::AtCurrentRevision => {
            let Some(set) = owner_set(cluster, p) else {
                return Some(format!("{name} belongs to no StatefulSet"));
            };
            let (want, which) = if *cond == PodCond::AtUpdateRevision {
                (&set.status.update_revision, "update")
            } else {
                (&set.status.current_revision, "current")
            };
            let have = p
                .metadata
                .labels
                .get("controller-revision-hash")
                .cloned()
                .unwrap_or_default();
            if p.metadata.deletion_timestamp.is_some() {
                return Some(format!("{name} is terminating"));
            }
            (have != *want || want.is_empty())
                .then(|| format!("{name} is at revision {have}, not the {which} revision {want}"))
        }
        PodCond::Image(im) => {
            let have = p
                .spec
                .containers
                .first()
                .map(|c| c.image.as_str())
                .unwrap_or("");
            (have != im).then(|| format!("{name} runs {have}, not {im}"))
        }
    }
}

fn eval_sts(cluster: &Cluster, name: &str, cond: &StsCond) -> Option<String> {
    let Some(s) = cluster.api.get::<StatefulSet>(NS, name) else {
        return match cond {
            StsCond::Absent => None,
            _ => Some(format!("StatefulSet {name} does not exist")),
        };
    };
    let replicas = s.spec.replicas.unwrap_or(1);
    let st = &s.status;
    let cmp = |what: &str, have: i32, want: i32| {
        (have != want).then(|| format!("StatefulSet {name} has {what} {have}, not {want}"))
    };
    match cond {
        StsCond::Exists => None,
        StsCond::Absent => Some(format!("StatefulSet {name} still exists")),
        StsCond::Replicas(n) => cmp("replicas", replicas, *n),
        StsCond::Ready(n) => cmp("ready replicas", st.ready_replicas, *n),
        StsCond::Updated(n) => cmp("updated replicas", st.updated_replicas, *n),
        StsCond::Current(n) => cmp("current replicas", st.current_replicas, *n),
        StsCond::Partition(n) => {
            let p = s
                .spec
                .update_strategy
                .as_ref()
                .and_then(|u| u.rolling_update.as_ref())
                .and_then(|r| r.partition)
                .unwrap_or(0);
            cmp("partition", p, *n)
        }
        StsCond::Strategy(want) => {
            let have = s
                .spec
                .update_strategy
                .as_ref()
                .and_then(|u| u.type_.clone())
                .unwrap_or_else(|| "RollingUpdate".into());
            (have != *want)
                .then(|| format!("StatefulSet {name} has updateStrategy {have}, not {want}"))
        }
        StsCond::RolledOut => {
            if st.observed_generation.unwrap_or(0) < s.metadata.generation {
                Some(format!(
                    "the controller has not yet seen StatefulSet {name}'s latest change"
                ))
            } else if st.update_revision.is_empty() || st.current_revision != st.update_revision {
                Some(format!(
                    "StatefulSet {name} is rolling out: {} of {replicas} Pods updated",
                    st.updated_replicas
                ))
            } else if st.updated_replicas != replicas || st.ready_replicas != replicas {
                Some(format!(
                    "StatefulSet {name}: {} of {replicas} Pods updated and {} ready",
                    st.updated_replicas, st.ready_replicas
                ))
            } else {
                None
            }
        }
        StsCond::UpdatePending => {
            if st.observed_generation.unwrap_or(0) < s.metadata.generation {
                Some(format!(
                    "the controller has not yet seen StatefulSet {name}'s latest change"
                ))
            } else {
                (st.update_revision.is_empty() || st.current_revision == st.update_revision)
                    .then(|| format!("StatefulSet {name} has no pending update (one revision)"))
            }
        }
    }
}

fn eval_clause(c: &Clause, cluster: &Cluster, ctx: &TourContext) -> Option<String> {
    match c {
        Clause::Pods { names, conds } => {
            for n in names {
                for cond in conds {
                    if let Some(why) = eval_pod(cluster, ctx, n, cond) {
                        return Some(why);
                    }
                }
            }
            None
        }
        Clause::PodCount { selector, count } => {
            let have = cluster
                .api
                .list::<Pod>(Some(NS))
                .filter(|p| p.metadata.deletion_timestamp.is_none())
                .filter(|p| {
                    selector
                        .iter()
                        .all(|(k, v)| p.metadata.labels.get(k) == Some(v))
                })
                .count();
            let sel: Vec<String> = selector.iter().map(|(k, v)| format!("{k}={v}")).collect();
            (have != *count).then(|| format!("{have} Pods match {}, not {count}", sel.join(",")))
        }
        Clause::StatefulSet { name, conds } => {
            conds.iter().find_map(|k| eval_sts(cluster, name, k))
        }
        Clause::Pvcs { names, state } => names.iter().find_map(|n| {
            let pvc = cluster.api.get::<PersistentVolumeClaim>(NS, n);
            match (state, pvc) {
                (Presence::Absent, None) => None,
                (Presence::Absent, Some(_)) => {
                    Some(format!("PersistentVolumeClaim {n} still exists"))
                }
                (_, None) => Some(format!("PersistentVolumeClaim {n} does not exist")),
                (Presence::Exists, Some(_)) => None,
                (Presence::Bound, Some(p)) => {
                    let ph = p.status.phase.clone().unwrap_or_else(|| "Pending".into());
                    (ph != "Bound").then(|| format!("PersistentVolumeClaim {n} is {ph}"))
                }
            }
        }),
        Clause::Service { name, state } => {
            let svc = cluster.api.get::<Service>(NS, name);
            match (state, svc) {
                (Presence::Absent, Some(_)) => Some(format!("Service {name} still exists")),
                (Presence::Absent, None) => None,
                (_, None) => Some(format!("Service {name} does not exist")),
                (_, Some(_)) => None,
            }
        }
        Clause::CommandRan(cmd) => {
            (!ctx.commands_run.iter().any(|c| c == cmd)).then(|| format!("run `{cmd}`"))
        }
        Clause::Dns { name, resolves } => {
            let found = matches!(resolve(&cluster.api, name, NS, RecordType::A), Resolution::Found { ref records, .. } if !records.is_empty());
            match (found, resolves) {
                (true, true) | (false, false) => None,
                (false, true) => Some(format!("{name} does not resolve")),
                (true, false) => Some(format!("{name} still resolves")),
            }
        }
    }
}

/// Evaluates a check on the cluster. `detail` is "done" or the first reason it is not.
pub fn check(check: &Check, cluster: &Cluster, ctx: &TourContext) -> CheckResult {
    for c in &check.clauses {
        if let Some(why) = eval_clause(c, cluster, ctx) {
            return CheckResult::no(why);
        }
    }
    CheckResult::yes()
}

/// The Pods (and their UIDs) that exist now.
pub fn baseline(cluster: &Cluster) -> Baseline {
    VecMap::from_iter(
        cluster
            .api
            .list::<Pod>(Some(NS))
            .map(|p| (p.metadata.name.clone(), p.metadata.uid.clone())),
    )
}

// ---------------------------------------------------------------------------------------------
// Progress

/// A step whose check did not pass while [`TourProgress::fast_forward`] ran the steps before
/// the one asked for: the tour stays at that step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FastForwardError {
    /// The step whose check did not pass (0-based).
    pub step: usize,
    pub title: String,
    /// Why its check is not done (the check's first failing clause).
    pub detail: String,
}

impl fmt::Display for FastForwardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Step {} (\"{}\") did not pass its check within {} virtual minutes of its commands ({}); the tour stopped there.",
            self.step + 1,
            self.title,
            FAST_FORWARD_STEP_CAP_MS / 60_000,
            self.detail
        )
    }
}

impl std::error::Error for FastForwardError {}

/// A learner's way through a tour: the current step, commands run per step, baselines and
/// which steps are done.
#[derive(Debug, Clone)]
pub struct TourProgress {
    tour: Tour,
    step: usize,
    commands: Vec<Vec<String>>,
    baselines: Vec<Option<Baseline>>,
    done: Vec<bool>,
}

impl TourProgress {
    /// Starts at step 0 (baseline taken from `cluster`).
    pub fn new(tour: Tour, cluster: &Cluster) -> TourProgress {
        let n = tour.steps.len();
        let mut p = TourProgress {
            tour,
            step: 0,
            commands: vec![Vec::new(); n],
            baselines: vec![None; n],
            done: vec![false; n],
        };
        p.enter(0, cluster);
        p
    }

    pub fn tour(&self) -> &Tour {
        &self.tour
    }

    /// The current step, 0-based.
    pub fn step(&self) -> usize {
        self.step
    }

    pub fn current_step(&self) -> &Step {
        &self.tour.steps[self.step]
    }

    /// Has step `i` (0-based) been done?
    pub fn is_done(&self, i: usize) -> bool {
        self.done.get(i).copied().unwrap_or(false)
    }

    fn enter(&mut self, i: usize, cluster: &Cluster) {
        self.step = i;
        self.commands[i].clear();
        self.baselines[i] = Some(baseline(cluster));
    }

    /// Goes to step `i` (clamped to the tour), recording its baseline.
    pub fn go_to(&mut self, i: usize, cluster: &Cluster) {
        let i = i.min(self.tour.steps.len() - 1);
        self.enter(i, cluster);
    }

    /// "Next step" (stays on the last).
    pub fn next(&mut self, cluster: &Cluster) {
        self.go_to(self.step + 1, cluster);
    }

    /// "Previous step" (stays on the first).
    pub fn previous(&mut self, cluster: &Cluster) {
        self.go_to(self.step.saturating_sub(1), cluster);
    }

    pub fn has_next(&self) -> bool {
        self.step + 1 < self.tour.steps.len()
    }

    pub fn has_previous(&self) -> bool {
        self.step > 0
    }

    /// Records a line the learner ran (typed or via a Run button) for the current step.
    pub fn record_command(&mut self, line: &str) {
        let n = normalize_command(line);
        if n.is_empty() {
            return;
        }
        let v = &mut self.commands[self.step];
        if v.len() >= MAX_RECORDED {
            v.remove(0);
        }
        v.push(n);
    }

    /// Submits a line to the session and records it (a Run button, or the terminal's Enter).
    /// Lines typed into a running job (a pod's shell) are recorded too: `nslookup …` counts.
    pub fn submit(&mut self, session: &mut Session, line: &str) -> Submit {
        let continuing = session.continuing();
        let r = session.submit(line);
        if !continuing && !matches!(r, Submit::Error | Submit::Empty) {
            self.record_command(line);
        }
        r
    }

    /// Evaluates the current step's check (latching "done").
    pub fn evaluate(&mut self, cluster: &Cluster, files: &dyn PodFiles) -> CheckResult {
        let ctx = TourContext {
            step: self.step,
            commands_run: &self.commands[self.step],
            baselines: &self.baselines,
            files,
        };
        let r = check(&self.tour.steps[self.step].check, cluster, &ctx);
        if r.done {
            self.done[self.step] = true;
        }
        r
    }

    /// [`TourProgress::evaluate`] on a session's live cluster and container files.
    pub fn evaluate_session(&mut self, session: &Session) -> CheckResult {
        let world = session.world().borrow();
        let files = WorldFiles(&world);
        self.evaluate(world.cluster(), &files)
    }

    /// Opens the tour at `to_step` (0-based, clamped) the way a reader who did the earlier
    /// steps would find it: runs the commands of every step before it, in order, through
    /// [`TourProgress::submit`] (the Run buttons' path), then lets virtual time run until that
    /// step's check passes — at most [`FAST_FORWARD_STEP_CAP_MS`] — and marks it done.
    ///
    /// Pacing is check-doc's (a reader waits): before each command typed into the terminal,
    /// virtual time runs until the StatefulSets have converged (at most
    /// [`SETTLE_CAP_MS`]); a pod shell still open when a `kubectl` command comes is left with
    /// `exit`; a watch (`kubectl get -w`) runs under the script rule (it ends after 5 idle
    /// virtual seconds) so it never blocks. Time only moves virtually: no wall-clock waits.
    ///
    /// `out` receives a transcript as a terminal shows it (prompt + command, then output).
    /// On `Err` the tour stays at the step whose check did not pass.
    pub fn fast_forward(
        &mut self,
        session: &mut Session,
        to_step: usize,
        out: &mut Vec<(Stream, String)>,
    ) -> Result<(), FastForwardError> {
        let to_step = to_step.min(self.tour.steps.len() - 1);
        for i in 0..to_step {
            self.go_to(i, session.world().borrow().cluster());
            let commands = self.tour.steps[i].commands.clone();
            for cmd in &commands {
                self.fast_forward_command(session, cmd, out);
            }
            let start = session.now().ms();
            let deadline = start + FAST_FORWARD_STEP_CAP_MS;
            let mut r = self.evaluate_session(session);
            while !r.done {
                let now = session.now().ms();
                if now >= deadline {
                    return Err(FastForwardError {
                        step: i,
                        title: self.tour.steps[i].title.clone(),
                        detail: r.detail,
                    });
                }
                // Every model event is an instant the check could turn true (and a transient
                // state, such as Terminating, could be missed by a coarser step).
                let next = session
                    .world()
                    .borrow()
                    .cluster()
                    .next_wake()
                    .map(|t| t.ms())
                    .filter(|t| *t > now)
                    .unwrap_or(now + 1000)
                    .min(deadline);
                session.advance_ms(next - now);
                out.extend(session.poll());
                r = self.evaluate_session(session);
            }
        }
        self.go_to(to_step, session.world().borrow().cluster());
        Ok(())
    }

    /// One of a step's commands (its lines as written), paced like check-doc's reader.
    fn fast_forward_command(
        &mut self,
        session: &mut Session,
        cmd: &str,
        out: &mut Vec<(Stream, String)>,
    ) {
        if session.wants_input() && for_terminal(cmd) {
            self.fast_forward_line(session, "exit", out);
        }
        let watch = is_watch(cmd);
        if !session.wants_input() && !watch {
            settle(session, SETTLE_CAP_MS, |s| out.extend(s.poll()));
        }
        let saved = session.world().borrow().script_mode;
        if watch {
            session.world().borrow_mut().script_mode = true;
        }
        for line in cmd.split('\n') {
            self.fast_forward_line(session, line, out);
        }
        if session.continuing() {
            session.end_of_input();
            session.run_until_blocked();
            out.extend(session.poll());
        }
        session.world().borrow_mut().script_mode = saved;
    }

    fn fast_forward_line(
        &mut self,
        session: &mut Session,
        line: &str,
        out: &mut Vec<(Stream, String)>,
    ) {
        out.extend(session.poll());
        out.push((Stream::Stdout, format!("{}{line}\n", session.prompt())));
        self.submit(session, line);
        session.run_until_blocked();
        out.extend(session.poll());
    }

    /// "Step 3 of 12: done" / "Step 3 of 12: not done yet" (as of the last evaluation).
    pub fn status_text(&self) -> String {
        format!(
            "Step {} of {}: {}",
            self.step + 1,
            self.tour.steps.len(),
            if self.is_done(self.step) {
                "done"
            } else {
                "not done yet"
            }
        )
    }
}
