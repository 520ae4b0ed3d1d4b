//! Network clients: the libc-style resolver (`/etc/hosts`, then DNS with the resolv.conf search
//! list and `ndots`), `nslookup` in both busybox generations, `curl` and busybox `wget`.

use super::coreutils::{bb_usage, flavor_of};
use super::path::absolute;
use super::{
    ContainerEnv, DnsReply, Flavor, HttpOutcome, HttpRequest, HttpResponse, ProgramOutput, QType,
    RData,
};

/// glibc's limit on search domains (MAXDNSRCH).
const MAX_SEARCH: usize = 6;
/// Redirects busybox wget follows before giving up.
const MAX_REDIRECTS: usize = 5;

// ------------------------------------------------------------------------------------------
// resolver
// ------------------------------------------------------------------------------------------

/// The parts of `/etc/resolv.conf` the resolvers use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvConf {
    pub nameservers: Vec<String>,
    pub search: Vec<String>,
    pub ndots: usize,
}

pub fn read_resolv_conf(env: &dyn ContainerEnv) -> ResolvConf {
    let mut rc = ResolvConf {
        nameservers: Vec::new(),
        search: Vec::new(),
        ndots: 1,
    };
    let text = env.read("/etc/resolv.conf").unwrap_or_default();
    for line in text.lines() {
        let mut words = line.split_whitespace();
        match words.next() {
            Some("nameserver") => {
                if let Some(ns) = words.next() {
                    if rc.nameservers.len() < 3 {
                        rc.nameservers.push(ns.to_string());
                    }
                }
            }
            Some("search") | Some("domain") => {
                rc.search = words.take(MAX_SEARCH).map(str::to_string).collect();
            }
            Some("options") => {
                for o in words {
                    if let Some(n) = o.strip_prefix("ndots:") {
                        rc.ndots = n.parse::<usize>().unwrap_or(1).min(15);
                    }
                }
            }
            _ => {}
        }
    }
    if rc.nameservers.is_empty() {
        rc.nameservers.push("127.0.0.1".to_string());
    }
    rc
}

pub fn is_ipv4(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.parse::<u8>().is_ok())
}

/// `/etc/hosts` lookup: `(ip, canonical name)` of the first line naming `name`.
pub fn hosts_lookup(env: &dyn ContainerEnv, name: &str) -> Option<(String, String)> {
    let text = env.read("/etc/hosts").ok()?;
    let name = name.trim_end_matches('.');
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("");
        let mut words = line.split_whitespace();
        let (Some(ip), Some(canonical)) = (words.next(), words.next()) else {
            continue;
        };
        if !is_ipv4(ip) {
            continue; // IPv6 lines (::1 localhost ip6-localhost …): AF_INET lookups skip them
        }
        if canonical.eq_ignore_ascii_case(name) || words.any(|w| w.eq_ignore_ascii_case(name)) {
            return Some((ip.to_string(), canonical.to_string()));
        }
    }
    None
}

/// Reverse lookup as `getnameinfo(NI_NAMEREQD)` does it: `/etc/hosts`, then a DNS PTR query.
pub fn reverse_lookup(env: &dyn ContainerEnv, ip: &str) -> Option<String> {
    if let Ok(text) = env.read("/etc/hosts") {
        for line in text.lines() {
            let mut words = line.split('#').next().unwrap_or("").split_whitespace();
            if words.next() == Some(ip) {
                if let Some(name) = words.next() {
                    return Some(name.to_string());
                }
            }
        }
    }
    let rc = read_resolv_conf(env);
    let ptr = ptr_name(ip)?;
    for ns in &rc.nameservers {
        if let Some(reply) = env.dns_query(ns, &ptr, QType::Ptr) {
            return reply.answers.iter().find_map(|r| match &r.data {
                RData::Ptr(t) => Some(t.trim_end_matches('.').to_string()),
                _ => None,
            });
        }
    }
    None
}

/// `6.1.244.10.in-addr.arpa` for `10.244.1.6`.
pub fn ptr_name(ip: &str) -> Option<String> {
    if !is_ipv4(ip) {
        return None;
    }
    let mut octets: Vec<&str> = ip.split('.').collect();
    octets.reverse();
    Some(format!("{}.in-addr.arpa", octets.join(".")))
}

/// Result of resolving a host name for a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// Addresses in answer order.
    Addrs(Vec<String>),
    /// NXDOMAIN / no A records for every candidate name.
    NotFound,
    /// No name server answered.
    Timeout,
}

