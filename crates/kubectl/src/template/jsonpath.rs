//! kubectl JSONPath (`k8s.io/client-go/util/jsonpath`), over `serde_json::Value`.
//!
//! Supported: literal text; actions `{...}` with `$`/`.`/`@` roots, fields (`.a.b`, escaped dots
//! `app\.kubernetes\.io/name`, quoted `['a.b']`), `*` wildcards, indexes and slices (`[0]`,
//! `[-1]`, `[1:3]`, `[::2]`), unions (`[0,2]`, `['a','b']`), recursive descent `..`, filters
//! `[?(@.x=="y")]` with `== != < > <= >=` and existence `[?(@.x)]`, string literals
//! `{"\n"}`, and `{range …}…{end}`.
//!
//! Output as kubectl prints it (`PrintResults`): the results of one action are separated by a
//! space; strings raw, numbers/bools with Go `%v`, null as `null`, maps and lists as compact JSON
//! (sorted keys, Go HTML escaping).
//!
//! kubectl's `get -o jsonpath` allows missing keys (`--allow-missing-template-keys=true`), so a
//! missing field prints nothing; with [`JsonPath::allow_missing_keys`]`(false)` it is the
//! `… is not found` error.

use serde_json::Value;
use std::fmt;

#[derive(Clone, Debug, PartialEq)]
enum Node {
    Text(String),
    /// One `{...}` action: a chain of steps.
    Action(Vec<Step>),
    Range(Vec<Step>),
    End,
}

#[derive(Clone, Debug, PartialEq)]
enum Step {
    Root,
    Current,
    Field(String),
    Wildcard,
    Recursive,
    Index(Slice),
    Union(Vec<Vec<Step>>),
    Filter(Box<Filter>),
    Literal(Value),
}

#[derive(Clone, Debug, PartialEq)]
struct Slice {
    start: Option<i64>,
    end: Option<i64>,
    step: Option<i64>,
    /// `[n]` (a single index) rather than a slice.
    single: bool,
}

#[derive(Clone, Debug, PartialEq)]
struct Filter {
    left: Vec<Step>,
    op: Option<String>,
    right: Vec<Step>,
}

/// A parse or execution error, worded like client-go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonPathError(pub String);

impl fmt::Display for JsonPathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for JsonPathError {}

/// A parsed JSONPath template.
#[derive(Clone, Debug)]
pub struct JsonPath {
    source: String,
    nodes: Vec<Node>,
    allow_missing: bool,
}

/// Maximum template length accepted (hostile-input guard).
const MAX_TEMPLATE: usize = 64 * 1024;
/// Maximum nesting of ranges/unions/filters.
const MAX_NESTING: usize = 64;

impl JsonPath {
    /// Parse a template, e.g. `{.items[*].metadata.name}`.
    pub fn parse(template: &str) -> Result<JsonPath, JsonPathError> {
        if template.len() > MAX_TEMPLATE {
            return Err(JsonPathError("template too long".into()));
        }
        let nodes = parse_template(template)?;
        let mut depth = 0i32;
        for n in &nodes {
            match n {
                Node::Range(_) => {
                    depth += 1;
                    if depth as usize > MAX_NESTING {
                        return Err(JsonPathError("range nested too deeply".into()));
                    }
                }
                Node::End => {
                    depth -= 1;
                    if depth < 0 {
                        return Err(JsonPathError("not in range, nothing to end".into()));
                    }
                }
                _ => {}
            }
        }
        Ok(JsonPath {
            source: template.to_string(),
            nodes,
            allow_missing: true,
        })
    }

    /// kubectl's `--allow-missing-template-keys` (default true).
    pub fn allow_missing_keys(mut self, allow: bool) -> Self {
        self.allow_missing = allow;
        self
    }

    /// The template text.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Execute against `data` and return the printed text.
    pub fn execute(&self, data: &Value) -> Result<String, JsonPathError> {
        let mut out = String::new();
        self.exec_nodes(&self.nodes, data, data, &mut out)?;
        Ok(out)
    }

