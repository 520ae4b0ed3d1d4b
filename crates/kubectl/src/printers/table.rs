//! Server-side tables, as a v1.34 apiserver computes them, and kubectl's client-side decoration.
//!
//! Two halves, mirroring the real split:
//! - **Server** (`kubernetes/kubernetes` `pkg/printers/internalversion/printers.go`): per kind, the
//!   column definitions (with `Priority: 1` for the `-o wide` ones) and the cells of one row. The
//!   apiserver's `TableConvertor` always generates rows with `Wide: true`, so [`cells`] returns every
//!   cell; kubectl then drops priority-1 columns unless `-o wide` ([`row`], [`columns`]).
//! - **Client** (`k8s.io/cli-runtime/pkg/printers/tableprinter.go` and `kubectl/pkg/cmd/get/get.go`):
//!   upper-cased headers, the `NAMESPACE` column for `-A`, `kind/name` when several kinds are printed,
//!   `-L` label columns and `LABELS`, a blank line between kinds, widths reset per kind, the watch
//!   `EVENT` column, and the tabwriter ([`TabWriter::kubectl`]).
//!
//! Everything here is a pure function of model objects and the current virtual time.

use super::duration::human_duration;
use super::tabwriter::TabWriter;
use ordinal_model::api::server::WatchEventType;
use ordinal_model::objects::*;
use ordinal_model::time::Time;
use ordinal_model::vecmap::VecMap;
use serde_json::Value;
use std::sync::Arc;

/// One server-side column definition (`metav1.TableColumnDefinition`, the parts kubectl uses).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The definition's `Name` as the server sends it (`Port(s)`); kubectl upper-cases it.
    pub name: &'static str,
    /// 0: always shown; 1: only with `-o wide`.
    pub priority: u8,
    /// `Format: "name"`: the column kubectl prefixes with `kind/` when printing several kinds.
    pub is_name: bool,
}

const fn col(name: &'static str) -> Column {
    Column {
        name,
        priority: 0,
        is_name: false,
    }
}
const fn wide(name: &'static str) -> Column {
    Column {
        name,
        priority: 1,
        is_name: false,
    }
}
const NAME: Column = Column {
    name: "Name",
    priority: 0,
    is_name: true,
};

const POD: &[Column] = &[
    NAME,
    col("Ready"),
    col("Status"),
    col("Restarts"),
    col("Age"),
    wide("IP"),
    wide("Node"),
    wide("Nominated Node"),
    wide("Readiness Gates"),
];
const STATEFULSET: &[Column] = &[
    NAME,
    col("Ready"),
    col("Age"),
    wide("Containers"),
    wide("Images"),
];
const SERVICE: &[Column] = &[
    NAME,
    col("Type"),
    col("Cluster-IP"),
    col("External-IP"),
    col("Port(s)"),
    col("Age"),
    wide("Selector"),
];
const ENDPOINTS: &[Column] = &[NAME, col("Endpoints"), col("Age")];
const ENDPOINTSLICE: &[Column] = &[
    NAME,
    col("AddressType"),
    col("Ports"),
    col("Endpoints"),
    col("Age"),
];
const NODE: &[Column] = &[
    NAME,
    col("Status"),
    col("Roles"),
    col("Age"),
    col("Version"),
    wide("Internal-IP"),
    wide("External-IP"),
    wide("OS-Image"),
    wide("Kernel-Version"),
    wide("Container-Runtime"),
];
// printers.go: the Name column of events is priority 1 *and* Format "name".
const EVENT: &[Column] = &[
    col("Last Seen"),
    col("Type"),
    col("Reason"),
    col("Object"),
    wide("Subobject"),
    wide("Source"),
    col("Message"),
    wide("First Seen"),
    wide("Count"),
    Column {
        name: "Name",
        priority: 1,
        is_name: true,
    },
];
const NAMESPACE: &[Column] = &[NAME, col("Status"), col("Age")];
const PV: &[Column] = &[
    NAME,
    col("Capacity"),
    col("Access Modes"),
    col("Reclaim Policy"),
    col("Status"),
    col("Claim"),
    col("StorageClass"),
    col("VolumeAttributesClass"),
    col("Reason"),
    col("Age"),
    wide("VolumeMode"),
];
const PVC: &[Column] = &[
    NAME,
    col("Status"),
    col("Volume"),
    col("Capacity"),
    col("Access Modes"),
    col("StorageClass"),
    col("VolumeAttributesClass"),
    col("Age"),
    wide("VolumeMode"),
];
const STORAGECLASS: &[Column] = &[
    NAME,
    col("Provisioner"),
    col("ReclaimPolicy"),
    col("VolumeBindingMode"),
    col("AllowVolumeExpansion"),
    col("Age"),
];
const CONTROLLERREVISION: &[Column] = &[NAME, col("Controller"), col("Revision"), col("Age")];
const RESOURCEQUOTA: &[Column] = &[NAME, col("Request"), col("Limit"), col("Age")];

