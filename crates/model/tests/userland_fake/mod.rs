//! A fake cluster for the userland tests: in-memory pod filesystems (image files + volume
//! mounts masking image directories), a CoreDNS-like table, and HTTP routing to nginx pods.
#![allow(dead_code)]

use ordinal_model::userland::{
    self, ContainerEnv, DirEntry, DnsRecord, DnsReply, Errno, FileKind, FsError, HttpOutcome,
    HttpRequest, ProcessInfo, QType, RData, Rcode, ServeRequest, Signal, Stat,
};
use std::collections::BTreeMap;

pub const EPOCH_MS: u64 = 1_756_288_800_000;

#[derive(Clone, Debug)]
pub struct Node {
    pub kind: FileKind,
    pub mode: u32,
    pub content: String,
    pub mtime_ms: u64,
}

pub struct Pod {
    pub name: String,
    pub image: String,
    pub ip: String,
    pub ready: bool,
    pub running: bool,
    pub fs: BTreeMap<String, Node>,
    pub mounts: Vec<String>,
    pub log: Vec<String>,
    pub procs: Vec<ProcessInfo>,
    pub connections: u64,
}

pub struct World {
    pub now_ms: u64,
    pub pods: Vec<Pod>,
    pub tty: bool,
}

fn parent(p: &str) -> String {
    match p.rfind('/') {
        Some(0) | None => "/".to_string(),
        Some(i) => p[..i].to_string(),
    }
}

impl World {
    pub fn new() -> World {
        World {
            now_ms: EPOCH_MS,
            pods: Vec::new(),
            tty: false,
        }
    }

    /// A pod of a StatefulSet `web` with headless service `nginx` (or a bare pod).
    pub fn add_pod(
        &mut self,
        name: &str,
        image: &str,
        ip: &str,
        mount: Option<&str>,
        subdomain: Option<&str>,
    ) {
        let mut fs = BTreeMap::new();
        let image_time = EPOCH_MS - 400 * 86_400_000; // the image was built long ago
        for f in userland::image_files(image) {
            fs.insert(
                f.path.clone(),
                Node {
                    kind: if f.is_dir {
                        FileKind::Dir
                    } else {
                        FileKind::File
                    },
                    mode: f.mode,
                    content: f.content,
                    mtime_ms: image_time,
                },
            );
        }
        let now = self.now_ms;
        let file = |c: String| Node {
            kind: FileKind::File,
            mode: 0o644,
            content: c,
            mtime_ms: now,
        };
        fs.insert(
            "/etc/resolv.conf".into(),
            file(userland::resolv_conf(
                "10.96.0.10",
                "default",
                "cluster.local",
            )),
        );
        fs.insert(
            "/etc/hosts".into(),
            file(userland::hosts_file(
                ip,
                name,
                subdomain,
                "default",
                "cluster.local",
            )),
        );
        fs.insert("/etc/hostname".into(), file(userland::etc_hostname(name)));
        let mut mounts = Vec::new();
        if let Some(m) = mount {
            // The volume masks the image directory.
            let prefix = format!("{m}/");
            fs.retain(|k, _| !k.starts_with(&prefix));
            fs.insert(
                m.to_string(),
                Node {
                    kind: FileKind::Dir,
                    mode: 0o755,
                    content: String::new(),
                    mtime_ms: now,
                },
            );
            mounts.push(m.to_string());
        }
        let procs = if userland::image_serves_nginx(image) {
            vec![
                ProcessInfo {
                    pid: 1,
                    user: "root".into(),
                    cpu_ms: 0,
                    command: "nginx: master process nginx -g daemon off;".into(),
                },
                ProcessInfo {
                    pid: 7,
                    user: "www-data".into(),
                    cpu_ms: 0,
                    command: "nginx: worker process".into(),
                },
            ]
        } else {
            vec![ProcessInfo {
                pid: 1,
                user: "root".into(),
                cpu_ms: 0,
                command: "sh".into(),
            }]
        };
        self.pods.push(Pod {
            name: name.into(),
            image: image.into(),
            ip: ip.into(),
            ready: true,
            running: true,
            fs,
            mounts,
            log: Vec::new(),
            procs,
            connections: 0,
        });
    }

    pub fn pod_index(&self, name: &str) -> usize {
        self.pods
            .iter()
            .position(|p| p.name == name)
            .expect("pod exists")
    }

