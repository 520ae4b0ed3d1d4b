//! The container userland connected to the cluster: [`PodEnv`] is one container as its
//! programs see it (filesystem = image layer + volumes, hostname, environment, CoreDNS, the
//! pod network, its processes), and the cluster operations built on it:
//!
//! - [`Cluster::exec`] — one program invocation (`kubectl exec`, or one simple command of the
//!   kubectl shell interpreter running `sh -c '…'`), recorded as [`Input::Exec`];
//! - [`Cluster::exec_write_file`] / [`Cluster::exec_read_file`] — the shell's `>`/`>>`/`<`;
//! - probes run through the same paths (httpGet → the container's nginx, exec → a program,
//!   tcpSocket → is something listening), see [`Cluster::run_due_probes`];
//! - container logs (`kubectl logs [--previous]`): nginx's access/error lines from
//!   [`userland::serve`] and the output of a container's main command.
//!
//! Everything here is a pure function of the cluster state and the input: execs are inputs,
//! so a scenario with `kubectl exec` replays byte for byte.

use crate::api::ApiError;
use crate::cluster::Cluster;
use crate::controllers::kubelet::{LogLine, LogStream, ProbeOutcome};
use crate::input::Input;
use crate::objects::{IntOrString, Kind, Node, Pod, Probe, Service};
use crate::podfs::FsLocation;
use crate::profile::{CLUSTER_DOMAIN, DNS_SERVICE_IP};
use crate::storage_data::FsError as TreeError;
use crate::time::Time;
use crate::userland::{
    self, ContainerEnv, DirEntry, DnsRecord, DnsReply, Errno, FileKind, FsError, HttpOutcome,
    HttpRequest, ProcessInfo, QType, RData, Rcode, ServeRequest, Signal, Stat,
};

/// How long a TCP connect to an address nobody answers blocks (Linux SYN retries).
const CONNECT_TIMEOUT_MS: u64 = 130_000;
/// The nginx worker's pid inside the container (master is 1).
const NGINX_WORKER_PID: u32 = 7;
/// Longest argv / stdin / file data an exec input may carry (the input log is the scenario).
const EXEC_ARG_BYTES_LIMIT: usize = 64 * 1024;
const EXEC_DATA_BYTES_LIMIT: usize = 1024 * 1024;

/// What one program invocation produced.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExecOutput {
    pub stdout: String,
    pub stderr: String,
    /// Non-zero: kubectl prints `command terminated with exit code N` and exits with it.
    pub exit_code: i32,
    /// The program is still running until then (`sleep`, a connect timing out): the caller
    /// suspends and shows the exit code only then.
    pub blocks_until_ms: Option<u64>,
}

/// How a program is started ([`Cluster::exec_with`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecOptions {
    /// `kubectl exec -t` and the program writes to that terminal (not a pipe or a file):
    /// curl's progress meter and `ls`'s columns depend on it.
    pub tty: bool,
    /// The working directory (absolute; the shell's `cd`).
    pub cwd: String,
}

impl Default for ExecOptions {
    fn default() -> Self {
        ExecOptions {
            tty: false,
            cwd: "/".into(),
        }
    }
}

/// The container an exec would run in ([`Cluster::exec_target`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecTarget {
    /// The resolved container name (the default container when none was named).
    pub container: String,
    /// The image its runtime runs (decides the shell and the programs).
    pub image: String,
    /// The process environment programs see (PATH, HOSTNAME, HOME, service variables…).
    pub env: Vec<(String, String)>,
}

/// Why an exec could not run, with the line kubectl prints for it ([`ExecError::message`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExecError {
    /// `Error from server (NotFound): pods "web-9" not found`
    PodNotFound { pod: String },
    /// kubectl's own check (`exec.go` `Run`).
    CompletedPod { phase: String },
    /// `validateContainer` (`pkg/registry/core/pod/strategy.go`), 400.
    ContainerNotValid { container: String, pod: String },
    /// `streamLocation`: the pod is not scheduled yet, 400.
    NoHost { pod: String },
    /// The node's kubelet does not answer (node down).
    NodeUnreachable { node_ip: String },
    /// The kubelet has no running container of that name (creating, crashed, waiting).
    /// [unverified: kubectl v1.34 over WebSockets prints this text as SPDY did]
    ContainerNotRunning { container: String },
    /// `exec: "foo": executable file not found in $PATH` from runc via containerd 2.x.
    /// A shell running the command prints `sh: foo: not found` instead
    /// ([`userland::not_found`]); the kubectl shell layer maps this variant to that.
    ExecutableNotFound { name: String, exec_id: String },
    /// The input itself is unacceptable (too large for the scenario log).
    TooLarge { what: String },
}

impl ExecError {
    /// The text kubectl prints on stderr (it then exits 1).
    pub fn message(&self) -> String {
        match self {
            ExecError::PodNotFound { pod } => {
                format!("Error from server (NotFound): pods \"{pod}\" not found")
            }
            ExecError::CompletedPod { phase } => format!(
                "error: cannot exec into a container in a completed pod; current phase is {phase}"
            ),
            ExecError::ContainerNotValid { container, pod } => format!(
                "Error from server (BadRequest): container {container} is not valid for pod {pod}"
            ),
            ExecError::NoHost { pod } => {
                format!("Error from server (BadRequest): pod {pod} does not have a host assigned")
            }
            ExecError::NodeUnreachable { node_ip } => format!(
                "Error from server: error dialing backend: dial tcp {node_ip}:10250: connect: no route to host"
            ),
            ExecError::ContainerNotRunning { container } => format!(
                "error: unable to upgrade connection: container not found (\"{container}\")"
            ),
            ExecError::ExecutableNotFound { name, exec_id } => format!(
                "error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec \"{exec_id}\": OCI runtime exec failed: exec failed: unable to start container process: exec: \"{name}\": executable file not found in $PATH: unknown"
            ),
            ExecError::TooLarge { what } => {
                format!("error: ordinal: the {what} is too large for a scenario")
            }
        }
    }
}

/// Why a shell redirection into a container failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExecFileError {
    Exec(ExecError),
    /// The syscall's errno (the shell prints e.g. `sh: can't create /x/y: nonexistent directory`).
    Fs(Errno),
}

fn errno(e: TreeError) -> Errno {
    match e {
        TreeError::NotFound => Errno::NotFound,
        TreeError::NotADirectory => Errno::NotADirectory,
        TreeError::IsADirectory => Errno::IsADirectory,
        TreeError::Exists => Errno::Exists,
        TreeError::NotEmpty => Errno::NotEmpty,
        TreeError::ReadOnly => Errno::ReadOnly,
        TreeError::NoSpace => Errno::NoSpace,
        TreeError::Invalid => Errno::Invalid,
        TreeError::Busy => Errno::Busy,
    }
}