    fn exec_nodes(
        &self,
        nodes: &[Node],
        root: &Value,
        cur: &Value,
        out: &mut String,
    ) -> Result<(), JsonPathError> {
        let mut i = 0;
        while i < nodes.len() {
            match &nodes[i] {
                Node::Text(t) => out.push_str(t),
                Node::Action(steps) => {
                    let res = self.eval(steps, root, cur)?;
                    print_results(&res, out);
                }
                Node::Range(steps) => {
                    // Find the matching end.
                    let mut depth = 0;
                    let mut j = i + 1;
                    while j < nodes.len() {
                        match nodes[j] {
                            Node::Range(_) => depth += 1,
                            Node::End if depth == 0 => break,
                            Node::End => depth -= 1,
                            _ => {}
                        }
                        j += 1;
                    }
                    let body = &nodes[i + 1..j.min(nodes.len())];
                    let items = self.eval(steps, root, cur)?;
                    for item in &items {
                        self.exec_nodes(body, root, item, out)?;
                    }
                    i = j;
                }
                Node::End => {}
            }
            i += 1;
        }
        Ok(())
    }

    fn eval(&self, steps: &[Step], root: &Value, cur: &Value) -> Result<Vec<Value>, JsonPathError> {
        let mut vals: Vec<Value> = vec![cur.clone()];
        for step in steps {
            let mut next = Vec::new();
            match step {
                Step::Root => next.push(root.clone()),
                Step::Current => next = vals.clone(),
                Step::Literal(v) => next.push(v.clone()),
                Step::Field(name) => {
                    for v in &vals {
                        if let Value::Object(m) = v {
                            if let Some(x) = m.get(name) {
                                next.push(x.clone());
                            }
                        }
                    }
                    if next.is_empty() && !self.allow_missing {
                        return Err(JsonPathError(format!("{name} is not found")));
                    }
                }
                Step::Wildcard => {
                    for v in &vals {
                        match v {
                            Value::Object(m) => next.extend(m.values().cloned()),
                            Value::Array(a) => next.extend(a.iter().cloned()),
                            _ => {}
                        }
                    }
                }
                Step::Recursive => {
                    for v in &vals {
                        collect_recursive(v, &mut next);
                    }
                }
                Step::Index(s) => {
                    for v in &vals {
                        let Value::Array(a) = v else { continue };
                        let len = a.len() as i64;
                        if s.single {
                            let mut idx = s.start.unwrap_or(0);
                            if idx < 0 {
                                idx += len;
                            }
                            if idx < 0 || idx >= len {
                                if self.allow_missing {
                                    continue;
                                }
                                return Err(JsonPathError(format!(
                                    "array index out of bounds: index {}, length {len}",
                                    s.start.unwrap_or(0)
                                )));
                            }
                            next.push(a[idx as usize].clone());
                            continue;
                        }
                        let norm = |x: i64| if x < 0 { (x + len).max(0) } else { x.min(len) };
                        let start = norm(s.start.unwrap_or(0));
                        let end = norm(s.end.unwrap_or(len));
                        let step = s.step.unwrap_or(1);
                        if step <= 0 {
                            return Err(JsonPathError("step must be > 0".into()));
                        }
                        let mut k = start;
                        while k < end {
                            next.push(a[k as usize].clone());
                            k += step;
                        }
                    }
                }
                Step::Union(branches) => {
                    for v in &vals {
                        for b in branches {
                            next.extend(self.eval(b, root, v)?);
                        }
                    }
                }
                Step::Filter(f) => {
                    for v in &vals {
                        let items: Vec<&Value> = match v {
                            Value::Array(a) => a.iter().collect(),
                            other => vec![other],
                        };
                        for item in items {
                            if self.filter_matches(f, root, item)? {
                                next.push(item.clone());
                            }
                        }
                    }
                }
            }
            vals = next;
        }
        Ok(vals)
    }

