//! The endpoints and endpointslice controllers: one Endpoints object and one EndpointSlice per
//! Service with a selector, from the pods it selects (`statefulset-semantics.md` §1.7).
//!
//! Membership follows `endpointslice/util.ShouldPodBeInEndpoints` and the hostname rule
//! `ShouldSetHostname` (`staging/src/k8s.io/endpointslice/util/controller_utils.go`).

use super::{Controller, ControllerId, Ctx};
use crate::api::{ApiServer, DeleteOptions, Selector, WatchEvent, WatchEventType};
use crate::objects::{
    EndpointAddress, EndpointSlice, EndpointSubset, Endpoints, IntOrString, Kind, Node, Object,
    ObjectMeta, ObjectRef, OwnerReference, Pod, Service,
};
use crate::reason::Reason;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";
const MANAGED_BY_LABEL: &str = "endpointslice.kubernetes.io/managed-by";
const MANAGED_BY: &str = "endpointslice-controller.k8s.io";
const HEADLESS_LABEL: &str = "service.kubernetes.io/headless";

/// Why the endpoints controllers acted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EndpointsReason {
    /// The service's endpoints now list `ready` ready and `not_ready` not-ready addresses.
    Updated {
        ready: Vec<String>,
        not_ready: Vec<String>,
    },
    /// The service is gone: its Endpoints and EndpointSlices were removed.
    Removed,
}

impl fmt::Display for EndpointsReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EndpointsReason::Updated { ready, not_ready } => write!(
                f,
                "endpoints updated: ready [{}], not ready [{}]",
                ready.join(" "),
                not_ready.join(" ")
            ),
            EndpointsReason::Removed => f.write_str("service deleted: endpoints removed"),
        }
    }
}

impl EndpointsReason {
    pub fn is_wait(&self) -> bool {
        false
    }
}

#[derive(Debug, Clone, Default)]
pub struct EndpointsController {
    /// service key → pods it currently lists (to resync when a pod stops matching).
    members: BTreeMap<ObjectRef, BTreeSet<String>>,
}

fn svc_key(ns: &str, name: &str) -> ObjectRef {
    ObjectRef::new(Kind::Service, ns, name)
}

/// `ShouldPodBeInEndpoints(pod, includeTerminating)`.
pub fn should_pod_be_in_endpoints(pod: &Pod, include_terminating: bool) -> bool {
    if pod.is_terminal() {
        return false;
    }
    if pod.status.pod_ip.as_deref().unwrap_or("").is_empty() {
        return false;
    }
    include_terminating || !pod.metadata.is_deleting()
}

/// `ShouldSetHostname`: the pod's hostname goes on its address when its subdomain is the service.
pub fn should_set_hostname(pod: &Pod, svc: &Service) -> bool {
    pod.spec.hostname.as_deref().is_some_and(|h| !h.is_empty())
        && pod.spec.subdomain.as_deref() == Some(svc.metadata.name.as_str())
        && pod.metadata.ns() == svc.metadata.ns()
}

fn selects(svc: &Service, pod: &Pod) -> bool {
    !svc.spec.selector.is_empty()
        && svc
            .spec
            .selector
            .iter()
            .all(|(k, v)| pod.metadata.labels.get(k) == Some(v))
}

/// The container port a service port targets on `pod` (`podutil.FindPort`).
fn find_port(pod: &Pod, target: Option<&IntOrString>, port: i32) -> Option<i32> {
    match target {
        None => Some(port),
        Some(IntOrString::Int(n)) => i32::try_from(*n).ok(),
        Some(IntOrString::Str(name)) => pod
            .spec
            .containers
            .iter()
            .flat_map(|c| c.ports.iter())
            .find(|p| p.name.as_deref() == Some(name.as_str()))
            .map(|p| p.container_port),
    }
}

fn service_labels(svc: &Service) -> BTreeMap<String, String> {
    let mut labels = svc.metadata.labels.clone();
    if svc.is_headless() {
        labels.insert(HEADLESS_LABEL.into(), String::new());
    }
    labels
}

