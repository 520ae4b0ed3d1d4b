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
use crate::vecmap::{VecMap, VecSet};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";
const MANAGED_BY_LABEL: &str = "endpointslice.kubernetes.io/managed-by";
const MANAGED_BY: &str = "endpointslice-controller.k8s.io";
const HEADLESS_LABEL: &str = "service.kubernetes.io/headless";

/// Why the endpoints controllers acted.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EndpointsReason {
    /// The service's endpoints now list `ready` ready and `not_ready` not-ready addresses.
    /// Lists name at most [`REASON_NAMES_CAP`] pods each; `more_*` count the rest.
    Updated {
        ready: Vec<String>,
        not_ready: Vec<String>,
        #[serde(default)]
        more_ready: usize,
        #[serde(default)]
        more_not_ready: usize,
    },
    /// The service is gone: its Endpoints and EndpointSlices were removed.
    Removed,
}

impl fmt::Display for EndpointsReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EndpointsReason::Updated {
                ready,
                not_ready,
                more_ready,
                more_not_ready,
            } => {
                let more = |n: usize| {
                    if n > 0 {
                        format!(" and {n} more")
                    } else {
                        String::new()
                    }
                };
                write!(
                    f,
                    "endpoints updated: ready [{}{}], not ready [{}{}]",
                    ready.join(" "),
                    more(*more_ready),
                    not_ready.join(" "),
                    more(*more_not_ready)
                )
            }
            EndpointsReason::Removed => f.write_str("service deleted: endpoints removed"),
        }
    }
}

/// Debug omits the `more_*` counts when zero (the form the reason log hash has always had).
impl fmt::Debug for EndpointsReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EndpointsReason::Updated {
                ready,
                not_ready,
                more_ready,
                more_not_ready,
            } => {
                let mut d = f.debug_struct("Updated");
                d.field("ready", ready).field("not_ready", not_ready);
                if *more_ready > 0 || *more_not_ready > 0 {
                    d.field("more_ready", more_ready)
                        .field("more_not_ready", more_not_ready);
                }
                d.finish()
            }
            EndpointsReason::Removed => f.write_str("Removed"),
        }
    }
}

impl EndpointsReason {
    pub fn is_wait(&self) -> bool {
        false
    }
}

/// Most pod names one [`EndpointsReason::Updated`] lists per kind; the rest are counted.
pub const REASON_NAMES_CAP: usize = 50;

/// `maxCapacity` of the endpoints controller: an Endpoints object lists at most this many
/// addresses and is annotated `endpoints.kubernetes.io/over-capacity: truncated` beyond it.
pub const ENDPOINTS_MAX_CAPACITY: usize = 1000;
const OVER_CAPACITY_ANNOTATION: &str = "endpoints.kubernetes.io/over-capacity";

/// `--max-endpoints-per-slice` (kube-controller-manager default).
pub const MAX_ENDPOINTS_PER_SLICE: usize = 100;

#[derive(Debug, Clone, Default)]
pub struct EndpointsController {
    /// Per service with a selector: the pods it selects, indexed the ways the two objects are
    /// built, maintained from watch events (informer-side), so a sync costs what changed.
    services: VecMap<ObjectRef, SvcState>,
}

/// What the two controllers read from one selected pod (everything they publish about it).
#[derive(Debug, Clone, PartialEq)]
struct PodView {
    /// `ShouldPodBeInEndpoints(pod, publishNotReadyAddresses)`.
    in_endpoints: bool,
    /// `ShouldPodBeInEndpoints(pod, true)`: slices list terminating pods too.
    in_slices: bool,
    ready: bool,
    ip: String,
    /// The Endpoints subset ports (`find_port` per service port).
    ports: Vec<Value>,
    /// `ports` serialized: the key of its subset.
    ports_key: String,
    /// Per service port: `find_port` (the slice resolves named target ports from the first pod).
    found: Vec<Option<i32>>,
    /// Its address in the Endpoints object (built once, shared by every rewrite).
    address: Arc<EndpointAddress>,
    /// Its entry in its EndpointSlice (built once, shared by every rewrite of the slice).
    slice_endpoint: Arc<Value>,
}

