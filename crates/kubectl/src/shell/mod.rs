//! A small bash-compatible shell: one interpreter for the learner's terminal (programs: kubectl,
//! `sim`, …) and for `sh -c` inside simulated containers (programs: the container userland).
//!
//! # Language
//! Words with `'…'`, `"…"` (with `$VAR`, `${VAR}`, `${VAR:-x}`, `${#VAR}`, `$(…)`, `` `…` ``,
//! `\` escapes), backslash, `$?` `$$` `$#` `$0`…; `;` `&&` `||` `|` `!`; `&` is accepted and
//! runs in the foreground (there is no job control); redirections `>` `>>` `<` `2>` `2>&1`
//! `>&2` `&>` `&>>` (`/dev/null`, `/dev/stdout`, `/dev/stderr` are understood); here-documents
//! `<<EOF`, `<<'EOF'`, `<<-EOF`; `for`, `while`, `until`, `if/elif/else`, `{ …; }`, `( … )`;
//! `#` comments; `NAME=value` and `NAME=value cmd`; trailing `\` continues a line.
//! Not supported: globbing (`*` stays literal), `~`, functions, `case`, arithmetic `$((…))`,
//! background jobs.
//!
//! Unquoted `$VAR` / `$(…)` results are split into fields on spaces, tabs and newlines; quoted
//! ones are not. `$(…)` runs in a child job (a subshell: variable changes do not leak) and its
//! trailing newlines are stripped.
//!
//! # Input: complete, incomplete or wrong
//! [`parse_input`] / [`Accumulator`] tell a terminal whether the lines so far are a complete
//! command ([`Input::Complete`]), need more lines ([`Input::Incomplete`]: open quote, open
//! `for…done`, pending here-document body, trailing `\`, trailing `&&` `||` `|`) — show a `> `
//! prompt, and with `ordinal shell --echo` echo the line as `> <line>` — or are a syntax error
//! ([`Input::Error`], status 2). Syntax errors print like interactive bash:
//! `bash: syntax error near unexpected token `done'` (prefix = [`Dialect::name`]; container
//! shells use their own wording, see [`Dialect`]). A pasted prompt (`$ ` at the start of a
//! command's first line) is stripped by the accumulator ([`strip_prompt`]).
//!
//! # Execution: resumable jobs
//! A [`Job`] is a state machine over the syntax tree (an explicit stack of frames) and a
//! [`Task`]: `poll` it with a [`Host`] and a [`TaskIo`] until it returns [`TaskPoll::Done`].
//! Whenever the running command is pending (`kubectl get -w`, `sleep`, `rollout status`, an
//! interactive shell in a pod) the job returns [`TaskPoll::Pending`] — possibly in the middle of a
//! `for` loop — and carries on at the next poll. `wake_at_ms: Some(t)` lets a driver jump virtual
//! time to `t`; `None` means "poll again when the model changed or input arrived".
//!
//! * **Pipes buffer**: stages run one after the other, each in a child job; a stage's stdout
//!   becomes the next stage's (closed) stdin; stderr goes straight through. Exit status is the
//!   last stage's.
//! * **stdin**: the job's stdin is whatever arrives in `TaskIo::stdin` (a terminal's typed lines;
//!   a pipe's data with `stdin_closed`). A command without `<`/here-document gets it; what it does
//!   not consume stays for the next command. `$(…)` and compound commands with redirections get
//!   their own.
//! * **Ctrl-C**: [`Task::interrupt`] on the job interrupts the running command; the next poll
//!   gives it one last poll to flush and ends the job with status 130. The shell prints nothing
//!   (the terminal echoes `^C` itself).
//! * **`clear`** prints [`CLEAR_SCREEN`] (the bytes real `clear` prints); terminals clear on it.
//! * **`exit`** ends the job and sets [`ShellState::exited`].
//! * **Limits instead of freezes**: input ≤ [`MAX_INPUT_BYTES`], nesting ≤ [`MAX_DEPTH`];
//!   a job yields after [`STEPS_PER_POLL`] steps (`Pending { wake_at_ms: Some(now) }`), stops
//!   after [`MAX_LOOP_ITERATIONS`] loop iterations and after [`MAX_OUTPUT_BYTES`] of output, each
//!   with a one-line message naming the limit. Nothing panics on any input.
//!
//! Builtins in every environment: `echo` (`-n -e -E`), `printf`, `sleep` (fractions, suffixes
//! `s m h d`; pending until host time passes), `true`, `false`, `test`/`[`, `cd`, `pwd`,
//! `export`, `unset`, `exit`, `:`, `clear`. Text filters `grep head tail wc sort uniq cat tr`
//! are offered to hosts through [`spawn_text_filter`].
//!
//! # Example host
//! ```
//! use ordinal_kubectl::shell::*;
//! struct MyHost { now: u64 }
//! impl Host for MyHost {
//!     fn spawn(&mut self, argv: &[String], ctx: &CommandCtx) -> Option<Box<dyn Task>> {
//!         match argv[0].as_str() {
//!             "hostname" => Some(Box::new(Print { stdout: "web-0\n".into(), stderr: String::new(), status: 0 })),
//!             _ => spawn_text_filter(argv, ctx),
//!         }
//!     }
//!     fn read_file(&mut self, _path: &str) -> Result<String, String> { Err("No such file or directory".into()) }
//!     fn write_file(&mut self, _p: &str, _d: &str, _a: bool) -> Result<(), String> { Ok(()) }
//!     fn now_ms(&self) -> u64 { self.now }
//! }
//! let mut shell = Shell::new(Dialect::Bash);
//! let mut host = MyHost { now: 0 };
//! let out = shell.run_to_end("for i in 0 1; do echo \"web-$i $(hostname)\"; done | grep -c web", &mut host);
//! assert_eq!(out, "2\n");
//! ```

