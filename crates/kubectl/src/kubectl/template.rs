//! Output templates for kubectl: JSONPath and Go templates go to the formats branch's engines
//! (`crate::template`); custom-columns and the minimal fallback evaluators live here. Covers what the
//! tutorials and common use need: field chains, `[n]`, `[*]`, `range … end`, `$i, $c :=`,
//! `index`, string literals, `if/else`.

use crate::printers::TabWriter;
use serde_json::Value;

/// Limits: nesting of template blocks and output size.
const MAX_DEPTH: usize = 50;
const MAX_OUTPUT: usize = 4 * 1024 * 1024;

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Number(n) => crate::yaml_out::go_json_number(n),
        Value::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

// ---- JSONPath ------------------------------------------------------------------------

/// Resolves a dotted path like `.items[*].metadata.name` against `root`; every match.
fn jp_select<'a>(path: &str, root: &'a Value, cur: &'a Value) -> Vec<&'a Value> {
    let path = path.trim();
    let (mut set, rest) = if let Some(r) = path.strip_prefix('$') {
        (vec![root], r)
    } else if let Some(r) = path.strip_prefix('@') {
        (vec![cur], r)
    } else {
        (vec![cur], path)
    };
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                let mut name = String::new();
                while let Some(&c2) = chars.peek() {
                    if c2 == '.' || c2 == '[' {
                        break;
                    }
                    name.push(c2);
                    chars.next();
                }
                if name.is_empty() {
                    continue;
                }
                if name == "*" {
                    set = set
                        .into_iter()
                        .flat_map(|v| match v {
                            Value::Object(m) => m.values().collect::<Vec<_>>(),
                            Value::Array(a) => a.iter().collect(),
                            _ => vec![],
                        })
                        .collect();
                    continue;
                }
                set = set.into_iter().filter_map(|v| v.get(&name)).collect();
            }
            '[' => {
                let mut inner = String::new();
                for c2 in chars.by_ref() {
                    if c2 == ']' {
                        break;
                    }
                    inner.push(c2);
                }
                let inner = inner.trim();
                if inner == "*" {
                    set = set
                        .into_iter()
                        .flat_map(|v| match v {
                            Value::Array(a) => a.iter().collect::<Vec<_>>(),
                            Value::Object(m) => m.values().collect(),
                            _ => vec![],
                        })
                        .collect();
                } else if let Ok(i) = inner.parse::<i64>() {
                    set = set
                        .into_iter()
                        .filter_map(|v| {
                            let a = v.as_array()?;
                            let idx = if i < 0 { a.len() as i64 + i } else { i };
                            usize::try_from(idx).ok().and_then(|i| a.get(i))
                        })
                        .collect();
                } else if let Some(key) =
                    inner.strip_prefix('\'').and_then(|s| s.strip_suffix('\''))
                {
                    set = set.into_iter().filter_map(|v| v.get(key)).collect();
                } else {
                    return vec![];
                }
            }
            _ => {}
        }
    }
    set
}

/// kubectl `-o jsonpath=TEMPLATE` (missing keys print nothing, as kubectl's default), via the
/// formats branch's JSONPath engine.
pub fn jsonpath(tmpl: &str, root: &Value) -> Result<String, String> {
    crate::template::JsonPath::parse(tmpl)
        .map_err(|e| e.to_string())?
        .allow_missing_keys(true)
        .execute(root)
        .map_err(|e| e.to_string())
}

/// The minimal evaluator this module started with (kept for `custom-columns` cells).
#[allow(dead_code)]
fn jsonpath_minimal(tmpl: &str, root: &Value) -> Result<String, String> {
    let mut out = String::new();
    let chars: Vec<char> = tmpl.chars().collect();
    let mut segs: Vec<(bool, String)> = Vec::new();
    let mut i = 0;
    let mut text = String::new();
    while i < chars.len() {
        if chars[i] == '{' {
            if !text.is_empty() {
                segs.push((false, std::mem::take(&mut text)));
            }
            let mut depth = 1;
            let mut expr = String::new();
            i += 1;
            while i < chars.len() {
                let c = chars[i];
                if c == '{' {
                    depth += 1;
                }
                if c == '}' {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                expr.push(c);
                i += 1;
            }
            segs.push((true, expr));
            i += 1;
        } else {
            text.push(chars[i]);
            i += 1;
        }
    }
    if !text.is_empty() {
        segs.push((false, text));
    }
    jp_run(&segs, root, root, &mut out, 0)?;
    Ok(out)
}

fn jp_run(
    segs: &[(bool, String)],
    root: &Value,
    cur: &Value,
    out: &mut String,
    depth: usize,
) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err("jsonpath nesting too deep".into());
    }
    let mut i = 0;
    while i < segs.len() {
        let (is_expr, s) = &segs[i];
        if out.len() > MAX_OUTPUT {
            return Err("output too large".into());
        }
        if !is_expr {
            out.push_str(s);
            i += 1;
            continue;
        }
        let e = s.trim();
        if let Some(r) = e.strip_prefix("range ") {
            // Find the matching {end}.
            let mut level = 1;
            let mut j = i + 1;
            while j < segs.len() {
                if segs[j].0 {
                    let t = segs[j].1.trim();
                    if t.starts_with("range ") {
                        level += 1;
                    } else if t == "end" {
                        level -= 1;
                        if level == 0 {
                            break;
                        }
                    }
                }
                j += 1;
            }
            let body = &segs[i + 1..j.min(segs.len())];
            for item in jp_select(r, root, cur) {
                jp_run(body, root, item, out, depth + 1)?;
            }
            i = j + 1;
            continue;
        }
        if e == "end" {
            i += 1;
            continue;
        }
        if let Some(lit) = e.strip_prefix('"').and_then(|x| x.strip_suffix('"')) {
            out.push_str(&unescape(lit));
            i += 1;
            continue;
        }
        let vals = jp_select(e, root, cur);
        let texts: Vec<String> = vals.iter().map(|v| jp_text(v)).collect();
        out.push_str(&texts.join(" "));
        i += 1;
    }
    Ok(())
}