    pub fn env(&mut self, pod: &str) -> Env<'_> {
        let me = self.pod_index(pod);
        Env { world: self, me }
    }

    /// CoreDNS's view: A/PTR records for Ready pods of the headless service `nginx`.
    fn dns(&self, name: &str, qtype: QType) -> DnsReply {
        let mut a: Vec<(String, String)> = vec![
            (
                "kube-dns.kube-system.svc.cluster.local".into(),
                "10.96.0.10".into(),
            ),
            (
                "kubernetes.default.svc.cluster.local".into(),
                "10.96.0.1".into(),
            ),
        ];
        let mut ptr: Vec<(String, String)> = vec![(
            "10.96.0.10".into(),
            "kube-dns.kube-system.svc.cluster.local".into(),
        )];
        for p in &self.pods {
            if p.ready && p.name.starts_with("web-") {
                let fqdn = format!("{}.nginx.default.svc.cluster.local", p.name);
                a.push((fqdn.clone(), p.ip.clone()));
                a.push(("nginx.default.svc.cluster.local".into(), p.ip.clone()));
                ptr.push((p.ip.clone(), fqdn));
            }
        }
        if let Some(rev) = name.strip_suffix(".in-addr.arpa") {
            let mut o: Vec<&str> = rev.split('.').collect();
            o.reverse();
            let ip = o.join(".");
            let answers: Vec<DnsRecord> = ptr
                .iter()
                .filter(|(i, _)| *i == ip)
                .map(|(_, n)| DnsRecord {
                    name: name.into(),
                    data: RData::Ptr(n.clone()),
                })
                .collect();
            if answers.is_empty() {
                return DnsReply::nxdomain();
            }
            return DnsReply {
                rcode: Rcode::NoError,
                authoritative: true,
                answers: if qtype == QType::Ptr { answers } else { vec![] },
            };
        }
        if !name.ends_with("cluster.local") {
            return DnsReply {
                rcode: Rcode::NxDomain,
                authoritative: false,
                answers: vec![],
            };
        }
        let hits: Vec<&(String, String)> = a.iter().filter(|(n, _)| n == name).collect();
        if hits.is_empty() {
            return DnsReply::nxdomain();
        }
        let answers = if qtype == QType::A {
            hits.iter()
                .map(|(n, ip)| DnsRecord {
                    name: n.clone(),
                    data: RData::A(ip.clone()),
                })
                .collect()
        } else {
            vec![]
        };
        DnsReply {
            rcode: Rcode::NoError,
            authoritative: true,
            answers,
        }
    }
}

pub struct Env<'a> {
    pub world: &'a mut World,
    pub me: usize,
}

impl Env<'_> {
    fn pod(&self) -> &Pod {
        &self.world.pods[self.me]
    }
    fn fs(&self) -> &BTreeMap<String, Node> {
        &self.world.pods[self.me].fs
    }
    fn fs_mut(&mut self) -> &mut BTreeMap<String, Node> {
        &mut self.world.pods[self.me].fs
    }
    fn mount_of(&self, p: &str) -> Option<String> {
        self.pod()
            .mounts
            .iter()
            .filter(|m| p == m.as_str() || p.starts_with(&format!("{m}/")))
            .max_by_key(|m| m.len())
            .cloned()
    }
    fn dir_exists(&self, p: &str) -> Result<(), FsError> {
        match self.fs().get(p) {
            Some(n) if n.kind == FileKind::Dir => Ok(()),
            Some(_) => Err(Errno::NotADirectory),
            None => Err(Errno::NotFound),
        }
    }
}