/// Every column the server defines for `kind`, wide ones included, in server order.
pub fn column_defs(kind: Kind) -> &'static [Column] {
    match kind {
        Kind::Namespace => NAMESPACE,
        Kind::Node => NODE,
        Kind::Service => SERVICE,
        Kind::Endpoints => ENDPOINTS,
        Kind::EndpointSlice => ENDPOINTSLICE,
        Kind::StatefulSet => STATEFULSET,
        Kind::ControllerRevision => CONTROLLERREVISION,
        Kind::Pod => POD,
        Kind::PersistentVolumeClaim => PVC,
        Kind::PersistentVolume => PV,
        Kind::StorageClass => STORAGECLASS,
        Kind::Event => EVENT,
        Kind::ResourceQuota => RESOURCEQUOTA,
    }
}

/// The columns kubectl shows for `kind` (priority-1 columns only when `wide`).
pub fn columns(kind: Kind, wide: bool) -> Vec<Column> {
    column_defs(kind)
        .iter()
        .copied()
        .filter(|c| wide || c.priority == 0)
        .collect()
}

/// The header cells kubectl prints (`strings.ToUpper(column.Name)`).
pub fn headers(kind: Kind, wide: bool) -> Vec<String> {
    columns(kind, wide)
        .iter()
        .map(|c| c.name.to_uppercase())
        .collect()
}

/// The row kubectl shows for `obj`: [`cells`] with the priority-1 cells dropped unless `wide`.
pub fn row(obj: &Object, now: Time, wide: bool) -> Vec<String> {
    let defs = column_defs(obj.kind());
    cells(obj, now)
        .into_iter()
        .zip(defs.iter())
        .filter(|(_, c)| wide || c.priority == 0)
        .map(|(v, _)| v)
        .collect()
}

/// All cells of the server-side row for `obj` (the apiserver always generates wide rows).
pub fn cells(obj: &Object, now: Time) -> Vec<String> {
    match obj {
        Object::Namespace(o) => namespace_cells(o, now),
        Object::Node(o) => node_cells(o, now),
        Object::Service(o) => service_cells(o, now),
        Object::Endpoints(o) => endpoints_cells(o, now),
        Object::EndpointSlice(o) => endpointslice_cells(o, now),
        Object::StatefulSet(o) => statefulset_cells(o, now),
        Object::ControllerRevision(o) => controllerrevision_cells(o, now),
        Object::Pod(o) => pod_cells(o, now),
        Object::PersistentVolumeClaim(o) => pvc_cells(o, now),
        Object::PersistentVolume(o) => pv_cells(o, now),
        Object::StorageClass(o) => storageclass_cells(o, now),
        Object::Event(o) => event_cells(o, now),
        Object::ResourceQuota(o) => resourcequota_cells(o, now),
    }
}

// ---- shared helpers ------------------------------------------------------------------------

/// `translateTimestampSince`: `<unknown>` for a zero time, else `HumanDuration(now - t)`.
pub fn translate_timestamp_since(t: Option<Time>, now: Time) -> String {
    match t {
        Some(t) if t.0 != 0 => human_duration(now.0 as i64 - t.0 as i64),
        _ => "<unknown>".to_string(),
    }
}

fn age(meta: &ObjectMeta, now: Time) -> String {
    translate_timestamp_since(meta.creation_timestamp, now)
}

/// `labels.FormatLabels`: `k=v,k2=v2` in key order, `<none>` when empty.
pub fn format_labels(labels: &VecMap<String, String>) -> String {
    if labels.is_empty() {
        return "<none>".to_string();
    }
    labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// `net.JoinHostPort`: brackets around IPv6 hosts.
fn join_host_port(host: &str, port: &str) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// A `resource.Quantity`-like JSON value as text (`"1Gi"`, or a bare number).
pub fn quantity_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Null => "0".to_string(),
        other => other.to_string(),
    }
}

/// `helper.GetAccessModesAsString`: fixed order RWO, ROX, RWX, RWOP, comma-joined.
pub fn access_modes_string(modes: &[String]) -> String {
    let mut out = Vec::new();
    for (full, short) in [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ] {
        if modes.iter().any(|m| m == full) {
            out.push(short);
        }
    }
    out.join(",")
}

fn str_field<'a>(map: &'a serde_json::Map<String, Value>, key: &str) -> Option<&'a str> {
    map.get(key).and_then(Value::as_str)
}

/// `layoutContainerCells`: names and images comma-joined.
fn layout_container_cells(containers: &[Container]) -> (String, String) {
    let names: Vec<&str> = containers.iter().map(|c| c.name.as_str()).collect();
    let images: Vec<&str> = containers.iter().map(|c| c.image.as_str()).collect();
    (names.join(","), images.join(","))
}

// ---- pods ----------------------------------------------------------------------------------

/// `podutil.IsRestartableInitContainer`: an init container with `restartPolicy: Always` (sidecar).
fn is_restartable_init(c: Option<&Container>) -> bool {
    c.and_then(|c| str_field(&c.extra, "restartPolicy")) == Some("Always")
}

fn later(a: Option<Time>, b: Option<Time>) -> Option<Time> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

fn last_finished(cs: &ContainerStatus) -> Option<Time> {
    cs.last_state
        .terminated
        .as_ref()
        .and_then(|t| t.finished_at)
}

