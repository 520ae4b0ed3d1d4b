//! kubectl's flag syntax (spf13/pflag under cobra), driven by per-command spec tables.
//!
//! Supported: `--flag=value`, `--flag value`, `-o yaml`, `-oyaml`, `-o=yaml`, bool flags
//! (`--watch`, `-w`, `--watch=false`, combined `-it`), flags with an optional value (pflag's
//! `NoOptDefVal`, e.g. `--cascade` = `--cascade=background`, `--dry-run` = `--dry-run=unchanged`),
//! repeated flags (`-f a -f b`; string slices also split on commas), `--` ending flags (the
//! position is kept: [`Parsed::args_len_at_dash`], as `kubectl exec` needs), flags before and
//! after positional arguments, `-h`/`--help`, deprecated flags (pflag's warning).
//!
//! Errors carry pflag's exact text; [`FlagError::kubectl_message`] adds kubectl's framing
//! (`error: ` + text + `\nSee 'kubectl get --help' for usage.`), from kubectl's
//! `templater.FlagErrorFunc` and `cmdutil.CheckErr`. Exit status 1.
//!
//! ```
//! use ordinal_kubectl::flags::*;
//! const GET: &[FlagSpec] = &[
//!     FlagSpec::string("output", Some('o'), ""),
//!     FlagSpec::bool("watch", Some('w')),
//!     FlagSpec::string("selector", Some('l'), ""),
//! ];
//! let argv: Vec<String> = ["pods", "-w", "-l", "app=nginx", "-oyaml"].iter().map(|s| s.to_string()).collect();
//! let p = parse_flags(GET, &argv).unwrap();
//! assert_eq!(p.args, ["pods"]);
//! assert!(p.bool("watch"));
//! assert_eq!(p.string("output"), "yaml");
//! let err = parse_flags(GET, &["--foo".to_string()]).unwrap_err();
//! assert_eq!(err.kubectl_message("kubectl get"), "error: unknown flag: --foo\nSee 'kubectl get --help' for usage.\n");
//! ```

use ordinal_model::vecmap::{VecMap, VecSet};

/// The value type of a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Bool,
    String,
    /// Go `int` (pflag: `strconv.ParseInt(s, 0, 64)`).
    Int,
    /// Go `int32` (pflag: `strconv.ParseInt(s, 0, 32)`).
    Int32,
    /// Go `time.Duration` (`30s`, `1m30s`, `500ms`); stored in milliseconds.
    Duration,
    /// Every occurrence appends the value as is.
    StringArray,
    /// Every occurrence appends the comma-separated values.
    StringSlice,
}

/// One flag of a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlagSpec {
    pub name: &'static str,
    pub shorthand: Option<char>,
    pub kind: Kind,
    /// Default value as text (as pflag's `DefValue`).
    pub default: &'static str,
    /// pflag's `NoOptDefVal`: the value when the flag is given without `=value` (bools: `true`).
    pub no_opt_default: Option<&'static str>,
    /// pflag's `Deprecated` message: using the flag prints
    /// `Flag --NAME has been deprecated, MESSAGE`.
    pub deprecated: Option<&'static str>,
}

impl FlagSpec {
    pub const fn new(
        name: &'static str,
        shorthand: Option<char>,
        kind: Kind,
        default: &'static str,
    ) -> FlagSpec {
        FlagSpec {
            name,
            shorthand,
            kind,
            default,
            no_opt_default: match kind {
                Kind::Bool => Some("true"),
                _ => None,
            },
            deprecated: None,
        }
    }
    pub const fn bool(name: &'static str, shorthand: Option<char>) -> FlagSpec {
        FlagSpec::new(name, shorthand, Kind::Bool, "false")
    }
    pub const fn string(
        name: &'static str,
        shorthand: Option<char>,
        default: &'static str,
    ) -> FlagSpec {
        FlagSpec::new(name, shorthand, Kind::String, default)
    }
    pub const fn int(
        name: &'static str,
        shorthand: Option<char>,
        default: &'static str,
    ) -> FlagSpec {
        FlagSpec::new(name, shorthand, Kind::Int, default)
    }
    pub const fn duration(
        name: &'static str,
        shorthand: Option<char>,
        default: &'static str,
    ) -> FlagSpec {
        FlagSpec::new(name, shorthand, Kind::Duration, default)
    }
    pub const fn string_array(name: &'static str, shorthand: Option<char>) -> FlagSpec {
        FlagSpec::new(name, shorthand, Kind::StringArray, "[]")
    }
    pub const fn string_slice(name: &'static str, shorthand: Option<char>) -> FlagSpec {
        FlagSpec::new(name, shorthand, Kind::StringSlice, "[]")
    }
    /// Sets a default boolean value (`FlagSpec::bool("show-kind", None).default_value("true")`).
    pub const fn default_value(mut self, v: &'static str) -> FlagSpec {
        self.default = v;
        self
    }
    pub const fn no_opt(mut self, v: &'static str) -> FlagSpec {
        self.no_opt_default = Some(v);
        self
    }
    pub const fn deprecated(mut self, message: &'static str) -> FlagSpec {
        self.deprecated = Some(message);
        self
    }
}

