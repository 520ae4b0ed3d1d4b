//! The syntax tree of the supported bash subset. Nodes are shared through `Arc` so that the
//! interpreter's frames (and the child jobs of pipelines and `$(…)`) can hold them cheaply.

use std::sync::Arc;

/// A parsed script: a list of and-or lists run in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Script {
    pub body: Arc<List>,
}

impl Script {
    /// True when the input held nothing to run (blank lines and comments only).
    pub fn is_empty(&self) -> bool {
        self.body.is_empty()
    }
}

/// Statements separated by `;`, `&` (run in the foreground: no job control) or newlines.
pub type List = Vec<Arc<AndOr>>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AndOr {
    pub first: Arc<Pipeline>,
    pub rest: Vec<(Connector, Arc<Pipeline>)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connector {
    And,
    Or,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pipeline {
    /// `! cmd`: the status is inverted.
    pub bang: bool,
    pub cmds: Vec<Arc<Command>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub kind: CommandKind,
    /// Redirections, in source order (for simple commands, wherever they appeared).
    pub redirs: Vec<Redir>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandKind {
    Simple(SimpleCommand),
    For {
        var: String,
        /// `None`: `for x; do` (iterates the positional parameters).
        items: Option<Vec<Word>>,
        body: Arc<List>,
    },
    While {
        until: bool,
        cond: Arc<List>,
        body: Arc<List>,
    },
    If {
        /// `if`/`elif` arms: (condition, body).
        arms: Vec<(Arc<List>, Arc<List>)>,
        else_body: Option<Arc<List>>,
    },
    /// `{ …; }`
    Group(Arc<List>),
    /// `( … )`
    Subshell(Arc<List>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleCommand {
    /// `NAME=value` prefixes.
    pub assigns: Vec<(String, Word)>,
    pub words: Vec<Word>,
    /// 1-based source line (for dash-style `sh: 1: …` messages).
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redir {
    pub fd: u32,
    pub op: RedirOp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedirOp {
    /// `>` (truncate)
    Out(Word),
    /// `>>`
    Append(Word),
    /// `<`
    In(Word),
    /// `n>&m` / `n<&m`
    Dup(u32),
    /// `&>` / `&>>` (stdout and stderr to one file)
    Both { target: Word, append: bool },
    /// `<<DELIM` / `<<-DELIM`: the body, already tab-stripped; quoted delimiters give a body of
    /// one literal part.
    HereDoc(Word),
}

/// A word: concatenated parts, expanded and then split into fields at run time.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Word {
    pub parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Unquoted literal text (backslash escapes already resolved). Never split, never globbed.
    Lit(String),
    /// `'…'`
    Single(String),
    /// `"…"`: literal and expansion parts, not split.
    Double(Vec<Part>),
    /// `$name`, `${…}`, `$?` …
    Param(Param),
    /// `$(…)` or `` `…` ``
    Sub(Arc<List>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Param {
    /// `$name` / `${name}`
    Var(String),
    /// `$?`, `$$`, `$#`, `$@`, `$*`, `$!`, `$-`
    Special(char),
    /// `$0`…`$9`, `${10}`
    Positional(u32),
    /// `${#name}`
    Length(String),
    /// `${name:-word}` (`colon`) / `${name-word}`
    Default {
        name: String,
        colon: bool,
        word: Word,
    },
}
