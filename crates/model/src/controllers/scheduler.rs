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
use crate::vecmap::{VecMap, VecSet};
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

/// The default plugins that can reject a pod, as bits: a parked pod remembers which rejected
/// it (`QueuedPodInfo.UnschedulablePlugins`), and a cluster event moves it back to the queue
/// only if one of those plugins registered for that event (`EventsToRegister`) and its
/// queueing hint says the event may help (SchedulerQueueingHints, on by default in v1.34).
type Plugins = u8;
const NODE_UNSCHEDULABLE: Plugins = 1;
const TAINT_TOLERATION: Plugins = 2;
const NODE_AFFINITY: Plugins = 4;
const NODE_RESOURCES_FIT: Plugins = 8;
const VOLUME_BINDING: Plugins = 16;
const PLUGIN_COUNT: usize = 5;

#[derive(Debug, Clone)]
struct Queued {
    attempts: u32,
    /// Backoff: not retried before this.
    not_before: Time,
    /// Unschedulable (in `unschedulablePods`): since when, and the plugins that rejected it;
    /// it waits for an event one of them registered for, or `MAX_UNSCHEDULABLE_MS`.
    parked: Option<(Time, Plugins)>,
    /// The pod's claims when it was parked (VolumeBinding's PersistentVolumeClaim hint).
    claims: Vec<String>,
}

/// The scheduling queue in arrival order, with an index by pod. Pods that may be tried (the
/// active and backoff queues) are in `active`; a pass walks only those, so hundreds of
/// unschedulable pods cost nothing until an event that may help them.
#[derive(Debug, Clone, Default)]
struct SchedulingQueue {
    by_seq: VecMap<u64, (ObjectRef, Queued)>,
    seq_of: VecMap<ObjectRef, u64>,
    active: VecSet<u64>,
    /// How many parked pods each plugin rejected (by bit), so an event no parked pod's
    /// plugins registered for is dismissed without a walk.
    parked_by_plugin: [u32; PLUGIN_COUNT],
    /// No parked pod has waited since before this (the 5-minute flush's next due time).
    earliest_parked: Option<Time>,
    next_seq: u64,
}

impl SchedulingQueue {
    fn contains(&self, key: &ObjectRef) -> bool {
        self.seq_of.contains_key(key)
    }

    fn push(&mut self, key: ObjectRef) {
        self.next_seq += 1;
        self.seq_of.insert(key.clone(), self.next_seq);
        self.active.insert(self.next_seq);
        self.by_seq.insert(
            self.next_seq,
            (
                key,
                Queued {
                    attempts: 0,
                    not_before: Time(0),
                    parked: None,
                    claims: Vec::new(),
                },
            ),
        );
    }

    fn count_parked(&mut self, plugins: Plugins, add: bool) {
        for (bit, n) in self.parked_by_plugin.iter_mut().enumerate() {
            if plugins & (1 << bit) != 0 {
                *n = if add { *n + 1 } else { n.saturating_sub(1) };
            }
        }
    }

    fn remove(&mut self, key: &ObjectRef) -> bool {
        match self.seq_of.get(key).copied() {
            Some(seq) => {
                self.remove_seq(seq);
                true
            }
            None => false,
        }
    }

    fn remove_seq(&mut self, seq: u64) {
        if let Some((key, q)) = self.by_seq.remove(&seq) {
            self.seq_of.remove(&key);
            match q.parked {
                Some((_, plugins)) => self.count_parked(plugins, false),
                None => {
                    self.active.remove(&seq);
                }
            }
        }
    }

    /// The first entry that may be tried at or after `seq`.
    fn next_active_from(&self, seq: u64) -> Option<(u64, &ObjectRef, &Queued)> {
        let &s = self.active.range(seq..).next()?;
        self.by_seq.get(&s).map(|(k, q)| (s, k, q))
    }

    /// Into `unschedulablePods`, rejected by `plugins`.
    fn park(
        &mut self,
        seq: u64,
        now: Time,
        plugins: Plugins,
        claims: Vec<String>,
    ) -> Option<&mut Queued> {
        let was_parked = self.by_seq.get(&seq)?.1.parked;
        if let Some((_, old)) = was_parked {
            self.count_parked(old, false);
        }
        self.count_parked(plugins, true);
        self.active.remove(&seq);
        self.earliest_parked = Some(self.earliest_parked.map_or(now, |t| t.min(now)));
        let (_, q) = self.by_seq.get_mut(&seq)?;
        q.parked = Some((now, plugins));
        q.claims = claims;
        Some(q)
    }

