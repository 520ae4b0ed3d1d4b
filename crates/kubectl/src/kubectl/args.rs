//! pflag-style argument parsing with kubectl's error texts. A thin stand-in for the shell
//! branch's `flags.rs` until it lands: `--name=value`, `--name value`, `-n value`, `-nvalue`,
//! `-n=value`, grouped boolean shorthands (`-it`), `--` (everything after is positional and
//! `dash_at` records where it was), flags interspersed with arguments.

use ordinal_model::vecmap::VecMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagKind {
    Bool,
    /// Takes a value (string, int, duration: validated by the command).
    Value,
    /// Takes a value only as `--flag=value`; alone it means the given default (pflag's
    /// NoOptDefVal, e.g. `--cascade` = `background`).
    OptValue(&'static str),
}

#[derive(Debug, Clone, Copy)]
pub struct FlagSpec {
    pub long: &'static str,
    pub short: Option<char>,
    pub kind: FlagKind,
}

pub const fn b(long: &'static str, short: Option<char>) -> FlagSpec {
    FlagSpec {
        long,
        short,
        kind: FlagKind::Bool,
    }
}

pub const fn o(long: &'static str, default: &'static str) -> FlagSpec {
    FlagSpec {
        long,
        short: None,
        kind: FlagKind::OptValue(default),
    }
}

pub const fn v(long: &'static str, short: Option<char>) -> FlagSpec {
    FlagSpec {
        long,
        short,
        kind: FlagKind::Value,
    }
}

/// Flags every kubectl command accepts (a subset of kubectl's global flags).
pub const GLOBAL: &[FlagSpec] = &[
    v("namespace", Some('n')),
    v("request-timeout", None),
    v("context", None),
    v("cluster", None),
    v("user", None),
    v("kubeconfig", None),
    v("v", Some('v')),
    b("help", Some('h')),
    b("warnings-as-errors", None),
    v("server", Some('s')),
    v("token", None),
    b("insecure-skip-tls-verify", None),
    v("as", None),
];

/// The parsed command line.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// Values by long name, in order of appearance (bools hold "true"/"false").
    pub flags: VecMap<&'static str, Vec<String>>,
    pub args: Vec<String>,
    /// Number of positional args before `--` (cobra's ArgsLenAtDash), if `--` was given.
    pub dash_at: Option<usize>,
}

impl Parsed {
    pub fn has(&self, long: &str) -> bool {
        self.flags.contains_key(long)
    }
    /// Last value of a flag.
    pub fn get(&self, long: &str) -> Option<&str> {
        self.flags
            .get(long)
            .and_then(|v| v.last())
            .map(String::as_str)
    }
    pub fn all(&self, long: &str) -> Vec<String> {
        self.flags.get(long).cloned().unwrap_or_default()
    }
    /// A boolean flag's value (false when absent).
    pub fn bool(&self, long: &str) -> bool {
        self.get(long) == Some("true")
    }
    pub fn namespace(&self) -> Option<&str> {
        self.get("namespace")
    }
}

fn find<'a>(specs: &[&'a [FlagSpec]], long: &str) -> Option<&'a FlagSpec> {
    specs.iter().flat_map(|s| s.iter()).find(|f| f.long == long)
}

fn find_short<'a>(specs: &[&'a [FlagSpec]], c: char) -> Option<&'a FlagSpec> {
    specs
        .iter()
        .flat_map(|s| s.iter())
        .find(|f| f.short == Some(c))
}

fn flag_display(f: &FlagSpec) -> String {
    match f.short {
        Some(c) => format!("-{c}, --{}", f.long),
        None => format!("--{}", f.long),
    }
}

/// Go's strconv.ParseBool.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

fn bool_error(f: &FlagSpec, val: &str) -> String {
    format!(
        "invalid argument \"{val}\" for \"{}\" flag: strconv.ParseBool: parsing \"{val}\": invalid syntax",
        flag_display(f)
    )
}

