//! A Go `text/template` subset over JSON values, as kubectl's go-template printer runs it.
//!
//! kubectl marshals the object to JSON and unmarshals it into `map[string]interface{}`, so every
//! number is a `float64`: `{{.spec.replicas}}` prints `2`, a million prints `1e+06`, and
//! `{{if eq .spec.replicas 2}}` fails with `incompatible types for comparison` (2 is an int
//! constant) — all reproduced. Missing keys and JSON nulls print `<no value>`; maps print as
//! `map[k:v …]` with sorted keys, lists as `[a b]`.
//!
//! Supported: text, `{{- -}}` trim markers, comments, fields and chains (`.a.b`, `$x.a`, `$`),
//! variables (`:=`, `=`), pipelines `|`, parenthesized pipelines, literals (strings, raw strings,
//! numbers, `true`/`false`/`nil`), `if`/`else if`/`else`, `range` (with `$i, $v :=`, `else`),
//! `with` (with `else`), and the functions `index`, `len`, `printf`, `print`, `println`, `not`,
//! `and`, `or`, `eq`, `ne`, `lt`, `le`, `gt`, `ge`, `html`, `js`, `urlquery` and kubectl's
//! `base64decode`. Error texts follow Go's (`template: output:1:2: executing "output" at
//! <.a.b>: …`); the template name is `output`, as in kubectl.

use serde_json::Value;
use std::fmt;

const NAME: &str = "output";
const MAX_TEMPLATE: usize = 64 * 1024;
const MAX_DEPTH: usize = 100;
/// Output cap (hostile templates such as nested ranges over large lists).
const MAX_OUTPUT: usize = 16 * 1024 * 1024;

/// A parse or execution error, worded like Go's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateError(pub String);

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TemplateError {}

/// A parsed template.
#[derive(Clone, Debug)]
pub struct GoTemplate {
    nodes: Vec<TNode>,
    missing_key_error: bool,
}

#[derive(Clone, Debug)]
enum TNode {
    Text(String),
    Action(Pipe),
    If(Pipe, Vec<TNode>, Vec<TNode>),
    Range(Pipe, Vec<TNode>, Vec<TNode>),
    With(Pipe, Vec<TNode>, Vec<TNode>),
}

#[derive(Clone, Debug)]
struct Pipe {
    decl: Vec<String>,
    assign: bool,
    cmds: Vec<Vec<Arg>>,
    pos: Pos,
    text: String,
}

#[derive(Clone, Copy, Debug, Default)]
struct Pos {
    line: usize,
    col: usize,
}

#[derive(Clone, Debug)]
enum Arg {
    Dot,
    Field(Vec<String>),
    Var(String, Vec<String>),
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Nil,
    Func(String),
    Sub(Box<Pipe>, Vec<String>),
}

/// A runtime value: JSON (numbers from JSON are float64), Go ints from literals/range indexes,
/// or "no value".
#[derive(Clone, Debug, PartialEq)]
enum V {
    Json(Value),
    Int(i64),
    Invalid,
}

// ---------------------------------------------------------------------------------------------
// Lexing

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Dot,
    Field(String),
    Var(String),
    Ident(String),
    Str(String),
    Num(String),
    Pipe,
    LParen,
    RParen,
    Declare,
    Assign,
    Comma,
}

