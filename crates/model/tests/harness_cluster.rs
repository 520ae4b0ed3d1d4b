//! Randomized invariant harness over the whole cluster: the StatefulSet controller, the
//! garbage collector and the real node agents (scheduler, volume controllers, kubelets,
//! endpoints, node lifecycle), driven from the tutorial's `www/manifests/web.yaml`.
//!
//! Each seed generates a list of operations up front (a pure function of the seed, so the
//! seed alone replays a failure; the list is printed too): create/apply variations of the
//! Service + StatefulSet, scale, image changes (some to an image that does not exist), partition
//! and strategy changes, pod deletion (graceful and forced), set deletion with each propagation
//! policy, node down/up, readiness faults, container kills, PVC loss and deletion, slow image
//! pulls, and time advances. Invariants are checked after every operation against the watch log
//! (every event, not just the end state), the reason log and the kubelets' runtimes:
//!
//! - at most one running container per identity (`web-N`) across nodes, unless the user force
//!   deleted an incarnation (statefulset-semantics §3.4, at-most-one);
//! - OrderedReady: a pod is created only while every lower ordinal in range is Running, Ready,
//!   Available (minReadySeconds) and not terminating — judged from the state at that event;
//! - every pod deletion is explained (the user, a StatefulSet decision, the GC, an eviction),
//!   and no update deletion below the partition or under OnDelete;
//! - claims are named `www-web-<ordinal>` and only deleted by the user or by the GC once every
//!   owner (retention policy ownerRefs) is gone or being deleted;
//! - status counts equal what the pods say once the system has been quiet for a while;
//! - DNS: every `<pod>.nginx` record is for a Ready, non-terminating pod at its current IP, and
//!   every such pod has its record (both up to the endpoints' propagation latency);
//! - each volume attached to (and mounted by running containers on) at most one node;
//! - no spin, a bounded object count;
//! - after the faults stop and the user repairs what only a user can (rollback of an unknown
//!   image — lifting the partition when the current revision carries it — and deletion of the
//!   stuck pod, §2.6; deletion of lost claims), convergence to
//!   `replicas` pods Running and Ready at the update revision (per strategy and partition).
//!
//! Each seed runs twice and the `event_log_hash`es are compared.
//!
//! `cargo test --release -p ordinal-model --test harness_cluster -- --ignored` runs
//! 1 000 × `ORDINAL_HEAVY_SCALE` seeds × 200 operations on all cores (seeds are independent).
//! `ORDINAL_HARNESS_SEED=<n>` (with `ORDINAL_HARNESS_OPS`) replays one seed; `ORDINAL_HARNESS_DUMP=<n>`
//! prints the last n reasons, the pods and the set on failure; `ORDINAL_HARNESS_STATS=1` tallies
//! accepted/refused inputs per operation; `ORDINAL_HARNESS_SEEDS`, `_FIRST_SEED`, `_THREADS` size a sweep.

mod harness_cluster_support;

use harness_cluster_support::parse_manifest;
use ordinal_model::api::{DeleteOptions, Propagation, WatchEventType};
use ordinal_model::controllers::gc::GcReason;
use ordinal_model::controllers::kubelet::{attached_volume_name, MountSource};
use ordinal_model::controllers::nodelifecycle::NodeLifecycleReason;
use ordinal_model::controllers::statefulset::StsReason;
use ordinal_model::dns::{self, RecordType};
use ordinal_model::objects::{ControllerRevision, Node, PersistentVolumeClaim, Pod, StatefulSet};
use ordinal_model::reason::Reason;
use ordinal_model::rng::Rng;
use ordinal_model::{Cluster, Fault, Input, Kind, Object, PatchType, Profile, Time};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

const WEB_YAML: &str = include_str!("../../../www/manifests/web.yaml");

const NS: &str = "default";
const WORKERS: [&str; 3] = ["worker-1", "worker-2", "worker-3"];
/// Tags the simulated registry has (`images::lookup`).
const KNOWN_IMAGES: [&str; 4] = [
    "registry.k8s.io/nginx-slim:0.8",
    "registry.k8s.io/nginx-slim:0.7",
    "registry.k8s.io/nginx-slim:0.21",
    "registry.k8s.io/nginx-slim:0.24",
];
/// Not in the registry: pulls fail, ErrImagePull → ImagePullBackOff.
const UNKNOWN_IMAGE: &str = "registry.k8s.io/nginx-slim:0.99";
const DNS_SUFFIX: &str = ".nginx.default.svc.cluster.local";
/// How long after a pod's last change its DNS records may still lag (endpoints controller
/// latency + slice write + a margin).
const DNS_LAG_MS: u64 = 1_000;
/// How long without any pod/set/claim write before the set's status must match its pods.
const QUIET_MS: u64 = 3_000;
/// The model's StatefulSet controller has no periodic informer resync (a documented choice in
/// `controllers/statefulset/mod.rs`; statefulset-semantics §2.1 lists a 30 s resync). Upstream's
/// resync unsticks a set whose `minReadySeconds` requeue was skipped (sync errors, or
/// availableReplicas already equal to replicas). During the repair phase only, the harness
/// stands in for it by touching the set's annotations every 30 s.
const KNOWN_NO_RESYNC: bool = false;
/// Upper bound on live API objects (bootstrap ≈ 30, a set of ≤ 8 pods with claims, volumes,
/// revisions, slices and aggregated Events).
const MAX_OBJECTS: usize = 2_000;

// ---- operations ----------------------------------------------------------------------------

/// The set's shape when created (or re-applied).
#[derive(Debug, Clone)]
struct Variant {
    replicas: i32,
    parallel: bool,
    on_delete: bool,
    partition: Option<i32>,
    min_ready: i32,
    retention: Option<(&'static str, &'static str)>,
    start: Option<i32>,
    probe: bool,
    image: &'static str,
}

#[derive(Debug, Clone)]
enum Op {
    /// Create the Service and the StatefulSet, or (when the set exists) merge-patch its spec to
    /// the variant, sometimes including an immutable field (the apiserver must refuse it).
    Apply {
        v: Variant,
        keep_policy: bool,
    },
    Scale(i32),
    Image(&'static str),
    Partition(Option<i32>),
    OnDelete,
    RollingUpdate(Option<i32>),
    MinReady(i32),
    Retention(&'static str, &'static str),
    OrdinalsStart(i32),
    Probe(bool),
    DeletePod {
        pick: i64,
        force: bool,
    },
    DeleteSet(Propagation),
    NodeDown(usize),
    NodeUp(usize),
    PodUnready(i64),
    PodReady(i64),
    KillContainer {
        pick: i64,
        exit_code: i32,
    },
    LosePvc(i64),
    DeletePvc(i64),
    SlowPull {
        image: &'static str,
        seconds: u32,
    },
    Wait,
}

impl Op {
    fn kind(&self) -> &'static str {
        match self {
            Op::Apply { .. } => "Apply",
            Op::Scale(_) => "Scale",
            Op::Image(_) => "Image",
            Op::Partition(_) => "Partition",
            Op::OnDelete => "OnDelete",
            Op::RollingUpdate(_) => "RollingUpdate",
            Op::MinReady(_) => "MinReady",
            Op::Retention(..) => "Retention",
            Op::OrdinalsStart(_) => "OrdinalsStart",
            Op::Probe(_) => "Probe",
            Op::DeletePod { force: false, .. } => "DeletePod",
            Op::DeletePod { force: true, .. } => "ForceDeletePod",
            Op::DeleteSet(_) => "DeleteSet",
            Op::NodeDown(_) => "NodeDown",
            Op::NodeUp(_) => "NodeUp",
            Op::PodUnready(_) => "PodUnready",
            Op::PodReady(_) => "PodReady",
            Op::KillContainer { .. } => "KillContainer",
            Op::LosePvc(_) => "LosePvc",
            Op::DeletePvc(_) => "DeletePvc",
            Op::SlowPull { .. } => "SlowPull",
            Op::Wait => "Wait",
        }
    }
}

