//! Safe YAML/JSON manifest intake, with kubectl's semantics and hostile-input limits.
//!
//! What kubectl does with `-f FILE` (apimachinery `util/yaml/decoder.go`, `sigs.k8s.io/yaml`,
//! go-yaml v2), reproduced here:
//!
//! * If the first non-space byte is `{` the stream is a sequence of JSON objects; otherwise it is
//!   split *textually* into documents at lines starting with `---` (`YAMLReader`); anything but
//!   spaces or a `#` comment after the `---` is an error (`invalid Yaml document separator: …`).
//!   Each document is parsed on its own, so **line numbers in errors are relative to the
//!   document**, exactly as kubectl prints them.
//! * YAML 1.1 scalars as go-yaml v2 resolves them (`resolve.go`): `y/Y/yes/Yes/YES/on/On/ON/
//!   true/True/TRUE` are `true` (and the `n/no/off/false` family `false`), `~`/`null`/empty are
//!   null, `0644` is octal (420), `0x1F` hex, `0b101` binary, `1_000` is 1000, `08` is the float
//!   8; timestamps stay strings. Quoted scalars are always strings.
//! * Merge keys `<<` (a map, an alias of a map, or a sequence of them), applied in go-yaml v2's
//!   order: entries are written into the map in document order, so a `<<` *after* a key overrides
//!   it (v2 behaviour, fixed only in v3).
//! * Map keys are converted to strings as `sigs.k8s.io/yaml` does (ints, bools, floats).
//! * Errors are worded like kubectl: `error parsing web.yaml: error converting YAML to JSON: …`
//!   (the caller prefixes `error: `).
//!
//! Limits (checked before any value is built):
//!
//! * a byte cap ([`Limits::FILE`]: 3 MiB = the apiserver's request-body limit, so no real manifest
//!   that a cluster would accept is refused; [`Limits::EDITOR`]: 256 KiB for editor/URL input);
//! * a nesting limit (1000 levels; go-yaml's own is 10 000), checked on the event stream, so a
//!   10 000-deep document fails after reading its first thousand openers;
//! * go-yaml v2's alias-expansion budget (`document contains excessive aliasing`, the
//!   CVE-2019-11253 fix) evaluated by a counting pre-pass over a compact node arena in which every
//!   alias expansion is an O(1) jump (subtree sizes are memoized), plus a hard cap on the total
//!   number of nodes after expansion. Alias bombs are therefore rejected in time linear in the
//!   input size, before any `serde_json::Value` is allocated.

mod libyaml;
pub mod positions;

use libyaml::{Event, Parser};
use serde_json::{Map, Number, Value};
use std::collections::HashMap;
use std::fmt;

/// Resource limits for one manifest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Maximum input size in bytes.
    pub max_bytes: usize,
    /// Maximum nesting depth of collections (after alias expansion).
    pub max_depth: usize,
    /// Maximum number of nodes of one document after alias expansion.
    pub max_nodes: u64,
}

impl Limits {
    /// `-f FILE` read natively: 3 MiB (3 145 728 bytes, the apiserver's max request body).
    pub const FILE: Limits = Limits {
        max_bytes: 3 * 1024 * 1024,
        max_depth: 1000,
        max_nodes: 2_000_000,
    };
    /// Editor buffers, built-in URLs and browser storage: 256 KiB.
    pub const EDITOR: Limits = Limits {
        max_bytes: 256 * 1024,
        max_depth: 1000,
        max_nodes: 400_000,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::FILE
    }
}

/// One document of a manifest.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// The document as JSON.
    pub value: Value,
    /// 1-based line of the file where the document's text starts (after its `---` line).
    pub line: usize,
}

/// Why a manifest could not be read. `Display` gives kubectl's text without the `error: `
/// prefix, e.g. `error parsing web.yaml: error converting YAML to JSON: yaml: line 7: mapping
/// values are not allowed in this context`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ManifestError {
    /// The input exceeds [`Limits::max_bytes`].
    TooLarge {
        name: String,
        size: usize,
        limit: usize,
    },
    /// A document failed to parse or convert; `message` is what follows `error parsing NAME: `.
    Parse {
        name: String,
        /// 1-based file line where the failing document starts.
        document_line: usize,
        message: String,
    },
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ManifestError::TooLarge { name, size, limit } => write!(
                f,
                "error reading {name}: the file is {size} bytes, over this simulator's limit of {limit} bytes"
            ),
            ManifestError::Parse { name, message, .. } => {
                write!(f, "error parsing {name}: {message}")
            }
        }
    }
}