impl PodView {
    fn of(svc: &Service, pod: &Pod, publish: bool) -> PodView {
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
        let ip = pod.status.pod_ip.clone().unwrap_or_default();
        let hostname =
            should_set_hostname(pod, svc).then(|| pod.spec.hostname.clone().unwrap_or_default());
        let target_ref = json!({
            "kind": "Pod", "name": pod.metadata.name,
            "namespace": svc.metadata.ns(), "uid": pod.metadata.uid,
        });
        let address = EndpointAddress {
            ip: ip.clone(),
            hostname: hostname.clone(),
            node_name: pod.spec.node_name.clone(),
            target_ref: Some(target_ref.clone()),
        };
        let terminating = pod.metadata.is_deleting();
        let ready = pod.is_ready();
        let mut slice_endpoint = json!({
            "addresses": [ip],
            "conditions": {
                "ready": publish || (ready && !terminating),
                "serving": ready,
                "terminating": terminating,
            },
            "targetRef": target_ref,
        });
        if let Some(h) = &hostname {
            slice_endpoint["hostname"] = json!(h);
        }
        if let Some(n) = &pod.spec.node_name {
            slice_endpoint["nodeName"] = json!(n);
        }
        PodView {
            address: Arc::new(address),
            slice_endpoint: Arc::new(slice_endpoint),
            in_endpoints: should_pod_be_in_endpoints(pod, publish),
            in_slices: should_pod_be_in_endpoints(pod, true),
            ready,
            ip,
            ports_key: Value::Array(ports.clone()).to_string(),
            ports,
            found: svc
                .spec
                .ports
                .iter()
                .map(|sp| find_port(pod, sp.target_port.as_ref(), sp.port))
                .collect(),
        }
    }

    /// Listed as a ready address of the Endpoints object.
    fn endpoints_ready(&self, publish: bool) -> bool {
        publish || self.ready
    }
}

/// One Endpoints subset under construction: the pods sharing one ports list.
#[derive(Debug, Clone, Default)]
struct SubsetIndex {
    ports: Vec<Value>,
    /// Pod names in it (the subset's position is that of its lowest name).
    names: VecSet<String>,
    /// (ip, pod) of ready and not-ready addresses, `RepackSubsets` order, with the pod's
    /// address (its view's: the view in `SvcState::pods` and these entries change together).
    ready: VecMap<(String, String), Arc<EndpointAddress>>,
    not_ready: VecMap<(String, String), Arc<EndpointAddress>>,
}

#[derive(Debug, Clone, Default)]
struct SliceState {
    /// The EndpointSlice object's name once created.
    name: Option<String>,
    members: VecSet<String>,
}

#[derive(Debug, Clone, Default)]
struct SvcState {
    /// Rebuild everything from a fresh list at the next sync (new or changed service).
    full: bool,
    publish: bool,
    /// A B-tree, not a `VecMap`: one entry per selected pod, taken out and put back on
    /// every pod event.
    pods: BTreeMap<String, PodView>,
    subsets: VecMap<String, SubsetIndex>,
    ready_names: VecSet<String>,
    not_ready_names: VecSet<String>,
    endpoints_dirty: bool,
    /// When the last Endpoints written was one subset truncated to its first
    /// [`ENDPOINTS_MAX_CAPACITY`] ready addresses: the last (ip, pod) it lists. A change to
    /// pods past it (or to not-ready ones) cannot change the object.
    window_end: Option<(String, String)>,
    /// Slices by creation order (the first stays even when empty).
    slices: VecMap<u64, SliceState>,
    next_slice: u64,
    slice_of: VecMap<String, u64>,
    dirty_slices: VecSet<u64>,
    /// Pods that joined the slices since the last sync (placed at sync, first fit).
    unplaced: VecSet<String>,
    /// resourceVersions this controller wrote last (its own writes need no resync).
    own_rvs: VecSet<String>,
    /// The selected pods as of the last sync (a pod event for one of them queues a sync),
    /// and the pods seen since, to bring it up to date at the next sync.
    synced: VecSet<String>,
    seen: VecSet<String>,
}

