//! The in-memory apiserver: one ordered store, one global resourceVersion counter and one
//! watch-event log that every controller, kubectl and the UI consume.
//!
//! Writes go through create/update/update_status/delete; each successful write bumps the
//! resourceVersion and appends exactly one watch event. Reads never change anything.

use super::error::ApiError;
use super::selector::Selector;
use super::{admission, validation};
use crate::objects::{Kind, Object, ObjectMeta, Typed};
use crate::rng::Rng;
use crate::time::Time;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

/// How many watch events the log keeps. Older events are dropped; a watcher that falls behind
/// further than this gets `Gone` and must re-list, as with a real apiserver's watch cache.
pub const WATCH_LOG_CAPACITY: usize = 200_000;

/// The log's budget in [`event_weight`] units (≈ one ordinary object each): big objects
/// (Endpoints with up to 1 000 addresses, EndpointSlices) count for what they hold, so a
/// 10 000-pod cluster's log stays bounded in memory, not just in events.
pub const WATCH_LOG_WEIGHT_BUDGET: usize = 200_000;

/// What one logged object weighs against [`WATCH_LOG_WEIGHT_BUDGET`].
fn event_weight(o: &Object) -> usize {
    1 + match o {
        Object::Endpoints(e) => {
            e.subsets
                .iter()
                .map(|s| s.addresses.len() + s.not_ready_addresses.len())
                .sum::<usize>()
                / 2
        }
        Object::EndpointSlice(s) => s.endpoints.len() / 2,
        _ => 0,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WatchEventType {
    Added,
    Modified,
    Deleted,
}

impl WatchEventType {
    pub fn as_str(self) -> &'static str {
        match self {
            WatchEventType::Added => "ADDED",
            WatchEventType::Modified => "MODIFIED",
            WatchEventType::Deleted => "DELETED",
        }
    }
}

/// One entry of the watch log.
#[derive(Debug, Clone, PartialEq)]
pub struct WatchEvent {
    pub rv: u64,
    pub at: Time,
    pub type_: WatchEventType,
    pub object: Arc<Object>,
    /// This event's part of `Cluster::event_log_hash`, computed once (crate::digest).
    pub(crate) digest: crate::digest::DigestCell,
}

/// `DeleteOptions.propagationPolicy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Propagation {
    Background,
    Foreground,
    Orphan,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteOptions {
    /// `None`: the kind's default (Background for apps/v1 and core kinds here).
    pub propagation: Option<Propagation>,
    /// `None`: the pod's `terminationGracePeriodSeconds`; `Some(0)` with force = immediate.
    pub grace_period_seconds: Option<i64>,
    /// Precondition: only delete the object with this UID.
    pub uid: Option<String>,
}

/// Who is writing; recorded for `managedFields`-like attribution and debugging.
pub type Actor = &'static str;

/// A typed object read from the store, sharing it (an `Arc`) rather than copying it: it stays
/// as read while the reader writes through the API (a write replaces the store's `Arc`).
/// Deliberately not `Clone`: `shared.clone()` copies the object out (auto-deref), as the
/// `get(..).cloned()` it replaces did, which is what a reader about to edit wants.
#[derive(Debug)]
pub struct Shared<T> {
    obj: Arc<Object>,
    kind: std::marker::PhantomData<fn() -> T>,
}

impl<T: Typed> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        T::from_object(&self.obj).expect("a Shared<T> holds a T (checked by get_shared)")
    }
}

/// The objects of a kind in a range of namespaces. A named iterator (not a chain of adapters)
/// keeps each of the many `list` call sites small in the wasm bundle.
pub struct StoreIter<'a> {
    namespaces: std::collections::btree_map::Range<'a, String, BTreeMap<String, Arc<Object>>>,
    names: Option<std::collections::btree_map::Values<'a, String, Arc<Object>>>,
}

impl<'a> Iterator for StoreIter<'a> {
    type Item = &'a Arc<Object>;

    fn next(&mut self) -> Option<&'a Arc<Object>> {
        loop {
            if let Some(obj) = self.names.as_mut().and_then(Iterator::next) {
                return Some(obj);
            }
            self.names = Some(self.namespaces.next()?.1.values());
        }
    }
}

/// The objects: per kind (`Kind as usize`), per namespace (`""` for cluster-scoped kinds), per
/// name — so a read takes `&str`s without building a key, and one kind's objects (Events pile
/// up) never lengthen another kind's searches. Iterating a kind gives API list order.
#[derive(Debug, Clone)]
struct Store {
    kinds: Vec<BTreeMap<String, BTreeMap<String, Arc<Object>>>>,
    len: usize,
}

