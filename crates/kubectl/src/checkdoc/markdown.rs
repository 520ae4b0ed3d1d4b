//! The Markdown side of check-doc: fenced code blocks (with their line numbers and byte ranges,
//! for `--fix`), check-doc directives, and the classification of a block's lines into commands
//! and output.

use crate::shell::{Accumulator, Dialect, Input};
use std::ops::Range;

/// One line of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 1-based line number in the file.
    pub no: usize,
    /// The text without its line ending.
    pub text: String,
    /// Byte range of the text plus its line ending.
    pub range: Range<usize>,
}

/// A fenced code block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeBlock {
    /// Line number of the opening fence.
    pub fence_line: usize,
    /// The info string with Liquid tags (`{% raw %}`) removed, lower-cased: `shell`, `yaml`, ``.
    pub lang: String,
    /// The content lines (between the fences).
    pub lines: Vec<Line>,
    /// Byte offset where the content starts (just after the opening fence's line ending).
    pub content_start: usize,
}

/// A `<!-- check-doc: … -->` directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Directive {
    /// `run CMD`: a hidden command (setup the reader would do; its output is not compared).
    Run(String),
    /// `skip`: the next code block is neither run nor compared.
    Skip,
    /// Anything else: reported as an error.
    Unknown(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Block(CodeBlock),
    Directive { line: usize, directive: Directive },
}

/// Splits `text` into lines with their byte ranges.
pub fn lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut no = 1;
    while start < text.len() {
        let end = match bytes[start..].iter().position(|&b| b == b'\n') {
            Some(i) => start + i + 1,
            None => text.len(),
        };
        let raw = &text[start..end];
        let t = raw.strip_suffix('\n').unwrap_or(raw);
        let t = t.strip_suffix('\r').unwrap_or(t);
        out.push(Line {
            no,
            text: t.to_string(),
            range: start..end,
        });
        no += 1;
        start = end;
    }
    out
}

