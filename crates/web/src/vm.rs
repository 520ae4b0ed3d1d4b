//! The view model: plain, comparable structs built from one `Cluster` snapshot after each tick.
//!
//! Building is pure (no signals, no DOM), so it is tested directly; the app publishes each
//! piece into its own signal and only what changed re-renders.

use ordinal_kubectl::printers::table::pod_ready_status_restarts;
use ordinal_model::controllers::statefulset::StsReason;
use ordinal_model::dns::{self, RecordType};
use ordinal_model::objects::apps::StatefulSet;
use ordinal_model::objects::core::{Node, Service};
use ordinal_model::objects::pod::Pod;
use ordinal_model::objects::storage::{PersistentVolume, PersistentVolumeClaim};
use ordinal_model::objects::Json;
use ordinal_model::vecmap::VecMap;
use ordinal_model::{Cluster, Kind, Reason, Time};
use serde_json::Value;

/// The namespace the cluster view folds away.
pub const SYSTEM_NS: &str = "kube-system";
/// Virtual ms a new pod takes to slide in, and a deleted pod's card to fade out.
pub const ARRIVE_MS: u64 = 600;
pub const LEAVE_MS: u64 = 1_500;
/// Virtual ms an adopted pod's card takes to settle into its set (the adoption animation).
pub const ADOPT_MS: u64 = 1_200;
/// How many recent reasons are scanned for a set's blocking reason.
const BLOCKING_SCAN: usize = 400;

#[derive(Clone, Debug, PartialEq)]
pub struct PodVm {
    pub name: String,
    pub namespace: String,
    pub uid: String,
    pub ordinal: Option<i64>,
    /// kubectl's STATUS column (`Running`, `ContainerCreating`, `Terminating`, …).
    pub status: String,
    pub ready: bool,
    /// kubectl's READY column (`1/1`).
    pub ready_col: String,
    pub restarts: String,
    pub node: Option<String>,
    pub image: String,
    pub revision: Option<String>,
    pub ip: Option<String>,
    /// The controlling owner (`StatefulSet/web`), if any.
    pub owner: Option<String>,
    /// Made by a StatefulSet (has its labels) but no controller owns it now.
    pub orphaned: bool,
    /// When a set adopted this orphan (virtual ms; recent adoptions only, from the
    /// StatefulSet controller's `AdoptedPod` reasons), so the adoption animates by model time.
    pub adopted_ms: Option<u64>,
    pub terminating: bool,
    pub created_ms: u64,
}

impl PodVm {
    /// The image's tag (`0.8` of `registry.k8s.io/nginx-slim:0.8`), or `latest`.
    pub fn tag(&self) -> &str {
        image_tag(&self.image)
    }

    /// The card's accessible name: a contract with the e2e tests (issue 6, item 7), extended
    /// with `, orphaned` for a pod no controller owns (the dashed card says it visually).
    pub fn accessible_name(&self) -> String {
        let name = pod_accessible_name(
            &self.name,
            &self.status,
            self.ready,
            self.node.as_deref(),
            &self.image,
        );
        if self.orphaned {
            format!("{name}, orphaned")
        } else {
            name
        }
    }
}

pub fn image_tag(image: &str) -> &str {
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, tag)) => tag,
        None => "latest",
    }
}

/// `Pod <name>, <STATUS>, <Ready|Not ready>, <node|unscheduled>, image <full image>`.
pub fn pod_accessible_name(
    name: &str,
    status: &str,
    ready: bool,
    node: Option<&str>,
    image: &str,
) -> String {
    format!(
        "Pod {name}, {status}, {}, {}, image {image}",
        if ready { "Ready" } else { "Not ready" },
        node.unwrap_or("unscheduled")
    )
}

/// `PersistentVolumeClaim <name>, <Bound|Pending|Lost>, <volume or none>, <capacity>`.
pub fn pvc_accessible_name(
    name: &str,
    phase: &str,
    volume: Option<&str>,
    capacity: &str,
) -> String {
    format!(
        "PersistentVolumeClaim {name}, {phase}, {}, {capacity}",
        volume.unwrap_or("none")
    )
}

fn ordinal_of(name: &str) -> Option<i64> {
    name.rsplit_once('-').and_then(|(_, n)| n.parse().ok())
}

