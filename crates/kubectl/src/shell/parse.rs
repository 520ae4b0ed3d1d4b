//! A hand-written recursive-descent parser for the bash subset (see the module docs of
//! [`crate::shell`]). It works on characters, lexes on demand (so `$(…)` recurses into the parser)
//! and reports *incomplete* input separately from syntax errors, which is what a terminal needs to
//! decide between a `> ` continuation prompt and an error.

use super::ast::*;
use super::Dialect;
use std::sync::Arc;

/// Input larger than this is refused (the terminal runs in a browser tab).
pub const MAX_INPUT_BYTES: usize = 1 << 20;
/// Nesting limit for compound commands, `$(…)` and quotes inside them.
pub const MAX_DEPTH: usize = 64;

/// Why the input so far is not a complete command (bash would print a `> ` prompt).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incomplete {
    /// Unterminated `'…'`.
    SingleQuote,
    /// Unterminated `"…"`.
    DoubleQuote,
    /// Unterminated `` `…` ``.
    Backquote,
    /// `$(…` or `(…` without its `)`.
    Paren,
    /// A compound command waiting for this keyword (`done`, `fi`, `then`, `do`, `}`).
    Keyword(&'static str),
    /// A here-document whose delimiter line has not arrived yet.
    HereDoc(String),
    /// A trailing backslash (line continuation).
    Backslash,
    /// A trailing `&&`, `||` or `|` (or `!`).
    Operator(&'static str),
}

impl Incomplete {
    /// What bash prints when the input ends here for good (`bash < file`, `sh -c '…'`):
    /// e.g. "unexpected EOF while looking for matching `''" + "syntax error: unexpected end of file".
    pub fn eof_message(&self, dialect: Dialect) -> String {
        let name = dialect.name();
        match dialect {
            Dialect::Bash => {
                let matching = match self {
                    Incomplete::SingleQuote => Some('\''),
                    Incomplete::DoubleQuote => Some('"'),
                    Incomplete::Backquote => Some('`'),
                    Incomplete::Paren => Some(')'),
                    _ => None,
                };
                let mut s = String::new();
                if let Some(c) = matching {
                    s.push_str(&format!(
                        "{name}: unexpected EOF while looking for matching `{c}'\n"
                    ));
                }
                if let Incomplete::HereDoc(d) = self {
                    // bash warns and runs the command; we treat the end of input as the end.
                    s.push_str(&format!(
                        "{name}: warning: here-document at line 1 delimited by end-of-file (wanted `{d}')\n"
                    ));
                    return s;
                }
                s.push_str(&format!("{name}: syntax error: unexpected end of file\n"));
                s
            }
            Dialect::Ash => match self {
                Incomplete::SingleQuote | Incomplete::DoubleQuote | Incomplete::Backquote => {
                    format!("{name}: syntax error: unterminated quoted string\n")
                }
                _ => format!("{name}: syntax error: unexpected end of file\n"),
            },
            Dialect::Dash => format!("{name}: 1: Syntax error: end of file unexpected\n"),
        }
    }
}

/// A parse failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// The input ends inside a construct: more lines are needed.
    Incomplete(Incomplete),
    /// `near unexpected token` — the offending token as bash names it (`done`, `;`, `newline`).
    Unexpected(String),
    /// Anything else (bad identifier, bad substitution, limits), already a full message without
    /// the shell-name prefix.
    Other(String),
}

impl ParseError {
    /// The message the shell prints (one line, newline-terminated), e.g.
    /// `bash: syntax error near unexpected token `done'`.
    pub fn message(&self, dialect: Dialect) -> String {
        let name = dialect.name();
        match self {
            ParseError::Incomplete(i) => i.eof_message(dialect),
            ParseError::Unexpected(tok) => match dialect {
                Dialect::Bash => format!("{name}: syntax error near unexpected token `{tok}'\n"),
                Dialect::Ash => format!("{name}: syntax error: unexpected \"{tok}\"\n"),
                Dialect::Dash => format!("{name}: 1: Syntax error: \"{tok}\" unexpected\n"),
            },
            ParseError::Other(m) => format!("{name}: {m}\n"),
        }
    }
}