impl SvcState {
    fn remove_pod(&mut self, name: &str) {
        let Some(old) = self.pods.remove(name) else {
            return;
        };
        if old.in_endpoints {
            if let Some(sub) = self.subsets.get_mut(&old.ports_key) {
                sub.names.remove(name);
                let k = (old.ip.clone(), name.to_string());
                sub.ready.remove(&k);
                sub.not_ready.remove(&k);
                if sub.names.is_empty() {
                    self.subsets.remove(&old.ports_key);
                }
            }
            self.ready_names.remove(name);
            self.not_ready_names.remove(name);
            self.touch_endpoints(&old, name);
        }
        if old.in_slices {
            self.unplaced.remove(name);
            if let Some(id) = self.slice_of.remove(name) {
                if let Some(sl) = self.slices.get_mut(&id) {
                    sl.members.remove(name);
                }
                self.dirty_slices.insert(id);
            }
        }
    }

    /// A pod listed in the Endpoints changed: the object must be rebuilt unless the last one
    /// was a truncated single subset that still is, and the pod is not (and was not) among
    /// the ready addresses it lists.
    fn touch_endpoints(&mut self, view: &PodView, name: &str) {
        let Some(end) = &self.window_end else {
            self.endpoints_dirty = true;
            return;
        };
        let still_truncated = self.subsets.len() == 1
            && self
                .subsets
                .values()
                .next()
                .is_some_and(|s| s.ready.len() > ENDPOINTS_MAX_CAPACITY);
        let listed = view.endpoints_ready(self.publish)
            && (view.ip.as_str(), name) <= (end.0.as_str(), end.1.as_str());
        if !still_truncated || listed {
            self.endpoints_dirty = true;
        }
    }

    fn add_pod(&mut self, name: &str, view: PodView) {
        if view.in_endpoints {
            let sub = self
                .subsets
                .entry(view.ports_key.clone())
                .or_insert_with(|| SubsetIndex {
                    ports: view.ports.clone(),
                    ..Default::default()
                });
            sub.names.insert(name.to_string());
            let k = (view.ip.clone(), name.to_string());
            if view.endpoints_ready(self.publish) {
                sub.ready.insert(k, view.address.clone());
                self.ready_names.insert(name.to_string());
            } else {
                sub.not_ready.insert(k, view.address.clone());
                self.not_ready_names.insert(name.to_string());
            }
            self.touch_endpoints(&view, name);
        }
        if view.in_slices {
            self.unplaced.insert(name.to_string());
        }
        self.pods.insert(name.to_string(), view);
    }