/// The first pod IP (`status.podIPs[0].ip`, falling back to `status.podIP`).
pub fn pod_ip(pod: &Pod) -> Option<String> {
    if let Some(ip) = pod
        .status
        .extra
        .get("podIPs")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .and_then(|v| v.get("ip"))
        .and_then(Value::as_str)
    {
        return Some(ip.to_string());
    }
    single_pod_ip(pod)
}

/// `status.podIP`. The model's `PodStatus::pod_ip` serializes as `podIp` (serde camelCase), so a
/// manifest's `podIP` lands in `extra`; accept both until the model renames the field.
pub fn single_pod_ip(pod: &Pod) -> Option<String> {
    pod.status
        .pod_ip
        .clone()
        .or_else(|| str_field(&pod.status.extra, "podIP").map(str::to_string))
        .filter(|s| !s.is_empty())
}

/// `status.hostIP` (same `hostIp`/`hostIP` caveat as [`single_pod_ip`]).
pub fn host_ip(pod: &Pod) -> Option<String> {
    pod.status
        .host_ip
        .clone()
        .or_else(|| str_field(&pod.status.extra, "hostIP").map(str::to_string))
        .filter(|s| !s.is_empty())
}

/// READY, STATUS and RESTARTS of `printPod` (v1.34).
pub fn pod_ready_status_restarts(pod: &Pod, now: Time) -> (String, String, String) {
    let mut restarts: i64 = 0;
    let mut restartable_init_restarts: i64 = 0;
    let mut total = pod.spec.containers.len();
    let mut ready = 0usize;
    let mut last_restart: Option<Time> = None;
    let mut last_restartable_init_restart: Option<Time> = None;

    let phase = pod.phase();
    let mut reason = phase.to_string();
    if let Some(r) = pod.status.reason.as_deref().filter(|r| !r.is_empty()) {
        reason = r.to_string();
    }
    if pod
        .status
        .conditions
        .iter()
        .any(|c| c.type_ == "PodScheduled" && c.reason.as_deref() == Some("SchedulingGated"))
    {
        reason = "SchedulingGated".to_string();
    }

    // By name; the last of a repeated name, as a map built from the list would hold.
    let init_by_name = |name: &str| {
        pod.spec
            .init_containers
            .iter()
            .rev()
            .find(|c| c.name == name)
    };
    for c in &pod.spec.init_containers {
        if is_restartable_init(Some(c)) {
            total += 1;
        }
    }

    let mut initializing = false;
    let n_init = pod.spec.init_containers.len();
    for (i, cs) in pod.status.init_container_statuses.iter().enumerate() {
        restarts += i64::from(cs.restart_count);
        last_restart = later(last_restart, last_finished(cs));
        let restartable = is_restartable_init(init_by_name(&cs.name));
        if restartable {
            restartable_init_restarts += i64::from(cs.restart_count);
            last_restartable_init_restart = later(last_restartable_init_restart, last_finished(cs));
        }
        let term = cs.state.terminated.as_ref();
        if term.is_some_and(|t| t.exit_code == 0) {
            continue;
        }
        if restartable && cs.started == Some(true) {
            if cs.ready {
                ready += 1;
            }
            continue;
        }
        if let Some(t) = term {
            reason = match t.reason.as_deref().filter(|r| !r.is_empty()) {
                Some(r) => format!("Init:{r}"),
                None => match t.signal.filter(|s| *s != 0) {
                    Some(s) => format!("Init:Signal:{s}"),
                    None => format!("Init:ExitCode:{}", t.exit_code),
                },
            };
        } else if let Some(w) = cs
            .state
            .waiting
            .as_ref()
            .and_then(|w| w.reason.as_deref())
            .filter(|r| !r.is_empty() && *r != "PodInitializing")
        {
            reason = format!("Init:{w}");
        } else {
            reason = format!("Init:{i}/{n_init}");
        }
        initializing = true;
        break;
    }

    let initialized = pod
        .condition("Initialized")
        .is_some_and(|c| c.status == "True");
    if !initializing || initialized {
        restarts = restartable_init_restarts;
        last_restart = last_restartable_init_restart;
        let mut has_running = false;
        for cs in pod.status.container_statuses.iter().rev() {
            restarts += i64::from(cs.restart_count);
            last_restart = later(last_restart, last_finished(cs));
            let waiting = cs
                .state
                .waiting
                .as_ref()
                .and_then(|w| w.reason.as_deref())
                .filter(|r| !r.is_empty());
            if let Some(w) = waiting {
                reason = w.to_string();
            } else if let Some(t) = &cs.state.terminated {
                reason = match t.reason.as_deref().filter(|r| !r.is_empty()) {
                    Some(r) => r.to_string(),
                    None => match t.signal.filter(|s| *s != 0) {
                        Some(s) => format!("Signal:{s}"),
                        None => format!("ExitCode:{}", t.exit_code),
                    },
                };
            } else if cs.ready && cs.state.running.is_some() {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            reason = if pod.is_ready() {
                "Running".to_string()
            } else {
                "NotReady".to_string()
            };
        }
    }

    let terminal = matches!(phase, "Succeeded" | "Failed");
    if pod.metadata.deletion_timestamp.is_some() && pod.status.reason.as_deref() == Some("NodeLost")
    {
        reason = "Unknown".to_string();
    } else if pod.metadata.deletion_timestamp.is_some() && !terminal {
        reason = "Terminating".to_string();
    }

    let restarts_str = match last_restart {
        Some(t) if restarts != 0 && t.0 != 0 => {
            format!(
                "{restarts} ({} ago)",
                translate_timestamp_since(Some(t), now)
            )
        }
        _ => restarts.to_string(),
    };
    (format!("{ready}/{total}"), reason, restarts_str)
}

fn pod_cells(pod: &Pod, now: Time) -> Vec<String> {
    let (ready, status, restarts) = pod_ready_status_restarts(pod, now);
    let node = pod
        .spec
        .node_name
        .clone()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "<none>".into());
    let nominated = str_field(&pod.status.extra, "nominatedNodeName")
        .filter(|s| !s.is_empty())
        .unwrap_or("<none>")
        .to_string();
    let gates: Vec<&str> = pod
        .spec
        .extra
        .get("readinessGates")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|g| g.get("conditionType").and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default();
    let readiness_gates = if gates.is_empty() {
        "<none>".to_string()
    } else {
        let true_count = gates
            .iter()
            .filter(|g| {
                pod.status
                    .conditions
                    .iter()
                    .find(|c| c.type_ == **g)
                    .is_some_and(|c| c.status == "True")
            })
            .count();
        format!("{true_count}/{}", gates.len())
    };
    vec![
        pod.metadata.name.clone(),
        ready,
        status,
        restarts,
        age(&pod.metadata, now),
        pod_ip(pod).unwrap_or_else(|| "<none>".into()),
        node,
        nominated,
        readiness_gates,
    ]
}

