//! The inside of a container, minimally: a [`PodHost`] runs the shell interpreter (`sh -c`,
//! interactive `/ # ` shells) with a few programs the tutorials use — `hostname`, `nslookup`
//! (from the cluster's Services and Endpoints, CoreDNS-style), `curl`/`wget` of the local nginx,
//! `cat`, `ls`, `chmod`, `date`. Files written under a PVC-backed mount live in
//! [`World::container_files`] keyed by the claim, so they survive pod restarts.
//!
//! This is the `PodProgram` hook the real userland (the nodes branch's volume file store and a
//! later busybox/nginx userland) replaces: everything goes through [`PodHost::spawn`].

use crate::session::{World, WorldRef};
use crate::shell::{spawn_text_filter, CommandCtx, Dialect, Host, Print, Task};
use ordinal_model::objects::{Endpoints, Pod, Service};
use ordinal_model::Kind;

/// Which image family a pod runs (decides the shell dialect and the tools).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Userland {
    /// busybox 1.28 (old nslookup format).
    Busybox128,
    /// busybox ≥ 1.29 (new nslookup format).
    Busybox,
    /// nginx images (Debian: dash, curl).
    Nginx,
    /// Anything else.
    Other,
}

pub fn userland_of(image: &str) -> Userland {
    let base = image.rsplit('/').next().unwrap_or(image);
    if base.starts_with("busybox") {
        if base.starts_with("busybox:1.28") {
            Userland::Busybox128
        } else {
            Userland::Busybox
        }
    } else if base.starts_with("nginx") {
        Userland::Nginx
    } else {
        Userland::Other
    }
}

impl Userland {
    pub fn dialect(self) -> Dialect {
        match self {
            Userland::Busybox128 | Userland::Busybox => Dialect::Ash,
            _ => Dialect::Dash,
        }
    }
}

/// The programs of one container.
pub struct PodHost {
    pub world: WorldRef,
    pub namespace: String,
    pub pod: String,
    pub userland: Userland,
}

fn out(stdout: impl Into<String>, stderr: impl Into<String>, status: i32) -> Option<Box<dyn Task>> {
    Some(Box::new(Print {
        stdout: stdout.into(),
        stderr: stderr.into(),
        status,
    }))
}

impl PodHost {
    fn pod(&self, w: &World) -> Option<Pod> {
        w.cluster()
            .api
            .get::<Pod>(&self.namespace, &self.pod)
            .cloned()
    }

    /// The storage key and in-volume path for an absolute path in the container.
    fn locate(&self, w: &World, path: &str) -> (String, String) {
        if let Some(p) = self.pod(w) {
            for c in &p.spec.containers {
                for m in &c.volume_mounts {
                    let mp = m.mount_path.trim_end_matches('/');
                    if path == mp || path.starts_with(&format!("{mp}/")) {
                        let claim = p
                            .spec
                            .volumes
                            .iter()
                            .find(|v| v.name == m.name)
                            .and_then(|v| v.persistent_volume_claim.as_ref())
                            .map(|c| c.claim_name.clone());
                        if let Some(claim) = claim {
                            return (
                                format!("pvc:{}/{claim}", self.namespace),
                                path[mp.len()..].to_string(),
                            );
                        }
                    }
                }
            }
            return (format!("pod:{}", p.metadata.uid), path.to_string());
        }
        (
            format!("pod:{}/{}", self.namespace, self.pod),
            path.to_string(),
        )
    }

    fn read(&self, path: &str) -> Option<String> {
        let w = self.world.borrow();
        let (k, p) = self.locate(&w, path);
        w.container_files.get(&k).and_then(|f| f.get(&p)).cloned()
    }

    fn hostname(&self) -> String {
        let w = self.world.borrow();
        match self.pod(&w) {
            Some(p) => p.spec.hostname.clone().unwrap_or(p.metadata.name),
            None => self.pod.clone(),
        }
    }

