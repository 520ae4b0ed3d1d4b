//! Builtins that run as tasks in every environment: `echo`, `printf`, `sleep`, `true`, `false`,
//! `test`/`[`, `clear`. (`cd`, `pwd`, `export`, `unset`, `exit`, `:` change the shell itself and
//! live in the interpreter.)

use super::exec::resolve_path;
use super::host::{CommandCtx, Host, Task, TaskIo, TaskPoll};

/// What `clear` prints: the bytes real `clear` (ncurses, TERM=xterm) writes — home, erase
/// screen, erase scrollback. A terminal that sees it clears itself.
pub const CLEAR_SCREEN: &str = "\x1b[H\x1b[2J\x1b[3J";

/// A task that finishes at once with a fixed status.
pub struct Const(pub i32);

impl Task for Const {
    fn poll(&mut self, _: &mut dyn Host, _: &mut TaskIo) -> TaskPoll {
        TaskPoll::Done(self.0)
    }
}

/// A task that prints fixed output and finishes.
pub struct Print {
    pub stdout: String,
    pub stderr: String,
    pub status: i32,
}

impl Task for Print {
    fn poll(&mut self, _: &mut dyn Host, io: &mut TaskIo) -> TaskPoll {
        io.print(std::mem::take(&mut self.stdout));
        io.eprint(std::mem::take(&mut self.stderr));
        TaskPoll::Done(self.status)
    }
}

/// The builtin task for `argv`, if `argv[0]` is one.
pub fn spawn_builtin(argv: &[String], ctx: &CommandCtx) -> Option<Box<dyn Task>> {
    let args = &argv[1..];
    let t: Box<dyn Task> = match argv[0].as_str() {
        "true" => Box::new(Const(0)),
        "false" => Box::new(Const(1)),
        "echo" => Box::new(Print {
            stdout: echo(args),
            stderr: String::new(),
            status: 0,
        }),
        "printf" => {
            if args.is_empty() {
                Box::new(Print {
                    stdout: String::new(),
                    stderr: "printf: usage: printf [-v var] format [arguments]\n".into(),
                    status: 2,
                })
            } else {
                Box::new(Print {
                    stdout: printf(&args[0], &args[1..]),
                    stderr: String::new(),
                    status: 0,
                })
            }
        }
        "clear" => Box::new(Print {
            stdout: CLEAR_SCREEN.into(),
            stderr: String::new(),
            status: 0,
        }),
        "sleep" => match sleep_ms(args) {
            Ok(ms) => Box::new(Sleep {
                ms,
                deadline: None,
                interrupted: false,
            }),
            Err(e) => Box::new(Print {
                stdout: String::new(),
                stderr: e,
                status: 1,
            }),
        },
        "test" | "[" => Box::new(Test {
            bracket: argv[0] == "[",
            args: args.to_vec(),
            cwd: ctx.cwd.clone(),
        }),
        _ => return None,
    };
    Some(t)
}

/// bash's builtin `echo` (`-n`, `-e`, `-E`, combinable).
pub fn echo(args: &[String]) -> String {
    let mut newline = true;
    let mut escapes = false;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| matches!(c, 'n' | 'e' | 'E'))
        {
            for c in a[1..].chars() {
                match c {
                    'n' => newline = false,
                    'e' => escapes = true,
                    _ => escapes = false,
                }
            }
            i += 1;
        } else {
            break;
        }
    }
    let mut s = args[i..].join(" ");
    if escapes {
        let (t, stop) = unescape(&s, true);
        s = t;
        if stop {
            return s;
        }
    }
    if newline {
        s.push('\n');
    }
    s
}