impl Controller for EndpointsController {
    const ID: ControllerId = ControllerId::Endpoints;

    fn watch(&mut self, ev: &WatchEvent, api: &ApiServer, enqueue: &mut dyn FnMut(ObjectRef)) {
        match &*ev.object {
            Object::Service(s) => enqueue(svc_key(s.metadata.ns(), &s.metadata.name)),
            Object::Pod(p) => {
                let ns = p.metadata.ns();
                let gone = ev.type_ == WatchEventType::Deleted;
                for s in api.list::<Service>(Some(ns)) {
                    if !gone && selects(s, p) {
                        enqueue(svc_key(ns, &s.metadata.name));
                    }
                }
                for (k, m) in &self.members {
                    if k.namespace == ns && m.contains(&p.metadata.name) {
                        enqueue(k.clone());
                    }
                }
            }
            Object::Endpoints(e) => enqueue(svc_key(e.metadata.ns(), &e.metadata.name)),
            Object::EndpointSlice(s) => {
                if let Some(svc) = s.metadata.labels.get(SERVICE_NAME_LABEL) {
                    enqueue(svc_key(s.metadata.ns(), svc));
                }
            }
            _ => {}
        }
    }

    fn handle(&mut self, key: &ObjectRef, _tag: u32, ctx: &mut Ctx<'_>) {
        let ns = key.namespace.clone();
        let Some(svc) = ctx.api.get::<Service>(&ns, &key.name).cloned() else {
            self.members.remove(key);
            let mut removed = false;
            let opts = DeleteOptions::default();
            if ctx.api.get::<Endpoints>(&ns, &key.name).is_some() {
                removed |= ctx
                    .api
                    .delete(
                        Kind::Endpoints,
                        &ns,
                        &key.name,
                        &opts,
                        "endpoint-controller",
                    )
                    .is_ok();
            }
            for name in slices_of(ctx.api, &ns, &key.name) {
                removed |= ctx
                    .api
                    .delete(
                        Kind::EndpointSlice,
                        &ns,
                        &name,
                        &opts,
                        "endpointslice-controller",
                    )
                    .is_ok();
            }
            if removed {
                ctx.reason(key.clone(), Reason::Endpoints(EndpointsReason::Removed));
            }
            return;
        };
        if svc.spec.selector.is_empty() {
            if ns == "default" && key.name == "kubernetes" {
                self.sync_apiserver_endpoints(&svc, ctx);
            }
            return;
        }
        let publish = svc.spec.publish_not_ready_addresses == Some(true);
        let mut pods: Vec<Pod> = ctx
            .api
            .list::<Pod>(Some(&ns))
            .filter(|p| selects(&svc, p))
            .cloned()
            .collect();
        crate::sort::sort_by(&mut pods, |a, b| a.metadata.name.cmp(&b.metadata.name));
        self.members.insert(
            key.clone(),
            pods.iter().map(|p| p.metadata.name.clone()).collect(),
        );

        // ---- Endpoints (endpoints controller: terminating pods only with publishNotReady) ----
        let mut subsets: Vec<(Vec<Value>, EndpointSubset)> = Vec::new();
        let mut ready_names = Vec::new();
        let mut unready_names = Vec::new();
        for pod in pods
            .iter()
            .filter(|p| should_pod_be_in_endpoints(p, publish))
        {
            let ports: Vec<Value> = svc
                .spec
                .ports
                .iter()
                .filter_map(|sp| {
                    let port = find_port(pod, sp.target_port.as_ref(), sp.port)?;
                    let mut v = json!({"port": port, "protocol": sp.protocol.clone().unwrap_or_else(|| "TCP".into())});
                    if let Some(n) = sp.name.as_deref().filter(|n| !n.is_empty()) {
                        v["name"] = json!(n);
                    }
                    Some(v)
                })
                .collect();
            let addr = EndpointAddress {
                ip: pod.status.pod_ip.clone().unwrap_or_default(),
                hostname: should_set_hostname(pod, &svc)
                    .then(|| pod.spec.hostname.clone().unwrap_or_default()),
                node_name: pod.spec.node_name.clone(),
                target_ref: Some(json!({
                    "kind": "Pod", "name": pod.metadata.name,
                    "namespace": pod.metadata.ns(), "uid": pod.metadata.uid,
                })),
            };
            let idx = match subsets.iter().position(|(p, _)| *p == ports) {
                Some(i) => i,
                None => {
                    subsets.push((
                        ports.clone(),
                        EndpointSubset {
                            ports,
                            ..Default::default()
                        },
                    ));
                    subsets.len() - 1
                }
            };
            if publish || pod.is_ready() {
                ready_names.push(pod.metadata.name.clone());
                subsets[idx].1.addresses.push(addr);
            } else {
                unready_names.push(pod.metadata.name.clone());
                subsets[idx].1.not_ready_addresses.push(addr);
            }
        }
        let mut subsets: Vec<EndpointSubset> = subsets.into_iter().map(|(_, s)| s).collect();
        for s in &mut subsets {
            // RepackSubsets: addresses sorted by IP (byte order of the string), then UID.
            crate::sort::sort_by(&mut s.addresses, |a, b| a.ip.cmp(&b.ip));
            crate::sort::sort_by(&mut s.not_ready_addresses, |a, b| a.ip.cmp(&b.ip));
        }
        let mut ep_meta = ObjectMeta::named(Some(&ns), &key.name);
        ep_meta.labels = service_labels(&svc);
        let changed_ep = write_endpoints(ctx, ep_meta, subsets);

        // ---- EndpointSlice (includes terminating pods with their conditions) ----
        let mut endpoints = Vec::new();
        for pod in pods.iter().filter(|p| should_pod_be_in_endpoints(p, true)) {
            let terminating = pod.metadata.is_deleting();
            let ready = pod.is_ready();
            let mut e = json!({
                "addresses": [pod.status.pod_ip.clone().unwrap_or_default()],
                "conditions": {
                    "ready": publish || (ready && !terminating),
                    "serving": ready,
                    "terminating": terminating,
                },
                "targetRef": {"kind": "Pod", "name": pod.metadata.name, "namespace": ns, "uid": pod.metadata.uid},
            });
            if should_set_hostname(pod, &svc) {
                e["hostname"] = json!(pod.spec.hostname.clone().unwrap_or_default());
            }
            if let Some(n) = &pod.spec.node_name {
                e["nodeName"] = json!(n);
            }
            endpoints.push(e);
        }
        let ports: Vec<Value> = svc
            .spec
            .ports
            .iter()
            .map(|sp| {
                let port = match &sp.target_port {
                    Some(IntOrString::Int(n)) => json!(n),
                    Some(IntOrString::Str(_)) => pods
                        .iter()
                        .find_map(|p| find_port(p, sp.target_port.as_ref(), sp.port))
                        .map_or(Value::Null, |p| json!(p)),
                    None => json!(sp.port),
                };
                json!({
                    "name": sp.name.clone().unwrap_or_default(),
                    "port": port,
                    "protocol": sp.protocol.clone().unwrap_or_else(|| "TCP".into()),
                })
            })
            .collect();
        let changed_slice = write_slice(ctx, &svc, endpoints, ports);
        if changed_ep || changed_slice {
            ctx.reason(
                key.clone(),
                Reason::Endpoints(EndpointsReason::Updated {
                    ready: ready_names,
                    not_ready: unready_names,
                }),
            );
        }
    }
}

