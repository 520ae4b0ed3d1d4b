//! Where things are in a manifest's text, for the editor's inline diagnostics: the position of
//! a YAML parse error (libyaml's problem mark) and the key a field path names
//! (`spec.template.spec.containers[0].image` → the `image:` key of the first container).
//!
//! Positions are 1-based lines and columns; columns count characters, as libyaml's marks do.

use super::libyaml::{Event, Mark, Parser};

/// A span of one line: 1-based line and column, and its length in characters (at least 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub line: usize,
    pub column: usize,
    pub len: usize,
}

impl Span {
    fn at(m: Mark, len: usize) -> Span {
        Span {
            line: m.line as usize + 1,
            column: m.column as usize + 1,
            len: len.max(1),
        }
    }
}

/// Most nesting the locator follows (deeper documents are already refused by the parser's
/// limits; this only keeps the walk bounded).
const MAX_DEPTH: usize = 200;
/// Most events the locator reads (a hostile document cannot make it slow).
const MAX_EVENTS: usize = 200_000;

/// Where libyaml fails on this document's text, if it does: the problem's position, the span
/// covering the token there.
pub fn parse_error_span(doc: &str) -> Option<Span> {
    let mut p = Parser::new(doc.as_bytes());
    for _ in 0..MAX_EVENTS {
        match p.next_marked() {
            Ok((Event::StreamEnd, _, _)) => return None,
            Ok(_) => {}
            Err(e) => return Some(Span::at(e.mark, token_len(doc, e.mark))),
        }
    }
    None
}

/// Characters of the token starting at `m` (up to whitespace), for the underline.
fn token_len(doc: &str, m: Mark) -> usize {
    let Some(line) = doc.split('\n').nth(m.line as usize) else {
        return 1;
    };
    line.chars()
        .skip(m.column as usize)
        .take_while(|c| !c.is_whitespace())
        .count()
}

/// One step of a Kubernetes field path.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Seg {
    Key(String),
    Index(usize),
}

/// `spec.containers[0].env[FOO]` → Key spec, Key containers, Index 0, Key env, Key FOO
/// (`field.Path`'s `String()`: children joined with `.`, indexes and map keys in brackets).
fn segments(path: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = path.chars();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                if !cur.is_empty() {
                    out.push(Seg::Key(std::mem::take(&mut cur)));
                }
            }
            '[' => {
                if !cur.is_empty() {
                    out.push(Seg::Key(std::mem::take(&mut cur)));
                }
                let inner: String = chars.by_ref().take_while(|c| *c != ']').collect();
                match inner.parse::<usize>() {
                    Ok(i) => out.push(Seg::Index(i)),
                    Err(_) => out.push(Seg::Key(inner)),
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(Seg::Key(cur));
    }
    out
}

/// A node of the document with the positions the locator needs.
enum Node {
    Scalar {
        start: Mark,
        len: usize,
    },
    Seq {
        start: Mark,
        items: Vec<Node>,
    },
    Map {
        start: Mark,
        entries: Vec<(String, Span, Node)>,
    },
    Other {
        start: Mark,
    },
}

impl Node {
    fn start(&self) -> Mark {
        match self {
            Node::Scalar { start, .. }
            | Node::Seq { start, .. }
            | Node::Map { start, .. }
            | Node::Other { start } => *start,
        }
    }
    fn span(&self) -> Span {
        match self {
            Node::Scalar { start, len } => Span::at(*start, *len),
            other => Span::at(other.start(), 1),
        }
    }
}

struct Reader {
    parser: Parser,
    events: usize,
}

impl Reader {
    fn next(&mut self) -> Option<(Event, Mark, Mark)> {
        self.events += 1;
        if self.events > MAX_EVENTS {
            return None;
        }
        self.parser.next_marked().ok()
    }