fn tokenize(s: &str) -> Result<Vec<Tok>, String> {
    let c: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < c.len() {
        let ch = c[i];
        match ch {
            ' ' | '\t' | '\n' | '\r' => i += 1,
            '|' => {
                out.push(Tok::Pipe);
                i += 1;
            }
            '(' => {
                out.push(Tok::LParen);
                i += 1;
            }
            ')' => {
                out.push(Tok::RParen);
                i += 1;
            }
            ',' => {
                out.push(Tok::Comma);
                i += 1;
            }
            ':' if c.get(i + 1) == Some(&'=') => {
                out.push(Tok::Declare);
                i += 2;
            }
            '=' => {
                out.push(Tok::Assign);
                i += 1;
            }
            '.' => {
                let st = i + 1;
                let mut j = st;
                while j < c.len() && (c[j].is_alphanumeric() || c[j] == '_') {
                    j += 1;
                }
                if j == st {
                    if c.get(j).is_some_and(|d| d.is_ascii_digit()) {
                        return Err("bad number syntax".into());
                    }
                    out.push(Tok::Dot);
                } else {
                    out.push(Tok::Field(c[st..j].iter().collect()));
                }
                i = j;
            }
            '$' => {
                let mut j = i + 1;
                while j < c.len() && (c[j].is_alphanumeric() || c[j] == '_') {
                    j += 1;
                }
                out.push(Tok::Var(c[i..j].iter().collect()));
                i = j;
            }
            '"' => {
                let mut j = i + 1;
                let mut lit = String::new();
                loop {
                    let Some(&d) = c.get(j) else {
                        return Err("unterminated quoted string".into());
                    };
                    if d == '\n' {
                        return Err("unterminated quoted string".into());
                    }
                    if d == '"' {
                        break;
                    }
                    if d == '\\' {
                        j += 1;
                        let e = c.get(j).copied().ok_or("unterminated quoted string")?;
                        lit.push(match e {
                            'n' => '\n',
                            't' => '\t',
                            'r' => '\r',
                            '\\' => '\\',
                            '"' => '"',
                            '\'' => '\'',
                            'a' => '\u{7}',
                            'b' => '\u{8}',
                            'f' => '\u{c}',
                            'v' => '\u{b}',
                            '0' => '\0',
                            _ => return Err("invalid syntax".into()),
                        });
                    } else {
                        lit.push(d);
                    }
                    j += 1;
                }
                out.push(Tok::Str(lit));
                i = j + 1;
            }
            '`' => {
                let rest: String = c[i + 1..].iter().collect();
                let end = rest.find('`').ok_or("unterminated raw quoted string")?;
                out.push(Tok::Str(rest[..end].to_string()));
                i += 1 + rest[..end].chars().count() + 1;
            }
            d if d.is_ascii_digit()
                || ((d == '-' || d == '+') && c.get(i + 1).is_some_and(|x| x.is_ascii_digit())) =>
            {
                let st = i;
                i += 1;
                while i < c.len()
                    && (c[i].is_ascii_alphanumeric()
                        || c[i] == '.'
                        || c[i] == '_'
                        || ((c[i] == '-' || c[i] == '+') && matches!(c[i - 1], 'e' | 'E')))
                {
                    i += 1;
                }
                out.push(Tok::Num(c[st..i].iter().collect()));
            }
            a if a.is_alphabetic() || a == '_' => {
                let st = i;
                while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                    i += 1;
                }
                out.push(Tok::Ident(c[st..i].iter().collect()));
            }
            other => return Err(format!("unexpected {other:?} in command")),
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Parsing

struct RawAction {
    text: String,
    pos: Pos,
}

enum Piece {
    Text(String),
    Action(RawAction),
}

fn pos_of(src: &str, byte: usize) -> Pos {
    let before = &src[..byte];
    let line = before.matches('\n').count() + 1;
    let col = before.rfind('\n').map(|i| byte - i - 1).unwrap_or(byte);
    Pos { line, col }
}

fn split_pieces(src: &str) -> Result<Vec<Piece>, TemplateError> {
    let mut out: Vec<Piece> = Vec::new();
    let mut i = 0;
    while i < src.len() {
        let Some(off) = src[i..].find("{{") else {
            out.push(Piece::Text(src[i..].to_string()));
            break;
        };
        let open = i + off;
        let mut text = src[i..open].to_string();
        let mut start = open + 2;
        let trim_left = src[start..].starts_with("- ")
            || src[start..].starts_with("-\t")
            || src[start..].starts_with("-\n");
        if trim_left {
            text = text.trim_end_matches([' ', '\t', '\r', '\n']).to_string();
            start += 1;
        }
        if !text.is_empty() {
            out.push(Piece::Text(text));
        }
        // find the closing "}}" outside of quotes
        let b = src.as_bytes();
        let mut j = start;
        let mut quote: Option<u8> = None;
        let close = loop {
            if j + 1 >= b.len() {
                let p = pos_of(src, open);
                return Err(TemplateError(format!(
                    "template: {NAME}:{}: unclosed action",
                    p.line
                )));
            }
            let ch = b[j];
            match quote {
                Some(q) => {
                    if ch == b'\\' && q == b'"' {
                        j += 1;
                    } else if ch == q {
                        quote = None;
                    }
                }
                None => {
                    if ch == b'"' || ch == b'`' {
                        quote = Some(ch);
                    } else if ch == b'}' && b[j + 1] == b'}' {
                        break j;
                    }
                }
            }
            j += 1;
        };
        let mut inner_end = close;
        // ` -}}`: the dash must follow a space (bytes, so multi-byte text cannot split a char).
        let trim_right = close >= 2
            && close > start
            && b[close - 1] == b'-'
            && matches!(b[close - 2], b' ' | b'\t' | b'\n' | b'\r');
        if trim_right {
            inner_end = close - 1;
        }
        let inner = &src[start..inner_end.max(start)];
        out.push(Piece::Action(RawAction {
            text: inner.to_string(),
            pos: pos_of(src, start),
        }));
        i = close + 2;
        if trim_right {
            let rest = &src[i..];
            let trimmed = rest.trim_start_matches([' ', '\t', '\r', '\n']);
            i += rest.len() - trimmed.len();
        }
    }
    Ok(out)
}

/// The action without its first `n` words (`if`, `else if`), with the column moved along, so
/// errors point at the pipeline as Go's do.
fn skip_words(a: &RawAction, n: usize) -> RawAction {
    let t = a.text.as_str();
    let mut off = t.len() - t.trim_start().len();
    for _ in 0..n {
        let rest = &t[off..];
        let w = rest.find(char::is_whitespace).unwrap_or(rest.len());
        off += w;
        let rest = &t[off..];
        off += rest.len() - rest.trim_start().len();
    }
    RawAction {
        text: t[off..].to_string(),
        pos: Pos {
            line: a.pos.line,
            col: a.pos.col + off,
        },
    }
}

struct Parser<'a> {
    pieces: &'a [Piece],
    i: usize,
    depth: usize,
}

enum Stop {
    End,
    Else(Option<Pipe>),
    Eof,
}

impl Parser<'_> {
    fn err(&self, pos: Pos, msg: impl fmt::Display) -> TemplateError {
        TemplateError(format!("template: {NAME}:{}: {msg}", pos.line))
    }

    fn list(&mut self) -> Result<(Vec<TNode>, Stop), TemplateError> {
        let mut nodes = Vec::new();
        while self.i < self.pieces.len() {
            let piece = &self.pieces[self.i];
            self.i += 1;
            match piece {
                Piece::Text(t) => nodes.push(TNode::Text(t.clone())),
                Piece::Action(a) => {
                    let text = a.text.trim();
                    if text.starts_with("/*") {
                        if !text.ends_with("*/") {
                            return Err(self.err(a.pos, "unclosed comment"));
                        }
                        continue;
                    }
                    let toks = tokenize(text).map_err(|m| self.err(a.pos, m))?;
                    match toks.first() {
                        Some(Tok::Ident(k)) if k == "end" => return Ok((nodes, Stop::End)),
                        Some(Tok::Ident(k)) if k == "else" => {
                            if toks.len() > 1 {
                                // else if …
                                if toks[1] != Tok::Ident("if".into()) {
                                    return Err(self.err(a.pos, "unexpected identifier in else"));
                                }
                                let sub = skip_words(a, 2);
                                let p = self.pipe(&toks[2..], &sub)?;
                                return Ok((nodes, Stop::Else(Some(p))));
                            }
                            return Ok((nodes, Stop::Else(None)));
                        }
                        Some(Tok::Ident(k)) if k == "if" || k == "range" || k == "with" => {
                            self.depth += 1;
                            if self.depth > MAX_DEPTH {
                                return Err(self.err(a.pos, "nesting too deep"));
                            }
                            let kw = k.clone();
                            let sub = skip_words(a, 1);
                            let p = self.pipe(&toks[1..], &sub)?;
                            let node = self.control(&kw, p, a.pos)?;
                            self.depth -= 1;
                            nodes.push(node);
                        }
                        Some(Tok::Ident(k))
                            if k == "define"
                                || k == "template"
                                || k == "block"
                                || k == "break"
                                || k == "continue" =>
                        {
                            return Err(self.err(
                                a.pos,
                                format!("{{{{{k}}}}} is not supported by this simulator"),
                            ));
                        }
                        None => return Err(self.err(a.pos, "missing value for command")),
                        _ => nodes.push(TNode::Action(self.pipe(&toks, &skip_words(a, 0))?)),
                    }
                }
            }
        }
        Ok((nodes, Stop::Eof))
    }

    fn control(&mut self, kw: &str, p: Pipe, pos: Pos) -> Result<TNode, TemplateError> {
        let (body, stop) = self.list()?;
        let else_ = match stop {
            Stop::End => Vec::new(),
            Stop::Eof => return Err(self.err(pos, "unexpected EOF")),
            Stop::Else(None) => {
                let (e, stop) = self.list()?;
                match stop {
                    Stop::End => e,
                    Stop::Eof => return Err(self.err(pos, "unexpected EOF")),
                    Stop::Else(_) => return Err(self.err(pos, "expected end; found {{else}}")),
                }
            }
            Stop::Else(Some(cond)) => {
                if kw != "if" {
                    return Err(self.err(pos, "expected end; found {{else if}}"));
                }
                vec![self.control("if", cond, pos)?]
            }
        };
        Ok(match kw {
            "if" => TNode::If(p, body, else_),
            "range" => TNode::Range(p, body, else_),
            _ => TNode::With(p, body, else_),
        })
    }

    fn pipe(&self, toks: &[Tok], a: &RawAction) -> Result<Pipe, TemplateError> {
        let mut toks = toks;
        let mut decl = Vec::new();
        let mut assign = false;
        // $x := / $i, $v := / $x =
        if let Some(Tok::Var(_)) = toks.first() {
            let mut k = 0;
            let mut vars = Vec::new();
            while let Some(Tok::Var(v)) = toks.get(k) {
                vars.push(v.clone());
                k += 1;
                if toks.get(k) == Some(&Tok::Comma) {
                    k += 1;
                } else {
                    break;
                }
            }
            match toks.get(k) {
                Some(Tok::Declare) => {
                    decl = vars;
                    toks = &toks[k + 1..];
                }
                Some(Tok::Assign) => {
                    decl = vars;
                    assign = true;
                    toks = &toks[k + 1..];
                }
                _ => {}
            }
        }
        if decl.len() > 2 {
            return Err(self.err(a.pos, "too many declarations in command"));
        }
        let (cmds, rest) = parse_cmds(toks, 0).map_err(|m| self.err(a.pos, m))?;
        if !rest.is_empty() {
            return Err(self.err(a.pos, "unexpected \")\" in command"));
        }
        if cmds.is_empty() {
            return Err(self.err(a.pos, "missing value for command"));
        }
        Ok(Pipe {
            decl,
            assign,
            cmds,
            pos: a.pos,
            text: a.text.trim().to_string(),
        })
    }
}

