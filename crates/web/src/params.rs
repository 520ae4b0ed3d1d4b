//! Page parameters from the query string (`?panels=cluster,terminal&theme=dark&speed=4…`).
//!
//! The query string is untrusted input: a docs page author, or anyone who crafts a link, writes
//! it. Parsing is pure and total — every unknown name or invalid value is ignored (the default
//! stays) and described in `notices`, which the page shows as text. Nothing here panics, and
//! sizes are capped before any work.

use std::cell::RefCell;

/// The longest query string read; the rest is ignored (with a notice).
pub const MAX_QUERY: usize = 4_096;
/// The most `name=value` pairs read.
const MAX_PAIRS: usize = 32;
/// The longest state key (`id=`).
pub const MAX_ID: usize = 64;
/// The longest value quoted back in a notice.
const QUOTE_CAP: usize = 40;

/// The page's panels, in page order. `panels=` picks a subset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    Cluster,
    Terminal,
    Editor,
    Playback,
    Events,
    Tour,
}

impl Panel {
    pub const ALL: [Panel; 6] = [
        Panel::Cluster,
        Panel::Terminal,
        Panel::Editor,
        Panel::Playback,
        Panel::Events,
        Panel::Tour,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Panel::Cluster => "cluster",
            Panel::Terminal => "terminal",
            Panel::Editor => "editor",
            Panel::Playback => "playback",
            Panel::Events => "events",
            Panel::Tour => "tour",
        }
    }

    fn parse(s: &str) -> Option<Panel> {
        Panel::ALL.into_iter().find(|p| p.name() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
    /// Follows the reader's `prefers-color-scheme`.
    Auto,
}

impl Theme {
    pub fn name(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::Auto => "auto",
        }
    }
}

/// What the query string asked for, after validation.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// Set by the page shell (`embed.html`), not by the query.
    pub embed: bool,
    /// Shown panels (all when `panels=` is absent or has no valid name).
    pub panels: Vec<Panel>,
    pub theme: Theme,
    /// Index into `engine::SPEEDS`, when `speed=` was given.
    pub speed: Option<usize>,
    pub readonly: bool,
    /// `autoplay=0` starts paused.
    pub autoplay: bool,
    pub present: bool,
    /// The state key (`id=`, or `embed=`), validated.
    pub id: Option<String>,
    /// `host-origin=`: the only origin whose messages the embed accepts.
    pub host_origin: Option<String>,
    /// Tour parameters, read by the tour panel (kept verbatim, capped).
    pub tour: Option<String>,
    pub step: Option<String>,
    /// Why something in the query was ignored, for the page to show.
    pub notices: Vec<String>,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            embed: false,
            panels: Panel::ALL.to_vec(),
            theme: Theme::Light,
            speed: None,
            readonly: false,
            autoplay: true,
            present: false,
            id: None,
            host_origin: None,
            tour: None,
            step: None,
            notices: Vec::new(),
        }
    }
}

impl Params {
    pub fn shows(&self, p: Panel) -> bool {
        self.panels.contains(&p)
    }

    /// One line for the page's notice area, or `None` when everything was understood.
    pub fn notice(&self) -> Option<String> {
        (!self.notices.is_empty()).then(|| format!("Page settings: {}", self.notices.join("; ")))
    }
}

/// Quotes a value for a notice: capped and without control characters.
fn quote(s: &str) -> String {
    let mut q: String = s
        .chars()
        .filter(|c| !c.is_control())
        .take(QUOTE_CAP)
        .collect();
    if s.chars().count() > QUOTE_CAP {
        q.push('…');
    }
    format!("\"{q}\"")
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte; invalid escapes
/// and invalid UTF-8 are kept/replaced rather than rejected.
pub fn decode_component(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let hex = |c: u8| (c as char).to_digit(16);
                match (hex(b[i + 1]), hex(b[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A state key: 1–64 of `A-Z a-z 0-9 - _`.
pub fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_ID
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
}

/// An exact web origin: `http(s)://host[:port]`, no path, query, fragment or credentials.
/// Returns it lower-cased (origins compare case-insensitively in scheme and host).
pub fn parse_origin(s: &str) -> Option<String> {
    let s = s.trim();
    if s.len() > 256 {
        return None;
    }
    let lower = s.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))?;
    if rest.is_empty()
        || !rest
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b':' | b'[' | b']'))
    {
        return None;
    }
    // host, or host:port with a port of 1–65535 (IPv6 hosts are bracketed).
    let (host, port) = match rest.rfind(':') {
        Some(i) if !rest[i..].contains(']') => (&rest[..i], Some(&rest[i + 1..])),
        _ => (rest, None),
    };
    if host.is_empty() || (host.contains(':') && !(host.starts_with('[') && host.ends_with(']'))) {
        return None;
    }
    let port = match port {
        Some(port) => Some(port.parse::<u16>().ok().filter(|p| *p > 0)?),
        None => None,
    };
    // Browsers serialize origins without the scheme's default port.
    let default_port = if lower.starts_with("https:") { 443 } else { 80 };
    if port == Some(default_port) {
        let scheme = if default_port == 443 { "https" } else { "http" };
        return Some(format!("{scheme}://{host}"));
    }
    Some(lower)
}

fn flag(name: &str, v: &str, notices: &mut Vec<String>) -> Option<bool> {
    match v {
        "" | "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => {
            notices.push(format!("{name}={} is not 0 or 1, ignored", quote(v)));
            None
        }
    }
}

