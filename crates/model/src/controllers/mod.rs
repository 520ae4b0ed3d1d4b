//! The control plane and the nodes: controllers that watch the apiserver's event log and
//! write back through the API, like the real ones.
//!
//! Each controller implements [`Controller`]: `watch` maps a watch event to keys to
//! reconcile (an informer + workqueue), `reconcile` does one sync of one key. Controllers
//! never call each other; they only meet in the apiserver.

pub mod endpoints;
pub mod gc;
pub mod kubelet;
pub mod nodelifecycle;
pub mod scheduler;
pub mod statefulset;
pub mod volume;

use crate::api::{ApiServer, WatchEvent};
use crate::objects::{Event, EventSource, InvolvedObject, Kind, Object, ObjectMeta, ObjectRef};
use crate::reason::{Reason, ReasonLog};
use crate::time::Time;
use crate::vecmap::VecSet;
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

/// Every controller of the simulated cluster. Order is the order in which they see each
/// watch event (and so the tie-break of reconciles scheduled for the same instant).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ControllerId {
    StatefulSet,
    GarbageCollector,
    Scheduler,
    Volume,
    Kubelet,
    Endpoints,
    NodeLifecycle,
}

impl ControllerId {
    /// The component name Kubernetes uses (`source.component` of its Events).
    pub fn component(self) -> &'static str {
        match self {
            ControllerId::StatefulSet => "statefulset-controller",
            ControllerId::GarbageCollector => "garbage-collector-controller",
            ControllerId::Scheduler => "default-scheduler",
            ControllerId::Volume => "persistentvolume-controller",
            ControllerId::Kubelet => "kubelet",
            ControllerId::Endpoints => "endpoint-controller",
            ControllerId::NodeLifecycle => "node-controller",
        }
    }
}

/// A timer: at `at`, controller `controller` handles `key` with `tag` (0 = reconcile; other
/// tags are the controller's own, e.g. the kubelet's "image pulled" or "probe due").
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Wake {
    pub at: Time,
    /// Insertion order: ties at the same instant run first-scheduled first.
    pub seq: u64,
    pub controller: ControllerId,
    pub key: ObjectRef,
    pub tag: u32,
}

pub const TAG_RECONCILE: u32 = 0;

/// No timer is ever due at the instant it is scheduled: whatever an input sets in motion runs
/// strictly after it, so inputs that share an instant replay back to back exactly as they were
/// applied (see `Cluster::replay`).
pub const MIN_TIMER_DELAY_MS: u64 = 1;

/// How many timers may be pending at once. Reaching it means a runaway controller; the
/// cluster drops the newest timer and records nothing rather than growing without bound.
pub const TIMER_CAPACITY: usize = 1_000_000;

#[derive(Debug, Clone, Default)]
pub struct Timers {
    heap: BinaryHeap<Reverse<Wake>>,
    next_seq: u64,
    /// Pending reconciles per (controller, key), by due time. Like client-go's workqueue, an
    /// event-driven enqueue coalesces into a reconcile already pending at or before its time
    /// (that run will see the new state), while a delayed requeue (`AddAfter`) survives an
    /// earlier run: it exists because time itself must pass (minReadySeconds, back-off).
    queued: HashMap<(ControllerId, ObjectRef), VecSet<Time>>,
}

impl Timers {
    /// An event-driven reconcile (the informer saw a change): skipped if one is already
    /// pending no later than `at`.
    pub fn enqueue(&mut self, at: Time, controller: ControllerId, key: ObjectRef) {
        let slot = (controller, key);
        if self
            .queued
            .get(&slot)
            .is_some_and(|times| times.range(..=at).next().is_some())
        {
            return;
        }
        self.push(at, slot.0, slot.1, TAG_RECONCILE);
    }

    /// A timer at exactly `at` (a delayed requeue or a controller's own tag); only an identical
    /// pending timer makes it redundant.
    pub fn schedule(&mut self, at: Time, controller: ControllerId, key: ObjectRef, tag: u32) {
        if tag == TAG_RECONCILE
            && self
                .queued
                .get(&(controller, key.clone()))
                .is_some_and(|times| times.contains(&at))
        {
            return;
        }
        self.push(at, controller, key, tag);
    }

    fn push(&mut self, at: Time, controller: ControllerId, key: ObjectRef, tag: u32) {
        if self.heap.len() >= TIMER_CAPACITY {
            return;
        }
        if tag == TAG_RECONCILE {
            self.queued
                .entry((controller, key.clone()))
                .or_default()
                .insert(at);
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Reverse(Wake {
            at,
            seq,
            controller,
            key,
            tag,
        }));
    }

    pub fn next_at(&self) -> Option<Time> {
        self.heap.peek().map(|Reverse(w)| w.at)
    }