type Cmds = Vec<Vec<Arg>>;

/// Parse commands until `)` or the end; returns the rest starting at `)`.
fn parse_cmds(toks: &[Tok], depth: usize) -> Result<(Cmds, &[Tok]), String> {
    if depth > MAX_DEPTH {
        return Err("nesting too deep".into());
    }
    let mut cmds = Vec::new();
    let mut cur: Vec<Arg> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        match &toks[i] {
            Tok::RParen => break,
            Tok::Pipe => {
                if cur.is_empty() {
                    return Err("missing command".into());
                }
                cmds.push(std::mem::take(&mut cur));
                i += 1;
                continue;
            }
            Tok::LParen => {
                let (sub, rest) = parse_cmds(&toks[i + 1..], depth + 1)?;
                if rest.first() != Some(&Tok::RParen) {
                    return Err("unclosed left paren".into());
                }
                i = toks.len() - rest.len() + 1;
                let mut fields = Vec::new();
                while let Some(Tok::Field(f)) = toks.get(i) {
                    fields.push(f.clone());
                    i += 1;
                }
                cur.push(Arg::Sub(
                    Box::new(Pipe {
                        decl: Vec::new(),
                        assign: false,
                        cmds: sub,
                        pos: Pos::default(),
                        text: String::new(),
                    }),
                    fields,
                ));
                continue;
            }
            Tok::Dot => cur.push(Arg::Dot),
            Tok::Field(f) => {
                let mut fields = vec![f.clone()];
                while let Some(Tok::Field(g)) = toks.get(i + 1) {
                    fields.push(g.clone());
                    i += 1;
                }
                cur.push(Arg::Field(fields));
            }
            Tok::Var(v) => {
                let mut fields = Vec::new();
                while let Some(Tok::Field(g)) = toks.get(i + 1) {
                    fields.push(g.clone());
                    i += 1;
                }
                cur.push(Arg::Var(v.clone(), fields));
            }
            Tok::Str(s) => cur.push(Arg::Str(s.clone())),
            Tok::Num(n) => cur.push(parse_number(n)?),
            Tok::Ident(id) => cur.push(match id.as_str() {
                "true" => Arg::Bool(true),
                "false" => Arg::Bool(false),
                "nil" => Arg::Nil,
                f if FUNCS.contains(&f) => Arg::Func(f.to_string()),
                f => return Err(format!("function {f:?} not defined")),
            }),
            Tok::Declare | Tok::Assign | Tok::Comma => {
                return Err("unexpected token in command".into())
            }
        }
        i += 1;
    }
    if !cur.is_empty() {
        cmds.push(cur);
    } else if !cmds.is_empty() {
        return Err("missing command".into());
    }
    Ok((cmds, &toks[i..]))
}