#[derive(Debug, Clone)]
struct Step {
    op: Op,
    /// Virtual time run after the operation.
    advance_ms: u64,
}

fn choose<T: Copy>(rng: &mut Rng, xs: &[T]) -> T {
    xs[rng.below(xs.len() as u64) as usize]
}

fn gen_image(rng: &mut Rng) -> &'static str {
    if rng.below(6) == 0 {
        UNKNOWN_IMAGE
    } else {
        choose(rng, &KNOWN_IMAGES)
    }
}

fn gen_retention(rng: &mut Rng) -> (&'static str, &'static str) {
    (
        choose(rng, &["Retain", "Delete"]),
        choose(rng, &["Retain", "Delete"]),
    )
}

fn gen_variant(rng: &mut Rng) -> Variant {
    let on_delete = rng.below(5) == 0;
    Variant {
        replicas: rng.below(7) as i32,
        parallel: rng.below(2) == 0,
        on_delete,
        partition: (!on_delete && rng.below(3) == 0).then(|| rng.below(6) as i32),
        min_ready: choose(rng, &[0, 0, 5]),
        retention: (rng.below(2) == 0).then(|| gen_retention(rng)),
        start: (rng.below(4) == 0).then(|| rng.below(3) as i32),
        probe: rng.below(2) == 0,
        image: if rng.below(8) == 0 {
            UNKNOWN_IMAGE
        } else {
            choose(rng, &KNOWN_IMAGES)
        },
    }
}

fn gen_op(rng: &mut Rng) -> Op {
    let pick = rng.below(8) as i64;
    match rng.below(100) {
        0..=7 => Op::Apply {
            v: gen_variant(rng),
            keep_policy: rng.below(4) != 0,
        },
        8..=19 => Op::Scale(rng.below(7) as i32),
        20..=27 => Op::Image(gen_image(rng)),
        28..=31 => Op::Partition((rng.below(4) != 0).then(|| rng.below(7) as i32)),
        32..=33 => Op::OnDelete,
        34..=35 => Op::RollingUpdate((rng.below(2) == 0).then(|| rng.below(7) as i32)),
        36..=37 => Op::MinReady(choose(rng, &[0, 5])),
        38..=39 => {
            let (d, s) = gen_retention(rng);
            Op::Retention(d, s)
        }
        40..=41 => Op::OrdinalsStart(rng.below(3) as i32),
        42..=43 => Op::Probe(rng.below(2) == 0),
        44..=51 => Op::DeletePod { pick, force: false },
        52..=54 => Op::DeletePod { pick, force: true },
        55..=58 => Op::DeleteSet(choose(
            rng,
            &[
                Propagation::Background,
                Propagation::Foreground,
                Propagation::Orphan,
            ],
        )),
        59..=62 => Op::NodeDown(rng.below(3) as usize),
        63..=67 => Op::NodeUp(rng.below(3) as usize),
        68..=72 => Op::PodUnready(pick),
        73..=76 => Op::PodReady(pick),
        77..=81 => Op::KillContainer {
            pick,
            exit_code: choose(rng, &[0, 1, 137]),
        },
        82..=83 => Op::LosePvc(pick),
        84..=85 => Op::DeletePvc(pick),
        86..=87 => Op::SlowPull {
            image: gen_image(rng),
            seconds: choose(rng, &[0, 20, 90]),
        },
        _ => Op::Wait,
    }
}

/// The operations of one seed: a pure function of the seed (the state never steers them).
fn gen_steps(seed: u64, n: usize) -> Vec<Step> {
    let mut rng = Rng::new(seed ^ 0x4841_524E_4553_5321);
    let mut steps = vec![Step {
        op: Op::Apply {
            v: gen_variant(&mut rng),
            keep_policy: true,
        },
        advance_ms: 1_000,
    }];
    while steps.len() < n {
        let op = gen_op(&mut rng);
        // Mostly short pauses (operations land mid-transition), sometimes long waits.
        let advance_ms = if matches!(op, Op::Wait) || rng.below(3) == 0 {
            rng.between(100, 60_000)
        } else {
            rng.between(0, 2_500)
        };
        steps.push(Step { op, advance_ms });
    }
    steps
}

// ---- manifests -----------------------------------------------------------------------------

fn web_docs() -> (Value, Value) {
    let docs = parse_manifest(WEB_YAML).expect("web.yaml parses");
    assert_eq!(docs.len(), 2, "web.yaml: Service + StatefulSet");
    let mut svc = docs[0].clone();
    let mut set = docs[1].clone();
    svc["metadata"]["namespace"] = json!(NS);
    set["metadata"]["namespace"] = json!(NS);
    (svc, set)
}

/// A readiness probe that passes while nginx listens. (An httpGet on `/` would fail for real:
/// the claim mounted over the html directory starts empty, so nginx answers 403 until someone
/// writes an index.html — the probe faults model readiness changes instead.)
fn probe_json() -> Value {
    json!({"tcpSocket": {"port": 80}, "periodSeconds": 2})
}

fn strategy_json(on_delete: bool, partition: Option<i32>) -> Value {
    if on_delete {
        json!({"type": "OnDelete", "rollingUpdate": null})
    } else {
        match partition {
            Some(p) => json!({"type": "RollingUpdate", "rollingUpdate": {"partition": p}}),
            None => json!({"type": "RollingUpdate", "rollingUpdate": null}),
        }
    }
}

/// web.yaml's StatefulSet with the variant applied.
fn set_json(base: &Value, v: &Variant) -> Value {
    let mut s = base.clone();
    let spec = &mut s["spec"];
    spec["replicas"] = json!(v.replicas);
    spec["podManagementPolicy"] = json!(if v.parallel {
        "Parallel"
    } else {
        "OrderedReady"
    });
    spec["updateStrategy"] = strategy_json(v.on_delete, v.partition);
    spec["minReadySeconds"] = json!(v.min_ready);
    if let Some((d, sc)) = v.retention {
        spec["persistentVolumeClaimRetentionPolicy"] = json!({"whenDeleted": d, "whenScaled": sc});
    }
    if let Some(start) = v.start {
        spec["ordinals"] = json!({ "start": start });
    }
    let c = &mut spec["template"]["spec"]["containers"][0];
    c["image"] = json!(v.image);
    if v.probe {
        c["readinessProbe"] = probe_json();
    }
    s
}

// ---- the checker ---------------------------------------------------------------------------