// ---- workloads -----------------------------------------------------------------------------

fn statefulset_cells(sts: &StatefulSet, now: Time) -> Vec<String> {
    let (names, images) = layout_container_cells(&sts.spec.template.spec.containers);
    vec![
        sts.metadata.name.clone(),
        format!("{}/{}", sts.status.ready_replicas, sts.replicas()),
        age(&sts.metadata, now),
        names,
        images,
    ]
}

fn controllerrevision_cells(cr: &ControllerRevision, now: Time) -> Vec<String> {
    // `formatResourceName(gvk.GroupKind(), name, true)`: `statefulset.apps/web`.
    let controller = match cr.metadata.controller_ref() {
        Some(r) => {
            let group = r.api_version.split_once('/').map_or("", |(g, _)| g);
            let gk = if group.is_empty() {
                r.kind.clone()
            } else {
                format!("{}.{group}", r.kind)
            };
            if gk.is_empty() {
                r.name.clone()
            } else {
                format!("{}/{}", gk.to_lowercase(), r.name)
            }
        }
        None => "<none>".to_string(),
    };
    vec![
        cr.metadata.name.clone(),
        controller,
        cr.revision.to_string(),
        age(&cr.metadata, now),
    ]
}

// ---- core ----------------------------------------------------------------------------------

fn namespace_cells(ns: &Namespace, now: Time) -> Vec<String> {
    let phase = ns
        .status
        .as_ref()
        .and_then(|s| s.get("phase"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    vec![ns.metadata.name.clone(), phase, age(&ns.metadata, now)]
}

/// `findNodeRoles`: `node-role.kubernetes.io/<role>` keys and `kubernetes.io/role` values, sorted.
pub fn node_roles(node: &Node) -> Vec<String> {
    let mut roles = ordinal_model::vecmap::VecSet::new();
    for (k, v) in &node.metadata.labels {
        if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
            if !role.is_empty() {
                roles.insert(role.to_string());
            }
        } else if k == "kubernetes.io/role" && !v.is_empty() {
            roles.insert(v.clone());
        }
    }
    roles.into_iter().collect()
}

fn node_info<'a>(node: &'a Node, key: &str) -> &'a str {
    node.status
        .node_info
        .as_ref()
        .and_then(|i| i.get(key))
        .and_then(Value::as_str)
        .unwrap_or("")
}

fn node_cells(node: &Node, now: Time) -> Vec<String> {
    let mut status: Vec<String> = Vec::new();
    // NodeAllConditions = [Ready]; the last Ready condition wins (conditionMap).
    if let Some(c) = node
        .status
        .conditions
        .iter()
        .rev()
        .find(|c| c.type_ == "Ready")
    {
        status.push(if c.status == "True" {
            "Ready".into()
        } else {
            "NotReady".into()
        });
    }
    if status.is_empty() {
        status.push("Unknown".into());
    }
    if node.spec.unschedulable == Some(true) {
        status.push("SchedulingDisabled".into());
    }
    let roles = node_roles(node).join(",");
    let addr = |t: &str| {
        node.status
            .addresses
            .iter()
            .find(|a| a.type_ == t)
            .map_or_else(|| "<none>".to_string(), |a| a.address.clone())
    };
    let or_unknown = |s: &str| {
        if s.is_empty() {
            "<unknown>".to_string()
        } else {
            s.to_string()
        }
    };
    vec![
        node.metadata.name.clone(),
        status.join(","),
        if roles.is_empty() {
            "<none>".into()
        } else {
            roles
        },
        age(&node.metadata, now),
        node_info(node, "kubeletVersion").to_string(),
        addr("InternalIP"),
        addr("ExternalIP"),
        or_unknown(node_info(node, "osImage")),
        or_unknown(node_info(node, "kernelVersion")),
        or_unknown(node_info(node, "containerRuntimeVersion")),
    ]
}

