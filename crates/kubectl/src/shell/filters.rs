//! Text filters any [`Host`] can offer by delegating to [`spawn_text_filter`]: `grep`, `head`,
//! `tail`, `wc`, `sort`, `uniq`, `cat`, `tr`. They read their file arguments through the host, or
//! stdin (waiting until it is closed), then print and finish. Messages and exit codes follow GNU
//! coreutils/grep.

use super::exec::resolve_path;
use super::host::{CommandCtx, Host, Task, TaskIo, TaskPoll};
use std::cell::Cell;

/// A filter task for `argv`, or `None` if `argv[0]` is not a filter.
pub fn spawn_text_filter(argv: &[String], ctx: &CommandCtx) -> Option<Box<dyn Task>> {
    match argv[0].as_str() {
        "grep" | "egrep" | "fgrep" | "head" | "tail" | "wc" | "sort" | "uniq" | "cat" | "tr" => {
            Some(Box::new(Filter {
                argv: argv.to_vec(),
                cwd: ctx.cwd.clone(),
            }))
        }
        _ => None,
    }
}

struct Filter {
    argv: Vec<String>,
    cwd: String,
}

/// Where a filter's input comes from.
enum Source {
    Stdin,
    File(String),
}

struct Out {
    stdout: String,
    stderr: String,
}

impl Task for Filter {
    fn poll(&mut self, host: &mut dyn Host, io: &mut TaskIo) -> TaskPoll {
        let cmd = self.argv[0].clone();
        let parsed = match cmd.as_str() {
            "grep" | "egrep" | "fgrep" => parse_grep(&self.argv),
            _ => parse_simple(&self.argv),
        };
        let job = match parsed {
            Ok(j) => j,
            Err((msg, code)) => {
                io.eprint(msg);
                return TaskPoll::Done(code);
            }
        };
        let needs_stdin = job.sources.iter().any(|s| matches!(s, Source::Stdin));
        if needs_stdin && !io.stdin_closed {
            // Streaming is not needed for the tutorials: wait for EOF (a pipe's left side is
            // complete before the right side runs).
            return TaskPoll::Pending { wake_at_ms: None };
        }
        let stdin = std::mem::take(&mut io.stdin);
        let mut inputs: Vec<(String, Result<String, String>)> = Vec::new();
        for s in &job.sources {
            match s {
                Source::Stdin => inputs.push(("(standard input)".into(), Ok(stdin.clone()))),
                Source::File(f) => {
                    let r = host.read_file(&resolve_path(&self.cwd, f));
                    inputs.push((f.clone(), r));
                }
            }
        }
        let mut o = Out {
            stdout: String::new(),
            stderr: String::new(),
        };
        let code = run(&cmd, &job, &inputs, &mut o);
        io.print(o.stdout);
        io.eprint(o.stderr);
        TaskPoll::Done(code)
    }
}

#[derive(Default)]
struct Opts {
    flags: Vec<char>,
    n: Option<i64>,
    /// tail -n +K
    from_start: bool,
    key: Option<usize>,
    patterns: Vec<String>,
    set1: String,
    set2: String,
}

struct FJob {
    opts: Opts,
    sources: Vec<Source>,
}

fn has(o: &Opts, c: char) -> bool {
    o.flags.contains(&c)
}

fn usage_err(cmd: &str, msg: String) -> (String, i32) {
    let code = if cmd == "grep" { 2 } else { 1 };
    (
        format!("{msg}\nTry '{cmd} --help' for more information.\n"),
        code,
    )
}

fn parse_count(cmd: &str, v: &str, what: &str) -> Result<(i64, bool), (String, i32)> {
    let (plus, digits) = match v.strip_prefix('+') {
        Some(d) => (true, d),
        None => (false, v.strip_prefix('-').unwrap_or(v)),
    };
    match digits.parse::<i64>() {
        Ok(n) => Ok((n, plus)),
        Err(_) => Err((format!("{cmd}: invalid number of {what}: '{v}'\n"), 1)),
    }
}