impl std::error::Error for ManifestError {}

/// sigs.k8s.io/yaml >= v1.4 wraps the go-yaml error twice (`unmarshal` and `yamlToJSONTarget`
/// both add this prefix); kubectl v1.34 vendors v1.6.
const CONVERT_PREFIX: &str = "error converting YAML to JSON: error converting YAML to JSON: ";

/// Read every document of a manifest (YAML stream or JSON objects), skipping empty/null ones.
/// Stops at the first failing document, as kubectl's stream visitor does; use
/// [`ManifestReader`] to also get the documents before the failure.
pub fn parse_manifest(
    name: &str,
    text: &str,
    limits: &Limits,
) -> Result<Vec<Document>, ManifestError> {
    ManifestReader::new(name, text, limits)?.collect()
}

/// Iterator over the documents of a manifest, in file order.
pub struct ManifestReader<'a> {
    name: String,
    limits: Limits,
    inner: ReaderInner<'a>,
    done: bool,
}

enum ReaderInner<'a> {
    Yaml {
        chunks: std::vec::IntoIter<Chunk<'a>>,
    },
    Json {
        text: &'a str,
        offset: usize,
    },
}

impl<'a> ManifestReader<'a> {
    /// Check the byte cap and prepare to read. Fails only with [`ManifestError::TooLarge`].
    pub fn new(name: &str, text: &'a str, limits: &Limits) -> Result<Self, ManifestError> {
        if text.len() > limits.max_bytes {
            return Err(ManifestError::TooLarge {
                name: name.to_string(),
                size: text.len(),
                limit: limits.max_bytes,
            });
        }
        let inner = if text.trim_start().starts_with('{') {
            ReaderInner::Json { text, offset: 0 }
        } else {
            ReaderInner::Yaml {
                chunks: split_documents(text).into_iter(),
            }
        };
        Ok(ManifestReader {
            name: name.to_string(),
            limits: *limits,
            inner,
            done: false,
        })
    }
}

impl Iterator for ManifestReader<'_> {
    type Item = Result<Document, ManifestError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        loop {
            let res = match &mut self.inner {
                ReaderInner::Yaml { chunks } => {
                    let chunk = chunks.next()?;
                    match chunk.body {
                        Err(msg) => Err((chunk.line, msg)),
                        Ok(body) => yaml_to_json(body, &self.limits)
                            .map(|v| (chunk.line, v))
                            .map_err(|m| (chunk.line, m)),
                    }
                }
                ReaderInner::Json { text, offset } => {
                    let rest = &text[*offset..];
                    if rest.trim().is_empty() {
                        return None;
                    }
                    let line = 1
                        + text[..*offset].matches('\n').count()
                        + rest[..rest.len() - rest.trim_start().len()]
                            .matches('\n')
                            .count();
                    let mut it = serde_json::Deserializer::from_str(rest).into_iter::<Value>();
                    match it.next() {
                        None => return None,
                        Some(Ok(v)) => {
                            *offset += it.byte_offset();
                            if depth_exceeds(&v, self.limits.max_depth) {
                                Err((
                                    line,
                                    format!(
                                        "json: exceeded max depth of {}",
                                        self.limits.max_depth
                                    ),
                                ))
                            } else {
                                Ok((line, v))
                            }
                        }
                        Some(Err(e)) => Err((line, format!("json: {e}"))),
                    }
                }
            };
            match res {
                Ok((_, Value::Null)) => continue,
                Ok((line, value)) => return Some(Ok(Document { value, line })),
                Err((line, message)) => {
                    self.done = true;
                    return Some(Err(ManifestError::Parse {
                        name: self.name.clone(),
                        document_line: line,
                        message,
                    }));
                }
            }
        }
    }
}

fn depth_exceeds(v: &Value, max: usize) -> bool {
    // Iterative, so hostile JSON cannot overflow the stack here.
    let mut stack = vec![(v, 1usize)];
    while let Some((v, d)) = stack.pop() {
        match v {
            Value::Array(a) => {
                if d > max && !a.is_empty() {
                    return true;
                }
                stack.extend(a.iter().map(|c| (c, d + 1)));
            }
            Value::Object(o) => {
                if d > max && !o.is_empty() {
                    return true;
                }
                stack.extend(o.values().map(|c| (c, d + 1)));
            }
            _ => {}
        }
    }
    false
}