    /// Pops the next timer due at or before `limit`.
    pub fn pop_due(&mut self, limit: Time) -> Option<Wake> {
        if self.next_at()? > limit {
            return None;
        }
        let Reverse(w) = self.heap.pop()?;
        if w.tag == TAG_RECONCILE {
            let slot = (w.controller, w.key.clone());
            if let Some(times) = self.queued.get_mut(&slot) {
                times.remove(&w.at);
                if times.is_empty() {
                    self.queued.remove(&slot);
                }
            }
        }
        Some(w)
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

/// What a controller gets while it runs: the API, the clock, timers and the reason log.
pub struct Ctx<'a> {
    pub api: &'a mut ApiServer,
    pub now: Time,
    pub(crate) timers: &'a mut Timers,
    pub(crate) reasons: &'a mut ReasonLog,
    pub(crate) events: &'a mut EventRecorder,
    pub(crate) controller: ControllerId,
}

impl Ctx<'_> {
    /// Reconcile `key` again after `delay_ms` (`AddAfter`).
    pub fn requeue_after(&mut self, key: ObjectRef, delay_ms: u64) {
        self.timers.schedule(
            self.now.plus_ms(delay_ms.max(MIN_TIMER_DELAY_MS)),
            self.controller,
            key,
            TAG_RECONCILE,
        );
    }

    /// Wake this controller for `key` with its own `tag` at `at`.
    pub fn wake_at(&mut self, at: Time, key: ObjectRef, tag: u32) {
        self.timers.schedule(
            at.max(self.now.plus_ms(MIN_TIMER_DELAY_MS)),
            self.controller,
            key,
            tag,
        );
    }

    /// Enqueue a reconcile of `key` for another controller (rarely needed: prefer watching).
    pub fn enqueue_for(&mut self, controller: ControllerId, key: ObjectRef, delay_ms: u64) {
        self.timers.schedule(
            self.now.plus_ms(delay_ms.max(MIN_TIMER_DELAY_MS)),
            controller,
            key,
            TAG_RECONCILE,
        );
    }

    pub fn reason(&mut self, object: ObjectRef, reason: Reason) {
        self.reasons
            .push(self.now, self.controller.component(), object, reason);
    }

    /// Records a core/v1 Event about `involved` (kind + meta), as the controller's
    /// EventRecorder would; identical events within 10 minutes are aggregated (count++).
    pub fn event(
        &mut self,
        kind: Kind,
        involved: &ObjectMeta,
        type_: &str,
        reason: &str,
        message: String,
    ) {
        let host = String::new();
        self.event_from_host(kind, involved, type_, reason, message, host);
    }

    /// Like [`Ctx::event`], reported by another component name than the controller's own
    /// (the kube-controller-manager hosts several: `attachdetach-controller`,
    /// `taint-eviction-controller`, the external provisioner…).
    pub fn event_as(
        &mut self,
        component: &'static str,
        kind: Kind,
        involved: &ObjectMeta,
        type_: &str,
        reason: &str,
        message: String,
    ) {
        self.events.record(
            self.api,
            kind,
            involved,
            type_,
            reason,
            message,
            component,
            String::new(),
        );
    }

    /// Like [`Ctx::event`], with `source.host` (the kubelet sets its node name).
    pub fn event_from_host(
        &mut self,
        kind: Kind,
        involved: &ObjectMeta,
        type_: &str,
        reason: &str,
        message: String,
        host: String,
    ) {
        let component = self.controller.component();
        self.events.record(
            self.api, kind, involved, type_, reason, message, component, host,
        );
    }
}