/// Parses a complete script. The text is parsed as if it ended with a newline.
pub fn parse(src: &str) -> Result<Script, ParseError> {
    if src.len() > MAX_INPUT_BYTES {
        return Err(ParseError::Other(format!(
            "input too long ({} bytes; the limit is {MAX_INPUT_BYTES})",
            src.len()
        )));
    }
    let mut chars: Vec<char> = src.chars().collect();
    if chars.last() != Some(&'\n') {
        chars.push('\n');
    }
    let mut p = Parser::new(chars, 0);
    let body = p.parse_list(&[])?;
    match p.next_tok()? {
        Tok::Eof => Ok(Script {
            body: Arc::new(body),
        }),
        t => Err(ParseError::Unexpected(t.describe())),
    }
}

#[derive(Debug, Clone)]
enum Tok {
    Word(Word, String),
    Op(&'static str),
    IoNumber(u32),
    Newline,
    Eof,
}

impl Tok {
    fn describe(&self) -> String {
        match self {
            Tok::Word(_, raw) => raw.clone(),
            Tok::Op(o) => o.to_string(),
            Tok::IoNumber(n) => n.to_string(),
            Tok::Newline => "newline".into(),
            Tok::Eof => "EOF".into(),
        }
    }
    fn is_keyword(&self, kw: &str) -> bool {
        matches!(self, Tok::Word(_, raw) if raw == kw)
    }
}

const OPS: &[&str] = &[
    "&>>", "<<-", ";;", "&&", "||", "<<", ">>", "<&", ">&", "&>", ";", "&", "|", "<", ">", "(", ")",
];
const RESERVED: &[&str] = &[
    "do", "done", "then", "fi", "elif", "else", "}", "esac", "in",
];

struct Parser {
    s: Vec<char>,
    pos: usize,
    depth: usize,
    /// newline index → position after the here-document bodies that follow that line.
    heredoc_skip: Vec<(usize, usize)>,
    peeked: Option<(usize, Tok, usize)>,
    /// Positions of the newlines, for line numbers.
    newlines: Vec<usize>,
}

fn is_meta(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\n' | ';' | '&' | '|' | '<' | '>' | '(' | ')'
    )
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// True when `s` is a valid shell variable name.
pub fn is_name(s: &str) -> bool {
    let mut cs = s.chars();
    matches!(cs.next(), Some(c) if is_name_start(c)) && cs.all(is_name_char)
}

impl Parser {
    fn new(s: Vec<char>, depth: usize) -> Parser {
        let newlines = s
            .iter()
            .enumerate()
            .filter(|(_, c)| **c == '\n')
            .map(|(i, _)| i)
            .collect();
        Parser {
            s,
            pos: 0,
            depth,
            heredoc_skip: Vec::new(),
            peeked: None,
            newlines,
        }
    }

    fn line_at(&self, pos: usize) -> u32 {
        (self.newlines.partition_point(|&n| n < pos) + 1) as u32
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ParseError::Other(format!(
                "nesting too deep (the limit is {MAX_DEPTH})"
            )));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    fn peek_char(&self) -> Option<char> {
        self.s.get(self.pos).copied()
    }

    // ---------------------------------------------------------------- lexer

    fn peek(&mut self) -> Result<Tok, ParseError> {
        if let Some((at, t, _)) = &self.peeked {
            if *at == self.pos {
                return Ok(t.clone());
            }
        }
        let start = self.pos;
        let t = self.lex()?;
        let end = self.pos;
        self.pos = start;
        self.peeked = Some((start, t.clone(), end));
        Ok(t)
    }

    fn next_tok(&mut self) -> Result<Tok, ParseError> {
        if let Some((at, t, end)) = self.peeked.take() {
            if at == self.pos {
                self.pos = end;
                return Ok(t);
            }
        }
        self.lex()
    }