/// A FNV-1a hex digest (exec IDs: stable per input, 64 hex digits like containerd's).
fn hex_id(parts: &[&str]) -> String {
    let mut out = String::with_capacity(64);
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for round in 0u8..4 {
        for p in parts {
            for b in p.bytes().chain([0xff, round]) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
        out.push_str(&format!("{h:016x}"));
    }
    out
}

/// One container of a pod, as its programs see it.
pub struct PodEnv<'a> {
    cluster: &'a mut Cluster,
    fs: FsLocation,
    ns: String,
    pod: String,
    uid: String,
    /// Index of the container in the pod spec and runtime.
    ci: usize,
    container: String,
    image: String,
    hostname: String,
    ip: String,
    env: Vec<(String, String)>,
    main_command: String,
    tty: bool,
    /// The working directory of the program (`/`: the images set no WORKDIR).
    cwd: String,
}

/// The default container: the `kubectl.kubernetes.io/default-container` annotation if it
/// names one, else the first.
fn default_container(pod: &Pod) -> Option<String> {
    let annotated = pod
        .metadata
        .annotations
        .get("kubectl.kubernetes.io/default-container")
        .filter(|n| pod.spec.containers.iter().any(|c| &c.name == *n));
    annotated
        .cloned()
        .or_else(|| pod.spec.containers.first().map(|c| c.name.clone()))
}

impl<'a> PodEnv<'a> {
    /// Opens `container` (default: the default container) of `ns/pod` for exec, with the
    /// checks the apiserver and kubelet make, in their order.
    pub fn open(
        cluster: &'a mut Cluster,
        ns: &str,
        pod: &str,
        container: Option<&str>,
    ) -> Result<PodEnv<'a>, ExecError> {
        let p: Pod = cluster
            .api
            .get::<Pod>(ns, pod)
            .cloned()
            .ok_or_else(|| ExecError::PodNotFound { pod: pod.into() })?;
        if matches!(p.phase(), "Succeeded" | "Failed") {
            return Err(ExecError::CompletedPod {
                phase: p.phase().to_string(),
            });
        }
        let cname = match container {
            Some(c) => {
                if !p.spec.containers.iter().any(|x| x.name == c) {
                    return Err(ExecError::ContainerNotValid {
                        container: c.into(),
                        pod: pod.into(),
                    });
                }
                c.to_string()
            }
            None => default_container(&p).ok_or_else(|| ExecError::ContainerNotValid {
                container: String::new(),
                pod: pod.into(),
            })?,
        };
        let node = p.spec.node_name.clone().unwrap_or_default();
        if node.is_empty() {
            return Err(ExecError::NoHost { pod: pod.into() });
        }
        if cluster.kubelet.is_node_down(&node) {
            let node_ip = cluster
                .api
                .get::<Node>("", &node)
                .and_then(|n| n.internal_ip().map(str::to_string))
                .unwrap_or_default();
            return Err(ExecError::NodeUnreachable { node_ip });
        }
        let not_running = || ExecError::ContainerNotRunning {
            container: cname.clone(),
        };
        let rt = cluster
            .kubelet
            .runtime(ns, pod, &p.metadata.uid)
            .ok_or_else(not_running)?;
        let ci = rt
            .containers
            .iter()
            .position(|c| c.name == cname)
            .ok_or_else(not_running)?;
        let crt = &rt.containers[ci];
        if !crt.is_alive() || !rt.sandbox_ready {
            return Err(not_running());
        }
        let image = crt.image.clone();
        let main_command = main_command_line(&image, crt.main_argv());
        let ip = rt.ip.clone().unwrap_or_default();
        let spec = p.spec.containers.iter().find(|c| c.name == cname);
        let tty = spec.is_some_and(|c| c.tty == Some(true));
        let fs = FsLocation::resolve(cluster, ns, pod, Some(&cname)).map_err(|_| not_running())?;
        let hostname = crate::dns::pod_hostname(&p);
        let env = container_env(cluster, &p, &cname, &hostname);
        Ok(PodEnv {
            cluster,
            fs,
            ns: ns.into(),
            pod: pod.into(),
            uid: p.metadata.uid.clone(),
            ci,
            container: cname,
            image,
            hostname,
            ip,
            env,
            main_command,
            tty,
            cwd: "/".into(),
        })
    }

    /// `kubectl exec -t`: programs see a terminal on stdout.
    pub fn set_tty(&mut self, tty: bool) {
        self.tty = tty;
    }

    pub fn container(&self) -> &str {
        &self.container
    }

    pub fn pod_ip(&self) -> &str {
        &self.ip
    }

    fn now(&self) -> Time {
        self.cluster.now()
    }

    fn runtime_container(&mut self) -> Option<&mut crate::controllers::kubelet::ContainerRuntime> {
        self.cluster
            .kubelet
            .runtime_mut(&self.ns, &self.pod, &self.uid)
            .and_then(|rt| rt.containers.get_mut(self.ci))
    }

    /// Appends program output to this container's log (its main command's stdout/stderr).
    fn log_output(&mut self, stdout: &str, stderr: &str) {
        let now = self.now();
        if let Some(c) = self.runtime_container() {
            c.append_output(now, LogStream::Stdout, stdout);
            c.append_output(now, LogStream::Stderr, stderr);
        }
    }

    /// The pod (namespace, name, uid, container index) owning `ip` whose sandbox is up, and
    /// whether its node is down.
    fn pod_by_ip(&self, ip: &str) -> Option<(String, String, String, bool)> {
        for (ns, name, rt) in self.cluster.kubelet.runtimes() {
            if rt.sandbox_ready && rt.ip.as_deref() == Some(ip) {
                let down = self.cluster.kubelet.is_node_down(&rt.node);
                return Some((ns.into(), name.into(), rt.uid.clone(), down));
            }
        }
        None
    }

    /// A ClusterIP service's address → the pod address kube-proxy picks (the first ready
    /// endpoint on the target port), `Err(())` for a service without endpoints (REJECT).
    fn service_backend(&self, ip: &str, port: u16) -> Option<Result<(String, u16), ()>> {
        let svc = self
            .cluster
            .api
            .list::<Service>(None)
            .find(|s| !s.is_headless() && s.spec.cluster_ip.as_deref() == Some(ip))?;
        let sp = svc.spec.ports.iter().find(|p| p.port == i32::from(port));
        let Some(sp) = sp else {
            return Some(Err(()));
        };
        let target = match &sp.target_port {
            Some(IntOrString::Int(n)) => u16::try_from(*n).unwrap_or(port),
            _ => port,
        };
        let ns = svc.metadata.ns().to_string();
        let name = svc.metadata.name.clone();
        let fqdn = format!("{name}.{ns}.svc.{CLUSTER_DOMAIN}");
        // The ready endpoints are exactly what the headless-style records would list; use
        // the EndpointSlices through the DNS view's reading of them.
        let mut addrs: Vec<String> = Vec::new();
        for slice in self
            .cluster
            .api
            .list::<crate::objects::EndpointSlice>(Some(&ns))
        {
            if slice
                .metadata
                .labels
                .get(crate::controllers::endpoints::SERVICE_NAME_LABEL)
                != Some(&name)
            {
                continue;
            }
            for ep in &slice.endpoints {
                let ready = ep
                    .get("conditions")
                    .and_then(|c| c.get("ready"))
                    .and_then(|r| r.as_bool())
                    .unwrap_or(true);
                if !ready {
                    continue;
                }
                for a in ep
                    .get("addresses")
                    .and_then(|a| a.as_array())
                    .into_iter()
                    .flatten()
                {
                    if let Some(a) = a.as_str() {
                        addrs.push(a.to_string());
                    }
                }
            }
        }
        let _ = fqdn;
        crate::sort::sort(&mut addrs);
        match addrs.into_iter().next() {
            Some(a) => Some(Ok((a, target))),
            None => Some(Err(())),
        }
    }
}