impl ContainerEnv for Env<'_> {
    fn read(&self, path: &str) -> Result<String, FsError> {
        match self.fs().get(path) {
            Some(n) if n.kind == FileKind::File => Ok(n.content.clone()),
            Some(_) => Err(Errno::IsADirectory),
            None => {
                self.dir_exists(&parent(path))?;
                Err(Errno::NotFound)
            }
        }
    }
    fn write(&mut self, path: &str, data: &str, append: bool) -> Result<(), FsError> {
        self.dir_exists(&parent(path))?;
        let now = self.world.now_ms;
        match self.fs_mut().get_mut(path) {
            Some(n) if n.kind == FileKind::Dir => Err(Errno::IsADirectory),
            Some(n) => {
                if append {
                    n.content.push_str(data);
                } else {
                    n.content = data.to_string();
                }
                n.mtime_ms = now;
                Ok(())
            }
            None => {
                self.fs_mut().insert(
                    path.into(),
                    Node {
                        kind: FileKind::File,
                        mode: 0o644,
                        content: data.into(),
                        mtime_ms: now,
                    },
                );
                Ok(())
            }
        }
    }
    fn stat(&self, path: &str) -> Result<Stat, FsError> {
        match self.fs().get(path) {
            Some(n) => Ok(Stat {
                kind: n.kind,
                mode: n.mode,
                size: if n.kind == FileKind::Dir {
                    4096
                } else {
                    n.content.len() as u64
                },
                mtime_ms: n.mtime_ms,
            }),
            None => {
                if path != "/" {
                    self.dir_exists(&parent(path))?;
                }
                Err(Errno::NotFound)
            }
        }
    }
    fn list(&self, path: &str) -> Result<Vec<DirEntry>, FsError> {
        self.dir_exists(path)?;
        let prefix = if path == "/" {
            "/".to_string()
        } else {
            format!("{path}/")
        };
        let mut v = Vec::new();
        for (k, _) in self.fs().range(prefix.clone()..) {
            if !k.starts_with(&prefix) {
                break;
            }
            let rest = &k[prefix.len()..];
            if rest.is_empty() || rest.contains('/') {
                continue;
            }
            v.push(DirEntry {
                name: rest.to_string(),
                stat: self.stat(k)?,
            });
        }
        Ok(v)
    }
    fn mkdir(&mut self, path: &str) -> Result<(), FsError> {
        self.dir_exists(&parent(path))?;
        if self.fs().contains_key(path) {
            return Err(Errno::Exists);
        }
        let now = self.world.now_ms;
        self.fs_mut().insert(
            path.into(),
            Node {
                kind: FileKind::Dir,
                mode: 0o755,
                content: String::new(),
                mtime_ms: now,
            },
        );
        Ok(())
    }
    fn remove(&mut self, path: &str) -> Result<(), FsError> {
        if self.pod().mounts.iter().any(|m| m == path) {
            return Err(Errno::Busy);
        }
        let n = self.fs().get(path).cloned().ok_or(Errno::NotFound)?;
        if n.kind == FileKind::Dir && !self.list(path)?.is_empty() {
            return Err(Errno::NotEmpty);
        }
        self.fs_mut().remove(path);
        Ok(())
    }
    fn rename(&mut self, from: &str, to: &str) -> Result<(), FsError> {
        if self.pod().mounts.iter().any(|m| m == from || m == to) {
            return Err(Errno::Busy);
        }
        self.stat(from)?;
        self.dir_exists(&parent(to))?;
        if self.mount_of(from) != self.mount_of(&parent(to))
            && self.mount_of(from) != self.mount_of(to)
        {
            return Err(Errno::CrossDevice);
        }
        if let Some(t) = self.fs().get(to) {
            if t.kind == FileKind::Dir {
                if self.fs()[from].kind != FileKind::Dir {
                    return Err(Errno::IsADirectory);
                }
                if !self.list(to)?.is_empty() {
                    return Err(Errno::NotEmpty);
                }
            } else if self.fs()[from].kind == FileKind::Dir {
                return Err(Errno::NotADirectory);
            }
        }
        let moved: Vec<(String, Node)> = self
            .fs()
            .iter()
            .filter(|(k, _)| k.as_str() == from || k.starts_with(&format!("{from}/")))
            .map(|(k, n)| (k.clone(), n.clone()))
            .collect();
        for (k, _) in &moved {
            self.fs_mut().remove(k);
        }
        self.fs_mut().remove(to);
        for (k, n) in moved {
            let nk = format!("{to}{}", &k[from.len()..]);
            self.fs_mut().insert(nk, n);
        }
        Ok(())
    }
    fn chmod(&mut self, path: &str, mode: u32) -> Result<(), FsError> {
        self.stat(path)?;
        if let Some(n) = self.fs_mut().get_mut(path) {
            n.mode = mode & 0o7777;
        }
        Ok(())
    }
    fn hostname(&self) -> String {
        self.pod().name.clone()
    }
    fn env(&self) -> Vec<(String, String)> {
        vec![
            (
                "PATH".into(),
                "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
            ),
            ("HOSTNAME".into(), self.pod().name.clone()),
            ("KUBERNETES_SERVICE_HOST".into(), "10.96.0.1".into()),
            ("KUBERNETES_SERVICE_PORT".into(), "443".into()),
            ("HOME".into(), "/root".into()),
        ]
    }
    fn image(&self) -> String {
        self.pod().image.clone()
    }
    fn dns_query(&self, server: &str, name: &str, qtype: QType) -> Option<DnsReply> {
        if server != "10.96.0.10" {
            return None;
        }
        Some(self.world.dns(name, qtype))
    }
    fn http(&mut self, ip: &str, port: u16, request: &HttpRequest) -> HttpOutcome {
        let target = if ip.starts_with("127.") {
            Some(self.me)
        } else {
            self.world.pods.iter().position(|p| p.ip == ip)
        };
        let Some(t) = target else {
            return HttpOutcome::Timeout { after_ms: 130_000 };
        };
        let pod = &self.world.pods[t];
        if !pod.running {
            return HttpOutcome::Refused;
        }
        if port != 80 || !userland::image_serves_nginx(&pod.image) {
            return HttpOutcome::Refused;
        }
        self.world.pods[t].connections += 1;
        let req = ServeRequest {
            request: request.clone(),
            now_ms: self.world.now_ms,
            connection: self.world.pods[t].connections,
            worker_pid: 7,
        };
        let view = Env {
            world: &mut *self.world,
            me: t,
        };
        let result = userland::serve(&view, &req);
        for line in result.log {
            let text = match line {
                userland::AccessLogLine::Stdout(s) => format!("stdout: {s}"),
                userland::AccessLogLine::Stderr(s) => format!("stderr: {s}"),
            };
            self.world.pods[t].log.push(text);
        }
        HttpOutcome::Response(result.response)
    }
    fn now_ms(&self) -> u64 {
        self.world.now_ms
    }
    fn processes(&self) -> Vec<ProcessInfo> {
        self.pod().procs.clone()
    }
    fn signal(&mut self, pid: u32, _sig: Signal) -> Result<(), FsError> {
        let procs = &mut self.world.pods[self.me].procs;
        match procs.iter().position(|p| p.pid == pid) {
            Some(i) => {
                procs.remove(i);
                Ok(())
            }
            None => Err(Errno::NoSuchProcess),
        }
    }
    fn stdout_is_tty(&self) -> bool {
        self.world.tty
    }
}

