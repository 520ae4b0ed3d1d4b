//! Support for `harness_cluster.rs`: a reader for the block-YAML subset the tutorial's
//! manifests use (the model crate has no YAML dependency; kubectl's reader lives in another
//! crate), so the harness can start from `www/manifests/web.yaml` itself.

use serde_json::{Map, Number, Value};

/// Parses a multi-document manifest of block maps, block sequences (`- `, also at the parent
/// key's indentation), flow sequences of scalars (`[ "a", "b" ]`), quoted and plain scalars.
/// Anything else (anchors, block scalars, flow maps) is out of scope and returns `Err`.
pub fn parse_manifest(text: &str) -> Result<Vec<Value>, String> {
    let mut docs = Vec::new();
    let mut lines: Vec<(usize, String)> = Vec::new();
    for raw in text.lines().chain(std::iter::once("---")) {
        let trimmed = raw.trim_end();
        if trimmed == "---" {
            if !lines.is_empty() {
                let mut i = 0;
                let indent = lines[0].0;
                docs.push(block(&mut lines, &mut i, indent)?);
                if i != lines.len() {
                    return Err(format!("unparsed line: {:?}", lines[i].1));
                }
                lines.clear();
            }
            continue;
        }
        let content = trimmed.trim_start();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        lines.push((trimmed.len() - content.len(), content.to_string()));
    }
    Ok(docs)
}

fn block(lines: &mut [(usize, String)], i: &mut usize, indent: usize) -> Result<Value, String> {
    if lines[*i].1.starts_with("- ") || lines[*i].1 == "-" {
        sequence(lines, i, indent)
    } else {
        mapping(lines, i, indent)
    }
}

fn sequence(lines: &mut [(usize, String)], i: &mut usize, indent: usize) -> Result<Value, String> {
    let mut out = Vec::new();
    while *i < lines.len() && lines[*i].0 == indent && lines[*i].1.starts_with('-') {
        let rest = lines[*i].1[1..].trim_start().to_string();
        if rest.is_empty() {
            *i += 1;
            let inner = lines.get(*i).map_or(0, |l| l.0);
            if inner <= indent {
                out.push(Value::Null);
                continue;
            }
            out.push(block(lines, i, inner)?);
        } else if split_key(&rest).is_some() {
            // `- key: value` opens a mapping whose further keys sit two columns in.
            lines[*i] = (indent + 2, rest);
            out.push(mapping(lines, i, indent + 2)?);
        } else {
            out.push(scalar(&rest)?);
            *i += 1;
        }
    }
    Ok(Value::Array(out))
}

fn split_key(s: &str) -> Option<(&str, &str)> {
    if s.starts_with('"') || s.starts_with('[') {
        return None;
    }
    if let Some(k) = s.strip_suffix(':') {
        return Some((k, ""));
    }
    s.split_once(": ").map(|(k, v)| (k, v.trim()))
}

fn mapping(lines: &mut [(usize, String)], i: &mut usize, indent: usize) -> Result<Value, String> {
    let mut out = Map::new();
    while *i < lines.len() && lines[*i].0 == indent && !lines[*i].1.starts_with("- ") {
        let line = lines[*i].1.clone();
        let (k, v) = split_key(&line).ok_or_else(|| format!("not a mapping entry: {line:?}"))?;
        *i += 1;
        let value = if !v.is_empty() {
            scalar(v)?
        } else {
            match lines.get(*i) {
                Some((n, c)) if *n > indent || (*n == indent && c.starts_with("- ")) => {
                    let n = *n;
                    block(lines, i, n)?
                }
                _ => Value::Null,
            }
        };
        out.insert(k.to_string(), value);
    }
    Ok(Value::Object(out))
}

fn scalar(s: &str) -> Result<Value, String> {
    let s = s.trim();
    if let Some(inner) = s.strip_prefix('[') {
        let inner = inner
            .strip_suffix(']')
            .ok_or_else(|| format!("unterminated flow sequence {s:?}"))?;
        return inner
            .split(',')
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(scalar)
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array);
    }
    if let Some(q) = s.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        return Ok(Value::String(q.to_string()));
    }
    if let Some(q) = s.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
        return Ok(Value::String(q.to_string()));
    }
    if let Ok(n) = s.parse::<i64>() {
        return Ok(Value::Number(Number::from(n)));
    }
    Ok(match s {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        "null" | "~" => Value::Null,
        _ => Value::String(s.to_string()),
    })
}