fn ordinal_of(name: &str) -> Option<i64> {
    let n = name.strip_prefix("web-")?;
    if n.is_empty() || (n.len() > 1 && n.starts_with('0')) {
        return None;
    }
    n.parse().ok()
}

/// The pod's controllerRef points at this incarnation of the set.
fn owned_by(p: &Pod, set: &StatefulSet) -> bool {
    p.metadata
        .controller_ref()
        .is_some_and(|r| r.uid == set.metadata.uid)
}

fn as_pod(o: &Object) -> Option<&Pod> {
    match o {
        Object::Pod(p) => Some(p),
        _ => None,
    }
}

fn as_set(o: &Object) -> Option<&StatefulSet> {
    match o {
        Object::StatefulSet(s) => Some(s),
        _ => None,
    }
}

/// What the checker remembers between steps, replayed from the watch log.
#[derive(Default)]
struct Checker {
    seed: u64,
    step: usize,
    rv: u64,
    reason_seq: u64,
    pods: BTreeMap<String, Arc<Object>>,
    /// Last watch event of each pod name (creation, change or removal).
    pod_changed_at: BTreeMap<String, Time>,
    set: Option<Arc<Object>>,
    claims: BTreeMap<String, Arc<Object>>,
    /// Last pod/set/claim write.
    last_activity: Time,
    /// Pod uids the user force-deleted: their containers may outlive the API object
    /// (at-most-one is waived for them, §3.4).
    force_deleted: BTreeSet<String>,
    /// This step's user deletions.
    user_deleted_pods: BTreeSet<String>,
    user_deleted_claims: BTreeSet<String>,
}

macro_rules! fail {
    ($chk:expr, $($arg:tt)*) => {
        panic!("seed {} step {}: {}", $chk.seed, $chk.step, format!($($arg)*))
    };
}

impl Checker {
    fn set(&self) -> Option<&StatefulSet> {
        self.set.as_deref().and_then(as_set)
    }

    fn live_owner(&self, kind: &str, name: &str, uid: &str) -> bool {
        let obj = match kind {
            "StatefulSet" => self.set.as_deref(),
            "Pod" => self.pods.get(name).map(|o| &**o),
            _ => return false,
        };
        obj.is_some_and(|o| {
            let m = o.meta();
            m.name == name && m.uid == uid && m.deletion_timestamp.is_none()
        })
    }

    /// Everything that happened during the step, event by event.
    fn check_log(&mut self, c: &Cluster) {
        // Deletions the controllers explain in the reason log.
        let mut explained: BTreeSet<String> = BTreeSet::new();
        let mut for_update: BTreeMap<String, i32> = BTreeMap::new();
        for r in c.reasons().since(self.reason_seq) {
            if r.object.kind != Kind::Pod {
                continue;
            }
            let pod = r.object.name.clone();
            match &r.reason {
                Reason::StatefulSet(StsReason::DeletedOutdatedRevision { partition, .. }) => {
                    let o = ordinal_of(&pod).unwrap_or(-1);
                    if o < i64::from(*partition) {
                        fail!(self, "{pod} deleted for update below partition {partition}");
                    }
                    for_update.insert(pod, *partition);
                }
                Reason::StatefulSet(
                    StsReason::DeletedCondemned { .. } | StsReason::DeletedFailedPod { .. },
                )
                | Reason::GarbageCollector(GcReason::DeletedDependent { .. })
                | Reason::NodeLifecycle(NodeLifecycleReason::Evicted { .. }) => {
                    explained.insert(pod);
                }
                _ => {}
            }
        }
        self.reason_seq = c.reasons().next_seq();

        let evs: Vec<_> = match c.api.events_since(self.rv) {
            Ok(it) => it.cloned().collect(),
            Err(e) => fail!(self, "watch log overflowed within one step: {}", e.message),
        };
        for ev in evs {
            self.rv = ev.rv;
            let deleted = ev.type_ == WatchEventType::Deleted;
            match &*ev.object {
                Object::StatefulSet(s) if s.metadata.name == "web" => {
                    self.last_activity = ev.at;
                    self.set = (!deleted).then(|| ev.object.clone());
                }
                Object::Pod(p) if p.metadata.namespace.as_deref() == Some(NS) => {
                    let name = p.metadata.name.clone();
                    self.last_activity = ev.at;
                    self.pod_changed_at.insert(name.clone(), ev.at);
                    let prev_deleting = self.pods.get(&name).is_some_and(|o| {
                        o.meta().deletion_timestamp.is_some() && o.meta().uid == p.metadata.uid
                    });
                    let deleting_now = deleted || p.metadata.deletion_timestamp.is_some();
                    if deleting_now && !prev_deleting {
                        self.check_pod_deletion(p, &explained, &for_update);
                    }
                    if ev.type_ == WatchEventType::Added {
                        self.check_ordered_creation(p, ev.at);
                    }
                    if deleted {
                        self.pods.remove(&name);
                    } else {
                        self.pods.insert(name, ev.object.clone());
                    }
                }
                Object::PersistentVolumeClaim(pvc) => {
                    let name = pvc.metadata.name.clone();
                    self.last_activity = ev.at;
                    let ok = name
                        .strip_prefix("www-")
                        .and_then(ordinal_of)
                        .is_some_and(|o| o >= 0);
                    if !ok {
                        fail!(self, "claim {name} is not named www-web-<ordinal>");
                    }
                    let prev_deleting = self.claims.get(&name).is_some_and(|o| {
                        o.meta().deletion_timestamp.is_some() && o.meta().uid == pvc.metadata.uid
                    });
                    let deleting_now = deleted || pvc.metadata.deletion_timestamp.is_some();
                    if deleting_now && !prev_deleting {
                        self.check_claim_deletion(pvc);
                    }
                    if deleted {
                        self.claims.remove(&name);
                    } else {
                        self.claims.insert(name, ev.object.clone());
                    }
                }
                _ => {}
            }
        }
        self.user_deleted_pods.clear();
        self.user_deleted_claims.clear();
    }

    fn check_pod_deletion(
        &self,
        p: &Pod,
        explained: &BTreeSet<String>,
        for_update: &BTreeMap<String, i32>,
    ) {
        let name = &p.metadata.name;
        if self.user_deleted_pods.contains(name) || explained.contains(name) {
            return;
        }
        if !for_update.contains_key(name) {
            fail!(self, "{name} ({}) deleted with no reason", p.metadata.uid);
        }
        // Deleted only to update it: the set's strategy at that moment must allow it.
        let Some(set) = self.set() else {
            fail!(self, "{name} deleted for update with no set");
        };
        if set.is_on_delete() {
            fail!(self, "{name} deleted for update under OnDelete");
        }
        // `rollingUpdateStatefulSet` walks replica *indices* (ordinal - ordinals.start) down to
        // the partition.
        let index = ordinal_of(name).unwrap_or(-1) - i64::from(set.ordinal_start());
        let partition = i64::from(set.partition().unwrap_or(0));
        if index < partition {
            fail!(
                self,
                "{name} (index {index}) deleted for update below partition {partition}"
            );
        }
    }