pub fn pod_vm(pod: &Pod, now: Time) -> PodVm {
    let (ready_col, status, restarts) = pod_ready_status_restarts(pod, now);
    let meta = &pod.metadata;
    let owner = meta
        .controller_ref()
        .map(|o| format!("{}/{}", o.kind, o.name));
    let sts_made = meta
        .labels
        .contains_key("statefulset.kubernetes.io/pod-name");
    PodVm {
        name: meta.name.clone(),
        namespace: meta.namespace.clone().unwrap_or_default(),
        uid: meta.uid.clone(),
        ordinal: if sts_made {
            ordinal_of(&meta.name)
        } else {
            None
        },
        ready: pod.is_ready() && meta.deletion_timestamp.is_none(),
        status,
        ready_col,
        restarts,
        node: pod.spec.node_name.clone().filter(|n| !n.is_empty()),
        image: pod
            .spec
            .containers
            .first()
            .map(|c| c.image.clone())
            .unwrap_or_default(),
        revision: meta.labels.get("controller-revision-hash").cloned(),
        ip: pod.status.pod_ip.clone().filter(|ip| !ip.is_empty()),
        orphaned: sts_made && owner.is_none(),
        adopted_ms: None,
        owner,
        terminating: meta.deletion_timestamp.is_some(),
        created_ms: meta.creation_timestamp.map_or(0, |t| t.ms()),
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct NodeVm {
    pub name: String,
    pub ready: bool,
    /// Its kubelet was stopped (`sim node down`): true at once, while `ready` turns false only
    /// when the node lifecycle controller's grace period runs out.
    pub down: bool,
    pub control_plane: bool,
    pub ip: String,
    pub pod_cidr: String,
}

pub fn node_vm(n: &Node, down: bool) -> NodeVm {
    NodeVm {
        name: n.metadata.name.clone(),
        ready: n.is_ready(),
        down,
        control_plane: n
            .metadata
            .labels
            .contains_key("node-role.kubernetes.io/control-plane"),
        ip: n.internal_ip().unwrap_or("").to_string(),
        pod_cidr: n.spec.pod_cidr.clone().unwrap_or_default(),
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct SetVm {
    pub name: String,
    pub desired: i32,
    pub replicas: i32,
    pub ready: i32,
    pub current: i32,
    pub updated: i32,
    pub policy: String,
    pub strategy: String,
    pub partition: Option<i32>,
    pub current_revision: String,
    pub update_revision: String,
    pub service: String,
    pub retention: String,
    pub selector: String,
    /// The newest wait of the StatefulSet controller, if nothing happened after it.
    pub blocking: Option<String>,
    pub terminating: bool,
}

fn labels_text(m: &ordinal_model::vecmap::VecMap<String, String>) -> String {
    m.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

pub fn set_vm(c: &Cluster, s: &StatefulSet) -> SetVm {
    let spec = &s.spec;
    let strategy = spec
        .update_strategy
        .as_ref()
        .and_then(|u| u.type_.clone())
        .unwrap_or_else(|| "RollingUpdate".into());
    let partition = spec
        .update_strategy
        .as_ref()
        .and_then(|u| u.rolling_update.as_ref())
        .and_then(|r| r.partition);
    let retention = spec
        .persistent_volume_claim_retention_policy
        .as_ref()
        .map(|r| {
            format!(
                "whenDeleted: {}, whenScaled: {}",
                r.when_deleted.as_deref().unwrap_or("Retain"),
                r.when_scaled.as_deref().unwrap_or("Retain")
            )
        })
        .unwrap_or_else(|| "whenDeleted: Retain, whenScaled: Retain".into());
    let ns = s.metadata.namespace.clone().unwrap_or_default();
    let mut blocking = None;
    for r in c.reasons().iter().rev().take(BLOCKING_SCAN) {
        if r.controller == "statefulset"
            && r.object.kind == Kind::StatefulSet
            && r.object.name == s.metadata.name
            && r.object.namespace == ns
        {
            if r.reason.is_wait() {
                blocking = Some(r.reason.to_string());
            }
            break;
        }
    }
    SetVm {
        name: s.metadata.name.clone(),
        desired: spec.replicas.unwrap_or(1),
        replicas: s.status.replicas,
        ready: s.status.ready_replicas,
        current: s.status.current_replicas,
        updated: s.status.updated_replicas,
        policy: spec
            .pod_management_policy
            .clone()
            .unwrap_or_else(|| "OrderedReady".into()),
        strategy,
        partition,
        current_revision: s.status.current_revision.clone(),
        update_revision: s.status.update_revision.clone(),
        service: spec.service_name.clone().unwrap_or_default(),
        retention,
        selector: spec
            .selector
            .as_ref()
            .map(|sel| labels_text(&sel.match_labels))
            .unwrap_or_default(),
        blocking,
        terminating: s.metadata.deletion_timestamp.is_some(),
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ServiceVm {
    pub name: String,
    pub selector: String,
    pub cluster_ip: String,
    pub ports: String,
}

pub fn service_vm(s: &Service) -> ServiceVm {
    ServiceVm {
        name: s.metadata.name.clone(),
        selector: labels_text(&s.spec.selector),
        cluster_ip: s.spec.cluster_ip.clone().unwrap_or_else(|| "None".into()),
        ports: s
            .spec
            .ports
            .iter()
            .map(|p| {
                let v = p.to_json();
                let port = v.get("port").map(|x| x.to_string()).unwrap_or_default();
                let proto = v.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
                format!("{port}/{proto}")
            })
            .collect::<Vec<_>>()
            .join(","),
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct PvcVm {
    pub name: String,
    pub phase: String,
    pub volume: Option<String>,
    pub capacity: String,
    pub mounted_by: Option<String>,
    /// Who owns the claim (retention: `StatefulSet/web` or `Pod/web-0`), if anyone.
    pub owner: Option<String>,
    pub terminating: bool,
}

impl PvcVm {
    pub fn accessible_name(&self) -> String {
        pvc_accessible_name(
            &self.name,
            &self.phase,
            self.volume.as_deref(),
            &self.capacity,
        )
    }
}

fn quantity(v: Option<&Value>) -> Option<String> {
    v.map(|v| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

/// Claim name → the pod that mounts it (namespace-blind: the view shows one namespace).
pub fn mounts(pods: &[&Pod]) -> VecMap<String, String> {
    let mut m = VecMap::new();
    for p in pods {
        for v in &p.spec.volumes {
            if let Some(src) = &v.persistent_volume_claim {
                m.entry(src.claim_name.clone())
                    .or_insert_with(|| p.metadata.name.clone());
            }
        }
    }
    m
}

pub fn pvc_vm(c: &PersistentVolumeClaim, mounts: &VecMap<String, String>) -> PvcVm {
    let name = c.metadata.name.clone();
    let mounted_by = mounts.get(&name).cloned();
    PvcVm {
        phase: c.status.phase.clone().unwrap_or_else(|| "Pending".into()),
        volume: c.spec.volume_name.clone().filter(|v| !v.is_empty()),
        capacity: quantity(c.status.capacity.get("storage"))
            .or_else(|| c.requested_storage())
            .unwrap_or_default(),
        mounted_by,
        owner: c
            .metadata
            .owner_references
            .first()
            .map(|o| format!("{}/{}", o.kind, o.name)),
        terminating: c.metadata.deletion_timestamp.is_some(),
        name,
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct PvVm {
    pub name: String,
    pub phase: String,
    pub claim: Option<String>,
    pub capacity: String,
    pub reclaim: String,
}

pub fn pv_vm(v: &PersistentVolume) -> PvVm {
    // Typed fields, not `to_json()` of the status and claimRef (that serialized both for every
    // volume on every rebuild: ≈ 1 % of a busy frame's script time with 200 volumes).
    PvVm {
        name: v.metadata.name.clone(),
        phase: v.status.phase.clone().unwrap_or_else(|| "Pending".into()),
        claim: v.spec.claim_ref.as_ref().map(|r| r.name.clone()),
        capacity: quantity(v.spec.capacity.get("storage")).unwrap_or_default(),
        reclaim: v
            .spec
            .persistent_volume_reclaim_policy
            .clone()
            .unwrap_or_else(|| "Delete".into()),
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DnsRow {
    pub name: String,
    pub type_: &'static str,
    pub value: String,
}

impl DnsRow {
    /// The row's `data-dns` value: `<name> <type> <value>`.
    pub fn key(&self) -> String {
        format!("{} {} {}", self.name, self.type_, self.value)
    }
}

pub fn dns_rows(c: &Cluster) -> Vec<DnsRow> {
    dns::records(&c.api)
        .into_iter()
        .filter_map(|r| {
            let type_ = match r.type_ {
                RecordType::A => "A",
                RecordType::SRV => "SRV",
                RecordType::PTR => return None,
            };
            Some(DnsRow {
                name: r.name,
                type_,
                value: r.value,
            })
        })
        .collect()
}

/// The whole picture of one instant (everything but the reason feed).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ClusterVm {
    pub now_ms: u64,
    pub nodes: Vec<NodeVm>,
    /// Pods outside kube-system, by node name then ordinal/name.
    pub pods: Vec<PodVm>,
    pub system_pods: Vec<PodVm>,
    pub sets: Vec<SetVm>,
    pub services: Vec<ServiceVm>,
    pub pvcs: Vec<PvcVm>,
    pub pvs: Vec<PvVm>,
    pub dns: Vec<DnsRow>,
}

/// Pods a StatefulSet adopted within the last [`ADOPT_MS`]: (namespace, name) → when.
pub fn recent_adoptions(c: &Cluster) -> VecMap<(String, String), u64> {
    let now = c.now().ms();
    let mut out = VecMap::new();
    // The reason log is in time order: read back only as far as the animation lasts.
    for r in c.reasons().iter().rev() {
        if r.at.ms() + ADOPT_MS < now {
            break;
        }
        if let Reason::StatefulSet(StsReason::AdoptedPod { pod }) = &r.reason {
            out.entry((r.object.namespace.clone(), pod.clone()))
                .or_insert(r.at.ms());
        }
    }
    out
}

pub fn cluster_vm(c: &Cluster) -> ClusterVm {
    let now = c.now();
    let all: Vec<&Pod> = c.list::<Pod>(None);
    let adoptions = recent_adoptions(c);
    let mut pods: Vec<PodVm> = Vec::new();
    let mut system_pods = Vec::new();
    for p in &all {
        let mut vm = pod_vm(p, now);
        if vm.owner.is_some() {
            vm.adopted_ms = adoptions
                .get(&(vm.namespace.clone(), vm.name.clone()))
                .copied()
                .filter(|t| *t >= vm.created_ms);
        }
        if vm.namespace == SYSTEM_NS {
            system_pods.push(vm);
        } else {
            pods.push(vm);
        }
    }
    ordinal_model::sort::sort_by(&mut pods, |a, b| {
        (a.ordinal.is_none(), a.ordinal, &a.name).cmp(&(b.ordinal.is_none(), b.ordinal, &b.name))
    });
    let user_pods: Vec<&Pod> = all
        .iter()
        .copied()
        .filter(|p| p.metadata.namespace.as_deref() != Some(SYSTEM_NS))
        .collect();
    let mounts = mounts(&user_pods);
    ClusterVm {
        now_ms: now.ms(),
        nodes: c
            .list::<Node>(None)
            .into_iter()
            .map(|n| node_vm(n, c.kubelet.is_node_down(&n.metadata.name)))
            .collect(),
        pods,
        system_pods,
        sets: c
            .list::<StatefulSet>(None)
            .into_iter()
            .map(|s| set_vm(c, s))
            .collect(),
        services: c
            .list::<Service>(None)
            .into_iter()
            .filter(|s| s.metadata.namespace.as_deref() != Some(SYSTEM_NS))
            .filter(|s| s.metadata.name != "kubernetes")
            .map(service_vm)
            .collect(),
        pvcs: c
            .list::<PersistentVolumeClaim>(None)
            .into_iter()
            .map(|p| pvc_vm(p, &mounts))
            .collect(),
        pvs: c
            .list::<PersistentVolume>(None)
            .into_iter()
            .map(pv_vm)
            .collect(),
        dns: dns_rows(c),
    }
}

/// The virtual times of watch events (for Step back), oldest first.
pub fn event_times(c: &Cluster) -> Vec<u64> {
    let mut out: Vec<u64> = Vec::new();
    if let Ok(events) = c.api.events_since(0) {
        for e in events {
            if out.last() != Some(&e.at.ms()) {
                out.push(e.at.ms());
            }
        }
    }
    out
}

/// Where "Step back" goes from `now`: the event instant before the newest one at or before now.
pub fn step_back_target(times: &[u64], now: u64, start: u64) -> u64 {
    let upto = times.partition_point(|t| *t <= now);
    match upto {
        0 | 1 => start,
        n => times[n - 2],
    }
}

/// `10:00:05` of an RFC 3339 time.
pub fn clock(t: Time) -> String {
    let s = t.rfc3339();
    s.get(11..19).unwrap_or(&s).to_string()
}