fn jp_text(v: &Value) -> String {
    match v {
        Value::Object(_) | Value::Array(_) => serde_json::to_string(v).unwrap_or_default(),
        other => scalar_text(other),
    }
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('"') => out.push('"'),
                Some('\\') => out.push('\\'),
                Some(o) => {
                    out.push('\\');
                    out.push(o)
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

// ---- Go templates --------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Node {
    Text(String),
    Action(String),
    Range {
        vars: Vec<String>,
        expr: String,
        body: Vec<Node>,
        else_: Vec<Node>,
    },
    If {
        expr: String,
        body: Vec<Node>,
        else_: Vec<Node>,
    },
}

fn gt_lex(t: &str) -> Result<Vec<(bool, String)>, String> {
    let mut out = Vec::new();
    let mut rest = t;
    while let Some(i) = rest.find("{{") {
        if i > 0 {
            out.push((false, rest[..i].to_string()));
        }
        let after = &rest[i + 2..];
        let Some(j) = after.find("}}") else {
            return Err("template: output:1: unclosed action".into());
        };
        let mut inner = after[..j].to_string();
        if inner.starts_with('-') {
            inner.remove(0);
            if let Some((false, prev)) = out.last_mut() {
                *prev = prev.trim_end().to_string();
            }
        }
        out.push((true, inner.trim().trim_end_matches('-').trim().to_string()));
        rest = &after[j + 2..];
    }
    if !rest.is_empty() {
        out.push((false, rest.to_string()));
    }
    Ok(out)
}

fn gt_parse(
    toks: &[(bool, String)],
    i: &mut usize,
    depth: usize,
) -> Result<(Vec<Node>, String), String> {
    if depth > MAX_DEPTH {
        return Err("template: nesting too deep".into());
    }
    let mut nodes = Vec::new();
    while *i < toks.len() {
        let (is_act, s) = &toks[*i];
        *i += 1;
        if !is_act {
            nodes.push(Node::Text(s.clone()));
            continue;
        }
        if s == "end" || s == "else" {
            return Ok((nodes, s.clone()));
        }
        if s.starts_with("/*") {
            continue;
        }
        if let Some(r) = s.strip_prefix("range ") {
            let (vars, expr) = match r.split_once(":=") {
                Some((vs, e)) => (
                    vs.split(',').map(|x| x.trim().to_string()).collect(),
                    e.trim().to_string(),
                ),
                None => (vec![], r.trim().to_string()),
            };
            let (body, term) = gt_parse(toks, i, depth + 1)?;
            let else_ = if term == "else" {
                gt_parse(toks, i, depth + 1)?.0
            } else {
                vec![]
            };
            nodes.push(Node::Range {
                vars,
                expr,
                body,
                else_,
            });
            continue;
        }
        if let Some(r) = s.strip_prefix("if ") {
            let (body, term) = gt_parse(toks, i, depth + 1)?;
            let else_ = if term == "else" {
                gt_parse(toks, i, depth + 1)?.0
            } else {
                vec![]
            };
            nodes.push(Node::If {
                expr: r.trim().to_string(),
                body,
                else_,
            });
            continue;
        }
        nodes.push(Node::Action(s.clone()));
    }
    Ok((nodes, String::new()))
}

struct Scope<'a> {
    dot: &'a Value,
    vars: Vec<(String, Value)>,
    root: &'a Value,
}