    fn check_claim_deletion(&self, pvc: &PersistentVolumeClaim) {
        let name = &pvc.metadata.name;
        if self.user_deleted_claims.contains(name) {
            return;
        }
        let refs = &pvc.metadata.owner_references;
        if refs.is_empty() {
            fail!(
                self,
                "claim {name} deleted without a retention-policy ownerRef"
            );
        }
        let ord = name.strip_prefix("www-").and_then(ordinal_of);
        for r in refs {
            let expected = match r.kind.as_str() {
                "StatefulSet" => r.name == "web",
                "Pod" => ordinal_of(&r.name) == ord,
                _ => false,
            };
            if !expected {
                fail!(self, "claim {name} owned by {} {}", r.kind, r.name);
            }
            if self.live_owner(&r.kind, &r.name, &r.uid) {
                fail!(
                    self,
                    "claim {name} deleted while its owner {} {} is alive",
                    r.kind,
                    r.name
                );
            }
        }
    }

    /// OrderedReady: pod i is created only when every in-range pod below it is Running, Ready,
    /// available for minReadySeconds and not terminating (`processReplica`, monotonic).
    fn check_ordered_creation(&self, p: &Pod, at: Time) {
        let Some(set) = self.set() else { return };
        if set.is_parallel() || set.metadata.deletion_timestamp.is_some() {
            return;
        }
        if !owned_by(p, set) {
            return;
        }
        let Some(i) = ordinal_of(&p.metadata.name) else {
            fail!(self, "set created a pod named {}", p.metadata.name);
        };
        let min_ready = set.min_ready_seconds();
        for j in i64::from(set.ordinal_start())..i {
            let name = format!("web-{j}");
            let ok = self
                .pods
                .get(&name)
                .and_then(|o| as_pod(o))
                .is_some_and(|q| {
                    q.is_running_and_ready()
                        && q.is_available(min_ready, at)
                        && q.metadata.deletion_timestamp.is_none()
                });
            if !ok {
                fail!(
                    self,
                    "web-{i} created while {name} was not Running, Ready and Available"
                );
            }
        }
    }

    /// Checks that hold at any instant.
    fn check_state(&mut self, c: &Cluster) {
        let now = c.now();
        if c.spin_detected {
            fail!(self, "a controller spun");
        }
        if c.api.object_count() > MAX_OBJECTS {
            fail!(self, "{} objects", c.api.object_count());
        }
        let pods: BTreeMap<&str, &Pod> = c
            .api
            .list::<Pod>(Some(NS))
            .map(|p| (p.metadata.name.as_str(), p))
            .collect();

        // Identity labels of owned pods.
        for (name, p) in &pods {
            if let Some(r) = p.metadata.controller_ref() {
                if r.kind != "StatefulSet" || r.name != "web" {
                    fail!(self, "{name} controlled by {} {}", r.kind, r.name);
                }
                if p.metadata
                    .labels
                    .get("statefulset.kubernetes.io/pod-name")
                    .map(String::as_str)
                    != Some(*name)
                {
                    fail!(self, "{name} lacks its pod-name label");
                }
            }
        }

        // At most one running container per identity, one node per mounted volume.
        let mut running: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
        let mut mounted: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (ns, name, rt) in c.kubelet.runtimes() {
            if ns != NS || self.force_deleted.contains(&rt.uid) {
                continue;
            }
            if !rt.containers.iter().any(|x| x.is_running()) {
                continue;
            }
            running
                .entry(name)
                .or_default()
                .push((rt.node.as_str(), rt.uid.as_str()));
            for src in rt.volumes.values() {
                if let MountSource::Pv(pv) = src {
                    mounted
                        .entry(pv.as_str())
                        .or_default()
                        .insert(rt.node.as_str());
                }
            }
        }
        for (name, incarnations) in &running {
            if incarnations.len() > 1 {
                fail!(self, "{name} runs {incarnations:?} at once");
            }
        }
        for (pv, nodes) in &mounted {
            if nodes.len() > 1 {
                fail!(self, "volume {pv} mounted on {nodes:?} at once");
            }
        }
        let mut attached: BTreeMap<String, String> = BTreeMap::new();
        for n in c.api.list::<Node>(None) {
            for v in n
                .status
                .extra
                .get("volumesAttached")
                .and_then(|v| v.as_array())
                .into_iter()
                .flatten()
            {
                let name = v["name"].as_str().unwrap_or("").to_string();
                if let Some(other) = attached.insert(name.clone(), n.metadata.name.clone()) {
                    fail!(self, "{name} attached to {other} and {}", n.metadata.name);
                }
            }
        }
        for (pv, node) in c.volume.attachments() {
            if attached.get(&attached_volume_name(pv)) != Some(node) {
                fail!(
                    self,
                    "attach/detach controller has {pv} on {node}; node status says {:?}",
                    attached.get(&attached_volume_name(pv))
                );
            }
        }

        // DNS, both ways, up to the propagation latency.
        let settled = |name: &str| {
            self.pod_changed_at
                .get(name)
                .is_none_or(|t| t.plus_ms(DNS_LAG_MS) <= now)
        };
        let mut records: BTreeSet<(String, String)> = BTreeSet::new();
        for r in dns::records(&c.api) {
            if r.type_ != RecordType::A {
                continue;
            }
            let Some(host) = r.name.strip_suffix(DNS_SUFFIX) else {
                continue;
            };
            records.insert((host.to_string(), r.value.clone()));
            if !settled(host) {
                continue;
            }
            let Some(p) = pods.get(host) else {
                fail!(
                    self,
                    "DNS {} → {} for a pod that does not exist",
                    r.name,
                    r.value
                );
            };
            if !p.is_ready() || p.metadata.deletion_timestamp.is_some() {
                fail!(
                    self,
                    "DNS {} for {host} which is not Ready or is terminating",
                    r.name
                );
            }
            if p.status.pod_ip.as_deref() != Some(r.value.as_str()) {
                fail!(
                    self,
                    "DNS {} → {} but {host} has IP {:?}",
                    r.name,
                    r.value,
                    p.status.pod_ip
                );
            }
        }
        for (name, p) in &pods {
            let serving = p.is_ready()
                && p.metadata.deletion_timestamp.is_none()
                && p.spec.subdomain.as_deref() == Some("nginx")
                && p.spec.hostname.as_deref() == Some(*name)
                && p.metadata.labels.get("app").map(String::as_str) == Some("nginx");
            if !serving || !settled(name) {
                continue;
            }
            let Some(ip) = p.status.pod_ip.clone() else {
                continue;
            };
            if !records.contains(&(name.to_string(), ip.clone())) {
                fail!(self, "{name} is Ready at {ip} but has no DNS record");
            }
        }

        // The set's status.
        if let Some(s) = c.api.get::<StatefulSet>(NS, "web") {
            let st = &s.status;
            if st.observed_generation.unwrap_or(0) > s.metadata.generation
                || st.ready_replicas > st.replicas
                || st.available_replicas > st.ready_replicas
                || st.current_replicas > st.replicas
                || st.updated_replicas > st.replicas
            {
                fail!(self, "inconsistent status {st:?}");
            }
            let quiet = self.last_activity.plus_ms(QUIET_MS) <= now;
            if quiet
                && s.metadata.deletion_timestamp.is_none()
                && st.observed_generation == Some(s.metadata.generation)
            {
                self.check_status_matches_pods(s, &pods, now);
            }
        }
    }

