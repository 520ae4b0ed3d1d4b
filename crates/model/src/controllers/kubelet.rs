//! The kubelets of all nodes: volumes, sandbox + pod IP, image pulls, containers, probes,
//! restarts with back-off, graceful termination, and the pod status they report.
//!
//! Each pod bound to a node gets a [`PodRuntime`] (the container runtime's view of it). The
//! kubelet advances it on timers of its own (`TAG_POD`), writes the pod status only when it
//! changes (`generateAPIPodStatus` + the status manager's no-op check), and records the events
//! the real kubelet records, with v1.34 texts (`pkg/kubelet/images/image_manager.go`,
//! `pkg/kubelet/kuberuntime/kuberuntime_container.go`, `pkg/kubelet/prober`).
//!
//! The runtime state also holds what the container userland needs: each container's writable
//! root filesystem (seeded from its image), each pod's emptyDirs and its mounts (PV data lives
//! in the volume controller's [`crate::storage_data::VolumeData`]); see [`crate::podfs`].

use super::{Controller, ControllerId, Ctx};
use crate::api::{ApiServer, DeleteOptions, WatchEvent, WatchEventType};
use crate::images::{self, ImageFamily, ImageInfo, OnSigterm, Process, PullError, Run};
use crate::objects::{
    ContainerState, ContainerStatus, Kind, Node, NodeCondition, Object, ObjectRef,
    PersistentVolume, PersistentVolumeClaim, Pod, PodCondition, PodStatus, Probe, StateRunning,
    StateTerminated, StateWaiting, Typed,
};
use crate::reason::Reason;
use crate::rng::Rng;
use crate::storage_data::FsTree;
use crate::time::Time;
use crate::vecmap::{VecMap, VecSet};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;
use std::fmt;

/// The kubelet's own timer: "advance this pod's runtime now".
pub const TAG_POD: u32 = 1;

/// Steps one sync may take before it stops (a safety bound: each step moves time-based state).
const STEPS_PER_SYNC: usize = 256;
/// Kubelet crash-loop back-off: 10 s doubling to 5 min; reset after 10 min of running.
const CRASH_BACKOFF_INITIAL_MS: u64 = 10_000;
const CRASH_BACKOFF_MAX_MS: u64 = 300_000;
const CRASH_BACKOFF_RESET_MS: u64 = 600_000;
/// Image pull back-off (`imageBackOff`): the same 10 s → 300 s.
const PULL_BACKOFF_INITIAL_MS: u64 = 10_000;
const PULL_BACKOFF_MAX_MS: u64 = 300_000;
/// `WaitForAttachAndMount`'s timeout before a `FailedMount` event.
const MOUNT_TIMEOUT_MS: u64 = 120_000;

/// Why the kubelet acted or waited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum KubeletReason {
    /// The pod was admitted on `node`; its containers are being created.
    Admitted {
        node: String,
    },
    /// Waits for claims to be bound / volumes to be attached.
    WaitingForVolumes {
        volumes: Vec<String>,
    },
    /// The sandbox is up with `ip`.
    SandboxReady {
        ip: String,
    },
    PullingImage {
        container: String,
        image: String,
    },
    ImagePulled {
        container: String,
        image: String,
        cached: bool,
    },
    /// The pull failed; the next try is after `backoff_s`.
    ImagePullFailed {
        container: String,
        image: String,
        backoff_s: u64,
    },
    ContainerStarted {
        container: String,
        restart_count: i32,
    },
    ContainerExited {
        container: String,
        exit_code: i32,
    },
    /// The container waits `backoff_s` before its next restart.
    CrashLoopBackOff {
        container: String,
        backoff_s: u64,
    },
    ReadinessChanged {
        container: String,
        ready: bool,
    },
    /// A liveness/startup probe failed `failureThreshold` times: the container is restarted.
    ProbeKill {
        container: String,
        probe: String,
    },
    /// Graceful termination began: SIGTERM now, SIGKILL at the deadline.
    Stopping {
        grace_seconds: i64,
    },
    /// Every container has stopped; the pod is terminal.
    Terminal {
        phase: String,
    },
    /// The kubelet confirmed the deletion (DELETE with grace 0).
    DeletionConfirmed,
    /// The node is down: the kubelet cannot act for this pod.
    NodeDown {
        node: String,
    },
}

impl fmt::Display for KubeletReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use KubeletReason::*;
        match self {
            Admitted { node } => {
                write!(f, "admitted by the kubelet on {node}; creating containers")
            }
            WaitingForVolumes { volumes } => {
                write!(
                    f,
                    "waits: volumes {} are not bound/attached yet",
                    volumes.join(", ")
                )
            }
            SandboxReady { ip } => write!(f, "pod sandbox ready with IP {ip}"),
            PullingImage { container, image } => write!(f, "{container}: pulling image {image}"),
            ImagePulled {
                container,
                image,
                cached,
            } => {
                if *cached {
                    write!(f, "{container}: image {image} already present on the node")
                } else {
                    write!(f, "{container}: pulled image {image}")
                }
            }
            ImagePullFailed {
                container,
                image,
                backoff_s,
            } => write!(
                f,
                "{container}: cannot pull {image}; retrying in {backoff_s}s (ImagePullBackOff)"
            ),
            ContainerStarted {
                container,
                restart_count,
            } => {
                write!(f, "{container}: started (restarts: {restart_count})")
            }
            ContainerExited {
                container,
                exit_code,
            } => {
                write!(f, "{container}: exited with code {exit_code}")
            }
            CrashLoopBackOff {
                container,
                backoff_s,
            } => {
                write!(
                    f,
                    "waits: {container} restarts in {backoff_s}s (CrashLoopBackOff)"
                )
            }
            ReadinessChanged { container, ready } => write!(
                f,
                "{container}: readiness probe {}",
                if *ready {
                    "succeeded: ready"
                } else {
                    "failed: not ready"
                }
            ),
            ProbeKill { container, probe } => {
                write!(
                    f,
                    "{container}: {probe} probe failed; restarting the container"
                )
            }
            Stopping { grace_seconds } => write!(
                f,
                "deletion requested: SIGTERM sent, SIGKILL after {grace_seconds}s"
            ),
            Terminal { phase } => write!(f, "all containers stopped; pod is {phase}"),
            DeletionConfirmed => {
                f.write_str("containers stopped; the kubelet removed the pod object")
            }
            NodeDown { node } => write!(
                f,
                "waits: node {node} is down; nothing can confirm this pod's state"
            ),
        }
    }
}

impl KubeletReason {
    pub fn is_wait(&self) -> bool {
        matches!(
            self,
            KubeletReason::WaitingForVolumes { .. }
                | KubeletReason::CrashLoopBackOff { .. }
                | KubeletReason::NodeDown { .. }
        )
    }
}

/// A set of `u8`s (the host-local IPAM's octets in use): a bitset rather than a `VecSet<u8>`,
/// one VecSet instantiation less in the wasm.
#[derive(Debug, Clone, Default)]
struct OctetSet([u64; 4]);

impl OctetSet {
    fn contains(&self, o: u8) -> bool {
        self.0[usize::from(o / 64)] & (1 << (o % 64)) != 0
    }
    fn insert(&mut self, o: u8) {
        self.0[usize::from(o / 64)] |= 1 << (o % 64);
    }
    fn remove(&mut self, o: u8) {
        self.0[usize::from(o / 64)] &= !(1 << (o % 64));
    }
}

/// One node's kubelet + container runtime state.
#[derive(Debug, Clone)]
pub struct NodeAgent {
    pub down: bool,
    /// Third octet of the node's pod CIDR `10.244.<n>.0/24`.
    octet: u8,
    /// Images present in the node's containerd (full references).
    pub images: VecSet<String>,
    /// host-local IPAM: the last address handed out, and those in use.
    last_ip: u8,
    ips: OctetSet,
    /// The serialized image puller is busy until then.
    pull_busy_until: Time,
    /// Pulls in flight: image → when its content is on the node.
    in_flight: VecMap<String, Time>,
}

/// Lines a container's log keeps (the runtime rotates older ones away); bytes likewise.
const LOG_LINE_LIMIT: usize = 5_000;
const LOG_BYTE_LIMIT: usize = 1024 * 1024;

/// Which stream of the container a log line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogStream {
    Stdout,
    Stderr,
}

/// One line of a container's log (what `kubectl logs` prints, `--timestamps` adds `at`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub at: Time,
    pub stream: LogStream,
    /// Without the trailing newline.
    pub text: String,
}

/// The three probes of a container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProbeKind {
    Startup,
    Liveness,
    Readiness,
}

impl ProbeKind {
    /// As the `Unhealthy` event names it.
    pub fn title(self) -> &'static str {
        match self {
            ProbeKind::Startup => "Startup",
            ProbeKind::Liveness => "Liveness",
            ProbeKind::Readiness => "Readiness",
        }
    }
}

/// What one probe run found (computed by the cluster through the container userland, see
/// `crate::exec`): success, or the failure text the `Unhealthy` event carries after
/// `<Kind> probe failed: `.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeOutcome {
    pub ok: bool,
    pub detail: String,
}

/// A probe that is due now: (container index, kind, spec).
pub type DueProbe = (usize, ProbeKind, Probe);

/// Where a pod volume's data lives (for the userland's filesystem view).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MountSource {
    /// A PersistentVolume's disk (data in the volume controller's store).
    Pv(String),
    /// An emptyDir of this pod (`PodRuntime::emptydirs`).
    EmptyDir,
    /// The projected service-account token volume.
    ServiceAccount,
    /// Any other source (configMap, secret, hostPath…): mounted, empty, read-only.
    Other,
}

#[derive(Debug, Clone)]
struct ProbeRt {
    spec: Option<Probe>,
    next_at: Option<Time>,
    successes: i32,
    failures: i32,
}

impl ProbeRt {
    fn new(spec: Option<Probe>) -> ProbeRt {
        ProbeRt {
            spec,
            next_at: None,
            successes: 0,
            failures: 0,
        }
    }
    fn period_ms(&self) -> u64 {
        self.spec
            .as_ref()
            .and_then(|p| p.period_seconds)
            .unwrap_or(10)
            .max(1) as u64
            * 1000
    }
    fn initial_delay_ms(&self) -> u64 {
        self.spec
            .as_ref()
            .and_then(|p| p.initial_delay_seconds)
            .unwrap_or(0)
            .max(0) as u64
            * 1000
    }
    fn success_threshold(&self) -> i32 {
        self.spec
            .as_ref()
            .and_then(|p| p.success_threshold)
            .unwrap_or(1)
            .max(1)
    }
    fn failure_threshold(&self) -> i32 {
        self.spec
            .as_ref()
            .and_then(|p| p.failure_threshold)
            .unwrap_or(3)
            .max(1)
    }
}