/// Backslash escapes of `echo -e` / printf formats. Returns the text and whether `\c` stopped it.
fn unescape(s: &str, echo_style: bool) -> (String, bool) {
    let mut out = String::new();
    let cs: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        if c != '\\' || i + 1 >= cs.len() {
            out.push(c);
            i += 1;
            continue;
        }
        let n = cs[i + 1];
        i += 2;
        match n {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0c'),
            'v' => out.push('\x0b'),
            'e' | 'E' => out.push('\x1b'),
            '\\' => out.push('\\'),
            'c' => return (out, true),
            '0'..='7' => {
                // echo: \0nnn; printf: \nnn
                let mut v = 0u32;
                let mut digits = 0;
                let mut j = if echo_style && n == '0' { i } else { i - 1 };
                while j < cs.len() && digits < 3 && ('0'..='7').contains(&cs[j]) {
                    v = v * 8 + (cs[j] as u32 - '0' as u32);
                    j += 1;
                    digits += 1;
                }
                i = j;
                out.push(char::from_u32(v).unwrap_or('?'));
            }
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    (out, false)
}

/// A basic `printf`: `%s %d %i %u %c %x %X %o %f %%`, flags `-0`, width, precision; the format is
/// reused while arguments remain.
pub fn printf(format: &str, args: &[String]) -> String {
    let fmt: Vec<char> = format.chars().collect();
    let mut out = String::new();
    let mut ai = 0;
    loop {
        let mut consumed = false;
        let mut i = 0;
        while i < fmt.len() {
            let c = fmt[i];
            if c == '\\' {
                let end = (i + 4).min(fmt.len());
                let seg: String = fmt[i..end].iter().collect();
                let (t, _) = unescape(
                    &seg[..seg.char_indices().nth(2).map(|x| x.0).unwrap_or(seg.len())],
                    false,
                );
                // Only handle one escape at a time: find its length.
                let n = fmt.get(i + 1).copied();
                match n {
                    Some(d) if d.is_digit(8) => {
                        let mut j = i + 1;
                        let mut v = 0u32;
                        while j < fmt.len() && j < i + 4 && fmt[j].is_digit(8) {
                            v = v * 8 + fmt[j].to_digit(8).unwrap_or(0);
                            j += 1;
                        }
                        out.push(char::from_u32(v).unwrap_or('?'));
                        i = j;
                    }
                    Some(_) => {
                        out.push_str(&t);
                        i += 2;
                    }
                    None => {
                        out.push('\\');
                        i += 1;
                    }
                }
                continue;
            }
            if c != '%' {
                out.push(c);
                i += 1;
                continue;
            }
            i += 1;
            if fmt.get(i) == Some(&'%') {
                out.push('%');
                i += 1;
                continue;
            }
            let mut left = false;
            let mut zero = false;
            while let Some(&f) = fmt.get(i) {
                match f {
                    '-' => left = true,
                    '0' => zero = true,
                    '+' | ' ' | '#' => {}
                    _ => break,
                }
                i += 1;
            }
            let mut width = 0usize;
            while let Some(d) = fmt.get(i).and_then(|c| c.to_digit(10)) {
                width = (width * 10 + d as usize).min(4096);
                i += 1;
            }
            let mut prec: Option<usize> = None;
            if fmt.get(i) == Some(&'.') {
                i += 1;
                let mut p = 0usize;
                while let Some(d) = fmt.get(i).and_then(|c| c.to_digit(10)) {
                    p = (p * 10 + d as usize).min(4096);
                    i += 1;
                }
                prec = Some(p);
            }
            let Some(&conv) = fmt.get(i) else {
                out.push('%');
                break;
            };
            i += 1;
            let arg = args.get(ai).cloned();
            if arg.is_some() {
                ai += 1;
                consumed = true;
            }
            let arg = arg.unwrap_or_default();
            let num = || -> i64 {
                let t = arg.trim();
                if let Some(c) = t.strip_prefix('\'').or_else(|| t.strip_prefix('"')) {
                    return c.chars().next().map(|c| c as i64).unwrap_or(0);
                }
                t.parse::<i64>().unwrap_or(0)
            };
            let body = match conv {
                's' => match prec {
                    Some(p) => arg.chars().take(p).collect(),
                    None => arg.clone(),
                },
                'b' => unescape(&arg, true).0,
                'c' => arg.chars().next().map(String::from).unwrap_or_default(),
                'd' | 'i' => num().to_string(),
                'u' => (num() as u64).to_string(),
                'x' => format!("{:x}", num()),
                'X' => format!("{:X}", num()),
                'o' => format!("{:o}", num()),
                'f' | 'F' | 'g' | 'e' => {
                    let v: f64 = arg.trim().parse().unwrap_or(0.0);
                    format!("{:.*}", prec.unwrap_or(6), v)
                }
                other => format!("%{other}"),
            };
            let len = body.chars().count();
            if len < width {
                let pad = width - len;
                if left {
                    out.push_str(&body);
                    out.push_str(&" ".repeat(pad));
                } else if zero && conv != 's' {
                    let (sign, digits) = match body.strip_prefix('-') {
                        Some(d) => ("-", d.to_string()),
                        None => ("", body.clone()),
                    };
                    out.push_str(sign);
                    out.push_str(&"0".repeat(pad));
                    out.push_str(&digits);
                } else {
                    out.push_str(&" ".repeat(pad));
                    out.push_str(&body);
                }
            } else {
                out.push_str(&body);
            }
        }
        if !consumed || ai >= args.len() {
            break;
        }
    }
    out
}

/// Parses `sleep` operands (`0.5`, `2`, `1s`, `1m`, `1h`, `1d`; several are added).
fn sleep_ms(args: &[String]) -> Result<u64, String> {
    if args.is_empty() {
        return Err("sleep: missing operand\nTry 'sleep --help' for more information.\n".into());
    }
    let mut total = 0f64;
    for a in args {
        let (num, mult) = match a.chars().last() {
            Some('s') => (&a[..a.len() - 1], 1000.0),
            Some('m') => (&a[..a.len() - 1], 60_000.0),
            Some('h') => (&a[..a.len() - 1], 3_600_000.0),
            Some('d') => (&a[..a.len() - 1], 86_400_000.0),
            _ => (a.as_str(), 1000.0),
        };
        let ok = !num.is_empty()
            && num.chars().all(|c| c.is_ascii_digit() || c == '.')
            && num.matches('.').count() <= 1
            && num != ".";
        let v: f64 = if ok {
            num.parse().unwrap_or(f64::NAN)
        } else {
            f64::NAN
        };
        if !v.is_finite() {
            return Err(format!(
                "sleep: invalid time interval '{a}'\nTry 'sleep --help' for more information.\n"
            ));
        }
        total += v * mult;
    }
    // Cap at ~a year of virtual time.
    Ok(total.clamp(0.0, 3.2e10).round() as u64)
}

/// `sleep`: pending until the host's virtual time reaches the deadline. Never busy-waits.
pub struct Sleep {
    ms: u64,
    deadline: Option<u64>,
    interrupted: bool,
}

impl Sleep {
    pub fn new(ms: u64) -> Sleep {
        Sleep {
            ms,
            deadline: None,
            interrupted: false,
        }
    }
}

impl Task for Sleep {
    fn poll(&mut self, host: &mut dyn Host, _: &mut TaskIo) -> TaskPoll {
        if self.interrupted {
            return TaskPoll::Done(130);
        }
        let now = host.now_ms();
        let deadline = *self.deadline.get_or_insert(now.saturating_add(self.ms));
        if now >= deadline {
            TaskPoll::Done(0)
        } else {
            TaskPoll::Pending {
                wake_at_ms: Some(deadline),
            }
        }
    }
    fn interrupt(&mut self) {
        self.interrupted = true;
    }
}

/// `test` / `[`.
struct Test {
    bracket: bool,
    args: Vec<String>,
    cwd: String,
}

impl Task for Test {
    fn poll(&mut self, host: &mut dyn Host, io: &mut TaskIo) -> TaskPoll {
        let mut args = self.args.clone();
        if self.bracket {
            if args.last().map(String::as_str) != Some("]") {
                io.eprint("bash: [: missing `]'\n");
                return TaskPoll::Done(2);
            }
            args.pop();
        }
        let name = if self.bracket { "[" } else { "test" };
        match eval_test(&args, host, &self.cwd) {
            Ok(true) => TaskPoll::Done(0),
            Ok(false) => TaskPoll::Done(1),
            Err(e) => {
                io.eprint(format!("bash: {name}: {e}\n"));
                TaskPoll::Done(2)
            }
        }
    }
}

fn int_arg(s: &str) -> Result<i64, String> {
    s.trim()
        .parse::<i64>()
        .map_err(|_| format!("{s}: integer expression expected"))
}

fn eval_test(a: &[String], host: &mut dyn Host, cwd: &str) -> Result<bool, String> {
    let s = |i: usize| a[i].as_str();
    match a.len() {
        0 => Ok(false),
        1 => Ok(!a[0].is_empty()),
        2 => {
            if s(0) == "!" {
                return eval_test(&a[1..], host, cwd).map(|b| !b);
            }
            let path = resolve_path(cwd, s(1));
            match s(0) {
                "-z" => Ok(a[1].is_empty()),
                "-n" => Ok(!a[1].is_empty()),
                "-e" | "-f" | "-s" | "-r" => {
                    let r = host.read_file(&path);
                    Ok(match s(0) {
                        "-s" => r.map(|c| !c.is_empty()).unwrap_or(false),
                        "-e" => r.is_ok() || host.check_dir(&path).is_ok(),
                        _ => r.is_ok(),
                    })
                }
                "-d" => Ok(host.check_dir(&path).is_ok()),
                op => Err(format!("{op}: unary operator expected")),
            }
        }
        3 => {
            if s(0) == "!" {
                return eval_test(&a[1..], host, cwd).map(|b| !b);
            }
            let (l, op, r) = (s(0), s(1), s(2));
            match op {
                "=" | "==" => Ok(l == r),
                "!=" => Ok(l != r),
                "-eq" | "-ne" | "-lt" | "-le" | "-gt" | "-ge" => {
                    let (x, y) = (int_arg(l)?, int_arg(r)?);
                    Ok(match op {
                        "-eq" => x == y,
                        "-ne" => x != y,
                        "-lt" => x < y,
                        "-le" => x <= y,
                        "-gt" => x > y,
                        _ => x >= y,
                    })
                }
                "-a" => Ok(!l.is_empty() && !r.is_empty()),
                "-o" => Ok(!l.is_empty() || !r.is_empty()),
                _ => Err(format!("{op}: binary operator expected")),
            }
        }
        _ => {
            if s(0) == "!" {
                return eval_test(&a[1..], host, cwd).map(|b| !b);
            }
            if let Some(i) = a.iter().position(|x| x == "-o") {
                return Ok(eval_test(&a[..i], host, cwd)? || eval_test(&a[i + 1..], host, cwd)?);
            }
            if let Some(i) = a.iter().position(|x| x == "-a") {
                return Ok(eval_test(&a[..i], host, cwd)? && eval_test(&a[i + 1..], host, cwd)?);
            }
            Err("too many arguments".into())
        }
    }
}