    fn filter_matches(
        &self,
        f: &Filter,
        root: &Value,
        item: &Value,
    ) -> Result<bool, JsonPathError> {
        let lenient = JsonPath {
            source: String::new(),
            nodes: Vec::new(),
            allow_missing: true,
        };
        let left = lenient.eval(&f.left, root, item)?;
        let Some(op) = &f.op else {
            return Ok(!left.is_empty());
        };
        let right = lenient.eval(&f.right, root, item)?;
        let (Some(l), Some(r)) = (left.first(), right.first()) else {
            return Ok(false);
        };
        Ok(match op.as_str() {
            "==" => loose_eq(l, r),
            "!=" => !loose_eq(l, r),
            op => {
                let ord = match (l, r) {
                    (Value::Number(a), Value::Number(b)) => a.as_f64().partial_cmp(&b.as_f64()),
                    (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
                    _ => None,
                };
                let Some(ord) = ord else {
                    return Err(JsonPathError(format!(
                        "{op} operator is not supported for the given type"
                    )));
                };
                match op {
                    "<" => ord.is_lt(),
                    ">" => ord.is_gt(),
                    "<=" => ord.is_le(),
                    ">=" => ord.is_ge(),
                    _ => false,
                }
            }
        })
    }
}

fn loose_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

fn collect_recursive(v: &Value, out: &mut Vec<Value>) {
    // Iterative pre-order: the value itself, then its descendants.
    let mut stack = vec![v];
    while let Some(x) = stack.pop() {
        out.push(x.clone());
        match x {
            Value::Object(m) => stack.extend(m.values().rev()),
            Value::Array(a) => stack.extend(a.iter().rev()),
            _ => {}
        }
    }
}

fn print_results(res: &[Value], out: &mut String) {
    for (i, r) in res.iter().enumerate() {
        match r {
            Value::String(s) => out.push_str(s),
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => out.push_str(&go_v_number(n)),
            other => out.push_str(&compact_json(other)),
        }
        if i + 1 != res.len() {
            out.push(' ');
        }
    }
}

/// Go `%v` of an unstructured number (int64 or float64).
pub(crate) fn go_v_number(n: &serde_json::Number) -> String {
    if n.is_i64() || n.is_u64() {
        n.to_string()
    } else {
        crate::yaml::go_format_float_g(n.as_f64().unwrap_or(0.0), 64)
    }
}

/// Go `json.Marshal` (compact, HTML-escaped).
pub(crate) fn compact_json(v: &Value) -> String {
    let mut out = String::new();
    compact(v, &mut out);
    out
}

fn compact(v: &Value, out: &mut String) {
    match v {
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                compact(x, out);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(crate::yaml_out::to_json(&Value::String(k.clone())).trim_end());
                out.push(':');
                compact(x, out);
            }
            out.push('}');
        }
        Value::Number(n) => out.push_str(&crate::yaml_out::go_json_number(n)),
        other => out.push_str(crate::yaml_out::to_json(other).trim_end()),
    }
}

// ---------------------------------------------------------------------------------------------
// Parser

fn parse_template(t: &str) -> Result<Vec<Node>, JsonPathError> {
    let mut nodes = Vec::new();
    let mut rest = t;
    while !rest.is_empty() {
        match rest.find('{') {
            None => {
                nodes.push(Node::Text(rest.to_string()));
                break;
            }
            Some(i) => {
                if i > 0 {
                    nodes.push(Node::Text(rest[..i].to_string()));
                }
                let inner_start = i + 1;
                let close = find_action_end(&rest[inner_start..])
                    .ok_or_else(|| JsonPathError("unclosed action".into()))?;
                let inner = &rest[inner_start..inner_start + close];
                nodes.push(parse_action(inner)?);
                rest = &rest[inner_start + close + 1..];
            }
        }
    }
    Ok(nodes)
}

/// Index of the `}` closing an action, skipping quoted strings and escapes.
fn find_action_end(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) => {
                if c == b'\\' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                b'\\' => i += 1,
                b'"' | b'\'' => quote = Some(c),
                b'}' => return Some(i),
                _ => {}
            },
        }
        i += 1;
    }
    None
}

fn parse_action(inner: &str) -> Result<Node, JsonPathError> {
    let trimmed = inner.trim();
    if trimmed == "end" {
        return Ok(Node::End);
    }
    if let Some(rest) = trimmed.strip_prefix("range") {
        if rest.starts_with([' ', '\t']) || rest.is_empty() {
            return Ok(Node::Range(parse_path(rest.trim(), 0)?));
        }
    }
    if trimmed.starts_with('"') || trimmed.starts_with('\'') {
        return Ok(Node::Text(unquote(trimmed)?));
    }
    Ok(Node::Action(parse_path(trimmed, 0)?))
}