/// Removes Liquid tags (`{% raw %}`, `{% endraw %}`) from a line.
fn strip_liquid(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("{%") {
        out.push_str(&rest[..i]);
        match rest[i..].find("%}") {
            Some(j) => rest = &rest[i + j + 2..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// `(fence char, fence length, info)` if the line opens/closes a fence.
fn fence(line: &str) -> Option<(char, usize, String)> {
    let s = strip_liquid(line);
    let t = s.trim_start();
    let c = t.chars().next()?;
    if c != '`' && c != '~' {
        return None;
    }
    let n = t.chars().take_while(|&x| x == c).count();
    if n < 3 {
        return None;
    }
    let info = t[n..].trim().to_string();
    if c == '`' && info.contains('`') {
        return None;
    }
    Some((c, n, info))
}

/// Parses the document into code blocks and directives, in order. An unclosed fence runs to
/// the end of the file (CommonMark).
pub fn parse(text: &str) -> Vec<Item> {
    let all = lines(text);
    let mut items = Vec::new();
    let mut i = 0;
    while i < all.len() {
        let l = &all[i];
        if let Some((c, n, info)) = fence(&l.text) {
            let lang = info
                .split(|ch: char| ch.is_whitespace() || ch == '{' || ch == ',')
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            let mut j = i + 1;
            let mut content = Vec::new();
            while j < all.len() {
                if let Some((c2, n2, info2)) = fence(&all[j].text) {
                    if c2 == c && n2 >= n && info2.is_empty() {
                        break;
                    }
                }
                content.push(all[j].clone());
                j += 1;
            }
            items.push(Item::Block(CodeBlock {
                fence_line: l.no,
                lang,
                lines: content,
                content_start: l.range.end,
            }));
            i = j + 1;
            continue;
        }
        if let Some(d) = directive(&l.text) {
            items.push(Item::Directive {
                line: l.no,
                directive: d,
            });
        }
        i += 1;
    }
    items
}

fn directive(line: &str) -> Option<Directive> {
    let t = line.trim();
    let body = t.strip_prefix("<!--")?.strip_suffix("-->")?.trim();
    let rest = body.strip_prefix("check-doc:")?.trim();
    Some(if let Some(cmd) = rest.strip_prefix("run ") {
        Directive::Run(cmd.trim().to_string())
    } else if rest == "skip" {
        Directive::Skip
    } else {
        Directive::Unknown(rest.to_string())
    })
}

/// Languages whose blocks hold commands.
pub fn is_shell_lang(lang: &str) -> bool {
    matches!(
        lang,
        "shell" | "sh" | "bash" | "console" | "terminal" | "zsh" | "shell-session"
    )
}

/// Programs a tutorial runs, in the learner's terminal or in a pod's shell: a line starting
/// with one of these is a command, anything else in a shell block is output.
const COMMAND_WORDS: &[&str] = &[
    "kubectl", "sim", "for", "while", "until", "if", "echo", "printf", "sleep", "cat", "export",
    "cd", "ls", "nslookup", "curl", "wget", "hostname", "exit", "sh", "bash", "grep", "head",
    "tail", "wc", "sort", "watch", "dig", "host", "ping", "env", "ps", "id", "whoami", "date",
    "uname", "pwd", "touch", "mkdir", "rm", "cp", "mv", "chmod", "test", "true", "false", "set",
    "unset", "source", "alias", "clear", "minikube", "kind", "helm", "ordinal",
];

/// The first word of a command line, after a pasted `$` prompt.
pub fn first_word(line: &str) -> &str {
    let t = line.trim_start();
    let t = t.strip_prefix('$').map(str::trim_start).unwrap_or(t);
    t.split(|c: char| c.is_whitespace() || c == ';')
        .next()
        .unwrap_or("")
}

/// Does this line start a command (not output)?
pub fn looks_like_command(line: &str) -> bool {
    let w = first_word(line);
    if COMMAND_WORDS.contains(&w) {
        return true;
    }
    // `NAME=value cmd`, `./script.sh`
    if let Some((name, _)) = w.split_once('=') {
        return !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    }
    w.starts_with("./")
}

/// Does the block hold only commands (and comments, blank lines, continuation lines)?
pub fn is_command_only(block: &CodeBlock) -> bool {
    let mut acc = Accumulator::new(Dialect::Bash);
    let mut any = false;
    for l in &block.lines {
        let t = l.text.trim();
        if acc.is_continuing() {
            let _ = acc.push_line(&l.text);
            continue;
        }
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if t.starts_with('$') || !looks_like_command(t) {
            return false;
        }
        any = true;
        let _ = acc.push_line(&l.text);
    }
    any
}

/// A command (one or more lines: loops, heredocs, trailing `\`) and the output lines the doc
/// shows after it.
#[derive(Debug, Clone)]
pub struct Segment {
    /// The command's lines as written (a leading `$` prompt removed from the first).
    pub cmd: Vec<Line>,
    /// Output lines up to the next command (blank lines included).
    pub output: Vec<Line>,
}

/// Splits a block into segments. Output lines before the first command (a current-style output
/// block) land in `lead`. `pod_shell`: lines typed into a shell in a pod count as commands
/// even inside an output block (the current tutorial writes `nslookup web-1.nginx` into the
/// output of `nslookup web-0.nginx`).
pub fn segments(lines: &[Line], output_block: bool, pod_shell: bool) -> (Vec<Line>, Vec<Segment>) {
    let prompt_style = !output_block && lines.iter().any(|l| l.text.trim_start().starts_with('$'));
    let mut lead = Vec::new();
    let mut segs: Vec<Segment> = Vec::new();
    let mut acc = Accumulator::new(Dialect::Bash);
    for l in lines {
        if acc.is_continuing() {
            if let Some(s) = segs.last_mut() {
                s.cmd.push(l.clone());
            }
            if !matches!(acc.push_line(&l.text), Input::Incomplete(_)) {
                acc.reset();
            }
            continue;
        }
        let t = l.text.trim_start();
        let is_cmd = if output_block {
            pod_shell
                && (t.starts_with("/ # ") || (looks_like_command(t) && !t.contains("kubectl")))
        } else if prompt_style {
            t.starts_with('$') && t.len() > 1
                || segs.is_empty() && lead.is_empty() && looks_like_command(t)
        } else {
            looks_like_command(t) || t.starts_with('#') && segs.is_empty() && lead.is_empty()
        };
        if is_cmd {
            let text = t
                .strip_prefix("/ # ")
                .or_else(|| t.strip_prefix('$'))
                .map(str::trim_start)
                .unwrap_or(t);
            let cmd_line = Line {
                no: l.no,
                text: text.to_string(),
                range: l.range.clone(),
            };
            if !text.starts_with('#') {
                if let Input::Incomplete(_) = acc.push_line(text) {
                } else {
                    acc.reset();
                }
            }
            match segs.last_mut() {
                // Comments before the first command belong to it.
                Some(s) if s.output.is_empty() && s.cmd.iter().all(|c| c.text.starts_with('#')) => {
                    s.cmd.push(cmd_line)
                }
                _ => segs.push(Segment {
                    cmd: vec![cmd_line],
                    output: Vec::new(),
                }),
            }
        } else if let Some(s) = segs.last_mut() {
            s.output.push(l.clone());
        } else {
            lead.push(l.clone());
        }
    }
    (lead, segs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_with_liquid_tags() {
        let doc = "x\n```shell{% raw %}\n$ echo hi\nhi\n{% endraw %}```\n```\nplain\n```\n";
        let items = parse(doc);
        assert_eq!(items.len(), 2);
        let Item::Block(b) = &items[0] else { panic!() };
        assert_eq!(b.lang, "shell");
        assert_eq!(b.fence_line, 2);
        assert_eq!(b.lines.len(), 2);
        let Item::Block(b) = &items[1] else { panic!() };
        assert_eq!(b.lang, "");
        assert_eq!(b.lines[0].text, "plain");
    }

    #[test]
    fn prompt_style_segments() {
        let doc = "$ for i in 0 1; do\n  kubectl exec web-$i -- x;\ndone\n\n$kubectl get po\nNAME\nweb-0\n";
        let ls = lines(doc);
        let (lead, segs) = segments(&ls, false, false);
        assert!(lead.is_empty());
        assert_eq!(segs.len(), 2);
        assert_eq!(segs[0].cmd.len(), 3);
        assert_eq!(segs[0].output.len(), 1); // the blank line
        assert_eq!(segs[1].cmd[0].text, "kubectl get po");
        assert_eq!(segs[1].output.len(), 2);
    }

    #[test]
    fn unprompted_command_then_output() {
        let ls = lines("kubectl get pods -l app=nginx\nNAME      READY\nweb-0     1/1\n");
        let (_, segs) = segments(&ls, false, false);
        assert_eq!(segs.len(), 1);
        assert_eq!(segs[0].output.len(), 2);
    }

    #[test]
    fn pod_commands_inside_output_blocks() {
        let ls = lines("Server:    10.0.0.10\n\nnslookup web-1.nginx\nServer:    10.0.0.10\n");
        let (lead, segs) = segments(&ls, true, true);
        assert_eq!(lead.len(), 2);
        assert_eq!(segs.len(), 1);
        assert_eq!(segs[0].cmd[0].text, "nslookup web-1.nginx");
        let (lead, segs) = segments(&ls, true, false);
        assert_eq!(lead.len(), 4);
        assert!(segs.is_empty());
    }

    #[test]
    fn directives() {
        let items =
            parse("<!-- check-doc: run kubectl create -f web.yaml -->\n<!-- check-doc: skip -->\n");
        assert_eq!(
            items,
            vec![
                Item::Directive {
                    line: 1,
                    directive: Directive::Run("kubectl create -f web.yaml".into())
                },
                Item::Directive {
                    line: 2,
                    directive: Directive::Skip
                }
            ]
        );
    }
}