/// Creates and aggregates Event objects (client-go's EventRecorder + EventCorrelator, reduced).
#[derive(Debug, Clone, Default)]
pub struct EventRecorder {
    /// (involved uid, reason, message, component) → event name, for aggregation.
    index: HashMap<(String, String, String, &'static str), String>,
    counter: u64,
}

/// Events older than this are not aggregated into (the correlator's 10-minute window).
const EVENT_AGGREGATION_MS: u64 = 10 * 60 * 1000;

impl EventRecorder {
    #[allow(clippy::too_many_arguments)]
    fn record(
        &mut self,
        api: &mut ApiServer,
        kind: Kind,
        involved: &ObjectMeta,
        type_: &str,
        reason: &str,
        message: String,
        component: &'static str,
        host: String,
    ) {
        let now = api.now().truncated();
        let ns = if involved.ns().is_empty() {
            "default".to_string()
        } else {
            involved.ns().to_string()
        };
        let slot = (
            involved.uid.clone(),
            reason.to_string(),
            message.clone(),
            component,
        );
        if let Some(name) = self.index.get(&slot) {
            if let Some(ev) = api.get::<Event>(&ns, name) {
                if ev
                    .last_timestamp
                    .is_some_and(|t| now.since(t) <= EVENT_AGGREGATION_MS)
                {
                    let mut ev = ev.clone();
                    ev.count += 1;
                    ev.last_timestamp = Some(now);
                    ev.metadata.resource_version.clear();
                    let _ = api.update(Object::Event(ev), component);
                    return;
                }
            }
        }
        // Real names are `<object>.<UnixNano in hex>`; virtual nanoseconds plus a counter keep
        // them unique when several events share an instant.
        self.counter += 1;
        let nanos = u128::from(api.now().ms()) * 1_000_000 + u128::from(self.counter);
        let name = format!("{}.{nanos:x}", involved.name);
        let ev = Event {
            metadata: ObjectMeta::named(Some(&ns), &name),
            involved_object: InvolvedObject {
                kind: kind.name().into(),
                namespace: involved.ns().into(),
                name: involved.name.clone(),
                uid: involved.uid.clone(),
                api_version: kind.api_version().into(),
                resource_version: involved.resource_version.clone(),
                field_path: None,
            },
            reason: reason.into(),
            message,
            type_: type_.into(),
            source: EventSource {
                component: component.into(),
                host,
            },
            first_timestamp: Some(now),
            last_timestamp: Some(now),
            count: 1,
            reporting_component: Some(component.into()),
            reporting_instance: None,
        };
        if api.create(Object::Event(ev), component).is_ok() {
            self.index.insert(slot, name);
        }
    }
}

/// A controller of the simulated cluster.
pub trait Controller {
    const ID: ControllerId;
    /// Maps a watch event to the keys to reconcile (informer event handlers).
    fn watch(&mut self, ev: &WatchEvent, api: &ApiServer, enqueue: &mut dyn FnMut(ObjectRef));
    /// Handles one timer for `key`: a reconcile (`tag == TAG_RECONCILE`) or the controller's own.
    fn handle(&mut self, key: &ObjectRef, tag: u32, ctx: &mut Ctx<'_>);
}

/// Keys touched by a set of watch events, deduplicated, in first-seen order.
pub fn dedupe(keys: Vec<ObjectRef>) -> Vec<ObjectRef> {
    let mut seen = VecSet::new();
    keys.into_iter()
        .filter(|k| seen.insert(k.clone()))
        .collect()
}

/// The ObjectRef of an object.
pub fn object_ref(o: &Object) -> ObjectRef {
    ObjectRef::new(o.kind(), o.meta().ns(), &o.meta().name)
}

/// Applies an injected fault through the controllers that own the affected component.
/// Runs with the kubelet's identity (`ctx.controller == Kubelet`); other controllers are
/// reached through their own queues.
pub fn apply_fault(
    kubelet: &mut kubelet::Kubelets,
    nodes: &mut nodelifecycle::NodeLifecycle,
    ctx: &mut Ctx<'_>,
    fault: crate::input::Fault,
) -> Result<(), String> {
    use crate::input::Fault;
    let pod_ref = |ns: &str, pod: &str| ObjectRef::new(Kind::Pod, ns, pod);
    match fault {
        Fault::NodeDown { node } => {
            kubelet.set_node_down(ctx.api, &node, true)?;
            nodes.node_down(&node, ctx);
        }
        Fault::NodeUp { node } => {
            kubelet.set_node_down(ctx.api, &node, false)?;
            nodes.node_up(&node, ctx);
            kubelet.wake_node(&node, ctx);
        }
        Fault::PodUnready { namespace, pod } => {
            kubelet.set_readiness(ctx.api, &namespace, &pod, false)?;
            ctx.requeue_after(pod_ref(&namespace, &pod), 0);
        }
        Fault::PodReady { namespace, pod } => {
            kubelet.set_readiness(ctx.api, &namespace, &pod, true)?;
            ctx.requeue_after(pod_ref(&namespace, &pod), 0);
        }
        Fault::KillContainer {
            namespace,
            pod,
            container,
            exit_code,
        } => {
            let now = ctx.now;
            kubelet.kill_container(
                ctx.api,
                &namespace,
                &pod,
                container.as_deref(),
                exit_code,
                now,
            )?;
            ctx.requeue_after(pod_ref(&namespace, &pod), 0);
        }
        Fault::LosePvc { namespace, pvc } => {
            let claim = ctx
                .api
                .get::<crate::objects::PersistentVolumeClaim>(&namespace, &pvc)
                .ok_or_else(|| format!("persistentvolumeclaims \"{pvc}\" not found"))?;
            let pv_name = claim
                .spec
                .volume_name
                .clone()
                .filter(|v| !v.is_empty())
                .ok_or_else(|| {
                    format!("ordinal: persistentvolumeclaim \"{pvc}\" is not bound to a volume")
                })?;
            let pv = ctx
                .api
                .get::<crate::objects::PersistentVolume>("", &pv_name)
                .cloned()
                .ok_or_else(|| format!("persistentvolumes \"{pv_name}\" not found"))?;
            // The disk vanishes: the PV object goes with it, finalizers or not.
            let mut stripped = pv;
            stripped.metadata.finalizers.clear();
            ctx.api
                .update(stripped.into(), "ordinal-fault")
                .map_err(|e| e.message)?;
            let opts = crate::api::DeleteOptions {
                propagation: None,
                grace_period_seconds: Some(0),
                uid: None,
            };
            ctx.api
                .delete(Kind::PersistentVolume, "", &pv_name, &opts, "ordinal-fault")
                .map_err(|e| e.message)?;
        }
        Fault::SlowImagePull { image, seconds } => kubelet.slow_image_pull(&image, seconds),
    }
    Ok(())
}