/// Parses a query string (with or without the leading `?`). `speeds` are the offered playback
/// speeds (finite ones are matched); `speed=` snaps to the nearest offered one.
pub fn parse(query: &str, speeds: &[f64]) -> Params {
    let mut p = Params::default();
    let mut query = query.strip_prefix('?').unwrap_or(query);
    if query.len() > MAX_QUERY {
        let mut cut = MAX_QUERY;
        while !query.is_char_boundary(cut) {
            cut -= 1;
        }
        query = &query[..cut];
        p.notices.push(format!(
            "the address is longer than {MAX_QUERY} characters; the rest was ignored"
        ));
    }
    let pairs: Vec<&str> = query.split('&').filter(|s| !s.is_empty()).collect();
    if pairs.len() > MAX_PAIRS {
        p.notices.push(format!(
            "more than {MAX_PAIRS} settings; the rest were ignored"
        ));
    }
    let mut unknown: Vec<String> = Vec::new();
    for pair in pairs.into_iter().take(MAX_PAIRS) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode_component(k);
        let value = decode_component(v);
        let v = value.trim();
        match key.as_str() {
            "panels" => {
                let mut chosen = Vec::new();
                for name in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    match Panel::parse(&name.to_ascii_lowercase()) {
                        Some(panel) if !chosen.contains(&panel) => chosen.push(panel),
                        Some(_) => {}
                        None => p.notices.push(format!(
                            "unknown panel {} ignored (panels are cluster, terminal, editor, playback, events, tour)",
                            quote(name)
                        )),
                    }
                }
                if chosen.is_empty() {
                    p.notices
                        .push("panels= named no known panel; showing all panels".into());
                } else {
                    // Page order, whatever order the query used.
                    p.panels = Panel::ALL
                        .into_iter()
                        .filter(|x| chosen.contains(x))
                        .collect();
                }
            }
            "theme" => match v.to_ascii_lowercase().as_str() {
                "light" => p.theme = Theme::Light,
                "dark" => p.theme = Theme::Dark,
                "auto" => p.theme = Theme::Auto,
                _ => p.notices.push(format!(
                    "theme={} is not light, dark or auto; using light",
                    quote(v)
                )),
            },
            "speed" => {
                let x = v.strip_suffix('x').unwrap_or(v).parse::<f64>().ok();
                let finite: Vec<(usize, f64)> = speeds
                    .iter()
                    .copied()
                    .enumerate()
                    .filter(|(_, s)| s.is_finite() && *s > 0.0)
                    .collect();
                let (lo, hi) = finite.iter().fold((f64::MAX, 0.0_f64), |(lo, hi), (_, s)| {
                    (lo.min(*s), hi.max(*s))
                });
                match x.filter(|x| x.is_finite() && *x >= lo && *x <= hi) {
                    Some(x) => {
                        // Nearest on a log scale (speeds double).
                        p.speed = finite
                            .iter()
                            .min_by(|a, b| {
                                let da = (a.1.ln() - x.ln()).abs();
                                let db = (b.1.ln() - x.ln()).abs();
                                da.total_cmp(&db)
                            })
                            .map(|(i, _)| *i);
                    }
                    None => p.notices.push(format!(
                        "speed={} is not a number from {lo} to {hi}; using the default",
                        quote(v)
                    )),
                }
            }
            "readonly" => p.readonly = flag("readonly", v, &mut p.notices).unwrap_or(false),
            "autoplay" => p.autoplay = flag("autoplay", v, &mut p.notices).unwrap_or(true),
            "present" => p.present = flag("present", v, &mut p.notices).unwrap_or(false),
            "id" | "embed" => {
                if valid_id(v) {
                    // `id=` wins over `embed=` whatever the order.
                    if key == "id" || p.id.is_none() {
                        p.id = Some(v.to_string());
                    }
                } else {
                    p.notices.push(format!(
                        "{key}={} is not a valid state key (1–{MAX_ID} letters, digits, - or _); using this address as the key",
                        quote(v)
                    ));
                }
            }
            "host-origin" => match parse_origin(v) {
                Some(o) => p.host_origin = Some(o),
                None => p.notices.push(format!(
                    "host-origin={} is not an origin like https://docs.example.com; the host API is off",
                    quote(v)
                )),
            },
            "tour" => p.tour = Some(v.chars().take(128).collect()),
            "step" => p.step = Some(v.chars().take(16).collect()),
            _ => {
                if unknown.len() < 5 {
                    unknown.push(quote(&key));
                }
            }
        }
    }
    if !unknown.is_empty() {
        p.notices
            .push(format!("unknown setting {} ignored", unknown.join(", ")));
    }
    p
}

thread_local! {
    static CURRENT: RefCell<Option<Params>> = const { RefCell::new(None) };
}

/// Marks the page as the embed shell (called by `mount_embed` before the app mounts).
pub fn set_embed_shell() {
    CURRENT.with(|c| {
        let mut p = read_location();
        p.embed = true;
        *c.borrow_mut() = Some(p);
    });
}

fn read_location() -> Params {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    parse(&search, &crate::engine::SPEEDS)
}

/// The page's parameters, parsed once from `location.search`.
pub fn current() -> Params {
    CURRENT.with(|c| c.borrow_mut().get_or_insert_with(read_location).clone())
}

/// Reads one field without cloning the whole value.
pub fn with<R>(f: impl FnOnce(&Params) -> R) -> R {
    CURRENT.with(|c| f(c.borrow_mut().get_or_insert_with(read_location)))
}