    /// Reads the node that `first` starts.
    fn node(&mut self, first: (Event, Mark, Mark), depth: usize) -> Option<Node> {
        let (ev, start, end) = first;
        if depth > MAX_DEPTH {
            return None;
        }
        Some(match ev {
            Event::Scalar { .. } => Node::Scalar {
                start,
                len: if end.line == start.line {
                    (end.column - start.column) as usize
                } else {
                    1
                },
            },
            Event::SequenceStart { .. } => {
                let mut items = Vec::new();
                loop {
                    let e = self.next()?;
                    if matches!(e.0, Event::SequenceEnd) {
                        break;
                    }
                    items.push(self.node(e, depth + 1)?);
                }
                Node::Seq { start, items }
            }
            Event::MappingStart { .. } => {
                let mut entries = Vec::new();
                loop {
                    let k = self.next()?;
                    if matches!(k.0, Event::MappingEnd) {
                        break;
                    }
                    let key_text = match &k.0 {
                        Event::Scalar { value, .. } => Some(value.clone()),
                        _ => None,
                    };
                    let key = self.node(k, depth + 1)?;
                    let v = self.next()?;
                    let value = self.node(v, depth + 1)?;
                    if let Some(text) = key_text {
                        entries.push((text, key.span(), value));
                    }
                }
                Node::Map { start, entries }
            }
            _ => Node::Other { start },
        })
    }
}

/// The span of the key of the deepest segment of `path` present in the document (for an
/// index, the item). `None` when not even the first segment is there or the text does not
/// parse.
pub fn field_span(doc: &str, path: &str) -> Option<Span> {
    let mut r = Reader {
        parser: Parser::new(doc.as_bytes()),
        events: 0,
    };
    let root = loop {
        let e = r.next()?;
        match e.0 {
            Event::StreamStart | Event::DocumentStart => continue,
            Event::StreamEnd | Event::DocumentEnd => return None,
            _ => break r.node(e, 0)?,
        }
    };
    let mut node = &root;
    let mut found = None;
    for seg in segments(path) {
        let next = match (seg, node) {
            (Seg::Key(k), Node::Map { entries, .. }) => entries
                .iter()
                .rev() // a repeated key: the last one wins, as in the decoded object
                .find(|(name, _, _)| *name == k)
                .map(|(_, span, v)| (*span, v)),
            (Seg::Index(i), Node::Seq { items, .. }) => items.get(i).map(|v| (v.span(), v)),
            _ => None,
        };
        match next {
            Some((span, v)) => {
                found = Some(span);
                node = v;
            }
            None => break,
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const WEB: &str = "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.8
        ports:
        - containerPort: 80
          name: web
";

    type At = Option<(usize, usize, usize)>;

    fn at(s: Option<Span>) -> At {
        s.map(|s| (s.line, s.column, s.len))
    }

    #[test]
    fn field_paths_point_at_their_keys() {
        let cases: &[(&str, At)] = &[
            ("metadata.name", Some((4, 3, 4))),
            ("spec.template.spec.containers[0].image", Some((10, 9, 5))),
            (
                "spec.template.spec.containers[0].ports[0].name",
                Some((13, 11, 4)),
            ),
            (
                "spec.template.spec.containers[0].ports[0]",
                Some((12, 11, 1)),
            ),
            // Missing tails fall back to the deepest key that is there.
            ("spec.template.spec.containers[0].imagee", Some((9, 9, 1))),
            ("spec.selector", Some((5, 1, 4))),
            ("status", None),
        ];
        for (path, want) in cases {
            assert_eq!(at(field_span(WEB, path)), *want, "{path}");
        }
    }

    #[test]
    fn segments_follow_field_path_syntax() {
        assert_eq!(
            segments("metadata.labels[app.kubernetes.io/name]"),
            vec![
                Seg::Key("metadata".into()),
                Seg::Key("labels".into()),
                Seg::Key("app.kubernetes.io/name".into())
            ]
        );
        assert_eq!(
            segments("a[0][1].b"),
            vec![
                Seg::Key("a".into()),
                Seg::Index(0),
                Seg::Index(1),
                Seg::Key("b".into())
            ]
        );
    }

    #[test]
    fn parse_errors_have_columns() {
        let cases: &[(&str, Option<(usize, usize)>)] = &[
            ("a: b: c\n", Some((1, 5))),
            ("a:\n  b: [1, 2\n", Some((3, 1))),
            ("a: 1\n\tb: 2\n", Some((2, 1))),
            ("a: 1\n", None),
        ];
        for (doc, want) in cases {
            assert_eq!(
                parse_error_span(doc).map(|s| (s.line, s.column)),
                *want,
                "{doc:?}"
            );
        }
    }
}