/// One textual document of a YAML stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk<'a> {
    /// 1-based line of the document's first line.
    pub line: usize,
    /// The document text, or the separator error (`invalid Yaml document separator: …`).
    pub body: Result<&'a str, String>,
}

/// Split a YAML stream as apimachinery's `YAMLReader` does: a line that starts with `---` ends
/// the current document (if it has any bytes) and is dropped; text after the `---` must be empty
/// or a comment. Empty documents are not returned. An error chunk ends the list.
pub fn split_documents(text: &str) -> Vec<Chunk<'_>> {
    let mut out = Vec::new();
    let mut start = 0usize; // byte offset of the current document
    let mut start_line = 1usize;
    let mut pos = 0usize;
    let mut line_no = 1usize;
    while pos < text.len() {
        let end = text[pos..]
            .find('\n')
            .map(|i| pos + i + 1)
            .unwrap_or(text.len());
        let line = &text[pos..end];
        if let Some(after) = line.strip_prefix("---") {
            let trimmed = after.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                if pos > start {
                    out.push(Chunk {
                        line: start_line,
                        body: Ok(&text[start..pos]),
                    });
                }
                out.push(Chunk {
                    line: line_no,
                    body: Err(format!("invalid Yaml document separator: {trimmed}")),
                });
                return out;
            }
            if pos > start {
                out.push(Chunk {
                    line: start_line,
                    body: Ok(&text[start..pos]),
                });
            }
            start = end;
            start_line = line_no + 1;
        }
        pos = end;
        line_no += 1;
    }
    if text.len() > start {
        out.push(Chunk {
            line: start_line,
            body: Ok(&text[start..]),
        });
    }
    out
}

// ---------------------------------------------------------------------------------------------
// One document: events -> arena -> budget check -> JSON value.

#[derive(Debug)]
enum Kind {
    Scalar {
        value: String,
        tag: Option<String>,
        implicit: bool,
    },
    Seq(Vec<u32>),
    /// Keys and values interleaved.
    Map(Vec<u32>),
    Alias {
        target: u32,
    },
}

struct Node {
    kind: Kind,
    /// Size after alias expansion as go-yaml's decoder counts it (saturating).
    size: u64,
    /// Depth after alias expansion (collections count 1).
    depth: u32,
    complete: bool,
}

fn yaml_err(msg: impl fmt::Display) -> String {
    format!("{CONVERT_PREFIX}yaml: {msg}")
}

const MERGE_TAG: &str = "tag:yaml.org,2002:merge";

fn is_merge_key(n: &Node) -> bool {
    match &n.kind {
        Kind::Scalar {
            value,
            tag,
            implicit,
        } => value == "<<" && (*implicit || tag.as_deref() == Some(MERGE_TAG)),
        _ => false,
    }
}

struct Arena {
    nodes: Vec<Node>,
}

impl Arena {
    fn resolve_alias(&self, mut i: u32) -> u32 {
        while let Kind::Alias { target } = self.nodes[i as usize].kind {
            i = target;
        }
        i
    }

    fn is_map(&self, i: u32) -> bool {
        matches!(
            self.nodes[self.resolve_alias(i) as usize].kind,
            Kind::Map(_)
        )
    }

    /// Nodes decoded when `v` is the value of a merge key (go-yaml `decoder.merge`).
    fn merge_size(&self, v: u32) -> Result<u64, String> {
        let n = &self.nodes[v as usize];
        match &n.kind {
            Kind::Map(_) => Ok(n.size),
            Kind::Alias { .. } if self.is_map(v) => Ok(n.size),
            Kind::Seq(items) => {
                let mut total = 0u64;
                for &c in items {
                    if !self.is_map(c) {
                        return Err(yaml_err(
                            "map merge requires map or sequence of maps as the value",
                        ));
                    }
                    total = total.saturating_add(self.nodes[c as usize].size);
                }
                Ok(total)
            }
            _ => Err(yaml_err(
                "map merge requires map or sequence of maps as the value",
            )),
        }
    }