fn field_chain(v: &Value, chain: &str) -> Value {
    let mut cur = v.clone();
    for part in chain.split('.').filter(|p| !p.is_empty()) {
        cur = match cur.get(part) {
            Some(x) => x.clone(),
            None => return Value::Null,
        };
    }
    cur
}

fn gt_term(term: &str, sc: &Scope) -> Value {
    let t = term.trim();
    if let Some(s) = t.strip_prefix('"').and_then(|x| x.strip_suffix('"')) {
        return Value::String(unescape(s));
    }
    if let Ok(n) = t.parse::<i64>() {
        return Value::from(n);
    }
    if t == "." {
        return sc.dot.clone();
    }
    if let Some(chain) = t.strip_prefix('.') {
        return field_chain(sc.dot, chain);
    }
    if let Some(var) = t.strip_prefix('$') {
        let (name, chain) = match var.find('.') {
            Some(i) => (&var[..i], &var[i..]),
            None => (var, ""),
        };
        let base = if name.is_empty() {
            sc.root.clone()
        } else {
            sc.vars
                .iter()
                .rev()
                .find(|(n, _)| n == &format!("${name}"))
                .map(|(_, v)| v.clone())
                .unwrap_or(Value::Null)
        };
        return field_chain(&base, chain);
    }
    Value::Null
}