/// The names a stub resolver tries for `name`, in order (glibc `res_search`): absolute names
/// as-is; names with at least `ndots` dots first as-is, then with each search domain; shorter
/// names with each search domain first, then as-is.
pub fn search_candidates(rc: &ResolvConf, name: &str) -> Vec<String> {
    if let Some(abs) = name.strip_suffix('.') {
        return vec![abs.to_string()];
    }
    let dots = name.matches('.').count();
    let with_search: Vec<String> = rc.search.iter().map(|d| format!("{name}.{d}")).collect();
    let mut out = Vec::new();
    if dots >= rc.ndots {
        out.push(name.to_string());
        out.extend(with_search);
    } else {
        out.extend(with_search);
        out.push(name.to_string());
    }
    out
}

/// `getaddrinfo(name)` for AF_INET: an IPv4 literal, `/etc/hosts`, then DNS through the search
/// list.
pub fn resolve_host(env: &dyn ContainerEnv, name: &str) -> Resolved {
    if is_ipv4(name) {
        return Resolved::Addrs(vec![name.to_string()]);
    }
    if name.is_empty() || name.len() > 253 {
        return Resolved::NotFound;
    }
    if let Some((ip, _)) = hosts_lookup(env, name) {
        return Resolved::Addrs(vec![ip]);
    }
    let rc = read_resolv_conf(env);
    let mut any_answer = false;
    for candidate in search_candidates(&rc, name) {
        for ns in &rc.nameservers {
            if let Some(reply) = env.dns_query(ns, &candidate, QType::A) {
                any_answer = true;
                let addrs = reply.addresses();
                if !addrs.is_empty() {
                    return Resolved::Addrs(addrs);
                }
                break;
            }
        }
    }
    if any_answer {
        Resolved::NotFound
    } else {
        Resolved::Timeout
    }
}

// ------------------------------------------------------------------------------------------
// nslookup
// ------------------------------------------------------------------------------------------

pub fn nslookup(argv: &[String], _stdin: &str, env: &mut dyn ContainerEnv) -> ProgramOutput {
    match flavor_of(env) {
        Flavor::BusyboxOld => nslookup_old(argv, env),
        fl => nslookup_modern(argv, env, fl),
    }
}

/// busybox ≤ 1.28 `nslookup.c` (libc resolver): `print_host()` with `%-10s` headers and
/// `Address N: ip[ reverse]`.
fn nslookup_old(argv: &[String], env: &mut dyn ContainerEnv) -> ProgramOutput {
    let fl = Flavor::BusyboxOld;
    if argv.len() < 2 || argv.len() > 3 || argv[1].starts_with('-') {
        return bb_usage(fl, "nslookup [HOST] [SERVER]\n\nQuery the nameserver for the IP address of the given HOST\noptionally using a specified DNS server");
    }
    let name = &argv[1];
    let rc = read_resolv_conf(env);
    let server = match argv.get(2) {
        Some(s) if is_ipv4(s) => s.clone(),
        Some(s) => match resolve_host(env, s) {
            Resolved::Addrs(a) => a[0].clone(),
            _ => return ProgramOutput::err(format!("nslookup: bad address '{s}'\n"), 1),
        },
        None => rc.nameservers[0].clone(),
    };
    let mut out = ProgramOutput::default();
    let host_block = |env: &dyn ContainerEnv, header: &str, shown: &str, addrs: &[String]| {
        let mut s = format!("{header:<10} {shown}\n");
        for (i, ip) in addrs.iter().enumerate() {
            match reverse_lookup(env, ip) {
                Some(rev) => s.push_str(&format!("Address {}: {ip} {rev}\n", i + 1)),
                None => s.push_str(&format!("Address {}: {ip}\n", i + 1)),
            }
        }
        s
    };
    out.stdout.push_str(&host_block(
        env,
        "Server:",
        &server,
        std::slice::from_ref(&server),
    ));
    out.stdout.push('\n');
    // An explicit server replaces resolv.conf's nameservers for the lookup.
    let resolved = if argv.get(2).is_some() {
        let overlay = ServerOverride {
            rc: &rc,
            server: &server,
        };
        overlay.resolve(env, name)
    } else {
        resolve_host(env, name)
    };
    match resolved {
        Resolved::Addrs(addrs) => out.stdout.push_str(&host_block(env, "Name:", name, &addrs)),
        _ => {
            out.stderr
                .push_str(&format!("nslookup: can't resolve '{name}'\n"));
            out.exit_code = 1;
        }
    }
    out
}

/// Resolution through an explicit server (`nslookup NAME SERVER`).
struct ServerOverride<'a> {
    rc: &'a ResolvConf,
    server: &'a str,
}