fn store_ns(kind: Kind, ns: &str) -> &str {
    if kind.namespaced() {
        ns
    } else {
        ""
    }
}

impl Store {
    fn new() -> Store {
        Store {
            kinds: vec![BTreeMap::new(); Kind::ALL.len()],
            len: 0,
        }
    }

    fn get(&self, kind: Kind, ns: &str, name: &str) -> Option<&Arc<Object>> {
        self.kinds[kind as usize].get(store_ns(kind, ns))?.get(name)
    }

    fn contains(&self, kind: Kind, ns: &str, name: &str) -> bool {
        self.get(kind, ns, name).is_some()
    }

    fn insert(&mut self, kind: Kind, ns: &str, name: &str, obj: Arc<Object>) {
        let ns = store_ns(kind, ns);
        let by_ns = &mut self.kinds[kind as usize];
        // Replacing (the common write) allocates no key.
        if let Some(slot) = by_ns.get_mut(ns).and_then(|names| names.get_mut(name)) {
            *slot = obj;
            return;
        }
        by_ns
            .entry(ns.to_string())
            .or_default()
            .insert(name.to_string(), obj);
        self.len += 1;
    }

    fn remove(&mut self, kind: Kind, ns: &str, name: &str) -> Option<Arc<Object>> {
        let ns = store_ns(kind, ns);
        let by_ns = &mut self.kinds[kind as usize];
        let names = by_ns.get_mut(ns)?;
        let old = names.remove(name)?;
        if names.is_empty() {
            by_ns.remove(ns);
        }
        self.len -= 1;
        Some(old)
    }