/// `ps`'s COMMAND of the main process: nginx's master title, or the argv.
fn main_command_line(image: &str, argv: &[String]) -> String {
    if argv.is_empty() {
        if userland::image_serves_nginx(image) {
            return "nginx: master process nginx -g daemon off;".into();
        }
        return "sh".into();
    }
    argv.join(" ")
}

/// The process environment: image ENV, the container's `env` (literal values), the
/// Kubernetes service variables of the services in the pod's namespace, HOSTNAME, HOME.
/// [Limit: service variables are those of the current services, not of container start.]
fn container_env(
    cluster: &Cluster,
    pod: &Pod,
    container: &str,
    hostname: &str,
) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = vec![
        (
            "PATH".into(),
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
        ),
        ("HOSTNAME".into(), hostname.to_string()),
    ];
    let spec = pod.spec.containers.iter().find(|c| c.name == container);
    if let Some(image) = spec.map(|c| c.image.as_str()) {
        if userland::image_serves_nginx(image) {
            let v = userland::nginx_version(image);
            env.push(("NGINX_VERSION".into(), v));
        }
    }
    if let Some(c) = spec {
        for e in &c.env {
            if let Some(v) = &e.value {
                env.retain(|(k, _)| k != &e.name);
                env.push((e.name.clone(), v.clone()));
            }
        }
    }
    // `enableServiceLinks` (default true) + the master service variables.
    let links = pod
        .spec
        .extra
        .get("enableServiceLinks")
        .and_then(|v| v.as_bool())
        .unwrap_or(true);
    for svc in cluster.api.list::<Service>(None) {
        let ns = svc.metadata.ns();
        let is_master = ns == "default" && svc.metadata.name == "kubernetes";
        if !(is_master || (links && ns == pod.metadata.ns())) || svc.is_headless() {
            continue;
        }
        let Some(ip) = svc.spec.cluster_ip.clone().filter(|i| !i.is_empty()) else {
            continue;
        };
        let prefix = svc.metadata.name.to_ascii_uppercase().replace('-', "_");
        if let Some(first) = svc.spec.ports.first() {
            env.push((format!("{prefix}_SERVICE_HOST"), ip.clone()));
            env.push((format!("{prefix}_SERVICE_PORT"), first.port.to_string()));
            for p in &svc.spec.ports {
                if let Some(n) = p.name.as_deref().filter(|n| !n.is_empty()) {
                    env.push((
                        format!(
                            "{prefix}_SERVICE_PORT_{}",
                            n.to_ascii_uppercase().replace('-', "_")
                        ),
                        p.port.to_string(),
                    ));
                }
            }
            let proto = first.protocol.as_deref().unwrap_or("TCP");
            let lproto = proto.to_ascii_lowercase();
            env.push((
                format!("{prefix}_PORT"),
                format!("{lproto}://{ip}:{}", first.port),
            ));
            for p in &svc.spec.ports {
                let proto = p.protocol.as_deref().unwrap_or("TCP");
                let key = format!("{prefix}_PORT_{}_{}", p.port, proto);
                env.push((
                    key.clone(),
                    format!("{}://{ip}:{}", proto.to_ascii_lowercase(), p.port),
                ));
                env.push((format!("{key}_PROTO"), proto.to_ascii_lowercase()));
                env.push((format!("{key}_PORT"), p.port.to_string()));
                env.push((format!("{key}_ADDR"), ip.clone()));
            }
        }
    }
    env.push(("HOME".into(), "/root".into()));
    env
}

