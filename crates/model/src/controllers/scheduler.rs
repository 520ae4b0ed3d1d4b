//! The scheduler (`default-scheduler`): binds pending pods to nodes.
//!
//! One scheduling cycle per pod, in queue order, as `pkg/scheduler/schedule_one.go` runs it:
//! PreFilter (VolumeBinding's claim checks), Filter per node in the default plugin order
//! (NodeUnschedulable, TaintToleration, NodeAffinity, NodeResourcesFit, VolumeBinding), Score
//! (fewest pods, seeded tie-break — `selectHost` picks randomly among equal top scores),
//! PreBind (WaitForFirstConsumer claims get `volume.kubernetes.io/selected-node` and the pod
//! waits until they are bound), Bind (`pods/binding`). A failed cycle ends in PostFilter
//! (DynamicResources, DefaultPreemption) and the `FailedScheduling` event with
//! `FitError.Error()`'s exact text.

use super::{Controller, ControllerId, Ctx};
use crate::api::{ApiServer, WatchEvent, WatchEventType};
use crate::objects::{
    Kind, Node, Object, ObjectRef, PersistentVolume, PersistentVolumeClaim, Pod, PodCondition,
    StorageClass, Taint, Toleration,
};
use crate::rng::Rng;
use crate::time::Time;
use crate::vecmap::VecMap;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why the scheduler acted or waited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SchedulerReason {
    /// The pod was bound to `node` (fewest pods among the nodes that fit).
    Bound { node: String, feasible: usize },
    /// No node fits; `message` is the FailedScheduling text.
    Unschedulable { message: String },
    /// WaitForFirstConsumer claims were given `node` and the pod waits for them to be bound.
    WaitingForVolumeBinding { node: String, claims: Vec<String> },
}

impl fmt::Display for SchedulerReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SchedulerReason::Bound { node, feasible } => write!(
                f,
                "bound to {node} (the node with the fewest pods among {feasible} that fit)"
            ),
            SchedulerReason::Unschedulable { message } => {
                write!(f, "waits: no node fits: {message}")
            }
            SchedulerReason::WaitingForVolumeBinding { node, claims } => write!(
                f,
                "waits: chose {node}; claims {} are being provisioned there (WaitForFirstConsumer)",
                claims.join(", ")
            ),
        }
    }
}

impl SchedulerReason {
    pub fn is_wait(&self) -> bool {
        !matches!(self, SchedulerReason::Bound { .. })
    }
}

/// `podInitialBackoffSeconds` / `podMaxBackoffSeconds` (scheduler defaults).
const INITIAL_BACKOFF_MS: u64 = 1_000;
const MAX_BACKOFF_MS: u64 = 10_000;
/// `podMaxInUnschedulablePodsDuration`: unschedulable pods are retried at least this often.
const MAX_UNSCHEDULABLE_MS: u64 = 5 * 60 * 1000;
/// PreBind's `bindTimeoutSeconds` for volume binding.
const VOLUME_BIND_TIMEOUT_MS: u64 = 600_000;
/// How many pods one queue pass attempts (a pass is re-run 1 ms later if more wait). The real
/// scheduler binds one pod at a time; 50 keeps a 200-pod burst to four short passes, so the
/// page's frame budget can split them (a 200-pod pass could not be split across frames).
const PODS_PER_PASS: usize = 50;

/// The one key the scheduler's queue runs under: every pass walks the queue in order.
fn queue_key() -> ObjectRef {
    ObjectRef::new(Kind::Node, "", "#scheduling-queue")
}

#[derive(Debug, Clone)]
struct Queued {
    attempts: u32,
    /// Backoff: not retried before this.
    not_before: Time,
    /// Unschedulable: waits for a cluster event (or `MAX_UNSCHEDULABLE_MS`): since when, and
    /// the queue's unpark epoch then (a later `unpark_all` ends the wait).
    parked: Option<(Time, u64)>,
}