fn slices_of(api: &ApiServer, ns: &str, svc: &str) -> Vec<String> {
    let sel = Selector::parse(&format!("{SERVICE_NAME_LABEL}={svc}"));
    match sel {
        Ok(sel) => api
            .list_selected::<EndpointSlice>(Some(ns), &sel)
            .filter(|s| {
                s.metadata.labels.get(MANAGED_BY_LABEL).map(String::as_str) == Some(MANAGED_BY)
            })
            .map(|s| s.metadata.name.clone())
            .collect(),
        Err(_) => Vec::new(),
    }
}

fn write_endpoints(ctx: &mut Ctx<'_>, meta: ObjectMeta, subsets: Vec<EndpointSubset>) -> bool {
    let ns = meta.ns().to_string();
    match ctx.api.get::<Endpoints>(&ns, &meta.name).cloned() {
        Some(old) => {
            if old.subsets == subsets && old.metadata.labels == meta.labels {
                return false;
            }
            let mut e = old.clone();
            e.subsets = subsets;
            e.metadata.labels = meta.labels;
            ctx.api.update(e.into(), "endpoint-controller").is_ok()
        }
        None => {
            let e = Endpoints {
                metadata: meta,
                subsets,
            };
            ctx.api.create(e.into(), "endpoint-controller").is_ok()
        }
    }
}