mod ast;
mod builtins;
mod exec;
mod filters;
mod host;
mod parse;

pub use ast::*;
pub use builtins::{echo, printf, Const, Print, Sleep, CLEAR_SCREEN};
pub use exec::{
    resolve_path, Job, ShellState, MAX_LOOP_ITERATIONS, MAX_OUTPUT_BYTES, STEPS_PER_POLL,
};
pub use filters::spawn_text_filter;
pub use host::{CommandCtx, Host, Stream, Task, TaskIo, TaskPoll};
pub use parse::{is_name, parse, Incomplete, ParseError, MAX_DEPTH, MAX_INPUT_BYTES};

/// Which shell's wording to use for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dialect {
    /// The learner's terminal: GNU bash (interactive wording, no `line N:`).
    #[default]
    Bash,
    /// busybox `sh` (ash): busybox images.
    Ash,
    /// Debian's `sh` (dash): nginx and other Debian-based images.
    Dash,
}

impl Dialect {
    /// The prefix of the shell's messages.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Bash => "bash",
            Dialect::Ash | Dialect::Dash => "sh",
        }
    }

    /// `bash: foo: command not found` and friends (status 127).
    pub fn not_found(self, cmd: &str, line: u32) -> String {
        match self {
            Dialect::Bash => format!("bash: {cmd}: command not found\n"),
            Dialect::Ash => format!("sh: {cmd}: not found\n"),
            Dialect::Dash => format!("sh: {line}: {cmd}: not found\n"),
        }
    }

    /// A failed redirection (`output`: `>`/`>>`; else `<`).
    pub fn redirect_error(self, path: &str, reason: &str, output: bool, line: u32) -> String {
        match self {
            Dialect::Bash => format!("bash: {path}: {reason}\n"),
            Dialect::Ash => {
                let verb = if output { "create" } else { "open" };
                format!("sh: can't {verb} {path}: {reason}\n")
            }
            Dialect::Dash => {
                if output {
                    format!("sh: {line}: cannot create {path}: {reason}\n")
                } else {
                    format!("sh: {line}: cannot open {path}: {reason}\n")
                }
            }
        }
    }
}

/// The verdict on the input so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Run it (may be empty: blank lines and comments).
    Complete(Script),
    /// More lines are needed.
    Incomplete(Incomplete),
    /// A syntax error: the full message to print (newline-terminated); `$?` becomes 2.
    Error(String),
}

/// Parses accumulated input (lines joined with `\n`).
pub fn parse_input(text: &str, dialect: Dialect) -> Input {
    match parse(text) {
        Ok(s) => Input::Complete(s),
        Err(ParseError::Incomplete(i)) => Input::Incomplete(i),
        Err(e) => Input::Error(e.message(dialect)),
    }
}

/// Strips a pasted prompt: a leading `$ ` (or a lone `$`).
pub fn strip_prompt(line: &str) -> &str {
    if let Some(rest) = line.strip_prefix("$ ") {
        rest
    } else if line == "$" {
        ""
    } else {
        line
    }
}