    /// Finish a node: compute expanded size and depth from its (complete) children.
    fn complete(&mut self, i: u32, limits: &Limits) -> Result<(), String> {
        let (size, depth) = match &self.nodes[i as usize].kind {
            Kind::Scalar { .. } => (1u64, 0u32),
            Kind::Alias { target } => {
                let t = &self.nodes[*target as usize];
                (1u64.saturating_add(t.size), t.depth)
            }
            Kind::Seq(items) => {
                let mut s = 1u64;
                let mut d = 0u32;
                for &c in items {
                    let n = &self.nodes[c as usize];
                    s = s.saturating_add(n.size);
                    d = d.max(n.depth);
                }
                (s, d + 1)
            }
            Kind::Map(kv) => {
                let mut s = 1u64;
                let mut d = 0u32;
                for pair in kv.chunks(2) {
                    let (k, v) = (pair[0], pair[1]);
                    if is_merge_key(&self.nodes[k as usize]) {
                        s = s.saturating_add(self.merge_size(v)?);
                    } else {
                        s = s
                            .saturating_add(self.nodes[k as usize].size)
                            .saturating_add(self.nodes[v as usize].size);
                    }
                    d = d.max(self.nodes[v as usize].depth);
                }
                (s, d + 1)
            }
        };
        if depth as usize > limits.max_depth {
            return Err(yaml_err(format_args!(
                "exceeded max depth of {}",
                limits.max_depth
            )));
        }
        if size > limits.max_nodes {
            // The arena itself is capped at `max_nodes`, so only alias expansion gets here.
            return Err(yaml_err("document contains excessive aliasing"));
        }
        let n = &mut self.nodes[i as usize];
        n.size = size;
        n.depth = depth;
        n.complete = true;
        Ok(())
    }
}

/// Parse the first document of `text` into an arena (go-yaml `parser`), enforcing depth.
fn build_arena(text: &str, limits: &Limits) -> Result<Option<(Arena, u32)>, String> {
    let mut parser = Parser::new(text.as_bytes());
    let mut arena = Arena { nodes: Vec::new() };
    let mut anchors: HashMap<String, u32> = HashMap::new();
    let mut stack: Vec<u32> = Vec::new();
    let mut root: Option<u32> = None;
    loop {
        let (ev, _line) = parser
            .next_event()
            .map_err(|e| format!("{CONVERT_PREFIX}yaml: {}", e.message))?;
        let (kind, anchor, opens) = match ev {
            Event::StreamStart | Event::DocumentStart => continue,
            Event::StreamEnd | Event::DocumentEnd => break,
            Event::SequenceEnd | Event::MappingEnd => {
                let i = stack.pop().expect("libyaml balances events");
                arena.complete(i, limits)?;
                continue;
            }
            Event::Scalar {
                anchor,
                tag,
                value,
                plain_implicit,
                ..
            } => (
                Kind::Scalar {
                    value,
                    tag,
                    implicit: plain_implicit,
                },
                anchor,
                false,
            ),
            Event::Alias { anchor } => {
                let Some(&target) = anchors.get(&anchor) else {
                    return Err(yaml_err(format_args!(
                        "unknown anchor '{anchor}' referenced"
                    )));
                };
                if !arena.nodes[target as usize].complete {
                    return Err(yaml_err(format_args!(
                        "anchor '{anchor}' value contains itself"
                    )));
                }
                (Kind::Alias { target }, None, false)
            }
            Event::SequenceStart { anchor } => (Kind::Seq(Vec::new()), anchor, true),
            Event::MappingStart { anchor } => (Kind::Map(Vec::new()), anchor, true),
        };
        let i = arena.nodes.len() as u32;
        if arena.nodes.len() as u64 >= limits.max_nodes {
            return Err(yaml_err(format_args!(
                "document exceeds the limit of {} nodes",
                limits.max_nodes
            )));
        }
        arena.nodes.push(Node {
            kind,
            size: 0,
            depth: 0,
            complete: false,
        });
        if let Some(a) = anchor {
            anchors.insert(a, i);
        }
        match stack.last() {
            Some(&p) => match &mut arena.nodes[p as usize].kind {
                Kind::Seq(v) | Kind::Map(v) => v.push(i),
                _ => unreachable!("only collections are on the stack"),
            },
            None => {
                if root.is_none() {
                    root = Some(i);
                }
            }
        }
        if opens {
            stack.push(i);
            if stack.len() > limits.max_depth {
                return Err(yaml_err(format_args!(
                    "exceeded max depth of {}",
                    limits.max_depth
                )));
            }
        } else {
            arena.complete(i, limits)?;
        }
    }
    Ok(root.map(|r| (arena, r)))
}