impl ServerOverride<'_> {
    fn resolve(&self, env: &dyn ContainerEnv, name: &str) -> Resolved {
        if is_ipv4(name) {
            return Resolved::Addrs(vec![name.to_string()]);
        }
        if let Some((ip, _)) = hosts_lookup(env, name) {
            return Resolved::Addrs(vec![ip]);
        }
        let mut any = false;
        for c in search_candidates(self.rc, name) {
            if let Some(reply) = env.dns_query(self.server, &c, QType::A) {
                any = true;
                let a = reply.addresses();
                if !a.is_empty() {
                    return Resolved::Addrs(a);
                }
            }
        }
        if any {
            Resolved::NotFound
        } else {
            Resolved::Timeout
        }
    }
}

/// busybox ≥ 1.29 `nslookup.c` (the LEDE/OpenWrt resolver, FEATURE_NSLOOKUP_BIG): queries A
/// and AAAA, applies the search list only to names without a dot (`add_query_with_search`),
/// prints `Server:\t\t…`/`Address:\t…:53` on the first reply, then one block per reply.
fn nslookup_modern(argv: &[String], env: &mut dyn ContainerEnv, fl: Flavor) -> ProgramOutput {
    let usage = "nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n\nQuery DNS about HOST\n\nQUERY_TYPE: soa,ns,a,aaaa,cname,mx,txt,ptr,srv,any";
    let mut types: Vec<&'static str> = Vec::new();
    let mut rest = argv.get(1..).unwrap_or(&[]).iter();
    let mut positional: Vec<String> = Vec::new();
    for a in rest.by_ref() {
        if !a.starts_with('-') {
            positional.push(a.clone());
            break;
        }
        let opt = &a[1..];
        let (key, val) = opt.split_once('=').unwrap_or((opt, ""));
        match key {
            "type" | "querytype" => {
                const NAMES: [&str; 10] = [
                    "SOA", "NS", "A", "AAAA", "CNAME", "MX", "TXT", "PTR", "SRV", "ANY",
                ];
                match NAMES.iter().find(|n| n.eq_ignore_ascii_case(val)) {
                    Some(n) => {
                        if !types.contains(n) {
                            types.push(n);
                        }
                    }
                    None => {
                        return ProgramOutput::err(
                            format!("nslookup: invalid query type \"{val}\"\n"),
                            1,
                        )
                    }
                }
            }
            "port" | "retry" | "t" | "timeout" if val.parse::<u32>().is_ok() => {}
            "debug" => {}
            _ => return bb_usage(fl, usage),
        }
    }
    positional.extend(rest.cloned());
    if positional.is_empty() || positional.len() > 2 {
        return bb_usage(fl, usage);
    }
    let name = positional[0].clone();
    let rc = read_resolv_conf(env);
    let servers: Vec<String> = match positional.get(1) {
        Some(s) => vec![s.clone()],
        None => rc.nameservers.clone(),
    };
    // Queries, in the order busybox adds them. Types are added in qtypes[] table order.
    let mut queries: Vec<(String, &'static str)> = Vec::new();
    let add_with_search = |queries: &mut Vec<(String, &'static str)>, ty: &'static str| {
        if ty == "PTR" || rc.search.is_empty() || name.contains('.') {
            queries.push((name.clone(), ty));
        } else {
            for d in &rc.search {
                queries.push((format!("{name}.{d}"), ty));
            }
        }
    };
    if types.is_empty() {
        match ptr_name(&name) {
            Some(ptr) => queries.push((ptr, "PTR")),
            None => {
                add_with_search(&mut queries, "A");
                add_with_search(&mut queries, "AAAA");
            }
        }
    } else {
        const ORDER: [&str; 10] = [
            "SOA", "NS", "A", "AAAA", "CNAME", "MX", "TXT", "PTR", "SRV", "ANY",
        ];
        for ty in ORDER {
            if types.contains(&ty) {
                add_with_search(&mut queries, ty);
            }
        }
    }
    let mut out = ProgramOutput::default();
    for server in &servers {
        let replies: Vec<Option<DnsReply>> = queries
            .iter()
            .map(|(q, ty)| {
                let qtype = match *ty {
                    "A" => Some(QType::A),
                    "AAAA" => Some(QType::Aaaa),
                    "PTR" => Some(QType::Ptr),
                    "SRV" => Some(QType::Srv),
                    _ => None,
                };
                match qtype {
                    Some(t) => env.dns_query(server, q, t),
                    // Types the simulated DNS does not serve: answer like CoreDNS does for a
                    // name without such records (NOERROR, empty) when the name exists.
                    None => env.dns_query(server, q, QType::A).map(|r| DnsReply {
                        answers: Vec::new(),
                        ..r
                    }),
                }
            })
            .collect();
        if replies.iter().all(Option::is_none) {
            continue;
        }
        let port_suffix = if server.contains(':') {
            String::new()
        } else {
            ":53".to_string()
        };
        out.stdout.push_str(&format!(
            "Server:\t\t{server}\nAddress:\t{server}{port_suffix}\n\n"
        ));
        let mut unanswered = Vec::new();
        for ((q, _), reply) in queries.iter().zip(&replies) {
            let Some(reply) = reply else {
                unanswered.push(q.clone());
                continue;
            };
            if reply.rcode != super::Rcode::NoError {
                out.stdout.push_str(&format!(
                    "** server can't find {q}: {}\n",
                    reply.rcode.name()
                ));
                out.exit_code = 1;
            } else {
                if !reply.authoritative {
                    out.stdout.push_str("Non-authoritative answer:\n");
                }
                for r in &reply.answers {
                    match &r.data {
                        RData::A(ip) | RData::Aaaa(ip) => {
                            out.stdout
                                .push_str(&format!("Name:\t{}\nAddress: {ip}\n", r.name));
                        }
                        RData::Ptr(t) => out.stdout.push_str(&format!("{}\tname = {t}\n", r.name)),
                        RData::Srv {
                            priority,
                            weight,
                            port,
                            target,
                        } => out.stdout.push_str(&format!(
                            "{}\tservice = {priority} {weight} {port} {target}\n",
                            r.name
                        )),
                    }
                }
            }
            out.stdout.push('\n');
        }
        for q in &unanswered {
            out.stdout
                .push_str(&format!("*** Can't find {q}: No answer\n"));
        }
        if !unanswered.is_empty() {
            out.stdout.push('\n');
        }
        return out;
    }
    out.stdout
        .push_str(";; connection timed out; no servers could be reached\n\n");
    out.exit_code = 1;
    out
}

// ------------------------------------------------------------------------------------------
// URLs and HTTP clients
// ------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
struct Url {
    scheme: String,
    host: String,
    port: u16,
    path: String,
}

enum UrlError {
    UnsupportedScheme(String),
    BadPort,
    NoHost,
}

fn parse_url(raw: &str) -> Result<Url, UrlError> {
    let (scheme, rest) = match raw.split_once("://") {
        Some((s, r)) => (s.to_ascii_lowercase(), r),
        None => ("http".to_string(), raw),
    };
    if scheme != "http" && scheme != "https" {
        return Err(UrlError::UnsupportedScheme(scheme));
    }
    let (authority, path) = match rest.find(['/', '?', '#']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let default_port = if scheme == "https" { 443 } else { 80 };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !p.is_empty() => match p.parse::<u16>() {
            Ok(p) if p > 0 => (h, p),
            _ => return Err(UrlError::BadPort),
        },
        Some((h, _)) => (h, default_port),
        None => (authority, default_port),
    };
    if host.is_empty() {
        return Err(UrlError::NoHost);
    }
    let mut path = path.split('#').next().unwrap_or("").to_string();
    if path.is_empty() || path.starts_with('?') {
        path.insert(0, '/');
    }
    Ok(Url {
        scheme,
        host: host.to_ascii_lowercase(),
        port,
        path,
    })
}

fn host_header(url: &Url) -> String {
    let default = if url.scheme == "https" { 443 } else { 80 };
    if url.port == default {
        url.host.clone()
    } else {
        format!("{}:{}", url.host, url.port)
    }
}

/// The client's source address as the server sees it.
fn client_ip(env: &dyn ContainerEnv, target_ip: &str) -> String {
    if target_ip.starts_with("127.") {
        return "127.0.0.1".to_string();
    }
    hosts_lookup(env, &env.hostname())
        .map(|(ip, _)| ip)
        .unwrap_or_else(|| "127.0.0.1".to_string())
}

fn status_line(resp: &HttpResponse) -> String {
    format!("HTTP/1.1 {} {}", resp.status, resp.reason)
}

fn head_text(resp: &HttpResponse) -> String {
    let mut s = format!("{}\r\n", status_line(resp));
    for (k, v) in &resp.headers {
        s.push_str(&format!("{k}: {v}\r\n"));
    }
    s.push_str("\r\n");
    s
}

// ------------------------------------------------------------------------------------------
// curl
// ------------------------------------------------------------------------------------------

#[derive(Default)]
struct CurlOpts {
    silent: bool,
    no_meter: bool,
    show_error: bool,
    head: bool,
    include: bool,
    fail: bool,
    output: Option<String>,
    remote_name: bool,
    write_out: Option<String>,
    method: Option<String>,
    max_time_ms: Option<u64>,
    connect_timeout_ms: Option<u64>,
    user_agent: Option<String>,
    urls: Vec<String>,
}

fn curl_version(fl: Flavor) -> (&'static str, bool) {
    // (version, modern error texts). Ubuntu 16.04: 7.47.0; Debian bookworm: 7.88.1;
    // Alpine 3.21: 8.12.1 [unverified which Alpine release agnhost/nginx:alpine use].
    match fl {
        Flavor::UbuntuSlim => ("7.47.0", false),
        Flavor::Debian => ("7.88.1", true),
        _ => ("8.12.1", true),
    }
}

fn curl_usage_error(msg: &str) -> ProgramOutput {
    ProgramOutput::err(
        format!("curl: {msg}\ncurl: try 'curl --help' or 'curl --manual' for more information\n"),
        2,
    )
}

fn parse_secs_ms(s: &str) -> Option<u64> {
    let v: f64 = s.parse().ok()?;
    if v.is_finite() && v >= 0.0 {
        Some((v * 1000.0).min(1e15) as u64)
    } else {
        None
    }
}

fn parse_curl_args(argv: &[String]) -> Result<CurlOpts, ProgramOutput> {
    let mut o = CurlOpts::default();
    let list = argv.get(1..).unwrap_or(&[]);
    let mut i = 0;
    let take = |i: &mut usize, opt: &str| -> Result<String, ProgramOutput> {
        *i += 1;
        list.get(*i - 1)
            .cloned()
            .ok_or_else(|| curl_usage_error(&format!("option {opt}: requires parameter")))
    };
    while i < list.len() {
        let a = list[i].clone();
        i += 1;
        if !a.starts_with('-') || a == "-" {
            o.urls.push(a);
            continue;
        }
        if let Some(long) = a.strip_prefix("--") {
            match long {
                "silent" => o.silent = true,
                "show-error" => o.show_error = true,
                "head" => o.head = true,
                "include" => o.include = true,
                "fail" => o.fail = true,
                "location" | "insecure" | "verbose" | "compressed" => {}
                "no-progress-meter" => o.no_meter = true,
                "remote-name" => o.remote_name = true,
                "output" => o.output = Some(take(&mut i, &a)?),
                "write-out" => o.write_out = Some(take(&mut i, &a)?),
                "request" => o.method = Some(take(&mut i, &a)?),
                "user-agent" => o.user_agent = Some(take(&mut i, &a)?),
                "header" => {
                    take(&mut i, &a)?;
                }
                "max-time" => {
                    let v = take(&mut i, &a)?;
                    o.max_time_ms = Some(parse_secs_ms(&v).ok_or_else(|| {
                        curl_usage_error(&format!(
                            "option {a}: expected a proper numerical parameter"
                        ))
                    })?);
                }
                "connect-timeout" => {
                    let v = take(&mut i, &a)?;
                    o.connect_timeout_ms = Some(parse_secs_ms(&v).ok_or_else(|| {
                        curl_usage_error(&format!(
                            "option {a}: expected a proper numerical parameter"
                        ))
                    })?);
                }
                "url" => {
                    let u = take(&mut i, &a)?;
                    o.urls.push(u);
                }
                _ => return Err(curl_usage_error(&format!("option {a}: is unknown"))),
            }
            continue;
        }
        let letters: Vec<char> = a.chars().skip(1).collect();
        let mut j = 0;
        while j < letters.len() {
            let c = letters[j];
            j += 1;
            let needs_arg = matches!(c, 'o' | 'w' | 'X' | 'm' | 'H' | 'A' | 'd' | 'u' | 'e');
            if needs_arg {
                let rest: String = letters[j..].iter().collect();
                let val = if rest.is_empty() {
                    take(&mut i, &format!("-{c}"))?
                } else {
                    rest
                };
                match c {
                    'o' => o.output = Some(val),
                    'w' => o.write_out = Some(val),
                    'X' => o.method = Some(val),
                    'A' => o.user_agent = Some(val),
                    'm' => {
                        o.max_time_ms = Some(parse_secs_ms(&val).ok_or_else(|| {
                            curl_usage_error("option -m: expected a proper numerical parameter")
                        })?)
                    }
                    'd' => o.method = o.method.take().or(Some("POST".to_string())),
                    _ => {}
                }
                break;
            }
            match c {
                's' => o.silent = true,
                'S' => o.show_error = true,
                'I' => o.head = true,
                'i' => o.include = true,
                'f' => o.fail = true,
                'O' => o.remote_name = true,
                'L' | 'k' | 'v' | '4' | 'N' | 'q' => {}
                _ => return Err(curl_usage_error(&format!("option -{c}: is unknown"))),
            }
        }
    }
    Ok(o)
}

/// curl's `max5data()` rendering of a transfer speed in bytes/s.
fn curl_speed(bytes_per_sec: u64) -> String {
    if bytes_per_sec < 100_000 {
        bytes_per_sec.to_string()
    } else if bytes_per_sec < 10 * 1024 * 1024 {
        format!("{}k", bytes_per_sec / 1024)
    } else {
        format!("{}M", bytes_per_sec / (1024 * 1024))
    }
}

fn curl_meter(size: u64) -> String {
    // A simulated transfer takes ~1 ms.
    let speed = curl_speed(size.saturating_mul(1000));
    format!(
        "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n                                 Dload  Upload   Total   Spent    Left  Speed\n{:>3} {:>5}  {:>3} {:>5}  {:>3} {:>5}  {:>5}  {:>5} --:--:-- --:--:-- --:--:-- {:>5}\n",
        100, size, 100, size, 0, 0, speed, 0, speed
    )
}

pub fn curl(argv: &[String], _stdin: &str, env: &mut dyn ContainerEnv) -> ProgramOutput {
    let fl = flavor_of(env);
    let (version, modern) = curl_version(fl);
    let o = match parse_curl_args(argv) {
        Ok(o) => o,
        Err(e) => return e,
    };
    if o.urls.is_empty() {
        return curl_usage_error("no URL specified!");
    }
    let mut out = ProgramOutput::default();
    let show_errors = !o.silent || o.show_error;
    let start = env.now_ms();
    let mut elapsed_ms: u64 = 0;
    for raw in &o.urls {
        let fail = |out: &mut ProgramOutput, code: i32, msg: String| {
            if show_errors {
                out.stderr.push_str(&format!("curl: ({code}) {msg}\n"));
            }
            out.exit_code = code;
        };
        let url = match parse_url(raw) {
            Ok(u) => u,
            Err(UrlError::UnsupportedScheme(s)) => {
                let msg = if modern {
                    format!("Protocol \"{s}\" not supported")
                } else {
                    format!("Protocol \"{s}\" not supported or disabled in libcurl")
                };
                fail(&mut out, 1, msg);
                continue;
            }
            Err(UrlError::BadPort) => {
                fail(
                    &mut out,
                    3,
                    "URL using bad/illegal format or missing URL".to_string(),
                );
                continue;
            }
            Err(UrlError::NoHost) => {
                fail(
                    &mut out,
                    3,
                    if modern {
                        "URL rejected: No host part in the URL".to_string()
                    } else {
                        "<url> malformed".to_string()
                    },
                );
                continue;
            }
        };
        let ip = match resolve_host(env, &url.host) {
            Resolved::Addrs(a) => a[0].clone(),
            Resolved::NotFound | Resolved::Timeout => {
                fail(&mut out, 6, format!("Could not resolve host: {}", url.host));
                continue;
            }
        };
        let method = if o.head {
            "HEAD".to_string()
        } else {
            o.method.clone().unwrap_or_else(|| "GET".into())
        };
        let request = HttpRequest {
            method: method.clone(),
            path: url.path.clone(),
            host: host_header(&url),
            user_agent: o
                .user_agent
                .clone()
                .unwrap_or_else(|| format!("curl/{version}")),
            client_ip: client_ip(env, &ip),
        };
        // TLS is not simulated: nginx in these images listens on port 80 only, so an https URL
        // on 443 meets a closed port.
        let outcome = env.http(&ip, url.port, &request);
        let connect_msg = |reason: &str, ms: u64| {
            if modern {
                format!(
                    "Failed to connect to {} port {} after {ms} ms: {reason}",
                    url.host, url.port
                )
            } else {
                format!(
                    "Failed to connect to {} port {}: {reason}",
                    url.host, url.port
                )
            }
        };
        let resp = match outcome {
            HttpOutcome::Response(r) => r,
            HttpOutcome::Refused => {
                let reason = if modern {
                    "Couldn't connect to server"
                } else {
                    "Connection refused"
                };
                fail(&mut out, 7, connect_msg(reason, 0));
                continue;
            }
            HttpOutcome::NoRoute => {
                let reason = if modern {
                    "Couldn't connect to server"
                } else {
                    "No route to host"
                };
                fail(&mut out, 7, connect_msg(reason, 3));
                continue;
            }
            HttpOutcome::Timeout { after_ms } => {
                let limit = match (o.connect_timeout_ms, o.max_time_ms) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                match limit {
                    Some(l) if l < after_ms => {
                        elapsed_ms = elapsed_ms.saturating_add(l);
                        let msg = if modern {
                            format!(
                                "Failed to connect to {} port {} after {l} ms: Timeout was reached",
                                url.host, url.port
                            )
                        } else {
                            format!("Connection timed out after {l} milliseconds")
                        };
                        fail(&mut out, 28, msg);
                    }
                    _ => {
                        elapsed_ms = elapsed_ms.saturating_add(after_ms);
                        // [unverified] modern curl's text for a kernel-level connect timeout.
                        let (code, reason) = if modern {
                            (28, "Couldn't connect to server")
                        } else {
                            (7, "Connection timed out")
                        };
                        fail(&mut out, code, connect_msg(reason, after_ms));
                    }
                }
                continue;
            }
        };
        if o.fail && resp.status >= 400 {
            let msg = if modern {
                format!("The requested URL returned error: {}", resp.status)
            } else {
                format!(
                    "The requested URL returned error: {} {}",
                    resp.status, resp.reason
                )
            };
            fail(&mut out, 22, msg);
            continue;
        }
        let mut payload = String::new();
        if o.head || o.include {
            payload.push_str(&head_text(&resp));
        }
        if !o.head {
            payload.push_str(&resp.body);
        }
        let target = o.output.clone().or_else(|| {
            o.remote_name.then(|| {
                let last = url
                    .path
                    .split('?')
                    .next()
                    .unwrap_or("")
                    .rsplit('/')
                    .next()
                    .unwrap_or("");
                last.to_string()
            })
        });
        let meter = !o.silent && !o.no_meter && (target.is_some() || !env.stdout_is_tty());
        if meter {
            out.stderr.push_str(&curl_meter(payload.len() as u64));
        }
        match target {
            Some(t) if t != "-" => {
                if t.is_empty() {
                    fail(&mut out, 23, "Remote file name has no length!".to_string());
                    continue;
                }
                let p = absolute(&env.cwd(), &t);
                if let Err(e) = env.write(&p, &payload, false) {
                    if show_errors {
                        out.stderr
                            .push_str(&format!("Warning: Failed to create the file {t}: {e}\n"));
                    }
                    let msg = if modern {
                        "Failure writing output to destination".to_string()
                    } else {
                        format!("Failed writing body (0 != {})", payload.len())
                    };
                    fail(&mut out, 23, msg);
                    continue;
                }
            }
            _ => out.stdout.push_str(&payload),
        }
        if let Some(w) = &o.write_out {
            out.stdout.push_str(
                &w.replace("%{http_code}", &resp.status.to_string())
                    .replace("%{response_code}", &resp.status.to_string())
                    .replace("%{size_download}", &resp.body.len().to_string())
                    .replace("\\n", "\n"),
            );
        }
    }
    if elapsed_ms > 0 {
        out.blocks_until_ms = Some(start.saturating_add(elapsed_ms));
    }
    out
}

// ------------------------------------------------------------------------------------------
// wget (busybox)
// ------------------------------------------------------------------------------------------

pub fn wget(argv: &[String], _stdin: &str, env: &mut dyn ContainerEnv) -> ProgramOutput {
    let fl = flavor_of(env);
    let modern = fl != Flavor::BusyboxOld;
    let usage = "wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header 'HEADER: VALUE'] [-Y on/off]\n\t[--no-check-certificate] [-P DIR] [-U AGENT] [-T SEC] URL...";
    let mut quiet = false;
    let mut spider = false;
    let mut server_response = false;
    let mut output: Option<String> = None;
    let mut urls: Vec<String> = Vec::new();
    let list = argv.get(1..).unwrap_or(&[]);
    let mut i = 0;
    while i < list.len() {
        let a = &list[i];
        i += 1;
        match a.as_str() {
            "-q" | "--quiet" => quiet = true,
            "-S" | "--server-response" => server_response = true,
            "--spider" => spider = true,
            "-O" | "--output-document" => match list.get(i) {
                Some(v) => {
                    output = Some(v.clone());
                    i += 1;
                }
                None => return bb_usage(fl, usage),
            },
            "-T" | "-U" | "-Y" | "-P" | "--header" | "-o" => i += 1,
            "-c" | "--no-check-certificate" => {}
            s if s.starts_with("-O") && s.len() > 2 => output = Some(s[2..].to_string()),
            "-qO-" | "-qO" => {
                quiet = true;
                output = Some(if a == "-qO-" {
                    "-".into()
                } else {
                    list.get(i).cloned().unwrap_or_default()
                });
                if a == "-qO" {
                    i += 1;
                }
            }
            s if s.starts_with('-') && s.len() > 1 => {
                let mut out = bb_usage(fl, usage);
                out.stderr = format!("wget: unrecognized option '{s}'\n{}", out.stderr);
                return out;
            }
            _ => urls.push(a.clone()),
        }
    }
    if urls.is_empty() {
        return bb_usage(fl, usage);
    }
    let mut out = ProgramOutput::default();
    for raw in &urls {
        let mut url = match parse_url(raw) {
            Ok(u) => u,
            Err(UrlError::UnsupportedScheme(s)) => {
                out.stderr
                    .push_str(&format!("wget: not an http or ftp url: {s}\n"));
                out.exit_code = 1;
                return out;
            }
            Err(_) => {
                out.stderr.push_str(&format!("wget: bad address '{raw}'\n"));
                out.exit_code = 1;
                return out;
            }
        };
        let mut redirects = 0;
        let resp = loop {
            let ip = match resolve_host(env, &url.host) {
                Resolved::Addrs(a) => a[0].clone(),
                _ => {
                    out.stderr
                        .push_str(&format!("wget: bad address '{}'\n", url.host));
                    out.exit_code = 1;
                    return out;
                }
            };
            if !quiet {
                out.stderr.push_str(&format!(
                    "Connecting to {} ({ip}:{})\n",
                    host_header(&url),
                    url.port
                ));
            }
            let request = HttpRequest {
                method: if spider { "HEAD".into() } else { "GET".into() },
                path: url.path.clone(),
                host: host_header(&url),
                user_agent: "Wget".to_string(),
                client_ip: client_ip(env, &ip),
            };
            match env.http(&ip, url.port, &request) {
                HttpOutcome::Response(r) => {
                    if server_response {
                        out.stderr.push_str(&format!("  {}\n", status_line(&r)));
                        for (k, v) in &r.headers {
                            out.stderr.push_str(&format!("  {k}: {v}\n"));
                        }
                    }
                    if matches!(r.status, 301 | 302 | 303 | 307 | 308) && redirects < MAX_REDIRECTS
                    {
                        if let Some(loc) = r.header("Location").and_then(|l| parse_url(l).ok()) {
                            url = loc;
                            redirects += 1;
                            continue;
                        }
                    }
                    break r;
                }
                other => {
                    let reason = match other {
                        HttpOutcome::Refused => "Connection refused",
                        HttpOutcome::NoRoute => "No route to host",
                        _ => "Connection timed out",
                    };
                    out.stderr.push_str(&format!(
                        "wget: can't connect to remote host ({ip}): {reason}\n"
                    ));
                    out.exit_code = 1;
                    if let HttpOutcome::Timeout { after_ms } = other {
                        out.blocks_until_ms = Some(env.now_ms().saturating_add(after_ms));
                    }
                    return out;
                }
            }
        };
        if resp.status >= 400 || !(200..300).contains(&resp.status) {
            out.stderr.push_str(&format!(
                "wget: server returned error: {}\n",
                status_line(&resp)
            ));
            out.exit_code = 1;
            return out;
        }
        if spider {
            if !quiet && modern {
                out.stderr.push_str("remote file exists\n");
            }
            continue;
        }
        let file = output.clone().unwrap_or_else(|| {
            let last = url
                .path
                .split('?')
                .next()
                .unwrap_or("")
                .rsplit('/')
                .next()
                .unwrap_or("");
            if last.is_empty() {
                "index.html".to_string()
            } else {
                last.to_string()
            }
        });
        let size = resp.body.len();
        if file == "-" {
            if !quiet && modern {
                out.stderr.push_str("writing to stdout\n");
            }
            out.stdout.push_str(&resp.body);
            if !quiet {
                out.stderr.push_str(&wget_bar("-", size));
                if modern {
                    out.stderr.push_str("written to stdout\n");
                }
            }
            continue;
        }
        let p = absolute(&env.cwd(), &file);
        // Without -O busybox opens the file O_EXCL; with -O it truncates.
        if output.is_none() && env.stat(&p).is_ok() {
            out.stderr
                .push_str(&format!("wget: can't open '{file}': File exists\n"));
            out.exit_code = 1;
            return out;
        }
        if !quiet && modern {
            out.stderr.push_str(&format!("saving to '{file}'\n"));
        }
        if let Err(e) = env.write(&p, &resp.body, false) {
            out.stderr
                .push_str(&format!("wget: can't open '{file}': {e}\n"));
            out.exit_code = 1;
            return out;
        }
        if !quiet {
            out.stderr.push_str(&wget_bar(&file, size));
            if modern {
                out.stderr.push_str(&format!("'{file}' saved\n"));
            }
        }
    }
    out
}

/// busybox `bb_progress_update()` final state [layout unverified: the bar width follows the
/// terminal width; 80 columns assumed].
fn wget_bar(name: &str, size: usize) -> String {
    let name: String = name.chars().take(20).collect();
    format!(
        "{name:<20} 100% |{}| {size:>5}  0:00:00 ETA\n",
        "*".repeat(31)
    )
}