/// The scheduling queue in arrival order, with an index by pod. A pass walks it by sequence
/// number (no copy or sort of the queue per pass) and `unpark_all` is one epoch bump, so a
/// claim or volume event costs O(1) however many pods wait.
#[derive(Debug, Clone, Default)]
struct SchedulingQueue {
    by_seq: VecMap<u64, (ObjectRef, Queued)>,
    seq_of: VecMap<ObjectRef, u64>,
    next_seq: u64,
    epoch: u64,
}

impl SchedulingQueue {
    fn is_empty(&self) -> bool {
        self.by_seq.is_empty()
    }

    fn contains(&self, key: &ObjectRef) -> bool {
        self.seq_of.contains_key(key)
    }

    fn push(&mut self, key: ObjectRef) {
        self.next_seq += 1;
        self.seq_of.insert(key.clone(), self.next_seq);
        self.by_seq.insert(
            self.next_seq,
            (
                key,
                Queued {
                    attempts: 0,
                    not_before: Time(0),
                    parked: None,
                },
            ),
        );
    }

    fn remove(&mut self, key: &ObjectRef) -> bool {
        match self.seq_of.remove(key) {
            Some(seq) => self.by_seq.remove(&seq).is_some(),
            None => false,
        }
    }

    fn remove_seq(&mut self, seq: u64) {
        if let Some((key, _)) = self.by_seq.remove(&seq) {
            self.seq_of.remove(&key);
        }
    }

    /// The first entry at or after `seq`.
    fn next_from(&self, seq: u64) -> Option<(u64, &ObjectRef, &Queued)> {
        self.by_seq
            .range(seq..)
            .next()
            .map(|(&s, (k, q))| (s, k, q))
    }

    fn parked_since(&self, q: &Queued) -> Option<Time> {
        q.parked
            .filter(|&(_, epoch)| epoch == self.epoch)
            .map(|(t, _)| t)
    }

    fn park(&mut self, seq: u64, now: Time) -> Option<&mut Queued> {
        let epoch = self.epoch;
        let (_, q) = self.by_seq.get_mut(&seq)?;
        q.parked = Some((now, epoch));
        Some(q)
    }

    fn unpark_all(&mut self) {
        self.epoch += 1;
    }
}

#[derive(Debug, Clone)]
struct Assumed {
    uid: String,
    node: String,
    since: Time,
}

#[derive(Debug, Clone)]
pub struct Scheduler {
    rng: Rng,
    queue: SchedulingQueue,
    assumed: VecMap<ObjectRef, Assumed>,
    /// The scheduler cache's bound pods: non-terminal pods assigned to a node, with their
    /// requests, summed per node — kept from watch events instead of a list per pass.
    bound: VecMap<ObjectRef, (String, NodeLoad)>,
    node_load: VecMap<String, NodeLoad>,
}

impl Default for Scheduler {
    fn default() -> Self {
        Scheduler::new(0)
    }
}

impl Scheduler {
    pub fn new(seed: u64) -> Scheduler {
        Scheduler {
            rng: Rng::new(seed ^ 0x5C4E_D01E),
            queue: SchedulingQueue::default(),
            assumed: VecMap::new(),
            bound: VecMap::new(),
            node_load: VecMap::new(),
        }
    }

    /// Files a pod event in the bound-pod cache.
    fn cache_pod(&mut self, key: &ObjectRef, pod: &Pod, gone: bool) {
        if let Some((node, l)) = self.bound.remove(key) {
            if let Some(total) = self.node_load.get_mut(&node) {
                total.pods -= l.pods;
                total.milli_cpu -= l.milli_cpu;
                total.memory -= l.memory;
                if total.pods == 0 {
                    self.node_load.remove(&node);
                }
            }
        }
        let Some(node) = pod.spec.node_name.as_deref().filter(|n| !n.is_empty()) else {
            return;
        };
        if gone || pod.is_terminal() {
            return;
        }
        let mut l = NodeLoad::default();
        add_load(&mut l, pod);
        add_load_sum(self.node_load.entry(node.to_string()).or_default(), l);
        self.bound.insert(key.clone(), (node.to_string(), l));
    }