impl ContainerEnv for PodEnv<'_> {
    fn read(&self, path: &str) -> Result<String, FsError> {
        self.fs
            .read(self.cluster, path)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .map_err(errno)
    }

    fn write(&mut self, path: &str, data: &str, append: bool) -> Result<(), FsError> {
        self.fs
            .write(self.cluster, path, data.as_bytes(), append)
            .map_err(errno)
    }

    fn stat(&self, path: &str) -> Result<Stat, FsError> {
        let e = self.fs.stat(self.cluster, path).map_err(errno)?;
        Ok(Stat {
            kind: if e.is_dir {
                FileKind::Dir
            } else {
                FileKind::File
            },
            mode: e.mode,
            size: if e.is_dir { 4096 } else { e.size as u64 },
            mtime_ms: self.mtime_ms(),
        })
    }

    fn list(&self, path: &str) -> Result<Vec<DirEntry>, FsError> {
        let mtime_ms = self.mtime_ms();
        Ok(self
            .fs
            .list(self.cluster, path)
            .map_err(errno)?
            .into_iter()
            .map(|e| DirEntry {
                stat: Stat {
                    kind: if e.is_dir {
                        FileKind::Dir
                    } else {
                        FileKind::File
                    },
                    mode: e.mode,
                    size: if e.is_dir { 4096 } else { e.size as u64 },
                    mtime_ms,
                },
                name: e.name,
            })
            .collect())
    }

    fn mkdir(&mut self, path: &str) -> Result<(), FsError> {
        self.fs.mkdir(self.cluster, path, false).map_err(errno)
    }

    fn remove(&mut self, path: &str) -> Result<(), FsError> {
        let st = self.fs.stat(self.cluster, path).map_err(errno)?;
        if st.is_dir {
            // rmdir: only an empty directory.
            if !self.fs.list(self.cluster, path).map_err(errno)?.is_empty() {
                return Err(Errno::NotEmpty);
            }
            return self.fs.remove(self.cluster, path, true).map_err(errno);
        }
        self.fs.remove(self.cluster, path, false).map_err(errno)
    }

    fn rename(&mut self, from: &str, to: &str) -> Result<(), FsError> {
        self.fs.rename(self.cluster, from, to).map_err(errno)
    }

    fn chmod(&mut self, path: &str, mode: u32) -> Result<(), FsError> {
        self.fs.chmod(self.cluster, path, mode).map_err(errno)
    }

    fn hostname(&self) -> String {
        self.hostname.clone()
    }

    fn env(&self) -> Vec<(String, String)> {
        self.env.clone()
    }

    fn image(&self) -> String {
        self.image.clone()
    }

    fn dns_query(&self, server: &str, name: &str, qtype: QType) -> Option<DnsReply> {
        // Only the cluster DNS answers (ClusterFirst pods ask nothing else).
        if server != DNS_SERVICE_IP {
            return None;
        }
        Some(dns_answer(self.cluster, name, qtype))
    }

    fn http(&mut self, ip: &str, port: u16, request: &HttpRequest) -> HttpOutcome {
        let (ip, port) = match self.service_backend(ip, port) {
            Some(Ok((backend, p))) => (backend, p),
            Some(Err(())) => return HttpOutcome::Refused,
            None => (ip.to_string(), port),
        };
        let target = if ip.starts_with("127.") || ip == self.ip {
            Some((self.ns.clone(), self.pod.clone(), self.uid.clone(), false))
        } else {
            self.pod_by_ip(&ip)
        };
        let Some((ns, pod, uid, down)) = target else {
            // An address in a live node's pod range with no pod: ARP fails, ICMP unreachable.
            let in_pod_range = ip.starts_with("10.244.");
            return if in_pod_range && self.node_of_range_is_up(&ip) {
                HttpOutcome::NoRoute
            } else {
                HttpOutcome::Timeout {
                    after_ms: CONNECT_TIMEOUT_MS,
                }
            };
        };
        if down {
            return HttpOutcome::Timeout {
                after_ms: CONNECT_TIMEOUT_MS,
            };
        }
        serve_http(self.cluster, &ns, &pod, &uid, port, request)
    }

    fn now_ms(&self) -> u64 {
        self.cluster.now().ms()
    }

    fn processes(&self) -> Vec<ProcessInfo> {
        let mut v = vec![ProcessInfo {
            pid: 1,
            user: "root".into(),
            cpu_ms: 0,
            command: self.main_command.clone(),
        }];
        if self.main_command.starts_with("nginx: master") {
            let user = if userland::flavor(&self.image) == Some(userland::Flavor::UbuntuSlim) {
                "www-data"
            } else {
                "nginx"
            };
            v.push(ProcessInfo {
                pid: NGINX_WORKER_PID,
                user: user.into(),
                cpu_ms: 0,
                command: "nginx: worker process".into(),
            });
        }
        v
    }

    /// Signals from inside the container. PID 1 gets only the signals it handles (the kernel
    /// drops the others, SIGKILL included, for a namespace's init): nginx exits on
    /// TERM/INT/QUIT (fast/graceful shutdown, exit 0) — the container's exit, through the
    /// kubelet's KillContainer path; a shell or `sleep` as PID 1 ignores everything.
    fn signal(&mut self, pid: u32, sig: Signal) -> Result<(), FsError> {
        let nginx = self.main_command.starts_with("nginx: master");
        match pid {
            1 => {
                if nginx && matches!(sig, Signal::Term | Signal::Int | Signal::Quit) {
                    let now = self.now();
                    let (ns, pod, container) =
                        (self.ns.clone(), self.pod.clone(), self.container.clone());
                    let api = &self.cluster.api;
                    let _ = self.cluster.kubelet.kill_container(
                        api,
                        &ns,
                        &pod,
                        Some(&container),
                        0,
                        now,
                    );
                    self.cluster.wake_kubelet_for(&ns, &pod);
                }
                Ok(())
            }
            NGINX_WORKER_PID if nginx => Ok(()),
            _ => Err(Errno::NoSuchProcess),
        }
    }

    fn stdout_is_tty(&self) -> bool {
        self.tty
    }

    fn cwd(&self) -> String {
        self.cwd.clone()
    }
}

impl PodEnv<'_> {
    /// [Limit: the filesystem keeps no modification times; every entry shows the time the
    /// container started.]
    fn mtime_ms(&self) -> u64 {
        self.cluster
            .api
            .get::<Pod>(&self.ns, &self.pod)
            .and_then(|p| {
                p.status
                    .container_statuses
                    .iter()
                    .find(|c| c.name == self.container)
                    .and_then(|c| c.state.running.as_ref())
                    .and_then(|r| r.started_at)
            })
            .map_or(self.cluster.now().ms(), |t| t.ms())
    }

    fn node_of_range_is_up(&self, ip: &str) -> bool {
        let octet = ip.split('.').nth(2).unwrap_or("");
        self.cluster.api.list::<Node>(None).any(|n| {
            n.spec.pod_cidr.as_deref().and_then(|c| c.split('.').nth(2)) == Some(octet)
                && !self.cluster.kubelet.is_node_down(&n.metadata.name)
        })
    }
}

/// One HTTP request to `port` of pod `ns/pod` (uid): nginx answers on port 80 when a
/// container running an nginx image is up; its access/error log lines go to that container's
/// log. Anything else: connection refused.
fn serve_http(
    cluster: &mut Cluster,
    ns: &str,
    pod: &str,
    uid: &str,
    port: u16,
    request: &HttpRequest,
) -> HttpOutcome {
    let Some(rt) = cluster.kubelet.runtime(ns, pod, uid) else {
        return HttpOutcome::Refused;
    };
    if let Some(outcome) = builtin_server(rt, port, request) {
        return outcome;
    }
    let server = rt
        .containers
        .iter()
        .find(|c| c.is_running() && userland::image_serves_nginx(&c.image))
        .map(|c| c.name.clone());
    let Some(server) = server.filter(|_| port == 80) else {
        return HttpOutcome::Refused;
    };
    let now = cluster.now();
    let connection = match cluster
        .kubelet
        .runtime_mut(ns, pod, uid)
        .and_then(|rt| rt.containers.iter_mut().find(|c| c.name == server))
    {
        Some(c) => {
            c.connections += 1;
            c.connections
        }
        None => return HttpOutcome::Refused,
    };
    let Ok(env) = PodEnv::open(cluster, ns, pod, Some(&server)) else {
        return HttpOutcome::Refused;
    };
    let req = ServeRequest {
        request: request.clone(),
        now_ms: now.ms(),
        connection,
        worker_pid: NGINX_WORKER_PID,
    };
    let result = userland::serve(&env, &req);
    let cluster = env.cluster;
    if let Some(c) = cluster
        .kubelet
        .runtime_mut(ns, pod, uid)
        .and_then(|rt| rt.containers.iter_mut().find(|c| c.name == server))
    {
        for line in result.log {
            match line {
                userland::AccessLogLine::Stdout(s) => c.append_log(now, LogStream::Stdout, &s),
                userland::AccessLogLine::Stderr(s) => c.append_log(now, LogStream::Stderr, &s),
            }
        }
    }
    HttpOutcome::Response(result.response)
}