/// Options for head/tail/wc/sort/uniq/cat/tr.
fn parse_simple(argv: &[String]) -> Result<FJob, (String, i32)> {
    let cmd = argv[0].as_str();
    let mut o = Opts::default();
    let mut files = Vec::new();
    let mut i = 1;
    let mut operands_only = false;
    while i < argv.len() {
        let a = &argv[i];
        i += 1;
        if operands_only || a == "-" || !a.starts_with('-') {
            files.push(a.clone());
            continue;
        }
        if a == "--" {
            operands_only = true;
            continue;
        }
        if let Some(long) = a.strip_prefix("--") {
            let (name, val) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            match (cmd, name) {
                ("head" | "tail", "lines") => {
                    let v = match val {
                        Some(v) => v,
                        None => argv.get(i).cloned().inspect(|_| i += 1).unwrap_or_default(),
                    };
                    let (n, plus) = parse_count(cmd, &v, "lines")?;
                    o.n = Some(n);
                    o.from_start = plus;
                }
                ("wc", "lines") => o.flags.push('l'),
                ("wc", "words") => o.flags.push('w'),
                ("wc", "bytes") => o.flags.push('c'),
                ("sort", "reverse") => o.flags.push('r'),
                ("sort", "numeric-sort") => o.flags.push('n'),
                ("sort", "unique") => o.flags.push('u'),
                ("uniq", "count") => o.flags.push('c'),
                _ => {
                    return Err(usage_err(cmd, format!("{cmd}: unrecognized option '{a}'")));
                }
            }
            continue;
        }
        let chars: Vec<char> = a[1..].chars().collect();
        // head -5 / tail -5
        if matches!(cmd, "head" | "tail") && chars.iter().all(|c| c.is_ascii_digit()) {
            o.n = Some(a[1..].parse().unwrap_or(10));
            continue;
        }
        let mut j = 0;
        while j < chars.len() {
            let c = chars[j];
            j += 1;
            let takes_value = matches!(
                (cmd, c),
                ("head" | "tail", 'n') | ("sort", 'k') | ("sort", 't')
            );
            if takes_value {
                let v: String = if j < chars.len() {
                    let v = chars[j..].iter().collect();
                    j = chars.len();
                    v
                } else if i < argv.len() {
                    i += 1;
                    argv[i - 1].clone()
                } else {
                    return Err(usage_err(
                        cmd,
                        format!("{cmd}: option requires an argument -- '{c}'"),
                    ));
                };
                match c {
                    'n' => {
                        let (n, plus) = parse_count(cmd, &v, "lines")?;
                        o.n = Some(n);
                        o.from_start = plus;
                    }
                    'k' => {
                        let field = v.split([',', '.']).next().unwrap_or("");
                        match field.parse::<usize>() {
                            Ok(k) if k > 0 => o.key = Some(k),
                            _ => return Err((format!("sort: invalid number at field start: invalid count at start of '{v}'\n"), 2)),
                        }
                    }
                    _ => {}
                }
                continue;
            }
            let allowed = match cmd {
                "head" | "tail" => "qv",
                "wc" => "lwcm",
                "sort" => "rnufb",
                "uniq" => "cdiu",
                "cat" => "nAeEtTvsbu",
                "tr" => "ds",
                _ => "",
            };
            if !allowed.contains(c) {
                return Err(usage_err(cmd, format!("{cmd}: invalid option -- '{c}'")));
            }
            o.flags.push(c);
        }
    }
    if cmd == "tr" {
        let need = if has(&o, 'd') && !has(&o, 's') { 1 } else { 2 };
        if files.is_empty() {
            return Err(usage_err(cmd, "tr: missing operand".into()));
        }
        if files.len() < need {
            return Err(usage_err(
                cmd,
                format!("tr: missing operand after '{}'", files[0]),
            ));
        }
        o.set1 = expand_tr_set(&files[0]);
        o.set2 = files.get(1).map(|s| expand_tr_set(s)).unwrap_or_default();
        return Ok(FJob {
            opts: o,
            sources: vec![Source::Stdin],
        });
    }
    let sources = if files.is_empty() {
        vec![Source::Stdin]
    } else {
        files
            .into_iter()
            .map(|f| {
                if f == "-" {
                    Source::Stdin
                } else {
                    Source::File(f)
                }
            })
            .collect()
    };
    Ok(FJob { opts: o, sources })
}