fn unquote(s: &str) -> Result<String, JsonPathError> {
    let q = s.chars().next().unwrap_or('"');
    let Some(body) = s.strip_prefix(q).and_then(|r| r.strip_suffix(q)) else {
        return Err(JsonPathError(format!("unterminated quoted string: {s}")));
    };
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            Some('"') => out.push('"'),
            Some('\'') => out.push('\''),
            Some(o) => {
                return Err(JsonPathError(format!(
                    "invalid syntax: unknown escape \\{o}"
                )));
            }
            None => return Err(JsonPathError("invalid syntax".into())),
        }
    }
    Ok(out)
}

fn parse_path(s: &str, depth: usize) -> Result<Vec<Step>, JsonPathError> {
    if depth > MAX_NESTING {
        return Err(JsonPathError("expression nested too deeply".into()));
    }
    let chars: Vec<char> = s.chars().collect();
    let mut steps = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' => i += 1,
            '$' => {
                steps.push(Step::Root);
                i += 1;
            }
            '@' => {
                steps.push(Step::Current);
                i += 1;
            }
            '.' => {
                if chars.get(i + 1) == Some(&'.') {
                    steps.push(Step::Recursive);
                    i += 2;
                } else {
                    i += 1;
                }
                // field name
                let mut name = String::new();
                while i < chars.len() {
                    let ch = chars[i];
                    if ch == '\\' && i + 1 < chars.len() {
                        name.push(chars[i + 1]);
                        i += 2;
                        continue;
                    }
                    if matches!(
                        ch,
                        '.' | '['
                            | ']'
                            | ' '
                            | '\t'
                            | '$'
                            | '@'
                            | '('
                            | ')'
                            | '{'
                            | '}'
                            | ','
                            | '='
                            | '!'
                            | '<'
                            | '>'
                    ) {
                        break;
                    }
                    name.push(ch);
                    i += 1;
                }
                if name == "*" {
                    steps.push(Step::Wildcard);
                } else if !name.is_empty() {
                    steps.push(Step::Field(name));
                }
            }
            '[' => {
                let close = matching_bracket(&chars, i)
                    .ok_or_else(|| JsonPathError("unterminated array".into()))?;
                let inner: String = chars[i + 1..close].iter().collect();
                steps.push(parse_bracket(inner.trim(), depth)?);
                i = close + 1;
            }
            '"' | '\'' => {
                let end = (i + 1..chars.len())
                    .find(|&k| chars[k] == c && chars[k - 1] != '\\')
                    .ok_or_else(|| JsonPathError("unterminated quoted string".into()))?;
                let lit: String = chars[i..=end].iter().collect();
                steps.push(Step::Literal(Value::String(unquote(&lit)?)));
                i = end + 1;
            }
            c if c.is_ascii_digit() || c == '-' => {
                let st = i;
                i += 1;
                while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                    i += 1;
                }
                let lit: String = chars[st..i].iter().collect();
                let v: Value = serde_json::from_str(&lit)
                    .map_err(|_| JsonPathError(format!("cannot parse number {lit}")))?;
                steps.push(Step::Literal(v));
            }
            c if c.is_alphabetic() => {
                let st = i;
                while i < chars.len() && chars[i].is_alphanumeric() {
                    i += 1;
                }
                let word: String = chars[st..i].iter().collect();
                match word.as_str() {
                    "true" => steps.push(Step::Literal(Value::Bool(true))),
                    "false" => steps.push(Step::Literal(Value::Bool(false))),
                    "nil" | "null" => steps.push(Step::Literal(Value::Null)),
                    _ => return Err(JsonPathError(format!("unrecognized identifier {word}"))),
                }
            }
            other => {
                return Err(JsonPathError(format!(
                    "unrecognized character in action: U+{:04X} '{other}'",
                    other as u32
                )))
            }
        }
    }
    Ok(steps)
}

fn matching_bracket(chars: &[char], open: usize) -> Option<usize> {
    let mut depth = 0;
    let mut quote: Option<char> = None;
    let mut i = open;
    while i < chars.len() {
        let c = chars[i];
        if let Some(q) = quote {
            if c == '\\' {
                i += 1;
            } else if c == q {
                quote = None;
            }
        } else {
            match c {
                '"' | '\'' => quote = Some(c),
                '[' => depth += 1,
                ']' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i);
                    }
                }
                _ => {}
            }
        }
        i += 1;
    }
    None
}