    fn skip_blanks(&mut self) -> Result<(), ParseError> {
        loop {
            match self.peek_char() {
                Some(' ') | Some('\t') | Some('\r') => self.pos += 1,
                Some('\\') if self.s.get(self.pos + 1) == Some(&'\n') => {
                    self.pos += 2;
                    if self.pos >= self.s.len() {
                        return Err(ParseError::Incomplete(Incomplete::Backslash));
                    }
                }
                Some('#') => {
                    while let Some(c) = self.peek_char() {
                        if c == '\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn lex(&mut self) -> Result<Tok, ParseError> {
        self.skip_blanks()?;
        let Some(c) = self.peek_char() else {
            return Ok(Tok::Eof);
        };
        if c == '\n' {
            let at = self.pos;
            self.pos = self
                .heredoc_skip
                .iter()
                .find(|(nl, _)| *nl == at)
                .map(|(_, resume)| *resume)
                .unwrap_or(at + 1);
            return Ok(Tok::Newline);
        }
        for op in OPS {
            if self.starts_with(op) {
                self.pos += op.chars().count();
                return Ok(Tok::Op(op));
            }
        }
        // IO number: digits directly followed by `<` or `>`.
        let mut j = self.pos;
        while j < self.s.len() && self.s[j].is_ascii_digit() {
            j += 1;
        }
        if j > self.pos && j - self.pos < 4 && matches!(self.s.get(j), Some('<') | Some('>')) {
            let n: String = self.s[self.pos..j].iter().collect();
            self.pos = j;
            return Ok(Tok::IoNumber(n.parse().unwrap_or(0)));
        }
        let start = self.pos;
        let word = self.lex_word()?;
        let raw: String = self.s[start..self.pos].iter().collect();
        Ok(Tok::Word(word, raw))
    }

    fn starts_with(&self, op: &str) -> bool {
        op.chars()
            .enumerate()
            .all(|(k, c)| self.s.get(self.pos + k) == Some(&c))
    }

    fn lex_word(&mut self) -> Result<Word, ParseError> {
        let mut parts: Vec<Part> = Vec::new();
        let mut lit = String::new();
        while let Some(c) = self.peek_char() {
            if is_meta(c) || c == '\r' {
                break;
            }
            match c {
                '\'' => {
                    flush(&mut lit, &mut parts);
                    self.pos += 1;
                    let mut s = String::new();
                    loop {
                        match self.peek_char() {
                            None => return Err(ParseError::Incomplete(Incomplete::SingleQuote)),
                            Some('\'') => {
                                self.pos += 1;
                                break;
                            }
                            Some(ch) => {
                                s.push(ch);
                                self.pos += 1;
                            }
                        }
                    }
                    parts.push(Part::Single(s));
                }
                '"' => {
                    flush(&mut lit, &mut parts);
                    self.pos += 1;
                    self.enter()?;
                    let inner = self.lex_dq(Some('"'))?;
                    self.leave();
                    parts.push(Part::Double(inner));
                }
                '\\' => {
                    self.pos += 1;
                    match self.peek_char() {
                        Some('\n') => {
                            self.pos += 1;
                            if self.pos >= self.s.len() {
                                return Err(ParseError::Incomplete(Incomplete::Backslash));
                            }
                        }
                        Some(ch) => {
                            lit.push(ch);
                            self.pos += 1;
                        }
                        None => lit.push('\\'),
                    }
                }
                '$' => {
                    if let Some(p) = self.lex_dollar()? {
                        flush(&mut lit, &mut parts);
                        parts.push(p);
                    } else {
                        lit.push('$');
                        self.pos += 1;
                    }
                }
                '`' => {
                    flush(&mut lit, &mut parts);
                    let p = self.lex_backquote()?;
                    parts.push(p);
                }
                _ => {
                    lit.push(c);
                    self.pos += 1;
                }
            }
        }
        flush(&mut lit, &mut parts);
        Ok(Word { parts })
    }

    /// Double-quoted content up to `end` (or to the end of input for here-document bodies,
    /// where `"` is an ordinary character).
    fn lex_dq(&mut self, end: Option<char>) -> Result<Vec<Part>, ParseError> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        loop {
            let Some(c) = self.peek_char() else {
                if end.is_some() {
                    return Err(ParseError::Incomplete(Incomplete::DoubleQuote));
                }
                break;
            };
            if Some(c) == end {
                self.pos += 1;
                break;
            }
            match c {
                '\\' => {
                    let next = self.s.get(self.pos + 1).copied();
                    match next {
                        Some('\n') => {
                            self.pos += 2;
                        }
                        Some(n @ ('$' | '`' | '\\')) => {
                            lit.push(n);
                            self.pos += 2;
                        }
                        Some('"') if end.is_some() => {
                            lit.push('"');
                            self.pos += 2;
                        }
                        _ => {
                            lit.push('\\');
                            self.pos += 1;
                        }
                    }
                }
                '$' => {
                    if let Some(p) = self.lex_dollar()? {
                        flush(&mut lit, &mut parts);
                        parts.push(p);
                    } else {
                        lit.push('$');
                        self.pos += 1;
                    }
                }
                '`' => {
                    flush(&mut lit, &mut parts);
                    let p = self.lex_backquote()?;
                    parts.push(p);
                }
                _ => {
                    lit.push(c);
                    self.pos += 1;
                }
            }
        }
        flush(&mut lit, &mut parts);
        Ok(parts)
    }

    /// At a `$`: returns the expansion, or `None` (the `$` is literal; not consumed).
    fn lex_dollar(&mut self) -> Result<Option<Part>, ParseError> {
        let next = self.s.get(self.pos + 1).copied();
        match next {
            Some('(') => {
                self.pos += 2;
                self.enter()?;
                let list = self.parse_list(&[")"])?;
                match self.next_tok()? {
                    Tok::Op(")") => {}
                    Tok::Eof => return Err(ParseError::Incomplete(Incomplete::Paren)),
                    t => return Err(ParseError::Unexpected(t.describe())),
                }
                self.leave();
                Ok(Some(Part::Sub(Arc::new(list))))
            }
            Some('{') => {
                self.pos += 2;
                self.enter()?;
                let p = self.lex_brace_param()?;
                self.leave();
                Ok(Some(Part::Param(p)))
            }
            Some(c) if is_name_start(c) => {
                self.pos += 1;
                let mut name = String::new();
                while let Some(c) = self.peek_char() {
                    if !is_name_char(c) {
                        break;
                    }
                    name.push(c);
                    self.pos += 1;
                }
                Ok(Some(Part::Param(Param::Var(name))))
            }
            Some(c) if c.is_ascii_digit() => {
                self.pos += 2;
                Ok(Some(Part::Param(Param::Positional(c as u32 - '0' as u32))))
            }
            Some(c @ ('?' | '$' | '#' | '@' | '*' | '!' | '-')) => {
                self.pos += 2;
                Ok(Some(Part::Param(Param::Special(c))))
            }
            _ => Ok(None),
        }
    }

    /// After `${`: `name}`, `#name}`, `name:-word}`, `name-word}`, `N}`, `?}`.
    fn lex_brace_param(&mut self) -> Result<Param, ParseError> {
        let start = self.pos;
        let bad = |p: &mut Parser| -> ParseError {
            // Consume to the closing brace for the message.
            let mut text = String::from("${");
            let mut i = start;
            while let Some(&c) = p.s.get(i) {
                text.push(c);
                i += 1;
                if c == '}' {
                    break;
                }
            }
            if !text.ends_with('}') {
                return ParseError::Incomplete(Incomplete::Keyword("}"));
            }
            ParseError::Other(format!("{text}: bad substitution"))
        };
        let mut length = false;
        if self.peek_char() == Some('#') && self.s.get(self.pos + 1) != Some(&'}') {
            length = true;
            self.pos += 1;
        }
        let mut name = String::new();
        match self.peek_char() {
            Some(c) if is_name_start(c) => {
                while let Some(c) = self.peek_char() {
                    if !is_name_char(c) {
                        break;
                    }
                    name.push(c);
                    self.pos += 1;
                }
            }
            Some(c) if c.is_ascii_digit() => {
                while let Some(c) = self.peek_char() {
                    if !c.is_ascii_digit() {
                        break;
                    }
                    name.push(c);
                    self.pos += 1;
                }
            }
            Some(c @ ('?' | '$' | '#' | '@' | '*' | '!' | '-')) if !length => {
                self.pos += 1;
                if self.peek_char() == Some('}') {
                    self.pos += 1;
                    return Ok(Param::Special(c));
                }
                return Err(bad(self));
            }
            None => return Err(ParseError::Incomplete(Incomplete::Keyword("}"))),
            _ => return Err(bad(self)),
        }
        let positional = name.chars().all(|c| c.is_ascii_digit());
        match self.peek_char() {
            Some('}') => {
                self.pos += 1;
                if length {
                    return Ok(Param::Length(name));
                }
                if positional {
                    return Ok(Param::Positional(name.parse().unwrap_or(u32::MAX)));
                }
                Ok(Param::Var(name))
            }
            Some(':') | Some('-') if !length && !positional => {
                let colon = self.peek_char() == Some(':');
                if colon {
                    self.pos += 1;
                    if self.peek_char() != Some('-') {
                        return Err(bad(self));
                    }
                }
                self.pos += 1;
                // The default word: like double-quoted text, up to the closing brace, but quotes
                // are allowed inside.
                let word = self.lex_brace_word()?;
                Ok(Param::Default { name, colon, word })
            }
            None => Err(ParseError::Incomplete(Incomplete::Keyword("}"))),
            _ => Err(bad(self)),
        }
    }

    fn lex_brace_word(&mut self) -> Result<Word, ParseError> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        loop {
            let Some(c) = self.peek_char() else {
                return Err(ParseError::Incomplete(Incomplete::Keyword("}")));
            };
            match c {
                '}' => {
                    self.pos += 1;
                    break;
                }
                '\'' => {
                    flush(&mut lit, &mut parts);
                    self.pos += 1;
                    let mut s = String::new();
                    loop {
                        match self.peek_char() {
                            None => return Err(ParseError::Incomplete(Incomplete::SingleQuote)),
                            Some('\'') => {
                                self.pos += 1;
                                break;
                            }
                            Some(ch) => {
                                s.push(ch);
                                self.pos += 1;
                            }
                        }
                    }
                    parts.push(Part::Single(s));
                }
                '"' => {
                    flush(&mut lit, &mut parts);
                    self.pos += 1;
                    self.enter()?;
                    let inner = self.lex_dq(Some('"'))?;
                    self.leave();
                    parts.push(Part::Double(inner));
                }
                '\\' => {
                    self.pos += 1;
                    if let Some(ch) = self.peek_char() {
                        self.pos += 1;
                        if ch != '\n' {
                            lit.push(ch);
                        }
                    }
                }
                '$' => {
                    if let Some(p) = self.lex_dollar()? {
                        flush(&mut lit, &mut parts);
                        parts.push(p);
                    } else {
                        lit.push('$');
                        self.pos += 1;
                    }
                }
                _ => {
                    lit.push(c);
                    self.pos += 1;
                }
            }
        }
        flush(&mut lit, &mut parts);
        Ok(Word { parts })
    }

    fn lex_backquote(&mut self) -> Result<Part, ParseError> {
        self.pos += 1; // the opening backquote
        let mut inner = String::new();
        loop {
            match self.peek_char() {
                None => return Err(ParseError::Incomplete(Incomplete::Backquote)),
                Some('`') => {
                    self.pos += 1;
                    break;
                }
                Some('\\') => {
                    let n = self.s.get(self.pos + 1).copied();
                    match n {
                        Some(c @ ('`' | '$' | '\\')) => {
                            inner.push(c);
                            self.pos += 2;
                        }
                        _ => {
                            inner.push('\\');
                            self.pos += 1;
                        }
                    }
                }
                Some(c) => {
                    inner.push(c);
                    self.pos += 1;
                }
            }
        }
        let mut chars: Vec<char> = inner.chars().collect();
        chars.push('\n');
        let mut sub = Parser::new(chars, self.depth + 1);
        if sub.depth > MAX_DEPTH {
            return Err(ParseError::Other(format!(
                "nesting too deep (the limit is {MAX_DEPTH})"
            )));
        }
        let list = sub.parse_list(&[])?;
        match sub.next_tok()? {
            Tok::Eof => Ok(Part::Sub(Arc::new(list))),
            t => Err(ParseError::Unexpected(t.describe())),
        }
    }

    // --------------------------------------------------------------- parser

    fn skip_newlines(&mut self) -> Result<(), ParseError> {
        while let Tok::Newline = self.peek()? {
            self.next_tok()?;
        }
        Ok(())
    }

    fn at_terminator(&mut self, terms: &[&str]) -> Result<bool, ParseError> {
        Ok(match self.peek()? {
            Tok::Word(_, raw) => terms.contains(&raw.as_str()),
            Tok::Op(")") => terms.contains(&")"),
            Tok::Eof => true,
            _ => false,
        })
    }

    /// A list up to one of `terms` (keywords or `)`), not consuming it. At the top level `terms`
    /// is empty and the list runs to the end of input.
    fn parse_list(&mut self, terms: &[&str]) -> Result<List, ParseError> {
        let mut list = Vec::new();
        loop {
            self.skip_newlines()?;
            if self.at_terminator(terms)? {
                if let Tok::Eof = self.peek()? {
                    if let Some(t) = terms.first() {
                        return Err(ParseError::Incomplete(if *t == ")" {
                            Incomplete::Paren
                        } else {
                            Incomplete::Keyword(keyword_static(t))
                        }));
                    }
                }
                return Ok(list);
            }
            let ao = self.parse_and_or()?;
            list.push(Arc::new(ao));
            match self.peek()? {
                Tok::Op(";") | Tok::Op("&") | Tok::Newline => {
                    self.next_tok()?;
                }
                Tok::Eof => {}
                t => {
                    if self.at_terminator(terms)? {
                        continue;
                    }
                    return Err(ParseError::Unexpected(t.describe()));
                }
            }
        }
    }

    /// A non-empty list up to `terms`, then one of them consumed and returned.
    fn parse_body(&mut self, terms: &[&'static str]) -> Result<(List, &'static str), ParseError> {
        let list = self.parse_list(terms)?;
        let t = self.next_tok()?;
        let found = terms
            .iter()
            .find(|k| t.is_keyword(k) || (matches!(t, Tok::Op(")")) && **k == ")"))
            .copied();
        match found {
            Some(k) if !list.is_empty() => Ok((list, k)),
            Some(_) => Err(ParseError::Unexpected(t.describe())),
            None => match t {
                Tok::Eof => Err(ParseError::Incomplete(Incomplete::Keyword(terms[0]))),
                t => Err(ParseError::Unexpected(t.describe())),
            },
        }
    }

    fn parse_and_or(&mut self) -> Result<AndOr, ParseError> {
        let first = Arc::new(self.parse_pipeline()?);
        let mut rest = Vec::new();
        loop {
            let conn = match self.peek()? {
                Tok::Op("&&") => Connector::And,
                Tok::Op("||") => Connector::Or,
                _ => break,
            };
            self.next_tok()?;
            self.skip_newlines()?;
            if let Tok::Eof = self.peek()? {
                return Err(ParseError::Incomplete(Incomplete::Operator(
                    if conn == Connector::And { "&&" } else { "||" },
                )));
            }
            rest.push((conn, Arc::new(self.parse_pipeline()?)));
        }
        Ok(AndOr { first, rest })
    }

    fn parse_pipeline(&mut self) -> Result<Pipeline, ParseError> {
        let mut bang = false;
        if self.peek()?.is_keyword("!") {
            self.next_tok()?;
            bang = true;
            if let Tok::Eof = self.peek()? {
                return Err(ParseError::Incomplete(Incomplete::Operator("!")));
            }
        }
        let mut cmds = vec![Arc::new(self.parse_command()?)];
        while let Tok::Op("|") = self.peek()? {
            self.next_tok()?;
            self.skip_newlines()?;
            if let Tok::Eof = self.peek()? {
                return Err(ParseError::Incomplete(Incomplete::Operator("|")));
            }
            cmds.push(Arc::new(self.parse_command()?));
        }
        Ok(Pipeline { bang, cmds })
    }

    fn parse_command(&mut self) -> Result<Command, ParseError> {
        let t = self.peek()?;
        let kind = match &t {
            Tok::Word(_, raw) => match raw.as_str() {
                "for" => {
                    self.next_tok()?;
                    self.enter()?;
                    let k = self.parse_for()?;
                    self.leave();
                    k
                }
                "while" | "until" => {
                    let until = raw == "until";
                    self.next_tok()?;
                    self.enter()?;
                    let (cond, _) = self.parse_body(&["do"])?;
                    let (body, _) = self.parse_body(&["done"])?;
                    self.leave();
                    CommandKind::While {
                        until,
                        cond: Arc::new(cond),
                        body: Arc::new(body),
                    }
                }
                "if" => {
                    self.next_tok()?;
                    self.enter()?;
                    let k = self.parse_if()?;
                    self.leave();
                    k
                }
                "{" => {
                    self.next_tok()?;
                    self.enter()?;
                    let (body, _) = self.parse_body(&["}"])?;
                    self.leave();
                    CommandKind::Group(Arc::new(body))
                }
                r if RESERVED.contains(&r) => return Err(ParseError::Unexpected(r.to_string())),
                _ => return self.parse_simple(),
            },
            Tok::Op("(") => {
                self.next_tok()?;
                self.enter()?;
                let (body, _) = self.parse_body(&[")"])?;
                self.leave();
                CommandKind::Subshell(Arc::new(body))
            }
            Tok::IoNumber(_)
            | Tok::Op("<" | ">" | ">>" | "<<" | "<<-" | "&>" | "&>>" | ">&" | "<&") => {
                return self.parse_simple();
            }
            Tok::Eof => return Err(ParseError::Incomplete(Incomplete::Operator("|"))),
            t => return Err(ParseError::Unexpected(t.describe())),
        };
        // Redirections after a compound command.
        let mut redirs = Vec::new();
        while let Tok::IoNumber(_)
        | Tok::Op("<" | ">" | ">>" | "<<" | "<<-" | "&>" | "&>>" | ">&" | "<&") =
            self.peek()?
        {
            redirs.push(self.parse_redir()?);
        }
        Ok(Command { kind, redirs })
    }

    fn parse_for(&mut self) -> Result<CommandKind, ParseError> {
        let var = match self.next_tok()? {
            Tok::Word(_, raw) if is_name(&raw) => raw,
            Tok::Word(_, raw) => {
                return Err(ParseError::Other(format!(
                    "`{raw}': not a valid identifier"
                )))
            }
            Tok::Eof => return Err(ParseError::Incomplete(Incomplete::Keyword("done"))),
            t => return Err(ParseError::Unexpected(t.describe())),
        };
        self.skip_newlines()?;
        let mut items = None;
        if self.peek()?.is_keyword("in") {
            self.next_tok()?;
            let mut words = Vec::new();
            loop {
                match self.next_tok()? {
                    Tok::Word(w, _) => words.push(w),
                    Tok::Op(";") | Tok::Newline => break,
                    Tok::Eof => return Err(ParseError::Incomplete(Incomplete::Keyword("done"))),
                    t => return Err(ParseError::Unexpected(t.describe())),
                }
            }
            items = Some(words);
        } else if let Tok::Op(";") = self.peek()? {
            self.next_tok()?;
        }
        self.skip_newlines()?;
        match self.next_tok()? {
            t if t.is_keyword("do") => {}
            Tok::Eof => return Err(ParseError::Incomplete(Incomplete::Keyword("done"))),
            t => return Err(ParseError::Unexpected(t.describe())),
        }
        let (body, _) = self.parse_body(&["done"])?;
        Ok(CommandKind::For {
            var,
            items,
            body: Arc::new(body),
        })
    }

    fn parse_if(&mut self) -> Result<CommandKind, ParseError> {
        let mut arms = Vec::new();
        let mut else_body = None;
        loop {
            let (cond, _) = self.parse_body(&["then"])?;
            let (body, end) = self.parse_body(&["fi", "elif", "else"])?;
            arms.push((Arc::new(cond), Arc::new(body)));
            match end {
                "elif" => continue,
                "else" => {
                    let (e, _) = self.parse_body(&["fi"])?;
                    else_body = Some(Arc::new(e));
                    break;
                }
                _ => break,
            }
        }
        Ok(CommandKind::If { arms, else_body })
    }

    fn parse_simple(&mut self) -> Result<Command, ParseError> {
        let line = {
            // Position of the first token of the command.
            let _ = self.skip_blanks();
            self.line_at(self.pos)
        };
        let mut assigns = Vec::new();
        let mut words: Vec<Word> = Vec::new();
        let mut redirs = Vec::new();
        loop {
            match self.peek()? {
                Tok::Word(w, raw) => {
                    self.next_tok()?;
                    if words.is_empty() {
                        if let Some(a) = split_assignment(&w, &raw) {
                            assigns.push(a);
                            continue;
                        }
                    }
                    words.push(w);
                }
                Tok::IoNumber(_)
                | Tok::Op("<" | ">" | ">>" | "<<" | "<<-" | "&>" | "&>>" | ">&" | "<&") => {
                    redirs.push(self.parse_redir()?);
                }
                t => {
                    if assigns.is_empty() && words.is_empty() && redirs.is_empty() {
                        return Err(match t {
                            Tok::Eof => ParseError::Incomplete(Incomplete::Operator("|")),
                            t => ParseError::Unexpected(t.describe()),
                        });
                    }
                    break;
                }
            }
        }
        Ok(Command {
            kind: CommandKind::Simple(SimpleCommand {
                assigns,
                words,
                line,
            }),
            redirs,
        })
    }

    fn parse_redir(&mut self) -> Result<Redir, ParseError> {
        let mut fd = None;
        let mut t = self.next_tok()?;
        if let Tok::IoNumber(n) = t {
            fd = Some(n);
            t = self.next_tok()?;
        }
        let Tok::Op(op) = t else {
            return Err(ParseError::Unexpected(t.describe()));
        };
        let target = match self.next_tok()? {
            Tok::Word(w, raw) => (w, raw),
            Tok::Eof => return Err(ParseError::Unexpected("newline".into())),
            t => return Err(ParseError::Unexpected(t.describe())),
        };
        let redir = match op {
            ">" => Redir {
                fd: fd.unwrap_or(1),
                op: RedirOp::Out(target.0),
            },
            ">>" => Redir {
                fd: fd.unwrap_or(1),
                op: RedirOp::Append(target.0),
            },
            "<" => Redir {
                fd: fd.unwrap_or(0),
                op: RedirOp::In(target.0),
            },
            "&>" | "&>>" => Redir {
                fd: 1,
                op: RedirOp::Both {
                    target: target.0,
                    append: op == "&>>",
                },
            },
            ">&" | "<&" => {
                let default = if op == ">&" { 1 } else { 0 };
                match target.1.parse::<u32>() {
                    Ok(n) => Redir {
                        fd: fd.unwrap_or(default),
                        op: RedirOp::Dup(n),
                    },
                    // `>&file` is `&>file` in bash.
                    Err(_) if op == ">&" && fd.is_none() => Redir {
                        fd: 1,
                        op: RedirOp::Both {
                            target: target.0,
                            append: false,
                        },
                    },
                    Err(_) => {
                        return Err(ParseError::Other(format!(
                            "{}: ambiguous redirect",
                            target.1
                        )))
                    }
                }
            }
            "<<" | "<<-" => {
                let body = self.read_heredoc(&target.1, op == "<<-")?;
                Redir {
                    fd: fd.unwrap_or(0),
                    op: RedirOp::HereDoc(body),
                }
            }
            _ => return Err(ParseError::Unexpected(op.to_string())),
        };
        Ok(redir)
    }

    fn read_heredoc(&mut self, raw_delim: &str, strip_tabs: bool) -> Result<Word, ParseError> {
        let quoted = raw_delim.contains(['\'', '"', '\\']);
        let delim: String = raw_delim
            .chars()
            .filter(|c| !matches!(c, '\'' | '"' | '\\'))
            .collect();
        // The body starts on the line after the current one (or after earlier bodies).
        let Some(nl) = (self.pos..self.s.len()).find(|&i| self.s[i] == '\n') else {
            return Err(ParseError::Incomplete(Incomplete::HereDoc(delim)));
        };
        let mut i = self
            .heredoc_skip
            .iter()
            .find(|(n, _)| *n == nl)
            .map(|(_, r)| *r)
            .unwrap_or(nl + 1);
        let mut body = String::new();
        loop {
            if i >= self.s.len() {
                return Err(ParseError::Incomplete(Incomplete::HereDoc(delim)));
            }
            let end = (i..self.s.len())
                .find(|&j| self.s[j] == '\n')
                .unwrap_or(self.s.len());
            let mut line: String = self.s[i..end].iter().collect();
            if line.ends_with('\r') {
                line.pop();
            }
            let line = if strip_tabs {
                line.trim_start_matches('\t').to_string()
            } else {
                line
            };
            i = end + 1;
            if line == delim {
                break;
            }
            if end >= self.s.len() {
                return Err(ParseError::Incomplete(Incomplete::HereDoc(delim)));
            }
            body.push_str(&line);
            body.push('\n');
        }
        let resume = i.min(self.s.len());
        if let Some(e) = self.heredoc_skip.iter_mut().find(|(n, _)| *n == nl) {
            e.1 = resume;
        } else {
            self.heredoc_skip.push((nl, resume));
        }
        self.peeked = None;
        if quoted {
            return Ok(Word {
                parts: vec![Part::Single(body)],
            });
        }
        let mut sub = Parser::new(body.chars().collect(), self.depth + 1);
        let parts = sub.lex_dq(None)?;
        Ok(Word {
            parts: vec![Part::Double(parts)],
        })
    }
}

fn keyword_static(t: &str) -> &'static str {
    for k in ["done", "fi", "then", "do", "}", "esac", "elif", "else"] {
        if k == t {
            return k;
        }
    }
    "done"
}

fn flush(lit: &mut String, parts: &mut Vec<Part>) {
    if !lit.is_empty() {
        parts.push(Part::Lit(std::mem::take(lit)));
    }
}

/// `NAME=value` as the leading words of a simple command.
fn split_assignment(w: &Word, raw: &str) -> Option<(String, Word)> {
    let eq = raw.find('=')?;
    let name = &raw[..eq];
    if !is_name(name) {
        return None;
    }
    // The name must be plain literal text in the first part.
    let Some(Part::Lit(first)) = w.parts.first() else {
        return None;
    };
    let rest = first.strip_prefix(name)?.strip_prefix('=')?;
    let mut parts = Vec::new();
    if !rest.is_empty() {
        parts.push(Part::Lit(rest.to_string()));
    }
    parts.extend(w.parts[1..].iter().cloned());
    Some((name.to_string(), Word { parts }))
}