fn parse_grep(argv: &[String]) -> Result<FJob, (String, i32)> {
    let mut o = Opts::default();
    match argv[0].as_str() {
        "egrep" => o.flags.push('E'),
        "fgrep" => o.flags.push('F'),
        _ => {}
    }
    let mut operands = Vec::new();
    let mut i = 1;
    let mut only_operands = false;
    while i < argv.len() {
        let a = &argv[i];
        i += 1;
        if only_operands || a == "-" || !a.starts_with('-') {
            operands.push(a.clone());
            continue;
        }
        if a == "--" {
            only_operands = true;
            continue;
        }
        if let Some(long) = a.strip_prefix("--") {
            let (name, val) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let f = match name {
                "ignore-case" => 'i',
                "invert-match" => 'v',
                "count" => 'c',
                "word-regexp" => 'w',
                "line-regexp" => 'x',
                "line-number" => 'n',
                "quiet" | "silent" => 'q',
                "extended-regexp" => 'E',
                "fixed-strings" => 'F',
                "only-matching" => 'o',
                "regexp" => {
                    let v = match val {
                        Some(v) => v,
                        None if i < argv.len() => {
                            i += 1;
                            argv[i - 1].clone()
                        }
                        None => {
                            return Err(usage_err(
                                "grep",
                                "grep: option '--regexp' requires an argument".into(),
                            ))
                        }
                    };
                    o.patterns.push(v);
                    continue;
                }
                _ => {
                    return Err(usage_err(
                        "grep",
                        format!("grep: unrecognized option '{a}'"),
                    ))
                }
            };
            o.flags.push(f);
            continue;
        }
        let chars: Vec<char> = a[1..].chars().collect();
        let mut j = 0;
        while j < chars.len() {
            let c = chars[j];
            j += 1;
            if c == 'e' {
                let v: String = if j < chars.len() {
                    let v = chars[j..].iter().collect();
                    j = chars.len();
                    v
                } else if i < argv.len() {
                    i += 1;
                    argv[i - 1].clone()
                } else {
                    return Err(usage_err(
                        "grep",
                        "grep: option requires an argument -- 'e'".into(),
                    ));
                };
                o.patterns.push(v);
                continue;
            }
            if !"ivcwxnqEFGohHs".contains(c) {
                return Err(usage_err("grep", format!("grep: invalid option -- '{c}'")));
            }
            o.flags.push(c);
        }
    }
    if o.patterns.is_empty() {
        if operands.is_empty() {
            return Err((
                "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n".into(),
                2,
            ));
        }
        o.patterns.push(operands.remove(0));
    }
    let sources = if operands.is_empty() {
        vec![Source::Stdin]
    } else {
        operands
            .into_iter()
            .map(|f| {
                if f == "-" {
                    Source::Stdin
                } else {
                    Source::File(f)
                }
            })
            .collect()
    };
    Ok(FJob { opts: o, sources })
}

fn lines_of(s: &str) -> Vec<&str> {
    let mut v: Vec<&str> = s.split('\n').collect();
    if s.ends_with('\n') || s.is_empty() {
        v.pop();
    }
    v
}