/// Servers of images other than nginx, as far as the cluster itself talks to them: CoreDNS's
/// `health` (8080 `/health`), `ready` (8181 `/ready`) and `prometheus` (9153) plugins. Go's
/// `net/http` answers unknown paths with `404 page not found`.
fn builtin_server(
    rt: &crate::controllers::kubelet::PodRuntime,
    port: u16,
    request: &HttpRequest,
) -> Option<HttpOutcome> {
    let coredns = rt
        .containers
        .iter()
        .find(|c| c.image.contains("coredns/coredns"))?;
    if !coredns.is_running() {
        return Some(HttpOutcome::Refused);
    }
    let path = request.path.split('?').next().unwrap_or("/");
    let (status, body) = match (port, path) {
        (8080, "/health") | (8181, "/ready") => (200, "OK"),
        (9153, "/metrics") => (200, ""),
        (8080 | 8181 | 9153, _) => (404, "404 page not found\n"),
        _ => return Some(HttpOutcome::Refused),
    };
    Some(HttpOutcome::Response(userland::HttpResponse {
        status,
        reason: if status == 200 { "OK" } else { "Not Found" }.into(),
        headers: vec![
            ("Content-Type".into(), "text/plain; charset=utf-8".into()),
            ("Content-Length".into(), body.len().to_string()),
        ],
        body: body.into(),
    }))
}

/// Whether something in the pod listens on TCP `port`.
fn listens(rt: &crate::controllers::kubelet::PodRuntime, port: u16) -> bool {
    rt.containers.iter().any(|c| {
        c.is_running()
            && ((port == 80 && userland::image_serves_nginx(&c.image))
                || (c.image.contains("coredns/coredns") && matches!(port, 53 | 8080 | 8181 | 9153)))
    })
}

/// CoreDNS's answer to one query for the absolute `name` (`crate::dns` is the record view).
pub fn dns_answer(cluster: &Cluster, name: &str, qtype: QType) -> DnsReply {
    use crate::dns::{lookup, Answer, RecordType};
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let in_cluster = name == CLUSTER_DOMAIN
        || name.ends_with(&format!(".{CLUSTER_DOMAIN}"))
        || name.ends_with(".in-addr.arpa")
        || name.ends_with(".ip6.arpa");
    let rt = match qtype {
        QType::A => RecordType::A,
        QType::Srv => RecordType::SRV,
        QType::Ptr => RecordType::PTR,
        // No IPv6 in this cluster: AAAA is NODATA for names that exist.
        QType::Aaaa => RecordType::A,
    };
    if !in_cluster {
        // No upstream resolver in the simulation: the forwarder's NXDOMAIN (not authoritative).
        return DnsReply {
            rcode: Rcode::NxDomain,
            authoritative: false,
            answers: Vec::new(),
        };
    }
    match lookup(&cluster.api, &name, rt) {
        Answer::NxDomain => DnsReply::nxdomain(),
        Answer::Records(recs) => {
            let answers = if qtype == QType::Aaaa {
                Vec::new()
            } else {
                recs.into_iter()
                    .filter_map(|r| {
                        let data = match r.type_ {
                            RecordType::A => RData::A(r.value),
                            RecordType::PTR => RData::Ptr(r.value),
                            RecordType::SRV => {
                                let mut it = r.value.split_whitespace();
                                let mut num = || it.next().and_then(|x| x.parse::<u16>().ok());
                                let (priority, weight, port) = (num()?, num()?, num()?);
                                let target = r.value.split_whitespace().nth(3)?.to_string();
                                RData::Srv {
                                    priority,
                                    weight,
                                    port,
                                    target,
                                }
                            }
                        };
                        Some(DnsRecord { name: r.name, data })
                    })
                    .collect()
            };
            DnsReply {
                rcode: Rcode::NoError,
                authoritative: true,
                answers,
            }
        }
    }
}

// -------------------------------------------------------------------------------------------
// Probes
// -------------------------------------------------------------------------------------------

/// Runs one probe of container `ci` of `ns/pod` through the userland, as the kubelet's prober
/// does (`pkg/kubelet/prober/prober.go`): httpGet from the node to the pod IP with user agent
/// `kube-probe/1.34` (200–399 succeeds), exec as a program in the container (exit 0
/// succeeds), tcpSocket as a connect.
fn run_probe(
    cluster: &mut Cluster,
    ns: &str,
    pod: &str,
    uid: &str,
    ci: usize,
    probe: &Probe,
) -> ProbeOutcome {
    let ok = |detail: String| ProbeOutcome { ok: true, detail };
    let fail = |detail: String| ProbeOutcome { ok: false, detail };
    let (ip, node_gw, ports, cname) = {
        let Some(rt) = cluster.kubelet.runtime(ns, pod, uid) else {
            return fail(String::new());
        };
        let ip = rt.ip.clone().unwrap_or_default();
        // The kubelet probes from the node: the pod sees the node's address on its bridge.
        let gw = {
            let mut o: Vec<&str> = ip.split('.').collect();
            if o.len() == 4 {
                o[3] = "1";
            }
            o.join(".")
        };
        let spec = cluster
            .api
            .get::<Pod>(ns, pod)
            .and_then(|p| p.spec.containers.get(ci).cloned());
        let ports: Vec<(String, i32)> = spec
            .as_ref()
            .map(|c| {
                c.ports
                    .iter()
                    .map(|p| (p.name.clone().unwrap_or_default(), p.container_port))
                    .collect()
            })
            .unwrap_or_default();
        let cname = rt
            .containers
            .get(ci)
            .map(|c| c.name.clone())
            .unwrap_or_default();
        (ip, gw, ports, cname)
    };
    let resolve_port = |p: &IntOrString| -> Option<u16> {
        match p {
            IntOrString::Int(n) => u16::try_from(*n).ok(),
            IntOrString::Str(s) => ports
                .iter()
                .find(|(n, _)| n == s)
                .and_then(|(_, p)| u16::try_from(*p).ok()),
        }
    };
    if let Some(h) = &probe.http_get {
        let path = h
            .path
            .clone()
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| "/".into());
        let path = if path.starts_with('/') {
            path
        } else {
            format!("/{path}")
        };
        let Some(port) = resolve_port(&h.port) else {
            return fail(format!("unable to resolve port {:?}", h.port));
        };
        let scheme = h.scheme.as_deref().unwrap_or("HTTP").to_ascii_lowercase();
        let url = format!("{scheme}://{ip}:{port}{path}");
        let req = HttpRequest {
            method: "GET".into(),
            path: path.clone(),
            host: format!("{ip}:{port}"),
            user_agent: "kube-probe/1.34".into(),
            client_ip: node_gw,
        };
        return match serve_http(cluster, ns, pod, uid, port, &req) {
            HttpOutcome::Response(r) if (200..400).contains(&r.status) => ok(String::new()),
            HttpOutcome::Response(r) => fail(format!("HTTP probe failed with statuscode: {}", r.status)),
            HttpOutcome::Refused => fail(format!(
                "Get \"{url}\": dial tcp {ip}:{port}: connect: connection refused"
            )),
            HttpOutcome::NoRoute => fail(format!(
                "Get \"{url}\": dial tcp {ip}:{port}: connect: no route to host"
            )),
            HttpOutcome::Timeout { .. } => fail(format!(
                "Get \"{url}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
            )),
        };
    }
    if let Some(t) = &probe.tcp_socket {
        let Some(port) = resolve_port(&t.port) else {
            return fail(format!("unable to resolve port {:?}", t.port));
        };
        let listening = cluster
            .kubelet
            .runtime(ns, pod, uid)
            .is_some_and(|rt| listens(rt, port));
        return if listening {
            ok(String::new())
        } else {
            fail(format!("dial tcp {ip}:{port}: connect: connection refused"))
        };
    }
    if let Some(e) = &probe.exec {
        let timeout_ms =
            u64::try_from(probe.timeout_seconds.unwrap_or(1).max(1)).unwrap_or(1) * 1000;
        let now = cluster.now().ms();
        let Ok(mut env) = PodEnv::open(cluster, ns, pod, Some(&cname)) else {
            return fail(String::new());
        };
        let Some(first) = e.command.first() else {
            return fail(String::new());
        };
        if !image_has(&env.image, first) {
            return fail(format!(
                "rpc error: code = Unknown desc = failed to exec in container: failed to start exec: OCI runtime exec failed: exec failed: unable to start container process: exec: \"{first}\": executable file not found in $PATH: unknown"
            ));
        }
        let out = run_argv(&mut env, &e.command, "");
        if out.blocks_until_ms.is_some_and(|t| t > now + timeout_ms) {
            return fail(format!("command \"{}\" timed out", e.command.join(" ")));
        }
        let text = format!("{}{}", out.stdout, out.stderr);
        return if out.exit_code == 0 {
            ok(text)
        } else {
            fail(text)
        };
    }
    fail(String::new())
}