/// kubectl's global (persistent) flags, for merging into a command's table.
pub const GLOBAL_FLAGS: &[FlagSpec] = &[
    FlagSpec::string("namespace", Some('n'), ""),
    FlagSpec::string("context", None, ""),
    FlagSpec::string("cluster", None, ""),
    FlagSpec::string("user", None, ""),
    FlagSpec::string("kubeconfig", None, ""),
    FlagSpec::string("server", Some('s'), ""),
    FlagSpec::string("request-timeout", None, "0"),
    FlagSpec::string("token", None, ""),
    FlagSpec::string("as", None, ""),
    FlagSpec::string_array("as-group", None),
    FlagSpec::string("as-uid", None, ""),
    FlagSpec::string("cache-dir", None, "$HOME/.kube/cache"),
    FlagSpec::string("certificate-authority", None, ""),
    FlagSpec::string("client-certificate", None, ""),
    FlagSpec::string("client-key", None, ""),
    FlagSpec::string("tls-server-name", None, ""),
    FlagSpec::bool("insecure-skip-tls-verify", None),
    FlagSpec::bool("disable-compression", None),
    FlagSpec::bool("match-server-version", None),
    FlagSpec::bool("warnings-as-errors", None),
    FlagSpec::string("profile", None, "none"),
    FlagSpec::string("profile-output", None, "profile.pprof"),
    FlagSpec::new("v", Some('v'), Kind::Int32, "0"),
    FlagSpec::string("vmodule", None, ""),
    FlagSpec::duration("log-flush-frequency", None, "5s"),
];

/// A parsed value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Bool(bool),
    Str(String),
    Int(i64),
    /// Milliseconds.
    Duration(i64),
    List(Vec<String>),
}

/// The result of parsing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Parsed {
    /// Positional arguments, in order (including those after `--`).
    pub args: Vec<String>,
    /// `len(args)` when `--` was seen (cobra's `ArgsLenAtDash`), else `None`.
    pub args_len_at_dash: Option<usize>,
    /// Every flag's value (defaults for flags not given).
    pub values: VecMap<&'static str, Value>,
    /// Flags given on the command line (pflag's `Changed`).
    pub changed: VecSet<&'static str>,
    /// Messages for stderr (deprecated flags), in order.
    pub warnings: Vec<String>,
}

impl Parsed {
    pub fn changed(&self, name: &str) -> bool {
        self.changed.contains(name)
    }
    /// A bool flag's value (false if unknown).
    pub fn bool(&self, name: &str) -> bool {
        matches!(self.values.get(name), Some(Value::Bool(true)))
    }
    /// A string flag's value ("" if unknown; lists joined with commas).
    pub fn string(&self, name: &str) -> String {
        match self.values.get(name) {
            Some(Value::Str(s)) => s.clone(),
            Some(Value::Bool(b)) => b.to_string(),
            Some(Value::Int(i)) | Some(Value::Duration(i)) => i.to_string(),
            Some(Value::List(l)) => l.join(","),
            None => String::new(),
        }
    }
    /// An int flag's value (0 if unknown); durations in milliseconds.
    pub fn int(&self, name: &str) -> i64 {
        match self.values.get(name) {
            Some(Value::Int(i)) | Some(Value::Duration(i)) => *i,
            _ => 0,
        }
    }
    /// A list flag's values (empty if unknown).
    pub fn strings(&self, name: &str) -> Vec<String> {
        match self.values.get(name) {
            Some(Value::List(l)) => l.clone(),
            Some(Value::Str(s)) if !s.is_empty() => vec![s.clone()],
            _ => Vec::new(),
        }
    }
}

/// A parse failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlagError {
    /// `-h` / `--help` (when the command does not define them): show the command's help.
    Help,
    /// pflag's error text, e.g. `unknown flag: --foo`.
    Invalid(String),
}

impl FlagError {
    /// What kubectl prints (to stderr, exit 1) for this error, e.g.
    /// `error: unknown flag: --foo\nSee 'kubectl get --help' for usage.\n`.
    /// `command_path` is cobra's `CommandPath()`: `kubectl get`, `kubectl rollout status`.
    pub fn kubectl_message(&self, command_path: &str) -> String {
        match self {
            FlagError::Help => String::new(),
            FlagError::Invalid(m) => {
                format!("error: {m}\nSee '{command_path} --help' for usage.\n")
            }
        }
    }
}