fn run(cmd: &str, job: &FJob, inputs: &[(String, Result<String, String>)], o: &mut Out) -> i32 {
    let opts = &job.opts;
    let mut status = 0;
    let mut texts: Vec<(&str, &str)> = Vec::new();
    let shown = if cmd == "egrep" || cmd == "fgrep" {
        "grep"
    } else {
        cmd
    };
    for (name, r) in inputs {
        match r {
            Ok(t) => texts.push((name.as_str(), t.as_str())),
            Err(e) => {
                o.stderr.push_str(&format!("{shown}: {name}: {e}\n"));
                status = if shown == "grep" { 2 } else { 1 };
            }
        }
    }
    match shown {
        "cat" => {
            for (_, t) in &texts {
                o.stdout.push_str(t);
            }
            status
        }
        "head" | "tail" => {
            let many = texts.len() > 1;
            for (k, (name, t)) in texts.iter().enumerate() {
                if many {
                    if k > 0 {
                        o.stdout.push('\n');
                    }
                    o.stdout.push_str(&format!("==> {name} <==\n"));
                }
                let lines = lines_of(t);
                let n = opts.n.unwrap_or(10);
                let sel: Vec<&str> = if shown == "head" {
                    if n >= 0 {
                        lines.iter().take(n as usize).copied().collect()
                    } else {
                        let keep = lines.len().saturating_sub(n.unsigned_abs() as usize);
                        lines[..keep].to_vec()
                    }
                } else if opts.from_start {
                    lines
                        .iter()
                        .skip((n.max(1) - 1) as usize)
                        .copied()
                        .collect()
                } else {
                    let skip = lines.len().saturating_sub(n.unsigned_abs() as usize);
                    lines[skip..].to_vec()
                };
                let trailing_nl = t.ends_with('\n');
                for (idx, l) in sel.iter().enumerate() {
                    o.stdout.push_str(l);
                    let is_last_line_of_input =
                        shown == "tail" && idx + 1 == sel.len() && !trailing_nl;
                    let head_last = shown == "head" && idx + 1 == lines.len() && !trailing_nl;
                    if !(is_last_line_of_input || head_last) {
                        o.stdout.push('\n');
                    }
                }
            }
            status
        }
        "wc" => {
            let (mut tl, mut tw, mut tc) = (0usize, 0usize, 0usize);
            let mut rows = Vec::new();
            for (name, t) in &texts {
                let l = t.matches('\n').count();
                let w = t.split_whitespace().count();
                let c = t.len();
                tl += l;
                tw += w;
                tc += c;
                rows.push((l, w, c, *name));
            }
            if texts.len() > 1 {
                rows.push((tl, tw, tc, "total"));
            }
            let sel: Vec<char> = ['l', 'w', 'c']
                .into_iter()
                .filter(|c| has(opts, *c) || (*c == 'c' && has(opts, 'm')))
                .collect();
            let sel = if sel.is_empty() {
                vec!['l', 'w', 'c']
            } else {
                sel
            };
            let stdin_only = matches!(job.sources.as_slice(), [Source::Stdin]);
            // GNU wc: width 7 when reading stdin with several counts, else the widest count.
            let maxv = rows
                .iter()
                .map(|r| r.0.max(r.1).max(r.2))
                .max()
                .unwrap_or(0);
            let width = if sel.len() == 1 && rows.len() == 1 {
                0
            } else if stdin_only {
                7
            } else {
                maxv.to_string().len()
            };
            for (l, w, c, name) in rows {
                let vals: Vec<String> = sel
                    .iter()
                    .map(|k| {
                        let v = match k {
                            'l' => l,
                            'w' => w,
                            _ => c,
                        };
                        format!("{v:>width$}")
                    })
                    .collect();
                o.stdout.push_str(&vals.join(" "));
                if !stdin_only {
                    o.stdout.push(' ');
                    o.stdout.push_str(name);
                }
                o.stdout.push('\n');
            }
            status
        }
        "sort" => {
            let mut lines: Vec<&str> = texts.iter().flat_map(|(_, t)| lines_of(t)).collect();
            let key = |l: &str| -> String {
                match opts.key {
                    Some(k) => l
                        .split_whitespace()
                        .skip(k - 1)
                        .collect::<Vec<_>>()
                        .join(" "),
                    None => l.to_string(),
                }
            };
            let numeric = has(opts, 'n');
            ordinal_model::sort::sort_by(&mut lines, |a, b| {
                let (ka, kb) = (key(a), key(b));
                let ord = if numeric {
                    let na = leading_number(&ka);
                    let nb = leading_number(&kb);
                    na.partial_cmp(&nb)
                        .unwrap_or(std::cmp::Ordering::Equal)
                        .then_with(|| a.cmp(b))
                } else {
                    ka.cmp(&kb).then_with(|| a.cmp(b))
                };
                if has(opts, 'r') {
                    ord.reverse()
                } else {
                    ord
                }
            });
            if has(opts, 'u') {
                lines.dedup_by(|a, b| key(a) == key(b));
            }
            for l in lines {
                o.stdout.push_str(l);
                o.stdout.push('\n');
            }
            status
        }
        "uniq" => {
            let t = texts.first().map(|x| x.1).unwrap_or("");
            let lines = lines_of(t);
            let mut groups: Vec<(&str, usize)> = Vec::new();
            for l in lines {
                let same = groups.last().is_some_and(|(g, _)| {
                    if has(opts, 'i') {
                        g.to_lowercase() == l.to_lowercase()
                    } else {
                        *g == l
                    }
                });
                if same {
                    if let Some(g) = groups.last_mut() {
                        g.1 += 1;
                    }
                } else {
                    groups.push((l, 1));
                }
            }
            for (l, n) in groups {
                if has(opts, 'd') && n < 2 || has(opts, 'u') && n > 1 {
                    continue;
                }
                if has(opts, 'c') {
                    o.stdout.push_str(&format!("{n:>7} {l}\n"));
                } else {
                    o.stdout.push_str(l);
                    o.stdout.push('\n');
                }
            }
            status
        }
        "tr" => {
            let t = texts.first().map(|x| x.1).unwrap_or("");
            let s1: Vec<char> = opts.set1.chars().collect();
            let s2: Vec<char> = opts.set2.chars().collect();
            let mut prev: Option<char> = None;
            for c in t.chars() {
                let mapped = if has(opts, 'd') {
                    if s1.contains(&c) {
                        continue;
                    }
                    c
                } else if let Some(p) = s1.iter().position(|x| *x == c) {
                    s2.get(p).or(s2.last()).copied().unwrap_or(c)
                } else {
                    c
                };
                if has(opts, 's') {
                    let squeeze_set = if has(opts, 'd') || s2.is_empty() {
                        &s1
                    } else {
                        &s2
                    };
                    if prev == Some(mapped) && squeeze_set.contains(&mapped) {
                        continue;
                    }
                }
                prev = Some(mapped);
                o.stdout.push(mapped);
            }
            status
        }
        _ => grep(job, &texts, o, status),
    }
}