    fn nslookup(&self, args: &[String]) -> Option<Box<dyn Task>> {
        let Some(name) = args.iter().find(|a| !a.starts_with('-')) else {
            return out("", "BusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.\n\nUsage: nslookup [HOST] [SERVER]\n\nQuery the nameserver for the IP address of the given HOST\noptionally using a specified DNS server\n", 1);
        };
        let w = self.world.borrow();
        let answers = resolve(&w, name, &self.namespace);
        let dns_ip = "10.96.0.10";
        match self.userland {
            Userland::Busybox128 | Userland::Other | Userland::Nginx => {
                let mut s = format!(
                    "Server:    {dns_ip}\nAddress 1: {dns_ip} kube-dns.kube-system.svc.cluster.local\n\n"
                );
                if answers.is_empty() {
                    return out(s, format!("nslookup: can't resolve '{name}'\n"), 1);
                }
                s.push_str(&format!("Name:      {name}\n"));
                for (i, (ip, ptr)) in answers.iter().enumerate() {
                    match ptr {
                        Some(p) => s.push_str(&format!("Address {}: {ip} {p}\n", i + 1)),
                        None => s.push_str(&format!("Address {}: {ip}\n", i + 1)),
                    }
                }
                out(s, "", 0)
            }
            Userland::Busybox => {
                let mut s = format!("Server:\t\t{dns_ip}\nAddress:\t{dns_ip}:53\n\n");
                if answers.is_empty() {
                    s.push_str(&format!(
                        "** server can't find {name}.{}.svc.cluster.local: NXDOMAIN\n\n",
                        self.namespace
                    ));
                    return out(s, "", 1);
                }
                let fqdn = fqdn_of(&w, name, &self.namespace).unwrap_or_else(|| name.to_string());
                for (ip, _) in &answers {
                    s.push_str(&format!("Name:\t{fqdn}\nAddress: {ip}\n"));
                }
                s.push('\n');
                out(s, "", 0)
            }
        }
    }
}

/// The search-path expansion of a short name (`web-0.nginx` → the FQDN that answered).
fn fqdn_of(w: &World, name: &str, ns: &str) -> Option<String> {
    let candidates = [
        format!("{name}.{ns}.svc.cluster.local"),
        format!("{name}.svc.cluster.local"),
        format!("{name}.cluster.local"),
        name.trim_end_matches('.').to_string(),
    ];
    candidates
        .into_iter()
        .find(|c| !lookup_fqdn(w, c).is_empty())
}

/// CoreDNS `kubernetes` plugin records for one FQDN: (ip, PTR name).
fn lookup_fqdn(w: &World, fqdn: &str) -> Vec<(String, Option<String>)> {
    let f = fqdn.trim_end_matches('.');
    let Some(rest) = f.strip_suffix(".svc.cluster.local") else {
        return vec![];
    };
    let parts: Vec<&str> = rest.split('.').collect();
    let api = &w.cluster().api;
    let (host, svc, ns) = match parts.as_slice() {
        [svc, ns] => (None, *svc, *ns),
        [host, svc, ns] => (Some(*host), *svc, *ns),
        _ => return vec![],
    };
    let Some(service) = api.get::<Service>(ns, svc) else {
        return vec![];
    };
    if !service.is_headless() {
        if host.is_some() {
            return vec![];
        }
        return match service.spec.cluster_ip.as_deref() {
            Some(ip) if !ip.is_empty() => vec![(
                ip.to_string(),
                Some(format!("{svc}.{ns}.svc.cluster.local")),
            )],
            _ => vec![],
        };
    }
    let mut out = Vec::new();
    if let Some(ep) = api.get::<Endpoints>(ns, svc) {
        for s in &ep.subsets {
            let mut addrs: Vec<_> = s.addresses.iter().collect();
            if service.spec.publish_not_ready_addresses == Some(true) {
                addrs.extend(s.not_ready_addresses.iter());
            }
            for a in addrs {
                let ptr = a
                    .hostname
                    .as_ref()
                    .map(|h| format!("{h}.{svc}.{ns}.svc.cluster.local"));
                match host {
                    Some(h) if a.hostname.as_deref() != Some(h) => continue,
                    _ => out.push((a.ip.clone(), ptr)),
                }
            }
        }
    } else {
        // No Endpoints controller output yet: derive from ready pods with hostname/subdomain.
        for p in api.list::<Pod>(Some(ns)) {
            if p.spec.subdomain.as_deref() != Some(svc) || !p.is_ready() {
                continue;
            }
            if !service
                .spec
                .selector
                .iter()
                .all(|(k, v)| p.metadata.labels.get(k) == Some(v))
            {
                continue;
            }
            let Some(ip) = p.status.pod_ip.clone() else {
                continue;
            };
            let h = p.spec.hostname.clone();
            if let Some(want) = host {
                if h.as_deref() != Some(want) {
                    continue;
                }
            }
            out.push((ip, h.map(|h| format!("{h}.{svc}.{ns}.svc.cluster.local"))));
        }
    }
    out
}