fn is_shell(name: &str) -> bool {
    matches!(
        name.rsplit('/').next().unwrap_or(name),
        "sh" | "bash" | "dash" | "ash"
    )
}

/// Runs argv in the container: a program, or `sh -c SCRIPT` through the small script runner
/// used for containers' main commands and exec probes ([`run_script`]).
fn run_argv(env: &mut PodEnv<'_>, argv: &[String], stdin: &str) -> userland::ProgramOutput {
    let Some(first) = argv.first() else {
        return userland::ProgramOutput::default();
    };
    if is_shell(first) {
        return match (argv.get(1).map(String::as_str), argv.get(2)) {
            (Some("-c"), Some(script)) => run_script(env, script).unwrap_or_default(),
            _ => userland::ProgramOutput::default(),
        };
    }
    if is_echo(first) {
        return echo(&argv[1..]);
    }
    userland::run(argv, stdin, env)
}

/// `/bin/echo` (busybox applet, GNU coreutils): the userland leaves `echo` to the shell's
/// builtin, but images ship the binary too, so `kubectl exec … -- echo hi` and
/// `command: ["echo", "hi"]` run it.
fn is_echo(name: &str) -> bool {
    name.rsplit('/').next() == Some("echo")
}

fn echo(args: &[String]) -> userland::ProgramOutput {
    let (newline, args) = match args.first().map(String::as_str) {
        Some("-n") => (false, &args[1..]),
        _ => (true, args),
    };
    let mut s = args.join(" ");
    if newline {
        s.push('\n');
    }
    userland::ProgramOutput::ok(s)
}

/// Whether the image has a program called `name` (what runc's `exec` looks up in `$PATH`).
fn image_has(image: &str, name: &str) -> bool {
    userland::lookup(image, name).is_some()
        || (userland::flavor(image).is_some() && is_echo(name))
        || image_has_shell(image, name)
}

/// Whether the image ships shell `name`: `sh` everywhere; busybox and Alpine images `ash`
/// (no bash); the Ubuntu/Debian nginx images `dash` and `bash`.
pub fn image_has_shell(image: &str, name: &str) -> bool {
    use userland::Flavor;
    let Some(flavor) = userland::flavor(image) else {
        return false;
    };
    match name.rsplit('/').next().unwrap_or(name) {
        "sh" => true,
        "ash" => flavor.is_busybox(),
        "bash" | "dash" => matches!(flavor, Flavor::UbuntuSlim | Flavor::Debian),
        _ => false,
    }
}