    /// `computeReplicaStatus` over the set's pods, compared with what the controller wrote.
    fn check_status_matches_pods(&self, s: &StatefulSet, pods: &BTreeMap<&str, &Pod>, now: Time) {
        let min_ready = s.min_ready_seconds();
        let (mut replicas, mut ready, mut available, mut current, mut updated) = (0, 0, 0, 0, 0);
        for p in pods.values() {
            if !owned_by(p, s) {
                continue;
            }
            replicas += 1;
            if p.is_running_and_ready() {
                ready += 1;
                if p.is_available(min_ready, now) {
                    available += 1;
                }
            }
            if p.metadata.deletion_timestamp.is_none() {
                let rev = p.metadata.labels.get("controller-revision-hash");
                if rev == Some(&s.status.current_revision) {
                    current += 1;
                }
                if rev == Some(&s.status.update_revision) {
                    updated += 1;
                }
            }
        }
        let st = &s.status;
        let got = (
            st.replicas,
            st.ready_replicas,
            st.available_replicas,
            st.current_replicas,
            st.updated_replicas,
        );
        let want = (replicas, ready, available, current, updated);
        // availableReplicas depends on time: with minReadySeconds the controller notices a pod
        // becoming available on a later sync — its requeue after minReadySeconds, which upstream
        // skips while syncs fail (error back-off, up to 1000 s) and when availableReplicas already
        // equals replicas (see `min_ready_seconds_stall_resolves_like_upstream`). So with
        // minReadySeconds only "not more than the pods say" is an invariant.
        let available_ok = if min_ready == 0 {
            st.available_replicas == available
        } else {
            st.available_replicas <= available
        };
        let others = |t: (i32, i32, i32, i32, i32)| (t.0, t.1, t.3, t.4);
        if others(got) != others(want) || !available_ok {
            fail!(
                self,
                "at {now:?} (last write {:?}): quiet set: status (replicas, ready, available, current, updated) = {got:?}, pods say {want:?}", self.last_activity
            );
        }
    }
}

// ---- the driver ----------------------------------------------------------------------------

#[derive(Default, Debug)]
struct Tally {
    accepted: u32,
    refused: u32,
    first_error: String,
}

struct Run {
    c: Cluster,
    /// The current operation's kind, and what the API said to each kind's inputs.
    label: &'static str,
    stats: BTreeMap<&'static str, Tally>,
    chk: Checker,
    svc: Value,
    base: Value,
    /// The variant last created, for the final repair.
    last_variant: Option<Variant>,
}

fn patch(kind: Kind, name: &str, patch: Value) -> Input {
    Input::Patch {
        kind,
        namespace: NS.into(),
        name: name.into(),
        patch_type: PatchType::Merge,
        patch,
    }
}

fn fault(f: Fault) -> Input {
    Input::Fault(f)
}

impl Run {
    fn new(seed: u64) -> Run {
        let (svc, base) = web_docs();
        Run {
            c: Cluster::new(Profile::default(), seed),
            label: "setup",
            stats: BTreeMap::new(),
            chk: Checker {
                seed,
                ..Default::default()
            },
            svc,
            base,
            last_variant: None,
        }
    }

    fn set(&self) -> Option<&StatefulSet> {
        self.c.api.get::<StatefulSet>(NS, "web")
    }

    fn set_live(&self) -> bool {
        self.set()
            .is_some_and(|s| s.metadata.deletion_timestamp.is_none())
    }

    /// Targets of pod operations: `pick` indexes the pods that exist (sorted by name, modulo
    /// their number), so that faults mostly land; with no pods, `web-<pick>`.
    fn pod_name(&self, pick: i64) -> String {
        let names: Vec<&str> = self
            .c
            .api
            .list::<Pod>(Some(NS))
            .map(|p| p.metadata.name.as_str())
            .collect();
        if names.is_empty() {
            format!("web-{pick}")
        } else {
            names[pick as usize % names.len()].to_string()
        }
    }

    /// Like `pod_name` over the claims.
    fn claim_name(&self, pick: i64) -> String {
        let names: Vec<&str> = self
            .c
            .api
            .list::<PersistentVolumeClaim>(Some(NS))
            .map(|c| c.metadata.name.as_str())
            .collect();
        if names.is_empty() {
            format!("www-web-{pick}")
        } else {
            names[pick as usize % names.len()].to_string()
        }
    }

    /// Applies an input, tallying accepted/refused per operation kind (`ORDINAL_HARNESS_STATS`).
    fn submit(&mut self, input: Input) -> bool {
        let r = self.c.apply(input);
        let t = self.stats.entry(self.label).or_default();
        match r {
            Ok(_) => {
                t.accepted += 1;
                true
            }
            Err(err) => {
                t.refused += 1;
                if t.first_error.is_empty() {
                    t.first_error = err.message;
                }
                false
            }
        }
    }

    fn patch_spec(&mut self, spec: Value) {
        if self.set_live() {
            self.submit(patch(Kind::StatefulSet, "web", json!({ "spec": spec })));
        }
    }

    fn create(&mut self, v: &Variant) {
        if self
            .c
            .api
            .get::<ordinal_model::objects::Service>(NS, "nginx")
            .is_none()
        {
            self.submit(Input::Create {
                object: self.svc.clone(),
            });
        }
        if let Err(e) = self.c.apply(Input::Create {
            object: set_json(&self.base, v),
        }) {
            fail!(self.chk, "creating {v:?} failed: {}", e.message);
        }
        self.last_variant = Some(v.clone());
    }

    fn delete_pod(&mut self, name: &str, force: bool) {
        let Some(uid) = self
            .c
            .api
            .get::<Pod>(NS, name)
            .map(|p| p.metadata.uid.clone())
        else {
            return;
        };
        let options = DeleteOptions {
            grace_period_seconds: force.then_some(0),
            ..Default::default()
        };
        let r = self.submit(Input::Delete {
            kind: Kind::Pod,
            namespace: NS.into(),
            name: name.into(),
            options,
        });
        if r {
            self.chk.user_deleted_pods.insert(name.to_string());
            if force {
                self.chk.force_deleted.insert(uid);
            }
        }
    }

    fn delete_claim(&mut self, name: &str) {
        let r = self.submit(Input::Delete {
            kind: Kind::PersistentVolumeClaim,
            namespace: NS.into(),
            name: name.into(),
            options: Default::default(),
        });
        if r {
            self.chk.user_deleted_claims.insert(name.to_string());
        }
    }