fn service_external_ip(svc: &Service) -> String {
    let external_ips: Vec<&str> = svc
        .spec
        .extra
        .get("externalIPs")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    match svc.spec.type_.as_deref().unwrap_or("ClusterIP") {
        "ClusterIP" | "NodePort" => {
            if external_ips.is_empty() {
                "<none>".into()
            } else {
                external_ips.join(",")
            }
        }
        "LoadBalancer" => {
            // loadBalancerStatusStringer: a sorted set of IPs/hostnames, clipped to 16 bytes.
            let mut set = ordinal_model::vecmap::VecSet::new();
            if let Some(ing) = svc
                .status
                .get("loadBalancer")
                .and_then(|l| l.get("ingress"))
                .and_then(Value::as_array)
            {
                for i in ing {
                    if let Some(ip) = i
                        .get("ip")
                        .and_then(Value::as_str)
                        .filter(|s| !s.is_empty())
                    {
                        set.insert(ip.to_string());
                    } else if let Some(h) = i.get("hostname").and_then(Value::as_str) {
                        set.insert(h.to_string());
                    }
                }
            }
            let lb = set.into_iter().collect::<Vec<_>>().join(",");
            // The server always renders wide rows, so no clipping here.
            let mut results: Vec<String> = Vec::new();
            if !lb.is_empty() {
                results.extend(lb.split(',').map(str::to_string));
            }
            if !external_ips.is_empty() {
                results.extend(external_ips.iter().map(|s| s.to_string()));
                return results.join(",");
            }
            if !lb.is_empty() {
                return lb;
            }
            "<pending>".into()
        }
        "ExternalName" => str_field(&svc.spec.extra, "externalName")
            .unwrap_or("")
            .to_string(),
        _ => "<unknown>".into(),
    }
}