    /// Whether any parked pod was rejected by one of `plugins`.
    fn any_parked_by(&self, plugins: Plugins) -> bool {
        self.parked_by_plugin
            .iter()
            .enumerate()
            .any(|(bit, &n)| n > 0 && plugins & (1 << bit) != 0)
    }

    /// `MoveAllToActiveOrBackoffQueue` for an event that `plugins` registered for: a parked
    /// pod rejected by any of them goes back to the queue (still subject to its backoff) if
    /// one of their hints, `queue(pod, those plugins, its claims)`, says the event may help.
    /// Returns whether any moved.
    fn unpark(
        &mut self,
        plugins: Plugins,
        mut queue: impl FnMut(&ObjectRef, Plugins, &[String]) -> bool,
    ) -> bool {
        if !self.any_parked_by(plugins) {
            return false;
        }
        let mut moved = Vec::new();
        for (&seq, (key, q)) in self.by_seq.iter() {
            if let Some((_, rejected_by)) = q.parked {
                if rejected_by & plugins != 0 && queue(key, rejected_by & plugins, &q.claims) {
                    moved.push((seq, rejected_by));
                }
            }
        }
        self.activate(&moved);
        !moved.is_empty()
    }

    /// Parked pods back to the active (or, still backing off, the backoff) queue.
    fn activate(&mut self, moved: &[(u64, Plugins)]) {
        for &(seq, rejected_by) in moved {
            self.count_parked(rejected_by, false);
            self.active.insert(seq);
            if let Some((_, q)) = self.by_seq.get_mut(&seq) {
                q.parked = None;
            }
        }
    }

    /// When the next parked pod is due to be flushed (at the latest: pods that left the
    /// unschedulable queue meanwhile can make it early, and that flush finds nothing).
    fn flush_due(&self) -> Option<Time> {
        Some(self.earliest_parked?.plus_ms(MAX_UNSCHEDULABLE_MS))
    }