fn write_slice(ctx: &mut Ctx<'_>, svc: &Service, endpoints: Vec<Value>, ports: Vec<Value>) -> bool {
    let ns = svc.metadata.ns().to_string();
    let name = svc.metadata.name.clone();
    let mut labels = service_labels(svc);
    labels.insert(SERVICE_NAME_LABEL.into(), name.clone());
    labels.insert(MANAGED_BY_LABEL.into(), MANAGED_BY.into());
    let existing = slices_of(ctx.api, &ns, &name);
    let opts = DeleteOptions::default();
    for extra in existing.iter().skip(1) {
        let _ = ctx.api.delete(
            Kind::EndpointSlice,
            &ns,
            extra,
            &opts,
            "endpointslice-controller",
        );
    }
    match existing
        .first()
        .and_then(|n| ctx.api.get::<EndpointSlice>(&ns, n))
        .cloned()
    {
        Some(old) => {
            if old.endpoints == endpoints && old.ports == ports && old.metadata.labels == labels {
                return false;
            }
            let mut s = old;
            s.endpoints = endpoints;
            s.ports = ports;
            s.metadata.labels = labels;
            ctx.api.update(s.into(), "endpointslice-controller").is_ok()
        }
        None => {
            let mut meta = ObjectMeta::named(Some(&ns), "");
            meta.generate_name = Some(format!("{name}-"));
            meta.labels = labels;
            meta.owner_references = vec![OwnerReference {
                api_version: "v1".into(),
                kind: "Service".into(),
                name: name.clone(),
                uid: svc.metadata.uid.clone(),
                controller: Some(true),
                block_owner_deletion: Some(true),
            }];
            let s = EndpointSlice {
                metadata: meta,
                address_type: "IPv4".into(),
                endpoints,
                ports,
            };
            ctx.api.create(s.into(), "endpointslice-controller").is_ok()
        }
    }
}

impl EndpointsController {
    /// `default/kubernetes` has no selector: the apiserver maintains its endpoints itself.
    fn sync_apiserver_endpoints(&mut self, svc: &Service, ctx: &mut Ctx<'_>) {
        let ip = ctx
            .api
            .list::<Node>(None)
            .find(|n| {
                n.metadata
                    .labels
                    .contains_key("node-role.kubernetes.io/control-plane")
            })
            .and_then(|n| n.internal_ip().map(str::to_string));
        let Some(ip) = ip else { return };
        let mut meta = ObjectMeta::named(Some("default"), "kubernetes");
        meta.labels.insert(
            "endpointslice.kubernetes.io/skip-mirror".into(),
            "true".into(),
        );
        let subsets = vec![EndpointSubset {
            addresses: vec![EndpointAddress {
                ip,
                hostname: None,
                node_name: None,
                target_ref: None,
            }],
            not_ready_addresses: vec![],
            ports: vec![json!({"name": "https", "port": 6443, "protocol": "TCP"})],
        }];
        let _ = svc;
        write_endpoints(ctx, meta, subsets);
    }
}
