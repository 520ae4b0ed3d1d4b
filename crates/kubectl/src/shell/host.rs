//! The boundary between the shell and its environment: [`Host`] (program lookup, files, virtual
//! time) and [`Task`] (one running program, polled until done).

use ordinal_model::vecmap::VecMap;

/// Which stream an output chunk belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// The I/O of one task for one poll.
///
/// * `stdin`: data available to read. A task takes what it consumes (`std::mem::take`); what it
///   leaves stays for its next poll. Pipes, here-documents and `<` deliver everything at once with
///   `stdin_closed` set; a terminal delivers lines as they are typed.
/// * `out`: ordered output chunks; the order across stdout and stderr is preserved.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TaskIo {
    pub stdin: String,
    pub stdin_closed: bool,
    pub out: Vec<(Stream, String)>,
}

impl TaskIo {
    /// A closed stdin holding `data` (pipes, here-documents).
    pub fn with_input(data: impl Into<String>) -> TaskIo {
        TaskIo {
            stdin: data.into(),
            stdin_closed: true,
            out: Vec::new(),
        }
    }
    /// Writes to stdout.
    pub fn print(&mut self, s: impl Into<String>) {
        push_chunk(&mut self.out, Stream::Stdout, s.into());
    }
    /// Writes to stderr.
    pub fn eprint(&mut self, s: impl Into<String>) {
        push_chunk(&mut self.out, Stream::Stderr, s.into());
    }
    /// Takes all output written so far.
    pub fn take_out(&mut self) -> Vec<(Stream, String)> {
        std::mem::take(&mut self.out)
    }
    /// All stdout text, concatenated (tests, capture).
    pub fn stdout_text(&self) -> String {
        self.out
            .iter()
            .filter(|(s, _)| *s == Stream::Stdout)
            .map(|(_, t)| t.as_str())
            .collect()
    }
}

/// Appends a chunk, merging it with the previous one when the stream is the same.
pub(crate) fn push_chunk(out: &mut Vec<(Stream, String)>, stream: Stream, text: String) {
    if text.is_empty() {
        return;
    }
    if let Some((s, t)) = out.last_mut() {
        if *s == stream {
            t.push_str(&text);
            return;
        }
    }
    out.push((stream, text));
}

/// What a poll says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskPoll {
    /// Finished with this exit status.
    Done(i32),
    /// Not finished. `wake_at_ms`: poll again when virtual time reaches this instant (a driver
    /// may jump time straight there). `None`: poll again after the model changed or input
    /// arrived. A task that merely yields (shell step budget) says `Some(now)`.
    Pending { wake_at_ms: Option<u64> },
}

/// One running program.
pub trait Task {
    /// Makes progress. Must not block or spin: return `Pending` when waiting.
    fn poll(&mut self, host: &mut dyn Host, io: &mut TaskIo) -> TaskPoll;
    /// Ctrl-C. The task gets one more poll afterwards (to flush output, e.g. `kubectl run --rm`
    /// deleting its pod) and is then dropped; the job ends with status 130.
    fn interrupt(&mut self) {}
    /// True while the task waits for typed input (an interactive shell in a pod). The terminal
    /// uses it to route lines to the task and, with `--echo`, to echo them after the task's prompt.
    fn wants_input(&self) -> bool {
        false
    }
    /// True when Ctrl-C goes to this task and the task carries on (a shell in a pod attached
    /// to the terminal: the terminal's SIGINT reaches the pod's foreground process, not the
    /// job running `kubectl`). The job then forwards [`Task::interrupt`] and is not ended.
    fn catches_interrupt(&self) -> bool {
        false
    }
}

/// The environment of a command at spawn time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandCtx {
    /// Exported variables plus the command's `NAME=value` prefixes.
    pub env: VecMap<String, String>,
    /// The shell's working directory (absolute).
    pub cwd: String,
    /// The command's source line (dash prints it in `sh: 1: foo: not found`).
    pub line: u32,
    /// The command's stdout is the terminal (a `-t` session, not a pipe, `$(…)` or a file).
    pub tty: bool,
}

/// The world the shell runs in: kubectl over the model (the learner's terminal) or a container's
/// userland (`sh -c` in a pod).
pub trait Host {
    /// Starts `argv[0]` (never empty). `None`: no such program (the shell prints
    /// `bash: foo: command not found` and sets 127). Shell builtins (`echo`, `printf`, `sleep`,
    /// `true`, `false`, `test`/`[`, `pwd`, `cd`, `export`, `exit`, `clear`, …) never reach the host.
    /// Text filters (`grep`, `head`, …) do: a host delegates them to
    /// [`crate::shell::spawn_text_filter`].
    fn spawn(&mut self, argv: &[String], ctx: &CommandCtx) -> Option<Box<dyn Task>>;
    /// Reads an absolute path (for `<`, filters' file arguments). `Err` is the reason bash prints
    /// after the path, e.g. `No such file or directory`.
    fn read_file(&mut self, path: &str) -> Result<String, String>;
    /// Writes or appends (for `>` / `>>`; the shell first writes `""` to create/truncate).
    fn write_file(&mut self, path: &str, data: &str, append: bool) -> Result<(), String>;
    /// `cd` target check: `Err(reason)` if the directory does not exist.
    fn check_dir(&mut self, _path: &str) -> Result<(), String> {
        Ok(())
    }
    /// Virtual time in milliseconds.
    fn now_ms(&self) -> u64;
}