    /// `flushUnschedulablePodsLeftover`: pods parked for `MAX_UNSCHEDULABLE_MS` are tried
    /// again.
    fn flush_leftover(&mut self, now: Time) {
        if self.flush_due().is_none_or(|due| now < due) {
            return;
        }
        let mut earliest: Option<Time> = None;
        let mut moved = Vec::new();
        for (&seq, (_, q)) in self.by_seq.iter() {
            if let Some((since, rejected_by)) = q.parked {
                if now >= since.plus_ms(MAX_UNSCHEDULABLE_MS) {
                    moved.push((seq, rejected_by));
                } else {
                    earliest = Some(earliest.map_or(since, |t| t.min(since)));
                }
            }
        }
        self.activate(&moved);
        self.earliest_parked = earliest;
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
    /// The nodes as last seen, to tell which of a node's scheduling properties an update
    /// changed (the informer's old object).
    nodes: VecMap<String, std::sync::Arc<Object>>,
    /// The pending wake-up of the queue (backoff or flush), so passes do not pile up timers.
    wake: Option<Time>,
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
            nodes: VecMap::new(),
            wake: None,
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

    /// A Node added or updated: which default plugins registered for what changed
    /// (`NodeSchedulingPropertiesChange`), and their queueing hints for each parked pod.
    fn node_event(&mut self, node: &Node, old: Option<&Node>, api: &ApiServer) -> bool {
        let plugins = match old {
            None => {
                NODE_UNSCHEDULABLE
                    | TAINT_TOLERATION
                    | NODE_AFFINITY
                    | NODE_RESOURCES_FIT
                    | VOLUME_BINDING
            }
            Some(old) => {
                let mut p = 0;
                if old.metadata.labels != node.metadata.labels {
                    p |= NODE_AFFINITY | VOLUME_BINDING;
                }
                if old.spec.taints != node.spec.taints
                    || old.spec.unschedulable != node.spec.unschedulable
                {
                    p |= NODE_UNSCHEDULABLE | TAINT_TOLERATION;
                }
                if old.status.allocatable != node.status.allocatable {
                    p |= NODE_RESOURCES_FIT;
                }
                p
            }
        };
        if plugins == 0 {
            return false;
        }
        self.queue.unpark(plugins, |key, rejected_by, _| {
            let Some(pod) = api.get::<Pod>(&key.namespace, &key.name) else {
                return true;
            };
            node_hint(pod, rejected_by, node, old)
        })
    }
}

/// The default plugins' `isSchedulableAfterNodeChange` hints (Node added: `old` is `None`):
/// whether the change may let `pod`, rejected by `rejected_by`, fit this node.
fn node_hint(pod: &Pod, rejected_by: Plugins, node: &Node, old: Option<&Node>) -> bool {
    let cordoned = |n: &Node| n.spec.unschedulable == Some(true);
    let untolerated = |n: &Node| untolerated_taint(pod, n).is_some();
    let selected = |n: &Node| selector_matches(pod, n);
    // NodeUnschedulable: the node was added schedulable or became schedulable.
    (rejected_by & NODE_UNSCHEDULABLE != 0 && !cordoned(node) && old.is_none_or(cordoned))
        // TaintToleration: the pod did not tolerate the node's taints and now does.
        || (rejected_by & TAINT_TOLERATION != 0 && !untolerated(node) && old.is_none_or(untolerated))
        // NodeAffinity: the node now matches the pod's selector and did not before.
        || (rejected_by & NODE_AFFINITY != 0 && selected(node) && !old.is_some_and(selected))
        // NodeResourcesFit: the pod's requests fit the node's allocatable (an empty node).
        || (rejected_by & NODE_RESOURCES_FIT != 0
            && filter_node(pod, node, NodeLoad::default(), &[])
                .is_none_or(|r| r.plugin != NODE_RESOURCES_FIT))
        // VolumeBinding registers Node Add | UpdateNodeLabel without a hint.
        || rejected_by & VOLUME_BINDING != 0
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

    fn watch(&mut self, ev: &WatchEvent, api: &ApiServer, enqueue: &mut dyn FnMut(ObjectRef)) {
        let gone = ev.type_ == WatchEventType::Deleted;
        let moved = match &*ev.object {
            Object::Pod(pod) => {
                let key = ObjectRef::new(Kind::Pod, pod.metadata.ns(), &pod.metadata.name);
                self.cache_pod(&key, pod, gone);
                if !gone && wants_scheduling(pod) {
                    if self.queue.contains(&key) {
                        return;
                    }
                    self.queue.push(key);
                    true
                } else {
                    self.queue.remove(&key);
                    let was_assumed = self.assumed.remove(&key).is_some();
                    // NodeResourcesFit registers Pod/Delete: an assigned (or assumed) pod
                    // leaving frees room on its node (`isSchedulableAfterPodEvent`: Queue).
                    let frees = !pod.spec.node_name.as_deref().unwrap_or("").is_empty()
                        && (gone || pod.is_terminal());
                    (frees || was_assumed) && self.queue.unpark(NODE_RESOURCES_FIT, |_, _, _| true)
                }
            }
            Object::Node(node) => {
                let name = node.metadata.name.clone();
                // No default plugin registers Node/Delete.
                if gone {
                    self.nodes.remove(&name);
                    return;
                }
                let old = self.nodes.insert(name, ev.object.clone());
                let old = old
                    .as_deref()
                    .and_then(<Node as crate::objects::Typed>::from_object);
                self.node_event(node, old, api)
            }
            // VolumeBinding: a claim the pod uses was created or changed.
            Object::PersistentVolumeClaim(pvc) if !gone => {
                let (ns, name) = (pvc.metadata.ns(), pvc.metadata.name.as_str());
                self.queue.unpark(VOLUME_BINDING, |key, _, claims| {
                    key.namespace == ns && claims.iter().any(|c| c == name)
                })
            }
            // VolumeBinding: any PersistentVolume created or changed; a new StorageClass
            // (updates to a class can only change allowedTopologies, which no class here has).
            Object::PersistentVolume(_) if !gone => {
                self.queue.unpark(VOLUME_BINDING, |_, _, _| true)
            }
            Object::StorageClass(_) if ev.type_ == WatchEventType::Added => {
                self.queue.unpark(VOLUME_BINDING, |_, _, _| true)
            }
            _ => false,
        };
        if moved {
            enqueue(queue_key());
        }
    }

    fn handle(&mut self, key: &ObjectRef, _tag: u32, ctx: &mut Ctx<'_>) {
        if *key != queue_key() {
            return;
        }
        let now = ctx.now;
        if self.wake.is_some_and(|w| w <= now) {
            self.wake = None;
        }
        self.queue.flush_leftover(now);
        let mut next_wake = None;
        let mut more = false;
        if !self.queue.active.is_empty() {
            more = self.pass(now, &mut next_wake, ctx);
        }
        if let Some(due) = self.queue.flush_due() {
            next_wake = Some(next_wake.map_or(due, |w: Time| w.min(due)));
        }
        if more {
            ctx.requeue_after(queue_key(), 1);
        } else if let Some(at) = next_wake {
            if self.wake.is_none_or(|w| at < w) {
                self.wake = Some(at);
                ctx.wake_at(at, queue_key(), 1);
            }
        }
    }
}

impl Scheduler {
    /// One pass over the active and backoff queues, in arrival order: tries up to
    /// `PODS_PER_PASS` pods whose backoff is over. Returns whether more wait to be tried now;
    /// lowers `next_wake` to the end of the earliest backoff left.
    fn pass(&mut self, now: Time, next_wake: &mut Option<Time>, ctx: &mut Ctx<'_>) -> bool {
        let mut snapshot = Snapshot::take(ctx.api, &self.node_load, &self.assumed);
        let mut attempted = 0usize;
        // Entries pushed during the pass (none: the watch is not called during a handle)
        // would come after the cursor.
        let mut cursor = 0u64;
        while let Some((seq, pod_key, q)) = self.queue.next_active_from(cursor) {
            cursor = seq + 1;
            if now < q.not_before {
                *next_wake = Some(next_wake.map_or(q.not_before, |w: Time| w.min(q.not_before)));
                continue;
            }
            if attempted >= PODS_PER_PASS {
                return true;
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
            let claims = || super::volume::claims_of(&pod).map(str::to_string).collect();
            match self.schedule_one(&pod, &mut snapshot, ctx) {
                Outcome::Bound | Outcome::Waiting => {
                    self.queue.remove_seq(seq);
                }
                Outcome::AssumedWaiting => {
                    // Waits for its claims to be bound (PreBind): their events retry the bind.
                    self.queue.park(seq, now, VOLUME_BINDING, claims());
                }
                Outcome::Failed(rejected_by) => {
                    if let Some(q) = self.queue.park(seq, now, rejected_by, claims()) {
                        q.attempts = q.attempts.saturating_add(1);
                        let backoff = INITIAL_BACKOFF_MS
                            .saturating_mul(1u64 << (q.attempts - 1).min(20))
                            .min(MAX_BACKOFF_MS);
                        q.not_before = now.plus_ms(backoff);
                    }
                }
            }
        }
        false
    }
}

enum Outcome {
    Bound,
    /// Assumed on a node; waiting for its WaitForFirstConsumer claims to bind.
    AssumedWaiting,
    /// Left the queue for another reason (already bound meanwhile).
    Waiting,
    /// Unschedulable; the plugins that rejected it.
    Failed(Plugins),
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
    /// The Filter plugin that rejected the node.
    plugin: Plugins,
}

/// `v1helper.TolerationsTolerateTaint` over a pod's tolerations.
fn tolerated(taint: &Taint, tolerations: &[Toleration]) -> bool {
    tolerations.iter().any(|t| taint.tolerated_by(t))
}

/// TaintToleration: the node's first NoSchedule/NoExecute taint the pod does not tolerate.
fn untolerated_taint<'n>(pod: &Pod, node: &'n Node) -> Option<&'n Taint> {
    node.spec.taints.iter().find(|t| {
        (t.effect == "NoSchedule" || t.effect == "NoExecute")
            && !tolerated(t, &pod.spec.tolerations)
    })
}