fn parse_number(n: &str) -> Result<Arg, String> {
    let clean = n.replace('_', "");
    let (neg, body) = match clean.strip_prefix('-') {
        Some(b) => (true, b.to_string()),
        None => (false, clean.trim_start_matches('+').to_string()),
    };
    let int = if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        i64::from_str_radix(h, 16).ok()
    } else if let Some(o) = body.strip_prefix("0o") {
        i64::from_str_radix(o, 8).ok()
    } else if body.len() > 1 && body.starts_with('0') && body.bytes().all(|b| b.is_ascii_digit()) {
        i64::from_str_radix(&body[1..], 8).ok()
    } else {
        body.parse::<i64>().ok()
    };
    if let Some(i) = int {
        return Ok(Arg::Int(if neg { -i } else { i }));
    }
    match clean.parse::<f64>() {
        Ok(f) if f.is_finite() => Ok(Arg::Float(f)),
        _ => Err(format!("bad number syntax: {n:?}")),
    }
}

const FUNCS: &[&str] = &[
    "index",
    "len",
    "printf",
    "print",
    "println",
    "not",
    "and",
    "or",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "html",
    "js",
    "urlquery",
    "base64decode",
];

impl GoTemplate {
    /// Parse a template.
    pub fn parse(src: &str) -> Result<GoTemplate, TemplateError> {
        if src.len() > MAX_TEMPLATE {
            return Err(TemplateError(format!(
                "template: {NAME}: template too long"
            )));
        }
        let pieces = split_pieces(src)?;
        let mut p = Parser {
            pieces: &pieces,
            i: 0,
            depth: 0,
        };
        let (nodes, stop) = p.list()?;
        match stop {
            Stop::Eof => {}
            Stop::End => {
                return Err(TemplateError(format!(
                    "template: {NAME}:1: unexpected {{{{end}}}}"
                )))
            }
            Stop::Else(_) => {
                return Err(TemplateError(format!(
                    "template: {NAME}:1: unexpected {{{{else}}}}"
                )))
            }
        }
        Ok(GoTemplate {
            nodes,
            missing_key_error: false,
        })
    }

    /// `--allow-missing-template-keys=false` → `missingkey=error`.
    pub fn allow_missing_keys(mut self, allow: bool) -> Self {
        self.missing_key_error = !allow;
        self
    }