/// Collects typed or pasted lines into commands.
#[derive(Debug, Clone, Default)]
pub struct Accumulator {
    buf: String,
    lines: usize,
    dialect: Dialect,
    /// The last verdict when it was "incomplete", to skip re-parsing lines that cannot change it.
    pending: Option<Incomplete>,
}

impl Accumulator {
    pub fn new(dialect: Dialect) -> Accumulator {
        Accumulator {
            buf: String::new(),
            lines: 0,
            dialect,
            pending: None,
        }
    }

    /// True when a command has started and waits for more lines (the terminal shows `> `).
    pub fn is_continuing(&self) -> bool {
        self.lines > 0
    }

    /// Adds one line (without its newline). A `$ ` prompt is stripped from a command's first
    /// line. `Complete`/`Error` reset the accumulator; `Incomplete` keeps the lines.
    pub fn push_line(&mut self, line: &str) -> Input {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let line = if self.lines == 0 {
            strip_prompt(line)
        } else {
            line
        };
        if self.buf.len() + line.len() > MAX_INPUT_BYTES {
            self.reset();
            return Input::Error(
                ParseError::Other(format!(
                    "input too long (the limit is {MAX_INPUT_BYTES} bytes)"
                ))
                .message(self.dialect),
            );
        }
        self.buf.push_str(line);
        self.buf.push('\n');
        self.lines += 1;
        // A line inside a here-document body that is not its delimiter, or inside an open quote
        // without that quote character, cannot change the verdict: skip the re-parse (keeps long
        // pasted here-documents linear).
        if let Some(p) = &self.pending {
            let unchanged = match p {
                Incomplete::HereDoc(d) => line.trim_start_matches('\t') != d,
                Incomplete::SingleQuote => !line.contains('\''),
                Incomplete::DoubleQuote => !line.contains(['"', '\\']),
                _ => false,
            };
            if unchanged {
                return Input::Incomplete(p.clone());
            }
        }
        let r = parse_input(&self.buf, self.dialect);
        match &r {
            Input::Incomplete(i) => self.pending = Some(i.clone()),
            _ => self.reset(),
        }
        r
    }

    /// End of input (Ctrl-D, EOF of a script): what is pending becomes bash's end-of-file error,
    /// or `None` if nothing was pending.
    pub fn finish(&mut self) -> Option<String> {
        if self.lines == 0 {
            return None;
        }
        let r = parse_input(&self.buf, self.dialect);
        self.reset();
        match r {
            Input::Incomplete(i) => Some(i.eof_message(self.dialect)),
            Input::Error(e) => Some(e),
            Input::Complete(_) => None,
        }
    }

    /// Drops pending lines (Ctrl-C at a `> ` prompt).
    pub fn reset(&mut self) {
        self.buf.clear();
        self.lines = 0;
        self.pending = None;
    }
}

/// A shell session: state that persists across command lines.
#[derive(Debug, Clone)]
pub struct Shell {
    pub state: ShellState,
}

impl Shell {
    pub fn new(dialect: Dialect) -> Shell {
        Shell {
            state: ShellState::new(dialect),
        }
    }

    /// Starts a job for a parsed script with the session's state.
    pub fn start(&self, script: &Script) -> Job {
        Job::new(script, self.state.clone())
    }

    /// Takes back the state of a finished (or interrupted) job.
    pub fn finish(&mut self, job: Job) {
        self.state = job.into_state();
    }

    /// Records a syntax error (`$?` = 2).
    pub fn syntax_error(&mut self) {
        self.state.last_status = 2;
    }

    /// Convenience for tests and simple hosts: parses and runs `src` to completion, advancing
    /// nothing (pending tasks are re-polled up to a bound), and returns stdout+stderr in order.
    pub fn run_to_end(&mut self, src: &str, host: &mut dyn Host) -> String {
        let script = match parse(src) {
            Ok(s) => s,
            Err(e) => {
                self.syntax_error();
                return e.message(self.state.dialect);
            }
        };
        let mut job = self.start(&script);
        let mut io = TaskIo {
            stdin: String::new(),
            stdin_closed: true,
            out: Vec::new(),
        };
        let mut text = String::new();
        for _ in 0..100_000 {
            let r = job.poll(host, &mut io);
            for (_, t) in io.take_out() {
                text.push_str(&t);
            }
            if let TaskPoll::Done(_) = r {
                break;
            }
        }
        self.finish(job);
        text
    }
}