// go-yaml v2 decode.go: alias_ratio_range_low/high and allowedAliasRatio.
fn allowed_alias_ratio(decode_count: u64) -> f64 {
    const LOW: u64 = 400_000;
    const HIGH: u64 = 4_000_000;
    if decode_count <= LOW {
        0.99
    } else if decode_count >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((decode_count - LOW) as f64 / (HIGH - LOW) as f64)
    }
}

struct Counter {
    decode: u64,
    alias: u64,
}

impl Counter {
    fn check(&self) -> Result<(), String> {
        if self.alias > 100
            && self.decode > 1000
            && self.alias as f64 / self.decode as f64 > allowed_alias_ratio(self.decode)
        {
            return Err(yaml_err("document contains excessive aliasing"));
        }
        Ok(())
    }

    /// go-yaml `d.unmarshal` outside any alias: one decode.
    fn step(&mut self) -> Result<(), String> {
        self.decode += 1;
        self.check()
    }

    /// An alias expansion of `n` nodes: all of them happen inside the alias. The predicate is
    /// monotone over the expansion (the ratio only grows, the allowance only shrinks), so checking
    /// at its end is equivalent to go-yaml's check at every step.
    fn expand(&mut self, n: u64) -> Result<(), String> {
        self.decode = self.decode.saturating_add(n);
        self.alias = self.alias.saturating_add(n);
        self.check()
    }
}

/// The counting pre-pass: go-yaml's decode order, aliases as O(1) jumps.
fn check_aliasing(arena: &Arena, root: u32) -> Result<(), String> {
    let mut c = Counter {
        decode: 1,
        alias: 0,
    }; // the document node
       // Explicit stack of (node, merge-mode).
    enum Work {
        Node(u32),
        Merge(u32),
    }
    let mut work = vec![Work::Node(root)];
    while let Some(w) = work.pop() {
        match w {
            Work::Node(i) => {
                c.step()?;
                match &arena.nodes[i as usize].kind {
                    Kind::Scalar { .. } => {}
                    Kind::Alias { target } => c.expand(arena.nodes[*target as usize].size)?,
                    Kind::Seq(items) => work.extend(items.iter().rev().map(|&c| Work::Node(c))),
                    Kind::Map(kv) => {
                        for pair in kv.chunks(2).rev() {
                            if is_merge_key(&arena.nodes[pair[0] as usize]) {
                                work.push(Work::Merge(pair[1]));
                            } else {
                                work.push(Work::Node(pair[1]));
                                work.push(Work::Node(pair[0]));
                            }
                        }
                    }
                }
            }
            Work::Merge(v) => match &arena.nodes[v as usize].kind {
                // decoder.merge on a sequence steps backwards, without counting the sequence.
                Kind::Seq(items) => work.extend(items.iter().map(|&c| Work::Node(c))),
                _ => work.push(Work::Node(v)),
            },
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Scalar resolution (go-yaml v2 resolve.go) and JSON conversion (sigs.k8s.io/yaml).

#[derive(Clone, Debug, PartialEq)]
enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(String),
}

fn short_tag(tag: &str) -> String {
    match tag.strip_prefix("tag:yaml.org,2002:") {
        Some(rest) => format!("!!{rest}"),
        None => tag.to_string(),
    }
}

/// Go `strconv.ParseInt(s, 0, 64)` / `ParseUint` on an underscore-free string.
fn go_parse_int(s: &str) -> (Option<i64>, Option<u64>) {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits) =
        if let Some(r) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
            (16, r)
        } else if let Some(r) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
            (2, r)
        } else if let Some(r) = body.strip_prefix("0o").or_else(|| body.strip_prefix("0O")) {
            (8, r)
        } else if body.len() > 1 && body.starts_with('0') {
            (8, &body[1..])
        } else {
            (10, body)
        };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return (None, None);
    }
    let Ok(mag) = u64::from_str_radix(digits, radix) else {
        return (None, None);
    };
    let i = if neg {
        if mag <= i64::MAX as u64 + 1 {
            Some((mag as i128).wrapping_neg() as i64)
        } else {
            None
        }
    } else if mag <= i64::MAX as u64 {
        Some(mag as i64)
    } else {
        None
    };
    // ParseUint rejects any sign.
    let u = if s.starts_with(['+', '-']) {
        None
    } else {
        Some(mag)
    };
    (i, u)
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let st = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - st
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go `strconv.ParseFloat(s, 64)` for the inputs go-yaml passes (range errors fail).
fn go_parse_float(s: &str) -> Option<f64> {
    let lower = s.to_ascii_lowercase();
    let t = lower.trim_start_matches(['+', '-']);
    if t.starts_with("inf") || t.starts_with("nan") {
        // Go accepts these too, but go-yaml never reaches here with them except via the map.
        return None;
    }
    let f: f64 = s.parse().ok()?;
    if f.is_infinite() {
        return None;
    }
    Some(f)
}