    /// Execute against `data` (the object as JSON) and return the output.
    pub fn execute(&self, data: &Value) -> Result<String, TemplateError> {
        let mut st = State {
            vars: vec![("$".to_string(), V::Json(data.clone()))],
            out: String::new(),
            missing_key_error: self.missing_key_error,
        };
        st.walk(&V::Json(data.clone()), &self.nodes)?;
        Ok(st.out)
    }
}

// ---------------------------------------------------------------------------------------------
// Execution

struct State {
    vars: Vec<(String, V)>,
    out: String,
    missing_key_error: bool,
}

fn truth(v: &V) -> bool {
    match v {
        V::Invalid => false,
        V::Int(i) => *i != 0,
        V::Json(j) => match j {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Number(n) => n.as_f64() != Some(0.0),
            Value::String(s) => !s.is_empty(),
            Value::Array(a) => !a.is_empty(),
            Value::Object(m) => !m.is_empty(),
        },
    }
}

fn type_name(v: &V) -> &'static str {
    match v {
        V::Invalid => "<nil>",
        V::Int(_) => "int",
        V::Json(j) => match j {
            Value::Null => "<nil>",
            Value::Bool(_) => "bool",
            Value::Number(_) => "float64",
            Value::String(_) => "string",
            Value::Array(_) => "[]interface {}",
            Value::Object(_) => "map[string]interface {}",
        },
    }
}

/// Go `fmt` `%v` of a value (kubectl's numbers are float64).
fn go_v(v: &V) -> String {
    match v {
        V::Invalid => "<no value>".into(),
        V::Int(i) => i.to_string(),
        V::Json(Value::Null) => "<no value>".into(),
        V::Json(j) => go_v_json(j),
    }
}

fn go_v_json(j: &Value) -> String {
    match j {
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => crate::yaml::go_format_float_g(n.as_f64().unwrap_or(0.0), 64),
        Value::String(s) => s.clone(),
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(go_v_json).collect::<Vec<_>>().join(" ")
        ),
        Value::Object(m) => {
            // serde_json's Map is a BTreeMap (no `preserve_order`): keys already sorted, as
            // Go prints a map.
            format!(
                "map[{}]",
                m.iter()
                    .map(|(k, v)| format!("{k}:{}", go_v_json(v)))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        }
    }
}

impl State {
    fn err(&self, p: &Pipe, msg: impl fmt::Display) -> TemplateError {
        TemplateError(format!(
            "template: {NAME}:{}:{}: executing \"{NAME}\" at <{}>: {msg}",
            p.pos.line, p.pos.col, p.text
        ))
    }

    fn push_out(&mut self, s: &str) -> Result<(), TemplateError> {
        if self.out.len() + s.len() > MAX_OUTPUT {
            return Err(TemplateError(format!(
                "template: {NAME}: output exceeds {MAX_OUTPUT} bytes"
            )));
        }
        self.out.push_str(s);
        Ok(())
    }

    fn walk(&mut self, dot: &V, nodes: &[TNode]) -> Result<(), TemplateError> {
        for n in nodes {
            match n {
                TNode::Text(t) => self.push_out(t)?,
                TNode::Action(p) => {
                    let v = self.pipe(dot, p)?;
                    if p.decl.is_empty() {
                        let s = go_v(&v);
                        self.push_out(&s)?;
                    }
                }
                TNode::If(p, body, else_) => {
                    let mark = self.vars.len();
                    let v = self.pipe(dot, p)?;
                    let r = if truth(&v) {
                        self.walk(dot, body)
                    } else {
                        self.walk(dot, else_)
                    };
                    self.vars.truncate(mark);
                    r?;
                }
                TNode::With(p, body, else_) => {
                    let mark = self.vars.len();
                    let v = self.pipe(dot, p)?;
                    let r = if truth(&v) {
                        self.walk(&v, body)
                    } else {
                        self.walk(dot, else_)
                    };
                    self.vars.truncate(mark);
                    r?;
                }
                TNode::Range(p, body, else_) => {
                    let mark = self.vars.len();
                    let decl = p.decl.clone();
                    let mut bare = p.clone();
                    bare.decl.clear();
                    let v = self.pipe(dot, &bare)?;
                    let items: Vec<(V, V)> = match &v {
                        V::Json(Value::Array(a)) => a
                            .iter()
                            .enumerate()
                            .map(|(i, x)| (V::Int(i as i64), V::Json(x.clone())))
                            .collect(),
                        V::Json(Value::Object(m)) => {
                            // Sorted keys: serde_json's Map is a BTreeMap.
                            m.iter()
                                .map(|(k, x)| {
                                    (V::Json(Value::String(k.clone())), V::Json(x.clone()))
                                })
                                .collect()
                        }
                        V::Int(n) => (0..*n).map(|i| (V::Int(i), V::Int(i))).collect(),
                        V::Invalid | V::Json(Value::Null) => Vec::new(),
                        other => {
                            return Err(
                                self.err(p, format!("range can't iterate over {}", go_v(other)))
                            )
                        }
                    };
                    if items.is_empty() {
                        self.walk(dot, else_)?;
                    }
                    for (k, x) in items {
                        let inner = self.vars.len();
                        match decl.len() {
                            1 => self.vars.push((decl[0].clone(), x.clone())),
                            2 => {
                                self.vars.push((decl[0].clone(), k));
                                self.vars.push((decl[1].clone(), x.clone()));
                            }
                            _ => {}
                        }
                        self.walk(&x, body)?;
                        self.vars.truncate(inner);
                    }
                    self.vars.truncate(mark);
                }
            }
        }
        Ok(())
    }