/// `makePortString`: `80/TCP`, `80:30080/TCP`, comma-joined.
pub fn service_ports(svc: &Service) -> String {
    svc.spec
        .ports
        .iter()
        .map(|p| {
            let proto = p.protocol.as_deref().unwrap_or("TCP");
            match p.node_port.filter(|n| *n > 0) {
                Some(np) => format!("{}:{np}/{proto}", p.port),
                None => format!("{}/{proto}", p.port),
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn service_cells(svc: &Service, now: Time) -> Vec<String> {
    // printService reads spec.clusterIPs[0]; the apiserver always fills clusterIPs from clusterIP,
    // so fall back to clusterIP for objects written without it.
    let internal_ip = svc
        .spec
        .cluster_ips
        .first()
        .cloned()
        .or_else(|| svc.spec.cluster_ip.clone())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "<none>".into());
    let ports = service_ports(svc);
    vec![
        svc.metadata.name.clone(),
        svc.spec.type_.clone().unwrap_or_else(|| "ClusterIP".into()),
        internal_ip,
        service_external_ip(svc),
        if ports.is_empty() {
            "<none>".into()
        } else {
            ports
        },
        age(&svc.metadata, now),
        format_labels(&svc.spec.selector),
    ]
}

/// `formatEndpoints(endpoints, nil)`: `ip:port` for ready addresses, first 3 then ` + N more...`.
pub fn format_endpoints(ep: &Endpoints) -> String {
    if ep.subsets.is_empty() {
        return "<none>".into();
    }
    const MAX: usize = 3;
    let mut list: Vec<String> = Vec::new();
    let mut more = false;
    let mut count = 0usize;
    for ss in &ep.subsets {
        if ss.ports.is_empty() {
            count += ss.addresses.len();
            for a in &ss.addresses {
                if list.len() == MAX {
                    more = true;
                    break;
                }
                list.push(a.ip.clone());
            }
            continue;
        }
        for port in &ss.ports {
            let p = port.get("port").map(quantity_str).unwrap_or_default();
            count += ss.addresses.len();
            for a in &ss.addresses {
                if list.len() == MAX {
                    more = true;
                    break;
                }
                list.push(join_host_port(&a.ip, &p));
            }
        }
    }
    let ret = list.join(",");
    if more {
        format!("{ret} + {} more...", count - MAX)
    } else {
        ret
    }
}

fn endpoints_cells(ep: &Endpoints, now: Time) -> Vec<String> {
    vec![
        ep.metadata.name.clone(),
        format_endpoints(ep),
        age(&ep.metadata, now),
    ]
}

fn list_with_more(list: Vec<String>, more: bool, count: usize, max: usize) -> String {
    let ret = list.join(",");
    if more {
        return format!("{ret} + {} more...", count - max);
    }
    if ret.is_empty() {
        "<unset>".into()
    } else {
        ret
    }
}

fn endpointslice_cells(s: &EndpointSlice, now: Time) -> Vec<String> {
    const MAX: usize = 3;
    let (mut ports, mut more, mut count) = (Vec::new(), false, 0usize);
    for p in &s.ports {
        if ports.len() < MAX {
            let num = match p.get("port").filter(|v| !v.is_null()) {
                Some(v) => quantity_str(v),
                None => match p.get("name").and_then(Value::as_str) {
                    Some(n) => n.to_string(),
                    None => "*".to_string(),
                },
            };
            ports.push(num);
        } else if ports.len() == MAX {
            more = true;
        }
        count += 1;
    }
    let ports = list_with_more(ports, more, count, MAX);
    let (mut addrs, mut more, mut count) = (Vec::new(), false, 0usize);
    for e in &s.endpoints {
        for a in e
            .get("addresses")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if addrs.len() < MAX {
                addrs.push(a.as_str().unwrap_or("").to_string());
            } else if addrs.len() == MAX {
                more = true;
            }
            count += 1;
        }
    }
    let endpoints = list_with_more(addrs, more, count, MAX);
    vec![
        s.metadata.name.clone(),
        s.address_type.clone(),
        ports,
        endpoints,
        age(&s.metadata, now),
    ]
}

/// `formatEventSource(source, reportingController, reportingInstance)`.
fn format_event_source(e: &Event) -> String {
    let component = if e.source.component.is_empty() {
        e.reporting_component.clone().unwrap_or_default()
    } else {
        e.source.component.clone()
    };
    let instance = if e.source.host.is_empty() {
        e.reporting_instance.clone().unwrap_or_default()
    } else {
        e.source.host.clone()
    };
    if instance.is_empty() {
        component
    } else {
        format!("{component}, {instance}")
    }
}

/// `kind/name` as the OBJECT column shows it (`pod/web-0`, `statefulset/web`).
pub fn event_target(e: &Event) -> String {
    if e.involved_object.name.is_empty() {
        e.involved_object.kind.to_lowercase()
    } else {
        format!(
            "{}/{}",
            e.involved_object.kind.to_lowercase(),
            e.involved_object.name
        )
    }
}

fn event_cells(e: &Event, now: Time) -> Vec<String> {
    let first = translate_timestamp_since(e.first_timestamp, now);
    let last = match e.last_timestamp {
        Some(t) if t.0 != 0 => translate_timestamp_since(Some(t), now),
        _ => first.clone(),
    };
    let count = if e.count == 0 { 1 } else { e.count };
    vec![
        last,
        e.type_.clone(),
        e.reason.clone(),
        event_target(e),
        e.involved_object.field_path.clone().unwrap_or_default(),
        format_event_source(e),
        e.message.trim().to_string(),
        first,
        count.to_string(),
        e.metadata.name.clone(),
    ]
}

fn resourcequota_cells(rq: &ResourceQuota, now: Time) -> Vec<String> {
    let mut requests = String::new();
    let mut limits = String::new();
    for (resource, hard) in &rq.status.hard {
        let used = rq
            .status
            .used
            .get(resource)
            .map(quantity_str)
            .unwrap_or_else(|| "0".into());
        let w = match resource.split_once('.') {
            Some(("limits", _)) => &mut limits,
            _ => &mut requests,
        };
        w.push_str(&format!("{resource}: {used}/{}, ", quantity_str(hard)));
    }
    vec![
        rq.metadata.name.clone(),
        requests.trim_end_matches(", ").to_string(),
        limits.trim_end_matches(", ").to_string(),
        age(&rq.metadata, now),
    ]
}

// ---- storage -------------------------------------------------------------------------------

/// `GetPersistentVolumeClaimClass`: `spec.storageClassName`, else the beta annotation.
pub fn pvc_class(pvc: &PersistentVolumeClaim) -> String {
    if let Some(c) = pvc
        .metadata
        .annotations
        .get("volume.beta.kubernetes.io/storage-class")
    {
        return c.clone();
    }
    pvc.spec.storage_class_name.clone().unwrap_or_default()
}

/// `GetPersistentVolumeClass`: the beta annotation, else `spec.storageClassName`.
pub fn pv_class(pv: &PersistentVolume) -> String {
    if let Some(c) = pv
        .metadata
        .annotations
        .get("volume.beta.kubernetes.io/storage-class")
    {
        return c.clone();
    }
    pv.spec.storage_class_name.clone().unwrap_or_default()
}

fn pvc_cells(pvc: &PersistentVolumeClaim, now: Time) -> Vec<String> {
    let phase = if pvc.metadata.deletion_timestamp.is_some() {
        "Terminating".to_string()
    } else {
        pvc.status.phase.clone().unwrap_or_default()
    };
    let volume = pvc.spec.volume_name.clone().unwrap_or_default();
    let (capacity, modes) = if volume.is_empty() {
        (String::new(), String::new())
    } else {
        (
            pvc.status
                .capacity
                .get("storage")
                .map(quantity_str)
                .unwrap_or_else(|| "0".into()),
            access_modes_string(&pvc.status.access_modes),
        )
    };
    vec![
        pvc.metadata.name.clone(),
        phase,
        volume,
        capacity,
        modes,
        pvc_class(pvc),
        str_field(&pvc.spec.extra, "volumeAttributesClassName")
            .unwrap_or("<unset>")
            .to_string(),
        age(&pvc.metadata, now),
        pvc.spec
            .volume_mode
            .clone()
            .unwrap_or_else(|| "<unset>".into()),
    ]
}

fn pv_cells(pv: &PersistentVolume, now: Time) -> Vec<String> {
    let claim = pv
        .spec
        .claim_ref
        .as_ref()
        .map(|c| format!("{}/{}", c.namespace, c.name))
        .unwrap_or_default();
    let phase = if pv.metadata.deletion_timestamp.is_some() {
        "Terminating".to_string()
    } else {
        pv.status.phase.clone().unwrap_or_default()
    };
    vec![
        pv.metadata.name.clone(),
        pv.spec
            .capacity
            .get("storage")
            .map(quantity_str)
            .unwrap_or_else(|| "0".into()),
        access_modes_string(&pv.spec.access_modes),
        pv.spec
            .persistent_volume_reclaim_policy
            .clone()
            .unwrap_or_default(),
        phase,
        claim,
        pv_class(pv),
        str_field(&pv.spec.extra, "volumeAttributesClassName")
            .unwrap_or("<unset>")
            .to_string(),
        pv.status.reason.clone().unwrap_or_default(),
        age(&pv.metadata, now),
        pv.spec
            .volume_mode
            .clone()
            .unwrap_or_else(|| "<unset>".into()),
    ]
}

/// `storageutil.IsDefaultAnnotation`.
pub fn is_default_class(meta: &ObjectMeta) -> bool {
    [
        "storageclass.kubernetes.io/is-default-class",
        "storageclass.beta.kubernetes.io/is-default-class",
    ]
    .iter()
    .any(|k| meta.annotations.get(*k).map(String::as_str) == Some("true"))
}

fn storageclass_cells(sc: &StorageClass, now: Time) -> Vec<String> {
    let mut name = sc.metadata.name.clone();
    if is_default_class(&sc.metadata) {
        name.push_str(" (default)");
    }
    vec![
        name,
        sc.provisioner.clone(),
        sc.reclaim_policy.clone().unwrap_or_else(|| "Delete".into()),
        sc.volume_binding_mode
            .clone()
            .unwrap_or_else(|| "Immediate".into()),
        sc.allow_volume_expansion.unwrap_or(false).to_string(),
        age(&sc.metadata, now),
    ]
}

// ---- client side: kubectl's table printer ---------------------------------------------------

/// How `kubectl get` decorates the server tables (`printers.PrintOptions`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrintOptions {
    /// `-o wide`.
    pub wide: bool,
    /// `--no-headers`.
    pub no_headers: bool,
    /// `-A`: a NAMESPACE column first (namespaced kinds only).
    pub all_namespaces: bool,
    /// `--show-kind`; kind prefixes are also switched on when several kinds are printed.
    pub show_kind: bool,
    /// `--show-labels`: a LABELS column last.
    pub show_labels: bool,
    /// `-L key`: one column per key (header = last path segment, upper-cased).
    pub label_columns: Vec<String>,
}

/// `cellBreakChars`: a cell is cut at the first `\n`, `\r` or `\f` and gets `...`.
fn sanitize_cell(s: &str) -> String {
    match s.find(['\n', '\r', '\u{c}']) {
        Some(i) => format!("{}...", &s[..i]),
        None => s.to_string(),
    }
}

/// The decorated header for `kind` (`decorateTable` + `printTable` header).
fn decorated_header(
    kind: Kind,
    opts: &PrintOptions,
    with_ns: bool,
    event_col: bool,
) -> Vec<String> {
    let mut h = Vec::new();
    if event_col {
        h.push("EVENT".to_string());
    }
    if with_ns {
        h.push("NAMESPACE".to_string());
    }
    h.extend(headers(kind, opts.wide));
    for l in &opts.label_columns {
        h.push(l.rsplit('/').next().unwrap_or(l).to_uppercase());
    }
    if opts.show_labels {
        h.push("LABELS".to_string());
    }
    h
}

/// The decorated row for `obj`.
fn decorated_row(
    obj: &Object,
    now: Time,
    opts: &PrintOptions,
    with_ns: bool,
    with_kind: bool,
    event: Option<WatchEventType>,
) -> Vec<String> {
    let kind = obj.kind();
    let defs = columns(kind, opts.wide);
    let mut cells = row(obj, now, opts.wide);
    if with_kind {
        if let Some(i) = defs.iter().position(|c| c.is_name) {
            if let Some(cell) = cells.get_mut(i) {
                *cell = format!("{}/{}", kind.qualified_singular(), cell);
            }
        }
    }
    let mut out = Vec::with_capacity(cells.len() + 4);
    if let Some(ev) = event {
        out.push(format_event_type(ev).to_string());
    }
    if with_ns {
        out.push(obj.meta().ns().to_string());
    }
    out.extend(cells);
    let labels = &obj.meta().labels;
    for key in &opts.label_columns {
        out.push(labels.get(key).cloned().unwrap_or_default());
    }
    if opts.show_labels {
        out.push(format_labels(labels));
    }
    out.iter().map(|c| sanitize_cell(c)).collect()
}

/// `formattedEventType`: padded to 8 so the EVENT column lines up.
pub fn format_event_type(t: WatchEventType) -> &'static str {
    match t {
        WatchEventType::Added => "ADDED   ",
        WatchEventType::Modified => "MODIFIED",
        WatchEventType::Deleted => "DELETED ",
    }
}