    /// Applies a pod's new view (None: not selected any more). Returns whether anything changed.
    fn set_pod(&mut self, name: &str, view: Option<PodView>) -> bool {
        if self.pods.get(name) == view.as_ref() {
            return false;
        }
        // A pod that stays in the slices keeps its slice (the reconciler updates in place).
        let kept_slice = match (&view, self.pods.get(name)) {
            (Some(v), Some(old)) if v.in_slices && old.in_slices => {
                self.slice_of.get(name).copied()
            }
            _ => None,
        };
        self.remove_pod(name);
        if let Some(v) = view {
            self.add_pod(name, v);
            if let Some(id) = kept_slice {
                if let Some(sl) = self.slices.get_mut(&id) {
                    self.unplaced.remove(name);
                    sl.members.insert(name.to_string());
                    self.slice_of.insert(name.to_string(), id);
                }
            }
        }
        true
    }
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

fn service_labels(svc: &Service) -> VecMap<String, String> {
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
            Object::Service(s) => {
                let key = svc_key(s.metadata.ns(), &s.metadata.name);
                if let Some(st) = self.services.get_mut(&key) {
                    st.full = true;
                }
                enqueue(key);
            }
            Object::Pod(p) => {
                let ns = p.metadata.ns();
                let gone = ev.type_ == WatchEventType::Deleted;
                let name = &p.metadata.name;
                // Enqueue exactly when (and in the order) upstream's handlers would — services
                // selecting the pod now, then those that listed it at their last sync — even if
                // nothing they publish changed: the sync is a no-op then, but when it runs is
                // part of the history.
                for s in api.list::<Service>(Some(ns)) {
                    if !gone && selects(s, p) {
                        enqueue(svc_key(ns, &s.metadata.name));
                    }
                }
                for (k, st) in &self.services {
                    if k.namespace == ns && st.synced.contains(name) {
                        enqueue(k.clone());
                    }
                }
                for s in api.list::<Service>(Some(ns)) {
                    if s.spec.selector.is_empty() {
                        continue;
                    }
                    let key = svc_key(ns, &s.metadata.name);
                    let selected = !gone && selects(s, p);
                    let st = match self.services.get_mut(&key) {
                        Some(st) => st,
                        None if selected => {
                            // Never synced yet: the first sync lists everything.
                            self.services.insert(
                                key.clone(),
                                SvcState {
                                    full: true,
                                    ..Default::default()
                                },
                            );
                            continue;
                        }
                        None => continue,
                    };
                    if st.full {
                        continue;
                    }
                    st.seen.insert(name.clone());
                    let view = selected.then(|| PodView::of(s, p, st.publish));
                    st.set_pod(name, view);
                }
                // A pod of a service deleted meanwhile: its state goes with the next sync.
            }
            // Its own writes come back here too: nothing to redo then (but the sync is queued
            // all the same, as upstream's handlers queue it).
            Object::Endpoints(e) => {
                let key = svc_key(e.metadata.ns(), &e.metadata.name);
                if let Some(st) = self.services.get_mut(&key) {
                    if !st.own_rvs.contains(&e.metadata.resource_version) {
                        st.endpoints_dirty = true;
                    }
                }
                enqueue(key);
            }
            Object::EndpointSlice(s) => {
                if let Some(svc) = s.metadata.labels.get(SERVICE_NAME_LABEL) {
                    let key = svc_key(s.metadata.ns(), svc);
                    if let Some(st) = self.services.get_mut(&key) {
                        if !st.own_rvs.contains(&s.metadata.resource_version) {
                            st.full = true;
                        }
                    }
                    enqueue(key);
                }
            }
            _ => {}
        }
    }

    fn handle(&mut self, key: &ObjectRef, _tag: u32, ctx: &mut Ctx<'_>) {
        let ns = key.namespace.clone();
        let Some(svc) = ctx.api.get::<Service>(&ns, &key.name).cloned() else {
            self.services.remove(key);
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
        let st = self
            .services
            .entry(key.clone())
            .or_insert_with(|| SvcState {
                full: true,
                ..Default::default()
            });
        if st.full {
            rebuild(st, &svc, ctx.api);
            st.synced = VecSet::from_iter(st.pods.keys().cloned());
        } else {
            for name in std::mem::take(&mut st.seen) {
                if st.pods.contains_key(&name) {
                    st.synced.insert(name);
                } else {
                    st.synced.remove(&name);
                }
            }
        }
        st.own_rvs.clear();

        // ---- Endpoints (endpoints controller: terminating pods only with publishNotReady) ----
        let mut changed_ep = false;
        if std::mem::take(&mut st.endpoints_dirty) {
            let (subsets, truncated, window_end) = endpoint_subsets(st);
            st.window_end = window_end;
            let mut ep_meta = ObjectMeta::named(Some(&ns), &key.name);
            ep_meta.labels = service_labels(&svc);
            if truncated {
                ep_meta
                    .annotations
                    .insert(OVER_CAPACITY_ANNOTATION.into(), "truncated".into());
            }
            if let Some(rv) = write_endpoints(ctx, ep_meta, subsets) {
                changed_ep = true;
                st.own_rvs.insert(rv);
            }
        }

        // ---- EndpointSlices (include terminating pods with their conditions) ----
        let changed_slice = sync_slices(st, &svc, ctx);
        if changed_ep || changed_slice {
            let names = |set: &VecSet<String>| -> Vec<String> {
                set.iter().take(REASON_NAMES_CAP).cloned().collect()
            };
            ctx.reason(
                key.clone(),
                Reason::Endpoints(EndpointsReason::Updated {
                    ready: names(&st.ready_names),
                    not_ready: names(&st.not_ready_names),
                    more_ready: st.ready_names.len().saturating_sub(REASON_NAMES_CAP),
                    more_not_ready: st.not_ready_names.len().saturating_sub(REASON_NAMES_CAP),
                }),
            );
        }
    }
}