    /// A cluster event that may make parked pods schedulable (`MoveAllToActiveOrBackoffQueue`).
    fn unpark_all(&mut self) {
        self.queue.unpark_all();
    }
}

fn wants_scheduling(pod: &Pod) -> bool {
    pod.spec.node_name.as_deref().unwrap_or("").is_empty()
        && !pod.metadata.is_deleting()
        && !pod.is_terminal()
        && pod
            .spec
            .scheduler_name
            .as_deref()
            .is_none_or(|s| s == "default-scheduler")
}

impl Controller for Scheduler {
    const ID: ControllerId = ControllerId::Scheduler;

    fn watch(&mut self, ev: &WatchEvent, _api: &ApiServer, enqueue: &mut dyn FnMut(ObjectRef)) {
        match &*ev.object {
            Object::Pod(pod) => {
                let key = ObjectRef::new(Kind::Pod, pod.metadata.ns(), &pod.metadata.name);
                let gone = ev.type_ == WatchEventType::Deleted;
                self.cache_pod(&key, pod, gone);
                if !gone && wants_scheduling(pod) {
                    if !self.queue.contains(&key) {
                        self.queue.push(key);
                        enqueue(queue_key());
                    }
                } else {
                    let was_queued = self.queue.remove(&key);
                    let was_assumed = self.assumed.remove(&key).is_some();
                    // An assigned pod leaving (deleted or finished) frees room on its node.
                    let frees = !pod.spec.node_name.as_deref().unwrap_or("").is_empty()
                        && (gone || pod.is_terminal());
                    if frees || was_assumed {
                        self.unpark_all();
                    }
                    if (frees || was_queued || was_assumed) && !self.queue.is_empty() {
                        enqueue(queue_key());
                    }
                }
            }
            Object::Node(_)
            | Object::PersistentVolumeClaim(_)
            | Object::PersistentVolume(_)
            | Object::StorageClass(_)
                if !self.queue.is_empty() =>
            {
                self.unpark_all();
                enqueue(queue_key());
            }
            _ => {}
        }
    }

    fn handle(&mut self, key: &ObjectRef, _tag: u32, ctx: &mut Ctx<'_>) {
        if *key != queue_key() {
            return;
        }
        let now = ctx.now;
        let mut snapshot = Snapshot::take(ctx.api, &self.node_load, &self.assumed);
        let mut attempted = 0usize;
        let mut next_wake: Option<Time> = None;
        let mut more = false;
        // In arrival order; entries pushed during the pass (none: the watch is not called
        // during a handle) would come after the cursor.
        let mut cursor = 0u64;
        while let Some((seq, pod_key, q)) = self.queue.next_from(cursor) {
            cursor = seq + 1;
            if let Some(since) = self.queue.parked_since(q) {
                let retry_at = since.plus_ms(MAX_UNSCHEDULABLE_MS);
                if now < retry_at {
                    next_wake = Some(next_wake.map_or(retry_at, |w: Time| w.min(retry_at)));
                    continue;
                }
            }
            if now < q.not_before {
                next_wake = Some(next_wake.map_or(q.not_before, |w: Time| w.min(q.not_before)));
                continue;
            }
            if attempted >= PODS_PER_PASS {
                more = true;
                break;
            }
            attempted += 1;
            let pod_key = pod_key.clone();
            let Some(pod) = ctx
                .api
                .get::<Pod>(&pod_key.namespace, &pod_key.name)
                .cloned()
            else {
                self.queue.remove_seq(seq);
                continue;
            };
            if !wants_scheduling(&pod) {
                self.queue.remove_seq(seq);
                continue;
            }
            match self.schedule_one(&pod, &mut snapshot, ctx) {
                Outcome::Bound | Outcome::Waiting => {
                    self.queue.remove_seq(seq);
                }
                Outcome::AssumedWaiting => {
                    // Stays queued (not parked) so claim binding events retry the bind.
                    self.queue.park(seq, now);
                }
                Outcome::Failed => {
                    if let Some(q) = self.queue.park(seq, now) {
                        q.attempts = q.attempts.saturating_add(1);
                        let backoff = INITIAL_BACKOFF_MS
                            .saturating_mul(1u64 << (q.attempts - 1).min(20))
                            .min(MAX_BACKOFF_MS);
                        q.not_before = now.plus_ms(backoff);
                    }
                }
            }
        }
        if more {
            ctx.requeue_after(queue_key(), 1);
        } else if let Some(at) = next_wake {
            ctx.wake_at(at, queue_key(), 1);
        }
    }
}

