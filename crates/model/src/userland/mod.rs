//! The programs inside simulated containers: busybox applets, the Debian/Ubuntu tools of the
//! nginx images, `curl`/`wget`/`nslookup`, and nginx itself as a server function.
//!
//! Architecture: this module knows nothing of the kubelet, the volume store or the DNS view. A
//! container is a [`ContainerEnv`] (its filesystem as the container sees it — image files with
//! volume mounts masking image directories —, its hostname, environment, resolver and network);
//! the kubelet implements it, the shell interpreter (`ordinal-kubectl`, `src/shell/`) calls
//! [`lookup`] to find a program by name in an image and runs it with argv/stdin. Pipes,
//! redirections, `$(…)`, quoting, `echo` and other builtins are the shell's job.
//!
//! Programs are pure functions of (argv, stdin, env): deterministic, no wall clock, bounded.

mod coreutils;
mod files;
mod net;
mod nginx;
mod path;

pub use files::{
    etc_hostname, hosts_file, image_files, resolv_conf, ImageFile, NGINX_INDEX_NEW, NGINX_INDEX_OLD,
};
pub use net::{
    hosts_lookup, ptr_name, read_resolv_conf, resolve_host, reverse_lookup, search_candidates,
    ResolvConf, Resolved,
};
pub use nginx::{nginx_version, serve, AccessLogLine, ServeRequest, ServeResult};

use std::fmt;

// ---------------------------------------------------------------------------------------------
// Filesystem
// ---------------------------------------------------------------------------------------------

/// errno-like failure kinds of filesystem operations; [`Errno::text`] is glibc's `strerror`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Errno {
    /// ENOENT
    NotFound,
    /// EEXIST
    Exists,
    /// ENOTDIR
    NotADirectory,
    /// EISDIR
    IsADirectory,
    /// ENOTEMPTY
    NotEmpty,
    /// EACCES
    PermissionDenied,
    /// EBUSY (e.g. renaming or removing a mount point)
    Busy,
    /// EROFS
    ReadOnly,
    /// EXDEV (rename across mounts; `mv` falls back to copy + remove)
    CrossDevice,
    /// EINVAL (e.g. moving a directory into itself)
    Invalid,
    /// ENOSPC
    NoSpace,
    /// ESRCH (kill)
    NoSuchProcess,
    /// EPERM
    NotPermitted,
}

impl Errno {
    /// `strerror(errno)` as glibc and musl/uclibc print it (they agree for these).
    pub fn text(self) -> &'static str {
        match self {
            Errno::NotFound => "No such file or directory",
            Errno::Exists => "File exists",
            Errno::NotADirectory => "Not a directory",
            Errno::IsADirectory => "Is a directory",
            Errno::NotEmpty => "Directory not empty",
            Errno::PermissionDenied => "Permission denied",
            Errno::Busy => "Device or resource busy",
            Errno::ReadOnly => "Read-only file system",
            Errno::CrossDevice => "Invalid cross-device link",
            Errno::Invalid => "Invalid argument",
            Errno::NoSpace => "No space left on device",
            Errno::NoSuchProcess => "No such process",
            Errno::NotPermitted => "Operation not permitted",
        }
    }
    /// The numeric errno (Linux), as nginx prints it in its error log (`(2: No such file …)`).
    pub fn code(self) -> i32 {
        match self {
            Errno::NotPermitted => 1,
            Errno::NotFound => 2,
            Errno::NoSuchProcess => 3,
            Errno::PermissionDenied => 13,
            Errno::Busy => 16,
            Errno::Exists => 17,
            Errno::CrossDevice => 18,
            Errno::NotADirectory => 20,
            Errno::IsADirectory => 21,
            Errno::Invalid => 22,
            Errno::NoSpace => 28,
            Errno::ReadOnly => 30,
            Errno::NotEmpty => 39,
        }
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text())
    }
}

/// A filesystem error: the errno of the failed syscall.
pub type FsError = Errno;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    File,
    Dir,
}

/// `stat(2)` as the programs need it. Owner is always root (uid 0) in this simulation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stat {
    pub kind: FileKind,
    /// Permission bits only (e.g. `0o644`); the kind is [`Stat::kind`].
    pub mode: u32,
    pub size: u64,
    /// Modification time, ms since the Unix epoch (virtual).
    pub mtime_ms: u64,
}

/// One directory entry (no `.`/`..`; programs add them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirEntry {
    pub name: String,
    pub stat: Stat,
}