fn leading_number(s: &str) -> f64 {
    let t = s.trim_start();
    let end = t
        .char_indices()
        .find(|(i, c)| !(c.is_ascii_digit() || *c == '.' || (*i == 0 && *c == '-')))
        .map(|(i, _)| i)
        .unwrap_or(t.len());
    t[..end].parse().unwrap_or(0.0)
}

fn expand_tr_set(s: &str) -> String {
    let cs: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < cs.len() {
        let class = |name: &str| -> Option<String> {
            Some(match name {
                "[:lower:]" => ('a'..='z').collect(),
                "[:upper:]" => ('A'..='Z').collect(),
                "[:digit:]" => ('0'..='9').collect(),
                "[:space:]" => " \t\n\r\x0b\x0c".into(),
                "[:alpha:]" => ('a'..='z').chain('A'..='Z').collect(),
                "[:alnum:]" => ('a'..='z').chain('A'..='Z').chain('0'..='9').collect(),
                _ => return None,
            })
        };
        if cs[i] == '[' {
            if let Some(end) = (i..cs.len()).find(|&j| cs[j] == ']') {
                let name: String = cs[i..=end].iter().collect();
                if let Some(c) = class(&name) {
                    out.push_str(&c);
                    i = end + 1;
                    continue;
                }
            }
        }
        if cs[i] == '\\' && i + 1 < cs.len() {
            out.push(match cs[i + 1] {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                c => c,
            });
            i += 2;
            continue;
        }
        if i + 2 < cs.len() && cs[i + 1] == '-' && cs[i] <= cs[i + 2] {
            let (a, b) = (cs[i] as u32, cs[i + 2] as u32);
            if b - a <= 0x10000 {
                out.extend((a..=b).filter_map(char::from_u32));
            }
            i += 3;
            continue;
        }
        out.push(cs[i]);
        i += 1;
    }
    out
}