fn parse_go_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Go's `strconv.ParseInt(s, 0, bits)`, with Go's error text.
pub fn parse_go_int(s: &str, bits: u32) -> Result<i64, String> {
    let syntax = || format!("strconv.ParseInt: parsing {}: invalid syntax", go_quote(s));
    let range = || {
        format!(
            "strconv.ParseInt: parsing {}: value out of range",
            go_quote(s)
        )
    };
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if body.is_empty() {
        return Err(syntax());
    }
    let lower = body.to_ascii_lowercase();
    let (radix, digits, prefixed) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d.to_string(), true)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d.to_string(), true)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d.to_string(), true)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, lower[1..].to_string(), true)
    } else {
        (10, lower.clone(), false)
    };
    // Underscores are allowed only with a base prefix, between digits.
    let digits = if prefixed && digits.contains('_') {
        if digits.starts_with('_') && radix == 8 && !lower.starts_with("0o") {
            // "0_7" is valid octal in Go; keep it simple: strip.
        }
        if digits.ends_with('_') || digits.contains("__") {
            return Err(syntax());
        }
        digits.replace('_', "")
    } else {
        digits
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(syntax());
    }
    let mag = u128::from_str_radix(&digits, radix).map_err(|_| range())?;
    let limit: u128 = 1u128 << (bits - 1);
    if (!neg && mag >= limit) || (neg && mag > limit) {
        return Err(range());
    }
    let v = mag as i128;
    Ok((if neg { -v } else { v }) as i64)
}

/// Go's `time.ParseDuration`, in milliseconds (sub-millisecond parts are truncated), with Go's
/// error text.
pub fn parse_go_duration(s: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration {}", go_quote(s));
    let (neg, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total_ns: f64 = 0.0;
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let num = &rest[..num_end];
        if num.is_empty() || num == "." || num.matches('.').count() > 1 {
            return Err(invalid());
        }
        rest = &rest[num_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..unit_end];
        rest = &rest[unit_end..];
        let mult = match unit {
            "" => return Err(format!("time: missing unit in duration {}", go_quote(s))),
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            u => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    go_quote(u),
                    go_quote(s)
                ))
            }
        };
        let v: f64 = num.parse().map_err(|_| invalid())?;
        total_ns += v * mult;
        if total_ns > 9.223_372_036_854_775e18 {
            return Err(invalid());
        }
    }
    let ms = (total_ns / 1e6).trunc() as i64;
    Ok(if neg { -ms } else { ms })
}

/// Go's `%q` for a string: the apiserver's error rendering already has it.
pub use ordinal_model::api::error::go_quote;

/// Go's `%q` for a rune (pflag prints the shorthand character this way).
fn go_quote_rune(c: char) -> String {
    match c {
        '\'' => "'\\''".into(),
        '\\' => "'\\\\'".into(),
        '\n' => "'\\n'".into(),
        '\t' => "'\\t'".into(),
        c if (c as u32) < 0x20 || c as u32 == 0x7f => format!("'\\x{:02x}'", c as u32),
        c => format!("'{c}'"),
    }
}

struct State<'a> {
    specs: &'a [FlagSpec],
    out: Parsed,
}

impl State<'_> {
    fn set(&mut self, spec: &FlagSpec, value: &str) -> Result<(), FlagError> {
        let invalid = |cause: String| {
            let name = match spec.shorthand {
                Some(c) => format!("-{c}, --{}", spec.name),
                None => format!("--{}", spec.name),
            };
            FlagError::Invalid(format!(
                "invalid argument {} for {} flag: {cause}",
                go_quote(value),
                go_quote(&name)
            ))
        };
        let v = match spec.kind {
            Kind::Bool => match parse_go_bool(value) {
                Some(b) => Value::Bool(b),
                None => {
                    return Err(invalid(format!(
                        "strconv.ParseBool: parsing {}: invalid syntax",
                        go_quote(value)
                    )))
                }
            },
            Kind::String => Value::Str(value.to_string()),
            Kind::Int => Value::Int(parse_go_int(value, 64).map_err(invalid)?),
            Kind::Int32 => Value::Int(parse_go_int(value, 32).map_err(invalid)?),
            Kind::Duration => Value::Duration(parse_go_duration(value).map_err(invalid)?),
            Kind::StringArray | Kind::StringSlice => {
                let mut list = if self.out.changed.contains(spec.name) {
                    match self.out.values.get(spec.name) {
                        Some(Value::List(l)) => l.clone(),
                        _ => Vec::new(),
                    }
                } else {
                    Vec::new()
                };
                if spec.kind == Kind::StringSlice {
                    if !value.is_empty() {
                        list.extend(value.split(',').map(|s| s.trim().to_string()));
                    }
                } else {
                    list.push(value.to_string());
                }
                Value::List(list)
            }
        };
        self.out.values.insert(spec.name, v);
        self.out.changed.insert(spec.name);
        if let Some(msg) = spec.deprecated {
            self.out
                .warnings
                .push(format!("Flag --{} has been deprecated, {msg}\n", spec.name));
        }
        Ok(())
    }
}