    fn pipe(&mut self, dot: &V, p: &Pipe) -> Result<V, TemplateError> {
        let mut val: Option<V> = None;
        for cmd in &p.cmds {
            val = Some(self.command(dot, p, cmd, val)?);
        }
        let v = val.unwrap_or(V::Invalid);
        if !p.decl.is_empty() {
            if p.assign {
                let name = &p.decl[0];
                match self.vars.iter_mut().rev().find(|(n, _)| n == name) {
                    Some(slot) => slot.1 = v.clone(),
                    None => return Err(self.err(p, format!("undefined variable: {name}"))),
                }
            } else {
                self.vars
                    .push((p.decl[p.decl.len() - 1].clone(), v.clone()));
            }
        }
        Ok(v)
    }

    fn command(
        &mut self,
        dot: &V,
        p: &Pipe,
        cmd: &[Arg],
        piped: Option<V>,
    ) -> Result<V, TemplateError> {
        let first = &cmd[0];
        if let Arg::Func(name) = first {
            let mut args = Vec::new();
            for a in &cmd[1..] {
                args.push(self.arg(dot, p, a)?);
            }
            if let Some(v) = piped {
                args.push(v);
            }
            return self.call(p, name, args);
        }
        if cmd.len() > 1 || piped.is_some() {
            let what = match first {
                Arg::Field(f) => format!("can't give argument to non-function .{}", f.join(".")),
                _ => "can't give argument to non-function".to_string(),
            };
            return Err(self.err(p, what));
        }
        self.arg(dot, p, first)
    }

    fn field_chain(&self, p: &Pipe, mut v: V, fields: &[String]) -> Result<V, TemplateError> {
        for f in fields {
            v = match v {
                V::Json(Value::Object(m)) => match m.get(f) {
                    Some(x) => V::Json(x.clone()),
                    None if self.missing_key_error => {
                        return Err(self.err(p, format!("map has no entry for key {f:?}")))
                    }
                    None => V::Invalid,
                },
                V::Invalid | V::Json(Value::Null) => {
                    if self.missing_key_error {
                        return Err(self.err(p, format!("nil data; no entry for key {f:?}")));
                    }
                    V::Invalid
                }
                other => {
                    return Err(self.err(
                        p,
                        format!("can't evaluate field {f} in type {}", type_name(&other)),
                    ))
                }
            };
        }
        Ok(v)
    }

    fn arg(&mut self, dot: &V, p: &Pipe, a: &Arg) -> Result<V, TemplateError> {
        Ok(match a {
            Arg::Dot => dot.clone(),
            Arg::Field(f) => self.field_chain(p, dot.clone(), f)?,
            Arg::Var(name, f) => {
                let Some((_, v)) = self.vars.iter().rev().find(|(n, _)| n == name) else {
                    return Err(TemplateError(format!(
                        "template: {NAME}:{}: undefined variable \"{name}\"",
                        p.pos.line
                    )));
                };
                let v = v.clone();
                self.field_chain(p, v, f)?
            }
            Arg::Str(s) => V::Json(Value::String(s.clone())),
            Arg::Int(i) => V::Int(*i),
            Arg::Float(f) => V::Json(
                serde_json::Number::from_f64(*f)
                    .map(Value::Number)
                    .unwrap_or(Value::Null),
            ),
            Arg::Bool(b) => V::Json(Value::Bool(*b)),
            Arg::Nil => return Err(self.err(p, "nil is not a command")),
            Arg::Func(name) => self.call(p, name, Vec::new())?,
            Arg::Sub(pipe, fields) => {
                let mut inner = (**pipe).clone();
                inner.pos = p.pos;
                inner.text = p.text.clone();
                let v = self.pipe(dot, &inner)?;
                self.field_chain(p, v, fields)?
            }
        })
    }