    fn apply_op(&mut self, op: &Op) {
        self.label = op.kind();
        match op {
            Op::Apply { v, keep_policy } => {
                if self.set().is_none() {
                    self.create(v);
                } else if self.set_live() {
                    let mut full = set_json(&self.base, v)["spec"].clone();
                    if let Some(obj) = full.as_object_mut() {
                        // Merge-patch semantics: fields the variant leaves out are removed.
                        for k in ["persistentVolumeClaimRetentionPolicy", "ordinals"] {
                            obj.entry(k).or_insert(Value::Null);
                        }
                        if *keep_policy {
                            obj.remove("podManagementPolicy");
                        }
                    }
                    if !v.probe {
                        full["template"]["spec"]["containers"][0]["readinessProbe"] = Value::Null;
                    }
                    self.patch_spec(full);
                }
            }
            Op::Scale(n) => self.patch_spec(json!({ "replicas": n })),
            Op::Image(image) => self.patch_spec(json!({"template": {"spec": {"containers": [
                {"name": "nginx", "image": image,
                 "ports": [{"containerPort": 80, "name": "web"}],
                 "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}]}]}}})),
            Op::Partition(p) => {
                if self.set().is_some_and(|s| !s.is_on_delete()) {
                    self.patch_spec(json!({"updateStrategy": strategy_json(false, *p)}));
                }
            }
            Op::OnDelete => self.patch_spec(json!({"updateStrategy": strategy_json(true, None)})),
            Op::RollingUpdate(p) => {
                self.patch_spec(json!({"updateStrategy": strategy_json(false, *p)}))
            }
            Op::MinReady(s) => self.patch_spec(json!({ "minReadySeconds": s })),
            Op::Retention(d, s) => self.patch_spec(
                json!({"persistentVolumeClaimRetentionPolicy": {"whenDeleted": d, "whenScaled": s}}),
            ),
            Op::OrdinalsStart(start) => self.patch_spec(json!({"ordinals": {"start": start}})),
            Op::Probe(on) => {
                // A merge patch replaces the containers list: send the whole container.
                let Some(s) = self.set() else { return };
                let Some(mut c) = s
                    .spec
                    .template
                    .spec
                    .containers
                    .first()
                    .and_then(|c| serde_json::to_value(c).ok())
                else {
                    return;
                };
                c["readinessProbe"] = if *on { probe_json() } else { Value::Null };
                if let Some(o) = c.as_object_mut() {
                    o.retain(|_, v| !v.is_null());
                }
                self.patch_spec(json!({"template": {"spec": {"containers": [c]}}}));
            }
            Op::DeletePod { pick, force } => {
                let name = self.pod_name(*pick);
                self.delete_pod(&name, *force);
            }
            Op::DeleteSet(p) => {
                if self.set_live() {
                    self.submit(Input::Delete {
                        kind: Kind::StatefulSet,
                        namespace: NS.into(),
                        name: "web".into(),
                        options: DeleteOptions {
                            propagation: Some(*p),
                            ..Default::default()
                        },
                    });
                }
            }
            Op::NodeDown(i) => {
                self.submit(fault(Fault::NodeDown {
                    node: WORKERS[*i].into(),
                }));
            }
            Op::NodeUp(i) => {
                self.submit(fault(Fault::NodeUp {
                    node: WORKERS[*i].into(),
                }));
            }
            Op::PodUnready(o) => {
                let pod = self.pod_name(*o);
                self.submit(fault(Fault::PodUnready {
                    namespace: NS.into(),
                    pod,
                }));
            }
            Op::PodReady(o) => {
                let pod = self.pod_name(*o);
                self.submit(fault(Fault::PodReady {
                    namespace: NS.into(),
                    pod,
                }));
            }
            Op::KillContainer { pick, exit_code } => {
                let pod = self.pod_name(*pick);
                self.submit(fault(Fault::KillContainer {
                    namespace: NS.into(),
                    pod,
                    container: None,
                    exit_code: *exit_code,
                }));
            }
            Op::LosePvc(o) => {
                let pvc = self.claim_name(*o);
                self.submit(fault(Fault::LosePvc {
                    namespace: NS.into(),
                    pvc,
                }));
            }
            Op::DeletePvc(o) => {
                let claim = self.claim_name(*o);
                self.delete_claim(&claim);
            }
            Op::SlowPull { image, seconds } => {
                self.submit(fault(Fault::SlowImagePull {
                    image: image.to_string(),
                    seconds: *seconds,
                }));
            }
            Op::Wait => {}
        }
    }

    fn advance(&mut self, ms: u64) {
        self.c.run_for_ms(ms);
        self.chk.check_log(&self.c);
        self.chk.check_state(&self.c);
    }

    /// With `ORDINAL_HARNESS_DUMP=<n>`: the last n reason records, the pods and the set.
    fn dump(&self) {
        let Some(n) = env_u64("ORDINAL_HARNESS_DUMP") else {
            return;
        };
        let records: Vec<_> = self.c.reasons().iter().rev().take(n as usize).collect();
        for r in records.into_iter().rev() {
            eprintln!("{:?} {} {}: {}", r.at, r.controller, r.object, r.reason);
        }
        for p in self.c.api.list::<Pod>(Some(NS)) {
            eprintln!(
                "pod {} {} node {:?} ip {:?} phase {} ready {:?} deleting {:?} rev {:?}",
                p.metadata.name,
                p.metadata.uid,
                p.spec.node_name,
                p.status.pod_ip,
                p.phase(),
                p.condition("Ready")
                    .map(|c| (&c.status, c.last_transition_time)),
                p.metadata.deletion_timestamp,
                p.metadata.labels.get("controller-revision-hash")
            );
        }
        if let Some(s) = self.set() {
            eprintln!("set spec {:?}\nset status {:?}", s.spec, s.status);
        }
    }

    /// Runs `total` ms in slices, checking after each.
    fn advance_checked(&mut self, total: u64, slice: u64) {
        let mut left = total;
        while left > 0 {
            let d = left.min(slice);
            self.advance(d);
            left -= d;
        }
    }

    fn bad_image_anywhere(&self) -> bool {
        let template_bad = self.set().is_some_and(|s| {
            s.spec
                .template
                .spec
                .containers
                .iter()
                .any(|c| c.image == UNKNOWN_IMAGE)
        });
        // The current revision counts too: pods below the partition are re-created from it
        // (`newVersionedStatefulSetPod`), and it stays the broken one until a rollout completes,
        // so a pod deleted below the partition comes back on the unknown image, as on a real
        // cluster, even when no live pod or template shows the image at the moment.
        let current_bad = self.set().is_some_and(|s| {
            self.c
                .api
                .get::<ControllerRevision>(NS, &s.status.current_revision)
                .is_some_and(|r| r.data.to_string().contains(UNKNOWN_IMAGE))
        });
        template_bad
            || current_bad
            || self
                .c
                .api
                .list::<Pod>(Some(NS))
                .any(|p| p.spec.containers.iter().any(|c| c.image == UNKNOWN_IMAGE))
    }

    /// Forced rollback (§2.6): pods stuck on the unknown image are deleted by hand.
    fn delete_stuck_pods(&mut self) {
        let stuck: Vec<String> = self
            .c
            .api
            .list::<Pod>(Some(NS))
            .filter(|p| {
                p.metadata.deletion_timestamp.is_none()
                    && p.spec.containers.iter().any(|c| c.image == UNKNOWN_IMAGE)
            })
            .map(|p| p.metadata.name.clone())
            .collect();
        for pod in stuck {
            self.delete_pod(&pod, false);
        }
    }

    /// Faults stop; the user repairs what only a user can repair.
    fn repair(&mut self) {
        for w in WORKERS {
            self.submit(fault(Fault::NodeUp { node: w.into() }));
        }
        for image in KNOWN_IMAGES.iter().chain([&UNKNOWN_IMAGE]) {
            self.submit(fault(Fault::SlowImagePull {
                image: image.to_string(),
                seconds: 0,
            }));
        }
        let names: Vec<String> = self
            .c
            .api
            .list::<Pod>(Some(NS))
            .map(|p| p.metadata.name.clone())
            .collect();
        for pod in names {
            self.submit(fault(Fault::PodReady {
                namespace: NS.into(),
                pod,
            }));
        }
        // Roll back an image that does not exist. The current revision may carry it too (pods
        // below the partition are re-created from it), so the rollback also lifts the partition.
        if self.set().is_some() && self.bad_image_anywhere() {
            self.chk.step += 1;
            self.apply_op(&Op::Image(KNOWN_IMAGES[0]));
            if self
                .set()
                .is_some_and(|s| !s.is_on_delete() && s.partition().unwrap_or(0) > 0)
            {
                self.apply_op(&Op::Partition(Some(0)));
            }
        }
        // Lost claims: delete them and the pods that use them (the data is gone anyway).
        let lost: Vec<String> = self
            .c
            .api
            .list::<PersistentVolumeClaim>(Some(NS))
            .filter(|c| c.status.phase.as_deref() == Some("Lost"))
            .map(|c| c.metadata.name.clone())
            .collect();
        for claim in &lost {
            self.delete_claim(claim);
            if let Some(pod) = claim.strip_prefix("www-") {
                let pod = pod.to_string();
                self.delete_pod(&pod, false);
            }
        }
        self.advance_checked(30_000, 10_000);
        self.delete_stuck_pods();
        self.advance_checked(60_000, 10_000);
        // A set deleted (or being deleted) is re-created: orphans are adopted.
        let mut waited = 0;
        while self
            .set()
            .is_some_and(|s| s.metadata.deletion_timestamp.is_some())
            && waited < 20
        {
            self.advance(30_000);
            waited += 1;
        }
        if self.set().is_none() {
            let v = self.last_variant.clone().unwrap_or_else(|| Variant {
                replicas: 2,
                parallel: false,
                on_delete: false,
                partition: None,
                min_ready: 0,
                retention: None,
                start: None,
                probe: false,
                image: KNOWN_IMAGES[0],
            });
            let v = Variant {
                image: KNOWN_IMAGES[0],
                ..v
            };
            self.create(&v);
        }
        // CrashLoopBackOff and ImagePullBackOff cap at 5 minutes; OrderedReady walks one pod
        // at a time with minReadySeconds.
        for i in 0..30 {
            if i > 0 && self.convergence_problem().is_none() {
                break;
            }
            self.delete_stuck_pods();
            if KNOWN_NO_RESYNC && self.set_live() {
                self.submit(patch(
                    Kind::StatefulSet,
                    "web",
                    json!({"metadata": {"annotations": {"harness/resync": i.to_string()}}}),
                ));
            }
            self.advance(30_000);
        }
    }

    /// Once repaired: exactly the set's ordinals, all Running and Ready, at the right revisions,
    /// status equal to the pods, claims bound, DNS complete.
    fn convergence_problem(&self) -> Option<String> {
        let Some(s) = self.set() else {
            return Some("no set after repair".into());
        };
        let st = &s.status;
        let mut ords: Vec<i64> = Vec::new();
        for p in self.c.api.list::<Pod>(Some(NS)) {
            let name = &p.metadata.name;
            if !owned_by(p, s) {
                return Some(format!("converged: {name} is not owned by the set"));
            }
            if !p.is_running_and_ready() || p.metadata.deletion_timestamp.is_some() {
                return Some(format!("converged: {name} is not Running and Ready: phase {} conditions {:?} containers {:?}",
                    p.phase(),
                    p.status.conditions,
                    p.status.container_statuses
                ));
            }
            let o = ordinal_of(name).unwrap_or(-1);
            ords.push(o);
            let rev = p.metadata.labels.get("controller-revision-hash");
            // The partition counts replica indices (ordinal - ordinals.start).
            let partition = i64::from(s.partition().unwrap_or(0));
            let index = o - i64::from(s.ordinal_start());
            if !s.is_on_delete() && index >= partition && rev != Some(&st.update_revision) {
                return Some(format!("converged: {name} (index {index} ≥ partition {partition}) at {rev:?}, update revision {}",
                    st.update_revision
                ));
            }
            let claim = format!("www-{name}");
            let bound = self
                .c
                .api
                .get::<PersistentVolumeClaim>(NS, &claim)
                .is_some_and(|c| c.status.phase.as_deref() == Some("Bound"));
            if !bound {
                return Some(format!("converged: {claim} is not Bound"));
            }
        }
        ords.sort();
        let start = i64::from(s.ordinal_start());
        let want: Vec<i64> = (start..start + i64::from(s.replicas())).collect();
        if ords != want {
            return Some(format!("converged: ordinals {ords:?}, want {want:?}"));
        }
        let n = s.replicas();
        if st.replicas != n
            || st.ready_replicas != n
            || st.available_replicas != n
            || st.observed_generation != Some(s.metadata.generation)
        {
            return Some(format!("converged: status {st:?}"));
        }
        if !s.is_on_delete()
            && s.partition().unwrap_or(0) == 0
            && (st.updated_replicas != n || st.current_revision != st.update_revision)
        {
            return Some(format!("converged: rollout incomplete {st:?}"));
        }
        None
    }

    fn check_converged(&self) {
        if let Some(p) = self.convergence_problem() {
            fail!(self.chk, "{p}");
        }
    }
}

fn run_steps(seed: u64, steps: &[Step]) -> u64 {
    let mut run = Run::new(seed);
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        for (i, step) in steps.iter().enumerate() {
            run.chk.step = i;
            run.apply_op(&step.op);
            run.advance(step.advance_ms);
        }
        run.chk.step = steps.len();
        run.label = "repair";
        run.repair();
        run.check_converged();
    }));
    if let Err(e) = outcome {
        run.dump();
        std::panic::resume_unwind(e);
    }
    if std::env::var("ORDINAL_HARNESS_STATS").is_ok() {
        for (kind, t) in &run.stats {
            eprintln!(
                "seed {seed} {kind:>15}: {:4} accepted {:4} refused  {}",
                t.accepted, t.refused, t.first_error
            );
        }
        eprintln!(
            "seed {seed}: {} watch events, {} objects, {} virtual s",
            run.c.api.resource_version(),
            run.c.api.object_count(),
            (run.c.now().ms() - ordinal_model::time::EPOCH.ms()) / 1000
        );
    }
    run.c.event_log_hash()
}

/// Runs one seed twice (same history required); on failure prints the seed and its operations.
fn run_seed(seed: u64, ops: usize) {
    let steps = gen_steps(seed, ops);
    let outcome = std::panic::catch_unwind(|| {
        let a = run_steps(seed, &steps);
        let b = run_steps(seed, &steps);
        assert_eq!(a, b, "seed {seed}: two runs of the same operations differ");
    });
    if let Err(e) = outcome {
        let mut listing = String::new();
        for (i, s) in steps.iter().enumerate() {
            listing.push_str(&format!("  {i:3} {:?} then {} ms\n", s.op, s.advance_ms));
        }
        eprintln!(
            "harness_cluster: seed {seed} failed ({ops} operations); replay with ORDINAL_HARNESS_SEED={seed} ORDINAL_HARNESS_OPS={ops}\n{listing}"
        );
        std::panic::resume_unwind(e);
    }
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|s| s.parse().ok())
}

/// Runs seeds `0..seeds` across `threads` threads (interleaved: seed k on thread k mod n).
/// Seeds of the 1 000-seed sweep that do not converge after the harness's repair phase, OPEN
/// (none now). The last four were 555 (fixed in the repair: a pod below the partition is
/// re-created from the current revision, which still had the unknown image, so the rollback must
/// lift the partition, as an operator's would) and 574, 690, 837 (fixed in the model: the
/// pvc-protection controller counted an unscheduled pod as a user of a deleting claim, a
/// deadlock upstream's `podUsesPVC` avoids by only counting scheduled pods). Replay one with
/// `ORDINAL_HARNESS_SEED=574 ORDINAL_HARNESS_OPS=200 cargo test --release -p ordinal-model
/// --test harness_cluster cluster_harness_heavy -- --ignored`.
const KNOWN_UNCONVERGED_SEEDS: &[u64] = &[];

fn run_many(seeds: u64, ops: usize, threads: u64) {
    if let Some(seed) = env_u64("ORDINAL_HARNESS_SEED") {
        let ops = env_u64("ORDINAL_HARNESS_OPS").map_or(ops, |n| n as usize);
        run_seed(seed, ops);
        return;
    }
    let threads = threads.clamp(1, 16);
    // ORDINAL_HARNESS_FIRST_SEED shifts the range (to continue a sweep).
    let first = env_u64("ORDINAL_HARNESS_FIRST_SEED").unwrap_or(0);
    let seeds = first + seeds;
    // Seeds are independent: a failing seed is reported (seed, operations, panic) and the
    // sweep goes on, up to a few failures per thread; the test fails at the end with the list.
    const MAX_FAILURES_PER_THREAD: usize = 3;
    let failed: Vec<u64> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    let mut failed = Vec::new();
                    let mut seed = first + t;
                    while seed < seeds && failed.len() < MAX_FAILURES_PER_THREAD {
                        if KNOWN_UNCONVERGED_SEEDS.contains(&seed) {
                            seed += threads;
                            continue;
                        }
                        if std::panic::catch_unwind(|| run_seed(seed, ops)).is_err() {
                            failed.push(seed);
                        }
                        seed += threads;
                    }
                    failed
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    assert!(failed.is_empty(), "failing seeds: {failed:?}");
}

#[test]
fn web_yaml_reads_as_the_tutorial_objects() {
    let (svc, set) = web_docs();
    assert_eq!(svc["kind"], "Service");
    assert_eq!(svc["spec"]["clusterIP"], "None");
    assert_eq!(svc["spec"]["ports"][0]["port"], 80);
    assert_eq!(set["kind"], "StatefulSet");
    assert_eq!(set["spec"]["serviceName"], "nginx");
    assert_eq!(set["spec"]["replicas"], 2);
    assert_eq!(set["spec"]["selector"]["matchLabels"]["app"], "nginx");
    let c = &set["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(c["image"], "registry.k8s.io/nginx-slim:0.8");
    assert_eq!(c["volumeMounts"][0]["mountPath"], "/usr/share/nginx/html");
    let t = &set["spec"]["volumeClaimTemplates"][0];
    assert_eq!(t["metadata"]["name"], "www");
    assert_eq!(t["spec"]["accessModes"], json!(["ReadWriteOnce"]));
    assert_eq!(t["spec"]["resources"]["requests"]["storage"], "1Gi");
}

/// Minimal reproduction of a model deviation the harness found (seed 3 of the smoke run):
/// OrderedReady, minReadySeconds 5, scale 2 → 1 while web-0 is Ready but not yet Available.
/// web-1 is condemned but still counted in status, so availableReplicas (1) == replicas (1) and
/// `syncStatefulSet` does not requeue after minReadySeconds; upstream's informer resync (30 s,
/// statefulset-semantics §2.1) syncs again and deletes web-1. The model never syncs again.
#[test]
fn min_ready_seconds_stall_resolves_like_upstream() {
    let (svc, base) = web_docs();
    let mut c = Cluster::new(Profile::default(), 1);
    c.apply(Input::Create { object: svc }).expect("service");
    let v = Variant {
        replicas: 2,
        parallel: false,
        on_delete: false,
        partition: None,
        min_ready: 5,
        retention: None,
        start: None,
        probe: false,
        image: KNOWN_IMAGES[0],
    };
    c.apply(Input::Create {
        object: set_json(&base, &v),
    })
    .expect("set");
    c.run_for_ms(60_000);
    let ready = |c: &Cluster, n: &str| {
        c.api
            .get::<Pod>(NS, n)
            .is_some_and(|p| p.is_running_and_ready())
    };
    assert!(ready(&c, "web-0") && ready(&c, "web-1"));
    c.apply(Input::Delete {
        kind: Kind::Pod,
        namespace: NS.into(),
        name: "web-0".into(),
        options: Default::default(),
    })
    .expect("delete web-0");
    // Until the new web-0 is Ready (but not yet Available for 5 s).
    for _ in 0..600 {
        c.run_for_ms(100);
        if ready(&c, "web-0") {
            break;
        }
    }
    assert!(ready(&c, "web-0"));
    c.apply(patch(
        Kind::StatefulSet,
        "web",
        json!({"spec": {"replicas": 1}}),
    ))
    .expect("scale");
    c.run_for_ms(60_000);
    assert!(
        c.api.get::<Pod>(NS, "web-1").is_none(),
        "web-1 should be gone a minute after the scale-down"
    );
}

#[test]
fn cluster_harness_smoke() {
    run_many(4, 60, 2);
}

#[test]
#[ignore]
fn cluster_harness_heavy() {
    let scale = env_u64("ORDINAL_HEAVY_SCALE").unwrap_or(1);
    // ORDINAL_HARNESS_SEEDS overrides the seed count (for timing a sample).
    let seeds = env_u64("ORDINAL_HARNESS_SEEDS").unwrap_or(1_000 * scale);
    let threads = env_u64("ORDINAL_HARNESS_THREADS")
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get() as u64));
    run_many(seeds, 200, threads);
}

/// Debugging aid: replays `ORDINAL_HARNESS_SEED`'s operations up to and including step
/// `ORDINAL_HARNESS_TRACE_STEP`, then prints the set's status each virtual second for 40 s and
/// every reason recorded meanwhile.
#[test]
#[ignore]
fn trace_seed() {
    let seed = env_u64("ORDINAL_HARNESS_SEED").unwrap_or(0);
    let upto = env_u64("ORDINAL_HARNESS_TRACE_STEP").unwrap_or(0) as usize;
    let steps = gen_steps(seed, upto + 1);
    let mut run = Run::new(seed);
    for (i, step) in steps.iter().enumerate() {
        run.chk.step = i;
        run.apply_op(&step.op);
        if i < upto {
            run.c.run_for_ms(step.advance_ms);
        }
    }
    let seq = run.c.reasons().next_seq();
    for _ in 0..40 {
        run.c.run_for_ms(1000);
        if let Some(s) = run.set() {
            eprintln!("{:?} {:?}", run.c.now(), s.status);
        }
    }
    for r in run.c.reasons().since(seq) {
        eprintln!("{:?} {} {}: {:?}", r.at, r.controller, r.object, r.reason);
    }
}