fn split_top(s: &str, sep: char) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut depth = 0;
    let mut quote: Option<char> = None;
    for c in s.chars() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            cur.push(c);
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '[' | '(' => depth += 1,
            ']' | ')' => depth -= 1,
            _ => {}
        }
        if c == sep && depth == 0 {
            parts.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    parts.push(cur);
    parts
}

fn parse_bracket(inner: &str, depth: usize) -> Result<Step, JsonPathError> {
    if let Some(f) = inner.strip_prefix('?') {
        let f = f.trim();
        let body = f
            .strip_prefix('(')
            .and_then(|r| r.strip_suffix(')'))
            .ok_or_else(|| JsonPathError(format!("unclosed filter: {inner}")))?;
        for op in ["==", "!=", "<=", ">=", "<", ">"] {
            if let Some(pos) = find_op(body, op) {
                return Ok(Step::Filter(Box::new(Filter {
                    left: parse_path(body[..pos].trim(), depth + 1)?,
                    op: Some(op.to_string()),
                    right: parse_path(body[pos + op.len()..].trim(), depth + 1)?,
                })));
            }
        }
        return Ok(Step::Filter(Box::new(Filter {
            left: parse_path(body.trim(), depth + 1)?,
            op: None,
            right: Vec::new(),
        })));
    }
    if inner == "*" {
        return Ok(Step::Wildcard);
    }
    let parts = split_top(inner, ',');
    if parts.len() > 1 || inner.starts_with('\'') || inner.starts_with('"') {
        let mut branches = Vec::new();
        for p in parts {
            let p = p.trim();
            if p.starts_with('\'') || p.starts_with('"') {
                branches.push(vec![Step::Field(unquote(p)?)]);
            } else {
                match parse_bracket(p, depth + 1)? {
                    s @ Step::Index(_) => branches.push(vec![s]),
                    other => branches.push(vec![other]),
                }
            }
        }
        return Ok(Step::Union(branches));
    }
    // index or slice
    let fields: Vec<&str> = inner.split(':').collect();
    if fields.len() > 3 || inner.is_empty() {
        return Err(JsonPathError(format!("invalid array index {inner}")));
    }
    let num = |s: &str| -> Result<Option<i64>, JsonPathError> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(None);
        }
        s.parse::<i64>()
            .map(Some)
            .map_err(|_| JsonPathError(format!("invalid array index {inner}")))
    };
    if fields.len() == 1 {
        return Ok(Step::Index(Slice {
            start: num(fields[0])?,
            end: None,
            step: None,
            single: true,
        }));
    }
    Ok(Step::Index(Slice {
        start: num(fields[0])?,
        end: num(fields[1])?,
        step: if fields.len() == 3 {
            num(fields[2])?
        } else {
            None
        },
        single: false,
    }))
}