/// Whether go-yaml v2 `resolve("", s)` reads `s` back as a string (used by the YAML printer).
pub(crate) fn resolves_to_plain_string(s: &str) -> bool {
    matches!(resolve_plain(s), Scalar::Str(_)) && !is_timestamp(s)
}

/// go-yaml v2 `parseTimestamp`: the formats `2006-1-2T15:4:5.999999999Z07:00` (also with a
/// lower-case `t`), `2006-1-2 15:4:5.999999999` and `2006-1-2`, with Go `time.Parse` rules
/// (1-2 digit fields, range checks). Intake keeps such values as strings (go-yaml does so for
/// `interface{}`), but the printer must quote them.
pub(crate) fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let mut i = 5;
    // 1-2 digit number in [lo, hi]
    let num = |i: &mut usize, lo: u32, hi: u32| -> bool {
        let st = *i;
        while *i < b.len() && *i - st < 2 && b[*i].is_ascii_digit() {
            *i += 1;
        }
        if *i == st {
            return false;
        }
        let v: u32 = s[st..*i].parse().unwrap_or(99);
        (lo..=hi).contains(&v)
    };
    let year: u32 = s[..4].parse().unwrap_or(0);
    let mst = i;
    if !num(&mut i, 1, 12) {
        return false;
    }
    let month: u32 = s[mst..i].parse().unwrap_or(0);
    if i >= b.len() || b[i] != b'-' {
        return false;
    }
    i += 1;
    let dst = i;
    if !num(&mut i, 1, 31) {
        return false;
    }
    let day: u32 = s[dst..i].parse().unwrap_or(0);
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    let dim = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day > dim {
        return false;
    }
    if i == b.len() {
        return true;
    }
    let zoned = match b[i] {
        b'T' | b't' => true,
        b' ' => false,
        _ => return false,
    };
    i += 1;
    if !num(&mut i, 0, 23) || i >= b.len() || b[i] != b':' {
        return false;
    }
    i += 1;
    if !num(&mut i, 0, 59) || i >= b.len() || b[i] != b':' {
        return false;
    }
    i += 1;
    if !num(&mut i, 0, 59) {
        return false;
    }
    if i < b.len() && (b[i] == b'.' || b[i] == b',') {
        let st = i + 1;
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == st {
            return false;
        }
    }
    if !zoned {
        return i == b.len();
    }
    if i < b.len() && b[i] == b'Z' {
        return i + 1 == b.len();
    }
    // ±hh:mm
    let rest = &b[i..];
    rest.len() == 6
        && (rest[0] == b'+' || rest[0] == b'-')
        && rest[1..3].iter().all(u8::is_ascii_digit)
        && rest[3] == b':'
        && rest[4..6].iter().all(u8::is_ascii_digit)
}