fn default_value(spec: &FlagSpec) -> Value {
    match spec.kind {
        Kind::Bool => Value::Bool(parse_go_bool(spec.default).unwrap_or(false)),
        Kind::String => Value::Str(spec.default.to_string()),
        Kind::Int | Kind::Int32 => Value::Int(parse_go_int(spec.default, 64).unwrap_or(0)),
        Kind::Duration => Value::Duration(parse_go_duration(spec.default).unwrap_or(0)),
        Kind::StringArray | Kind::StringSlice => Value::List(Vec::new()),
    }
}

/// Parses `argv` (without the command words, e.g. `["pods", "-w"]` for `kubectl get pods -w`)
/// against `specs`. Later specs with the same name are ignored (put the command's own flags
/// first, then [`GLOBAL_FLAGS`]).
pub fn parse_flags(specs: &[FlagSpec], argv: &[String]) -> Result<Parsed, FlagError> {
    let mut st = State {
        specs,
        out: Parsed::default(),
    };
    for s in specs.iter().rev() {
        st.out.values.insert(s.name, default_value(s));
    }
    let find_long = |name: &str| specs.iter().find(|s| s.name == name).copied();
    let find_short = |c: char| specs.iter().find(|s| s.shorthand == Some(c)).copied();
    let mut i = 0;
    while i < argv.len() {
        let a = &argv[i];
        i += 1;
        if a.len() < 2 || !a.starts_with('-') {
            st.out.args.push(a.clone());
            continue;
        }
        if a == "--" {
            st.out.args_len_at_dash = Some(st.out.args.len());
            st.out.args.extend(argv[i..].iter().cloned());
            break;
        }
        if let Some(body) = a.strip_prefix("--") {
            if body.starts_with('-') || body.starts_with('=') {
                return Err(FlagError::Invalid(format!("bad flag syntax: {a}")));
            }
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (body, None),
            };
            // kubectl normalizes `_` to `-` in flag names (cliflag.WordSepNormalizeFunc).
            let norm = name.replace('_', "-");
            let Some(spec) = find_long(&norm) else {
                if name == "help" {
                    return Err(FlagError::Help);
                }
                return Err(FlagError::Invalid(format!("unknown flag: --{name}")));
            };
            let value = if let Some(v) = inline {
                v.to_string()
            } else if let Some(d) = spec.no_opt_default {
                d.to_string()
            } else if i < argv.len() {
                i += 1;
                argv[i - 1].clone()
            } else {
                return Err(FlagError::Invalid(format!("flag needs an argument: {a}")));
            };
            st.set(&spec, &value)?;
            continue;
        }
        // Shorthands: a run like `-it`, `-oyaml`, `-o=yaml`, `-n ns`.
        let shorts: Vec<char> = a[1..].chars().collect();
        let mut j = 0;
        while j < shorts.len() {
            let c = shorts[j];
            let run: String = shorts[j..].iter().collect();
            let Some(spec) = find_short(c) else {
                if c == 'h' {
                    return Err(FlagError::Help);
                }
                return Err(FlagError::Invalid(format!(
                    "unknown shorthand flag: {} in -{run}",
                    go_quote_rune(c)
                )));
            };
            let value;
            if shorts.get(j + 1) == Some(&'=') && shorts.len() > j + 2 {
                value = shorts[j + 2..].iter().collect::<String>();
                j = shorts.len();
            } else if let Some(d) = spec.no_opt_default {
                value = d.to_string();
                j += 1;
            } else if j + 1 < shorts.len() {
                value = shorts[j + 1..].iter().collect::<String>();
                j = shorts.len();
            } else if i < argv.len() {
                value = argv[i].clone();
                i += 1;
                j += 1;
            } else {
                return Err(FlagError::Invalid(format!(
                    "flag needs an argument: {} in -{run}",
                    go_quote_rune(c)
                )));
            }
            st.set(&spec, &value)?;
        }
    }
    let _ = st.specs;
    Ok(st.out)
}

/// [`parse_flags`] with kubectl's error framing: `Err` is the full stderr text (exit 1), or
/// `Ok(None)` for `--help`.
pub fn parse_kubectl(
    command_path: &str,
    specs: &[FlagSpec],
    argv: &[String],
) -> Result<Option<Parsed>, String> {
    match parse_flags(specs, argv) {
        Ok(p) => Ok(Some(p)),
        Err(FlagError::Help) => Ok(None),
        Err(e) => Err(e.kubectl_message(command_path)),
    }
}