/// NodeAffinity: the node has every label of the pod's nodeSelector (required nodeAffinity
/// terms are not interpreted).
fn selector_matches(pod: &Pod, node: &Node) -> bool {
    pod.spec
        .node_selector
        .iter()
        .all(|(k, v)| node.metadata.labels.get(k) == Some(v))
}

fn filter_node(
    pod: &Pod,
    node: &Node,
    load: NodeLoad,
    bound_pv_affinity: &[(String, Vec<String>)],
) -> Option<Rejection> {
    let unresolvable = |plugin: Plugins, reason: String| {
        Some(Rejection {
            reason,
            resolvable: false,
            plugin,
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
            return unresolvable(NODE_UNSCHEDULABLE, "node(s) were unschedulable".into());
        }
    }
    // TaintToleration
    if let Some(t) = untolerated_taint(pod, node) {
        return unresolvable(
            TAINT_TOLERATION,
            format!(
                "node(s) had untolerated taint {{{}: {}}}",
                t.key,
                t.value.as_deref().unwrap_or("")
            ),
        );
    }
    // NodeAffinity
    if !selector_matches(pod, node) {
        return unresolvable(
            NODE_AFFINITY,
            "node(s) didn't match Pod's node affinity/selector".into(),
        );
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
            plugin: NODE_RESOURCES_FIT,
        });
    }
    // VolumeBinding: bound PVs with node affinity.
    for (_pv, nodes) in bound_pv_affinity {
        if !nodes.contains(&node.metadata.name) {
            return unresolvable(
                VOLUME_BINDING,
                "node(s) had volume node affinity conflict".into(),
            );
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
            return Outcome::Failed(VOLUME_BINDING);
        }
        let mut rejected_by: Plugins = 0;
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
                    rejected_by |= r.plugin;
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
            return Outcome::Failed(rejected_by);
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