fn resolve_plain(input: &str) -> Scalar {
    let hint = input.as_bytes().first().copied();
    let resolvable = match hint {
        None => true,
        Some(c) => {
            matches!(c, b'+' | b'-' | b'0'..=b'9' | b'.') || "yYnNtTfFoO~".as_bytes().contains(&c)
        }
    };
    if !resolvable {
        return Scalar::Str(input.to_string());
    }
    match input {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Scalar::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Scalar::Bool(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => return Scalar::Null,
        ".nan" | ".NaN" | ".NAN" => return Scalar::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Scalar::Float(f64::INFINITY)
        }
        "-.inf" | "-.Inf" | "-.INF" => return Scalar::Float(f64::NEG_INFINITY),
        _ => {}
    }
    match hint {
        Some(b'.') => {
            if let Some(f) = go_parse_float(input) {
                return Scalar::Float(f);
            }
        }
        Some(b'+' | b'-' | b'0'..=b'9') => {
            let plain: String = input.chars().filter(|&c| c != '_').collect();
            let (i, u) = go_parse_int(&plain);
            if let Some(i) = i {
                return Scalar::Int(i);
            }
            if let Some(u) = u {
                return Scalar::Uint(u);
            }
            if yaml_style_float(&plain) {
                if let Some(f) = go_parse_float(&plain) {
                    return Scalar::Float(f);
                }
            }
            if let Some(b) = plain.strip_prefix("0b") {
                if let Ok(v) = i64::from_str_radix(b, 2) {
                    return Scalar::Int(v);
                }
                if let Ok(v) = u64::from_str_radix(b, 2) {
                    return Scalar::Uint(v);
                }
            } else if let Some(b) = plain.strip_prefix("-0b") {
                if let Ok(v) = i64::from_str_radix(&format!("-{b}"), 2) {
                    return Scalar::Int(v);
                }
            }
            // Integers beyond 64 bits become big.Int in go-yaml; JSON keeps them as numbers.
            if plain.len() > 1
                && plain
                    .trim_start_matches(['-', '+'])
                    .bytes()
                    .all(|c| c.is_ascii_digit())
            {
                if let Ok(f) = plain.parse::<f64>() {
                    return Scalar::Float(f);
                }
            }
        }
        _ => {}
    }
    Scalar::Str(input.to_string())
}

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut buf = 0u32;
    let mut bits = 0;
    let mut pad = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => {
                pad += 1;
                continue;
            }
            b'\n' | b'\r' | b' ' => continue,
            _ => return None,
        };
        if pad > 0 {
            return None;
        }
        buf = (buf << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
        }
    }
    Some(out)
}

/// go-yaml `decoder.scalar` into `interface{}`.
fn decode_scalar(value: &str, tag: Option<&str>, implicit: bool) -> Result<Scalar, String> {
    let tag = tag.map(short_tag).unwrap_or_default();
    if tag.is_empty() {
        return Ok(if implicit {
            resolve_plain(value)
        } else {
            Scalar::Str(value.to_string())
        });
    }
    match tag.as_str() {
        "!!str" | "!!timestamp" => Ok(Scalar::Str(value.to_string())),
        "!!binary" => match base64_decode(value) {
            Some(bytes) => Ok(Scalar::Str(String::from_utf8_lossy(&bytes).into_owned())),
            None => Err(yaml_err("!!binary value contains invalid base64 data")),
        },
        "!!bool" | "!!int" | "!!float" | "!!null" => {
            let r = resolve_plain(value);
            let rtag = match &r {
                Scalar::Null => "!!null",
                Scalar::Bool(_) => "!!bool",
                Scalar::Int(_) | Scalar::Uint(_) => "!!int",
                Scalar::Float(_) => "!!float",
                Scalar::Str(_) => "!!str",
            };
            if rtag == tag {
                return Ok(r);
            }
            if tag == "!!float" {
                match r {
                    Scalar::Int(i) => return Ok(Scalar::Float(i as f64)),
                    Scalar::Uint(u) => return Ok(Scalar::Float(u as f64)),
                    _ => {}
                }
            }
            Err(yaml_err(format_args!(
                "cannot decode {rtag} `{value}` as a {tag}"
            )))
        }
        // Any other tag: the value as a string.
        _ => Ok(Scalar::Str(value.to_string())),
    }
}

/// Go `strconv.FormatFloat(f, 'g', -1, bits)` (bits 32 or 64): shortest digits; with the
/// shortest precision Go uses `eprec = 6`, so the exponent form (`1e+06`, `1.5e-05`) is chosen
/// when the decimal exponent is < -4 or >= 6 (strconv/ftoa.go).
pub(crate) fn go_format_float_g(f: f64, bits: u32) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    let e = if bits == 32 {
        format!("{:e}", f as f32)
    } else {
        format!("{f:e}")
    };
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mant}e{sign}{:02}", exp.abs());
    }
    if bits == 32 {
        format!("{}", f as f32)
    } else {
        format!("{f}")
    }
}

/// sigs.k8s.io/yaml float keys: `FormatFloat(f, 'g', -1, 32)` with YAML spellings of inf/nan.
fn float_key(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            ".inf".into()
        } else {
            "-.inf".into()
        };
    }
    go_format_float_g(f, 32)
}