    fn call(&mut self, p: &Pipe, name: &str, args: Vec<V>) -> Result<V, TemplateError> {
        let want = |n: usize| -> Result<(), TemplateError> {
            if args.len() != n {
                Err(self.err(
                    p,
                    format!(
                        "wrong number of args for {name}: want {n} got {}",
                        args.len()
                    ),
                ))
            } else {
                Ok(())
            }
        };
        let call_err = |m: String| self.err(p, format!("error calling {name}: {m}"));
        match name {
            "len" => {
                want(1)?;
                match &args[0] {
                    V::Json(Value::String(s)) => Ok(V::Int(s.len() as i64)),
                    V::Json(Value::Array(a)) => Ok(V::Int(a.len() as i64)),
                    V::Json(Value::Object(m)) => Ok(V::Int(m.len() as i64)),
                    other => Err(call_err(format!("len of type {}", type_name(other)))),
                }
            }
            "index" => {
                if args.is_empty() {
                    return Err(
                        self.err(p, "wrong number of args for index: want at least 1 got 0")
                    );
                }
                let mut v = args[0].clone();
                for k in &args[1..] {
                    v = match (&v, k) {
                        (V::Json(Value::Object(m)), V::Json(Value::String(s))) => {
                            m.get(s).cloned().map(V::Json).unwrap_or(V::Invalid)
                        }
                        (V::Json(Value::Array(a)), idx) => {
                            let i = match idx {
                                V::Int(i) => *i,
                                V::Json(Value::Number(n)) if n.is_i64() => n.as_i64().unwrap_or(-1),
                                other => {
                                    return Err(call_err(format!(
                                        "cannot index slice/array with type {}",
                                        type_name(other)
                                    )))
                                }
                            };
                            if i < 0 || i as usize >= a.len() {
                                return Err(call_err(format!("index out of range: {i}")));
                            }
                            V::Json(a[i as usize].clone())
                        }
                        (V::Invalid | V::Json(Value::Null), _) => {
                            return Err(call_err("index of untyped nil".into()))
                        }
                        (V::Json(Value::Object(_)), other) => {
                            return Err(call_err(format!(
                                "value has type {}; should be string",
                                type_name(other)
                            )))
                        }
                        (other, _) => {
                            return Err(call_err(format!(
                                "can't index item of type {}",
                                type_name(other)
                            )))
                        }
                    };
                }
                Ok(v)
            }
            "not" => {
                want(1)?;
                Ok(V::Json(Value::Bool(!truth(&args[0]))))
            }
            "and" => Ok(args
                .iter()
                .find(|a| !truth(a))
                .or(args.last())
                .cloned()
                .unwrap_or(V::Invalid)),
            "or" => Ok(args
                .iter()
                .find(|a| truth(a))
                .or(args.last())
                .cloned()
                .unwrap_or(V::Invalid)),
            "eq" | "ne" | "lt" | "le" | "gt" | "ge" => {
                if args.len() < 2 {
                    return Err(call_err("missing argument for comparison".into()));
                }
                let res = if name == "eq" {
                    let mut any = false;
                    for b in &args[1..] {
                        if compare(&args[0], b).map_err(call_err)?
                            == Some(std::cmp::Ordering::Equal)
                        {
                            any = true;
                        }
                    }
                    any
                } else {
                    want(2)?;
                    let ord = compare(&args[0], &args[1]).map_err(call_err)?;
                    match (name, ord) {
                        ("ne", o) => o != Some(std::cmp::Ordering::Equal),
                        (_, None) => return Err(call_err("invalid type for comparison".into())),
                        ("lt", Some(o)) => o.is_lt(),
                        ("le", Some(o)) => o.is_le(),
                        ("gt", Some(o)) => o.is_gt(),
                        (_, Some(o)) => o.is_ge(),
                    }
                };
                Ok(V::Json(Value::Bool(res)))
            }
            "print" => Ok(V::Json(Value::String(sprint(&args)))),
            "println" => Ok(V::Json(Value::String(
                args.iter().map(go_v_fmt).collect::<Vec<_>>().join(" ") + "\n",
            ))),
            "printf" => {
                let Some(V::Json(Value::String(fmt))) = args.first() else {
                    return Err(call_err("format must be a string".into()));
                };
                Ok(V::Json(Value::String(sprintf(fmt, &args[1..]))))
            }
            "html" => Ok(V::Json(Value::String(
                sprint(&args)
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
                    .replace('"', "&#34;")
                    .replace('\'', "&#39;"),
            ))),
            "js" | "urlquery" => Ok(V::Json(Value::String(sprint(&args)))),
            "base64decode" => {
                want(1)?;
                let V::Json(Value::String(s)) = &args[0] else {
                    return Err(call_err(format!(
                        "wrong type for value; expected string; got {}",
                        type_name(&args[0])
                    )));
                };
                match base64(s) {
                    Some(b) => Ok(V::Json(Value::String(
                        String::from_utf8_lossy(&b).into_owned(),
                    ))),
                    None => Err(call_err("base64 decode failed: illegal base64 data".into())),
                }
            }
            other => Err(self.err(p, format!("function {other:?} not defined"))),
        }
    }
}

/// `fmt` `%v` inside print/printf: nil prints `<nil>` (not `<no value>`).
fn go_v_fmt(v: &V) -> String {
    match v {
        V::Invalid | V::Json(Value::Null) => "<nil>".into(),
        other => go_v(other),
    }
}

fn is_string(v: &V) -> bool {
    matches!(v, V::Json(Value::String(_)))
}

/// `fmt.Sprint`: a space between operands when neither side is a string.
fn sprint(args: &[V]) -> String {
    let mut out = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 && !is_string(a) && !is_string(&args[i - 1]) {
            out.push(' ');
        }
        out.push_str(&go_v_fmt(a));
    }
    out
}