#[derive(Debug, Clone)]
enum Stage {
    /// Not started yet (waiting for the sandbox).
    Pending,
    Pulling {
        started_at: Time,
        done_at: Time,
        pull_ms: u64,
        ok: bool,
    },
    /// The pull failed: `ErrImagePull` until `backoff_at`, then `ImagePullBackOff` until `retry_at`.
    PullFailed {
        message: String,
        backoff_at: Time,
        retry_at: Time,
        backoff_shown: bool,
    },
    /// `ErrImageNeverPull`: waits forever.
    NeverPull,
    /// Image present: created and started at `at`.
    Creating { at: Time },
    Running {
        since: Time,
        exit_at: Option<(Time, i32)>,
        /// SIGTERM sent: the process is gone at `.0` with code `.1`.
        kill: Option<(Time, i32)>,
        /// After a probe kill, restart (policy permitting); after a deletion, never.
        kill_for_restart: bool,
    },
    /// Exited; restarts at `restart_at` (CrashLoopBackOff when `backoff_ms` > 0).
    Exited {
        term: StateTerminated,
        restart_at: Option<Time>,
        backoff_ms: u64,
    },
    /// Never started and never will (the pod was deleted first).
    Abandoned,
}

/// One container in the runtime.
#[derive(Debug, Clone)]
pub struct ContainerRuntime {
    pub name: String,
    pub image: String,
    info: Result<ImageInfo, PullError>,
    pull_policy: String,
    main_argv: Vec<String>,
    process: Process,
    stage: Stage,
    pub restart_count: i32,
    last_term: Option<StateTerminated>,
    container_id: Option<String>,
    pub ready: bool,
    started: bool,
    crash_backoff_ms: u64,
    pull_backoff_ms: u64,
    /// The writable root filesystem (image files + what the container wrote).
    pub rootfs: FsTree,
    startup: ProbeRt,
    liveness: ProbeRt,
    readiness: ProbeRt,
    /// Health overrides the PodUnready/PodReady faults set (`false` = the probe fails whatever
    /// the container answers); `true` lets the userland's answer decide.
    pub readiness_ok: bool,
    pub liveness_ok: bool,
    /// Probe results the cluster computed for this instant (consumed by the probe tick).
    probe_results: VecMap<ProbeKind, (Time, ProbeOutcome)>,
    /// The current container's log, and the previous (terminated) one's.
    pub log: Vec<LogLine>,
    log_bytes: usize,
    pub previous_log: Option<Vec<LogLine>>,
    /// nginx's connection counter (`*N` in its error log).
    pub connections: u64,
}

impl ContainerRuntime {
    pub fn is_running(&self) -> bool {
        matches!(self.stage, Stage::Running { kill: None, .. })
    }

    /// The main process exists (running, possibly already signalled to stop): exec works.
    pub fn is_alive(&self) -> bool {
        matches!(self.stage, Stage::Running { .. })
    }

    /// Whether the container has ever been started (has a container ID).
    pub fn has_started(&self) -> bool {
        self.container_id.is_some()
    }

    /// The container ID without the `containerd://` prefix.
    pub fn container_id(&self) -> Option<&str> {
        self.container_id
            .as_deref()
            .map(|id| id.strip_prefix("containerd://").unwrap_or(id))
    }

    /// The main process's argv (command + args), empty for the image default.
    pub fn main_argv(&self) -> &[String] {
        &self.main_argv
    }

    /// Appends one line to the container's log, dropping the oldest beyond the limits.
    pub fn append_log(&mut self, at: Time, stream: LogStream, text: &str) {
        for line in text.split('\n') {
            let line: String = line.chars().take(16 * 1024).collect();
            self.log_bytes += line.len() + 1;
            self.log.push(LogLine {
                at,
                stream,
                text: line,
            });
        }
        let mut drop = 0;
        while self.log.len() - drop > LOG_LINE_LIMIT || self.log_bytes > LOG_BYTE_LIMIT {
            let Some(l) = self.log.get(drop) else { break };
            self.log_bytes -= l.text.len() + 1;
            drop += 1;
        }
        if drop > 0 {
            self.log.drain(..drop);
        }
    }

    /// Appends program output (possibly several lines, usually newline-terminated).
    pub fn append_output(&mut self, at: Time, stream: LogStream, text: &str) {
        let t = text.strip_suffix('\n').unwrap_or(text);
        if !text.is_empty() {
            self.append_log(at, stream, t);
        }
    }

    /// Records a probe result for instant `at` (the next probe tick at `at` uses it).
    pub fn set_probe_result(&mut self, kind: ProbeKind, at: Time, outcome: ProbeOutcome) {
        self.probe_results.insert(kind, (at, outcome));
    }

    fn probe(&self, kind: ProbeKind) -> &ProbeRt {
        match kind {
            ProbeKind::Startup => &self.startup,
            ProbeKind::Liveness => &self.liveness,
            ProbeKind::Readiness => &self.readiness,
        }
    }

    /// The probe result for now: a failing fault override wins; otherwise the userland's
    /// result computed for this instant, if any.
    fn take_outcome(&mut self, kind: ProbeKind, now: Time, ip: &str) -> Option<ProbeOutcome> {
        let result = self
            .probe_results
            .remove(&kind)
            .filter(|(t, _)| *t == now)
            .map(|(_, o)| o);
        let fault_ok = match kind {
            ProbeKind::Readiness => self.readiness_ok,
            ProbeKind::Startup | ProbeKind::Liveness => self.liveness_ok,
        };
        if !fault_ok {
            return Some(ProbeOutcome {
                ok: false,
                detail: fault_detail(self.probe(kind).spec.as_ref(), ip),
            });
        }
        result
    }
}

/// The runtime's view of one pod.
#[derive(Debug, Clone)]
pub struct PodRuntime {
    pub uid: String,
    pub node: String,
    pub ip: Option<String>,
    ip_octet: Option<u8>,
    start_time: Time,
    volumes_ready: bool,
    volumes_wait_since: Time,
    mount_warned_at: Option<Time>,
    sandbox_at: Option<Time>,
    pub sandbox_ready: bool,
    pub containers: Vec<ContainerRuntime>,
    terminating: bool,
    terminal: Option<String>,
    delete_sent: bool,
    restart_policy: String,
    grace_seconds: i64,
    /// Pod volume name → source, once the sandbox is up.
    pub volumes: VecMap<String, MountSource>,
    pub emptydirs: VecMap<String, FsTree>,
    wakes: VecSet<Time>,
    /// Set by a sync that left the pod waiting for its volumes and changed nothing: what it
    /// read ([`volume_inputs`]). While those are unchanged (and no deadline is due) the next
    /// sync would repeat it exactly, so it is skipped. Cleared by every sync and every outside
    /// change to the runtime (faults).
    volume_check: Option<Vec<u64>>,
}

impl PodRuntime {
    /// Live and still waiting for its volumes (the one state `volume_check` covers).
    fn waits_for_volumes(&self) -> bool {
        !self.volumes_ready && !self.terminating && self.terminal.is_none()
    }

    /// When a volume wait next reports `FailedMount` (`MOUNT_TIMEOUT_MS` after the wait began
    /// or after the last report).
    fn mount_due(&self) -> Time {
        self.mount_warned_at
            .unwrap_or(self.volumes_wait_since)
            .plus_ms(MOUNT_TIMEOUT_MS)
    }