/// Re-lists the service's pods and existing slices (first sync, or the service changed).
fn rebuild(st: &mut SvcState, svc: &Service, api: &ApiServer) {
    let ns = svc.metadata.ns();
    let publish = svc.spec.publish_not_ready_addresses == Some(true);
    *st = SvcState {
        publish,
        endpoints_dirty: true,
        ..Default::default()
    };
    // Existing slices keep their pods where they are (the reconciler updates in place).
    let mut holder: VecMap<String, u64> = VecMap::new();
    for name in slices_of(api, ns, &svc.metadata.name) {
        let id = st.next_slice;
        st.next_slice += 1;
        if let Some(slice) = api.get::<EndpointSlice>(ns, &name) {
            for e in &slice.endpoints {
                if let Some(pod) = e.pointer("/targetRef/name").and_then(Value::as_str) {
                    holder.entry(pod.to_string()).or_insert(id);
                }
            }
        }
        st.slices.insert(
            id,
            SliceState {
                name: Some(name),
                members: VecSet::new(),
            },
        );
        st.dirty_slices.insert(id);
    }
    for pod in api.list::<Pod>(Some(ns)).filter(|p| selects(svc, p)) {
        let name = pod.metadata.name.clone();
        st.add_pod(&name, PodView::of(svc, pod, publish));
        if let Some(&id) = holder.get(&name) {
            if let Some(sl) = st.slices.get_mut(&id) {
                if st.unplaced.contains(&name) && sl.members.len() < MAX_ENDPOINTS_PER_SLICE {
                    st.unplaced.remove(&name);
                    sl.members.insert(name.clone());
                    st.slice_of.insert(name, id);
                }
            }
        }
    }
}

/// The Endpoints subsets (`RepackSubsets` order) and whether `truncateEndpoints` cut them.
fn endpoint_subsets(st: &SvcState) -> (Vec<EndpointSubset>, bool, Option<(String, String)>) {
    let mut order: Vec<(&String, &Vec<Value>, &SubsetIndex)> = st
        .subsets
        .values()
        .filter_map(|sub| sub.names.first().map(|n| (n, &sub.ports, sub)))
        .collect();
    crate::sort::sort_by(&mut order, |a, b| a.0.cmp(b.0));
    let total_ready: usize = order.iter().map(|(_, _, s)| s.ready.len()).sum();
    let total_not_ready: usize = order.iter().map(|(_, _, s)| s.not_ready.len()).sum();
    let truncated = total_ready + total_not_ready > ENDPOINTS_MAX_CAPACITY;
    // truncateEndpoints: ready addresses first, each subset its proportion (rounded up).
    let (truncate_ready, max, num_total) = if total_ready > ENDPOINTS_MAX_CAPACITY {
        (true, ENDPOINTS_MAX_CAPACITY, total_ready)
    } else {
        (false, ENDPOINTS_MAX_CAPACITY - total_ready, total_not_ready)
    };
    let mut can_be_added = max;
    let take = |set: &VecMap<(String, String), Arc<EndpointAddress>>, n: usize| {
        set.values()
            .take(n)
            .cloned()
            .collect::<Vec<Arc<EndpointAddress>>>()
    };
    let single = order.len() == 1;
    let mut window_end = None;
    let mut out = Vec::with_capacity(order.len());
    for (_, ports, sub) in order {
        let mut s = EndpointSubset {
            ports: ports.clone(),
            ..Default::default()
        };
        if !truncated {
            s.addresses = take(&sub.ready, usize::MAX);
            s.not_ready_addresses = take(&sub.not_ready, usize::MAX);
        } else {
            let in_subset = if truncate_ready {
                sub.ready.len()
            } else {
                sub.not_ready.len()
            };
            let to_be_added =
                ((in_subset as f64 / num_total.max(1) as f64) * max as f64).ceil() as usize;
            let to_be_added = to_be_added.min(can_be_added);
            if truncate_ready {
                s.addresses = take(&sub.ready, to_be_added);
                can_be_added -= s.addresses.len();
                if single && to_be_added == ENDPOINTS_MAX_CAPACITY {
                    window_end = sub.ready.keys().nth(to_be_added - 1).cloned();
                }
            } else {
                s.addresses = take(&sub.ready, usize::MAX);
                s.not_ready_addresses = take(&sub.not_ready, to_be_added);
                can_be_added -= s.not_ready_addresses.len();
            }
        }
        out.push(s);
    }
    (out, truncated, window_end)
}