/// A deliberately small `sh -c` runner for the commands the model itself runs (a container's
/// main command, exec probes): simple commands separated by `;`, `&&`, `||` or newlines, words
/// with single/double quotes, the `echo`/`true`/`false`/`exit` builtins, `> file`/`>> file`.
/// Anything else (`$…`, pipes, loops, backquotes…) → `None`: the script is not run. The
/// interpreter for `kubectl exec … -- sh -c` is the kubectl crate's; it calls
/// [`Cluster::exec`] per simple command.
fn run_script(env: &mut PodEnv<'_>, script: &str) -> Option<userland::ProgramOutput> {
    if script.len() > 4096
        || script
            .chars()
            .any(|c| matches!(c, '$' | '`' | '|' | '(' | ')' | '<' | '*' | '?' | '\\'))
    {
        return None;
    }
    // Split into (separator before, words).
    let mut commands: Vec<(String, Vec<String>)> = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut sep = String::from(";");
    let chars: Vec<char> = script.chars().collect();
    let mut i = 0;
    let flush_word = |words: &mut Vec<String>, cur: &mut String, in_word: &mut bool| {
        if *in_word {
            words.push(std::mem::take(cur));
            *in_word = false;
        }
    };
    while i < chars.len() {
        let c = chars[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => cur.push(c),
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                in_word = true;
            }
            None if c == ';' || c == '\n' || c == '&' => {
                flush_word(&mut words, &mut cur, &mut in_word);
                let s = if c == '&' {
                    if chars.get(i + 1) != Some(&'&') {
                        return None; // background jobs
                    }
                    i += 1;
                    "&&"
                } else {
                    ";"
                };
                if !words.is_empty() {
                    commands.push((
                        std::mem::replace(&mut sep, s.into()),
                        std::mem::take(&mut words),
                    ));
                } else {
                    sep = s.into();
                }
            }
            None if c.is_whitespace() => flush_word(&mut words, &mut cur, &mut in_word),
            None => {
                cur.push(c);
                in_word = true;
            }
        }
        i += 1;
    }
    if quote.is_some() {
        return None;
    }
    flush_word(&mut words, &mut cur, &mut in_word);
    if !words.is_empty() {
        commands.push((sep, words));
    }
    let keywords = [
        "if", "then", "else", "fi", "for", "while", "until", "do", "done", "case", "esac", "{",
        "}", "function",
    ];
    if commands
        .iter()
        .any(|(_, w)| keywords.contains(&w[0].as_str()))
    {
        return None;
    }
    let mut out = userland::ProgramOutput::default();
    for (sep, mut words) in commands.into_iter().take(64) {
        if sep == "&&" && out.exit_code != 0 {
            continue;
        }
        // Redirection of stdout to a file (`> f`, `>> f`, `>f`).
        let mut redirect: Option<(String, bool)> = None;
        let mut k = 0;
        while k < words.len() {
            let w = words[k].clone();
            let (append, rest) = if let Some(r) = w.strip_prefix(">>") {
                (true, r.to_string())
            } else if let Some(r) = w.strip_prefix('>') {
                (false, r.to_string())
            } else {
                k += 1;
                continue;
            };
            let target = if rest.is_empty() {
                if k + 1 >= words.len() {
                    return None;
                }
                words.remove(k + 1)
            } else {
                rest
            };
            words.remove(k);
            redirect = Some((target, append));
        }
        let Some(name) = words.first().cloned() else {
            continue;
        };
        let r = match name.as_str() {
            "echo" => echo(&words[1..]),
            "exit" => {
                let code = words
                    .get(1)
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(out.exit_code);
                out.exit_code = code;
                return Some(out);
            }
            "sleep" => {
                // The process model (`images::process_for`) decides how long the container
                // lives; output after a sleep is not produced [limit].
                let r = userland::run(&words, "", env);
                if r.blocks_until_ms.is_some() {
                    out.blocks_until_ms = r.blocks_until_ms;
                    return Some(out);
                }
                r
            }
            _ => match userland::lookup(&env.image, &name) {
                Some(_) => userland::run(&words, "", env),
                None => userland::not_found(&env.image, &name, 1),
            },
        };
        let mut stdout = r.stdout;
        if let Some((path, append)) = redirect {
            let abs = if path.starts_with('/') {
                path.clone()
            } else {
                format!("/{path}")
            };
            if let Err(e) = env.write(&abs, &stdout, append) {
                out.stderr
                    .push_str(&format!("sh: can't create {path}: {}\n", e.text()));
                out.exit_code = 1;
                continue;
            }
            stdout = String::new();
        }
        out.stdout.push_str(&stdout);
        out.stderr.push_str(&r.stderr);
        out.exit_code = r.exit_code;
        if r.blocks_until_ms.is_some() {
            out.blocks_until_ms = r.blocks_until_ms;
            return Some(out);
        }
    }
    Some(out)
}

// -------------------------------------------------------------------------------------------
// Cluster operations
// -------------------------------------------------------------------------------------------

impl Cluster {
    /// `kubectl exec [-c container] pod -- argv…`, one program invocation: records
    /// [`Input::Exec`] (so the scenario replays it) and runs `argv` in the container with
    /// `stdin`. Shell syntax is the caller's: the kubectl shell interpreter calls this once per
    /// simple command of `sh -c '…'`.
    pub fn exec(
        &mut self,
        namespace: &str,
        pod: &str,
        container: Option<&str>,
        argv: Vec<String>,
        stdin: String,
    ) -> Result<ExecOutput, ExecError> {
        self.exec_with(
            namespace,
            pod,
            container,
            argv,
            stdin,
            ExecOptions::default(),
        )
    }

    /// [`Cluster::exec`] with [`ExecOptions`]: the terminal and the working directory of the
    /// shell that runs the program.
    pub fn exec_with(
        &mut self,
        namespace: &str,
        pod: &str,
        container: Option<&str>,
        argv: Vec<String>,
        stdin: String,
        options: ExecOptions,
    ) -> Result<ExecOutput, ExecError> {
        let cwd = if options.cwd == "/" {
            String::new()
        } else {
            options.cwd
        };
        let input = Input::Exec {
            namespace: namespace.into(),
            pod: pod.into(),
            container: container.map(str::to_string),
            argv,
            stdin,
            tty: options.tty,
            cwd,
        };
        self.record_and_execute(input)
    }

    /// What a shell started by `kubectl exec` needs to know about its container, with the
    /// same checks (and errors) as [`Cluster::exec`]; not recorded (reads nothing but state).
    pub fn exec_target(
        &mut self,
        namespace: &str,
        pod: &str,
        container: Option<&str>,
    ) -> Result<ExecTarget, ExecError> {
        let env = PodEnv::open(self, namespace, pod, container)?;
        Ok(ExecTarget {
            container: env.container.clone(),
            image: env.image.clone(),
            env: env.env.clone(),
        })
    }

    /// The shell's `>`/`>>` redirection into a container file: recorded as
    /// [`Input::ExecWriteFile`].
    pub fn exec_write_file(
        &mut self,
        namespace: &str,
        pod: &str,
        container: Option<&str>,
        path: &str,
        data: &str,
        append: bool,
    ) -> Result<(), ExecFileError> {
        let input = Input::ExecWriteFile {
            namespace: namespace.into(),
            pod: pod.into(),
            container: container.map(str::to_string),
            path: path.into(),
            data: data.into(),
            append,
        };
        match self.record_and_execute(input) {
            Ok(out) if out.exit_code == 0 => Ok(()),
            Ok(out) => Err(ExecFileError::Fs(errno_from_code(out.exit_code))),
            Err(e) => Err(ExecFileError::Exec(e)),
        }
    }

    /// The shell's `<` redirection: reads a container file (read-only, not recorded).
    pub fn exec_read_file(
        &mut self,
        namespace: &str,
        pod: &str,
        container: Option<&str>,
        path: &str,
    ) -> Result<String, ExecFileError> {
        let env = PodEnv::open(self, namespace, pod, container).map_err(ExecFileError::Exec)?;
        env.read(&absolute(path)).map_err(ExecFileError::Fs)
    }

    fn record_and_execute(&mut self, input: Input) -> Result<ExecOutput, ExecError> {
        let size = match &input {
            Input::Exec { argv, stdin, .. } => {
                (argv.iter().map(String::len).sum::<usize>(), stdin.len())
            }
            Input::ExecWriteFile { path, data, .. } => (path.len(), data.len()),
            _ => (0, 0),
        };
        if size.0 > EXEC_ARG_BYTES_LIMIT {
            return Err(ExecError::TooLarge {
                what: "command line".into(),
            });
        }
        if size.1 > EXEC_DATA_BYTES_LIMIT {
            return Err(ExecError::TooLarge {
                what: "data".into(),
            });
        }
        if !self.record_input(input.clone()) {
            return Err(ExecError::TooLarge {
                what: "input log".into(),
            });
        }
        let out = self.run_exec_input(&input);
        self.after_input();
        out
    }