/// A basic `fmt.Sprintf`: verbs `v s d f g e t q x X %`, with width, `-` and precision.
fn sprintf(fmt: &str, args: &[V]) -> String {
    let mut out = String::new();
    let chars: Vec<char> = fmt.chars().collect();
    let mut ai = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != '%' {
            out.push(c);
            i += 1;
            continue;
        }
        i += 1;
        let mut left = false;
        let mut zero = false;
        while i < chars.len() && matches!(chars[i], '-' | '0' | '+' | ' ' | '#') {
            match chars[i] {
                '-' => left = true,
                '0' => zero = true,
                _ => {}
            }
            i += 1;
        }
        let mut width = String::new();
        while i < chars.len() && chars[i].is_ascii_digit() {
            width.push(chars[i]);
            i += 1;
        }
        let mut prec: Option<usize> = None;
        if i < chars.len() && chars[i] == '.' {
            i += 1;
            let mut p = String::new();
            while i < chars.len() && chars[i].is_ascii_digit() {
                p.push(chars[i]);
                i += 1;
            }
            prec = Some(p.parse().unwrap_or(0));
        }
        let Some(&verb) = chars.get(i) else {
            out.push_str("%!(NOVERB)");
            break;
        };
        i += 1;
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.get(ai) else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        ai += 1;
        let num = |v: &V| -> Option<f64> {
            match v {
                V::Int(i) => Some(*i as f64),
                V::Json(Value::Number(n)) => n.as_f64(),
                _ => None,
            }
        };
        let s = match verb {
            'v' => go_v_fmt(arg),
            's' => match arg {
                V::Json(Value::String(s)) => match prec {
                    Some(p) => s.chars().take(p).collect(),
                    None => s.clone(),
                },
                other => go_v_fmt(other),
            },
            'q' => match arg {
                V::Json(Value::String(s)) => format!("{s:?}"),
                other => format!("%!q({}={})", type_name(other), go_v_fmt(other)),
            },
            't' => match arg {
                V::Json(Value::Bool(b)) => b.to_string(),
                other => format!("%!t({}={})", type_name(other), go_v_fmt(other)),
            },
            'd' => match arg {
                V::Int(i) => i.to_string(),
                other => format!("%!d({}={})", type_name(other), go_v_fmt(other)),
            },
            'x' | 'X' => match arg {
                V::Int(i) if verb == 'x' => format!("{i:x}"),
                V::Int(i) => format!("{i:X}"),
                V::Json(Value::String(s)) => s
                    .bytes()
                    .map(|b| {
                        if verb == 'x' {
                            format!("{b:02x}")
                        } else {
                            format!("{b:02X}")
                        }
                    })
                    .collect(),
                other => format!("%!{verb}({}={})", type_name(other), go_v_fmt(other)),
            },
            'f' | 'F' | 'e' | 'g' => match num(arg) {
                Some(f) => match verb {
                    'e' => {
                        let s = format!("{:.*e}", prec.unwrap_or(6), f);
                        let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
                        let e: i32 = e.parse().unwrap_or(0);
                        format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
                    }
                    'g' => crate::yaml::go_format_float_g(f, 64),
                    _ => format!("{:.*}", prec.unwrap_or(6), f),
                },
                None => format!("%!{verb}({}={})", type_name(arg), go_v_fmt(arg)),
            },
            other => format!("%!{other}({}={})", type_name(arg), go_v_fmt(arg)),
        };
        let w: usize = width.parse().unwrap_or(0);
        let len = s.chars().count();
        if len < w {
            let pad = w - len;
            if left {
                out.push_str(&s);
                out.push_str(&" ".repeat(pad));
            } else {
                out.push_str(&(if zero { "0" } else { " " }).repeat(pad));
                out.push_str(&s);
            }
        } else {
            out.push_str(&s);
        }
    }
    if ai < args.len() {
        out.push_str("%!(EXTRA ");
        out.push_str(
            &args[ai..]
                .iter()
                .map(|a| format!("{}={}", type_name(a), go_v_fmt(a)))
                .collect::<Vec<_>>()
                .join(", "),
        );
        out.push(')');
    }
    out
}

/// Go template `eq`/`lt` semantics: same basic kind required (int vs float64 is an error).
fn compare(a: &V, b: &V) -> Result<Option<std::cmp::Ordering>, String> {
    use V::*;
    Ok(match (a, b) {
        (Int(x), Int(y)) => Some(x.cmp(y)),
        (Json(Value::Number(x)), Json(Value::Number(y))) => x.as_f64().partial_cmp(&y.as_f64()),
        (Json(Value::String(x)), Json(Value::String(y))) => Some(x.cmp(y)),
        (Json(Value::Bool(x)), Json(Value::Bool(y))) => {
            if x == y {
                Some(std::cmp::Ordering::Equal)
            } else {
                None
            }
        }
        (Invalid | Json(Value::Null), Invalid | Json(Value::Null)) => {
            Some(std::cmp::Ordering::Equal)
        }
        (Invalid | Json(Value::Null), _) | (_, Invalid | Json(Value::Null)) => {
            return Err("invalid type for comparison".into())
        }
        _ => return Err("incompatible types for comparison".into()),
    })
}

fn base64(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buf, mut bits) = (0u32, 0);
    for c in s.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        buf = (buf << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests;