fn split_words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_q = false;
    for c in s.chars() {
        if c == '"' {
            in_q = !in_q;
        }
        if c.is_whitespace() && !in_q {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else {
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn gt_expr(expr: &str, sc: &Scope) -> Result<Value, String> {
    let words = split_words(expr);
    match words.first().map(String::as_str) {
        Some("index") => {
            let mut v = words.get(1).map(|w| gt_term(w, sc)).unwrap_or(Value::Null);
            for k in &words[2.min(words.len())..] {
                let key = gt_term(k, sc);
                v = match (&v, &key) {
                    (Value::Array(a), Value::Number(n)) => n
                        .as_u64()
                        .and_then(|i| a.get(i as usize))
                        .cloned()
                        .unwrap_or(Value::Null),
                    (Value::Object(m), Value::String(s)) => m.get(s).cloned().unwrap_or(Value::Null),
                    _ => {
                        return Err("template: output:1: error calling index: cannot index slice/array with nil".to_string())
                    }
                };
            }
            Ok(v)
        }
        Some("len") => {
            let v = words.get(1).map(|w| gt_term(w, sc)).unwrap_or(Value::Null);
            Ok(Value::from(match &v {
                Value::Array(a) => a.len(),
                Value::Object(m) => m.len(),
                Value::String(s) => s.len(),
                _ => 0,
            }))
        }
        Some("printf") => {
            let fmt = words.get(1).map(|w| gt_term(w, sc)).unwrap_or(Value::Null);
            let mut s = scalar_text(&fmt);
            for w in &words[2.min(words.len())..] {
                let val = scalar_text(&gt_term(w, sc));
                for pat in ["%s", "%v", "%d"] {
                    if let Some(i) = s.find(pat) {
                        s.replace_range(i..i + 2, &val);
                        break;
                    }
                }
            }
            Ok(Value::String(s))
        }
        Some(w) if words.len() == 1 => Ok(gt_term(w, sc)),
        Some(w) => Err(format!(
            "template: output:1: function \"{}\" not defined",
            w.trim_start_matches('.')
        )),
        None => Err("template: output:1: missing value for command".into()),
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => !m.is_empty(),
    }
}

fn gt_text(v: &Value) -> String {
    match v {
        Value::Null => "<no value>".into(),
        Value::Object(m) => format!(
            "map[{}]",
            m.iter()
                .map(|(k, v)| format!("{k}:{}", gt_text(v)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        Value::Array(a) => format!("[{}]", a.iter().map(gt_text).collect::<Vec<_>>().join(" ")),
        other => scalar_text(other),
    }
}

fn gt_exec(nodes: &[Node], sc: &mut Scope, out: &mut String, depth: usize) -> Result<(), String> {
    if depth > MAX_DEPTH || out.len() > MAX_OUTPUT {
        return Err("template: output too large".into());
    }
    for n in nodes {
        match n {
            Node::Text(t) => out.push_str(t),
            Node::Action(a) => {
                if let Some((var, e)) = a.split_once(":=") {
                    let v = gt_expr(e, sc)?;
                    sc.vars.push((var.trim().to_string(), v));
                } else {
                    out.push_str(&gt_text(&gt_expr(a, sc)?));
                }
            }
            Node::If { expr, body, else_ } => {
                let v = gt_expr(expr, sc)?;
                gt_exec(if truthy(&v) { body } else { else_ }, sc, out, depth + 1)?;
            }
            Node::Range {
                vars,
                expr,
                body,
                else_,
            } => {
                let v = gt_expr(expr, sc)?;
                let items: Vec<(Value, Value)> = match &v {
                    Value::Array(a) => a
                        .iter()
                        .enumerate()
                        .map(|(i, x)| (Value::from(i), x.clone()))
                        .collect(),
                    Value::Object(m) => m
                        .iter()
                        .map(|(k, x)| (Value::String(k.clone()), x.clone()))
                        .collect(),
                    Value::Null => vec![],
                    other => {
                        return Err(format!(
                            "template: output:1: range can't iterate over {}",
                            scalar_text(other)
                        ))
                    }
                };
                if items.is_empty() {
                    gt_exec(else_, sc, out, depth + 1)?;
                }
                for (k, x) in items {
                    let saved = sc.vars.len();
                    match vars.len() {
                        1 => sc.vars.push((vars[0].clone(), x.clone())),
                        2 => {
                            sc.vars.push((vars[0].clone(), k));
                            sc.vars.push((vars[1].clone(), x.clone()));
                        }
                        _ => {}
                    }
                    let mut inner = Scope {
                        dot: &x,
                        vars: std::mem::take(&mut sc.vars),
                        root: sc.root,
                    };
                    gt_exec(body, &mut inner, out, depth + 1)?;
                    sc.vars = inner.vars;
                    sc.vars.truncate(saved);
                }
            }
        }
    }
    Ok(())
}

/// kubectl `--template` / `-o go-template=` (no trailing newline), via the formats branch's
/// Go template engine.
pub fn go_template(tmpl: &str, root: &Value) -> Result<String, String> {
    crate::template::GoTemplate::parse(tmpl)
        .map_err(|e| e.to_string())?
        .execute(root)
        .map_err(|e| e.to_string())
}

/// The minimal evaluator this module started with.
#[allow(dead_code)]
fn go_template_minimal(tmpl: &str, root: &Value) -> Result<String, String> {
    let toks = gt_lex(tmpl)?;
    let mut i = 0;
    let (nodes, term) = gt_parse(&toks, &mut i, 0)?;
    if !term.is_empty() {
        return Err(format!("template: output:1: unexpected {{{{{term}}}}}"));
    }
    let mut out = String::new();
    let mut sc = Scope {
        dot: root,
        vars: vec![],
        root,
    };
    gt_exec(&nodes, &mut sc, &mut out, 0)?;
    Ok(out)
}

/// kubectl `-o custom-columns=NAME:.metadata.name,…`.
pub fn custom_columns(spec: &str, value: &Value) -> Result<String, String> {
    let mut cols = Vec::new();
    for part in spec.split(',') {
        let Some((h, p)) = part.split_once(':') else {
            return Err(format!(
                "unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"
            ));
        };
        cols.push((h.to_string(), p.to_string()));
    }
    let items: Vec<&Value> = match value.get("items").and_then(|i| i.as_array()) {
        Some(a) if value.get("kind").and_then(|k| k.as_str()) == Some("List") => a.iter().collect(),
        _ => vec![value],
    };
    let mut tw = TabWriter::kubectl();
    tw.write_row(&cols.iter().map(|(h, _)| h.clone()).collect::<Vec<_>>());
    for it in items {
        let row: Vec<String> = cols
            .iter()
            .map(|(_, p)| {
                let p = p.trim().trim_start_matches('{').trim_end_matches('}');
                let vals = jp_select(p, it, it);
                if vals.is_empty() {
                    "<none>".to_string()
                } else {
                    vals.iter()
                        .map(|v| jp_text(v))
                        .collect::<Vec<_>>()
                        .join(",")
                }
            })
            .collect();
        tw.write_row(&row);
    }
    Ok(tw.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tutorial_template() {
        let pod = json!({"spec": {"containers": [{"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.8"}]}});
        assert_eq!(
            go_template(
                "{{range $i, $c := .spec.containers}}{{$c.image}}{{end}}",
                &pod
            )
            .unwrap(),
            "registry.k8s.io/nginx-slim:0.8"
        );
        assert_eq!(go_template("{{.spec.x}}", &pod).unwrap(), "<no value>");
        assert!(go_template("{{index .spec.containers 0 | x}}", &pod).is_err());
    }

    #[test]
    fn jsonpath_basics() {
        let l = json!({"items": [{"metadata": {"name": "a"}}, {"metadata": {"name": "b"}}]});
        assert_eq!(jsonpath("{.items[*].metadata.name}", &l).unwrap(), "a b");
        assert_eq!(
            jsonpath("{range .items[*]}{.metadata.name}{\"\\n\"}{end}", &l).unwrap(),
            "a\nb\n"
        );
        assert_eq!(jsonpath("{.items[0].metadata.name}", &l).unwrap(), "a");
        assert_eq!(jsonpath("{.nope}", &l).unwrap(), "");
    }
}