    /// Runs a recorded exec-kind input (live or during replay).
    pub(crate) fn run_exec_input(&mut self, input: &Input) -> Result<ExecOutput, ExecError> {
        let index = self.inputs().len();
        match input {
            Input::Exec {
                namespace,
                pod,
                container,
                argv,
                stdin,
                tty,
                cwd,
            } => {
                let mut env = PodEnv::open(self, namespace, pod, container.as_deref())?;
                env.set_tty(*tty);
                if !cwd.is_empty() {
                    env.cwd = absolute(cwd);
                }
                let Some(name) = argv.first() else {
                    return Ok(ExecOutput::default());
                };
                if !image_has(&env.image, name) {
                    let exec_id = hex_id(&[&env.uid, &env.container, &index.to_string()]);
                    return Err(ExecError::ExecutableNotFound {
                        name: name.clone(),
                        exec_id,
                    });
                }
                let out = run_argv(&mut env, argv, stdin);
                Ok(ExecOutput {
                    stdout: out.stdout,
                    stderr: out.stderr,
                    exit_code: out.exit_code,
                    blocks_until_ms: out.blocks_until_ms,
                })
            }
            Input::ExecWriteFile {
                namespace,
                pod,
                container,
                path,
                data,
                append,
            } => {
                let mut env = PodEnv::open(self, namespace, pod, container.as_deref())?;
                Ok(match env.write(&absolute(path), data, *append) {
                    Ok(()) => ExecOutput::default(),
                    Err(e) => ExecOutput {
                        stderr: e.text().to_string(),
                        exit_code: e.code(),
                        ..Default::default()
                    },
                })
            }
            _ => Ok(ExecOutput::default()),
        }
    }

    /// Lines of a container's log (`kubectl logs`; `previous` = `--previous`), with the
    /// apiserver's/kubelet's errors.
    pub fn container_log_lines(
        &self,
        namespace: &str,
        pod: &str,
        container: Option<&str>,
        previous: bool,
    ) -> Result<Vec<LogLine>, ApiError> {
        let p = self
            .api
            .get::<Pod>(namespace, pod)
            .ok_or_else(|| ApiError::not_found(Kind::Pod, pod))?;
        let cname = match container {
            Some(c) => {
                if !p.spec.containers.iter().any(|x| x.name == c) {
                    return Err(ApiError::bad_request(format!(
                        "container {c} is not valid for pod {pod}"
                    )));
                }
                c.to_string()
            }
            None => default_container(p).ok_or_else(|| {
                ApiError::bad_request(format!("a container name must be specified for pod {pod}"))
            })?,
        };
        let waiting = || {
            let reason = p
                .status
                .container_statuses
                .iter()
                .find(|s| s.name == cname)
                .and_then(|s| s.state.waiting.as_ref())
                .and_then(|w| w.reason.clone())
                .unwrap_or_else(|| "ContainerCreating".into());
            ApiError::bad_request(format!(
                "container \"{cname}\" in pod \"{pod}\" is waiting to start: {reason}"
            ))
        };
        let rt = self
            .kubelet
            .runtime(namespace, pod, &p.metadata.uid)
            .ok_or_else(waiting)?;
        let c = rt
            .containers
            .iter()
            .find(|c| c.name == cname)
            .ok_or_else(waiting)?;
        if previous {
            return c.previous_log.clone().ok_or_else(|| {
                ApiError::bad_request(format!(
                    "previous terminated container \"{cname}\" in pod \"{pod}\" not found"
                ))
            });
        }
        if !c.has_started() {
            return Err(waiting());
        }
        Ok(c.log.clone())
    }

    /// `kubectl logs` output: the log lines, each newline-terminated.
    pub fn container_logs(
        &self,
        namespace: &str,
        pod: &str,
        container: Option<&str>,
        previous: bool,
    ) -> Result<String, ApiError> {
        let lines = self.container_log_lines(namespace, pod, container, previous)?;
        Ok(lines.iter().map(|l| format!("{}\n", l.text)).collect())
    }

    /// Runs the probes of `ns/name` due now through the userland and hands the results to the
    /// kubelet (called just before the kubelet syncs the pod at this instant).
    pub(crate) fn run_due_probes(&mut self, ns: &str, name: &str) {
        let Some(uid) = self
            .api
            .get::<Pod>(ns, name)
            .map(|p| p.metadata.uid.clone())
        else {
            return;
        };
        let now = self.now();
        let due = self.kubelet.due_probes(ns, name, &uid, now);
        for (ci, kind, probe) in due {
            let outcome = run_probe(self, ns, name, &uid, ci, &probe);
            if let Some(c) = self
                .kubelet
                .runtime_mut(ns, name, &uid)
                .and_then(|rt| rt.containers.get_mut(ci))
            {
                c.set_probe_result(kind, now, outcome);
            }
        }
    }

    /// Runs the main command of containers that just started, when it is something the
    /// model can run (a program of the image, or a simple `sh -c` script — see
    /// [`run_script`]); its output goes to the container's log and, when it finished, its exit
    /// code becomes the container's. [Limit: how long the container lives still comes from
    /// the process model (`images::process_for`); output after a `sleep` is not produced.]
    pub(crate) fn run_started_mains(&mut self) {
        for (ns, name, uid, ci) in self.kubelet.take_started_mains() {
            let Some(p) = self.api.get::<Pod>(&ns, &name) else {
                continue;
            };
            if p.metadata.uid != uid {
                continue;
            }
            let Some(cname) = p.spec.containers.get(ci).map(|c| c.name.clone()) else {
                continue;
            };
            let argv = match self
                .kubelet
                .runtime(&ns, &name, &uid)
                .and_then(|rt| rt.containers.get(ci))
            {
                Some(c) if c.is_running() => c.main_argv().to_vec(),
                _ => continue,
            };
            if argv.is_empty() {
                continue;
            }
            let Ok(mut env) = PodEnv::open(self, &ns, &name, Some(&cname)) else {
                continue;
            };
            let first = &argv[0];
            if !image_has(&env.image, first) {
                continue;
            }
            let out = run_argv(&mut env, &argv, "");
            env.log_output(&out.stdout, &out.stderr);
            if out.blocks_until_ms.is_none() {
                self.kubelet
                    .set_main_exit_code(&ns, &name, &uid, ci, out.exit_code);
            }
        }
    }
}

fn absolute(path: &str) -> String {
    if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    }
}

fn errno_from_code(code: i32) -> Errno {
    [
        Errno::NotPermitted,
        Errno::NotFound,
        Errno::NoSuchProcess,
        Errno::PermissionDenied,
        Errno::Busy,
        Errno::Exists,
        Errno::CrossDevice,
        Errno::NotADirectory,
        Errno::IsADirectory,
        Errno::Invalid,
        Errno::NoSpace,
        Errno::ReadOnly,
        Errno::NotEmpty,
    ]
    .into_iter()
    .find(|e| e.code() == code)
    .unwrap_or(Errno::Invalid)
}