    /// A kind's objects in API list order (namespace, then name); `ns = None`: all namespaces.
    fn list<'a>(&'a self, kind: Kind, ns: Option<&str>) -> StoreIter<'a> {
        use std::ops::Bound;
        let bounds = match ns {
            Some(ns) => {
                let ns = store_ns(kind, ns);
                (Bound::Included(ns), Bound::Included(ns))
            }
            None => (Bound::Unbounded, Bound::Unbounded),
        };
        StoreIter {
            namespaces: self.kinds[kind as usize].range::<str, _>(bounds),
            names: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ApiServer {
    store: Store,
    log: VecDeque<WatchEvent>,
    /// Summed [`event_weight`] of the events in `log`.
    log_weight: usize,
    /// resourceVersion of the newest write (0 before any).
    rv: u64,
    now: Time,
    rng: Rng,
    /// Feature gates that change apiserver behaviour (`MaxUnavailableStatefulSet`).
    pub gates: super::FeatureGates,
    /// Warnings of the last create/update (`Warning:` response headers; see [`Self::warnings`]).
    warnings: Vec<String>,
    /// Set while quota usage is being written, so that write does not trigger another refresh.
    refreshing_quota: bool,
}

impl ApiServer {
    pub fn new(seed: u64, now: Time) -> ApiServer {
        ApiServer {
            store: Store::new(),
            log: VecDeque::new(),
            log_weight: 0,
            rv: 0,
            now,
            rng: Rng::new(seed ^ 0xA91_5E7E7),
            gates: super::FeatureGates::default(),
            warnings: Vec::new(),
            refreshing_quota: false,
        }
    }

    pub fn now(&self) -> Time {
        self.now
    }

    /// Only the cluster's clock moves this.
    pub(crate) fn set_now(&mut self, now: Time) {
        debug_assert!(now >= self.now, "virtual time never goes backwards");
        self.now = now;
    }

    pub fn resource_version(&self) -> u64 {
        self.rv
    }

    /// The warnings the last successful `create`/`update` returned, as the apiserver sends them
    /// in `Warning` headers; kubectl prints each on stderr as `Warning: <text>`. Cleared at
    /// the start of every create/update.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The ResourceQuota controller's reaction to a write: usage of quotas in that namespace.
    fn after_write(&mut self, kind: Kind, ns: &str) {
        if self.refreshing_quota || !super::quota::affects_usage(kind) || ns.is_empty() {
            return;
        }
        if self
            .list_objects(Kind::ResourceQuota, Some(ns))
            .next()
            .is_none()
        {
            return;
        }
        self.refreshing_quota = true;
        super::quota::refresh(self, ns);
        self.refreshing_quota = false;
    }

    pub fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }

    // ---- reads -------------------------------------------------------------------------

    pub fn get_object(&self, kind: Kind, ns: &str, name: &str) -> Option<&Arc<Object>> {
        self.store.get(kind, ns, name)
    }

    /// A typed read that shares the store's object instead of copying it (see [`Shared`]).
    pub fn get_shared<T: Typed>(&self, ns: &str, name: &str) -> Option<Shared<T>> {
        let obj = self.get_object(T::KIND, ns, name)?;
        T::from_object(obj)?;
        Some(Shared {
            obj: obj.clone(),
            kind: std::marker::PhantomData,
        })
    }

    pub fn get<T: Typed>(&self, ns: &str, name: &str) -> Option<&T> {
        self.get_object(T::KIND, ns, name)
            .and_then(|o| T::from_object(o))
    }

    /// All objects of a kind, in API list order (namespace, then name). `ns = None`: all namespaces.
    pub fn list_objects<'a>(
        &'a self,
        kind: Kind,
        ns: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Arc<Object>> + 'a {
        self.store.list(kind, ns)
    }

    pub fn list<'a, T: Typed + 'a>(
        &'a self,
        ns: Option<&'a str>,
    ) -> impl Iterator<Item = &'a T> + 'a {
        self.list_objects(T::KIND, ns)
            .filter_map(|o| T::from_object(o))
    }

    pub fn list_selected<'a, T: Typed + 'a>(
        &'a self,
        ns: Option<&'a str>,
        selector: &'a Selector,
    ) -> impl Iterator<Item = &'a T> + 'a {
        self.list::<T>(ns)
            .filter(move |o| selector.matches(&o.meta().labels))
    }

    /// Watch events with `rv > since`, oldest first. `Err` if `since` fell out of the log.
    pub fn events_since(
        &self,
        since: u64,
    ) -> Result<impl DoubleEndedIterator<Item = &WatchEvent>, ApiError> {
        if let Some(first) = self.log.front() {
            if since + 1 < first.rv {
                return Err(ApiError {
                    reason: super::error::StatusReason::Gone,
                    message: format!("too old resource version: {since} ({})", first.rv - 1),
                    kind: None,
                    name: String::new(),
                    causes: vec![],
                });
            }
        }
        let start = self.log.partition_point(|e| e.rv <= since);
        Ok(self.log.range(start..))
    }

    pub fn object_count(&self) -> usize {
        self.store.len
    }

    // ---- writes ------------------------------------------------------------------------

    fn next_rv(&mut self) -> u64 {
        self.rv += 1;
        self.rv
    }

    fn emit(&mut self, type_: WatchEventType, object: Arc<Object>) {
        let rv = self.rv;
        let weight = event_weight(&object);
        while !self.log.is_empty()
            && (self.log.len() >= WATCH_LOG_CAPACITY
                || self.log_weight + weight > WATCH_LOG_WEIGHT_BUDGET)
        {
            if let Some(old) = self.log.pop_front() {
                self.log_weight -= event_weight(&old.object);
            }
        }
        self.log_weight += weight;
        self.log.push_back(WatchEvent {
            rv,
            at: self.now,
            type_,
            object,
            digest: Default::default(),
        });
    }

    fn store_and_emit(&mut self, mut obj: Object, type_: WatchEventType) -> Arc<Object> {
        let rv = self.next_rv();
        obj.meta_mut().resource_version = rv.to_string();
        let kind = obj.kind();
        let arc = Arc::new(obj);
        let m = arc.meta();
        self.store.insert(kind, m.ns(), &m.name, arc.clone());
        self.emit(type_, arc.clone());
        self.after_write(kind, arc.meta().ns());
        arc
    }

    fn remove_and_emit(&mut self, kind: Kind, ns: &str, name: &str) -> Option<Arc<Object>> {
        let old = self.store.remove(kind, ns, name)?;
        let rv = self.next_rv();
        let mut last = (*old).clone();
        last.meta_mut().resource_version = rv.to_string();
        let arc = Arc::new(last);
        self.emit(WatchEventType::Deleted, arc.clone());
        self.after_write(kind, ns);
        Some(arc)
    }

    /// POST. Runs admission (defaulting, generated names, namespace checks) and validation.
    pub fn create(&mut self, obj: Object, actor: Actor) -> Result<Arc<Object>, ApiError> {
        let _ = actor;
        self.warnings.clear();
        let kind = obj.kind();
        let mut obj = obj;
        {
            let m = obj.meta_mut();
            if kind.namespaced() && m.namespace.as_deref().unwrap_or("").is_empty() {
                m.namespace = Some("default".into());
            }
            if !kind.namespaced() {
                m.namespace = None;
            }
        }
        if obj.meta().name.is_empty() {
            if let Some(prefix) = obj.meta().generate_name.clone() {
                let suffix = self.rng.name_suffix(5);
                obj.meta_mut().name = format!("{prefix}{suffix}");
            }
        }
        admission::admit_create(self, &mut obj)?;
        let errs = validation::validate_create(self, &obj);
        if !errs.is_empty() {
            return Err(ApiError::invalid(kind, &obj.meta().name, errs));
        }
        admission::finish_create(self, &mut obj)?;
        let (ns, name) = (obj.meta().ns().to_string(), obj.meta().name.clone());
        if self.store.contains(kind, &ns, &name) {
            return Err(ApiError::already_exists(kind, &name));
        }
        self.warnings = validation::warnings(&obj);
        let uid = self.rng.uuid();
        let now = self.now.truncated();
        let m = obj.meta_mut();
        m.uid = uid;
        m.creation_timestamp = Some(now);
        m.deletion_timestamp = None;
        m.deletion_grace_period_seconds = None;
        if admission::has_generation(kind) {
            m.generation = 1;
        } else {
            m.generation = 0;
        }
        Ok(self.store_and_emit(obj, WatchEventType::Added))
    }

    /// PUT of the main resource: metadata and spec. Status is kept from the stored object for
    /// kinds with a status subresource. `resourceVersion`, if set, must match (optimistic lock).
    pub fn update(&mut self, obj: Object, actor: Actor) -> Result<Arc<Object>, ApiError> {
        let _ = actor;
        self.warnings.clear();
        let kind = obj.kind();
        let (ns, name) = (obj.meta().ns().to_string(), obj.meta().name.clone());
        let Some(old) = self.store.get(kind, &ns, &name).cloned() else {
            return Err(ApiError::not_found(kind, &name));
        };
        let rv = &obj.meta().resource_version;
        if !rv.is_empty() && *rv != old.meta().resource_version {
            return Err(ApiError::conflict(kind, &name));
        }
        let mut obj = obj;
        admission::keep_system_fields(&old, &mut obj);
        admission::admit_update(self, &old, &mut obj)?;
        let errs = validation::validate_update(self, &obj, &old);
        if !errs.is_empty() {
            return Err(ApiError::invalid(kind, &name, errs));
        }
        self.warnings = validation::warnings(&obj);
        if admission::has_generation(kind) && admission::spec_changed(&old, &obj) {
            obj.meta_mut().generation = old.meta().generation + 1;
        }
        if equal_but_rv(&mut obj, &old) {
            // A no-op update writes nothing and emits no event, as the real apiserver does.
            return Ok(old);
        }
        Ok(self.finish_write(obj))
    }

    /// PUT of the status subresource: only `status` changes.
    pub fn update_status(&mut self, obj: Object, actor: Actor) -> Result<Arc<Object>, ApiError> {
        let _ = actor;
        let kind = obj.kind();
        let (ns, name) = (obj.meta().ns().to_string(), obj.meta().name.clone());
        let Some(old) = self.store.get(kind, &ns, &name).cloned() else {
            return Err(ApiError::not_found(kind, &name));
        };
        let mut merged = admission::with_status_of(&old, obj);
        let errs = validation::validate_status_update(&merged, &old);
        if !errs.is_empty() {
            return Err(ApiError::invalid(kind, &name, errs));
        }
        if equal_but_rv(&mut merged, &old) {
            return Ok(old);
        }
        Ok(self.store_and_emit(merged, WatchEventType::Modified))
    }

    /// Stores an updated object; removes it instead when it is being deleted, has no
    /// finalizers left and no grace period to wait for (`deleteForEmptyFinalizers`).
    fn finish_write(&mut self, obj: Object) -> Arc<Object> {
        let m = obj.meta();
        if m.deletion_timestamp.is_some()
            && m.finalizers.is_empty()
            && m.deletion_grace_period_seconds.unwrap_or(0) == 0
        {
            let (kind, ns, name) = (obj.kind(), m.ns().to_string(), m.name.clone());
            // Store the final state first so the DELETED event carries it.
            self.store.insert(kind, &ns, &name, Arc::new(obj));
            return self
                .remove_and_emit(kind, &ns, &name)
                .expect("just inserted");
        }
        self.store_and_emit(obj, WatchEventType::Modified)
    }

    /// DELETE with options. Returns the object as the response body: the final state when it
    /// was removed, or the updated object when deletion is now pending (grace period or finalizers).
    pub fn delete(
        &mut self,
        kind: Kind,
        ns: &str,
        name: &str,
        opts: &DeleteOptions,
        actor: Actor,
    ) -> Result<Arc<Object>, ApiError> {
        let _ = actor;
        let Some(old) = self.store.get(kind, ns, name).cloned() else {
            return Err(ApiError::not_found(kind, name));
        };
        if let Some(uid) = &opts.uid {
            if *uid != old.meta().uid {
                return Err(ApiError {
                    reason: super::error::StatusReason::Conflict,
                    message: format!(
                        "Operation cannot be fulfilled on {} \"{name}\": Precondition failed: UID in precondition: {uid}, UID in object meta: {}",
                        kind.qualified_resource(),
                        old.meta().uid
                    ),
                    kind: Some(kind),
                    name: name.into(),
                    causes: vec![],
                });
            }
        }
        let mut obj = (*old).clone();
        let grace = admission::grace_period(&obj, opts);
        let propagation = opts.propagation.unwrap_or(Propagation::Background);
        let now = self.now;
        let m = obj.meta_mut();
        let mut changed = false;
        match propagation {
            Propagation::Orphan => changed |= add_finalizer(m, "orphan"),
            Propagation::Foreground => changed |= add_finalizer(m, "foregroundDeletion"),
            Propagation::Background => {}
        }
        match m.deletion_timestamp {
            None => {
                // Pods: deletionTimestamp is when the grace period ends; others: now.
                m.deletion_timestamp = Some(now.plus_secs(grace.max(0) as u64).truncated());
                m.deletion_grace_period_seconds = Some(grace.max(0));
                changed = true;
            }
            Some(_) => {
                // A second delete may only shorten the grace period.
                if grace < m.deletion_grace_period_seconds.unwrap_or(0) {
                    m.deletion_timestamp = Some(now.plus_secs(grace.max(0) as u64).truncated());
                    m.deletion_grace_period_seconds = Some(grace.max(0));
                    changed = true;
                }
            }
        }
        if m.finalizers.is_empty() && m.deletion_grace_period_seconds == Some(0) {
            let (ns, name) = (m.ns().to_string(), m.name.clone());
            self.store.insert(kind, &ns, &name, Arc::new(obj));
            return Ok(self
                .remove_and_emit(kind, &ns, &name)
                .expect("just inserted"));
        }
        if !changed {
            return Ok(old);
        }
        Ok(self.store_and_emit(obj, WatchEventType::Modified))
    }
}