fn scalar_to_key(s: &Scalar) -> Result<String, String> {
    match s {
        Scalar::Str(s) => Ok(s.clone()),
        Scalar::Int(i) => Ok(i.to_string()),
        Scalar::Float(f) => Ok(float_key(*f)),
        Scalar::Bool(b) => Ok(b.to_string()),
        Scalar::Uint(u) => Err(format!(
            "{CONVERT_PREFIX}unsupported map key of type: uint64, key: 0x{u:x}, value: ..."
        )),
        Scalar::Null => Err(format!(
            "{CONVERT_PREFIX}unsupported map key of type: %!s(<nil>), key: <nil>, value: ..."
        )),
    }
}

fn scalar_to_json(s: Scalar) -> Result<Value, String> {
    Ok(match s {
        Scalar::Null => Value::Null,
        Scalar::Bool(b) => Value::Bool(b),
        Scalar::Int(i) => Value::Number(i.into()),
        Scalar::Uint(u) => Value::Number(u.into()),
        Scalar::Str(s) => Value::String(s),
        Scalar::Float(f) => {
            if f.is_nan() {
                return Err(format!("{CONVERT_PREFIX}json: unsupported value: NaN"));
            }
            if f.is_infinite() {
                let v = if f > 0.0 { "+Inf" } else { "-Inf" };
                return Err(format!("{CONVERT_PREFIX}json: unsupported value: {v}"));
            }
            float_to_json(f)
        }
    })
}

/// Go's encoding/json prints an integral float64 below 1e21 without a fraction ("8"), which a
/// reader sees as an integer: keep that shape.
fn float_to_json(f: f64) -> Value {
    if f.fract() == 0.0 && f.abs() < 1e21 {
        if f >= i64::MIN as f64 && f < i64::MAX as f64 {
            return Value::Number((f as i64).into());
        }
        if f >= 0.0 && f < u64::MAX as f64 {
            return Value::Number((f as u64).into());
        }
    }
    Number::from_f64(f)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

fn build_value(arena: &Arena, i: u32) -> Result<Value, String> {
    let n = &arena.nodes[i as usize];
    match &n.kind {
        Kind::Scalar {
            value,
            tag,
            implicit,
        } => scalar_to_json(decode_scalar(value, tag.as_deref(), *implicit)?),
        Kind::Alias { target } => build_value(arena, *target),
        Kind::Seq(items) => items
            .iter()
            .map(|&c| build_value(arena, c))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        Kind::Map(_) => {
            let mut m = Map::new();
            fill_map(arena, i, &mut m)?;
            Ok(Value::Object(m))
        }
    }
}

fn fill_map(arena: &Arena, i: u32, m: &mut Map<String, Value>) -> Result<(), String> {
    let i = arena.resolve_alias(i);
    let Kind::Map(kv) = &arena.nodes[i as usize].kind else {
        return Err(yaml_err(
            "map merge requires map or sequence of maps as the value",
        ));
    };
    for pair in kv.chunks(2) {
        let (k, v) = (pair[0], pair[1]);
        let kn = &arena.nodes[k as usize];
        if is_merge_key(kn) {
            match &arena.nodes[v as usize].kind {
                Kind::Seq(items) => {
                    for &c in items.iter().rev() {
                        fill_map(arena, c, m)?;
                    }
                }
                _ => fill_map(arena, v, m)?,
            }
            continue;
        }
        let key = match &arena.nodes[arena.resolve_alias(k) as usize].kind {
            Kind::Scalar {
                value,
                tag,
                implicit,
            } => scalar_to_key(&decode_scalar(value, tag.as_deref(), *implicit)?)?,
            _ => return Err(yaml_err("invalid map key: a collection cannot be a key")),
        };
        let val = build_value(arena, v)?;
        m.insert(key, val);
    }
    Ok(())
}

/// Convert one YAML document (the first in `text`) to JSON as `sigs.k8s.io/yaml.Unmarshal`
/// does. An empty document gives `Value::Null`. Errors carry kubectl's
/// `error converting YAML to JSON: …` wording (without `error parsing NAME: `).
pub fn yaml_to_json(text: &str, limits: &Limits) -> Result<Value, String> {
    if text.len() > limits.max_bytes {
        return Err(format!(
            "input is {} bytes, over this simulator's limit of {} bytes",
            text.len(),
            limits.max_bytes
        ));
    }
    let Some((arena, root)) = build_arena(text, limits)? else {
        return Ok(Value::Null);
    };
    check_aliasing(&arena, root)?;
    build_value(&arena, root)
}

#[cfg(test)]
mod tests;
