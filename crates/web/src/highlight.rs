//! YAML syntax highlighting for the editor's overlay: one line in, text spans out (text nodes
//! only, never HTML). A line scanner, not a parser: the overlay only colours what it can see.

use leptos::prelude::*;

/// The token classes of one line, as (class, text) pieces that concatenate to the line.
pub fn tokens(line: &str) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = Vec::new();
    let (code, comment) = split_comment(line);
    let indent_len = code.len() - code.trim_start().len();
    let mut rest = &code[indent_len..];
    if indent_len > 0 {
        out.push(("", code[..indent_len].to_string()));
    }
    if rest.starts_with("---") || rest.starts_with("...") {
        out.push(("hl-doc", rest.to_string()));
        rest = "";
    }
    while let Some(r) = rest.strip_prefix("- ") {
        out.push(("hl-punct", "- ".into()));
        rest = r;
    }
    if let Some(i) = key_end(rest) {
        out.push(("hl-key", rest[..i].to_string()));
        out.push(("hl-punct", ":".into()));
        rest = &rest[i + 1..];
    }
    if !rest.is_empty() {
        let v = rest.trim();
        let class = if v.starts_with('"') || v.starts_with('\'') {
            "hl-str"
        } else if v.parse::<f64>().is_ok() || matches!(v, "true" | "false" | "null" | "~") {
            "hl-lit"
        } else if v.starts_with('&') || v.starts_with('*') || v.starts_with('!') {
            "hl-anchor"
        } else {
            "hl-val"
        };
        out.push((class, rest.to_string()));
    }
    if !comment.is_empty() {
        out.push(("hl-comment", comment.to_string()));
    }
    out
}

/// Where a `key:` ends (the colon), if the line starts with a plain or quoted key.
fn key_end(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut quote: Option<u8> = None;
    for (i, &b) in bytes.iter().enumerate() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if (b == b'"' || b == b'\'') && i == 0 => quote = Some(b),
            None if b == b':' && (i + 1 == bytes.len() || bytes[i + 1] == b' ') => {
                return (i > 0).then_some(i)
            }
            None if b == b'{' || b == b'[' || b == b'#' => return None,
            None => {}
        }
    }
    None
}

/// Splits off a `#` comment that is not inside quotes.
fn split_comment(line: &str) -> (&str, &str) {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && (prev == ' ' || prev == '\t' || i == 0) => {
                return (&line[..i], &line[i..])
            }
            None => {}
        }
        prev = c;
    }
    (line, "")
}

/// The overlay's spans for one line (a trailing space keeps empty lines one line tall).
pub fn line(l: &str) -> impl IntoView {
    let mut t = tokens(l);
    if t.is_empty() {
        t.push(("", " ".into()));
    }
    t.into_iter()
        .map(|(class, text)| view! { <span class=class>{text}</span> })
        .collect_view()
}

/// Splits the line's tokens so that the characters in each mark (1-based column, length)
/// form their own pieces, flagged `true`; what the pieces say is unchanged.
pub fn marked_tokens(line: &str, marks: &[(usize, usize)]) -> Vec<(&'static str, String, bool)> {
    let inside = |i: usize| {
        marks
            .iter()
            .any(|(c, n)| i + 1 >= *c && i + 1 < c + (*n).max(1))
    };
    let mut out: Vec<(&'static str, String, bool)> = Vec::new();
    let mut i = 0usize; // character index in the line
    for (class, text) in tokens(line) {
        for ch in text.chars() {
            let m = inside(i);
            match out.last_mut() {
                Some((c, t, was)) if *c == class && *was == m => t.push(ch),
                _ => out.push((class, ch.to_string(), m)),
            }
            i += 1;
        }
    }
    // A mark past the end of the line (a missing value, end of input) marks one space.
    if marks.iter().any(|(c, _)| *c > i) {
        out.push(("", " ".into(), true));
    }
    out
}

/// The overlay's spans for one line, with diagnostic marks underlined (text nodes only).
pub fn line_marked(l: &str, marks: &[(usize, usize)]) -> impl IntoView {
    if marks.is_empty() {
        return line(l).into_any();
    }
    marked_tokens(l, marks)
        .into_iter()
        .map(|(class, text, m)| {
            let class = if m {
                format!("{class} hl-diag")
            } else {
                class.to_string()
            };
            view! { <span class=class>{text}</span> }
        })
        .collect_view()
        .into_any()
}