impl ApiServer {
    /// POST `pods/<name>/binding` (`BindingREST.assignPod`): sets `spec.nodeName` and the
    /// `PodScheduled: True` condition in one write, as the real binding subresource does.
    pub fn bind_pod(
        &mut self,
        ns: &str,
        name: &str,
        node: &str,
        actor: Actor,
    ) -> Result<Arc<Object>, ApiError> {
        let _ = actor;
        let Some(old) = self.store.get(Kind::Pod, ns, name).cloned() else {
            return Err(ApiError::not_found(Kind::Pod, name));
        };
        let Object::Pod(pod) = &*old else {
            return Err(ApiError::not_found(Kind::Pod, name));
        };
        let conflict = |message: String| ApiError {
            reason: super::error::StatusReason::Conflict,
            message,
            kind: Some(Kind::Pod),
            name: name.into(),
            causes: vec![],
        };
        if pod.metadata.deletion_timestamp.is_some() {
            return Err(conflict(format!(
                "Operation cannot be fulfilled on pods/binding \"{name}\": pod {name} is being deleted, cannot be assigned to a host"
            )));
        }
        if let Some(current) = pod.spec.node_name.as_deref().filter(|n| !n.is_empty()) {
            return Err(conflict(format!(
                "Operation cannot be fulfilled on pods/binding \"{name}\": pod {name} is already assigned to node \"{current}\""
            )));
        }
        let mut pod = pod.clone();
        pod.spec.node_name = Some(node.to_string());
        let now = self.now.truncated();
        let cond = crate::objects::PodCondition {
            type_: "PodScheduled".into(),
            status: "True".into(),
            last_probe_time: None,
            last_transition_time: Some(now),
            reason: None,
            message: None,
        };
        match pod
            .status
            .conditions
            .iter_mut()
            .find(|c| c.type_ == "PodScheduled")
        {
            Some(c) => *c = cond,
            None => pod.status.conditions.push(cond),
        }
        Ok(self.store_and_emit(Object::Pod(pod), WatchEventType::Modified))
    }
}

fn add_finalizer(m: &mut ObjectMeta, f: &str) -> bool {
    if m.finalizers.iter().any(|x| x == f) {
        return false;
    }
    m.finalizers.push(f.into());
    true
}

/// `new == old` ignoring resourceVersion, without cloning either.
fn equal_but_rv(new: &mut Object, old: &Object) -> bool {
    let saved = std::mem::replace(
        &mut new.meta_mut().resource_version,
        old.meta().resource_version.clone(),
    );
    let equal = *new == *old;
    new.meta_mut().resource_version = saved;
    equal
}