/// Split a test command line into words (single and double quotes, no expansion).
pub fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => cur.push(c),
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                in_word = true;
            }
            None if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            None => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    out
}

/// Run a script and return a transcript.
///
/// ```text
/// pod NAME IMAGE IP [mount=/dir] [sub=nginx]
/// tty on|off
/// unready NAME / stop NAME
/// advance MS
/// write NAME PATH TEXT        (what the shell's `>` redirection does; `\n` is a newline)
/// logs NAME
/// NAME$ argv...
/// ```
pub fn run_script(script: &str) -> String {
    let mut w = World::new();
    let mut out = String::new();
    for line in script
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        if let Some((pod, cmd)) = line.split_once("$ ") {
            let argv = words(cmd);
            out.push_str(&format!("{line}\n"));
            let mut env = w.env(pod.trim());
            let res = userland::run(&argv, "", &mut env);
            for l in res.stdout.split_inclusive('\n') {
                // Blank lines stay blank (no trailing indentation for rustfmt to strip).
                let shown = l.replace('\r', "\\r");
                if shown == "\n" {
                    out.push('\n');
                } else {
                    out.push_str(&format!("  {shown}"));
                }
            }
            if !res.stdout.is_empty() && !res.stdout.ends_with('\n') {
                out.push_str("⏎\n");
            }
            for l in res.stderr.lines() {
                out.push_str(format!("  [stderr] {l}").trim_end());
                out.push('\n');
            }
            if res.exit_code != 0 {
                out.push_str(&format!("  [exit {}]\n", res.exit_code));
            }
            if let Some(t) = res.blocks_until_ms {
                out.push_str(&format!(
                    "  [blocks until +{} ms]\n",
                    t.saturating_sub(w.now_ms)
                ));
            }
            continue;
        }
        let ws = words(line);
        match ws.first().map(String::as_str) {
            Some("pod") => {
                let mount = ws.iter().find_map(|x| x.strip_prefix("mount="));
                let sub = ws.iter().find_map(|x| x.strip_prefix("sub="));
                w.add_pod(&ws[1], &ws[2], &ws[3], mount, sub);
            }
            Some("tty") => w.tty = ws.get(1).map(String::as_str) == Some("on"),
            Some("unready") => {
                let i = w.pod_index(&ws[1]);
                w.pods[i].ready = false;
            }
            Some("stop") => {
                let i = w.pod_index(&ws[1]);
                w.pods[i].running = false;
            }
            Some("advance") => w.now_ms += ws[1].parse::<u64>().unwrap_or(0),
            Some("write") => {
                let text = ws[3].replace("\\n", "\n");
                let mut env = w.env(&ws[1]);
                let r = env.write(&ws[2], &text, false);
                out.push_str(&format!("{line}\n"));
                if let Err(e) = r {
                    out.push_str(&format!("  [write error] {e}\n"));
                }
            }
            Some("logs") => {
                let i = w.pod_index(&ws[1]);
                out.push_str(&format!("{line}\n"));
                for l in &w.pods[i].log {
                    out.push_str(&format!("  {l}\n"));
                }
            }
            _ => out.push_str(&format!("?? {line}\n")),
        }
    }
    out
}