enum Outcome {
    Bound,
    /// Assumed on a node; waiting for its WaitForFirstConsumer claims to bind.
    AssumedWaiting,
    /// Left the queue for another reason (already bound meanwhile).
    Waiting,
    Failed,
}

/// Per-node view of one scheduling pass (the scheduler cache's NodeInfos).
struct Snapshot {
    nodes: Vec<std::sync::Arc<Object>>,
    /// Non-terminal pods per node (bound + assumed), and their summed requests.
    load: VecMap<String, NodeLoad>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct NodeLoad {
    pods: u64,
    milli_cpu: u64,
    memory: u64,
}

impl Snapshot {
    fn take(
        api: &ApiServer,
        bound: &VecMap<String, NodeLoad>,
        assumed: &VecMap<ObjectRef, Assumed>,
    ) -> Snapshot {
        let nodes: Vec<std::sync::Arc<Object>> =
            api.list_objects(Kind::Node, None).cloned().collect();
        let mut load = bound.clone();
        for (k, a) in assumed {
            if let Some(p) = api.get::<Pod>(&k.namespace, &k.name) {
                if p.spec.node_name.as_deref().unwrap_or("").is_empty() {
                    add_load(load.entry(a.node.clone()).or_default(), p);
                }
            }
        }
        Snapshot { nodes, load }
    }
}

fn add_load_sum(l: &mut NodeLoad, o: NodeLoad) {
    l.pods += o.pods;
    l.milli_cpu += o.milli_cpu;
    l.memory += o.memory;
}

fn add_load(l: &mut NodeLoad, p: &Pod) {
    let (cpu, mem) = pod_requests(p);
    l.pods += 1;
    l.milli_cpu += cpu;
    l.memory += mem;
}

/// Summed container requests (cpu in millicores, memory in bytes).
fn pod_requests(p: &Pod) -> (u64, u64) {
    let mut cpu = 0u64;
    let mut mem = 0u64;
    for c in &p.spec.containers {
        let req = c.resources.as_ref().and_then(|r| r.get("requests"));
        if let Some(v) = req.and_then(|r| r.get("cpu")) {
            cpu = cpu.saturating_add(parse_quantity(v, true).unwrap_or(0));
        }
        if let Some(v) = req.and_then(|r| r.get("memory")) {
            mem = mem.saturating_add(parse_quantity(v, false).unwrap_or(0));
        }
    }
    (cpu, mem)
}

/// Parses a resource quantity: cpu as millicores (`500m`, `2`), others as units (`128Mi`, `1G`).
pub fn parse_quantity(v: &serde_json::Value, milli: bool) -> Option<u64> {
    let s = match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, suffix) = s.split_at(split);
    let n: f64 = num.parse().ok()?;
    if !n.is_finite() || n < 0.0 {
        return None;
    }
    let mult: f64 = match suffix {
        "" => 1.0,
        "m" => 0.001,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "Ki" => 1024.0,
        "Mi" => 1024.0 * 1024.0,
        "Gi" => 1024.0 * 1024.0 * 1024.0,
        "Ti" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    let base = n * mult * if milli { 1000.0 } else { 1.0 };
    Some(base.ceil().min(1e18) as u64)
}

/// A Filter plugin's verdict for one node: the reason string and whether preemption could help
/// (`Unschedulable`) or not (`UnschedulableAndUnresolvable`).
struct Rejection {
    reason: String,
    resolvable: bool,
}

/// `v1helper.TolerationsTolerateTaint` over a pod's tolerations.
fn tolerated(taint: &Taint, tolerations: &[Toleration]) -> bool {
    tolerations.iter().any(|t| taint.tolerated_by(t))
}

fn filter_node(
    pod: &Pod,
    node: &Node,
    load: NodeLoad,
    bound_pv_affinity: &[(String, Vec<String>)],
) -> Option<Rejection> {
    let unresolvable = |reason: String| {
        Some(Rejection {
            reason,
            resolvable: false,
        })
    };
    // NodeUnschedulable
    if node.spec.unschedulable == Some(true) {
        let t = Taint {
            key: "node.kubernetes.io/unschedulable".into(),
            value: None,
            effect: "NoSchedule".into(),
            time_added: None,
        };
        if !tolerated(&t, &pod.spec.tolerations) {
            return unresolvable("node(s) were unschedulable".into());
        }
    }
    // TaintToleration: the first untolerated NoSchedule/NoExecute taint.
    if let Some(t) = node.spec.taints.iter().find(|t| {
        (t.effect == "NoSchedule" || t.effect == "NoExecute")
            && !tolerated(t, &pod.spec.tolerations)
    }) {
        return unresolvable(format!(
            "node(s) had untolerated taint {{{}: {}}}",
            t.key,
            t.value.as_deref().unwrap_or("")
        ));
    }
    // NodeAffinity (nodeSelector; required nodeAffinity terms are not interpreted).
    if pod
        .spec
        .node_selector
        .iter()
        .any(|(k, v)| node.metadata.labels.get(k) != Some(v))
    {
        return unresolvable("node(s) didn't match Pod's node affinity/selector".into());
    }
    // NodeResourcesFit
    let allocatable = |name: &str, milli: bool| {
        node.status
            .allocatable
            .get(name)
            .and_then(|v| parse_quantity(&serde_json::Value::String(v.clone()), milli))
    };
    let max_pods = allocatable("pods", false).unwrap_or(110);
    let (cpu, mem) = pod_requests(pod);
    let mut insufficient = Vec::new();
    if load.pods + 1 > max_pods {
        insufficient.push("Too many pods".to_string());
    }
    if cpu > 0 && allocatable("cpu", true).is_some_and(|a| load.milli_cpu + cpu > a) {
        insufficient.push("Insufficient cpu".to_string());
    }
    if mem > 0 && allocatable("memory", false).is_some_and(|a| load.memory + mem > a) {
        insufficient.push("Insufficient memory".to_string());
    }
    if !insufficient.is_empty() {
        // Only the first reason is kept per node here; the real plugin returns all of them
        // (each is counted in the histogram).
        return Some(Rejection {
            reason: insufficient.join("\u{0}"),
            resolvable: true,
        });
    }
    // VolumeBinding: bound PVs with node affinity.
    for (_pv, nodes) in bound_pv_affinity {
        if !nodes.contains(&node.metadata.name) {
            return unresolvable("node(s) had volume node affinity conflict".into());
        }
    }
    None
}

/// The hostnames a PV's `nodeAffinity.required` allows (`kubernetes.io/hostname In [...]`);
/// `None` when it has no node affinity.
pub fn pv_affinity_nodes(pv: &PersistentVolume) -> Option<Vec<String>> {
    let terms = pv
        .spec
        .node_affinity
        .as_ref()?
        .get("required")?
        .get("nodeSelectorTerms")?
        .as_array()?;
    let mut out = Vec::new();
    for t in terms {
        for e in t
            .get("matchExpressions")
            .and_then(|m| m.as_array())
            .into_iter()
            .flatten()
        {
            if e.get("key").and_then(|k| k.as_str()) == Some("kubernetes.io/hostname") {
                for v in e
                    .get("values")
                    .and_then(|v| v.as_array())
                    .into_iter()
                    .flatten()
                {
                    if let Some(s) = v.as_str() {
                        out.push(s.to_string());
                    }
                }
            }
        }
    }
    Some(out)
}

/// The claims of a pod, classified as VolumeBinding's PreFilter does.
struct PodClaims {
    /// PreFilter rejection (missing/deleting claim, unbound Immediate claim).
    prefilter: Option<String>,
    /// Bound PVs with node affinity: (pv, allowed hosts).
    affinity: Vec<(String, Vec<String>)>,
    /// Unbound WaitForFirstConsumer claims (names).
    delayed: Vec<String>,
}

fn classify_claims(api: &ApiServer, pod: &Pod) -> PodClaims {
    let ns = pod.metadata.ns();
    let mut out = PodClaims {
        prefilter: None,
        affinity: Vec::new(),
        delayed: Vec::new(),
    };
    let mut unbound_immediate = false;
    for v in &pod.spec.volumes {
        let Some(src) = &v.persistent_volume_claim else {
            continue;
        };
        let Some(pvc) = api.get::<PersistentVolumeClaim>(ns, &src.claim_name) else {
            out.prefilter = Some(format!(
                "persistentvolumeclaim \"{}\" not found",
                src.claim_name
            ));
            return out;
        };
        if pvc.metadata.is_deleting() {
            out.prefilter = Some(format!(
                "persistentvolumeclaim \"{}\" is being deleted",
                src.claim_name
            ));
            return out;
        }
        match pvc.spec.volume_name.as_deref().filter(|v| !v.is_empty()) {
            Some(pv_name) => {
                if let Some(pv) = api.get::<PersistentVolume>("", pv_name) {
                    if let Some(nodes) = pv_affinity_nodes(pv) {
                        out.affinity.push((pv_name.to_string(), nodes));
                    }
                }
            }
            None => {
                let class = pvc
                    .spec
                    .storage_class_name
                    .as_deref()
                    .and_then(|c| api.get::<StorageClass>("", c));
                let wffc = class.is_some_and(|c| {
                    c.volume_binding_mode.as_deref() == Some("WaitForFirstConsumer")
                });
                if wffc {
                    out.delayed.push(pvc.metadata.name.clone());
                } else {
                    unbound_immediate = true;
                }
            }
        }
    }
    if unbound_immediate {
        out.prefilter = Some("pod has unbound immediate PersistentVolumeClaims".into());
    }
    out
}

impl Scheduler {
    fn schedule_one(&mut self, pod: &Pod, snap: &mut Snapshot, ctx: &mut Ctx<'_>) -> Outcome {
        let key = ObjectRef::new(Kind::Pod, pod.metadata.ns(), &pod.metadata.name);
        // A pod already assumed onto a node waits for its delayed claims, then binds.
        if let Some(a) = self.assumed.get(&key).cloned() {
            if a.uid == pod.metadata.uid {
                let claims = classify_claims(ctx.api, pod);
                if claims.delayed.is_empty() && claims.prefilter.is_none() {
                    self.assumed.remove(&key);
                    return self.bind(pod, &a.node, 0, ctx);
                }
                if ctx.now.since(a.since) < VOLUME_BIND_TIMEOUT_MS {
                    return Outcome::AssumedWaiting;
                }
            }
            // Timed out or a different incarnation: forget the assumption and start over.
            self.assumed.remove(&key);
        }
        let n_all = snap.nodes.len();
        let claims = classify_claims(ctx.api, pod);
        if let Some(msg) = claims.prefilter {
            // PreFilter rejected: every node gets the same UnschedulableAndUnresolvable status.
            let message = format!(
                "0/{n_all} nodes are available: {msg}. preemption: 0/{n_all} nodes are available: {n_all} Preemption is not helpful for scheduling."
            );
            self.fail(pod, message, ctx);
            return Outcome::Failed;
        }
        let mut feasible: Vec<(u64, String)> = Vec::new();
        let mut reasons: VecMap<String, usize> = VecMap::new();
        // String keys (same order as &str): one map instantiation less in the wasm.
        let mut preemption: VecMap<String, usize> = VecMap::new();
        for node in snap
            .nodes
            .iter()
            .filter_map(|o| <Node as crate::objects::Typed>::from_object(o))
        {
            let load = snap
                .load
                .get(&node.metadata.name)
                .copied()
                .unwrap_or_default();
            match filter_node(pod, node, load, &claims.affinity) {
                None => feasible.push((load.pods, node.metadata.name.clone())),
                Some(r) => {
                    for part in r.reason.split('\u{0}') {
                        *reasons.entry(part.to_string()).or_default() += 1;
                    }
                    // DefaultPreemption: nodes whose rejection is resolvable are candidates,
                    // but nothing of lower priority runs there (all workload pods share
                    // priority 0), so none yields victims.
                    let p = if r.resolvable {
                        "No preemption victims found for incoming pod"
                    } else {
                        "Preemption is not helpful for scheduling"
                    };
                    *preemption.entry(p.to_string()).or_default() += 1;
                }
            }
        }
        if feasible.is_empty() {
            let message = fit_error(n_all, &reasons, &preemption, pod);
            self.fail(pod, message, ctx);
            return Outcome::Failed;
        }
        let best = feasible.iter().map(|(n, _)| *n).min().unwrap_or(0);
        let top: Vec<&String> = feasible
            .iter()
            .filter(|(n, _)| *n == best)
            .map(|(_, name)| name)
            .collect();
        let chosen = top[self.rng.below(top.len() as u64) as usize].clone();
        if let Some(l) = snap.load.get_mut(&chosen) {
            add_load(l, pod);
        } else {
            let mut l = NodeLoad::default();
            add_load(&mut l, pod);
            snap.load.insert(chosen.clone(), l);
        }
        if !claims.delayed.is_empty() {
            // PreBind: hand the delayed claims to the provisioner for the chosen node.
            for name in &claims.delayed {
                if let Some(pvc) = ctx
                    .api
                    .get::<PersistentVolumeClaim>(pod.metadata.ns(), name)
                    .cloned()
                {
                    if pvc
                        .metadata
                        .annotations
                        .get("volume.kubernetes.io/selected-node")
                        != Some(&chosen)
                    {
                        let mut pvc = pvc;
                        pvc.metadata
                            .annotations
                            .insert("volume.kubernetes.io/selected-node".into(), chosen.clone());
                        let _ = ctx.api.update(pvc.into(), "default-scheduler");
                    }
                }
            }
            self.assumed.insert(
                key.clone(),
                Assumed {
                    uid: pod.metadata.uid.clone(),
                    node: chosen.clone(),
                    since: ctx.now,
                },
            );
            ctx.reason(
                key,
                crate::reason::Reason::Scheduler(SchedulerReason::WaitingForVolumeBinding {
                    node: chosen,
                    claims: claims.delayed,
                }),
            );
            return Outcome::AssumedWaiting;
        }
        self.bind(pod, &chosen, feasible.len(), ctx)
    }