/// The message kubectl prints to stderr when nothing was printed:
/// `No resources found in default namespace.` (all requested kinds namespaced, no `-A`), else
/// `No resources found`.
pub fn no_resources_found(namespace: &str, all_resources_namespaced: bool) -> String {
    if all_resources_namespaced {
        format!("No resources found in {namespace} namespace.")
    } else {
        "No resources found".to_string()
    }
}

/// One resource type's result, in the order the command named them (`kubectl get pods,sts`).
#[derive(Debug, Clone)]
pub struct KindGroup {
    pub kind: Kind,
    pub objects: Vec<Arc<Object>>,
}

/// `kubectl get` in a human-readable format (`get.go` `Run`): one server table per group, widths
/// reset between kinds, a blank line before each later table that prints something. Returns the
/// stdout text; empty when nothing was printed (then the caller prints [`no_resources_found`]).
pub fn print_get(groups: &[KindGroup], now: Time, opts: &PrintOptions) -> String {
    let mut kinds: Vec<Kind> = groups.iter().map(|g| g.kind).collect();
    kinds.dedup();
    let distinct = {
        let mut k = kinds.clone();
        ordinal_model::sort::sort(&mut k);
        k.dedup();
        k.len()
    };
    // multipleGVKsRequested: more than one info with differing kinds.
    let with_kind = opts.show_kind || (groups.len() > 1 && distinct > 1);
    let mut out = String::new();
    let mut written_any = false;
    let mut i = 0;
    while i < groups.len() {
        // Consecutive groups of the same kind share one printer (shouldGetNewPrinterForMapping).
        let kind = groups[i].kind;
        let mut j = i;
        let mut tw = TabWriter::kubectl();
        let with_ns = opts.all_namespaces && kind.namespaced();
        let mut printed_headers = false;
        while j < groups.len() && groups[j].kind == kind {
            let g = &groups[j];
            if !g.objects.is_empty() {
                if !opts.no_headers && !printed_headers {
                    tw.write_row(&decorated_header(kind, opts, with_ns, false));
                }
                printed_headers = true;
                for o in &g.objects {
                    tw.write_row(&decorated_row(o, now, opts, with_ns, with_kind, None));
                }
            }
            j += 1;
        }
        let text = tw.finish();
        if !text.is_empty() {
            if written_any && !opts.no_headers {
                out.push('\n');
            }
            out.push_str(&text);
            written_any = true;
        }
        i = j;
    }
    out
}