    /// Mounts of one container: (mount path, volume name, read-only).
    pub fn container_mounts<'a>(
        &'a self,
        pod: &'a Pod,
        container: &str,
    ) -> Vec<(String, String, bool)> {
        pod.spec
            .containers
            .iter()
            .find(|c| c.name == container)
            .map(|c| {
                c.volume_mounts
                    .iter()
                    .map(|m| {
                        (
                            m.mount_path.clone(),
                            m.name.clone(),
                            m.read_only == Some(true),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

type PodKey = (String, String, String);

#[derive(Debug, Clone)]
pub struct Kubelets {
    rng: Rng,
    nodes: VecMap<String, NodeAgent>,
    /// A B-tree, not a `VecMap`: thousands of pods, and each sync takes its runtime out and
    /// puts it back (a sorted `Vec` would move half the runtimes both times).
    pods: BTreeMap<PodKey, PodRuntime>,
    /// Extra seconds for pulls of an image (full reference) — the SlowImagePull fault.
    slow_pulls: VecMap<String, u32>,
    /// (namespace, pod) with a runtime still waiting for its volumes, kept by `sync_pod` (the
    /// only place runtimes appear, disappear or get their volumes): a Node/PVC/PV event wakes
    /// exactly these, in this order, without walking every runtime.
    volume_waiting: VecSet<(String, String)>,
    /// The pods of `volume_waiting` not known to have a kubelet reconcile pending. A wake of
    /// every waiting pod enqueues a reconcile at `now + latency`, which the timer queue drops
    /// for a pod with one pending no later than that; after a wake every waiting pod has one,
    /// at or before any later wake's time (time only moves forward), until it runs
    /// (`reconcile_popped`). So a wake needs to enqueue only these — the same timers, pushed
    /// in the same order, without walking every waiting pod on every claim or volume event.
    volume_unarmed: VecSet<(String, String)>,
    /// Containers started since the cluster last looked: (namespace, pod, uid, container
    /// index). The cluster runs their main command through the userland (`crate::exec`).
    started_mains: Vec<(String, String, String, usize)>,
}

impl Default for Kubelets {
    fn default() -> Self {
        Kubelets::new(0)
    }
}

fn pod_key(p: &Pod) -> ObjectRef {
    ObjectRef::new(Kind::Pod, p.metadata.ns(), &p.metadata.name)
}

/// `format.Pod`: `web-0_default(<uid>)`.
fn format_pod(p: &Pod) -> String {
    format!(
        "{}_{}({})",
        p.metadata.name,
        p.metadata.ns(),
        p.metadata.uid
    )
}

/// Go's `time.Duration.String()` for a millisecond-truncated duration.
pub fn go_duration(ms: u64) -> String {
    if ms == 0 {
        return "0s".into();
    }
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let h = ms / 3_600_000;
    let m = ms / 60_000 % 60;
    let s = ms / 1000 % 60;
    let frac = ms % 1000;
    let mut secs = s.to_string();
    if frac > 0 {
        let f = format!("{frac:03}");
        secs.push('.');
        secs.push_str(f.trim_end_matches('0'));
    }
    if h > 0 {
        format!("{h}h{m}m{secs}s")
    } else if m > 0 {
        format!("{m}m{secs}s")
    } else {
        format!("{secs}s")
    }
}

fn octet_of(node: &Node) -> u8 {
    node.spec
        .pod_cidr
        .as_deref()
        .and_then(|c| c.split('.').nth(2))
        .and_then(|o| o.parse().ok())
        .unwrap_or(0)
}

impl Kubelets {
    pub fn new(seed: u64) -> Kubelets {
        Kubelets {
            rng: Rng::new(seed ^ 0x0CB1_E7E5),
            nodes: VecMap::new(),
            pods: BTreeMap::new(),
            slow_pulls: VecMap::new(),
            volume_waiting: VecSet::new(),
            volume_unarmed: VecSet::new(),
            started_mains: Vec::new(),
        }
    }

    /// A kubelet reconcile of `key` left the timer queue (it runs now, or was dropped): if the
    /// pod waits for its volumes, the next wake must enqueue it again (see `volume_unarmed`).
    pub(crate) fn reconcile_popped(&mut self, key: &ObjectRef) {
        if key.kind != Kind::Pod {
            return;
        }
        let k = (key.namespace.clone(), key.name.clone());
        if self.volume_waiting.contains(&k) {
            self.volume_unarmed.insert(k);
        }
    }

    /// Every runtime of `ns/name` (one per pod UID the kubelet still tracks).
    fn runtimes_of<'a>(
        &'a self,
        ns: &'a str,
        name: &'a str,
    ) -> impl Iterator<Item = (&'a PodKey, &'a PodRuntime)> + 'a {
        let lo = (ns.to_string(), name.to_string(), String::new());
        self.pods
            .range(lo..)
            .take_while(move |((n, m, _), _)| n == ns && m == name)
    }

    /// Whether some runtime of `ns/name` still waits for its volumes.
    fn waits_for_volumes(&self, ns: &str, name: &str) -> bool {
        self.runtimes_of(ns, name).any(|(_, rt)| !rt.volumes_ready)
    }

    /// Takes the list of containers started since the last call (see `started_mains`).
    pub(crate) fn take_started_mains(&mut self) -> Vec<(String, String, String, usize)> {
        std::mem::take(&mut self.started_mains)
    }

    /// Probes due now for the current incarnation of `ns/name`, in the order the probe tick
    /// runs them. Empty when the node is down (its prober does not run).
    pub fn due_probes(&self, ns: &str, name: &str, uid: &str, now: Time) -> Vec<DueProbe> {
        let Some(rt) = self.runtime(ns, name, uid) else {
            return Vec::new();
        };
        if rt.terminal.is_some() || self.is_node_down(&rt.node) {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (i, c) in rt.containers.iter().enumerate() {
            if !c.is_running() {
                continue;
            }
            for kind in [
                ProbeKind::Startup,
                ProbeKind::Liveness,
                ProbeKind::Readiness,
            ] {
                let p = c.probe(kind);
                if let (Some(spec), Some(at)) = (&p.spec, p.next_at) {
                    if at <= now {
                        out.push((i, kind, spec.clone()));
                    }
                }
            }
        }
        out
    }

    fn agent<'a>(
        nodes: &'a mut VecMap<String, NodeAgent>,
        rng: &mut Rng,
        api: &ApiServer,
        name: &str,
    ) -> Option<&'a mut NodeAgent> {
        if !nodes.contains_key(name) {
            let node = api.get::<Node>("", name)?;
            nodes.insert(
                name.to_string(),
                NodeAgent {
                    down: false,
                    octet: octet_of(node),
                    images: VecSet::new(),
                    // host-local hands out addresses in order from the range start (.2 after
                    // the gateway); a seeded offset varies them between seeds.
                    last_ip: 1 + rng.below(8) as u8,
                    ips: OctetSet::default(),
                    pull_busy_until: Time(0),
                    in_flight: VecMap::new(),
                },
            );
        }
        nodes.get_mut(name)
    }

    // ---- queries the rest of the model (DNS, userland, UI, tests) uses -------------------

    pub fn is_node_down(&self, node: &str) -> bool {
        self.nodes.get(node).is_some_and(|a| a.down)
    }

    pub fn node_agent(&self, node: &str) -> Option<&NodeAgent> {
        self.nodes.get(node)
    }

    /// The runtime of the current incarnation of `ns/name` (by uid).
    pub fn runtime(&self, ns: &str, name: &str, uid: &str) -> Option<&PodRuntime> {
        self.pods
            .get(&(ns.to_string(), name.to_string(), uid.to_string()))
    }

    pub fn runtime_mut(&mut self, ns: &str, name: &str, uid: &str) -> Option<&mut PodRuntime> {
        let rt = self
            .pods
            .get_mut(&(ns.to_string(), name.to_string(), uid.to_string()))?;
        rt.volume_check = None;
        Some(rt)
    }

    /// Every pod runtime (including those of pods already gone from the API on a down node).
    pub fn runtimes(&self) -> impl Iterator<Item = (&str, &str, &PodRuntime)> {
        self.pods
            .iter()
            .map(|((ns, name, _), rt)| (ns.as_str(), name.as_str(), rt))
    }

    // ---- faults --------------------------------------------------------------------------

    pub fn set_node_down(&mut self, api: &ApiServer, node: &str, down: bool) -> Result<(), String> {
        let agent = Self::agent(&mut self.nodes, &mut self.rng, api, node)
            .ok_or_else(|| format!("nodes \"{node}\" not found"))?;
        agent.down = down;
        Ok(())
    }

    pub fn slow_image_pull(&mut self, image: &str, seconds: u32) {
        let full = images::ImageRef::parse(image).map_or_else(|| image.to_string(), |r| r.full());
        if seconds == 0 {
            self.slow_pulls.remove(&full);
        } else {
            self.slow_pulls.insert(full, seconds);
        }
    }

    fn current_key(&self, api: &ApiServer, ns: &str, pod: &str) -> Result<PodKey, String> {
        let p = api
            .get::<Pod>(ns, pod)
            .ok_or_else(|| format!("pods \"{pod}\" not found"))?;
        let k = (ns.to_string(), pod.to_string(), p.metadata.uid.clone());
        if !self.pods.contains_key(&k) {
            return Err(format!(
                "ordinal: pod \"{pod}\" has no containers running yet"
            ));
        }
        Ok(k)
    }

    /// PodUnready/PodReady: the readiness probe's server stops/starts answering.
    pub fn set_readiness(
        &mut self,
        api: &ApiServer,
        ns: &str,
        pod: &str,
        ok: bool,
    ) -> Result<(), String> {
        let k = self.current_key(api, ns, pod)?;
        let rt = self.pods.get_mut(&k).ok_or("gone")?;
        rt.volume_check = None;
        if !rt.containers.iter().any(|c| c.readiness.spec.is_some()) {
            return Err(format!(
                "ordinal: pod \"{pod}\" has no readiness probe, so its readiness cannot fail; add a readinessProbe to the pod template"
            ));
        }
        for c in &mut rt.containers {
            c.readiness_ok = ok;
        }
        Ok(())
    }

    /// KillContainer: the main process of `container` (default: the first) exits with `code`.
    pub fn kill_container(
        &mut self,
        api: &ApiServer,
        ns: &str,
        pod: &str,
        container: Option<&str>,
        code: i32,
        now: Time,
    ) -> Result<(), String> {
        let k = self.current_key(api, ns, pod)?;
        let rt = self.pods.get_mut(&k).ok_or("gone")?;
        rt.volume_check = None;
        let idx = match container {
            Some(c) => rt
                .containers
                .iter()
                .position(|x| x.name == c)
                .ok_or_else(|| format!("container {c} is not valid for pod {pod}"))?,
            None => 0,
        };
        let c = rt.containers.get_mut(idx).ok_or("pod has no containers")?;
        match &mut c.stage {
            Stage::Running { exit_at, kill, .. } if kill.is_none() => {
                *exit_at = Some((now, code));
                Ok(())
            }
            _ => Err(format!(
                "ordinal: container {} of pod {pod} is not running",
                c.name
            )),
        }
    }

    /// The main command ran (through the userland) and finished with `code`: a process the
    /// process model lets exit keeps its exit time but takes this code.
    pub fn set_main_exit_code(&mut self, ns: &str, pod: &str, uid: &str, ci: usize, code: i32) {
        let c = self
            .pods
            .get_mut(&(ns.to_string(), pod.to_string(), uid.to_string()))
            .and_then(|rt| rt.containers.get_mut(ci));
        if let Some(ContainerRuntime {
            stage:
                Stage::Running {
                    exit_at: Some((_, exit_code)),
                    kill: None,
                    ..
                },
            ..
        }) = c
        {
            *exit_code = code;
        }
    }

    /// Schedules a sync of every pod on `node` (node up) through the Node key.
    pub fn wake_node(&mut self, node: &str, ctx: &mut Ctx<'_>) {
        ctx.requeue_after(ObjectRef::new(Kind::Node, "", node), 0);
    }
}

impl Controller for Kubelets {
    const ID: ControllerId = ControllerId::Kubelet;

    fn watch(&mut self, ev: &WatchEvent, _api: &ApiServer, enqueue: &mut dyn FnMut(ObjectRef)) {
        match &*ev.object {
            Object::Pod(p) => {
                let bound = !p.spec.node_name.as_deref().unwrap_or("").is_empty();
                if bound || ev.type_ == WatchEventType::Deleted {
                    // A status write of our own comes back here too; the sync is a no-op then.
                    enqueue(pod_key(p));
                }
            }
            // Any of these may be what a waiting pod's volumes need. Every waiting pod is woken
            // (not only the users of this claim/volume/node): their re-check times are part of the
            // cluster's recorded history (which pod's sandbox draws first).
            // Only those not known to have a reconcile pending: the others' enqueues would be
            // dropped (see `volume_unarmed`); the cluster hands back any it cannot queue.
            Object::Node(_) | Object::PersistentVolumeClaim(_) | Object::PersistentVolume(_) => {
                for (ns, name) in std::mem::take(&mut self.volume_unarmed) {
                    enqueue(ObjectRef::new(Kind::Pod, &ns, &name));
                }
            }
            _ => {}
        }
    }

    fn handle(&mut self, key: &ObjectRef, tag: u32, ctx: &mut Ctx<'_>) {
        match key.kind {
            Kind::Pod => {
                let _ = tag;
                self.sync_pod(&key.namespace, &key.name, ctx);
            }
            Kind::Node => self.sync_node(&key.name, ctx),
            _ => {}
        }
    }
}

impl Kubelets {
    /// Node up: post Ready and resync every pod the node runs or should run.
    fn sync_node(&mut self, node_name: &str, ctx: &mut Ctx<'_>) {
        if self.is_node_down(node_name) {
            return;
        }
        if let Some(node) = ctx.api.get::<Node>("", node_name).cloned() {
            if !node.is_ready() {
                let now = ctx.now.truncated();
                let mut n = node.clone();
                let posted = |t: &str, s: &str, r: &str, m: &str, old: Option<&NodeCondition>| {
                    NodeCondition {
                        type_: t.into(),
                        status: s.into(),
                        last_heartbeat_time: Some(now),
                        last_transition_time: match old {
                            Some(o) if o.status == s => o.last_transition_time,
                            _ => Some(now),
                        },
                        reason: Some(r.into()),
                        message: Some(m.into()),
                    }
                };
                let old: VecMap<String, NodeCondition> = VecMap::from_iter(
                    node.status
                        .conditions
                        .iter()
                        .map(|c| (c.type_.clone(), c.clone())),
                );
                n.status.conditions = vec![
                    posted(
                        "MemoryPressure",
                        "False",
                        "KubeletHasSufficientMemory",
                        "kubelet has sufficient memory available",
                        old.get("MemoryPressure"),
                    ),
                    posted(
                        "DiskPressure",
                        "False",
                        "KubeletHasNoDiskPressure",
                        "kubelet has no disk pressure",
                        old.get("DiskPressure"),
                    ),
                    posted(
                        "PIDPressure",
                        "False",
                        "KubeletHasSufficientPID",
                        "kubelet has sufficient PID available",
                        old.get("PIDPressure"),
                    ),
                    posted(
                        "Ready",
                        "True",
                        "KubeletReady",
                        "kubelet is posting ready status",
                        old.get("Ready"),
                    ),
                ];
                if let Ok(o) = ctx.api.update_status(n.into(), "kubelet") {
                    let meta = o.meta().clone();
                    ctx.event_from_host(
                        Kind::Node,
                        &meta,
                        "Normal",
                        "NodeReady",
                        format!("Node {node_name} status is now: NodeReady"),
                        node_name.to_string(),
                    );
                }
            }
        }
        let mut keys: VecSet<ObjectRef> = VecSet::from_iter(
            ctx.api
                .list::<Pod>(None)
                .filter(|p| p.spec.node_name.as_deref() == Some(node_name))
                .map(pod_key),
        );
        for ((ns, name, _), rt) in &self.pods {
            if rt.node == node_name {
                keys.insert(ObjectRef::new(Kind::Pod, ns, name));
            }
        }
        for k in keys {
            ctx.requeue_after(k, 0);
        }
    }

    /// Drops runtimes of `ns/name` other than `keep_uid` (the pod object is gone or replaced)
    /// on nodes whose kubelet is up: their containers are killed and their IPs released.
    fn reap(&mut self, ns: &str, name: &str, keep_uid: Option<&str>) {
        let stale: Vec<PodKey> = self
            .runtimes_of(ns, name)
            .filter(|((_, _, uid), rt)| {
                Some(uid.as_str()) != keep_uid && !self.nodes.get(&rt.node).is_some_and(|a| a.down)
            })
            .map(|(k, _)| k.clone())
            .collect();
        for k in stale {
            if let Some(rt) = self.pods.remove(&k) {
                if let (Some(o), Some(agent)) = (rt.ip_octet, self.nodes.get_mut(&rt.node)) {
                    agent.ips.remove(o);
                }
            }
        }
    }

    fn sync_pod(&mut self, ns: &str, name: &str, ctx: &mut Ctx<'_>) {
        if self.volume_wait_unchanged(ns, name, ctx) {
            // It would repeat the last sync exactly: the same (deduplicated) wait reason, no
            // write, its deadline's wake already set; the waiting-pod bookkeeping below would
            // not change either. A claim or volume event wakes every waiting pod (see
            // `volume_unarmed`), so this is most syncs of a large Parallel scale-up.
            return;
        }
        self.sync_pod_runtime(ns, name, ctx);
        let key = (ns.to_string(), name.to_string());
        if self.waits_for_volumes(ns, name) {
            if self.volume_waiting.insert(key.clone()) {
                self.volume_unarmed.insert(key);
            }
        } else {
            self.volume_waiting.remove(&key);
            self.volume_unarmed.remove(&key);
        }
    }

    /// Whether `ns/name` waits for its volumes with a `volume_check` that still holds: the
    /// same pod object, node, claims and volumes, and its mount deadline not yet due.
    fn volume_wait_unchanged(&self, ns: &str, name: &str, ctx: &Ctx<'_>) -> bool {
        let Some(pod) = ctx.api.get::<Pod>(ns, name) else {
            return false;
        };
        let key = (ns.to_string(), name.to_string(), pod.metadata.uid.clone());
        let Some(rt) = self.pods.get(&key) else {
            return false;
        };
        let Some(check) = &rt.volume_check else {
            return false;
        };
        rt.waits_for_volumes()
            && ctx.now < rt.mount_due()
            && volume_inputs(ctx.api, pod, &rt.node) == *check
    }

    fn sync_pod_runtime(&mut self, ns: &str, name: &str, ctx: &mut Ctx<'_>) {
        // The store's copy (an Arc): a write replaces it, so this one stays as read.
        let obj = ctx
            .api
            .get_object(Kind::Pod, ns, name)
            .filter(|o| Pod::from_object(o).is_some())
            .cloned();
        let pod = obj.as_deref().and_then(Pod::from_object);
        self.reap(ns, name, pod.map(|p| p.metadata.uid.as_str()));
        let Some(pod) = pod else { return };
        let Some(node_name) = pod.spec.node_name.clone().filter(|n| !n.is_empty()) else {
            return;
        };
        let Some(agent) = Self::agent(&mut self.nodes, &mut self.rng, ctx.api, &node_name) else {
            return;
        };
        if agent.down {
            return;
        }
        let key = (ns.to_string(), name.to_string(), pod.metadata.uid.clone());
        let mut rt = match self.pods.remove(&key) {
            Some(mut rt) => {
                rt.wakes.retain(|t| *t > ctx.now);
                rt.volume_check = None;
                rt
            }
            None => {
                if pod.is_terminal() {
                    // Finished before this kubelet knew it (or long ago): only confirm deletion.
                    if pod.metadata.is_deleting() {
                        confirm_delete(pod, ctx);
                    }
                    return;
                }
                ctx.reason(
                    pod_key(pod),
                    Reason::Kubelet(KubeletReason::Admitted {
                        node: node_name.clone(),
                    }),
                );
                self.new_runtime(pod, &node_name, ctx.now)
            }
        };
        for _ in 0..STEPS_PER_SYNC {
            if !self.step(pod, &mut rt, ctx) {
                break;
            }
        }
        let wrote = write_status(pod, &rt, ctx);
        if rt.terminal.is_some() && pod.metadata.is_deleting() && !rt.delete_sent && !wrote {
            rt.delete_sent = true;
            confirm_delete(pod, ctx);
        }
        if let Some(at) = next_deadline(&rt, pod) {
            if !rt.wakes.contains(&at) && rt.wakes.len() < 64 {
                rt.wakes.insert(at);
                ctx.wake_at(at, pod_key(pod), TAG_POD);
            }
        } else if rt.terminal.is_some() && pod.metadata.is_deleting() && !rt.delete_sent {
            // The terminal status was just written: confirm the deletion right after.
            let at = ctx.now.plus_ms(50);
            rt.wakes.insert(at);
            ctx.wake_at(at, pod_key(pod), TAG_POD);
        }
        // Still waiting for volumes, nothing written, no other runtime of this name for `reap`
        // to act on (this one is out of the map): the next sync repeats this one until what
        // it read changes.
        if rt.waits_for_volumes() && !wrote && self.runtimes_of(ns, name).next().is_none() {
            rt.volume_check = Some(volume_inputs(ctx.api, pod, &rt.node));
        }
        self.pods.insert(key, rt);
    }

    fn new_runtime(&mut self, pod: &Pod, node: &str, now: Time) -> PodRuntime {
        let containers = pod
            .spec
            .containers
            .iter()
            .map(|c| {
                let info = images::lookup(&c.image);
                let family = info.as_ref().map_or(ImageFamily::Busybox, |i| i.family);
                let tty = c.stdin == Some(true) && c.tty == Some(true);
                ContainerRuntime {
                    name: c.name.clone(),
                    image: c.image.clone(),
                    process: images::process_for(family, &c.command, &c.args, tty),
                    info,
                    pull_policy: c
                        .image_pull_policy
                        .clone()
                        .unwrap_or_else(|| "IfNotPresent".into()),
                    stage: Stage::Pending,
                    restart_count: 0,
                    last_term: None,
                    container_id: None,
                    ready: false,
                    started: false,
                    crash_backoff_ms: 0,
                    pull_backoff_ms: 0,
                    rootfs: FsTree::new(),
                    startup: ProbeRt::new(c.startup_probe.clone()),
                    liveness: ProbeRt::new(c.liveness_probe.clone()),
                    readiness: ProbeRt::new(c.readiness_probe.clone()),
                    readiness_ok: true,
                    liveness_ok: true,
                    probe_results: VecMap::new(),
                    log: Vec::new(),
                    log_bytes: 0,
                    previous_log: None,
                    connections: 0,
                    main_argv: c.command.iter().chain(c.args.iter()).cloned().collect(),
                }
            })
            .collect();
        PodRuntime {
            uid: pod.metadata.uid.clone(),
            node: node.to_string(),
            ip: None,
            ip_octet: None,
            start_time: now,
            volumes_ready: false,
            volumes_wait_since: now,
            mount_warned_at: None,
            sandbox_at: None,
            sandbox_ready: false,
            containers,
            terminating: false,
            terminal: None,
            delete_sent: false,
            restart_policy: pod
                .spec
                .restart_policy
                .clone()
                .unwrap_or_else(|| "Always".into()),
            grace_seconds: pod.spec.termination_grace_period_seconds.unwrap_or(30),
            volumes: VecMap::new(),
            emptydirs: VecMap::new(),
            wakes: VecSet::new(),
            volume_check: None,
        }
    }

    /// Advances `rt` by one transition due at or before now. Returns whether anything changed.
    fn step(&mut self, pod: &Pod, rt: &mut PodRuntime, ctx: &mut Ctx<'_>) -> bool {
        let now = ctx.now;
        if rt.terminal.is_some() {
            return false;
        }
        // Deletion: start graceful termination once.
        if pod.metadata.is_deleting() && !rt.terminating {
            rt.terminating = true;
            let deadline = pod.metadata.deletion_timestamp.map_or(now, |t| t.max(now));
            let grace = pod
                .metadata
                .deletion_grace_period_seconds
                .unwrap_or(rt.grace_seconds);
            for c in &mut rt.containers {
                match &mut c.stage {
                    Stage::Running {
                        kill,
                        kill_for_restart,
                        ..
                    } => {
                        if kill.is_none() {
                            ctx.event_from_host(
                                Kind::Pod,
                                &pod.metadata,
                                "Normal",
                                "Killing",
                                format!("Stopping container {}", c.name),
                                rt.node.clone(),
                            );
                            *kill = Some(sigterm_exit(c.process, now, deadline));
                        } else if let Some(k) = kill {
                            // Already stopping (probe kill): the deletion deadline still holds.
                            if k.0 > deadline {
                                *k = (deadline, 137);
                            }
                        }
                        *kill_for_restart = false;
                    }
                    Stage::Exited { restart_at, .. } => *restart_at = None,
                    _ => c.stage = Stage::Abandoned,
                }
            }
            ctx.reason(
                pod_key(pod),
                Reason::Kubelet(KubeletReason::Stopping {
                    grace_seconds: grace,
                }),
            );
            return true;
        }
        // Volumes.
        if !rt.volumes_ready {
            if rt.terminating {
                return self.finish_if_stopped(pod, rt, ctx);
            }
            match volume_sources(ctx.api, pod, &rt.node) {
                Ok(sources) => {
                    rt.volumes_ready = true;
                    rt.volumes = sources;
                    rt.sandbox_at = Some(now.plus_ms(self.rng.between(400, 1200)));
                    return true;
                }
                Err(missing) => {
                    ctx.reason(
                        pod_key(pod),
                        Reason::Kubelet(KubeletReason::WaitingForVolumes {
                            volumes: missing.clone(),
                        }),
                    );
                    if now >= rt.mount_due() {
                        rt.mount_warned_at = Some(now);
                        let mut all: Vec<String> =
                            pod.spec.volumes.iter().map(|v| v.name.clone()).collect();
                        crate::sort::sort(&mut all);
                        ctx.event_from_host(
                            Kind::Pod,
                            &pod.metadata,
                            "Warning",
                            "FailedMount",
                            format!(
                                "Unable to attach or mount volumes: unmounted volumes=[{}], unattached volumes=[{}]: context deadline exceeded",
                                missing.join(" "),
                                all.join(" ")
                            ),
                            rt.node.clone(),
                        );
                    }
                    return false;
                }
            }
        }
        // Sandbox.
        if !rt.sandbox_ready {
            if rt.terminating {
                return self.finish_if_stopped(pod, rt, ctx);
            }
            match rt.sandbox_at {
                Some(at) if at <= now => {
                    let Some(agent) = self.nodes.get_mut(&rt.node) else {
                        return false;
                    };
                    let Some(octet) = allocate_ip(agent) else {
                        // The /24 is full; try again later.
                        rt.sandbox_at = Some(now.plus_ms(10_000));
                        return false;
                    };
                    let ip = format!("10.244.{}.{octet}", agent.octet);
                    rt.ip_octet = Some(octet);
                    rt.ip = Some(ip.clone());
                    rt.sandbox_ready = true;
                    for v in &pod.spec.volumes {
                        if rt.volumes.get(&v.name) == Some(&MountSource::EmptyDir) {
                            rt.emptydirs.entry(v.name.clone()).or_default();
                        }
                    }
                    ctx.reason(
                        pod_key(pod),
                        Reason::Kubelet(KubeletReason::SandboxReady { ip }),
                    );
                    return true;
                }
                _ => return false,
            }
        }
        // Containers.
        let mut changed = false;
        for i in 0..rt.containers.len() {
            changed |= self.step_container(pod, rt, i, ctx);
        }
        if changed {
            return true;
        }
        self.finish_if_stopped(pod, rt, ctx)
    }

    /// Marks the pod terminal once no container runs or will run again.
    fn finish_if_stopped(&mut self, pod: &Pod, rt: &mut PodRuntime, ctx: &mut Ctx<'_>) -> bool {
        let all_stopped = rt.containers.iter().all(|c| match &c.stage {
            Stage::Exited { restart_at, .. } => restart_at.is_none(),
            Stage::Abandoned => true,
            Stage::Pending
            | Stage::PullFailed { .. }
            | Stage::NeverPull
            | Stage::Pulling { .. }
            | Stage::Creating { .. } => rt.terminating,
            Stage::Running { .. } => false,
        });
        if !all_stopped {
            return false;
        }
        let succeeded = rt
            .containers
            .iter()
            .all(|c| matches!(&c.stage, Stage::Exited { term, .. } if term.exit_code == 0));
        let phase = if succeeded { "Succeeded" } else { "Failed" };
        // RestartPolicy Always pods only end when deleted (kubelet gives them a terminal phase then).
        if rt.restart_policy == "Always" && !rt.terminating {
            return false;
        }
        rt.terminal = Some(phase.to_string());
        for c in &mut rt.containers {
            c.ready = false;
            if matches!(
                c.stage,
                Stage::Pending
                    | Stage::Pulling { .. }
                    | Stage::Creating { .. }
                    | Stage::PullFailed { .. }
                    | Stage::NeverPull
            ) {
                c.stage = Stage::Abandoned;
            }
        }
        if let (Some(o), Some(agent)) = (rt.ip_octet.take(), self.nodes.get_mut(&rt.node)) {
            agent.ips.remove(o);
        }
        ctx.reason(
            pod_key(pod),
            Reason::Kubelet(KubeletReason::Terminal {
                phase: phase.to_string(),
            }),
        );
        true
    }

    fn begin_start(&mut self, pod: &Pod, rt: &mut PodRuntime, i: usize, ctx: &mut Ctx<'_>) {
        let now = ctx.now;
        let node = rt.node.clone();
        let Some(agent) = self.nodes.get_mut(&node) else {
            return;
        };
        let c = &mut rt.containers[i];
        let (full, present) = match &c.info {
            Ok(info) => {
                let full = info.reference.full();
                let present = agent.images.contains(&full);
                (full, present)
            }
            Err(_) => (c.image.clone(), false),
        };
        if let Err(PullError::InvalidName(_)) = &c.info {
            c.stage = Stage::NeverPull;
            return;
        }
        if c.pull_policy == "Never" && !present {
            ctx.event_from_host(
                Kind::Pod,
                &pod.metadata,
                "Warning",
                "ErrImageNeverPull",
                format!(
                    "Container image \"{}\" is not present with pull policy of Never",
                    c.image
                ),
                node,
            );
            c.stage = Stage::NeverPull;
            return;
        }
        if present && c.pull_policy != "Always" {
            ctx.event_from_host(
                Kind::Pod,
                &pod.metadata,
                "Normal",
                "Pulled",
                format!("Container image \"{}\" already present on machine", c.image),
                node,
            );
            ctx.reason(
                pod_key(pod),
                Reason::Kubelet(KubeletReason::ImagePulled {
                    container: c.name.clone(),
                    image: c.image.clone(),
                    cached: true,
                }),
            );
            c.stage = Stage::Creating {
                at: now.plus_ms(self.rng.between(60, 250)),
            };
            return;
        }
        ctx.event_from_host(
            Kind::Pod,
            &pod.metadata,
            "Normal",
            "Pulling",
            format!("Pulling image \"{}\"", c.image),
            node,
        );
        ctx.reason(
            pod_key(pod),
            Reason::Kubelet(KubeletReason::PullingImage {
                container: c.name.clone(),
                image: c.image.clone(),
            }),
        );
        let ok = c.info.is_ok();
        agent.in_flight.retain(|_, t| *t > now);
        let layers_coming = agent.in_flight.contains_key(&full);
        let base = match &c.info {
            // Content already on the node (or arriving with a pull queued before this one):
            // containerd only resolves the reference.
            Ok(info) if present || layers_coming => {
                self.rng.between(150, 600) + info.size_bytes / 2_000_000
            }
            Ok(info) => images::pull_duration_ms(info.size_bytes, &mut self.rng),
            Err(_) => self.rng.between(300, 1_200),
        };
        let slow = u64::from(self.slow_pulls.get(&full).copied().unwrap_or(0)) * 1000;
        let pull_ms = base + slow;
        // The serialized puller: one pull at a time per node.
        let start = agent.pull_busy_until.max(now);
        let done_at = start.plus_ms(pull_ms);
        agent.pull_busy_until = done_at;
        if ok {
            let e = agent.in_flight.entry(full).or_insert(done_at);
            *e = (*e).max(done_at);
        }
        c.stage = Stage::Pulling {
            started_at: now,
            done_at,
            pull_ms,
            ok,
        };
    }

    fn step_container(
        &mut self,
        pod: &Pod,
        rt: &mut PodRuntime,
        i: usize,
        ctx: &mut Ctx<'_>,
    ) -> bool {
        let now = ctx.now;
        let node = rt.node.clone();
        match rt.containers[i].stage.clone() {
            Stage::Pending => {
                if rt.terminating {
                    return false;
                }
                self.begin_start(pod, rt, i, ctx);
                true
            }
            Stage::Pulling {
                started_at,
                done_at,
                pull_ms,
                ok,
            } if done_at <= now => {
                let c = &mut rt.containers[i];
                if ok {
                    if let (Ok(info), Some(agent)) = (&c.info, self.nodes.get_mut(&node)) {
                        agent.images.insert(info.reference.full());
                        ctx.event_from_host(
                            Kind::Pod,
                            &pod.metadata,
                            "Normal",
                            "Pulled",
                            format!(
                                "Successfully pulled image \"{}\" in {} ({} including waiting). Image size: {} bytes.",
                                c.image,
                                go_duration(pull_ms),
                                go_duration(now.since(started_at)),
                                info.size_bytes
                            ),
                            node,
                        );
                    }
                    ctx.reason(
                        pod_key(pod),
                        Reason::Kubelet(KubeletReason::ImagePulled {
                            container: c.name.clone(),
                            image: c.image.clone(),
                            cached: false,
                        }),
                    );
                    c.pull_backoff_ms = 0;
                    c.stage = Stage::Creating {
                        at: now.plus_ms(self.rng.between(60, 250)),
                    };
                } else {
                    let err = match &c.info {
                        Err(e) => e.message(),
                        Ok(_) => String::new(),
                    };
                    ctx.event_from_host(
                        Kind::Pod,
                        &pod.metadata,
                        "Warning",
                        "Failed",
                        format!("Failed to pull image \"{}\": {err}", c.image),
                        node.clone(),
                    );
                    ctx.event_from_host(
                        Kind::Pod,
                        &pod.metadata,
                        "Warning",
                        "Failed",
                        "Error: ErrImagePull".into(),
                        node,
                    );
                    c.pull_backoff_ms = if c.pull_backoff_ms == 0 {
                        PULL_BACKOFF_INITIAL_MS
                    } else {
                        (c.pull_backoff_ms * 2).min(PULL_BACKOFF_MAX_MS)
                    };
                    ctx.reason(
                        pod_key(pod),
                        Reason::Kubelet(KubeletReason::ImagePullFailed {
                            container: c.name.clone(),
                            image: c.image.clone(),
                            backoff_s: c.pull_backoff_ms / 1000,
                        }),
                    );
                    c.stage = Stage::PullFailed {
                        message: err,
                        // The pod worker's next sync (about a second later) hits the back-off.
                        backoff_at: now.plus_ms(self.rng.between(800, 1500)),
                        retry_at: now.plus_ms(c.pull_backoff_ms),
                        backoff_shown: false,
                    };
                }
                true
            }
            Stage::PullFailed {
                message,
                backoff_at,
                retry_at,
                backoff_shown,
            } => {
                if rt.terminating {
                    return false;
                }
                if retry_at <= now {
                    self.begin_start(pod, rt, i, ctx);
                    return true;
                }
                if !backoff_shown && backoff_at <= now {
                    let c = &mut rt.containers[i];
                    ctx.event_from_host(
                        Kind::Pod,
                        &pod.metadata,
                        "Normal",
                        "BackOff",
                        format!("Back-off pulling image \"{}\"", c.image),
                        node.clone(),
                    );
                    ctx.event_from_host(
                        Kind::Pod,
                        &pod.metadata,
                        "Warning",
                        "Failed",
                        "Error: ImagePullBackOff".into(),
                        node,
                    );
                    c.stage = Stage::PullFailed {
                        message,
                        backoff_at,
                        retry_at,
                        backoff_shown: true,
                    };
                    return true;
                }
                false
            }
            Stage::Creating { at } if at <= now => {
                let id = container_id(&mut self.rng);
                let ip = rt.ip.clone().unwrap_or_default();
                let c = &mut rt.containers[i];
                c.container_id = Some(id);
                // A new container gets a fresh writable layer from its image.
                seed_rootfs(c, pod, &ip);
                self.started_mains.push((
                    pod.metadata.ns().to_string(),
                    pod.metadata.name.clone(),
                    pod.metadata.uid.clone(),
                    i,
                ));
                ctx.event_from_host(
                    Kind::Pod,
                    &pod.metadata,
                    "Normal",
                    "Created",
                    format!("Created container: {}", c.name),
                    node.clone(),
                );
                ctx.event_from_host(
                    Kind::Pod,
                    &pod.metadata,
                    "Normal",
                    "Started",
                    format!("Started container {}", c.name),
                    node,
                );
                let exit_at = match c.process.run {
                    Run::Forever => None,
                    Run::ExitsAfter { ms, code } => Some((now.plus_ms(ms), code)),
                };
                c.stage = Stage::Running {
                    since: now,
                    exit_at,
                    kill: None,
                    kill_for_restart: false,
                };
                c.started = c.startup.spec.is_none();
                c.ready = c.started && c.readiness.spec.is_none();
                c.startup.successes = 0;
                c.startup.failures = 0;
                c.readiness.successes = 0;
                c.readiness.failures = 0;
                c.liveness.successes = 0;
                c.liveness.failures = 0;
                let jitter = self.rng.between(0, 900);
                if c.startup.spec.is_some() {
                    c.startup.next_at = Some(now.plus_ms(c.startup.initial_delay_ms() + jitter));
                    c.liveness.next_at = None;
                    c.readiness.next_at = None;
                } else {
                    schedule_after_startup(c, now, jitter);
                }
                ctx.reason(
                    pod_key(pod),
                    Reason::Kubelet(KubeletReason::ContainerStarted {
                        container: c.name.clone(),
                        restart_count: c.restart_count,
                    }),
                );
                true
            }
            Stage::Running {
                since,
                exit_at,
                kill,
                kill_for_restart,
            } => {
                // The process ends (on its own, by a fault, or after SIGTERM/SIGKILL).
                let end = match (kill, exit_at) {
                    (Some(k), Some(e)) => Some(if e.0 < k.0 { e } else { k }),
                    (Some(k), None) => Some(k),
                    (None, e) => e,
                };
                if let Some((at, code)) = end {
                    if at <= now {
                        let restart = !rt.terminating
                            && match rt.restart_policy.as_str() {
                                "Always" => true,
                                "OnFailure" => code != 0 || kill_for_restart,
                                _ => false,
                            };
                        self.exit_container(pod, rt, i, since, code, restart, ctx);
                        return true;
                    }
                }
                if kill.is_some() {
                    return false;
                }
                self.tick_probes(pod, rt, i, ctx)
            }
            Stage::Exited {
                term,
                restart_at: Some(at),
                backoff_ms,
            } if at <= now => {
                let _ = backoff_ms;
                let c = &mut rt.containers[i];
                c.restart_count += 1;
                c.last_term = Some(term);
                // `kubectl logs --previous` shows the terminated container's log.
                c.previous_log = Some(std::mem::take(&mut c.log));
                c.log_bytes = 0;
                c.stage = Stage::Pending;
                self.begin_start(pod, rt, i, ctx);
                true
            }
            _ => false,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn exit_container(
        &mut self,
        pod: &Pod,
        rt: &mut PodRuntime,
        i: usize,
        since: Time,
        code: i32,
        restart: bool,
        ctx: &mut Ctx<'_>,
    ) {
        let now = ctx.now;
        let c = &mut rt.containers[i];
        let term = StateTerminated {
            exit_code: code,
            signal: None,
            reason: Some(if code == 0 { "Completed" } else { "Error" }.into()),
            message: None,
            started_at: Some(since.truncated()),
            finished_at: Some(now.truncated()),
            container_id: c.container_id.clone(),
        };
        c.ready = false;
        c.started = false;
        c.startup.next_at = None;
        c.liveness.next_at = None;
        c.readiness.next_at = None;
        ctx.reason(
            pod_key(pod),
            Reason::Kubelet(KubeletReason::ContainerExited {
                container: c.name.clone(),
                exit_code: code,
            }),
        );
        if !restart {
            c.stage = Stage::Exited {
                term,
                restart_at: None,
                backoff_ms: 0,
            };
            return;
        }
        if now.since(since) >= CRASH_BACKOFF_RESET_MS {
            c.crash_backoff_ms = 0;
        }
        if c.crash_backoff_ms == 0 {
            // Not in back-off: the kubelet restarts it on its next sync (about a second later).
            c.crash_backoff_ms = CRASH_BACKOFF_INITIAL_MS;
            c.stage = Stage::Exited {
                term,
                restart_at: Some(now.plus_ms(self.rng.between(700, 1300))),
                backoff_ms: 0,
            };
        } else {
            let wait = c.crash_backoff_ms;
            ctx.event_from_host(
                Kind::Pod,
                &pod.metadata,
                "Warning",
                "BackOff",
                format!(
                    "Back-off restarting failed container {} in pod {}",
                    c.name,
                    format_pod(pod)
                ),
                rt.node.clone(),
            );
            ctx.reason(
                pod_key(pod),
                Reason::Kubelet(KubeletReason::CrashLoopBackOff {
                    container: c.name.clone(),
                    backoff_s: wait / 1000,
                }),
            );
            c.crash_backoff_ms = (wait * 2).min(CRASH_BACKOFF_MAX_MS);
            c.stage = Stage::Exited {
                term,
                restart_at: Some(now.plus_ms(wait)),
                backoff_ms: wait,
            };
        }
    }

    /// Runs every probe due now for container `i`. Returns whether anything changed.
    /// Results come from the cluster (which runs the probe through the userland just before
    /// this sync); a probe that became due during this sync (e.g. readiness right after the
    /// startup probe succeeded) is run a millisecond later.
    fn tick_probes(&mut self, pod: &Pod, rt: &mut PodRuntime, i: usize, ctx: &mut Ctx<'_>) -> bool {
        let now = ctx.now;
        let node = rt.node.clone();
        let grace = rt.grace_seconds;
        let ip = rt.ip.clone().unwrap_or_default();
        let c = &mut rt.containers[i];
        // Startup probe.
        if let Some(at) = c.startup.next_at.filter(|t| *t <= now) {
            match c.take_outcome(ProbeKind::Startup, now, &ip) {
                None => c.startup.next_at = Some(now.plus_ms(1)),
                Some(outcome) => {
                    c.startup.next_at = Some(at.plus_ms(c.startup.period_ms()));
                    if outcome.ok {
                        c.startup.successes += 1;
                        c.startup.failures = 0;
                        if c.startup.successes >= 1 {
                            c.started = true;
                            c.startup.next_at = None;
                            c.ready = c.readiness.spec.is_none();
                            schedule_after_startup(c, now, 0);
                        }
                    } else {
                        c.startup.failures += 1;
                        probe_failed_event(ctx, pod, &node, ProbeKind::Startup, &outcome);
                        if c.startup.failures >= c.startup.failure_threshold() {
                            self.probe_kill(pod, rt, i, "startup", grace, ctx);
                        }
                    }
                    return true;
                }
            }
        }
        let c = &mut rt.containers[i];
        if let Some(at) = c.liveness.next_at.filter(|t| *t <= now) {
            match c.take_outcome(ProbeKind::Liveness, now, &ip) {
                None => c.liveness.next_at = Some(now.plus_ms(1)),
                Some(outcome) => {
                    c.liveness.next_at = Some(at.plus_ms(c.liveness.period_ms()));
                    if outcome.ok {
                        c.liveness.failures = 0;
                    } else {
                        c.liveness.failures += 1;
                        probe_failed_event(ctx, pod, &node, ProbeKind::Liveness, &outcome);
                        if c.liveness.failures >= c.liveness.failure_threshold() {
                            self.probe_kill(pod, rt, i, "liveness", grace, ctx);
                            return true;
                        }
                    }
                    return true;
                }
            }
        }
        let c = &mut rt.containers[i];
        if let Some(at) = c.readiness.next_at.filter(|t| *t <= now) {
            let Some(outcome) = c.take_outcome(ProbeKind::Readiness, now, &ip) else {
                c.readiness.next_at = Some(now.plus_ms(1));
                return false;
            };
            c.readiness.next_at = Some(at.plus_ms(c.readiness.period_ms()));
            let was = c.ready;
            if outcome.ok {
                c.readiness.successes += 1;
                c.readiness.failures = 0;
                if c.readiness.successes >= c.readiness.success_threshold() {
                    c.ready = true;
                }
            } else {
                c.readiness.failures += 1;
                c.readiness.successes = 0;
                probe_failed_event(ctx, pod, &node, ProbeKind::Readiness, &outcome);
                if c.readiness.failures >= c.readiness.failure_threshold() {
                    c.ready = false;
                }
            }
            if was != c.ready {
                ctx.reason(
                    pod_key(pod),
                    Reason::Kubelet(KubeletReason::ReadinessChanged {
                        container: c.name.clone(),
                        ready: c.ready,
                    }),
                );
            }
            return true;
        }
        false
    }

    fn probe_kill(
        &mut self,
        pod: &Pod,
        rt: &mut PodRuntime,
        i: usize,
        probe: &str,
        grace: i64,
        ctx: &mut Ctx<'_>,
    ) {
        let now = ctx.now;
        let c = &mut rt.containers[i];
        ctx.event_from_host(
            Kind::Pod,
            &pod.metadata,
            "Normal",
            "Killing",
            format!(
                "Container {} failed {probe} probe, will be restarted",
                c.name
            ),
            rt.node.clone(),
        );
        ctx.reason(
            pod_key(pod),
            Reason::Kubelet(KubeletReason::ProbeKill {
                container: c.name.clone(),
                probe: probe.to_string(),
            }),
        );
        c.startup.next_at = None;
        c.liveness.next_at = None;
        c.readiness.next_at = None;
        c.ready = false;
        let deadline = now.plus_secs(grace.max(0) as u64);
        if let Stage::Running {
            kill,
            kill_for_restart,
            ..
        } = &mut c.stage
        {
            *kill = Some(sigterm_exit(c.process, now, deadline));
            *kill_for_restart = true;
        }
    }
}

/// After startup (or without a startup probe): liveness and readiness begin after their
/// initial delays (the prober's first run carries a little jitter).
fn schedule_after_startup(c: &mut ContainerRuntime, now: Time, jitter: u64) {
    if c.liveness.spec.is_some() {
        c.liveness.next_at = Some(now.plus_ms(c.liveness.initial_delay_ms() + jitter));
    }
    if c.readiness.spec.is_some() {
        c.readiness.next_at = Some(now.plus_ms(c.readiness.initial_delay_ms() + jitter));
    }
}

/// The `Unhealthy` event of `pkg/kubelet/prober` for a failing probe.
fn probe_failed_event(
    ctx: &mut Ctx<'_>,
    pod: &Pod,
    node: &str,
    kind: ProbeKind,
    outcome: &ProbeOutcome,
) {
    ctx.event_from_host(
        Kind::Pod,
        &pod.metadata,
        "Warning",
        "Unhealthy",
        format!("{} probe failed: {}", kind.title(), outcome.detail),
        node.to_string(),
    );
}

/// The failure text of a probe the PodUnready fault holds failing (as if `index.html` had
/// been moved away: nginx answers 404, or 403 for a directory without its index).
fn fault_detail(probe: Option<&Probe>, ip: &str) -> String {
    let Some(p) = probe else {
        return String::new();
    };
    if let Some(h) = &p.http_get {
        let path = h.path.as_deref().unwrap_or("/");
        let code = if path.ends_with('/') { 403 } else { 404 };
        format!("HTTP probe failed with statuscode: {code}")
    } else if let Some(t) = &p.tcp_socket {
        let port = match &t.port {
            crate::objects::IntOrString::Int(n) => n.to_string(),
            crate::objects::IntOrString::Str(s) => s.clone(),
        };
        format!("dial tcp {ip}:{port}: connect: connection refused")
    } else {
        String::new()
    }
}

/// A new container's writable layer: the image's files (`crate::userland::image_files`, the
/// one table of what images ship) plus the files the kubelet and the runtime provide
/// (`/etc/hostname`, `/etc/hosts`, `/etc/resolv.conf` for ClusterFirst pods).
fn seed_rootfs(c: &mut ContainerRuntime, pod: &Pod, ip: &str) {
    let mut fs = FsTree::new();
    for f in crate::userland::image_files(&c.image) {
        if f.is_dir {
            let _ = fs.mkdir(&f.path, true);
        } else {
            if let Some(i) = f.path.rfind('/') {
                let _ = fs.mkdir(&f.path[..i], true);
            }
            let _ = fs.write(&f.path, f.content.as_bytes(), false);
        }
        let _ = fs.chmod(&f.path, f.mode);
    }
    let _ = fs.mkdir("/etc", true);
    let host = crate::dns::pod_hostname(pod);
    let _ = fs.write(
        "/etc/hostname",
        crate::userland::etc_hostname(&host).as_bytes(),
        false,
    );
    let _ = fs.write(
        "/etc/hosts",
        crate::dns::hosts_file(pod, ip).as_bytes(),
        false,
    );
    if pod.spec.dns_policy.as_deref() != Some("Default") {
        let _ = fs.write(
            "/etc/resolv.conf",
            crate::dns::resolv_conf(pod.metadata.ns()).as_bytes(),
            false,
        );
    }
    c.rootfs = fs;
}

/// When and how the process exits after SIGTERM, given the SIGKILL deadline.
fn sigterm_exit(process: Process, now: Time, deadline: Time) -> (Time, i32) {
    match process.on_sigterm {
        OnSigterm::Exits { ms, code } if now.plus_ms(ms) <= deadline => (now.plus_ms(ms), code),
        // SIGKILL: 128 + 9.
        _ => (deadline.max(now), 137),
    }
}

fn allocate_ip(agent: &mut NodeAgent) -> Option<u8> {
    // Addresses .2–.254; the walk starts after the last one handed out (host-local's order).
    for step in 1..=253i32 {
        let candidate = ((i32::from(agent.last_ip) - 2 + step).rem_euclid(253) + 2) as u8;
        if !agent.ips.contains(candidate) {
            agent.ips.insert(candidate);
            agent.last_ip = candidate;
            return Some(candidate);
        }
    }
    None
}

fn container_id(rng: &mut Rng) -> String {
    format!(
        "containerd://{:016x}{:016x}{:016x}{:016x}",
        rng.next_u64(),
        rng.next_u64(),
        rng.next_u64(),
        rng.next_u64()
    )
}

/// The attachment name the attach/detach controller lists in `node.status.volumesAttached`.
pub fn attached_volume_name(pv: &str) -> String {
    format!("kubernetes.io/csi/ordinal.sim^{pv}")
}

/// Whether a PV needs attaching to a node (network disks) or is node-local.
pub fn pv_needs_attach(pv: &PersistentVolume) -> bool {
    pv.spec.extra.contains_key("csi")
}

/// What a volume-waiting pod's sync reads, as resourceVersions (0: absent): the pod, its
/// node (`volumesAttached`, host IP), and each claim followed by its bound volume — every
/// input of [`volume_sources`] and [`build_status`] besides the runtime itself.
fn volume_inputs(api: &ApiServer, pod: &Pod, node: &str) -> Vec<u64> {
    let rv = |m: &crate::objects::ObjectMeta| m.resource_version.parse::<u64>().unwrap_or(0);
    let mut out = vec![
        rv(&pod.metadata),
        api.get::<Node>("", node).map_or(0, |n| rv(&n.metadata)),
    ];
    for v in &pod.spec.volumes {
        if let Some(c) = &v.persistent_volume_claim {
            let pvc = api.get::<PersistentVolumeClaim>(pod.metadata.ns(), &c.claim_name);
            out.push(pvc.map_or(0, |p| rv(&p.metadata)));
            if let Some(pv) = pvc.and_then(|p| p.spec.volume_name.as_deref()) {
                out.push(
                    api.get::<PersistentVolume>("", pv)
                        .map_or(0, |p| rv(&p.metadata)),
                );
            }
        }
    }
    out
}

/// The pod's volumes once every claim is bound (and network disks attached to `node`);
/// otherwise the names of the volumes still missing.
fn volume_sources(
    api: &ApiServer,
    pod: &Pod,
    node: &str,
) -> Result<VecMap<String, MountSource>, Vec<String>> {
    let mut out = VecMap::new();
    let mut missing = Vec::new();
    // `volumesAttached` is read only for a volume that needs attaching, and scanned in place
    // (a waiting pod is re-checked often; the list holds up to a node's 110 pods' volumes).
    let node_attached = api
        .get::<Node>("", node)
        .and_then(|n| n.status.extra.get("volumesAttached"))
        .and_then(|v| v.as_array());
    let is_attached = |volume: &str| {
        node_attached.is_some_and(|a| {
            a.iter()
                .any(|x| x.get("name").and_then(|n| n.as_str()) == Some(volume))
        })
    };
    for v in &pod.spec.volumes {
        let src = if let Some(c) = &v.persistent_volume_claim {
            let pv = api
                .get::<PersistentVolumeClaim>(pod.metadata.ns(), &c.claim_name)
                .filter(|pvc| pvc.status.phase.as_deref() == Some("Bound"))
                .and_then(|pvc| pvc.spec.volume_name.as_deref())
                .and_then(|n| api.get::<PersistentVolume>("", n));
            match pv {
                Some(pv)
                    if !pv_needs_attach(pv)
                        || is_attached(&attached_volume_name(&pv.metadata.name)) =>
                {
                    MountSource::Pv(pv.metadata.name.clone())
                }
                _ => {
                    missing.push(v.name.clone());
                    continue;
                }
            }
        } else if v.extra.contains_key("emptyDir") {
            MountSource::EmptyDir
        } else if v.name.starts_with("kube-api-access-") && v.extra.contains_key("projected") {
            MountSource::ServiceAccount
        } else {
            MountSource::Other
        };
        out.insert(v.name.clone(), src);
    }
    if missing.is_empty() {
        Ok(out)
    } else {
        Err(missing)
    }
}

fn confirm_delete(pod: &Pod, ctx: &mut Ctx<'_>) {
    let opts = DeleteOptions {
        propagation: None,
        grace_period_seconds: Some(0),
        uid: Some(pod.metadata.uid.clone()),
    };
    if ctx
        .api
        .delete(
            Kind::Pod,
            pod.metadata.ns(),
            &pod.metadata.name,
            &opts,
            "kubelet",
        )
        .is_ok()
    {
        ctx.reason(
            pod_key(pod),
            Reason::Kubelet(KubeletReason::DeletionConfirmed),
        );
    }
}

/// The earliest time something in the runtime changes by itself.
fn next_deadline(rt: &PodRuntime, pod: &Pod) -> Option<Time> {
    if rt.terminal.is_some() {
        return None;
    }
    let mut best: Option<Time> = None;
    let mut consider = |t: Option<Time>| {
        if let Some(t) = t {
            best = Some(best.map_or(t, |b: Time| b.min(t)));
        }
    };
    if !rt.volumes_ready {
        if !rt.terminating {
            consider(Some(rt.mount_due()));
        }
        return best;
    }
    if !rt.sandbox_ready {
        consider(rt.sandbox_at);
        return best;
    }
    let _ = pod;
    for c in &rt.containers {
        match &c.stage {
            Stage::Pulling { done_at, .. } => consider(Some(*done_at)),
            Stage::PullFailed {
                backoff_at,
                retry_at,
                backoff_shown,
                ..
            } => {
                if !rt.terminating {
                    consider(Some(if *backoff_shown {
                        *retry_at
                    } else {
                        *backoff_at
                    }));
                }
            }
            Stage::Creating { at } => consider(Some(*at)),
            Stage::Running { exit_at, kill, .. } => {
                consider(exit_at.map(|e| e.0));
                consider(kill.map(|k| k.0));
                if kill.is_none() {
                    consider(c.startup.next_at);
                    consider(c.liveness.next_at);
                    consider(c.readiness.next_at);
                }
            }
            Stage::Exited { restart_at, .. } => consider(*restart_at),
            Stage::Pending | Stage::NeverPull | Stage::Abandoned => {}
        }
    }
    best
}

/// The container status the runtime reports for one container.
fn container_status(c: &ContainerRuntime, pod: &Pod) -> ContainerStatus {
    let waiting = |reason: &str, message: Option<String>| ContainerState {
        waiting: Some(StateWaiting {
            reason: Some(reason.into()),
            message,
        }),
        running: None,
        terminated: None,
    };
    let state = match &c.stage {
        Stage::Pending | Stage::Pulling { .. } | Stage::Creating { .. } => {
            waiting("ContainerCreating", None)
        }
        Stage::Abandoned => match &c.last_term {
            Some(t) => ContainerState {
                terminated: Some(t.clone()),
                ..Default::default()
            },
            None => waiting("ContainerCreating", None),
        },
        Stage::PullFailed { message, backoff_shown, .. } => {
            if *backoff_shown {
                waiting(
                    "ImagePullBackOff",
                    Some(format!(
                        "Back-off pulling image \"{}\": ErrImagePull: {message}",
                        c.image
                    )),
                )
            } else {
                waiting("ErrImagePull", Some(message.clone()))
            }
        }
        Stage::NeverPull => match &c.info {
            Err(PullError::InvalidName(_)) => waiting(
                "InvalidImageName",
                Some(format!("Failed to apply default image tag \"{}\": couldn't parse image name \"{}\": invalid reference format", c.image, c.image)),
            ),
            _ => waiting(
                "ErrImageNeverPull",
                Some(format!("Container image \"{}\" is not present with pull policy of Never", c.image)),
            ),
        },
        Stage::Running { since, .. } => ContainerState {
            running: Some(StateRunning {
                started_at: Some(since.truncated()),
            }),
            ..Default::default()
        },
        Stage::Exited { term, restart_at, backoff_ms } => {
            if restart_at.is_some() && *backoff_ms > 0 {
                waiting(
                    "CrashLoopBackOff",
                    Some(format!(
                        "back-off {} restarting failed container={} pod={}",
                        go_duration(*backoff_ms),
                        c.name,
                        format_pod(pod)
                    )),
                )
            } else {
                ContainerState {
                    terminated: Some(term.clone()),
                    ..Default::default()
                }
            }
        }
    };
    let last_state = match &c.stage {
        Stage::Exited {
            term,
            restart_at: Some(_),
            backoff_ms,
        } if *backoff_ms > 0 => ContainerState {
            terminated: Some(term.clone()),
            ..Default::default()
        },
        Stage::Exited { .. } => match &c.last_term {
            Some(t) => ContainerState {
                terminated: Some(t.clone()),
                ..Default::default()
            },
            None => ContainerState::default(),
        },
        _ => match &c.last_term {
            Some(t) => ContainerState {
                terminated: Some(t.clone()),
                ..Default::default()
            },
            None => ContainerState::default(),
        },
    };
    let running = matches!(c.stage, Stage::Running { .. });
    let has_run = c.container_id.is_some();
    let (image, image_id) = match &c.info {
        Ok(info) if has_run => (info.reference.full(), info.image_id()),
        _ => (c.image.clone(), String::new()),
    };
    ContainerStatus {
        name: c.name.clone(),
        state,
        last_state,
        ready: c.ready && running,
        restart_count: c.restart_count,
        image,
        image_id,
        container_id: if has_run {
            c.container_id.clone()
        } else {
            None
        },
        started: Some(running && c.started),
    }
}

/// `generateAPIPodStatus` + `getPhase` for the runtime's state, merged into the stored status.
fn build_status(pod: &Pod, rt: &PodRuntime, api: &ApiServer, now: Time) -> PodStatus {
    let now = now.truncated();
    let mut st = pod.status.clone();
    let statuses: Vec<ContainerStatus> = rt
        .containers
        .iter()
        .map(|c| container_status(c, pod))
        .collect();
    let phase = if let Some(p) = &rt.terminal {
        p.clone()
    } else {
        let mut pending = 0;
        let mut running = 0;
        let mut stopped = 0;
        let mut succeeded = 0;
        for s in &statuses {
            if s.state.running.is_some() {
                running += 1;
            } else if let Some(t) = &s.state.terminated {
                stopped += 1;
                if t.exit_code == 0 {
                    succeeded += 1;
                }
            } else if s.last_state.terminated.is_some() {
                stopped += 1;
            } else {
                pending += 1;
            }
        }
        if pending > 0 {
            "Pending".to_string()
        } else if running > 0
            || (stopped > 0
                && (rt.restart_policy == "Always"
                    || (rt.restart_policy == "OnFailure" && stopped != succeeded)))
        {
            "Running".to_string()
        } else if stopped > 0 && stopped == succeeded {
            "Succeeded".to_string()
        } else {
            "Failed".to_string()
        }
    };
    let terminal = rt.terminal.is_some();
    let unready: Vec<&str> = statuses
        .iter()
        .filter(|s| !s.ready)
        .map(|s| s.name.as_str())
        .collect();
    let all_ready = unready.is_empty() && !statuses.is_empty();
    let cond = |type_: &str, ok: bool, reason: Option<String>, message: Option<String>| {
        let status = if ok { "True" } else { "False" };
        let old = pod.condition(type_);
        PodCondition {
            type_: type_.into(),
            status: status.into(),
            last_probe_time: None,
            last_transition_time: match old {
                Some(o) if o.status == status => o.last_transition_time.or(Some(now)),
                _ => Some(now),
            },
            reason,
            message,
        }
    };
    let (ready_reason, ready_msg) = if terminal {
        (Some("PodCompleted".to_string()), None)
    } else if all_ready {
        (None, None)
    } else {
        (
            Some("ContainersNotReady".to_string()),
            Some(format!(
                "containers with unready status: [{}]",
                unready.join(" ")
            )),
        )
    };
    let mut conditions = vec![
        cond(
            "PodReadyToStartContainers",
            rt.sandbox_ready && !terminal,
            None,
            None,
        ),
        cond(
            "Initialized",
            true,
            if terminal {
                Some("PodCompleted".into())
            } else {
                None
            },
            None,
        ),
        cond(
            "Ready",
            all_ready && !terminal,
            ready_reason.clone(),
            ready_msg.clone(),
        ),
        cond(
            "ContainersReady",
            all_ready && !terminal,
            ready_reason,
            ready_msg,
        ),
    ];
    // Conditions the kubelet does not own (PodScheduled, DisruptionTarget…) stay as they are.
    for c in &pod.status.conditions {
        if !conditions.iter().any(|x| x.type_ == c.type_) {
            conditions.push(c.clone());
        }
    }
    st.phase = Some(phase);
    st.conditions = conditions;
    st.container_statuses = statuses;
    st.start_time = Some(rt.start_time.truncated());
    st.message = None;
    st.reason = None;
    let host_ip = api
        .get::<Node>("", &rt.node)
        .and_then(|n| n.internal_ip().map(str::to_string));
    st.host_ip = host_ip.clone();
    if let Some(h) = host_ip {
        st.extra.insert("hostIPs".into(), json!([{ "ip": h }]));
    }
    if let Some(ip) = &rt.ip {
        st.pod_ip = Some(ip.clone());
        st.extra.insert("podIPs".into(), json!([{ "ip": ip }]));
    } else if !terminal {
        st.pod_ip = None;
        st.extra.remove("podIPs");
    }
    // PodObservedGenerationTracking (beta, on in v1.34).
    if pod.metadata.generation > 0 {
        st.extra
            .insert("observedGeneration".into(), json!(pod.metadata.generation));
    }
    st
}

/// Writes the pod status when it differs from the stored one. Returns whether it wrote.
fn write_status(pod: &Pod, rt: &PodRuntime, ctx: &mut Ctx<'_>) -> bool {
    let st = build_status(pod, rt, ctx.api, ctx.now);
    if st == pod.status {
        return false;
    }
    // The status subresource takes only `status` from the request: no clone of the spec.
    let p = Pod {
        metadata: crate::objects::ObjectMeta::named(Some(pod.metadata.ns()), &pod.metadata.name),
        status: st,
        ..Default::default()
    };
    ctx.api.update_status(p.into(), "kubelet").is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_print_like_go() {
        assert_eq!(go_duration(512), "512ms");
        assert_eq!(go_duration(1_200), "1.2s");
        assert_eq!(go_duration(3_456), "3.456s");
        assert_eq!(go_duration(10_000), "10s");
        assert_eq!(go_duration(300_000), "5m0s");
        assert_eq!(go_duration(80_000), "1m20s");
    }
}