    fn bind(&mut self, pod: &Pod, node: &str, feasible: usize, ctx: &mut Ctx<'_>) -> Outcome {
        let (ns, name) = (pod.metadata.ns().to_string(), pod.metadata.name.clone());
        match ctx.api.bind_pod(&ns, &name, node, "default-scheduler") {
            Ok(obj) => {
                ctx.event(
                    Kind::Pod,
                    obj.meta(),
                    "Normal",
                    "Scheduled",
                    format!("Successfully assigned {ns}/{name} to {node}"),
                );
                ctx.reason(
                    ObjectRef::new(Kind::Pod, &ns, &name),
                    crate::reason::Reason::Scheduler(SchedulerReason::Bound {
                        node: node.to_string(),
                        feasible,
                    }),
                );
                Outcome::Bound
            }
            Err(_) => Outcome::Waiting,
        }
    }

    /// Records the failure as the scheduler does: `PodScheduled=False/Unschedulable` with the
    /// message, and a `FailedScheduling` warning event (aggregated when repeated).
    fn fail(&mut self, pod: &Pod, message: String, ctx: &mut Ctx<'_>) {
        let mut p = pod.clone();
        let now = ctx.now.truncated();
        let existing = p.condition("PodScheduled").cloned();
        let transition = match &existing {
            Some(c) if c.status == "False" => c.last_transition_time.or(Some(now)),
            _ => Some(now),
        };
        let cond = PodCondition {
            type_: "PodScheduled".into(),
            status: "False".into(),
            last_probe_time: None,
            last_transition_time: transition,
            reason: Some("Unschedulable".into()),
            message: Some(message.clone()),
        };
        match p
            .status
            .conditions
            .iter_mut()
            .find(|c| c.type_ == "PodScheduled")
        {
            Some(c) => *c = cond,
            None => p.status.conditions.push(cond),
        }
        let meta = match ctx.api.update_status(p.into(), "default-scheduler") {
            Ok(o) => o.meta().clone(),
            Err(_) => pod.metadata.clone(),
        };
        ctx.event(
            Kind::Pod,
            &meta,
            "Warning",
            "FailedScheduling",
            message.clone(),
        );
        ctx.reason(
            ObjectRef::new(Kind::Pod, pod.metadata.ns(), &pod.metadata.name),
            crate::reason::Reason::Scheduler(SchedulerReason::Unschedulable { message }),
        );
    }
}

/// `FitError.Error()` (pkg/scheduler/framework/types.go) for a Filter-phase failure, with the
/// PostFilter message of v1.34's default plugins: DynamicResources (enabled by default since DRA
/// went GA in v1.34; it answers "no new claims to deallocate" for pods without claims) then
/// DefaultPreemption, joined by ", ".
fn fit_error(
    n_all: usize,
    reasons: &VecMap<String, usize>,
    preemption: &VecMap<String, usize>,
    pod: &Pod,
) -> String {
    // sort.Strings over "<count> <reason>".
    let mut hist: Vec<String> = reasons.iter().map(|(r, n)| format!("{n} {r}")).collect();
    crate::sort::sort(&mut hist);
    let mut msg = format!("0/{n_all} nodes are available: {}.", hist.join(", "));
    let post = if pod.spec.preemption_policy.as_deref() == Some("Never") {
        "not eligible due to preemptionPolicy=Never.".to_string()
    } else {
        let mut ph: Vec<String> = preemption.iter().map(|(r, n)| format!("{n} {r}")).collect();
        crate::sort::sort(&mut ph);
        format!(
            "preemption: 0/{n_all} nodes are available: {}.",
            ph.join(", ")
        )
    };
    msg.push_str(" no new claims to deallocate, ");
    msg.push_str(&post);
    msg
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quantities_parse_like_resource_quantity() {
        assert_eq!(parse_quantity(&json!("500m"), true), Some(500));
        assert_eq!(parse_quantity(&json!("2"), true), Some(2000));
        assert_eq!(parse_quantity(&json!(1), true), Some(1000));
        assert_eq!(parse_quantity(&json!("128Mi"), false), Some(134_217_728));
        assert_eq!(
            parse_quantity(&json!("16365952Ki"), false),
            Some(16_758_734_848)
        );
        assert_eq!(parse_quantity(&json!("lots"), false), None);
    }
}