// ------------------------------------------------------------------------ grep

fn grep(job: &FJob, texts: &[(&str, &str)], o: &mut Out, mut status: i32) -> i32 {
    let opts = &job.opts;
    let icase = has(opts, 'i');
    let mut res = Vec::new();
    for p in &opts.patterns {
        // A pattern with newlines is several patterns.
        for p in p.split('\n') {
            let p = if icase {
                p.to_lowercase()
            } else {
                p.to_string()
            };
            let r = if has(opts, 'F') {
                Ok(Regex::literal(&p))
            } else {
                Regex::parse(&p, has(opts, 'E'))
            };
            match r {
                Ok(r) => res.push(r),
                Err(e) => {
                    o.stderr.push_str(&format!("grep: {e}\n"));
                    return 2;
                }
            }
        }
    }
    let many = texts.len() > 1 && !has(opts, 'h') || has(opts, 'H');
    let mut any = false;
    for (name, t) in texts {
        let mut count = 0usize;
        for (ln, line) in lines_of(t).into_iter().enumerate() {
            let hay: Vec<char> = if icase {
                line.to_lowercase().chars().collect()
            } else {
                line.chars().collect()
            };
            let m = res.iter().any(|r| {
                r.find(&hay, |s, e| {
                    let before_ok = s == 0 || !is_word(hay[s - 1]);
                    let after_ok = e >= hay.len() || !is_word(hay[e]);
                    (!has(opts, 'w') || (before_ok && after_ok && e > s))
                        && (!has(opts, 'x') || (s == 0 && e == hay.len()))
                })
            });
            if m == has(opts, 'v') {
                continue;
            }
            count += 1;
            any = true;
            if has(opts, 'q') {
                return 0;
            }
            if has(opts, 'c') {
                continue;
            }
            if many {
                o.stdout.push_str(name);
                o.stdout.push(':');
            }
            if has(opts, 'n') {
                o.stdout.push_str(&format!("{}:", ln + 1));
            }
            o.stdout.push_str(line);
            o.stdout.push('\n');
        }
        if has(opts, 'c') {
            if many {
                o.stdout.push_str(&format!("{name}:"));
            }
            o.stdout.push_str(&format!("{count}\n"));
        }
    }
    if status == 0 {
        status = if any { 0 } else { 1 };
    } else if any && has(opts, 'q') {
        status = 0;
    }
    status
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

#[derive(Debug, Clone)]
enum Node {
    Char(char),
    Any,
    Class(Vec<(char, char)>, bool),
    Bol,
    Eol,
    Group(Vec<Vec<Piece>>),
}

#[derive(Debug, Clone)]
struct Piece {
    node: Node,
    min: u32,
    max: Option<u32>,
}

/// A small backtracking regex: BRE (`^ $ . * [..] \( \) \| \+ \?`) or ERE (`| + ? ( ) {}` not
/// supported beyond `+ ? * |` and groups). Work is budgeted: pathological patterns stop matching
/// instead of freezing the tab.
struct Regex {
    alts: Vec<Vec<Piece>>,
}

const MATCH_BUDGET: u64 = 200_000;

impl Regex {
    fn literal(p: &str) -> Regex {
        Regex {
            alts: vec![p
                .chars()
                .map(|c| Piece {
                    node: Node::Char(c),
                    min: 1,
                    max: Some(1),
                })
                .collect()],
        }
    }

    fn parse(p: &str, ere: bool) -> Result<Regex, String> {
        let cs: Vec<char> = p.chars().collect();
        let mut i = 0;
        let alts = parse_alts(&cs, &mut i, ere, 0)?;
        if i < cs.len() {
            return Err("Unmatched ) or \\)".into());
        }
        Ok(Regex { alts })
    }

    /// True if some match `[s, e)` satisfies `accept`.
    fn find(&self, hay: &[char], mut accept: impl FnMut(usize, usize) -> bool) -> bool {
        let budget = Cell::new(MATCH_BUDGET);
        for s in 0..=hay.len() {
            for alt in &self.alts {
                if m_seq(alt, hay, s, &mut |e| accept(s, e), &budget) {
                    return true;
                }
            }
            if budget.get() == 0 {
                return false;
            }
        }
        false
    }
}

fn parse_alts(
    cs: &[char],
    i: &mut usize,
    ere: bool,
    depth: usize,
) -> Result<Vec<Vec<Piece>>, String> {
    if depth > 32 {
        return Err("regular expression too big".into());
    }
    let mut alts = vec![Vec::new()];
    while *i < cs.len() {
        let c = cs[*i];
        let is_alt = (ere && c == '|') || (!ere && c == '\\' && cs.get(*i + 1) == Some(&'|'));
        if is_alt {
            *i += if ere { 1 } else { 2 };
            alts.push(Vec::new());
            continue;
        }
        let is_close = (ere && c == ')') || (!ere && c == '\\' && cs.get(*i + 1) == Some(&')'));
        if is_close {
            if depth == 0 {
                if ere {
                    // A lone ')' in ERE is literal in GNU grep.
                    *i += 1;
                    push_piece(alts.last_mut().expect("alt"), Node::Char(')'));
                    continue;
                }
                return Err("Unmatched ) or \\)".into());
            }
            break;
        }
        let seq = alts.last_mut().expect("alt");
        let is_open = (ere && c == '(') || (!ere && c == '\\' && cs.get(*i + 1) == Some(&'('));
        if is_open {
            *i += if ere { 1 } else { 2 };
            let inner = parse_alts(cs, i, ere, depth + 1)?;
            let closed = if ere {
                cs.get(*i) == Some(&')')
            } else {
                cs.get(*i) == Some(&'\\') && cs.get(*i + 1) == Some(&')')
            };
            if !closed {
                return Err("Unmatched ( or \\(".into());
            }
            *i += if ere { 1 } else { 2 };
            push_piece(seq, Node::Group(inner));
            continue;
        }
        match c {
            '^' if seq.is_empty() || ere => {
                *i += 1;
                push_piece(seq, Node::Bol);
            }
            '$' if ere
                || *i + 1 == cs.len()
                || (cs.get(*i + 1) == Some(&'\\')
                    && matches!(cs.get(*i + 2), Some('|') | Some(')'))) =>
            {
                *i += 1;
                push_piece(seq, Node::Eol);
            }
            '.' => {
                *i += 1;
                push_piece(seq, Node::Any);
            }
            '*' if !seq.is_empty() => {
                *i += 1;
                quantify(seq, 0, None);
            }
            '+' | '?' if ere && !seq.is_empty() => {
                *i += 1;
                if c == '+' {
                    quantify(seq, 1, None)
                } else {
                    quantify(seq, 0, Some(1))
                }
            }
            '[' => {
                *i += 1;
                let mut neg = false;
                if cs.get(*i) == Some(&'^') {
                    neg = true;
                    *i += 1;
                }
                let mut ranges = Vec::new();
                let mut first = true;
                loop {
                    let Some(&ch) = cs.get(*i) else {
                        return Err("Unmatched [, [^, [:, [., or [=".into());
                    };
                    if ch == ']' && !first {
                        *i += 1;
                        break;
                    }
                    first = false;
                    if ch == '[' && cs.get(*i + 1) == Some(&':') {
                        let rest: String = cs[*i..].iter().take(12).collect();
                        let classes: [(&str, &[(char, char)]); 6] = [
                            ("[:digit:]", &[('0', '9')]),
                            ("[:lower:]", &[('a', 'z')]),
                            ("[:upper:]", &[('A', 'Z')]),
                            ("[:alpha:]", &[('a', 'z'), ('A', 'Z')]),
                            ("[:alnum:]", &[('a', 'z'), ('A', 'Z'), ('0', '9')]),
                            ("[:space:]", &[(' ', ' '), ('\t', '\r')]),
                        ];
                        if let Some((name, rs)) = classes.iter().find(|(n, _)| rest.starts_with(n))
                        {
                            ranges.extend_from_slice(rs);
                            *i += name.chars().count();
                            continue;
                        }
                    }
                    if cs.get(*i + 1) == Some(&'-') && cs.get(*i + 2).is_some_and(|c| *c != ']') {
                        let hi = cs[*i + 2];
                        if hi < ch {
                            return Err("Invalid range end".into());
                        }
                        ranges.push((ch, hi));
                        *i += 3;
                    } else {
                        ranges.push((ch, ch));
                        *i += 1;
                    }
                }
                push_piece(seq, Node::Class(ranges, neg));
            }
            '\\' => {
                let Some(&n) = cs.get(*i + 1) else {
                    return Err("Trailing backslash".into());
                };
                *i += 2;
                match n {
                    '+' if !ere && !seq.is_empty() => quantify(seq, 1, None),
                    '?' if !ere && !seq.is_empty() => quantify(seq, 0, Some(1)),
                    'w' => push_piece(
                        seq,
                        Node::Class(vec![('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')], false),
                    ),
                    's' => push_piece(seq, Node::Class(vec![(' ', ' '), ('\t', '\r')], false)),
                    other => push_piece(seq, Node::Char(other)),
                }
            }
            _ => {
                *i += 1;
                push_piece(seq, Node::Char(c));
            }
        }
    }
    Ok(alts)
}

fn push_piece(seq: &mut Vec<Piece>, node: Node) {
    seq.push(Piece {
        node,
        min: 1,
        max: Some(1),
    });
}

fn quantify(seq: &mut [Piece], min: u32, max: Option<u32>) {
    if let Some(p) = seq.last_mut() {
        p.min = p.min.min(min);
        p.max = match (p.max, max) {
            (Some(1), m) => m,
            _ => None,
        };
        if min == 0 {
            p.min = 0;
        }
    }
}

fn tick(budget: &Cell<u64>) -> bool {
    let b = budget.get();
    if b == 0 {
        return false;
    }
    budget.set(b - 1);
    true
}

fn m_seq(
    seq: &[Piece],
    hay: &[char],
    pos: usize,
    k: &mut dyn FnMut(usize) -> bool,
    budget: &Cell<u64>,
) -> bool {
    if !tick(budget) {
        return false;
    }
    match seq.split_first() {
        None => k(pos),
        Some((p, rest)) => m_piece(p, rest, hay, pos, 0, k, budget),
    }
}

fn m_piece(
    p: &Piece,
    rest: &[Piece],
    hay: &[char],
    pos: usize,
    count: u32,
    k: &mut dyn FnMut(usize) -> bool,
    budget: &Cell<u64>,
) -> bool {
    if !tick(budget) {
        return false;
    }
    if p.max.is_none_or(|m| count < m) {
        let more = m_node(
            &p.node,
            hay,
            pos,
            &mut |np| {
                if np == pos && count >= p.min {
                    return false; // an empty iteration cannot make progress
                }
                m_piece(p, rest, hay, np, count + 1, k, budget)
            },
            budget,
        );
        if more {
            return true;
        }
    }
    count >= p.min && m_seq(rest, hay, pos, k, budget)
}

fn m_node(
    node: &Node,
    hay: &[char],
    pos: usize,
    k: &mut dyn FnMut(usize) -> bool,
    budget: &Cell<u64>,
) -> bool {
    match node {
        Node::Char(c) => pos < hay.len() && hay[pos] == *c && k(pos + 1),
        Node::Any => pos < hay.len() && k(pos + 1),
        Node::Class(ranges, neg) => {
            pos < hay.len() && {
                let c = hay[pos];
                let inr = ranges.iter().any(|(a, b)| *a <= c && c <= *b);
                inr != *neg && k(pos + 1)
            }
        }
        Node::Bol => pos == 0 && k(pos),
        Node::Eol => pos == hay.len() && k(pos),
        Node::Group(alts) => alts.iter().any(|a| m_seq(a, hay, pos, k, budget)),
    }
}