/// Resolves `name` from a pod in `ns` (search path `<ns>.svc.cluster.local svc.cluster.local
/// cluster.local`, ndots 5).
pub fn resolve(w: &World, name: &str, ns: &str) -> Vec<(String, Option<String>)> {
    if name.parse::<std::net::Ipv4Addr>().is_ok() {
        return vec![(name.to_string(), None)];
    }
    match fqdn_of(w, name, ns) {
        Some(f) => lookup_fqdn(w, &f),
        None => vec![],
    }
}

const NGINX_403: &str = "<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n<center><h1>403 Forbidden</h1></center>\r\n<hr><center>nginx/1.11.13</center>\r\n</body>\r\n</html>\r\n";

impl Host for PodHost {
    fn spawn(&mut self, argv: &[String], ctx: &CommandCtx) -> Option<Box<dyn Task>> {
        let prog = argv[0].rsplit('/').next().unwrap_or(&argv[0]).to_string();
        match prog.as_str() {
            "hostname" => {
                let h = self.hostname();
                if argv.get(1).map(String::as_str) == Some("-f") {
                    out(
                        format!(
                            "{h}.{}\n",
                            fqdn_domain(&self.world.borrow(), &self.namespace, &self.pod)
                        ),
                        "",
                        0,
                    )
                } else {
                    out(format!("{h}\n"), "", 0)
                }
            }
            "nslookup" => self.nslookup(&argv[1..]),
            "curl" | "wget" => {
                let url = argv[1..]
                    .iter()
                    .find(|a| !a.starts_with('-'))
                    .cloned()
                    .unwrap_or_default();
                let local = url.is_empty()
                    || url.starts_with("localhost")
                    || url.starts_with("http://localhost")
                    || url.starts_with("127.0.0.1")
                    || url.starts_with("http://127.0.0.1");
                if self.userland != Userland::Nginx || !local {
                    return out(
                        "",
                        format!(
                            "curl: (7) Failed to connect to {url} port 80: Connection refused\n"
                        ),
                        7,
                    );
                }
                match self.read("/usr/share/nginx/html/index.html") {
                    Some(t) => out(t, "", 0),
                    None => out(NGINX_403, "", 0),
                }
            }
            "cat" if argv.len() > 1 => {
                let mut s = String::new();
                let mut e = String::new();
                for f in &argv[1..] {
                    let p = crate::shell::resolve_path(&ctx.cwd, f);
                    match self.read(&p).or_else(|| {
                        builtin_file(&self.world.borrow(), &self.namespace, &self.pod, &p)
                    }) {
                        Some(t) => s.push_str(&t),
                        None => e.push_str(&format!(
                            "cat: can't open '{f}': No such file or directory\n"
                        )),
                    }
                }
                out(s, e.clone(), i32::from(!e.is_empty()))
            }
            "chmod" | "mkdir" | "touch" | "sync" => out("", "", 0),
            "ls" => {
                let dir = argv.get(1).cloned().unwrap_or_else(|| ctx.cwd.clone());
                let w = self.world.borrow();
                let (k, rel) = self.locate(&w, &dir);
                let prefix = format!("{}/", rel.trim_end_matches('/'));
                let names: Vec<String> = w
                    .container_files
                    .get(&k)
                    .map(|m| {
                        m.keys()
                            .filter_map(|p| p.strip_prefix(&prefix))
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                out(
                    names.iter().map(|n| format!("{n}\n")).collect::<String>(),
                    "",
                    0,
                )
            }
            "date" => {
                let now = self.world.borrow().now();
                out(format!("{}\n", now.rfc1123z()), "", 0)
            }
            "sh" | "ash" | "bash" | "dash" => {
                let script = if argv.get(1).map(String::as_str) == Some("-c") {
                    argv.get(2).cloned().unwrap_or_default()
                } else {
                    String::new()
                };
                Some(Box::new(super::exec::ShellTask::new(
                    PodHost {
                        world: self.world.clone(),
                        namespace: self.namespace.clone(),
                        pod: self.pod.clone(),
                        userland: self.userland,
                    },
                    &script,
                )))
            }
            _ => spawn_text_filter(argv, ctx),
        }
    }
    fn read_file(&mut self, path: &str) -> Result<String, String> {
        self.read(path)
            .or_else(|| builtin_file(&self.world.borrow(), &self.namespace, &self.pod, path))
            .ok_or_else(|| "No such file or directory".to_string())
    }
    fn write_file(&mut self, path: &str, data: &str, append: bool) -> Result<(), String> {
        let mut w = self.world.borrow_mut();
        let (k, p) = self.locate(&w, path);
        let files = w.container_files.entry(k).or_default();
        let total: usize = files.values().map(String::len).sum();
        if total + data.len() > 1024 * 1024 {
            return Err("No space left on device".into());
        }
        let f = files.entry(p).or_default();
        if !append {
            f.clear();
        }
        f.push_str(data);
        Ok(())
    }
    fn now_ms(&self) -> u64 {
        self.world.borrow().now().ms()
    }
}

fn fqdn_domain(w: &World, ns: &str, pod: &str) -> String {
    match w.cluster().api.get::<Pod>(ns, pod) {
        Some(p) => match &p.spec.subdomain {
            Some(s) => format!("{s}.{ns}.svc.cluster.local"),
            None => format!("{ns}.svc.cluster.local"),
        },
        None => format!("{ns}.svc.cluster.local"),
    }
}

/// Files every container has (`/etc/hostname`, `/etc/resolv.conf`, `/etc/hosts`).
fn builtin_file(w: &World, ns: &str, pod: &str, path: &str) -> Option<String> {
    let p = w.cluster().api.get::<Pod>(ns, pod)?;
    let host = p
        .spec
        .hostname
        .clone()
        .unwrap_or_else(|| p.metadata.name.clone());
    match path {
        "/etc/hostname" => Some(format!("{host}\n")),
        "/etc/resolv.conf" => Some(format!(
            "search {ns}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n"
        )),
        "/etc/hosts" => {
            let ip = p.status.pod_ip.clone().unwrap_or_default();
            let fq = match &p.spec.subdomain {
                Some(s) => format!("{ip}\t{host}.{s}.{ns}.svc.cluster.local\t{host}\n"),
                None => format!("{ip}\t{host}\n"),
            };
            Some(format!("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n{fq}"))
        }
        _ => None,
    }
}

/// Is `kind` a pod? (exec/logs/run act on pods only.)
pub fn is_pod(kind: Kind) -> bool {
    kind == Kind::Pod
}