/// `kubectl get -w` for one kind: the header once (with the first row), then one row per watch
/// event through the same `RememberWidths` tabwriter, flushed after the initial list and after
/// every event — so later rows keep the columns the first flush chose and only widen them.
#[derive(Debug, Clone)]
pub struct WatchPrinter {
    kind: Kind,
    opts: PrintOptions,
    output_watch_events: bool,
    with_ns: bool,
    tw: TabWriter,
    printed_headers: bool,
}

impl WatchPrinter {
    /// `output_watch_events`: `--output-watch-events` (an EVENT column first; initial objects
    /// print as ADDED).
    pub fn new(kind: Kind, opts: PrintOptions, output_watch_events: bool) -> WatchPrinter {
        let with_ns = opts.all_namespaces && kind.namespaced();
        WatchPrinter {
            kind,
            opts,
            output_watch_events,
            with_ns,
            tw: TabWriter::kubectl(),
            printed_headers: false,
        }
    }

    fn write_rows(&mut self, objs: &[&Object], now: Time, ev: Option<WatchEventType>) -> String {
        if !objs.is_empty() {
            if !self.printed_headers && !self.opts.no_headers {
                let h = decorated_header(self.kind, &self.opts, self.with_ns, ev.is_some());
                self.tw.write_row(&h);
            }
            self.printed_headers = true;
            for o in objs {
                let r = decorated_row(o, now, &self.opts, self.with_ns, false, ev);
                self.tw.write_row(&r);
            }
        }
        self.tw.flush();
        self.tw.take_output()
    }

    /// The initial list (skip this call for `--watch-only`).
    pub fn initial(&mut self, objs: &[&Object], now: Time) -> String {
        let ev = self.output_watch_events.then_some(WatchEventType::Added);
        self.write_rows(objs, now, ev)
    }

    /// One watch event (DELETED prints the object's last state).
    pub fn event(&mut self, type_: WatchEventType, obj: &Object, now: Time) -> String {
        let ev = self.output_watch_events.then_some(type_);
        self.write_rows(&[obj], now, ev)
    }
}