/// The EndpointSlice reconciler, reduced: pods keep their slice, newcomers fill the first slice
/// with room (at most [`MAX_ENDPOINTS_PER_SLICE`]), emptied slices other than the first are
/// deleted. Only slices whose pods changed are rebuilt and compared.
fn sync_slices(st: &mut SvcState, svc: &Service, ctx: &mut Ctx<'_>) -> bool {
    let ns = svc.metadata.ns().to_string();
    let name = svc.metadata.name.clone();
    for pod in std::mem::take(&mut st.unplaced) {
        let room = st
            .slices
            .iter()
            .find(|(_, sl)| sl.members.len() < MAX_ENDPOINTS_PER_SLICE)
            .map(|(&id, _)| id);
        let id = room.unwrap_or_else(|| {
            let id = st.next_slice;
            st.next_slice += 1;
            st.slices.insert(id, SliceState::default());
            id
        });
        if let Some(sl) = st.slices.get_mut(&id) {
            sl.members.insert(pod.clone());
        }
        st.slice_of.insert(pod, id);
        st.dirty_slices.insert(id);
    }
    if st.slices.is_empty() {
        st.slices.insert(st.next_slice, SliceState::default());
        st.dirty_slices.insert(st.next_slice);
        st.next_slice += 1;
    }
    let ports: Vec<Value> = svc
        .spec
        .ports
        .iter()
        .enumerate()
        .map(|(i, sp)| {
            let port = match &sp.target_port {
                Some(IntOrString::Int(n)) => json!(n),
                Some(IntOrString::Str(_)) => st
                    .pods
                    .values()
                    .find_map(|v| v.found.get(i).copied().flatten())
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
    let mut labels = service_labels(svc);
    labels.insert(SERVICE_NAME_LABEL.into(), name.clone());
    labels.insert(MANAGED_BY_LABEL.into(), MANAGED_BY.into());
    let first = st.slices.keys().next().copied();
    let mut changed = false;
    let opts = DeleteOptions::default();
    // Ports can change without any pod changing (a named port's first pod): check the first
    // slice every sync (the others are rewritten with it when they differ).
    let ports_changed = first
        .and_then(|id| st.slices.get(&id))
        .and_then(|sl| sl.name.as_deref())
        .and_then(|n| ctx.api.get::<EndpointSlice>(&ns, n))
        .is_some_and(|s| s.ports != ports);
    if ports_changed {
        st.dirty_slices.extend(st.slices.keys().copied());
    }
    for id in std::mem::take(&mut st.dirty_slices) {
        let Some(sl) = st.slices.get(&id) else {
            continue;
        };
        if sl.members.is_empty() && Some(id) != first {
            if let Some(n) = &sl.name {
                changed |= ctx
                    .api
                    .delete(
                        Kind::EndpointSlice,
                        &ns,
                        n,
                        &opts,
                        "endpointslice-controller",
                    )
                    .is_ok();
            }
            st.slices.remove(&id);
            continue;
        }
        let endpoints: Vec<Arc<Value>> = sl
            .members
            .iter()
            .filter_map(|pod| st.pods.get(pod))
            .map(|v| v.slice_endpoint.clone())
            .collect();
        let existing = sl.name.clone();
        if let Some(obj) = write_slice(
            ctx,
            svc,
            existing.as_deref(),
            endpoints,
            ports.clone(),
            &labels,
        ) {
            changed = true;
            st.own_rvs.insert(obj.meta().resource_version.clone());
            if let Some(sl) = st.slices.get_mut(&id) {
                sl.name = Some(obj.meta().name.clone());
            }
        }
    }
    changed
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

/// Writes the Endpoints object if it differs; returns the new resourceVersion.
fn write_endpoints(
    ctx: &mut Ctx<'_>,
    meta: ObjectMeta,
    subsets: Vec<EndpointSubset>,
) -> Option<String> {
    let ns = meta.ns().to_string();
    let written = match ctx.api.get::<Endpoints>(&ns, &meta.name) {
        Some(old) => {
            let annotation = |m: &ObjectMeta| m.annotations.get(OVER_CAPACITY_ANNOTATION).cloned();
            if old.subsets == subsets
                && old.metadata.labels == meta.labels
                && annotation(&old.metadata) == annotation(&meta)
            {
                return None;
            }
            // A fresh object around the old metadata: cloning the old subsets only to drop
            // them costs up to 1 000 addresses per write.
            let mut e = Endpoints {
                metadata: old.metadata.clone(),
                subsets,
            };
            e.metadata.labels = meta.labels;
            match meta.annotations.get(OVER_CAPACITY_ANNOTATION) {
                Some(v) => {
                    e.metadata
                        .annotations
                        .insert(OVER_CAPACITY_ANNOTATION.into(), v.clone());
                }
                None => {
                    e.metadata.annotations.remove(OVER_CAPACITY_ANNOTATION);
                }
            }
            ctx.api.update(e.into(), "endpoint-controller")
        }
        None => {
            let e = Endpoints {
                metadata: meta,
                subsets,
            };
            ctx.api.create(e.into(), "endpoint-controller")
        }
    };
    written.ok().map(|o| o.meta().resource_version.clone())
}

/// Writes one EndpointSlice (creating it when `existing` is None) if it differs.
fn write_slice(
    ctx: &mut Ctx<'_>,
    svc: &Service,
    existing: Option<&str>,
    endpoints: Vec<Arc<Value>>,
    ports: Vec<Value>,
    labels: &VecMap<String, String>,
) -> Option<std::sync::Arc<Object>> {
    let ns = svc.metadata.ns().to_string();
    let name = svc.metadata.name.clone();
    match existing.and_then(|n| ctx.api.get::<EndpointSlice>(&ns, n)) {
        Some(old) => {
            if old.endpoints == endpoints && old.ports == ports && old.metadata.labels == *labels {
                return None;
            }
            let mut s = EndpointSlice {
                metadata: old.metadata.clone(),
                address_type: old.address_type.clone(),
                endpoints,
                ports,
            };
            s.metadata.labels = labels.clone();
            ctx.api.update(s.into(), "endpointslice-controller").ok()
        }
        None => {
            let mut meta = ObjectMeta::named(Some(&ns), "");
            meta.generate_name = Some(format!("{name}-"));
            meta.labels = labels.clone();
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
            ctx.api.create(s.into(), "endpointslice-controller").ok()
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
            addresses: vec![Arc::new(EndpointAddress {
                ip,
                hostname: None,
                node_name: None,
                target_ref: None,
            })],
            not_ready_addresses: vec![],
            ports: vec![json!({"name": "https", "port": 6443, "protocol": "TCP"})],
        }];
        let _ = svc;
        write_endpoints(ctx, meta, subsets);
    }
}