// ---------------------------------------------------------------------------------------------
// DNS and HTTP
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QType {
    A,
    Aaaa,
    Ptr,
    Srv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rcode {
    NoError,
    ServFail,
    NxDomain,
    Refused,
}

impl Rcode {
    /// The name busybox's nslookup prints (`rcodes[]` in `networking/nslookup.c`).
    pub fn name(self) -> &'static str {
        match self {
            Rcode::NoError => "NOERROR",
            Rcode::ServFail => "SERVFAIL",
            Rcode::NxDomain => "NXDOMAIN",
            Rcode::Refused => "REFUSED",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RData {
    /// Dotted IPv4 address.
    A(String),
    Aaaa(String),
    /// Target name without the trailing dot.
    Ptr(String),
    Srv {
        priority: u16,
        weight: u16,
        port: u16,
        target: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsRecord {
    /// Owner name without the trailing dot.
    pub name: String,
    pub data: RData,
}

/// One DNS response (CoreDNS is authoritative for `cluster.local`, so `authoritative` is set for
/// cluster names; upstream NXDOMAIN answers for other names are not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsReply {
    pub rcode: Rcode,
    pub authoritative: bool,
    pub answers: Vec<DnsRecord>,
}

impl DnsReply {
    pub fn nxdomain() -> DnsReply {
        DnsReply {
            rcode: Rcode::NxDomain,
            authoritative: true,
            answers: Vec::new(),
        }
    }
    pub fn addresses(&self) -> Vec<String> {
        self.answers
            .iter()
            .filter_map(|r| match &r.data {
                RData::A(ip) => Some(ip.clone()),
                _ => None,
            })
            .collect()
    }
}

/// An HTTP request as a client sends it (only what nginx and the clients look at).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: String,
    /// Request target, e.g. `/` or `/index.html?x=1`.
    pub path: String,
    /// `Host` header value.
    pub host: String,
    pub user_agent: String,
    /// The client's IP as the server sees it (`127.0.0.1` for localhost).
    pub client_ip: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub reason: String,
    /// Header lines in wire order (name, value), without the status line.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What happens when a client connects to `ip:port`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpOutcome {
    Response(HttpResponse),
    /// Nothing listens on the port (RST): `Connection refused`.
    Refused,
    /// No host answers (the IP belongs to no running pod, a dead node): SYNs time out.
    /// `after_ms` is how long the client's connect blocks before failing (Linux: ~130 s).
    Timeout {
        after_ms: u64,
    },
    /// The host is unreachable (ICMP): `No route to host`.
    NoRoute,
}

// ---------------------------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    Hup,
    Int,
    Quit,
    Kill,
    Usr1,
    Usr2,
    Term,
}

impl Signal {
    pub fn number(self) -> i32 {
        match self {
            Signal::Hup => 1,
            Signal::Int => 2,
            Signal::Quit => 3,
            Signal::Kill => 9,
            Signal::Usr1 => 10,
            Signal::Usr2 => 12,
            Signal::Term => 15,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Signal::Hup => "HUP",
            Signal::Int => "INT",
            Signal::Quit => "QUIT",
            Signal::Kill => "KILL",
            Signal::Usr1 => "USR1",
            Signal::Usr2 => "USR2",
            Signal::Term => "TERM",
        }
    }
    pub fn parse(s: &str) -> Option<Signal> {
        let s = s.strip_prefix("SIG").unwrap_or(s);
        let all = [
            Signal::Hup,
            Signal::Int,
            Signal::Quit,
            Signal::Kill,
            Signal::Usr1,
            Signal::Usr2,
            Signal::Term,
        ];
        if let Ok(n) = s.parse::<i32>() {
            return all.into_iter().find(|sig| sig.number() == n);
        }
        all.into_iter()
            .find(|sig| sig.name().eq_ignore_ascii_case(s))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessInfo {
    pub pid: u32,
    pub user: String,
    /// CPU time in ms (for `ps`'s TIME column).
    pub cpu_ms: u64,
    /// The full command line as `ps` shows it (`nginx: master process nginx -g daemon off;`).
    pub command: String,
}

// ---------------------------------------------------------------------------------------------
// The container seen from inside
// ---------------------------------------------------------------------------------------------

/// A container as its programs see it. Paths given to the fs methods are absolute and
/// normalized (no `.`/`..`, no trailing `/`, root is `/`); programs resolve relative paths
/// against [`ContainerEnv::cwd`] before calling.
pub trait ContainerEnv {
    // -- filesystem: image files + volume mounts (a mount masks the image directory) --
    fn read(&self, path: &str) -> Result<String, FsError>;
    /// Create or truncate (or append to) a regular file; new files get mode 0644.
    fn write(&mut self, path: &str, data: &str, append: bool) -> Result<(), FsError>;
    fn stat(&self, path: &str) -> Result<Stat, FsError>;
    /// Entries of a directory, sorted by name.
    fn list(&self, path: &str) -> Result<Vec<DirEntry>, FsError>;
    /// Create one directory (parent must exist); new directories get mode 0755.
    fn mkdir(&mut self, path: &str) -> Result<(), FsError>;
    /// Remove a file or an empty directory (`unlink`/`rmdir`).
    fn remove(&mut self, path: &str) -> Result<(), FsError>;
    /// `rename(2)`: replaces an existing file at `to`; `Busy` for mount points, `CrossDevice`
    /// between different mounts (then `mv` copies).
    fn rename(&mut self, from: &str, to: &str) -> Result<(), FsError>;
    fn chmod(&mut self, path: &str, mode: u32) -> Result<(), FsError>;
    /// Working directory of the process (`/` unless the image sets WORKDIR).
    fn cwd(&self) -> String {
        "/".to_string()
    }

    // -- identity --
    /// The kernel hostname (`spec.hostname` or the pod name), e.g. `web-0`.
    fn hostname(&self) -> String;
    /// The process environment (image ENV + container env + Kubernetes service variables).
    fn env(&self) -> Vec<(String, String)>;
    /// The container's image reference, e.g. `registry.k8s.io/nginx-slim:0.8`.
    fn image(&self) -> String;

    // -- network --
    /// One DNS query to `server` (an IP from `/etc/resolv.conf`) for the absolute `name`
    /// (no trailing dot). `None` when the server does not answer (timeout).
    fn dns_query(&self, server: &str, name: &str, qtype: QType) -> Option<DnsReply>;
    /// A TCP connection to `ip:port` carrying one HTTP request. `127.0.0.1` is the pod itself.
    fn http(&mut self, ip: &str, port: u16, request: &HttpRequest) -> HttpOutcome;

    // -- time and processes --
    fn now_ms(&self) -> u64;
    fn processes(&self) -> Vec<ProcessInfo>;
    fn signal(&mut self, pid: u32, sig: Signal) -> Result<(), FsError>;
    /// Whether stdout is a terminal (`kubectl exec -t`): curl's progress meter and busybox
    /// wget's progress bar depend on it.
    fn stdout_is_tty(&self) -> bool;
}

// ---------------------------------------------------------------------------------------------
// Programs
// ---------------------------------------------------------------------------------------------

/// What a program produced. When `blocks_until_ms` is set the program is still running until
/// that virtual time (`sleep`, a connect that times out): the shell suspends and shows the
/// output, and the exit code, only then — unless a signal ends it first (exit 128+signal).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProgramOutput {
    pub stdout: String,
    pub stderr: String,
    pub exit_code: i32,
    pub blocks_until_ms: Option<u64>,
}

impl ProgramOutput {
    pub fn ok(stdout: impl Into<String>) -> ProgramOutput {
        ProgramOutput {
            stdout: stdout.into(),
            ..Default::default()
        }
    }
    pub fn err(stderr: impl Into<String>, exit_code: i32) -> ProgramOutput {
        ProgramOutput {
            stderr: stderr.into(),
            exit_code,
            ..Default::default()
        }
    }
}

/// A program: `fn(argv, stdin, env)`; `argv[0]` is the name it was invoked as.
pub type Program = fn(&[String], &str, &mut dyn ContainerEnv) -> ProgramOutput;

/// Which userland an image ships. Decides the program table and the exact error texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// `busybox:1.28` and older: the old libc-based `nslookup` (`Address 1: …`), ash.
    BusyboxOld,
    /// `busybox`, `busybox:latest`, ≥ 1.29: the LEDE-derived `nslookup`
    /// (`Server:\t\t…`, `** server can't find …: NXDOMAIN`), ash.
    BusyboxModern,
    /// nginx-slim 0.x (gcr.io/google_containers/ubuntu-slim base, Ubuntu 16.04): dash as
    /// `/bin/sh`, GNU coreutils 8.25, curl 7.47.0; no wget, nslookup or ps.
    UbuntuSlim,
    /// The official `nginx` images (Debian bookworm): dash, GNU coreutils 9.1, curl 7.88.1;
    /// no wget, nslookup or ps.
    Debian,
    /// agnhost / Alpine-based images: busybox ≥ 1.29 applets plus curl 8.x.
    Alpine,
}

impl Flavor {
    pub fn is_busybox(self) -> bool {
        matches!(
            self,
            Flavor::BusyboxOld | Flavor::BusyboxModern | Flavor::Alpine
        )
    }
}

/// The flavor of an image reference; `None` for images the simulated registry does not know.
pub fn flavor(image: &str) -> Option<Flavor> {
    let name_tag = image.rsplit('/').next().unwrap_or(image);
    let name_tag = name_tag.split('@').next().unwrap_or(name_tag);
    let (name, tag) = match name_tag.split_once(':') {
        Some((n, t)) => (n, t),
        None => (name_tag, "latest"),
    };
    match name {
        "busybox" => Some(if busybox_tag_is_old(tag) {
            Flavor::BusyboxOld
        } else {
            Flavor::BusyboxModern
        }),
        "nginx-slim" => Some(Flavor::UbuntuSlim),
        "agnhost" => Some(Flavor::Alpine),
        n if n == "nginx" || n.starts_with("nginx") => {
            if tag.contains("alpine") {
                Some(Flavor::Alpine)
            } else {
                Some(Flavor::Debian)
            }
        }
        _ => None,
    }
}

/// busybox tags `1.28`, `1.28.4`, `1.27.2-uclibc`, … (< 1.29) carry the old nslookup.
fn busybox_tag_is_old(tag: &str) -> bool {
    let mut parts = tag.split(|c: char| !c.is_ascii_digit());
    let major = parts.next().and_then(|p| p.parse::<u32>().ok());
    let minor = parts.next().and_then(|p| p.parse::<u32>().ok());
    matches!((major, minor), (Some(1), Some(m)) if m < 29) || matches!(major, Some(0))
}

/// Whether the image runs nginx as its main process (serves HTTP on port 80).
pub fn image_serves_nginx(image: &str) -> bool {
    let name_tag = image.rsplit('/').next().unwrap_or(image);
    name_tag.starts_with("nginx")
}

/// The programs of one image: `lookup(image, "curl")`. `None` means the shell prints its
/// not-found error ([`not_found`]). Accepts `/bin/ls`-style paths too.
pub fn lookup(image: &str, name: &str) -> Option<Program> {
    let flavor = flavor(image)?;
    let base = name.rsplit('/').next().unwrap_or(name);
    let common: Option<Program> = match base {
        "hostname" => Some(coreutils::hostname),
        "cat" => Some(coreutils::cat),
        "ls" => Some(coreutils::ls),
        "mv" => Some(coreutils::mv),
        "rm" => Some(coreutils::rm),
        "mkdir" => Some(coreutils::mkdir),
        "chmod" => Some(coreutils::chmod),
        "env" => Some(coreutils::env),
        "printenv" => Some(coreutils::printenv),
        "sleep" => Some(coreutils::sleep),
        "kill" => Some(coreutils::kill),
        "true" => Some(coreutils::true_),
        "false" => Some(coreutils::false_),
        "pwd" => Some(coreutils::pwd),
        "touch" => Some(coreutils::touch),
        "date" => Some(coreutils::date),
        _ => None,
    };
    if common.is_some() {
        return common;
    }
    match (base, flavor) {
        ("curl", Flavor::UbuntuSlim | Flavor::Debian | Flavor::Alpine) => Some(net::curl),
        ("wget", Flavor::BusyboxOld | Flavor::BusyboxModern | Flavor::Alpine) => Some(net::wget),
        ("nslookup", Flavor::BusyboxOld | Flavor::BusyboxModern | Flavor::Alpine) => {
            Some(net::nslookup)
        }
        ("ps", Flavor::BusyboxOld | Flavor::BusyboxModern | Flavor::Alpine) => Some(coreutils::ps),
        _ => None,
    }
}

/// Names of every program of an image, sorted (for completion and `ls /bin`).
pub fn programs(image: &str) -> Vec<&'static str> {
    const ALL: [&str; 21] = [
        "cat", "chmod", "curl", "date", "env", "false", "hostname", "kill", "ls", "mkdir", "mv",
        "nslookup", "printenv", "ps", "pwd", "rm", "sleep", "touch", "true", "wget", "sh",
    ];
    let mut v: Vec<&'static str> = ALL
        .iter()
        .copied()
        .filter(|n| *n == "sh" || lookup(image, n).is_some())
        .collect();
    if flavor(image).is_none() {
        v.clear();
    }
    // Stable or not: equal `&str`s are indistinguishable (one shared sort, bundle size).
    crate::sort::sort(&mut v);
    v
}

/// The shell's error for a command that is not in the image, and its exit status 127:
/// busybox ash `sh: foo: not found`, dash `sh: 1: foo: not found` (`line` is dash's line
/// number of the command in the script).
pub fn not_found(image: &str, name: &str, line: u32) -> ProgramOutput {
    let text = match flavor(image) {
        Some(Flavor::UbuntuSlim | Flavor::Debian) => format!("sh: {line}: {name}: not found\n"),
        _ => format!("sh: {name}: not found\n"),
    };
    ProgramOutput::err(text, 127)
}

/// Run `argv` in the image (convenience for callers without a shell).
pub fn run(argv: &[String], stdin: &str, env: &mut dyn ContainerEnv) -> ProgramOutput {
    let Some(name) = argv.first() else {
        return ProgramOutput::default();
    };
    let image = env.image();
    match lookup(&image, name) {
        Some(program) => program(argv, stdin, env),
        None => not_found(&image, name, 1),
    }
}