/// Parses `argv` (without the command words). `Err` is pflag's message without `error: `.
pub fn parse(argv: &[String], specs: &[&[FlagSpec]]) -> Result<Parsed, String> {
    let mut p = Parsed::default();
    let mut i = 0;
    while i < argv.len() {
        let a = &argv[i];
        i += 1;
        if a == "--" {
            p.dash_at = Some(p.args.len());
            p.args.extend(argv[i..].iter().cloned());
            break;
        }
        if let Some(body) = a.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let Some(f) = find(specs, name) else {
                return Err(format!("unknown flag: --{name}"));
            };
            let val = match (f.kind, inline) {
                (FlagKind::Bool, None) => "true".to_string(),
                (FlagKind::Bool, Some(v)) => match parse_bool(&v) {
                    Some(b) => b.to_string(),
                    None => return Err(bool_error(f, &v)),
                },
                (FlagKind::Value | FlagKind::OptValue(_), Some(v)) => v,
                (FlagKind::OptValue(d), None) => d.to_string(),
                (FlagKind::Value, None) => {
                    if i < argv.len() {
                        i += 1;
                        argv[i - 1].clone()
                    } else {
                        return Err(format!("flag needs an argument: --{name}"));
                    }
                }
            };
            p.flags.entry(f.long).or_default().push(val);
            continue;
        }
        if a.len() > 1 && a.starts_with('-') {
            let chars: Vec<char> = a[1..].chars().collect();
            let mut j = 0;
            while j < chars.len() {
                let c = chars[j];
                let Some(f) = find_short(specs, c) else {
                    return Err(format!("unknown shorthand flag: '{c}' in {a}"));
                };
                j += 1;
                match f.kind {
                    FlagKind::Bool => {
                        let mut val = "true".to_string();
                        if chars.get(j) == Some(&'=') {
                            let rest: String = chars[j + 1..].iter().collect();
                            match parse_bool(&rest) {
                                Some(b) => val = b.to_string(),
                                None => return Err(bool_error(f, &rest)),
                            }
                            j = chars.len();
                        }
                        p.flags.entry(f.long).or_default().push(val);
                    }
                    FlagKind::OptValue(d) => {
                        let rest: String = chars[j..].iter().collect();
                        let val = match rest.strip_prefix('=') {
                            Some(r) => r.to_string(),
                            None => d.to_string(),
                        };
                        p.flags.entry(f.long).or_default().push(val);
                        j = chars.len();
                    }
                    FlagKind::Value => {
                        let rest: String = chars[j..].iter().collect();
                        let val = if let Some(r) = rest.strip_prefix('=') {
                            r.to_string()
                        } else if !rest.is_empty() {
                            rest
                        } else if i < argv.len() {
                            i += 1;
                            argv[i - 1].clone()
                        } else {
                            return Err(format!("flag needs an argument: '{c}' in -{c}"));
                        };
                        p.flags.entry(f.long).or_default().push(val);
                        j = chars.len();
                    }
                }
            }
            continue;
        }
        p.args.push(a.clone());
    }
    Ok(p)
}

/// Go's time.ParseDuration for kubectl's `--timeout`/`--request-timeout` (a bare number is
/// seconds for `--request-timeout`). Returns milliseconds.
pub fn parse_duration_ms(s: &str, bare_is_seconds: bool) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    if let Ok(n) = s.parse::<u64>() {
        return Some(if bare_is_seconds {
            n.saturating_mul(1000)
        } else if n == 0 {
            0
        } else {
            return None;
        });
    }
    let mut total: f64 = 0.0;
    let mut rest = s;
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_end == 0 {
            return None;
        }
        let n: f64 = rest[..num_end].parse().ok()?;
        rest = &rest[num_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..unit_end];
        rest = &rest[unit_end..];
        let mult = match unit {
            "ms" => 1.0,
            "s" => 1000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            "us" | "µs" => 0.001,
            "ns" => 0.000_001,
            _ => return None,
        };
        total += n * mult;
    }
    if !total.is_finite() || total > 1e15 {
        return None;
    }
    Some(total as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    const SPECS: &[FlagSpec] = &[
        b("watch", Some('w')),
        v("selector", Some('l')),
        b("stdin", Some('i')),
        b("tty", Some('t')),
    ];

    #[test]
    fn pflag_forms() {
        let p = parse(
            &s(&["pods", "-w", "-lapp=nginx", "-n", "x", "--", "a", "b"]),
            &[SPECS, GLOBAL],
        )
        .unwrap();
        assert!(p.bool("watch"));
        assert_eq!(p.get("selector"), Some("app=nginx"));
        assert_eq!(p.namespace(), Some("x"));
        assert_eq!(p.args, s(&["pods", "a", "b"]));
        assert_eq!(p.dash_at, Some(1));
        let p = parse(&s(&["-it", "--watch=false"]), &[SPECS]).unwrap();
        assert!(p.bool("stdin") && p.bool("tty") && !p.bool("watch"));
    }

    #[test]
    fn pflag_errors() {
        assert_eq!(
            parse(&s(&["--foo"]), &[SPECS]).unwrap_err(),
            "unknown flag: --foo"
        );
        assert_eq!(
            parse(&s(&["-x"]), &[SPECS]).unwrap_err(),
            "unknown shorthand flag: 'x' in -x"
        );
        assert_eq!(
            parse(&s(&["-l"]), &[SPECS]).unwrap_err(),
            "flag needs an argument: 'l' in -l"
        );
        assert_eq!(
            parse(&s(&["--selector"]), &[SPECS]).unwrap_err(),
            "flag needs an argument: --selector"
        );
        assert_eq!(
            parse(&s(&["--watch=maybe"]), &[SPECS]).unwrap_err(),
            "invalid argument \"maybe\" for \"-w, --watch\" flag: strconv.ParseBool: parsing \"maybe\": invalid syntax"
        );
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ms("60s", false), Some(60_000));
        assert_eq!(parse_duration_ms("1m30s", false), Some(90_000));
        assert_eq!(parse_duration_ms("5", true), Some(5_000));
        assert_eq!(parse_duration_ms("0", false), Some(0));
        assert_eq!(parse_duration_ms("abc", false), None);
    }
}