fn find_op(body: &str, op: &str) -> Option<usize> {
    let b = body.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i + op.len() <= b.len() {
        let c = b[i];
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
        } else if c == b'"' || c == b'\'' {
            quote = Some(c);
        } else if &body[i..i + op.len()] == op {
            // Do not split `<=` as `<`.
            let next = b.get(i + op.len()).copied();
            if op.len() == 1 && next == Some(b'=') {
                i += 1;
                continue;
            }
            return Some(i);
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pods() -> Value {
        json!({
            "kind": "List",
            "items": [
                {"metadata": {"name": "web-0", "labels": {"app": "nginx", "app.kubernetes.io/name": "web"}},
                 "spec": {"hostname": "web-0", "containers": [{"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.8", "ports": [{"containerPort": 80}]}]},
                 "status": {"phase": "Running", "podIP": "10.244.1.5"}},
                {"metadata": {"name": "web-1", "labels": {"app": "nginx"}},
                 "spec": {"hostname": "web-1", "containers": [{"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.7"}]},
                 "status": {"phase": "Pending"}}
            ]
        })
    }

    fn run(t: &str) -> String {
        JsonPath::parse(t).unwrap().execute(&pods()).unwrap()
    }

    #[test]
    fn golden() {
        let cases: &[(&str, &str)] = &[
            ("{.kind}", "List"),
            ("{.items[*].metadata.name}", "web-0 web-1"),
            ("{.items[0].spec.hostname}", "web-0"),
            ("{.items[-1].metadata.name}", "web-1"),
            ("{.items[0:1].metadata.name}", "web-0"),
            ("{.items[1:].metadata.name}", "web-1"),
            ("{$.items[*].status.phase}", "Running Pending"),
            (
                "{.items[?(@.status.phase==\"Running\")].metadata.name}",
                "web-0",
            ),
            ("{.items[?(@.status.podIP)].metadata.name}", "web-0"),
            (
                "{.items[?(@.metadata.name!='web-0')].metadata.name}",
                "web-1",
            ),
            (
                "{..image}",
                "registry.k8s.io/nginx-slim:0.8 registry.k8s.io/nginx-slim:0.7",
            ),
            (
                "{.items[0].metadata.labels.app\\.kubernetes\\.io/name}",
                "web",
            ),
            (
                "{.items[0].metadata.labels['app.kubernetes.io/name']}",
                "web",
            ),
            (
                "{.items[0].metadata.labels}",
                "{\"app\":\"nginx\",\"app.kubernetes.io/name\":\"web\"}",
            ),
            (
                "{.items[0].spec.containers[0].ports}",
                "[{\"containerPort\":80}]",
            ),
            (
                "{.items[0].spec.containers[0].ports[0].containerPort}",
                "80",
            ),
            (
                "{range .items[*]}{.metadata.name}{\"\\t\"}{.status.phase}{\"\\n\"}{end}",
                "web-0\tRunning\nweb-1\tPending\n",
            ),
            ("names: {.items[*].metadata.name}!", "names: web-0 web-1!"),
            ("{.items[*]['metadata.name']}", ""),
            ("{.missing}", ""),
            ("{.items[5].metadata.name}", ""),
            ("{.items[0,1].metadata.name}", "web-0 web-1"),
        ];
        for (t, want) in cases {
            assert_eq!(&run(t), want, "template {t}");
        }
    }

    #[test]
    fn errors() {
        let strict = |t: &str| {
            JsonPath::parse(t)
                .unwrap()
                .allow_missing_keys(false)
                .execute(&pods())
                .unwrap_err()
                .to_string()
        };
        assert_eq!(strict("{.x}"), "x is not found");
        assert_eq!(
            strict("{.items[5]}"),
            "array index out of bounds: index 5, length 2"
        );
        assert_eq!(
            JsonPath::parse("{.a").unwrap_err().to_string(),
            "unclosed action"
        );
        assert!(JsonPath::parse("{.a[}").is_err());
        assert_eq!(
            JsonPath::parse("{end}").unwrap_err().to_string(),
            "not in range, nothing to end"
        );
    }

    mod fuzz {
        use super::*;
        use proptest::prelude::*;

        fn tpl() -> impl Strategy<Value = String> {
            let atoms = prop::sample::select(vec![
                "{", "}", ".", "..", "items", "[", "]", "*", "0", "-1", ":", "?(", ")", "@", "$",
                "==", "\"", "'", "x", "range ", "end", ",", "\\", "metadata", "name", " ",
            ]);
            prop::collection::vec(atoms, 0..30).prop_map(|v| v.concat())
        }

        fn check(t: &str) {
            if let Ok(p) = JsonPath::parse(t) {
                let _ = p.execute(&pods());
                let _ = p.allow_missing_keys(false).execute(&pods());
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]
            #[test]
            fn never_panics(t in tpl()) { check(&t); }
            #[test]
            fn never_panics_arbitrary(t in ".{0,80}") { check(&t); }
        }

        #[test]
        #[ignore = "heavy: run with --ignored, scaled by ORDINAL_HEAVY_SCALE"]
        fn never_panics_heavy() {
            let scale: u32 = std::env::var("ORDINAL_HEAVY_SCALE")
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(1);
            let mut runner =
                proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(20_000 * scale));
            runner
                .run(&tpl(), |t| {
                    check(&t);
                    Ok(())
                })
                .unwrap();
        }
    }
}
